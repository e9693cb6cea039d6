//! What an employer may know about a person whose application was forwarded
//! to them: a pseudonym (the name only with consent), skills, certificates,
//! the release date and the case officer's contact. The queries select only
//! these columns, so offence categories, licence conditions and barred flags
//! never reach an employer's handler. Once an application has ended for
//! the employer (`domain::application::ended_for_employer`) only the
//! pseudonym is read ([`pseudonym`]), with the dates of the timeline that
//! decide it ([`employer_dates`]).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{application_events, profile_certificates, profile_skills, profiles, users};
use super::{AsTx, StoreError, StoreResult};
use crate::with_conn;

/// A pseudonymous candidate card.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Candidate {
    pub pseudonym: String,
    /// Only when the person agreed to share it on this application.
    pub name: Option<String>,
    pub available_from: NaiveDate,
    pub skills: Vec<String>,
    pub certificates: Vec<String>,
    pub officer: Option<OfficerContact>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct OfficerContact {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

type HeadRow = (String, String, String, NaiveDate, Option<i64>, bool);

/// The card for one profile; `share_name` comes from the application. The
/// name is shown only when the person agreed on this application and their
/// profile still records their consent to share it.
pub fn card(conn: &mut impl AsTx, profile_id: i64, share_name: bool) -> StoreResult<Candidate> {
    let (head, skills, certificates) = with_conn!(conn, |c| {
        let head: Option<HeadRow> = profiles::table
            .find(profile_id)
            .select((
                profiles::pseudonym,
                profiles::given_name,
                profiles::family_name,
                profiles::release_date,
                profiles::officer_id,
                profiles::consent_to_share_name,
            ))
            .first(c)
            .optional()?;
        let skills: Vec<String> = profile_skills::table
            .filter(profile_skills::profile_id.eq(profile_id))
            .order(profile_skills::skill_slug)
            .select(profile_skills::skill_slug)
            .load(c)?;
        let certificates: Vec<String> = profile_certificates::table
            .filter(profile_certificates::profile_id.eq(profile_id))
            .order(profile_certificates::certificate_slug)
            .select(profile_certificates::certificate_slug)
            .load(c)?;
        (head, skills, certificates)
    });
    let (pseudonym, given, family, available_from, officer_id, consent) =
        head.ok_or(StoreError::NotFound)?;
    let officer = match officer_id {
        Some(id) => with_conn!(conn, |c| users::table
            .filter(users::id.eq(id))
            .filter(users::disabled_at.is_null())
            .select((users::display_name, users::email, users::phone))
            .first::<(String, String, Option<String>)>(c)
            .optional()?)
        .map(|(name, email, phone)| OfficerContact { name, email, phone }),
        None => None,
    };
    Ok(Candidate {
        pseudonym,
        name: (share_name && consent).then(|| format!("{given} {family}")),
        available_from,
        skills,
        certificates,
        officer,
    })
}

/// Only the pseudonym of a profile: what an employer still sees of a
/// person once their application has ended.
pub fn pseudonym(conn: &mut impl AsTx, profile_id: i64) -> StoreResult<String> {
    let found: Option<String> = with_conn!(conn, |c| profiles::table
        .find(profile_id)
        .select(profiles::pseudonym)
        .first(c)
        .optional()?);
    found.ok_or(StoreError::NotFound)
}

/// The dates of an application's timeline an employer's view depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmployerDates {
    /// When it was first forwarded to the employer (None: never).
    pub forwarded_at: Option<NaiveDateTime>,
    /// When it reached the status it has now (its last move).
    pub status_since: Option<NaiveDateTime>,
}

/// [`EmployerDates`] of one application, from its timeline.
pub fn employer_dates(conn: &mut impl AsTx, application_id: i64) -> StoreResult<EmployerDates> {
    let moves: Vec<(String, NaiveDateTime)> = with_conn!(conn, |c| application_events::table
        .filter(application_events::application_id.eq(application_id))
        .order((application_events::at, application_events::id))
        .select((application_events::to_status, application_events::at))
        .load(c)?);
    let forwarded = crate::domain::application::ApplicationStatus::Forwarded.as_str();
    Ok(EmployerDates {
        forwarded_at: moves
            .iter()
            .find(|(s, _)| s == forwarded)
            .map(|(_, at)| *at),
        status_since: moves.last().map(|(_, at)| *at),
    })
}
