-- OAuth clients Portcullis registered at authorization servers (RFC 7591), one per tenant, MCP
-- server and issuer: credentials are bound to the issuer that issued them and never used with
-- another (MCP client-registration §Authorization Server Binding). The client secret is sealed
-- (AES-GCM) with the tenant, server and issuer as associated data; never stored or logged in clear.
CREATE TABLE oauth_clients (
    tenant_id         VARCHAR(128)  NOT NULL,
    server_name       VARCHAR(128)  NOT NULL,
    issuer            VARCHAR(1024) NOT NULL,
    client_id         VARCHAR(2048) NOT NULL,
    sealed_secret     VARCHAR(8192),
    auth_method       VARCHAR(32)   NOT NULL,
    redirect_uri      VARCHAR(2048) NOT NULL,
    secret_expires_at TIMESTAMP WITH TIME ZONE,
    registered_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, server_name, issuer)
);
