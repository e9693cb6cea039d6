//! The record of processing (`/admin/processing`): what the service holds,
//! why, who sees it and for how long, from the retention settings in
//! force, with a finder that opens a person's subject access export.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::app::{profiles, Failure};
use crate::domain::processing::Notice;
use crate::domain::FieldErrors;
use crate::store::people::PersonFound;
use crate::web::auth::Admin;
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "admin/processing.html")]
struct ProcessingPage {
    chrome: Chrome,
    notice: Notice,
    months_after_release: u32,
    restricted_days_after_licence: u32,
    contact: String,
    reference: String,
    errors: FieldErrors,
    /// The people found under `reference`, once asked.
    found: Option<Vec<PersonFound>>,
}

#[derive(Deserialize)]
pub struct FinderQuery {
    reference: Option<String>,
}

pub async fn processing(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<FinderQuery>,
) -> Result<HttpResponse, AppError> {
    let reference = query.into_inner().reference;
    let (found, errors, status) = match &reference {
        None => (None, FieldErrors::new(), StatusCode::OK),
        Some(asked) => {
            match profiles::find_by_reference(&state, admin.ctx.audit_actor(), asked).await {
                Ok(found) => (Some(found), FieldErrors::new(), StatusCode::OK),
                Err(Failure::Invalid(errors)) => (None, errors, StatusCode::UNPROCESSABLE_ENTITY),
                Err(other) => return Err(other.into()),
            }
        }
    };
    let retention = state.config.retention;
    Ok(page(
        status,
        &ProcessingPage {
            chrome: Chrome::of(&admin.ctx),
            notice: Notice::of(&retention),
            months_after_release: retention.months_after_release,
            restricted_days_after_licence: retention.restricted_days_after_licence,
            contact: state.config.contact_address(),
            reference: reference.unwrap_or_default(),
            errors,
            found,
        },
    ))
}
