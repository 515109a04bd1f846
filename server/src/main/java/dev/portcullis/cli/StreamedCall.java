package dev.portcullis.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One tool call as a chat front end that can show a server's forms makes it: streamed
 * ({@code Accept: text/event-stream}) and declaring form elicitation in {@code clientCapabilities}, so
 * that what the server asks while the tool runs arrives as {@code input} events. The test user answers
 * each form at {@code POST /api/mcp/{server}/inputs/{inputId}} as a person who accepts it and leaves every
 * field as it is: {@code {"action": "accept", "content": {}}}, the form's defaults being the gateway's to
 * fill in (SEP-1034). A form the gateway refuses so (a required field without a default) is declined.
 * The outcome reads like the plain JSON call's: the {@code result} event is a 200 with the result, an
 * {@code error} event its error body with the status it names.
 */
final class StreamedCall {
    /** Forms only: the test user opens no URL for a server and approves no sampling. */
    static final Map<String, Object> CAPABILITIES = Map.of("elicitation", Map.of("form", Map.of()));
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long WITHIN_SECONDS = 120;

    /** What the call came to: a status and a JSON body, as a plain call's answer has them. */
    record Outcome(int status, String text) {
        JsonNode body() {
            try {
                return JSON.readTree(text);
            } catch (RuntimeException e) {
                return JSON.createObjectNode();
            }
        }
    }

    /** An API {@code POST} to a path of the gateway, carrying the test user's token. */
    interface Api {
        Request post(String path) throws Exception;
    }

    private final Api api;
    private final PrintWriter out;
    private final PrintWriter trace;

    /**
     * @param trace where to write each exchange, or null
     */
    StreamedCall(Api api, PrintWriter out, PrintWriter trace) {
        this.api = api;
        this.out = out;
        this.trace = trace;
    }

    /** Calls the tool at {@code path} and answers the server's forms until the call ends. */
    Outcome call(String path, String server, Map<String, Object> arguments) throws Exception {
        String body = JSON.writeValueAsString(Map.of("arguments", arguments, "clientCapabilities", CAPABILITIES));
        InputStreamResponseListener listener = new InputStreamResponseListener();
        api.post(path).headers(h -> h.put(HttpHeader.ACCEPT, "text/event-stream"))
                .body(new StringRequestContent("application/json", body)).timeout(WITHIN_SECONDS, TimeUnit.SECONDS).send(listener);
        traced("> POST " + path + " " + body);
        Response response = listener.get(WITHIN_SECONDS, TimeUnit.SECONDS);
        try (InputStream in = listener.getInputStream()) {
            String type = Optional.ofNullable(response.getHeaders().get(HttpHeader.CONTENT_TYPE)).orElse("");
            if (!type.startsWith("text/event-stream")) { // refused before the stream began: a plain error answer
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                traced("< " + response.getStatus() + " " + text);
                return new Outcome(response.getStatus(), text);
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String event = "message";
            StringBuilder data = new StringBuilder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        Optional<Outcome> done = event(event, data.toString(), server);
                        if (done.isPresent()) {
                            return done.get();
                        }
                    }
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = line.substring("event:".length()).trim();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring("data:".length()).stripLeading());
                }
            }
            return new Outcome(502, "{\"error\":\"STREAM_ENDED\",\"message\":\"the call's stream ended without a result\"}");
        }
    }

    /** One event: the call's end, or a question to answer (then the stream goes on). */
    private Optional<Outcome> event(String name, String data, String server) throws Exception {
        traced("< event: " + name + " " + data);
        JsonNode event = JSON.readTree(data);
        return switch (name) {
            case "result" -> Optional.of(new Outcome(200, data));
            case "error" -> Optional.of(new Outcome(event.path("status").asInt(502), data));
            case "input" -> {
                answer(server, event);
                yield Optional.empty();
            }
            default -> Optional.empty(); // progress and log messages
        };
    }

    /** Accepts a form with its defaults; declines one that cannot be accepted so; refuses anything else. */
    private void answer(String server, JsonNode input) throws Exception {
        String path = "/api/mcp/" + server + "/inputs/" + input.path("inputId").asString("");
        String method = input.path("method").asString("");
        out.println("the server asks: " + method + " " + input.path("params").path("message").asString(""));
        if (!method.equals("elicitation/create") || input.path("params").path("mode").asString("form").equals("url")) {
            send(path, Map.of("error", Map.of("code", -32601, "message", "The test user cannot answer " + method)));
            return;
        }
        ContentResponse accepted = send(path, Map.of("result", Map.of("action", "accept", "content", Map.of())));
        if (accepted.getStatus() == 204) {
            out.println("accepted the form with its defaults");
            return;
        }
        out.println("the form cannot be accepted as it is (" + accepted.getStatus() + "): declined");
        send(path, Map.of("result", Map.of("action", "decline")));
    }

    private ContentResponse send(String path, Map<String, Object> body) throws Exception {
        String json = JSON.writeValueAsString(body);
        ContentResponse r = api.post(path).body(new StringRequestContent("application/json", json))
                .timeout(60, TimeUnit.SECONDS).send();
        traced("> POST " + path + " " + json);
        traced("< " + r.getStatus() + " " + r.getContentAsString());
        return r;
    }

    private void traced(String line) {
        if (trace != null) {
            trace.println(line);
        }
    }
}
