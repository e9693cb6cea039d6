//! Outcomes by hand: a start recorded for a person, and the answers to the
//! 6-week, 13-week and 6-month checks once each is due.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};

use super::auth::Officer;
use super::errors::AppError;
use super::officer_forms::{self as forms, Form};
use super::AppState;
use crate::domain::FieldErrors;
use crate::store::audit::{self, Entry};
use crate::store::outcomes::{self, Check, NewStart};
use crate::store::{self, StoreError};

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Records a start by hand for a person of the officer's service.
pub async fn record_start(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = Form::parse(&body)?;
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
    let (service_id, user_id) = (officer.service_id, officer.actor.user_id);
    let Some(started_on) = started_on.filter(|_| errors.is_empty()) else {
        // The profile must exist in scope before its page is shown again.
        return super::officer::profile_page(
            &state,
            &officer,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
        )
        .await;
    };
    let actor = officer.ctx.audit_actor();
    let taxonomy = state.taxonomy.clone();
    state
        .store
        .run(move |conn| {
            store::profiles::load_in_service(conn, id, service_id, &taxonomy)?;
            let at = store::now();
            crate::write_tx!(conn, |c| {
                let outcome = outcomes::record_start(
                    c,
                    &NewStart {
                        profile_id: id,
                        application_id: None,
                        employer_id: None,
                        started_on,
                        recorded_by: Some(user_id),
                    },
                    at,
                )?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "outcome.start_recorded",
                        subject_kind: Some("profile"),
                        subject_id: Some(id),
                        detail: Some(format!("outcome {outcome} by hand")),
                    },
                    at,
                )?;
                Ok::<_, StoreError>(())
            })
        })
        .await?;
    Ok(see_other(format!("/officer/profiles/{id}#outcomes")))
}

/// Answers one due check: still in work, or not.
pub async fn record_check(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = Form::parse(&body)?;
    let service_id = officer.service_id;
    let Some(outcome) = state
        .store
        .run(move |c| outcomes::load_in_service(c, id, service_id))
        .await?
    else {
        return Err(AppError::NotFound);
    };
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
        return super::officer::profile_page(
            &state,
            &officer,
            profile_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
        )
        .await;
    };
    let actor = officer.ctx.audit_actor();
    let result = state
        .store
        .run(move |conn| {
            let at = store::now();
            let outcome = crate::write_tx!(conn, |c| {
                match outcomes::record_check(c, id, check, in_work, today(), at) {
                    Ok(o) => {
                        audit::record(
                            c,
                            &actor,
                            Entry {
                                action: "outcome.check_recorded",
                                subject_kind: Some("profile"),
                                subject_id: Some(o.profile_id),
                                detail: Some(format!(
                                    "outcome {id}: {} in work: {in_work}",
                                    check.label()
                                )),
                            },
                            at,
                        )?;
                        Ok::<_, StoreError>(Ok(o))
                    }
                    Err(e) => Ok(Err(e)),
                }
            })?;
            Ok(outcome)
        })
        .await?;
    match result {
        Ok(_) => Ok(see_other(format!(
            "/officer/profiles/{profile_id}#outcomes"
        ))),
        Err(errors) => {
            super::officer::profile_page(&state, &officer, profile_id, StatusCode::CONFLICT, errors)
                .await
        }
    }
}
