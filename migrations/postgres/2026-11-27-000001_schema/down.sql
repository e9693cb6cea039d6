DROP TRIGGER audit_log_no_update ON audit_log;
DROP FUNCTION audit_log_is_append_only();
DROP TABLE audit_log, jobs, outcomes, application_events, applications, application_drafts, matches,
    vacancy_documents, vacancy_offence_exclusions, vacancy_certificates, vacancy_skills, vacancy_shifts, vacancies,
    sign_in_attempts, sessions, job_seekers, profile_todos, profile_offences, profile_exclusion_zones, profile_curfews,
    profile_languages, profile_sectors, profile_work_history, profile_certificates, profile_skills, profiles,
    terminals, api_tokens, invitations, users, employers, services, skills, sectors, app_meta CASCADE;
