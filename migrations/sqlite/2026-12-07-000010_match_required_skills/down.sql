DROP INDEX matches_profile_status;
ALTER TABLE matches DROP COLUMN required_total;
ALTER TABLE matches DROP COLUMN required_met;
