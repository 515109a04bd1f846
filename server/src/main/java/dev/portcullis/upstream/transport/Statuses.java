package dev.portcullis.upstream.transport;

import dev.portcullis.upstream.UpstreamException;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;

/** The typed failure for an HTTP status the transports do not handle themselves. */
final class Statuses {

    private Statuses() {
    }

    static UpstreamException failure(HttpExchange exchange) {
        int status = exchange.status();
        Optional<String> challenge = Optional.ofNullable(exchange.header(HttpHeader.WWW_AUTHENTICATE));
        // 403 asks for authorization only with a challenge (insufficient_scope); a bare 403 is a refusal.
        if (status == 401 || (status == 403 && challenge.isPresent())) {
            return new UpstreamException.AuthorizationRequired(status, challenge);
        }
        if (status == 413) {
            return new UpstreamException.MessageTooLarge("the MCP server refused the message as too large (HTTP 413)");
        }
        return Failures.status(status);
    }
}
