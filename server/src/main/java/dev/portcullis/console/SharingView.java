package dev.portcullis.console;

import dev.portcullis.access.AccessRole;
import java.util.List;
import java.util.Optional;

/**
 * A user server's sharing page: who holds which role on it, whether everyone does, and what the person may
 * change. Names come from the people directory where the person may see them, ids otherwise.
 *
 * @param principal how the form names a grant's holder: {@code type:id}
 */
public record SharingView(String name, String pathName, String title, List<Holder> holders, Optional<AccessRole> everyone,
                          boolean maySharePublic, boolean maySearch, String message) {
    public static final List<AccessRole> ROLES = List.of(AccessRole.values());

    /**
     * One grant: whom it is for (a person, a group, a role) and the role they hold.
     *
     * @param self the grant is the signed-in person's own: shown, but not offered for removal (the API keeps a
     *             server from losing its last owner; taking one's own role away is done by another owner)
     */
    public record Holder(String type, String id, String label, String detail, AccessRole role, boolean self) {
        public String principal() {
            return type + ":" + id;
        }

        public String typeLabel() {
            return switch (type) {
                case "user" -> "Person";
                case "group" -> "Group";
                case "role" -> "Everyone with the role";
                default -> type;
            };
        }
    }

    /** One match of the people search, to choose as whom to share with. */
    public record Candidate(String principal, String label, String detail) {
    }
}
