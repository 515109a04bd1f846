package dev.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** A lookup the native resolver will not give up on, whatever the caller does. */
    private static List<InetAddress> hangUntil(CountDownLatch release) {
        while (true) {
            try {
                release.await();
                return List.of(InetAddress.ofLiteral("93.184.215.14"));
            } catch (InterruptedException ignored) {
                // like getaddrinfo: an interrupt does not end it
            }
        }
    }

    @Test
    void names_under_a_domain_whose_dns_hangs_cannot_take_the_pool_from_everyone_else() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger hanging = new AtomicInteger();
        HostResolver resolver = HostResolver.offloaded(host -> {
            if (host.endsWith(".hang.attacker.test")) {
                hanging.incrementAndGet();
                return hangUntil(release);
            }
            return List.of(InetAddress.ofLiteral("93.184.215.14"));
        }, Duration.ofMillis(300));
        EgressPolicy policy = EgressPolicy.builder().resolver(resolver).build();
        try {
            // A user's server redirects every request to a fresh name under a zone whose DNS never answers.
            List<Thread> attackers = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                attackers.add(Thread.startVirtualThread(() ->
                        policy.decide("https://r" + n + ".hang.attacker.test/mcp", EgressContext.MCP)));
            }
            for (Thread t : attackers) {
                t.join();
            }
            assertThat(hanging.get()).as("only a few lookups under one domain run at once")
                    .isLessThanOrEqualTo(OffloadedHostResolver.PER_DOMAIN);

            EgressDecision other = policy.decide("https://legit.example/mcp", EgressContext.MCP);

            assertThat(other).isInstanceOf(EgressDecision.Allow.class);
        } finally {
            release.countDown();
        }
    }

    @Test
    void a_name_in_use_is_answered_without_a_lookup_until_its_answer_is_old() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        MutableClock clock = new MutableClock();
        HostResolver resolver = new OffloadedHostResolver(host -> {
            lookups.incrementAndGet();
            return List.of(InetAddress.ofLiteral("93.184.215.14"));
        }, Duration.ofSeconds(1), clock);

        resolver.resolve("api.example");
        resolver.resolve("API.example");
        assertThat(lookups.get()).isEqualTo(1);

        clock.advance(OffloadedHostResolver.POSITIVE_TTL.plusMillis(1));
        resolver.resolve("api.example");
        assertThat(lookups.get()).as("looked up again, and checked again, after the TTL").isEqualTo(2);
    }

    @Test
    void a_name_that_timed_out_fails_at_once_for_a_while() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger lookups = new AtomicInteger();
        MutableClock clock = new MutableClock();
        HostResolver resolver = new OffloadedHostResolver(host -> {
            lookups.incrementAndGet();
            return hangUntil(release);
        }, Duration.ofMillis(100), clock);
        try {
            assertThatThrownBy(() -> resolver.resolve("slow.example")).hasMessageContaining("no DNS answer");
            assertThatThrownBy(() -> resolver.resolve("slow.example")).hasMessageContaining("no DNS answer");
            assertThat(lookups.get()).isEqualTo(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void the_parent_domain_is_the_last_two_labels() {
        assertThat(OffloadedHostResolver.parentDomain("r1.hang.attacker.test")).isEqualTo("attacker.test");
        assertThat(OffloadedHostResolver.parentDomain("example.com.")).isEqualTo("example.com");
        assertThat(OffloadedHostResolver.parentDomain("localhost")).isEqualTo("localhost");
    }

    /** A clock tests move by hand. */
    private static final class MutableClock extends java.time.Clock {
        private java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }
}
