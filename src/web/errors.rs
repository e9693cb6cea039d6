//! How failures reach people: JSON routes answer with a status and field
//! errors, pages with a readable message. Nothing a user can type produces
//! a 500; a real fault is logged and answered without internal detail.

use actix_web::http::StatusCode;
use actix_web::{error, HttpRequest, HttpResponse, ResponseError};
use serde_json::json;

use crate::domain::FieldErrors;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("the request is invalid")]
    Invalid(FieldErrors),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(m) => Self::Conflict(m),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let body = match self {
            Self::Invalid(fields) => {
                json!({ "error": "invalid", "message": "Some fields need correcting", "fields": fields })
            }
            Self::NotFound => {
                json!({ "error": "not_found", "message": "Nothing was found at this address" })
            }
            Self::BadRequest(m) => json!({ "error": "bad_request", "message": m }),
            Self::Conflict(m) => json!({ "error": "conflict", "message": m }),
            Self::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                json!({ "error": "internal", "message": "Something went wrong on our side. Please try again." })
            }
        };
        HttpResponse::build(status).json(body)
    }
}

fn bad_request(message: String) -> actix_web::Error {
    AppError::BadRequest(message).into()
}

pub fn json_error(err: error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let message = match &err {
        error::JsonPayloadError::ContentType => "Send the body as application/json".to_string(),
        error::JsonPayloadError::Overflow { limit }
        | error::JsonPayloadError::OverflowKnownLength { limit, .. } => {
            format!("The body is larger than {limit} bytes")
        }
        error::JsonPayloadError::Deserialize(e) => format!("The JSON body could not be read: {e}"),
        other => format!("The JSON body could not be read: {other}"),
    };
    bad_request(message)
}

pub fn form_error(err: error::UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    bad_request(format!("The form could not be read: {err}"))
}

pub fn query_error(err: error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    bad_request(format!(
        "The address has a parameter that could not be read: {err}"
    ))
}

pub fn path_error(err: error::PathError, _req: &HttpRequest) -> actix_web::Error {
    let _ = err;
    AppError::NotFound.into()
}

pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if req.path().starts_with("/api/") {
        AppError::NotFound.error_response()
    } else {
        super::pages::render_status(
            StatusCode::NOT_FOUND,
            "Page not found",
            "If you typed the address, check it is correct.",
        )
    }
}
