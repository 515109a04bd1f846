package dev.portcullis.identity;

/**
 * One of LibreChat's role permissions that the gateway decides: a permission type (the key under a
 * role's {@code permissions}) and a permission name within it.
 */
public sealed interface RolePermission permits McpPermission, PeoplePickerPermission {
    /** LibreChat's permission type, such as {@code MCP_SERVERS}. */
    String type();

    /** The permission within the type, such as {@code USE}. */
    String name();
}
