package dev.portcullis.upstream;

import java.util.Locale;

/** LibreChat's {@code connectionState}: whether the server is reachable, which is not whether the user is authorized. */
public enum ConnectionState {
    DISCONNECTED, CONNECTING, CONNECTED, ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
