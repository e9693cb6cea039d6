//! JSON API for an employer's interview and trial slots and the bookings
//! case officers make in them, for API tokens and for sessions (with
//! `X-CSRF-Token`): the same use cases as the employer's pages
//! (`app::slots`), so the checks, emails and audit rows are the same.
//!
//! Another organisation's vacancy, slot or booking is 404 whatever the body
//! holds: the body is judged only once the row is known to be the
//! caller's. A slot's fields are read as the form's text and checked by the
//! same `SlotDraft::parse`. A booking is shown as the employer's page shows
//! it (the pseudonym of the forwarded application, nothing more), and a
//! move refused for a reason about the person says only that it cannot be
//! done.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::openapi::{err, error_responses, id, merge, ok, slug_list};
use super::vacancies::trimmed_text;
use crate::app::employers::Member;
use crate::app::slots::{self, EmployerBooking};
use crate::app::{self, Failure};
use crate::domain::slot::{
    BookingStatus, PlaceKind, SlotInput, SlotPurpose, CAPACITY_MAX, FIELDS, MINUTES_MAX,
    MINUTES_MIN, NOT_SUITABLE_FOR_EMPLOYER, PLACE_MAX, REASON_MAX,
};
use crate::domain::FieldErrors;
use crate::store::slots::Slot;
use crate::web::auth::EmployerMember;
use crate::web::employer::member_of;
use crate::web::errors::ApiError;
use crate::web::AppState;

/// Most slots or bookings on one page.
pub const PER_PAGE_MAX: u32 = 200;
/// Slots or bookings on a page when `per_page` is not given.
pub const PER_PAGE_DEFAULT: u32 = 50;

#[derive(Deserialize)]
pub struct ListParams {
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    per_page: Option<u32>,
    /// Bookings only: just the live ones (booked or confirmed).
    #[serde(default)]
    live: Option<bool>,
}

/// The page asked for, as (page, per_page, limit, offset), or what is
/// wrong with it.
fn paging(params: &ListParams) -> Result<(u32, u32, i64, i64), ApiError> {
    let page = params.page.unwrap_or(1);
    let per_page = params.per_page.unwrap_or(PER_PAGE_DEFAULT);
    let mut errors = FieldErrors::new();
    super::check_paging(&mut errors, page, ("per_page", per_page), PER_PAGE_MAX);
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let offset = (i64::from(page) - 1) * i64::from(per_page);
    Ok((page, per_page, i64::from(per_page), offset))
}

/// A slot as the API answers it.
fn slot_json(s: &Slot) -> Value {
    json!({
        "id": s.id,
        "vacancy_id": s.vacancy_id,
        "purpose": s.purpose.as_str(),
        "date": s.starts_at.format("%Y-%m-%d").to_string(),
        "time": s.starts_at.format("%H:%M").to_string(),
        "starts_at": s.starts_at,
        "minutes": s.minutes,
        "place_kind": s.place_kind.as_str(),
        "place": s.place,
        "capacity": s.capacity,
        "booked": s.booked,
        "free": s.free(),
        "cancelled_at": s.cancelled_at,
        "cancel_reason": s.cancel_reason,
    })
}

/// A booking as the API answers it: what the employer's page shows.
fn booking_json(b: &EmployerBooking) -> Value {
    json!({
        "id": b.booking.id,
        "status": b.booking.status.as_str(),
        "purpose": b.booking.purpose.as_str(),
        "application_id": b.booking.application_id,
        "pseudonym": b.pseudonym,
        "vacancy_id": b.slot.vacancy_id,
        "vacancy_title": b.vacancy_title,
        "slot": slot_json(&b.slot),
        "cancel_reason": b.booking.cancel_reason,
        "created_at": b.booking.created_at,
        "updated_at": b.booking.updated_at,
    })
}

// ------------------------------------------------------------- bodies

/// The fields of a body (an object; anything else has none).
fn fields(body: &Value) -> Map<String, Value> {
    body.as_object().cloned().unwrap_or_default()
}

/// A field of a body as the form's text: a string as it is, a whole number
/// written out, absent or null as empty. Another kind of value is `Err`.
fn text_of(body: &Map<String, Value>, field: &str) -> Result<String, ()> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(whole), _) => Ok(whole.to_string()),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(format!("{f:.0}")),
            _ => Ok(n.to_string()),
        },
        Some(_) => Err(()),
    }
}

/// A slot body as the form's fields, and the fields sent as a kind of
/// value they do not take (those are read as empty, so the parse refuses
/// them too).
fn slot_input(body: &Value) -> (SlotInput, FieldErrors) {
    let body = fields(body);
    let mut wrong = FieldErrors::new();
    let mut read = |field: &str, numeric: bool| {
        text_of(&body, field).unwrap_or_else(|()| {
            let message = if numeric {
                "Send a whole number"
            } else {
                "Send text"
            };
            wrong.add(field, message);
            String::new()
        })
    };
    let input = SlotInput {
        purpose: read("purpose", false),
        date: read("date", false),
        time: read("time", false),
        minutes: read("minutes", true),
        place_kind: read("place_kind", false),
        place: read("place", false),
        capacity: read("capacity", true),
    };
    (input, wrong)
}

/// The failure as the API answers it; field errors keep the message about
/// a value's kind where there is one, in the form's order.
fn failed(failure: Failure, wrong: FieldErrors) -> ApiError {
    match failure {
        Failure::Invalid(parsed) => {
            let mut errors = wrong.clone();
            for (field, messages) in parsed.iter() {
                if !wrong.has(field) {
                    for m in messages {
                        errors.add(field, m.clone());
                    }
                }
            }
            errors.sort_by_form_order(&FIELDS);
            ApiError::Invalid(errors)
        }
        other => other.into(),
    }
}

/// The `reason` of a cancellation body: text (absent or null is empty,
/// which the check refuses; anything else is named as the wrong kind).
fn reason_of(body: &Value) -> (String, FieldErrors) {
    match fields(body).get("reason") {
        None | Some(Value::Null) => (String::new(), FieldErrors::new()),
        Some(Value::String(reason)) => (reason.clone(), FieldErrors::new()),
        Some(_) => (String::new(), FieldErrors::single("reason", "Send text")),
    }
}

// ------------------------------------------------------------- slots

/// A page of the slots of one of the employer's vacancies, soonest first,
/// with the total.
pub async fn list(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page, limit, offset) = paging(&params)?;
    let (vacancy_id, by) = (path.into_inner(), member_of(&member));
    let (rows, total) = app::run(&state.store, move |c| {
        slots::slots(c, &by, Some(vacancy_id), (limit, offset))
    })
    .await?;
    let items: Vec<Value> = rows.iter().map(slot_json).collect();
    Ok(HttpResponse::Ok()
        .json(json!({ "items": items, "page": page, "per_page": per_page, "total": total })))
}

/// The slot as it is stored now, with `status`.
async fn answer_slot(
    state: &AppState,
    by: Member,
    id: i64,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let slot = app::run(&state.store, move |c| slots::get(c, &by, id)).await?;
    let mut res = HttpResponse::build(status);
    if status == StatusCode::CREATED {
        res.insert_header((header::LOCATION, format!("/api/v1/slots/{id}")));
    }
    Ok(res.json(slot_json(&slot)))
}

/// Adds a slot to one of the employer's vacancies.
pub async fn create(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let vacancy_id = path.into_inner();
    let (input, wrong) = slot_input(&body);
    let by = member_of(&member);
    let id = {
        let by = by.clone();
        app::run(&state.store, move |c| {
            slots::create(c, &by, vacancy_id, &input)
        })
        .await
        .map_err(|f| failed(f, wrong))?
    };
    answer_slot(&state, by, id, StatusCode::CREATED).await
}

/// One of the employer's slots.
pub async fn get(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    answer_slot(
        &state,
        member_of(&member),
        path.into_inner(),
        StatusCode::OK,
    )
    .await
}

/// Replaces a slot's fields (with people booked, only what keeps their
/// bookings may change).
pub async fn update(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let (input, wrong) = slot_input(&body);
    let by = member_of(&member);
    {
        let by = by.clone();
        app::run(&state.store, move |c| slots::update(c, &by, id, &input))
            .await
            .map_err(|f| failed(f, wrong))?;
    }
    answer_slot(&state, by, id, StatusCode::OK).await
}

/// Cancels a slot with a reason; its live bookings are cancelled too and
/// each booking officer is emailed.
pub async fn cancel(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let (reason, wrong) = reason_of(&body);
    let (by, config) = (member_of(&member), state.config.clone());
    {
        let by = by.clone();
        app::run(&state.store, move |c| {
            slots::cancel(c, &config, &by, id, &reason)
        })
        .await
        .map_err(|f| failed(f, wrong))?;
    }
    answer_slot(&state, by, id, StatusCode::OK).await
}

// ------------------------------------------------------------- bookings

/// A page of the bookings in the employer's slots (all, or the live ones),
/// soonest slot first, with the total.
pub async fn bookings(
    state: web::Data<AppState>,
    member: EmployerMember,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page, limit, offset) = paging(&params)?;
    let live_only = params.live.unwrap_or(false);
    let by = member_of(&member);
    let (rows, total) = app::run(&state.store, move |c| {
        slots::bookings(c, &by, live_only, (limit, offset))
    })
    .await?;
    let items: Vec<Value> = rows.iter().map(booking_json).collect();
    Ok(HttpResponse::Ok()
        .json(json!({ "items": items, "page": page, "per_page": per_page, "total": total })))
}

/// The booking as it is stored now.
async fn answer_booking(state: &AppState, by: Member, id: i64) -> Result<HttpResponse, ApiError> {
    let booking = app::run(&state.store, move |c| slots::booking(c, &by, id)).await?;
    Ok(HttpResponse::Ok().json(booking_json(&booking)))
}

/// 404 unless the booking is in one of the employer's slots: asked before a
/// body the use case never sees is refused, so another employer learns
/// nothing from a 422.
async fn owned_booking(state: &AppState, by: Member, id: i64) -> Result<(), ApiError> {
    app::run(&state.store, move |c| slots::booking(c, &by, id)).await?;
    Ok(())
}

/// Confirms a booking; the booking officer is emailed.
pub async fn confirm(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let (by, config) = (member_of(&member), state.config.clone());
    {
        let by = by.clone();
        app::run(&state.store, move |c| slots::confirm(c, &config, &by, id)).await?;
    }
    answer_booking(&state, by, id).await
}

/// Moves a booking to another of the employer's slots (same vacancy and
/// purpose, with room); it is then confirmed at the new time and the
/// booking officer is emailed.
pub async fn move_booking(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let by = member_of(&member);
    let Some(slot_id) = fields(&body).get("slot_id").and_then(Value::as_i64) else {
        owned_booking(&state, by, id).await?;
        return Err(ApiError::Invalid(FieldErrors::single(
            "slot_id",
            "Give the id of the slot to move to, as a number",
        )));
    };
    let config = state.config.clone();
    let taxonomy = state.taxonomy.clone();
    {
        let by = by.clone();
        app::run(&state.store, move |c| {
            slots::move_to(c, &config, &taxonomy, &by, id, slot_id)
        })
        .await?;
    }
    answer_booking(&state, by, id).await
}

/// Cancels a booking with a reason; the booking officer is emailed.
pub async fn cancel_booking(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let (reason, wrong) = reason_of(&body);
    let (by, config) = (member_of(&member), state.config.clone());
    {
        let by = by.clone();
        app::run(&state.store, move |c| {
            slots::cancel_booking_as_employer(c, &config, &by, id, &reason)
        })
        .await
        .map_err(|f| failed(f, wrong))?;
    }
    answer_booking(&state, by, id).await
}

/// Records, once the slot has started, whether the person came.
pub async fn attendance(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let by = member_of(&member);
    let Some(attended) = fields(&body).get("attended").and_then(Value::as_bool) else {
        owned_booking(&state, by, id).await?;
        return Err(ApiError::Invalid(FieldErrors::single(
            "attended",
            "Say whether the person came: true or false",
        )));
    };
    {
        let by = by.clone();
        app::run(&state.store, move |c| {
            slots::record_attendance(c, &by, id, attended)
        })
        .await?;
    }
    answer_booking(&state, by, id).await
}

// ------------------------------------------------------------ OpenAPI

/// Text the parser trims, needing something besides spaces, at most `max`
/// characters, without a NUL character (which no database keeps).
fn line_of_text(max: usize) -> Value {
    let mut schema = trimmed_text(1, max);
    schema["pattern"] = json!("^[^\\u0000]*\\S[^\\u0000]*$");
    schema
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn answers(own: Value) -> Value {
    merge(own, &error_responses())
}

fn body(name: &str) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema_ref(name) } } })
}

fn paging_params(with_live: bool) -> Vec<Value> {
    let mut params = vec![
        json!({ "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": super::PAGE_MAX, "default": 1 } }),
        json!({ "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": PER_PAGE_DEFAULT } }),
    ];
    if with_live {
        params.push(json!({ "name": "live", "in": "query", "description": "Only bookings that still hold a place (booked or confirmed)", "schema": { "type": "boolean", "default": false } }));
    }
    params
}

/// The slot and booking routes of the OpenAPI document (merged into it by
/// `api::openapi_document`).
pub fn openapi_paths() -> Value {
    merge(slot_paths(), &booking_paths())
}

/// The routes of a vacancy's slots and of one slot.
fn slot_paths() -> Value {
    let slot_id = id("id", "Slot id");
    let bad_body = err("The body is not JSON");
    let no_slot = err("No such slot in your organisation");
    let invalid_slot = err("Some fields need correcting: `fields` maps each field to its messages. Besides the schema's constraints the slot must start after now and within a year from today; with people booked, only `place`, `minutes` and more `capacity` (at least the number booked) may change");
    let slot_answer = ok("The slot", "Slot");
    let mut list_params = vec![id("id", "Vacancy id")];
    list_params.extend(paging_params(false));
    json!({
        "/api/v1/vacancies/{id}/slots": {
            "get": {
                "summary": "The interview and trial slots of one of your vacancies, soonest first, paged with the total (employers)",
                "parameters": list_params,
                "responses": answers(json!({
                    "200": ok("One page of slots and the total", "SlotList"),
                    "400": err("A query parameter is not a number"),
                    "404": err("No such vacancy in your organisation"),
                    "422": err("Bad page or per_page")
                }))
            },
            "post": {
                "summary": "Offer a slot on one of your vacancies; case officers can book it at once (employers)",
                "parameters": [id("id", "Vacancy id")],
                "requestBody": body("SlotBody"),
                "responses": answers(json!({
                    "201": { "description": "Created; `Location` is the slot's address", "content": { "application/json": { "schema": schema_ref("Slot") } } },
                    "400": bad_body.clone(),
                    "404": err("No such vacancy in your organisation (whatever the body holds)"),
                    "422": invalid_slot.clone()
                }))
            }
        },
        "/api/v1/slots/{id}": {
            "get": {
                "summary": "One of your slots (employers); another organisation's answers 404",
                "parameters": [slot_id.clone()],
                "responses": answers(json!({ "200": slot_answer.clone(), "404": no_slot.clone() }))
            },
            "put": {
                "summary": "Replace a slot's fields: anything while nobody is booked; with bookings, only the place's description, the length and more room",
                "parameters": [slot_id.clone()],
                "requestBody": body("SlotBody"),
                "responses": answers(json!({
                    "200": slot_answer.clone(),
                    "400": bad_body.clone(),
                    "404": err("No such slot in your organisation (whatever the body holds)"),
                    "409": err("The slot was cancelled"),
                    "422": invalid_slot
                }))
            }
        },
        "/api/v1/slots/{id}/cancel": {
            "post": {
                "summary": "Cancel a slot with a reason: its live bookings are cancelled too and each booking officer is emailed the reason",
                "parameters": [slot_id],
                "requestBody": body("ReasonBody"),
                "responses": answers(json!({
                    "200": slot_answer,
                    "400": bad_body.clone(),
                    "404": no_slot,
                    "409": err("The slot is already cancelled"),
                    "422": err("`reason` is missing or too long")
                }))
            }
        }
    })
}

/// The routes of the employer's bookings.
fn booking_paths() -> Value {
    let booking_id = id("id", "Booking id");
    let bad_body = err("The body is not JSON");
    let no_booking = err("No such booking in your organisation's slots");
    let invalid_reason = err("`reason` is missing or too long");
    let refused = err("The booking's state does not allow this (it has ended, is already confirmed, or its slot has not started yet for attendance)");
    let booking_answer = ok("The booking as it is now", "Booking");
    json!({
        "/api/v1/bookings": {
            "get": {
                "summary": "The bookings case officers made in your slots, soonest slot first, paged with the total (employers). Each person is shown by the pseudonym of the forwarded application",
                "parameters": paging_params(true),
                "responses": answers(json!({
                    "200": ok("One page of bookings and the total", "BookingList"),
                    "400": err("A query parameter is not a number or boolean"),
                    "422": err("Bad page or per_page")
                }))
            }
        },
        "/api/v1/bookings/{id}/confirm": {
            "post": {
                "summary": "Confirm a booking; the booking officer is emailed. Confirming an interview of a forwarded application moves it to interview",
                "parameters": [booking_id.clone()],
                "responses": answers(json!({ "200": booking_answer.clone(), "404": no_booking.clone(), "409": refused.clone() }))
            }
        },
        "/api/v1/bookings/{id}/move": {
            "post": {
                "summary": "Move a live booking to another of your slots of the same vacancy and purpose, with room; it is then confirmed at the new time and the booking officer is emailed",
                "parameters": [booking_id.clone()],
                "requestBody": body("MoveBody"),
                "responses": answers(json!({
                    "200": booking_answer.clone(),
                    "400": bad_body.clone(),
                    "404": err("No such booking in your organisation's slots (whatever the body holds)"),
                    "409": refused.clone(),
                    "422": err(&format!("`slot_id` is missing, not one of your slots, the same slot, of another vacancy or purpose, full, cancelled or started; or the person cannot attend it, which is said only as: \"{NOT_SUITABLE_FOR_EMPLOYER}\""))
                }))
            }
        },
        "/api/v1/bookings/{id}/cancel": {
            "post": {
                "summary": "Cancel a live booking with a reason; its place is freed and the booking officer is emailed the reason",
                "parameters": [booking_id.clone()],
                "requestBody": body("ReasonBody"),
                "responses": answers(json!({
                    "200": booking_answer.clone(),
                    "400": bad_body.clone(),
                    "404": err("No such booking in your organisation's slots (whatever the body holds)"),
                    "409": refused.clone(),
                    "422": invalid_reason
                }))
            }
        },
        "/api/v1/bookings/{id}/attendance": {
            "post": {
                "summary": "Record whether the person came, once the slot has started",
                "parameters": [booking_id],
                "requestBody": body("AttendanceBody"),
                "responses": answers(json!({
                    "200": booking_answer,
                    "400": bad_body,
                    "404": err("No such booking in your organisation's slots (whatever the body holds)"),
                    "409": refused,
                    "422": err("`attended` is missing or not a boolean")
                }))
            }
        }
    })
}

/// The slot API's request bodies.
fn body_schemas() -> Value {
    let purposes = slug_list(SlotPurpose::ALL.iter().map(|p| p.as_str()));
    let places = slug_list(PlaceKind::ALL.iter().map(|p| p.as_str()));
    let time = json!({ "type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "10:30", "description": "Start time on the 24-hour clock" });
    json!({
        "SlotBody": {
            "type": "object",
            "description": "A slot: what it is for, when, how long, where and for how many people. `minutes` and `capacity` may also be sent as text, as the form sends them",
            "required": ["purpose", "date", "time", "minutes", "place_kind", "place", "capacity"],
            "properties": {
                "purpose": { "type": "string", "enum": purposes },
                "date": { "type": "string", "format": "date", "description": "The day; with `time`, after now and within a year from today" },
                "time": time,
                "minutes": { "type": "integer", "minimum": MINUTES_MIN, "maximum": MINUTES_MAX, "description": "How long it lasts" },
                "place_kind": { "type": "string", "enum": places, "description": "`in_prison` and `video_from_prison` are before the person's release; `at_workplace` after it, or on day release" },
                "place": line_of_text(PLACE_MAX),
                "capacity": { "type": "integer", "minimum": 1, "maximum": CAPACITY_MAX, "description": "How many people it takes" }
            }
        },
        "ReasonBody": {
            "type": "object",
            "required": ["reason"],
            "properties": { "reason": line_of_text(REASON_MAX) }
        },
        "MoveBody": {
            "type": "object",
            "required": ["slot_id"],
            "properties": { "slot_id": { "type": "integer", "format": "int64", "description": "Another of your slots, of the same vacancy and purpose, with room" } }
        },
        "AttendanceBody": {
            "type": "object",
            "required": ["attended"],
            "properties": { "attended": { "type": "boolean", "description": "Whether the person came" } }
        }
    })
}

/// The slot API's bodies and answers, for the document's components.
pub fn openapi_schemas() -> Value {
    let integer = json!({ "type": "integer" });
    let string = json!({ "type": "string" });
    let nullable_string = json!({ "type": "string", "nullable": true });
    let purposes = slug_list(SlotPurpose::ALL.iter().map(|p| p.as_str()));
    let places = slug_list(PlaceKind::ALL.iter().map(|p| p.as_str()));
    let statuses = slug_list(BookingStatus::ALL.iter().map(|s| s.as_str()));
    let slot = json!({
        "type": "object",
        "required": ["id", "vacancy_id", "purpose", "date", "time", "starts_at", "minutes", "place_kind", "place", "capacity", "booked", "free", "cancelled_at", "cancel_reason"],
        "properties": {
            "id": integer, "vacancy_id": integer,
            "purpose": { "type": "string", "enum": purposes.clone() },
            "date": { "type": "string", "format": "date" },
            "time": { "type": "string" },
            "starts_at": { "type": "string", "description": "The date and time together, without offset" },
            "minutes": integer,
            "place_kind": { "type": "string", "enum": places },
            "place": string,
            "capacity": integer,
            "booked": { "type": "integer", "description": "Live bookings holding a place" },
            "free": { "type": "integer", "description": "Places left" },
            "cancelled_at": { "type": "string", "nullable": true, "description": "When the slot was cancelled (without offset); null while it stands" },
            "cancel_reason": nullable_string.clone()
        }
    });
    let booking = json!({
        "type": "object",
        "required": ["id", "status", "purpose", "application_id", "pseudonym", "vacancy_id", "vacancy_title", "slot", "cancel_reason", "created_at", "updated_at"],
        "properties": {
            "id": integer,
            "status": { "type": "string", "enum": statuses, "description": "`booked` (waiting for you to confirm), `confirmed`, `cancelled`, `attended` or `did_not_attend`" },
            "purpose": { "type": "string", "enum": purposes },
            "application_id": { "type": "integer", "description": "The forwarded application the booking is for" },
            "pseudonym": { "type": "string", "description": "The person, as the forwarded application names them" },
            "vacancy_id": integer,
            "vacancy_title": string,
            "slot": schema_ref("Slot"),
            "cancel_reason": nullable_string,
            "created_at": { "type": "string", "description": "UTC, without offset" },
            "updated_at": { "type": "string", "description": "UTC, without offset" }
        }
    });
    let list = |item: &str| {
        json!({
            "type": "object",
            "required": ["items", "page", "per_page", "total"],
            "properties": {
                "items": { "type": "array", "items": schema_ref(item) },
                "page": integer, "per_page": integer, "total": integer
            }
        })
    };
    let answers = json!({
        "Slot": slot,
        "SlotList": list("Slot"),
        "Booking": booking,
        "BookingList": list("Booking")
    });
    merge(body_schemas(), &answers)
}
