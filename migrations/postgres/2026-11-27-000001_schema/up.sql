-- Fair Chance Jobs schema (PostgreSQL). The SQLite twin in migrations/sqlite
-- keeps the same tables, columns, constraints and indexes.
-- Timestamps are UTC without a zone; enumerations are TEXT with CHECK.

CREATE TABLE app_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Reference data mirrored from search-config/taxonomy.json at start-up so that
-- every skill, certificate and sector a row names is known.
CREATE TABLE sectors (
    slug TEXT PRIMARY KEY,
    label TEXT NOT NULL
);

CREATE TABLE skills (
    slug TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('skill', 'certificate')),
    sector_slug TEXT NOT NULL REFERENCES sectors (slug)
);

CREATE TABLE services (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('prison', 'probation')),
    place_name TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN -180 AND 180),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE employers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    sector_slug TEXT NOT NULL REFERENCES sectors (slug),
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    contact_phone TEXT,
    address TEXT NOT NULL,
    website TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'suspended')),
    pledge_accepted_at TIMESTAMP NOT NULL,
    decided_by BIGINT,
    decided_at TIMESTAMP,
    decline_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (status <> 'declined' OR decline_reason IS NOT NULL),
    CHECK (status NOT IN ('approved', 'declined', 'suspended') OR decided_at IS NOT NULL)
);
CREATE INDEX employers_status ON employers (status);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'employer')),
    service_id BIGINT REFERENCES services (id),
    employer_id BIGINT REFERENCES employers (id),
    phone TEXT,
    digest_interval TEXT NOT NULL DEFAULT 'hourly' CHECK (digest_interval IN ('off', 'hourly', 'daily')),
    last_digest_at TIMESTAMP,
    disabled_at TIMESTAMP,
    password_changed_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (
        (role = 'admin' AND service_id IS NULL AND employer_id IS NULL)
        OR (role = 'officer' AND service_id IS NOT NULL AND employer_id IS NULL)
        OR (role = 'employer' AND employer_id IS NOT NULL AND service_id IS NULL)
    )
);
CREATE INDEX users_service ON users (service_id);
CREATE INDEX users_employer ON users (employer_id);

ALTER TABLE employers ADD CONSTRAINT employers_decided_by_fk FOREIGN KEY (decided_by) REFERENCES users (id);

-- Invitations: an employer's colleagues, and an approved employer's first contact.
CREATE TABLE invitations (
    id BIGSERIAL PRIMARY KEY,
    employer_id BIGINT NOT NULL REFERENCES employers (id),
    email TEXT NOT NULL CHECK (email = lower(email)),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by BIGINT REFERENCES users (id),
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX invitations_employer ON invitations (employer_id);

CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    employer_id BIGINT NOT NULL REFERENCES employers (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_employer ON api_tokens (employer_id);

CREATE TABLE terminals (
    id BIGSERIAL PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES services (id),
    label TEXT NOT NULL,
    enrolment_code_hash TEXT UNIQUE,
    enrolment_expires_at TIMESTAMP,
    credential_hash TEXT UNIQUE,
    enrolled_at TIMESTAMP,
    last_seen_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX terminals_service ON terminals (service_id);

CREATE TABLE profiles (
    id BIGSERIAL PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES services (id),
    officer_id BIGINT REFERENCES users (id),
    reference TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    pseudonym TEXT NOT NULL UNIQUE,
    release_date DATE NOT NULL,
    no_fixed_abode BOOLEAN NOT NULL,
    release_place_name TEXT,
    release_lat DOUBLE PRECISION CHECK (release_lat BETWEEN -90 AND 90),
    release_lon DOUBLE PRECISION CHECK (release_lon BETWEEN -180 AND 180),
    travel_radius_km DOUBLE PRECISION NOT NULL CHECK (travel_radius_km >= 0 AND travel_radius_km <= 200),
    preferred_hours_min DOUBLE PRECISION,
    preferred_hours_max DOUBLE PRECISION,
    right_to_work BOOLEAN NOT NULL,
    driving_licence BOOLEAN NOT NULL,
    rotl_eligible_from DATE,
    no_driving BOOLEAN NOT NULL,
    other_conditions TEXT,
    barred_children BOOLEAN NOT NULL,
    barred_adults BOOLEAN NOT NULL,
    readiness TEXT NOT NULL CHECK (readiness IN ('not_started', 'support_needed', 'support_declined', 'ready_to_work', 'no_right_to_work')),
    consent_to_share_name BOOLEAN NOT NULL,
    gender TEXT CHECK (gender IN ('female', 'male', 'non_binary', 'prefer_not_to_say')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (service_id, reference),
    CHECK (no_fixed_abode OR (release_place_name IS NOT NULL AND release_lat IS NOT NULL AND release_lon IS NOT NULL)),
    CHECK (preferred_hours_min IS NULL OR preferred_hours_max IS NULL OR preferred_hours_min <= preferred_hours_max)
);
CREATE INDEX profiles_service_release ON profiles (service_id, release_date);
CREATE INDEX profiles_officer ON profiles (officer_id);
CREATE INDEX profiles_readiness ON profiles (service_id, readiness);

CREATE TABLE profile_skills (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    skill_slug TEXT NOT NULL REFERENCES skills (slug),
    source TEXT NOT NULL CHECK (source IN ('prison_course', 'prison_work', 'past_job', 'self_declared')),
    PRIMARY KEY (profile_id, skill_slug)
);
CREATE INDEX profile_skills_skill ON profile_skills (skill_slug);

CREATE TABLE profile_certificates (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    certificate_slug TEXT NOT NULL REFERENCES skills (slug),
    expires_on DATE,
    PRIMARY KEY (profile_id, certificate_slug)
);

CREATE TABLE profile_work_history (
    id BIGSERIAL PRIMARY KEY,
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    employer_name TEXT NOT NULL,
    sector_slug TEXT REFERENCES sectors (slug),
    from_year INTEGER NOT NULL CHECK (from_year BETWEEN 1950 AND 2100),
    to_year INTEGER CHECK (to_year BETWEEN 1950 AND 2100),
    CHECK (to_year IS NULL OR to_year >= from_year)
);
CREATE INDEX profile_work_history_profile ON profile_work_history (profile_id);

CREATE TABLE profile_sectors (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    sector_slug TEXT NOT NULL REFERENCES sectors (slug),
    PRIMARY KEY (profile_id, sector_slug)
);

CREATE TABLE profile_languages (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    PRIMARY KEY (profile_id, language)
);

-- Days are a weekday bitmask (bit 0 = Monday); end <= start crosses midnight.
CREATE TABLE profile_curfews (
    id BIGSERIAL PRIMARY KEY,
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
    start_time TIME NOT NULL,
    end_time TIME NOT NULL,
    CHECK (start_time <> end_time)
);
CREATE INDEX profile_curfews_profile ON profile_curfews (profile_id);

CREATE TABLE profile_exclusion_zones (
    id BIGSERIAL PRIMARY KEY,
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN -180 AND 180),
    radius_km DOUBLE PRECISION NOT NULL CHECK (radius_km > 0 AND radius_km <= 500)
);
CREATE INDEX profile_exclusion_zones_profile ON profile_exclusion_zones (profile_id);

CREATE TABLE profile_offences (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    category TEXT NOT NULL CHECK (category IN ('arson', 'sexual', 'violence', 'driving', 'dishonesty', 'drugs_supply', 'terrorism', 'other')),
    PRIMARY KEY (profile_id, category)
);

CREATE TABLE profile_todos (
    id BIGSERIAL PRIMARY KEY,
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('id', 'bank_account', 'cv', 'disclosure_letter', 'housing', 'other')),
    note TEXT NOT NULL,
    done BOOLEAN NOT NULL
);
CREATE INDEX profile_todos_profile ON profile_todos (profile_id);

CREATE TABLE job_seekers (
    id BIGSERIAL PRIMARY KEY,
    profile_id BIGINT NOT NULL UNIQUE REFERENCES profiles (id) ON DELETE CASCADE,
    login_code TEXT NOT NULL UNIQUE,
    pin_hash TEXT NOT NULL,
    failed_pin_attempts INTEGER NOT NULL DEFAULT 0,
    locked_at TIMESTAMP,
    language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'cy')),
    issued_by BIGINT REFERENCES users (id),
    issued_at TIMESTAMP NOT NULL
);

-- Server-side sessions; the cookie carries a random token, the row its hash.
CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT REFERENCES users (id),
    seeker_id BIGINT REFERENCES job_seekers (id) ON DELETE CASCADE,
    terminal_id BIGINT REFERENCES terminals (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    ip TEXT,
    user_agent TEXT,
    CHECK ((user_id IS NULL) <> (seeker_id IS NULL)),
    CHECK (seeker_id IS NULL OR terminal_id IS NOT NULL)
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_seeker ON sessions (seeker_id);

CREATE TABLE sign_in_attempts (
    id BIGSERIAL PRIMARY KEY,
    account TEXT NOT NULL,
    ip TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_attempts_account ON sign_in_attempts (account, at);
CREATE INDEX sign_in_attempts_ip ON sign_in_attempts (ip, at);

CREATE TABLE vacancies (
    id BIGSERIAL PRIMARY KEY,
    employer_id BIGINT NOT NULL REFERENCES employers (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'paused', 'filled', 'closed', 'withdrawn')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    sector_slug TEXT NOT NULL REFERENCES sectors (slug),
    remote BOOLEAN NOT NULL,
    place_name TEXT,
    lat DOUBLE PRECISION CHECK (lat BETWEEN -90 AND 90),
    lon DOUBLE PRECISION CHECK (lon BETWEEN -180 AND 180),
    hours_per_week DOUBLE PRECISION NOT NULL CHECK (hours_per_week > 0 AND hours_per_week <= 60),
    contract_type TEXT NOT NULL CHECK (contract_type IN ('permanent', 'fixed_term', 'temporary', 'apprenticeship', 'casual')),
    pay_min_pence BIGINT NOT NULL CHECK (pay_min_pence > 0),
    pay_max_pence BIGINT NOT NULL,
    pay_period TEXT NOT NULL CHECK (pay_period IN ('hour', 'week', 'month', 'year')),
    positions INTEGER NOT NULL CHECK (positions BETWEEN 1 AND 500),
    start_date DATE NOT NULL,
    closing_date DATE,
    needs_driving_licence BOOLEAN NOT NULL,
    check_level TEXT NOT NULL CHECK (check_level IN ('none', 'basic', 'standard', 'enhanced', 'enhanced_barred')),
    regulated_children BOOLEAN NOT NULL,
    regulated_adults BOOLEAN NOT NULL,
    rotl_suitable BOOLEAN NOT NULL,
    ring_fenced BOOLEAN NOT NULL,
    how_to_apply TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (remote OR (place_name IS NOT NULL AND lat IS NOT NULL AND lon IS NOT NULL)),
    CHECK (pay_max_pence >= pay_min_pence),
    CHECK (NOT (regulated_children OR regulated_adults) OR check_level = 'enhanced_barred')
);
CREATE INDEX vacancies_employer_status ON vacancies (employer_id, status);
CREATE INDEX vacancies_status_closing ON vacancies (status, closing_date);
CREATE INDEX vacancies_sector ON vacancies (sector_slug);

CREATE TABLE vacancy_shifts (
    id BIGSERIAL PRIMARY KEY,
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
    start_time TIME NOT NULL,
    end_time TIME NOT NULL,
    CHECK (start_time <> end_time)
);
CREATE INDEX vacancy_shifts_vacancy ON vacancy_shifts (vacancy_id);

CREATE TABLE vacancy_skills (
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    skill_slug TEXT NOT NULL REFERENCES skills (slug),
    requirement TEXT NOT NULL CHECK (requirement IN ('required', 'desirable')),
    PRIMARY KEY (vacancy_id, skill_slug)
);
CREATE INDEX vacancy_skills_skill ON vacancy_skills (skill_slug);

CREATE TABLE vacancy_certificates (
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    certificate_slug TEXT NOT NULL REFERENCES skills (slug),
    PRIMARY KEY (vacancy_id, certificate_slug)
);

CREATE TABLE vacancy_offence_exclusions (
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    category TEXT NOT NULL CHECK (category IN ('arson', 'sexual', 'violence', 'driving', 'dishonesty', 'drugs_supply', 'terrorism', 'other')),
    stance TEXT NOT NULL CHECK (stance IN ('excluded', 'case_by_case')),
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    PRIMARY KEY (vacancy_id, category)
);

CREATE TABLE vacancy_documents (
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (vacancy_id, position)
);

CREATE TABLE matches (
    id BIGSERIAL PRIMARY KEY,
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('suggested', 'approved', 'dismissed', 'expired')),
    score DOUBLE PRECISION NOT NULL CHECK (score >= 0 AND score <= 1),
    distance_km DOUBLE PRECISION,
    reasons TEXT NOT NULL,
    dismiss_reason TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    notified_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (profile_id, vacancy_id),
    CHECK (status <> 'dismissed' OR dismiss_reason IS NOT NULL)
);
CREATE INDEX matches_vacancy ON matches (vacancy_id, status);
CREATE INDEX matches_status ON matches (status, notified_at);

CREATE TABLE application_drafts (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    statement TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (profile_id, vacancy_id)
);

CREATE TABLE applications (
    id BIGSERIAL PRIMARY KEY,
    profile_id BIGINT NOT NULL REFERENCES profiles (id),
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id),
    match_id BIGINT REFERENCES matches (id),
    status TEXT NOT NULL CHECK (status IN ('interested', 'under_review', 'forwarded', 'interview', 'offer', 'started', 'unsuccessful', 'withdrawn')),
    statement TEXT NOT NULL,
    share_name BOOLEAN NOT NULL DEFAULT FALSE,
    unsuccessful_reason TEXT CHECK (unsuccessful_reason IN ('position_filled', 'not_shortlisted', 'did_not_attend', 'failed_check', 'offer_declined', 'declined_by_officer', 'other')),
    unsuccessful_note TEXT,
    interview_at TIMESTAMP,
    start_date DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (profile_id, vacancy_id),
    CHECK (status <> 'unsuccessful' OR unsuccessful_reason IS NOT NULL)
);
CREATE INDEX applications_vacancy ON applications (vacancy_id, status);
CREATE INDEX applications_status ON applications (status);

CREATE TABLE application_events (
    id BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('seeker', 'officer', 'employer', 'admin', 'system')),
    actor_user_id BIGINT REFERENCES users (id),
    note TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX application_events_application ON application_events (application_id, at);

-- Work outcomes after a start: checked at 6 weeks, 13 weeks and 6 months.
CREATE TABLE outcomes (
    id BIGSERIAL PRIMARY KEY,
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    application_id BIGINT UNIQUE REFERENCES applications (id),
    employer_id BIGINT REFERENCES employers (id),
    started_on DATE NOT NULL,
    in_work_6_weeks BOOLEAN,
    in_work_13_weeks BOOLEAN,
    in_work_6_months BOOLEAN,
    recorded_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX outcomes_profile ON outcomes (profile_id);

-- The outbox: every effect outside the database is a job written in the same
-- transaction as its cause.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
    run_at TIMESTAMP NOT NULL,
    locked_by TEXT,
    locked_at TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX jobs_ready ON jobs (status, run_at);

-- Append-only: updates and deletes are refused by the trigger below.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('anonymous', 'admin', 'officer', 'employer', 'seeker', 'terminal', 'api_token', 'system')),
    actor_user_id BIGINT REFERENCES users (id),
    actor_seeker_id BIGINT REFERENCES job_seekers (id),
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    subject_kind TEXT,
    subject_id BIGINT,
    detail TEXT,
    ip TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, at);
CREATE INDEX audit_log_subject ON audit_log (subject_kind, subject_id, at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
