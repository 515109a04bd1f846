/**
 * The Jetty 12.1 adapter: the one guarded {@code HttpClient} ({@link dev.portcullis.egress.jetty.GuardedHttpClients}),
 * request tags carrying the policy context ({@link dev.portcullis.egress.jetty.EgressTag}), and hand-followed
 * redirects with response caps ({@link dev.portcullis.egress.jetty.RedirectFollower}). Needs jetty-client.
 */
package dev.portcullis.egress.jetty;
