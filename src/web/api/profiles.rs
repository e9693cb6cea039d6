//! JSON API for a service's profiles, for its officers (session with
//! `X-CSRF-Token`) and its integration tokens (`Authorization: Bearer
//! fci_...`; a `profiles:read` token cannot write). Bodies are checked by
//! the same `ProfileDetails::parse` as the editor's form; another service's
//! profile is 404. The offence, licence and barred sections are read and
//! written only at `/api/v1/profiles/{id}/restricted`, each call audited as
//! the restricted page is.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::openapi::{err, error_responses, id, merge, ok, slug_list};
use super::vacancies::trimmed_text;
use crate::app::profiles::{self, ListQuery, ProfileActor};
use crate::domain::access_purpose::{
    Purpose, PurposeKind, Recorded, DETAIL_MAX_CHARS, DETAIL_MIN_CHARS,
};
use crate::domain::offence::OffenceCategory;
use crate::domain::profile::{
    Gender, ProfileDetails, ProfileInput, Readiness, RestrictedInput, SkillSource, TodoKind,
    LANGUAGE_MAX_CHARS, MAX_PREFERRED_HOURS, PROFILE_FIELDS, RESTRICTED_FIELDS,
};
use crate::domain::skills::Taxonomy;
use crate::domain::FieldErrors;
use crate::web::auth::{Actor, Casework, ProfileClient, ProfileReader, ProfileWriter};
use crate::web::errors::ApiError;
use crate::web::extract::On;
use crate::web::AppState;

/// Most people on one page of the list.
pub const PER_PAGE_MAX: u32 = 200;
/// The furthest ahead `released_within_weeks` reaches (ten years).
pub const WEEKS_MAX: u32 = 520;
/// Longest search text.
pub const SEARCH_MAX_CHARS: usize = 100;
/// Fields of a profile's answer a client may send back unchanged; they are
/// ignored.
const READ_ONLY: [&str; 3] = ["id", "pseudonym", "officer_id"];

/// The caller as the use cases take it.
fn actor(client: &ProfileClient) -> ProfileActor {
    ProfileActor {
        actor: client.ctx.audit_actor(),
        service_id: client.service_id,
        officer_id: client.officer_id,
    }
}

#[derive(Deserialize)]
pub struct ListParams {
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    per_page: Option<u32>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    released_within_weeks: Option<u32>,
}

/// The list's query, or what is wrong with it.
fn list_query(params: ListParams) -> Result<ListQuery, ApiError> {
    let page = params.page.unwrap_or(1);
    let per_page = params.per_page.unwrap_or(50);
    let mut errors = FieldErrors::new();
    super::check_paging(&mut errors, page, ("per_page", per_page), PER_PAGE_MAX);
    if params.released_within_weeks.is_some_and(|w| w > WEEKS_MAX) {
        errors.add(
            "released_within_weeks",
            format!("Use 0 to {WEEKS_MAX} weeks"),
        );
    }
    let search = params
        .q
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty());
    if search
        .as_ref()
        .is_some_and(|q| q.chars().count() > SEARCH_MAX_CHARS)
    {
        errors.add(
            "q",
            format!("Search with {SEARCH_MAX_CHARS} characters or fewer"),
        );
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    Ok(ListQuery {
        search,
        released_within_weeks: params.released_within_weeks,
        page: i64::from(page),
        per_page: i64::from(per_page),
    })
}

/// The service's people, soonest release first, paged, with the total.
pub async fn list(
    state: web::Data<AppState>,
    reader: ProfileReader,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let query = list_query(params.into_inner())?;
    let (page, per_page) = (query.page, query.per_page);
    let found = profiles::list(&state, actor(&reader.0), query).await?;
    let items: Vec<Value> = found
        .rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "reference": r.reference, "given_name": r.given_name,
                "family_name": r.family_name, "release_date": r.release_date,
                "readiness": r.readiness, "officer_id": r.officer_id,
            })
        })
        .collect();
    let pages = (found.total + per_page - 1) / per_page;
    Ok(HttpResponse::Ok().json(json!({
        "items": items, "page": page, "per_page": per_page, "total": found.total, "pages": pages,
    })))
}

/// A body's profile fields (without the restricted sections), or what is
/// wrong with its fields: a restricted section belongs to its own address,
/// and a field the profile does not have is refused.
fn general_input(body: Map<String, Value>) -> Result<ProfileInput, ApiError> {
    let mut errors = FieldErrors::new();
    let mut kept = Map::new();
    for (key, value) in body {
        if RESTRICTED_FIELDS.contains(&key.as_str()) {
            errors.add(
                key,
                "Send the offence, licence and barred sections to /api/v1/profiles/{id}/restricted",
            );
        } else if PROFILE_FIELDS.contains(&key.as_str()) {
            kept.insert(key, value);
        } else if !READ_ONLY.contains(&key.as_str()) {
            errors.add(key, "A profile has no field of this name");
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    serde_json::from_value(Value::Object(kept))
        .map_err(|e| ApiError::BadRequest(format!("The JSON body could not be read: {e}")))
}

/// The fields of a value that serializes as a JSON object.
fn object_of(value: impl serde::Serialize) -> Result<Map<String, Value>, ApiError> {
    match serde_json::to_value(value) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(ApiError::Internal("expected a JSON object".into())),
    }
}

/// A write's answer: the profile's id and whether it was created.
fn saved(id: i64, created: bool) -> HttpResponse {
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    HttpResponse::build(status)
        .insert_header((header::LOCATION, format!("/api/v1/profiles/{id}")))
        .json(json!({ "id": id, "created": created }))
}

/// Creates a person of the caller's service (on the officer's caseload),
/// matched at once. The restricted sections start empty.
pub async fn create(
    state: web::Data<AppState>,
    writer: ProfileWriter,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let input = general_input(body.into_inner())?;
    let details = ProfileDetails::parse(&input, &state.taxonomy).map_err(ApiError::Invalid)?;
    let id = profiles::create(&state, actor(&writer.0), details).await?;
    Ok(saved(id, true))
}

/// A person of the caller's service, without the restricted sections.
pub async fn get(on: On<ProfileReader>) -> Result<HttpResponse, ApiError> {
    let profile = profiles::get(&on.state, actor(&on.actor.0), on.id).await?;
    let mut body = object_of(profile.details.to_input())?;
    body.retain(|key, _| !RESTRICTED_FIELDS.contains(&key.as_str()));
    body.insert("id".into(), json!(profile.id));
    body.insert("pseudonym".into(), json!(profile.pseudonym));
    body.insert("officer_id".into(), json!(profile.officer_id));
    Ok(HttpResponse::Ok().json(body))
}

/// Replaces every field of a person of the caller's service but the
/// restricted sections, which stay as they are.
pub async fn update(
    on: On<ProfileWriter>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let input = general_input(body.into_inner())?;
    profiles::replace(&on.state, actor(&on.actor.0), on.id, input).await?;
    Ok(saved(on.id, false))
}

/// Creates (201) or replaces (200) the person of the caller's service with
/// this prison number, so that a sync can run twice without duplicates.
/// The body's `reference`, when given, must be the same prison number.
pub async fn upsert_by_reference(
    state: web::Data<AppState>,
    writer: ProfileWriter,
    path: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let reference = path.into_inner();
    let mut input = general_input(body.into_inner())?;
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    if !input.reference.trim().is_empty() && !same(&input.reference, &reference) {
        return Err(ApiError::Invalid(FieldErrors::single(
            "reference",
            "Leave the prison number out of the body, or give the one in the address",
        )));
    }
    input.reference = reference;
    let (id, created) = profiles::upsert_by_reference(&state, actor(&writer.0), input).await?;
    Ok(saved(id, created))
}

/// Why the caller reads or writes the restricted sections (query string).
#[derive(Deserialize)]
pub struct PurposeParams {
    #[serde(default)]
    purpose: Option<String>,
    #[serde(default)]
    purpose_detail: Option<String>,
}

/// The purpose the audit row records: the one given, else `api` for an
/// officer and `integration` (with the token's label) for a token.
fn recorded_purpose(client: &ProfileClient, params: &PurposeParams) -> Result<Recorded, ApiError> {
    match (&params.purpose, &params.purpose_detail) {
        (None, None) => Ok(match &client.ctx.actor {
            Some(Actor::Integration(token)) => Recorded::Integration(token.label.clone()),
            _ => Recorded::Api,
        }),
        (kind, detail) => {
            let (kind, detail) = (
                kind.as_deref().unwrap_or(""),
                detail.as_deref().unwrap_or(""),
            );
            Purpose::parse(kind, detail)
                .map(Recorded::Given)
                .map_err(ApiError::Invalid)
        }
    }
}

/// The offence, licence and barred sections of a person of the caller's
/// service. Audited as restricted, with the purpose.
pub async fn get_restricted(
    on: On<ProfileReader>,
    params: web::Query<PurposeParams>,
) -> Result<HttpResponse, ApiError> {
    let purpose = recorded_purpose(&on.actor.0, &params)?;
    let what = "api: offence, licence and barred sections";
    let reader = actor(&on.actor.0);
    let profile = profiles::view_restricted(&on.state, reader, on.id, what, &purpose).await?;
    let restricted = RestrictedInput::of(&profile.details.to_input());
    let mut body = object_of(restricted)?;
    body.insert("id".into(), json!(on.id));
    Ok(HttpResponse::Ok().json(body))
}

/// Replaces the offence, licence and barred sections (every one of them:
/// a section left out is emptied). Audited as restricted.
pub async fn update_restricted(
    on: On<ProfileWriter>,
    params: web::Query<PurposeParams>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let purpose = recorded_purpose(&on.actor.0, &params)?;
    let body = body.into_inner();
    let errors = end_date_errors(&body);
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let sections: RestrictedInput = serde_json::from_value(Value::Object(body))
        .map_err(|e| ApiError::BadRequest(format!("The JSON body could not be read: {e}")))?;
    let (state, writer) = (&on.state, actor(&on.actor.0));
    profiles::replace_restricted(state, writer, on.id, sections, purpose).await?;
    Ok(saved(on.id, false))
}

/// The end dates of a restricted body that are not real dates
/// (`YYYY-MM-DD`), by field: a field error, where reading the body would
/// only say it could not be read.
fn end_date_errors(body: &Map<String, Value>) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let mut check = |field: String, value: Option<&Value>| {
        let real = match value {
            None | Some(Value::Null) => true,
            Some(Value::String(text)) => text.parse::<chrono::NaiveDate>().is_ok(),
            Some(_) => false,
        };
        if !real {
            errors.add(field, "Enter a real date, like 2027-03-14, or null");
        }
    };
    for field in ["licence_ends_on", "no_driving_until"] {
        check(field.to_string(), body.get(field));
    }
    for list in ["curfews", "exclusion_zones"] {
        let items = body.get(list).and_then(Value::as_array);
        for (i, item) in items.into_iter().flatten().enumerate() {
            check(format!("{list}[{i}].ends_on"), item.get("ends_on"));
        }
    }
    errors
}

// ------------------------------------------------------------ OpenAPI

/// A `$ref` to a schema of the document's components.
fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// An operation's answers with those of every signed-in route.
fn answers(own: Value) -> Value {
    merge(own, &error_responses())
}

/// The profile routes of the OpenAPI document (merged into it by
/// `api::openapi_document`).
pub fn openapi_paths() -> Value {
    let body = |name: &str| json!({ "required": true, "content": { "application/json": { "schema": schema_ref(name) } } });
    let saved = ok("The profile's id", "ProfileSaved");
    let bad_body = err("The body is not JSON of this shape");
    let not_found = err("No such profile in your service");
    let invalid = err("Some fields need correcting: `fields` maps each field (such as `skills[0].slug`) to its messages. Besides the schema's constraints the body keeps the editor's rules between fields: `release_area` unless `no_fixed_abode`; both or neither of the preferred hours, the fewest no more than the most; a job's `to_year` not before its `from_year`; a prison number not already another person's in your service. The restricted sections are refused here: send them to /restricted");
    let id_param = id("id", "Profile id");
    let list_params = json!([
        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": super::PAGE_MAX, "default": 1 } },
        { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": 50 } },
        { "name": "q", "in": "query", "description": "A name (either order, small typos forgiven) or prison number", "schema": { "type": "string", "maxLength": SEARCH_MAX_CHARS } },
        { "name": "released_within_weeks", "in": "query", "description": "Only people released from today to this many weeks ahead", "schema": { "type": "integer", "minimum": 0, "maximum": WEEKS_MAX } }
    ]);
    let reference = json!({ "name": "reference", "in": "path", "required": true, "description": "Prison number (trimmed and upper-cased, as the editor stores it)", "schema": { "type": "string", "minLength": 1, "maxLength": 20, "pattern": "^[A-Za-z0-9]+$" } });
    json!({
        "/api/v1/profiles": {
            "get": {
                "summary": "The people of your service, soonest release first, paged with the total (officers and integration tokens). Audited",
                "parameters": list_params,
                "responses": answers(json!({ "200": ok("One page and the total", "ProfileList"), "400": err("A query parameter is not a number"), "422": err("Bad page, per_page, q or released_within_weeks") }))
            },
            "post": {
                "summary": "Create a person of your service (officers and profiles:write tokens); an officer's joins their caseload",
                "requestBody": body("ProfileBody"),
                "responses": answers(json!({ "201": saved.clone(), "400": bad_body.clone(), "422": invalid.clone() }))
            }
        },
        "/api/v1/profiles/by-reference/{reference}": {
            "put": {
                "summary": "Create (201) or replace (200) the person of your service with this prison number; a replace keeps the restricted sections. Safe to repeat",
                "parameters": [reference],
                "requestBody": body("ProfileBody"),
                "responses": answers(json!({ "200": saved.clone(), "201": saved.clone(), "400": bad_body.clone(), "409": err("Another call changed this person at the same moment; try again"), "422": invalid.clone() }))
            }
        },
        "/api/v1/profiles/{id}": {
            "get": {
                "summary": "A person of your service, without the restricted sections. Audited",
                "parameters": [id_param.clone()],
                "responses": answers(json!({ "200": ok("The profile", "Profile"), "404": not_found.clone() }))
            },
            "put": {
                "summary": "Replace every field but the restricted sections, which stay as they are",
                "parameters": [id_param.clone()],
                "requestBody": body("ProfileBody"),
                "responses": answers(json!({ "200": saved.clone(), "400": bad_body.clone(), "404": not_found.clone(), "422": invalid }))
            }
        },
        "/api/v1/profiles/{id}/restricted": {
            "get": {
                "summary": "The offence, licence and barred sections. Every read is audited, with its purpose",
                "parameters": purpose_params(&id_param),
                "responses": answers(json!({ "200": ok("The restricted sections", "Restricted"), "404": not_found.clone(), "422": err("Bad purpose or purpose_detail: `fields` says which") }))
            },
            "put": {
                "summary": "Replace the offence, licence and barred sections (a section left out is emptied). Audited, with the read it rests on and its purpose",
                "parameters": purpose_params(&id_param),
                "requestBody": body("RestrictedBody"),
                "responses": answers(json!({ "200": saved, "400": bad_body, "404": not_found, "422": err("Some fields need correcting: `fields` maps each field (such as `curfews[0].start`) to its messages") }))
            }
        }
    })
}

/// The path's id and the optional purpose of a restricted read or write.
fn purpose_params(id_param: &Value) -> Value {
    let kinds =
        json!({ "type": "string", "enum": slug_list(PurposeKind::ALL.iter().map(|k| k.as_str())) });
    json!([
        id_param,
        { "name": "purpose", "in": "query", "description": "Why you read or change this (recorded in the audit log). Without it the log records `api` for an officer and `integration` with the token's label for an integration token", "schema": kinds },
        { "name": "purpose_detail", "in": "query", "description": "Why, when `purpose` is `other`: 3 to 200 characters (trimmed); ignored for the other purposes", "schema": { "type": "string", "minLength": DETAIL_MIN_CHARS, "maxLength": DETAIL_MAX_CHARS } }
    ])
}

/// The restricted sections' properties, as sent and as answered.
fn restricted_properties() -> Value {
    let days = json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
    let time = json!({ "type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "19:00" });
    let ends_on = json!({ "type": "string", "format": "date", "nullable": true, "description": "The last day the condition applies (it applies on this day and never after the licence ends); absent or null when it lasts as long as the licence. Not after `licence_ends_on`" });
    let categories = slug_list(OffenceCategory::ALL.iter().map(|c| c.as_str()));
    json!({
        "licence_ends_on": { "type": "string", "format": "date", "nullable": true, "description": "The last day of the licence period: no condition applies after it" },
        "curfews": { "type": "array", "maxItems": 14, "items": { "type": "object", "required": ["days", "start", "end"], "additionalProperties": false, "properties": {
            "days": { "type": "array", "minItems": 1, "uniqueItems": true, "items": { "type": "string", "enum": days } },
            "start": time, "end": time, "ends_on": ends_on.clone() } } },
        "exclusion_zones": { "type": "array", "maxItems": 20, "items": { "type": "object", "required": ["name", "lat", "lon", "radius_km"], "additionalProperties": false, "properties": {
            "name": trimmed_text(1, 120),
            "lat": { "type": "number", "minimum": -90, "maximum": 90 },
            "lon": { "type": "number", "minimum": -180, "maximum": 180 },
            "radius_km": { "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 500 },
            "ends_on": ends_on.clone() } } },
        "no_driving": { "type": "boolean" },
        "no_driving_until": ends_on,
        "other_conditions": { "type": "string", "maxLength": 1000 },
        "offence_categories": { "type": "array", "uniqueItems": true, "items": { "type": "string", "enum": categories } },
        "barred_children": { "type": "boolean" },
        "barred_adults": { "type": "boolean" }
    })
}

/// A profile's fields besides the restricted sections, with every
/// constraint of the parser that one field can carry.
fn general_properties(taxonomy: &Taxonomy) -> Value {
    let sectors = slug_list(taxonomy.sectors().iter().map(|s| s.slug()));
    let mut sector_or_blank = sectors.as_array().cloned().unwrap_or_default();
    sector_or_blank.push(json!(""));
    let entries = slug_list(taxonomy.entries().iter().map(|e| e.slug()));
    let certificates = slug_list(taxonomy.certificates().map(|e| e.slug()));
    let mut genders = slug_list(Gender::ALL.iter().map(|g| g.as_str()));
    if let Some(list) = genders.as_array_mut() {
        list.push(json!(""));
    }
    let date = json!({ "type": "string", "format": "date" });
    let nullable_date = json!({ "type": "string", "format": "date", "nullable": true });
    let hours = json!({ "type": "number", "minimum": 1, "maximum": MAX_PREFERRED_HOURS, "nullable": true, "description": "Give both ends of the preferred hours or neither" });
    json!({
        "given_name": trimmed_text(1, 80),
        "family_name": trimmed_text(1, 80),
        "reference": trimmed_text(1, 20),
        "release_date": date,
        "no_fixed_abode": { "type": "boolean", "description": "No fixed abode on release; `release_area` is then ignored" },
        "release_area": { "type": "object", "nullable": true, "required": ["name", "lat", "lon"], "properties": {
            "name": trimmed_text(1, 120),
            "lat": { "type": "number", "minimum": -90, "maximum": 90 },
            "lon": { "type": "number", "minimum": -180, "maximum": 180 } } },
        "travel_radius_km": { "type": "number", "minimum": 0, "maximum": 200 },
        "skills": { "type": "array", "maxItems": 50, "items": { "type": "object", "required": ["slug", "source"], "properties": {
            "slug": { "type": "string", "enum": entries },
            "source": { "type": "string", "enum": slug_list(SkillSource::ALL.iter().map(|s| s.as_str())) } } } },
        "certificates": { "type": "array", "maxItems": 30, "items": { "type": "object", "required": ["slug"], "properties": {
            "slug": { "type": "string", "enum": certificates }, "expires_on": nullable_date.clone(),
            "expected_on": { "type": "string", "format": "date", "nullable": true, "description": "For a certificate still being gained (a course in progress): the day it is expected. It counts in matching only from that day; it must be before `expires_on`" } } } },
        "work_history": { "type": "array", "maxItems": 20, "items": { "type": "object", "required": ["role", "from_year"], "properties": {
            "role": trimmed_text(1, 120), "employer_name": { "type": "string", "maxLength": 120 },
            "sector": { "type": "string", "enum": sector_or_blank },
            "from_year": { "type": "integer", "minimum": 1950, "maximum": 2100 },
            "to_year": { "type": "integer", "nullable": true, "minimum": 1950, "maximum": 2100 } } } },
        "sectors_of_interest": { "type": "array", "uniqueItems": true, "items": { "type": "string", "enum": sectors } },
        "preferred_hours_min": hours.clone(),
        "preferred_hours_max": hours,
        "right_to_work": { "type": "boolean" },
        "driving_licence": { "type": "boolean" },
        "rotl_eligible_from": nullable_date,
        "rotl_travel_km": { "type": "number", "nullable": true, "minimum": 0, "maximum": 200, "description": "How far from the prison (the profile's service) the person may travel on day release, in km. Absent or null: the travel radius applies, measured from the prison" },
        "readiness": { "type": "string", "enum": slug_list(Readiness::ALL.iter().map(|r| r.as_str())) },
        "todos": { "type": "array", "maxItems": 30, "items": { "type": "object", "required": ["kind"], "properties": {
            "kind": { "type": "string", "enum": slug_list(TodoKind::ALL.iter().map(|k| k.as_str())) },
            "note": { "type": "string", "maxLength": 500 }, "done": { "type": "boolean" } } } },
        "consent_to_share_name": { "type": "boolean" },
        "gender": { "type": "string", "enum": genders, "description": "Blank when not given" },
        "languages": { "type": "array", "maxItems": 10, "items": { "type": "string", "maxLength": LANGUAGE_MAX_CHARS } }
    })
}

/// The profile API's bodies and answers, for the document's components.
pub fn openapi_schemas(taxonomy: &Taxonomy) -> Value {
    let integer = json!({ "type": "integer" });
    let general = general_properties(taxonomy);
    let mut profile = general.as_object().cloned().unwrap_or_default();
    profile.insert("id".into(), integer.clone());
    profile.insert("pseudonym".into(), json!({ "type": "string" }));
    profile.insert(
        "officer_id".into(),
        json!({ "type": "integer", "nullable": true }),
    );
    let mut required: Vec<&str> = PROFILE_FIELDS
        .iter()
        .copied()
        .filter(|f| !RESTRICTED_FIELDS.contains(f))
        .collect();
    required.extend(READ_ONLY);
    let mut restricted = restricted_properties()
        .as_object()
        .cloned()
        .unwrap_or_default();
    restricted.insert("id".into(), integer.clone());
    let mut restricted_required: Vec<&str> = RESTRICTED_FIELDS.to_vec();
    restricted_required.push("id");
    let row = json!({ "type": "object", "required": ["id", "reference", "given_name", "family_name", "release_date", "readiness", "officer_id"], "properties": {
        "id": integer, "reference": { "type": "string" }, "given_name": { "type": "string" }, "family_name": { "type": "string" },
        "release_date": { "type": "string", "format": "date" }, "readiness": { "type": "string" },
        "officer_id": { "type": "integer", "nullable": true } } });
    json!({
        "ProfileBody": {
            "type": "object",
            "description": "A person's profile without the offence, licence and barred sections (those go to /restricted; a field not listed here is refused). `id`, `pseudonym` and `officer_id` from an answer may be sent back and are ignored.",
            "required": ["given_name", "family_name", "reference", "release_date", "readiness"],
            "anyOf": [
                { "required": ["no_fixed_abode"], "properties": { "no_fixed_abode": { "type": "boolean", "enum": [true] } } },
                { "required": ["release_area"], "properties": { "release_area": { "type": "object" } } }
            ],
            "additionalProperties": false,
            "properties": general
        },
        "Profile": { "type": "object", "required": required, "properties": profile },
        "RestrictedBody": { "type": "object", "additionalProperties": false, "properties": restricted_properties() },
        "Restricted": { "type": "object", "required": restricted_required, "properties": restricted },
        "ProfileSaved": { "type": "object", "required": ["id", "created"], "properties": { "id": { "type": "integer" }, "created": { "type": "boolean" } } },
        "ProfileList": {
            "type": "object",
            "required": ["items", "page", "per_page", "total", "pages"],
            "properties": { "items": { "type": "array", "items": row }, "page": { "type": "integer" }, "per_page": { "type": "integer" }, "total": { "type": "integer" }, "pages": { "type": "integer" } }
        }
    })
}

/// Everything held about a person, for a subject access request: an
/// officer for their service, an administrator for anyone (audited;
/// integration tokens may not).
pub async fn export(on: On<Casework>) -> Result<HttpResponse, ApiError> {
    let who = crate::web::officer::profiles::export::exporter(&on.actor);
    let held = profiles::export(&on.state, who, on.id).await?;
    Ok(
        HttpResponse::Ok().json(crate::web::officer::profiles::export::document(
            on.id, &held,
        )),
    )
}
