package dev.portcullis.access;

import dev.portcullis.identity.Caller;
import java.util.Optional;

/**
 * Whom a grant is for: one user, a group (a claim of the platform's token), a role, or everyone.
 * Each has LibreChat's type name and an id ({@code ""} for public).
 */
public sealed interface Principal {
    String type();

    String id();

    /** Whether this principal covers the caller. */
    boolean covers(Caller caller);

    record User(String id) implements Principal {
        public String type() {
            return "user";
        }

        public boolean covers(Caller caller) {
            return caller.userId().equals(id);
        }
    }

    record Group(String id) implements Principal {
        public String type() {
            return "group";
        }

        public boolean covers(Caller caller) {
            return caller.groups().contains(id);
        }
    }

    record Role(String id) implements Principal {
        public String type() {
            return "role";
        }

        public boolean covers(Caller caller) {
            return caller.role().equals(id);
        }
    }

    record Public() implements Principal {
        public String type() {
            return "public";
        }

        public String id() {
            return "";
        }

        public boolean covers(Caller caller) {
            return true;
        }
    }

    Public PUBLIC = new Public();

    /** The principal a type name and id denote; empty for an unknown type or a missing id. */
    static Optional<Principal> of(String type, String id) {
        String value = id == null ? "" : id;
        return switch (type == null ? "" : type) {
            case "user" -> value.isBlank() ? Optional.empty() : Optional.of(new User(value));
            case "group" -> value.isBlank() ? Optional.empty() : Optional.of(new Group(value));
            case "role" -> value.isBlank() ? Optional.empty() : Optional.of(new Role(value));
            case "public" -> Optional.of(PUBLIC);
            default -> Optional.empty();
        };
    }
}
