//! JSON API v1: sign-in, the signed-in actor, and the OpenAPI document that
//! describes every JSON route.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::domain::FieldErrors;
use crate::store::access as access_store;
use crate::store::audit::{self, Entry};
use crate::store::now;
use crate::web::account::{attempt_sign_in, SignInOutcome};
use crate::web::auth::{self, Scope, Staff, StaffActor, Visitor};
use crate::web::errors::ApiError;
use crate::web::AppState;

use super::matches::PER_PAGE_MAX;

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

/// Every JSON route, described for client generators and for the test that
/// fuzzes the running service against it: every response (errors too) has
/// a schema, and every body and parameter carries the constraints its
/// parser enforces. Sector and skill enums come from `taxonomy`.
pub fn openapi_document(taxonomy: &crate::domain::skills::Taxonomy) -> Value {
    let error = json!({ "$ref": "#/components/schemas/Error" });
    let err = |description: &str| json!({ "description": description, "content": { "application/json": { "schema": error } } });
    let ok = |description: &str, schema: &str| json!({ "description": description, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
    let error_responses = json!({
        "401": err("Not signed in"),
        "403": err("Signed in, but not allowed (or CSRF token missing)")
    });
    let id = |name: &str, description: &str| json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "integer", "format": "int64" } });
    let paging = json!([
        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1 } },
        { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": 20 } },
        { "name": "limit", "in": "query", "description": "Older name of per_page (per_page wins when both are given)", "schema": { "type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX } }
    ]);
    let with_params = |first: Value, rest: &Value| -> Value {
        let mut all = vec![first];
        all.extend(rest.as_array().cloned().unwrap_or_default());
        Value::Array(all)
    };
    let integer = json!({ "type": "integer" });
    let string = json!({ "type": "string" });
    let date = json!({ "type": "string", "format": "date" });
    let number = json!({ "type": "number" });
    let nullable_number = json!({ "type": "number", "nullable": true });
    let reasons = json!({ "type": "array", "items": { "$ref": "#/components/schemas/Reason" } });
    let case_by_case =
        json!({ "type": "array", "items": { "type": "string", "enum": offence_slugs() } });
    let page_props =
        json!({ "total": integer, "page": integer, "per_page": integer, "pages": integer });
    let paged = |extra_required: &[&str], props: Value, item: Value| -> Value {
        let mut properties = page_props.as_object().cloned().unwrap_or_default();
        properties.extend(props.as_object().cloned().unwrap_or_default());
        properties.insert("items".into(), json!({ "type": "array", "items": item }));
        let mut required: Vec<&str> = vec!["total", "page", "per_page", "pages", "items"];
        required.extend_from_slice(extra_required);
        json!({ "type": "object", "required": required, "properties": properties })
    };
    let mut schemas = json!({
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": { "type": "string", "enum": ["invalid", "not_found", "bad_request", "unauthenticated", "forbidden", "conflict", "too_many_requests", "method_not_allowed", "internal"] },
                "message": { "type": "string" },
                "fields": { "type": "object", "additionalProperties": { "type": "array", "items": { "type": "string" } } }
            }
        },
        "Me": {
            "type": "object",
            "required": ["user_id", "email", "name", "role", "scope"],
            "properties": {
                "user_id": integer,
                "email": string,
                "name": string,
                "role": { "type": "string", "enum": ["admin", "officer", "employer"] },
                "scope": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": { "type": "string", "enum": ["all", "service", "employer"] },
                        "service_id": integer,
                        "employer_id": integer
                    }
                },
                "csrf_token": { "type": "string", "description": "Send it as X-CSRF-Token on state changes; absent for API tokens" }
            }
        },
        "Reason": {
            "type": "object",
            "description": "Why a pair ranks as it does: `kind` and the words for it, with the kind's own data (such as `matched`, `missing` and `total` for skills, `km` for distance)",
            "required": ["kind", "text"],
            "properties": { "kind": string, "text": string }
        },
        "ProfileMatches": paged(&["profile_id", "today"], json!({ "profile_id": integer, "today": date }), json!({
            "type": "object",
            "required": ["vacancy_id", "title", "employer_id", "workplace", "score", "distance_km", "reasons", "case_by_case", "match"],
            "properties": {
                "vacancy_id": integer, "title": string, "employer_id": integer,
                "workplace": { "type": "string", "nullable": true, "description": "Place name; null for remote work" },
                "score": number, "distance_km": nullable_number, "reasons": reasons, "case_by_case": case_by_case,
                "match": { "type": "object", "nullable": true, "required": ["id", "status"], "properties": {
                    "id": integer, "status": { "type": "string", "enum": match_slugs() } } }
            }
        })),
        "Assessment": {
            "type": "object",
            "required": ["profile_id", "vacancy_id", "vacancy_status", "eligible", "score", "distance_km", "failures", "reasons", "case_by_case"],
            "properties": {
                "profile_id": integer, "vacancy_id": integer,
                "vacancy_status": { "type": "string", "enum": vacancy_status_slugs() },
                "eligible": { "type": "boolean" }, "score": number, "distance_km": nullable_number,
                "failures": { "type": "array", "items": { "type": "object", "required": ["code", "message", "detail"], "properties": {
                    "code": { "type": "string", "enum": rule_slugs() }, "message": string,
                    "detail": { "type": "object", "required": ["code"], "properties": { "code": { "type": "string", "enum": rule_slugs() } } } } } },
                "reasons": reasons, "case_by_case": case_by_case
            }
        },
        "Candidates": paged(&["vacancy_id", "today"], json!({ "vacancy_id": integer, "today": date }), json!({
            "type": "object",
            "required": ["profile_id", "name", "reference", "release_date", "score", "distance_km", "reasons", "case_by_case"],
            "properties": {
                "profile_id": integer, "name": string, "reference": string, "release_date": date,
                "score": number, "distance_km": nullable_number, "reasons": reasons, "case_by_case": case_by_case
            }
        }))
    });
    if let (Some(map), Value::Object(more)) = (
        schemas.as_object_mut(),
        crate::web::api_vacancies::openapi_schemas(),
    ) {
        map.extend(more);
    }
    if let (Some(map), Value::Object(more)) = (
        schemas.as_object_mut(),
        crate::web::terminal_api::openapi_schemas(),
    ) {
        map.extend(more);
    }
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Fair Chance Jobs API",
            "version": "1",
            "description": "Sign in with a session (POST /api/v1/session, then send X-CSRF-Token on state changes) or with an employer API token (Authorization: Bearer). Every anonymous call other than sign-in and this document answers 401. A method not listed for a path answers 405 with Allow."
        },
        "servers": [{ "url": "/" }],
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": auth::SESSION_COOKIE },
                "bearer": { "type": "http", "scheme": "bearer", "description": "Employer API token (fcj_...)" }
            },
            "schemas": schemas
        },
        "security": [{ "session": [] }, { "bearer": [] }],
        "paths": {
            "/api/v1/openapi.json": {
                "get": { "summary": "This document", "security": [], "responses": { "200": { "description": "OpenAPI 3 document", "content": { "application/json": { "schema": { "type": "object", "required": ["openapi", "paths"] } } } } } }
            },
            "/api/v1/session": {
                "post": {
                    "summary": "Sign in (staff)",
                    "security": [],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": {
                        "type": "object", "required": ["email", "password"],
                        "properties": { "email": { "type": "string", "format": "email", "pattern": "\\S" }, "password": { "type": "string", "format": "password", "minLength": 1 } }
                    } } } },
                    "responses": {
                        "200": ok("Signed in; the session cookie is set", "Me"),
                        "400": err("The body is not JSON of this shape"),
                        "401": err("Wrong email or password"),
                        "403": err("The employer's account is not active"),
                        "422": err("Missing fields"),
                        "429": err("Too many failed attempts, or the service is busy; see Retry-After")
                    }
                },
                "delete": {
                    "summary": "Sign out (ends this session)",
                    "responses": merge(json!({
                        "204": { "description": "Signed out" },
                        "400": err("Called with an API token, which has no session (revoke the token instead)")
                    }), &error_responses)
                }
            },
            "/api/v1/profiles/{id}/matches": {
                "get": {
                    "summary": "A profile's eligible vacancies, ranked, with score, distance and reasons (officers of the profile's service)",
                    "parameters": with_params(id("id", "Profile id"), &paging),
                    "responses": merge(json!({
                        "200": ok("One page of every eligible vacancy, best first", "ProfileMatches"),
                        "400": err("A query parameter is not a number"),
                        "404": err("No such profile in your service"),
                        "422": err("Bad page, per_page or limit")
                    }), &error_responses)
                }
            },
            "/api/v1/profiles/{id}/matches/{vacancy_id}": {
                "get": {
                    "summary": "The full assessment of one pair, with every rule that excludes it (the 'why not?' answer)",
                    "parameters": [id("id", "Profile id"), id("vacancy_id", "Vacancy id (a published one)")],
                    "responses": merge(json!({
                        "200": ok("The assessment", "Assessment"),
                        "404": err("No such profile in your service, or no such published vacancy")
                    }), &error_responses)
                }
            },
            "/api/v1/vacancies/{id}/candidates": {
                "get": {
                    "summary": "Eligible people of your service for a vacancy, ranked (officers)",
                    "parameters": with_params(id("id", "Vacancy id (a published one)"), &paging),
                    "responses": merge(json!({
                        "200": ok("One page of every eligible person of your service, best first", "Candidates"),
                        "400": err("A query parameter is not a number"),
                        "404": err("No such published vacancy"),
                        "422": err("Bad page, per_page or limit")
                    }), &error_responses)
                }
            },
            "/api/v1/me": {
                "get": {
                    "summary": "The signed-in actor, its role and scope",
                    "responses": merge(json!({ "200": ok("The actor", "Me") }), &error_responses)
                }
            }
        }
    });
    doc["paths"] = merge(
        doc["paths"].take(),
        &crate::web::terminal_api::openapi_paths(taxonomy),
    );
    doc["paths"] = merge(
        doc["paths"].take(),
        &crate::web::api_vacancies::openapi_paths(taxonomy),
    );
    doc["components"]["securitySchemes"] = merge(
        doc["components"]["securitySchemes"].take(),
        &crate::web::terminal_api::openapi_security_schemes(),
    );
    doc
}

fn slug_list(slugs: impl Iterator<Item = &'static str>) -> Value {
    Value::Array(slugs.map(|s| Value::String(s.to_string())).collect())
}

fn offence_slugs() -> Value {
    use crate::domain::offence::OffenceCategory;
    slug_list(OffenceCategory::ALL.iter().map(|c| c.as_str()))
}

fn match_slugs() -> Value {
    use crate::domain::application::MatchStatus;
    slug_list(MatchStatus::ALL.iter().map(|c| c.as_str()))
}

fn vacancy_status_slugs() -> Value {
    use crate::domain::vacancy::VacancyStatus;
    slug_list(VacancyStatus::ALL.iter().map(|c| c.as_str()))
}

fn rule_slugs() -> Value {
    use crate::domain::matching::RuleCode;
    slug_list(RuleCode::ALL.iter().map(|c| c.as_str()))
}

fn merge(mut base: Value, extra: &Value) -> Value {
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    base
}

pub async fn openapi(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(openapi_document(&state.taxonomy))
}
