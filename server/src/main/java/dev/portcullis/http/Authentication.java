package dev.portcullis.http;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.TokenVerifier;
import dev.portcullis.people.PeopleDirectory;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * Requires a verified bearer token on every {@code /api} route except the OAuth callback, which
 * the provider reaches by redirecting the user's browser (no token travels with it; the callback
 * is validated by its browser binding instead), and the client ID metadata document, which the
 * authorization server fetches itself.
 */
final class Authentication {
    private static final String ATTRIBUTE = "portcullis.caller";
    /** Reached without a platform token: the provider's redirect, and the client metadata the provider fetches. */
    private static final Pattern PUBLIC = Pattern.compile("/api/mcp/[^/]+/oauth/(callback|client-metadata\\.json)");

    private final TokenVerifier verifier;
    private final PeopleDirectory directory;

    Authentication(TokenVerifier verifier, PeopleDirectory directory) {
        this.verifier = verifier;
        this.directory = directory;
    }

    void require(Context ctx) {
        if (PUBLIC.matcher(ctx.path()).matches()) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new GatewayException(ErrorCode.AUTH_TOKEN_MISSING,
                    "Authentication required: send Authorization: Bearer <token>");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
            throw new GatewayException(ErrorCode.AUTH_TOKEN_MALFORMED,
                    "The Authorization header must be 'Bearer <token>'");
        }
        Caller caller = verifier.verify(header.substring(7).strip());
        ctx.attribute(ATTRIBUTE, caller);
        directory.seen(caller); // throttled, and never fails the request
    }

    /** The verified caller of an authenticated route. */
    static Caller caller(Context ctx) {
        Caller caller = ctx.attribute(ATTRIBUTE);
        if (caller == null) {
            throw new GatewayException(ErrorCode.AUTH_TOKEN_MISSING, "Authentication required");
        }
        return caller;
    }
}
