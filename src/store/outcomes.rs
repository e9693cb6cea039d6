//! Work outcomes: a start (from a started application, or recorded by
//! hand), then whether the person is still in work at 6 weeks, 13 weeks and
//! 6 months. Each check can be answered once, and only once it is due.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::caseload::{six_months_after, six_weeks_after, thirteen_weeks_after};
use super::schema::{outcomes, profiles};
use super::{AsTx, StoreError, StoreResult};
use crate::domain::errors::FieldErrors;
use crate::with_conn;

/// One of the follow-up checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    SixWeeks,
    ThirteenWeeks,
    SixMonths,
}

impl Check {
    pub const ALL: [Check; 3] = [Check::SixWeeks, Check::ThirteenWeeks, Check::SixMonths];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SixWeeks => "6_weeks",
            Self::ThirteenWeeks => "13_weeks",
            Self::SixMonths => "6_months",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SixWeeks => "6 weeks",
            Self::ThirteenWeeks => "13 weeks",
            Self::SixMonths => "6 months",
        }
    }

    /// The day the check falls due.
    pub fn due_on(self, started_on: NaiveDate) -> NaiveDate {
        match self {
            Self::SixWeeks => six_weeks_after(started_on),
            Self::ThirteenWeeks => thirteen_weeks_after(started_on),
            Self::SixMonths => six_months_after(started_on),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Queryable)]
pub struct Outcome {
    pub id: i64,
    pub profile_id: i64,
    pub application_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub started_on: NaiveDate,
    pub in_work_6_weeks: Option<bool>,
    pub in_work_13_weeks: Option<bool>,
    pub in_work_6_months: Option<bool>,
    pub recorded_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Outcome {
    /// The answer recorded for a check, if any.
    pub fn answer(&self, check: Check) -> Option<bool> {
        match check {
            Check::SixWeeks => self.in_work_6_weeks,
            Check::ThirteenWeeks => self.in_work_13_weeks,
            Check::SixMonths => self.in_work_6_months,
        }
    }

    /// Checks due on `today` and not yet answered.
    pub fn due(&self, today: NaiveDate) -> Vec<Check> {
        Check::ALL
            .into_iter()
            .filter(|c| self.answer(*c).is_none() && c.due_on(self.started_on) <= today)
            .collect()
    }
}

macro_rules! columns {
    () => {
        (
            outcomes::id,
            outcomes::profile_id,
            outcomes::application_id,
            outcomes::employer_id,
            outcomes::started_on,
            outcomes::in_work_6_weeks,
            outcomes::in_work_13_weeks,
            outcomes::in_work_6_months,
            outcomes::recorded_by,
            outcomes::created_at,
            outcomes::updated_at,
        )
    };
}

/// A start to follow up.
pub struct NewStart {
    pub profile_id: i64,
    pub application_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub started_on: NaiveDate,
    pub recorded_by: Option<i64>,
}

/// Records a start. A start from an application is recorded once (a second
/// attempt is a conflict). Call with the caller's scope checked.
pub fn record_start(conn: &mut impl AsTx, start: &NewStart, at: NaiveDateTime) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| diesel::insert_into(outcomes::table)
        .values((
            outcomes::profile_id.eq(start.profile_id),
            outcomes::application_id.eq(start.application_id),
            outcomes::employer_id.eq(start.employer_id),
            outcomes::started_on.eq(start.started_on),
            outcomes::recorded_by.eq(start.recorded_by),
            outcomes::created_at.eq(at),
            outcomes::updated_at.eq(at),
        ))
        .returning(outcomes::id)
        .get_result(c)
        .map_err(|e| StoreError::from_write(
            e,
            "this start has already been recorded"
        ))?))
}

/// A person's outcomes, newest start first.
pub fn for_profile(conn: &mut impl AsTx, profile_id: i64) -> StoreResult<Vec<Outcome>> {
    Ok(with_conn!(conn, |c| outcomes::table
        .filter(outcomes::profile_id.eq(profile_id))
        .order((outcomes::started_on.desc(), outcomes::id.desc()))
        .select(columns!())
        .load(c)?))
}

/// The outcome of an application, if its start was recorded.
pub fn for_application(conn: &mut impl AsTx, application_id: i64) -> StoreResult<Option<Outcome>> {
    Ok(with_conn!(conn, |c| outcomes::table
        .filter(outcomes::application_id.eq(application_id))
        .select(columns!())
        .first(c)
        .optional()?))
}

/// One outcome, only if its person belongs to the service.
pub fn load_in_service(
    conn: &mut impl AsTx,
    id: i64,
    service_id: i64,
) -> StoreResult<Option<Outcome>> {
    Ok(with_conn!(conn, |c| outcomes::table
        .inner_join(profiles::table)
        .filter(outcomes::id.eq(id))
        .filter(profiles::service_id.eq(service_id))
        .select(columns!())
        .first(c)
        .optional()?))
}

/// Sets one check's answer if it has none yet; returns the rows changed.
fn set_answer(
    conn: &mut impl AsTx,
    id: i64,
    check: Check,
    in_work: bool,
    at: NaiveDateTime,
) -> Result<usize, diesel::result::Error> {
    macro_rules! answer {
        ($column:expr) => {
            with_conn!(conn, |c| diesel::update(
                outcomes::table.find(id).filter($column.is_null())
            )
            .set(($column.eq(Some(in_work)), outcomes::updated_at.eq(at)))
            .execute(c))
        };
    }
    match check {
        Check::SixWeeks => answer!(outcomes::in_work_6_weeks),
        Check::ThirteenWeeks => answer!(outcomes::in_work_13_weeks),
        Check::SixMonths => answer!(outcomes::in_work_6_months),
    }
}

/// Records the answer to one check: refused (with a message for the form)
/// before the check is due or when it was already answered. Call in a write
/// transaction, with the scope checked.
pub fn record_check(
    conn: &mut impl AsTx,
    id: i64,
    check: Check,
    in_work: bool,
    today: NaiveDate,
    at: NaiveDateTime,
) -> Result<Outcome, FieldErrors> {
    let store_error = |e: StoreError| FieldErrors::single("check", e.to_string());
    let current: Outcome = with_conn!(conn, |c| outcomes::table
        .find(id)
        .select(columns!())
        .first(c)
        .optional())
    .map_err(|e| store_error(e.into()))?
    .ok_or_else(|| FieldErrors::single("check", "This start was not found"))?;
    if current.answer(check).is_some() {
        return Err(FieldErrors::single(
            "check",
            format!("The {} check has already been recorded", check.label()),
        ));
    }
    let due_on = check.due_on(current.started_on);
    if due_on > today {
        return Err(FieldErrors::single(
            "check",
            format!(
                "The {} check is not due until {}",
                check.label(),
                due_on.format("%-d %B %Y")
            ),
        ));
    }
    let result = set_answer(conn, id, check, in_work, at);
    match result {
        Ok(1) => {}
        Ok(_) => {
            return Err(FieldErrors::single(
                "check",
                format!("The {} check has already been recorded", check.label()),
            ))
        }
        Err(e) => return Err(store_error(e.into())),
    }
    let updated: Option<Outcome> = with_conn!(conn, |c| outcomes::table
        .find(id)
        .select(columns!())
        .first(c)
        .optional())
    .map_err(|e| store_error(e.into()))?;
    updated.ok_or_else(|| FieldErrors::single("check", "This start was not found"))
}
