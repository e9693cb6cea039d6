//! Reading the officer's HTML forms: repeated keys (checkbox groups) and
//! numbered rows (`skills[0].slug`), without JavaScript on the page.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::app::AppState;
use crate::domain::FieldErrors;
use crate::web::auth::Officer;
use crate::web::errors::AppError;
use crate::web::extract::On;

/// An officer's form post about one record (`/officer/.../{id}/...`): the
/// signed-in officer, the record's id from the path and the form as read.
/// Sign-in is checked first, so a bad body never reaches someone signed out.
pub struct Posted {
    pub state: web::Data<AppState>,
    pub officer: Officer,
    pub id: i64,
    pub form: Form,
}

impl FromRequest for Posted {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let parts = <(On<Officer>, web::Bytes)>::from_request(req, payload);
        Box::pin(async move {
            let (on, body) = parts.await?;
            Ok(Posted {
                state: on.state,
                officer: on.actor,
                id: on.id,
                form: Form::parse(&body)?,
            })
        })
    }
}

/// A form body as ordered key/value pairs.
pub struct Form(Vec<(String, String)>);

impl Form {
    pub fn parse(body: &web::Bytes) -> Result<Self, AppError> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map(Form)
            .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))
    }

    /// The first value of a field, or "".
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }

    /// Every value of a repeated field (a checkbox group), blanks dropped.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// A ticked checkbox.
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && !v.is_empty())
    }

    /// How many numbered rows `prefix[i].` the form carries.
    pub fn rows(&self, prefix: &str) -> usize {
        let start = format!("{prefix}[");
        self.0
            .iter()
            .filter_map(|(k, _)| {
                let rest = k.strip_prefix(&start)?;
                let end = rest.find(']')?;
                rest[..end].parse::<usize>().ok()
            })
            .map(|i| i + 1)
            .max()
            .unwrap_or(0)
            .min(100)
    }
}

/// A date typed as YYYY-MM-DD (what a date input sends); blank is None.
pub fn date(
    errors: &mut FieldErrors,
    field: &str,
    text: &str,
    message: &str,
) -> Option<chrono::NaiveDate> {
    if text.is_empty() {
        return None;
    }
    match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, message);
            None
        }
    }
}

/// A number; blank is None.
pub fn number(errors: &mut FieldErrors, field: &str, text: &str, message: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            errors.add(field, message);
            None
        }
    }
}

/// A whole number; blank is None.
pub fn whole(errors: &mut FieldErrors, field: &str, text: &str, message: &str) -> Option<i32> {
    if text.is_empty() {
        return None;
    }
    match text.parse::<i32>() {
        Ok(n) => Some(n),
        _ => {
            errors.add(field, message);
            None
        }
    }
}

/// The form's own reading errors first; then the domain's, for fields that
/// have none yet (so one problem gives one message).
pub fn merge(mut mine: FieldErrors, theirs: FieldErrors, order: &[&str]) -> FieldErrors {
    mine.absorb("", theirs);
    mine.sort_by_form_order(order);
    mine
}
