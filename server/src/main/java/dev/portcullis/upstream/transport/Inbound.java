package dev.portcullis.upstream.transport;

import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The receiving half every transport shares: decodes JSON-RPC text and hands each message to the SDK's handler
 * in arrival order (progress before the result it precedes). This is the Reactor boundary on the way in.
 */
final class Inbound {

    private static final Logger log = LoggerFactory.getLogger(Inbound.class);
    private static final TypeRef<List<Map<String, Object>>> BATCH = new TypeRef<>() {
    };

    private final McpJsonMapper json;
    private volatile Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler = Function.identity();

    Inbound(McpJsonMapper json) {
        this.json = json;
    }

    void handler(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        this.handler = handler;
    }

    JSONRPCMessage decode(String text) {
        try {
            return McpSchema.deserializeJsonRpcMessage(json, text);
        } catch (IOException | IllegalArgumentException e) {
            throw new UpstreamException.ProtocolViolation("the MCP server sent a message that is not JSON-RPC", e);
        }
    }

    /** A JSON answer: one message, or a batch (protocol 2025-03-26 allowed servers to answer with an array). */
    List<JSONRPCMessage> decodeBody(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (!text.startsWith("[")) {
            return List.of(decode(text));
        }
        try {
            List<JSONRPCMessage> messages = new ArrayList<>();
            for (Map<String, Object> element : json.readValue(text, BATCH)) {
                messages.add(decode(json.writeValueAsString(element)));
            }
            return messages;
        } catch (IOException e) {
            throw new UpstreamException.ProtocolViolation("the MCP server sent a batch that is not JSON-RPC", e);
        }
    }

    byte[] encode(JSONRPCMessage message, int maxBytes) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new UpstreamException.ProtocolViolation("a message could not be encoded as JSON", e);
        }
        if (bytes.length > maxBytes) {
            throw new UpstreamException.MessageTooLarge("the outgoing message exceeded " + maxBytes + " bytes");
        }
        return bytes;
    }

    /** Runs the SDK's handler to completion on the calling (virtual) thread, so messages stay in order. */
    void deliver(JSONRPCMessage message) {
        try {
            handler.apply(Mono.just(message)).block();
        } catch (RuntimeException e) {
            log.warn("the MCP client failed to handle an incoming {}", message.getClass().getSimpleName(), e);
        }
    }

    /** Whether the message answers the request with this id (ids compare by text: 7 and "7" are one id). */
    static boolean answers(JSONRPCMessage message, Object requestId) {
        return requestId != null && message instanceof McpSchema.JSONRPCResponse response
                && response.id() != null && String.valueOf(response.id()).equals(String.valueOf(requestId));
    }

    <T> T unmarshal(Object data, TypeRef<T> type) {
        return json.convertValue(data, type);
    }
}
