//! Applications forwarded to an employer: the inbox per vacancy, one
//! application's page and the employer's status changes (interview, offer,
//! started, unsuccessful). The employer sees a pseudonymous candidate card
//! (`store::candidates`) and never offence, licence or barred information.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;

use super::auth::EmployerMember;
use super::errors::AppError;
use super::pages::page;
use super::view::Chrome;
use super::AppState;
use crate::domain::application::{ApplicationStatus, Role, UnsuccessfulReason};
use crate::domain::FieldErrors;
use crate::store::applications::{self as app_store, Actor, Application, ApplicationError, Change};
use crate::store::audit::{self, Entry};
use crate::store::candidates::{self, Candidate};
use crate::store::{now, StoreError};

/// A candidate card with labels instead of slugs.
pub struct Card {
    pub application_id: i64,
    pub status: &'static str,
    pub statement: String,
    pub candidate: Candidate,
    pub skills: Vec<String>,
    pub certificates: Vec<String>,
    pub interview_at: Option<NaiveDateTime>,
    pub start_date: Option<NaiveDate>,
}

fn card_of(state: &AppState, application: &Application, candidate: Candidate) -> Card {
    let t = &state.taxonomy;
    Card {
        application_id: application.id,
        status: application.status.label(),
        statement: application.statement.clone(),
        skills: candidate
            .skills
            .iter()
            .map(|s| t.label(s).to_string())
            .collect(),
        certificates: candidate
            .certificates
            .iter()
            .map(|s| t.label(s).to_string())
            .collect(),
        candidate,
        interview_at: application.interview_at,
        start_date: application.start_date,
    }
}

#[derive(Template)]
#[template(path = "employer/applications.html")]
struct InboxPage {
    chrome: Chrome,
    vacancy_id: i64,
    title: String,
    cards: Vec<Card>,
}

pub async fn inbox(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (vacancy_id, employer_id) = (path.into_inner(), member.employer_id);
    let taxonomy = state.taxonomy.clone();
    let (title, rows) = state
        .store
        .run(move |conn| {
            let vacancy = crate::store::vacancies::load_for_employer(
                conn,
                vacancy_id,
                employer_id,
                &taxonomy,
            )?;
            let mut rows = Vec::new();
            for application in app_store::for_vacancy_employer(conn, vacancy.id)? {
                let candidate =
                    candidates::card(conn, application.profile_id, application.share_name)?;
                rows.push((application, candidate));
            }
            Ok((vacancy.details.title().to_string(), rows))
        })
        .await?;
    let cards = rows
        .into_iter()
        .map(|(a, c)| card_of(&state, &a, c))
        .collect();
    Ok(page(
        StatusCode::OK,
        &InboxPage {
            chrome: Chrome::of(&member.ctx),
            vacancy_id,
            title,
            cards,
        },
    ))
}

/// One step of the timeline as the employer sees it: status and time, and
/// the note only when the employer wrote it.
pub struct Step {
    pub status: &'static str,
    pub at: NaiveDateTime,
    pub note: Option<String>,
}

#[derive(Template)]
#[template(path = "employer/application.html")]
struct ApplicationPage {
    chrome: Chrome,
    card: Card,
    vacancy_id: i64,
    vacancy_title: String,
    steps: Vec<Step>,
    errors: FieldErrors,
    problem: Option<String>,
    done: bool,
    form: StatusForm,
    choices: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub interview_date: String,
    #[serde(default)]
    pub interview_time: String,
    #[serde(default)]
    pub start_date: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

/// The moves the employer may make from `status`.
fn choices(status: ApplicationStatus) -> Vec<(&'static str, &'static str)> {
    use ApplicationStatus::*;
    [Interview, Offer, Started, Unsuccessful]
        .into_iter()
        .filter(|to| crate::domain::application::transition(status, *to, Role::Employer).is_ok())
        .map(|to| {
            (
                to.as_str(),
                match to {
                    Interview => "Invite to interview",
                    Offer => "Make an offer",
                    Started => "Started work",
                    _ => "Unsuccessful",
                },
            )
        })
        .collect()
}

fn employer_reasons() -> Vec<(&'static str, &'static str)> {
    UnsuccessfulReason::ALL
        .iter()
        .filter(|r| r.can_be_given_by(Role::Employer))
        .map(|r| (r.as_str(), r.label()))
        .collect()
}

/// What the page says about the last request.
struct Feedback {
    errors: FieldErrors,
    problem: Option<String>,
    done: bool,
    form: StatusForm,
}

impl Feedback {
    fn none() -> Self {
        Self {
            errors: FieldErrors::new(),
            problem: None,
            done: false,
            form: StatusForm::default(),
        }
    }
}

async fn application_page(
    state: &AppState,
    member: &EmployerMember,
    id: i64,
    status: StatusCode,
    feedback: Feedback,
) -> Result<HttpResponse, AppError> {
    let Feedback {
        errors,
        problem,
        done,
        form,
    } = feedback;
    let employer_id = member.employer_id;
    let (application, candidate, title, events) = state
        .store
        .run(move |conn| {
            let application =
                app_store::load_for_employer(conn, id, employer_id)?.ok_or(StoreError::NotFound)?;
            let candidate = candidates::card(conn, application.profile_id, application.share_name)?;
            // Only what the page shows: the title, never the prison number.
            let title = crate::store::caseload::vacancy_titles(conn, &[application.vacancy_id])?
                .into_iter()
                .next()
                .map(|(_, title, _)| title)
                .unwrap_or_default();
            let events = app_store::events(conn, id)?;
            Ok((application, candidate, title, events))
        })
        .await?;
    // The employer's part of the timeline starts when it was forwarded.
    let steps = events
        .iter()
        .skip_while(|e| e.to_status != ApplicationStatus::Forwarded)
        .map(|e| Step {
            status: e.to_status.label(),
            at: e.at,
            note: (e.actor == Role::Employer)
                .then(|| e.note.clone())
                .flatten(),
        })
        .collect();
    let vacancy_id = application.vacancy_id;
    let choices = choices(application.status);
    Ok(page(
        status,
        &ApplicationPage {
            chrome: Chrome::of(&member.ctx),
            card: card_of(state, &application, candidate),
            vacancy_id,
            vacancy_title: title,
            steps,
            errors,
            problem,
            done,
            form,
            choices,
            reasons: employer_reasons(),
        },
    ))
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    application_page(
        &state,
        &member,
        path.into_inner(),
        StatusCode::OK,
        Feedback {
            done: query.done.is_some(),
            ..Feedback::none()
        },
    )
    .await
}

/// Reads the form into a change; problems only the form can have (a date
/// that cannot be read) are reported by field.
fn change_of(form: &StatusForm) -> (Change, FieldErrors) {
    let mut errors = FieldErrors::new();
    let to = ApplicationStatus::parse(form.status.trim()).ok();
    if to.is_none() {
        errors.add("status", "Choose what happened");
    }
    let date = |text: &str, field: &str, errors: &mut FieldErrors| -> Option<NaiveDate> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
            .map_err(|_| errors.add(field, "Enter a real date, like 2027-03-31"))
            .ok()
    };
    let mut change = Change {
        to,
        ..Change::default()
    };
    match to {
        Some(ApplicationStatus::Interview) => {
            let day = date(&form.interview_date, "interview_at", &mut errors);
            let time = match form.interview_time.trim() {
                "" => None,
                t => NaiveTime::parse_from_str(t, "%H:%M")
                    .map_err(|_| {
                        errors.add(
                            "interview_at",
                            "Enter the time in the 24-hour clock, like 14:30",
                        )
                    })
                    .ok(),
            };
            if day.is_some() && time.is_none() && !errors.has("interview_at") {
                errors.add(
                    "interview_at",
                    "Enter the time of the interview, like 14:30",
                );
            }
            change.interview_at = day.zip(time).map(|(d, t)| d.and_time(t));
        }
        Some(ApplicationStatus::Started) => {
            change.start_date = date(&form.start_date, "start_date", &mut errors);
        }
        Some(ApplicationStatus::Unsuccessful) => {
            change.reason = UnsuccessfulReason::parse(form.reason.trim()).ok();
            if change.reason.is_none() && !form.reason.trim().is_empty() {
                errors.add("reason", "Choose one of the reasons listed");
            }
        }
        _ => {}
    }
    let note = form.note.trim();
    change.note = (!note.is_empty()).then(|| note.to_string());
    (change, errors)
}

pub async fn change_status(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = form.into_inner();
    let employer_id = member.employer_id;
    // Out of scope (or never forwarded) is not found.
    let in_scope = state
        .store
        .run(move |conn| Ok(app_store::load_for_employer(conn, id, employer_id)?.is_some()))
        .await?;
    if !in_scope {
        return Err(AppError::NotFound);
    }
    let (change, mut errors) = change_of(&form);
    if let Err(domain) = app_store::check_change(&change, Role::Employer) {
        for (field, messages) in domain.iter() {
            if errors.has(field) {
                continue;
            }
            for m in messages {
                errors.add(field, m.clone());
            }
        }
    }
    if !errors.is_empty() {
        return application_page(
            &state,
            &member,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Feedback {
                errors,
                form,
                ..Feedback::none()
            },
        )
        .await;
    }
    let user_id = member.actor.user_id;
    let actor = member.ctx.audit_actor();
    let config = state.config.clone();
    let result = state
        .store
        .run(move |conn| {
            let at = now();
            Ok(crate::write_tx!(conn, |c| {
                let changed =
                    app_store::change_status(c, id, &change, Actor::employer(user_id), at)?;
                crate::notify::officer::application_status_changed(c, &config, id).map_err(
                    |e| match e {
                        crate::notify::NotifyError::Store(s) => ApplicationError::Store(s),
                        other => ApplicationError::Store(StoreError::Task(other.to_string())),
                    },
                )?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "application.status_changed",
                        subject_kind: Some("application"),
                        subject_id: Some(id),
                        detail: Some(changed.status.as_str().to_string()),
                    },
                    at,
                )?;
                Ok::<_, ApplicationError>(())
            }))
        })
        .await?;
    match result {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("/employer/applications/{id}?done=1"),
            ))
            .finish()),
        Err(ApplicationError::NotFound) => Err(AppError::NotFound),
        Err(ApplicationError::Invalid(errors)) => {
            application_page(
                &state,
                &member,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Feedback {
                    errors,
                    form,
                    ..Feedback::none()
                },
            )
            .await
        }
        Err(ApplicationError::Refused(refused)) => {
            let message = format!(
                "This change is not possible: {}. Reload the page to see where the application is now.",
                refused
            );
            application_page(
                &state,
                &member,
                id,
                StatusCode::CONFLICT,
                Feedback {
                    problem: Some(message),
                    form,
                    ..Feedback::none()
                },
            )
            .await
        }
        Err(ApplicationError::Store(e)) => Err(e.into()),
    }
}
