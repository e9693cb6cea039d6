//! `/healthz`: the process is up (it answers from the first moment).
//! `/readyz`: the database answers, its migrations are current and the
//! search index is in step (not being rebuilt), so a load balancer may send
//! traffic; while the index is rebuilt it says how far it has got. Both name
//! unsafe settings under `warnings` (demo data on a reachable address).

use actix_web::{web, HttpResponse};
use serde_json::json;

use super::AppState;
use crate::startup::IndexState;

/// The index's state for `/readyz`, with a sentence for people.
fn describe(state: &IndexState) -> serde_json::Value {
    match state {
        IndexState::Ready => json!({ "state": "ready" }),
        IndexState::Indexing { done, total } => json!({
            "state": "indexing",
            "done": done,
            "total": total,
            "message": format!(
                "indexing {} of {}",
                crate::web::seeker::grouped(*done),
                crate::web::seeker::grouped(*total)
            ),
        }),
        IndexState::Failed(reason) => json!({
            "state": "failed",
            "message": format!("the search index cannot be rebuilt: {reason}; trying again"),
        }),
        IndexState::Starting => json!({
            "state": "starting",
            "message": "applying the search index settings before checking it against the database",
        }),
        IndexState::Unreachable(reason) => json!({
            "state": "unreachable",
            "message": format!(
                "the search engine does not answer ({reason}); changes wait in the job queue and are retried"
            ),
        }),
    }
}

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let store = state.store.clone();
    let backend = store.backend_name();
    let warnings = state.config.warnings();
    let checked = tokio::task::spawn_blocking(move || store.migrations_current()).await;
    let mut index = state.index_status.get();
    // A search engine that does not answer (Meilisearch down or out of
    // reach) makes the service not ready, whatever the index's state.
    if index == IndexState::Ready {
        let probe = tokio::time::timeout(
            std::time::Duration::from_secs(2),
            state.matcher.index().reachable(),
        )
        .await;
        let reason = match probe {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some("no answer within 2 s".to_owned()),
        };
        if let Some(reason) = reason {
            index = IndexState::Unreachable(reason);
        }
    }
    match checked {
        Ok(Ok(true)) if index != IndexState::Ready => {
            HttpResponse::ServiceUnavailable().json(json!({
                "status": "not_ready",
                "database": { "backend": backend, "reachable": true, "migrations": "current" },
                "index": describe(&index),
                "warnings": warnings,
            }))
        }
        Ok(Ok(true)) => HttpResponse::Ok().json(json!({
            "status": "ready",
            "database": { "backend": backend, "reachable": true, "migrations": "current" },
            "index": describe(&index),
            "warnings": warnings,
        })),
        Ok(Ok(false)) => HttpResponse::ServiceUnavailable().json(json!({
            "status": "not_ready",
            "database": { "backend": backend, "reachable": true, "migrations": "pending" },
        })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({
                "status": "not_ready",
                "database": { "backend": backend, "reachable": false },
            }))
        }
        Err(e) => {
            tracing::error!(error = %e, "readiness check panicked");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "not_ready" }))
        }
    }
}
