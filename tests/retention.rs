//! Retention: the pass anonymises people released longer ago than the
//! setting and no one else, leaves no trace of their name, prison number
//! or statement in any text column, keeps every report total, is
//! idempotent and resumable after kill -9, deletes restricted sections
//! the day after the licence ends, and its dry run changes nothing.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};

use chrono::{Duration, Months, NaiveDate, Utc};
use common::{Backend, TestApp, TestDb};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use fairchance::app::retention;
use fairchance::config::Retention;
use fairchance::domain::reports::{DateRange, Scope};
use fairchance::store::audit::{self, Actor, Entry};
use fairchance::store::export::foreign_keys;
use fairchance::store::retention::HANDLED;
use fairchance::store::{Conn, Store};
use fairchance::with_conn;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    t: String,
    #[diesel(sql_type = Text)]
    c: String,
}

const GIVEN: &str = "Zephyrine";
const FAMILY: &str = "Quillbottom";
const REFERENCE: &str = "Z9999ZQ";
const STATEMENT: &str = "I restored narrowboats at Marmalade Wharf for six summers";

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn months_ago(n: u32) -> NaiveDate {
    today().checked_sub_months(Months::new(n)).unwrap()
}

fn exec(conn: &mut Conn, sql: &str) {
    with_conn!(conn, |c| diesel::sql_query(sql).execute(c))
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn ids(conn: &mut Conn, sql: &str) -> Vec<i64> {
    with_conn!(conn, |c| diesel::sql_query(sql).load::<Id>(c))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn count(conn: &mut Conn, sql: &str) -> i64 {
    with_conn!(conn, |c| diesel::sql_query(sql).get_result::<Count>(c))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

/// Every text column of every table, from the catalogue.
fn text_columns(conn: &mut Conn) -> Vec<(String, String)> {
    let rows: Vec<Column> = match conn {
        Conn::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND (upper(p.type) LIKE '%TEXT%' OR upper(p.type) LIKE '%CHAR%')",
        )
        .load(&mut **c)
        .unwrap(),
        Conn::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying')",
        )
        .load(&mut **c)
        .unwrap(),
    };
    rows.into_iter().map(|r| (r.t, r.c)).collect()
}

/// Where any of `needles` appears (any case) in any text column.
fn found_anywhere(conn: &mut Conn, needles: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    let columns = text_columns(conn);
    assert!(columns.len() > 50, "the catalogue lists the text columns");
    for (table, column) in columns {
        for needle in needles {
            let n = count(
                conn,
                &format!(
                    "SELECT COUNT(*) AS n FROM \"{table}\" WHERE lower(\"{column}\") LIKE '%{}%'",
                    needle.to_lowercase()
                ),
            );
            if n > 0 {
                hits.push(format!("{table}.{column} holds {needle:?} ({n} rows)"));
            }
        }
    }
    hits
}

/// Everything held about a person, as JSON text (the subject-access export).
fn held(conn: &mut Conn, pid: i64) -> String {
    serde_json::to_string(&fairchance::store::export::person(conn, pid).unwrap()).unwrap()
}

/// The people of the service's caseload list.
fn listed(conn: &mut Conn, service: i64) -> Vec<i64> {
    let filter = fairchance::store::caseload::Filter::new(service, today());
    fairchance::store::caseload::sized_page(conn, &filter, 1, 10_000)
        .unwrap()
        .rows
        .iter()
        .map(|r| r.id)
        .collect()
}

/// Every figure of every report scope over a few ranges, as text.
fn all_figures(conn: &mut Conn, service: i64, officer: i64) -> String {
    let today = today();
    let ranges = [
        DateRange {
            from: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
            to: today,
        },
        DateRange::default_for(today),
        DateRange {
            from: months_ago(30) + Duration::days(11),
            to: months_ago(20) + Duration::days(3),
        },
    ];
    let scopes = [
        Scope::All,
        Scope::Service {
            service_id: service,
        },
        Scope::Caseload {
            service_id: service,
            officer_id: officer,
        },
    ];
    let mut out = String::new();
    for scope in &scopes {
        for range in &ranges {
            let figures = fairchance::store::reports::figures(conn, scope, range, today).unwrap();
            out.push_str(&format!("{scope:?} {range:?}: {figures:?}\n"));
        }
    }
    out
}

fn settings() -> Retention {
    Retention::default()
}

fn pass(store: &Store) -> retention::Report {
    let mut conn = store.conn().unwrap();
    retention::run(&mut conn, &settings(), today(), &|_| {}).unwrap()
}

/// Gives the person distinctive names and text everywhere a person's text
/// can be: a statement, a draft, an event note, a to-do, past work, other
/// conditions, a correction in the audit log, a terminal account with a
/// session and an audit row of their own, and a queued email.
fn dress(app: &TestApp, conn: &mut Conn, pid: i64) {
    let now = fairchance::store::now();
    exec(
        conn,
        &format!(
            "UPDATE profiles SET given_name = '{GIVEN}', family_name = '{FAMILY}', reference = '{REFERENCE}', \
             other_conditions = 'Not to contact {FAMILY} family', release_place_name = 'Marmalade Wharf', \
             release_lat = 53.81234, release_lon = -1.54321, no_fixed_abode = FALSE WHERE id = {pid}"
        ),
    );
    exec(
        conn,
        &format!("UPDATE applications SET statement = '{STATEMENT}' WHERE profile_id = {pid}"),
    );
    exec(
        conn,
        &format!(
            "UPDATE application_events SET note = 'Spoke to {GIVEN}' WHERE application_id IN \
             (SELECT id FROM applications WHERE profile_id = {pid})"
        ),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO profile_todos (profile_id, kind, note, done) VALUES ({pid}, 'other', 'Ring {GIVEN} {FAMILY}', FALSE)"
        ),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO profile_work_history (profile_id, position, role, employer_name, from_year) \
             VALUES ({pid}, 99, 'Boat painter', '{FAMILY} Boatyard', 2015)"
        ),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO profile_offences (profile_id, category) VALUES ({pid}, 'dishonesty')"
        ),
    );
    // Their CV, their officer's suggestions, and the CV sent with each
    // application.
    exec(
        conn,
        &format!(
            "INSERT INTO profile_cvs (profile_id, about_me, strengths, references_note, suggestion_general) \
             VALUES ({pid}, 'I am {GIVEN} {FAMILY}', '{STATEMENT}', 'Ask {GIVEN}', 'Tell {GIVEN} to add the boatyard')"
        ),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO application_cvs (application_id, cv, attached_at) \
             SELECT id, '{{\"words\":{{\"about_me\":\"I am {GIVEN} {FAMILY}\"}}}}', '{now}' \
             FROM applications WHERE profile_id = {pid}"
        ),
    );
    // A disclosure letter in the person's words, its review history with
    // an officer's note naming them, and its copy sent with applications.
    exec(
        conn,
        &format!("DELETE FROM disclosure_letters WHERE profile_id = {pid}"),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO disclosure_letters (profile_id, what_happened, what_changed, what_i_offer, status, version, approved_version, updated_at) \
             VALUES ({pid}, 'Letter: {STATEMENT}', 'Since then {GIVEN} changed', 'I offer care', 'approved', 3, 3, '{now}')"
        ),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO disclosure_reviews (profile_id, version, action, note, at) \
             VALUES ({pid}, 2, 'changes_asked', 'Ask {GIVEN} {FAMILY} to say more', '{now}')"
        ),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO application_disclosures (application_id, what_happened, what_changed, what_i_offer, language, letter_version, attached_at) \
             SELECT id, 'Sent: {STATEMENT}', 'changed', 'offer', 'en', 3, '{now}' FROM applications WHERE profile_id = {pid}"
        ),
    );
    let vacancy = ids(conn, "SELECT id FROM vacancies ORDER BY id DESC LIMIT 1")[0];
    exec(
        conn,
        &format!(
            "INSERT INTO application_drafts (profile_id, vacancy_id, statement, updated_at) \
             VALUES ({pid}, {vacancy}, 'Draft: {STATEMENT}', '{now}')"
        ),
    );
    exec(
        conn,
        &format!("DELETE FROM job_seekers WHERE profile_id = {pid}"),
    );
    exec(
        conn,
        &format!(
            "INSERT INTO job_seekers (profile_id, login_code, pin_hash, failed_pin_attempts, language, issued_at) \
             VALUES ({pid}, 'ZQCODE77', 'not-a-real-pin-hash', 0, 'en', '{now}')"
        ),
    );
    let seeker = ids(
        conn,
        &format!("SELECT id FROM job_seekers WHERE profile_id = {pid}"),
    )[0];
    let service = ids(
        conn,
        &format!("SELECT service_id AS id FROM profiles WHERE id = {pid}"),
    )[0];
    let (terminal, _) =
        fairchance::store::access::create_terminal(conn, service, "Wing B kiosk", None, now)
            .unwrap();
    fairchance::store::access::create_session(
        conn,
        &fairchance::store::access::NewSession {
            token: "retention-test-session-secret",
            user_id: None,
            seeker_id: Some(seeker),
            terminal_id: Some(terminal),
            expires_at: now + Duration::hours(1),
            ip: None,
            user_agent: None,
        },
        now,
    )
    .unwrap();
    let seeker_actor = Actor {
        kind: "seeker",
        seeker_id: Some(seeker),
        label: format!("job seeker {seeker}"),
        ..Actor::default()
    };
    let note = Entry::about("seeker.noted", "job_seeker", Some(seeker))
        .with_detail(Some(format!("{GIVEN} {FAMILY} signed in")));
    audit::record(conn, &seeker_actor, note, now).unwrap();
    let correction = format!(
        r#"{{"changed":{{"given_name":{{"before":"Zeph","after":"{GIVEN}"}},"reference":{{"before":"Z9999ZP","after":"{REFERENCE}"}}}},"restricted_changed":true}}"#
    );
    let entry = Entry::about("profile.updated", "profile", Some(pid)).with_detail(Some(correction));
    audit::record(conn, &Actor::system("test officer"), entry, now).unwrap();
    let email = fairchance::store::jobs::NewJob::new(
        "test.email",
        &serde_json::json!({ "person": format!("Quiet Heron 41 ({REFERENCE})") }),
        now,
    )
    .unwrap();
    fairchance::store::jobs::enqueue(conn, email, now).unwrap();
    let _ = app;
}

/// The demo set with one person released 25 months ago (the one with the
/// most applications, dressed with distinctive text) and one released 23
/// months ago; everyone else released recently.
async fn world(backend: Backend) -> (TestApp, i64, i64) {
    let app = TestApp::spawn(backend).await;
    fairchance::seed::demo::seed(&app.services).unwrap();
    let mut conn = app.services.store.conn().unwrap();
    let busiest = ids(
        &mut conn,
        "SELECT profile_id AS id FROM applications GROUP BY profile_id ORDER BY COUNT(*) DESC, profile_id LIMIT 2",
    );
    let (old, recent) = (busiest[0], busiest[1]);
    exec(
        &mut conn,
        &format!(
            "UPDATE profiles SET release_date = '{}' WHERE release_date < '{}'",
            today(),
            months_ago(22)
        ),
    );
    exec(
        &mut conn,
        &format!(
            "UPDATE profiles SET release_date = '{}' WHERE id = {old}",
            months_ago(25)
        ),
    );
    exec(
        &mut conn,
        &format!(
            "UPDATE profiles SET release_date = '{}' WHERE id = {recent}",
            months_ago(23)
        ),
    );
    dress(&app, &mut conn, old);
    drop(conn);
    (app, old, recent)
}

on_both_backends!(
    anonymises_past_the_limit_and_nothing_else,
    |backend| async move {
        let (app, old, recent) = world(backend).await;
        let store = app.services.store.clone();
        let mut conn = store.conn().unwrap();
        let (service, officer) = {
            let row = ids(
                &mut conn,
                &format!("SELECT service_id AS id FROM profiles WHERE id = {old}"),
            );
            let officer = ids(
                &mut conn,
                &format!("SELECT officer_id AS id FROM profiles WHERE id = {old}"),
            );
            (row[0], officer[0])
        };
        let plan = retention::plan(&mut conn, &settings(), today()).unwrap();
        assert_eq!(
            plan.anonymise.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![old]
        );
        assert!(plan.restricted.is_empty());
        assert!(!found_anywhere(&mut conn, &[GIVEN, FAMILY, REFERENCE, STATEMENT]).is_empty());
        assert!(listed(&mut conn, service).contains(&old));
        let recent_before = held(&mut conn, recent);
        let figures_before = all_figures(&mut conn, service, officer);
        let audit_before = count(&mut conn, "SELECT COUNT(*) AS n FROM audit_log");

        assert_eq!(
            pass(&store),
            retention::Report {
                anonymised: 1,
                restricted_deleted: 0
            }
        );

        assert_eq!(
            held(&mut conn, recent),
            recent_before,
            "23 months: untouched"
        );
        let hits = found_anywhere(
            &mut conn,
            &[GIVEN, FAMILY, REFERENCE, STATEMENT, "Marmalade", "ZQCODE77"],
        );
        assert!(hits.is_empty(), "{hits:#?}");
        assert_eq!(
            all_figures(&mut conn, service, officer),
            figures_before,
            "reports unchanged"
        );
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) AS n FROM audit_log"),
            audit_before + 1,
            "the audit log keeps every row and gains one"
        );
        assert_eq!(
            count(&mut conn, &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'profile.anonymised' AND subject_id = {old} \
                 AND actor_kind = 'system' AND actor_label = 'retention'"
            )),
            1
        );
        let scrubbed =
            |conn: &mut Conn, sql: &str| count(conn, &sql.replace("{pid}", &old.to_string()));
        for (what, sql) in [
            ("offences", "SELECT COUNT(*) AS n FROM profile_offences WHERE profile_id = {pid}"),
            ("skills", "SELECT COUNT(*) AS n FROM profile_skills WHERE profile_id = {pid}"),
            ("to-dos", "SELECT COUNT(*) AS n FROM profile_todos WHERE profile_id = {pid}"),
            ("drafts", "SELECT COUNT(*) AS n FROM application_drafts WHERE profile_id = {pid}"),
            ("sessions", "SELECT COUNT(*) AS n FROM sessions WHERE seeker_id IN (SELECT id FROM job_seekers WHERE profile_id = {pid})"),
            ("statements", "SELECT COUNT(*) AS n FROM applications WHERE profile_id = {pid} AND statement <> ''"),
            ("letter", "SELECT COUNT(*) AS n FROM disclosure_letters WHERE profile_id = {pid}"),
            ("letter history", "SELECT COUNT(*) AS n FROM disclosure_reviews WHERE profile_id = {pid}"),
            ("letters sent", "SELECT COUNT(*) AS n FROM application_disclosures WHERE application_id IN (SELECT id FROM applications WHERE profile_id = {pid})"),
            ("exact place", "SELECT COUNT(*) AS n FROM profiles WHERE id = {pid} AND release_lat <> 53.8"),
            ("unlocked", "SELECT COUNT(*) AS n FROM job_seekers WHERE profile_id = {pid} AND locked_at IS NULL"),
        ] {
            assert_eq!(scrubbed(&mut conn, sql), 0, "{what}");
        }
        assert!(
            scrubbed(
                &mut conn,
                "SELECT COUNT(*) AS n FROM applications WHERE profile_id = {pid}"
            ) > 0,
            "applications kept"
        );
        // Employers' inboxes leave them out.
        let employers = ids(
            &mut conn,
            &format!(
                "SELECT DISTINCT v.employer_id AS id FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
                 JOIN application_events e ON e.application_id = a.id \
                 WHERE a.profile_id = {old} AND e.to_status = 'forwarded'"
            ),
        );
        assert!(
            !employers.is_empty(),
            "the person had applications forwarded"
        );
        for employer in employers {
            let filter = fairchance::store::applications::InboxFilter::default();
            let (rows, _) = fairchance::store::applications::inbox_for_employer(
                &mut conn, employer, &filter, 10_000, 0,
            )
            .unwrap();
            assert!(rows.iter().all(|(a, _)| a.profile_id != old));
        }
        // The record still reads (pages opened directly show "Anonymised").
        let profile = fairchance::store::profiles::load(&mut conn, old, &app.services.taxonomy)
            .expect("an anonymised profile still parses");
        assert_eq!(profile.details.given_name(), "Anonymised");
        assert_eq!(profile.details.reference(), format!("ANON{old}"));
        // Officers' lists no longer show the person.
        let shown = listed(&mut conn, service);
        assert!(!shown.contains(&old) && !shown.is_empty(), "{shown:?}");
        // The matcher drops the person from the index and never finds them.
        assert!(app
            .matcher
            .sync_profile(old, today())
            .await
            .unwrap()
            .is_none());
        assert!(app
            .matcher
            .sync_profile(recent, today())
            .await
            .unwrap()
            .is_some());
        // Idempotent: a second pass does nothing.
        let after = held(&mut conn, old);
        assert_eq!(pass(&store), retention::Report::default());
        assert_eq!(held(&mut conn, old), after);
        assert_eq!(all_figures(&mut conn, service, officer), figures_before);
        // A rebuild leaves them out, and start-up sees the index in step.
        let (_, indexed) = app.matcher.reindex(|_, _, _| {}).await.unwrap();
        let everyone = count(&mut conn, "SELECT COUNT(*) AS n FROM profiles");
        assert_eq!(indexed as i64, everyone - 1);
        assert_eq!(
            fairchance::store::profiles::count(&mut conn).unwrap(),
            everyone - 1
        );
        let in_index = app.matcher.index().counts().await.unwrap().profiles;
        assert_eq!(in_index, indexed as u64);
        // Matching runs of their vacancies leave their matches as they are.
        let frozen = held(&mut conn, old);
        let theirs = ids(
            &mut conn,
            &format!("SELECT DISTINCT vacancy_id AS id FROM matches WHERE profile_id = {old}"),
        );
        assert!(!theirs.is_empty());
        for v in theirs {
            app.matcher.vacancy_changed(v, today()).await.unwrap();
        }
        app.matcher.profile_changed(old, today()).await.unwrap();
        assert_eq!(held(&mut conn, old), frozen);
        // (Those runs change other people's matches: the reports were
        // compared before them.)
        // The officer cannot give the person a way to sign in again.
        let (cookie, csrf) = app.staff_session(officer);
        let res = app
            .client
            .post(app.url(&format!("/officer/profiles/{old}/access")))
            .header("cookie", cookie)
            .form(&[("csrf_token", csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 409);
        let body = res.text().await.unwrap();
        assert!(body.contains("anonymised"), "{body}");
        // The audit log still refuses any other change.
        for sql in [
            "UPDATE audit_log SET action = 'tampered'",
            "UPDATE audit_log SET detail = 'tampered'",
            "DELETE FROM audit_log",
        ] {
            let refused = with_conn!(&mut conn, |c| diesel::sql_query(sql).execute(c));
            assert!(refused.is_err(), "{sql}");
        }
    }
);

on_both_backends!(
    the_admin_dashboard_counts_the_next_pass,
    |backend| async move {
        let (app, _old, _recent) = world(backend).await;
        let admin = {
            let mut conn = app.services.store.conn().unwrap();
            common::staff_user(
                &mut conn,
                "retention-admin@example.invalid",
                fairchance::store::people::Membership::Admin,
            )
        };
        let (cookie, _) = app.staff_session(admin);
        let page = app
            .client
            .get(app.url("/admin"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("People to anonymise in the next pass: <strong>1</strong>"),
            "{page}"
        );
        assert!(page.contains("more than\n24 months ago"), "{page}");
    }
);

/// A person released 6 months ago whose licence ends on `end` (recorded,
/// or through conditions that each end), with or without a free-text
/// other condition (which has no end of its own).
fn on_licence(
    conn: &mut Conn,
    n: usize,
    recorded: Option<NaiveDate>,
    curfew_ends: Option<NaiveDate>,
    other: bool,
) -> i64 {
    let service = ids(conn, "SELECT id FROM services ORDER BY id LIMIT 1")[0];
    let recorded = recorded.map_or("NULL".to_string(), |d| format!("'{d}'"));
    let other = if other { "'Report weekly'" } else { "NULL" };
    let pid = ids(
        conn,
        &format!(
            "INSERT INTO profiles (service_id, reference, given_name, family_name, pseudonym, release_date, \
             no_fixed_abode, travel_radius_km, right_to_work, driving_licence, no_driving, barred_children, \
             barred_adults, readiness, consent_to_share_name, created_at, updated_at, licence_ends_on, other_conditions) \
             VALUES ({service}, 'L{n}', 'Given', 'Family', 'Licence {n}', '{}', TRUE, 10, TRUE, FALSE, FALSE, TRUE, \
             FALSE, 'ready_to_work', FALSE, '2026-01-01 10:00:00', '2026-01-01 10:00:00', {recorded}, {other}) RETURNING id",
            months_ago(6)
        ),
    )[0];
    exec(
        conn,
        &format!(
            "INSERT INTO profile_offences (profile_id, category) VALUES ({pid}, 'drugs_supply')"
        ),
    );
    if let Some(end) = curfew_ends {
        exec(
            conn,
            &format!(
                "INSERT INTO profile_curfews (profile_id, days, start_time, end_time, ends_on) \
                 VALUES ({pid}, 127, '19:00:00', '07:00:00', '{end}')"
            ),
        );
    }
    pid
}

on_both_backends!(
    restricted_sections_go_the_day_after_the_licence_ends,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let store = app.services.store.clone();
        let mut conn = store.conn().unwrap();
        let end = today() - Duration::days(1);
        exec(&mut conn, "INSERT INTO services (name, kind, place_name, lat, lon, created_at) VALUES ('HMP Test', 'prison', 'Leeds', 53.8, -1.5, '2026-01-01 10:00:00')");
        let recorded_today = on_licence(&mut conn, 1, Some(today()), None, true);
        let recorded_ended = on_licence(&mut conn, 2, Some(end), None, true);
        let by_curfew_ended = on_licence(&mut conn, 3, None, Some(end), false);
        let by_curfew_today = on_licence(&mut conn, 4, None, Some(today()), false);
        // The curfew has ended, but an other condition with no end stands:
        // the licence has not ended, so the restricted data stays (the
        // same answer matching gives: the other condition still applies).
        let other_stands = on_licence(&mut conn, 6, None, Some(end), true);
        let plan = retention::plan(&mut conn, &settings(), today()).unwrap();
        let due: BTreeSet<i64> = plan.restricted.iter().map(|p| p.id).collect();
        assert_eq!(due, BTreeSet::from([recorded_ended, by_curfew_ended]));
        let kept_before = (
            held(&mut conn, recorded_today),
            held(&mut conn, by_curfew_today),
            held(&mut conn, other_stands),
        );
        assert_eq!(
            pass(&store),
            retention::Report {
                anonymised: 0,
                restricted_deleted: 2
            }
        );
        assert_eq!(
            (
                held(&mut conn, recorded_today),
                held(&mut conn, by_curfew_today),
                held(&mut conn, other_stands),
            ),
            kept_before,
            "the day of the end: kept"
        );
        for pid in [recorded_ended, by_curfew_ended] {
            let left = count(
                &mut conn,
                &format!(
                    "SELECT (SELECT COUNT(*) FROM profile_offences WHERE profile_id = {pid}) \
                     + (SELECT COUNT(*) FROM profile_curfews WHERE profile_id = {pid}) \
                     + (SELECT COUNT(*) FROM profiles WHERE id = {pid} AND (barred_children OR other_conditions IS NOT NULL \
                        OR licence_ends_on IS NOT NULL OR restricted_deleted_at IS NULL OR given_name <> 'Given')) AS n"
                ),
            );
            assert_eq!(
                left, 0,
                "person {pid}: restricted data deleted, the rest kept"
            );
            assert_eq!(
                count(&mut conn, &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'profile.restricted_deleted' AND subject_id = {pid}")),
                1
            );
        }
        // With 1 day more to keep, the day after the end is still kept.
        let one_day = Retention {
            restricted_days_after_licence: 1,
            ..settings()
        };
        let later = on_licence(&mut conn, 5, Some(end), None, true);
        let plan = retention::plan(&mut conn, &one_day, today()).unwrap();
        assert!(plan.restricted.iter().all(|p| p.id != later));
        assert_eq!(
            pass(&store).restricted_deleted,
            1,
            "and a second pass is idempotent for the others"
        );
    }
);

on_both_backends!(
    the_dry_run_lists_and_changes_nothing,
    |backend| async move {
        let (app, old, recent) = world(backend).await;
        let mut conn = app.services.store.conn().unwrap();
        let before = (held(&mut conn, old), held(&mut conn, recent));
        let out = common::command_line(&app.db)
            .args(["retention", "--dry-run", "--today", &today().to_string()])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("would anonymise 1 people"), "{stdout}");
        let listed: Vec<&str> = stdout
            .lines()
            .filter(|l| l.starts_with("anonymise "))
            .collect();
        assert_eq!(listed.len(), 1, "{stdout}");
        assert!(
            listed[0].starts_with(&format!("anonymise {old} ")),
            "{stdout}"
        );
        for secret in [GIVEN, FAMILY, REFERENCE] {
            assert!(
                !stdout.contains(secret),
                "the dry run names no one: {stdout}"
            );
        }
        assert_eq!((held(&mut conn, old), held(&mut conn, recent)), before);
        // A bad date is refused with a message.
        let bad = common::command_line(&app.db)
            .args(["retention", "--today", "2026-02-30"])
            .output()
            .unwrap();
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("not a date"));
    }
);

/// `n` people released 25 months ago, each with a skill and a to-do.
fn many_due(conn: &mut Conn, n: usize) -> Vec<i64> {
    let service = ids(conn, "SELECT id FROM services ORDER BY id LIMIT 1")[0];
    let mut out = Vec::new();
    for i in 0..n {
        let pid = ids(
            conn,
            &format!(
                "INSERT INTO profiles (service_id, reference, given_name, family_name, pseudonym, release_date, \
                 no_fixed_abode, travel_radius_km, right_to_work, driving_licence, no_driving, barred_children, \
                 barred_adults, readiness, consent_to_share_name, created_at, updated_at) \
                 VALUES ({service}, 'KILL{i}', 'Killgiven{i}', 'Killfamily{i}', 'Many {i}', '{}', TRUE, 10, TRUE, FALSE, \
                 FALSE, FALSE, FALSE, 'ready_to_work', FALSE, '2026-01-01 10:00:00', '2026-01-01 10:00:00') RETURNING id",
                months_ago(25)
            ),
        )[0];
        exec(conn, &format!("INSERT INTO profile_todos (profile_id, kind, note, done) VALUES ({pid}, 'other', 'Note {i}', FALSE)"));
        out.push(pid);
    }
    out
}

on_both_backends!(
    a_killed_pass_is_finished_by_the_next,
    |backend| async move {
        let db = TestDb::new(backend);
        let services = db.services(&[]);
        let mut conn = services.store.conn().unwrap();
        exec(&mut conn, "INSERT INTO services (name, kind, place_name, lat, lon, created_at) VALUES ('HMP Many', 'prison', 'Leeds', 53.8, -1.5, '2026-01-01 10:00:00')");
        let people = many_due(&mut conn, 300);
        let mut child = common::command_line(&db)
            .args(["retention", "--today", &today().to_string()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        while seen < 5 {
            let line = lines.next().expect("progress").unwrap();
            if line.starts_with("anonymised ") {
                seen += 1;
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let list = people
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let state = |conn: &mut Conn| {
            let marked = count(conn, &format!("SELECT COUNT(*) AS n FROM profiles WHERE id IN ({list}) AND anonymised_at IS NOT NULL"));
            // Half-done people: marked but not scrubbed, or scrubbed but not marked.
            let half = count(
            conn,
            &format!(
                "SELECT COUNT(*) AS n FROM profiles p WHERE p.id IN ({list}) AND (\
                 (p.anonymised_at IS NOT NULL) <> (p.given_name = 'Anonymised') \
                 OR (p.anonymised_at IS NOT NULL) <> (p.reference LIKE 'ANON%') \
                 OR (p.anonymised_at IS NOT NULL) = EXISTS (SELECT 1 FROM profile_todos t WHERE t.profile_id = p.id) \
                 OR (p.anonymised_at IS NOT NULL) <> EXISTS (SELECT 1 FROM audit_log a WHERE a.subject_id = p.id \
                    AND a.action = 'profile.anonymised'))"
            ),
        );
            (marked, half)
        };
        let (marked, half) = state(&mut conn);
        assert_eq!(half, 0, "nobody is half-anonymised after kill -9");
        assert!((5..300).contains(&marked), "killed midway: {marked} done");
        let out = common::command_line(&db)
            .args(["retention", "--today", &today().to_string()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(&format!("anonymised {} people", 300 - marked)),
            "{stdout}"
        );
        assert_eq!(state(&mut conn), (300, 0));
        assert_eq!(
        count(&mut conn, &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'profile.anonymised' AND subject_id IN ({list})")),
        300,
        "one audit row per person"
    );
    }
);

on_both_backends!(
    every_table_that_refers_to_a_person_is_handled,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let mut conn = app.services.store.conn().unwrap();
        let keys = foreign_keys(&mut conn).unwrap();
        let handled: BTreeSet<(&str, &str)> = HANDLED.iter().map(|(t, r, _)| (*t, *r)).collect();
        let personal: BTreeSet<&str> = HANDLED.iter().flat_map(|(t, r, _)| [*t, *r]).collect();
        for key in &keys {
            if personal.contains(key.target.as_str()) {
                assert!(
                handled.contains(&(key.table_name.as_str(), key.target.as_str())),
                "{}.{} refers to {}: say in store::retention::HANDLED what the retention pass does to it, and do it",
                key.table_name,
                key.column_name,
                key.target
            );
            }
        }
    }
);

on_both_backends!(the_daily_scans_run_the_pass, |backend| async move {
    let (app, old, _recent) = world(backend).await;
    let mut conn = app.services.store.conn().unwrap();
    let at = fairchance::store::now();
    let report =
        fairchance::jobs::schedule::daily(&mut conn, &app.services.config, today(), at).unwrap();
    assert_eq!((report.anonymised, report.restricted_deleted), (1, 0));
    assert!(fairchance::store::retention::is_anonymised(&mut conn, old).unwrap());
    let again =
        fairchance::jobs::schedule::daily(&mut conn, &app.services.config, today(), at).unwrap();
    assert_eq!((again.anonymised, again.restricted_deleted), (0, 0));
});
