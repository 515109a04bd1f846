package dev.portcullis.people;

import java.util.Optional;

/** A user the directory knows: their id and what their last token said about them (all absent when known only from a grant). */
public record Person(String id, Optional<String> username, Optional<String> name, Optional<String> email,
                     Optional<String> provider, Optional<String> role) {

    /** LibreChat's display name in a search result: the name, else the address, else the username, else the id. */
    public String displayName() {
        return name.or(() -> email).or(() -> username).orElse(id);
    }
}
