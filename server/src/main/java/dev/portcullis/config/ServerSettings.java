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

    /**
     * Whether a host name or address (as a URL, a listening address or a client's address writes it) is this
     * machine's loopback: {@code localhost}, {@code 127.0.0.0/8}, {@code ::1}.
     */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]")
                || h.equals("0:0:0:0:0:0:0:1");
    }
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STALL_THRESHOLD = Duration.ofSeconds(5);
}
