package dev.portcullis.egress.jetty;

import java.io.IOException;

/** A response body over the context's {@link ResponseLimits}; the exchange was aborted. */
public final class ResponseTooLargeException extends IOException {

    private final long limit;

    ResponseTooLargeException(String target, long limit) {
        super("the response from " + target + " exceeds " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
