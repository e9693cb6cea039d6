UPDATE vacancy_offence_exclusions SET reason = 'Considered case by case.' WHERE reason = '';
ALTER TABLE vacancy_offence_exclusions DROP CONSTRAINT vacancy_offence_exclusions_reason_check;
ALTER TABLE vacancy_offence_exclusions ADD CONSTRAINT vacancy_offence_exclusions_reason_check
    CHECK (length(reason) > 0);
