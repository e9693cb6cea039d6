//! What the job seeker reads, on a terminal page or through the terminal
//! API (both call these): their profile, a vacancy they may see, their
//! approved matches, applications and drafts. Only vacancies the person is
//! eligible for today are ever shown; any other id is simply not found.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

use crate::app::applications::seeker::SeekerError;
use crate::app::AppState;
use crate::domain::application::MatchStatus;
use crate::domain::matching::{assess, Assessment};
use crate::domain::profile::Profile;
use crate::domain::vacancy::Vacancy;
use crate::store::applications::{self as apps, Application};
use crate::store::{self, StoreError};

pub fn today() -> NaiveDate {
    store::now().date()
}

/// The person's profile as stored now (through the matcher's in-memory
/// copies, which follow the change feed).
pub async fn load_profile(state: &AppState, profile_id: i64) -> Result<Arc<Profile>, SeekerError> {
    state
        .matcher
        .profile(profile_id)
        .await?
        .ok_or(SeekerError::NotFound)
}

/// A vacancy the person is eligible for today, with its assessment; any
/// other id is simply not found.
pub async fn eligible_vacancy(
    state: &AppState,
    profile: &Profile,
    vacancy_id: i64,
) -> Result<(Vacancy, Assessment, String), SeekerError> {
    let taxonomy = state.taxonomy.clone();
    let (vacancy, employer) = state
        .store
        .run(move |c| {
            let vacancy = store::vacancies::load(c, vacancy_id, &taxonomy)?;
            let employer = store::seekers::employer_name(c, vacancy.employer_id)?;
            Ok((vacancy, employer))
        })
        .await?;
    let assessment = assess(&vacancy, profile, today());
    if !assessment.eligible() {
        return Err(SeekerError::NotFound);
    }
    Ok((vacancy, assessment, employer))
}

/// The person's application for a vacancy, if any, and their draft.
pub async fn application_and_draft(
    state: &AppState,
    profile_id: i64,
    vacancy_id: i64,
) -> Result<(Option<Application>, Option<String>), SeekerError> {
    Ok(state
        .store
        .run(move |c| {
            Ok((
                apps::find(c, profile_id, vacancy_id)?,
                apps::load_draft(c, profile_id, vacancy_id)?,
            ))
        })
        .await?)
}

/// The approved matches that still hold, best first (score, then id).
pub async fn approved_matches(
    state: &AppState,
    profile: &Profile,
) -> Result<Vec<(Vacancy, Assessment)>, SeekerError> {
    let (profile_id, taxonomy) = (profile.id, state.taxonomy.clone());
    let vacancies = state
        .store
        .run(move |c| {
            let records =
                store::matches::records_for_profile(c, profile_id, &[MatchStatus::Approved])?;
            let ids: Vec<i64> = records.iter().map(|r| r.vacancy_id).collect();
            store::vacancies::load_many(c, &ids, &taxonomy)
        })
        .await?;
    let today = today();
    let mut found: Vec<(Vacancy, Assessment)> = vacancies
        .into_iter()
        .filter_map(|v| {
            let a = assess(&v, profile, today);
            a.eligible().then_some((v, a))
        })
        .collect();
    found.sort_by(|(va, a), (vb, b)| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(va.id.cmp(&vb.id))
    });
    Ok(found)
}

/// The name of each employer asked for, by id, in one query (a listing's
/// title comes from the vacancy already in memory; only the employer's
/// name is read, from the small employers table).
pub async fn employer_names(
    state: &AppState,
    ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    state
        .store
        .run(move |c| store::caseload::employer_names(c, &ids))
        .await
}

/// The person's applications, newest first, with their vacancies.
pub async fn applications_with_vacancies(
    state: &AppState,
    profile_id: i64,
) -> Result<(Vec<Application>, Vec<Vacancy>), SeekerError> {
    let taxonomy = state.taxonomy.clone();
    Ok(state
        .store
        .run(move |c| {
            let list = apps::for_profile(c, profile_id)?;
            let ids: Vec<i64> = list.iter().map(|a| a.vacancy_id).collect();
            Ok((list, store::vacancies::load_many(c, &ids, &taxonomy)?))
        })
        .await?)
}

/// The person's application for one vacancy (not found when there is
/// none), with the vacancy when it still exists.
pub async fn application_with_vacancy(
    state: &AppState,
    profile_id: i64,
    vacancy_id: i64,
) -> Result<(Application, Option<Vacancy>), SeekerError> {
    let taxonomy = state.taxonomy.clone();
    let (application, vacancy) = state
        .store
        .run(move |c| {
            let application = apps::find(c, profile_id, vacancy_id)?;
            let vacancy = store::vacancies::load_many(c, &[vacancy_id], &taxonomy)?.pop();
            Ok((application, vacancy))
        })
        .await?;
    Ok((application.ok_or(SeekerError::NotFound)?, vacancy))
}

/// The person's unsent statements (vacancy id, when saved), newest first,
/// with their vacancies.
pub async fn drafts_with_vacancies(
    state: &AppState,
    profile_id: i64,
) -> Result<(Vec<(i64, NaiveDateTime)>, Vec<Vacancy>), SeekerError> {
    let taxonomy = state.taxonomy.clone();
    Ok(state
        .store
        .run(move |c| {
            let drafts = apps::drafts_for_profile(c, profile_id)?;
            let ids: Vec<i64> = drafts.iter().map(|(id, _)| *id).collect();
            Ok((drafts, store::vacancies::load_many(c, &ids, &taxonomy)?))
        })
        .await?)
}
