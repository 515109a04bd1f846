/**
 * The SSRF guard: decides whether an outbound URL may be fetched and enforces that decision on the
 * address actually connected to. Depends on nothing but the JDK; the Jetty adapter needs jetty-client.
 */
package dev.portcullis.egress;
