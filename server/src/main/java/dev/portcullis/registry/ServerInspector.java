package dev.portcullis.registry;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.identity.Caller;

/** Connects once to a server a user is adding or changing and reports what it found. */
public interface ServerInspector {
    /**
     * @throws InspectionFailed when the server cannot be reached or does not speak MCP; an OAuth
     *                          challenge is not a failure (the inspection says it requires OAuth)
     */
    Inspection inspect(McpServerConfig config, Caller caller);

    /** The server could not be inspected; the message says why without quoting its configuration. */
    final class InspectionFailed extends RuntimeException {
        public InspectionFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
