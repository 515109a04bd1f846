package dev.portcullis.upstream.transport;

/**
 * One dispatched Server-Sent Event.
 *
 * @param id    the stream's last event id after this event (carried over from earlier events), or null
 * @param type  the event type, {@code message} when the server named none
 * @param data  the data lines joined with {@code \n}; empty for a priming event
 */
record SseEvent(String id, String type, String data) {
}
