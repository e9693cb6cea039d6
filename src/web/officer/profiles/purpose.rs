//! Why an officer opens a person's restricted sections: asked once per
//! person per staff session, before anything restricted is read. The
//! restricted pages call [`gate`]; without a remembered purpose they answer
//! with the question instead of the page. The answer is kept server-side
//! (`store::purposes`) and goes into every restricted audit row.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;

use crate::app::profiles;
use crate::domain::access_purpose::{
    Purpose, PurposeKind, Recorded, DETAIL_FIELD, DETAIL_MAX_CHARS, PURPOSE_FIELD,
};
use crate::domain::FieldErrors;
use crate::web::auth::Officer;
use crate::web::errors::AppError;
use crate::web::officer::forms::Posted;
use crate::web::officer::{caseworker, see_other};
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

/// The restricted pages of a person the question can lead back to. Only
/// these are followed after the answer, so `next` cannot send anyone
/// elsewhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// `/officer/profiles/{id}/restricted`
    Page,
    /// `/officer/profiles/{id}/restricted/edit`
    Edit,
}

impl Next {
    fn slug(self) -> &'static str {
        match self {
            Next::Page => "page",
            Next::Edit => "edit",
        }
    }

    /// The slug sent back by the form; anything else is the page.
    fn read(slug: &str) -> Self {
        if slug == "edit" {
            Next::Edit
        } else {
            Next::Page
        }
    }

    fn location(self, id: i64) -> String {
        match self {
            Next::Page => format!("/officer/profiles/{id}/restricted"),
            Next::Edit => format!("/officer/profiles/{id}/restricted/edit"),
        }
    }
}

#[derive(Template)]
#[template(path = "officer/purpose.html")]
struct PurposePage {
    chrome: Chrome,
    id: i64,
    name: String,
    next: &'static str,
    choices: Vec<(&'static str, &'static str)>,
    chosen: String,
    detail: String,
    detail_max: usize,
    errors: FieldErrors,
}

/// The staff session the purpose belongs to. An officer always signs in
/// with a session; without one nothing could be remembered.
fn session_of(officer: &Officer) -> Result<i64, AppError> {
    officer
        .actor
        .session_id
        .ok_or_else(|| AppError::BadRequest("Sign in to see restricted information".into()))
}

/// The question page, with what was typed and what is wrong with it.
async fn question(
    state: &AppState,
    officer: &Officer,
    id: i64,
    next: Next,
    (status, chosen, detail, errors): (StatusCode, String, String, FieldErrors),
) -> Result<HttpResponse, AppError> {
    let name = profiles::name_for_purpose(state, caseworker(officer), id).await?;
    Ok(page(
        status,
        &PurposePage {
            chrome: Chrome::of(&officer.ctx),
            id,
            name,
            next: next.slug(),
            choices: PurposeKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect(),
            chosen,
            detail,
            detail_max: DETAIL_MAX_CHARS,
            errors,
        },
    ))
}

/// The purpose this session gave for this person, or the page asking for
/// it (200; nothing restricted is read or audited).
pub async fn gate(
    state: &AppState,
    officer: &Officer,
    id: i64,
    next: Next,
) -> Result<Result<Recorded, HttpResponse>, AppError> {
    let session_id = session_of(officer)?;
    match profiles::session_purpose(state, session_id, id).await? {
        Some(p) => Ok(Ok(Recorded::Given(p))),
        None => {
            let blank = (
                StatusCode::OK,
                String::new(),
                String::new(),
                FieldErrors::new(),
            );
            Ok(Err(question(state, officer, id, next, blank).await?))
        }
    }
}

/// POST `/officer/profiles/{id}/restricted/purpose`: checks the answer,
/// remembers it for this session and person, and goes on to the page
/// asked for (303); a missing or short answer is 422 beside its field.
pub async fn give(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    let next = Next::read(&form.text("next"));
    let (chosen, detail) = (form.text(PURPOSE_FIELD), form.text(DETAIL_FIELD));
    let purpose = match Purpose::parse(&chosen, &detail) {
        Ok(p) => p,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let asked = (status, chosen, detail, errors);
            return question(&state, &officer, id, next, asked).await;
        }
    };
    let session_id = session_of(&officer)?;
    profiles::give_purpose(&state, caseworker(&officer), session_id, id, purpose).await?;
    Ok(see_other(next.location(id)))
}
