package dev.portcullis.egress.jetty;

import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.EgressTargetException;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * Rule 8's bookkeeping for one hop: where it goes, with which method and body, and which headers survive.
 *
 * @param target      the next target, parsed as strictly as any other URL
 * @param method      the next method (303, and 301/302 after POST, become GET as browsers do)
 * @param keepBody    whether the request body is sent again (not when the method became GET)
 * @param crossOrigin whether scheme, host or port changed; credentials are then dropped
 */
record RedirectStep(EgressTarget target, String method, boolean keepBody, boolean crossOrigin) {

    /** Headers that identify or authorize the caller: dropped on every cross-origin hop. */
    static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            "mcp-session-id");

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static RedirectStep next(EgressTarget current, String method, int status, String location)
            throws EgressTargetException {
        EgressTarget target = current.resolve(location);
        // 303 turns everything but HEAD into GET; 301 and 302 do so for POST only (RFC 9110 section 15.4).
        boolean toGet = (status == 303 && !method.equals("HEAD"))
                || ((status == 301 || status == 302) && method.equals("POST"));
        String nextMethod = toGet ? "GET" : method;
        return new RedirectStep(target, nextMethod, !toGet, !target.origin().equals(current.origin()));
    }

    /**
     * The headers to send on this hop. Host is always recomputed from the new target; the body's headers go
     * when the body does; credentials and the caller's configured headers go when the origin changes.
     */
    HttpFields carry(HttpFields headers, Set<String> configuredHeaders) {
        HttpFields.Mutable out = HttpFields.build();
        for (HttpField field : headers) {
            String name = field.getName().toLowerCase(Locale.ROOT);
            boolean bodyHeader = name.startsWith("content-") || name.equals("transfer-encoding");
            boolean credential = CREDENTIAL_HEADERS.contains(name) || configuredHeaders.contains(name);
            if (name.equals("host") || (bodyHeader && !keepBody) || (credential && crossOrigin)) {
                continue;
            }
            out.add(field);
        }
        return out.asImmutable();
    }
}
