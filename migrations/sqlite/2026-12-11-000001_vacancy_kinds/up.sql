-- Vacancy kinds (issue #22): a job, a guaranteed interview, a work trial or
-- a day release (ROTL) placement, with the fields only some kinds have.
-- Existing vacancies are jobs. The CHECKs mirror VacancyDetails::parse:
-- a trial has its last day (1 to 10 days from start_date), whether it is
-- paid and when it runs, and is rotl_suitable exactly when it runs before
-- release; a placement starts on a set date, on site, and is rotl_suitable;
-- other kinds carry no trial fields and no travel.
ALTER TABLE vacancies ADD COLUMN kind TEXT NOT NULL DEFAULT 'job'
    CHECK (kind IN ('job', 'guaranteed_interview', 'work_trial', 'rotl_placement')
           AND (kind <> 'rotl_placement'
                OR (rotl_suitable AND start_date IS NOT NULL AND NOT remote)));
ALTER TABLE vacancies ADD COLUMN trial_ends_on DATE
    CHECK ((kind = 'work_trial') = (trial_ends_on IS NOT NULL)
           AND (trial_ends_on IS NULL
                OR (start_date IS NOT NULL
                    AND julianday(trial_ends_on) - julianday(start_date) BETWEEN 0 AND 9)));
ALTER TABLE vacancies ADD COLUMN trial_paid BOOLEAN
    CHECK ((kind = 'work_trial') = (trial_paid IS NOT NULL));
ALTER TABLE vacancies ADD COLUMN trial_timing TEXT
    CHECK ((kind = 'work_trial') = (trial_timing IS NOT NULL)
           AND (trial_timing IS NULL
                OR (trial_timing IN ('before_release', 'after_release')
                    AND rotl_suitable = (trial_timing = 'before_release'))));
ALTER TABLE vacancies ADD COLUMN travel TEXT
    CHECK (travel IS NULL OR (kind = 'rotl_placement' AND length(travel) <= 300));
-- Applications open from this day (NULL: once published).
ALTER TABLE vacancies ADD COLUMN opens_on DATE
    CHECK (opens_on IS NULL OR closing_date IS NULL OR opens_on <= closing_date);
-- How far from the prison a person may travel on day release (NULL: their
-- travel radius applies).
ALTER TABLE profiles ADD COLUMN rotl_travel_km DOUBLE
    CHECK (rotl_travel_km IS NULL OR rotl_travel_km BETWEEN 0 AND 200);
