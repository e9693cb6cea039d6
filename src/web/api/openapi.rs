//! The OpenAPI document: every JSON route, described for client generators
//! and for the test that fuzzes the running service against it. Each area
//! gives its own paths and schemas; this module puts them together.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::matches::PER_PAGE_MAX;
use crate::domain::skills::Taxonomy;
use crate::web::auth;
use crate::web::AppState;

/// The shared error answer with a description.
pub(crate) fn err(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

/// A success answer with the named schema.
pub(crate) fn ok(description: &str, schema: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

/// The answers every signed-in route may give.
pub(crate) fn error_responses() -> Value {
    json!({
        "401": err("Not signed in"),
        "403": err("Signed in, but not allowed (or CSRF token missing)")
    })
}

/// A path parameter holding an id.
pub(crate) fn id(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "integer", "format": "int64" } })
}

/// `first`, then the parameters in `rest`.
fn with_params(first: Value, rest: &Value) -> Value {
    let mut all = vec![first];
    all.extend(rest.as_array().cloned().unwrap_or_default());
    Value::Array(all)
}

/// The paging parameters of a ranked list.
fn paging() -> Value {
    json!([
        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1 } },
        { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": 20 } },
        { "name": "limit", "in": "query", "description": "Older name of per_page (per_page wins when both are given)", "schema": { "type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX } }
    ])
}

/// A page of a ranked list: the paging counts, `props`, and `item`s.
fn paged(extra_required: &[&str], props: Value, item: Value) -> Value {
    let integer = json!({ "type": "integer" });
    let page_props =
        json!({ "total": integer, "page": integer, "per_page": integer, "pages": integer });
    let mut properties = page_props.as_object().cloned().unwrap_or_default();
    properties.extend(props.as_object().cloned().unwrap_or_default());
    properties.insert("items".into(), json!({ "type": "array", "items": item }));
    let mut required: Vec<&str> = vec!["total", "page", "per_page", "pages", "items"];
    required.extend_from_slice(extra_required);
    json!({ "type": "object", "required": required, "properties": properties })
}

/// The error answer, the signed-in actor and a reason.
fn core_schemas() -> Value {
    let integer = json!({ "type": "integer" });
    let string = json!({ "type": "string" });
    json!({
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
        }
    })
}

/// The answers of the matches and candidates routes.
fn match_schemas() -> Value {
    let integer = json!({ "type": "integer" });
    let string = json!({ "type": "string" });
    let date = json!({ "type": "string", "format": "date" });
    let number = json!({ "type": "number" });
    let nullable_number = json!({ "type": "number", "nullable": true });
    let reasons = json!({ "type": "array", "items": { "$ref": "#/components/schemas/Reason" } });
    let case_by_case =
        json!({ "type": "array", "items": { "type": "string", "enum": offence_slugs() } });
    json!({
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
            "required": ["profile_id", "vacancy_id", "vacancy_status", "eligible", "score", "distance_km", "failures", "reasons", "case_by_case", "eligible_from"],
            "properties": {
                "profile_id": integer, "vacancy_id": integer,
                "vacancy_status": { "type": "string", "enum": vacancy_status_slugs() },
                "eligible": { "type": "boolean" }, "score": number, "distance_km": nullable_number,
                "failures": { "type": "array", "items": { "type": "object", "required": ["code", "message", "detail"], "properties": {
                    "code": { "type": "string", "enum": rule_slugs() }, "message": string,
                    "detail": { "type": "object", "required": ["code"], "properties": { "code": { "type": "string", "enum": rule_slugs() } } } } } },
                "reasons": reasons, "case_by_case": case_by_case,
                "eligible_from": { "type": "object", "nullable": true,
                    "description": "When the pair fails only on time (release, day release, a licence condition that ends, a certificate being gained): the first day it passes, within the vacancy's closing date or a year, and what happens that day; null when it passes today or time alone does not make it pass",
                    "required": ["date", "events", "text"],
                    "properties": {
                        "date": date,
                        "events": { "type": "array", "items": { "type": "object", "required": ["kind"], "properties": {
                            "kind": { "type": "string", "enum": ["release", "day_release", "certificate_gained", "curfew_ends", "exclusion_zone_ends", "driving_ban_ends", "licence_ends"] },
                            "slug": string, "zone": string } } },
                        "text": string
                    } }
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
    })
}

/// This document and the staff session.
fn session_paths() -> Value {
    json!({
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
                }), &error_responses())
            }
        }
    })
}

/// A profile's matches, one pair's assessment, a vacancy's candidates.
fn match_paths() -> Value {
    let paging = paging();
    json!({
        "/api/v1/profiles/{id}/matches": {
            "get": {
                "summary": "A profile's eligible vacancies, ranked, with score, distance and reasons (officers of the profile's service)",
                "parameters": with_params(id("id", "Profile id"), &paging),
                "responses": merge(json!({
                    "200": ok("One page of every eligible vacancy, best first", "ProfileMatches"),
                    "400": err("A query parameter is not a number"),
                    "404": err("No such profile in your service"),
                    "422": err("Bad page, per_page or limit")
                }), &error_responses())
            }
        },
        "/api/v1/profiles/{id}/export": {
            "get": {
                "summary": "Everything held about a person, for a subject access request: every row that refers to them, table by table, and the audit entries about them; secrets are left out (an officer for a person of their service, an administrator for anyone; audited)",
                "parameters": [id("id", "Profile id")],
                "responses": merge(json!({
                    "200": { "description": "The rows, by table", "content": { "application/json": { "schema": {
                        "type": "object",
                        "required": ["profile_id", "generated_at", "tables"],
                        "properties": {
                            "profile_id": { "type": "integer", "format": "int64" },
                            "generated_at": { "type": "string" },
                            "tables": { "type": "object", "additionalProperties": { "type": "array", "items": { "type": "object" } } }
                        }
                    } } } },
                    "404": err("No such profile in your service")
                }), &error_responses())
            }
        },
        "/api/v1/profiles/{id}/matches/{vacancy_id}": {
            "get": {
                "summary": "The full assessment of one pair, with every rule that excludes it (the 'why not?' answer)",
                "parameters": [id("id", "Profile id"), id("vacancy_id", "Vacancy id (a published one)")],
                "responses": merge(json!({
                    "200": ok("The assessment", "Assessment"),
                    "404": err("No such profile in your service, or no such published vacancy")
                }), &error_responses())
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
                }), &error_responses())
            }
        }
    })
}

/// The signed-in actor.
fn me_paths() -> Value {
    json!({
        "/api/v1/me": {
            "get": {
                "summary": "The signed-in actor, its role and scope",
                "responses": merge(json!({ "200": ok("The actor", "Me") }), &error_responses())
            }
        }
    })
}

/// Every JSON route, described for client generators and for the test that
/// fuzzes the running service against it: every response (errors too) has
/// a schema, and every body and parameter carries the constraints its
/// parser enforces. Sector and skill enums come from `taxonomy`.
pub fn openapi_document(taxonomy: &Taxonomy) -> Value {
    let mut schemas = merge(core_schemas(), &match_schemas());
    schemas = merge(schemas, &super::vacancies::openapi_schemas());
    schemas = merge(schemas, &super::profiles::openapi_schemas(taxonomy));
    schemas = merge(schemas, &crate::web::terminal::api::openapi_schemas());
    schemas = merge(schemas, &super::slots::openapi_schemas());
    schemas = merge(schemas, &super::watches::openapi_schemas());
    let mut paths = merge(session_paths(), &match_paths());
    paths = merge(paths, &me_paths());
    paths = merge(paths, &crate::web::terminal::api::openapi_paths(taxonomy));
    paths = merge(paths, &super::vacancies::openapi_paths(taxonomy));
    paths = merge(paths, &super::profiles::openapi_paths());
    paths = merge(paths, &super::slots::openapi_paths());
    paths = merge(paths, &super::watches::openapi_paths());
    let security_schemes = merge(
        json!({
            "session": { "type": "apiKey", "in": "cookie", "name": auth::SESSION_COOKIE },
            "bearer": { "type": "http", "scheme": "bearer", "description": "Employer API token (fcj_...), or a service's integration token (fci_...), which reaches only /api/v1/profiles and its sub-paths" }
        }),
        &crate::web::terminal::api::openapi_security_schemes(),
    );
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Fair Chance Jobs API",
            "version": "1",
            "description": "Sign in with a session (POST /api/v1/session, then send X-CSRF-Token on state changes) or with an API token (Authorization: Bearer): an employer's, or a service's integration token for the profile API. Every anonymous call other than sign-in and this document answers 401. A method not listed for a path answers 405 with Allow."
        },
        "servers": [{ "url": "/" }],
        "components": {
            "securitySchemes": security_schemes,
            "schemas": schemas
        },
        "security": [{ "session": [] }, { "bearer": [] }],
        "paths": paths
    })
}

pub(crate) fn slug_list<'a>(slugs: impl Iterator<Item = &'a str>) -> Value {
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

pub(crate) fn merge(mut base: Value, extra: &Value) -> Value {
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
