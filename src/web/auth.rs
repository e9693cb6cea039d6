//! Who is asking, decided in one place.
//!
//! The [`Authenticate`] middleware resolves each request once: a staff or
//! job-seeker session from the session cookie, an employer API token or a
//! service's integration token from `Authorization: Bearer`, and an enrolled
//! terminal from the device cookie. It enforces the CSRF token and the
//! Origin check on every state-changing request that relies on a cookie,
//! answers anonymous `/api/v1` calls with 401 before any handler runs, and
//! an integration token anywhere but the profile API with 403. Handlers then
//! take an extractor ([`Staff`], [`Admin`], [`Officer`], [`EmployerMember`],
//! [`ProfileReader`], [`ProfileWriter`], [`Seeker`], [`Device`]) that yields
//! the actor with its scope; store queries take that scope, so a resource
//! outside it is simply not found.

use std::collections::HashMap;
use std::future::{ready, Ready};
use std::rc::Rc;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{forward_ready, Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, Error, FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use chrono::NaiveDateTime;
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::AppState;
pub use crate::access::actor::{
    Actor, IntegrationActor, Scope, SeekerActor, StaffActor, TerminalDevice, SEEKER_IDLE,
    SEEKER_LIFETIME, STAFF_IDLE, STAFF_LIFETIME,
};
use crate::access::{token, StaffRole};
use crate::store::{self, access as access_store, now, StoreError};

pub const SESSION_COOKIE: &str = "fc_session";
pub const DEVICE_COOKIE: &str = "fc_device";
pub const ANON_CSRF_COOKIE: &str = "fc_csrf";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The device credential of an enrolled terminal, for terminal vendors' apps
/// that do not keep cookies for it.
pub const DEVICE_HEADER: &str = "x-device-credential";

/// A device credential cookie lasts as long as the enrolment (revocation is
/// checked on every request).
const DEVICE_COOKIE_DAYS: i64 = 400;
const FORM_LIMIT: usize = 256 * 1024;

/// How the request proved who it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    None,
    Cookie,
    Bearer,
}

/// Everything the middleware learned, stored in the request's extensions.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub actor: Option<Actor>,
    pub device: Option<TerminalDevice>,
    pub via: Via,
    /// The token forms must carry: the session's, or the anonymous cookie's.
    pub csrf_token: String,
    pub ip: String,
    /// The session ended for being idle on this request.
    pub timed_out: bool,
    new_anon_csrf: bool,
}

impl RequestContext {
    pub fn of(req: &HttpRequest) -> Option<RequestContext> {
        req.extensions().get::<RequestContext>().cloned()
    }

    /// For the audit log.
    pub fn audit_actor(&self) -> store::audit::Actor {
        match &self.actor {
            Some(Actor::Staff(s)) => store::audit::Actor {
                kind: if self.via == Via::Bearer {
                    "api_token"
                } else {
                    s.role.as_str()
                },
                user_id: Some(s.user_id),
                seeker_id: None,
                label: s.email.clone(),
                ip: Some(self.ip.clone()),
            },
            Some(Actor::Seeker(s)) => store::audit::Actor {
                kind: "seeker",
                user_id: None,
                seeker_id: Some(s.seeker_id),
                label: format!("job seeker {}", s.seeker_id),
                ip: Some(self.ip.clone()),
            },
            // The audit log's API-token kind, named by the token's label.
            Some(Actor::Integration(i)) => store::audit::Actor {
                kind: "api_token",
                label: i.label.clone(),
                ip: Some(self.ip.clone()),
                ..Default::default()
            },
            None => store::audit::Actor {
                kind: "anonymous",
                label: "anonymous".into(),
                ip: Some(self.ip.clone()),
                ..Default::default()
            },
        }
    }
}

/// Signs a cookie value so a forged one is rejected before the database is
/// asked.
pub fn sign(key: &[u8], value: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC accepts keys of any length; this arm cannot be reached.
        Err(_) => return value.to_string(),
    };
    mac.update(value.as_bytes());
    let tag: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{value}.{tag}")
}

pub fn verify_signed(key: &[u8], signed: &str) -> Option<String> {
    let (value, _) = signed.rsplit_once('.')?;
    constant_time_eq(sign(key, value).as_bytes(), signed.as_bytes()).then(|| value.to_string())
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie with the attributes every cookie here carries.
pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

pub fn session_cookie(state: &AppState, token: &str) -> Cookie<'static> {
    cookie(
        SESSION_COOKIE,
        sign(&state.config.secret_key, token),
        state.config.is_https(),
    )
}

pub fn device_cookie(state: &AppState, credential: &str) -> Cookie<'static> {
    let mut c = cookie(
        DEVICE_COOKIE,
        sign(&state.config.secret_key, credential),
        state.config.is_https(),
    );
    c.set_max_age(actix_web::cookie::time::Duration::days(DEVICE_COOKIE_DAYS));
    c
}

pub fn removal(name: &'static str) -> Cookie<'static> {
    let mut c = Cookie::build(name, "").path("/").http_only(true).finish();
    c.make_removal();
    c
}

/// The real client's address: the TCP peer, or what a trusted proxy says.
fn client_ip(req: &ServiceRequest, state: &AppState) -> String {
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    super::client_ip::client_ip(
        req.peer_addr().map(|a| a.ip()),
        header(header::FORWARDED),
        header(header::X_FORWARDED_FOR),
        &state.config.trusted_proxies,
    )
    .map_or_else(|| "unknown".into(), |ip| ip.to_string())
}

struct Resolved {
    actor: Option<Actor>,
    device: Option<TerminalDevice>,
    via: Via,
    session_csrf: Option<String>,
    timed_out: bool,
}

impl Resolved {
    fn nobody() -> Self {
        Self {
            actor: None,
            device: None,
            via: Via::None,
            session_csrf: None,
            timed_out: false,
        }
    }
}

/// The enrolled terminal for a device credential, seen now. `known` is the
/// terminal of the request's session, read with it: when the credential is
/// that terminal's, no statement is needed to find it.
fn device_of(
    conn: &mut store::Conn,
    credential: &str,
    known: Option<&access_store::SessionTerminal>,
    at: NaiveDateTime,
) -> Result<Option<TerminalDevice>, StoreError> {
    let found = match known.and_then(|t| t.enrolled_with(credential)) {
        Some(found) => Some(found),
        None => access_store::find_terminal(conn, credential)?,
    };
    let Some((id, service_id, last_seen)) = found else {
        return Ok(None);
    };
    if access_store::touch_due(last_seen, at) {
        access_store::touch_terminal(conn, id, at)?;
    }
    Ok(Some(TerminalDevice { id, service_id }))
}

/// Whether a bearer secret is an integration token's (by its start).
fn is_integration_secret(secret: &str) -> bool {
    secret
        .strip_prefix(token::INTEGRATION_TOKEN_KIND)
        .is_some_and(|rest| rest.starts_with('_'))
}

/// The employer's user an API token acts for, or the service an
/// integration token belongs to.
fn bearer_actor(
    conn: &mut store::Conn,
    secret: &str,
    at: NaiveDateTime,
) -> Result<Option<Actor>, StoreError> {
    if is_integration_secret(secret) {
        let found = store::integrations::find(conn, secret, at)?;
        return Ok(found.map(Actor::Integration));
    }
    let holder = access_store::find_api_token(conn, secret, at)?;
    Ok(holder.map(|h| {
        Actor::Staff(StaffActor {
            user_id: h.user_id,
            email: h.email,
            name: h.display_name,
            role: StaffRole::Employer,
            scope: Scope::Employer(h.employer_id),
            session_id: None,
        })
    }))
}

/// The staff member of a session, while their account is usable.
fn staff_of_session(
    account: Option<access_store::SessionStaff>,
    user_id: i64,
    session_id: i64,
) -> Option<Actor> {
    let a = account.filter(|a| a.disabled_at.is_none())?;
    let role = StaffRole::parse(&a.role);
    let scope = match (role, a.service_id, a.employer_id) {
        (Some(StaffRole::Admin), _, _) => Some(Scope::Admin),
        (Some(StaffRole::Officer), Some(s), _) => Some(Scope::Service(s)),
        (Some(StaffRole::Employer), _, Some(e))
            if a.employer_status.as_deref() == Some("approved") =>
        {
            Some(Scope::Employer(e))
        }
        _ => None,
    };
    match (role, scope) {
        (Some(role), Some(scope)) => Some(Actor::Staff(StaffActor {
            user_id,
            email: a.email,
            name: a.display_name,
            role,
            scope,
            session_id: Some(session_id),
        })),
        _ => None,
    }
}

/// The job seeker of a session: it lives only on the terminal that started
/// it, while the account is not locked.
fn seeker_of_session(
    account: Option<access_store::SessionSeeker>,
    (seeker_id, terminal_id): (i64, i64),
    session_id: i64,
    device: Option<TerminalDevice>,
) -> Option<Actor> {
    match (account, device) {
        (Some(s), Some(device))
            if s.locked_at.is_none()
                && device.id == terminal_id
                && device.service_id == s.service_id =>
        {
            Some(Actor::Seeker(SeekerActor {
                seeker_id,
                profile_id: s.profile_id,
                service_id: s.service_id,
                terminal_id,
                session_id,
                language: s.language,
                given_name: s.given_name,
            }))
        }
        _ => None,
    }
}

/// Looks up the cookie session, bearer token and device cookie. A cookie
/// session is read with its holder's account and its terminal in one
/// statement (the device cookie is usually that terminal's).
fn resolve(
    conn: &mut store::Conn,
    session_token: Option<String>,
    bearer: Option<String>,
    device_credential: Option<String>,
    at: NaiveDateTime,
) -> Result<Resolved, StoreError> {
    let mut resolved = Resolved::nobody();
    if let Some(secret) = bearer {
        if let Some(credential) = &device_credential {
            resolved.device = device_of(conn, credential, None, at)?;
        }
        if let Some(actor) = bearer_actor(conn, &secret, at)? {
            resolved.actor = Some(actor);
            resolved.via = Via::Bearer;
        }
        // A bearer request never falls back to cookies.
        return Ok(resolved);
    }
    let found = match &session_token {
        Some(token) => access_store::find_session_with_holder(conn, token, at)?,
        None => None,
    };
    if let Some(credential) = &device_credential {
        let known = found.as_ref().and_then(|f| f.terminal.as_ref());
        resolved.device = device_of(conn, credential, known, at)?;
    }
    let Some(found) = found else {
        return Ok(resolved);
    };
    let session = found.session;
    let idle = if session.user_id.is_some() {
        STAFF_IDLE
    } else {
        SEEKER_IDLE
    };
    if at - session.last_seen_at > idle {
        access_store::revoke_session(conn, session.id, at)?;
        resolved.timed_out = true;
        return Ok(resolved);
    }
    let actor = if let Some(user_id) = session.user_id {
        staff_of_session(found.staff, user_id, session.id)
    } else if let (Some(seeker_id), Some(terminal_id)) = (session.seeker_id, session.terminal_id) {
        seeker_of_session(
            found.seeker,
            (seeker_id, terminal_id),
            session.id,
            resolved.device,
        )
    } else {
        None
    };
    match actor {
        Some(actor) => {
            if access_store::touch_due(Some(session.last_seen_at), at) {
                access_store::touch_session(conn, session.id, at)?;
            }
            resolved.actor = Some(actor);
            resolved.via = Via::Cookie;
            resolved.session_csrf = Some(session.csrf_token);
        }
        None => access_store::revoke_session(conn, session.id, at)?,
    }
    Ok(resolved)
}

pub struct Authenticate;

impl<S, B> Transform<S, ServiceRequest> for Authenticate
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: actix_web::body::MessageBody + 'static,
{
    type Response = ServiceResponse<actix_web::body::EitherBody<B>>;
    type Error = Error;
    type Transform = AuthenticateService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(AuthenticateService {
            service: Rc::new(service),
        }))
    }
}

pub struct AuthenticateService<S> {
    service: Rc<S>,
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The profile API: the only routes an integration token may reach.
fn is_profile_api(path: &str) -> bool {
    path == "/api/v1/profiles" || path.starts_with("/api/v1/profiles/")
}

/// The API routes an anonymous caller may use.
fn is_public_api(method: &Method, path: &str) -> bool {
    (method == Method::POST && path == "/api/v1/session")
        || (method == Method::GET && path == "/api/v1/openapi.json")
        // A terminal's own app signs a job seeker in (the device is checked
        // by the handler).
        || (method == Method::POST && path == "/api/v1/terminal/session")
}

fn reject(
    req: ServiceRequest,
    status: StatusCode,
    message: &str,
) -> ServiceResponse<actix_web::body::BoxBody> {
    // A bearer client is a program: it is answered in JSON anywhere.
    let bearer = req.headers().contains_key(header::AUTHORIZATION);
    let response = if req.path().starts_with("/api/") || bearer {
        let code = match status {
            StatusCode::UNAUTHORIZED => "unauthenticated",
            StatusCode::FORBIDDEN => "forbidden",
            _ => "bad_request",
        };
        HttpResponse::build(status).json(serde_json::json!({ "error": code, "message": message }))
    } else {
        super::pages::render_status(status, "This request was refused", message)
    };
    req.into_response(response)
}

fn same_origin(req: &ServiceRequest, state: &AppState) -> bool {
    let expected = state.config.base_url.origin().ascii_serialization();
    match req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    {
        // With `Referrer-Policy: no-referrer` browsers send `Origin: null`
        // on their own form posts; Fetch Metadata then says where it came
        // from, and only a same-origin request passes.
        Some("null") => matches!(
            req.headers()
                .get("sec-fetch-site")
                .and_then(|v| v.to_str().ok()),
            Some("same-origin")
        ),
        Some(origin) => origin == expected,
        // Browsers send Origin on every cross-site POST; without it, a
        // Fetch Metadata header that says cross-site is refused.
        None => !matches!(
            req.headers()
                .get("sec-fetch-site")
                .and_then(|v| v.to_str().ok()),
            Some("cross-site")
        ),
    }
}

impl<S, B> Service<ServiceRequest> for AuthenticateService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: actix_web::body::MessageBody + 'static,
{
    type Response = ServiceResponse<actix_web::body::EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        Box::pin(async move {
            let began = std::time::Instant::now();
            let reads_only = !is_unsafe(req.method());
            let (context, csrf_token, https) = match admit(&mut req).await {
                Ok(admitted) => admitted,
                Err((status, message)) => {
                    return Ok(reject(req, status, message).map_into_right_body())
                }
            };
            req.extensions_mut().insert(context.clone());
            // A GET writes no profile or vacancy, so the matcher's copies
            // need no check issued before it began (see
            // `matches::reading_since`).
            let mut res = if reads_only {
                crate::matches::reading_since(began, service.call(req)).await?
            } else {
                service.call(req).await?
            };
            if context.new_anon_csrf {
                let mut c = cookie(ANON_CSRF_COOKIE, csrf_token, https);
                c.set_same_site(SameSite::Strict);
                let _ = res.response_mut().add_cookie(&c);
            }
            Ok(res.map_into_left_body())
        })
    }
}

/// Why the middleware turned a request away: the status and the words.
type Refusal = (StatusCode, &'static str);

/// What the request presents to prove who it is.
struct Credentials {
    session_token: Option<String>,
    device_credential: Option<String>,
    bearer: Option<String>,
    anon_csrf: Option<String>,
}

impl Credentials {
    fn of(req: &ServiceRequest, key: &[u8]) -> Self {
        let session_token = req
            .cookie(SESSION_COOKIE)
            .and_then(|c| verify_signed(key, c.value()));
        // A terminal vendor's app may send the device credential as a
        // header instead of the cookie.
        let device_credential = req
            .cookie(DEVICE_COOKIE)
            .and_then(|c| verify_signed(key, c.value()))
            .or_else(|| {
                req.headers()
                    .get(DEVICE_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            });
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string());
        let anon_csrf = req
            .cookie(ANON_CSRF_COOKIE)
            .map(|c| c.value().to_string())
            .filter(|v| v.len() == 64);
        Self {
            session_token,
            device_credential,
            bearer,
            anon_csrf,
        }
    }
}

/// Looks the credentials up off the async executor.
async fn lookup(state: &AppState, creds: &Credentials) -> Result<Resolved, Refusal> {
    let needs_lookup = creds.session_token.is_some()
        || creds.bearer.is_some()
        || creds.device_credential.is_some();
    if !needs_lookup {
        return Ok(Resolved::nobody());
    }
    let at = now();
    let store = state.store.clone();
    let (session_token, bearer, device_credential) = (
        creds.session_token.clone(),
        creds.bearer.clone(),
        creds.device_credential.clone(),
    );
    match tokio::task::spawn_blocking(move || {
        let mut conn = store.conn()?;
        resolve(&mut conn, session_token, bearer, device_credential, at)
    })
    .await
    {
        Ok(Ok(resolved)) => Ok(resolved),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "could not resolve the session");
            Err((
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is busy. Please try again.",
            ))
        }
        Err(e) => {
            tracing::error!(error = %e, "session lookup panicked");
            Err((
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side.",
            ))
        }
    }
}

/// Resolves who is asking and judges whether the request may go on: an API
/// token only for the JSON API, a signed-in caller for the JSON API beyond
/// its public routes, and the CSRF checks on a state change. Returns the
/// request's context, its CSRF token and whether cookies are secure.
async fn admit(req: &mut ServiceRequest) -> Result<(RequestContext, String, bool), Refusal> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err((
            StatusCode::INTERNAL_SERVER_ERROR,
            "The service is not configured",
        ));
    };
    let creds = Credentials::of(req, &state.config.secret_key);
    // An API token is for the JSON API only: an HTML page (team, tokens,
    // status changes) must never be reachable with a leaked token and
    // without a session's CSRF protection.
    let integration = creds.bearer.as_deref().is_some_and(is_integration_secret);
    if creds.bearer.is_some() && !integration && !req.path().starts_with("/api/v1/") {
        return Err((
            StatusCode::UNAUTHORIZED,
            "API tokens work only for the JSON API under /api/v1/. Sign in to use the pages.",
        ));
    }
    let resolved = lookup(&state, &creds).await?;
    // An integration token reaches its service's profile API and nothing
    // else; within it, the handlers' extractors decide.
    if let Some(Actor::Integration(_)) = resolved.actor {
        if !is_profile_api(req.path()) {
            return Err((
                StatusCode::FORBIDDEN,
                "An integration token works only for the profile API under /api/v1/profiles",
            ));
        }
    }
    if integration && resolved.actor.is_none() && !req.path().starts_with("/api/v1/") {
        return Err((
            StatusCode::UNAUTHORIZED,
            "This integration token is not valid (revoked, expired or unknown)",
        ));
    }
    let new_anon_csrf = resolved.session_csrf.is_none() && creds.anon_csrf.is_none();
    let csrf_token = resolved
        .session_csrf
        .clone()
        .or_else(|| creds.anon_csrf.clone())
        .unwrap_or_else(token::new_secret);
    let context = RequestContext {
        actor: resolved.actor,
        device: resolved.device,
        via: resolved.via,
        csrf_token: csrf_token.clone(),
        ip: client_ip(req, &state),
        timed_out: resolved.timed_out,
        new_anon_csrf,
    };
    let path = req.path().to_string();
    if path.starts_with("/api/v1/")
        && context.actor.is_none()
        && !is_public_api(req.method(), &path)
    {
        return Err((
            StatusCode::UNAUTHORIZED,
            "Sign in first, or send an API token",
        ));
    }
    // CSRF: any state change that a cookie could authorise (a bearer request
    // carries no cookies and needs no token).
    if is_unsafe(req.method()) && context.via != Via::Bearer {
        if !same_origin(req, &state) {
            return Err((StatusCode::FORBIDDEN, "The request came from another site"));
        }
        check_csrf(req, &context, creds.anon_csrf.as_deref()).await?;
    }
    Ok((context, csrf_token, state.config.is_https()))
}

fn content_type(req: &ServiceRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Reads a form body for its token and puts the body back for the handler.
async fn token_in_form(req: &mut ServiceRequest) -> Result<Option<String>, Refusal> {
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return Err((StatusCode::BAD_REQUEST, "The form could not be read"));
        };
        if body.len() + chunk.len() > FORM_LIMIT {
            return Err((StatusCode::PAYLOAD_TOO_LARGE, "The form is too large"));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let fields: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let (_, mut fresh) = actix_http::h1::Payload::create(true);
    fresh.unread_data(body);
    req.set_payload(fresh.into());
    Ok(fields.get(CSRF_FIELD).cloned())
}

/// The CSRF token the request presents: the header, the form field, or for
/// a file upload form the action address (its body is left to the handler).
async fn presented_token(
    req: &mut ServiceRequest,
    content_type: &str,
) -> Result<Option<String>, Refusal> {
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return Ok(Some(h.to_string()));
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return token_in_form(req).await;
    }
    if content_type.starts_with("multipart/form-data") {
        return Ok(
            serde_urlencoded::from_str::<HashMap<String, String>>(req.query_string())
                .unwrap_or_default()
                .get(CSRF_FIELD)
                .cloned(),
        );
    }
    Ok(None)
}

/// A session's token must match it; before sign-in, the token must match
/// the anonymous cookie (double submit).
async fn check_csrf(
    req: &mut ServiceRequest,
    context: &RequestContext,
    anon_csrf: Option<&str>,
) -> Result<(), Refusal> {
    let content_type = content_type(req);
    let presented = presented_token(req, &content_type).await?;
    // A JSON body without a session (API sign-in) cannot be sent cross-site
    // without a CORS preflight, which is never granted.
    let anonymous_json = context.via == Via::None && content_type.starts_with("application/json");
    let expected = if context.via == Via::Cookie {
        Some(context.csrf_token.as_str())
    } else {
        anon_csrf
    };
    let valid = anonymous_json
        || matches!((&presented, expected), (Some(p), Some(e)) if constant_time_eq(p.as_bytes(), e.as_bytes()));
    if valid {
        Ok(())
    } else {
        Err((
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from this site. Go back, reload the page and try again.",
        ))
    }
}

/// Why an extractor refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("sign in required")]
    SignIn { api: bool, terminal: bool },
    #[error("forbidden")]
    Forbidden { api: bool },
    #[error("this device is not an enrolled terminal")]
    NotATerminal { api: bool },
}

impl ResponseError for AuthError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignIn { api: true, .. } => StatusCode::UNAUTHORIZED,
            Self::SignIn { .. } => StatusCode::SEE_OTHER,
            Self::Forbidden { .. } | Self::NotATerminal { .. } => StatusCode::FORBIDDEN,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::SignIn { api: true, .. } => HttpResponse::Unauthorized()
                .json(serde_json::json!({ "error": "unauthenticated", "message": "Sign in first, or send an API token" })),
            Self::SignIn { terminal: true, .. } => {
                HttpResponse::SeeOther().insert_header((header::LOCATION, "/terminal")).finish()
            }
            Self::SignIn { .. } => HttpResponse::SeeOther().insert_header((header::LOCATION, "/sign-in")).finish(),
            Self::Forbidden { api: true } => HttpResponse::Forbidden()
                .json(serde_json::json!({ "error": "forbidden", "message": "Your account cannot do this" })),
            Self::Forbidden { .. } => super::pages::render_status(
                StatusCode::FORBIDDEN,
                "You cannot see this page",
                "Your account does not give you access to this page.",
            ),
            Self::NotATerminal { api: true } => HttpResponse::Forbidden().json(serde_json::json!({
                "error": "forbidden",
                "message": "This device is not an enrolled terminal",
            })),
            Self::NotATerminal { api: false } => super::pages::render_status_with_link(
                StatusCode::FORBIDDEN,
                "This computer is not set up for job seekers",
                "Job-seeker pages only work on a terminal that an administrator has enrolled. A member of staff can set it up with an enrolment code from the administration pages.",
                ("/terminal/enrol", "Set up this terminal"),
            ),
        }
    }
}

fn context(req: &HttpRequest) -> RequestContext {
    RequestContext::of(req).unwrap_or(RequestContext {
        actor: None,
        device: None,
        via: Via::None,
        csrf_token: String::new(),
        ip: String::new(),
        timed_out: false,
        new_anon_csrf: false,
    })
}

/// Each extractor below answers at once from the request's context;
/// `$answer` reads the request as `$req`.
macro_rules! extractor {
    ($name:ident, |$req:ident| $answer:expr) => {
        impl FromRequest for $name {
            type Error = AuthError;
            type Future = Ready<Result<Self, Self::Error>>;

            fn from_request($req: &HttpRequest, _: &mut Payload) -> Self::Future {
                $answer
            }
        }
    };
}

fn staff_of(req: &HttpRequest) -> Result<(StaffActor, RequestContext), AuthError> {
    let ctx = context(req);
    let api = req.path().starts_with("/api/");
    match &ctx.actor {
        Some(Actor::Staff(s)) => Ok((s.clone(), ctx.clone())),
        Some(Actor::Seeker(_) | Actor::Integration(_)) => Err(AuthError::Forbidden { api }),
        None => Err(AuthError::SignIn {
            api,
            terminal: false,
        }),
    }
}

/// Any signed-in staff member (admin, officer or employer).
pub struct Staff {
    pub actor: StaffActor,
    pub ctx: RequestContext,
}

extractor!(Staff, |req| ready(
    staff_of(req).map(|(actor, ctx)| Staff { actor, ctx })
));

/// A signed-in staff member whom `within` accepts (by their scope);
/// anyone else on staff is forbidden.
fn staff_in_scope<T>(
    req: &HttpRequest,
    within: impl FnOnce(StaffActor, RequestContext) -> Option<T>,
) -> Ready<Result<T, AuthError>> {
    let api = req.path().starts_with("/api/");
    ready(
        staff_of(req)
            .and_then(|(actor, ctx)| within(actor, ctx).ok_or(AuthError::Forbidden { api })),
    )
}

/// An administrator.
pub struct Admin {
    pub actor: StaffActor,
    pub ctx: RequestContext,
}

extractor!(Admin, |req| staff_in_scope(req, |actor, ctx| {
    match actor.scope {
        Scope::Admin => Some(Admin { actor, ctx }),
        _ => None,
    }
}));

/// A case officer, with the service whose profiles they may see.
pub struct Officer {
    pub actor: StaffActor,
    pub service_id: i64,
    pub ctx: RequestContext,
}

extractor!(Officer, |req| staff_in_scope(
    req,
    |actor, ctx| match actor.scope {
        Scope::Service(service_id) => Some(Officer {
            actor,
            service_id,
            ctx,
        }),
        _ => None,
    }
));

/// A caller of the profile API: an officer of a service (by session), or
/// an integration token of the service.
pub struct ProfileClient {
    pub service_id: i64,
    /// The officer; None for an integration token.
    pub officer_id: Option<i64>,
    /// Whether the caller may create and change profiles (an officer, or
    /// a token with the `profiles:write` scope).
    pub can_write: bool,
    pub ctx: RequestContext,
}

/// The profile API's caller; `write` refuses a read-only token.
fn profile_client(req: &HttpRequest, write: bool) -> Result<ProfileClient, AuthError> {
    let ctx = context(req);
    let api = req.path().starts_with("/api/");
    let (service_id, officer_id, can_write) = match &ctx.actor {
        Some(Actor::Integration(i)) => (i.service_id, None, i.scope.can_write()),
        Some(Actor::Staff(StaffActor {
            scope: Scope::Service(service_id),
            user_id,
            ..
        })) => (*service_id, Some(*user_id), true),
        Some(_) => return Err(AuthError::Forbidden { api }),
        None => {
            return Err(AuthError::SignIn {
                api,
                terminal: false,
            })
        }
    };
    if write && !can_write {
        return Err(AuthError::Forbidden { api });
    }
    Ok(ProfileClient {
        service_id,
        officer_id,
        can_write,
        ctx,
    })
}

/// May read the service's profiles (an officer or any of its integration
/// tokens).
pub struct ProfileReader(pub ProfileClient);

extractor!(ProfileReader, |req| ready(
    profile_client(req, false).map(ProfileReader)
));

/// May change the service's profiles (an officer or a `profiles:write`
/// integration token).
pub struct ProfileWriter(pub ProfileClient);

extractor!(ProfileWriter, |req| ready(
    profile_client(req, true).map(ProfileWriter)
));

/// A case officer or an administrator: the officer's service, or None for
/// an administrator (who chooses one where a page needs it).
pub struct Casework {
    pub actor: StaffActor,
    pub service_id: Option<i64>,
    pub ctx: RequestContext,
}

extractor!(Casework, |req| staff_in_scope(
    req,
    |actor, ctx| match actor.scope {
        Scope::Service(service_id) => Some(Casework {
            actor,
            service_id: Some(service_id),
            ctx,
        }),
        Scope::Admin => Some(Casework {
            actor,
            service_id: None,
            ctx,
        }),
        Scope::Employer(_) => None,
    }
));

/// A member of an approved employer (by session or API token).
pub struct EmployerMember {
    pub actor: StaffActor,
    pub employer_id: i64,
    pub ctx: RequestContext,
}

extractor!(EmployerMember, |req| staff_in_scope(
    req,
    |actor, ctx| match actor.scope {
        Scope::Employer(employer_id) => Some(EmployerMember {
            actor,
            employer_id,
            ctx,
        }),
        _ => None,
    }
));

/// An enrolled terminal (with or without a job seeker signed in).
pub struct Device {
    pub device: TerminalDevice,
    pub ctx: RequestContext,
}

extractor!(Device, |req| {
    let ctx = context(req);
    let api = req.path().starts_with("/api/");
    ready(match ctx.device {
        Some(device) => Ok(Device { device, ctx }),
        None => Err(AuthError::NotATerminal { api }),
    })
});

/// A job seeker signed in on the enrolled terminal of their own service.
pub struct Seeker {
    pub seeker: SeekerActor,
    pub ctx: RequestContext,
}

extractor!(Seeker, |req| {
    let ctx = context(req);
    let api = req.path().starts_with("/api/");
    ready(match (&ctx.device, &ctx.actor) {
        (None, _) => Err(AuthError::NotATerminal { api }),
        (Some(_), Some(Actor::Seeker(s))) => Ok(Seeker {
            seeker: s.clone(),
            ctx: ctx.clone(),
        }),
        (Some(_), Some(Actor::Staff(_) | Actor::Integration(_))) => {
            Err(AuthError::Forbidden { api })
        }
        (Some(_), None) => Err(AuthError::SignIn {
            api,
            terminal: true,
        }),
    })
});

/// The request context for pages anyone may see (sign-in forms need the
/// CSRF token).
pub struct Visitor {
    pub ctx: RequestContext,
}

extractor!(Visitor, |req| ready(Ok(Visitor { ctx: context(req) })));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_values_round_trip_and_forgeries_fail() {
        let key = [7u8; 32];
        let signed = sign(&key, "abc");
        assert_eq!(verify_signed(&key, &signed).as_deref(), Some("abc"));
        assert_eq!(verify_signed(&[8u8; 32], &signed), None);
        assert_eq!(verify_signed(&key, "abc.0000"), None);
        assert_eq!(verify_signed(&key, "abc"), None);
    }
}
