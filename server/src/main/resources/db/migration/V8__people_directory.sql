-- The people the gateway has learned of, per tenant ('' is the default tenant): from verified
-- tokens (id, profile claims, role and groups after auth.roles / auth.groups) and from grants.
-- What the people picker searches and what names the principals of a sharing list. Rows not
-- refreshed for auth.directory.retentionDays are deleted; nothing here is a credential.
CREATE TABLE directory_users (
    tenant_id  VARCHAR(128) NOT NULL,
    user_id    VARCHAR(256) NOT NULL,
    username   VARCHAR(256),
    name       VARCHAR(256),
    email      VARCHAR(320),
    provider   VARCHAR(64),
    role       VARCHAR(128),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE directory_groups (
    tenant_id  VARCHAR(128) NOT NULL,
    group_id   VARCHAR(256) NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, group_id)
);

-- Which known users a token said belong to a group: a group's member count in the people picker.
CREATE TABLE directory_members (
    tenant_id VARCHAR(128) NOT NULL,
    group_id  VARCHAR(256) NOT NULL,
    user_id   VARCHAR(256) NOT NULL,
    PRIMARY KEY (tenant_id, group_id, user_id)
);

CREATE INDEX directory_members_user ON directory_members (tenant_id, user_id);
