//! The append-only audit log: who did or saw what, and when. The database
//! refuses updates and deletes on this table.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::audit_log;
use super::{AsTx, StoreResult};
use crate::with_conn;

/// Who acted.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub kind: &'static str,
    pub user_id: Option<i64>,
    pub seeker_id: Option<i64>,
    pub label: String,
    pub ip: Option<String>,
}

impl Actor {
    pub fn system(label: &str) -> Self {
        Self {
            kind: "system",
            label: label.to_string(),
            ..Self::default()
        }
    }
}

pub struct Entry<'a> {
    pub action: &'a str,
    pub subject_kind: Option<&'a str>,
    pub subject_id: Option<i64>,
    pub detail: Option<String>,
}

impl<'a> Entry<'a> {
    /// An entry about one record of `kind`; the kind stays when the record
    /// is unknown (a sign-in to an address no account has).
    pub fn about(action: &'a str, kind: &'a str, id: Option<i64>) -> Self {
        Entry {
            action,
            subject_kind: Some(kind),
            subject_id: id,
            detail: None,
        }
    }

    pub fn with_detail(self, detail: Option<String>) -> Self {
        Entry { detail, ..self }
    }
}

pub fn record(
    conn: &mut impl AsTx,
    actor: &Actor,
    entry: Entry,
    at: NaiveDateTime,
) -> StoreResult<()> {
    record_many(conn, actor, &[entry], at)
}

/// One row to write.
#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewRow<'a> {
    at: NaiveDateTime,
    actor_kind: &'a str,
    actor_user_id: Option<i64>,
    actor_seeker_id: Option<i64>,
    actor_label: &'a str,
    action: &'a str,
    subject_kind: Option<&'a str>,
    subject_id: Option<i64>,
    detail: Option<&'a str>,
    ip: Option<&'a str>,
}

/// Rows by one actor at one time (a bulk change), many per statement.
pub fn record_many(
    conn: &mut impl AsTx,
    actor: &Actor,
    entries: &[Entry],
    at: NaiveDateTime,
) -> StoreResult<()> {
    let rows: Vec<NewRow> = entries
        .iter()
        .map(|entry| NewRow {
            at,
            actor_kind: actor.kind,
            actor_user_id: actor.user_id,
            actor_seeker_id: actor.seeker_id,
            actor_label: &actor.label,
            action: entry.action,
            subject_kind: entry.subject_kind,
            subject_id: entry.subject_id,
            detail: entry.detail.as_deref(),
            ip: actor.ip.as_deref(),
        })
        .collect();
    with_conn!(conn, |c| {
        insert_chunks!(c, audit_log::table, rows);
    });
    Ok(())
}

#[derive(Clone, Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_kind: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub subject_kind: Option<String>,
    pub subject_id: Option<i64>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

impl AuditRow {
    /// The purpose the detail records, in words (restricted views and
    /// changes), for the audit page.
    pub fn purpose(&self) -> Option<String> {
        self.detail
            .as_deref()
            .and_then(crate::domain::access_purpose::describe)
    }
}

/// Filters for the admin page; every field is optional.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub actor_user_id: Option<i64>,
    /// Part of the actor's name, email address or label, any case.
    pub actor_text: Option<String>,
    /// The subject kind, any case.
    pub subject_kind: Option<String>,
    pub subject_id: Option<i64>,
    /// Part of the action code, any case ("status" finds
    /// "vacancy.status_changed").
    pub action: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    /// Leave out this user's own `audit.viewed` rows (each look at the log
    /// adds one; they are still kept).
    pub hide_views_by: Option<i64>,
}

diesel::define_sql_function! {
    /// SQL lower(), the same on SQLite and PostgreSQL for the ASCII codes
    /// and addresses searched here.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A LIKE pattern that finds `text` anywhere, lowercased, with the
/// wildcards in it taken literally (escaped with `\`).
fn contains_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The filters applied to a boxed query of `audit_log` (the same for the
/// page and its count).
macro_rules! filtered {
    ($filter:expr) => {{
        let filter: &Filter = $filter;
        let mut query = audit_log::table.into_boxed();
        if let Some(id) = filter.actor_user_id {
            query = query.filter(audit_log::actor_user_id.eq(id));
        }
        if let Some(text) = &filter.actor_text {
            let pattern = contains_pattern(text);
            let people = super::schema::users::table
                .filter(
                    lower(super::schema::users::email)
                        .like(pattern.clone())
                        .escape('\\')
                        .or(lower(super::schema::users::display_name)
                            .like(pattern.clone())
                            .escape('\\')),
                )
                .select(super::schema::users::id);
            query = query.filter(
                lower(audit_log::actor_label)
                    .like(pattern)
                    .escape('\\')
                    .or(audit_log::actor_user_id.eq_any(people.nullable())),
            );
        }
        if let Some(kind) = &filter.subject_kind {
            query = query
                .filter(lower(audit_log::subject_kind.assume_not_null()).eq(kind.to_lowercase()));
        }
        if let Some(id) = filter.subject_id {
            query = query.filter(audit_log::subject_id.eq(id));
        }
        if let Some(action) = &filter.action {
            query = query.filter(
                lower(audit_log::action)
                    .like(contains_pattern(action))
                    .escape('\\'),
            );
        }
        if let Some(from) = filter.from {
            query = query.filter(audit_log::at.ge(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_log::at.lt(until));
        }
        if let Some(me) = filter.hide_views_by {
            query = query.filter(
                audit_log::action
                    .ne("audit.viewed")
                    .or(audit_log::actor_user_id.ne(me))
                    .or(audit_log::actor_user_id.is_null()),
            );
        }
        query
    }};
}

/// How many rows match `filter`.
pub fn count(conn: &mut impl AsTx, filter: &Filter) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| filtered!(filter)
        .count()
        .get_result(c)?))
}

pub fn search(
    conn: &mut impl AsTx,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<AuditRow>> {
    Ok(with_conn!(conn, |c| {
        let query = filtered!(filter);
        query
            .order((audit_log::at.desc(), audit_log::id.desc()))
            .limit(limit)
            .offset(offset)
            .select(AuditRow::as_select())
            .load(c)?
    }))
}
