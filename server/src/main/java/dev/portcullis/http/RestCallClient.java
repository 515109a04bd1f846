package dev.portcullis.http;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.upstream.CallObserver;
import dev.portcullis.upstream.RpcError;
import dev.portcullis.upstream.ServerRequests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The caller of one streamed REST tool call, as the MCP server's side sees it: progress and log messages
 * become {@code progress} and {@code log} events, and what the server asks while the call runs (an
 * elicitation, a sampling request; from a 2026-07-28 server, each request of its {@code input_required})
 * becomes an {@code input} event, answered by {@code POST /api/mcp/{server}/inputs/{inputId}} — if the
 * caller declared it can answer it ({@code clientCapabilities} in the call's body, as MCP clients declare
 * theirs); what it did not declare gets the specification's "not supported" answer. An accepted form's
 * defaults are filled in, and its content checked, where the answer arrives ({@link CallInputs}).
 */
final class RestCallClient implements CallObserver, AutoCloseable {
    /** Where the call's events go; false when the caller is gone. */
    interface Events {
        boolean send(String event, Object data);
    }

    /** What a REST caller may declare: the MCP client capabilities the REST route can relay. */
    record Declared(boolean formElicitation, boolean urlElicitation, boolean sampling) {
        static final Declared NOTHING = new Declared(false, false, false);
        private static final Set<String> KNOWN = Set.of("elicitation", "sampling");

        boolean any() {
            return formElicitation || urlElicitation || sampling;
        }

        /** Reads {@code clientCapabilities} as MCP's {@code initialize} has it; an elicitation without modes is form. */
        static Declared from(Object given) {
            if (given == null) {
                return NOTHING;
            }
            if (!(given instanceof Map<?, ?> map)) {
                throw new GatewayException(ErrorCode.BAD_REQUEST, "'clientCapabilities' must be an object, e.g. "
                        + "{\"elicitation\": {\"form\": {}, \"url\": {}}, \"sampling\": {}}");
            }
            List<String> unknown = map.keySet().stream().map(String::valueOf).filter(k -> !KNOWN.contains(k)).sorted().toList();
            if (!unknown.isEmpty()) {
                throw new GatewayException(ErrorCode.BAD_REQUEST, "'clientCapabilities' may declare \"elicitation\" and "
                        + "\"sampling\", not " + String.join(", ", unknown));
            }
            boolean form = false;
            boolean url = false;
            if (map.get("elicitation") != null) {
                if (!(map.get("elicitation") instanceof Map<?, ?> modes)) {
                    throw new GatewayException(ErrorCode.BAD_REQUEST, "'clientCapabilities.elicitation' must be an object");
                }
                form = modes.isEmpty() || modes.containsKey("form");
                url = modes.containsKey("url");
            }
            if (map.get("sampling") != null && !(map.get("sampling") instanceof Map<?, ?>)) {
                throw new GatewayException(ErrorCode.BAD_REQUEST, "'clientCapabilities.sampling' must be an object");
            }
            return new Declared(form, url, map.get("sampling") != null);
        }

        boolean accepts(String method, Map<String, Object> params) {
            return switch (method) {
                case ServerRequests.ELICITATION -> "url".equals(ServerRequests.elicitationMode(params)) ? urlElicitation : formElicitation;
                case ServerRequests.SAMPLING -> sampling;
                default -> false;
            };
        }
    }

    private final Caller caller;
    private final String server;
    private final Declared declared;
    private final CallInputs inputs;
    private final Events events;
    /** The questions still waiting for the caller's answer. */
    private final Set<CallInputs.Input> asked = java.util.concurrent.ConcurrentHashMap.newKeySet();

    RestCallClient(Caller caller, String server, Declared declared, CallInputs inputs, Events events) {
        this.caller = caller;
        this.server = server;
        this.declared = declared;
        this.inputs = inputs;
        this.events = events;
    }

    @Override
    public void notification(String method, Map<String, Object> params) {
        switch (method) {
            case "notifications/progress" -> {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("progress", params.get("progress"));
                if (params.get("total") != null) {
                    event.put("total", params.get("total"));
                }
                if (params.get("message") != null) {
                    event.put("message", params.get("message"));
                }
                events.send("progress", event);
            }
            case "notifications/message" -> events.send("log", params);
            default -> {
            }
        }
    }

    @Override
    public boolean answersServerRequests() {
        return declared.any();
    }

    @Override
    public CompletableFuture<Map<String, Object>> ask(String method, Map<String, Object> params) {
        if (!declared.accepts(method, params)) {
            return CompletableFuture.failedFuture(ServerRequests.unsupported(method));
        }
        CallInputs.Input input;
        try {
            input = inputs.ask(caller, server, method, params);
        } catch (RpcError e) {
            return CompletableFuture.failedFuture(e);
        }
        asked.add(input);
        input.answer().whenComplete((r, e) -> asked.remove(input));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("inputId", input.id());
        event.put("method", method);
        event.put("params", params);
        if (!events.send("input", event)) {
            inputs.abandon(input); // nobody left to answer it
        }
        return input.answer();
    }

    /** The call ended: its unanswered questions are dropped. */
    @Override
    public void close() {
        asked.forEach(inputs::abandon);
    }
}
