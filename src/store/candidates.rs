//! What an employer may know about a person whose application was forwarded
//! to them: a pseudonym (the name only with consent), skills, certificates,
//! the release date and the case officer's contact. The queries select only
//! these columns, so offence categories, licence conditions and barred flags
//! never reach an employer's handler.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{profile_certificates, profile_skills, profiles, users};
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

type HeadRow = (String, String, String, NaiveDate, Option<i64>);

/// The card for one profile; `share_name` comes from the application.
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
    let (pseudonym, given, family, available_from, officer_id) =
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
        name: share_name.then(|| format!("{given} {family}")),
        available_from,
        skills,
        certificates,
        officer,
    })
}
