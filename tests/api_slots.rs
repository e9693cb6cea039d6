//! The JSON twins of the slot, booking and watch pages (issue #22): an
//! employer's slots and the bookings officers make in them over the API
//! (with an API token and with a session), paged lists whose totals match
//! a count of the rows, field errors from the form's parser, 404 for
//! another employer's slot or booking whatever the body holds, a move
//! refused in words that say nothing about the person, the officer's
//! watches and the "soon eligible" list page by page against a brute-force
//! answer, and who may call what. Every test runs on SQLite and
//! PostgreSQL. All people, places and employers here are made up.

mod common;
mod notify_support;

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use common::{Backend, TestApp};
use diesel::prelude::*;
use fairchance::app::profiles::Caseworker;
use fairchance::app::slots;
use fairchance::domain::eligible::{eligible_by, Eligibility};
use fairchance::domain::geo::PlaceInput;
use fairchance::domain::profile::{CertificateInput, CurfewInput, ProfileDetails, ProfileInput};
use fairchance::domain::schedule::TimeWindowInput;
use fairchance::domain::slot::NOT_SUITABLE_FOR_EMPLOYER;
use fairchance::domain::vacancy::{VacancyDetails, VacancyInput, VacancyStatus};
use fairchance::seed::generator::{self, Town, TEMPLATES};
use fairchance::store::people::{EmployerStatus, Membership};
use fairchance::store::schema::{slot_bookings, vacancy_slots};
use fairchance::store::{self, access as access_store, audit, now, Conn};
use fairchance::with_conn;
use notify_support as ns;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::Method;
use serde_json::{json, Value};

/// How a request is signed in.
#[derive(Clone)]
enum Caller {
    Anonymous,
    /// An API token (`Authorization: Bearer`).
    Token(String),
    /// A staff session: the cookie and its CSRF token.
    Session(String, String),
}

/// A prison with an officer and a person released in 60 days; employer A
/// (called with an API token) with a published vacancy and the person's
/// application forwarded to it; employer B (called with a session) with a
/// vacancy of its own; another prison's officer.
struct World {
    app: TestApp,
    service_id: i64,
    officer: Caseworker,
    employer_a: Caller,
    employer_b: Caller,
    officer_session: Caller,
    stranger_session: Caller,
    vacancy_a: i64,
    vacancy_b: i64,
    application: i64,
    today: NaiveDate,
}

fn audit_actor(kind: &'static str, user_id: i64) -> audit::Actor {
    audit::Actor {
        kind,
        user_id: Some(user_id),
        label: format!("{kind} {user_id}"),
        ..audit::Actor::default()
    }
}

impl World {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::spawn(backend).await;
        let mut conn = app.services.store.conn().unwrap();
        let w = ns::world(&mut conn, "api");
        let today = now().date();
        let person = ns::profile(
            &mut conn,
            w.service_id,
            Some(w.officer_id),
            "A1234BC",
            today + Days::new(60),
            "ready_to_work",
        );
        let vacancy_a = ns::vacancy(
            &mut conn,
            w.employer_id,
            &w.sector,
            "Warehouse operative",
            None,
        );
        let application = ns::application(&mut conn, person, vacancy_a, "forwarded");
        let user_a = common::staff_user(
            &mut conn,
            "erin@acme.example.org",
            Membership::Employer(w.employer_id),
        );
        let (_, token_a) = access_store::create_api_token(
            &mut conn,
            w.employer_id,
            user_a,
            "ATS",
            now() + chrono::Duration::days(30),
            now(),
        )
        .unwrap();
        let employer_b = ns::employer(&mut conn, &w.sector, "Rival Ltd", EmployerStatus::Approved);
        let vacancy_b = ns::vacancy(&mut conn, employer_b, &w.sector, "Packer", None);
        let user_b = common::staff_user(
            &mut conn,
            "rita@rival.example.org",
            Membership::Employer(employer_b),
        );
        let elsewhere = common::service(&mut conn, "HMP Elsewhere");
        let stranger = ns::officer(&mut conn, elsewhere, "sid@elsewhere.example.org", "Sid");
        drop(conn);
        let session = |user: i64| {
            let (cookie, csrf) = app.staff_session(user);
            Caller::Session(cookie, csrf)
        };
        World {
            officer: Caseworker {
                actor: audit_actor("officer", w.officer_id),
                service_id: w.service_id,
                user_id: w.officer_id,
            },
            employer_a: Caller::Token(token_a),
            employer_b: session(user_b),
            officer_session: session(w.officer_id),
            stranger_session: session(stranger),
            service_id: w.service_id,
            vacancy_a,
            vacancy_b,
            application,
            today,
            app,
        }
    }

    fn conn(&self) -> Conn {
        self.app.services.store.conn().unwrap()
    }

    async fn call(
        &self,
        caller: &Caller,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.app.client.request(method, self.app.url(path));
        match caller {
            Caller::Anonymous => {}
            Caller::Token(token) => req = req.bearer_auth(token),
            Caller::Session(cookie, csrf) => {
                req = req.header("cookie", cookie).header("x-csrf-token", csrf);
            }
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, caller: &Caller, path: &str) -> (u16, Value) {
        self.call(caller, Method::GET, path, None).await
    }

    async fn post(&self, caller: &Caller, path: &str, body: Value) -> (u16, Value) {
        self.call(caller, Method::POST, path, Some(body)).await
    }

    async fn put(&self, caller: &Caller, path: &str, body: Value) -> (u16, Value) {
        self.call(caller, Method::PUT, path, Some(body)).await
    }

    /// A slot of employer A's vacancy made over the API: its id.
    async fn api_slot(&self, days: u64, time: &str, place_kind: &str) -> i64 {
        let body = slot_body(self.today + Days::new(days), time, place_kind);
        let path = format!("/api/v1/vacancies/{}/slots", self.vacancy_a);
        let (status, slot) = self.post(&self.employer_a, &path, body).await;
        assert_eq!(status, 201, "{slot}");
        slot["id"].as_i64().unwrap()
    }

    /// The officer books `slot` for `application` through the use case.
    fn book(&self, application: i64, slot: i64) -> i64 {
        let config = self.app.services.config.clone();
        let taxonomy = &self.app.services.taxonomy;
        slots::book(
            &mut self.conn(),
            &config,
            taxonomy,
            &self.officer,
            application,
            slot,
        )
        .unwrap()
    }

    /// Another forwarded application to A's vacancy, of a new person
    /// released in 60 days.
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
        ns::application(&mut conn, person, self.vacancy_a, "forwarded")
    }

    fn slot_row(&self, id: i64) -> store::slots::Slot {
        store::slots::load(&mut self.conn(), id).unwrap().unwrap()
    }

    fn booking_status(&self, id: i64) -> String {
        with_conn!(&mut self.conn(), |c| slot_bookings::table
            .find(id)
            .select(slot_bookings::status)
            .first::<String>(c)
            .unwrap())
    }
}

fn slot_body(day: NaiveDate, time: &str, place_kind: &str) -> Value {
    json!({
        "purpose": "interview",
        "date": day.format("%Y-%m-%d").to_string(),
        "time": time,
        "minutes": 45,
        "place_kind": place_kind,
        "place": "the education block",
        "capacity": 2
    })
}

/// Every page of a list read with `per_page`: the items in order, and the
/// total each page gave.
async fn read_all(w: &World, caller: &Caller, path: &str, per_page: u32) -> (Vec<Value>, Vec<i64>) {
    let mut items = Vec::new();
    let mut totals = Vec::new();
    let join = if path.contains('?') { '&' } else { '?' };
    for page in 1.. {
        let (status, body) = w
            .get(
                caller,
                &format!("{path}{join}page={page}&per_page={per_page}"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["page"], page);
        assert_eq!(body["per_page"], per_page);
        totals.push(body["total"].as_i64().unwrap());
        let got = body["items"].as_array().unwrap().clone();
        assert!(got.len() <= per_page as usize);
        if got.is_empty() {
            break;
        }
        items.extend(got);
    }
    (items, totals)
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

on_both_backends!(
    slots_are_made_listed_changed_and_cancelled_over_the_api,
    |backend| async move {
        let w = World::new(backend).await;
        let list = format!("/api/v1/vacancies/{}/slots", w.vacancy_a);
        let day = w.today + Days::new(10);

        // Created: 201, its address, the fields as sent.
        let res = w
            .app
            .client
            .post(w.app.url(&list))
            .bearer_auth(match &w.employer_a {
                Caller::Token(t) => t.clone(),
                _ => unreachable!(),
            })
            .json(&slot_body(day, "10:00", "in_prison"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let location = res.headers()["location"].to_str().unwrap().to_string();
        let created: Value = res.json().await.unwrap();
        let id = created["id"].as_i64().unwrap();
        assert_eq!(location, format!("/api/v1/slots/{id}"));
        assert_eq!(created["vacancy_id"], w.vacancy_a);
        assert_eq!(created["purpose"], "interview");
        assert_eq!(created["date"], day.to_string());
        assert_eq!(created["time"], "10:00");
        assert_eq!(created["minutes"], 45);
        assert_eq!(created["place_kind"], "in_prison");
        assert_eq!(created["place"], "the education block");
        assert_eq!(created["capacity"], 2);
        assert_eq!(created["booked"], 0);
        assert_eq!(created["free"], 2);
        assert_eq!(created["cancelled_at"], Value::Null);
        let (status, read) = w.get(&w.employer_a, &location).await;
        assert_eq!(status, 200);
        assert_eq!(read, created);
        // A session works as well as a token; numbers may come as text, as
        // the form sends them.
        let mut as_text = slot_body(day, "14:00", "video_from_prison");
        as_text["minutes"] = json!("30");
        as_text["capacity"] = json!(" 3 ");
        let (status, other) = w.post(&w.officer_session, &list, as_text.clone()).await;
        assert_eq!(status, 403, "an officer is not an employer: {other}");
        let rival_list = format!("/api/v1/vacancies/{}/slots", w.vacancy_b);
        let (status, rival) = w.post(&w.employer_b, &rival_list, as_text).await;
        assert_eq!(status, 201, "{rival}");
        assert_eq!(rival["minutes"], 30);
        assert_eq!(rival["capacity"], 3);

        // Replaced: a new time and place; GET gives it back.
        let mut changed = slot_body(day + Days::new(1), "11:30", "in_prison");
        changed["place"] = json!("  the visits hall  ");
        changed["capacity"] = json!(4);
        let (status, saved) = w.put(&w.employer_a, &location, changed).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(saved["date"], (day + Days::new(1)).to_string());
        assert_eq!(saved["time"], "11:30");
        assert_eq!(saved["place"], "the visits hall");
        assert_eq!(saved["capacity"], 4);
        assert_eq!(w.slot_row(id).place, "the visits hall");

        // Field errors from the form's parser, one per field.
        let (status, bad) = w
            .post(
                &w.employer_a,
                &list,
                json!({
                    "purpose": "party", "date": "2027-02-30", "time": "25:00", "minutes": 5,
                    "place_kind": "moon", "place": "  ", "capacity": 0
                }),
            )
            .await;
        assert_eq!(status, 422, "{bad}");
        assert_eq!(bad["error"], "invalid");
        for field in fairchance::domain::slot::FIELDS {
            assert!(bad["fields"][field].is_array(), "{field}: {bad}");
        }
        let (status, bad) = w.post(&w.employer_a, &list, json!({})).await;
        assert_eq!(status, 422);
        assert_eq!(
            bad["fields"]["place"][0],
            "Say where it is, like \"the education block\""
        );
        // A value of the wrong kind is named as such.
        let mut wrong = slot_body(day, "10:00", "in_prison");
        wrong["minutes"] = json!(true);
        wrong["place"] = json!(["a", "list"]);
        let (status, bad) = w.put(&w.employer_a, &location, wrong).await;
        assert_eq!(status, 422);
        assert_eq!(bad["fields"]["minutes"], json!(["Send a whole number"]));
        assert_eq!(bad["fields"]["place"], json!(["Send text"]));
        assert!(bad["fields"].get("date").is_none(), "{bad}");
        // A slot in the past, and a place with a NUL character.
        let mut past = slot_body(w.today - Days::new(1), "10:00", "in_prison");
        let (status, bad) = w.post(&w.employer_a, &list, past.clone()).await;
        assert_eq!(status, 422);
        assert_eq!(bad["fields"]["date"][0], "The slot must be in the future");
        past["date"] = json!(day.to_string());
        past["place"] = json!("the hall\u{0}");
        let (status, bad) = w.post(&w.employer_a, &list, past).await;
        assert_eq!(status, 422, "{bad}");
        assert!(bad["fields"]["place"].is_array());
        // A body that is not JSON at all.
        let res = w
            .app
            .client
            .post(w.app.url(&list))
            .bearer_auth(match &w.employer_a {
                Caller::Token(t) => t.clone(),
                _ => unreachable!(),
            })
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);

        // More slots; the list pages through them with the total, which is
        // the count of the vacancy's rows.
        for n in 0..6 {
            w.api_slot(12 + n, "09:15", "video_from_prison").await;
        }
        let count: i64 = with_conn!(&mut w.conn(), |c| vacancy_slots::table
            .filter(vacancy_slots::vacancy_id.eq(w.vacancy_a))
            .count()
            .get_result(c)
            .unwrap());
        assert_eq!(count, 7);
        let (items, totals) = read_all(&w, &w.employer_a, &list, 3).await;
        assert!(totals.iter().all(|t| *t == count), "{totals:?}");
        assert_eq!(items.len() as i64, count);
        let mut all: Vec<i64> = with_conn!(&mut w.conn(), |c| vacancy_slots::table
            .filter(vacancy_slots::vacancy_id.eq(w.vacancy_a))
            .order((vacancy_slots::starts_at, vacancy_slots::id))
            .select(vacancy_slots::id)
            .load(c)
            .unwrap());
        assert_eq!(ids(&items), all, "every slot once, soonest first");
        all.sort_unstable();
        assert!(!all.contains(&rival["id"].as_i64().unwrap()));
        let (status, bad) = w.get(&w.employer_a, &format!("{list}?per_page=0")).await;
        assert_eq!(status, 422);
        assert!(bad["fields"]["per_page"].is_array());
        let (status, _) = w.get(&w.employer_a, &format!("{list}?page=x")).await;
        assert_eq!(status, 400);

        // Cancelled with a reason; not twice; no more changes.
        let cancel = format!("{location}/cancel");
        let (status, bad) = w
            .post(&w.employer_a, &cancel, json!({ "reason": " " }))
            .await;
        assert_eq!(status, 422);
        assert!(bad["fields"]["reason"].is_array());
        let (status, bad) = w.post(&w.employer_a, &cancel, json!({ "reason": 7 })).await;
        assert_eq!(status, 422);
        assert_eq!(bad["fields"]["reason"], json!(["Send text"]));
        let (status, gone) = w
            .post(
                &w.employer_a,
                &cancel,
                json!({ "reason": "The manager is away" }),
            )
            .await;
        assert_eq!(status, 200, "{gone}");
        assert_eq!(gone["cancel_reason"], "The manager is away");
        assert!(gone["cancelled_at"].is_string());
        let (status, _) = w
            .post(&w.employer_a, &cancel, json!({ "reason": "Again" }))
            .await;
        assert_eq!(status, 409);
        let body = slot_body(day, "10:00", "in_prison");
        let (status, _) = w.put(&w.employer_a, &location, body).await;
        assert_eq!(status, 409);
        w.app.stop().await;
    }
);

on_both_backends!(
    bookings_are_confirmed_moved_cancelled_and_attended_over_the_api,
    |backend| async move {
        let w = World::new(backend).await;
        let first = w.api_slot(10, "10:00", "in_prison").await;
        let second = w.api_slot(11, "14:30", "video_from_prison").await;
        // After the release date an in-prison slot does not suit; before it,
        // one at the workplace does not (no day release).
        let at_work = w.api_slot(20, "09:00", "at_workplace").await;
        let booking = w.book(w.application, first);

        // The employer's list: the booking with the pseudonym only.
        let (status, list) = w.get(&w.employer_a, "/api/v1/bookings").await;
        assert_eq!(status, 200);
        assert_eq!(list["total"], 1);
        let item = &list["items"][0];
        assert_eq!(item["id"], booking);
        assert_eq!(item["status"], "booked");
        assert_eq!(item["pseudonym"], "Quiet Heron A1234BC");
        assert_eq!(item["vacancy_id"], w.vacancy_a);
        assert_eq!(item["vacancy_title"], "Warehouse operative");
        assert_eq!(item["slot"]["id"], first);
        assert_eq!(item["application_id"], w.application);
        ns::assert_no_offence_data("the booking list", &list.to_string());
        for hidden in ["Sam", "Seeker", "release"] {
            assert!(!list.to_string().contains(hidden), "{hidden}: {list}");
        }

        // Confirmed, not twice.
        let path = |action: &str| format!("/api/v1/bookings/{booking}/{action}");
        let (status, confirmed) = w.post(&w.employer_a, &path("confirm"), json!({})).await;
        assert_eq!(status, 200, "{confirmed}");
        assert_eq!(confirmed["status"], "confirmed");
        let (status, again) = w.post(&w.employer_a, &path("confirm"), json!({})).await;
        assert_eq!(status, 409, "{again}");

        // Moved: the places follow.
        let (status, bad) = w.post(&w.employer_a, &path("move"), json!({})).await;
        assert_eq!(status, 422);
        assert!(bad["fields"]["slot_id"].is_array());
        let (status, moved) = w
            .post(&w.employer_a, &path("move"), json!({ "slot_id": second }))
            .await;
        assert_eq!(status, 200, "{moved}");
        assert_eq!(moved["slot"]["id"], second);
        assert_eq!(moved["status"], "confirmed");
        assert_eq!(w.slot_row(first).booked, 0);
        assert_eq!(w.slot_row(second).booked, 1);
        // A slot the person cannot attend: refused without saying why.
        let (status, refused) = w
            .post(&w.employer_a, &path("move"), json!({ "slot_id": at_work }))
            .await;
        assert_eq!(status, 422);
        assert_eq!(
            refused["fields"],
            json!({ "slot_id": [NOT_SUITABLE_FOR_EMPLOYER] })
        );
        let text = refused.to_string().to_lowercase();
        for why in ["prison", "release", "day release", "rotl"] {
            assert!(!text.contains(why), "{why}: {refused}");
        }
        assert_eq!(w.slot_row(second).booked, 1);
        assert_eq!(w.slot_row(at_work).booked, 0);

        // Attendance waits for the slot to start.
        let (status, bad) = w.post(&w.employer_a, &path("attendance"), json!({})).await;
        assert_eq!(status, 422);
        assert!(bad["fields"]["attended"].is_array());
        let (status, _) = w
            .post(
                &w.employer_a,
                &path("attendance"),
                json!({ "attended": true }),
            )
            .await;
        assert_eq!(status, 409);
        let past = now() - chrono::Duration::hours(2);
        with_conn!(&mut w.conn(), |c| diesel::update(
            vacancy_slots::table.find(second)
        )
        .set(vacancy_slots::starts_at.eq(past))
        .execute(c)
        .unwrap());
        let (status, came) = w
            .post(
                &w.employer_a,
                &path("attendance"),
                json!({ "attended": true }),
            )
            .await;
        assert_eq!(status, 200, "{came}");
        assert_eq!(came["status"], "attended");
        assert_eq!(w.booking_status(booking), "attended");

        // Another person's booking, cancelled by the employer with a reason.
        let other_application = w.another_application("B2345CD");
        let other = w.book(other_application, first);
        let cancel = format!("/api/v1/bookings/{other}/cancel");
        let (status, bad) = w.post(&w.employer_a, &cancel, json!({})).await;
        assert_eq!(status, 422);
        assert!(bad["fields"]["reason"].is_array());
        let (status, cancelled) = w
            .post(
                &w.employer_a,
                &cancel,
                json!({ "reason": "The site is closed that day" }),
            )
            .await;
        assert_eq!(status, 200, "{cancelled}");
        assert_eq!(cancelled["status"], "cancelled");
        assert_eq!(cancelled["cancel_reason"], "The site is closed that day");
        assert_eq!(w.slot_row(first).booked, 0);
        let (status, _) = w
            .post(&w.employer_a, &cancel, json!({ "reason": "Twice" }))
            .await;
        assert_eq!(status, 409);

        // The bookings list pages with the total, which is the count of the
        // rows in A's slots; `live` keeps the ones that hold a place.
        for (n, reference) in ["C3456DE", "D4567EF", "E5678FG", "F6789GH"]
            .iter()
            .enumerate()
        {
            let application = w.another_application(reference);
            let slot = w.api_slot(30 + n as u64, "10:00", "in_prison").await;
            w.book(application, slot);
        }
        let mine: BTreeSet<i64> = with_conn!(&mut w.conn(), |c| slot_bookings::table
            .inner_join(vacancy_slots::table)
            .filter(vacancy_slots::vacancy_id.eq(w.vacancy_a))
            .select(slot_bookings::id)
            .load::<i64>(c)
            .unwrap())
        .into_iter()
        .collect();
        assert_eq!(mine.len(), 6);
        let (items, totals) = read_all(&w, &w.employer_a, "/api/v1/bookings", 4).await;
        assert!(totals.iter().all(|t| *t == mine.len() as i64), "{totals:?}");
        assert_eq!(ids(&items).into_iter().collect::<BTreeSet<_>>(), mine);
        assert_eq!(items.len(), mine.len(), "every booking once");
        let (live, totals) = read_all(&w, &w.employer_a, "/api/v1/bookings?live=true", 2).await;
        assert_eq!(live.len(), 4);
        assert!(totals.iter().all(|t| *t == 4));
        assert!(live
            .iter()
            .all(|b| b["status"] == "booked" || b["status"] == "confirmed"));
        // The other employer sees none of them.
        let (status, theirs) = w.get(&w.employer_b, "/api/v1/bookings").await;
        assert_eq!(status, 200);
        assert_eq!(theirs["total"], 0);
        w.app.stop().await;
    }
);

on_both_backends!(
    another_employer_gets_404_whatever_it_sends,
    |backend| async move {
        let w = World::new(backend).await;
        let slot = w.api_slot(10, "10:00", "in_prison").await;
        let spare = w.api_slot(11, "10:00", "in_prison").await;
        let booking = w.book(w.application, slot);
        let good_slot = slot_body(w.today + Days::new(12), "10:00", "in_prison");
        let bodies = [
            json!({}),
            json!({ "minutes": "x", "reason": 3, "slot_id": "x", "attended": "maybe" }),
            json!([1, 2]),
        ];
        let mut calls: Vec<(Method, String, Value)> = Vec::new();
        for body in &bodies {
            calls.extend([
                (
                    Method::POST,
                    format!("/api/v1/vacancies/{}/slots", w.vacancy_a),
                    body.clone(),
                ),
                (Method::PUT, format!("/api/v1/slots/{slot}"), body.clone()),
                (
                    Method::POST,
                    format!("/api/v1/slots/{slot}/cancel"),
                    body.clone(),
                ),
            ]);
            for action in ["confirm", "move", "cancel", "attendance"] {
                calls.push((
                    Method::POST,
                    format!("/api/v1/bookings/{booking}/{action}"),
                    body.clone(),
                ));
            }
        }
        // And good bodies.
        calls.extend([
            (
                Method::POST,
                format!("/api/v1/vacancies/{}/slots", w.vacancy_a),
                good_slot.clone(),
            ),
            (Method::PUT, format!("/api/v1/slots/{slot}"), good_slot),
            (
                Method::POST,
                format!("/api/v1/slots/{slot}/cancel"),
                json!({ "reason": "Closed" }),
            ),
            (
                Method::POST,
                format!("/api/v1/bookings/{booking}/move"),
                json!({ "slot_id": spare }),
            ),
            (
                Method::POST,
                format!("/api/v1/bookings/{booking}/cancel"),
                json!({ "reason": "Closed" }),
            ),
            (
                Method::POST,
                format!("/api/v1/bookings/{booking}/attendance"),
                json!({ "attended": false }),
            ),
        ]);
        for (method, path, body) in calls {
            let (status, answer) = w
                .call(&w.employer_b, method.clone(), &path, Some(body.clone()))
                .await;
            assert_eq!(status, 404, "{method} {path} {body}: {answer}");
            assert!(answer.get("fields").is_none(), "{answer}");
        }
        for path in [
            format!("/api/v1/slots/{slot}"),
            format!("/api/v1/vacancies/{}/slots", w.vacancy_a),
        ] {
            let (status, _) = w.get(&w.employer_b, &path).await;
            assert_eq!(status, 404, "GET {path}");
        }
        // Nothing changed.
        let row = w.slot_row(slot);
        assert!(row.cancelled_at.is_none());
        assert_eq!(row.booked, 1);
        assert_eq!(row.place, "the education block");
        assert_eq!(w.booking_status(booking), "booked");
        let count: i64 = with_conn!(&mut w.conn(), |c| vacancy_slots::table
            .filter(vacancy_slots::vacancy_id.eq(w.vacancy_a))
            .count()
            .get_result(c)
            .unwrap());
        assert_eq!(count, 2);
        // The owner's token reaches the same addresses.
        let (status, _) = w.get(&w.employer_a, &format!("/api/v1/slots/{slot}")).await;
        assert_eq!(status, 200);
        let (status, _) = w
            .post(
                &w.employer_a,
                &format!("/api/v1/bookings/{booking}/move"),
                json!({}),
            )
            .await;
        assert_eq!(status, 422);
        w.app.stop().await;
    }
);

// ---------------------------------------------------------------- watches

fn leeds() -> PlaceInput {
    PlaceInput {
        name: "Leeds".into(),
        lat: 53.7965,
        lon: -1.5478,
    }
}

fn town() -> Town {
    Town {
        name: "Leeds".into(),
        lat: 53.7965,
        lon: -1.5478,
    }
}

fn every_day(start: &str, end: &str) -> TimeWindowInput {
    TimeWindowInput {
        days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .map(String::from)
            .to_vec(),
        start: start.into(),
        end: end.into(),
    }
}

/// A day job in Leeds (08:00 to 16:00 every day) starting as soon as
/// possible, open to everyone, with rolling recruitment.
fn day_job(seed: u64) -> VacancyInput {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let template = TEMPLATES
        .iter()
        .find(|t| t.title.starts_with("Forklift"))
        .unwrap();
    let mut input = generator::vacancy(&mut rng, template, &town(), "Example", now().date());
    input.remote = false;
    input.workplace = Some(leeds());
    input.offence_exclusions.clear();
    input.needs_driving_licence = false;
    input.regulated_adults = false;
    input.regulated_children = false;
    input.check_level = "basic".into();
    input.rotl_suitable = false;
    input.start = Some("asap".into());
    input.start_date = None;
    input.closing_date = None;
    input.shifts = vec![every_day("08:00", "16:00")];
    input
}

/// A person released ten days ago to Leeds with the job's certificates,
/// whose morning curfew (07:00 to 09:00 every day), if any, lasts until
/// `last_day`.
fn curfewed(reference: &str, last_day: Option<NaiveDate>, job: &VacancyInput) -> ProfileInput {
    let mut rng = ChaCha8Rng::seed_from_u64(32);
    let mut p = generator::profile(&mut rng, 1, &town(), now().date());
    p.reference = reference.into();
    p.release_date = Some(now().date() - Days::new(10));
    p.rotl_eligible_from = None;
    p.no_fixed_abode = false;
    p.release_area = Some(leeds());
    p.travel_radius_km = 25.0;
    p.right_to_work = true;
    p.driving_licence = true;
    p.readiness = "ready_to_work".into();
    p.offence_categories.clear();
    p.exclusion_zones.clear();
    p.no_driving = false;
    p.barred_adults = false;
    p.barred_children = false;
    p.licence_ends_on = None;
    p.certificates = job
        .required_certificates
        .iter()
        .map(|slug| CertificateInput {
            slug: slug.clone(),
            expires_on: None,
            expected_on: None,
        })
        .collect();
    p.curfews = last_day
        .map(|day| CurfewInput {
            ends_on: Some(day),
            ..every_day("07:00", "09:00").into()
        })
        .into_iter()
        .collect();
    p
}

impl World {
    fn publish(&self, input: &VacancyInput) -> i64 {
        let details = VacancyDetails::parse(input, &self.app.services.taxonomy).unwrap();
        let employer = store::vacancies::load(
            &mut self.conn(),
            self.vacancy_a,
            &self.app.services.taxonomy,
        )
        .unwrap()
        .employer_id;
        self.conn()
            .write(|tx| {
                store::vacancies::insert(
                    tx,
                    employer,
                    VacancyStatus::Published,
                    None,
                    &details,
                    now(),
                )
            })
            .unwrap()
    }

    fn add_person(&self, service: i64, officer: Option<i64>, input: &ProfileInput) -> i64 {
        let details = ProfileDetails::parse(input, &self.app.services.taxonomy).unwrap();
        let pseudonym = format!("Pseudonym {}", input.reference);
        self.conn()
            .write(|tx| store::profiles::insert(tx, service, officer, &pseudonym, &details, now()))
            .unwrap()
    }

    fn live_watch(&self, profile: i64, vacancy: i64) -> Option<store::watches::Watch> {
        store::watches::live(&mut self.conn(), self.officer.user_id, profile, vacancy).unwrap()
    }
}

on_both_backends!(
    watches_are_made_and_stopped_and_the_soon_list_pages_with_its_total,
    |backend| async move {
        let w = World::new(backend).await;
        let taxonomy = w.app.services.taxonomy.clone();
        let today = w.today;
        let job = day_job(31);
        let vacancies = [w.publish(&job), w.publish(&job)];
        let vacancy = vacancies[0];
        let last_day = today + Days::new(9);
        let person = w.add_person(
            w.service_id,
            Some(w.officer.user_id),
            &curfewed("A1000AA", Some(last_day), &job),
        );

        // Watched: 201 with the day; the watch is live.
        let (status, watch) = w
            .post(
                &w.officer_session,
                "/api/v1/watches",
                json!({ "profile_id": person, "vacancy_id": vacancy }),
            )
            .await;
        assert_eq!(status, 201, "{watch}");
        let day = last_day + Days::new(1);
        assert_eq!(watch["eligible_from"], day.to_string());
        assert_eq!(watch["profile_id"], person);
        assert_eq!(watch["vacancy_id"], vacancy);
        let id = watch["id"].as_i64().unwrap();
        assert_eq!(w.live_watch(person, vacancy).unwrap().id, id);
        // Watching again keeps the one watch.
        let (status, again) = w
            .post(
                &w.officer_session,
                "/api/v1/watches",
                json!({ "profile_id": person, "vacancy_id": vacancy }),
            )
            .await;
        assert_eq!(status, 201);
        assert_eq!(again["id"], id);
        // Another service's officer: 404, whatever else the body holds.
        for body in [
            json!({ "profile_id": person, "vacancy_id": vacancy }),
            json!({ "profile_id": person }),
            json!({ "profile_id": person, "vacancy_id": "x" }),
        ] {
            let (status, answer) = w
                .post(&w.stranger_session, "/api/v1/watches", body.clone())
                .await;
            assert_eq!(status, 404, "{body}: {answer}");
        }
        // Field errors for the officer's own person.
        let (status, bad) = w
            .post(
                &w.officer_session,
                "/api/v1/watches",
                json!({ "profile_id": person }),
            )
            .await;
        assert_eq!(status, 422);
        assert!(bad["fields"]["vacancy_id"].is_array(), "{bad}");
        let (status, bad) = w
            .post(
                &w.officer_session,
                "/api/v1/watches",
                json!({ "vacancy_id": vacancy }),
            )
            .await;
        assert_eq!(status, 422);
        assert!(bad["fields"]["profile_id"].is_array(), "{bad}");
        // A pair that fits today has nothing to wait for.
        let free = w.add_person(
            w.service_id,
            Some(w.officer.user_id),
            &curfewed("A1001AA", None, &job),
        );
        let (status, _) = w
            .post(
                &w.officer_session,
                "/api/v1/watches",
                json!({ "profile_id": free, "vacancy_id": vacancy }),
            )
            .await;
        assert_eq!(status, 409);

        // Stopped: only by its officer, once.
        let path = format!("/api/v1/watches/{id}");
        let (status, _) = w
            .call(&w.stranger_session, Method::DELETE, &path, None)
            .await;
        assert_eq!(status, 404);
        assert!(w.live_watch(person, vacancy).is_some());
        let (status, _) = w
            .call(&w.officer_session, Method::DELETE, &path, None)
            .await;
        assert_eq!(status, 204);
        assert!(w.live_watch(person, vacancy).is_none());
        let (status, _) = w
            .call(&w.officer_session, Method::DELETE, &path, None)
            .await;
        assert_eq!(status, 404);

        // The soon list: more people whose curfews end on different days,
        // one of another service's (never listed), read page by page.
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut mine = vec![person, free];
        for n in 0..8 {
            let ends = today + Days::new(rng.gen_range(1..70));
            let p = curfewed(&format!("B{n}00BB"), Some(ends), &job);
            mine.push(w.add_person(w.service_id, Some(w.officer.user_id), &p));
        }
        let elsewhere = common::service(&mut w.conn(), "HMP Faraway");
        w.add_person(
            elsewhere,
            None,
            &curfewed("Z9999ZZ", Some(today + Days::new(5)), &job),
        );
        w.app.matcher.reindex(|_, _, _| {}).await.unwrap();
        let until = today + Days::new(84);
        let mut conn = w.conn();
        let vacancy_rows = store::vacancies::load_many(&mut conn, &vacancies, &taxonomy).unwrap();
        let people = store::profiles::load_many(&mut conn, &mine, &taxonomy).unwrap();
        drop(conn);
        let mut expected = BTreeSet::new();
        for p in &people {
            for v in &vacancy_rows {
                if let Eligibility::From(from) = eligible_by(v, p, today, until) {
                    expected.insert((from.date, p.id, v.id));
                }
            }
        }
        assert!(expected.len() >= 10, "{expected:?}");
        let (items, totals) = read_all(&w, &w.officer_session, "/api/v1/matches/soon", 3).await;
        assert!(
            totals.iter().all(|t| *t == expected.len() as i64),
            "{totals:?} for {}",
            expected.len()
        );
        let seen: Vec<(NaiveDate, i64, i64)> = items
            .iter()
            .map(|i| {
                (
                    i["eligible_from"].as_str().unwrap().parse().unwrap(),
                    i["profile_id"].as_i64().unwrap(),
                    i["vacancy_id"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            expected.iter().copied().collect::<Vec<_>>(),
            "every pair once, soonest first"
        );
        let first = &items[0];
        let (date, _, _) = seen[0];
        assert_eq!(
            first["text"],
            format!(
                "Eligible from {}, when the curfew ends",
                date.format("%-d %B %Y")
            )
        );
        assert!(first["reference"].is_string() && first["title"].is_string());
        let (status, page) = w
            .get(&w.officer_session, "/api/v1/matches/soon?per_page=3")
            .await;
        assert_eq!(status, 200);
        assert_eq!(page["pages"], expected.len().div_ceil(3));
        assert_eq!(page["until"], until.to_string());
        let (status, _) = w
            .get(&w.officer_session, "/api/v1/matches/soon?page=0")
            .await;
        assert_eq!(status, 422);
        // Another service's officer has none of these people.
        let (status, theirs) = w.get(&w.stranger_session, "/api/v1/matches/soon").await;
        assert_eq!(status, 200);
        assert_eq!(theirs["total"], 0);
        w.app.stop().await;
    }
);

// ------------------------------------------------------------------ access

on_both_backends!(
    anonymous_callers_get_401_and_the_wrong_role_403,
    |backend| async move {
        let w = World::new(backend).await;
        let slot = w.api_slot(10, "10:00", "in_prison").await;
        let booking = w.book(w.application, slot);
        let employer_routes = [
            (
                Method::GET,
                format!("/api/v1/vacancies/{}/slots", w.vacancy_a),
            ),
            (
                Method::POST,
                format!("/api/v1/vacancies/{}/slots", w.vacancy_a),
            ),
            (Method::GET, format!("/api/v1/slots/{slot}")),
            (Method::PUT, format!("/api/v1/slots/{slot}")),
            (Method::POST, format!("/api/v1/slots/{slot}/cancel")),
            (Method::GET, "/api/v1/bookings".to_string()),
            (Method::POST, format!("/api/v1/bookings/{booking}/confirm")),
            (Method::POST, format!("/api/v1/bookings/{booking}/move")),
            (Method::POST, format!("/api/v1/bookings/{booking}/cancel")),
            (
                Method::POST,
                format!("/api/v1/bookings/{booking}/attendance"),
            ),
        ];
        let officer_routes = [
            (Method::POST, "/api/v1/watches".to_string()),
            (Method::DELETE, "/api/v1/watches/1".to_string()),
            (Method::GET, "/api/v1/matches/soon".to_string()),
        ];
        let body = |m: &Method| (*m != Method::GET).then(|| json!({ "reason": "x" }));
        for (method, path) in employer_routes.iter().chain(officer_routes.iter()) {
            let (status, answer) = w
                .call(&Caller::Anonymous, method.clone(), path, body(method))
                .await;
            assert_eq!(status, 401, "{method} {path}: {answer}");
            assert_eq!(answer["error"], "unauthenticated");
        }
        for (method, path) in &employer_routes {
            let (status, _) = w
                .call(&w.officer_session, method.clone(), path, body(method))
                .await;
            assert_eq!(status, 403, "{method} {path} as an officer");
        }
        for (method, path) in &officer_routes {
            for employer in [&w.employer_a, &w.employer_b] {
                let (status, _) = w.call(employer, method.clone(), path, body(method)).await;
                assert_eq!(status, 403, "{method} {path} as an employer");
            }
        }
        // A session's change needs its CSRF token.
        if let Caller::Session(cookie, _) = &w.employer_b {
            let stale = Caller::Session(cookie.clone(), "not-the-token".into());
            let path = format!("/api/v1/vacancies/{}/slots", w.vacancy_b);
            let body = slot_body(w.today + Days::new(3), "10:00", "in_prison");
            let (status, _) = w.post(&stale, &path, body).await;
            assert_eq!(status, 403);
        }
        // Nothing changed.
        assert_eq!(w.booking_status(booking), "booked");
        assert!(w.slot_row(slot).cancelled_at.is_none());
        w.app.stop().await;
    }
);
