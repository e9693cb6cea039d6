//! The profile editor: a new profile, and changes to one, without the
//! restricted sections.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::form::{options, Options, ProfileForm};
use crate::app::{profiles, Failure};
use crate::domain::profile::{is_restricted_field, ProfileInput};
use crate::domain::profile::{ProfileDetails, PROFILE_FIELDS};
use crate::domain::FieldErrors;
use crate::web::auth::Officer;
use crate::web::errors::AppError;
use crate::web::officer::forms::{self as forms, Form, Posted};
use crate::web::officer::{caseworker, see_other};
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "officer/profile_form.html")]
struct EditorPage {
    chrome: Chrome,
    /// None for a new profile.
    id: Option<i64>,
    form: ProfileForm,
    errors: FieldErrors,
    opts: Options,
}

fn editor(
    status: StatusCode,
    officer: &Officer,
    state: &AppState,
    id: Option<i64>,
    form: ProfileForm,
    errors: FieldErrors,
) -> HttpResponse {
    page(
        status,
        &EditorPage {
            chrome: Chrome::of(&officer.ctx),
            id,
            form,
            errors,
            opts: options(&state.taxonomy),
        },
    )
}

pub async fn new_form(state: web::Data<AppState>, officer: Officer) -> HttpResponse {
    editor(
        StatusCode::OK,
        &officer,
        &state,
        None,
        ProfileForm::blank(),
        FieldErrors::new(),
    )
}

/// A save that failed on the reference (already in the service) goes
/// back to the form; any other failure is answered as it is.
fn saved_or_rerender(
    officer: &Officer,
    state: &AppState,
    id: Option<i64>,
    form: ProfileForm,
    saved: Result<String, Failure>,
) -> Result<HttpResponse, AppError> {
    match saved {
        Ok(location) => Ok(see_other(location)),
        Err(Failure::Invalid(errors)) => Ok(rerender(officer, state, id, form, errors)),
        Err(other) => Err(other.into()),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    officer: Officer,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = ProfileForm::read(&Form::parse(&body)?);
    let (input, mine) = form.apply(&ProfileInput::default());
    let details = match ProfileDetails::parse(&input, &state.taxonomy) {
        Ok(d) if mine.is_empty() => d,
        Ok(_) => return Ok(rerender(&officer, &state, None, form, mine)),
        Err(theirs) => {
            let errors = forms::merge(mine, theirs, PROFILE_FIELDS);
            return Ok(rerender(&officer, &state, None, form, errors));
        }
    };
    let saved = profiles::create(&state, caseworker(&officer), details)
        .await
        .map(|id| format!("/officer/profiles/{id}?saved=created"));
    saved_or_rerender(&officer, &state, None, form, saved)
}

fn rerender(
    officer: &Officer,
    state: &AppState,
    id: Option<i64>,
    mut form: ProfileForm,
    errors: FieldErrors,
) -> HttpResponse {
    form.pad();
    editor(
        StatusCode::UNPROCESSABLE_ENTITY,
        officer,
        state,
        id,
        form,
        errors,
    )
}

/// The general editor never shows what is wrong with a restricted section
/// (the message could reveal a curfew or an offence): it points to that
/// section's own page, where the view is audited.
fn without_restricted(errors: FieldErrors, id: i64) -> FieldErrors {
    let mut kept = FieldErrors::new();
    let mut hidden = false;
    for (field, messages) in errors.iter() {
        if is_restricted_field(field) {
            hidden = true;
            continue;
        }
        for message in messages {
            kept.add(field, message.clone());
        }
    }
    if hidden {
        kept.add(
            "restricted",
            format!("The offence, licence and barred information needs correcting first: open it from the profile page (/officer/profiles/{id}/restricted)"),
        );
    }
    kept
}

pub async fn edit_form(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    // Every read of a person's record is audited, as on the profile page;
    // the editor holds no restricted section.
    let profile = profiles::view_for_editor(&state, caseworker(&officer), id).await?;
    Ok(editor(
        StatusCode::OK,
        &officer,
        &state,
        Some(id),
        ProfileForm::of(&profile.details.to_input()),
        FieldErrors::new(),
    ))
}

pub async fn update(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    let current = profiles::current(&state, officer.service_id, id).await?;
    let form = ProfileForm::read(&form);
    let (input, mine) = form.apply(&current.details.to_input());
    let details = match ProfileDetails::parse(&input, &state.taxonomy) {
        Ok(d) if mine.is_empty() => d,
        Ok(_) => return Ok(rerender(&officer, &state, Some(id), form, mine)),
        Err(theirs) => {
            let errors = forms::merge(mine, without_restricted(theirs, id), PROFILE_FIELDS);
            return Ok(rerender(&officer, &state, Some(id), form, errors));
        }
    };
    let saved = profiles::update(&state, caseworker(&officer), id, details)
        .await
        .map(|()| format!("/officer/profiles/{id}?saved=profile"));
    saved_or_rerender(&officer, &state, Some(id), form, saved)
}
