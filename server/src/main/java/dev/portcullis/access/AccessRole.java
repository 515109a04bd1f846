package dev.portcullis.access;

import java.util.Arrays;
import java.util.Optional;

/** The access roles one grants on an MCP server, with LibreChat's ids and bits. */
public enum AccessRole {
    VIEWER("mcpServer_viewer", "Viewer", "Can see and use the server", PermissionBits.VIEW),
    EDITOR("mcpServer_editor", "Editor", "Can see, use and change the server", PermissionBits.VIEW | PermissionBits.EDIT),
    OWNER("mcpServer_owner", "Owner", "Full control: change, delete and share the server", PermissionBits.ALL);

    private final String id;
    private final String title;
    private final String description;
    private final int bits;

    AccessRole(String id, String title, String description, int bits) {
        this.id = id;
        this.title = title;
        this.description = description;
        this.bits = bits;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    public int bits() {
        return bits;
    }

    public static Optional<AccessRole> byId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }
}
