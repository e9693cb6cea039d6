//! Pages shared by every audience: the front page, the stylesheet and error
//! pages.

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use askama::Template;

const STYLESHEET: &str = concat!(
    include_str!("static/messages.css"),
    include_str!("static/app.css")
);

#[derive(Template)]
#[template(path = "home.html")]
struct Home;

/// The privacy notice, from the same settings the retention pass reads.
#[derive(Template)]
#[template(path = "privacy.html")]
struct Privacy {
    notice: crate::domain::processing::Notice,
    contact: String,
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage<'a> {
    title: &'a str,
    message: &'a str,
    /// A way on (address and words), shown before the start-page link.
    next: Option<(&'a str, &'a str)>,
}

/// Renders a template to a page response; a template fault is logged and
/// answered with a plain message rather than a broken page.
pub fn page(status: StatusCode, template: &impl Template) -> HttpResponse {
    match template.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Something went wrong on our side. Please try again.")
        }
    }
}

pub fn render_status(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    page(
        status,
        &StatusPage {
            title,
            message,
            next: None,
        },
    )
}

/// A status page that also links to where the reader should go next.
pub fn render_status_with_link(
    status: StatusCode,
    title: &str,
    message: &str,
    next: (&str, &str),
) -> HttpResponse {
    page(
        status,
        &StatusPage {
            title,
            message,
            next: Some(next),
        },
    )
}

pub async fn home() -> HttpResponse {
    page(StatusCode::OK, &Home)
}

pub async fn privacy(state: actix_web::web::Data<crate::web::AppState>) -> HttpResponse {
    use crate::domain::processing;
    let retention = state.config.retention;
    page(
        StatusCode::OK,
        &Privacy {
            notice: processing::Notice::of(&retention),
            contact: state.config.contact_address(),
        },
    )
}

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

/// A form answered "too many attempts": `render` gets the wait in whole
/// minutes and draws the form (with status 429); the answer carries the
/// wait in seconds as `Retry-After`.
pub fn too_many_attempts(
    retry_after: i64,
    render: impl FnOnce(i64) -> HttpResponse,
) -> HttpResponse {
    let minutes = (retry_after + 59) / 60;
    let mut res = render(minutes);
    res.headers_mut()
        .insert(header::RETRY_AFTER, retry_after.into());
    res
}
