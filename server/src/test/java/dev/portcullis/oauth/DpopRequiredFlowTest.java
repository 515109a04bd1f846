package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.StorageSettings;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.oauth.flow.GrantOwner;
import dev.portcullis.oauth.flow.OAuthFlows;
import dev.portcullis.oauth.flow.TokenVault;
import dev.portcullis.store.Database;
import dev.portcullis.store.shared.SharedState;
import dev.portcullis.testing.TestConfigs;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code oauth.dpop: required} through the whole flow: the attempt asks with {@code dpop_jkt}, the
 * code is redeemed with a proof of that key, and a server that answers with a Bearer token anyway
 * gets no grant stored.
 */
class DpopRequiredFlowTest {
    @TempDir
    Path dir;

    @Test
    void aBearerTokenFromTheServerIsRefusedWhenDpopIsRequired() throws Exception {
        List<String> proofs = new CopyOnWriteArrayList<>();
        HttpServer as = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        as.createContext("/token", exchange -> {
            exchange.getRequestBody().readAllBytes();
            proofs.add(exchange.getRequestHeaders().getFirst("DPoP"));
            byte[] body = "{\"access_token\":\"plain\",\"token_type\":\"Bearer\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        as.start();
        String base = "http://127.0.0.1:" + as.getAddress().getPort();
        McpServerConfig config = TestConfigs.fromYaml("""
                mcpServers:
                  ledger:
                    type: streamable-http
                    url: %1$s/mcp
                    oauth: {dpop: required, client_id: portcullis, authorization_url: "%1$s/authorize", token_url: "%1$s/token",
                            code_challenge_methods_supported: [S256]}
                """.formatted(base), Path.of(".")).mcpServers().get("ledger");
        GrantOwner alice = new GrantOwner("", "alice", "ledger");
        try (LoopbackHttp loopback = new LoopbackHttp(); Database db = Database.open(new StorageSettings("jdbc:h2:file:"
                + dir.resolve("db") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", Optional.empty(), Optional.empty(), 2, dir))) {
            SecretSealer sealer = new SecretSealer(new byte[32], List.of());
            SharedState shared = SharedState.memory(Clock.systemUTC());
            TokenVault vault = new TokenVault(db.jdbi(), sealer, Clock.systemUTC());
            OAuthFlows flows = new OAuthFlows(new OAuthFlows.FlowStoreParts(shared.keyValues(), shared.pubSub(),
                    JsonMapper.builder().build()), new Discovery(loopback.http),
                    new ClientIdentities(loopback.http, new RegisteredClients(db.jdbi(), sealer, Clock.systemUTC()),
                            URI.create("http://localhost:3080")), new TokenClient(loopback.http, Clock.systemUTC()), vault, sealer,
                    Clock.systemUTC());

            OAuthFlows.Started started = flows.start(alice, config, Optional.empty());
            Map<String, String> query = Arrays.stream(started.authorizationUrl().getRawQuery().split("&")).map(p -> p.split("=", 2))
                    .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
            assertThat(query).containsKey("dpop_jkt");
            String binding = flows.bind(alice).orElseThrow();

            OAuthFlows.Outcome outcome = flows.complete("ledger", owner -> Optional.of(config),
                    Map.of("code", "code-1", "state", query.get("state")), Optional.of(binding), false);

            assertThat(outcome).isInstanceOf(OAuthFlows.Outcome.Failed.class);
            assertThat(vault.find(alice)).as("no Bearer grant where DPoP is required").isEmpty();
            assertThat(proofs).singleElement().satisfies(proof -> assertThat(
                    SignedJWT.parse(proof).getHeader().getJWK().computeThumbprint().toString()).isEqualTo(query.get("dpop_jkt")));
        } finally {
            as.stop(0);
        }
    }
}
