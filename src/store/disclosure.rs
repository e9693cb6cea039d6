//! Disclosure letters: one per person (`disclosure_letters`), the review
//! history (`disclosure_reviews`), and the copy of an approved letter sent
//! with an application (`application_disclosures`), which later edits to
//! the letter do not change. The rules are `domain::disclosure`'s; these
//! functions only read and write, in the caller's transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{application_disclosures, disclosure_letters, disclosure_reviews, profiles};
use super::{AsTx, InTx, StoreError, StoreResult, Tx};
use crate::domain::disclosure::{Letter, LetterStatus, Part, ReviewAction, Words};
use crate::with_conn;

type Row = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    NaiveDateTime,
);

macro_rules! columns {
    () => {
        (
            disclosure_letters::profile_id,
            disclosure_letters::what_happened,
            disclosure_letters::what_changed,
            disclosure_letters::what_i_offer,
            disclosure_letters::status,
            disclosure_letters::version,
            disclosure_letters::approved_version,
            disclosure_letters::officer_note,
            disclosure_letters::updated_at,
        )
    };
}

fn from_row(row: Row) -> StoreResult<Letter> {
    Ok(Letter {
        profile_id: row.0,
        words: Words {
            what_happened: row.1,
            what_changed: row.2,
            what_i_offer: row.3,
        },
        status: LetterStatus::parse(&row.4).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        version: row.5,
        approved_version: row.6,
        officer_note: row.7,
        updated_at: row.8,
    })
}

/// The person's letter, if they have started one.
pub fn load(conn: &mut impl AsTx, profile_id: i64) -> StoreResult<Option<Letter>> {
    let row: Option<Row> = with_conn!(conn, |c| disclosure_letters::table
        .find(profile_id)
        .select(columns!())
        .first(c)
        .optional()?);
    row.map(from_row).transpose()
}

/// Reads the letter, locking its row on PostgreSQL (SQLite's write
/// transaction already holds the database lock).
fn lock(conn: &mut InTx, profile_id: i64) -> StoreResult<Option<Letter>> {
    let row: Option<Row> = match conn.tx() {
        Tx::Postgres(c) => disclosure_letters::table
            .find(profile_id)
            .select(columns!())
            .for_update()
            .first(c)
            .optional()?,
        Tx::Sqlite(c) => disclosure_letters::table
            .find(profile_id)
            .select(columns!())
            .first(c)
            .optional()?,
    };
    row.map(from_row).transpose()
}

/// The language the person chose on the terminal ("en" or "cy"), if they
/// have a terminal account.
pub fn language_of(conn: &mut impl AsTx, profile_id: i64) -> StoreResult<Option<String>> {
    use super::schema::job_seekers;
    Ok(with_conn!(conn, |c| job_seekers::table
        .filter(job_seekers::profile_id.eq(profile_id))
        .order(job_seekers::id.desc())
        .select(job_seekers::language)
        .first(c)
        .optional()?))
}

/// Whether the person belongs to `service_id` (and exists).
pub fn in_service(conn: &mut impl AsTx, profile_id: i64, service_id: i64) -> StoreResult<bool> {
    let n: i64 = with_conn!(conn, |c| profiles::table
        .filter(profiles::id.eq(profile_id))
        .filter(profiles::service_id.eq(service_id))
        .count()
        .get_result(c)?);
    Ok(n > 0)
}

/// The letter locked for a change, if there is one.
pub fn lock_existing(conn: &mut InTx, profile_id: i64) -> StoreResult<Option<Letter>> {
    lock(conn, profile_id)
}

/// The letter locked for a change, made (empty, a draft) if there is none.
pub fn lock_or_start(conn: &mut InTx, profile_id: i64, at: NaiveDateTime) -> StoreResult<Letter> {
    if let Some(letter) = lock(conn, profile_id)? {
        return Ok(letter);
    }
    with_conn!(conn, |c| diesel::insert_into(disclosure_letters::table)
        .values((
            disclosure_letters::profile_id.eq(profile_id),
            disclosure_letters::status.eq(LetterStatus::Draft.as_str()),
            disclosure_letters::version.eq(1_i64),
            disclosure_letters::updated_at.eq(at),
        ))
        .on_conflict_do_nothing()
        .execute(c)?);
    lock(conn, profile_id)?.ok_or(StoreError::NotFound)
}

/// Stores new words for one part. When they differ from what is stored
/// the version goes up and the letter is a draft again (an approval or a
/// review in progress was for other words); the same words change nothing.
/// Returns the letter and whether it changed.
pub fn save_part(
    conn: &mut InTx,
    profile_id: i64,
    part: Part,
    text: &str,
    at: NaiveDateTime,
) -> StoreResult<(Letter, bool)> {
    let letter = lock_or_start(conn, profile_id, at)?;
    if letter.words.part(part) == text {
        return Ok((letter, false));
    }
    let version = letter.version + 1;
    let status = LetterStatus::Draft.as_str();
    let target = disclosure_letters::table.find(profile_id);
    with_conn!(conn, |c| {
        let set = (
            disclosure_letters::status.eq(status),
            disclosure_letters::version.eq(version),
            disclosure_letters::updated_at.eq(at),
        );
        match part {
            Part::WhatHappened => diesel::update(target)
                .set((disclosure_letters::what_happened.eq(text), set))
                .execute(c)?,
            Part::WhatChanged => diesel::update(target)
                .set((disclosure_letters::what_changed.eq(text), set))
                .execute(c)?,
            Part::WhatIOffer => diesel::update(target)
                .set((disclosure_letters::what_i_offer.eq(text), set))
                .execute(c)?,
        }
    });
    let letter = lock(conn, profile_id)?.ok_or(StoreError::NotFound)?;
    Ok((letter, true))
}

/// Moves the letter to `status`. An approval records the version approved
/// and clears the officer's note; a request for changes keeps its note.
pub fn set_status(
    conn: &mut InTx,
    profile_id: i64,
    status: LetterStatus,
    note: Option<&str>,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let target = disclosure_letters::table.find(profile_id);
    with_conn!(conn, |c| match status {
        LetterStatus::Approved => diesel::update(target)
            .set((
                disclosure_letters::approved_version.eq(disclosure_letters::version.nullable()),
                disclosure_letters::status.eq(status.as_str()),
                disclosure_letters::officer_note.eq(None::<String>),
                disclosure_letters::updated_at.eq(at),
            ))
            .execute(c)?,
        LetterStatus::ChangesAsked => diesel::update(target)
            .set((
                disclosure_letters::status.eq(status.as_str()),
                disclosure_letters::officer_note.eq(note),
                disclosure_letters::updated_at.eq(at),
            ))
            .execute(c)?,
        _ => diesel::update(target)
            .set((
                disclosure_letters::status.eq(status.as_str()),
                disclosure_letters::updated_at.eq(at),
            ))
            .execute(c)?,
    });
    Ok(())
}

/// One step of the review history.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Review {
    pub version: i64,
    pub action: ReviewAction,
    pub officer_user_id: Option<i64>,
    pub note: Option<String>,
    pub at: NaiveDateTime,
}

pub fn add_review(conn: &mut InTx, profile_id: i64, review: &Review) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::insert_into(disclosure_reviews::table)
        .values((
            disclosure_reviews::profile_id.eq(profile_id),
            disclosure_reviews::version.eq(review.version),
            disclosure_reviews::action.eq(review.action.as_str()),
            disclosure_reviews::officer_user_id.eq(review.officer_user_id),
            disclosure_reviews::note.eq(review.note.as_deref()),
            disclosure_reviews::at.eq(review.at),
        ))
        .execute(c)?);
    Ok(())
}

/// The review history, oldest first.
pub fn reviews(conn: &mut impl AsTx, profile_id: i64) -> StoreResult<Vec<Review>> {
    type ReviewRow = (i64, String, Option<i64>, Option<String>, NaiveDateTime);
    let rows: Vec<ReviewRow> = with_conn!(conn, |c| disclosure_reviews::table
        .filter(disclosure_reviews::profile_id.eq(profile_id))
        .order((disclosure_reviews::at, disclosure_reviews::id))
        .select((
            disclosure_reviews::version,
            disclosure_reviews::action,
            disclosure_reviews::officer_user_id,
            disclosure_reviews::note,
            disclosure_reviews::at,
        ))
        .load(c)?);
    rows.into_iter()
        .map(|(version, action, officer_user_id, note, at)| {
            Ok(Review {
                version,
                action: ReviewAction::parse(&action)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                officer_user_id,
                note,
                at,
            })
        })
        .collect()
}

/// The letter as it was sent with an application.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Attached {
    pub words: Words,
    /// "en" or "cy": the language of its fixed opening and closing.
    pub language: String,
    pub letter_version: i64,
    pub attached_at: NaiveDateTime,
}

/// Keeps a copy of the approved letter with the application.
pub fn attach(
    conn: &mut InTx,
    application_id: i64,
    letter: &Letter,
    language: &str,
    at: NaiveDateTime,
) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::insert_into(
        application_disclosures::table
    )
    .values((
        application_disclosures::application_id.eq(application_id),
        application_disclosures::what_happened.eq(&letter.words.what_happened),
        application_disclosures::what_changed.eq(&letter.words.what_changed),
        application_disclosures::what_i_offer.eq(&letter.words.what_i_offer),
        application_disclosures::language.eq(language),
        application_disclosures::letter_version.eq(letter.version),
        application_disclosures::attached_at.eq(at),
    ))
    .execute(c)
    .map_err(|e| StoreError::from_write(e, "disclosure letter"))?);
    Ok(())
}

/// The letter sent with an application, if the person chose to send one.
pub fn attached(conn: &mut impl AsTx, application_id: i64) -> StoreResult<Option<Attached>> {
    type AttachedRow = (String, String, String, String, i64, NaiveDateTime);
    let row: Option<AttachedRow> = with_conn!(conn, |c| application_disclosures::table
        .find(application_id)
        .select((
            application_disclosures::what_happened,
            application_disclosures::what_changed,
            application_disclosures::what_i_offer,
            application_disclosures::language,
            application_disclosures::letter_version,
            application_disclosures::attached_at,
        ))
        .first(c)
        .optional()?);
    Ok(row.map(
        |(a, b, c, language, letter_version, attached_at)| Attached {
            words: Words {
                what_happened: a,
                what_changed: b,
                what_i_offer: c,
            },
            language,
            letter_version,
            attached_at,
        },
    ))
}

/// Which of these applications carry a letter.
pub fn with_letter(conn: &mut impl AsTx, application_ids: &[i64]) -> StoreResult<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in application_ids.chunks(1_000) {
        let ids: Vec<i64> = with_conn!(conn, |c| application_disclosures::table
            .filter(application_disclosures::application_id.eq_any(chunk))
            .select(application_disclosures::application_id)
            .load(c)?);
        out.extend(ids);
    }
    Ok(out)
}

/// Retention: the person's letter, its history and every copy sent with
/// their applications are deleted. Returns the rows deleted.
pub fn delete_for_profile(conn: &mut InTx, profile_id: i64) -> StoreResult<usize> {
    use super::schema::applications;
    Ok(with_conn!(conn, |c| {
        let apps = applications::table
            .filter(applications::profile_id.eq(profile_id))
            .select(applications::id);
        diesel::delete(
            application_disclosures::table
                .filter(application_disclosures::application_id.eq_any(apps)),
        )
        .execute(c)?
            + diesel::delete(
                disclosure_reviews::table.filter(disclosure_reviews::profile_id.eq(profile_id)),
            )
            .execute(c)?
            + diesel::delete(disclosure_letters::table.find(profile_id)).execute(c)?
    }))
}
