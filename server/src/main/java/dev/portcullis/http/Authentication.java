package dev.portcullis.http;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.ServiceCredentials;
import dev.portcullis.identity.TokenVerifier;
import dev.portcullis.people.Person;
import java.util.Optional;
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
    private static final String SIGN_IN = "portcullis.signIn";
    /** Reached without a platform token: the provider's redirect, and the client metadata the provider fetches. */
    private static final Pattern PUBLIC = Pattern.compile("/api/mcp/[^/]+/oauth/(callback|client-metadata\\.json|link/[^/]+)");

    private static final java.util.Set<String> SAFE_METHODS = java.util.Set.of("GET", "HEAD", "OPTIONS");

    private final TokenVerifier verifier;
    private final PeopleDirectory directory;
    private final ServiceCredentials services;
    private final dev.portcullis.console.SignInSessions signIns;
    private final java.net.URI publicUrl;

    Authentication(TokenVerifier verifier, PeopleDirectory directory, ServiceCredentials services,
                   dev.portcullis.console.SignInSessions signIns, java.net.URI publicUrl) {
        this.verifier = verifier;
        this.directory = directory;
        this.services = services;
        this.signIns = signIns;
        this.publicUrl = publicUrl;
    }

    void require(Context ctx) {
        if (PUBLIC.matcher(ctx.path()).matches()) {
            return;
        }
        refuseUserHeader(ctx);
        String header = ctx.header("Authorization");
        if ((header == null || header.isBlank()) && ctx.cookie(SignInRoutes.SESSION_COOKIE) != null) {
            requireSignIn(ctx);
            return;
        }
        Caller caller = verifier.verify(bearer(ctx));
        ctx.attribute(ATTRIBUTE, caller);
        directory.seen(caller); // throttled, and never fails the request
    }

    /**
     * A browser signed in to the console: the same routes, as the same person, with a CSRF check on every
     * request that changes something (a cookie travels with cross-site requests; the token does not). Also the
     * console's own actions, which take nothing else.
     */
    void requireSignIn(Context ctx) {
        var session = signIns.find(ctx.cookie(SignInRoutes.SESSION_COOKIE)).orElseThrow(() -> new GatewayException(
                ErrorCode.SIGN_IN_ENDED, "Your console sign-in has ended; sign in again at /console/login"));
        if (!SAFE_METHODS.contains(ctx.method().name())) {
            requireCsrf(ctx, session, publicUrl);
        } else if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
            // A link on another site opened in the browser: SameSite=Lax sends the cookie with it, and a GET such
            // as oauth/initiate starts something. The console's own pages never make cross-site requests.
            throw new GatewayException(ErrorCode.CSRF_TOKEN_INVALID,
                    "A request from another site cannot use the console's sign-in; use a bearer token");
        }
        ctx.attribute(ATTRIBUTE, session.caller());
        ctx.attribute(SIGN_IN, session);
        directory.seen(session.caller());
    }

    /** Whether the request was authenticated by a console sign-in (a cookie) rather than a bearer token. */
    static boolean signedInToConsole(Context ctx) {
        return ctx.attribute(SIGN_IN) != null;
    }

    /** The console sign-in {@link #requireSignIn} found for this request (read once per request). */
    static dev.portcullis.console.SignInSessions.Session signIn(Context ctx) {
        dev.portcullis.console.SignInSessions.Session session = ctx.attribute(SIGN_IN);
        if (session == null) {
            throw new GatewayException(ErrorCode.SIGN_IN_ENDED, "Not signed in; sign in at /console/login");
        }
        return session;
    }

    /**
     * The MCP endpoints take the same tokens, and also a platform's service credential with the user
     * it acts for in {@value ServiceCredentials#USER_HEADER}. A user's own token can never name another
     * user: with it, the header is refused rather than ignored, so a misconfigured platform finds out.
     */
    void requireForMcp(Context ctx) {
        String token = bearer(ctx);
        Optional<String> credential = services.match(token);
        Caller caller;
        if (credential.isPresent()) {
            caller = withProfile(services.caller(credential.get(), ctx.header(ServiceCredentials.USER_HEADER)));
        } else {
            refuseUserHeader(ctx);
            caller = verifier.verify(token);
            directory.seen(caller);
        }
        ctx.attribute(ATTRIBUTE, caller);
    }

    /** A service credential's user as the directory knows them (e-mail, names), for placeholders; nothing that grants access. */
    private Caller withProfile(Caller caller) {
        Person known = directory.users(caller.tenantId().orElse(""), java.util.List.of(caller.userId())).get(caller.userId());
        if (known == null) {
            return caller;
        }
        java.util.Map<String, String> profile = new java.util.HashMap<>();
        known.username().ifPresent(u -> profile.put("username", u));
        known.name().ifPresent(n -> profile.put("name", n));
        return new Caller(caller.userId(), caller.role(), known.email(), caller.tenantId(), caller.groups(), profile);
    }

    private static void refuseUserHeader(Context ctx) {
        if (ctx.header(ServiceCredentials.USER_HEADER) != null) {
            throw new GatewayException(ErrorCode.FORBIDDEN, ServiceCredentials.USER_HEADER
                    + " is accepted only with a service credential, at the MCP endpoints; a user's token speaks for its user");
        }
    }

    private static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new GatewayException(ErrorCode.AUTH_TOKEN_MISSING,
                    "Authentication required: send Authorization: Bearer <token>");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
            throw new GatewayException(ErrorCode.AUTH_TOKEN_MALFORMED,
                    "The Authorization header must be 'Bearer <token>'");
        }
        return header.substring(7).strip();
    }

    /**
     * A state-changing request made with the sign-in cookie must carry the sign-in's CSRF token in
     * {@value SignInRoutes#CSRF_HEADER} and, when the browser says where it comes from, come from the
     * gateway's own origin.
     */
    static void requireCsrf(Context ctx, dev.portcullis.console.SignInSessions.Session session, java.net.URI publicUrl) {
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equalsIgnoreCase(origin(publicUrl))) {
            throw new GatewayException(ErrorCode.CSRF_TOKEN_INVALID, "A request from " + origin
                    + " cannot use the console's sign-in; only pages of " + origin(publicUrl) + " can");
        }
        if (!dev.portcullis.console.SignInSessions.sameToken(session.csrfToken(), ctx.header(SignInRoutes.CSRF_HEADER))) {
            throw new GatewayException(ErrorCode.CSRF_TOKEN_INVALID, "Send the sign-in's CSRF token (csrfToken of GET"
                    + " /console/session) in " + SignInRoutes.CSRF_HEADER + " with every request that changes something");
        }
    }

    private static String origin(java.net.URI url) {
        return url.getScheme() + "://" + url.getRawAuthority();
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
