//! Profiles as CSV rows: the columns (the editor's fields, in its order),
//! the template, and one row read into the editor's own forms and parsed
//! with `ProfileDetails::parse`, so a cell is refused exactly when the same
//! text in the editor would be, with the same message. The web import and
//! `fairchance import profiles` both read files with [`read_file`].
//!
//! Lists take several items separated by `;`; an item with parts separates
//! them with `|` (`pick-and-pack|prison_work;stock-control|past_job`). Yes/no
//! columns take `yes` or `no` (blank is no). Dates are written 2027-03-14.
//!
//! Licence end dates: the columns `licence_ends_on` and `no_driving_until`,
//! and an optional last part of a curfew (`days|start|end|last day`) or an
//! exclusion zone (`place|radius|last day`). Files written before those
//! existed still read: an item without the part, or a file without the two
//! columns, has no end dates (the conditions last as long as the licence).

use std::collections::HashMap;

use super::form::{CertRow, JobRow, ProfileForm, SkillRow, TodoRow};
use super::restricted_form::{CurfewRow, RestrictedForm, ZoneRow};
use crate::app::profile_import::Table;
use crate::domain::profile::{
    is_restricted_field, ProfileDetails, ProfileInput, PROFILE_FIELDS, RESTRICTED_FIELDS,
};
use crate::domain::skills::Taxonomy;
use crate::domain::FieldErrors;
use crate::web::csv_import::{self, items, CellError, Sheet};
use crate::web::officer::forms;

/// Most people one file may hold.
pub const MAX_ROWS: usize = 10_000;

/// Largest file accepted (a full row is about 300 bytes).
pub const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024;

/// Separates the parts of one item in a list cell.
pub const PART_SEPARATOR: char = '|';

/// Restricted columns a file may leave out (added after the others: a file
/// without them has no end dates).
pub const OPTIONAL_RESTRICTED: [&str; 2] = ["licence_ends_on", "no_driving_until"];

/// The columns, in the editor's order: the profile's fields, then the
/// restricted ones (only with `restricted`).
pub fn columns(restricted: bool) -> Vec<String> {
    let mut out: Vec<String> = PROFILE_FIELDS
        .iter()
        .filter(|f| !is_restricted_field(f))
        .map(|f| (*f).to_string())
        .collect();
    if restricted {
        out.extend(RESTRICTED_FIELDS.iter().map(|f| (*f).to_string()));
    }
    out
}

/// Columns added later that a file may leave out (a file without one has
/// the value blank).
pub const OPTIONAL_COLUMNS: [&str; 1] = ["rotl_travel_km"];

/// Every column but the restricted and optional ones must be in the header.
fn required() -> Vec<&'static str> {
    PROFILE_FIELDS
        .iter()
        .copied()
        .filter(|f| !is_restricted_field(f) && !OPTIONAL_COLUMNS.contains(f))
        .collect()
}

/// An example cell of each column (synthetic).
fn example(column: &str) -> &'static str {
    match column {
        "given_name" => "Sam",
        "family_name" => "Example",
        "reference" => "A1234BC",
        "release_date" => "2027-03-14",
        "no_fixed_abode" => "no",
        "release_area" => "Leeds",
        "travel_radius_km" => "15",
        "skills" => "pick-and-pack|prison_work;stock-control|past_job",
        "certificates" => "cscs-labourer|2028-01-31;food-hygiene-level-2",
        "work_history" => "Kitchen porter|Example Cafe|hospitality|2019|2021",
        "sectors_of_interest" => "warehousing;hospitality",
        "preferred_hours_min" => "16",
        "preferred_hours_max" => "37.5",
        "right_to_work" => "yes",
        "driving_licence" => "no",
        "rotl_eligible_from" => "2027-01-10",
        "rotl_travel_km" => "20",
        "licence_ends_on" => "2028-03-13",
        "curfews" => "mon tue wed thu fri|19:00|07:00|2027-06-13",
        "exclusion_zones" => "LS1|2",
        "no_driving" => "no",
        "no_driving_until" => "",
        "offence_categories" => "dishonesty",
        "barred_children" => "no",
        "barred_adults" => "no",
        "readiness" => "support_needed",
        "todos" => "id||no;bank_account|Appointment booked|yes",
        "consent_to_share_name" => "no",
        "languages" => "English;Polish",
        _ => "",
    }
}

/// What to write in a column, for the page that documents them.
pub fn help(column: &str) -> &'static str {
    match column {
        "given_name" | "family_name" => "Text, up to 80 characters.",
        "reference" => "The prison number, like A1234BC. A person of the service with this number is updated; otherwise a new person is added.",
        "release_date" => "A date like 2027-03-14.",
        "rotl_eligible_from" => "The first day of day release (ROTL), like 2027-01-10, or blank.",
        "rotl_travel_km" => "How far from the prison the person may travel on day release, 0 to 200 km, or blank to use the travel radius. This column may be left out.",
        "release_area" => "A town or a postcode district, like Leeds or LS1; blank with no fixed abode.",
        "travel_radius_km" => "How far the person can travel to work, 0 to 200 km.",
        "skills" => "Skill codes, each with where it came from: code|source; separate skills with ;",
        "certificates" => "Certificate codes, each with its expiry date if it has one and, for one still being gained (a course in progress), the date it is expected: code|2028-01-31|2027-02-28 (leave a part blank when there is none: code||2027-02-28); separate them with ;",
        "work_history" => "Past jobs: role|employer|sector code|from year|to year; separate jobs with ;",
        "sectors_of_interest" | "offence_categories" => "Codes from the lists below, separated by ;",
        "preferred_hours_min" | "preferred_hours_max" => "Hours a week, like 16 or 37.5; both or neither.",
        "readiness" => "A code from the lists below.",
        "gender" => "A code from the lists below, or blank.",
        "todos" => "To-dos: kind code|note|yes when done; separate them with ;",
        "languages" => "Languages, separated by ;",
        "curfews" => "Curfews: days (mon tue ...)|start|end|last day if it ends before the licence, like mon tue wed|19:00|07:00|2027-06-13 or mon tue wed|19:00|07:00; separate them with ;",
        "exclusion_zones" => "Exclusion zones: place|radius in km|last day if it ends before the licence, like LS1|2|2027-06-13 or LS1|2; separate them with ;",
        "licence_ends_on" => "The last day of the licence, like 2028-03-13, or blank. No condition applies after it. This column may be left out.",
        "no_driving_until" => "The last day of the driving ban, like 2027-06-13, or blank when it lasts as long as the licence. This column may be left out.",
        "other_conditions" => "Any other licence condition, as text.",
        _ => "yes or no (blank is no).",
    }
}

/// The template file: the header and one example row.
pub fn template_csv(restricted: bool) -> String {
    csv_import::template(&columns(restricted), |c| example(c).to_string())
}

/// A yes/no cell; blank is no.
fn yes_no(errors: &mut FieldErrors, column: &str, cell: &str) -> bool {
    match cell.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => true,
        "" | "no" | "n" | "false" | "0" => false,
        _ => {
            errors.add(column, "Enter yes or no");
            false
        }
    }
}

/// The parts of each item of a list cell, `count` of them (missing parts
/// blank).
fn parts(cell: &str, count: usize) -> Vec<Vec<String>> {
    items(cell)
        .map(|item| {
            let mut p: Vec<String> = item
                .split(PART_SEPARATOR)
                .map(|s| s.trim().to_string())
                .collect();
            p.resize(count, String::new());
            p
        })
        .collect()
}

/// The row's cells by column.
struct Cells<'a>(HashMap<&'a str, &'a str>);

impl Cells<'_> {
    fn text(&self, column: &str) -> String {
        self.0.get(column).map_or("", |c| c.trim()).to_string()
    }

    fn list(&self, column: &str) -> Vec<String> {
        items(self.0.get(column).copied().unwrap_or(""))
            .map(str::to_string)
            .collect()
    }

    fn parts(&self, column: &str, count: usize) -> Vec<Vec<String>> {
        parts(self.0.get(column).copied().unwrap_or(""), count)
    }

    fn yes(&self, errors: &mut FieldErrors, column: &str) -> bool {
        yes_no(errors, column, self.0.get(column).copied().unwrap_or(""))
    }
}

/// The editor's main form as the row fills it.
fn main_form(cells: &Cells, e: &mut FieldErrors) -> ProfileForm {
    let take = |s: &mut String| std::mem::take(s);
    ProfileForm {
        given_name: cells.text("given_name"),
        family_name: cells.text("family_name"),
        reference: cells.text("reference"),
        release_date: cells.text("release_date"),
        no_fixed_abode: cells.yes(e, "no_fixed_abode"),
        release_area: cells.text("release_area"),
        travel_radius_km: cells.text("travel_radius_km"),
        skills: cells
            .parts("skills", 2)
            .into_iter()
            .map(|mut p| SkillRow {
                slug: take(&mut p[0]),
                source: take(&mut p[1]),
            })
            .collect(),
        certificates: cells
            .parts("certificates", 3)
            .into_iter()
            .map(|mut p| CertRow {
                slug: take(&mut p[0]),
                expires_on: take(&mut p[1]),
                expected_on: take(&mut p[2]),
            })
            .collect(),
        work_history: cells
            .parts("work_history", 5)
            .into_iter()
            .map(|mut p| JobRow {
                role: take(&mut p[0]),
                employer_name: take(&mut p[1]),
                sector: take(&mut p[2]),
                from_year: take(&mut p[3]),
                to_year: take(&mut p[4]),
            })
            .collect(),
        sectors: cells.list("sectors_of_interest"),
        hours_min: cells.text("preferred_hours_min"),
        hours_max: cells.text("preferred_hours_max"),
        right_to_work: cells.yes(e, "right_to_work"),
        driving_licence: cells.yes(e, "driving_licence"),
        rotl_eligible_from: cells.text("rotl_eligible_from"),
        rotl_travel_km: cells.text("rotl_travel_km"),
        readiness: cells.text("readiness"),
        todos: todo_rows(cells, e),
        consent_to_share_name: cells.yes(e, "consent_to_share_name"),
        gender: cells.text("gender"),
        languages: cells.list("languages").join(", "),
    }
}

fn todo_rows(cells: &Cells, e: &mut FieldErrors) -> Vec<TodoRow> {
    cells
        .parts("todos", 3)
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| TodoRow {
            kind: std::mem::take(&mut p[0]),
            note: std::mem::take(&mut p[1]),
            done: yes_no(e, &format!("todos[{i}].done"), &p[2]),
        })
        .collect()
}

/// The editor's restricted form as the row fills it.
fn restricted_form(cells: &Cells, e: &mut FieldErrors) -> RestrictedForm {
    RestrictedForm {
        licence_ends_on: cells.text("licence_ends_on"),
        curfews: cells
            .parts("curfews", 4)
            .into_iter()
            .map(|mut p| CurfewRow {
                days: p[0]
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|d| !d.is_empty())
                    .map(str::to_lowercase)
                    .collect(),
                start: std::mem::take(&mut p[1]),
                end: std::mem::take(&mut p[2]),
                ends_on: std::mem::take(&mut p[3]),
            })
            .collect(),
        zones: cells
            .parts("exclusion_zones", 3)
            .into_iter()
            .map(|mut p| ZoneRow {
                place: std::mem::take(&mut p[0]),
                radius_km: std::mem::take(&mut p[1]),
                ends_on: std::mem::take(&mut p[2]),
            })
            .collect(),
        no_driving: cells.yes(e, "no_driving"),
        no_driving_until: cells.text("no_driving_until"),
        other_conditions: cells.text("other_conditions"),
        offences: cells.list("offence_categories"),
        barred_children: cells.yes(e, "barred_children"),
        barred_adults: cells.yes(e, "barred_adults"),
    }
}

/// The column of an editor field's error, with the list item it is about
/// (`skills[2].slug` is column `skills (item 3)`).
fn column_of(field: &str) -> String {
    let head = field.split(['[', '.']).next().unwrap_or(field);
    let item = field
        .strip_prefix(head)
        .and_then(|rest| rest.strip_prefix('['))
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse::<usize>().ok());
    match item {
        Some(i) => format!("{head} (item {})", i + 1),
        None => head.to_string(),
    }
}

/// One row read with the editor's forms and parsed; its details, or every
/// problem by column with the editor's messages.
pub fn parse_row(
    header: &[String],
    record: &csv::StringRecord,
    row: usize,
    taxonomy: &Taxonomy,
) -> Result<ProfileDetails, Vec<CellError>> {
    let cells = Cells(
        header
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect(),
    );
    let mut mine = FieldErrors::new();
    let main = main_form(&cells, &mut mine);
    let (mut input, read) = main.apply(&ProfileInput::default());
    mine.absorb("", read);
    if header.iter().any(|h| is_restricted_field(h)) {
        let (with_restricted, read) = restricted_form(&cells, &mut mine).apply(&input);
        mine.absorb("", read);
        input = with_restricted;
    }
    let errors = match ProfileDetails::parse(&input, taxonomy) {
        Ok(details) if mine.is_empty() => return Ok(details),
        Ok(_) => mine,
        Err(theirs) => forms::merge(mine, theirs, PROFILE_FIELDS),
    };
    Err(csv_import::cell_errors(row, &errors, column_of))
}

/// Reads a whole file: every row parsed, and the restricted columns it
/// has (all of them or none), or every problem.
pub fn read_file(text: &str, taxonomy: &Taxonomy) -> Result<Table, Vec<CellError>> {
    // A file sent back from the preview's form comes with CRLF line ends
    // (browsers send them so); the preview read it with LF inside cells.
    let text = text.replace("\r\n", "\n");
    let known = columns(true);
    let required = required();
    let sheet = Sheet {
        known: &known,
        required: &required,
        max_rows: MAX_ROWS,
        rows_are: "people",
    };
    let (header, rows) = csv_import::read_rows(&text, &sheet, |header, record, row| {
        parse_row(header, record, row, taxonomy).map(|details| (row, details))
    })?;
    let restricted_columns: Vec<String> = header
        .iter()
        .filter(|h| is_restricted_field(h))
        .cloned()
        .collect();
    let missing: Vec<&str> = RESTRICTED_FIELDS
        .iter()
        .copied()
        .filter(|f| !OPTIONAL_RESTRICTED.contains(f))
        .filter(|f| !restricted_columns.iter().any(|c| c == f))
        .collect();
    if !restricted_columns.is_empty() && !missing.is_empty() {
        return Err(vec![CellError {
            row: 1,
            column: missing.join(", "),
            message: "Give all the offence, licence and barred columns or none of them: \
                      a column left out would clear what is held"
                .into(),
        }]);
    }
    Ok(Table {
        rows,
        restricted_columns,
        has_rotl_travel: header.iter().any(|h| h == "rotl_travel_km"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_back_as_one_person() {
        let taxonomy = crate::startup::load_taxonomy().unwrap();
        for restricted in [false, true] {
            let table =
                read_file(&template_csv(restricted), &taxonomy).unwrap_or_else(|e| panic!("{e:?}"));
            assert_eq!(table.rows.len(), 1);
            assert_eq!(table.rows[0].1.reference(), "A1234BC");
            assert_eq!(
                table.restricted_columns.len(),
                if restricted { 9 } else { 0 }
            );
            if restricted {
                let conditions = table.rows[0].1.licence_conditions();
                assert_eq!(
                    conditions.licence_ends_on().unwrap().to_string(),
                    "2028-03-13"
                );
                let curfew = &conditions.curfews()[0];
                assert_eq!(curfew.ends_on().unwrap().to_string(), "2027-06-13");
            }
        }
    }

    #[test]
    fn line_ends_do_not_change_a_cell() {
        let taxonomy = crate::startup::load_taxonomy().unwrap();
        let lf = csv_import::template(&columns(true), |c| match c {
            "other_conditions" => "Report weekly\nNo contact with the victim".into(),
            other => example(other).into(),
        });
        let crlf = lf.replace('\n', "\r\n");
        let (a, b) = (read_file(&lf, &taxonomy), read_file(&crlf, &taxonomy));
        let (a, b) = (a.unwrap().rows, b.unwrap().rows);
        assert_eq!(a[0].1, b[0].1);
        let conditions = a[0].1.licence_conditions().other().unwrap().to_string();
        assert_eq!(conditions, "Report weekly\nNo contact with the victim");
    }

    #[test]
    fn end_dates_are_optional_columns_and_parts() {
        let taxonomy = crate::startup::load_taxonomy().unwrap();
        let old_columns: Vec<String> = columns(true)
            .into_iter()
            .filter(|c| !OPTIONAL_RESTRICTED.contains(&c.as_str()))
            .collect();
        let old = csv_import::template(&old_columns, |c| match c {
            "curfews" => "mon|19:00|07:00".into(),
            "exclusion_zones" => "LS1|2".into(),
            other => example(other).into(),
        });
        let table = read_file(&old, &taxonomy).unwrap_or_else(|e| panic!("{e:?}"));
        let conditions = table.rows[0].1.licence_conditions();
        assert_eq!(conditions.curfews()[0].ends_on(), None);
        assert_eq!(conditions.exclusion_zones()[0].ends_on(), None);
        assert_eq!(conditions.licence_ends_on(), None);
        let bad = csv_import::template(&columns(true), |c| match c {
            "curfews" => "mon|19:00|07:00|2027-02-30".into(),
            "exclusion_zones" => "LS1|2|2029-01-01".into(),
            other => example(other).into(),
        });
        let errors = read_file(&bad, &taxonomy).unwrap_err();
        let about = |column: &str| {
            errors
                .iter()
                .find(|e| e.column == column)
                .map(|e| e.message.clone())
                .unwrap_or_default()
        };
        assert!(
            about("curfews (item 1)").contains("real date"),
            "{errors:?}"
        );
        assert!(
            about("exclusion_zones (item 1)").contains("ends after the licence ends"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_certificate_item_may_give_the_date_it_is_expected() {
        let taxonomy = crate::startup::load_taxonomy().unwrap();
        let file = csv_import::template(&columns(false), |c| match c {
            "certificates" => "cscs-labourer||2027-02-28;food-hygiene-level-2|2029-01-31".into(),
            other => example(other).into(),
        });
        let table = read_file(&file, &taxonomy).unwrap_or_else(|e| panic!("{e:?}"));
        let held = table.rows[0].1.certificates();
        assert_eq!(held[0].expected_on().unwrap().to_string(), "2027-02-28");
        assert_eq!(held[0].expires_on(), None);
        assert_eq!(held[1].expected_on(), None);
        let bad = csv_import::template(&columns(false), |c| match c {
            "certificates" => "cscs-labourer|2027-01-31|2027-02-28".into(),
            other => example(other).into(),
        });
        let errors = read_file(&bad, &taxonomy).unwrap_err();
        assert!(
            errors.iter().any(|e| e.column == "certificates (item 1)"
                && e.message.contains("before the date it expires")),
            "{errors:?}"
        );
    }

    #[test]
    fn errors_name_the_column_and_the_item() {
        assert_eq!(column_of("skills[2].slug"), "skills (item 3)");
        assert_eq!(column_of("release_area"), "release_area");
        assert_eq!(column_of("release_area.name"), "release_area");
    }
}
