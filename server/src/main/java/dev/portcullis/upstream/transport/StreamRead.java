package dev.portcullis.upstream.transport;

/**
 * How reading one SSE stream ended.
 *
 * @param answered    whether the awaited response passed through
 * @param lastEventId the id to resume from, or null if the server sent none (then the stream cannot resume)
 * @param retryMillis the server's reconnection delay, or -1 if it named none
 * @param broken      the I/O failure that ended the stream, or null if it ended cleanly
 */
record StreamRead(boolean answered, String lastEventId, long retryMillis, Throwable broken) {
}
