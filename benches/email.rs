//! Email throughput: `cargo bench --bench email` (or through `benches/run.sh`).
//!
//! Needs `FAIRCHANCE_SMTP_URL` pointing at an SMTP server that accepts
//! everything, for example `python3 -m aiosmtpd -n -l 127.0.0.1:2525` with
//! `FAIRCHANCE_SMTP_URL=smtp://127.0.0.1:2525`. On a fresh database (SQLite in
//! a temporary directory, or the empty one in FAIRCHANCE_BENCH_DATABASE_URL)
//! it queues FAIRCHANCE_BENCH_EMAILS (default 2,000) emails as the web
//! handlers do (`notify::enqueue`, the outbox), then times workers draining
//! the queue through the real SMTP transport: for each count in
//! FAIRCHANCE_BENCH_EMAIL_WORKERS (default "1,4"), that many workers in one
//! process, each claiming batches as `fairchance worker` does.
//!
//! It prints figures and `RESULT` lines; it checks only that every email was
//! sent (no job failed or is left over).

use std::collections::HashMap;
use std::time::Instant;

use fairchance::config::Config;
use fairchance::jobs::Worker;
use fairchance::notify::{self, Email};
use fairchance::store::{self, jobs};

fn queue(services: &fairchance::startup::Services, round: usize, count: usize) {
    let mut conn = services.store.conn().expect("conn");
    let at = store::now();
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        conn.write(|c| {
            for i in chunk {
                let email = Email {
                    key: format!("bench:{round}:{i}"),
                    to_name: format!("Reader {i}"),
                    to_address: format!("reader{i}@example.invalid"),
                    subject: "A new match is waiting for review".into(),
                    text: "A vacancy matches a person on your caseload.\n\nOpen Fair Chance Jobs to review it.\n".repeat(4),
                    html: "<p>A vacancy matches a person on your caseload.</p><p>Open Fair Chance Jobs to review it.</p>".repeat(4),
                };
                notify::enqueue(c, &email, at).map_err(|e| match e {
                    notify::NotifyError::Store(store::StoreError::Database(d)) => d,
                    other => panic!("enqueue: {other}"),
                })?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .expect("queue");
    }
}

fn counts(services: &fairchance::startup::Services) -> HashMap<String, i64> {
    let mut conn = services.store.conn().expect("conn");
    jobs::counts(&mut conn)
        .expect("counts")
        .into_iter()
        .collect()
}

fn main() {
    let emails: usize = std::env::var("FAIRCHANCE_BENCH_EMAILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let worker_counts: Vec<usize> = std::env::var("FAIRCHANCE_BENCH_EMAIL_WORKERS")
        .unwrap_or_else(|_| "1,4".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let smtp = std::env::var("FAIRCHANCE_SMTP_URL")
        .expect("set FAIRCHANCE_SMTP_URL to a loopback SMTP server (see the comment at the top)");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert(
        "FAIRCHANCE_DATA_DIR".into(),
        dir.path().display().to_string(),
    );
    vars.insert("FAIRCHANCE_SMTP_URL".into(), smtp.clone());
    if let Ok(url) = std::env::var("FAIRCHANCE_BENCH_DATABASE_URL") {
        vars.insert("FAIRCHANCE_DATABASE_URL".into(), url);
    }
    let config = Config::from_vars(&vars).expect("config");
    let services = fairchance::startup::open(config).expect("start-up");
    let backend = services.store.backend_name();
    println!("email benchmark: {emails} emails per round to {smtp}, {backend} outbox");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for (round, &workers) in worker_counts.iter().enumerate() {
        let started = Instant::now();
        queue(&services, round, emails);
        let queued_in = started.elapsed();
        let started = Instant::now();
        runtime.block_on(async {
            let mut tasks = Vec::new();
            for _ in 0..workers {
                let worker = Worker::new(services.clone()).expect("SMTP transport");
                tasks.push(tokio::spawn(async move {
                    loop {
                        let claimed = worker.work(store::now()).await.expect("work");
                        if claimed == 0 {
                            break;
                        }
                    }
                }));
            }
            for task in tasks {
                task.await.expect("worker task");
            }
        });
        let drained = started.elapsed();
        let state = counts(&services);
        let done = state.get("done").copied().unwrap_or(0);
        let left: i64 = state
            .iter()
            .filter(|(k, _)| k.as_str() != "done")
            .map(|(_, v)| v)
            .sum();
        let per_second = emails as f64 / drained.as_secs_f64();
        println!(
            "{workers} worker(s): queued {emails} in {:.2} s; sent in {:.2} s = {per_second:.0} emails/s; jobs done so far {done}, not done {left}",
            queued_in.as_secs_f64(),
            drained.as_secs_f64()
        );
        println!("RESULT email_workers_{workers}_per_s={per_second:.0}");
        println!(
            "RESULT email_workers_{workers}_seconds={:.2}",
            drained.as_secs_f64()
        );
        println!("RESULT email_workers_{workers}_not_done={left}");
        assert_eq!(left, 0, "some emails were not sent: {state:?}");
    }
    println!("RESULT email_count={emails}");
}
