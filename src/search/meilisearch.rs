//! The Meilisearch engine, through `meilisearch-sdk`.
//!
//! Indexes are created with the explicit primary key `id`. Every write is a
//! Meilisearch task; each one is awaited, and a task that failed or did not
//! finish in time becomes an error (the caller's job is retried), so no
//! failed write goes unnoticed. Filter-only queries page through
//! `POST /indexes/{uid}/documents/fetch`, which has no `maxTotalHits` cap,
//! so narrowing never truncates; keyword queries use `search`, split by id
//! ranges when one answer would pass `maxTotalHits`, so they never truncate
//! either.

use std::ops::Bound;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use meilisearch_sdk::client::Client;
use meilisearch_sdk::documents::DocumentsQuery;
use meilisearch_sdk::errors::{Error as SdkError, ErrorCode};
use meilisearch_sdk::search::Selectors;
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use serde::Deserialize;

use super::documents::{IndexDocument, ProfileDoc, VacancyDoc};
use super::filter::{Filter, MeilisearchFilter, Number};
use super::meili_http::WholeBodyClient;
use super::settings::{settings_json, IndexKind};
use super::{DocumentCounts, Hit, MatchIndex, Query, SearchError, SettingsOutcome};
use crate::domain::skills::Taxonomy;

/// Documents per write request.
pub const BATCH_SIZE: usize = 1_000;
/// Documents per page when listing what a filter admits. Meilisearch
/// evaluates the whole filter again for every page, so pages are large:
/// most narrowings (a vacancy's candidate profiles number about 2,000 at
/// national scale) then take one request, and a page of ids is small.
pub const PAGE_SIZE: usize = 10_000;
/// The most hits a keyword search may ask for; the settings files set
/// `pagination.maxTotalHits` to this.
const MAX_TOTAL_HITS: usize = 10_000;

fn sdk(error: SdkError) -> SearchError {
    SearchError::Meilisearch(error.to_string())
}

/// A failed task as an error carrying Meilisearch's code and message.
fn task_failed(task: &TaskInfo, content: meilisearch_sdk::tasks::FailedTask) -> SearchError {
    SearchError::TaskFailed {
        task_uid: task.task_uid,
        code: content.error.error_code.to_string(),
        message: content.error.error_message,
    }
}

#[derive(Deserialize)]
struct IdOnly {
    id: i64,
}

#[derive(Deserialize)]
struct IdVersion {
    id: i64,
    #[serde(default)]
    version: Option<i64>,
}

/// A staging index left by a rebuild that never finished (its process
/// died) is deleted by the next rebuild once it is this old.
const STAGING_ABANDONED_AFTER_MS: i64 = 6 * 3_600_000;

/// The Meilisearch-backed [`MatchIndex`].
#[derive(Clone)]
pub struct MeilisearchIndex {
    client: Client<WholeBodyClient>,
    /// For the one request the SDK has no typed form of: the settings as
    /// written in the shipped files ([`super::settings::settings_json`]).
    raw: WholeBodyClient,
    url: String,
    vacancies: String,
    profiles: String,
    taxonomy: Arc<Taxonomy>,
    poll_interval: Duration,
    task_timeout: Duration,
    request_timeout: Duration,
}

impl MeilisearchIndex {
    /// A client for the server at `url`; index uids are `<prefix>vacancies`
    /// and `<prefix>profiles`. Nothing is sent until the first call.
    pub fn new(
        url: &str,
        api_key: Option<&str>,
        prefix: &str,
        taxonomy: Arc<Taxonomy>,
    ) -> Result<Self, SearchError> {
        super::check_prefix(prefix)?;
        let url = url.trim_end_matches('/');
        let http = WholeBodyClient::new(api_key).map_err(sdk)?;
        Ok(Self {
            client: Client::new_with_client(url, api_key, http.clone()),
            raw: http,
            url: url.to_owned(),
            vacancies: format!("{prefix}{}", IndexKind::Vacancies.base_name()),
            profiles: format!("{prefix}{}", IndexKind::Profiles.base_name()),
            taxonomy,
            poll_interval: Duration::from_millis(50),
            task_timeout: Duration::from_secs(120),
            request_timeout: Duration::from_secs(30),
        })
    }

    /// How often to poll a task and how long to wait for it.
    pub fn with_task_wait(mut self, poll_interval: Duration, timeout: Duration) -> Self {
        self.poll_interval = poll_interval;
        self.task_timeout = timeout;
        self
    }

    /// How long one request may wait for its answer: a server that
    /// accepts connections but does not answer (stopped, overloaded) then
    /// fails the write, and the job is retried with backoff, instead of
    /// holding a worker until it answers.
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// One request, or the SDK's timeout error when it is not answered in
    /// time.
    async fn answered<T>(
        &self,
        request: impl std::future::Future<Output = Result<T, SdkError>>,
    ) -> Result<T, SdkError> {
        tokio::time::timeout(self.request_timeout, request)
            .await
            .unwrap_or(Err(SdkError::Timeout))
    }

    /// The index uid of one kind.
    pub fn index_uid(&self, kind: IndexKind) -> &str {
        match kind {
            IndexKind::Vacancies => &self.vacancies,
            IndexKind::Profiles => &self.profiles,
        }
    }

    /// Waits for a task; a failed task is an error carrying Meilisearch's
    /// code and message.
    async fn wait(&self, task: &TaskInfo) -> Result<(), SearchError> {
        match self.finished(task).await? {
            Task::Failed { content } => Err(task_failed(task, content)),
            _ => Ok(()),
        }
    }

    async fn finished(&self, task: &TaskInfo) -> Result<Task, SearchError> {
        let waited = tokio::time::timeout(
            self.task_timeout + self.request_timeout,
            self.client
                .wait_for_task(task, Some(self.poll_interval), Some(self.task_timeout)),
        )
        .await
        .unwrap_or(Err(SdkError::Timeout));
        match waited {
            Ok(done) => Ok(done),
            Err(SdkError::Timeout) => Err(SearchError::TaskTimeout {
                task_uid: task.task_uid,
                seconds: self.task_timeout.as_secs(),
            }),
            Err(other) => Err(sdk(other)),
        }
    }

    /// Waits for every task, so none is left unobserved, and returns the
    /// first error.
    async fn wait_all(&self, tasks: &[TaskInfo]) -> Result<(), SearchError> {
        let mut first_error = None;
        for task in tasks {
            if let Err(error) = self.wait(task).await {
                tracing::error!(%error, "meilisearch write failed");
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Creates the index with primary key `id` unless it exists; returns
    /// whether it was created.
    async fn ensure_index(&self, uid: &str) -> Result<bool, SearchError> {
        let task = self
            .answered(self.client.create_index(uid, Some("id")))
            .await
            .map_err(sdk)?;
        match self.finished(&task).await? {
            Task::Failed { content }
                if content.error.error_code == ErrorCode::IndexAlreadyExists =>
            {
                let index = self
                    .answered(self.client.get_index(uid))
                    .await
                    .map_err(sdk)?;
                match index.primary_key.as_deref() {
                    Some("id") | None => Ok(false),
                    Some(other) => Err(SearchError::Meilisearch(format!(
                        "index {uid} has primary key {other:?}, expected \"id\"; delete it and reindex"
                    ))),
                }
            }
            Task::Failed { content } => Err(task_failed(&task, content)),
            _ => Ok(true),
        }
    }

    /// Deletes an index, waiting for the task; a missing index is fine.
    async fn delete_index(&self, uid: &str) -> Result<(), SearchError> {
        let task = self
            .answered(self.client.delete_index(uid))
            .await
            .map_err(sdk)?;
        match self.finished(&task).await? {
            Task::Failed { content } if content.error.error_code != ErrorCode::IndexNotFound => {
                Err(task_failed(&task, content))
            }
            _ => Ok(()),
        }
    }

    /// Deletes staging indexes of these live ones (`<live>_<millis>`) left
    /// by rebuilds that died long enough ago; a rebuild still running in
    /// another process is younger and left alone.
    async fn drop_abandoned_staging(&self, now_ms: i64) -> Result<(), SearchError> {
        let mut query = meilisearch_sdk::indexes::IndexesQuery::new(&self.client);
        query.with_limit(1_000);
        let listed = self
            .answered(self.client.list_all_indexes_raw_with(&query))
            .await
            .map_err(sdk)?;
        let uids: Vec<String> = listed["results"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|i| i["uid"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        for uid in uids {
            let abandoned = IndexKind::ALL.iter().any(|&kind| {
                staging_millis(self.index_uid(kind), &uid)
                    .is_some_and(|at| now_ms - at > STAGING_ABANDONED_AFTER_MS)
            });
            if abandoned {
                tracing::warn!(index = %uid, "deleting a staging index left by a rebuild that did not finish");
                self.delete_index(&uid).await?;
            }
        }
        Ok(())
    }

    async fn upsert<T: serde::Serialize + IndexDocument + Send + Sync>(
        &self,
        kind: IndexKind,
        docs: &[T],
    ) -> Result<(), SearchError> {
        // Nothing is sent unless every document is fit to index, so a bad
        // one never leaves the batch half written.
        if let Some((id, (code, message))) =
            docs.iter().find_map(|d| d.problem().map(|p| (d.id(), p)))
        {
            return Err(SearchError::InvalidDocument { id, code, message });
        }
        let index = self.client.index(self.index_uid(kind));
        let mut tasks = Vec::new();
        for batch in docs.chunks(BATCH_SIZE) {
            match self.answered(index.add_or_replace(batch, Some("id"))).await {
                Ok(task) => tasks.push(task),
                Err(error) => {
                    // Observe what was already enqueued before giving up.
                    self.wait_all(&tasks).await?;
                    return Err(sdk(error));
                }
            }
        }
        self.wait_all(&tasks).await
    }

    /// Every id the filter admits, paging through the documents route.
    async fn all_ids(
        &self,
        kind: IndexKind,
        filter: Option<&str>,
        limit: Option<usize>,
    ) -> Result<Vec<Hit>, SearchError> {
        let index = self.client.index(self.index_uid(kind));
        let mut ids = Vec::new();
        loop {
            let want = limit.map_or(PAGE_SIZE, |l| l.saturating_sub(ids.len()).min(PAGE_SIZE));
            if want == 0 {
                break;
            }
            let mut request = DocumentsQuery::new(&index);
            request
                .with_fields(["id"])
                .with_limit(want)
                .with_offset(ids.len());
            if let Some(filter) = filter {
                request.with_filter(filter);
            }
            let page = self
                .answered(request.execute::<IdOnly>())
                .await
                .map_err(sdk)?;
            let received = page.results.len();
            ids.extend(page.results.into_iter().map(|doc| doc.id));
            if received < want {
                break;
            }
        }
        ids.sort_unstable();
        Ok(ids.into_iter().map(Hit::unranked).collect())
    }

    /// One keyword search, at most `limit` hits (Meilisearch caps it at
    /// `maxTotalHits`).
    async fn ranked(
        &self,
        kind: IndexKind,
        filter: Option<&str>,
        text: &str,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let index = self.client.index(self.index_uid(kind));
        let fields = ["id"];
        let mut search = index.search();
        search
            .with_query(text)
            .with_limit(limit.min(MAX_TOTAL_HITS))
            .with_show_ranking_score(true)
            .with_attributes_to_retrieve(Selectors::Some(&fields));
        if let Some(filter) = filter {
            search.with_filter(filter);
        }
        let results = self
            .answered(search.execute::<IdOnly>())
            .await
            .map_err(sdk)?;
        Ok(results
            .hits
            .into_iter()
            .map(|hit| Hit {
                id: hit.result.id,
                relevance: Some(hit.ranking_score.unwrap_or(0.0)),
            })
            .collect())
    }

    /// Every document matching the words within the filter, best first.
    ///
    /// A search answers at most `maxTotalHits`; when an answer is full, the
    /// range of ids it covered is split at the median id it returned and
    /// each half is searched again, until every part answers below the cap.
    /// The ranking score is the document's own (not relative to the other
    /// hits), so the parts merge into one order.
    async fn ranked_all(
        &self,
        kind: IndexKind,
        filter: &Filter,
        text: &str,
    ) -> Result<Vec<Hit>, SearchError> {
        let mut hits = Vec::new();
        let mut ranges = vec![(Bound::Unbounded, Bound::Unbounded)];
        while let Some((lower, upper)) = ranges.pop() {
            let part = Filter::all([
                filter.clone(),
                Filter::Range {
                    attribute: "id",
                    lower,
                    upper,
                },
            ]);
            let rendered = match part.to_meilisearch()? {
                MeilisearchFilter::Nothing => continue,
                MeilisearchFilter::All => None,
                MeilisearchFilter::Expression(text) => Some(text),
            };
            let found = self
                .ranked(kind, rendered.as_deref(), text, MAX_TOTAL_HITS)
                .await?;
            if found.len() < MAX_TOTAL_HITS {
                hits.extend(found);
                continue;
            }
            let mut ids: Vec<i64> = found.iter().map(|h| h.id).collect();
            ids.sort_unstable();
            // Ids are distinct, so the median is above the lowest id found:
            // both halves are strictly narrower than this range.
            let middle = Number::Int(ids[ids.len() / 2]);
            ranges.push((lower, Bound::Excluded(middle)));
            ranges.push((Bound::Included(middle), upper));
        }
        hits.sort_by(|a, b| {
            b.relevance
                .partial_cmp(&a.relevance)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.id.cmp(&b.id))
        });
        Ok(hits)
    }
}

#[async_trait]
impl MatchIndex for MeilisearchIndex {
    fn engine_name(&self) -> &'static str {
        "meilisearch"
    }

    fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    async fn apply_settings(&self) -> Result<SettingsOutcome, SearchError> {
        let mut created = false;
        for kind in IndexKind::ALL {
            let uid = self.index_uid(kind);
            created |= self.ensure_index(uid).await?;
            let settings = settings_json(kind, &self.taxonomy)?;
            let task: TaskInfo = self
                .answered(meilisearch_sdk::request::HttpClient::request(
                    &self.raw,
                    &format!("{}/indexes/{uid}/settings", self.url),
                    meilisearch_sdk::request::Method::Patch {
                        query: (),
                        body: settings,
                    },
                    202,
                ))
                .await
                .map_err(sdk)?;
            self.wait(&task).await?;
        }
        Ok(SettingsOutcome {
            reindex_needed: created,
        })
    }

    async fn staging(&self) -> Result<Option<Arc<dyn MatchIndex>>, SearchError> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        self.drop_abandoned_staging(now_ms).await?;
        let staged = MeilisearchIndex {
            vacancies: format!("{}_{now_ms}", self.vacancies),
            profiles: format!("{}_{now_ms}", self.profiles),
            ..self.clone()
        };
        for kind in IndexKind::ALL {
            // A leftover of the same name would hold old documents.
            staged.delete_index(staged.index_uid(kind)).await?;
        }
        staged.apply_settings().await?;
        Ok(Some(Arc::new(staged)))
    }

    async fn promote(&self, staged: &dyn MatchIndex) -> Result<(), SearchError> {
        let mut pairs = Vec::new();
        for kind in IndexKind::ALL {
            let Some(uid) = staged.uid(kind).filter(|uid| uid != self.index_uid(kind)) else {
                return Err(SearchError::Meilisearch(
                    "the staged indexes are not Meilisearch indexes of their own".into(),
                ));
            };
            pairs.push(meilisearch_sdk::client::SwapIndexes {
                indexes: (self.index_uid(kind).to_owned(), uid),
            });
        }
        // One task swaps both pairs: no query ever sees new vacancies with
        // old profiles. Meilisearch swaps only indexes that exist, so a
        // missing live index is created (empty) first.
        for kind in IndexKind::ALL {
            self.ensure_index(self.index_uid(kind)).await?;
        }
        let task = self
            .answered(self.client.swap_indexes(&pairs))
            .await
            .map_err(sdk)?;
        self.wait(&task).await?;
        // The staged names now hold the old documents.
        for pair in &pairs {
            self.delete_index(&pair.indexes.1).await?;
        }
        Ok(())
    }

    fn uid(&self, kind: IndexKind) -> Option<String> {
        Some(self.index_uid(kind).to_owned())
    }

    async fn upsert_vacancies(&self, docs: &[VacancyDoc]) -> Result<(), SearchError> {
        self.upsert(IndexKind::Vacancies, docs).await
    }

    async fn upsert_profiles(&self, docs: &[ProfileDoc]) -> Result<(), SearchError> {
        self.upsert(IndexKind::Profiles, docs).await
    }

    async fn delete(&self, kind: IndexKind, ids: &[i64]) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        let index = self.client.index(self.index_uid(kind));
        let mut tasks = Vec::new();
        for batch in ids.chunks(BATCH_SIZE) {
            tasks.push(
                self.answered(index.delete_documents(batch))
                    .await
                    .map_err(sdk)?,
            );
        }
        self.wait_all(&tasks).await
    }

    async fn clear(&self) -> Result<(), SearchError> {
        let mut tasks = Vec::new();
        for kind in IndexKind::ALL {
            let index = self.client.index(self.index_uid(kind));
            tasks.push(
                self.answered(index.delete_all_documents())
                    .await
                    .map_err(sdk)?,
            );
        }
        self.wait_all(&tasks).await
    }

    async fn counts(&self) -> Result<DocumentCounts, SearchError> {
        let mut counts = [0u64; 2];
        for (slot, kind) in counts.iter_mut().zip(IndexKind::ALL) {
            let index = self.client.index(self.index_uid(kind));
            *slot = match self.answered(index.get_stats()).await {
                Ok(stats) => stats.number_of_documents as u64,
                Err(SdkError::Meilisearch(error))
                    if error.error_code == ErrorCode::IndexNotFound =>
                {
                    0
                }
                Err(error) => return Err(sdk(error)),
            };
        }
        Ok(DocumentCounts {
            vacancies: counts[0],
            profiles: counts[1],
        })
    }

    async fn reachable(&self) -> Result<(), SearchError> {
        self.answered(self.client.health())
            .await
            .map(|_| ())
            .map_err(sdk)
    }

    async fn versions(
        &self,
        kind: IndexKind,
    ) -> Result<std::collections::HashMap<i64, i64>, SearchError> {
        let index = self.client.index(self.index_uid(kind));
        let mut versions = std::collections::HashMap::new();
        let mut offset = 0;
        loop {
            let mut request = DocumentsQuery::new(&index);
            request
                .with_fields(["id", "version"])
                .with_limit(PAGE_SIZE)
                .with_offset(offset);
            let page = match self.answered(request.execute::<IdVersion>()).await {
                Ok(page) => page,
                Err(SdkError::Meilisearch(error))
                    if error.error_code == ErrorCode::IndexNotFound =>
                {
                    break;
                }
                Err(error) => return Err(sdk(error)),
            };
            let received = page.results.len();
            offset += received;
            versions.extend(
                page.results
                    .into_iter()
                    .map(|doc| (doc.id, doc.version.unwrap_or(-1))),
            );
            if received < PAGE_SIZE {
                break;
            }
        }
        Ok(versions)
    }

    async fn query(&self, kind: IndexKind, query: &Query) -> Result<Vec<Hit>, SearchError> {
        if query.limit == Some(0) {
            return Ok(Vec::new());
        }
        let filter = match query.filter.to_meilisearch()? {
            MeilisearchFilter::Nothing => return Ok(Vec::new()),
            MeilisearchFilter::All => None,
            MeilisearchFilter::Expression(text) => Some(text),
        };
        match (
            query
                .text
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty()),
            query.limit,
        ) {
            (None, limit) => self.all_ids(kind, filter.as_deref(), limit).await,
            (Some(text), Some(limit)) => self.ranked(kind, filter.as_deref(), text, limit).await,
            (Some(text), None) => self.ranked_all(kind, &query.filter, text).await,
        }
    }
}

/// When the staging index `uid` of the live index `live` was made
/// (`<live>_<millis>`), or None when it is not one.
fn staging_millis(live: &str, uid: &str) -> Option<i64> {
    let suffix = uid.strip_prefix(live)?.strip_prefix('_')?;
    if suffix.is_empty() || !suffix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    suffix.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::staging_millis;

    #[test]
    fn staging_indexes_are_known_by_their_live_name_and_a_time() {
        assert_eq!(
            staging_millis("fc_vacancies", "fc_vacancies_1764900000000"),
            Some(1_764_900_000_000)
        );
        assert_eq!(staging_millis("fc_vacancies", "fc_vacancies"), None);
        assert_eq!(staging_millis("fc_vacancies", "fc_vacancies_x1"), None);
        assert_eq!(staging_millis("fc_vacancies", "fc_vacancies_"), None);
        assert_eq!(staging_millis("fc_vacancies", "fc_profiles_1"), None);
        // Another installation whose prefix extends this one's.
        assert_eq!(
            staging_millis("fc_vacancies", "fc_vacancies_2_vacancies"),
            None
        );
    }
}
