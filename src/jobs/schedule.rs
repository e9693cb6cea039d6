//! The scheduled work: digests every `FAIRCHANCE_DIGEST_TICK_SECONDS`, and
//! once a day closing vacancies whose closing date has passed and the
//! release-readiness and closing-vacancy scans, the matching re-runs of
//! people whose licence condition ended the day before, and the officers'
//! watches that fall due (see [`watches`]). Each runs as
//! a job keyed by its time slot, so however many workers are running, each
//! slot runs once, and a failure is retried and visible in the queue.

use chrono::{Days, NaiveDate, NaiveDateTime};

use crate::config::Config;
use crate::domain::eligible::{eligible_from, Eligibility};
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::{Vacancy, VacancyStatus};
use crate::notify::{self, NotifyError};
use crate::store::audit::{self, Actor, Entry};
use crate::store::jobs::{changes, NewJob};
use crate::store::notifications;
use crate::store::vacancies;
use crate::store::watches::{self, EndReason};
use crate::store::{profiles, Conn, StoreError, StoreResult};

/// "Due for release within 12 weeks".
pub const RELEASE_WINDOW_DAYS: u64 = 12 * 7;
/// "A vacancy closing in 3 days".
pub const CLOSING_WINDOW_DAYS: u64 = 3;
/// Watches read at once by the daily pass.
pub const WATCH_BATCH: i64 = 500;
/// Vacancies closed by date in one transaction.
pub const CLOSE_BATCH: i64 = 500;
/// Finished scheduler jobs are kept this long for the queue page, then
/// deleted so that a job a minute does not grow the table for ever.
pub const KEEP_FINISHED_SCHEDULER_JOBS_DAYS: i64 = 7;

/// Queues the digests due at `at`, one transaction per officer; returns how
/// many were queued. Call on a pooled connection, not inside a transaction.
pub fn digests(conn: &mut Conn, config: &Config, at: NaiveDateTime) -> Result<usize, NotifyError> {
    let officers = notifications::officers_due_a_digest(conn, at)?;
    let mut queued = 0;
    for officer in &officers {
        let job = conn.write(|tx| notify::officer::digest(tx, config, officer, at))?;
        queued += usize::from(job.is_some());
    }
    Ok(queued)
}

/// What the daily scans did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DailyReport {
    /// Published or paused vacancies closed because their closing date had
    /// passed.
    pub vacancies_closed: usize,
    pub release_reminders: usize,
    pub closing_reminders: usize,
    /// Booking officers reminded of an interview or trial slot in the
    /// next [`crate::domain::slot::REMINDER_DAYS`] days.
    pub slot_reminders: usize,
    /// Matching runs queued for people whose licence condition (or the
    /// licence) ended the day before.
    pub licence_conditions_ended: usize,
    /// Matching runs queued for published vacancies whose applications
    /// open on the day (`opens_on`).
    pub vacancies_opened: usize,
    /// People the retention pass anonymised.
    pub anonymised: usize,
    /// People whose offence, licence and barred data the retention pass
    /// deleted at the end of their licence.
    pub restricted_deleted: usize,
}

/// The daily scans for `day`: first every published or paused vacancy
/// whose closing date is before `day` is closed; then people due for
/// release within 12 weeks who are not ready to work are reminded about
/// (once a week each), and published vacancies closing within 3 days with
/// no applications (once each); then booking officers of interview and
/// trial slots in the next two days (once per booking and slot); then each
/// published vacancy whose applications open on `day` gets a matching run
/// queued; then each person with a licence condition
/// whose last day was the day before `day` gets a matching run queued, so
/// their search document and stored matches change on the first day it
/// no longer applies; last the retention pass ([`crate::app::retention`])
/// runs for `day`. Call on a pooled connection.
pub fn daily(
    conn: &mut Conn,
    config: &Config,
    day: NaiveDate,
    at: NaiveDateTime,
) -> Result<DailyReport, NotifyError> {
    let vacancies_closed = close_past_closing_date(conn, day, at)?;
    let release_until = day + Days::new(RELEASE_WINDOW_DAYS);
    let due = notifications::releases_due_not_ready(conn, day, release_until)?;
    let closing_until = day + Days::new(CLOSING_WINDOW_DAYS);
    let closing = notifications::vacancies_closing_unanswered(conn, day, closing_until)?;
    let report = conn.write(|tx| {
        let mut report = DailyReport {
            vacancies_closed,
            ..DailyReport::default()
        };
        for person in &due {
            if notify::officer::release_readiness(tx, config, person, day, at)?.is_some() {
                report.release_reminders += 1;
            }
        }
        for vacancy in &closing {
            if notify::employer::vacancy_closing_soon(tx, config, vacancy, at)?.is_some() {
                report.closing_reminders += 1;
            }
        }
        Ok::<_, NotifyError>(report)
    })?;
    let report = DailyReport {
        licence_conditions_ended: requeue_ended_conditions(conn, day, at)?,
        vacancies_opened: requeue_opening_vacancies(conn, day, at)?,
        slot_reminders: crate::app::slots::remind(conn, config, day)?,
        ..report
    };
    let retention = crate::app::retention::run(conn, &config.retention, day, &|_| {})?;
    let report = DailyReport {
        anonymised: retention.anonymised,
        restricted_deleted: retention.restricted_deleted,
        ..report
    };
    notifications::purge_finished_jobs(
        conn,
        &[super::kind::DIGESTS, super::kind::DAILY],
        at - chrono::Duration::days(KEEP_FINISHED_SCHEDULER_JOBS_DAYS),
    )?;
    Ok(report)
}

/// Queues one `profile.changed` matching job for each person with a
/// licence condition, or the licence, whose last day in force was the day
/// before `day` (keyed by person and day, so a repeated pass queues
/// nothing more). Returns how many jobs it queued.
pub fn requeue_ended_conditions(
    conn: &mut Conn,
    day: NaiveDate,
    at: NaiveDateTime,
) -> StoreResult<usize> {
    let Some(last_day) = day.pred_opt() else {
        return Ok(0);
    };
    let ids = profiles::ids_with_condition_ending_on(conn, last_day)?;
    conn.write(|tx| {
        let mut queued = 0;
        for id in &ids {
            let job = NewJob::new(
                changes::kind::PROFILE_CHANGED,
                &changes::Changed { id: *id },
                at,
            )?
            .key(format!("licence-condition-ended:{id}:{last_day}"));
            queued += usize::from(crate::store::jobs::enqueue(tx, job, at)?.is_some());
        }
        Ok(queued)
    })
}

/// Queues one `vacancy.changed` matching job for each published vacancy
/// whose applications open on `day` (keyed by vacancy and day), so that it
/// is matched and offered from that day. Returns how many jobs it queued.
pub fn requeue_opening_vacancies(
    conn: &mut Conn,
    day: NaiveDate,
    at: NaiveDateTime,
) -> StoreResult<usize> {
    let ids = vacancies::ids_opening_on(conn, day)?;
    conn.write(|tx| {
        let mut queued = 0;
        for id in &ids {
            let job = NewJob::new(
                changes::kind::VACANCY_CHANGED,
                &changes::Changed { id: *id },
                at,
            )?
            .key(format!("vacancy-opens:{id}:{day}"));
            queued += usize::from(crate::store::jobs::enqueue(tx, job, at)?.is_some());
        }
        Ok(queued)
    })
}

/// Closes every published or paused vacancy whose closing date is before
/// `day`, a batch per transaction. Each is closed with its matching run
/// queued (so its matches expire) and an audit row naming the system as
/// the actor. Returns how many were closed.
pub fn close_past_closing_date(
    conn: &mut Conn,
    day: NaiveDate,
    at: NaiveDateTime,
) -> Result<usize, NotifyError> {
    let actor = Actor::system("daily scan");
    let mut total = 0;
    loop {
        let closed = conn.write(|tx| {
            let batch = vacancies::close_past_closing_date(tx, day, at, CLOSE_BATCH)?;
            for vacancy in &batch {
                audit::record(
                    tx,
                    &actor,
                    Entry {
                        action: "vacancy.status_changed",
                        subject_kind: Some("vacancy"),
                        subject_id: Some(vacancy.id),
                        detail: Some(format!(
                            "{} -> closed: the closing date {} has passed",
                            vacancy.from.as_str(),
                            vacancy.closing_date
                        )),
                    },
                    at,
                )?;
            }
            Ok::<_, NotifyError>(batch.len())
        })?;
        if closed == 0 {
            return Ok(total);
        }
        total += closed;
    }
}

/// Whether a vacancy takes no more applications: filled, closed or
/// withdrawn, or past its closing date (the daily scan closes those first).
fn has_closed(vacancy: &Vacancy, day: NaiveDate) -> bool {
    !matches!(
        vacancy.status,
        VacancyStatus::Published | VacancyStatus::Paused
    ) || vacancy
        .details
        .closing_date()
        .is_some_and(|closing| closing < day)
}

/// What the watch pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WatchReport {
    /// Officers emailed: the pair is eligible and the vacancy still open.
    pub notified: usize,
    /// Watches ended without an email: the vacancy closed, or time alone
    /// no longer makes the pair eligible, or the officer's account is
    /// disabled.
    pub ended: usize,
    /// Watches whose date moved later (a condition or a date changed).
    pub rescheduled: usize,
}

/// The watches due on `day` (their eligible-from date is `day` or before,
/// so a day the worker missed is caught up): each is checked again with
/// the one rule function. The vacancy closed: the watch ends, no email;
/// paused: it is looked at again the next day.
/// The pair is eligible on `day`: the officer is emailed once (the key
/// names the watch) and the watch ends, in one transaction. It is not yet:
/// the watch moves to the new date, or ends when there is none. Call on a
/// pooled connection, after the vacancies past their closing date are
/// closed.
pub fn watches(
    conn: &mut Conn,
    config: &Config,
    taxonomy: &Taxonomy,
    day: NaiveDate,
    at: NaiveDateTime,
) -> Result<WatchReport, NotifyError> {
    let mut report = WatchReport::default();
    let mut after = 0;
    loop {
        let batch = watches::due(conn, day, after, WATCH_BATCH)?;
        let Some(last) = batch.last() else {
            return Ok(report);
        };
        after = last.id;
        for watch in &batch {
            let vacancy = vacancies::load(conn, watch.vacancy_id, taxonomy)?;
            let profile = match profiles::load(conn, watch.profile_id, taxonomy) {
                Ok(profile) => Some(profile),
                // Stored data that no longer parses (an anonymised person)
                // cannot become eligible.
                Err(StoreError::Corrupt(_)) => None,
                Err(e) => return Err(e.into()),
            };
            let parties = watches::parties(conn, watch)?;
            conn.write(|tx| {
                let ending = |tx: &mut crate::store::InTx, reason| {
                    watches::end(tx, watch.id, reason, at).map(|_| ())
                };
                match profile {
                    _ if has_closed(&vacancy, day) => {
                        ending(tx, EndReason::VacancyClosed)?;
                        report.ended += 1;
                    }
                    // Paused for now: looked at again tomorrow.
                    _ if vacancy.status == VacancyStatus::Paused => {
                        let tomorrow = day + Days::new(1);
                        watches::reschedule(tx, watch.id, tomorrow, at)?;
                        report.rescheduled += 1;
                    }
                    _ if parties.officer_disabled => {
                        ending(tx, EndReason::Cancelled)?;
                        report.ended += 1;
                    }
                    None => {
                        ending(tx, EndReason::NotEligible)?;
                        report.ended += 1;
                    }
                    Some(ref profile) => match eligible_from(&vacancy, profile, day) {
                        Eligibility::Now => {
                            notify::officer::watched_match_eligible(
                                tx, config, watch, &parties, day, at,
                            )?;
                            ending(tx, EndReason::Notified)?;
                            report.notified += 1;
                        }
                        Eligibility::From(later) => {
                            watches::reschedule(tx, watch.id, later.date, at)?;
                            report.rescheduled += 1;
                        }
                        Eligibility::NotWithin => {
                            ending(tx, EndReason::NotEligible)?;
                            report.ended += 1;
                        }
                    },
                }
                Ok::<_, NotifyError>(())
            })?;
        }
    }
}
