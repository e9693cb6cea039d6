-- Failed sign-ins per key ("account:<email>", "ip:<address>") in the
-- current window. One row per key, charged by a single upsert, so parallel
-- attempts cannot all read "four so far" and all go through.
CREATE TABLE sign_in_limits (
    key TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    failures INTEGER NOT NULL
);
CREATE INDEX sign_in_limits_window ON sign_in_limits (window_start);
-- Replaced by sign_in_limits: a row per attempt could be counted only by a
-- read followed by a write, and grew without bound. Attempts stay in the
-- audit log.
DROP TABLE sign_in_attempts;
