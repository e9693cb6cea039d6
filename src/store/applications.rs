//! Applications: a job seeker's interest in a vacancy, reviewed by their
//! officer, forwarded to the employer and followed to an outcome. Every
//! status change is checked by `domain::application::transition`, stored with
//! an event row (the timeline), and made in the caller's transaction so the
//! email that announces it is queued with it.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{application_drafts, application_events, applications, profiles};
use super::{AsTx, InTx, StoreError, StoreResult, Tx};
use crate::domain::application::{
    transition, ApplicationStatus, Role, TransitionError, UnsuccessfulReason,
};
use crate::domain::errors::FieldErrors;
use crate::with_conn;

/// Longest statement a person may send, in characters.
pub const STATEMENT_MAX: usize = 2_000;

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Application {
    pub id: i64,
    pub profile_id: i64,
    pub vacancy_id: i64,
    pub match_id: Option<i64>,
    pub status: ApplicationStatus,
    pub statement: String,
    /// The person agreed that the employer may see their name.
    pub share_name: bool,
    pub unsuccessful_reason: Option<UnsuccessfulReason>,
    pub unsuccessful_note: Option<String>,
    pub interview_at: Option<NaiveDateTime>,
    pub start_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

type Row = (
    i64,
    i64,
    i64,
    Option<i64>,
    String,
    String,
    bool,
    Option<String>,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDate>,
    NaiveDateTime,
    NaiveDateTime,
);

macro_rules! columns {
    () => {
        (
            applications::id,
            applications::profile_id,
            applications::vacancy_id,
            applications::match_id,
            applications::status,
            applications::statement,
            applications::share_name,
            applications::unsuccessful_reason,
            applications::unsuccessful_note,
            applications::interview_at,
            applications::start_date,
            applications::created_at,
            applications::updated_at,
        )
    };
}

fn from_row(row: Row) -> StoreResult<Application> {
    let corrupt = |e: crate::domain::errors::UnknownValue| StoreError::Corrupt(e.to_string());
    Ok(Application {
        id: row.0,
        profile_id: row.1,
        vacancy_id: row.2,
        match_id: row.3,
        status: ApplicationStatus::parse(&row.4).map_err(corrupt)?,
        statement: row.5,
        share_name: row.6,
        unsuccessful_reason: row
            .7
            .as_deref()
            .map(UnsuccessfulReason::parse)
            .transpose()
            .map_err(corrupt)?,
        unsuccessful_note: row.8,
        interview_at: row.9,
        start_date: row.10,
        created_at: row.11,
        updated_at: row.12,
    })
}

fn from_rows(rows: Vec<Row>) -> StoreResult<Vec<Application>> {
    rows.into_iter().map(from_row).collect()
}

/// One step of an application's timeline.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Event {
    pub from_status: Option<ApplicationStatus>,
    pub to_status: ApplicationStatus,
    pub actor: Role,
    pub actor_user_id: Option<i64>,
    pub note: Option<String>,
    pub at: NaiveDateTime,
}

/// Who is acting: the role decides which moves are allowed; staff carry
/// their user id into the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    pub role: Role,
    pub user_id: Option<i64>,
}

impl Actor {
    pub fn seeker() -> Self {
        Self {
            role: Role::Seeker,
            user_id: None,
        }
    }
    pub fn officer(user_id: i64) -> Self {
        Self {
            role: Role::Officer,
            user_id: Some(user_id),
        }
    }
    pub fn employer(user_id: i64) -> Self {
        Self {
            role: Role::Employer,
            user_id: Some(user_id),
        }
    }
}

/// Why a change was refused. `Invalid` carries messages for the form's
/// fields; `Refused` is a move the actor may not make from the current
/// status (shown at the top of the page, or 409 in the API).
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    #[error("application not found")]
    NotFound,
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Refused(TransitionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for ApplicationError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::from_write(e, "application"))
    }
}

/// Checks a statement: required, and at most `STATEMENT_MAX` characters.
pub fn check_statement(statement: &str) -> Result<String, FieldErrors> {
    let trimmed = statement.trim();
    if trimmed.is_empty() {
        return Err(FieldErrors::single(
            "statement",
            "Write a few words about why you want this job",
        ));
    }
    if trimmed.chars().count() > STATEMENT_MAX {
        return Err(FieldErrors::single(
            "statement",
            format!("Write {STATEMENT_MAX} characters or fewer"),
        ));
    }
    Ok(trimmed.to_string())
}

/// Keeps a draft statement on the server (empty text is kept too, so a
/// person who clears the box sees it cleared). Longer text than allowed is
/// refused so nothing is silently cut.
pub fn save_draft(
    conn: &mut impl AsTx,
    profile_id: i64,
    vacancy_id: i64,
    statement: &str,
    at: NaiveDateTime,
) -> Result<(), ApplicationError> {
    if statement.chars().count() > STATEMENT_MAX {
        return Err(ApplicationError::Invalid(FieldErrors::single(
            "statement",
            format!("Write {STATEMENT_MAX} characters or fewer"),
        )));
    }
    with_conn!(conn, |c| diesel::insert_into(application_drafts::table)
        .values((
            application_drafts::profile_id.eq(profile_id),
            application_drafts::vacancy_id.eq(vacancy_id),
            application_drafts::statement.eq(statement),
            application_drafts::updated_at.eq(at),
        ))
        .on_conflict((
            application_drafts::profile_id,
            application_drafts::vacancy_id
        ))
        .do_update()
        .set((
            application_drafts::statement.eq(statement),
            application_drafts::updated_at.eq(at),
        ))
        .execute(c)?);
    Ok(())
}

/// A person's statements saved for later and not sent yet (sending one
/// deletes it), newest first: vacancy id and when it was saved.
pub fn drafts_for_profile(
    conn: &mut impl AsTx,
    profile_id: i64,
) -> StoreResult<Vec<(i64, NaiveDateTime)>> {
    Ok(with_conn!(conn, |c| application_drafts::table
        .filter(application_drafts::profile_id.eq(profile_id))
        .order((
            application_drafts::updated_at.desc(),
            application_drafts::vacancy_id.desc()
        ))
        .select((
            application_drafts::vacancy_id,
            application_drafts::updated_at
        ))
        .load(c)?))
}

pub fn load_draft(
    conn: &mut impl AsTx,
    profile_id: i64,
    vacancy_id: i64,
) -> StoreResult<Option<String>> {
    Ok(with_conn!(conn, |c| application_drafts::table
        .find((profile_id, vacancy_id))
        .select(application_drafts::statement)
        .first(c)
        .optional()?))
}

/// The result of `submit`: the application, and whether this call made it
/// (false when the person had already applied; nothing changed then).
#[derive(Clone, Debug)]
pub struct Submitted {
    pub application: Application,
    pub created: bool,
}

/// A job seeker says they are interested. Submitting twice gives the same
/// application back (`created: false`). The draft is removed; the first
/// event is written. The caller checks that the vacancy is open and the
/// person eligible, and queues `notify::officer::application_awaiting_review`
/// when `created` — all in one transaction.
pub fn submit(
    conn: &mut impl AsTx,
    profile_id: i64,
    vacancy_id: i64,
    statement: &str,
    at: NaiveDateTime,
) -> Result<Submitted, ApplicationError> {
    if let Some(existing) = find(conn, profile_id, vacancy_id)? {
        return Ok(Submitted {
            application: existing,
            created: false,
        });
    }
    let statement = check_statement(statement).map_err(ApplicationError::Invalid)?;
    let match_id: Option<i64> = {
        use super::schema::matches;
        with_conn!(conn, |c| matches::table
            .filter(matches::profile_id.eq(profile_id))
            .filter(matches::vacancy_id.eq(vacancy_id))
            .select(matches::id)
            .first(c)
            .optional()?)
    };
    let values = (
        applications::profile_id.eq(profile_id),
        applications::vacancy_id.eq(vacancy_id),
        applications::match_id.eq(match_id),
        applications::status.eq(ApplicationStatus::Interested.as_str()),
        applications::statement.eq(&statement),
        applications::share_name.eq(false),
        applications::created_at.eq(at),
        applications::updated_at.eq(at),
    );
    // A second submit racing this one hits the unique pair and inserts
    // nothing; it then reads the winner's row.
    let inserted: Option<i64> = with_conn!(conn, |c| diesel::insert_into(applications::table)
        .values(values)
        .on_conflict((applications::profile_id, applications::vacancy_id))
        .do_nothing()
        .returning(applications::id)
        .get_result(c)
        .optional()?);
    let Some(id) = inserted else {
        let application = find(conn, profile_id, vacancy_id)?.ok_or(ApplicationError::NotFound)?;
        return Ok(Submitted {
            application,
            created: false,
        });
    };
    write_event(
        conn,
        id,
        None,
        ApplicationStatus::Interested,
        Actor::seeker(),
        None,
        at,
    )?;
    with_conn!(conn, |c| diesel::delete(
        application_drafts::table.find((profile_id, vacancy_id))
    )
    .execute(c)?);
    let application = load(conn, id)?.ok_or(ApplicationError::NotFound)?;
    Ok(Submitted {
        application,
        created: true,
    })
}

fn write_event(
    conn: &mut impl AsTx,
    application_id: i64,
    from: Option<ApplicationStatus>,
    to: ApplicationStatus,
    actor: Actor,
    note: Option<&str>,
    at: NaiveDateTime,
) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::insert_into(application_events::table)
        .values((
            application_events::application_id.eq(application_id),
            application_events::from_status.eq(from.map(|s| s.as_str())),
            application_events::to_status.eq(to.as_str()),
            application_events::actor_kind.eq(actor.role.as_str()),
            application_events::actor_user_id.eq(actor.user_id),
            application_events::note.eq(note),
            application_events::at.eq(at),
        ))
        .execute(c)
        .map_err(|e| StoreError::from_write(e, "application event"))?);
    Ok(())
}

pub fn load(conn: &mut impl AsTx, id: i64) -> StoreResult<Option<Application>> {
    let row: Option<Row> = with_conn!(conn, |c| applications::table
        .find(id)
        .select(columns!())
        .first(c)
        .optional()?);
    row.map(from_row).transpose()
}

pub fn find(
    conn: &mut impl AsTx,
    profile_id: i64,
    vacancy_id: i64,
) -> StoreResult<Option<Application>> {
    let row: Option<Row> = with_conn!(conn, |c| applications::table
        .filter(applications::profile_id.eq(profile_id))
        .filter(applications::vacancy_id.eq(vacancy_id))
        .select(columns!())
        .first(c)
        .optional()?);
    row.map(from_row).transpose()
}

/// One application, only if its person belongs to `service_id` (officer
/// scope).
pub fn load_in_service(
    conn: &mut impl AsTx,
    id: i64,
    service_id: i64,
) -> StoreResult<Option<Application>> {
    let row: Option<Row> = with_conn!(conn, |c| applications::table
        .inner_join(profiles::table)
        .filter(applications::id.eq(id))
        .filter(profiles::service_id.eq(service_id))
        .select(columns!())
        .first(c)
        .optional()?);
    row.map(from_row).transpose()
}

/// Was this application ever forwarded? (Unsuccessful and withdrawn
/// applications are visible to the employer only if it was.)
pub fn was_forwarded(conn: &mut impl AsTx, id: i64) -> StoreResult<bool> {
    let n: i64 = with_conn!(conn, |c| application_events::table
        .filter(application_events::application_id.eq(id))
        .filter(application_events::to_status.eq(ApplicationStatus::Forwarded.as_str()))
        .count()
        .get_result(c)?);
    Ok(n > 0)
}

/// One application, only if it belongs to a vacancy of `employer_id` and
/// has been forwarded to them.
pub fn load_for_employer(
    conn: &mut impl AsTx,
    id: i64,
    employer_id: i64,
) -> StoreResult<Option<Application>> {
    use super::schema::vacancies;
    let row: Option<Row> = with_conn!(conn, |c| applications::table
        .inner_join(vacancies::table)
        .filter(applications::id.eq(id))
        .filter(vacancies::employer_id.eq(employer_id))
        .select(columns!())
        .first(c)
        .optional()?);
    match row {
        Some(row) => {
            let application = from_row(row)?;
            if was_forwarded(conn, application.id)? {
                Ok(Some(application))
            } else {
                Ok(None)
            }
        }
        None => Ok(None),
    }
}

/// A person's applications, newest first.
pub fn for_profile(conn: &mut impl AsTx, profile_id: i64) -> StoreResult<Vec<Application>> {
    let rows: Vec<Row> = with_conn!(conn, |c| applications::table
        .filter(applications::profile_id.eq(profile_id))
        .order((applications::created_at.desc(), applications::id.desc()))
        .select(columns!())
        .load(c)?);
    from_rows(rows)
}

/// Employers' lists leave people anonymised by the retention pass out
/// (their rows stay for the reports). The ids of anonymised people, to leave out with `ne_all`: a short list
/// (read through `profiles_retention`), where the people still held are
/// the whole table.
macro_rules! anonymised {
    () => {
        profiles::table
            .filter(profiles::anonymised_at.is_not_null())
            .select(profiles::id)
    };
}

/// One page of a vacancy's applications as its employer sees them (only
/// those that were forwarded, whatever happened after), oldest first, and
/// how many there are in all; anonymised people are left out.
pub fn for_vacancy_employer(
    conn: &mut impl AsTx,
    vacancy_id: i64,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Application>, i64)> {
    let forwarded = || {
        application_events::table
            .filter(application_events::to_status.eq(ApplicationStatus::Forwarded.as_str()))
            .select(application_events::application_id)
    };
    let (rows, total): (Vec<Row>, i64) = with_conn!(conn, |c| {
        let total = applications::table
            .filter(applications::vacancy_id.eq(vacancy_id))
            .filter(applications::id.eq_any(forwarded()))
            .filter(applications::profile_id.ne_all(anonymised!()))
            .count()
            .get_result(c)?;
        let rows = applications::table
            .filter(applications::vacancy_id.eq(vacancy_id))
            .filter(applications::id.eq_any(forwarded()))
            .filter(applications::profile_id.ne_all(anonymised!()))
            .order((applications::created_at, applications::id))
            .limit(limit)
            .offset(offset)
            .select(columns!())
            .load(c)?;
        (rows, total)
    });
    Ok((from_rows(rows)?, total))
}

/// The applications forwarded to an employer (whatever happened after), as
/// a boxed query to narrow further; inside `with_conn!`. Anonymised people
/// are left out.
macro_rules! forwarded_to {
    ($employer_id:expr) => {{
        let forwarded = application_events::table
            .filter(application_events::to_status.eq(ApplicationStatus::Forwarded.as_str()))
            .select(application_events::application_id);
        applications::table
            .inner_join(super::schema::vacancies::table)
            .filter(super::schema::vacancies::employer_id.eq($employer_id))
            .filter(applications::id.eq_any(forwarded))
            .filter(applications::profile_id.ne_all(anonymised!()))
            .into_boxed()
    }};
}

/// Filters for an employer's inbox of forwarded applications.
#[derive(Clone, Debug, Default)]
pub struct InboxFilter {
    pub vacancy_id: Option<i64>,
    pub status: Option<ApplicationStatus>,
}

/// One page of the applications forwarded to `employer_id` (the employer is
/// part of the query), newest first, each with its vacancy's title, and the
/// total that match the filter.
pub fn inbox_for_employer(
    conn: &mut impl AsTx,
    employer_id: i64,
    filter: &InboxFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<(Application, String)>, i64)> {
    use super::schema::vacancies;
    let status = filter.status.map(|s| s.as_str().to_string());
    let vacancy_id = filter.vacancy_id;
    // The filter's vacancy and status on a query of forwarded applications.
    macro_rules! filtered {
        ($query:expr) => {{
            let mut query = $query;
            if let Some(v) = vacancy_id {
                query = query.filter(applications::vacancy_id.eq(v));
            }
            if let Some(s) = &status {
                query = query.filter(applications::status.eq(s.clone()));
            }
            query
        }};
    }
    let (rows, titles, total) = with_conn!(conn, |c| {
        let query = filtered!(forwarded_to!(employer_id));
        let rows: Vec<(Row, String)> = query
            .order((applications::created_at.desc(), applications::id.desc()))
            .limit(limit)
            .offset(offset)
            .select((columns!(), vacancies::title))
            .load(c)?;
        let total: i64 = filtered!(forwarded_to!(employer_id))
            .count()
            .get_result(c)?;
        let (rows, titles): (Vec<Row>, Vec<String>) = rows.into_iter().unzip();
        (rows, titles, total)
    });
    let applications = from_rows(rows)?;
    Ok((applications.into_iter().zip(titles).collect(), total))
}

/// How many applications were forwarded for each of these vacancies of
/// `employer_id` (another employer's vacancies count none; a vacancy with
/// none is left out).
pub fn forwarded_counts_for_employer(
    conn: &mut impl AsTx,
    employer_id: i64,
    vacancy_ids: &[i64],
) -> StoreResult<HashMap<i64, i64>> {
    let mut counts = HashMap::new();
    for chunk in vacancy_ids.chunks(1_000) {
        let ids: Vec<i64> = with_conn!(conn, |c| forwarded_to!(employer_id)
            .filter(applications::vacancy_id.eq_any(chunk))
            .select(applications::vacancy_id)
            .load(c)?);
        for id in ids {
            *counts.entry(id).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

/// The vacancy and status of every application forwarded to `employer_id`
/// (whatever happened after): what the dashboard and the vacancy list count.
pub fn forwarded_heads_for_employer(
    conn: &mut impl AsTx,
    employer_id: i64,
) -> StoreResult<Vec<(i64, ApplicationStatus)>> {
    let rows: Vec<(i64, String)> = with_conn!(conn, |c| {
        forwarded_to!(employer_id)
            .select((applications::vacancy_id, applications::status))
            .load(c)?
    });
    rows.into_iter()
        .map(|(v, s)| {
            ApplicationStatus::parse(&s)
                .map(|s| (v, s))
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .collect()
}

/// The timeline, oldest first.
pub fn events(conn: &mut impl AsTx, application_id: i64) -> StoreResult<Vec<Event>> {
    type EventRow = (
        Option<String>,
        String,
        String,
        Option<i64>,
        Option<String>,
        NaiveDateTime,
    );
    let rows: Vec<EventRow> = with_conn!(conn, |c| application_events::table
        .filter(application_events::application_id.eq(application_id))
        .order((application_events::at, application_events::id))
        .select((
            application_events::from_status,
            application_events::to_status,
            application_events::actor_kind,
            application_events::actor_user_id,
            application_events::note,
            application_events::at,
        ))
        .load(c)?);
    let corrupt = |e: crate::domain::errors::UnknownValue| StoreError::Corrupt(e.to_string());
    rows.into_iter()
        .map(|(from, to, actor, user, note, at)| {
            Ok(Event {
                from_status: from
                    .as_deref()
                    .map(ApplicationStatus::parse)
                    .transpose()
                    .map_err(corrupt)?,
                to_status: ApplicationStatus::parse(&to).map_err(corrupt)?,
                // "system" events (none are written yet) read as admin.
                actor: Role::parse(&actor).unwrap_or(Role::Admin),
                actor_user_id: user,
                note,
                at,
            })
        })
        .collect()
}

/// A requested status change with the details some statuses need.
#[derive(Clone, Debug, Default)]
pub struct Change {
    pub to: Option<ApplicationStatus>,
    /// Required for interview.
    pub interview_at: Option<NaiveDateTime>,
    /// Required for started.
    pub start_date: Option<NaiveDate>,
    /// Required for unsuccessful; must be one this actor may give.
    pub reason: Option<UnsuccessfulReason>,
    /// Free text kept on the timeline (and, for unsuccessful, on the
    /// application). Up to 1,000 characters.
    pub note: Option<String>,
}

impl Change {
    pub fn to(status: ApplicationStatus) -> Self {
        Self {
            to: Some(status),
            ..Self::default()
        }
    }
}

/// Checks a change's details for the target status, without touching the
/// database.
pub fn check_change(change: &Change, by: Role) -> Result<ApplicationStatus, FieldErrors> {
    let mut errors = FieldErrors::new();
    let Some(to) = change.to else {
        return Err(FieldErrors::single("status", "Choose the new status"));
    };
    match to {
        ApplicationStatus::Interview if change.interview_at.is_none() => {
            errors.add("interview_at", "Enter the date and time of the interview");
        }
        ApplicationStatus::Started if change.start_date.is_none() => {
            errors.add("start_date", "Enter the date the person started work");
        }
        ApplicationStatus::Unsuccessful => match change.reason {
            None => errors.add("reason", "Choose a reason"),
            Some(reason) if !reason.can_be_given_by(by) => {
                errors.add("reason", "Choose one of the reasons listed")
            }
            Some(UnsuccessfulReason::Other)
                if change.note.as_deref().is_none_or(|n| n.trim().is_empty()) =>
            {
                errors.add("note", "Say briefly what the reason was")
            }
            Some(_) => {}
        },
        _ => {}
    }
    if let Some(note) = &change.note {
        if note.chars().count() > 1_000 {
            errors.add("note", "Write 1,000 characters or fewer");
        }
    }
    errors.into_result(to)
}

/// Moves an application to a new status if `actor` may make that move from
/// the status it has now, storing the details and an event row. Run it in
/// a write transaction (`Conn::write`); on PostgreSQL the row is locked first
/// so two concurrent changes cannot both pass the check. Queue the email
/// for the change in the same transaction.
pub fn change_status(
    conn: &mut InTx,
    id: i64,
    change: &Change,
    actor: Actor,
    at: NaiveDateTime,
) -> Result<Application, ApplicationError> {
    let to = check_change(change, actor.role).map_err(ApplicationError::Invalid)?;
    let current = lock(conn, id)?.ok_or(ApplicationError::NotFound)?;
    transition(current.status, to, actor.role).map_err(ApplicationError::Refused)?;
    let note = change
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let reason = (to == ApplicationStatus::Unsuccessful)
        .then_some(change.reason)
        .flatten();
    // The status's own fields first, so that the row's checks (an
    // unsuccessful application has a reason) hold when the status moves.
    match to {
        ApplicationStatus::Interview => {
            with_conn!(conn, |c| diesel::update(applications::table.find(id))
                .set(applications::interview_at.eq(change.interview_at))
                .execute(c)?);
        }
        ApplicationStatus::Started => {
            with_conn!(conn, |c| diesel::update(applications::table.find(id))
                .set(applications::start_date.eq(change.start_date))
                .execute(c)?);
        }
        ApplicationStatus::Unsuccessful => {
            with_conn!(conn, |c| diesel::update(applications::table.find(id))
                .set((
                    applications::unsuccessful_reason.eq(reason.map(|r| r.as_str())),
                    applications::unsuccessful_note.eq(note),
                ))
                .execute(c)?);
        }
        _ => {}
    }
    with_conn!(conn, |c| diesel::update(applications::table.find(id))
        .set((
            applications::status.eq(to.as_str()),
            applications::updated_at.eq(at),
        ))
        .execute(c)?);
    write_event(conn, id, Some(current.status), to, actor, note, at)?;
    if to.is_final() {
        // An ended application holds no interview or trial place.
        super::slots::cancel_live_for_application(conn, id, actor.role, actor.user_id, at)?;
    }
    load(conn, id)?.ok_or(ApplicationError::NotFound)
}

/// The officer edits the statement with the person and records whether the
/// person agrees to share their name, while the application is still with
/// the officer (interested or under review).
pub fn edit_before_forwarding(
    conn: &mut impl AsTx,
    id: i64,
    statement: &str,
    share_name: bool,
    at: NaiveDateTime,
) -> Result<Application, ApplicationError> {
    let statement = check_statement(statement).map_err(ApplicationError::Invalid)?;
    let current = lock(conn, id)?.ok_or(ApplicationError::NotFound)?;
    if !matches!(
        current.status,
        ApplicationStatus::Interested | ApplicationStatus::UnderReview
    ) {
        return Err(ApplicationError::Invalid(FieldErrors::single(
            "statement",
            "The statement cannot change after the application has gone to the employer",
        )));
    }
    with_conn!(conn, |c| diesel::update(applications::table.find(id))
        .set((
            applications::statement.eq(&statement),
            applications::share_name.eq(share_name),
            applications::updated_at.eq(at),
        ))
        .execute(c)?);
    load(conn, id)?.ok_or(ApplicationError::NotFound)
}

/// Reads the row, locking it on PostgreSQL (SQLite's write transaction
/// already holds the database lock).
fn lock(conn: &mut impl AsTx, id: i64) -> StoreResult<Option<Application>> {
    let row: Option<Row> = match conn.tx() {
        Tx::Postgres(c) => applications::table
            .find(id)
            .select(columns!())
            .for_update()
            .first(c)
            .optional()?,
        Tx::Sqlite(c) => applications::table
            .find(id)
            .select(columns!())
            .first(c)
            .optional()?,
    };
    row.map(from_row).transpose()
}
