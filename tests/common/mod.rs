//! Test support: a fresh database per test on either backend, and the real
//! application started on a free port.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::OnceLock;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use fairchance::config::{Config, DatabaseUrl};
use fairchance::startup::{self, Services};
use fairchance::web;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Defines `mod $name { sqlite, postgres }`, one test per backend, both
/// calling `$body(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)($crate::common::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)($crate::common::Backend::Postgres).await
            }
        }
    };
}

/// The server PostgreSQL tests create their databases on.
///
/// Without an `sslmode` of its own the tests' URL gets `sslmode=disable`:
/// the server is on loopback, and a connection over TLS lets libpq's
/// OpenSSL be torn down by the process's exit handlers while an app's
/// worker thread from a finished test is still closing its pool (a test
/// binary that passed every test then died with SIGSEGV on exit).
pub fn postgres_admin_url() -> String {
    let url = std::env::var("FAIRCHANCE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
    let mut parsed = url::Url::parse(&url).expect("FAIRCHANCE_TEST_POSTGRES_URL is a URL");
    if !parsed.query_pairs().any(|(k, _)| k == "sslmode") {
        parsed.query_pairs_mut().append_pair("sslmode", "disable");
    }
    parsed.to_string()
}

fn with_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("FAIRCHANCE_TEST_POSTGRES_URL is a URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}_{}_{}", std::process::id(), n, nanos)
}

/// A migrated template database, built once per test process, so each test
/// gets its own database by a fast copy rather than by running migrations.
fn postgres_template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let admin_url = postgres_admin_url();
        let name = format!("fc_tpl_{}", unique_suffix());
        let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
            panic!("PostgreSQL tests need a server at {admin_url} (set FAIRCHANCE_TEST_POSTGRES_URL): {e}")
        });
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create template database");
        let store = fairchance::store::Store::open(&DatabaseUrl::Postgres(with_database(&admin_url, &name)), 1)
            .expect("open template database");
        store.migrate().expect("migrate template database");
        let taxonomy = startup::load_taxonomy().expect("taxonomy");
        let mut conn = store.conn().expect("conn");
        fairchance::store::reference::sync_taxonomy(&mut conn, &taxonomy).expect("sync taxonomy");
        drop(conn);
        drop(store);
        name
    })
}

/// A database of its own for one test, removed when dropped.
pub struct TestDb {
    pub url: DatabaseUrl,
    pub dir: tempfile::TempDir,
    postgres_name: Option<String>,
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => Self {
                url: DatabaseUrl::Sqlite(dir.path().join("test.sqlite3")),
                dir,
                postgres_name: None,
            },
            Backend::Postgres => {
                let template = postgres_template();
                let name = format!("fc_test_{}", unique_suffix());
                let admin_url = postgres_admin_url();
                let mut admin = PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .expect("copy the template database");
                Self {
                    url: DatabaseUrl::Postgres(with_database(&admin_url, &name)),
                    dir,
                    postgres_name: Some(name),
                }
            }
        }
    }

    /// Settings for an app on this database with its data in the temp dir.
    pub fn config(&self, extra: &[(&str, &str)]) -> Config {
        let mut vars: HashMap<String, String> = HashMap::new();
        vars.insert(
            "FAIRCHANCE_DATA_DIR".into(),
            self.dir.path().display().to_string(),
        );
        let url = match &self.url {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => url.clone(),
        };
        vars.insert("FAIRCHANCE_DATABASE_URL".into(), url);
        vars.insert("FAIRCHANCE_DB_POOL_SIZE".into(), "4".into());
        for (k, v) in extra {
            vars.insert((*k).into(), (*v).into());
        }
        Config::from_vars(&vars).expect("test config")
    }

    pub fn env_url(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => url.clone(),
        }
    }

    pub fn services(&self, extra: &[(&str, &str)]) -> Services {
        startup::open(self.config(extra)).expect("start-up")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.postgres_name {
            if let Ok(mut admin) = PgConnection::establish(&postgres_admin_url()) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// The real application on a free loopback port.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub services: Services,
    pub matcher: fairchance::matches::Matcher,
    /// What `/readyz` says of the search index (tests may change it).
    pub index_status: fairchance::startup::IndexStatus,
    pub db: TestDb,
    server: actix_web::dev::ServerHandle,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, &[]).await
    }

    pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> Self {
        let db = TestDb::new(backend);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        // Links and the Origin check use the address the app really has.
        let base = format!("http://127.0.0.1:{port}");
        let mut settings: Vec<(&str, &str)> = vec![("FAIRCHANCE_BASE_URL", base.as_str())];
        settings.extend(
            extra
                .iter()
                .copied()
                .filter(|(k, _)| *k != "FAIRCHANCE_BASE_URL"),
        );
        if let Some(explicit) = extra.iter().find(|(k, _)| *k == "FAIRCHANCE_BASE_URL") {
            settings[0] = *explicit;
        }
        let services = db.services(&settings);
        let matcher = fairchance::startup::open_matcher(&services)
            .await
            .expect("search index");
        let index_status = fairchance::startup::IndexStatus::default();
        let state = web::AppState::new(services.clone(), matcher.clone())
            .with_index_status(index_status.clone());
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new().configure(web::configure(state.clone()))
        })
        .workers(2)
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            address: format!("http://127.0.0.1:{port}"),
            client,
            services,
            matcher,
            index_status,
            db,
            server: handle,
        }
    }

    /// A fresh session for a staff user, as the app would set it: the
    /// signed cookie header value and the session's CSRF token.
    pub fn staff_session(&self, user_id: i64) -> (String, String) {
        staff_session_on(
            &self.services.store,
            &self.services.config.secret_key,
            user_id,
        )
    }

    /// A fresh staff session (as [`Self::staff_session`]) that has already
    /// said why it opens the restricted sections of `profile_id` (a risk
    /// check), so the restricted pages show the data at once.
    pub fn staff_session_with_purpose(&self, user_id: i64, profile_id: i64) -> (String, String) {
        let (cookie, csrf) = self.staff_session(user_id);
        self.remember_purpose(&csrf, profile_id);
        (cookie, csrf)
    }

    /// Gives the session whose CSRF token is `csrf` a purpose (a risk
    /// check) for the restricted sections of `profile_id`.
    pub fn remember_purpose(&self, csrf: &str, profile_id: i64) {
        remember_purpose_on(&self.services.store, csrf, profile_id);
    }

    /// A fresh staff session for a request to `path`: one that gave a
    /// purpose when `path` is a person's restricted page.
    pub fn staff_session_for(&self, user_id: i64, path: &str) -> (String, String) {
        match restricted_page_of(path) {
            Some(profile_id) => self.staff_session_with_purpose(user_id, profile_id),
            None => self.staff_session(user_id),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// Posts a multipart form as `user` (with the session's CSRF token in
    /// the address unless `csrf` is false); the status and the body. A
    /// field named `file` is sent as a CSV file.
    pub async fn post_multipart(
        &self,
        user: i64,
        path: &str,
        fields: &[(&str, &[u8])],
        csrf: bool,
    ) -> (u16, String) {
        let (cookie, token) = self.staff_session(user);
        let boundary = "----fairchance-test-boundary";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let filename = if *name == "file" {
                "; filename=\"people.csv\"\r\nContent-Type: text/csv"
            } else {
                ""
            };
            body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"{filename}\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let address = if csrf {
            format!("{path}?csrf_token={token}")
        } else {
            path.to_string()
        };
        let res = self
            .client
            .post(self.url(&address))
            .header("cookie", cookie)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("request");
        (res.status().as_u16(), res.text().await.expect("body"))
    }

    pub async fn stop(self) {
        self.server.stop(true).await;
    }
}

impl Drop for TestApp {
    /// A test that ends without [`TestApp::stop`] still stops the server's
    /// worker threads, so they do not outlive the test holding its pool.
    fn drop(&mut self) {
        // The command is sent at once; the returned future only waits for it.
        drop(self.server.stop(false));
    }
}

/// The id of the session whose CSRF token is `csrf` (each is random).
fn session_of_csrf(conn: &mut fairchance::store::Conn, csrf: &str) -> i64 {
    use diesel::prelude::*;
    use fairchance::store::schema::sessions;
    fairchance::with_conn!(conn, |c| sessions::table
        .filter(sessions::csrf_token.eq(csrf))
        .select(sessions::id)
        .first::<i64>(c)
        .expect("session"))
}

/// The person whose restricted page (`/officer/profiles/{id}/restricted`,
/// its editor or its save) `path` is, if it is one.
pub fn restricted_page_of(path: &str) -> Option<i64> {
    let rest = path.strip_prefix("/officer/profiles/")?;
    let (id, tail) = rest.split_once('/')?;
    let tail = tail.split('?').next().unwrap_or("");
    matches!(tail, "restricted" | "restricted/edit")
        .then(|| id.parse().ok())
        .flatten()
}

/// A fresh session for a staff user on `store`, signed with `key` as any
/// process of the service with that key signs it: the cookie header value
/// and the session's CSRF token.
pub fn staff_session_on(
    store: &fairchance::store::Store,
    key: &[u8],
    user_id: i64,
) -> (String, String) {
    use fairchance::store::access::{create_session, NewSession};
    let mut conn = store.conn().expect("conn");
    let secret = fairchance::access::token::new_secret();
    let at = fairchance::store::now();
    let csrf = create_session(
        &mut conn,
        &NewSession {
            token: &secret,
            user_id: Some(user_id),
            seeker_id: None,
            terminal_id: None,
            expires_at: at + chrono::Duration::hours(1),
            ip: None,
            user_agent: None,
        },
        at,
    )
    .expect("session");
    let cookie = format!(
        "{}={}",
        fairchance::web::auth::SESSION_COOKIE,
        fairchance::web::auth::sign(key, &secret)
    );
    (cookie, csrf)
}

/// Gives the session whose CSRF token is `csrf` a purpose (a risk check)
/// for the restricted sections of `profile_id`.
pub fn remember_purpose_on(store: &fairchance::store::Store, csrf: &str, profile_id: i64) {
    let mut conn = store.conn().expect("conn");
    let session_id = session_of_csrf(&mut conn, csrf);
    let purpose =
        fairchance::domain::access_purpose::Purpose::parse("risk_check", "").expect("purpose");
    let at = fairchance::store::now();
    conn.write(|tx| {
        fairchance::store::purposes::remember(tx, session_id, profile_id, &purpose, at)
    })
    .expect("purpose remembered");
}

/// The `fairchance` binary, set up to run commands on `db`.
pub fn command_line(db: &TestDb) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_fairchance"));
    command
        .env("FAIRCHANCE_DATABASE_URL", db.env_url())
        .env("FAIRCHANCE_DATA_DIR", db.dir.path())
        .env("FAIRCHANCE_LOG", "warn")
        .stdin(std::process::Stdio::null());
    command
}

/// Runs `fairchance import profiles FILE --service SERVICE` with `extra`
/// arguments on `db`.
pub fn import_profiles(
    db: &TestDb,
    file: &std::path::Path,
    service: &str,
    extra: &[&str],
) -> std::process::Output {
    let file = file.to_str().expect("a UTF-8 path");
    let mut args = vec!["import", "profiles", file, "--service", service];
    args.extend_from_slice(extra);
    command_line(db)
        .args(&args)
        .output()
        .expect("run fairchance")
}

/// A free TCP port on loopback (for servers started as separate processes).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A prison service near Leeds, by name.
pub fn service(conn: &mut fairchance::store::Conn, name: &str) -> i64 {
    use fairchance::store::people::{create_service, NewService, ServiceKind};
    create_service(
        conn,
        &NewService {
            name,
            kind: ServiceKind::Prison,
            place_name: "Leeds",
            lat: 53.8,
            lon: -1.5,
        },
    )
    .expect("service")
}

/// An approved employer, by name (its contact made up from it).
pub fn approved_employer(conn: &mut fairchance::store::Conn, name: &str) -> i64 {
    use fairchance::store::people::{create_employer, EmployerStatus, NewEmployer};
    create_employer(
        conn,
        &NewEmployer {
            name,
            sector_slug: "warehousing",
            contact_name: "Contact",
            contact_email: "contact@example.org",
            contact_phone: None,
            address: "Somewhere",
            website: None,
            status: EmployerStatus::Approved,
            decided_by: None,
        },
    )
    .expect("employer")
}

/// The password of every account [`staff_user`] makes.
pub const STAFF_PASSWORD: &str = "correct horse battery staple";

/// A staff account with [`STAFF_PASSWORD`], named by its email address.
pub fn staff_user(
    conn: &mut fairchance::store::Conn,
    email: &str,
    membership: fairchance::store::people::Membership,
) -> i64 {
    static HASH: OnceLock<String> = OnceLock::new();
    let hash =
        HASH.get_or_init(|| fairchance::access::password::hash(STAFF_PASSWORD).expect("hash"));
    fairchance::store::people::create_user(
        conn,
        &fairchance::store::people::NewUser {
            email,
            display_name: email,
            password_hash: hash,
            membership,
        },
    )
    .expect("user")
}

/// A real Meilisearch for a test that needs one: `MEILISEARCH_URL` (the
/// test panics without it, so a run that asks for it never passes by
/// skipping) and `MEILISEARCH_API_KEY` when set, with index names under a
/// prefix of the test's own, since the server is shared.
pub struct RealMeilisearch {
    pub url: String,
    pub key: Option<String>,
    pub prefix: String,
}

impl RealMeilisearch {
    /// From the environment, with the prefix `fc_<tag>_<pid>_`.
    pub fn from_env(tag: &str) -> Self {
        let Ok(url) = std::env::var("MEILISEARCH_URL") else {
            panic!("MEILISEARCH_URL is not set: this test needs a Meilisearch server");
        };
        let key = std::env::var("MEILISEARCH_API_KEY")
            .ok()
            .filter(|k| !k.is_empty());
        Self {
            url,
            key,
            prefix: format!("fc_{tag}_{}_", std::process::id()),
        }
    }

    /// The settings that point the service at it.
    pub fn settings(&self) -> Vec<(&str, &str)> {
        let mut settings = vec![
            ("FAIRCHANCE_SEARCH", "meilisearch"),
            ("MEILISEARCH_URL", self.url.as_str()),
            ("FAIRCHANCE_SEARCH_PREFIX", self.prefix.as_str()),
        ];
        if let Some(key) = &self.key {
            settings.push(("MEILISEARCH_API_KEY", key.as_str()));
        }
        settings
    }

    pub fn client(&self) -> meilisearch_sdk::client::Client {
        meilisearch_sdk::client::Client::new(&self.url, self.key.as_deref()).expect("client")
    }

    /// Deletes the test's two live indexes (the server stays shared).
    pub async fn delete_indexes(&self) {
        let client = self.client();
        for kind in fairchance::search::IndexKind::ALL {
            let _ = client
                .delete_index(format!("{}{}", self.prefix, kind.base_name()))
                .await;
        }
    }
}
