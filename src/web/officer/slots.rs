//! Interview and trial slots for the officer: an application's bookings
//! and the vacancy's open slots (book one, cancel one with a reason), and
//! the service's upcoming bookings.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::caseworker;
use super::matches::StaffPager;
use super::see_other;
use crate::app::{self, Failure};
use crate::domain::FieldErrors;
use crate::matches::Paging;
use crate::notify::slots::{place, when};
use crate::web::auth::Officer;
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::seeker::page_number;
use crate::web::view::Chrome;
use crate::web::AppState;

/// Slots and bookings listed per page.
pub const PER_PAGE: usize = 20;

/// One booking as the officer's pages show it.
pub struct BookingLine {
    pub id: i64,
    pub application_id: i64,
    pub what: &'static str,
    pub when: String,
    pub place: String,
    pub status: &'static str,
    pub live: bool,
    /// Its cancel form is the one that failed.
    pub failed: bool,
    pub reason: Option<String>,
    pub vacancy_title: String,
    /// "booked by ... on ..." lines of the timeline.
    pub history: Vec<String>,
}

/// One slot open to book.
pub struct OpenLine {
    pub id: i64,
    pub what: &'static str,
    pub when: String,
    pub minutes: i32,
    pub place: String,
    pub free: i32,
    pub capacity: i32,
}

#[derive(Template)]
#[template(path = "officer/slots.html")]
struct SlotsPage {
    chrome: Chrome,
    application_id: i64,
    errors: FieldErrors,
    problem: Option<String>,
    done: Option<&'static str>,
    can_book: bool,
    bookings: Vec<BookingLine>,
    open: Vec<OpenLine>,
    pager: StaffPager,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    done: String,
}

struct Feedback {
    errors: FieldErrors,
    failed_booking: Option<i64>,
    problem: Option<String>,
    done: Option<&'static str>,
}

async fn slots_page(
    state: &AppState,
    officer: &Officer,
    application_id: i64,
    page_no: usize,
    status: StatusCode,
    feedback: Feedback,
) -> Result<HttpResponse, AppError> {
    let paging = Paging {
        page: page_no,
        per_page: PER_PAGE,
    };
    let by = caseworker(officer);
    let (limit, offset) = (PER_PAGE as i64, paging.offset() as i64);
    let data = app::run(&state.store, move |c| {
        crate::app::slots::for_application(c, &by, application_id, (limit, offset))
    })
    .await?;
    let bookings = data
        .bookings
        .iter()
        .map(|(b, s, events)| BookingLine {
            id: b.id,
            application_id: b.application_id,
            what: s.purpose.label(),
            when: when(s),
            place: place(s),
            status: b.status.label(),
            live: b.status.is_live(),
            failed: feedback.failed_booking == Some(b.id),
            reason: b.cancel_reason.clone(),
            vacancy_title: String::new(),
            history: events
                .iter()
                .map(|e| {
                    format!(
                        "{} by the {} on {}",
                        e.action.replace('_', " "),
                        e.actor_kind,
                        e.at.format("%d %b %Y %H:%M")
                    )
                })
                .collect(),
        })
        .collect();
    let open: Vec<OpenLine> = data
        .open
        .iter()
        .map(|s| OpenLine {
            id: s.id,
            what: s.purpose.label(),
            when: when(s),
            minutes: s.minutes,
            place: place(s),
            free: s.free(),
            capacity: s.capacity,
        })
        .collect();
    let pager = StaffPager::new(
        paging,
        open.len(),
        data.open_total as usize,
        "open slots",
        |p| format!("/officer/applications/{application_id}/slots?page={p}"),
    );
    Ok(page(
        status,
        &SlotsPage {
            chrome: Chrome::of(&officer.ctx),
            application_id,
            errors: feedback.errors,
            problem: feedback.problem,
            done: feedback.done,
            can_book: data.can_book,
            bookings,
            open,
            pager,
        },
    ))
}

fn done_message(code: &str) -> Option<&'static str> {
    match code {
        "booked" => Some("Booked. The employer has been emailed to confirm it."),
        "cancelled" => Some("Cancelled. The employer has been emailed."),
        _ => None,
    }
}

/// The application's bookings and the slots open to book.
pub async fn show(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let feedback = Feedback {
        errors: FieldErrors::new(),
        failed_booking: None,
        problem: None,
        done: done_message(query.done.trim()),
    };
    slots_page(
        &state,
        &officer,
        path.into_inner(),
        page_number(&query.page),
        StatusCode::OK,
        feedback,
    )
    .await
}

#[derive(Deserialize)]
pub struct BookForm {
    #[serde(default)]
    slot_id: String,
}

/// Books a place in one of the vacancy's slots.
pub async fn book(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    form: web::Form<BookForm>,
) -> Result<HttpResponse, AppError> {
    let application_id = path.into_inner();
    let Ok(slot_id) = form.slot_id.trim().parse::<i64>() else {
        let feedback = Feedback {
            errors: FieldErrors::single("slot_id", "Choose a slot"),
            failed_booking: None,
            problem: None,
            done: None,
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return slots_page(&state, &officer, application_id, 1, status, feedback).await;
    };
    let (by, config) = (caseworker(&officer), state.config.clone());
    let taxonomy = state.taxonomy.clone();
    let result = app::run(&state.store, move |c| {
        crate::app::slots::book(c, &config, &taxonomy, &by, application_id, slot_id)
    })
    .await;
    respond(
        &state,
        &officer,
        application_id,
        None,
        result.map(|_| "booked"),
    )
    .await
}

/// What a failed change shows: field errors (422) or a refusal (409).
async fn respond(
    state: &AppState,
    officer: &Officer,
    application_id: i64,
    failed_booking: Option<i64>,
    result: Result<&'static str, Failure>,
) -> Result<HttpResponse, AppError> {
    let (status, errors, problem) = match result {
        Ok(done) => {
            return Ok(see_other(format!(
                "/officer/applications/{application_id}/slots?done={done}"
            )))
        }
        Err(Failure::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        Err(Failure::Conflict(message)) => {
            (StatusCode::CONFLICT, FieldErrors::new(), Some(message))
        }
        Err(other) => return Err(other.into()),
    };
    let feedback = Feedback {
        errors,
        failed_booking,
        problem,
        done: None,
    };
    slots_page(state, officer, application_id, 1, status, feedback).await
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
}

/// Cancels one booking of the application with a reason.
pub async fn cancel(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<(i64, i64)>,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, AppError> {
    let (application_id, booking_id) = path.into_inner();
    let (by, config) = (caseworker(&officer), state.config.clone());
    let reason = form.into_inner().reason;
    let result = app::run(&state.store, move |c| {
        // The booking must be this application's (and the service's).
        let data = crate::app::slots::for_application(c, &by, application_id, (1, 0))?;
        if !data.bookings.iter().any(|(b, _, _)| b.id == booking_id) {
            return Err(Failure::NotFound);
        }
        crate::app::slots::cancel_booking_as_officer(c, &config, &by, booking_id, &reason)
    })
    .await;
    respond(
        &state,
        &officer,
        application_id,
        Some(booking_id),
        result.map(|_| "cancelled"),
    )
    .await
}

#[derive(Template)]
#[template(path = "officer/bookings.html")]
struct UpcomingPage {
    chrome: Chrome,
    bookings: Vec<BookingLine>,
    pager: StaffPager,
}

/// The service's bookings still to come, soonest first.
pub async fn upcoming(
    state: web::Data<AppState>,
    officer: Officer,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let paging = Paging {
        page: page_number(&query.page),
        per_page: PER_PAGE,
    };
    let by = caseworker(&officer);
    let (limit, offset) = (PER_PAGE as i64, paging.offset() as i64);
    let (rows, total) = app::run(&state.store, move |c| {
        crate::app::slots::upcoming(c, &by, (limit, offset))
    })
    .await?;
    let bookings: Vec<BookingLine> = rows
        .into_iter()
        .map(|(b, s, title)| BookingLine {
            id: b.id,
            application_id: b.application_id,
            what: s.purpose.label(),
            when: when(&s),
            place: place(&s),
            status: b.status.label(),
            live: b.status.is_live(),
            failed: false,
            reason: None,
            vacancy_title: title,
            history: Vec::new(),
        })
        .collect();
    let pager = StaffPager::new(paging, bookings.len(), total as usize, "bookings", |p| {
        format!("/officer/bookings?page={p}")
    });
    Ok(page(
        StatusCode::OK,
        &UpcomingPage {
            chrome: Chrome::of(&officer.ctx),
            bookings,
            pager,
        },
    ))
}
