-- Each user's grant at each OAuth-protected MCP server: the tokens (sealed with AES-GCM, bound to
-- tenant, user, server and kind) and what is needed to refresh and revoke them later.
CREATE TABLE oauth_grants (
    tenant_id        VARCHAR(128)  NOT NULL,
    user_id          VARCHAR(256)  NOT NULL,
    server_name      VARCHAR(128)  NOT NULL,
    issuer           VARCHAR(2048) NOT NULL,
    client_id        VARCHAR(2048) NOT NULL,
    sealed_client_secret VARCHAR(4096),
    auth_method      VARCHAR(64)   NOT NULL,
    client_source    VARCHAR(64)   NOT NULL,
    redirect_uri     VARCHAR(2048) NOT NULL,
    token_url        VARCHAR(2048) NOT NULL,
    revocation_url   VARCHAR(2048),
    resource_uri     VARCHAR(2048) NOT NULL,
    sealed_access    VARCHAR(16384) NOT NULL,
    sealed_refresh   VARCHAR(16384),
    expires_at       TIMESTAMP WITH TIME ZONE,
    scopes           VARCHAR(4096) NOT NULL,
    token_type       VARCHAR(64)   NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, user_id, server_name)
);
