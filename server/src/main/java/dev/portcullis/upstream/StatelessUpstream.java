package dev.portcullis.upstream;

import dev.portcullis.upstream.transport.StreamableHttpClientTransport;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a client of the stateless 2026-07-28 revision. Every new connection to a Streamable
 * HTTP server first asks {@code server/discover} as that revision; a server that answers it and lists
 * the revision is spoken to statelessly from then on (every request carries the version, the gateway's
 * identity and capabilities in {@code _meta}, and mirrors itself in headers). Any other answer — an
 * error, a 400 for a request without a session, a timeout — means the session revisions, negotiated at
 * {@code initialize} as before; the next connection asks again. A refusal for want of authorization is
 * the caller's to resolve first, so it is not taken as an answer.
 *
 * <p>The MCP Java SDK's client knows only the session revisions; the relay that the front door already
 * uses (ids of the gateway's own, answers matched before the SDK) carries this revision without it.
 */
final class StatelessUpstream {
    private static final Logger log = LoggerFactory.getLogger(StatelessUpstream.class);
    static final String VERSION = "2026-07-28";
    static final int UNSUPPORTED_VERSION = -32022;

    /** What {@code server/discover} said. */
    record Discovered(McpSchema.ServerCapabilities capabilities, McpSchema.Implementation serverInfo, String instructions) {
    }

    private StatelessUpstream() {
    }

    /** The {@code _meta} every stateless request carries: the revision, who asks, and what it can answer. */
    static Map<String, Object> requestMeta(Map<String, Object> capabilities) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("io.modelcontextprotocol/protocolVersion", VERSION);
        meta.put("io.modelcontextprotocol/clientInfo", Map.of("name", "portcullis", "title", "Portcullis", "version", "0.1.0"));
        meta.put("io.modelcontextprotocol/clientCapabilities", capabilities);
        return meta;
    }

    /**
     * Asks the server whether it speaks the revision. On yes the transport stays stateless and the
     * description comes back; on anything else the transport goes back to sessions.
     */
    static Optional<Discovered> discover(ObservedTransport observed, StreamableHttpClientTransport http,
                                         Map<String, Object> capabilities, Duration within) {
        http.useStateless(VERSION);
        observed.relayed().requestMeta(requestMeta(capabilities));
        observed.connect(messages -> messages).block();
        try {
            // Twice at most: a server that refuses the version names the ones it speaks (-32022); if it
            // names this one after all, asking again is what the revision's negotiation says to do.
            for (int attempt = 0; attempt < 2; attempt++) {
                RelayedCalls.Pending asked = observed.send("server/discover", Map.of(), CallObserver.NONE);
                try {
                    Map<String, Object> result = asked.result().get(within.toMillis(), TimeUnit.MILLISECONDS);
                    if (result.get("supportedVersions") instanceof List<?> versions && versions.contains(VERSION)) {
                        return Optional.of(describe(observed, result));
                    }
                    break;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof RpcError refused && refused.code() == UNSUPPORTED_VERSION
                            && refused.data().map(d -> RelayedCalls.asMap(d).get("supported")).orElse(null) instanceof List<?> supported
                            && supported.contains(VERSION))) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpstreamException.AuthorizationRequired required) {
                throw required;
            }
            log.debug("the server does not speak {} ({}); using sessions", VERSION, e.getCause().toString());
        } catch (TimeoutException e) {
            log.debug("server/discover got no answer within {} ms; using sessions", within.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException.Cancelled("the gateway stopped waiting for the server to connect");
        }
        observed.relayed().requestMeta(null);
        http.useSessions();
        return Optional.empty();
    }

    private static Discovered describe(ObservedTransport observed, Map<String, Object> result) {
        McpSchema.ServerCapabilities capabilities = result.get("capabilities") instanceof Map<?, ?> c
                ? observed.unmarshalFrom(c, new TypeRef<McpSchema.ServerCapabilities>() {
                }) : McpSchema.ServerCapabilities.builder().build();
        Object info = result.get("_meta") instanceof Map<?, ?> meta && meta.get("io.modelcontextprotocol/serverInfo") != null
                ? meta.get("io.modelcontextprotocol/serverInfo") : result.get("serverInfo");
        McpSchema.Implementation serverInfo = info instanceof Map<?, ?> i
                ? observed.unmarshalFrom(i, new TypeRef<McpSchema.Implementation>() {
                }) : new McpSchema.Implementation("unknown", "0");
        return new Discovered(capabilities, serverInfo, result.get("instructions") instanceof String s ? s : null);
    }
}
