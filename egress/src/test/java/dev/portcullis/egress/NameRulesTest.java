package dev.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rule 2: names internal by definition are blocked without DNS; ordinary names are not, whatever they start with. */
class NameRulesTest {

    private final EgressPolicy policy = EgressPolicy.builder().resolver(TestResolvers.with(Map.of())).build();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            localhost                    | INTERNAL_NAME
            api.localhost                | INTERNAL_NAME
            localhost.localdomain        | INTERNAL_NAME
            printer.local                | INTERNAL_NAME
            metadata.google.internal     | INTERNAL_NAME
            host.docker.internal         | INTERNAL_NAME
            router.home.arpa             | INTERNAL_NAME
            home.arpa                    | INTERNAL_NAME
            rag_api                      | INTERNAL_NAME
            redis                        | INTERNAL_NAME
            metadata                     | INTERNAL_NAME
            internal                     | INTERNAL_NAME
            ip6-localhost                | INTERNAL_NAME
            localhost.example.com        | allow
            local.example.com            | allow
            internal.example.com         | allow
            mylocal.com                  | allow
            notinternal.com              | allow
            fd.io                        | allow
            fcc.gov                      | allow
            fdic.gov                     | allow
            fda.gov                      | allow
            fe80.example.com             | allow
            nxdomain.test                | DNS_FAILURE
            """)
    void nameRules(String host, String expected) {
        EgressDecision d = policy.decide("https://" + host + "/", EgressContext.MCP);
        assertThat(d instanceof EgressDecision.Block b ? b.code() : "allow").isEqualTo(expected);
    }
}
