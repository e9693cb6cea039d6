//! Officers' watches on pairs that fail only on time: one live watch per
//! officer and pair (a partial unique index), with the eligible-from date
//! last computed. The worker's daily pass takes the watches due on a day
//! ([`due`]) and ends, reschedules or notifies each.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{employers, match_watches, profiles, users, vacancies};
use super::{AsTx, InTx, StoreError, StoreResult};
use crate::with_conn;

/// Why a watch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The officer was emailed: the pair is eligible.
    Notified,
    /// The officer stopped watching.
    Cancelled,
    /// The vacancy closed (or was withdrawn, filled or paused) first.
    VacancyClosed,
    /// Something changed so that time alone no longer makes the pair
    /// eligible (a new exclusion, a certificate lapsed).
    NotEligible,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Notified => "notified",
            EndReason::Cancelled => "cancelled",
            EndReason::VacancyClosed => "vacancy_closed",
            EndReason::NotEligible => "not_eligible",
        }
    }
}

/// A live watch.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = match_watches)]
pub struct Watch {
    pub id: i64,
    pub user_id: i64,
    pub profile_id: i64,
    pub vacancy_id: i64,
    pub eligible_from: NaiveDate,
}

/// Starts watching a pair for the officer, or moves the date of the live
/// watch they already have. Returns the watch's id.
pub fn watch(
    tx: &mut InTx,
    user_id: i64,
    profile_id: i64,
    vacancy_id: i64,
    eligible_from: NaiveDate,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    if let Some(live) = live(tx, user_id, profile_id, vacancy_id)? {
        reschedule(tx, live.id, eligible_from, at)?;
        return Ok(live.id);
    }
    with_conn!(tx, |c| diesel::insert_into(match_watches::table)
        .values((
            match_watches::user_id.eq(user_id),
            match_watches::profile_id.eq(profile_id),
            match_watches::vacancy_id.eq(vacancy_id),
            match_watches::eligible_from.eq(eligible_from),
            match_watches::created_at.eq(at),
            match_watches::updated_at.eq(at),
        ))
        .returning(match_watches::id)
        .get_result::<i64>(c))
    .map_err(|e| StoreError::from_write(e, "a watch on this pair already exists"))
}

/// The officer's live watch on a pair.
pub fn live(
    conn: &mut impl AsTx,
    user_id: i64,
    profile_id: i64,
    vacancy_id: i64,
) -> StoreResult<Option<Watch>> {
    Ok(with_conn!(conn, |c| match_watches::table
        .filter(match_watches::user_id.eq(user_id))
        .filter(match_watches::profile_id.eq(profile_id))
        .filter(match_watches::vacancy_id.eq(vacancy_id))
        .filter(match_watches::ended_at.is_null())
        .select(Watch::as_select())
        .first(c)
        .optional())?)
}

/// The officer's live watch with this id.
pub fn live_by_id(conn: &mut impl AsTx, id: i64, user_id: i64) -> StoreResult<Option<Watch>> {
    Ok(with_conn!(conn, |c| match_watches::table
        .filter(match_watches::id.eq(id))
        .filter(match_watches::user_id.eq(user_id))
        .filter(match_watches::ended_at.is_null())
        .select(Watch::as_select())
        .first(c)
        .optional())?)
}

/// Ends the watch; `notified` when the officer was emailed.
pub fn end(tx: &mut InTx, id: i64, reason: EndReason, at: NaiveDateTime) -> StoreResult<bool> {
    let notified = (reason == EndReason::Notified).then_some(at);
    let n = with_conn!(tx, |c| diesel::update(
        match_watches::table
            .filter(match_watches::id.eq(id))
            .filter(match_watches::ended_at.is_null())
    )
    .set((
        match_watches::ended_at.eq(at),
        match_watches::end_reason.eq(reason.as_str()),
        match_watches::notified_at.eq(notified),
        match_watches::updated_at.eq(at),
    ))
    .execute(c))?;
    Ok(n == 1)
}

/// Moves a live watch to a new date.
pub fn reschedule(
    tx: &mut InTx,
    id: i64,
    eligible_from: NaiveDate,
    at: NaiveDateTime,
) -> StoreResult<()> {
    with_conn!(tx, |c| diesel::update(
        match_watches::table
            .filter(match_watches::id.eq(id))
            .filter(match_watches::ended_at.is_null())
    )
    .set((
        match_watches::eligible_from.eq(eligible_from),
        match_watches::updated_at.eq(at),
    ))
    .execute(c))?;
    Ok(())
}

/// Live watches whose date is `day` or before, after `after_id`, in id
/// order, at most `limit` (the daily pass pages through them).
pub fn due(
    conn: &mut impl AsTx,
    day: NaiveDate,
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<Watch>> {
    Ok(with_conn!(conn, |c| match_watches::table
        .filter(match_watches::ended_at.is_null())
        .filter(match_watches::eligible_from.le(day))
        .filter(match_watches::id.gt(after_id))
        .order(match_watches::id)
        .limit(limit)
        .select(Watch::as_select())
        .load(c))?)
}

/// What the watch email names: the officer, the person as officers see
/// them in email (pseudonym and reference), and the vacancy.
#[derive(Debug, Clone, Queryable)]
pub struct WatchParties {
    pub officer_name: String,
    pub officer_email: String,
    pub officer_disabled: bool,
    pub pseudonym: String,
    pub reference: String,
    pub vacancy_title: String,
    pub employer_name: String,
}

/// The parties of a watch.
pub fn parties(conn: &mut impl AsTx, watch: &Watch) -> StoreResult<WatchParties> {
    let (officer_name, officer_email, disabled) = with_conn!(conn, |c| users::table
        .filter(users::id.eq(watch.user_id))
        .select((users::display_name, users::email, users::disabled_at))
        .first::<(String, String, Option<NaiveDateTime>)>(c))?;
    let (pseudonym, reference) = with_conn!(conn, |c| profiles::table
        .filter(profiles::id.eq(watch.profile_id))
        .select((profiles::pseudonym, profiles::reference))
        .first::<(String, String)>(c))?;
    let (vacancy_title, employer_name) = with_conn!(conn, |c| vacancies::table
        .inner_join(employers::table)
        .filter(vacancies::id.eq(watch.vacancy_id))
        .select((vacancies::title, employers::name))
        .first::<(String, String)>(c))?;
    Ok(WatchParties {
        officer_name,
        officer_email,
        officer_disabled: disabled.is_some(),
        pseudonym,
        reference,
        vacancy_title,
        employer_name,
    })
}

/// The people assigned to an officer in their service (not anonymised):
/// whose pairs the "soon eligible" list looks at.
pub fn caseload(conn: &mut impl AsTx, service_id: i64, user_id: i64) -> StoreResult<Vec<i64>> {
    Ok(with_conn!(conn, |c| profiles::table
        .filter(profiles::service_id.eq(service_id))
        .filter(profiles::officer_id.eq(user_id))
        .filter(profiles::anonymised_at.is_null())
        .order(profiles::id)
        .select(profiles::id)
        .load(c))?)
}
