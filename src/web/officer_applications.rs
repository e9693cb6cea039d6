//! Applications for the officer: the review queue, one application with
//! its whole timeline, and the officer's moves (review, edit the statement
//! with the person, forward with the employer's email, decline, withdraw),
//! plus recording a start for the outcome checks.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;

use super::auth::Officer;
use super::errors::AppError;
use super::officer_forms::Form;
use super::officer_matches::{sql_window, StaffPager, RANKED_PER_PAGE};
use super::pages::page;
use super::seeker::page_number;
use super::view::Chrome;
use super::AppState;
use crate::domain::application::{ApplicationStatus, UnsuccessfulReason};
use crate::domain::FieldErrors;
use crate::matches::Paging;
use crate::store::applications::{self as apps, Actor, ApplicationError, Change};
use crate::store::audit::{self, Entry};
use crate::store::caseload::ApplicationLine;
use crate::store::{self, StoreError};

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

fn status_label(slug: &str) -> &'static str {
    ApplicationStatus::parse(slug)
        .map(|s| s.label())
        .unwrap_or("Unknown")
}

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
    let service_id = officer.service_id;
    let paging = |raw: &str| Paging {
        page: page_number(raw),
        per_page: RANKED_PER_PAGE,
    };
    let (awaiting_paging, others_paging) =
        (paging(&query.awaiting_page), paging(&query.others_page));
    let ((awaiting, awaiting_total), (others, others_total)) = state
        .store
        .run(move |c| {
            let (limit, offset) = sql_window(awaiting_paging);
            let awaiting = store::caseload::applications(
                c,
                service_id,
                &["interested", "under_review"],
                true,
                limit,
                offset,
            )?;
            let (limit, offset) = sql_window(others_paging);
            let others = store::caseload::applications(
                c,
                service_id,
                &[
                    "forwarded",
                    "interview",
                    "offer",
                    "started",
                    "unsuccessful",
                    "withdrawn",
                ],
                false,
                limit,
                offset,
            )?;
            Ok((awaiting, others))
        })
        .await?;
    let (a, o) = (awaiting_paging.page, others_paging.page);
    let awaiting_pager = StaffPager::new(
        awaiting_paging,
        awaiting.len(),
        awaiting_total as usize,
        "applications",
        |p| format!("/officer/applications?awaiting_page={p}&others_page={o}#awaiting"),
    );
    let others_pager = StaffPager::new(
        others_paging,
        others.len(),
        others_total as usize,
        "applications",
        |p| format!("/officer/applications?awaiting_page={a}&others_page={p}#others"),
    );
    let wrap = |lines: Vec<ApplicationLine>| {
        lines
            .into_iter()
            .map(|line| ListLine {
                status: status_label(&line.status),
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
}

async fn detail_page(
    state: &AppState,
    officer: &Officer,
    id: i64,
    status: StatusCode,
    errors: FieldErrors,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let service_id = officer.service_id;
    let actor = officer.ctx.audit_actor();
    let loaded = state
        .store
        .run(move |c| {
            let Some(app) = apps::load_in_service(c, id, service_id)? else {
                return Err(StoreError::NotFound);
            };
            let events = apps::events(c, id)?;
            let names = store::caseload::names(c, service_id, &[app.profile_id])?;
            let pseudonym: String = crate::with_conn!(c, |x| {
                use diesel::prelude::*;
                store::schema::profiles::table
                    .find(app.profile_id)
                    .select(store::schema::profiles::pseudonym)
                    .first(x)?
            });
            let titles = store::caseload::vacancy_titles(c, &[app.vacancy_id])?;
            let user_ids: Vec<i64> = events.iter().filter_map(|e| e.actor_user_id).collect();
            let users = store::caseload::user_names(c, &user_ids)?;
            let outcome = store::outcomes::for_application(c, id)?;
            // The statement can disclose a conviction: every view of the
            // page is audited against the application and the person.
            audit::record(
                c,
                &actor,
                Entry {
                    action: "application.viewed",
                    subject_kind: Some("application"),
                    subject_id: Some(id),
                    detail: Some(format!("profile {}", app.profile_id)),
                },
                store::now(),
            )?;
            Ok((app, events, names, pseudonym, titles, users, outcome))
        })
        .await?;
    let (app, events, names, pseudonym, titles, users, outcome) = loaded;
    let person = names
        .first()
        .map(|(_, g, f, r)| format!("{g} {f} ({r})"))
        .unwrap_or_default();
    let (vacancy_title, employer_name) = titles
        .into_iter()
        .next()
        .map(|(_, t, e)| (t, e))
        .unwrap_or_default();
    let timeline = events
        .iter()
        .map(|e| {
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
        })
        .collect();
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
        },
    ))
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

/// What a move does besides the status change.
enum Extra {
    None,
    /// Queue the employer's email.
    Forwarded,
}

/// Makes one officer move on an application of the officer's service, with
/// its audit row and email, in one transaction; re-shows the page with
/// messages when the move is refused.
async fn change(
    state: &AppState,
    officer: &Officer,
    id: i64,
    change: Change,
    extra: Extra,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let (service_id, user_id) = (officer.service_id, officer.actor.user_id);
    let actor = officer.ctx.audit_actor();
    let config = state.config.clone();
    let to = change.to.map(|s| s.as_str()).unwrap_or("");
    let result = state
        .store
        .run(move |conn| {
            if apps::load_in_service(conn, id, service_id)?.is_none() {
                return Ok(Err(ApplicationError::NotFound));
            }
            let at = store::now();
            Ok(crate::write_tx!(conn, |c| {
                apps::change_status(c, id, &change, Actor::officer(user_id), at)?;
                if let Extra::Forwarded = extra {
                    crate::notify::employer::application_forwarded(c, &config, id).map_err(
                        |e| ApplicationError::Store(StoreError::Task(format!("email: {e}"))),
                    )?;
                }
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "application.status_changed",
                        subject_kind: Some("application"),
                        subject_id: Some(id),
                        detail: Some(format!("to {to}")),
                    },
                    at,
                )?;
                Ok::<_, ApplicationError>(())
            }))
        })
        .await?;
    match result {
        Ok(()) => {
            let done = match to {
                "forwarded" => "?done=forwarded",
                "unsuccessful" => "?done=declined",
                "under_review" => "?done=reviewing",
                "withdrawn" => "?done=withdrawn",
                _ => "",
            };
            Ok(see_other(format!("/officer/applications/{id}{done}")))
        }
        Err(ApplicationError::NotFound) => Err(AppError::NotFound),
        Err(ApplicationError::Invalid(errors)) => {
            detail_page(
                state,
                officer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                typed,
            )
            .await
        }
        Err(ApplicationError::Refused(e)) => {
            detail_page(
                state,
                officer,
                id,
                StatusCode::CONFLICT,
                FieldErrors::single("status", capitalise(&e.to_string())),
                typed,
            )
            .await
        }
        Err(ApplicationError::Store(e)) => Err(e.into()),
    }
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
        Extra::None,
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
}

/// Forwarding sends the application to the employer and cannot be undone,
/// so the first POST shows what will be sent and asks again; the second
/// (with `confirm=yes`) forwards. An application that cannot be forwarded
/// now gets the usual answer at once.
pub async fn forward(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = Form::parse(&body)?;
    let id = path.into_inner();
    if form.text("confirm") != "yes" {
        let service_id = officer.service_id;
        let loaded = state
            .store
            .run(move |c| {
                let Some(app) = apps::load_in_service(c, id, service_id)? else {
                    return Ok(None);
                };
                let names = store::caseload::names(c, service_id, &[app.profile_id])?;
                let pseudonym: String = crate::with_conn!(c, |x| {
                    use diesel::prelude::*;
                    store::schema::profiles::table
                        .find(app.profile_id)
                        .select(store::schema::profiles::pseudonym)
                        .first(x)?
                });
                let titles = store::caseload::vacancy_titles(c, &[app.vacancy_id])?;
                Ok(Some((app, names, pseudonym, titles)))
            })
            .await?;
        let Some((app, names, pseudonym, titles)) = loaded else {
            return Err(AppError::NotFound);
        };
        if app.status == ApplicationStatus::UnderReview {
            let (vacancy_title, employer_name) = titles
                .into_iter()
                .next()
                .map(|(_, t, e)| (t, e))
                .unwrap_or_default();
            let shown_as = if app.share_name {
                names
                    .first()
                    .map(|(_, g, f, _)| format!("their name, {g} {f}"))
                    .unwrap_or_default()
            } else {
                format!("the pseudonym {pseudonym}")
            };
            return Ok(page(
                StatusCode::OK,
                &ForwardConfirmPage {
                    chrome: Chrome::of(&officer.ctx),
                    id,
                    vacancy_title,
                    employer_name,
                    shown_as,
                    statement: app.statement,
                },
            ));
        }
    }
    change(
        &state,
        &officer,
        id,
        Change::to(ApplicationStatus::Forwarded),
        Extra::Forwarded,
        Typed::default(),
    )
    .await
}

pub async fn decline(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = Form::parse(&body)?;
    let reason_text = form.text("reason");
    let note = form.text("note");
    let id = path.into_inner();
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
    change(&state, &officer, id, c, Extra::None, typed).await
}

pub async fn withdraw(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = Form::parse(&body)?;
    let mut c = Change::to(ApplicationStatus::Withdrawn);
    c.note = Some(form.text("withdraw_note")).filter(|n| !n.is_empty());
    change(
        &state,
        &officer,
        path.into_inner(),
        c,
        Extra::None,
        Typed::default(),
    )
    .await
}

/// The officer edits the statement with the person and records whether
/// the person agrees to share their name with the employer.
pub async fn edit_statement(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = Form::parse(&body)?;
    let statement = form.text("statement");
    let share_name = form.checked("share_name");
    let service_id = officer.service_id;
    let actor = officer.ctx.audit_actor();
    let statement_run = statement.clone();
    let result = state
        .store
        .run(move |conn| {
            if apps::load_in_service(conn, id, service_id)?.is_none() {
                return Ok(Err(ApplicationError::NotFound));
            }
            let at = store::now();
            Ok(crate::write_tx!(conn, |c| {
                apps::edit_before_forwarding(c, id, &statement_run, share_name, at)?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "application.statement_edited",
                        subject_kind: Some("application"),
                        subject_id: Some(id),
                        detail: Some(format!("share name: {share_name}")),
                    },
                    at,
                )?;
                Ok::<_, ApplicationError>(())
            }))
        })
        .await?;
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
    let (service_id, user_id) = (officer.service_id, officer.actor.user_id);
    let actor = officer.ctx.audit_actor();
    let result = state
        .store
        .run(move |conn| {
            let Some(app) = apps::load_in_service(conn, id, service_id)? else {
                return Err(StoreError::NotFound);
            };
            let (ApplicationStatus::Started, Some(started_on)) = (app.status, app.start_date)
            else {
                return Ok(Err(
                    "Only an application where the person started work can be followed up",
                ));
            };
            let employer_id = store::caseload::vacancy_employer(conn, app.vacancy_id)?;
            let at = store::now();
            crate::write_tx!(conn, |c| {
                let outcome = store::outcomes::record_start(
                    c,
                    &store::outcomes::NewStart {
                        profile_id: app.profile_id,
                        application_id: Some(id),
                        employer_id,
                        started_on,
                        recorded_by: Some(user_id),
                    },
                    at,
                )?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "outcome.start_recorded",
                        subject_kind: Some("profile"),
                        subject_id: Some(app.profile_id),
                        detail: Some(format!("outcome {outcome} from application {id}")),
                    },
                    at,
                )?;
                Ok::<_, StoreError>(Ok(app.profile_id))
            })
        })
        .await;
    match result {
        Ok(Ok(profile_id)) => Ok(see_other(format!(
            "/officer/profiles/{profile_id}#outcomes"
        ))),
        Ok(Err(message)) => {
            detail_page(
                &state,
                &officer,
                id,
                StatusCode::CONFLICT,
                FieldErrors::single("status", message),
                Typed::default(),
            )
            .await
        }
        Err(StoreError::Conflict(_)) => {
            detail_page(
                &state,
                &officer,
                id,
                StatusCode::CONFLICT,
                FieldErrors::single("status", "This start has already been recorded"),
                Typed::default(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
