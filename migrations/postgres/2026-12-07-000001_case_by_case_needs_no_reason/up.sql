-- "Case by case" needs no reason (it is the default employers are steered
-- to); an exclusion still does.
ALTER TABLE vacancy_offence_exclusions DROP CONSTRAINT vacancy_offence_exclusions_reason_check;
ALTER TABLE vacancy_offence_exclusions ADD CONSTRAINT vacancy_offence_exclusions_reason_check
    CHECK (stance = 'case_by_case' OR length(reason) > 0);
