package dev.portcullis.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The MCP front door ({@code /mcp} and {@code /mcp/{server}}), section {@code mcpEndpoint}.
 *
 * @param enabled              whether the endpoints are served at all
 * @param allowedOrigins       browser origins ({@code Origin} header) that may call the endpoints; a request
 *                             without an {@code Origin} (every non-browser client) is not affected
 * @param allowedHosts         {@code Host} header values accepted besides {@code server.publicUrl}'s host and the
 *                             loopback names (DNS-rebinding protection); {@code *} accepts any
 * @param authorizationServers issuers named in the protected-resource metadata; {@code auth.issuer} when empty
 * @param scopes               scopes named in the protected-resource metadata
 * @param serviceCredentials   platforms (LibreChat with its own login) that may say which of their users a
 *                             request is for, on the MCP endpoints only
 */
public record McpEndpointSettings(boolean enabled, Set<String> allowedOrigins, Set<String> allowedHosts,
                                  List<URI> authorizationServers, List<String> scopes,
                                  List<ServiceCredential> serviceCredentials) {
    public static final McpEndpointSettings DEFAULTS = new McpEndpointSettings(true, Set.of(), Set.of(), List.of(),
            List.of(), List.of());

    public McpEndpointSettings {
        allowedOrigins = Set.copyOf(allowedOrigins);
        allowedHosts = Set.copyOf(allowedHosts);
        authorizationServers = List.copyOf(authorizationServers);
        scopes = List.copyOf(scopes);
        serviceCredentials = List.copyOf(serviceCredentials);
    }

    /**
     * A platform's key, with which it may act for any of its users at the MCP endpoints (never as an
     * admin, never at the REST API).
     *
     * @param tenant the tenant its users belong to; none for a single-tenant deployment
     */
    public record ServiceCredential(String name, Secret key, Optional<String> tenant) {
    }

    /** The origin ({@code scheme://host[:port]}, lower case) of a URL, as browsers send it in {@code Origin}. */
    public static String originOf(URI uri) {
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(java.util.Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
