package dev.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Rule 1: strict parsing, with every encoding trick refused by its own reason code. */
class UrlParsingTest {

    private final EgressPolicy policy = EgressPolicy.builder().resolver(TestResolvers.with(Map.of())).build();

    static Stream<Arguments> refused() {
        return Stream.of(
                // Non-canonical IPv4: short, dword, hex, octal, leading zeros, overflow.
                Arguments.of("http://2130706433/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://127.1/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://127.0.1/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://0/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://00000/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://0x7f.1/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://0x7f000001/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://0x7f.0x0.0x0.0x1/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://0X7F.0.0.1/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://017700000001/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://0177.0.0.1/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://0127.0.0.1/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://127.000.000.001/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://0251.0376.0251.0376/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://2852039166/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://7147006462/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://4294967296/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://425.510.425.510/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://0x41414141A9FEA9FE/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://1.2.3.4.5/", "NON_CANONICAL_IPV4"),
                Arguments.of("http://example.123/", "NON_CANONICAL_IPV4"),
                // Percent-encoded hosts (java.net.URI decodes them in getAuthority()).
                Arguments.of("http://%31%32%37.0.0.1/", "PERCENT_ENCODED_HOST"),
                Arguments.of("http://%6c%6f%63%61%6c%68%6f%73%74/", "PERCENT_ENCODED_HOST"),
                // Parser differentials around userinfo and backslashes.
                Arguments.of("http://evil.com\\@127.0.0.1/", "BACKSLASH"),
                Arguments.of("http://127.0.0.1\\@evil.com/", "BACKSLASH"),
                Arguments.of("http://example.com\\..\\admin", "BACKSLASH"),
                Arguments.of("http://user:pw@example.com/", "USERINFO"),
                Arguments.of("http://example.com@127.0.0.1/", "USERINFO"),
                Arguments.of("http://a:80@@b:80/", "USERINFO"),
                Arguments.of("http://1.1.1.1 &@2.2.2.2# @3.3.3.3/", "WHITESPACE_OR_CONTROL"),
                // Whitespace and control characters, including the ones URL trims silently.
                Arguments.of(" http://example.com/", "WHITESPACE_OR_CONTROL"),
                Arguments.of("http://example.com/\n", "WHITESPACE_OR_CONTROL"),
                Arguments.of("http://exa\tmple.com/", "WHITESPACE_OR_CONTROL"),
                Arguments.of("http://example.com\u00a0/", "WHITESPACE_OR_CONTROL"),
                Arguments.of("http://example.com\u3000/", "WHITESPACE_OR_CONTROL"),
                Arguments.of("http://ex\u00adample.com/", "WHITESPACE_OR_CONTROL"),
                Arguments.of("http://ex\u200bample.com/", "WHITESPACE_OR_CONTROL"),
                Arguments.of("http://127.0.0.1\u0000.example.com/", "WHITESPACE_OR_CONTROL"),
                Arguments.of("http://127.0.0.1 evil.com/", "WHITESPACE_OR_CONTROL"),
                // IPv6: zone ids, broken literals, missing brackets.
                Arguments.of("http://[fe80::1%25eth0]/", "ZONE_ID"),
                Arguments.of("http://[fe80::1%eth0]/", "ZONE_ID"),
                Arguments.of("http://[::ffff:127.0.0.1%eth0]/", "ZONE_ID"),
                Arguments.of("http://[::1/", "INVALID_IPV6"),
                Arguments.of("http://[1:2:3]/", "INVALID_IPV6"),
                Arguments.of("http://[1:2:3:4:5:6:7:8:9]/", "INVALID_IPV6"),
                Arguments.of("http://[1::2::3]/", "INVALID_IPV6"),
                Arguments.of("http://[:::1]/", "INVALID_IPV6"),
                Arguments.of("http://[12345::1]/", "INVALID_IPV6"),
                Arguments.of("http://[::ffff:127.1]/", "INVALID_IPV6"),
                Arguments.of("http://[::ffff:0177.0.0.1]/", "INVALID_IPV6"),
                Arguments.of("http://[example.com]/", "INVALID_IPV6"),
                Arguments.of("http://[1:]/", "INVALID_IPV6"),
                Arguments.of("http://[:1]/", "INVALID_IPV6"),
                Arguments.of("http://[::1:]/", "INVALID_IPV6"),
                Arguments.of("http://[1:2:3:4:5:6:7:8::]/", "INVALID_IPV6"),
                Arguments.of("http://[1:2:3:4:5:6:7:1.2.3.4]/", "INVALID_IPV6"),
                Arguments.of("http://[1.2.3.4]/", "INVALID_IPV6"),
                Arguments.of("http://[::g]/", "INVALID_IPV6"),
                Arguments.of("http://[::1]x/", "INVALID_HOST"),
                Arguments.of("http://::1/", "INVALID_PORT"),
                // Labels and host characters.
                Arguments.of("http://a..b.com/", "EMPTY_LABEL"),
                Arguments.of("http://.example.com/", "EMPTY_LABEL"),
                Arguments.of("http://example.com../", "EMPTY_LABEL"),
                Arguments.of("http://ex!ample.com/", "INVALID_HOST"),
                Arguments.of("http://ex*ample.com/", "INVALID_HOST"),
                Arguments.of("http://" + "a".repeat(64) + ".com/", "INVALID_HOST"),
                Arguments.of("http:///path", "EMPTY_HOST"),
                Arguments.of("http://:80/", "EMPTY_HOST"),
                // Ports.
                Arguments.of("http://example.com:0/", "INVALID_PORT"),
                Arguments.of("http://example.com:65536/", "INVALID_PORT"),
                Arguments.of("http://example.com:+80/", "INVALID_PORT"),
                Arguments.of("http://example.com:-1/", "INVALID_PORT"),
                Arguments.of("http://example.com:99999999999/", "INVALID_PORT"),
                Arguments.of("http://example.com:/", "INVALID_PORT"),
                Arguments.of("http://example.com:8o/", "INVALID_PORT"),
                Arguments.of("http://127.0.0.1:80:80/", "INVALID_PORT"),
                // Schemes and absolute form.
                Arguments.of("http:127.0.0.1/", "INVALID_URL"),
                Arguments.of("http:/example.com/", "INVALID_URL"),
                Arguments.of("", "INVALID_URL"),
                Arguments.of("127.0.0.1/", "MISSING_SCHEME"),
                Arguments.of("example.com:8080/mcp", "MISSING_SCHEME"),
                Arguments.of("//example.com/", "MISSING_SCHEME"),
                Arguments.of("/relative/path", "MISSING_SCHEME"),
                Arguments.of("file:///etc/passwd", "SCHEME_NOT_ALLOWED"),
                Arguments.of("gopher://127.0.0.1:6379/_INFO", "SCHEME_NOT_ALLOWED"),
                Arguments.of("dict://127.0.0.1:11211/stat", "SCHEME_NOT_ALLOWED"),
                Arguments.of("ftp://example.com/", "SCHEME_NOT_ALLOWED"),
                Arguments.of("jar:http://example.com/a.jar!/", "SCHEME_NOT_ALLOWED"),
                Arguments.of("javascript:alert(1)", "SCHEME_NOT_ALLOWED"),
                // Non-ASCII outside the host; path characters no URI parser agrees on.
                Arguments.of("http://example.com/caf\u00e9", "NON_ASCII"),
                Arguments.of("http://example.com/<script>", "INVALID_URL"),
                Arguments.of("http://example.com/a|b", "INVALID_URL"),
                Arguments.of("http://example.com/[x]", "INVALID_URL"),
                Arguments.of("http://example.com/%zz", "INVALID_URL"),
                Arguments.of("http://example.com/50%", "INVALID_URL"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("refused")
    void refusesWithReason(String url, String code) {
        assertThat(policy.decide(url, EgressContext.MCP))
                .isInstanceOfSatisfying(EgressDecision.Block.class, b -> assertThat(b.code()).isEqualTo(code));
    }

    /** What the parser keeps: the one form requests are built from. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            HTTP://Example.COM:8080            | http  | example.com            | 8080 | /
            http://example.com./a              | http  | example.com            | 80   | /a
            https://example.com                | https | example.com            | 443  | /
            wss://example.com:443/ws           | wss   | example.com            | 443  | /ws
            http://example.com?x=1             | http  | example.com            | 80   | /?x=1
            http://example.com/p?q=1#frag      | http  | example.com            | 80   | /p?q=1
            http://exa_mple.com/               | http  | exa_mple.com           | 80   | /
            http://[::FFFF:127.0.0.1]:81/      | http  | ::ffff:7f00:1          | 81   | /
            http://[0:0:0:0:0:0:0:1]/          | http  | ::1                    | 80   | /
            http://[2001:DB8:0:0:1:0:0:1]/     | http  | 2001:db8::1:0:0:1      | 80   | /
            http://[1::]/                      | http  | 1::                    | 80   | /
            http://[1:2:3:4:5:6:7::]/          | http  | 1:2:3:4:5:6:7:0        | 80   | /
            http://[1:0:0:2:0:0:0:3]/          | http  | 1:0:0:2::3             | 80   | /
            http://[::]/                       | http  | ::                     | 80   | /
            http://m\u00fcnchen.de/            | http  | xn--mnchen-3ya.de      | 80   | /
            http://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3/ | http | localhost | 80 | /
            http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/ | http | 127.0.0.1 | 80 | /
            http://127\u30020\u30020\u30021/   | http  | 127.0.0.1              | 80   | /
            http://127.0.0.1./                 | http  | 127.0.0.1              | 80   | /
            """)
    void keepsCanonicalParts(String url, String scheme, String host, int port, String pathAndQuery)
            throws EgressTargetException {
        EgressTarget target = EgressTarget.parse(unescape(url));
        assertThat(target).isEqualTo(new EgressTarget(scheme, host, port, pathAndQuery));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Example.com", "example.com.", "127.1", "0x7f.0.0.1", "[::1]", "0:0:0:0:0:0:0:1", "a..b",
            "ex%41mple.com", "exa mple.com"})
    void handBuiltTargetsMustUseTheNormalizedHost(String host) {
        assertThatThrownBy(() -> new EgressTarget("http", host, 80, "/")).isInstanceOf(IllegalArgumentException.class);
    }

    /** IDNA folds look-alikes into ASCII; the rules then judge what the conversion produced. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3/ | INTERNAL_NAME
            http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/              | DENIED_ADDRESS
            http://\u2460\u2461\u2466.\u24ea.\u24ea.\u2460/              | DENIED_ADDRESS
            http://LOCALHOST/                                           | INTERNAL_NAME
            http://localhost./                                          | INTERNAL_NAME
            http://[::ffff:127.0.0.1]/                                  | DENIED_ADDRESS
            http://[::ffff:7f00:1]/                                     | DENIED_ADDRESS
            http://[::127.0.0.1]/                                       | DENIED_ADDRESS
            http://[64:ff9b::a9fe:a9fe]/                                | DENIED_ADDRESS
            http://[2002:a9fe:a9fe::1]/                                 | DENIED_ADDRESS
            http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/              | DENIED_ADDRESS
            http://[fd00:ec2::254]/latest/meta-data/                    | DENIED_ADDRESS
            http://0.0.0.0:8080/                                        | DENIED_ADDRESS
            http://[::]/                                                | DENIED_ADDRESS
            http://169.254.169.254/latest/meta-data/                    | DENIED_ADDRESS
            """)
    void judgesAfterConversion(String url, String code) {
        assertThat(policy.decide(unescape(url), EgressContext.MCP))
                .isInstanceOfSatisfying(EgressDecision.Block.class, b -> assertThat(b.code()).isEqualTo(code));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            http://example.com/
            https://[2606:4700:4700::1111]/dns-query
            http://8.8.8.8:8080/
            http://[::ffff:8.8.8.8]/
            http://[64:ff9b::808:808]/
            """)
    void allowsPublicTargets(String url) {
        assertThat(policy.decide(url, EgressContext.MCP).allowed()).isTrue();
    }

    /** CSV text blocks cannot hold non-ASCII escapes literally in every editor; decode backslash-u here. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\u", i)) {
                out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }
}
