package dev.portcullis.console;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The console's "Add a server" form: what the person typed (the client secret is never shown back), turned
 * into the API's {@code config} object, and the API's problems put next to the fields they are about.
 *
 * @param errors each field's problem, by the form's field name; a problem about no field of the form is in
 *               {@code problem}
 */
public record ServerDraft(String title, String description, String url, String type, String clientId,
                          String authorizationUrl, String tokenUrl, Map<String, String> errors, String problem) {
    /** The transports a user server may use, as the form offers them. */
    public static final List<String> TYPES = List.of("streamable-http", "sse");
    /** The API's field (its dotted path in {@code config}) for each field of the form. */
    private static final Map<String, String> FIELDS = Map.of("config.title", "title", "config.description", "description",
            "config.url", "url", "config.type", "type", "config.oauth.client_id", "clientId",
            "config.oauth.client_secret", "clientSecret", "config.oauth", "oauth",
            "config.oauth.authorization_url", "authorizationUrl", "config.oauth.token_url", "tokenUrl");

    public static ServerDraft empty() {
        return new ServerDraft("", "", "", TYPES.getFirst(), "", "", "", Map.of(), "");
    }

    /** The form as posted; a field missing from it is empty. */
    public static ServerDraft of(Map<String, List<String>> form) {
        return new ServerDraft(first(form, "title"), first(form, "description"), first(form, "url"),
                Optional.of(first(form, "type")).filter(t -> !t.isEmpty()).orElse(TYPES.getFirst()), first(form, "clientId"),
                first(form, "authorizationUrl"), first(form, "tokenUrl"), Map.of(), "");
    }

    /** The secret is read from the form only when the config is made, so no draft ever holds it. */
    public ObjectNode config(ObjectMapper json, String clientSecret) {
        ObjectNode config = json.createObjectNode();
        config.put("title", title.strip());
        if (!description.isBlank()) {
            config.put("description", description.strip());
        }
        config.put("type", type);
        config.put("url", url.strip());
        if (!clientId.isBlank() || !clientSecret.isEmpty() || !authorizationUrl.isBlank() || !tokenUrl.isBlank()) {
            ObjectNode oauth = config.putObject("oauth");
            putIfGiven(oauth, "client_id", clientId.strip());
            putIfGiven(oauth, "client_secret", clientSecret);
            putIfGiven(oauth, "authorization_url", authorizationUrl.strip());
            putIfGiven(oauth, "token_url", tokenUrl.strip());
        }
        return config;
    }

    private static void putIfGiven(ObjectNode node, String field, String value) {
        if (!value.isEmpty()) {
            node.put(field, value);
        }
    }

    /**
     * The draft with the API's refusal shown: the zod-shaped issues of {@code INVALID_SERVER_CONFIG} and the
     * {@code field} of others (an address the egress policy refuses) go next to their fields, the rest on top.
     */
    public ServerDraft refusedWith(GatewayException refusal) {
        Map<String, String> byField = new LinkedHashMap<>();
        StringBuilder elsewhere = new StringBuilder();
        if (refusal.code() == ErrorCode.INVALID_SERVER_CONFIG && refusal.details().get("errors") instanceof List<?> issues) {
            for (Object issue : issues) {
                if (issue instanceof Map<?, ?> m) {
                    place(byField, elsewhere, String.valueOf(m.get("field")), String.valueOf(m.get("message")));
                }
            }
        } else {
            place(byField, elsewhere, String.valueOf(refusal.details().get("field")), refusal.getMessage());
        }
        return new ServerDraft(title, description, url, type, clientId, authorizationUrl, tokenUrl, byField,
                elsewhere.toString().strip());
    }

    private static void place(Map<String, String> byField, StringBuilder elsewhere, String apiField, String message) {
        String field = FIELDS.get(apiField);
        if (field != null) {
            byField.merge(field, message, (a, b) -> a + "; " + b);
        } else {
            elsewhere.append(apiField.equals("null") || apiField.equals("config") ? "" : apiField.replaceFirst("^config\\.", "")
                    + ": ").append(message).append(' ');
        }
    }

    public String error(String field) {
        return errors.getOrDefault(field, "");
    }

    private static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? "" : values.getFirst();
    }
}
