//! The foundation: both databases from one code path, the same schema on
//! each, health endpoints, demo data, the command line and start-up errors.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Backend, TestApp, TestDb};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use fairchance::store::{self, AsTx, Tx};

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
}

/// (table, column, not null) for every column of every table.
fn columns(services: &fairchance::startup::Services) -> BTreeSet<(String, String, bool)> {
    let mut conn = services.store.conn().unwrap();
    let rows: Vec<Column> = match conn.tx() {
        Tx::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, \
             CASE WHEN p.\"notnull\" = 1 OR p.pk = 1 THEN 1 ELSE 0 END AS not_null \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
        )
        .load(c)
        .unwrap(),
        Tx::Postgres(c) => diesel::sql_query(
            "SELECT table_name::TEXT AS table_name, column_name::TEXT AS column_name, \
             CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS not_null \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
        )
        .load(c)
        .unwrap(),
    };
    rows.into_iter()
        .map(|r| (r.table_name, r.column_name, r.not_null == 1))
        .collect()
}

#[test]
fn both_migrations_give_the_same_tables_and_columns() {
    let sqlite = TestDb::new(Backend::Sqlite);
    let postgres = TestDb::new(Backend::Postgres);
    // The one table only SQLite has by design: the change feed's counter
    // (PostgreSQL stamps rows with transaction ids instead; see
    // `store::meta::change_watermark`).
    let a: BTreeSet<_> = columns(&sqlite.services(&[]))
        .into_iter()
        .filter(|(table, _, _)| table != "change_counter")
        .collect();
    let b = columns(&postgres.services(&[]));
    assert!(
        a.len() > 200,
        "expected the full schema, found {} columns",
        a.len()
    );
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_postgres: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "schemas differ\nonly in sqlite: {only_sqlite:?}\nonly in postgres: {only_postgres:?}"
    );
}

on_both_backends!(health_and_readiness, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    let body: serde_json::Value = health.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.headers()["content-type"], "application/json");
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"]["migrations"], "current");
    assert_eq!(
        body["database"]["backend"],
        match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    );
    assert_eq!(body["index"]["state"], "ready");
    // While the index is rebuilt in the background: not ready, with the
    // progress; health is unaffected.
    use fairchance::startup::IndexState;
    app.index_status.set(IndexState::Indexing {
        done: 40_000,
        total: 150_000,
    });
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["index"]["state"], "indexing");
    assert_eq!(body["index"]["done"], 40_000);
    assert_eq!(body["index"]["message"], "indexing 40,000 of 150,000");
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.index_status
        .set(IndexState::Failed("Meilisearch is unreachable".into()));
    let body: serde_json::Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(body["index"]["state"], "failed");
    assert!(body["index"]["message"]
        .as_str()
        .unwrap()
        .contains("Meilisearch is unreachable"));
    app.index_status.set(IndexState::Ready);
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.stop().await;
});

on_both_backends!(
    every_response_carries_security_headers,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        for path in ["/", "/healthz", "/no-such-page", "/api/v1/no-such-route"] {
            let res = app.get(path).await;
            let h = res.headers();
            let csp = h["content-security-policy"].to_str().unwrap();
            assert!(
                csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
                "{path}: {csp}"
            );
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
            assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
            assert!(
                h.get("strict-transport-security").is_none(),
                "no HSTS over plain http"
            );
        }
        let missing = app.get("/no-such-page").await;
        assert_eq!(missing.status(), 404);
        assert!(missing.text().await.unwrap().contains("Page not found"));
        // Anonymous API calls answer 401 before anything else is looked at.
        let missing_api = app.get("/api/v1/no-such-route").await;
        assert_eq!(missing_api.status(), 401);
        let body: serde_json::Value = missing_api.json().await.unwrap();
        assert_eq!(body["error"], "unauthenticated");
        let missing_other = app.get("/api/v2/anything").await;
        assert_eq!(missing_other.status(), 404);
        let body: serde_json::Value = missing_other.json().await.unwrap();
        assert_eq!(body["error"], "not_found");
        app.stop().await;
    }
);

#[tokio::test]
async fn hsts_is_sent_when_the_base_url_is_https() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("FAIRCHANCE_BASE_URL", "https://jobs.example.org")],
    )
    .await;
    let res = app.get("/healthz").await;
    assert!(res.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    app.stop().await;
}

on_both_backends!(
    demo_data_is_complete_and_loaded_once,
    |backend| async move {
        let db = TestDb::new(backend);
        let services = db.services(&[]);
        assert!(fairchance::seed::demo::seed_if_empty(&services, false).unwrap());
        let mut conn = services.store.conn().unwrap();
        let employers = store::people::list_employers(&mut conn).unwrap();
        let services_list = store::people::list_services(&mut conn).unwrap();
        assert!(employers.len() >= 15, "{} employers", employers.len());
        assert!(employers.iter().all(|e| e.name.ends_with("(demo)")));
        assert_eq!(
            services_list.iter().filter(|s| s.kind == "prison").count(),
            4
        );
        assert_eq!(
            services_list
                .iter()
                .filter(|s| s.kind == "probation")
                .count(),
            1
        );
        assert!(store::vacancies::count(&mut conn).unwrap() >= 120);
        assert_eq!(store::profiles::count(&mut conn).unwrap(), 300);
        let officers = with_users(&mut conn, "officer");
        assert!(officers >= 10, "{officers} officers");

        // Every stored profile and vacancy reads back through the domain's parse.
        let ids = store::profiles::all_ids(&mut conn).unwrap();
        let profiles = store::profiles::load_many(&mut conn, &ids, &services.taxonomy).unwrap();
        assert_eq!(profiles.len(), 300);
        let with_curfew = profiles
            .iter()
            .filter(|p| !p.details.to_input().curfews.is_empty())
            .count();
        let with_zone = profiles
            .iter()
            .filter(|p| !p.details.to_input().exclusion_zones.is_empty())
            .count();
        let with_offence = profiles
            .iter()
            .filter(|p| !p.details.to_input().offence_categories.is_empty())
            .count();
        assert!(
            with_curfew > 30 && with_zone > 10 && with_offence > 100,
            "{with_curfew} {with_zone} {with_offence}"
        );
        let ids = store::vacancies::all_ids(&mut conn).unwrap();
        let vacancies = store::vacancies::load_many(&mut conn, &ids, &services.taxonomy).unwrap();
        assert_eq!(vacancies.len(), ids.len());
        let sectors: BTreeSet<String> = vacancies
            .iter()
            .map(|v| v.details.to_input().sector)
            .collect();
        assert!(sectors.len() >= 10, "{sectors:?}");

        // The same every time: a second database gets identical vacancies.
        let again = TestDb::new(backend);
        let services2 = again.services(&[]);
        fairchance::seed::demo::seed_if_empty(&services2, false).unwrap();
        let mut conn2 = services2.store.conn().unwrap();
        let ids2 = store::vacancies::all_ids(&mut conn2).unwrap();
        let vacancies2 =
            store::vacancies::load_many(&mut conn2, &ids2, &services2.taxonomy).unwrap();
        let titles = |v: &[fairchance::domain::vacancy::Vacancy]| -> Vec<String> {
            v.iter()
                .map(|v| {
                    format!(
                        "{} {:?}",
                        v.details.to_input().title,
                        v.details.to_input().workplace.map(|p| p.name)
                    )
                })
                .collect()
        };
        assert_eq!(titles(&vacancies), titles(&vacancies2));

        // Not twice.
        assert!(!fairchance::seed::demo::seed_if_empty(&services, false).unwrap());
        assert_eq!(store::profiles::count(&mut conn).unwrap(), 300);
    }
);

fn with_users(conn: &mut store::Conn, role: &str) -> i64 {
    use fairchance::store::schema::users;
    fairchance::with_conn!(conn, |c| users::table
        .filter(users::role.eq(role))
        .count()
        .get_result::<i64>(c)
        .unwrap())
}

on_both_backends!(synthetic_data_is_reproducible, |backend| async move {
    let db = TestDb::new(backend);
    let services = db.services(&[]);
    let options = fairchance::seed::synthetic::Options {
        profiles: 500,
        vacancies: 250,
        seed: 7,
        progress: false,
    };
    let report = fairchance::seed::synthetic::seed(&services, &options).unwrap();
    assert_eq!((report.profiles, report.vacancies), (500, 250));
    assert!(report.database_bytes.unwrap() > 0);
    let mut conn = services.store.conn().unwrap();
    assert_eq!(store::profiles::count(&mut conn).unwrap(), 500);
    assert_eq!(store::vacancies::count(&mut conn).unwrap(), 250);
    let ids = store::profiles::all_ids(&mut conn).unwrap();
    assert_eq!(
        store::profiles::load_many(&mut conn, &ids, &services.taxonomy)
            .unwrap()
            .len(),
        500
    );
});

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fairchance"));
    command
        .env_remove("FAIRCHANCE_DATABASE_URL")
        .env("FAIRCHANCE_LOG", "warn");
    command
}

fn run_failing(args: &[&str], env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut command = binary();
    command.args(args).env("FAIRCHANCE_DATA_DIR", dir.path());
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.stdin(Stdio::null()).output().unwrap();
    assert!(!out.status.success(), "{args:?} {env:?} should fail");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected, got: {stderr}");
    lines[0].to_string()
}

#[test]
fn bad_database_settings_stop_start_up_with_one_line() {
    let line = run_failing(&["migrate"], &[("FAIRCHANCE_DATABASE_URL", "mysql://nope")]);
    assert!(line.contains("FAIRCHANCE_DATABASE_URL"), "{line}");
    let line = run_failing(
        &["serve"],
        &[(
            "FAIRCHANCE_DATABASE_URL",
            "postgres://postgres@127.0.0.1:1/fairchance",
        )],
    );
    assert!(line.contains("cannot reach PostgreSQL"), "{line}");
    let line = run_failing(&["serve"], &[("FAIRCHANCE_BIND", "nowhere")]);
    assert!(line.contains("FAIRCHANCE_BIND"), "{line}");
    let line = run_failing(
        &["serve"],
        &[("FAIRCHANCE_DATABASE_URL", "sqlite:///proc/no/such/dir/x.db")],
    );
    assert!(line.contains("SQLite"), "{line}");
}

fn wait_ready(address: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("server exited early with {status}: {err}");
        }
        if let Ok(mut stream) = std::net::TcpStream::connect(address) {
            let _ = stream.write_all(b"GET /readyz HTTP/1.0\r\n\r\n");
            let mut reply = String::new();
            let _ = stream.read_to_string(&mut reply);
            if reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        assert!(Instant::now() < deadline, "server did not become ready");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    // SIGTERM: the server drains and exits 0.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn serve_once(db: &TestDb, port: u16) -> (String, std::process::ExitStatus) {
    let address = format!("127.0.0.1:{port}");
    let mut child = binary()
        .env("FAIRCHANCE_DATA_DIR", db.dir.path())
        .env("FAIRCHANCE_DATABASE_URL", db.env_url())
        .env("FAIRCHANCE_BIND", &address)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_ready(&address, &mut child);
    let status = terminate(&mut child);
    let mut stdout = String::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            stdout.push_str(&line);
            stdout.push('\n');
        }
    }
    (stdout, status)
}

on_both_backends!(
    serve_seeds_an_empty_database_once_and_stops_on_sigterm,
    |backend| async move {
        let db = TestDb::new(backend);
        let (first, status) = serve_once(&db, common::free_port());
        assert!(status.success(), "graceful exit on SIGTERM, got {status}");
        assert!(
            first.contains("Demo data loaded"),
            "first start prints the sign-ins: {first}"
        );
        for role in ["admin", "officer", "employer"] {
            assert!(
                first.lines().any(|l| l.trim_start().starts_with(role)),
                "a {role} sign-in is printed"
            );
        }
        assert!(db.dir.path().join("demo-logins.txt").exists());
        let (second, status) = serve_once(&db, common::free_port());
        assert!(status.success());
        assert!(
            !second.contains("Demo data loaded"),
            "second start does not seed again: {second}"
        );
        let services = db.services(&[]);
        let mut conn = services.store.conn().unwrap();
        assert_eq!(store::profiles::count(&mut conn).unwrap(), 300);
    }
);

on_both_backends!(
    user_create_reads_the_password_from_stdin,
    |backend| async move {
        let db = TestDb::new(backend);
        let services = db.services(&[]);
        fairchance::seed::demo::seed_if_empty(&services, false).unwrap();
        let create = |args: &[&str], password: &str| {
            let mut child = binary()
                .env("FAIRCHANCE_DATA_DIR", db.dir.path())
                .env("FAIRCHANCE_DATABASE_URL", db.env_url())
                .args(["user", "create"])
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(password.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        };
        let ok = create(
            &[
                "--email",
                "New.Officer@Example.org",
                "--role",
                "officer",
                "--service",
                "HMP Northmoor",
            ],
            "a long demo passphrase\n",
        );
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let user = store::people::find_user_by_email(
            &mut services.store.conn().unwrap(),
            "new.officer@example.org",
        )
        .unwrap()
        .expect("created");
        assert_eq!(user.role, "officer");
        assert!(user.password_hash.starts_with("$argon2id$"));
        assert!(fairchance::access::password::verify(
            "a long demo passphrase",
            &user.password_hash
        ));

        let duplicate = create(
            &["--email", "new.officer@example.org", "--role", "admin"],
            "another long passphrase\n",
        );
        assert!(!duplicate.status.success());
        assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
        let weak = create(
            &["--email", "weak@example.org", "--role", "admin"],
            "short\n",
        );
        assert!(String::from_utf8_lossy(&weak.stderr).contains("12 characters"));
        let wrong_scope = create(
            &[
                "--email",
                "x@example.org",
                "--role",
                "officer",
                "--employer",
                "Brightwell Logistics (demo)",
            ],
            "a long demo passphrase\n",
        );
        assert!(String::from_utf8_lossy(&wrong_scope.stderr).contains("--service"));
        let unknown = create(
            &[
                "--email",
                "y@example.org",
                "--role",
                "employer",
                "--employer",
                "Nobody Ltd",
            ],
            "a long demo passphrase\n",
        );
        assert!(String::from_utf8_lossy(&unknown.stderr).contains("no employer is named"));
    }
);

on_both_backends!(
    outbox_jobs_are_claimed_once_and_retried_with_backoff,
    |backend| async move {
        use fairchance::store::jobs::{self, Failure, NewJob};
        let db = TestDb::new(backend);
        let services = db.services(&[]);
        let mut conn = services.store.conn().unwrap();
        let at = store::now();
        let first = jobs::enqueue(
            &mut conn,
            NewJob::new("test", &"a", at).unwrap().key("k1"),
            at,
        )
        .unwrap();
        assert!(first.is_some());
        let duplicate = jobs::enqueue(
            &mut conn,
            NewJob::new("test", &"a", at).unwrap().key("k1"),
            at,
        )
        .unwrap();
        assert!(
            duplicate.is_none(),
            "the idempotency key makes a second enqueue a no-op"
        );
        let claimed = jobs::claim(&mut conn, "w1", 10, at).unwrap();
        assert_eq!(claimed.len(), 1);
        assert!(
            jobs::claim(&mut conn, "w2", 10, at).unwrap().is_empty(),
            "a running job is not claimed twice"
        );
        assert_eq!(
            jobs::fail(
                &mut conn,
                &claimed[0],
                "w1",
                Failure::Transient,
                "timeout",
                at
            )
            .unwrap(),
            "queued"
        );
        assert!(
            jobs::claim(&mut conn, "w2", 10, at).unwrap().is_empty(),
            "backoff delays the retry"
        );
        let later = at + chrono::Duration::hours(2);
        let again = jobs::claim(&mut conn, "w2", 10, later).unwrap();
        assert_eq!(again[0].attempts, 2);
        assert_eq!(
            jobs::fail(
                &mut conn,
                &again[0],
                "w2",
                Failure::Permanent,
                "550 no such user",
                later
            )
            .unwrap(),
            "dead"
        );
        jobs::retry_dead(&mut conn, again[0].id, later).unwrap();
        let third = jobs::claim(&mut conn, "w3", 10, later).unwrap();
        assert!(jobs::complete(&mut conn, third[0].id, "w3", later).unwrap());
        let counts = jobs::counts(&mut conn).unwrap();
        assert_eq!(counts, vec![("done".to_string(), 1)]);
    }
);

on_both_backends!(audit_log_is_append_only, |backend| async move {
    use fairchance::store::audit::{self, Actor, Entry};
    let db = TestDb::new(backend);
    let services = db.services(&[]);
    let mut conn = services.store.conn().unwrap();
    audit::record(
        &mut conn,
        &Actor::system("test"),
        Entry {
            action: "test.event",
            subject_kind: Some("profile"),
            subject_id: Some(1),
            detail: None,
        },
        store::now(),
    )
    .unwrap();
    let rows = audit::search(&mut conn, &audit::Filter::default(), 10, 0).unwrap();
    assert_eq!(rows.len(), 1);
    use fairchance::store::schema::audit_log;
    let update = fairchance::with_conn!(&mut conn, |c| diesel::update(audit_log::table)
        .set(audit_log::action.eq("tampered"))
        .execute(c));
    assert!(update.is_err(), "updates are refused");
    let delete = fairchance::with_conn!(&mut conn, |c| diesel::delete(audit_log::table).execute(c));
    assert!(delete.is_err(), "deletes are refused");
});

/// The production set-up the README shows: migrations run by an owner role,
/// the service by a role that owns no table and was granted only what it
/// needs. Neither may empty the audit log; the service's role may not
/// rewrite it either.
#[test]
fn on_postgres_the_app_role_cannot_update_delete_or_truncate_the_audit_log() {
    use diesel::connection::SimpleConnection;
    use fairchance::config::DatabaseUrl;
    let db = TestDb::new(Backend::Postgres);
    drop(db.services(&[]));
    let DatabaseUrl::Postgres(url) = &db.url else {
        panic!("a PostgreSQL database")
    };
    let mut conn = diesel::PgConnection::establish(url).unwrap();
    let insert = "INSERT INTO audit_log (at, actor_kind, actor_label, action) \
                  VALUES (now(), 'system', 'test', 'test.event')";
    conn.batch_execute(insert).unwrap();
    let owner_truncate = conn.batch_execute("TRUNCATE audit_log");

    let role = format!(
        "fc_app_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    // The grants of the README's production section.
    conn.batch_execute(&format!(
        "CREATE ROLE {role} LOGIN;
         GRANT USAGE ON SCHEMA public TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
         GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
         REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role};
         GRANT UPDATE (detail) ON audit_log TO {role};"
    ))
    .unwrap();
    // The service starts as that role: nothing is pending, so it neither
    // needs nor tries to create anything.
    let mut as_app = url::Url::parse(url).unwrap();
    as_app.set_username(&role).unwrap();
    let app_store = store::Store::open(&DatabaseUrl::Postgres(as_app.to_string()), 1).unwrap();
    let app_migrate = app_store.migrate().map_err(|e| e.to_string());
    let app_current = app_store.migrations_current().map_err(|e| e.to_string());
    drop(app_store);
    conn.batch_execute(&format!("SET ROLE {role}")).unwrap();
    let app_insert = conn.batch_execute(insert);
    let app_update = conn.batch_execute("UPDATE audit_log SET action = 'tampered'");
    let app_detail = conn.batch_execute("UPDATE audit_log SET detail = 'tampered'");
    let app_redaction =
        conn.batch_execute("UPDATE audit_log SET detail = '{\"redacted_by\":\"retention\"}'");
    let app_delete = conn.batch_execute("DELETE FROM audit_log");
    let app_truncate = conn.batch_execute("TRUNCATE audit_log");
    conn.batch_execute(&format!(
        "RESET ROLE; DROP OWNED BY {role}; DROP ROLE {role}"
    ))
    .unwrap();

    assert!(
        owner_truncate
            .unwrap_err()
            .to_string()
            .contains("append-only"),
        "the statement trigger refuses TRUNCATE even to the owner"
    );
    assert_eq!(
        app_migrate,
        Ok(0),
        "the service role starts on a migrated database"
    );
    assert_eq!(app_current, Ok(true));
    assert!(app_insert.is_ok(), "the service can still write audit rows");
    assert!(
        app_redaction.is_ok(),
        "the retention pass can redact a detail: {app_redaction:?}"
    );
    for (what, result) in [
        ("update", app_update),
        ("update of the detail", app_detail),
        ("delete", app_delete),
        ("truncate", app_truncate),
    ] {
        let message = result.expect_err(what).to_string();
        assert!(
            message.contains("permission denied") || message.contains("append-only"),
            "{what}: {message}"
        );
    }
    let count: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM audit_log)",
    ))
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(count, 2, "both rows survive");
}

#[test]
fn the_default_log_shows_the_services_own_lines_and_ends_start_up_with_its_address() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let address = format!("127.0.0.1:{port}");
    let mut child = binary()
        .env_remove("FAIRCHANCE_LOG")
        .env("FAIRCHANCE_DATA_DIR", dir.path())
        .env("FAIRCHANCE_BIND", &address)
        .env("FAIRCHANCE_DEMO", "on")
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_ready(&address, &mut child);
    assert!(terminate(&mut child).success());
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    // Without colour codes, one entry a line.
    let plain: String = {
        let mut out = String::new();
        let mut chars = log.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    let lines: Vec<&str> = plain.lines().filter(|l| !l.trim().is_empty()).collect();
    let listening = lines
        .iter()
        .position(|l| l.contains("listening on http://"))
        .unwrap_or_else(|| panic!("no line says where it listens:\n{plain}"));
    assert!(lines[listening].contains(&address), "{}", lines[listening]);
    for line in &lines[..listening] {
        // Library lines only at warning level or above.
        if line.contains(" INFO ") || line.contains(" DEBUG ") {
            assert!(
                line.contains(" fairchance"),
                "a library's info line: {line}"
            );
        }
        // A first start on the defaults has nothing to warn about.
        assert!(
            !line.contains(" ERROR ") && !line.contains(" WARN "),
            "a clean first start logged: {line}"
        );
    }
    assert!(!plain.contains("tantivy"), "{plain}");
}

/// The pool pings a PostgreSQL connection at checkout only when it may be
/// stale (see `store::pg_pool`). Connections killed by the server are still
/// replaced: at once after an idle spell, and after at most one failed
/// statement when they were in use a moment ago.
#[test]
fn on_postgres_connections_killed_by_the_server_are_replaced() {
    use diesel::connection::SimpleConnection;
    use fairchance::config::DatabaseUrl;
    let db = TestDb::new(Backend::Postgres);
    drop(db.services(&[]));
    let DatabaseUrl::Postgres(url) = &db.url else {
        panic!("a PostgreSQL database")
    };
    let name = url::Url::parse(url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_string();
    let pool = store::Store::open(&db.url, 3).unwrap();
    let select = |pool: &store::Store| {
        let mut conn = pool.conn()?;
        fairchance::with_conn!(&mut conn, |c| c.batch_execute("SELECT 1"))?;
        Ok::<_, store::StoreError>(())
    };
    // Three connections in use at once, then back in the pool.
    let held: Vec<_> = (0..3).map(|_| pool.conn().unwrap()).collect();
    drop(held);
    let kill = || {
        let mut admin = diesel::PgConnection::establish(url).unwrap();
        #[derive(QueryableByName)]
        struct Killed {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let killed: Killed = diesel::sql_query(format!(
            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .get_result(&mut admin)
        .unwrap();
        assert_eq!(killed.n, 3, "the pool's three connections are ended");
        // The server ends the backends asynchronously.
        std::thread::sleep(Duration::from_millis(200));
    };

    // Used a moment ago: one statement may fail; every one after succeeds,
    // on every connection of the pool.
    kill();
    let results: Vec<bool> = (0..9).map(|_| select(&pool).is_ok()).collect();
    let failed = results.iter().filter(|ok| !**ok).count();
    assert!(failed <= 1, "at most one failure: {results:?}");
    assert!(results[1..].iter().all(|ok| *ok), "{results:?}");
    let held: Vec<_> = (0..3).map(|_| pool.conn().unwrap()).collect();
    drop(held);

    // Idle longer than the trust: the checkout's ping finds the dead
    // connections and no statement fails.
    kill();
    std::thread::sleep(store::pg_pool::TRUSTED_FOR);
    let held: Vec<_> = (0..3).map(|_| pool.conn().unwrap()).collect();
    for mut conn in held {
        fairchance::with_conn!(&mut conn, |c| c.batch_execute("SELECT 1")).unwrap();
    }
}

/// Statements are short lookups and writes: a plan costed past
/// `jit_above_cost` (stale statistics after a bulk write) must not be
/// compiled first, on any connection of the pool; and a write
/// transaction's statements must not keep a generic plan made while their
/// table was nearly empty, while reads keep the server's default (forcing
/// a plan per statement on reads cost every request its planning).
#[test]
fn on_postgres_every_connection_runs_without_jit_and_writes_plan_each_statement() {
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = Text)]
        jit: String,
        #[diesel(sql_type = Text)]
        plans: String,
    }
    fn settings(c: &mut diesel::PgConnection) -> Setting {
        diesel::sql_query(
            "SELECT current_setting('jit') AS jit, current_setting('plan_cache_mode') AS plans",
        )
        .get_result(c)
        .unwrap()
    }
    let db = TestDb::new(Backend::Postgres);
    drop(db.services(&[]));
    let pool = store::Store::open(&db.url, 3).unwrap();
    let held: Vec<_> = (0..3).map(|_| pool.conn().unwrap()).collect();
    for mut conn in held {
        let store::Conn::Postgres(pg) = &mut conn else {
            panic!("a PostgreSQL connection");
        };
        let outside = settings(pg);
        assert_eq!(outside.jit, "off");
        assert_eq!(outside.plans, "auto", "reads keep the default");
        let inside = conn
            .write(|tx| {
                let store::Tx::Postgres(c) = store::AsTx::tx(tx) else {
                    panic!("a PostgreSQL transaction");
                };
                Ok::<_, diesel::result::Error>(settings(c))
            })
            .unwrap();
        assert_eq!(inside.jit, "off");
        assert_eq!(inside.plans, "force_custom_plan", "in a write transaction");
        let store::Conn::Postgres(pg) = &mut conn else {
            unreachable!()
        };
        assert_eq!(settings(pg).plans, "auto", "only for the transaction");
    }
}
