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
            let extra = letter_pages(&app, role, &login.email);
            serde_json::json!({
                "role": role,
                "email": login.email,
                "password": login.password,
                "first": first,
                "extra": extra,
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

/// Pages with a disclosure letter on them, visited first: for the officer,
/// a letter of their service waiting for review (with the forms to decide);
/// for the employer, a forwarded application with a letter on its card.
fn letter_pages(app: &TestApp, role: &str, email: &str) -> Vec<String> {
    use diesel::prelude::*;
    use fairchance::domain::disclosure::{LetterStatus, Part, ReviewAction};
    use fairchance::store::disclosure::{self as letters, Review};
    use fairchance::store::schema::{application_events, applications, profiles, users, vacancies};
    let mut conn = app.services.store.conn().unwrap();
    let (service, employer): (Option<i64>, Option<i64>) = fairchance::with_conn!(&mut conn, |c| {
        users::table
            .filter(users::email.eq(email))
            .select((users::service_id, users::employer_id))
            .first(c)
            .unwrap()
    });
    let at = fairchance::store::now();
    let write = |conn: &mut fairchance::store::Conn, pid: i64, approve: bool| {
        conn.write(|tx| {
            let words = [
                "Some years ago I was convicted and I served my sentence.",
                "I took a course in customer service and worked in the prison library.",
                "I am patient, polite and I like helping people.",
            ];
            for (part, text) in Part::ALL.iter().zip(words) {
                letters::save_part(tx, pid, *part, text, at)?;
            }
            let version = letters::load(tx, pid)?.unwrap().version;
            let sent = Review {
                version,
                action: ReviewAction::Sent,
                officer_user_id: None,
                note: None,
                at,
            };
            letters::add_review(tx, pid, &sent)?;
            let to = if approve {
                LetterStatus::Approved
            } else {
                LetterStatus::AwaitingReview
            };
            letters::set_status(tx, pid, to, None, at)?;
            letters::load(tx, pid)
        })
        .unwrap()
        .unwrap()
    };
    match role {
        "officer" => {
            let pid: i64 = fairchance::with_conn!(&mut conn, |c| profiles::table
                .filter(profiles::service_id.eq(service.unwrap()))
                .order(profiles::id)
                .select(profiles::id)
                .first(c)
                .unwrap());
            write(&mut conn, pid, false);
            vec![format!("/officer/profiles/{pid}/disclosure")]
        }
        "employer" => {
            let forwarded = application_events::table
                .filter(application_events::to_status.eq("forwarded"))
                .select(application_events::application_id);
            let found: Option<(i64, i64)> =
                fairchance::with_conn!(&mut conn, |c| applications::table
                    .inner_join(vacancies::table)
                    .filter(vacancies::employer_id.eq(employer.unwrap()))
                    .filter(applications::id.eq_any(forwarded))
                    .filter(applications::status.eq_any(["forwarded", "interview", "offer"]))
                    .order(applications::id)
                    .select((applications::id, applications::profile_id))
                    .first(c)
                    .optional()
                    .unwrap());
            let Some((id, pid)) = found else {
                return Vec::new();
            };
            let letter = write(&mut conn, pid, true);
            conn.write(|tx| letters::attach(tx, id, &letter, "en", at))
                .unwrap();
            vec![format!("/employer/applications/{id}")]
        }
        _ => Vec::new(),
    }
}
