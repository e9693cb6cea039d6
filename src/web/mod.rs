//! The actix-web application: health endpoints, pages per audience and the
//! JSON API.

pub mod account;
pub mod admin;
pub mod api;
pub mod auth;
pub mod client_ip;
pub mod csv_import;
pub mod employer;
pub mod errors;
pub mod extract;
pub mod health;
pub mod i18n;
pub mod officer;
pub mod pages;
pub mod routes;
pub mod security;
pub mod terminal;
pub mod view;

// The job-seeker pages' wording, which other audiences reuse, by its old
// path.
pub use terminal::seeker;

use std::time::Duration;

use actix_web::{web, App, HttpServer};

use crate::startup::Services;

pub use crate::app::AppState;

/// Registers every route. Tests build the same app.
pub fn configure(state: AppState) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg: &mut web::ServiceConfig| {
        let https = state.config.is_https();
        cfg.app_data(web::Data::new(state))
            .app_data(
                web::FormConfig::default()
                    .limit(256 * 1024)
                    .error_handler(errors::form_error),
            )
            .app_data(
                web::JsonConfig::default()
                    .limit(1024 * 1024)
                    .error_handler(errors::json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(errors::query_error))
            .app_data(web::PathConfig::default().error_handler(errors::path_error))
            .service(
                web::scope("")
                    .wrap(auth::Authenticate)
                    // A method the route table does not list for a known
                    // path is 405, before anything else is judged.
                    .wrap_fn(|req, srv| {
                        let call = match routes::undeclared_method(req.method(), req.path()) {
                            Some(allow) => {
                                let res = errors::method_not_allowed(req.request(), &allow);
                                Err(req.into_response(res))
                            }
                            None => Ok(actix_web::dev::Service::call(srv, req)),
                        };
                        async move {
                            match call {
                                Err(res) => Ok(res.map_into_boxed_body()),
                                Ok(call) => call.await.map(|r| r.map_into_boxed_body()),
                            }
                        }
                    })
                    .wrap(security::SecurityHeaders { https })
                    .configure(routes::register)
                    .default_service(web::to(errors::not_found)),
            );
    }
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Startup(#[from] crate::startup::StartupError),
    #[error("{0}")]
    Other(String),
}

/// The index's settings, then its check or rebuild (all tried again every
/// 10 s while they fail, say while Meilisearch is unreachable), then the
/// worker, until `shutdown`.
async fn background(
    services: Services,
    matcher: crate::matches::Matcher,
    status: crate::startup::IndexStatus,
    worker: Option<crate::jobs::Worker>,
    mut shutdown: crate::jobs::Shutdown,
) {
    loop {
        let attempt = async {
            status.set(crate::startup::IndexState::Starting);
            let plan = crate::startup::plan_index(&services, &matcher).await?;
            crate::startup::rebuild_index(&services, &matcher, &plan, &status).await
        };
        tokio::select! {
            done = attempt => {
                match done {
                    Ok(()) => break,
                    Err(e) => {
                        status.set(crate::startup::IndexState::Failed(e.to_string()));
                        tracing::error!(error = %e, "the search index cannot be brought into step; trying again in 10 s");
                    }
                }
            }
            _ = shutdown.requested() => return,
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(10)) => {}
            _ = shutdown.requested() => return,
        }
    }
    // The copies are filled beside the worker: the first officer's page or
    // search after a start then reads no rows (see `Matcher::warm`).
    let warm = crate::startup::fill_copies(&matcher);
    let mut stop = shutdown.clone();
    let work = async move {
        if let Some(worker) = worker {
            worker.run(shutdown).await;
        }
    };
    tokio::join!(
        async {
            tokio::select! {
                () = warm => {}
                _ = stop.requested() => {}
            }
        },
        work
    );
}

/// Binds and runs the server until SIGTERM or Ctrl-C, then drains requests.
pub async fn serve(services: Services) -> Result<(), ServeError> {
    // The server answers at once; the index is brought into step in the
    // background (rebuilt when new or its settings changed, else checked
    // by content and only what differs written; documents are replaced in
    // place, never blanked), `/readyz` says 503 with the progress until it
    // is done, and the worker starts only then, so no matching run reads a
    // half-built index and no repair races a live write.
    // Nothing here asks the search engine: a Meilisearch that is down or
    // slow to apply new settings delays readiness, not the server.
    let matcher = crate::startup::matcher(&services)?;
    let status = crate::startup::IndexStatus::new(crate::startup::IndexState::Starting);
    // The worker runs beside the server unless separate workers do the job.
    let worker = if services.config.run_worker {
        Some(
            crate::jobs::Worker::new(services.clone())
                .map_err(|e| {
                    ServeError::Other(format!("cannot set up email (FAIRCHANCE_SMTP_URL): {e}"))
                })?
                .matcher(matcher.clone()),
        )
    } else {
        None
    };
    let (trigger, shutdown) = crate::jobs::shutdown_channel();
    let background = tokio::spawn(background(
        services.clone(),
        matcher.clone(),
        status.clone(),
        worker,
        shutdown,
    ));
    let state = AppState::new(services, matcher).with_index_status(status);
    let bind = state.config.bind;
    let factory_state = state.clone();
    let server = HttpServer::new(move || App::new().configure(configure(factory_state.clone())))
        .shutdown_timeout(20)
        .client_request_timeout(Duration::from_secs(30))
        .bind(bind)
        .map_err(|e| {
            ServeError::Other(format!("cannot listen on {bind} (FAIRCHANCE_BIND): {e}"))
        })?;
    // The last line of start-up: where to point a browser.
    tracing::info!(
        "listening on {} (bound to {bind}; database: {}; search: {})",
        state.config.base_url,
        state.store.backend_name(),
        match &state.config.search {
            crate::config::SearchEngineKind::Embedded => "embedded index".to_string(),
            crate::config::SearchEngineKind::Meilisearch { url, .. } =>
                format!("Meilisearch at {url}"),
        }
    );
    let served = server.run().await;
    // The server has drained its requests; let the worker finish its batch
    // (a rebuild still running stops; the next start completes it).
    trigger.trigger();
    let _ = background.await;
    served.map_err(|e| ServeError::Other(format!("server stopped: {e}")))
}
