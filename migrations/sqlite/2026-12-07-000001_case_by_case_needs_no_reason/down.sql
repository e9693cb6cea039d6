CREATE TABLE vacancy_offence_exclusions_old (
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    category TEXT NOT NULL CHECK (category IN ('arson', 'sexual', 'violence', 'driving', 'dishonesty', 'drugs_supply', 'terrorism', 'other')),
    stance TEXT NOT NULL CHECK (stance IN ('excluded', 'case_by_case')),
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    PRIMARY KEY (vacancy_id, category)
);
INSERT INTO vacancy_offence_exclusions_old (vacancy_id, category, stance, reason)
    SELECT vacancy_id, category, stance,
           CASE WHEN reason = '' THEN 'Considered case by case.' ELSE reason END
    FROM vacancy_offence_exclusions;
DROP TABLE vacancy_offence_exclusions;
ALTER TABLE vacancy_offence_exclusions_old RENAME TO vacancy_offence_exclusions;
