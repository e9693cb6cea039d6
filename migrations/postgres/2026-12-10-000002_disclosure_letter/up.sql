-- A disclosure letter: one per person, in their own words, in three parts,
-- reviewed by their officer. `version` goes up with every change to the
-- words; an approval belongs to the version the officer read
-- (`approved_version`), so any later change needs approval again.
CREATE TABLE disclosure_letters (
    profile_id BIGINT PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
    what_happened TEXT NOT NULL DEFAULT '',
    what_changed TEXT NOT NULL DEFAULT '',
    what_i_offer TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'awaiting_review', 'approved', 'changes_asked')),
    version BIGINT NOT NULL DEFAULT 1,
    approved_version BIGINT,
    officer_note TEXT,
    updated_at TIMESTAMP NOT NULL,
    CHECK (status <> 'approved' OR approved_version = version)
);

-- The letter's review history: sent, approved, changes asked (with the
-- officer's note), each against the version it was about.
CREATE TABLE disclosure_reviews (
    id BIGSERIAL PRIMARY KEY,
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('sent', 'approved', 'changes_asked')),
    officer_user_id BIGINT REFERENCES users (id),
    note TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX disclosure_reviews_profile ON disclosure_reviews (profile_id, at);

-- The approved letter as it was sent with an application, only when the
-- person chose to send it: later edits to the letter do not change it.
CREATE TABLE application_disclosures (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    what_happened TEXT NOT NULL,
    what_changed TEXT NOT NULL,
    what_i_offer TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('en', 'cy')),
    letter_version BIGINT NOT NULL,
    attached_at TIMESTAMP NOT NULL
);
