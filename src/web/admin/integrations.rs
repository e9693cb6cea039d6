//! Integration tokens: the list (with each token's last use), creating one
//! for a service (its secret shown once), revoking.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::access::IntegrationScope;
use crate::app::integrations::{self, TokenRequest};
use crate::app::Failure;
use crate::domain::FieldErrors;
use crate::store::access::API_TOKEN_DAYS;
use crate::store::integrations::IntegrationListing;
use crate::store::now;
use crate::store::people::Service;
use crate::web::auth::Admin;
use crate::web::employer::home::check_token_form;
use crate::web::errors::AppError;
use crate::web::extract::On;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

/// The create form as typed (shown again when it needs correcting).
#[derive(Deserialize)]
pub struct IntegrationForm {
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    expires_in_days: String,
}

impl Default for IntegrationForm {
    fn default() -> Self {
        Self {
            service_id: String::new(),
            name: String::new(),
            scope: IntegrationScope::ProfilesRead.as_str().into(),
            expires_in_days: API_TOKEN_DAYS.to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/integrations.html")]
struct IntegrationsPage {
    chrome: Chrome,
    errors: FieldErrors,
    tokens: Vec<IntegrationListing>,
    services: Vec<Service>,
    notice: Option<String>,
    /// A new token's name and secret, shown once.
    created: Option<(String, String)>,
    form: IntegrationForm,
    now: NaiveDateTime,
}

/// What the page says after a request.
#[derive(Default)]
struct Feedback {
    errors: FieldErrors,
    notice: Option<String>,
    created: Option<(String, String)>,
    form: IntegrationForm,
}

async fn integrations_page(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    feedback: Feedback,
) -> Result<HttpResponse, AppError> {
    let (tokens, services) = integrations::overview(state).await?;
    Ok(page(
        status,
        &IntegrationsPage {
            chrome: Chrome::of(&admin.ctx),
            errors: feedback.errors,
            tokens,
            services,
            notice: feedback.notice,
            created: feedback.created,
            form: feedback.form,
            now: now(),
        },
    ))
}

pub async fn integrations(
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    integrations_page(&state, &admin, StatusCode::OK, Feedback::default()).await
}

/// The token the form asks for, or what is wrong with it by field.
fn request_of(form: &IntegrationForm) -> Result<TokenRequest, FieldErrors> {
    let label = form.name.trim().to_string();
    let (days, mut errors) = match check_token_form(&label, form.expires_in_days.trim()) {
        Ok(days) => (days, FieldErrors::new()),
        Err(errors) => (0, errors),
    };
    let service_id = form.service_id.trim().parse::<i64>().ok();
    if service_id.is_none() {
        errors.add("service_id", "Choose the service the token is for");
    }
    let scope = IntegrationScope::parse(form.scope.trim());
    if scope.is_none() {
        errors.add("scope", "Choose what the token may do");
    }
    match (service_id, scope) {
        (Some(service_id), Some(scope)) if errors.is_empty() => Ok(TokenRequest {
            service_id,
            label,
            scope,
            days,
        }),
        _ => Err(errors),
    }
}

pub async fn create_integration(
    state: web::Data<AppState>,
    admin: Admin,
    form: web::Form<IntegrationForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let created = match request_of(&form) {
        Ok(request) => {
            let label = request.label.clone();
            let (actor, user_id) = (admin.ctx.audit_actor(), admin.actor.user_id);
            integrations::create(&state, actor, user_id, request)
                .await
                .map(|secret| (label, secret))
        }
        Err(errors) => Err(Failure::Invalid(errors)),
    };
    let (status, feedback) = match created {
        Ok(created) => (
            StatusCode::OK,
            Feedback {
                created: Some(created),
                ..Feedback::default()
            },
        ),
        Err(Failure::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Feedback {
                errors,
                form,
                ..Feedback::default()
            },
        ),
        Err(other) => return Err(other.into()),
    };
    integrations_page(&state, &admin, status, feedback).await
}

pub async fn revoke_integration(on: On<Admin>) -> Result<HttpResponse, AppError> {
    integrations::revoke(&on.state, on.actor.ctx.audit_actor(), on.id).await?;
    let feedback = Feedback {
        notice: Some("The token is revoked: it is refused from now on.".into()),
        ..Feedback::default()
    };
    integrations_page(&on.state, &on.actor, StatusCode::OK, feedback).await
}
