package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What an operator's {@code tools: {allow, deny}} lets through. */
class ToolPolicyTest {
    private static ToolPolicy allow(String... globs) {
        return new ToolPolicy(Optional.of(List.of(globs)), List.of());
    }

    private static ToolPolicy deny(String... globs) {
        return new ToolPolicy(Optional.empty(), List.of(globs));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
            "echo, echo, true",
            "echo, echo2, false",
            "echo, ech, false",
            "get-*, get-sum, true",
            "get-*, get-, true",
            "get-*, xget-sum, false",
            "*-sum, get-sum, true",
            "*, anything.at_all-9, true",
            "get-?um, get-sum, true",
            "get-?um, get-um, false",
            "get-?um, get-suum, false",
            "??, ab, true",
            "??, a, false",
            "*a*b, xxaxxbxxb, true",
            "*a*b, xxaxxbxxc, false",
            "a**b, ab, true",
            "Echo, echo, false",
            "get.sum, get-sum, false",
    })
    void globs_match_whole_names_with_star_and_question_mark(String glob, String name, boolean matches) {
        assertThat(ToolPolicy.matches(glob, name)).isEqualTo(matches);
    }

    @Test
    void without_allow_every_tool_is_allowed() {
        assertThat(ToolPolicy.ALL.permits("echo")).isTrue();
        assertThat(ToolPolicy.ALL.permitsEverything()).isTrue();
        assertThat(deny("gzip-*").permits("echo")).isTrue();
    }

    @Test
    void an_allow_list_lets_only_its_tools_through() {
        ToolPolicy policy = allow("echo", "get-s*");
        assertThat(policy.permits("echo")).isTrue();
        assertThat(policy.permits("get-sum")).isTrue();
        assertThat(policy.permits("get-env")).isFalse();
        assertThat(policy.permitsEverything()).isFalse();
    }

    @Test
    void deny_wins_over_allow() {
        ToolPolicy policy = new ToolPolicy(Optional.of(List.of("get-*")), List.of("get-env"));
        assertThat(policy.permits("get-sum")).isTrue();
        assertThat(policy.permits("get-env")).isFalse();
        assertThat(new ToolPolicy(Optional.of(List.of("*")), List.of("*")).permits("echo")).isFalse();
    }

    @Test
    void a_deny_list_alone_hides_what_it_names_and_nothing_else() {
        ToolPolicy policy = deny("gzip-file-as-resource", "get-e?v");
        assertThat(policy.permits("gzip-file-as-resource")).isFalse();
        assertThat(policy.permits("get-env")).isFalse();
        assertThat(policy.permits("get-sum")).isTrue();
        assertThat(policy.permitsEverything()).isFalse();
    }

    /** A regular expression, or naive recursion, of many stars backtracks for ages on a near miss. */
    @Test
    void matching_many_stars_against_a_near_miss_is_quick() {
        String glob = "*a*a*a*a*a*a*a*a*a*a*b";
        String name = "a".repeat(ToolNames.MAX_LENGTH);
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
            for (int i = 0; i < 100; i++) {
                assertThat(ToolPolicy.matches(glob, name)).isFalse();
            }
        });
    }

    @Test
    void patterns_that_could_match_no_tool_are_problems() {
        assertThat(ToolPolicy.problem("gzip-*")).isEmpty();
        assertThat(ToolPolicy.problem("?" + "x".repeat(ToolNames.MAX_LENGTH - 1) + "*")).isEmpty();
        assertThat(ToolPolicy.problem("")).hasValueSatisfying(m -> assertThat(m).contains("empty pattern"));
        assertThat(ToolPolicy.problem("fetch url")).hasValueSatisfying(m -> assertThat(m).contains("'*' and '?'"));
        assertThat(ToolPolicy.problem("a/b")).isPresent();
        assertThat(ToolPolicy.problem("[ab]")).as("no character classes").isPresent();
        assertThat(ToolPolicy.problem("x".repeat(ToolNames.MAX_LENGTH + 1))).hasValueSatisfying(m -> assertThat(m).contains("128"));
    }
}
