package dev.portcullis.oauth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An MCP server's canonical URI (RFC 8707 §2, checklist #26–27): lower-case scheme and host, no
 * default port, no fragment, no query, and no trailing slash after a path — so
 * {@code HTTPS://MCP.example.com:443/mcp/} and {@code https://mcp.example.com/mcp} are one resource.
 * An origin alone keeps no slash either ({@code https://mcp.example.com}).
 */
public record ResourceUri(String value) {
    /**
     * No {@code resource} parameter at all: for the few authorization servers that reject RFC 8707
     * (the operator's {@code send_resource: false}). Everything else sends one (checklist #28).
     */
    public static final ResourceUri OMITTED = new ResourceUri("");

    public boolean isOmitted() {
        return value.isEmpty();
    }

    public static ResourceUri canonical(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI: " + e.getReason());
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("a resource URI needs a scheme and a host");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new ResourceUri(scheme + "://" + host + (defaultPort ? "" : ":" + port) + path);
    }

    /** The scheme, host and port part. */
    String origin() {
        int slash = value.indexOf('/', value.indexOf("://") + 3);
        return slash < 0 ? value : value.substring(0, slash);
    }

    /**
     * Whether metadata that names {@code this} resource may speak for {@code server}: the same
     * canonical URI, or the same origin with this path a whole-segment prefix of the server's
     * (RFC 9728 §3.3: a resource discovered at the root well-known URI is the origin). The
     * segment rule keeps {@code /mcp} from covering {@code /mcp-admin}.
     */
    boolean covers(ResourceUri server) {
        return server.value.equals(value) || server.value.startsWith(value + "/");
    }

    URI toUri() {
        return URI.create(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
