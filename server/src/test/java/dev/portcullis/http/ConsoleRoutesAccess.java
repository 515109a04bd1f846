package dev.portcullis.http;

/** The console's content security policy, for tests outside this package. */
public final class ConsoleRoutesAccess {
    private ConsoleRoutesAccess() {
    }

    public static String csp() {
        return ConsoleRoutes.CSP;
    }
}
