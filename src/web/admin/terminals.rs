//! Supported terminals: the list, creating one (with its enrolment code),
//! revoking.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::app::terminals;
use crate::domain::FieldErrors;
use crate::store::access::{self as access_store, TerminalListing};
use crate::store::people::{self, Service};
use crate::web::auth::Admin;
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "admin/terminals.html")]
struct TerminalsPage {
    chrome: Chrome,
    errors: FieldErrors,
    terminals: Vec<TerminalListing>,
    services: Vec<Service>,
    notice: Option<String>,
    code: Option<(String, String)>,
    label: String,
}

/// What the terminals page says after a request.
#[derive(Default)]
struct TerminalsFeedback {
    errors: FieldErrors,
    notice: Option<String>,
    /// A new terminal's name and enrolment code.
    code: Option<(String, String)>,
    /// The name typed, shown again.
    label: String,
}

async fn terminals_page(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    feedback: TerminalsFeedback,
) -> Result<HttpResponse, AppError> {
    let (terminals, services) = state
        .store
        .run(|conn| {
            Ok((
                access_store::list_terminals(conn)?,
                people::list_services(conn)?,
            ))
        })
        .await?;
    Ok(page(
        status,
        &TerminalsPage {
            chrome: Chrome::of(&admin.ctx),
            errors: feedback.errors,
            terminals,
            services,
            notice: feedback.notice,
            code: feedback.code,
            label: feedback.label,
        },
    ))
}

pub async fn terminals(state: web::Data<AppState>, admin: Admin) -> Result<HttpResponse, AppError> {
    terminals_page(&state, &admin, StatusCode::OK, TerminalsFeedback::default()).await
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    label: String,
}

pub async fn enrol_terminal(
    state: web::Data<AppState>,
    admin: Admin,
    form: web::Form<EnrolForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let label = form.label.trim().to_string();
    let mut errors = FieldErrors::new();
    let service_id: Option<i64> = form.service_id.trim().parse().ok();
    if service_id.is_none() {
        errors.add("service_id", "Choose the service the terminal belongs to");
    }
    if label.is_empty() {
        errors.add("label", "Enter a name for the terminal");
    } else if label.chars().count() > 80 {
        errors.add("label", "Enter a name of 80 characters or fewer");
    }
    let (Some(service_id), true) = (service_id, errors.is_empty()) else {
        return terminals_page(
            &state,
            &admin,
            StatusCode::UNPROCESSABLE_ENTITY,
            TerminalsFeedback {
                errors,
                label,
                ..TerminalsFeedback::default()
            },
        )
        .await;
    };
    let (actor, user_id) = (admin.ctx.audit_actor(), admin.actor.user_id);
    let result = terminals::create(&state, actor, user_id, service_id, label.clone()).await?;
    match result {
        Some(code) => {
            terminals_page(
                &state,
                &admin,
                StatusCode::OK,
                TerminalsFeedback {
                    code: Some((label, code)),
                    ..TerminalsFeedback::default()
                },
            )
            .await
        }
        None => {
            terminals_page(
                &state,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                TerminalsFeedback {
                    errors: FieldErrors::single(
                        "service_id",
                        "Choose the service the terminal belongs to",
                    ),
                    label,
                    ..TerminalsFeedback::default()
                },
            )
            .await
        }
    }
}

pub async fn revoke_terminal(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    terminals::revoke(&state, admin.ctx.audit_actor(), id).await?;
    terminals_page(
        &state,
        &admin,
        StatusCode::OK,
        TerminalsFeedback {
            notice: Some("The terminal is revoked. Anyone using it has been signed out.".into()),
            ..TerminalsFeedback::default()
        },
    )
    .await
}
