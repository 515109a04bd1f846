package dev.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rule 3: every denied range with an address inside it and one just outside it. An empty range means allowed. */
class AddressRangesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0.0.0.0          | 0.0.0.0/8
            0.255.255.255    | 0.0.0.0/8
            1.0.0.0          |
            10.0.0.0         | 10.0.0.0/8
            10.255.255.255   | 10.0.0.0/8
            9.255.255.255    |
            11.0.0.0         |
            100.64.0.0       | 100.64.0.0/10
            100.100.100.200  | 100.64.0.0/10
            100.127.255.255  | 100.64.0.0/10
            100.63.255.255   |
            100.128.0.0      |
            127.0.0.1        | 127.0.0.0/8
            127.255.255.255  | 127.0.0.0/8
            126.255.255.255  |
            128.0.0.0        |
            169.254.169.254  | 169.254.0.0/16
            169.254.0.0      | 169.254.0.0/16
            169.253.255.255  |
            169.255.0.0      |
            172.16.0.0       | 172.16.0.0/12
            172.31.255.255   | 172.16.0.0/12
            172.15.255.255   |
            172.32.0.0       |
            192.0.0.0        | 192.0.0.0/24
            192.0.0.9        | 192.0.0.0/24
            192.0.0.192      | 192.0.0.0/24
            191.255.255.255  |
            192.0.1.0        |
            192.0.2.1        | 192.0.2.0/24
            192.0.3.0        |
            192.88.99.1      | 192.88.99.0/24
            192.88.98.255    |
            192.88.100.0     |
            192.168.0.1      | 192.168.0.0/16
            192.168.255.255  | 192.168.0.0/16
            192.167.255.255  |
            192.169.0.0      |
            198.18.0.0       | 198.18.0.0/15
            198.19.255.255   | 198.18.0.0/15
            198.17.255.255   |
            198.20.0.0       |
            198.51.100.7     | 198.51.100.0/24
            198.51.99.255    |
            198.51.101.0     |
            203.0.113.9      | 203.0.113.0/24
            203.0.112.255    |
            203.0.114.0      |
            224.0.0.1        | 224.0.0.0/4
            239.255.255.255  | 224.0.0.0/4
            223.255.255.255  |
            240.0.0.1        | 240.0.0.0/4
            255.255.255.255  | 240.0.0.0/4
            8.8.8.8          |
            192.31.196.1     |
            192.52.193.1     |
            192.175.48.1     |
            ::               | ::/128
            ::1              | ::1/128
            ::2              | ::/96
            ::7f00:1         | ::/96
            ::127.0.0.1      | ::/96
            ::1:0:0          |
            ::ffff:0:7f00:1  | ::ffff:0:0:0/96
            ::ffff:1:0:0     |
            ::1:0:0:0        |
            64:ff9b:1::1     | 64:ff9b:1::/48
            64:ff9b:1:ffff:ffff:ffff:ffff:ffff | 64:ff9b:1::/48
            64:ff9b:2::      |
            64:ff9b:0:ffff:: |
            100::1           | 100::/64
            100::ffff:ffff:ffff:ffff | 100::/64
            100:0:0:1::1     | 100:0:0:1::/64
            100:0:0:2::      |
            ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff |
            2001::1          | 2001::/23
            2001:0:4136:e378:8000:63bf:3fff:fdd2 | 2001::/23
            2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff | 2001::/23
            2001:200::       |
            2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff |
            2001:db8::1      | 2001:db8::/32
            2001:db7:ffff:ffff:ffff:ffff:ffff:ffff |
            2001:db9::       |
            2002:a9fe:a9fe::1 | 2002::/16
            2002:808:808::1  | 2002::/16
            2003::           |
            3fff::1          | 3fff::/20
            3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff | 3fff::/20
            3fff:1000::      |
            3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff |
            5f00::1          | 5f00::/16
            5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff |
            5f01::           |
            fc00::1          | fc00::/7
            fd00:ec2::254    | fc00::/7
            fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | fc00::/7
            fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff |
            fe00::           |
            fe80::1          | fe80::/10
            febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff | fe80::/10
            fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff |
            fec0::1          | fec0::/10
            feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | fec0::/10
            ff00::           | ff00::/8
            ff02::1          | ff00::/8
            2606:4700:4700::1111 |
            2001:4860:4860::8888 |
            2620:4f:8000::1  |
            """)
    void rangeTable(String address, String expectedRange) {
        byte[] bytes = address.contains(":") ? IpLiterals.parseIpv6(address) : IpLiterals.parseCanonicalIpv4(address);
        assertThat(bytes).as("parses").isNotNull();
        AddressRanges.Range range = AddressRanges.denied(bytes);
        assertThat(range == null ? null : range.cidr()).isEqualTo(expectedRange);
    }

    /** IPv4-mapped and NAT64 addresses are judged by the IPv4 address inside them. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ::ffff:127.0.0.1        | 127.0.0.0/8
            ::ffff:7f00:1           | 127.0.0.0/8
            0:0:0:0:0:ffff:127.0.0.1 | 127.0.0.0/8
            ::ffff:169.254.169.254  | 169.254.0.0/16
            ::ffff:a9fe:a9fe        | 169.254.0.0/16
            ::ffff:10.1.2.3         | 10.0.0.0/8
            ::ffff:8.8.8.8          |
            ::ffff:808:808          |
            64:ff9b::127.0.0.1      | 127.0.0.0/8
            64:ff9b::7f00:1         | 127.0.0.0/8
            64:ff9b::a9fe:a9fe      | 169.254.0.0/16
            64:ff9b::c0a8:101       | 192.168.0.0/16
            64:ff9b::808:808        |
            64:ff9b::1.1.1.1        |
            """)
    void ipv4InIpv6(String address, String expectedRange) {
        AddressRanges.Range range = AddressRanges.denied(IpLiterals.parseIpv6(address));
        assertThat(range == null ? null : range.cidr()).isEqualTo(expectedRange);
    }
}
