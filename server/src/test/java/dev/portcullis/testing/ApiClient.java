package dev.portcullis.testing;

import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.TokenMinter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Calls the gateway's API as a given user: a token minted with the test secret, JSON in and out. */
public final class ApiClient {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final Http http;
    private final PortcullisConfig config;

    public ApiClient(Http http, PortcullisConfig config) {
        this.http = http;
        this.config = config;
    }

    /**
     * Who calls: a user id, a role, the groups their token names and their tenant, if any; and what
     * a LibreChat token says about them (email, username, provider; name as an OpenID token would).
     */
    public record As(String userId, String role, List<String> groups, Optional<String> tenant, Optional<String> email,
                     java.util.Map<String, String> profile) {
        public As(String userId, String role, List<String> groups, Optional<String> tenant) {
            this(userId, role, groups, tenant, Optional.empty(), java.util.Map.of());
        }

        public static As user(String id, String... groups) {
            return new As(id, "USER", List.of(groups), Optional.empty());
        }

        public static As admin(String id) {
            return new As(id, "ADMIN", List.of(), Optional.empty());
        }

        public As inTenant(String tenantId) {
            return new As(userId, role, groups, Optional.of(tenantId), email, profile);
        }

        /** As LibreChat's token names a user: email, username and provider {@code local}, plus a display name. */
        public As named(String email, String username, String name) {
            return new As(userId, role, groups, tenant, Optional.of(email),
                    java.util.Map.of("username", username, "name", name, "provider", "local"));
        }

        /** With another role claim. */
        public As withRole(String newRole) {
            return new As(userId, newRole, groups, tenant, email, profile);
        }
    }

    public String token(As as) {
        return new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims(as.userId(), as.role(), as.email(), as.tenant(), as.groups(), as.profile(),
                        Duration.ofMinutes(10)));
    }

    public Request request(As as, String method, String path) {
        return http.request(path).method(method).timeout(60, TimeUnit.SECONDS).followRedirects(false)
                .headers(h -> h.put("Authorization", "Bearer " + token(as)));
    }

    public ContentResponse send(As as, String method, String path) {
        return Http.send(request(as, method, path));
    }

    public ContentResponse send(As as, String method, String path, String jsonBody) {
        return Http.send(request(as, method, path).body(new StringRequestContent("application/json", jsonBody)));
    }

    public static JsonNode json(ContentResponse r) {
        return JSON.readTree(r.getContentAsString());
    }
}
