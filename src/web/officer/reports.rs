//! Outcome report pages and their CSV exports: an officer's caseload or
//! service (`/officer/reports`), every service or one chosen service for
//! administrators (`/admin/reports`). The scope comes from the signed-in
//! actor, never from the request alone, and is carried into every query.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use crate::app::reports as app;
use crate::app::Failure;
use crate::domain::FieldErrors;
use crate::reports::{DateRange, Scope, Table};
use crate::web::auth::{Admin, Officer, RequestContext};
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    scope: String,
    service: String,
    from: String,
    to: String,
    table: String,
}

#[derive(Template)]
#[template(path = "reports/report.html")]
struct ReportPage {
    chrome: Chrome,
    heading: String,
    scope_label: String,
    range_text: String,
    admin: bool,
    action: &'static str,
    scope: String,
    service: String,
    services: Vec<(i64, String)>,
    from: String,
    to: String,
    errors: FieldErrors,
    tables: Vec<Table>,
    export_base: String,
}

/// What a request asks for once checked against who is asking.
struct Resolved {
    scope: Scope,
    label: String,
    range: DateRange,
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The officer's choice of caseload or service; the ids come from the
/// session.
fn officer_scope(officer: &Officer, query: &ReportQuery) -> Result<Scope, FieldErrors> {
    match query.scope.trim() {
        "" | "caseload" => Ok(Scope::Caseload {
            service_id: officer.service_id,
            officer_id: officer.actor.user_id,
        }),
        "service" => Ok(Scope::Service {
            service_id: officer.service_id,
        }),
        _ => Err(FieldErrors::single(
            "scope",
            "Choose your caseload or your whole service",
        )),
    }
}

fn range_of(query: &ReportQuery, errors: &mut FieldErrors) -> Option<DateRange> {
    match DateRange::parse(&query.from, &query.to, today()) {
        Ok(range) => Some(range),
        Err(e) => {
            errors.absorb("", e);
            None
        }
    }
}

async fn resolve_officer(
    state: &AppState,
    officer: &Officer,
    query: &ReportQuery,
) -> Result<Resolved, Failure> {
    let mut errors = FieldErrors::new();
    let scope = officer_scope(officer, query)
        .map_err(|e| errors.absorb("", e))
        .ok();
    let range = range_of(query, &mut errors);
    let (Some(scope), Some(range)) = (scope, range) else {
        return Err(Failure::Invalid(errors));
    };
    let service_id = officer.service_id;
    let service = app::service_name(state, service_id)
        .await?
        .ok_or(Failure::NotFound)?;
    let label = match scope {
        Scope::Caseload { .. } => format!("Your caseload at {service}"),
        _ => service,
    };
    Ok(Resolved {
        scope,
        label,
        range,
    })
}

async fn resolve_admin(state: &AppState, query: &ReportQuery) -> Result<Resolved, Failure> {
    let mut errors = FieldErrors::new();
    let wanted = query.service.trim().to_string();
    let service = if wanted.is_empty() {
        Some(None)
    } else {
        match wanted.parse::<i64>() {
            Ok(id) => app::service_name(state, id)
                .await?
                .map(|name| Some((id, name))),
            Err(_) => None,
        }
    };
    if service.is_none() {
        errors.add("service", "Choose a service from the list, or all services");
    }
    let range = range_of(query, &mut errors);
    let (Some(service), Some(range)) = (service, range) else {
        return Err(Failure::Invalid(errors));
    };
    Ok(match service {
        Some((service_id, name)) => Resolved {
            scope: Scope::Service { service_id },
            label: name,
            range,
        },
        None => Resolved {
            scope: Scope::All,
            label: "All services".into(),
            range,
        },
    })
}

async fn report_tables(state: &AppState, resolved: &Resolved) -> Result<Vec<Table>, AppError> {
    Ok(app::tables(state, resolved.scope.clone(), resolved.range).await?)
}

fn export_base(path: &str, query: &[(&str, String)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in query {
        out.append_pair(k, v);
    }
    format!("{path}?{}", out.finish())
}

fn render(
    ctx: &RequestContext,
    admin: bool,
    query: &ReportQuery,
    services: Vec<(i64, String)>,
    outcome: Result<(Resolved, Vec<Table>), (FieldErrors, String)>,
) -> HttpResponse {
    let (action, export_path) = if admin {
        ("/admin/reports", "/admin/reports/export.csv")
    } else {
        ("/officer/reports", "/officer/reports/export.csv")
    };
    let scope = query.scope.trim().to_string();
    let (status, errors, tables, label, range_text, from, to, export) = match outcome {
        Ok((resolved, tables)) => {
            let from = resolved.range.from.format("%Y-%m-%d").to_string();
            let to = resolved.range.to.format("%Y-%m-%d").to_string();
            let mut pairs = vec![("from", from.clone()), ("to", to.clone())];
            match resolved.scope {
                Scope::Service { service_id } if admin => {
                    pairs.push(("service", service_id.to_string()))
                }
                Scope::Service { .. } => pairs.push(("scope", "service".into())),
                Scope::Caseload { .. } => pairs.push(("scope", "caseload".into())),
                Scope::All => {}
            }
            (
                StatusCode::OK,
                FieldErrors::new(),
                tables,
                resolved.label,
                format!(
                    "{} to {}",
                    resolved.range.from.format("%-d %B %Y"),
                    resolved.range.to.format("%-d %B %Y")
                ),
                from,
                to,
                export_base(export_path, &pairs),
            )
        }
        Err((errors, label)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            Vec::new(),
            label,
            String::new(),
            query.from.trim().to_string(),
            query.to.trim().to_string(),
            String::new(),
        ),
    };
    page(
        status,
        &ReportPage {
            chrome: Chrome::of(ctx),
            heading: "Outcome report".into(),
            scope_label: label,
            range_text,
            admin,
            action,
            scope,
            service: query.service.trim().to_string(),
            services,
            from,
            to,
            errors,
            tables,
            export_base: export,
        },
    )
}

pub async fn officer_page(
    state: web::Data<AppState>,
    officer: Officer,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let outcome = match resolve_officer(&state, &officer, &query).await {
        Ok(resolved) => {
            let tables = report_tables(&state, &resolved).await?;
            Ok((resolved, tables))
        }
        Err(Failure::Invalid(errors)) => Err((errors, "Your caseload or service".to_string())),
        Err(other) => return Err(other.into()),
    };
    Ok(render(&officer.ctx, false, &query, Vec::new(), outcome))
}

pub async fn admin_page(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let services = app::services(&state).await?;
    let outcome = match resolve_admin(&state, &query).await {
        Ok(resolved) => {
            let tables = report_tables(&state, &resolved).await?;
            Ok((resolved, tables))
        }
        Err(Failure::Invalid(errors)) => Err((errors, "All services".to_string())),
        Err(other) => return Err(other.into()),
    };
    Ok(render(&admin.ctx, true, &query, services, outcome))
}

/// The CSV of one table, suppressed exactly as on the page, with an audit
/// entry naming who exported what.
async fn export(
    state: &AppState,
    ctx: &RequestContext,
    resolved: Result<Resolved, Failure>,
    query: &ReportQuery,
) -> Result<HttpResponse, AppError> {
    let resolved = resolved.map_err(|failure| match failure {
        Failure::Invalid(errors) => AppError::BadRequest(
            errors
                .iter()
                .flat_map(|(_, messages)| messages.iter().cloned())
                .collect::<Vec<_>>()
                .join(". "),
        ),
        other => other.into(),
    })?;
    let wanted = query.table.trim().to_string();
    let (scope, range) = (resolved.scope.clone(), resolved.range);
    let table = app::export(state, ctx.audit_actor(), scope, range, wanted).await?;
    let filename = format!(
        "fairchance-{}-{}-{}-{}.csv",
        table.key,
        resolved.scope.slug(),
        resolved.range.from,
        resolved.range.to
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(table.csv))
}

pub async fn officer_export(
    state: web::Data<AppState>,
    officer: Officer,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let resolved = resolve_officer(&state, &officer, &query).await;
    export(&state, &officer.ctx, resolved, &query).await
}

pub async fn admin_export(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let resolved = resolve_admin(&state, &query).await;
    export(&state, &admin.ctx, resolved, &query).await
}
