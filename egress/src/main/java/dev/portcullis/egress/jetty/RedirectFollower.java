package dev.portcullis.egress.jetty;

import dev.portcullis.egress.BlockReason;
import dev.portcullis.egress.EgressBlockedException;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressDecision;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.EgressTargetException;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Sends a request on the guarded client and follows redirects by hand (rule 8): at most {@link #MAX_REDIRECTS}
 * hops, each one checked again with no exemptions before anything is sent and again at connect time, credentials
 * and configured headers dropped when the origin changes, and the body buffered under the context's limit.
 * Blocking: call it from a virtual thread.
 */
public final class RedirectFollower {

    public static final int MAX_REDIRECTS = 5;

    private final HttpClient client;
    private final EgressPolicy policy;
    private final ResponseLimits limits;
    private final Set<String> configuredHeaders;

    /**
     * @param client            a client from {@link GuardedHttpClients}
     * @param configuredHeaders header names the operator configured for upstream servers (API keys and the
     *                          like); dropped on a cross-origin hop like Authorization
     */
    public RedirectFollower(HttpClient client, EgressPolicy policy, ResponseLimits limits, Set<String> configuredHeaders) {
        this.client = client;
        this.policy = policy;
        this.limits = limits;
        this.configuredHeaders = configuredHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Sends the request and follows up to five redirects. The request's own target is checked with the
     * operator's exemptions first; nothing is sent if it is blocked.
     *
     * @param first a request from {@link GuardedHttpClients#newRequest}; its body must be rewindable to survive a
     *              307 or 308 (otherwise that redirect response is returned as it is)
     * @throws EgressBlockedException when the first target or any hop is refused, or the chain is too long
     * @throws ResponseTooLargeException when a body exceeds the context's limit
     */
    public GuardedResponse send(Request first, EgressContext context) throws IOException, InterruptedException {
        EgressTarget target = targetOf(first);
        require(policy.decide(target, context), "");
        Request request = first.tag(EgressTag.of(context));
        for (int redirects = 0; ; redirects++) {
            GuardedResponse response = exchange(request, target, redirects, context);
            String location = response.headers().get(HttpHeader.LOCATION);
            if (!RedirectStep.isRedirect(response.status()) || location == null) {
                return response;
            }
            if (redirects == MAX_REDIRECTS) {
                throw new EgressBlockedException(new EgressDecision.Block(BlockReason.REDIRECT_LIMIT.code(),
                        "more than " + MAX_REDIRECTS + " redirects, the last from " + target.uri()));
            }
            RedirectStep step;
            try {
                step = RedirectStep.next(target, request.getMethod(), response.status(), location);
            } catch (EgressTargetException e) {
                throw new EgressBlockedException(hop(e.block(), location));
            }
            require(policy.decideRedirect(step.target(), context), "redirect to " + step.target().uri() + ": ");
            if (step.keepBody() && request.getBody() != null && !request.getBody().rewind()) {
                return response; // the body cannot be sent twice; let the caller see the redirect
            }
            request = nextRequest(request, step, context);
            target = step.target();
        }
    }

    private GuardedResponse exchange(Request request, EgressTarget target, int redirects, EgressContext context)
            throws IOException, InterruptedException {
        CappedResponseListener listener = new CappedResponseListener(target, redirects, limits.maxBytes(context));
        request.send(listener);
        try {
            return listener.result().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            EgressBlockedException blocked = EgressBlockedException.find(cause);
            if (blocked != null) {
                throw blocked;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause);
        }
    }

    private Request nextRequest(Request previous, RedirectStep step, EgressContext context) {
        Request next = GuardedHttpClients.newRequest(client, step.target(), EgressTag.redirect(context))
                .method(step.method())
                .timeout(previous.getTimeout(), TimeUnit.MILLISECONDS)
                .idleTimeout(previous.getIdleTimeout(), TimeUnit.MILLISECONDS)
                .headers(h -> h.clear().add(step.carry(previous.getHeaders(), configuredHeaders)));
        if (step.keepBody() && previous.getBody() != null) {
            next.body(previous.getBody());
        }
        return next;
    }

    private static EgressTarget targetOf(Request request) throws EgressBlockedException {
        String query = request.getQuery();
        String path = request.getPath() == null || request.getPath().isEmpty() ? "/" : request.getPath();
        try {
            return EgressTarget.of(request.getScheme(), request.getHost(), request.getPort(),
                    query == null ? path : path + "?" + query);
        } catch (EgressTargetException e) {
            throw new EgressBlockedException(e.block());
        }
    }

    private static void require(EgressDecision decision, String prefix) throws EgressBlockedException {
        if (decision instanceof EgressDecision.Block block) {
            throw new EgressBlockedException(prefix.isEmpty() ? block : new EgressDecision.Block(block.code(), prefix + block.message()));
        }
    }

    private static EgressDecision.Block hop(EgressDecision.Block block, String location) {
        return new EgressDecision.Block(block.code(), "redirect to '" + location + "': " + block.message());
    }
}
