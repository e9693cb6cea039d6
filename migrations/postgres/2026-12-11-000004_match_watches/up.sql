-- "Eligible from" (issue #22 item 4). A certificate still being gained (a
-- course in progress) has the day it is expected; it counts in matching
-- only from that day. Empty means the certificate is held already.
ALTER TABLE profile_certificates ADD COLUMN expected_on DATE;

-- An officer watches a pair that fails only on time: the worker's daily
-- pass emails them once, on the day the pair becomes eligible, if the
-- vacancy is still open. One live (not ended) watch per officer and pair.
CREATE TABLE match_watches (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    -- The first day the pair is eligible, as last computed.
    eligible_from DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    notified_at TIMESTAMP,
    ended_at TIMESTAMP,
    end_reason TEXT CHECK (end_reason IN ('notified', 'cancelled', 'vacancy_closed', 'not_eligible')),
    CHECK ((ended_at IS NULL) = (end_reason IS NULL)),
    CHECK (end_reason <> 'notified' OR notified_at IS NOT NULL)
);
CREATE UNIQUE INDEX match_watches_live ON match_watches (user_id, profile_id, vacancy_id)
    WHERE ended_at IS NULL;
CREATE INDEX match_watches_due ON match_watches (eligible_from) WHERE ended_at IS NULL;
CREATE INDEX match_watches_profile ON match_watches (profile_id);
CREATE INDEX match_watches_vacancy ON match_watches (vacancy_id);
