package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Checklist #26–27: one canonical spelling per MCP server. */
class ResourceUriTest {

    @ParameterizedTest
    @CsvSource({
            "https://mcp.example.com/mcp, https://mcp.example.com/mcp",
            "HTTPS://MCP.Example.COM/mcp/, https://mcp.example.com/mcp",
            "https://mcp.example.com:443/mcp#frag, https://mcp.example.com/mcp",
            "https://mcp.example.com/, https://mcp.example.com",
            "https://mcp.example.com, https://mcp.example.com",
            "http://localhost:3100/mcp, http://localhost:3100/mcp",
            "http://localhost:80/a/B?x=1, http://localhost/a/B",
    })
    void canonical_form(String input, String canonical) {
        assertThat(ResourceUri.canonical(input).value()).isEqualTo(canonical);
    }

    @Test
    void covers_itself_and_paths_below_its_origin_by_whole_segments() {
        ResourceUri server = ResourceUri.canonical("https://mcp.example.com/tenant/mcp");
        assertThat(ResourceUri.canonical("https://mcp.example.com/tenant/mcp/").covers(server)).isTrue();
        assertThat(ResourceUri.canonical("https://MCP.example.com").covers(server)).isTrue();
        assertThat(ResourceUri.canonical("https://mcp.example.com/tenant").covers(server)).isTrue();
        assertThat(ResourceUri.canonical("https://mcp.example.com/ten").covers(server)).isFalse();
        assertThat(ResourceUri.canonical("https://mcp.example.com/tenant/mcp/admin").covers(server)).isFalse();
        assertThat(ResourceUri.canonical("https://mcp.example.com:8443/tenant/mcp").covers(server)).isFalse();
        assertThat(ResourceUri.canonical("http://mcp.example.com/tenant/mcp").covers(server)).isFalse();
        assertThat(ResourceUri.canonical("https://evil.example.com/tenant/mcp").covers(server)).isFalse();
    }

    @Test
    void refuses_what_is_not_an_absolute_url() {
        assertThatThrownBy(() -> ResourceUri.canonical("/mcp")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResourceUri.canonical("https://a b/")).isInstanceOf(IllegalArgumentException.class);
    }
}
