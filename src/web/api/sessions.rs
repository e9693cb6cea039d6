//! The staff session in the JSON API: sign in, sign out, and who is signed
//! in. Sign-in and sign-out are the same use cases as the pages'.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::app::accounts::{self, SignInOutcome};
use crate::domain::FieldErrors;
use crate::web::account::user_agent;
use crate::web::auth::{self, Scope, Staff, StaffActor, Visitor};
use crate::web::errors::ApiError;
use crate::web::AppState;

#[derive(Serialize)]
pub struct Me {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub role: &'static str,
    pub scope: ScopeView,
    /// Send it as `X-CSRF-Token` with state-changing requests that rely on
    /// the session cookie. Absent for API tokens, which need none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScopeView {
    All,
    Service { service_id: i64 },
    Employer { employer_id: i64 },
}

fn me_of(actor: &StaffActor, csrf: Option<String>) -> Me {
    Me {
        user_id: actor.user_id,
        email: actor.email.clone(),
        name: actor.name.clone(),
        role: actor.role.as_str(),
        scope: match actor.scope {
            Scope::Admin => ScopeView::All,
            Scope::Service(service_id) => ScopeView::Service { service_id },
            Scope::Employer(employer_id) => ScopeView::Employer { employer_id },
        },
        csrf_token: csrf,
    }
}

#[derive(Deserialize)]
pub struct SessionRequest {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn create_session(
    state: web::Data<AppState>,
    visitor: Visitor,
    req: HttpRequest,
    body: web::Json<SessionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    if body.email.trim().is_empty() {
        errors.add("email", "Enter your email address");
    }
    if body.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let (ip, ua) = (&visitor.ctx.ip, user_agent(&req));
    match accounts::sign_in(&state, &body.email, body.password, ip, ua).await? {
        SignInOutcome::SignedIn { token, csrf, actor } => {
            let mut res = HttpResponse::Ok().json(me_of(&actor, Some(csrf)));
            let _ = res.add_cookie(&auth::session_cookie(&state, &token));
            Ok(res)
        }
        SignInOutcome::Invalid => Err(ApiError::Unauthorized(
            "The email address or password is not correct".into(),
        )),
        SignInOutcome::Suspended { pending: true } => Err(ApiError::Forbidden(format!(
            "Your organisation's account is waiting for approval; write to {} to ask about it",
            state.config.contact_address()
        ))),
        SignInOutcome::Suspended { pending: false } => Err(ApiError::Forbidden(
            "Your organisation's account is not active".into(),
        )),
        SignInOutcome::Blocked { retry_after } => Err(ApiError::TooManyRequests {
            retry_after,
            message: "Too many attempts to sign in; wait and try again".into(),
        }),
    }
}

pub async fn delete_session(
    state: web::Data<AppState>,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    let Some(session_id) = staff.actor.session_id else {
        return Err(ApiError::BadRequest(
            "API tokens have no session to end; revoke the token instead".into(),
        ));
    };
    accounts::sign_out(&state, staff.ctx.audit_actor(), Some(session_id)).await?;
    let mut res = HttpResponse::NoContent().finish();
    let _ = res.add_removal_cookie(&auth::removal(auth::SESSION_COOKIE));
    Ok(res)
}

pub async fn me(staff: Staff) -> HttpResponse {
    let csrf = (staff.ctx.via == auth::Via::Cookie).then(|| staff.ctx.csrf_token.clone());
    HttpResponse::Ok().json(me_of(&staff.actor, csrf))
}
