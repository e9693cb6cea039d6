//! The employer's pages: the home page and API tokens, the vacancy editor
//! and its lifecycle, the CSV import, the applications forwarded to the
//! employer, and employer accounts (sign-up, the administrator's review,
//! invitations). Every handler reads its input, calls one use case in
//! `crate::app` and renders the answer.

pub mod applications;
pub mod home;
pub mod import;
pub mod signup;
pub mod slots;
pub mod vacancies;
pub mod vacancy_form;

use actix_web::http::header;
use actix_web::HttpResponse;

/// Today's date (UTC), the day the editor's date rules are judged against.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// A 303 redirect to `location`, after a form was handled.
pub fn see_other(location: impl Into<String>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.into()))
        .finish()
}

/// The member as the use cases know them: the organisation every change is
/// scoped by, the person, and who the audit log names.
pub fn member_of(member: &crate::web::auth::EmployerMember) -> crate::app::employers::Member {
    crate::app::employers::Member {
        employer_id: member.employer_id,
        user_id: member.actor.user_id,
        audit: member.ctx.audit_actor(),
    }
}
