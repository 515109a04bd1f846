package dev.portcullis.upstream;

import java.util.Map;

/**
 * Hears what MCP servers announce outside any one request: list changes, resource updates, log
 * messages on a session's own stream, the completion of a URL elicitation.
 */
public interface UpstreamListener {
    void notification(ConnectionKey session, String method, Map<String, Object> params);
}
