package dev.portcullis.oauth.flow;

/** LibreChat's flow states. A flow moves from PENDING to exactly one of the others, once. */
public enum FlowStatus {
    PENDING, COMPLETED, FAILED
}
