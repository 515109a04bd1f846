package dev.portcullis.egress.jetty;

import dev.portcullis.egress.EgressContext;
import java.util.EnumMap;
import java.util.Map;

/**
 * The largest response body {@link RedirectFollower} buffers, per context. OAuth documents are small; MCP
 * results and endpoint answers can be large but not unbounded.
 */
public record ResponseLimits(Map<EgressContext, Integer> maxBytes) {

    private static final int MIB = 1024 * 1024;

    public ResponseLimits {
        for (EgressContext context : EgressContext.values()) {
            Integer max = maxBytes.get(context);
            if (max == null || max < 1) {
                throw new IllegalArgumentException("a positive limit is needed for " + context);
            }
        }
        maxBytes = Map.copyOf(maxBytes);
    }

    /** MCP 16 MiB, OAuth 1 MiB, endpoints 16 MiB, actions 8 MiB. */
    public static ResponseLimits defaults() {
        return new ResponseLimits(Map.of(EgressContext.MCP, 16 * MIB, EgressContext.OAUTH, MIB,
                EgressContext.ENDPOINT, 16 * MIB, EgressContext.ACTION, 8 * MIB));
    }

    public int maxBytes(EgressContext context) {
        return maxBytes.get(context);
    }

    /** A copy with one limit changed. */
    public ResponseLimits with(EgressContext context, int max) {
        Map<EgressContext, Integer> copy = new EnumMap<>(maxBytes);
        copy.put(context, max);
        return new ResponseLimits(copy);
    }
}
