//! The outbox: a job queue in the database. Jobs are enqueued inside the
//! transaction that causes them, claimed by workers (with `FOR UPDATE SKIP
//! LOCKED` on PostgreSQL; SQLite has one writer at a time), retried with
//! exponential backoff and jitter, and dead-lettered when they keep failing.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;
use serde::Serialize;

use super::schema::jobs;
use super::{AsTx, Conn, StoreError, StoreResult, Tx};
use crate::with_conn;

/// A running job whose worker stopped answering for this long is taken back.
pub const LEASE: Duration = Duration::minutes(5);

#[derive(Clone, Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub idempotency_key: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: String,
    /// Two jobs with the same key are one job: the second enqueue is ignored.
    pub idempotency_key: Option<String>,
    pub run_at: NaiveDateTime,
    pub max_attempts: i32,
}

impl<'a> NewJob<'a> {
    pub fn new(kind: &'a str, payload: &impl Serialize, at: NaiveDateTime) -> StoreResult<Self> {
        Ok(Self {
            kind,
            payload: serde_json::to_string(payload)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            idempotency_key: None,
            run_at: at,
            max_attempts: 8,
        })
    }

    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
}

/// Adds a job; returns its id, or None when a job with the same idempotency
/// key already exists.
pub fn enqueue(conn: &mut impl AsTx, job: NewJob, at: NaiveDateTime) -> StoreResult<Option<i64>> {
    let values = (
        jobs::kind.eq(job.kind),
        jobs::payload.eq(&job.payload),
        jobs::idempotency_key.eq(&job.idempotency_key),
        jobs::status.eq("queued"),
        jobs::attempts.eq(0),
        jobs::max_attempts.eq(job.max_attempts),
        jobs::run_at.eq(job.run_at),
        jobs::created_at.eq(at),
        jobs::updated_at.eq(at),
    );
    Ok(with_conn!(conn, |c| diesel::insert_into(jobs::table)
        .values(values)
        .on_conflict_do_nothing()
        .returning(jobs::id)
        .get_result::<i64>(c)
        .optional()?))
}

/// One queued job as written.
#[derive(Insertable)]
#[diesel(table_name = jobs)]
struct QueuedRow<'a> {
    kind: &'a str,
    payload: &'a str,
    idempotency_key: Option<&'a str>,
    status: &'a str,
    attempts: i32,
    max_attempts: i32,
    run_at: NaiveDateTime,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Adds many jobs, many rows per statement (for jobs without idempotency
/// keys: a key already taken fails the whole batch; use [`enqueue`] for those).
pub fn enqueue_many(conn: &mut impl AsTx, new: &[NewJob], at: NaiveDateTime) -> StoreResult<()> {
    let rows: Vec<QueuedRow> = new
        .iter()
        .map(|job| QueuedRow {
            kind: job.kind,
            payload: &job.payload,
            idempotency_key: job.idempotency_key.as_deref(),
            status: "queued",
            attempts: 0,
            max_attempts: job.max_attempts,
            run_at: job.run_at,
            created_at: at,
            updated_at: at,
        })
        .collect();
    with_conn!(conn, |c| {
        insert_chunks!(c, jobs::table, rows);
    });
    Ok(())
}

/// Takes up to `limit` due jobs for `worker`, marking them running. A job whose
/// lease expired (its worker died) is due again.
pub fn claim(
    conn: &mut impl AsTx,
    worker: &str,
    limit: i64,
    at: NaiveDateTime,
) -> StoreResult<Vec<Job>> {
    claim_of(conn, worker, None, limit, at, LEASE)
}

/// [`claim`] with a lease of `lease` (`FAIRCHANCE_JOB_LEASE_SECONDS`).
pub fn claim_leased(
    conn: &mut impl AsTx,
    worker: &str,
    limit: i64,
    at: NaiveDateTime,
    lease: Duration,
) -> StoreResult<Vec<Job>> {
    claim_of(conn, worker, None, limit, at, lease)
}

/// [`claim`], of these kinds only (the worker gathers matching jobs into
/// one batch with it).
pub fn claim_kinds(
    conn: &mut impl AsTx,
    worker: &str,
    kinds: &[&str],
    limit: i64,
    at: NaiveDateTime,
    lease: Duration,
) -> StoreResult<Vec<Job>> {
    claim_of(conn, worker, Some(kinds), limit, at, lease)
}

fn claim_of(
    conn: &mut impl AsTx,
    worker: &str,
    kinds: Option<&[&str]>,
    limit: i64,
    at: NaiveDateTime,
    lease: Duration,
) -> StoreResult<Vec<Job>> {
    use diesel::IntoSql;
    if limit <= 0 {
        return Ok(Vec::new());
    }
    let stale = at - lease;
    // Any kind, or one of `kinds` (a bound flag keeps this one query).
    let any_kind = kinds.is_none().into_sql::<diesel::sql_types::Bool>();
    let kind_ok = jobs::kind
        .eq_any(kinds.unwrap_or_default().to_vec())
        .or(any_kind);
    let due = jobs::status
        .eq("queued")
        .and(jobs::run_at.le(at))
        .or(jobs::status.eq("running").and(jobs::locked_at.lt(stale)))
        .and(kind_ok);
    let ids: Vec<i64> = match conn.tx() {
        Tx::Postgres(c) => c.transaction(|c| {
            let ids: Vec<i64> = jobs::table
                .filter(due)
                .order((jobs::run_at, jobs::id))
                .limit(limit)
                .select(jobs::id)
                .for_update()
                .skip_locked()
                .load(c)?;
            mark_running(c, &ids, worker, at)?;
            Ok::<_, diesel::result::Error>(ids)
        })?,
        Tx::Sqlite(c) => c.immediate_transaction(|c| {
            let ids: Vec<i64> = jobs::table
                .filter(due)
                .order((jobs::run_at, jobs::id))
                .limit(limit)
                .select(jobs::id)
                .load(c)?;
            mark_running(c, &ids, worker, at)?;
            Ok::<_, diesel::result::Error>(ids)
        })?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| jobs::table
        .filter(jobs::id.eq_any(&ids))
        .order((jobs::run_at, jobs::id))
        .select(Job::as_select())
        .load(c)?))
}

fn mark_running<C>(c: &mut C, ids: &[i64], worker: &str, at: NaiveDateTime) -> QueryResult<usize>
where
    C: AsTx,
{
    if ids.is_empty() {
        return Ok(0);
    }
    with_conn!(c, |c| diesel::update(
        jobs::table.filter(jobs::id.eq_any(ids))
    )
    .set((
        jobs::status.eq("running"),
        jobs::attempts.eq(jobs::attempts + 1),
        jobs::locked_by.eq(worker),
        jobs::locked_at.eq(at),
        jobs::updated_at.eq(at),
    ))
    .execute(c))
}

/// Marks a claimed job done. Only the worker holding it may do so.
pub fn complete(
    conn: &mut impl AsTx,
    id: i64,
    worker: &str,
    at: NaiveDateTime,
) -> StoreResult<bool> {
    let n = with_conn!(conn, |c| diesel::update(
        jobs::table.filter(
            jobs::id
                .eq(id)
                .and(jobs::locked_by.eq(worker))
                .and(jobs::status.eq("running"))
        )
    )
    .set((
        jobs::status.eq("done"),
        jobs::locked_by.eq(None::<String>),
        jobs::locked_at.eq(None::<NaiveDateTime>),
        jobs::last_error.eq(None::<String>),
        jobs::finished_at.eq(at),
        jobs::updated_at.eq(at),
    ))
    .execute(c)?);
    Ok(n == 1)
}

/// How a failed attempt ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Worth trying again later (connection refused, timeout, SMTP 4xx).
    Transient,
    /// Will never succeed as it is (SMTP 5xx, invalid payload).
    Permanent,
}

/// Delay before attempt `n + 1`: 2^n × 10 s capped at an hour, ±25 % jitter so
/// that many failed jobs do not retry in lock step.
pub fn backoff(attempts: i32) -> Duration {
    let base = 10i64 * 2i64.saturating_pow(attempts.clamp(0, 16) as u32);
    let capped = base.min(3600);
    let jitter = rand::thread_rng().gen_range(-(capped / 4)..=(capped / 4));
    Duration::seconds((capped + jitter).max(1))
}

/// Records a failed attempt: back to the queue with backoff, or dead.
pub fn fail(
    conn: &mut impl AsTx,
    job: &Job,
    worker: &str,
    failure: Failure,
    error: &str,
    at: NaiveDateTime,
) -> StoreResult<&'static str> {
    let dead = failure == Failure::Permanent || job.attempts >= job.max_attempts;
    let status = if dead { "dead" } else { "queued" };
    let run_at = if dead { at } else { at + backoff(job.attempts) };
    let error: String = error.chars().take(2000).collect();
    with_conn!(conn, |c| diesel::update(
        jobs::table.filter(jobs::id.eq(job.id).and(jobs::locked_by.eq(worker)))
    )
    .set((
        jobs::status.eq(status),
        jobs::run_at.eq(run_at),
        jobs::locked_by.eq(None::<String>),
        jobs::locked_at.eq(None::<NaiveDateTime>),
        jobs::last_error.eq(&error),
        jobs::updated_at.eq(at),
        jobs::finished_at.eq(dead.then_some(at)),
    ))
    .execute(c)?);
    Ok(status)
}

/// Puts a dead job back in the queue with a fresh set of attempts.
pub fn retry_dead(conn: &mut Conn, id: i64, at: NaiveDateTime) -> StoreResult<()> {
    let n = conn.write(|tx| {
        with_conn!(tx, |c| diesel::update(
            jobs::table.filter(jobs::id.eq(id).and(jobs::status.eq("dead")))
        )
        .set((
            jobs::status.eq("queued"),
            jobs::attempts.eq(0),
            jobs::run_at.eq(at),
            jobs::finished_at.eq(None::<NaiveDateTime>),
            jobs::updated_at.eq(at),
        ))
        .execute(c)
        .map_err(StoreError::from))
    })?;
    super::one_row(n)
}

/// Number of jobs in each state.
pub fn counts(conn: &mut impl AsTx) -> StoreResult<Vec<(String, i64)>> {
    Ok(with_conn!(conn, |c| jobs::table
        .group_by(jobs::status)
        .select((jobs::status, diesel::dsl::count_star()))
        .order(jobs::status)
        .load(c)?))
}

/// One page of the jobs in `status`, the latest change first (then id),
/// and how many there are in all.
pub fn list(
    conn: &mut impl AsTx,
    status: &str,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Job>, i64)> {
    Ok(with_conn!(conn, |c| {
        let total: i64 = jobs::table
            .filter(jobs::status.eq(status))
            .count()
            .get_result(c)?;
        let rows = jobs::table
            .filter(jobs::status.eq(status))
            .order((jobs::updated_at.desc(), jobs::id.desc()))
            .limit(limit)
            .offset(offset)
            .select(Job::as_select())
            .load(c)?;
        (rows, total)
    }))
}

/// The jobs that tell the matcher a vacancy or profile changed, queued in the
/// transaction that changed it.
pub mod changes {
    use serde::Serialize;

    use super::{enqueue, NewJob};
    use crate::store::StoreResult;

    /// Job kinds the matcher handles.
    pub mod kind {
        /// A vacancy was created or changed: re-index it and re-run its matches.
        pub const VACANCY_CHANGED: &str = "vacancy.changed";
        /// A profile was created or changed.
        pub const PROFILE_CHANGED: &str = "profile.changed";
    }

    #[derive(Serialize, serde::Deserialize)]
    pub struct Changed {
        pub id: i64,
    }

    /// Queues the index update and matching run for a changed vacancy; call in
    /// the transaction that changed it.
    pub fn vacancy_changed(
        conn: &mut impl crate::store::AsTx,
        id: i64,
        at: chrono::NaiveDateTime,
    ) -> StoreResult<()> {
        changed(conn, kind::VACANCY_CHANGED, id, at)
    }

    /// Queues the index update and matching run for a changed profile.
    pub fn profile_changed(
        conn: &mut impl crate::store::AsTx,
        id: i64,
        at: chrono::NaiveDateTime,
    ) -> StoreResult<()> {
        changed(conn, kind::PROFILE_CHANGED, id, at)
    }

    /// Queues the matcher's jobs for many changed profiles (a bulk import),
    /// many rows per statement.
    pub fn profiles_changed(
        conn: &mut impl crate::store::AsTx,
        ids: &[i64],
        at: chrono::NaiveDateTime,
    ) -> StoreResult<()> {
        let jobs = ids
            .iter()
            .map(|id| NewJob::new(kind::PROFILE_CHANGED, &Changed { id: *id }, at))
            .collect::<StoreResult<Vec<_>>>()?;
        super::enqueue_many(conn, &jobs, at)
    }

    /// Queues a job of `job_kind` about the record `id`.
    fn changed(
        conn: &mut impl crate::store::AsTx,
        job_kind: &str,
        id: i64,
        at: chrono::NaiveDateTime,
    ) -> StoreResult<()> {
        enqueue(conn, NewJob::new(job_kind, &Changed { id }, at)?, at)?;
        Ok(())
    }
}
