package dev.portcullis.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpCookie;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Console sign-ins for HTTP-level tests: the browser's part played one redirect at a time through a real
 * OpenID provider (mock-oauth2-server, which signs in whoever the test enqueues).
 */
public final class ConsoleSignIns implements AutoCloseable {
    /** A signed-in person: their cookie ("name=value") and their sign-in's CSRF token. */
    public record Person(String cookie, String csrfToken) {
    }

    private final Http gateway;
    private final MockOAuth2Server provider;
    private final HttpClient browser = new HttpClient();

    public ConsoleSignIns(Http gateway, MockOAuth2Server provider) throws Exception {
        this.gateway = gateway;
        this.provider = provider;
        browser.setFollowRedirects(false);
        browser.start();
    }

    /** Signs in as {@code subject} with these claims; the sign-in cookie's "name=value". */
    public String signIn(String subject, Map<String, Object> claims) throws Exception {
        ContentResponse login = get("/console/login", null);
        assertThat(login.getStatus()).isEqualTo(302);
        HttpCookie attempt = cookie(login, "portcullis_signin_attempt");
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, "JWT", null, claims, 3600));
        ContentResponse atProvider = browser.newRequest(URI.create(login.getHeaders().get("Location")))
                .timeout(10, TimeUnit.SECONDS).send();
        URI back = URI.create(atProvider.getHeaders().get("Location"));
        ContentResponse done = get(back.getPath() + "?" + back.getRawQuery(), attempt.getName() + "=" + attempt.getValue());
        assertThat(done.getStatus()).as(done.getContentAsString()).isEqualTo(303);
        HttpCookie signIn = cookie(done, "portcullis_signin");
        return signIn.getName() + "=" + signIn.getValue();
    }

    /** Signs in and reads the sign-in's CSRF token, as the console's pages carry it. */
    public Person person(String subject, Map<String, Object> claims) throws Exception {
        String cookie = signIn(subject, claims);
        ContentResponse session = get("/console/session", cookie);
        assertThat(session.getStatus()).isEqualTo(200);
        return new Person(cookie, JsonMapper.builder().build().readTree(session.getContentAsString()).get("csrfToken").asString());
    }

    private ContentResponse get(String path, String cookie) {
        return Http.send(gateway.request(path).followRedirects(false).headers(h -> {
            if (cookie != null) {
                h.put("Cookie", cookie);
            }
        }));
    }

    private static HttpCookie cookie(ContentResponse r, String name) {
        return r.getHeaders().getValuesList("Set-Cookie").stream().flatMap(h -> HttpCookie.parse(h).stream())
                .filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    @Override
    public void close() throws Exception {
        browser.stop();
    }
}
