package dev.portcullis.http;

import dev.portcullis.access.PermissionBits;
import dev.portcullis.config.McpServerConfig;
import dev.portcullis.console.ServerCard;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.McpPermission;
import dev.portcullis.registry.RegisteredServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A server's card as one person sees it: the same state the API's status routes report, the facts of its
 * configuration a person needs, and which of their own values it still lacks.
 */
final class ConsoleCards {
    private final ConnectionRoutes connections;
    private final Permissions permissions;

    ConsoleCards(ConnectionRoutes connections, Permissions permissions) {
        this.connections = connections;
        this.permissions = permissions;
    }

    ServerCard of(Caller caller, RegisteredServer server, String message) {
        McpServerConfig config = server.config();
        ConnectionRoutes.Status status = connections.statusOf(caller, config);
        String stateLabel = switch (status.connection()) {
            case CONNECTED -> "Connected";
            case CONNECTING -> "Connecting";
            case DISCONNECTED -> "Not connected";
            case ERROR -> "Failing";
        };
        String authorization = switch (status.authorization()) {
            case "not_required" -> "Not needed";
            case "authorized" -> "Authorized";
            case "authorizing" -> "Authorization under way";
            default -> "Needs your authorization";
        };
        String kind = config.url().isPresent() ? "Remote (" + config.type().map(t -> t.name().toLowerCase(Locale.ROOT)
                .replace('_', '-')).orElse("http") + ")" : "Local process";
        boolean authorized = "authorized".equals(status.authorization());
        boolean canConnect = status.requiresOAuth() && !authorized && config.url().isPresent();
        boolean mayShare = server.isUserManaged() && (server.permissionBits() & PermissionBits.SHARE) != 0
                && permissions.allows(caller, McpPermission.SHARE);
        String icon = config.iconPath().filter(ConsoleCards::isInlineImage).orElse("");
        return new ServerCard(config.name(), config.title().orElse(config.name()), config.description().orElse(""), icon,
                status.connection().wireName(), stateLabel, authorization, kind, canConnect, authorized, caller.userId(),
                variables(caller, config), mayShare, message);
    }

    private List<ServerCard.Variable> variables(Caller caller, McpServerConfig config) {
        if (config.customUserVars().isEmpty()) {
            return List.of();
        }
        Set<String> set = connections.valuesSet(caller, config);
        List<ServerCard.Variable> variables = new ArrayList<>();
        config.customUserVars().forEach((name, v) -> variables.add(new ServerCard.Variable(name, v.title(),
                v.description().orElse(""), v.sensitive(), set.contains(name))));
        return variables;
    }

    /**
     * An icon the page can show without a request elsewhere: a raster image inline. SVG is left out: an
     * {@code <img>} would not run its scripts, but there is no need to reason about that.
     */
    private static boolean isInlineImage(String icon) {
        String lower = icon.toLowerCase(Locale.ROOT);
        return (lower.startsWith("data:image/png;") || lower.startsWith("data:image/jpeg;")
                || lower.startsWith("data:image/webp;") || lower.startsWith("data:image/gif;")) && icon.length() <= 64 * 1024;
    }
}
