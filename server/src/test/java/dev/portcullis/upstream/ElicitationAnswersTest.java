package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * SEP-1034 as the gateway applies it to a client's answer: an accepted form gets the defaults of the
 * fields it leaves out, and the whole content must then fit the requested schema.
 */
class ElicitationAnswersTest {
    /** The conformance suite's form (elicitation-sep1034-client-defaults), plus a required field and a multi-select. */
    private static final Map<String, Object> FORM = Map.of("message", "Your details", "requestedSchema", Map.of(
            "type", "object",
            "properties", Map.of(
                    "name", Map.of("type", "string", "default", "John Doe", "maxLength", 20),
                    "age", Map.of("type", "integer", "default", 30, "minimum", 0, "maximum", 150),
                    "score", Map.of("type", "number", "default", 95.5),
                    "status", Map.of("type", "string", "enum", List.of("active", "inactive", "pending"), "default", "active"),
                    "verified", Map.of("type", "boolean", "default", true),
                    "hero", Map.of("type", "string", "oneOf", List.of(Map.of("const", "hero-1", "title", "Superman"),
                            Map.of("const", "hero-2", "title", "Wonder Woman"))),
                    "tools", Map.of("type", "array", "items", Map.of("type", "string", "enum", List.of("Guitar", "Piano")),
                            "maxItems", 1, "default", List.of("Guitar")),
                    "email", Map.of("type", "string")),
            "required", List.of("email")));

    private static Map<String, Object> accept(Map<String, Object> content) {
        Map<String, Object> answer = new HashMap<>();
        answer.put("action", "accept");
        if (content != null) {
            answer.put("content", content);
        }
        return answer;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> content(Map<String, Object> params, Map<String, Object> answer) {
        return (Map<String, Object>) ElicitationAnswers.complete(ServerRequests.ELICITATION, params, answer).get("content");
    }

    @Test
    void an_accepted_form_gets_every_default_it_leaves_out_and_keeps_what_the_person_gave() {
        Map<String, Object> content = content(FORM, accept(Map.of("email", "a@example.com", "age", 41)));
        assertThat(content).containsEntry("email", "a@example.com").containsEntry("age", 41)
                .containsEntry("name", "John Doe").containsEntry("score", 95.5).containsEntry("status", "active")
                .containsEntry("verified", true).containsEntry("tools", List.of("Guitar"))
                .doesNotContainKey("hero"); // no default, not required: left out
    }

    @Test
    void accept_without_content_means_every_default() {
        Map<String, Object> optionalOnly = Map.of("requestedSchema", Map.of("type", "object", "properties",
                Map.of("name", Map.of("type", "string", "default", "John Doe"))));
        assertThat(content(optionalOnly, accept(null))).isEqualTo(Map.of("name", "John Doe"));
    }

    @Test
    void a_field_sent_as_null_counts_as_left_out() {
        Map<String, Object> given = new HashMap<>(Map.of("email", "a@example.com"));
        given.put("name", null);
        assertThat(content(FORM, accept(given))).containsEntry("name", "John Doe");
    }

    @Test
    void a_default_that_does_not_fit_its_own_field_is_not_passed_off_as_the_answer() {
        Map<String, Object> odd = Map.of("requestedSchema", Map.of("type", "object", "properties", Map.of(
                "status", Map.of("type", "string", "enum", List.of("a", "b"), "default", "c"),
                "nested", Map.of("type", "object", "default", Map.of("x", 1)),
                "count", Map.of("type", "integer", "default", 2.5))));
        assertThat(content(odd, accept(Map.of()))).isEmpty();
    }

    @Test
    void content_that_does_not_fit_the_form_is_refused_naming_each_field_but_never_the_value() {
        assertThatThrownBy(() -> content(FORM, accept(Map.of("age", "thirty", "status", "gone", "verified", "yes",
                "name", "a name much longer than twenty characters", "secret-field", Map.of("pin", "1234")))))
                .isInstanceOf(ElicitationAnswers.Invalid.class)
                .satisfies(e -> assertThat(((ElicitationAnswers.Invalid) e).problems()).containsExactlyInAnyOrder(
                        "'email' is required",
                        "'age' must be an integer, not a string",
                        "'status' must be one of \"active\", \"inactive\", \"pending\"",
                        "'verified' must be true or false, not a string",
                        "'name' must be at most 20 characters long",
                        "'secret-field' must be a string, number, boolean or list of strings, not an object"))
                .message().doesNotContain("thirty", "gone", "1234");
    }

    @Test
    void numbers_enums_of_consts_and_multi_selects_are_checked_too() {
        assertThatThrownBy(() -> content(FORM, accept(Map.of("email", "e", "age", 30.5))))
                .hasMessageContaining("'age' must be an integer, not a number");
        assertThatThrownBy(() -> content(FORM, accept(Map.of("email", "e", "age", 200))))
                .hasMessageContaining("'age' must be at most 150");
        assertThatThrownBy(() -> content(FORM, accept(Map.of("email", "e", "hero", "hero-9"))))
                .hasMessageContaining("'hero' must be one of \"hero-1\", \"hero-2\"");
        assertThatThrownBy(() -> content(FORM, accept(Map.of("email", "e", "tools", List.of("Drums")))))
                .hasMessageContaining("'tools' may hold only \"Guitar\", \"Piano\"");
        assertThatThrownBy(() -> content(FORM, accept(Map.of("email", "e", "tools", List.of("Guitar", "Piano")))))
                .hasMessageContaining("'tools' allows at most 1 choices");
        assertThatThrownBy(() -> content(FORM, accept(Map.of("email", "e", "score", true))))
                .hasMessageContaining("'score' must be a number, not a boolean");
        assertThat(content(FORM, accept(Map.of("email", "e", "age", 30.0, "hero", "hero-2")))).containsEntry("age", 30.0)
                .containsEntry("hero", "hero-2");
    }

    @Test
    void the_action_must_be_one_the_specification_knows_and_content_an_object() {
        assertThatThrownBy(() -> ElicitationAnswers.complete(ServerRequests.ELICITATION, FORM, Map.of("action", "approve")))
                .hasMessageContaining("'action' must be \"accept\", \"decline\" or \"cancel\"");
        assertThatThrownBy(() -> ElicitationAnswers.complete(ServerRequests.ELICITATION, FORM, Map.of("action", "accept",
                "content", "yes"))).hasMessageContaining("'content' must be an object");
    }

    @Test
    void declined_cancelled_url_and_other_answers_pass_unchanged() {
        Map<String, Object> declined = Map.of("action", "decline");
        assertThat(ElicitationAnswers.complete(ServerRequests.ELICITATION, FORM, declined)).isSameAs(declined);
        assertThat(ElicitationAnswers.complete(ServerRequests.ELICITATION, FORM, Map.of("action", "cancel")))
                .isEqualTo(Map.of("action", "cancel"));
        Map<String, Object> url = Map.of("mode", "url", "url", "https://example.com/x", "elicitationId", "e1", "message", "Go");
        assertThat(ElicitationAnswers.complete(ServerRequests.ELICITATION, url, Map.of("action", "accept")))
                .isEqualTo(Map.of("action", "accept"));
        Map<String, Object> sampled = Map.of("role", "assistant", "content", Map.of("type", "text", "text", "hi"));
        assertThat(ElicitationAnswers.complete(ServerRequests.SAMPLING, Map.of(), sampled)).isSameAs(sampled);
    }

    @Test
    void a_clients_answer_that_does_not_fit_reaches_the_server_as_the_sdks_invalid_params_error() {
        CallObserver client = new CallObserver() {
            @Override
            public void notification(String method, Map<String, Object> params) {
            }

            @Override
            public CompletableFuture<Map<String, Object>> ask(String method, Map<String, Object> params) {
                return CompletableFuture.completedFuture(accept(Map.of("age", "old")));
            }
        };
        assertThatThrownBy(() -> ElicitationAnswers.ask(client, ServerRequests.ELICITATION, FORM).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(RpcError.class)
                .satisfies(e -> assertThat(((RpcError) e).code()).isEqualTo(RpcError.INVALID_PARAMS))
                .hasMessageContaining("'age' must be an integer");
    }
}
