//! Everything the database holds about one person, for a subject access
//! request. The rows are found by following the database's own foreign keys
//! outwards from the person's profile (their skills, matches, applications
//! and their timelines, outcomes, terminal sign-ins and sessions, ...), so a
//! table added later that points at any of these is exported without a
//! change here. Audit entries whose subject is one of those rows are added,
//! each with the purpose its detail records, in words (`purpose`).
//! Secrets (PIN and password hashes, session tokens, login codes) are never
//! exported.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::sql_types::Text;
use serde_json::Value;

use super::{AsTx, StoreError, StoreResult, Tx};

/// Columns that hold secrets or credentials: left out of every table.
pub const SECRET_COLUMNS: &[&str] = &[
    "pin_hash",
    "password_hash",
    "token_hash",
    "csrf_token",
    "login_code",
];

/// The audit log's name for rows of these tables, as its `subject_kind`.
const SUBJECT_KINDS: &[(&str, &str)] = &[
    ("profiles", "profile"),
    ("matches", "match"),
    ("applications", "application"),
    ("job_seekers", "job_seeker"),
    ("outcomes", "outcome"),
];

/// The rows held about a person, by table (each row as JSON, in id order
/// where the table has an id).
pub type Held = BTreeMap<String, Vec<Value>>;

/// A foreign key: `table.column` refers to `target`'s id.
#[derive(Clone, Debug, PartialEq, Eq, QueryableByName)]
pub struct ForeignKey {
    #[diesel(sql_type = Text)]
    pub table_name: String,
    #[diesel(sql_type = Text)]
    pub column_name: String,
    #[diesel(sql_type = Text)]
    pub target: String,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = Text)]
    row: String,
}

/// Every foreign key of the schema, from the database's catalogue.
pub fn foreign_keys(conn: &mut impl AsTx) -> StoreResult<Vec<ForeignKey>> {
    let mut keys: Vec<ForeignKey> = match conn.tx() {
        Tx::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.\"from\" AS column_name, p.\"table\" AS target \
             FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p \
             WHERE m.type = 'table'",
        )
        .load(c)?,
        Tx::Postgres(c) => diesel::sql_query(
            "SELECT kcu.table_name::text AS table_name, kcu.column_name::text AS column_name, \
             ccu.table_name::text AS target \
             FROM information_schema.table_constraints tc \
             JOIN information_schema.key_column_usage kcu \
               ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema \
             JOIN information_schema.constraint_column_usage ccu \
               ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema \
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
        )
        .load(c)?,
    };
    keys.sort_by(|a, b| (&a.table_name, &a.column_name).cmp(&(&b.table_name, &b.column_name)));
    keys.dedup();
    Ok(keys)
}

/// A table's columns in their order, secrets left out.
fn columns(conn: &mut impl AsTx, table: &str) -> StoreResult<Vec<String>> {
    let names: Vec<Name> = match conn.tx() {
        Tx::Sqlite(c) => diesel::sql_query("SELECT name FROM pragma_table_info(?) ORDER BY cid")
            .bind::<Text, _>(table)
            .load(c)?,
        Tx::Postgres(c) => diesel::sql_query(
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind::<Text, _>(table)
        .load(c)?,
    };
    Ok(names
        .into_iter()
        .map(|n| n.name)
        .filter(|n| !SECRET_COLUMNS.contains(&n.as_str()))
        .collect())
}

/// A name from the catalogue, quoted for SQL (it never comes from a user,
/// but a quote inside it would still be doubled).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The rows of `table` whose `column` is one of `ids`, as JSON objects of
/// their non-secret columns.
fn rows_where(
    conn: &mut impl AsTx,
    table: &str,
    column: &str,
    ids: &[i64],
) -> StoreResult<Vec<Value>> {
    let cols = columns(conn, table)?;
    let pairs: Vec<String> = cols
        .iter()
        .map(|c| format!("'{}', {}", c.replace('\'', "''"), quoted(c)))
        .collect();
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let filter = format!("{} IN ({})", quoted(column), list.join(", "));
        let rows: Vec<JsonRow> = match conn.tx() {
            Tx::Sqlite(c) => diesel::sql_query(format!(
                "SELECT json_object({}) AS row FROM {} WHERE {filter}",
                pairs.join(", "),
                quoted(table)
            ))
            .load(c)?,
            Tx::Postgres(c) => diesel::sql_query(format!(
                "SELECT json_build_object({})::text AS row FROM {} WHERE {filter}",
                pairs.join(", "),
                quoted(table)
            ))
            .load(c)?,
        };
        for r in rows {
            out.push(
                serde_json::from_str(&r.row)
                    .map_err(|e| StoreError::Corrupt(format!("{table} as JSON: {e}")))?,
            );
        }
    }
    Ok(out)
}

/// The ids of a table's rows held so far (tables keyed by `id`).
fn ids_of(rows: &[Value]) -> Vec<i64> {
    rows.iter()
        .filter_map(|r| r.get("id").and_then(Value::as_i64))
        .collect()
}

/// Adds rows not held yet (by their JSON, so a row reached twice is kept
/// once); says whether any was new.
fn add(held: &mut Held, seen: &mut BTreeSet<String>, table: &str, rows: Vec<Value>) -> bool {
    let mut added = false;
    for row in rows {
        if seen.insert(format!("{table}:{row}")) {
            held.entry(table.to_string()).or_default().push(row);
            added = true;
        }
    }
    added
}

/// Everything held about the person whose profile is `profile_id`: the
/// profile, every row that refers to it or to a row already found (never
/// the rows it refers to, such as vacancies and staff), and the audit
/// entries about any of them.
pub fn person(conn: &mut impl AsTx, profile_id: i64) -> StoreResult<Held> {
    let keys = foreign_keys(conn)?;
    let mut held = Held::new();
    let mut seen = BTreeSet::new();
    let profile = rows_where(conn, "profiles", "id", &[profile_id])?;
    if profile.is_empty() {
        return Err(StoreError::NotFound);
    }
    add(&mut held, &mut seen, "profiles", profile);
    let mut grew = true;
    while grew {
        grew = false;
        for key in &keys {
            let Some(ids) = held.get(&key.target).map(|rows| ids_of(rows)) else {
                continue;
            };
            if ids.is_empty() {
                continue;
            }
            let rows = rows_where(conn, &key.table_name, &key.column_name, &ids)?;
            grew |= add(&mut held, &mut seen, &key.table_name, rows);
        }
    }
    for (table, kind) in SUBJECT_KINDS {
        let ids = held
            .get(*table)
            .map(|rows| ids_of(rows))
            .unwrap_or_default();
        let rows = audit_about(conn, kind, &ids)?;
        add(&mut held, &mut seen, "audit_log", rows);
    }
    if let Some(rows) = held.get_mut("audit_log") {
        with_purposes(rows);
    }
    for rows in held.values_mut() {
        rows.sort_by_key(|r| r.get("id").and_then(Value::as_i64).unwrap_or(0));
    }
    Ok(held)
}

/// Audit entries whose subject is one of `ids` of `kind`.
fn audit_about(conn: &mut impl AsTx, kind: &str, ids: &[i64]) -> StoreResult<Vec<Value>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let ids_of_kind: Vec<i64> = audit_ids(conn, kind, chunk)?;
        out.extend(rows_where(conn, "audit_log", "id", &ids_of_kind)?);
    }
    Ok(out)
}

/// Adds to each audit row the purpose its detail records, in words.
fn with_purposes(rows: &mut [Value]) {
    for row in rows {
        let purpose = row
            .get("detail")
            .and_then(Value::as_str)
            .and_then(crate::domain::access_purpose::describe);
        if let Some(fields) = row.as_object_mut() {
            fields.insert("purpose".into(), purpose.into());
        }
    }
}

fn audit_ids(conn: &mut impl AsTx, kind: &str, ids: &[i64]) -> StoreResult<Vec<i64>> {
    use super::schema::audit_log;
    Ok(crate::with_conn!(conn, |c| audit_log::table
        .filter(audit_log::subject_kind.eq(kind))
        .filter(audit_log::subject_id.eq_any(ids))
        .order(audit_log::id)
        .select(audit_log::id)
        .load::<i64>(c)?))
}
