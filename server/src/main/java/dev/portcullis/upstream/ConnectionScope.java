package dev.portcullis.upstream;

/**
 * Whose connection it is: the shared app connection of a server that needs nothing per user, or
 * one user's own (OAuth, per-user variables, user placeholders).
 */
public sealed interface ConnectionScope {
    record App() implements ConnectionScope {
    }

    record User(String tenantId, String userId) implements ConnectionScope {
    }

    App APP = new App();
}
