-- MCP servers users add through the API. The whole user input is sealed (AES-GCM, bound to the
-- tenant, the server id and the record type): it holds the client secret, an admin API key and
-- header values. Title and description stay in clear for search; they are shown to every viewer.
CREATE TABLE user_servers (
    id            VARCHAR(36)   NOT NULL PRIMARY KEY,
    tenant_id     VARCHAR(128)  NOT NULL,
    server_name   VARCHAR(64)   NOT NULL,
    title         VARCHAR(100),
    description   VARCHAR(2000),
    author_id     VARCHAR(256)  NOT NULL,
    version       BIGINT        NOT NULL,
    sealed_config VARCHAR(100000) NOT NULL,
    inspection    VARCHAR(65536) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT user_servers_name UNIQUE (tenant_id, server_name)
);

-- Who may do what to a user server: one row per (server, principal) with an access role and its
-- permission bits (VIEW 1, EDIT 2, DELETE 4, SHARE 8). Principal types: user, group, role,
-- public (principal_id '' for public).
CREATE TABLE server_grants (
    server_id      VARCHAR(36)  NOT NULL,
    principal_type VARCHAR(16)  NOT NULL,
    principal_id   VARCHAR(256) NOT NULL,
    access_role    VARCHAR(32)  NOT NULL,
    bits           INTEGER      NOT NULL,
    granted_by     VARCHAR(256) NOT NULL,
    granted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (server_id, principal_type, principal_id)
);

CREATE INDEX server_grants_principal ON server_grants (principal_type, principal_id);
