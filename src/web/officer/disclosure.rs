//! A person's disclosure letter on the officer's side: read it (every read
//! of a letter is audited), approve the version read, or ask for changes
//! with a note the person sees. Only the officers of the person's own
//! service reach it; anyone else gets 404.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{caseworker, see_other};
use crate::app::disclosure::{self as letters, Decision};
use crate::app::Failure;
use crate::domain::disclosure::{LetterStatus, NOTE_MAX};
use crate::domain::FieldErrors;
use crate::web::auth::Officer;
use crate::web::errors::AppError;
use crate::web::i18n::Lang;
use crate::web::pages::page;
use crate::web::terminal::seeker::LetterView;
use crate::web::view::Chrome;
use crate::web::AppState;

/// One step of the review history.
pub struct HistoryLine {
    pub at: String,
    pub what: &'static str,
    pub who: String,
    pub version: i64,
    pub note: Option<String>,
}

#[derive(Template)]
#[template(path = "officer/disclosure.html")]
struct LetterPage {
    chrome: Chrome,
    profile_id: i64,
    person: String,
    errors: FieldErrors,
    problem: Option<String>,
    done: Option<&'static str>,
    /// None: no letter yet.
    status: Option<LetterStatus>,
    status_label: &'static str,
    version: i64,
    /// The letter's words (not while the person is still writing).
    lv: Option<LetterView>,
    officer_note: Option<String>,
    history: Vec<HistoryLine>,
    typed_note: String,
    note_max: usize,
}

impl LetterPage {
    fn awaiting(&self) -> bool {
        self.status == Some(LetterStatus::AwaitingReview)
    }

    fn is_draft(&self) -> bool {
        self.status == Some(LetterStatus::Draft)
    }
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

fn done_message(done: &str) -> Option<&'static str> {
    Some(match done {
        "approved" => "You approved the letter. The person can now choose to send it with applications to jobs that check for convictions.",
        "changes" => "You asked for changes. The person sees your note on their terminal.",
        _ => return None,
    })
}

/// What a failed form brings back to the page.
#[derive(Default)]
struct Feedback {
    errors: FieldErrors,
    problem: Option<String>,
    done: Option<&'static str>,
    typed_note: String,
}

async fn letter_page(
    state: &AppState,
    officer: &Officer,
    profile_id: i64,
    status: StatusCode,
    feedback: Feedback,
) -> Result<HttpResponse, AppError> {
    let found = letters::for_officer(state, caseworker(officer), profile_id).await?;
    let history = found
        .reviews
        .iter()
        .map(|r| HistoryLine {
            at: r.at.format("%d %B %Y %H:%M").to_string(),
            what: r.action.label(),
            who: match r.officer_user_id {
                None => "The person".to_string(),
                Some(u) => found
                    .users
                    .iter()
                    .find(|(id, _)| *id == u)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| "An officer".into()),
            },
            version: r.version,
            note: r.note.clone(),
        })
        .collect();
    let letter = found.letter.as_ref();
    let shown = letter.filter(|l| l.status != LetterStatus::Draft);
    Ok(page(
        status,
        &LetterPage {
            chrome: Chrome::of(&officer.ctx),
            profile_id,
            person: found.person.clone(),
            errors: feedback.errors,
            problem: feedback.problem,
            done: feedback.done,
            status: letter.map(|l| l.status),
            status_label: letter.map(|l| l.status.label()).unwrap_or("Not started"),
            version: letter.map(|l| l.version).unwrap_or(0),
            lv: shown.map(|l| {
                LetterView::of(&l.words, Lang::parse(&found.language).unwrap_or_default())
            }),
            officer_note: letter.and_then(|l| l.officer_note.clone()),
            history,
            typed_note: feedback.typed_note,
            note_max: NOTE_MAX,
        },
    ))
}

pub async fn show(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let feedback = Feedback {
        done: done_message(query.done.trim()),
        ..Feedback::default()
    };
    letter_page(
        &state,
        &officer,
        path.into_inner(),
        StatusCode::OK,
        feedback,
    )
    .await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    note: String,
}

async fn decide(
    state: &AppState,
    officer: &Officer,
    profile_id: i64,
    form: DecisionForm,
    approve: bool,
) -> Result<HttpResponse, AppError> {
    let Ok(version) = form.version.trim().parse::<i64>() else {
        // Another service's person is still not found.
        letters::for_officer(state, caseworker(officer), profile_id).await?;
        let feedback = Feedback {
            problem: Some("The form did not say which version of the letter you read. Reload the page and try again.".into()),
            typed_note: form.note,
            ..Feedback::default()
        };
        return letter_page(
            state,
            officer,
            profile_id,
            StatusCode::BAD_REQUEST,
            feedback,
        )
        .await;
    };
    let decision = if approve {
        Decision::Approve
    } else {
        Decision::AskChanges(form.note.clone())
    };
    let result = letters::decide(state, caseworker(officer), profile_id, version, decision).await;
    let (status, feedback) = match result {
        Ok(_) => {
            let done = if approve { "approved" } else { "changes" };
            return Ok(see_other(format!(
                "/officer/profiles/{profile_id}/disclosure?done={done}"
            )));
        }
        Err(Failure::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Feedback {
                errors,
                typed_note: form.note,
                ..Feedback::default()
            },
        ),
        Err(Failure::Conflict(message)) => (
            StatusCode::CONFLICT,
            Feedback {
                problem: Some(format!("This is not possible: {message}.")),
                typed_note: form.note,
                ..Feedback::default()
            },
        ),
        Err(other) => return Err(other.into()),
    };
    letter_page(state, officer, profile_id, status, feedback).await
}

pub async fn approve(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(&state, &officer, path.into_inner(), form.into_inner(), true).await
}

pub async fn ask_changes(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(
        &state,
        &officer,
        path.into_inner(),
        form.into_inner(),
        false,
    )
    .await
}
