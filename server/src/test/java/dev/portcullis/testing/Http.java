package dev.portcullis.testing;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;

/** A small HTTP client for tests, on the same Jetty client the gateway uses. */
public final class Http implements AutoCloseable {
    private final HttpClient client = new HttpClient();
    private final String base;

    public Http(int port) {
        this.base = "http://127.0.0.1:" + port;
        client.setHttpCookieStore(new org.eclipse.jetty.http.HttpCookieStore.Empty()); // tests send cookies explicitly
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Request request(String path) {
        return client.newRequest(base + path).timeout(10, TimeUnit.SECONDS);
    }

    public ContentResponse get(String path) {
        return send(request(path));
    }

    public ContentResponse get(String path, String bearer) {
        return send(request(path).headers(h -> h.put("Authorization", "Bearer " + bearer)));
    }

    public static ContentResponse send(Request request) {
        try {
            return request.send();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
