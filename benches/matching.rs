//! Matching benchmark: `cargo bench --bench matching`.
//!
//! Seeds the synthetic data set (FAIRCHANCE_BENCH_PROFILES, default 100,000;
//! FAIRCHANCE_BENCH_VACANCIES, default 50,000) into a fresh SQLite database
//! (or the database in FAIRCHANCE_BENCH_DATABASE_URL, which must be empty),
//! builds the embedded index, then measures:
//! - the full reindex time, then the time to fill the matcher's in-memory
//!   copies with every row (`Matcher::warm`, as `serve` and `worker` do);
//! - matching latency in both directions (index narrows, `assess` decides,
//!   rows from the copies), p50 and p99 over many queries: a first pass, a
//!   second (steady state), and a pass on a matcher with no copies (rows
//!   read from the database);
//! - a brute-force pass of `assess` over every pair for the same queries,
//!   with everything already in memory (the baseline the index must beat);
//! - an SQL-only baseline for the same queries, as a staff-only jobs board
//!   with sector + straight-line distance does it: for a profile, published
//!   vacancies in its sectors of interest within its travel radius (bounding
//!   box, then haversine, in SQL); for a vacancy, profiles interested in its
//!   sector whose travel radius reaches it. Two indexes a board like that
//!   would have are added to the benchmark's own database first;
//! - the same queries through Meilisearch when `MEILISEARCH_URL` is set
//!   (and `MEILISEARCH_API_KEY` if it needs one); it says so when not run;
//! - the time from publishing a vacancy to its matches being stored;
//! - a job seeker's "Find jobs" (the first page of ten, as the terminal asks
//!   for it) with no words and with a common word, p50 and p99, and its
//!   recall at full scale: for every sampled person, every page of the
//!   search against a brute-force pass of `assess` over every vacancy
//!   (with no distance and within 25 miles), which must be 100%.
//!
//! It prints figures, and `RESULT key=value` lines that `benches/run.sh`
//! turns into BENCHMARKS.md; it asserts nothing.

use std::time::{Duration, Instant};

use diesel::sql_types::{BigInt, Double};
use fairchance::config::Config;
use fairchance::domain::geo::distance_km;
use fairchance::domain::matching::assess;
use fairchance::matches::{Matcher, Paging};
use fairchance::search::{Near, ServiceScope, VacancySearch};
use fairchance::seed::synthetic;
use fairchance::store;
use fairchance::with_conn;
use rand::seq::SliceRandom;
use rand::SeedableRng;

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    #[allow(dead_code)]
    id: i64,
}

#[derive(diesel::QueryableByName)]
struct Number {
    #[diesel(sql_type = Double)]
    value: f64,
}

/// Haversine distance in km between (lat1, lon1) and (lat2, lon2), as SQL
/// (the math functions exist on PostgreSQL and on SQLite 3.35+).
fn haversine_sql(lat1: &str, lon1: &str, lat2: &str, lon2: &str) -> String {
    format!(
        "(12742.0 * asin(sqrt(power(sin(radians({lat2} - {lat1}) / 2), 2) + \
         cos(radians({lat1})) * cos(radians({lat2})) * power(sin(radians({lon2} - {lon1}) / 2), 2))))"
    )
}

/// For a profile: published, open vacancies in its sectors of interest whose
/// workplace is within its travel radius, nearest first.
fn sql_vacancies_for(profile_id: i64, today: chrono::NaiveDate) -> String {
    let d = haversine_sql("p.release_lat", "p.release_lon", "v.lat", "v.lon");
    format!(
        "SELECT v.id AS id FROM profiles p JOIN vacancies v ON v.sector_slug IN \
         (SELECT ps.sector_slug FROM profile_sectors ps WHERE ps.profile_id = p.id) \
         WHERE p.id = {profile_id} AND v.status = 'published' \
         AND (v.closing_date IS NULL OR v.closing_date >= '{today}') \
         AND v.lat BETWEEN p.release_lat - p.travel_radius_km / 111.0 AND p.release_lat + p.travel_radius_km / 111.0 \
         AND v.lon BETWEEN p.release_lon - p.travel_radius_km / (111.0 * cos(radians(p.release_lat))) \
         AND p.release_lon + p.travel_radius_km / (111.0 * cos(radians(p.release_lat))) \
         AND {d} <= p.travel_radius_km ORDER BY {d}, v.id LIMIT 50"
    )
}

/// For a vacancy: profiles interested in its sector whose travel radius
/// reaches the workplace, nearest first. The bounding box uses the largest
/// radius any profile has.
fn sql_profiles_for(vacancy_id: i64, max_radius_km: f64) -> String {
    let d = haversine_sql("v.lat", "v.lon", "p.release_lat", "p.release_lon");
    let r = max_radius_km;
    format!(
        "SELECT p.id AS id FROM vacancies v JOIN profile_sectors ps ON ps.sector_slug = v.sector_slug \
         JOIN profiles p ON p.id = ps.profile_id \
         WHERE v.id = {vacancy_id} \
         AND p.release_lat BETWEEN v.lat - {r} / 111.0 AND v.lat + {r} / 111.0 \
         AND p.release_lon BETWEEN v.lon - {r} / (111.0 * cos(radians(v.lat))) AND v.lon + {r} / (111.0 * cos(radians(v.lat))) \
         AND {d} <= p.travel_radius_km ORDER BY {d}, p.id LIMIT 50"
    )
}

/// A word many vacancies have, for the keyword search timing.
const FIND_WORD: &str = "warehouse";

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Seconds for the worker's part of `ids` changing at once: batches of
/// 100 (as the worker gathers them) through a `Pipeline` (as the worker
/// runs a flood: each batch stored while the next is matched), each
/// indexing its vacancies, matching them against every profile and storing
/// the matches. Every stored match is deleted first (not timed), so each
/// engine's figure stores every pair new, as an import of new vacancies
/// does, whichever engine ran before.
async fn thousand_changed(
    matcher: &Matcher,
    store: &store::Store,
    ids: &[i64],
    today: chrono::NaiveDate,
) -> f64 {
    let mut conn = store.conn().expect("conn");
    with_conn!(&mut conn, |c| diesel::RunQueryDsl::execute(
        diesel::delete(fairchance::store::schema::matches::table),
        c
    ))
    .expect("clear matches");
    drop(conn);
    let started = Instant::now();
    let mut pipeline = fairchance::matches::Pipeline::new(matcher.clone());
    for batch in ids.chunks(100) {
        for (_, stored) in pipeline.push((), batch, &[], today).await {
            stored.expect("matching run");
        }
    }
    if let Some((_, stored)) = pipeline.finish().await {
        stored.expect("matching run");
    }
    started.elapsed().as_secs_f64()
}

/// One pass of `matcher` over the sampled people and vacancies, the top 50
/// each way, as the officer's pages ask: how long each query took.
async fn pass(
    matcher: &Matcher,
    profiles: &[&fairchance::domain::profile::Profile],
    vacancies: &[&fairchance::domain::vacancy::Vacancy],
    today: chrono::NaiveDate,
) -> (Vec<Duration>, Vec<Duration>) {
    let mut pv = Vec::new();
    for profile in profiles {
        let t = Instant::now();
        std::hint::black_box(
            matcher
                .vacancies_for(profile, today, 50)
                .await
                .expect("match"),
        );
        pv.push(t.elapsed());
    }
    let mut vp = Vec::new();
    for vacancy in vacancies {
        let t = Instant::now();
        std::hint::black_box(
            matcher
                .profiles_for(vacancy, &ServiceScope::All, today, 50)
                .await
                .expect("match"),
        );
        vp.push(t.elapsed());
    }
    (pv, vp)
}

/// Times `matcher` and `raw` once each, the raw query first when
/// `raw_first`, and adds each time to its list (matcher's, raw's).
async fn time_both<M, R>(
    raw_first: bool,
    matcher: M,
    raw: R,
    times: &mut (Vec<Duration>, Vec<Duration>),
) where
    M: std::future::Future,
    R: std::future::Future,
{
    let (matcher_time, raw_time) = if raw_first {
        let raw_time = timed(raw).await;
        (timed(matcher).await, raw_time)
    } else {
        let matcher_time = timed(matcher).await;
        (matcher_time, timed(raw).await)
    };
    times.0.push(matcher_time);
    times.1.push(raw_time);
}

async fn timed<F: std::future::Future>(work: F) -> Duration {
    let t = Instant::now();
    std::hint::black_box(work.await);
    t.elapsed()
}

/// The matcher on Meilisearch and the raw query with the same filter,
/// sample by sample, each asked first in turn: asked second, either would
/// find Meilisearch's pages for that filter just read. Returns the
/// matcher's and the raw query's times, profile -> vacancies then vacancy
/// -> profiles.
async fn beside_raw(
    matcher: &Matcher,
    raw: &RawMeili,
    taxonomy: &fairchance::domain::skills::Taxonomy,
    profiles: &[&fairchance::domain::profile::Profile],
    vacancies: &[&fairchance::domain::vacancy::Vacancy],
    today: chrono::NaiveDate,
) -> [(Vec<Duration>, Vec<Duration>); 2] {
    let mut pv = (Vec::new(), Vec::new());
    for (i, profile) in profiles.iter().enumerate() {
        let filter = fairchance::search::narrowing::vacancies_for_profile(profile, today, taxonomy);
        time_both(
            i % 2 == 0,
            async {
                matcher
                    .vacancies_for(profile, today, 50)
                    .await
                    .expect("match")
            },
            raw.ids("vacancies", &filter),
            &mut pv,
        )
        .await;
    }
    let mut vp = (Vec::new(), Vec::new());
    for (i, vacancy) in vacancies.iter().enumerate() {
        let filter =
            fairchance::search::narrowing::profiles_for_vacancy(vacancy, &ServiceScope::All, today);
        time_both(
            i % 2 == 0,
            async {
                matcher
                    .profiles_for(vacancy, &ServiceScope::All, today, 50)
                    .await
                    .expect("match")
            },
            raw.ids("profiles", &filter),
            &mut vp,
        )
        .await;
    }
    [pv, vp]
}

/// Plain HTTP requests to Meilisearch, beside the adapter.
struct RawMeili {
    client: reqwest::Client,
    url: String,
    key: Option<String>,
    prefix: String,
}

impl RawMeili {
    fn new(config: &Config) -> Self {
        let url = std::env::var("MEILISEARCH_URL").expect("MEILISEARCH_URL");
        Self {
            client: reqwest::Client::new(),
            url: url.trim_end_matches('/').to_string(),
            key: std::env::var("MEILISEARCH_API_KEY")
                .ok()
                .filter(|k| !k.is_empty()),
            prefix: config.search_prefix.clone(),
        }
    }

    /// Every id `filter` admits in the index of `kind`.
    async fn ids(&self, kind: &str, filter: &fairchance::search::Filter) -> usize {
        use fairchance::search::filter::MeilisearchFilter;
        let expression = match filter.to_meilisearch().expect("filter") {
            MeilisearchFilter::Nothing => return 0,
            MeilisearchFilter::All => None,
            MeilisearchFilter::Expression(e) => Some(e),
        };
        let mut offset = 0;
        loop {
            let mut body = serde_json::json!({
                "fields": ["id"],
                "limit": fairchance::search::meilisearch::PAGE_SIZE,
                "offset": offset,
            });
            if let Some(e) = &expression {
                body["filter"] = serde_json::json!(e);
            }
            let mut request = self
                .client
                .post(format!(
                    "{}/indexes/{}{kind}/documents/fetch",
                    self.url, self.prefix
                ))
                .json(&body);
            if let Some(key) = &self.key {
                request = request.bearer_auth(key);
            }
            let page: serde_json::Value = request
                .send()
                .await
                .expect("fetch")
                .json()
                .await
                .expect("json");
            let got = page["results"].as_array().map_or(0, Vec::len);
            offset += got;
            if got < fairchance::search::meilisearch::PAGE_SIZE {
                return offset;
            }
        }
    }
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
    println!("RESULT profiles={profiles}");
    println!("RESULT vacancies={vacancies}");
    println!("RESULT samples={samples}");
    println!("RESULT backend={}", services.store.backend_name());

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
        let seconds = started.elapsed().as_secs_f64();
        println!("reindex: {v} vacancies + {p} profiles in {seconds:.1} s");
        println!("RESULT reindex_seconds={seconds:.2}");
        println!("RESULT reindex_docs={}", v + p);
        println!("RESULT reindex_docs_per_s={:.0}", (v + p) as f64 / seconds);
        // What `serve` and `worker` do once the index is ready: fill the
        // in-memory copies with every row (`Matcher::warm`).
        let started = Instant::now();
        let (wv, wp) = matcher.warm().await.expect("warm");
        let seconds = started.elapsed().as_secs_f64();
        println!("copies filled: {wv} vacancies + {wp} profiles in {seconds:.1} s");
        println!("RESULT warm_seconds={seconds:.2}");
        println!("RESULT warm_rows={}", wv + wp);

        let load_started = Instant::now();
        let mut conn = services.store.conn().expect("conn");
        let profile_ids = store::profiles::all_ids(&mut conn).expect("ids");
        let vacancy_ids = store::vacancies::all_ids(&mut conn).expect("ids");
        let all_profiles = store::profiles::load_many(&mut conn, &profile_ids, &services.taxonomy).expect("profiles");
        let all_vacancies = store::vacancies::load_many(&mut conn, &vacancy_ids, &services.taxonomy).expect("vacancies");
        drop(conn);
        println!("loaded every row into memory for the brute-force baseline in {:.1} s", load_started.elapsed().as_secs_f64());

        let today = chrono::Utc::now().date_naive();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let sample_profiles: Vec<_> = all_profiles.choose_multiple(&mut rng, samples).collect();
        // A CSV import's worth of changed vacancies (issue #17 item 1).
        let changed_ids: Vec<i64> = all_vacancies.iter().filter(|v| v.is_open(today)).take(1_000).map(|v| v.id).collect();
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

        // The same queries again, in the steady state of a running server:
        // the matcher's in-memory copies of the rows it loaded the first time
        // are warm. The change feed listed the seed's rows once, on the first
        // check, so no quiet time is needed (FAIRCHANCE_BENCH_SETTLE_SECONDS
        // adds one). The brute-force pass above had every row in memory from
        // the start.
        let settle = Duration::from_secs(u64::from(env_number("FAIRCHANCE_BENCH_SETTLE_SECONDS", 0)));
        let wait = settle.saturating_sub(seeded_at.elapsed());
        println!("waiting {:.0} s, until {} s after the last write, before the second pass", wait.as_secs_f64(), settle.as_secs());
        tokio::time::sleep(wait).await;
        println!("RESULT settle_seconds={}", settle.as_secs());
        let (mut warm_pv, mut warm_vp) = pass(&matcher, &sample_profiles, &sample_vacancies, today).await;

        // The same queries on a matcher with no copies at all (a request
        // served before the copies are filled, or a process that never
        // fills them): every candidate's row is read from the database.
        // The index, its filter cache included, is the one used above.
        let cold = Matcher::new(services.store.clone(), matcher.index().clone(), services.taxonomy.clone());
        let (mut cold_pv, mut cold_vp) = pass(&cold, &sample_profiles, &sample_vacancies, today).await;
        drop(cold);
        for (key, samples) in [("pv", &mut cold_pv), ("vp", &mut cold_vp)] {
            let (c50, c99) = (percentile(samples, 0.5), percentile(samples, 0.99));
            println!("{key}: no copies (rows read from the database) p50 {} p99 {}", ms(c50), ms(c99));
            println!("RESULT {key}_cold_p50_ms={:.2}", c50.as_secs_f64() * 1000.0);
            println!("RESULT {key}_cold_p99_ms={:.2}", c99.as_secs_f64() * 1000.0);
        }

        // A job seeker's "Find jobs" in the same steady state: the first page
        // of ten, with no words and with a common word; then every page of
        // it against brute force, with no distance and within 25 miles.
        let first_page = Paging { page: 1, per_page: 10 };
        let mut find_plain = Vec::new();
        let mut find_word = Vec::new();
        let mut find_total = Vec::new();
        for profile in &sample_profiles {
            let t = Instant::now();
            let page = matcher.search_page(profile, &VacancySearch::default(), today, first_page).await.expect("find");
            find_plain.push(t.elapsed());
            find_total.push(page.total);
            let words = VacancySearch { text: FIND_WORD.into(), ..VacancySearch::default() };
            let t = Instant::now();
            std::hint::black_box(matcher.search_page(profile, &words, today, first_page).await.expect("find"));
            find_word.push(t.elapsed());
        }
        let (mut wanted, mut shown, mut missing, mut extra) = (0usize, 0usize, 0usize, 0usize);
        for profile in &sample_profiles {
            let home = profile.details.release_area().place().map(|p| p.point());
            for miles in [None, Some(25.0)] {
                let near = match (miles, home) {
                    (Some(m), Some(point)) => Some(Near { point, km: m * 1.609_344, include_remote: true }),
                    _ => None,
                };
                let brute: std::collections::BTreeSet<i64> = all_vacancies
                    .iter()
                    .filter(|v| assess(v, profile, today).eligible())
                    .filter(|v| match (near, v.details.workplace().place()) {
                        (Some(near), Some(work)) => distance_km(near.point, work.point()) <= near.km,
                        _ => true,
                    })
                    .map(|v| v.id)
                    .collect();
                let search = VacancySearch { near, ..VacancySearch::default() };
                let mut found = std::collections::BTreeSet::new();
                for page in 1.. {
                    let got = matcher.search_page(profile, &search, today, Paging { page, per_page: 100 }).await.expect("find");
                    if got.items.is_empty() {
                        break;
                    }
                    found.extend(got.items.iter().map(|r| r.item.id));
                }
                wanted += brute.len();
                shown += found.intersection(&brute).count();
                missing += brute.difference(&found).count();
                extra += found.difference(&brute).count();
            }
        }
        find_total.sort_unstable();
        let recall = if wanted == 0 { 100.0 } else { shown as f64 * 100.0 / wanted as f64 };
        let (f50, f99) = (percentile(&mut find_plain, 0.5), percentile(&mut find_plain, 0.99));
        let (k50, k99) = (percentile(&mut find_word, 0.5), percentile(&mut find_word, 0.99));
        println!(
            "find jobs, first page of ten: no words p50 {} p99 {}; {FIND_WORD:?} p50 {} p99 {}; jobs per person median {} max {}",
            ms(f50), ms(f99), ms(k50), ms(k99), find_total[find_total.len() / 2], find_total[find_total.len() - 1]
        );
        println!(
            "find jobs recall at full scale: {shown} of {wanted} eligible (person, vacancy) pairs shown over every page = {recall:.2}%; {missing} missing, {extra} shown that brute force refuses"
        );
        println!("RESULT find_plain_p50_ms={:.2}", f50.as_secs_f64() * 1000.0);
        println!("RESULT find_plain_p99_ms={:.2}", f99.as_secs_f64() * 1000.0);
        println!("RESULT find_word_p50_ms={:.2}", k50.as_secs_f64() * 1000.0);
        println!("RESULT find_word_p99_ms={:.2}", k99.as_secs_f64() * 1000.0);
        println!("RESULT find_word={FIND_WORD}");
        println!("RESULT find_total_median={}", find_total[find_total.len() / 2]);
        println!("RESULT find_total_max={}", find_total[find_total.len() - 1]);
        println!("RESULT find_recall_pairs={wanted}");
        println!("RESULT find_recall_pct={recall:.2}");
        println!("RESULT find_missing={missing}");
        println!("RESULT find_extra={extra}");

        // The SQL-only baseline: same queries, same database.
        let mut conn = services.store.conn().expect("conn");
        for index_sql in [
            "CREATE INDEX IF NOT EXISTS bench_vacancies_sector_lat ON vacancies (sector_slug, lat)",
            "CREATE INDEX IF NOT EXISTS bench_profile_sectors_sector ON profile_sectors (sector_slug, profile_id)",
            "CREATE INDEX IF NOT EXISTS bench_profiles_release_lat ON profiles (release_lat)",
        ] {
            with_conn!(&mut conn, |c| diesel::RunQueryDsl::execute(diesel::sql_query(index_sql), c)).expect("baseline index");
        }
        with_conn!(&mut conn, |c| diesel::RunQueryDsl::execute(diesel::sql_query("ANALYZE"), c)).expect("analyze");
        let max_radius = with_conn!(&mut conn, |c| diesel::RunQueryDsl::load::<Number>(
            diesel::sql_query("SELECT CAST(MAX(travel_radius_km) AS DOUBLE PRECISION) AS value FROM profiles"),
            c
        ))
        .expect("max radius")[0]
            .value;
        let mut sql_pv = Vec::new();
        let mut sql_found = 0usize;
        for profile in &sample_profiles {
            let query = sql_vacancies_for(profile.id, today);
            let t = Instant::now();
            let rows = with_conn!(&mut conn, |c| diesel::RunQueryDsl::load::<Row>(diesel::sql_query(&query), c)).expect("sql baseline");
            sql_pv.push(t.elapsed());
            sql_found += rows.len();
        }
        let mut sql_vp = Vec::new();
        for vacancy in &sample_vacancies {
            let query = sql_profiles_for(vacancy.id, max_radius);
            let t = Instant::now();
            let rows = with_conn!(&mut conn, |c| diesel::RunQueryDsl::load::<Row>(diesel::sql_query(&query), c)).expect("sql baseline");
            sql_vp.push(t.elapsed());
            sql_found += rows.len();
        }
        drop(conn);
        println!("SQL-only baseline rows returned (top 50 each, sector + distance only): {sql_found}");

        // Meilisearch, when there is one to ask.
        let meili = match std::env::var("MEILISEARCH_URL") {
            Ok(url) if !url.trim().is_empty() => {
                let mut meili_vars = vars.clone();
                meili_vars.insert("FAIRCHANCE_SEARCH".into(), "meilisearch".into());
                meili_vars.insert("MEILISEARCH_URL".into(), url);
                // Indexes of its own, so a run never overwrites an
                // installation's indexes on the same server.
                meili_vars.insert(
                    "FAIRCHANCE_SEARCH_PREFIX".into(),
                    std::env::var("BENCH_SEARCH_PREFIX").unwrap_or_else(|_| "fairchance_bench_".into()),
                );
                if let Ok(key) = std::env::var("MEILISEARCH_API_KEY") {
                    meili_vars.insert("MEILISEARCH_API_KEY".into(), key);
                }
                let meili_config = Config::from_vars(&meili_vars).expect("meilisearch config");
                let index = fairchance::search::open(&meili_config, services.taxonomy.clone()).expect("meilisearch index");
                index.apply_settings().await.expect("meilisearch settings");
                let meili_matcher = Matcher::new(services.store.clone(), index, services.taxonomy.clone());
                let started = Instant::now();
                let (v, p) = meili_matcher.reindex(|_, _, _| {}).await.expect("meilisearch reindex");
                let seconds = started.elapsed().as_secs_f64();
                println!("meilisearch reindex: {v} vacancies + {p} profiles in {seconds:.1} s");
                println!("RESULT meili_reindex_docs_per_s={:.0}", (v + p) as f64 / seconds);
                meili_matcher.warm().await.expect("warm");
                // The same narrowing filters sent as plain HTTP requests
                // (every id the filter admits, paged through
                // `documents/fetch`, as the adapter does): the floor the
                // adapter and the matcher are compared with, asked beside
                // the matcher sample by sample.
                let raw = RawMeili::new(&meili_config);
                let [(pv, mut raw_pv), (vp, mut raw_vp)] =
                    beside_raw(&meili_matcher, &raw, &services.taxonomy, &sample_profiles, &sample_vacancies, today).await;
                for (key, samples, engine) in [("pv", &mut raw_pv, &mut pv.clone()), ("vp", &mut raw_vp, &mut vp.clone())] {
                    let (r50, r99) = (percentile(samples, 0.5), percentile(samples, 0.99));
                    let (m50, m99) = (percentile(engine, 0.5), percentile(engine, 0.99));
                    println!(
                        "{key}: raw meilisearch query p50 {} p99 {}; matcher on meilisearch / raw = {:.2}x at p50, {:.2}x at p99",
                        ms(r50),
                        ms(r99),
                        m50.as_secs_f64() / r50.as_secs_f64().max(1e-9),
                        m99.as_secs_f64() / r99.as_secs_f64().max(1e-9)
                    );
                    println!("RESULT {key}_meili_raw_p50_ms={:.2}", r50.as_secs_f64() * 1000.0);
                    println!("RESULT {key}_meili_raw_p99_ms={:.2}", r99.as_secs_f64() * 1000.0);
                }
                let seconds = thousand_changed(&meili_matcher, &services.store, &changed_ids, today).await;
                println!("meilisearch: {} changed vacancies matched and stored in {seconds:.1} s", changed_ids.len());
                println!("RESULT meili_changed_1000_seconds={seconds:.1}");
                let mut find_plain = Vec::new();
                let mut find_word = Vec::new();
                let first_page = Paging { page: 1, per_page: 10 };
                let words = VacancySearch { text: FIND_WORD.into(), ..VacancySearch::default() };
                for profile in &sample_profiles {
                    let t = Instant::now();
                    meili_matcher.search_page(profile, &VacancySearch::default(), today, first_page).await.expect("find");
                    find_plain.push(t.elapsed());
                    let t = Instant::now();
                    meili_matcher.search_page(profile, &words, today, first_page).await.expect("find");
                    find_word.push(t.elapsed());
                }
                let (f50, f99) = (percentile(&mut find_plain, 0.5), percentile(&mut find_plain, 0.99));
                let (k50, k99) = (percentile(&mut find_word, 0.5), percentile(&mut find_word, 0.99));
                println!("find jobs on meilisearch, first page of ten: no words p50 {} p99 {}; {FIND_WORD:?} p50 {} p99 {}", ms(f50), ms(f99), ms(k50), ms(k99));
                println!("RESULT find_meili_plain_p50_ms={:.2}", f50.as_secs_f64() * 1000.0);
                println!("RESULT find_meili_plain_p99_ms={:.2}", f99.as_secs_f64() * 1000.0);
                println!("RESULT find_meili_word_p50_ms={:.2}", k50.as_secs_f64() * 1000.0);
                println!("RESULT find_meili_word_p99_ms={:.2}", k99.as_secs_f64() * 1000.0);
                Some((pv, vp))
            }
            _ => {
                println!("meilisearch: not run (MEILISEARCH_URL is not set)");
                None
            }
        };
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
        let (mut meili_pv, mut meili_vp) = match meili {
            Some((pv, vp)) => (pv, vp),
            None => (Vec::new(), Vec::new()),
        };
        for (name, key, engine, warm, brute, sql, meili) in [
            ("profile -> vacancies", "pv", &mut engine_pv, &mut warm_pv, &mut brute_pv, &mut sql_pv, &mut meili_pv),
            ("vacancy -> profiles", "vp", &mut engine_vp, &mut warm_vp, &mut brute_vp, &mut sql_vp, &mut meili_vp),
        ] {
            let (w50, w99) = (percentile(warm, 0.5), percentile(warm, 0.99));
            println!(
                "{name}: embedded engine, second pass (steady state) p50 {} p99 {}",
                ms(w50),
                ms(w99)
            );
            println!("RESULT {key}_warm_p50_ms={:.2}", w50.as_secs_f64() * 1000.0);
            println!("RESULT {key}_warm_p99_ms={:.2}", w99.as_secs_f64() * 1000.0);
            let (e50, e99) = (percentile(engine, 0.5), percentile(engine, 0.99));
            let (b50, b99) = (percentile(brute, 0.5), percentile(brute, 0.99));
            let (s50, s99) = (percentile(sql, 0.5), percentile(sql, 0.99));
            println!(
                "{name}: embedded engine p50 {} p99 {}; brute force (in memory) p50 {} p99 {}; SQL-only baseline p50 {} p99 {}; brute/engine at p50 {:.1}x",
                ms(e50),
                ms(e99),
                ms(b50),
                ms(b99),
                ms(s50),
                ms(s99),
                b50.as_secs_f64() / e50.as_secs_f64().max(1e-9)
            );
            for (label, p50, p99) in [("engine", e50, e99), ("brute", b50, b99), ("sql", s50, s99)] {
                println!("RESULT {key}_{label}_p50_ms={:.2}", p50.as_secs_f64() * 1000.0);
                println!("RESULT {key}_{label}_p99_ms={:.2}", p99.as_secs_f64() * 1000.0);
            }
            if !meili.is_empty() {
                let (m50, m99) = (percentile(meili, 0.5), percentile(meili, 0.99));
                println!("{name}: meilisearch p50 {} p99 {}", ms(m50), ms(m99));
                println!("RESULT {key}_meili_p50_ms={:.2}", m50.as_secs_f64() * 1000.0);
                println!("RESULT {key}_meili_p99_ms={:.2}", m99.as_secs_f64() * 1000.0);
            }
        }

        let seconds = thousand_changed(&matcher, &services.store, &changed_ids, today).await;
        println!("{} changed vacancies matched and stored in {seconds:.1} s (embedded)", changed_ids.len());
        println!("RESULT changed_1000_seconds={seconds:.1}");

        // Publishing a vacancy: index it, run its matches, store them.
        let mut publish = Vec::new();
        for vacancy in sample_vacancies.iter().take(20) {
            let t = Instant::now();
            matcher.vacancy_changed(vacancy.id, today).await.expect("run");
            publish.push(t.elapsed());
        }
        let (p50, pmax) = (percentile(&mut publish, 0.5), percentile(&mut publish, 1.0));
        println!("publish -> matches stored: p50 {} max {}", ms(p50), ms(pmax));
        println!("RESULT publish_p50_ms={:.2}", p50.as_secs_f64() * 1000.0);
        println!("RESULT publish_max_ms={:.2}", pmax.as_secs_f64() * 1000.0);
        println!("RESULT publish_samples={}", publish.len());
    });
}
