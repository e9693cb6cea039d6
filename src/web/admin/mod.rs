//! Administrator pages: users, terminals, integration tokens, the audit log
//! and the job queue. The use cases are in `app::accounts`,
//! `app::terminals`, `app::integrations` and `app::admin`.

mod audit;
mod integrations;
mod processing;
mod queue;
mod terminals;
mod users;

pub use audit::*;
pub use integrations::*;
pub use processing::*;
pub use queue::*;
pub use terminals::*;
pub use users::*;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::web::auth::Admin;
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    users: usize,
    terminals: usize,
    /// Employers whose request to join waits for a decision.
    pending_employers: usize,
    retention: crate::app::retention::Next,
}

pub async fn dashboard(state: web::Data<AppState>, admin: Admin) -> Result<HttpResponse, AppError> {
    let counts = crate::app::admin::overview(&state).await?;
    Ok(page(
        StatusCode::OK,
        &Dashboard {
            chrome: Chrome::of(&admin.ctx),
            users: counts.users,
            terminals: counts.terminals,
            pending_employers: counts.pending_employers,
            retention: counts.retention,
        },
    ))
}
