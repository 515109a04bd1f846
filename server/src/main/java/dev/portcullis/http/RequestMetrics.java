package dev.portcullis.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** {@code http_server_requests_seconds} by method, route template and status. */
final class RequestMetrics {
    private record Key(String method, String route, int status) {
    }

    private final MeterRegistry registry;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Context ctx, int status, Float millis) {
        var matched = ctx.endpoints().matchedHttpEndpoint();
        String route = matched != null ? matched.path : "unmatched";
        // Route templates, methods and statuses are few: build each timer once, not per request.
        Timer timer = timers.computeIfAbsent(new Key(ctx.method().name(), route, status), k ->
                Timer.builder("http.server.requests").tag("method", k.method()).tag("route", k.route())
                        .tag("status", Integer.toString(k.status())).register(registry));
        timer.record((long) (millis * 1000), TimeUnit.MICROSECONDS);
    }
}
