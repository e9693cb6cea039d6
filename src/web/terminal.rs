//! Job-seeker pages on supported terminals: enrolment of the device,
//! sign-in with a login code and PIN, the idle-timeout warning and sign-out.
//! No JavaScript: the warning is reached by a meta refresh.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::account::redirect;
use super::auth::{self, Actor, Device, RequestContext, Seeker, SeekerActor, Visitor};
use super::errors::AppError;
use super::i18n::{Lang, Messages};
use super::pages::page;
use super::AppState;
use crate::access::hashing::HashingError;
use crate::access::token;
use crate::domain::FieldErrors;
use crate::store::access::{self as access_store, PIN_ATTEMPTS};
use crate::store::audit::{self, Entry};
use crate::store::{limits, now, StoreError};

/// The warning appears one minute before the idle timeout.
pub const WARN_AFTER_SECONDS: i64 = auth::SEEKER_IDLE.num_seconds() - 60;

/// The language chosen on the device page before anyone signs in. It holds
/// only "en" or "cy", nothing about a person.
pub const LANG_COOKIE: &str = "fc_lang";

const STYLESHEET: &str = include_str!("static/terminal.css");

/// Names a catalogue key kept for later use, so the key test finds it.
pub const fn msg(key: &'static str) -> &'static str {
    key
}

/// What every terminal page shows around its content.
#[derive(Clone, Debug)]
pub struct Frame {
    pub t: Messages,
    pub csrf: String,
    /// A job seeker is signed in: navigation and "Switch user" show.
    pub signed_in: bool,
    /// The page is on an enrolled terminal: the language switch shows.
    pub device: bool,
    pub refresh_after: Option<i64>,
    pub refresh_to: &'static str,
    /// The plain print view: no navigation, no forms.
    pub print: bool,
    /// This page's path, to come back to after switching language.
    pub here: String,
}

pub fn seeker_lang(seeker: &SeekerActor) -> Lang {
    Lang::parse(&seeker.language).unwrap_or_default()
}

fn device_lang(req: &HttpRequest) -> Lang {
    req.cookie(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .unwrap_or_default()
}

fn wants_print(req: &HttpRequest) -> bool {
    req.query_string().split('&').any(|pair| pair == "print=1")
}

impl Frame {
    /// Pages before sign-in: the device's language choice.
    pub fn before_sign_in(ctx: &RequestContext, req: &HttpRequest) -> Self {
        Self {
            t: Messages::new(device_lang(req)),
            csrf: ctx.csrf_token.clone(),
            signed_in: false,
            device: ctx.device.is_some(),
            refresh_after: None,
            refresh_to: "",
            print: false,
            here: req.path().to_string(),
        }
    }

    /// Pages for a signed-in job seeker, in their language, with the idle
    /// warning reached by a meta refresh.
    pub fn signed_in(seeker: &Seeker, req: &HttpRequest) -> Self {
        let here = match req.uri().path_and_query() {
            Some(pq) => pq.as_str().to_string(),
            None => req.path().to_string(),
        };
        Self {
            t: Messages::new(seeker_lang(&seeker.seeker)),
            csrf: seeker.ctx.csrf_token.clone(),
            signed_in: true,
            device: true,
            refresh_after: Some(WARN_AFTER_SECONDS),
            refresh_to: "/terminal/still-there",
            print: wants_print(req),
            here,
        }
    }
}

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
}

/// A path on the terminal pages to return to; anything else goes home.
fn safe_back(back: &str, signed_in: bool) -> String {
    // Before sign-in the address carries a harmless marker, so that it is
    // not mistaken for the redirect that asks a person to sign in.
    let fallback = if signed_in {
        "/terminal/home"
    } else {
        "/terminal?language=changed"
    };
    let ok = back.starts_with("/terminal")
        && !back.starts_with("//")
        && !back.contains("://")
        && !back.contains('\\')
        && !back.starts_with("/terminal/timed-out")
        && back.chars().all(|c| !c.is_control());
    if ok {
        back.to_string()
    } else {
        fallback.to_string()
    }
}

/// The language switch: a signed-in person's choice is kept with their
/// account; before sign-in it is kept on the device.
pub async fn set_language(
    state: web::Data<AppState>,
    device: Device,
    form: web::Form<LanguageForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let seeker = match &device.ctx.actor {
        Some(Actor::Seeker(s)) => Some(s.seeker_id),
        _ => None,
    };
    let back = safe_back(&form.back, seeker.is_some());
    match seeker {
        Some(seeker_id) => {
            state
                .store
                .run(move |conn| crate::store::seekers::set_language(conn, seeker_id, lang.code()))
                .await?;
            Ok(redirect(&back))
        }
        None => {
            let mut res = redirect(&back);
            let mut c = auth::cookie(
                LANG_COOKIE,
                lang.code().to_string(),
                state.config.is_https(),
            );
            c.set_max_age(actix_web::cookie::time::Duration::days(400));
            let _ = res.add_cookie(&c);
            Ok(res)
        }
    }
}

#[derive(Template)]
#[template(path = "terminal/enrol.html")]
struct EnrolPage {
    f: Frame,
    errors: FieldErrors,
    enrolled: bool,
}

pub async fn enrol_form(visitor: Visitor, req: HttpRequest) -> HttpResponse {
    page(
        StatusCode::OK,
        &EnrolPage {
            f: Frame::before_sign_in(&visitor.ctx, &req),
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
    req: HttpRequest,
    form: web::Form<EnrolForm>,
) -> Result<HttpResponse, AppError> {
    let code = form.into_inner().code;
    let f = Frame::before_sign_in(&visitor.ctx, &req);
    let t = f.t;
    let render = |status: StatusCode, key: &'static str| {
        page(
            status,
            &EnrolPage {
                f: f.clone(),
                errors: FieldErrors::single("code", t.get(key)),
                enrolled: false,
            },
        )
    };
    if code.trim().is_empty() {
        return Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("enrol.error.empty"),
        ));
    }
    let actor = visitor.ctx.audit_actor();
    let key = limits::ENROL_ADDRESS.key(&visitor.ctx.ip);
    // Anyone can reach this page: wrong codes are limited per address (the
    // attempt is charged before the code is checked), and a right code
    // gives its attempt back.
    let redeemed = state
        .store
        .run(move |conn| {
            let at = now();
            let limit = &limits::ENROL_ADDRESS;
            let charge = limits::charge(conn, limit, &key, at)?;
            if let Some(retry_after) = limit.blocked_for(&charge, at) {
                limits::refuse(conn, limit, &key, &charge, &actor, at)?;
                return Ok(Err(retry_after));
            }
            let redeemed = access_store::redeem_enrolment(conn, &code, at)?;
            if redeemed.is_some() {
                access_store::refund_attempt(conn, &key, charge.window_start)?;
            }
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
            Ok(Ok(redeemed))
        })
        .await?;
    match redeemed {
        Ok(Some((_, credential))) => {
            let mut res = redirect("/terminal");
            let _ = res.add_cookie(&auth::device_cookie(&state, &credential));
            Ok(res)
        }
        Ok(None) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            msg("enrol.error.wrong"),
        )),
        Err(retry_after) => {
            let minutes = (retry_after + 59) / 60;
            let mut res = page(
                StatusCode::TOO_MANY_REQUESTS,
                &EnrolPage {
                    f: f.clone(),
                    errors: FieldErrors::single(
                        "code",
                        t.with(msg("enrol.error.too_many"), "minutes", minutes),
                    ),
                    enrolled: false,
                },
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, retry_after.into());
            Ok(res)
        }
    }
}

#[derive(Template)]
#[template(path = "terminal/sign_in.html")]
struct SignInPage<'a> {
    f: Frame,
    errors: FieldErrors,
    login_code: &'a str,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct SignedOut {
    #[serde(default)]
    signed_out: Option<String>,
}

pub async fn sign_in_form(
    device: Device,
    req: HttpRequest,
    query: web::Query<SignedOut>,
) -> HttpResponse {
    if let Some(Actor::Seeker(_)) = device.ctx.actor {
        return redirect("/terminal/home");
    }
    page(
        StatusCode::OK,
        &SignInPage {
            f: Frame::before_sign_in(&device.ctx, &req),
            errors: FieldErrors::new(),
            login_code: "",
            notice: if device.ctx.timed_out {
                Some(msg("sign_in.notice.timed_out"))
            } else if query.signed_out.is_some() {
                Some(msg("sign_in.notice.signed_out"))
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

/// Checks a login code and PIN typed on `terminal`; on success opens the
/// job seeker's session. Every attempt is audited; wrong PINs since the PIN
/// was issued count towards the lock, and an attempt is counted before the
/// PIN is checked (argon2 on the hashing pool, no connection held). Shared
/// by the sign-in page and the terminal API.
pub(crate) async fn check_pin(
    state: &AppState,
    terminal: auth::TerminalDevice,
    lookup_code: String,
    pin: String,
    ip: String,
    ua: Option<String>,
) -> Result<PinOutcome, StoreError> {
    let at = now();
    let terminal_actor = audit::Actor {
        kind: "terminal",
        label: format!("terminal {}", terminal.id),
        ip: Some(ip.clone()),
        ..Default::default()
    };
    let seeker_actor = {
        let ip = ip.clone();
        move |id: i64| audit::Actor {
            kind: "seeker",
            seeker_id: Some(id),
            label: format!("job seeker {id}"),
            ip: Some(ip.clone()),
            ..Default::default()
        }
    };
    let record = move |conn: &mut crate::store::Conn,
                       actor: &audit::Actor,
                       action: &'static str,
                       subject: (&'static str, i64),
                       detail: Option<String>| {
        audit::record(
            conn,
            actor,
            Entry {
                action,
                subject_kind: Some(subject.0),
                subject_id: Some(subject.1),
                detail,
            },
            at,
        )
    };
    let charged = state
        .store
        .run({
            let terminal_actor = terminal_actor.clone();
            let seeker_actor = seeker_actor.clone();
            move |conn| {
                let seeker = access_store::seeker_by_code(conn, &lookup_code)?;
                // A seeker only signs in on a terminal of their own service.
                let Some(seeker) = seeker.filter(|s| s.service_id == terminal.service_id) else {
                    record(
                        conn,
                        &terminal_actor,
                        "seeker.sign_in_failure",
                        ("terminal", terminal.id),
                        Some("unknown code".into()),
                    )?;
                    return Ok(Err(PinOutcome::Unknown));
                };
                let actor = seeker_actor(seeker.id);
                if seeker.locked_at.is_some() {
                    record(
                        conn,
                        &actor,
                        "seeker.sign_in_locked",
                        ("job_seeker", seeker.id),
                        None,
                    )?;
                    return Ok(Err(PinOutcome::Locked));
                }
                match access_store::charge_pin(conn, seeker.id)? {
                    Some(wrong_so_far) => Ok(Ok((seeker, wrong_so_far))),
                    None => {
                        // Out of guesses (a parallel attempt used the last).
                        access_store::lock_seeker(conn, seeker.id, at)?;
                        record(
                            conn,
                            &actor,
                            "seeker.sign_in_locked",
                            ("job_seeker", seeker.id),
                            None,
                        )?;
                        Ok(Err(PinOutcome::Locked))
                    }
                }
            }
        })
        .await?;
    let (seeker, wrong_so_far) = match charged {
        Ok(charged) => charged,
        Err(outcome) => return Ok(outcome),
    };
    let seeker_id = seeker.id;
    let verified = match state.hashing.verify(pin, seeker.pin_hash.clone()).await {
        Ok(verified) => verified,
        Err(HashingError::Busy) => {
            state
                .store
                .run(move |conn| access_store::refund_pin(conn, seeker_id))
                .await?;
            return Ok(PinOutcome::Busy {
                retry_after: crate::access::hashing::RETRY_AFTER_SECONDS,
            });
        }
        Err(HashingError::Failed(e)) => return Err(StoreError::Task(e)),
    };
    let actor = seeker_actor(seeker_id);
    state
        .store
        .run(move |conn| {
            if !verified {
                let locked =
                    wrong_so_far >= PIN_ATTEMPTS && access_store::lock_seeker(conn, seeker_id, at)?;
                let action = if locked {
                    "seeker.locked"
                } else {
                    "seeker.sign_in_failure"
                };
                record(conn, &actor, action, ("job_seeker", seeker_id), None)?;
                return Ok(if wrong_so_far >= PIN_ATTEMPTS {
                    PinOutcome::Locked
                } else {
                    PinOutcome::Wrong {
                        left: PIN_ATTEMPTS - wrong_so_far,
                    }
                });
            }
            access_store::refund_pin(conn, seeker_id)?;
            let session_token = token::new_secret();
            access_store::create_session(
                conn,
                &access_store::NewSession {
                    token: &session_token,
                    user_id: None,
                    seeker_id: Some(seeker_id),
                    terminal_id: Some(terminal.id),
                    expires_at: at + auth::SEEKER_LIFETIME,
                    ip: Some(&ip),
                    user_agent: ua.as_deref(),
                },
                at,
            )?;
            record(
                conn,
                &actor,
                "seeker.sign_in_success",
                ("job_seeker", seeker_id),
                None,
            )?;
            Ok(PinOutcome::SignedIn(session_token))
        })
        .await
}

pub(crate) enum PinOutcome {
    SignedIn(String),
    Wrong { left: i32 },
    Locked,
    Unknown,
    Busy { retry_after: i64 },
}

pub async fn sign_in(
    state: web::Data<AppState>,
    device: Device,
    req: HttpRequest,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let f = Frame::before_sign_in(&device.ctx, &req);
    let t = f.t;
    let code = form.login_code.trim().to_uppercase();
    let mut errors = FieldErrors::new();
    if code.is_empty() {
        errors.add("login_code", t.get("sign_in.error.no_code"));
    }
    if form.pin.trim().is_empty() {
        errors.add("pin", t.get("sign_in.error.no_pin"));
    } else if form.pin.trim().len() != 6 || !form.pin.trim().chars().all(|c| c.is_ascii_digit()) {
        errors.add("pin", t.get("sign_in.error.pin_format"));
    }
    let render = |status: StatusCode, errors: FieldErrors, code: &str| {
        page(
            status,
            &SignInPage {
                f: f.clone(),
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
    let outcome = check_pin(&state, terminal, code.clone(), pin, ip, ua).await?;
    Ok(match outcome {
        PinOutcome::SignedIn(session_token) => {
            let mut res = redirect("/terminal/home");
            let _ = res.add_cookie(&auth::session_cookie(&state, &session_token));
            res
        }
        PinOutcome::Unknown => render(
            StatusCode::UNAUTHORIZED,
            FieldErrors::single("login_code", t.get("sign_in.error.no_match")),
            &code,
        ),
        PinOutcome::Wrong { left } => render(
            StatusCode::UNAUTHORIZED,
            FieldErrors::single(
                "pin",
                if left == 1 {
                    t.get("sign_in.error.wrong_pin_last").to_string()
                } else {
                    t.with("sign_in.error.wrong_pin", "left", left)
                },
            ),
            &code,
        ),
        PinOutcome::Locked => render(
            StatusCode::LOCKED,
            FieldErrors::single("pin", t.get("sign_in.error.locked")),
            &code,
        ),
        PinOutcome::Busy { retry_after } => return Err(AppError::Busy { retry_after }),
    })
}

#[derive(Template)]
#[template(path = "terminal/home.html")]
struct HomePage<'a> {
    f: Frame,
    given_name: &'a str,
}

pub async fn home(seeker: Seeker, req: HttpRequest) -> HttpResponse {
    page(
        StatusCode::OK,
        &HomePage {
            f: Frame::signed_in(&seeker, &req),
            given_name: &seeker.seeker.given_name,
        },
    )
}

#[derive(Template)]
#[template(path = "terminal/still_there.html")]
struct StillTherePage {
    f: Frame,
}

pub async fn still_there(seeker: Seeker, req: HttpRequest) -> HttpResponse {
    let mut f = Frame::signed_in(&seeker, &req);
    f.refresh_after = Some(60);
    f.refresh_to = "/terminal/timed-out";
    page(StatusCode::OK, &StillTherePage { f })
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
    f: Frame,
}

/// Reached by the warning page's meta refresh: ends any seeker session.
pub async fn timed_out(
    state: web::Data<AppState>,
    visitor: Visitor,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let mut f = Frame::before_sign_in(&visitor.ctx, &req);
    if let Some(Actor::Seeker(seeker)) = &visitor.ctx.actor {
        f.t = Messages::new(seeker_lang(seeker));
        end_seeker_session(&state, seeker, "seeker.timed_out", visitor.ctx.ip.clone()).await?;
    }
    let mut res = page(StatusCode::OK, &TimedOutPage { f });
    let _ = res.add_removal_cookie(&auth::removal(auth::SESSION_COOKIE));
    Ok(res)
}
