package dev.portcullis.oauth;

import dev.portcullis.testing.SdkDemoServer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.Secret;
import dev.portcullis.config.StorageSettings;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import dev.portcullis.store.Database;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole client side of MCP authorization against the TypeScript SDK's OAuth demo in strict
 * mode: a 401 → discovery from its challenge → dynamic registration → authorization with PKCE →
 * code exchange with {@code resource} → an authenticated {@code initialize} that succeeds.
 */
class SdkDemoFlowTest {
    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},\
            "clientInfo":{"name":"portcullis-test","version":"0"}}}""";

    @TempDir
    Path dataDir;

    @Test
    void from_a_401_to_an_authorized_initialize() throws Exception {
        try (SdkDemoServer demo = new SdkDemoServer(); LoopbackHttp loopback = new LoopbackHttp();
             Database database = Database.open(new StorageSettings("jdbc:h2:file:" + dataDir.resolve("db")
                     + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", Optional.empty(), Optional.empty(), 2, dataDir))) {
            ContentResponse unauthorized = initialize(loopback, demo.mcpUrl(), Optional.empty());
            assertThat(unauthorized.getStatus()).isEqualTo(401);
            BearerChallenge challenge = WwwAuthenticate.bearer(unauthorized.getHeaders().getValuesList("WWW-Authenticate"))
                    .orElseThrow();

            Discovery.Discovered found = new Discovery(loopback.http).discover(demo.mcpUrl(), challenge, Map.of());
            assertThat(found.resource().value()).isEqualTo(demo.mcpUrl());
            assertThat(found.server().issuer()).isEqualTo("http://localhost:" + demo.authPort + "/");

            RegisteredClients store = new RegisteredClients(database.jdbi(), new SecretSealer(new byte[32], List.of()),
                    Clock.systemUTC());
            OAuthClient client = new ClientIdentities(loopback.http, store, URI.create("http://localhost:3080"))
                    .resolve(new ClientIdentities.Request("", "demo", Optional.empty(), found.server(), Map.of()));
            assertThat(client.source()).isEqualTo(OAuthClient.Source.DYNAMIC_REGISTRATION);

            List<String> scopes = Scopes.initial(challenge, Optional.empty(), found.resourceScopes(), found.server());
            assertThat(scopes).containsExactly("mcp:tools");
            AuthorizationRequest pending = AuthorizationRequests.create(new AuthorizationRequests.Params(found.server(),
                    client, found.resource(), scopes, Optional.empty()));
            Secret code = AuthorizationCallback.code(pending, Authorize.callbackParams(loopback.client, pending));

            TokenSet tokens = new TokenClient(loopback.http, Clock.systemUTC())
                    .exchange(pending, code, client, TokenEndpoint.of(found.server(), Optional.empty(), Map.of()));

            ContentResponse authorized = initialize(loopback, demo.mcpUrl(), Optional.of(tokens.accessToken()));
            assertThat(authorized.getStatus()).isEqualTo(200);
            assertThat(authorized.getContentAsString()).contains("\"serverInfo\"");
        }
    }

    private static ContentResponse initialize(LoopbackHttp loopback, String url, Optional<Secret> token) throws Exception {
        var request = GuardedHttpClients.newRequest(loopback.client, EgressTarget.parse(url), EgressContext.MCP)
                .method("POST").timeout(10, TimeUnit.SECONDS)
                .headers(h -> h.put("Accept", "application/json, text/event-stream"))
                .body(new StringRequestContent("application/json", INITIALIZE));
        token.ifPresent(t -> request.headers(h -> h.put("Authorization", "Bearer " + t.reveal())));
        return request.send();
    }
}
