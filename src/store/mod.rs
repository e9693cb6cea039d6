//! Storage over SQLite and PostgreSQL from one code path.
//!
//! Each query is written once inside [`with_conn!`]; the macro compiles it
//! for both backends, so the same statement runs on the embedded default and
//! in production. This keeps every diesel feature available (RETURNING, ON
//! CONFLICT, row locks on PostgreSQL) where `MultiConnection` would limit us
//! to the features both share.
//!
//! The transaction boundary is a type: only a pooled [`Conn`] can begin a
//! write transaction ([`Conn::write`]), and the [`InTx`] handle its work gets
//! cannot begin another, so a nested transaction does not compile. Readers
//! take `&mut impl AsTx` and run on either.

pub mod schema;

/// Inserts `$rows` (a slice or Vec of `Insertable` rows) into `$table` in
/// statements of [`CHILD_ROWS_PER_INSERT`] rows; `?` returns a diesel error.
macro_rules! insert_chunks {
    ($c:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks($crate::store::CHILD_ROWS_PER_INSERT) {
            diesel::insert_into($table).values(chunk).execute($c)?;
        }
    };
}

pub mod access;
pub mod applications;
pub mod audit;
pub mod candidates;
pub mod caseload;
pub mod cvs;
pub mod disclosure;
pub mod employer_accounts;
pub mod export;
pub mod history;
pub mod integrations;
pub mod jobs;
pub mod limits;
pub mod matches;
pub mod meta;
pub mod notifications;
pub mod outcomes;
pub mod people;
pub mod pg_pool;
pub mod profiles;
pub mod purposes;
pub mod reference;
pub mod reports;
pub mod retention;
pub mod seekers;
pub mod slots;
pub mod vacancies;
pub mod watches;
mod write_gate;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseUrl;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(diesel::result::Error),
    #[error("no database connection available: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("background task failed: {0}")]
    Task(String),
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        // A lost connection makes the pool ping every connection once.
        pg_pool::note_error(&e);
        Self::Database(e)
    }
}

impl StoreError {
    /// Turns a unique-constraint violation into a conflict the caller can
    /// explain, and "no rows" into NotFound.
    pub fn from_write(e: diesel::result::Error, what: &str) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::Conflict(what.to_string())
            }
            Error::NotFound => Self::NotFound,
            other => Self::from(other),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Rows in one multi-row INSERT: well under both backends' limits on bound
/// parameters (SQLite 32,766; PostgreSQL 65,535) for the widest child table.
pub const CHILD_ROWS_PER_INSERT: usize = 1_000;

type SqlitePool = Pool<ConnectionManager<SqliteConnection>>;
type PgPool = Pool<pg_pool::PgManager>;

/// A checked-out connection to whichever backend is configured.
pub enum Conn {
    Sqlite(SqliteConn),
    Postgres(PgConn),
}

/// A pooled PostgreSQL connection (see [`pg_pool`]); it reads and writes as
/// a plain `PgConnection`.
pub struct PgConn(PooledConnection<pg_pool::PgManager>);

impl std::ops::Deref for PgConn {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.0
    }
}

impl std::ops::DerefMut for PgConn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.0
    }
}

/// A pooled SQLite connection with its database's write gate (see
/// [`write_gate`]); it reads and writes as a plain `SqliteConnection`.
pub struct SqliteConn {
    conn: PooledConnection<ConnectionManager<SqliteConnection>>,
    gate: std::sync::Arc<write_gate::WriteGate>,
}

impl std::ops::Deref for SqliteConn {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for SqliteConn {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }
}

/// A connection borrowed for one piece of work: from the pool, or the
/// backend's own connection inside a transaction. Store functions take
/// `&mut impl AsTx`, so they run the same way inside or outside one.
pub enum Tx<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

pub trait AsTx {
    fn tx(&mut self) -> Tx<'_>;
}

impl AsTx for Conn {
    fn tx(&mut self) -> Tx<'_> {
        match self {
            Conn::Sqlite(pooled) => Tx::Sqlite(&mut pooled.conn),
            Conn::Postgres(pooled) => Tx::Postgres(pooled),
        }
    }
}

/// A connection inside a write transaction. It reads and writes like any
/// other connection but has no way to begin another transaction, so a
/// nested transaction does not compile. Functions whose statements must
/// commit together take `&mut InTx`; only [`Conn::write`] makes one.
pub struct InTx<'a>(Tx<'a>);

impl AsTx for InTx<'_> {
    fn tx(&mut self) -> Tx<'_> {
        match &mut self.0 {
            Tx::Sqlite(c) => Tx::Sqlite(c),
            Tx::Postgres(c) => Tx::Postgres(c),
        }
    }
}

impl Conn {
    /// Runs `work` in one write transaction: `BEGIN IMMEDIATE` on SQLite (so
    /// two writers queue on the busy timeout instead of failing on lock
    /// upgrade) and an ordinary transaction on PostgreSQL. An `Err` from
    /// `work` rolls everything back. Only a pooled connection can begin a
    /// transaction; the handle `work` gets cannot begin another.
    pub fn write<T, E>(&mut self, work: impl FnOnce(&mut InTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        match self {
            Conn::Sqlite(pooled) => {
                // This process's writers take turns at the gate first, so
                // SQLite's busy timeout (a poll that sleeps up to 100 ms at
                // a time) is left to writers in other processes.
                let _turn = pooled.gate.enter();
                let raw: &mut SqliteConnection = &mut pooled.conn;
                raw.immediate_transaction(|c| work(&mut InTx(Tx::Sqlite(c))))
            }
            Conn::Postgres(pooled) => pooled
                .0
                .write_transaction(|c| work(&mut InTx(Tx::Postgres(c)))),
        }
    }

    /// Runs `statement`, a write of one SQL statement (atomic by itself),
    /// as [`Conn::write`] would, with fewer round trips: on PostgreSQL it is
    /// sent alone, without `BEGIN` and `COMMIT`; on SQLite it takes its turn
    /// at the write gate and runs in `BEGIN IMMEDIATE` as any write does.
    /// For a single insert on a busy path (an audit row on every officer
    /// page view); anything of two statements or more belongs in `write`.
    pub fn write_statement<T, E>(
        &mut self,
        statement: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        match self {
            Conn::Sqlite(_) => self.write(|tx| statement(&mut tx.tx())),
            Conn::Postgres(pooled) => statement(&mut Tx::Postgres(pooled)),
        }
    }
}

impl AsTx for Tx<'_> {
    fn tx(&mut self) -> Tx<'_> {
        match self {
            Tx::Sqlite(c) => Tx::Sqlite(c),
            Tx::Postgres(c) => Tx::Postgres(c),
        }
    }
}

impl AsTx for SqliteConnection {
    fn tx(&mut self) -> Tx<'_> {
        Tx::Sqlite(self)
    }
}

impl AsTx for PgConnection {
    fn tx(&mut self) -> Tx<'_> {
        Tx::Postgres(self)
    }
}

/// Runs `$body` with `$c` bound to the backend's own connection type. The
/// body is compiled once per backend.
#[macro_export]
macro_rules! with_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $crate::store::AsTx::tx($conn) {
            $crate::store::Tx::Sqlite($c) => $body,
            $crate::store::Tx::Postgres($c) => $body,
        }
    };
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        // The busy timeout comes first: the pool opens several connections at
        // once, and switching to WAL needs a moment's exclusive lock. WAL lets
        // readers run beside the single writer; the timeout makes writers
        // wait their turn rather than fail.
        conn.batch_execute(
            "PRAGMA busy_timeout = 15000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA foreign_keys = ON;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// The connection pool; cheap to clone.
#[derive(Clone)]
pub enum Store {
    Sqlite(SqlitePool, std::sync::Arc<write_gate::WriteGate>),
    Postgres(PgPool),
}

/// Why the database could not be opened, in one line for the operator.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open the SQLite database at {path}: {reason}")]
    Sqlite { path: String, reason: String },
    #[error("cannot reach PostgreSQL at {target}: {reason}")]
    Postgres { target: String, reason: String },
    #[error("cannot create the PostgreSQL database {name}: {reason}")]
    CreateDatabase { name: String, reason: String },
}

fn one_line(text: impl std::fmt::Display) -> String {
    text.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The URL with any password removed, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "(unparseable URL)".into(),
    }
}

impl Store {
    /// Opens a pool. A PostgreSQL database that does not exist yet is created
    /// through the server's `postgres` maintenance database.
    pub fn open(url: &DatabaseUrl, pool_size: u32) -> Result<Self, OpenError> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|e| OpenError::Sqlite {
                        path: path.display().to_string(),
                        reason: one_line(e),
                    })?;
                }
                // Switch a new database file to WAL once, on one connection,
                // before the pool opens several at the same time: the switch
                // needs a moment's exclusive lock, and connections racing for
                // it would log "database is locked" on the first start.
                {
                    let mut first = SqliteConnection::establish(&path.display().to_string())
                        .map_err(|e| OpenError::Sqlite {
                            path: path.display().to_string(),
                            reason: one_line(e),
                        })?;
                    first
                        .batch_execute("PRAGMA busy_timeout = 15000; PRAGMA journal_mode = WAL;")
                        .map_err(|e| OpenError::Sqlite {
                            path: path.display().to_string(),
                            reason: one_line(e),
                        })?;
                }
                let manager =
                    ConnectionManager::<SqliteConnection>::new(path.display().to_string());
                // No `SELECT 1` on every checkout: a file connection has no
                // socket to lose, and a failed statement reports itself.
                let pool = Pool::builder()
                    .max_size(pool_size)
                    .test_on_check_out(false)
                    .connection_timeout(Duration::from_secs(30))
                    .connection_customizer(Box::new(SqlitePragmas))
                    .build(manager)
                    .map_err(|e| OpenError::Sqlite {
                        path: path.display().to_string(),
                        reason: one_line(e),
                    })?;
                Ok(Self::Sqlite(pool, Default::default()))
            }
            DatabaseUrl::Postgres(url) => {
                create_postgres_database_if_missing(url)?;
                let manager = pg_pool::PgManager::new(url.clone());
                let pool = Pool::builder()
                    .max_size(pool_size)
                    .connection_timeout(Duration::from_secs(10))
                    .build(manager)
                    .map_err(|e| OpenError::Postgres {
                        target: redact(url),
                        reason: one_line(e),
                    })?;
                Ok(Self::Postgres(pool))
            }
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(..) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    pub fn conn(&self) -> StoreResult<Conn> {
        Ok(match self {
            Self::Sqlite(pool, gate) => Conn::Sqlite(SqliteConn {
                conn: pool.get()?,
                gate: gate.clone(),
            }),
            Self::Postgres(pool) => Conn::Postgres(PgConn(pool.get()?)),
        })
    }

    /// Runs blocking database work off the async executor.
    pub async fn run<T, F>(&self, work: F) -> StoreResult<T>
    where
        F: FnOnce(&mut Conn) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = store.conn()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Whether every embedded migration is recorded as applied, read without
    /// the migration harness (which first runs `CREATE TABLE IF NOT EXISTS`
    /// and so needs the CREATE privilege a production service role lacks).
    /// None when the record cannot be read (a new database).
    fn all_applied(conn: &mut Conn) -> Option<bool> {
        #[derive(QueryableByName)]
        struct Applied {
            #[diesel(sql_type = diesel::sql_types::Text)]
            version: String,
        }
        const SQL: &str = "SELECT version FROM __diesel_schema_migrations";
        let (applied, embedded) = match conn {
            Conn::Sqlite(c) => (
                diesel::sql_query(SQL).load::<Applied>(&mut **c).ok()?,
                embedded_versions::<diesel::sqlite::Sqlite>(&SQLITE_MIGRATIONS)?,
            ),
            Conn::Postgres(c) => (
                diesel::sql_query(SQL).load::<Applied>(&mut **c).ok()?,
                embedded_versions::<diesel::pg::Pg>(&POSTGRES_MIGRATIONS)?,
            ),
        };
        Some(
            embedded
                .iter()
                .all(|v| applied.iter().any(|a| &a.version == v)),
        )
    }

    /// Applies every pending migration; returns how many ran.
    pub fn migrate(&self) -> StoreResult<usize> {
        let mut conn = self.conn()?;
        if Self::all_applied(&mut conn) == Some(true) {
            return Ok(0);
        }
        let applied = match &mut conn {
            Conn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            Conn::Postgres(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
        };
        applied.map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// True when the database answers and no migration is pending.
    pub fn migrations_current(&self) -> StoreResult<bool> {
        let mut conn = self.conn()?;
        if let Some(current) = Self::all_applied(&mut conn) {
            return Ok(current);
        }
        let pending = match &mut conn {
            Conn::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
            Conn::Postgres(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        };
        pending
            .map(|p| !p)
            .map_err(|e| StoreError::Migration(e.to_string()))
    }
}

/// The versions of the migrations built into the binary.
fn embedded_versions<DB: diesel::backend::Backend>(
    source: &EmbeddedMigrations,
) -> Option<Vec<String>> {
    use diesel::migration::MigrationSource;
    MigrationSource::<DB>::migrations(source)
        .ok()
        .map(|all| all.iter().map(|m| m.name().version().to_string()).collect())
}

fn create_postgres_database_if_missing(url: &str) -> Result<(), OpenError> {
    let target = redact(url);
    let error = match PgConnection::establish(url) {
        Ok(_) => return Ok(()),
        Err(e) => e,
    };
    let message = one_line(&error);
    if !message.contains("does not exist") || !message.contains("database") {
        return Err(OpenError::Postgres {
            target,
            reason: message,
        });
    }
    let mut parsed = url::Url::parse(url).map_err(|e| OpenError::Postgres {
        target: target.clone(),
        reason: one_line(e),
    })?;
    let name = parsed.path().trim_start_matches('/').to_string();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(OpenError::CreateDatabase {
            name,
            reason: "only letters, digits, '-' and '_' are accepted in a database name this service creates".into(),
        });
    }
    parsed.set_path("/postgres");
    let mut admin =
        PgConnection::establish(parsed.as_str()).map_err(|e| OpenError::CreateDatabase {
            name: name.clone(),
            reason: one_line(e),
        })?;
    match admin.batch_execute(&format!("CREATE DATABASE \"{name}\"")) {
        Ok(()) => {
            tracing::info!(database = %name, "created the PostgreSQL database");
            Ok(())
        }
        // Another instance created it first.
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("already exists") =>
        {
            Ok(())
        }
        Err(e) => Err(OpenError::CreateDatabase {
            name,
            reason: one_line(e),
        }),
    }
}

/// Ok when a statement touched exactly one row, else [`StoreError::NotFound`]
/// (the row is missing, or not in the state the statement required).
pub(crate) fn one_row(n: usize) -> StoreResult<()> {
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// The change-feed stamp of a profile or vacancy row (`change_seq`, set by
/// database triggers on every insert and update; see
/// [`meta::change_watermark`]). Not in `schema.rs`: the profiles table
/// would pass diesel's 32 columns. For queries on one table only.
pub(crate) fn change_seq() -> diesel::expression::SqlLiteral<diesel::sql_types::BigInt> {
    diesel::dsl::sql::<diesel::sql_types::BigInt>("change_seq")
}

/// The current time as stored: UTC, microsecond precision on both backends.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Weekday names ("mon".."sun") to the stored bitmask, bit 0 = Monday.
pub fn days_from_names(names: &[String]) -> StoreResult<i32> {
    names.iter().try_fold(0i32, |bits, name| {
        let lower = name.trim().to_ascii_lowercase();
        DAY_NAMES
            .iter()
            .position(|d| lower.starts_with(d))
            .map(|i| bits | (1 << i))
            .ok_or_else(|| StoreError::Corrupt(format!("day {name:?}")))
    })
}

/// The stored bitmask back to weekday names, Monday first.
pub fn days_to_names(bits: i32) -> Vec<String> {
    DAY_NAMES
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, d)| d.to_string())
        .collect()
}
