//! Use cases of the disclosure letter: the person writes it part by part
//! (drafts kept) and sends it to their officer; the officer of the
//! person's own service reads it (audited), approves the version read or
//! asks for changes with a note; an approved letter goes with an
//! application only when the person chooses and the vacancy asks about
//! convictions (`domain::disclosure::may_attach`), as a copy; the officer
//! and the employer read that copy (each view audited).
//!
//! The letter is about convictions in substance, so every staff view of it
//! writes an audit row saying what was read.

use chrono::NaiveDateTime;

use super::employers::Member;
use super::profiles::Caseworker;
use super::{AppState, Failure};
use crate::domain::disclosure::{
    self as rules, Letter, LetterStatus, MoveError, Part, ReviewAction,
};
use crate::domain::vacancy::CheckLevel;
use crate::domain::FieldErrors;
use crate::store::audit::{self, Entry};
use crate::store::disclosure::{self as stored, Attached, Review};
use crate::store::{self, AsTx, InTx, StoreError};

/// The person's letter, if they have started one (their own: not audited).
pub async fn mine(state: &AppState, profile_id: i64) -> Result<Option<Letter>, Failure> {
    super::run(&state.store, move |c| Ok(stored::load(c, profile_id)?)).await
}

/// Stores one part's words. Words over the limit are `Invalid` on the
/// part's field ("text"); nothing is written then.
pub async fn save_part(
    state: &AppState,
    profile_id: i64,
    part: Part,
    text: String,
) -> Result<Letter, Failure> {
    let text = rules::check_part(&text).map_err(|_| {
        Failure::Invalid(FieldErrors::single(
            "text",
            format!("Write {} characters or fewer", rules::PART_MAX),
        ))
    })?;
    super::write(&state.store, move |tx| {
        let (letter, _) = stored::save_part(tx, profile_id, part, &text, store::now())?;
        Ok(letter)
    })
    .await
}

/// How sending the letter to the officer went.
#[derive(Debug)]
pub enum Sent {
    /// It is now waiting for the officer.
    Sent,
    /// Nothing changed: it was already with the officer, or approved.
    Already,
    /// These parts are still empty.
    Incomplete(Vec<Part>),
}

/// Sends the letter to the person's officer for review.
pub async fn send(state: &AppState, profile_id: i64) -> Result<Sent, Failure> {
    super::write(&state.store, move |tx| {
        let at = store::now();
        let Some(letter) = stored::lock_existing(tx, profile_id)? else {
            return Ok(Sent::Incomplete(Part::ALL.to_vec()));
        };
        match rules::send(letter.status, &letter.words) {
            Err(MoveError::Incomplete(parts)) => Ok(Sent::Incomplete(parts)),
            Err(other) => Err(Failure::Conflict(other.to_string())),
            Ok(None) => Ok(Sent::Already),
            Ok(Some(to)) => {
                stored::set_status(tx, profile_id, to, None, at)?;
                let review = Review {
                    version: letter.version,
                    action: ReviewAction::Sent,
                    officer_user_id: None,
                    note: None,
                    at,
                };
                stored::add_review(tx, profile_id, &review)?;
                Ok(Sent::Sent)
            }
        }
    })
    .await
}

/// The letter as the officer's page shows it.
pub struct ForOfficer {
    /// "Given Family (reference)" of the person.
    pub person: String,
    pub letter: Option<Letter>,
    /// The person's terminal language ("en" or "cy").
    pub language: String,
    pub reviews: Vec<Review>,
    /// (user id, name) of the officers in the history.
    pub users: Vec<(i64, String)>,
}

fn audit_letter(
    conn: &mut impl AsTx,
    actor: &audit::Actor,
    action: &'static str,
    (kind, id): (&'static str, i64),
    detail: String,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    let entry = Entry::about(action, kind, Some(id)).with_detail(Some(detail));
    audit::record(conn, actor, entry, at)
}

/// The letter of a person of the officer's service, with its history; a
/// person of another service is not found. A view of a letter is audited
/// (against the person) with the version read.
pub async fn for_officer(
    state: &AppState,
    officer: Caseworker,
    profile_id: i64,
) -> Result<ForOfficer, Failure> {
    super::run(&state.store, move |c| {
        if !stored::in_service(c, profile_id, officer.service_id)? {
            return Err(Failure::NotFound);
        }
        let person = store::caseload::names(c, officer.service_id, &[profile_id])?
            .into_iter()
            .next()
            .map(|(_, g, f, r)| format!("{g} {f} ({r})"))
            .unwrap_or_default();
        let letter = stored::load(c, profile_id)?;
        let language = stored::language_of(c, profile_id)?.unwrap_or_else(|| "en".into());
        let reviews = stored::reviews(c, profile_id)?;
        let ids: Vec<i64> = reviews.iter().filter_map(|r| r.officer_user_id).collect();
        let users = store::caseload::user_names(c, &ids)?;
        if let Some(letter) = &letter {
            let detail = format!(
                "disclosure letter version {} ({})",
                letter.version,
                letter.status.as_str()
            );
            let subject = ("profile", profile_id);
            let at = store::now();
            audit_letter(c, &officer.actor, "disclosure.viewed", subject, detail, at)?;
        }
        Ok(ForOfficer {
            person,
            letter,
            language,
            reviews,
            users,
        })
    })
    .await
}

/// The officer's decision on the version they read.
pub enum Decision {
    Approve,
    AskChanges(String),
}

/// Approves the letter, or asks for changes with a note, if it is waiting
/// for review and still the version the officer read. A refused decision
/// is `Invalid` on "note" (the note) or `Conflict` (the letter moved on).
pub async fn decide(
    state: &AppState,
    officer: Caseworker,
    profile_id: i64,
    read_version: i64,
    decision: Decision,
) -> Result<LetterStatus, Failure> {
    super::write(&state.store, move |tx| {
        if !stored::in_service(tx, profile_id, officer.service_id)? {
            return Err(Failure::NotFound);
        }
        let at = store::now();
        let letter = stored::load(tx, profile_id)?.ok_or(Failure::NotFound)?;
        let refused = |e: MoveError| match e {
            MoveError::Note(fields) => Failure::Invalid(fields),
            other => Failure::Conflict(other.to_string()),
        };
        let (to, action, note) = match decision {
            Decision::Approve => (LetterStatus::Approved, ReviewAction::Approved, None),
            Decision::AskChanges(note) => {
                let note = rules::check_note(&note).map_err(refused)?;
                (
                    LetterStatus::ChangesAsked,
                    ReviewAction::ChangesAsked,
                    Some(note),
                )
            }
        };
        rules::decide(&letter, read_version).map_err(refused)?;
        record_decision(tx, &officer, &letter, (to, action), note, at)?;
        Ok(to)
    })
    .await
}

fn record_decision(
    tx: &mut InTx,
    officer: &Caseworker,
    letter: &Letter,
    (to, action): (LetterStatus, ReviewAction),
    note: Option<String>,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    stored::set_status(tx, letter.profile_id, to, note.as_deref(), at)?;
    let review = Review {
        version: letter.version,
        action,
        officer_user_id: Some(officer.user_id),
        note,
        at,
    };
    stored::add_review(tx, letter.profile_id, &review)?;
    let name = match action {
        ReviewAction::Approved => "disclosure.approved",
        _ => "disclosure.changes_asked",
    };
    let detail = format!("disclosure letter version {}", letter.version);
    let subject = ("profile", letter.profile_id);
    audit_letter(tx, &officer.actor, name, subject, detail, at)
}

/// Where a person's letter is (nothing of its words), for their profile
/// page; the caller has already checked the person is in its service.
pub async fn status_of(state: &AppState, profile_id: i64) -> Result<Option<LetterStatus>, Failure> {
    let letter = mine(state, profile_id).await?;
    Ok(letter.map(|l| l.status))
}

/// Whether the person's letter may go with an application for a vacancy
/// of `level` (read outside a transaction, for the form).
pub async fn can_attach(
    state: &AppState,
    profile_id: i64,
    level: CheckLevel,
) -> Result<bool, Failure> {
    if !rules::convictions_asked(level) {
        return Ok(false);
    }
    let letter = mine(state, profile_id).await?;
    Ok(rules::may_attach(letter.as_ref(), level))
}

/// The message when a letter may not go with an application.
pub const NOT_ATTACHABLE: &str = "disclosure_not_allowed";

/// Inside the transaction that makes the application: keeps a copy of the
/// person's approved letter with it. Refused (`Invalid` on "disclosure",
/// with [`NOT_ATTACHABLE`]) unless the letter is approved and the
/// vacancy's check level asks about convictions; the caller's transaction
/// then writes nothing.
pub fn attach_in(
    tx: &mut InTx,
    profile_id: i64,
    application_id: i64,
    level: CheckLevel,
    language: &str,
    at: NaiveDateTime,
) -> Result<(), Failure> {
    let letter = stored::load(tx, profile_id)?;
    if !rules::may_attach(letter.as_ref(), level) {
        return Err(Failure::Invalid(FieldErrors::single(
            "disclosure",
            NOT_ATTACHABLE,
        )));
    }
    let letter = letter.ok_or(Failure::NotFound)?;
    stored::attach(tx, application_id, &letter, language, at)?;
    Ok(())
}

/// Whether the person sent their letter with their application for
/// `vacancy_id` (their own: not audited).
pub async fn sent_with(
    state: &AppState,
    profile_id: i64,
    vacancy_id: i64,
) -> Result<bool, Failure> {
    super::run(&state.store, move |c| {
        let Some(app) = store::applications::find(c, profile_id, vacancy_id)? else {
            return Ok(false);
        };
        Ok(stored::attached(c, app.id)?.is_some())
    })
    .await
}

/// Whether a letter goes with this application (nothing of its words; the
/// caller has already found the application in its service).
pub async fn goes_with(state: &AppState, application_id: i64) -> Result<bool, Failure> {
    super::run(&state.store, move |c| {
        Ok(!stored::with_letter(c, &[application_id])?.is_empty())
    })
    .await
}

/// The letter sent with an application of the officer's service, if any;
/// reading it is audited against the application.
pub async fn attached_for_officer(
    state: &AppState,
    officer: Caseworker,
    application_id: i64,
) -> Result<Option<Attached>, Failure> {
    super::run(&state.store, move |c| {
        let Some(app) =
            store::applications::load_in_service(c, application_id, officer.service_id)?
        else {
            return Err(Failure::NotFound);
        };
        let attached = stored::attached(c, application_id)?;
        if let Some(a) = &attached {
            let detail = format!(
                "disclosure letter version {} sent with the application of profile {}",
                a.letter_version, app.profile_id
            );
            let subject = ("application", application_id);
            let at = store::now();
            audit_letter(c, &officer.actor, "disclosure.viewed", subject, detail, at)?;
        }
        Ok(attached)
    })
    .await
}

/// The letters sent with these applications, which the employer's page
/// is about to show on their cards (the caller passes only applications
/// forwarded to this employer and still open for it). Each letter shown
/// is audited against its application.
pub fn attached_for_employer(
    conn: &mut impl AsTx,
    member: &Member,
    application_ids: &[i64],
) -> Result<Vec<(i64, Attached)>, Failure> {
    let with = stored::with_letter(conn, application_ids)?;
    let at = store::now();
    let mut out = Vec::with_capacity(with.len());
    for id in with {
        // Only the employer's own forwarded applications.
        if store::applications::load_for_employer(conn, id, member.employer_id)?.is_none() {
            continue;
        }
        let Some(attached) = stored::attached(conn, id)? else {
            continue;
        };
        let detail = format!(
            "disclosure letter version {} shown to the employer",
            attached.letter_version
        );
        let subject = ("application", id);
        audit_letter(
            conn,
            &member.audit,
            "disclosure.viewed",
            subject,
            detail,
            at,
        )?;
        out.push((id, attached));
    }
    Ok(out)
}
