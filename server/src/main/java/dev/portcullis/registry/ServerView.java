package dev.portcullis.registry;

import dev.portcullis.config.McpServerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A server as the API shows it (LibreChat's redacted config): never headers, env, args, keys or
 * client secrets; the URL and OAuth endpoints only to callers who may edit the server, because a
 * URL can carry a tenant name or a token in its query. Fields LibreChat has keep LibreChat's types
 * ({@code capabilities} as JSON text, {@code tools} as comma-separated names, times as epoch
 * milliseconds); what Portcullis adds sits under names LibreChat does not use ({@code inspection},
 * {@code serverInfo}, {@code author}, {@code version}, {@code permissionBits}).
 */
public final class ServerView {
    private ServerView() {
    }

    /** The view for one caller: what they may edit decides whether URLs are shown. */
    public static Map<String, Object> of(RegisteredServer server, tools.jackson.databind.ObjectMapper json) {
        boolean canEdit = dev.portcullis.access.PermissionBits.has(server.permissionBits(), dev.portcullis.access.PermissionBits.EDIT);
        Map<String, Object> view = of(server.config(), canEdit);
        server.stored().ifPresent(s -> {
            view.remove("startup");
            view.put("requiresOAuth", s.inspection().requiresOAuth());
            view.put("source", "user");
            view.put("dbId", s.id());
            view.put("author", s.authorId());
            view.put("version", s.version());
            view.put("createdAt", s.createdAt().toEpochMilli());
            view.put("updatedAt", s.updatedAt().toEpochMilli());
            s.inspection().serverName().ifPresent(n -> {
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("name", n);
                s.inspection().serverVersion().ifPresent(v -> info.put("version", v));
                view.put("serverInfo", info);
            });
            if (s.inspection().connected()) {
                view.put("capabilities", json.writeValueAsString(s.inspection().capabilities()));
                view.put("tools", String.join(", ", s.inspection().tools()));
            }
            Map<String, Object> inspection = new LinkedHashMap<>();
            inspection.put("connected", s.inspection().connected());
            inspection.put("capabilities", s.inspection().capabilities());
            inspection.put("tools", s.inspection().tools());
            view.put("inspection", inspection);
            view.put("permissionBits", server.permissionBits());
        });
        return view;
    }

    public static Map<String, Object> of(McpServerConfig c, boolean canEdit) {
        Map<String, Object> view = new LinkedHashMap<>();
        c.type().ifPresent(t -> view.put("type", t.configName()));
        c.title().ifPresent(t -> view.put("title", t));
        c.description().ifPresent(d -> view.put("description", d));
        c.iconPath().ifPresent(i -> view.put("iconPath", i));
        view.put("startup", c.startup());
        view.put("chatMenu", c.chatMenu());
        c.requiresOAuth().ifPresent(r -> view.put("requiresOAuth", r));
        if (!c.customUserVars().isEmpty()) {
            Map<String, Object> vars = new LinkedHashMap<>();
            c.customUserVars().forEach((name, v) -> {
                Map<String, Object> spec = new LinkedHashMap<>();
                spec.put("title", v.title());
                v.description().ifPresent(d -> spec.put("description", d));
                spec.put("sensitive", v.sensitive());
                vars.put(name, spec);
            });
            view.put("customUserVars", vars);
        }
        c.apiKey().ifPresent(k -> view.put("apiKey", Map.of("source", k.source().name().toLowerCase(java.util.Locale.ROOT),
                "authorization_type", k.authorizationType().name().toLowerCase(java.util.Locale.ROOT))));
        if (canEdit) {
            c.url().ifPresent(u -> view.put("url", u));
            c.oauth().ifPresent(o -> {
                Map<String, Object> oauth = new LinkedHashMap<>();
                o.authorizationUrl().ifPresent(u -> oauth.put("authorization_url", u));
                o.tokenUrl().ifPresent(u -> oauth.put("token_url", u));
                o.clientId().ifPresent(id -> oauth.put("client_id", id));
                o.scope().ifPresent(s -> oauth.put("scope", s));
                o.revocationEndpoint().ifPresent(u -> oauth.put("revocation_endpoint", u));
                view.put("oauth", oauth);
            });
        }
        view.put("source", "yaml");
        return view;
    }
}
