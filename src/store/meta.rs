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
        super::Tx::Sqlite(c) => diesel::sql_query(SQLITE_WATERMARK).get_result(c)?,
        super::Tx::Postgres(c) => diesel::sql_query(POSTGRES_WATERMARK).get_result(c)?,
    };
    Ok(mark.mark)
}

/// The watermark as one row with a `mark` column, on each backend (see
/// [`change_watermark`]).
const SQLITE_WATERMARK: &str = "SELECT seq + 1 AS mark FROM change_counter WHERE id = 1";
const POSTGRES_WATERMARK: &str =
    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS mark";

/// A table with a change feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fed {
    Profiles,
    Vacancies,
}

/// The change feed's watermark (as [`change_watermark`]) and the rows of
/// one table stamped at or after `since` (as `changed_since`), with their
/// stamps, in one statement: one round trip instead of two on every check
/// of the matcher's copies. One statement reads one snapshot, so the
/// watermark holds for the rows read with it: every change stamped below
/// it was committed before that snapshot, and a row stamped at or above it
/// is read again next time.
pub fn changes_since(
    conn: &mut impl AsTx,
    fed: Fed,
    since: i64,
) -> StoreResult<(i64, Vec<(i64, i64)>)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        mark: i64,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        id: Option<i64>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        seq: Option<i64>,
    }
    let table = match fed {
        Fed::Profiles => "profiles",
        Fed::Vacancies => "vacancies",
    };
    // The watermark's row is always there; the changed rows join it.
    let sql = |mark: &str, param: &str| {
        format!(
            "SELECT m.mark AS mark, t.id AS id, t.change_seq AS seq FROM ({mark}) m \
             LEFT JOIN (SELECT id, change_seq FROM {table} WHERE change_seq >= {param}) t ON 1 = 1"
        )
    };
    let rows: Vec<Row> = match conn.tx() {
        super::Tx::Sqlite(c) => diesel::sql_query(sql(SQLITE_WATERMARK, "?"))
            .bind::<diesel::sql_types::BigInt, _>(since)
            .load(c)?,
        super::Tx::Postgres(c) => diesel::sql_query(sql(POSTGRES_WATERMARK, "$1"))
            .bind::<diesel::sql_types::BigInt, _>(since)
            .load(c)?,
    };
    let mark = rows
        .first()
        .map(|r| r.mark)
        .ok_or(super::StoreError::NotFound)?;
    let changed = rows
        .into_iter()
        .filter_map(|r| Some((r.id?, r.seq?)))
        .collect();
    Ok((mark, changed))
}
