package dev.portcullis.http;

import dev.portcullis.mcp.Sink;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.ObjectMapper;

/**
 * A {@code text/event-stream} response carrying JSON-RPC messages to an MCP client. A comment is sent
 * when nothing else has been for a while, so proxies and the server's idle timeout keep the stream
 * open while a tool runs or a person answers; a failed write means the client went away.
 */
final class SseStream implements Sink, AutoCloseable {
    static final Duration KEEPALIVE = Duration.ofSeconds(15);

    private final OutputStream out;
    private final ObjectMapper json;
    private final ReentrantLock lock = new ReentrantLock(); // not synchronized: writers are virtual threads
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile long lastWrite = System.nanoTime();

    private SseStream(OutputStream out, ObjectMapper json) {
        this.out = out;
        this.json = json;
    }

    static SseStream open(HttpServletResponse response, ObjectMapper json) throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("utf-8");
        response.setHeader("Cache-Control", "no-cache, no-store");
        response.setHeader("X-Accel-Buffering", "no"); // nginx: pass events on as they come
        OutputStream out = response.getOutputStream();
        SseStream stream = new SseStream(out, json);
        out.flush();
        Thread.ofVirtual().name("mcp-sse-keepalive").start(stream::keepAlive);
        return stream;
    }

    @Override
    public boolean send(Map<String, Object> message) {
        return write("event: message\ndata: " + json.writeValueAsString(message) + "\n\n");
    }

    private boolean write(String text) {
        if (!isOpen()) {
            return false;
        }
        lock.lock();
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            lastWrite = System.nanoTime();
            return true;
        } catch (IOException | RuntimeException e) {
            closed.countDown();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void keepAlive() {
        try {
            while (!closed.await(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - lastWrite >= KEEPALIVE.toNanos() / 2) {
                    write(": keepalive\n\n");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isOpen() {
        return closed.getCount() > 0;
    }

    /** Blocks until the client goes away, the stream is closed, or {@code within} passed (then it closes). */
    void awaitClose(Duration within) throws InterruptedException {
        if (!closed.await(within.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
        }
    }

    @Override
    public void close() {
        closed.countDown();
    }
}
