//! A terminal fixture shared by the terminal HTTP tests and the browser
//! test: one service with an officer, an enrolled terminal, one job seeker
//! and a generated set of vacancies.
#![allow(dead_code)]

use std::collections::BTreeSet;

use crate::common::{Backend, TestApp};
use fairchance::access::password;
use fairchance::domain::matching::assess;
use fairchance::domain::profile::ProfileDetails;
use fairchance::domain::vacancy::{VacancyDetails, VacancyStatus};
use fairchance::seed::generator::{self, Town, TEMPLATES};
use fairchance::store::matches::{Found, RunScope};
use fairchance::store::people::{
    self, EmployerStatus, Membership, NewEmployer, NewService, NewUser, ServiceKind,
};
use fairchance::store::{self, access as access_store, now};
use fairchance::web::auth;
use rand::SeedableRng;
use reqwest::StatusCode;

pub const PIN: &str = "123456";

/// One service with an officer, an enrolled terminal, one job seeker and a
/// generated set of published vacancies near and far, all indexed, with a
/// stored approved match for every vacancy (eligible or not), so the pages
/// must do the filtering.
pub struct Fixture {
    pub app: TestApp,
    pub officer: i64,
    pub profile: i64,
    pub code: String,
    pub device: String,
    pub vacancies: Vec<i64>,
}

fn town(name: &str, lat: f64, lon: f64) -> Town {
    Town {
        name: name.into(),
        lat,
        lon,
    }
}

impl Fixture {
    /// A job seeker who can do most of the work on offer.
    pub async fn new(backend: Backend, seed: u64, count: usize) -> Self {
        Self::build(backend, seed, count, true).await
    }

    /// A generated job seeker as they come: offences, licence conditions,
    /// barred lists and all.
    pub async fn generated(backend: Backend, seed: u64, count: usize) -> Self {
        Self::build(backend, seed, count, false).await
    }

    async fn build(backend: Backend, seed: u64, count: usize, open: bool) -> Self {
        let app = TestApp::spawn(backend).await;
        let services = app.services.clone();
        let taxonomy = services.taxonomy.clone();
        let today = chrono::Utc::now().date_naive();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let leeds = town("Leeds", 53.7965, -1.5478);
        let exeter = town("Exeter", 50.7184, -3.5339);
        let mut conn = services.store.conn().unwrap();
        let at = now();
        let service = people::create_service(
            &mut conn,
            &NewService {
                name: "HMP Example",
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
                name: "Example Foods Ltd",
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
        let hash = password::hash("a long enough password").unwrap();
        let officer = people::create_user(
            &mut conn,
            &NewUser {
                email: "officer@example.org",
                display_name: "Officer",
                password_hash: &hash,
                membership: Membership::Service(service),
            },
        )
        .unwrap();
        // A profile in Leeds that is eligible for a good share of the set.
        let mut input = generator::profile(&mut rng, 1, &leeds, today);
        if open {
            input.right_to_work = true;
            input.driving_licence = true;
            input.no_driving = false;
            input.curfews.clear();
            input.exclusion_zones.clear();
            input.offence_categories.clear();
            input.barred_children = false;
            input.barred_adults = false;
            input.release_date = Some(today - chrono::Duration::days(3));
            input.no_fixed_abode = false;
            input.release_area = Some(fairchance::domain::geo::PlaceInput {
                name: "Leeds".into(),
                lat: leeds.lat,
                lon: leeds.lon,
            });
            input.travel_radius_km = 40.0;
        }
        let details = ProfileDetails::parse(&input, &taxonomy).unwrap();
        let profile = conn
            .write(|tx| store::profiles::insert(tx, service, Some(officer), "P1", &details, at))
            .unwrap();
        let mut vacancies = Vec::new();
        for i in 0..count {
            let place = if i % 4 == 3 { &exeter } else { &leeds };
            let template = &TEMPLATES[i % TEMPLATES.len()];
            let v = VacancyDetails::parse(
                &generator::vacancy(&mut rng, template, place, "Example", today),
                &taxonomy,
            )
            .unwrap();
            let status = if i % 9 == 8 {
                VacancyStatus::Draft
            } else {
                VacancyStatus::Published
            };
            vacancies.push(
                conn.write(|tx| store::vacancies::insert(tx, employer, status, None, &v, at))
                    .unwrap(),
            );
        }
        // Every pair stored and approved, eligible or not.
        let found: Vec<Found> = vacancies
            .iter()
            .map(|&vacancy_id| Found::from_json(profile, vacancy_id, 0.5, None, "[]".into()))
            .collect();
        conn.write(|c| store::matches::apply_run(c, RunScope::Profile(profile), &found, at))
            .unwrap();
        for record in store::matches::records_for_profile(&mut conn, profile, &[]).unwrap() {
            store::matches::decide(&mut conn, record.id, true, None, officer, at).unwrap();
        }
        let pin_hash = password::hash(PIN).unwrap();
        let (_, code) =
            access_store::issue_seeker_access(&mut conn, profile, &pin_hash, Some(officer), at)
                .unwrap();
        let (_, enrolment) =
            access_store::create_terminal(&mut conn, service, "Kiosk", None, at).unwrap();
        let (_, credential) = access_store::redeem_enrolment(&mut conn, &enrolment, at)
            .unwrap()
            .unwrap();
        drop(conn);
        app.matcher.reindex(|_, _, _| {}).await.unwrap();
        let device = format!(
            "{}={}",
            auth::DEVICE_COOKIE,
            auth::sign(&services.config.secret_key, &credential)
        );
        Fixture {
            app,
            officer,
            profile,
            code,
            device,
            vacancies,
        }
    }

    /// A browser on the enrolled terminal.
    pub fn kiosk(&self) -> reqwest::Client {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let url: reqwest::Url = self.app.address.parse().unwrap();
        jar.add_cookie_str(&format!("{}; Path=/", self.device), &url);
        reqwest::Client::builder()
            .cookie_provider(jar)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Signs the job seeker in on a fresh kiosk browser.
    pub async fn signed_in(&self) -> Kiosk {
        let client = self.kiosk();
        let page = get_text(&client, &self.app.url("/terminal")).await;
        let csrf = csrf_in(&page);
        let res = client
            .post(self.app.url("/terminal/sign-in"))
            .form(&[
                ("login_code", self.code.as_str()),
                ("pin", PIN),
                ("csrf_token", csrf.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "signed in");
        let home = get_text(&client, &self.app.url("/terminal/home")).await;
        Kiosk {
            client,
            base: self.app.address.clone(),
            csrf: csrf_in(&home),
        }
    }

    /// The vacancies `assess` finds the person eligible for today.
    pub fn eligible(&self) -> BTreeSet<i64> {
        let taxonomy = self.app.services.taxonomy.clone();
        let mut conn = self.app.services.store.conn().unwrap();
        let profile = store::profiles::load(&mut conn, self.profile, &taxonomy).unwrap();
        let today = store::now().date();
        self.vacancies
            .iter()
            .copied()
            .filter(|&id| {
                let v = store::vacancies::load(&mut conn, id, &taxonomy).unwrap();
                assess(&v, &profile, today).eligible()
            })
            .collect()
    }
}

pub struct Kiosk {
    pub client: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

impl Kiosk {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", self.csrf.as_str()));
        self.client
            .post(format!("{}{}", self.base, path))
            .form(&fields)
            .send()
            .await
            .unwrap()
    }
}

pub async fn get_text(client: &reqwest::Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..start + 64].to_string()
}

/// Vacancy ids linked from a page.
pub fn vacancy_links(html: &str) -> BTreeSet<i64> {
    html.split("href=\"/terminal/vacancies/")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            let after = rest[digits.len()..].chars().next();
            // Only the vacancy page itself, not its print or apply links.
            (after == Some('"')).then(|| digits.parse().ok()).flatten()
        })
        .collect()
}

/// Checks what every terminal page promises, and returns its body.
pub async fn check_page(res: reqwest::Response, css: usize, what: &str) -> String {
    let cache = res
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert_eq!(cache, "no-store", "{what}: Cache-Control");
    let body = res.text().await.unwrap();
    let lower = body.to_lowercase();
    assert!(!lower.contains("<script"), "{what}: has a script");
    assert!(
        !lower.contains("http://") && !lower.contains("https://"),
        "{what}: names an address outside the service"
    );
    for marker in ["\"//", "'//", "(//", "=//"] {
        assert!(!lower.contains(marker), "{what}: protocol-relative address");
    }
    for handler in [
        "onclick=",
        "onload=",
        "onsubmit=",
        "onchange=",
        "javascript:",
    ] {
        assert!(
            !lower.contains(handler),
            "{what}: inline script ({handler})"
        );
    }
    assert!(
        body.len() + css < 30 * 1024,
        "{what}: page and stylesheet weigh {} bytes",
        body.len() + css
    );
    assert!(
        lower.contains("<link rel=\"stylesheet\" href=\"/static/terminal.css\">"),
        "{what}: uses the terminal stylesheet"
    );
    body
}

/// The main content of a page.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap_or(0);
    let end = html.find("</main>").unwrap_or(html.len());
    &html[start..end]
}

pub fn assert_idle_refresh(body: &str, what: &str) {
    assert!(
        body.contains("http-equiv=\"refresh\" content=\"540;url=/terminal/still-there\""),
        "{what}: the idle warning is reached by a meta refresh"
    );
}
