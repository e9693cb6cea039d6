//! The JSON API under `/api/v1/`, one module per area. Handlers read the
//! request, call one use case in `crate::app` and answer JSON.

pub mod matches;
pub mod openapi;
pub mod reference;
pub mod sessions;
pub mod vacancies;

pub use openapi::{openapi, openapi_document};
pub use sessions::{create_session, delete_session, me};
