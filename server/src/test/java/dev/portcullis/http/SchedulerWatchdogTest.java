package dev.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerWatchdogTest {
    @TempDir
    Path dir;

    @Test
    void a_scheduler_with_every_carrier_busy_is_reported_stalled_and_then_recovered() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (SchedulerWatchdog watchdog = new SchedulerWatchdog(Duration.ofMillis(100), Duration.ofMillis(800), dir, metrics)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> metrics.get("portcullis.scheduler.lag").gauge().value() >= 0);
            assertThat(watchdog.readiness().isReady(Duration.ofSeconds(1))).isTrue();

            // Virtual threads are never preempted: one busy thread per carrier leaves the probe nowhere to run,
            // exactly as pinned pipe readers did.
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            List<Thread> hogs = new ArrayList<>();
            for (int i = 0; i < carriers(); i++) {
                hogs.add(Thread.startVirtualThread(() -> {
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(3)).until(watchdog::isStalled);
            assertThat(watchdog.readiness().isReady(Duration.ofSeconds(1))).as("/readyz fails while stalled").isFalse();
            assertThat(metrics.get("portcullis.scheduler.lag").gauge().value()).isGreaterThanOrEqualTo(0.8);
            for (Thread hog : hogs) {
                hog.join();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !watchdog.isStalled());
            assertThat(metrics.get("portcullis.scheduler.stalls").counter().count()).isEqualTo(1);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).as("a thread dump for the operator")
                        .anyMatch(name -> name.startsWith("stall-") && name.endsWith(".threads.json"));
            }
        }
    }

    private static int carriers() {
        return Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
    }
}
