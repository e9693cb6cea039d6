//! The JSON API under `/api/v1/`, one module per area. Handlers read the
//! request, call one use case in `crate::app` and answer JSON.

pub mod matches;
pub mod openapi;
pub mod profiles;
pub mod reference;
pub mod sessions;
pub mod slots;
pub mod vacancies;
pub mod watches;

use crate::domain::FieldErrors;

/// The highest page number a list accepts.
pub const PAGE_MAX: u32 = 1_000_000;

/// What is wrong with a list's `page` and its page size (sent as `field`,
/// at most `max`), added to `errors`.
pub fn check_paging(errors: &mut FieldErrors, page: u32, (field, per_page): (&str, u32), max: u32) {
    if page == 0 || page > PAGE_MAX {
        errors.add("page", "Use a page number of 1 or more");
    }
    if per_page == 0 || per_page > max {
        errors.add(field, format!("Use 1 to {max} items a page"));
    }
}

pub use openapi::{openapi, openapi_document};
pub use sessions::{create_session, delete_session, me};
