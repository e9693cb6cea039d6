//! Real processes sharing one database and one search index (issue #17
//! item 6): vacancies are published and edited over the API while a web
//! process restarts and a worker is killed with SIGKILL while it holds
//! claimed jobs. Throughout, every answer any process gives for a person's
//! matches still holds every untouched vacancy that fits them (no answer
//! from an empty or half-built index); afterwards every process gives the
//! same complete list, equal to `assess` over every pair, every job has
//! run (none lost, none dead), and the stored matches of every vacancy
//! written are `assess`'s.
//!
//! With the embedded engine (one process owns the index) a `serve` with
//! its worker inside is killed and started again, on both databases. With
//! `MEILISEARCH_URL` set, the ignored variant runs two `serve` and two
//! `worker` processes on PostgreSQL and one Meilisearch.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Backend, TestDb};
use diesel::prelude::*;
use fairchance::domain::matching::assess;
use fairchance::store::{self, people::Membership};
use serde_json::{json, Value};

/// A hex key every process signs cookies with, so one session works on all.
const SECRET: &str = "6f1c0a9e3b7d4f2a8c5e1b9d7f3a6c4e2b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a";
/// The job lease the processes run with: a killed worker's jobs are taken
/// over this long after they were claimed.
const LEASE_SECONDS: &str = "10";

/// The processes of one test, their logs, and what they share.
struct Fleet {
    db: TestDb,
    logs: tempfile::TempDir,
    env: Vec<(String, String)>,
    running: Vec<(String, Child)>,
}

impl Fleet {
    fn new(db: TestDb, engine: &[(&str, &str)]) -> Self {
        let mut env: Vec<(String, String)> = vec![
            ("FAIRCHANCE_SECRET_KEY".into(), SECRET.into()),
            ("FAIRCHANCE_DEMO".into(), "off".into()),
            ("FAIRCHANCE_JOB_LEASE_SECONDS".into(), LEASE_SECONDS.into()),
            ("FAIRCHANCE_DB_POOL_SIZE".into(), "4".into()),
            ("FAIRCHANCE_LOG".into(), "warn,fairchance=info".into()),
        ];
        env.extend(engine.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Self {
            db,
            logs: tempfile::tempdir().expect("log dir"),
            env,
            running: Vec::new(),
        }
    }

    fn command(&self, name: &str) -> std::process::Command {
        let mut command = common::command_line(&self.db);
        for (k, v) in &self.env {
            command.env(k, v);
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.logs.path().join(format!("{name}.log")))
            .expect("log file");
        command
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log));
        command
    }

    /// Runs a command to the end; panics with its log when it fails.
    fn run(&self, name: &str, args: &[&str]) {
        let status = self.command(name).args(args).status().expect("run");
        assert!(status.success(), "{name} failed:\n{}", self.log(name));
    }

    /// Starts `serve` on `port` (its worker inside or not).
    fn serve(&mut self, name: &str, port: u16, worker: bool) {
        let child = self
            .command(name)
            .arg("serve")
            .env("FAIRCHANCE_BIND", format!("127.0.0.1:{port}"))
            .env("FAIRCHANCE_WORKER", if worker { "on" } else { "off" })
            .spawn()
            .expect("start serve");
        self.running.push((name.to_string(), child));
    }

    fn worker(&mut self, name: &str) {
        let child = self
            .command(name)
            .arg("worker")
            .spawn()
            .expect("start worker");
        self.running.push((name.to_string(), child));
    }

    fn pid(&self, name: &str) -> u32 {
        self.running
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.id())
            .expect("a running process of that name")
    }

    /// Takes the running process `name` out of the fleet.
    fn take(&mut self, name: &str) -> Child {
        let at = self
            .running
            .iter()
            .position(|(n, _)| n == name)
            .expect("running");
        self.running.remove(at).1
    }

    /// SIGKILL: no clean-up of any kind.
    fn kill(&mut self, name: &str) {
        let mut child = self.take(name);
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
    }

    /// SIGTERM, then waits for the process to end.
    fn stop(&mut self, name: &str) {
        let mut child = self.take(name);
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while child.try_wait().expect("wait").is_none() {
            assert!(Instant::now() < deadline, "{name} did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.logs.path().join(format!("{name}.log"))).unwrap_or_default()
    }

    fn logs(&self) -> String {
        let mut all = String::new();
        for entry in std::fs::read_dir(self.logs.path()).expect("logs").flatten() {
            all.push_str(&format!(
                "\n--- {} ---\n{}",
                entry.file_name().to_string_lossy(),
                std::fs::read_to_string(entry.path()).unwrap_or_default()
            ));
        }
        all
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for (_, child) in &mut self.running {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn ready(client: &reqwest::Client, port: u16, fleet: &Fleet) {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if let Ok(res) = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
        {
            if res.status() == 200 {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "port {port} never became ready:{}",
            fleet.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every vacancy id on every page of a person's matches, or None when the
/// process did not answer 200 (it is restarting, or still starting).
async fn matches_of(
    client: &reqwest::Client,
    port: u16,
    profile: i64,
    cookie: &str,
) -> Option<BTreeSet<i64>> {
    let mut ids = BTreeSet::new();
    let mut page = 1;
    loop {
        let res = client
            .get(format!(
                "http://127.0.0.1:{port}/api/v1/profiles/{profile}/matches?page={page}&per_page=100"
            ))
            .header("cookie", cookie)
            .send()
            .await
            .ok()?;
        if res.status() != 200 {
            return None;
        }
        let body: Value = res.json().await.ok()?;
        for item in body["items"].as_array()? {
            ids.insert(item["vacancy_id"].as_i64()?);
        }
        if page >= body["pages"].as_i64()? {
            return Some(ids);
        }
        page += 1;
    }
}

/// What `assess` says fits each of `profiles`, over every vacancy.
fn brute_force(
    db_store: &store::Store,
    taxonomy: &fairchance::domain::skills::Taxonomy,
    profiles: &[i64],
) -> HashMap<i64, BTreeSet<i64>> {
    let today = store::now().date();
    let mut conn = db_store.conn().expect("conn");
    let vacancy_ids = store::vacancies::all_ids(&mut conn).expect("ids");
    let vacancies =
        store::vacancies::load_many(&mut conn, &vacancy_ids, taxonomy).expect("vacancies");
    let people = store::profiles::load_many(&mut conn, profiles, taxonomy).expect("profiles");
    people
        .iter()
        .map(|p| {
            let fits = vacancies
                .iter()
                .filter(|v| assess(v, p, today).eligible())
                .map(|v| v.id)
                .collect();
            (p.id, fits)
        })
        .collect()
}

/// A job in Leeds, Bradford or Wakefield that asks little of anyone, from
/// the generator's templates.
fn open_job(n: u64) -> Value {
    use fairchance::seed::generator::{self, Town, TEMPLATES};
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(n);
    let towns = [
        ("Leeds", 53.7965, -1.5478),
        ("Bradford", 53.7950, -1.7594),
        ("Wakefield", 53.6833, -1.4977),
    ];
    let (name, lat, lon) = towns[(n % 3) as usize];
    let town = Town {
        name: name.into(),
        lat,
        lon,
    };
    let template = &TEMPLATES[(n as usize) % TEMPLATES.len()];
    let mut input =
        generator::vacancy(&mut rng, template, &town, "Fleet test", store::now().date());
    input.offence_exclusions.clear();
    input.needs_driving_licence = false;
    input.regulated_adults = false;
    input.regulated_children = false;
    input.check_level = "basic".into();
    input.remote = false;
    input.start = Some("asap".into());
    input.start_date = None;
    input.closing_date = None;
    serde_json::to_value(&input).expect("json")
}

/// The shared set-up: a synthetic data set, an employer with an API token,
/// and officers (with sessions) for the people watched.
struct World {
    store: store::Store,
    taxonomy: Arc<fairchance::domain::skills::Taxonomy>,
    token: String,
    /// Watched people, with a session cookie of an officer of theirs.
    watched: Vec<(i64, String)>,
    /// For each watched person, the seeded vacancies that fit them: the
    /// test never touches these, so every answer must include them.
    baseline: HashMap<i64, BTreeSet<i64>>,
}

fn world(fleet: &Fleet) -> World {
    fleet.run(
        "seed",
        &[
            "seed",
            "--synthetic",
            "--profiles",
            "1500",
            "--vacancies",
            "800",
            "--seed",
            "17",
        ],
    );
    let services = fleet.db.services(&[("FAIRCHANCE_SECRET_KEY", SECRET)]);
    let store = services.store.clone();
    let taxonomy = services.taxonomy.clone();
    let mut conn = store.conn().expect("conn");
    let employer = common::approved_employer(&mut conn, "Fleet Test Employer");
    let member = common::staff_user(
        &mut conn,
        "api@fleet.example",
        Membership::Employer(employer),
    );
    let at = store::now();
    let (_, token) = store::access::create_api_token(
        &mut conn,
        employer,
        member,
        "fleet",
        at + chrono::Duration::days(1),
        at,
    )
    .expect("token");
    // People with several fitting vacancies already, all on one page of
    // 100: pages asked for one after another while vacancies are written
    // can skip or repeat an item at their edge (offset paging over a list
    // that moves), which says nothing about the index.
    let ids = store::profiles::all_ids(&mut conn).expect("ids");
    drop(conn);
    let fits = brute_force(&store, &taxonomy, &ids);
    let mut candidates: Vec<(i64, usize)> = fits
        .iter()
        .filter(|(_, f)| (3..=60).contains(&f.len()))
        .map(|(id, f)| (*id, f.len()))
        .collect();
    candidates.sort_by_key(|(id, n)| (std::cmp::Reverse(*n), *id));
    assert!(
        candidates.len() >= 6,
        "the synthetic set has people with matches"
    );
    let mut watched = Vec::new();
    let mut baseline = HashMap::new();
    let mut conn = store.conn().expect("conn");
    for (i, (id, _)) in candidates.iter().take(6).enumerate() {
        let profile = store::profiles::load(&mut conn, *id, &taxonomy).expect("profile");
        let officer = common::staff_user(
            &mut conn,
            &format!("officer{i}@fleet.example"),
            Membership::Service(profile.service_id),
        );
        let cookie = session(&store, &services.config.secret_key, officer, *id);
        watched.push((*id, cookie));
        baseline.insert(*id, fits[id].clone());
    }
    World {
        store,
        taxonomy,
        token,
        watched,
        baseline,
    }
}

/// A signed session cookie for `user`, with a purpose given for the
/// restricted sections of `profile`.
fn session(store: &store::Store, key: &[u8], user: i64, profile: i64) -> String {
    let (cookie, csrf) = common::staff_session_on(store, key, user);
    common::remember_purpose_on(store, &csrf, profile);
    cookie
}

/// How many answers the watcher checked, and each one found short.
type Watched = Arc<Mutex<(usize, Vec<String>)>>;

/// Asks every port for every watched person's matches until `stop`,
/// noting each answer that lacks a vacancy of the person's baseline.
fn watch(
    client: reqwest::Client,
    ports: Vec<u16>,
    watched: Vec<(i64, String)>,
    baseline: HashMap<i64, BTreeSet<i64>>,
    stop: Arc<AtomicBool>,
) -> (tokio::task::JoinHandle<()>, Watched) {
    let seen = Arc::new(Mutex::new((0usize, Vec::new())));
    let noted = seen.clone();
    let handle = tokio::spawn(async move {
        while !stop.load(Ordering::Relaxed) {
            for port in &ports {
                for (profile, cookie) in &watched {
                    if let Some(ids) = matches_of(&client, *port, *profile, cookie).await {
                        let missing: Vec<i64> =
                            baseline[profile].difference(&ids).copied().collect();
                        let mut seen = noted.lock().unwrap();
                        seen.0 += 1;
                        if !missing.is_empty() {
                            seen.1.push(format!(
                                "port {port}, person {profile}: {} of {} fitting vacancies missing",
                                missing.len(),
                                baseline[profile].len()
                            ));
                        }
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    (handle, seen)
}

/// Publishes `n` new vacancies through `port`; returns their ids.
async fn publish(client: &reqwest::Client, port: u16, token: &str, from: u64, n: u64) -> Vec<i64> {
    let mut ids = Vec::new();
    for k in from..from + n {
        let res = client
            .post(format!("http://127.0.0.1:{port}/api/v1/vacancies"))
            .bearer_auth(token)
            .json(&open_job(k))
            .send()
            .await
            .expect("create");
        let status = res.status();
        let body: Value = res.json().await.expect("json");
        assert_eq!(status, 201, "{body}");
        let id = body["id"].as_i64().expect("id");
        let res = client
            .post(format!(
                "http://127.0.0.1:{port}/api/v1/vacancies/{id}/publish"
            ))
            .bearer_auth(token)
            .send()
            .await
            .expect("publish");
        assert!(
            res.status().is_success(),
            "{}",
            res.text().await.unwrap_or_default()
        );
        ids.push(id);
    }
    ids
}

/// Edits each vacancy through `port`: a new title and another town, so
/// who it fits changes.
async fn edit(client: &reqwest::Client, port: u16, token: &str, ids: &[i64], round: u64) {
    for (k, id) in ids.iter().enumerate() {
        let mut body = open_job(round * 1000 + k as u64);
        body["title"] = json!(format!("Edited job {id}, round {round}"));
        let res = client
            .put(format!("http://127.0.0.1:{port}/api/v1/vacancies/{id}"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("edit");
        assert!(
            res.status().is_success(),
            "{}",
            res.text().await.unwrap_or_default()
        );
    }
}

/// Waits until a job is running under one of `processes` (its worker has
/// claimed a batch) and says which, or None when `limit` passes first.
async fn until_running_under(
    store: &store::Store,
    processes: &[(&str, u32)],
    limit: Duration,
) -> Option<String> {
    use fairchance::store::schema::jobs;
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let mut conn = store.conn().expect("conn");
        let holders: Vec<Option<String>> = fairchance::with_conn!(&mut conn, |c| jobs::table
            .filter(jobs::status.eq("running"))
            .select(jobs::locked_by)
            .load(c)
            .expect("running jobs"));
        for holder in holders.into_iter().flatten() {
            if let Some((name, _)) = processes
                .iter()
                .find(|(_, pid)| holder.contains(&format!("-{pid}-")))
            {
                return Some(name.to_string());
            }
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    None
}

/// Waits until no job is queued or running; panics after `limit`.
async fn until_drained(store: &store::Store, limit: Duration, fleet: &Fleet) {
    use fairchance::store::schema::jobs;
    let deadline = Instant::now() + limit;
    loop {
        let mut conn = store.conn().expect("conn");
        let open: i64 = fairchance::with_conn!(&mut conn, |c| jobs::table
            .filter(jobs::status.eq_any(["queued", "running"]))
            .filter(jobs::kind.eq_any(["vacancy.changed", "profile.changed"]))
            .count()
            .get_result(c)
            .expect("count"));
        if open == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{open} matching jobs still open:{}",
            fleet.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The end state: no job lost or dead, every process answering the same
/// complete matches, and stored matches as `assess` has them.
async fn settled(world: &World, fleet: &Fleet, ports: &[u16], written: &[i64]) {
    use fairchance::store::schema::jobs;
    until_drained(&world.store, Duration::from_secs(120), fleet).await;
    let mut conn = world.store.conn().expect("conn");
    let dead: Vec<(i64, String, Option<String>)> =
        fairchance::with_conn!(&mut conn, |c| jobs::table
            .filter(jobs::status.ne("done"))
            .filter(jobs::kind.eq_any(["vacancy.changed", "profile.changed"]))
            .select((jobs::id, jobs::status, jobs::last_error))
            .load(c)
            .expect("jobs"));
    assert!(dead.is_empty(), "matching jobs not done: {dead:?}");
    let changed: i64 = fairchance::with_conn!(&mut conn, |c| jobs::table
        .filter(jobs::kind.eq("vacancy.changed"))
        .count()
        .get_result(c)
        .expect("count"));
    assert!(
        changed as usize >= written.len(),
        "every write queued its job"
    );
    drop(conn);

    let people: Vec<i64> = world.watched.iter().map(|(id, _)| *id).collect();
    let truth = brute_force(&world.store, &world.taxonomy, &people);
    let client = reqwest::Client::new();
    for (profile, cookie) in &world.watched {
        for port in ports {
            let ids = matches_of(&client, *port, *profile, cookie)
                .await
                .expect("an answer");
            assert_eq!(
                ids, truth[profile],
                "port {port}, person {profile}: the served matches are assess's"
            );
        }
    }

    // Every vacancy written: its stored matches (live ones) are the people
    // `assess` admits.
    let all_people = {
        let mut conn = world.store.conn().expect("conn");
        store::profiles::all_ids(&mut conn).expect("ids")
    };
    let fits = brute_force(&world.store, &world.taxonomy, &all_people);
    let mut conn = world.store.conn().expect("conn");
    for vacancy in written {
        let stored: BTreeSet<i64> = store::matches::for_vacancy(&mut conn, *vacancy)
            .expect("stored")
            .into_values()
            .filter(|m| m.status != fairchance::domain::application::MatchStatus::Expired)
            .map(|m| m.profile_id)
            .collect();
        let expected: BTreeSet<i64> = fits
            .iter()
            .filter(|(_, f)| f.contains(vacancy))
            .map(|(p, _)| *p)
            .collect();
        assert_eq!(
            stored, expected,
            "vacancy {vacancy}: stored matches are assess's"
        );
    }
}

/// The embedded engine: one `serve` with its worker owns the index; it is
/// killed with SIGKILL while it holds claimed jobs, and started again.
async fn embedded(backend: Backend) {
    let mut fleet = Fleet::new(TestDb::new(backend), &[]);
    let world = world(&fleet);
    let port = common::free_port();
    fleet.serve("serve", port, true);
    let client = reqwest::Client::new();
    ready(&client, port, &fleet).await;
    let stop = Arc::new(AtomicBool::new(false));
    let (watcher, seen) = watch(
        client.clone(),
        vec![port],
        world.watched.clone(),
        world.baseline.clone(),
        stop.clone(),
    );

    let mut written = publish(&client, port, &world.token, 0, 12).await;
    edit(&client, port, &world.token, &written[..6], 1).await;
    let pid = fleet.pid("serve");
    let caught = until_running_under(&world.store, &[("serve", pid)], Duration::from_secs(20))
        .await
        .is_some();
    fleet.kill("serve");
    // Written while nothing runs: queued, and done after the restart.
    let more = {
        fleet.serve("serve", port, true);
        ready(&client, port, &fleet).await;
        publish(&client, port, &world.token, 100, 6).await
    };
    written.extend(more);
    edit(&client, port, &world.token, &written[6..], 2).await;

    settled(&world, &fleet, &[port], &written).await;
    stop.store(true, Ordering::Relaxed);
    watcher.await.expect("watcher");
    let (answers, wrong) = seen.lock().unwrap().clone();
    assert!(answers > 20, "the watcher got answers ({answers})");
    assert!(
        wrong.is_empty(),
        "{} answers missing fitting vacancies, the first: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
    println!(
        "embedded on {backend:?}: killed serve {} a claimed batch; {answers} answers watched, none short",
        if caught { "while it held" } else { "(it had finished) without" }
    );
}

on_both_backends!(
    a_killed_server_loses_no_job_and_answers_stay_whole,
    embedded
);

/// Two `serve` and two `worker` processes on PostgreSQL and one
/// Meilisearch (indexes under a prefix of this test's own): the worker
/// that holds claimed jobs first is killed with SIGKILL and another
/// started; one web
/// process is restarted (its start-up check runs against the shared,
/// live index).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Meilisearch server: set MEILISEARCH_URL"]
async fn several_processes_on_one_meilisearch_agree_and_lose_nothing() {
    let meili = common::RealMeilisearch::from_env("fleet");
    let engine = meili.settings();
    let mut fleet = Fleet::new(TestDb::new(Backend::Postgres), &engine);
    let world = world(&fleet);
    let (a, b) = (common::free_port(), common::free_port());
    fleet.serve("serve-a", a, false);
    fleet.serve("serve-b", b, false);
    fleet.worker("worker-1");
    fleet.worker("worker-2");
    let client = reqwest::Client::new();
    ready(&client, a, &fleet).await;
    ready(&client, b, &fleet).await;
    let stop = Arc::new(AtomicBool::new(false));
    let (watcher, seen) = watch(
        client.clone(),
        vec![a, b],
        world.watched.clone(),
        world.baseline.clone(),
        stop.clone(),
    );

    let mut written = publish(&client, a, &world.token, 0, 10).await;
    written.extend(publish(&client, b, &world.token, 10, 10).await);
    edit(&client, a, &world.token, &written[..10], 1).await;
    // Whichever worker holds a claimed batch first is killed.
    let workers = [
        ("worker-1", fleet.pid("worker-1")),
        ("worker-2", fleet.pid("worker-2")),
    ];
    let caught = until_running_under(&world.store, &workers, Duration::from_secs(20)).await;
    let killed = caught.clone().unwrap_or_else(|| "worker-1".to_string());
    fleet.kill(&killed);
    fleet.worker("worker-3");
    edit(&client, b, &world.token, &written[10..], 2).await;
    fleet.stop("serve-a");
    written.extend(publish(&client, b, &world.token, 200, 5).await);
    fleet.serve("serve-a", a, false);
    ready(&client, a, &fleet).await;
    edit(&client, a, &world.token, &written[..5], 3).await;

    settled(&world, &fleet, &[a, b], &written).await;
    stop.store(true, Ordering::Relaxed);
    watcher.await.expect("watcher");
    let (answers, wrong) = seen.lock().unwrap().clone();
    // The indexes of this test go; the server is shared.
    meili.delete_indexes().await;
    assert!(answers > 20, "the watcher got answers ({answers})");
    assert!(
        wrong.is_empty(),
        "{} answers missing fitting vacancies, the first: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
    println!(
        "meilisearch: killed {killed} {} a claimed batch; {answers} answers from two web processes watched, none short",
        if caught.is_some() { "while it held" } else { "(no batch seen) without" }
    );
}

/// A web process starts answering while its search engine is down (issue
/// #17 item 2, #18 item 4): `/healthz` says 200 at once, `/readyz` 503 with
/// the reason, and the settings, check and worker wait and are tried again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_process_answers_while_its_search_engine_is_down() {
    // Nothing listens on this port.
    let down = format!("http://127.0.0.1:{}", common::free_port());
    let mut fleet = Fleet::new(
        TestDb::new(Backend::Sqlite),
        &[
            ("FAIRCHANCE_SEARCH", "meilisearch"),
            ("MEILISEARCH_URL", &down),
        ],
    );
    let port = common::free_port();
    fleet.serve("serve", port, true);
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut healthy = false;
    let mut said = Value::Null;
    while Instant::now() < deadline {
        if let Ok(res) = client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
        {
            healthy |= res.status() == 200;
        }
        if healthy {
            let res = client
                .get(format!("http://127.0.0.1:{port}/readyz"))
                .send()
                .await
                .expect("readyz");
            assert_eq!(res.status(), 503, "not ready without a search engine");
            said = res.json().await.expect("json");
            if said["index"]["state"] == "failed" {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(healthy, "/healthz never answered:{}", fleet.logs());
    assert_eq!(said["index"]["state"], "failed", "{said}");
    let message = said["index"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("trying again"), "{message}");
    // The public pages answer meanwhile.
    let res = client
        .get(format!("http://127.0.0.1:{port}/"))
        .send()
        .await
        .expect("home page");
    assert_eq!(res.status(), 200);
}
