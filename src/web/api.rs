//! JSON API v1: sign-in, the signed-in actor, and the OpenAPI document that
//! describes every JSON route.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::account::{attempt_sign_in, SignInOutcome};
use super::auth::{self, Officer, Scope, Staff, StaffActor, Visitor};
use super::errors::ApiError;
use super::AppState;
use crate::domain::FieldErrors;
use crate::matches::Paging;
use crate::store::access as access_store;
use crate::store::audit::{self, Entry};
use crate::store::now;

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
    let ua = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let outcome = attempt_sign_in(&state, &body.email, body.password, &visitor.ctx.ip, ua).await?;
    match outcome {
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
        SignInOutcome::Busy { retry_after } => Err(ApiError::TooManyRequests {
            retry_after,
            message: "The service is busy. Try again in a moment.".into(),
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
    let actor = staff.ctx.audit_actor();
    state
        .store
        .run(move |conn| {
            let at = now();
            access_store::revoke_session(conn, session_id, at)?;
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
    let mut res = HttpResponse::NoContent().finish();
    let _ = res.add_removal_cookie(&auth::removal(auth::SESSION_COOKIE));
    Ok(res)
}

pub async fn me(staff: Staff) -> HttpResponse {
    let csrf = (staff.ctx.via == auth::Via::Cookie).then(|| staff.ctx.csrf_token.clone());
    HttpResponse::Ok().json(me_of(&staff.actor, csrf))
}

/// Every JSON route, described for client generators and the test that
/// checks the route table against it.
pub fn openapi_document() -> Value {
    let error = json!({ "$ref": "#/components/schemas/Error" });
    let error_responses = json!({
        "401": { "description": "Not signed in", "content": { "application/json": { "schema": error } } },
        "403": { "description": "Signed in, but not allowed (or CSRF token missing)", "content": { "application/json": { "schema": error } } }
    });
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Fair Chance Jobs API",
            "version": "1",
            "description": "Sign in with a session (POST /api/v1/session, then send X-CSRF-Token on state changes) or with an employer API token (Authorization: Bearer). Every anonymous call other than sign-in and this document answers 401."
        },
        "servers": [{ "url": "/" }],
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": auth::SESSION_COOKIE },
                "bearer": { "type": "http", "scheme": "bearer", "description": "Employer API token (fcj_...)" }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": { "type": "string" },
                        "message": { "type": "string" },
                        "fields": { "type": "object", "additionalProperties": { "type": "array", "items": { "type": "string" } } }
                    }
                },
                "Me": {
                    "type": "object",
                    "required": ["user_id", "email", "name", "role", "scope"],
                    "properties": {
                        "user_id": { "type": "integer" },
                        "email": { "type": "string" },
                        "name": { "type": "string" },
                        "role": { "type": "string", "enum": ["admin", "officer", "employer"] },
                        "scope": {
                            "type": "object",
                            "required": ["kind"],
                            "properties": {
                                "kind": { "type": "string", "enum": ["all", "service", "employer"] },
                                "service_id": { "type": "integer" },
                                "employer_id": { "type": "integer" }
                            }
                        },
                        "csrf_token": { "type": "string" }
                    }
                }
            }
        },
        "security": [{ "session": [] }, { "bearer": [] }],
        "paths": {
            "/api/v1/openapi.json": {
                "get": { "summary": "This document", "security": [], "responses": { "200": { "description": "OpenAPI 3 document" } } }
            },
            "/api/v1/session": {
                "post": {
                    "summary": "Sign in (staff)",
                    "security": [],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": {
                        "type": "object", "required": ["email", "password"],
                        "properties": { "email": { "type": "string", "format": "email" }, "password": { "type": "string", "format": "password" } }
                    } } } },
                    "responses": {
                        "200": { "description": "Signed in; the session cookie is set", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Me" } } } },
                        "401": { "description": "Wrong email or password", "content": { "application/json": { "schema": error } } },
                        "403": { "description": "The employer's account is not active", "content": { "application/json": { "schema": error } } },
                        "422": { "description": "Missing fields", "content": { "application/json": { "schema": error } } },
                        "429": { "description": "Too many failed attempts; see Retry-After", "content": { "application/json": { "schema": error } } }
                    }
                },
                "delete": {
                    "summary": "Sign out (ends this session)",
                    "responses": merge(json!({ "204": { "description": "Signed out" } }), &error_responses)
                }
            },
            "/api/v1/profiles/{id}/matches": {
                "get": {
                    "summary": "A profile's eligible vacancies, ranked, with score, distance and reasons (officers of the profile's service)",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
                        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } },
                        { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500, "default": 20 } },
                        { "name": "limit", "in": "query", "description": "Older name of per_page", "schema": { "type": "integer", "minimum": 1, "maximum": 500 } }
                    ],
                    "responses": merge(json!({
                        "200": { "description": "One page of every eligible vacancy, best first: total, page, per_page, pages, and items[] with vacancy_id, title, score (0-1), distance_km, reasons[] (kind, text, ...), case_by_case[], match (stored status)" },
                        "404": { "description": "No such profile in your service", "content": { "application/json": { "schema": error } } },
                        "422": { "description": "Bad page, per_page or limit", "content": { "application/json": { "schema": error } } }
                    }), &error_responses)
                }
            },
            "/api/v1/profiles/{id}/matches/{vacancy_id}": {
                "get": {
                    "summary": "The full assessment of one pair, with every rule that excludes it (the 'why not?' answer)",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
                        { "name": "vacancy_id", "in": "path", "required": true, "schema": { "type": "integer" } }
                    ],
                    "responses": merge(json!({
                        "200": { "description": "eligible, score, distance_km, failures[] (code, message, detail), reasons[], case_by_case[]" },
                        "404": { "description": "No such profile in your service, or no such vacancy", "content": { "application/json": { "schema": error } } }
                    }), &error_responses)
                }
            },
            "/api/v1/vacancies/{id}/candidates": {
                "get": {
                    "summary": "Eligible people of your service for a vacancy, ranked (officers)",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
                        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } },
                        { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500, "default": 20 } },
                        { "name": "limit", "in": "query", "description": "Older name of per_page", "schema": { "type": "integer", "minimum": 1, "maximum": 500 } }
                    ],
                    "responses": merge(json!({
                        "200": { "description": "One page of every eligible person of your service, best first: total, page, per_page, pages, and items[] with profile_id, name, reference, release_date, score, distance_km, reasons[], case_by_case[]" },
                        "404": { "description": "No such vacancy", "content": { "application/json": { "schema": error } } },
                        "422": { "description": "Bad page, per_page or limit", "content": { "application/json": { "schema": error } } }
                    }), &error_responses)
                }
            },
            "/api/v1/me": {
                "get": {
                    "summary": "The signed-in actor, its role and scope",
                    "responses": merge(json!({ "200": { "description": "The actor", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Me" } } } } }), &error_responses)
                }
            }
        }
    });
    doc["paths"] = merge(doc["paths"].take(), &super::terminal_api::openapi_paths());
    doc["paths"] = merge(doc["paths"].take(), &super::api_vacancies::openapi_paths());
    doc["components"]["securitySchemes"] = merge(
        doc["components"]["securitySchemes"].take(),
        &super::terminal_api::openapi_security_schemes(),
    );
    doc
}

fn merge(mut base: Value, extra: &Value) -> Value {
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    base
}

pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(openapi_document())
}

/// `page` and `per_page` of a ranked list; `limit` is the older name of
/// `per_page`.
#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    per_page: Option<u32>,
    #[serde(default)]
    limit: Option<u32>,
}

/// Most items on one page of a ranked list.
const PER_PAGE_MAX: u32 = 500;

fn paging_of(query: &PageQuery) -> Result<Paging, ApiError> {
    let mut errors = FieldErrors::new();
    let page = query.page.unwrap_or(1);
    if page == 0 || page > 1_000_000 {
        errors.add("page", "Use a page number of 1 or more");
    }
    let (field, per_page) = match (query.per_page, query.limit) {
        (Some(n), _) => ("per_page", n),
        (None, Some(n)) => ("limit", n),
        (None, None) => ("per_page", 20),
    };
    if per_page == 0 || per_page > PER_PAGE_MAX {
        errors.add(field, format!("Use 1 to {PER_PAGE_MAX} items a page"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    Ok(Paging {
        page: page as usize,
        per_page: per_page as usize,
    })
}

/// The paging part of a ranked list's answer.
fn page_fields<T>(page: &crate::matches::Page<T>) -> Value {
    json!({
        "total": page.total,
        "page": page.paging.page,
        "per_page": page.paging.per_page,
        "pages": page.pages(),
    })
}

/// A JSON object with more fields added.
fn with_fields(mut body: Value, more: Value) -> Value {
    if let (Some(object), Value::Object(more)) = (body.as_object_mut(), more) {
        object.extend(more);
    }
    body
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn reasons_json(
    reasons: &[crate::domain::matching::Reason],
    taxonomy: &crate::domain::skills::Taxonomy,
) -> Vec<Value> {
    reasons
        .iter()
        .map(|r| {
            let mut value = serde_json::to_value(r).unwrap_or(Value::Null);
            if let Some(object) = value.as_object_mut() {
                object.insert("text".into(), Value::String(r.describe(taxonomy)));
            }
            value
        })
        .collect()
}

fn assessment_json(
    a: &crate::domain::matching::Assessment,
    taxonomy: &crate::domain::skills::Taxonomy,
) -> Value {
    json!({
        "eligible": a.eligible(),
        "score": a.score,
        "distance_km": a.distance_km,
        "failures": a.failures.iter().map(|f| json!({
            "code": f.code().as_str(),
            "message": f.describe(taxonomy),
            "detail": f,
        })).collect::<Vec<_>>(),
        "reasons": reasons_json(&a.reasons, taxonomy),
        "case_by_case": a.case_by_case.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
    })
}

/// A profile's eligible vacancies, ranked, with reasons (officers).
pub async fn profile_matches(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = paging_of(&query)?;
    let (id, service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let (profile, stored) = state
        .store
        .run(move |c| {
            let profile = crate::store::profiles::load_in_service(c, id, service_id, &taxonomy)?;
            let stored = crate::store::matches::for_profile(c, id)?;
            Ok((profile, stored))
        })
        .await?;
    let ranked = state
        .matcher
        .vacancies_page(&profile, today(), paging)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let restricted = ranked.items.iter().any(|r| r.assessment.shows_restricted());
    let items: Vec<Value> = ranked
        .items
        .iter()
        .map(|r| {
            let d = &r.item.details;
            json!({
                "vacancy_id": r.item.id,
                "title": d.title(),
                "employer_id": r.item.employer_id,
                "workplace": d.workplace().place().map(|p| p.name()),
                "score": r.assessment.score,
                "distance_km": r.assessment.distance_km,
                "reasons": reasons_json(&r.assessment.reasons, &state.taxonomy),
                "case_by_case": r.assessment.case_by_case.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                "match": stored.get(&r.item.id).map(|m| json!({ "id": m.id, "status": m.status })),
            })
        })
        .collect();
    super::viewed::record(
        &state,
        officer.ctx.audit_actor(),
        vec![super::viewed::Viewed::profile(
            profile.id,
            restricted,
            format!(
                "{} matches (page {} of {} in all)",
                items.len(),
                paging.page,
                ranked.total
            ),
        )],
    )
    .await?;
    Ok(HttpResponse::Ok().json(with_fields(
        json!({ "profile_id": profile.id, "today": today(), "items": items }),
        page_fields(&ranked),
    )))
}

/// The full assessment of one pair, including every rule that fails: the
/// answer to "why is this job not shown?" (officers).
pub async fn profile_match(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, vacancy_id), service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let (profile, vacancy) = state
        .store
        .run(move |c| {
            let profile = crate::store::profiles::load_in_service(c, id, service_id, &taxonomy)?;
            let vacancy = crate::store::vacancies::load(c, vacancy_id, &taxonomy)?;
            Ok((profile, vacancy))
        })
        .await?;
    // As on the officer's pages: only vacancies open to applicants.
    if vacancy.status != crate::domain::vacancy::VacancyStatus::Published {
        return Err(ApiError::NotFound);
    }
    let assessment = crate::domain::matching::assess(&vacancy, &profile, today());
    super::viewed::record(
        &state,
        officer.ctx.audit_actor(),
        vec![super::viewed::Viewed::profile(
            profile.id,
            assessment.shows_restricted(),
            format!("assessment against vacancy {vacancy_id}"),
        )],
    )
    .await?;
    let mut body = assessment_json(&assessment, &state.taxonomy);
    if let Some(object) = body.as_object_mut() {
        object.insert("profile_id".into(), json!(profile.id));
        object.insert("vacancy_id".into(), json!(vacancy.id));
        object.insert("vacancy_status".into(), json!(vacancy.status.as_str()));
    }
    Ok(HttpResponse::Ok().json(body))
}

/// Eligible people of the officer's service for a vacancy, ranked.
pub async fn vacancy_candidates(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = paging_of(&query)?;
    let (vacancy_id, service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let vacancy = state
        .store
        .run(move |c| crate::store::vacancies::load(c, vacancy_id, &taxonomy))
        .await?;
    if vacancy.status != crate::domain::vacancy::VacancyStatus::Published {
        return Err(ApiError::NotFound);
    }
    let ranked = state
        .matcher
        .profiles_page(
            &vacancy,
            &crate::search::ServiceScope::Only(vec![service_id]),
            today(),
            paging,
        )
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let restricted = ranked.items.iter().any(|r| r.assessment.shows_restricted());
    let items: Vec<Value> = ranked
        .items
        .iter()
        .map(|r| {
            let d = &r.item.details;
            json!({
                "profile_id": r.item.id,
                "name": format!("{} {}", d.given_name(), d.family_name()),
                "reference": d.reference(),
                "release_date": d.release_date(),
                "score": r.assessment.score,
                "distance_km": r.assessment.distance_km,
                "reasons": reasons_json(&r.assessment.reasons, &state.taxonomy),
                "case_by_case": r.assessment.case_by_case.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut views = vec![super::viewed::Viewed::candidates(
        vacancy.id,
        restricted,
        format!(
            "{} candidates in service {service_id} (page {} of {} in all)",
            items.len(),
            paging.page,
            ranked.total
        ),
    )];
    views.extend(
        ranked
            .items
            .iter()
            .filter(|r| r.assessment.shows_restricted())
            .map(|r| super::viewed::Viewed::candidate(r.item.id, vacancy.id)),
    );
    super::viewed::record(&state, officer.ctx.audit_actor(), views).await?;
    Ok(HttpResponse::Ok().json(with_fields(
        json!({ "vacancy_id": vacancy.id, "today": today(), "items": items }),
        page_fields(&ranked),
    )))
}
