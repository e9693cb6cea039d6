// Diesel schema shared by both backends; generated from the migrations and kept in step with them.

diesel::table! {
    app_meta (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    sectors (slug) {
        slug -> Text,
        label -> Text,
    }
}

diesel::table! {
    skills (slug) {
        slug -> Text,
        label -> Text,
        kind -> Text,
        sector_slug -> Text,
    }
}

diesel::table! {
    services (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        place_name -> Text,
        lat -> Double,
        lon -> Double,
        created_at -> Timestamp,
    }
}

diesel::table! {
    employers (id) {
        id -> BigInt,
        name -> Text,
        sector_slug -> Text,
        contact_name -> Text,
        contact_email -> Text,
        contact_phone -> Nullable<Text>,
        address -> Text,
        website -> Nullable<Text>,
        status -> Text,
        pledge_accepted_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decline_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        service_id -> Nullable<BigInt>,
        employer_id -> Nullable<BigInt>,
        phone -> Nullable<Text>,
        digest_interval -> Text,
        last_digest_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        password_changed_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> BigInt,
        employer_id -> BigInt,
        email -> Text,
        token_hash -> Text,
        invited_by -> Nullable<BigInt>,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        employer_id -> BigInt,
        created_by -> BigInt,
        name -> Text,
        prefix -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    integration_tokens (id) {
        id -> BigInt,
        service_id -> BigInt,
        label -> Text,
        scope -> Text,
        prefix -> Text,
        token_hash -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    terminals (id) {
        id -> BigInt,
        service_id -> BigInt,
        label -> Text,
        enrolment_code_hash -> Nullable<Text>,
        enrolment_expires_at -> Nullable<Timestamp>,
        credential_hash -> Nullable<Text>,
        enrolled_at -> Nullable<Timestamp>,
        last_seen_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    profiles (id) {
        id -> BigInt,
        service_id -> BigInt,
        officer_id -> Nullable<BigInt>,
        reference -> Text,
        given_name -> Text,
        family_name -> Text,
        pseudonym -> Text,
        release_date -> Date,
        no_fixed_abode -> Bool,
        release_place_name -> Nullable<Text>,
        release_lat -> Nullable<Double>,
        release_lon -> Nullable<Double>,
        travel_radius_km -> Double,
        preferred_hours_min -> Nullable<Double>,
        preferred_hours_max -> Nullable<Double>,
        right_to_work -> Bool,
        driving_licence -> Bool,
        rotl_eligible_from -> Nullable<Date>,
        no_driving -> Bool,
        other_conditions -> Nullable<Text>,
        barred_children -> Bool,
        barred_adults -> Bool,
        readiness -> Text,
        consent_to_share_name -> Bool,
        gender -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        licence_ends_on -> Nullable<Date>,
        no_driving_until -> Nullable<Date>,
        anonymised_at -> Nullable<Timestamp>,
        restricted_deleted_at -> Nullable<Timestamp>,
        rotl_travel_km -> Nullable<Double>,
    }
}

diesel::table! {
    profile_skills (profile_id, skill_slug) {
        profile_id -> BigInt,
        skill_slug -> Text,
        source -> Text,
    }
}

diesel::table! {
    profile_certificates (profile_id, certificate_slug) {
        profile_id -> BigInt,
        certificate_slug -> Text,
        expires_on -> Nullable<Date>,
        expected_on -> Nullable<Date>,
    }
}

diesel::table! {
    profile_work_history (id) {
        id -> BigInt,
        profile_id -> BigInt,
        position -> Integer,
        role -> Text,
        employer_name -> Text,
        sector_slug -> Nullable<Text>,
        from_year -> Integer,
        to_year -> Nullable<Integer>,
    }
}

diesel::table! {
    profile_sectors (profile_id, sector_slug) {
        profile_id -> BigInt,
        sector_slug -> Text,
    }
}

diesel::table! {
    profile_languages (profile_id, language) {
        profile_id -> BigInt,
        language -> Text,
    }
}

diesel::table! {
    profile_curfews (id) {
        id -> BigInt,
        profile_id -> BigInt,
        days -> Integer,
        start_time -> Time,
        end_time -> Time,
        ends_on -> Nullable<Date>,
    }
}

diesel::table! {
    profile_exclusion_zones (id) {
        id -> BigInt,
        profile_id -> BigInt,
        name -> Text,
        lat -> Double,
        lon -> Double,
        radius_km -> Double,
        ends_on -> Nullable<Date>,
    }
}

diesel::table! {
    profile_offences (profile_id, category) {
        profile_id -> BigInt,
        category -> Text,
    }
}

diesel::table! {
    profile_todos (id) {
        id -> BigInt,
        profile_id -> BigInt,
        kind -> Text,
        note -> Text,
        done -> Bool,
    }
}

diesel::table! {
    job_seekers (id) {
        id -> BigInt,
        profile_id -> BigInt,
        login_code -> Text,
        pin_hash -> Text,
        failed_pin_attempts -> Integer,
        locked_at -> Nullable<Timestamp>,
        language -> Text,
        issued_by -> Nullable<BigInt>,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_limits (key) {
        key -> Text,
        window_start -> Timestamp,
        failures -> Integer,
        refused -> Integer,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> Nullable<BigInt>,
        seeker_id -> Nullable<BigInt>,
        terminal_id -> Nullable<BigInt>,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    session_purposes (session_id, profile_id) {
        session_id -> BigInt,
        profile_id -> BigInt,
        purpose -> Text,
        detail -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vacancies (id) {
        id -> BigInt,
        employer_id -> BigInt,
        status -> Text,
        title -> Text,
        description -> Text,
        sector_slug -> Text,
        remote -> Bool,
        place_name -> Nullable<Text>,
        lat -> Nullable<Double>,
        lon -> Nullable<Double>,
        hours_per_week -> Double,
        contract_type -> Text,
        pay_min_pence -> BigInt,
        pay_max_pence -> BigInt,
        pay_period -> Text,
        positions -> Integer,
        start_date -> Nullable<Date>,
        closing_date -> Nullable<Date>,
        needs_driving_licence -> Bool,
        check_level -> Text,
        regulated_children -> Bool,
        regulated_adults -> Bool,
        rotl_suitable -> Bool,
        ring_fenced -> Bool,
        how_to_apply -> Text,
        created_by -> Nullable<BigInt>,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        convictions_asked -> Text,
    }
}

diesel::table! {
    /// The columns of `vacancies` added for vacancy kinds (issue #22), with
    /// its id and status: the same rows, declared apart because a diesel
    /// table holds at most 32 columns without diesel's much slower
    /// 64-column feature. Written in the same transaction as the rest of
    /// the row (see `store::vacancies`).
    #[sql_name = "vacancies"]
    vacancy_kinds (id) {
        id -> BigInt,
        status -> Text,
        kind -> Text,
        trial_ends_on -> Nullable<Date>,
        trial_paid -> Nullable<Bool>,
        trial_timing -> Nullable<Text>,
        travel -> Nullable<Text>,
        opens_on -> Nullable<Date>,
    }
}

diesel::table! {
    vacancy_shifts (id) {
        id -> BigInt,
        vacancy_id -> BigInt,
        position -> Integer,
        days -> Integer,
        start_time -> Time,
        end_time -> Time,
    }
}

diesel::table! {
    vacancy_skills (vacancy_id, skill_slug) {
        vacancy_id -> BigInt,
        skill_slug -> Text,
        requirement -> Text,
    }
}

diesel::table! {
    vacancy_certificates (vacancy_id, certificate_slug) {
        vacancy_id -> BigInt,
        certificate_slug -> Text,
    }
}

diesel::table! {
    vacancy_offence_exclusions (vacancy_id, category) {
        vacancy_id -> BigInt,
        category -> Text,
        stance -> Text,
        reason -> Text,
    }
}

diesel::table! {
    vacancy_documents (vacancy_id, position) {
        vacancy_id -> BigInt,
        position -> Integer,
        document -> Text,
    }
}

diesel::table! {
    matches (id) {
        id -> BigInt,
        profile_id -> BigInt,
        vacancy_id -> BigInt,
        status -> Text,
        score -> Double,
        distance_km -> Nullable<Double>,
        reasons -> Text,
        dismiss_reason -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        notified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        required_met -> Integer,
        required_total -> Integer,
    }
}

diesel::table! {
    application_drafts (profile_id, vacancy_id) {
        profile_id -> BigInt,
        vacancy_id -> BigInt,
        statement -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    applications (id) {
        id -> BigInt,
        profile_id -> BigInt,
        vacancy_id -> BigInt,
        match_id -> Nullable<BigInt>,
        status -> Text,
        statement -> Text,
        share_name -> Bool,
        unsuccessful_reason -> Nullable<Text>,
        unsuccessful_note -> Nullable<Text>,
        interview_at -> Nullable<Timestamp>,
        start_date -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    application_events (id) {
        id -> BigInt,
        application_id -> BigInt,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor_kind -> Text,
        actor_user_id -> Nullable<BigInt>,
        note -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    outcomes (id) {
        id -> BigInt,
        profile_id -> BigInt,
        application_id -> Nullable<BigInt>,
        employer_id -> Nullable<BigInt>,
        started_on -> Date,
        in_work_6_weeks -> Nullable<Bool>,
        in_work_13_weeks -> Nullable<Bool>,
        in_work_6_months -> Nullable<Bool>,
        recorded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        idempotency_key -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        run_at -> Timestamp,
        locked_by -> Nullable<Text>,
        locked_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_kind -> Text,
        actor_user_id -> Nullable<BigInt>,
        actor_seeker_id -> Nullable<BigInt>,
        actor_label -> Text,
        action -> Text,
        subject_kind -> Nullable<Text>,
        subject_id -> Nullable<BigInt>,
        detail -> Nullable<Text>,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    profile_cvs (profile_id) {
        profile_id -> BigInt,
        about_me -> Text,
        strengths -> Text,
        references_available -> Nullable<Bool>,
        references_note -> Text,
        changed_at -> Nullable<Timestamp>,
        suggestion_about_me -> Text,
        suggestion_strengths -> Text,
        suggestion_references -> Text,
        suggestion_general -> Text,
        suggested_by -> Nullable<BigInt>,
        suggested_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    application_cvs (application_id) {
        application_id -> BigInt,
        cv -> Text,
        attached_at -> Timestamp,
    }
}

diesel::table! {
    disclosure_letters (profile_id) {
        profile_id -> BigInt,
        what_happened -> Text,
        what_changed -> Text,
        what_i_offer -> Text,
        status -> Text,
        version -> BigInt,
        approved_version -> Nullable<BigInt>,
        officer_note -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    disclosure_reviews (id) {
        id -> BigInt,
        profile_id -> BigInt,
        version -> BigInt,
        action -> Text,
        officer_user_id -> Nullable<BigInt>,
        note -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    application_disclosures (application_id) {
        application_id -> BigInt,
        what_happened -> Text,
        what_changed -> Text,
        what_i_offer -> Text,
        language -> Text,
        letter_version -> BigInt,
        attached_at -> Timestamp,
    }
}

diesel::table! {
    vacancy_slots (id) {
        id -> BigInt,
        vacancy_id -> BigInt,
        employer_id -> BigInt,
        purpose -> Text,
        starts_at -> Timestamp,
        minutes -> Integer,
        place_kind -> Text,
        place -> Text,
        capacity -> Integer,
        booked -> Integer,
        cancelled_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    slot_bookings (id) {
        id -> BigInt,
        slot_id -> BigInt,
        application_id -> BigInt,
        purpose -> Text,
        status -> Text,
        booked_by -> BigInt,
        cancel_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    slot_booking_events (id) {
        id -> BigInt,
        booking_id -> BigInt,
        action -> Text,
        actor_kind -> Text,
        actor_user_id -> Nullable<BigInt>,
        slot_id -> BigInt,
        note -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    match_watches (id) {
        id -> BigInt,
        user_id -> BigInt,
        profile_id -> BigInt,
        vacancy_id -> BigInt,
        eligible_from -> Date,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        notified_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        end_reason -> Nullable<Text>,
    }
}

diesel::joinable!(users -> services (service_id));
diesel::joinable!(users -> employers (employer_id));
diesel::joinable!(invitations -> employers (employer_id));
diesel::joinable!(invitations -> users (invited_by));
diesel::joinable!(api_tokens -> employers (employer_id));
diesel::joinable!(api_tokens -> users (created_by));
diesel::joinable!(integration_tokens -> services (service_id));
diesel::joinable!(integration_tokens -> users (created_by));
diesel::joinable!(terminals -> services (service_id));
diesel::joinable!(terminals -> users (created_by));
diesel::joinable!(profiles -> services (service_id));
diesel::joinable!(profiles -> users (officer_id));
diesel::joinable!(profile_skills -> profiles (profile_id));
diesel::joinable!(profile_certificates -> profiles (profile_id));
diesel::joinable!(profile_work_history -> profiles (profile_id));
diesel::joinable!(profile_sectors -> profiles (profile_id));
diesel::joinable!(profile_languages -> profiles (profile_id));
diesel::joinable!(profile_curfews -> profiles (profile_id));
diesel::joinable!(profile_exclusion_zones -> profiles (profile_id));
diesel::joinable!(profile_offences -> profiles (profile_id));
diesel::joinable!(profile_todos -> profiles (profile_id));
diesel::joinable!(job_seekers -> profiles (profile_id));
diesel::joinable!(job_seekers -> users (issued_by));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(sessions -> job_seekers (seeker_id));
diesel::joinable!(sessions -> terminals (terminal_id));
diesel::joinable!(vacancies -> employers (employer_id));
diesel::joinable!(vacancies -> users (created_by));
diesel::joinable!(vacancy_shifts -> vacancies (vacancy_id));
diesel::joinable!(vacancy_skills -> vacancies (vacancy_id));
diesel::joinable!(vacancy_certificates -> vacancies (vacancy_id));
diesel::joinable!(vacancy_offence_exclusions -> vacancies (vacancy_id));
diesel::joinable!(vacancy_documents -> vacancies (vacancy_id));
diesel::joinable!(matches -> profiles (profile_id));
diesel::joinable!(matches -> vacancies (vacancy_id));
diesel::joinable!(matches -> users (decided_by));
diesel::joinable!(application_drafts -> profiles (profile_id));
diesel::joinable!(application_drafts -> vacancies (vacancy_id));
diesel::joinable!(applications -> profiles (profile_id));
diesel::joinable!(applications -> vacancies (vacancy_id));
diesel::joinable!(applications -> matches (match_id));
diesel::joinable!(application_events -> applications (application_id));
diesel::joinable!(application_events -> users (actor_user_id));
diesel::joinable!(outcomes -> profiles (profile_id));
diesel::joinable!(outcomes -> applications (application_id));
diesel::joinable!(outcomes -> employers (employer_id));
diesel::joinable!(outcomes -> users (recorded_by));
diesel::joinable!(audit_log -> users (actor_user_id));
diesel::joinable!(audit_log -> job_seekers (actor_seeker_id));
diesel::joinable!(profile_cvs -> profiles (profile_id));
diesel::joinable!(profile_cvs -> users (suggested_by));
diesel::joinable!(application_cvs -> applications (application_id));
diesel::joinable!(disclosure_letters -> profiles (profile_id));
diesel::joinable!(disclosure_reviews -> profiles (profile_id));
diesel::joinable!(application_disclosures -> applications (application_id));
diesel::joinable!(vacancy_slots -> vacancies (vacancy_id));
diesel::joinable!(vacancy_slots -> employers (employer_id));
diesel::joinable!(slot_bookings -> vacancy_slots (slot_id));
diesel::joinable!(slot_bookings -> applications (application_id));
diesel::joinable!(slot_bookings -> users (booked_by));
diesel::joinable!(slot_booking_events -> slot_bookings (booking_id));
diesel::joinable!(match_watches -> users (user_id));
diesel::joinable!(match_watches -> profiles (profile_id));
diesel::joinable!(match_watches -> vacancies (vacancy_id));

diesel::allow_tables_to_appear_in_same_query!(
    app_meta,
    sectors,
    skills,
    services,
    employers,
    users,
    invitations,
    api_tokens,
    integration_tokens,
    terminals,
    profiles,
    profile_skills,
    profile_certificates,
    profile_work_history,
    profile_sectors,
    profile_languages,
    profile_curfews,
    profile_exclusion_zones,
    profile_offences,
    profile_todos,
    job_seekers,
    sessions,
    session_purposes,
    sign_in_limits,
    vacancies,
    vacancy_shifts,
    vacancy_skills,
    vacancy_certificates,
    vacancy_offence_exclusions,
    vacancy_documents,
    matches,
    application_drafts,
    applications,
    application_events,
    outcomes,
    jobs,
    audit_log,
    profile_cvs,
    application_cvs,
    disclosure_letters,
    disclosure_reviews,
    application_disclosures,
    vacancy_slots,
    slot_bookings,
    slot_booking_events,
    match_watches,
);
