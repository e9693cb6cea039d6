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

/// The change feed's watermark: every profile or vacancy change stamped
/// below it (`change_seq`) is committed and visible to any read that starts
/// after this one. Read it before reading the changed rows, then next time
/// read the rows stamped at or after it ([`crate::store::vacancies::changed_since`]).
///
/// SQLite stamps from one counter inside the single write transaction, so
/// stamps commit in order: the watermark is the counter plus one.
/// PostgreSQL stamps with the writing transaction's id; transactions commit
/// in any order, so the watermark is the oldest transaction still running
/// (the xmin of this statement's snapshot): every transaction below it has
/// ended. A transaction still running keeps the watermark at or below its
/// id, so its rows are read once it commits, however long it takes.
pub fn change_watermark(conn: &mut impl AsTx) -> StoreResult<i64> {
    #[derive(QueryableByName)]
    struct Mark {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        mark: i64,
    }
    let mark: Mark = match conn.tx() {
        super::Tx::Sqlite(c) => {
            diesel::sql_query("SELECT seq + 1 AS mark FROM change_counter WHERE id = 1")
                .get_result(c)?
        }
        super::Tx::Postgres(c) => diesel::sql_query(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS mark",
        )
        .get_result(c)?,
    };
    Ok(mark.mark)
}
