package dev.portcullis.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
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

    /** How long the platform resolver may take before a name counts as not resolving. */
    Duration SYSTEM_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The platform resolver ({@code InetAddress.getAllByName}, with the JDK's DNS cache), run on
     * platform threads with a time limit so that a slow name server never holds a virtual thread's
     * carrier (see {@link OffloadedHostResolver}). One instance for the whole process.
     */
    static HostResolver system() {
        return SystemResolver.INSTANCE;
    }

    /** Lookups of {@code delegate} run on platform threads, failing closed after {@code timeout}. */
    static HostResolver offloaded(HostResolver delegate, Duration timeout) {
        return new OffloadedHostResolver(delegate, timeout);
    }
}

/** Holds the one offloaded platform resolver, created on first use. */
final class SystemResolver {
    static final HostResolver INSTANCE = new OffloadedHostResolver(host -> List.of(InetAddress.getAllByName(host)),
            HostResolver.SYSTEM_TIMEOUT);

    private SystemResolver() {
    }
}
