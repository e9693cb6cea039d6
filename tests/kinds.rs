//! Vacancy kinds, "not yet open" and the day release travel limit (issue
//! #22 items 1, 2 and 5), on both backends: kinds are stored with their
//! fields and their CHECKs hold through every change of kind; matching
//! through the search engine applies the day release rules; and the
//! officer's "to do before starting" list is the brute-force answer, paged
//! with its total. All people, places and employers here are made up.

mod common;

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use common::{Backend, TestApp};
use fairchance::domain::documents::DocumentVocabulary;
use fairchance::domain::geo::PlaceInput;
use fairchance::domain::profile::{ProfileDetails, ProfileInput, TodoInput, TodoKind};
use fairchance::domain::vacancy::{VacancyDetails, VacancyInput, VacancyKind, VacancyStatus};
use fairchance::matches::Paging;
use fairchance::store::people::Membership;
use fairchance::store::{self, now};
use rand::{Rng, SeedableRng};

struct World {
    app: TestApp,
    service: i64,
    officer: i64,
    employer: i64,
}

impl World {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::spawn(backend).await;
        let mut conn = app.services.store.conn().unwrap();
        // The prison is in Leeds (53.8, -1.5).
        let service = common::service(&mut conn, "HMP Exampleton");
        let officer = common::staff_user(
            &mut conn,
            "officer@exampleton.example",
            Membership::Service(service),
        );
        let employer = common::approved_employer(&mut conn, "Example Works");
        drop(conn);
        World {
            app,
            service,
            officer,
            employer,
        }
    }

    fn conn(&self) -> store::Conn {
        self.app.services.store.conn().unwrap()
    }

    fn publish(&self, input: &VacancyInput) -> i64 {
        let details = VacancyDetails::parse(input, &self.app.services.taxonomy).unwrap();
        self.conn()
            .write(|tx| {
                store::vacancies::insert(
                    tx,
                    self.employer,
                    VacancyStatus::Published,
                    None,
                    &details,
                    now(),
                )
            })
            .unwrap()
    }

    fn add_person(&self, input: &ProfileInput) -> i64 {
        let details = ProfileDetails::parse(input, &self.app.services.taxonomy).unwrap();
        let pseudonym = format!("Pseudonym {}", input.reference);
        self.conn()
            .write(|tx| {
                store::profiles::insert(
                    tx,
                    self.service,
                    Some(self.officer),
                    &pseudonym,
                    &details,
                    now(),
                )
            })
            .unwrap()
    }

    fn matched_to(&self, vacancy: i64) -> BTreeSet<i64> {
        store::matches::for_vacancy(&mut self.conn(), vacancy)
            .unwrap()
            .into_iter()
            .filter(|(_, m)| m.status.as_str() != "expired")
            .map(|(id, _)| id)
            .collect()
    }
}

fn place(name: &str, lat: f64, lon: f64) -> PlaceInput {
    PlaceInput {
        name: name.into(),
        lat,
        lon,
    }
}

/// A warehouse job near Leeds that excludes nobody, starting in 30 days.
fn job() -> VacancyInput {
    use fairchance::seed::generator::{self, Town, TEMPLATES};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(22);
    let template = TEMPLATES
        .iter()
        .find(|t| t.title.starts_with("Forklift"))
        .unwrap();
    let town = Town {
        name: "Leeds".into(),
        lat: 53.7965,
        lon: -1.5478,
    };
    let mut input = generator::vacancy(&mut rng, template, &town, "Example", now().date());
    input.remote = false;
    input.workplace = Some(place("Leeds", 53.7965, -1.5478));
    input.offence_exclusions.clear();
    input.needs_driving_licence = false;
    input.regulated_adults = false;
    input.regulated_children = false;
    input.required_certificates.clear();
    input.check_level = "basic".into();
    input.convictions_asked = None;
    input.start = Some("date".into());
    input.start_date = Some(now().date() + Duration::days(30));
    input.closing_date = None;
    input.shifts = vec![fairchance::domain::schedule::TimeWindowInput {
        days: vec!["mon".into(), "wed".into()],
        start: "09:00".into(),
        end: "15:00".into(),
    }];
    input
}

fn placement(travel: &str) -> VacancyInput {
    VacancyInput {
        kind: Some("rotl_placement".into()),
        travel: Some(travel.into()),
        ..job()
    }
}

/// A person in Leeds released in 90 days, on day release from `rotl_from`.
fn person(reference: &str, rotl_from: Option<NaiveDate>, rotl_km: Option<f64>) -> ProfileInput {
    ProfileInput {
        given_name: "Alex".into(),
        family_name: format!("Example {reference}"),
        reference: reference.into(),
        release_date: Some(now().date() + Duration::days(90)),
        release_area: Some(place("Leeds", 53.7965, -1.5478)),
        travel_radius_km: 30.0,
        right_to_work: true,
        rotl_eligible_from: rotl_from,
        rotl_travel_km: rotl_km,
        readiness: "ready_to_work".into(),
        ..ProfileInput::default()
    }
}

on_both_backends!(kinds_are_stored_and_change_kind, |backend| async move {
    let w = World::new(backend).await;
    let taxonomy = w.app.services.taxonomy.clone();
    let start = now().date() + Duration::days(30);
    let trial = VacancyInput {
        kind: Some("work_trial".into()),
        trial_ends_on: Some(start + Duration::days(4)),
        trial_paid: Some(false),
        trial_timing: Some("before_release".into()),
        opens_on: Some(now().date() + Duration::days(3)),
        ..job()
    };
    let id = w.publish(&trial);
    // Compared on what kinds add (skill lists come back as sets).
    let same = |a: &VacancyDetails, b: &VacancyDetails| {
        assert_eq!(a.kind_details(), b.kind_details());
        assert_eq!(a.opens_on(), b.opens_on());
        assert_eq!(a.rotl_suitable(), b.rotl_suitable());
        assert_eq!(a.start(), b.start());
        assert_eq!(a.shifts(), b.shifts());
    };
    let stored = store::vacancies::load(&mut w.conn(), id, &taxonomy).unwrap();
    let parsed = VacancyDetails::parse(&trial, &taxonomy).unwrap();
    same(&stored.details, &parsed);
    assert!(stored.details.rotl_suitable());
    // Every change of kind passes the CHECKs (written in three steps).
    for next in [placement("Minibus"), job(), trial.clone(), placement("")] {
        let details = VacancyDetails::parse(&next, &taxonomy).unwrap();
        w.conn()
            .write(|tx| store::vacancies::update(tx, id, w.employer, &details, now()))
            .unwrap();
        let stored = store::vacancies::load(&mut w.conn(), id, &taxonomy).unwrap();
        same(&stored.details, &details);
    }
    // The database itself refuses a placement that is not rotl_suitable.
    let mut conn = w.conn();
    let refused = fairchance::with_conn!(&mut conn, |c| {
        use diesel::prelude::*;
        diesel::sql_query(format!(
            "UPDATE vacancies SET rotl_suitable = false WHERE id = {id}"
        ))
        .execute(c)
    });
    assert!(refused.is_err(), "the CHECK holds");
    // A person's day release travel limit is stored; the prison comes from
    // the service.
    let p = w.add_person(&person("K0001AA", None, Some(12.5)));
    let profile = store::profiles::load(&mut w.conn(), p, &taxonomy).unwrap();
    assert_eq!(profile.details.rotl_travel_km(), Some(12.5));
    assert_eq!(profile.prison.unwrap().name(), "Leeds");
    w.app.stop().await;
});

on_both_backends!(
    matching_applies_the_day_release_rules,
    |backend| async move {
        let w = World::new(backend).await;
        let today = now().date();
        let start = today + Duration::days(30);
        // On site 20 km north of the prison in Leeds.
        let mut far = placement("Bus 12 from the gate");
        far.workplace = Some(place("North of Leeds", 53.8 + 20.0 / 111.2, -1.5));
        let far = w.publish(&far);
        let near = w.publish(&placement("Walk"));
        let on_the_day = w.add_person(&person("R0001AA", Some(start), Some(25.0)));
        let day_after = w.add_person(&person("R0002AA", Some(start + Duration::days(1)), None));
        let short_limit = w.add_person(&person("R0003AA", Some(start), Some(10.0)));
        // A job starting after everyone's release, open in two days.
        let not_yet_open = w.publish(&VacancyInput {
            opens_on: Some(today + Duration::days(2)),
            start_date: Some(today + Duration::days(100)),
            ..job()
        });
        w.app.matcher.reindex(|_, _, _| {}).await.unwrap();
        for id in [on_the_day, day_after, short_limit] {
            w.app.matcher.profile_changed(id, today).await.unwrap();
        }
        for id in [far, near, not_yet_open] {
            w.app.matcher.vacancy_changed(id, today).await.unwrap();
        }
        let near_people = w.matched_to(near);
        assert!(near_people.contains(&on_the_day), "{near_people:?}");
        assert!(near_people.contains(&short_limit), "{near_people:?}");
        assert!(!near_people.contains(&day_after), "{near_people:?}");
        let far_people = w.matched_to(far);
        assert!(far_people.contains(&on_the_day), "{far_people:?}");
        assert!(!far_people.contains(&short_limit), "{far_people:?}");
        assert!(w.matched_to(not_yet_open).is_empty());
        // The day it opens, the daily pass queues its matching run.
        let day = today + Duration::days(2);
        let at = day.and_hms_opt(0, 5, 0).unwrap();
        let config = w.app.services.config.clone();
        let mut conn = w.conn();
        let report = fairchance::jobs::schedule::daily(&mut conn, &config, day, at).unwrap();
        assert_eq!(report.vacancies_opened, 1);
        w.app
            .matcher
            .vacancy_changed(not_yet_open, day)
            .await
            .unwrap();
        assert!(!w.matched_to(not_yet_open).is_empty());
        w.app.stop().await;
    }
);

on_both_backends!(
    the_to_do_list_is_the_brute_force_answer,
    |backend| async move {
        let w = World::new(backend).await;
        let taxonomy = w.app.services.taxonomy.clone();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2205);
        let wordings = [
            "Photo ID",
            "Bank details for wages",
            "Your CV",
            "Proof of address",
            "CSCS card",
            "Safety boots",
        ];
        let mut vacancies = Vec::new();
        for n in 0..12 {
            let mut input = job();
            input.documents_needed = wordings
                .iter()
                .filter(|_| rng.gen_bool(0.4))
                .map(|d| d.to_string())
                .collect();
            input.title = format!("Job {n:02}");
            vacancies.push(w.publish(&input));
        }
        // Another service's person, approved for every job: never listed.
        let other_service = common::service(&mut w.conn(), "HMP Elsewhere");
        let mut people = Vec::new();
        for n in 0..25 {
            let mut input = person(&format!("T{n:04}AA"), None, None);
            for (kind, note) in [
                ("id", ""),
                ("bank_account", ""),
                ("cv", ""),
                ("housing", ""),
                ("other", "CSCS card"),
                ("other", "Glasses"),
            ] {
                if rng.gen_bool(0.3) {
                    input.todos.push(TodoInput {
                        kind: kind.into(),
                        note: note.into(),
                        done: rng.gen_bool(0.3),
                    });
                }
            }
            let details = ProfileDetails::parse(&input, &taxonomy).unwrap();
            let service = if n == 24 { other_service } else { w.service };
            let id = w
                .conn()
                .write(|tx| {
                    store::profiles::insert(
                        tx,
                        service,
                        None,
                        &format!("Pseudo {n}"),
                        &details,
                        now(),
                    )
                })
                .unwrap();
            people.push((id, details));
        }
        // Approve some matches (the store, as the officer's decision would).
        let mut expected = Vec::new();
        for (id, details) in &people {
            for (n, vacancy) in vacancies.iter().enumerate() {
                if !rng.gen_bool(0.35) && *id != people[24].0 {
                    continue;
                }
                let v = store::vacancies::load(&mut w.conn(), *vacancy, &taxonomy).unwrap();
                // Some suggested (not yet approved): never listed.
                let status = if n % 5 == 0 { "suggested" } else { "approved" };
                let mut conn = w.conn();
                let match_id: i64 = fairchance::with_conn!(&mut conn, |c| {
                    use diesel::prelude::*;
                    use fairchance::store::schema::matches;
                    diesel::insert_into(matches::table)
                        .values((
                            matches::profile_id.eq(*id),
                            matches::vacancy_id.eq(*vacancy),
                            matches::status.eq(status),
                            matches::score.eq(0.5),
                            matches::reasons.eq("[]"),
                            matches::created_at.eq(now()),
                            matches::updated_at.eq(now()),
                            matches::required_met.eq(0),
                            matches::required_total.eq(0),
                        ))
                        .returning(matches::id)
                        .get_result(c)
                })
                .unwrap();
                let todos: Vec<String> = DocumentVocabulary::embedded()
                    .todos_before_starting(&v.details, details)
                    .iter()
                    .map(|t| fairchance::domain::documents::todo_label(t))
                    .collect();
                if status == "approved" && !todos.is_empty() && *id != people[24].0 {
                    expected.push((details.family_name().to_string(), *id, match_id, todos));
                }
            }
        }
        expected.sort();
        assert!(
            expected.len() > 10,
            "the data makes a list: {}",
            expected.len()
        );
        let mut conn = w.conn();
        let all = fairchance::app::matches::todo_lines(&mut conn, w.service, Paging::ALL).unwrap();
        let got: Vec<(i64, i64, Vec<String>)> = all
            .lines
            .iter()
            .map(|l| (l.profile_id, l.match_id, l.todos.clone()))
            .collect();
        let want: Vec<(i64, i64, Vec<String>)> = expected
            .iter()
            .map(|(_, p, m, t)| (*p, *m, t.clone()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(all.total, expected.len());
        // Paged: the pages put together are the whole list, each with the total.
        let mut paged = Vec::new();
        for page in 1..=expected.len().div_ceil(4) {
            let one = fairchance::app::matches::todo_lines(
                &mut conn,
                w.service,
                Paging { page, per_page: 4 },
            )
            .unwrap();
            assert_eq!(one.total, expected.len());
            paged.extend(one.lines);
        }
        assert_eq!(paged, all.lines);
        // The home page shows the first page and the count.
        let (cookie, _) = w.app.staff_session(w.officer);
        let html = w
            .app
            .client
            .get(w.app.url("/officer"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("To do before starting"), "{html}");
        assert!(
            html.contains(&format!("of {} matches", expected.len())),
            "{html}"
        );
        // Each person's matches page carries the note on the match's line,
        // whether the pair is still ranked or only a decided match now.
        for (_, person, _, todos) in expected.iter().take(6) {
            let (cookie, _) = w.app.staff_session(w.officer);
            let html = w
                .app
                .client
                .get(w.app.url(&format!("/officer/profiles/{person}/matches")))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let note = format!("To do before starting: {}", todos.join(", "));
            assert!(html.contains(&note), "{note}: {html}");
        }
        let _ = TodoKind::ALL;
        let _ = VacancyKind::ALL;
        w.app.stop().await;
    }
);
