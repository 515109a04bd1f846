package dev.portcullis.upstream.transport;

import dev.portcullis.egress.BlockReason;
import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.EgressTargetException;
import dev.portcullis.upstream.UpstreamException;
import java.net.URI;

/**
 * A target the next request goes to, and whether a redirect chose it. A redirect's target gets no operator
 * exemptions: the guard re-decides it at connect time under {@code EgressTag.redirect}.
 */
record Hop(EgressTarget target, boolean redirected) {

    /** The configured URL, parsed as strictly as the guard parses it; a URL it refuses is Blocked before any I/O. */
    static Hop configured(URI uri) {
        return configured(uri.toString());
    }

    static Hop configured(String url) {
        try {
            return new Hop(EgressTarget.parse(url), false);
        } catch (EgressTargetException e) {
            throw Failures.blocked(e.block());
        }
    }

    /** A reference the server sent (a Location, a legacy endpoint event) resolved against this target. */
    EgressTarget resolve(String reference) {
        try {
            return target.resolve(reference);
        } catch (EgressTargetException e) {
            throw Failures.blocked(e.block());
        }
    }

    boolean sameOrigin(EgressTarget other) {
        return target.origin().equals(other.origin());
    }

    static UpstreamException tooManyRedirects() {
        return new UpstreamException.Blocked(BlockReason.REDIRECT_LIMIT.code(), "more than " + HttpExchange.MAX_REDIRECTS + " redirects");
    }
}
