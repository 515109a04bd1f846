package dev.portcullis.egress;

/**
 * Stable codes for list entries refused at config load (besides the host codes shared with
 * {@link BlockReason}, such as {@code NON_CANONICAL_IPV4}).
 */
public enum ConfigProblem {
    /** An empty entry. */
    EMPTY_ENTRY,
    /** Whitespace inside or around the entry. */
    WHITESPACE,
    /** allowedAddresses entry with a scheme or {@code ://}; or an allowedDomains scheme other than http(s)/ws(s). */
    SCHEME,
    /** A {@code /}: a path, or a CIDR range. */
    PATH_OR_CIDR,
    /** user@ in the entry. */
    USERINFO,
    /** A port outside 1–65535 or not a number. */
    INVALID_PORT,
    /** A wildcard anywhere but a leading {@code *.} of an allowedDomains name, or in allowedAddresses. */
    INVALID_WILDCARD,
    /** A public IP literal in allowedAddresses: it needs no exemption. */
    PUBLIC_ADDRESS,
    /** A list the context does not have (endpoints have no allowedDomains). */
    UNSUPPORTED_LIST;

    public String code() {
        return name();
    }
}
