package dev.portcullis.egress;

import java.util.Locale;

/**
 * Rule 1: the one parser for target URLs. It accepts a narrow, unambiguous subset of RFC 3986 and refuses every
 * input on which common parsers (java.net.URI, java.net.URL, WHATWG, curl, glibc) are known to disagree.
 */
final class UrlParser {

    private UrlParser() {
    }

    static EgressTarget parse(String url) throws EgressTargetException {
        if (url == null || url.isEmpty()) {
            throw new EgressTargetException(BlockReason.INVALID_URL, "the URL is empty");
        }
        checkCharacters(url);
        int colon = url.indexOf(':');
        if (!hasScheme(url)) {
            throw new EgressTargetException(BlockReason.MISSING_SCHEME,
                    "'" + url + "' has no scheme; write an absolute URL such as https://" + url);
        }
        String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
        boolean slashes = url.startsWith("//", colon + 1);
        boolean knownScheme = EgressTarget.defaultPort(scheme) >= 0;
        if (!slashes && !knownScheme && colon + 1 < url.length() && isDigit(url.charAt(colon + 1))) {
            // "localhost:8080/x" reads as scheme "localhost"; the operator meant host:port.
            throw new EgressTargetException(BlockReason.MISSING_SCHEME,
                    "'" + url + "' has no scheme; write an absolute URL such as http://" + url);
        }
        if (!knownScheme) {
            throw new EgressTargetException(BlockReason.SCHEME_NOT_ALLOWED,
                    "the scheme '" + scheme + "' is not allowed; use http or https (or ws, wss for MCP)");
        }
        if (!slashes) {
            throw new EgressTargetException(BlockReason.INVALID_URL,
                    "'" + url + "' has no '//' before the host; write " + scheme + "://HOST/...");
        }
        int authorityStart = colon + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = url.substring(authorityStart, authorityEnd);
        if (authority.indexOf('@') >= 0) {
            throw new EgressTargetException(BlockReason.USERINFO,
                    "the URL carries user information before '@'; put credentials in headers, not in the URL");
        }
        String rest = url.substring(authorityEnd);
        int hash = rest.indexOf('#');
        String pathAndQuery = hash >= 0 ? rest.substring(0, hash) : rest;
        if (!Hosts.isAscii(pathAndQuery)) {
            throw new EgressTargetException(BlockReason.NON_ASCII,
                    "the path or query contains non-ASCII characters; percent-encode them as UTF-8");
        }
        checkPathAndQuery(pathAndQuery);
        if (!pathAndQuery.startsWith("/")) {
            pathAndQuery = "/" + pathAndQuery;
        }
        String rawHost;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new EgressTargetException(BlockReason.INVALID_IPV6, "'" + authority + "' has an unclosed '['");
            }
            rawHost = authority.substring(0, close + 1);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (after.charAt(0) != ':') {
                    throw new EgressTargetException(BlockReason.INVALID_HOST,
                            "'" + authority + "' has text after the IPv6 literal");
                }
                portText = after.substring(1);
            }
        } else {
            int portColon = authority.indexOf(':');
            if (portColon >= 0 && authority.indexOf(':', portColon + 1) >= 0) {
                throw new EgressTargetException(BlockReason.INVALID_PORT,
                        "'" + authority + "' has more than one ':'; an IPv6 address must be in brackets");
            }
            rawHost = portColon < 0 ? authority : authority.substring(0, portColon);
            portText = portColon < 0 ? null : authority.substring(portColon + 1);
        }
        int port = portText == null ? EgressTarget.defaultPort(scheme) : parsePort(portText);
        if (port < 0) {
            throw new EgressTargetException(BlockReason.INVALID_PORT,
                    "the port '" + portText + "' is not a number from 1 to 65535");
        }
        return new EgressTarget(scheme, Hosts.normalize(rawHost), port, pathAndQuery);
    }

    /** Refuses backslashes, whitespace and control characters anywhere in the text. */
    static void checkCharacters(String url) throws EgressTargetException {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '\\') {
                throw new EgressTargetException(BlockReason.BACKSLASH,
                        "the URL contains a backslash, which parsers read differently; use '/'");
            }
            if (c <= 0x20 || c == 0x7f || Character.isISOControl(c) || Character.isWhitespace(c)
                    || Character.isSpaceChar(c) || Character.getType(c) == Character.FORMAT) {
                throw new EgressTargetException(BlockReason.WHITESPACE_OR_CONTROL, String.format(
                        "the URL contains whitespace or a control character (U+%04X at index %d)", (int) c, i));
            }
        }
    }

    /**
     * RFC 3986 path and query characters only, with well-formed percent escapes: whatever passes here, every
     * URI parser downstream (Jetty's included) reads the same way.
     */
    static void checkPathAndQuery(String text) throws EgressTargetException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    throw new EgressTargetException(BlockReason.INVALID_URL,
                            "the path or query has a '%' not followed by two hex digits");
                }
            } else if (!isPathChar(c)) {
                throw new EgressTargetException(BlockReason.INVALID_URL,
                        "the path or query contains '" + c + "'; percent-encode it");
            }
        }
    }

    private static boolean isPathChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
    }

    /** Whether the text starts with an RFC 3986 scheme followed by ':'. */
    static boolean hasScheme(String s) {
        int colon = s.indexOf(':');
        if (colon < 1) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = s.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!(letter || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** 1–5 ASCII digits with a value of 1–65535, else -1 (no sign, no empty port, no port 0). */
    static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value >= 1 && value <= 65535 ? value : -1;
    }
}
