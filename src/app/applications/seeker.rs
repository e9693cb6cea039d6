//! Use cases of the person applying, on a terminal page or through the
//! terminal API (both call these): keep a statement as a draft, send it
//! (once per vacancy, telling the officer), and withdraw.

use crate::app::AppState;
use crate::app::Failure;
use crate::domain::application::ApplicationStatus;
use crate::domain::FieldErrors;
use crate::store::applications::{self as apps, ApplicationError};
use crate::store::{self, StoreError};

/// Why a seeker's request found nothing or failed.
#[derive(Debug, thiserror::Error)]
pub enum SeekerError {
    #[error("not found")]
    NotFound,
    #[error("invalid")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for SeekerError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<crate::matches::MatchError> for SeekerError {
    fn from(e: crate::matches::MatchError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<SeekerError> for Failure {
    fn from(e: SeekerError) -> Self {
        match e {
            SeekerError::NotFound => Self::NotFound,
            SeekerError::Invalid(fields) => Self::Invalid(fields),
            SeekerError::Internal(m) => Self::Internal(m),
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum SubmitError {
    #[error(transparent)]
    Application(#[from] ApplicationError),
    #[error(transparent)]
    Notify(#[from] crate::notify::NotifyError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Letter(#[from] Failure),
}

impl From<diesel::result::Error> for SubmitError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Application(e.into())
    }
}

/// Submits (idempotently) and, when this call created the application,
/// queues the officer's email in the same transaction (nothing sent with
/// it: see [`submit_with`]).
pub async fn submit(
    state: &AppState,
    profile_id: i64,
    vacancy_id: i64,
    statement: String,
) -> Result<apps::Submitted, SeekerError> {
    submit_with(state, profile_id, vacancy_id, statement, Sent::default()).await
}

/// The person's choice to send their disclosure letter with an
/// application: the vacancy's check level and the person's language.
pub type LetterChoice = Option<(crate::domain::vacancy::CheckLevel, String)>;

/// What the person chose to send with an application.
#[derive(Clone, Debug, Default)]
pub struct Sent {
    /// Their CV, as it is now.
    pub cv: bool,
    /// Their approved disclosure letter.
    pub letter: LetterChoice,
}

/// Like [`submit`]; when this call creates the application, the person's
/// CV as it is now and a copy of their approved letter go with it when
/// they chose to send them, in the same transaction, or nothing is written
/// (`Invalid` on "disclosure").
pub async fn submit_with(
    state: &AppState,
    profile_id: i64,
    vacancy_id: i64,
    statement: String,
    sent: Sent,
) -> Result<apps::Submitted, SeekerError> {
    let (config, taxonomy) = (state.config.clone(), state.taxonomy.clone());
    let outcome = crate::app::run(&state.store, move |conn| {
        let at = store::now();
        conn.write(|tx| {
            let submitted = apps::submit(tx, profile_id, vacancy_id, &statement, at)?;
            if submitted.created && sent.cv {
                let id = submitted.application.id;
                crate::app::cvs::attach_in_tx(tx, &taxonomy, profile_id, id, at)?;
            }
            if let (true, Some((level, language))) = (submitted.created, &sent.letter) {
                let id = submitted.application.id;
                crate::app::disclosure::attach_in(tx, profile_id, id, *level, language, at)?;
            }
            if submitted.created {
                crate::notify::officer::application_awaiting_review(
                    tx,
                    &config,
                    submitted.application.id,
                )?;
            }
            Ok::<_, SubmitError>(submitted)
        })
    })
    .await;
    match outcome {
        Ok(submitted) => Ok(submitted),
        Err(SubmitError::Application(ApplicationError::Invalid(fields))) => {
            Err(SeekerError::Invalid(fields))
        }
        Err(SubmitError::Application(ApplicationError::NotFound)) => Err(SeekerError::NotFound),
        Err(SubmitError::Letter(Failure::Invalid(fields))) => Err(SeekerError::Invalid(fields)),
        Err(e) => Err(SeekerError::Internal(e.to_string())),
    }
}

/// Keeps a statement for later without sending it. A statement the store
/// refuses (too long) is `Invalid`.
pub async fn save_draft(
    state: &AppState,
    profile_id: i64,
    vacancy_id: i64,
    statement: String,
) -> Result<(), SeekerError> {
    let saved = crate::app::run(&state.store, move |conn| {
        let at = store::now();
        conn.write(|tx| apps::save_draft(tx, profile_id, vacancy_id, &statement, at))
    })
    .await;
    match saved {
        Ok(()) => Ok(()),
        Err(ApplicationError::Invalid(fields)) => Err(SeekerError::Invalid(fields)),
        Err(e) => Err(SeekerError::Internal(e.to_string())),
    }
}

/// Withdraws the person's application for a vacancy. Withdrawing one that
/// has already ended changes nothing.
pub async fn withdraw(
    state: &AppState,
    profile_id: i64,
    vacancy_id: i64,
) -> Result<(), SeekerError> {
    let outcome = crate::app::run(&state.store, move |conn| {
        let at = store::now();
        conn.write(|tx| {
            let Some(a) = apps::find(tx, profile_id, vacancy_id)? else {
                return Err(ApplicationError::NotFound);
            };
            if a.status.is_final() {
                return Ok(());
            }
            apps::change_status(
                tx,
                a.id,
                &apps::Change::to(ApplicationStatus::Withdrawn),
                apps::Actor::seeker(),
                at,
            )?;
            Ok(())
        })
    })
    .await;
    match outcome {
        Ok(()) | Err(ApplicationError::Refused(_)) => Ok(()),
        Err(ApplicationError::NotFound) => Err(SeekerError::NotFound),
        Err(e) => Err(SeekerError::Internal(e.to_string())),
    }
}
