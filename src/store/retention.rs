//! The retention pass's storage: who is due, and what anonymising one
//! person (or deleting only their restricted sections) writes. Each person
//! is done in one transaction by the caller, and marked
//! (`profiles.anonymised_at`), so a pass that is killed leaves every
//! person untouched or fully done and a rerun skips those done.
//!
//! What the reports count is kept exactly (the release date, service,
//! officer and gender of the profile; each match's pair, status and dates;
//! each application's pair, status and timeline; outcomes); everything
//! else about the person is emptied, coarsened or deleted. [`HANDLED`]
//! names every table that refers to a person's rows, with what is done to
//! it; a test fails when a new table refers to one of them until it is
//! handled here.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::schema::{
    application_cvs, application_drafts, application_events, applications, audit_log, job_seekers,
    match_watches, matches, profile_certificates, profile_curfews, profile_cvs,
    profile_exclusion_zones, profile_languages, profile_offences, profile_sectors, profile_skills,
    profile_todos, profile_work_history, profiles, session_purposes, sessions, slot_booking_events,
    slot_bookings,
};
use super::{AsTx, InTx, StoreError, StoreResult, Tx};
use crate::with_conn;

/// Every (table, the table it refers to) that can hold rows about a
/// person, and what the pass does to those rows.
pub const HANDLED: &[(&str, &str, &str)] = &[
    ("application_cvs", "applications", "deleted (the CV sent)"),
    ("application_disclosures", "applications", "deleted"),
    ("application_drafts", "profiles", "deleted"),
    ("application_events", "applications", "notes emptied"),
    (
        "applications",
        "matches",
        "kept, statement and notes emptied",
    ),
    (
        "applications",
        "profiles",
        "kept, statement and notes emptied",
    ),
    (
        "audit_log",
        "job_seekers",
        "kept, details naming the person redacted",
    ),
    (
        "job_seekers",
        "profiles",
        "login code and PIN removed, locked",
    ),
    ("disclosure_letters", "profiles", "deleted"),
    ("disclosure_reviews", "profiles", "deleted"),
    ("match_watches", "profiles", "deleted"),
    (
        "slot_bookings",
        "applications",
        "kept (the reports count interviews held), cancel reasons emptied",
    ),
    (
        "slot_booking_events",
        "slot_bookings",
        "kept, notes emptied",
    ),
    ("matches", "profiles", "kept, reasons and notes emptied"),
    ("outcomes", "applications", "kept (the reports count them)"),
    ("outcomes", "profiles", "kept (the reports count them)"),
    ("profile_certificates", "profiles", "deleted"),
    ("profile_cvs", "profiles", "deleted"),
    ("profile_curfews", "profiles", "deleted"),
    ("profile_exclusion_zones", "profiles", "deleted"),
    ("profile_languages", "profiles", "deleted"),
    ("profile_offences", "profiles", "deleted"),
    ("profile_sectors", "profiles", "deleted"),
    ("profile_skills", "profiles", "deleted"),
    ("profile_todos", "profiles", "deleted"),
    ("profile_work_history", "profiles", "deleted"),
    ("session_purposes", "profiles", "deleted"),
    ("session_purposes", "sessions", "deleted"),
    ("sessions", "job_seekers", "deleted"),
];

/// The given name every anonymised person gets.
pub const ANONYMISED_GIVEN_NAME: &str = "Anonymised";
/// The family name every anonymised person gets.
pub const ANONYMISED_FAMILY_NAME: &str = "person";
/// The place name of every anonymised release area.
pub const WITHHELD_PLACE: &str = "Withheld";
/// How a redacted audit detail starts (the database accepts no other
/// change to an audit row).
pub const REDACTED_PREFIX: &str = "{\"redacted_by\":\"retention\"";

/// A person the pass will act on: ids and the pseudonym, never a name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    pub id: i64,
    pub pseudonym: String,
}

/// The reference an anonymised person gets: unique, and meaningless
/// outside the service (letters and digits, as a prison number is).
pub fn anonymised_reference(id: i64) -> String {
    format!("ANON{id}")
}

/// People not yet anonymised released before `released_before`, by id.
pub fn due_for_anonymisation(
    conn: &mut impl AsTx,
    released_before: NaiveDate,
) -> StoreResult<Vec<Person>> {
    let rows: Vec<(i64, String)> = with_conn!(conn, |c| profiles::table
        .filter(profiles::anonymised_at.is_null())
        .filter(profiles::release_date.lt(released_before))
        .order(profiles::id)
        .select((profiles::id, profiles::pseudonym))
        .load(c)?);
    Ok(rows
        .into_iter()
        .map(|(id, pseudonym)| Person { id, pseudonym })
        .collect())
}

/// A person not yet due for anonymisation who has a licence end date or
/// licence conditions: the end dates the licence's end is worked out from.
#[derive(Clone, Debug)]
pub struct LicenceHolder {
    pub person: Person,
    /// `profiles.licence_ends_on`.
    pub recorded: Option<NaiveDate>,
    /// Each condition's end (curfews, zones, the driving ban, the other
    /// conditions), None when it has none (the other conditions never do).
    pub conditions: Vec<Option<NaiveDate>>,
}

type HolderRow = (
    i64,
    String,
    Option<NaiveDate>,
    bool,
    Option<NaiveDate>,
    bool,
);
/// (profile id, a condition's end).
type ConditionEnd = (i64, Option<NaiveDate>);

/// People released on or after `released_from` (so not due for
/// anonymisation), not anonymised, with a licence end date or at least
/// one licence condition, by id.
pub fn licence_holders(
    conn: &mut impl AsTx,
    released_from: NaiveDate,
) -> StoreResult<Vec<LicenceHolder>> {
    let rows: Vec<HolderRow> = with_conn!(conn, |c| {
        let with_curfew = profile_curfews::table.select(profile_curfews::profile_id);
        let with_zone = profile_exclusion_zones::table.select(profile_exclusion_zones::profile_id);
        profiles::table
            .filter(profiles::anonymised_at.is_null())
            .filter(profiles::release_date.ge(released_from))
            .filter(
                profiles::licence_ends_on
                    .is_not_null()
                    .or(profiles::no_driving.eq(true))
                    .or(profiles::id.eq_any(with_curfew))
                    .or(profiles::id.eq_any(with_zone)),
            )
            .order(profiles::id)
            .select((
                profiles::id,
                profiles::pseudonym,
                profiles::licence_ends_on,
                profiles::no_driving,
                profiles::no_driving_until,
                profiles::other_conditions.is_not_null(),
            ))
            .load::<HolderRow>(c)?
    });
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let ends = condition_ends(conn, &ids)?;
    let mut holders: Vec<LicenceHolder> = rows
        .into_iter()
        .map(
            |(id, pseudonym, recorded, no_driving, until, other)| LicenceHolder {
                person: Person { id, pseudonym },
                recorded,
                conditions: no_driving
                    .then_some(until)
                    .into_iter()
                    .chain(other.then_some(None))
                    .collect(),
            },
        )
        .collect();
    let index: std::collections::HashMap<i64, usize> = holders
        .iter()
        .enumerate()
        .map(|(i, h)| (h.person.id, i))
        .collect();
    for (pid, end) in ends {
        if let Some(&i) = index.get(&pid) {
            holders[i].conditions.push(end);
        }
    }
    Ok(holders)
}

/// The end of each curfew and exclusion zone of these people.
fn condition_ends(conn: &mut impl AsTx, ids: &[i64]) -> StoreResult<Vec<ConditionEnd>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(5_000) {
        with_conn!(conn, |c| {
            out.extend(
                profile_curfews::table
                    .filter(profile_curfews::profile_id.eq_any(chunk))
                    .select((profile_curfews::profile_id, profile_curfews::ends_on))
                    .load::<ConditionEnd>(c)?,
            );
            out.extend(
                profile_exclusion_zones::table
                    .filter(profile_exclusion_zones::profile_id.eq_any(chunk))
                    .select((
                        profile_exclusion_zones::profile_id,
                        profile_exclusion_zones::ends_on,
                    ))
                    .load::<ConditionEnd>(c)?,
            );
        });
    }
    Ok(out)
}

/// Deletes a person's offence, licence and barred-list data (the
/// restricted sections). Returns how many condition and offence rows
/// went.
pub fn delete_restricted(conn: &mut InTx, id: i64, at: NaiveDateTime) -> StoreResult<usize> {
    Ok(with_conn!(conn, |c| {
        let mut n = 0;
        n += diesel::delete(profile_offences::table.filter(profile_offences::profile_id.eq(id)))
            .execute(c)?;
        n += diesel::delete(profile_curfews::table.filter(profile_curfews::profile_id.eq(id)))
            .execute(c)?;
        n += diesel::delete(
            profile_exclusion_zones::table.filter(profile_exclusion_zones::profile_id.eq(id)),
        )
        .execute(c)?;
        diesel::update(profiles::table.find(id))
            .set((
                profiles::no_driving.eq(false),
                profiles::no_driving_until.eq(None::<NaiveDate>),
                profiles::other_conditions.eq(None::<String>),
                profiles::barred_children.eq(false),
                profiles::barred_adults.eq(false),
                profiles::licence_ends_on.eq(None::<NaiveDate>),
                profiles::restricted_deleted_at.eq(Some(at)),
                profiles::updated_at.eq(at),
            ))
            .execute(c)?;
        n
    }))
}

/// What anonymising one person changed, counted (never named).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Scrubbed {
    /// Rows of the person's details deleted (skills, history, to-dos, ...).
    pub details_deleted: usize,
    pub matches_kept: usize,
    pub applications_kept: usize,
    pub drafts_deleted: usize,
    /// Rows of the disclosure letter, its history and the copies sent
    /// with applications.
    pub letter_rows_deleted: usize,
    pub sessions_deleted: usize,
    pub audit_redacted: usize,
    pub jobs_rewritten: usize,
}

/// The identifying values of a person, read before they are overwritten
/// (to find them in audit details and queued emails).
struct Identity {
    given_name: String,
    family_name: String,
    reference: String,
}

/// Anonymises one person: the profile row is marked and emptied first
/// (only when not yet marked, so a second call does nothing and returns
/// None), then every row about them is deleted or emptied. Call in a
/// transaction of its own.
pub fn anonymise(conn: &mut InTx, id: i64, at: NaiveDateTime) -> StoreResult<Option<Scrubbed>> {
    let Some(identity) = mark_and_empty_profile(conn, id, at)? else {
        return Ok(None);
    };
    let mut done = Scrubbed {
        details_deleted: delete_restricted(conn, id, at)? + delete_details(conn, id)?,
        ..Scrubbed::default()
    };
    done.letter_rows_deleted = super::disclosure::delete_for_profile(conn, id)?;
    empty_pairs(conn, id, &mut done)?;
    let seekers = lock_out_seekers(conn, id, at, &mut done)?;
    done.audit_redacted = redact_audit(conn, id, &seekers, &identity)?;
    done.jobs_rewritten = rewrite_jobs(conn, id, &identity)?;
    Ok(Some(done))
}

fn mark_and_empty_profile(
    conn: &mut InTx,
    id: i64,
    at: NaiveDateTime,
) -> StoreResult<Option<Identity>> {
    type Found = (String, String, String, Option<f64>, Option<f64>);
    let found: Option<Found> = with_conn!(conn, |c| profiles::table
        .find(id)
        .filter(profiles::anonymised_at.is_null())
        .select((
            profiles::given_name,
            profiles::family_name,
            profiles::reference,
            profiles::release_lat,
            profiles::release_lon,
        ))
        .first(c)
        .optional()?);
    let Some((given_name, family_name, reference, lat, lon)) = found else {
        return Ok(None);
    };
    let round = |v: Option<f64>| v.map(|x| (x * 10.0).round() / 10.0);
    let place = lat.map(|_| WITHHELD_PLACE.to_string());
    let changed = with_conn!(conn, |c| diesel::update(
        profiles::table
            .find(id)
            .filter(profiles::anonymised_at.is_null())
    )
    .set((
        profiles::given_name.eq(ANONYMISED_GIVEN_NAME),
        profiles::family_name.eq(ANONYMISED_FAMILY_NAME),
        profiles::reference.eq(anonymised_reference(id)),
        profiles::release_place_name.eq(place),
        profiles::release_lat.eq(round(lat)),
        profiles::release_lon.eq(round(lon)),
        profiles::preferred_hours_min.eq(None::<f64>),
        profiles::preferred_hours_max.eq(None::<f64>),
        profiles::rotl_eligible_from.eq(None::<NaiveDate>),
        profiles::consent_to_share_name.eq(false),
        profiles::anonymised_at.eq(Some(at)),
        profiles::updated_at.eq(at),
    ))
    .execute(c)?);
    if changed != 1 {
        return Ok(None);
    }
    Ok(Some(Identity {
        given_name,
        family_name,
        reference,
    }))
}

/// Deletes the person's skills, certificates, work history (with the
/// employers' names), sectors, languages, to-dos and CV, and the purposes
/// officers gave for opening their restricted sections and the officers'
/// watches on their pairs (neither counted).
fn delete_details(conn: &mut InTx, id: i64) -> StoreResult<usize> {
    macro_rules! gone {
        ($c:expr, $t:ident) => {
            diesel::delete($t::table.filter($t::profile_id.eq(id))).execute($c)?
        };
    }
    with_conn!(conn, |c| gone!(c, session_purposes)
        + gone!(c, match_watches));
    Ok(with_conn!(conn, |c| gone!(c, profile_skills)
        + gone!(c, profile_certificates)
        + gone!(c, profile_work_history)
        + gone!(c, profile_sectors)
        + gone!(c, profile_languages)
        + gone!(c, profile_todos)
        + gone!(c, profile_cvs)))
}

/// Keeps the person's matches and applications (the reports count them)
/// but empties their text; deletes unsent drafts and the CVs sent.
fn empty_pairs(conn: &mut InTx, id: i64, done: &mut Scrubbed) -> StoreResult<()> {
    with_conn!(conn, |c| {
        done.drafts_deleted =
            diesel::delete(application_drafts::table.filter(application_drafts::profile_id.eq(id)))
                .execute(c)?;
        done.matches_kept = diesel::update(matches::table.filter(matches::profile_id.eq(id)))
            .set((
                matches::reasons.eq("[]"),
                matches::distance_km.eq(None::<f64>),
            ))
            .execute(c)?;
        // A dismissed match must keep a reason: the officer's words go.
        diesel::update(
            matches::table
                .filter(matches::profile_id.eq(id))
                .filter(matches::dismiss_reason.is_not_null()),
        )
        .set(matches::dismiss_reason.eq(""))
        .execute(c)?;
        done.applications_kept =
            diesel::update(applications::table.filter(applications::profile_id.eq(id)))
                .set((
                    applications::statement.eq(""),
                    applications::share_name.eq(false),
                    applications::unsuccessful_note.eq(None::<String>),
                ))
                .execute(c)?;
        let apps = applications::table
            .filter(applications::profile_id.eq(id))
            .select(applications::id);
        // The CVs sent with the applications go with the person's words.
        diesel::delete(application_cvs::table.filter(application_cvs::application_id.eq_any(apps)))
            .execute(c)?;
        diesel::update(
            application_events::table.filter(application_events::application_id.eq_any(apps)),
        )
        .set(application_events::note.eq(None::<String>))
        .execute(c)?;
        // Interview and trial bookings stay (the reports count those
        // held); what was typed about them goes. A cancelled booking keeps
        // the fact of a reason, not its words.
        let bookings = slot_bookings::table
            .filter(slot_bookings::application_id.eq_any(apps))
            .select(slot_bookings::id);
        diesel::update(
            slot_booking_events::table.filter(slot_booking_events::booking_id.eq_any(bookings)),
        )
        .set(slot_booking_events::note.eq(None::<String>))
        .execute(c)?;
        diesel::update(
            slot_bookings::table
                .filter(slot_bookings::application_id.eq_any(apps))
                .filter(slot_bookings::cancel_reason.is_not_null()),
        )
        .set(slot_bookings::cancel_reason.eq(""))
        .execute(c)?;
    });
    Ok(())
}

/// Removes the person's terminal login code and PIN (the row stays: the
/// audit log refers to it), locks it and ends its sessions. Returns the
/// job-seeker ids.
fn lock_out_seekers(
    conn: &mut InTx,
    id: i64,
    at: NaiveDateTime,
    done: &mut Scrubbed,
) -> StoreResult<Vec<i64>> {
    Ok(with_conn!(conn, |c| {
        let seekers: Vec<i64> = job_seekers::table
            .filter(job_seekers::profile_id.eq(id))
            .select(job_seekers::id)
            .load(c)?;
        done.sessions_deleted =
            diesel::delete(sessions::table.filter(sessions::seeker_id.eq_any(&seekers)))
                .execute(c)?;
        for seeker in &seekers {
            diesel::update(job_seekers::table.find(seeker))
                .set((
                    job_seekers::login_code.eq(format!("anonymised-{seeker}")),
                    job_seekers::pin_hash.eq(""),
                    job_seekers::locked_at.eq(Some(at)),
                ))
                .execute(c)?;
        }
        seekers
    }))
}

/// Audit rows about the person (their profile, matches, applications,
/// outcomes and terminal accounts, or done by them on a terminal).
fn audit_about(
    conn: &mut InTx,
    id: i64,
    seekers: &[i64],
) -> StoreResult<Vec<(i64, Option<String>)>> {
    use super::schema::outcomes;
    Ok(with_conn!(conn, |c| {
        let apps: Vec<i64> = applications::table
            .filter(applications::profile_id.eq(id))
            .select(applications::id)
            .load(c)?;
        let pairs: Vec<i64> = matches::table
            .filter(matches::profile_id.eq(id))
            .select(matches::id)
            .load(c)?;
        let starts: Vec<i64> = outcomes::table
            .filter(outcomes::profile_id.eq(id))
            .select(outcomes::id)
            .load(c)?;
        let about = |kind: &'static str, ids: Vec<i64>| {
            audit_log::subject_kind
                .eq(kind)
                .and(audit_log::subject_id.eq_any(ids))
        };
        audit_log::table
            .filter(audit_log::detail.is_not_null())
            .filter(
                about("profile", vec![id])
                    .or(about("application", apps))
                    .or(about("match", pairs))
                    .or(about("outcome", starts))
                    .or(about("job_seeker", seekers.to_vec()))
                    .or(audit_log::actor_seeker_id.eq_any(seekers.to_vec())),
            )
            .select((audit_log::id, audit_log::detail))
            .load(c)?
    }))
}

/// The redacted form of an audit detail, or None when it names nothing of
/// the person: a correction's before and after values are dropped (the
/// changed fields' names stay); any other detail holding a name or the
/// prison number is replaced whole.
fn redacted(detail: &str, who: &Identity) -> Option<String> {
    if detail.starts_with(REDACTED_PREFIX) {
        return None;
    }
    if let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(detail) {
        if let Some(serde_json::Value::Object(changed)) = fields.get("changed") {
            let names: Vec<&String> = changed.keys().collect();
            let restricted = fields
                .get("restricted_changed")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            let names = serde_json::to_string(&names).unwrap_or_else(|_| "[]".into());
            return Some(format!(
                "{REDACTED_PREFIX},\"changed\":{names},\"restricted_changed\":{restricted}}}"
            ));
        }
    }
    let lower = detail.to_lowercase();
    let names = [&who.given_name, &who.family_name, &who.reference];
    names
        .iter()
        .any(|n| !n.trim().is_empty() && lower.contains(&n.to_lowercase()))
        .then(|| format!("{REDACTED_PREFIX}}}"))
}

fn redact_audit(conn: &mut InTx, id: i64, seekers: &[i64], who: &Identity) -> StoreResult<usize> {
    let mut n = 0;
    for (row, detail) in audit_about(conn, id, seekers)? {
        let Some(new) = detail.as_deref().and_then(|d| redacted(d, who)) else {
            continue;
        };
        with_conn!(conn, |c| diesel::update(audit_log::table.find(row))
            .set(audit_log::detail.eq(Some(new)))
            .execute(c)?);
        n += 1;
    }
    Ok(n)
}

/// Queued and finished jobs (emails to officers name a person by
/// pseudonym and prison number) get the anonymised reference instead.
fn rewrite_jobs(conn: &mut InTx, id: i64, who: &Identity) -> StoreResult<usize> {
    let reference = who.reference.trim();
    if reference.is_empty() {
        return Ok(0);
    }
    let pattern = format!("%{reference}%");
    let new = anonymised_reference(id);
    let sql = match conn.tx() {
        Tx::Sqlite(_) => "UPDATE jobs SET payload = replace(payload, ?, ?) WHERE payload LIKE ?",
        Tx::Postgres(_) => {
            "UPDATE jobs SET payload = replace(payload, $1, $2) WHERE payload LIKE $3"
        }
    };
    Ok(with_conn!(conn, |c| diesel::sql_query(sql)
        .bind::<Text, _>(reference)
        .bind::<Text, _>(&new)
        .bind::<Text, _>(&pattern)
        .execute(c)?))
}

/// Whether the profile has been anonymised (NotFound when there is none).
/// Which of these people are anonymised.
pub fn anonymised_among(conn: &mut impl AsTx, ids: &[i64]) -> StoreResult<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(5_000) {
        with_conn!(conn, |c| out.extend(
            profiles::table
                .filter(profiles::id.eq_any(chunk))
                .filter(profiles::anonymised_at.is_not_null())
                .select(profiles::id)
                .load::<i64>(c)?
        ));
    }
    Ok(out)
}

pub fn is_anonymised(conn: &mut impl AsTx, id: i64) -> StoreResult<bool> {
    let at: Option<Option<NaiveDateTime>> = with_conn!(conn, |c| profiles::table
        .find(id)
        .select(profiles::anonymised_at)
        .first(c)
        .optional()?);
    at.map(|a| a.is_some()).ok_or(StoreError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who() -> Identity {
        Identity {
            given_name: "Tamsin".into(),
            family_name: "Quarrendon".into(),
            reference: "Z9876QQ".into(),
        }
    }

    #[test]
    fn a_correction_keeps_its_field_names_only() {
        let detail = r#"{"changed":{"given_name":{"before":"Tamsin","after":"Tam"},"reference":{"before":"Z9876QQ","after":"Z9876QR"}},"restricted_changed":true}"#;
        let new = redacted(detail, &who()).unwrap();
        assert!(new.starts_with(REDACTED_PREFIX));
        assert!(!new.contains("Tamsin") && !new.contains("Z9876"));
        let parsed: serde_json::Value = serde_json::from_str(&new).unwrap();
        assert_eq!(
            parsed["changed"],
            serde_json::json!(["given_name", "reference"])
        );
        assert_eq!(parsed["restricted_changed"], true);
    }

    #[test]
    fn other_details_go_only_when_they_name_the_person() {
        assert_eq!(redacted("to forwarded", &who()), None);
        assert_eq!(
            redacted("about tamsin quarrendon", &who()).as_deref(),
            Some("{\"redacted_by\":\"retention\"}")
        );
        assert_eq!(redacted("{\"redacted_by\":\"retention\"}", &who()), None);
    }
}
