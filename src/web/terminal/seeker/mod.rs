//! A signed-in job seeker's pages on a terminal: the jobs their officer
//! approved for them, keyword search, a vacancy in plain words, saying "I'm
//! interested" with a statement (drafts kept on the server), and their
//! applications with the chance to withdraw.
//!
//! Only vacancies `domain::matching::assess` finds the person eligible for
//! are ever shown; any other vacancy id answers the same 404 as one that does
//! not exist. URLs carry vacancy ids only, never anything about the person.
//! The JSON twins of these pages (for terminal vendors' own apps) share the
//! same loading code (see `terminal::api`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Timelike;
use serde::Deserialize;

use super::Frame;
use crate::domain::application::ApplicationStatus;
use crate::domain::matching::{Assessment, Reason};
use crate::domain::profile::Profile;
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::{ContractType, PayPeriod, Vacancy, VacancyStatus, Workplace};
use crate::domain::FieldErrors;
use crate::matches::{Page, Paging};
use crate::search::{Near, VacancySearch};
use crate::store::applications::{self as apps, Application, STATEMENT_MAX};
use crate::store::StoreError;
use crate::web::account::redirect;
use crate::web::auth::Seeker;
use crate::web::errors::AppError;
use crate::web::i18n::Messages;
use crate::web::pages::page;
use crate::web::AppState;

mod applications;
mod apply;
mod cv;
mod disclosure;
mod drafts;
mod find;
mod jobs;
mod words;

pub use applications::*;
pub use apply::*;
pub use cv::*;
pub use disclosure::*;
pub use drafts::*;
pub use find::*;
pub use jobs::*;
pub use words::*;

/// Results on one page of "Find jobs", "Jobs for you" and "My
/// applications".
pub const PAGE_SIZE: usize = 10;
/// Longest search text.
pub const WORDS_MAX: usize = 100;
/// The distances a person may choose, in miles.
pub const DISTANCES_MILES: [u32; 4] = [5, 10, 25, 50];
const KM_PER_MILE: f64 = 1.609_344;
/// "Full time" is 30 hours a week or more; "part time" is anything less.
const FULL_TIME_HOURS: f64 = 30.0;
/// The most hours a "part time" job has: hours are whole or in hundredths.
const PART_TIME_MAX_HOURS: f64 = 29.99;

/// Names the employer of each listing on a page, in one query.
async fn name_employers(state: &AppState, listings: &mut [Listing]) -> Result<(), StoreError> {
    let ids: Vec<i64> = listings.iter().map(|l| l.employer_id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let names = crate::app::seekers::employer_names(state, ids).await?;
    for listing in listings.iter_mut() {
        if let Some(name) = names.get(&listing.employer_id) {
            listing.employer = name.clone();
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Loading, shared with the JSON API: the use cases are in `app::seekers`.

pub use crate::app::seekers::{
    application_and_draft, approved_matches, eligible_vacancy, load_profile, today,
};

pub use crate::app::applications::seeker::SeekerError;

impl From<SeekerError> for AppError {
    fn from(e: SeekerError) -> Self {
        match e {
            SeekerError::NotFound => AppError::NotFound,
            SeekerError::Invalid(fields) => AppError::BadRequest(fields.to_string()),
            SeekerError::Internal(m) => AppError::Internal(m),
        }
    }
}

impl From<SeekerError> for crate::web::errors::ApiError {
    fn from(e: SeekerError) -> Self {
        match e {
            SeekerError::NotFound => Self::NotFound,
            SeekerError::Invalid(fields) => Self::Invalid(fields),
            SeekerError::Internal(m) => Self::Internal(m),
        }
    }
}

/// The page number asked for in a query string: a whole number from 1;
/// anything else is page 1.
pub fn page_number(raw: &str) -> usize {
    raw.trim().parse::<usize>().unwrap_or(1).max(1)
}

/// Where page `page` (from 1) of a list of `len` items lies, ten a page;
/// empty past the end.
fn page_range(len: usize, page: usize) -> std::ops::Range<usize> {
    let start = page.saturating_sub(1).saturating_mul(PAGE_SIZE).min(len);
    start..start.saturating_add(PAGE_SIZE).min(len)
}

/// Page `page` (from 1) of a list, ten a page.
pub fn page_of<T>(items: &[T], page: usize) -> &[T] {
    &items[page_range(items.len(), page)]
}

/// How many pages of ten a list of `len` items fills (at least 1).
pub fn pages_of(len: usize) -> usize {
    len.div_ceil(PAGE_SIZE).max(1)
}

/// One job in a list.
pub struct Listing {
    pub id: i64,
    pub employer_id: i64,
    pub title: String,
    /// The employer's name (filled in for the page shown).
    pub employer: String,
    pub place: String,
    pub pay: String,
    pub hours: String,
    pub reasons: Vec<String>,
}

fn listing(t: Messages, vacancy: &Vacancy, assessment: &Assessment) -> Listing {
    Listing {
        id: vacancy.id,
        employer_id: vacancy.employer_id,
        title: vacancy.details.title().to_string(),
        employer: String::new(),
        place: place_text(t, vacancy),
        pay: pay_text(t, vacancy),
        hours: hours_text(t, vacancy),
        reasons: plain_reasons(t, assessment),
    }
}

// ---------------------------------------------------------------------------
// Pages.

fn not_found(f: Frame) -> HttpResponse {
    page(StatusCode::NOT_FOUND, &NotFoundPage { f })
}

#[derive(Template)]
#[template(path = "terminal/not_found.html")]
struct NotFoundPage {
    f: Frame,
}

/// Answers a seeker error as a terminal page (404 in the person's
/// language) or the shared error page.
fn seeker_page_error(f: Frame, e: SeekerError) -> Result<HttpResponse, AppError> {
    match e {
        SeekerError::NotFound => Ok(not_found(f)),
        other => Err(other.into()),
    }
}

/// Every page about one vacancy: the frame, the person's profile and the
/// vacancy, handed to `then` if they are eligible for it today; any other id
/// is the terminal's not-found page, other failures the error page.
async fn on_vacancy<F, Fut>(
    state: &AppState,
    seeker: &Seeker,
    req: &HttpRequest,
    path: web::Path<i64>,
    then: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(Visit) -> Fut,
    Fut: std::future::Future<Output = Result<HttpResponse, AppError>>,
{
    let id = path.into_inner();
    let f = Frame::signed_in(seeker, req);
    let profile = load_profile(state, seeker.seeker.profile_id).await?;
    match eligible_vacancy(state, &profile, id).await {
        Ok((vacancy, assessment, employer)) => {
            then(Visit {
                f,
                id,
                profile,
                vacancy,
                assessment,
                employer,
            })
            .await
        }
        Err(e) => seeker_page_error(f, e),
    }
}

/// What `on_vacancy` found.
struct Visit {
    f: Frame,
    id: i64,
    profile: std::sync::Arc<Profile>,
    vacancy: Vacancy,
    assessment: Assessment,
    employer: String,
}

/// Links to the pages before and after, and where this one is.
pub struct Pager {
    pub text: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// None when everything fits on one page. `link` makes the address of
    /// another page.
    fn of(t: Messages, page: usize, pages: usize, link: impl Fn(usize) -> String) -> Option<Pager> {
        (pages > 1).then(|| Pager {
            text: t.fill(
                "find.page",
                &[("page", grouped(page)), ("pages", grouped(pages))],
            ),
            previous: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        })
    }
}

/// The "page" field of a query string, for the short lists.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub page: String,
}

/// "1 job" / "12 jobs" with the catalogue's words.
fn count_text(t: Messages, n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        t.get(one).to_string()
    } else {
        t.with(many, "n", grouped(n))
    }
}
