package dev.portcullis.http;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one error shape: {@code {error, message, requestId}}, plus the extra fields some LibreChat
 * routes define. {@code error} is a stable {@link ErrorCode}; {@code message} says what to fix.
 */
final class ErrorBody {
    /** Set by the MCP endpoints' guard: a 401 there names the protected-resource metadata (RFC 9728). */
    static final String RESOURCE_METADATA = "portcullis.resourceMetadata";
    private ErrorBody() {
    }

    static void send(Context ctx, GatewayException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code().name());
        body.put("message", e.getMessage());
        body.put("requestId", RequestIds.of(ctx));
        e.details().forEach(body::putIfAbsent);
        if (e.details().get("retryAfterSeconds") instanceof Number seconds) {
            ctx.header("Retry-After", Long.toString(seconds.longValue()));
        }
        if (e.status() == 401) {
            // RFC 6750 section 3: a 401 names its scheme, and why the token failed when one was sent.
            String metadata = ctx.attribute(RESOURCE_METADATA);
            ctx.header("WWW-Authenticate", "Bearer realm=\"portcullis\""
                    + (metadata == null ? "" : ", resource_metadata=\"" + metadata + "\"")
                    + (e.code() == ErrorCode.AUTH_TOKEN_MISSING ? "" : ", error=\"invalid_token\""));
        }
        ctx.status(e.status()).json(body);
    }

    static void send(Context ctx, ErrorCode code, String message) {
        send(ctx, new GatewayException(code, message));
    }
}
