//! The retention pass: once a day (from the worker's daily scans) and on
//! demand (`fairchance retention`), people released longer ago than the
//! configured months are anonymised, and people whose licence ended longer
//! ago than the configured days lose their offence, licence and
//! barred-list data. One person per transaction, each with the matcher's
//! job (the search index drops or re-indexes them) and an audit row by the
//! system ("retention") that holds ids and counts, never a name.

use chrono::{NaiveDate, NaiveDateTime};

use crate::config::Retention;
use crate::domain::retention as policy;
use crate::store::audit::{self, Actor, Entry};
use crate::store::retention::{self as stored, Person};
use crate::store::{self, AsTx, Conn, StoreResult};

/// The audit log's name for the pass.
pub const ACTOR: &str = "retention";

/// What the next pass would do on a day.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Plan {
    pub today: NaiveDate,
    pub settings: Settings,
    /// People released before this day are anonymised.
    pub released_before: NaiveDate,
    /// People to anonymise, by id.
    pub anonymise: Vec<Person>,
    /// People (not due for anonymisation) whose restricted sections go.
    pub restricted: Vec<Person>,
}

/// The settings in force, for pages and the command line.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Settings {
    pub months_after_release: u32,
    pub restricted_days_after_licence: u32,
}

impl From<&Retention> for Settings {
    fn from(r: &Retention) -> Self {
        Self {
            months_after_release: r.months_after_release,
            restricted_days_after_licence: r.restricted_days_after_licence,
        }
    }
}

/// Who the pass on `today` would act on.
pub fn plan(conn: &mut impl AsTx, retention: &Retention, today: NaiveDate) -> StoreResult<Plan> {
    let released_before = policy::anonymise_released_before(retention, today);
    let anonymise = stored::due_for_anonymisation(conn, released_before)?;
    let restricted = stored::licence_holders(conn, released_before)?
        .into_iter()
        .filter(|h| {
            crate::domain::licence::last_day(h.recorded, &h.conditions)
                .is_some_and(|end| policy::restricted_due(retention, end, today))
        })
        .map(|h| h.person)
        .collect();
    Ok(Plan {
        today,
        settings: retention.into(),
        released_before,
        anonymise,
        restricted,
    })
}

/// What a pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub anonymised: usize,
    pub restricted_deleted: usize,
}

/// One person done, for progress output: which list, how many of it are
/// done, of how many, and the person (id and pseudonym).
pub struct Progress<'a> {
    pub anonymising: bool,
    pub done: usize,
    pub total: usize,
    pub person: &'a Person,
}

/// Runs the pass for `today`: everyone due is anonymised, then the due
/// restricted sections are deleted, one person per transaction. Call on a
/// pooled connection (not inside a transaction).
pub fn run(
    conn: &mut Conn,
    retention: &Retention,
    today: NaiveDate,
    progress: &dyn Fn(Progress<'_>),
) -> StoreResult<Report> {
    let plan = plan(conn, retention, today)?;
    let mut report = Report::default();
    for (i, person) in plan.anonymise.iter().enumerate() {
        if anonymise_one(conn, person.id, store::now())? {
            report.anonymised += 1;
        }
        progress(Progress {
            anonymising: true,
            done: i + 1,
            total: plan.anonymise.len(),
            person,
        });
    }
    for (i, person) in plan.restricted.iter().enumerate() {
        if delete_restricted_one(conn, person.id, store::now())? {
            report.restricted_deleted += 1;
        }
        progress(Progress {
            anonymising: false,
            done: i + 1,
            total: plan.restricted.len(),
            person,
        });
    }
    Ok(report)
}

/// Anonymises one person in a transaction of its own; false when someone
/// else (an earlier or parallel pass) already had.
fn anonymise_one(conn: &mut Conn, id: i64, at: NaiveDateTime) -> StoreResult<bool> {
    conn.write(|tx| {
        let Some(done) = stored::anonymise(tx, id, at)? else {
            return Ok(false);
        };
        crate::matches::profile_changed(tx, id, at)?;
        let detail = serde_json::to_string(&done).unwrap_or_default();
        let entry =
            Entry::about("profile.anonymised", "profile", Some(id)).with_detail(Some(detail));
        audit::record(tx, &Actor::system(ACTOR), entry, at)?;
        Ok(true)
    })
}

/// Deletes one person's restricted sections in a transaction of its own;
/// false when they had been anonymised meanwhile.
fn delete_restricted_one(conn: &mut Conn, id: i64, at: NaiveDateTime) -> StoreResult<bool> {
    conn.write(|tx| {
        if stored::is_anonymised(tx, id)? {
            return Ok(false);
        }
        let rows = stored::delete_restricted(tx, id, at)?;
        crate::matches::profile_changed(tx, id, at)?;
        let detail = format!("{{\"condition_and_offence_rows_deleted\":{rows}}}");
        let entry = Entry::about("profile.restricted_deleted", "profile", Some(id))
            .with_detail(Some(detail));
        audit::record(tx, &Actor::system(ACTOR), entry, at)?;
        Ok(true)
    })
}

/// The next pass's counts for the administrator's dashboard.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Next {
    pub settings: Settings,
    pub to_anonymise: usize,
    pub restricted_to_delete: usize,
}

/// What the pass would do today, counted.
pub fn next(conn: &mut impl AsTx, retention: &Retention, today: NaiveDate) -> StoreResult<Next> {
    let plan = plan(conn, retention, today)?;
    Ok(Next {
        settings: plan.settings,
        to_anonymise: plan.anonymise.len(),
        restricted_to_delete: plan.restricted.len(),
    })
}
