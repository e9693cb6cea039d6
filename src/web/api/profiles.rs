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

use crate::app::profiles::{self, ListQuery, ProfileActor};
use crate::domain::profile::{
    ProfileDetails, ProfileInput, RestrictedInput, PROFILE_FIELDS, RESTRICTED_FIELDS,
};
use crate::domain::FieldErrors;
use crate::web::auth::{ProfileClient, ProfileReader, ProfileWriter};
use crate::web::errors::ApiError;
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
    let search = params.q.map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
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
pub async fn get(
    state: web::Data<AppState>,
    reader: ProfileReader,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let profile = profiles::get(&state, actor(&reader.0), path.into_inner()).await?;
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
    state: web::Data<AppState>,
    writer: ProfileWriter,
    path: web::Path<i64>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let input = general_input(body.into_inner())?;
    profiles::replace(&state, actor(&writer.0), id, input).await?;
    Ok(saved(id, false))
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

/// The offence, licence and barred sections of a person of the caller's
/// service. Audited as restricted.
pub async fn get_restricted(
    state: web::Data<AppState>,
    reader: ProfileReader,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let what = "api: offence, licence and barred sections";
    let profile = profiles::view_restricted(&state, actor(&reader.0), id, what).await?;
    let restricted = RestrictedInput::of(&profile.details.to_input());
    let mut body = object_of(restricted)?;
    body.insert("id".into(), json!(id));
    Ok(HttpResponse::Ok().json(body))
}

/// Replaces the offence, licence and barred sections (every one of them:
/// a section left out is emptied). Audited as restricted.
pub async fn update_restricted(
    state: web::Data<AppState>,
    writer: ProfileWriter,
    path: web::Path<i64>,
    body: web::Json<RestrictedInput>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    profiles::replace_restricted(&state, actor(&writer.0), id, body.into_inner()).await?;
    Ok(saved(id, false))
}
