package dev.portcullis.identity;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URL;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.EgressTargetException;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;

/**
 * Lets Nimbus fetch a JWKS through the gateway's one outbound client instead of its own
 * {@code HttpURLConnection}, with a timeout and a size cap. The JWKS URL is the operator's own, so
 * it is judged like a custom endpoint: a private address needs {@code endpoints.allowedAddresses}.
 */
final class JettyResourceRetriever implements ResourceRetriever {
    private static final int MAX_BYTES = 512 * 1024;

    private final HttpClient client;

    JettyResourceRetriever(HttpClient client) {
        this.client = client;
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        Request request;
        try {
            request = GuardedHttpClients.newRequest(client, EgressTarget.parse(url.toString()), EgressContext.ENDPOINT)
                    .timeout(10, TimeUnit.SECONDS).headers(h -> h.put("Accept", "application/json"));
        } catch (EgressTargetException e) {
            throw new IOException("the JWKS URL is refused: " + e.block().describe(), e);
        }
        try {
            ContentResponse response = new CompletableResponseListener(request, MAX_BYTES).send().get(15, TimeUnit.SECONDS);
            if (response.getStatus() != 200) {
                throw new IOException("JWKS fetch answered HTTP " + response.getStatus());
            }
            return new Resource(response.getContentAsString(), response.getMediaType());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching the JWKS", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot fetch the JWKS", e);
        }
    }
}
