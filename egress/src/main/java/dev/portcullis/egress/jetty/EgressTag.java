package dev.portcullis.egress.jetty;

import dev.portcullis.egress.EgressContext;
import java.util.Objects;

/**
 * Why a request is made, carried as the Jetty request tag. The tag is part of Jetty's destination key, so
 * requests with different tags never share a connection pool: a redirect hop opens its own connection and the
 * connect-time check runs again, without exemptions, instead of reusing a socket opened under the operator's trust.
 *
 * @param context     the policy context of the request
 * @param redirectHop true when the target came from a redirect, which gets no exemptions
 * @param partition   whose pool the request uses; requests in different partitions never share a connection
 *                    (or wait for one another's), so a caller can give each user, or each kind of long-lived
 *                    stream, a pool of its own. Empty for the common pool
 */
public record EgressTag(EgressContext context, boolean redirectHop, String partition) {

    public EgressTag {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(partition, "partition");
    }

    /** A request to a target the operator or a user configured. */
    public static EgressTag of(EgressContext context) {
        return new EgressTag(context, false, "");
    }

    /** A request to a target a redirect chose. */
    public static EgressTag redirect(EgressContext context) {
        return new EgressTag(context, true, "");
    }

    /** The same tag in another pool partition. */
    public EgressTag in(String newPartition) {
        return new EgressTag(context, redirectHop, newPartition);
    }
}
