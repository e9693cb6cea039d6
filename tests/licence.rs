//! Licence conditions that end (issue #21 item 4), on both backends: a
//! condition that ended yesterday no longer excludes and one that ends
//! tomorrow still does, in stored matching runs (through the search
//! engine's narrowing); the daily pass re-runs a person's matching on the
//! first day a condition no longer applies; and every way in (the
//! restricted editor, the JSON API, the CSV import) carries the end dates.
//! All people, places and employers here are made up.

mod common;

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, NaiveTime};
use common::{Backend, TestApp};
use fairchance::domain::geo::PlaceInput;
use fairchance::domain::profile::{CurfewInput, ProfileDetails, ProfileInput};
use fairchance::domain::schedule::TimeWindowInput;
use fairchance::domain::vacancy::{VacancyDetails, VacancyInput, VacancyStatus};
use fairchance::jobs::Worker;
use fairchance::store::people::Membership;
use fairchance::store::{self, now};
use rand::SeedableRng;
use serde_json::{json, Value};

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
        let service = common::service(&mut conn, "HMP Examplefield");
        let officer = common::staff_user(
            &mut conn,
            "officer@examplefield.example",
            Membership::Service(service),
        );
        let employer = common::approved_employer(&mut conn, "Example Night Logistics");
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

    fn details(&self, id: i64) -> ProfileDetails {
        let taxonomy = &self.app.services.taxonomy;
        store::profiles::load(&mut self.conn(), id, taxonomy)
            .unwrap()
            .details
    }

    fn matched_to(&self, vacancy: i64) -> BTreeSet<i64> {
        store::matches::for_vacancy(&mut self.conn(), vacancy)
            .unwrap()
            .into_iter()
            .filter(|(_, m)| m.status.as_str() != "expired")
            .map(|(id, _)| id)
            .collect()
    }

    /// Posts the restricted editor's form as the officer.
    async fn post_restricted(&self, id: i64, fields: &[(&str, &str)]) -> (u16, String) {
        let (cookie, csrf) = self.app.staff_session_with_purpose(self.officer, id);
        let mut form = fields.to_vec();
        form.push(("csrf_token", &csrf));
        let res = self
            .app
            .client
            .post(self.app.url(&format!("/officer/profiles/{id}/restricted")))
            .header("cookie", cookie)
            .form(&form)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    async fn page(&self, path: &str) -> String {
        let (cookie, _) = self.app.staff_session_for(self.officer, path);
        let res = self
            .app
            .client
            .get(self.app.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }

    /// A JSON API call as the officer (session and CSRF header).
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
}

fn leeds() -> PlaceInput {
    PlaceInput {
        name: "Leeds".into(),
        lat: 53.7965,
        lon: -1.5478,
    }
}

/// A forklift job in Leeds starting as soon as possible that excludes
/// nobody, with these shifts, needing a driving licence or not.
fn job(shifts: Vec<TimeWindowInput>, needs_driving_licence: bool) -> VacancyInput {
    use fairchance::seed::generator::{self, Town, TEMPLATES};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(21);
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
    input.workplace = Some(leeds());
    input.offence_exclusions.clear();
    input.needs_driving_licence = needs_driving_licence;
    input.regulated_adults = false;
    input.regulated_children = false;
    input.check_level = "basic".into();
    input.rotl_suitable = false;
    input.start = Some("asap".into());
    input.start_date = None;
    input.closing_date = None;
    input.shifts = shifts;
    input
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

/// A person released ten days ago to Leeds with a driving licence, every
/// certificate the job template asks for and no condition yet.
fn person(reference: &str) -> ProfileInput {
    use fairchance::domain::profile::CertificateInput;
    use fairchance::seed::generator::{self, Town};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(22);
    let town = Town {
        name: "Leeds".into(),
        lat: 53.80,
        lon: -1.55,
    };
    let mut p = generator::profile(&mut rng, 1, &town, now().date());
    p.reference = reference.into();
    p.release_date = Some(now().date() - Duration::days(10));
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
    let forklift = job(vec![], false).required_certificates;
    p.certificates = forklift
        .into_iter()
        .map(|slug| CertificateInput {
            slug,
            expires_on: None,
            expected_on: None,
        })
        .collect();
    p
}

fn with_curfew(reference: &str, ends_on: NaiveDate) -> ProfileInput {
    let mut p = person(reference);
    p.curfews = vec![CurfewInput {
        ends_on: Some(ends_on),
        ..every_day("19:00", "07:00").into()
    }];
    p
}

fn banned_until(reference: &str, until: NaiveDate) -> ProfileInput {
    let mut p = person(reference);
    p.no_driving = true;
    p.no_driving_until = Some(until);
    p
}

fn long_date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

on_both_backends!(
    an_ended_condition_no_longer_excludes_and_the_daily_pass_rematches,
    |backend| async move {
        let w = World::new(backend).await;
        let today = now().date();
        let (yesterday, tomorrow) = (today - Duration::days(1), today + Duration::days(1));
        let nights = w.publish(&job(vec![every_day("22:00", "06:00")], false));
        let driving = w.publish(&job(vec![], true));
        let curfew_ended = w.add_person(&with_curfew("C0001AA", yesterday));
        let curfew_runs = w.add_person(&with_curfew("C0002AA", tomorrow));
        let ban_ended = w.add_person(&banned_until("D0001AA", yesterday));
        let ban_runs = w.add_person(&banned_until("D0002AA", tomorrow));
        w.app.matcher.reindex(|_, _, _| {}).await.unwrap();
        for id in [curfew_ended, curfew_runs, ban_ended, ban_runs] {
            w.app.matcher.profile_changed(id, today).await.unwrap();
        }
        // The vacancy side reads the people's index documents: a ban that
        // ended yesterday is not in the document built today.
        w.app.matcher.vacancy_changed(driving, today).await.unwrap();
        let night_people = w.matched_to(nights);
        assert!(night_people.contains(&curfew_ended), "{night_people:?}");
        assert!(!night_people.contains(&curfew_runs), "{night_people:?}");
        let drivers = w.matched_to(driving);
        assert!(drivers.contains(&ban_ended), "{drivers:?}");
        assert!(!drivers.contains(&ban_runs), "{drivers:?}");

        // The day after tomorrow (the first day the running conditions no
        // longer apply) the daily pass queues both people once.
        let day = tomorrow + Duration::days(1);
        let at = day.and_time(NaiveTime::from_hms_opt(0, 5, 0).unwrap());
        let config = w.app.services.config.clone();
        let mut conn = w.conn();
        let report = fairchance::jobs::schedule::daily(&mut conn, &config, day, at).unwrap();
        assert_eq!(report.licence_conditions_ended, 2);
        let again = fairchance::jobs::schedule::daily(&mut conn, &config, day, at).unwrap();
        assert_eq!(again.licence_conditions_ended, 0, "keyed by person and day");
        let worker = Worker::new(w.app.services.clone())
            .unwrap()
            .matcher(w.app.matcher.clone());
        while worker.work(at).await.unwrap() > 0 {}
        assert!(w.matched_to(nights).contains(&curfew_runs));
        assert!(w.matched_to(driving).contains(&ban_runs));
        // The re-run re-indexed the person: the vacancy side finds them too.
        w.app.matcher.vacancy_changed(driving, day).await.unwrap();
        assert!(w.matched_to(driving).contains(&ban_runs));
        w.app.stop().await;
    }
);

on_both_backends!(
    the_restricted_editor_and_page_carry_the_end_dates,
    |backend| async move {
        let w = World::new(backend).await;
        let today = now().date();
        let id = w.add_person(&person("E0001AA"));
        let licence = today + Duration::days(300);
        let curfew_end = today - Duration::days(3);
        let zone_end = today + Duration::days(100);
        let ban_end = today + Duration::days(30);
        let typed = |d: NaiveDate| d.to_string();
        let (licence_t, curfew_t, zone_t, ban_t) = (
            typed(licence),
            typed(curfew_end),
            typed(zone_end),
            typed(ban_end),
        );
        let fields = |curfew_ends: &str| -> Vec<(&str, String)> {
            vec![
                ("licence_ends_on", licence_t.clone()),
                ("curfews[0].days", "mon".into()),
                ("curfews[0].days", "tue".into()),
                ("curfews[0].start", "19:00".into()),
                ("curfews[0].end", "07:00".into()),
                ("curfews[0].ends_on", curfew_ends.into()),
                ("exclusion_zones[0].name", "Bradford".into()),
                ("exclusion_zones[0].radius_km", "2".into()),
                ("exclusion_zones[0].ends_on", zone_t.clone()),
                ("no_driving", "yes".into()),
                ("no_driving_until", ban_t.clone()),
            ]
        };
        let world = &w;
        let post = |fields: Vec<(&'static str, String)>| async move {
            let borrowed: Vec<(&str, &str)> =
                fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            world.post_restricted(id, &borrowed).await
        };
        let (status, body) = post(fields(&curfew_t)).await;
        assert_eq!(status, 303, "{body}");
        let conditions = w.details(id).licence_conditions().clone();
        assert_eq!(conditions.licence_ends_on(), Some(licence));
        assert_eq!(conditions.curfews()[0].ends_on(), Some(curfew_end));
        assert_eq!(conditions.exclusion_zones()[0].ends_on(), Some(zone_end));
        assert_eq!(conditions.no_driving_until(), Some(ban_end));
        assert_eq!(conditions.ends_on(), Some(licence));

        let page = w.page(&format!("/officer/profiles/{id}/restricted")).await;
        assert!(page.contains(&format!("The licence runs until {}", long_date(licence))));
        assert!(
            page.contains(&format!(
                "ended {} — no longer applies",
                long_date(curfew_end)
            )),
            "{page}"
        );
        assert!(page.contains(&format!("Must not drive, until {}", long_date(ban_end))));
        let editor = w
            .page(&format!("/officer/profiles/{id}/restricted/edit"))
            .await;
        for date in [&licence_t, &curfew_t, &zone_t, &ban_t] {
            assert!(editor.contains(&format!("value=\"{date}\"")), "{date}");
        }

        // Not a real date, or after the licence: 422, the message beside the
        // field, what was typed kept, nothing saved.
        let (status, page) = post(fields("2027-02-30")).await;
        assert_eq!(status, 422);
        assert!(page.contains("id=\"curfews[0].ends_on-error\""), "{page}");
        assert!(page.contains("Enter a real date"));
        assert!(page.contains("value=\"2027-02-30\""));
        assert!(page.contains(&format!("value=\"{zone_t}\"")));
        let late = typed(licence + Duration::days(1));
        let (status, page) = post(fields(&late)).await;
        assert_eq!(status, 422);
        assert!(page.contains("ends after the licence ends"), "{page}");
        assert_eq!(
            w.details(id).licence_conditions().curfews()[0].ends_on(),
            Some(curfew_end)
        );
        w.app.stop().await;
    }
);

on_both_backends!(
    the_api_and_the_csv_import_carry_the_end_dates,
    |backend| async move {
        let w = World::new(backend).await;
        let id = w.add_person(&person("F0001AA"));
        let path = format!("/api/v1/profiles/{id}/restricted");
        let sections = json!({
            "licence_ends_on": "2028-01-31",
            "curfews": [{ "days": ["mon"], "start": "19:00", "end": "07:00", "ends_on": "2027-06-30" },
                        { "days": ["sat"], "start": "20:00", "end": "06:00" }],
            "exclusion_zones": [{ "name": "Bradford", "lat": 53.795, "lon": -1.759, "radius_km": 3.0, "ends_on": "2027-12-31" }],
            "no_driving": true,
            "no_driving_until": "2027-03-31",
            "offence_categories": ["dishonesty"]
        });
        let (status, saved) = w
            .api(reqwest::Method::PUT, &path, Some(sections.clone()))
            .await;
        assert_eq!(status, 200, "{saved}");
        let (status, read) = w.api(reqwest::Method::GET, &path, None).await;
        assert_eq!(status, 200);
        for key in [
            "licence_ends_on",
            "curfews",
            "exclusion_zones",
            "no_driving_until",
        ] {
            assert_eq!(read[key], sections[key], "{key}");
        }
        // A date that is not a day is a field error, as is one after the
        // licence; nothing changes.
        let mut bad = sections.clone();
        bad["curfews"][0]["ends_on"] = json!("2027-02-30");
        bad["no_driving_until"] = json!(20270331);
        let (status, refused) = w.api(reqwest::Method::PUT, &path, Some(bad)).await;
        assert_eq!(status, 422, "{refused}");
        assert!(
            refused["fields"]["curfews[0].ends_on"].is_array(),
            "{refused}"
        );
        assert!(
            refused["fields"]["no_driving_until"].is_array(),
            "{refused}"
        );
        let mut late = sections.clone();
        late["exclusion_zones"][0]["ends_on"] = json!("2028-02-01");
        let (status, refused) = w.api(reqwest::Method::PUT, &path, Some(late)).await;
        assert_eq!(status, 422, "{refused}");
        let message = refused["fields"]["exclusion_zones[0].ends_on"][0]
            .as_str()
            .unwrap();
        assert!(message.contains("ends after the licence ends"), "{refused}");
        let (_, read) = w.api(reqwest::Method::GET, &path, None).await;
        assert_eq!(read["curfews"], sections["curfews"]);

        // The CSV import: the template's columns with the end dates.
        use fairchance::web::officer::profiles::csv::columns;
        let cells = |column: &str| -> String {
            match column {
                "given_name" => "Gale".into(),
                "family_name" => "Example".into(),
                "reference" => "G0001AA".into(),
                "release_date" => "2027-03-14".into(),
                "release_area" => "Leeds".into(),
                "travel_radius_km" => "15".into(),
                "right_to_work" => "yes".into(),
                "readiness" => "ready_to_work".into(),
                "licence_ends_on" => "2028-03-13".into(),
                "curfews" => "mon tue|19:00|07:00|2027-06-13;sat|20:00|06:00".into(),
                "exclusion_zones" => "LS1|2|2027-09-30".into(),
                "no_driving" => "yes".into(),
                "no_driving_until" => "2027-04-30".into(),
                _ => String::new(),
            }
        };
        let columns = columns(true);
        let mut file = csv::Writer::from_writer(Vec::new());
        file.write_record(&columns).unwrap();
        file.write_record(columns.iter().map(|c| cells(c))).unwrap();
        let path = w.app.db.dir.path().join("people.csv");
        std::fs::write(&path, file.into_inner().unwrap()).unwrap();
        let out = common::import_profiles(&w.app.db, &path, "HMP Examplefield", &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ids = store::profiles::ids_by_reference(&mut w.conn(), w.service, &["G0001AA".into()])
            .unwrap();
        let imported = w.details(ids["G0001AA"]);
        let conditions = imported.licence_conditions();
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(conditions.licence_ends_on(), Some(day("2028-03-13")));
        assert_eq!(conditions.curfews()[0].ends_on(), Some(day("2027-06-13")));
        assert_eq!(conditions.curfews()[1].ends_on(), None);
        assert_eq!(
            conditions.exclusion_zones()[0].ends_on(),
            Some(day("2027-09-30"))
        );
        assert_eq!(conditions.no_driving_until(), Some(day("2027-04-30")));
        w.app.stop().await;
    }
);
