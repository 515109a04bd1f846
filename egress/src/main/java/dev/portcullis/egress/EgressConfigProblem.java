package dev.portcullis.egress;

import java.util.Objects;

/**
 * One bad list entry. The message quotes the entry and says what to write instead, so a caller only has to
 * prefix the location (e.g. the YAML line it maps {@code index} to).
 *
 * @param context the context whose list holds the entry
 * @param list    {@code "allowedDomains"} or {@code "allowedAddresses"}
 * @param index   zero-based position of the entry in that list
 * @param code    a stable {@link ConfigProblem#code()}, or a {@link BlockReason#code()} for a host the URL rules refuse
 * @param message what is wrong and what to write instead
 */
public record EgressConfigProblem(EgressContext context, String list, int index, String code, String message) {

    public static final String ALLOWED_DOMAINS = "allowedDomains";
    public static final String ALLOWED_ADDRESSES = "allowedAddresses";

    public EgressConfigProblem {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return context + " " + list + "[" + index + "] " + code + ": " + message;
    }
}
