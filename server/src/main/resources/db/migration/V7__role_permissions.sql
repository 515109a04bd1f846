-- Role permissions an admin set through PUT /api/roles/{role}/mcp-servers (and /people-picker),
-- per tenant ('' is the default tenant). A stored value wins over interface.mcpServers and
-- interface.peoplePicker in the configuration file; a permission with no row follows the file.
CREATE TABLE role_permissions (
    tenant_id       VARCHAR(128) NOT NULL,
    role_name       VARCHAR(128) NOT NULL,
    permission_type VARCHAR(32)  NOT NULL,
    permission      VARCHAR(32)  NOT NULL,
    allowed         BOOLEAN      NOT NULL,
    updated_by      VARCHAR(256) NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, role_name, permission_type, permission)
);
