package dev.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What stands for a person while it lives never reaches a log line: link tickets and input ids. */
class LoggablePathTest {
    @Test
    void an_authorization_links_ticket_is_left_out() {
        assertThat(HttpServer.loggablePath("/oauth/link/s3cr3t-ticket")).isEqualTo("/oauth/link/…");
    }

    @Test
    void an_inputs_id_is_left_out_and_the_server_kept() {
        assertThat(HttpServer.loggablePath("/api/mcp/notes/inputs/abcdefghijklmnop.secret-part"))
                .isEqualTo("/api/mcp/notes/inputs/…");
    }

    @Test
    void other_paths_are_logged_as_they_are() {
        assertThat(HttpServer.loggablePath("/api/mcp/notes/tools/echo/call")).isEqualTo("/api/mcp/notes/tools/echo/call");
    }
}
