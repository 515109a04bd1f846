package dev.portcullis.oauth;

import dev.portcullis.config.Secret;
import dev.portcullis.egress.EgressBlockedException;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressDecision;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.EgressTargetException;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import dev.portcullis.egress.jetty.GuardedResponse;
import dev.portcullis.egress.jetty.RedirectFollower;
import dev.portcullis.egress.jetty.ResponseLimits;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;

/**
 * The OAuth client's one door out: every discovery, registration, token and revocation request
 * leaves through the gateway's guarded Jetty client in the {@code OAUTH} egress context. Metadata
 * GETs may follow redirects, hop by hop through {@link RedirectFollower}; everything else goes
 * through {@link #sender} and never follows one (a 307 from a token endpoint would replay the
 * client secret to wherever it points).
 */
public final class OAuthHttp {
    private final HttpClient client;
    private final EgressPolicy policy;
    private final Duration timeout;

    /** @param client the started client from {@link GuardedHttpClients#create} */
    public OAuthHttp(HttpClient client, EgressPolicy policy, Duration timeout) {
        this.client = client;
        this.policy = policy;
        this.timeout = timeout;
    }

    /** A GET for a JSON document, following up to five re-checked redirects. */
    GuardedResponse getJson(String url, Map<String, Secret> extraHeaders) throws IOException, InterruptedException {
        Request request = newRequest(url).method("GET").headers(h -> {
            extraHeaders.forEach((name, value) -> h.put(name, value.reveal()));
            h.put("Accept", "application/json");
        });
        return new RedirectFollower(client, policy, ResponseLimits.defaults(), extraHeaders.keySet())
                .send(request, EgressContext.OAUTH);
    }

    /** Nimbus requests sent on the guarded client, without redirects, with the server's {@code oauth_headers}. */
    GuardedSender sender(Map<String, Secret> extraHeaders) {
        return new GuardedSender(this, extraHeaders);
    }

    /**
     * A request to a URL the policy allows, built from the parsed target. The connect-time check
     * runs again when Jetty connects; this one fails early with the reason.
     */
    Request newRequest(String url) throws EgressBlockedException {
        EgressTarget target;
        try {
            target = EgressTarget.parse(url);
        } catch (EgressTargetException e) {
            throw new EgressBlockedException(e.block());
        }
        if (policy.decide(target, EgressContext.OAUTH) instanceof EgressDecision.Block block) {
            throw new EgressBlockedException(block);
        }
        return GuardedHttpClients.newRequest(client, target, EgressContext.OAUTH)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int maxResponseBytes() {
        return ResponseLimits.defaults().maxBytes(EgressContext.OAUTH);
    }

    Duration timeout() {
        return timeout;
    }
}
