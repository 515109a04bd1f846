package dev.portcullis.oauth;

import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPRequest;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPResponse;
import dev.portcullis.config.Secret;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * Sends Nimbus' token, registration and revocation requests on the guarded client instead of
 * Nimbus' own {@code HttpURLConnection} (DESIGN.md, "one door out"). Redirects are returned, not
 * followed; a refused URL surfaces as {@link dev.portcullis.egress.EgressBlockedException}.
 */
final class GuardedSender implements HTTPRequestSender {
    private final OAuthHttp http;
    private final Map<String, Secret> extraHeaders;

    GuardedSender(OAuthHttp http, Map<String, Secret> extraHeaders) {
        this.http = http;
        this.extraHeaders = Map.copyOf(extraHeaders);
    }

    @Override
    public ReadOnlyHTTPResponse send(ReadOnlyHTTPRequest nimbus) throws IOException {
        Request request = http.newRequest(nimbus.getURI().toString()).method(nimbus.getMethod().name());
        String contentType = null;
        for (Map.Entry<String, List<String>> header : nimbus.getHeaderMap().entrySet()) {
            if (header.getKey().equalsIgnoreCase("Content-Type")) {
                contentType = header.getValue().getFirst();
                continue; // the body content carries it
            }
            header.getValue().forEach(v -> request.headers(h -> h.add(header.getKey(), v)));
        }
        extraHeaders.forEach((name, value) -> request.headers(h -> h.put(name, value.reveal())));
        if (nimbus.getBody() != null) {
            request.body(new StringRequestContent(contentType, nimbus.getBody()));
        }
        ContentResponse response;
        try {
            response = new CompletableResponseListener(request, http.maxResponseBytes()).send()
                    .get(http.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (TimeoutException e) {
            request.abort(e);
            throw new IOException("no answer from " + nimbus.getURI().getHost() + " within " + http.timeout(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpResponseException refused && refused.getResponse() != null) {
                // Jetty's authentication handler fails a 401 that lacks WWW-Authenticate (common for
                // invalid_client); the status still tells the caller what happened, without the body.
                return convert(refused.getResponse().getStatus(), refused.getResponse().getHeaders(), "");
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        return convert(response.getStatus(), response.getHeaders(), response.getContentAsString());
    }

    private static HTTPResponse convert(int status, HttpFields headers, String body) {
        HTTPResponse out = new HTTPResponse(status);
        for (HttpField field : headers) {
            out.setHeader(field.getName(), field.getValue());
        }
        if (!body.isEmpty()) {
            out.setBody(body);
        }
        return out;
    }
}
