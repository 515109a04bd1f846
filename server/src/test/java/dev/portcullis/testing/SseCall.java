package dev.portcullis.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/** A POST answered with server-sent events, read as they arrive (a test waits for each in turn). */
public final class SseCall implements AutoCloseable {
    public record Event(String name, JsonNode data) {
    }

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile java.util.stream.Stream<String> body;

    private SseCall(HttpRequest request) {
        reader = Thread.ofVirtual().start(() -> {
            try {
                HttpResponse<java.util.stream.Stream<String>> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofLines());
                body = response.body();
                String name = "message";
                for (String line : (Iterable<String>) response.body()::iterator) {
                    if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        events.add(new Event(name, ApiClient.JSON.readTree(line.substring(5).trim())));
                        name = "message";
                    }
                }
                events.add(new Event("end", ApiClient.JSON.createObjectNode()));
            } catch (Exception e) {
                events.add(new Event("closed", ApiClient.JSON.createObjectNode().put("reason", String.valueOf(e))));
            }
        });
    }

    /** @param headers more request headers, as name, value, name, value... */
    public static SseCall post(int port, String path, String bearer, String json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + bearer).header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return new SseCall(request.build());
    }

    /** The next event; fails the test if none comes within the time. */
    public Event next(Duration within) throws InterruptedException {
        Event e = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no event within " + within);
        }
        return e;
    }

    /** The next event of this name, skipping others (progress, log). */
    public Event next(String name, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Event e = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (e.name().equals(name)) {
                return e;
            }
            if (e.name().equals("error") || e.name().equals("closed")) {
                throw new AssertionError("wanted " + name + ", got " + e);
            }
        }
    }

    /** Closes the connection: the server sees the client go away. */
    @Override
    public void close() {
        java.util.stream.Stream<String> b = body;
        if (b != null) {
            b.close();
        }
        reader.interrupt();
    }
}
