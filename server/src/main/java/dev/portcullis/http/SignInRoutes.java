package dev.portcullis.http;

import dev.portcullis.console.DevSignIn;
import dev.portcullis.console.OidcSignIn;
import dev.portcullis.console.SignInSessions;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.oauth.OAuthException;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Console sign-in: {@code GET /console/login} (to the identity provider, or the development sign-in's
 * explanation), {@code GET /console/callback} (the provider's redirect), {@code GET /console/dev-login}
 * (a one-time development link), {@code GET /console/session} (who is signed in, and the CSRF token) and
 * {@code POST /console/logout}. The sign-in cookie is {@code HttpOnly}, {@code SameSite=Lax}, {@code Secure}
 * when the public URL is https, and made anew at every sign-in.
 */
final class SignInRoutes {
    static final String SESSION_COOKIE = "portcullis_signin";
    static final String ATTEMPT_COOKIE = "portcullis_signin_attempt";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Logger log = LoggerFactory.getLogger(SignInRoutes.class);

    private final SignInSessions sessions;
    private final Optional<OidcSignIn> oidc;
    private final Optional<DevSignIn> dev;
    private final dev.portcullis.store.shared.PerMinuteLimit starts;
    private final URI publicUrl;
    private final String basePath;

    SignInRoutes(SignInSessions sessions, Optional<OidcSignIn> oidc, Optional<DevSignIn> dev,
                 dev.portcullis.store.shared.PerMinuteLimit starts, URI publicUrl) {
        this.sessions = sessions;
        this.oidc = oidc;
        this.dev = dev;
        this.starts = starts;
        this.publicUrl = publicUrl;
        this.basePath = MessagePage.basePath(publicUrl);
    }

    private boolean secure() {
        return "https".equalsIgnoreCase(publicUrl.getScheme());
    }

    void login(Context ctx) {
        if (oidc.isEmpty()) {
            page(ctx, 200, "Sign in", dev.isPresent()
                    ? "No identity provider is configured (auth.oidc), so this gateway offers a development sign-in: open the"
                    + " one-time link that ./portcullis serve printed when it started."
                    : "No identity provider is configured (auth.oidc), and the development sign-in is offered only when the"
                    + " gateway's public URL is on this machine. Ask the operator to configure auth.oidc.");
            return;
        }
        java.util.OptionalLong wait = starts.acquire(java.util.List.of(ctx.ip()));
        if (wait.isPresent()) {
            ctx.header("Retry-After", Long.toString(wait.getAsLong()));
            page(ctx, 429, "Too many sign-ins", "More sign-ins were started from your address this minute than the gateway"
                    + " allows. Try again in " + wait.getAsLong() + " seconds.");
            return;
        }
        OidcSignIn.Attempt attempt;
        try {
            attempt = oidc.get().begin();
        } catch (OAuthException e) {
            log.warn("console sign-in could not start: {}", e.getMessage());
            page(ctx, 502, "Sign-in is unavailable", "The identity provider could not be reached or answered wrongly."
                    + " Try again shortly; the gateway's log says what went wrong.");
            return;
        }
        ctx.cookie(new Cookie(ATTEMPT_COOKIE, attempt.binding(), basePath + "/console/callback",
                (int) java.time.Duration.ofMinutes(10).toSeconds(), secure(), true, null, SameSite.LAX));
        ctx.redirect(attempt.authorizationUrl().toString(), io.javalin.http.HttpStatus.FOUND);
    }

    void callback(Context ctx) {
        if (oidc.isEmpty()) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "No identity provider is configured (auth.oidc)");
        }
        if (ctx.queryParam("error") != null) {
            page(ctx, 400, "Sign-in was not completed", "The identity provider answered '" + safe(ctx.queryParam("error"))
                    + "'. Sign in again.");
            return;
        }
        Caller caller;
        try {
            caller = oidc.get().complete(ctx.queryParam("state"), ctx.queryParam("code"),
                    Optional.ofNullable(ctx.cookie(ATTEMPT_COOKIE)));
        } catch (OidcSignIn.Refused e) {
            page(ctx, 400, "Sign-in was not completed", e.getMessage() + ".");
            return;
        } catch (OAuthException e) {
            log.warn("console sign-in failed at the identity provider: {}", e.getMessage());
            page(ctx, 502, "Sign-in was not completed", "The identity provider's answer was refused. Sign in again; if it"
                    + " happens again, the gateway's log says why.");
            return;
        }
        ctx.removeCookie(ATTEMPT_COOKIE, basePath + "/console/callback");
        signIn(ctx, caller);
    }

    void devLogin(Context ctx) {
        if (dev.isEmpty()) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "The development sign-in is offered only without auth.oidc and"
                    + " with a public URL on this machine");
        }
        if (!DevSignIn.isLoopback(ctx.ip())) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "The development sign-in is taken only from this machine");
        }
        Optional<Caller> caller = dev.get().redeem(ctx.queryParam("ticket"));
        if (caller.isEmpty()) {
            page(ctx, 400, "This link was already used", "A development sign-in link works once and for ten minutes."
                    + " Restart ./portcullis serve for a new one.");
            return;
        }
        signIn(ctx, caller.get());
    }

    /** A new sign-in, never the cookie the browser came with (which is ended, if it named one). */
    private void signIn(Context ctx, Caller caller) {
        sessions.end(ctx.cookie(SESSION_COOKIE));
        SignInSessions.Started started = sessions.start(caller);
        ctx.cookie(new Cookie(SESSION_COOKIE, started.id(), basePath.isEmpty() ? "/" : basePath,
                (int) sessions.settings().absolute().toSeconds(), secure(), true, null, SameSite.LAX));
        ctx.header("Cache-Control", "no-store");
        ctx.redirect(basePath + "/console/", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    /** Who is signed in in this browser, and the token its state-changing requests must carry. */
    void session(Context ctx) {
        SignInSessions.Session session = sessions.find(ctx.cookie(SESSION_COOKIE)).orElseThrow(() -> new GatewayException(
                ErrorCode.SIGN_IN_ENDED, "Not signed in; sign in at " + basePath + "/console/login"));
        Caller caller = session.caller();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", caller.userId());
        body.put("role", caller.role());
        body.put("email", caller.email().orElse(null));
        body.put("name", caller.profile().get("name"));
        body.put("groups", caller.groups());
        body.put("csrfToken", session.csrfToken());
        body.put("signedInAt", session.signedInAt().toString());
        ctx.header("Cache-Control", "no-store").json(body);
    }

    /** Ends the sign-in (with its CSRF token: a cross-site form cannot sign anyone out). */
    void logout(Context ctx) {
        String id = ctx.cookie(SESSION_COOKIE);
        Optional<SignInSessions.Session> session = sessions.find(id);
        if (session.isPresent()) {
            try {
                Authentication.requireCsrf(ctx, session.get(), publicUrl);
            } catch (GatewayException e) {
                if ("true".equals(ctx.header("HX-Request"))) {
                    // A tab older than the last sign-in holds an old token: reload it (with the current one) rather
                    // than let the person believe they signed out.
                    ctx.header("HX-Refresh", "true");
                }
                throw e;
            }
            sessions.end(id);
            oidc.ifPresent(o -> o.signedOut(session.get().caller()));
            ctx.removeCookie(SESSION_COOKIE, basePath.isEmpty() ? "/" : basePath);
        } else if (!"cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
            // No live sign-in: an ended one's cookie is cleared, but never by another site's form.
            ctx.removeCookie(SESSION_COOKIE, basePath.isEmpty() ? "/" : basePath);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("signedOut", true);
        oidc.flatMap(o -> o.providerLogout(URI.create(publicUrl + (publicUrl.toString().endsWith("/") ? "" : "/")
                + "console/signed-out"))).ifPresent(u -> body.put("providerLogoutUrl", u.toString()));
        if ("true".equals(ctx.header("HX-Request"))) {
            // The console's own button: htmx follows this to the provider's sign-out, or back to sign-in.
            ctx.header("HX-Redirect", String.valueOf(body.getOrDefault("providerLogoutUrl", basePath + "/console/signed-out")));
        }
        ctx.header("Cache-Control", "no-store").json(body);
    }

    /** Where a sign-out ends (and where the provider sends the browser back after its own sign-out). */
    void signedOut(Context ctx) {
        page(ctx, 200, "Signed out", "You are signed out of the Portcullis console. To sign in again, open "
                + basePath + "/console/login.");
    }

    /** An error code from the provider, reduced to what an OAuth error code may hold. */
    private static String safe(String text) {
        String kept = text == null ? "" : text.replaceAll("[^A-Za-z0-9_.-]", "");
        return kept.substring(0, Math.min(64, kept.length()));
    }

    private static void page(Context ctx, int status, String title, String message) {
        MessagePage.send(ctx, status, title, java.util.List.of(message));
    }
}
