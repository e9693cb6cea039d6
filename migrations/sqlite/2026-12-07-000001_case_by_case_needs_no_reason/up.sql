-- "Case by case" needs no reason (it is the default employers are steered
-- to); an exclusion still does. SQLite cannot change a CHECK in place and
-- nothing references this table, so it is rebuilt with the new rule.
CREATE TABLE vacancy_offence_exclusions_new (
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    category TEXT NOT NULL CHECK (category IN ('arson', 'sexual', 'violence', 'driving', 'dishonesty', 'drugs_supply', 'terrorism', 'other')),
    stance TEXT NOT NULL CHECK (stance IN ('excluded', 'case_by_case')),
    reason TEXT NOT NULL CHECK (stance = 'case_by_case' OR length(reason) > 0),
    PRIMARY KEY (vacancy_id, category)
);
INSERT INTO vacancy_offence_exclusions_new (vacancy_id, category, stance, reason)
    SELECT vacancy_id, category, stance, reason FROM vacancy_offence_exclusions;
DROP TABLE vacancy_offence_exclusions;
ALTER TABLE vacancy_offence_exclusions_new RENAME TO vacancy_offence_exclusions;
