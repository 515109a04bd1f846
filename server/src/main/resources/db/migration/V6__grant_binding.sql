-- Which server a grant was obtained for: a digest of the server's identity and every field that
-- decides where a token goes (URL, OAuth endpoints, client). A grant is used only while the
-- server still has that binding, so a token never follows a server that moved. Grants from before
-- this column ('') match no server: their users authorize once more.
ALTER TABLE oauth_grants ADD COLUMN binding VARCHAR(128) DEFAULT '' NOT NULL;
