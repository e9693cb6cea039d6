//! The search layer: indexes of vacancies and profiles that narrow the
//! candidates for matching and answer job seekers' keyword searches.
//!
//! [`MatchIndex`] is implemented by two engines: [`embedded::EmbeddedIndex`]
//! (tantivy, on disk in `<data dir>/search/`, the default) and
//! [`meilisearch::MeilisearchIndex`] (production). [`open`] picks one from
//! the configuration and returns it as `Arc<dyn MatchIndex>`, so web
//! handlers and workers share one handle without knowing which it is.
//!
//! The narrowing itself is engine-independent: [`narrowing`] builds a typed
//! [`filter::Filter`] that each engine evaluates (Meilisearch as an escaped
//! filter string, the embedded engine as tantivy queries). Filters are a
//! superset of `domain::matching::assess`: an engine may return candidates
//! that `assess` refuses, never leave out one it accepts.

pub mod documents;
pub mod embedded;
pub mod filter;
mod filter_cache;
mod meili_http;
pub mod meilisearch;
pub mod narrowing;
pub mod settings;

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;

use crate::config::{Config, SearchEngineKind};
use crate::domain::profile::Profile;
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::Vacancy;

pub use documents::{ProfileDoc, VacancyDoc};
pub use filter::{Filter, FilterError};
pub use narrowing::{Near, ServiceScope, VacancySearch};
pub use settings::IndexKind;

/// The index name prefix used when `FAIRCHANCE_SEARCH_PREFIX` is not set;
/// tests use their own so each run gets fresh indexes.
pub const DEFAULT_PREFIX: &str = crate::config::DEFAULT_SEARCH_PREFIX;

/// Why the search layer failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// A settings file could not be read.
    #[error("search settings: {0}")]
    Settings(String),
    /// A filter could not be expressed.
    #[error("search filter: {0}")]
    Filter(#[from] FilterError),
    /// The embedded engine failed.
    #[error("embedded search index: {0}")]
    Embedded(String),
    /// Meilisearch could not be reached or answered with an error.
    #[error("meilisearch: {0}")]
    Meilisearch(String),
    /// A write running on a task of its own stopped before it answered.
    #[error("search index write stopped: {0}")]
    Interrupted(String),
    /// A Meilisearch task failed; the write did not happen.
    #[error("meilisearch task {task_uid} failed ({code}): {message}")]
    TaskFailed {
        /// The task's uid.
        task_uid: u32,
        /// Meilisearch's error code, such as `invalid_document_id`.
        code: String,
        /// Meilisearch's message.
        message: String,
    },
    /// A Meilisearch task did not finish in time; it may still succeed, so
    /// the caller should retry the (idempotent) write.
    #[error("meilisearch task {task_uid} did not finish within {seconds} s")]
    TaskTimeout {
        /// The task's uid.
        task_uid: u32,
        /// How long we waited.
        seconds: u64,
    },
    /// A document was refused before it was sent: the engine would store
    /// it, but it would break the filters (a point off the Earth, a bad id).
    #[error("document {id} refused ({code}): {message}")]
    InvalidDocument {
        /// The document's id.
        id: i64,
        /// A code in Meilisearch's style, such as `invalid_document_geo_field`.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
    /// An index name is not allowed.
    #[error("invalid index prefix {0:?}: use letters, digits, '-' and '_' only")]
    InvalidPrefix(String),
}

/// What applying the settings found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingsOutcome {
    /// An index was created or rebuilt empty, so the caller should reindex
    /// from the database.
    pub reindex_needed: bool,
}

/// How many documents each index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DocumentCounts {
    /// Vacancy documents.
    pub vacancies: u64,
    /// Profile documents.
    pub profiles: u64,
}

/// One result: a document id and, for keyword queries, its relevance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// The vacancy or profile id.
    pub id: i64,
    /// 0 to 1, higher is better, comparable only within one result list;
    /// `None` for filter-only queries, which are unranked.
    pub relevance: Option<f64>,
}

impl Hit {
    /// A hit of a filter-only query, which is unranked.
    pub fn unranked(id: i64) -> Self {
        Hit {
            id,
            relevance: None,
        }
    }
}

/// A query against one index.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Which documents may be returned.
    pub filter: Filter,
    /// Keywords; when given, only documents matching them are returned,
    /// best first. With no `limit` every matching document is returned,
    /// however many there are (engines work round their own hit caps).
    pub text: Option<String>,
    /// The most hits to return; `None` returns every document the filter
    /// admits (the engines page through them).
    pub limit: Option<usize>,
}

impl Query {
    /// A vacancy search's words (none when blank) and limit, within `filter`.
    fn searching(filter: Filter, search: &VacancySearch) -> Self {
        let text = search.text.trim();
        Query {
            filter,
            text: (!text.is_empty()).then(|| text.to_owned()),
            limit: search.limit,
        }
    }
}

/// Options for candidate queries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CandidateOptions {
    /// Keywords that further narrow (and rank) the candidates.
    pub keywords: Option<String>,
    /// The most candidates to return.
    pub limit: Option<usize>,
}

/// The index operations both engines provide. Writes return once the
/// documents are searchable (Meilisearch tasks are awaited), so a caller can
/// read its own writes; a failed write is an error, never ignored.
///
/// Candidate queries without keywords and without a limit return a superset
/// of the eligible set: run `domain::matching::assess` on each hit.
#[async_trait]
pub trait MatchIndex: Send + Sync {
    /// `"embedded"` or `"meilisearch"`, for logs and the health page.
    fn engine_name(&self) -> &'static str;

    /// The taxonomy the documents and synonyms come from.
    fn taxonomy(&self) -> &Taxonomy;

    /// Creates the indexes if needed and applies the settings; idempotent,
    /// safe to call at every start.
    async fn apply_settings(&self) -> Result<SettingsOutcome, SearchError>;

    /// Adds or replaces vacancy documents (by `id`), in batches.
    async fn upsert_vacancies(&self, docs: &[VacancyDoc]) -> Result<(), SearchError>;

    /// Adds or replaces profile documents (by `id`), in batches.
    async fn upsert_profiles(&self, docs: &[ProfileDoc]) -> Result<(), SearchError>;

    /// Removes documents by id; unknown ids are ignored.
    async fn delete(&self, kind: IndexKind, ids: &[i64]) -> Result<(), SearchError>;

    /// Removes every document from both indexes (settings stay).
    async fn clear(&self) -> Result<(), SearchError>;

    /// Fresh, empty indexes with the current settings, under names of their
    /// own, for a full rebuild to fill while the live indexes go on
    /// answering; [`MatchIndex::promote`] then swaps them in. `None` when
    /// the engine rebuilds in place (the embedded engine serves one
    /// process, which answers from the database meanwhile).
    async fn staging(&self) -> Result<Option<std::sync::Arc<dyn MatchIndex>>, SearchError> {
        Ok(None)
    }

    /// Swaps the indexes `staged` (from [`MatchIndex::staging`]) in for the
    /// live ones in one step, and drops the old ones.
    async fn promote(&self, staged: &dyn MatchIndex) -> Result<(), SearchError> {
        let _ = staged;
        Ok(())
    }

    /// Tidies the indexes after a full rebuild (the embedded engine merges
    /// its segments into one, so each query builds one set of scorers
    /// rather than one per segment); nothing on engines that do their own.
    async fn compact(&self) -> Result<(), SearchError> {
        Ok(())
    }

    /// The index uid of one kind, where the engine names its indexes.
    fn uid(&self, kind: IndexKind) -> Option<String> {
        let _ = kind;
        None
    }

    /// Whether the engine answers now (Meilisearch's `/health`; the
    /// embedded engine always does), for `/readyz`.
    async fn reachable(&self) -> Result<(), SearchError> {
        Ok(())
    }
    /// How many documents each index holds.
    async fn counts(&self) -> Result<DocumentCounts, SearchError>;
    /// Every document of one index, by id, with its content version
    /// (`documents::content_version`); -1 for a document written before
    /// documents carried one (never equal to a real version).
    async fn versions(
        &self,
        kind: IndexKind,
    ) -> Result<std::collections::HashMap<i64, i64>, SearchError>;

    /// Runs a query against one index.
    async fn query(&self, kind: IndexKind, query: &Query) -> Result<Vec<Hit>, SearchError>;

    /// Indexes one vacancy (any status: the filters skip those not open).
    async fn index_vacancy(&self, vacancy: &Vacancy) -> Result<(), SearchError> {
        let doc = VacancyDoc::build(vacancy, self.taxonomy());
        self.upsert_vacancies(std::slice::from_ref(&doc)).await
    }

    /// Indexes one profile, its licence conditions as in force on `today`.
    async fn index_profile(&self, profile: &Profile, today: NaiveDate) -> Result<(), SearchError> {
        let doc = ProfileDoc::build(profile, self.taxonomy(), today);
        self.upsert_profiles(std::slice::from_ref(&doc)).await
    }

    /// Vacancies that may suit the profile today.
    async fn candidate_vacancies(
        &self,
        profile: &Profile,
        today: NaiveDate,
        options: &CandidateOptions,
    ) -> Result<Vec<Hit>, SearchError> {
        let filter = narrowing::vacancies_for_profile(profile, today, self.taxonomy());
        self.query(
            IndexKind::Vacancies,
            &Query {
                filter,
                text: options.keywords.clone(),
                limit: options.limit,
            },
        )
        .await
    }

    /// Profiles in scope that may suit the vacancy today.
    async fn candidate_profiles(
        &self,
        vacancy: &Vacancy,
        scope: &ServiceScope,
        today: NaiveDate,
        options: &CandidateOptions,
    ) -> Result<Vec<Hit>, SearchError> {
        let filter = narrowing::profiles_for_vacancy(vacancy, scope, today);
        self.query(
            IndexKind::Profiles,
            &Query {
                filter,
                text: options.keywords.clone(),
                limit: options.limit,
            },
        )
        .await
    }

    /// A keyword search over open vacancies, typo-tolerant and
    /// synonym-aware, best first, with the sector, hours and distance given.
    async fn search_vacancies(
        &self,
        search: &VacancySearch,
        today: NaiveDate,
    ) -> Result<Vec<Hit>, SearchError> {
        let filter = narrowing::keyword_filter(search, today);
        self.query(IndexKind::Vacancies, &Query::searching(filter, search))
            .await
    }

    /// A job seeker's search: every open vacancy that may suit the person
    /// today ([`narrowing::seeker_filter`]) and meets their choices and
    /// words, best first when words are given. A superset of what `assess`
    /// and [`VacancySearch::admits`] accept.
    async fn seeker_vacancies(
        &self,
        profile: &Profile,
        search: &VacancySearch,
        today: NaiveDate,
    ) -> Result<Vec<Hit>, SearchError> {
        let filter = narrowing::seeker_filter(profile, search, today, self.taxonomy());
        self.query(IndexKind::Vacancies, &Query::searching(filter, search))
            .await
    }
}

/// A short digest of everything that decides how documents are indexed:
/// both indexes' settings (with the taxonomy applied) and the documents'
/// fields. Stored in the database after a full rebuild; a start that finds
/// another (or none) rebuilds in full, since documents written under other
/// settings or fields may be missing from filters the new code relies on.
pub fn settings_fingerprint(taxonomy: &Taxonomy) -> Result<String, SearchError> {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    for kind in IndexKind::ALL {
        let json = settings::settings_json(kind, taxonomy)?;
        // serde_json's maps are sorted, so equal settings give equal text.
        hash.update(kind.base_name());
        hash.update(json.to_string());
        let fields = match kind {
            IndexKind::Vacancies => documents::VACANCY_FIELDS,
            IndexKind::Profiles => documents::PROFILE_FIELDS,
        };
        for field in fields {
            hash.update(format!("{}:{:?};", field.name, field.kind));
        }
    }
    let digest = hash.finalize();
    Ok(digest[..8].iter().map(|b| format!("{b:02x}")).collect())
}

/// Checks an index name prefix: Meilisearch index uids allow letters,
/// digits, `-` and `_`, and the embedded engine uses it as a folder name.
pub fn check_prefix(prefix: &str) -> Result<(), SearchError> {
    if crate::config::is_index_prefix(prefix) {
        Ok(())
    } else {
        Err(SearchError::InvalidPrefix(prefix.to_owned()))
    }
}

/// Opens the engine the configuration names, with its index prefix
/// (`FAIRCHANCE_SEARCH_PREFIX`). Call [`MatchIndex::apply_settings`] next.
pub fn open(config: &Config, taxonomy: Arc<Taxonomy>) -> Result<Arc<dyn MatchIndex>, SearchError> {
    open_engine(
        &config.search,
        &config.data_dir,
        &config.search_prefix,
        taxonomy,
    )
}

/// Opens an engine with an explicit prefix (tests use a unique one).
pub fn open_engine(
    kind: &SearchEngineKind,
    data_dir: &Path,
    prefix: &str,
    taxonomy: Arc<Taxonomy>,
) -> Result<Arc<dyn MatchIndex>, SearchError> {
    check_prefix(prefix)?;
    Ok(match kind {
        SearchEngineKind::Embedded => Arc::new(embedded::EmbeddedIndex::open(
            &data_dir.join("search"),
            prefix,
            taxonomy,
        )?),
        SearchEngineKind::Meilisearch { url, api_key } => Arc::new(
            meilisearch::MeilisearchIndex::new(url, api_key.as_deref(), prefix, taxonomy)?,
        ),
    })
}
