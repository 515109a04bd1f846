package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerNamesTest {
    @Test
    void a_name_is_encoded_as_one_path_segment_that_is_also_a_cookie_name_token() {
        assertThat(ServerNames.encoded("Notion (work)")).isEqualTo("Notion%20%28work%29");
        assertThat(ServerNames.encoded("Bob's")).isEqualTo("Bob%27s");
        assertThat(ServerNames.encoded("日本")).isEqualTo("%E6%97%A5%E6%9C%AC");
        assertThat(ServerNames.encoded("a+b=c;d")).isEqualTo("a%2Bb%3Dc%3Bd");
        assertThat(ServerNames.encoded("files-2.v_1~x")).as("names of the old rule are unchanged").isEqualTo("files-2.v_1~x");
        // RFC 6265 cookie-name is an RFC 9110 token: '%' and the unreserved characters are all token characters.
        assertThat(ServerNames.encoded("Ünïcödé (β) 'x' \"y\"")).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    }

    @Test
    void an_emoji_is_a_letter_like_any_other_but_a_tag_character_hides_text() {
        assertThat(ServerNames.isValid("tools 🛠")).isTrue();
        assertThat(ServerNames.isValid("tools\uDB40\uDC01")).isFalse();
        assertThat(ServerNames.isValid("broken\uD800")).isFalse();
    }
}
