package dev.portcullis.console;

/** One server on "My servers", as the signed-in person sees it; every text is escaped by the template. */
public record ServerCard(String name, String title, String description, String state, String stateLabel,
                         String authorizationLabel, String kind) {
}
