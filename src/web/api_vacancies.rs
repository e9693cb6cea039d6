//! JSON API for an employer's vacancies: list, read, create, replace and
//! the lifecycle moves, for API tokens and for sessions (with
//! `X-CSRF-Token`). Bodies are checked by the same `VacancyDetails::parse`
//! as the editor's form; another organisation's vacancy is 404.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::auth::EmployerMember;
use super::employer_vacancies::today;
use super::errors::ApiError;
use super::vacancy_form::resolve_place;
use super::AppState;
use crate::domain::vacancy::{VacancyDetails, VacancyInput, VacancyStatus};
use crate::domain::FieldErrors;
use crate::store::audit::{self, Entry};
use crate::store::vacancies::{self as vacancy_store, ChangeError};
use crate::store::{now, StoreError};

#[derive(Serialize)]
pub struct VacancyJson {
    pub id: i64,
    pub status: &'static str,
    #[serde(flatten)]
    pub details: VacancyInput,
}

/// A vacancy as a client sends it: every field of the editor, and
/// optionally `place` (a town or postcode) instead of `workplace`
/// coordinates.
#[derive(Deserialize)]
pub struct VacancyBody {
    #[serde(default)]
    place: Option<String>,
    #[serde(flatten)]
    input: VacancyInput,
}

/// Checks a body as the form is checked: the domain's parse, a closing date
/// no earlier than today, a start date no earlier than today (unless it is
/// `kept_start`, the one the vacancy already has) and the place lookup.
pub fn parse_body(
    body: VacancyBody,
    state: &AppState,
    kept_start: Option<chrono::NaiveDate>,
) -> Result<VacancyDetails, FieldErrors> {
    let mut input = body.input;
    let mut errors = FieldErrors::new();
    if !input.remote && input.workplace.is_none() {
        if let Some(place) = body.place.as_deref().filter(|p| !p.trim().is_empty()) {
            match resolve_place(place) {
                Ok(found) => input.workplace = Some(found),
                Err(message) => errors.add("place", message),
            }
        }
    }
    if crate::domain::vacancy::start_in_past(input.start_date, today(), kept_start) {
        errors.add("start_date", crate::domain::vacancy::START_IN_PAST);
    }
    if let Some(closing) = input.closing_date {
        if closing < today() {
            errors.add(
                "closing_date",
                "Enter a closing date that is today or later, or leave it out for rolling recruitment",
            );
        }
    }
    match VacancyDetails::parse(&input, &state.taxonomy) {
        Ok(details) if errors.is_empty() => Ok(details),
        Ok(_) => Err(errors),
        Err(domain) => {
            for (field, messages) in domain.iter() {
                if field == "workplace" && errors.has("place") {
                    continue;
                }
                if field == "closing_date" && errors.has("start_date") {
                    continue;
                }
                for m in messages {
                    errors.add(field, m.clone());
                }
            }
            Err(errors)
        }
    }
}

#[derive(Deserialize)]
pub struct Paging {
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    per_page: Option<u32>,
}

/// This employer's vacancies, newest change first, paged, with the total.
pub async fn list(
    state: web::Data<AppState>,
    member: EmployerMember,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let page = paging.page.unwrap_or(1);
    let per_page = paging.per_page.unwrap_or(50);
    let mut errors = FieldErrors::new();
    if page == 0 || page > 1_000_000 {
        errors.add("page", "Use a page number of 1 or more");
    }
    if per_page == 0 || per_page > 200 {
        errors.add("per_page", "Use 1 to 200 items a page");
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let employer_id = member.employer_id;
    let offset = (i64::from(page) - 1) * i64::from(per_page);
    let (rows, total) = state
        .store
        .run(move |conn| {
            vacancy_store::list_for_employer(conn, employer_id, i64::from(per_page), offset)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .json(json!({ "items": rows, "page": page, "per_page": per_page, "total": total })))
}

async fn answer(
    state: &AppState,
    employer_id: i64,
    id: i64,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, ApiError> {
    let taxonomy = state.taxonomy.clone();
    let vacancy = state
        .store
        .run(move |conn| vacancy_store::load_for_employer(conn, id, employer_id, &taxonomy))
        .await?;
    Ok(HttpResponse::build(status).json(VacancyJson {
        id: vacancy.id,
        status: vacancy.status.as_str(),
        details: vacancy.details.to_input(),
    }))
}

pub async fn get(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    answer(
        &state,
        member.employer_id,
        path.into_inner(),
        actix_web::http::StatusCode::OK,
    )
    .await
}

fn change_error(e: ChangeError) -> ApiError {
    match e {
        ChangeError::NotFound => ApiError::NotFound,
        ChangeError::Illegal(m) => ApiError::Conflict(m),
        ChangeError::Store(e) => e.into(),
    }
}

/// Creates a draft; publish it with `POST /api/v1/vacancies/{id}/publish`.
pub async fn create(
    state: web::Data<AppState>,
    member: EmployerMember,
    body: web::Json<VacancyBody>,
) -> Result<HttpResponse, ApiError> {
    let details = parse_body(body.into_inner(), &state, None).map_err(ApiError::Invalid)?;
    let (employer_id, user_id) = (member.employer_id, member.actor.user_id);
    let actor = member.ctx.audit_actor();
    let id = state
        .store
        .run(move |conn| {
            let at = now();
            crate::write_tx!(conn, |c| {
                let id = vacancy_store::create(
                    c,
                    employer_id,
                    VacancyStatus::Draft,
                    Some(user_id),
                    &details,
                    at,
                )?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "vacancy.created",
                        subject_kind: Some("vacancy"),
                        subject_id: Some(id),
                        detail: Some(details.title().to_string()),
                    },
                    at,
                )?;
                Ok::<_, StoreError>(id)
            })
        })
        .await?;
    answer(
        &state,
        employer_id,
        id,
        actix_web::http::StatusCode::CREATED,
    )
    .await
}

/// Replaces every field of a vacancy that is not final.
pub async fn update(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    body: web::Json<VacancyBody>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let employer_id = member.employer_id;
    // Out of scope is 404 before the body is judged.
    let taxonomy = state.taxonomy.clone();
    let current = state
        .store
        .run(move |conn| vacancy_store::load_for_employer(conn, id, employer_id, &taxonomy))
        .await?;
    let kept_start = current.details.start().date();
    let details = parse_body(body.into_inner(), &state, kept_start).map_err(ApiError::Invalid)?;
    let actor = member.ctx.audit_actor();
    state
        .store
        .run(move |conn| {
            let at = now();
            Ok(crate::write_tx!(conn, |c| {
                vacancy_store::update(c, id, employer_id, &details, at)?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "vacancy.updated",
                        subject_kind: Some("vacancy"),
                        subject_id: Some(id),
                        detail: Some(details.title().to_string()),
                    },
                    at,
                )?;
                Ok::<_, ChangeError>(())
            }))
        })
        .await?
        .map_err(change_error)?;
    answer(&state, employer_id, id, actix_web::http::StatusCode::OK).await
}

async fn move_to(
    state: web::Data<AppState>,
    member: EmployerMember,
    id: i64,
    to: VacancyStatus,
) -> Result<HttpResponse, ApiError> {
    let employer_id = member.employer_id;
    let actor = member.ctx.audit_actor();
    state
        .store
        .run(move |conn| {
            let at = now();
            Ok(crate::write_tx!(conn, |c| {
                let from = vacancy_store::change_status(c, id, employer_id, to, at)?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "vacancy.status_changed",
                        subject_kind: Some("vacancy"),
                        subject_id: Some(id),
                        detail: Some(format!("{} -> {}", from.as_str(), to.as_str())),
                    },
                    at,
                )?;
                Ok::<_, ChangeError>(())
            }))
        })
        .await?
        .map_err(change_error)?;
    answer(&state, employer_id, id, actix_web::http::StatusCode::OK).await
}

pub async fn publish(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    move_to(state, member, path.into_inner(), VacancyStatus::Published).await
}

pub async fn pause(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    move_to(state, member, path.into_inner(), VacancyStatus::Paused).await
}

pub async fn close(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    move_to(state, member, path.into_inner(), VacancyStatus::Closed).await
}

/// The vacancy routes of the OpenAPI document (merged into it by
/// `api::openapi_document`).
pub fn openapi_paths() -> Value {
    let error = json!({ "$ref": "#/components/schemas/Error" });
    let vacancy = vacancy_schema();
    let input = input_schema();
    let auth = |mut responses: Value| -> Value {
        if let Some(r) = responses.as_object_mut() {
            r.insert("401".into(), json!({ "description": "Not signed in", "content": { "application/json": { "schema": error } } }));
            r.insert("403".into(), json!({ "description": "Not an employer, or the CSRF token is missing", "content": { "application/json": { "schema": error } } }));
        }
        responses
    };
    let id_param =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } });
    let not_found = json!({ "description": "No such vacancy in your organisation", "content": { "application/json": { "schema": error } } });
    let invalid = json!({ "description": "Some fields need correcting: `fields` maps each field (such as `shifts[0].start` or `place`) to its messages", "content": { "application/json": { "schema": error } } });
    let conflict = json!({ "description": "The lifecycle does not allow this move (or the vacancy is filled, closed or withdrawn)", "content": { "application/json": { "schema": error } } });
    let ok_vacancy = json!({ "description": "The vacancy", "content": { "application/json": { "schema": vacancy } } });
    let lifecycle = |summary: &str| {
        json!({
            "post": {
                "summary": summary,
                "parameters": [id_param.clone()],
                "responses": auth(json!({ "200": ok_vacancy.clone(), "404": not_found.clone(), "409": conflict.clone() }))
            }
        })
    };
    json!({
        "/api/v1/vacancies": {
            "get": {
                "summary": "Your organisation's vacancies, newest change first (employers)",
                "parameters": [
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } },
                    { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200, "default": 50 } }
                ],
                "responses": auth(json!({
                    "200": { "description": "A page of vacancies and the total", "content": { "application/json": { "schema": {
                        "type": "object",
                        "required": ["items", "page", "per_page", "total"],
                        "properties": {
                            "items": { "type": "array", "items": { "type": "object", "properties": {
                                "id": { "type": "integer" }, "title": { "type": "string" }, "status": { "type": "string" },
                                "place_name": { "type": "string", "nullable": true }, "closing_date": { "type": "string", "format": "date", "nullable": true },
                                "updated_at": { "type": "string" } } } },
                            "page": { "type": "integer" }, "per_page": { "type": "integer" }, "total": { "type": "integer" }
                        }
                    } } } },
                    "422": { "description": "Bad paging values", "content": { "application/json": { "schema": error } } }
                }))
            },
            "post": {
                "summary": "Create a vacancy as a draft (employers)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": input.clone() } } },
                "responses": auth(json!({
                    "201": { "description": "Created", "content": { "application/json": { "schema": vacancy } } },
                    "400": { "description": "The body is not JSON of this shape", "content": { "application/json": { "schema": error } } },
                    "422": invalid
                }))
            }
        },
        "/api/v1/vacancies/{id}": {
            "get": {
                "summary": "One of your organisation's vacancies (employers); another organisation's answers 404",
                "parameters": [id_param.clone()],
                "responses": auth(json!({ "200": ok_vacancy.clone(), "404": not_found.clone() }))
            },
            "put": {
                "summary": "Replace every field of a vacancy (not once it is filled, closed or withdrawn)",
                "parameters": [id_param.clone()],
                "requestBody": { "required": true, "content": { "application/json": { "schema": input } } },
                "responses": auth(json!({
                    "200": ok_vacancy.clone(),
                    "400": { "description": "The body is not JSON of this shape", "content": { "application/json": { "schema": error } } },
                    "404": not_found.clone(),
                    "409": conflict.clone(),
                    "422": invalid
                }))
            }
        },
        "/api/v1/vacancies/{id}/publish": lifecycle("Publish a draft, or resume a paused vacancy"),
        "/api/v1/vacancies/{id}/pause": lifecycle("Pause applications to a published vacancy"),
        "/api/v1/vacancies/{id}/close": lifecycle("Close a published or paused vacancy")
    })
}

fn input_properties() -> serde_json::Map<String, Value> {
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    let props = json!({
        "title": { "type": "string", "minLength": 3, "maxLength": 120 },
        "description": { "type": "string", "minLength": 20, "maxLength": 5000 },
        "sector": { "type": "string", "description": "Sector slug from the taxonomy" },
        "remote": { "type": "boolean", "default": false },
        "place": { "type": "string", "description": "A town or postcode, looked up when `workplace` is not given" },
        "workplace": { "type": "object", "nullable": true, "properties": {
            "name": { "type": "string" }, "lat": { "type": "number" }, "lon": { "type": "number" } } },
        "hours_per_week": { "type": "number", "minimum": 1, "maximum": 60 },
        "shifts": { "type": "array", "maxItems": 14, "items": { "type": "object", "properties": {
            "days": { "type": "array", "items": { "type": "string", "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] } },
            "start": { "type": "string", "example": "09:00" }, "end": { "type": "string", "example": "17:00" } } } },
        "contract": { "type": "string", "enum": ["permanent", "fixed_term", "temporary", "apprenticeship", "casual"] },
        "pay_min": { "type": "number", "description": "Pounds" },
        "pay_max": { "type": "number", "description": "Pounds" },
        "pay_period": { "type": "string", "enum": ["hour", "week", "month", "year"] },
        "positions": { "type": "integer", "minimum": 1, "maximum": 500 },
        "start": { "type": "string", "enum": ["date", "asap"], "nullable": true, "description": "`date`: work starts on `start_date`. `asap`: as soon as possible (usual with rolling recruitment), with `start_date` absent or null; each person could start on release, or earlier on day release (ROTL) when the role suits it. Absent or null means `date`, so a body that only gives `start_date` still works. Any other value answers 422 with `fields.start`" },
        "start_date": { "type": "string", "format": "date", "nullable": true, "description": "First day of work; needed when `start` is `date` or absent, and must be absent or null when `start` is `asap`" },
        "closing_date": { "type": "string", "format": "date", "nullable": true, "description": "Absent or null for rolling recruitment" },
        "required_skills": strings.clone(),
        "desirable_skills": strings.clone(),
        "required_certificates": strings.clone(),
        "needs_driving_licence": { "type": "boolean" },
        "check_level": { "type": "string", "enum": ["none", "basic", "standard", "enhanced", "enhanced_barred"] },
        "regulated_children": { "type": "boolean" },
        "regulated_adults": { "type": "boolean" },
        "offence_exclusions": { "type": "array", "items": { "type": "object", "required": ["category", "stance", "reason"], "properties": {
            "category": { "type": "string", "enum": ["arson", "sexual", "violence", "driving", "dishonesty", "drugs_supply", "terrorism", "other"] },
            "stance": { "type": "string", "enum": ["case_by_case", "excluded"] },
            "reason": { "type": "string", "minLength": 10, "maxLength": 500 } } } },
        "rotl_suitable": { "type": "boolean" },
        "ring_fenced": { "type": "boolean" },
        "how_to_apply": { "type": "string", "maxLength": 2000 },
        "documents_needed": strings
    });
    props.as_object().cloned().unwrap_or_default()
}

fn input_schema() -> Value {
    json!({
        "type": "object",
        "required": ["title", "description", "sector", "hours_per_week", "contract", "pay_min", "pay_max", "pay_period", "positions", "check_level"],
        "properties": input_properties()
    })
}

fn vacancy_schema() -> Value {
    let mut props = input_properties();
    props.remove("place");
    props.insert("id".into(), json!({ "type": "integer" }));
    props.insert(
        "status".into(),
        json!({ "type": "string", "enum": ["draft", "published", "paused", "filled", "closed", "withdrawn"] }),
    );
    json!({ "type": "object", "required": ["id", "status", "title"], "properties": props })
}
