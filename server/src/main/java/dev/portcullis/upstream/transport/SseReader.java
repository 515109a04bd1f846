package dev.portcullis.upstream.transport;

import dev.portcullis.upstream.UpstreamException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A blocking Server-Sent Events parser (WHATWG HTML, section 9.2.6) with bounds: a line longer than
 * {@code maxLineBytes} or an event whose data exceeds {@code maxDataBytes} raises
 * {@link UpstreamException.MessageTooLarge} as soon as the limit is crossed, so a hostile or broken server
 * cannot make the gateway buffer without end or leave a request waiting for a message that never completes.
 */
final class SseReader {

    private final InputStream in;
    private final int maxLineBytes;
    private final int maxDataBytes;
    private final byte[] buffer = new byte[8192];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private int position;
    private int limit;
    private boolean skipLineFeed;
    private String lastEventId;
    private long retryMillis = -1;

    SseReader(InputStream in, int maxLineBytes, int maxDataBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.maxDataBytes = maxDataBytes;
    }

    /** The id a reconnecting client sends as {@code Last-Event-ID}, or null if the server sent none. */
    String lastEventId() {
        return lastEventId;
    }

    /** The server's {@code retry} field in milliseconds, or -1 if it sent none. */
    long retryMillis() {
        return retryMillis;
    }

    /** The next event, or null at the end of the stream (an unterminated last event is dropped, as specified). */
    SseEvent next() throws IOException {
        StringBuilder data = null;
        String type = null;
        for (String text; (text = readLine()) != null; ) {
            if (text.isEmpty()) {
                if (data != null) {
                    return new SseEvent(lastEventId, type == null || type.isEmpty() ? "message" : type, data.toString());
                }
                type = null;
                continue;
            }
            if (text.charAt(0) == ':') {
                continue; // a comment, often a keep-alive
            }
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + (text.startsWith(" ", colon + 1) ? 2 : 1));
            switch (field) {
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value.length());
                    } else {
                        data.append('\n');
                    }
                    data.append(value);
                    if (data.length() > maxDataBytes) {
                        throw new UpstreamException.MessageTooLarge("an SSE event exceeded " + maxDataBytes + " bytes");
                    }
                }
                case "event" -> type = value;
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        lastEventId = value;
                    }
                }
                case "retry" -> {
                    if (!value.isEmpty() && value.length() < 10 && value.chars().allMatch(Character::isDigit)) {
                        retryMillis = Long.parseLong(value);
                    }
                }
                default -> { } // unknown fields are ignored, as specified
            }
        }
        return null;
    }

    /** One line without its terminator (CR, LF or CRLF), or null at the end of the stream. */
    private String readLine() throws IOException {
        line.reset();
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return null;
                }
            }
            if (skipLineFeed) {
                skipLineFeed = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') {
                position++;
            }
            line.write(buffer, start, position - start);
            if (line.size() > maxLineBytes) {
                throw new UpstreamException.MessageTooLarge("an SSE line exceeded " + maxLineBytes + " bytes");
            }
            if (position < limit) {
                skipLineFeed = buffer[position] == '\r';
                position++;
                return line.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
