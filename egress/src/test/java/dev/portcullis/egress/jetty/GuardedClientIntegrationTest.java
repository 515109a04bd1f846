package dev.portcullis.egress.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.egress.EgressBlockedException;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressLists;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.HostResolver;
import dev.portcullis.egress.MapHostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard at the socket: real loopback listeners count accepted connections, and every refused case must
 * leave the count at zero while the exempted cases connect. Loopback only: the public addresses in resolver
 * answers are never connected to, because each such case ends in a refusal before any connect.
 */
class GuardedClientIntegrationTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private HttpClient client(EgressPolicy policy) throws Exception {
        HttpClient client = GuardedHttpClients.create(policy);
        client.start();
        closeables.add(client::stop);
        return client;
    }

    private static EgressPolicy policy(EgressLists mcpLists, HostResolver resolver) {
        return EgressPolicy.builder().lists(EgressContext.MCP, mcpLists).resolver(resolver).build();
    }

    private static EgressPolicy exempting(String... addresses) {
        return policy(EgressLists.addressesOnly(List.of(addresses)), MapHostResolver.of(Map.of()));
    }

    private static Request request(HttpClient client, String url) throws Exception {
        return GuardedHttpClients.newRequest(client, EgressTarget.parse(url), EgressContext.MCP)
                .timeout(10, TimeUnit.SECONDS);
    }

    private static GuardedResponse follow(HttpClient client, EgressPolicy policy, String url) throws Exception {
        return new RedirectFollower(client, policy, ResponseLimits.defaults(), Set.of("x-api-key"))
                .send(request(client, url), EgressContext.MCP);
    }

    private static String blockCode(ThrowableSupplier call) {
        try {
            call.get();
        } catch (Throwable t) {
            EgressBlockedException blocked = EgressBlockedException.find(t);
            assertThat(blocked).as("blocked by the guard, not failed otherwise: %s", t).isNotNull();
            return blocked.block().code();
        }
        throw new AssertionError("expected the guard to block");
    }

    @FunctionalInterface
    interface ThrowableSupplier {
        Object get() throws Throwable;
    }

    @Test
    void deniedLiteralNeverConnects() throws Exception {
        LoopbackServer server = closeLater(LoopbackServer.ok());
        EgressPolicy policy = exempting();
        HttpClient client = client(policy);
        String url = "http://127.0.0.1:" + server.port() + "/";

        assertThat(blockCode(() -> follow(client, policy, url))).isEqualTo("DENIED_ADDRESS");
        // Without the pre-flight check, the connect-time resolver refuses the literal by itself.
        assertThat(blockCode(() -> request(client, url).send())).isEqualTo("DENIED_ADDRESS");
        assertThat(server.accepted()).isZero();
    }

    @Test
    void exemptedLiteralConnects() throws Exception {
        LoopbackServer server = closeLater(LoopbackServer.ok());
        EgressPolicy policy = exempting("127.0.0.1:" + server.port());
        HttpClient client = client(policy);

        GuardedResponse response = follow(client, policy, "http://127.0.0.1:" + server.port() + "/hello?x=1");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentAsString()).isEqualTo("ok");
        assertThat(server.accepted()).isEqualTo(1);
        assertThat(server.received()).singleElement().satisfies(r -> assertThat(r.path()).isEqualTo("/hello?x=1"));
        assertThat(client.getClientConnector().isTCPNoDelay()).isTrue();
        assertThat(client.isFollowRedirects()).isFalse();
    }

    @Test
    void requestsInDifferentPartitionsNeverShareAConnection() throws Exception {
        LoopbackServer server = closeLater(LoopbackServer.ok());
        EgressPolicy policy = exempting("127.0.0.1:" + server.port());
        HttpClient client = client(policy);
        String url = "http://127.0.0.1:" + server.port() + "/";

        for (String partition : List.of("alice", "alice", "bob", "bob")) {
            assertThat(request(client, url).tag(EgressTag.of(EgressContext.MCP).in(partition)).send().getStatus())
                    .isEqualTo(200);
        }

        // A destination is a pool: connections are reused within one and never across two.
        assertThat(client.getDestinations()).extracting(d -> ((EgressTag) d.getOrigin().getTag()).partition())
                .containsExactlyInAnyOrder("alice", "bob");
    }

    @Test
    void cookiesOneServerSetsAreNeverSentAgain() throws Exception {
        // The client is shared by every user: a cookie store would carry one user's upstream session
        // cookie into another user's requests to the same server.
        LoopbackServer server = closeLater(new LoopbackServer(InetAddress.getLoopbackAddress(),
                r -> LoopbackServer.response(200, "Set-Cookie: session=alice-secret; Path=/\r\n", "ok")));
        EgressPolicy policy = exempting("127.0.0.1:" + server.port());
        HttpClient client = client(policy);

        follow(client, policy, "http://127.0.0.1:" + server.port() + "/first");
        follow(client, policy, "http://127.0.0.1:" + server.port() + "/second");

        assertThat(server.received()).hasSize(2);
        assertThat(server.received().get(1).headers().keySet()).noneMatch(name -> name.equalsIgnoreCase("cookie"));
    }

    @Test
    void a401WithoutChallengeIsAnAnswerNotAnException() throws Exception {
        LoopbackServer server = closeLater(new LoopbackServer(InetAddress.getLoopbackAddress(),
                r -> LoopbackServer.response(401, "", "{\"error\":\"invalid_token\"}")));
        EgressPolicy policy = exempting("127.0.0.1:" + server.port());

        GuardedResponse response = follow(client(policy), policy, "http://127.0.0.1:" + server.port() + "/mcp");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.contentAsString()).contains("invalid_token");
    }

    @Test
    void exemptedIpv6LiteralConnects() throws Exception {
        InetAddress v6 = InetAddress.ofLiteral("::1");
        LoopbackServer server = closeLater(new LoopbackServer(v6, r -> LoopbackServer.response(200, "", "six")));
        EgressPolicy policy = exempting("[::1]:" + server.port());
        HttpClient client = client(policy);
        assertThat(follow(client, policy, "http://[::1]:" + server.port() + "/").contentAsString()).isEqualTo("six");
        assertThat(blockCode(() -> follow(client, exempting(), "http://[::1]:" + server.port() + "/")))
                .isEqualTo("DENIED_ADDRESS");
        assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void redirectToDeniedTargetNeverConnects() throws Exception {
        LoopbackServer denied = closeLater(LoopbackServer.ok());
        LoopbackServer origin = closeLater(LoopbackServer.redirectingTo("http://127.0.0.1:" + denied.port() + "/"));
        EgressPolicy policy = exempting("127.0.0.1:" + origin.port());
        HttpClient client = client(policy);

        assertThat(blockCode(() -> follow(client, policy, "http://127.0.0.1:" + origin.port() + "/")))
                .isEqualTo("DENIED_ADDRESS");
        assertThat(origin.accepted()).isEqualTo(1);
        assertThat(denied.accepted()).isZero();
    }

    @Test
    void redirectToExemptedTargetNeverConnects() throws Exception {
        LoopbackServer exempted = closeLater(LoopbackServer.ok());
        LoopbackServer origin = closeLater(LoopbackServer.redirectingTo("http://127.0.0.1:" + exempted.port() + "/x"));
        EgressPolicy policy = exempting("127.0.0.1:" + origin.port(), "127.0.0.1:" + exempted.port());
        HttpClient client = client(policy);

        assertThat(blockCode(() -> follow(client, policy, "http://127.0.0.1:" + origin.port() + "/")))
                .isEqualTo("DENIED_ADDRESS");
        // A hop tagged as a redirect is refused at connect time too, even if the pre-flight were skipped.
        Request hop = GuardedHttpClients.newRequest(client, EgressTarget.parse("http://127.0.0.1:" + exempted.port() + "/"),
                EgressTag.redirect(EgressContext.MCP)).timeout(10, TimeUnit.SECONDS);
        assertThat(blockCode(hop::send)).isEqualTo("DENIED_ADDRESS");
        assertThat(exempted.accepted()).isZero();
        assertThat(origin.accepted()).isEqualTo(1);
        // The same target asked for first-hand is exempt and connects.
        assertThat(follow(client, policy, "http://127.0.0.1:" + exempted.port() + "/").status()).isEqualTo(200);
        assertThat(exempted.accepted()).isEqualTo(1);
    }

    @Test
    void jettyCannotBeToldToFollowRedirectsItself() throws Exception {
        LoopbackServer exempted = closeLater(LoopbackServer.ok());
        LoopbackServer origin = closeLater(LoopbackServer.redirectingTo("http://127.0.0.1:" + exempted.port() + "/"));
        EgressPolicy policy = exempting("127.0.0.1:" + origin.port(), "127.0.0.1:" + exempted.port());
        HttpClient client = client(policy);

        var response = request(client, "http://127.0.0.1:" + origin.port() + "/").followRedirects(true).send();

        assertThat(response.getStatus()).isEqualTo(302);
        assertThat(exempted.accepted()).isZero();
    }

    @Test
    void dnsRebindingBetweenCheckAndConnectIsRefused() throws Exception {
        LoopbackServer server = closeLater(LoopbackServer.ok());
        AtomicInteger lookups = new AtomicInteger();
        HostResolver rebinding = host -> {
            if (!host.equals("rebind.example.com")) {
                throw new UnknownHostException(host);
            }
            // Public for the pre-flight check, loopback for the connect.
            return List.of(InetAddress.ofLiteral(lookups.getAndIncrement() == 0 ? "93.184.215.14" : "127.0.0.1"));
        };
        EgressPolicy policy = policy(EgressLists.none(), rebinding);
        HttpClient client = client(policy);

        assertThat(policy.decide("http://rebind.example.com:" + server.port() + "/", EgressContext.MCP).allowed()).isTrue();
        lookups.set(0);
        assertThat(blockCode(() -> follow(client, policy, "http://rebind.example.com:" + server.port() + "/")))
                .isEqualTo("DENIED_ADDRESS");
        assertThat(lookups.get()).isEqualTo(2);
        assertThat(server.accepted()).isZero();
    }

    @Test
    void exactDomainEntryAndHostnameExemptionConnectToTheirPrivateAddress() throws Exception {
        LoopbackServer server = closeLater(LoopbackServer.ok());
        MapHostResolver dns = MapHostResolver.of(Map.of(
                "llm.example.com", List.of(InetAddress.ofLiteral("127.0.0.1")),
                "svc.example.com", List.of(InetAddress.ofLiteral("127.0.0.1"))));
        EgressPolicy byDomain = policy(new EgressLists(List.of("llm.example.com"), List.of()), dns);
        EgressPolicy byName = policy(EgressLists.addressesOnly(List.of("svc.example.com:" + server.port())), dns);

        assertThat(follow(client(byDomain), byDomain, "http://llm.example.com:" + server.port() + "/").status()).isEqualTo(200);
        assertThat(follow(client(byName), byName, "http://svc.example.com:" + server.port() + "/").status()).isEqualTo(200);
        assertThat(server.accepted()).isEqualTo(2);
        assertThat(server.received()).extracting(r -> r.headers().get("host"))
                .containsExactly("llm.example.com:" + server.port(), "svc.example.com:" + server.port());
    }

    @Test
    void underscoreServiceNameExemptionConnects() throws Exception {
        LoopbackServer server = closeLater(LoopbackServer.ok());
        EgressPolicy policy = policy(EgressLists.addressesOnly(List.of("rag_api:" + server.port())),
                MapHostResolver.of(Map.of("rag_api", List.of(InetAddress.ofLiteral("127.0.0.1")))));
        HttpClient client = client(policy);

        assertThat(follow(client, policy, "http://rag_api:" + server.port() + "/health").status()).isEqualTo(200);
        assertThat(server.received()).singleElement()
                .satisfies(r -> assertThat(r.headers().get("host")).isEqualTo("rag_api:" + server.port()));
    }

    @Test
    void untaggedRequestsAreRefused() throws Exception {
        LoopbackServer server = closeLater(LoopbackServer.ok());
        EgressPolicy policy = exempting("127.0.0.1:" + server.port());
        HttpClient client = client(policy);

        assertThat(blockCode(() -> client.newRequest("http://127.0.0.1:" + server.port() + "/")
                .timeout(10, TimeUnit.SECONDS).send())).isEqualTo("NO_CONTEXT");
        assertThat(server.accepted()).isZero();
    }

    @Test
    void oversizedResponsesAreCut() throws Exception {
        LoopbackServer server = closeLater(new LoopbackServer(InetAddress.getLoopbackAddress(),
                r -> LoopbackServer.response(200, "", "x".repeat(4096))));
        EgressPolicy policy = exempting("127.0.0.1:" + server.port());
        HttpClient client = client(policy);
        RedirectFollower follower = new RedirectFollower(client, policy,
                ResponseLimits.defaults().with(EgressContext.MCP, 1024), Set.of());

        assertThatThrownBy(() -> follower.send(request(client, "http://127.0.0.1:" + server.port() + "/"), EgressContext.MCP))
                .isInstanceOf(ResponseTooLargeException.class);
    }

    @Test
    void blockedFailuresCarryTheirDecision() throws Exception {
        EgressPolicy policy = exempting();
        HttpClient client = client(policy);
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> request(client, "http://169.254.169.254/latest/meta-data/").send());
        assertThat(EgressBlockedException.find(failure).block().message()).contains("169.254.0.0/16");
    }
}
