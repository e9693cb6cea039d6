//! A person's profile, kept by the case officers of their service: reading
//! it (every read audited), creating and changing it (the matcher's job and
//! an audit row commit with the change), the restricted sections, putting a
//! person on an officer's caseload, and issuing a sign-in code and PIN.

use chrono::NaiveDateTime;
use rand::Rng;

use super::Failure;
use crate::app::AppState;
use crate::domain::access_purpose::{Purpose, Recorded};
use crate::domain::profile::{
    rectification, Profile, ProfileDetails, ProfileInput, RestrictedInput,
};
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

/// Who reads or writes a service's profiles: an officer of the service,
/// or an integration token of it (the profile API).
#[derive(Clone, Debug)]
pub struct ProfileActor {
    pub actor: Actor,
    pub service_id: i64,
    /// The officer (a new profile joins their caseload); None for an
    /// integration token.
    pub officer_id: Option<i64>,
}

impl From<Caseworker> for ProfileActor {
    fn from(officer: Caseworker) -> Self {
        Self {
            actor: officer.actor,
            service_id: officer.service_id,
            officer_id: Some(officer.user_id),
        }
    }
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
    let officer = ProfileActor::from(officer);
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
/// sections: every view is audited as restricted, saying what was shown
/// and why (`purpose`).
pub async fn view_restricted(
    state: &AppState,
    officer: impl Into<ProfileActor>,
    id: i64,
    detail: &'static str,
    purpose: &Recorded,
) -> Result<Profile, Failure> {
    let taxonomy = state.taxonomy.clone();
    let (officer, detail) = (officer.into(), Some(purpose.audit_detail(Some(detail))));
    super::run(&state.store, move |conn| {
        let action = "profile.restricted_viewed";
        load_and_audit(conn, &officer, id, &taxonomy, action, detail)
    })
    .await
}

/// The purpose this staff session gave for this person's restricted
/// sections, if any (nothing is read of the person).
pub async fn session_purpose(
    state: &AppState,
    session_id: i64,
    id: i64,
) -> Result<Option<Purpose>, Failure> {
    super::run(&state.store, move |c| {
        Ok(store::purposes::find(c, session_id, id)?)
    })
    .await
}

/// Remembers why the officer opens this person's restricted sections, for
/// this session; another service's person is not found.
pub async fn give_purpose(
    state: &AppState,
    officer: Caseworker,
    session_id: i64,
    id: i64,
    purpose: Purpose,
) -> Result<(), Failure> {
    let taxonomy = state.taxonomy.clone();
    super::write(&state.store, move |tx| {
        store::profiles::load_in_service(tx, id, officer.service_id, &taxonomy)?;
        store::purposes::remember(tx, session_id, id, &purpose, store::now())?;
        Ok(())
    })
    .await
}

/// The name of a person of the officer's service, for the question of
/// why they open the restricted sections. Audited as a view.
pub async fn name_for_purpose(
    state: &AppState,
    officer: Caseworker,
    id: i64,
) -> Result<String, Failure> {
    let profile = load_audited(state, officer, id, "profile.viewed", "purpose question").await?;
    let d = &profile.details;
    Ok(format!("{} {}", d.given_name(), d.family_name()))
}

/// Who answers a subject access request: an officer, for a person of
/// their service, or an administrator, for anyone.
#[derive(Clone, Debug)]
pub enum Exporter {
    Officer(ProfileActor),
    Admin(Actor),
}

impl From<Caseworker> for Exporter {
    fn from(officer: Caseworker) -> Self {
        Self::Officer(officer.into())
    }
}

/// Everything held about a person, for a subject access request: every row
/// that refers to them and the audit entries about them (secrets left out).
/// An officer reaches only their service's people (the service is in the
/// query). The export is audited, as restricted: it holds the offence,
/// licence and barred sections.
pub async fn export(
    state: &AppState,
    who: impl Into<Exporter>,
    id: i64,
) -> Result<store::export::Held, Failure> {
    let (who, taxonomy) = (who.into(), state.taxonomy.clone());
    super::write(&state.store, move |tx| {
        let actor = match &who {
            Exporter::Officer(officer) => {
                store::profiles::load_in_service(tx, id, officer.service_id, &taxonomy)?;
                &officer.actor
            }
            Exporter::Admin(actor) => {
                store::profiles::load(tx, id, &taxonomy)?;
                actor
            }
        };
        let at = store::now();
        audit_profile(tx, actor, "profile.exported", id, None, at)?;
        Ok(store::export::person(tx, id)?)
    })
    .await
}

async fn load_audited(
    state: &AppState,
    officer: impl Into<ProfileActor>,
    id: i64,
    action: &'static str,
    detail: &'static str,
) -> Result<Profile, Failure> {
    let taxonomy = state.taxonomy.clone();
    let officer = officer.into();
    super::run(&state.store, move |conn| {
        let detail = Some(detail.into());
        load_and_audit(conn, &officer, id, &taxonomy, action, detail)
    })
    .await
}

/// A person of the officer's service, with the audit row of the read.
fn load_and_audit(
    conn: &mut impl AsTx,
    officer: &ProfileActor,
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
    officer: impl Into<ProfileActor>,
    details: ProfileDetails,
) -> Result<i64, Failure> {
    let officer = officer.into();
    super::run(&state.store, move |conn| {
        conn.write(|tx| insert(tx, &officer, &details))
            .map_err(reference_taken)
    })
    .await
}

/// A new person of the actor's service (on the officer's caseload), with
/// the matcher's job and an audit row.
fn insert(
    tx: &mut InTx<'_>,
    officer: &ProfileActor,
    details: &ProfileDetails,
) -> Result<i64, StoreError> {
    let at = store::now();
    let (service, pseudonym) = (officer.service_id, new_pseudonym());
    let id = store::profiles::insert(tx, service, officer.officer_id, &pseudonym, details, at)?;
    crate::matches::profile_changed(tx, id, at)?;
    audit_profile(tx, &officer.actor, "profile.created", id, None, at)?;
    Ok(id)
}

/// New details for a profile of the officer's service, with the matcher's
/// job and an audit row, in one transaction.
/// Replaces a profile's details with the matcher's job and an audit row
/// that keeps what was corrected (`domain::profile::rectification`).
fn save(
    tx: &mut InTx<'_>,
    officer: &ProfileActor,
    id: i64,
    (details, purpose): (&ProfileDetails, Option<&Recorded>),
    action: &'static str,
    taxonomy: &Taxonomy,
) -> Result<(), StoreError> {
    let at = store::now();
    let before = store::profiles::load(tx, id, taxonomy)?;
    store::profiles::update(tx, id, officer.service_id, details, at)?;
    crate::matches::profile_changed(tx, id, at)?;
    let detail = rectification(&before.details, details);
    let detail = match purpose {
        Some(p) => Some(p.audit_detail(detail.as_deref())),
        None => detail,
    };
    audit_profile(tx, &officer.actor, action, id, detail, at)
}

/// The officer's changes to a profile (the general editor). A prison
/// number already in the service is an invalid `reference`.
pub async fn update(
    state: &AppState,
    officer: impl Into<ProfileActor>,
    id: i64,
    details: ProfileDetails,
) -> Result<(), Failure> {
    let action = "profile.updated";
    save_in_tx(state, officer, id, (details, None), action, reference_taken).await
}

/// The officer's changes to the offence, licence and barred sections; the
/// audit row says why (`purpose`).
pub async fn update_restricted(
    state: &AppState,
    officer: impl Into<ProfileActor>,
    id: i64,
    details: ProfileDetails,
    purpose: Recorded,
) -> Result<(), Failure> {
    let action = "profile.restricted_updated";
    let change = (details, Some(purpose));
    save_in_tx(state, officer, id, change, action, Failure::from).await
}

/// [`save`] in a transaction of its own; `failed` says what a store error
/// means to the officer.
async fn save_in_tx(
    state: &AppState,
    officer: impl Into<ProfileActor>,
    id: i64,
    (details, purpose): (ProfileDetails, Option<Recorded>),
    action: &'static str,
    failed: fn(StoreError) -> Failure,
) -> Result<(), Failure> {
    let (officer, taxonomy) = (officer.into(), state.taxonomy.clone());
    super::run(&state.store, move |conn| {
        let change = (&details, purpose.as_ref());
        conn.write(|tx| save(tx, &officer, id, change, action, &taxonomy))
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
        if store::retention::is_anonymised(conn, id)? {
            return Err(Failure::Conflict(
                "This person's record has been anonymised, so they cannot sign in again".into(),
            ));
        }
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

// ------------------------------------------------------------ profile API

/// What a caller of the profile API asks of the service's people.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// A name or prison number, searched as on the caseload page.
    pub search: Option<String>,
    /// Only people released from today to this many weeks ahead.
    pub released_within_weeks: Option<u32>,
    /// From 1.
    pub page: i64,
    pub per_page: i64,
}

/// One page of the service's people with the total, filtered as the
/// caseload is. Audited: the list names people.
pub async fn list(
    state: &AppState,
    reader: ProfileActor,
    query: ListQuery,
) -> Result<store::caseload::Page, Failure> {
    super::run(&state.store, move |conn| {
        let today = chrono::Utc::now().date_naive();
        let mut filter = store::caseload::Filter::new(reader.service_id, today);
        filter.search = query.search;
        filter.release_within_weeks = query.released_within_weeks;
        let page = store::caseload::sized_page(conn, &filter, query.page, query.per_page)?;
        let detail = format!(
            "page {} ({} a page) of {} people",
            query.page, query.per_page, page.total
        );
        let entry = Entry::about("profile.listed", "profile", None).with_detail(Some(detail));
        audit::record(conn, &reader.actor, entry, store::now())?;
        Ok(page)
    })
    .await
}

/// A person of the service without the restricted sections (they are
/// read back but not shown), audited as a view.
pub async fn get(state: &AppState, reader: ProfileActor, id: i64) -> Result<Profile, Failure> {
    load_audited(state, reader, id, "profile.viewed", "api").await
}

/// `input` (its restricted sections ignored) with the restricted sections
/// of the stored profile `id`, parsed as the editor's form is.
fn merged(
    tx: &mut InTx<'_>,
    id: i64,
    input: ProfileInput,
    taxonomy: &Taxonomy,
) -> Result<ProfileDetails, Failure> {
    let current = store::profiles::load(tx, id, taxonomy)?;
    let kept = RestrictedInput::of(&current.details.to_input());
    ProfileDetails::parse(&kept.applied_to(input), taxonomy).map_err(Failure::Invalid)
}

/// Replaces the general fields of a person of the service (the restricted
/// sections stay as they are), in one transaction with the matcher's job
/// and the audit row. A prison number already in the service is an
/// invalid `reference`.
pub async fn replace(
    state: &AppState,
    writer: ProfileActor,
    id: i64,
    input: ProfileInput,
) -> Result<(), Failure> {
    let taxonomy = state.taxonomy.clone();
    super::write(&state.store, move |tx| {
        let key = store::profiles::Key::Id(id);
        store::profiles::lock_in_service(tx, writer.service_id, key)?.ok_or(Failure::NotFound)?;
        let details = merged(tx, id, input, &taxonomy)?;
        save(
            tx,
            &writer,
            id,
            (&details, None),
            "profile.updated",
            &taxonomy,
        )
        .map_err(reference_taken)
    })
    .await
}

/// Creates or replaces the service's person with `input`'s prison number
/// (a replace keeps the restricted sections). Answers the id and whether
/// it was created. Two calls at once cannot make two people: the database
/// holds one prison number once per service, and the call that loses the
/// race replaces the winner's row instead.
pub async fn upsert_by_reference(
    state: &AppState,
    writer: ProfileActor,
    input: ProfileInput,
) -> Result<(i64, bool), Failure> {
    // The prison number as it is stored (trimmed, upper-case), and the
    // details a new person would have.
    let fresh = ProfileDetails::parse(&input, &state.taxonomy).map_err(Failure::Invalid)?;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (writer, input, fresh) = (writer.clone(), input.clone(), fresh.clone());
        let taxonomy = state.taxonomy.clone();
        let result = super::run(&state.store, move |conn| {
            conn.write(|tx| upsert_in(tx, &writer, input, &fresh, &taxonomy))
        })
        .await;
        match result {
            // Another call created this person meanwhile: replace it.
            Err(Failure::Conflict(_)) if attempts < 2 => continue,
            other => return other,
        }
    }
}

fn upsert_in(
    tx: &mut InTx<'_>,
    writer: &ProfileActor,
    input: ProfileInput,
    fresh: &ProfileDetails,
    taxonomy: &Taxonomy,
) -> Result<(i64, bool), Failure> {
    let key = store::profiles::Key::Reference(fresh.reference());
    match store::profiles::lock_in_service(tx, writer.service_id, key)? {
        Some(id) => {
            let details = merged(tx, id, input, taxonomy)?;
            save(
                tx,
                writer,
                id,
                (&details, None),
                "profile.updated",
                taxonomy,
            )?;
            Ok((id, false))
        }
        None => Ok((insert(tx, writer, fresh)?, true)),
    }
}

/// Replaces the offence, licence and barred sections as the restricted
/// editor does: the read of the current profile and the write are each
/// audited as restricted.
pub async fn replace_restricted(
    state: &AppState,
    writer: ProfileActor,
    id: i64,
    restricted: RestrictedInput,
    purpose: Recorded,
) -> Result<(), Failure> {
    let what = "api: saving offence, licence and barred sections";
    let current = view_restricted(state, writer.clone(), id, what, &purpose).await?;
    let input = restricted.applied_to(current.details.to_input());
    let details = ProfileDetails::parse(&input, &state.taxonomy).map_err(Failure::Invalid)?;
    update_restricted(state, writer, id, details, purpose).await
}

/// Longest prison number the subject access finder takes.
pub const REFERENCE_MAX_CHARS: usize = 40;

/// The people held under a prison number in any service, for an
/// administrator answering a subject access request (the export itself is
/// then opened and audited per person). The search is audited without the
/// number. An empty or overlong number is a field error on `reference`.
pub async fn find_by_reference(
    state: &AppState,
    admin: Actor,
    reference: &str,
) -> Result<Vec<store::people::PersonFound>, Failure> {
    let reference = crate::domain::profile::normal_reference(reference);
    let mut errors = FieldErrors::new();
    if reference.is_empty() {
        errors.add("reference", "Enter the prison number");
    } else if reference.chars().count() > REFERENCE_MAX_CHARS {
        errors.add(
            "reference",
            format!("Use at most {REFERENCE_MAX_CHARS} characters"),
        );
    }
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors));
    }
    super::write(&state.store, move |tx| {
        let found = store::people::by_reference(tx, &reference)?;
        let detail = format!("{} found", found.len());
        let entry =
            Entry::about("subject_access.searched", "profile", None).with_detail(Some(detail));
        audit::record(tx, &admin, entry, store::now())?;
        Ok(found)
    })
    .await
}
