//! Interview and trial slots (issue #22): the employer's slots, the
//! officer's bookings, confirming, moving and cancelling, the race for the
//! last place, one email per change, the reminder two days before, the
//! attendance the reports count, the terminal's words in English and
//! Welsh, and what an employer never learns. Every test runs on SQLite and
//! PostgreSQL.

mod common;
mod notify_support;
#[path = "support/terminal.rs"]
mod support;

use std::sync::{Arc, Barrier};

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use diesel::prelude::*;
use fairchance::app::employers::Member;
use fairchance::app::profiles::Caseworker;
use fairchance::app::slots;
use fairchance::app::Failure;
use fairchance::domain::application::ApplicationStatus;
use fairchance::domain::reports::{DateRange, Scope};
use fairchance::domain::slot::{BookingStatus, SlotInput, NOT_SUITABLE_FOR_EMPLOYER};
use fairchance::notify::Email;
use fairchance::store::applications as app_store;
use fairchance::store::audit;
use fairchance::store::people::{EmployerStatus, Membership};
use fairchance::store::schema::{
    audit_log, job_seekers, profile_curfews, profiles, vacancies, vacancy_slots,
};
use fairchance::store::{self, Conn};
use fairchance::with_conn;
use notify_support as ns;
use reqwest::StatusCode;

fn actor(kind: &'static str, user_id: i64) -> audit::Actor {
    audit::Actor {
        kind,
        user_id: Some(user_id),
        label: format!("{kind} {user_id}"),
        ..audit::Actor::default()
    }
}

fn member(conn: &mut Conn, employer_id: i64, email: &str) -> Member {
    let user_id = common::staff_user(conn, email, Membership::Employer(employer_id));
    Member {
        employer_id,
        user_id,
        audit: actor("employer", user_id),
    }
}

fn caseworker(service_id: i64, user_id: i64) -> Caseworker {
    Caseworker {
        actor: actor("officer", user_id),
        service_id,
        user_id,
    }
}

/// A prison with an officer, a person released in 60 days, an approved
/// employer with a published vacancy and the person's application
/// forwarded to it; another employer and another prison's officer.
struct Setup {
    services: fairchance::startup::Services,
    employer: Member,
    other_employer: Member,
    officer: Caseworker,
    stranger: Caseworker,
    vacancy: i64,
    application: i64,
    service_id: i64,
    sector: String,
    today: NaiveDate,
    _db: common::TestDb,
}

impl Setup {
    fn new(backend: common::Backend) -> Self {
        let db = common::TestDb::new(backend);
        let services = db.services(&[]);
        let mut conn = services.store.conn().unwrap();
        let w = ns::world(&mut conn, "slots");
        let today = store::now().date();
        let person = ns::profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "A1234BC",
            today + Days::new(60),
            "ready_to_work",
        );
        let vacancy = ns::vacancy(
            &mut conn,
            w.employer_id,
            &w.sector,
            "Warehouse operative",
            None,
        );
        let application = ns::application(&mut conn, person, vacancy, "forwarded");
        let employer = member(&mut conn, w.employer_id, "erin@acme.example.org");
        let other_id = ns::employer(&mut conn, &w.sector, "Rival Ltd", EmployerStatus::Approved);
        let other_employer = member(&mut conn, other_id, "rita@rival.example.org");
        let elsewhere = common::service(&mut conn, "HMP Elsewhere");
        let stranger_id = ns::officer(&mut conn, elsewhere, "sid@elsewhere.example.org", "Sid");
        Setup {
            employer,
            other_employer,
            officer: caseworker(w.service_id, w.officer_id),
            stranger: caseworker(elsewhere, stranger_id),

            vacancy,
            application,
            service_id: w.service_id,
            sector: w.sector,
            today,
            services,
            _db: db,
        }
    }

    fn conn(&self) -> Conn {
        self.services.store.conn().unwrap()
    }

    fn config(&self) -> Arc<fairchance::config::Config> {
        self.services.config.clone()
    }

    /// A slot of the employer's vacancy `days` from today at `time`.
    fn slot(&self, days: u64, time: &str, place_kind: &str, capacity: i32) -> i64 {
        let input = input(self.today + Days::new(days), time, place_kind, capacity);
        slots::create(&mut self.conn(), &self.employer, self.vacancy, &input).unwrap()
    }

    /// Another forwarded application to the vacancy, of a new person.
    fn another_application(&self, reference: &str) -> i64 {
        let mut conn = self.conn();
        let person = ns::profile(
            &mut conn,
            self.service_id,
            Some(self.officer.user_id),
            reference,
            self.today + Days::new(60),
            "ready_to_work",
        );
        ns::application(&mut conn, person, self.vacancy, "forwarded")
    }

    fn slot_row(&self, id: i64) -> store::slots::Slot {
        store::slots::load(&mut self.conn(), id).unwrap().unwrap()
    }

    fn booking(&self, application: i64) -> Vec<(store::slots::Booking, store::slots::Slot)> {
        store::slots::for_applications(&mut self.conn(), &[application]).unwrap()
    }

    /// The slot emails queued so far, oldest first.
    fn slot_emails(&self) -> Vec<Email> {
        ns::queued_emails(&mut self.conn())
            .into_iter()
            .filter(|e| e.key.starts_with("slot-"))
            .collect()
    }

    fn audits(&self, action: &str) -> i64 {
        let action = action.to_string();
        with_conn!(&mut self.conn(), |c| audit_log::table
            .filter(audit_log::action.eq(&action))
            .count()
            .get_result::<i64>(c)
            .unwrap())
    }
}

fn input(day: NaiveDate, time: &str, place_kind: &str, capacity: i32) -> SlotInput {
    SlotInput {
        purpose: "interview".into(),
        date: day.format("%Y-%m-%d").to_string(),
        time: time.into(),
        minutes: "45".into(),
        place_kind: place_kind.into(),
        place: "the education block".into(),
        capacity: capacity.to_string(),
    }
}

fn invalid_fields(
    result: Result<impl std::fmt::Debug, Failure>,
) -> fairchance::domain::FieldErrors {
    match result {
        Err(Failure::Invalid(errors)) => errors,
        other => panic!("expected field errors, got {other:?}"),
    }
}

on_both_backends!(
    workplace_slots_after_release_keep_to_the_curfew,
    |backend| async move {
        let s = Setup::new(backend);
        let config = s.config();
        let mut conn = s.conn();
        // The person (released in 60 days) has a 19:00-07:00 curfew every
        // day on their licence.
        let curfew = |conn: &mut Conn, application: i64| {
            use fairchance::store::schema::applications;
            let person: i64 = with_conn!(conn, |c| applications::table
                .find(application)
                .select(applications::profile_id)
                .first(c)
                .unwrap());
            with_conn!(conn, |c| diesel::insert_into(profile_curfews::table)
                .values((
                    profile_curfews::profile_id.eq(person),
                    profile_curfews::days.eq(0b111_1111),
                    profile_curfews::start_time.eq(NaiveTime::from_hms_opt(19, 0, 0).unwrap()),
                    profile_curfews::end_time.eq(NaiveTime::from_hms_opt(7, 0, 0).unwrap()),
                ))
                .execute(c)
                .unwrap());
        };
        curfew(&mut conn, s.application);
        // After release at the workplace: 18:30 for 45 minutes runs into
        // the curfew, 06:30 is still inside the night's curfew; the officer
        // is told so and nothing is booked.
        for time in ["18:30", "06:30"] {
            let late = s.slot(70, time, "at_workplace", 1);
            let errors = invalid_fields(slots::book(
                &mut conn,
                &config,
                &s.services.taxonomy,
                &s.officer,
                s.application,
                late,
            ));
            assert!(
                errors.first("slot_id").unwrap().contains("curfew"),
                "{time}"
            );
            assert_eq!(s.slot_row(late).booked, 0);
        }
        // 10:00 is clear of it; a move into the evening slot is refused
        // with nothing said to the employer about why.
        let day = s.slot(70, "10:00", "at_workplace", 1);
        let evening = s.slot(71, "18:30", "at_workplace", 1);
        let booking = slots::book(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.officer,
            s.application,
            day,
        )
        .unwrap();
        let errors = invalid_fields(slots::move_to(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.employer,
            booking,
            evening,
        ));
        assert_eq!(errors.first("slot_id").unwrap(), NOT_SUITABLE_FOR_EMPLOYER);
        assert_eq!((s.slot_row(day).booked, s.slot_row(evening).booked), (1, 0));
        // Before release the licence has not started: an in-prison slot in
        // the evening is the prison's business.
        let inside = s.slot(10, "18:30", "in_prison", 1);
        let other = s.another_application("C7777DD");
        curfew(&mut conn, other);
        slots::book(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.officer,
            other,
            inside,
        )
        .unwrap();
    }
);

on_both_backends!(
    booking_confirming_moving_and_cancelling,
    |backend| async move {
        let s = Setup::new(backend);
        let config = s.config();
        let first = s.slot(10, "10:00", "in_prison", 1);
        let second = s.slot(11, "14:30", "video_from_prison", 2);

        // The officer books: a place is taken, the employer is emailed.
        let booking = slots::book(
            &mut s.conn(),
            &config,
            &s.services.taxonomy,
            &s.officer,
            s.application,
            first,
        )
        .unwrap();
        assert_eq!(s.slot_row(first).booked, 1);
        let emails = s.slot_emails();
        assert_eq!(emails.len(), 1);
        assert_eq!(emails[0].to_address, "acme-slots@employer.example.org");
        assert!(
            emails[0].text.contains("Quiet Heron A1234BC"),
            "{}",
            emails[0].text
        );
        assert!(emails[0]
            .text
            .contains("In the prison: the education block"));
        // Booking is not a decision: the application stays forwarded.
        let app = app_store::load(&mut s.conn(), s.application)
            .unwrap()
            .unwrap();
        assert_eq!(app.status, ApplicationStatus::Forwarded);
        // One live interview booking per application.
        let again = slots::book(
            &mut s.conn(),
            &config,
            &s.services.taxonomy,
            &s.officer,
            s.application,
            second,
        );
        assert!(invalid_fields(again).has("slot_id"));
        assert_eq!(s.slot_row(second).booked, 0);

        // The employer confirms: the application moves to interview at the
        // slot's time, on its timeline as the employer's move; the officer is
        // emailed once (the booking's email, not a second status email).
        slots::confirm(&mut s.conn(), &config, &s.employer, booking).unwrap();
        let app = app_store::load(&mut s.conn(), s.application)
            .unwrap()
            .unwrap();
        assert_eq!(app.status, ApplicationStatus::Interview);
        assert_eq!(app.interview_at, Some(s.slot_row(first).starts_at));
        let events = app_store::events(&mut s.conn(), s.application).unwrap();
        assert_eq!(
            events.last().unwrap().to_status,
            ApplicationStatus::Interview
        );
        assert_eq!(
            events.last().unwrap().actor_user_id,
            Some(s.employer.user_id)
        );
        let emails = s.slot_emails();
        assert_eq!(emails.len(), 2);
        assert_eq!(emails[1].to_address, "officer-slots@example.org");
        assert!(
            emails[1].subject.contains("confirmed"),
            "{}",
            emails[1].subject
        );
        let status_emails = ns::queued_emails(&mut s.conn())
            .into_iter()
            .filter(|e| e.key.starts_with("application-status"))
            .count();
        assert_eq!(status_emails, 0);
        // Confirming twice is refused.
        let twice = slots::confirm(&mut s.conn(), &config, &s.employer, booking);
        assert!(matches!(twice, Err(Failure::Conflict(_))), "{twice:?}");

        // The employer moves it: the places follow, the officer hears.
        slots::move_to(
            &mut s.conn(),
            &config,
            &s.services.taxonomy,
            &s.employer,
            booking,
            second,
        )
        .unwrap();
        assert_eq!(s.slot_row(first).booked, 0);
        assert_eq!(s.slot_row(second).booked, 1);
        let emails = s.slot_emails();
        assert_eq!(emails.len(), 3);
        assert!(emails[2].text.contains("By video from the prison"));
        assert_eq!(emails[2].to_address, "officer-slots@example.org");

        // The officer cancels with a reason: the employer hears, with it.
        let errors = invalid_fields(slots::cancel_booking_as_officer(
            &mut s.conn(),
            &config,
            &s.officer,
            booking,
            "  ",
        ));
        assert!(errors.has("reason"));
        slots::cancel_booking_as_officer(
            &mut s.conn(),
            &config,
            &s.officer,
            booking,
            "Moved to another prison",
        )
        .unwrap();
        assert_eq!(s.slot_row(second).booked, 0);
        let emails = s.slot_emails();
        assert_eq!(emails.len(), 4, "one email per change");
        assert_eq!(emails[3].to_address, "acme-slots@employer.example.org");
        assert!(emails[3].text.contains("Reason: Moved to another prison"));
        for email in &emails {
            ns::assert_no_offence_data(&email.subject, &email.text);
        }
        let keys: std::collections::BTreeSet<&str> =
            emails.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys.len(), 4);
        // A cancelled booking changes no more.
        let late = slots::confirm(&mut s.conn(), &config, &s.employer, booking);
        assert!(matches!(late, Err(Failure::Conflict(_))));

        // The whole timeline, with who did it.
        let timeline = store::slots::events(&mut s.conn(), booking).unwrap();
        let actions: Vec<(&str, &str)> = timeline
            .iter()
            .map(|e| (e.action.as_str(), e.actor_kind.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                ("booked", "officer"),
                ("confirmed", "employer"),
                ("moved", "employer"),
                ("cancelled", "officer")
            ]
        );
        assert_eq!(s.audits("booking.created"), 1);
        assert_eq!(s.audits("booking.confirmed"), 1);
        assert_eq!(s.audits("booking.moved"), 1);
        assert_eq!(s.audits("booking.cancelled"), 1);

        // A new booking after the cancellation is allowed; the employer
        // cancelling the slot cancels it and tells the officer.
        let rebooked = slots::book(
            &mut s.conn(),
            &config,
            &s.services.taxonomy,
            &s.officer,
            s.application,
            first,
        )
        .unwrap();
        let cancelled = slots::cancel(
            &mut s.conn(),
            &config,
            &s.employer,
            first,
            "The assessor is ill",
        )
        .unwrap();
        assert_eq!(cancelled, 1);
        let (b, slot) = s
            .booking(s.application)
            .into_iter()
            .find(|(b, _)| b.id == rebooked)
            .unwrap();
        assert_eq!(b.status, BookingStatus::Cancelled);
        assert_eq!((slot.booked, slot.cancelled_at.is_some()), (0, true));
        let emails = s.slot_emails();
        assert_eq!(emails.len(), 6);
        assert!(emails[5].text.contains("The assessor is ill"));
        assert_eq!(emails[5].to_address, "officer-slots@example.org");
    }
);

on_both_backends!(
    bad_input_and_unsuitable_slots_are_refused_by_field,
    |backend| async move {
        let s = Setup::new(backend);
        let config = s.config();
        let mut conn = s.conn();
        let past = input(s.today - Days::new(1), "10:00", "in_prison", 1);
        assert_eq!(
            invalid_fields(slots::create(&mut conn, &s.employer, s.vacancy, &past)).first("date"),
            Some("The slot must be in the future")
        );
        let none = input(s.today + Days::new(5), "10:00", "in_prison", 0);
        assert!(
            invalid_fields(slots::create(&mut conn, &s.employer, s.vacancy, &none)).has("capacity")
        );
        let crowd = input(s.today + Days::new(5), "10:00", "in_prison", 500);
        assert!(
            invalid_fields(slots::create(&mut conn, &s.employer, s.vacancy, &crowd))
                .has("capacity")
        );
        let nowhere = SlotInput {
            place: " ".into(),
            place_kind: "garden".into(),
            ..input(s.today + Days::new(5), "10:00", "in_prison", 1)
        };
        let errors = invalid_fields(slots::create(&mut conn, &s.employer, s.vacancy, &nowhere));
        assert!(errors.has("place") && errors.has("place_kind"));
        let count: i64 = with_conn!(&mut conn, |c| vacancy_slots::table
            .count()
            .get_result(c)
            .unwrap());
        assert_eq!(count, 0, "nothing half-written");

        // At the workplace before release (no day release): the officer is
        // told why; in the prison after release likewise.
        let workplace = s.slot(10, "09:00", "at_workplace", 1);
        let errors = invalid_fields(slots::book(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.officer,
            s.application,
            workplace,
        ));
        assert!(errors.first("slot_id").unwrap().contains("still in prison"));
        let after_release = s.slot(70, "09:00", "in_prison", 1);
        let errors = invalid_fields(slots::book(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.officer,
            s.application,
            after_release,
        ));
        assert!(errors.first("slot_id").unwrap().contains("released"));
        assert_eq!(s.slot_row(workplace).booked, 0);

        // The employer moving a booking there is refused without a reason
        // about the person.
        let fits = s.slot(10, "10:00", "in_prison", 1);
        let booking = slots::book(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.officer,
            s.application,
            fits,
        )
        .unwrap();
        let errors = invalid_fields(slots::move_to(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.employer,
            booking,
            workplace,
        ));
        let said = errors.first("slot_id").unwrap();
        assert_eq!(said, NOT_SUITABLE_FOR_EMPLOYER);
        for word in ["release", "prison then", "licence", "curfew", "offence"] {
            assert!(!said.to_lowercase().contains(word), "{said}");
        }
        assert_eq!(s.slot_row(fits).booked, 1);

        // A booked slot keeps its time; its words and room may change.
        let moved = input(s.today + Days::new(10), "11:00", "in_prison", 1);
        let errors = invalid_fields(slots::update(&mut conn, &s.employer, fits, &moved));
        assert!(errors.has("time"));
        let wordier = SlotInput {
            place: "the education block, room 4".into(),
            capacity: "3".into(),
            ..input(s.today + Days::new(10), "10:00", "in_prison", 1)
        };
        slots::update(&mut conn, &s.employer, fits, &wordier).unwrap();
        let row = s.slot_row(fits);
        assert_eq!(
            (row.place.as_str(), row.capacity, row.booked),
            ("the education block, room 4", 3, 1)
        );

        // Attendance waits for the slot to start.
        let early = slots::record_attendance(&mut conn, &s.employer, booking, true);
        assert!(matches!(early, Err(Failure::Conflict(_))), "{early:?}");
    }
);

on_both_backends!(
    only_the_right_tenant_reaches_slots_and_bookings,
    |backend| async move {
        let s = Setup::new(backend);
        let config = s.config();
        let mut conn = s.conn();
        let slot = s.slot(10, "10:00", "in_prison", 2);
        // Another employer cannot add to, list, edit, cancel or answer.
        let add = input(s.today + Days::new(5), "10:00", "in_prison", 1);
        assert!(matches!(
            slots::create(&mut conn, &s.other_employer, s.vacancy, &add),
            Err(Failure::NotFound)
        ));
        assert!(matches!(
            slots::slots(&mut conn, &s.other_employer, Some(s.vacancy), (20, 0)),
            Err(Failure::NotFound)
        ));
        assert!(matches!(
            slots::update(&mut conn, &s.other_employer, slot, &add),
            Err(Failure::NotFound)
        ));
        assert!(matches!(
            slots::cancel(&mut conn, &config, &s.other_employer, slot, "No"),
            Err(Failure::NotFound)
        ));
        // Another prison's officer cannot book for this person or see it.
        assert!(matches!(
            slots::book(
                &mut conn,
                &config,
                &s.services.taxonomy,
                &s.stranger,
                s.application,
                slot
            ),
            Err(Failure::NotFound)
        ));
        assert!(matches!(
            slots::for_application(&mut conn, &s.stranger, s.application, (20, 0)),
            Err(Failure::NotFound)
        ));
        let booking = slots::book(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.officer,
            s.application,
            slot,
        )
        .unwrap();
        assert!(matches!(
            slots::confirm(&mut conn, &config, &s.other_employer, booking),
            Err(Failure::NotFound)
        ));
        assert!(matches!(
            slots::cancel_booking_as_employer(&mut conn, &config, &s.other_employer, booking, "No"),
            Err(Failure::NotFound)
        ));
        assert!(matches!(
            slots::cancel_booking_as_officer(&mut conn, &config, &s.stranger, booking, "No"),
            Err(Failure::NotFound)
        ));
        assert_eq!(
            slots::bookings(&mut conn, &s.other_employer, false, (20, 0))
                .unwrap()
                .1,
            0
        );
        assert_eq!(
            slots::upcoming(&mut conn, &s.stranger, (20, 0)).unwrap().1,
            0
        );
        assert_eq!(
            slots::upcoming(&mut conn, &s.officer, (20, 0)).unwrap().1,
            1
        );
        // Another vacancy's slot cannot take this application.
        let other_vacancy = ns::vacancy(
            &mut conn,
            s.employer.employer_id,
            &s.sector,
            "Driver's mate",
            None,
        );
        let elsewhere = slots::create(&mut conn, &s.employer, other_vacancy, &add).unwrap();
        let second = s.another_application("B2345CD");
        assert!(invalid_fields(slots::book(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.officer,
            second,
            elsewhere
        ))
        .has("slot_id"));
        // An application the employer does not have yet cannot be booked.
        ns::set_application_status(&mut conn, second, "under_review");
        assert!(matches!(
            slots::book(
                &mut conn,
                &config,
                &s.services.taxonomy,
                &s.officer,
                second,
                slot
            ),
            Err(Failure::Conflict(_))
        ));

        // What the employer's list holds of the person: the pseudonym only.
        let (rows, total) = slots::bookings(&mut conn, &s.employer, false, (20, 0)).unwrap();
        assert_eq!(total, 1);
        let shown = serde_json::to_string(&rows).unwrap();
        ns::assert_no_offence_data("the employer's bookings", &shown);
        assert!(shown.contains("Quiet Heron A1234BC"));
        assert!(
            !shown.contains("Seeker") && !shown.contains("Sam"),
            "{shown}"
        );

        // The application ending cancels the booking and frees the place.
        conn.write(|tx| {
            app_store::change_status(
                tx,
                s.application,
                &app_store::Change::to(ApplicationStatus::Withdrawn),
                app_store::Actor::seeker(),
                store::now(),
            )
        })
        .unwrap();
        assert_eq!(s.slot_row(slot).booked, 0);
        assert_eq!(
            s.booking(s.application)[0].0.status,
            BookingStatus::Cancelled
        );
    }
);

on_both_backends!(
    two_bookings_race_for_the_last_place_and_one_wins,
    |backend| async move {
        let s = Arc::new(Setup::new(backend));
        for round in 0..4 {
            let slot = s.slot(10 + round, "10:00", "in_prison", 1);
            let contenders = [
                s.another_application(&format!("R{round}A")),
                s.another_application(&format!("R{round}B")),
            ];
            let barrier = Arc::new(Barrier::new(2));
            let handles: Vec<_> = contenders
                .into_iter()
                .map(|application| {
                    let (s, barrier) = (s.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        let mut conn = s.conn();
                        let config = s.config();
                        barrier.wait();
                        slots::book(
                            &mut conn,
                            &config,
                            &s.services.taxonomy,
                            &s.officer,
                            application,
                            slot,
                        )
                    })
                })
                .collect();
            let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            let won = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(won, 1, "round {round}: {results:?}");
            let lost = results.into_iter().find(|r| r.is_err()).unwrap();
            assert!(invalid_fields(lost)
                .first("slot_id")
                .unwrap()
                .contains("full"));
            assert_eq!(s.slot_row(slot).booked, 1);
        }
        // One email per winning booking, none for the losers.
        assert_eq!(s.slot_emails().len(), 4);
    }
);

on_both_backends!(
    the_booking_officer_is_reminded_two_days_before_once,
    |backend| async move {
        let s = Setup::new(backend);
        let config = s.config();
        let mut conn = s.conn();
        let slot = s.slot(10, "10:00", "in_prison", 1);
        let later = s.slot(12, "10:00", "in_prison", 1);
        let booking = slots::book(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.officer,
            s.application,
            slot,
        )
        .unwrap();
        let reminders = |conn: &mut Conn| {
            ns::queued_emails(conn)
                .into_iter()
                .filter(|e| e.key.starts_with("slot-reminder"))
                .collect::<Vec<_>>()
        };
        // A simulated clock: the daily pass on each day before the slot.
        assert_eq!(
            slots::remind(&mut conn, &config, s.today + Days::new(7)).unwrap(),
            0
        );
        let day = s.today + Days::new(8);
        let report = fairchance::jobs::schedule::daily(
            &mut conn,
            &config,
            day,
            day.and_time(NaiveTime::MIN),
        )
        .unwrap();
        assert_eq!(report.slot_reminders, 1);
        assert_eq!(
            slots::remind(&mut conn, &config, s.today + Days::new(8)).unwrap(),
            0,
            "sent once"
        );
        assert_eq!(
            slots::remind(&mut conn, &config, s.today + Days::new(9)).unwrap(),
            0,
            "sent once"
        );
        let sent = reminders(&mut conn);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].to_address, "officer-slots@example.org");
        assert!(sent[0].subject.contains("in 2 days"), "{}", sent[0].subject);
        ns::assert_no_offence_data("reminder", &sent[0].text);
        // Moved to a later slot: reminded again for that one, once.
        slots::move_to(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.employer,
            booking,
            later,
        )
        .unwrap();
        assert_eq!(
            slots::remind(&mut conn, &config, s.today + Days::new(10)).unwrap(),
            1
        );
        assert_eq!(
            slots::remind(&mut conn, &config, s.today + Days::new(10)).unwrap(),
            0
        );
        // Cancelled: no reminder.
        let spare = s.slot(20, "10:00", "in_prison", 1);
        let other = s.another_application("C3456DE");
        let gone = slots::book(
            &mut conn,
            &config,
            &s.services.taxonomy,
            &s.officer,
            other,
            spare,
        )
        .unwrap();
        slots::cancel_booking_as_officer(&mut conn, &config, &s.officer, gone, "Not needed")
            .unwrap();
        assert_eq!(
            slots::remind(&mut conn, &config, s.today + Days::new(18)).unwrap(),
            0
        );
        assert_eq!(reminders(&mut conn).len(), 2);
    }
);

on_both_backends!(
    attendance_is_recorded_after_the_slot_and_counted_in_reports,
    |backend| async move {
        let s = Setup::new(backend);
        let config = s.config();
        let mut conn = s.conn();
        let mut held = Vec::new();
        // Six interviews and one trial, each moved into the past once booked.
        for i in 0..7 {
            let slot = if i < 6 {
                s.slot(10, "10:00", "in_prison", 1)
            } else {
                let trial = SlotInput {
                    purpose: "trial".into(),
                    ..input(s.today + Days::new(10), "09:00", "in_prison", 1)
                };
                slots::create(&mut conn, &s.employer, s.vacancy, &trial).unwrap()
            };
            let application = s.another_application(&format!("H{i}"));
            let booking = slots::book(
                &mut conn,
                &config,
                &s.services.taxonomy,
                &s.officer,
                application,
                slot,
            )
            .unwrap();
            let past: NaiveDateTime = store::now() - chrono::Duration::hours(2);
            with_conn!(&mut conn, |c| diesel::update(
                vacancy_slots::table.find(slot)
            )
            .set(vacancy_slots::starts_at.eq(past))
            .execute(c)
            .unwrap());
            held.push(booking);
        }
        for (i, booking) in held.iter().enumerate() {
            let came = i != 5;
            let to = slots::record_attendance(&mut conn, &s.employer, *booking, came).unwrap();
            assert_eq!(
                to,
                if came {
                    BookingStatus::Attended
                } else {
                    BookingStatus::DidNotAttend
                }
            );
        }
        // Recorded once; another employer cannot.
        assert!(matches!(
            slots::record_attendance(&mut conn, &s.employer, held[0], false),
            Err(Failure::Conflict(_))
        ));
        assert!(matches!(
            slots::record_attendance(&mut conn, &s.other_employer, held[1], true),
            Err(Failure::NotFound)
        ));
        let range = DateRange::default_for(s.today);
        let figures = store::reports::figures(&mut conn, &Scope::All, &range, s.today).unwrap();
        assert_eq!((figures.interviews_held, figures.trials_done), (5, 1));
        let other = Scope::Service {
            service_id: s.stranger.service_id,
        };
        let figures = store::reports::figures(&mut conn, &other, &range, s.today).unwrap();
        assert_eq!((figures.interviews_held, figures.trials_done), (0, 0));
        // The published table keeps the small-number suppression.
        let tables = fairchance::reports::tables(
            &store::reports::figures(&mut conn, &Scope::All, &range, s.today).unwrap(),
        );
        let summary = tables.iter().find(|t| t.key == "summary").unwrap();
        let row = |label: &str| {
            summary
                .rows
                .iter()
                .find(|r| r[0].starts_with(label))
                .unwrap()[1]
                .clone()
        };
        assert_eq!(row("Interviews held"), "5");
        assert_ne!(row("Work trials done"), "1", "1 is under 5 and not shown");
    }
);

// ------------------------------------------------------------------ HTTP

/// A staff member's browser: a session cookie and its CSRF token.
struct Staff {
    client: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

impl Staff {
    fn of(app: &common::TestApp, user: i64) -> Self {
        let (cookie, csrf) = app.staff_session(user);
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.address.clone(),
            cookie,
            csrf,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &self.csrf));
        self.client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .form(&fields)
            .send()
            .await
            .unwrap()
    }
}

/// The first Tuesday at least `days` from `today`.
fn tuesday_after(today: NaiveDate, days: u64) -> NaiveDate {
    let mut day = today + Days::new(days);
    while day.weekday() != Weekday::Tue {
        day = day + Days::new(1);
    }
    day
}

on_both_backends!(
    the_pages_book_answer_and_show_the_slot_in_english_and_welsh,
    |backend| async move {
        let fx = support::Fixture::new(backend, 23, 12).await;
        let vacancy = *fx.eligible().iter().next().expect("an eligible vacancy");
        let today = store::now().date();
        let (employer_id, application, other_employer, stranger, employer_user) = {
            let mut conn = fx.app.services.store.conn().unwrap();
            let employer_id: i64 = with_conn!(&mut conn, |c| vacancies::table
                .find(vacancy)
                .select(vacancies::employer_id)
                .first(c)
                .unwrap());
            // Released in four months, so a slot in the prison suits.
            with_conn!(&mut conn, |c| diesel::update(
                profiles::table.find(fx.profile)
            )
            .set(profiles::release_date.eq(today + Days::new(120)))
            .execute(c)
            .unwrap());
            let application = ns::application(&mut conn, fx.profile, vacancy, "forwarded");
            let sector = ns::sector(&mut conn);
            let other = ns::employer(&mut conn, &sector, "Rival Ltd", EmployerStatus::Approved);
            let other_user = common::staff_user(
                &mut conn,
                "rita@rival.example.org",
                Membership::Employer(other),
            );
            let elsewhere = common::service(&mut conn, "HMP Elsewhere");
            let stranger = common::staff_user(
                &mut conn,
                "sid@elsewhere.example.org",
                Membership::Service(elsewhere),
            );
            let employer_user = common::staff_user(
                &mut conn,
                "erin@employer.example.org",
                Membership::Employer(employer_id),
            );
            (
                employer_id,
                application,
                other_user,
                stranger,
                employer_user,
            )
        };
        let _ = employer_id;
        let employer = Staff::of(&fx.app, employer_user);
        let rival = Staff::of(&fx.app, other_employer);
        let officer = Staff::of(&fx.app, fx.officer);
        let outsider = Staff::of(&fx.app, stranger);
        let day = tuesday_after(today, 14);
        let date = day.format("%Y-%m-%d").to_string();

        // The employer adds a slot; a bad one is a 422 with the field's words.
        let slots_path = format!("/employer/vacancies/{vacancy}/slots");
        let mut fields = vec![
            ("purpose", "interview"),
            ("date", date.as_str()),
            ("time", "10:00"),
            ("minutes", "45"),
            ("place_kind", "in_prison"),
            ("place", "the education block"),
            ("capacity", "0"),
        ];
        let res = employer.post(&slots_path, &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("A slot must take at least 1 person"));
        fields[6] = ("capacity", "2");
        let res = employer.post(&slots_path, &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = employer.get(&slots_path).await.text().await.unwrap();
        assert!(page.contains("In the prison: the education block") && page.contains("0 of 2"));
        let slot: i64 = {
            let mut conn = fx.app.services.store.conn().unwrap();
            with_conn!(&mut conn, |c| vacancy_slots::table
                .select(vacancy_slots::id)
                .first(c)
                .unwrap())
        };
        // Not another employer's to see, change or cancel.
        assert_eq!(rival.get(&slots_path).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            rival
                .get(&format!("/employer/slots/{slot}/edit"))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        let res = rival
            .post(
                &format!("/employer/slots/{slot}/cancel"),
                &[("reason", "x")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        // Nor without the CSRF token.
        let res = employer
            .client
            .post(format!("{}{slots_path}", employer.base))
            .header("cookie", &employer.cookie)
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);

        // The officer books from the application's slots page.
        let officer_path = format!("/officer/applications/{application}/slots");
        assert_eq!(
            outsider.get(&officer_path).await.status(),
            StatusCode::NOT_FOUND
        );
        let slot_text = slot.to_string();
        let res = outsider
            .post(&officer_path, &[("slot_id", &slot_text)])
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = officer
            .post(&officer_path, &[("slot_id", "nonsense")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = officer
            .post(&officer_path, &[("slot_id", &slot_text)])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = officer.get(&officer_path).await.text().await.unwrap();
        assert!(page.contains("Booked, waiting for the employer"), "{page}");
        let upcoming = officer.get("/officer/bookings").await.text().await.unwrap();
        assert!(
            upcoming.contains("1 to 1 of 1 bookings") || upcoming.contains("of 1 bookings"),
            "{upcoming}"
        );

        // The employer sees the booking by pseudonym only and confirms it.
        let page = employer
            .get("/employer/bookings")
            .await
            .text()
            .await
            .unwrap();
        ns::assert_no_offence_data("the employer's bookings page", &page);
        let booking: i64 = {
            let mut conn = fx.app.services.store.conn().unwrap();
            store::slots::for_applications(&mut conn, &[application]).unwrap()[0]
                .0
                .id
        };
        let res = rival
            .post(&format!("/employer/bookings/{booking}/confirm"), &[])
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = employer
            .post(&format!("/employer/bookings/{booking}/confirm"), &[])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = employer
            .post(&format!("/employer/bookings/{booking}/confirm"), &[])
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let res = employer
            .post(
                &format!("/employer/bookings/{booking}/attendance"),
                &[("attended", "maybe")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The person sees it on the terminal, in plain words, in English...
        let k = fx.signed_in().await;
        let month = day.format("%B").to_string();
        let english = format!(
            "Interview on Tuesday {} {month} at 10:00, in the education block.",
            day.day()
        );
        let page = k.get(&format!("/terminal/applications/{vacancy}")).await;
        assert_eq!(page.headers()["cache-control"], "no-store");
        let page = page.text().await.unwrap();
        assert!(page.contains(&english), "{page}");
        assert!(page.contains("The employer has said yes to this time."));
        assert!(!page.contains("<script"));
        let list = k.get("/terminal/applications").await.text().await.unwrap();
        assert!(list.contains(&english));
        let api = k.get("/api/v1/terminal/applications").await;
        assert_eq!(api.status(), StatusCode::OK);
        let json: serde_json::Value = api.json().await.unwrap();
        let slot_json = &json["items"][0]["slots"][0];
        assert_eq!(slot_json["text"], english.as_str());
        assert_eq!(slot_json["status"], "confirmed");
        // ...and in Welsh.
        let res = k
            .post(
                "/terminal/language",
                &[("lang", "cy"), ("back", "/terminal/applications")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = k
            .get(&format!("/terminal/applications/{vacancy}"))
            .await
            .text()
            .await
            .unwrap();
        let welsh = format!("Cyfweliad: Dydd Mawrth {} ", day.day());
        assert!(
            page.contains(&welsh) && page.contains("am 10:00, yn the education block."),
            "{page}"
        );
        assert!(
            page.contains("Mae&#39;r cyflogwr wedi cytuno i&#39;r amser hwn."),
            "{page}"
        );
        let language: String = {
            let mut conn = fx.app.services.store.conn().unwrap();
            with_conn!(&mut conn, |c| job_seekers::table
                .filter(job_seekers::profile_id.eq(fx.profile))
                .select(job_seekers::language)
                .first(c)
                .unwrap())
        };
        assert_eq!(language, "cy");
        fx.app.stop().await;
    }
);

on_both_backends!(
    every_slot_a_booking_can_move_to_is_paged_with_a_total,
    |backend| async move {
        let s = Setup::new(backend);
        let config = s.config();
        let tax = &s.services.taxonomy;
        let mut conn = s.conn();
        let first = s.slot(5, "10:00", "in_prison", 1);
        let booking =
            slots::book(&mut conn, &config, tax, &s.officer, s.application, first).unwrap();
        // 47 more slots of the vacancy: interviews with room, some filled,
        // some cancelled, and trials (another purpose).
        let times = ["09:00", "10:00", "11:00", "14:00", "15:00"];
        for i in 0..47u64 {
            let day = s.today + Days::new(6 + i / 5);
            let time = times[(i % 5) as usize];
            let purpose = if i % 9 == 4 { "trial" } else { "interview" };
            let slot_input = SlotInput {
                purpose: purpose.into(),
                ..input(day, time, "in_prison", 1 + (i % 2) as i32)
            };
            let id = slots::create(&mut conn, &s.employer, s.vacancy, &slot_input).unwrap();
            if i % 7 == 2 {
                slots::cancel(&mut conn, &config, &s.employer, id, "Room not free").unwrap();
            } else if i % 6 == 5 && purpose == "interview" && i % 2 == 0 {
                let other = s.another_application(&format!("F{i:04}X"));
                slots::book(&mut conn, &config, tax, &s.officer, other, id).unwrap();
            }
        }
        // Brute force over every slot of the employer.
        let (all, _) = slots::slots(&mut conn, &s.employer, Some(s.vacancy), (10_000, 0)).unwrap();
        let at = store::now();
        let expected: Vec<i64> = all
            .iter()
            .filter(|x| {
                x.id != first
                    && x.purpose.as_str() == "interview"
                    && x.cancelled_at.is_none()
                    && x.starts_at > at
                    && x.booked < x.capacity
            })
            .map(|x| x.id)
            .collect();
        assert!(
            expected.len() > slots::MOVES_INLINE as usize,
            "{}",
            expected.len()
        );
        let mut paged = Vec::new();
        for page in 0.. {
            let found =
                slots::move_targets(&mut conn, &s.employer, booking, (20, page * 20)).unwrap();
            assert_eq!(found.total as usize, expected.len());
            if found.targets.is_empty() {
                break;
            }
            paged.extend(found.targets.iter().map(|x| x.id));
        }
        assert_eq!(paged, expected, "every target once, soonest first");
        // Another employer's booking is not found.
        assert!(matches!(
            slots::move_targets(&mut conn, &s.other_employer, booking, (20, 0)),
            Err(Failure::NotFound)
        ));
        // Once the person is anonymised, the employer's list leaves them out.
        let (_, before) = slots::bookings(&mut conn, &s.employer, false, (100, 0)).unwrap();
        let person: i64 = with_conn!(&mut conn, |c| {
            use fairchance::store::schema::applications;
            applications::table
                .find(s.application)
                .select(applications::profile_id)
                .first(c)
                .unwrap()
        });
        with_conn!(&mut conn, |c| diesel::update(profiles::table.find(person))
            .set(profiles::anonymised_at.eq(Some(at)))
            .execute(c)
            .unwrap());
        let (rows, after) = slots::bookings(&mut conn, &s.employer, false, (100, 0)).unwrap();
        assert_eq!(after, before - 1);
        assert!(rows.iter().all(|r| r.booking.id != booking));
    }
);
