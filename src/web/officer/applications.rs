//! Applications for the officer: the review queue, one application with
//! its whole timeline, and the officer's moves (review, edit the statement
//! with the person, forward with the employer's email, decline, withdraw),
//! plus recording a start for the outcome checks.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::forms::Posted;
use super::matches::{StaffPager, RANKED_PER_PAGE};
use super::{caseworker, see_other};
use crate::app::applications::officer::{self as officer_apps, ApplicationRecord, Summary};
use crate::app::outcomes::{self, StartError};
use crate::domain::application::{ApplicationStatus, UnsuccessfulReason};
use crate::domain::FieldErrors;
use crate::matches::Paging;
use crate::store::applications::{ApplicationError, Change, Event};
use crate::store::caseload::ApplicationLine;
use crate::store::StoreError;
use crate::web::auth::Officer;
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::seeker::page_number;
use crate::web::view::Chrome;
use crate::web::AppState;

pub struct ListLine {
    pub line: ApplicationLine,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "officer/applications.html")]
struct ListPage {
    chrome: Chrome,
    awaiting: Vec<ListLine>,
    awaiting_pager: StaffPager,
    others: Vec<ListLine>,
    others_pager: StaffPager,
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    awaiting_page: String,
    #[serde(default)]
    others_page: String,
}

/// Applications of the service: those waiting for the officer first
/// (oldest first), then the others (newest change first), each list 50 a
/// page with its own pager.
pub async fn list(
    state: web::Data<AppState>,
    officer: Officer,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let paging = |raw: &str| Paging {
        page: page_number(raw),
        per_page: RANKED_PER_PAGE,
    };
    let (awaiting_paging, others_paging) =
        (paging(&query.awaiting_page), paging(&query.others_page));
    let ((awaiting, awaiting_total), (others, others_total)) =
        officer_apps::queue(&state, officer.service_id, awaiting_paging, others_paging).await?;
    let (a, o) = (awaiting_paging.page, others_paging.page);
    let pager = |paging: Paging, shown: usize, total: i64, link: &dyn Fn(usize) -> String| {
        StaffPager::new(paging, shown, total as usize, "applications", link)
    };
    let awaiting_pager = pager(awaiting_paging, awaiting.len(), awaiting_total, &|p| {
        format!("/officer/applications?awaiting_page={p}&others_page={o}#awaiting")
    });
    let others_pager = pager(others_paging, others.len(), others_total, &|p| {
        format!("/officer/applications?awaiting_page={a}&others_page={p}#others")
    });
    let wrap = |lines: Vec<ApplicationLine>| {
        lines
            .into_iter()
            .map(|line| ListLine {
                status: line.status.label(),
                line,
            })
            .collect()
    };
    Ok(page(
        StatusCode::OK,
        &ListPage {
            chrome: Chrome::of(&officer.ctx),
            awaiting: wrap(awaiting),
            awaiting_pager,
            others: wrap(others),
            others_pager,
        },
    ))
}

pub struct EventLine {
    pub at: String,
    pub change: String,
    pub who: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "officer/application.html")]
struct DetailPage {
    chrome: Chrome,
    id: i64,
    profile_id: i64,
    person: String,
    pseudonym: String,
    vacancy_id: i64,
    vacancy_title: String,
    employer_name: String,
    status: &'static str,
    /// What the last change did, said after the redirect.
    done: Option<&'static str>,
    slug: &'static str,
    statement: String,
    share_name: bool,
    start_date: String,
    outcome_recorded: bool,
    timeline: Vec<EventLine>,
    reasons: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
    /// Values typed into a failed form.
    typed_reason: String,
    typed_note: String,
    /// The CV the person chose to send with it, as it was when sent.
    cv: Option<crate::web::terminal::seeker::CvLines>,
    /// The disclosure letter the person chose to send with it.
    lv: Option<crate::web::terminal::seeker::LetterView>,
}

async fn detail_page(
    state: &AppState,
    officer: &Officer,
    id: i64,
    status: StatusCode,
    errors: FieldErrors,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let record = officer_apps::view(state, caseworker(officer), id).await?;
    let cv = crate::app::cvs::sent_with(state, officer.service_id, id)
        .await?
        .map(|snapshot| {
            let english = crate::web::i18n::Messages::new(crate::web::i18n::Lang::En);
            crate::web::terminal::seeker::CvLines::of(english, &snapshot)
        });
    let letter = crate::app::disclosure::attached_for_officer(state, caseworker(officer), id)
        .await?
        .map(|a| crate::web::terminal::seeker::LetterView::attached(&a));
    let ApplicationRecord {
        summary,
        events,
        users,
        outcome,
    } = record;
    let Summary {
        application: app,
        names,
        pseudonym,
        titles,
    } = summary;
    let person = names
        .first()
        .map(|(_, g, f, r)| format!("{g} {f} ({r})"))
        .unwrap_or_default();
    let (vacancy_title, employer_name) = titles
        .into_iter()
        .next()
        .map(|(_, t, e)| (t, e))
        .unwrap_or_default();
    let timeline = events.iter().map(|e| event_line(e, &users)).collect();
    let (statement, share_name) = typed
        .statement
        .unwrap_or_else(|| (app.statement.clone(), app.share_name));
    let (typed_reason, typed_note) = (typed.reason, typed.note);
    Ok(page(
        status,
        &DetailPage {
            chrome: Chrome::of(&officer.ctx),
            id,
            profile_id: app.profile_id,
            person,
            pseudonym,
            vacancy_id: app.vacancy_id,
            done: typed.done,
            vacancy_title,
            employer_name,
            status: app.status.label(),
            slug: app.status.as_str(),
            statement,
            share_name,
            start_date: app
                .start_date
                .map(|d| d.format("%d %B %Y").to_string())
                .unwrap_or_default(),
            outcome_recorded: outcome.is_some(),
            timeline,
            reasons: [
                UnsuccessfulReason::DeclinedByOfficer,
                UnsuccessfulReason::Other,
            ]
            .iter()
            .map(|r| (r.as_str(), officer_reason_label(*r)))
            .collect(),
            errors,
            typed_reason,
            typed_note,
            cv,
            lv: letter,
        },
    ))
}

/// One line of an application's timeline, naming the staff who acted.
fn event_line(e: &Event, users: &[(i64, String)]) -> EventLine {
    let name = e
        .actor_user_id
        .and_then(|u| users.iter().find(|(id, _)| *id == u))
        .map(|(_, n)| format!(" ({n})"))
        .unwrap_or_default();
    EventLine {
        at: e.at.format("%d %b %Y %H:%M").to_string(),
        change: match e.from_status {
            Some(from) => format!("{} → {}", from.label(), e.to_status.label()),
            None => e.to_status.label().to_string(),
        },
        who: format!("{}{name}", e.actor.label()),
        note: e.note.clone().unwrap_or_default(),
    }
}

/// How a reason reads to the officer choosing it (the stored reason keeps
/// its label for timelines and reports).
fn officer_reason_label(reason: UnsuccessfulReason) -> &'static str {
    match reason {
        UnsuccessfulReason::DeclinedByOfficer => {
            "This job is not right for the person now (my decision as their officer)"
        }
        UnsuccessfulReason::Other => "Another reason (write it in the note)",
        other => other.label(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// The confirmation shown after a change, by the `done` value of the
/// redirect (anything else shows none).
fn done_message(done: &str) -> Option<&'static str> {
    Some(match done {
        "forwarded" => {
            "The application is forwarded. The employer has been emailed and can now see it."
        }
        "declined" => "The application is not forwarded. The person can see this on the terminal.",
        "reviewing" => "You are reviewing this application.",
        "statement" => "The statement is saved.",
        "withdrawn" => "The application is withdrawn.",
        _ => return None,
    })
}

pub async fn detail(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    detail_page(
        &state,
        &officer,
        path.into_inner(),
        StatusCode::OK,
        FieldErrors::new(),
        Typed {
            done: done_message(query.done.trim()),
            ..Typed::default()
        },
    )
    .await
}

/// What was typed into a form that failed, to show it again.
#[derive(Default)]
struct Typed {
    statement: Option<(String, bool)>,
    reason: String,
    note: String,
    /// The confirmation of the last change.
    done: Option<&'static str>,
}

/// Makes one officer move on an application of the officer's service, with
/// its audit row and email, in one transaction; re-shows the page with
/// messages when the move is refused.
async fn change(
    state: &AppState,
    officer: &Officer,
    id: i64,
    change: Change,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let to = change.to.map(|s| s.as_str()).unwrap_or("");
    let result = officer_apps::change(state, caseworker(officer), id, change).await;
    let (status, errors) = match result {
        Ok(()) => {
            let done = match to {
                "forwarded" => "?done=forwarded",
                "unsuccessful" => "?done=declined",
                "under_review" => "?done=reviewing",
                "withdrawn" => "?done=withdrawn",
                _ => "",
            };
            return Ok(see_other(format!("/officer/applications/{id}{done}")));
        }
        Err(ApplicationError::NotFound) => return Err(AppError::NotFound),
        Err(ApplicationError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(ApplicationError::Refused(e)) => (
            StatusCode::CONFLICT,
            FieldErrors::single("status", capitalise(&e.to_string())),
        ),
        Err(ApplicationError::Store(e)) => return Err(e.into()),
    };
    detail_page(state, officer, id, status, errors, typed).await
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub async fn review(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    change(
        &state,
        &officer,
        path.into_inner(),
        Change::to(ApplicationStatus::UnderReview),
        Typed::default(),
    )
    .await
}

#[derive(Template)]
#[template(path = "officer/forward_confirm.html")]
struct ForwardConfirmPage {
    chrome: Chrome,
    id: i64,
    vacancy_title: String,
    employer_name: String,
    /// Who the employer will see: the name or the pseudonym.
    shown_as: String,
    statement: String,
    /// The person chose to send their disclosure letter with it.
    letter_goes: bool,
}

/// Forwarding sends the application to the employer and cannot be undone,
/// so the first POST shows what will be sent and asks again; the second
/// (with `confirm=yes`) forwards. An application that cannot be forwarded
/// now gets the usual answer at once.
pub async fn forward(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    if form.text("confirm") != "yes" {
        let Summary {
            application: app,
            names,
            pseudonym,
            titles,
        } = officer_apps::before_forwarding(&state, officer.service_id, id).await?;
        if app.status == ApplicationStatus::UnderReview {
            let (vacancy_title, employer_name) = titles
                .into_iter()
                .next()
                .map(|(_, t, e)| (t, e))
                .unwrap_or_default();
            let shown_as = if app.share_name {
                names
                    .first()
                    .map(|(_, g, f, _)| {
                        format!("their name, {g} {f}, if their profile records consent to share it (else the pseudonym {pseudonym})")
                    })
                    .unwrap_or_default()
            } else {
                format!("the pseudonym {pseudonym}")
            };
            let letter_goes = crate::app::disclosure::goes_with(&state, app.id).await?;
            return Ok(page(
                StatusCode::OK,
                &ForwardConfirmPage {
                    chrome: Chrome::of(&officer.ctx),
                    id,
                    vacancy_title,
                    employer_name,
                    shown_as,
                    statement: app.statement,
                    letter_goes,
                },
            ));
        }
    }
    change(
        &state,
        &officer,
        id,
        Change::to(ApplicationStatus::Forwarded),
        Typed::default(),
    )
    .await
}

pub async fn decline(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    let reason_text = form.text("reason");
    let note = form.text("note");
    let mut c = Change::to(ApplicationStatus::Unsuccessful);
    c.reason = UnsuccessfulReason::parse(&reason_text).ok();
    c.note = Some(note.clone()).filter(|n| !n.is_empty());
    let typed = Typed {
        statement: None,
        reason: reason_text.clone(),
        note,
        done: None,
    };
    if c.reason.is_none() && !reason_text.is_empty() {
        // A value that is not a reason at all: the same message as for a
        // reason the officer may not give. The page checks the scope.
        return detail_page(
            &state,
            &officer,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::single("reason", "Choose one of the reasons listed"),
            typed,
        )
        .await;
    }
    change(&state, &officer, id, c, typed).await
}

pub async fn withdraw(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    let mut c = Change::to(ApplicationStatus::Withdrawn);
    c.note = Some(form.text("withdraw_note")).filter(|n| !n.is_empty());
    change(&state, &officer, id, c, Typed::default()).await
}

/// The officer edits the statement with the person and records whether
/// the person agrees to share their name with the employer.
pub async fn edit_statement(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    let statement = form.text("statement");
    let share_name = form.checked("share_name");
    let result = officer_apps::edit_statement(
        &state,
        caseworker(&officer),
        id,
        statement.clone(),
        share_name,
    )
    .await;
    match result {
        Ok(()) => Ok(see_other(format!(
            "/officer/applications/{id}?done=statement"
        ))),
        Err(ApplicationError::NotFound) => Err(AppError::NotFound),
        Err(ApplicationError::Invalid(errors)) => {
            detail_page(
                &state,
                &officer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                Typed {
                    statement: Some((statement, share_name)),
                    ..Typed::default()
                },
            )
            .await
        }
        Err(ApplicationError::Refused(e)) => Err(AppError::Conflict(e.to_string())),
        Err(ApplicationError::Store(e)) => Err(e.into()),
    }
}

/// Records the start of a started application for the outcome checks.
pub async fn record_start(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let result = outcomes::start_from_application(&state, caseworker(&officer), id).await;
    let refused = match result {
        Ok(profile_id) => {
            return Ok(see_other(format!(
                "/officer/profiles/{profile_id}#outcomes"
            )))
        }
        Err(e @ StartError::NotStarted) => e.to_string(),
        Err(StartError::Store(StoreError::Conflict(_))) => {
            "This start has already been recorded".to_string()
        }
        Err(StartError::Store(e)) => return Err(e.into()),
    };
    let errors = FieldErrors::single("status", refused);
    let typed = Typed::default();
    detail_page(&state, &officer, id, StatusCode::CONFLICT, errors, typed).await
}
