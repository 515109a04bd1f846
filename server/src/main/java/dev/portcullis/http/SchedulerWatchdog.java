package dev.portcullis.http;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when virtual threads stop getting carriers. Everything the gateway does — the HTTP
 * server's selectors and handlers, the JDK's I/O poller, every upstream exchange — runs on virtual
 * threads, so a scheduler whose carriers are all pinned serves nothing and says nothing. This
 * watchdog lives on a platform thread: once a {@code interval} it starts a trivial virtual thread
 * and measures how late it runs. A probe still waiting after {@code stallAfter} marks the scheduler
 * stalled: readiness fails, the stall is counted, an error is logged once with a thread dump (all
 * virtual threads included) written next to the data, and recovery is logged when the probe finally
 * runs. A replica so wedged that {@code /readyz} cannot answer at all fails its probe by timing out,
 * which is what an orchestrator restarts on.
 */
public final class SchedulerWatchdog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchedulerWatchdog.class);

    private final Duration interval;
    private final Duration stallAfter;
    private final Path dumpDirectory;
    private final Thread thread;
    private final Counter stalls;
    private volatile long lagNanos;
    private volatile long waitingSince; // nanoTime of the probe in flight, 0 when none waits
    private volatile boolean stopped;

    public SchedulerWatchdog(Duration interval, Duration stallAfter, Path dumpDirectory, MeterRegistry metrics) {
        this.interval = interval;
        this.stallAfter = stallAfter;
        this.dumpDirectory = dumpDirectory;
        Gauge.builder("portcullis.scheduler.lag", this, w -> w.currentLag().toNanos() / 1e9)
                .baseUnit("seconds")
                .description("How late a trivial virtual thread started, measured once a second; while a probe still "
                        + "waits, how long it has waited")
                .register(metrics);
        this.stalls = Counter.builder("portcullis.scheduler.stalls")
                .description("Times the virtual-thread scheduler gave no carrier to a probe for longer than the stall limit")
                .register(metrics);
        this.thread = Thread.ofPlatform().name("portcullis-watchdog").daemon().start(this::watch);
    }

    /** The last measured lag, or how long the probe in flight has waited if that is longer. */
    public Duration currentLag() {
        long since = waitingSince;
        long waiting = since == 0 ? 0 : System.nanoTime() - since;
        return Duration.ofNanos(Math.max(lagNanos, waiting));
    }

    public boolean isStalled() {
        return currentLag().compareTo(stallAfter) >= 0;
    }

    /** For {@code /readyz}: ready while virtual threads get a carrier within the stall limit. */
    public ReadinessCheck readiness() {
        return ReadinessCheck.of("scheduler", timeout -> !isStalled());
    }

    private void watch() {
        while (!stopped) {
            long started = System.nanoTime();
            CountDownLatch ran = new CountDownLatch(1);
            long[] ranAt = new long[1];
            waitingSince = started;
            Thread.startVirtualThread(() -> {
                ranAt[0] = System.nanoTime();
                ran.countDown();
            });
            try {
                if (!ran.await(stallAfter.toNanos(), TimeUnit.NANOSECONDS)) {
                    stalled(started, ran);
                }
                lagNanos = ranAt[0] - started;
                waitingSince = 0;
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void stalled(long started, CountDownLatch ran) throws InterruptedException {
        stalls.increment();
        Path dump = dumpThreads();
        log.error("the virtual-thread scheduler is stalled: a probe has waited {} ms for a carrier, so requests are not "
                        + "being served; /readyz reports it. {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                dump == null ? "Take a thread dump: jcmd <pid> Thread.dump_to_file -format=json <file>"
                        : "Thread dump written to " + dump);
        ran.await();
        log.warn("the virtual-thread scheduler recovered after {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Every thread, virtual ones included (which {@code Thread.getAllStackTraces} leaves out), to a file. */
    private Path dumpThreads() {
        try {
            Files.createDirectories(dumpDirectory);
            Path file = dumpDirectory.resolve("stall-" + Instant.now().toString().replace(':', '-') + ".threads.json");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            return file;
        } catch (IOException | RuntimeException e) {
            log.warn("could not write a thread dump: {}", e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
