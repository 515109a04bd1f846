package dev.portcullis.bench;

import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressDecision;
import dev.portcullis.egress.EgressLists;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.MapHostResolver;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of one {@code EgressPolicy.decide(String, context)}: parsing the URL, the list checks and the range
 * table. The resolved-name case uses a map resolver, so it measures the guard and not DNS.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EgressDecideBenchmark {

    private EgressPolicy policy;

    @Setup
    public void setUp() {
        policy = EgressPolicy.builder()
                .lists(EgressContext.MCP, EgressLists.addressesOnly(
                        List.of("127.0.0.1:8080", "[::1]:3001", "host.docker.internal:8080", "10.0.0.5")))
                .resolver(MapHostResolver.of(Map.of("mcp.example.com",
                        List.of(InetAddress.ofLiteral("93.184.215.14"), InetAddress.ofLiteral("2606:2800:21f:cb07:6820:80da:af6b:8b2c")))))
                .build();
    }

    @Benchmark
    public EgressDecision ipv4Literal() {
        return policy.decide("https://93.184.215.14/mcp", EgressContext.MCP);
    }

    @Benchmark
    public EgressDecision ipv6Literal() {
        return policy.decide("https://[2606:4700:4700::1111]/mcp", EgressContext.MCP);
    }

    @Benchmark
    public EgressDecision resolvedName() {
        return policy.decide("https://mcp.example.com/mcp", EgressContext.MCP);
    }

    @Benchmark
    public EgressDecision deniedMetadataLiteral() {
        return policy.decide("http://169.254.169.254/latest/meta-data/", EgressContext.MCP);
    }
}
