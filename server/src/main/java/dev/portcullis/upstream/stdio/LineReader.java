package dev.portcullis.upstream.stdio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads '\n'-terminated UTF-8 lines with a byte bound, so one endless line cannot exhaust memory. */
final class LineReader {
    private final InputStream in;
    private final int maxBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line, or null at end of stream; throws when a line exceeds the bound. */
    String next() throws IOException {
        line.reset();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                return text();
            }
            if (line.size() >= maxBytes) {
                throw new LineTooLongException();
            }
            line.write(b);
        }
        return line.size() > 0 ? text() : null;
    }

    /** The next line cut to {@code limit} bytes; the rest of an over-long line is skipped. */
    String nextTruncated(int limit) throws IOException {
        line.reset();
        boolean any = false;
        for (int b = in.read(); b != -1; b = in.read()) {
            any = true;
            if (b == '\n') {
                return text();
            }
            if (line.size() < limit) {
                line.write(b);
            }
        }
        return any ? text() : null;
    }

    private String text() {
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    static final class LineTooLongException extends IOException {
        LineTooLongException() {
            super("line too long");
        }
    }
}
