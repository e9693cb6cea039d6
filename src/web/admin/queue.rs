//! The job queue: counts by state and the dead letters, which can be
//! retried.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

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

#[derive(Template)]
#[template(path = "admin/queue.html")]
struct QueuePage {
    chrome: Chrome,
    counts: Vec<(String, i64)>,
    dead: Vec<DeadLetter>,
    notice: Option<String>,
}

async fn queue_page(
    state: &AppState,
    admin: &Admin,
    notice: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (counts, dead) = state
        .store
        .run(|conn| {
            Ok((
                crate::store::jobs::counts(conn)?,
                crate::store::jobs::list(conn, "dead", 200)?,
            ))
        })
        .await?;
    let dead = dead
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
    Ok(page(
        StatusCode::OK,
        &QueuePage {
            chrome: Chrome::of(&admin.ctx),
            counts,
            dead,
            notice,
        },
    ))
}

pub async fn queue(state: web::Data<AppState>, admin: Admin) -> Result<HttpResponse, AppError> {
    queue_page(&state, &admin, None).await
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
        Some(format!("Job {id} is back in the queue.")),
    )
    .await
}
