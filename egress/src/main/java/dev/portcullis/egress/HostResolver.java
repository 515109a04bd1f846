package dev.portcullis.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Answers DNS for the guard (rule 4). The guard only ever passes names it has validated, never IP literals, and
 * connects only to the addresses returned here, after checking every one of them.
 */
@FunctionalInterface
public interface HostResolver {

    /**
     * All addresses (A and AAAA) for a host name.
     *
     * @throws UnknownHostException when the name does not resolve; the guard then fails closed
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The platform resolver ({@code InetAddress.getAllByName}, with the JDK's DNS cache). */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
