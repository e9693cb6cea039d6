//! The employer's and the administrator's journeys in a real browser
//! (Debian's headless Chromium driven by playwright-core, JavaScript on as on
//! staff computers), with axe-core's WCAG 2.2 AA checks and a 1280 px width
//! check on every page, on both database backends. The node script is
//! `tests/browser/employer.mjs`; a missing browser or package fails the
//! test: it is never skipped.

mod common;

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use common::TestApp;
use fairchance::access::password;
use fairchance::domain::application::ApplicationStatus;
use fairchance::domain::profile::ProfileDetails;
use fairchance::domain::vacancy::{VacancyDetails, VacancyStatus};
use fairchance::seed::generator::{self, Town, TEMPLATES};
use fairchance::store::applications::{self as app_store, Actor, Change};
use fairchance::store::people::{
    self, EmployerStatus, Membership, NewEmployer, NewService, NewUser, ServiceKind,
};
use fairchance::store::{self, now};
use rand::SeedableRng;

const PASSWORD: &str = "correct horse battery staple";
const EMPLOYER_EMAIL: &str = "hiring@bakery.example";
const ADMIN_EMAIL: &str = "admin@fairchance.example";
const PENDING_ORG: &str = "Harbour Kitchens";

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// An approved employer with a published vacancy and one application a
/// case officer forwarded, an administrator, and an employer waiting for
/// approval.
fn seed(app: &TestApp) {
    let services = app.services.clone();
    let hash = password::hash(PASSWORD).unwrap();
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
    let employer = |c: &mut store::Conn, name: &str, status: EmployerStatus| {
        people::create_employer(
            c,
            &NewEmployer {
                name,
                sector_slug: "hospitality",
                contact_name: "Contact Person",
                contact_email: &format!("contact@{}.example", name.replace(' ', "-")),
                contact_phone: None,
                address: "1 Example Road, Leeds",
                website: None,
                status,
                decided_by: None,
            },
        )
        .unwrap()
    };
    let bakery = employer(&mut conn, "Leeds Bakery", EmployerStatus::Approved);
    let pending = employer(&mut conn, PENDING_ORG, EmployerStatus::Pending);
    let user = |c: &mut store::Conn, email: &str, name: &str, membership: Membership| {
        people::create_user(
            c,
            &NewUser {
                email,
                display_name: name,
                password_hash: &hash,
                membership,
            },
        )
        .unwrap()
    };
    user(
        &mut conn,
        EMPLOYER_EMAIL,
        "Sam Hiring",
        Membership::Employer(bakery),
    );
    user(
        &mut conn,
        "chef@harbour.example",
        "Pat Chef",
        Membership::Employer(pending),
    );
    let officer = user(
        &mut conn,
        "officer@prison.example",
        "Alex Officer",
        Membership::Service(service),
    );
    user(&mut conn, ADMIN_EMAIL, "Jo Admin", Membership::Admin);

    let town = Town {
        name: "Leeds".into(),
        lat: 53.7965,
        lon: -1.5478,
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let t = &services.taxonomy;
    let details = VacancyDetails::parse(
        &generator::vacancy(&mut rng, &TEMPLATES[0], &town, "B", today()),
        t,
    )
    .unwrap();
    let vacancy = conn
        .write(|tx| {
            store::vacancies::insert(tx, bakery, VacancyStatus::Published, None, &details, at)
        })
        .unwrap();
    let profile_input = generator::profile(&mut rng, 1, &town, today());
    let profile = conn
        .write(|tx| {
            store::profiles::insert(
                tx,
                service,
                Some(officer),
                "Robin Example",
                &ProfileDetails::parse(&profile_input, t).unwrap(),
                at,
            )
        })
        .unwrap();
    let submitted = app_store::submit(
        &mut conn,
        profile,
        vacancy,
        "I worked in the prison bakery for a year.",
        at,
    )
    .unwrap();
    for to in [ApplicationStatus::UnderReview, ApplicationStatus::Forwarded] {
        conn.write(|tx| {
            app_store::change_status(
                tx,
                submitted.application.id,
                &Change::to(to),
                Actor::officer(officer),
                at,
            )
        })
        .unwrap();
    }
}

fn run_journeys(app: &TestApp) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "the browser test needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium; bash .ci/test does it)"
    );
    for package in ["playwright-core", "axe-core"] {
        assert!(
            dir.join("node_modules").join(package).is_dir(),
            "the browser test needs {package}: run `npm ci` in tests/browser (bash .ci/test does it)"
        );
    }
    let output = Command::new("node")
        .arg(dir.join("employer.mjs"))
        .current_dir(&dir)
        .env("BASE_URL", &app.address)
        .env("EMPLOYER_EMAIL", EMPLOYER_EMAIL)
        .env("ADMIN_EMAIL", ADMIN_EMAIL)
        .env("PASSWORD", PASSWORD)
        .env("PENDING_ORG", PENDING_ORG)
        // SCREENSHOT_DIR, when set, keeps a picture of every page.
        .envs(std::env::var("SCREENSHOT_DIR").map(|d| ("SCREENSHOT_DIR", d)))
        .output()
        .expect("node runs (Node.js is on the machine)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "staff browser journeys failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("staff browser checks passed"), "{stdout}");
    assert!(
        stdout.matches(": axe clean").count() >= 17,
        "axe ran on every page:\n{stdout}"
    );
    assert!(!stdout.contains("FAIL"), "{stdout}");
}

on_both_backends!(
    employer_publishes_and_reads_the_inbox_and_admin_approves_and_audits,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        seed(&app);
        let app = tokio::task::spawn_blocking(move || {
            run_journeys(&app);
            app
        })
        .await
        .unwrap();
        app.stop().await;
    }
);
