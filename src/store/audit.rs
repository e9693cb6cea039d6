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

pub fn record(
    conn: &mut impl AsTx,
    actor: &Actor,
    entry: Entry,
    at: NaiveDateTime,
) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::actor_kind.eq(actor.kind),
            audit_log::actor_user_id.eq(actor.user_id),
            audit_log::actor_seeker_id.eq(actor.seeker_id),
            audit_log::actor_label.eq(&actor.label),
            audit_log::action.eq(entry.action),
            audit_log::subject_kind.eq(entry.subject_kind),
            audit_log::subject_id.eq(entry.subject_id),
            audit_log::detail.eq(&entry.detail),
            audit_log::ip.eq(&actor.ip),
        ))
        .execute(c)?);
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

/// Filters for the admin page; every field is optional.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub actor_user_id: Option<i64>,
    pub subject_kind: Option<String>,
    pub subject_id: Option<i64>,
    pub action: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

pub fn search(
    conn: &mut impl AsTx,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<AuditRow>> {
    Ok(with_conn!(conn, |c| {
        let mut query = audit_log::table.into_boxed();
        if let Some(id) = filter.actor_user_id {
            query = query.filter(audit_log::actor_user_id.eq(id));
        }
        if let Some(kind) = &filter.subject_kind {
            query = query.filter(audit_log::subject_kind.eq(kind.clone()));
        }
        if let Some(id) = filter.subject_id {
            query = query.filter(audit_log::subject_id.eq(id));
        }
        if let Some(action) = &filter.action {
            query = query.filter(audit_log::action.eq(action.clone()));
        }
        if let Some(from) = filter.from {
            query = query.filter(audit_log::at.ge(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_log::at.lt(until));
        }
        query
            .order((audit_log::at.desc(), audit_log::id.desc()))
            .limit(limit)
            .offset(offset)
            .select(AuditRow::as_select())
            .load(c)?
    }))
}
