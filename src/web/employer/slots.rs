//! The employer's interview and trial slots: the slots of a vacancy with
//! the form to add one, editing and cancelling a slot, and the bookings
//! officers made (confirm, move, cancel, record attendance). The employer
//! sees each booked person by the pseudonym of the forwarded application
//! and nothing more.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{member_of, see_other};
use crate::app::slots::EmployerBooking;
use crate::app::{self, Failure};
use crate::domain::slot::{PlaceKind, SlotInput, SlotPurpose, CAPACITY_MAX, FIELDS};
use crate::domain::FieldErrors;
use crate::matches::Paging;
use crate::notify::slots::{place, when};
use crate::store::slots::Slot;
use crate::web::auth::EmployerMember;
use crate::web::errors::AppError;
use crate::web::officer::matches::StaffPager;
use crate::web::pages::page;
use crate::web::seeker::page_number;
use crate::web::view::Chrome;
use crate::web::AppState;

/// Slots and bookings listed per page.
pub const PER_PAGE: usize = 20;

/// One slot as the lists show it.
pub struct SlotLine {
    pub id: i64,
    pub what: &'static str,
    pub when: String,
    pub minutes: i32,
    pub place: String,
    pub booked: i32,
    pub capacity: i32,
    pub cancelled: Option<String>,
    pub vacancy_id: i64,
}

fn slot_line(s: &Slot) -> SlotLine {
    SlotLine {
        id: s.id,
        what: s.purpose.label(),
        when: when(s),
        minutes: s.minutes,
        place: place(s),
        booked: s.booked,
        capacity: s.capacity,
        cancelled: s
            .cancelled_at
            .map(|_| s.cancel_reason.clone().unwrap_or_default()),
        vacancy_id: s.vacancy_id,
    }
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
}

/// The choices of the form's two lists.
pub struct Choices {
    pub purposes: Vec<(&'static str, &'static str)>,
    pub places: Vec<(&'static str, &'static str)>,
    pub capacity_max: i32,
}

fn choices() -> Choices {
    Choices {
        purposes: SlotPurpose::ALL
            .iter()
            .map(|p| (p.as_str(), p.label()))
            .collect(),
        places: PlaceKind::ALL
            .iter()
            .map(|p| (p.as_str(), p.label()))
            .collect(),
        capacity_max: CAPACITY_MAX,
    }
}

#[derive(Template)]
#[template(path = "employer/slots.html")]
struct ListPage {
    chrome: Chrome,
    vacancy_id: i64,
    slots: Vec<SlotLine>,
    pager: StaffPager,
    form: SlotInput,
    errors: FieldErrors,
    choices: Choices,
    done: Option<&'static str>,
}

async fn list_page(
    state: &AppState,
    member: &EmployerMember,
    vacancy_id: i64,
    page_no: usize,
    status: StatusCode,
    (form, errors, done): (SlotInput, FieldErrors, Option<&'static str>),
) -> Result<HttpResponse, AppError> {
    let paging = Paging {
        page: page_no,
        per_page: PER_PAGE,
    };
    let by = member_of(member);
    let (limit, offset) = (PER_PAGE as i64, paging.offset() as i64);
    let (rows, total) = app::run(&state.store, move |c| {
        crate::app::slots::slots(c, &by, Some(vacancy_id), (limit, offset))
    })
    .await?;
    let slots: Vec<SlotLine> = rows.iter().map(slot_line).collect();
    let pager = StaffPager::new(paging, slots.len(), total as usize, "slots", |p| {
        format!("/employer/vacancies/{vacancy_id}/slots?page={p}")
    });
    Ok(page(
        status,
        &ListPage {
            chrome: Chrome::of(&member.ctx),
            vacancy_id,
            slots,
            pager,
            form,
            errors,
            choices: choices(),
            done,
        },
    ))
}

fn done_message(code: &str) -> Option<&'static str> {
    match code {
        "added" => Some("The slot was added. Case officers can book it now."),
        "saved" => Some("The slot was saved."),
        "cancelled" => Some("The slot was cancelled. Officers with bookings in it were emailed."),
        "confirmed" => Some("Confirmed. The case officer was emailed."),
        "moved" => Some("Moved. The case officer was emailed."),
        "booking_cancelled" => Some("The booking was cancelled. The case officer was emailed."),
        "attendance" => Some("Attendance recorded."),
        _ => None,
    }
}

/// A vacancy's slots, with the form to add one.
pub async fn list(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let fresh = SlotInput {
        purpose: "interview".into(),
        minutes: "30".into(),
        capacity: "1".into(),
        ..SlotInput::default()
    };
    list_page(
        &state,
        &member,
        path.into_inner(),
        page_number(&query.page),
        StatusCode::OK,
        (fresh, FieldErrors::new(), done_message(query.done.trim())),
    )
    .await
}

/// Adds a slot; a bad field re-shows the form (422) with its message.
pub async fn create(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    form: web::Form<SlotInput>,
) -> Result<HttpResponse, AppError> {
    let vacancy_id = path.into_inner();
    let input = form.into_inner();
    let by = member_of(&member);
    let typed = input.clone();
    let result = app::run(&state.store, move |c| {
        crate::app::slots::create(c, &by, vacancy_id, &typed)
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(format!(
            "/employer/vacancies/{vacancy_id}/slots?done=added"
        ))),
        Err(Failure::Invalid(mut errors)) => {
            errors.sort_by_form_order(&FIELDS);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            list_page(
                &state,
                &member,
                vacancy_id,
                1,
                status,
                (input, errors, None),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "employer/slot_edit.html")]
struct EditPage {
    chrome: Chrome,
    slot: SlotLine,
    form: SlotInput,
    errors: FieldErrors,
    problem: Option<String>,
    choices: Choices,
}

async fn edit_page(
    state: &AppState,
    member: &EmployerMember,
    id: i64,
    status: StatusCode,
    (form, errors, problem): (Option<SlotInput>, FieldErrors, Option<String>),
) -> Result<HttpResponse, AppError> {
    let by = member_of(member);
    let slot = app::run(&state.store, move |c| crate::app::slots::get(c, &by, id)).await?;
    let form = form.unwrap_or_else(|| slot.draft().input());
    Ok(page(
        status,
        &EditPage {
            chrome: Chrome::of(&member.ctx),
            slot: slot_line(&slot),
            form,
            errors,
            problem,
            choices: choices(),
        },
    ))
}

/// The form to change or cancel a slot.
pub async fn edit_form(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let none = (None, FieldErrors::new(), None);
    edit_page(&state, &member, path.into_inner(), StatusCode::OK, none).await
}

/// Saves a slot's changes (only what keeps its bookings while people are
/// booked).
pub async fn update(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    form: web::Form<SlotInput>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let input = form.into_inner();
    let by = member_of(&member);
    let typed = input.clone();
    let result = app::run(&state.store, move |c| {
        let slot = crate::app::slots::get(c, &by, id)?;
        crate::app::slots::update(c, &by, id, &typed).map(|_| slot.vacancy_id)
    })
    .await;
    let (status, errors, problem) = match result {
        Ok(vacancy_id) => {
            return Ok(see_other(format!(
                "/employer/vacancies/{vacancy_id}/slots?done=saved"
            )))
        }
        Err(Failure::Invalid(mut errors)) => {
            errors.sort_by_form_order(&FIELDS);
            (StatusCode::UNPROCESSABLE_ENTITY, errors, None)
        }
        Err(Failure::Conflict(m)) => (StatusCode::CONFLICT, FieldErrors::new(), Some(m)),
        Err(other) => return Err(other.into()),
    };
    edit_page(&state, &member, id, status, (Some(input), errors, problem)).await
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// Cancels a slot with a reason (its bookings too, each officer emailed).
pub async fn cancel(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let by = member_of(&member);
    let config = state.config.clone();
    let reason = form.into_inner().reason;
    let result = app::run(&state.store, move |c| {
        let slot = crate::app::slots::get(c, &by, id)?;
        crate::app::slots::cancel(c, &config, &by, id, &reason).map(|_| slot.vacancy_id)
    })
    .await;
    let (status, errors, problem) = match result {
        Ok(vacancy_id) => {
            return Ok(see_other(format!(
                "/employer/vacancies/{vacancy_id}/slots?done=cancelled"
            )))
        }
        Err(Failure::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        Err(Failure::Conflict(m)) => (StatusCode::CONFLICT, FieldErrors::new(), Some(m)),
        Err(other) => return Err(other.into()),
    };
    edit_page(&state, &member, id, status, (None, errors, problem)).await
}

/// One booking as the employer's list shows it.
pub struct BookingLine {
    pub id: i64,
    pub application_id: i64,
    pub pseudonym: String,
    pub vacancy_title: String,
    pub slot: SlotLine,
    pub status: &'static str,
    pub live: bool,
    /// Its form is the one that failed.
    pub failed: bool,
    /// Booked and not yet confirmed.
    pub confirmable: bool,
    /// The slot has started: attendance can be recorded.
    pub started: bool,
    /// The soonest other slots of the same vacancy and kind with room, to
    /// move to, and how many there are in all (the rest are on the
    /// booking's move page).
    pub moves: Vec<(i64, String)>,
    pub moves_total: i64,
}

fn move_choice(s: &Slot) -> (i64, String) {
    (s.id, format!("{} ({})", when(s), place(s)))
}

#[derive(Template)]
#[template(path = "employer/bookings.html")]
struct BookingsPage {
    chrome: Chrome,
    bookings: Vec<BookingLine>,
    pager: StaffPager,
    errors: FieldErrors,
    problem: Option<String>,
    done: Option<&'static str>,
}

async fn bookings_page(
    state: &AppState,
    member: &EmployerMember,
    page_no: usize,
    status: StatusCode,
    (errors, failed_booking, problem, done): (
        FieldErrors,
        Option<i64>,
        Option<String>,
        Option<&'static str>,
    ),
) -> Result<HttpResponse, AppError> {
    let paging = Paging {
        page: page_no,
        per_page: PER_PAGE,
    };
    let by = member_of(member);
    let (limit, offset) = (PER_PAGE as i64, paging.offset() as i64);
    let (rows, total, moves) = app::run(&state.store, move |c| {
        let (rows, total) = crate::app::slots::bookings(c, &by, false, (limit, offset))?;
        // The slots each live booking could move to: the soonest few.
        let at = crate::store::now();
        let mut moves: Vec<(i64, Vec<Slot>, i64)> = Vec::new();
        for row in rows.iter().filter(|r| r.booking.status.is_live()) {
            let (slots, total) = crate::store::slots::page_move_targets(
                c,
                &row.slot,
                at,
                crate::app::slots::MOVES_INLINE,
                0,
            )?;
            moves.push((row.booking.id, slots, total));
        }
        Ok::<_, Failure>((rows, total, moves))
    })
    .await?;
    let now = crate::store::now();
    let bookings: Vec<BookingLine> = rows
        .iter()
        .map(|row: &EmployerBooking| {
            let (moves, moves_total) = moves
                .iter()
                .find(|(id, _, _)| *id == row.booking.id)
                .map(|(_, slots, total)| (slots.iter().map(move_choice).collect(), *total))
                .unwrap_or_default();
            BookingLine {
                id: row.booking.id,
                application_id: row.booking.application_id,
                pseudonym: row.pseudonym.clone(),
                vacancy_title: row.vacancy_title.clone(),
                slot: slot_line(&row.slot),
                status: row.booking.status.label(),
                live: row.booking.status.is_live(),
                failed: failed_booking == Some(row.booking.id),
                confirmable: row.booking.status == crate::domain::slot::BookingStatus::Booked,
                started: row.slot.starts_at <= now,
                moves,
                moves_total,
            }
        })
        .collect();
    let pager = StaffPager::new(paging, bookings.len(), total as usize, "bookings", |p| {
        format!("/employer/bookings?page={p}")
    });
    Ok(page(
        status,
        &BookingsPage {
            chrome: Chrome::of(&member.ctx),
            bookings,
            pager,
            errors,
            problem,
            done,
        },
    ))
}

/// The bookings officers made in the employer's slots, soonest first.
pub async fn bookings(
    state: web::Data<AppState>,
    member: EmployerMember,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let done = done_message(query.done.trim());
    let feedback = (FieldErrors::new(), None, None, done);
    bookings_page(
        &state,
        &member,
        page_number(&query.page),
        StatusCode::OK,
        feedback,
    )
    .await
}

/// Answers a booking change: back to the list, or the list with the
/// field's message (422) or the refusal (409).
async fn answered(
    state: &AppState,
    member: &EmployerMember,
    booking_id: i64,
    result: Result<&'static str, Failure>,
) -> Result<HttpResponse, AppError> {
    let (status, errors, problem) = match result {
        Ok(done) => return Ok(see_other(format!("/employer/bookings?done={done}"))),
        Err(Failure::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        Err(Failure::Conflict(m)) => (StatusCode::CONFLICT, FieldErrors::new(), Some(m)),
        Err(other) => return Err(other.into()),
    };
    let feedback = (errors, Some(booking_id), problem, None);
    bookings_page(state, member, 1, status, feedback).await
}

/// 404 unless the booking is in one of the employer's slots: checked
/// before a form is judged, so another employer learns nothing from a 422.
async fn owned_booking(state: &AppState, member: &EmployerMember, id: i64) -> Result<(), AppError> {
    let employer_id = member_of(member).employer_id;
    let owned = app::run(&state.store, move |c| {
        Ok::<_, Failure>(
            crate::store::slots::lock_booking_for_employer(c, id, employer_id)?.is_some(),
        )
    })
    .await?;
    if owned {
        Ok(())
    } else {
        Err(Failure::NotFound.into())
    }
}

/// Confirms a booking.
pub async fn confirm(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (by, config) = (member_of(&member), state.config.clone());
    let result = app::run(&state.store, move |c| {
        crate::app::slots::confirm(c, &config, &by, id)
    })
    .await;
    answered(&state, &member, id, result.map(|_| "confirmed")).await
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    slot_id: String,
}

/// Moves a booking to another slot.
pub async fn move_booking(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let Ok(slot_id) = form.slot_id.trim().parse::<i64>() else {
        owned_booking(&state, &member, id).await?;
        let invalid = Failure::Invalid(FieldErrors::single("slot_id", "Choose a slot to move to"));
        return answered(&state, &member, id, Err(invalid)).await;
    };
    let (by, config) = (member_of(&member), state.config.clone());
    let taxonomy = state.taxonomy.clone();
    let result = app::run(&state.store, move |c| {
        crate::app::slots::move_to(c, &config, &taxonomy, &by, id, slot_id)
    })
    .await;
    answered(&state, &member, id, result.map(|_| "moved")).await
}

#[derive(Template)]
#[template(path = "employer/booking_move.html")]
struct MovePage {
    chrome: Chrome,
    booking: BookingLine,
    /// Each slot's id, when it is and where.
    targets: Vec<(i64, String, String)>,
    pager: StaffPager,
}

/// Every slot one booking could move to, a page at a time, each with its
/// own "Move here" button (the bookings list offers only the soonest).
pub async fn move_page(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let paging = Paging {
        page: page_number(&query.page),
        per_page: PER_PAGE,
    };
    let by = member_of(&member);
    let window = (PER_PAGE as i64, paging.offset() as i64);
    let found = app::run(&state.store, move |c| {
        crate::app::slots::move_targets(c, &by, id, window)
    })
    .await?;
    let targets: Vec<(i64, String, String)> = found
        .targets
        .iter()
        .map(|s| (s.id, when(s), place(s)))
        .collect();
    let pager = StaffPager::new(paging, targets.len(), found.total as usize, "slots", |p| {
        format!("/employer/bookings/{id}/move?page={p}")
    });
    let row = &found.booking;
    let booking = BookingLine {
        id: row.booking.id,
        application_id: row.booking.application_id,
        pseudonym: row.pseudonym.clone(),
        vacancy_title: row.vacancy_title.clone(),
        slot: slot_line(&row.slot),
        status: row.booking.status.label(),
        live: row.booking.status.is_live(),
        failed: false,
        confirmable: false,
        started: row.slot.starts_at <= crate::store::now(),
        moves: Vec::new(),
        moves_total: found.total,
    };
    Ok(page(
        StatusCode::OK,
        &MovePage {
            chrome: Chrome::of(&member.ctx),
            booking,
            targets,
            pager,
        },
    ))
}

/// Cancels a booking with a reason.
pub async fn cancel_booking(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (by, config) = (member_of(&member), state.config.clone());
    let reason = form.into_inner().reason;
    let result = app::run(&state.store, move |c| {
        crate::app::slots::cancel_booking_as_employer(c, &config, &by, id, &reason)
    })
    .await;
    answered(&state, &member, id, result.map(|_| "booking_cancelled")).await
}

#[derive(Deserialize)]
pub struct AttendanceForm {
    #[serde(default)]
    attended: String,
}

/// Records whether the person came, once the slot has started.
pub async fn attendance(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    form: web::Form<AttendanceForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let attended = match form.attended.trim() {
        "yes" => true,
        "no" => false,
        _ => {
            owned_booking(&state, &member, id).await?;
            let invalid = Failure::Invalid(FieldErrors::single(
                "attended",
                "Choose whether the person came",
            ));
            return answered(&state, &member, id, Err(invalid)).await;
        }
    };
    let by = member_of(&member);
    let result = app::run(&state.store, move |c| {
        crate::app::slots::record_attendance(c, &by, id, attended)
    })
    .await;
    answered(&state, &member, id, result.map(|_| "attendance")).await
}
