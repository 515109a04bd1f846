package dev.portcullis.testing;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * An MCP server on the session revisions inside the test, as a client transport: for unit tests of
 * the session and the tool service that need a server's behaviour but no process, socket or Node.
 * It answers {@code initialize}, and {@code tools/list} with its tools; what else it answers, a request
 * it should refuse, or a transport that should fail, is scripted per test ({@link Answer}). Every request it received is kept, in order.
 */
public final class InMemoryMcpServer implements McpClientTransport {
    public static final McpJsonMapper JSON = new JacksonMcpJsonMapper(JsonMapper.builder().build());

    /**
     * What a request gets: a result map, null for the default (initialize and tools/list answered, any other
     * request an error), or {@link SendFails} thrown to fail the send.
     */
    public interface Answer {
        Object answer(InMemoryMcpServer server, McpSchema.JSONRPCRequest request);
    }

    /** Thrown by an {@link Answer} to fail the send itself, as a transport would (HTTP 404 of a lost session, say). */
    public static final class SendFails extends RuntimeException {
        public final RuntimeException failure;

        public SendFails(RuntimeException failure) {
            super(failure);
            this.failure = failure;
        }
    }

    /** An {@link Answer} that leaves the request unanswered (the test answers, breaks or times it out). */
    public static final Object NO_ANSWER = new Object();

    private final List<Map<String, Object>> tools;
    private final Answer answer;
    private final List<McpSchema.JSONRPCRequest> received = new CopyOnWriteArrayList<>();
    private volatile Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler;
    private volatile Consumer<Throwable> exceptionHandler = t -> { };
    private volatile boolean closed;

    public InMemoryMcpServer(List<Map<String, Object>> tools, Answer answer) {
        this.tools = tools;
        this.answer = answer;
    }

    /** A tool named {@code name} whose arguments must be {@code {"text": string}}. */
    public static Map<String, Object> textTool(String name) {
        return Map.of("name", name, "description", "says the text back", "inputSchema", Map.of("type", "object",
                "properties", Map.of("text", Map.of("type", "string")), "required", List.of("text")));
    }

    /** A tool call's result with one text item. */
    public static Map<String, Object> text(String text) {
        return Map.of("content", List.of(Map.of("type", "text", "text", text)), "isError", false);
    }

    /** The methods of the requests received, in order. */
    public List<String> methods() {
        List<String> methods = new ArrayList<>();
        received.forEach(r -> methods.add(r.method()));
        return methods;
    }

    public List<McpSchema.JSONRPCRequest> received() {
        return received;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Sends a message from the server, as if it arrived on the connection. */
    public void send(McpSchema.JSONRPCMessage message) {
        handler.apply(Mono.just(message)).subscribe();
    }

    /** The connection breaks, as a child's exit or a reset socket would break it. */
    public void breakConnection(Throwable why) {
        closed = true;
        exceptionHandler.accept(why);
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        this.handler = handler;
        return Mono.empty();
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        this.exceptionHandler = handler;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        if (closed) {
            return Mono.error(new IllegalStateException("closed"));
        }
        if (!(message instanceof McpSchema.JSONRPCRequest request)) {
            return Mono.empty();
        }
        received.add(request);
        Object result;
        try {
            result = answer.answer(this, request);
            if (result == null) {
                result = switch (request.method()) {
                    case McpSchema.METHOD_INITIALIZE -> Map.of("protocolVersion",
                            ((Map<?, ?>) JSON.convertValue(request.params(), Map.class)).get("protocolVersion"),
                            "capabilities", Map.of("tools", Map.of()), "serverInfo", Map.of("name", "in-memory", "version", "1"));
                    case McpSchema.METHOD_TOOLS_LIST -> Map.of("tools", tools);
                    default -> throw new SendFails(new IllegalStateException("no answer scripted for " + request.method()));
                };
            }
        } catch (SendFails e) {
            return Mono.error(e.failure);
        }
        if (result == NO_ANSWER) {
            return Mono.empty();
        }
        McpSchema.JSONRPCResponse response = new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), result, null);
        // Answered from another thread, as a transport's reader would.
        Thread.ofVirtual().start(() -> send(response));
        return Mono.empty();
    }

    @Override
    public Mono<Void> closeGracefully() {
        closed = true;
        return Mono.empty();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return JSON.convertValue(data, typeRef);
    }
}
