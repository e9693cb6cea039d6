//! Applications forwarded to an employer: the inbox per vacancy, one
//! application's page and the employer's status changes (interview, offer,
//! started, unsuccessful). The employer sees a pseudonymous candidate card
//! (`store::candidates`) and never offence, licence or barred information.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;

use super::vacancy_form::DateParts;
use super::{member_of, see_other};
use crate::app::applications::employer::{self as answers, Shown};
use crate::app::{self, Failure};
use crate::domain::application::{ApplicationStatus, Role, UnsuccessfulReason};
use crate::domain::FieldErrors;
use crate::store::applications::{self as app_store, Application, Change, InboxFilter};
use crate::store::candidates::Candidate;
use crate::web::auth::EmployerMember;
use crate::web::errors::AppError;
use crate::web::extract::On;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

/// What the employer sees of one application: the pseudonym and the
/// status, with the full card while the application is open, or the date
/// of the outcome once it has ended.
pub struct Card {
    pub application_id: i64,
    pub status: &'static str,
    pub pseudonym: String,
    /// None once the application has ended for the employer.
    pub full: Option<FullCard>,
    /// When the outcome was reached, on an ended application.
    pub outcome_on: Option<NaiveDate>,
    /// The disclosure letter the person chose to send (open applications
    /// only).
    pub letter: Option<crate::web::terminal::seeker::LetterView>,
}

/// Puts on each open card the disclosure letter sent with it, if any;
/// every letter shown is audited.
async fn with_letters(
    state: &AppState,
    member: &EmployerMember,
    mut cards: Vec<Card>,
) -> Result<Vec<Card>, AppError> {
    let open: Vec<i64> = cards
        .iter()
        .filter(|c| c.full.is_some())
        .map(|c| c.application_id)
        .collect();
    if open.is_empty() {
        return Ok(cards);
    }
    let by = member_of(member);
    let letters = app::run(&state.store, move |conn| {
        crate::app::disclosure::attached_for_employer(conn, &by, &open)
    })
    .await?;
    for card in cards.iter_mut() {
        if let Some((_, a)) = letters.iter().find(|(id, _)| *id == card.application_id) {
            card.letter = Some(crate::web::terminal::seeker::LetterView::attached(a));
        }
    }
    Ok(cards)
}

/// A candidate card with labels instead of slugs.
pub struct FullCard {
    pub statement: String,
    pub candidate: Candidate,
    pub skills: Vec<String>,
    pub certificates: Vec<String>,
    pub interview_at: Option<NaiveDateTime>,
    pub start_date: Option<NaiveDate>,
    /// The CV the person chose to send, as it was when sent.
    pub cv: Option<crate::web::terminal::seeker::CvLines>,
}

/// The CVs sent with the applications shown, by application id.
type SentCvs = std::collections::HashMap<i64, crate::domain::cv::Snapshot>;

fn card_of(state: &AppState, application: &Application, shown: Shown, cvs: &mut SentCvs) -> Card {
    let (full, pseudonym, outcome_on) = match shown {
        Shown::Card(candidate) => {
            let pseudonym = candidate.pseudonym.clone();
            let mut full = full_card(state, application, candidate);
            full.cv = cvs.remove(&application.id).map(|snapshot| {
                let english = crate::web::i18n::Messages::new(crate::web::i18n::Lang::En);
                crate::web::terminal::seeker::CvLines::of(english, &snapshot)
            });
            (Some(full), pseudonym, None)
        }
        Shown::Ended {
            pseudonym,
            outcome_on,
        } => (None, pseudonym, outcome_on),
    };
    Card {
        application_id: application.id,
        status: application.status.label(),
        pseudonym,
        full,
        outcome_on,
        letter: None,
    }
}

fn full_card(state: &AppState, application: &Application, candidate: Candidate) -> FullCard {
    let t = &state.taxonomy;
    FullCard {
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
        cv: None,
    }
}

#[derive(Template)]
#[template(path = "employer/applications.html")]
struct InboxPage {
    chrome: Chrome,
    vacancy_id: i64,
    title: String,
    cards: Vec<Card>,
    total: i64,
    page: i64,
    pages: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
}

/// Cards a page of one vacancy's applications shows.
pub const CARDS_PAGE: i64 = 20;

#[derive(Deserialize)]
pub struct CardsQuery {
    #[serde(default)]
    page: String,
}

/// Every application forwarded to one vacancy, as cards, oldest first,
/// [`CARDS_PAGE`] a page with the total. A page that is not a number is a
/// 400 that says so; one past the end leads to the last page.
pub async fn inbox(
    on: On<EmployerMember>,
    query: web::Query<CardsQuery>,
) -> Result<HttpResponse, AppError> {
    let requested = match query.page.trim() {
        "" => 1,
        text => match text.parse::<i64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => n,
            _ => {
                return Err(AppError::BadRequest(
                    "The page must be a whole number of 1 or more.".into(),
                ))
            }
        },
    };
    let (by, vacancy_id) = (member_of(&on.actor), on.id);
    let (taxonomy, state, member) = (on.state.taxonomy.clone(), on.state, on.actor);
    let window = (CARDS_PAGE, (requested - 1) * CARDS_PAGE);
    let (found, mut cvs) = app::run(&state.store, move |conn| {
        let found = answers::for_vacancy(conn, &by, vacancy_id, (&taxonomy, today()), window)?;
        let cvs = app::cvs::for_carded(conn, &found.rows)?;
        Ok::<_, Failure>((found, cvs))
    })
    .await?;
    let pages = ((found.total + CARDS_PAGE - 1) / CARDS_PAGE).max(1);
    let link = |p: i64| format!("/employer/vacancies/{vacancy_id}/applications?page={p}");
    if requested > pages {
        return Ok(see_other(link(pages)));
    }
    let cards = found
        .rows
        .into_iter()
        .map(|(a, c)| card_of(&state, &a, c, &mut cvs))
        .collect();
    let cards = with_letters(&state, &member, cards).await?;
    Ok(page(
        StatusCode::OK,
        &InboxPage {
            chrome: Chrome::of(&member.ctx),
            vacancy_id,
            title: found.title,
            cards,
            total: found.total,
            page: requested,
            pages,
            prev_link: (requested > 1).then(|| link(requested - 1)),
            next_link: (requested < pages).then(|| link(requested + 1)),
        },
    ))
}

/// The day what an employer sees is judged on.
fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Applications a page of the employer's inbox shows.
pub const INBOX_PAGE: i64 = 20;

/// One line of the inbox across vacancies.
pub struct InboxRow {
    pub application_id: i64,
    /// The pseudonym, or the name when the person agreed to share it
    /// (never once the application has ended).
    pub candidate: String,
    pub vacancy_id: i64,
    pub vacancy_title: String,
    pub status: &'static str,
    pub received: NaiveDate,
}

#[derive(Default, Deserialize)]
pub struct InboxQuery {
    #[serde(default)]
    vacancy: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
}

#[derive(Template)]
#[template(path = "employer/inbox.html")]
struct AllApplicationsPage {
    chrome: Chrome,
    errors: FieldErrors,
    vacancy: String,
    status: String,
    vacancies: Vec<(i64, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<InboxRow>,
    total: i64,
    page: i64,
    pages: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
}

/// The statuses an application can have once it reached the employer.
pub const EMPLOYER_STATUSES: [ApplicationStatus; 6] = ApplicationStatus::FORWARDED_ONWARDS;

fn inbox_link(vacancy: &str, status: &str, page: i64) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    if !vacancy.is_empty() {
        out.append_pair("vacancy", vacancy);
    }
    if !status.is_empty() {
        out.append_pair("status", status);
    }
    out.append_pair("page", &page.to_string());
    format!("/employer/applications?{}", out.finish())
}

/// The inbox's filters read from the query: the filter, the page asked
/// for, and what is wrong with them. `vacancies` are the employer's own.
fn read_filter(
    vacancy: &str,
    status: &str,
    page_text: &str,
    vacancies: &[(i64, String)],
) -> (InboxFilter, i64, FieldErrors) {
    let mut errors = FieldErrors::new();
    let mut filter = InboxFilter::default();
    if !vacancy.is_empty() {
        match vacancy.parse::<i64>() {
            Ok(id) if vacancies.iter().any(|(v, _)| *v == id) => filter.vacancy_id = Some(id),
            _ => errors.add("vacancy", "Choose one of your vacancies from the list"),
        }
    }
    if !status.is_empty() {
        match ApplicationStatus::parse(status) {
            Ok(s) if EMPLOYER_STATUSES.contains(&s) => filter.status = Some(s),
            _ => errors.add("status", "Choose a status from the list"),
        }
    }
    let requested_page = match page_text.trim() {
        "" => 1,
        text => match text.parse::<i64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => n,
            _ => {
                errors.add("page", "Use a page number of 1 or more");
                1
            }
        },
    };
    (filter, requested_page, errors)
}

/// One page of the inbox as lines: the candidate's name or pseudonym, the
/// vacancy and the stage.
async fn inbox_rows(
    state: &AppState,
    member: &EmployerMember,
    filter: InboxFilter,
    requested_page: i64,
) -> Result<(Vec<InboxRow>, i64), AppError> {
    let by = member_of(member);
    let offset = (requested_page - 1) * INBOX_PAGE;
    let (found, total) = app::run(&state.store, move |conn| {
        answers::inbox(conn, &by, &filter, (INBOX_PAGE, offset), today())
    })
    .await?;
    let rows = found
        .into_iter()
        .map(|((application, shown), title)| InboxRow {
            application_id: application.id,
            candidate: match shown {
                Shown::Card(c) => c.name.unwrap_or(c.pseudonym),
                Shown::Ended { pseudonym, .. } => pseudonym,
            },
            vacancy_id: application.vacancy_id,
            vacancy_title: title,
            status: application.status.label(),
            received: application.created_at.date(),
        })
        .collect();
    Ok((rows, total))
}

/// Every application forwarded to this employer, across its vacancies,
/// newest first, filtered by vacancy and status and paged with the total.
pub async fn all(
    state: web::Data<AppState>,
    member: EmployerMember,
    query: web::Query<InboxQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let vacancy = query.vacancy.trim().to_string();
    let status = query.status.trim().to_string();
    let by = member_of(&member);
    let vacancies = app::run(&state.store, move |conn| app::vacancies::titles(conn, &by)).await?;
    let (filter, requested_page, errors) = read_filter(&vacancy, &status, &query.page, &vacancies);
    let (found, total) = if errors.is_empty() {
        inbox_rows(&state, &member, filter, requested_page).await?
    } else {
        (Vec::new(), 0)
    };
    let pages = ((total + INBOX_PAGE - 1) / INBOX_PAGE).max(1);
    let http_status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page(
        http_status,
        &AllApplicationsPage {
            chrome: Chrome::of(&member.ctx),
            errors,
            prev_link: (requested_page > 1)
                .then(|| inbox_link(&vacancy, &status, (requested_page - 1).min(pages))),
            next_link: (requested_page < pages)
                .then(|| inbox_link(&vacancy, &status, requested_page + 1)),
            vacancy,
            status,
            vacancies,
            statuses: EMPLOYER_STATUSES
                .iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            rows: found,
            total,
            page: requested_page,
            pages,
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
    /// A date as one text (ISO or dd/mm/yyyy), as older forms sent it.
    #[serde(default)]
    pub interview_date: String,
    #[serde(default)]
    pub interview_date_day: String,
    #[serde(default)]
    pub interview_date_month: String,
    #[serde(default)]
    pub interview_date_year: String,
    #[serde(default)]
    pub interview_time: String,
    #[serde(default)]
    pub start_date: String,
    #[serde(default)]
    pub start_date_day: String,
    #[serde(default)]
    pub start_date_month: String,
    #[serde(default)]
    pub start_date_year: String,
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
    let by = member_of(member);
    let (
        answers::Detail {
            application,
            shown,
            vacancy_title: title,
            events,
        },
        mut cvs,
    ) = app::run(&state.store, move |conn| {
        let detail = answers::detail(conn, &by, id, today())?;
        let cvs = app::cvs::for_cards(conn, [(&detail.application, &detail.shown)])?;
        Ok::<_, Failure>((detail, cvs))
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
    let choices = match shown {
        Shown::Card(_) => choices(application.status),
        Shown::Ended { .. } => Vec::new(),
    };
    let card = with_letters(
        state,
        member,
        vec![card_of(state, &application, shown, &mut cvs)],
    )
    .await?
    .pop()
    .ok_or(AppError::NotFound)?;
    Ok(page(
        status,
        &ApplicationPage {
            chrome: Chrome::of(&member.ctx),
            card,
            vacancy_id,
            vacancy_title: title,
            steps,
            errors: feedback.errors,
            problem: feedback.problem,
            done: feedback.done,
            form: feedback.form,
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
    on: On<EmployerMember>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    application_page(
        &on.state,
        &on.actor,
        on.id,
        StatusCode::OK,
        Feedback {
            done: query.done.is_some(),
            ..Feedback::none()
        },
    )
    .await
}

impl StatusForm {
    pub fn interview_parts(&self) -> DateParts {
        DateParts {
            day: self.interview_date_day.clone(),
            month: self.interview_date_month.clone(),
            year: self.interview_date_year.clone(),
        }
    }

    pub fn start_parts(&self) -> DateParts {
        DateParts {
            day: self.start_date_day.clone(),
            month: self.start_date_month.clone(),
            year: self.start_date_year.clone(),
        }
    }

    /// The id of the note box of the choice `value`: the submitted form's
    /// box is "note", so its error and the summary's link find it.
    pub fn note_id(&self, value: &str) -> String {
        if self.status == value {
            "note".into()
        } else {
            format!("note_{value}")
        }
    }
}

/// Reads the form into a change; problems only the form can have (a date
/// that cannot be read) are reported by field.
fn change_of(form: &StatusForm) -> (Change, FieldErrors) {
    let mut errors = FieldErrors::new();
    let to = ApplicationStatus::parse(form.status.trim()).ok();
    if to.is_none() {
        errors.add("status", "Choose what happened");
    }
    let date = |parts: DateParts,
                text: &str,
                field: &str,
                what: &str,
                errors: &mut FieldErrors|
     -> Option<NaiveDate> {
        if !parts.is_empty() {
            return parts.read(what).map_err(|m| errors.add(field, m)).ok();
        }
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
            let day = date(
                form.interview_parts(),
                &form.interview_date,
                "interview_at",
                "interview date",
                &mut errors,
            );
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
            change.start_date = date(
                form.start_parts(),
                &form.start_date,
                "start_date",
                "first day",
                &mut errors,
            );
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

/// The form's own problems and the domain's checks of the change, by
/// field (a field the form already faulted keeps the form's message).
fn check_form(form: &StatusForm) -> (Change, FieldErrors) {
    let (change, mut errors) = change_of(form);
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
    let by = member_of(&member);
    // Out of scope (or never forwarded) is not found.
    {
        let by = by.clone();
        app::run(&state.store, move |conn| answers::get(conn, &by, id)).await?;
    }
    let (change, errors) = check_form(&form);
    if !errors.is_empty() {
        let feedback = Feedback {
            errors,
            form,
            ..Feedback::none()
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return application_page(&state, &member, id, status, feedback).await;
    }
    let config = state.config.clone();
    let result = app::run(&state.store, move |conn| {
        answers::answer(conn, &config, &by, id, &change)
    })
    .await;
    let (status, feedback) = match result {
        Ok(_) => return Ok(see_other(format!("/employer/applications/{id}?done=1"))),
        Err(Failure::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Feedback {
                errors,
                form,
                ..Feedback::none()
            },
        ),
        Err(Failure::Conflict(refused)) => (
            StatusCode::CONFLICT,
            Feedback {
                problem: Some(format!(
                    "This change is not possible: {}. Reload the page to see where the application is now.",
                    refused
                )),
                form,
                ..Feedback::none()
            },
        ),
        Err(other) => return Err(other.into()),
    };
    application_page(&state, &member, id, status, feedback).await
}
