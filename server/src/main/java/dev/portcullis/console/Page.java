package dev.portcullis.console;

/**
 * What every console page's frame needs: its title, the gateway's base path, the sign-in's CSRF token
 * (sent by htmx with every request that changes something), who is signed in, and which section is open.
 */
public record Page(String title, String base, String csrfToken, String personName, String section) {
}
