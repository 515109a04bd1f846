package dev.portcullis.oauth;

import java.net.URI;
import dev.portcullis.config.ServerNames;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Client ID Metadata Document (MCP 2025-11-25 §Client ID Metadata Documents, checklist #17):
 * the client's {@code client_id} is the HTTPS URL this document is served at, one per MCP server
 * so that its only redirect URI is that server's callback. The HTTP route serving {@link #json()}
 * at {@link #url()} lives in the HTTP layer.
 */
public record ClientMetadataDocument(String url, String redirectUri, String json) {
    static final String CLIENT_NAME = "Portcullis";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static ClientMetadataDocument forServer(URI publicUrl, String serverName) {
        String url = base(publicUrl) + "/api/mcp/" + segment(serverName) + "/oauth/client-metadata.json";
        String redirectUri = redirectUri(publicUrl, serverName);
        // The document URL is the client_id exactly (checklist #17); a public client, so no secret.
        String json = JSON.writeValueAsString(Map.of(
                "client_id", url,
                "client_name", CLIENT_NAME,
                "redirect_uris", List.of(redirectUri),
                "grant_types", List.of("authorization_code", "refresh_token"),
                "response_types", List.of("code"),
                "token_endpoint_auth_method", ClientAuthMethod.NONE.value(),
                "application_type", "web"));
        return new ClientMetadataDocument(url, redirectUri, json);
    }

    /** {@code {publicUrl}/api/mcp/{server}/oauth/callback}, the one redirect URI of a server's clients. */
    public static String redirectUri(URI publicUrl, String serverName) {
        return base(publicUrl) + "/api/mcp/" + segment(serverName) + "/oauth/callback";
    }

    /** CIMD needs an HTTPS URL with a path (checklist #17); a plain-http gateway must register instead. */
    static boolean possibleFor(URI publicUrl) {
        return "https".equalsIgnoreCase(publicUrl.getScheme());
    }

    private static String base(URI publicUrl) {
        String s = publicUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Names may hold spaces, parentheses, any letter: written as one encoded path segment. */
    private static String segment(String serverName) {
        return ServerNames.encoded(serverName);
    }
}
