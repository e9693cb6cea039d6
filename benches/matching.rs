//! Matching benchmark: `cargo bench --bench matching`.
//!
//! Seeds the synthetic data set (FAIRCHANCE_BENCH_PROFILES, default 100,000;
//! FAIRCHANCE_BENCH_VACANCIES, default 50,000) into a fresh SQLite database
//! (or the database in FAIRCHANCE_BENCH_DATABASE_URL, which must be empty),
//! builds the embedded index, then measures:
//! - the full reindex time;
//! - matching latency in both directions (index narrows, `assess` decides,
//!   rows loaded from the database), p50 and p99 over many queries;
//! - a brute-force pass of `assess` over every pair for the same queries,
//!   with everything already in memory (the baseline the index must beat);
//! - the time from publishing a vacancy to its matches being stored.
//!
//! It prints figures; it asserts nothing.

use std::time::{Duration, Instant};

use fairchance::config::Config;
use fairchance::domain::matching::assess;
use fairchance::matches::Matcher;
use fairchance::search::ServiceScope;
use fairchance::seed::synthetic;
use fairchance::store;
use rand::seq::SliceRandom;
use rand::SeedableRng;

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index.min(samples.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let profiles = env_number("FAIRCHANCE_BENCH_PROFILES", 100_000);
    let vacancies = env_number("FAIRCHANCE_BENCH_VACANCIES", 50_000);
    let samples = env_number("FAIRCHANCE_BENCH_SAMPLES", 200) as usize;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vars: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    vars.insert(
        "FAIRCHANCE_DATA_DIR".into(),
        dir.path().display().to_string(),
    );
    if let Ok(url) = std::env::var("FAIRCHANCE_BENCH_DATABASE_URL") {
        vars.insert("FAIRCHANCE_DATABASE_URL".into(), url);
    }
    let config = Config::from_vars(&vars).expect("config");
    let services = fairchance::startup::open(config).expect("start-up");
    println!("matching benchmark: {profiles} profiles, {vacancies} vacancies, {samples} queries each way, {} backend", services.store.backend_name());

    let report = synthetic::seed(
        &services,
        &synthetic::Options {
            profiles,
            vacancies,
            seed: 42,
            progress: false,
        },
    )
    .expect("seed");
    println!("seed: {report}");
    let seeded_at = Instant::now();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let index = fairchance::search::open(&services.config, services.taxonomy.clone()).expect("index");
        index.apply_settings().await.expect("settings");
        let matcher = Matcher::new(services.store.clone(), index, services.taxonomy.clone());
        let started = Instant::now();
        let (v, p) = matcher.reindex(|_, _, _| {}).await.expect("reindex");
        println!("reindex: {v} vacancies + {p} profiles in {:.1} s", started.elapsed().as_secs_f64());

        let load_started = Instant::now();
        let mut conn = services.store.conn().expect("conn");
        let profile_ids = store::profiles::all_ids(&mut conn).expect("ids");
        let vacancy_ids = store::vacancies::all_ids(&mut conn).expect("ids");
        let all_profiles = store::profiles::load_many(&mut conn, &profile_ids, &services.taxonomy).expect("profiles");
        let all_vacancies = store::vacancies::load_many(&mut conn, &vacancy_ids, &services.taxonomy).expect("vacancies");
        drop(conn);
        println!("loaded every row into memory for the brute-force baseline in {:.1} s", load_started.elapsed().as_secs_f64());

        let rss = |label: &str| {
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let field = |name: &str| {
                status
                    .lines()
                    .find(|l| l.starts_with(name))
                    .map(|l| l.trim_start_matches(name).trim().to_string())
                    .unwrap_or_default()
            };
            println!("memory {label}: VmRSS {} (VmHWM {})", field("VmRSS:"), field("VmHWM:"));
        };
        rss("before warming the matcher");
        let warm_started = Instant::now();
        let (wv, wp) = matcher.warm().await.expect("warm");
        println!(
            "matcher warmed with {wv} vacancies and {wp} profiles in {:.1} s (a running server fills them as queries come; figures below are steady state, every copy held)",
            warm_started.elapsed().as_secs_f64()
        );
        rss("after warming the matcher (the brute-force copies are also held)");
        // For a minute after a bulk write the matcher's change check re-reads
        // the rows written; wait that out so the figures are steady state.
        let settle = std::time::Duration::from_secs(fairchance::matches::CHECK_MARGIN_SECONDS as u64 + 5);
        if let Some(rest) = settle.checked_sub(seeded_at.elapsed()) {
            println!("waiting {:.0} s for the seed to leave the change-check window", rest.as_secs_f64());
            std::thread::sleep(rest);
        }
        let today = chrono::Utc::now().date_naive();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let sample_profiles: Vec<_> = all_profiles.choose_multiple(&mut rng, samples).collect();
        let sample_vacancies: Vec<_> = all_vacancies.iter().filter(|v| v.is_open(today)).collect::<Vec<_>>().choose_multiple(&mut rng, samples).copied().collect();

        let mut engine_pv = Vec::new();
        let mut brute_pv = Vec::new();
        let mut found = 0usize;
        for profile in &sample_profiles {
            let t = Instant::now();
            let ranked = matcher.vacancies_for(profile, today, 50).await.expect("match");
            engine_pv.push(t.elapsed());
            found += ranked.len();
            let t = Instant::now();
            let eligible = all_vacancies.iter().filter(|v| assess(v, profile, today).eligible()).count();
            brute_pv.push(t.elapsed());
            std::hint::black_box(eligible);
        }
        let mut engine_vp = Vec::new();
        let mut brute_vp = Vec::new();
        for vacancy in &sample_vacancies {
            let t = Instant::now();
            let ranked = matcher.profiles_for(vacancy, &ServiceScope::All, today, 50).await.expect("match");
            engine_vp.push(t.elapsed());
            found += ranked.len();
            let t = Instant::now();
            let eligible = all_profiles.iter().filter(|p| assess(vacancy, p, today).eligible()).count();
            brute_vp.push(t.elapsed());
            std::hint::black_box(eligible);
        }
        println!("matched pairs returned (top 50 each): {found}");
        // Where the time goes: the engine's narrowing alone, and how many
        // candidates it hands to `assess`.
        let options = fairchance::search::CandidateOptions::default();
        let mut narrow_pv = Vec::new();
        let mut hits_pv = Vec::new();
        for profile in &sample_profiles {
            let t = Instant::now();
            let hits = matcher.index().candidate_vacancies(profile, today, &options).await.expect("narrow");
            narrow_pv.push(t.elapsed());
            hits_pv.push(hits.len());
        }
        let mut narrow_vp = Vec::new();
        let mut hits_vp = Vec::new();
        for vacancy in &sample_vacancies {
            let t = Instant::now();
            let hits = matcher.index().candidate_profiles(vacancy, &ServiceScope::All, today, &options).await.expect("narrow");
            narrow_vp.push(t.elapsed());
            hits_vp.push(hits.len());
        }
        for (name, times, hits) in [
            ("profile -> vacancies", &mut narrow_pv, &mut hits_pv),
            ("vacancy -> profiles", &mut narrow_vp, &mut hits_vp),
        ] {
            hits.sort_unstable();
            println!(
                "{name}: engine narrowing alone p50 {} p99 {}; candidates per query median {} max {}",
                ms(percentile(times, 0.5)),
                ms(percentile(times, 0.99)),
                hits[hits.len() / 2],
                hits[hits.len() - 1]
            );
        }
        for (name, engine, brute) in [
            ("profile -> vacancies", &mut engine_pv, &mut brute_pv),
            ("vacancy -> profiles", &mut engine_vp, &mut brute_vp),
        ] {
            let (e50, e99) = (percentile(engine, 0.5), percentile(engine, 0.99));
            let (b50, b99) = (percentile(brute, 0.5), percentile(brute, 0.99));
            println!(
                "{name}: embedded engine p50 {} p99 {}; brute force (in memory) p50 {} p99 {}; brute/engine at p50 {:.1}x",
                ms(e50),
                ms(e99),
                ms(b50),
                ms(b99),
                b50.as_secs_f64() / e50.as_secs_f64().max(1e-9)
            );
        }

        // Publishing a vacancy: index it, run its matches, store them.
        let mut publish = Vec::new();
        for vacancy in sample_vacancies.iter().take(20) {
            let t = Instant::now();
            matcher.vacancy_changed(vacancy.id, today).await.expect("run");
            publish.push(t.elapsed());
        }
        println!("publish -> matches stored: p50 {} max {}", ms(percentile(&mut publish, 0.5)), ms(percentile(&mut publish, 1.0)));
    });
}
