//! "Find jobs" finds every job that fits, at scale, on both databases.
//!
//! A generated set of 5,000 vacancies and 500 people (fixed seed, parsed
//! through the domain) is stored and indexed. For every person and every
//! distance a job seeker can pick (5, 10, 25, 50 miles, and none), the
//! vacancies over all pages of a search with no words equal the brute-force
//! set: every vacancy `assess` accepts that lies within the distance (remote
//! work always does). Words ("forklift", its synonym "FLT" and the typo
//! "forklfit") find every eligible vacancy that has the word. Pages never
//! repeat or skip a vacancy, and `total` is the size of the whole set.
//!
//! The matcher is checked for every person; the HTML page and the JSON API
//! are read page by page for a few people, as a terminal would. An
//! officer's lists (a person's matches, a vacancy's candidates) are read
//! page by page from the API against the same brute-force answer.
//!
//! With `MEILISEARCH_URL` set, the ignored variant runs the same against a
//! real Meilisearch server:
//! `MEILISEARCH_URL=http://127.0.0.1:7700 cargo test --test seeker_search -- --include-ignored`.

mod common;
#[path = "support/terminal.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use chrono::{Days, NaiveDate};
use common::{Backend, RealMeilisearch, TestApp};
use fairchance::access::password;
use fairchance::domain::geo::{distance_km, PlaceInput};
use fairchance::domain::matching::assess;
use fairchance::domain::profile::{Profile, ProfileDetails};
use fairchance::domain::vacancy::{Vacancy, VacancyDetails, VacancyStatus, Workplace};
use fairchance::gazetteer::Gazetteer;
use fairchance::matches::Paging;
use fairchance::search::{Near, VacancyDoc, VacancySearch};
use fairchance::seed::generator::{self, Town, TEMPLATES};
use fairchance::store::people::{
    self, EmployerStatus, Membership, NewEmployer, NewService, NewUser, ServiceKind,
};
use fairchance::store::profiles::NewProfile;
use fairchance::store::vacancies::NewVacancy;
use fairchance::store::{self, access as access_store, now};
use fairchance::web::auth;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use support::{csrf_in, get_text, vacancy_links, PIN};

const VACANCIES: usize = 5_000;
const PROFILES: usize = 500;
const SEED: u64 = 20_261_202;
/// The distances a job seeker can pick, in miles; `None` is "any distance".
const DISTANCES: [Option<u32>; 5] = [None, Some(5), Some(10), Some(25), Some(50)];
const KM_PER_MILE: f64 = 1.609_344;
/// The word, its synonym and a one-letter typo.
const WORDS: [&str; 3] = ["forklift", "FLT", "forklfit"];
/// People read page by page over HTTP (HTML and JSON).
const HTTP_PEOPLE: usize = 3;

struct Data {
    today: NaiveDate,
    vacancies: Vec<Vacancy>,
    profiles: Vec<Profile>,
    /// Every person's eligible vacancies with the distance to each
    /// (`None` for remote work or a person of no fixed abode).
    eligible: Vec<BTreeMap<i64, Option<f64>>>,
    /// Login codes of the people read over HTTP, by profile id.
    codes: Vec<(i64, String)>,
    device: String,
    officer: i64,
}

fn towns() -> Vec<Town> {
    Gazetteer::embedded()
        .expect("gazetteer")
        .largest(40)
        .into_iter()
        .map(|p| Town {
            name: p.name,
            lat: p.lat,
            lon: p.lon,
        })
        .collect()
}

/// Generates, stores and indexes the set, and works out the eligible pairs
/// by brute force over every pair.
async fn build(app: &TestApp) -> Data {
    let started = Instant::now();
    let taxonomy = app.services.taxonomy.clone();
    let today = now().date();
    let generated_on = today - Days::new(14);
    let towns = towns();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut conn = app.services.store.conn().expect("conn");
    let at = now();
    let service = people::create_service(
        &mut conn,
        &NewService {
            name: "HMP Example",
            kind: ServiceKind::Prison,
            place_name: "Leeds",
            lat: 53.8,
            lon: -1.5,
        },
    )
    .expect("service");
    let employer = people::create_employer(
        &mut conn,
        &NewEmployer {
            name: "Example Works (demo)",
            sector_slug: "warehousing",
            contact_name: "Contact",
            contact_email: "contact@example.invalid",
            contact_phone: None,
            address: "Somewhere",
            website: None,
            status: EmployerStatus::Approved,
            decided_by: None,
        },
    )
    .expect("employer");
    let hash = password::hash("a long enough password").expect("hash");
    let officer = people::create_user(
        &mut conn,
        &NewUser {
            email: "officer@example.invalid",
            display_name: "Officer",
            password_hash: &hash,
            membership: Membership::Service(service),
        },
    )
    .expect("officer");

    let statuses = [
        VacancyStatus::Published,
        VacancyStatus::Published,
        VacancyStatus::Published,
        VacancyStatus::Published,
        VacancyStatus::Published,
        VacancyStatus::Published,
        VacancyStatus::Published,
        VacancyStatus::Draft,
        VacancyStatus::Paused,
        VacancyStatus::Closed,
    ];
    let mut details = Vec::with_capacity(VACANCIES);
    for n in 0..VACANCIES {
        let template = TEMPLATES.choose(&mut rng).expect("template");
        // Most work near a few towns, so some people have hundreds of jobs.
        let town = if rng.gen_bool(0.6) {
            &towns[rng.gen_range(0..6)]
        } else {
            &towns[rng.gen_range(0..towns.len())]
        };
        let mut input = generator::vacancy(
            &mut rng,
            template,
            town,
            "Example Works (demo)",
            generated_on,
        );
        if rng.gen_bool(0.05) {
            input.remote = true;
            input.workplace = None;
        }
        // Some of each kind, and some not open yet (no draw).
        generator::vary_kind(&mut input, n as u64, generated_on);
        details.push(VacancyDetails::parse(&input, &taxonomy).expect("vacancy parses"));
    }
    let items: Vec<NewVacancy> = details
        .iter()
        .map(|d| NewVacancy {
            employer_id: employer,
            status: *statuses.choose(&mut rng).expect("status"),
            created_by: None,
            details: d,
        })
        .collect();
    let vacancy_ids = conn
        .write(|c| store::vacancies::insert_many(c, &items, at))
        .expect("store vacancies");

    let mut people_details = Vec::with_capacity(PROFILES);
    for n in 0..PROFILES {
        let town = if rng.gen_bool(0.8) {
            &towns[n % 6]
        } else {
            &towns[rng.gen_range(0..towns.len())]
        };
        let mut input = generator::profile(&mut rng, n as u64 + 1, town, generated_on);
        if rng.gen_bool(0.3) {
            input.travel_radius_km = [3.0, 8.0, 16.0, 30.0, 45.0, 80.0, 120.0]
                .choose(&mut rng)
                .copied()
                .unwrap_or(16.0);
        }
        if n < 40 {
            // Open to most work, so their lists run to many pages.
            input.right_to_work = true;
            input.readiness = "ready_to_work".into();
            input.driving_licence = true;
            input.no_driving = false;
            input.curfews.clear();
            input.exclusion_zones.clear();
            input.offence_categories.clear();
            input.barred_children = false;
            input.barred_adults = false;
            input.release_date = Some(today - Days::new(2));
            input.rotl_eligible_from = None;
            input.no_fixed_abode = false;
            input.release_area = Some(PlaceInput {
                name: town.name.clone(),
                lat: town.lat,
                lon: town.lon,
            });
            input.travel_radius_km = [40.0, 60.0, 90.0][n % 3];
        }
        people_details.push(ProfileDetails::parse(&input, &taxonomy).expect("profile parses"));
    }
    let pseudonyms: Vec<String> = (0..PROFILES)
        .map(|n| generator::pseudonym(&mut rng, n as u64 + 1))
        .collect();
    let items: Vec<NewProfile> = people_details
        .iter()
        .zip(&pseudonyms)
        .map(|(d, pseudonym)| NewProfile {
            service_id: service,
            officer_id: Some(officer),
            pseudonym,
            details: d,
        })
        .collect();
    let profile_ids = conn
        .write(|c| store::profiles::insert_many(c, &items, at))
        .expect("store profiles");

    let pin_hash = password::hash(PIN).expect("pin");
    let mut codes = Vec::new();
    for &id in profile_ids.iter().take(HTTP_PEOPLE) {
        let (_, code) = access_store::issue_seeker_access(&mut conn, id, &pin_hash, None, at)
            .expect("seeker access");
        codes.push((id, code));
    }
    let (_, enrolment) =
        access_store::create_terminal(&mut conn, service, "Kiosk", None, at).expect("terminal");
    let (_, credential) = access_store::redeem_enrolment(&mut conn, &enrolment, at)
        .expect("redeem")
        .expect("credential");
    let device = format!(
        "{}={}",
        auth::DEVICE_COOKIE,
        auth::sign(&app.services.config.secret_key, &credential)
    );
    let vacancies = store::vacancies::load_many(&mut conn, &vacancy_ids, &taxonomy).expect("load");
    let profiles = store::profiles::load_many(&mut conn, &profile_ids, &taxonomy).expect("load");
    drop(conn);
    app.matcher.reindex(|_, _, _| {}).await.expect("reindex");
    println!(
        "stored and indexed {} vacancies and {} people in {:.1} s",
        vacancies.len(),
        profiles.len(),
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let eligible = brute_force(&vacancies, &profiles, today);
    let pairs: usize = eligible.iter().map(BTreeMap::len).sum();
    let most = eligible.iter().map(BTreeMap::len).max().unwrap_or(0);
    println!(
        "brute force: {pairs} eligible pairs, at most {most} for one person, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        most > 500,
        "some person has several hundred jobs, so lists run to many pages ({most})"
    );
    Data {
        today,
        vacancies,
        profiles,
        eligible,
        codes,
        device,
        officer,
    }
}

/// Every pair through `assess`, on both cores.
fn brute_force(
    vacancies: &[Vacancy],
    profiles: &[Profile],
    today: NaiveDate,
) -> Vec<BTreeMap<i64, Option<f64>>> {
    let half = profiles.len() / 2 + 1;
    std::thread::scope(|scope| {
        let handles: Vec<_> = profiles
            .chunks(half)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|person| {
                            let home = person.details.release_area().place().map(|p| p.point());
                            vacancies
                                .iter()
                                .filter(|job| assess(job, person, today).eligible())
                                .map(|job| {
                                    let km = match (job.details.workplace(), home) {
                                        (Workplace::OnSite(work), Some(home)) => {
                                            Some(distance_km(home, work.point()))
                                        }
                                        _ => None,
                                    };
                                    (job.id, km)
                                })
                                .collect::<BTreeMap<i64, Option<f64>>>()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("brute force thread"))
            .collect()
    })
}

/// The brute-force answer for one person and distance.
fn expected(eligible: &BTreeMap<i64, Option<f64>>, miles: Option<u32>) -> BTreeSet<i64> {
    eligible
        .iter()
        .filter(|(_, km)| match (miles, km) {
            (Some(miles), Some(km)) => *km <= f64::from(miles) * KM_PER_MILE,
            _ => true,
        })
        .map(|(id, _)| *id)
        .collect()
}

fn search_for(person: &Profile, words: &str, miles: Option<u32>) -> VacancySearch {
    VacancySearch {
        text: words.into(),
        near: match (miles, person.details.release_area().place()) {
            (Some(miles), Some(place)) => Some(Near {
                point: place.point(),
                km: f64::from(miles) * KM_PER_MILE,
                include_remote: true,
            }),
            _ => None,
        },
        ..VacancySearch::default()
    }
}

/// Reads every page of a search from the matcher, checking the pages fit
/// together: no repeats, nothing skipped, the same total on each.
async fn all_pages(
    app: &TestApp,
    person: &Profile,
    search: &VacancySearch,
    today: NaiveDate,
    per_page: usize,
) -> BTreeSet<i64> {
    let mut seen = BTreeSet::new();
    let mut page = 1;
    let mut total = None;
    loop {
        let found = app
            .matcher
            .search_page(person, search, today, Paging { page, per_page })
            .await
            .expect("search");
        assert_eq!(
            *total.get_or_insert(found.total),
            found.total,
            "the same total on every page"
        );
        if found.items.is_empty() {
            break;
        }
        assert!(found.items.len() <= per_page);
        for r in &found.items {
            assert!(r.assessment.eligible(), "only eligible vacancies are shown");
            assert!(
                seen.insert(r.item.id),
                "vacancy {} appears on two pages",
                r.item.id
            );
        }
        page += 1;
    }
    assert_eq!(
        seen.len(),
        total.unwrap_or(0),
        "total is the count over all pages"
    );
    seen
}

/// Lower-case words of a vacancy's searchable text, as a person reads it.
fn words_of(
    vacancy: &Vacancy,
    taxonomy: &fairchance::domain::skills::Taxonomy,
) -> BTreeSet<String> {
    let doc = VacancyDoc::build(vacancy, taxonomy);
    let mut text = vec![
        doc.title.clone(),
        doc.sector_label.clone(),
        doc.place.clone(),
        doc.description.clone(),
    ];
    text.extend(doc.skills_text.iter().cloned());
    text.extend(doc.certificate_codes.iter().cloned());
    text.iter()
        .flat_map(|t| {
            t.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect()
}

async fn matcher_recall(app: &TestApp, data: &Data) {
    let started = Instant::now();
    let taxonomy = app.services.taxonomy.clone();
    // Every person and distance, the whole list in one page.
    for (person, eligible) in data.profiles.iter().zip(&data.eligible) {
        for miles in DISTANCES {
            let found = app
                .matcher
                .search_page(
                    person,
                    &search_for(person, "", miles),
                    data.today,
                    Paging::ALL,
                )
                .await
                .expect("search");
            let ids: BTreeSet<i64> = found.items.iter().map(|r| r.item.id).collect();
            assert_eq!(found.total, ids.len());
            assert_eq!(
                ids,
                expected(eligible, miles),
                "profile {} at {miles:?} miles",
                person.id
            );
            // With no words, best match score first.
            assert!(found
                .items
                .windows(2)
                .all(|w| w[0].assessment.score >= w[1].assessment.score - 1e-9));
        }
    }
    println!(
        "matcher, every person x every distance: {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Page by page, ten a page, for the people with the longest lists.
    let started = Instant::now();
    let mut by_size: Vec<usize> = (0..data.profiles.len()).collect();
    by_size.sort_by_key(|&i| std::cmp::Reverse(data.eligible[i].len()));
    for &i in by_size.iter().take(4) {
        let person = &data.profiles[i];
        for miles in [None, Some(25)] {
            let ids = all_pages(app, person, &search_for(person, "", miles), data.today, 10).await;
            assert_eq!(ids, expected(&data.eligible[i], miles));
        }
    }

    // Words: every eligible vacancy that has the word, through its synonym
    // and a typo too; nothing that does not fit.
    let has_word: BTreeSet<i64> = data
        .vacancies
        .iter()
        .filter(|v| words_of(v, &taxonomy).contains("forklift"))
        .map(|v| v.id)
        .collect();
    assert!(
        has_word.len() > 50,
        "the set has forklift work ({})",
        has_word.len()
    );
    let mut checked = 0;
    for &i in by_size.iter().take(60) {
        let person = &data.profiles[i];
        let eligible: BTreeSet<i64> = data.eligible[i].keys().copied().collect();
        let wanted: BTreeSet<i64> = eligible.intersection(&has_word).copied().collect();
        for words in WORDS {
            let found = all_pages(
                app,
                person,
                &search_for(person, words, None),
                data.today,
                50,
            )
            .await;
            assert!(
                found.is_subset(&eligible),
                "{words:?} shows only eligible work"
            );
            let missing: Vec<&i64> = wanted.difference(&found).collect();
            assert!(
                missing.is_empty(),
                "{words:?} for profile {} misses {missing:?}",
                person.id
            );
            checked += wanted.len();
        }
    }
    assert!(
        checked > 100,
        "the word checks saw forklift work ({checked})"
    );
    println!(
        "matcher, paging and words: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// Signs a job seeker in on a fresh kiosk browser.
async fn kiosk(app: &TestApp, data: &Data, code: &str) -> reqwest::Client {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let url: reqwest::Url = app.address.parse().expect("address");
    jar.add_cookie_str(&format!("{}; Path=/", data.device), &url);
    let client = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = get_text(&client, &app.url("/terminal")).await;
    let res = client
        .post(app.url("/terminal/sign-in"))
        .form(&[
            ("login_code", code),
            ("pin", PIN),
            ("csrf_token", csrf_in(&page).as_str()),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 303, "signed in");
    client
}

fn query(words: &str, miles: Option<u32>, page: usize) -> String {
    serde_urlencoded::to_string([
        ("q", words.to_string()),
        ("distance", miles.map(|m| m.to_string()).unwrap_or_default()),
        ("page", page.to_string()),
    ])
    .expect("query")
}

/// Every page of the JSON search.
async fn json_pages(
    app: &TestApp,
    client: &reqwest::Client,
    words: &str,
    miles: Option<u32>,
) -> BTreeSet<i64> {
    let mut seen = BTreeSet::new();
    let mut page = 1;
    let mut total = None;
    loop {
        let res = client
            .get(app.url(&format!(
                "/api/v1/terminal/vacancies?{}",
                query(words, miles, page)
            )))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.expect("json");
        let this_total = body["total"].as_u64().expect("total") as usize;
        assert_eq!(*total.get_or_insert(this_total), this_total);
        let items = body["items"].as_array().expect("items");
        if items.is_empty() {
            break;
        }
        assert!(items.len() <= 10, "ten a page");
        for item in items {
            let id = item["vacancy_id"].as_i64().expect("id");
            assert!(seen.insert(id), "vacancy {id} on two pages");
        }
        page += 1;
    }
    assert_eq!(seen.len(), total.unwrap_or(0));
    seen
}

/// Every page of the HTML search, following its "Next page" links.
async fn html_pages(
    app: &TestApp,
    client: &reqwest::Client,
    words: &str,
    miles: Option<u32>,
) -> BTreeSet<i64> {
    let mut seen = BTreeSet::new();
    let mut path = format!("/terminal/find?{}", query(words, miles, 1));
    let mut count_line = String::new();
    loop {
        let res = client.get(app.url(&path)).send().await.expect("request");
        assert_eq!(res.status(), 200, "{path}");
        let body = res.text().await.expect("body");
        if count_line.is_empty() {
            let start = body.find("<h2 id=\"results\">").expect("count") + 17;
            count_line = body[start..start + body[start..].find('<').expect("end")].to_string();
        }
        for id in vacancy_links(support::main_of(&body)) {
            assert!(seen.insert(id), "vacancy {id} on two pages");
        }
        let marker = "\">Next page</a>";
        match body.find(marker) {
            Some(end) => {
                let start = body[..end].rfind("href=\"").expect("link") + 6;
                path = body[start..end].replace("&#38;", "&").replace("&amp;", "&");
            }
            None => break,
        }
    }
    let shown = match seen.len() {
        0 => "We found no jobs".to_string(),
        1 => "We found 1 job.".to_string(),
        n => format!(
            "We found {} jobs.",
            fairchance::web::terminal::seeker::grouped(n)
        ),
    };
    assert!(
        count_line.starts_with(&shown),
        "the page says how many: {count_line:?} for {} found",
        seen.len()
    );
    seen
}

async fn http_recall(app: &TestApp, data: &Data) {
    let started = Instant::now();
    for (profile_id, code) in &data.codes {
        let i = data
            .profiles
            .iter()
            .position(|p| p.id == *profile_id)
            .expect("person");
        let client = kiosk(app, data, code).await;
        for miles in DISTANCES {
            let want = expected(&data.eligible[i], miles);
            assert_eq!(
                json_pages(app, &client, "", miles).await,
                want,
                "JSON, profile {profile_id} at {miles:?} miles"
            );
        }
        assert_eq!(
            html_pages(app, &client, "", Some(25)).await,
            expected(&data.eligible[i], Some(25)),
            "HTML, profile {profile_id} at 25 miles"
        );
        let eligible: BTreeSet<i64> = data.eligible[i].keys().copied().collect();
        let taxonomy = app.services.taxonomy.clone();
        let wanted: BTreeSet<i64> = data
            .vacancies
            .iter()
            .filter(|v| eligible.contains(&v.id) && words_of(v, &taxonomy).contains("forklift"))
            .map(|v| v.id)
            .collect();
        for words in WORDS {
            let found = json_pages(app, &client, words, None).await;
            assert!(found.is_subset(&eligible), "{words:?}: only eligible work");
            assert!(wanted.is_subset(&found), "{words:?}: every forklift job");
        }
        let found = html_pages(app, &client, "forklift", None).await;
        assert!(wanted.is_subset(&found) && found.is_subset(&eligible));
    }
    println!(
        "HTTP, {} people page by page: {:.1} s",
        data.codes.len(),
        started.elapsed().as_secs_f64()
    );
}

/// Every page of an officer's ranked list from the JSON API.
async fn officer_pages(app: &TestApp, cookie: &str, path: &str, id_field: &str) -> BTreeSet<i64> {
    let mut seen = BTreeSet::new();
    let mut total = None;
    for page in 1.. {
        let res = app
            .client
            .get(app.url(&format!("{path}?page={page}&per_page=100")))
            .header("cookie", cookie)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 200, "{path}");
        let body: serde_json::Value = res.json().await.expect("json");
        let this_total = body["total"].as_u64().expect("total") as usize;
        assert_eq!(*total.get_or_insert(this_total), this_total);
        assert_eq!(body["per_page"].as_u64(), Some(100));
        let items = body["items"].as_array().expect("items");
        if items.is_empty() {
            break;
        }
        for item in items {
            let id = item[id_field].as_i64().expect("id");
            assert!(seen.insert(id), "{path}: {id} on two pages");
        }
    }
    assert_eq!(seen.len(), total.unwrap_or(0), "{path}: total");
    seen
}

/// The officer's lists: a person's matches and a vacancy's candidates,
/// page by page, against brute force; the HTML says how many in all.
async fn officer_recall(app: &TestApp, data: &Data) {
    let started = Instant::now();
    let (cookie, _) = app.staff_session(data.officer);
    let mut by_size: Vec<usize> = (0..data.profiles.len()).collect();
    by_size.sort_by_key(|&i| std::cmp::Reverse(data.eligible[i].len()));
    for &i in by_size.iter().take(3).chain(by_size.iter().rev().take(2)) {
        let person = &data.profiles[i];
        let want: BTreeSet<i64> = data.eligible[i].keys().copied().collect();
        let path = format!("/api/v1/profiles/{}/matches", person.id);
        assert_eq!(
            officer_pages(app, &cookie, &path, "vacancy_id").await,
            want,
            "{path}"
        );
        let res = app
            .client
            .get(app.url(&format!("/officer/profiles/{}/matches", person.id)))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 200);
        let body = res.text().await.expect("body");
        if want.len() > 50 {
            let line = format!(
                "Showing 1 to 50 of {} vacancies.",
                fairchance::web::terminal::seeker::grouped(want.len())
            );
            assert!(body.contains(&line), "the matches page says {line:?}");
        }
    }
    // Candidates: the vacancies with the most eligible people.
    let mut per_vacancy: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (person, eligible) in data.profiles.iter().zip(&data.eligible) {
        for id in eligible.keys() {
            per_vacancy.entry(*id).or_default().insert(person.id);
        }
    }
    let mut popular: Vec<(&i64, &BTreeSet<i64>)> = per_vacancy.iter().collect();
    popular.sort_by_key(|(id, people)| (std::cmp::Reverse(people.len()), **id));
    assert!(
        popular[0].1.len() > 100,
        "a vacancy has over a hundred candidates"
    );
    for (id, people) in popular.iter().take(3) {
        let path = format!("/api/v1/vacancies/{id}/candidates");
        assert_eq!(
            &officer_pages(app, &cookie, &path, "profile_id").await,
            *people,
            "{path}"
        );
    }
    println!(
        "officer lists, page by page: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

async fn run(backend: Backend, extra: &[(&str, &str)]) {
    let app = TestApp::spawn_with(backend, extra).await;
    println!("engine: {}", app.matcher.index().engine_name());
    let data = build(&app).await;
    matcher_recall(&app, &data).await;
    http_recall(&app, &data).await;
    officer_recall(&app, &data).await;
}

on_both_backends!(find_jobs_is_complete_at_scale, |backend| async move {
    run(backend, &[]).await
});

/// The same against a real Meilisearch; run with `MEILISEARCH_URL` set.
mod meilisearch {
    use super::*;

    async fn run_on_meilisearch(backend: Backend) {
        let meili = RealMeilisearch::from_env(match backend {
            Backend::Sqlite => "seeker_sqlite",
            Backend::Postgres => "seeker_postgres",
        });
        run(backend, &meili.settings()).await;
        // The indexes live on the server, not in the test's directory.
        meili.delete_indexes().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs a Meilisearch server: set MEILISEARCH_URL"]
    async fn sqlite() {
        run_on_meilisearch(Backend::Sqlite).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs a Meilisearch server: set MEILISEARCH_URL"]
    async fn postgres() {
        run_on_meilisearch(Backend::Postgres).await
    }
}
