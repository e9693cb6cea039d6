//! Outcomes recorded by case officers: a start (by hand, or from an
//! application where the person started work) and the answers to the
//! 6-week, 13-week and 6-month checks. Each is audited with the change.

use chrono::{NaiveDate, NaiveDateTime};

use super::profiles::{audit_profile, Caseworker};
use super::Failure;
use crate::app::AppState;
use crate::domain::application::ApplicationStatus;
use crate::store::audit::Actor;
use crate::store::outcomes::{self, Check, NewStart, Outcome};
use crate::store::{self, AsTx, StoreError};

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The audit row for a change to a person's outcomes.
fn audit_outcome(
    conn: &mut impl AsTx,
    actor: &Actor,
    action: &'static str,
    profile_id: i64,
    detail: String,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    audit_profile(conn, actor, action, profile_id, Some(detail), at)
}

/// Records by hand that a person of the officer's service started work.
pub async fn record_start(
    state: &AppState,
    officer: Caseworker,
    profile_id: i64,
    started_on: NaiveDate,
) -> Result<(), Failure> {
    let taxonomy = state.taxonomy.clone();
    super::run(&state.store, move |conn| {
        store::profiles::load_in_service(conn, profile_id, officer.service_id, &taxonomy)?;
        let at = store::now();
        conn.write(|tx| {
            let start = NewStart {
                profile_id,
                application_id: None,
                employer_id: None,
                started_on,
                recorded_by: Some(officer.user_id),
            };
            let outcome = outcomes::record_start(tx, &start, at)?;
            let detail = format!("outcome {outcome} by hand");
            audit_outcome(
                tx,
                &officer.actor,
                "outcome.start_recorded",
                profile_id,
                detail,
                at,
            )?;
            Ok::<_, Failure>(())
        })
    })
    .await
}

/// One outcome, only if its person belongs to the service.
pub async fn in_service(state: &AppState, service_id: i64, id: i64) -> Result<Outcome, Failure> {
    super::run(&state.store, move |c| {
        outcomes::load_in_service(c, id, service_id)?.ok_or(Failure::NotFound)
    })
    .await
}

/// Answers one due check of an outcome: still in work, or not. A check
/// that cannot be answered now is `Invalid` with the reason. Answers the
/// person's id.
pub async fn record_check(
    state: &AppState,
    officer: Caseworker,
    id: i64,
    check: Check,
    in_work: bool,
) -> Result<i64, Failure> {
    super::run(&state.store, move |conn| {
        let at = store::now();
        conn.write(|tx| {
            let o = outcomes::record_check(tx, id, check, in_work, today(), at)
                .map_err(Failure::Invalid)?;
            let detail = format!("outcome {id}: {} in work: {in_work}", check.label());
            audit_outcome(
                tx,
                &officer.actor,
                "outcome.check_recorded",
                o.profile_id,
                detail,
                at,
            )?;
            Ok(o.profile_id)
        })
    })
    .await
}

/// Records the start of an application of the service where the person
/// started work, for the outcome checks. Not `Conflict` when the
/// application is not started; `Conflict` (from the store) when the start
/// is already recorded. Answers the person's id.
pub async fn start_from_application(
    state: &AppState,
    officer: Caseworker,
    application_id: i64,
) -> Result<i64, StartError> {
    super::run(&state.store, move |conn| {
        let app = store::applications::load_in_service(conn, application_id, officer.service_id)?
            .ok_or(StoreError::NotFound)?;
        let (ApplicationStatus::Started, Some(started_on)) = (app.status, app.start_date) else {
            return Err(StartError::NotStarted);
        };
        let employer_id = store::caseload::vacancy_employer(conn, app.vacancy_id)?;
        let at = store::now();
        conn.write(|tx| {
            let start = NewStart {
                profile_id: app.profile_id,
                application_id: Some(application_id),
                employer_id,
                started_on,
                recorded_by: Some(officer.user_id),
            };
            let outcome = outcomes::record_start(tx, &start, at)?;
            let detail = format!("outcome {outcome} from application {application_id}");
            let action = "outcome.start_recorded";
            audit_outcome(tx, &officer.actor, action, app.profile_id, detail, at)?;
            Ok(app.profile_id)
        })
    })
    .await
}

/// Why a start could not be recorded from an application.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("Only an application where the person started work can be followed up")]
    NotStarted,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for StartError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

impl From<StartError> for Failure {
    fn from(e: StartError) -> Self {
        match e {
            StartError::NotStarted => Failure::Conflict(e.to_string()),
            StartError::Store(e) => e.into(),
        }
    }
}
