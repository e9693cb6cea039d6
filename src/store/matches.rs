//! Stored matches: the pairs a matching run found eligible, and what officers
//! decided about them. A run never undoes a dismissal; a pair that stops
//! being eligible expires, and comes back as suggested if it holds again.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::matches;
use super::{AsTx, StoreResult};
use crate::with_conn;

/// One eligible pair found by a run.
#[derive(Clone, Debug)]
pub struct Found {
    pub profile_id: i64,
    pub vacancy_id: i64,
    pub score: f64,
    pub distance_km: Option<f64>,
    /// The reasons, as JSON.
    pub reasons: String,
}

/// What a run changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOutcome {
    pub suggested: usize,
    pub updated: usize,
    pub expired: usize,
}

/// Which pairs a run looked at: every pair of one vacancy, or of one profile.
#[derive(Clone, Copy, Debug)]
pub enum RunScope {
    Vacancy(i64),
    Profile(i64),
}

/// Applies a run's result: `found` is the whole eligible set for the scope.
/// Call inside a transaction.
pub fn apply_run(
    conn: &mut impl AsTx,
    scope: RunScope,
    found: &[Found],
    at: NaiveDateTime,
) -> StoreResult<RunOutcome> {
    let existing: Vec<(i64, i64, i64, String)> = with_conn!(conn, |c| {
        let query = matches::table
            .select((
                matches::id,
                matches::profile_id,
                matches::vacancy_id,
                matches::status,
            ))
            .into_boxed();
        match scope {
            RunScope::Vacancy(id) => query.filter(matches::vacancy_id.eq(id)).load(c)?,
            RunScope::Profile(id) => query.filter(matches::profile_id.eq(id)).load(c)?,
        }
    });
    let mut by_pair: HashMap<(i64, i64), (i64, String)> = existing
        .into_iter()
        .map(|(id, p, v, status)| ((p, v), (id, status)))
        .collect();
    let mut outcome = RunOutcome::default();
    for pair in found {
        match by_pair.remove(&(pair.profile_id, pair.vacancy_id)) {
            None => {
                with_conn!(conn, |c| diesel::insert_into(matches::table)
                    .values((
                        matches::profile_id.eq(pair.profile_id),
                        matches::vacancy_id.eq(pair.vacancy_id),
                        matches::status.eq("suggested"),
                        matches::score.eq(pair.score),
                        matches::distance_km.eq(pair.distance_km),
                        matches::reasons.eq(&pair.reasons),
                        matches::created_at.eq(at),
                        matches::updated_at.eq(at),
                    ))
                    .execute(c)?);
                outcome.suggested += 1;
            }
            Some((_, status)) if status == "dismissed" => {}
            Some((id, status)) => {
                // An expired pair that holds again is news for the officer.
                let revived = status == "expired";
                with_conn!(conn, |c| diesel::update(matches::table.find(id))
                    .set((
                        matches::score.eq(pair.score),
                        matches::distance_km.eq(pair.distance_km),
                        matches::reasons.eq(&pair.reasons),
                        matches::updated_at.eq(at),
                    ))
                    .execute(c)?);
                if revived {
                    with_conn!(conn, |c| diesel::update(matches::table.find(id))
                        .set((
                            matches::status.eq("suggested"),
                            matches::notified_at.eq(None::<NaiveDateTime>)
                        ))
                        .execute(c)?);
                    outcome.suggested += 1;
                } else {
                    outcome.updated += 1;
                }
            }
        }
    }
    let stale: Vec<i64> = by_pair
        .into_values()
        .filter(|(_, status)| status == "suggested" || status == "approved")
        .map(|(id, _)| id)
        .collect();
    for chunk in stale.chunks(500) {
        outcome.expired += with_conn!(conn, |c| diesel::update(
            matches::table.filter(matches::id.eq_any(chunk))
        )
        .set((matches::status.eq("expired"), matches::updated_at.eq(at)))
        .execute(c)?);
    }
    Ok(outcome)
}

#[derive(Clone, Debug, Queryable, serde::Serialize)]
pub struct StoredMatch {
    pub id: i64,
    pub profile_id: i64,
    pub vacancy_id: i64,
    pub status: String,
    pub score: f64,
    pub distance_km: Option<f64>,
}

/// Stored matches of one profile, by vacancy id.
pub fn for_profile(
    conn: &mut impl AsTx,
    profile_id: i64,
) -> StoreResult<HashMap<i64, StoredMatch>> {
    let rows: Vec<StoredMatch> = with_conn!(conn, |c| matches::table
        .filter(matches::profile_id.eq(profile_id))
        .select((
            matches::id,
            matches::profile_id,
            matches::vacancy_id,
            matches::status,
            matches::score,
            matches::distance_km
        ))
        .load(c)?);
    Ok(rows.into_iter().map(|m| (m.vacancy_id, m)).collect())
}

/// Stored matches of one vacancy, by profile id.
pub fn for_vacancy(
    conn: &mut impl AsTx,
    vacancy_id: i64,
) -> StoreResult<HashMap<i64, StoredMatch>> {
    let rows: Vec<StoredMatch> = with_conn!(conn, |c| matches::table
        .filter(matches::vacancy_id.eq(vacancy_id))
        .select((
            matches::id,
            matches::profile_id,
            matches::vacancy_id,
            matches::status,
            matches::score,
            matches::distance_km
        ))
        .load(c)?);
    Ok(rows.into_iter().map(|m| (m.profile_id, m)).collect())
}

pub fn count_by_status(conn: &mut impl AsTx) -> StoreResult<Vec<(String, i64)>> {
    Ok(with_conn!(conn, |c| matches::table
        .group_by(matches::status)
        .select((matches::status, diesel::dsl::count_star()))
        .order(matches::status)
        .load(c)?))
}
