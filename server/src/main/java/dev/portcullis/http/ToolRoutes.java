package dev.portcullis.http;

import dev.portcullis.upstream.UpstreamErrors;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.ToolKey;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.McpPermission;
import dev.portcullis.upstream.OAuthRequiredException;
import dev.portcullis.upstream.ProgressListener;
import dev.portcullis.upstream.ToolList;
import dev.portcullis.upstream.ToolService;
import dev.portcullis.store.UserVariables;
import io.javalin.http.Context;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.ObjectMapper;

/**
 * Listing and calling tools: {@code GET /api/mcp/tools}, {@code POST /api/mcp/{server}/tools/{tool}/call},
 * and answering what a server asks while a streamed call runs: {@code POST /api/mcp/{server}/inputs/{inputId}}.
 */
final class ToolRoutes {
    private static final long LISTING_BUDGET_SECONDS = 60;
    private static final Duration MAX_WAIT_FOR_AUTH = dev.portcullis.oauth.flow.OAuthFlows.PENDING_STALE;

    private final ToolService tools;
    private final UserVariables variables;
    private final Permissions permissions;
    private final ObjectMapper json;
    private final RequestJson bodies;
    private final CallInputs inputs;
    private final IdTokenHeader idTokens;

    ToolRoutes(ToolService tools, UserVariables variables, Permissions permissions, ObjectMapper json, RequestJson bodies,
               CallInputs inputs, IdTokenHeader idTokens) {
        this.inputs = inputs;
        this.idTokens = idTokens;
        this.tools = tools;
        this.variables = variables;
        this.permissions = permissions;
        this.json = json;
        this.bodies = bodies;
    }

    /** Every server's tools, listed concurrently; a server that fails is reported, not fatal. */
    void list(Context ctx) throws InterruptedException {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        Map<String, McpServerConfig> configs = tools.servers(caller);
        Map<String, Object> servers = new LinkedHashMap<>();
        // One budget for the whole listing, not one per server; a server still listing when it runs
        // out is reported without tools, and its listing is abandoned (not waited for).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LISTING_BUDGET_SECONDS);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Map<String, Future<Map<String, Object>>> futures = new LinkedHashMap<>();
            configs.forEach((name, config) -> futures.put(name, pool.submit(() -> serverEntry(caller, config))));
            for (Map.Entry<String, Future<Map<String, Object>>> f : futures.entrySet()) {
                try {
                    servers.put(f.getKey(), f.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    f.getValue().cancel(true);
                    servers.put(f.getKey(), base(configs.get(f.getKey()), caller));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        ctx.json(Map.of("servers", servers));
    }

    private Map<String, Object> serverEntry(Caller caller, McpServerConfig config) {
        Map<String, Object> entry = base(config, caller);
        try {
            ToolList list = tools.toolsForListing(caller, config.name());
            List<Map<String, Object>> items = new ArrayList<>();
            for (McpSchema.Tool t : list.tools()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("name", t.name());
                item.put("pluginKey", new ToolKey(t.name(), config.name()).key());
                item.put("description", t.description() == null ? "" : t.description());
                item.put("inputSchema", t.inputSchema());
                items.add(item);
            }
            entry.put("tools", items);
            list.truncated().ifPresent(bound -> entry.put("truncated", bound));
        } catch (RuntimeException e) {
            GatewayException g = UpstreamErrors.toGateway(e);
            entry.put("error", Map.of("error", g.code().name(), "message", g.getMessage()));
        }
        return entry;
    }

    /** The fields LibreChat's list has for every server, before its tools. */
    private Map<String, Object> base(McpServerConfig config, Caller caller) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", config.name());
        entry.put("icon", config.iconPath().orElse("")); // LibreChat's type: always a string
        Set<String> set = config.customUserVars().isEmpty() ? Set.of()
                : variables.namesWithValues(ToolService.owner(caller, config.name()));
        entry.put("authenticated", set.containsAll(config.customUserVars().keySet()));
        List<Map<String, Object>> authConfig = new ArrayList<>();
        config.customUserVars().forEach((name, v) -> {
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("authField", name);
            field.put("label", v.title());
            field.put("description", v.description().orElse(""));
            field.put("sensitive", v.sensitive());
            authConfig.add(field);
        });
        entry.put("authConfig", authConfig);
        entry.put("tools", List.of());
        return entry;
    }

    void call(Context ctx) throws IOException {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        String server = ctx.pathParam("server");
        String tool = ctx.pathParam("tool");
        idTokens.take(ctx, caller, () -> tools.server(caller, server));
        Map<String, Object> request = request(ctx);
        Map<String, Object> arguments = arguments(request);
        Duration wait = waitForAuth(request);
        RestCallClient.Declared declared = RestCallClient.Declared.from(request.get("clientCapabilities"));
        boolean stream = Optional.ofNullable(ctx.header("Accept")).orElse("").contains("text/event-stream");
        if (declared.any() && !stream) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "'clientCapabilities' needs 'Accept: text/event-stream': what "
                    + "the server asks comes as input events on the call's stream");
        }
        if (declared.any()) {
            answeringCall(ctx, caller, server, tool, arguments, wait, declared);
            return;
        }
        if (!stream) {
            McpSchema.CallToolResult result = invoke(caller, server, tool, arguments, Optional.empty(), wait);
            ctx.json(resultBody(result));
            return;
        }
        streamCall(ctx, caller, server, tool, arguments, wait);
    }

    /** Progress as SSE events while the call runs, then one {@code result} (or {@code error}) event. */
    private void streamCall(Context ctx, Caller caller, String server, String tool, Map<String, Object> arguments,
                            Duration wait) throws IOException {
        ctx.status(200).contentType("text/event-stream").header("Cache-Control", "no-cache");
        OutputStream out = ctx.res().getOutputStream();
        ProgressListener listener = (progress, total, message) -> writeEvent(out, "progress",
                progressEvent(progress, total, message));
        try {
            McpSchema.CallToolResult result = invoke(caller, server, tool, arguments, Optional.of(listener), wait);
            writeEvent(out, "result", resultBody(result));
        } catch (OAuthRequiredException e) {
            writeOAuthRequired(ctx, out, e);
        } catch (GatewayException e) {
            writeError(ctx, out, e);
        }
    }

    /**
     * A streamed call whose caller answers the server's questions: relayed with every field of the
     * result kept, its progress, log messages and questions ({@code input} events) on the stream.
     */
    private void answeringCall(Context ctx, Caller caller, String server, String tool, Map<String, Object> arguments,
                               Duration wait, RestCallClient.Declared declared) throws IOException {
        ctx.status(200).contentType("text/event-stream").header("Cache-Control", "no-cache");
        OutputStream out = ctx.res().getOutputStream();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", tool);
        params.put("arguments", arguments);
        params.put("_meta", Map.of("progressToken", "rest-call"));
        var keepalive = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
        try (RestCallClient client = new RestCallClient(caller, server, declared, inputs,
                (event, data) -> writeEvent(out, event, data))) {
            // While a person decides, the stream is silent: a comment now and then keeps proxies from cutting
            // it, and finds a caller who has gone (whose questions then need no answer).
            keepalive.scheduleAtFixedRate(() -> {
                if (!writeComment(out)) {
                    client.close();
                }
            }, KEEPALIVE.toMillis(), KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Object> result = tools.relayToolCallWaitingForAuthorization(caller, server, params, client, wait);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("content", result.get("content") == null ? List.of() : result.get("content"));
            if (result.get("structuredContent") != null) {
                body.put("structuredContent", result.get("structuredContent"));
            }
            body.put("isError", Boolean.TRUE.equals(result.get("isError")));
            writeEvent(out, "result", body);
        } catch (OAuthRequiredException e) {
            writeOAuthRequired(ctx, out, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writeError(ctx, out, new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "The gateway is shutting down"));
        } catch (dev.portcullis.upstream.RpcError e) {
            writeError(ctx, out, new GatewayException(ErrorCode.UPSTREAM_ERROR, "'" + server + "' answered tools/call with error "
                    + e.code() + ": " + e.getMessage()));
        } catch (GatewayException e) {
            writeError(ctx, out, e);
        } catch (RuntimeException e) {
            writeError(ctx, out, UpstreamErrors.toGateway(e));
        } finally {
            keepalive.shutdownNow();
        }
    }

    private static final Duration KEEPALIVE = Duration.ofSeconds(15);

    private static boolean writeComment(OutputStream out) {
        synchronized (out) {
            try {
                out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** The stream's {@code error} event for a call that needs the caller's authorization first (LibreChat's fields). */
    private void writeOAuthRequired(Context ctx, OutputStream out, OAuthRequiredException e) {
        Map<String, Object> body = new LinkedHashMap<>(UpstreamErrors.oauthFields(e));
        body.put("error", ErrorCode.OAUTH_REQUIRED.name());
        body.put("message", e.getMessage());
        body.put("status", ErrorCode.OAUTH_REQUIRED.status());
        body.put("requestId", RequestIds.of(ctx));
        writeEvent(out, "error", body);
    }

    /** The stream's {@code error} event: the error body plus its status. */
    private void writeError(Context ctx, OutputStream out, GatewayException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code().name());
        body.put("message", e.getMessage());
        body.put("status", e.status());
        body.put("requestId", RequestIds.of(ctx));
        writeEvent(out, "error", body);
    }

    /**
     * {@code POST /api/mcp/{server}/inputs/{inputId}}: the caller's answer to an {@code input} event of its
     * call — {@code {"result": {...}}} as MCP's answer to the request (for an elicitation
     * {@code {"action": "accept", "content": {...}}}), or {@code {"error": {"code": -1, "message": "..."}}}.
     */
    void answerInput(Context ctx) throws InterruptedException {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        Map<String, Object> body = request(ctx);
        List<String> stray = body.keySet().stream().filter(k -> !Set.of("result", "error").contains(k)).sorted().toList();
        boolean result = body.get("result") instanceof Map<?, ?>;
        boolean error = body.get("error") instanceof Map<?, ?> e && e.get("message") instanceof String
                && (e.get("code") == null || e.get("code") instanceof Integer);
        if (!stray.isEmpty() || result == error) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "Send {\"result\": {...}} with the answer to the request (for an "
                    + "elicitation {\"result\": {\"action\": \"accept\", \"content\": {...}}}), or {\"error\": {\"code\": -1, "
                    + "\"message\": \"...\"}} to refuse it");
        }
        CallInputs.Delivery delivery = inputs.answer(caller, ctx.pathParam("server"), ctx.pathParam("inputId"), body);
        switch (delivery.kind()) {
            case DELIVERED -> ctx.status(204);
            case REFUSED -> throw new GatewayException(ErrorCode.INVALID_INPUT_ANSWER, delivery.problem()
                    + ". The question is still waiting: answer again");
            case UNKNOWN -> throw new GatewayException(ErrorCode.NOT_FOUND, "No question with this id is waiting for your answer at '"
                    + ctx.pathParam("server") + "': it was answered, its call ended, or it expired after "
                    + CallInputs.ANSWER_WITHIN.toMinutes() + " minutes");
        }
    }

    /** Writes one event; false when the client went away (the call still completes upstream). */
    private boolean writeEvent(OutputStream out, String name, Object data) {
        return writeEvent(out, json, name, data);
    }

    /** A {@code progress} event's data: {@code {progress, total?, message?}}. */
    static Map<String, Object> progressEvent(Number progress, Number total, String message) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("progress", progress);
        if (total != null) {
            event.put("total", total);
        }
        if (message != null) {
            event.put("message", message);
        }
        return event;
    }

    /** One SSE event, its data as JSON; false once the caller has gone. */
    static boolean writeEvent(OutputStream out, ObjectMapper json, String name, Object data) {
        byte[] bytes = ("event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            try {
                out.write(bytes);
                out.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    private McpSchema.CallToolResult invoke(Caller caller, String server, String tool, Map<String, Object> arguments,
                                            Optional<ProgressListener> progress, Duration waitForAuth) {
        try {
            return tools.callWaitingForAuthorization(caller, server, tool, arguments, progress, waitForAuth);
        } catch (OAuthRequiredException e) {
            throw e; // answered with the browser binding by the exception handler
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "The gateway is shutting down");
        } catch (RuntimeException e) {
            throw UpstreamErrors.toGateway(e);
        }
    }

    /** {@code waitForAuthMs} in the body: how long a call may wait for the caller to finish authorizing. */
    private static Duration waitForAuth(Map<String, Object> request) {
        Object value = request.get("waitForAuthMs");
        if (value == null) {
            return Duration.ZERO;
        }
        if (!(value instanceof Number n) || n.longValue() < 0 || n.longValue() > MAX_WAIT_FOR_AUTH.toMillis()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "'waitForAuthMs' must be a number of milliseconds from 0 to "
                    + MAX_WAIT_FOR_AUTH.toMillis());
        }
        return Duration.ofMillis(n.longValue());
    }

    /** One parse straight into maps and lists: the hot path avoids a tree and a second conversion. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> request(Context ctx) {
        Object parsed = bodies.value(ctx);
        if (parsed == null) {
            return Map.of();
        }
        if (!(parsed instanceof Map<?, ?> request)) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "Send a JSON object: {\"arguments\": {...}}");
        }
        return (Map<String, Object>) request;
    }

    /** What the body may hold; anything else is most likely a tool parameter sent outside its wrapper. */
    private static final Set<String> BODY_FIELDS = Set.of("arguments", "waitForAuthMs", "clientCapabilities");
    private static final int NAMES_SHOWN = 3;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> arguments(Map<String, Object> request) {
        List<String> stray = request.keySet().stream().filter(k -> !BODY_FIELDS.contains(k)).sorted().toList();
        if (!stray.isEmpty()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, strayFields(stray, request.containsKey("arguments")));
        }
        Object args = request.get("arguments");
        if (args == null) {
            return Map.of();
        }
        if (!(args instanceof Map<?, ?> map)) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "'arguments' must be a JSON object of the tool's parameters");
        }
        return (Map<String, Object>) map;
    }

    /**
     * A call sent as {@code {"message": "hi"}} instead of {@code {"arguments": {"message": "hi"}}}
     * would otherwise reach the tool without its parameters and fail far from the cause. The
     * message shows the body to send, with the caller's own field names and no values.
     */
    private static String strayFields(List<String> stray, boolean hasArguments) {
        List<String> shown = stray.stream().limit(NAMES_SHOWN).map(ToolRoutes::quotedName).toList();
        String example = "{\"arguments\": {" + String.join(", ", shown.stream().map(n -> n + ": ...").toList())
                + (stray.size() > NAMES_SHOWN ? ", ..." : "") + "}}";
        String names = String.join(", ", shown) + (stray.size() > NAMES_SHOWN ? " and " + (stray.size() - NAMES_SHOWN) + " more" : "");
        return (hasArguments ? "Only \"arguments\", \"waitForAuthMs\" and \"clientCapabilities\" are read from the body, not " + names
                + "; move the tool's parameters into \"arguments\": "
                : "Put the tool's parameters under \"arguments\": ") + example;
    }

    /** A field name as JSON, cut short so a message stays a message. */
    private static String quotedName(String name) {
        String cut = name.length() > 40 ? name.substring(0, 40) + "..." : name;
        return "\"" + cut.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The answer LibreChat's callers read. Declared with the SDK's content type so each block keeps
     * its {@code type} discriminator when serialized.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CallResponse(List<McpSchema.Content> content, Object structuredContent, boolean isError) {
    }

    private static CallResponse resultBody(McpSchema.CallToolResult result) {
        return new CallResponse(result.content() == null ? List.of() : result.content(), result.structuredContent(),
                Boolean.TRUE.equals(result.isError()));
    }
}
