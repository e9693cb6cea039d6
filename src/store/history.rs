//! Made-up history written in bulk: the demo's year of activity and the
//! synthetic set's matches, applications, events and outcomes. The seeds
//! decide what happened; these functions only read what they start from
//! and write the rows, many per statement.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    application_events, applications, matches, outcomes, profiles, users, vacancies,
};
use super::{AsTx, InTx, StoreError, StoreResult};
use crate::with_conn;

/// A person with no matches yet, with the dates a seed may move.
#[derive(Clone, Copy, Debug)]
pub struct Unmatched {
    pub id: i64,
    pub service_id: i64,
    pub officer_id: Option<i64>,
    pub release_date: NaiveDate,
    pub rotl_eligible_from: Option<NaiveDate>,
}

/// Everyone without a match, by id.
pub fn unmatched_people(conn: &mut impl AsTx) -> StoreResult<Vec<Unmatched>> {
    type Row = (i64, i64, Option<i64>, NaiveDate, Option<NaiveDate>);
    let rows: Vec<Row> = with_conn!(conn, |c| profiles::table
        .filter(diesel::dsl::not(diesel::dsl::exists(
            matches::table.filter(matches::profile_id.eq(profiles::id))
        )))
        .select((
            profiles::id,
            profiles::service_id,
            profiles::officer_id,
            profiles::release_date,
            profiles::rotl_eligible_from,
        ))
        .order(profiles::id)
        .load(c)?);
    Ok(rows
        .into_iter()
        .map(
            |(id, service_id, officer_id, release_date, rotl)| Unmatched {
                id,
                service_id,
                officer_id,
                release_date,
                rotl_eligible_from: rotl,
            },
        )
        .collect())
}

/// Published vacancies with their employer, by id.
pub fn published_vacancies(conn: &mut impl AsTx) -> StoreResult<Vec<(i64, i64)>> {
    Ok(with_conn!(conn, |c| vacancies::table
        .filter(vacancies::status.eq("published"))
        .select((vacancies::id, vacancies::employer_id))
        .order(vacancies::id)
        .load(c)?))
}

/// The employer of every vacancy.
pub fn employer_of_every_vacancy(conn: &mut impl AsTx) -> StoreResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = with_conn!(conn, |c| vacancies::table
        .select((vacancies::id, vacancies::employer_id))
        .load(c)?);
    Ok(rows.into_iter().collect())
}

/// Moves a person's release (and ROTL) date; `touched` also moves
/// `updated_at`.
pub fn move_release(
    tx: &mut InTx,
    id: i64,
    release: NaiveDate,
    rotl: Option<NaiveDate>,
    touched: Option<NaiveDateTime>,
) -> StoreResult<()> {
    with_conn!(tx, |c| match touched {
        Some(at) => diesel::update(profiles::table.find(id))
            .set((
                profiles::release_date.eq(release),
                profiles::rotl_eligible_from.eq(rotl),
                profiles::updated_at.eq(at),
            ))
            .execute(c),
        None => diesel::update(profiles::table.find(id))
            .set((
                profiles::release_date.eq(release),
                profiles::rotl_eligible_from.eq(rotl),
            ))
            .execute(c),
    }
    .map_err(StoreError::from))?;
    Ok(())
}

/// Adds an officer who cannot sign in (no valid password hash) and gives
/// them these people; returns the officer's id.
pub fn add_officer_with_caseload(
    tx: &mut InTx,
    email: &str,
    display_name: &str,
    service_id: i64,
    caseload: &[i64],
    at: NaiveDateTime,
) -> StoreResult<i64> {
    with_conn!(tx, |c| {
        let officer: i64 = diesel::insert_into(users::table)
            .values((
                users::email.eq(email),
                users::display_name.eq(display_name),
                // Not a valid hash: these accounts cannot sign in.
                users::password_hash.eq("!synthetic"),
                users::role.eq("officer"),
                users::service_id.eq(Some(service_id)),
                users::password_changed_at.eq(at),
                users::created_at.eq(at),
                users::updated_at.eq(at),
            ))
            .returning(users::id)
            .get_result(c)?;
        diesel::update(profiles::table.filter(profiles::id.eq_any(caseload)))
            .set((
                profiles::officer_id.eq(Some(officer)),
                profiles::updated_at.eq(at),
            ))
            .execute(c)?;
        Ok(officer)
    })
}

/// A match as a seed made it.
#[derive(Insertable)]
#[diesel(table_name = matches)]
pub struct MatchRow {
    pub profile_id: i64,
    pub vacancy_id: i64,
    pub status: &'static str,
    pub score: f64,
    pub distance_km: Option<f64>,
    pub reasons: String,
    pub required_met: i32,
    pub required_total: i32,
    pub dismiss_reason: Option<&'static str>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An application as a seed made it.
#[derive(Insertable)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    pub profile_id: i64,
    pub vacancy_id: i64,
    pub status: &'static str,
    pub statement: &'static str,
    pub unsuccessful_reason: Option<&'static str>,
    pub start_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One step of an application.
#[derive(Insertable)]
#[diesel(table_name = application_events)]
pub struct EventRow {
    pub application_id: i64,
    pub from_status: Option<&'static str>,
    pub to_status: &'static str,
    pub actor_kind: &'static str,
    pub at: NaiveDateTime,
}

/// A start and its follow-ups.
#[derive(Insertable)]
#[diesel(table_name = outcomes)]
pub struct OutcomeRow {
    pub profile_id: i64,
    pub application_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub started_on: NaiveDate,
    pub in_work_6_weeks: Option<bool>,
    pub in_work_13_weeks: Option<bool>,
    pub in_work_6_months: Option<bool>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_matches(tx: &mut InTx, rows: &[MatchRow]) -> StoreResult<()> {
    with_conn!(tx, |c| {
        insert_chunks!(c, matches::table, rows);
        Ok(())
    })
}

pub fn insert_applications(tx: &mut InTx, rows: &[ApplicationRow]) -> StoreResult<()> {
    with_conn!(tx, |c| {
        insert_chunks!(c, applications::table, rows);
        Ok(())
    })
}

/// Stores one application; returns its id.
pub fn insert_application(tx: &mut InTx, row: &ApplicationRow) -> StoreResult<i64> {
    Ok(with_conn!(tx, |c| diesel::insert_into(applications::table)
        .values(row)
        .returning(applications::id)
        .get_result(c)?))
}

/// The id of each application of these people, by (person, vacancy).
pub fn application_ids(
    tx: &mut InTx,
    profile_ids: &[i64],
) -> StoreResult<HashMap<(i64, i64), i64>> {
    let rows: Vec<(i64, i64, i64)> = with_conn!(tx, |c| applications::table
        .filter(applications::profile_id.eq_any(profile_ids))
        .select((
            applications::profile_id,
            applications::vacancy_id,
            applications::id,
        ))
        .load(c)?);
    Ok(rows.into_iter().map(|(p, v, id)| ((p, v), id)).collect())
}

pub fn insert_events(tx: &mut InTx, rows: &[EventRow]) -> StoreResult<()> {
    with_conn!(tx, |c| {
        insert_chunks!(c, application_events::table, rows);
        Ok(())
    })
}

pub fn insert_outcomes(tx: &mut InTx, rows: &[OutcomeRow]) -> StoreResult<()> {
    with_conn!(tx, |c| {
        insert_chunks!(c, outcomes::table, rows);
        Ok(())
    })
}

/// Refreshes the planner's statistics after a bulk load.
pub fn analyze(conn: &mut impl AsTx) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::sql_query("ANALYZE").execute(c))?;
    Ok(())
}

#[derive(QueryableByName)]
struct Size {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    bytes: i64,
}

/// The database's size on disk, in bytes.
pub fn database_bytes(conn: &mut impl AsTx) -> StoreResult<u64> {
    let size = match conn.tx() {
        super::Tx::Postgres(c) => {
            diesel::sql_query("SELECT pg_database_size(current_database())::BIGINT AS bytes")
                .get_result::<Size>(c)?
        }
        super::Tx::Sqlite(c) => diesel::sql_query(
            "SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()",
        )
        .get_result::<Size>(c)?,
    };
    Ok(size.bytes.max(0) as u64)
}
