package dev.portcullis.egress.jetty;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.RedirectProtocolHandler;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;

/**
 * An HttpClient that cannot follow redirects on its own. {@code setFollowRedirects(false)} is only a default a
 * request may override, and Jetty's redirector copies the request tag, so a followed hop would connect with the
 * first request's exemptions. HttpClient installs its redirect handler in {@code doStart()}; remove it after.
 *
 * <p>The 401/407 handlers go too: callers (MCP transports, the OAuth client) read challenges themselves, and
 * Jetty's handler turns a 401 without {@code WWW-Authenticate} into an exception that hides the response.
 */
final class GuardedHttpClient extends HttpClient {

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        getProtocolHandlers().remove(RedirectProtocolHandler.NAME);
        getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
    }
}
