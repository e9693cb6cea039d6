//! Integration tokens: a service's own systems reach that service's profile
//! API with one, not as a person. The secret is stored only as a digest;
//! a token is refused from the moment it is revoked or expires.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{integration_tokens, services};
use super::{AsTx, StoreError, StoreResult};
use crate::access::actor::IntegrationActor;
use crate::access::{token, IntegrationScope};
use crate::with_conn;

/// A token as the administrators' list shows it.
#[derive(Clone, Debug, Queryable)]
pub struct IntegrationListing {
    pub id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub label: String,
    pub scope: String,
    pub prefix: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl IntegrationListing {
    /// Still accepted at `at`: not revoked and not past its expiry.
    pub fn is_live(&self, at: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > at
    }
}

/// A token to create.
pub struct NewIntegration<'a> {
    pub service_id: i64,
    pub label: &'a str,
    pub scope: IntegrationScope,
    pub created_by: Option<i64>,
    pub expires_at: NaiveDateTime,
}

/// Creates a token and returns its id and secret (shown once).
pub fn create(
    conn: &mut impl AsTx,
    new: &NewIntegration,
    at: NaiveDateTime,
) -> StoreResult<(i64, String)> {
    let (secret, prefix) = token::new_api_secret(token::INTEGRATION_TOKEN_KIND);
    let id = with_conn!(conn, |c| diesel::insert_into(integration_tokens::table)
        .values((
            integration_tokens::service_id.eq(new.service_id),
            integration_tokens::label.eq(new.label),
            integration_tokens::scope.eq(new.scope.as_str()),
            integration_tokens::prefix.eq(&prefix),
            integration_tokens::token_hash.eq(token::digest(&secret)),
            integration_tokens::created_by.eq(new.created_by),
            integration_tokens::created_at.eq(at),
            integration_tokens::expires_at.eq(new.expires_at),
        ))
        .returning(integration_tokens::id)
        .get_result::<i64>(c)?);
    Ok((id, secret))
}

/// Every token, newest first, with its service's name.
pub fn list(conn: &mut impl AsTx) -> StoreResult<Vec<IntegrationListing>> {
    Ok(with_conn!(conn, |c| integration_tokens::table
        .inner_join(services::table)
        .order((
            integration_tokens::created_at.desc(),
            integration_tokens::id.desc()
        ))
        .select((
            integration_tokens::id,
            integration_tokens::service_id,
            services::name,
            integration_tokens::label,
            integration_tokens::scope,
            integration_tokens::prefix,
            integration_tokens::created_at,
            integration_tokens::expires_at,
            integration_tokens::last_used_at,
            integration_tokens::revoked_at,
        ))
        .load(c)?))
}

/// Revokes a live token; one already revoked (or none) is NotFound. Answers
/// its label.
pub fn revoke(conn: &mut impl AsTx, id: i64, at: NaiveDateTime) -> StoreResult<String> {
    let label: Option<String> = with_conn!(conn, |c| diesel::update(
        integration_tokens::table
            .filter(integration_tokens::id.eq(id))
            .filter(integration_tokens::revoked_at.is_null())
    )
    .set(integration_tokens::revoked_at.eq(at))
    .returning(integration_tokens::label)
    .get_result(c)
    .optional()?);
    label.ok_or(StoreError::NotFound)
}

/// The token behind a secret while it is live at `at` (unrevoked,
/// unexpired); records its use.
pub fn find(
    conn: &mut impl AsTx,
    secret: &str,
    at: NaiveDateTime,
) -> StoreResult<Option<IntegrationActor>> {
    let hash = token::digest(secret);
    type Found = (i64, i64, String, String, Option<NaiveDateTime>);
    let found: Option<Found> = with_conn!(conn, |c| {
        integration_tokens::table
            .filter(integration_tokens::token_hash.eq(&hash))
            .filter(integration_tokens::revoked_at.is_null())
            .filter(integration_tokens::expires_at.gt(at))
            .select((
                integration_tokens::id,
                integration_tokens::service_id,
                integration_tokens::label,
                integration_tokens::scope,
                integration_tokens::last_used_at,
            ))
            .first(c)
            .optional()?
    });
    let Some((token_id, service_id, label, scope, last_used)) = found else {
        return Ok(None);
    };
    let scope = IntegrationScope::parse(&scope)
        .ok_or_else(|| StoreError::Corrupt(format!("integration token {token_id}: {scope}")))?;
    if super::access::touch_due(last_used, at) {
        with_conn!(conn, |c| diesel::update(
            integration_tokens::table.find(token_id)
        )
        .set(integration_tokens::last_used_at.eq(at))
        .execute(c)?);
    }
    Ok(Some(IntegrationActor {
        token_id,
        service_id,
        label,
        scope,
    }))
}
