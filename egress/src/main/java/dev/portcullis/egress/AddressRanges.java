package dev.portcullis.egress;

import java.util.Arrays;
import java.util.List;

/**
 * The one table of denied address ranges. Sources: the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890, RFC 8190; every block there marked "Globally Reachable: False", carve-outs inside a
 * denied block deliberately not honoured), the IANA multicast registries, and the deprecated IPv6 blocks named
 * in the comments. Two blocks are not ranges but wrappers: IPv4-mapped {@code ::ffff:0:0/96} and NAT64
 * {@code 64:ff9b::/96} are judged by the IPv4 address inside them.
 *
 * <p>Order matters only for the label reported: more specific blocks come before the blocks containing them.
 */
final class AddressRanges {

    /** A denied block, printed as {@code 127.0.0.0/8 (loopback, RFC 1122)}. */
    record Range(String cidr, String label, byte[] prefix, int bits) {

        static Range of(String cidr, String label) {
            int slash = cidr.indexOf('/');
            String text = cidr.substring(0, slash);
            byte[] prefix = text.indexOf(':') >= 0 ? IpLiterals.parseIpv6(text) : IpLiterals.parseCanonicalIpv4(text);
            if (prefix == null) {
                throw new IllegalArgumentException(cidr);
            }
            return new Range(cidr, label, prefix, Integer.parseInt(cidr.substring(slash + 1)));
        }

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (prefix[full] & mask);
        }

        @Override
        public String toString() {
            return cidr + " (" + label + ")";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Range r && r.cidr.equals(cidr);
        }

        @Override
        public int hashCode() {
            return cidr.hashCode();
        }
    }

    private static final List<Range> IPV4 = List.of(
            Range.of("0.0.0.0/8", "\"this network\", RFC 791 and RFC 1122"),
            Range.of("10.0.0.0/8", "private-use, RFC 1918"),
            Range.of("100.64.0.0/10", "shared address space (carrier-grade NAT), RFC 6598"),
            Range.of("127.0.0.0/8", "loopback, RFC 1122"),
            Range.of("169.254.0.0/16", "link-local and cloud metadata, RFC 3927"),
            Range.of("172.16.0.0/12", "private-use, RFC 1918"),
            // The whole block, including the globally reachable anycast carve-outs 192.0.0.9 and 192.0.0.10:
            // no HTTP origin lives there, and Oracle's metadata service (192.0.0.192) does.
            Range.of("192.0.0.0/24", "IETF protocol assignments, RFC 6890"),
            Range.of("192.0.2.0/24", "documentation TEST-NET-1, RFC 5737"),
            Range.of("192.88.99.0/24", "deprecated 6to4 relay anycast, RFC 7526"),
            Range.of("192.168.0.0/16", "private-use, RFC 1918"),
            Range.of("198.18.0.0/15", "benchmarking, RFC 2544"),
            Range.of("198.51.100.0/24", "documentation TEST-NET-2, RFC 5737"),
            Range.of("203.0.113.0/24", "documentation TEST-NET-3, RFC 5737"),
            Range.of("224.0.0.0/4", "multicast, RFC 5771"),
            Range.of("240.0.0.0/4", "reserved and limited broadcast, RFC 1112 and RFC 919"));

    private static final List<Range> IPV6 = List.of(
            Range.of("::/128", "unspecified, RFC 4291"),
            Range.of("::1/128", "loopback, RFC 4291"),
            Range.of("::/96", "deprecated IPv4-compatible, RFC 4291 section 2.5.5.1"),
            Range.of("::ffff:0:0:0/96", "IPv4-translated, RFC 6145"),
            Range.of("64:ff9b:1::/48", "local-use IPv4/IPv6 translation, RFC 8215"),
            Range.of("100::/64", "discard-only, RFC 6666"),
            Range.of("100:0:0:1::/64", "dummy prefix, IANA IPv6 special-purpose registry"),
            // The whole block: Teredo (2001::/32, RFC 4380) embeds an arbitrary IPv4 address, and the
            // globally reachable carve-outs (PCP/TURN anycast, AMT, AS112, ORCHIDv2) host no HTTP origins.
            Range.of("2001::/23", "IETF protocol assignments incl. Teredo, RFC 2928"),
            Range.of("2001:db8::/32", "documentation, RFC 3849"),
            // 6to4 embeds an arbitrary IPv4 address and relays are gone (RFC 7526); deny it whole.
            Range.of("2002::/16", "6to4, RFC 3056"),
            Range.of("3fff::/20", "documentation, RFC 9637"),
            Range.of("5f00::/16", "SRv6 SIDs, RFC 9602"),
            Range.of("fc00::/7", "unique-local, RFC 4193"),
            Range.of("fe80::/10", "link-local, RFC 4291"),
            Range.of("fec0::/10", "deprecated site-local, RFC 3879"),
            Range.of("ff00::/8", "multicast, RFC 4291"));

    /** IPv4-mapped addresses never appear on the wire; the socket talks to the IPv4 address inside. */
    private static final Range MAPPED = Range.of("::ffff:0:0/96", "IPv4-mapped, RFC 4291 section 2.5.5.2");
    /** Well-known NAT64 prefix: a NAT64 gateway connects to the IPv4 address in the last 32 bits. */
    private static final Range NAT64 = Range.of("64:ff9b::/96", "IPv4/IPv6 translation, RFC 6052");

    private AddressRanges() {
    }

    /** The denied range the address lies in, or null when it is a public destination. */
    static Range denied(byte[] address) {
        if (address.length == 16 && (MAPPED.contains(address) || NAT64.contains(address))) {
            return find(IPV4, Arrays.copyOfRange(address, 12, 16));
        }
        return find(address.length == 4 ? IPV4 : IPV6, address);
    }

    /** Whether the address is judged by the IPv4 address it embeds (IPv4-mapped or NAT64). */
    static boolean embedsIpv4(byte[] address) {
        return address.length == 16 && (MAPPED.contains(address) || NAT64.contains(address));
    }

    private static Range find(List<Range> ranges, byte[] address) {
        for (Range range : ranges) {
            if (range.contains(address)) {
                return range;
            }
        }
        return null;
    }
}
