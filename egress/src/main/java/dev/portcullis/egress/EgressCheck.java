package dev.portcullis.egress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The core of {@code portcullis egress check}: "would Portcullis let this through, and why not?". The server
 * wraps it in its command-line parser and owns exit code 2 (usage and config errors).
 */
public final class EgressCheck {

    /** Every target was allowed. */
    public static final int ALL_ALLOWED = 0;
    /** At least one target was blocked. */
    public static final int SOME_BLOCKED = 3;

    private EgressCheck() {
    }

    /**
     * Decides each target and prints one line per target: {@code allow<TAB>TARGET} or
     * {@code block<TAB>TARGET<TAB>CODE: message}. A target without {@code ://} is read as {@code http://TARGET/}.
     *
     * @param targets the targets; when empty, one target per non-blank line of {@code stdin}
     * @return {@link #ALL_ALLOWED} or {@link #SOME_BLOCKED}
     */
    public static int run(EgressPolicy policy, EgressContext context, List<String> targets, BufferedReader stdin,
                          PrintStream out) throws IOException {
        List<String> input = targets.isEmpty() ? readLines(stdin) : targets;
        int exit = ALL_ALLOWED;
        for (String target : input) {
            EgressDecision decision = decide(policy, target, context);
            switch (decision) {
                case EgressDecision.Allow allow -> out.println("allow\t" + target);
                case EgressDecision.Block block -> {
                    out.println("block\t" + target + "\t" + block.describe());
                    exit = SOME_BLOCKED;
                }
            }
        }
        out.flush();
        return exit;
    }

    /**
     * The decision for one target, read as {@link #run} reads it: what the CLI prints and the admin console shows.
     * Only decides (resolving the host when it is a name); never connects.
     */
    public static EgressDecision decide(EgressPolicy policy, String target, EgressContext context) {
        return policy.decide(asUrl(target), context);
    }

    /** {@code host}, {@code host:port} and {@code host/path} become {@code http://...}; full URLs stay as they are. */
    static String asUrl(String target) {
        if (target.contains("://")) {
            return target;
        }
        return "http://" + target + (target.indexOf('/') >= 0 ? "" : "/");
    }

    private static List<String> readLines(BufferedReader stdin) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    /**
     * Parses {@code --resolve} values ({@code HOST=IP[,IP...]}, like curl's option) into answers for a
     * {@link MapHostResolver}. Repeated hosts add addresses. IPs must be canonical literals.
     *
     * @throws IllegalArgumentException with a message fit for a usage error
     */
    public static Map<String, List<InetAddress>> parseResolve(List<String> values) {
        Map<String, List<InetAddress>> answers = new LinkedHashMap<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            if (eq <= 0 || eq == value.length() - 1) {
                throw new IllegalArgumentException("--resolve '" + value + "': expected HOST=IP[,IP...]");
            }
            String host = value.substring(0, eq);
            try {
                Hosts.normalize(host);
            } catch (EgressTargetException e) {
                throw new IllegalArgumentException("--resolve '" + value + "': " + e.block().message(), e);
            }
            List<InetAddress> addresses = answers.computeIfAbsent(host, h -> new ArrayList<>());
            for (String ip : value.substring(eq + 1).split(",", -1)) {
                addresses.add(literal(value, ip));
            }
        }
        return answers;
    }

    private static InetAddress literal(String value, String ip) {
        String text = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
        byte[] address = text.indexOf(':') >= 0 ? IpLiterals.parseIpv6(text) : IpLiterals.parseCanonicalIpv4(text);
        if (address == null) {
            throw new IllegalArgumentException("--resolve '" + value + "': '" + ip
                    + "' is not an IP address (IPv4 as four decimal numbers, or IPv6)");
        }
        return IpLiterals.toInetAddress(address);
    }
}
