package dev.portcullis.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fixed answers for some names, like curl's {@code --resolve}; every other name goes to the fallback. Used by
 * tests and by the CLI's {@code --resolve HOST=IP[,IP...]}.
 */
public final class MapHostResolver implements HostResolver {

    private final Map<String, List<InetAddress>> answers;
    private final HostResolver fallback;

    /**
     * @param answers  host name (any case, trailing dot allowed) to the addresses it resolves to
     * @param fallback asked for every other name
     */
    public MapHostResolver(Map<String, List<InetAddress>> answers, HostResolver fallback) {
        Map<String, List<InetAddress>> copy = new HashMap<>();
        answers.forEach((host, addresses) -> copy.put(key(host), List.copyOf(addresses)));
        this.answers = Map.copyOf(copy);
        this.fallback = fallback;
    }

    /** Fixed answers only: any other name fails to resolve. */
    public static MapHostResolver of(Map<String, List<InetAddress>> answers) {
        return new MapHostResolver(answers, host -> {
            throw new UnknownHostException(host);
        });
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        List<InetAddress> fixed = answers.get(key(host));
        return fixed != null ? fixed : fallback.resolve(host);
    }

    private static String key(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
