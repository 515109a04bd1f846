package dev.portcullis.config;

import java.net.URI;
import java.util.Optional;

/**
 * How the gateway completes users' OAuth authorizations (Portcullis' own {@code oauth} section).
 *
 * @param allowUnboundCallback LibreChat's lenient mode: accept a callback that carries no browser
 *                             binding while a flow is pending. Off by default: without the binding,
 *                             anyone who gets a user to open a crafted callback URL can attach their
 *                             own account's grant to that user (login CSRF).
 * @param resultUrl            where the browser goes after the callback ({@code /oauth/success} and
 *                             {@code /oauth/error} are appended); empty: the gateway's own pages under
 *                             {@code server.publicUrl} + {@code server.basePath}
 */
public record OAuthFlowSettings(boolean allowUnboundCallback, Optional<URI> resultUrl) {
    public static final OAuthFlowSettings DEFAULTS = new OAuthFlowSettings(false, Optional.empty());
}
