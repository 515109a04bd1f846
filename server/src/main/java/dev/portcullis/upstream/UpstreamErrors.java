package dev.portcullis.upstream;

import dev.portcullis.egress.BlockReason;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import java.util.Map;

/** Maps upstream failures, by kind, to the API's status codes and stable error codes. */
public final class UpstreamErrors {
    private UpstreamErrors() {
    }

    public static GatewayException toGateway(UpstreamException e) {
        return switch (e) {
            case UpstreamException.Unreachable u -> new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
                    u.getMessage() + "; " + whatToCheck(u.reason()), Map.of("reason", u.reason().name()), null);
            case UpstreamException.Timeout t -> new GatewayException(ErrorCode.UPSTREAM_TIMEOUT, t.getMessage()
                    + "; check that the server is healthy and not overloaded, or raise its 'timeout' ('initTimeout'"
                    + " for connecting), in milliseconds", Map.of("timeoutMs", t.after().toMillis()), null);
            // Fails closed in the egress guard, but it is not a policy refusal: the name does not resolve.
            case UpstreamException.Blocked b when b.reasonCode().equals(BlockReason.DNS_FAILURE.code()) ->
                    new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "The MCP server's host name did not resolve; "
                            + whatToCheck(UpstreamException.Unreachable.Reason.DNS_FAILURE),
                            Map.of("reason", BlockReason.DNS_FAILURE.code()), null);
            // The reason code, not the message: it names the host, which only editors of a server may see.
            case UpstreamException.Blocked b -> new GatewayException(ErrorCode.MCP_DOMAIN_NOT_ALLOWED,
                    "The server's address is not allowed by the gateway's egress policy (" + b.reasonCode()
                            + "); an administrator can check it with 'portcullis egress check'", Map.of("reason", b.reasonCode()), null);
            case UpstreamException.AuthorizationRequired a -> new GatewayException(ErrorCode.OAUTH_REQUIRED,
                    "The MCP server requires you to authorize the gateway first", Map.of("oauthRequired", true), null);
            case UpstreamException.SessionExpired s -> new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, s.getMessage());
            case UpstreamException.MessageTooLarge m -> new GatewayException(ErrorCode.UPSTREAM_ERROR, m.getMessage());
            case UpstreamException.ProtocolViolation p -> new GatewayException(ErrorCode.UPSTREAM_ERROR, p.getMessage());
            case UpstreamException.Cancelled c -> new GatewayException(ErrorCode.UPSTREAM_TIMEOUT, c.getMessage());
        };
    }

    /** What an operator or user can do about each reason a server could not be reached. */
    private static String whatToCheck(UpstreamException.Unreachable.Reason reason) {
        return switch (reason) {
            case CONNECTION_REFUSED -> "check that the server is running and that the host and port in its URL are right";
            case DNS_FAILURE -> "check the spelling of the host in its URL, and that the gateway's DNS can resolve it";
            case NO_ROUTE -> "check the host in its URL and the network (firewall, routes) between the gateway and the server";
            case TLS_FAILURE -> "check that the URL's scheme matches the server (https:// only for a TLS port) and that its"
                    + " certificate is valid for its host name and trusted by the gateway's Java runtime";
            case CONNECTION_LOST -> "the server or a proxy in between closed the connection; check the server's logs";
            case OTHER -> "check that the server is running and reachable from the gateway";
        };
    }

    public static GatewayException toGateway(MissingUserVariablesException e) {
        return new GatewayException(ErrorCode.MISSING_USER_VARS, e.getMessage(),
                Map.of("serverName", e.serverName(), "missingUserVars", e.missing()), null);
    }

    /** LibreChat's {@code oauthRequired} answer: the URL to open, the flow to watch, the time left. */
    public static GatewayException toGateway(OAuthRequiredException e) {
        return new GatewayException(ErrorCode.OAUTH_REQUIRED, e.getMessage(), oauthFields(e), null);
    }

    public static Map<String, Object> oauthFields(OAuthRequiredException e) {
        return Map.of("oauthRequired", true, "oauthUrl", e.authorizationUrl().toString(), "flowId", e.flowId(),
                "oauthTimeout", e.timeLeft().toMillis(), "serverName", e.serverName());
    }

    /** Any failure of the tool flow as the API reports it. */
    public static GatewayException toGateway(RuntimeException e) {
        return switch (e) {
            case GatewayException g -> g;
            case UpstreamException u -> toGateway(u);
            case MissingUserVariablesException m -> toGateway(m);
            case OAuthRequiredException o -> toGateway(o);
            default -> throw e;
        };
    }

    /**
     * A failure in one line for the admin pages: the API's code and message, and nothing else the exception carries
     * (a failure the API does not map is named by its type only).
     */
    public static String summary(RuntimeException e) {
        if (e instanceof GatewayException || e instanceof UpstreamException || e instanceof MissingUserVariablesException
                || e instanceof OAuthRequiredException) {
            GatewayException g = toGateway(e);
            return g.code().name() + ": " + g.getMessage();
        }
        return ErrorCode.INTERNAL_ERROR.name() + ": " + e.getClass().getSimpleName();
    }
}
