package dev.portcullis.upstream;

import java.net.URI;
import java.time.Duration;

/**
 * The caller must authorize the gateway at the server first: the attempt has been started, and
 * this carries what the caller needs to finish it (LibreChat's {@code oauthRequired} shape).
 */
public final class OAuthRequiredException extends RuntimeException {
    private final String serverName;
    private final String flowId;
    private final URI authorizationUrl;
    private final Duration timeLeft;

    public OAuthRequiredException(String serverName, String flowId, URI authorizationUrl, Duration timeLeft) {
        super("MCP server '" + serverName + "' requires OAuth authentication; open the authorization URL to continue");
        this.serverName = serverName;
        this.flowId = flowId;
        this.authorizationUrl = authorizationUrl;
        this.timeLeft = timeLeft;
    }

    public String serverName() {
        return serverName;
    }

    public String flowId() {
        return flowId;
    }

    public URI authorizationUrl() {
        return authorizationUrl;
    }

    public Duration timeLeft() {
        return timeLeft;
    }
}
