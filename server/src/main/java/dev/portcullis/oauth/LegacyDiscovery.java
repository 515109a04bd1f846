package dev.portcullis.oauth;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.portcullis.config.Secret;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the authorization server of a server written to the 2025-03-26 revision, which publishes
 * no protected resource metadata. That revision's rules (§2.3): the authorization server is the MCP
 * server URL's origin, its path discarded; its RFC 8414 metadata is at
 * {@code {origin}/.well-known/oauth-authorization-server}, asked for with
 * {@code MCP-Protocol-Version}; when that answers 404 too, the endpoints are
 * {@code {origin}/authorize}, {@code /token} and {@code /register}.
 *
 * <p>Everything here stays on that one origin: the metadata request follows no redirect, and a
 * document naming another issuer is refused. Nothing but the origin's own answers can choose where
 * the user is sent and where codes and secrets go.
 */
final class LegacyDiscovery {
    /** The revision whose rules these are, sent as {@code MCP-Protocol-Version} with the metadata request. */
    static final String REVISION = "2025-03-26";
    static final String METADATA_PATH = "/.well-known/oauth-authorization-server";
    private static final Logger log = LoggerFactory.getLogger(LegacyDiscovery.class);

    private final OAuthHttp http;

    LegacyDiscovery(OAuthHttp http) {
        this.http = http;
    }

    record Found(AuthorizationServerMetadata server, Discovery.Source source) {
    }

    /**
     * @param server           the MCP server's canonical URI; only its origin is used
     * @param defaultEndpoints whether the 2025-03-26 default endpoints may stand in when the origin publishes no
     *                         metadata either (not for a server configured with other credentials: see {@link Discovery})
     */
    Found authorizationServer(ResourceUri server, Map<String, Secret> oauthHeaders, boolean defaultEndpoints) {
        String origin = server.origin();
        if (!AuthorizationUrls.secure(URI.create(origin))) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA, "the server at " + origin + " publishes no protected "
                    + "resource metadata, and its origin, which the 2025-03-26 rules make its authorization server, is not "
                    + "https (plain http is allowed only to loopback hosts)");
        }
        String url = origin + METADATA_PATH;
        HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, URI.create(url));
        request.setAccept("application/json");
        request.setHeader("MCP-Protocol-Version", REVISION);
        HTTPResponse response = NimbusCalls.send("the 2025-03-26 authorization server metadata request",
                http.sender(oauthHeaders), request);
        int status = response.getStatusCode();
        if (status == 200) {
            AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(response.getBody(), url);
            // RFC 8414 §3.3: the issuer is the one whose well-known URI this is. "https://host" and
            // "https://host/" both put the document here (SDK-built servers write the second).
            if (!metadata.issuer().equals(origin) && !metadata.issuer().equals(origin + "/")) {
                throw new OAuthException(OAuthFailure.ISSUER_MISMATCH, "the authorization server metadata at " + url
                        + " names the issuer '" + metadata.issuer() + "'; without protected resource metadata the "
                        + "authorization server can only be the server's own origin " + origin);
            }
            Discovery.requireSecureEndpoints(metadata);
            log.info("{} publishes no protected resource metadata; authorizing with the metadata of its origin "
                    + "(the 2025-03-26 rules)", origin);
            return new Found(metadata, Discovery.Source.LEGACY_METADATA);
        }
        if (status == 404 && !defaultEndpoints) {
            throw new OAuthException(OAuthFailure.METADATA_NOT_FOUND, "the server at " + origin + " publishes no OAuth "
                    + "metadata, and it is configured with an API key or headers and no oauth block, so its 401 is taken as "
                    + "a refused credential, not as OAuth: check the key (set requiresOAuth: true or an oauth block if the "
                    + "server does use OAuth by the 2025-03-26 rules)");
        }
        if (status == 404) {
            log.info("{} publishes neither protected resource nor authorization server metadata; using the 2025-03-26 "
                    + "default endpoints {}/authorize, /token and /register", origin, origin);
            return new Found(defaults(origin), Discovery.Source.LEGACY_DEFAULT_ENDPOINTS);
        }
        if (status >= 300 && status < 400) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA, "the authorization server metadata at " + url
                    + " answered with a redirect (HTTP " + status + "), which is not followed: without protected resource "
                    + "metadata the authorization server is the server's own origin");
        }
        throw new OAuthException(status >= 500 ? OAuthFailure.TRANSIENT : OAuthFailure.METADATA_NOT_FOUND,
                "no protected resource metadata (HTTP 404), and the authorization server metadata at " + url
                + " answered HTTP " + status + "; the 2025-03-26 default endpoints are used only after a 404");
    }

    /**
     * 2025-03-26 §2.3.3. PKCE S256 is assumed: that revision requires PKCE of every client and is built
     * on OAuth 2.1, whose authorization servers must support it, and there is no document that could
     * say otherwise. The client authentication method is RFC 8414's default, as for metadata without the field.
     */
    static AuthorizationServerMetadata defaults(String origin) {
        AuthorizationServerMetadata metadata = new AuthorizationServerMetadata(origin, origin + "/authorize",
                origin + "/token", Optional.of(origin + "/register"), Optional.empty(), List.of(), List.of("S256"),
                List.of(), false, false);
        Discovery.requireSecureEndpoints(metadata);
        return metadata;
    }
}
