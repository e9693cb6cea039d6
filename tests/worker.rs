//! The background worker: digests, the daily scans, several workers on one
//! queue, unknown job kinds, and stopping on a signal.

mod common;
mod notify_support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Datelike, Days, NaiveDate};
use common::{Backend, TestDb};
use diesel::prelude::*;
use fairchance::jobs::{self, kind, Worker};
use fairchance::notify::{self, Email};
use fairchance::store::jobs::NewJob;
use fairchance::store::schema::matches;
use fairchance::store::{self, Conn};
use fairchance::with_conn;
use notify_support::*;

fn notified(conn: &mut Conn, match_id: i64) -> bool {
    with_conn!(conn, |c| matches::table
        .find(match_id)
        .select(matches::notified_at)
        .first::<Option<chrono::NaiveDateTime>>(c)
        .unwrap())
    .is_some()
}

fn emails_to(conn: &mut Conn, address: &str) -> Vec<Email> {
    queued_emails(conn)
        .into_iter()
        .filter(|e| e.to_address == address)
        .collect()
}

on_both_backends!(
    digests_come_once_per_interval_and_only_with_news,
    |backend| async move {
        let db = TestDb::new(backend);
        let services = db.services(&[]);
        let config = services.config.clone();
        let mut conn = services.store.conn().unwrap();
        let w = world(&mut conn, "d");
        let hourly = "officer-d@example.org";
        let off = officer(&mut conn, w.service_id, "off@example.org", "Otto Off");
        set_digest_interval(&mut conn, off, "off");
        let daily = officer(&mut conn, w.service_id, "daily@example.org", "Dana Daily");
        set_digest_interval(&mut conn, daily, "daily");
        let today = store::now().date();
        let release = today + Days::new(200);
        let role = vacancy(
            &mut conn,
            w.employer_id,
            &w.sector,
            "Warehouse operative",
            None,
        );
        let other_role = vacancy(&mut conn, w.employer_id, &w.sector, "Kitchen porter", None);
        let digests = |conn: &mut Conn, at| jobs::schedule::digests(conn, &config, at).unwrap();
        let t0 = store::now();

        // Nothing new: no email.
        let mine = profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "H1",
            release,
            "ready_to_work",
        );
        assert_eq!(digests(&mut conn, t0), 0);
        assert!(queued_emails(&mut conn).is_empty());

        // New matches: one email listing them all, and they are marked.
        let m1 = suggested_match(&mut conn, mine, role, 0.7);
        let m2 = suggested_match(&mut conn, mine, other_role, 0.9);
        assert_eq!(digests(&mut conn, t0), 1);
        let first = emails_to(&mut conn, hourly);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].subject, "2 new job matches for your caseload");
        let kitchen = first[0].text.find("Kitchen porter").unwrap();
        let warehouse = first[0].text.find("Warehouse operative").unwrap();
        assert!(kitchen < warehouse, "best match first");
        assert!(notified(&mut conn, m1) && notified(&mut conn, m2));
        assert_eq!(
            digests(&mut conn, t0),
            0,
            "the same tick twice sends nothing more"
        );

        // More news within the hour waits; after the hour it comes.
        let mine2 = profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "H2",
            release,
            "ready_to_work",
        );
        let m3 = suggested_match(&mut conn, mine2, role, 0.5);
        assert_eq!(digests(&mut conn, t0 + chrono::Duration::minutes(10)), 0);
        assert_eq!(digests(&mut conn, t0 + chrono::Duration::minutes(59)), 0);
        assert!(!notified(&mut conn, m3));
        assert_eq!(digests(&mut conn, t0 + chrono::Duration::minutes(61)), 1);
        let second = emails_to(&mut conn, hourly);
        assert_eq!(second.len(), 2);
        assert_eq!(second[1].subject, "1 new job match for your caseload");
        assert!(second[1].text.contains("Quiet Heron H2 (H2)"));
        assert_eq!(
            digests(&mut conn, t0 + chrono::Duration::hours(5)),
            0,
            "nothing new"
        );

        // An officer who turned digests off hears nothing.
        let theirs = profile(
            &mut conn,
            w.service_id,
            Some(off),
            "O1",
            release,
            "ready_to_work",
        );
        let m_off = suggested_match(&mut conn, theirs, role, 0.8);
        assert_eq!(digests(&mut conn, t0 + chrono::Duration::hours(6)), 0);
        assert!(emails_to(&mut conn, "off@example.org").is_empty());
        assert!(
            !notified(&mut conn, m_off),
            "kept new for when they turn it on"
        );

        // Daily: once a day.
        let dailys = profile(
            &mut conn,
            w.service_id,
            Some(daily),
            "D1",
            release,
            "ready_to_work",
        );
        suggested_match(&mut conn, dailys, role, 0.8);
        let t1 = t0 + chrono::Duration::hours(7);
        assert_eq!(digests(&mut conn, t1), 1);
        let dailys2 = profile(
            &mut conn,
            w.service_id,
            Some(daily),
            "D2",
            release,
            "ready_to_work",
        );
        suggested_match(&mut conn, dailys2, role, 0.8);
        assert_eq!(digests(&mut conn, t1 + chrono::Duration::hours(2)), 0);
        assert_eq!(digests(&mut conn, t1 + chrono::Duration::hours(23)), 0);
        assert_eq!(digests(&mut conn, t1 + chrono::Duration::hours(25)), 1);
        assert_eq!(emails_to(&mut conn, "daily@example.org").len(), 2);

        // Approved or dismissed matches are not news.
        let mine3 = profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "H3",
            release,
            "ready_to_work",
        );
        let decided = suggested_match(&mut conn, mine3, role, 0.8);
        with_conn!(&mut conn, |c| diesel::update(matches::table.find(decided))
            .set(matches::status.eq("approved"))
            .execute(c)
            .unwrap());
        assert_eq!(digests(&mut conn, t1 + chrono::Duration::hours(30)), 0);

        for email in queued_emails(&mut conn) {
            assert_no_offence_data(
                &email.subject,
                &format!("{}{}{}", email.subject, email.text, email.html),
            );
        }
    }
);

on_both_backends!(
    the_worker_schedules_digests_and_daily_scans_once_per_slot,
    |backend| async move {
        let db = TestDb::new(backend);
        let services = db.services(&[("FAIRCHANCE_DIGEST_TICK_SECONDS", "60")]);
        let mut conn = services.store.conn().unwrap();
        let w = world(&mut conn, "s");
        let today = store::now().date();
        let person = profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "S1",
            today + Days::new(300),
            "ready_to_work",
        );
        let role = vacancy(
            &mut conn,
            w.employer_id,
            &w.sector,
            "Warehouse operative",
            None,
        );
        suggested_match(&mut conn, person, role, 0.8);

        let mut first = Worker::with_transport(services.clone(), notify::Transport::memory());
        let mut second = Worker::with_transport(services.clone(), notify::Transport::memory());
        let at = store::now();
        first.schedule(at).await.unwrap();
        second.schedule(at).await.unwrap();
        first.schedule(at).await.unwrap();
        let digests = jobs_of_kind(&mut conn, kind::DIGESTS);
        let dailies = jobs_of_kind(&mut conn, kind::DAILY);
        // Both workers may straddle a minute boundary: one or two slots.
        assert!((1..=2).contains(&digests.len()), "{}", digests.len());
        assert_eq!(
            dailies.len(),
            1,
            "one daily scan per day, however many workers"
        );

        while first.work(store::now()).await.unwrap() > 0 {}
        assert!(jobs_of_kind(&mut conn, kind::DIGESTS)
            .iter()
            .all(|j| j.status == "done"));
        assert_eq!(jobs_of_kind(&mut conn, kind::DAILY)[0].status, "done");
        assert_eq!(
            first.transport().sent().len(),
            1,
            "the digest was queued and sent"
        );

        // The next minute brings a new digest round; tomorrow a new scan.
        let next_minute = at + chrono::Duration::seconds(61);
        first.schedule(next_minute).await.unwrap();
        assert_eq!(
            jobs_of_kind(&mut conn, kind::DIGESTS).len(),
            digests.len() + 1
        );
        first
            .schedule(at + chrono::Duration::days(1))
            .await
            .unwrap();
        assert_eq!(jobs_of_kind(&mut conn, kind::DAILY).len(), 2);

        // Old finished scheduler jobs are cleared by a later daily scan.
        let week_later = at + chrono::Duration::days(9);
        first.schedule(week_later).await.unwrap();
        while first.work(week_later).await.unwrap() > 0 {}
        let left: Vec<i64> = jobs_of_kind(&mut conn, kind::DIGESTS)
            .iter()
            .chain(&jobs_of_kind(&mut conn, kind::DAILY))
            .map(|j| j.id)
            .collect();
        for old in digests.iter().chain(&dailies) {
            assert!(
                !left.contains(&old.id),
                "job {} finished over a week ago is kept",
                old.id
            );
        }
        assert!(!left.is_empty(), "recent ones are kept");
    }
);

/// The Monday of the week after `date`, so "the next day" stays in one ISO week.
fn next_monday(date: NaiveDate) -> NaiveDate {
    date + Days::new(7 - u64::from(date.weekday().num_days_from_monday()))
}

on_both_backends!(
    daily_scans_remind_about_releases_weekly_and_closing_vacancies_once,
    |backend| async move {
        let db = TestDb::new(backend);
        let services = db.services(&[]);
        let config = services.config.clone();
        let mut conn = services.store.conn().unwrap();
        let w = world(&mut conn, "r");
        let monday = next_monday(store::now().date());
        let at = store::now();
        let officer_email = "officer-r@example.org";
        let contact = "acme-r@employer.example.org";

        let due = profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "R1",
            monday + Days::new(35),
            "support_needed",
        );
        profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "R2",
            monday + Days::new(35),
            "ready_to_work",
        );
        profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "R3",
            monday + Days::new(200),
            "not_started",
        );
        profile(
            &mut conn,
            w.service_id,
            None,
            "R4",
            monday + Days::new(20),
            "not_started",
        );
        let last_day = profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "R5",
            monday + Days::new(12 * 7),
            "not_started",
        );

        let closing = vacancy(
            &mut conn,
            w.employer_id,
            &w.sector,
            "Warehouse operative",
            Some(monday + Days::new(3)),
        );
        let answered = vacancy(
            &mut conn,
            w.employer_id,
            &w.sector,
            "Kitchen porter",
            Some(monday + Days::new(2)),
        );
        application(&mut conn, due, answered, "interested");
        vacancy(
            &mut conn,
            w.employer_id,
            &w.sector,
            "Cleaner",
            Some(monday + Days::new(10)),
        );
        vacancy(&mut conn, w.employer_id, &w.sector, "Driver's mate", None);

        let scan = |conn: &mut Conn, day: NaiveDate| {
            jobs::schedule::daily(conn, &config, day, at).unwrap()
        };
        let report = scan(&mut conn, monday);
        assert_eq!((report.release_reminders, report.closing_reminders), (2, 1));
        let to_officer = emails_to(&mut conn, officer_email);
        assert_eq!(to_officer.len(), 2);
        assert!(
            to_officer[0].subject.contains("Quiet Heron R1 (R1)"),
            "{}",
            to_officer[0].subject
        );
        assert!(
            to_officer[0].text.contains("in 5 weeks")
                && to_officer[0].text.contains("Support needed")
        );
        assert!(to_officer[0]
            .text
            .contains(&format!("/officer/profiles/{due}")));
        assert!(to_officer[1]
            .text
            .contains(&format!("/officer/profiles/{last_day}")));
        let to_employer = emails_to(&mut conn, contact);
        assert_eq!(to_employer.len(), 1);
        assert!(to_employer[0].subject.contains("Warehouse operative"));
        assert!(to_employer[0]
            .text
            .contains(&format!("/employer/vacancies/{closing}")));

        // Daily, but not daily emails: the same week and the same vacancy
        // are not repeated.
        for day in 1..=6 {
            let report = scan(&mut conn, monday + Days::new(day));
            assert_eq!(
                (report.release_reminders, report.closing_reminders),
                (0, 0),
                "day {day}"
            );
        }
        let report = scan(&mut conn, monday + Days::new(7));
        assert_eq!(report.release_reminders, 2, "a new week, a new reminder");
        assert_eq!(
            report.closing_reminders, 1,
            "the cleaner's vacancy now closes within 3 days"
        );
        let to_employer = emails_to(&mut conn, contact);
        assert_eq!(
            to_employer.len(),
            2,
            "the warehouse vacancy was announced once"
        );
        assert!(to_employer[1].subject.contains("Cleaner"));

        for email in queued_emails(&mut conn) {
            assert_no_offence_data(
                &email.subject,
                &format!("{}{}{}", email.subject, email.text, email.html),
            );
        }
    }
);

on_both_backends!(
    two_workers_draining_one_queue_send_each_message_once,
    |backend| async move {
        let db = TestDb::new(backend);
        let smtp = SmtpServer::start(db.dir.path());
        let services = db.services(&[("FAIRCHANCE_SMTP_URL", &smtp.url())]);
        let mut conn = services.store.conn().unwrap();
        let ids: Vec<i64> = (0..50)
            .map(|i| {
                notify::enqueue(
                    &mut conn,
                    &Email {
                        key: format!("bulk-{i}"),
                        to_name: format!("Person {i}"),
                        to_address: format!("person{i}@example.org"),
                        subject: format!("Message {i}"),
                        text: format!("Message {i}\n"),
                        html: format!("<p>Message {i}</p>\n"),
                    },
                    store::now(),
                )
                .unwrap()
                .unwrap()
            })
            .collect();

        let (trigger, shutdown) = jobs::shutdown_channel();
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let worker = Worker::new(services.clone())
                    .unwrap()
                    .idle(Duration::from_millis(20));
                tokio::spawn(worker.run(shutdown.clone()))
            })
            .collect();
        let received = smtp.wait_for(50);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !ids.iter().all(|id| job(&mut conn, *id).status == "done") {
            assert!(Instant::now() < deadline, "jobs not all done");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        trigger.trigger();
        for worker in workers {
            tokio::time::timeout(Duration::from_secs(15), worker)
                .await
                .expect("each worker stops on the signal")
                .unwrap();
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(smtp.messages().len(), 50, "no message twice");
        let mut message_ids = message_ids(&received);
        message_ids.sort();
        message_ids.dedup();
        assert_eq!(message_ids.len(), 50);
        for id in &ids {
            assert_eq!(job(&mut conn, *id).attempts, 1, "no job claimed twice");
        }
    }
);

on_both_backends!(
    an_unknown_job_kind_goes_straight_to_dead_letters,
    |backend| async move {
        let db = TestDb::new(backend);
        let services = db.services(&[]);
        let mut conn = services.store.conn().unwrap();
        let at = store::now();
        let id = fairchance::store::jobs::enqueue(
            &mut conn,
            NewJob::new("no.such.kind", &"x", at).unwrap(),
            at,
        )
        .unwrap()
        .unwrap();
        let bad_payload = fairchance::store::jobs::enqueue(
            &mut conn,
            NewJob::new(kind::EMAIL, &"not an email", at).unwrap(),
            at,
        )
        .unwrap()
        .unwrap();
        let worker = Worker::with_transport(services.clone(), notify::Transport::memory());
        assert_eq!(worker.work(at).await.unwrap(), 2);
        let unknown = job(&mut conn, id);
        assert_eq!((unknown.status.as_str(), unknown.attempts), ("dead", 1));
        assert!(unknown
            .last_error
            .unwrap()
            .contains("unknown job kind \"no.such.kind\""));
        let unreadable = job(&mut conn, bad_payload);
        assert_eq!(unreadable.status, "dead");
        assert!(unreadable.last_error.unwrap().contains("payload"));
        assert!(worker.transport().sent().is_empty());
    }
);

#[test]
fn the_worker_command_sends_queued_email_and_stops_on_sigterm() {
    let db = TestDb::new(Backend::Sqlite);
    {
        let services = db.services(&[]);
        let mut conn = services.store.conn().unwrap();
        notify::enqueue(
            &mut conn,
            &Email {
                key: "from-the-command".into(),
                to_name: "Olive Officer".into(),
                to_address: "olive@example.org".into(),
                subject: "Hello".into(),
                text: "Hello\n".into(),
                html: "<p>Hello</p>\n".into(),
            },
            store::now(),
        )
        .unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_fairchance"))
        .arg("worker")
        .env("FAIRCHANCE_DATA_DIR", db.dir.path())
        .env("FAIRCHANCE_DATABASE_URL", db.env_url())
        .env_remove("FAIRCHANCE_SMTP_URL")
        .env("FAIRCHANCE_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let file = db
        .dir
        .path()
        .join("outbox")
        .join(format!("{}.eml", notify::key_digest("from-the-command")));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !file.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the worker exited early with {status}");
        }
        assert!(Instant::now() < deadline, "the worker sent nothing");
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the worker did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status}");
}
