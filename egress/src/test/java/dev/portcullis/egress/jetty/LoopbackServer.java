package dev.portcullis.egress.jetty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A tiny HTTP/1.1 server on a loopback address that counts every accepted TCP connection, so a test can prove
 * that a refused request never reached the socket. One request per connection, then close.
 */
final class LoopbackServer implements AutoCloseable {

    record Received(String method, String path, Map<String, String> headers) {
    }

    private final ServerSocket socket;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Function<Received, String> handler;

    /** @param handler returns the status line, headers and body after "HTTP/1.1 " */
    LoopbackServer(InetAddress bind, Function<Received, String> handler) throws IOException {
        this.socket = new ServerSocket();
        this.socket.bind(new InetSocketAddress(bind, 0));
        this.handler = handler;
        Thread.ofVirtual().start(this::acceptLoop);
    }

    static LoopbackServer ok() throws IOException {
        return new LoopbackServer(InetAddress.getLoopbackAddress(), r -> response(200, "", "ok"));
    }

    static LoopbackServer redirectingTo(String location) throws IOException {
        return new LoopbackServer(InetAddress.getLoopbackAddress(),
                r -> response(302, "Location: " + location + "\r\n", ""));
    }

    static String response(int status, String extraHeaders, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return status + " X\r\n" + extraHeaders + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body;
    }

    int port() {
        return socket.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    List<Received> received() {
        return received;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                accepted.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            if (requestLine == null) {
                return;
            }
            Map<String, String> headers = new TreeMap<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            for (int i = 0; i < length; i++) {
                in.read();
            }
            String[] parts = requestLine.split(" ");
            Received request = new Received(parts[0], parts[1], headers);
            received.add(request);
            OutputStream out = connection.getOutputStream();
            out.write(("HTTP/1.1 " + handler.apply(request)).getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException ignored) {
            // the client went away; nothing to serve
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
