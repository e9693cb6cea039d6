//! What the email notifications read and write: who is due a digest and what
//! is new for them, the parties an application email names, the two daily
//! scans (releases coming up, vacancies closing with no applications), and
//! housekeeping of the scheduler's own jobs.
//!
//! Nothing here selects offence categories, licence conditions or barred
//! flags: an email cannot leak what it never loads.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::people::EmployerStatus;
use super::schema::{applications, employers, jobs, matches, profiles, users, vacancies};
use super::{AsTx, StoreError, StoreResult};
use crate::domain::application::ApplicationStatus;
use crate::with_conn;

/// How often an officer wants the digest of new matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestInterval {
    Off,
    Hourly,
    Daily,
}

impl DigestInterval {
    pub const ALL: [Self; 3] = [Self::Off, Self::Hourly, Self::Daily];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Hourly => "hourly",
            Self::Daily => "daily",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == value)
    }
}

/// Someone an email goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub email: String,
}

/// Sets how often an officer hears about new matches.
pub fn set_digest_interval(
    conn: &mut impl AsTx,
    user_id: i64,
    interval: DigestInterval,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let n = with_conn!(conn, |c| diesel::update(
        users::table.filter(users::id.eq(user_id))
    )
    .set((
        users::digest_interval.eq(interval.as_str()),
        users::updated_at.eq(at),
    ))
    .execute(c)?);
    super::one_row(n)
}

/// The officers whose digest is due at `at`: the interval is hourly or daily,
/// the last digest is at least that long ago, and something is new.
/// (Expressed as a macro because the same condition filters a select and
/// guards an update, and diesel's expression types are unwieldy to name.)
macro_rules! digest_due {
    ($at:expr) => {{
        let hour_ago = $at - Duration::hours(1);
        let day_ago = $at - Duration::days(1);
        users::role
            .eq("officer")
            .and(users::disabled_at.is_null())
            .and(
                users::digest_interval
                    .eq(DigestInterval::Hourly.as_str())
                    .and(
                        users::last_digest_at
                            .is_null()
                            .or(users::last_digest_at.le(hour_ago).assume_not_null()),
                    )
                    .or(users::digest_interval
                        .eq(DigestInterval::Daily.as_str())
                        .and(
                            users::last_digest_at
                                .is_null()
                                .or(users::last_digest_at.le(day_ago).assume_not_null()),
                        )),
            )
    }};
}

/// An officer, as a digest needs them.
#[derive(Clone, Debug, Queryable)]
pub struct Officer {
    pub id: i64,
    pub name: String,
    pub email: String,
}

impl Officer {
    pub fn recipient(&self) -> Recipient {
        Recipient {
            name: self.name.clone(),
            email: self.email.clone(),
        }
    }
}

/// Officers due a digest who have at least one new match on their caseload
/// (new: suggested and not yet in any digest).
pub fn officers_due_a_digest(conn: &mut impl AsTx, at: NaiveDateTime) -> StoreResult<Vec<Officer>> {
    Ok(with_conn!(conn, |c| {
        let something_new = matches::table
            .inner_join(profiles::table)
            .filter(matches::status.eq("suggested"))
            .filter(matches::notified_at.is_null())
            .filter(profiles::officer_id.eq(users::id.nullable()));
        users::table
            .filter(digest_due!(at))
            .filter(diesel::dsl::exists(something_new))
            .order(users::id)
            .select((users::id, users::display_name, users::email))
            .load(c)?
    }))
}

/// Marks the officer's digest as sent at `at`, but only while it is still
/// due. The conditional update is what stops two workers from both sending
/// one: on PostgreSQL the second waits for the first's row lock and then
/// finds the condition false; SQLite has one writer at a time. Returns
/// whether this caller took the turn. Call inside the transaction that
/// enqueues the digest.
pub fn take_digest_turn(
    conn: &mut impl AsTx,
    officer_id: i64,
    at: NaiveDateTime,
) -> StoreResult<bool> {
    let n = with_conn!(conn, |c| diesel::update(
        users::table
            .filter(users::id.eq(officer_id))
            .filter(digest_due!(at))
    )
    .set(users::last_digest_at.eq(at))
    .execute(c)?);
    Ok(n == 1)
}

/// A match that has not been in a digest yet.
#[derive(Clone, Debug, Queryable)]
pub struct NewMatch {
    pub match_id: i64,
    pub profile_id: i64,
    pub reference: String,
    pub pseudonym: String,
    pub vacancy_id: i64,
    pub vacancy_title: String,
    pub employer_name: String,
    pub remote: bool,
    pub place_name: Option<String>,
    pub score: f64,
}

/// Every new match on an officer's caseload, best first.
pub fn new_matches_for_officer(
    conn: &mut impl AsTx,
    officer_id: i64,
) -> StoreResult<Vec<NewMatch>> {
    Ok(with_conn!(conn, |c| matches::table
        .inner_join(profiles::table)
        .inner_join(vacancies::table.inner_join(employers::table))
        .filter(profiles::officer_id.eq(officer_id))
        .filter(matches::status.eq("suggested"))
        .filter(matches::notified_at.is_null())
        .order((matches::score.desc(), matches::id))
        .select((
            matches::id,
            profiles::id,
            profiles::reference,
            profiles::pseudonym,
            vacancies::id,
            vacancies::title,
            employers::name,
            vacancies::remote,
            vacancies::place_name,
            matches::score,
        ))
        .load(c)?))
}

/// Records that these matches were in a digest; returns how many changed.
pub fn mark_matches_notified(
    conn: &mut impl AsTx,
    match_ids: &[i64],
    at: NaiveDateTime,
) -> StoreResult<usize> {
    if match_ids.is_empty() {
        return Ok(0);
    }
    Ok(with_conn!(conn, |c| diesel::update(
        matches::table
            .filter(matches::id.eq_any(match_ids))
            .filter(matches::notified_at.is_null())
    )
    .set(matches::notified_at.eq(at))
    .execute(c)?))
}

/// The people and organisations an email about one application names.
#[derive(Clone, Debug)]
pub struct ApplicationParties {
    pub application_id: i64,
    pub status: ApplicationStatus,
    pub profile_id: i64,
    pub reference: String,
    pub pseudonym: String,
    /// The person's case officer, when they have one and the account is active.
    pub officer: Option<Recipient>,
    pub vacancy_id: i64,
    pub vacancy_title: String,
    pub employer_id: i64,
    pub employer_name: String,
    pub employer_contact: Recipient,
}

type PartiesRow = (
    i64,
    String,
    i64,
    String,
    String,
    Option<i64>,
    i64,
    String,
    i64,
    String,
    String,
    String,
);

pub fn application_parties(
    conn: &mut impl AsTx,
    application_id: i64,
) -> StoreResult<ApplicationParties> {
    let row: Option<PartiesRow> = with_conn!(conn, |c| applications::table
        .inner_join(profiles::table)
        .inner_join(vacancies::table.inner_join(employers::table))
        .filter(applications::id.eq(application_id))
        .select((
            applications::id,
            applications::status,
            profiles::id,
            profiles::reference,
            profiles::pseudonym,
            profiles::officer_id,
            vacancies::id,
            vacancies::title,
            employers::id,
            employers::name,
            employers::contact_name,
            employers::contact_email,
        ))
        .first(c)
        .optional()?);
    let (
        application_id,
        status,
        profile_id,
        reference,
        pseudonym,
        officer_id,
        vacancy_id,
        vacancy_title,
        employer_id,
        employer_name,
        contact_name,
        contact_email,
    ) = row.ok_or(StoreError::NotFound)?;
    let officer = match officer_id {
        Some(id) => active_officer(conn, id)?,
        None => None,
    };
    Ok(ApplicationParties {
        application_id,
        status: ApplicationStatus::try_from(status)
            .map_err(|e| StoreError::Corrupt(format!("application {application_id}: {e}")))?,
        profile_id,
        reference,
        pseudonym,
        officer,
        vacancy_id,
        vacancy_title,
        employer_id,
        employer_name,
        employer_contact: Recipient {
            name: contact_name,
            email: contact_email,
        },
    })
}

/// An officer account by id, when it is active (not disabled).
pub fn active_officer(conn: &mut impl AsTx, user_id: i64) -> StoreResult<Option<Recipient>> {
    let row: Option<(String, String)> = with_conn!(conn, |c| users::table
        .filter(users::id.eq(user_id))
        .filter(users::role.eq("officer"))
        .filter(users::disabled_at.is_null())
        .select((users::display_name, users::email))
        .first(c)
        .optional()?);
    Ok(row.map(|(name, email)| Recipient { name, email }))
}

/// An employer's approval or refusal, as the email about it needs it.
#[derive(Clone, Debug)]
pub struct EmployerDecision {
    pub employer_id: i64,
    pub employer_name: String,
    pub contact: Recipient,
    pub status: EmployerStatus,
    pub decline_reason: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
}

pub fn employer_decision(conn: &mut impl AsTx, employer_id: i64) -> StoreResult<EmployerDecision> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<NaiveDateTime>,
    );
    let row: Option<Row> = with_conn!(conn, |c| employers::table
        .filter(employers::id.eq(employer_id))
        .select((
            employers::id,
            employers::name,
            employers::contact_name,
            employers::contact_email,
            employers::status,
            employers::decline_reason,
            employers::decided_at,
        ))
        .first(c)
        .optional()?);
    let (employer_id, employer_name, name, email, status, decline_reason, decided_at) =
        row.ok_or(StoreError::NotFound)?;
    Ok(EmployerDecision {
        employer_id,
        employer_name,
        contact: Recipient { name, email },
        status: EmployerStatus::try_from(status)
            .map_err(|e| StoreError::Corrupt(format!("employer {employer_id}: {e}")))?,
        decline_reason,
        decided_at,
    })
}

/// A person on an officer's caseload due for release soon and not yet ready
/// to work.
#[derive(Clone, Debug)]
pub struct ReleaseDue {
    pub profile_id: i64,
    pub reference: String,
    pub pseudonym: String,
    pub release_date: NaiveDate,
    pub readiness: String,
    pub officer: Recipient,
}

/// People released from `from` to `until` (inclusive) whose readiness is not
/// "ready to work" and who have an active officer.
pub fn releases_due_not_ready(
    conn: &mut impl AsTx,
    from: NaiveDate,
    until: NaiveDate,
) -> StoreResult<Vec<ReleaseDue>> {
    type Row = (i64, String, String, NaiveDate, String, String, String);
    let rows: Vec<Row> = with_conn!(conn, |c| profiles::table
        .inner_join(users::table.on(profiles::officer_id.eq(users::id.nullable())))
        .filter(profiles::release_date.between(from, until))
        .filter(profiles::readiness.ne("ready_to_work"))
        .filter(users::role.eq("officer"))
        .filter(users::disabled_at.is_null())
        .order((profiles::release_date, profiles::id))
        .select((
            profiles::id,
            profiles::reference,
            profiles::pseudonym,
            profiles::release_date,
            profiles::readiness,
            users::display_name,
            users::email,
        ))
        .load(c)?);
    Ok(rows
        .into_iter()
        .map(
            |(profile_id, reference, pseudonym, release_date, readiness, name, email)| ReleaseDue {
                profile_id,
                reference,
                pseudonym,
                release_date,
                readiness,
                officer: Recipient { name, email },
            },
        )
        .collect())
}

/// A published vacancy closing soon that nobody has applied for.
#[derive(Clone, Debug)]
pub struct ClosingVacancy {
    pub vacancy_id: i64,
    pub title: String,
    pub closing_date: NaiveDate,
    pub employer_name: String,
    pub contact: Recipient,
}

/// Published vacancies of approved employers closing from `from` to `until`
/// (inclusive) with no application at all.
pub fn vacancies_closing_unanswered(
    conn: &mut impl AsTx,
    from: NaiveDate,
    until: NaiveDate,
) -> StoreResult<Vec<ClosingVacancy>> {
    type Row = (i64, String, Option<NaiveDate>, String, String, String);
    let rows: Vec<Row> = with_conn!(conn, |c| {
        let any_application =
            applications::table.filter(applications::vacancy_id.eq(vacancies::id));
        vacancies::table
            .inner_join(employers::table)
            .filter(vacancies::status.eq("published"))
            .filter(vacancies::closing_date.between(from, until))
            .filter(employers::status.eq("approved"))
            .filter(diesel::dsl::not(diesel::dsl::exists(any_application)))
            .order((vacancies::closing_date, vacancies::id))
            .select((
                vacancies::id,
                vacancies::title,
                vacancies::closing_date,
                employers::name,
                employers::contact_name,
                employers::contact_email,
            ))
            .load(c)?
    });
    Ok(rows
        .into_iter()
        .filter_map(|(vacancy_id, title, closing, employer_name, name, email)| {
            closing.map(|closing_date| ClosingVacancy {
                vacancy_id,
                title,
                closing_date,
                employer_name,
                contact: Recipient { name, email },
            })
        })
        .collect())
}

/// Deletes finished jobs of the given kinds that ended before `before`.
/// Only for kinds whose idempotency keys are never reused once their moment
/// has passed (scheduler ticks keyed by time slot): deleting an email job
/// would let its key be enqueued, and sent, again.
pub fn purge_finished_jobs(
    conn: &mut impl AsTx,
    kinds: &[&str],
    before: NaiveDateTime,
) -> StoreResult<usize> {
    Ok(with_conn!(conn, |c| diesel::delete(
        jobs::table
            .filter(jobs::kind.eq_any(kinds))
            .filter(jobs::status.eq("done"))
            .filter(jobs::finished_at.lt(before))
    )
    .execute(c)?))
}
