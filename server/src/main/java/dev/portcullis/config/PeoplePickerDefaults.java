package dev.portcullis.config;

/**
 * {@code interface.peoplePicker}: which kinds of principal the roles other than {@code ADMIN} may
 * search for when sharing. LibreChat's {@code USER} role may search for none by default, so only
 * admins can use the people picker until the operator says otherwise.
 */
public record PeoplePickerDefaults(boolean users, boolean groups, boolean roles) {
    public static final PeoplePickerDefaults LIBRECHAT = new PeoplePickerDefaults(false, false, false);
}
