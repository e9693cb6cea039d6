//! Waiting for a date: an officer watches a pair that fails only on time,
//! or stops watching it (the worker's daily pass, `jobs::schedule::watches`,
//! emails them on the day the pair becomes eligible, if the vacancy is
//! still open); and the "soon eligible" list of the officer's caseload.

use chrono::{Days, NaiveDate};

use super::matches::{eligibility, record_views, today, Viewed};
use super::profiles::Caseworker;
use super::Failure;
use crate::app::AppState;
use crate::domain::matching::assess;
use crate::domain::vacancy::VacancyStatus;
use crate::matches::Paging;
use crate::store::audit::{self, Entry};
use crate::store::watches::{self, EndReason};
use crate::store::{self, StoreError};

/// The vacancy a watch form names; asked only once the person is known to
/// be of the officer's service, so another service's person is not found
/// whatever the form holds.
fn named(vacancy_id: Option<i64>) -> Result<i64, Failure> {
    vacancy_id.ok_or_else(|| Failure::BadRequest("The form does not say which vacancy".into()))
}

/// Starts watching a person of the officer's service against a published
/// vacancy, or moves the officer's watch to the date as it is now. Refused
/// (a conflict) when the pair passes today or time alone will not make it
/// pass. Returns the day the officer will hear. Audited.
pub async fn watch(
    state: &AppState,
    officer: Caseworker,
    profile_id: i64,
    vacancy_id: Option<i64>,
) -> Result<NaiveDate, Failure> {
    Ok(watch_pair(state, officer, profile_id, vacancy_id)
        .await?
        .eligible_from)
}

/// A watch as [`watch_pair`] leaves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Watched {
    pub id: i64,
    pub eligible_from: NaiveDate,
}

/// [`watch`], answering with the watch's id as well as its day (the same id
/// when the officer already watched the pair).
pub async fn watch_pair(
    state: &AppState,
    officer: Caseworker,
    profile_id: i64,
    vacancy_id: Option<i64>,
) -> Result<Watched, Failure> {
    let taxonomy = state.taxonomy.clone();
    let Caseworker {
        actor,
        service_id,
        user_id,
    } = officer;
    super::run(&state.store, move |conn| {
        let profile = store::profiles::load_in_service(conn, profile_id, service_id, &taxonomy)?;
        let vacancy_id = named(vacancy_id)?;
        let vacancy = match store::vacancies::load(conn, vacancy_id, &taxonomy) {
            Ok(v) if v.status == VacancyStatus::Published => v,
            Ok(_) | Err(StoreError::NotFound) => return Err(Failure::NotFound),
            Err(e) => return Err(e.into()),
        };
        let day = today();
        let assessment = assess(&vacancy, &profile, day);
        if assessment.eligible() {
            return Err(Failure::Conflict(
                "This vacancy fits the person today: there is nothing to wait for".into(),
            ));
        }
        let from = eligibility(&vacancy, &profile, &assessment, day).ok_or_else(|| {
            Failure::Conflict(
                "Waiting will not make this vacancy fit: something other than a date stands in the way"
                    .into(),
            )
        })?;
        let at = store::now();
        conn.write(|tx| {
            let id = watches::watch(tx, user_id, profile_id, vacancy_id, from.date, at)?;
            audit::record(
                tx,
                &actor,
                Entry {
                    action: "match.watched",
                    subject_kind: Some("profile"),
                    subject_id: Some(profile_id),
                    detail: Some(format!(
                        "watch {id}: vacancy {vacancy_id}, eligible from {}",
                        from.date
                    )),
                },
                at,
            )?;
            Ok::<_, Failure>(Watched {
                id,
                eligible_from: from.date,
            })
        })
    })
    .await
}

/// Stops the officer's watch on a pair of their service (nothing to stop
/// is not an error: the page already says so). Audited when one stopped.
pub async fn stop(
    state: &AppState,
    officer: Caseworker,
    profile_id: i64,
    vacancy_id: Option<i64>,
) -> Result<(), Failure> {
    let taxonomy = state.taxonomy.clone();
    let Caseworker {
        actor,
        service_id,
        user_id,
    } = officer;
    super::run(&state.store, move |conn| {
        store::profiles::load_in_service(conn, profile_id, service_id, &taxonomy)?;
        let vacancy_id = named(vacancy_id)?;
        let at = store::now();
        conn.write(|tx| {
            let Some(live) = watches::live(tx, user_id, profile_id, vacancy_id)? else {
                return Ok(());
            };
            end_watch(tx, &actor, &live, at)
        })
    })
    .await
}

/// Stops one of the officer's own live watches by its id, for a person of
/// their service: anyone else's watch, or one already ended, is not found.
/// Audited as [`stop`] is.
pub async fn stop_by_id(
    state: &AppState,
    officer: Caseworker,
    watch_id: i64,
) -> Result<(), Failure> {
    let taxonomy = state.taxonomy.clone();
    let Caseworker {
        actor,
        service_id,
        user_id,
    } = officer;
    super::run(&state.store, move |conn| {
        let live = watches::live_by_id(conn, watch_id, user_id)?.ok_or(Failure::NotFound)?;
        store::profiles::load_in_service(conn, live.profile_id, service_id, &taxonomy)?;
        let at = store::now();
        conn.write(|tx| end_watch(tx, &actor, &live, at))
    })
    .await
}

/// Ends a live watch as the officer's choice, with its audit row.
fn end_watch(
    tx: &mut store::InTx<'_>,
    actor: &audit::Actor,
    live: &watches::Watch,
    at: chrono::NaiveDateTime,
) -> Result<(), Failure> {
    watches::end(tx, live.id, EndReason::Cancelled, at)?;
    audit::record(
        tx,
        actor,
        Entry {
            action: "match.unwatched",
            subject_kind: Some("profile"),
            subject_id: Some(live.profile_id),
            detail: Some(format!("watch {}: vacancy {}", live.id, live.vacancy_id)),
        },
        at,
    )?;
    Ok(())
}

/// How far ahead the "soon eligible" list looks: 12 weeks.
pub const SOON_DAYS: u64 = 12 * 7;

/// One pair of the "soon eligible" list.
pub struct SoonLine {
    pub profile_id: i64,
    pub name: String,
    pub reference: String,
    pub vacancy_id: i64,
    pub title: String,
    pub employer: String,
    pub eligible_from: NaiveDate,
    /// "Eligible from 14 March 2027, when the curfew ends".
    pub text: String,
}

/// One page of the "soon eligible" list, with the size of the whole list.
pub struct SoonPage {
    pub lines: Vec<SoonLine>,
    pub total: usize,
    pub paging: Paging,
    /// The last day the list looks at.
    pub until: NaiveDate,
}

/// Every pair of the people assigned to the officer that is not eligible
/// today and becomes eligible within [`SOON_DAYS`], soonest first (then by
/// person and vacancy, a stable order for paging), a page at a time with
/// the total. Each person shown whose line names a licence condition gets
/// a restricted-view audit row, as in a vacancy's candidate list.
pub async fn soon_eligible(
    state: &AppState,
    officer: Caseworker,
    paging: Paging,
) -> Result<SoonPage, Failure> {
    let Caseworker {
        actor,
        service_id,
        user_id,
    } = officer;
    let ids = super::run(&state.store, move |c| {
        watches::caseload(c, service_id, user_id).map_err(Failure::from)
    })
    .await?;
    let day = today();
    let until = day + Days::new(SOON_DAYS);
    let mut found = state
        .matcher
        .soon_eligible(&ids, day, until)
        .await
        .map_err(|e| Failure::Internal(e.to_string()))?;
    // The scope again, so the list can never show another service's pair.
    found.retain(|(p, _, _)| p.service_id == service_id);
    found.sort_by_key(|(p, v, from)| (from.date, p.id, v.id));
    let total = found.len();
    let start = paging.offset().min(total);
    let end = start.saturating_add(paging.per_page).min(total);
    let shown: Vec<_> = found.drain(start..end).collect();
    let vacancy_ids: Vec<i64> = shown.iter().map(|(_, v, _)| v.id).collect();
    let mut views: Vec<Viewed> = Vec::new();
    for (p, _, from) in &shown {
        if from.is_restricted() && !views.iter().any(|v| v.subject_id() == p.id) {
            views.push(Viewed::profile(p.id, true, "soon eligible list".into()));
        }
    }
    let titles = super::run(&state.store, move |c| {
        record_views(c, &actor, views)?;
        Ok::<_, Failure>(store::caseload::vacancy_titles(c, &vacancy_ids)?)
    })
    .await?;
    let t = &state.taxonomy;
    let lines = shown
        .into_iter()
        .map(|(p, v, from)| {
            let (title, employer) = titles
                .iter()
                .find(|(id, _, _)| *id == v.id)
                .map(|(_, title, employer)| (title.clone(), employer.clone()))
                .unwrap_or_default();
            let d = &p.details;
            SoonLine {
                profile_id: p.id,
                name: format!("{} {}", d.given_name(), d.family_name()),
                reference: d.reference().to_owned(),
                vacancy_id: v.id,
                title,
                employer,
                eligible_from: from.date,
                text: from.describe(t),
            }
        })
        .collect();
    Ok(SoonPage {
        lines,
        total,
        paging,
        until,
    })
}
