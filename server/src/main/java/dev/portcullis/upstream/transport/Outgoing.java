package dev.portcullis.upstream.transport;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * What to send, independent of where: method, headers and an optional body held in one buffer, so a small
 * JSON-RPC message leaves in one write (no Nagle stall between headers and body) and can be sent again on a
 * 307/308 hop.
 *
 * @param credentialNames lower-case names of the headers dropped when a redirect changes origin: the
 *                        caller's credentials and session plus every configured header
 * @param partition       the connection pool partition the exchange uses (see {@link ConnectionPool})
 * @param credential      what the request presents, asked for its headers per hop (see {@link HttpExchange});
 *                        left behind with the other credentials when a redirect changes origin
 */
record Outgoing(String method, HttpFields headers, byte[] body, Set<String> credentialNames, String partition,
                Optional<RequestCredential> credential) {

    private static final Set<String> ALWAYS_CREDENTIALS = Set.of("authorization", "proxy-authorization", "cookie",
            "mcp-session-id", "dpop");

    static Builder builder(String method, HttpTransportSettings settings) {
        return new Builder(method, settings);
    }

    /** The headers for a hop to another origin: credentials, session and configured headers stay behind. */
    HttpFields crossOriginHeaders() {
        HttpFields.Mutable kept = HttpFields.build();
        for (HttpField field : headers) {
            if (!credentialNames.contains(field.getLowerCaseName())) {
                kept.add(field);
            }
        }
        return kept.asImmutable();
    }

    static final class Builder {
        private final String method;
        private final HttpFields.Mutable headers = HttpFields.build();
        private final Set<String> credentialNames;
        private final ConnectionPool pool;
        private final Optional<RequestCredential> credential;
        private String partition;
        private byte[] body;

        private Builder(String method, HttpTransportSettings settings) {
            this.method = method;
            this.pool = settings.pool();
            this.partition = pool.partition();
            settings.headers().forEach(headers::put);
            // Asked for every request so a refreshed token is used at once; configured headers cannot override it.
            this.credential = settings.authorizer().credential();
            this.credentialNames = credentialNames(settings.headers());
        }

        Builder header(String name, String value) {
            if (value != null) {
                headers.put(name, value);
            }
            return this;
        }

        Builder json(byte[] json) {
            this.body = json;
            headers.put(HttpHeader.CONTENT_TYPE, "application/json");
            return this;
        }

        /** A long-lived stream: it takes a connection from the streams' pool, never from the requests'. */
        Builder longLived() {
            this.partition = pool.streamPartition();
            return this;
        }

        Outgoing build() {
            return new Outgoing(method, headers.asImmutable(), body, credentialNames, partition, credential);
        }

        private static Set<String> credentialNames(Map<String, String> configured) {
            return Stream.concat(ALWAYS_CREDENTIALS.stream(),
                            configured.keySet().stream().map(name -> name.toLowerCase(Locale.ROOT)))
                    .collect(Collectors.toUnmodifiableSet());
        }
    }
}
