//! Matching over HTTP and in stored runs, on both database backends, with
//! the embedded search engine: ranked matches, the "why not?" answer, and
//! candidates scoped to an officer's service, each checked against a
//! brute-force pass of `assess` over every pair.

mod common;

use std::collections::BTreeSet;

use chrono::Duration;
use common::{Backend, TestApp};
use diesel::prelude::*;
use fairchance::domain::matching::assess;
use fairchance::store::{self, now};
use reqwest::StatusCode;

struct Demo {
    app: TestApp,
    profiles: Vec<fairchance::domain::profile::Profile>,
    vacancies: Vec<fairchance::domain::vacancy::Vacancy>,
    officer: i64,
    service: i64,
}

async fn demo(backend: Backend) -> Demo {
    let app = TestApp::spawn(backend).await;
    fairchance::seed::demo::seed(&app.services).unwrap();
    app.matcher.reindex(|_, _, _| {}).await.unwrap();
    let mut conn = app.services.store.conn().unwrap();
    // The demo stores and approves a few matches for its job seekers (tested
    // in tests/terminal.rs); these tests run matching from nothing.
    {
        use fairchance::store::schema::matches;
        fairchance::with_conn!(&mut conn, |c| diesel::delete(matches::table)
            .execute(c)
            .unwrap());
    }
    let t = &app.services.taxonomy;
    let ids = store::profiles::all_ids(&mut conn).unwrap();
    let profiles = store::profiles::load_many(&mut conn, &ids, t).unwrap();
    let ids = store::vacancies::all_ids(&mut conn).unwrap();
    let vacancies = store::vacancies::load_many(&mut conn, &ids, t).unwrap();
    let service = store::people::find_service_by_name(&mut conn, "HMP Northmoor")
        .unwrap()
        .unwrap()
        .id;
    let officer = {
        use fairchance::store::schema::users;
        fairchance::with_conn!(&mut conn, |c| users::table
            .filter(users::service_id.eq(service))
            .select(users::id)
            .first::<i64>(c)
            .unwrap())
    };
    Demo {
        app,
        profiles,
        vacancies,
        officer,
        service,
    }
}

impl Demo {
    fn cookie(&self, user_id: i64) -> String {
        self.app.staff_session(user_id).0
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.app
            .client
            .get(self.app.url(path))
            .header("cookie", self.cookie(self.officer))
            .send()
            .await
            .unwrap()
    }

    fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now().date_naive()
    }
}

on_both_backends!(
    ranked_matches_equal_the_brute_force_eligible_set,
    |backend| async move {
        let d = demo(backend).await;
        let today = d.today();
        let mut checked = 0;
        for profile in d
            .profiles
            .iter()
            .filter(|p| p.service_id == d.service)
            .take(12)
        {
            let brute: BTreeSet<i64> = d
                .vacancies
                .iter()
                .filter(|v| assess(v, profile, today).eligible())
                .map(|v| v.id)
                .collect();
            let res = d
                .get(&format!(
                    "/api/v1/profiles/{}/matches?limit=500",
                    profile.id
                ))
                .await;
            assert_eq!(res.status(), 200);
            let body: serde_json::Value = res.json().await.unwrap();
            let items = body["items"].as_array().unwrap();
            let got: BTreeSet<i64> = items
                .iter()
                .map(|i| i["vacancy_id"].as_i64().unwrap())
                .collect();
            assert_eq!(got, brute, "profile {}", profile.id);
            let scores: Vec<f64> = items.iter().map(|i| i["score"].as_f64().unwrap()).collect();
            assert!(
                scores.windows(2).all(|w| w[0] >= w[1]),
                "ranked best first: {scores:?}"
            );
            for item in items {
                assert!(item["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|r| r["text"].as_str().is_some_and(|t| !t.is_empty())));
            }
            checked += items.len();
            // A limit keeps the best.
            let top: serde_json::Value = d
                .get(&format!("/api/v1/profiles/{}/matches?limit=2", profile.id))
                .await
                .json()
                .await
                .unwrap();
            let top: Vec<i64> = top["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["vacancy_id"].as_i64().unwrap())
                .collect();
            let best: Vec<i64> = items
                .iter()
                .take(2)
                .map(|i| i["vacancy_id"].as_i64().unwrap())
                .collect();
            assert_eq!(top, best);
        }
        assert!(checked > 0, "the demo data gives some matches");
    }
);

on_both_backends!(why_not_lists_every_failing_rule, |backend| async move {
    let d = demo(backend).await;
    let today = d.today();
    let mut explained = 0;
    let mut answered = 0;
    for profile in d
        .profiles
        .iter()
        .filter(|p| p.service_id == d.service)
        .take(6)
    {
        for vacancy in d.vacancies.iter().take(40) {
            let expected = assess(vacancy, profile, today);
            let res = d
                .get(&format!(
                    "/api/v1/profiles/{}/matches/{}",
                    profile.id, vacancy.id
                ))
                .await;
            // The answer is for published vacancies only, like the page.
            if vacancy.status != fairchance::domain::vacancy::VacancyStatus::Published {
                assert_eq!(res.status(), 404, "vacancy {} is not published", vacancy.id);
                continue;
            }
            answered += 1;
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["eligible"], expected.eligible());
            let codes: Vec<&str> = body["failures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap())
                .collect();
            let want: Vec<&str> = expected
                .failures
                .iter()
                .map(|f| f.code().as_str())
                .collect();
            assert_eq!(codes, want);
            assert!(body["failures"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| !f["message"].as_str().unwrap().is_empty()));
            explained += usize::from(!expected.eligible());
        }
    }
    assert!(explained > 0);
    let mut conn = d.app.services.store.conn().unwrap();
    let audited = store::audit::search(
        &mut conn,
        &store::audit::Filter {
            actor_user_id: Some(d.officer),
            ..Default::default()
        },
        1000,
        0,
    )
    .unwrap();
    assert!(
        answered > 100,
        "most of the vacancies are published ({answered})"
    );
    assert_eq!(
        audited.len(),
        answered,
        "every answer about a person is audited"
    );
});

on_both_backends!(
    candidates_come_only_from_the_officers_service,
    |backend| async move {
        let d = demo(backend).await;
        let today = d.today();
        let mut seen = 0;
        for vacancy in d.vacancies.iter().filter(|v| v.is_open(today)).take(15) {
            let brute: BTreeSet<i64> = d
                .profiles
                .iter()
                .filter(|p| p.service_id == d.service && assess(vacancy, p, today).eligible())
                .map(|p| p.id)
                .collect();
            let body: serde_json::Value = d
                .get(&format!(
                    "/api/v1/vacancies/{}/candidates?limit=500",
                    vacancy.id
                ))
                .await
                .json()
                .await
                .unwrap();
            let got: BTreeSet<i64> = body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["profile_id"].as_i64().unwrap())
                .collect();
            assert_eq!(got, brute, "vacancy {}", vacancy.id);
            seen += got.len();
        }
        assert!(seen > 0);
    }
);

on_both_backends!(bad_requests_get_clear_errors, |backend| async move {
    let d = demo(backend).await;
    let own = d
        .profiles
        .iter()
        .find(|p| p.service_id == d.service)
        .unwrap()
        .id;
    let other = d
        .profiles
        .iter()
        .find(|p| p.service_id != d.service)
        .unwrap()
        .id;
    let res = d
        .get(&format!("/api/v1/profiles/{own}/matches?limit=0"))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["fields"]["limit"].is_array());
    assert_eq!(
        d.get(&format!("/api/v1/profiles/{own}/matches?limit=many"))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        d.get(&format!("/api/v1/profiles/{other}/matches"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        d.get(&format!(
            "/api/v1/profiles/{other}/matches/{}",
            d.vacancies[0].id
        ))
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        d.get(&format!("/api/v1/profiles/{own}/matches/99999999"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        d.get("/api/v1/vacancies/99999999/candidates")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        d.get("/api/v1/profiles/abc/matches").await.status(),
        StatusCode::NOT_FOUND
    );
});

on_both_backends!(
    matching_runs_store_suggestions_expire_them_and_keep_dismissals,
    |backend| async move {
        let d = demo(backend).await;
        let today = d.today();
        // A vacancy with several eligible people.
        let (vacancy, eligible) = d
            .vacancies
            .iter()
            .map(|v| {
                (
                    v,
                    d.profiles
                        .iter()
                        .filter(|p| assess(v, p, today).eligible())
                        .map(|p| p.id)
                        .collect::<BTreeSet<_>>(),
                )
            })
            .max_by_key(|(_, e)| e.len())
            .unwrap();
        assert!(eligible.len() >= 2);
        let outcome = d
            .app
            .matcher
            .vacancy_changed(vacancy.id, today)
            .await
            .unwrap();
        assert_eq!(outcome.suggested, eligible.len());
        let mut conn = d.app.services.store.conn().unwrap();
        let stored = store::matches::for_vacancy(&mut conn, vacancy.id).unwrap();
        assert_eq!(stored.keys().copied().collect::<BTreeSet<_>>(), eligible);
        assert!(stored.values().all(|m| m.status.as_str() == "suggested"));
        // Running again changes nothing.
        let again = d
            .app
            .matcher
            .vacancy_changed(vacancy.id, today)
            .await
            .unwrap();
        assert_eq!((again.suggested, again.expired), (0, 0));
        // Nothing is even rewritten: every pair is found exactly as stored.
        assert_eq!((again.updated, again.unchanged), (0, eligible.len()));
        assert_eq!(
            store::matches::for_vacancy(&mut conn, vacancy.id)
                .unwrap()
                .keys()
                .copied()
                .collect::<BTreeSet<_>>(),
            eligible
        );
        // An officer dismisses one; closing the vacancy expires the rest.
        let dismissed = *eligible.iter().next().unwrap();
        {
            use fairchance::store::schema::{matches, vacancies};
            fairchance::with_conn!(&mut conn, |c| {
                diesel::update(
                    matches::table
                        .filter(matches::vacancy_id.eq(vacancy.id))
                        .filter(matches::profile_id.eq(dismissed)),
                )
                .set((
                    matches::status.eq("dismissed"),
                    matches::dismiss_reason.eq("not interested"),
                ))
                .execute(c)
                .unwrap();
                diesel::update(vacancies::table.find(vacancy.id))
                    .set((
                        vacancies::status.eq("closed"),
                        vacancies::updated_at.eq(now()),
                    ))
                    .execute(c)
                    .unwrap();
            });
        }
        let closed = d
            .app
            .matcher
            .vacancy_changed(vacancy.id, today)
            .await
            .unwrap();
        assert_eq!(closed.expired, eligible.len() - 1);
        let stored = store::matches::for_vacancy(&mut conn, vacancy.id).unwrap();
        assert_eq!(
            stored[&dismissed].status.as_str(),
            "dismissed",
            "a run never undoes a dismissal"
        );
        assert_eq!(
            stored
                .values()
                .filter(|m| m.status.as_str() == "expired")
                .count(),
            eligible.len() - 1
        );
        // Published again: the expired pairs come back as suggestions.
        {
            use fairchance::store::schema::vacancies;
            fairchance::with_conn!(&mut conn, |c| diesel::update(
                vacancies::table.find(vacancy.id)
            )
            .set((
                vacancies::status.eq("published"),
                vacancies::updated_at.eq(now())
            ))
            .execute(c)
            .unwrap());
        }
        let reopened = d
            .app
            .matcher
            .vacancy_changed(vacancy.id, today)
            .await
            .unwrap();
        assert_eq!(reopened.suggested, eligible.len() - 1);
        // The profile side finds the same pairs.
        let profile = eligible.iter().nth(1).copied().unwrap();
        let outcome = d.app.matcher.profile_changed(profile, today).await.unwrap();
        assert_eq!(outcome.expired, 0);
        let by_profile = store::matches::for_profile(&mut conn, profile).unwrap();
        assert_eq!(by_profile[&vacancy.id].status.as_str(), "suggested");
    }
);

on_both_backends!(
    keyword_search_is_typo_tolerant_synonym_aware_and_eligible_only,
    |backend| async move {
        use fairchance::domain::profile::{CertificateInput, ProfileDetails};
        use fairchance::domain::vacancy::{VacancyDetails, VacancyStatus};
        use fairchance::matches::Paging;
        use fairchance::search::VacancySearch;
        use fairchance::seed::generator::{self, Town, TEMPLATES};
        use rand::SeedableRng;
        let app = TestApp::spawn(backend).await;
        let services = app.services.clone();
        let t = &services.taxonomy;
        let today = chrono::Utc::now().date_naive();
        let leeds = Town {
            name: "Leeds".into(),
            lat: 53.7965,
            lon: -1.5478,
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let forklift = TEMPLATES
            .iter()
            .find(|t| t.title.starts_with("Forklift"))
            .unwrap();
        let mut input = generator::vacancy(&mut rng, forklift, &leeds, "Demo", today);
        input.offence_exclusions.clear();
        input.start = Some("date".into());
        input.start_date = Some(today + Duration::days(10));
        input.closing_date = Some(today + Duration::days(5));
        input.rotl_suitable = false;
        let vacancy = VacancyDetails::parse(&input, t).unwrap();
        let cleaner = VacancyDetails::parse(
            &generator::vacancy(&mut rng, &TEMPLATES[13], &leeds, "Demo", today),
            t,
        )
        .unwrap();
        let mut person = generator::profile(&mut rng, 1, &leeds, today);
        person.release_date = Some(today - Duration::days(3));
        person.no_fixed_abode = false;
        person.release_area = Some(fairchance::domain::geo::PlaceInput {
            name: "Leeds".into(),
            lat: 53.80,
            lon: -1.55,
        });
        person.travel_radius_km = 25.0;
        person.right_to_work = true;
        person.readiness = "ready_to_work".into();
        person.offence_categories.clear();
        person.curfews.clear();
        person.exclusion_zones.clear();
        person.barred_adults = false;
        person.barred_children = false;
        person.certificates = vec![CertificateInput {
            slug: "forklift-counterbalance".into(),
            expires_on: None,
            expected_on: None,
        }];
        let eligible_person = ProfileDetails::parse(&person, t).unwrap();
        person.right_to_work = false;
        person.readiness = "no_right_to_work".into();
        person.reference = "D000002".into();
        let ineligible_person = ProfileDetails::parse(&person, t).unwrap();
        let (vacancy_id, seeker, blocked) = {
            let mut conn = services.store.conn().unwrap();
            let at = now();
            let employer = store::people::create_employer(
                &mut conn,
                &store::people::NewEmployer {
                    name: "Employer",
                    sector_slug: "warehousing",
                    contact_name: "C",
                    contact_email: "c@example.org",
                    contact_phone: None,
                    address: "A",
                    website: None,
                    status: store::people::EmployerStatus::Approved,
                    decided_by: None,
                },
            )
            .unwrap();
            let service = store::people::create_service(
                &mut conn,
                &store::people::NewService {
                    name: "S",
                    kind: store::people::ServiceKind::Prison,
                    place_name: "Leeds",
                    lat: 53.8,
                    lon: -1.5,
                },
            )
            .unwrap();
            let id = conn
                .write(|tx| {
                    store::vacancies::insert(
                        tx,
                        employer,
                        VacancyStatus::Published,
                        None,
                        &vacancy,
                        at,
                    )
                })
                .unwrap();
            conn.write(|tx| {
                store::vacancies::insert(tx, employer, VacancyStatus::Published, None, &cleaner, at)
            })
            .unwrap();
            let seeker = conn
                .write(|tx| store::profiles::insert(tx, service, None, "P1", &eligible_person, at))
                .unwrap();
            let blocked = conn
                .write(|tx| {
                    store::profiles::insert(tx, service, None, "P2", &ineligible_person, at)
                })
                .unwrap();
            (id, seeker, blocked)
        };
        app.matcher.reindex(|_, _, _| {}).await.unwrap();
        let mut conn = services.store.conn().unwrap();
        let seeker = store::profiles::load(&mut conn, seeker, t).unwrap();
        let blocked = store::profiles::load(&mut conn, blocked, t).unwrap();
        for words in ["fork lift", "forklfit", "FLT", "counterbalance"] {
            let search = VacancySearch {
                text: words.into(),
                sector: None,
                min_hours: None,
                max_hours: None,
                near: None,
                limit: None,
            };
            let found = app
                .matcher
                .search_page(&seeker, &search, today, Paging::ALL)
                .await
                .unwrap()
                .items;
            assert_eq!(
                found.first().map(|r| r.item.id),
                Some(vacancy_id),
                "{words:?} finds the forklift job first"
            );
            assert!(
                app.matcher
                    .search_page(&blocked, &search, today, Paging::ALL)
                    .await
                    .unwrap()
                    .items
                    .is_empty(),
                "never a job assess excludes"
            );
        }
        let wrong_sector = VacancySearch {
            text: "FLT".into(),
            sector: Some("cleaning".into()),
            min_hours: None,
            max_hours: None,
            near: None,
            limit: None,
        };
        assert!(app
            .matcher
            .search_page(&seeker, &wrong_sector, today, Paging::ALL)
            .await
            .unwrap()
            .items
            .iter()
            .all(|r| r.item.id != vacancy_id));
        let too_few_hours = VacancySearch {
            text: "FLT".into(),
            sector: None,
            min_hours: None,
            max_hours: Some(20.0),
            near: None,
            limit: None,
        };
        assert!(app
            .matcher
            .search_page(&seeker, &too_few_hours, today, Paging::ALL)
            .await
            .unwrap()
            .items
            .iter()
            .all(|r| r.item.id != vacancy_id));
    }
);

on_both_backends!(
    publishing_a_demo_vacancy_leaves_a_digest_eml_for_its_officers,
    |backend| async move {
        use fairchance::jobs::Worker;
        // The embedded defaults: no SMTP URL, so email goes to <data dir>/outbox.
        let app = TestApp::spawn_with(backend, &[("FAIRCHANCE_DIGEST_TICK_SECONDS", "1")]).await;
        fairchance::seed::demo::seed(&app.services).unwrap();
        app.matcher.reindex(|_, _, _| {}).await.unwrap();
        let mut worker = Worker::new(app.services.clone())
            .unwrap()
            .matcher(app.matcher.clone());
        // The demo seed queued a matching run for every vacancy, as publishing does.
        let at = now();
        while worker.work(at).await.unwrap() > 0 {}
        let mut conn = app.services.store.conn().unwrap();
        let counts = store::matches::count_by_status(&mut conn).unwrap();
        let suggested = counts
            .iter()
            .find(|(s, _)| s == "suggested")
            .map(|(_, n)| *n)
            .unwrap_or(0);
        assert!(
            suggested > 0,
            "matching runs stored suggestions: {counts:?}"
        );
        // The next digest round emails each officer whose caseload has new matches.
        let later = at + Duration::seconds(2);
        worker.schedule(later).await.unwrap();
        while worker.work(later).await.unwrap() > 0 {}
        let outbox = app.services.config.data_dir.join("outbox");
        let files: Vec<_> = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(
            !files.is_empty(),
            "digest .eml files in {}",
            outbox.display()
        );
        let officers_with_matches = {
            use fairchance::store::schema::{matches, profiles};
            let officers: Vec<Option<i64>> = fairchance::with_conn!(&mut conn, |c| matches::table
                .inner_join(profiles::table)
                .filter(matches::status.eq("suggested"))
                .filter(profiles::officer_id.is_not_null())
                .select(profiles::officer_id)
                .distinct()
                .load(c)
                .unwrap());
            officers.len() as i64
        };
        let mut digests = 0i64;
        for file in &files {
            let raw = std::fs::read(file).unwrap();
            let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
            let subject = message.subject().unwrap_or_default().to_string();
            let text = message.body_text(0).unwrap_or_default().to_lowercase();
            let html = message.body_html(0).unwrap_or_default().to_lowercase();
            if subject.contains("new job match") {
                digests += 1;
            }
            for word in ["arson", "sexual", "violence", "curfew", "barred", "offence"] {
                assert!(
                    !text.contains(word) && !html.contains(word),
                    "{word} in {}",
                    file.display()
                );
            }
        }
        assert_eq!(
            digests, officers_with_matches,
            "one digest per officer concerned"
        );
        // Nothing new: the next round sends no more digests (other emails,
        // such as a new day's scans, may come).
        let even_later = later + Duration::hours(2);
        worker.schedule(even_later).await.unwrap();
        while worker.work(even_later).await.unwrap() > 0 {}
        let digests_now = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .filter(|raw| {
                let message = mail_parser::MessageParser::default().parse(raw).unwrap();
                message
                    .subject()
                    .unwrap_or_default()
                    .contains("new job match")
            })
            .count() as i64;
        assert_eq!(digests_now, digests);
    }
);

/// An approved employer and a service with one officer, for tests that
/// build their own pairs.
struct Small {
    app: TestApp,
    employer: i64,
    service: i64,
    officer: i64,
}

async fn small(backend: Backend) -> Small {
    let app = TestApp::spawn(backend).await;
    let mut conn = app.services.store.conn().unwrap();
    let employer = store::people::create_employer(
        &mut conn,
        &store::people::NewEmployer {
            name: "Rolling Recruiter",
            sector_slug: "warehousing",
            contact_name: "C",
            contact_email: "rolling@example.org",
            contact_phone: None,
            address: "A",
            website: None,
            status: store::people::EmployerStatus::Approved,
            decided_by: None,
        },
    )
    .unwrap();
    let service = store::people::create_service(
        &mut conn,
        &store::people::NewService {
            name: "HMP Rolling",
            kind: store::people::ServiceKind::Prison,
            place_name: "Leeds",
            lat: 53.8,
            lon: -1.5,
        },
    )
    .unwrap();
    let officer = store::people::create_user(
        &mut conn,
        &store::people::NewUser {
            email: "officer@rolling.example",
            display_name: "Officer",
            password_hash: "not-a-real-hash",
            membership: store::people::Membership::Service(service),
        },
    )
    .unwrap();
    Small {
        app,
        employer,
        service,
        officer,
    }
}

impl Small {
    /// Writes a vacancy of the test employer in `status`; returns its id.
    fn vacancy(
        &self,
        input: &fairchance::domain::vacancy::VacancyInput,
        status: fairchance::domain::vacancy::VacancyStatus,
    ) -> i64 {
        let t = &self.app.services.taxonomy;
        let details = fairchance::domain::vacancy::VacancyDetails::parse(input, t).unwrap();
        let mut conn = self.app.services.store.conn().unwrap();
        conn.write(|tx| store::vacancies::insert(tx, self.employer, status, None, &details, now()))
            .unwrap()
    }

    /// `N` published [`forklift_job`]s; their ids.
    fn forklift_jobs<const N: usize>(&self) -> [i64; N] {
        std::array::from_fn(|_| {
            self.vacancy(
                &forklift_job(None, None),
                fairchance::domain::vacancy::VacancyStatus::Published,
            )
        })
    }

    /// `N` people released on `release`, `{prefix}1`, `{prefix}2`, …; their
    /// ids.
    fn people<const N: usize>(&self, prefix: &str, release: chrono::NaiveDate) -> [i64; N] {
        std::array::from_fn(|i| self.person(&format!("{prefix}{}", i + 1), release))
    }

    /// Writes [`released_on`]`(reference, release)` as a person of the test
    /// service with its officer; returns the id.
    fn person(&self, reference: &str, release: chrono::NaiveDate) -> i64 {
        let t = &self.app.services.taxonomy;
        let input = released_on(reference, release);
        let details = fairchance::domain::profile::ProfileDetails::parse(&input, t).unwrap();
        let mut conn = self.app.services.store.conn().unwrap();
        conn.write(|tx| {
            store::profiles::insert(
                tx,
                self.service,
                Some(self.officer),
                reference,
                &details,
                now(),
            )
        })
        .unwrap()
    }
}

fn leeds() -> fairchance::seed::generator::Town {
    fairchance::seed::generator::Town {
        name: "Leeds".into(),
        lat: 53.7965,
        lon: -1.5478,
    }
}

/// A forklift job in Leeds that nothing about the people below excludes,
/// starting as `start` says, not suitable for day release.
fn forklift_job(
    start: Option<chrono::NaiveDate>,
    closing: Option<chrono::NaiveDate>,
) -> fairchance::domain::vacancy::VacancyInput {
    use fairchance::seed::generator::{self, TEMPLATES};
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let forklift = TEMPLATES
        .iter()
        .find(|t| t.title.starts_with("Forklift"))
        .unwrap();
    let mut input = generator::vacancy(&mut rng, forklift, &leeds(), "Demo", now().date());
    input.remote = false;
    input.workplace = Some(fairchance::domain::geo::PlaceInput {
        name: "Leeds".into(),
        lat: 53.7965,
        lon: -1.5478,
    });
    input.offence_exclusions.clear();
    input.needs_driving_licence = false;
    input.regulated_adults = false;
    input.regulated_children = false;
    input.check_level = "basic".into();
    input.rotl_suitable = false;
    input.start = Some(if start.is_some() { "date" } else { "asap" }.into());
    input.start_date = start;
    input.closing_date = closing;
    input
}

/// A person released on `release` to Leeds with a forklift card and
/// nothing that excludes them.
fn released_on(
    reference: &str,
    release: chrono::NaiveDate,
) -> fairchance::domain::profile::ProfileInput {
    use fairchance::domain::profile::CertificateInput;
    use fairchance::seed::generator;
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut person = generator::profile(&mut rng, 1, &leeds(), now().date());
    person.reference = reference.into();
    person.release_date = Some(release);
    person.rotl_eligible_from = None;
    person.no_fixed_abode = false;
    person.release_area = Some(fairchance::domain::geo::PlaceInput {
        name: "Leeds".into(),
        lat: 53.80,
        lon: -1.55,
    });
    person.travel_radius_km = 25.0;
    person.right_to_work = true;
    person.readiness = "ready_to_work".into();
    person.offence_categories.clear();
    person.curfews.clear();
    person.exclusion_zones.clear();
    person.no_driving = false;
    person.barred_adults = false;
    person.barred_children = false;
    person.certificates = vec![CertificateInput {
        slug: "forklift-counterbalance".into(),
        expires_on: None,
        expected_on: None,
    }];
    person
}

on_both_backends!(
    an_asap_vacancy_matches_people_released_later_and_says_when_they_could_start,
    |backend| async move {
        use fairchance::domain::vacancy::VacancyStatus;
        let s = small(backend).await;
        let today = now().date();
        let in_90_days = today + Duration::days(90);
        let tomorrow = today + Duration::days(1);
        let published = VacancyStatus::Published;
        let rolling = s.vacancy(&forklift_job(None, None), published);
        let fixed = s.vacancy(
            &forklift_job(Some(today + Duration::days(30)), None),
            published,
        );
        let later = s.person("L1", in_90_days);
        let soon = s.person("S1", tomorrow);
        s.app.matcher.reindex(|_, _, _| {}).await.unwrap();
        let cookie = s.app.staff_session(s.officer).0;
        let get = |path: String| {
            let req = s
                .app
                .client
                .get(s.app.url(&path))
                .header("cookie", cookie.clone());
            async move {
                req.send()
                    .await
                    .unwrap()
                    .json::<serde_json::Value>()
                    .await
                    .unwrap()
            }
        };
        let said = |matches: &serde_json::Value, vacancy: i64| -> Option<Vec<String>> {
            matches["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["vacancy_id"] == vacancy)
                .map(|i| {
                    i["reasons"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r["text"].as_str().unwrap().to_string())
                        .collect()
                })
        };
        let on = |date: chrono::NaiveDate| {
            format!("Could start on release, {}", date.format("%-d %B %Y"))
        };

        // Released in 90 days: the rolling job, not the one starting in 30.
        let matches = get(format!("/api/v1/profiles/{later}/matches?limit=50")).await;
        let reasons = said(&matches, rolling).expect("the ASAP vacancy is a match");
        assert!(reasons.contains(&on(in_90_days)), "{reasons:?}");
        assert!(said(&matches, fixed).is_none());
        let why = get(format!("/api/v1/profiles/{later}/matches/{fixed}")).await;
        assert_eq!(why["failures"][0]["code"], "starts_before_release");
        let why = get(format!("/api/v1/profiles/{later}/matches/{rolling}")).await;
        assert_eq!(why["eligible"], true);
        assert!(why["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "could_start_on_release" && r["date"] == in_90_days.to_string()));

        // Released tomorrow: both.
        let matches = get(format!("/api/v1/profiles/{soon}/matches?limit=50")).await;
        let reasons = said(&matches, rolling).expect("the ASAP vacancy is a match");
        assert!(reasons.contains(&on(tomorrow)), "{reasons:?}");
        assert!(said(&matches, fixed).is_some());

        // The stored matching run, through the engine's narrowing, finds both
        // people for the rolling job and only the sooner one for the other.
        let run = s.app.matcher.vacancy_changed(rolling, today).await.unwrap();
        assert_eq!(run.suggested, 2);
        let run = s.app.matcher.vacancy_changed(fixed, today).await.unwrap();
        assert_eq!(run.suggested, 1);
        let mut conn = s.app.services.store.conn().unwrap();
        let stored = store::matches::for_vacancy(&mut conn, fixed).unwrap();
        assert_eq!(stored.keys().copied().collect::<Vec<_>>(), vec![soon]);
        s.app.stop().await;
    }
);

on_both_backends!(
    the_daily_scan_closes_vacancies_past_their_closing_date_and_their_matches_expire,
    |backend| async move {
        use fairchance::domain::vacancy::VacancyStatus;
        use fairchance::jobs::Worker;
        let s = small(backend).await;
        let t = s.app.services.taxonomy.clone();
        let today = now().date();
        let yesterday = today - Duration::days(1);
        let start = Some(today + Duration::days(20));
        let add = |status, closing| s.vacancy(&forklift_job(start, closing), status);
        let past = add(VacancyStatus::Published, Some(yesterday));
        let paused = add(VacancyStatus::Paused, Some(yesterday));
        let closes_today = add(VacancyStatus::Published, Some(today));
        let draft = add(VacancyStatus::Draft, Some(yesterday));
        let person = s.person("C1", today);
        let member = {
            let mut conn = s.app.services.store.conn().unwrap();
            store::people::create_user(
                &mut conn,
                &store::people::NewUser {
                    email: "member@rolling.example",
                    display_name: "Member",
                    password_hash: "not-a-real-hash",
                    membership: store::people::Membership::Employer(s.employer),
                },
            )
            .unwrap()
        };
        let dashboard = || {
            let req = s
                .app
                .client
                .get(s.app.url("/employer"))
                .header("cookie", s.app.staff_session(member).0);
            async move { req.send().await.unwrap().text().await.unwrap() }
        };
        assert!(
            dashboard().await.contains("<strong>1</strong> live"),
            "past its closing date is not live, even before the daily pass"
        );
        s.app.matcher.reindex(|_, _, _| {}).await.unwrap();
        // Yesterday the vacancy was open and matched.
        let run = s
            .app
            .matcher
            .vacancy_changed(past, yesterday)
            .await
            .unwrap();
        assert_eq!(run.suggested, 1);
        let mut conn = s.app.services.store.conn().unwrap();
        assert_eq!(
            store::matches::for_vacancy(&mut conn, past).unwrap()[&person]
                .status
                .as_str(),
            "suggested"
        );
        let status =
            |conn: &mut store::Conn, id: i64| store::vacancies::load(conn, id, &t).unwrap().status;

        let at = now();
        let report =
            fairchance::jobs::schedule::daily(&mut conn, &s.app.services.config, today, at)
                .unwrap();
        assert_eq!(report.vacancies_closed, 2);
        assert_eq!(status(&mut conn, past), VacancyStatus::Closed);
        assert_eq!(status(&mut conn, paused), VacancyStatus::Closed);
        assert_eq!(
            status(&mut conn, closes_today),
            VacancyStatus::Published,
            "the closing date is the last day to apply"
        );
        assert_eq!(status(&mut conn, draft), VacancyStatus::Draft);
        let audited = store::audit::search(
            &mut conn,
            &store::audit::Filter {
                subject_kind: Some("vacancy".into()),
                subject_id: Some(past),
                ..Default::default()
            },
            10,
            0,
        )
        .unwrap();
        assert_eq!(audited.len(), 1);
        assert_eq!(audited[0].actor_kind, "system");
        assert_eq!(audited[0].action, "vacancy.status_changed");
        assert!(audited[0]
            .detail
            .as_deref()
            .unwrap()
            .starts_with("published -> closed"));
        // A second pass the same day finds nothing more.
        let again = fairchance::jobs::schedule::daily(&mut conn, &s.app.services.config, today, at)
            .unwrap();
        assert_eq!(again.vacancies_closed, 0);

        // The queued vacancy.changed jobs run: the stored match expires.
        let worker = Worker::new(s.app.services.clone())
            .unwrap()
            .matcher(s.app.matcher.clone());
        while worker.work(at).await.unwrap() > 0 {}
        assert_eq!(
            store::matches::for_vacancy(&mut conn, past).unwrap()[&person]
                .status
                .as_str(),
            "expired"
        );
        // Employers and officers read it as closed: the officers' why-not
        // answer is for published vacancies only, so it is not found.
        let cookie = s.app.staff_session(s.officer).0;
        let why = s
            .app
            .client
            .get(
                s.app
                    .url(&format!("/api/v1/profiles/{person}/matches/{past}")),
            )
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(why.status(), 404);
        assert_eq!(
            store::vacancies::load(&mut conn, past, &s.app.services.taxonomy)
                .unwrap()
                .status
                .as_str(),
            "closed"
        );
        assert!(dashboard().await.contains("<strong>1</strong> live"));
        let listed = s
            .app
            .client
            .get(s.app.url("/employer/vacancies"))
            .header("cookie", s.app.staff_session(member).0)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(listed.contains("<td>closed</td>"), "{listed}");
        s.app.stop().await;
    }
);

/// Every stored match, as (profile, vacancy, status, score, reasons).
fn stored_matches(conn: &mut store::Conn) -> Vec<(i64, i64, String, f64, String)> {
    use fairchance::store::schema::matches;
    fairchance::with_conn!(conn, |c| matches::table
        .order((matches::profile_id, matches::vacancy_id))
        .select((
            matches::profile_id,
            matches::vacancy_id,
            matches::status,
            matches::score,
            matches::reasons,
        ))
        .load(c)
        .unwrap())
}

on_both_backends!(
    matching_jobs_run_in_batches_and_store_what_one_by_one_runs_store,
    |backend| async move {
        use fairchance::jobs::{Worker, MATCH_BATCH};
        use fairchance::store::schema::jobs;
        let app = TestApp::spawn(backend).await;
        fairchance::seed::demo::seed(&app.services).unwrap();
        app.matcher.reindex(|_, _, _| {}).await.unwrap();
        let mut conn = app.services.store.conn().unwrap();
        let queued = |conn: &mut store::Conn| -> Vec<(String, String)> {
            fairchance::with_conn!(conn, |c| jobs::table
                .filter(jobs::kind.eq_any(["vacancy.changed", "profile.changed"]))
                .filter(jobs::status.eq("queued"))
                .select((jobs::kind, jobs::payload))
                .load(c)
                .unwrap())
        };
        let waiting = queued(&mut conn);
        assert!(
            waiting.len() as i64 > MATCH_BATCH,
            "the demo seed queues more matching jobs ({}) than one batch",
            waiting.len()
        );
        // A job whose payload cannot be read fails alone; the rest of its
        // batch is stored.
        let at = now();
        fairchance::with_conn!(&mut conn, |c| diesel::insert_into(jobs::table)
            .values((
                jobs::kind.eq("profile.changed"),
                jobs::payload.eq("{not json"),
                jobs::status.eq("queued"),
                jobs::attempts.eq(0),
                jobs::max_attempts.eq(5),
                jobs::run_at.eq(at - Duration::seconds(10)),
                jobs::created_at.eq(at - Duration::seconds(10)),
                jobs::updated_at.eq(at - Duration::seconds(10)),
            ))
            .execute(c)
            .unwrap());
        let worker = Worker::new(app.services.clone())
            .unwrap()
            .matcher(app.matcher.clone());
        let first = worker.work(at).await.unwrap();
        assert!(
            first as i64 >= MATCH_BATCH,
            "one claim gathers a whole batch of matching jobs: {first}"
        );
        assert!(
            queued(&mut conn).is_empty(),
            "one call goes on batch after batch while full batches come: {first} ran"
        );
        while worker.work(at).await.unwrap() > 0 {}
        assert!(queued(&mut conn).is_empty(), "every matching job ran");
        let unreadable: Vec<String> = fairchance::with_conn!(&mut conn, |c| jobs::table
            .filter(jobs::payload.eq("{not json"))
            .select(jobs::status)
            .load(c)
            .unwrap());
        assert_eq!(unreadable, ["dead"]);
        let batched = stored_matches(&mut conn);
        assert!(!batched.is_empty());
        // Running every job's row again on its own finds nothing new,
        // nothing to expire, and leaves every stored match as it was.
        let today = at.date();
        for (kind, payload) in &waiting {
            let changed: fairchance::matches::Changed = serde_json::from_str(payload).unwrap();
            let outcome = if kind == "vacancy.changed" {
                app.matcher
                    .vacancy_changed(changed.id, today)
                    .await
                    .unwrap()
            } else {
                app.matcher
                    .profile_changed(changed.id, today)
                    .await
                    .unwrap()
            };
            assert_eq!(
                (outcome.suggested, outcome.expired),
                (0, 0),
                "{kind} {}",
                changed.id
            );
        }
        assert_eq!(stored_matches(&mut conn), batched);
    }
);

on_both_backends!(
    a_rebuild_never_blanks_the_index_and_drops_what_the_database_no_longer_has,
    |backend| async move {
        use fairchance::search::IndexKind;
        let app = TestApp::spawn(backend).await;
        fairchance::seed::demo::seed(&app.services).unwrap();
        app.matcher.reindex(|_, _, _| {}).await.unwrap();
        let index = app.matcher.index().clone();
        let full = index.counts().await.unwrap();
        assert!(full.vacancies > 0 && full.profiles > 0);
        // A document whose row is gone (as after a crash between a delete
        // and its index write).
        let mut conn = app.services.store.conn().unwrap();
        let some = store::profiles::all_ids(&mut conn).unwrap()[0];
        let profile = store::profiles::load(&mut conn, some, &app.services.taxonomy).unwrap();
        let mut ghost =
            fairchance::search::ProfileDoc::build(&profile, &app.services.taxonomy, now().date());
        ghost.id = 9_999_999;
        index.upsert_profiles(&[ghost]).await.unwrap();
        // At every step of the rebuild, both indexes still hold every
        // document (counted from another thread while the rebuild waits).
        let mut seen = Vec::new();
        app.matcher
            .reindex(|kind, done, _| {
                let index = index.clone();
                let counts = std::thread::spawn(move || {
                    tokio::runtime::Builder::new_current_thread()
                        .build()
                        .unwrap()
                        .block_on(index.counts())
                        .unwrap()
                })
                .join()
                .unwrap();
                seen.push((kind, done, counts));
            })
            .await
            .unwrap();
        assert!(seen.iter().any(|(k, _, _)| *k == IndexKind::Vacancies));
        for (kind, done, counts) in &seen {
            assert!(
                counts.vacancies >= full.vacancies && counts.profiles >= full.profiles,
                "after {done} {kind:?} documents the index held {counts:?} (full: {full:?})"
            );
        }
        assert_eq!(index.counts().await.unwrap(), full, "the ghost is gone");
    }
);

/// A write transaction on a connection of its own, left open until
/// `commit`: SQL run as it stands, outside the service's pool.
struct OpenWrite(Box<dyn diesel::connection::SimpleConnection>);

impl OpenWrite {
    fn begin(db: &common::TestDb, sql: &str) -> Self {
        use diesel::connection::SimpleConnection;
        let mut conn: Box<dyn SimpleConnection> = match &db.url {
            fairchance::config::DatabaseUrl::Sqlite(path) => {
                let mut c =
                    diesel::SqliteConnection::establish(&path.display().to_string()).unwrap();
                c.batch_execute("PRAGMA busy_timeout = 15000; BEGIN IMMEDIATE")
                    .unwrap();
                Box::new(c)
            }
            fairchance::config::DatabaseUrl::Postgres(url) => {
                let mut c = diesel::PgConnection::establish(url).unwrap();
                c.batch_execute("BEGIN").unwrap();
                Box::new(c)
            }
        };
        conn.batch_execute(sql).unwrap();
        Self(conn)
    }

    fn commit(mut self) {
        self.0.batch_execute("COMMIT").unwrap();
    }
}

on_both_backends!(
    the_in_memory_copies_see_every_committed_change_whatever_the_commit_order,
    |backend| async move {
        use fairchance::domain::vacancy::VacancyStatus;
        use fairchance::matches::Paging;
        use fairchance::search::ServiceScope;
        let s = small(backend).await;
        let t = s.app.services.taxonomy.clone();
        let today = now().date();
        let publish = |title: &str| {
            let mut input = forklift_job(None, None);
            input.title = title.into();
            s.vacancy(&input, VacancyStatus::Published)
        };
        let first = publish("Forklift driver, first");
        let second = publish("Forklift driver, second");
        let person = s.person("P1", today);
        s.app.matcher.reindex(|_, _, _| {}).await.unwrap();
        let profile = {
            let mut conn = s.app.services.store.conn().unwrap();
            store::profiles::load(&mut conn, person, &t).unwrap()
        };
        let vacancy = {
            let mut conn = s.app.services.store.conn().unwrap();
            store::vacancies::load(&mut conn, first, &t).unwrap()
        };
        // What the matcher's copies say: vacancy titles for the person, and
        // the person's pseudonym for a vacancy.
        let seen = || async {
            let page = s
                .app
                .matcher
                .vacancies_page(&profile, today, Paging::ALL)
                .await
                .unwrap();
            let titles: std::collections::BTreeMap<i64, String> = page
                .items
                .iter()
                .map(|r| (r.item.id, r.item.details.title().to_string()))
                .collect();
            let page = s
                .app
                .matcher
                .profiles_page(&vacancy, &ServiceScope::All, today, Paging::ALL)
                .await
                .unwrap();
            let references: Vec<String> = page
                .items
                .iter()
                .map(|r| r.item.pseudonym.clone())
                .collect();
            (titles, references)
        };
        let pseudonym = profile.pseudonym.clone();
        let (titles, references) = seen().await;
        assert_eq!(titles[&first], "Forklift driver, first");
        assert_eq!(titles[&second], "Forklift driver, second");
        assert_eq!(references, vec![pseudonym.clone()]);

        // Transaction A writes both kinds of row and stamps an `updated_at`
        // two hours old (as a clock-based check would have trusted), and
        // stays open while the matcher looks.
        let two_hours_back = match backend {
            Backend::Sqlite => "datetime(updated_at, '-2 hours')",
            Backend::Postgres => "updated_at - INTERVAL '2 hours'",
        };
        let a = OpenWrite::begin(
            &s.app.db,
            &format!(
                "UPDATE vacancies SET title = 'Written by A' WHERE id = {first}; \
                 UPDATE profiles SET pseudonym = 'Written by A' WHERE id = {person}; \
                 UPDATE vacancies SET updated_at = {two_hours_back} WHERE id = {first}"
            ),
        );
        let (titles, references) = seen().await;
        assert_eq!(
            titles[&first], "Forklift driver, first",
            "A has not committed"
        );
        assert_eq!(references, vec![pseudonym.clone()]);

        if backend == Backend::Postgres {
            // Transaction B starts after A, commits before it, and the
            // matcher looks in between. (SQLite has one writer at a time, so
            // its commits cannot come out of order: B would wait for A.)
            let b = OpenWrite::begin(
                &s.app.db,
                &format!("UPDATE vacancies SET title = 'Written by B' WHERE id = {second}"),
            );
            b.commit();
            let (titles, _) = seen().await;
            assert_eq!(titles[&second], "Written by B");
            assert_eq!(
                titles[&first], "Forklift driver, first",
                "A has not committed"
            );
        }

        a.commit();
        let (titles, references) = seen().await;
        assert_eq!(titles[&first], "Written by A", "A's late commit is seen");
        assert_eq!(references, vec!["Written by A".to_string()]);
        if backend == Backend::Postgres {
            assert_eq!(titles[&second], "Written by B");
        }

        // Nothing changed since: the copies stay as they are; the next
        // committed write is seen on the next look.
        let (again, _) = seen().await;
        assert_eq!(again, titles);
        OpenWrite::begin(
            &s.app.db,
            &format!("UPDATE vacancies SET title = 'Renamed' WHERE id = {first}"),
        )
        .commit();
        let (titles, _) = seen().await;
        assert_eq!(titles[&first], "Renamed");
        s.app.stop().await;
    }
);

on_both_backends!(
    a_reading_request_sees_every_earlier_commit_and_checks_the_copies_at_most_once,
    |backend| async move {
        use fairchance::matches::reading_since;
        use std::time::Instant;
        let s = small(backend).await;
        let person = s.person("P1", now().date());
        let m = &s.app.matcher;
        let rename = |to: &str| {
            OpenWrite::begin(
                &s.app.db,
                &format!("UPDATE profiles SET pseudonym = '{to}' WHERE id = {person}"),
            )
            .commit()
        };
        let pseudonym = || async { m.profile(person).await.unwrap().unwrap().pseudonym.clone() };
        let profile_checks = || m.feed_checks().0;
        assert_eq!(pseudonym().await, "P1");

        // Outside a request, every look checks.
        let before = profile_checks();
        pseudonym().await;
        pseudonym().await;
        assert_eq!(profile_checks() - before, 2);

        // Committed before the request began: seen, with one check; the
        // request's later looks reuse it, so a commit made while it runs
        // waits for the next request.
        rename("Committed before");
        let before = profile_checks();
        let (first, second) = reading_since(Instant::now(), async {
            let first = pseudonym().await;
            rename("Committed during");
            (first, pseudonym().await)
        })
        .await;
        assert_eq!(profile_checks() - before, 1);
        assert_eq!(first, "Committed before");
        assert_eq!(second, "Committed before");
        let next = reading_since(Instant::now(), pseudonym()).await;
        assert_eq!(next, "Committed during", "the next request sees it");

        // A check another request issued after this one began stands in
        // for this one's; one issued before it began does not.
        let began = Instant::now();
        reading_since(Instant::now(), pseudonym()).await;
        let before = profile_checks();
        assert_eq!(reading_since(began, pseudonym()).await, "Committed during");
        assert_eq!(
            profile_checks(),
            before,
            "the other request's check is used"
        );
        let later = Instant::now();
        rename("Committed after the last check");
        assert_eq!(
            reading_since(later, pseudonym()).await,
            "Committed after the last check"
        );
        assert_eq!(profile_checks() - before, 1);
        s.app.stop().await;
    }
);

on_both_backends!(
    warming_fills_every_copy_and_never_holds_a_row_written_meanwhile,
    |backend| async move {
        use fairchance::domain::vacancy::VacancyStatus;
        use fairchance::matches::Matcher;
        use fairchance::search::ServiceScope;
        let s = small(backend).await;
        let today = now().date();
        let job = s.vacancy(&forklift_job(None, None), VacancyStatus::Published);
        let first = s.person("P1", today);
        let second = s.person("P2", today);
        s.app.matcher.reindex(|_, _, _| {}).await.unwrap();
        // A matcher of its own, as a process has at its start.
        let m = Matcher::new(
            s.app.services.store.clone(),
            s.app.matcher.index().clone(),
            s.app.services.taxonomy.clone(),
        );
        let start = m.copies();
        assert_eq!((start.profiles_held, start.vacancies_held), (0, 0));

        // A write left open while the copies are filled, committed after.
        let late = OpenWrite::begin(
            &s.app.db,
            &format!("UPDATE profiles SET pseudonym = 'Late' WHERE id = {second}"),
        );
        assert_eq!(m.warm().await.unwrap(), (1, 2));
        let warmed = m.copies();
        assert_eq!((warmed.vacancies_held, warmed.profiles_held), (1, 2));
        assert_eq!((warmed.vacancies_read, warmed.profiles_read), (1, 2));
        late.commit();

        // The row written meanwhile is read again, once; nothing else is.
        let pseudonym = |id| {
            let m = &m;
            async move { m.profile(id).await.unwrap().unwrap().pseudonym.clone() }
        };
        assert_eq!(pseudonym(second).await, "Late");
        let person = m.profile(first).await.unwrap().unwrap();
        let found = m.vacancies_for(&person, today, 10).await.unwrap();
        assert_eq!(
            found.iter().map(|r| r.item.id).collect::<Vec<_>>(),
            vec![job]
        );
        let vacancy = found[0].item.clone();
        let candidates = m
            .profiles_for(&vacancy, &ServiceScope::All, today, 10)
            .await
            .unwrap();
        let mut ids: Vec<i64> = candidates.iter().map(|r| r.item.id).collect();
        ids.sort_unstable();
        assert_eq!(ids, vec![first, second]);
        let after = m.copies();
        assert_eq!(after.vacancies_read, warmed.vacancies_read);
        assert_eq!(after.profiles_read, warmed.profiles_read + 1);
        s.app.stop().await;
    }
);

on_both_backends!(
    a_batch_of_runs_stores_what_its_runs_store_one_after_another,
    |backend| async move {
        use fairchance::store::matches::{apply_run, apply_runs, Found, RunOutcome, RunScope};
        let s = small(backend).await;
        let today = now().date();
        let [v1, v2] = s.forklift_jobs();
        let [p1, p2, p3] = s.people("B", today);
        let pair =
            |p: i64, v: i64, score: f64| Found::from_json(p, v, score, Some(3.0), "[]".into());
        let mut conn = s.app.services.store.conn().unwrap();
        // Stored before the batch: a pair the batch no longer finds.
        conn.write(|c| apply_run(c, RunScope::Vacancy(v1), &[pair(p3, v1, 0.5)], now()))
            .unwrap();
        // People's runs listed first: vacancies' runs are applied first all
        // the same. Both vacancies' runs find new pairs; person 1's run
        // finds one of them again as it is and the other with another
        // score; person 2's run no longer finds theirs.
        let runs = vec![
            (
                RunScope::Profile(p1),
                vec![pair(p1, v1, 0.7), pair(p1, v2, 0.9)],
            ),
            (RunScope::Profile(p2), vec![]),
            (
                RunScope::Vacancy(v1),
                vec![pair(p1, v1, 0.7), pair(p2, v1, 0.6)],
            ),
            (RunScope::Vacancy(v2), vec![pair(p1, v2, 0.8)]),
        ];
        let outcome = conn.write(|c| apply_runs(c, &runs, now())).unwrap();
        assert_eq!(
            outcome,
            RunOutcome {
                suggested: 3,
                updated: 1,
                unchanged: 1,
                expired: 2,
            }
        );
        let stored: Vec<(i64, i64, String, f64)> = stored_matches(&mut conn)
            .into_iter()
            .map(|(p, v, status, score, _)| (p, v, status, score))
            .collect();
        let expected = vec![
            (p1, v1, "suggested".to_owned(), 0.7),
            (p1, v2, "suggested".to_owned(), 0.9),
            (p2, v1, "expired".to_owned(), 0.6),
            (p3, v1, "expired".to_owned(), 0.5),
        ];
        assert_eq!(stored, expected);
        // The same runs one after another, on a fresh start, store the same.
        fairchance::with_conn!(&mut conn, |c| diesel::delete(
            fairchance::store::schema::matches::table
        )
        .execute(c)
        .unwrap());
        conn.write(|c| apply_run(c, RunScope::Vacancy(v1), &[pair(p3, v1, 0.5)], now()))
            .unwrap();
        for i in [2, 3, 0, 1] {
            let (scope, found) = &runs[i];
            conn.write(|c| apply_run(c, *scope, found, now())).unwrap();
        }
        let one_by_one: Vec<(i64, i64, String, f64)> = stored_matches(&mut conn)
            .into_iter()
            .map(|(p, v, status, score, _)| (p, v, status, score))
            .collect();
        assert_eq!(one_by_one, expected);
        s.app.stop().await;
    }
);

on_both_backends!(
    new_pairs_are_stored_exactly_as_their_runs_found_them,
    |backend| async move {
        use fairchance::store::matches::{apply_runs, Found, RunScope};
        let s = small(backend).await;
        let today = now().date();
        let [v1, v2] = s.forklift_jobs();
        let [p1, p2, p3] = s.people("E", today);
        // Scores and distances whose shortest text has 17 digits, the
        // smallest normal number, no distance; reasons with quotes,
        // backslashes, slashes and characters outside ASCII.
        let awkward = r#"[{"kind":"x","s":"caf\u00e9 \"q\" \\ / ☕ 😀"}]"#;
        let found = [
            Found::from_json(
                p1,
                v1,
                0.1 + 0.2,
                Some(12_345.678_901_234_567),
                awkward.into(),
            ),
            Found::from_json(p2, v1, 1.0 / 3.0, None, "[]".into()),
            Found::from_json(p3, v1, f64::MIN_POSITIVE, Some(1e-12), awkward.into()),
            Found::from_json(p1, v2, 1.0, Some(0.0), "[]".into()),
            Found::from_json(p2, v2, 0.0, Some(2.0 / 3.0), awkward.into()),
        ];
        let runs = vec![
            (RunScope::Vacancy(v1), found[..3].to_vec()),
            (RunScope::Vacancy(v2), found[3..].to_vec()),
        ];
        let mut conn = s.app.services.store.conn().unwrap();
        let first = conn.write(|c| apply_runs(c, &runs, now())).unwrap();
        assert_eq!(first.suggested, 5, "{first:?}");
        let mut expected: Vec<(i64, i64, String, f64, String)> = found
            .iter()
            .map(|f| {
                (
                    f.profile_id,
                    f.vacancy_id,
                    "suggested".to_owned(),
                    f.score,
                    f.reasons.clone(),
                )
            })
            .collect();
        expected.sort_by_key(|(p, v, ..)| (*p, *v));
        assert_eq!(stored_matches(&mut conn), expected);
        let distances: Vec<Option<f64>> = fairchance::with_conn!(&mut conn, |c| {
            use fairchance::store::schema::matches;
            matches::table
                .order((matches::vacancy_id, matches::profile_id))
                .select(matches::distance_km)
                .load(c)
                .unwrap()
        });
        assert_eq!(
            distances,
            found.iter().map(|f| f.distance_km).collect::<Vec<_>>()
        );
        // The same runs again find every pair as it is stored.
        let again = conn.write(|c| apply_runs(c, &runs, now())).unwrap();
        assert_eq!((again.unchanged, again.updated, again.suggested), (5, 0, 0));
        s.app.stop().await;
    }
);

on_both_backends!(
    a_pipeline_stores_each_batch_in_order_while_the_next_is_matched,
    |backend| async move {
        use fairchance::matches::Pipeline;
        let s = small(backend).await;
        let today = now().date();
        let [v1, v2] = s.forklift_jobs();
        let [p1, p2] = s.people("P", today);
        let mut pipeline = Pipeline::new(s.app.matcher.clone());
        // The first batch is matched and held: nothing stored yet.
        let ended = pipeline.push("new", &[v1, v2], &[p1, p2], today).await;
        assert!(ended.is_empty(), "{ended:?}");
        let mut conn = s.app.services.store.conn().unwrap();
        assert!(stored_matches(&mut conn).is_empty());
        // Then the first vacancy closes and a second batch runs it again,
        // matched while the first is stored. Its store comes after the
        // first's, so those pairs end expired.
        fairchance::with_conn!(&mut conn, |c| {
            use fairchance::store::schema::vacancies;
            diesel::update(vacancies::table.find(v1))
                .set((
                    vacancies::status.eq("closed"),
                    vacancies::updated_at.eq(now()),
                ))
                .execute(c)
                .unwrap()
        });
        let ended = pipeline.push("closed", &[v1], &[], today).await;
        let [("new", Ok(new))] = ended.as_slice() else {
            panic!("the first batch ends when the second is pushed: {ended:?}");
        };
        assert_eq!(new.suggested, 4, "{new:?}");
        let Some(("closed", Ok(closed))) = pipeline.finish().await else {
            panic!("finish stores the last batch");
        };
        assert_eq!(closed.expired, 2, "{closed:?}");
        assert!(
            pipeline.finish().await.is_none(),
            "nothing is left to store"
        );
        let stored: Vec<(i64, i64, String)> = stored_matches(&mut conn)
            .into_iter()
            .map(|(p, v, status, ..)| (p, v, status))
            .collect();
        let mut expected = vec![
            (p1, v1, "expired".to_owned()),
            (p1, v2, "suggested".to_owned()),
            (p2, v1, "expired".to_owned()),
            (p2, v2, "suggested".to_owned()),
        ];
        expected.sort();
        assert_eq!(stored, expected);
        s.app.stop().await;
    }
);

on_both_backends!(
    a_batch_with_a_new_vacancy_and_a_new_person_matches_them,
    |backend| async move {
        use fairchance::domain::vacancy::VacancyStatus;
        let s = small(backend).await;
        let today = now().date();
        let job = s.vacancy(&forklift_job(None, None), VacancyStatus::Published);
        let person = s.person("B1", today);
        let m = &s.app.matcher;
        assert_eq!(
            m.index().counts().await.unwrap(),
            fairchance::search::DocumentCounts::default(),
            "neither is indexed before the batch"
        );
        // Each run asks the other kind's index: it must hold the batch's row.
        let outcome = m.changed_many(&[job], &[person], today).await.unwrap();
        assert_eq!(outcome.suggested, 1, "{outcome:?}");
        let mut conn = s.app.services.store.conn().unwrap();
        let pairs: Vec<(i64, i64)> = stored_matches(&mut conn)
            .into_iter()
            .map(|(p, v, ..)| (p, v))
            .collect();
        assert_eq!(pairs, vec![(person, job)]);
        assert_eq!(
            m.index().counts().await.unwrap(),
            fairchance::search::DocumentCounts {
                vacancies: 1,
                profiles: 1
            }
        );
        s.app.stop().await;
    }
);
