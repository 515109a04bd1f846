package dev.portcullis.http;

import java.time.Duration;

/** One dependency the gateway cannot serve without, asked by {@code GET /readyz}. */
public interface ReadinessCheck {
    String name();

    boolean isReady(Duration timeout);

    static ReadinessCheck of(String name, java.util.function.Predicate<Duration> probe) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean isReady(Duration timeout) {
                return probe.test(timeout);
            }
        };
    }
}
