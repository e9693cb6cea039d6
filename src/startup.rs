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

/// Where the search index stands while the service runs: in step with the
/// database, being rebuilt (with how far it has got), or failing to
/// rebuild. `/readyz` reports it; the worker waits for it.
#[derive(Clone, Debug, Default)]
pub struct IndexStatus(Arc<std::sync::RwLock<IndexState>>);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum IndexState {
    /// In step with the database.
    #[default]
    Ready,
    /// Being rebuilt: `done` of `total` documents written so far.
    Indexing { done: usize, total: usize },
    /// The last rebuild attempt failed (it is tried again).
    Failed(String),
}

impl IndexStatus {
    pub fn new(state: IndexState) -> Self {
        Self(Arc::new(std::sync::RwLock::new(state)))
    }

    pub fn get(&self) -> IndexState {
        self.0.read().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn set(&self, state: IndexState) {
        if let Ok(mut s) = self.0.write() {
            *s = state;
        }
    }
}

/// A matcher whose index may still need rebuilding from the database.
pub struct OpenedMatcher {
    pub matcher: crate::matches::Matcher,
    /// The documents a rebuild writes (vacancies plus profiles), when the
    /// index is new or out of step; None when it is in step.
    pub rebuild: Option<usize>,
}

/// Opens the configured search engine and applies its settings, and says
/// whether the index must be rebuilt from the database (it is new, or its
/// counts differ from the database's: the index is derived data).
pub async fn prepare_matcher(services: &Services) -> Result<OpenedMatcher, StartupError> {
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
    let rebuild = (outcome.reindex_needed || !in_step).then_some((vacancies + profiles) as usize);
    Ok(OpenedMatcher { matcher, rebuild })
}

/// Rebuilds the index, telling `status` how far it has got, and sets it
/// ready when done (or failed, with the reason).
pub async fn rebuild_index(
    matcher: &crate::matches::Matcher,
    total: usize,
    status: &IndexStatus,
) -> Result<(), StartupError> {
    tracing::info!(
        engine = matcher.index().engine_name(),
        documents = total,
        "rebuilding the search index from the database"
    );
    let started = std::time::Instant::now();
    status.set(IndexState::Indexing { done: 0, total });
    let mut vacancies_done = 0;
    let rebuilt = matcher
        .reindex(|kind, done, _| {
            let done = match kind {
                crate::search::IndexKind::Vacancies => {
                    vacancies_done = done;
                    done
                }
                crate::search::IndexKind::Profiles => vacancies_done + done,
            };
            status.set(IndexState::Indexing { done, total });
        })
        .await;
    match rebuilt {
        Ok(_) => {
            status.set(IndexState::Ready);
            tracing::info!(
                seconds = started.elapsed().as_secs_f64(),
                "search index rebuilt"
            );
            Ok(())
        }
        Err(e) => {
            status.set(IndexState::Failed(e.to_string()));
            Err(StartupError::Search(e.to_string()))
        }
    }
}

/// Opens the configured search engine, applies its settings, and rebuilds
/// it from the database when it is new or out of step, before returning
/// (the command-line worker and tests; `serve` rebuilds in the background).
pub async fn open_matcher(services: &Services) -> Result<crate::matches::Matcher, StartupError> {
    let opened = prepare_matcher(services).await?;
    if let Some(total) = opened.rebuild {
        rebuild_index(&opened.matcher, total, &IndexStatus::default()).await?;
    }
    Ok(opened.matcher)
}
