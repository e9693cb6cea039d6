-- Why an officer opened a person's restricted sections (offence, licence,
-- barred), remembered for one staff session and one person so that the
-- question is asked once per person per session. A row goes with its
-- session (sign-out and session end delete it) and with the person.
CREATE TABLE session_purposes (
    session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    detail TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, profile_id)
);
CREATE INDEX session_purposes_profile ON session_purposes (profile_id);
