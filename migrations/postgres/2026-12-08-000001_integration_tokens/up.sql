-- Integration tokens: a service's own systems (a nightly sync from the
-- prison's records) reach that service's profile API with one, not as a
-- person. The secret is stored only as a digest; the scope says whether the
-- token may write. Revoking or expiry takes effect on the next request.
CREATE TABLE integration_tokens (
    id BIGSERIAL PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES services (id),
    label TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('profiles:read', 'profiles:write')),
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX integration_tokens_service ON integration_tokens (service_id);
