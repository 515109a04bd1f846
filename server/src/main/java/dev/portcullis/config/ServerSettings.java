package dev.portcullis.config;

import java.net.URI;
import java.time.Duration;

/**
 * Where the gateway listens and how it names itself to the outside.
 *
 * @param publicUrl the origin browsers and OAuth providers reach the gateway at; redirect URIs are built from it
 * @param basePath  the front end's base path; OAuth result pages redirect under it
 * @param shutdownTimeout how long a stop waits for in-flight requests before closing what is left
 * @param stallThreshold  how late a virtual thread may start before the scheduler counts as stalled
 */
public record ServerSettings(String host, int port, URI publicUrl, String basePath, Duration shutdownTimeout,
                             Duration stallThreshold) {
    public static final int DEFAULT_PORT = 3080;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STALL_THRESHOLD = Duration.ofSeconds(5);
}
