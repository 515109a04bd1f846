package dev.portcullis.http;

import dev.portcullis.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.ObjectMapper;

/**
 * The error shape for what Jetty refuses before any route runs: a request line or URI it cannot
 * parse (400), a URI too long (414), headers too large (431). Jetty answers those itself, with an
 * HTML page by default; clients of a JSON API should get the same {@code {error, message,
 * requestId}} as everywhere else. No value of the request is echoed: it may be what was malformed.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final ObjectMapper json;

    JsonErrorHandler(ObjectMapper json) {
        this.json = json;
    }

    /** The stable code for a status Jetty or Javalin chose, where no route chose one. */
    static ErrorCode codeFor(int status) {
        return switch (status) {
            case 400 -> ErrorCode.BAD_REQUEST;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 414 -> ErrorCode.URI_TOO_LONG;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 431 -> ErrorCode.REQUEST_HEADERS_TOO_LARGE;
            case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
            // 505: an HTTP version Jetty does not speak is a malformed request, not a fault of the gateway.
            default -> status < 500 || status == 505 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_ERROR;
        };
    }

    static String messageFor(ErrorCode code) {
        return switch (code) {
            case URI_TOO_LONG -> "The request URI is too long: the request line and headers may be at most "
                    + HttpServer.MAX_REQUEST_HEADER_BYTES / 1024 + " KiB";
            case REQUEST_HEADERS_TOO_LARGE -> "The request headers are too large: at most "
                    + HttpServer.MAX_REQUEST_HEADER_BYTES / 1024 + " KiB in all; send fewer or smaller headers"
                    + " (an oversized Cookie header is the usual cause)";
            case PAYLOAD_TOO_LARGE -> "The request body is too large: at most " + HttpServer.MAX_REQUEST_BODY_BYTES + " bytes";
            case SERVICE_UNAVAILABLE -> "The gateway is not accepting requests right now (it may be shutting down); retry";
            case INTERNAL_ERROR -> "The gateway could not process the request; quote the request id when you report it";
            case NOT_FOUND -> "No such route; docs/api.md lists the gateway's routes";
            case METHOD_NOT_ALLOWED -> "The route does not take this method; docs/api.md lists the methods of each route";
            case UNSUPPORTED_MEDIA_TYPE -> "The request body's content type is not supported; send application/json";
            default -> "The request is not valid HTTP: check the request line, the URI's percent-encoding and the headers";
        };
    }

    /** Every method gets a body, not only GET and POST: the client needs the code whatever it sent. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) {
        String requestId = UUID.randomUUID().toString();
        response.getHeaders().put(RequestIds.HEADER, requestId);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON.asString());
        // A request that reached routing was parsed fine: its method and path can be named (JSON-escaped).
        String routed = status == 404 ? "No route for " + request.getMethod() + " " + request.getHttpURI().getPath() : null;
        response.write(true, ByteBuffer.wrap(body(status, requestId, routed)), callback);
    }

    /** The answer Jetty sends when it cannot even build a request to hand to a handler. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String requestId = UUID.randomUUID().toString();
        fields.put(new HttpField(RequestIds.HEADER, requestId));
        fields.put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON.asString());
        return ByteBuffer.wrap(body(status, requestId, null));
    }

    private byte[] body(int status, String requestId, String message) {
        ErrorCode code = codeFor(status);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code.name());
        body.put("message", message != null ? message : messageFor(code));
        body.put("requestId", requestId);
        return json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    }
}
