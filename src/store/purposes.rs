//! The purpose an officer gave for opening a person's restricted sections,
//! remembered for one staff session and one person. The rows go when the
//! session is revoked (sign-out, time-out, account changes) and with the
//! session or the person.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::session_purposes;
use super::{AsTx, InTx, StoreResult};
use crate::domain::access_purpose::Purpose;
use crate::with_conn;

/// The purpose given in this session for this person, if any.
pub fn find(
    conn: &mut impl AsTx,
    session_id: i64,
    profile_id: i64,
) -> StoreResult<Option<Purpose>> {
    let row: Option<(String, Option<String>)> = with_conn!(conn, |c| session_purposes::table
        .find((session_id, profile_id))
        .select((session_purposes::purpose, session_purposes::detail))
        .first(c)
        .optional()?);
    Ok(row.and_then(|(kind, detail)| Purpose::stored(&kind, detail)))
}

/// Remembers (or replaces) the purpose for this session and person.
pub fn remember(
    tx: &mut InTx<'_>,
    session_id: i64,
    profile_id: i64,
    purpose: &Purpose,
    at: NaiveDateTime,
) -> StoreResult<()> {
    with_conn!(tx, |c| {
        diesel::delete(session_purposes::table.find((session_id, profile_id))).execute(c)?;
        diesel::insert_into(session_purposes::table)
            .values((
                session_purposes::session_id.eq(session_id),
                session_purposes::profile_id.eq(profile_id),
                session_purposes::purpose.eq(purpose.kind().as_str()),
                session_purposes::detail.eq(purpose.detail()),
                session_purposes::created_at.eq(at),
            ))
            .execute(c)?;
    });
    Ok(())
}

/// Forgets every purpose of these sessions (they ended).
pub fn forget_sessions(conn: &mut impl AsTx, session_ids: &[i64]) -> StoreResult<()> {
    if session_ids.is_empty() {
        return Ok(());
    }
    with_conn!(conn, |c| diesel::delete(
        session_purposes::table.filter(session_purposes::session_id.eq_any(session_ids))
    )
    .execute(c)?);
    Ok(())
}
