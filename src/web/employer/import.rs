//! Importing vacancies from a CSV file: a template to download, and an
//! import that checks every row with the editor's own rules, reports every
//! bad cell by row and column, and stores nothing unless every row is good
//! (all rows in one transaction, as drafts).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::vacancy_form::FormValues;
use super::{member_of, today};
use crate::app::{self, vacancies};
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::{StartKind, VacancyDetails};
use crate::web::auth::EmployerMember;
use crate::web::csv_import::{self, CellError, Sheet, UploadProblem};
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

/// Most rows one import may hold.
pub const MAX_ROWS: usize = 500;

/// Columns of lists: several values separated by `;`.
const LIST_COLUMNS: [&str; 5] = [
    "shift_days",
    "required_skills",
    "desirable_skills",
    "required_certificates",
    "documents_needed",
];

/// The template's columns, in order.
pub fn columns() -> Vec<String> {
    use super::vacancy_form::domain_fields;
    let mut out: Vec<String> = domain_fields("title", "remote").collect();
    for name in [
        "place",
        "lat",
        "lon",
        "hours_per_week",
        "shift_days",
        "shift_start",
        "shift_end",
    ] {
        out.push(name.to_string());
    }
    out.extend(domain_fields("contract", "positions"));
    out.extend(domain_fields("start_date", "regulated_adults"));
    out.extend(super::vacancy_form::last_fields());
    out
}

/// The template file: the header and one example row.
pub fn template_csv() -> String {
    let columns = columns();
    let example = |column: &str| -> String {
        match column {
            "title" => "Warehouse operative",
            "description" => "Picking and packing orders in a busy warehouse; training given.",
            "sector" => "warehousing",
            "remote" => "no",
            "place" => "Leeds",
            "hours_per_week" => "37.5",
            "shift_days" => "mon;tue;wed;thu;fri",
            "shift_start" => "08:00",
            "shift_end" => "16:00",
            "contract" => "permanent",
            "pay_min" => "11.44",
            "pay_max" => "12.50",
            "pay_period" => "hour",
            "positions" => "2",
            "start_date" => "2027-03-01",
            "required_skills" => "pick-and-pack",
            "check_level" => "basic",
            "convictions_asked" => "at_offer",
            "exclusion_arson" => "case_by_case",
            "exclusion_arson_reason" => "We store packaging and would talk it through",
            "how_to_apply" => "Your case officer forwards your application",
            "documents_needed" => "Proof of identity;Bank details",
            _ => "",
        }
        .to_string()
    };
    csv_import::template(&columns, example)
}

/// The CSV column an editor field's error belongs to.
fn column_of(field: &str) -> String {
    match field.strip_prefix("shift0_") {
        Some(part) => format!("shift_{part}"),
        None => field.to_string(),
    }
}

/// One row's cells as the editor's form fields: list cells split on `;`,
/// the shift columns renamed to the form's first shift row, and "asap" in
/// the start date column read as the start choice.
fn row_pairs(header: &[String], record: &csv::StringRecord) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for (column, cell) in header.iter().zip(record.iter()) {
        let name = match column.strip_prefix("shift_") {
            Some(part) => format!("shift0_{part}"),
            None => column.clone(),
        };
        if column == "start_date" && cell.trim().eq_ignore_ascii_case(StartKind::Asap.as_str()) {
            // "asap" in place of a date: the job starts as soon as possible.
            pairs.push(("start".to_string(), StartKind::Asap.as_str().to_string()));
        } else if LIST_COLUMNS.contains(&column.as_str()) {
            for item in csv_import::items(cell) {
                pairs.push((name.clone(), item.to_string()));
            }
        } else {
            pairs.push((name, cell.to_string()));
        }
    }
    pairs
}

/// One row checked by the editor's rules: its details, or its problems by
/// column.
fn parse_row(
    header: &[String],
    record: &csv::StringRecord,
    row: usize,
    taxonomy: &Taxonomy,
) -> Result<VacancyDetails, Vec<CellError>> {
    let pairs = row_pairs(header, record);
    FormValues::from_pairs(&pairs)
        .parse(taxonomy, today(), None)
        .map_err(|errors| csv_import::cell_errors(row, &errors, column_of))
}

/// Reads and checks every row; the details in order, or every problem.
pub fn parse_csv(text: &str, taxonomy: &Taxonomy) -> Result<Vec<VacancyDetails>, Vec<CellError>> {
    let known = columns();
    let sheet = Sheet {
        known: &known,
        required: &["title"],
        max_rows: MAX_ROWS,
        rows_are: "vacancies",
    };
    let (_, rows) = csv_import::read_rows(text, &sheet, |header, record, row| {
        parse_row(header, record, row, taxonomy)
    })?;
    Ok(rows)
}

#[derive(Template)]
#[template(path = "employer/import.html")]
struct ImportPage {
    chrome: Chrome,
    problems: Vec<CellError>,
    csv: String,
    /// Where the problems are: "file" (an uploaded file) or "csv" (the
    /// pasted text).
    field: &'static str,
    /// The sector codes the `sector` column takes, with their labels.
    sectors: Vec<(String, String)>,
    /// A `sector` cell was refused: the list of codes is shown open.
    sector_problem: bool,
    /// The drafts just imported: id and title.
    imported: Option<Vec<(i64, String)>>,
}

/// Where the rows came from, so problems are marked on that field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    File,
    Pasted,
}

impl Source {
    fn field(self) -> &'static str {
        match self {
            Source::File => "file",
            Source::Pasted => "csv",
        }
    }
}

fn import_page(
    state: &AppState,
    member: &EmployerMember,
    status: StatusCode,
    problems: Vec<CellError>,
    csv: String,
    source: Source,
    imported: Option<Vec<(i64, String)>>,
) -> HttpResponse {
    page(
        status,
        &ImportPage {
            chrome: Chrome::of(&member.ctx),
            csv,
            field: source.field(),
            sector_problem: problems.iter().any(|p| p.column == "sector"),
            sectors: state
                .taxonomy
                .sectors()
                .iter()
                .map(|s| (s.slug().to_string(), s.label().to_string()))
                .collect(),
            problems,
            imported,
        },
    )
}

pub async fn form(state: web::Data<AppState>, member: EmployerMember) -> HttpResponse {
    import_page(
        &state,
        &member,
        StatusCode::OK,
        Vec::new(),
        String::new(),
        Source::Pasted,
        None,
    )
}

pub async fn template(_member: EmployerMember) -> HttpResponse {
    csv_import::download("vacancies-template.csv", template_csv())
}

#[derive(Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    csv: String,
}

pub async fn import(
    state: web::Data<AppState>,
    member: EmployerMember,
    form: web::Form<ImportForm>,
) -> Result<HttpResponse, AppError> {
    import_text(&state, &member, form.into_inner().csv, Source::Pasted).await
}

/// Largest CSV file accepted (about 500 full rows).
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;

fn upload_problem(
    state: &AppState,
    member: &EmployerMember,
    problem: &UploadProblem,
) -> HttpResponse {
    import_page(
        state,
        member,
        problem.status(),
        vec![csv_import::file_problem(problem.message())],
        String::new(),
        Source::File,
        None,
    )
}

/// The same import from a file chosen in the browser (multipart form; its
/// CSRF token travels in the form's action address).
pub async fn upload(
    state: web::Data<AppState>,
    member: EmployerMember,
    payload: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let text = csv_import::multipart_fields(payload, MAX_UPLOAD_BYTES)
        .await?
        .and_then(|mut fields| csv_import::csv_text(fields.remove("file")));
    match text {
        Ok(text) => import_text(&state, &member, text, Source::File).await,
        Err(problem) => Ok(upload_problem(&state, &member, &problem)),
    }
}

async fn import_text(
    state: &AppState,
    member: &EmployerMember,
    text: String,
    source: Source,
) -> Result<HttpResponse, AppError> {
    let rows = match parse_csv(&text, &state.taxonomy) {
        Ok(rows) => rows,
        Err(problems) => {
            // A file's contents are not put into the paste box.
            let text = if source == Source::Pasted {
                text
            } else {
                String::new()
            };
            return Ok(import_page(
                state,
                member,
                StatusCode::UNPROCESSABLE_ENTITY,
                problems,
                text,
                source,
                None,
            ));
        }
    };
    let by = member_of(member);
    let imported = app::run(&state.store, move |conn| {
        vacancies::import(conn, &by, &rows)
    })
    .await?;
    Ok(import_page(
        state,
        member,
        StatusCode::OK,
        Vec::new(),
        String::new(),
        source,
        Some(imported),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_has_every_column_once() {
        let cols = columns();
        let mut unique = cols.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), cols.len());
        assert!(template_csv().starts_with("title,description,sector"));
    }

    #[test]
    fn shift_columns_map_back() {
        assert_eq!(column_of("shift0_start"), "shift_start");
        assert_eq!(column_of("pay_min"), "pay_min");
    }
}
