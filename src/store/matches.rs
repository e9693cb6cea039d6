//! Stored matches: the pairs a matching run found eligible, and what officers
//! decided about them. A run never undoes a dismissal; a pair that stops
//! being eligible expires, and comes back as suggested if it holds again.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::matches;
use super::{AsTx, InTx, StoreResult, Tx};
use crate::domain::application::MatchStatus;
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
    /// How many of the vacancy's required skills the person has, and how
    /// many it requires (see [`required_skill_counts`]), stored beside the
    /// reasons for the officer's list of new matches.
    pub required_met: i32,
    pub required_total: i32,
}

impl Found {
    /// The pair as `assess` found it: the reasons as JSON, the required
    /// skill counts taken from the reasons themselves (a run stores
    /// millions of pairs; reading its own JSON back would cost more).
    pub fn assessed(
        profile_id: i64,
        vacancy_id: i64,
        assessment: &crate::domain::matching::Assessment,
    ) -> Self {
        let (required_met, required_total) = required_of(&assessment.reasons);
        Self {
            profile_id,
            vacancy_id,
            score: assessment.score.clamp(0.0, 1.0),
            distance_km: assessment.distance_km,
            reasons: serde_json::to_string(&assessment.reasons).unwrap_or_else(|_| "[]".into()),
            required_met,
            required_total,
        }
    }

    /// A pair with reasons given as JSON (imports of stored data, tests).
    pub fn from_json(
        profile_id: i64,
        vacancy_id: i64,
        score: f64,
        distance_km: Option<f64>,
        reasons: String,
    ) -> Self {
        let (required_met, required_total) = required_skill_counts(&reasons);
        Self {
            profile_id,
            vacancy_id,
            score,
            distance_km,
            reasons,
            required_met,
            required_total,
        }
    }
}

/// What a run changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOutcome {
    pub suggested: usize,
    /// Pairs found again with a different score, distance or reasons.
    pub updated: usize,
    /// Pairs found again exactly as stored: not written.
    pub unchanged: usize,
    pub expired: usize,
}

/// Which pairs a run looked at: every pair of one vacancy, or of one profile.
#[derive(Clone, Copy, Debug)]
pub enum RunScope {
    Vacancy(i64),
    Profile(i64),
}

/// How many required skills a pair's reasons (JSON) say the person has, and
/// how many the vacancy requires; (0, 0) when it requires none.
pub fn required_skill_counts(reasons: &str) -> (i32, i32) {
    let reasons: Vec<crate::domain::matching::Reason> =
        serde_json::from_str(reasons).unwrap_or_default();
    required_of(&reasons)
}

/// [`required_skill_counts`] of reasons as data.
fn required_of(reasons: &[crate::domain::matching::Reason]) -> (i32, i32) {
    reasons
        .iter()
        .find_map(|r| match r {
            crate::domain::matching::Reason::RequiredSkills { matched, total, .. } => Some((
                i32::try_from(matched.len()).unwrap_or(i32::MAX),
                i32::try_from(*total).unwrap_or(i32::MAX),
            )),
            _ => None,
        })
        .unwrap_or((0, 0))
}

/// What a matching run sets on a pair it found.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = matches, treat_none_as_null = true)]
struct Assessed<'a> {
    score: f64,
    distance_km: Option<f64>,
    reasons: &'a str,
    required_met: i32,
    required_total: i32,
    updated_at: NaiveDateTime,
}

/// Marks these matches expired; returns how many.
fn expire(conn: &mut impl AsTx, ids: &[i64], at: NaiveDateTime) -> StoreResult<usize> {
    let mut expired = 0;
    for chunk in ids.chunks(500) {
        expired += with_conn!(conn, |c| diesel::update(
            matches::table.filter(matches::id.eq_any(chunk))
        )
        .set((matches::status.eq("expired"), matches::updated_at.eq(at)))
        .execute(c)?);
    }
    Ok(expired)
}

/// Rows per insert of new pairs ([`insert_new`]): one JSON array of about
/// 2 MB.
const INSERT_CHUNK: usize = 5_000;

/// A pair as it is stored, to tell whether a run changes it.
type Existing = (i64, String, f64, Option<f64>, String);

/// The pairs stored for a run's scope, by (profile, vacancy).
fn existing_pairs(conn: &mut InTx, scope: RunScope) -> StoreResult<HashMap<(i64, i64), Existing>> {
    type Row = (i64, i64, i64, String, f64, Option<f64>, String);
    let existing: Vec<Row> = with_conn!(conn, |c| {
        let query = matches::table
            .select((
                matches::id,
                matches::profile_id,
                matches::vacancy_id,
                matches::status,
                matches::score,
                matches::distance_km,
                matches::reasons,
            ))
            .into_boxed();
        match scope {
            // An anonymised person's matches stay as they were: they are
            // never found again, and the reports count them.
            RunScope::Vacancy(id) => query
                .filter(matches::vacancy_id.eq(id))
                .filter(
                    matches::profile_id.ne_all(
                        super::schema::profiles::table
                            .filter(super::schema::profiles::anonymised_at.is_not_null())
                            .select(super::schema::profiles::id),
                    ),
                )
                .load(c)?,
            RunScope::Profile(id) => query.filter(matches::profile_id.eq(id)).load(c)?,
        }
    });
    Ok(existing
        .into_iter()
        .map(|(id, p, v, status, score, distance, reasons)| {
            ((p, v), (id, status, score, distance, reasons))
        })
        .collect())
}

/// Applies a run's result: `found` is the whole eligible set for the scope.
/// Call inside a transaction. See [`apply_runs`].
pub fn apply_run(
    conn: &mut InTx,
    scope: RunScope,
    found: &[Found],
    at: NaiveDateTime,
) -> StoreResult<RunOutcome> {
    apply_runs(conn, &[(scope, found)], at)
}

/// A pair first found by a run of the batch being applied, not yet
/// inserted: the run's values, and whether a later run of the batch found
/// that it no longer holds.
struct NewPair<'a> {
    found: &'a Found,
    expired: bool,
}

/// Applies the results of several runs, each the whole eligible set for its
/// scope, as if applied one after another, vacancies' runs first. Call
/// inside a transaction.
///
/// A pair whose score, distance and reasons are what the run found again is
/// left untouched, and only the pairs that changed are written one by one:
/// a run over a person with hundreds of matches costs a handful of
/// statements, not hundreds. New pairs go in at the end, every run's
/// together, with multi-row inserts in (profile, vacancy) order: the
/// indexes keyed by profile are then written leaf page after leaf page,
/// where one run's pairs (one vacancy, people all over the table) touched a
/// page of each for every row. A batch of 100 changed vacancies at full
/// scale stores about 240,000 new pairs.
pub fn apply_runs<F: AsRef<[Found]>>(
    conn: &mut InTx,
    runs: &[(RunScope, F)],
    at: NaiveDateTime,
) -> StoreResult<RunOutcome> {
    let mut outcome = RunOutcome::default();
    let mut new: BTreeMap<(i64, i64), NewPair<'_>> = BTreeMap::new();
    let vacancies_first = runs
        .iter()
        .filter(|(scope, _)| matches!(scope, RunScope::Vacancy(_)))
        .chain(
            runs.iter()
                .filter(|(scope, _)| matches!(scope, RunScope::Profile(_))),
        );
    for (scope, found) in vacancies_first {
        let found = found.as_ref();
        let mut by_pair = existing_pairs(conn, *scope)?;
        // A person's run meets the pairs the vacancies' runs just found:
        // each is taken as stored.
        let mut new_in_scope: HashSet<(i64, i64)> = match scope {
            RunScope::Profile(id) => new
                .range((*id, i64::MIN)..=(*id, i64::MAX))
                .filter(|(_, pair)| !pair.expired)
                .map(|(key, _)| *key)
                .collect(),
            RunScope::Vacancy(_) => HashSet::new(),
        };
        for pair in found {
            let key = (pair.profile_id, pair.vacancy_id);
            if let Some(earlier) = new.get_mut(&key) {
                new_in_scope.remove(&key);
                if earlier.expired {
                    outcome.suggested += 1;
                } else if same_values(earlier.found, pair.score, pair.distance_km, &pair.reasons) {
                    outcome.unchanged += 1;
                    continue;
                } else {
                    outcome.updated += 1;
                }
                *earlier = NewPair {
                    found: pair,
                    expired: false,
                };
                continue;
            }
            match by_pair.remove(&key) {
                None => {
                    new.insert(
                        key,
                        NewPair {
                            found: pair,
                            expired: false,
                        },
                    );
                    outcome.suggested += 1;
                }
                Some(stored) => store_again(conn, stored, pair, at, &mut outcome)?,
            }
        }
        for key in new_in_scope {
            if let Some(pair) = new.get_mut(&key) {
                pair.expired = true;
                outcome.expired += 1;
            }
        }
        let stale: Vec<i64> = by_pair
            .into_values()
            .filter(|(_, status, ..)| status == "suggested" || status == "approved")
            .map(|(id, ..)| id)
            .collect();
        outcome.expired += expire(conn, &stale, at)?;
    }
    insert_new(conn, &new, at)?;
    Ok(outcome)
}

/// Whether a pair found has these score, distance and reasons.
fn same_values(found: &Found, score: f64, distance: Option<f64>, reasons: &str) -> bool {
    found.score == score && found.distance_km == distance && found.reasons == reasons
}

/// What a run sets on a pair it found.
fn assessed(pair: &Found, at: NaiveDateTime) -> Assessed<'_> {
    Assessed {
        score: pair.score,
        distance_km: pair.distance_km,
        reasons: &pair.reasons,
        required_met: pair.required_met,
        required_total: pair.required_total,
        updated_at: at,
    }
}

/// A pair found again that is stored already: a dismissal stands, an
/// expired pair is suggested again (news for the officer), a changed one is
/// updated and an unchanged one left alone.
fn store_again(
    conn: &mut InTx,
    (id, status, score, distance, reasons): Existing,
    pair: &Found,
    at: NaiveDateTime,
    outcome: &mut RunOutcome,
) -> StoreResult<()> {
    if status == "dismissed" {
        return Ok(());
    }
    if status == "expired" {
        with_conn!(conn, |c| diesel::update(matches::table.find(id))
            .set((
                assessed(pair, at),
                matches::status.eq("suggested"),
                matches::notified_at.eq(None::<NaiveDateTime>)
            ))
            .execute(c)?);
        outcome.suggested += 1;
    } else if same_values(pair, score, distance, &reasons) {
        outcome.unchanged += 1;
    } else {
        with_conn!(conn, |c| diesel::update(matches::table.find(id))
            .set(assessed(pair, at))
            .execute(c)?);
        outcome.updated += 1;
    }
    Ok(())
}

/// [`insert_new`]'s statement: new pairs from a JSON array of
/// `[profile, vacancy, status, score, distance, reasons, required met,
/// required total]` (the first value bound), all created and updated at the
/// second value bound.
const INSERT_FROM_JSON_SQLITE: &str = "INSERT INTO matches (profile_id, vacancy_id, status, \
     score, distance_km, reasons, required_met, required_total, created_at, updated_at) \
     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, \
     value ->> 6, value ->> 7, ?2, ?2 FROM json_each(?1)";
const INSERT_FROM_JSON_POSTGRES: &str = "INSERT INTO matches (profile_id, vacancy_id, status, \
     score, distance_km, reasons, required_met, required_total, created_at, updated_at) \
     SELECT (r ->> 0)::bigint, (r ->> 1)::bigint, r ->> 2, (r ->> 3)::float8, \
     (r ->> 4)::float8, r ->> 5, (r ->> 6)::int, (r ->> 7)::int, $2, $2 \
     FROM json_array_elements($1::json) AS r";

/// Inserts the batch's new pairs, in key order, [`INSERT_CHUNK`] rows a
/// statement: the rows go as one JSON array, bound as one value, that the
/// database takes apart itself. A statement of 500 rows of 11 values was
/// built, bound and (on SQLite) parsed afresh for every chunk through the
/// query builder, 30% of a store's time; numbers go through JSON exactly
/// (shortest round-trip text both ways).
fn insert_new(
    conn: &mut InTx,
    new: &BTreeMap<(i64, i64), NewPair<'_>>,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let pairs: Vec<&NewPair<'_>> = new.values().collect();
    for chunk in pairs.chunks(INSERT_CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|pair| {
                let found = pair.found;
                (
                    found.profile_id,
                    found.vacancy_id,
                    if pair.expired { "expired" } else { "suggested" },
                    found.score,
                    found.distance_km,
                    &found.reasons,
                    found.required_met,
                    found.required_total,
                )
            })
            .collect();
        let rows = serde_json::to_string(&rows)
            .map_err(|e| super::StoreError::Corrupt(format!("matches to store: {e}")))?;
        let insert = match conn.tx() {
            Tx::Sqlite(_) => INSERT_FROM_JSON_SQLITE,
            Tx::Postgres(_) => INSERT_FROM_JSON_POSTGRES,
        };
        with_conn!(conn, |c| diesel::sql_query(insert)
            .bind::<diesel::sql_types::Text, _>(&rows)
            .bind::<diesel::sql_types::Timestamp, _>(at)
            .execute(c)?);
    }
    Ok(())
}

/// A stored match: the pair, where it is, and how well it fits.
#[derive(Clone, Debug, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = matches)]
pub struct StoredMatch {
    pub id: i64,
    pub profile_id: i64,
    pub vacancy_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: MatchStatus,
    pub score: f64,
    pub distance_km: Option<f64>,
}

/// Stored matches of one profile, by vacancy id.
pub fn for_profile(
    conn: &mut impl AsTx,
    profile_id: i64,
) -> StoreResult<HashMap<i64, StoredMatch>> {
    stored_of(conn, Side::Profile(profile_id))
}

/// Stored matches of one vacancy, by profile id.
pub fn for_vacancy(
    conn: &mut impl AsTx,
    vacancy_id: i64,
) -> StoreResult<HashMap<i64, StoredMatch>> {
    stored_of(conn, Side::Vacancy(vacancy_id))
}

/// One side of the pairs: its matches are keyed by the other side's id.
#[derive(Clone, Copy)]
enum Side {
    Profile(i64),
    Vacancy(i64),
}

fn stored_of(conn: &mut impl AsTx, side: Side) -> StoreResult<HashMap<i64, StoredMatch>> {
    let rows: Vec<StoredMatch> = with_conn!(conn, |c| {
        let query = matches::table.select(StoredMatch::as_select()).into_boxed();
        match side {
            Side::Profile(id) => query.filter(matches::profile_id.eq(id)),
            Side::Vacancy(id) => query.filter(matches::vacancy_id.eq(id)),
        }
        .load(c)?
    });
    Ok(rows
        .into_iter()
        .map(|m| match side {
            Side::Profile(_) => (m.vacancy_id, m),
            Side::Vacancy(_) => (m.profile_id, m),
        })
        .collect())
}

pub fn count_by_status(conn: &mut impl AsTx) -> StoreResult<Vec<(String, i64)>> {
    Ok(with_conn!(conn, |c| matches::table
        .group_by(matches::status)
        .select((matches::status, diesel::dsl::count_star()))
        .order(matches::status)
        .load(c)?))
}

/// Why a decision on a match was refused.
#[derive(Debug, thiserror::Error)]
pub enum DecisionError {
    #[error("match not found")]
    NotFound,
    #[error("a {from} match cannot become {to}")]
    NotAllowed { from: String, to: String },
    #[error("{0}")]
    Invalid(crate::domain::errors::FieldErrors),
    #[error(transparent)]
    Store(#[from] super::StoreError),
}

impl From<diesel::result::Error> for DecisionError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(super::StoreError::from_write(e, "match"))
    }
}

/// One stored match with its officer-facing details (the match's own
/// fields are read through `Deref`).
#[derive(Clone, Debug, serde::Serialize, Queryable, Selectable)]
#[diesel(table_name = matches)]
pub struct MatchRecord {
    #[diesel(embed)]
    #[serde(flatten)]
    pub stored: StoredMatch,
    /// The reasons, as JSON.
    pub reasons: String,
    pub dismiss_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl std::ops::Deref for MatchRecord {
    type Target = StoredMatch;

    fn deref(&self) -> &StoredMatch {
        &self.stored
    }
}

pub fn load(conn: &mut impl AsTx, id: i64) -> StoreResult<Option<MatchRecord>> {
    Ok(with_conn!(conn, |c| matches::table
        .find(id)
        .select(MatchRecord::as_select())
        .first(c)
        .optional()?))
}

/// A profile's stored matches with the given statuses (all when empty),
/// best score first.
pub fn records_for_profile(
    conn: &mut impl AsTx,
    profile_id: i64,
    statuses: &[MatchStatus],
) -> StoreResult<Vec<MatchRecord>> {
    let statuses: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    Ok(with_conn!(conn, |c| {
        let mut query = matches::table
            .filter(matches::profile_id.eq(profile_id))
            .select(MatchRecord::as_select())
            .order((matches::score.desc(), matches::id))
            .into_boxed();
        if !statuses.is_empty() {
            query = query.filter(matches::status.eq_any(statuses));
        }
        query.load(c)?
    }))
}

/// Longest dismissal reason, in characters.
pub const DISMISS_REASON_MAX: usize = 500;

/// An officer approves a suggested match (it then shows on the person's
/// terminal) or dismisses a suggested or approved one with a reason. A
/// dismissed match stays dismissed through later runs. Call inside a write
/// transaction; the caller checks the officer's scope and audits.
pub fn decide(
    conn: &mut impl AsTx,
    id: i64,
    approve: bool,
    dismiss_reason: Option<&str>,
    officer_id: i64,
    at: NaiveDateTime,
) -> Result<MatchRecord, DecisionError> {
    let current = load(conn, id)?.ok_or(DecisionError::NotFound)?;
    let to = if approve {
        MatchStatus::Approved
    } else {
        MatchStatus::Dismissed
    };
    let allowed = matches!(
        (current.status, approve),
        (MatchStatus::Suggested, _) | (MatchStatus::Approved, false)
    );
    if !allowed {
        return Err(DecisionError::NotAllowed {
            from: current.status.to_string(),
            to: to.to_string(),
        });
    }
    let reason = dismiss_reason.map(str::trim).filter(|r| !r.is_empty());
    if !approve {
        match reason {
            None => {
                return Err(DecisionError::Invalid(
                    crate::domain::errors::FieldErrors::single(
                        "dismiss_reason",
                        "Say why this match is dismissed",
                    ),
                ))
            }
            Some(r) if r.chars().count() > DISMISS_REASON_MAX => {
                return Err(DecisionError::Invalid(
                    crate::domain::errors::FieldErrors::single(
                        "dismiss_reason",
                        format!("Write {DISMISS_REASON_MAX} characters or fewer"),
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    // The status check is repeated in the UPDATE so a concurrent decision
    // cannot be overwritten.
    let changed = with_conn!(conn, |c| diesel::update(
        matches::table
            .find(id)
            .filter(matches::status.eq(current.status.as_str()))
    )
    .set((
        matches::status.eq(to.as_str()),
        matches::dismiss_reason.eq(if approve { None } else { reason }),
        matches::decided_by.eq(Some(officer_id)),
        matches::decided_at.eq(Some(at)),
        matches::updated_at.eq(at),
    ))
    .execute(c)?);
    if changed == 0 {
        return Err(DecisionError::NotAllowed {
            from: "changed".to_string(),
            to: to.to_string(),
        });
    }
    load(conn, id)?.ok_or(DecisionError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::matching::{Assessment, Reason};

    fn assessment(reasons: Vec<Reason>) -> Assessment {
        Assessment {
            failures: Vec::new(),
            score: 0.7,
            reasons,
            distance_km: Some(4.5),
            case_by_case: Vec::new(),
        }
    }

    #[test]
    fn a_pair_found_carries_the_counts_its_own_reasons_give() {
        let with_skills = assessment(vec![
            Reason::Remote,
            Reason::RequiredSkills {
                matched: vec!["forklift-counterbalance".into()],
                missing: vec!["food-hygiene-level-2".into(), "first-aid".into()],
                total: 3,
            },
        ]);
        let without = assessment(vec![Reason::Distance { km: 4.5 }]);
        for (reasons, counts) in [(with_skills, (1, 3)), (without, (0, 0))] {
            let found = Found::assessed(7, 9, &reasons);
            assert_eq!((found.required_met, found.required_total), counts);
            assert_eq!(required_skill_counts(&found.reasons), counts);
            let again = Found::from_json(7, 9, 0.7, Some(4.5), found.reasons.clone());
            assert_eq!((again.required_met, again.required_total), counts);
        }
    }
}
