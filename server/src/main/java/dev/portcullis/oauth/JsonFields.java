package dev.portcullis.oauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the few JSON shapes OAuth metadata uses, leniently: a field of the wrong type counts as absent. */
record JsonFields(JsonNode node) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The document as an object, or {@code INVALID_METADATA} naming what it was supposed to be. */
    static JsonFields parseObject(String body, String what) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA, what + " is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA, what + " is not a JSON object");
        }
        return new JsonFields(node);
    }

    Optional<String> string(String name) {
        JsonNode value = node.get(name);
        return value != null && value.isString() && !value.stringValue().isBlank()
                ? Optional.of(value.stringValue()) : Optional.empty();
    }

    List<String> strings(String name) {
        JsonNode value = node.get(name);
        List<String> out = new ArrayList<>();
        if (value != null && value.isArray()) {
            for (JsonNode item : value) {
                if (item.isString()) {
                    out.add(item.stringValue());
                }
            }
        }
        return List.copyOf(out);
    }

    boolean flag(String name) {
        JsonNode value = node.get(name);
        return value != null && value.isBoolean() && value.booleanValue();
    }
}
