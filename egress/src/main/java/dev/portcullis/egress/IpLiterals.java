package dev.portcullis.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Strict IP literal parsing. Written here rather than delegated to {@code InetAddress.getByName} or
 * {@code ofLiteral}, which read {@code 127.1}, {@code 2130706433} and {@code 0177.0.0.1} as addresses: the guard
 * accepts only the one canonical IPv4 spelling and standard IPv6 text, and refuses the rest instead of guessing
 * which address another parser would see.
 */
final class IpLiterals {

    private IpLiterals() {
    }

    /** Four decimal parts 0–255 without leading zeros, or null. */
    static byte[] parseCanonicalIpv4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int i = 0;
        int n = s.length();
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 4 && isDigit(s.charAt(i))) {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part < 4) {
                if (i >= n || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == n ? out : null;
    }

    /**
     * WHATWG's "ends in a number" test: the last label is decimal digits or {@code 0x} hex. Browsers and curl
     * then read the whole host as an IPv4 address in some inet_aton form, so such a host is either canonical
     * dotted-quad or refused; it is never looked up as a name.
     */
    static boolean endsInNumber(String host) {
        String last = host.substring(host.lastIndexOf('.') + 1);
        if (last.isEmpty()) {
            return false;
        }
        if (last.startsWith("0x")) {
            for (int i = 2; i < last.length(); i++) {
                if (hexDigit(last.charAt(i)) < 0) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < last.length(); i++) {
            if (!isDigit(last.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 4291 section 2.2 text (with an optional trailing dotted IPv4), no brackets, no zone; or null. One pass
     * over the characters: this runs on every IPv6 literal decision.
     */
    static byte[] parseIpv6(String s) {
        int n = s.length();
        if (n < 2) {
            return null;
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (count == 8) {
                return null;
            }
            int j = i;
            int value = 0;
            while (j < n && j - i < 5 && hexDigit(s.charAt(j)) >= 0) {
                value = (value << 4) | hexDigit(s.charAt(j));
                j++;
            }
            if (j < n && s.charAt(j) == '.') {
                byte[] v4 = count > 6 ? null : parseCanonicalIpv4(s.substring(i));
                if (v4 == null) {
                    return null;
                }
                groups[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                groups[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                break;
            }
            if (j == i || j - i > 4) {
                return null;
            }
            groups[count++] = value;
            i = j;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':' || ++i == n) {
                return null; // a character that is not a separator, or a single trailing colon
            }
            if (s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] out = new byte[16];
        int head = gap < 0 ? count : gap;
        for (int g = 0; g < head; g++) {
            put(out, g, groups[g]);
        }
        for (int g = head; g < count; g++) {
            put(out, 8 - count + g, groups[g]);
        }
        return out;
    }

    private static void put(byte[] out, int group, int value) {
        out[2 * group] = (byte) (value >>> 8);
        out[2 * group + 1] = (byte) value;
    }

    /**
     * The form addresses are compared in: IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) becomes the 4-byte IPv4
     * address, as the JDK does when it builds an {@code InetAddress} from it.
     */
    static byte[] canonical(byte[] address) {
        if (address.length == 16 && isMapped(address)) {
            return Arrays.copyOfRange(address, 12, 16);
        }
        return address;
    }

    static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /** Builds the address object without any lookup; the host name stays unset so nothing resolves it later. */
    static InetAddress toInetAddress(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not 4 or 16 bytes", e);
        }
    }

    /** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed). */
    static String format(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** ASCII only: Character.digit would also take full-width and other Unicode digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
