package dev.portcullis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AggregateNamesTest {
    @Test
    void plain_names_join_server_and_name() {
        assertThat(AggregateNames.name("everything", "echo")).isEqualTo("everything__echo");
        assertThat(AggregateNames.split("everything__echo")).hasValueSatisfying(p -> assertThat(p).containsExactly("everything", "echo"));
        assertThat(AggregateNames.split("github__list__issues")).hasValueSatisfying(p ->
                assertThat(p).containsExactly("github", "list__issues"));
    }

    @Test
    void names_that_would_be_ambiguous_invalid_or_long_are_hashed_and_still_valid() {
        String[][] cases = {{"Notion (work)", "search.pages"}, {"a__b", "c"}, {"日本", "ツール"},
                {"s".repeat(40), "t".repeat(40)}, {"a", "b/c"}};
        for (String[] c : cases) {
            String name = AggregateNames.name(c[0], c[1]);
            assertThat(name).as(String.join(" + ", c)).matches(AggregateNames.VALID).matches(".*_[0-9a-f]{8}");
            assertThat(AggregateNames.name(c[0], c[1])).as("stable").isEqualTo(name);
        }
        // "a__b" + "c" must not read back as "a" + "b__c", nor collide with it
        assertThat(AggregateNames.name("a__b", "c")).isNotEqualTo(AggregateNames.name("a", "b__c"));
        assertThat(AggregateNames.name("a", "b.c")).isNotEqualTo(AggregateNames.name("a", "b_c"));
    }

    @Test
    void resource_uris_carry_the_server_reversibly() {
        String uri = AggregateNames.resourceUri("Notion (work)", "file:///a/b?c=d#e");
        assertThat(uri).startsWith("portcullis://Notion%20%28work%29/");
        assertThat(AggregateNames.splitResourceUri(uri)).hasValueSatisfying(p ->
                assertThat(p).containsExactly("Notion (work)", "file:///a/b?c=d#e"));
        assertThat(AggregateNames.splitResourceUri(AggregateNames.resourceUri("a+b", "x://y"))).hasValueSatisfying(p ->
                assertThat(p[0]).isEqualTo("a+b"));
        assertThat(AggregateNames.splitResourceUri("file:///etc/passwd")).isEmpty();
        assertThat(AggregateNames.splitResourceUri("portcullis://server")).isEmpty();
    }

    @Test
    void cursors_round_trip_and_a_forged_one_is_refused() {
        AggregateCursor c = new AggregateCursor("everything", "");
        assertThat(AggregateCursor.parse(c.encode())).isEqualTo(c);
        AggregateCursor none = new AggregateCursor("everything", null);
        assertThat(AggregateCursor.parse(none.encode())).isEqualTo(none);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AggregateCursor.parse("!!"))
                .isInstanceOf(dev.portcullis.upstream.RpcError.class);
    }
}
