-- How many of the vacancy's required skills the person has, and how many
-- it requires, so that the officer's list of new matches can leave out weak
-- matches ("none of the 2 required skills") in the query itself.
ALTER TABLE matches ADD COLUMN required_met INTEGER NOT NULL DEFAULT 0;
ALTER TABLE matches ADD COLUMN required_total INTEGER NOT NULL DEFAULT 0;
UPDATE matches SET
    required_met = COALESCE((SELECT json_array_length(r.value, '$.matched')
        FROM json_each(matches.reasons) r
        WHERE json_extract(r.value, '$.kind') = 'required_skills' LIMIT 1), 0),
    required_total = COALESCE((SELECT json_extract(r.value, '$.total')
        FROM json_each(matches.reasons) r
        WHERE json_extract(r.value, '$.kind') = 'required_skills' LIMIT 1), 0)
WHERE json_valid(reasons);
-- The officer's list reads a service's people, then their matches by status.
CREATE INDEX matches_profile_status ON matches (profile_id, status);
