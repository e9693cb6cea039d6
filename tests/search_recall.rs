//! Engine-assisted matching finds exactly what brute force finds.
//!
//! On a generated data set (fixed seed, parsed through the domain) of 2,000
//! profiles and 1,000 vacancies with mixed constraints, for every profile
//! the eligible vacancies among its engine candidates equal the eligible
//! vacancies among all vacancies (by `domain::matching::assess`), and the
//! same from every vacancy to profiles. Any filter that is not a superset
//! of `assess` fails this test.
//!
//! The Meilisearch variant is ignored unless run with
//! `MEILISEARCH_URL=http://... cargo test --test search_recall -- --include-ignored`.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use fairchance::config::SearchEngineKind;
use fairchance::domain::geo::PlaceInput;
use fairchance::domain::matching::{assess, eligible_score, RuleCode};
use fairchance::domain::profile::{Profile, ProfileDetails};
use fairchance::domain::skills::Taxonomy;
use fairchance::domain::vacancy::{Vacancy, VacancyDetails, VacancyStatus};
use fairchance::gazetteer::Gazetteer;
use fairchance::search::{
    self, CandidateOptions, IndexKind, MatchIndex, ProfileDoc, ServiceScope, VacancyDoc,
};
use fairchance::seed::generator::{self, Town, TEMPLATES};
use fairchance::startup::load_taxonomy;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PROFILES: usize = 2_000;
const VACANCIES: usize = 1_000;
const SEED: u64 = 20_250_601;

/// The data is generated around this day...
fn generated_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

/// ...and matched three weeks later, so some closing dates have passed,
/// some starts are in the past (effective start = today) and releases fall
/// on both sides of today.
fn today() -> NaiveDate {
    generated_on() + Days::new(21)
}

struct Dataset {
    vacancies: Vec<Vacancy>,
    profiles: Vec<Profile>,
}

/// The generator's data with extra variety where it is thin: more remote
/// roles, work with children, radii between the usual choices, and
/// workplaces and people spread over a few dozen real towns.
fn dataset(taxonomy: &Taxonomy) -> Dataset {
    let gazetteer = Gazetteer::embedded().expect("gazetteer");
    let towns: Vec<Town> = gazetteer
        .largest(40)
        .into_iter()
        .map(|p| Town {
            name: p.name,
            lat: p.lat,
            lon: p.lon,
        })
        .collect();
    assert!(towns.len() >= 10, "the gazetteer has towns");
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let statuses = [
        VacancyStatus::Published,
        VacancyStatus::Published,
        VacancyStatus::Published,
        VacancyStatus::Published,
        VacancyStatus::Published,
        VacancyStatus::Published,
        VacancyStatus::Draft,
        VacancyStatus::Paused,
        VacancyStatus::Closed,
        VacancyStatus::Filled,
    ];

    let mut vacancies = Vec::with_capacity(VACANCIES);
    for n in 0..VACANCIES {
        let template = TEMPLATES.choose(&mut rng).expect("template");
        let town = &towns[rng.gen_range(0..towns.len())];
        let mut input =
            generator::vacancy(&mut rng, template, town, "Employer (demo)", generated_on());
        if rng.gen_bool(0.05) {
            input.remote = true;
            input.workplace = None;
        }
        if template.sector == "care" && rng.gen_bool(0.4) {
            input.regulated_children = true;
            input.check_level = "enhanced_barred".into();
        }
        // Some of each kind, and some not open yet (no draw).
        generator::vary_kind(&mut input, n as u64, generated_on());
        let details = VacancyDetails::parse(&input, taxonomy).expect("generated vacancy parses");
        vacancies.push(Vacancy {
            id: n as i64 + 1,
            employer_id: 1 + (n % 50) as i64,
            status: *statuses.choose(&mut rng).expect("status"),
            details,
        });
    }

    let mut profiles = Vec::with_capacity(PROFILES);
    for n in 0..PROFILES {
        let home = n % 10;
        let town = if rng.gen_bool(0.7) {
            &towns[home]
        } else {
            &towns[rng.gen_range(0..towns.len())]
        };
        let mut input = generator::profile(&mut rng, n as u64 + 1, town, generated_on());
        if rng.gen_bool(0.25) {
            input.travel_radius_km = [0.0, 0.5, 3.7, 7.3, 12.5, 33.0, 64.0, 130.0, 200.0]
                .choose(&mut rng)
                .copied()
                .unwrap_or(12.5);
        }
        if rng.gen_bool(0.05) {
            input.barred_children = true;
        }
        if rng.gen_bool(0.02) {
            // Released right where some vacancies are, to test the edge.
            input.release_area = Some(PlaceInput {
                name: town.name.clone(),
                lat: town.lat,
                lon: town.lon,
            });
            input.no_fixed_abode = false;
        }
        let details = ProfileDetails::parse(&input, taxonomy).expect("generated profile parses");
        profiles.push(Profile {
            id: n as i64 + 1,
            service_id: 1 + home as i64,
            officer_id: None,
            pseudonym: generator::pseudonym(&mut rng, n as u64 + 1),
            // The prison is in the home town, for day release travel.
            prison: Some(
                fairchance::domain::geo::Place::parse(&PlaceInput {
                    name: towns[home].name.clone(),
                    lat: towns[home].lat,
                    lon: towns[home].lon,
                })
                .expect("town place"),
            ),
            details,
        });
    }
    Dataset {
        vacancies,
        profiles,
    }
}

/// Eligible pairs by brute force over every pair, on both cores.
fn brute_force(data: &Dataset) -> (Vec<BTreeSet<i64>>, Vec<BTreeSet<i64>>) {
    let chunks: Vec<&[Profile]> = data.profiles.chunks(data.profiles.len() / 2 + 1).collect();
    let per_profile: Vec<BTreeSet<i64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                scope.spawn(|| {
                    chunk
                        .iter()
                        .map(|person| {
                            data.vacancies
                                .iter()
                                .filter(|job| {
                                    // The fast path matching ranks with must
                                    // agree with `assess` on every pair.
                                    let assessment = assess(job, person, today());
                                    assert_eq!(
                                        eligible_score(job, person, today()),
                                        assessment.eligible().then_some(assessment.score),
                                        "eligible_score disagrees with assess for vacancy {} and profile {}",
                                        job.id,
                                        person.id
                                    );
                                    assessment.eligible()
                                })
                                .map(|job| job.id)
                                .collect::<BTreeSet<i64>>()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("brute force thread"))
            .collect()
    });
    let mut per_vacancy = vec![BTreeSet::new(); data.vacancies.len()];
    for (person, eligible) in data.profiles.iter().zip(&per_profile) {
        for &job in eligible {
            per_vacancy[(job - 1) as usize].insert(person.id);
        }
    }
    (per_profile, per_vacancy)
}

/// Every rule fails somewhere, and enough pairs are eligible, so the test
/// says something about each filter.
fn check_the_mix(data: &Dataset, per_profile: &[BTreeSet<i64>]) {
    let eligible: usize = per_profile.iter().map(BTreeSet::len).sum();
    assert!(eligible > 2_000, "only {eligible} eligible pairs");
    let mut seen = BTreeSet::new();
    for person in data.profiles.iter().step_by(7) {
        for job in data.vacancies.iter().step_by(3) {
            for code in assess(job, person, today()).codes() {
                seen.insert(code);
            }
        }
    }
    for code in RuleCode::ALL {
        assert!(seen.contains(code), "no pair fails {code}");
    }
    let count = |f: &dyn Fn(&Profile) -> bool| data.profiles.iter().filter(|p| f(p)).count();
    let nfa = count(&|p| p.details.release_area().place().is_none());
    let rotl = count(&|p| p.details.rotl_eligible_from().is_some());
    let curfew = count(&|p| !p.details.licence_conditions().curfews().is_empty());
    let zones = count(&|p| !p.details.licence_conditions().exclusion_zones().is_empty());
    let remote = data
        .vacancies
        .iter()
        .filter(|v| v.details.workplace().place().is_none())
        .count();
    println!(
        "data set: {eligible} eligible pairs; {nfa} NFA, {rotl} ROTL-eligible, {curfew} with curfews, \
         {zones} with exclusion zones; {remote} remote vacancies"
    );
    assert!(nfa > 20 && rotl > 100 && curfew > 100 && zones > 50 && remote > 20);
}

async fn recall(index: Arc<dyn MatchIndex>, taxonomy: &Taxonomy) {
    let data = dataset(taxonomy);
    let started = Instant::now();
    let (per_profile, per_vacancy) = brute_force(&data);
    println!(
        "brute force over every pair: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    check_the_mix(&data, &per_profile);

    let started = Instant::now();
    index.apply_settings().await.expect("settings");
    let vacancy_docs: Vec<VacancyDoc> = data
        .vacancies
        .iter()
        .map(|v| VacancyDoc::build(v, taxonomy))
        .collect();
    let profile_docs: Vec<ProfileDoc> = data
        .profiles
        .iter()
        .map(|p| ProfileDoc::build(p, taxonomy, today()))
        .collect();
    index
        .upsert_vacancies(&vacancy_docs)
        .await
        .expect("index vacancies");
    index
        .upsert_profiles(&profile_docs)
        .await
        .expect("index profiles");
    let counts = index.counts().await.expect("counts");
    assert_eq!(
        (counts.vacancies, counts.profiles),
        (VACANCIES as u64, PROFILES as u64)
    );
    println!("indexing: {:.1} s", started.elapsed().as_secs_f64());

    let options = CandidateOptions::default();
    let started = Instant::now();
    let mut candidates = 0usize;
    for (person, expected) in data.profiles.iter().zip(&per_profile) {
        let hits = index
            .candidate_vacancies(person, today(), &options)
            .await
            .expect("candidate vacancies");
        candidates += hits.len();
        let found: BTreeSet<i64> = hits
            .iter()
            .map(|h| h.id)
            .filter(|id| assess(&data.vacancies[(*id - 1) as usize], person, today()).eligible())
            .collect();
        assert_eq!(
            &found,
            expected,
            "profile {}: engine-assisted matching differs from brute force (missing {:?})",
            person.id,
            expected.difference(&found).collect::<Vec<_>>()
        );
    }
    let eligible: usize = per_profile.iter().map(BTreeSet::len).sum();
    println!(
        "profile -> vacancies: {candidates} candidates for {eligible} eligible pairs (of {}), {:.1} s",
        PROFILES * VACANCIES,
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let mut candidates = 0usize;
    for (job, expected) in data.vacancies.iter().zip(&per_vacancy) {
        let hits = index
            .candidate_profiles(job, &ServiceScope::All, today(), &options)
            .await
            .expect("candidate profiles");
        candidates += hits.len();
        let found: BTreeSet<i64> = hits
            .iter()
            .map(|h| h.id)
            .filter(|id| assess(job, &data.profiles[(*id - 1) as usize], today()).eligible())
            .collect();
        assert_eq!(
            &found,
            expected,
            "vacancy {}: engine-assisted matching differs from brute force (missing {:?})",
            job.id,
            expected.difference(&found).collect::<Vec<_>>()
        );
    }
    println!(
        "vacancy -> profiles: {candidates} candidates for {eligible} eligible pairs, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_engine_finds_every_eligible_pair() {
    let taxonomy = Arc::new(load_taxonomy().expect("taxonomy"));
    let dir = tempfile::tempdir().expect("temp dir");
    let index = search::open_engine(
        &SearchEngineKind::Embedded,
        dir.path(),
        "recall_",
        taxonomy.clone(),
    )
    .expect("embedded engine");
    recall(index, &taxonomy).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs MEILISEARCH_URL"]
async fn meilisearch_finds_every_eligible_pair() {
    let url = std::env::var("MEILISEARCH_URL").expect("set MEILISEARCH_URL to run this test");
    let api_key = std::env::var("MEILISEARCH_API_KEY").ok();
    let taxonomy = Arc::new(load_taxonomy().expect("taxonomy"));
    let dir = tempfile::tempdir().expect("temp dir");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let prefix = format!("fc_recall_{}_{nanos}_", std::process::id());
    let index = search::open_engine(
        &SearchEngineKind::Meilisearch {
            url: url.clone(),
            api_key: api_key.clone(),
        },
        dir.path(),
        &prefix,
        taxonomy.clone(),
    )
    .expect("meilisearch engine");
    recall(index, &taxonomy).await;
    let client = meilisearch_sdk::client::Client::new(url, api_key).expect("client");
    for kind in IndexKind::ALL {
        let _ = client
            .delete_index(format!("{prefix}{}", kind.base_name()))
            .await;
    }
}
