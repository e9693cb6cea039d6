-- Vacancies that start as soon as possible get the day they were last
-- changed as their start date.
UPDATE vacancies SET start_date = CAST(updated_at AS DATE) WHERE start_date IS NULL;
ALTER TABLE vacancies ALTER COLUMN start_date SET NOT NULL;
