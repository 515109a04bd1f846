/**
 * The network transports of upstream MCP connections, as the SDK's {@code McpClientTransport}s on the gateway's
 * one egress-guarded Jetty {@code HttpClient}: {@link dev.portcullis.upstream.transport.StreamableHttpClientTransport},
 * {@link dev.portcullis.upstream.transport.SseClientTransport} (legacy HTTP+SSE),
 * {@link dev.portcullis.upstream.transport.WebSocketClientTransport}, and
 * {@link dev.portcullis.upstream.transport.TransportProbe} for a URL configured without a type.
 *
 * <p>What the connection manager can rely on:
 * <ul>
 *   <li>Every failure of a request reaches the SDK caller as one {@link dev.portcullis.upstream.UpstreamException}
 *       kind (the SDK's sync client rethrows it as it is; {@code initialize()} wraps it, so look at the root
 *       cause there). Give the SDK client a {@code requestTimeout} above {@code HttpTransportSettings.requestTimeout}
 *       so the transport's typed Timeout wins over the SDK's untyped one.</li>
 *   <li>Egress: URLs are parsed by the guard's strict parser before any I/O, the guard's resolver decides every
 *       connection (a refused URL fails with Blocked before a socket is opened), and 307/308 are followed by hand
 *       (at most five hops, each decided again without exemptions — so a redirect to an exempted private
 *       address is refused even on the same origin; credentials, the session and configured headers are
 *       dropped on a cross-origin hop). Other redirects fail as ProtocolViolation.</li>
 *   <li>Session loss on Streamable HTTP is SessionExpired, for 404 and also for 400 to a request that carried a
 *       session id (server-everything and other TypeScript-SDK servers answer 400); on it, replace the
 *       connection (new transport and client) and retry the call once.</li>
 *   <li>Blocking work runs on virtual threads; Reactor appears only at the SDK's Mono signatures.</li>
 * </ul>
 */
package dev.portcullis.upstream.transport;
