//! The job queue: counts by state and the dead letters, which can be
//! retried.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::web::auth::Admin;
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

struct DeadLetter {
    id: i64,
    kind: String,
    what: String,
    attempts: i32,
    error: String,
    since: String,
}

/// Dead letters a page.
const DEAD_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/queue.html")]
struct QueuePage {
    chrome: Chrome,
    counts: Vec<(String, i64)>,
    dead: Vec<DeadLetter>,
    /// Dead letters in all, and where this page starts and ends in them.
    dead_total: i64,
    first: i64,
    last: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    page: String,
}

/// Page `page` (from 1; anything unreadable is 1) of the dead letters.
async fn queue_page(
    state: &AppState,
    admin: &Admin,
    page_number: i64,
    notice: Option<String>,
) -> Result<HttpResponse, AppError> {
    let offset = (page_number - 1).saturating_mul(DEAD_PAGE);
    let queue = crate::app::admin::queue(state, DEAD_PAGE, offset).await?;
    let dead: Vec<DeadLetter> = queue
        .dead
        .into_iter()
        .map(|job| DeadLetter {
            id: job.id,
            what: crate::notify::describe(&job.payload).unwrap_or_else(|| job.kind.clone()),
            kind: job.kind,
            attempts: job.attempts,
            error: job.last_error.unwrap_or_default(),
            since: job.updated_at.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect();
    let link = |p: i64| format!("/admin/queue?page={p}#dead");
    let shown = dead.len() as i64;
    Ok(page(
        StatusCode::OK,
        &QueuePage {
            chrome: Chrome::of(&admin.ctx),
            counts: queue.counts,
            dead_total: queue.dead_total,
            first: if shown == 0 { 0 } else { offset + 1 },
            last: offset + shown,
            prev_link: (page_number > 1).then(|| link(page_number - 1)),
            next_link: (offset + shown < queue.dead_total).then(|| link(page_number + 1)),
            dead,
            notice,
        },
    ))
}

pub async fn queue(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let page_number = query
        .page
        .trim()
        .parse::<i64>()
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    queue_page(&state, &admin, page_number, None).await
}

pub async fn retry_job(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    crate::app::admin::retry_job(&state, admin.ctx.audit_actor(), id).await?;
    queue_page(
        &state,
        &admin,
        1,
        Some(format!("Job {id} is back in the queue.")),
    )
    .await
}
