package dev.portcullis.upstream;

import java.util.Map;

/**
 * Hears what MCP servers announce outside any one request: list changes, resource updates, log
 * messages on a session's own stream, the completion of a URL elicitation.
 */
public interface UpstreamListener {
    void notification(ConnectionKey session, String method, Map<String, Object> params);

    /**
     * The client to ask when a user's own connection makes a request outside any call of theirs (a
     * server asks for the roots when it starts): that user's client, if they have one.
     */
    default java.util.Optional<CallObserver> clientOf(ConnectionKey session) {
        return java.util.Optional.empty();
    }
}
