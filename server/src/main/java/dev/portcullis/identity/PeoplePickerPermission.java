package dev.portcullis.identity;

/** LibreChat's role permissions of the {@code PEOPLE_PICKER} type: which principals one may search for. */
public enum PeoplePickerPermission implements RolePermission {
    VIEW_USERS, VIEW_GROUPS, VIEW_ROLES;

    public static final String TYPE = "PEOPLE_PICKER";

    @Override
    public String type() {
        return TYPE;
    }
}
