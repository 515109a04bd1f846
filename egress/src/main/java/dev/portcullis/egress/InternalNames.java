package dev.portcullis.egress;

/**
 * Rule 2: names that are internal by definition, blocked without asking DNS. Sources: RFC 6761 (localhost),
 * RFC 6762 (.local, multicast DNS), ICANN's 2024 reservation of .internal for private use, RFC 8375
 * (home.arpa), and single-label names, which only a local search domain or container network can answer.
 */
final class InternalNames {

    /** The private-use zones: a wildcard allowedDomains entry under one of them may reach private addresses. */
    private static final String[] PRIVATE_ZONES = {"localhost", "local", "internal", "home.arpa"};

    private InternalNames() {
    }

    /** Why the normalized, non-literal host is internal, or null when it is an ordinary public name. */
    static String why(String host) {
        if (host.indexOf('.') < 0) {
            return "a single-label name";
        }
        if (host.equals("localhost.localdomain")) {
            return "a localhost name";
        }
        for (String zone : PRIVATE_ZONES) {
            if (inZone(host, zone)) {
                return "a name under ." + zone;
            }
        }
        return null;
    }

    /** Whether the domain is, or lies under, one of the private-use zones. */
    static boolean isPrivateZone(String domain) {
        for (String zone : PRIVATE_ZONES) {
            if (inZone(domain, zone)) {
                return true;
            }
        }
        return false;
    }

    static boolean inZone(String host, String zone) {
        return host.equals(zone)
                || (host.length() > zone.length() && host.endsWith(zone) && host.charAt(host.length() - zone.length() - 1) == '.');
    }
}
