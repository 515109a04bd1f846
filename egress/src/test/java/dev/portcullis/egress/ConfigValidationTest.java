package dev.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Config-time rejections of list entries, each with its code and a message that says what to write instead. */
class ConfigValidationTest {

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://127.0.0.1:8080    | SCHEME             | '127.0.0.1:8080'
            https://10.0.0.5/        | SCHEME             | '10.0.0.5'
            127.0.0.1/32             | PATH_OR_CIDR       | '127.0.0.1'
            10.0.0.0/8               | PATH_OR_CIDR       | '10.0.0.0'
            ' 127.0.0.1:8080'        | WHITESPACE         | '127.0.0.1:8080'
            '127.0.0.1 :8080'        | WHITESPACE         | '127.0.0.1:8080'
            127.0.0.1:0              | INVALID_PORT       | 1 to 65535
            127.0.0.1:65536          | INVALID_PORT       | 1 to 65535
            127.0.0.1:http           | INVALID_PORT       | '127.0.0.1:8080'
            [::1]:                   | INVALID_PORT       | '[::1]:8080'
            8.8.8.8                  | PUBLIC_ADDRESS     | needs no exemption
            [2606:4700::1111]:443    | PUBLIC_ADDRESS     | needs no exemption
            ::ffff:8.8.8.8           | PUBLIC_ADDRESS     | needs no exemption
            ''                       | EMPTY_ENTRY        | remove it
            10.0.*.1                 | INVALID_WILDCARD   | literally
            *.internal               | INVALID_WILDCARD   | literally
            0177.0.0.1               | NON_CANONICAL_IPV4 | four decimal numbers
            127.1:8080               | NON_CANONICAL_IPV4 | four decimal numbers
            [fe80::1%eth0]           | ZONE_ID            | zone id
            [::1                     | INVALID_IPV6       | unclosed
            user@10.0.0.1            | USERINFO           | '10.0.0.1'
            a..b:80                  | EMPTY_LABEL        | empty label
            """)
    void refusesAllowedAddresses(String entry, String code, String hint) {
        List<EgressConfigProblem> problems =
                EgressPolicy.validate(EgressContext.MCP, EgressLists.addressesOnly(List.of(entry)));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(code);
            assertThat(p.list()).isEqualTo("allowedAddresses");
            assertThat(p.message()).contains(hint);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:8080", "[::1]:3001", "::1", "host.docker.internal:8080", "10.0.0.5",
            "fd00::5", "rag_api:8000", "[::ffff:127.0.0.1]", "169.254.169.254:80", "localhost"})
    void acceptsAllowedAddresses(String entry) {
        assertThat(EgressPolicy.validate(EgressContext.MCP, EgressLists.addressesOnly(List.of(entry)))).isEmpty();
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            172.19.0.*               | INVALID_WILDCARD   | list addresses one by one
            *example.com             | INVALID_WILDCARD   | '*.example.com'
            foo.*.com                | INVALID_WILDCARD   | '*.example.com'
            *                        | INVALID_WILDCARD   | '*.example.com'
            *.10.0.0.1               | INVALID_WILDCARD   | '10.0.0.1'
            ftp://files.example.com  | SCHEME             | http, https, ws or wss
            https://x.com/api        | PATH_OR_CIDR       | 'x.com'
            x.com:99999              | INVALID_PORT       | 'x.com:443'
            'exa mple.com'           | WHITESPACE         | 'example.com'
            ''                       | EMPTY_ENTRY        | remove it
            127.1                    | NON_CANONICAL_IPV4 | four decimal numbers
            https://                 | EMPTY_HOST         | no host
            bad!host.com             | INVALID_HOST       | cannot contain
            """)
    void refusesAllowedDomains(String entry, String code, String hint) {
        List<EgressConfigProblem> problems =
                EgressPolicy.validate(EgressContext.ACTION, new EgressLists(List.of(entry), List.of()));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(code);
            assertThat(p.list()).isEqualTo("allowedDomains");
            assertThat(p.context()).isEqualTo(EgressContext.ACTION);
            assertThat(p.message()).contains(hint);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"host.docker.internal", "localhost", "*.example.com", "https://secure.api.com",
            "http://internal:8080", "https://api.example.com/", "[::1]", "*.internal", "WSS://MCP.EXAMPLE.COM:8443",
            "m\u00fcnchen.de"})
    void acceptsAllowedDomains(String entry) {
        assertThat(EgressPolicy.validate(EgressContext.MCP, new EgressLists(List.of(entry), List.of()))).isEmpty();
    }

    @Test
    void buildReportsEveryProblemWithItsIndex() {
        EgressPolicy.Builder builder = EgressPolicy.builder()
                .lists(EgressContext.MCP, new EgressLists(List.of("ok.example.com", "172.19.0.*"),
                        List.of("127.0.0.1:8080", "8.8.8.8", "10.0.0.0/8")))
                .lists(EgressContext.ENDPOINT, new EgressLists(List.of("x.com"), List.of()));
        assertThatThrownBy(builder::build).isInstanceOfSatisfying(EgressConfigException.class, e ->
                assertThat(e.problems()).extracting(p -> p.context() + " " + p.list() + "[" + p.index() + "] " + p.code())
                        .containsExactlyInAnyOrder(
                                "MCP allowedDomains[1] INVALID_WILDCARD",
                                "MCP allowedAddresses[1] PUBLIC_ADDRESS",
                                "MCP allowedAddresses[2] PATH_OR_CIDR",
                                "ENDPOINT allowedDomains[0] UNSUPPORTED_LIST"));
    }

    @Test
    void oauthHasNoListsOfItsOwn() {
        assertThatThrownBy(() -> EgressPolicy.builder().lists(EgressContext.OAUTH, EgressLists.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MCP lists");
    }
}
