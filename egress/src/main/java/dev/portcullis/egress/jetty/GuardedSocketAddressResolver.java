package dev.portcullis.egress.jetty;

import dev.portcullis.egress.BlockReason;
import dev.portcullis.egress.EgressBlockedException;
import dev.portcullis.egress.EgressDecision;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.EgressTargetException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Rule 9: the decision applied again to the addresses Jetty is about to connect to. Jetty calls this for every
 * new connection, IP literals included; the policy resolves the name itself, checks every answer and hands back
 * exactly those addresses, so a name that rebinds to a private address between the pre-flight check and the
 * connect is refused, and nothing connects to an address that was not checked.
 */
final class GuardedSocketAddressResolver implements SocketAddressResolver {

    private final EgressPolicy policy;

    GuardedSocketAddressResolver(EgressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        Origin origin = context.get(Destination.CONTEXT_KEY) instanceof Destination d ? d.getOrigin() : null;
        if (origin == null || !(origin.getTag() instanceof EgressTag tag)) {
            promise.failed(new EgressBlockedException(new EgressDecision.Block(BlockReason.NO_CONTEXT.code(), "a request to " + host
                    + ":" + port + " carries no EgressTag; build requests with GuardedHttpClients.newRequest")));
            return;
        }
        EgressDecision decision;
        try {
            EgressTarget target = EgressTarget.of(origin.getScheme(), stripBrackets(host), port, "/");
            decision = tag.redirectHop() ? policy.decideRedirect(target, tag.context()) : policy.decide(target, tag.context());
        } catch (EgressTargetException e) {
            decision = e.block();
        }
        switch (decision) {
            case EgressDecision.Allow allow ->
                    promise.succeeded(allow.addresses().stream().map(a -> new InetSocketAddress(a, port)).toList());
            case EgressDecision.Block block -> promise.failed(new EgressBlockedException(block));
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
