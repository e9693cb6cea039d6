-- An API token lives for a chosen time (365 days unless its creator picks
-- less). Tokens made before expiry existed get a year from their creation.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
UPDATE api_tokens SET expires_at = created_at + INTERVAL '365 days';
CREATE INDEX api_tokens_created_by ON api_tokens (created_by);
