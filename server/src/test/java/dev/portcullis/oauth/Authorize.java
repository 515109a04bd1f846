package dev.portcullis.oauth;

import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;

/**
 * Plays the user's browser against an auto-approving authorization server: GET the authorization
 * URL without following redirects and read the callback parameters from {@code Location}.
 */
final class Authorize {
    private Authorize() {
    }

    static Map<String, String> callbackParams(HttpClient client, AuthorizationRequest request) throws Exception {
        ContentResponse response = GuardedHttpClients.newRequest(client, EgressTarget.parse(request.url().toString()),
                EgressContext.OAUTH).timeout(10, TimeUnit.SECONDS).send();
        String location = response.getHeaders().get("Location");
        if (response.getStatus() / 100 != 3 || location == null) {
            throw new AssertionError("the authorization endpoint answered " + response.getStatus() + ": "
                    + response.getContentAsString());
        }
        String query = URI.create(location).getRawQuery();
        return Arrays.stream(query.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
                p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                p -> p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : ""));
    }
}
