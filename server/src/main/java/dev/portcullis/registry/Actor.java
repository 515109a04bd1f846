package dev.portcullis.registry;

import dev.portcullis.identity.Caller;
import java.util.Optional;

/** Who makes a change, and from which request: what the audit trail records. */
public record Actor(Caller caller, Optional<String> requestId) {
}
