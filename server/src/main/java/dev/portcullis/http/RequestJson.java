package dev.portcullis.http;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import io.javalin.http.Context;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/**
 * Reads every JSON request body of the API, refusing duplicate keys. Jackson keeps the last of
 * duplicates by default, while other parsers keep the first: a body such as
 * {@code {"url": "https://a", "url": "https://b"}} could mean one thing to a proxy or audit log in
 * front of the gateway and another to the gateway itself. Upstream MCP messages are read leniently
 * on purpose (the shared mapper is unchanged): the gateway is their only reader and re-serializes
 * what it relays, so no second reader can disagree, and a quirky server should not break.
 */
final class RequestJson {
    private final ObjectReader strict;
    private final ObjectReader lenient;

    RequestJson(ObjectMapper json) {
        this.lenient = json.reader();
        this.strict = json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    /** The body as a tree; an empty body reads as {@code {}}. */
    JsonNode tree(Context ctx) {
        String body = ctx.body();
        String text = body.isBlank() ? "{}" : body;
        try {
            return strict.readTree(text);
        } catch (JacksonException e) {
            throw duplicateOr(e, () -> lenient.readTree(text));
        }
    }

    /** A JSON text as maps, lists and scalars, read as strictly as a body (a key given twice is refused). */
    Object value(String text) {
        try {
            return strict.forType(Object.class).readValue(text);
        } catch (JacksonException e) {
            throw duplicateOr(e, () -> lenient.forType(Object.class).readValue(text));
        }
    }

    /** The body as maps, lists and scalars, in one pass (the tool-call hot path); empty is null. */
    Object value(Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) {
            return null;
        }
        try {
            return strict.forType(Object.class).readValue(body);
        } catch (JacksonException e) {
            throw duplicateOr(e, () -> lenient.forType(Object.class).readValue(body));
        }
    }

    /**
     * Jackson reports a duplicate key with the same exception type as a syntax error. What tells
     * them apart is the lenient parse: when it succeeds, the only rule broken was the duplicate.
     * (Only a refused body pays for the second parse.)
     */
    private static RuntimeException duplicateOr(JacksonException strictFailure, Runnable lenientParse) {
        try {
            lenientParse.run();
        } catch (JacksonException notJson) {
            return strictFailure; // malformed: answered INVALID_JSON by the exception handler
        }
        String at = strictFailure.processor() instanceof JsonParser parser
                ? parser.streamReadContext().pathAsPointer().toString() : "";
        return new GatewayException(ErrorCode.DUPLICATE_JSON_KEY, at.isEmpty()
                ? "The body has a key twice in the same object; send each key once"
                : "The key at '" + at + "' (a JSON pointer) appears twice in the same object; send each key once",
                at.isEmpty() ? Map.of() : Map.of("pointer", at), null);
    }
}
