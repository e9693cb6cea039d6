//! A job seeker's own settings, changed from the terminal.

use diesel::prelude::*;

use super::schema::job_seekers;
use super::{AsTx, StoreResult};
use crate::with_conn;

/// Keeps the language the person chose ("en" or "cy").
pub fn set_language(conn: &mut impl AsTx, seeker_id: i64, language: &str) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::update(job_seekers::table.find(seeker_id))
        .set(job_seekers::language.eq(language))
        .execute(c)?);
    Ok(())
}

/// An employer's name, for a vacancy page.
pub fn employer_name(conn: &mut impl AsTx, employer_id: i64) -> StoreResult<String> {
    use super::schema::employers;
    Ok(with_conn!(conn, |c| employers::table
        .find(employer_id)
        .select(employers::name)
        .first(c)?))
}
