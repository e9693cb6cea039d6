ALTER TABLE profiles DROP COLUMN rotl_travel_km;
ALTER TABLE vacancies DROP COLUMN opens_on;
ALTER TABLE vacancies DROP COLUMN travel;
ALTER TABLE vacancies DROP COLUMN trial_timing;
ALTER TABLE vacancies DROP COLUMN trial_paid;
ALTER TABLE vacancies DROP COLUMN trial_ends_on;
ALTER TABLE vacancies DROP COLUMN kind;
