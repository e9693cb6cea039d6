//! Outcomes by hand: a start recorded for a person, and the answers to the
//! 6-week, 13-week and 6-month checks once each is due.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::forms::{self as forms, Posted};
use super::{caseworker, see_other};
use crate::app::{outcomes, Failure};
use crate::domain::FieldErrors;
use crate::store::outcomes::Check;
use crate::web::errors::AppError;

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Records a start by hand for a person of the officer's service.
pub async fn record_start(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let text = form.text("started_on");
    let started_on = if text.is_empty() {
        errors.add("started_on", "Enter the date the person started work");
        None
    } else {
        forms::date(
            &mut errors,
            "started_on",
            &text,
            "Enter the start date as a real date, like 2027-04-01",
        )
    };
    if let Some(day) = started_on {
        if day > today() {
            errors.add(
                "started_on",
                "Enter a start date that is today or in the past",
            );
        }
    }
    let Some(started_on) = started_on.filter(|_| errors.is_empty()) else {
        // The profile must exist in scope before its page is shown again.
        return super::home::profile_page(
            &state,
            &officer,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
        )
        .await;
    };
    outcomes::record_start(&state, caseworker(&officer), id, started_on).await?;
    Ok(see_other(format!("/officer/profiles/{id}#outcomes")))
}

/// Answers one due check: still in work, or not.
pub async fn record_check(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    let outcome = outcomes::in_service(&state, officer.service_id, id).await?;
    let mut errors = FieldErrors::new();
    let check = Check::parse(&form.text("check"));
    if check.is_none() {
        errors.add("check", "Choose which check this answers");
    }
    let in_work = match form.text("in_work").as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add("in_work", "Say whether the person is still in work");
            None
        }
    };
    let profile_id = outcome.profile_id;
    let (Some(check), Some(in_work)) = (check, in_work) else {
        return super::home::profile_page(
            &state,
            &officer,
            profile_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
        )
        .await;
    };
    let result = outcomes::record_check(&state, caseworker(&officer), id, check, in_work).await;
    match result {
        Ok(_) => Ok(see_other(format!(
            "/officer/profiles/{profile_id}#outcomes"
        ))),
        Err(Failure::Invalid(errors)) => {
            super::home::profile_page(&state, &officer, profile_id, StatusCode::CONFLICT, errors)
                .await
        }
        Err(other) => Err(other.into()),
    }
}
