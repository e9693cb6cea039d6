//! Identity, roles, sessions, CSRF, terminals and audit, over HTTP against
//! the running app, on both database backends.

mod common;

use std::collections::{BTreeMap, BTreeSet};

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
use fairchance::web::routes::{self, Access};
use rand::SeedableRng;
use reqwest::{Method, StatusCode};

const PASSWORD: &str = "correct horse battery staple";

/// Two of everything, so that every scope has a neighbour to be kept from.
struct World {
    app: TestApp,
    admin: i64,
    officer_x: i64,
    officer_y: i64,
    employer_user_a: i64,
    employer_user_b: i64,
    employer_a: i64,
    profile_x: i64,
    profile_y: i64,
    vacancy_a: i64,
    vacancy_b: i64,
    token_a: (i64, String),
    token_b: (i64, String),
    terminal_x: (i64, String),
    seeker_x: (i64, String, String),
    seeker_y_code: String,
    match_x: i64,
    application_x: i64,
    outcome_x: i64,
}

fn details_pair(
    services: &fairchance::startup::Services,
) -> (
    ProfileDetails,
    ProfileDetails,
    VacancyDetails,
    VacancyDetails,
) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let town = Town {
        name: "Leeds".into(),
        lat: 53.7965,
        lon: -1.5478,
    };
    let today = chrono::Utc::now().date_naive();
    let t = &services.taxonomy;
    let p1 = ProfileDetails::parse(&generator::profile(&mut rng, 1, &town, today), t).unwrap();
    let p2 = ProfileDetails::parse(&generator::profile(&mut rng, 2, &town, today), t).unwrap();
    let v1 = VacancyDetails::parse(
        &generator::vacancy(&mut rng, &TEMPLATES[0], &town, "A", today),
        t,
    )
    .unwrap();
    let v2 = VacancyDetails::parse(
        &generator::vacancy(&mut rng, &TEMPLATES[1], &town, "B", today),
        t,
    )
    .unwrap();
    (p1, p2, v1, v2)
}

impl World {
    async fn new(backend: Backend) -> Self {
        Self::with(backend, &[]).await
    }

    /// The same world on an app with extra settings.
    async fn with(backend: Backend, settings: &[(&str, &str)]) -> Self {
        let app = TestApp::spawn_with(backend, settings).await;
        let hash = password::hash(PASSWORD).unwrap();
        let pin_hash = password::hash("123456").unwrap();
        let services = app.services.clone();
        let (p1, p2, v1, v2) = details_pair(&services);
        let mut conn = services.store.conn().unwrap();
        let at = now();
        let service = |c: &mut store::Conn, name: &str| {
            people::create_service(
                c,
                &NewService {
                    name,
                    kind: ServiceKind::Prison,
                    place_name: "Leeds",
                    lat: 53.8,
                    lon: -1.5,
                },
            )
            .unwrap()
        };
        let service_x = service(&mut conn, "Service X");
        let service_y = service(&mut conn, "Service Y");
        let employer = |c: &mut store::Conn, name: &str| {
            people::create_employer(
                c,
                &NewEmployer {
                    name,
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
            .unwrap()
        };
        let employer_a = employer(&mut conn, "Employer A");
        let employer_b = employer(&mut conn, "Employer B");
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
        let admin = user(&mut conn, "admin@example.org", Membership::Admin);
        let officer_x = user(
            &mut conn,
            "officer.x@example.org",
            Membership::Service(service_x),
        );
        let officer_y = user(
            &mut conn,
            "officer.y@example.org",
            Membership::Service(service_y),
        );
        let employer_user_a = user(
            &mut conn,
            "employer.a@example.org",
            Membership::Employer(employer_a),
        );
        let employer_user_b = user(
            &mut conn,
            "employer.b@example.org",
            Membership::Employer(employer_b),
        );
        let profile_x = conn
            .write(|tx| {
                store::profiles::insert(tx, service_x, Some(officer_x), "Pseudonym X", &p1, at)
            })
            .unwrap();
        let profile_y = conn
            .write(|tx| {
                store::profiles::insert(tx, service_y, Some(officer_y), "Pseudonym Y", &p2, at)
            })
            .unwrap();
        let vacancy_a = conn
            .write(|tx| {
                store::vacancies::insert(tx, employer_a, VacancyStatus::Published, None, &v1, at)
            })
            .unwrap();
        let vacancy_b = conn
            .write(|tx| {
                store::vacancies::insert(tx, employer_b, VacancyStatus::Published, None, &v2, at)
            })
            .unwrap();
        let token_a = access_store::create_api_token(
            &mut conn,
            employer_a,
            employer_user_a,
            "ATS A",
            at + chrono::Duration::days(365),
            at,
        )
        .unwrap();
        let token_b = access_store::create_api_token(
            &mut conn,
            employer_b,
            employer_user_b,
            "ATS B",
            at + chrono::Duration::days(365),
            at,
        )
        .unwrap();
        let (_, code_x) =
            access_store::create_terminal(&mut conn, service_x, "Kiosk X", Some(admin), at)
                .unwrap();
        let terminal_x = access_store::redeem_enrolment(&mut conn, &code_x, at)
            .unwrap()
            .unwrap();
        let (seeker_x, seeker_x_code) =
            access_store::issue_seeker_access(&mut conn, profile_x, &pin_hash, Some(officer_x), at)
                .unwrap();
        let (_, seeker_y_code) =
            access_store::issue_seeker_access(&mut conn, profile_y, &pin_hash, Some(officer_y), at)
                .unwrap();
        let match_x = {
            use fairchance::store::schema::matches;
            fairchance::with_conn!(&mut conn, |c| diesel::insert_into(matches::table)
                .values((
                    matches::profile_id.eq(profile_x),
                    matches::vacancy_id.eq(vacancy_a),
                    matches::status.eq("suggested"),
                    matches::score.eq(0.5),
                    matches::reasons.eq("[]"),
                    matches::created_at.eq(at),
                    matches::updated_at.eq(at),
                ))
                .returning(matches::id)
                .get_result::<i64>(c)
                .unwrap())
        };
        let application_x = store::applications::submit(
            &mut conn,
            profile_x,
            vacancy_a,
            "I would like this job.",
            at,
        )
        .unwrap()
        .application
        .id;
        let outcome_x = store::outcomes::record_start(
            &mut conn,
            &store::outcomes::NewStart {
                profile_id: profile_x,
                application_id: None,
                employer_id: None,
                started_on: at.date() - Duration::days(60),
                recorded_by: Some(officer_x),
            },
            at,
        )
        .unwrap();
        World {
            match_x,
            application_x,
            outcome_x,
            app,
            admin,
            officer_x,
            officer_y,
            employer_user_a,
            employer_user_b,
            employer_a,
            profile_x,
            profile_y,
            vacancy_a,
            vacancy_b,
            token_a,
            token_b,
            terminal_x,
            seeker_x: (seeker_x, seeker_x_code, "123456".into()),
            seeker_y_code,
        }
    }

    fn key(&self) -> Vec<u8> {
        self.app.services.config.secret_key.clone()
    }

    /// A fresh session for a staff user: (cookie header, csrf token).
    fn staff_session(&self, user_id: i64) -> (String, String) {
        self.app.staff_session(user_id)
    }

    fn device_cookie(&self) -> String {
        format!(
            "{}={}",
            auth::DEVICE_COOKIE,
            auth::sign(&self.key(), &self.terminal_x.1)
        )
    }

    fn seeker_session(&self) -> (String, String) {
        let mut conn = self.app.services.store.conn().unwrap();
        let secret = token::new_secret();
        let at = now();
        let csrf = access_store::create_session(
            &mut conn,
            &access_store::NewSession {
                token: &secret,
                user_id: None,
                seeker_id: Some(self.seeker_x.0),
                terminal_id: Some(self.terminal_x.0),
                expires_at: at + Duration::hours(1),
                ip: None,
                user_agent: None,
            },
            at,
        )
        .unwrap();
        (
            format!(
                "{}={}; {}",
                auth::SESSION_COOKIE,
                auth::sign(&self.key(), &secret),
                self.device_cookie()
            ),
            csrf,
        )
    }

    /// The cookies and CSRF token for one kind of caller.
    fn credentials(&self, who: Who) -> (String, String) {
        let anon = token::new_secret();
        match who {
            Who::Anonymous => (format!("{}={anon}", auth::ANON_CSRF_COOKIE), anon),
            Who::Device => (
                format!(
                    "{}={anon}; {}",
                    auth::ANON_CSRF_COOKIE,
                    self.device_cookie()
                ),
                anon,
            ),
            Who::Seeker => self.seeker_session(),
            Who::Admin => self.staff_session(self.admin),
            Who::Officer => self.staff_session(self.officer_x),
            Who::Employer => self.staff_session(self.employer_user_a),
        }
    }

    async fn send(&self, method: &str, path: &str, who: Who) -> reqwest::Response {
        // An officer's restricted page has its purpose given first.
        let (cookie, csrf) = match who {
            Who::Officer => self.app.staff_session_for(self.officer_x, path),
            _ => self.credentials(who),
        };
        self.send_with(method, path, &cookie, Some(&csrf), None)
            .await
    }

    async fn send_with(
        &self,
        method: &str,
        path: &str,
        cookie: &str,
        csrf: Option<&str>,
        form: Option<&[(&str, &str)]>,
    ) -> reqwest::Response {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .app
            .client
            .request(method.clone(), self.app.url(path))
            .header("cookie", cookie);
        if method != Method::GET {
            if path.starts_with("/api/") {
                if let Some(csrf) = csrf {
                    req = req.header("x-csrf-token", csrf);
                }
                req = req.json(&serde_json::json!({}));
            } else {
                let mut fields: Vec<(&str, &str)> = form.map(|f| f.to_vec()).unwrap_or_default();
                if let Some(csrf) = csrf {
                    fields.push(("csrf_token", csrf));
                }
                req = req.form(&fields);
            }
        }
        req.send().await.unwrap()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Device,
    Seeker,
    Admin,
    Officer,
    Employer,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::Device,
    Who::Seeker,
    Who::Admin,
    Who::Officer,
    Who::Employer,
];

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Allowed,
    SignIn,
    TerminalSignIn,
    Forbidden,
}

fn outcome(path: &str, res: &reqwest::Response) -> Outcome {
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match res.status() {
        StatusCode::UNAUTHORIZED if path.starts_with("/api/") => Outcome::SignIn,
        StatusCode::SEE_OTHER if location == "/sign-in" => Outcome::SignIn,
        StatusCode::SEE_OTHER if location == "/terminal" => Outcome::TerminalSignIn,
        StatusCode::FORBIDDEN => Outcome::Forbidden,
        _ => Outcome::Allowed,
    }
}

fn expected(access: Access, who: Who, path: &str) -> Outcome {
    use Outcome::*;
    match (access, who) {
        // The JSON API answers 401 where a page would ask for sign-in, and
        // to anyone with no session at all.
        (Access::Seeker, Who::Anonymous | Who::Device) if path.starts_with("/api/") => SignIn,
        (Access::Public, _) => Allowed,
        (Access::Staff, Who::Admin | Who::Officer | Who::Employer) => Allowed,
        // Integration tokens of the profile API are tested in
        // tests/profile_api.rs; among the people here only officers pass.
        (Access::Admin, Who::Admin)
        | (Access::Officer | Access::Profiles, Who::Officer)
        | (Access::Casework, Who::Admin | Who::Officer)
        | (Access::Employer, Who::Employer) => Allowed,
        (
            Access::Staff
            | Access::Admin
            | Access::Officer
            | Access::Casework
            | Access::Employer
            | Access::Profiles,
            Who::Anonymous | Who::Device,
        ) => SignIn,
        (
            Access::Staff
            | Access::Admin
            | Access::Officer
            | Access::Casework
            | Access::Employer
            | Access::Profiles,
            _,
        ) => Forbidden,
        (Access::Device, Who::Device | Who::Seeker) => Allowed,
        (Access::Device, _) => Forbidden,
        (Access::Seeker, Who::Seeker) => Allowed,
        (Access::Seeker, Who::Device) => TerminalSignIn,
        (Access::Seeker, _) => Forbidden,
    }
}

/// Who may call each route. A route added to the app without a line here
/// fails the matrix test; so does a line whose access differs from the app's.
fn declared() -> BTreeMap<(&'static str, &'static str), Access> {
    use Access::*;
    [
        ("GET", "/", Public),
        ("GET", "/static/app.css", Public),
        ("GET", "/privacy", Public),
        ("GET", "/healthz", Public),
        ("GET", "/readyz", Public),
        ("GET", "/sign-in", Public),
        ("POST", "/sign-in", Public),
        ("POST", "/sign-out", Staff),
        ("GET", "/account", Staff),
        ("GET", "/account/password", Staff),
        ("POST", "/account/password", Staff),
        ("POST", "/account/sign-out-everywhere", Staff),
        ("POST", "/account/email-digest", Staff),
        ("GET", "/admin", Admin),
        ("GET", "/admin/users", Admin),
        ("GET", "/admin/users/new", Admin),
        ("POST", "/admin/users", Admin),
        ("POST", "/admin/users/{id}/reset-password", Admin),
        ("POST", "/admin/users/{id}/disable", Admin),
        ("POST", "/admin/users/{id}/enable", Admin),
        ("GET", "/admin/terminals", Admin),
        ("POST", "/admin/terminals", Admin),
        ("POST", "/admin/terminals/{id}/revoke", Admin),
        ("GET", "/admin/audit", Admin),
        ("GET", "/admin/processing", Admin),
        ("GET", "/admin/queue", Admin),
        ("GET", "/admin/integrations", Admin),
        ("POST", "/admin/integrations", Admin),
        ("POST", "/admin/integrations/{id}/revoke", Admin),
        ("POST", "/admin/queue/{id}/retry", Admin),
        ("GET", "/officer", Officer),
        ("GET", "/officer/profiles/{id}", Officer),
        ("GET", "/officer/profiles/{id}/restricted", Officer),
        // Case officer workspace.
        ("GET", "/officer/caseload", Officer),
        ("GET", "/officer/tools/spent", Casework),
        ("POST", "/officer/tools/spent", Casework),
        ("GET", "/officer/profiles/new", Officer),
        ("GET", "/officer/profiles/import", Casework),
        ("GET", "/officer/profiles/import/template.csv", Casework),
        ("POST", "/officer/profiles/import/preview", Casework),
        ("POST", "/officer/profiles/import", Casework),
        ("POST", "/officer/profiles", Officer),
        ("GET", "/officer/profiles/{id}/edit", Officer),
        ("POST", "/officer/profiles/{id}", Officer),
        ("GET", "/officer/profiles/{id}/restricted/edit", Officer),
        ("POST", "/officer/profiles/{id}/restricted", Officer),
        ("POST", "/officer/profiles/{id}/restricted/purpose", Officer),
        ("POST", "/officer/profiles/{id}/access", Officer),
        ("POST", "/officer/profiles/{id}/assign", Officer),
        ("GET", "/officer/profiles/{id}/disclosure", Officer),
        ("POST", "/officer/profiles/{id}/disclosure/approve", Officer),
        ("POST", "/officer/profiles/{id}/disclosure/changes", Officer),
        ("GET", "/officer/profiles/{id}/matches", Officer),
        ("POST", "/officer/profiles/{id}/watches", Officer),
        ("POST", "/officer/profiles/{id}/watches/stop", Officer),
        ("GET", "/officer/profiles/{id}/export", Casework),
        ("GET", "/officer/profiles/{id}/export.json", Casework),
        ("GET", "/officer/profiles/{id}/cv.pdf", Casework),
        ("POST", "/officer/profiles/{id}/cv/suggestions", Officer),
        ("GET", "/api/v1/profiles/{id}/export", Casework),
        ("GET", "/officer/matches", Officer),
        ("GET", "/officer/matches/soon", Officer),
        ("POST", "/officer/matches/{id}/approve", Officer),
        ("POST", "/officer/matches/{id}/dismiss", Officer),
        ("GET", "/officer/vacancies/{id}", Officer),
        ("GET", "/officer/vacancies/{id}/candidates", Officer),
        ("GET", "/officer/applications", Officer),
        ("GET", "/officer/applications/{id}", Officer),
        ("POST", "/officer/applications/{id}/review", Officer),
        ("POST", "/officer/applications/{id}/statement", Officer),
        ("POST", "/officer/applications/{id}/forward", Officer),
        ("POST", "/officer/applications/{id}/decline", Officer),
        ("POST", "/officer/applications/{id}/withdraw", Officer),
        ("POST", "/officer/applications/{id}/start", Officer),
        ("GET", "/officer/applications/{id}/slots", Officer),
        ("POST", "/officer/applications/{id}/slots", Officer),
        (
            "POST",
            "/officer/applications/{id}/bookings/{booking}/cancel",
            Officer,
        ),
        ("GET", "/officer/bookings", Officer),
        ("POST", "/officer/profiles/{id}/outcomes", Officer),
        ("POST", "/officer/outcomes/{id}/check", Officer),
        ("GET", "/employer", Employer),
        ("GET", "/employer/vacancies", Employer),
        // Employer portal: vacancy editor, applications.
        ("GET", "/employer/vacancies/new", Employer),
        ("POST", "/employer/vacancies", Employer),
        ("GET", "/employer/vacancies/import", Employer),
        ("POST", "/employer/vacancies/import", Employer),
        ("POST", "/employer/vacancies/import/upload", Employer),
        ("GET", "/employer/vacancies/import/template.csv", Employer),
        ("GET", "/employer/vacancies/{id}", Employer),
        ("GET", "/employer/vacancies/{id}/preview", Employer),
        ("GET", "/employer/vacancies/{id}/edit", Employer),
        ("POST", "/employer/vacancies/{id}", Employer),
        ("POST", "/employer/vacancies/{id}/publish", Employer),
        ("POST", "/employer/vacancies/{id}/pause", Employer),
        ("POST", "/employer/vacancies/{id}/resume", Employer),
        ("POST", "/employer/vacancies/{id}/fill", Employer),
        ("POST", "/employer/vacancies/{id}/close", Employer),
        ("POST", "/employer/vacancies/{id}/withdraw", Employer),
        ("POST", "/employer/vacancies/{id}/duplicate", Employer),
        ("GET", "/employer/vacancies/{id}/applications", Employer),
        ("GET", "/employer/applications", Employer),
        ("GET", "/employer/applications/{id}", Employer),
        ("POST", "/employer/applications/{id}/status", Employer),
        ("GET", "/employer/vacancies/{id}/slots", Employer),
        ("POST", "/employer/vacancies/{id}/slots", Employer),
        ("GET", "/employer/slots/{id}/edit", Employer),
        ("POST", "/employer/slots/{id}", Employer),
        ("POST", "/employer/slots/{id}/cancel", Employer),
        ("GET", "/employer/bookings", Employer),
        ("POST", "/employer/bookings/{id}/confirm", Employer),
        ("GET", "/employer/bookings/{id}/move", Employer),
        ("POST", "/employer/bookings/{id}/move", Employer),
        ("POST", "/employer/bookings/{id}/cancel", Employer),
        ("POST", "/employer/bookings/{id}/attendance", Employer),
        ("GET", "/employers/join", Public),
        ("POST", "/employers/join", Public),
        ("GET", "/admin/employers", Admin),
        ("POST", "/admin/employers/{id}/approve", Admin),
        ("POST", "/admin/employers/{id}/decline", Admin),
        ("GET", "/employer/team", Employer),
        ("POST", "/employer/invitations", Employer),
        ("GET", "/invitations/accept", Public),
        ("POST", "/invitations/accept", Public),
        ("GET", "/employer/tokens", Employer),
        ("POST", "/employer/tokens", Employer),
        ("POST", "/employer/tokens/{id}/revoke", Employer),
        ("GET", "/terminal/enrol", Public),
        ("POST", "/terminal/enrol", Public),
        ("GET", "/terminal/timed-out", Public),
        ("GET", "/terminal", Device),
        ("POST", "/terminal/sign-in", Device),
        ("GET", "/terminal/home", Seeker),
        ("GET", "/terminal/still-there", Seeker),
        ("POST", "/terminal/keep-alive", Seeker),
        ("POST", "/terminal/sign-out", Seeker),
        // Job-seeker terminal pages.
        ("GET", "/static/terminal.css", Public),
        ("POST", "/terminal/language", Device),
        ("GET", "/terminal/jobs-for-you", Seeker),
        ("GET", "/terminal/find", Seeker),
        ("GET", "/terminal/vacancies/{id}", Seeker),
        ("GET", "/terminal/vacancies/{id}/interested", Seeker),
        ("POST", "/terminal/vacancies/{id}/interested", Seeker),
        ("GET", "/terminal/applications", Seeker),
        ("GET", "/terminal/applications/{id}", Seeker),
        ("POST", "/terminal/applications/{id}/withdraw", Seeker),
        ("GET", "/terminal/cv", Seeker),
        ("GET", "/terminal/cv/about-me", Seeker),
        ("POST", "/terminal/cv/about-me", Seeker),
        ("GET", "/terminal/cv/strengths", Seeker),
        ("POST", "/terminal/cv/strengths", Seeker),
        ("GET", "/terminal/cv/references", Seeker),
        ("POST", "/terminal/cv/references", Seeker),
        ("GET", "/terminal/disclosure", Seeker),
        ("GET", "/terminal/disclosure/preview", Seeker),
        ("POST", "/terminal/disclosure/send", Seeker),
        ("GET", "/terminal/disclosure/happened", Seeker),
        ("POST", "/terminal/disclosure/happened", Seeker),
        ("GET", "/terminal/disclosure/changed", Seeker),
        ("POST", "/terminal/disclosure/changed", Seeker),
        ("GET", "/terminal/disclosure/offer", Seeker),
        ("POST", "/terminal/disclosure/offer", Seeker),
        ("POST", "/api/v1/terminal/session", Device),
        ("DELETE", "/api/v1/terminal/session", Seeker),
        ("GET", "/api/v1/terminal/matches", Seeker),
        ("GET", "/api/v1/terminal/vacancies", Seeker),
        ("GET", "/api/v1/terminal/vacancies/{id}", Seeker),
        (
            "POST",
            "/api/v1/terminal/vacancies/{id}/application",
            Seeker,
        ),
        ("GET", "/api/v1/terminal/applications", Seeker),
        (
            "POST",
            "/api/v1/terminal/applications/{id}/withdraw",
            Seeker,
        ),
        ("GET", "/api/v1/openapi.json", Public),
        ("GET", "/api-reference", Public),
        ("POST", "/api/v1/session", Public),
        ("DELETE", "/api/v1/session", Staff),
        ("GET", "/api/v1/me", Staff),
        ("GET", "/api/v1/vacancies", Employer),
        ("POST", "/api/v1/vacancies", Employer),
        ("GET", "/api/v1/vacancies/{id}", Employer),
        ("PUT", "/api/v1/vacancies/{id}", Employer),
        ("POST", "/api/v1/vacancies/{id}/publish", Employer),
        ("POST", "/api/v1/vacancies/{id}/pause", Employer),
        ("POST", "/api/v1/vacancies/{id}/close", Employer),
        ("GET", "/api/v1/vacancies/{id}/candidates", Officer),
        ("GET", "/api/v1/vacancies/{id}/slots", Employer),
        ("POST", "/api/v1/vacancies/{id}/slots", Employer),
        ("GET", "/api/v1/slots/{id}", Employer),
        ("PUT", "/api/v1/slots/{id}", Employer),
        ("POST", "/api/v1/slots/{id}/cancel", Employer),
        ("GET", "/api/v1/bookings", Employer),
        ("POST", "/api/v1/bookings/{id}/confirm", Employer),
        ("POST", "/api/v1/bookings/{id}/move", Employer),
        ("POST", "/api/v1/bookings/{id}/cancel", Employer),
        ("POST", "/api/v1/bookings/{id}/attendance", Employer),
        ("POST", "/api/v1/watches", Officer),
        ("DELETE", "/api/v1/watches/{id}", Officer),
        ("GET", "/api/v1/matches/soon", Officer),
        ("GET", "/api/v1/profiles", Profiles),
        ("POST", "/api/v1/profiles", Profiles),
        ("PUT", "/api/v1/profiles/by-reference/{reference}", Profiles),
        ("GET", "/api/v1/profiles/{id}", Profiles),
        ("PUT", "/api/v1/profiles/{id}", Profiles),
        ("GET", "/api/v1/profiles/{id}/restricted", Profiles),
        ("PUT", "/api/v1/profiles/{id}/restricted", Profiles),
        ("GET", "/api/v1/profiles/{id}/matches", Officer),
        ("GET", "/api/v1/profiles/{id}/matches/{vacancy_id}", Officer),
        // Outcome reports.
        ("GET", "/officer/reports", Officer),
        ("GET", "/officer/reports/export.csv", Officer),
        ("GET", "/admin/reports", Admin),
        ("GET", "/admin/reports/export.csv", Admin),
    ]
    .into_iter()
    .map(|(m, p, a)| ((m, p), a))
    .collect()
}

/// Real resources for every `{id}` of the route table: the world's own,
/// plus spares for the routes that would otherwise end a caller's access
/// (disabling a user, revoking a terminal or token) or a fixture other
/// routes read (the employer's lifecycle moves).
struct Ids {
    user: i64,
    terminal: i64,
    token: i64,
    integration: i64,
    job: i64,
    pending_employer: i64,
    spare_vacancy: i64,
    profile: i64,
    vacancy: i64,
    match_id: i64,
    application: i64,
    outcome: i64,
}

impl Ids {
    fn new(w: &World) -> Self {
        use fairchance::store::jobs;
        let mut conn = w.app.services.store.conn().unwrap();
        let at = now();
        let hash = password::hash(PASSWORD).unwrap();
        let user = people::create_user(
            &mut conn,
            &NewUser {
                email: "spare@example.org",
                display_name: "Spare",
                password_hash: &hash,
                membership: Membership::Admin,
            },
        )
        .unwrap();
        let service = store::profiles::load(&mut conn, w.profile_x, &w.app.services.taxonomy)
            .unwrap()
            .service_id;
        let (terminal, _) =
            access_store::create_terminal(&mut conn, service, "Spare kiosk", Some(w.admin), at)
                .unwrap();
        let (token, _) = access_store::create_api_token(
            &mut conn,
            w.employer_a,
            w.employer_user_a,
            "Spare",
            at + Duration::days(30),
            at,
        )
        .unwrap();
        let (integration, _) = store::integrations::create(
            &mut conn,
            &store::integrations::NewIntegration {
                service_id: service,
                label: "Spare sync",
                scope: fairchance::access::IntegrationScope::ProfilesRead,
                created_by: Some(w.admin),
                expires_at: at + Duration::days(30),
            },
            at,
        )
        .unwrap();
        let job = jobs::enqueue(
            &mut conn,
            jobs::NewJob::new("email", &serde_json::json!({}), at).unwrap(),
            at,
        )
        .unwrap()
        .unwrap();
        let pending_employer = people::create_employer(
            &mut conn,
            &NewEmployer {
                name: "Pending Employer",
                sector_slug: "warehousing",
                contact_name: "Contact",
                contact_email: "pending@example.org",
                contact_phone: None,
                address: "Somewhere",
                website: None,
                status: EmployerStatus::Pending,
                decided_by: None,
            },
        )
        .unwrap();
        let first =
            store::vacancies::load(&mut conn, w.vacancy_a, &w.app.services.taxonomy).unwrap();
        let spare_vacancy = conn
            .write(|tx| {
                store::vacancies::insert(
                    tx,
                    first.employer_id,
                    VacancyStatus::Published,
                    None,
                    &first.details,
                    at,
                )
            })
            .unwrap();
        Ids {
            user,
            terminal,
            token,
            integration,
            job,
            pending_employer,
            spare_vacancy,
            profile: w.profile_x,
            vacancy: w.vacancy_a,
            match_id: w.match_x,
            application: w.application_x,
            outcome: w.outcome_x,
        }
    }

    /// The path with real ids in it. A route whose `{id}` this does not
    /// know fails the test: it needs a fixture here.
    fn concrete(&self, path: &str) -> String {
        let id = [
            ("/admin/users/", self.user),
            ("/admin/terminals/", self.terminal),
            ("/admin/queue/", self.job),
            ("/admin/integrations/", self.integration),
            ("/admin/employers/", self.pending_employer),
            ("/employer/tokens/", self.token),
            ("/employer/vacancies/", self.spare_vacancy),
            ("/employer/applications/", self.application),
            // No slot or booking exists: the routes answer 404 to their
            // audience, which the matrix counts as reached.
            ("/employer/slots/", self.vacancy),
            ("/employer/bookings/", self.vacancy),
            ("/officer/profiles/", self.profile),
            ("/officer/matches/", self.match_id),
            ("/officer/vacancies/", self.vacancy),
            ("/officer/applications/", self.application),
            ("/officer/outcomes/", self.outcome),
            ("/terminal/vacancies/", self.vacancy),
            ("/terminal/applications/", self.application),
            ("/api/v1/terminal/vacancies/", self.vacancy),
            ("/api/v1/terminal/applications/", self.vacancy),
            ("/api/v1/profiles/", self.profile),
            // As on the pages: no slot, booking or watch exists, and the
            // routes answer 404 to their audience.
            ("/api/v1/slots/", self.vacancy),
            ("/api/v1/bookings/", self.vacancy),
            ("/api/v1/watches/", self.vacancy),
            ("/api/v1/vacancies/{id}/candidates", self.vacancy),
            ("/api/v1/vacancies/", self.spare_vacancy),
        ]
        .into_iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map(|(_, id)| id);
        if !path.contains("{id}") {
            return path.replace("{reference}", "A1234BC");
        }
        let id = id.unwrap_or_else(|| panic!("no fixture for the id in {path}"));
        path.replace("{id}", &id.to_string())
            .replace("{vacancy_id}", &self.vacancy.to_string())
            .replace("{booking}", &self.vacancy.to_string())
    }
}

on_both_backends!(
    authorization_matrix_covers_every_route,
    |backend| async move {
        let world = World::new(backend).await;
        let ids = Ids::new(&world);
        let table = routes::table();
        let declared = declared();
        let in_app: BTreeSet<(&str, &str)> = table.iter().map(|r| (r.method, r.path)).collect();
        let in_test: BTreeSet<(&str, &str)> = declared.keys().copied().collect();
        let missing: Vec<_> = in_app.difference(&in_test).collect();
        let stale: Vec<_> = in_test.difference(&in_app).collect();
        assert!(
            missing.is_empty(),
            "routes without a line in the matrix: {missing:?}"
        );
        assert!(
            stale.is_empty(),
            "matrix lines for routes that no longer exist: {stale:?}"
        );
        let mut failures = Vec::new();
        for route in &table {
            assert_eq!(
                declared[&(route.method, route.path)],
                route.access,
                "{} {}",
                route.method,
                route.path
            );
            let path = ids.concrete(route.path);
            for who in EVERYONE {
                let res = world.send(route.method, &path, who).await;
                if res.status().is_server_error() {
                    failures.push(format!(
                        "{} {} as {who:?}: {}",
                        route.method,
                        path,
                        res.status()
                    ));
                    continue;
                }
                let got = outcome(&path, &res);
                let want = expected(route.access, who, &path);
                if got != want {
                    failures.push(format!(
                        "{} {} as {who:?}: expected {want:?}, got {got:?} ({})",
                        route.method,
                        path,
                        res.status()
                    ));
                }
            }
        }
        // A method the table does not list for a path is 405 with the
        // methods it does list, before any sign-in is asked for.
        let mut paths: Vec<&str> = table.iter().map(|r| r.path).collect();
        paths.dedup();
        for path in paths {
            let path = ids.concrete(path);
            let res = world.send("PATCH", &path, Who::Anonymous).await;
            let allow = res
                .headers()
                .get("allow")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            if res.status() != StatusCode::METHOD_NOT_ALLOWED || allow.is_empty() {
                failures.push(format!("PATCH {path}: {} (Allow: {allow:?})", res.status()));
            }
        }
        assert!(
            failures.is_empty(),
            "{} mismatches:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
);

on_both_backends!(
    a_tenant_never_reaches_another_tenants_resources,
    |backend| async move {
        let w = World::new(backend).await;
        // An application of X's person, forwarded to employer A.
        let application_a = {
            use fairchance::domain::application::ApplicationStatus;
            use fairchance::store::applications::{self as app_store, Actor, Change};
            let mut conn = w.app.services.store.conn().unwrap();
            // A second vacancy of A's: X's application to the first one is
            // the officer routes' fixture and must stay with the officer.
            let second = {
                let first =
                    store::vacancies::load(&mut conn, w.vacancy_a, &w.app.services.taxonomy)
                        .unwrap();
                conn.write(|tx| {
                    store::vacancies::insert(
                        tx,
                        first.employer_id,
                        first.status,
                        None,
                        &first.details,
                        now(),
                    )
                })
                .unwrap()
            };
            let id = app_store::submit(
                &mut conn,
                w.profile_x,
                second,
                "I would like to apply for this job.",
                now(),
            )
            .unwrap()
            .application
            .id;
            for to in [ApplicationStatus::UnderReview, ApplicationStatus::Forwarded] {
                conn.write(|tx| {
                    app_store::change_status(
                        tx,
                        id,
                        &Change::to(to),
                        Actor::officer(w.officer_x),
                        now(),
                    )
                })
                .unwrap();
            }
            id
        };
        // A slot of employer A on that vacancy, and officer X's booking of
        // it for the forwarded application; a second slot to move into.
        let (slot_a, booking_a) = {
            use fairchance::app::{employers::Member, profiles::Caseworker, slots};
            use fairchance::store::schema::{applications, profiles};
            let mut conn = w.app.services.store.conn().unwrap();
            let (vacancy, service, release): (i64, i64, chrono::NaiveDate) =
                fairchance::with_conn!(&mut conn, |c| applications::table
                    .inner_join(profiles::table)
                    .filter(applications::id.eq(application_a))
                    .select((
                        applications::vacancy_id,
                        profiles::service_id,
                        profiles::release_date,
                    ))
                    .first(c)
                    .unwrap());
            let actor = |kind: &'static str, user_id: i64| store::audit::Actor {
                kind,
                user_id: Some(user_id),
                label: format!("{kind} {user_id}"),
                ..store::audit::Actor::default()
            };
            let member = Member {
                employer_id: w.employer_a,
                user_id: w.employer_user_a,
                audit: actor("employer", w.employer_user_a),
            };
            let officer = Caseworker {
                actor: actor("officer", w.officer_x),
                service_id: service,
                user_id: w.officer_x,
            };
            // Before release the interview is in the prison; after it, at
            // the workplace.
            let today = chrono::Utc::now().date_naive();
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
                capacity: "2".into(),
            };
            let slot = slots::create(&mut conn, &member, vacancy, &input).unwrap();
            let config = w.app.services.config.clone();
            let booking = slots::book(
                &mut conn,
                &config,
                &w.app.services.taxonomy,
                &officer,
                application_a,
                slot,
            )
            .unwrap();
            (slot, booking)
        };
        // Officer X's watch on X's person and A's vacancy (written as the
        // use case would, whether or not the pair waits on a date).
        let watch_x = {
            let mut conn = w.app.services.store.conn().unwrap();
            let on = now().date() + Duration::days(30);
            conn.write(|tx| {
                store::watches::watch(tx, w.officer_x, w.profile_x, w.vacancy_a, on, now())
            })
            .unwrap()
        };
        // Every {id} route of a scoped role needs an owned resource here.
        let owned: BTreeMap<&str, (i64, Who)> = [
            // Employer portal: editor, lifecycle, applications and API.
            (
                "/employer/vacancies/{id}/preview",
                (w.vacancy_a, Who::Employer),
            ),
            (
                "/employer/vacancies/{id}/edit",
                (w.vacancy_a, Who::Employer),
            ),
            (
                "/employer/vacancies/{id}/publish",
                (w.vacancy_a, Who::Employer),
            ),
            (
                "/employer/vacancies/{id}/pause",
                (w.vacancy_a, Who::Employer),
            ),
            (
                "/employer/vacancies/{id}/resume",
                (w.vacancy_a, Who::Employer),
            ),
            (
                "/employer/vacancies/{id}/fill",
                (w.vacancy_a, Who::Employer),
            ),
            (
                "/employer/vacancies/{id}/close",
                (w.vacancy_a, Who::Employer),
            ),
            (
                "/employer/vacancies/{id}/withdraw",
                (w.vacancy_a, Who::Employer),
            ),
            (
                "/employer/vacancies/{id}/duplicate",
                (w.vacancy_a, Who::Employer),
            ),
            (
                "/employer/vacancies/{id}/applications",
                (w.vacancy_a, Who::Employer),
            ),
            (
                "/employer/applications/{id}",
                (application_a, Who::Employer),
            ),
            (
                "/employer/applications/{id}/status",
                (application_a, Who::Employer),
            ),
            (
                "/api/v1/vacancies/{id}/publish",
                (w.vacancy_a, Who::Employer),
            ),
            ("/api/v1/vacancies/{id}/pause", (w.vacancy_a, Who::Employer)),
            ("/api/v1/vacancies/{id}/close", (w.vacancy_a, Who::Employer)),
            ("/officer/profiles/{id}", (w.profile_x, Who::Officer)),
            (
                "/officer/profiles/{id}/restricted",
                (w.profile_x, Who::Officer),
            ),
            ("/officer/profiles/{id}/edit", (w.profile_x, Who::Officer)),
            (
                "/officer/profiles/{id}/restricted/edit",
                (w.profile_x, Who::Officer),
            ),
            (
                "/officer/profiles/{id}/matches",
                (w.profile_x, Who::Officer),
            ),
            ("/officer/profiles/{id}/export", (w.profile_x, Who::Officer)),
            ("/officer/profiles/{id}/cv.pdf", (w.profile_x, Who::Officer)),
            (
                "/officer/profiles/{id}/disclosure",
                (w.profile_x, Who::Officer),
            ),
            (
                "/officer/profiles/{id}/export.json",
                (w.profile_x, Who::Officer),
            ),
            ("/api/v1/profiles/{id}/export", (w.profile_x, Who::Officer)),
            (
                "/officer/applications/{id}",
                (w.application_x, Who::Officer),
            ),
            ("/employer/vacancies/{id}", (w.vacancy_a, Who::Employer)),
            ("/api/v1/vacancies/{id}", (w.vacancy_a, Who::Employer)),
            ("/employer/tokens/{id}/revoke", (w.token_a.0, Who::Employer)),
            (
                "/employer/vacancies/{id}/slots",
                (w.vacancy_a, Who::Employer),
            ),
            ("/employer/slots/{id}/edit", (slot_a, Who::Employer)),
            ("/employer/slots/{id}", (slot_a, Who::Employer)),
            ("/employer/slots/{id}/cancel", (slot_a, Who::Employer)),
            (
                "/employer/bookings/{id}/confirm",
                (booking_a, Who::Employer),
            ),
            ("/employer/bookings/{id}/move", (booking_a, Who::Employer)),
            ("/employer/bookings/{id}/cancel", (booking_a, Who::Employer)),
            (
                "/employer/bookings/{id}/attendance",
                (booking_a, Who::Employer),
            ),
            (
                "/officer/applications/{id}/slots",
                (w.application_x, Who::Officer),
            ),
            ("/api/v1/vacancies/{id}/slots", (w.vacancy_a, Who::Employer)),
            ("/api/v1/slots/{id}", (slot_a, Who::Employer)),
            ("/api/v1/slots/{id}/cancel", (slot_a, Who::Employer)),
            ("/api/v1/bookings/{id}/confirm", (booking_a, Who::Employer)),
            ("/api/v1/bookings/{id}/move", (booking_a, Who::Employer)),
            ("/api/v1/bookings/{id}/cancel", (booking_a, Who::Employer)),
            (
                "/api/v1/bookings/{id}/attendance",
                (booking_a, Who::Employer),
            ),
            ("/api/v1/watches/{id}", (watch_x, Who::Officer)),
            ("/api/v1/profiles/{id}", (w.profile_x, Who::Officer)),
            (
                "/api/v1/profiles/{id}/restricted",
                (w.profile_x, Who::Officer),
            ),
            ("/api/v1/profiles/{id}/matches", (w.profile_x, Who::Officer)),
            (
                "/api/v1/profiles/{id}/matches/{vacancy_id}",
                (w.profile_x, Who::Officer),
            ),
        ]
        .into_iter()
        .collect();
        // Officer forms that change state: each answers 404 to another
        // service's officer (and writes nothing), and is reached by the owner.
        let posted: BTreeMap<&str, i64> = [
            ("/officer/profiles/{id}", w.profile_x),
            ("/officer/profiles/{id}/restricted", w.profile_x),
            ("/officer/profiles/{id}/restricted/purpose", w.profile_x),
            ("/officer/profiles/{id}/access", w.profile_x),
            ("/officer/profiles/{id}/assign", w.profile_x),
            ("/officer/profiles/{id}/outcomes", w.profile_x),
            ("/officer/profiles/{id}/cv/suggestions", w.profile_x),
            ("/officer/profiles/{id}/disclosure/approve", w.profile_x),
            ("/officer/profiles/{id}/disclosure/changes", w.profile_x),
            ("/officer/profiles/{id}/watches", w.profile_x),
            ("/officer/profiles/{id}/watches/stop", w.profile_x),
            ("/officer/matches/{id}/approve", w.match_x),
            ("/officer/matches/{id}/dismiss", w.match_x),
            ("/officer/applications/{id}/review", w.application_x),
            ("/officer/applications/{id}/statement", w.application_x),
            ("/officer/applications/{id}/forward", w.application_x),
            ("/officer/applications/{id}/decline", w.application_x),
            ("/officer/applications/{id}/withdraw", w.application_x),
            ("/officer/applications/{id}/slots", w.application_x),
            (
                "/officer/applications/{id}/bookings/{booking}/cancel",
                application_a,
            ),
            ("/officer/applications/{id}/start", w.application_x),
            ("/officer/outcomes/{id}/check", w.outcome_x),
        ]
        .into_iter()
        .collect();
        for (path, id) in &posted {
            let concrete = path
                .replace("{id}", &id.to_string())
                .replace("{booking}", &booking_a.to_string());
            let (cookie, csrf) = w.staff_session(w.officer_y);
            let res = w
                .send_with("POST", &concrete, &cookie, Some(&csrf), None)
                .await;
            assert_eq!(
                res.status(),
                StatusCode::NOT_FOUND,
                "POST {concrete} from another service"
            );
        }
        {
            // Nothing of X's changed hands.
            let mut conn = w.app.services.store.conn().unwrap();
            let m = store::matches::load(&mut conn, w.match_x).unwrap().unwrap();
            assert_eq!(m.status.as_str(), "suggested");
            let a = store::applications::load(&mut conn, w.application_x)
                .unwrap()
                .unwrap();
            assert_eq!(
                a.status,
                fairchance::domain::application::ApplicationStatus::Interested
            );
        }
        for (path, id) in &posted {
            let concrete = path
                .replace("{id}", &id.to_string())
                .replace("{booking}", &booking_a.to_string());
            let res = w.send("POST", &concrete, Who::Officer).await;
            assert!(
                res.status() != StatusCode::NOT_FOUND && !res.status().is_server_error(),
                "POST {concrete} as owner: {}",
                res.status()
            );
        }
        // Routes on shared resources, whose answers are filtered by scope
        // instead (checked below), or that show no person at all (a
        // published vacancy is open to every service's officers).
        let filtered = [
            "/api/v1/vacancies/{id}/candidates",
            "/officer/vacancies/{id}/candidates",
            "/officer/vacancies/{id}",
        ];
        for (officer, other) in [(w.officer_x, w.profile_y), (w.officer_y, w.profile_x)] {
            let (cookie, _) = w.staff_session(officer);
            for vacancy in [w.vacancy_a, w.vacancy_b] {
                let path = format!("/api/v1/vacancies/{vacancy}/candidates?limit=500");
                let res = w.send_with("GET", &path, &cookie, None, None).await;
                assert_eq!(res.status(), 200);
                let body: serde_json::Value = res.json().await.unwrap();
                let ids: Vec<i64> = body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["profile_id"].as_i64().unwrap())
                    .collect();
                assert!(
                    !ids.contains(&other),
                    "officer {officer} saw profile {other} of another service"
                );
            }
        }
        for route in routes::table() {
            let scoped = matches!(
                route.access,
                Access::Officer | Access::Employer | Access::Profiles
            );
            if scoped && route.path.contains("{id}") && !filtered.contains(&route.path) {
                assert!(
                    owned.contains_key(route.path)
                        || (route.method == "POST" && posted.contains_key(route.path)),
                    "no tenant-isolation fixture for {} {}",
                    route.method,
                    route.path
                );
            }
        }
        // Every method of each owned path (GET before POST/PUT, so state
        // changes come last).
        let mut calls: Vec<(&str, &str)> = routes::table()
            .iter()
            .filter(|r| owned.contains_key(r.path))
            .map(|r| (r.method, r.path))
            .collect();
        calls.sort_by_key(|(method, path)| (*method != "GET", *path));
        for (method, path) in calls {
            let (id, who) = &owned[path];
            let concrete = path
                .replace("{id}", &id.to_string())
                .replace("{vacancy_id}", &w.vacancy_a.to_string());
            // The neighbour in the same role: Y's officer, B's employer.
            let (cookie, csrf) = match who {
                Who::Officer => w.staff_session(w.officer_y),
                _ => w.staff_session(w.employer_user_b),
            };
            let res = w
                .send_with(method, &concrete, &cookie, Some(&csrf), None)
                .await;
            assert_eq!(
                res.status(),
                StatusCode::NOT_FOUND,
                "{method} {concrete} from another tenant"
            );
            // The owner gets through (a GET succeeds; a POST without a
            // valid form may be refused, but never as not found).
            let res = w.send(method, &concrete, *who).await;
            let through = if method == "GET" {
                res.status().is_success()
            } else {
                !matches!(
                    res.status(),
                    StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED
                ) && !res.status().is_server_error()
            };
            assert!(through, "{method} {concrete} as owner: {}", res.status());
        }
        // B's vacancy list and token list never show A's.
        let (cookie_b, _) = w.staff_session(w.employer_user_b);
        let list: serde_json::Value = w
            .send_with("GET", "/api/v1/vacancies", &cookie_b, None, None)
            .await
            .json()
            .await
            .unwrap();
        let ids: Vec<i64> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![w.vacancy_b]);
        let tokens = w
            .send_with("GET", "/employer/tokens", &cookie_b, None, None)
            .await
            .text()
            .await
            .unwrap();
        assert!(tokens.contains("ATS B") && !tokens.contains("ATS A"));
        // Bearer tokens are scoped the same way.
        let res = w
            .app
            .client
            .get(w.app.url(&format!("/api/v1/vacancies/{}", w.vacancy_a)))
            .bearer_auth(&w.token_b.1)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = w
            .app
            .client
            .get(w.app.url(&format!("/api/v1/vacancies/{}", w.vacancy_b)))
            .bearer_auth(&w.token_b.1)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        // Officer Y opened nothing of X's: no audit row names profile X for Y.
        let mut conn = w.app.services.store.conn().unwrap();
        let rows = store::audit::search(
            &mut conn,
            &store::audit::Filter {
                actor_user_id: Some(w.officer_y),
                ..Default::default()
            },
            100,
            0,
        )
        .unwrap();
        assert!(
            rows.iter()
                .all(|r| !(r.subject_kind.as_deref() == Some("profile")
                    && r.subject_id == Some(w.profile_x))),
            "{rows:?}"
        );
    }
);

fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..start + 64].to_string()
}

/// Signs in through the form with the given browser.
async fn sign_in_with(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let page = client
        .get(app.url("/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&page);
    client
        .post(app.url("/sign-in"))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap()
}

/// Signs in from a new browser.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    sign_in_with(app, &client, email, password).await
}

on_both_backends!(
    staff_sign_in_and_out_with_the_browser_flow,
    |backend| async move {
        let w = World::new(backend).await;
        let res = sign_in_with(&w.app, &w.app.client, "Admin@Example.org", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()["location"], "/admin");
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("fc_session="))
            .unwrap();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let admin = w.app.get("/admin").await;
        assert_eq!(admin.status(), 200);
        assert_eq!(admin.headers()["cache-control"], "no-store");
        let html = admin.text().await.unwrap();
        assert!(!html.contains("<script"), "no scripts");
        // Sign out with the page's token.
        let csrf = csrf_in(&html);
        let out = w
            .app
            .client
            .post(w.app.url("/sign-out"))
            .form(&[("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(out.headers()["location"], "/sign-in?signed_out=1");
        let after = w.app.get("/admin").await;
        assert_eq!(after.status(), StatusCode::SEE_OTHER);
        assert_eq!(after.headers()["location"], "/sign-in");

        // Wrong password: a message beside the field, no session.
        let wrong = sign_in(&w.app, "admin@example.org", "not the password").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert!(wrong
            .text()
            .await
            .unwrap()
            .contains("Enter a correct email address and password"));
        let empty = sign_in(&w.app, "", "").await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = empty.text().await.unwrap();
        assert!(body.contains("Enter your email address") && body.contains("Enter your password"));

        // Every role lands on its own page.
        for (email, home) in [
            ("officer.x@example.org", "/officer"),
            ("employer.a@example.org", "/employer"),
        ] {
            let browser = reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let res = sign_in_with(&w.app, &browser, email, PASSWORD).await;
            assert_eq!(res.headers()["location"], home);
            assert_eq!(
                browser.get(w.app.url(home)).send().await.unwrap().status(),
                200
            );
        }
        // The sign-ins were audited.
        let mut conn = w.app.services.store.conn().unwrap();
        let rows = store::audit::search(
            &mut conn,
            &store::audit::Filter {
                action: Some("sign_in.success".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .unwrap();
        assert_eq!(rows.len(), 3);
        let failures = store::audit::search(
            &mut conn,
            &store::audit::Filter {
                action: Some("sign_in.failure".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .unwrap();
        assert_eq!(failures.len(), 1);
    }
);

on_both_backends!(
    a_form_without_a_valid_csrf_token_is_refused_and_changes_nothing,
    |backend| async move {
        let w = World::new(backend).await;
        let (cookie, csrf) = w.staff_session(w.employer_user_a);
        let count = |w: &World| {
            access_store::list_api_tokens(&mut w.app.services.store.conn().unwrap(), w.employer_a)
                .unwrap()
                .len()
        };
        let before = count(&w);
        let missing = w
            .send_with(
                "POST",
                "/employer/tokens",
                &cookie,
                None,
                Some(&[("name", "sneaky")]),
            )
            .await;
        assert_eq!(missing.status(), StatusCode::FORBIDDEN);
        let wrong = w
            .send_with(
                "POST",
                "/employer/tokens",
                &cookie,
                Some(&"0".repeat(64)),
                Some(&[("name", "sneaky")]),
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
        let cross_site = w
            .app
            .client
            .post(w.app.url("/employer/tokens"))
            .header("cookie", &cookie)
            .header("origin", "https://evil.example")
            .form(&[("name", "sneaky"), ("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
        assert_eq!(count(&w), before, "nothing was created");
        let ok = w
            .app
            .client
            .post(w.app.url("/employer/tokens"))
            .header("cookie", &cookie)
            .header("origin", w.app.address.as_str())
            .form(&[("name", "real"), ("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        let body = ok.text().await.unwrap();
        assert!(body.contains("shown only once") && body.contains("fcj_"));
        assert_eq!(count(&w), before + 1);
        // Anonymous forms use the double-submit cookie: sign-in without it is refused.
        let res = w
            .app
            .client
            .post(w.app.url("/sign-in"))
            .form(&[("email", "admin@example.org"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        // Cookie-authenticated JSON needs the header; a bearer token does not.
        let res = w
            .app
            .client
            .delete(w.app.url("/api/v1/session"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = w
            .app
            .client
            .delete(w.app.url("/api/v1/session"))
            .bearer_auth(&w.token_a.1)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::BAD_REQUEST,
            "passed CSRF; a token has no session to end"
        );
    }
);

on_both_backends!(
    repeated_failures_are_slowed_down_with_429,
    |backend| async move {
        let w = World::new(backend).await;
        for _ in 0..5 {
            assert_eq!(
                sign_in(&w.app, "officer.x@example.org", "wrong password")
                    .await
                    .status(),
                StatusCode::UNAUTHORIZED
            );
        }
        let blocked = sign_in(&w.app, "officer.x@example.org", PASSWORD).await;
        assert_eq!(
            blocked.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "even the right password waits"
        );
        let retry: i64 = blocked.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=900).contains(&retry), "{retry}");
        // Other accounts from this address still work, until 20 failures.
        assert_eq!(
            sign_in(&w.app, "admin@example.org", PASSWORD)
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        for i in 0..15 {
            sign_in(&w.app, &format!("nobody{i}@example.org"), "x").await;
        }
        let api = w
            .app
            .client
            .post(w.app.url("/api/v1/session"))
            .json(&serde_json::json!({"email": "admin@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            api.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "20 failures from one address block it"
        );
        assert!(api.headers().contains_key("retry-after"));
        let mut conn = w.app.services.store.conn().unwrap();
        let blocked_rows = store::audit::search(
            &mut conn,
            &store::audit::Filter {
                action: Some("sign_in.blocked".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .unwrap();
        assert_eq!(blocked_rows.len(), 2);
    }
);

on_both_backends!(
    sessions_end_when_idle_disabled_suspended_or_signed_out_everywhere,
    |backend| async move {
        let w = World::new(backend).await;
        let (cookie, _) = w.staff_session(w.officer_x);
        let get = |cookie: String| {
            let w = &w;
            async move { w.send_with("GET", "/officer", &cookie, None, None).await }
        };
        assert_eq!(get(cookie.clone()).await.status(), 200);
        // Idle for 31 minutes.
        {
            use fairchance::store::schema::sessions;
            let mut conn = w.app.services.store.conn().unwrap();
            fairchance::with_conn!(&mut conn, |c| diesel::update(
                sessions::table.filter(sessions::user_id.eq(w.officer_x))
            )
            .set(sessions::last_seen_at.eq(now() - Duration::minutes(31)))
            .execute(c)
            .unwrap());
        }
        let res = get(cookie.clone()).await;
        assert_eq!(res.headers()["location"], "/sign-in");
        // Disabled: every session ends and sign-in is refused.
        let (cookie, _) = w.staff_session(w.officer_x);
        let (admin_cookie, admin_csrf) = w.staff_session(w.admin);
        let res = w
            .send_with(
                "POST",
                &format!("/admin/users/{}/disable", w.officer_x),
                &admin_cookie,
                Some(&admin_csrf),
                None,
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(get(cookie).await.headers()["location"], "/sign-in");
        assert_eq!(
            sign_in(&w.app, "officer.x@example.org", PASSWORD)
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
        w.send_with(
            "POST",
            &format!("/admin/users/{}/enable", w.officer_x),
            &admin_cookie,
            Some(&admin_csrf),
            None,
        )
        .await;
        assert_eq!(
            sign_in(&w.app, "officer.x@example.org", PASSWORD)
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        // Suspended employer: its members are signed out and cannot sign in.
        let (employer_cookie, _) = w.staff_session(w.employer_user_a);
        {
            use fairchance::store::schema::employers;
            let mut conn = w.app.services.store.conn().unwrap();
            fairchance::with_conn!(&mut conn, |c| diesel::update(
                employers::table.find(w.employer_a)
            )
            .set(employers::status.eq("suspended"))
            .execute(c)
            .unwrap());
        }
        assert_eq!(
            w.send_with("GET", "/employer", &employer_cookie, None, None)
                .await
                .headers()["location"],
            "/sign-in"
        );
        let res = sign_in(&w.app, "employer.a@example.org", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("account is suspended")
                && html.contains("write to Fair Chance Jobs at no-reply@fairchance.invalid"),
            "{html}"
        );
        let api = w
            .app
            .client
            .get(w.app.url("/api/v1/me"))
            .bearer_auth(&w.token_a.1)
            .send()
            .await
            .unwrap();
        assert_eq!(
            api.status(),
            StatusCode::UNAUTHORIZED,
            "a suspended employer's tokens stop working"
        );
        // Sign out everywhere.
        let (one, csrf_one) = w.staff_session(w.officer_y);
        let (two, _) = w.staff_session(w.officer_y);
        let res = w
            .send_with(
                "POST",
                "/account/sign-out-everywhere",
                &one,
                Some(&csrf_one),
                None,
            )
            .await;
        assert_eq!(res.headers()["location"], "/sign-in?signed_out=1");
        assert_eq!(
            w.send_with("GET", "/officer", &two, None, None)
                .await
                .headers()["location"],
            "/sign-in"
        );
    }
);

on_both_backends!(password_change_and_admin_reset, |backend| async move {
    let w = World::new(backend).await;
    let (cookie, csrf) = w.staff_session(w.officer_y);
    let (other_device, _) = w.staff_session(w.officer_y);
    let change = |fields: Vec<(&'static str, &'static str)>| {
        let (w, cookie, csrf) = (&w, cookie.clone(), csrf.clone());
        async move {
            w.send_with(
                "POST",
                "/account/password",
                &cookie,
                Some(&csrf),
                Some(&fields),
            )
            .await
        }
    };
    let res = change(vec![
        ("current_password", "wrong"),
        ("new_password", "short"),
        ("confirm_password", "other"),
    ])
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("current password is not correct")
            && body.contains("12 characters")
            && body.contains("same new password")
    );
    let res = change(vec![
        ("current_password", PASSWORD),
        ("new_password", "a brand new passphrase"),
        ("confirm_password", "a brand new passphrase"),
    ])
    .await;
    assert_eq!(res.headers()["location"], "/account?changed=1");
    assert_eq!(
        w.send_with("GET", "/account", &cookie, None, None)
            .await
            .status(),
        200,
        "this device stays signed in"
    );
    assert_eq!(
        w.send_with("GET", "/officer", &other_device, None, None)
            .await
            .headers()["location"],
        "/sign-in"
    );
    assert_eq!(
        sign_in(&w.app, "officer.y@example.org", "a brand new passphrase")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let (admin, admin_csrf) = w.staff_session(w.admin);
    let res = w
        .send_with(
            "POST",
            &format!("/admin/users/{}/reset-password", w.officer_y),
            &admin,
            Some(&admin_csrf),
            None,
        )
        .await;
    let html = res.text().await.unwrap();
    let marker = "<code class=\"secret\">";
    let start = html.find(marker).unwrap() + marker.len();
    let temporary = &html[start..start + 19];
    assert_eq!(
        sign_in(&w.app, "officer.y@example.org", temporary)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let res = w
        .send_with(
            "POST",
            "/admin/users/987654/reset-password",
            &admin,
            Some(&admin_csrf),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
});

on_both_backends!(
    json_api_sessions_tokens_and_anonymous_401,
    |backend| async move {
        let w = World::new(backend).await;
        for path in ["/api/v1/me", "/api/v1/vacancies", "/api/v1/no-such-thing"] {
            let res = w.app.get(path).await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["error"], "unauthenticated");
        }
        let bad = w
            .app
            .client
            .post(w.app.url("/api/v1/session"))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = bad.json().await.unwrap();
        assert!(body["fields"]["email"].is_array() && body["fields"]["password"].is_array());
        let wrong = w
            .app
            .client
            .post(w.app.url("/api/v1/session"))
            .json(&serde_json::json!({"email": "officer.x@example.org", "password": "nope"}))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let res = w
            .app
            .client
            .post(w.app.url("/api/v1/session"))
            .json(&serde_json::json!({"email": "officer.x@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let me: serde_json::Value = res.json().await.unwrap();
        assert_eq!(me["role"], "officer");
        let csrf = me["csrf_token"].as_str().unwrap().to_string();
        let me: serde_json::Value = w.app.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["scope"]["kind"], "service");
        let end = w
            .app
            .client
            .delete(w.app.url("/api/v1/session"))
            .header("x-csrf-token", csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(end.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            w.app.get("/api/v1/me").await.status(),
            StatusCode::UNAUTHORIZED
        );

        // Employer tokens: shown once, stored hashed, revocable.
        let me: serde_json::Value = w
            .app
            .client
            .get(w.app.url("/api/v1/me"))
            .bearer_auth(&w.token_a.1)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], "employer");
        assert!(me.get("csrf_token").is_none());
        {
            use fairchance::store::schema::api_tokens;
            let mut conn = w.app.services.store.conn().unwrap();
            let stored: String = fairchance::with_conn!(&mut conn, |c| api_tokens::table
                .find(w.token_a.0)
                .select(api_tokens::token_hash)
                .first(c)
                .unwrap());
            assert_ne!(stored, w.token_a.1);
            assert_eq!(stored, token::digest(&w.token_a.1));
        }
        let (cookie, csrf) = w.staff_session(w.employer_user_a);
        let res = w
            .send_with(
                "POST",
                &format!("/employer/tokens/{}/revoke", w.token_a.0),
                &cookie,
                Some(&csrf),
                None,
            )
            .await;
        assert_eq!(res.status(), 200);
        let res = w
            .app
            .client
            .get(w.app.url("/api/v1/me"))
            .bearer_auth(&w.token_a.1)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let bad_page = w
            .app
            .client
            .get(w.app.url("/api/v1/vacancies?per_page=0"))
            .bearer_auth(&w.token_b.1)
            .send()
            .await
            .unwrap();
        assert_eq!(bad_page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
);

#[tokio::test]
async fn the_openapi_document_covers_every_json_route() {
    let taxonomy = fairchance::startup::load_taxonomy().unwrap();
    let doc = fairchance::web::api::openapi::openapi_document(&taxonomy);
    assert_eq!(doc["openapi"], "3.0.3");
    for route in routes::table()
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
    {
        let operation = &doc["paths"][route.path][route.method.to_lowercase()];
        assert!(
            operation.is_object(),
            "{} {} is not in the OpenAPI document",
            route.method,
            route.path
        );
        assert!(operation["responses"].is_object());
    }
}

/// A browser on the enrolled terminal X.
fn terminal_client(w: &World) -> reqwest::Client {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let url: reqwest::Url = w.app.address.parse().unwrap();
    jar.add_cookie_str(&format!("{}; Path=/", w.device_cookie()), &url);
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn seeker_sign_in(
    w: &World,
    client: &reqwest::Client,
    code: &str,
    pin: &str,
) -> reqwest::Response {
    let page = client
        .get(w.app.url("/terminal"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&page);
    client
        .post(w.app.url("/terminal/sign-in"))
        .form(&[
            ("login_code", code),
            ("pin", pin),
            ("csrf_token", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap()
}

on_both_backends!(
    terminals_enrol_once_and_seekers_sign_in_with_code_and_pin,
    |backend| async move {
        let w = World::new(backend).await;
        // Enrolment through the page: the code works once.
        let (_, code) = access_store::create_terminal(
            &mut w.app.services.store.conn().unwrap(),
            1,
            "Kiosk 2",
            Some(w.admin),
            now(),
        )
        .unwrap();
        let page = w.app.get("/terminal/enrol").await.text().await.unwrap();
        let csrf = csrf_in(&page);
        let res = w
            .app
            .client
            .post(w.app.url("/terminal/enrol"))
            .form(&[("code", code.as_str()), ("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/terminal");
        assert!(res
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("fc_device=")));
        assert_eq!(
            w.app.get("/terminal").await.status(),
            200,
            "the device cookie makes it a terminal"
        );
        let again = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let page = again
            .get(w.app.url("/terminal/enrol"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_in(&page);
        let res = again
            .post(w.app.url("/terminal/enrol"))
            .form(&[("code", code.as_str()), ("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a code works once"
        );

        // Not a terminal: no job-seeker pages.
        let plain = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        assert_eq!(
            plain
                .get(w.app.url("/terminal"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN
        );

        let kiosk = terminal_client(&w);
        let res = seeker_sign_in(&w, &kiosk, &w.seeker_x.1.to_lowercase(), &w.seeker_x.2).await;
        assert_eq!(res.headers()["location"], "/terminal/home");
        let home = kiosk.get(w.app.url("/terminal/home")).send().await.unwrap();
        assert_eq!(home.headers()["cache-control"], "no-store");
        let html = home.text().await.unwrap();
        assert!(
            html.contains("http-equiv=\"refresh\" content=\"540;url=/terminal/still-there\""),
            "warning after 9 minutes"
        );
        assert!(!html.contains("<script") && !html.contains("https://"));
        let warning = kiosk
            .get(w.app.url("/terminal/still-there"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(warning.contains("content=\"60;url=/terminal/timed-out\""));
        // Switch user ends the session completely.
        let csrf = csrf_in(&warning);
        let res = kiosk
            .post(w.app.url("/terminal/sign-out"))
            .form(&[("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/terminal?signed_out=1");
        assert_eq!(
            kiosk
                .get(w.app.url("/terminal/home"))
                .send()
                .await
                .unwrap()
                .headers()["location"],
            "/terminal"
        );

        // A seeker of another service cannot sign in on this terminal.
        let res = seeker_sign_in(&w, &kiosk, &w.seeker_y_code, "123456").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
);

on_both_backends!(
    five_wrong_pins_lock_the_seeker_and_revoked_terminals_are_refused_at_once,
    |backend| async move {
        let w = World::new(backend).await;
        let kiosk = terminal_client(&w);
        for attempt in 1..=4 {
            let res = seeker_sign_in(&w, &kiosk, &w.seeker_x.1, "000000").await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
            let left = 5 - attempt;
            assert!(
                res.text()
                    .await
                    .unwrap()
                    .contains(&format!("try {left} more time")),
                "attempt {attempt}"
            );
        }
        let fifth = seeker_sign_in(&w, &kiosk, &w.seeker_x.1, "000000").await;
        assert_eq!(fifth.status(), StatusCode::LOCKED);
        let right = seeker_sign_in(&w, &kiosk, &w.seeker_x.1, &w.seeker_x.2).await;
        assert_eq!(
            right.status(),
            StatusCode::LOCKED,
            "locked until the officer resets it"
        );
        assert!(right.text().await.unwrap().contains("Ask your officer"));
        // The officer issues a new PIN: unlocked.
        let new_pin = password::hash("654321").unwrap();
        access_store::issue_seeker_access(
            &mut w.app.services.store.conn().unwrap(),
            w.profile_x,
            &new_pin,
            Some(w.officer_x),
            now(),
        )
        .unwrap();
        assert_eq!(
            seeker_sign_in(&w, &kiosk, &w.seeker_x.1, "654321")
                .await
                .headers()["location"],
            "/terminal/home"
        );
        assert_eq!(
            kiosk
                .get(w.app.url("/terminal/home"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        // Revoking the terminal refuses it at once, mid-session.
        let (admin, csrf) = w.staff_session(w.admin);
        let res = w
            .send_with(
                "POST",
                &format!("/admin/terminals/{}/revoke", w.terminal_x.0),
                &admin,
                Some(&csrf),
                None,
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            kiosk
                .get(w.app.url("/terminal/home"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            kiosk
                .get(w.app.url("/terminal"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN
        );
        // Idle seekers are timed out after 10 minutes.
        let mut conn = w.app.services.store.conn().unwrap();
        let events: Vec<String> = store::audit::search(
            &mut conn,
            &store::audit::Filter {
                subject_kind: Some("job_seeker".into()),
                ..Default::default()
            },
            50,
            0,
        )
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
        assert!(
            events.contains(&"seeker.locked".to_string())
                && events.contains(&"seeker.sign_in_success".to_string()),
            "{events:?}"
        );
    }
);

on_both_backends!(
    seekers_time_out_after_ten_idle_minutes,
    |backend| async move {
        let w = World::new(backend).await;
        let kiosk = terminal_client(&w);
        seeker_sign_in(&w, &kiosk, &w.seeker_x.1, &w.seeker_x.2).await;
        assert_eq!(
            kiosk
                .get(w.app.url("/terminal/home"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        {
            use fairchance::store::schema::sessions;
            let mut conn = w.app.services.store.conn().unwrap();
            fairchance::with_conn!(&mut conn, |c| diesel::update(
                sessions::table.filter(sessions::seeker_id.eq(w.seeker_x.0))
            )
            .set(sessions::last_seen_at.eq(now() - Duration::minutes(11)))
            .execute(c)
            .unwrap());
        }
        assert_eq!(
            kiosk
                .get(w.app.url("/terminal/home"))
                .send()
                .await
                .unwrap()
                .headers()["location"],
            "/terminal"
        );
        let page = kiosk
            .get(w.app.url("/terminal"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Sign in to find work"));
    }
);

on_both_backends!(
    restricted_sections_are_audited_and_admins_can_filter_the_log,
    |backend| async move {
        let w = World::new(backend).await;
        let profile = w
            .send(
                "GET",
                &format!("/officer/profiles/{}", w.profile_x),
                Who::Officer,
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(
            !profile.contains("Offence categories"),
            "offence data sits behind its own view"
        );
        let restricted = w
            .send(
                "GET",
                &format!("/officer/profiles/{}/restricted", w.profile_x),
                Who::Officer,
            )
            .await;
        assert_eq!(restricted.status(), 200);
        assert!(restricted
            .text()
            .await
            .unwrap()
            .contains("Offence categories"));
        let audit = w.send("GET", &format!("/admin/audit?action=profile.restricted_viewed&subject_kind=profile&subject_id={}", w.profile_x), Who::Admin).await;
        let html = audit.text().await.unwrap();
        assert!(
            html.contains("profile.restricted_viewed") && html.contains("officer.x@example.org"),
            "{html}"
        );
        let bad = w
            .send(
                "GET",
                "/admin/audit?from=yesterday&subject_id=abc",
                Who::Admin,
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        assert!(
            html.contains("The start date must be a real date")
                && html.contains("Enter the subject number as a whole number"),
            "{html}"
        );
        let _ = (w.officer_y, w.vacancy_b, w.employer_user_b, w.profile_y);
    }
);

on_both_backends!(every_demo_sign_in_works, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let logins = fairchance::seed::demo::seed(&app.services).unwrap();
    for role in ["admin", "officer", "employer"] {
        let login = logins.iter().find(|l| l.role == role).unwrap();
        let res = sign_in(&app, &login.email, &login.password).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{role} {}",
            login.email
        );
    }
    // The printed terminal code enrols a kiosk, where a printed seeker signs in.
    let terminal = logins.iter().find(|l| l.role == "terminal").unwrap();
    let code = terminal.email.trim_start_matches("enrolment code ");
    let kiosk = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = kiosk
        .get(app.url("/terminal/enrol"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&page);
    let res = kiosk
        .post(app.url("/terminal/enrol"))
        .form(&[("code", code), ("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/terminal");
    let seeker = logins.iter().find(|l| l.role == "seeker").unwrap();
    let page = kiosk
        .get(app.url("/terminal"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&page);
    let res = kiosk
        .post(app.url("/terminal/sign-in"))
        .form(&[
            ("login_code", seeker.email.trim_start_matches("code ")),
            ("pin", seeker.password.trim_start_matches("PIN ")),
            ("csrf_token", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/terminal/home");
});

on_both_backends!(
    admins_see_dead_letters_and_retry_them,
    |backend| async move {
        use fairchance::store::jobs::{self, Failure, NewJob};
        let w = World::new(backend).await;
        let at = now();
        let id = {
            let mut conn = w.app.services.store.conn().unwrap();
            let id = jobs::enqueue(
                &mut conn,
                NewJob::new("email", &"not an email", at).unwrap(),
                at,
            )
            .unwrap()
            .unwrap();
            let job = jobs::claim(&mut conn, "w", 1, at).unwrap().pop().unwrap();
            jobs::fail(
                &mut conn,
                &job,
                "w",
                Failure::Permanent,
                "550 mailbox unavailable",
                at,
            )
            .unwrap();
            id
        };
        let page = w
            .send("GET", "/admin/queue", Who::Admin)
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("550 mailbox unavailable") && page.contains("dead"),
            "{page}"
        );
        let res = w
            .send("POST", &format!("/admin/queue/{id}/retry"), Who::Admin)
            .await;
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("back in the queue"));
        let counts = jobs::counts(&mut w.app.services.store.conn().unwrap()).unwrap();
        assert_eq!(counts, vec![("queued".to_string(), 1)]);
        assert_eq!(
            w.send("POST", &format!("/admin/queue/{id}/retry"), Who::Admin)
                .await
                .status(),
            StatusCode::NOT_FOUND,
            "only dead jobs are retried"
        );
    }
);

on_both_backends!(
    the_dead_letters_page_through_every_dead_job_with_a_total,
    |backend| async move {
        use fairchance::store::jobs::{self, Failure, NewJob};
        let w = World::new(backend).await;
        let at = now();
        let expected: std::collections::BTreeSet<i64> = {
            let mut conn = w.app.services.store.conn().unwrap();
            for n in 0..123 {
                let payload = format!("not an email {n}");
                jobs::enqueue(&mut conn, NewJob::new("email", &payload, at).unwrap(), at)
                    .unwrap()
                    .unwrap();
            }
            let claimed = jobs::claim(&mut conn, "w", 200, at).unwrap();
            for job in claimed.iter().take(117) {
                jobs::fail(&mut conn, job, "w", Failure::Permanent, "550 no", at).unwrap();
            }
            // Brute force: every job the database holds as dead.
            let mut dead = std::collections::BTreeSet::new();
            let mut offset = 0;
            loop {
                let (rows, _) = jobs::list(&mut conn, "dead", 1_000, offset).unwrap();
                if rows.is_empty() {
                    break;
                }
                offset += rows.len() as i64;
                dead.extend(rows.iter().map(|j| j.id));
            }
            dead
        };
        assert_eq!(expected.len(), 117);
        let mut seen = Vec::new();
        let mut page = 1;
        loop {
            let html = w
                .send("GET", &format!("/admin/queue?page={page}"), Who::Admin)
                .await
                .text()
                .await
                .unwrap();
            assert!(
                html.contains("of 117"),
                "page {page} names the total: {html}"
            );
            let ids: Vec<i64> = html
                .split("/admin/queue/")
                .skip(1)
                .filter_map(|rest| rest.split('/').next()?.parse().ok())
                .collect();
            seen.extend(ids);
            if !html.contains(&format!("/admin/queue?page={}", page + 1)) {
                break;
            }
            page += 1;
        }
        assert_eq!(page, 3, "50 a page");
        let unique: std::collections::BTreeSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "no dead letter on two pages");
        assert_eq!(unique, expected, "the pages hold every dead letter");
    }
);

on_both_backends!(
    officers_choose_how_often_they_get_digests,
    |backend| async move {
        let w = World::new(backend).await;
        let (cookie, csrf) = w.staff_session(w.officer_x);
        let res = w
            .send_with(
                "POST",
                "/account/email-digest",
                &cookie,
                Some(&csrf),
                Some(&[("interval", "daily")]),
            )
            .await;
        assert_eq!(res.headers()["location"], "/account?saved=1");
        let user = store::people::find_user_by_email(
            &mut w.app.services.store.conn().unwrap(),
            "officer.x@example.org",
        )
        .unwrap()
        .unwrap();
        assert_eq!(user.digest_interval, "daily");
        let bad = w
            .send_with(
                "POST",
                "/account/email-digest",
                &cookie,
                Some(&csrf),
                Some(&[("interval", "weekly")]),
            )
            .await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        let page = w
            .send_with("GET", "/account", &cookie, None, None)
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("value=\"daily\" selected"));
    }
);

/// What a bearer token gets from a path: the status.
async fn with_token(w: &World, method: Method, path: &str, secret: &str) -> StatusCode {
    w.app
        .client
        .request(method, w.app.url(path))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap()
        .status()
}

fn new_token(w: &World, user: i64, employer: i64, expires_in: Duration) -> (i64, String) {
    let at = now();
    access_store::create_api_token(
        &mut w.app.services.store.conn().unwrap(),
        employer,
        user,
        "extra",
        at + expires_in,
        at,
    )
    .unwrap()
}

fn revoked(w: &World, token_id: i64) -> bool {
    use fairchance::store::schema::api_tokens;
    let mut conn = w.app.services.store.conn().unwrap();
    let at: Option<chrono::NaiveDateTime> =
        fairchance::with_conn!(&mut conn, |c| api_tokens::table
            .find(token_id)
            .select(api_tokens::revoked_at)
            .first(c)
            .unwrap());
    at.is_some()
}

on_both_backends!(
    api_tokens_open_only_the_json_api_and_never_html_pages,
    |backend| async move {
        let w = World::new(backend).await;
        let token = w.token_a.1.clone();
        assert_eq!(
            with_token(&w, Method::GET, "/api/v1/vacancies", &token).await,
            StatusCode::OK
        );
        for (method, path) in [
            (Method::GET, "/employer/team"),
            (Method::GET, "/employer/tokens"),
            (Method::POST, "/employer/tokens"),
            (Method::GET, "/employer"),
            (Method::POST, "/account/sign-out-everywhere"),
        ] {
            assert_eq!(
                with_token(&w, method.clone(), path, &token).await,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with a bearer token"
            );
        }
        // Nothing was created through the refused form post.
        let listed =
            access_store::list_api_tokens(&mut w.app.services.store.conn().unwrap(), w.employer_a)
                .unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].last_used_at.is_some(), "the list shows last use");
    }
);

on_both_backends!(
    api_tokens_expire_and_end_with_their_creator,
    |backend| async move {
        let w = World::new(backend).await;
        let (admin, admin_csrf) = w.staff_session(w.admin);
        let (employer, employer_csrf) = w.staff_session(w.employer_user_a);

        // Expiry is chosen at creation, checked, and shown in the list.
        let res = w
            .send_with(
                "POST",
                "/employer/tokens",
                &employer,
                Some(&employer_csrf),
                Some(&[("name", "short lived"), ("expires_in_days", "0")]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("Enter a number of days from 1 to 365"));
        let res = w
            .send_with(
                "POST",
                "/employer/tokens",
                &employer,
                Some(&employer_csrf),
                Some(&[("name", "month"), ("expires_in_days", "30")]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = res.text().await.unwrap();
        assert!(page.contains("Expires"));
        let listed =
            access_store::list_api_tokens(&mut w.app.services.store.conn().unwrap(), w.employer_a)
                .unwrap();
        let month = listed.iter().find(|t| t.name == "month").unwrap();
        let days = (month.expires_at.unwrap() - month.created_at).num_days();
        assert_eq!(days, 30);
        let default = w
            .send_with(
                "POST",
                "/employer/tokens",
                &employer,
                Some(&employer_csrf),
                Some(&[("name", "default")]),
            )
            .await;
        assert_eq!(default.status(), StatusCode::OK);
        let listed =
            access_store::list_api_tokens(&mut w.app.services.store.conn().unwrap(), w.employer_a)
                .unwrap();
        let default = listed.iter().find(|t| t.name == "default").unwrap();
        assert_eq!(
            (default.expires_at.unwrap() - default.created_at).num_days(),
            365
        );

        // An expired token is refused.
        let (_, expired) = new_token(&w, w.employer_user_a, w.employer_a, Duration::seconds(-1));
        assert_eq!(
            with_token(&w, Method::GET, "/api/v1/vacancies", &expired).await,
            StatusCode::UNAUTHORIZED
        );

        // A creator disabled behind the service's back (no revocation ran)
        // takes their tokens down with them.
        let by_b = w.token_b.1.clone();
        assert_eq!(
            with_token(&w, Method::GET, "/api/v1/vacancies", &by_b).await,
            StatusCode::OK
        );
        access_store::set_disabled(
            &mut w.app.services.store.conn().unwrap(),
            w.employer_user_b,
            true,
            now(),
        )
        .unwrap();
        assert_eq!(
            with_token(&w, Method::GET, "/api/v1/vacancies", &by_b).await,
            StatusCode::UNAUTHORIZED,
            "a disabled user's token"
        );

        // Disabling through the admin page revokes, so enabling again does
        // not bring the token back.
        assert_eq!(
            with_token(&w, Method::GET, "/api/v1/vacancies", &w.token_a.1).await,
            StatusCode::OK
        );
        let res = w
            .send_with(
                "POST",
                &format!("/admin/users/{}/disable", w.employer_user_a),
                &admin,
                Some(&admin_csrf),
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            with_token(&w, Method::GET, "/api/v1/vacancies", &w.token_a.1).await,
            StatusCode::UNAUTHORIZED
        );
        assert!(revoked(&w, w.token_a.0));
        let res = w
            .send_with(
                "POST",
                &format!("/admin/users/{}/enable", w.employer_user_a),
                &admin,
                Some(&admin_csrf),
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            with_token(&w, Method::GET, "/api/v1/vacancies", &w.token_a.1).await,
            StatusCode::UNAUTHORIZED,
            "re-enabling does not revive a revoked token"
        );

        // Sign out everywhere revokes the member's tokens.
        let (everywhere_id, everywhere) =
            new_token(&w, w.employer_user_a, w.employer_a, Duration::days(1));
        let (employer, employer_csrf) = w.staff_session(w.employer_user_a);
        let res = w
            .send_with(
                "POST",
                "/account/sign-out-everywhere",
                &employer,
                Some(&employer_csrf),
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            with_token(&w, Method::GET, "/api/v1/vacancies", &everywhere).await,
            StatusCode::UNAUTHORIZED
        );
        assert!(revoked(&w, everywhere_id));

        // A password change asks; kept when the box is not ticked, revoked
        // when it is.
        let (kept_id, kept) = new_token(&w, w.employer_user_a, w.employer_a, Duration::days(1));
        let (employer, employer_csrf) = w.staff_session(w.employer_user_a);
        let form = w
            .send_with("GET", "/account/password", &employer, None, None)
            .await
            .text()
            .await
            .unwrap();
        assert!(form.contains("Also revoke the 1 API token you made"));
        let res = w
            .send_with(
                "POST",
                "/account/password",
                &employer,
                Some(&employer_csrf),
                Some(&[
                    ("current_password", PASSWORD),
                    ("new_password", "a brand new passphrase"),
                    ("confirm_password", "a brand new passphrase"),
                ]),
            )
            .await;
        assert_eq!(res.headers()["location"], "/account?changed=1");
        assert!(!revoked(&w, kept_id));
        assert_eq!(
            with_token(&w, Method::GET, "/api/v1/vacancies", &kept).await,
            StatusCode::OK
        );
        let res = w
            .send_with(
                "POST",
                "/account/password",
                &employer,
                Some(&employer_csrf),
                Some(&[
                    ("current_password", "a brand new passphrase"),
                    ("new_password", "another new passphrase"),
                    ("confirm_password", "another new passphrase"),
                    ("revoke_tokens", "yes"),
                ]),
            )
            .await;
        assert_eq!(res.headers()["location"], "/account?changed=1");
        assert_eq!(
            with_token(&w, Method::GET, "/api/v1/vacancies", &kept).await,
            StatusCode::UNAUTHORIZED
        );
    }
);

async fn api_sign_in(
    w: &World,
    email: &str,
    password: &str,
    forwarded: Option<&str>,
) -> reqwest::Response {
    let mut req = w
        .app
        .client
        .post(w.app.url("/api/v1/session"))
        .json(&serde_json::json!({"email": email, "password": password}));
    if let Some(forwarded) = forwarded {
        req = req.header("x-forwarded-for", forwarded);
    }
    req.send().await.unwrap()
}

on_both_backends!(
    parallel_wrong_sign_ins_are_held_to_the_limit_exactly,
    |backend| async move {
        let w = World::new(backend).await;
        let attempts = (0..200).map(|_| api_sign_in(&w, "officer.x@example.org", "wrong", None));
        let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts)
            .await
            .into_iter()
            .map(|r| r.status())
            .collect();
        let checked = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert_eq!(
            (checked, refused),
            (5, 195),
            "exactly five passwords were checked"
        );
        assert_eq!(
            api_sign_in(&w, "officer.x@example.org", PASSWORD, None)
                .await
                .status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
);

on_both_backends!(
    sign_in_limits_key_on_the_client_a_trusted_proxy_names,
    |backend| async move {
        // Behind a trusted proxy, one client's failures do not lock out the
        // others who share the proxy's address.
        let w = World::with(backend, &[("FAIRCHANCE_TRUSTED_PROXIES", "127.0.0.1/32")]).await;
        for i in 0..20 {
            let res = api_sign_in(
                &w,
                &format!("nobody{i}@example.org"),
                "x",
                Some("203.0.113.50, 198.51.100.7"),
            )
            .await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
        }
        assert_eq!(
            api_sign_in(&w, "officer.x@example.org", PASSWORD, Some("198.51.100.7"))
                .await
                .status(),
            StatusCode::TOO_MANY_REQUESTS,
            "the client that failed 20 times waits"
        );
        let res = api_sign_in(&w, "officer.x@example.org", PASSWORD, Some("198.51.100.8")).await;
        assert_eq!(res.status(), StatusCode::OK, "its neighbour does not");
        let mut conn = w.app.services.store.conn().unwrap();
        let rows = store::audit::search(
            &mut conn,
            &store::audit::Filter {
                action: Some("sign_in.success".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .unwrap();
        assert_eq!(
            rows[0].ip.as_deref(),
            Some("198.51.100.8"),
            "the audit log names the client"
        );

        // Without a trusted proxy the header is anyone's to write and is
        // ignored: changing it does not buy fresh attempts.
        let w = World::new(backend).await;
        for i in 0..20 {
            api_sign_in(
                &w,
                &format!("nobody{i}@example.org"),
                "x",
                Some(&format!("10.9.9.{i}")),
            )
            .await;
        }
        assert_eq!(
            api_sign_in(&w, "officer.x@example.org", PASSWORD, Some("10.9.9.99"))
                .await
                .status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
);

on_both_backends!(
    pin_lockout_counts_every_wrong_pin_since_the_pin_was_issued,
    |backend| async move {
        let w = World::new(backend).await;
        let client = terminal_client(&w);
        let code = w.seeker_x.1.clone();
        for _ in 0..4 {
            let res = seeker_sign_in(&w, &client, &code, "000000").await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        // A right PIN in between does not give four fresh guesses.
        let res = seeker_sign_in(&w, &client, &code, &w.seeker_x.2).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let client = terminal_client(&w);
        let res = seeker_sign_in(&w, &client, &code, "000000").await;
        assert_eq!(
            res.status(),
            StatusCode::LOCKED,
            "the fifth wrong PIN locks"
        );
        let res = seeker_sign_in(&w, &client, &code, &w.seeker_x.2).await;
        assert_eq!(res.status(), StatusCode::LOCKED);

        // Parallel guesses on a fresh PIN: no more than five are checked.
        use fairchance::store::schema::job_seekers;
        let mut conn = w.app.services.store.conn().unwrap();
        fairchance::with_conn!(&mut conn, |c| diesel::update(
            job_seekers::table.find(w.seeker_x.0)
        )
        .set((
            job_seekers::failed_pin_attempts.eq(0),
            job_seekers::locked_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(c)
        .unwrap());
        let api = |pin: &'static str| {
            let w = &w;
            let code = code.clone();
            async move {
                w.app
                    .client
                    .post(w.app.url("/api/v1/terminal/session"))
                    .header(auth::DEVICE_HEADER, &w.terminal_x.1)
                    .json(&serde_json::json!({"login_code": code, "pin": pin}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        let statuses = futures_util::future::join_all((0..40).map(|_| api("000001"))).await;
        let checked = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count();
        assert_eq!(checked, 4, "four wrong, the fifth locks: {statuses:?}");
        assert_eq!(api("123456").await, StatusCode::FORBIDDEN, "locked");
    }
);

/// The flood measures response times on a shared machine: its two
/// backends take turns, so one flood's hashing does not slow the other's
/// measurement.
static FLOOD_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

on_both_backends!(
    a_sign_in_flood_leaves_health_and_staff_pages_fast,
    |backend| async move {
        let _turn = FLOOD_TURN.lock().await;
        // Every attempt from its own client (through a trusted proxy), so
        // no sign-in limit thins the flood: only the hashing pool does.
        let w = World::with(backend, &[("FAIRCHANCE_TRUSTED_PROXIES", "127.0.0.1")]).await;
        let (officer, _) = w.staff_session(w.officer_x);
        let flood: Vec<_> = (0..200)
            .map(|i| {
                let client = w.app.client.clone();
                let url = w.app.url("/api/v1/session");
                tokio::spawn(async move {
                    client
                        .post(url)
                        .header("x-forwarded-for", format!("198.51.{}.{}", i / 250, i % 250))
                        .json(&serde_json::json!({
                            "email": format!("flood{i}@example.org"),
                            "password": "not the password",
                        }))
                        .send()
                        .await
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        for _ in 0..3 {
            let started = std::time::Instant::now();
            assert_eq!(w.app.get("/healthz").await.status(), StatusCode::OK);
            let res = w.send_with("GET", "/officer", &officer, None, None).await;
            assert_eq!(res.status(), StatusCode::OK);
            let took = started.elapsed();
            assert!(
                took < std::time::Duration::from_secs(1),
                "health and an officer's page took {took:?} during the flood"
            );
        }
        for attempt in flood {
            let res = attempt.await.unwrap().unwrap();
            match res.status() {
                StatusCode::UNAUTHORIZED => {}
                StatusCode::TOO_MANY_REQUESTS => {
                    assert!(res.headers().contains_key("retry-after"))
                }
                other => panic!("a flooded sign-in answered {other}"),
            }
        }
    }
);

on_both_backends!(
    the_officer_apis_answer_only_for_published_vacancies,
    |backend| async move {
        let w = World::new(backend).await;
        let (officer, _) = w.staff_session(w.officer_x);
        let why_not = format!("/api/v1/profiles/{}/matches/{}", w.profile_x, w.vacancy_a);
        let candidates = format!("/api/v1/vacancies/{}/candidates", w.vacancy_a);
        for path in [&why_not, &candidates] {
            let res = w.send_with("GET", path, &officer, None, None).await;
            assert_eq!(res.status(), StatusCode::OK, "{path} while published");
        }
        for status in ["draft", "withdrawn", "paused"] {
            {
                use fairchance::store::schema::vacancies;
                let mut conn = w.app.services.store.conn().unwrap();
                fairchance::with_conn!(&mut conn, |c| diesel::update(
                    vacancies::table.find(w.vacancy_a)
                )
                .set((
                    vacancies::status.eq(status),
                    vacancies::updated_at.eq(now())
                ))
                .execute(c)
                .unwrap());
            }
            for path in [&why_not, &candidates] {
                let res = w.send_with("GET", path, &officer, None, None).await;
                assert_eq!(
                    res.status(),
                    StatusCode::NOT_FOUND,
                    "{path} while {status}, as the HTML pages"
                );
            }
        }
    }
);

/// Every audit row with `action`.
fn audit_rows(w: &World, action: &str) -> Vec<store::audit::AuditRow> {
    let mut conn = w.app.services.store.conn().unwrap();
    store::audit::search(
        &mut conn,
        &store::audit::Filter {
            action: Some(action.into()),
            ..Default::default()
        },
        1000,
        0,
    )
    .unwrap()
}

on_both_backends!(
    a_sign_in_flood_is_counted_not_logged_row_by_row,
    |backend| async move {
        let w = World::new(backend).await;
        // Someone types a password into the email box, 60 times at once.
        let typed = "Sup3r-secret-passphrase";
        let statuses: Vec<StatusCode> =
            futures_util::future::join_all((0..60).map(|_| api_sign_in(&w, typed, "wrong", None)))
                .await
                .into_iter()
                .map(|r| r.status())
                .collect();
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::UNAUTHORIZED)
                .count(),
            5
        );
        // Five failures (the account limit), one row for the block, and no
        // row per refused attempt.
        let failures = audit_rows(&w, "sign_in.failure");
        assert_eq!(failures.len(), 5);
        assert_eq!(audit_rows(&w, "sign_in.blocked").len(), 1);
        // What was typed is kept nowhere: a fixed label and a keyed digest.
        let label = &failures[0].actor_label;
        assert!(label.starts_with("unknown account "), "{label}");
        assert!(failures.iter().all(|r| &r.actor_label == label));
        let mut conn = w.app.services.store.conn().unwrap();
        let everything: Vec<String> = {
            use fairchance::store::schema::{audit_log, sign_in_limits};
            let mut texts: Vec<String> = fairchance::with_conn!(&mut conn, |c| audit_log::table
                .select((audit_log::actor_label, audit_log::detail))
                .load::<(String, Option<String>)>(c)
                .unwrap())
            .into_iter()
            .flat_map(|(a, d)| [a, d.unwrap_or_default()])
            .collect();
            texts.extend(fairchance::with_conn!(&mut conn, |c| sign_in_limits::table
                .select(sign_in_limits::key)
                .load::<String>(c)
                .unwrap()));
            texts
        };
        assert!(
            everything
                .iter()
                .all(|t| !t.to_lowercase().contains(&typed.to_lowercase())),
            "the typed text was stored"
        );
        // A failure for a real account names the account.
        api_sign_in(&w, "officer.y@example.org", "wrong", None).await;
        let named = audit_rows(&w, "sign_in.failure");
        assert!(named
            .iter()
            .any(|r| r.actor_label == "officer.y@example.org"
                && r.actor_user_id == Some(w.officer_y)));
        // When the window ends, one summary row carries the count of the 55
        // refused attempts (written by the worker's scheduled sweep).
        let later = now() + Duration::minutes(16);
        assert_eq!(store::limits::sweep(&mut conn, later).unwrap(), 1);
        let summary = audit_rows(&w, "sign_in.blocked_summary");
        assert_eq!(summary.len(), 1);
        let detail = summary[0].detail.clone().unwrap();
        assert!(detail.starts_with("55 attempts refused"), "{detail}");
        assert_eq!(store::limits::sweep(&mut conn, later).unwrap(), 0, "once");
    }
);

on_both_backends!(
    public_enrolment_is_limited_per_address,
    |backend| async move {
        let w = World::new(backend).await;
        let (_, code) = access_store::create_terminal(
            &mut w.app.services.store.conn().unwrap(),
            1,
            "Kiosk 9",
            Some(w.admin),
            now(),
        )
        .unwrap();
        let page = w.app.get("/terminal/enrol").await.text().await.unwrap();
        let csrf = csrf_in(&page);
        let enrol = |code: String| {
            let (client, url, csrf) = (
                w.app.client.clone(),
                w.app.url("/terminal/enrol"),
                csrf.clone(),
            );
            async move {
                client
                    .post(url)
                    .form(&[("code", code.as_str()), ("csrf_token", csrf.as_str())])
                    .send()
                    .await
                    .unwrap()
            }
        };
        for i in 0..10 {
            let res = enrol(format!("WRONG{i:03}")).await;
            assert_eq!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "attempt {i}"
            );
        }
        // The eleventh wrong code from this address waits, and so does the
        // right one until the window ends: guessing gains nothing.
        for guess in ["WRONG999".to_string(), code.clone()] {
            let res = enrol(guess).await;
            assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
            assert!(res.headers().contains_key("retry-after"));
            assert!(res.text().await.unwrap().contains("Too many wrong codes"));
        }
        assert_eq!(audit_rows(&w, "terminal.enrol_failed").len(), 10);
        assert_eq!(audit_rows(&w, "terminal.enrol_blocked").len(), 1);
        assert!(audit_rows(&w, "terminal.enrolled").is_empty());
    }
);

on_both_backends!(
    the_data_directory_is_private_and_demo_settings_are_flagged,
    |backend| async move {
        use std::os::unix::fs::PermissionsExt;
        // A directory an earlier version left readable is tightened at
        // start, with everything in it.
        let w = World::new(backend).await;
        let dir = w.app.services.config.data_dir.clone();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let old = dir.join("left-by-an-old-version.txt");
        std::fs::write(&old, "x").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        fairchance::config::secure_data_dir(&dir).unwrap();
        // Everything written since (database, index, outbox) is private.
        let (_, code) = access_store::create_terminal(
            &mut w.app.services.store.conn().unwrap(),
            1,
            "Kiosk 8",
            Some(w.admin),
            now(),
        )
        .unwrap();
        assert!(!code.is_empty());
        std::fs::write(dir.join("written-after-start.txt"), "y").unwrap();
        fn walk(path: &std::path::Path, seen: &mut Vec<(std::path::PathBuf, u32)>) {
            let meta = std::fs::symlink_metadata(path).unwrap();
            seen.push((path.to_path_buf(), meta.permissions().mode() & 0o777));
            if meta.is_dir() {
                for entry in std::fs::read_dir(path).unwrap() {
                    walk(&entry.unwrap().path(), seen);
                }
            }
        }
        let mut seen = Vec::new();
        walk(&dir, &mut seen);
        assert!(seen.len() >= 4, "{seen:?}");
        for (path, mode) in &seen {
            let wanted = if path.is_dir() { 0o700 } else { 0o600 };
            assert_eq!(*mode, wanted, "{}", path.display());
        }

        // Demo data on an address others can reach is flagged at /readyz.
        let body: serde_json::Value = w.app.get("/readyz").await.json().await.unwrap();
        assert_eq!(body["warnings"], serde_json::json!([]), "loopback: {body}");
        let exposed = World::with(
            backend,
            &[
                ("FAIRCHANCE_DEMO", "on"),
                ("FAIRCHANCE_BASE_URL", "https://jobs.example.org"),
            ],
        )
        .await;
        let res = exposed.app.get("/readyz").await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(
            body["warnings"][0]
                .as_str()
                .unwrap()
                .contains("FAIRCHANCE_DEMO is on"),
            "{body}"
        );
    }
);

on_both_backends!(
    a_seekers_session_works_only_with_the_cookie_of_the_terminal_it_started_on,
    |backend| async move {
        let w = World::new(backend).await;
        // A second enrolled terminal of the same service.
        let other = {
            use fairchance::store::schema::terminals;
            let mut conn = w.app.services.store.conn().unwrap();
            let service: i64 = fairchance::with_conn!(&mut conn, |c| terminals::table
                .find(w.terminal_x.0)
                .select(terminals::service_id)
                .first(c))
            .unwrap();
            let (_, code) =
                access_store::create_terminal(&mut conn, service, "Kiosk X2", None, now()).unwrap();
            access_store::redeem_enrolment(&mut conn, &code, now())
                .unwrap()
                .unwrap()
        };
        let get = |cookie: String, path: &'static str| {
            let w = &w;
            async move {
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap()
                    .get(w.app.url(path))
                    .header("cookie", cookie)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let (on_x, _) = w.seeker_session();
        assert_eq!(get(on_x.clone(), "/terminal/home").await.status(), 200);

        // The same session with the other terminal's cookie: that terminal
        // is recognised, the person is not signed in on it, and the session
        // ends.
        let session = on_x.split("; ").next().unwrap().to_string();
        let other_device = format!("{}={}", auth::DEVICE_COOKIE, auth::sign(&w.key(), &other.1));
        let moved = get(format!("{session}; {other_device}"), "/terminal/home").await;
        assert_ne!(moved.status(), 200);
        assert_ne!(moved.status(), StatusCode::FORBIDDEN, "still a terminal");
        assert_eq!(
            get(other_device.clone(), "/terminal").await.status(),
            200,
            "the other terminal's own page"
        );
        assert_ne!(
            get(on_x, "/terminal/home").await.status(),
            200,
            "the session ended"
        );
    }
);
