//! Small facts about the database itself, such as whether demo data was seeded.

use diesel::prelude::*;

use super::schema::app_meta;
use super::{AsTx, StoreResult};
use crate::with_conn;

pub fn get(conn: &mut impl AsTx, key: &str) -> StoreResult<Option<String>> {
    Ok(with_conn!(conn, |c| app_meta::table
        .find(key)
        .select(app_meta::value)
        .first::<String>(c)
        .optional()?))
}

/// Inserts or replaces one value.
pub fn set(conn: &mut impl AsTx, key: &str, value: &str) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::insert_into(app_meta::table)
        .values((app_meta::key.eq(key), app_meta::value.eq(value)))
        .on_conflict(app_meta::key)
        .do_update()
        .set(app_meta::value.eq(value))
        .execute(c)?);
    Ok(())
}
