package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.Secret;
import dev.portcullis.config.StorageSettings;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.oauth.dpop.DpopKey;
import dev.portcullis.oauth.dpop.DpopNonces;
import dev.portcullis.oauth.flow.Grant;
import dev.portcullis.oauth.flow.GrantOwner;
import dev.portcullis.oauth.flow.OAuthTokens;
import dev.portcullis.oauth.flow.TokenVault;
import dev.portcullis.store.Database;
import dev.portcullis.store.shared.SharedState;
import dev.portcullis.testing.TestConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 9449 §5 and §8 at the token endpoint: a proof with every token request (a grant's refresh uses
 * its own key), and one nonce round.
 */
class TokenClientDpopTest {
    private static final ResourceUri RESOURCE = ResourceUri.canonical("https://mcp.example.com/mcp");

    private final LoopbackHttp loopback = new LoopbackHttp();
    private final List<SignedJWT> proofs = new CopyOnWriteArrayList<>();
    private final HttpServer as;
    private final DpopKey key = DpopKey.generate(JWSAlgorithm.ES256);
    private final TokenClient tokens = new TokenClient(loopback.http, Clock.systemUTC(), new DpopNonces());
    private volatile Function<SignedJWT, String[]> answer; // {status, DPoP-Nonce or null, body}

    TokenClientDpopTest() throws IOException {
        as = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        as.createContext("/token", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String header = exchange.getRequestHeaders().getFirst("DPoP");
            SignedJWT proof;
            try {
                proof = SignedJWT.parse(header);
                if (!proof.verify(new DefaultJWSVerifierFactory().createJWSVerifier(proof.getHeader(),
                        proof.getHeader().getJWK().toECKey().toPublicKey()))) {
                    throw new IllegalStateException("bad signature");
                }
            } catch (Exception e) {
                throw new UncheckedIOException(new IOException(e));
            }
            proofs.add(proof);
            String[] reply = answer.apply(proof);
            if (reply[1] != null) {
                exchange.getResponseHeaders().add("DPoP-Nonce", reply[1]);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = reply[2].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Integer.parseInt(reply[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        as.start();
    }

    @AfterEach
    void close() throws Exception {
        as.stop(0);
        loopback.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + as.getAddress().getPort() + path;
    }

    private TokenSet refresh() {
        OAuthClient client = new OAuthClient(url("/"), "c1", Optional.empty(), ClientAuthMethod.NONE,
                OAuthClient.Source.DYNAMIC_REGISTRATION, "https://gw/cb");
        TokenEndpoint endpoint = new TokenEndpoint(url("/"), url("/token"), Optional.empty(), Optional.empty(), Map.of());
        return tokens.refresh(Secret.of("refresh-1"), RESOURCE, List.of("a"), client, endpoint, Optional.of(key));
    }

    private static String nonce(SignedJWT proof) {
        try {
            return proof.getJWTClaimsSet().getStringClaim("nonce");
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String ISSUED = "{\"access_token\":\"at-1\",\"token_type\":\"DPoP\",\"expires_in\":300}";
    private static final String USE_NONCE = "{\"error\":\"use_dpop_nonce\"}";

    @Test
    void theTokenRequestCarriesAProofOfTheGrantsKeyForTheTokenEndpoint() throws Exception {
        answer = proof -> new String[] {"200", null, ISSUED};

        TokenSet issued = refresh();

        assertThat(issued.tokenType()).isEqualTo("DPoP");
        SignedJWT proof = proofs.getFirst();
        assertThat(proof.getHeader().getType().toString()).isEqualTo("dpop+jwt");
        assertThat(proof.getHeader().getJWK().computeThumbprint().toString()).isEqualTo(key.thumbprint());
        assertThat(proof.getHeader().getJWK().isPrivate()).isFalse();
        assertThat(proof.getJWTClaimsSet().getStringClaim("htm")).isEqualTo("POST");
        assertThat(proof.getJWTClaimsSet().getStringClaim("htu")).isEqualTo(url("/token"));
    }

    @Test
    void useDpopNonceIsAnsweredOnceWithAFreshProofAndTheNonceIsKeptForNextTime() throws Exception {
        answer = proof -> "as-nonce-1".equals(nonce(proof)) ? new String[] {"200", null, ISSUED}
                : new String[] {"400", "as-nonce-1", USE_NONCE};

        refresh();
        assertThat(proofs).hasSize(2);
        assertThat(nonce(proofs.get(0))).isNull();
        assertThat(nonce(proofs.get(1))).isEqualTo("as-nonce-1");
        assertThat(proofs.get(1).getJWTClaimsSet().getJWTID()).isNotEqualTo(proofs.get(0).getJWTClaimsSet().getJWTID());

        refresh();
        assertThat(proofs).as("the kept nonce saves the round").hasSize(3);
        assertThat(nonce(proofs.get(2))).isEqualTo("as-nonce-1");
    }

    @Test
    void aDpopGrantIsRefreshedWithItsOwnKeyAndKeepsIt(@TempDir Path dir) throws Exception {
        answer = proof -> new String[] {"200", null, ISSUED};
        McpServerConfig files = TestConfigs.fromYaml("mcpServers:\n  files: {type: streamable-http, url: 'https://mcp.example.com/mcp',"
                + " requiresOAuth: true}\n", Path.of(".")).mcpServers().get("files");
        GrantOwner alice = new GrantOwner("t1", "alice", "files");
        try (Database db = Database.open(new StorageSettings("jdbc:h2:file:" + dir.resolve("db")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", Optional.empty(), Optional.empty(), 2, dir))) {
            TokenVault vault = new TokenVault(db.jdbi(), new SecretSealer(new byte[32], List.of()), Clock.systemUTC());
            vault.save(alice, new Grant(new TokenSet(Secret.of("old"), Optional.of(Secret.of("refresh-1")),
                    Optional.of(Instant.now().plusSeconds(5)), List.of("a"), "DPoP"),
                    new OAuthClient(url("/"), "c1", Optional.empty(), ClientAuthMethod.NONE, OAuthClient.Source.DYNAMIC_REGISTRATION,
                            "https://gw/cb"), url("/token"), Optional.empty(), RESOURCE, Instant.now(), files.credentialBinding(),
                    Optional.of(key)));
            OAuthTokens oauth = new OAuthTokens(vault, tokens, SharedState.memory(Clock.systemUTC()).locks(), Clock.systemUTC());

            Grant current = oauth.currentGrant(alice, files).orElseThrow();

            assertThat(current.tokens().accessToken().reveal()).isEqualTo("at-1");
            assertThat(proofs).singleElement().satisfies(p ->
                    assertThat(p.getHeader().getJWK().computeThumbprint().toString()).isEqualTo(key.thumbprint()));
            assertThat(vault.find(alice).orElseThrow().dpopKey()).hasValueSatisfying(k ->
                    assertThat(k.thumbprint()).isEqualTo(key.thumbprint()));
        }
    }

    @Test
    void aServerThatAsksForANewNonceEveryTimeIsNotChased() {
        int[] n = {0};
        answer = proof -> new String[] {"400", "as-nonce-" + (++n[0]), USE_NONCE};

        assertThatThrownBy(this::refresh).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.failure()).isEqualTo(OAuthFailure.TOKEN_REJECTED));
        assertThat(proofs).hasSize(2);
    }
}
