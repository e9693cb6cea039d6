//! Use cases: integration tokens. An administrator gives a service's own
//! systems (a nightly sync from the prison's records) a token for that
//! service's profile API, with a label, an expiry and a scope; the secret
//! is shown once. Revoking takes effect on the next request. Each change is
//! audited; each use of a token is audited by the profile use cases, under
//! the token's label.

use chrono::Duration;

use crate::access::IntegrationScope;
use crate::app::{AppState, Failure};
use crate::domain::FieldErrors;
use crate::store::audit::{self, Entry};
use crate::store::integrations::{self, IntegrationListing, NewIntegration};
use crate::store::people::{self, Service};
use crate::store::{now, AsTx, StoreResult};

/// What the administrators' page lists: every token, and the services a
/// new one can be for.
pub async fn overview(
    state: &AppState,
) -> Result<(Vec<IntegrationListing>, Vec<Service>), Failure> {
    crate::app::run(&state.store, |conn| {
        Ok((integrations::list(conn)?, people::list_services(conn)?))
    })
    .await
}

/// A token an administrator asks for.
#[derive(Clone, Debug)]
pub struct TokenRequest {
    pub service_id: i64,
    pub label: String,
    pub scope: IntegrationScope,
    /// Days until it stops working.
    pub days: i64,
}

fn record(
    conn: &mut impl AsTx,
    actor: &audit::Actor,
    action: &'static str,
    id: i64,
    detail: String,
) -> StoreResult<()> {
    let entry = Entry::about(action, "integration_token", Some(id)).with_detail(Some(detail));
    audit::record(conn, actor, entry, now())
}

/// Creates a token for one service; answers the secret, shown once. A
/// service that does not exist is an invalid `service_id`.
pub async fn create(
    state: &AppState,
    actor: audit::Actor,
    user_id: i64,
    request: TokenRequest,
) -> Result<String, Failure> {
    crate::app::run(&state.store, move |conn| {
        let services = people::list_services(conn)?;
        let Some(service) = services.iter().find(|s| s.id == request.service_id) else {
            return Err(Failure::Invalid(FieldErrors::single(
                "service_id",
                "Choose the service the token is for",
            )));
        };
        let detail = format!(
            "{} ({}) for {}",
            request.label,
            request.scope.as_str(),
            service.name
        );
        conn.write(|tx| {
            let at = now();
            let new = NewIntegration {
                service_id: request.service_id,
                label: &request.label,
                scope: request.scope,
                created_by: Some(user_id),
                expires_at: at + Duration::days(request.days),
            };
            let (id, secret) = integrations::create(tx, &new, at)?;
            record(tx, &actor, "integration_token.created", id, detail)?;
            Ok::<_, Failure>(secret)
        })
    })
    .await
}

/// Revokes a token: its next request is refused.
pub async fn revoke(state: &AppState, actor: audit::Actor, id: i64) -> Result<(), Failure> {
    crate::app::write(&state.store, move |tx| {
        let label = integrations::revoke(tx, id, now())?;
        record(tx, &actor, "integration_token.revoked", id, label)?;
        Ok(())
    })
    .await
}
