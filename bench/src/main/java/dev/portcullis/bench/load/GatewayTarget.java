package dev.portcullis.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;

/** {@code POST /api/mcp/{server}/tools/echo/call} on a running gateway, over one pooled HTTP/1.1 client. */
final class GatewayTarget implements CallTarget {
    private final HttpClient client = new HttpClient();
    private final String url;
    private final String token;

    GatewayTarget(int port, String server, String token) throws Exception {
        this.url = "http://127.0.0.1:" + port + "/api/mcp/" + server + "/tools/echo/call";
        this.token = token;
        client.getClientConnector().setTCPNoDelay(true);
        client.setMaxConnectionsPerDestination(64);
        client.start();
    }

    /** Adds the upstream as the caller's own server ({@code POST /api/mcp/servers}); returns its name. */
    static String addUserServer(int port, String token, String upstreamUrl) throws Exception {
        HttpClient client = new HttpClient();
        client.start();
        try {
            ContentResponse r = client.POST("http://127.0.0.1:" + port + "/api/mcp/servers").timeout(30, TimeUnit.SECONDS)
                    .headers(h -> h.put("Authorization", "Bearer " + token))
                    .body(new StringRequestContent("application/json", "{\"config\": {\"type\": \"streamable-http\", \"url\": \""
                            + upstreamUrl + "\", \"title\": \"Load Everything\"}}", StandardCharsets.UTF_8))
                    .send();
            if (r.getStatus() != 201) {
                throw new IllegalStateException("adding the user server answered " + r.getStatus() + ": " + r.getContentAsString());
            }
            return "load-everything";
        } finally {
            client.stop();
        }
    }

    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public void call(String message) throws Exception {
        ContentResponse r = client.POST(url).timeout(30, TimeUnit.SECONDS)
                .headers(h -> h.put("Authorization", "Bearer " + token))
                .body(new StringRequestContent("application/json", "{\"arguments\":{\"message\":\"" + message + "\"}}",
                        StandardCharsets.UTF_8))
                .send();
        if (r.getStatus() != 200 || !r.getContentAsString().contains("Echo: " + message)) {
            throw new IllegalStateException("gateway answered " + r.getStatus() + ": " + r.getContentAsString());
        }
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
