package dev.portcullis.egress.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.EgressTargetException;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rule 8's per-hop rules: Location resolution, method changes, and which headers survive a hop. */
class RedirectStepTest {

    private static final EgressTarget FROM = target("https://mcp.example.com/a/b?q=1");

    private static EgressTarget target(String url) {
        try {
            return EgressTarget.parse(url);
        } catch (EgressTargetException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /c                              | https://mcp.example.com/c          | false
            c?x=2                           | https://mcp.example.com/a/c?x=2    | false
            ../up                           | https://mcp.example.com/up         | false
            ?only=query                     | https://mcp.example.com/a/b?only=query | false
            https://MCP.example.com:443/d   | https://mcp.example.com/d          | false
            //other.example.com/e           | https://other.example.com/e        | true
            http://mcp.example.com/a/b      | http://mcp.example.com/a/b         | true
            https://mcp.example.com:8443/   | https://mcp.example.com:8443/      | true
            """)
    void resolvesLocation(String location, String expected, boolean crossOrigin) throws EgressTargetException {
        RedirectStep step = RedirectStep.next(FROM, "GET", 302, location);
        assertThat(step.target().uri()).isEqualTo(expected);
        assertThat(step.crossOrigin()).isEqualTo(crossOrigin);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http://127.0.0.1\\@evil.com/   | BACKSLASH
            http://0x7f.1/                  | NON_CANONICAL_IPV4
            http://user@evil.com/           | USERINFO
            http://[::1/                    | INVALID_IPV6
            file:///etc/passwd              | SCHEME_NOT_ALLOWED
            '/a b'                          | WHITESPACE_OR_CONTROL
            /caf\u00e9                      | NON_ASCII
            ''                              | REDIRECT_INVALID
            """)
    void refusesBadLocations(String location, String code) {
        assertThatThrownBy(() -> RedirectStep.next(FROM, "GET", 302, location))
                .isInstanceOfSatisfying(EgressTargetException.class, e -> assertThat(e.block().code()).isEqualTo(code));
    }

    @ParameterizedTest(name = "{1} {0} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            301 | POST | GET  | false
            302 | POST | GET  | false
            303 | POST | GET  | false
            303 | PUT  | GET  | false
            303 | HEAD | HEAD | true
            302 | PUT  | PUT  | true
            307 | POST | POST | true
            308 | POST | POST | true
            301 | GET  | GET  | true
            """)
    void changesMethodLikeBrowsers(int status, String method, String nextMethod, boolean keepBody)
            throws EgressTargetException {
        RedirectStep step = RedirectStep.next(FROM, method, status, "/next");
        assertThat(step.method()).isEqualTo(nextMethod);
        assertThat(step.keepBody()).isEqualTo(keepBody);
    }

    private static final HttpFields HEADERS = HttpFields.build()
            .add("Authorization", "Bearer secret")
            .add("Proxy-Authorization", "Basic x")
            .add("Cookie", "sid=1")
            .add("Mcp-Session-Id", "abc")
            .add("X-Api-Key", "k")
            .add("Accept", "application/json")
            .add("Host", "mcp.example.com")
            .add("Content-Type", "application/json")
            .asImmutable();

    @Test
    void crossOriginHopDropsCredentialsAndConfiguredHeaders() throws EgressTargetException {
        RedirectStep step = RedirectStep.next(FROM, "POST", 307, "https://other.example.com/");
        assertThat(step.carry(HEADERS, Set.of("x-api-key")).getFieldNamesCollection())
                .containsExactlyInAnyOrder("Accept", "Content-Type");
    }

    @Test
    void sameOriginHopKeepsCredentials() throws EgressTargetException {
        RedirectStep step = RedirectStep.next(FROM, "POST", 307, "/mcp/");
        assertThat(step.carry(HEADERS, Set.of("x-api-key")).getFieldNamesCollection())
                .containsExactlyInAnyOrder("Authorization", "Proxy-Authorization", "Cookie", "Mcp-Session-Id",
                        "X-Api-Key", "Accept", "Content-Type");
    }

    @Test
    void bodyHeadersGoWithTheBody() throws EgressTargetException {
        RedirectStep step = RedirectStep.next(FROM, "POST", 303, "/done");
        assertThat(step.carry(HEADERS, Set.of()).getFieldNamesCollection()).doesNotContain("Content-Type", "Host");
    }
}
