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

    /** RFC 4291 section 2.2 text (with an optional trailing dotted IPv4), no brackets, no zone; or null. */
    static byte[] parseIpv6(String s) {
        if (s.isEmpty()) {
            return null;
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = gap < 0 ? groups(s, true) : groups(s.substring(0, gap), false);
        int[] tail = gap < 0 ? new int[0] : groups(s.substring(gap + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int count = head.length + tail.length;
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int g = 0; g < head.length; g++) {
            put(out, g, head[g]);
        }
        for (int g = 0; g < tail.length; g++) {
            put(out, 8 - tail.length + g, tail[g]);
        }
        return out;
    }

    /** Colon-separated 16-bit groups; a dotted IPv4 may end the address and counts as two groups. */
    private static int[] groups(String part, boolean ipv4AllowedAtEnd) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] pieces = part.split(":", -1);
        int[] out = new int[pieces.length + 1];
        int count = 0;
        for (int p = 0; p < pieces.length; p++) {
            String piece = pieces[p];
            if (ipv4AllowedAtEnd && p == pieces.length - 1 && piece.indexOf('.') >= 0) {
                byte[] v4 = parseCanonicalIpv4(piece);
                if (v4 == null) {
                    return null;
                }
                out[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                continue;
            }
            if (piece.isEmpty() || piece.length() > 4) {
                return null;
            }
            int value = 0;
            for (int i = 0; i < piece.length(); i++) {
                int d = hexDigit(piece.charAt(i));
                if (d < 0) {
                    return null;
                }
                value = (value << 4) | d;
            }
            out[count++] = value;
        }
        return Arrays.copyOf(out, count);
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
