ALTER TABLE profile_exclusion_zones DROP COLUMN ends_on;
ALTER TABLE profile_curfews DROP COLUMN ends_on;
ALTER TABLE profiles DROP COLUMN no_driving_until;
ALTER TABLE profiles DROP COLUMN licence_ends_on;
