package dev.portcullis.upstream.stdio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lines as a stdio server writes them, however the pipe happens to split them. */
class LineReaderTest {
    /** A stream that hands out at most {@code chunk} bytes per read, as a pipe may. */
    private static InputStream pipe(String text, int chunk) {
        ByteArrayInputStream bytes = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        return new InputStream() {
            @Override
            public int read() {
                return bytes.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return bytes.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static List<String> lines(LineReader reader) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line = reader.next(); line != null; line = reader.next()) {
            out.add(line);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} bytes per read")
    @ValueSource(ints = {1, 3, 7, 8192, 65536})
    void lines_come_out_whole_however_the_pipe_splits_them(int chunk) throws IOException {
        String big = "x".repeat(20_000) + "é€😀"; // spans blocks, ends in multi-byte characters
        String text = "{\"a\":1}\r\n\n" + big + "\nünïcödé 😀\nlast without newline";
        assertThat(lines(new LineReader(pipe(text, chunk), 1 << 20)))
                .containsExactly("{\"a\":1}", "", big, "ünïcödé 😀", "last without newline");
    }

    @Test
    void a_line_of_exactly_the_bound_passes_and_one_byte_more_fails() throws IOException {
        LineReader reader = new LineReader(pipe("a".repeat(10) + "\n" + "b".repeat(11) + "\n", 4), 10);
        assertThat(reader.next()).isEqualTo("a".repeat(10));
        assertThatThrownBy(reader::next).isInstanceOf(LineReader.LineTooLongException.class);
    }

    @Test
    void an_endless_line_fails_at_the_bound_without_reading_it_all() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        assertThatThrownBy(() -> new LineReader(endless, 100_000).next()).isInstanceOf(LineReader.LineTooLongException.class);
    }

    @Test
    void truncated_lines_keep_their_start_and_skip_the_rest() throws IOException {
        LineReader reader = new LineReader(pipe("0123456789\nshort\n" + "y".repeat(30_000) + "\n\n", 5), Integer.MAX_VALUE);
        assertThat(reader.nextTruncated(4)).isEqualTo("0123");
        assertThat(reader.nextTruncated(4)).isEqualTo("shor");
        assertThat(reader.nextTruncated(4)).isEqualTo("yyyy");
        assertThat(reader.nextTruncated(4)).isEmpty();
        assertThat(reader.nextTruncated(4)).isNull();
    }

    @Test
    void an_empty_stream_has_no_lines() throws IOException {
        assertThat(new LineReader(pipe("", 10), 10).next()).isNull();
    }
}
