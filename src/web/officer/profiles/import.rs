//! Importing profiles from a CSV file, for case officers (into their own
//! service) and administrators (into the service they choose): the page
//! with the columns and the template, an upload that shows what would be
//! created and changed and writes nothing, and the confirmation that
//! imports every row or none. The file travels back with the confirmation
//! as a hidden field of the preview's form (under the same size limit and
//! CSRF check, and read and checked again), so nothing is kept on the
//! server between the two steps.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::csv::{self as profile_csv, MAX_UPLOAD_BYTES};
use super::form::{options, Options};
use crate::app::profile_import::{self, Change, ImportError, Importer, Plan, Table};
use crate::app::profiles::Caseworker;
use crate::domain::offence::OffenceCategory;
use crate::web::auth::Casework;
use crate::web::csv_import::{self, file_problem, CellError, UploadProblem};
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

/// Most problems, and most rows of a preview, listed on the page.
const SHOWN: usize = 200;

/// One row of a preview or a result, as listed.
pub struct RowView {
    pub row: usize,
    pub reference: String,
    pub name: String,
    pub change: &'static str,
    pub fields: String,
}

/// A preview (with the file, to confirm) or a finished import.
pub struct PlanView {
    pub service_id: i64,
    pub service_name: String,
    pub created: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub rows: Vec<RowView>,
    pub more_rows: usize,
    /// The file, sent back with the confirmation (previews only).
    pub csv: Option<String>,
    pub with_restricted: bool,
}

impl PlanView {
    fn of(plan: &Plan, csv: Option<String>) -> Self {
        let rows = plan
            .rows
            .iter()
            .filter(|r| r.change != Change::Unchanged)
            .map(|r| RowView {
                row: r.row,
                reference: r.details.reference().to_string(),
                name: format!("{} {}", r.details.given_name(), r.details.family_name()),
                change: match r.change {
                    Change::Create => "New",
                    Change::Update(_) => "Changed",
                    Change::Unchanged => "Unchanged",
                },
                fields: match &r.change {
                    Change::Update(fields) => fields.join(", "),
                    _ => String::new(),
                },
            });
        let listed: Vec<RowView> = rows.take(SHOWN).collect();
        let more_rows = plan.created() + plan.changed() - listed.len();
        Self {
            service_id: plan.service_id,
            service_name: plan.service_name.clone(),
            created: plan.created(),
            changed: plan.changed(),
            unchanged: plan.unchanged(),
            rows: listed,
            more_rows,
            csv,
            with_restricted: plan.with_restricted,
        }
    }
}

#[derive(Template)]
#[template(path = "officer/profile_import.html")]
struct ImportPage {
    chrome: Chrome,
    /// An administrator chooses the service (id, name, chosen); an officer
    /// imports into theirs.
    services: Option<Vec<(i64, String, bool)>>,
    restricted: bool,
    /// Each column with what to write in it.
    columns: Vec<(String, &'static str)>,
    opts: Options,
    offences: Vec<(&'static str, &'static str)>,
    problems: Vec<CellError>,
    more_problems: usize,
    preview: Option<PlanView>,
    done: Option<PlanView>,
}

/// What a page shows beyond the form.
#[derive(Default)]
struct Shown {
    chosen: Option<i64>,
    problems: Vec<CellError>,
    preview: Option<PlanView>,
    done: Option<PlanView>,
}

/// The importer the signed-in user is, into `service_id` for an
/// administrator.
fn importer(who: &Casework, service_id: i64) -> Importer {
    match who.service_id {
        Some(own) => Importer::officer(Caseworker {
            actor: who.ctx.audit_actor(),
            service_id: own,
            user_id: who.actor.user_id,
        }),
        None => Importer::administrator(who.ctx.audit_actor(), service_id),
    }
}

async fn import_page(
    state: &AppState,
    who: &Casework,
    status: StatusCode,
    mut shown: Shown,
) -> Result<HttpResponse, AppError> {
    let services = match who.service_id {
        Some(_) => None,
        None => Some(
            profile_import::services(state)
                .await?
                .into_iter()
                .map(|(id, name)| (id, name, shown.chosen == Some(id)))
                .collect(),
        ),
    };
    let restricted = importer(who, 0).may_write_restricted();
    let more_problems = shown.problems.len().saturating_sub(SHOWN);
    shown.problems.truncate(SHOWN);
    Ok(page(
        status,
        &ImportPage {
            chrome: Chrome::of(&who.ctx),
            services,
            restricted,
            columns: profile_csv::columns(restricted)
                .into_iter()
                .map(|c| {
                    let help = profile_csv::help(&c);
                    (c, help)
                })
                .collect(),
            opts: options(&state.taxonomy),
            offences: OffenceCategory::ALL
                .iter()
                .map(|o| (o.as_str(), o.label()))
                .collect(),
            problems: shown.problems,
            more_problems,
            preview: shown.preview,
            done: shown.done,
        },
    ))
}

pub async fn form(state: web::Data<AppState>, who: Casework) -> Result<HttpResponse, AppError> {
    import_page(&state, &who, StatusCode::OK, Shown::default()).await
}

pub async fn template(who: Casework) -> HttpResponse {
    let restricted = importer(&who, 0).may_write_restricted();
    csv_import::download(
        "profiles-template.csv",
        profile_csv::template_csv(restricted),
    )
}

/// A posted form: its fields, the file's text (from `file_field`) and the
/// service to import into.
struct Posted {
    text: String,
    service_id: i64,
}

/// Reads the posted form, or says what is wrong with it.
async fn read_posted(
    who: &Casework,
    payload: actix_multipart::Multipart,
    file_field: &str,
) -> Result<Result<Posted, (Option<i64>, UploadProblem)>, AppError> {
    let mut fields: HashMap<String, Vec<u8>> =
        match csv_import::multipart_fields(payload, MAX_UPLOAD_BYTES).await? {
            Ok(fields) => fields,
            Err(problem) => return Ok(Err((None, problem))),
        };
    let chosen = fields
        .get("service_id")
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let Some(service_id) = who.service_id.or(chosen) else {
        return Ok(Err((
            None,
            UploadProblem::Unchosen("Choose the service to import into"),
        )));
    };
    Ok(csv_import::csv_text(fields.remove(file_field))
        .map(|text| Posted { text, service_id })
        .map_err(|problem| (chosen, problem)))
}

/// The file's rows read and parsed off the async executor.
async fn read_table(
    state: &AppState,
    text: String,
) -> Result<Result<Table, Vec<CellError>>, AppError> {
    let taxonomy = state.taxonomy.clone();
    web::block(move || profile_csv::read_file(&text, &taxonomy))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The page again with the problems that stopped the import.
async fn refused(
    state: &AppState,
    who: &Casework,
    chosen: Option<i64>,
    status: StatusCode,
    problems: Vec<CellError>,
) -> Result<HttpResponse, AppError> {
    let shown = Shown {
        chosen,
        problems,
        ..Shown::default()
    };
    import_page(state, who, status, shown).await
}

/// Upload: what would be created and changed; nothing is written.
pub async fn preview(
    state: web::Data<AppState>,
    who: Casework,
    payload: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    step(&state, &who, payload, "file", false).await
}

/// Confirmation: imports the file the preview showed, all rows or none.
pub async fn import(
    state: web::Data<AppState>,
    who: Casework,
    payload: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    step(&state, &who, payload, "csv", true).await
}

/// Either step: read the form and the file, then preview or import.
async fn step(
    state: &AppState,
    who: &Casework,
    payload: actix_multipart::Multipart,
    file_field: &str,
    commit: bool,
) -> Result<HttpResponse, AppError> {
    let posted = match read_posted(who, payload, file_field).await? {
        Ok(posted) => posted,
        Err((chosen, problem)) => {
            let problems = vec![file_problem(problem.message())];
            return refused(state, who, chosen, problem.status(), problems).await;
        }
    };
    let chosen = Some(posted.service_id);
    let table = match read_table(state, posted.text.clone()).await? {
        Ok(table) => table,
        Err(problems) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return refused(state, who, chosen, status, problems).await;
        }
    };
    let by = importer(who, posted.service_id);
    let taxonomy = state.taxonomy.clone();
    let planned = crate::app::run(&state.store, move |conn| {
        if commit {
            profile_import::import(conn, &by, &table, &taxonomy, &|_, _| {})
        } else {
            profile_import::preview(conn, &by, &table, &taxonomy)
        }
    })
    .await;
    let plan = match planned {
        Ok(plan) => plan,
        Err(ImportError::Cells(problems)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return refused(state, who, chosen, status, problems).await;
        }
        Err(ImportError::Failed(failure)) => return Err(failure.into()),
    };
    let shown = if commit {
        Shown {
            chosen,
            done: Some(PlanView::of(&plan, None)),
            ..Shown::default()
        }
    } else {
        Shown {
            chosen,
            preview: Some(PlanView::of(&plan, Some(posted.text))),
            ..Shown::default()
        }
    };
    import_page(state, who, StatusCode::OK, shown).await
}
