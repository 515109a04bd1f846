package dev.portcullis.egress;

import java.util.List;

/** Checks shared by both list kinds, and the failure type that carries a problem to the validator. */
final class EntryParsing {

    /** An entry refused with a stable code and a message that says what to write instead. */
    static final class BadEntry extends Exception {
        final String code;

        BadEntry(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        BadEntry(ConfigProblem problem, String message) {
            this(problem.code(), message);
        }
    }

    private EntryParsing() {
    }

    static void checkCommon(String entry) throws BadEntry {
        if (entry == null || entry.isEmpty()) {
            throw new BadEntry(ConfigProblem.EMPTY_ENTRY, "the entry is empty; remove it");
        }
        for (int i = 0; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
                throw new BadEntry(ConfigProblem.WHITESPACE,
                        "'" + entry + "' contains whitespace; write '" + entry.strip().replaceAll("\\s+", "") + "'");
            }
        }
        if (entry.indexOf('@') >= 0) {
            throw new BadEntry(ConfigProblem.USERINFO,
                    "'" + entry + "' contains '@'; write only the host, e.g. '" + entry.substring(entry.indexOf('@') + 1) + "'");
        }
        if (entry.indexOf('\\') >= 0) {
            throw new BadEntry(BlockReason.BACKSLASH.code(), "'" + entry + "' contains a backslash; remove it");
        }
    }

    /** Splits {@code host}, {@code host:port}, {@code [v6]}, {@code [v6]:port} or a bare IPv6 literal. */
    record HostPort(String host, String portText) {

        static HostPort split(String text) {
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0) {
                    return new HostPort(text, null);
                }
                String after = text.substring(close + 1);
                return new HostPort(text.substring(0, close + 1), after.startsWith(":") ? after.substring(1) : after.isEmpty() ? null : after);
            }
            int first = text.indexOf(':');
            if (first >= 0 && text.indexOf(':', first + 1) >= 0) {
                return new HostPort(text, null); // a bare IPv6 literal: no port possible without brackets
            }
            return first < 0 ? new HostPort(text, null) : new HostPort(text.substring(0, first), text.substring(first + 1));
        }
    }

    static int port(String entry, String portText, String example) throws BadEntry {
        if (portText == null) {
            return 0;
        }
        int port = UrlParser.parsePort(portText);
        if (port < 0) {
            throw new BadEntry(ConfigProblem.INVALID_PORT,
                    "'" + entry + "' has the port '" + portText + "'; use a number from 1 to 65535, e.g. '" + example + "'");
        }
        return port;
    }

    static String host(String entry, String rawHost) throws BadEntry {
        try {
            return Hosts.normalize(rawHost);
        } catch (EgressTargetException e) {
            throw new BadEntry(e.block().code(), "in '" + entry + "': " + e.block().message());
        }
    }

    static void collect(List<EgressConfigProblem> out, EgressContext ctx, String list, int index, BadEntry bad) {
        out.add(new EgressConfigProblem(ctx, list, index, bad.code, bad.getMessage()));
    }
}
