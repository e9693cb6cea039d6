//! Job-seeker pages on supported terminals: enrolment of the device,
//! sign-in with a login code and PIN, the idle-timeout warning and sign-out.
//! No JavaScript: the warning is reached by a meta refresh.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{msg, seeker_lang, Frame, LANG_COOKIE};
use crate::app::terminals::{self, Ending, Enrolment, PinOutcome};
use crate::domain::FieldErrors;
use crate::web::account::redirect;
use crate::web::auth::{self, Actor, Device, Seeker, Visitor};
use crate::web::errors::AppError;
use crate::web::i18n::Messages;
use crate::web::pages::{page, too_many_attempts};
use crate::web::AppState;

const STYLESHEET: &str = concat!(
    include_str!("../static/messages.css"),
    include_str!("../static/terminal.css")
);

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
    let lang = crate::web::i18n::Lang::parse(&form.lang).unwrap_or_default();
    let seeker = match &device.ctx.actor {
        Some(Actor::Seeker(s)) => Some(s.seeker_id),
        _ => None,
    };
    let back = safe_back(&form.back, seeker.is_some());
    match seeker {
        Some(seeker_id) => {
            terminals::set_language(&state, seeker_id, lang.code()).await?;
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
    let render = |status: StatusCode, error: String| {
        page(
            status,
            &EnrolPage {
                f: f.clone(),
                errors: FieldErrors::single("code", error),
                enrolled: false,
            },
        )
    };
    if code.trim().is_empty() {
        let error = t.get(msg("enrol.error.empty")).to_string();
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, error));
    }
    let actor = visitor.ctx.audit_actor();
    Ok(
        match terminals::enrol(&state, code, actor, &visitor.ctx.ip).await? {
            Enrolment::Enrolled(credential) => {
                let mut res = redirect("/terminal");
                let _ = res.add_cookie(&auth::device_cookie(&state, &credential));
                res
            }
            Enrolment::Wrong => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                t.get(msg("enrol.error.wrong")).to_string(),
            ),
            Enrolment::TooMany { retry_after } => too_many_attempts(retry_after, |minutes| {
                let error = t.with(msg("enrol.error.too_many"), "minutes", minutes);
                render(StatusCode::TOO_MANY_REQUESTS, error)
            }),
        },
    )
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

/// What is wrong with the code and PIN as typed, before anything is checked.
fn sign_in_errors(t: Messages, code: &str, pin: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if code.is_empty() {
        errors.add("login_code", t.get("sign_in.error.no_code"));
    }
    if pin.is_empty() {
        errors.add("pin", t.get("sign_in.error.no_pin"));
    } else if pin.len() != 6 || !pin.chars().all(|c| c.is_ascii_digit()) {
        errors.add("pin", t.get("sign_in.error.pin_format"));
    }
    errors
}

/// The sign-in form again, with what went wrong.
fn sign_in_refused(t: Messages, outcome: PinOutcome) -> (StatusCode, FieldErrors) {
    match outcome {
        PinOutcome::SignedIn { .. } | PinOutcome::Unknown => (
            StatusCode::UNAUTHORIZED,
            FieldErrors::single("login_code", t.get("sign_in.error.no_match")),
        ),
        PinOutcome::Wrong { left } => (
            StatusCode::UNAUTHORIZED,
            FieldErrors::single(
                "pin",
                if left == 1 {
                    t.get("sign_in.error.wrong_pin_last").to_string()
                } else {
                    t.with("sign_in.error.wrong_pin", "left", left)
                },
            ),
        ),
        PinOutcome::Locked => (
            StatusCode::LOCKED,
            FieldErrors::single("pin", t.get("sign_in.error.locked")),
        ),
    }
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
    let pin = form.pin.trim().to_string();
    let render = |status: StatusCode, errors: FieldErrors| {
        page(
            status,
            &SignInPage {
                f: f.clone(),
                errors,
                login_code: &code,
                notice: None,
            },
        )
    };
    let errors = sign_in_errors(t, &code, &pin);
    if !errors.is_empty() {
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, errors));
    }
    let ip = device.ctx.ip.clone();
    let ua = crate::web::account::user_agent(&req);
    let outcome = terminals::sign_in(&state, device.device, code.clone(), pin, ip, ua).await?;
    if let PinOutcome::SignedIn { token, .. } = &outcome {
        let mut res = redirect("/terminal/home");
        let _ = res.add_cookie(&auth::session_cookie(&state, token));
        return Ok(res);
    }
    let (status, errors) = sign_in_refused(t, outcome);
    Ok(render(status, errors))
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

/// "Switch user": the session ends completely.
pub async fn sign_out(
    state: web::Data<AppState>,
    seeker: Seeker,
) -> Result<HttpResponse, AppError> {
    let ip = seeker.ctx.ip.clone();
    terminals::sign_out(&state, &seeker.seeker, Ending::SignOut, ip).await?;
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
        let ip = visitor.ctx.ip.clone();
        terminals::sign_out(&state, seeker, Ending::TimedOut, ip).await?;
    }
    let mut res = page(StatusCode::OK, &TimedOutPage { f });
    let _ = res.add_removal_cookie(&auth::removal(auth::SESSION_COOKIE));
    Ok(res)
}
