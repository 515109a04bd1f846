package dev.portcullis.egress;

/** A URL or host the guard cannot accept as a target; {@link #block()} says why, with a stable code. */
public final class EgressTargetException extends Exception {

    private final transient EgressDecision.Block block;

    EgressTargetException(BlockReason reason, String message) {
        super(reason.code() + ": " + message);
        this.block = reason.block(message);
    }

    public EgressDecision.Block block() {
        return block;
    }
}
