package dev.portcullis.upstream;

/** Receives a tool call's progress notifications as the server sends them. */
@FunctionalInterface
public interface ProgressListener {
    void progress(double progress, Double total, String message);
}
