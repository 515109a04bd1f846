package dev.portcullis.config;

/**
 * One thing wrong with a configuration file: where it is and what to do about it. Messages name
 * keys and variables but never the values of the file, so a problem can be printed without
 * leaking a secret that happens to sit at the reported path.
 */
public record ConfigProblem(String file, int line, String path, Severity severity, String message) {

    /**
     * {@code IGNORED} is not a problem but a note: a setting LibreChat's schema accepts that
     * Portcullis does not use, with the reason, so an operator can see what their file does not do.
     */
    public enum Severity { ERROR, WARNING, IGNORED }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    public boolean isWarning() {
        return severity == Severity.WARNING;
    }

    public boolean isIgnored() {
        return severity == Severity.IGNORED;
    }

    /** {@code file:line: path: message}, the shape compilers use, so editors can jump to it. */
    public String describe() {
        String where = line > 0 ? file + ":" + line : file;
        String prefix = switch (severity) {
            case ERROR -> "";
            case WARNING -> "warning: ";
            case IGNORED -> "ignored: ";
        };
        return where + ": " + prefix + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
