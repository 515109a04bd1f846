package dev.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLI core: output format, scheme-less targets, stdin, exit codes and --resolve parsing. */
class EgressCheckTest {

    private final EgressPolicy policy = EgressPolicy.builder()
            .lists(EgressContext.MCP, EgressLists.addressesOnly(List.of("127.0.0.1:8080")))
            .resolver(new MapHostResolver(EgressCheck.parseResolve(List.of("api.example.com=93.184.215.14",
                    "rebind.example.com=93.184.215.14,10.0.0.1")), TestResolvers.with(java.util.Map.of())))
            .build();

    private String run(List<String> targets, String stdin, int expectedExit) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = EgressCheck.run(policy, EgressContext.MCP, targets,
                new BufferedReader(new StringReader(stdin)), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(expectedExit);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsOneLinePerTarget() throws IOException {
        String out = run(List.of("api.example.com", "127.0.0.1:8080", "https://169.254.169.254/latest",
                "rebind.example.com", "0x7f.1"), "", EgressCheck.SOME_BLOCKED);
        assertThat(out.lines()).containsExactly(
                "allow\tapi.example.com",
                "allow\t127.0.0.1:8080",
                "block\thttps://169.254.169.254/latest\tDENIED_ADDRESS: 169.254.169.254 is in the denied range"
                        + " 169.254.0.0/16 (link-local and cloud metadata, RFC 3927); to exempt it, add"
                        + " '169.254.169.254:443' to mcpSettings.allowedAddresses",
                "block\trebind.example.com\tDENIED_ADDRESS: 'rebind.example.com' resolved to 10.0.0.1, which is in"
                        + " the denied range 10.0.0.0/8 (private-use, RFC 1918); to exempt it, add '10.0.0.1:80' to"
                        + " mcpSettings.allowedAddresses",
                "block\t0x7f.1\tNON_CANONICAL_IPV4: '0x7f.1' is an IPv4 address in a non-canonical form (short, hex,"
                        + " octal, leading zeros or overflow); write it as four decimal numbers, e.g. 10.0.0.5");
    }

    @Test
    void readsStdinWhenNoTargetsAreGiven() throws IOException {
        assertThat(run(List.of(), "api.example.com\n\n  https://api.example.com/x  \n", EgressCheck.ALL_ALLOWED).lines())
                .containsExactly("allow\tapi.example.com", "allow\thttps://api.example.com/x");
    }

    @Test
    void resolveValuesAreStrict() {
        assertThat(EgressCheck.parseResolve(List.of("a.example=10.0.0.1,[::1]", "a.example=10.0.0.2")))
                .containsOnlyKeys("a.example")
                .extractingByKey("a.example").asList().hasSize(3);
        assertThatThrownBy(() -> EgressCheck.parseResolve(List.of("a.example")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HOST=IP");
        assertThatThrownBy(() -> EgressCheck.parseResolve(List.of("a.example=127.1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> EgressCheck.parseResolve(List.of("a b=10.0.0.1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
