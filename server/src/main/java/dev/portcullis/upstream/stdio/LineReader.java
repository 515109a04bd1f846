package dev.portcullis.upstream.stdio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads '\n'-terminated UTF-8 lines with a byte bound, so one endless line cannot exhaust memory.
 * It reads the stream in blocks and scans them itself: a line that lies within one block becomes a
 * string straight from it. (Reading byte by byte through a buffered stream and a byte-array stream
 * took a lock per byte, twice, and was a tenth of the gateway's CPU time on a stdio server's calls.)
 */
final class LineReader {
    private static final int BLOCK = 8192;

    private final InputStream in;
    private final int maxBytes;
    private final byte[] block = new byte[BLOCK];
    /** The bytes of the block not yet returned: {@code block[start, end)}. */
    private int start;
    private int end;
    /** A line that spans blocks, gathered here. */
    private byte[] line = new byte[256];
    private int length;

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line, or null at end of stream; throws when a line exceeds the bound. */
    String next() throws IOException {
        return read(maxBytes, false);
    }

    /** The next line cut to {@code limit} bytes; the rest of an over-long line is skipped. */
    String nextTruncated(int limit) throws IOException {
        return read(limit, true);
    }

    private String read(int limit, boolean truncate) throws IOException {
        length = 0;
        boolean any = false;
        while (true) {
            if (start == end) {
                int n = in.read(block, 0, BLOCK);
                if (n < 0) {
                    // The stream ended inside a line: that is the last line (an empty remainder is none).
                    return (truncate ? any : length > 0) ? text(line, 0, length) : null;
                }
                start = 0;
                end = n;
                continue;
            }
            any = true;
            int newline = indexOfNewline();
            int stop = newline < 0 ? end : newline;
            if (newline >= 0 && length == 0 && stop - start <= limit) {
                String text = text(block, start, stop - start); // the whole line is in this block
                start = newline + 1;
                return text;
            }
            append(start, stop, limit, truncate);
            start = newline < 0 ? end : newline + 1;
            if (newline >= 0) {
                return text(line, 0, length);
            }
        }
    }

    private int indexOfNewline() {
        for (int i = start; i < end; i++) {
            if (block[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void append(int from, int to, int limit, boolean truncate) throws LineTooLongException {
        int n = to - from;
        if (length + n > limit) {
            if (!truncate) {
                throw new LineTooLongException();
            }
            n = Math.max(0, limit - length);
        }
        if (length + n > line.length) {
            line = Arrays.copyOf(line, Math.max(length + n, line.length * 2));
        }
        System.arraycopy(block, from, line, length, n);
        length += n;
    }

    /** The line's text without a trailing '\r' (a CR byte is never part of a multi-byte character). */
    private static String text(byte[] bytes, int offset, int count) {
        int n = count > 0 && bytes[offset + count - 1] == '\r' ? count - 1 : count;
        return new String(bytes, offset, n, StandardCharsets.UTF_8);
    }

    static final class LineTooLongException extends IOException {
        LineTooLongException() {
            super("line too long");
        }
    }
}
