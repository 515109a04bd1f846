package dev.portcullis.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Resolvers that never touch DNS: fixed answers, every other name public, and a name that never resolves. */
final class TestResolvers {

    static final String PUBLIC_V4 = "93.184.215.14";

    private TestResolvers() {
    }

    static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    static List<InetAddress> ips(String... literals) {
        return Arrays.stream(literals).map(TestResolvers::ip).toList();
    }

    /** The given answers; "nxdomain.test" fails; any other name resolves to a public address. */
    static HostResolver with(Map<String, List<InetAddress>> answers) {
        return new MapHostResolver(answers, host -> {
            if (host.equals("nxdomain.test")) {
                throw new UnknownHostException(host);
            }
            return List.of(ip(PUBLIC_V4));
        });
    }
}
