//! Job-seeker pages on supported terminals: enrolment of the device,
//! sign-in with a login code and PIN, the idle-timeout warning and sign-out.
//! No JavaScript: the warning is reached by a meta refresh.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::account::redirect;
use super::auth::{self, Actor, Device, Seeker, Visitor};
use super::errors::AppError;
use super::pages::page;
use super::AppState;
use crate::access::{password, token};
use crate::domain::FieldErrors;
use crate::store::access::{self as access_store, PIN_ATTEMPTS};
use crate::store::audit::{self, Entry};
use crate::store::{now, StoreError};

/// The warning appears one minute before the idle timeout.
const WARN_AFTER_SECONDS: i64 = auth::SEEKER_IDLE.num_seconds() - 60;

#[derive(Template)]
#[template(path = "terminal/enrol.html")]
struct EnrolPage {
    lang: &'static str,
    csrf: String,
    signed_in: bool,
    refresh_after: Option<i64>,
    refresh_to: &'static str,
    errors: FieldErrors,
    enrolled: bool,
}

pub async fn enrol_form(visitor: Visitor) -> HttpResponse {
    page(
        StatusCode::OK,
        &EnrolPage {
            lang: "en",
            csrf: visitor.ctx.csrf_token.clone(),
            signed_in: false,
            refresh_after: None,
            refresh_to: "",
            errors: FieldErrors::new(),
            enrolled: visitor.ctx.device.is_some(),
        },
    )
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    code: String,
}

pub async fn enrol(
    state: web::Data<AppState>,
    visitor: Visitor,
    form: web::Form<EnrolForm>,
) -> Result<HttpResponse, AppError> {
    let code = form.into_inner().code;
    let render = |status: StatusCode, message: &str| {
        page(
            status,
            &EnrolPage {
                lang: "en",
                csrf: visitor.ctx.csrf_token.clone(),
                signed_in: false,
                refresh_after: None,
                refresh_to: "",
                errors: FieldErrors::single("code", message),
                enrolled: false,
            },
        )
    };
    if code.trim().is_empty() {
        return Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter the enrolment code",
        ));
    }
    let actor = visitor.ctx.audit_actor();
    let redeemed = state
        .store
        .run(move |conn| {
            let at = now();
            let redeemed = access_store::redeem_enrolment(conn, &code, at)?;
            audit::record(
                conn,
                &actor,
                Entry {
                    action: if redeemed.is_some() {
                        "terminal.enrolled"
                    } else {
                        "terminal.enrol_failed"
                    },
                    subject_kind: Some("terminal"),
                    subject_id: redeemed.as_ref().map(|(id, _)| *id),
                    detail: None,
                },
                at,
            )?;
            Ok(redeemed)
        })
        .await?;
    match redeemed {
        Some((_, credential)) => {
            let mut res = redirect("/terminal");
            let _ = res.add_cookie(&auth::device_cookie(&state, &credential));
            Ok(res)
        }
        None => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "This code is not right, has been used already, or is more than 7 days old. Ask an administrator for a new one.",
        )),
    }
}

#[derive(Template)]
#[template(path = "terminal/sign_in.html")]
struct SignInPage<'a> {
    lang: &'static str,
    csrf: String,
    signed_in: bool,
    refresh_after: Option<i64>,
    refresh_to: &'static str,
    errors: FieldErrors,
    login_code: &'a str,
    notice: Option<&'a str>,
}

#[derive(Deserialize)]
pub struct SignedOut {
    #[serde(default)]
    signed_out: Option<String>,
}

pub async fn sign_in_form(device: Device, query: web::Query<SignedOut>) -> HttpResponse {
    if let Some(Actor::Seeker(_)) = device.ctx.actor {
        return redirect("/terminal/home");
    }
    page(
        StatusCode::OK,
        &SignInPage {
            lang: "en",
            csrf: device.ctx.csrf_token.clone(),
            signed_in: false,
            refresh_after: None,
            refresh_to: "",
            errors: FieldErrors::new(),
            login_code: "",
            notice: if device.ctx.timed_out {
                Some("You were signed out because the computer was not used for 10 minutes.")
            } else if query.signed_out.is_some() {
                Some("You have signed out. The next person can sign in now.")
            } else {
                None
            },
        },
    )
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    login_code: String,
    #[serde(default)]
    pin: String,
}

enum PinOutcome {
    SignedIn(String),
    Wrong { left: i32 },
    Locked,
    Unknown,
}

pub async fn sign_in(
    state: web::Data<AppState>,
    device: Device,
    req: HttpRequest,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let code = form.login_code.trim().to_uppercase();
    let mut errors = FieldErrors::new();
    if code.is_empty() {
        errors.add("login_code", "Enter your code");
    }
    if form.pin.trim().is_empty() {
        errors.add("pin", "Enter your PIN");
    } else if form.pin.trim().len() != 6 || !form.pin.trim().chars().all(|c| c.is_ascii_digit()) {
        errors.add("pin", "Your PIN is 6 numbers");
    }
    let render = |status: StatusCode, errors: FieldErrors, code: &str| {
        page(
            status,
            &SignInPage {
                lang: "en",
                csrf: device.ctx.csrf_token.clone(),
                signed_in: false,
                refresh_after: None,
                refresh_to: "",
                errors,
                login_code: code,
                notice: None,
            },
        )
    };
    if !errors.is_empty() {
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, errors, &code));
    }
    let terminal = device.device;
    let ip = device.ctx.ip.clone();
    let ua = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let pin = form.pin.trim().to_string();
    let lookup_code = code.clone();
    let outcome = state
        .store
        .run(move |conn| {
            let at = now();
            let seeker = access_store::seeker_by_code(conn, &lookup_code)?;
            // A seeker only signs in on a terminal of their own service.
            let Some(seeker) = seeker.filter(|s| s.service_id == terminal.service_id) else {
                audit::record(
                    conn,
                    &audit::Actor {
                        kind: "terminal",
                        label: format!("terminal {}", terminal.id),
                        ip: Some(ip.clone()),
                        ..Default::default()
                    },
                    Entry {
                        action: "seeker.sign_in_failure",
                        subject_kind: Some("terminal"),
                        subject_id: Some(terminal.id),
                        detail: Some("unknown code".into()),
                    },
                    at,
                )?;
                return Ok(PinOutcome::Unknown);
            };
            let actor = audit::Actor {
                kind: "seeker",
                seeker_id: Some(seeker.id),
                label: format!("job seeker {}", seeker.id),
                ip: Some(ip.clone()),
                ..Default::default()
            };
            if seeker.locked_at.is_some() {
                audit::record(
                    conn,
                    &actor,
                    Entry {
                        action: "seeker.sign_in_locked",
                        subject_kind: Some("job_seeker"),
                        subject_id: Some(seeker.id),
                        detail: None,
                    },
                    at,
                )?;
                return Ok(PinOutcome::Locked);
            }
            if !password::verify(&pin, &seeker.pin_hash) {
                let locked = access_store::record_wrong_pin(conn, seeker.id, at)?;
                audit::record(
                    conn,
                    &actor,
                    Entry {
                        action: if locked {
                            "seeker.locked"
                        } else {
                            "seeker.sign_in_failure"
                        },
                        subject_kind: Some("job_seeker"),
                        subject_id: Some(seeker.id),
                        detail: None,
                    },
                    at,
                )?;
                return Ok(if locked {
                    PinOutcome::Locked
                } else {
                    PinOutcome::Wrong {
                        left: PIN_ATTEMPTS - seeker.failed_pin_attempts - 1,
                    }
                });
            }
            let session_token = token::new_secret();
            access_store::create_session(
                conn,
                &access_store::NewSession {
                    token: &session_token,
                    user_id: None,
                    seeker_id: Some(seeker.id),
                    terminal_id: Some(terminal.id),
                    expires_at: at + auth::SEEKER_LIFETIME,
                    ip: Some(&ip),
                    user_agent: ua.as_deref(),
                },
                at,
            )?;
            access_store::reset_pin_failures(conn, seeker.id)?;
            audit::record(
                conn,
                &actor,
                Entry {
                    action: "seeker.sign_in_success",
                    subject_kind: Some("job_seeker"),
                    subject_id: Some(seeker.id),
                    detail: None,
                },
                at,
            )?;
            Ok::<_, StoreError>(PinOutcome::SignedIn(session_token))
        })
        .await?;
    Ok(match outcome {
        PinOutcome::SignedIn(session_token) => {
            let mut res = redirect("/terminal/home");
            let _ = res.add_cookie(&auth::session_cookie(&state, &session_token));
            res
        }
        PinOutcome::Unknown => render(StatusCode::UNAUTHORIZED, FieldErrors::single("login_code", "This code and PIN do not match. Check them and try again."), &code),
        PinOutcome::Wrong { left } => render(
            StatusCode::UNAUTHORIZED,
            FieldErrors::single(
                "pin",
                format!("This PIN is not right. You can try {left} more time{} before your account is locked.", if left == 1 { "" } else { "s" }),
            ),
            &code,
        ),
        PinOutcome::Locked => render(
            StatusCode::LOCKED,
            FieldErrors::single("pin", "Your account is locked because the PIN was wrong 5 times. Ask your officer to unlock it."),
            &code,
        ),
    })
}

#[derive(Template)]
#[template(path = "terminal/home.html")]
struct HomePage<'a> {
    lang: &'static str,
    csrf: String,
    signed_in: bool,
    refresh_after: Option<i64>,
    refresh_to: &'static str,
    given_name: &'a str,
}

pub async fn home(seeker: Seeker) -> HttpResponse {
    page(
        StatusCode::OK,
        &HomePage {
            lang: "en",
            csrf: seeker.ctx.csrf_token.clone(),
            signed_in: true,
            refresh_after: Some(WARN_AFTER_SECONDS),
            refresh_to: "/terminal/still-there",
            given_name: &seeker.seeker.given_name,
        },
    )
}

#[derive(Template)]
#[template(path = "terminal/still_there.html")]
struct StillTherePage {
    lang: &'static str,
    csrf: String,
    signed_in: bool,
    refresh_after: Option<i64>,
    refresh_to: &'static str,
}

pub async fn still_there(seeker: Seeker) -> HttpResponse {
    page(
        StatusCode::OK,
        &StillTherePage {
            lang: "en",
            csrf: seeker.ctx.csrf_token.clone(),
            signed_in: true,
            refresh_after: Some(60),
            refresh_to: "/terminal/timed-out",
        },
    )
}

/// The middleware has already refreshed the session; back to work.
pub async fn keep_alive(_seeker: Seeker) -> HttpResponse {
    redirect("/terminal/home")
}

async fn end_seeker_session(
    state: &AppState,
    seeker: &auth::SeekerActor,
    action: &'static str,
    ip: String,
) -> Result<(), AppError> {
    let (session_id, seeker_id) = (seeker.session_id, seeker.seeker_id);
    state
        .store
        .run(move |conn| {
            let at = now();
            access_store::revoke_session(conn, session_id, at)?;
            audit::record(
                conn,
                &audit::Actor {
                    kind: "seeker",
                    seeker_id: Some(seeker_id),
                    label: format!("job seeker {seeker_id}"),
                    ip: Some(ip),
                    ..Default::default()
                },
                Entry {
                    action,
                    subject_kind: Some("job_seeker"),
                    subject_id: Some(seeker_id),
                    detail: None,
                },
                at,
            )
        })
        .await?;
    Ok(())
}

/// "Switch user": the session ends completely.
pub async fn sign_out(
    state: web::Data<AppState>,
    seeker: Seeker,
) -> Result<HttpResponse, AppError> {
    end_seeker_session(
        &state,
        &seeker.seeker,
        "seeker.sign_out",
        seeker.ctx.ip.clone(),
    )
    .await?;
    let mut res = redirect("/terminal?signed_out=1");
    let _ = res.add_removal_cookie(&auth::removal(auth::SESSION_COOKIE));
    Ok(res)
}

#[derive(Template)]
#[template(path = "terminal/timed_out.html")]
struct TimedOutPage {
    lang: &'static str,
    csrf: String,
    signed_in: bool,
    refresh_after: Option<i64>,
    refresh_to: &'static str,
}

/// Reached by the warning page's meta refresh: ends any seeker session.
pub async fn timed_out(
    state: web::Data<AppState>,
    visitor: Visitor,
) -> Result<HttpResponse, AppError> {
    if let Some(Actor::Seeker(seeker)) = &visitor.ctx.actor {
        end_seeker_session(&state, seeker, "seeker.timed_out", visitor.ctx.ip.clone()).await?;
    }
    let mut res = page(
        StatusCode::OK,
        &TimedOutPage {
            lang: "en",
            csrf: visitor.ctx.csrf_token.clone(),
            signed_in: false,
            refresh_after: None,
            refresh_to: "",
        },
    );
    let _ = res.add_removal_cookie(&auth::removal(auth::SESSION_COOKIE));
    Ok(res)
}
