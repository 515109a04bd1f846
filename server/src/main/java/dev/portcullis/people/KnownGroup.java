package dev.portcullis.people;

/** A group the directory knows, with how many known users' tokens named it. */
public record KnownGroup(String id, int memberCount) {
}
