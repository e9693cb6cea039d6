//! Use cases on an employer's vacancies: create (from the editor, the JSON
//! API or one row of a CSV import), replace, the lifecycle moves (publish,
//! pause, resume, fill, close, withdraw) and duplication. Each runs in one
//! transaction that stores the change, writes its audit row and queues the
//! `vacancy.changed` matching run (`store::vacancies` queues it beside the
//! change). Every call is scoped by the member's employer, so another
//! organisation's vacancy is not found.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::employers::Member;
use super::Failure;
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::{Vacancy, VacancyDetails, VacancyStatus};
use crate::store::applications::forwarded_counts_for_employer;
use crate::store::audit::{self, Entry};
use crate::store::vacancies::{self as vacancy_store, ChangeError, VacancyListing};
use crate::store::{now, AsTx, Conn, InTx};

impl From<ChangeError> for Failure {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::NotFound => Self::NotFound,
            ChangeError::Illegal(message) => Self::Conflict(message),
            ChangeError::Store(e) => e.into(),
        }
    }
}

/// Where a new vacancy came from, as its audit row says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The editor's form or the JSON API.
    Editor,
    /// One row of a CSV import.
    Import,
}

fn record(
    tx: &mut InTx<'_>,
    member: &Member,
    action: &'static str,
    id: i64,
    detail: String,
    at: NaiveDateTime,
) -> Result<(), Failure> {
    let entry = Entry {
        action,
        subject_kind: Some("vacancy"),
        subject_id: Some(id),
        detail: Some(detail),
    };
    Ok(audit::record(tx, &member.audit, entry, at)?)
}

/// One of this employer's vacancies.
pub fn get(
    conn: &mut impl AsTx,
    member: &Member,
    id: i64,
    taxonomy: &Taxonomy,
) -> Result<Vacancy, Failure> {
    Ok(vacancy_store::load_for_employer(
        conn,
        id,
        member.employer_id,
        taxonomy,
    )?)
}

/// A page of this employer's vacancies, newest change first, and the total.
pub fn list(
    conn: &mut impl AsTx,
    member: &Member,
    limit: i64,
    offset: i64,
) -> Result<(Vec<VacancyListing>, i64), Failure> {
    Ok(vacancy_store::list_for_employer(
        conn,
        member.employer_id,
        limit,
        offset,
    )?)
}

/// A page of vacancies, the total, and forwarded applications by vacancy id.
pub type CountedPage = (Vec<VacancyListing>, i64, HashMap<i64, i64>);

/// A page of this employer's vacancies (as [`list`]) with the number of
/// applications forwarded to each vacancy on the page.
pub fn list_with_counts(
    conn: &mut impl AsTx,
    member: &Member,
    limit: i64,
    offset: i64,
) -> Result<CountedPage, Failure> {
    let (rows, total) = list(conn, member, limit, offset)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts = forwarded_counts_for_employer(conn, member.employer_id, &ids)?;
    Ok((rows, total, counts))
}

/// Every vacancy of this employer (id and title), oldest first: the
/// choices of the inbox's vacancy filter.
pub fn titles(conn: &mut impl AsTx, member: &Member) -> Result<Vec<(i64, String)>, Failure> {
    Ok(vacancy_store::ids_for_employer(conn, member.employer_id)?
        .into_iter()
        .map(|v| (v.id, v.title))
        .collect())
}

/// How many applications were forwarded to the employer for one of its
/// vacancies.
pub fn forwarded_count(conn: &mut impl AsTx, member: &Member, id: i64) -> Result<i64, Failure> {
    let counts = forwarded_counts_for_employer(conn, member.employer_id, &[id])?;
    Ok(counts.get(&id).copied().unwrap_or(0))
}

/// Stores a new draft inside the caller's transaction, with its audit row
/// and matching run: the core of [`create`] and of each row of [`import`].
pub fn create_in(
    tx: &mut InTx<'_>,
    member: &Member,
    details: &VacancyDetails,
    origin: Origin,
    at: NaiveDateTime,
) -> Result<i64, Failure> {
    let new = vacancy_store::NewVacancy {
        employer_id: member.employer_id,
        status: VacancyStatus::Draft,
        created_by: Some(member.user_id),
        details,
    };
    let id = vacancy_store::create(tx, new, at)?;
    let detail = match origin {
        Origin::Editor => details.title().to_string(),
        Origin::Import => format!("imported: {}", details.title()),
    };
    record(tx, member, "vacancy.created", id, detail, at)?;
    Ok(id)
}

/// Creates a draft; returns its id.
pub fn create(conn: &mut Conn, member: &Member, details: &VacancyDetails) -> Result<i64, Failure> {
    let at = now();
    conn.write(|tx| create_in(tx, member, details, Origin::Editor, at))
}

/// Imports every row as a draft, all or nothing; returns each new id with
/// its title, in order.
pub fn import(
    conn: &mut Conn,
    member: &Member,
    rows: &[VacancyDetails],
) -> Result<Vec<(i64, String)>, Failure> {
    let at = now();
    conn.write(|tx| {
        rows.iter()
            .map(|details| {
                let id = create_in(tx, member, details, Origin::Import, at)?;
                Ok((id, details.title().to_string()))
            })
            .collect()
    })
}

/// Replaces every field of a vacancy that is not final (a final one is a
/// conflict).
pub fn update(
    conn: &mut Conn,
    member: &Member,
    id: i64,
    details: &VacancyDetails,
) -> Result<(), Failure> {
    let at = now();
    conn.write(|tx| {
        vacancy_store::update(tx, id, member.employer_id, details, at)?;
        let title = details.title().to_string();
        record(tx, member, "vacancy.updated", id, title, at)
    })
}

/// Moves a vacancy along its lifecycle; a move the lifecycle does not allow
/// is a conflict.
pub fn move_to(
    conn: &mut Conn,
    member: &Member,
    id: i64,
    to: VacancyStatus,
) -> Result<(), Failure> {
    let at = now();
    conn.write(|tx| {
        let from = vacancy_store::change_status(tx, id, member.employer_id, to, at)?;
        let detail = format!("{} -> {}", from.as_str(), to.as_str());
        record(tx, member, "vacancy.status_changed", id, detail, at)
    })
}

/// Publishes a draft, or opens a paused vacancy's applications again.
pub fn publish(conn: &mut Conn, member: &Member, id: i64) -> Result<(), Failure> {
    move_to(conn, member, id, VacancyStatus::Published)
}

/// Pauses applications to a published vacancy.
pub fn pause(conn: &mut Conn, member: &Member, id: i64) -> Result<(), Failure> {
    move_to(conn, member, id, VacancyStatus::Paused)
}

/// Marks a vacancy filled.
pub fn fill(conn: &mut Conn, member: &Member, id: i64) -> Result<(), Failure> {
    move_to(conn, member, id, VacancyStatus::Filled)
}

/// Closes a published or paused vacancy.
pub fn close(conn: &mut Conn, member: &Member, id: i64) -> Result<(), Failure> {
    move_to(conn, member, id, VacancyStatus::Closed)
}

/// Withdraws a vacancy.
pub fn withdraw(conn: &mut Conn, member: &Member, id: i64) -> Result<(), Failure> {
    move_to(conn, member, id, VacancyStatus::Withdrawn)
}

/// A new draft with the content of this employer's vacancy; returns its id.
pub fn duplicate(
    conn: &mut Conn,
    member: &Member,
    id: i64,
    taxonomy: &Taxonomy,
) -> Result<i64, Failure> {
    let at = now();
    conn.write(|tx| {
        let copy = vacancy_store::duplicate(
            tx,
            id,
            member.employer_id,
            Some(member.user_id),
            taxonomy,
            at,
        )?;
        let detail = format!("copy of vacancy {id}");
        record(tx, member, "vacancy.created", copy, detail, at)?;
        Ok(copy)
    })
}
