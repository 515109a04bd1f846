package dev.portcullis.config;

import java.net.URI;
import java.time.Duration;

/**
 * Where the gateway listens and how it names itself to the outside.
 *
 * @param publicUrl the origin browsers and OAuth providers reach the gateway at; redirect URIs are built from it
 * @param basePath  the front end's base path; OAuth result pages redirect under it
 */
public record ServerSettings(String host, int port, URI publicUrl, String basePath, Duration shutdownTimeout) {
    public static final int DEFAULT_PORT = 3080;
}
