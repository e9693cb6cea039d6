//! The officer's watches in JSON: watch a person and vacancy that fail only
//! on time (the officer is emailed on the day the pair becomes eligible),
//! stop a watch, and the "soon eligible" list of the officer's caseload.
//! They call the same use cases as the officer's pages (`app::watches`),
//! so the scope checks and audit rows are the same: another service's
//! person is 404, and only the officer's own watches can be stopped.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::openapi::{err, error_responses, id, merge, ok};
use crate::app::matches::today;
use crate::app::watches::{self, SoonLine};
use crate::app::Failure;
use crate::domain::FieldErrors;
use crate::matches::Paging;
use crate::web::auth::Officer;
use crate::web::errors::ApiError;
use crate::web::officer::caseworker;
use crate::web::AppState;

/// Most pairs on one page of the soon-eligible list.
pub const PER_PAGE_MAX: u32 = 200;
/// Pairs on a page when `per_page` is not given (as on the officer's page).
pub const PER_PAGE_DEFAULT: u32 = 50;

/// Watches a person of the officer's service against a published vacancy
/// (or moves the officer's watch on the pair to the date as it is now).
pub async fn create(
    state: web::Data<AppState>,
    officer: Officer,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let field = |name: &str| body.get(name).and_then(Value::as_i64);
    let Some(profile_id) = field("profile_id") else {
        return Err(ApiError::Invalid(FieldErrors::single(
            "profile_id",
            "Give the person's profile id, as a number",
        )));
    };
    // The vacancy is looked at only once the person is known to be of the
    // officer's service: another service's person is 404 whatever follows.
    let vacancy_id = field("vacancy_id");
    let watched = watches::watch_pair(&state, caseworker(&officer), profile_id, vacancy_id)
        .await
        .map_err(|failure| match failure {
            Failure::BadRequest(_) => ApiError::Invalid(FieldErrors::single(
                "vacancy_id",
                "Give the vacancy's id, as a number",
            )),
            other => other.into(),
        })?;
    Ok(HttpResponse::Created().json(json!({
        "id": watched.id,
        "profile_id": profile_id,
        "vacancy_id": vacancy_id,
        "eligible_from": watched.eligible_from,
    })))
}

/// Stops one of the officer's own watches.
pub async fn delete(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    watches::stop_by_id(&state, caseworker(&officer), path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
pub struct SoonParams {
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    per_page: Option<u32>,
}

fn soon_json(line: &SoonLine) -> Value {
    json!({
        "profile_id": line.profile_id,
        "name": line.name,
        "reference": line.reference,
        "vacancy_id": line.vacancy_id,
        "title": line.title,
        "employer": line.employer,
        "eligible_from": line.eligible_from,
        "text": line.text,
    })
}

/// The pairs of the officer's caseload that are not eligible today and
/// become eligible within 12 weeks, soonest first, a page at a time with
/// the total (the officer's "soon eligible" page, in JSON).
pub async fn soon(
    state: web::Data<AppState>,
    officer: Officer,
    params: web::Query<SoonParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page.unwrap_or(1);
    let per_page = params.per_page.unwrap_or(PER_PAGE_DEFAULT);
    let mut errors = FieldErrors::new();
    super::check_paging(&mut errors, page, ("per_page", per_page), PER_PAGE_MAX);
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let paging = Paging {
        page: page as usize,
        per_page: per_page as usize,
    };
    let found = watches::soon_eligible(&state, caseworker(&officer), paging).await?;
    let items: Vec<Value> = found.lines.iter().map(soon_json).collect();
    let pages = found.total.div_ceil(paging.per_page);
    Ok(HttpResponse::Ok().json(json!({
        "items": items,
        "total": found.total,
        "page": page,
        "per_page": per_page,
        "pages": pages,
        "today": today(),
        "until": found.until,
    })))
}

// ------------------------------------------------------------ OpenAPI

/// The watch routes of the OpenAPI document.
pub fn openapi_paths() -> Value {
    let answers = |own: Value| merge(own, &error_responses());
    json!({
        "/api/v1/watches": {
            "post": {
                "summary": "Watch a person of your service against a published vacancy that they fail only on time (release, day release, a licence condition ending, a certificate expected): you are emailed on the day the pair becomes eligible. Watching a pair you already watch moves it to the date as it is now, with the same id (officers). Audited",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WatchBody" } } } },
                "responses": answers(json!({
                    "201": ok("Watching", "Watch"),
                    "400": err("The body is not JSON"),
                    "404": err("No such person in your service, or no such published vacancy"),
                    "409": err("The vacancy fits the person today, or waiting will not make it fit"),
                    "422": err("`profile_id` or `vacancy_id` is missing or not a number")
                }))
            }
        },
        "/api/v1/watches/{id}": {
            "delete": {
                "summary": "Stop one of your watches (officers). Audited",
                "parameters": [id("id", "Watch id")],
                "responses": answers(json!({
                    "204": { "description": "No longer watched" },
                    "404": err("No such live watch of yours")
                }))
            }
        },
        "/api/v1/matches/soon": {
            "get": {
                "summary": "Pairs of your caseload that are not eligible today and become eligible within 12 weeks, soonest first, with the day and what happens that day in words, paged with the total (officers). A line that names a licence condition is audited as a restricted view",
                "parameters": [
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": super::PAGE_MAX, "default": 1 } },
                    { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": PER_PAGE_DEFAULT } }
                ],
                "responses": answers(json!({
                    "200": ok("One page of pairs and the total", "SoonEligible"),
                    "400": err("A query parameter is not a number"),
                    "422": err("Bad page or per_page")
                }))
            }
        }
    })
}

/// The watch API's bodies and answers, for the document's components.
pub fn openapi_schemas() -> Value {
    let integer = json!({ "type": "integer" });
    let string = json!({ "type": "string" });
    let date = json!({ "type": "string", "format": "date" });
    json!({
        "WatchBody": {
            "type": "object",
            "required": ["profile_id", "vacancy_id"],
            "properties": {
                "profile_id": { "type": "integer", "format": "int64", "description": "A person of your service" },
                "vacancy_id": { "type": "integer", "format": "int64", "description": "A published vacancy" }
            }
        },
        "Watch": {
            "type": "object",
            "required": ["id", "profile_id", "vacancy_id", "eligible_from"],
            "properties": {
                "id": integer.clone(), "profile_id": integer.clone(), "vacancy_id": integer.clone(),
                "eligible_from": { "type": "string", "format": "date", "description": "The day you will be emailed, if the vacancy is still open" }
            }
        },
        "SoonEligible": {
            "type": "object",
            "required": ["items", "total", "page", "per_page", "pages", "today", "until"],
            "properties": {
                "items": { "type": "array", "items": {
                    "type": "object",
                    "required": ["profile_id", "name", "reference", "vacancy_id", "title", "employer", "eligible_from", "text"],
                    "properties": {
                        "profile_id": integer.clone(), "name": string.clone(), "reference": string.clone(),
                        "vacancy_id": integer.clone(), "title": string.clone(), "employer": string,
                        "eligible_from": date.clone(),
                        "text": { "type": "string", "description": "The day and what happens that day, in words, such as \"Eligible from 14 March 2027, when the curfew ends\"" }
                    }
                } },
                "total": integer.clone(), "page": integer.clone(), "per_page": integer.clone(), "pages": integer,
                "today": date.clone(),
                "until": { "type": "string", "format": "date", "description": "The last day the list looks at" }
            }
        }
    })
}
