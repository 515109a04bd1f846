package dev.portcullis.config;

/**
 * One thing wrong with a configuration file: where it is and what to do about it. Messages name
 * keys and variables but never the values of the file, so a problem can be printed without
 * leaking a secret that happens to sit at the reported path.
 */
public record ConfigProblem(String file, int line, String path, Severity severity, String message) {

    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line: path: message}, the shape compilers use, so editors can jump to it. */
    public String describe() {
        String where = line > 0 ? file + ":" + line : file;
        String prefix = severity == Severity.WARNING ? "warning: " : "";
        return where + ": " + prefix + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
