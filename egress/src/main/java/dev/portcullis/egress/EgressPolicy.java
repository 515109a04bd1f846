package dev.portcullis.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The SSRF policy: the operator's lists per context, compiled once, plus the resolver. Thread-safe and
 * immutable; build one at startup and share it.
 *
 * <p>The decision order: scheme for the context, then allowedDomains (a whitelist when set), then the target's
 * host — an IP literal is judged by the range table, a name by the internal-name rule and then by every address
 * it resolves to. Operator trust (an exact allowedDomains entry, a wildcard under a private-use zone, an
 * allowedAddresses entry) lifts the name and address rules for first-hand targets only; redirect targets get
 * none of it.
 */
public final class EgressPolicy {

    private record Rules(DomainAllowList domains, AddressExemptions exemptions) {
    }

    private static final Rules NO_LISTS = new Rules(DomainAllowList.EMPTY, AddressExemptions.NONE);

    private final Map<EgressContext, Rules> rules;
    private final HostResolver resolver;

    private EgressPolicy(Map<EgressContext, Rules> rules, HostResolver resolver) {
        this.rules = rules;
        this.resolver = resolver;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks every entry of one context's lists without building anything, so config checking can report all
     * problems at once.
     */
    public static List<EgressConfigProblem> validate(EgressContext context, EgressLists lists) {
        List<EgressConfigProblem> problems = new ArrayList<>();
        compile(context, lists, problems);
        return List.copyOf(problems);
    }

    /** Parses the URL strictly and decides; a URL the parser refuses is a {@link EgressDecision.Block}. */
    public EgressDecision decide(String url, EgressContext context) {
        try {
            return decide(EgressTarget.parse(url), context, true);
        } catch (EgressTargetException e) {
            return e.block();
        }
    }

    /** Decides for a target the operator or a user configured, with the operator's exemptions. */
    public EgressDecision decide(EgressTarget target, EgressContext context) {
        return decide(target, context, true);
    }

    /**
     * Decides for a target a remote server chose (a redirect's Location): allowedDomains still filters, but no
     * exemption applies — neither allowedAddresses nor an allowedDomains entry unlocks a denied name or address.
     */
    public EgressDecision decideRedirect(EgressTarget target, EgressContext context) {
        return decide(target, context, false);
    }

    private EgressDecision decide(EgressTarget t, EgressContext context, boolean operatorTrust) {
        if (!context.allowedSchemes().contains(t.scheme())) {
            return BlockReason.SCHEME_NOT_ALLOWED.block("the scheme '" + t.scheme() + "' is not allowed for "
                    + context + " requests; allowed: " + String.join(", ", context.allowedSchemes().stream().sorted().toList()));
        }
        Rules r = rules.getOrDefault(context.listOwner(), NO_LISTS);
        DomainAllowList.Match match = r.domains().isEmpty() ? DomainAllowList.Match.NONE : r.domains().match(t);
        if (!r.domains().isEmpty() && match == DomainAllowList.Match.NONE) {
            return BlockReason.DOMAIN_NOT_ALLOWED.block(t.scheme() + "://" + t.authority() + " matches no "
                    + listName(context, EgressConfigProblem.ALLOWED_DOMAINS) + " entry; add '" + Hosts.forUri(t.host())
                    + "' (or '*.its-domain') there to allow it");
        }
        boolean domainTrust = operatorTrust
                && (match == DomainAllowList.Match.EXACT || match == DomainAllowList.Match.PRIVATE_WILDCARD);
        // Rule 7: with allowedDomains set, OAuth URLs answer to it alone, so a malicious MCP server cannot aim its
        // OAuth endpoints at a private host the operator exempted for something else.
        boolean useExemptions = operatorTrust && !(context == EgressContext.OAUTH && !r.domains().isEmpty());
        AddressExemptions exemptions = useExemptions ? r.exemptions() : AddressExemptions.NONE;
        boolean trusted = domainTrust || exemptions.exemptsName(t.host(), t.port());

        byte[] literal = Hosts.literal(t.host());
        if (literal != null) {
            if (!trusted) {
                EgressDecision.Block denied = checkAddress(t, literal, exemptions, context, operatorTrust, null);
                if (denied != null) {
                    return denied;
                }
            }
            return new EgressDecision.Allow(t, List.of(IpLiterals.toInetAddress(literal)));
        }
        if (!trusted) {
            String why = InternalNames.why(t.host());
            if (why != null) {
                return BlockReason.INTERNAL_NAME.block("'" + t.host() + "' is " + why + ", internal by definition"
                        + hint(context, operatorTrust, match, t.host() + ":" + t.port()));
            }
        }
        List<InetAddress> answers;
        try {
            answers = resolver.resolve(t.host());
        } catch (UnknownHostException | RuntimeException e) {
            String why = e instanceof OffloadedHostResolver.DnsTimeoutException ? "no DNS answer in time"
                    : e.getClass().getSimpleName();
            return BlockReason.DNS_FAILURE.block("'" + t.host() + "' did not resolve (" + why
                    + "); refusing rather than guessing");
        }
        if (answers == null || answers.isEmpty()) {
            return BlockReason.DNS_FAILURE.block("'" + t.host() + "' resolved to no address");
        }
        if (!trusted) {
            for (InetAddress answer : answers) {
                EgressDecision.Block denied = checkAddress(t, answer.getAddress(), exemptions, context, operatorTrust, t.host());
                if (denied != null) {
                    return denied;
                }
            }
        }
        return new EgressDecision.Allow(t, answers);
    }

    private EgressDecision.Block checkAddress(EgressTarget t, byte[] address, AddressExemptions exemptions,
                                                     EgressContext context, boolean operatorTrust,
                                                     String resolvedFrom) {
        AddressRanges.Range range = AddressRanges.denied(address);
        if (range == null || exemptions.exemptsAddress(address, t.port())) {
            return null;
        }
        String text = IpLiterals.format(address);
        String what = resolvedFrom == null ? text : "'" + resolvedFrom + "' resolved to " + text + ", which";
        String embedded = AddressRanges.embedsIpv4(address) ? " (by the IPv4 address it embeds)" : "";
        return BlockReason.DENIED_ADDRESS.block(what + " is in the denied range " + range + embedded
                + hint(context, operatorTrust, DomainAllowList.Match.NONE,
                Hosts.forUri(IpLiterals.format(IpLiterals.canonical(address))) + ":" + t.port()));
    }

    /** What the operator could configure to reach the target, or why no configuration would help. */
    private String hint(EgressContext context, boolean operatorTrust, DomainAllowList.Match match, String entry) {
        if (!operatorTrust) {
            return "; redirect targets get no exemptions";
        }
        if (match == DomainAllowList.Match.PUBLIC_WILDCARD) {
            return "; a wildcard allowedDomains entry under a public domain never unlocks private targets,"
                    + " name the host exactly in allowedDomains if you mean it";
        }
        if (context == EgressContext.OAUTH && !rules.getOrDefault(EgressContext.MCP, NO_LISTS).domains().isEmpty()) {
            return "; OAuth URLs answer to allowedDomains alone when it is set (allowedAddresses is not consulted)";
        }
        return "; to exempt it, add '" + entry + "' to " + listName(context, EgressConfigProblem.ALLOWED_ADDRESSES);
    }

    private static String listName(EgressContext context, String list) {
        return switch (context.listOwner()) {
            case MCP, OAUTH -> "mcpSettings.";
            case ENDPOINT -> "endpoints.";
            case ACTION -> "actions.";
        } + list;
    }

    private static Rules compile(EgressContext context, EgressLists lists, List<EgressConfigProblem> problems) {
        DomainAllowList domains = DomainAllowList.EMPTY;
        if (context == EgressContext.ENDPOINT && !lists.allowedDomains().isEmpty()) {
            problems.add(new EgressConfigProblem(context, EgressConfigProblem.ALLOWED_DOMAINS, 0,
                    ConfigProblem.UNSUPPORTED_LIST.code(),
                    "endpoints have no allowedDomains; remove the list (use endpoints.allowedAddresses for exemptions)"));
        } else {
            domains = DomainAllowList.compile(context, lists.allowedDomains(), problems);
        }
        return new Rules(domains, AddressExemptions.compile(context, lists.allowedAddresses(), problems));
    }

    /** Collects the lists per context and the resolver; {@link #build()} validates everything at once. */
    public static final class Builder {

        private final Map<EgressContext, EgressLists> lists = new EnumMap<>(EgressContext.class);
        private HostResolver resolver = HostResolver.system();

        private Builder() {
        }

        /**
         * The operator's lists for a context. OAUTH has no lists of its own: it uses the MCP lists
         * ({@code mcpSettings}) with rule 7's precedence.
         */
        public Builder lists(EgressContext context, EgressLists contextLists) {
            if (context == EgressContext.OAUTH) {
                throw new IllegalArgumentException("OAuth URLs use the MCP lists; call lists(MCP, mcpSettings lists)");
            }
            lists.put(context, Objects.requireNonNull(contextLists, "lists"));
            return this;
        }

        /** The DNS seam; the system resolver when not set. */
        public Builder resolver(HostResolver hostResolver) {
            this.resolver = Objects.requireNonNull(hostResolver, "resolver");
            return this;
        }

        /** @throws EgressConfigException listing every bad entry in every context */
        public EgressPolicy build() {
            List<EgressConfigProblem> problems = new ArrayList<>();
            Map<EgressContext, Rules> compiled = new EnumMap<>(EgressContext.class);
            lists.forEach((context, l) -> compiled.put(context, compile(context, l, problems)));
            if (!problems.isEmpty()) {
                throw new EgressConfigException(problems);
            }
            return new EgressPolicy(Map.copyOf(compiled), resolver);
        }
    }
}
