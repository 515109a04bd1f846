package dev.portcullis.egress;

import java.io.IOException;
import java.util.Objects;

/**
 * A request refused by the guard: before it was sent, at connect time, or on a redirect hop. Transport code
 * finds it in a failure's cause chain and maps {@link #block()} to its own error (the gateway answers
 * {@code MCP_DOMAIN_NOT_ALLOWED}).
 */
public final class EgressBlockedException extends IOException {

    private final transient EgressDecision.Block block;

    public EgressBlockedException(EgressDecision.Block block) {
        super(Objects.requireNonNull(block, "block").describe());
        this.block = block;
    }

    public EgressDecision.Block block() {
        return block;
    }

    /** The first EgressBlockedException in the cause chain, or null. */
    public static EgressBlockedException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EgressBlockedException blocked) {
                return blocked;
            }
        }
        return null;
    }
}
