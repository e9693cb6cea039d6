//! Job-seeker sign-in slips: a login code and a new PIN, shown once.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::app::profiles;
use crate::web::auth::Officer;
use crate::web::errors::AppError;
use crate::web::officer::caseworker;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "officer/access_slip.html")]
struct Slip {
    chrome: Chrome,
    id: i64,
    given_name: String,
    login_code: String,
    pin: String,
    reset: bool,
    /// The terminal's own button labels, from its message catalogue, so the
    /// slip names the buttons the person will see.
    sign_in_button: &'static str,
    switch_user_button: &'static str,
}

/// Issues a login code and a new PIN (or a new PIN for the existing code,
/// which also unlocks the account and ends its sessions): shown once, on a
/// slip to print and hand over. Audited; the PIN itself is never stored.
pub async fn issue_access(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let slip = profiles::issue_access(&state, caseworker(&officer), id).await?;
    let terminal_words = crate::web::i18n::Messages::new(crate::web::i18n::Lang::En);
    Ok(page(
        StatusCode::OK,
        &Slip {
            chrome: Chrome::of(&officer.ctx),
            id,
            given_name: slip.given_name,
            login_code: slip.login_code,
            pin: slip.pin,
            reset: slip.reset,
            sign_in_button: terminal_words.get("sign_in.submit"),
            switch_user_button: terminal_words.get("site.switch_user"),
        },
    ))
}
