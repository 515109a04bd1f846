package dev.portcullis.console;

import dev.portcullis.egress.EgressCheck;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressDecision;
import dev.portcullis.egress.EgressPolicy;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Admin → Egress check page: "would this URL be let through, and why not?", answered by the same check and
 * policy as {@code portcullis egress check}. It only decides — resolving a host name is part of deciding — and
 * never connects to the URL.
 *
 * @param problems a message per field ({@code url}, {@code context}) that could not be read
 * @param answer the decision, when the question could be asked
 */
public record EgressQuestion(String url, String context, Map<String, String> problems, Optional<Answer> answer) {
    /** A URL longer than this is refused by the form rather than checked. */
    static final int MAX_URL = 2048;
    public static final List<String> CONTEXTS = Arrays.stream(EgressContext.values())
            .map(c -> c.name().toLowerCase(Locale.ROOT)).toList();

    /**
     * The decision as the page shows it.
     *
     * @param code empty when allowed
     * @param addresses the addresses the host stands for, when allowed (a block reports none)
     */
    public record Answer(boolean allowed, String code, String message, List<String> addresses) {
    }

    /** The page before anything is asked. */
    public static EgressQuestion blank() {
        return new EgressQuestion("", "mcp", Map.of(), Optional.empty());
    }

    /** Reads the form's fields and, when they are fine, asks the policy. */
    public static EgressQuestion ask(EgressPolicy policy, String url, String context) {
        String target = url == null ? "" : url.strip();
        String ctx = context == null || context.isBlank() ? "mcp" : context.strip().toLowerCase(Locale.ROOT);
        Map<String, String> problems = new java.util.LinkedHashMap<>();
        if (target.isEmpty()) {
            problems.put("url", "Enter a URL or a host name");
        } else if (target.length() > MAX_URL) {
            problems.put("url", "At most " + MAX_URL + " characters");
        }
        if (!CONTEXTS.contains(ctx)) {
            problems.put("context", "Choose one of " + String.join(", ", CONTEXTS));
        }
        if (!problems.isEmpty()) {
            return new EgressQuestion(target, ctx, Map.copyOf(problems), Optional.empty());
        }
        EgressDecision decision = EgressCheck.decide(policy, target, EgressContext.valueOf(ctx.toUpperCase(Locale.ROOT)));
        Answer answer = switch (decision) {
            case EgressDecision.Allow allow -> new Answer(true, "", "Allowed",
                    allow.addresses().stream().map(InetAddress::getHostAddress).toList());
            case EgressDecision.Block block -> new Answer(false, block.code(), block.message(), List.of());
        };
        return new EgressQuestion(target, ctx, Map.of(), Optional.of(answer));
    }

    public String problem(String field) {
        return problems.getOrDefault(field, "");
    }
}
