//! The CV use cases: the person reads and writes their own words on a
//! terminal; their officer reads the CV on the profile page, writes
//! suggestions (audited as a profile change) and prints it as a PDF
//! (audited as a view); a CV chosen for an application is kept with it as
//! it was then; the officer and the employer read the one sent.
//!
//! A CV never holds or shows the offence, licence or barred sections:
//! `domain::cv::Snapshot` is built from the parts a CV shows only.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::applications::employer::{Carded, Shown};
use super::applications::seeker::SeekerError;
use super::profiles::{audit_profile, Caseworker, Exporter};
use super::{AppState, Failure};
use crate::domain::cv::{Cv, OwnWords, Section, Snapshot, Suggestions};
use crate::domain::profile::Profile;
use crate::domain::skills::Taxonomy;
use crate::store::{self, AsTx, StoreError};

/// The person's CV and the CV as it reads today (their words with the
/// parts from their record).
pub async fn for_seeker(
    state: &AppState,
    profile_id: i64,
) -> Result<(Profile, Cv, Snapshot), SeekerError> {
    let taxonomy = state.taxonomy.clone();
    Ok(state
        .store
        .run(move |c| {
            let profile = store::profiles::load(c, profile_id, &taxonomy)?;
            let cv = store::cvs::load(c, profile_id)?;
            let snapshot = Snapshot::of(&cv.words, &profile.details, &taxonomy, today());
            Ok::<_, StoreError>((profile, cv, snapshot))
        })
        .await?)
}

/// Keeps the person's words (checked by the caller) as their draft.
pub async fn save_words(
    state: &AppState,
    profile_id: i64,
    words: OwnWords,
) -> Result<(), SeekerError> {
    Ok(state
        .store
        .run(move |c| c.write(|tx| store::cvs::save_words(tx, profile_id, &words, store::now())))
        .await?)
}

fn today() -> chrono::NaiveDate {
    store::now().date()
}

/// What the officer's profile page shows of the CV.
pub struct ForOfficer {
    pub cv: Cv,
    pub snapshot: Snapshot,
    /// The name of the officer who last wrote suggestions.
    pub suggested_by: Option<String>,
}

/// The CV of a person of the officer's service (the service is in the
/// query), for the profile page, whose own read is audited already.
pub async fn for_officer(
    state: &AppState,
    service_id: i64,
    id: i64,
) -> Result<ForOfficer, Failure> {
    let taxonomy = state.taxonomy.clone();
    super::run(&state.store, move |c| {
        let profile = store::profiles::load_in_service(c, id, service_id, &taxonomy)?;
        let cv = store::cvs::load(c, id)?;
        let snapshot = Snapshot::of(&cv.words, &profile.details, &taxonomy, today());
        let suggested_by = match cv.suggested_by {
            Some(user) => store::cvs::staff_name(c, user)?,
            None => None,
        };
        Ok(ForOfficer {
            cv,
            snapshot,
            suggested_by,
        })
    })
    .await
}

/// The officer's suggestions for a person of their service, replacing the
/// last ones, with an audit row naming the parts changed (never their
/// words), in one transaction.
pub async fn suggest(
    state: &AppState,
    officer: Caseworker,
    id: i64,
    suggestions: Suggestions,
) -> Result<(), Failure> {
    let taxonomy = state.taxonomy.clone();
    super::write(&state.store, move |tx| {
        store::profiles::load_in_service(tx, id, officer.service_id, &taxonomy)?;
        let before = store::cvs::load(tx, id)?.suggestions;
        let at = store::now();
        store::cvs::save_suggestions(tx, id, &suggestions, officer.user_id, at)?;
        let changed: Vec<&str> = Section::ALL
            .iter()
            .filter(|s| before.of(**s) != suggestions.of(**s))
            .map(|s| s.as_str())
            .collect();
        let detail = serde_json::json!({ "cv_suggestions": changed }).to_string();
        audit_profile(
            tx,
            &officer.actor,
            "profile.cv_suggested",
            id,
            Some(detail),
            at,
        )?;
        Ok(())
    })
    .await
}

/// The person's name and CV for the printed PDF: an officer reaches only
/// their service's people (the service is in the query), an administrator
/// anyone. Audited as a view of the profile.
pub async fn for_pdf(
    state: &AppState,
    who: Exporter,
    id: i64,
) -> Result<(String, Snapshot), Failure> {
    let taxonomy = state.taxonomy.clone();
    super::write(&state.store, move |tx| {
        let (profile, actor) = match &who {
            Exporter::Officer(officer) => (
                store::profiles::load_in_service(tx, id, officer.service_id, &taxonomy)?,
                &officer.actor,
            ),
            Exporter::Admin(actor) => (store::profiles::load(tx, id, &taxonomy)?, actor),
        };
        let cv = store::cvs::load(tx, id)?;
        let snapshot = Snapshot::of(&cv.words, &profile.details, &taxonomy, today());
        let at = store::now();
        audit_profile(tx, actor, "profile.viewed", id, Some("CV PDF".into()), at)?;
        let d = &profile.details;
        Ok((format!("{} {}", d.given_name(), d.family_name()), snapshot))
    })
    .await
}

/// Keeps the person's CV as it reads now with their application, in the
/// caller's transaction. Nothing is kept when the person has not written
/// enough for it to be worth sending.
pub fn attach_in_tx(
    conn: &mut impl AsTx,
    taxonomy: &Taxonomy,
    profile_id: i64,
    application_id: i64,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let cv = store::cvs::load(conn, profile_id)?;
    if !cv.words.worth_sending() {
        return Ok(false);
    }
    let profile = store::profiles::load(conn, profile_id, taxonomy)?;
    let snapshot = Snapshot::of(&cv.words, &profile.details, taxonomy, at.date());
    store::cvs::attach(conn, application_id, &snapshot, at)?;
    Ok(true)
}

/// The CV sent with one application of the officer's service (the
/// service is in the query), if one was.
pub async fn sent_with(
    state: &AppState,
    service_id: i64,
    application_id: i64,
) -> Result<Option<Snapshot>, Failure> {
    super::run(&state.store, move |c| {
        if store::applications::load_in_service(c, application_id, service_id)?.is_none() {
            return Err(Failure::NotFound);
        }
        Ok(store::cvs::attached(c, application_id)?)
    })
    .await
}

/// The CVs sent with the applications an employer sees as full cards
/// (none for an application that has ended for the employer), by
/// application id. `rows` have passed the employer's checks already.
pub fn for_cards<'a>(
    conn: &mut impl AsTx,
    rows: impl IntoIterator<Item = (&'a crate::store::applications::Application, &'a Shown)>,
) -> Result<HashMap<i64, Snapshot>, Failure> {
    let ids: Vec<i64> = rows
        .into_iter()
        .filter(|(_, shown)| matches!(shown, Shown::Card(_)))
        .map(|(a, _)| a.id)
        .collect();
    Ok(store::cvs::attached_to(conn, &ids)?)
}

/// [`for_cards`] over carded rows.
pub fn for_carded(
    conn: &mut impl AsTx,
    rows: &[Carded],
) -> Result<HashMap<i64, Snapshot>, Failure> {
    for_cards(conn, rows.iter().map(|(a, s)| (a, s)))
}
