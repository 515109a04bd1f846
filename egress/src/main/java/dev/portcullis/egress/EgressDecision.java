package dev.portcullis.egress;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/** The guard's answer for one target in one context. */
public sealed interface EgressDecision {

    /**
     * The target may be fetched, and only at these addresses: connect to them, never resolve the host again.
     *
     * @param target    the parsed target; build the request from its parts
     * @param addresses every checked address the host stands for (the literal itself, or all DNS answers)
     */
    record Allow(EgressTarget target, List<InetAddress> addresses) implements EgressDecision {
        public Allow {
            Objects.requireNonNull(target, "target");
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * The target is refused.
     *
     * @param code    a stable {@link BlockReason#code()}
     * @param message what was refused and, where the operator can do something, what to configure
     */
    record Block(String code, String message) implements EgressDecision {
        public Block {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        /** {@code CODE: message}, the form the CLI prints. */
        public String describe() {
            return code + ": " + message;
        }
    }

    default boolean allowed() {
        return this instanceof Allow;
    }
}
