package dev.portcullis.egress;

import static dev.portcullis.egress.TestResolvers.ips;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rules 5, 6 and 7: allowedDomains, allowedAddresses, and their precedence per context. */
class ListSemanticsTest {

    private static final Map<String, List<InetAddress>> DNS = Map.of(
            "localhost", ips("127.0.0.1", "::1"),
            "llm.example.com", ips("10.0.0.5"),
            "evil.example.com", ips("169.254.169.254"),
            "svc.example.com", ips("10.0.0.5"),
            "mixed.example.com", ips("93.184.215.14", "10.0.0.7"),
            "mcp.internal", ips("10.0.0.9"),
            "host.docker.internal", ips("172.17.0.1"),
            "auth.example.com", ips("93.184.215.14"),
            "empty.example.com", List.of());

    private static EgressPolicy policy(EgressContext ctx, List<String> domains, List<String> addresses) {
        return EgressPolicy.builder()
                .lists(ctx, new EgressLists(domains, addresses))
                .resolver(TestResolvers.with(DNS))
                .build();
    }

    private static String outcome(EgressDecision d) {
        return d instanceof EgressDecision.Block b ? b.code() : "allow";
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            api.example.com          | https://api.example.com/mcp         | allow
            api.example.com          | https://example.com/                | DOMAIN_NOT_ALLOWED
            api.example.com          | https://x.api.example.com/          | DOMAIN_NOT_ALLOWED
            API.Example.COM          | https://api.example.com/            | allow
            api.example.com          | https://API.EXAMPLE.COM./           | allow
            *.example.com            | https://example.com/                | allow
            *.example.com            | https://a.b.example.com/            | allow
            *.example.com            | https://badexample.com/             | DOMAIN_NOT_ALLOWED
            *.example.com            | https://example.com.evil.org/       | DOMAIN_NOT_ALLOWED
            https://secure.api.com   | https://secure.api.com/             | allow
            https://secure.api.com   | http://secure.api.com/              | DOMAIN_NOT_ALLOWED
            https://secure.api.com   | wss://secure.api.com/               | DOMAIN_NOT_ALLOWED
            https://secure.api.com/  | https://secure.api.com/x            | allow
            api.example.com:8443     | https://api.example.com:8443/       | allow
            api.example.com:8443     | https://api.example.com/            | DOMAIN_NOT_ALLOWED
            https://api.example.com:443 | https://api.example.com/         | allow
            www.example.com          | https://example.com/                | DOMAIN_NOT_ALLOWED
            localhost                | http://localhost:11434/             | allow
            llm.example.com          | http://llm.example.com:8080/        | allow
            *.example.com            | https://evil.example.com/           | DENIED_ADDRESS
            *.example.com            | https://mixed.example.com/          | DENIED_ADDRESS
            *.internal               | http://mcp.internal:3000/           | allow
            *.internal               | http://mcp.example.com/             | DOMAIN_NOT_ALLOWED
            127.0.0.1                | http://127.0.0.1:8000/              | allow
            [::1]                    | http://[::1]:3001/                  | allow
            [::ffff:127.0.0.1]       | http://127.0.0.1/                   | allow
            """)
    void allowedDomains(String entry, String url, String expected) {
        assertThat(outcome(policy(EgressContext.MCP, List.of(entry), List.of()).decide(url, EgressContext.MCP)))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1:8080           | http://127.0.0.1:8080/              | allow
            127.0.0.1:8080           | http://127.0.0.1:8081/              | DENIED_ADDRESS
            127.0.0.1:8080           | http://127.0.0.2:8080/              | DENIED_ADDRESS
            127.0.0.1                | http://127.0.0.1:9999/              | allow
            127.0.0.1:443            | https://127.0.0.1/                  | allow
            127.0.0.1:443            | http://127.0.0.1/                   | DENIED_ADDRESS
            [::1]:3001               | http://[::1]:3001/                  | allow
            [::1]:3001               | http://[0:0:0:0:0:0:0:1]:3001/      | allow
            ::1                      | http://[::1]:5000/                  | allow
            [::ffff:127.0.0.1]:80    | http://127.0.0.1/                   | allow
            [::ffff:127.0.0.1]:80    | http://[::ffff:7f00:1]/             | allow
            127.0.0.1:80             | http://[::ffff:7f00:1]/             | allow
            fd00:0:0:0:0:0:0:5       | http://[fd00::5]/                   | allow
            10.0.0.5                 | http://10.0.0.50/                   | DENIED_ADDRESS
            10.0.0.5                 | http://llm.example.com/             | allow
            10.0.0.5:8080            | http://svc.example.com:8080/        | allow
            10.0.0.5:8080            | http://svc.example.com:9090/        | DENIED_ADDRESS
            host.docker.internal:8080 | http://host.docker.internal:8080/  | allow
            host.docker.internal:8080 | http://host.docker.internal:8081/  | INTERNAL_NAME
            host.docker.internal     | http://x.host.docker.internal/      | INTERNAL_NAME
            HOST.DOCKER.INTERNAL.    | http://host.docker.internal/        | allow
            rag_api:8000             | http://rag_api:8000/                | allow
            localhost:11434          | http://localhost:11434/             | allow
            127.0.0.1:8080           | https://example.com/                | allow
            127.0.0.1:8080           | http://169.254.169.254/             | DENIED_ADDRESS
            """)
    void allowedAddresses(String entry, String url, String expected) {
        assertThat(outcome(policy(EgressContext.MCP, List.of(), List.of(entry)).decide(url, EgressContext.MCP)))
                .isEqualTo(expected);
    }

    @Test
    void exemptionsAddToTheDomainWhitelistButNeverWidenIt() {
        EgressPolicy p = policy(EgressContext.MCP, List.of("*.example.com"), List.of("10.0.0.5:8080"));
        assertThat(outcome(p.decide("http://svc.example.com:8080/", EgressContext.MCP))).isEqualTo("allow");
        assertThat(outcome(p.decide("http://svc.example.com:9090/", EgressContext.MCP))).isEqualTo("DENIED_ADDRESS");
        assertThat(outcome(p.decide("http://10.0.0.5:8080/", EgressContext.MCP))).isEqualTo("DOMAIN_NOT_ALLOWED");
    }

    @Test
    void oauthWithAllowedDomainsIgnoresAllowedAddresses() {
        EgressPolicy p = policy(EgressContext.MCP, List.of("*.example.com", "auth.example.com"), List.of("10.0.0.5:443"));
        assertThat(outcome(p.decide("https://auth.example.com/token", EgressContext.OAUTH))).isEqualTo("allow");
        assertThat(outcome(p.decide("https://10.0.0.5/token", EgressContext.OAUTH))).isEqualTo("DOMAIN_NOT_ALLOWED");
        // The same name resolving to the exempted address: fine for MCP traffic, refused for an OAuth endpoint.
        assertThat(outcome(p.decide("https://svc.example.com/token", EgressContext.MCP))).isEqualTo("allow");
        EgressDecision oauth = p.decide("https://svc.example.com/token", EgressContext.OAUTH);
        assertThat(outcome(oauth)).isEqualTo("DENIED_ADDRESS");
        assertThat(((EgressDecision.Block) oauth).message()).contains("allowedAddresses is not consulted");
    }

    @Test
    void oauthWithoutAllowedDomainsUsesTheExemptions() {
        EgressPolicy p = policy(EgressContext.MCP, List.of(), List.of("10.0.0.5:443"));
        assertThat(outcome(p.decide("https://10.0.0.5/token", EgressContext.OAUTH))).isEqualTo("allow");
        assertThat(outcome(p.decide("https://10.0.0.6/token", EgressContext.OAUTH))).isEqualTo("DENIED_ADDRESS");
        assertThat(outcome(p.decide("10.0.0.5/token", EgressContext.OAUTH))).isEqualTo("MISSING_SCHEME");
        assertThat(outcome(p.decide("wss://auth.example.com/", EgressContext.OAUTH))).isEqualTo("SCHEME_NOT_ALLOWED");
    }

    @Test
    void oauthExactDomainEntryMayStillReachItsPrivateHost() {
        EgressPolicy p = policy(EgressContext.MCP, List.of("llm.example.com"), List.of());
        assertThat(outcome(p.decide("https://llm.example.com/token", EgressContext.OAUTH))).isEqualTo("allow");
    }

    @Test
    void listsBelongToTheirContext() {
        EgressPolicy p = EgressPolicy.builder()
                .lists(EgressContext.ENDPOINT, EgressLists.addressesOnly(List.of("10.0.0.5:8000")))
                .lists(EgressContext.ACTION, new EgressLists(List.of("api.example.com"), List.of()))
                .resolver(TestResolvers.with(DNS))
                .build();
        assertThat(outcome(p.decide("http://10.0.0.5:8000/v1", EgressContext.ENDPOINT))).isEqualTo("allow");
        assertThat(outcome(p.decide("http://10.0.0.5:8000/v1", EgressContext.MCP))).isEqualTo("DENIED_ADDRESS");
        assertThat(outcome(p.decide("https://other.example.org/", EgressContext.ACTION))).isEqualTo("DOMAIN_NOT_ALLOWED");
        assertThat(outcome(p.decide("https://other.example.org/", EgressContext.MCP))).isEqualTo("allow");
        assertThat(outcome(p.decide("https://other.example.org/", EgressContext.ENDPOINT))).isEqualTo("allow");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            MCP      | ws://example.com/     | allow
            MCP      | wss://example.com/    | allow
            MCP      | https://example.com/  | allow
            OAUTH    | ws://example.com/     | SCHEME_NOT_ALLOWED
            ENDPOINT | wss://example.com/    | SCHEME_NOT_ALLOWED
            ACTION   | ws://example.com/     | SCHEME_NOT_ALLOWED
            ACTION   | http://example.com/   | allow
            """)
    void schemesPerContext(EgressContext ctx, String url, String expected) {
        assertThat(outcome(EgressPolicy.builder().resolver(TestResolvers.with(DNS)).build().decide(url, ctx)))
                .isEqualTo(expected);
    }

    @Test
    void redirectTargetsGetNoExemptions() throws EgressTargetException {
        EgressPolicy p = policy(EgressContext.MCP, List.of("localhost", "*.internal", "*.example.com"),
                List.of("127.0.0.1:8080", "localhost:11434"));
        EgressTarget localhost = EgressTarget.parse("http://localhost:11434/");
        assertThat(outcome(p.decide(localhost, EgressContext.MCP))).isEqualTo("allow");
        EgressDecision hop = p.decideRedirect(localhost, EgressContext.MCP);
        assertThat(outcome(hop)).isEqualTo("INTERNAL_NAME");
        assertThat(((EgressDecision.Block) hop).message()).contains("redirect targets get no exemptions");
        assertThat(outcome(p.decideRedirect(EgressTarget.parse("http://mcp.internal/"), EgressContext.MCP)))
                .isEqualTo("INTERNAL_NAME");
        // allowedDomains still filters redirect hops.
        assertThat(outcome(p.decideRedirect(EgressTarget.parse("https://other.org/"), EgressContext.MCP)))
                .isEqualTo("DOMAIN_NOT_ALLOWED");
        assertThat(outcome(p.decideRedirect(EgressTarget.parse("https://auth.example.com/"), EgressContext.MCP)))
                .isEqualTo("allow");
    }

    @Test
    void everyAnswerIsCheckedAndReturned() {
        EgressPolicy p = policy(EgressContext.MCP, List.of(), List.of());
        assertThat(outcome(p.decide("http://mixed.example.com/", EgressContext.MCP))).isEqualTo("DENIED_ADDRESS");
        assertThat(outcome(p.decide("http://empty.example.com/", EgressContext.MCP))).isEqualTo("DNS_FAILURE");
        assertThat(p.decide("http://auth.example.com/", EgressContext.MCP))
                .isInstanceOfSatisfying(EgressDecision.Allow.class,
                        a -> assertThat(a.addresses()).containsExactlyElementsOf(DNS.get("auth.example.com")));
    }

    @Test
    void blockMessagesSayWhatToConfigure() {
        EgressPolicy p = EgressPolicy.builder().resolver(TestResolvers.with(DNS)).build();
        assertThat(((EgressDecision.Block) p.decide("http://10.0.0.5:8000/", EgressContext.ENDPOINT)).message())
                .contains("10.0.0.0/8", "RFC 1918", "add '10.0.0.5:8000' to endpoints.allowedAddresses");
        assertThat(((EgressDecision.Block) p.decide("http://[::1]:3001/", EgressContext.MCP)).message())
                .contains("add '[::1]:3001' to mcpSettings.allowedAddresses");
        assertThat(((EgressDecision.Block) p.decide("http://[64:ff9b::a9fe:a9fe]/", EgressContext.MCP)).message())
                .contains("169.254.0.0/16", "embeds");
    }
}
