package dev.portcullis.oauth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Step-up authorization after {@code 403 insufficient_scope} (checklist #31–33): ask again for
 * the union of what was requested before and what the challenge names — a plain refresh never
 * adds scopes — and stop after a fixed number of attempts per resource and operation, or when the
 * challenge asks for nothing new (another round would loop).
 *
 * @param maxAttempts how many step-ups one resource and operation may try
 */
public record StepUp(int maxAttempts) {
    public static final StepUp DEFAULT = new StepUp(2);

    public StepUp {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /**
     * The scopes for the next authorization attempt, or {@code STEP_UP_EXHAUSTED}.
     *
     * @param attemptsSoFar step-ups already run for this resource and operation
     */
    public List<String> nextScopes(List<String> previouslyRequested, BearerChallenge challenge, int attemptsSoFar) {
        if (!challenge.insufficientScope()) {
            throw new IllegalArgumentException("step-up is for insufficient_scope challenges");
        }
        if (attemptsSoFar >= maxAttempts) {
            throw new OAuthException(OAuthFailure.STEP_UP_EXHAUSTED,
                    "the server still wants more scopes after " + attemptsSoFar + " step-up attempts");
        }
        Set<String> union = new LinkedHashSet<>(previouslyRequested);
        union.addAll(challenge.scopes());
        if (union.size() == Set.copyOf(previouslyRequested).size()) {
            throw new OAuthException(OAuthFailure.STEP_UP_EXHAUSTED,
                    "the server refused the token for insufficient scope but names no scope beyond those already granted");
        }
        return List.copyOf(union);
    }
}
