//! The case officer's pages: home and caseload, the profile editors and
//! sign-in slips, matches and candidates, applications, outcomes, a
//! vacancy as the officer sees it, and the outcome reports.

pub mod applications;
pub mod disclosure;
pub mod forms;
pub mod home;
pub mod matches;
pub mod outcomes;
pub mod profiles;
pub mod reports;
pub mod slots;
pub mod spent;
pub mod vacancy;

pub use home::{caseload, home, profile, restricted};

use actix_web::http::header;
use actix_web::HttpResponse;

use crate::app::profiles::Caseworker;
use crate::web::auth::Officer;

/// The signed-in officer, as the use cases take it.
pub fn caseworker(officer: &Officer) -> Caseworker {
    Caseworker {
        actor: officer.ctx.audit_actor(),
        service_id: officer.service_id,
        user_id: officer.actor.user_id,
    }
}

/// 303 to the page that shows what a form changed.
pub fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}
