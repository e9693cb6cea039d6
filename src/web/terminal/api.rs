//! JSON for terminal vendors' own apps: the same things the job-seeker pages
//! offer (approved matches, search, a vacancy, applying, my applications,
//! withdrawing), with the same rules. The device proves itself with its
//! credential (the `fc_device` cookie, or `X-Device-Credential`); the job
//! seeker signs in with their code and PIN, which sets the session cookie
//! and returns the CSRF token to send as `X-CSRF-Token` on changes. Words
//! come in the person's language; ids are vacancy ids only.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::seeker::{self, Search, SearchQuery, SeekerError, PAGE_SIZE};
use crate::app::applications::seeker as seeker_app;
use crate::app::terminals::{self, Ending, PinOutcome};
use crate::domain::matching::Assessment;
use crate::domain::vacancy::Vacancy;
use crate::domain::FieldErrors;
use crate::web::api::openapi::{err, ok};
use crate::web::auth::{self, Device, Seeker};
use crate::web::errors::ApiError;
use crate::web::extract::On;
use crate::web::i18n::Messages;
use crate::web::AppState;

fn messages(seeker: &Seeker) -> Messages {
    Messages::new(super::seeker_lang(&seeker.seeker))
}

#[derive(Deserialize)]
pub struct SignIn {
    #[serde(default)]
    login_code: String,
    #[serde(default)]
    pin: String,
}

/// Signs a job seeker in on this terminal.
pub async fn create_session(
    state: web::Data<AppState>,
    device: Device,
    req: HttpRequest,
    body: web::Json<SignIn>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let code = body.login_code.trim().to_uppercase();
    let pin = body.pin.trim().to_string();
    let mut errors = FieldErrors::new();
    if code.is_empty() {
        errors.add("login_code", "Enter your code");
    }
    if pin.len() != 6 || !pin.chars().all(|c| c.is_ascii_digit()) {
        errors.add("pin", "Your PIN is 6 numbers");
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let ip = device.ctx.ip.clone();
    let ua = crate::web::account::user_agent(&req);
    match terminals::sign_in(&state, device.device, code, pin, ip, ua).await? {
        PinOutcome::SignedIn { token, csrf } => {
            let mut res = HttpResponse::Created().json(json!({ "csrf_token": csrf }));
            let _ = res.add_cookie(&auth::session_cookie(&state, &token));
            Ok(res)
        }
        PinOutcome::Unknown | PinOutcome::Wrong { .. } => Err(ApiError::Unauthorized(
            "This code and PIN do not match".into(),
        )),
        PinOutcome::Locked => Err(ApiError::Forbidden(
            "This account is locked; the officer can unlock it".into(),
        )),
    }
}

/// Ends the job seeker's session.
pub async fn delete_session(
    state: web::Data<AppState>,
    seeker: Seeker,
) -> Result<HttpResponse, ApiError> {
    let ip = seeker.ctx.ip.clone();
    terminals::sign_out(&state, &seeker.seeker, Ending::Api, ip).await?;
    let mut res = HttpResponse::NoContent().finish();
    let _ = res.add_removal_cookie(&auth::removal(auth::SESSION_COOKIE));
    Ok(res)
}

fn listing_json(t: Messages, v: &Vacancy, a: &Assessment) -> Value {
    json!({
        "vacancy_id": v.id,
        "title": v.details.title(),
        "place": seeker::place_text(t, v),
        "pay": seeker::pay_text(t, v),
        "hours": seeker::hours_text(t, v),
        "reasons": seeker::plain_reasons(t, a),
    })
}

/// The jobs the person's officer approved that still fit, best first, ten
/// a page.
pub async fn matches(
    state: web::Data<AppState>,
    seeker: Seeker,
    query: web::Query<seeker::PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let t = messages(&seeker);
    let profile = seeker::load_profile(&state, seeker.seeker.profile_id).await?;
    let all = seeker::approved_matches(&state, &profile).await?;
    let page = seeker::page_number(&query.page);
    let items: Vec<Value> = seeker::page_of(&all, page)
        .iter()
        .map(|(v, a)| listing_json(t, v, a))
        .collect();
    Ok(HttpResponse::Ok().json(paged(t, all.len(), page, items)))
}

/// A page of a list in the terminal API's shape. A page past the end is
/// empty (never the last page again), so a client can read until it is.
fn paged(t: Messages, total: usize, page: usize, items: Vec<Value>) -> Value {
    json!({
        "language": t.lang.code(),
        "total": total,
        "page": page,
        "per_page": PAGE_SIZE,
        "pages": seeker::pages_of(total),
        "items": items,
    })
}

/// Keyword search with filters, paged.
pub async fn search(
    state: web::Data<AppState>,
    seeker: Seeker,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let t = messages(&seeker);
    let search =
        Search::parse(&query, &state.taxonomy, t).map_err(|(_, e)| ApiError::Invalid(e))?;
    let profile = seeker::load_profile(&state, seeker.seeker.profile_id).await?;
    let found = seeker::search(&state, &profile, &search).await?;
    let items: Vec<Value> = found
        .items
        .iter()
        .map(|r| listing_json(t, &r.item, &r.assessment))
        .collect();
    Ok(HttpResponse::Ok().json(paged(t, found.total, search.page, items)))
}

/// One vacancy in plain words; only one the person is eligible for.
pub async fn vacancy(on: On<Seeker>) -> Result<HttpResponse, ApiError> {
    let (state, seeker, id) = (on.state, on.actor, on.id);
    let t = messages(&seeker);
    let profile = seeker::load_profile(&state, seeker.seeker.profile_id).await?;
    let (vacancy, assessment, employer) = seeker::eligible_vacancy(&state, &profile, id).await?;
    let v = seeker::vacancy_view(
        t,
        &state.taxonomy,
        &vacancy,
        &profile,
        &assessment,
        employer,
    );
    let profile_id = profile.id;
    let (existing, draft) = seeker::application_and_draft(&state, profile_id, id).await?;
    Ok(HttpResponse::Ok().json(json!({
        "vacancy_id": v.id,
        "title": v.title,
        "employer": v.employer,
        "description": v.description,
        "pay": v.pay,
        "hours": v.hours,
        "shifts": v.shifts,
        "place": v.place,
        "how_far": v.how_far,
        "starts": v.starts,
        "contract": v.contract,
        "documents_needed": v.documents,
        "certificates_needed": v.certificates,
        "closing": v.closing,
        "reasons": v.reasons,
        "offer": v.offer,
        "todo_before_starting": v.todos,
        "applied": existing.is_some(),
        "draft": draft,
    })))
}

#[derive(Deserialize)]
pub struct ApplyBody {
    #[serde(default)]
    statement: String,
    /// Keep the statement as a draft instead of sending it.
    #[serde(default)]
    draft: bool,
    /// Send the person's CV, as it is now, with the application.
    #[serde(default)]
    send_cv: bool,
    /// Send the person's approved disclosure letter with the application
    /// (only for a vacancy whose check asks about convictions).
    #[serde(default)]
    send_disclosure_letter: bool,
}

fn application_json(a: &seeker::ApplicationView) -> Value {
    json!({
        "vacancy_id": a.vacancy_id,
        "title": a.title,
        "status": a.status_code,
        "status_text": a.status,
        "sent_on": a.sent_on,
        "statement": a.statement,
        "details": a.details,
        "slots": a.slots.iter().map(|s| json!({
            "purpose": s.purpose,
            "starts_at": s.starts_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            "minutes": s.minutes,
            "place_kind": s.place_kind,
            "place": s.place,
            "status": s.status_code,
            "text": s.text,
            "status_text": s.status,
        })).collect::<Vec<_>>(),
        "can_withdraw": a.can_withdraw,
    })
}

/// "I'm interested": sends the statement (201 when this call made the
/// application, 200 when it already existed), or keeps it as a draft.
pub async fn apply(on: On<Seeker>, body: web::Json<ApplyBody>) -> Result<HttpResponse, ApiError> {
    let (state, seeker, id) = (on.state, on.actor, on.id);
    let t = messages(&seeker);
    let body = body.into_inner();
    let profile = seeker::load_profile(&state, seeker.seeker.profile_id).await?;
    let (vacancy, _, _) = seeker::eligible_vacancy(&state, &profile, id).await?;
    seeker::check_statement(t, &body.statement, !body.draft).map_err(ApiError::Invalid)?;
    let profile_id = profile.id;
    if body.draft {
        seeker_app::save_draft(&state, profile_id, id, body.statement).await?;
        return Ok(HttpResponse::Ok().json(json!({ "draft": true })));
    }
    // The same rules as the apply form: a CV only when there is one worth
    // sending, a letter only when approved and the check asks about
    // convictions; otherwise 422 beside the choice and nothing is written.
    let mut refused = FieldErrors::new();
    if body.send_cv
        && !crate::app::cvs::for_seeker(&state, profile_id)
            .await?
            .1
            .words
            .worth_sending()
    {
        refused.add("send_cv", t.get("cv.error.no_cv"));
    }
    let level = vacancy.details.check_level();
    if body.send_disclosure_letter
        && !crate::app::disclosure::can_attach(&state, profile_id, level).await?
    {
        refused.add("send_disclosure_letter", t.get("letter.apply.not_allowed"));
    }
    if !refused.is_empty() {
        return Err(ApiError::Invalid(refused));
    }
    let sent = seeker_app::Sent {
        cv: body.send_cv,
        letter: body
            .send_disclosure_letter
            .then(|| (level, t.lang.code().to_string())),
    };
    let submitted = seeker_app::submit_with(&state, profile_id, id, body.statement, sent)
        .await
        .map_err(|e| match e {
            SeekerError::Invalid(fields) if fields.has("disclosure") => ApiError::Invalid(
                FieldErrors::single("send_disclosure_letter", t.get("letter.apply.not_allowed")),
            ),
            SeekerError::Invalid(_) => {
                ApiError::Invalid(FieldErrors::single("statement", t.get("apply.error.empty")))
            }
            other => other.into(),
        })?;
    let view = seeker::one_application(&state, profile_id, id, t).await?;
    let status = if submitted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(application_json(&view)))
}

/// The person's applications, newest first, ten a page.
pub async fn applications(
    state: web::Data<AppState>,
    seeker: Seeker,
    query: web::Query<seeker::PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let t = messages(&seeker);
    let all = seeker::my_applications(&state, seeker.seeker.profile_id, t).await?;
    let page = seeker::page_number(&query.page);
    let items: Vec<Value> = seeker::page_of(&all, page)
        .iter()
        .map(application_json)
        .collect();
    Ok(HttpResponse::Ok().json(paged(t, all.len(), page, items)))
}

/// Withdraws the application for a vacancy (nothing changes when it has
/// already ended).
pub async fn withdraw(on: On<Seeker>) -> Result<HttpResponse, ApiError> {
    let (state, seeker, id) = (on.state, on.actor, on.id);
    let t = messages(&seeker);
    seeker_app::withdraw(&state, seeker.seeker.profile_id, id).await?;
    let view = seeker::one_application(&state, seeker.seeker.profile_id, id, t).await?;
    Ok(HttpResponse::Ok().json(application_json(&view)))
}

/// How a terminal proves itself, for the OpenAPI document's components.
pub fn openapi_security_schemes() -> Value {
    json!({
        "device": { "type": "apiKey", "in": "cookie", "name": auth::DEVICE_COOKIE, "description": "Enrolled terminal (set by /terminal/enrol)" },
        "deviceHeader": { "type": "apiKey", "in": "header", "name": "X-Device-Credential", "description": "Enrolled terminal's device credential, for apps that keep no cookie for it" }
    })
}

/// The answers of this module, for the OpenAPI document's components.
pub fn openapi_schemas() -> Value {
    let string = json!({ "type": "string" });
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    let integer = json!({ "type": "integer" });
    let page = |item: &str| {
        json!({
            "type": "object",
            "required": ["language", "total", "page", "per_page", "pages", "items"],
            "properties": {
                "language": { "type": "string", "description": "The person's language, as a code" },
                "total": integer, "page": integer, "per_page": integer, "pages": integer,
                "items": { "type": "array", "items": { "$ref": format!("#/components/schemas/{item}") } }
            }
        })
    };
    let statuses: Vec<&str> = crate::domain::application::ApplicationStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    json!({
        "TerminalSession": { "type": "object", "required": ["csrf_token"], "properties": { "csrf_token": string } },
        "TerminalListing": {
            "type": "object",
            "required": ["vacancy_id", "title", "place", "pay", "hours", "reasons"],
            "properties": { "vacancy_id": integer, "title": string, "place": string, "pay": string, "hours": string, "reasons": strings }
        },
        "TerminalListings": page("TerminalListing"),
        "TerminalVacancy": {
            "type": "object",
            "required": ["vacancy_id", "title", "employer", "description", "pay", "hours", "shifts", "place", "how_far", "starts", "contract", "documents_needed", "certificates_needed", "closing", "reasons", "offer", "todo_before_starting", "applied", "draft"],
            "properties": {
                "vacancy_id": integer, "title": string, "employer": string, "description": string,
                "pay": string, "hours": string, "shifts": strings, "place": string, "how_far": string,
                "starts": string, "contract": string, "documents_needed": strings, "certificates_needed": strings,
                "closing": string, "reasons": strings,
                "offer": { "type": "array", "items": string, "description": "What is offered when it is not a plain job (a guaranteed interview, a work trial, a day release placement), in plain words; empty for a job" },
                "todo_before_starting": { "type": "array", "items": string, "description": "The person's open to-dos that this job's documents need, in plain words" },
                "applied": { "type": "boolean" },
                "draft": { "type": "string", "nullable": true, "description": "The statement kept as a draft, if any" }
            }
        },
        "TerminalApplication": {
            "type": "object",
            "required": ["vacancy_id", "title", "status", "status_text", "sent_on", "statement", "details", "slots", "can_withdraw"],
            "properties": {
                "vacancy_id": integer, "title": string,
                "status": { "type": "string", "enum": statuses },
                "status_text": string, "sent_on": string, "statement": string, "details": strings,
                "slots": { "type": "array", "description": "Interview and work trial bookings that are not cancelled, newest first", "items": { "$ref": "#/components/schemas/TerminalSlot" } },
                "can_withdraw": { "type": "boolean" }
            }
        },
        "TerminalSlot": {
            "type": "object",
            "required": ["purpose", "starts_at", "minutes", "place_kind", "place", "status", "text", "status_text"],
            "properties": {
                "purpose": { "type": "string", "enum": ["interview", "trial"] },
                "starts_at": { "type": "string", "description": "Local date and time, YYYY-MM-DDTHH:MM:SS" },
                "minutes": integer,
                "place_kind": { "type": "string", "enum": ["in_prison", "video_from_prison", "at_workplace"] },
                "place": string,
                "status": { "type": "string", "enum": ["booked", "confirmed", "attended", "did_not_attend"] },
                "text": string, "status_text": string
            }
        },
        "TerminalApplications": page("TerminalApplication"),
        "DraftKept": { "type": "object", "required": ["draft"], "properties": { "draft": { "type": "boolean", "enum": [true] } } }
    })
}

/// Every answer a signed-in job seeker's route may give beyond its own.
fn seeker_errors(mut responses: Value) -> Value {
    if let Some(map) = responses.as_object_mut() {
        map.insert(
            "400".into(),
            err("A query parameter or the body could not be read"),
        );
        map.insert(
            "401".into(),
            err("No job seeker is signed in on this terminal"),
        );
        map.insert(
            "403".into(),
            err("Not an enrolled terminal, or the CSRF token is missing"),
        );
    }
    responses
}

/// How a signed-in job seeker's request proves itself.
fn security() -> Value {
    json!([{ "device": [], "session": [] }, { "deviceHeader": [], "session": [] }])
}

/// The vacancy id in a path.
fn id() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "description": "Vacancy id", "schema": { "type": "integer", "format": "int64" } })
}

/// The page of a list.
fn page_param() -> Value {
    json!({ "name": "page", "in": "query", "description": "Page from 1, ten items a page; past the end the page is empty", "schema": { "type": "integer", "minimum": 1, "default": 1 } })
}

/// Signing a job seeker in and out.
fn session_paths() -> Value {
    let security = security();
    json!({
        "/api/v1/terminal/session": {
            "post": {
                "summary": "Sign a job seeker in on this terminal with their login code and PIN (send the device credential as the fc_device cookie or X-Device-Credential); sets the session cookie and returns the CSRF token",
                "tags": ["terminal"],
                "security": [{ "device": [] }, { "deviceHeader": [] }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["login_code", "pin"], "properties": { "login_code": { "type": "string", "pattern": "\\S" }, "pin": { "type": "string", "pattern": "^[0-9]{6}$" } } } } } },
                "responses": {
                    "201": ok("Signed in", "TerminalSession"),
                    "400": err("The body is not JSON of this shape"),
                    "401": err("No enrolled terminal, or the code and PIN do not match"),
                    "403": err("Not an enrolled terminal, or the account is locked"),
                    "422": err("A field is missing or malformed"),
                    "429": err("The service is busy; see Retry-After")
                }
            },
            "delete": {
                "summary": "Sign the job seeker out",
                "tags": ["terminal"],
                "security": security,
                "responses": seeker_errors(json!({ "204": { "description": "Signed out" } }))
            }
        }
    })
}

/// Approved matches, search and one vacancy.
fn listing_paths(taxonomy: &crate::domain::skills::Taxonomy) -> Value {
    let (security, id, page_param) = (security(), id(), page_param());
    let sectors: Vec<&str> = taxonomy.sectors().iter().map(|s| s.slug()).collect();
    json!({
        "/api/v1/terminal/matches": {
            "get": {
                "summary": "Jobs the person's officer approved that still fit, with reasons in plain words",
                "tags": ["terminal"],
                "security": security,
                "parameters": [page_param.clone()],
                "responses": seeker_errors(json!({ "200": ok("Every approved match that still fits, best first, ten a page", "TerminalListings") }))
            }
        },
        "/api/v1/terminal/vacancies": {
            "get": {
                "summary": "Keyword search over open vacancies the person is eligible for, ten a page",
                "tags": ["terminal"],
                "security": security,
                "parameters": [
                    { "name": "q", "in": "query", "schema": { "type": "string", "maxLength": seeker::WORDS_MAX } },
                    { "name": "sector", "in": "query", "schema": { "type": "string", "enum": sectors } },
                    { "name": "hours", "in": "query", "schema": { "type": "string", "enum": ["any", "part", "full"] } },
                    { "name": "distance", "in": "query", "description": "Miles", "schema": { "type": "integer", "enum": seeker::DISTANCES_MILES } },
                    page_param.clone()
                ],
                "responses": seeker_errors(json!({ "200": ok("total counts every eligible vacancy the search finds; with no words they are ordered by match score, with words by relevance then score; a page past the end is empty", "TerminalListings"), "422": err("A filter is not one of the choices") }))
            }
        },
        "/api/v1/terminal/vacancies/{id}": {
            "get": {
                "summary": "A vacancy in plain words (only one the person is eligible for; any other is 404)",
                "tags": ["terminal"],
                "security": security,
                "parameters": [id.clone()],
                "responses": seeker_errors(json!({ "200": ok("The vacancy, whether the person applied, and their draft", "TerminalVacancy"), "404": err("No such vacancy") }))
            }
        }
    })
}

/// Applying, the list of applications and withdrawing.
fn application_paths() -> Value {
    let (security, id, page_param) = (security(), id(), page_param());
    json!({
        "/api/v1/terminal/vacancies/{id}/application": {
            "post": {
                "summary": "\"I'm interested\": send a statement (idempotent: one application per vacancy), or keep it as a draft with draft: true",
                "tags": ["terminal"],
                "security": security,
                "parameters": [id.clone()],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["statement"], "properties": { "statement": { "type": "string", "maxLength": crate::store::applications::STATEMENT_MAX, "pattern": "\\S", "description": "Not blank when it is sent; a draft may be" }, "draft": { "type": "boolean" }, "send_cv": { "type": "boolean", "description": "Send the person's CV as it is now (422 on send_cv when they have none worth sending)" }, "send_disclosure_letter": { "type": "boolean", "description": "Send the person's approved disclosure letter (422 on send_disclosure_letter unless it is approved and the vacancy's check asks about convictions)" } } } } } },
                "responses": seeker_errors(json!({
                    "201": ok("The application was made", "TerminalApplication"),
                    "200": { "description": "The application already existed, or the draft was kept", "content": { "application/json": { "schema": { "anyOf": [
                        { "$ref": "#/components/schemas/TerminalApplication" }, { "$ref": "#/components/schemas/DraftKept" } ] } } } },
                    "404": err("No such vacancy"),
                    "409": err("The application can no longer change"),
                    "422": err("The statement is empty or too long, or the CV or letter cannot be sent")
                }))
            }
        },
        "/api/v1/terminal/applications": {
            "get": {
                "summary": "The person's applications with their status in plain words, newest first, ten a page",
                "tags": ["terminal"],
                "security": security,
                "parameters": [page_param],
                "responses": seeker_errors(json!({ "200": ok("A page of applications", "TerminalApplications") }))
            }
        },
        "/api/v1/terminal/applications/{id}/withdraw": {
            "post": {
                "summary": "Withdraw the application for vacancy {id}",
                "tags": ["terminal"],
                "security": security,
                "parameters": [id],
                "responses": seeker_errors(json!({ "200": ok("The application, now withdrawn", "TerminalApplication"), "404": err("No application for this vacancy") }))
            }
        }
    })
}

/// This module's part of the OpenAPI document; the sector filter's values
/// come from `taxonomy`.
pub fn openapi_paths(taxonomy: &crate::domain::skills::Taxonomy) -> Value {
    let mut paths = session_paths();
    if let Some(map) = paths.as_object_mut() {
        for more in [listing_paths(taxonomy), application_paths()] {
            if let Value::Object(more) = more {
                map.extend(more);
            }
        }
    }
    paths
}
