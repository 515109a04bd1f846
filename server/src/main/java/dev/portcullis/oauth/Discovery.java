package dev.portcullis.oauth;

import dev.portcullis.config.Secret;
import dev.portcullis.egress.EgressBlockedException;
import dev.portcullis.egress.jetty.GuardedResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Finds who authorizes an MCP server: its protected resource metadata (RFC 9728), then its first
 * authorization server's metadata (RFC 8414 / OpenID Connect Discovery), each found in the order
 * the MCP specification gives and checked before use. A server that publishes no protected
 * resource metadata at all is a 2025-03-26 server, and {@link LegacyDiscovery} takes over.
 */
public final class Discovery {
    private static final String PRM_WELL_KNOWN = "/.well-known/oauth-protected-resource";

    private final OAuthHttp http;
    private final LegacyDiscovery legacy;

    public Discovery(OAuthHttp http) {
        this.http = http;
        this.legacy = new LegacyDiscovery(http);
    }

    /** Where the authorization server came from. */
    public enum Source {
        /** The server's protected resource metadata named it (2025-06-18 and later). */
        PROTECTED_RESOURCE_METADATA,
        /** No protected resource metadata: the server's origin, by its RFC 8414 metadata (2025-03-26). */
        LEGACY_METADATA,
        /** Neither document: the server's origin with the default endpoints (2025-03-26 §2.3.3). */
        LEGACY_DEFAULT_ENDPOINTS
    }

    /**
     * What discovery found for one server. {@code resource} is what to send as RFC 8707 {@code resource};
     * {@code resourceMetadata} is empty for a 2025-03-26 server, which publishes none.
     */
    public record Discovered(ResourceUri resource, Optional<ProtectedResourceMetadata> resourceMetadata,
                             AuthorizationServerMetadata server, Source source) {
        /** The resource's {@code scopes_supported}; none without its metadata. */
        public List<String> resourceScopes() {
            return resourceMetadata.map(ProtectedResourceMetadata::scopesSupported).orElse(List.of());
        }
    }

    /**
     * @param serverUrl    the MCP server's URL as configured
     * @param challenge    the 401's Bearer challenge, {@link BearerChallenge#NONE} without one
     * @param oauthHeaders the server's {@code oauth_headers}, sent with every metadata request
     */
    public Discovered discover(String serverUrl, BearerChallenge challenge, Map<String, Secret> oauthHeaders) {
        return discover(serverUrl, challenge, oauthHeaders, true);
    }

    /**
     * @param defaultEndpoints whether a server that publishes no metadata at all may be reached at the 2025-03-26
     *                         default endpoints ({@code /authorize}, {@code /token}, {@code /register} of its origin).
     *                         A server the operator gave an API key or headers (and no {@code oauth} block) answers 401
     *                         for a refused key far more often than for OAuth of that revision: guessing endpoints there
     *                         would post a registration to whatever {@code /register} its origin has.
     */
    public Discovered discover(String serverUrl, BearerChallenge challenge, Map<String, Secret> oauthHeaders,
                               boolean defaultEndpoints) {
        ResourceUri server = ResourceUri.canonical(serverUrl);
        Optional<ProtectedResourceMetadata> found = protectedResource(server, challenge, oauthHeaders);
        if (found.isEmpty()) {
            LegacyDiscovery.Found old = legacy.authorizationServer(server, oauthHeaders, defaultEndpoints);
            // 2025-03-26 had no resource indicators; sending the server's own URI does no harm (RFC 6749
            // §3.1: unknown parameters are ignored) and binds the token where the server understands it.
            return new Discovered(server, Optional.empty(), old.server(), old.source());
        }
        ProtectedResourceMetadata prm = found.get();
        // RFC 9728 §7.6 leaves the choice to the client (checklist #5): the server lists its preferred one first.
        String issuer = prm.authorizationServers().stream().findFirst().orElseThrow(() -> new OAuthException(
                OAuthFailure.METADATA_NOT_FOUND, "the protected resource metadata at " + prm.metadataUrl()
                + " names no authorization server"));
        return new Discovered(prm.resource(), found, authorizationServer(issuer, oauthHeaders),
                Source.PROTECTED_RESOURCE_METADATA);
    }

    /**
     * The protected resource metadata from the challenge's {@code resource_metadata} when given
     * (checklist #3), else from the path-based and then the root well-known URI (checklist #4).
     * Its {@code resource} must cover the server URL (checklist #7, RFC 9728 §3.3): otherwise
     * another resource's metadata could send our users' grants to its authorization server.
     *
     * <p>Empty only when the server publishes none: no {@code resource_metadata} in the challenge and
     * 404 at every well-known URI. Any other failure — a 5xx, a 401, a network error, a refused
     * document — is not absence, and falling back to the 2025-03-26 rules then would let a broken or
     * hostile answer choose the authorization server, so it is an error.
     */
    Optional<ProtectedResourceMetadata> protectedResource(ResourceUri server, BearerChallenge challenge,
                                                          Map<String, Secret> oauthHeaders) {
        Optional<String> named = challenge.resourceMetadata();
        List<String> candidates = named.map(List::of).orElseGet(() -> wellKnownFor(server));
        Lookup lookup = lookup("protected resource metadata", candidates, oauthHeaders);
        if (lookup instanceof Lookup.Missing missing) {
            if (named.isEmpty() && missing.everyCandidateAbsent()) {
                return Optional.empty();
            }
            throw missing.failure("protected resource metadata");
        }
        Lookup.Found document = (Lookup.Found) lookup;
        ProtectedResourceMetadata prm = ProtectedResourceMetadata.parse(document.body(), document.url());
        if (!prm.resource().covers(server)) {
            throw new OAuthException(OAuthFailure.RESOURCE_MISMATCH, "the protected resource metadata at "
                    + prm.metadataUrl() + " is for '" + prm.resource() + "', not for the server at '" + server + "'");
        }
        return Optional.of(prm);
    }

    private static List<String> wellKnownFor(ResourceUri server) {
        String path = server.value().substring(server.origin().length());
        return path.isEmpty() ? List.of(server.origin() + PRM_WELL_KNOWN)
                : List.of(server.origin() + PRM_WELL_KNOWN + path, server.origin() + PRM_WELL_KNOWN);
    }

    /**
     * The authorization server metadata for an issuer, from the first of the specification's
     * well-known URIs that answers (checklist #10). Its {@code issuer} must be identical to the one
     * looked up (RFC 8414 §3.3, checklist #11); a document that claims another issuer is refused,
     * not skipped, because serving it at all is a sign of a mix-up attempt.
     */
    AuthorizationServerMetadata authorizationServer(String issuer, Map<String, Secret> oauthHeaders) {
        AuthorizationServerMetadata metadata = firstFound("authorization server metadata", wellKnownForIssuer(issuer),
                oauthHeaders, AuthorizationServerMetadata::parse);
        if (!metadata.issuer().equals(issuer)) {
            throw new OAuthException(OAuthFailure.ISSUER_MISMATCH, "the authorization server metadata for '" + issuer
                    + "' names the issuer '" + metadata.issuer() + "'");
        }
        requireSecureEndpoints(metadata);
        return metadata;
    }

    /** The endpoints that receive codes, secrets and tokens, judged by {@link #requireSecure}. */
    static void requireSecureEndpoints(AuthorizationServerMetadata metadata) {
        requireSecure(metadata.tokenEndpoint(), "token_endpoint", metadata.issuer());
        metadata.registrationEndpoint().ifPresent(url -> requireSecure(url, "registration_endpoint", metadata.issuer()));
        metadata.revocationEndpoint().ifPresent(url -> requireSecure(url, "revocation_endpoint", metadata.issuer()));
    }

    /**
     * Checklist #23, #40: endpoints that receive codes, secrets and tokens are HTTPS (plain http
     * only to loopback, for development). Operator-pinned URLs ({@link PinnedServer}) are not
     * judged here: the operator chose them. The authorization endpoint is judged when the
     * authorization URL is built.
     */
    private static void requireSecure(String url, String what, String issuer) {
        boolean secure;
        try {
            secure = AuthorizationUrls.secure(new URI(url));
        } catch (URISyntaxException e) {
            secure = false;
        }
        if (!secure) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA, "the " + what + " of " + issuer
                    + " is not https (plain http is allowed only to loopback hosts)");
        }
    }

    static List<String> wellKnownForIssuer(String issuer) {
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA, "the issuer '" + issuer + "' is not a URL");
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || !AuthorizationUrls.secure(uri)) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA,
                    "the issuer '" + issuer + "' is not an https URL without query and fragment (RFC 8414 §2; "
                    + "plain http only to loopback hosts)");
        }
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        String path = Optional.ofNullable(uri.getRawPath()).orElse("");
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            return List.of(origin + "/.well-known/oauth-authorization-server", origin + "/.well-known/openid-configuration");
        }
        return List.of(origin + "/.well-known/oauth-authorization-server" + path,
                origin + "/.well-known/openid-configuration" + path,
                origin + path + "/.well-known/openid-configuration");
    }

    /** The first candidate answering 200, parsed; other statuses move on to the next candidate. */
    private <T> T firstFound(String what, List<String> candidates, Map<String, Secret> headers,
                             BiFunction<String, String, T> parse) {
        return switch (lookup(what, candidates, headers)) {
            case Lookup.Found found -> parse.apply(found.body(), found.url());
            case Lookup.Missing missing -> throw missing.failure(what);
        };
    }

    /** What asking the candidates in order found: the first document answered with 200, or why none. */
    private sealed interface Lookup {
        record Found(String url, String body) implements Lookup {
        }

        /** @param everyCandidateAbsent every candidate answered 404: the document does not exist, nothing failed */
        record Missing(List<String> tried, boolean everyCandidateAbsent) implements Lookup {
            OAuthException failure(String what) {
                return new OAuthException(OAuthFailure.METADATA_NOT_FOUND, "no " + what + " found; tried "
                        + String.join(", ", tried));
            }
        }
    }

    private Lookup lookup(String what, List<String> candidates, Map<String, Secret> headers) {
        List<String> tried = new ArrayList<>();
        boolean absent = true;
        for (String url : candidates) {
            GuardedResponse response = get(what, url, headers);
            if (response.status() == 200) {
                return new Lookup.Found(url, response.contentAsString());
            }
            absent &= response.status() == 404;
            tried.add(url + " (HTTP " + response.status() + ")");
        }
        return new Lookup.Missing(tried, absent);
    }

    private GuardedResponse get(String what, String url, Map<String, Secret> headers) {
        try {
            return http.getJson(url, headers);
        } catch (EgressBlockedException e) {
            throw OAuthException.blocked("the " + what + " URL '" + url + "'", e);
        } catch (InterruptedException | InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new OAuthException(OAuthFailure.TRANSIENT, "interrupted while fetching " + what, e);
        } catch (IOException e) {
            EgressBlockedException blocked = EgressBlockedException.find(e);
            if (blocked != null) {
                throw OAuthException.blocked("the " + what + " URL '" + url + "'", blocked);
            }
            throw new OAuthException(OAuthFailure.TRANSIENT, "cannot fetch " + what + " from " + url, e);
        }
    }
}
