//! `/healthz`: the process is up. `/readyz`: the database answers and its
//! migrations are current, so a load balancer may send traffic. Both name
//! unsafe settings under `warnings` (demo data on a reachable address).

use actix_web::{web, HttpResponse};
use serde_json::json;

use super::AppState;

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let store = state.store.clone();
    let backend = store.backend_name();
    let warnings = state.config.warnings();
    let checked = tokio::task::spawn_blocking(move || store.migrations_current()).await;
    match checked {
        Ok(Ok(true)) => HttpResponse::Ok().json(json!({
            "status": "ready",
            "database": { "backend": backend, "reachable": true, "migrations": "current" },
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
