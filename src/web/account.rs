//! Staff sign-in, sign-out and account pages (the use cases are in
//! `app::accounts`, shared with the JSON API).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::auth::{self, Actor, Staff, Visitor};
use super::errors::AppError;
use super::pages::{page, too_many_attempts};
use super::view::Chrome;
use super::AppState;
use crate::access::StaffRole;
use crate::app::accounts::{self, PasswordChange, SignInOutcome};
use crate::app::Failure;
use crate::domain::FieldErrors;

pub fn home_for(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Admin => "/admin",
        StaffRole::Officer => "/officer",
        StaffRole::Employer => "/employer",
    }
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

#[derive(Template)]
#[template(path = "account/sign_in.html")]
struct SignInPage<'a> {
    chrome: Chrome,
    errors: FieldErrors,
    email: &'a str,
    notice: Option<&'a str>,
}

#[derive(Deserialize)]
pub struct SignInNotice {
    #[serde(default)]
    signed_out: Option<String>,
}

pub async fn sign_in_form(visitor: Visitor, query: web::Query<SignInNotice>) -> HttpResponse {
    if let Some(Actor::Staff(s)) = &visitor.ctx.actor {
        return redirect(home_for(s.role));
    }
    let notice = if visitor.ctx.timed_out {
        Some("You were signed out because you had not done anything for 30 minutes.")
    } else if query.signed_out.is_some() {
        Some("You have signed out.")
    } else {
        None
    };
    page(
        StatusCode::OK,
        &SignInPage {
            chrome: Chrome::of(&visitor.ctx),
            errors: FieldErrors::new(),
            email: "",
            notice,
        },
    )
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// What is missing from the sign-in form.
fn sign_in_errors(form: &SignInForm) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if form.email.trim().is_empty() {
        errors.add("email", "Enter your email address");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    errors
}

/// Why an organisation's user may not sign in, in words.
fn suspended_text(state: &AppState, pending: bool) -> String {
    if pending {
        format!(
            "Your organisation's request to join is waiting for approval by Fair Chance Jobs, so you cannot sign in yet. We email you when it is decided; to ask about it, write to {}.",
            state.config.contact_address()
        )
    } else {
        format!(
            "Your organisation's account is suspended, so you cannot sign in. To ask why, write to Fair Chance Jobs at {}.",
            state.config.contact_address()
        )
    }
}

pub async fn sign_in(
    state: web::Data<AppState>,
    visitor: Visitor,
    req: HttpRequest,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let render = |status: StatusCode, errors: FieldErrors| {
        page(
            status,
            &SignInPage {
                chrome: Chrome::of(&visitor.ctx),
                errors,
                email: &form.email,
                notice: None,
            },
        )
    };
    let errors = sign_in_errors(&form);
    if !errors.is_empty() {
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, errors));
    }
    let (ip, ua) = (&visitor.ctx.ip, user_agent(&req));
    let outcome = accounts::sign_in(&state, &form.email, form.password.clone(), ip, ua).await?;
    Ok(match outcome {
        SignInOutcome::SignedIn { token, actor, .. } => {
            let mut res = redirect(home_for(actor.role));
            let _ = res.add_cookie(&auth::session_cookie(&state, &token));
            res
        }
        SignInOutcome::Invalid => render(
            StatusCode::UNAUTHORIZED,
            FieldErrors::single("email", "Enter a correct email address and password"),
        ),
        SignInOutcome::Suspended { pending } => render(
            StatusCode::FORBIDDEN,
            FieldErrors::single("email", suspended_text(&state, pending)),
        ),
        SignInOutcome::Blocked { retry_after } => too_many_attempts(retry_after, |minutes| {
            let error = format!(
                "Too many attempts to sign in. Wait {minutes} minute{} and try again.",
                if minutes == 1 { "" } else { "s" }
            );
            render(
                StatusCode::TOO_MANY_REQUESTS,
                FieldErrors::single("email", error),
            )
        }),
    })
}

/// Ends this session.
pub async fn sign_out(state: web::Data<AppState>, staff: Staff) -> Result<HttpResponse, AppError> {
    accounts::sign_out(&state, staff.ctx.audit_actor(), staff.actor.session_id).await?;
    Ok(signed_out())
}

/// Back to the sign-in page, without the session cookie.
fn signed_out() -> HttpResponse {
    let mut res = redirect("/sign-in?signed_out=1");
    let _ = res.add_removal_cookie(&auth::removal(auth::SESSION_COOKIE));
    res
}

pub async fn sign_out_everywhere(
    state: web::Data<AppState>,
    staff: Staff,
) -> Result<HttpResponse, AppError> {
    let user_id = staff.actor.user_id;
    accounts::sign_out_everywhere(&state, staff.ctx.audit_actor(), user_id).await?;
    Ok(signed_out())
}

#[derive(Template)]
#[template(path = "account/home.html")]
struct AccountPage<'a> {
    chrome: Chrome,
    name: &'a str,
    email: &'a str,
    role: &'a str,
    sessions: i64,
    digest: String,
    notice: Option<&'a str>,
}

#[derive(Deserialize)]
pub struct AccountNotice {
    #[serde(default)]
    changed: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

pub async fn home(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<AccountNotice>,
) -> Result<HttpResponse, AppError> {
    let (user_id, email) = (staff.actor.user_id, staff.actor.email.clone());
    let (sessions, digest) = accounts::summary(&state, user_id, email).await?;
    let notice = if query.changed.is_some() {
        Some("Your password has been changed. You have been signed out on your other devices.")
    } else if query.saved.is_some() {
        Some("Your email settings are saved.")
    } else {
        None
    };
    Ok(page(
        StatusCode::OK,
        &AccountPage {
            chrome: Chrome::of(&staff.ctx),
            name: &staff.actor.name,
            email: &staff.actor.email,
            role: staff.actor.role.as_str(),
            sessions,
            digest,
            notice,
        },
    ))
}

#[derive(Deserialize)]
pub struct DigestForm {
    #[serde(default)]
    interval: String,
}

/// How often an officer is emailed about new matches.
pub async fn set_digest(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<DigestForm>,
) -> Result<HttpResponse, AppError> {
    use crate::store::notifications::DigestInterval;
    let Some(interval) = DigestInterval::parse(form.interval.trim()) else {
        return Err(AppError::BadRequest("Choose hourly, daily or never".into()));
    };
    let user_id = staff.actor.user_id;
    accounts::set_digest(&state, staff.ctx.audit_actor(), user_id, interval).await?;
    Ok(redirect("/account?saved=1"))
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    chrome: Chrome,
    errors: FieldErrors,
    /// Live API tokens this person made: the form asks whether to revoke them.
    tokens: i64,
    revoke_tokens: bool,
}

pub async fn password_form(
    state: web::Data<AppState>,
    staff: Staff,
) -> Result<HttpResponse, AppError> {
    let tokens = accounts::live_tokens(&state, staff.actor.user_id).await?;
    Ok(page(
        StatusCode::OK,
        &PasswordPage {
            chrome: Chrome::of(&staff.ctx),
            errors: FieldErrors::new(),
            tokens,
            revoke_tokens: true,
        },
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
    /// "yes" to revoke the API tokens this person made as well.
    #[serde(default)]
    revoke_tokens: Option<String>,
}

pub async fn change_password(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let change = PasswordChange {
        current: form.current_password,
        new: form.new_password,
        confirm: form.confirm_password,
        revoke_tokens: form.revoke_tokens.as_deref() == Some("yes"),
    };
    let revoke_tokens = change.revoke_tokens;
    let actor = staff.ctx.audit_actor();
    match accounts::change_password(&state, actor, &staff.actor, change).await {
        Ok(()) => Ok(redirect("/account?changed=1")),
        Err(Failure::Invalid(errors)) => {
            let tokens = accounts::live_tokens(&state, staff.actor.user_id).await?;
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &PasswordPage {
                    chrome: Chrome::of(&staff.ctx),
                    errors,
                    tokens,
                    revoke_tokens,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}
