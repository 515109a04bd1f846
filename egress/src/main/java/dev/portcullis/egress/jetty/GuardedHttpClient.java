package dev.portcullis.egress.jetty;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.RedirectProtocolHandler;

/**
 * An HttpClient that cannot follow redirects on its own. {@code setFollowRedirects(false)} is only a default a
 * request may override, and Jetty's redirector copies the request tag, so a followed hop would connect with the
 * first request's exemptions. HttpClient installs its redirect handler in {@code doStart()}; remove it after.
 */
final class GuardedHttpClient extends HttpClient {

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        getProtocolHandlers().remove(RedirectProtocolHandler.NAME);
    }
}
