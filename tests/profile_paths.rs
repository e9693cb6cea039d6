//! Every way a profile comes in ends in `ProfileDetails::parse` (issue #20
//! item 4): the officer's HTML editor, the profile JSON API, the CSV upload
//! and `fairchance import profiles` accept and refuse the same profiles and
//! store the same thing. The same 400 generated profiles, about a quarter
//! of them with a realistic mistake, go through all four, each path into a
//! service of its own, on both backends.

mod common;

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate};
use common::{Backend, TestApp};
use fairchance::domain::geo::PlaceInput;
use fairchance::domain::profile::{
    ProfileDetails, ProfileInput, ProfileSkillInput, RestrictedInput, RESTRICTED_FIELDS,
};
use fairchance::gazetteer::{Gazetteer, Lookup};
use fairchance::seed::generator::{self, Town};
use fairchance::store;
use fairchance::store::people::Membership;
use fairchance::web::officer::profiles::csv::columns;
use fairchance::web::officer::profiles::form::fmt_num;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

const PROFILES: usize = 400;

/// A profile, with the mistake made in it if any.
type Case = (ProfileInput, Option<&'static str>);

/// Requests in flight at once on the HTTP paths.
const CONCURRENCY: usize = 4;

/// Preview rows per upload on the CSV path, so that the page lists every
/// problem (it shows at most 200).
const PREVIEW_ROWS: usize = 50;

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Places the gazetteer resolves by the name it gives them, so that a
/// path that types the name (editor, CSV) and one that sends the
/// coordinates (API) mean the same place.
fn places() -> Vec<PlaceInput> {
    let gazetteer = Gazetteer::embedded().unwrap();
    let resolve = |text: &str| match gazetteer.resolve(text) {
        Lookup::Found(p) => Some(PlaceInput {
            name: p.name,
            lat: p.lat,
            lon: p.lon,
        }),
        _ => None,
    };
    let found: Vec<PlaceInput> = [
        "Leeds",
        "Sheffield",
        "Wakefield",
        "Halifax",
        "LS6",
        "BD1",
        "S2",
        "HX1",
    ]
    .iter()
    .filter_map(|t| resolve(t))
    .filter(|p| resolve(&p.name).as_ref() == Some(p))
    .collect();
    assert!(found.len() >= 3, "too few places resolve: {found:?}");
    found
}

/// One realistic mistake, chosen by `kind`, applied to a valid profile.
fn spoil(input: &mut ProfileInput, kind: usize, rng: &mut ChaCha8Rng) -> &'static str {
    let long = |n: usize| "x".repeat(n);
    match kind {
        0 => {
            input.skills.push(ProfileSkillInput {
                slug: "fork-lift".into(),
                source: "past_job".into(),
            });
            "a skill not in the taxonomy"
        }
        1 => {
            (input.preferred_hours_min, input.preferred_hours_max) = (Some(40.0), Some(20.0));
            "fewest hours above the most"
        }
        2 => {
            (input.preferred_hours_min, input.preferred_hours_max) = (Some(16.0), None);
            "only the fewest hours"
        }
        3 => {
            (input.no_fixed_abode, input.release_area) = (false, None);
            "no release area without no fixed abode"
        }
        4 => {
            input.release_date = None;
            "no release date"
        }
        5 => {
            input.rotl_eligible_from = input.release_date.map(|d| d + Duration::days(10));
            "day release after the release date"
        }
        6 => {
            input.given_name = long(81);
            "a given name too long"
        }
        7 => {
            input.other_conditions = long(1001);
            "other conditions too long"
        }
        8 => {
            input.offence_categories.push("fraud".into());
            "an offence category not in the list"
        }
        9 => {
            input.curfews = vec![fairchance::domain::profile::CurfewInput {
                days: vec!["mon".into(), "tue".into()],
                start: "25:00".into(),
                end: "07:00".into(),
                ends_on: None,
            }];
            "a curfew at 25:00"
        }
        10 => {
            input.work_history = vec![fairchance::domain::profile::WorkHistoryInput {
                role: "Labourer".into(),
                employer_name: "Example Builders".into(),
                sector: "construction".into(),
                from_year: 2021,
                to_year: Some(2018),
            }];
            "a job that ends before it starts"
        }
        11 => {
            input.travel_radius_km = 250.0;
            "travel radius over 200 km"
        }
        12 => {
            input
                .certificates
                .push(fairchance::domain::profile::CertificateInput {
                    slug: "pick-and-pack".into(),
                    expires_on: None,
                    expected_on: None,
                });
            "a skill given as a certificate"
        }
        13 => {
            input.readiness = String::new();
            "no readiness"
        }
        14 => {
            input.sectors_of_interest.push("retail-ish".into());
            "a sector not in the list"
        }
        15 => {
            input.todos.push(fairchance::domain::profile::TodoInput {
                kind: "cv".into(),
                note: long(501),
                done: rng.gen_bool(0.5),
            });
            "a to-do note too long"
        }
        16 => {
            input.gender = "m".into();
            "a gender not in the list"
        }
        17 => {
            if let Some(skill) = input.skills.first_mut() {
                skill.source = "prison".into();
            } else {
                input.skills.push(ProfileSkillInput {
                    slug: "teamwork".into(),
                    source: "prison".into(),
                });
            }
            "a skill source not in the list"
        }
        19 => {
            input.release_date = Some(not_a_day());
            "a release date that is not a day"
        }
        _ => {
            input.reference = format!("{}-{}", input.reference, long(14));
            "a prison number too long"
        }
    }
}

/// Ways of typing a valid profile that the parser tidies up.
fn untidy(input: &mut ProfileInput, kind: usize, places: &[PlaceInput]) {
    match kind {
        0 => input.reference = input.reference.to_lowercase(),
        1 => input.given_name = format!("  {} ", input.given_name),
        _ => {
            input.no_fixed_abode = true;
            input.release_area = Some(places[0].clone());
        }
    }
}

/// The profiles: synthetic people released to places the gazetteer knows,
/// about a quarter with a mistake (the reason beside it) and some typed
/// untidily.
fn cases() -> Vec<Case> {
    let places = places();
    let mut rng = ChaCha8Rng::seed_from_u64(204);
    (0..PROFILES)
        .map(|n| {
            let home = places.choose(&mut rng).unwrap().clone();
            let town = Town {
                name: home.name.clone(),
                lat: home.lat,
                lon: home.lon,
            };
            let mut input = generator::profile(&mut rng, n as u64 + 1, &town, today());
            // The generator scatters people around the town; the editor
            // and the files name the place, so use its own coordinates.
            if input.release_area.is_some() {
                input.release_area = Some(home);
            }
            for zone in &mut input.exclusion_zones {
                let centre = places.choose(&mut rng).unwrap();
                (zone.name, zone.lat, zone.lon) = (centre.name.clone(), centre.lat, centre.lon);
            }
            let mistake = rng
                .gen_bool(0.25)
                .then(|| spoil(&mut input, rng.gen_range(0..20), &mut rng));
            if mistake.is_none() && rng.gen_bool(0.1) {
                untidy(&mut input, rng.gen_range(0..3), &places);
            }
            (input, mistake)
        })
        .collect()
}

/// Stands for a date typed as 30 February, which no `NaiveDate` holds:
/// every path is sent [`NOT_A_DAY`] for it, and it must be refused.
fn not_a_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()
}

const NOT_A_DAY: &str = "2027-02-30";

/// A date as typed in a form, a cell or JSON.
fn date(d: Option<NaiveDate>) -> String {
    match d {
        Some(d) if d == not_a_day() => NOT_A_DAY.into(),
        d => d.map(|d| d.to_string()).unwrap_or_default(),
    }
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// A form's fields as a browser posts them, in order.
type Pairs = Vec<(String, String)>;

/// The editor's two forms as a browser posts them: the main form and the
/// restricted one (offence, licence and barred sections).
fn form_pairs(input: &ProfileInput) -> (Pairs, Pairs) {
    let mut main: Vec<(String, String)> = Vec::new();
    let put = |form: &mut Vec<(String, String)>, k: &str, v: String| form.push((k.into(), v));
    let tick = |form: &mut Vec<(String, String)>, k: &str, on: bool| {
        if on {
            form.push((k.into(), "on".into()));
        }
    };
    put(&mut main, "given_name", input.given_name.clone());
    put(&mut main, "family_name", input.family_name.clone());
    put(&mut main, "reference", input.reference.clone());
    put(&mut main, "release_date", date(input.release_date));
    tick(&mut main, "no_fixed_abode", input.no_fixed_abode);
    let area = input.release_area.as_ref().map(|p| p.name.clone());
    put(&mut main, "release_area", area.unwrap_or_default());
    put(
        &mut main,
        "travel_radius_km",
        fmt_num(input.travel_radius_km),
    );
    for (i, s) in input.skills.iter().enumerate() {
        put(&mut main, &format!("skills[{i}].slug"), s.slug.clone());
        put(&mut main, &format!("skills[{i}].source"), s.source.clone());
    }
    for (i, c) in input.certificates.iter().enumerate() {
        put(
            &mut main,
            &format!("certificates[{i}].slug"),
            c.slug.clone(),
        );
        put(
            &mut main,
            &format!("certificates[{i}].expires_on"),
            date(c.expires_on),
        );
    }
    for (i, w) in input.work_history.iter().enumerate() {
        let k = |f: &str| format!("work_history[{i}].{f}");
        put(&mut main, &k("role"), w.role.clone());
        put(&mut main, &k("employer_name"), w.employer_name.clone());
        put(&mut main, &k("sector"), w.sector.clone());
        put(&mut main, &k("from_year"), w.from_year.to_string());
        let to = w.to_year.map(|y| y.to_string()).unwrap_or_default();
        put(&mut main, &k("to_year"), to);
    }
    for s in &input.sectors_of_interest {
        put(&mut main, "sectors_of_interest", s.clone());
    }
    let hours = |h: Option<f64>| h.map(fmt_num).unwrap_or_default();
    put(
        &mut main,
        "preferred_hours_min",
        hours(input.preferred_hours_min),
    );
    put(
        &mut main,
        "preferred_hours_max",
        hours(input.preferred_hours_max),
    );
    tick(&mut main, "right_to_work", input.right_to_work);
    tick(&mut main, "driving_licence", input.driving_licence);
    put(
        &mut main,
        "rotl_eligible_from",
        date(input.rotl_eligible_from),
    );
    put(
        &mut main,
        "rotl_travel_km",
        input.rotl_travel_km.map(fmt_num).unwrap_or_default(),
    );
    put(&mut main, "readiness", input.readiness.clone());
    for (i, t) in input.todos.iter().enumerate() {
        put(&mut main, &format!("todos[{i}].kind"), t.kind.clone());
        put(&mut main, &format!("todos[{i}].note"), t.note.clone());
        tick(&mut main, &format!("todos[{i}].done"), t.done);
    }
    tick(
        &mut main,
        "consent_to_share_name",
        input.consent_to_share_name,
    );
    put(&mut main, "gender", input.gender.clone());
    put(&mut main, "languages", input.languages.join(", "));

    let mut restricted: Vec<(String, String)> = Vec::new();
    put(
        &mut restricted,
        "licence_ends_on",
        date(input.licence_ends_on),
    );
    for (i, c) in input.curfews.iter().enumerate() {
        for d in &c.days {
            let day: String = d.to_lowercase().chars().take(3).collect();
            put(&mut restricted, &format!("curfews[{i}].days"), day);
        }
        put(
            &mut restricted,
            &format!("curfews[{i}].start"),
            c.start.clone(),
        );
        put(&mut restricted, &format!("curfews[{i}].end"), c.end.clone());
        put(
            &mut restricted,
            &format!("curfews[{i}].ends_on"),
            date(c.ends_on),
        );
    }
    for (i, z) in input.exclusion_zones.iter().enumerate() {
        let k = |f: &str| format!("exclusion_zones[{i}].{f}");
        put(&mut restricted, &k("name"), z.name.clone());
        put(&mut restricted, &k("radius_km"), fmt_num(z.radius_km));
        put(&mut restricted, &k("ends_on"), date(z.ends_on));
    }
    tick(&mut restricted, "no_driving", input.no_driving);
    put(
        &mut restricted,
        "no_driving_until",
        date(input.no_driving_until),
    );
    put(
        &mut restricted,
        "other_conditions",
        input.other_conditions.clone(),
    );
    for o in &input.offence_categories {
        put(&mut restricted, "offence_categories", o.clone());
    }
    tick(&mut restricted, "barred_children", input.barred_children);
    tick(&mut restricted, "barred_adults", input.barred_adults);
    (main, restricted)
}

/// One person's cells of the import file, by column.
fn csv_cells(input: &ProfileInput) -> HashMap<&'static str, String> {
    let list = |items: Vec<String>| items.join(";");
    let hours = |h: Option<f64>| h.map(fmt_num).unwrap_or_default();
    let area = input.release_area.as_ref().map(|p| p.name.clone());
    HashMap::from([
        ("given_name", input.given_name.clone()),
        ("family_name", input.family_name.clone()),
        ("reference", input.reference.clone()),
        ("release_date", date(input.release_date)),
        ("no_fixed_abode", yes(input.no_fixed_abode)),
        ("release_area", area.unwrap_or_default()),
        ("travel_radius_km", fmt_num(input.travel_radius_km)),
        (
            "skills",
            list(
                input
                    .skills
                    .iter()
                    .map(|s| format!("{}|{}", s.slug, s.source))
                    .collect(),
            ),
        ),
        (
            "certificates",
            list(
                input
                    .certificates
                    .iter()
                    .map(|c| format!("{}|{}", c.slug, date(c.expires_on)))
                    .collect(),
            ),
        ),
        (
            "work_history",
            list(
                input
                    .work_history
                    .iter()
                    .map(|w| {
                        let to = w.to_year.map(|y| y.to_string()).unwrap_or_default();
                        format!(
                            "{}|{}|{}|{}|{to}",
                            w.role, w.employer_name, w.sector, w.from_year
                        )
                    })
                    .collect(),
            ),
        ),
        (
            "sectors_of_interest",
            list(input.sectors_of_interest.clone()),
        ),
        ("preferred_hours_min", hours(input.preferred_hours_min)),
        ("preferred_hours_max", hours(input.preferred_hours_max)),
        ("right_to_work", yes(input.right_to_work)),
        ("driving_licence", yes(input.driving_licence)),
        ("rotl_eligible_from", date(input.rotl_eligible_from)),
        (
            "rotl_travel_km",
            input.rotl_travel_km.map(fmt_num).unwrap_or_default(),
        ),
        (
            "curfews",
            list(
                input
                    .curfews
                    .iter()
                    .map(|c| {
                        let days = c.days.join(" ");
                        let last = date(c.ends_on);
                        format!("{days}|{}|{}|{last}", c.start, c.end)
                    })
                    .collect(),
            ),
        ),
        (
            "exclusion_zones",
            list(
                input
                    .exclusion_zones
                    .iter()
                    .map(|z| {
                        let (radius, last) = (fmt_num(z.radius_km), date(z.ends_on));
                        format!("{}|{radius}|{last}", z.name)
                    })
                    .collect(),
            ),
        ),
        ("licence_ends_on", date(input.licence_ends_on)),
        ("no_driving", yes(input.no_driving)),
        ("no_driving_until", date(input.no_driving_until)),
        ("other_conditions", input.other_conditions.clone()),
        ("offence_categories", list(input.offence_categories.clone())),
        ("barred_children", yes(input.barred_children)),
        ("barred_adults", yes(input.barred_adults)),
        ("readiness", input.readiness.clone()),
        (
            "todos",
            list(
                input
                    .todos
                    .iter()
                    .map(|t| format!("{}|{}|{}", t.kind, t.note, yes(t.done)))
                    .collect(),
            ),
        ),
        ("consent_to_share_name", yes(input.consent_to_share_name)),
        ("gender", input.gender.clone()),
        ("languages", list(input.languages.clone())),
    ])
}

/// An import file (every column, the restricted ones too) of these cases.
fn csv_file(cases: &[&Case]) -> String {
    let columns = columns(true);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&columns).unwrap();
    for (input, _) in cases {
        let cells = csv_cells(input);
        w.write_record(columns.iter().map(|c| cells[c.as_str()].clone()))
            .unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The cases accepted.
fn kept<'a>(cases: &'a [Case], accepted: &[bool]) -> Vec<&'a Case> {
    let pairs = cases.iter().zip(accepted);
    pairs.filter(|(_, a)| **a).map(|(c, _)| c).collect()
}

/// The data rows of a file (header is row 1) that its problems are on.
fn rows_named(text: &str, prefix: &str) -> BTreeSet<usize> {
    text.match_indices(prefix)
        .filter_map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// An input with the lists the store keeps as sets in one order.
fn as_sets(mut input: ProfileInput) -> ProfileInput {
    input.sectors_of_interest.sort();
    input.offence_categories.sort();
    input
}

/// Four services, one per path, each with an officer.
struct Paths {
    app: TestApp,
    /// (service, officer) for the editor, the API, the CSV upload and the
    /// command line.
    services: [(i64, i64); 4],
}

const PATH_NAMES: [&str; 4] = ["editor", "api", "csv upload", "command line"];

impl Paths {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::spawn(backend).await;
        let mut conn = app.services.store.conn().unwrap();
        let services = [0, 1, 2, 3].map(|i| {
            let service = common::service(&mut conn, &format!("Service {i}"));
            let email = format!("officer{i}@example.org");
            let officer = common::staff_user(&mut conn, &email, Membership::Service(service));
            (service, officer)
        });
        drop(conn);
        Paths { app, services }
    }

    /// Posts an editor form; the new profile's id (None when refused).
    async fn post_form(&self, cookie: &str, path: &str, form: &[(String, String)]) -> Option<i64> {
        let res = self
            .app
            .client
            .post(self.app.url(path))
            .header("cookie", cookie)
            .form(form)
            .send()
            .await
            .unwrap();
        match res.status().as_u16() {
            303 => {
                let location = res.headers()["location"].to_str().unwrap();
                let id = location.trim_start_matches("/officer/profiles/");
                Some(id.split(['/', '?']).next().unwrap().parse().unwrap())
            }
            422 => None,
            other => panic!("{path}: {other} {}", res.text().await.unwrap()),
        }
    }

    /// The editor: the main form, then the restricted form when the
    /// profile has restricted sections. Accepted when both are.
    async fn through_editor(&self, input: &ProfileInput) -> bool {
        let (cookie, csrf) = self.app.staff_session(self.services[0].1);
        let (mut main, mut restricted) = form_pairs(input);
        let token = ("csrf_token".to_string(), csrf.clone());
        main.push(token.clone());
        restricted.push(token);
        let Some(id) = self.post_form(&cookie, "/officer/profiles", &main).await else {
            return false;
        };
        if RestrictedInput::of(input) == RestrictedInput::default() {
            return true;
        }
        let path = format!("/officer/profiles/{id}/restricted");
        self.app.remember_purpose(&csrf, id);
        self.post_form(&cookie, &path, &restricted).await.is_some()
    }

    async fn api(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let (cookie, csrf) = self.app.staff_session(self.services[1].1);
        let res = self
            .app
            .client
            .request(method, self.app.url(path))
            .header("cookie", cookie)
            .header("x-csrf-token", csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// The API: POST the profile without its restricted sections, then
    /// PUT those at their own address. Accepted when both are.
    async fn through_api(&self, input: &ProfileInput) -> bool {
        let Value::Object(mut body) = serde_json::to_value(input).unwrap() else {
            unreachable!()
        };
        body.retain(|k, _| !RESTRICTED_FIELDS.contains(&k.as_str()));
        if input.release_date == Some(not_a_day()) {
            body.insert("release_date".into(), NOT_A_DAY.into());
        }
        let post = reqwest::Method::POST;
        let (status, created) = self.api(post, "/api/v1/profiles", body.into()).await;
        match status {
            201 => {}
            400 | 422 => return false,
            other => panic!("POST /api/v1/profiles: {other} {created}"),
        }
        let restricted = RestrictedInput::of(input);
        if restricted == RestrictedInput::default() {
            return true;
        }
        let path = format!("/api/v1/profiles/{}/restricted", created["id"]);
        let body = serde_json::to_value(restricted).unwrap();
        match self.api(reqwest::Method::PUT, &path, body).await {
            (200, _) => true,
            (400 | 422, _) => false,
            (other, answer) => panic!("PUT {path}: {other} {answer}"),
        }
    }

    /// Submits every case through a per-profile path, a few at a time;
    /// whether each was accepted.
    async fn each<'a, F, Fut>(&'a self, cases: &'a [Case], submit: F) -> Vec<bool>
    where
        F: Fn(&'a ProfileInput) -> Fut + Copy,
        Fut: std::future::Future<Output = bool>,
    {
        let size = cases.len().div_ceil(CONCURRENCY);
        let chunks = cases.chunks(size).map(|chunk| async move {
            let mut accepted = Vec::with_capacity(chunk.len());
            for (input, _) in chunk {
                accepted.push(submit(input).await);
            }
            accepted
        });
        futures_util::future::join_all(chunks)
            .await
            .into_iter()
            .flatten()
            .collect()
    }

    /// The CSV upload: previews of a few rows at a time name the rows
    /// refused; then one file of every accepted row is imported.
    async fn through_upload(&self, cases: &[Case]) -> Vec<bool> {
        let officer = self.services[2].1;
        let mut refused = BTreeSet::new();
        for (n, chunk) in cases.chunks(PREVIEW_ROWS).enumerate() {
            let file = csv_file(&chunk.iter().collect::<Vec<_>>());
            let path = "/officer/profiles/import/preview";
            let fields: [(&str, &[u8]); 1] = [("file", file.as_bytes())];
            let (status, page) = self.app.post_multipart(officer, path, &fields, true).await;
            match status {
                200 => {}
                422 => {
                    let rows = rows_named(&page, "Row ");
                    refused.extend(rows.iter().map(|row| n * PREVIEW_ROWS + row - 2));
                }
                other => panic!("preview: {other} {page}"),
            }
        }
        let accepted: Vec<bool> = (0..cases.len()).map(|i| !refused.contains(&i)).collect();
        let kept = kept(cases, &accepted);
        let file = csv_file(&kept);
        let fields: [(&str, &[u8]); 1] = [("csv", file.as_bytes())];
        let path = "/officer/profiles/import";
        let (status, page) = self.app.post_multipart(officer, path, &fields, true).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains(&format!("{} new", kept.len())), "{page}");
        accepted
    }

    /// The command line: a dry run of the whole file names the rows
    /// refused; then a file of every accepted row is imported.
    fn through_command_line(&self, cases: &[Case]) -> Vec<bool> {
        let db = &self.app.db;
        let file = db.dir.path().join("people.csv");
        let run = |extra: &[&str]| common::import_profiles(db, &file, "Service 3", extra);
        std::fs::write(&file, csv_file(&cases.iter().collect::<Vec<_>>())).unwrap();
        let out = run(&["--dry-run"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let refused = rows_named(&stderr, "row ");
        assert_eq!(out.status.success(), refused.is_empty(), "{stderr}");
        let accepted: Vec<bool> = (0..cases.len())
            .map(|i| !refused.contains(&(i + 2)))
            .collect();
        let kept = kept(cases, &accepted);
        std::fs::write(&file, csv_file(&kept)).unwrap();
        let out = run(&[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains(&format!("{} new", kept.len())), "{stdout}");
        accepted
    }

    /// What a service holds for each prison number, as input (ids,
    /// pseudonyms, officer and times left out).
    fn stored(&self, path: usize, references: &[String]) -> HashMap<String, ProfileInput> {
        let services = &self.app.services;
        let mut conn = services.store.conn().unwrap();
        let ids = store::profiles::ids_by_reference(&mut conn, self.services[path].0, references)
            .unwrap();
        ids.into_iter()
            .map(|(reference, id)| {
                let profile = store::profiles::load(&mut conn, id, &services.taxonomy).unwrap();
                (reference, profile.details.to_input())
            })
            .collect()
    }
}

on_both_backends!(
    every_path_accepts_refuses_and_stores_the_same_profiles,
    |backend| async move {
        let started = std::time::Instant::now();
        let cases = cases();
        let p = Paths::new(backend).await;
        let taxonomy = &p.app.services.taxonomy;
        let direct: Vec<Option<ProfileDetails>> = cases
            .iter()
            .map(|(input, _)| {
                let typed = input.release_date != Some(not_a_day());
                ProfileDetails::parse(input, taxonomy)
                    .ok()
                    .filter(|_| typed)
            })
            .collect();
        // Every mistake is one the parser refuses, and nothing else is.
        for ((input, mistake), parsed) in cases.iter().zip(&direct) {
            assert_eq!(
                parsed.is_none(),
                mistake.is_some(),
                "{mistake:?}: {input:?}"
            );
        }
        let results: [Vec<bool>; 4] = [
            p.each(&cases, |input| p.through_editor(input)).await,
            p.each(&cases, |input| p.through_api(input)).await,
            p.through_upload(&cases).await,
            p.through_command_line(&cases),
        ];
        let expected: Vec<bool> = direct.iter().map(Option::is_some).collect();
        let references: Vec<String> = direct
            .iter()
            .flatten()
            .map(|d| d.reference().to_string())
            .collect();
        let mut stored = Vec::new();
        for (path, accepted) in results.iter().enumerate() {
            let name = PATH_NAMES[path];
            let count = accepted.iter().filter(|a| **a).count();
            eprintln!(
                "{backend:?} {name}: {count} accepted, {} refused",
                accepted.len() - count
            );
            for (i, (got, want)) in accepted.iter().zip(&expected).enumerate() {
                assert_eq!(
                    got, want,
                    "{name}, profile {i} ({:?}): {:?}",
                    cases[i].1, cases[i].0
                );
            }
            stored.push(p.stored(path, &references));
            assert_eq!(stored[path].len(), references.len(), "{name}");
        }
        // The same on every path; and what the parser made, but for the
        // order of lists the store keeps as sets.
        for details in direct.iter().flatten() {
            let reference = details.reference();
            for (path, held) in stored.iter().enumerate().skip(1) {
                let name = PATH_NAMES[path];
                let (got, editor) = (&held[reference], &stored[0][reference]);
                assert_eq!(
                    got, editor,
                    "{name} and the editor stored {reference} differently"
                );
            }
            assert_eq!(
                as_sets(stored[0][reference].clone()),
                as_sets(details.to_input()),
                "{reference} is stored otherwise than parsed"
            );
        }
        eprintln!(
            "{backend:?}: {} profiles ({} with a mistake) through four paths in {:?}",
            cases.len(),
            expected.iter().filter(|e| !**e).count(),
            started.elapsed()
        );
    }
);
