//! The background worker: claims due jobs from the outbox in small batches,
//! runs each by its kind, and completes it or records the failure (retry
//! with backoff, or dead letter). It also enqueues the scheduled work
//! (digests, daily scans) as jobs keyed by time slot. Matching jobs are
//! gathered into batches of up to [`MATCH_BATCH`] and run together, so a
//! flood of changes (an import, a sync) writes the index once per batch.
//!
//! `serve` runs one inside the web process; `fairchance worker` runs one on
//! its own, as many as you like: on PostgreSQL they share the queue with
//! `FOR UPDATE SKIP LOCKED`.
//!
//! Adding a job kind: a constant in [`kind`], one arm in [`Worker::handle`]
//! and the handler function.

pub mod schedule;
pub mod shutdown;

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::notify::{self, Email, MessageError, NotifyError, SendError, Transport, TransportError};
use crate::startup::Services;
use crate::store::jobs::{self, Failure, Job, NewJob};
use crate::store::{self, StoreError, StoreResult};

pub use shutdown::{channel as shutdown_channel, Shutdown, ShutdownTrigger};

/// Every job kind, in one place.
pub mod kind {
    /// Send one rendered email ([`crate::notify::Email`]).
    pub const EMAIL: &str = crate::notify::JOB_KIND;
    /// Queue the digests that are due, and summarise ended attempt-limit
    /// windows.
    pub const DIGESTS: &str = "schedule.digests";
    /// The daily scans: vacancies past their closing date closed, releases
    /// coming up, vacancies closing unanswered.
    pub const DAILY: &str = "schedule.daily";
}

/// Jobs claimed at once: small, so a stopping worker finishes quickly and
/// several workers share the queue evenly.
pub const BATCH: i64 = 5;
/// Matching jobs run as one batch at most (see [`Worker::work`]).
pub const MATCH_BATCH: i64 = 100;
/// How long a worker goes on claiming batch after batch of a flood of
/// matching jobs before it looks at its schedule again.
pub const FLOOD: Duration = Duration::from_secs(60);
/// Pause when the queue is empty.
pub const IDLE: Duration = Duration::from_secs(1);

/// Why a job did not succeed; decides whether it is tried again.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("unknown job kind {0:?}: no handler in this version")]
    UnknownKind(String),
    #[error("the job's payload cannot be read: {0}")]
    Payload(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Notify(#[from] NotifyError),
    #[error(transparent)]
    Message(#[from] MessageError),
    #[error(transparent)]
    Send(#[from] SendError),
    #[error("matching failed: {0}")]
    Matching(#[from] crate::matches::MatchError),
    #[error("this worker has no search index open, so it cannot run matching jobs")]
    NoIndex,
}

impl JobError {
    pub fn failure(&self) -> Failure {
        match self {
            Self::UnknownKind(_) | Self::Payload(_) | Self::Message(_) => Failure::Permanent,
            Self::Notify(NotifyError::Render(_)) => Failure::Permanent,
            Self::Send(e) => e.failure(),
            Self::Store(_) | Self::Notify(NotifyError::Store(_)) => Failure::Transient,
            // The index or database may be back on the next attempt.
            Self::Matching(_) | Self::NoIndex => Failure::Transient,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct DailyPayload {
    day: NaiveDate,
}

#[derive(Serialize)]
struct DigestsPayload {
    tick_seconds: u64,
}

pub struct Worker {
    services: Services,
    matcher: Option<crate::matches::Matcher>,
    transport: Transport,
    id: String,
    idle: Duration,
    last_digest_slot: Option<i64>,
    last_day: Option<NaiveDate>,
}

/// Runs a worker with the configured transport until `shutdown`. Fails only
/// when the transport cannot be set up.
pub async fn run(services: Services, shutdown: Shutdown) -> Result<(), TransportError> {
    Worker::new(services)?.run(shutdown).await;
    Ok(())
}

fn is_matching(job: &Job) -> bool {
    job.kind == crate::matches::kind::VACANCY_CHANGED
        || job.kind == crate::matches::kind::PROFILE_CHANGED
}

impl Worker {
    /// A worker sending through `FAIRCHANCE_SMTP_URL`, or to `.eml` files.
    pub fn new(services: Services) -> Result<Self, TransportError> {
        let transport = Transport::from_config(&services.config)?;
        Ok(Self::with_transport(services, transport))
    }

    pub fn with_transport(services: Services, transport: Transport) -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".to_string());
        Self {
            services,
            matcher: None,
            transport,
            id: format!(
                "{host}-{}-{:08x}",
                std::process::id(),
                rand::random::<u32>()
            ),
            idle: IDLE,
            last_digest_slot: None,
            last_day: None,
        }
    }

    /// Lets this worker run matching jobs (index sync and matching runs).
    pub fn matcher(mut self, matcher: crate::matches::Matcher) -> Self {
        self.matcher = Some(matcher);
        self
    }

    /// Sets the pause when the queue is empty (tests use a short one).
    pub fn idle(mut self, idle: Duration) -> Self {
        self.idle = idle;
        self
    }

    /// The name this worker locks jobs with.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// Claims and runs jobs until `shutdown`; the batch in hand is finished
    /// first, so no claimed job waits for its lease to expire.
    pub async fn run(mut self, mut shutdown: Shutdown) {
        tracing::debug!(worker = %self.id, transport = %self.transport.describe(), "worker started");
        while !shutdown.is_requested() {
            let at = store::now();
            if let Err(e) = self.schedule(at).await {
                tracing::warn!(error = %e, "cannot queue the scheduled work; trying again shortly");
            }
            let claimed = match self.work_until(at, Some(&shutdown)).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot claim jobs; trying again shortly");
                    0
                }
            };
            // A full batch suggests more are waiting: go straight on.
            if claimed < BATCH as usize {
                tokio::select! {
                    _ = tokio::time::sleep(self.idle) => {}
                    _ = shutdown.requested() => {}
                }
            }
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }

    /// Queues the scheduled jobs whose slot began by `at`: a digest round per
    /// tick and the daily scans once a day. Each key names its slot, so every
    /// worker may try and one job results.
    pub async fn schedule(&mut self, at: NaiveDateTime) -> StoreResult<()> {
        let tick = self.services.config.digest_tick.as_secs().max(1);
        let slot = at.and_utc().timestamp() / tick as i64;
        let day = at.date();
        let mut due = Vec::new();
        if self.last_digest_slot != Some(slot) {
            due.push(
                NewJob::new(kind::DIGESTS, &DigestsPayload { tick_seconds: tick }, at)?
                    .key(format!("{}:{tick}:{slot}", kind::DIGESTS)),
            );
        }
        if self.last_day != Some(day) {
            due.push(
                NewJob::new(kind::DAILY, &DailyPayload { day }, at)?
                    .key(format!("{}:{day}", kind::DAILY)),
            );
        }
        if due.is_empty() {
            return Ok(());
        }
        self.services
            .store
            .run(move |c| {
                for job in due {
                    jobs::enqueue(c, job, at)?;
                }
                Ok(())
            })
            .await?;
        self.last_digest_slot = Some(slot);
        self.last_day = Some(day);
        Ok(())
    }

    /// How long a claimed job is held (`FAIRCHANCE_JOB_LEASE_SECONDS`).
    fn lease(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.services.config.job_lease).unwrap_or(jobs::LEASE)
    }

    /// Claims one batch of jobs due at `at` and runs them; returns how many
    /// were claimed. A flood of matching jobs is run on, batch after batch,
    /// while full batches come (see [`Self::matching_flood`]).
    pub async fn work(&self, at: NaiveDateTime) -> StoreResult<usize> {
        self.work_until(at, None).await
    }

    /// [`Self::work`], ending a flood of matching jobs early when
    /// `shutdown` is requested.
    async fn work_until(
        &self,
        at: NaiveDateTime,
        shutdown: Option<&Shutdown>,
    ) -> StoreResult<usize> {
        let worker = self.id.clone();
        let lease = self.lease();
        let claimed = self
            .services
            .store
            .run(move |c| jobs::claim_leased(c, &worker, BATCH, at, lease))
            .await?;
        let (mut matching, others): (Vec<Job>, Vec<Job>) =
            claimed.into_iter().partition(is_matching);
        if !matching.is_empty() && self.matcher.is_some() {
            // Matching jobs come in floods (an import, a sync, a seed):
            // gather more of them, so the index is written once for many.
            matching.extend(
                self.claim_matching(MATCH_BATCH - matching.len() as i64, at)
                    .await?,
            );
        }
        let mut done = others.len();
        for job in &others {
            let outcome = self.handle(job, at).await;
            self.finish(job, outcome, at).await?;
        }
        done += self.matching_flood(matching, at, shutdown).await?;
        Ok(done)
    }

    /// Claims up to `limit` matching jobs due at `at`.
    async fn claim_matching(&self, limit: i64, at: NaiveDateTime) -> StoreResult<Vec<Job>> {
        let worker = self.id.clone();
        let lease = self.lease();
        let kinds = [
            crate::matches::kind::VACANCY_CHANGED,
            crate::matches::kind::PROFILE_CHANGED,
        ];
        self.services
            .store
            .run(move |c| jobs::claim_kinds(c, &worker, &kinds, limit, at, lease))
            .await
    }

    /// Runs matching jobs in batches ([`crate::matches::Matcher::changed_many`]):
    /// while one batch is stored, the next is claimed and matched
    /// ([`crate::matches::Pipeline`]). A full batch suggests more are
    /// waiting, so claiming goes on, for up to [`FLOOD`] and until
    /// `shutdown`; returns how many jobs ran. When a batch fails, each of
    /// its jobs is run on its own, so one bad row fails (and is retried or
    /// dead-lettered) alone.
    async fn matching_flood(
        &self,
        first: Vec<Job>,
        at: NaiveDateTime,
        shutdown: Option<&Shutdown>,
    ) -> StoreResult<usize> {
        let (Some(matcher), true) = (self.matcher.as_ref(), first.len() > 1) else {
            for job in &first {
                let outcome = self.handle(job, at).await;
                self.finish(job, outcome, at).await?;
            }
            return Ok(first.len());
        };
        let started = std::time::Instant::now();
        let mut pipeline = crate::matches::Pipeline::new(matcher.clone());
        let mut batch = first;
        let mut ran = 0;
        loop {
            ran += batch.len();
            let full = batch.len() >= MATCH_BATCH as usize;
            let (vacancies, profiles, readable) = self.readable(batch, at).await?;
            if !readable.is_empty() {
                for (jobs, outcome) in pipeline
                    .push(readable, &vacancies, &profiles, at.date())
                    .await
                {
                    self.batch_ended(&jobs, outcome, at).await?;
                }
            }
            if !full || started.elapsed() >= FLOOD || shutdown.is_some_and(Shutdown::is_requested) {
                break;
            }
            batch = self.claim_matching(MATCH_BATCH, at).await?;
            if batch.is_empty() {
                break;
            }
        }
        if let Some((jobs, outcome)) = pipeline.finish().await {
            self.batch_ended(&jobs, outcome, at).await?;
        }
        Ok(ran)
    }

    /// The vacancies and profiles a batch of matching jobs names, and the
    /// jobs that could be read; a job whose payload cannot be read is
    /// finished as failed.
    async fn readable(
        &self,
        batch: Vec<Job>,
        at: NaiveDateTime,
    ) -> StoreResult<(Vec<i64>, Vec<i64>, Vec<Job>)> {
        let mut vacancies = Vec::new();
        let mut profiles = Vec::new();
        let mut readable = Vec::new();
        for job in batch {
            match serde_json::from_str::<crate::matches::Changed>(&job.payload) {
                Ok(changed) => {
                    if job.kind == crate::matches::kind::VACANCY_CHANGED {
                        vacancies.push(changed.id);
                    } else {
                        profiles.push(changed.id);
                    }
                    readable.push(job);
                }
                Err(e) => {
                    let error = JobError::Payload(e.to_string());
                    self.finish(&job, Err(error), at).await?;
                }
            }
        }
        Ok((vacancies, profiles, readable))
    }

    /// Finishes the jobs of a matching batch that ended; when it failed,
    /// runs each job on its own.
    async fn batch_ended(
        &self,
        jobs: &[Job],
        outcome: Result<crate::store::matches::RunOutcome, crate::matches::MatchError>,
        at: NaiveDateTime,
    ) -> StoreResult<()> {
        match outcome {
            Ok(outcome) => {
                tracing::debug!(jobs = jobs.len(), ?outcome, "matching batch stored");
                self.complete_all(jobs, at).await?;
            }
            Err(error) => {
                tracing::warn!(jobs = jobs.len(), %error, "matching batch failed; running its jobs one by one");
                for job in jobs {
                    let outcome = self.handle(job, at).await;
                    self.finish(job, outcome, at).await?;
                }
            }
        }
        Ok(())
    }

    /// Completes jobs that succeeded (one, or a matching batch's), in one
    /// transaction (a batch's hundred completions one by one were a
    /// hundred commits).
    async fn complete_all(&self, done: &[Job], at: NaiveDateTime) -> StoreResult<()> {
        let worker = self.id.clone();
        let ids: Vec<i64> = done.iter().map(|job| job.id).collect();
        let taken_over: Vec<i64> = self
            .services
            .store
            .run(move |c| {
                c.write(|c| {
                    let mut taken_over = Vec::new();
                    for id in ids {
                        if !jobs::complete(c, id, &worker, at)? {
                            taken_over.push(id);
                        }
                    }
                    Ok(taken_over)
                })
            })
            .await?;
        for job in done {
            if taken_over.contains(&job.id) {
                // Its lease ran out and another worker took it; theirs is
                // the attempt that counts (an email repeats its Message-ID,
                // so receivers see one message).
                tracing::warn!(job = job.id, kind = %job.kind, "job finished after its lease was taken over");
            } else {
                tracing::debug!(job = job.id, kind = %job.kind, "job done");
            }
        }
        Ok(())
    }

    async fn finish(
        &self,
        job: &Job,
        outcome: Result<(), JobError>,
        at: NaiveDateTime,
    ) -> StoreResult<()> {
        match outcome {
            Ok(()) => self.complete_all(std::slice::from_ref(job), at).await?,
            Err(error) => {
                let worker = self.id.clone();
                let failure = error.failure();
                let message = error.to_string();
                let job_copy = job.clone();
                let status = self
                    .services
                    .store
                    .run(move |c| jobs::fail(c, &job_copy, &worker, failure, &message, at))
                    .await?;
                if status == "dead" {
                    tracing::error!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %error, "job failed for good: dead-lettered");
                } else {
                    tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %error, "job failed; it will be retried");
                }
            }
        }
        Ok(())
    }

    /// Runs one claimed job, by kind.
    /// Re-indexes the changed vacancy or profile and stores its matches.
    async fn matching(&self, job: &Job, at: NaiveDateTime) -> Result<(), JobError> {
        let matcher = self.matcher.as_ref().ok_or(JobError::NoIndex)?;
        let changed: crate::matches::Changed =
            serde_json::from_str(&job.payload).map_err(|e| JobError::Payload(e.to_string()))?;
        let today = at.date();
        let outcome = if job.kind == crate::matches::kind::VACANCY_CHANGED {
            matcher.vacancy_changed(changed.id, today).await?
        } else {
            matcher.profile_changed(changed.id, today).await?
        };
        tracing::debug!(kind = %job.kind, id = changed.id, ?outcome, "matching run stored");
        Ok(())
    }

    pub async fn handle(&self, job: &Job, at: NaiveDateTime) -> Result<(), JobError> {
        match job.kind.as_str() {
            kind::EMAIL => self.send_email(job).await,
            kind::DIGESTS => self.digests(at).await,
            kind::DAILY => self.daily(job, at).await,
            crate::matches::kind::VACANCY_CHANGED | crate::matches::kind::PROFILE_CHANGED => {
                self.matching(job, at).await
            }
            other => Err(JobError::UnknownKind(other.to_string())),
        }
    }

    async fn send_email(&self, job: &Job) -> Result<(), JobError> {
        let email: Email = notify::open_payload(&self.services.config.secret_key, &job.payload)
            .map_err(JobError::Payload)?;
        let message = notify::build_message(
            &email,
            &self.services.config.mail_from,
            &self.services.config.secret_key,
        )?;
        self.transport
            .send(&message, &notify::key_digest(&email.key))
            .await?;
        tracing::info!(job = job.id, to = %email.to_address, subject = %email.subject, "email sent");
        Ok(())
    }

    async fn digests(&self, at: NaiveDateTime) -> Result<(), JobError> {
        let config = self.services.config.clone();
        let queued = self
            .services
            .store
            .run(move |c| Ok(schedule::digests(c, &config, at)))
            .await??;
        if queued > 0 {
            tracing::info!(queued, "digests queued");
        }
        // On the same tick: attempt-limit windows that ended with refused
        // attempts get their summary audit row, and ended windows go.
        let summaries = self
            .services
            .store
            .run(move |c| crate::store::limits::sweep(c, at))
            .await?;
        if summaries > 0 {
            tracing::info!(summaries, "blocked attempts summarised");
        }
        Ok(())
    }

    async fn daily(&self, job: &Job, at: NaiveDateTime) -> Result<(), JobError> {
        let DailyPayload { day } = payload(job)?;
        let config = self.services.config.clone();
        let report = self
            .services
            .store
            .run(move |c| Ok(schedule::daily(c, &config, day, at)))
            .await??;
        let config = self.services.config.clone();
        let taxonomy = self.services.taxonomy.clone();
        let watched = self
            .services
            .store
            .run(move |c| Ok(schedule::watches(c, &config, &taxonomy, day, at)))
            .await??;
        tracing::info!(%day, vacancies_closed = report.vacancies_closed, release_reminders = report.release_reminders, closing_reminders = report.closing_reminders, licence_conditions_ended = report.licence_conditions_ended, vacancies_opened = report.vacancies_opened, slot_reminders = report.slot_reminders, anonymised = report.anonymised, restricted_deleted = report.restricted_deleted, watches_notified = watched.notified, watches_ended = watched.ended, watches_rescheduled = watched.rescheduled, "daily scans done");
        Ok(())
    }
}

fn payload<T: serde::de::DeserializeOwned>(job: &Job) -> Result<T, JobError> {
    serde_json::from_str(&job.payload).map_err(|e| JobError::Payload(e.to_string()))
}
