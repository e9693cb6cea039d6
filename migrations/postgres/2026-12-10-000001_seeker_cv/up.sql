-- A person's CV, built on the terminal: their own words (about me,
-- strengths, references), kept as a draft between sessions, and their
-- officer's suggestions beside each part. The parts taken from the profile
-- (skills, certificates, work history) are not copied here.
CREATE TABLE profile_cvs (
    profile_id BIGINT PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
    about_me TEXT NOT NULL DEFAULT '',
    strengths TEXT NOT NULL DEFAULT '',
    -- NULL until the person answers; then yes or no.
    references_available BOOLEAN,
    references_note TEXT NOT NULL DEFAULT '',
    -- When the person last changed their own words.
    changed_at TIMESTAMP,
    suggestion_about_me TEXT NOT NULL DEFAULT '',
    suggestion_strengths TEXT NOT NULL DEFAULT '',
    suggestion_references TEXT NOT NULL DEFAULT '',
    suggestion_general TEXT NOT NULL DEFAULT '',
    suggested_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    suggested_at TIMESTAMP
);

-- The CV as it was when the person chose to send it with an application
-- (JSON: their words and the parts from their record, never a name and
-- never the offence, licence or barred sections). Later edits to the CV do
-- not change what was sent.
CREATE TABLE application_cvs (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    cv TEXT NOT NULL,
    attached_at TIMESTAMP NOT NULL
);
