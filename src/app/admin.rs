//! Use cases of the administrator beyond accounts and terminals: the
//! dashboard's counts, the delivery queue, reading the audit log (itself
//! logged) and retrying a dead job.

use crate::app::AppState;
use crate::app::Failure;
use crate::store::audit::{self, AuditRow, Entry};
use crate::store::jobs::Job;
use crate::store::now;

/// What the administrator's dashboard counts.
pub struct Overview {
    pub users: usize,
    pub terminals: usize,
    /// Employers whose request to join waits for a decision.
    pub pending_employers: usize,
    /// What today's retention pass would do, with the settings in force.
    pub retention: crate::app::retention::Next,
}

pub async fn overview(state: &AppState) -> Result<Overview, Failure> {
    let retention = state.config.retention;
    let today = chrono::Utc::now().date_naive();
    Ok(state
        .store
        .run(move |conn| {
            Ok(Overview {
                users: crate::store::access::list_users(conn)?.len(),
                terminals: crate::store::access::list_terminals(conn)?.len(),
                pending_employers: crate::store::employer_accounts::pending(conn)?.len(),
                retention: crate::app::retention::next(conn, &retention, today)?,
            })
        })
        .await?)
}

/// The delivery queue: how many jobs are in each state, and one page of
/// the dead letters (latest first) with how many there are in all.
pub struct Queue {
    pub counts: Vec<(String, i64)>,
    pub dead: Vec<Job>,
    pub dead_total: i64,
}

pub async fn queue(state: &AppState, limit: i64, offset: i64) -> Result<Queue, Failure> {
    Ok(state
        .store
        .run(move |conn| {
            let counts = crate::store::jobs::counts(conn)?;
            let (dead, dead_total) = crate::store::jobs::list(conn, "dead", limit, offset)?;
            Ok(Queue {
                counts,
                dead,
                dead_total,
            })
        })
        .await?)
}

/// One page of the audit log under `filter`, and how many rows match in
/// all. Every look at the log is itself logged (the log is append-only);
/// the viewer's own views are hidden by default, not dropped.
pub async fn read_audit(
    state: &AppState,
    actor: audit::Actor,
    filter: audit::Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditRow>, i64), Failure> {
    Ok(state
        .store
        .run(move |conn| {
            let total = audit::count(conn, &filter)?;
            let rows = audit::search(conn, &filter, limit, offset)?;
            let entry = Entry {
                action: "audit.viewed",
                subject_kind: None,
                subject_id: None,
                detail: None,
            };
            audit::record(conn, &actor, entry, now())?;
            Ok((rows, total))
        })
        .await?)
}

/// Puts a dead job back in the queue.
pub async fn retry_job(state: &AppState, actor: audit::Actor, id: i64) -> Result<(), Failure> {
    state
        .store
        .run(move |conn| {
            let at = now();
            crate::store::jobs::retry_dead(conn, id, at)?;
            let entry = Entry {
                action: "job.retried",
                subject_kind: Some("job"),
                subject_id: Some(id),
                detail: None,
            };
            audit::record(conn, &actor, entry, at)
        })
        .await?;
    Ok(())
}
