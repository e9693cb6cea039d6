//! "My applications": the list, one application, and withdrawing.

use super::*;
use crate::app::seekers;
use crate::domain::slot::BookingStatus;
use crate::store::slots::{Booking, Slot};

/// One of the person's applications, in plain words.
pub struct ApplicationView {
    pub vacancy_id: i64,
    pub title: String,
    pub sent_on: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub statement: String,
    pub details: Vec<String>,
    /// Interview and work trial bookings, not cancelled, newest first.
    pub slots: Vec<SlotView>,
    pub can_withdraw: bool,
}

/// One interview or work trial booking in plain words.
pub struct SlotView {
    pub purpose: &'static str,
    pub starts_at: chrono::NaiveDateTime,
    pub minutes: i32,
    pub place_kind: &'static str,
    pub place: String,
    pub status_code: &'static str,
    /// "Interview on Tuesday 9 March at 10:00, in the education block."
    pub text: String,
    /// Where the booking is, e.g. "The employer has said yes to this time."
    pub status: &'static str,
}

fn slot_view(t: Messages, booking: &Booking, slot: &Slot) -> SlotView {
    use chrono::Datelike;
    let key = format!(
        "slot.{}.{}",
        slot.purpose.as_str(),
        slot.place_kind.as_str()
    );
    let day = slot.starts_at.date();
    let month = t.date(day);
    // "9 March 2027" without the year: the month's word sits between.
    let date = month
        .rsplit_once(' ')
        .map_or(month.clone(), |(d, _)| d.to_string());
    let text = t.fill(
        &key,
        &[
            ("day", t.day(day.weekday()).to_string()),
            ("date", date),
            ("time", time_text(slot.starts_at.time())),
            ("place", slot.place.clone()),
        ],
    );
    let status = match booking.status {
        BookingStatus::Booked => t.get("slot.status.booked"),
        BookingStatus::Confirmed => t.get("slot.status.confirmed"),
        BookingStatus::Attended => t.get("slot.status.attended"),
        BookingStatus::DidNotAttend | BookingStatus::Cancelled => {
            t.get("slot.status.did_not_attend")
        }
    };
    SlotView {
        purpose: slot.purpose.as_str(),
        starts_at: slot.starts_at,
        minutes: slot.minutes,
        place_kind: slot.place_kind.as_str(),
        place: slot.place.clone(),
        status_code: booking.status.as_str(),
        text,
        status,
    }
}

/// The person's bookings that are not cancelled: (vacancy id, booking, slot).
type PersonSlots = Vec<(i64, Booking, Slot)>;

async fn person_slots(state: &AppState, profile_id: i64) -> Result<PersonSlots, SeekerError> {
    Ok(state
        .store
        .run(move |c| crate::app::slots::for_person(c, profile_id))
        .await?)
}

pub(super) fn application_view(
    t: Messages,
    a: &Application,
    title: Option<&str>,
    booked: &PersonSlots,
) -> ApplicationView {
    let mut details = Vec::new();
    let slots: Vec<SlotView> = booked
        .iter()
        .filter(|(vacancy_id, _, _)| *vacancy_id == a.vacancy_id)
        .map(|(_, booking, slot)| slot_view(t, booking, slot))
        .collect();
    let interview_booked = slots.iter().any(|s| s.purpose == "interview");
    if a.status == ApplicationStatus::Interview && !interview_booked {
        if let Some(at) = a.interview_at {
            details.push(t.fill(
                "apps.interview",
                &[("date", t.date(at.date())), ("time", time_text(at.time()))],
            ));
        }
    }
    if let Some(start) = a.start_date {
        if matches!(
            a.status,
            ApplicationStatus::Offer | ApplicationStatus::Started
        ) {
            details.push(t.with("apps.start_date", "date", t.date(start)));
        }
    }
    ApplicationView {
        vacancy_id: a.vacancy_id,
        title: title
            .map(str::to_string)
            .unwrap_or_else(|| t.get("apps.job_gone").to_string()),
        sent_on: t.with("apps.sent_on", "date", t.date(a.created_at.date())),
        status: status_text(t, a.status),
        status_code: a.status.as_str(),
        statement: a.statement.clone(),
        details,
        slots,
        can_withdraw: !a.status.is_final(),
    }
}

/// The person's applications with their vacancies' titles, newest first.
pub async fn my_applications(
    state: &AppState,
    profile_id: i64,
    t: Messages,
) -> Result<Vec<ApplicationView>, SeekerError> {
    let (list, vacancies) = seekers::applications_with_vacancies(state, profile_id).await?;
    let booked = person_slots(state, profile_id).await?;
    Ok(list
        .iter()
        .map(|a| {
            let title = vacancies
                .iter()
                .find(|v| v.id == a.vacancy_id)
                .map(|v| v.details.title());
            application_view(t, a, title, &booked)
        })
        .collect())
}

#[derive(Template)]
#[template(path = "terminal/applications.html")]
pub(super) struct ApplicationsPage {
    f: Frame,
    items: Vec<ApplicationView>,
    count: String,
    pager: Option<Pager>,
    printed: String,
    drafts: Vec<DraftView>,
    drafts_count: String,
}

/// My applications, newest first, ten a page; the print view holds them
/// all.
pub async fn applications(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let mut items = my_applications(&state, seeker.seeker.profile_id, f.t).await?;
    let drafts = my_drafts(&state, seeker.seeker.profile_id, f.t).await?;
    let drafts_count = count_text(f.t, drafts.len(), "apps.drafts_one", "apps.drafts");
    let count = count_text(f.t, items.len(), "apps.count_one", "apps.count");
    let printed = f.t.with("site.printed", "date", f.t.date(today()));
    let mut pager = None;
    if !f.print {
        let pages = pages_of(items.len());
        let page_no = page_number(&query.page).min(pages);
        items = items.drain(page_range(items.len(), page_no)).collect();
        pager = Pager::of(f.t, page_no, pages, |p| {
            format!("/terminal/applications?page={p}")
        });
    }
    Ok(page(
        StatusCode::OK,
        &ApplicationsPage {
            f,
            items,
            count,
            pager,
            printed,
            drafts,
            drafts_count,
        },
    ))
}

#[derive(Template)]
#[template(path = "terminal/application.html")]
pub(super) struct ApplicationPage {
    f: Frame,
    a: ApplicationView,
    printed: String,
    /// The person sent their disclosure letter with it.
    letter_sent: bool,
}

pub async fn one_application(
    state: &AppState,
    profile_id: i64,
    vacancy_id: i64,
    t: Messages,
) -> Result<ApplicationView, SeekerError> {
    let (application, vacancy) =
        seekers::application_with_vacancy(state, profile_id, vacancy_id).await?;
    let booked = person_slots(state, profile_id).await?;
    Ok(application_view(
        t,
        &application,
        vacancy.as_ref().map(|v| v.details.title()),
        &booked,
    ))
}

pub async fn application(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let t = f.t;
    let (profile_id, vacancy_id) = (seeker.seeker.profile_id, path.into_inner());
    match one_application(&state, profile_id, vacancy_id, t).await {
        Ok(a) => {
            let letter_sent =
                crate::app::disclosure::sent_with(&state, profile_id, vacancy_id).await?;
            Ok(page(
                StatusCode::OK,
                &ApplicationPage {
                    a,
                    printed: t.with("site.printed", "date", t.date(today())),
                    letter_sent,
                    f,
                },
            ))
        }
        Err(e) => seeker_page_error(f, e),
    }
}

pub async fn withdraw(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    match crate::app::applications::seeker::withdraw(&state, seeker.seeker.profile_id, id).await {
        Ok(()) => Ok(redirect(&format!("/terminal/applications/{id}"))),
        Err(e) => seeker_page_error(Frame::signed_in(&seeker, &req), e),
    }
}
