package dev.portcullis.upstream.transport;

import dev.portcullis.egress.EgressBlockedException;
import dev.portcullis.egress.EgressDecision;
import dev.portcullis.upstream.UpstreamException;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.io.EofException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns whatever the HTTP or WebSocket client threw into one {@link UpstreamException} kind, by type only.
 * Messages name what failed, never header values or bodies.
 */
final class Failures {

    private Failures() {
    }

    /**
     * As {@link #classify(Throwable, Duration)}, knowing whether the connection broke while its TLS
     * handshake was under way: Jetty then reports either the handshake's own failure or the closed
     * channel it leaves behind, whichever of its callbacks runs first, and both mean the same.
     */
    static UpstreamException classify(Throwable failure, Duration timeout, boolean duringTlsHandshake) {
        UpstreamException classified = classify(failure, timeout);
        if (duringTlsHandshake && classified instanceof UpstreamException.Unreachable u
                && u.reason() == UpstreamException.Unreachable.Reason.CONNECTION_LOST) {
            return new UpstreamException.Unreachable(UpstreamException.Unreachable.Reason.TLS_FAILURE,
                    "the TLS handshake with the MCP server did not complete (the connection closed)", u.getCause());
        }
        return classified;
    }

    static UpstreamException classify(Throwable failure, Duration timeout) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UpstreamException upstream) {
                return upstream;
            }
            if (t instanceof EgressBlockedException blocked) {
                return blocked(blocked.block());
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return timeout(timeout);
            }
        }
        Throwable root = failure;
        while ((root instanceof ExecutionException || root instanceof CompletionException) && root.getCause() != null) {
            root = root.getCause();
        }
        // The most telling cause wins wherever it is in the chain: a TLS failure often arrives
        // wrapped in, or followed by, the closed connection it caused.
        Optional<UpstreamException.Unreachable> best = Optional.empty();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            Optional<UpstreamException.Unreachable> known = unreachable(t, root);
            if (known.isPresent() && (best.isEmpty() || known.get().reason().ordinal() < best.get().reason().ordinal())) {
                best = known;
            }
        }
        if (best.isPresent()) {
            return best.get();
        }
        return new UpstreamException.Unreachable("the MCP server could not be reached or the connection broke ("
                + root.getClass().getSimpleName() + ")", root);
    }

    /** A failure whose type says why the server could not be reached. Subclasses are tested before their parents. */
    private static Optional<UpstreamException.Unreachable> unreachable(Throwable t, Throwable root) {
        record Known(UpstreamException.Unreachable.Reason reason, String what) {
        }
        Known known = switch (t) {
            case ConnectException c -> new Known(UpstreamException.Unreachable.Reason.CONNECTION_REFUSED,
                    "the MCP server refused the connection: nothing accepts connections at its address and port");
            case NoRouteToHostException n -> new Known(UpstreamException.Unreachable.Reason.NO_ROUTE,
                    "there is no network route to the MCP server's host");
            case UnknownHostException u -> new Known(UpstreamException.Unreachable.Reason.DNS_FAILURE,
                    "the MCP server's host name did not resolve");
            case SSLException s -> new Known(UpstreamException.Unreachable.Reason.TLS_FAILURE,
                    "the TLS handshake with the MCP server failed (" + s.getClass().getSimpleName() + ")");
            case EofException e -> new Known(UpstreamException.Unreachable.Reason.CONNECTION_LOST,
                    "the connection to the MCP server broke (" + e.getClass().getSimpleName() + ")");
            case ClosedChannelException e -> new Known(UpstreamException.Unreachable.Reason.CONNECTION_LOST,
                    "the connection to the MCP server broke (" + e.getClass().getSimpleName() + ")");
            case SocketException e -> new Known(UpstreamException.Unreachable.Reason.CONNECTION_LOST,
                    "the connection to the MCP server broke (" + e.getClass().getSimpleName() + ")");
            default -> null;
        };
        return Optional.ofNullable(known).map(k -> new UpstreamException.Unreachable(k.reason(), k.what(), root));
    }

    static UpstreamException.Blocked blocked(EgressDecision.Block block) {
        return new UpstreamException.Blocked(block.code(), block.message());
    }

    /** Waits for what a transport needs before it can send (its endpoint, its session), failing with a kind. */
    static <T> T await(java.util.concurrent.CompletableFuture<T> ready, Duration timeout) {
        try {
            return ready.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw timeout(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException.Unreachable("the request was cancelled", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw classify(e.getCause(), timeout);
        }
    }

    static UpstreamException.Timeout timeout(Duration after) {
        return new UpstreamException.Timeout("the MCP server did not answer within " + after.toMillis() + " ms", after);
    }

    /** An HTTP status that is neither success nor one the transport handles itself. */
    static UpstreamException status(int status) {
        return status >= 500
                ? new UpstreamException.Unreachable("the MCP server answered HTTP " + status, null)
                : new UpstreamException.ProtocolViolation("the MCP server answered HTTP " + status, null);
    }
}
