package dev.portcullis.upstream;

/** One connection: a scope and a server. */
public record ConnectionKey(ConnectionScope scope, String serverName) {
}
