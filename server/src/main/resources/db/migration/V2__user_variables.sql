-- Values users set for a server's customUserVars. The value is sealed (AES-GCM) with the tenant,
-- user, server and variable name as associated data; never stored or logged in clear.
CREATE TABLE user_variables (
    tenant_id    VARCHAR(128) NOT NULL,
    user_id      VARCHAR(256) NOT NULL,
    server_name  VARCHAR(128) NOT NULL,
    name         VARCHAR(128) NOT NULL,
    sealed_value VARCHAR(8192) NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, user_id, server_name, name)
);
