//! What every command does first: settings, logs, database, migrations and
//! the taxonomy, each failure reported in one line.

use std::sync::Arc;

use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat};
use crate::domain::skills::Taxonomy;
use crate::search::IndexKind;
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
    /// The search engine does not answer (found by `/readyz` itself).
    Unreachable(String),
    /// Start-up: the index's settings are being applied and the database
    /// counted, before the check or rebuild begins.
    Starting,
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

/// A matcher over the configured search engine, opened without asking the
/// engine anything (Meilisearch is first called by [`plan_index`]), so the
/// web server can answer before the engine does.
pub fn matcher(services: &Services) -> Result<crate::matches::Matcher, StartupError> {
    let index = crate::search::open(&services.config, services.taxonomy.clone())
        .map_err(|e| StartupError::Search(e.to_string()))?;
    Ok(crate::matches::Matcher::new(
        services.store.clone(),
        index,
        services.taxonomy.clone(),
    ))
}

/// How the index is to be brought into step with the database: the rows
/// to go through (vacancies plus profiles; None only when the database has
/// none and the index is new), and whether every document is to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPlan {
    pub rebuild: Option<usize>,
    /// The index is new, or was built under other settings or document
    /// fields (or its last full rebuild never finished); otherwise only
    /// documents whose content version differs from the database's are
    /// written ([`crate::matches::Matcher::check`]).
    pub full: bool,
    /// The settings fingerprint to record once the rebuild is done.
    pub fingerprint: String,
}

/// The database key under which the fingerprint of the settings the index
/// was last fully built with is kept, per engine and index prefix.
fn fingerprint_key(services: &Services, matcher: &crate::matches::Matcher) -> String {
    format!(
        "search_index:{}:{}",
        matcher.index().engine_name(),
        services.config.search_prefix
    )
}

/// Applies the index settings and says how the index is to be brought into
/// step with the database: rebuilt in full when it is new, or when the
/// settings fingerprint recorded after its last full rebuild is not this
/// version's (settings or document fields changed, or that rebuild never
/// finished: a half-filled index is never trusted); else checked by
/// content (missing, stale and extra documents repaired; an index in step
/// costs no writes). Counts alone are not trusted: an index can hold the
/// right number of documents with the wrong content.
///
/// A live Meilisearch index built under other settings is left as it is
/// (other processes may be answering from it) and rebuilt beside it, then
/// swapped in ([`crate::matches::Matcher::reindex`]).
pub async fn plan_index(
    services: &Services,
    matcher: &crate::matches::Matcher,
) -> Result<IndexPlan, StartupError> {
    let search = |e: crate::search::SearchError| StartupError::Search(e.to_string());
    let fingerprint = crate::search::settings_fingerprint(&services.taxonomy).map_err(search)?;
    let key = fingerprint_key(services, matcher);
    let recorded = services
        .store
        .run(move |c| store::meta::get(c, &key))
        .await?;
    let settled = recorded.as_deref() == Some(fingerprint.as_str());
    let index = matcher.index();
    let full = if settled {
        index.apply_settings().await.map_err(search)?.reindex_needed
    } else {
        let held = index.counts().await.map_err(search)?;
        if held == crate::search::DocumentCounts::default()
            || index.uid(IndexKind::Vacancies).is_none()
        {
            // Nothing to keep answering from, or an engine that rebuilds in
            // place: the settings go on the live index.
            index.apply_settings().await.map_err(search)?;
        }
        true
    };
    let (vacancies, profiles) = services
        .store
        .run(|c| Ok((store::vacancies::count(c)?, store::profiles::count(c)?)))
        .await?;
    let rows = (vacancies + profiles) as usize;
    // Even an empty database is checked or rebuilt: the index may hold
    // documents whose rows are gone.
    Ok(IndexPlan {
        rebuild: Some(rows),
        full,
        fingerprint,
    })
}

/// Rebuilds the index in full, or (`plan.full` false) checks it by content
/// and repairs what differs, telling `status` how far it has got, and sets
/// it ready when done (or failed, with the reason). During a full rebuild
/// the matcher answers from the database instead of the index
/// ([`crate::matches::Matcher::set_index_complete`]), and the fingerprint
/// is recorded only once it is done, so a rebuild cut short is redone.
pub async fn rebuild_index(
    services: &Services,
    matcher: &crate::matches::Matcher,
    plan: &IndexPlan,
    status: &IndexStatus,
) -> Result<(), StartupError> {
    let total = plan.rebuild.unwrap_or(0);
    let full = plan.full;
    tracing::info!(
        engine = matcher.index().engine_name(),
        rows = total,
        "{} the search index against the database",
        if full { "rebuilding" } else { "checking" }
    );
    let started = std::time::Instant::now();
    status.set(IndexState::Indexing { done: 0, total });
    if full {
        matcher.set_index_complete(false);
        record_fingerprint(services, matcher, "rebuilding".into()).await?;
    }
    let mut vacancies_done = 0;
    let show = |kind, done, _| {
        let done = match kind {
            crate::search::IndexKind::Vacancies => {
                vacancies_done = done;
                done
            }
            crate::search::IndexKind::Profiles => vacancies_done + done,
        };
        status.set(IndexState::Indexing { done, total });
    };
    let rebuilt = if full {
        matcher.reindex(show).await.map(|_| None)
    } else {
        matcher.check(show).await.map(Some)
    };
    match rebuilt {
        Ok(report) => {
            if full {
                record_fingerprint(services, matcher, plan.fingerprint.clone()).await?;
                matcher.set_index_complete(true);
            }
            status.set(IndexState::Ready);
            let seconds = started.elapsed().as_secs_f64();
            match report {
                None => tracing::info!(seconds, "search index rebuilt"),
                Some(r) => tracing::info!(
                    seconds,
                    vacancies_missing = r.vacancies.missing,
                    vacancies_stale = r.vacancies.stale,
                    vacancies_extra = r.vacancies.extra,
                    profiles_missing = r.profiles.missing,
                    profiles_stale = r.profiles.stale,
                    profiles_extra = r.profiles.extra,
                    "search index checked"
                ),
            }
            Ok(())
        }
        Err(e) => {
            status.set(IndexState::Failed(e.to_string()));
            Err(StartupError::Search(e.to_string()))
        }
    }
}

/// Records that the index was just rebuilt in full under this version's
/// settings (`fairchance reindex`).
pub async fn record_full_rebuild(
    services: &Services,
    matcher: &crate::matches::Matcher,
) -> Result<(), StartupError> {
    let fingerprint = crate::search::settings_fingerprint(&services.taxonomy)
        .map_err(|e| StartupError::Search(e.to_string()))?;
    record_fingerprint(services, matcher, fingerprint).await
}

/// Stores `value` under the index's fingerprint key ([`fingerprint_key`]).
async fn record_fingerprint(
    services: &Services,
    matcher: &crate::matches::Matcher,
    value: String,
) -> Result<(), StartupError> {
    let key = fingerprint_key(services, matcher);
    services
        .store
        .run(move |c| store::meta::set(c, &key, &value))
        .await?;
    Ok(())
}

/// Fills the matcher's in-memory copies with every row
/// ([`crate::matches::Matcher::warm`]) and logs how it went: `serve` and
/// `worker` call it once the index is ready, beside their other work. A
/// failure only means rows are read as they are asked for.
pub async fn fill_copies(matcher: &crate::matches::Matcher) {
    let started = std::time::Instant::now();
    match matcher.warm().await {
        Ok((vacancies, profiles)) => tracing::info!(
            vacancies,
            profiles,
            seconds = started.elapsed().as_secs_f64(),
            "in-memory copies filled"
        ),
        Err(e) => tracing::warn!(
            error = %e,
            "the in-memory copies could not be filled; rows are read as asked for"
        ),
    }
}

/// Opens the configured search engine, applies its settings, and brings it
/// into step with the database (see [`plan_index`]) before returning (the
/// command-line worker and tests; `serve` does this in the background).
pub async fn open_matcher(services: &Services) -> Result<crate::matches::Matcher, StartupError> {
    let matcher = matcher(services)?;
    let plan = plan_index(services, &matcher).await?;
    rebuild_index(services, &matcher, &plan, &IndexStatus::default()).await?;
    Ok(matcher)
}
