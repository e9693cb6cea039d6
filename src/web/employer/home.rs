//! Employer pages: the dashboard and API tokens for applicant-tracking
//! systems. Every query is scoped by the member's employer.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::member_of;
use crate::app::{self, employers};
use crate::domain::FieldErrors;
use crate::store::access::{self as access_store, ApiTokenListing, API_TOKEN_DAYS};
use crate::store::now;
use crate::store::seekers::employer_name;
use crate::web::auth::EmployerMember;
use crate::web::errors::AppError;
use crate::web::extract::On;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "employer/home.html")]
struct Home {
    chrome: Chrome,
    employer: String,
    name: String,
    live: i64,
    drafts: i64,
    /// Forwarded applications by the stage they are at, in pipeline order:
    /// status code, label, count.
    stages: Vec<(&'static str, &'static str, i64)>,
    /// Every application forwarded to this employer.
    applications: i64,
    /// Published vacancies closing within 7 days: id, title, closing date.
    closing: Vec<(i64, String, chrono::NaiveDate)>,
}

pub async fn home(
    state: web::Data<AppState>,
    member: EmployerMember,
) -> Result<HttpResponse, AppError> {
    let employer_id = member.employer_id;
    let today = chrono::Utc::now().date_naive();
    let soon = today + chrono::Duration::days(7);
    let (employer, vacancies, forwarded) = state
        .store
        .run(move |conn| {
            let name = employer_name(conn, employer_id)?;
            let vacancies = crate::store::vacancies::ids_for_employer(conn, employer_id)?;
            let forwarded =
                crate::store::applications::forwarded_heads_for_employer(conn, employer_id)?;
            Ok((name, vacancies, forwarded))
        })
        .await?;
    let count = |status: &str| vacancies.iter().filter(|v| v.2 == status).count() as i64;
    // A published vacancy whose closing date has passed is no longer live,
    // even before the worker's daily pass marks it closed.
    let live = vacancies
        .iter()
        .filter(|v| v.2 == "published" && v.3.is_none_or(|closing| closing >= today))
        .count() as i64;
    let stages = super::applications::EMPLOYER_STATUSES
        .into_iter()
        .map(|s| {
            (
                s.as_str(),
                s.label(),
                forwarded.iter().filter(|(_, a)| *a == s).count() as i64,
            )
        })
        .collect();
    let applications = forwarded.len() as i64;
    let closing = vacancies
        .iter()
        .filter(|v| v.2 == "published")
        .filter_map(|(id, title, _, closing)| {
            closing
                .filter(|d| *d >= today && *d <= soon)
                .map(|d| (*id, title.clone(), d))
        })
        .collect();
    Ok(page(
        StatusCode::OK,
        &Home {
            chrome: Chrome::of(&member.ctx),
            employer,
            name: member.actor.name.clone(),
            live,
            drafts: count("draft"),
            stages,
            applications,
            closing,
        },
    ))
}

#[derive(Template)]
#[template(path = "employer/tokens.html")]
struct TokensPage {
    chrome: Chrome,
    errors: FieldErrors,
    employer: String,
    tokens: Vec<ApiTokenListing>,
    created: Option<String>,
    name: String,
    days: String,
    now: NaiveDateTime,
    /// Where the JSON API lives, from the base URL.
    api_base: String,
}

async fn tokens_page(
    state: &AppState,
    member: &EmployerMember,
    status: StatusCode,
    errors: FieldErrors,
    created: Option<String>,
    name: String,
    days: String,
) -> Result<HttpResponse, AppError> {
    let employer_id = member.employer_id;
    let (employer, tokens) = state
        .store
        .run(move |conn| {
            Ok((
                employer_name(conn, employer_id)?,
                access_store::list_api_tokens(conn, employer_id)?,
            ))
        })
        .await?;
    Ok(page(
        status,
        &TokensPage {
            chrome: Chrome::of(&member.ctx),
            errors,
            employer,
            tokens,
            created,
            name,
            days,
            now: now(),
            api_base: crate::notify::link(&state.config, "/api/v1/"),
        },
    ))
}

/// The tokens page with an empty form; `created` is a new token's secret,
/// shown once.
async fn fresh_tokens_page(
    state: &AppState,
    member: &EmployerMember,
    created: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (status, errors) = (StatusCode::OK, FieldErrors::new());
    let days = API_TOKEN_DAYS.to_string();
    tokens_page(state, member, status, errors, created, String::new(), days).await
}

pub async fn tokens(
    state: web::Data<AppState>,
    member: EmployerMember,
) -> Result<HttpResponse, AppError> {
    fresh_tokens_page(&state, &member, None).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    /// Days until the token stops working; blank means the longest allowed.
    #[serde(default)]
    expires_in_days: String,
}

/// What is wrong with a token request, by field.
fn check_token_form(name: &str, days: &str) -> Result<i64, FieldErrors> {
    let mut errors = FieldErrors::new();
    if name.is_empty() {
        errors.add("name", "Enter what the token is for");
    } else if name.chars().count() > 80 {
        errors.add("name", "Use 80 characters or fewer");
    }
    let days = if days.is_empty() {
        Some(API_TOKEN_DAYS)
    } else {
        days.parse::<i64>()
            .ok()
            .filter(|d| (1..=API_TOKEN_DAYS).contains(d))
    };
    if days.is_none() {
        errors.add(
            "expires_in_days",
            format!("Enter a number of days from 1 to {API_TOKEN_DAYS}"),
        );
    }
    match days {
        Some(days) if errors.is_empty() => Ok(days),
        _ => Err(errors),
    }
}

pub async fn create_token(
    state: web::Data<AppState>,
    member: EmployerMember,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let name = form.name.trim().to_string();
    let days_text = form.expires_in_days.trim().to_string();
    let days = match check_token_form(&name, &days_text) {
        Ok(days) => days,
        Err(errors) => {
            return tokens_page(
                &state,
                &member,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                None,
                name,
                days_text,
            )
            .await;
        }
    };
    let by = member_of(&member);
    let secret = {
        let name = name.clone();
        app::run(&state.store, move |conn| {
            employers::create_token(conn, &by, &name, days)
        })
        .await?
    };
    fresh_tokens_page(&state, &member, Some(secret)).await
}

pub async fn revoke_token(on: On<EmployerMember>) -> Result<HttpResponse, AppError> {
    let (by, id) = (member_of(&on.actor), on.id);
    app::run(&on.state.store, move |conn| {
        employers::revoke_token(conn, &by, id)
    })
    .await?;
    fresh_tokens_page(&on.state, &on.actor, None).await
}

const VACANCY_PAGE: i64 = 25;

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "employer/vacancies.html")]
struct VacanciesPage {
    chrome: Chrome,
    rows: Vec<crate::store::vacancies::VacancyListing>,
    /// Applications forwarded, per vacancy id on this page.
    counts: std::collections::HashMap<i64, i64>,
    total: i64,
    page: u32,
    pages: u32,
    has_more: bool,
}

impl VacanciesPage {
    fn applications(&self, id: &i64) -> i64 {
        self.counts.get(id).copied().unwrap_or(0)
    }
}

pub async fn vacancies(
    state: web::Data<AppState>,
    member: EmployerMember,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page_number = query.page.unwrap_or(1).clamp(1, 100_000);
    let employer_id = member.employer_id;
    let (rows, total, forwarded) = state
        .store
        .run(move |conn| {
            let (rows, total) = crate::store::vacancies::list_for_employer(
                conn,
                employer_id,
                VACANCY_PAGE,
                (i64::from(page_number) - 1) * VACANCY_PAGE,
            )?;
            let forwarded =
                crate::store::applications::forwarded_heads_for_employer(conn, employer_id)?;
            Ok((rows, total, forwarded))
        })
        .await?;
    let mut counts = std::collections::HashMap::new();
    for (vacancy_id, _) in forwarded {
        *counts.entry(vacancy_id).or_insert(0) += 1;
    }
    let pages = u32::try_from(((total + VACANCY_PAGE - 1) / VACANCY_PAGE).max(1)).unwrap_or(1);
    let has_more = i64::from(page_number) * VACANCY_PAGE < total;
    Ok(page(
        StatusCode::OK,
        &VacanciesPage {
            chrome: Chrome::of(&member.ctx),
            rows,
            counts,
            total,
            page: page_number,
            pages,
            has_more,
        },
    ))
}
