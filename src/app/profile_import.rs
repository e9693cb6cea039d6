//! Importing profiles from a table: the officers' and administrators' CSV
//! upload and `fairchance import profiles`. The rows arrive already read
//! (each interface reads its cells with the editor's own reading and ends in
//! `ProfileDetails::parse`); here they are checked against the service
//! (a prison number once per file, restricted columns only for those who may
//! write them), compared with the people the service already holds (upsert
//! by prison number), shown as a preview that writes nothing, and imported:
//! every row or none, in one transaction, each created or changed profile
//! with its audit row and its `profile.changed` job.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use super::profiles::{new_pseudonym, Caseworker};
use super::{CellError, Failure};
use crate::domain::profile::{
    changed_fields, is_restricted_field, rectification_via, Profile, ProfileDetails,
};
use crate::domain::skills::Taxonomy;
use crate::store::audit::{self, Actor, Entry};
use crate::store::profiles::NewProfile;
use crate::store::{self, AsTx, Conn, InTx, StoreError};

/// New profiles stored per `insert_many` call (and per progress step).
const CHUNK: usize = 500;

/// Who imports, into which service, and what they may write.
#[derive(Clone, Debug)]
pub struct Importer {
    actor: Actor,
    service_id: i64,
    /// New people go onto this officer's caseload.
    officer_id: Option<i64>,
    may_write_restricted: bool,
    /// How the import came, for the audit rows.
    via: &'static str,
}

impl Importer {
    /// A case officer: into their own service, new people onto their own
    /// caseload. The officers of a service may write the offence, licence
    /// and barred sections of its people.
    pub fn officer(officer: Caseworker) -> Self {
        Self {
            actor: officer.actor,
            service_id: officer.service_id,
            officer_id: Some(officer.user_id),
            may_write_restricted: true,
            via: "CSV import",
        }
    }

    /// An administrator, into the service they chose, new people on no
    /// caseload. Administrators are not a person's officers, so they may
    /// not write (or see) the offence, licence and barred sections.
    pub fn administrator(actor: Actor, service_id: i64) -> Self {
        Self {
            actor,
            service_id,
            officer_id: None,
            may_write_restricted: false,
            via: "CSV import",
        }
    }

    /// The command line, run by an operator of the service with access to
    /// its database (moving records from another system): every column.
    pub fn command_line(service_id: i64) -> Self {
        Self {
            actor: Actor::system("command line"),
            service_id,
            officer_id: None,
            may_write_restricted: true,
            via: "command-line import",
        }
    }

    /// Whether this importer may write the restricted columns.
    pub fn may_write_restricted(&self) -> bool {
        self.may_write_restricted
    }
}

/// The rows of a file, read and parsed.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Each person with the file's row number (the header is row 1).
    pub rows: Vec<(usize, ProfileDetails)>,
    /// The restricted columns the file has. With none, a person already
    /// held keeps their offence, licence and barred sections; with them,
    /// the file's replace them.
    pub restricted_columns: Vec<String>,
    /// Whether the file has the optional `rotl_travel_km` column: without
    /// it, a person already held keeps their day-release travel limit
    /// (a file made from an older template must not clear it).
    pub has_rotl_travel: bool,
}

/// What importing a row does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A new person.
    Create,
    /// A person already held (by prison number), with the fields that
    /// change, in form order.
    Update(Vec<&'static str>),
    /// A person already held, exactly as the row says.
    Unchanged,
}

/// One row of the plan.
#[derive(Clone, Debug)]
pub struct PlannedRow {
    pub row: usize,
    /// The profile it updates, if it is held already.
    pub id: Option<i64>,
    pub change: Change,
    /// The details the profile will have.
    pub details: ProfileDetails,
    /// For an update, what it corrects, as its audit row keeps it
    /// (`domain::profile::rectification`).
    pub corrected: Option<String>,
}

/// What an import does (or did), row by row.
#[derive(Clone, Debug)]
pub struct Plan {
    pub service_id: i64,
    pub service_name: String,
    pub rows: Vec<PlannedRow>,
    /// The file writes the offence, licence and barred sections.
    pub with_restricted: bool,
}

impl Plan {
    fn count(&self, wanted: fn(&Change) -> bool) -> usize {
        self.rows.iter().filter(|r| wanted(&r.change)).count()
    }

    pub fn created(&self) -> usize {
        self.count(|c| *c == Change::Create)
    }

    pub fn changed(&self) -> usize {
        self.count(|c| matches!(c, Change::Update(_)))
    }

    pub fn unchanged(&self) -> usize {
        self.count(|c| *c == Change::Unchanged)
    }
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum ImportError {
    /// Problems in the file, by row and column.
    Cells(Vec<CellError>),
    Failed(Failure),
}

impl From<Failure> for ImportError {
    fn from(f: Failure) -> Self {
        Self::Failed(f)
    }
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        Self::Failed(e.into())
    }
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Failed(e.into())
    }
}

/// The services an administrator may import into: id and name.
pub async fn services(state: &super::AppState) -> Result<Vec<(i64, String)>, Failure> {
    super::run(&state.store, |conn| {
        let services = store::people::list_services(conn)?;
        Ok(services.into_iter().map(|s| (s.id, s.name)).collect())
    })
    .await
}

/// What the import would do, writing nothing.
pub fn preview(
    conn: &mut Conn,
    importer: &Importer,
    table: &Table,
    taxonomy: &Taxonomy,
) -> Result<Plan, ImportError> {
    plan(conn, importer, table, taxonomy)
}

/// Imports every row or none in one transaction: new people are stored,
/// changed ones updated, each with its audit row and `profile.changed` job;
/// unchanged ones are left alone. `progress` hears (rows done, rows).
pub fn import(
    conn: &mut Conn,
    importer: &Importer,
    table: &Table,
    taxonomy: &Taxonomy,
    progress: &dyn Fn(usize, usize),
) -> Result<Plan, ImportError> {
    conn.write(|tx| {
        let plan = plan(tx, importer, table, taxonomy)?;
        store_plan(tx, importer, &plan, progress)?;
        Ok(plan)
    })
}

/// Every problem the file has beyond its cells: restricted columns from
/// someone who may not write them, and a prison number given twice.
fn check(importer: &Importer, table: &Table) -> Vec<CellError> {
    let mut problems: Vec<CellError> = Vec::new();
    if !importer.may_write_restricted {
        problems.extend(table.restricted_columns.iter().map(|column| {
            CellError {
                row: 1,
                column: column.clone(),
                message: "Your account may not write offence, licence or barred information. \
                      Remove this column, or ask a case officer of the service to import it"
                    .into(),
            }
        }));
    }
    let mut first_row: HashMap<&str, usize> = HashMap::new();
    for (row, details) in &table.rows {
        match first_row.get(details.reference()) {
            Some(first) => problems.push(CellError {
                row: *row,
                column: "reference".into(),
                message: format!(
                    "The prison number {} is already on row {first}. Give each person one row",
                    details.reference()
                ),
            }),
            None => {
                first_row.insert(details.reference(), *row);
            }
        }
    }
    problems
}

/// The people of the service the rows name, by prison number.
fn held(
    conn: &mut impl AsTx,
    service_id: i64,
    table: &Table,
    taxonomy: &Taxonomy,
) -> Result<HashMap<String, Profile>, StoreError> {
    let references: Vec<String> = table
        .rows
        .iter()
        .map(|(_, d)| d.reference().to_string())
        .collect();
    let ids = store::profiles::ids_by_reference(conn, service_id, &references)?;
    let wanted: Vec<i64> = ids.values().copied().collect();
    Ok(store::profiles::load_many(conn, &wanted, taxonomy)?
        .into_iter()
        .map(|p| (p.details.reference().to_string(), p))
        .collect())
}

/// Checks the rows and compares each with the person held, if any.
fn plan(
    conn: &mut impl AsTx,
    importer: &Importer,
    table: &Table,
    taxonomy: &Taxonomy,
) -> Result<Plan, ImportError> {
    let service_name =
        store::reports::service_name(conn, importer.service_id)?.ok_or(Failure::NotFound)?;
    let problems = check(importer, table);
    if !problems.is_empty() {
        return Err(ImportError::Cells(problems));
    }
    let held = held(conn, importer.service_id, table, taxonomy)?;
    let keeps_restricted = table.restricted_columns.is_empty();
    let rows = table
        .rows
        .iter()
        .map(|(row, details)| match held.get(details.reference()) {
            None => PlannedRow {
                row: *row,
                id: None,
                change: Change::Create,
                details: details.clone(),
                corrected: None,
            },
            Some(old) => {
                let mut details = if keeps_restricted {
                    details.with_restricted_of(&old.details)
                } else {
                    details.clone()
                };
                if !table.has_rotl_travel {
                    details = details.with_rotl_travel_of(&old.details);
                }
                let fields = changed_fields(&old.details, &details);
                let corrected = rectification_via(&old.details, &details, importer.via);
                PlannedRow {
                    corrected,
                    row: *row,
                    id: Some(old.id),
                    change: if fields.is_empty() {
                        Change::Unchanged
                    } else {
                        Change::Update(fields)
                    },
                    details,
                }
            }
        })
        .collect();
    Ok(Plan {
        service_id: importer.service_id,
        service_name,
        rows,
        with_restricted: !keeps_restricted,
    })
}

/// What an import wrote: each profile with its audit action.
#[derive(Default)]
struct Written {
    ids: Vec<i64>,
    actions: Vec<&'static str>,
    /// Whether each write touched the restricted sections.
    restricted: Vec<bool>,
    /// What each update corrected (None for a new profile).
    corrected: Vec<Option<String>>,
}

impl Written {
    fn push(&mut self, id: i64, action: &'static str, restricted: bool) {
        self.ids.push(id);
        self.actions.push(action);
        self.restricted.push(restricted);
        self.corrected.push(None);
    }

    fn push_update(&mut self, id: i64, restricted: bool, corrected: Option<String>) {
        self.push(id, "profile.updated", restricted);
        if let Some(last) = self.corrected.last_mut() {
            *last = corrected;
        }
    }

    /// The audit rows and the matcher's jobs of everything written.
    fn record(
        &self,
        tx: &mut InTx<'_>,
        importer: &Importer,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        crate::matches::profiles_changed(tx, &self.ids, at)?;
        let with = format!(
            "{}, with offence, licence and barred sections",
            importer.via
        );
        let entries: Vec<Entry> = (0..self.ids.len())
            .map(|i| {
                let detail = match &self.corrected[i] {
                    Some(corrected) => corrected.clone(),
                    None if self.restricted[i] => with.clone(),
                    None => importer.via.to_string(),
                };
                Entry::about(self.actions[i], "profile", Some(self.ids[i]))
                    .with_detail(Some(detail))
            })
            .collect();
        audit::record_many(tx, &importer.actor, &entries, at)
    }
}

/// New profiles of one chunk, each with a pseudonym not used in this import.
fn insert_chunk(
    tx: &mut InTx<'_>,
    importer: &Importer,
    chunk: &[&PlannedRow],
    pseudonyms: &mut HashSet<String>,
    at: NaiveDateTime,
) -> Result<Vec<i64>, StoreError> {
    let names: Vec<String> = chunk
        .iter()
        .map(|_| loop {
            let name = new_pseudonym();
            if pseudonyms.insert(name.clone()) {
                break name;
            }
        })
        .collect();
    let items: Vec<NewProfile> = chunk
        .iter()
        .zip(&names)
        .map(|(row, pseudonym)| NewProfile {
            service_id: importer.service_id,
            officer_id: importer.officer_id,
            pseudonym,
            details: &row.details,
        })
        .collect();
    store::profiles::insert_many(tx, &items, at)
}

/// Writes the plan: new people in chunks of [`CHUNK`], then the changes,
/// then every audit row and job.
fn store_plan(
    tx: &mut InTx<'_>,
    importer: &Importer,
    plan: &Plan,
    progress: &dyn Fn(usize, usize),
) -> Result<(), ImportError> {
    let at = store::now();
    let total = plan.rows.len();
    let created: Vec<&PlannedRow> = plan
        .rows
        .iter()
        .filter(|r| r.change == Change::Create)
        .collect();
    let mut done = plan.unchanged();
    let mut written = Written::default();
    let mut pseudonyms = HashSet::new();
    for chunk in created.chunks(CHUNK) {
        for id in insert_chunk(tx, importer, chunk, &mut pseudonyms, at)? {
            written.push(id, "profile.created", plan.with_restricted);
        }
        done += chunk.len();
        progress(done, total);
    }
    for row in &plan.rows {
        if let (Change::Update(fields), Some(id)) = (&row.change, row.id) {
            store::profiles::update(tx, id, importer.service_id, &row.details, at)?;
            let touched = fields.iter().any(|f| is_restricted_field(f));
            written.push_update(id, touched, row.corrected.clone());
            done += 1;
            if done.is_multiple_of(CHUNK) {
                progress(done, total);
            }
        }
    }
    written.record(tx, importer, at)?;
    progress(total, total);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::ProfileInput;

    fn person(skills: &[&str], radius: f64) -> ProfileDetails {
        let taxonomy = crate::startup::load_taxonomy().unwrap();
        let input = ProfileInput {
            given_name: "Sam".into(),
            family_name: "Example".into(),
            reference: "A1234BC".into(),
            release_date: chrono::NaiveDate::from_ymd_opt(2027, 3, 14),
            release_area: Some(crate::domain::geo::PlaceInput {
                name: "Leeds".into(),
                lat: 53.7965,
                lon: -1.5478,
            }),
            travel_radius_km: radius,
            skills: skills
                .iter()
                .map(|s| crate::domain::profile::ProfileSkillInput {
                    slug: (*s).into(),
                    source: "past_job".into(),
                })
                .collect(),
            right_to_work: true,
            readiness: "support_needed".into(),
            ..ProfileInput::default()
        };
        ProfileDetails::parse(&input, &taxonomy).unwrap()
    }

    #[test]
    fn the_order_of_a_set_is_no_change_but_a_value_is() {
        let held = person(&["stock-control", "pick-and-pack"], 15.0);
        let same = person(&["pick-and-pack", "stock-control"], 15.0);
        assert!(changed_fields(&held, &same).is_empty());
        let moved = person(&["pick-and-pack"], 20.0);
        assert_eq!(
            changed_fields(&held, &moved),
            ["travel_radius_km", "skills"]
        );
    }

    #[test]
    fn restricted_columns_from_an_administrator_and_a_number_twice_are_refused() {
        let admin = Importer::administrator(Actor::system("test"), 1);
        let table = Table {
            rows: vec![(2, person(&[], 15.0)), (3, person(&[], 20.0))],
            restricted_columns: vec!["offence_categories".into()],
            has_rotl_travel: true,
        };
        let problems = check(&admin, &table);
        assert_eq!(problems.len(), 2);
        assert_eq!(
            (problems[0].row, problems[0].column.as_str()),
            (1, "offence_categories")
        );
        assert_eq!(
            (problems[1].row, problems[1].column.as_str()),
            (3, "reference")
        );
        assert!(problems[1].message.contains("already on row 2"));
        let cli = Importer::command_line(1);
        assert_eq!(check(&cli, &table).len(), 1);
    }
}
