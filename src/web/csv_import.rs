//! What the CSV imports share (vacancies for employers, profiles for case
//! officers): reading an upload with a size limit, the file as UTF-8 text,
//! the header against the template's columns, the rows (blank rows skipped,
//! a row limit, no more cells than columns), lists in a cell, and the
//! template download.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::HttpResponse;

pub use crate::app::CellError;
use crate::web::errors::AppError;

/// Separates the items of a list in a cell: `forklift;cscs-card`.
pub const ITEM_SEPARATOR: char = ';';

/// The items of a list cell, trimmed, blanks dropped.
pub fn items(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(ITEM_SEPARATOR)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A problem with the file as a whole (row 0).
pub fn file_problem(message: impl Into<String>) -> CellError {
    CellError {
        row: 0,
        column: String::new(),
        message: message.into(),
    }
}

/// An editor's field errors as the cells of `row`, each field named by
/// its column with `column_of`.
pub fn cell_errors(
    row: usize,
    errors: &crate::domain::FieldErrors,
    column_of: fn(&str) -> String,
) -> Vec<CellError> {
    errors
        .iter()
        .flat_map(|(field, messages)| {
            messages.iter().map(move |message| CellError {
                row,
                column: column_of(field),
                message: message.clone(),
            })
        })
        .collect()
}

/// The shape of one kind of import file.
pub struct Sheet<'a> {
    /// Every column the template has.
    pub known: &'a [String],
    /// Columns the header must have.
    pub required: &'a [&'a str],
    /// Most rows one file may hold.
    pub max_rows: usize,
    /// What a row is, plural ("vacancies", "people").
    pub rows_are: &'a str,
}

/// The header's column names (trimmed, lower case), or why they cannot be
/// used: a line that is not CSV, an unknown column, a required one missing.
fn read_header(
    reader: &mut csv::Reader<&[u8]>,
    sheet: &Sheet,
) -> Result<Vec<String>, Vec<CellError>> {
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return Err(vec![CellError {
                row: 1,
                column: String::new(),
                message: format!("The first line could not be read as CSV column names: {e}"),
            }])
        }
    };
    let mut errors = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if !sheet.known.contains(name) {
            errors.push(CellError {
                row: 1,
                column: name.clone(),
                message: format!(
                    "Column {} ({name:?}) is not one we know. Use the columns of the template",
                    i + 1
                ),
            });
        } else if header[..i].contains(name) {
            errors.push(CellError {
                row: 1,
                column: name.clone(),
                message: format!(
                    "Column {} repeats the column {name}. Keep one of them",
                    i + 1
                ),
            });
        }
    }
    for name in sheet.required {
        if !header.iter().any(|h| h == name) {
            errors.push(CellError {
                row: 1,
                column: (*name).into(),
                message: format!("The file has no {name} column. Start from the template"),
            });
        }
    }
    if errors.is_empty() {
        Ok(header)
    } else {
        Err(errors)
    }
}

/// One record, unless it is blank; a record that cannot be read or has more
/// cells than the header is a problem of its row.
fn usable(
    header: &[String],
    record: csv::Result<csv::StringRecord>,
    row: usize,
) -> Option<Result<csv::StringRecord, Vec<CellError>>> {
    let problem = |message: String| {
        Some(Err(vec![CellError {
            row,
            column: String::new(),
            message,
        }]))
    };
    let record = match record {
        Ok(r) => r,
        Err(e) => return problem(format!("This row could not be read: {e}")),
    };
    if record.iter().all(|cell| cell.trim().is_empty()) {
        return None;
    }
    if record.len() > header.len() {
        return problem(format!(
            "This row has {} cells but the header has {} columns",
            record.len(),
            header.len()
        ));
    }
    Some(Ok(record))
}

/// Reads the header and every row with `parse` (given the header, the row's
/// record and its row number); the header and the parsed rows in order, or
/// every problem.
pub fn read_rows<T>(
    text: &str,
    sheet: &Sheet,
    mut parse: impl FnMut(&[String], &csv::StringRecord, usize) -> Result<T, Vec<CellError>>,
) -> Result<(Vec<String>, Vec<T>), Vec<CellError>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = read_header(&mut reader, sheet)?;
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        if index >= sheet.max_rows {
            errors.push(CellError {
                row,
                column: String::new(),
                message: format!(
                    "Import at most {} {} at a time",
                    sheet.max_rows, sheet.rows_are
                ),
            });
            break;
        }
        match usable(&header, record, row).map(|r| r.and_then(|r| parse(&header, &r, row))) {
            None => {}
            Some(Ok(item)) => parsed.push(item),
            Some(Err(problems)) => errors.extend(problems),
        }
    }
    if parsed.is_empty() && errors.is_empty() {
        errors.push(CellError {
            row: 2,
            column: String::new(),
            message: format!("The file has no {} in it", sheet.rows_are),
        });
    }
    if errors.is_empty() {
        Ok((header, parsed))
    } else {
        Err(errors)
    }
}

/// A template file: the header and one example row.
pub fn template(columns: &[String], example: impl Fn(&str) -> String) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(columns);
    let _ = writer.write_record(columns.iter().map(|c| example(c)));
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A CSV file to download.
pub fn download(filename: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// Why an upload was refused before its rows were read.
#[derive(Debug, PartialEq, Eq)]
pub enum UploadProblem {
    /// Over the size limit (in MB).
    TooLarge(usize),
    /// No file, or an empty one.
    NoFile,
    /// Not UTF-8 text.
    NotText,
    /// A choice the form needs was not made (what to say).
    Unchosen(&'static str),
}

impl UploadProblem {
    pub fn message(&self) -> String {
        match self {
            Self::TooLarge(mb) => {
                format!("The file is larger than {mb} MB. Split it into smaller files")
            }
            Self::NoFile => "Choose a CSV file to import".into(),
            Self::NotText => "The file is not CSV text. In your spreadsheet, save it as \"CSV UTF-8\" and try again".into(),
            Self::Unchosen(message) => (*message).into(),
        }
    }

    pub fn status(&self) -> actix_web::http::StatusCode {
        match self {
            Self::TooLarge(_) => actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
            _ => actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

/// Every field of a multipart form, up to `limit` bytes in all (a form
/// that cannot be read is a bad request).
pub async fn multipart_fields(
    mut payload: actix_multipart::Multipart,
    limit: usize,
) -> Result<Result<HashMap<String, Vec<u8>>, UploadProblem>, AppError> {
    use futures_util::StreamExt;
    let unreadable = |e: actix_multipart::MultipartError| {
        AppError::BadRequest(format!("The upload could not be read: {e}"))
    };
    let mut fields = HashMap::new();
    let mut total = 0;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            total += chunk.len();
            if total > limit {
                return Ok(Err(UploadProblem::TooLarge(limit / (1024 * 1024))));
            }
            bytes.extend_from_slice(&chunk);
        }
        fields.insert(name, bytes);
    }
    Ok(Ok(fields))
}

/// A file's bytes as CSV text.
pub fn csv_text(bytes: Option<Vec<u8>>) -> Result<String, UploadProblem> {
    let bytes = bytes
        .filter(|b| !b.is_empty())
        .ok_or(UploadProblem::NoFile)?;
    String::from_utf8(bytes).map_err(|_| UploadProblem::NotText)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(known: &[String]) -> Sheet<'_> {
        Sheet {
            known,
            required: &["a"],
            max_rows: 3,
            rows_are: "things",
        }
    }

    #[test]
    fn rows_blank_rows_limits_and_header_problems() {
        let known = vec!["a".to_string(), "b".to_string()];
        let read = |text: &str| {
            read_rows(text, &sheet(&known), |_, r, row| {
                Ok((row, r.get(0).unwrap_or("").to_string()))
            })
        };
        let (header, rows) = read("\u{feff}A,b\n1,2\n,\n3,4\n").unwrap();
        assert_eq!(header, ["a", "b"]);
        assert_eq!(rows, [(2, "1".to_string()), (4, "3".to_string())]);
        let problems = read("b,c,b\n").unwrap_err();
        let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(columns, ["c", "b", "a"]);
        assert!(read("a\n").unwrap_err()[0].message.contains("no things"));
        let limited = read("a\n1\n2\n3\n4\n").unwrap_err();
        assert!(limited[0].message.contains("at most 3"));
        assert_eq!(read("a\n1,2\n").unwrap_err()[0].row, 2);
    }

    #[test]
    fn list_cells_and_file_text() {
        assert_eq!(items(" x ; ;y").collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(csv_text(None), Err(UploadProblem::NoFile));
        assert_eq!(csv_text(Some(vec![0xff])), Err(UploadProblem::NotText));
        assert_eq!(csv_text(Some(b"a".to_vec())).unwrap(), "a");
    }
}
