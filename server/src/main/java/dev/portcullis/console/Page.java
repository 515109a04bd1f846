package dev.portcullis.console;

/**
 * What every console page's frame needs: its title, the gateway's base path, the sign-in's CSRF token
 * (sent by htmx with every request that changes something), who is signed in, which section is open, and
 * whether they are an admin (the Admin link shows only then; the admin pages check the role themselves).
 */
public record Page(String title, String base, String csrfToken, String personName, String section, boolean admin) {
    /** A page for someone who is not an admin. */
    public Page(String title, String base, String csrfToken, String personName, String section) {
        this(title, base, csrfToken, personName, section, false);
    }

    /** Whether the section is one of the admin pages' (the Admin link is then the current one). */
    public boolean inAdmin() {
        return section.startsWith("admin");
    }
}
