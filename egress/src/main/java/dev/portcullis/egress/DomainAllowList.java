package dev.portcullis.egress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Rule 5: {@code allowedDomains}, a strict whitelist when non-empty. An entry is an exact host or
 * {@code *.domain} (the domain itself and any subdomain), with an optional scheme and port.
 */
final class DomainAllowList {

    /** How strongly a target matched; the order is the precedence when several entries match. */
    enum Match {
        NONE,
        /** {@code *.example.com}: the name is allowed, its addresses are still checked. */
        PUBLIC_WILDCARD,
        /** {@code *.internal} and friends: the zone is private by definition, so its addresses may be too. */
        PRIVATE_WILDCARD,
        /** The operator named this very host: it may be a private one. */
        EXACT
    }

    record Entry(String scheme, String host, boolean wildcard, int port) {

        Match match(EgressTarget t) {
            if ((scheme != null && !scheme.equals(t.scheme())) || (port != 0 && port != t.port())) {
                return Match.NONE;
            }
            if (wildcard) {
                if (!InternalNames.inZone(t.host(), host)) {
                    return Match.NONE;
                }
                return InternalNames.isPrivateZone(host) ? Match.PRIVATE_WILDCARD : Match.PUBLIC_WILDCARD;
            }
            return sameHost(host, t.host()) ? Match.EXACT : Match.NONE;
        }

        private static boolean sameHost(String entryHost, String targetHost) {
            if (entryHost.equals(targetHost)) {
                return true;
            }
            byte[] a = Hosts.literal(entryHost);
            byte[] b = a == null ? null : Hosts.literal(targetHost);
            return b != null && Arrays.equals(a, b);
        }
    }

    private final List<Entry> entries;

    private DomainAllowList(List<Entry> entries) {
        this.entries = entries;
    }

    static final DomainAllowList EMPTY = new DomainAllowList(List.of());

    boolean isEmpty() {
        return entries.isEmpty();
    }

    Match match(EgressTarget target) {
        Match best = Match.NONE;
        for (Entry entry : entries) {
            Match m = entry.match(target);
            if (m.compareTo(best) > 0) {
                best = m;
            }
        }
        return best;
    }

    /** Compiles the raw entries, adding a problem for each bad one; the result holds only the good ones. */
    static DomainAllowList compile(EgressContext ctx, List<String> raw, List<EgressConfigProblem> problems) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            try {
                entries.add(parse(raw.get(i)));
            } catch (EntryParsing.BadEntry bad) {
                EntryParsing.collect(problems, ctx, EgressConfigProblem.ALLOWED_DOMAINS, i, bad);
            }
        }
        return entries.isEmpty() ? EMPTY : new DomainAllowList(List.copyOf(entries));
    }

    static Entry parse(String entry) throws EntryParsing.BadEntry {
        EntryParsing.checkCommon(entry);
        String text = entry.toLowerCase(Locale.ROOT);
        String scheme = null;
        int sep = text.indexOf("://");
        if (sep >= 0) {
            scheme = text.substring(0, sep);
            if (EgressTarget.defaultPort(scheme) < 0) {
                throw new EntryParsing.BadEntry(ConfigProblem.SCHEME, "'" + entry + "' has the scheme '" + scheme
                        + "'; use http, https, ws or wss, or leave the scheme out to allow any");
            }
            text = text.substring(sep + 3);
        }
        if (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1); // "https://api.example.com/" names the origin
        }
        if (text.indexOf('/') >= 0) {
            throw new EntryParsing.BadEntry(ConfigProblem.PATH_OR_CIDR, "'" + entry
                    + "' has a path or CIDR suffix; allowedDomains entries name hosts, e.g. '"
                    + text.substring(0, text.indexOf('/')) + "'");
        }
        boolean wildcard = text.startsWith("*.");
        if (wildcard) {
            text = text.substring(2);
        }
        EntryParsing.HostPort hp = EntryParsing.HostPort.split(text);
        if (hp.host().indexOf('*') >= 0) {
            throw new EntryParsing.BadEntry(ConfigProblem.INVALID_WILDCARD, "'" + entry
                    + "' has a '*' that is not a leading '*.'; write '*.example.com' for a domain and its"
                    + " subdomains, and list addresses one by one");
        }
        String host = EntryParsing.host(entry, hp.host());
        int port = EntryParsing.port(entry, hp.portText(), (wildcard ? "*." : "") + host + ":443");
        if (wildcard && Hosts.literal(host) != null) {
            throw new EntryParsing.BadEntry(ConfigProblem.INVALID_WILDCARD, "'" + entry
                    + "' puts a wildcard on an IP address; list the address itself, e.g. '" + host + "'");
        }
        return new Entry(scheme, host, wildcard, port);
    }
}
