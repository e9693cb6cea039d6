//! CVs: the person's own words with their officer's suggestions (one row
//! per profile, `profile_cvs`), and the CV as it was when sent with an
//! application (`application_cvs`, never changed afterwards).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{application_cvs, profile_cvs};
use super::{AsTx, StoreResult};
use crate::domain::cv::{Cv, OwnWords, Snapshot, Suggestions};
use crate::with_conn;

type Row = (
    String,
    String,
    Option<bool>,
    String,
    Option<NaiveDateTime>,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<NaiveDateTime>,
);

/// A person's CV; the empty CV when they have not started one.
pub fn load(conn: &mut impl AsTx, profile_id: i64) -> StoreResult<Cv> {
    let row: Option<Row> = with_conn!(conn, |c| profile_cvs::table
        .find(profile_id)
        .select((
            profile_cvs::about_me,
            profile_cvs::strengths,
            profile_cvs::references_available,
            profile_cvs::references_note,
            profile_cvs::changed_at,
            profile_cvs::suggestion_about_me,
            profile_cvs::suggestion_strengths,
            profile_cvs::suggestion_references,
            profile_cvs::suggestion_general,
            profile_cvs::suggested_by,
            profile_cvs::suggested_at,
        ))
        .first(c)
        .optional()?);
    Ok(row.map(from_row).unwrap_or_default())
}

fn from_row(r: Row) -> Cv {
    Cv {
        words: OwnWords {
            about_me: r.0,
            strengths: r.1,
            references_available: r.2,
            references_note: r.3,
        },
        changed_at: r.4,
        suggestions: Suggestions {
            about_me: r.5,
            strengths: r.6,
            references: r.7,
            general: r.8,
        },
        suggested_by: r.9,
        suggested_at: r.10,
    }
}

/// Makes sure the person has a CV row to change.
fn ensure_row(conn: &mut impl AsTx, profile_id: i64) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::insert_into(profile_cvs::table)
        .values(profile_cvs::profile_id.eq(profile_id))
        .on_conflict(profile_cvs::profile_id)
        .do_nothing()
        .execute(c)?);
    Ok(())
}

/// Keeps the person's words (already checked), whichever part they changed.
pub fn save_words(
    conn: &mut impl AsTx,
    profile_id: i64,
    words: &OwnWords,
    at: NaiveDateTime,
) -> StoreResult<()> {
    ensure_row(conn, profile_id)?;
    with_conn!(conn, |c| diesel::update(
        profile_cvs::table.find(profile_id)
    )
    .set((
        profile_cvs::about_me.eq(&words.about_me),
        profile_cvs::strengths.eq(&words.strengths),
        profile_cvs::references_available.eq(words.references_available),
        profile_cvs::references_note.eq(&words.references_note),
        profile_cvs::changed_at.eq(Some(at)),
    ))
    .execute(c)?);
    Ok(())
}

/// Keeps an officer's suggestions (already checked), replacing the last.
pub fn save_suggestions(
    conn: &mut impl AsTx,
    profile_id: i64,
    suggestions: &Suggestions,
    by: i64,
    at: NaiveDateTime,
) -> StoreResult<()> {
    ensure_row(conn, profile_id)?;
    with_conn!(conn, |c| diesel::update(
        profile_cvs::table.find(profile_id)
    )
    .set((
        profile_cvs::suggestion_about_me.eq(&suggestions.about_me),
        profile_cvs::suggestion_strengths.eq(&suggestions.strengths),
        profile_cvs::suggestion_references.eq(&suggestions.references),
        profile_cvs::suggestion_general.eq(&suggestions.general),
        profile_cvs::suggested_by.eq(Some(by)),
        profile_cvs::suggested_at.eq(Some(at)),
    ))
    .execute(c)?);
    Ok(())
}

/// Keeps the CV as it is now with an application (once: a second call
/// changes nothing).
pub fn attach(
    conn: &mut impl AsTx,
    application_id: i64,
    snapshot: &Snapshot,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let text = snapshot.to_json();
    with_conn!(conn, |c| diesel::insert_into(application_cvs::table)
        .values((
            application_cvs::application_id.eq(application_id),
            application_cvs::cv.eq(&text),
            application_cvs::attached_at.eq(at),
        ))
        .on_conflict(application_cvs::application_id)
        .do_nothing()
        .execute(c)?);
    Ok(())
}

/// The CV sent with an application, if the person chose to send one.
pub fn attached(conn: &mut impl AsTx, application_id: i64) -> StoreResult<Option<Snapshot>> {
    let text: Option<String> = with_conn!(conn, |c| application_cvs::table
        .find(application_id)
        .select(application_cvs::cv)
        .first(c)
        .optional()?);
    Ok(text.as_deref().and_then(Snapshot::from_json))
}

/// The CVs sent with some applications, by application id.
pub fn attached_to(
    conn: &mut impl AsTx,
    application_ids: &[i64],
) -> StoreResult<HashMap<i64, Snapshot>> {
    if application_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = with_conn!(conn, |c| application_cvs::table
        .filter(application_cvs::application_id.eq_any(application_ids))
        .select((application_cvs::application_id, application_cvs::cv))
        .load(c)?);
    Ok(rows
        .into_iter()
        .filter_map(|(id, text)| Snapshot::from_json(&text).map(|s| (id, s)))
        .collect())
}

/// The display name of a staff member (who wrote the suggestions).
pub fn staff_name(conn: &mut impl AsTx, user_id: i64) -> StoreResult<Option<String>> {
    use super::schema::users;
    Ok(with_conn!(conn, |c| users::table
        .find(user_id)
        .select(users::display_name)
        .first(c)
        .optional()?))
}
