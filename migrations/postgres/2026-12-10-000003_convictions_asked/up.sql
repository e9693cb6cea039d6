-- When a vacancy asks about convictions: never, after the job offer, or
-- with the application. Existing vacancies: 'never' when there is no
-- criminal record check, else 'at_offer' (a check is done once a job is
-- offered). A check of any level means the person is asked at some point,
-- so 'never' goes only with check_level 'none'.
ALTER TABLE vacancies ADD COLUMN convictions_asked TEXT NOT NULL DEFAULT 'at_offer'
    CHECK (convictions_asked IN ('never', 'at_offer', 'at_application'));
UPDATE vacancies SET convictions_asked = 'never' WHERE check_level = 'none';
ALTER TABLE vacancies ADD CONSTRAINT vacancies_convictions_asked_check_level
    CHECK (convictions_asked <> 'never' OR check_level = 'none');
