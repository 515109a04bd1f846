package dev.portcullis.egress;

import java.net.IDN;
import java.util.Locale;

/**
 * Host syntax (rule 1): turns the host part of a URL or of a list entry into the one form the guard compares
 * and connects with — lower-case ASCII, one trailing dot removed, IDNA applied, IP literals in canonical text
 * without brackets — or refuses it with a reason.
 */
final class Hosts {

    private static final int MAX_NAME = 253;
    private static final int MAX_LABEL = 63;

    private Hosts() {
    }

    static String normalize(String raw) throws EgressTargetException {
        if (raw.isEmpty()) {
            throw new EgressTargetException(BlockReason.EMPTY_HOST, "the URL has no host");
        }
        if (raw.charAt(0) == '[') {
            if (raw.charAt(raw.length() - 1) != ']') {
                throw new EgressTargetException(BlockReason.INVALID_IPV6, "'" + raw + "' has an unclosed '['");
            }
            return normalizeIpv6(raw.substring(1, raw.length() - 1));
        }
        if (raw.indexOf('%') >= 0) {
            throw new EgressTargetException(BlockReason.PERCENT_ENCODED_HOST,
                    "'" + raw + "' is percent-encoded; write the host in plain text");
        }
        if (raw.indexOf(':') >= 0) {
            return normalizeIpv6(raw);
        }
        String host = isAscii(raw) ? raw : toAscii(raw);
        host = host.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        checkName(raw, host);
        if (IpLiterals.endsInNumber(host) && IpLiterals.parseCanonicalIpv4(host) == null) {
            throw new EgressTargetException(BlockReason.NON_CANONICAL_IPV4, "'" + raw
                    + "' is an IPv4 address in a non-canonical form (short, hex, octal, leading zeros or"
                    + " overflow); write it as four decimal numbers, e.g. 10.0.0.5");
        }
        return host;
    }

    /** Whether the host is already in the form {@link #normalize} produces; cheaper than normalizing again. */
    static boolean isNormalized(String host) {
        if (host.indexOf(':') >= 0) {
            byte[] address = IpLiterals.parseIpv6(host);
            return address != null && IpLiterals.format(address).equals(host);
        }
        try {
            checkName(host, host); // lower-case letters only, no trailing dot, no empty or long labels
        } catch (EgressTargetException e) {
            return false;
        }
        return !IpLiterals.endsInNumber(host) || IpLiterals.parseCanonicalIpv4(host) != null;
    }

    /** The literal's bytes, in {@link IpLiterals#canonical} form, when the normalized host is an IP literal. */
    static byte[] literal(String normalizedHost) {
        if (normalizedHost.indexOf(':') >= 0) {
            return IpLiterals.canonical(IpLiterals.parseIpv6(normalizedHost));
        }
        return IpLiterals.endsInNumber(normalizedHost) ? IpLiterals.parseCanonicalIpv4(normalizedHost) : null;
    }

    /** Brackets an IPv6 literal for use in a URL or Host header. */
    static String forUri(String normalizedHost) {
        return normalizedHost.indexOf(':') >= 0 ? "[" + normalizedHost + "]" : normalizedHost;
    }

    private static String normalizeIpv6(String inner) throws EgressTargetException {
        if (inner.indexOf('%') >= 0) {
            throw new EgressTargetException(BlockReason.ZONE_ID,
                    "'" + inner + "' has an IPv6 zone id; zone ids pick a local interface and are not allowed");
        }
        byte[] address = IpLiterals.parseIpv6(inner);
        if (address == null) {
            throw new EgressTargetException(BlockReason.INVALID_IPV6, "'" + inner + "' is not a valid IPv6 address");
        }
        return IpLiterals.format(address);
    }

    private static String toAscii(String raw) throws EgressTargetException {
        try {
            // IDNA2003 ToASCII also folds look-alikes (full-width digits, circled letters, ideographic full
            // stops) into ASCII; the caller checks the result again, so "ⓛⓞⓒⓐⓛⓗⓞⓢⓣ" meets the localhost rule.
            String ascii = IDN.toASCII(raw);
            if (!isAscii(ascii)) {
                throw new IllegalArgumentException("not ASCII after IDNA");
            }
            return ascii;
        } catch (IllegalArgumentException e) {
            throw new EgressTargetException(BlockReason.INVALID_HOST,
                    "'" + raw + "' is not a valid internationalized domain name");
        }
    }

    private static void checkName(String raw, String host) throws EgressTargetException {
        if (host.isEmpty() || host.length() > MAX_NAME) {
            throw new EgressTargetException(host.isEmpty() ? BlockReason.EMPTY_HOST : BlockReason.INVALID_HOST,
                    host.isEmpty() ? "the URL has no host" : "'" + raw + "' is longer than 253 characters");
        }
        int labelStart = 0;
        for (int i = 0; i <= host.length(); i++) {
            char c = i < host.length() ? host.charAt(i) : '.';
            if (c == '.') {
                int length = i - labelStart;
                if (length == 0) {
                    throw new EgressTargetException(BlockReason.EMPTY_LABEL, "'" + raw + "' has an empty label");
                }
                if (length > MAX_LABEL) {
                    throw new EgressTargetException(BlockReason.INVALID_HOST,
                            "'" + raw + "' has a label longer than 63 characters");
                }
                labelStart = i + 1;
            } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                // Underscores stay: container service names such as rag_api use them.
                throw new EgressTargetException(BlockReason.INVALID_HOST,
                        "'" + raw + "' contains '" + c + "', which a host name cannot contain");
            }
        }
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
