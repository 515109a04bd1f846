package dev.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OffloadedHostResolverTest {

    @Test
    void a_lookup_asked_for_on_a_virtual_thread_runs_on_a_platform_thread() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        HostResolver resolver = HostResolver.offloaded(host -> {
            ranOn.set(Thread.currentThread());
            return List.of(InetAddress.ofLiteral("192.0.2.1"));
        }, Duration.ofSeconds(5));
        AtomicReference<List<InetAddress>> answer = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                answer.set(resolver.resolve("example.test"));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        });
        caller.join();
        assertThat(answer.get()).containsExactly(InetAddress.ofLiteral("192.0.2.1"));
        assertThat(ranOn.get().isVirtual()).as("the native lookup never holds a carrier").isFalse();
    }

    @Test
    void a_lookup_that_takes_too_long_fails_closed() {
        CountDownLatch never = new CountDownLatch(1);
        HostResolver resolver = HostResolver.offloaded(host -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(InetAddress.ofLiteral("192.0.2.1"));
        }, Duration.ofMillis(100));
        assertThatThrownBy(() -> resolver.resolve("slow.test"))
                .isInstanceOf(UnknownHostException.class).hasMessageContaining("no DNS answer within 100 ms");
    }

    @Test
    void the_guard_refuses_a_name_whose_lookup_timed_out_and_says_why() {
        HostResolver slow = HostResolver.offloaded(host -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(InetAddress.ofLiteral("93.184.215.14"));
        }, Duration.ofMillis(100));
        EgressPolicy policy = EgressPolicy.builder().resolver(slow).build();
        EgressDecision decision = policy.decide("https://slow.example/mcp", EgressContext.MCP);
        assertThat(decision).isInstanceOf(EgressDecision.Block.class);
        assertThat(((EgressDecision.Block) decision).describe()).contains("no DNS answer in time");
    }

    @Test
    void unknown_names_stay_unknown() {
        HostResolver resolver = HostResolver.offloaded(host -> {
            throw new UnknownHostException(host);
        }, Duration.ofSeconds(1));
        assertThatThrownBy(() -> resolver.resolve("nxdomain.test")).isInstanceOf(UnknownHostException.class)
                .hasMessage("nxdomain.test");
    }
}
