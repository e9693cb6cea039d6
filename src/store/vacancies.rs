//! Vacancies and their shifts, skills, certificates, offence exclusions and
//! documents. Rows are read back through the domain's `parse`, so a stored
//! vacancy is always a valid one.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use super::schema::{
    vacancies, vacancy_certificates, vacancy_documents, vacancy_kinds, vacancy_offence_exclusions,
    vacancy_shifts, vacancy_skills,
};
use super::{days_from_names, days_to_names, AsTx, InTx, StoreError, StoreResult};
use crate::domain::geo::PlaceInput;
use crate::domain::offence::OffenceExclusionInput;
use crate::domain::schedule::TimeWindowInput;
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::{StartKind, Vacancy, VacancyDetails, VacancyInput, VacancyStatus};
use crate::with_conn;

/// A vacancy row as stored; its parts are in the child tables ([`Parts`]).
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
    convictions_asked: String,
    regulated_children: bool,
    regulated_adults: bool,
    rotl_suitable: bool,
    ring_fenced: bool,
    how_to_apply: String,
}

impl VacancyRow {
    /// The row's content as the domain's input, parts still empty.
    fn into_input(self) -> VacancyInput {
        VacancyInput {
            title: self.title,
            description: self.description,
            sector: self.sector_slug,
            remote: self.remote,
            workplace: match (self.place_name, self.lat, self.lon) {
                (Some(name), Some(lat), Some(lon)) => Some(PlaceInput { name, lat, lon }),
                _ => None,
            },
            hours_per_week: self.hours_per_week,
            shifts: Vec::new(),
            contract: self.contract_type,
            pay_min: self.pay_min_pence as f64 / 100.0,
            pay_max: self.pay_max_pence as f64 / 100.0,
            pay_period: self.pay_period,
            positions: self.positions.max(0) as u32,
            // No start date: the job starts as soon as possible.
            start: Some(
                match self.start_date {
                    Some(_) => StartKind::OnDate,
                    None => StartKind::Asap,
                }
                .as_str()
                .to_owned(),
            ),
            start_date: self.start_date,
            closing_date: self.closing_date,
            required_skills: Vec::new(),
            desirable_skills: Vec::new(),
            required_certificates: Vec::new(),
            needs_driving_licence: self.needs_driving_licence,
            check_level: self.check_level,
            convictions_asked: Some(self.convictions_asked),
            regulated_children: self.regulated_children,
            regulated_adults: self.regulated_adults,
            offence_exclusions: Vec::new(),
            rotl_suitable: self.rotl_suitable,
            ring_fenced: self.ring_fenced,
            how_to_apply: self.how_to_apply,
            documents_needed: Vec::new(),
            // Filled in from its `KindRow`.
            opens_on: None,
            kind: None,
            trial_ends_on: None,
            trial_paid: None,
            trial_timing: None,
            travel: None,
        }
    }
}

/// The columns a vacancy's content sets, written by both insert and update
/// (an absent place or date is written as NULL).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = vacancies, treat_none_as_null = true)]
struct Content<'a> {
    title: &'a str,
    description: &'a str,
    sector_slug: &'a str,
    remote: bool,
    place_name: Option<&'a str>,
    lat: Option<f64>,
    lon: Option<f64>,
    hours_per_week: f64,
    contract_type: &'a str,
    pay_min_pence: i64,
    pay_max_pence: i64,
    pay_period: &'a str,
    positions: i32,
    start_date: Option<NaiveDate>,
    closing_date: Option<NaiveDate>,
    needs_driving_licence: bool,
    check_level: &'a str,
    convictions_asked: &'a str,
    regulated_children: bool,
    regulated_adults: bool,
    rotl_suitable: bool,
    ring_fenced: bool,
    how_to_apply: &'a str,
}

impl<'a> Content<'a> {
    fn of(input: &'a VacancyInput) -> Self {
        let workplace = input.workplace.as_ref();
        Self {
            title: &input.title,
            description: &input.description,
            sector_slug: &input.sector,
            remote: input.remote,
            place_name: workplace.map(|p| p.name.as_str()),
            lat: workplace.map(|p| p.lat),
            lon: workplace.map(|p| p.lon),
            hours_per_week: input.hours_per_week,
            contract_type: &input.contract,
            pay_min_pence: pence(input.pay_min),
            pay_max_pence: pence(input.pay_max),
            pay_period: &input.pay_period,
            positions: input.positions as i32,
            start_date: input.start_date,
            closing_date: input.closing_date,
            needs_driving_licence: input.needs_driving_licence,
            check_level: &input.check_level,
            // Stored inputs come from parsed details, which always say.
            convictions_asked: input.convictions_asked.as_deref().unwrap_or_default(),
            regulated_children: input.regulated_children,
            regulated_adults: input.regulated_adults,
            rotl_suitable: input.rotl_suitable,
            ring_fenced: input.ring_fenced,
            how_to_apply: &input.how_to_apply,
        }
    }
}

/// A vacancy's kind columns as stored ([`vacancy_kinds`] is the same table).
#[derive(Queryable, Selectable)]
#[diesel(table_name = vacancy_kinds)]
struct KindRow {
    id: i64,
    kind: String,
    trial_ends_on: Option<NaiveDate>,
    trial_paid: Option<bool>,
    trial_timing: Option<String>,
    travel: Option<String>,
    opens_on: Option<NaiveDate>,
}

impl KindRow {
    fn fill(self, input: &mut VacancyInput) {
        input.kind = Some(self.kind);
        input.trial_ends_on = self.trial_ends_on;
        input.trial_paid = self.trial_paid;
        input.trial_timing = self.trial_timing;
        input.travel = self.travel;
        input.opens_on = self.opens_on;
    }
}

/// The kind columns a vacancy's content sets.
#[derive(AsChangeset)]
#[diesel(table_name = vacancy_kinds, treat_none_as_null = true)]
struct KindContent<'a> {
    kind: &'a str,
    trial_ends_on: Option<NaiveDate>,
    trial_paid: Option<bool>,
    trial_timing: Option<&'a str>,
    travel: Option<&'a str>,
    opens_on: Option<NaiveDate>,
}

impl<'a> KindContent<'a> {
    fn of(input: &'a VacancyInput) -> Self {
        Self {
            // Absent only in inputs not yet parsed; parsed ones always say.
            kind: input.kind.as_deref().unwrap_or("job"),
            trial_ends_on: input.trial_ends_on,
            trial_paid: input.trial_paid,
            trial_timing: input.trial_timing.as_deref(),
            travel: input.travel.as_deref().filter(|travel| !travel.is_empty()),
            opens_on: input.opens_on,
        }
    }

    /// A plain job with no kind fields: passes every kind CHECK whatever
    /// the rest of the row says.
    const PLAIN: KindContent<'static> = KindContent {
        kind: "job",
        trial_ends_on: None,
        trial_paid: None,
        trial_timing: None,
        travel: None,
        opens_on: None,
    };
}

/// Writes the kind columns of a vacancy whose other columns are written.
fn set_kind(conn: &mut impl AsTx, id: i64, kind: KindContent) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::update(vacancy_kinds::table.find(id))
        .set(kind)
        .execute(c)?);
    Ok(())
}

fn pence(pounds: f64) -> i64 {
    (pounds * 100.0).round() as i64
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = vacancy_shifts)]
struct ShiftRow {
    vacancy_id: i64,
    position: i32,
    days: i32,
    start_time: NaiveTime,
    end_time: NaiveTime,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = vacancy_skills)]
struct SkillRow {
    vacancy_id: i64,
    skill_slug: String,
    requirement: String,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = vacancy_certificates)]
struct CertificateRow {
    vacancy_id: i64,
    certificate_slug: String,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = vacancy_offence_exclusions)]
struct ExclusionRow {
    vacancy_id: i64,
    category: String,
    stance: String,
    reason: String,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = vacancy_documents)]
struct DocumentRow {
    vacancy_id: i64,
    position: i32,
    document: String,
}

/// The child rows of some vacancies: shifts, skills, certificates, offence
/// exclusions and documents.
#[derive(Default)]
struct Parts {
    shifts: Vec<ShiftRow>,
    skills: Vec<SkillRow>,
    certificates: Vec<CertificateRow>,
    exclusions: Vec<ExclusionRow>,
    documents: Vec<DocumentRow>,
}

impl Parts {
    /// Adds the parts of one vacancy's content.
    fn add(&mut self, vacancy_id: i64, input: &VacancyInput) -> StoreResult<()> {
        for (i, s) in input.shifts.iter().enumerate() {
            self.shifts.push(ShiftRow {
                vacancy_id,
                position: i as i32,
                days: days_from_names(&s.days)?,
                start_time: parse_time(&s.start)?,
                end_time: parse_time(&s.end)?,
            });
        }
        let required = input.required_skills.iter().map(|s| (s, "required"));
        let desirable = input.desirable_skills.iter().map(|s| (s, "desirable"));
        for (slug, requirement) in required.chain(desirable) {
            self.skills.push(SkillRow {
                vacancy_id,
                skill_slug: slug.clone(),
                requirement: requirement.to_owned(),
            });
        }
        self.certificates.extend(
            input
                .required_certificates
                .iter()
                .map(|slug| CertificateRow {
                    vacancy_id,
                    certificate_slug: slug.clone(),
                }),
        );
        self.exclusions
            .extend(input.offence_exclusions.iter().map(|e| ExclusionRow {
                vacancy_id,
                category: e.category.clone(),
                stance: e.stance.clone(),
                reason: e.reason.clone(),
            }));
        self.documents
            .extend(
                input
                    .documents_needed
                    .iter()
                    .enumerate()
                    .map(|(i, d)| DocumentRow {
                        vacancy_id,
                        position: i as i32,
                        document: d.clone(),
                    }),
            );
        Ok(())
    }

    /// Writes every row, many rows per statement.
    fn insert(&self, conn: &mut impl AsTx) -> StoreResult<()> {
        with_conn!(conn, |c| {
            insert_chunks!(c, vacancy_shifts::table, self.shifts);
            insert_chunks!(c, vacancy_skills::table, self.skills);
            insert_chunks!(c, vacancy_certificates::table, self.certificates);
            insert_chunks!(c, vacancy_offence_exclusions::table, self.exclusions);
            insert_chunks!(c, vacancy_documents::table, self.documents);
        });
        Ok(())
    }

    /// Deletes the parts of one vacancy (before writing them again).
    fn delete(conn: &mut impl AsTx, id: i64) -> StoreResult<()> {
        use vacancy_certificates as certs;
        use vacancy_offence_exclusions as excl;
        with_conn!(conn, |c| {
            diesel::delete(vacancy_shifts::table.filter(vacancy_shifts::vacancy_id.eq(id)))
                .execute(c)?;
            diesel::delete(vacancy_skills::table.filter(vacancy_skills::vacancy_id.eq(id)))
                .execute(c)?;
            diesel::delete(certs::table.filter(certs::vacancy_id.eq(id))).execute(c)?;
            diesel::delete(excl::table.filter(excl::vacancy_id.eq(id))).execute(c)?;
            diesel::delete(vacancy_documents::table.filter(vacancy_documents::vacancy_id.eq(id)))
                .execute(c)?;
        });
        Ok(())
    }

    /// The parts of these vacancies, each list in its stored order.
    fn load(conn: &mut impl AsTx, ids: &[i64]) -> StoreResult<Self> {
        use vacancy_certificates as certs;
        use vacancy_offence_exclusions as excl;
        Ok(with_conn!(conn, |c| Self {
            shifts: vacancy_shifts::table
                .filter(vacancy_shifts::vacancy_id.eq_any(ids))
                .order((vacancy_shifts::vacancy_id, vacancy_shifts::position))
                .select(ShiftRow::as_select())
                .load(c)?,
            skills: vacancy_skills::table
                .filter(vacancy_skills::vacancy_id.eq_any(ids))
                .order((vacancy_skills::vacancy_id, vacancy_skills::skill_slug))
                .select(SkillRow::as_select())
                .load(c)?,
            certificates: certs::table
                .filter(certs::vacancy_id.eq_any(ids))
                .order((certs::vacancy_id, certs::certificate_slug))
                .select(CertificateRow::as_select())
                .load(c)?,
            exclusions: excl::table
                .filter(excl::vacancy_id.eq_any(ids))
                .order((excl::vacancy_id, excl::category))
                .select(ExclusionRow::as_select())
                .load(c)?,
            documents: vacancy_documents::table
                .filter(vacancy_documents::vacancy_id.eq_any(ids))
                .order((vacancy_documents::vacancy_id, vacancy_documents::position))
                .select(DocumentRow::as_select())
                .load(c)?,
        }))
    }

    /// Puts each row into its vacancy's input.
    fn attach(self, inputs: &mut HashMap<i64, VacancyInput>) {
        for s in self.shifts {
            if let Some(input) = inputs.get_mut(&s.vacancy_id) {
                input.shifts.push(TimeWindowInput {
                    days: days_to_names(s.days),
                    start: s.start_time.format("%H:%M").to_string(),
                    end: s.end_time.format("%H:%M").to_string(),
                });
            }
        }
        for s in self.skills {
            if let Some(input) = inputs.get_mut(&s.vacancy_id) {
                if s.requirement == "required" {
                    input.required_skills.push(s.skill_slug);
                } else {
                    input.desirable_skills.push(s.skill_slug);
                }
            }
        }
        for cert in self.certificates {
            if let Some(input) = inputs.get_mut(&cert.vacancy_id) {
                input.required_certificates.push(cert.certificate_slug);
            }
        }
        for e in self.exclusions {
            if let Some(input) = inputs.get_mut(&e.vacancy_id) {
                input.offence_exclusions.push(OffenceExclusionInput {
                    category: e.category,
                    stance: e.stance,
                    reason: e.reason,
                });
            }
        }
        for d in self.documents {
            if let Some(input) = inputs.get_mut(&d.vacancy_id) {
                input.documents_needed.push(d.document);
            }
        }
    }
}

fn parse_time(text: &str) -> StoreResult<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|_| StoreError::Corrupt(format!("time {text:?}")))
}

/// Stores a new vacancy; call inside a transaction.
pub fn insert(
    conn: &mut InTx,
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
    conn: &mut InTx,
    items: &[NewVacancy],
    at: NaiveDateTime,
) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(items.len());
    let mut parts = Parts::default();
    for item in items {
        let input = item.details.to_input();
        let id = insert_row(conn, item, &input, at)?;
        parts.add(id, &input)?;
        ids.push(id);
    }
    parts.insert(conn)?;
    Ok(ids)
}

fn insert_row(
    conn: &mut impl AsTx,
    item: &NewVacancy,
    input: &VacancyInput,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    let published_at = (item.status == VacancyStatus::Published).then_some(at);
    let id: i64 = with_conn!(conn, |c| diesel::insert_into(vacancies::table)
        .values((
            Content::of(input),
            vacancies::employer_id.eq(item.employer_id),
            vacancies::status.eq(item.status.as_str()),
            vacancies::created_by.eq(item.created_by),
            vacancies::published_at.eq(published_at),
            vacancies::created_at.eq(at),
            vacancies::updated_at.eq(at),
        ))
        .returning(vacancies::id)
        .get_result(c)?);
    // Inserted as a plain job (the column default); the kind goes on now
    // that the row it is checked against is there.
    set_kind(conn, id, KindContent::of(input))?;
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

fn load_where(conn: &mut impl AsTx, ids: &[i64], taxonomy: &Taxonomy) -> StoreResult<Vec<Vacancy>> {
    let rows: Vec<VacancyRow> = with_conn!(conn, |c| vacancies::table
        .filter(vacancies::id.eq_any(ids))
        .select(VacancyRow::as_select())
        .load(c)?);
    let kinds: Vec<KindRow> = with_conn!(conn, |c| vacancy_kinds::table
        .filter(vacancy_kinds::id.eq_any(ids))
        .select(KindRow::as_select())
        .load(c)?);
    let parts = Parts::load(conn, ids)?;
    let mut inputs: HashMap<i64, VacancyInput> = HashMap::new();
    let mut heads: Vec<(i64, i64, String)> = Vec::with_capacity(rows.len());
    for row in rows {
        heads.push((row.id, row.employer_id, row.status.clone()));
        inputs.insert(row.id, row.into_input());
    }
    for kind in kinds {
        if let Some(input) = inputs.get_mut(&kind.id) {
            kind.fill(input);
        }
    }
    parts.attach(&mut inputs);
    heads
        .into_iter()
        .map(|(id, employer_id, status)| {
            let input = inputs.remove(&id).ok_or(StoreError::NotFound)?;
            let corrupt =
                |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("vacancy {id}: {e}"));
            let details = VacancyDetails::parse(&input, taxonomy).map_err(|e| corrupt(&e))?;
            let status = VacancyStatus::parse(&status).map_err(|e| corrupt(&e))?;
            Ok(Vacancy {
                id,
                employer_id,
                status,
                details,
            })
        })
        .collect()
}

/// Published vacancies whose applications open on `day`, by id.
pub fn ids_opening_on(conn: &mut impl AsTx, day: NaiveDate) -> StoreResult<Vec<i64>> {
    Ok(with_conn!(conn, |c| vacancy_kinds::table
        .filter(vacancy_kinds::opens_on.eq(day))
        .filter(vacancy_kinds::status.eq(VacancyStatus::Published.as_str()))
        .order(vacancy_kinds::id)
        .select(vacancy_kinds::id)
        .load(c)?))
}

/// Ids of every published vacancy (open or not yet closed by the nightly
/// run), for matching while the search index is being filled.
pub fn published_ids(conn: &mut impl AsTx) -> StoreResult<Vec<i64>> {
    Ok(with_conn!(conn, |c| vacancies::table
        .filter(vacancies::status.eq(VacancyStatus::Published.as_str()))
        .order(vacancies::id)
        .select(vacancies::id)
        .load(c)?))
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
    #[diesel(deserialize_as = String)]
    pub status: VacancyStatus,
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
        // The page and the total in one query (a window count over every
        // row of the employer's before the page is cut); only a page past
        // the end, which has no row to carry the total, counts again.
        let counted: Vec<(VacancyListing, i64)> = vacancies::table
            .filter(vacancies::employer_id.eq(employer_id))
            .order((vacancies::updated_at.desc(), vacancies::id.desc()))
            .limit(limit)
            .offset(offset)
            .select((
                (
                    vacancies::id,
                    vacancies::title,
                    vacancies::status,
                    vacancies::place_name,
                    vacancies::closing_date,
                    vacancies::updated_at,
                ),
                diesel::dsl::count_star().over(),
            ))
            .load(c)?;
        let total = match counted.first() {
            Some((_, total)) => *total,
            None => vacancies::table
                .filter(vacancies::employer_id.eq(employer_id))
                .count()
                .get_result(c)?,
        };
        (counted.into_iter().map(|(row, _)| row).collect(), total)
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

/// Rows stamped at or after `watermark` in the change feed, with their
/// stamps (an indexed range read: the matcher's check for changed rows;
/// see [`crate::store::meta::change_watermark`]).
pub fn changed_since(conn: &mut impl AsTx, watermark: i64) -> StoreResult<Vec<(i64, i64)>> {
    Ok(with_conn!(conn, |c| vacancies::table
        .filter(super::change_seq().ge(watermark))
        .select((vacancies::id, super::change_seq()))
        .load(c)?))
}

/// The change-feed stamp of each row asked for: every write to a row
/// moves it, so it tells a cache which parsed copies are stale.
pub fn versions(conn: &mut impl AsTx, ids: &[i64]) -> StoreResult<Vec<(i64, i64)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(5_000) {
        let rows: Vec<(i64, i64)> = with_conn!(conn, |c| vacancies::table
            .filter(vacancies::id.eq_any(chunk))
            .select((vacancies::id, super::change_seq()))
            .load(c)?);
        out.extend(rows);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Employer changes: create, update, lifecycle, duplicate. Every function is
// scoped by the employer and queues the `vacancy.changed` job in the same
// transaction; they take the `InTx` of the caller's `Conn::write`.

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
pub fn create(conn: &mut InTx, new: NewVacancy, at: NaiveDateTime) -> StoreResult<i64> {
    let id = insert_many(conn, &[new], at)?
        .pop()
        .ok_or(StoreError::NotFound)?;
    super::jobs::changes::vacancy_changed(conn, id, at)?;
    Ok(id)
}

/// Replaces the content of this employer's vacancy: the row is updated
/// (moving `updated_at`), its parts deleted and written again, and the
/// matching run queued. Filled, closed and withdrawn vacancies are final
/// and cannot be edited.
pub fn update(
    conn: &mut InTx,
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
    // The CHECKs tie the kind to other columns (a placement is
    // rotl_suitable...), each statement on its own: so the row is made a
    // plain job first, then written, then given its kind.
    set_kind(conn, id, KindContent::PLAIN)?;
    with_conn!(conn, |c| diesel::update(
        vacancies::table
            .filter(vacancies::id.eq(id))
            .filter(vacancies::employer_id.eq(employer_id)),
    )
    .set((Content::of(&input), vacancies::updated_at.eq(at)))
    .execute(c)
    .map_err(StoreError::from))?;
    set_kind(conn, id, KindContent::of(&input))?;
    Parts::delete(conn, id)?;
    let mut parts = Parts::default();
    parts.add(id, &input)?;
    parts.insert(conn)?;
    super::jobs::changes::vacancy_changed(conn, id, at)?;
    Ok(())
}

/// Moves this employer's vacancy to `to` when the lifecycle allows it
/// (draft -> published <-> paused -> filled | closed | withdrawn) and queues
/// the matching run. Returns the status it had.
pub fn change_status(
    conn: &mut InTx,
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
    super::jobs::changes::vacancy_changed(conn, id, at)?;
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
    conn: &mut InTx,
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
        super::jobs::changes::vacancy_changed(conn, id, at)?;
    }
    Ok(closed)
}

/// A new draft with the content of this employer's vacancy; returns its id.
pub fn duplicate(
    conn: &mut InTx,
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
    let copy = NewVacancy {
        employer_id,
        status: VacancyStatus::Draft,
        created_by,
        details: &original.details,
    };
    Ok(create(conn, copy, at)?)
}

/// A vacancy's id, title, status and closing date.
#[derive(Clone, Debug, Queryable)]
pub struct VacancyHead {
    pub id: i64,
    pub title: String,
    #[diesel(deserialize_as = String)]
    pub status: VacancyStatus,
    pub closing_date: Option<NaiveDate>,
}

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
