DROP TABLE match_watches;
ALTER TABLE profile_certificates DROP COLUMN expected_on;
