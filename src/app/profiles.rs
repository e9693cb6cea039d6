//! A person's profile, kept by the case officers of their service: reading
//! it (every read audited), creating and changing it (the matcher's job and
//! an audit row commit with the change), the restricted sections, putting a
//! person on an officer's caseload, and issuing a sign-in code and PIN.

use chrono::NaiveDateTime;
use rand::Rng;

use super::Failure;
use crate::app::AppState;
use crate::domain::profile::{Profile, ProfileDetails};
use crate::domain::skills::Taxonomy;
use crate::domain::FieldErrors;
use crate::store::applications::Application;
use crate::store::audit::{self, Actor, Entry};
use crate::store::outcomes::Outcome;
use crate::store::{self, AsTx, InTx, StoreError};

/// The case officer a use case acts for: who to audit, the service whose
/// people they may see, and their own user id.
#[derive(Clone, Debug)]
pub struct Caseworker {
    pub actor: Actor,
    pub service_id: i64,
    pub user_id: i64,
}

/// One audit row about a person.
pub(crate) fn audit_profile(
    conn: &mut impl AsTx,
    actor: &Actor,
    action: &'static str,
    id: i64,
    detail: Option<String>,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    audit::record(
        conn,
        actor,
        Entry {
            action,
            subject_kind: Some("profile"),
            subject_id: Some(id),
            detail,
        },
        at,
    )
}

/// The officer's home: the service's name and the caseload's counts.
pub async fn home(
    state: &AppState,
    service_id: i64,
    user_id: i64,
) -> Result<(String, store::caseload::Counts), Failure> {
    super::run(&state.store, move |c| {
        let service = store::reports::service_name(c, service_id)?.ok_or(Failure::NotFound)?;
        let today = chrono::Utc::now().date_naive();
        let counts = store::caseload::counts(c, service_id, user_id, today)?;
        Ok((service, counts))
    })
    .await
}

/// One page of the service's people, filtered and sorted in the database.
pub async fn caseload(
    state: &AppState,
    filter: store::caseload::Filter,
    page: i64,
) -> Result<store::caseload::Page, Failure> {
    super::run(&state.store, move |c| {
        Ok(store::caseload::page(c, &filter, page)?)
    })
    .await
}

/// A person's record as the profile page shows it.
pub struct ProfileRecord {
    pub profile: Profile,
    /// When the sign-in code was issued, and when the account locked.
    pub access: Option<(NaiveDateTime, Option<NaiveDateTime>)>,
    pub applications: Vec<Application>,
    /// (vacancy id, title, employer) of each application.
    pub titles: Vec<(i64, String, String)>,
    pub outcomes: Vec<Outcome>,
}

/// A person of the officer's service, with their applications and
/// outcomes, without the restricted sections. Audited.
pub async fn view(
    state: &AppState,
    officer: Caseworker,
    id: i64,
) -> Result<ProfileRecord, Failure> {
    let taxonomy = state.taxonomy.clone();
    super::run(&state.store, move |conn| {
        let profile = load_and_audit(conn, &officer, id, &taxonomy, "profile.viewed", None)?;
        let access = store::caseload::seeker_status(conn, id)?;
        let applications = store::applications::for_profile(conn, id)?;
        let ids: Vec<i64> = applications.iter().map(|a| a.vacancy_id).collect();
        let titles = store::caseload::vacancy_titles(conn, &ids)?;
        let outcomes = store::outcomes::for_profile(conn, id)?;
        Ok(ProfileRecord {
            profile,
            access,
            applications,
            titles,
            outcomes,
        })
    })
    .await
}

/// A person of the officer's service for the editor (no restricted
/// section is shown there). Audited as a view.
pub async fn view_for_editor(
    state: &AppState,
    officer: Caseworker,
    id: i64,
) -> Result<Profile, Failure> {
    load_audited(state, officer, id, "profile.viewed", "editor").await
}

/// A person of the officer's service with the offence, licence and barred
/// sections: every view is audited as restricted, saying what for.
pub async fn view_restricted(
    state: &AppState,
    officer: Caseworker,
    id: i64,
    detail: &'static str,
) -> Result<Profile, Failure> {
    load_audited(state, officer, id, "profile.restricted_viewed", detail).await
}

async fn load_audited(
    state: &AppState,
    officer: Caseworker,
    id: i64,
    action: &'static str,
    detail: &'static str,
) -> Result<Profile, Failure> {
    let taxonomy = state.taxonomy.clone();
    super::run(&state.store, move |conn| {
        let detail = Some(detail.into());
        load_and_audit(conn, &officer, id, &taxonomy, action, detail)
    })
    .await
}

/// A person of the officer's service, with the audit row of the read.
fn load_and_audit(
    conn: &mut impl AsTx,
    officer: &Caseworker,
    id: i64,
    taxonomy: &Taxonomy,
    action: &'static str,
    detail: Option<String>,
) -> Result<Profile, Failure> {
    let profile = store::profiles::load_in_service(conn, id, officer.service_id, taxonomy)?;
    audit_profile(conn, &officer.actor, action, id, detail, store::now())?;
    Ok(profile)
}

/// A person of the service as stored, to apply a change to (not audited:
/// nothing of it is shown).
pub async fn current(state: &AppState, service_id: i64, id: i64) -> Result<Profile, Failure> {
    let taxonomy = state.taxonomy.clone();
    super::run(&state.store, move |c| {
        Ok(store::profiles::load_in_service(
            c, id, service_id, &taxonomy,
        )?)
    })
    .await
}

pub(crate) fn new_pseudonym() -> String {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::from_entropy();
    let n: u64 = rng.gen_range(10_000..100_000_000);
    crate::seed::generator::pseudonym(&mut rng, n)
}

/// Saving failed on a rule the database keeps (the reference is taken).
fn reference_taken(e: StoreError) -> Failure {
    match e {
        StoreError::Conflict(m) if m.contains("reference") => {
            Failure::Invalid(FieldErrors::single(
                "reference",
                "Another person in this service already has this prison number",
            ))
        }
        other => other.into(),
    }
}

/// A new person on the officer's own caseload, matched at once. Answers
/// the new profile's id; a prison number already in the service is an
/// invalid `reference`.
pub async fn create(
    state: &AppState,
    officer: Caseworker,
    details: ProfileDetails,
) -> Result<i64, Failure> {
    super::run(&state.store, move |conn| {
        let at = store::now();
        conn.write(|tx| {
            let id = store::profiles::insert(
                tx,
                officer.service_id,
                Some(officer.user_id),
                &new_pseudonym(),
                &details,
                at,
            )?;
            crate::matches::profile_changed(tx, id, at)?;
            audit_profile(tx, &officer.actor, "profile.created", id, None, at)?;
            Ok::<_, StoreError>(id)
        })
        .map_err(reference_taken)
    })
    .await
}

/// New details for a profile of the officer's service, with the matcher's
/// job and an audit row, in one transaction.
fn save(
    tx: &mut InTx<'_>,
    officer: &Caseworker,
    id: i64,
    details: &ProfileDetails,
    action: &'static str,
) -> Result<(), StoreError> {
    let at = store::now();
    store::profiles::update(tx, id, officer.service_id, details, at)?;
    crate::matches::profile_changed(tx, id, at)?;
    audit_profile(tx, &officer.actor, action, id, None, at)
}

/// The officer's changes to a profile (the general editor). A prison
/// number already in the service is an invalid `reference`.
pub async fn update(
    state: &AppState,
    officer: Caseworker,
    id: i64,
    details: ProfileDetails,
) -> Result<(), Failure> {
    let action = "profile.updated";
    save_in_tx(state, officer, id, details, action, reference_taken).await
}

/// The officer's changes to the offence, licence and barred sections.
pub async fn update_restricted(
    state: &AppState,
    officer: Caseworker,
    id: i64,
    details: ProfileDetails,
) -> Result<(), Failure> {
    let action = "profile.restricted_updated";
    save_in_tx(state, officer, id, details, action, Failure::from).await
}

/// [`save`] in a transaction of its own; `failed` says what a store error
/// means to the officer.
async fn save_in_tx(
    state: &AppState,
    officer: Caseworker,
    id: i64,
    details: ProfileDetails,
    action: &'static str,
    failed: fn(StoreError) -> Failure,
) -> Result<(), Failure> {
    super::run(&state.store, move |conn| {
        conn.write(|tx| save(tx, &officer, id, &details, action))
            .map_err(failed)
    })
    .await
}

/// Puts the person on the signed-in officer's own caseload.
pub async fn assign_to_me(state: &AppState, officer: Caseworker, id: i64) -> Result<(), Failure> {
    super::run(&state.store, move |conn| {
        let at = store::now();
        conn.write(|tx| {
            store::caseload::assign(tx, id, officer.service_id, officer.user_id, at)?;
            let detail = format!("to officer {}", officer.user_id);
            audit_profile(tx, &officer.actor, "profile.assigned", id, Some(detail), at)?;
            Ok::<_, Failure>(())
        })
    })
    .await
}

/// A sign-in slip's contents: shown once, never stored in the clear.
pub struct Slip {
    pub given_name: String,
    pub login_code: String,
    pub pin: String,
    /// A new PIN for an existing code (which also unlocks the account and
    /// ends its sessions), rather than a first code.
    pub reset: bool,
}

fn new_pin() -> String {
    let mut rng = rand::thread_rng();
    (0..6)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

/// Issues a login code and a new PIN for a person of the officer's
/// service, or a new PIN for the existing code. Audited; only the PIN's
/// hash is stored.
pub async fn issue_access(state: &AppState, officer: Caseworker, id: i64) -> Result<Slip, Failure> {
    let pin = new_pin();
    let pin_hash = state.hashing.hash(pin.clone()).await?;
    let taxonomy = state.taxonomy.clone();
    let (given_name, login_code, reset) = super::run(&state.store, move |conn| {
        let profile = store::profiles::load_in_service(conn, id, officer.service_id, &taxonomy)?;
        let at = store::now();
        conn.write(|tx| {
            let existed = store::caseload::seeker_status(tx, id)?.is_some();
            let (seeker_id, code) =
                store::access::issue_seeker_access(tx, id, &pin_hash, Some(officer.user_id), at)?;
            let action = if existed {
                "seeker.pin_reset"
            } else {
                "seeker.access_issued"
            };
            let detail = format!("job seeker {seeker_id}");
            audit_profile(tx, &officer.actor, action, id, Some(detail), at)?;
            Ok::<_, Failure>((profile.details.given_name().to_string(), code, existed))
        })
    })
    .await?;
    Ok(Slip {
        given_name,
        login_code,
        pin,
        reset,
    })
}
