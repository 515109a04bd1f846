package dev.portcullis.config;

/** Shared state across replicas. The URL may carry a password, so it is kept sealed. */
public record RedisSettings(Secret url) {
}
