//! The audit log, filtered and paged.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::domain::FieldErrors;
use crate::web::auth::Admin;
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;
use chrono::{Duration, NaiveDate};

use crate::store::audit::{self, AuditRow};
use crate::web::employer::vacancy_form::DateParts;

#[derive(Default, Deserialize)]
pub struct AuditQuery {
    /// Part of a name or email address, or a user's number.
    #[serde(default)]
    actor: String,
    #[serde(default)]
    subject_kind: String,
    #[serde(default)]
    subject_id: String,
    #[serde(default)]
    action: String,
    /// A date as one text (YYYY-MM-DD), as links made before the day,
    /// month and year boxes carry it.
    #[serde(default)]
    from: String,
    #[serde(default)]
    from_day: String,
    #[serde(default)]
    from_month: String,
    #[serde(default)]
    from_year: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    until_day: String,
    #[serde(default)]
    until_month: String,
    #[serde(default)]
    until_year: String,
    /// "on" shows the viewer's own `audit.viewed` rows too.
    #[serde(default)]
    show_own_views: String,
    #[serde(default)]
    page: Option<u32>,
}

impl AuditQuery {
    fn start_parts(&self) -> DateParts {
        DateParts {
            day: self.from_day.clone(),
            month: self.from_month.clone(),
            year: self.from_year.clone(),
        }
    }

    fn until_parts(&self) -> DateParts {
        DateParts {
            day: self.until_day.clone(),
            month: self.until_month.clone(),
            year: self.until_year.clone(),
        }
    }

    fn shows_own_views(&self) -> bool {
        !self.show_own_views.trim().is_empty()
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    chrome: Chrome,
    errors: FieldErrors,
    query: AuditQuery,
    from_parts: DateParts,
    until_parts: DateParts,
    rows: Vec<AuditRow>,
    total: i64,
    page: u32,
    pages: i64,
    has_more: bool,
    prev_link: String,
    next_link: String,
}

const AUDIT_PAGE: i64 = 50;

fn link(query: &AuditQuery, from: &DateParts, until: &DateParts, page: u32) -> String {
    let pairs = [
        ("actor", query.actor.as_str()),
        ("subject_kind", query.subject_kind.as_str()),
        ("subject_id", query.subject_id.as_str()),
        ("action", query.action.as_str()),
        ("from_day", from.day.as_str()),
        ("from_month", from.month.as_str()),
        ("from_year", from.year.as_str()),
        ("until_day", until.day.as_str()),
        ("until_month", until.month.as_str()),
        ("until_year", until.year.as_str()),
        ("show_own_views", query.show_own_views.as_str()),
    ];
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.trim().is_empty()) {
        out.append_pair(k, v.trim());
    }
    out.append_pair("page", &page.to_string());
    format!("/admin/audit?{}", out.finish())
}

/// A date filter from its boxes, or from the one-text form older links
/// use; what is wrong goes beside the field.
fn audit_date(
    field: &str,
    what: &str,
    parts: &DateParts,
    text: &str,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    if !parts.is_empty() {
        return parts.read(what).map_err(|m| errors.add(field, m)).ok();
    }
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    if parsed.is_none() {
        errors.add(
            field,
            format!("The {what} must be a real date, like 27 11 2026"),
        );
    }
    parsed
}

/// The filter the query asks for, the date boxes to show again, and what
/// is wrong with it.
fn audit_filter(
    query: &AuditQuery,
    viewer: i64,
) -> (audit::Filter, DateParts, DateParts, FieldErrors) {
    let mut errors = FieldErrors::new();
    let mut filter = audit::Filter::default();
    let actor_text = query.actor.trim();
    if !actor_text.is_empty() {
        match actor_text.parse::<i64>() {
            Ok(id) => filter.actor_user_id = Some(id),
            Err(_) => filter.actor_text = Some(actor_text.to_string()),
        }
    }
    let subject_id = query.subject_id.trim();
    if !subject_id.is_empty() {
        match subject_id.parse::<i64>() {
            Ok(id) => filter.subject_id = Some(id),
            Err(_) => errors.add(
                "subject_id",
                "Enter the subject number as a whole number, like 42",
            ),
        }
    }
    filter.subject_kind = Some(query.subject_kind.trim().to_string()).filter(|s| !s.is_empty());
    filter.action = Some(query.action.trim().to_string()).filter(|s| !s.is_empty());
    let from_parts = query.start_parts();
    let until_parts = query.until_parts();
    let from = audit_date("from", "start date", &from_parts, &query.from, &mut errors);
    let until = audit_date("until", "end date", &until_parts, &query.until, &mut errors);
    if let (Some(from), Some(until)) = (from, until) {
        if until < from {
            errors.add(
                "until",
                format!(
                    "The end date must be the same as or after the start date ({})",
                    from.format("%-d %B %Y")
                ),
            );
        }
    }
    // The boxes show what was asked for, however it came.
    let from_parts = match (from_parts.is_empty(), from) {
        (true, Some(d)) => DateParts::of(d),
        _ => from_parts,
    };
    let until_parts = match (until_parts.is_empty(), until) {
        (true, Some(d)) => DateParts::of(d),
        _ => until_parts,
    };
    filter.from = from.and_then(|d| d.and_hms_opt(0, 0, 0));
    filter.until = until.and_then(|d| (d + Duration::days(1)).and_hms_opt(0, 0, 0));
    if !query.shows_own_views() {
        filter.hide_views_by = Some(viewer);
    }
    (filter, from_parts, until_parts, errors)
}

pub async fn audit(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (filter, from_parts, until_parts, errors) = audit_filter(&query, admin.actor.user_id);
    let page_number = query.page.unwrap_or(1).clamp(1, 10_000);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (rows, total) = if errors.is_empty() {
        let offset = (i64::from(page_number) - 1) * AUDIT_PAGE;
        let actor = admin.ctx.audit_actor();
        crate::app::admin::read_audit(&state, actor, filter, AUDIT_PAGE, offset).await?
    } else {
        (Vec::new(), 0)
    };
    let pages = ((total + AUDIT_PAGE - 1) / AUDIT_PAGE).max(1);
    let has_more = i64::from(page_number) < pages;
    let prev_link = link(
        &query,
        &from_parts,
        &until_parts,
        page_number.saturating_sub(1).max(1),
    );
    let next_link = link(&query, &from_parts, &until_parts, page_number + 1);
    Ok(page(
        status,
        &AuditPage {
            chrome: Chrome::of(&admin.ctx),
            errors,
            query,
            from_parts,
            until_parts,
            rows,
            total,
            page: page_number,
            pages,
            has_more,
            prev_link,
            next_link,
        },
    ))
}
