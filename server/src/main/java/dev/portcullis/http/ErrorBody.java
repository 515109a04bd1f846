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
    private ErrorBody() {
    }

    static void send(Context ctx, GatewayException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code().name());
        body.put("message", e.getMessage());
        body.put("requestId", RequestIds.of(ctx));
        e.details().forEach(body::putIfAbsent);
        ctx.status(e.status()).json(body);
    }

    static void send(Context ctx, ErrorCode code, String message) {
        send(ctx, new GatewayException(code, message));
    }
}
