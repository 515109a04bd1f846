package dev.portcullis.egress;

import java.util.List;

/**
 * The two operator lists for one context, as written in the configuration (raw strings, validated by
 * {@link EgressPolicy#validate(EgressContext, EgressLists)}).
 *
 * @param allowedDomains   a strict whitelist when non-empty: exact hosts or {@code *.domain}, optionally with
 *                         scheme and port
 * @param allowedAddresses exemptions for otherwise denied targets: a hostname or IP literal, optionally with a port
 */
public record EgressLists(List<String> allowedDomains, List<String> allowedAddresses) {

    private static final EgressLists NONE = new EgressLists(List.of(), List.of());

    public EgressLists {
        allowedDomains = allowedDomains == null ? List.of() : List.copyOf(allowedDomains);
        allowedAddresses = allowedAddresses == null ? List.of() : List.copyOf(allowedAddresses);
    }

    /** No lists: the address rules apply without exemptions. */
    public static EgressLists none() {
        return NONE;
    }

    /** Only exemptions, the form {@code endpoints.allowedAddresses} takes. */
    public static EgressLists addressesOnly(List<String> allowedAddresses) {
        return new EgressLists(List.of(), allowedAddresses);
    }
}
