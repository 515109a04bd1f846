-- A grant bound to a DPoP key (RFC 9449) keeps the key pair with its tokens: the private JWK sealed
-- like the tokens (associated data names tenant, user, server and kind), and the JWS algorithm its
-- proofs use. Both stay NULL for a Bearer grant.
ALTER TABLE oauth_grants ADD COLUMN sealed_dpop_key VARCHAR(8192);
ALTER TABLE oauth_grants ADD COLUMN dpop_alg VARCHAR(16);
