package dev.portcullis.egress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rule 6: {@code allowedAddresses}, exemptions for targets the address or name rules would deny. Never a
 * whitelist. An entry is a hostname or an IP literal, with an optional port; a bare entry exempts every port.
 * Matching is literal: the same name, or the same address in canonical form, and the port when one is given.
 */
final class AddressExemptions {

    /** Exactly one of {@code name} and {@code address} is set; {@code port} 0 means every port. */
    record Entry(String name, byte[] address, int port) {

        boolean matchesName(String host, int targetPort) {
            return name != null && name.equals(host) && (port == 0 || port == targetPort);
        }

        boolean matchesAddress(byte[] canonicalAddress, int targetPort) {
            return address != null && Arrays.equals(address, canonicalAddress) && (port == 0 || port == targetPort);
        }
    }

    static final AddressExemptions NONE = new AddressExemptions(List.of());

    private final List<Entry> entries;

    private AddressExemptions(List<Entry> entries) {
        this.entries = entries;
    }

    /** Whether a host name entry exempts this name; it then trusts every address the name resolves to. */
    boolean exemptsName(String host, int port) {
        for (Entry e : entries) {
            if (e.matchesName(host, port)) {
                return true;
            }
        }
        return false;
    }

    boolean exemptsAddress(byte[] address, int port) {
        byte[] canonical = IpLiterals.canonical(address);
        for (Entry e : entries) {
            if (e.matchesAddress(canonical, port)) {
                return true;
            }
        }
        return false;
    }

    static AddressExemptions compile(EgressContext ctx, List<String> raw, List<EgressConfigProblem> problems) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            try {
                entries.add(parse(raw.get(i)));
            } catch (EntryParsing.BadEntry bad) {
                EntryParsing.collect(problems, ctx, EgressConfigProblem.ALLOWED_ADDRESSES, i, bad);
            }
        }
        return entries.isEmpty() ? NONE : new AddressExemptions(List.copyOf(entries));
    }

    static Entry parse(String entry) throws EntryParsing.BadEntry {
        EntryParsing.checkCommon(entry);
        int sep = entry.indexOf("://");
        if (sep >= 0) {
            String rest = entry.substring(sep + 3);
            throw new EntryParsing.BadEntry(ConfigProblem.SCHEME, "'" + entry
                    + "' has a scheme; allowedAddresses entries are host or host:port, e.g. '" + stripPath(rest) + "'");
        }
        if (entry.indexOf('/') >= 0) {
            throw new EntryParsing.BadEntry(ConfigProblem.PATH_OR_CIDR, "'" + entry
                    + "' has a '/'; ranges and paths are not supported, list each address (e.g. '"
                    + stripPath(entry) + "') or its host name");
        }
        if (entry.indexOf('*') >= 0) {
            throw new EntryParsing.BadEntry(ConfigProblem.INVALID_WILDCARD, "'" + entry
                    + "' has a '*'; allowedAddresses entries match literally, list each host or address");
        }
        EntryParsing.HostPort hp = EntryParsing.HostPort.split(entry);
        String host = EntryParsing.host(entry, hp.host());
        int port = EntryParsing.port(entry, hp.portText(), Hosts.forUri(host) + ":8080");
        byte[] literal = Hosts.literal(host);
        if (literal == null) {
            return new Entry(host, null, port);
        }
        if (AddressRanges.denied(literal) == null) {
            throw new EntryParsing.BadEntry(ConfigProblem.PUBLIC_ADDRESS, "'" + entry + "' is a public address and"
                    + " needs no exemption; remove it (to limit where requests may go, use allowedDomains)");
        }
        return new Entry(null, literal, port);
    }

    private static String stripPath(String text) {
        int slash = text.indexOf('/');
        return slash < 0 ? text : text.substring(0, slash);
    }
}
