-- Vacancies that start as soon as possible get the day they were last
-- changed as their start date.
ALTER TABLE vacancies ADD COLUMN start_date_required DATE NOT NULL DEFAULT '1970-01-01';
UPDATE vacancies SET start_date_required = COALESCE(start_date, DATE(updated_at));
ALTER TABLE vacancies DROP COLUMN start_date;
ALTER TABLE vacancies RENAME COLUMN start_date_required TO start_date;
