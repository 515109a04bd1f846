package dev.portcullis.mcp;

import java.util.Map;

/** Where messages to an MCP client go: a POST's event stream, or the session's GET stream. */
public interface Sink {
    /** Sends one JSON-RPC message; false when the stream is gone. */
    boolean send(Map<String, Object> message);

    boolean isOpen();

    /** Ends the stream (the HTTP response completes). */
    void close();
}
