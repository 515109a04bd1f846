/**
 * The OAuth client core: how Portcullis gets each user authorized at remote MCP servers, following
 * MCP authorization 2025-11-25 and the client rules of 2026-07-28 (numbers in comments refer to
 * {@code mcp-auth-checklist.md} §4). One attempt, as the flow layer drives it:
 *
 * <ol>
 *   <li>a 401 from the server → {@link dev.portcullis.oauth.WwwAuthenticate#bearer} →
 *       {@link dev.portcullis.oauth.Discovery#discover} (protected resource metadata, then authorization
 *       server metadata, both checked) — or {@link dev.portcullis.oauth.PinnedServer} when the operator
 *       pinned the endpoints;</li>
 *   <li>{@link dev.portcullis.oauth.ClientIdentities#resolve}: pre-registered → client ID metadata
 *       document → dynamic registration, stored per issuer in {@link dev.portcullis.oauth.RegisteredClients};</li>
 *   <li>{@link dev.portcullis.oauth.Scopes#initial} (or {@link dev.portcullis.oauth.StepUp#nextScopes}
 *       after a 403) and {@link dev.portcullis.oauth.AuthorizationRequests#create}: the caller persists
 *       the {@link dev.portcullis.oauth.AuthorizationRequest} and sends the user to its URL;</li>
 *   <li>at the callback, {@link dev.portcullis.oauth.AuthorizationCallback#code} checks state and
 *       {@code iss}, then {@link dev.portcullis.oauth.TokenClient#exchange}; later
 *       {@link dev.portcullis.oauth.TokenClient#refresh} and {@link dev.portcullis.oauth.TokenClient#revoke}.</li>
 * </ol>
 *
 * <p>Every request leaves through {@link dev.portcullis.oauth.OAuthHttp}, the guarded Jetty client in
 * the {@code OAUTH} egress context. Every failure is an {@link dev.portcullis.oauth.OAuthException}
 * carrying an {@link dev.portcullis.oauth.OAuthFailure}; tokens, secrets and codes are
 * {@link dev.portcullis.config.Secret}s and appear in no message.
 */
package dev.portcullis.oauth;
