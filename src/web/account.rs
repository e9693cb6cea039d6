//! Staff sign-in, sign-out and account pages, and the sign-in logic the
//! JSON API shares.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::auth::{self, Actor, RequestContext, Staff, StaffActor, Visitor};
use super::errors::AppError;
use super::pages::page;
use super::view::Chrome;
use super::AppState;
use crate::access::hashing::{self, HashingError};
use crate::access::{password, token, StaffRole};
use crate::domain::FieldErrors;
use crate::store::audit::{self, Entry};
use crate::store::{access as access_store, limits, now, StoreError};

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
    /// An employer's user whose organisation is not approved: still
    /// waiting for approval (`pending`) or suspended.
    Suspended {
        pending: bool,
    },
    Blocked {
        retry_after: i64,
    },
    /// Every hashing slot stayed busy; nothing was checked or counted.
    Busy {
        retry_after: i64,
    },
}

/// The attempt as charged against the account's and the address's limits.
struct Charged {
    account: access_store::Charge,
    address: access_store::Charge,
}

impl Charged {
    fn blocked_for(&self, at: chrono::NaiveDateTime) -> Option<i64> {
        [
            limits::SIGN_IN_ACCOUNT.blocked_for(&self.account, at),
            limits::SIGN_IN_ADDRESS.blocked_for(&self.address, at),
        ]
        .into_iter()
        .flatten()
        .max()
    }
}

/// Who a failed sign-in names in the audit log: the account when the email
/// belongs to one, otherwise a fixed label and a keyed digest of what was
/// typed (which may be a password typed in the wrong box), never the text.
fn sign_in_actor(
    secret_key: &[u8],
    email: &str,
    account: Option<&access_store::StaffAccount>,
    ip: &str,
) -> audit::Actor {
    audit::Actor {
        kind: "anonymous",
        user_id: account.map(|a| a.id),
        label: match account {
            Some(a) => a.email.clone(),
            None => format!(
                "unknown account {}",
                token::keyed_digest(secret_key, "sign-in typed", email)
            ),
        },
        ip: Some(ip.to_string()),
        ..Default::default()
    }
}

/// Checks the limits, the password and the account, records the attempt and
/// the audit entry, and opens a session. The attempt is counted before the
/// password is checked (one atomic statement per limit), so parallel
/// guesses are held to the limit exactly; argon2 runs on the hashing pool
/// with no database connection held.
pub async fn attempt_sign_in(
    state: &AppState,
    email: &str,
    password_text: String,
    ip: &str,
    user_agent: Option<String>,
) -> Result<SignInOutcome, StoreError> {
    let at = now();
    let email = email.trim().to_lowercase();
    let secret = state.config.secret_key.clone();
    let account_key = access_store::account_key(&secret, &email);
    let address_key = limits::SIGN_IN_ADDRESS.key(ip);

    let (charged, account, actor) = state
        .store
        .run({
            let (account_key, address_key, email) =
                (account_key.clone(), address_key.clone(), email.clone());
            let ip = ip.to_string();
            move |conn| {
                let account = access_store::staff_by_email(conn, &email)?;
                let actor = sign_in_actor(&secret, &email, account.as_ref(), &ip);
                let charged = Charged {
                    account: limits::charge(conn, &limits::SIGN_IN_ACCOUNT, &account_key, at)?,
                    address: limits::charge(conn, &limits::SIGN_IN_ADDRESS, &address_key, at)?,
                };
                if charged.blocked_for(at).is_some() {
                    // Refused unchecked: not counted as a failure (the block
                    // still holds), and logged once per window, not per try.
                    let over = [
                        (&limits::SIGN_IN_ACCOUNT, &account_key, &charged.account),
                        (&limits::SIGN_IN_ADDRESS, &address_key, &charged.address),
                    ];
                    for (limit, key, charge) in over {
                        if limit.blocked_for(charge, at).is_some() {
                            limits::refuse(conn, limit, key, charge, &actor, at)?;
                        } else {
                            access_store::refund_attempt(conn, key, charge.window_start)?;
                        }
                    }
                    return Ok((charged, None, actor));
                }
                Ok((charged, account, actor))
            }
        })
        .await?;
    if let Some(retry_after) = charged.blocked_for(at) {
        return Ok(SignInOutcome::Blocked { retry_after });
    }

    let stored = account
        .as_ref()
        .map_or(DUMMY_HASH, |a| a.password_hash.as_str())
        .to_string();
    let verified = match state.hashing.verify(password_text, stored).await {
        Ok(verified) => verified,
        Err(HashingError::Busy) => {
            // Turned away unchecked: the attempt does not count.
            state
                .store
                .run(move |conn| {
                    access_store::refund_attempt(conn, &account_key, charged.account.window_start)?;
                    access_store::refund_attempt(conn, &address_key, charged.address.window_start)
                })
                .await?;
            return Ok(SignInOutcome::Busy {
                retry_after: hashing::RETRY_AFTER_SECONDS,
            });
        }
        Err(HashingError::Failed(e)) => return Err(StoreError::Task(e)),
    };

    let ip = ip.to_string();
    state
        .store
        .run(move |conn| {
            let usable = account
                .as_ref()
                .filter(|a| verified && a.disabled_at.is_none());
            let Some(account) = usable else {
                audit::record(
                    conn,
                    &actor,
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
            if role == StaffRole::Employer && account.employer_status.as_deref() != Some("approved")
            {
                audit::record(
                    conn,
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
                return Ok(SignInOutcome::Suspended {
                    pending: account.employer_status.as_deref() == Some("pending"),
                });
            }

            let session_token = token::new_secret();
            let csrf = access_store::create_session(
                conn,
                &access_store::NewSession {
                    token: &session_token,
                    user_id: Some(account.id),
                    seeker_id: None,
                    terminal_id: None,
                    expires_at: at + auth::STAFF_LIFETIME,
                    ip: Some(&ip),
                    user_agent: user_agent.as_deref(),
                },
                at,
            )?;
            // A right password is not a failure: the account starts again
            // and the address gets its attempt back.
            access_store::clear_attempts(conn, &account_key)?;
            access_store::refund_attempt(conn, &address_key, charged.address.window_start)?;
            audit::record(
                conn,
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
        })
        .await
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
    let outcome = attempt_sign_in(
        &state,
        &form.email,
        form.password,
        &visitor.ctx.ip,
        user_agent(&req),
    )
    .await?;
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
        SignInOutcome::Suspended { pending } => render(
            StatusCode::FORBIDDEN,
            FieldErrors::single(
                "email",
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
                },
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
                    format!(
                        "Too many attempts to sign in. Wait {minutes} minute{} and try again.",
                        if minutes == 1 { "" } else { "s" }
                    ),
                ),
                &visitor.ctx,
                &form.email,
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, retry_after.into());
            res
        }
        SignInOutcome::Busy { retry_after } => {
            return Err(AppError::Busy { retry_after });
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
            crate::write_tx!(conn, |c| {
                let n = access_store::revoke_user_sessions(c, user_id, None, at)?;
                // A token is a sign-in too: "everywhere" includes them.
                let tokens = access_store::revoke_user_api_tokens(c, user_id, at)?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "sign_out.everywhere",
                        subject_kind: Some("user"),
                        subject_id: Some(user_id),
                        detail: Some(format!("{n} sessions, {tokens} API tokens")),
                    },
                    at,
                )
            })
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
    /// Live API tokens this person made: the form asks whether to revoke them.
    tokens: i64,
    revoke_tokens: bool,
}

async fn live_tokens(state: &AppState, user_id: i64) -> Result<i64, AppError> {
    Ok(state
        .store
        .run(move |conn| access_store::count_user_api_tokens(conn, user_id, now()))
        .await?)
}

pub async fn password_form(
    state: web::Data<AppState>,
    staff: Staff,
) -> Result<HttpResponse, AppError> {
    let tokens = live_tokens(&state, staff.actor.user_id).await?;
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
    let user_id = staff.actor.user_id;
    let session_id = staff.actor.session_id;
    let actor = staff.ctx.audit_actor();
    let revoke_tokens = form.revoke_tokens.as_deref() == Some("yes");
    let (stored, tokens) = state
        .store
        .run(move |conn| {
            let account = access_store::staff_by_id(conn, user_id)?.ok_or(StoreError::NotFound)?;
            let tokens = access_store::count_user_api_tokens(conn, user_id, now())?;
            Ok((account.password_hash, tokens))
        })
        .await?;
    // Argon2 runs on the hashing pool with no database connection held.
    let mut errors = FieldErrors::new();
    if form.current_password.is_empty() {
        errors.add("current_password", "Enter your current password");
    } else if !state
        .hashing
        .verify(form.current_password.clone(), stored)
        .await?
    {
        errors.add("current_password", "Your current password is not correct");
    }
    if let Err(message) = password::check_strength(&form.new_password, &staff.actor.email) {
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
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage {
                chrome: Chrome::of(&staff.ctx),
                errors,
                tokens,
                revoke_tokens,
            },
        ));
    }
    let hash = state.hashing.hash(form.new_password).await?;
    state
        .store
        .run(move |conn| {
            let at = now();
            crate::write_tx!(conn, |c| {
                access_store::set_password(c, user_id, &hash, at)?;
                // Other devices must sign in again with the new password.
                let revoked = access_store::revoke_user_sessions(c, user_id, session_id, at)?;
                // Tokens only when the person said so: an integration that
                // is not compromised should not stop without warning.
                let tokens = if revoke_tokens {
                    access_store::revoke_user_api_tokens(c, user_id, at)?
                } else {
                    0
                };
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "password.changed",
                        subject_kind: Some("user"),
                        subject_id: Some(user_id),
                        detail: Some(format!(
                            "{revoked} other sessions ended, {tokens} API tokens revoked"
                        )),
                    },
                    at,
                )
            })
        })
        .await?;
    Ok(redirect("/account?changed=1"))
}
