package dev.portcullis.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code http_server_requests_seconds} by method, route template and status, and
 * {@code portcullis_http_client_aborts_total} by route: requests whose client went away before
 * its body arrived (a flaky network or an impatient client, not a fault of the gateway).
 */
final class RequestMetrics {
    private record Key(String method, String route, int status) {
    }

    private final MeterRegistry registry;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> aborts = new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Context ctx, int status, Float millis) {
        String route = route(ctx);
        // Route templates, methods and statuses are few: build each timer once, not per request.
        Timer timer = timers.computeIfAbsent(new Key(ctx.method().name(), route, status), k ->
                Timer.builder("http.server.requests").tag("method", k.method()).tag("route", k.route())
                        .tag("status", Integer.toString(k.status())).register(registry));
        timer.record((long) (millis * 1000), TimeUnit.MICROSECONDS);
    }

    void clientAborted(Context ctx) {
        aborts.computeIfAbsent(route(ctx), route -> Counter.builder("portcullis.http.client.aborts")
                .description("Requests whose client closed the connection before the body was complete")
                .tag("route", route).register(registry)).increment();
    }

    private static String route(Context ctx) {
        var matched = ctx.endpoints().matchedHttpEndpoint();
        return matched != null ? matched.path : "unmatched";
    }
}
