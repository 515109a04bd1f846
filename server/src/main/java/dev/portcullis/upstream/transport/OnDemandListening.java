package dev.portcullis.upstream.transport;

/**
 * A transport whose stream for server-initiated messages costs a connection for as long as it is
 * open (Streamable HTTP's GET stream), so it opens only when the session has a use for what the
 * server would send there — a tool list that changes, say — and the stream budget allows.
 */
public interface OnDemandListening {
    /** Opens the stream (once per session); false when the budget refused it. */
    boolean listen();

    /** Whether server-initiated messages reach the session as they are sent. */
    boolean isListening();

    /**
     * Opens the stream (as {@link #listen()}) and waits until the server has it or refused it, at most
     * {@code within}: for a message the server is about to send there, which it drops while no stream is open.
     * True when the stream is open.
     */
    boolean listenWithin(java.time.Duration within);
}
