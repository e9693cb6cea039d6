//! Import benchmark (issue #20): `benches/run.sh` runs it for SQLite and for
//! PostgreSQL (`BENCH_ONLY=import bash benches/run.sh` runs nothing else).
//! It works on the database named by the usual `FAIRCHANCE_*` variables,
//! already seeded by `fairchance seed --synthetic --profiles 0` (published
//! vacancies and one service) and reindexed, in steps chosen with
//! `FAIRCHANCE_BENCH_IMPORT_STEP`:
//!
//! - `prepare`: generates FAIRCHANCE_BENCH_IMPORT_PROFILES (default 25,000)
//!   valid people with the synthetic generator (`seed::generator::profile`),
//!   writes them in the officers' import format (the columns of
//!   `web::officer::profiles::csv::columns`, lists as the template writes
//!   them) into files of at most `MAX_ROWS` rows in
//!   FAIRCHANCE_BENCH_IMPORT_DIR, each row checked with the import's own
//!   `parse_row`; creates a `profiles:write` integration token for the
//!   service; prints shell assignments for `run.sh`. `run.sh` then times
//!   `fairchance import profiles FILE --service NAME` on each file and
//!   starts `fairchance worker`.
//! - `wait`: polls the job queue until every `profile.changed` job queued
//!   after FAIRCHANCE_BENCH_IMPORT_MARK is done, prints the time since
//!   FAIRCHANCE_BENCH_IMPORT_SINCE (Unix seconds) and checks that the
//!   imported people (prison numbers starting `CSV`) have matches.
//! - `api`: the same people with prison numbers starting `API`, sent to a
//!   running `fairchance serve` (FAIRCHANCE_BENCH_IMPORT_URL, with its
//!   worker on) as `PUT /api/v1/profiles/by-reference/{reference}` with the
//!   token (FAIRCHANCE_BENCH_IMPORT_TOKEN), FAIRCHANCE_BENCH_IMPORT_CONCURRENCY
//!   (default 16) requests in flight; prints rows/s, then waits as `wait`
//!   does, timing from the first request.
//!
//! Output: figures and `RESULT key=value` lines (shell assignments for
//! `prepare`). It fails when a row is refused, a request does not answer
//! 201, a matching job fails, or no imported person has a match.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use diesel::sql_types::{BigInt, Text};
use diesel::RunQueryDsl;
use fairchance::access::IntegrationScope;
use fairchance::config::Config;
use fairchance::domain::profile::{ProfileInput, RESTRICTED_FIELDS};
use fairchance::gazetteer::{Gazetteer, Lookup};
use fairchance::seed::generator::{self, Town};
use fairchance::startup::Services;
use fairchance::store::integrations::{self, NewIntegration};
use fairchance::store::{self, people};
use fairchance::web::csv_import::ITEM_SEPARATOR;
use fairchance::web::officer::profiles::csv::{self as profile_csv, MAX_ROWS, PART_SEPARATOR};
use fairchance::with_conn;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Prison numbers of the people the CSV files import.
const CSV_PREFIX: &str = "CSV";
/// Prison numbers of the same people sent through the API.
const API_PREFIX: &str = "API";
/// How often the queue is looked at while waiting.
const POLL: Duration = Duration::from_millis(200);
/// Longest wait for the queue to drain.
const MAX_WAIT: Duration = Duration::from_secs(3_600);

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct StatusCount {
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn count(services: &Services, sql: &str) -> i64 {
    let mut conn = services.store.conn().expect("conn");
    with_conn!(&mut conn, |c| diesel::sql_query(sql).get_result::<Count>(c))
        .expect("count")
        .n
}

fn open() -> Services {
    let config = Config::from_env().expect("config");
    fairchance::startup::open(config).expect("start-up")
}

/// The one service of the synthetic set.
fn service(services: &Services) -> people::Service {
    let mut conn = services.store.conn().expect("conn");
    let mut list = people::list_services(&mut conn).expect("services");
    list.sort_by_key(|s| s.id);
    list.into_iter()
        .next()
        .expect("a service (seed --synthetic first)")
}

/// `count` people, generated as the synthetic seed does (most near the
/// service's town, some anywhere among the largest 200 towns), with the
/// generator's prison numbers. The same `seed` gives the same people. Towns
/// whose name the gazetteer finds more than once (Newport, Preston) are
/// left out: an officer's file names them some other way, and the import
/// refuses the bare name.
fn people_for(home: &str, count: usize, seed: u64) -> Vec<ProfileInput> {
    let gazetteer = Gazetteer::embedded().expect("gazetteer");
    let towns: Vec<Town> = gazetteer
        .largest(200)
        .into_iter()
        .filter(|p| p.name == home || matches!(gazetteer.resolve(&p.name), Lookup::Found(_)))
        .map(|p| Town {
            name: p.name,
            lat: p.lat,
            lon: p.lon,
        })
        .collect();
    let home = towns.iter().position(|t| t.name == home).unwrap_or(0);
    let today: NaiveDate = Utc::now().date_naive();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|i| {
            let town = if rng.gen_bool(0.7) {
                &towns[home]
            } else {
                &towns[rng.gen_range(0..towns.len())]
            };
            generator::profile(&mut rng, i as u64 + 1, town, today)
        })
        .collect()
}

fn reference(prefix: &str, n: usize) -> String {
    format!("{prefix}{:06}", n + 1)
}

fn yes_no(value: bool) -> String {
    String::from(if value { "yes" } else { "no" })
}

fn list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(&ITEM_SEPARATOR.to_string())
}

fn item(parts: &[String]) -> String {
    parts.join(&PART_SEPARATOR.to_string())
}

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn date(value: Option<NaiveDate>) -> String {
    value.map(|d| d.to_string()).unwrap_or_default()
}

/// One cell of a person's row, in the import's format (see the module
/// comment of `web::officer::profiles::csv`). A column this does not know
/// stops the benchmark, so a new column cannot be left blank unnoticed.
fn cell(p: &ProfileInput, column: &str) -> String {
    match column {
        "given_name" => p.given_name.clone(),
        "family_name" => p.family_name.clone(),
        "reference" => p.reference.clone(),
        "release_date" => date(p.release_date),
        "no_fixed_abode" => yes_no(p.no_fixed_abode),
        "release_area" => p
            .release_area
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_default(),
        "travel_radius_km" => p.travel_radius_km.to_string(),
        "skills" => list(
            p.skills
                .iter()
                .map(|s| item(&[s.slug.clone(), s.source.clone()])),
        ),
        "certificates" => list(
            p.certificates
                .iter()
                .map(|c| item(&[c.slug.clone(), date(c.expires_on), date(c.expected_on)])),
        ),
        "work_history" => list(p.work_history.iter().map(|w| {
            item(&[
                w.role.clone(),
                w.employer_name.clone(),
                w.sector.clone(),
                w.from_year.to_string(),
                w.to_year.map(|y| y.to_string()).unwrap_or_default(),
            ])
        })),
        "sectors_of_interest" => list(p.sectors_of_interest.iter().cloned()),
        "preferred_hours_min" => number(p.preferred_hours_min),
        "preferred_hours_max" => number(p.preferred_hours_max),
        "right_to_work" => yes_no(p.right_to_work),
        "driving_licence" => yes_no(p.driving_licence),
        "rotl_eligible_from" => date(p.rotl_eligible_from),
        "rotl_travel_km" => number(p.rotl_travel_km),
        "readiness" => p.readiness.clone(),
        "todos" => list(
            p.todos
                .iter()
                .map(|t| item(&[t.kind.clone(), t.note.clone(), yes_no(t.done)])),
        ),
        "consent_to_share_name" => yes_no(p.consent_to_share_name),
        "gender" => p.gender.clone(),
        "languages" => list(p.languages.iter().cloned()),
        other => panic!("the import benchmark does not know how to write column {other:?}"),
    }
}

/// `prepare`: the CSV files and the token.
fn prepare() {
    let services = open();
    let rows = env_number("FAIRCHANCE_BENCH_IMPORT_PROFILES", 25_000);
    let dir = std::path::PathBuf::from(
        std::env::var("FAIRCHANCE_BENCH_IMPORT_DIR").expect("FAIRCHANCE_BENCH_IMPORT_DIR"),
    );
    let service = service(&services);
    let header = profile_csv::columns(false);
    let mut files = Vec::new();
    let mut refused = 0usize;
    let people = people_for(&service.place_name, rows, 20);
    for (f, chunk) in people.chunks(MAX_ROWS).enumerate() {
        let path = dir.join(format!("profiles-{:02}.csv", f + 1));
        let mut writer = csv::Writer::from_path(&path).expect("create the CSV file");
        writer.write_record(&header).expect("write");
        for (i, person) in chunk.iter().enumerate() {
            let mut person = person.clone();
            person.reference = reference(CSV_PREFIX, f * MAX_ROWS + i);
            let cells: Vec<String> = header.iter().map(|c| cell(&person, c)).collect();
            let record = csv::StringRecord::from(cells.clone());
            if let Err(problems) =
                profile_csv::parse_row(&header, &record, i + 2, &services.taxonomy)
            {
                refused += 1;
                eprintln!("{}: {problems:?}", person.reference);
                continue;
            }
            writer.write_record(&cells).expect("write");
        }
        writer.flush().expect("flush");
        files.push(path.display().to_string());
    }
    assert_eq!(refused, 0, "the generator made rows the import refuses");

    let mut conn = services.store.conn().expect("conn");
    let at = store::now();
    let (_, token) = integrations::create(
        &mut conn,
        &NewIntegration {
            service_id: service.id,
            label: "Import benchmark",
            scope: IntegrationScope::ProfilesWrite,
            created_by: None,
            expires_at: at + chrono::Duration::days(1),
        },
        at,
    )
    .expect("integration token");
    let mark = count(&services, "SELECT COALESCE(MAX(id), 0) AS n FROM jobs");
    println!("BENCH_IMPORT_SERVICE='{}'", service.name.replace('\'', ""));
    println!("BENCH_IMPORT_SERVICE_ID={}", service.id);
    println!("BENCH_IMPORT_TOKEN='{token}'");
    println!("BENCH_IMPORT_FILES='{}'", files.join(" "));
    println!("BENCH_IMPORT_ROWS={rows}");
    println!("BENCH_IMPORT_MARK={mark}");
}

/// The `profile.changed` jobs queued after `mark`, by status.
fn job_states(services: &Services, mark: i64) -> HashMap<String, i64> {
    let mut conn = services.store.conn().expect("conn");
    let sql = format!(
        "SELECT status, COUNT(*) AS n FROM jobs WHERE id > {mark} AND kind = '{}' GROUP BY status",
        fairchance::matches::kind::PROFILE_CHANGED
    );
    with_conn!(&mut conn, |c| diesel::sql_query(&sql)
        .load::<StatusCount>(c))
    .expect("job states")
    .into_iter()
    .map(|s| (s.status, s.n))
    .collect()
}

/// Waits until `expected` jobs after `mark` are queued and none is left to
/// do; the moment it saw that.
fn wait_drained(services: &Services, mark: i64, expected: i64) -> (Instant, HashMap<String, i64>) {
    let started = Instant::now();
    loop {
        let states = job_states(services, mark);
        let total: i64 = states.values().sum();
        let open = states.get("queued").copied().unwrap_or(0)
            + states.get("running").copied().unwrap_or(0);
        if total >= expected && open == 0 {
            return (Instant::now(), states);
        }
        assert!(
            started.elapsed() < MAX_WAIT,
            "the queue did not drain: {states:?}"
        );
        std::thread::sleep(POLL);
    }
}

/// Checks the imported people (prison numbers starting `prefix`) and
/// their matches after the queue drained; prints RESULT lines.
fn check(services: &Services, key: &str, prefix: &str, states: &HashMap<String, i64>, rows: i64) {
    let service = service(services);
    let people = count(
        services,
        &format!(
            "SELECT COUNT(*) AS n FROM profiles WHERE service_id = {} AND reference LIKE '{prefix}%'",
            service.id
        ),
    );
    let matched = count(
        services,
        &format!(
            "SELECT COUNT(*) AS n FROM profiles p WHERE p.service_id = {} AND p.reference LIKE '{prefix}%' \
             AND EXISTS (SELECT 1 FROM matches m WHERE m.profile_id = p.id)",
            service.id
        ),
    );
    let matches = count(
        services,
        &format!(
            "SELECT COUNT(*) AS n FROM matches m JOIN profiles p ON p.id = m.profile_id \
             WHERE p.service_id = {} AND p.reference LIKE '{prefix}%'",
            service.id
        ),
    );
    let done = states.get("done").copied().unwrap_or(0);
    let not_done: i64 = states
        .iter()
        .filter(|(s, _)| s.as_str() != "done")
        .map(|(_, n)| n)
        .sum();
    println!(
        "{key}: {people} people stored, {done} matching runs done ({not_done} not done), \
         {matched} people with at least one match, {matches} matches"
    );
    println!("RESULT {key}_people={people}");
    println!("RESULT {key}_runs_done={done}");
    println!("RESULT {key}_runs_not_done={not_done}");
    println!("RESULT {key}_people_matched={matched}");
    println!("RESULT {key}_matches={matches}");
    assert_eq!(people, rows, "not every row was stored");
    assert_eq!(not_done, 0, "some matching runs failed: {states:?}");
    assert!(done >= rows, "fewer matching runs than people: {states:?}");
    assert!(matched > 0, "no imported person has a match");
}

/// `wait`: after the CSV import, until the worker has matched everyone.
fn wait() {
    let services = open();
    let mark: i64 = env_number("FAIRCHANCE_BENCH_IMPORT_MARK", 0) as i64;
    let rows = env_number("FAIRCHANCE_BENCH_IMPORT_PROFILES", 25_000) as i64;
    let since: f64 = std::env::var("FAIRCHANCE_BENCH_IMPORT_SINCE")
        .ok()
        .and_then(|v| v.parse().ok())
        .expect("FAIRCHANCE_BENCH_IMPORT_SINCE (Unix seconds the worker started)");
    let (_, states) = wait_drained(&services, mark, rows);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs_f64();
    let seconds = now - since;
    println!(
        "csv: the worker matched {rows} people in {seconds:.1} s = {:.0} people/s",
        rows as f64 / seconds
    );
    println!("RESULT csv_drain_seconds={seconds:.1}");
    check(&services, "csv", CSV_PREFIX, &states, rows);
}

/// `api`: the batched client against a running server, then the wait.
fn api() {
    let services = open();
    let rows = env_number("FAIRCHANCE_BENCH_IMPORT_PROFILES", 25_000);
    let concurrency = env_number("FAIRCHANCE_BENCH_IMPORT_CONCURRENCY", 16).max(1);
    let base = env_or("FAIRCHANCE_BENCH_IMPORT_URL", "http://127.0.0.1:8080");
    let token =
        std::env::var("FAIRCHANCE_BENCH_IMPORT_TOKEN").expect("FAIRCHANCE_BENCH_IMPORT_TOKEN");
    let service = service(&services);
    let bodies: Vec<(String, serde_json::Value)> = people_for(&service.place_name, rows, 20)
        .into_iter()
        .enumerate()
        .map(|(n, mut person)| {
            person.reference = reference(API_PREFIX, n);
            let mut body = serde_json::to_value(&person).expect("json");
            let fields = body.as_object_mut().expect("an object");
            for restricted in RESTRICTED_FIELDS {
                fields.remove(*restricted);
            }
            (person.reference, body)
        })
        .collect();
    let bodies = Arc::new(bodies);
    let mark = count(&services, "SELECT COALESCE(MAX(id), 0) AS n FROM jobs");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let (statuses, latencies) = runtime.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (client, bodies, next, base, token) = (
                client.clone(),
                bodies.clone(),
                next.clone(),
                base.clone(),
                token.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let mut statuses: HashMap<u16, usize> = HashMap::new();
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((reference, body)) = bodies.get(i) else {
                        break;
                    };
                    let sent = Instant::now();
                    let status = match client
                        .put(format!("{base}/api/v1/profiles/by-reference/{reference}"))
                        .bearer_auth(&token)
                        .json(body)
                        .send()
                        .await
                    {
                        Ok(res) => {
                            let status = res.status().as_u16();
                            let text = res.text().await.unwrap_or_default();
                            if status != 201 {
                                eprintln!("{reference}: {status} {text}");
                            }
                            status
                        }
                        Err(e) => {
                            eprintln!("{reference}: {e}");
                            0
                        }
                    };
                    latencies.push(sent.elapsed());
                    *statuses.entry(status).or_default() += 1;
                }
                (statuses, latencies)
            }));
        }
        let mut statuses: HashMap<u16, usize> = HashMap::new();
        let mut latencies = Vec::new();
        for task in tasks {
            let (s, l) = task.await.expect("client task");
            for (k, v) in s {
                *statuses.entry(k).or_default() += v;
            }
            latencies.extend(l);
        }
        (statuses, latencies)
    });
    let sent_in = started.elapsed().as_secs_f64();
    let mut latencies = latencies;
    latencies.sort();
    let at = |p: f64| {
        latencies[((latencies.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
    };
    let created = statuses.get(&201).copied().unwrap_or(0);
    println!(
        "api: {rows} PUTs, {concurrency} in flight, in {sent_in:.1} s = {:.0} rows/s; \
         latency p50 {:.1} ms, p99 {:.1} ms; statuses {statuses:?}",
        rows as f64 / sent_in,
        at(0.5),
        at(0.99)
    );
    println!("RESULT api_seconds={sent_in:.1}");
    println!("RESULT api_rows_per_s={:.0}", rows as f64 / sent_in);
    println!("RESULT api_concurrency={concurrency}");
    println!("RESULT api_p50_ms={:.1}", at(0.5));
    println!("RESULT api_p99_ms={:.1}", at(0.99));
    println!("RESULT api_created={created}");
    println!("RESULT api_not_created={}", rows - created);
    assert_eq!(
        created, rows,
        "not every PUT created a person: {statuses:?}"
    );
    let (drained, states) = wait_drained(&services, mark, rows as i64);
    let total = drained.duration_since(started).as_secs_f64();
    println!(
        "api: every person matched {total:.1} s after the first request ({:.1} s after the last answer)",
        total - sent_in
    );
    println!("RESULT api_matched_seconds={total:.1}");
    println!("RESULT api_drain_after_seconds={:.1}", total - sent_in);
    check(&services, "api", API_PREFIX, &states, rows as i64);
}

fn main() {
    match env_or("FAIRCHANCE_BENCH_IMPORT_STEP", "").as_str() {
        "prepare" => prepare(),
        "wait" => wait(),
        "api" => api(),
        other => {
            eprintln!(
                "set FAIRCHANCE_BENCH_IMPORT_STEP to prepare, wait or api (not {other:?}); \
                 benches/run.sh runs the steps in order"
            );
            std::process::exit(2);
        }
    }
}
