DROP INDEX api_tokens_created_by;
ALTER TABLE api_tokens DROP COLUMN expires_at;
