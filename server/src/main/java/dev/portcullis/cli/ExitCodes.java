package dev.portcullis.cli;

/** Exit codes shared by the commands. */
final class ExitCodes {
    static final int OK = 0;
    /** The command ran and found a problem (an invalid configuration, a failed start). */
    static final int FAILURE = 1;
    /** The command line itself was wrong. */
    static final int USAGE = 2;

    private ExitCodes() {
    }
}
