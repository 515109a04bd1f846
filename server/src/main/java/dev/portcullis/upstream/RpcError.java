package dev.portcullis.upstream;

import java.util.Optional;

/**
 * A JSON-RPC error answer, passed on as it was given: an MCP server's answer to a relayed request goes
 * to the client unchanged (its code included, {@code -32042} for URL elicitation among them), and a
 * client's answer to a server's request goes back to the server the same way.
 */
public final class RpcError extends RuntimeException {
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    public static final int INVALID_REQUEST = -32600;
    /** MCP 2025-11-25: the request needs the user to visit a URL first (URL-mode elicitation). */
    public static final int URL_ELICITATION_REQUIRED = -32042;

    private final int code;
    private final transient Object data;

    public RpcError(int code, String message, Object data) {
        super(message, null, false, false);
        this.code = code;
        this.data = data;
    }

    public RpcError(int code, String message) {
        this(code, message, null);
    }

    public int code() {
        return code;
    }

    public Optional<Object> data() {
        return Optional.ofNullable(data);
    }
}
