//! Skill profiles and their parts: skills with sources, certificates with
//! expiry, work history, sectors, languages, curfews, exclusion zones,
//! offence categories and to-dos. Read back through the domain's `parse`.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use super::schema::{
    profile_certificates, profile_curfews, profile_exclusion_zones, profile_languages,
    profile_offences, profile_sectors, profile_skills, profile_todos, profile_work_history,
    profiles,
};
use super::{days_from_names, days_to_names, AsTx, StoreError, StoreResult, CHILD_ROWS_PER_INSERT};
use crate::domain::geo::{ExclusionZoneInput, PlaceInput};
use crate::domain::profile::{
    CertificateInput, Profile, ProfileDetails, ProfileInput, ProfileSkillInput, TodoInput,
    WorkHistoryInput,
};
use crate::domain::schedule::TimeWindowInput;
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
}

/// Optional text is an empty string in the domain's input and NULL in the row.
fn non_empty(text: &str) -> Option<&str> {
    Some(text).filter(|t| !t.trim().is_empty())
}

fn parse_time(text: &str) -> StoreResult<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|_| StoreError::Corrupt(format!("time {text:?}")))
}

/// Writes the child rows of new profiles, many rows per statement.
fn write_children(conn: &mut impl AsTx, rows: &[(i64, ProfileInput)]) -> StoreResult<()> {
    with_conn!(conn, |c| {
        let mut all_skills = Vec::new();
        let mut all_certificates = Vec::new();
        let mut all_history = Vec::new();
        let mut all_sectors = Vec::new();
        let mut all_languages = Vec::new();
        let mut all_curfews = Vec::new();
        let mut all_zones = Vec::new();
        let mut all_offences = Vec::new();
        let mut all_todos = Vec::new();
        for (id, input) in rows {
            let id = *id;
            let skills: Vec<_> = input
                .skills
                .iter()
                .map(|s| {
                    (
                        profile_skills::profile_id.eq(id),
                        profile_skills::skill_slug.eq(&s.slug),
                        profile_skills::source.eq(&s.source),
                    )
                })
                .collect();
            all_skills.extend(skills);
            let certificates: Vec<_> = input
                .certificates
                .iter()
                .map(|h| {
                    (
                        profile_certificates::profile_id.eq(id),
                        profile_certificates::certificate_slug.eq(&h.slug),
                        profile_certificates::expires_on.eq(h.expires_on),
                    )
                })
                .collect();
            all_certificates.extend(certificates);
            let history: Vec<_> = input
                .work_history
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    (
                        profile_work_history::profile_id.eq(id),
                        profile_work_history::position.eq(i as i32),
                        profile_work_history::role.eq(&w.role),
                        profile_work_history::employer_name.eq(&w.employer_name),
                        profile_work_history::sector_slug.eq(non_empty(&w.sector)),
                        profile_work_history::from_year.eq(w.from_year),
                        profile_work_history::to_year.eq(w.to_year),
                    )
                })
                .collect();
            all_history.extend(history);
            let sectors: Vec<_> = input
                .sectors_of_interest
                .iter()
                .map(|s| {
                    (
                        profile_sectors::profile_id.eq(id),
                        profile_sectors::sector_slug.eq(s),
                    )
                })
                .collect();
            all_sectors.extend(sectors);
            let languages: Vec<_> = input
                .languages
                .iter()
                .map(|l| {
                    (
                        profile_languages::profile_id.eq(id),
                        profile_languages::language.eq(l),
                    )
                })
                .collect();
            all_languages.extend(languages);
            let curfews: Vec<_> = input
                .curfews
                .iter()
                .map(|w| {
                    Ok((
                        profile_curfews::profile_id.eq(id),
                        profile_curfews::days.eq(days_from_names(&w.days)?),
                        profile_curfews::start_time.eq(parse_time(&w.start)?),
                        profile_curfews::end_time.eq(parse_time(&w.end)?),
                    ))
                })
                .collect::<StoreResult<_>>()?;
            all_curfews.extend(curfews);
            let zones: Vec<_> = input
                .exclusion_zones
                .iter()
                .map(|z| {
                    (
                        profile_exclusion_zones::profile_id.eq(id),
                        profile_exclusion_zones::name.eq(&z.name),
                        profile_exclusion_zones::lat.eq(z.lat),
                        profile_exclusion_zones::lon.eq(z.lon),
                        profile_exclusion_zones::radius_km.eq(z.radius_km),
                    )
                })
                .collect();
            all_zones.extend(zones);
            let offences: Vec<_> = input
                .offence_categories
                .iter()
                .map(|o| {
                    (
                        profile_offences::profile_id.eq(id),
                        profile_offences::category.eq(o),
                    )
                })
                .collect();
            all_offences.extend(offences);
            let todos: Vec<_> = input
                .todos
                .iter()
                .map(|t| {
                    (
                        profile_todos::profile_id.eq(id),
                        profile_todos::kind.eq(&t.kind),
                        profile_todos::note.eq(&t.note),
                        profile_todos::done.eq(t.done),
                    )
                })
                .collect();
            all_todos.extend(todos);
        }
        for chunk in all_skills.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(profile_skills::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_certificates.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(profile_certificates::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_history.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(profile_work_history::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_sectors.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(profile_sectors::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_languages.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(profile_languages::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_curfews.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(profile_curfews::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_zones.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(profile_exclusion_zones::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_offences.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(profile_offences::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in all_todos.chunks(CHILD_ROWS_PER_INSERT) {
            diesel::insert_into(profile_todos::table)
                .values(chunk)
                .execute(c)?;
        }
        Ok(())
    })
}

/// Stores a new profile; call inside a transaction.
pub fn insert(
    conn: &mut impl AsTx,
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
    conn: &mut impl AsTx,
    items: &[NewProfile],
    at: NaiveDateTime,
) -> StoreResult<Vec<i64>> {
    let mut rows = Vec::with_capacity(items.len());
    for item in items {
        let input = item.details.to_input();
        let id = insert_row(
            conn,
            item.service_id,
            item.officer_id,
            item.pseudonym,
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
    service_id: i64,
    officer_id: Option<i64>,
    pseudonym: &str,
    input: &ProfileInput,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    let release_date = input
        .release_date
        .ok_or_else(|| StoreError::Corrupt("a parsed profile always has a release date".into()))?;
    let area = input.release_area.as_ref();
    let id: i64 = with_conn!(conn, |c| diesel::insert_into(profiles::table)
        .values((
            profiles::service_id.eq(service_id),
            profiles::officer_id.eq(officer_id),
            profiles::reference.eq(&input.reference),
            profiles::given_name.eq(&input.given_name),
            profiles::family_name.eq(&input.family_name),
            profiles::pseudonym.eq(pseudonym),
            profiles::release_date.eq(release_date),
            profiles::no_fixed_abode.eq(input.no_fixed_abode),
            profiles::release_place_name.eq(area.map(|p| p.name.as_str())),
            profiles::release_lat.eq(area.map(|p| p.lat)),
            profiles::release_lon.eq(area.map(|p| p.lon)),
            profiles::travel_radius_km.eq(input.travel_radius_km),
            profiles::preferred_hours_min.eq(input.preferred_hours_min),
            profiles::preferred_hours_max.eq(input.preferred_hours_max),
            profiles::right_to_work.eq(input.right_to_work),
            profiles::driving_licence.eq(input.driving_licence),
            profiles::rotl_eligible_from.eq(input.rotl_eligible_from),
            profiles::no_driving.eq(input.no_driving),
            profiles::other_conditions.eq(non_empty(&input.other_conditions)),
            profiles::barred_children.eq(input.barred_children),
            profiles::barred_adults.eq(input.barred_adults),
            profiles::readiness.eq(&input.readiness),
            profiles::consent_to_share_name.eq(input.consent_to_share_name),
            profiles::gender.eq(non_empty(&input.gender)),
            profiles::created_at.eq(at),
            profiles::updated_at.eq(at),
        ))
        .returning(profiles::id)
        .get_result(c)
        .map_err(|e| StoreError::from_write(
            e,
            "a profile with this reference already exists in this service"
        ))?);
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

type HistoryRow = (i64, String, String, Option<String>, i32, Option<i32>);
type WindowRow = (i64, i32, NaiveTime, NaiveTime);
type ZoneRow = (i64, String, f64, f64, f64);
type TodoRow = (i64, String, String, bool);

fn load_where(conn: &mut impl AsTx, ids: &[i64], taxonomy: &Taxonomy) -> StoreResult<Vec<Profile>> {
    let (rows, skills, certificates, history, sectors, languages, curfews, zones, offences, todos) =
        with_conn!(conn, |c| {
            let rows: Vec<ProfileRow> = profiles::table
                .filter(profiles::id.eq_any(ids))
                .select(ProfileRow::as_select())
                .load(c)?;
            let skills: Vec<(i64, String, String)> = profile_skills::table
                .filter(profile_skills::profile_id.eq_any(ids))
                .order((profile_skills::profile_id, profile_skills::skill_slug))
                .select((
                    profile_skills::profile_id,
                    profile_skills::skill_slug,
                    profile_skills::source,
                ))
                .load(c)?;
            let certificates: Vec<(i64, String, Option<NaiveDate>)> = profile_certificates::table
                .filter(profile_certificates::profile_id.eq_any(ids))
                .order((
                    profile_certificates::profile_id,
                    profile_certificates::certificate_slug,
                ))
                .select((
                    profile_certificates::profile_id,
                    profile_certificates::certificate_slug,
                    profile_certificates::expires_on,
                ))
                .load(c)?;
            let history: Vec<HistoryRow> = profile_work_history::table
                .filter(profile_work_history::profile_id.eq_any(ids))
                .order((
                    profile_work_history::profile_id,
                    profile_work_history::position,
                ))
                .select((
                    profile_work_history::profile_id,
                    profile_work_history::role,
                    profile_work_history::employer_name,
                    profile_work_history::sector_slug,
                    profile_work_history::from_year,
                    profile_work_history::to_year,
                ))
                .load(c)?;
            let sectors: Vec<(i64, String)> = profile_sectors::table
                .filter(profile_sectors::profile_id.eq_any(ids))
                .order((profile_sectors::profile_id, profile_sectors::sector_slug))
                .select((profile_sectors::profile_id, profile_sectors::sector_slug))
                .load(c)?;
            let languages: Vec<(i64, String)> = profile_languages::table
                .filter(profile_languages::profile_id.eq_any(ids))
                .order((profile_languages::profile_id, profile_languages::language))
                .select((profile_languages::profile_id, profile_languages::language))
                .load(c)?;
            let curfews: Vec<WindowRow> = profile_curfews::table
                .filter(profile_curfews::profile_id.eq_any(ids))
                .order((profile_curfews::profile_id, profile_curfews::id))
                .select((
                    profile_curfews::profile_id,
                    profile_curfews::days,
                    profile_curfews::start_time,
                    profile_curfews::end_time,
                ))
                .load(c)?;
            let zones: Vec<ZoneRow> = profile_exclusion_zones::table
                .filter(profile_exclusion_zones::profile_id.eq_any(ids))
                .order((
                    profile_exclusion_zones::profile_id,
                    profile_exclusion_zones::id,
                ))
                .select((
                    profile_exclusion_zones::profile_id,
                    profile_exclusion_zones::name,
                    profile_exclusion_zones::lat,
                    profile_exclusion_zones::lon,
                    profile_exclusion_zones::radius_km,
                ))
                .load(c)?;
            let offences: Vec<(i64, String)> = profile_offences::table
                .filter(profile_offences::profile_id.eq_any(ids))
                .order((profile_offences::profile_id, profile_offences::category))
                .select((profile_offences::profile_id, profile_offences::category))
                .load(c)?;
            let todos: Vec<TodoRow> = profile_todos::table
                .filter(profile_todos::profile_id.eq_any(ids))
                .order((profile_todos::profile_id, profile_todos::id))
                .select((
                    profile_todos::profile_id,
                    profile_todos::kind,
                    profile_todos::note,
                    profile_todos::done,
                ))
                .load(c)?;
            (
                rows,
                skills,
                certificates,
                history,
                sectors,
                languages,
                curfews,
                zones,
                offences,
                todos,
            )
        });

    let mut heads = Vec::new();
    let mut inputs: HashMap<i64, ProfileInput> = HashMap::new();
    for row in rows {
        heads.push((
            row.id,
            row.service_id,
            row.officer_id,
            row.pseudonym.clone(),
        ));
        inputs.insert(
            row.id,
            ProfileInput {
                given_name: row.given_name,
                family_name: row.family_name,
                reference: row.reference,
                release_date: Some(row.release_date),
                no_fixed_abode: row.no_fixed_abode,
                release_area: match (row.release_place_name, row.release_lat, row.release_lon) {
                    (Some(name), Some(lat), Some(lon)) => Some(PlaceInput { name, lat, lon }),
                    _ => None,
                },
                travel_radius_km: row.travel_radius_km,
                skills: Vec::new(),
                certificates: Vec::new(),
                work_history: Vec::new(),
                sectors_of_interest: Vec::new(),
                preferred_hours_min: row.preferred_hours_min,
                preferred_hours_max: row.preferred_hours_max,
                right_to_work: row.right_to_work,
                driving_licence: row.driving_licence,
                rotl_eligible_from: row.rotl_eligible_from,
                curfews: Vec::new(),
                exclusion_zones: Vec::new(),
                no_driving: row.no_driving,
                other_conditions: row.other_conditions.unwrap_or_default(),
                offence_categories: Vec::new(),
                barred_children: row.barred_children,
                barred_adults: row.barred_adults,
                readiness: row.readiness,
                todos: Vec::new(),
                consent_to_share_name: row.consent_to_share_name,
                gender: row.gender.unwrap_or_default(),
                languages: Vec::new(),
            },
        );
    }
    for (id, slug, source) in skills {
        if let Some(p) = inputs.get_mut(&id) {
            p.skills.push(ProfileSkillInput { slug, source });
        }
    }
    for (id, slug, expires_on) in certificates {
        if let Some(p) = inputs.get_mut(&id) {
            p.certificates.push(CertificateInput { slug, expires_on });
        }
    }
    for (id, role, employer_name, sector, from_year, to_year) in history {
        if let Some(p) = inputs.get_mut(&id) {
            p.work_history.push(WorkHistoryInput {
                role,
                employer_name,
                sector: sector.unwrap_or_default(),
                from_year,
                to_year,
            });
        }
    }
    for (id, sector) in sectors {
        if let Some(p) = inputs.get_mut(&id) {
            p.sectors_of_interest.push(sector);
        }
    }
    for (id, language) in languages {
        if let Some(p) = inputs.get_mut(&id) {
            p.languages.push(language);
        }
    }
    for (id, days, start, end) in curfews {
        if let Some(p) = inputs.get_mut(&id) {
            p.curfews.push(TimeWindowInput {
                days: days_to_names(days),
                start: start.format("%H:%M").to_string(),
                end: end.format("%H:%M").to_string(),
            });
        }
    }
    for (id, name, lat, lon, radius_km) in zones {
        if let Some(p) = inputs.get_mut(&id) {
            p.exclusion_zones.push(ExclusionZoneInput {
                name,
                lat,
                lon,
                radius_km,
            });
        }
    }
    for (id, category) in offences {
        if let Some(p) = inputs.get_mut(&id) {
            p.offence_categories.push(category);
        }
    }
    for (id, kind, note, done) in todos {
        if let Some(p) = inputs.get_mut(&id) {
            p.todos.push(TodoInput { kind, note, done });
        }
    }
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
                details,
            })
        })
        .collect()
}

pub fn all_ids(conn: &mut impl AsTx) -> StoreResult<Vec<i64>> {
    Ok(with_conn!(conn, |c| profiles::table
        .order(profiles::id)
        .select(profiles::id)
        .load(c)?))
}

pub fn count(conn: &mut impl AsTx) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| profiles::table
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

/// The `updated_at` of each profile asked for: every change to a profile
/// moves it, so it tells a cache which parsed copies are stale.
/// Rows whose `updated_at` is at or after `since`, with it (an indexed
/// range read: the matcher's check for changed rows).
pub fn changed_since(
    conn: &mut impl AsTx,
    since: NaiveDateTime,
) -> StoreResult<Vec<(i64, NaiveDateTime)>> {
    Ok(with_conn!(conn, |c| profiles::table
        .filter(profiles::updated_at.ge(since))
        .select((profiles::id, profiles::updated_at))
        .load(c)?))
}

pub fn versions(conn: &mut impl AsTx, ids: &[i64]) -> StoreResult<Vec<(i64, NaiveDateTime)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(5_000) {
        let rows: Vec<(i64, NaiveDateTime)> = with_conn!(conn, |c| profiles::table
            .filter(profiles::id.eq_any(chunk))
            .select((profiles::id, profiles::updated_at))
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
    conn: &mut impl AsTx,
    id: i64,
    service_id: i64,
    details: &ProfileDetails,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let input = details.to_input();
    let release_date = input
        .release_date
        .ok_or_else(|| StoreError::Corrupt("a parsed profile always has a release date".into()))?;
    let area = input.release_area.as_ref();
    let changed = with_conn!(conn, |c| diesel::update(
        profiles::table
            .filter(profiles::id.eq(id))
            .filter(profiles::service_id.eq(service_id))
    )
    .set((
        profiles::reference.eq(&input.reference),
        profiles::given_name.eq(&input.given_name),
        profiles::family_name.eq(&input.family_name),
        profiles::release_date.eq(release_date),
        profiles::no_fixed_abode.eq(input.no_fixed_abode),
        profiles::release_place_name.eq(area.map(|p| p.name.as_str())),
        profiles::release_lat.eq(area.map(|p| p.lat)),
        profiles::release_lon.eq(area.map(|p| p.lon)),
        profiles::travel_radius_km.eq(input.travel_radius_km),
        profiles::preferred_hours_min.eq(input.preferred_hours_min),
        profiles::preferred_hours_max.eq(input.preferred_hours_max),
        profiles::right_to_work.eq(input.right_to_work),
        profiles::driving_licence.eq(input.driving_licence),
        profiles::rotl_eligible_from.eq(input.rotl_eligible_from),
        profiles::no_driving.eq(input.no_driving),
        profiles::other_conditions.eq(non_empty(&input.other_conditions)),
        profiles::barred_children.eq(input.barred_children),
        profiles::barred_adults.eq(input.barred_adults),
        profiles::readiness.eq(&input.readiness),
        profiles::consent_to_share_name.eq(input.consent_to_share_name),
        profiles::gender.eq(non_empty(&input.gender)),
        profiles::updated_at.eq(at),
    ))
    .execute(c)
    .map_err(|e| StoreError::from_write(
        e,
        "a profile with this reference already exists in this service"
    ))?);
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    with_conn!(conn, |c| {
        diesel::delete(profile_skills::table.filter(profile_skills::profile_id.eq(id)))
            .execute(c)?;
        diesel::delete(profile_certificates::table.filter(profile_certificates::profile_id.eq(id)))
            .execute(c)?;
        diesel::delete(profile_work_history::table.filter(profile_work_history::profile_id.eq(id)))
            .execute(c)?;
        diesel::delete(profile_sectors::table.filter(profile_sectors::profile_id.eq(id)))
            .execute(c)?;
        diesel::delete(profile_languages::table.filter(profile_languages::profile_id.eq(id)))
            .execute(c)?;
        diesel::delete(profile_curfews::table.filter(profile_curfews::profile_id.eq(id)))
            .execute(c)?;
        diesel::delete(
            profile_exclusion_zones::table.filter(profile_exclusion_zones::profile_id.eq(id)),
        )
        .execute(c)?;
        diesel::delete(profile_offences::table.filter(profile_offences::profile_id.eq(id)))
            .execute(c)?;
        diesel::delete(profile_todos::table.filter(profile_todos::profile_id.eq(id))).execute(c)?;
    });
    write_children(conn, &[(id, input)])
}
