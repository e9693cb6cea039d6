//! Skill profiles and their parts: skills with sources, certificates with
//! expiry, work history, sectors, languages, curfews, exclusion zones,
//! offence categories and to-dos. Read back through the domain's `parse`.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use super::schema::{
    profile_certificates, profile_curfews, profile_exclusion_zones, profile_languages,
    profile_offences, profile_sectors, profile_skills, profile_todos, profile_work_history,
    profiles, services,
};
use super::{days_from_names, days_to_names, AsTx, InTx, StoreError, StoreResult};
use crate::domain::geo::{ExclusionZoneInput, Place, PlaceInput};
use crate::domain::profile::{
    CertificateInput, CurfewInput, Profile, ProfileDetails, ProfileInput, ProfileSkillInput,
    TodoInput, WorkHistoryInput,
};
use crate::domain::skills::Taxonomy;
use crate::with_conn;

#[derive(Queryable, Selectable)]
#[diesel(table_name = profiles)]
struct ProfileRow {
    id: i64,
    service_id: i64,
    officer_id: Option<i64>,
    reference: String,
    given_name: String,
    family_name: String,
    pseudonym: String,
    release_date: NaiveDate,
    no_fixed_abode: bool,
    release_place_name: Option<String>,
    release_lat: Option<f64>,
    release_lon: Option<f64>,
    travel_radius_km: f64,
    preferred_hours_min: Option<f64>,
    preferred_hours_max: Option<f64>,
    right_to_work: bool,
    driving_licence: bool,
    rotl_eligible_from: Option<NaiveDate>,
    no_driving: bool,
    other_conditions: Option<String>,
    barred_children: bool,
    barred_adults: bool,
    readiness: String,
    consent_to_share_name: bool,
    gender: Option<String>,
    licence_ends_on: Option<NaiveDate>,
    no_driving_until: Option<NaiveDate>,
    rotl_travel_km: Option<f64>,
}

const DUPLICATE_REFERENCE: &str = "a profile with this reference already exists in this service";

impl ProfileRow {
    /// The row's content as the domain's input, parts still empty.
    fn into_input(self) -> ProfileInput {
        ProfileInput {
            given_name: self.given_name,
            family_name: self.family_name,
            reference: self.reference,
            release_date: Some(self.release_date),
            no_fixed_abode: self.no_fixed_abode,
            release_area: match (self.release_place_name, self.release_lat, self.release_lon) {
                (Some(name), Some(lat), Some(lon)) => Some(PlaceInput { name, lat, lon }),
                _ => None,
            },
            travel_radius_km: self.travel_radius_km,
            skills: Vec::new(),
            certificates: Vec::new(),
            work_history: Vec::new(),
            sectors_of_interest: Vec::new(),
            preferred_hours_min: self.preferred_hours_min,
            preferred_hours_max: self.preferred_hours_max,
            right_to_work: self.right_to_work,
            driving_licence: self.driving_licence,
            rotl_eligible_from: self.rotl_eligible_from,
            rotl_travel_km: self.rotl_travel_km,
            licence_ends_on: self.licence_ends_on,
            curfews: Vec::new(),
            exclusion_zones: Vec::new(),
            no_driving: self.no_driving,
            no_driving_until: self.no_driving_until,
            other_conditions: self.other_conditions.unwrap_or_default(),
            offence_categories: Vec::new(),
            barred_children: self.barred_children,
            barred_adults: self.barred_adults,
            readiness: self.readiness,
            todos: Vec::new(),
            consent_to_share_name: self.consent_to_share_name,
            gender: self.gender.unwrap_or_default(),
            languages: Vec::new(),
        }
    }
}

/// The columns a profile's details set, written by both insert and update
/// (absent optional values are written as NULL).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = profiles, treat_none_as_null = true)]
struct Content<'a> {
    reference: &'a str,
    given_name: &'a str,
    family_name: &'a str,
    release_date: NaiveDate,
    no_fixed_abode: bool,
    release_place_name: Option<&'a str>,
    release_lat: Option<f64>,
    release_lon: Option<f64>,
    travel_radius_km: f64,
    preferred_hours_min: Option<f64>,
    preferred_hours_max: Option<f64>,
    right_to_work: bool,
    driving_licence: bool,
    rotl_eligible_from: Option<NaiveDate>,
    no_driving: bool,
    other_conditions: Option<&'a str>,
    barred_children: bool,
    barred_adults: bool,
    readiness: &'a str,
    consent_to_share_name: bool,
    gender: Option<&'a str>,
    licence_ends_on: Option<NaiveDate>,
    no_driving_until: Option<NaiveDate>,
    rotl_travel_km: Option<f64>,
}

impl<'a> Content<'a> {
    fn of(input: &'a ProfileInput) -> StoreResult<Self> {
        let release_date = input.release_date.ok_or_else(|| {
            StoreError::Corrupt("a parsed profile always has a release date".into())
        })?;
        let area = input.release_area.as_ref();
        Ok(Self {
            reference: &input.reference,
            given_name: &input.given_name,
            family_name: &input.family_name,
            release_date,
            no_fixed_abode: input.no_fixed_abode,
            release_place_name: area.map(|p| p.name.as_str()),
            release_lat: area.map(|p| p.lat),
            release_lon: area.map(|p| p.lon),
            travel_radius_km: input.travel_radius_km,
            preferred_hours_min: input.preferred_hours_min,
            preferred_hours_max: input.preferred_hours_max,
            right_to_work: input.right_to_work,
            driving_licence: input.driving_licence,
            rotl_eligible_from: input.rotl_eligible_from,
            no_driving: input.no_driving,
            other_conditions: non_empty(&input.other_conditions),
            barred_children: input.barred_children,
            barred_adults: input.barred_adults,
            readiness: &input.readiness,
            consent_to_share_name: input.consent_to_share_name,
            gender: non_empty(&input.gender),
            licence_ends_on: input.licence_ends_on,
            no_driving_until: input.no_driving_until,
            rotl_travel_km: input.rotl_travel_km,
        })
    }
}

/// Optional text is an empty string in the domain's input and NULL in the row.
fn non_empty(text: &str) -> Option<&str> {
    Some(text).filter(|t| !t.trim().is_empty())
}

fn parse_time(text: &str) -> StoreResult<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|_| StoreError::Corrupt(format!("time {text:?}")))
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = profile_skills)]
struct SkillRow {
    profile_id: i64,
    skill_slug: String,
    source: String,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = profile_certificates)]
struct CertificateRow {
    profile_id: i64,
    certificate_slug: String,
    expires_on: Option<NaiveDate>,
    expected_on: Option<NaiveDate>,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = profile_work_history)]
struct HistoryRow {
    profile_id: i64,
    position: i32,
    role: String,
    employer_name: String,
    sector_slug: Option<String>,
    from_year: i32,
    to_year: Option<i32>,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = profile_sectors)]
struct SectorRow {
    profile_id: i64,
    sector_slug: String,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = profile_languages)]
struct LanguageRow {
    profile_id: i64,
    language: String,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = profile_curfews)]
struct CurfewRow {
    profile_id: i64,
    days: i32,
    start_time: NaiveTime,
    end_time: NaiveTime,
    ends_on: Option<NaiveDate>,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = profile_exclusion_zones)]
struct ZoneRow {
    profile_id: i64,
    name: String,
    lat: f64,
    lon: f64,
    radius_km: f64,
    ends_on: Option<NaiveDate>,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = profile_offences)]
struct OffenceRow {
    profile_id: i64,
    category: String,
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = profile_todos)]
struct TodoRow {
    profile_id: i64,
    kind: String,
    note: String,
    done: bool,
}

/// The child rows of some profiles, one list per table.
#[derive(Default)]
struct Parts {
    skills: Vec<SkillRow>,
    certificates: Vec<CertificateRow>,
    history: Vec<HistoryRow>,
    sectors: Vec<SectorRow>,
    languages: Vec<LanguageRow>,
    curfews: Vec<CurfewRow>,
    zones: Vec<ZoneRow>,
    offences: Vec<OffenceRow>,
    todos: Vec<TodoRow>,
}

impl Parts {
    /// Adds the parts of one profile's details.
    fn add(&mut self, profile_id: i64, input: &ProfileInput) -> StoreResult<()> {
        self.add_work(profile_id, input);
        self.add_conditions(profile_id, input)?;
        self.sectors
            .extend(input.sectors_of_interest.iter().map(|s| SectorRow {
                profile_id,
                sector_slug: s.clone(),
            }));
        self.languages
            .extend(input.languages.iter().map(|l| LanguageRow {
                profile_id,
                language: l.clone(),
            }));
        self.todos.extend(input.todos.iter().map(|t| TodoRow {
            profile_id,
            kind: t.kind.clone(),
            note: t.note.clone(),
            done: t.done,
        }));
        Ok(())
    }

    /// Skills, certificates and work history.
    fn add_work(&mut self, profile_id: i64, input: &ProfileInput) {
        self.skills.extend(input.skills.iter().map(|s| SkillRow {
            profile_id,
            skill_slug: s.slug.clone(),
            source: s.source.clone(),
        }));
        self.certificates
            .extend(input.certificates.iter().map(|h| CertificateRow {
                profile_id,
                certificate_slug: h.slug.clone(),
                expires_on: h.expires_on,
                expected_on: h.expected_on,
            }));
        self.history.extend(
            input
                .work_history
                .iter()
                .enumerate()
                .map(|(i, w)| HistoryRow {
                    profile_id,
                    position: i as i32,
                    role: w.role.clone(),
                    employer_name: w.employer_name.clone(),
                    sector_slug: non_empty(&w.sector).map(str::to_owned),
                    from_year: w.from_year,
                    to_year: w.to_year,
                }),
        );
    }

    /// Curfews, exclusion zones and offence categories.
    fn add_conditions(&mut self, profile_id: i64, input: &ProfileInput) -> StoreResult<()> {
        for w in &input.curfews {
            self.curfews.push(CurfewRow {
                profile_id,
                days: days_from_names(&w.days)?,
                start_time: parse_time(&w.start)?,
                end_time: parse_time(&w.end)?,
                ends_on: w.ends_on,
            });
        }
        self.zones
            .extend(input.exclusion_zones.iter().map(|z| ZoneRow {
                profile_id,
                name: z.name.clone(),
                lat: z.lat,
                lon: z.lon,
                radius_km: z.radius_km,
                ends_on: z.ends_on,
            }));
        self.offences
            .extend(input.offence_categories.iter().map(|o| OffenceRow {
                profile_id,
                category: o.clone(),
            }));
        Ok(())
    }

    /// Writes every row, many rows per statement.
    fn insert(&self, conn: &mut impl AsTx) -> StoreResult<()> {
        with_conn!(conn, |c| {
            insert_chunks!(c, profile_skills::table, self.skills);
            insert_chunks!(c, profile_certificates::table, self.certificates);
            insert_chunks!(c, profile_work_history::table, self.history);
            insert_chunks!(c, profile_sectors::table, self.sectors);
            insert_chunks!(c, profile_languages::table, self.languages);
            insert_chunks!(c, profile_curfews::table, self.curfews);
            insert_chunks!(c, profile_exclusion_zones::table, self.zones);
            insert_chunks!(c, profile_offences::table, self.offences);
            insert_chunks!(c, profile_todos::table, self.todos);
        });
        Ok(())
    }

    /// Deletes the parts of one profile (before writing them again).
    fn delete(conn: &mut impl AsTx, id: i64) -> StoreResult<()> {
        macro_rules! delete_of {
            ($c:expr, $($t:ident),+) => {
                $(diesel::delete($t::table.filter($t::profile_id.eq(id))).execute($c)?;)+
            };
        }
        with_conn!(conn, |c| {
            delete_of!(
                c,
                profile_skills,
                profile_certificates,
                profile_work_history,
                profile_sectors,
                profile_languages,
                profile_curfews,
                profile_exclusion_zones,
                profile_offences,
                profile_todos
            );
        });
        Ok(())
    }

    /// The parts of these profiles, each list in its stored order.
    fn load(conn: &mut impl AsTx, ids: &[i64]) -> StoreResult<Self> {
        use profile_certificates as certs;
        use profile_exclusion_zones as zones;
        use profile_work_history as history;
        Ok(with_conn!(conn, |c| Self {
            skills: profile_skills::table
                .filter(profile_skills::profile_id.eq_any(ids))
                .order((profile_skills::profile_id, profile_skills::skill_slug))
                .select(SkillRow::as_select())
                .load(c)?,
            certificates: certs::table
                .filter(certs::profile_id.eq_any(ids))
                .order((certs::profile_id, certs::certificate_slug))
                .select(CertificateRow::as_select())
                .load(c)?,
            history: history::table
                .filter(history::profile_id.eq_any(ids))
                .order((history::profile_id, history::position))
                .select(HistoryRow::as_select())
                .load(c)?,
            sectors: profile_sectors::table
                .filter(profile_sectors::profile_id.eq_any(ids))
                .order((profile_sectors::profile_id, profile_sectors::sector_slug))
                .select(SectorRow::as_select())
                .load(c)?,
            languages: profile_languages::table
                .filter(profile_languages::profile_id.eq_any(ids))
                .order((profile_languages::profile_id, profile_languages::language))
                .select(LanguageRow::as_select())
                .load(c)?,
            curfews: profile_curfews::table
                .filter(profile_curfews::profile_id.eq_any(ids))
                .order((profile_curfews::profile_id, profile_curfews::id))
                .select(CurfewRow::as_select())
                .load(c)?,
            zones: zones::table
                .filter(zones::profile_id.eq_any(ids))
                .order((zones::profile_id, zones::id))
                .select(ZoneRow::as_select())
                .load(c)?,
            offences: profile_offences::table
                .filter(profile_offences::profile_id.eq_any(ids))
                .order((profile_offences::profile_id, profile_offences::category))
                .select(OffenceRow::as_select())
                .load(c)?,
            todos: profile_todos::table
                .filter(profile_todos::profile_id.eq_any(ids))
                .order((profile_todos::profile_id, profile_todos::id))
                .select(TodoRow::as_select())
                .load(c)?,
        }))
    }

    /// Puts each row into its profile's input.
    fn attach(self, inputs: &mut HashMap<i64, ProfileInput>) {
        for r in self.skills {
            if let Some(p) = inputs.get_mut(&r.profile_id) {
                p.skills.push(ProfileSkillInput {
                    slug: r.skill_slug,
                    source: r.source,
                });
            }
        }
        for r in self.certificates {
            if let Some(p) = inputs.get_mut(&r.profile_id) {
                p.certificates.push(CertificateInput {
                    slug: r.certificate_slug,
                    expires_on: r.expires_on,
                    expected_on: r.expected_on,
                });
            }
        }
        for r in self.history {
            if let Some(p) = inputs.get_mut(&r.profile_id) {
                p.work_history.push(WorkHistoryInput {
                    role: r.role,
                    employer_name: r.employer_name,
                    sector: r.sector_slug.unwrap_or_default(),
                    from_year: r.from_year,
                    to_year: r.to_year,
                });
            }
        }
        for r in self.sectors {
            if let Some(p) = inputs.get_mut(&r.profile_id) {
                p.sectors_of_interest.push(r.sector_slug);
            }
        }
        for r in self.languages {
            if let Some(p) = inputs.get_mut(&r.profile_id) {
                p.languages.push(r.language);
            }
        }
        Self::attach_conditions(self.curfews, self.zones, self.offences, inputs);
        for r in self.todos {
            if let Some(p) = inputs.get_mut(&r.profile_id) {
                p.todos.push(TodoInput {
                    kind: r.kind,
                    note: r.note,
                    done: r.done,
                });
            }
        }
    }

    fn attach_conditions(
        curfews: Vec<CurfewRow>,
        zones: Vec<ZoneRow>,
        offences: Vec<OffenceRow>,
        inputs: &mut HashMap<i64, ProfileInput>,
    ) {
        for r in curfews {
            if let Some(p) = inputs.get_mut(&r.profile_id) {
                p.curfews.push(CurfewInput {
                    days: days_to_names(r.days),
                    start: r.start_time.format("%H:%M").to_string(),
                    end: r.end_time.format("%H:%M").to_string(),
                    ends_on: r.ends_on,
                });
            }
        }
        for r in zones {
            if let Some(p) = inputs.get_mut(&r.profile_id) {
                p.exclusion_zones.push(ExclusionZoneInput {
                    name: r.name,
                    lat: r.lat,
                    lon: r.lon,
                    radius_km: r.radius_km,
                    ends_on: r.ends_on,
                });
            }
        }
        for r in offences {
            if let Some(p) = inputs.get_mut(&r.profile_id) {
                p.offence_categories.push(r.category);
            }
        }
    }
}

/// Stores a new profile; call inside a transaction.
pub fn insert(
    conn: &mut InTx,
    service_id: i64,
    officer_id: Option<i64>,
    pseudonym: &str,
    details: &ProfileDetails,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    insert_many(
        conn,
        &[NewProfile {
            service_id,
            officer_id,
            pseudonym,
            details,
        }],
        at,
    )?
    .pop()
    .ok_or(StoreError::NotFound)
}

/// One profile to store with [`insert_many`].
pub struct NewProfile<'a> {
    pub service_id: i64,
    pub officer_id: Option<i64>,
    pub pseudonym: &'a str,
    pub details: &'a ProfileDetails,
}

/// Stores new profiles: each row, then all their parts in a few statements.
/// Call inside a transaction. Returns the ids in order.
pub fn insert_many(
    conn: &mut InTx,
    items: &[NewProfile],
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
    item: &NewProfile,
    input: &ProfileInput,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    let id: i64 = with_conn!(conn, |c| diesel::insert_into(profiles::table)
        .values((
            Content::of(input)?,
            profiles::service_id.eq(item.service_id),
            profiles::officer_id.eq(item.officer_id),
            profiles::pseudonym.eq(item.pseudonym),
            profiles::created_at.eq(at),
            profiles::updated_at.eq(at),
        ))
        .returning(profiles::id)
        .get_result(c)
        .map_err(|e| StoreError::from_write(e, DUPLICATE_REFERENCE))?);
    Ok(id)
}

pub fn load_many(
    conn: &mut impl AsTx,
    ids: &[i64],
    taxonomy: &Taxonomy,
) -> StoreResult<Vec<Profile>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = HashMap::new();
    for chunk in ids.chunks(5_000) {
        for profile in load_where(conn, chunk, taxonomy)? {
            found.insert(profile.id, profile);
        }
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

pub fn load(conn: &mut impl AsTx, id: i64, taxonomy: &Taxonomy) -> StoreResult<Profile> {
    load_many(conn, &[id], taxonomy)?
        .pop()
        .ok_or(StoreError::NotFound)
}

fn load_where(conn: &mut impl AsTx, ids: &[i64], taxonomy: &Taxonomy) -> StoreResult<Vec<Profile>> {
    let rows: Vec<ProfileRow> = with_conn!(conn, |c| profiles::table
        .filter(profiles::id.eq_any(ids))
        .select(ProfileRow::as_select())
        .load(c)?);
    let parts = Parts::load(conn, ids)?;
    let mut heads = Vec::with_capacity(rows.len());
    let mut inputs: HashMap<i64, ProfileInput> = HashMap::new();
    for row in rows {
        heads.push((
            row.id,
            row.service_id,
            row.officer_id,
            row.pseudonym.clone(),
        ));
        inputs.insert(row.id, row.into_input());
    }
    parts.attach(&mut inputs);
    let prisons = prisons_of(conn, heads.iter().map(|head| head.1))?;
    heads
        .into_iter()
        .map(|(id, service_id, officer_id, pseudonym)| {
            let input = inputs.remove(&id).ok_or(StoreError::NotFound)?;
            let details = ProfileDetails::parse(&input, taxonomy)
                .map_err(|e| StoreError::Corrupt(format!("profile {id}: {e}")))?;
            Ok(Profile {
                id,
                service_id,
                officer_id,
                pseudonym,
                prison: prisons.get(&service_id).cloned(),
                details,
            })
        })
        .collect()
}

/// The place of each of these services that is a prison (day release
/// travel is measured from it); probation services are left out.
fn prisons_of(
    conn: &mut impl AsTx,
    service_ids: impl Iterator<Item = i64>,
) -> StoreResult<HashMap<i64, Place>> {
    let mut ids: Vec<i64> = service_ids.collect();
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<(i64, String, f64, f64)> = with_conn!(conn, |c| services::table
        .filter(services::id.eq_any(&ids))
        .filter(services::kind.eq("prison"))
        .select((
            services::id,
            services::place_name,
            services::lat,
            services::lon,
        ))
        .load(c)?);
    rows.into_iter()
        .map(|(id, name, lat, lon)| {
            Place::parse(&PlaceInput { name, lat, lon })
                .map(|place| (id, place))
                .map_err(|e| StoreError::Corrupt(format!("service {id}: {e}")))
        })
        .collect()
}

/// Every profile that is not anonymised (the search index holds these).
pub fn all_ids(conn: &mut impl AsTx) -> StoreResult<Vec<i64>> {
    Ok(with_conn!(conn, |c| profiles::table
        .filter(profiles::anonymised_at.is_null())
        .order(profiles::id)
        .select(profiles::id)
        .load(c)?))
}

/// Every profile of these services that is not anonymised, for matching
/// while the search index is being filled (`matches::Matcher`).
pub fn ids_in_services(conn: &mut impl AsTx, services: &[i64]) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::new();
    // Bounded lists keep within the backends' parameter limits.
    for part in services.chunks(500) {
        let found: Vec<i64> = with_conn!(conn, |c| profiles::table
            .filter(profiles::anonymised_at.is_null())
            .filter(profiles::service_id.eq_any(part))
            .select(profiles::id)
            .load(c)?);
        ids.extend(found);
    }
    ids.sort_unstable();
    Ok(ids)
}

/// Profiles with a licence condition, or the licence itself, whose
/// effective end is `day` (its last day in force), sorted and each once.
/// A condition never ends after the licence (the parser refuses it), so
/// its effective end is its own end date when it has one.
pub fn ids_with_condition_ending_on(conn: &mut impl AsTx, day: NaiveDate) -> StoreResult<Vec<i64>> {
    let mut ids: Vec<i64> = with_conn!(conn, |c| {
        let mut ids: Vec<i64> = profiles::table
            .filter(
                profiles::licence_ends_on.eq(day).or(profiles::no_driving
                    .eq(true)
                    .and(profiles::no_driving_until.eq(day))),
            )
            .select(profiles::id)
            .load(c)?;
        ids.extend(
            profile_curfews::table
                .filter(profile_curfews::ends_on.eq(day))
                .select(profile_curfews::profile_id)
                .load::<i64>(c)?,
        );
        ids.extend(
            profile_exclusion_zones::table
                .filter(profile_exclusion_zones::ends_on.eq(day))
                .select(profile_exclusion_zones::profile_id)
                .load::<i64>(c)?,
        );
        ids
    });
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// How many profiles are not anonymised (as many as the search index
/// should hold).
pub fn count(conn: &mut impl AsTx) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| profiles::table
        .filter(profiles::anonymised_at.is_null())
        .count()
        .get_result(c)?))
}

/// A profile of this service, or NotFound: the service is part of the query,
/// so a profile elsewhere is never loaded.
pub fn load_in_service(
    conn: &mut impl AsTx,
    id: i64,
    service_id: i64,
    taxonomy: &Taxonomy,
) -> StoreResult<Profile> {
    let found: Option<i64> = with_conn!(conn, |c| profiles::table
        .filter(profiles::id.eq(id))
        .filter(profiles::service_id.eq(service_id))
        .select(profiles::id)
        .first(c)
        .optional()?);
    match found {
        Some(id) => load(conn, id, taxonomy),
        None => Err(StoreError::NotFound),
    }
}

/// Which profile of a service a write is about.
#[derive(Clone, Copy, Debug)]
pub enum Key<'a> {
    Id(i64),
    /// The prison number, as parsed (upper-case).
    Reference(&'a str),
}

/// The id of the service's profile with this key, its row locked until the
/// transaction ends on PostgreSQL (SQLite's write transaction already holds
/// the database lock); None when the service has no such profile. The
/// service is part of the query.
pub fn lock_in_service(conn: &mut InTx, service_id: i64, key: Key) -> StoreResult<Option<i64>> {
    let found: Option<i64> = with_conn!(conn, |c| {
        let q = profiles::table
            .filter(profiles::service_id.eq(service_id))
            .select(profiles::id)
            .into_boxed();
        let q = match key {
            Key::Id(id) => q.filter(profiles::id.eq(id)),
            Key::Reference(reference) => q.filter(profiles::reference.eq(reference.to_string())),
        };
        q.first(c).optional()?
    });
    if let (Some(id), super::Tx::Postgres(c)) = (found, conn.tx()) {
        profiles::table
            .find(id)
            .select(profiles::id)
            .for_update()
            .first::<i64>(c)?;
    }
    Ok(found)
}

/// Rows stamped at or after `watermark` in the change feed, with their
/// stamps (an indexed range read: the matcher's check for changed rows;
/// see [`crate::store::meta::change_watermark`]).
pub fn changed_since(conn: &mut impl AsTx, watermark: i64) -> StoreResult<Vec<(i64, i64)>> {
    Ok(with_conn!(conn, |c| profiles::table
        .filter(super::change_seq().ge(watermark))
        .select((profiles::id, super::change_seq()))
        .load(c)?))
}

/// The change-feed stamp of each row asked for: every write to a row
/// moves it, so it tells a cache which parsed copies are stale.
pub fn versions(conn: &mut impl AsTx, ids: &[i64]) -> StoreResult<Vec<(i64, i64)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(5_000) {
        let rows: Vec<(i64, i64)> = with_conn!(conn, |c| profiles::table
            .filter(profiles::id.eq_any(chunk))
            .select((profiles::id, super::change_seq()))
            .load(c)?);
        out.extend(rows);
    }
    Ok(out)
}

/// Replaces a profile's details: the row is updated (moving `updated_at`),
/// its parts deleted and written again. Call inside a write transaction
/// (with the `profile.changed` job for the matcher). The service is part of
/// the query: a profile elsewhere is NotFound and nothing is written.
pub fn update(
    conn: &mut InTx,
    id: i64,
    service_id: i64,
    details: &ProfileDetails,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let input = details.to_input();
    let changed = with_conn!(conn, |c| diesel::update(
        profiles::table
            .filter(profiles::id.eq(id))
            .filter(profiles::service_id.eq(service_id))
            .filter(profiles::anonymised_at.is_null())
    )
    .set((Content::of(&input)?, profiles::updated_at.eq(at)))
    .execute(c)
    .map_err(|e| StoreError::from_write(e, DUPLICATE_REFERENCE))?);
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Parts::delete(conn, id)?;
    let mut parts = Parts::default();
    parts.add(id, &input)?;
    parts.insert(conn)
}

/// The ids of this service's profiles with these references (prison
/// numbers, upper case), by reference. Should the database hold one
/// reference twice in a service, the oldest profile answers for it.
pub fn ids_by_reference(
    conn: &mut impl AsTx,
    service_id: i64,
    references: &[String],
) -> StoreResult<HashMap<String, i64>> {
    let mut found = HashMap::with_capacity(references.len());
    for chunk in references.chunks(5_000) {
        let rows: Vec<(String, i64)> = with_conn!(conn, |c| profiles::table
            .filter(profiles::service_id.eq(service_id))
            .filter(profiles::reference.eq_any(chunk))
            .order(profiles::id.desc())
            .select((profiles::reference, profiles::id))
            .load(c)?);
        // Newest first, so the oldest is inserted last and kept.
        found.extend(rows);
    }
    Ok(found)
}
