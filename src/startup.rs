//! What every command does first: settings, logs, database, migrations and
//! the taxonomy, each failure reported in one line.

use std::sync::Arc;

use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat};
use crate::domain::skills::Taxonomy;
use crate::store::{self, Store};

/// The taxonomy shipped with the binary.
pub const TAXONOMY_JSON: &str = include_str!("../search-config/taxonomy.json");

/// Everything a command needs once start-up has succeeded.
#[derive(Clone)]
pub struct Services {
    pub config: Arc<Config>,
    pub store: Store,
    pub taxonomy: Arc<Taxonomy>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration error: {0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Open(#[from] store::OpenError),
    #[error("database error: {0}")]
    Store(#[from] store::StoreError),
    #[error("search-config/taxonomy.json is invalid: {0}")]
    Taxonomy(String),
    #[error("search index: {0}")]
    Search(String),
}

/// The service's own messages, and only warnings and errors from the
/// libraries it uses (the search library logs every segment commit at
/// info). `FAIRCHANCE_LOG` replaces it.
pub const DEFAULT_LOG_FILTER: &str = "warn,fairchance=info";

pub fn init_logging(config: &Config) {
    let filter = std::env::var("FAIRCHANCE_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(DEFAULT_LOG_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests start several apps) is harmless.
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

pub fn load_taxonomy() -> Result<Taxonomy, StartupError> {
    Taxonomy::from_json(TAXONOMY_JSON).map_err(|e| StartupError::Taxonomy(e.to_string()))
}

/// Opens the database, applies pending migrations and mirrors the taxonomy.
pub fn open(config: Config) -> Result<Services, StartupError> {
    let taxonomy = load_taxonomy()?;
    let store = Store::open(&config.database, config.pool_size)?;
    let applied = store.migrate()?;
    if applied > 0 {
        tracing::info!(
            applied,
            backend = store.backend_name(),
            "applied migrations"
        );
    }
    let mut conn = store.conn()?;
    store::reference::sync_taxonomy(&mut conn, &taxonomy)?;
    Ok(Services {
        config: Arc::new(config),
        store,
        taxonomy: Arc::new(taxonomy),
    })
}

/// Opens the configured search engine, applies its settings, and rebuilds
/// it from the database when it is new or out of step (the index is derived
/// data: the database is the source of truth).
pub async fn open_matcher(services: &Services) -> Result<crate::matches::Matcher, StartupError> {
    let index = crate::search::open(&services.config, services.taxonomy.clone())
        .map_err(|e| StartupError::Search(e.to_string()))?;
    let outcome = index
        .apply_settings()
        .await
        .map_err(|e| StartupError::Search(e.to_string()))?;
    let matcher = crate::matches::Matcher::new(
        services.store.clone(),
        index.clone(),
        services.taxonomy.clone(),
    );
    let counts = index
        .counts()
        .await
        .map_err(|e| StartupError::Search(e.to_string()))?;
    let (vacancies, profiles) = services
        .store
        .run(|c| Ok((store::vacancies::count(c)?, store::profiles::count(c)?)))
        .await?;
    let in_step = counts.vacancies == vacancies as u64 && counts.profiles == profiles as u64;
    if outcome.reindex_needed || !in_step {
        tracing::info!(
            engine = index.engine_name(),
            vacancies,
            profiles,
            "rebuilding the search index from the database"
        );
        let started = std::time::Instant::now();
        matcher
            .reindex(|_, _, _| {})
            .await
            .map_err(|e| StartupError::Search(e.to_string()))?;
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            "search index rebuilt"
        );
    }
    Ok(matcher)
}
