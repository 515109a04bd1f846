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
