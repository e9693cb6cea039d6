//! The case officer's journey in Debian's headless Chromium, on both
//! backends: the waiting matches, a person's matches, approving one, asking
//! "why is this job not shown?", opening the vacancy, and reviewing and
//! forwarding an application (with its confirmation). axe-core's WCAG 2.2 AA
//! checks run on every page visited, and no page is wider than a 1280 x 800
//! window. The node script is `tests/browser/officer.mjs`; like
//! `tests/browser.rs` it needs /usr/bin/chromium and the npm packages of
//! tests/browser, and fails (never skips) without them.

mod common;
#[path = "support/terminal.rs"]
mod support;

use std::path::Path;
use std::process::Command;

use diesel::prelude::*;
use fairchance::domain::matching::assess;
use fairchance::store::schema::matches;
use support::Fixture;

struct Journey {
    cookie: String,
    why_not_title: String,
    application: i64,
}

fn run(fx: &Fixture, j: &Journey) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "the browser test needs Debian's Chromium at /usr/bin/chromium"
    );
    for package in ["playwright-core", "axe-core"] {
        assert!(
            dir.join("node_modules").join(package).is_dir(),
            "the browser test needs {package}: run `npm ci` in tests/browser"
        );
    }
    let output = Command::new("node")
        .arg(dir.join("officer.mjs"))
        .current_dir(&dir)
        .env("BASE_URL", &fx.app.address)
        .env("STAFF_COOKIE", &j.cookie)
        .env("WHY_NOT_TITLE", &j.why_not_title)
        .env("APPLICATION_ID", j.application.to_string())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "officer journey failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("officer journey passed"), "{stdout}");
    assert!(
        stdout.matches(": axe clean").count() >= 8,
        "axe ran on every page:\n{stdout}"
    );
    assert!(
        stdout.matches(": fits 1280 px").count() >= 8,
        "the width was checked on every page:\n{stdout}"
    );
}

on_both_backends!(
    officer_reviews_a_match_asks_why_not_and_forwards_an_application,
    |backend| async move {
        let fx = Fixture::new(backend, 11, 24).await;
        let services = fx.app.services.clone();
        let taxonomy = services.taxonomy.clone();
        let today = chrono::Utc::now().date_naive();
        let mut conn = services.store.conn().unwrap();
        let profile = fairchance::store::profiles::load(&mut conn, fx.profile, &taxonomy).unwrap();
        let vacancies =
            fairchance::store::vacancies::load_many(&mut conn, &fx.vacancies, &taxonomy).unwrap();
        let fits: Vec<i64> = vacancies
            .iter()
            .filter(|v| assess(v, &profile, today).eligible())
            .map(|v| v.id)
            .collect();
        let not_shown = vacancies
            .iter()
            .find(|v| !assess(v, &profile, today).eligible())
            .expect("the fixture has vacancies that do not fit");
        assert!(fits.len() >= 2, "the fixture has vacancies that fit");
        // The fixture approved every pair; two that fit wait for a decision
        // again, and the person has applied to a third.
        fairchance::with_conn!(&mut conn, |c| diesel::update(
            matches::table
                .filter(matches::profile_id.eq(fx.profile))
                .filter(matches::vacancy_id.eq_any(&fits[..2]))
        )
        .set((
            matches::status.eq("suggested"),
            matches::decided_by.eq(None::<i64>),
            matches::decided_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(c)
        .unwrap());
        let application = fairchance::store::applications::submit(
            &mut conn,
            fx.profile,
            *fits.last().unwrap(),
            "I have picked and packed orders for two years.",
            fairchance::store::now(),
        )
        .unwrap()
        .application
        .id;
        drop(conn);
        let journey = Journey {
            cookie: fx.app.staff_session(fx.officer).0,
            why_not_title: not_shown.details.title().to_string(),
            application,
        };
        let fx = tokio::task::spawn_blocking(move || {
            run(&fx, &journey);
            fx
        })
        .await
        .unwrap();
        fx.app.stop().await;
    }
);
