-- Licence conditions end. The licence itself has an end date (the end of
-- the period on licence), and each condition may end earlier: a curfew
-- lifted after three months, an exclusion zone for the first year, a
-- driving ban with its own date. A condition counts in matching up to and
-- including its end date (and never after the licence ends); after that it
-- no longer excludes. Empty means "not known": the condition still counts.
ALTER TABLE profiles ADD COLUMN licence_ends_on DATE;
ALTER TABLE profiles ADD COLUMN no_driving_until DATE;
ALTER TABLE profile_curfews ADD COLUMN ends_on DATE;
ALTER TABLE profile_exclusion_zones ADD COLUMN ends_on DATE;
