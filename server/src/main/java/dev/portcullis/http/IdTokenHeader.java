package dev.portcullis.http;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.Secret;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.oauth.flow.PresentedIdTokens;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@value #NAME}: the person's identity-provider ID token, passed by the platform with a call to an
 * enterprise-managed server (see {@link PresentedIdTokens} for what is checked before it is kept). Taken
 * only from a request the platform's bearer token authenticated: a browser signed in to the console has
 * its ID token from its own sign-in, and a page must not be able to plant another.
 */
final class IdTokenHeader {
    static final String NAME = "X-Portcullis-Id-Token";
    /** Far above any real ID token, far below what would let a request make the gateway parse megabytes. */
    private static final int MAX_LENGTH = 16 * 1024;

    private final Optional<PresentedIdTokens> presented;

    IdTokenHeader(Optional<PresentedIdTokens> presented) {
        this.presented = presented;
    }

    /**
     * Keeps the header's ID token for the caller when there is one; refuses the request when it cannot be used.
     * The server is looked up only then.
     */
    void take(Context ctx, Caller caller, Supplier<McpServerConfig> server) {
        String value = ctx.header(NAME);
        if (value == null) {
            return;
        }
        if (Authentication.signedInToConsole(ctx)) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, NAME + " is accepted only with the platform's bearer token,"
                    + " not with a console sign-in (the console keeps the ID token of your sign-in)");
        }
        String token = value.strip();
        if (token.isEmpty() || token.length() > MAX_LENGTH) {
            throw new GatewayException(ErrorCode.ID_TOKEN_REJECTED, NAME + " must hold one ID token (a JWT of at most "
                    + MAX_LENGTH + " characters)");
        }
        presented.orElseThrow(() -> new GatewayException(ErrorCode.BAD_REQUEST, NAME + " is not accepted by this gateway"))
                .accept(caller, server.get(), Secret.of(token));
    }
}
