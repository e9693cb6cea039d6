//! "Eligible from" (issue #22 item 4), on both backends: the why-not page
//! and its JSON twin give the day a pair that fails only on time becomes
//! eligible; an officer watches it (CSRF, their own service only) and the
//! daily pass, on a simulated clock, emails them once on that day, not
//! before, not twice, and not at all when the vacancy closed; a
//! certificate being gained carries its expected date through the profile
//! API; and the "soon eligible" list equals a brute-force answer over
//! every pair of generated data, page by page. All people, places and
//! employers here are made up.

mod common;
mod notify_support;

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use common::{Backend, TestApp};
use fairchance::domain::eligible::{eligible_by, Eligibility};
use fairchance::domain::geo::PlaceInput;
use fairchance::domain::profile::{CurfewInput, ProfileDetails, ProfileInput};
use fairchance::domain::schedule::TimeWindowInput;
use fairchance::domain::vacancy::{VacancyDetails, VacancyInput, VacancyStatus};
use fairchance::jobs::schedule;
use fairchance::seed::generator::{self, Town, TEMPLATES};
use fairchance::store::people::Membership;
use fairchance::store::{self, now};
use notify_support::queued_emails;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

struct World {
    app: TestApp,
    service: i64,
    officer: i64,
    employer: i64,
}

const OFFICER_EMAIL: &str = "officer@examplefield.example";

impl World {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::spawn(backend).await;
        let mut conn = app.services.store.conn().unwrap();
        let service = common::service(&mut conn, "HMP Examplefield");
        let officer = common::staff_user(&mut conn, OFFICER_EMAIL, Membership::Service(service));
        let employer = common::approved_employer(&mut conn, "Example Day Logistics");
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

    fn add_person(&self, service: i64, officer: Option<i64>, input: &ProfileInput) -> i64 {
        let details = ProfileDetails::parse(input, &self.app.services.taxonomy).unwrap();
        let pseudonym = format!("Pseudonym {}", input.reference);
        self.conn()
            .write(|tx| store::profiles::insert(tx, service, officer, &pseudonym, &details, now()))
            .unwrap()
    }

    /// The daily watch pass for `day`, as the worker runs it.
    fn daily_watches(&self, day: NaiveDate) -> schedule::WatchReport {
        let services = &self.app.services;
        let at = day.and_hms_opt(6, 0, 0).unwrap();
        schedule::watches(
            &mut self.conn(),
            &services.config,
            &services.taxonomy,
            day,
            at,
        )
        .unwrap()
    }

    fn emails_to_officer(&self) -> Vec<fairchance::notify::Email> {
        queued_emails(&mut self.conn())
            .into_iter()
            .filter(|e| e.to_address == OFFICER_EMAIL)
            .collect()
    }

    async fn get_page(&self, user: i64, path: &str) -> (u16, String) {
        let (cookie, _) = self.app.staff_session(user);
        let res = self
            .app
            .client
            .get(self.app.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    async fn post_form(&self, user: i64, path: &str, fields: &[(&str, &str)], csrf: bool) -> u16 {
        let (cookie, token) = self.app.staff_session(user);
        let mut form = fields.to_vec();
        if csrf {
            form.push(("csrf_token", &token));
        }
        self.app
            .client
            .post(self.app.url(path))
            .header("cookie", cookie)
            .form(&form)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn api(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let (cookie, csrf) = self.app.staff_session(self.officer);
        let mut req = self
            .app
            .client
            .request(method, self.app.url(path))
            .header("cookie", cookie)
            .header("x-csrf-token", csrf);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    fn live_watch(&self, profile: i64, vacancy: i64) -> Option<NaiveDate> {
        store::watches::live(&mut self.conn(), self.officer, profile, vacancy)
            .unwrap()
            .map(|w| w.eligible_from)
    }
}

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

/// A day job in Leeds starting as soon as possible, open to everyone,
/// with rolling recruitment.
fn job() -> VacancyInput {
    let mut rng = ChaCha8Rng::seed_from_u64(31);
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

/// A person released ten days ago to Leeds with every certificate the job
/// asks for, no condition and nothing in the way.
fn person(reference: &str) -> ProfileInput {
    use fairchance::domain::profile::CertificateInput;
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
    p.curfews.clear();
    p.exclusion_zones.clear();
    p.no_driving = false;
    p.barred_adults = false;
    p.barred_children = false;
    p.certificates = job()
        .required_certificates
        .into_iter()
        .map(|slug| CertificateInput {
            slug,
            expires_on: None,
            expected_on: None,
        })
        .collect();
    p
}

/// A person whose morning curfew (every day 07:00 to 09:00) lasts until
/// `last_day`: the day job clashes with it until then.
fn with_curfew_until(reference: &str, last_day: NaiveDate) -> ProfileInput {
    let mut p = person(reference);
    p.curfews = vec![CurfewInput {
        ends_on: Some(last_day),
        ..every_day("07:00", "09:00").into()
    }];
    p
}

fn long_date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

on_both_backends!(
    why_not_gives_the_date_and_the_watch_emails_once_on_the_day,
    |backend| async move {
        let w = World::new(backend).await;
        let today = now().date();
        let last_day = today + Days::new(9);
        let day = today + Days::new(10);
        let vacancy = w.publish(&job());
        let id = w.add_person(
            w.service,
            Some(w.officer),
            &with_curfew_until("A1000AA", last_day),
        );

        // The why-not page and its JSON twin give the date and the reason.
        let path = format!("/officer/profiles/{id}/matches?why_not={vacancy}");
        let (status, html) = w.get_page(w.officer, &path).await;
        assert_eq!(status, 200);
        let sentence = format!("Eligible from {}, when the curfew ends", long_date(day));
        assert!(html.contains(&sentence), "{html}");
        assert!(html.contains("Email me on that day"));
        let (status, json) = w
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/profiles/{id}/matches/{vacancy}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(json["eligible_from"]["date"], day.to_string());
        assert_eq!(json["eligible_from"]["events"][0]["kind"], "curfew_ends");
        assert_eq!(json["eligible_from"]["text"], sentence);

        // Watching needs the CSRF token and the officer's own service.
        let watches = format!("/officer/profiles/{id}/watches");
        let vid = vacancy.to_string();
        let form = [("vacancy_id", vid.as_str())];
        assert_eq!(w.post_form(w.officer, &watches, &form, false).await, 403);
        let other_service = common::service(&mut w.conn(), "HMP Elsewhere");
        let stranger = common::staff_user(
            &mut w.conn(),
            "stranger@elsewhere.example",
            Membership::Service(other_service),
        );
        assert_eq!(w.post_form(stranger, &watches, &form, true).await, 404);
        assert_eq!(w.live_watch(id, vacancy), None);
        assert_eq!(w.post_form(w.officer, &watches, &form, true).await, 303);
        assert_eq!(w.live_watch(id, vacancy), Some(day));
        // Watching again keeps the one watch.
        assert_eq!(w.post_form(w.officer, &watches, &form, true).await, 303);
        let (_, html) = w.get_page(w.officer, &path).await;
        assert!(html.contains("You are watching this"), "{html}");

        // The daily pass: nothing before the day, one email on it, none on
        // a rerun or the day after.
        assert_eq!(w.daily_watches(day - Days::new(1)).notified, 0);
        assert!(w.emails_to_officer().is_empty());
        assert_eq!(w.daily_watches(day).notified, 1);
        assert_eq!(w.daily_watches(day).notified, 0);
        assert_eq!(w.daily_watches(day + Days::new(1)).notified, 0);
        let emails = w.emails_to_officer();
        assert_eq!(emails.len(), 1);
        assert!(
            emails[0].subject.contains("Now eligible"),
            "{}",
            emails[0].subject
        );
        assert!(emails[0].text.contains(&format!("why_not={vacancy}")));
        // The email never names the licence condition.
        assert!(!emails[0].text.to_lowercase().contains("curfew"));
        assert_eq!(w.live_watch(id, vacancy), None);
    }
);

on_both_backends!(
    no_email_when_the_vacancy_closed_or_the_watch_stopped,
    |backend| async move {
        let w = World::new(backend).await;
        let today = now().date();
        let day = today + Days::new(5);
        let closing = w.publish(&job());
        let stopped = w.publish(&job());
        let id = w.add_person(
            w.service,
            Some(w.officer),
            &with_curfew_until("A1000AB", day - Days::new(1)),
        );
        for vacancy in [closing, stopped] {
            let vid = vacancy.to_string();
            let form = [("vacancy_id", vid.as_str())];
            let path = format!("/officer/profiles/{id}/watches");
            assert_eq!(w.post_form(w.officer, &path, &form, true).await, 303);
            assert_eq!(w.live_watch(id, vacancy), Some(day));
        }
        // The employer closes one; the officer stops watching the other.
        w.conn()
            .write(|tx| {
                store::vacancies::change_status(
                    tx,
                    closing,
                    w.employer,
                    VacancyStatus::Closed,
                    now(),
                )
            })
            .unwrap();
        let vid = stopped.to_string();
        let stop = format!("/officer/profiles/{id}/watches/stop");
        assert_eq!(
            w.post_form(w.officer, &stop, &[("vacancy_id", vid.as_str())], true)
                .await,
            303
        );
        assert_eq!(w.live_watch(id, stopped), None);
        let report = w.daily_watches(day);
        assert_eq!(report.notified, 0);
        assert_eq!(report.ended, 1, "the closed vacancy's watch ends");
        assert!(w.emails_to_officer().is_empty());
        assert_eq!(w.live_watch(id, closing), None);
    }
);

on_both_backends!(
    a_moved_date_is_recomputed_and_an_eligible_pair_cannot_be_watched,
    |backend| async move {
        let w = World::new(backend).await;
        let today = now().date();
        let vacancy = w.publish(&job());
        let first = today + Days::new(3);
        let id = w.add_person(
            w.service,
            Some(w.officer),
            &with_curfew_until("A1000AC", first - Days::new(1)),
        );
        let vid = vacancy.to_string();
        let form = [("vacancy_id", vid.as_str())];
        let path = format!("/officer/profiles/{id}/watches");
        assert_eq!(w.post_form(w.officer, &path, &form, true).await, 303);
        // The curfew is extended by a fortnight: the pass moves the watch.
        let later = first + Days::new(14);
        let mut input = with_curfew_until("A1000AC", later - Days::new(1));
        input.given_name = "Changed".into();
        let details = ProfileDetails::parse(&input, &w.app.services.taxonomy).unwrap();
        w.conn()
            .write(|tx| store::profiles::update(tx, id, w.service, &details, now()))
            .unwrap();
        let report = w.daily_watches(first);
        assert_eq!((report.notified, report.rescheduled), (0, 1));
        assert_eq!(w.live_watch(id, vacancy), Some(later));
        assert_eq!(w.daily_watches(later).notified, 1);

        // A pair that fits today has nothing to wait for.
        let fits = w.add_person(w.service, Some(w.officer), &person("A1000AD"));
        let path = format!("/officer/profiles/{fits}/watches");
        assert_eq!(w.post_form(w.officer, &path, &form, true).await, 409);
    }
);

on_both_backends!(
    a_certificate_being_gained_has_its_date_everywhere,
    |backend| async move {
        let w = World::new(backend).await;
        let today = now().date();
        let mut input = job();
        input.start = Some("date".into());
        input.start_date = Some(today + Days::new(7));
        let vacancy = w.publish(&input);
        let expected = today + Days::new(30);
        let mut p = person("A1000AE");
        p.certificates[0].expected_on = Some(expected);
        let id = w.add_person(w.service, Some(w.officer), &p);

        let (status, json) = w
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/profiles/{id}/matches/{vacancy}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(json["failures"][0]["code"], "missing_certificate");
        assert_eq!(json["eligible_from"]["date"], expected.to_string());
        assert_eq!(
            json["eligible_from"]["events"][0]["kind"],
            "certificate_gained"
        );

        // The profile API carries the date, and refuses one on or after
        // the expiry beside the field.
        let (status, mut body) = w
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/profiles/{id}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["certificates"][0]["expected_on"], expected.to_string());
        body["certificates"][0]["expires_on"] = Value::String(expected.to_string());
        let (status, refused) = w
            .api(
                reqwest::Method::PUT,
                &format!("/api/v1/profiles/{id}"),
                Some(body),
            )
            .await;
        assert_eq!(status, 422, "{refused}");
        assert!(
            refused.to_string().contains("certificates[0].expected_on"),
            "{refused}"
        );
    }
);

/// People of the officer's caseload, and vacancies, generated.
const PEOPLE: usize = 60;
const VACANCIES: usize = 300;

on_both_backends!(
    the_soon_eligible_list_is_complete_against_brute_force,
    |backend| async move {
        let w = World::new(backend).await;
        let taxonomy = w.app.services.taxonomy.clone();
        let today = now().date();
        let until = today + Days::new(84);
        let mut rng = ChaCha8Rng::seed_from_u64(20_261_211);
        let towns = [
            town(),
            Town {
                name: "Wakefield".into(),
                lat: 53.6833,
                lon: -1.4977,
            },
        ];
        let statuses = [
            VacancyStatus::Published,
            VacancyStatus::Published,
            VacancyStatus::Published,
            VacancyStatus::Published,
            VacancyStatus::Paused,
            VacancyStatus::Closed,
        ];
        let mut vacancy_ids = Vec::new();
        for _ in 0..VACANCIES {
            let template = TEMPLATES.choose(&mut rng).unwrap();
            let town = towns.choose(&mut rng).unwrap();
            let mut input = generator::vacancy(&mut rng, template, town, "Example", today);
            if rng.gen_bool(0.3) {
                input.closing_date = Some(today + Days::new(rng.gen_range(0..60)));
            }
            let details = VacancyDetails::parse(&input, &taxonomy).unwrap();
            let status = *statuses.choose(&mut rng).unwrap();
            let id = w
                .conn()
                .write(|tx| store::vacancies::insert(tx, w.employer, status, None, &details, now()))
                .unwrap();
            vacancy_ids.push(id);
        }
        // The officer's people, someone else's in the same service, and a
        // person of another service: only the first are listed.
        let colleague = common::staff_user(
            &mut w.conn(),
            "colleague@examplefield.example",
            Membership::Service(w.service),
        );
        let other_service = common::service(&mut w.conn(), "HMP Elsewhere");
        let mut mine = Vec::new();
        for n in 0..PEOPLE + 10 {
            let town = towns.choose(&mut rng).unwrap();
            let mut p = generator::profile(&mut rng, n as u64 + 1, town, today);
            let release = today + Days::new(rng.gen_range(0..100)) - Days::new(20);
            p.release_date = Some(release);
            if p.rotl_eligible_from.is_some() {
                p.rotl_eligible_from = Some(release - Days::new(rng.gen_range(0..60)));
            }
            // A condition may not end after the licence.
            let licence = p.licence_ends_on;
            let end = |rng: &mut ChaCha8Rng| {
                let day = today + Days::new(rng.gen_range(0..120));
                licence.map_or(day, |l| day.min(l))
            };
            p.right_to_work = true;
            p.travel_radius_km = 60.0;
            for curfew in &mut p.curfews {
                curfew.ends_on = rng.gen_bool(0.7).then(|| end(&mut rng));
            }
            for zone in &mut p.exclusion_zones {
                zone.ends_on = rng.gen_bool(0.5).then(|| end(&mut rng));
            }
            if p.no_driving {
                p.no_driving_until = Some(end(&mut rng));
            }
            for certificate in &mut p.certificates {
                if rng.gen_bool(0.4) {
                    certificate.expected_on = Some(today + Days::new(rng.gen_range(1..120)));
                    certificate.expires_on = None;
                }
            }
            let (service, officer) = match n {
                n if n < PEOPLE => (w.service, Some(w.officer)),
                n if n < PEOPLE + 5 => (w.service, Some(colleague)),
                _ => (other_service, Some(w.officer)),
            };
            let id = w.add_person(service, officer, &p);
            if n < PEOPLE {
                mine.push(id);
            }
        }
        w.app.matcher.reindex(|_, _, _| {}).await.unwrap();

        // Brute force: every pair of the officer's people and every vacancy.
        let mut conn = w.conn();
        let vacancies = store::vacancies::load_many(&mut conn, &vacancy_ids, &taxonomy).unwrap();
        let people = store::profiles::load_many(&mut conn, &mine, &taxonomy).unwrap();
        drop(conn);
        let mut expected = BTreeSet::new();
        for p in &people {
            for v in &vacancies {
                if let Eligibility::From(from) = eligible_by(v, p, today, until) {
                    expected.insert((from.date, p.id, v.id));
                }
            }
        }
        assert!(
            expected.len() > 50,
            "too few pairs to mean much: {}",
            expected.len()
        );

        let found: BTreeSet<(NaiveDate, i64, i64)> = w
            .app
            .matcher
            .soon_eligible(&mine, today, until)
            .await
            .unwrap()
            .into_iter()
            .map(|(p, v, from)| (from.date, p.id, v.id))
            .collect();
        assert_eq!(found, expected);

        // The page, read to the end: every pair once, soonest first, with
        // the total.
        let mut seen = Vec::new();
        let mut page = 1;
        loop {
            let (status, html) = w
                .get_page(w.officer, &format!("/officer/matches/soon?page={page}"))
                .await;
            assert_eq!(status, 200);
            if page == 1 {
                let n = expected.len();
                let grouped = if n >= 1000 {
                    format!("{},{:03}", n / 1000, n % 1000)
                } else {
                    n.to_string()
                };
                let total = format!("of {grouped} pairs");
                assert!(html.contains(&total), "{total}");
            }
            seen.extend(table_pairs(&html));
            if !html.contains("Next page") {
                break;
            }
            page += 1;
        }
        // The set is ordered by date, then person, then vacancy, as the list.
        let in_order: Vec<(i64, i64)> = expected.iter().map(|(_, p, v)| (*p, *v)).collect();
        assert_eq!(seen, in_order, "every pair once, soonest first");
    }
);

/// The (person, vacancy) of each line of the soon-eligible table, in order.
fn table_pairs(html: &str) -> Vec<(i64, i64)> {
    let mut pairs = Vec::new();
    let marker = "/officer/profiles/";
    let table = html.split("<table id=\"soon\">").nth(1).unwrap_or("");
    let table = table.split("</table>").next().unwrap_or("");
    for part in table.split(marker).skip(1) {
        let Some((person, rest)) = part.split_once("/matches?why_not=") else {
            continue;
        };
        let vacancy: String = rest.chars().take_while(char::is_ascii_digit).collect();
        pairs.push((person.parse().unwrap(), vacancy.parse().unwrap()));
    }
    pairs
}
