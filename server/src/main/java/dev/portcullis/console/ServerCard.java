package dev.portcullis.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One server on "My servers", as the signed-in person sees it; every text is escaped by the template, and
 * what goes into a URL is encoded here.
 *
 * @param canConnect the server needs the person's authorization and they have none yet
 * @param authorized the person holds a grant at the server
 * @param message what the last action on this card did, or why it failed; empty when there was none
 */
public record ServerCard(String name, String title, String description, String state, String stateLabel,
                         String authorizationLabel, String kind, boolean canConnect, boolean authorized, String userId,
                         String message) {

    /** The server's name as one path segment. */
    public String pathName() {
        return dev.portcullis.config.ServerNames.encoded(name);
    }

    /** The person's id as a query value (the OAuth initiate route checks it names the signed-in person). */
    public String userIdParam() {
        return URLEncoder.encode(userId, StandardCharsets.UTF_8);
    }
}
