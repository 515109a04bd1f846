package dev.portcullis.upstream.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.upstream.UpstreamException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The SSE parser reads the specification's line and field rules and enforces its bounds. */
class SseReaderTest {

    private static SseReader reader(String text, int maxLine, int maxData) {
        return new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxLine, maxData);
    }

    @Test
    void readsEventsWithAnyLineEndingAndKeepsTheLastIdAndRetry() throws IOException {
        SseReader reader = reader("id: 1\r\nretry: 500\r\ndata: \r\n\r\n: keep-alive\nevent: endpoint\ndata: /m?s=1\r\r"
                + "data: {\"a\":\ndata: 1}\n\n", 100, 100);

        assertThat(reader.next()).isEqualTo(new SseEvent("1", "message", ""));
        assertThat(reader.retryMillis()).isEqualTo(500);
        assertThat(reader.next()).isEqualTo(new SseEvent("1", "endpoint", "/m?s=1"));
        assertThat(reader.next()).isEqualTo(new SseEvent("1", "message", "{\"a\":\n1}"));
        assertThat(reader.next()).isNull();
        assertThat(reader.lastEventId()).isEqualTo("1");
    }

    @Test
    void anUnterminatedLastEventIsDropped() throws IOException {
        assertThat(reader("data: partial", 100, 100).next()).isNull();
    }

    @Test
    void aLineOverTheLimitFailsAsSoonAsTheLimitIsPassedWithoutWaitingForItsEnd() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        SseReader reader = new SseReader(endless, 1024, 1024);

        assertThatThrownBy(reader::next).isInstanceOf(UpstreamException.MessageTooLarge.class);
    }

    @Test
    void dataOverTheLimitAcrossManyLinesFails() {
        assertThatThrownBy(() -> reader("data: 123456\ndata: 123456\n\n", 100, 10).next())
                .isInstanceOf(UpstreamException.MessageTooLarge.class);
    }
}
