//! Email: templates (snapshots, no offence data), delivery through a real
//! SMTP server, outages and retries, permanent failures, resends after a
//! crash, and the `.eml` outbox when no server is configured.

mod common;
mod notify_support;

use std::path::PathBuf;
use std::time::Duration;

use chrono::Days;
use common::TestDb;
use diesel::prelude::*;
use fairchance::jobs::{self, Worker};
use fairchance::notify::templates::{
    AccountExists, ApplicationAwaitingReview, ApplicationForwarded, ApplicationStatusChanged,
    DigestLine, EmployerApproved, EmployerDeclined, EmployerInvitation, OfficerDigest, Parts,
    ReleaseReadiness, SlotBooked, SlotBookingChanged, SlotReminder, VacancyClosingSoon,
    WatchedMatchEligible,
};
use fairchance::notify::{self, Email, NotifyError};
use fairchance::store::jobs::LEASE;
use fairchance::store::people::EmployerStatus;
use fairchance::store::schema::employers;
use fairchance::store::{self, Conn};
use fairchance::with_conn;
use notify_support::*;

const BASE: &str = "https://jobs.example.org/fc";

// ---------------------------------------------------------------- templates

fn samples() -> Vec<(&'static str, Parts)> {
    let link = |path: &str| format!("{BASE}{path}");
    let line = |person: &str, title: &str, employer: &str, place: &str| DigestLine {
        person: person.into(),
        vacancy_title: title.into(),
        employer_name: employer.into(),
        place: place.into(),
    };
    vec![
        (
            "officer_digest",
            OfficerDigest {
                officer_name: "Olive Officer".into(),
                total: 5,
                lines: vec![
                    line(
                        "Quiet Heron 41 (A1234BC)",
                        "Warehouse operative",
                        "Brightwell Logistics",
                        "Leeds",
                    ),
                    line(
                        "Bold Finch 7 (B7654DE)",
                        "Customer service adviser",
                        "Smith & Sons <Ltd>",
                        "Remote",
                    ),
                ],
                more: 3,
                link: link("/officer/matches"),
            }
            .compose(),
        ),
        (
            "officer_digest_single",
            OfficerDigest {
                officer_name: "Olive Officer".into(),
                total: 1,
                lines: vec![line(
                    "Quiet Heron 41 (A1234BC)",
                    "Kitchen porter",
                    "The Green Cafe",
                    "York",
                )],
                more: 0,
                link: link("/officer/matches"),
            }
            .compose(),
        ),
        (
            "application_awaiting_review",
            ApplicationAwaitingReview {
                officer_name: "Olive Officer".into(),
                person: "Quiet Heron 41 (A1234BC)".into(),
                vacancy_title: "Warehouse operative".into(),
                employer_name: "Brightwell Logistics".into(),
                link: link("/officer/applications/17"),
            }
            .compose(),
        ),
        (
            "application_status_changed",
            ApplicationStatusChanged {
                officer_name: "Olive Officer".into(),
                person: "Quiet Heron 41 (A1234BC)".into(),
                vacancy_title: "Warehouse operative".into(),
                employer_name: "Brightwell Logistics".into(),
                status: "Interview".into(),
                link: link("/officer/applications/17"),
            }
            .compose(),
        ),
        (
            "release_readiness",
            ReleaseReadiness {
                officer_name: "Olive Officer".into(),
                person: "Quiet Heron 41 (A1234BC)".into(),
                release_date: "Friday 12 March 2027".into(),
                when: "in 5 weeks".into(),
                readiness: "Support needed".into(),
                link: link("/officer/profiles/9"),
            }
            .compose(),
        ),
        (
            "watched_match_eligible",
            WatchedMatchEligible {
                officer_name: "Olive Officer".into(),
                person: "Quiet Heron 41 (A1234BC)".into(),
                vacancy_title: "Warehouse operative".into(),
                employer_name: "Brightwell Logistics".into(),
                eligible_from: "Sunday 14 March 2027".into(),
                link: link("/officer/profiles/9/matches?why_not=17"),
            }
            .compose(),
        ),
        (
            "employer_approved",
            EmployerApproved {
                contact_name: "Erin Employer".into(),
                employer_name: "Brightwell Logistics".into(),
                link: link("/sign-in"),
            }
            .compose(),
        ),
        (
            "employer_declined",
            EmployerDeclined {
                contact_name: "Erin Employer".into(),
                employer_name: "Smith & Sons <Ltd>".into(),
                reason: "We could not confirm the company's registration.".into(),
                link: link("/"),
            }
            .compose(),
        ),
        (
            "application_forwarded",
            ApplicationForwarded {
                contact_name: "Erin Employer".into(),
                employer_name: "Brightwell Logistics".into(),
                candidate: "Quiet Heron 41".into(),
                vacancy_title: "Warehouse operative".into(),
                link: link("/employer/applications/17"),
            }
            .compose(),
        ),
        (
            "vacancy_closing_soon",
            VacancyClosingSoon {
                contact_name: "Erin Employer".into(),
                employer_name: "Brightwell Logistics".into(),
                vacancy_title: "Warehouse operative".into(),
                closing_date: "Monday 1 March 2027".into(),
                link: link("/employer/vacancies/3"),
            }
            .compose(),
        ),
        (
            "account_exists",
            AccountExists {
                name: "Erin Employer".into(),
                link: link("/sign-in"),
            }
            .compose(),
        ),
        (
            "employer_invitation",
            EmployerInvitation {
                employer_name: "Brightwell Logistics".into(),
                inviter_name: "Erin Employer".into(),
                link: link("/invitations/accept?token=0123abcd"),
            }
            .compose(),
        ),
        (
            "slot_booked",
            SlotBooked {
                contact_name: "Erin Employer".into(),
                employer_name: "Brightwell Logistics".into(),
                candidate: "Quiet Heron 41".into(),
                vacancy_title: "Warehouse operative".into(),
                what: "Interview".into(),
                when: "Tuesday 9 March 2027 at 10:00".into(),
                place: "In the prison: the education block".into(),
                link: link("/employer/bookings"),
            }
            .compose(),
        ),
        (
            "slot_booking_changed",
            SlotBookingChanged {
                recipient_name: "Olive Officer".into(),
                headline: "The employer moved the interview to a new time".into(),
                person: "Quiet Heron 41 (A1234BC)".into(),
                vacancy_title: "Warehouse operative".into(),
                employer_name: "Brightwell Logistics".into(),
                what: "Interview".into(),
                when: "Wednesday 10 March 2027 at 14:30".into(),
                place: "By video from the prison: the visits hall".into(),
                reason: None,
                link: link("/officer/applications/7"),
            }
            .compose(),
        ),
        (
            "slot_booking_cancelled",
            SlotBookingChanged {
                recipient_name: "Erin Employer".into(),
                headline: "The case officer cancelled the work trial".into(),
                person: "Quiet Heron 41".into(),
                vacancy_title: "Warehouse operative".into(),
                employer_name: "Brightwell Logistics".into(),
                what: "Work trial".into(),
                when: "Thursday 11 March 2027 at 09:00".into(),
                place: "At the workplace: our depot at 4 Mill Lane".into(),
                reason: Some("They have a hospital appointment that day <urgent>".into()),
                link: link("/employer/bookings"),
            }
            .compose(),
        ),
        (
            "slot_reminder",
            SlotReminder {
                officer_name: "Olive Officer".into(),
                person: "Quiet Heron 41 (A1234BC)".into(),
                vacancy_title: "Warehouse operative".into(),
                employer_name: "Brightwell Logistics".into(),
                what: "Interview".into(),
                when: "Tuesday 9 March 2027 at 10:00".into(),
                place: "In the prison: the education block".into(),
                how_soon: "in 2 days".into(),
                status: "Confirmed".into(),
                link: link("/officer/applications/7"),
            }
            .compose(),
        ),
    ]
    .into_iter()
    .map(|(name, parts)| (name, parts.expect("renders")))
    .collect()
}

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/email")
}

/// Compares with the golden file byte for byte; `UPDATE_SNAPSHOTS=1`
/// rewrites it instead. A missing golden file is a failure.
fn check_snapshot(file: &str, actual: &str) -> Result<(), String> {
    let path = snapshot_dir().join(file);
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(snapshot_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return Ok(());
    }
    match std::fs::read_to_string(&path) {
        Err(e) => Err(format!(
            "{}: {e} (run with UPDATE_SNAPSHOTS=1 to create it)",
            path.display()
        )),
        Ok(expected) if expected == actual => Ok(()),
        Ok(expected) => Err(format!(
            "{} differs (UPDATE_SNAPSHOTS=1 rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        )),
    }
}

#[test]
fn every_template_matches_its_snapshot() {
    let mut failures = Vec::new();
    for (name, parts) in samples() {
        let text = format!("Subject: {}\n\n{}", parts.subject, parts.text);
        failures.extend(check_snapshot(&format!("{name}.txt"), &text).err());
        failures.extend(check_snapshot(&format!("{name}.html"), &parts.html).err());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_missing_snapshot_fails() {
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        return;
    }
    let err = check_snapshot("no-such-snapshot.txt", "anything").unwrap_err();
    assert!(err.contains("UPDATE_SNAPSHOTS=1"), "{err}");
}

#[test]
fn no_template_mentions_offences_licence_conditions_or_barring() {
    for (name, parts) in samples() {
        assert_no_offence_data(&format!("{name} subject"), &parts.subject);
        assert_no_offence_data(&format!("{name} text"), &parts.text);
        assert_no_offence_data(&format!("{name} html"), &parts.html);
    }
}

#[test]
fn html_parts_escape_what_people_typed() {
    let (_, digest) = samples().into_iter().next().unwrap();
    assert!(
        digest.html.contains("Smith &#38; Sons &#60;Ltd&#62;")
            || digest.html.contains("Smith &amp; Sons &lt;Ltd&gt;"),
        "{}",
        digest.html
    );
    assert!(digest.text.contains("Smith & Sons <Ltd>"));
}

#[test]
fn subjects_are_one_line_and_message_ids_are_stable() {
    for (name, parts) in samples() {
        assert!(
            !parts.subject.contains('\n') && !parts.subject.is_empty(),
            "{name}"
        );
    }
    let from: lettre::message::Mailbox = "Fair Chance Jobs <no-reply@fairchance.invalid>"
        .parse()
        .unwrap();
    let key = [1u8; 32];
    let a = notify::message_id(&key, "application-forwarded:17", &from);
    assert_eq!(
        a,
        notify::message_id(&key, "application-forwarded:17", &from)
    );
    assert_ne!(
        a,
        notify::message_id(&key, "application-forwarded:18", &from)
    );
    assert_ne!(
        a,
        notify::message_id(&[2u8; 32], "application-forwarded:17", &from),
        "another installation sends another ID for its own application 17"
    );
    assert!(
        a.starts_with('<') && a.ends_with("@fairchance.invalid>"),
        "{a}"
    );
}

// ---------------------------------------------------------------- helpers

fn email(key: &str, to: &str) -> Email {
    Email {
        key: key.into(),
        to_name: "Olive Officer".into(),
        to_address: to.into(),
        subject: format!("Test {key}"),
        text: format!("Hello, this is {key}.\n"),
        html: format!("<p>Hello, this is {key}.</p>\n"),
    }
}

fn enqueue(conn: &mut Conn, email: &Email) -> i64 {
    notify::enqueue(conn, email, store::now())
        .unwrap()
        .expect("a new job")
}

async fn drain(worker: &Worker) {
    while worker.work(store::now()).await.unwrap() > 0 {}
}

/// Every absolute http(s) address in a text.
fn links(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|w| w.replace("&#38;", "&").replace("&amp;", "&"))
        .collect()
}

fn parse(raw: &[u8]) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a MIME message")
}

/// Records a decision on an employer as the admin pages will.
fn decide_employer(conn: &mut Conn, id: i64, status: &str, reason: Option<&str>) {
    let at = store::now();
    with_conn!(conn, |c| diesel::update(employers::table.find(id))
        .set((
            employers::status.eq(status),
            employers::decline_reason.eq(reason),
            employers::decided_at.eq(at),
        ))
        .execute(c)
        .unwrap());
}

// ---------------------------------------------------------------- delivery

on_both_backends!(
    every_email_reaches_a_real_smtp_server_with_both_parts_and_absolute_links,
    |backend| async move {
        let db = TestDb::new(backend);
        let smtp = SmtpServer::start(db.dir.path());
        let services = db.services(&[
            ("FAIRCHANCE_SMTP_URL", &smtp.url()),
            ("FAIRCHANCE_BASE_URL", BASE),
        ]);
        let config = services.config.clone();
        let mut conn = services.store.conn().unwrap();
        let w = world(&mut conn, "a");
        let now = store::now();
        let today = now.date();
        let person = profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "A1234BC",
            today + Days::new(35),
            "support_needed",
        );
        let applied = vacancy(
            &mut conn,
            w.employer_id,
            &w.sector,
            "Warehouse operative",
            Some(today + Days::new(2)),
        );
        let quiet = vacancy(
            &mut conn,
            w.employer_id,
            &w.sector,
            "Kitchen porter",
            Some(today + Days::new(2)),
        );
        suggested_match(&mut conn, person, applied, 0.9);
        let app = application(&mut conn, person, applied, "under_review");
        let newcomer = employer(
            &mut conn,
            &w.sector,
            "Newcomer Ltd",
            EmployerStatus::Pending,
        );
        let refused = employer(&mut conn, &w.sector, "Refused Ltd", EmployerStatus::Pending);

        // What the portal will do, each inside its own transaction.
        conn.write(|tx| {
            assert!(notify::officer::application_awaiting_review(tx, &config, app)?.is_some());
            assert!(
                notify::officer::application_awaiting_review(tx, &config, app)?.is_none(),
                "the same cause queues one email"
            );
            Ok::<_, NotifyError>(())
        })
        .unwrap();
        conn.write(|tx| {
            notify::employer::application_forwarded(tx, &config, app)?;
            Ok::<_, NotifyError>(())
        })
        .unwrap();
        set_application_status(&mut conn, app, "interview");
        conn.write(|tx| {
            notify::officer::application_status_changed(tx, &config, app)?;
            Ok::<_, NotifyError>(())
        })
        .unwrap();
        decide_employer(&mut conn, newcomer, "approved", None);
        decide_employer(
            &mut conn,
            refused,
            "declined",
            Some("We could not confirm the registration."),
        );
        conn.write(|tx| {
            assert!(
                notify::employer::account_declined(tx, &config, newcomer)?.is_none(),
                "not declined"
            );
            notify::employer::account_approved(tx, &config, newcomer, None)?;
            notify::employer::account_declined(tx, &config, refused)?;
            Ok::<_, NotifyError>(())
        })
        .unwrap();
        assert_eq!(jobs::schedule::digests(&mut conn, &config, now).unwrap(), 1);
        let daily = jobs::schedule::daily(&mut conn, &config, today, now).unwrap();
        assert_eq!((daily.release_reminders, daily.closing_reminders), (1, 1));

        let queued = queued_emails(&mut conn);
        assert_eq!(queued.len(), 8, "one of each email");
        let worker = Worker::new(services.clone()).unwrap();
        drain(&worker).await;
        let received = smtp.wait_for(8);
        assert_eq!(received.len(), 8);

        let expected_paths = [
            format!("/officer/applications/{app}"),
            format!("/employer/applications/{app}"),
            "/officer/matches".to_string(),
            format!("/officer/profiles/{person}"),
            format!("/employer/vacancies/{quiet}"),
            "/sign-in".to_string(),
        ];
        for raw in &received {
            let message = parse(raw);
            let subject = message.subject().unwrap().to_string();
            let email = queued
                .iter()
                .find(|e| e.subject == subject)
                .unwrap_or_else(|| panic!("unexpected subject {subject:?}"));
            assert_eq!(
                message.header_raw("X-RcptTo").unwrap().trim(),
                email.to_address
            );
            let to = message.to().and_then(|a| a.first()).unwrap();
            assert_eq!(to.address().unwrap(), email.to_address);
            assert_eq!(to.name().unwrap(), email.to_name);
            let from = message.from().and_then(|a| a.first()).unwrap();
            assert_eq!(from.address().unwrap(), "no-reply@fairchance.invalid");
            assert_eq!(from.name().unwrap(), "Fair Chance Jobs");
            let text_part = message.text_part(0).expect("a text part");
            let html_part = message.html_part(0).expect("an html part");
            assert!(
                matches!(text_part.body, mail_parser::PartType::Text(_)),
                "{subject}: text/plain"
            );
            assert!(
                matches!(html_part.body, mail_parser::PartType::Html(_)),
                "{subject}: text/html"
            );
            let text = message.body_text(0).unwrap().replace("\r\n", "\n");
            let html = message.body_html(0).unwrap();
            assert_eq!(text.trim_end(), email.text.trim_end());
            let (text_links, html_links) = (links(&text), links(&html));
            assert!(
                !text_links.is_empty() && !html_links.is_empty(),
                "{subject}: links in both parts"
            );
            for link in text_links.iter().chain(&html_links) {
                assert!(
                    link.starts_with(&format!("{BASE}/")),
                    "{subject}: {link} is not under {BASE}"
                );
                let url = url::Url::parse(link).unwrap();
                assert_eq!(url.host_str(), Some("jobs.example.org"));
            }
            assert!(
                text_links.iter().all(|l| html_links.contains(l)),
                "{subject}: the same link in both parts"
            );
            assert!(
                text_links
                    .iter()
                    .any(|l| expected_paths.iter().any(|p| l == &format!("{BASE}{p}")))
                    || subject.contains("request"),
                "{subject}: {text_links:?}"
            );
            assert_no_offence_data(&subject, &String::from_utf8_lossy(raw));
            assert_no_offence_data(&subject, &text);
            assert_no_offence_data(&subject, &html);
            let id = message.message_id().unwrap();
            assert_eq!(
                format!("<{id}>"),
                notify::message_id(
                    &services.config.secret_key,
                    &email.key,
                    &"x@fairchance.invalid".parse().unwrap()
                )
            );
        }
        let by_address = |addr: &str| queued.iter().filter(|e| e.to_address == addr).count();
        assert_eq!(
            by_address("officer-a@example.org"),
            4,
            "review, status, digest, release"
        );
        assert_eq!(
            by_address("acme-a@employer.example.org"),
            2,
            "forwarded, closing"
        );
        assert_eq!(by_address("newcomer-ltd@employer.example.org"), 1);
        assert_eq!(by_address("refused-ltd@employer.example.org"), 1);
        let declined = queued
            .iter()
            .find(|e| e.to_address.starts_with("refused"))
            .unwrap();
        assert!(declined
            .text
            .contains("We could not confirm the registration."));

        // All acknowledged: nothing is sent twice.
        assert_eq!(worker.work(later(600)).await.unwrap(), 0);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(smtp.messages().len(), 8);
        let done = fairchance::store::jobs::counts(&mut conn).unwrap();
        assert!(done.iter().all(|(status, _)| status == "done"), "{done:?}");
    }
);

on_both_backends!(
    an_smtp_outage_backs_off_then_delivers_each_message_exactly_once,
    |backend| async move {
        let db = TestDb::new(backend);
        let mut smtp = SmtpServer::start(db.dir.path());
        smtp.stop();
        let services = db.services(&[("FAIRCHANCE_SMTP_URL", &smtp.url())]);
        let mut conn = services.store.conn().unwrap();
        let ids: Vec<i64> = (0..5)
            .map(|i| {
                enqueue(
                    &mut conn,
                    &email(&format!("outage-{i}"), &format!("person{i}@example.org")),
                )
            })
            .collect();
        let worker = Worker::new(services.clone()).unwrap();

        let t0 = store::now();
        assert_eq!(worker.work(t0).await.unwrap(), 5);
        for id in &ids {
            let job = job(&mut conn, *id);
            assert_eq!((job.status.as_str(), job.attempts), ("queued", 1));
            assert!(job.run_at > t0, "backed off");
            assert!(
                job.last_error.as_deref().unwrap_or("").contains("SMTP"),
                "{:?}",
                job.last_error
            );
        }
        assert_eq!(
            worker.work(t0).await.unwrap(),
            0,
            "nothing is due during the backoff"
        );

        let t1 = t0 + chrono::Duration::hours(1);
        let before: Vec<_> = ids.iter().map(|id| job(&mut conn, *id).run_at).collect();
        assert_eq!(worker.work(t1).await.unwrap(), 5);
        for (id, previous) in ids.iter().zip(before) {
            let job = job(&mut conn, *id);
            assert_eq!((job.status.as_str(), job.attempts), ("queued", 2));
            assert!(
                job.run_at > t1 && job.run_at > previous,
                "the next try moves later"
            );
            // Second backoff: 20 s ± 25 %.
            assert!(
                job.run_at - t1 >= chrono::Duration::seconds(15),
                "{:?}",
                job.run_at - t1
            );
        }

        smtp.resume();
        let t2 = t0 + chrono::Duration::hours(3);
        assert_eq!(worker.work(t2).await.unwrap(), 5);
        assert_eq!(
            worker.work(t2 + chrono::Duration::hours(3)).await.unwrap(),
            0
        );
        let received = smtp.wait_for(5);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(smtp.messages().len(), 5, "each message once");
        let mut message_ids = message_ids(&received);
        message_ids.sort();
        message_ids.dedup();
        assert_eq!(message_ids.len(), 5);
        for id in &ids {
            let job = job(&mut conn, *id);
            assert_eq!((job.status.as_str(), job.attempts), ("done", 3));
        }
    }
);

on_both_backends!(
    a_kept_connection_the_server_dropped_is_replaced_without_a_failed_try,
    |backend| async move {
        // The worker keeps its SMTP connection between messages. When the
        // server restarts in between, the kept connection is dead: the next
        // message goes on a new one at its first try, and none is doubled.
        let db = TestDb::new(backend);
        let mut smtp = SmtpServer::start(db.dir.path());
        let services = db.services(&[("FAIRCHANCE_SMTP_URL", &smtp.url())]);
        let mut conn = services.store.conn().unwrap();
        let worker = Worker::new(services.clone()).unwrap();
        let first: Vec<i64> = (0..3)
            .map(|i| enqueue(&mut conn, &email(&format!("kept-{i}"), "a@example.org")))
            .collect();
        drain(&worker).await;
        smtp.wait_for(3);
        smtp.stop();
        smtp.resume();
        let second: Vec<i64> = (0..3)
            .map(|i| enqueue(&mut conn, &email(&format!("fresh-{i}"), "b@example.org")))
            .collect();
        drain(&worker).await;
        smtp.wait_for(6);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(smtp.messages().len(), 6, "each message once");
        for id in first.iter().chain(&second) {
            let job = job(&mut conn, *id);
            assert_eq!((job.status.as_str(), job.attempts), ("done", 1), "{id}");
        }
    }
);

on_both_backends!(
    smtp_5xx_goes_to_dead_letters_and_4xx_is_retried,
    |backend| async move {
        let db = TestDb::new(backend);
        let smtp = SmtpServer::start(db.dir.path());
        let services = db.services(&[("FAIRCHANCE_SMTP_URL", &smtp.url())]);
        let mut conn = services.store.conn().unwrap();
        let rejected = enqueue(&mut conn, &email("rejected", "reject@example.org"));
        let busy = enqueue(&mut conn, &email("busy", "busy@example.org"));
        let fine = enqueue(&mut conn, &email("fine", "fine@example.org"));
        let bad_address = enqueue(&mut conn, &email("bad", "not an address"));
        let worker = Worker::new(services.clone()).unwrap();
        assert_eq!(worker.work(store::now()).await.unwrap(), 4);

        let job_rejected = job(&mut conn, rejected);
        assert_eq!(
            (job_rejected.status.as_str(), job_rejected.attempts),
            ("dead", 1)
        );
        assert!(job_rejected.last_error.unwrap().contains("550"));
        let job_busy = job(&mut conn, busy);
        assert_eq!(job_busy.status, "queued", "4xx is transient");
        assert!(job_busy.last_error.unwrap().contains("451"));
        assert_eq!(job(&mut conn, fine).status, "done");
        let job_bad = job(&mut conn, bad_address);
        assert_eq!(job_bad.status, "dead", "an invalid address never works");
        assert!(job_bad.last_error.unwrap().contains("not an address"));
        assert_eq!(smtp.wait_for(1).len(), 1);

        // A dead email retried by an administrator goes through the same path.
        fairchance::store::jobs::retry_dead(&mut conn, rejected, store::now()).unwrap();
        assert_eq!(job(&mut conn, rejected).status, "queued");
        assert_eq!(
            notify::describe(&job(&mut conn, rejected).payload).unwrap(),
            "to reject@example.org: Test rejected"
        );
    }
);

on_both_backends!(
    a_resend_after_a_crash_between_send_and_ack_repeats_the_message_id,
    |backend| async move {
        let db = TestDb::new(backend);
        let smtp = SmtpServer::start(db.dir.path());
        let services = db.services(&[("FAIRCHANCE_SMTP_URL", &smtp.url())]);
        let mut conn = services.store.conn().unwrap();
        let id = enqueue(&mut conn, &email("crash", "person@example.org"));
        let worker = Worker::new(services.clone()).unwrap();

        // A worker claims and sends, then dies before acknowledging.
        let now = store::now();
        let claimed = fairchance::store::jobs::claim(&mut conn, "crashed-worker", 5, now).unwrap();
        assert_eq!(claimed.len(), 1);
        worker.handle(&claimed[0], now).await.unwrap();
        assert_eq!(
            worker.work(now).await.unwrap(),
            0,
            "still leased to the dead worker"
        );

        // Its lease runs out; another worker sends again.
        let after_lease = now + LEASE + chrono::Duration::minutes(1);
        assert_eq!(worker.work(after_lease).await.unwrap(), 1);
        let received = smtp.wait_for(2);
        let ids = message_ids(&received);
        assert_eq!(ids.len(), 2);
        assert_eq!(
            ids[0], ids[1],
            "receivers see one message twice, and drop the copy"
        );
        let job = job(&mut conn, id);
        assert_eq!((job.status.as_str(), job.attempts), ("done", 2));
    }
);

on_both_backends!(
    without_an_smtp_server_emails_become_eml_files_in_the_outbox,
    |backend| async move {
        let db = TestDb::new(backend);
        let services = db.services(&[]);
        assert!(services.config.smtp_url.is_none());
        let config = services.config.clone();
        let mut conn = services.store.conn().unwrap();
        let w = world(&mut conn, "eml");
        let today = store::now().date();
        let person = profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "E1",
            today + Days::new(400),
            "ready_to_work",
        );
        let role = vacancy(
            &mut conn,
            w.employer_id,
            &w.sector,
            "Warehouse operative",
            None,
        );
        let app = application(&mut conn, person, role, "under_review");
        conn.write(|tx| notify::officer::application_awaiting_review(tx, &config, app))
            .unwrap();
        let queued = queued_emails(&mut conn).remove(0);

        let (trigger, shutdown) = jobs::shutdown_channel();
        let worker = tokio::spawn(jobs::run(services.clone(), shutdown));
        let outbox = db.dir.path().join("outbox");
        let file = outbox.join(format!("{}.eml", notify::key_digest(&queued.key)));
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !file.exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "no .eml file in {}",
                outbox.display()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        trigger.trigger();
        tokio::time::timeout(Duration::from_secs(15), worker)
            .await
            .expect("the worker stops on the shutdown signal")
            .unwrap()
            .unwrap();

        let raw = std::fs::read(&file).unwrap();
        let message = parse(&raw);
        assert_eq!(message.subject().unwrap(), queued.subject);
        assert!(message
            .body_html(0)
            .unwrap()
            .contains("/officer/applications/"));
        let files: Vec<_> = std::fs::read_dir(&outbox).unwrap().collect();
        assert_eq!(files.len(), 1, "one file, no temporary leftovers");
    }
);

#[tokio::test]
async fn the_memory_transport_keeps_what_was_sent() {
    let db = TestDb::new(common::Backend::Sqlite);
    let services = db.services(&[]);
    let mut conn = services.store.conn().unwrap();
    enqueue(&mut conn, &email("memory", "person@example.org"));
    let worker = Worker::with_transport(services.clone(), notify::Transport::memory());
    drain(&worker).await;
    let sent = worker.transport().sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].envelope_to, vec!["person@example.org".to_string()]);
    let from: lettre::message::Mailbox = services.config.mail_from.parse().unwrap();
    assert_eq!(
        sent[0].message_id.as_deref(),
        Some(notify::message_id(&services.config.secret_key, "memory", &from).as_str())
    );
    assert!(String::from_utf8_lossy(&sent[0].raw).contains("multipart/alternative"));
}
