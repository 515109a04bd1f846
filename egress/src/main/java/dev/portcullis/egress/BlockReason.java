package dev.portcullis.egress;

/**
 * Every reason a target can be refused. The {@link #code()} strings are a stable interface: operators grep
 * logs for them and the CLI prints them; never rename one.
 */
public enum BlockReason {
    /** Not a URL this guard can read: no {@code //authority}, an empty string, a relative reference. */
    INVALID_URL,
    /** The URL has no scheme; OAuth URLs and policy checks need absolute URLs. */
    MISSING_SCHEME,
    /** The scheme is not one the context allows (MCP: http, https, ws, wss; others: http, https). */
    SCHEME_NOT_ALLOWED,
    /** The authority carries {@code user:password@}; parsers disagree about where the host starts. */
    USERINFO,
    /** A backslash anywhere; WHATWG reads it as a slash, java.net.URI rejects it, older URL reads it as userinfo. */
    BACKSLASH,
    /** Whitespace or a control character anywhere in the URL. */
    WHITESPACE_OR_CONTROL,
    /** Non-ASCII characters outside the host; percent-encode them. */
    NON_ASCII,
    /** A percent sign in the host; java.net.URI decodes {@code %31%32%37.0.0.1} into 127.0.0.1. */
    PERCENT_ENCODED_HOST,
    /** An IPv6 zone id ({@code %eth0}); it selects a local interface. */
    ZONE_ID,
    /** No host at all. */
    EMPTY_HOST,
    /** {@code a..b}, a leading dot, or more than one trailing dot. */
    EMPTY_LABEL,
    /** Characters a hostname cannot have, a label over 63 characters, or a name IDNA cannot convert. */
    INVALID_HOST,
    /** A bracketed host that is not a valid IPv6 address. */
    INVALID_IPV6,
    /** A port outside 1–65535, empty, signed or not decimal. */
    INVALID_PORT,
    /** An IPv4 address not written as four decimal parts without leading zeros (short, hex, octal, dword, overflow). */
    NON_CANONICAL_IPV4,
    /** A name that is internal by definition: localhost, *.local, *.internal, *.home.arpa, single labels. */
    INTERNAL_NAME,
    /** The address (literal or resolved) lies in a denied range. */
    DENIED_ADDRESS,
    /** The name did not resolve; the guard fails closed. */
    DNS_FAILURE,
    /** allowedDomains is set for the context and the target matches none of its entries. */
    DOMAIN_NOT_ALLOWED,
    /** A redirect chain longer than the limit. */
    REDIRECT_LIMIT,
    /** A redirect whose Location is missing or cannot be resolved against the request URL. */
    REDIRECT_INVALID,
    /** A request reached the guarded client without an {@code EgressTag} saying why it is made. */
    NO_CONTEXT;

    /** The stable code, e.g. {@code DENIED_ADDRESS}. */
    public String code() {
        return name();
    }

    EgressDecision.Block block(String message) {
        return new EgressDecision.Block(code(), message);
    }
}
