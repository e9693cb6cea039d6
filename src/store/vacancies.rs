//! Vacancies and their shifts, skills, certificates, offence exclusions and
//! documents. Rows are read back through the domain's `parse`, so a stored
//! vacancy is always a valid one.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use super::schema::{
    vacancies, vacancy_certificates, vacancy_documents, vacancy_offence_exclusions, vacancy_shifts,
    vacancy_skills,
};
use super::{days_from_names, days_to_names, AsTx, StoreError, StoreResult, CHILD_ROWS_PER_INSERT};
use crate::domain::geo::PlaceInput;
use crate::domain::offence::OffenceExclusionInput;
use crate::domain::schedule::TimeWindowInput;
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::{StartKind, Vacancy, VacancyDetails, VacancyInput, VacancyStatus};
use crate::with_conn;

#[derive(Queryable, Selectable)]
#[diesel(table_name = vacancies)]
struct VacancyRow {
    id: i64,
    employer_id: i64,
    status: String,
    title: String,
    description: String,
    sector_slug: String,
    remote: bool,
    place_name: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    hours_per_week: f64,
    contract_type: String,
    pay_min_pence: i64,
    pay_max_pence: i64,
    pay_period: String,
    positions: i32,
    start_date: Option<NaiveDate>,
    closing_date: Option<NaiveDate>,
    needs_driving_licence: bool,
    check_level: String,
    regulated_children: bool,
    regulated_adults: bool,
    rotl_suitable: bool,
    ring_fenced: bool,
    how_to_apply: String,
}

fn pence(pounds: f64) -> i64 {
    (pounds * 100.0).round() as i64
}

/// Writes the child rows of new vacancies, many rows per statement.
fn write_children(conn: &mut impl AsTx, rows: &[(i64, VacancyInput)]) -> StoreResult<()> {
    with_conn!(conn, |c| {
        let mut all_shifts = Vec::new();
        let mut all_skills = Vec::new();
        let mut all_certificates = Vec::new();
        let mut all_exclusions = Vec::new();
        let mut all_documents = Vec::new();
        for (id, input) in rows {
            let id = *id;
            let shifts: Vec<_> = input
                .shifts
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    Ok((
                        vacancy_shifts::vacancy_id.eq(id),
                        vacancy_shifts::position.eq(i as i32),
                        vacancy_shifts::days.eq(days_from_names(&s.days)?),
                        vacancy_shifts::start_time.eq(parse_time(&s.start)?),
                        vacancy_shifts::end_time.eq(parse_time(&s.end)?),
                    ))
                })
                .collect::<StoreResult<_>>()?;
            all_shifts.extend(shifts);
            let skills: Vec<_> = input
                .required_skills
                .iter()
                .map(|s| (s, "required"))
                .chain(input.desirable_skills.iter().map(|s| (s, "desirable")))
                .map(|(slug, requirement)| {
                    (
                        vacancy_skills::vacancy_id.eq(id),
                        vacancy_skills::skill_slug.eq(slug),
                        vacancy_skills::requirement.eq(requirement),
                    )
                })
                .collect();
            all_skills.extend(skills);
            let certificates: Vec<_> = input
                .required_certificates
                .iter()
                .map(|slug| {
                    (
                        vacancy_certificates::vacancy_id.eq(id),
                        vacancy_certificates::certificate_slug.eq(slug),
                    )
                })
                .collect();
            all_certificates.extend(certificates);
            let exclusions: Vec<_> = input
                .offence_exclusions
                .iter()
                .map(|e| {
                    (
                        vacancy_offence_exclusions::vacancy_id.eq(id),
                        vacancy_offence_exclusions::category.eq(&e.category),
                        vacancy_offence_exclusions::stance.eq(&e.stance),
                        vacancy_offence_exclusions::reason.eq(&e.reason),
                    )
                })
                .collect();
            all_exclusions.extend(exclusions);
            let documents: Vec<_> = input
                .documents_needed
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    (
                        vacancy_documents::vacancy_id.eq(id),
                        vacancy_documents::position.eq(i as i32),
                        vacancy_documents::document.eq(d),
                    )
                })
                .collect();
            all_documents.extend(documents);
        }
        for chunk in all_shifts.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(vacancy_shifts::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_skills.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(vacancy_skills::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_certificates.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(vacancy_certificates::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_exclusions.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(vacancy_offence_exclusions::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_documents.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(vacancy_documents::table)
                .values(chunk)
                .execute(c)?;
        }
        Ok(())
    })
}

fn parse_time(text: &str) -> StoreResult<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|_| StoreError::Corrupt(format!("time {text:?}")))
}

/// Stores a new vacancy; call inside a transaction.
pub fn insert(
    conn: &mut impl AsTx,
    employer_id: i64,
    status: VacancyStatus,
    created_by: Option<i64>,
    details: &VacancyDetails,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    insert_many(
        conn,
        &[NewVacancy {
            employer_id,
            status,
            created_by,
            details,
        }],
        at,
    )?
    .pop()
    .ok_or(StoreError::NotFound)
}

/// One vacancy to store with [`insert_many`].
pub struct NewVacancy<'a> {
    pub employer_id: i64,
    pub status: VacancyStatus,
    pub created_by: Option<i64>,
    pub details: &'a VacancyDetails,
}

/// Stores new vacancies: each row, then all their parts in a few statements.
/// Call inside a transaction. Returns the ids in order.
pub fn insert_many(
    conn: &mut impl AsTx,
    items: &[NewVacancy],
    at: NaiveDateTime,
) -> StoreResult<Vec<i64>> {
    let mut rows = Vec::with_capacity(items.len());
    for item in items {
        let input = item.details.to_input();
        let id = insert_row(
            conn,
            item.employer_id,
            item.status,
            item.created_by,
            &input,
            at,
        )?;
        rows.push((id, input));
    }
    write_children(conn, &rows)?;
    Ok(rows.into_iter().map(|(id, _)| id).collect())
}

fn insert_row(
    conn: &mut impl AsTx,
    employer_id: i64,
    status: VacancyStatus,
    created_by: Option<i64>,
    input: &VacancyInput,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    let published_at = (status == VacancyStatus::Published).then_some(at);
    let workplace = input.workplace.as_ref();
    let id: i64 = with_conn!(conn, |c| diesel::insert_into(vacancies::table)
        .values((
            vacancies::employer_id.eq(employer_id),
            vacancies::status.eq(status.as_str()),
            vacancies::title.eq(&input.title),
            vacancies::description.eq(&input.description),
            vacancies::sector_slug.eq(&input.sector),
            vacancies::remote.eq(input.remote),
            vacancies::place_name.eq(workplace.map(|p| p.name.as_str())),
            vacancies::lat.eq(workplace.map(|p| p.lat)),
            vacancies::lon.eq(workplace.map(|p| p.lon)),
            vacancies::hours_per_week.eq(input.hours_per_week),
            vacancies::contract_type.eq(&input.contract),
            vacancies::pay_min_pence.eq(pence(input.pay_min)),
            vacancies::pay_max_pence.eq(pence(input.pay_max)),
            vacancies::pay_period.eq(&input.pay_period),
            vacancies::positions.eq(input.positions as i32),
            vacancies::start_date.eq(input.start_date),
            vacancies::closing_date.eq(input.closing_date),
            vacancies::needs_driving_licence.eq(input.needs_driving_licence),
            vacancies::check_level.eq(&input.check_level),
            vacancies::regulated_children.eq(input.regulated_children),
            vacancies::regulated_adults.eq(input.regulated_adults),
            vacancies::rotl_suitable.eq(input.rotl_suitable),
            vacancies::ring_fenced.eq(input.ring_fenced),
            vacancies::how_to_apply.eq(&input.how_to_apply),
            vacancies::created_by.eq(created_by),
            vacancies::published_at.eq(published_at),
            vacancies::created_at.eq(at),
            vacancies::updated_at.eq(at),
        ))
        .returning(vacancies::id)
        .get_result(c)?);
    Ok(id)
}

/// Loads vacancies by id, in the order asked; ids not found are skipped.
pub fn load_many(
    conn: &mut impl AsTx,
    ids: &[i64],
    taxonomy: &Taxonomy,
) -> StoreResult<Vec<Vacancy>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = HashMap::new();
    for chunk in ids.chunks(5_000) {
        for vacancy in load_where(conn, chunk, taxonomy)? {
            found.insert(vacancy.id, vacancy);
        }
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

pub fn load(conn: &mut impl AsTx, id: i64, taxonomy: &Taxonomy) -> StoreResult<Vacancy> {
    load_many(conn, &[id], taxonomy)?
        .pop()
        .ok_or(StoreError::NotFound)
}

type ShiftRow = (i64, i32, NaiveTime, NaiveTime);
type SkillRow = (i64, String, String);
type ExclusionRow = (i64, String, String, String);

fn load_where(conn: &mut impl AsTx, ids: &[i64], taxonomy: &Taxonomy) -> StoreResult<Vec<Vacancy>> {
    let (rows, shifts, skills, certificates, exclusions, documents) = with_conn!(conn, |c| {
        let rows: Vec<VacancyRow> = vacancies::table
            .filter(vacancies::id.eq_any(ids))
            .select(VacancyRow::as_select())
            .load(c)?;
        let shifts: Vec<ShiftRow> = vacancy_shifts::table
            .filter(vacancy_shifts::vacancy_id.eq_any(ids))
            .order((vacancy_shifts::vacancy_id, vacancy_shifts::position))
            .select((
                vacancy_shifts::vacancy_id,
                vacancy_shifts::days,
                vacancy_shifts::start_time,
                vacancy_shifts::end_time,
            ))
            .load(c)?;
        let skills: Vec<SkillRow> = vacancy_skills::table
            .filter(vacancy_skills::vacancy_id.eq_any(ids))
            .order((vacancy_skills::vacancy_id, vacancy_skills::skill_slug))
            .select((
                vacancy_skills::vacancy_id,
                vacancy_skills::skill_slug,
                vacancy_skills::requirement,
            ))
            .load(c)?;
        let certificates: Vec<(i64, String)> = vacancy_certificates::table
            .filter(vacancy_certificates::vacancy_id.eq_any(ids))
            .order((
                vacancy_certificates::vacancy_id,
                vacancy_certificates::certificate_slug,
            ))
            .select((
                vacancy_certificates::vacancy_id,
                vacancy_certificates::certificate_slug,
            ))
            .load(c)?;
        let exclusions: Vec<ExclusionRow> = vacancy_offence_exclusions::table
            .filter(vacancy_offence_exclusions::vacancy_id.eq_any(ids))
            .order((
                vacancy_offence_exclusions::vacancy_id,
                vacancy_offence_exclusions::category,
            ))
            .select((
                vacancy_offence_exclusions::vacancy_id,
                vacancy_offence_exclusions::category,
                vacancy_offence_exclusions::stance,
                vacancy_offence_exclusions::reason,
            ))
            .load(c)?;
        let documents: Vec<(i64, String)> = vacancy_documents::table
            .filter(vacancy_documents::vacancy_id.eq_any(ids))
            .order((vacancy_documents::vacancy_id, vacancy_documents::position))
            .select((vacancy_documents::vacancy_id, vacancy_documents::document))
            .load(c)?;
        (rows, shifts, skills, certificates, exclusions, documents)
    });

    let mut inputs: HashMap<i64, VacancyInput> = HashMap::new();
    let mut heads: Vec<(i64, i64, String)> = Vec::new();
    for row in rows {
        heads.push((row.id, row.employer_id, row.status.clone()));
        inputs.insert(
            row.id,
            VacancyInput {
                title: row.title,
                description: row.description,
                sector: row.sector_slug,
                remote: row.remote,
                workplace: match (row.place_name, row.lat, row.lon) {
                    (Some(name), Some(lat), Some(lon)) => Some(PlaceInput { name, lat, lon }),
                    _ => None,
                },
                hours_per_week: row.hours_per_week,
                shifts: Vec::new(),
                contract: row.contract_type,
                pay_min: row.pay_min_pence as f64 / 100.0,
                pay_max: row.pay_max_pence as f64 / 100.0,
                pay_period: row.pay_period,
                positions: row.positions.max(0) as u32,
                // No start date: the job starts as soon as possible.
                start: Some(
                    match row.start_date {
                        Some(_) => StartKind::OnDate,
                        None => StartKind::Asap,
                    }
                    .as_str()
                    .to_owned(),
                ),
                start_date: row.start_date,
                closing_date: row.closing_date,
                required_skills: Vec::new(),
                desirable_skills: Vec::new(),
                required_certificates: Vec::new(),
                needs_driving_licence: row.needs_driving_licence,
                check_level: row.check_level,
                regulated_children: row.regulated_children,
                regulated_adults: row.regulated_adults,
                offence_exclusions: Vec::new(),
                rotl_suitable: row.rotl_suitable,
                ring_fenced: row.ring_fenced,
                how_to_apply: row.how_to_apply,
                documents_needed: Vec::new(),
            },
        );
    }
    for (id, days, start, end) in shifts {
        if let Some(input) = inputs.get_mut(&id) {
            input.shifts.push(TimeWindowInput {
                days: days_to_names(days),
                start: start.format("%H:%M").to_string(),
                end: end.format("%H:%M").to_string(),
            });
        }
    }
    for (id, slug, requirement) in skills {
        if let Some(input) = inputs.get_mut(&id) {
            if requirement == "required" {
                input.required_skills.push(slug);
            } else {
                input.desirable_skills.push(slug);
            }
        }
    }
    for (id, slug) in certificates {
        if let Some(input) = inputs.get_mut(&id) {
            input.required_certificates.push(slug);
        }
    }
    for (id, category, stance, reason) in exclusions {
        if let Some(input) = inputs.get_mut(&id) {
            input.offence_exclusions.push(OffenceExclusionInput {
                category,
                stance,
                reason,
            });
        }
    }
    for (id, document) in documents {
        if let Some(input) = inputs.get_mut(&id) {
            input.documents_needed.push(document);
        }
    }
    heads
        .into_iter()
        .map(|(id, employer_id, status)| {
            let input = inputs.remove(&id).ok_or(StoreError::NotFound)?;
            let details = VacancyDetails::parse(&input, taxonomy)
                .map_err(|e| StoreError::Corrupt(format!("vacancy {id}: {e}")))?;
            let status = VacancyStatus::parse(&status)
                .map_err(|e| StoreError::Corrupt(format!("vacancy {id}: {e}")))?;
            Ok(Vacancy {
                id,
                employer_id,
                status,
                details,
            })
        })
        .collect()
}

/// Ids of every vacancy, for batch work such as reindexing.
pub fn all_ids(conn: &mut impl AsTx) -> StoreResult<Vec<i64>> {
    Ok(with_conn!(conn, |c| vacancies::table
        .order(vacancies::id)
        .select(vacancies::id)
        .load(c)?))
}

pub fn count(conn: &mut impl AsTx) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| vacancies::table
        .count()
        .get_result(c)?))
}

/// One line of an employer's list of vacancies.
#[derive(Clone, Debug, Queryable, serde::Serialize)]
pub struct VacancyListing {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub place_name: Option<String>,
    pub closing_date: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

/// A page of this employer's vacancies, newest first, and the total.
pub fn list_for_employer(
    conn: &mut impl AsTx,
    employer_id: i64,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<VacancyListing>, i64)> {
    Ok(with_conn!(conn, |c| {
        let rows = vacancies::table
            .filter(vacancies::employer_id.eq(employer_id))
            .order((vacancies::updated_at.desc(), vacancies::id.desc()))
            .limit(limit)
            .offset(offset)
            .select((
                vacancies::id,
                vacancies::title,
                vacancies::status,
                vacancies::place_name,
                vacancies::closing_date,
                vacancies::updated_at,
            ))
            .load(c)?;
        let total: i64 = vacancies::table
            .filter(vacancies::employer_id.eq(employer_id))
            .count()
            .get_result(c)?;
        (rows, total)
    }))
}

/// A vacancy of this employer, or NotFound (the employer is part of the query).
pub fn load_for_employer(
    conn: &mut impl AsTx,
    id: i64,
    employer_id: i64,
    taxonomy: &Taxonomy,
) -> StoreResult<Vacancy> {
    let found: Option<i64> = with_conn!(conn, |c| vacancies::table
        .filter(vacancies::id.eq(id))
        .filter(vacancies::employer_id.eq(employer_id))
        .select(vacancies::id)
        .first(c)
        .optional()?);
    match found {
        Some(id) => load(conn, id, taxonomy),
        None => Err(StoreError::NotFound),
    }
}

/// The `updated_at` of each vacancy asked for: every change to a vacancy
/// moves it, so it tells a cache which parsed copies are stale.
/// Rows whose `updated_at` is at or after `since`, with it (an indexed
/// range read: the matcher's check for changed rows).
pub fn changed_since(
    conn: &mut impl AsTx,
    since: NaiveDateTime,
) -> StoreResult<Vec<(i64, NaiveDateTime)>> {
    Ok(with_conn!(conn, |c| vacancies::table
        .filter(vacancies::updated_at.ge(since))
        .select((vacancies::id, vacancies::updated_at))
        .load(c)?))
}

pub fn versions(conn: &mut impl AsTx, ids: &[i64]) -> StoreResult<Vec<(i64, NaiveDateTime)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(5_000) {
        let rows: Vec<(i64, NaiveDateTime)> = with_conn!(conn, |c| vacancies::table
            .filter(vacancies::id.eq_any(chunk))
            .select((vacancies::id, vacancies::updated_at))
            .load(c)?);
        out.extend(rows);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Employer changes: create, update, lifecycle, duplicate. Every function is
// scoped by the employer and queues the `vacancy.changed` job in the same
// transaction; call them inside `write_tx!`.

/// Why a change to a vacancy was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("vacancy not found")]
    NotFound,
    /// The lifecycle does not allow this move (or the vacancy is final).
    #[error("{0}")]
    Illegal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for ChangeError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::from_write(e, "vacancy"))
    }
}

/// The status of this employer's vacancy, locking the row on PostgreSQL
/// (SQLite's write transaction already holds the database lock).
fn status_for_employer(
    conn: &mut impl AsTx,
    id: i64,
    employer_id: i64,
) -> Result<VacancyStatus, ChangeError> {
    let found: Option<String> = match conn.tx() {
        super::Tx::Postgres(c) => vacancies::table
            .filter(vacancies::id.eq(id))
            .filter(vacancies::employer_id.eq(employer_id))
            .select(vacancies::status)
            .for_update()
            .first(c)
            .optional()
            .map_err(StoreError::from)?,
        super::Tx::Sqlite(c) => vacancies::table
            .filter(vacancies::id.eq(id))
            .filter(vacancies::employer_id.eq(employer_id))
            .select(vacancies::status)
            .first(c)
            .optional()
            .map_err(StoreError::from)?,
    };
    let status = found.ok_or(ChangeError::NotFound)?;
    VacancyStatus::parse(&status)
        .map_err(|e| ChangeError::Store(StoreError::Corrupt(format!("vacancy {id}: {e}"))))
}

/// Stores a new vacancy of this employer (draft or published) and queues
/// its matching run.
pub fn create(
    conn: &mut impl AsTx,
    employer_id: i64,
    status: VacancyStatus,
    created_by: Option<i64>,
    details: &VacancyDetails,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    let id = insert(conn, employer_id, status, created_by, details, at)?;
    crate::matches::vacancy_changed(conn, id, at)?;
    Ok(id)
}

/// Replaces the content of this employer's vacancy: the row is updated
/// (moving `updated_at`), its parts deleted and written again, and the
/// matching run queued. Filled, closed and withdrawn vacancies are final
/// and cannot be edited.
pub fn update(
    conn: &mut impl AsTx,
    id: i64,
    employer_id: i64,
    details: &VacancyDetails,
    at: NaiveDateTime,
) -> Result<(), ChangeError> {
    let status = status_for_employer(conn, id, employer_id)?;
    if status.is_final() {
        return Err(ChangeError::Illegal(format!(
            "This vacancy is {} and can no longer be changed. Duplicate it to advertise the job again",
            status.label().to_lowercase()
        )));
    }
    let input = details.to_input();
    let workplace = input.workplace.as_ref();
    with_conn!(conn, |c| {
        diesel::update(
            vacancies::table
                .filter(vacancies::id.eq(id))
                .filter(vacancies::employer_id.eq(employer_id)),
        )
        .set((
            vacancies::title.eq(&input.title),
            vacancies::description.eq(&input.description),
            vacancies::sector_slug.eq(&input.sector),
            vacancies::remote.eq(input.remote),
            vacancies::place_name.eq(workplace.map(|p| p.name.as_str())),
            vacancies::lat.eq(workplace.map(|p| p.lat)),
            vacancies::lon.eq(workplace.map(|p| p.lon)),
            vacancies::hours_per_week.eq(input.hours_per_week),
            vacancies::contract_type.eq(&input.contract),
            vacancies::pay_min_pence.eq(pence(input.pay_min)),
            vacancies::pay_max_pence.eq(pence(input.pay_max)),
            vacancies::pay_period.eq(&input.pay_period),
            vacancies::positions.eq(input.positions as i32),
            vacancies::start_date.eq(input.start_date),
            vacancies::closing_date.eq(input.closing_date),
            vacancies::needs_driving_licence.eq(input.needs_driving_licence),
            vacancies::check_level.eq(&input.check_level),
            vacancies::regulated_children.eq(input.regulated_children),
            vacancies::regulated_adults.eq(input.regulated_adults),
            vacancies::rotl_suitable.eq(input.rotl_suitable),
            vacancies::ring_fenced.eq(input.ring_fenced),
            vacancies::how_to_apply.eq(&input.how_to_apply),
            vacancies::updated_at.eq(at),
        ))
        .execute(c)
        .map_err(StoreError::from)?;
        diesel::delete(vacancy_shifts::table.filter(vacancy_shifts::vacancy_id.eq(id)))
            .execute(c)
            .map_err(StoreError::from)?;
        diesel::delete(vacancy_skills::table.filter(vacancy_skills::vacancy_id.eq(id)))
            .execute(c)
            .map_err(StoreError::from)?;
        diesel::delete(vacancy_certificates::table.filter(vacancy_certificates::vacancy_id.eq(id)))
            .execute(c)
            .map_err(StoreError::from)?;
        diesel::delete(
            vacancy_offence_exclusions::table.filter(vacancy_offence_exclusions::vacancy_id.eq(id)),
        )
        .execute(c)
        .map_err(StoreError::from)?;
        diesel::delete(vacancy_documents::table.filter(vacancy_documents::vacancy_id.eq(id)))
            .execute(c)
            .map_err(StoreError::from)?;
    });
    write_children(conn, &[(id, input)])?;
    crate::matches::vacancy_changed(conn, id, at)?;
    Ok(())
}

/// Moves this employer's vacancy to `to` when the lifecycle allows it
/// (draft -> published <-> paused -> filled | closed | withdrawn) and queues
/// the matching run. Returns the status it had.
pub fn change_status(
    conn: &mut impl AsTx,
    id: i64,
    employer_id: i64,
    to: VacancyStatus,
    at: NaiveDateTime,
) -> Result<VacancyStatus, ChangeError> {
    let from = status_for_employer(conn, id, employer_id)?;
    if !VacancyStatus::can_transition(from, to) {
        return Err(ChangeError::Illegal(format!(
            "A vacancy that is {} cannot be moved to {}",
            from.label().to_lowercase(),
            to.label().to_lowercase()
        )));
    }
    with_conn!(conn, |c| {
        diesel::update(
            vacancies::table
                .filter(vacancies::id.eq(id))
                .filter(vacancies::employer_id.eq(employer_id)),
        )
        .set((
            vacancies::status.eq(to.as_str()),
            vacancies::updated_at.eq(at),
        ))
        .execute(c)
        .map_err(StoreError::from)?;
        if to == VacancyStatus::Published {
            diesel::update(
                vacancies::table
                    .filter(vacancies::id.eq(id))
                    .filter(vacancies::published_at.is_null()),
            )
            .set(vacancies::published_at.eq(at))
            .execute(c)
            .map_err(StoreError::from)?;
        }
    });
    crate::matches::vacancy_changed(conn, id, at)?;
    Ok(from)
}

/// A vacancy the daily pass closed because its closing date had passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosedByDate {
    pub id: i64,
    /// The status it had: published or paused.
    pub from: VacancyStatus,
    pub closing_date: NaiveDate,
}

/// Closes up to `limit` published or paused vacancies whose closing date
/// (the last day to apply) is before `day`: each moves to closed with
/// `updated_at` moved to `at` and its matching run queued, so its stored
/// matches expire. Call inside a transaction, in batches until it returns
/// none; the rows are locked on PostgreSQL so an employer's change waits.
pub fn close_past_closing_date(
    conn: &mut impl AsTx,
    day: NaiveDate,
    at: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<ClosedByDate>> {
    let open = [
        VacancyStatus::Published.as_str(),
        VacancyStatus::Paused.as_str(),
    ];
    type Due = (i64, String, Option<NaiveDate>);
    let due: Vec<Due> = match conn.tx() {
        super::Tx::Postgres(c) => vacancies::table
            .filter(vacancies::status.eq_any(open))
            .filter(vacancies::closing_date.lt(day))
            .order(vacancies::id)
            .limit(limit)
            .select((vacancies::id, vacancies::status, vacancies::closing_date))
            .for_update()
            .load(c)?,
        super::Tx::Sqlite(c) => vacancies::table
            .filter(vacancies::status.eq_any(open))
            .filter(vacancies::closing_date.lt(day))
            .order(vacancies::id)
            .limit(limit)
            .select((vacancies::id, vacancies::status, vacancies::closing_date))
            .load(c)?,
    };
    let mut closed = Vec::with_capacity(due.len());
    for (id, status, closing_date) in due {
        let from = VacancyStatus::parse(&status)
            .map_err(|e| StoreError::Corrupt(format!("vacancy {id}: {e}")))?;
        let closing_date = closing_date.ok_or_else(|| {
            StoreError::Corrupt(format!("vacancy {id}: selected by a closing date it lacks"))
        })?;
        closed.push(ClosedByDate {
            id,
            from,
            closing_date,
        });
    }
    if closed.is_empty() {
        return Ok(closed);
    }
    let ids: Vec<i64> = closed.iter().map(|v| v.id).collect();
    with_conn!(conn, |c| diesel::update(
        vacancies::table.filter(vacancies::id.eq_any(&ids))
    )
    .set((
        vacancies::status.eq(VacancyStatus::Closed.as_str()),
        vacancies::updated_at.eq(at),
    ))
    .execute(c)?);
    for id in ids {
        crate::matches::vacancy_changed(conn, id, at)?;
    }
    Ok(closed)
}

/// A new draft with the content of this employer's vacancy; returns its id.
pub fn duplicate(
    conn: &mut impl AsTx,
    id: i64,
    employer_id: i64,
    created_by: Option<i64>,
    taxonomy: &Taxonomy,
    at: NaiveDateTime,
) -> Result<i64, ChangeError> {
    let original = match load_for_employer(conn, id, employer_id, taxonomy) {
        Ok(v) => v,
        Err(StoreError::NotFound) => return Err(ChangeError::NotFound),
        Err(e) => return Err(e.into()),
    };
    Ok(create(
        conn,
        employer_id,
        VacancyStatus::Draft,
        created_by,
        &original.details,
        at,
    )?)
}

/// A vacancy's id, title, status and closing date.
pub type VacancyHead = (i64, String, String, Option<NaiveDate>);

/// This employer's vacancy ids with their status (dashboard, inbox).
pub fn ids_for_employer(conn: &mut impl AsTx, employer_id: i64) -> StoreResult<Vec<VacancyHead>> {
    Ok(with_conn!(conn, |c| vacancies::table
        .filter(vacancies::employer_id.eq(employer_id))
        .order(vacancies::id)
        .select((
            vacancies::id,
            vacancies::title,
            vacancies::status,
            vacancies::closing_date
        ))
        .load(c)?))
}
