//! Staff sign-in, sign-out and account pages, and the sign-in logic the
//! JSON API shares.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Duration;
use serde::Deserialize;

use super::auth::{self, Actor, RequestContext, Staff, StaffActor, Visitor};
use super::errors::AppError;
use super::pages::page;
use super::view::Chrome;
use super::AppState;
use crate::access::{password, token, StaffRole};
use crate::domain::FieldErrors;
use crate::store::audit::{self, Entry};
use crate::store::{access as access_store, now, StoreError};

/// Failed sign-ins per account, and per address, within the window.
pub const ACCOUNT_FAILURES: i64 = 5;
pub const ADDRESS_FAILURES: i64 = 20;
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);

/// A verifier that always fails, so an unknown email costs as much time as a
/// wrong password and does not reveal which accounts exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3W3eQ0pIWnmCw1cB7aTVs6Bd/2AHNrG2Ou6jK63QK3E";

pub enum SignInOutcome {
    SignedIn {
        token: String,
        csrf: String,
        actor: StaffActor,
    },
    Invalid,
    Suspended,
    Blocked {
        retry_after: i64,
    },
}

/// Checks the limits, the password and the account, records the attempt and
/// the audit entry, and opens a session. Runs on a blocking thread (argon2).
pub fn attempt_sign_in(
    state: &AppState,
    email: &str,
    password_text: &str,
    ip: &str,
    user_agent: Option<&str>,
) -> Result<SignInOutcome, StoreError> {
    let at = now();
    let email = email.trim().to_lowercase();
    let mut conn = state.store.conn()?;
    let actor = audit::Actor {
        kind: "anonymous",
        label: email.clone(),
        ip: Some(ip.to_string()),
        ..Default::default()
    };
    let counts = access_store::recent_failures(&mut conn, &email, ip, at - FAILURE_WINDOW)?;
    let blocked_until = [
        (counts.account_failures >= ACCOUNT_FAILURES)
            .then_some(counts.account_oldest)
            .flatten(),
        (counts.ip_failures >= ADDRESS_FAILURES)
            .then_some(counts.ip_oldest)
            .flatten(),
    ]
    .into_iter()
    .flatten()
    .map(|oldest| oldest + FAILURE_WINDOW)
    .max();
    if let Some(until) = blocked_until {
        audit::record(
            &mut conn,
            &actor,
            Entry {
                action: "sign_in.blocked",
                subject_kind: Some("account"),
                subject_id: None,
                detail: None,
            },
            at,
        )?;
        return Ok(SignInOutcome::Blocked {
            retry_after: (until - at).num_seconds().max(1),
        });
    }

    let account = access_store::staff_by_email(&mut conn, &email)?;
    let verified = password::verify(
        password_text,
        account
            .as_ref()
            .map_or(DUMMY_HASH, |a| a.password_hash.as_str()),
    );
    let usable = account
        .as_ref()
        .filter(|a| verified && a.disabled_at.is_none());
    let Some(account) = usable else {
        access_store::record_attempt(&mut conn, &email, ip, false, at)?;
        audit::record(
            &mut conn,
            &audit::Actor {
                user_id: account.as_ref().map(|a| a.id),
                ..actor
            },
            Entry {
                action: "sign_in.failure",
                subject_kind: Some("user"),
                subject_id: account.as_ref().map(|a| a.id),
                detail: None,
            },
            at,
        )?;
        return Ok(SignInOutcome::Invalid);
    };
    let role = StaffRole::parse(&account.role)
        .ok_or_else(|| StoreError::Corrupt(format!("role {}", account.role)))?;
    let scope = match (role, account.service_id, account.employer_id) {
        (StaffRole::Admin, _, _) => auth::Scope::Admin,
        (StaffRole::Officer, Some(s), _) => auth::Scope::Service(s),
        (StaffRole::Employer, _, Some(e)) => auth::Scope::Employer(e),
        _ => {
            return Err(StoreError::Corrupt(format!(
                "user {} has no organisation",
                account.id
            )))
        }
    };
    if role == StaffRole::Employer && account.employer_status.as_deref() != Some("approved") {
        access_store::record_attempt(&mut conn, &email, ip, false, at)?;
        audit::record(
            &mut conn,
            &audit::Actor {
                user_id: Some(account.id),
                ..actor
            },
            Entry {
                action: "sign_in.refused_suspended",
                subject_kind: Some("user"),
                subject_id: Some(account.id),
                detail: None,
            },
            at,
        )?;
        return Ok(SignInOutcome::Suspended);
    }

    let session_token = token::new_secret();
    let csrf = access_store::create_session(
        &mut conn,
        &access_store::NewSession {
            token: &session_token,
            user_id: Some(account.id),
            seeker_id: None,
            terminal_id: None,
            expires_at: at + auth::STAFF_LIFETIME,
            ip: Some(ip),
            user_agent,
        },
        at,
    )?;
    access_store::record_attempt(&mut conn, &email, ip, true, at)?;
    access_store::clear_failures(&mut conn, &email)?;
    audit::record(
        &mut conn,
        &audit::Actor {
            kind: role.as_str(),
            user_id: Some(account.id),
            ..actor
        },
        Entry {
            action: "sign_in.success",
            subject_kind: Some("user"),
            subject_id: Some(account.id),
            detail: None,
        },
        at,
    )?;
    Ok(SignInOutcome::SignedIn {
        token: session_token,
        csrf,
        actor: StaffActor {
            user_id: account.id,
            email: account.email.clone(),
            name: account.display_name.clone(),
            role,
            scope,
            session_id: None,
        },
    })
}

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

fn user_agent(req: &HttpRequest) -> Option<String> {
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

pub async fn sign_in(
    state: web::Data<AppState>,
    visitor: Visitor,
    req: HttpRequest,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    if form.email.trim().is_empty() {
        errors.add("email", "Enter your email address");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    let render = |status: StatusCode, errors: FieldErrors, ctx: &RequestContext, email: &str| {
        page(
            status,
            &SignInPage {
                chrome: Chrome::of(ctx),
                errors,
                email,
                notice: None,
            },
        )
    };
    if !errors.is_empty() {
        return Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            &visitor.ctx,
            &form.email,
        ));
    }
    let ip = visitor.ctx.ip.clone();
    let ua = user_agent(&req);
    let email = form.email.clone();
    let st = state.get_ref().clone();
    let outcome =
        web::block(move || attempt_sign_in(&st, &email, &form.password, &ip, ua.as_deref()))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(match outcome {
        SignInOutcome::SignedIn { token, actor, .. } => {
            let mut res = redirect(home_for(actor.role));
            let _ = res.add_cookie(&auth::session_cookie(&state, &token));
            res
        }
        SignInOutcome::Invalid => render(
            StatusCode::UNAUTHORIZED,
            FieldErrors::single("email", "Enter a correct email address and password"),
            &visitor.ctx,
            &form.email,
        ),
        SignInOutcome::Suspended => render(
            StatusCode::FORBIDDEN,
            FieldErrors::single(
                "email",
                "Your organisation's account is not active, so you cannot sign in. Contact Fair Chance Jobs.",
            ),
            &visitor.ctx,
            &form.email,
        ),
        SignInOutcome::Blocked { retry_after } => {
            let minutes = (retry_after + 59) / 60;
            let mut res = render(
                StatusCode::TOO_MANY_REQUESTS,
                FieldErrors::single(
                    "email",
                    format!("Too many attempts to sign in. Wait {minutes} minute{} and try again.", if minutes == 1 { "" } else { "s" }),
                ),
                &visitor.ctx,
                &form.email,
            );
            res.headers_mut().insert(header::RETRY_AFTER, retry_after.into());
            res
        }
    })
}

/// Ends this session.
pub async fn sign_out(state: web::Data<AppState>, staff: Staff) -> Result<HttpResponse, AppError> {
    let session_id = staff.actor.session_id;
    let actor = staff.ctx.audit_actor();
    state
        .store
        .run(move |conn| {
            let at = now();
            if let Some(id) = session_id {
                access_store::revoke_session(conn, id, at)?;
            }
            audit::record(
                conn,
                &actor,
                Entry {
                    action: "sign_out",
                    subject_kind: None,
                    subject_id: None,
                    detail: None,
                },
                at,
            )
        })
        .await?;
    let mut res = redirect("/sign-in?signed_out=1");
    let _ = res.add_removal_cookie(&auth::removal(auth::SESSION_COOKIE));
    Ok(res)
}

pub async fn sign_out_everywhere(
    state: web::Data<AppState>,
    staff: Staff,
) -> Result<HttpResponse, AppError> {
    let user_id = staff.actor.user_id;
    let actor = staff.ctx.audit_actor();
    state
        .store
        .run(move |conn| {
            let at = now();
            let n = access_store::revoke_user_sessions(conn, user_id, None, at)?;
            audit::record(
                conn,
                &actor,
                Entry {
                    action: "sign_out.everywhere",
                    subject_kind: Some("user"),
                    subject_id: Some(user_id),
                    detail: Some(format!("{n} sessions")),
                },
                at,
            )
        })
        .await?;
    let mut res = redirect("/sign-in?signed_out=1");
    let _ = res.add_removal_cookie(&auth::removal(auth::SESSION_COOKIE));
    Ok(res)
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
    let user_id = staff.actor.user_id;
    let email = staff.actor.email.clone();
    let (sessions, digest) = state
        .store
        .run(move |conn| {
            let sessions = access_store::count_live_sessions(conn, user_id, now())?;
            let digest = crate::store::people::find_user_by_email(conn, &email)?
                .map(|u| u.digest_interval)
                .unwrap_or_default();
            Ok((sessions, digest))
        })
        .await?;
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
    use crate::store::notifications::{set_digest_interval, DigestInterval};
    let Some(interval) = DigestInterval::parse(form.interval.trim()) else {
        return Err(AppError::BadRequest("Choose hourly, daily or never".into()));
    };
    let user_id = staff.actor.user_id;
    let actor = staff.ctx.audit_actor();
    state
        .store
        .run(move |conn| {
            let at = now();
            set_digest_interval(conn, user_id, interval, at)?;
            audit::record(
                conn,
                &actor,
                Entry {
                    action: "user.digest_interval",
                    subject_kind: Some("user"),
                    subject_id: Some(user_id),
                    detail: Some(interval.as_str().into()),
                },
                at,
            )
        })
        .await?;
    Ok(redirect("/account?saved=1"))
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    chrome: Chrome,
    errors: FieldErrors,
}

pub async fn password_form(staff: Staff) -> HttpResponse {
    page(
        StatusCode::OK,
        &PasswordPage {
            chrome: Chrome::of(&staff.ctx),
            errors: FieldErrors::new(),
        },
    )
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn change_password(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let user_id = staff.actor.user_id;
    let email = staff.actor.email.clone();
    let session_id = staff.actor.session_id;
    let actor = staff.ctx.audit_actor();
    let errors = state
        .store
        .run(move |conn| {
            let mut errors = FieldErrors::new();
            let account = access_store::staff_by_id(conn, user_id)?.ok_or(StoreError::NotFound)?;
            if form.current_password.is_empty() {
                errors.add("current_password", "Enter your current password");
            } else if !password::verify(&form.current_password, &account.password_hash) {
                errors.add("current_password", "Your current password is not correct");
            }
            if let Err(message) = password::check_strength(&form.new_password, &email) {
                errors.add("new_password", message);
            } else if form.new_password == form.current_password {
                errors.add(
                    "new_password",
                    "Choose a password you have not used here before",
                );
            }
            if form.confirm_password != form.new_password {
                errors.add("confirm_password", "Enter the same new password twice");
            }
            if !errors.is_empty() {
                return Ok(errors);
            }
            let hash =
                password::hash(&form.new_password).map_err(|e| StoreError::Task(e.to_string()))?;
            let at = now();
            access_store::set_password(conn, user_id, &hash, at)?;
            // Other devices must sign in again with the new password.
            let revoked = access_store::revoke_user_sessions(conn, user_id, session_id, at)?;
            audit::record(
                conn,
                &actor,
                Entry {
                    action: "password.changed",
                    subject_kind: Some("user"),
                    subject_id: Some(user_id),
                    detail: Some(format!("{revoked} other sessions ended")),
                },
                at,
            )?;
            Ok(errors)
        })
        .await?;
    if errors.is_empty() {
        Ok(redirect("/account?changed=1"))
    } else {
        Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage {
                chrome: Chrome::of(&staff.ctx),
                errors,
            },
        ))
    }
}
