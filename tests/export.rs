//! Subject access: the export of everything held about a person holds every
//! row of every table that refers to them, leaves secrets out, is audited,
//! and is refused across services.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::TestApp;
use diesel::prelude::*;
use fairchance::store::export::{foreign_keys, SECRET_COLUMNS};
use fairchance::store::schema::{
    application_cvs, application_disclosures, application_drafts, application_events, applications,
    audit_log, disclosure_letters, disclosure_reviews, job_seekers, match_watches, matches,
    outcomes, profile_certificates, profile_curfews, profile_cvs, profile_exclusion_zones,
    profile_languages, profile_offences, profile_sectors, profile_skills, profile_todos,
    profile_work_history, profiles, session_purposes, sessions, slot_booking_events, slot_bookings,
    users,
};
use serde_json::Value;

/// Every table that can hold rows about a person, with the table whose
/// rows it points at. A new table that refers to any of them fails
/// `every_table_that_refers_to_a_person_is_known` until it is added here
/// (and its rows are then checked below).
const KNOWN: &[(&str, &str)] = &[
    ("application_cvs", "applications"),
    ("application_disclosures", "applications"),
    ("application_drafts", "profiles"),
    ("application_events", "applications"),
    ("applications", "matches"),
    ("applications", "profiles"),
    ("audit_log", "job_seekers"),
    ("disclosure_letters", "profiles"),
    ("disclosure_reviews", "profiles"),
    ("job_seekers", "profiles"),
    ("match_watches", "profiles"),
    ("matches", "profiles"),
    ("outcomes", "applications"),
    ("outcomes", "profiles"),
    ("profile_certificates", "profiles"),
    ("profile_curfews", "profiles"),
    ("profile_cvs", "profiles"),
    ("profile_exclusion_zones", "profiles"),
    ("profile_languages", "profiles"),
    ("profile_offences", "profiles"),
    ("profile_sectors", "profiles"),
    ("profile_skills", "profiles"),
    ("profile_todos", "profiles"),
    ("profile_work_history", "profiles"),
    ("session_purposes", "profiles"),
    ("session_purposes", "sessions"),
    ("sessions", "job_seekers"),
    ("slot_booking_events", "slot_bookings"),
    ("slot_bookings", "applications"),
];

/// The person's rows, counted table by table with plain queries (the brute
/// force the export is compared with).
fn counted(conn: &mut fairchance::store::Conn, pid: i64) -> BTreeMap<&'static str, i64> {
    fairchance::with_conn!(conn, |c| {
        let apps: Vec<i64> = applications::table
            .filter(applications::profile_id.eq(pid))
            .select(applications::id)
            .load(c)
            .unwrap();
        let matched: Vec<i64> = matches::table
            .filter(matches::profile_id.eq(pid))
            .select(matches::id)
            .load(c)
            .unwrap();
        let starts: Vec<i64> = outcomes::table
            .filter(outcomes::profile_id.eq(pid))
            .select(outcomes::id)
            .load(c)
            .unwrap();
        let seekers: Vec<i64> = job_seekers::table
            .filter(job_seekers::profile_id.eq(pid))
            .select(job_seekers::id)
            .load(c)
            .unwrap();
        macro_rules! by_profile {
            ($t:ident) => {
                $t::table
                    .filter($t::profile_id.eq(pid))
                    .count()
                    .get_result::<i64>(c)
                    .unwrap()
            };
        }
        let mut n = BTreeMap::new();
        n.insert("profiles", 1);
        n.insert("profile_skills", by_profile!(profile_skills));
        n.insert("profile_certificates", by_profile!(profile_certificates));
        n.insert("profile_work_history", by_profile!(profile_work_history));
        n.insert("profile_sectors", by_profile!(profile_sectors));
        n.insert("profile_languages", by_profile!(profile_languages));
        n.insert("profile_curfews", by_profile!(profile_curfews));
        n.insert(
            "profile_exclusion_zones",
            by_profile!(profile_exclusion_zones),
        );
        n.insert("profile_offences", by_profile!(profile_offences));
        n.insert("profile_todos", by_profile!(profile_todos));
        n.insert("profile_cvs", by_profile!(profile_cvs));
        n.insert(
            "application_cvs",
            application_cvs::table
                .filter(application_cvs::application_id.eq_any(&apps))
                .count()
                .get_result::<i64>(c)
                .unwrap(),
        );
        n.insert("job_seekers", seekers.len() as i64);
        n.insert("matches", by_profile!(matches));
        n.insert("match_watches", by_profile!(match_watches));
        n.insert("applications", apps.len() as i64);
        n.insert("application_drafts", by_profile!(application_drafts));
        n.insert(
            "application_events",
            application_events::table
                .filter(application_events::application_id.eq_any(&apps))
                .count()
                .get_result::<i64>(c)
                .unwrap(),
        );
        n.insert("outcomes", by_profile!(outcomes));
        n.insert("disclosure_letters", by_profile!(disclosure_letters));
        n.insert("disclosure_reviews", by_profile!(disclosure_reviews));
        n.insert(
            "application_disclosures",
            application_disclosures::table
                .filter(application_disclosures::application_id.eq_any(&apps))
                .count()
                .get_result::<i64>(c)
                .unwrap(),
        );
        let bookings: Vec<i64> = slot_bookings::table
            .filter(slot_bookings::application_id.eq_any(&apps))
            .select(slot_bookings::id)
            .load(c)
            .unwrap();
        n.insert("slot_bookings", bookings.len() as i64);
        n.insert(
            "slot_booking_events",
            slot_booking_events::table
                .filter(slot_booking_events::booking_id.eq_any(&bookings))
                .count()
                .get_result::<i64>(c)
                .unwrap(),
        );
        n.insert("session_purposes", by_profile!(session_purposes));
        n.insert(
            "sessions",
            sessions::table
                .filter(sessions::seeker_id.eq_any(&seekers))
                .count()
                .get_result::<i64>(c)
                .unwrap(),
        );
        n.insert(
            "audit_log",
            audit_log::table
                .filter(
                    audit_log::subject_kind
                        .eq("profile")
                        .and(audit_log::subject_id.eq(pid))
                        .or(audit_log::subject_kind
                            .eq("application")
                            .and(audit_log::subject_id.eq_any(&apps)))
                        .or(audit_log::subject_kind
                            .eq("match")
                            .and(audit_log::subject_id.eq_any(&matched)))
                        .or(audit_log::subject_kind
                            .eq("outcome")
                            .and(audit_log::subject_id.eq_any(&starts)))
                        .or(audit_log::subject_kind
                            .eq("job_seeker")
                            .and(audit_log::subject_id.eq_any(&seekers)))
                        .or(audit_log::actor_seeker_id.eq_any(&seekers)),
                )
                .count()
                .get_result::<i64>(c)
                .unwrap(),
        );
        n.retain(|_, v| *v > 0);
        n
    })
}

/// An approved disclosure letter with its review history, sent with the
/// person's first application.
fn give_letter(conn: &mut fairchance::store::Conn, pid: i64, officer: i64) {
    use fairchance::domain::disclosure::{LetterStatus, Part, ReviewAction};
    use fairchance::store::disclosure::{self as letters, Review};
    let at = fairchance::store::now();
    let first: i64 = fairchance::with_conn!(conn, |c| applications::table
        .filter(applications::profile_id.eq(pid))
        .order(applications::id)
        .select(applications::id)
        .first(c)
        .unwrap());
    conn.write(|tx| {
        for part in Part::ALL {
            letters::save_part(tx, pid, *part, "Words of my own for the letter.", at)?;
        }
        let letter = letters::load(tx, pid)?.unwrap();
        for (action, by) in [
            (ReviewAction::Sent, None),
            (ReviewAction::Approved, Some(officer)),
        ] {
            let review = Review {
                version: letter.version,
                action,
                officer_user_id: by,
                note: None,
                at,
            };
            letters::add_review(tx, pid, &review)?;
        }
        letters::set_status(tx, pid, LetterStatus::Approved, None, at)?;
        let letter = letters::load(tx, pid)?.unwrap();
        letters::attach(tx, first, &letter, "en", at)
    })
    .unwrap();
}

on_both_backends!(
    every_table_that_refers_to_a_person_is_known,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let mut conn = app.services.store.conn().unwrap();
        let keys = foreign_keys(&mut conn).unwrap();
        let known: BTreeSet<(&str, &str)> = KNOWN.iter().copied().collect();
        let personal: BTreeSet<&str> = KNOWN.iter().flat_map(|(t, r)| [*t, *r]).collect();
        for key in &keys {
            if personal.contains(key.target.as_str()) {
                assert!(
                    known.contains(&(key.table_name.as_str(), key.target.as_str())),
                    "{}.{} refers to {}: add it to KNOWN and to the export test's counts",
                    key.table_name,
                    key.column_name,
                    key.target
                );
            }
        }
    }
);

on_both_backends!(
    the_export_holds_every_row_about_the_person_and_no_secret,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        fairchance::seed::demo::seed(&app.services).unwrap();
        let mut conn = app.services.store.conn().unwrap();
        // The person with the most applications, and an officer of theirs.
        let (pid, service): (i64, i64) = fairchance::with_conn!(&mut conn, |c| {
            let busiest: i64 = applications::table
                .group_by(applications::profile_id)
                .select(applications::profile_id)
                .order(diesel::dsl::count_star().desc())
                .first(c)
                .unwrap();
            profiles::table
                .find(busiest)
                .select((profiles::id, profiles::service_id))
                .first(c)
                .unwrap()
        });
        let (officer, stranger): (i64, i64) = fairchance::with_conn!(&mut conn, |c| {
            let officer = users::table
                .filter(users::service_id.eq(service))
                .filter(users::role.eq("officer"))
                .select(users::id)
                .first(c)
                .unwrap();
            let stranger = users::table
                .filter(users::service_id.ne(service))
                .filter(users::role.eq("officer"))
                .select(users::id)
                .first(c)
                .unwrap();
            (officer, stranger)
        });
        // They wrote a CV and sent it with one application.
        let first_app: i64 = fairchance::with_conn!(&mut conn, |c| applications::table
            .filter(applications::profile_id.eq(pid))
            .order(applications::id)
            .select(applications::id)
            .first(c)
            .unwrap());
        let words = fairchance::domain::cv::OwnWords {
            about_me: "Exported words about me.".into(),
            ..Default::default()
        };
        let taxonomy = app.services.taxonomy.clone();
        conn.write(|tx| {
            let at = fairchance::store::now();
            fairchance::store::cvs::save_words(tx, pid, &words, at)?;
            fairchance::app::cvs::attach_in_tx(tx, &taxonomy, pid, first_app, at)
        })
        .unwrap();
        give_letter(&mut conn, pid, officer);
        let expected = counted(&mut conn, pid);
        assert_eq!(expected.get("profile_cvs"), Some(&1));
        assert_eq!(expected.get("application_cvs"), Some(&1));
        for table in [
            "disclosure_letters",
            "disclosure_reviews",
            "application_disclosures",
        ] {
            assert!(expected.contains_key(table), "{table}");
        }
        let (cookie, _) = app.staff_session(officer);
        let res = app
            .client
            .get(app.url(&format!("/officer/profiles/{pid}/export.json")))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let body: Value = res.json().await.unwrap();
        let tables = body["tables"].as_object().unwrap();
        let got: BTreeMap<&str, i64> = tables
            .iter()
            .map(|(t, rows)| (t.as_str(), rows.as_array().unwrap().len() as i64))
            .collect();
        // The export's own audit row is written before it reads the log.
        let mut expected_now = expected.clone();
        *expected_now.entry("audit_log").or_insert(0) += 1;
        assert_eq!(
            got, expected_now,
            "every table about the person, row for row"
        );
        assert!(
            expected.len() >= 6,
            "the demo person has history: {expected:?}"
        );
        for (table, rows) in tables {
            for row in rows.as_array().unwrap() {
                for secret in SECRET_COLUMNS {
                    assert!(row.get(*secret).is_none(), "{table} exports {secret}");
                }
            }
        }
        // Audited, and the page shows the same tables.
        let page = app
            .client
            .get(app.url(&format!("/officer/profiles/{pid}/export")))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for table in expected.keys() {
            assert!(page.contains(&format!("<h2 id=\"{table}\">")), "{table}");
        }
        // The API answers the same tables.
        let api: Value = app
            .client
            .get(app.url(&format!("/api/v1/profiles/{pid}/export")))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let api_tables: BTreeSet<&String> = api["tables"].as_object().unwrap().keys().collect();
        assert_eq!(api_tables, tables.keys().collect::<BTreeSet<_>>());
        assert_eq!(api["profile_id"], pid);
        let exported: i64 = fairchance::with_conn!(&mut conn, |c| audit_log::table
            .filter(audit_log::action.eq("profile.exported"))
            .filter(audit_log::subject_id.eq(pid))
            .count()
            .get_result(c)
            .unwrap());
        assert_eq!(exported, 3, "each export is audited");
        // Another service's officer learns nothing, not even that it exists.
        let (other, _) = app.staff_session(stranger);
        for path in [
            format!("/officer/profiles/{pid}/export"),
            format!("/officer/profiles/{pid}/export.json"),
            format!("/api/v1/profiles/{pid}/export"),
        ] {
            let res = app
                .client
                .get(app.url(&path))
                .header("cookie", &other)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 404, "{path}");
        }
        // An administrator answers a request about anyone, audited as
        // themselves; a profile that does not exist is 404.
        let admin: i64 = fairchance::with_conn!(&mut conn, |c| users::table
            .filter(users::role.eq("admin"))
            .select(users::id)
            .first(c)
            .unwrap());
        let (admin_cookie, _) = app.staff_session(admin);
        for path in [
            format!("/officer/profiles/{pid}/export"),
            format!("/officer/profiles/{pid}/export.json"),
            format!("/api/v1/profiles/{pid}/export"),
        ] {
            let res = app
                .client
                .get(app.url(&path))
                .header("cookie", &admin_cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200, "{path}");
            let missing = path.replace(&format!("/{pid}/"), "/999999999/");
            let res = app
                .client
                .get(app.url(&missing))
                .header("cookie", &admin_cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 404, "{missing}");
        }
        let by_admin: i64 = fairchance::with_conn!(&mut conn, |c| audit_log::table
            .filter(audit_log::action.eq("profile.exported"))
            .filter(audit_log::subject_id.eq(pid))
            .filter(audit_log::actor_user_id.eq(admin))
            .count()
            .get_result(c)
            .unwrap());
        assert_eq!(
            by_admin, 3,
            "the administrator's exports are audited as theirs"
        );
    }
);

/// GET `path` with a staff cookie; the status and the body.
async fn page_as(app: &TestApp, cookie: &str, path: &str) -> (u16, String) {
    let res = app
        .client
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

on_both_backends!(
    the_privacy_notice_and_record_of_processing_follow_the_retention_settings,
    |backend| async move {
        let app = TestApp::spawn_with(
            backend,
            &[
                ("FAIRCHANCE_RETENTION_MONTHS_AFTER_RELEASE", "18"),
                ("FAIRCHANCE_RESTRICTED_RETENTION_DAYS_AFTER_LICENCE", "30"),
            ],
        )
        .await;
        fairchance::seed::demo::seed(&app.services).unwrap();
        // The public notice, for anyone, says the periods in force.
        let res = app.get("/privacy").await;
        assert_eq!(res.status().as_u16(), 200);
        let notice = res.text().await.unwrap();
        assert!(
            notice.contains("18 months after the release date"),
            "{notice}"
        );
        assert!(
            notice.contains("30 days after the licence ends"),
            "{notice}"
        );
        assert!(
            notice.contains("Employers never see your offence"),
            "{notice}"
        );
        // The administrator's record says the same, with the settings.
        let mut conn = app.services.store.conn().unwrap();
        let (admin, reference, pid, pseudonym): (i64, String, i64, String) =
            fairchance::with_conn!(&mut conn, |c| {
                let admin = users::table
                    .filter(users::role.eq("admin"))
                    .select(users::id)
                    .first(c)
                    .unwrap();
                let (reference, pid, pseudonym) = profiles::table
                    .order(profiles::id)
                    .select((profiles::reference, profiles::id, profiles::pseudonym))
                    .first::<(String, i64, String)>(c)
                    .unwrap();
                (admin, reference, pid, pseudonym)
            });
        let (cookie, _) = app.staff_session(admin);
        let (status, record) = page_as(&app, &cookie, "/admin/processing").await;
        assert_eq!(status, 200);
        for expected in [
            "FAIRCHANCE_RETENTION_MONTHS_AFTER_RELEASE</code></td><td>18<",
            "FAIRCHANCE_RESTRICTED_RETENTION_DAYS_AFTER_LICENCE</code></td><td>30<",
            "18 months after the release date",
            "30 days after the licence ends",
        ] {
            assert!(record.contains(expected), "{expected}");
        }
        // The subject access finder: by prison number, in any case and
        // with spaces, to the person's export; the search is audited
        // without the number.
        let asked = format!("/admin/processing?reference=+{}+", reference.to_lowercase());
        let (status, found) = page_as(&app, &cookie, &asked).await;
        assert_eq!(status, 200);
        assert!(
            found.contains(&format!("/officer/profiles/{pid}/export")),
            "{found}"
        );
        assert!(found.contains(&pseudonym), "{found}");
        let searched: Vec<Option<String>> = fairchance::with_conn!(&mut conn, |c| audit_log::table
            .filter(audit_log::action.eq("subject_access.searched"))
            .select(audit_log::detail)
            .load(c)
            .unwrap());
        assert_eq!(searched, [Some("1 found".to_string())]);
        let (status, none) = page_as(&app, &cookie, "/admin/processing?reference=ZZ9999ZZ").await;
        assert_eq!(status, 200);
        assert!(
            none.contains("No one with prison number <strong>ZZ9999ZZ</strong>"),
            "{none}"
        );
        // A blank number is an error beside the field, not a search.
        let (status, blank) = page_as(&app, &cookie, "/admin/processing?reference=+").await;
        assert_eq!(status, 422);
        assert!(blank.contains("id=\"reference-error\""), "{blank}");
        assert!(blank.contains("Enter the prison number"), "{blank}");
        let long = format!("/admin/processing?reference={}", "A".repeat(41));
        let (status, _) = page_as(&app, &cookie, &long).await;
        assert_eq!(status, 422);
    }
);
