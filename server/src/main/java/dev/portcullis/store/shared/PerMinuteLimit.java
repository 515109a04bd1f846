package dev.portcullis.store.shared;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * At most so many actions per minute for one subject (a user, say), counted in a fixed one-minute
 * window in the shared store, so the limit holds across replicas. Callers turn a refusal into their
 * own error; this only counts.
 */
public final class PerMinuteLimit {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int ATTEMPTS = 20;

    private final KeyValueStore store;
    private final String purpose;
    private final int perMinute;
    private final Clock clock;

    /** {@code purpose} names the counter in the store, such as {@code servers:changes}. */
    public PerMinuteLimit(KeyValueStore store, String purpose, int perMinute, Clock clock) {
        this.store = store;
        this.purpose = purpose;
        this.perMinute = perMinute;
        this.clock = clock;
    }

    public int perMinute() {
        return perMinute;
    }

    /**
     * Counts one action for the subject (its parts, such as tenant and user), or answers how many
     * seconds until the window lets one through again.
     */
    public OptionalLong acquire(List<String> subject) {
        long now = clock.millis();
        long window = now / WINDOW.toMillis();
        String key = purpose + ":" + subject.stream().map(PerMinuteLimit::encode).collect(Collectors.joining(":")) + ":" + window;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<String> current = store.get(key);
            if (current.isEmpty()) {
                if (store.putIfAbsent(key, "1", WINDOW.multipliedBy(2))) {
                    return OptionalLong.empty();
                }
                continue;
            }
            int used = Integer.parseInt(current.get());
            if (used >= perMinute) {
                return OptionalLong.of(Math.max(1, ((window + 1) * WINDOW.toMillis() - now + 999) / 1000));
            }
            if (store.compareAndSet(key, current.get(), Integer.toString(used + 1), WINDOW.multipliedBy(2))) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(1); // too much contention on one counter: as good as over the limit
    }

    /** Ids are free text: encoded, so no id can run into the next part of the key. */
    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
