//! PostgreSQL connections for the pool, checked with a round trip only when
//! one might be stale.
//!
//! diesel's r2d2 manager sends `SELECT 1` at every checkout, and its
//! broken-connection check looks only at the transaction state, so a
//! socket lost to a server restart is found by that ping. On a busy server
//! the ping is a round trip on every checkout of a connection that was in
//! use a moment ago: on the terminal's Find jobs page, four of about ten.
//!
//! Here a connection is pinged at checkout only when it may have gone stale:
//! - it was last returned more than [`TRUSTED_FOR`] ago (an idle pool after
//!   a quiet night, or a server restart, which takes longer than that), or
//! - any statement in this process has failed with a lost connection since
//!   the connection was last known good ([`note_error`] counts those, and
//!   `StoreError` calls it for every database error it carries). Then every
//!   connection is pinged once at its next checkout and the dead ones are
//!   replaced, so one lost connection does not fail request after request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, ManageConnection};
use diesel::result::{DatabaseErrorKind, Error};

/// How long after its return a connection is trusted without a ping.
pub const TRUSTED_FOR: Duration = Duration::from_secs(2);

/// Statements that failed because their connection was lost, in this
/// process. Only ever grows.
static LOST: AtomicU64 = AtomicU64::new(0);

/// Counts a statement's error when it says its connection is gone.
pub fn note_error(e: &Error) {
    if is_lost_connection(e) {
        LOST.fetch_add(1, Ordering::Relaxed);
    }
}

fn is_lost_connection(e: &Error) -> bool {
    matches!(
        e,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        ) | Error::BrokenTransactionManager
    )
}

fn lost_so_far() -> u64 {
    LOST.load(Ordering::Relaxed)
}

/// The pool's manager: diesel's, with the checkout ping skipped for a
/// connection that is known good (see the module's notes).
#[derive(Debug)]
pub struct PgManager {
    inner: ConnectionManager<PgConnection>,
}

impl PgManager {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            inner: ConnectionManager::new(url),
        }
    }
}

/// A pooled PostgreSQL connection with when it was last known good.
pub struct PgPooled {
    conn: PgConnection,
    known: KnownGood,
    /// Whether the server knows `plan_cache_mode` (PostgreSQL 12 and
    /// later), so a write transaction may set it ([`PgPooled::write_transaction`]).
    plans_settable: bool,
}

impl PgPooled {
    /// Runs `work` in a transaction whose statements are each planned for
    /// their own values (`SET LOCAL plan_cache_mode = force_custom_plan`,
    /// ending with the transaction), for [`super::Conn::write`]. A write's
    /// lookups run on tables it and the writes before it are growing,
    /// where a cached statement's generic plan, made while a table was
    /// nearly empty (the first runs of an import), stayed a sequential
    /// scan as the table grew to millions of rows (the import's lookup of
    /// each person's stored matches fell to 5 people a second). Reads keep
    /// the server's default: forcing it on every connection cost every
    /// request its planning, a third of the PostgreSQL throughput of the
    /// HTTP benchmark's pages.
    pub fn write_transaction<T, E>(
        &mut self,
        work: impl FnOnce(&mut PgConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<Error>,
    {
        let plans_settable = self.plans_settable;
        diesel::Connection::transaction(&mut self.conn, |c| {
            if plans_settable {
                diesel::connection::SimpleConnection::batch_execute(
                    c,
                    "SET LOCAL plan_cache_mode = force_custom_plan",
                )?;
            }
            work(c)
        })
    }
}

/// When a connection was last known good.
#[derive(Clone, Copy, Debug)]
struct KnownGood {
    /// When it was last returned to the pool; None before its first use.
    returned_at: Option<Instant>,
    /// [`LOST`] when it was last known good: a later failure anywhere makes
    /// it worth a ping.
    lost_seen: u64,
}

impl KnownGood {
    fn new(lost_seen: u64) -> Self {
        Self {
            returned_at: None,
            lost_seen,
        }
    }

    fn trusted(&self, now: Instant, lost: u64) -> bool {
        self.lost_seen == lost
            && self
                .returned_at
                .is_some_and(|at| now.saturating_duration_since(at) < TRUSTED_FOR)
    }
}

impl std::ops::Deref for PgPooled {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for PgPooled {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.conn
    }
}

impl ManageConnection for PgManager {
    type Connection = PgPooled;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PgPooled, Self::Error> {
        // Read before connecting: a failure noted while connecting is then
        // newer than this connection and costs it one ping.
        let lost_seen = lost_so_far();
        let mut conn = self.inner.connect()?;
        // No JIT compilation: every statement here is a short lookup or
        // write, and the planner's cost of a lookup on a table whose
        // statistics are stale (millions of matches stored since the last
        // ANALYZE, or a server with autovacuum off) passes `jit_above_cost`,
        // so each statement was compiled first: about 0.4 s of CPU a
        // statement, seen storing an import's matches at 12 people a
        // second.
        //
        // The planning of write transactions is set in each of them
        // (`PgPooled::write_transaction`); asking for the server's own
        // default here finds whether it knows the setting at all.
        //
        // A server without these settings (before PostgreSQL 12) refuses
        // them; each is set on its own, so one refusal keeps the other.
        let mut set = |setting: &str| {
            diesel::connection::SimpleConnection::batch_execute(&mut conn, setting)
                .map_err(|refused| {
                    tracing::debug!(%refused, setting, "PostgreSQL refused a setting");
                })
                .is_ok()
        };
        set("SET jit = off");
        let plans_settable = set("SET plan_cache_mode = auto");
        Ok(PgPooled {
            conn,
            known: KnownGood::new(lost_seen),
            plans_settable,
        })
    }

    fn is_valid(&self, conn: &mut PgPooled) -> Result<(), Self::Error> {
        let lost_seen = lost_so_far();
        if conn.known.trusted(Instant::now(), lost_seen) {
            return Ok(());
        }
        self.inner.is_valid(&mut conn.conn)?;
        conn.known.lost_seen = lost_seen;
        Ok(())
    }

    fn has_broken(&self, conn: &mut PgPooled) -> bool {
        // Called as the connection goes back to the pool.
        conn.known.returned_at = Some(Instant::now());
        self.inner.has_broken(&mut conn.conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lost_connections_count() {
        let closed = Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection".to_string()),
        );
        let unique = Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_string()),
        );
        assert!(is_lost_connection(&closed));
        assert!(is_lost_connection(&Error::BrokenTransactionManager));
        assert!(!is_lost_connection(&unique));
        assert!(!is_lost_connection(&Error::NotFound));
    }

    #[test]
    fn a_connection_is_trusted_only_just_after_use_and_before_any_loss() {
        let start = Instant::now();
        let mut known = KnownGood::new(5);
        // Never used: pinged.
        assert!(!known.trusted(start, 5));
        known.returned_at = Some(start);
        assert!(known.trusted(start, 5));
        assert!(known.trusted(start + TRUSTED_FOR - Duration::from_millis(1), 5));
        // Idle too long: pinged.
        assert!(!known.trusted(start + TRUSTED_FOR, 5));
        // A connection was lost somewhere since: pinged, however fresh.
        assert!(!known.trusted(start, 6));
        // A ping that passes makes it known good again.
        known.lost_seen = 6;
        assert!(known.trusted(start, 6));
    }
}
