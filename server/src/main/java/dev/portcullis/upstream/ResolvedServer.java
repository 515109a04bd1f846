package dev.portcullis.upstream;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.upstream.stdio.StdioLaunch;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A server configuration with every placeholder resolved for one scope: what to start or where
 * to connect, with which headers, and the limits to apply. Two resolutions with the same
 * {@link #fingerprint()} may share a connection; a different one makes the old connection stale.
 */
public record ResolvedServer(String name, McpServerConfig config, ConnectionScope scope, Endpoint endpoint,
                             Duration requestTimeout, Duration initTimeout, String fingerprint) {

    /** Where the server is. */
    public sealed interface Endpoint {
    }

    /** A child process, from operator configuration only. */
    public record Stdio(StdioLaunch launch) implements Endpoint {
    }

    /**
     * A remote server. {@code transport} is empty when the configuration gave no type: the
     * specification's probe decides. Header values are secrets; {@link #toString()} omits them.
     */
    public record Remote(URI url, Optional<McpServerConfig.Transport> transport, Map<String, String> headers)
            implements Endpoint {
        public Remote {
            headers = Map.copyOf(headers);
        }

        @Override
        public String toString() {
            return "Remote[" + url.getScheme() + "://" + url.getHost() + ", headers " + headers.keySet() + "]";
        }
    }

    public ConnectionKey key() {
        return new ConnectionKey(scope, name);
    }
}
