//! The OpenAPI document against the running service: schemathesis (pinned
//! in `.ci/test`, installed in `tests/api_fuzz/.venv`) generates requests
//! for every operation from the document, as an officer (session cookie and
//! CSRF header), as an employer (API token), as a service's integration
//! token and as a job seeker signed in on a terminal, with the ids of real
//! fixtures. A run fails on any 5xx, any status the document does not list,
//! a response that breaks its schema or content type, a method the document
//! does not declare that is not 405, and a schema-valid request refused
//! (except the vacancy and profile bodies, whose rules between fields no
//! schema can say: see `the_vacancy_body_schema_*`; and the slot bodies and
//! a booking's move, which are judged against today and the stored rows).

mod common;

use std::path::{Path, PathBuf};

use chrono::Duration;
use common::{Backend, TestApp};
use diesel::prelude::*;
use fairchance::access::{password, token};
use fairchance::domain::profile::ProfileDetails;
use fairchance::domain::vacancy::{VacancyDetails, VacancyStatus};
use fairchance::seed::generator::{self, Town, TEMPLATES};
use fairchance::store::people::{
    self, EmployerStatus, Membership, NewEmployer, NewService, NewUser, ServiceKind,
};
use fairchance::store::{self, access as access_store, now};
use fairchance::web::auth;
use rand::SeedableRng;
use serde_json::{json, Value};

/// Test cases per operation in the fuzzing phase, for the operations of
/// the credential's role (the coverage phase adds its own boundary cases).
const MAX_EXAMPLES: u32 = 25;

/// Test cases for a vacancy body (fuzzing only).
const BODY_EXAMPLES: u32 = 100;

/// Test cases per operation of another role (fuzzing only).
const OTHER_ROLE_EXAMPLES: u32 = 5;

/// Where `.ci/test` installs schemathesis.
fn schemathesis() -> PathBuf {
    let st = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api_fuzz/.venv/bin/st");
    assert!(
        st.exists(),
        "schemathesis is not installed at {}: run `bash .ci/test`, or install it with\n  \
         python3 -m venv tests/api_fuzz/.venv && tests/api_fuzz/.venv/bin/pip install schemathesis==4.32.5",
        st.display()
    );
    st
}

struct Fixture {
    app: TestApp,
    officer: (String, String),
    employer_token: String,
    /// A `profiles:write` integration token of the officer's service.
    integration_token: String,
    /// Session cookie, device cookie, CSRF token.
    seeker: (String, String, String),
    profile: i64,
    published: i64,
    draft: i64,
    /// A slot of the published vacancy with a booking in it, a second slot
    /// (cancelled by the run), and the booking.
    slot: i64,
    spare_slot: i64,
    booking: i64,
    /// The officer's watch on the person and the published vacancy.
    watch: i64,
}

impl Fixture {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::spawn(backend).await;
        let services = app.services.clone();
        let taxonomy = &services.taxonomy;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
        let town = Town {
            name: "Leeds".into(),
            lat: 53.7965,
            lon: -1.5478,
        };
        let today = chrono::Utc::now().date_naive();
        let profile_details =
            ProfileDetails::parse(&generator::profile(&mut rng, 1, &town, today), taxonomy)
                .unwrap();
        let vacancy = |rng: &mut rand_chacha::ChaCha8Rng, i: usize| {
            VacancyDetails::parse(
                &generator::vacancy(rng, &TEMPLATES[i], &town, "A", today),
                taxonomy,
            )
            .unwrap()
        };
        let (v1, v2) = (vacancy(&mut rng, 0), vacancy(&mut rng, 1));
        let hash = password::hash("correct horse battery staple").unwrap();
        let pin_hash = password::hash("123456").unwrap();
        let mut conn = services.store.conn().unwrap();
        let at = now();
        let service = people::create_service(
            &mut conn,
            &NewService {
                name: "Service X",
                kind: ServiceKind::Prison,
                place_name: "Leeds",
                lat: 53.8,
                lon: -1.5,
            },
        )
        .unwrap();
        let employer = people::create_employer(
            &mut conn,
            &NewEmployer {
                name: "Employer A",
                sector_slug: "warehousing",
                contact_name: "Contact",
                contact_email: "contact@example.org",
                contact_phone: None,
                address: "Somewhere",
                website: None,
                status: EmployerStatus::Approved,
                decided_by: None,
            },
        )
        .unwrap();
        let user = |c: &mut store::Conn, email: &str, membership: Membership| {
            people::create_user(
                c,
                &NewUser {
                    email,
                    display_name: email,
                    password_hash: &hash,
                    membership,
                },
            )
            .unwrap()
        };
        let officer = user(
            &mut conn,
            "officer@example.org",
            Membership::Service(service),
        );
        let employer_user = user(
            &mut conn,
            "employer@example.org",
            Membership::Employer(employer),
        );
        let profile = conn
            .write(|tx| {
                store::profiles::insert(
                    tx,
                    service,
                    Some(officer),
                    "Pseudonym X",
                    &profile_details,
                    at,
                )
            })
            .unwrap();
        let published = conn
            .write(|tx| {
                store::vacancies::insert(tx, employer, VacancyStatus::Published, None, &v1, at)
            })
            .unwrap();
        let draft = conn
            .write(|tx| store::vacancies::insert(tx, employer, VacancyStatus::Draft, None, &v2, at))
            .unwrap();
        let (_, employer_token) = access_store::create_api_token(
            &mut conn,
            employer,
            employer_user,
            "ATS",
            at + Duration::days(365),
            at,
        )
        .unwrap();
        let (_, integration_token) = fairchance::store::integrations::create(
            &mut conn,
            &fairchance::store::integrations::NewIntegration {
                service_id: service,
                label: "Nightly sync",
                scope: fairchance::access::IntegrationScope::ProfilesWrite,
                created_by: None,
                expires_at: at + Duration::days(30),
            },
            at,
        )
        .unwrap();
        let (_, enrolment) =
            access_store::create_terminal(&mut conn, service, "Kiosk", None, at).unwrap();
        let terminal = access_store::redeem_enrolment(&mut conn, &enrolment, at)
            .unwrap()
            .unwrap();
        let (seeker, _code) =
            access_store::issue_seeker_access(&mut conn, profile, &pin_hash, Some(officer), at)
                .unwrap();
        {
            use fairchance::store::schema::matches;
            fairchance::with_conn!(&mut conn, |c| diesel::insert_into(matches::table)
                .values((
                    matches::profile_id.eq(profile),
                    matches::vacancy_id.eq(published),
                    matches::status.eq("approved"),
                    matches::score.eq(0.5),
                    matches::reasons.eq("[]"),
                    matches::created_at.eq(at),
                    matches::updated_at.eq(at),
                ))
                .execute(c)
                .unwrap());
        }
        let application = store::applications::submit(
            &mut conn,
            profile,
            published,
            "I would like this job.",
            at,
        )
        .unwrap()
        .application
        .id;
        let (slot, spare_slot, booking, watch) = slots_and_watch(
            &services,
            &mut conn,
            (service, officer, employer, employer_user),
            (profile, published, application),
        );
        let key = services.config.secret_key.clone();
        let secret = token::new_secret();
        let seeker_csrf = access_store::create_session(
            &mut conn,
            &access_store::NewSession {
                token: &secret,
                user_id: None,
                seeker_id: Some(seeker),
                terminal_id: Some(terminal.0),
                expires_at: at + Duration::hours(2),
                ip: None,
                user_agent: None,
            },
            at,
        )
        .unwrap();
        let seeker_cookies = (
            format!("{}={}", auth::SESSION_COOKIE, auth::sign(&key, &secret)),
            format!("{}={}", auth::DEVICE_COOKIE, auth::sign(&key, &terminal.1)),
        );
        drop(conn);
        let officer = app.staff_session(officer);
        Fixture {
            app,
            officer,
            employer_token,
            integration_token,
            seeker: (seeker_cookies.0, seeker_cookies.1, seeker_csrf),
            profile,
            published,
            draft,
            slot,
            spare_slot,
            booking,
            watch,
        }
    }
}

/// The application forwarded to the employer, two slots of its vacancy
/// (in the prison before the person's release, else at the workplace
/// after it), the officer's booking in the first, and the officer's watch
/// on the pair: (slot, spare slot, booking, watch).
fn slots_and_watch(
    services: &fairchance::startup::Services,
    conn: &mut store::Conn,
    (service, officer, employer, employer_user): (i64, i64, i64, i64),
    (profile, vacancy, application): (i64, i64, i64),
) -> (i64, i64, i64, i64) {
    use fairchance::app::{employers::Member, profiles::Caseworker, slots};
    use fairchance::domain::application::ApplicationStatus;
    use fairchance::store::applications::{change_status, Actor, Change};
    for to in [ApplicationStatus::UnderReview, ApplicationStatus::Forwarded] {
        conn.write(|tx| {
            change_status(
                tx,
                application,
                &Change::to(to),
                Actor::officer(officer),
                now(),
            )
        })
        .unwrap();
    }
    let actor = |kind: &'static str, user_id: i64| store::audit::Actor {
        kind,
        user_id: Some(user_id),
        label: format!("{kind} {user_id}"),
        ..store::audit::Actor::default()
    };
    let member = Member {
        employer_id: employer,
        user_id: employer_user,
        audit: actor("employer", employer_user),
    };
    let caseworker = Caseworker {
        actor: actor("officer", officer),
        service_id: service,
        user_id: officer,
    };
    let release = store::profiles::load(conn, profile, &services.taxonomy)
        .unwrap()
        .details
        .release_date();
    let today = now().date();
    let (day, place_kind) = if release > today + Duration::days(3) {
        (today + Duration::days(1), "in_prison")
    } else {
        (today.max(release) + Duration::days(7), "at_workplace")
    };
    let input = fairchance::domain::slot::SlotInput {
        purpose: "interview".into(),
        date: day.format("%Y-%m-%d").to_string(),
        time: "10:00".into(),
        minutes: "45".into(),
        place_kind: place_kind.into(),
        place: "the education block".into(),
        capacity: "3".into(),
    };
    let slot = slots::create(conn, &member, vacancy, &input).unwrap();
    let spare_slot = slots::create(conn, &member, vacancy, &input).unwrap();
    let booking = slots::book(
        conn,
        &services.config,
        &services.taxonomy,
        &caseworker,
        application,
        slot,
    )
    .unwrap();
    let on = today + Duration::days(30);
    let watch = conn
        .write(|tx| store::watches::watch(tx, officer, profile, vacancy, on, now()))
        .unwrap();
    (slot, spare_slot, booking, watch)
}

/// The value of a `name=value` cookie.
fn cookie_value(cookie: &str) -> String {
    cookie
        .split_once('=')
        .map(|(_, v)| v)
        .unwrap_or(cookie)
        .to_string()
}

/// One credential's run: the values of the document's security schemes
/// (so that schemathesis can also leave them out and expect 401 or 403),
/// other headers, and the real ids of each path.
struct Run<'a> {
    name: &'a str,
    /// The operations of this credential's role (a path regex): the
    /// others get a few cases each, which all answer 401 or 403.
    own: &'a str,
    auth: Vec<(&'a str, &'a str, String)>,
    headers: Vec<String>,
    ids: Vec<(&'a str, Vec<(&'a str, i64)>)>,
}

/// The schemathesis configuration: real ids per path, the statuses a
/// schema-valid request may get, and no acceptance check for the vacancy
/// bodies (their rules between fields are not in any schema). The coverage
/// phase's cases for those 30-field bodies run to thousands, so they are
/// fuzzed with more examples instead.
fn config(base_url: &str, run: &Run) -> String {
    let mut toml = format!(
        "base-url = \"{base_url}\"\nseed = 15\nworkers = 1\ncache.enabled = false\n\n\
         [generation]\nmax-examples = {MAX_EXAMPLES}\ndatabase = \"none\"\n\n[checks]\n"
    );
    for check in CHECKS {
        toml.push_str(&format!("{check}.enabled = true\n"));
    }
    for check in NOT_CHECKED {
        toml.push_str(&format!("{check}.enabled = false\n"));
    }
    toml.push_str(&format!(
        "positive_data_acceptance.expected-statuses = {ACCEPTED}\n"
    ));
    toml.push_str(&format!(
        "\n[[operations]]\nexclude-path-regex = '{}'\nphases.coverage.enabled = false\n\
         generation.max-examples = {OTHER_ROLE_EXAMPLES}\n",
        run.own
    ));
    for (scheme, key, value) in &run.auth {
        toml.push_str(&format!("\n[auth.openapi.{scheme}]\n{key} = \"{value}\"\n"));
    }
    toml.push_str(&format!(
        "\n[[operations]]\ninclude-path = \"/api/v1/session\"\ninclude-method = \"DELETE\"\n\
         checks.positive_data_acceptance.expected-statuses = {TOKEN_SIGN_OUT}\n"
    ));
    for (method, path) in BODY_OPERATIONS {
        toml.push_str(&format!(
            "\n[[operations]]\ninclude-path = \"{path}\"\ninclude-method = \"{method}\"\n\
             checks.positive_data_acceptance.enabled = false\n\
             phases.coverage.enabled = false\ngeneration.max-examples = {BODY_EXAMPLES}\n"
        ));
        if let Some((_, ids)) = run.ids.iter().find(|(p, _)| *p == path) {
            for (name, id) in ids {
                toml.push_str(&format!("parameters.\"path.{name}\" = {id}\n"));
            }
        }
    }
    for (path, ids) in &run.ids {
        toml.push_str(&format!("\n[[operations]]\ninclude-path = \"{path}\"\n"));
        for (name, id) in ids {
            toml.push_str(&format!("parameters.\"path.{name}\" = {id}\n"));
        }
    }
    toml
}

/// The operations whose bodies have rules between fields, or against
/// today and the rows already stored, that no schema can state: fuzzed
/// with more examples, acceptance not judged. (A slot starts after now and
/// within a year, and keeps its time while people are booked; a booking
/// moves only to another of the employer's slots of the same vacancy that
/// suits the person.)
const BODY_OPERATIONS: [(&str, &str); 9] = [
    ("POST", "/api/v1/vacancies"),
    ("PUT", "/api/v1/vacancies/{id}"),
    ("POST", "/api/v1/profiles"),
    ("PUT", "/api/v1/profiles/{id}"),
    ("PUT", "/api/v1/profiles/by-reference/{reference}"),
    ("PUT", "/api/v1/profiles/{id}/restricted"),
    ("POST", "/api/v1/vacancies/{id}/slots"),
    ("PUT", "/api/v1/slots/{id}"),
    ("POST", "/api/v1/bookings/{id}/move"),
];

/// The profile API's paths (a path regex).
const PROFILE_PATHS: &str = "profiles(/\\{id\\}(/restricted)?|/by-reference/\\{reference\\})?";

/// What every run checks.
const CHECKS: [&str; 8] = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "unsupported_method",
    "allow_header_conformance",
    "positive_data_acceptance",
    "ignored_auth",
];

/// What no run checks: `negative_data_rejection` (the parsers trim text
/// and read absent fields as defaults, so some bodies outside the schema
/// are rightly accepted), `missing_required_header` (no operation has a
/// required header parameter) and the stateful object checks (no API link
/// is declared; the authorization matrix in `tests/access.rs` covers
/// other tenants' objects).
const NOT_CHECKED: [&str; 5] = [
    "negative_data_rejection",
    "missing_required_header",
    "use_after_free",
    "ensure_resource_availability",
    "object_level_authorization",
];

/// What a request that keeps to the schema may get besides 2xx: the
/// credential is not for this operation (401, 403), the real id belongs to
/// another role's path or the vacancy is not open (404), the lifecycle
/// refuses the move (409), or sign-in is being limited (429).
const ACCEPTED: &str = r#"["2xx", "401", "403", "404", "409", "429"]"#;

/// `DELETE /api/v1/session` with an API token: there is no session to end
/// (400, documented); the token is revoked on its own page.
const TOKEN_SIGN_OUT: &str = r#"["2xx", "400", "401", "403"]"#;

/// Runs schemathesis once; returns its output when it found a problem.
async fn fuzz(f: &Fixture, run: &Run<'_>, dir: &Path, filter: &[&str]) -> Result<String, String> {
    let config_path = dir.join(format!("{}-{}.toml", run.name, filter.join("")));
    std::fs::write(&config_path, config(&f.app.address, run)).unwrap();
    let mut args: Vec<String> = vec![
        "--config-file".into(),
        config_path.display().to_string(),
        "--no-color".into(),
        "run".into(),
        f.app.url("/api/v1/openapi.json"),
        "--request-timeout".into(),
        "30".into(),
        "--warnings".into(),
        "off".into(),
    ];
    for header in &run.headers {
        args.push("--header".into());
        args.push(header.clone());
    }
    args.extend(filter.iter().map(|s| s.to_string()));
    let st = schemathesis();
    // Anything schemathesis keeps on disk stays in the test's directory.
    let cwd = dir.to_path_buf();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(st)
            .args(&args)
            .current_dir(cwd)
            .output()
            .expect("run schemathesis")
    })
    .await
    .unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}

on_both_backends!(
    every_operation_holds_to_the_openapi_document_under_fuzzing,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let profile_ids = || {
            ["/api/v1/profiles/{id}", "/api/v1/profiles/{id}/restricted"]
                .into_iter()
                .map(|p| (p, vec![("id", f.profile)]))
        };
        let officer_own = "^/api/v1/(session|me|openapi\\.json|profiles(/.*)?|vacancies/\\{id\\}/candidates|watches(/\\{id\\})?|matches/soon)$";
        let integration_own = format!("^/api/v1/{PROFILE_PATHS}$");
        let runs = [
            Run {
                name: "officer",
                own: officer_own,
                auth: vec![("session", "api_key", cookie_value(&f.officer.0))],
                headers: vec![format!("X-CSRF-Token: {}", f.officer.1)],
                ids: profile_ids()
                    .chain([
                        ("/api/v1/profiles/{id}/matches", vec![("id", f.profile)]),
                        (
                            "/api/v1/profiles/{id}/matches/{vacancy_id}",
                            vec![("id", f.profile), ("vacancy_id", f.published)],
                        ),
                        (
                            "/api/v1/vacancies/{id}/candidates",
                            vec![("id", f.published)],
                        ),
                        ("/api/v1/watches/{id}", vec![("id", f.watch)]),
                    ])
                    .collect(),
            },
            Run {
                name: "integration",
                own: &integration_own,
                auth: vec![("bearer", "bearer", f.integration_token.clone())],
                headers: vec![],
                ids: profile_ids().collect(),
            },
            Run {
                name: "employer",
                own: "^/api/v1/(session|me|vacancies|vacancies/\\{id\\}(/(publish|pause|close|slots))?|slots/\\{id\\}(/cancel)?|bookings(/\\{id\\}/(confirm|move|cancel|attendance))?)$",
                auth: vec![("bearer", "bearer", f.employer_token.clone())],
                headers: vec![],
                ids: [
                    "/api/v1/vacancies/{id}",
                    "/api/v1/vacancies/{id}/publish",
                    "/api/v1/vacancies/{id}/pause",
                    "/api/v1/vacancies/{id}/close",
                ]
                .into_iter()
                .map(|p| (p, vec![("id", f.draft)]))
                .chain([
                    ("/api/v1/vacancies/{id}/slots", vec![("id", f.published)]),
                    ("/api/v1/slots/{id}", vec![("id", f.slot)]),
                    ("/api/v1/slots/{id}/cancel", vec![("id", f.spare_slot)]),
                ])
                .chain(
                    [
                        "/api/v1/bookings/{id}/confirm",
                        "/api/v1/bookings/{id}/move",
                        "/api/v1/bookings/{id}/cancel",
                        "/api/v1/bookings/{id}/attendance",
                    ]
                    .into_iter()
                    .map(|p| (p, vec![("id", f.booking)])),
                )
                .collect(),
            },
            Run {
                name: "seeker",
                own: "^/api/v1/terminal/",
                auth: vec![
                    ("session", "api_key", cookie_value(&f.seeker.0)),
                    ("device", "api_key", cookie_value(&f.seeker.1)),
                ],
                headers: vec![format!("X-CSRF-Token: {}", f.seeker.2)],
                ids: [
                    "/api/v1/terminal/vacancies/{id}",
                    "/api/v1/terminal/vacancies/{id}/application",
                    "/api/v1/terminal/applications/{id}/withdraw",
                ]
                .into_iter()
                .map(|p| (p, vec![("id", f.published)]))
                .collect(),
            },
        ];
        let mut failures = Vec::new();
        // Everything but signing out first, then signing out, so that no
        // credential ends before its run does.
        for filter in [
            &["--exclude-method", "DELETE"][..],
            &["--include-method", "DELETE"][..],
        ] {
            for run in &runs {
                let started = std::time::Instant::now();
                let result = fuzz(&f, run, dir.path(), filter).await;
                eprintln!(
                    "schemathesis as {} ({}): {:.1?}",
                    run.name,
                    filter.join(" "),
                    started.elapsed()
                );
                match result {
                    Ok(output) => {
                        // A run that tested nothing must not look like a pass.
                        let summary = output
                            .lines()
                            .skip_while(|l| !l.trim_start().starts_with("Test cases:"))
                            .nth(1)
                            .unwrap_or_default()
                            .trim()
                            .to_string();
                        eprintln!("  {summary}");
                        let generated: u64 = summary
                            .split_whitespace()
                            .next()
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(0);
                        assert!(
                            generated > 0,
                            "schemathesis as {} generated no test cases:\n{output}",
                            run.name
                        );
                    }
                    Err(output) => failures.push(format!(
                        "== schemathesis as {} ({}):\n{output}",
                        run.name,
                        filter.join(" ")
                    )),
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        f.app.stop().await;
    }
);

// A vacancy body is checked by rules between fields no schema can state,
// so schemathesis does not judge acceptance of these bodies; instead, each
// body the parser refuses on one field alone breaks the published schema.
on_both_backends!(
    the_vacancy_body_schema_carries_every_single_field_rule,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        let input = &doc["paths"]["/api/v1/vacancies"]["post"]["requestBody"]["content"]
            ["application/json"]["schema"];
        assert_eq!(
            input,
            &doc["paths"]["/api/v1/vacancies/{id}"]["put"]["requestBody"]["content"]
                ["application/json"]["schema"]
        );
        let props = &input["properties"];
        // Pay 0 is refused: the schema's minimum is above 0.
        for field in ["pay_min", "pay_max"] {
            let minimum = props[field]["minimum"].as_f64().unwrap_or(0.0);
            assert!(minimum > 0.0, "{field}: {}", props[field]);
        }
        // Only the taxonomy's sectors (an empty one is not among them).
        let sectors: Vec<String> = app
            .services
            .taxonomy
            .sectors()
            .iter()
            .map(|s| s.slug().to_string())
            .collect();
        assert_eq!(props["sector"]["enum"], json!(sectors));
        // Skills and certificates from the taxonomy.
        let certificates = props["required_certificates"]["items"]["enum"]
            .as_array()
            .unwrap();
        assert!(!certificates.is_empty());
        for slug in certificates {
            assert!(app
                .services
                .taxonomy
                .is_known_certificate(slug.as_str().unwrap()));
        }
        assert!(props["required_skills"]["items"]["enum"]
            .as_array()
            .is_some_and(|e| e.len() > certificates.len()));
        // A shift has at least one day and times the parser reads.
        let shift = &props["shifts"]["items"];
        assert_eq!(shift["properties"]["days"]["minItems"], 1);
        assert_eq!(shift["required"], json!(["days", "start", "end"]));
        assert!(shift["properties"]["start"]["pattern"].is_string());
        // A body needs a workplace unless the job is remote.
        assert_eq!(
            input["anyOf"],
            json!([
                { "required": ["remote"], "properties": { "remote": { "type": "boolean", "enum": [true] } } },
                { "required": ["workplace"], "properties": { "workplace": { "type": "object" } } }
            ])
        );
        // And the parser agrees: each of those bodies is refused on that field.
        let taxonomy = &app.services.taxonomy;
        let today = chrono::Utc::now().date_naive();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let town = Town {
            name: "Leeds".into(),
            lat: 53.7965,
            lon: -1.5478,
        };
        let good = generator::vacancy(&mut rng, &TEMPLATES[0], &town, "A", today);
        assert!(VacancyDetails::parse(&good, taxonomy).is_ok());
        let mut cases = Vec::new();
        let mut pay = good.clone();
        pay.pay_min = 0.0;
        cases.push(("pay_min", pay));
        let mut sector = good.clone();
        sector.sector = String::new();
        cases.push(("sector", sector));
        let mut no_days = good.clone();
        no_days.shifts = vec![fairchance::domain::schedule::TimeWindowInput {
            days: vec![],
            start: "09:00".into(),
            end: "17:00".into(),
        }];
        cases.push(("shifts[0].days", no_days));
        let mut nowhere = good.clone();
        nowhere.remote = false;
        nowhere.workplace = None;
        cases.push(("workplace", nowhere));
        for (field, body) in cases {
            let errors = VacancyDetails::parse(&body, taxonomy).unwrap_err();
            assert!(errors.has(field), "{field}: {errors:?}");
        }
        app.stop().await;
    }
);
