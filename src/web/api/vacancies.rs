//! JSON API for an employer's vacancies: list, read, create, replace and
//! the lifecycle moves, for API tokens and for sessions (with
//! `X-CSRF-Token`). Bodies are checked by the same `VacancyDetails::parse`
//! as the editor's form; another organisation's vacancy is 404.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::app::employers::Member;
use crate::app::{self, vacancies, Failure};
use crate::domain::offence::{ExclusionStance, OffenceCategory};
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::{
    CheckLevel, ContractType, ConvictionsAsked, PayPeriod, TrialTiming, VacancyDetails,
    VacancyInput, VacancyKind, VacancyStatus, DOCUMENT_MAX_CHARS, MAX_PAY_PENCE, TRAVEL_MAX_CHARS,
};
use crate::domain::wording::{Warning, WordingList};
use crate::domain::FieldErrors;
use crate::store::Conn;
use crate::web::auth::EmployerMember;
use crate::web::employer::member_of;
use crate::web::employer::today;
use crate::web::employer::vacancy_form::resolve_place;
use crate::web::errors::ApiError;
use crate::web::AppState;

#[derive(Serialize)]
pub struct VacancyJson {
    pub id: i64,
    pub status: &'static str,
    #[serde(flatten)]
    pub details: VacancyInput,
    /// The fair-chance wording check (warnings, never refusals).
    pub warnings: Vec<Warning>,
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
    super::check_paging(&mut errors, page, ("per_page", per_page), 200);
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let by = member_of(&member);
    let offset = (i64::from(page) - 1) * i64::from(per_page);
    let (rows, total) = app::run(&state.store, move |conn| {
        vacancies::list(conn, &by, i64::from(per_page), offset)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .json(json!({ "items": rows, "page": page, "per_page": per_page, "total": total })))
}

/// The vacancy as it is stored now, with `status`.
async fn answer(
    state: &AppState,
    by: Member,
    id: i64,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let taxonomy = state.taxonomy.clone();
    let vacancy = app::run(&state.store, move |conn| {
        vacancies::get(conn, &by, id, &taxonomy)
    })
    .await?;
    let details = vacancy.details.to_input();
    Ok(HttpResponse::build(status).json(VacancyJson {
        id: vacancy.id,
        status: vacancy.status.as_str(),
        warnings: WordingList::embedded().check(&details),
        details,
    }))
}

pub async fn get(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    answer(
        &state,
        member_of(&member),
        path.into_inner(),
        StatusCode::OK,
    )
    .await
}

/// Creates a draft; publish it with `POST /api/v1/vacancies/{id}/publish`.
pub async fn create(
    state: web::Data<AppState>,
    member: EmployerMember,
    body: web::Json<VacancyBody>,
) -> Result<HttpResponse, ApiError> {
    let details = parse_body(body.into_inner(), &state, None).map_err(ApiError::Invalid)?;
    let by = member_of(&member);
    let id = {
        let by = by.clone();
        app::run(&state.store, move |conn| {
            vacancies::create(conn, &by, &details)
        })
        .await?
    };
    answer(&state, by, id, StatusCode::CREATED).await
}

/// Replaces every field of a vacancy that is not final.
pub async fn update(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    body: web::Json<VacancyBody>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let by = member_of(&member);
    // Out of scope is 404 before the body is judged.
    let taxonomy = state.taxonomy.clone();
    let current = {
        let by = by.clone();
        app::run(&state.store, move |conn| {
            vacancies::get(conn, &by, id, &taxonomy)
        })
        .await?
    };
    let kept_start = current.details.start().date();
    let details = parse_body(body.into_inner(), &state, kept_start).map_err(ApiError::Invalid)?;
    {
        let by = by.clone();
        app::run(&state.store, move |conn| {
            vacancies::update(conn, &by, id, &details)
        })
        .await?;
    }
    answer(&state, by, id, StatusCode::OK).await
}

/// A lifecycle move (`vacancies::publish`, `pause`, `close`), answered with
/// the vacancy as it now is.
async fn move_to(
    state: web::Data<AppState>,
    member: EmployerMember,
    id: i64,
    change: fn(&mut Conn, &Member, i64) -> Result<(), Failure>,
) -> Result<HttpResponse, ApiError> {
    let by = member_of(&member);
    {
        let by = by.clone();
        app::run(&state.store, move |conn| change(conn, &by, id)).await?;
    }
    answer(&state, by, id, StatusCode::OK).await
}

/// A lifecycle move's handler: the use case in `app::vacancies` it calls.
macro_rules! lifecycle {
    ($(#[$doc:meta])* $name:ident => $use_case:path) => {
        $(#[$doc])*
        pub async fn $name(
            state: web::Data<AppState>,
            member: EmployerMember,
            path: web::Path<i64>,
        ) -> Result<HttpResponse, ApiError> {
            move_to(state, member, path.into_inner(), $use_case).await
        }
    };
}

lifecycle!(
    /// Publishes a draft, or opens a paused vacancy's applications again.
    publish => vacancies::publish
);
lifecycle!(pause => vacancies::pause);
lifecycle!(close => vacancies::close);

/// The vacancy routes of the OpenAPI document (merged into it by
/// `api::openapi_document`), with the request body inline; the answer's
/// schema is in `openapi_schemas`.
pub fn openapi_paths(taxonomy: &Taxonomy) -> Value {
    let error = json!({ "$ref": "#/components/schemas/Error" });
    let vacancy = json!({ "$ref": "#/components/schemas/Vacancy" });
    let input = input_schema(taxonomy);
    let auth = with_auth;
    let id_param = json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } });
    let not_found = json!({ "description": "No such vacancy in your organisation", "content": { "application/json": { "schema": error } } });
    let invalid = json!({ "description": "Some fields need correcting: `fields` maps each field (such as `shifts[0].start` or `place`) to its messages. Besides the schema's constraints the body must keep the rules between fields: `pay_min` no more than `pay_max`; a desirable skill is not also required; each offence category once; regulated activity needs `check_level` `enhanced_barred`; `convictions_asked` is `never` only when `check_level` is `none`; a shift does not start and end at the same minute; `start_date` given exactly when `start` is `date` (or absent); a closing date is today or later and no more than 2 years after the start date; `place`, when used instead of `workplace`, names one known town or postcode", "content": { "application/json": { "schema": error } } });
    let bad_body = json!({ "description": "The body is not JSON of this shape", "content": { "application/json": { "schema": error } } });
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
            "get": list_operation(&bad_body),
            "post": {
                "summary": "Create a vacancy as a draft (employers)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": input.clone() } } },
                "responses": auth(json!({
                    "201": { "description": "Created", "content": { "application/json": { "schema": vacancy } } },
                    "400": bad_body.clone(),
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
                    "400": bad_body,
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

/// The answers an operation gives besides its own when the caller is not a
/// signed-in employer.
fn with_auth(mut responses: Value) -> Value {
    let error = json!({ "$ref": "#/components/schemas/Error" });
    if let Some(r) = responses.as_object_mut() {
        r.insert("401".into(), json!({ "description": "Not signed in", "content": { "application/json": { "schema": error } } }));
        r.insert("403".into(), json!({ "description": "Not an employer, or the CSRF token is missing", "content": { "application/json": { "schema": error } } }));
    }
    responses
}

/// `GET /api/v1/vacancies`: a page of the organisation's vacancies.
fn list_operation(bad_body: &Value) -> Value {
    let error = json!({ "$ref": "#/components/schemas/Error" });
    json!({
        "summary": "Your organisation's vacancies, newest change first (employers)",
        "parameters": [
            { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1 } },
            { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200, "default": 50 } }
        ],
        "responses": with_auth(json!({
            "200": { "description": "A page of vacancies and the total", "content": { "application/json": { "schema": {
                "type": "object",
                "required": ["items", "page", "per_page", "total"],
                "properties": {
                    "items": { "type": "array", "items": { "type": "object",
                        "required": ["id", "title", "status", "place_name", "closing_date", "updated_at"],
                        "properties": {
                        "id": { "type": "integer" }, "title": { "type": "string" },
                        "status": { "type": "string", "enum": slugs(VacancyStatus::ALL.iter().map(|s| s.as_str())) },
                        "place_name": { "type": "string", "nullable": true }, "closing_date": { "type": "string", "format": "date", "nullable": true },
                        "updated_at": { "type": "string", "description": "UTC, without offset" } } } },
                    "page": { "type": "integer" }, "per_page": { "type": "integer" }, "total": { "type": "integer" }
                }
            } } } },
            "400": bad_body,
            "422": { "description": "Bad paging values", "content": { "application/json": { "schema": error } } }
        }))
    })
}

fn slugs<'a>(values: impl Iterator<Item = &'a str>) -> Value {
    Value::Array(values.map(|v| Value::String(v.to_string())).collect())
}

/// Text the parser trims and then measures: the schema's pattern asks for
/// `min` characters from the first non-space to the last, so a string it
/// allows is never too short once trimmed.
pub(crate) fn trimmed_text(min: usize, max: usize) -> Value {
    let pattern = match min {
        0 => String::new(),
        1 => "\\S".to_string(),
        2 => "\\S\\S".to_string(),
        n => format!("\\S[\\s\\S]{{{},}}\\S", n - 2),
    };
    let mut schema = json!({ "type": "string", "maxLength": max });
    if min > 0 {
        schema["minLength"] = json!(min);
        schema["pattern"] = json!(pattern);
    }
    schema
}

/// A vacancy as a client sends it, with every constraint of the parser
/// that one field can carry.
fn input_schema(taxonomy: &Taxonomy) -> Value {
    let sectors = slugs(taxonomy.sectors().iter().map(|s| s.slug()));
    let entries = slugs(taxonomy.entries().iter().map(|e| e.slug()));
    let certificates = slugs(taxonomy.certificates().map(|e| e.slug()));
    let days = json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
    let time = json!({ "type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "09:00" });
    let contracts = slugs(ContractType::ALL.iter().map(|c| c.as_str()));
    let periods = slugs(PayPeriod::ALL.iter().map(|c| c.as_str()));
    let checks = slugs(CheckLevel::ALL.iter().map(|c| c.as_str()));
    let categories = slugs(OffenceCategory::ALL.iter().map(|c| c.as_str()));
    let stances = slugs(ExclusionStance::ALL.iter().map(|c| c.as_str()));
    let kinds = slugs(VacancyKind::ALL.iter().map(|k| k.as_str()));
    let timings = slugs(TrialTiming::ALL.iter().map(|t| t.as_str()));
    let pay = |what: &str| {
        json!({ "type": "number", "minimum": 0.01, "maximum": MAX_PAY_PENCE / 100,
                "description": format!("{what} pay in pounds (rounded to the penny), from 0.01 to 1,000,000") })
    };
    let skill_list = |max: usize, allowed: &Value, what: &str| {
        json!({ "type": "array", "maxItems": max, "uniqueItems": true, "description": what,
                "items": { "type": "string", "enum": allowed } })
    };
    json!({
        "type": "object",
        "description": "A vacancy: every field of the editor. An on-site job needs `workplace` (or `place` when it is absent); a remote one needs neither.",
        "required": ["title", "description", "sector", "hours_per_week", "contract", "pay_min", "pay_max", "pay_period", "positions", "check_level"],
        "anyOf": [
            { "required": ["remote"], "properties": { "remote": { "type": "boolean", "enum": [true] } } },
            { "required": ["workplace"], "properties": { "workplace": { "type": "object" } } }
        ],
        "properties": {
            "title": trimmed_text(3, 120),
            "description": trimmed_text(20, 5000),
            "sector": { "type": "string", "enum": sectors, "description": "Sector slug from the taxonomy" },
            "remote": { "type": "boolean", "default": false, "description": "Done from home; `workplace` and `place` are then ignored" },
            "place": { "type": "string", "description": "A town or postcode, looked up when the job is on site and `workplace` is absent or null" },
            "workplace": { "type": "object", "nullable": true, "required": ["name", "lat", "lon"], "properties": {
                "name": trimmed_text(1, 120),
                "lat": { "type": "number", "minimum": -90, "maximum": 90 },
                "lon": { "type": "number", "minimum": -180, "maximum": 180 } } },
            "hours_per_week": { "type": "number", "minimum": 1, "maximum": 60 },
            "shifts": { "type": "array", "maxItems": 14, "items": { "type": "object", "required": ["days", "start", "end"], "properties": {
                "days": { "type": "array", "minItems": 1, "items": { "type": "string", "enum": days } },
                "start": time, "end": time } } },
            "contract": { "type": "string", "enum": contracts },
            "pay_min": pay("Lowest"),
            "pay_max": pay("Highest"),
            "pay_period": { "type": "string", "enum": periods },
            "positions": { "type": "integer", "minimum": 1, "maximum": 500 },
            "start": { "type": "string", "enum": ["date", "asap"], "nullable": true, "description": "`date`: work starts on `start_date`. `asap`: as soon as possible (usual with rolling recruitment), with `start_date` absent or null; each person could start on release, or earlier on day release (ROTL) when the role suits it. Absent or null means `date`, so a body that only gives `start_date` still works. Any other value answers 422 with `fields.start`" },
            "start_date": { "type": "string", "format": "date", "nullable": true, "description": "First day of work; needed when `start` is `date` or absent, and must be absent or null when `start` is `asap`" },
            "closing_date": { "type": "string", "format": "date", "nullable": true, "description": "Absent or null for rolling recruitment; today or later" },
            "required_skills": skill_list(20, &entries, "Skill or certificate slugs from the taxonomy"),
            "desirable_skills": skill_list(20, &entries, "Skill or certificate slugs from the taxonomy, none of them also required"),
            "required_certificates": skill_list(10, &certificates, "Certificate slugs from the taxonomy"),
            "needs_driving_licence": { "type": "boolean" },
            "check_level": { "type": "string", "enum": checks },
            "convictions_asked": { "type": "string", "enum": ["never", "at_offer", "at_application"], "nullable": true, "description": "When the person is asked about convictions: `never` (only with `check_level` `none`), `at_offer` (after offering the job) or `at_application`. Absent or null means `never` with no check and `at_offer` with one" },
            "regulated_children": { "type": "boolean" },
            "regulated_adults": { "type": "boolean" },
            "offence_exclusions": { "type": "array", "items": { "type": "object", "required": ["category", "stance", "reason"], "properties": {
                "category": { "type": "string", "enum": categories },
                "stance": { "type": "string", "enum": stances },
                "reason": trimmed_text(10, 500) } } },
            "rotl_suitable": { "type": "boolean" },
            "ring_fenced": { "type": "boolean" },
            "how_to_apply": { "type": "string", "maxLength": 2000 },
            "documents_needed": { "type": "array", "maxItems": 10, "items": { "type": "string", "maxLength": DOCUMENT_MAX_CHARS } },
            "opens_on": { "type": "string", "format": "date", "nullable": true, "description": "The first day applications are taken; absent or null: from publication. On or before `closing_date` and the start date. Until then nobody is matched or offered the vacancy" },
            "kind": { "type": "string", "enum": kinds, "nullable": true, "description": "What is offered: `job`; `guaranteed_interview` (everyone forwarded who meets the essentials is interviewed); `work_trial` (1 to 10 days from `start_date` to `trial_ends_on`, before or after release); `rotl_placement` (work on day release before the release date, on the days of `shifts`, from `start_date`, on site; the prison approves each person). Absent or null means `job`. A trial or placement starts on a set date; a placement, or a trial before release, is always `rotl_suitable` (the value sent is replaced), and a trial after release never is" },
            "trial_ends_on": { "type": "string", "format": "date", "nullable": true, "description": "A work trial's last day, 0 to 9 days after `start_date`; needed for `work_trial`, absent or null otherwise" },
            "trial_paid": { "type": "boolean", "nullable": true, "description": "Whether a work trial's days are paid (at `pay_min`..`pay_max`); needed for `work_trial`, absent or null otherwise" },
            "trial_timing": { "type": "string", "enum": timings, "nullable": true, "description": "`before_release` (on day release: every trial day before the person's release) or `after_release`; needed for `work_trial`, absent or null otherwise" },
            "travel": { "type": "string", "maxLength": TRAVEL_MAX_CHARS, "nullable": true, "description": "How a person on a `rotl_placement` gets there from the prison; absent or null for other kinds" }
        }
    })
}

/// The fair-chance wording check's warnings, in every vacancy answer.
fn warnings_schema() -> Value {
    json!({ "type": "array", "description": "Fair-chance wording check: phrases that put off or shut out people with convictions, and exclusions without a real reason. Warnings, not refusals: the vacancy is saved and can be published", "items": { "type": "object", "required": ["field", "phrase", "message", "suggestion"], "properties": {
        "field": { "type": "string", "description": "The field, such as `description` or `offence_exclusions[0].reason`" },
        "phrase": { "type": "string", "description": "The words found, as written" },
        "message": { "type": "string", "description": "Why it puts people off" },
        "suggestion": { "type": "string", "description": "Fairer wording" } } } })
}

/// A vacancy as the API answers it, for the document's components.
pub fn openapi_schemas() -> Value {
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    let vacancy = json!({
        "type": "object",
        "required": ["id", "status", "title", "description", "sector", "remote", "workplace", "hours_per_week", "shifts", "contract", "pay_min", "pay_max", "pay_period", "positions", "start", "start_date", "closing_date", "required_skills", "desirable_skills", "required_certificates", "needs_driving_licence", "check_level", "convictions_asked", "regulated_children", "regulated_adults", "offence_exclusions", "rotl_suitable", "ring_fenced", "how_to_apply", "documents_needed", "opens_on", "kind", "trial_ends_on", "trial_paid", "trial_timing", "travel", "warnings"],
        "properties": {
            "id": { "type": "integer" },
            "status": { "type": "string", "enum": slugs(VacancyStatus::ALL.iter().map(|s| s.as_str())) },
            "title": { "type": "string" },
            "description": { "type": "string" },
            "sector": { "type": "string" },
            "remote": { "type": "boolean" },
            "workplace": { "type": "object", "nullable": true, "required": ["name", "lat", "lon"], "properties": {
                "name": { "type": "string" }, "lat": { "type": "number" }, "lon": { "type": "number" } } },
            "hours_per_week": { "type": "number" },
            "shifts": { "type": "array", "items": { "type": "object", "required": ["days", "start", "end"], "properties": {
                "days": strings.clone(), "start": { "type": "string" }, "end": { "type": "string" } } } },
            "contract": { "type": "string", "enum": slugs(ContractType::ALL.iter().map(|c| c.as_str())) },
            "pay_min": { "type": "number" },
            "pay_max": { "type": "number" },
            "pay_period": { "type": "string", "enum": slugs(PayPeriod::ALL.iter().map(|c| c.as_str())) },
            "positions": { "type": "integer" },
            "start": { "type": "string", "enum": ["date", "asap"] },
            "start_date": { "type": "string", "format": "date", "nullable": true },
            "closing_date": { "type": "string", "format": "date", "nullable": true },
            "required_skills": strings.clone(),
            "desirable_skills": strings.clone(),
            "required_certificates": strings.clone(),
            "needs_driving_licence": { "type": "boolean" },
            "check_level": { "type": "string", "enum": slugs(CheckLevel::ALL.iter().map(|c| c.as_str())) },
            "convictions_asked": { "type": "string", "enum": slugs(ConvictionsAsked::ALL.iter().map(|c| c.as_str())) },
            "regulated_children": { "type": "boolean" },
            "regulated_adults": { "type": "boolean" },
            "offence_exclusions": { "type": "array", "items": { "type": "object", "required": ["category", "stance", "reason"], "properties": {
                "category": { "type": "string" }, "stance": { "type": "string" }, "reason": { "type": "string" } } } },
            "rotl_suitable": { "type": "boolean" },
            "ring_fenced": { "type": "boolean" },
            "how_to_apply": { "type": "string" },
            "documents_needed": strings,
            "opens_on": { "type": "string", "format": "date", "nullable": true },
            "kind": { "type": "string", "enum": slugs(VacancyKind::ALL.iter().map(|k| k.as_str())) },
            "trial_ends_on": { "type": "string", "format": "date", "nullable": true },
            "trial_paid": { "type": "boolean", "nullable": true },
            "trial_timing": { "type": "string", "enum": slugs(TrialTiming::ALL.iter().map(|t| t.as_str())), "nullable": true },
            "travel": { "type": "string", "nullable": true },
            "warnings": warnings_schema()
        }
    });
    json!({ "Vacancy": vacancy })
}
