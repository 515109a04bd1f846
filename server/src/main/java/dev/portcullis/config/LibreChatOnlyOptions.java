package dev.portcullis.config;

import dev.portcullis.config.McpServerConfig.Transport;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The options of an {@code mcpServers} entry that LibreChat's schema accepts and Portcullis does
 * not use. Each is checked the way LibreChat's schema checks it, so a file LibreChat would refuse
 * is refused here too, and then noted with the reason it does nothing: as ignored when Portcullis
 * already does what the option asks for, as a warning when ignoring it changes what happens.
 */
final class LibreChatOnlyOptions {
    static final String REFRESH_WAIT = "Portcullis refreshes a user's grant once, under a lock shared by"
            + " every replica, and requests that need the token wait for that refresh; there is no peer wait to tune";
    static final String REFRESH_COORDINATION = "refreshes are always coordinated across replicas in Portcullis"
            + " (one refresh per grant, through the shared lock and store)";
    static final String PERSISTENCE_WAIT = "Portcullis stores the tokens before the OAuth callback answers;"
            + " there is no persistence wait to tune";
    static final String STDERR = "Portcullis always reads a stdio server's stderr and logs it at DEBUG as"
            + " portcullis.stdio.<server>, so it can neither block the server nor reach the gateway's own output";
    static final String PROXY = "not supported, so ignored: Portcullis connects to MCP servers directly, through its"
            + " egress guard, which checks the address actually connected; a proxy would resolve and connect beyond"
            + " that check. Allow the server's address in mcpSettings instead";
    static final String OBO = "not supported, so ignored: an on-behalf-of exchange needs the user's identity provider"
            + " token, which Portcullis never sees (it receives the platform's token only); the server is called"
            + " without the exchanged token";
    private static final Set<String> STDERR_MODES = Set.of("pipe", "ignore", "inherit");
    private static final Set<String> PROXY_SCHEMES = Set.of("http", "https", "socks", "socks5");
    /** LibreChat's {@code MAX_MCP_OAUTH_PERSISTENCE_WAIT_MS}. */
    private static final long MAX_PERSISTENCE_WAIT_MS = 840_000;

    private LibreChatOnlyOptions() {
    }

    /** Checks and notes each such option of {@code node}, a server of transport {@code type} (empty: probed). */
    static void read(ConfigNode node, Optional<Transport> type, McpServerParser.Source source) {
        boolean fromFile = source == McpServerParser.Source.OPERATOR_FILE;
        node.get("oauthRefreshWaitTimeout").ifPresent(child -> {
            node.number("oauthRefreshWaitTimeout", 1, Long.MAX_VALUE);
            child.ignored(REFRESH_WAIT);
        });
        node.get("oauthRefreshCoordination").ifPresent(child -> {
            node.bool("oauthRefreshCoordination");
            child.ignored(REFRESH_COORDINATION);
        });
        node.get("oauthPersistenceWaitTimeout").ifPresent(child -> {
            node.number("oauthPersistenceWaitTimeout", 1, MAX_PERSISTENCE_WAIT_MS);
            child.ignored(PERSISTENCE_WAIT);
        });
        Transport transport = type.orElse(null);
        if (transport == Transport.STDIO) {
            node.get("stderr").ifPresent(child -> {
                stderr(child);
                child.ignored(STDERR);
            });
        }
        if (transport != Transport.STDIO && transport != Transport.WEBSOCKET) {
            node.get("proxy").ifPresent(child -> {
                proxy(child);
                if (fromFile) {
                    child.keyWarning(PROXY);
                }
            });
            node.get("obo").ifPresent(child -> {
                obo(child);
                if (fromFile) {
                    child.keyWarning(OBO);
                }
            });
        }
    }

    /** {@code 'pipe' | 'ignore' | 'inherit' | int >= 0}, as LibreChat's schema has it. */
    private static void stderr(ConfigNode child) {
        child.text().ifPresent(text -> {
            if (STDERR_MODES.contains(text)) {
                return;
            }
            try {
                if (Long.parseLong(text) >= 0) {
                    return;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            child.error("use pipe, ignore, inherit or a file descriptor number");
        });
    }

    private static void proxy(ConfigNode child) {
        child.text().ifPresent(text -> {
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (PROXY_SCHEMES.contains(scheme) && uri.getHost() != null) {
                    return;
                }
            } catch (URISyntaxException e) {
                // reported below, without the value
            }
            child.error("expected a proxy URL with http://, https://, socks:// or socks5://");
        });
    }

    /** {@code {scopes: string}}, scopes not empty. */
    private static void obo(ConfigNode child) {
        if (!child.isMapping()) {
            child.error("expected {scopes: ...}, the scopes to request for this server");
            return;
        }
        if (child.string("scopes").filter(s -> !s.isEmpty()).isEmpty()) {
            child.error("obo needs 'scopes', the scopes to request for this server");
        }
        child.warnUnknownKeys("unknown obo option; ignored");
    }
}
