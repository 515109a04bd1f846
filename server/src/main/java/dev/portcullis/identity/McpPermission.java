package dev.portcullis.identity;

/**
 * LibreChat's role permissions of the {@code MCP_SERVERS} type. {@code CONFIGURE_OBO} is kept and
 * reported for LibreChat's sake; the gateway supports no {@code obo}, so it gates nothing here.
 */
public enum McpPermission implements RolePermission {
    USE, CREATE, SHARE, SHARE_PUBLIC, CONFIGURE_OBO;

    public static final String TYPE = "MCP_SERVERS";

    @Override
    public String type() {
        return TYPE;
    }
}
