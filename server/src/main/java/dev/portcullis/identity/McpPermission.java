package dev.portcullis.identity;

/** LibreChat's role permissions of the {@code MCP_SERVERS} type. */
public enum McpPermission {
    USE, CREATE, SHARE, SHARE_PUBLIC
}
