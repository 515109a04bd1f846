package dev.portcullis.upstream.transport;

import dev.portcullis.egress.EgressBlockedException;
import dev.portcullis.egress.EgressDecision;
import dev.portcullis.upstream.UpstreamException;
import java.time.Duration;
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
        return new UpstreamException.Unreachable("the MCP server could not be reached or the connection broke ("
                + root.getClass().getSimpleName() + ")", root);
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
        return new UpstreamException.Timeout("the MCP server did not answer within " + after, after);
    }

    /** An HTTP status that is neither success nor one the transport handles itself. */
    static UpstreamException status(int status) {
        return status >= 500
                ? new UpstreamException.Unreachable("the MCP server answered HTTP " + status, null)
                : new UpstreamException.ProtocolViolation("the MCP server answered HTTP " + status, null);
    }
}
