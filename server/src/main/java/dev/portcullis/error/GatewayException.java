package dev.portcullis.error;

import java.util.Map;

/**
 * A failure with a code, a message that tells the caller what to fix, and optional extra fields
 * (LibreChat's response shapes sometimes carry more than a message). Messages must never contain
 * a secret: they are returned to callers and logged.
 */
public class GatewayException extends RuntimeException {
    private final ErrorCode code;
    private final Map<String, Object> details;

    public GatewayException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public GatewayException(ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = Map.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return code.status();
    }

    public Map<String, Object> details() {
        return details;
    }
}
