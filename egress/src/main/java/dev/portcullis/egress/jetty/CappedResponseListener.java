package dev.portcullis.egress.jetty;

import dev.portcullis.egress.EgressTarget;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/** Buffers one response body and aborts the exchange, with a typed failure, once it grows past the limit. */
final class CappedResponseListener implements Response.Listener {

    private final EgressTarget target;
    private final int redirects;
    private final int limit;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final CompletableFuture<GuardedResponse> result = new CompletableFuture<>();

    CappedResponseListener(EgressTarget target, int redirects, int limit) {
        this.target = target;
        this.redirects = redirects;
        this.limit = limit;
    }

    CompletableFuture<GuardedResponse> result() {
        return result;
    }

    @Override
    public void onHeaders(Response response) {
        long declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declared > limit) {
            response.abort(new ResponseTooLargeException(target.uri(), limit));
        }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        if (body.size() + content.remaining() > limit) {
            response.abort(new ResponseTooLargeException(target.uri(), limit));
            return;
        }
        byte[] bytes = new byte[content.remaining()];
        content.get(bytes);
        body.writeBytes(bytes);
    }

    @Override
    public void onComplete(Result outcome) {
        if (outcome.isFailed()) {
            result.completeExceptionally(outcome.getFailure());
            return;
        }
        Response response = outcome.getResponse();
        result.complete(new GuardedResponse(target, redirects, response.getStatus(), response.getHeaders(),
                body.toByteArray()));
    }
}
