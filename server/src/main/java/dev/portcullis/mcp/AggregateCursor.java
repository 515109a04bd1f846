package dev.portcullis.mcp;

import dev.portcullis.upstream.RpcError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where an aggregate listing goes on: at which server, and at which of that server's own cursors
 * (none: its first page). Opaque to clients, as the specification wants cursors to be.
 *
 * @param server   the server to continue with; null for the first
 * @param upstream that server's cursor, or null
 */
record AggregateCursor(String server, String upstream) {
    private static final char SEPARATOR = '\n';

    static AggregateCursor parse(Object cursor) {
        if (cursor == null) {
            return new AggregateCursor(null, null);
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(String.valueOf(cursor)), StandardCharsets.UTF_8);
            int at = text.indexOf(SEPARATOR);
            if (at <= 0) {
                throw new IllegalArgumentException();
            }
            String upstream = text.substring(at + 1);
            return new AggregateCursor(text.substring(0, at), upstream.isEmpty() ? null : upstream.substring(1));
        } catch (IllegalArgumentException e) {
            throw new RpcError(RpcError.INVALID_PARAMS, "Invalid cursor: pass the nextCursor of the previous page unchanged");
        }
    }

    String encode() {
        // "-" marks a server cursor (possibly empty), so "no cursor" and "empty cursor" stay apart
        String text = server + SEPARATOR + (upstream == null ? "" : "-" + upstream);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
