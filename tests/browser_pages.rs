//! Every staff and public page reachable by links, as each audience, in
//! Debian's headless Chromium on the demo data: no error answers, axe-core's
//! WCAG 2.2 AA checks clean, and nothing wider than a 1280 px window. The
//! node script (`tests/browser/pages.mjs`) crawls from each role's home,
//! one page per address shape. The pages do not depend on the database
//! backend, so this runs on SQLite only (every journey test runs on both).
//! Like the other browser tests it needs /usr/bin/chromium and the npm
//! packages of tests/browser, and fails (never skips) without them.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_linked_staff_page_is_accessible_and_fits_the_window() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let logins = fairchance::seed::demo::seed(&app.services).unwrap();
    app.matcher.reindex(|_, _, _| {}).await.unwrap();
    let chosen: Vec<serde_json::Value> = ["admin", "officer", "employer"]
        .iter()
        .map(|role| {
            let login = logins.iter().find(|l| l.role == *role).unwrap();
            let first = cv_pages(&app, &login.email);
            serde_json::json!({
                "role": role,
                "email": login.email,
                "password": login.password,
                "first": first,
            })
        })
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "the browser test needs Debian's Chromium at /usr/bin/chromium (bash .ci/test installs it)"
    );
    for package in ["playwright-core", "axe-core"] {
        assert!(
            dir.join("node_modules").join(package).is_dir(),
            "the browser test needs {package}: run `npm ci` in tests/browser (bash .ci/test does it)"
        );
    }
    let address = app.address.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(dir.join("pages.mjs"))
            .current_dir(&dir)
            .env("BASE_URL", &address)
            .env("LOGINS", serde_json::Value::Array(chosen).to_string())
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "page sweep failed:\n{}\n{stderr}",
        stdout
            .lines()
            .filter(|l| l.starts_with("FAIL"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(stdout.contains("page checks passed"), "{stdout}");
    for role in ["admin", "officer", "employer"] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{role}: ")) && l.ends_with("pages visited"))
            .unwrap_or_else(|| panic!("no count for {role}"));
        let n: usize = line
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(n >= 8, "{role} reached only {n} pages");
    }
}

/// Pages that show a CV, visited first (the sweep checks one page of each
/// address shape): for an officer, the profile and application of a person
/// of their service who sent a CV; for an employer, an application of
/// theirs that came with one.
fn cv_pages(app: &TestApp, email: &str) -> Vec<String> {
    use diesel::prelude::*;
    use fairchance::store::schema::{application_cvs, applications, profiles, users, vacancies};
    let mut conn = app.services.store.conn().unwrap();
    fairchance::with_conn!(&mut conn, |c| {
        let (service, employer): (Option<i64>, Option<i64>) = users::table
            .filter(users::email.eq(email))
            .select((users::service_id, users::employer_id))
            .first(c)
            .unwrap();
        let sent = application_cvs::table.inner_join(
            applications::table
                .inner_join(profiles::table)
                .inner_join(vacancies::table),
        );
        let mut out = Vec::new();
        if let Some(service) = service {
            let found: Option<(i64, i64)> = sent
                .filter(profiles::service_id.eq(service))
                .select((applications::id, applications::profile_id))
                .first(c)
                .optional()
                .unwrap();
            if let Some((application, profile)) = found {
                out.push(format!("/officer/profiles/{profile}"));
                out.push(format!("/officer/applications/{application}"));
            }
        }
        if let Some(employer) = employer {
            let found: Option<(i64, i64)> = sent
                .filter(vacancies::employer_id.eq(employer))
                .select((applications::id, applications::vacancy_id))
                .first(c)
                .optional()
                .unwrap();
            if let Some((application, vacancy)) = found {
                out.push(format!("/employer/applications/{application}"));
                out.push(format!("/employer/vacancies/{vacancy}/applications"));
            }
        }
        out
    })
}
