//! How failures reach people: JSON routes answer with a status and field
//! errors, pages with a readable message. Nothing a user can type produces
//! a 500; a real fault is logged and answered without internal detail.

use actix_web::http::StatusCode;
use actix_web::{error, HttpRequest, HttpResponse, ResponseError};
use serde_json::json;

use crate::access::hashing::{HashingError, RETRY_AFTER_SECONDS};
use crate::domain::FieldErrors;
use crate::store::StoreError;

/// A failure on a page: answered with a readable HTML page.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    /// Every hashing slot stayed busy: come back in a moment.
    #[error("busy")]
    Busy { retry_after: i64 },
    #[error("internal error")]
    Internal(String),
}

impl From<HashingError> for AppError {
    fn from(e: HashingError) -> Self {
        match e {
            HashingError::Busy => Self::Busy {
                retry_after: RETRY_AFTER_SECONDS,
            },
            HashingError::Failed(m) => Self::Internal(m),
        }
    }
}

impl From<HashingError> for ApiError {
    fn from(e: HashingError) -> Self {
        match e {
            HashingError::Busy => Self::TooManyRequests {
                retry_after: RETRY_AFTER_SECONDS,
                message: "The service is busy. Try again in a moment.".into(),
            },
            HashingError::Failed(m) => Self::Internal(m),
        }
    }
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
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Busy { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            Self::Busy { retry_after } => {
                let mut res = super::pages::render_status(
                    status,
                    "The service is busy",
                    "Wait a moment, then go back and try again.",
                );
                res.headers_mut()
                    .insert(actix_web::http::header::RETRY_AFTER, (*retry_after).into());
                res
            }
            Self::NotFound => super::pages::render_status(
                status,
                "Page not found",
                "There is nothing here, or you do not have access to it. Check the address or go back.",
            ),
            Self::BadRequest(m) => super::pages::render_status(status, "There is a problem with this request", m),
            Self::Conflict(m) => super::pages::render_status(status, "This could not be saved", m),
            Self::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                super::pages::render_status(status, "Sorry, there is a problem with the service", "Please try again later.")
            }
        }
    }
}

/// A failure in the JSON API: a status and a body with field errors where
/// there are any.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("the request is invalid")]
    Invalid(FieldErrors),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("too many requests")]
    TooManyRequests { retry_after: i64, message: String },
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(m) => Self::Conflict(m),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
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
            Self::Unauthorized(m) => json!({ "error": "unauthenticated", "message": m }),
            Self::Forbidden(m) => json!({ "error": "forbidden", "message": m }),
            Self::Conflict(m) => json!({ "error": "conflict", "message": m }),
            Self::TooManyRequests { message, .. } => {
                json!({ "error": "too_many_requests", "message": message })
            }
            Self::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                json!({ "error": "internal", "message": "Something went wrong on our side. Please try again." })
            }
        };
        let mut res = HttpResponse::build(status).json(body);
        if let Self::TooManyRequests { retry_after, .. } = self {
            res.headers_mut()
                .insert(actix_web::http::header::RETRY_AFTER, (*retry_after).into());
        }
        res
    }
}

/// Body and parameter errors: JSON under /api/, a page elsewhere.
fn bad_request(req: &HttpRequest, message: String) -> actix_web::Error {
    if req.path().starts_with("/api/") {
        ApiError::BadRequest(message).into()
    } else {
        AppError::BadRequest(message).into()
    }
}

pub fn json_error(err: error::JsonPayloadError, req: &HttpRequest) -> actix_web::Error {
    let message = match &err {
        error::JsonPayloadError::ContentType => "Send the body as application/json".to_string(),
        error::JsonPayloadError::Overflow { limit }
        | error::JsonPayloadError::OverflowKnownLength { limit, .. } => {
            format!("The body is larger than {limit} bytes")
        }
        error::JsonPayloadError::Deserialize(e) => format!("The JSON body could not be read: {e}"),
        other => format!("The JSON body could not be read: {other}"),
    };
    bad_request(req, message)
}

pub fn form_error(err: error::UrlencodedError, req: &HttpRequest) -> actix_web::Error {
    bad_request(req, format!("The form could not be read: {err}"))
}

pub fn query_error(err: error::QueryPayloadError, req: &HttpRequest) -> actix_web::Error {
    bad_request(
        req,
        format!("The address has a parameter that could not be read: {err}"),
    )
}

/// A path parameter that is not a number names nothing that exists.
pub fn path_error(_err: error::PathError, req: &HttpRequest) -> actix_web::Error {
    if req.path().starts_with("/api/") {
        ApiError::NotFound.into()
    } else {
        AppError::NotFound.into()
    }
}

pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if req.path().starts_with("/api/") {
        ApiError::NotFound.error_response()
    } else {
        super::pages::render_status(
            StatusCode::NOT_FOUND,
            "Page not found",
            "If you typed the address, check it is correct.",
        )
    }
}

/// A method the route table does not list for a known path: 405 with the
/// methods it does list in `Allow` (JSON under `/api/`, a page elsewhere).
pub fn method_not_allowed(req: &HttpRequest, allow: &str) -> HttpResponse {
    let mut res = if req.path().starts_with("/api/") {
        HttpResponse::MethodNotAllowed().json(json!({
            "error": "method_not_allowed",
            "message": format!("This address answers {allow} only"),
        }))
    } else {
        super::pages::render_status(
            StatusCode::METHOD_NOT_ALLOWED,
            "This address does not take that kind of request",
            "Go back and try again.",
        )
    };
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(allow) {
        res.headers_mut()
            .insert(actix_web::http::header::ALLOW, value);
    }
    res
}

/// Every use case's failure, answered on a page.
impl From<crate::app::Failure> for AppError {
    fn from(f: crate::app::Failure) -> Self {
        use crate::app::Failure;
        match f {
            Failure::NotFound => Self::NotFound,
            Failure::Invalid(fields) => Self::BadRequest(
                fields
                    .iter()
                    .flat_map(|(_, messages)| messages.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Failure::Forbidden(m) | Failure::BadRequest(m) => Self::BadRequest(m),
            Failure::Conflict(m) => Self::Conflict(m),
            Failure::TooMany { retry_after, .. } => Self::Busy { retry_after },
            Failure::Internal(m) => Self::Internal(m),
        }
    }
}

/// Every use case's failure, answered in JSON.
impl From<crate::app::Failure> for ApiError {
    fn from(f: crate::app::Failure) -> Self {
        use crate::app::Failure;
        match f {
            Failure::NotFound => Self::NotFound,
            Failure::Invalid(fields) => Self::Invalid(fields),
            Failure::Forbidden(m) => Self::Forbidden(m),
            Failure::BadRequest(m) => Self::BadRequest(m),
            Failure::Conflict(m) => Self::Conflict(m),
            Failure::TooMany {
                retry_after,
                message,
            } => Self::TooManyRequests {
                retry_after,
                message,
            },
            Failure::Internal(m) => Self::Internal(m),
        }
    }
}
