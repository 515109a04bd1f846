package dev.portcullis.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code mcpEndpoint} section. */
final class McpEndpointReader {
    /** A service credential is a bearer secret of its own: as long as a strong token signing secret. */
    static final int MIN_KEY_BYTES = 32;

    private McpEndpointReader() {
    }

    static McpEndpointSettings read(ConfigNode n) {
        boolean enabled = n.bool("enabled", true);
        Set<String> origins = new LinkedHashSet<>();
        n.get("allowedOrigins").ifPresent(list -> list.items().forEach(item -> item.text().ifPresent(text -> {
            Optional<URI> uri = url(item, text);
            uri.ifPresent(u -> origins.add(McpEndpointSettings.originOf(u)));
        })));
        Set<String> hosts = new LinkedHashSet<>();
        n.get("allowedHosts").ifPresent(list -> list.items().forEach(item -> item.text().ifPresent(text -> {
            String host = text.strip().toLowerCase(java.util.Locale.ROOT);
            if (host.isEmpty() || host.contains("/") || host.contains(" ")) {
                item.error("expected a host name as browsers send it in Host (example.com or example.com:8443), or *");
            } else {
                hosts.add(host);
            }
        })));
        List<URI> issuers = new ArrayList<>();
        n.get("authorizationServers").ifPresent(list -> list.items().forEach(item -> item.text()
                .flatMap(text -> url(item, text)).ifPresent(issuers::add)));
        List<String> scopes = n.strings("scopes");
        List<McpEndpointSettings.ServiceCredential> credentials = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        n.get("serviceCredentials").ifPresent(list -> list.items().forEach(item -> credential(item, names)
                .ifPresent(credentials::add)));
        n.rejectUnknownKeys();
        return new McpEndpointSettings(enabled, origins, hosts, issuers, scopes, credentials);
    }

    private static Optional<McpEndpointSettings.ServiceCredential> credential(ConfigNode item, Set<String> names) {
        if (!item.isMapping()) {
            item.error("expected a mapping with name and key");
            return Optional.empty();
        }
        Optional<String> name = item.string("name").map(String::strip).filter(s -> !s.isEmpty());
        Optional<Secret> key = item.secret("key");
        Optional<String> tenant = item.string("tenant").map(String::strip).filter(s -> !s.isEmpty());
        item.rejectUnknownKeys();
        if (name.isEmpty()) {
            item.error("a service credential needs a name (it is logged as who acted)");
            return Optional.empty();
        }
        if (!names.add(name.get())) {
            item.error("a service credential named '" + name.get() + "' is already listed");
            return Optional.empty();
        }
        if (key.isEmpty()) {
            item.error("a service credential needs a key; generate one with: openssl rand -base64 48");
            return Optional.empty();
        }
        String value = key.get().reveal();
        if (value.getBytes(StandardCharsets.UTF_8).length < MIN_KEY_BYTES) {
            item.error("the key of '" + name.get() + "' is shorter than " + MIN_KEY_BYTES
                    + " bytes; generate one with: openssl rand -base64 48");
            return Optional.empty();
        }
        if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            item.error("the key of '" + name.get() + "' must be printable ASCII without spaces (it travels in a header)");
            return Optional.empty();
        }
        return Optional.of(new McpEndpointSettings.ServiceCredential(name.get(), key.get(), tenant));
    }

    private static Optional<URI> url(ConfigNode node, String text) {
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        node.error("expected an http or https URL such as https://example.com");
        return Optional.empty();
    }
}
