//! The separate, audited editor for the offence, licence and barred
//! sections.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::purpose::{self, Next};
use super::restricted_form::{RestrictedForm, DAYS};
use crate::app::profiles;
use crate::domain::access_purpose::Recorded;
use crate::domain::offence::OffenceCategory;
use crate::domain::profile::{ProfileDetails, ProfileInput, PROFILE_FIELDS};
use crate::domain::FieldErrors;
use crate::web::auth::Officer;
use crate::web::errors::AppError;
use crate::web::officer::forms::{self as forms, Posted};
use crate::web::officer::{caseworker, see_other};
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "officer/restricted_form.html")]
struct RestrictedEditor {
    chrome: Chrome,
    id: i64,
    name: String,
    form: RestrictedForm,
    errors: FieldErrors,
    offences: Vec<(&'static str, &'static str)>,
    days: [(&'static str, &'static str); 7],
}

fn restricted_editor(
    status: StatusCode,
    officer: &Officer,
    id: i64,
    name: String,
    form: RestrictedForm,
    errors: FieldErrors,
) -> HttpResponse {
    page(
        status,
        &RestrictedEditor {
            chrome: Chrome::of(&officer.ctx),
            id,
            name,
            form,
            errors,
            offences: OffenceCategory::ALL
                .iter()
                .map(|o| (o.as_str(), o.label()))
                .collect(),
            days: DAYS,
        },
    )
}

/// The person's details as the form takes them, and their name; the read
/// is audited as restricted, saying `what` for and why.
async fn restricted_input(
    state: &AppState,
    officer: &Officer,
    id: i64,
    (what, purpose): (&'static str, &Recorded),
) -> Result<(ProfileInput, String), AppError> {
    let profile = profiles::view_restricted(state, caseworker(officer), id, what, purpose).await?;
    let d = &profile.details;
    let name = format!("{} {}", d.given_name(), d.family_name());
    Ok((d.to_input(), name))
}

pub async fn restricted_edit_form(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let purpose = match purpose::gate(&state, &officer, id, Next::Edit).await? {
        Ok(p) => p,
        Err(question) => return Ok(question),
    };
    let what = "editor for offence, licence and barred sections";
    let (input, name) = restricted_input(&state, &officer, id, (what, &purpose)).await?;
    Ok(restricted_editor(
        StatusCode::OK,
        &officer,
        id,
        name,
        RestrictedForm::of(&input),
        FieldErrors::new(),
    ))
}

pub async fn restricted_update(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    let purpose = match purpose::gate(&state, &officer, id, Next::Edit).await? {
        Ok(p) => p,
        Err(question) => return Ok(question),
    };
    let what = "saving offence, licence and barred sections";
    let (current, name) = restricted_input(&state, &officer, id, (what, &purpose)).await?;
    let form = RestrictedForm::read(&form);
    let (input, mine) = form.apply(&current);
    let details = match ProfileDetails::parse(&input, &state.taxonomy) {
        Ok(d) if mine.is_empty() => d,
        result => {
            let errors = match result {
                Err(theirs) => forms::merge(mine, theirs, PROFILE_FIELDS),
                Ok(_) => mine,
            };
            let mut form = form;
            form.pad();
            return Ok(restricted_editor(
                StatusCode::UNPROCESSABLE_ENTITY,
                &officer,
                id,
                name,
                form,
                errors,
            ));
        }
    };
    profiles::update_restricted(&state, caseworker(&officer), id, details, purpose).await?;
    Ok(see_other(format!(
        "/officer/profiles/{id}/restricted?saved=restricted"
    )))
}
