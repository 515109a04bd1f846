package dev.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A LibreChat token carries no role and no groups: the operator's mapping supplies them, in the verifier. */
class PrincipalMapperTest {
    private static final byte[] SECRET = TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private TokenVerifier verifier() {
        return TokenVerifier.sharedSecret(SECRET, TestConfigs.fromYaml("""
                auth:
                  secret: %s
                  admins: {ids: [6650a1b2c3d4e5f6a7b8c9d0]}
                  roles:
                    REVIEWER: {emails: [Rita@Example.com]}
                  groups:
                    research: {emails: [rita@example.com]}
                    everyone: {ids: [6650a1b2c3d4e5f6a7b8c9d0, rita-id]}
                """.formatted(TestConfigs.SECRET), dir).auth());
    }

    private static String librechatToken(String id, String email, Object... extra) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().claim("id", id).claim("username", "user-" + id)
                .claim("provider", "local").claim("email", email)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(900)));
        for (int i = 0; i < extra.length; i += 2) {
            claims.claim((String) extra[i], extra[i + 1]);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        jwt.sign(new MACSigner(SECRET));
        return jwt.serialize();
    }

    @Test
    void a_configured_admin_id_makes_a_librechat_user_an_admin() throws Exception {
        Caller caller = verifier().verify(librechatToken("6650a1b2c3d4e5f6a7b8c9d0", "ada@example.com"));
        assertThat(caller.isAdmin()).isTrue();
        assertThat(caller.groups()).containsExactly("everyone");
        assertThat(caller.username()).contains("user-6650a1b2c3d4e5f6a7b8c9d0");
        assertThat(caller.provider()).contains("local");
    }

    @Test
    void an_email_matches_in_any_case_and_groups_add_to_the_tokens() throws Exception {
        Caller caller = verifier().verify(librechatToken("rita-id", "RITA@example.COM", "groups", List.of("eng")));
        assertThat(caller.role()).isEqualTo("REVIEWER");
        assertThat(caller.groups()).containsExactly("eng", "research", "everyone");
    }

    @Test
    void a_configured_role_replaces_the_tokens_role_claim() throws Exception {
        assertThat(verifier().verify(librechatToken("rita-id", "rita@example.com", "role", "ADMIN")).role())
                .as("the operator named this user a reviewer").isEqualTo("REVIEWER");
    }

    @Test
    void someone_the_mapping_does_not_name_is_left_as_the_token_says() throws Exception {
        Caller caller = verifier().verify(librechatToken("bob-id", "bob@example.com"));
        assertThat(caller.role()).isEqualTo(Caller.USER);
        assertThat(caller.groups()).isEmpty();
        assertThat(verifier().verify(librechatToken("bob-id", "bob@example.com", "role", "ADMIN")).isAdmin()).isTrue();
    }
}
