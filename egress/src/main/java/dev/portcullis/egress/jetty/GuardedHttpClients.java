package dev.portcullis.egress.jetty;

import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.EgressTarget;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * Builds the one outbound Jetty {@link HttpClient}: its socket address resolver enforces the policy on every
 * connection, automatic redirects are impossible (follow them with {@link RedirectFollower}), no cookies are
 * kept between requests, Nagle is off and blocking work runs on virtual threads.
 */
public final class GuardedHttpClients {

    private GuardedHttpClients() {
    }

    /**
     * A guarded client, not yet started. Every request must carry an {@link EgressTag}: build HTTP requests with
     * {@link #newRequest}, and tag WebSocket upgrades ({@code ClientUpgradeRequest.tag(EgressTag.of(MCP))}) when
     * a {@code WebSocketClient} shares this client. An untagged request is refused at connect time.
     */
    public static HttpClient create(EgressPolicy policy) {
        HttpClient client = new GuardedHttpClient();
        client.setSocketAddressResolver(new GuardedSocketAddressResolver(policy));
        client.setFollowRedirects(false);
        // One client serves every user: a shared cookie store would send a cookie one user's upstream
        // session set on another user's requests to the same server. Callers manage their own state.
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.getClientConnector().setTCPNoDelay(true);
        client.setExecutor(new VirtualThreadPool());
        return client;
    }

    /** A request built from the parsed target's parts and tagged with its context. */
    public static Request newRequest(HttpClient client, EgressTarget target, EgressContext context) {
        return newRequest(client, target, EgressTag.of(context));
    }

    static Request newRequest(HttpClient client, EgressTarget target, EgressTag tag) {
        if (target.host().indexOf('_') < 0) {
            return client.newRequest(target.uri()).tag(tag);
        }
        // java.net.URI reads a host with '_' (a container service name such as rag_api) as a registry-based
        // authority without host, and Jetty refuses such a URI; start from a placeholder host and set the real one.
        return client.newRequest(target.scheme() + "://placeholder.invalid:" + target.port() + target.pathAndQuery())
                .host(target.host())
                .tag(tag);
    }
}
