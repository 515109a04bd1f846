package dev.portcullis.upstream;

import java.util.Map;
import java.util.Set;

/**
 * The requests an MCP server may send its client, which the gateway passes to the client whose call
 * caused them. The gateway declares the capabilities for all of them upstream, so a server may use
 * them during any front-door call; who has no client to ask gets the answer the specification
 * prescribes for a client without the capability.
 */
public final class ServerRequests {
    public static final String SAMPLING = "sampling/createMessage";
    public static final String ELICITATION = "elicitation/create";
    public static final String ROOTS = "roots/list";
    public static final Set<String> RELAYED = Set.of(SAMPLING, ELICITATION, ROOTS);

    private ServerRequests() {
    }

    /** The specification's error for a request whose capability the client lacks. */
    public static RpcError unsupported(String method) {
        return switch (method) {
            case ROOTS -> new RpcError(RpcError.METHOD_NOT_FOUND, "Client does not support roots");
            case SAMPLING -> new RpcError(RpcError.METHOD_NOT_FOUND, "Client does not support sampling");
            case ELICITATION -> new RpcError(RpcError.INVALID_PARAMS, "Client does not support elicitation");
            default -> new RpcError(RpcError.METHOD_NOT_FOUND, "Method not found: " + method);
        };
    }

    /** The elicitation mode a request asks for: {@code form} unless it says {@code url}. */
    public static String elicitationMode(Map<String, Object> params) {
        return "url".equals(params.get("mode")) ? "url" : "form";
    }
}
