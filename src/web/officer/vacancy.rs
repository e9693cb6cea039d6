//! A vacancy as the case officer reads it: everything the employer wrote
//! for people and officers to judge fit (the offence exclusions with their
//! reasons included), without the employer's own tools (editing, status
//! changes, applications from other services). It shows no person's data,
//! so it writes no audit row; the candidates it links to do.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::domain::vacancy::VacancyStatus;
use crate::web::auth::Officer;
use crate::web::employer::vacancies::vacancy_facts;
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "officer/vacancy.html")]
struct VacancyPage {
    chrome: Chrome,
    id: i64,
    title: String,
    employer: String,
    status: &'static str,
    open: bool,
    description: String,
    facts: Vec<(&'static str, String)>,
    exclusions: Vec<(&'static str, &'static str, String)>,
}

/// `/officer/vacancies/{id}`: a vacancy that is or was published. A draft
/// is the employer's unfinished work and is not found; a paused, filled,
/// closed or withdrawn one still opens (applications made to it link here)
/// with its status, but only a published one links to candidates.
pub async fn show(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (vacancy, employer) = crate::app::matches::published_vacancy(&state, id).await?;
    let d = &vacancy.details;
    let (facts, exclusions) = vacancy_facts(&vacancy, &state.taxonomy);
    Ok(page(
        StatusCode::OK,
        &VacancyPage {
            chrome: Chrome::of(&officer.ctx),
            id,
            title: d.title().to_string(),
            employer,
            status: vacancy.status.label(),
            open: vacancy.status == VacancyStatus::Published,
            description: d.description().to_string(),
            facts,
            exclusions,
        },
    ))
}
