//! Matching as a service: keeping the index in step with the database,
//! matching runs that store suggestions, and ranked answers for officers.
//!
//! The index only narrows the field; `domain::matching::assess` decides
//! every pair.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use chrono::NaiveDate;

use crate::domain::eligible::{eligible_by, Eligibility, EligibleFrom};
use crate::domain::matching::{assess, eligible_score, Assessment};
use crate::domain::profile::Profile;
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::Vacancy;
use crate::search::documents::IndexDocument;
use crate::search::{
    narrowing, CandidateOptions, Hit, IndexKind, MatchIndex, ProfileDoc, Query, SearchError,
    ServiceScope, VacancyDoc, VacancySearch,
};
use crate::store::matches::{self as stored, Found, RunOutcome, RunScope};
use crate::store::meta::Fed;
use crate::store::{self, Store, StoreError, StoreResult};

// The change notices live with the job queue so that the store can queue
// them without calling up into this module; they keep their names here.
pub use crate::store::jobs::changes::{
    kind, profile_changed, profiles_changed, vacancy_changed, Changed,
};

#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// A pair that passed, with its assessment.
pub struct Ranked<T> {
    pub item: Arc<T>,
    pub assessment: Assessment,
}

/// Which part of a ranked list to return: page `page` (from 1) of
/// `per_page` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: usize,
    pub per_page: usize,
}

impl Paging {
    /// The whole list as one page.
    pub const ALL: Paging = Paging {
        page: 1,
        per_page: usize::MAX,
    };

    /// The first `n` items.
    pub fn first(n: usize) -> Self {
        Paging {
            page: 1,
            per_page: n,
        }
    }

    /// How many items come before this page.
    pub fn offset(&self) -> usize {
        self.page
            .max(1)
            .saturating_sub(1)
            .saturating_mul(self.per_page)
    }
}

/// One page of a ranked list, and how long the whole list is. A page past
/// the end is empty; `total` is always the size of the whole list.
pub struct Page<T> {
    pub total: usize,
    pub paging: Paging,
    pub items: Vec<Ranked<T>>,
    /// The id of every item in the whole list, in no particular order.
    pub every_id: Vec<i64>,
}

impl<T> Page<T> {
    /// How many pages the whole list fills (at least 1).
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.paging.per_page.max(1)).max(1)
    }
}

/// An eligible item with what orders it: a relevance band for keyword
/// searches (0 otherwise), then the match score, then the id.
struct Scored<T> {
    band: i64,
    score: f64,
    item: Arc<T>,
}

impl<T> Scored<T> {
    fn new(score: f64, item: Arc<T>) -> Self {
        Self {
            band: 0,
            score,
            item,
        }
    }
}

/// Below this many candidates a query scores them on its own task; from
/// it, [`score_spread`] shares them out over the cores (a vacancy's
/// candidates number a median of about 1,700 people at full scale, up to
/// 40,000, about a microsecond each).
const SPREAD_FROM: usize = 1_024;

/// Every item `score` finds eligible beside `context` (the other side of
/// each pair), with its score. From
/// [`SPREAD_FROM`] items on, the items are split into as many parts as
/// there are cores (each at least half of `SPREAD_FROM`): this task
/// scores the first while the blocking pool scores the others, so a query
/// over thousands of candidates in a quiet system takes a fraction of the
/// time (the context is copied only then). The order of the answer is
/// the items' order.
async fn score_spread<C, T, F>(
    context: &C,
    items: Vec<Arc<T>>,
    score: F,
) -> Result<Vec<Scored<T>>, MatchError>
where
    C: Clone + Send + Sync + 'static,
    T: Send + Sync + 'static,
    F: Fn(&C, &T) -> Option<f64> + Send + Sync + 'static,
{
    let keep = |score: &F, context: &C, part: &[Arc<T>]| -> Vec<Scored<T>> {
        part.iter()
            .filter_map(|item| score(context, item).map(|s| Scored::new(s, item.clone())))
            .collect()
    };
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let parts = cores.min(items.len() / (SPREAD_FROM / 2)).max(1);
    if items.len() < SPREAD_FROM || parts == 1 {
        return Ok(keep(&score, context, &items));
    }
    let score = Arc::new(score);
    let shared = Arc::new(context.clone());
    let size = items.len().div_ceil(parts);
    let items = Arc::new(items);
    let others: Vec<_> = (1..parts)
        .map(|part| {
            let (items, score, shared) = (items.clone(), score.clone(), shared.clone());
            StopOnDrop(tokio::task::spawn_blocking(move || {
                let end = ((part + 1) * size).min(items.len());
                keep(&score, &shared, &items[part * size..end])
            }))
        })
        .collect();
    let mut scored = keep(&score, context, &items[..size]);
    for other in others {
        scored.extend(other.finish().await?);
    }
    Ok(scored)
}

/// Relevance is compared in tenths, so among hits that match the words
/// about as well the better fit comes first.
const RELEVANCE_BANDS: f64 = 10.0;

/// Parsed rows kept in memory with the change-feed stamp they were read at.
///
/// The database stays the source of truth for every process (the worker
/// writes, the web server reads): before each use, one indexed query lists
/// the rows stamped since the last check's watermark
/// ([`store::meta::change_watermark`]), and their copies are dropped where
/// the stamp moved, so only changed rows are read and parsed again. Every
/// insert or update of a profile or vacancy row moves its stamp (database
/// triggers, so no write path can forget); rows are never deleted. When
/// nothing changed the check reads nothing; after a bulk write each row
/// written is listed once (no clock and no margin is involved, so a
/// transaction that commits late is still seen).
///
/// A request that only reads (see [`reading_since`]) skips the check when
/// a check issued after the request began has already been applied, by
/// this request or by any other: every change committed before the request
/// began is then in the copies. Under load the checks of concurrent
/// requests stand in for each other.
struct Snapshot<T> {
    rows: RwLock<HashMap<i64, (i64, Arc<T>)>>,
    /// The watermark of the last check; None before the first.
    watermark: RwLock<Option<i64>>,
    /// When the latest applied check was issued, in nanoseconds after
    /// [`process_clock`]'s start plus one; 0 before the first.
    checked_from: AtomicU64,
    /// Checks issued, for tests.
    checks: AtomicU64,
    /// Rows read from the database into the copies, for tests.
    read: AtomicU64,
}

/// Nanoseconds since the first snapshot was made, plus one (so 0 means
/// "never"): a monotonic clock that fits an atomic. Every instant it is
/// given (a request's start, a check's issue) comes later than that.
fn process_clock(at: Instant) -> u64 {
    u64::try_from(at.saturating_duration_since(clock_start()).as_nanos())
        .unwrap_or(u64::MAX)
        .saturating_add(1)
}

tokio::task_local! {
    /// When the request being served began, for requests that only read.
    static READING_SINCE: Instant;
}

/// Runs a request that writes no profile or vacancy: the matcher's copies
/// are then checked against the database at most once for it, and not at
/// all when another request's check, issued after this one began, was
/// applied first. Every change committed before `began` is seen.
pub async fn reading_since<F: std::future::Future>(began: Instant, request: F) -> F::Output {
    READING_SINCE.scope(began, request).await
}

/// The start of [`process_clock`], fixed when first asked.
fn clock_start() -> Instant {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *START.get_or_init(Instant::now)
}

impl<T> Snapshot<T> {
    fn new() -> Self {
        // Fixes the clock's start before any instant it will be given.
        clock_start();
        Self {
            rows: RwLock::new(HashMap::new()),
            watermark: RwLock::new(None),
            checked_from: AtomicU64::new(0),
            checks: AtomicU64::new(0),
            read: AtomicU64::new(0),
        }
    }

    /// Whether a check issued at or after `began` has been applied.
    fn checked_since(&self, began: Instant) -> bool {
        self.checked_from.load(Ordering::Acquire) >= process_clock(began)
    }

    /// Records a check issued at `issued`, once its changes are applied.
    fn note_checked(&self, issued: Instant) {
        self.checked_from
            .fetch_max(process_clock(issued), Ordering::AcqRel);
    }

    fn held(&self) -> usize {
        self.rows
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    fn rows_mut(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<i64, (i64, Arc<T>)>> {
        self.rows
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The watermark to read changes from; None before the first check.
    fn watermark(&self) -> Option<i64> {
        *self
            .watermark
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Drops copies whose row has moved on, and records the watermark the
    /// check read before listing them.
    fn apply_changes(&self, changed: &[(i64, i64)], watermark: i64) {
        if !changed.is_empty() {
            let mut rows = self.rows_mut();
            for (id, version) in changed {
                if rows.get(id).is_some_and(|(seen, _)| seen != version) {
                    rows.remove(id);
                }
            }
        }
        let mut mark = self
            .watermark
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if mark.is_none_or(|at| at < watermark) {
            *mark = Some(watermark);
        }
    }

    /// The copies held, in the order of `ids` (None where none is held),
    /// and the ids to read.
    fn lookup(&self, ids: &[i64]) -> (Vec<Option<Arc<T>>>, Vec<i64>) {
        let mut missing = Vec::new();
        let rows = self
            .rows
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let found = ids
            .iter()
            .map(|id| {
                let row = rows.get(id).map(|(_, row)| row.clone());
                if row.is_none() {
                    missing.push(*id);
                }
                row
            })
            .collect();
        (found, missing)
    }

    fn insert(
        &self,
        versions: &[(i64, i64)],
        loaded: impl Iterator<Item = (i64, T)>,
    ) -> Vec<(i64, Arc<T>)> {
        let version_of: HashMap<i64, i64> = versions.iter().copied().collect();
        self.read
            .fetch_add(version_of.len() as u64, Ordering::Relaxed);
        let mut rows = self.rows_mut();
        loaded
            .filter_map(|(id, row)| {
                let version = *version_of.get(&id)?;
                let row = Arc::new(row);
                rows.insert(id, (version, row.clone()));
                Some((id, row))
            })
            .collect()
    }
}

/// A batch of matching runs done and not yet stored
/// ([`Matcher::match_changed`]).
pub struct Matched {
    db: Store,
    runs: Vec<(RunScope, Vec<Found>)>,
    /// The index writes no run waited for, still under way.
    beside: Vec<StopOnDrop<Result<(), MatchError>>>,
}

impl Matched {
    /// Stores every run's matches in one transaction; done once the index
    /// writes beside the runs are done too.
    pub async fn store(self) -> Result<RunOutcome, MatchError> {
        let Self { db, runs, beside } = self;
        let outcome = db
            .run(move |conn| {
                let at = store::now();
                conn.write(|c| stored::apply_runs(c, &runs, at))
            })
            .await?;
        for write in beside {
            write.finish().await??;
        }
        Ok(outcome)
    }
}

/// Matching batches one after another, each batch stored while the next
/// is matched. At scale the store is most of a batch (100 new vacancies
/// store about 240,000 pairs), and a batch's runs ask the index and the
/// rows, never the stored matches, so the two go on at once, on the two
/// cores; the stores keep the batches' order. A batch's store starts when
/// the next batch is pushed (or at [`Pipeline::finish`]), so the caller
/// deals with each ended batch (the worker completes its jobs, small
/// writes) while no store holds the database's write lock. The worker runs
/// a flood of matching jobs through one, and the benchmark does the same.
pub struct Pipeline<T> {
    matcher: Matcher,
    /// Matched, not yet being stored.
    ready: Option<(T, Matched)>,
    storing: Option<(T, StopOnDrop<Result<RunOutcome, MatchError>>)>,
}

/// A batch that ended: its tag and what storing it gave.
pub type Ended<T> = (T, Result<RunOutcome, MatchError>);

impl<T> Pipeline<T> {
    pub fn new(matcher: Matcher) -> Self {
        Self {
            matcher,
            ready: None,
            storing: None,
        }
    }

    /// Starts storing the batch matched last, matches this one (`tag`
    /// names it to the caller) meanwhile, and waits for that store.
    /// Returns the batches that ended, in order: the one stored, and this
    /// one if its runs failed.
    pub async fn push(
        &mut self,
        tag: T,
        vacancy_ids: &[i64],
        profile_ids: &[i64],
        today: NaiveDate,
    ) -> Vec<Ended<T>> {
        self.start_storing();
        let matched = self
            .matcher
            .match_changed(vacancy_ids, profile_ids, today)
            .await;
        let mut ended: Vec<Ended<T>> = self.stored().await.into_iter().collect();
        match matched {
            Ok(matched) => self.ready = Some((tag, matched)),
            Err(error) => ended.push((tag, Err(error))),
        }
        ended
    }

    /// Stores the batch matched last, if there is one, and returns how it
    /// ended. Dropping the pipeline instead stops waiting: a store under
    /// way still commits or rolls back whole.
    pub async fn finish(&mut self) -> Option<Ended<T>> {
        self.start_storing();
        self.stored().await
    }

    fn start_storing(&mut self) {
        if let Some((tag, matched)) = self.ready.take() {
            self.storing = Some((tag, StopOnDrop(tokio::spawn(matched.store()))));
        }
    }

    async fn stored(&mut self) -> Option<Ended<T>> {
        let (tag, storing) = self.storing.take()?;
        Some((tag, storing.finish().await.and_then(|stored| stored)))
    }
}

/// The ids once each, in their first order.
fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut seen = std::collections::HashSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// The ids with no row in `present`.
fn absent<T>(ids: &[i64], present: &HashMap<i64, T>) -> Vec<i64> {
    ids.iter()
        .copied()
        .filter(|id| !present.contains_key(id))
        .collect()
}

/// The rows in the order of `ids` (distinct), held copies or rows just
/// read, leaving out ids with no row.
fn in_order<T>(
    ids: &[i64],
    held: Vec<Option<Arc<T>>>,
    mut read: HashMap<i64, Arc<T>>,
) -> Vec<Arc<T>> {
    ids.iter()
        .zip(held)
        .filter_map(|(id, held)| held.or_else(|| read.remove(id)))
        .collect()
}

/// What the matcher's in-memory copies hold ([`Matcher::copies`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopiesReport {
    pub profiles_read: u64,
    pub vacancies_read: u64,
    pub profiles_held: usize,
    pub vacancies_held: usize,
}

/// Matching over one store and one index.
#[derive(Clone)]
pub struct Matcher {
    pub store: Store,
    pub index: Arc<dyn MatchIndex>,
    pub taxonomy: Arc<Taxonomy>,
    vacancy_cache: Arc<Snapshot<Vacancy>>,
    profile_cache: Arc<Snapshot<Profile>>,
    /// False while the index is filled from nothing (see
    /// [`Matcher::set_index_complete`]); shared by every clone.
    index_complete: Arc<AtomicBool>,
}

/// How many matching runs of one batch ([`Matcher::changed_many`]) are
/// under way at once.
const RUNS_IN_FLIGHT: usize = 4;

/// Profiles or vacancies are loaded in chunks of this many.
const LOAD_CHUNK: usize = 2_000;

/// A rebuild or check writes documents this many at a time: one call
/// sends them all before waiting, so Meilisearch takes its consecutive
/// tasks as one batch (waiting after every 2,000 made each chunk a batch
/// of its own, with its fixed cost each time).
const WRITE_CHUNK: usize = 20_000;

/// How many of those writes a rebuild or check keeps outstanding while it
/// reads and builds the next documents.
const WRITES_IN_FLIGHT: usize = 3;

/// One write of documents to the index, running on its own task.
type WriteFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), SearchError>> + Send>>;

/// Writes sent to the index and not yet answered. Dropping it (on an
/// error) aborts the rest; every write is an idempotent upsert, so a run
/// that stops midway converges when run again.
#[derive(Default)]
struct InFlight {
    tasks: tokio::task::JoinSet<Result<(), SearchError>>,
}

impl InFlight {
    /// Starts a write, first waiting for one to finish when
    /// [`WRITES_IN_FLIGHT`] are outstanding.
    async fn send(&mut self, write: WriteFuture) -> Result<(), MatchError> {
        while self.tasks.len() >= WRITES_IN_FLIGHT {
            self.join_one().await?;
        }
        self.tasks.spawn(write);
        Ok(())
    }

    async fn join_one(&mut self) -> Result<(), MatchError> {
        match self.tasks.join_next().await {
            None => Ok(()),
            Some(Ok(written)) => Ok(written?),
            Some(Err(failed)) => Err(interrupted(failed)),
        }
    }

    /// Waits for every outstanding write; the first error is returned.
    async fn finish(mut self) -> Result<(), MatchError> {
        while !self.tasks.is_empty() {
            self.join_one().await?;
        }
        Ok(())
    }
}

/// A task that is stopped when its handle is dropped (for a blocking
/// task, one not yet started never starts).
struct StopOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for StopOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> StopOnDrop<T> {
    /// The task's answer; a task that panicked or was stopped is an
    /// interruption.
    async fn finish(mut self) -> Result<T, MatchError> {
        (&mut self.0).await.map_err(interrupted)
    }
}

/// A task that ended without its answer (it panicked or was stopped).
fn interrupted(stopped: tokio::task::JoinError) -> MatchError {
    MatchError::Search(SearchError::Interrupted(stopped.to_string()))
}

/// Runs a matching run on a task of its own, so the runs of a batch that
/// are under way at once assess their candidates on every core, not in
/// turn on the task that polls them. Dropping the answer (another run
/// failed) stops the run.
async fn on_own_task<T: Send + 'static>(
    run: impl std::future::Future<Output = Result<T, MatchError>> + Send + 'static,
) -> Result<T, MatchError> {
    StopOnDrop(tokio::spawn(run)).finish().await?
}

impl Matcher {
    pub fn new(store: Store, index: Arc<dyn MatchIndex>, taxonomy: Arc<Taxonomy>) -> Self {
        Self {
            store,
            index,
            taxonomy,
            vacancy_cache: Arc::new(Snapshot::new()),
            profile_cache: Arc::new(Snapshot::new()),
            index_complete: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Whether candidates come from the index (true), or from every row
    /// while the index is filled from nothing.
    pub fn index_complete(&self) -> bool {
        self.index_complete.load(Ordering::Acquire)
    }

    /// Says the index is being filled from nothing (false: it is new, or a
    /// rebuild in place began) or holds every row again (true). While it is
    /// not complete, candidates are every published vacancy or every
    /// profile in scope instead of what the index narrows to: `assess`
    /// still decides every pair, so answers stay exact and complete, only
    /// slower; no list is ever answered from a half-filled index. Keyword
    /// searches then match words by their beginnings, without typos or
    /// synonyms ([`words_match`]).
    pub fn set_index_complete(&self, complete: bool) {
        self.index_complete.store(complete, Ordering::Release);
    }

    /// Every candidate of one kind, read from the database, for when the
    /// index is not complete: published vacancies, or the profiles of
    /// `services` (all when None).
    async fn every_candidate(
        &self,
        kind: IndexKind,
        services: Option<Vec<i64>>,
    ) -> Result<Vec<Hit>, MatchError> {
        let ids = self
            .store
            .run(move |c| match (kind, services) {
                (IndexKind::Vacancies, _) => store::vacancies::published_ids(c),
                (IndexKind::Profiles, None) => store::profiles::all_ids(c),
                (IndexKind::Profiles, Some(services)) => {
                    store::profiles::ids_in_services(c, &services)
                }
            })
            .await?;
        Ok(ids.into_iter().map(Hit::unranked).collect())
    }

    /// The search index this matcher narrows with (benchmarks time it alone).
    pub fn index(&self) -> &Arc<dyn MatchIndex> {
        &self.index
    }

    async fn load_vacancies(&self, ids: Vec<i64>) -> Result<Vec<Arc<Vacancy>>, MatchError> {
        self.load_cached(
            &self.vacancy_cache,
            ids,
            Fed::Vacancies,
            store::vacancies::load_many,
            |v| v.id,
        )
        .await
    }

    /// One profile as stored now, from the in-memory copies when the change
    /// feed says they are current (a job seeker's pages read their own
    /// profile on every request); None when there is no such profile.
    pub async fn profile(&self, id: i64) -> Result<Option<Arc<Profile>>, MatchError> {
        Ok(self.load_profiles(vec![id]).await?.pop())
    }

    async fn load_profiles(&self, ids: Vec<i64>) -> Result<Vec<Arc<Profile>>, MatchError> {
        self.load_cached(
            &self.profile_cache,
            ids,
            Fed::Profiles,
            store::profiles::load_many,
            |p| p.id,
        )
        .await
    }

    /// Reads the change feed since the copies' last check and drops the
    /// copies whose rows moved on.
    async fn check_feed<T>(&self, cache: &Snapshot<T>, fed: Fed) -> Result<(), MatchError> {
        let since = cache.watermark();
        let issued = Instant::now();
        cache.checks.fetch_add(1, Ordering::Relaxed);
        let (watermark, changed) = self
            .store
            .run(move |c| {
                match since {
                    None => Ok::<_, StoreError>((store::meta::change_watermark(c)?, Vec::new())),
                    // The watermark and the rows changed since the last
                    // check, read in one statement.
                    Some(since) => store::meta::changes_since(c, fed, since),
                }
            })
            .await?;
        cache.apply_changes(&changed, watermark);
        cache.note_checked(issued);
        Ok(())
    }

    /// Runs `candidates` (an index query) beside the check of `cache`
    /// against the change feed, so a run waits for one round trip, not two
    /// in turn. Returns the candidates and the instant from which the
    /// copies are current: the request's start when it only reads (see
    /// [`reading_since`]), otherwise now. Either way the check is issued
    /// after it, so every change committed before it is in the copies when
    /// the rows are loaded under [`reading_since`] with that instant.
    async fn beside_feed_check<T, R>(
        &self,
        cache: &Snapshot<T>,
        fed: Fed,
        candidates: impl std::future::Future<Output = Result<R, MatchError>>,
    ) -> Result<(R, Instant), MatchError> {
        let since = READING_SINCE
            .try_with(|began| *began)
            .unwrap_or_else(|_| Instant::now());
        let check = async {
            if cache.checked_since(since) {
                Ok(())
            } else {
                self.check_feed(cache, fed).await
            }
        };
        let (found, ()) = tokio::try_join!(candidates, check)?;
        Ok((found, since))
    }

    /// How many times the copies of profiles and of vacancies have been
    /// checked against the change feed (for tests).
    pub fn feed_checks(&self) -> (u64, u64) {
        (
            self.profile_cache.checks.load(Ordering::Relaxed),
            self.vacancy_cache.checks.load(Ordering::Relaxed),
        )
    }

    /// How many profile and vacancy rows have been read from the database
    /// into the copies, and how many copies are held (for tests).
    pub fn copies(&self) -> CopiesReport {
        CopiesReport {
            profiles_read: self.profile_cache.read.load(Ordering::Relaxed),
            vacancies_read: self.vacancy_cache.read.load(Ordering::Relaxed),
            profiles_held: self.profile_cache.held(),
            vacancies_held: self.vacancy_cache.held(),
        }
    }

    /// Rows by id, in the version query's order: fresh in-memory copies where
    /// they exist, the rest read and parsed from the database.
    async fn load_cached<T: Send + Sync + 'static>(
        &self,
        cache: &Snapshot<T>,
        ids: Vec<i64>,
        fed: Fed,
        load: fn(&mut store::Conn, &[i64], &Taxonomy) -> StoreResult<Vec<T>>,
        id_of: fn(&T) -> i64,
    ) -> Result<Vec<Arc<T>>, MatchError> {
        let fresh = READING_SINCE
            .try_with(|began| cache.checked_since(*began))
            .unwrap_or(false);
        if !fresh {
            self.check_feed(cache, fed).await?;
        }
        let (held, missing) = cache.lookup(&ids);
        let mut read = HashMap::new();
        if !missing.is_empty() {
            let taxonomy = self.taxonomy.clone();
            let (versions, loaded) = self
                .store
                .run(move |c| {
                    let versions = match fed {
                        Fed::Profiles => store::profiles::versions(c, &missing)?,
                        Fed::Vacancies => store::vacancies::versions(c, &missing)?,
                    };
                    let loaded = load(c, &missing, &taxonomy)?;
                    Ok::<_, StoreError>((versions, loaded))
                })
                .await?;
            read.extend(cache.insert(&versions, loaded.into_iter().map(|row| (id_of(&row), row))));
        }
        Ok(in_order(&ids, held, read))
    }

    /// Fills the in-memory copies with every vacancy and every profile the
    /// index holds, [`LOAD_CHUNK`] rows at a time, so the first matching
    /// run after a start reads no rows (`serve` calls this once the index
    /// is ready; requests served meanwhile read what they miss themselves).
    /// Each chunk goes through the same path as a request's rows (change
    /// feed first, versions read with the rows), so a row written while
    /// this runs is never held stale. Returns how many rows were loaded.
    pub async fn warm(&self) -> Result<(usize, usize), MatchError> {
        let (vacancy_ids, profile_ids) = self
            .store
            .run(|c| {
                Ok::<_, StoreError>((store::vacancies::all_ids(c)?, store::profiles::all_ids(c)?))
            })
            .await?;
        let mut loaded = (0, 0);
        for chunk in vacancy_ids.chunks(LOAD_CHUNK) {
            loaded.0 += self.load_vacancies(chunk.to_vec()).await?.len();
        }
        for chunk in profile_ids.chunks(LOAD_CHUNK) {
            loaded.1 += self.load_profiles(chunk.to_vec()).await?.len();
        }
        Ok(loaded)
    }

    /// Eligible vacancies for a profile, best first: the first `limit`.
    pub async fn vacancies_for(
        &self,
        profile: &Profile,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<Ranked<Vacancy>>, MatchError> {
        Ok(self
            .vacancies_page(profile, today, Paging::first(limit))
            .await?
            .items)
    }

    /// One page of the eligible vacancies for a profile, best first, with
    /// the number of them all.
    pub async fn vacancies_page(
        &self,
        profile: &Profile,
        today: NaiveDate,
        paging: Paging,
    ) -> Result<Page<Vacancy>, MatchError> {
        let candidates = async {
            if self.index_complete() {
                Ok(self
                    .index
                    .candidate_vacancies(profile, today, &CandidateOptions::default())
                    .await?)
            } else {
                self.every_candidate(IndexKind::Vacancies, None).await
            }
        };
        let (hits, since) = self
            .beside_feed_check(&self.vacancy_cache, Fed::Vacancies, candidates)
            .await?;
        let loaded = reading_since(since, async {
            let mut loaded = Vec::with_capacity(hits.len());
            for chunk in hits.chunks(LOAD_CHUNK) {
                loaded.extend(
                    self.load_vacancies(chunk.iter().map(|h| h.id).collect())
                        .await?,
                );
            }
            Ok::<_, MatchError>(loaded)
        })
        .await?;
        let scored = score_spread(profile, loaded, move |person, vacancy| {
            eligible_score(vacancy, person, today)
        })
        .await?;
        Ok(rank_page(
            scored,
            paging,
            |v| v.id,
            |v| assess(v, profile, today),
        ))
    }

    /// Every pair of these people that is not eligible today but becomes
    /// eligible on a day after `today` up to `until`, with that day and
    /// why (see `domain::eligible`). The index narrows each person's
    /// vacancies with the rules that change with time relaxed to `until`
    /// (`narrowing::vacancies_soon_for_profile`, a superset); the one rule
    /// function decides each candidate. Unordered; people not found are
    /// left out.
    pub async fn soon_eligible(
        &self,
        profile_ids: &[i64],
        today: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<(Arc<Profile>, Arc<Vacancy>, EligibleFrom)>, MatchError> {
        let mut found = Vec::new();
        let every = match self.index_complete() {
            true => None,
            false => Some(self.every_candidate(IndexKind::Vacancies, None).await?),
        };
        for chunk in profile_ids.chunks(LOAD_CHUNK) {
            for profile in self.load_profiles(chunk.to_vec()).await? {
                let queried;
                let hits: &[Hit] = match &every {
                    Some(every) => every,
                    None => {
                        let query = Query {
                            filter: narrowing::vacancies_soon_for_profile(
                                &profile,
                                today,
                                until,
                                &self.taxonomy,
                            ),
                            text: None,
                            limit: None,
                        };
                        queried = self.index.query(IndexKind::Vacancies, &query).await?;
                        &queried
                    }
                };
                for ids in hits.chunks(LOAD_CHUNK) {
                    let ids: Vec<i64> = ids.iter().map(|h| h.id).collect();
                    for vacancy in self.load_vacancies(ids).await? {
                        if let Eligibility::From(from) =
                            eligible_by(&vacancy, &profile, today, until)
                        {
                            found.push((profile.clone(), vacancy, from));
                        }
                    }
                }
            }
        }
        Ok(found)
    }

    /// Eligible profiles in scope for a vacancy, best first: the first
    /// `limit`.
    pub async fn profiles_for(
        &self,
        vacancy: &Vacancy,
        scope: &ServiceScope,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<Ranked<Profile>>, MatchError> {
        Ok(self
            .profiles_page(vacancy, scope, today, Paging::first(limit))
            .await?
            .items)
    }

    /// One page of the eligible profiles in scope for a vacancy, best
    /// first, with the number of them all.
    pub async fn profiles_page(
        &self,
        vacancy: &Vacancy,
        scope: &ServiceScope,
        today: NaiveDate,
        paging: Paging,
    ) -> Result<Page<Profile>, MatchError> {
        let candidates = async {
            if self.index_complete() {
                Ok(self
                    .index
                    .candidate_profiles(vacancy, scope, today, &CandidateOptions::default())
                    .await?)
            } else {
                let services = match scope {
                    ServiceScope::All => None,
                    ServiceScope::Only(services) => Some(services.clone()),
                };
                self.every_candidate(IndexKind::Profiles, services).await
            }
        };
        let (hits, since) = self
            .beside_feed_check(&self.profile_cache, Fed::Profiles, candidates)
            .await?;
        let loaded = reading_since(since, async {
            let mut loaded = Vec::with_capacity(hits.len());
            for chunk in hits.chunks(LOAD_CHUNK) {
                loaded.extend(
                    self.load_profiles(chunk.iter().map(|h| h.id).collect())
                        .await?
                        .into_iter()
                        // The scope is applied again here, so a loose
                        // engine filter can never widen what an officer
                        // sees.
                        .filter(|profile| match scope {
                            ServiceScope::Only(services) => services.contains(&profile.service_id),
                            ServiceScope::All => true,
                        }),
                );
            }
            Ok::<_, MatchError>(loaded)
        })
        .await?;
        let scored = score_spread(vacancy, loaded, move |job, profile| {
            eligible_score(job, profile, today)
        })
        .await?;
        Ok(rank_page(
            scored,
            paging,
            |p| p.id,
            |p| assess(vacancy, p, today),
        ))
    }

    /// A job seeker's search, one page of it, with the number of results
    /// in all: every vacancy the person is eligible for (`assess`) that
    /// meets their choices exactly ([`VacancySearch::admits`]) and, when
    /// words are given, matches them (typo-tolerant, synonym-aware).
    ///
    /// The engine narrows with the person's own eligibility filter as well
    /// as the choices, and returns every hit, so nothing eligible is cut
    /// off by an engine's hit limit. With no words the order is the match
    /// score ("Jobs for you"'s order); with words, relevance in bands of a
    /// tenth, then the match score, then the id (a stable order for paging).
    pub async fn search_page(
        &self,
        profile: &Profile,
        search: &VacancySearch,
        today: NaiveDate,
        paging: Paging,
    ) -> Result<Page<Vacancy>, MatchError> {
        let everything = VacancySearch {
            limit: None,
            ..search.clone()
        };
        // Read once: the flag may change while this request runs.
        let complete = self.index_complete();
        let words: Vec<String> = match complete {
            true => Vec::new(),
            false => search_words(&search.text),
        };
        let hits = if complete {
            self.index
                .seeker_vacancies(profile, &everything, today)
                .await?
        } else {
            self.every_candidate(IndexKind::Vacancies, None).await?
        };
        let band_of: HashMap<i64, i64> = hits
            .iter()
            .filter_map(|h| {
                h.relevance
                    .map(|r| (h.id, (r * RELEVANCE_BANDS).round() as i64))
            })
            .collect();
        let mut scored = Vec::new();
        for chunk in hits.chunks(LOAD_CHUNK) {
            for vacancy in self
                .load_vacancies(chunk.iter().map(|h| h.id).collect())
                .await?
            {
                if !search.admits(&vacancy)
                    || !(words.is_empty() || words_match(&words, &vacancy, &self.taxonomy))
                {
                    continue;
                }
                if let Some(score) = eligible_score(&vacancy, profile, today) {
                    scored.push(Scored {
                        band: band_of.get(&vacancy.id).copied().unwrap_or(0),
                        score,
                        item: vacancy,
                    });
                }
            }
        }
        Ok(rank_page(
            scored,
            paging,
            |v| v.id,
            |v| assess(v, profile, today),
        ))
    }

    /// Re-indexes one vacancy from the database (or drops it when gone).
    pub async fn sync_vacancy(&self, id: i64) -> Result<Option<Arc<Vacancy>>, MatchError> {
        Ok(self.sync_vacancies(&[id]).await?.remove(&id))
    }

    /// Re-indexes one profile from the database, its licence conditions as
    /// in force on `today`, or drops it when it is gone or anonymised (an
    /// anonymised person is never matched again).
    pub async fn sync_profile(
        &self,
        id: i64,
        today: NaiveDate,
    ) -> Result<Option<Arc<Profile>>, MatchError> {
        Ok(self.sync_profiles(&[id], today).await?.remove(&id))
    }

    /// Re-indexes a changed vacancy and stores its matches: new ones
    /// suggested, ones no longer eligible expired.
    pub async fn vacancy_changed(
        &self,
        id: i64,
        today: NaiveDate,
    ) -> Result<RunOutcome, MatchError> {
        self.changed_many(&[id], &[], today).await
    }

    /// Re-indexes a changed profile and stores its matches. A profile that
    /// is gone or anonymised only leaves the index: its stored matches are
    /// kept as they are (the reports count them).
    pub async fn profile_changed(
        &self,
        id: i64,
        today: NaiveDate,
    ) -> Result<RunOutcome, MatchError> {
        self.changed_many(&[], &[id], today).await
    }

    /// Re-indexes many changed vacancies and profiles and stores their
    /// matches: the same result as [`Self::vacancy_changed`] and
    /// [`Self::profile_changed`] one by one, with one index write per kind
    /// (a commit to disk on the embedded engine, one task on Meilisearch)
    /// and one database transaction for all the runs, instead of one of
    /// each per row. Each run starts once the index it asks holds every
    /// row of the batch, so each run sees the others' changes.
    ///
    /// The two halves are [`Self::match_changed`] and [`Matched::store`];
    /// [`Pipeline`] overlaps one batch's store with the next batch's runs.
    pub async fn changed_many(
        &self,
        vacancy_ids: &[i64],
        profile_ids: &[i64],
        today: NaiveDate,
    ) -> Result<RunOutcome, MatchError> {
        self.match_changed(vacancy_ids, profile_ids, today)
            .await?
            .store()
            .await
    }

    /// The first half of [`Self::changed_many`]: the rows read, the index
    /// written and every run done, nothing stored yet.
    pub async fn match_changed(
        &self,
        vacancy_ids: &[i64],
        profile_ids: &[i64],
        today: NaiveDate,
    ) -> Result<Matched, MatchError> {
        let vacancy_ids = distinct(vacancy_ids);
        let profile_ids = distinct(profile_ids);
        // The rows first (from the copies, the change feed checked); then
        // the two indexes are written at once. A vacancy's run asks the
        // profiles index and a profile's run the vacancies index, so each
        // kind's runs wait only for the other kind's write: every run sees
        // every change of the batch. A write that no run asks (a batch of
        // one kind: its own write; on Meilisearch, the indexing task) goes
        // on beside the runs and the store, on a task of its own, and the
        // batch ends when both are done.
        let (vacancies, profiles) = tokio::try_join!(
            self.present_vacancies(&vacancy_ids),
            self.present_profiles(&profile_ids)
        )?;
        let mut beside = Vec::new();
        let write_vacancies = {
            let (matcher, ids, rows) = (self.clone(), vacancy_ids.clone(), vacancies.clone());
            async move { matcher.write_vacancies(&matcher.index, &ids, &rows).await }
        };
        let write_profiles = {
            let (matcher, ids, rows) = (self.clone(), profile_ids.clone(), profiles.clone());
            async move {
                matcher
                    .write_profiles(&matcher.index, &ids, &rows, today)
                    .await
            }
        };
        let vacancies_first = if profiles.is_empty() {
            beside.push(StopOnDrop(tokio::spawn(write_vacancies)));
            None
        } else {
            Some(write_vacancies)
        };
        let profiles_first = if vacancies.is_empty() {
            beside.push(StopOnDrop(tokio::spawn(write_profiles)));
            None
        } else {
            Some(write_profiles)
        };
        let (mut runs, profile_found) = tokio::try_join!(
            async {
                if let Some(write) = profiles_first {
                    write.await?;
                }
                self.vacancy_runs(&vacancy_ids, &vacancies, today).await
            },
            async {
                if let Some(write) = vacancies_first {
                    write.await?;
                }
                self.profile_runs(&profile_ids, &profiles, today).await
            }
        )?;
        runs.extend(profile_found);
        Ok(Matched {
            db: self.store.clone(),
            runs,
            beside,
        })
    }

    /// Each vacancy's run of a batch, a few at a time (while one waits for
    /// the engine, a Meilisearch round trip, another assesses its
    /// candidates). A vacancy that is gone expires its matches (an empty
    /// run).
    async fn vacancy_runs(
        &self,
        ids: &[i64],
        vacancies: &HashMap<i64, Arc<Vacancy>>,
        today: NaiveDate,
    ) -> Result<Vec<(RunScope, Vec<stored::Found>)>, MatchError> {
        use futures_util::{StreamExt, TryStreamExt};
        futures_util::stream::iter(ids.iter().copied())
            .map(|id| {
                let vacancy = vacancies.get(&id).cloned();
                let matcher = self.clone();
                on_own_task(async move {
                    let found = match vacancy {
                        Some(vacancy) => matcher
                            .profiles_for(&vacancy, &ServiceScope::All, today, usize::MAX)
                            .await?
                            .into_iter()
                            .map(|r| Found::assessed(r.item.id, id, &r.assessment))
                            .collect(),
                        None => Vec::new(),
                    };
                    Ok::<_, MatchError>((RunScope::Vacancy(id), found))
                })
            })
            .buffered(RUNS_IN_FLIGHT)
            .try_collect()
            .await
    }

    /// Each present profile's run of a batch, a few at a time; a profile
    /// that is gone or anonymised only leaves the index.
    async fn profile_runs(
        &self,
        ids: &[i64],
        profiles: &HashMap<i64, Arc<Profile>>,
        today: NaiveDate,
    ) -> Result<Vec<(RunScope, Vec<stored::Found>)>, MatchError> {
        use futures_util::{StreamExt, TryStreamExt};
        futures_util::stream::iter(
            ids.iter()
                .filter_map(|id| profiles.get(id).cloned())
                .collect::<Vec<_>>(),
        )
        .map(|profile| {
            let matcher = self.clone();
            on_own_task(async move {
                let found = matcher
                    .vacancies_for(&profile, today, usize::MAX)
                    .await?
                    .into_iter()
                    .map(|r| Found::assessed(profile.id, r.item.id, &r.assessment))
                    .collect();
                Ok::<_, MatchError>((RunScope::Profile(profile.id), found))
            })
        })
        .buffered(RUNS_IN_FLIGHT)
        .try_collect()
        .await
    }

    /// [`Self::sync_vacancy`] for many: those still there, by id, indexed
    /// in one write; the others dropped from the index in one.
    async fn sync_vacancies(&self, ids: &[i64]) -> Result<HashMap<i64, Arc<Vacancy>>, MatchError> {
        self.sync_vacancies_to(&self.index, ids).await
    }

    /// [`Self::sync_vacancies`] into `target` (the live index, or one being
    /// built to replace it).
    async fn sync_vacancies_to(
        &self,
        target: &Arc<dyn MatchIndex>,
        ids: &[i64],
    ) -> Result<HashMap<i64, Arc<Vacancy>>, MatchError> {
        let present = self.present_vacancies(ids).await?;
        self.write_vacancies(target, ids, &present).await?;
        Ok(present)
    }

    /// The vacancies among `ids` that are still there, by id.
    async fn present_vacancies(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, Arc<Vacancy>>, MatchError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(self
            .load_vacancies(ids.to_vec())
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect())
    }

    /// Indexes the `present` vacancies in one write and drops the rest of
    /// `ids` from the index in one.
    async fn write_vacancies(
        &self,
        target: &Arc<dyn MatchIndex>,
        ids: &[i64],
        present: &HashMap<i64, Arc<Vacancy>>,
    ) -> Result<(), MatchError> {
        let docs: Vec<VacancyDoc> = present
            .values()
            .map(|v| VacancyDoc::build(v, &self.taxonomy))
            .collect();
        if !docs.is_empty() {
            target.upsert_vacancies(&docs).await?;
        }
        let gone = absent(ids, present);
        if !gone.is_empty() {
            target.delete(IndexKind::Vacancies, &gone).await?;
        }
        Ok(())
    }

    /// [`Self::sync_profile`] for many: those still there and not
    /// anonymised, by id, indexed in one write; the others dropped from the
    /// index in one.
    async fn sync_profiles(
        &self,
        ids: &[i64],
        today: NaiveDate,
    ) -> Result<HashMap<i64, Arc<Profile>>, MatchError> {
        self.sync_profiles_to(&self.index, ids, today).await
    }

    /// [`Self::sync_profiles`] into `target`.
    async fn sync_profiles_to(
        &self,
        target: &Arc<dyn MatchIndex>,
        ids: &[i64],
        today: NaiveDate,
    ) -> Result<HashMap<i64, Arc<Profile>>, MatchError> {
        let present = self.present_profiles(ids).await?;
        self.write_profiles(target, ids, &present, today).await?;
        Ok(present)
    }

    /// The profiles among `ids` that are still there and not anonymised,
    /// by id.
    async fn present_profiles(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, Arc<Profile>>, MatchError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let asked = ids.to_vec();
        let anonymised: std::collections::HashSet<i64> = self
            .store
            .run(move |c| store::retention::anonymised_among(c, &asked))
            .await?
            .into_iter()
            .collect();
        let live: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !anonymised.contains(id))
            .collect();
        if live.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(self
            .load_profiles(live)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect())
    }

    /// Indexes the `present` profiles (their licence conditions as in force
    /// on `today`) in one write and drops the rest of `ids` from the index
    /// in one.
    async fn write_profiles(
        &self,
        target: &Arc<dyn MatchIndex>,
        ids: &[i64],
        present: &HashMap<i64, Arc<Profile>>,
        today: NaiveDate,
    ) -> Result<(), MatchError> {
        let docs: Vec<ProfileDoc> = present
            .values()
            .map(|p| ProfileDoc::build(p, &self.taxonomy, today))
            .collect();
        if !docs.is_empty() {
            target.upsert_profiles(&docs).await?;
        }
        let gone = absent(ids, present);
        if !gone.is_empty() {
            target.delete(IndexKind::Profiles, &gone).await?;
        }
        Ok(())
    }

    /// Rebuilds both indexes from the database, in batches; `progress` is
    /// told how many documents of each kind are done. A run that is killed
    /// midway converges when run again (writes are upserts).
    ///
    /// The live index is never emptied first: each document is replaced in
    /// place and, at the end, only the documents whose rows the database no
    /// longer has are deleted. Answers during a rebuild therefore come from
    /// the old document or the new one, never from an empty index (which
    /// would blank every list while the rebuild runs).
    ///
    /// Where the engine can build beside the live index (Meilisearch,
    /// [`MatchIndex::staging`]), every document is written to fresh indexes
    /// while the live ones go on answering (and taking every other
    /// process's writes); the rows changed meanwhile, listed by the change
    /// feed, are written to the fresh indexes too; then both are swapped in
    /// at once ([`MatchIndex::promote`]) and the rows changed since that
    /// second look are written to them. A row changed at any point is
    /// therefore in the index that ends up live. A rebuild in place writes
    /// the rows changed while it ran again at its end, the same way.
    pub async fn reindex(
        &self,
        progress: impl FnMut(IndexKind, usize, usize),
    ) -> Result<(usize, usize), MatchError> {
        let since = self.store.run(store::meta::change_watermark).await?;
        let Some(staged) = self.index.staging().await? else {
            let report = self
                .converge(&self.index, Converge::Rebuild, progress)
                .await?;
            self.catch_up(&self.index, since).await?;
            self.index.compact().await?;
            return Ok((report.vacancies.rows, report.profiles.rows));
        };
        let report = self.converge(&staged, Converge::Rebuild, progress).await?;
        let since = self.catch_up(&staged, since).await?;
        self.index.promote(staged.as_ref()).await?;
        self.catch_up(&self.index, since).await?;
        Ok((report.vacancies.rows, report.profiles.rows))
    }

    /// Writes every row stamped at or after `since` into `target` (or drops
    /// it there when gone); returns the watermark read first, for the next
    /// look.
    async fn catch_up(&self, target: &Arc<dyn MatchIndex>, since: i64) -> Result<i64, MatchError> {
        let (watermark, vacancies, profiles) = self
            .store
            .run(move |c| {
                let watermark = store::meta::change_watermark(c)?;
                let vacancies = store::vacancies::changed_since(c, since)?;
                let profiles = store::profiles::changed_since(c, since)?;
                Ok::<_, StoreError>((watermark, vacancies, profiles))
            })
            .await?;
        let today = chrono::Utc::now().date_naive();
        let ids = |rows: Vec<(i64, i64)>| rows.into_iter().map(|(id, _)| id).collect::<Vec<_>>();
        for chunk in ids(vacancies).chunks(LOAD_CHUNK) {
            self.sync_vacancies_to(target, chunk).await?;
        }
        for chunk in ids(profiles).chunks(LOAD_CHUNK) {
            self.sync_profiles_to(target, chunk, today).await?;
        }
        Ok(watermark)
    }

    /// Compares every document with the one the database gives today, by
    /// content version, and repairs only what differs: documents missing
    /// from the index or stale are written, and documents whose rows are
    /// gone are deleted (`fairchance reindex --check`, and the start-up
    /// check). Rows are still read in full, but a Meilisearch index in step
    /// costs no writes at all.
    pub async fn check(
        &self,
        progress: impl FnMut(IndexKind, usize, usize),
    ) -> Result<ConvergeReport, MatchError> {
        self.converge(&self.index, Converge::Check, progress).await
    }

    async fn converge(
        &self,
        target: &Arc<dyn MatchIndex>,
        mode: Converge,
        mut progress: impl FnMut(IndexKind, usize, usize),
    ) -> Result<ConvergeReport, MatchError> {
        let store = self.store.clone();
        // Profile documents hold the licence conditions in force today (the
        // worker's day: the UTC date).
        let today = chrono::Utc::now().date_naive();
        let vacancy_ids = store.run(store::vacancies::all_ids).await?;
        let profile_ids = store.run(store::profiles::all_ids).await?;
        let taxonomy = self.taxonomy.clone();
        let vacancies = self
            .converge_kind(
                target,
                IndexKind::Vacancies,
                mode,
                &vacancy_ids,
                move |c, ids| {
                    let rows = store::vacancies::load_many(c, ids, &taxonomy)?;
                    Ok(rows
                        .iter()
                        .map(|v| VacancyDoc::build(v, &taxonomy))
                        .collect())
                },
                |index, docs: Vec<VacancyDoc>| {
                    Box::pin(async move { index.upsert_vacancies(&docs).await })
                },
                &mut progress,
            )
            .await?;
        let taxonomy = self.taxonomy.clone();
        let profiles = self
            .converge_kind(
                target,
                IndexKind::Profiles,
                mode,
                &profile_ids,
                move |c, ids| {
                    let rows = store::profiles::load_many(c, ids, &taxonomy)?;
                    Ok(rows
                        .iter()
                        .map(|p| ProfileDoc::build(p, &taxonomy, today))
                        .collect())
                },
                |index, docs: Vec<ProfileDoc>| {
                    Box::pin(async move { index.upsert_profiles(&docs).await })
                },
                &mut progress,
            )
            .await?;
        let mut report = ConvergeReport {
            vacancies,
            profiles,
        };
        report.vacancies.extra = self
            .drop_extras(target, IndexKind::Vacancies, &vacancy_ids)
            .await?;
        report.profiles.extra = self
            .drop_extras(target, IndexKind::Profiles, &profile_ids)
            .await?;
        Ok(report)
    }

    /// One kind's pass of [`Self::converge`]: rows are read and their
    /// documents built on a blocking thread, straight from the database (a
    /// rebuild must not pull every row into the in-memory copies), and the
    /// documents that differ are written [`WRITE_CHUNK`] at a time with up
    /// to [`WRITES_IN_FLIGHT`] writes outstanding, so the next rows are read
    /// while the engine indexes the last ones.
    #[allow(clippy::too_many_arguments)]
    async fn converge_kind<D: IndexDocument + Send + 'static>(
        &self,
        target: &Arc<dyn MatchIndex>,
        kind: IndexKind,
        mode: Converge,
        ids: &[i64],
        build: impl Fn(&mut store::Conn, &[i64]) -> StoreResult<Vec<D>> + Clone + Send + 'static,
        write: fn(Arc<dyn MatchIndex>, Vec<D>) -> WriteFuture,
        progress: &mut impl FnMut(IndexKind, usize, usize),
    ) -> Result<KindReport, MatchError> {
        let mut report = KindReport::default();
        let mut held = Self::held(target, mode, kind).await?;
        let mut writes = InFlight::default();
        let mut pending: Vec<D> = Vec::new();
        for chunk in ids.chunks(LOAD_CHUNK) {
            let chunk_ids = chunk.to_vec();
            let build = build.clone();
            let docs = self.store.run(move |c| build(c, &chunk_ids)).await?;
            pending.extend(
                docs.into_iter()
                    .filter(|d| report.differs(&mut held, d.id(), d.version())),
            );
            if pending.len() >= WRITE_CHUNK {
                writes
                    .send(write(target.clone(), std::mem::take(&mut pending)))
                    .await?;
            }
            report.rows += chunk.len();
            progress(kind, report.rows, ids.len());
        }
        if !pending.is_empty() {
            writes.send(write(target.clone(), pending)).await?;
        }
        writes.finish().await?;
        Ok(report)
    }

    /// The index's versions by id for a check; none for a rebuild (every
    /// document is then written).
    async fn held(
        target: &Arc<dyn MatchIndex>,
        mode: Converge,
        kind: IndexKind,
    ) -> Result<Option<HashMap<i64, i64>>, MatchError> {
        Ok(match mode {
            Converge::Rebuild => None,
            Converge::Check => Some(target.versions(kind).await?),
        })
    }

    /// Deletes the documents of `kind` whose ids are not in `wanted`;
    /// returns how many.
    async fn drop_extras(
        &self,
        target: &Arc<dyn MatchIndex>,
        kind: IndexKind,
        wanted: &[i64],
    ) -> Result<usize, MatchError> {
        let every = crate::search::Query {
            filter: crate::search::Filter::Always,
            text: None,
            limit: None,
        };
        let wanted: std::collections::HashSet<i64> = wanted.iter().copied().collect();
        let extra: Vec<i64> = target
            .query(kind, &every)
            .await?
            .into_iter()
            .map(|hit| hit.id)
            .filter(|id| !wanted.contains(id))
            .collect();
        if !extra.is_empty() {
            tracing::info!(
                ?kind,
                documents = extra.len(),
                "reindex: dropping documents whose rows are gone"
            );
            target.delete(kind, &extra).await?;
        }
        Ok(extra.len())
    }
}

/// What a convergence writes: every document, or only those that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Converge {
    Rebuild,
    Check,
}

/// What a check (or a rebuild) of one index found and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindReport {
    /// Rows read from the database.
    pub rows: usize,
    /// Rows with no document: written.
    pub missing: usize,
    /// Documents whose content differed from the row's: rewritten.
    pub stale: usize,
    /// Documents whose rows are gone: deleted.
    pub extra: usize,
}

impl KindReport {
    /// Whether the document built for row `id` must be written: always in
    /// a rebuild (`held` is none); in a check, when the index has no
    /// document for it or one of another version. Counts what it finds.
    fn differs(&mut self, held: &mut Option<HashMap<i64, i64>>, id: i64, version: i64) -> bool {
        let Some(held) = held else {
            return true;
        };
        match held.remove(&id) {
            None => {
                self.missing += 1;
                true
            }
            Some(v) if v != version => {
                self.stale += 1;
                true
            }
            Some(_) => false,
        }
    }

    /// Documents written or deleted.
    pub fn repaired(&self) -> usize {
        self.missing + self.stale + self.extra
    }
}

/// What [`Matcher::check`] found in each index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConvergeReport {
    pub vacancies: KindReport,
    pub profiles: KindReport,
}

/// The words of a keyword search, lowercased, for [`words_match`].
fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '+'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether every word begins a word of the vacancy's searchable text (the
/// fields the index searches). Used only while the index is being filled:
/// no typos and no synonyms, but nothing the words plainly name is missed.
fn words_match(words: &[String], vacancy: &Vacancy, taxonomy: &Taxonomy) -> bool {
    let doc = VacancyDoc::build(vacancy, taxonomy);
    let fields = [&doc.title, &doc.sector_label, &doc.place, &doc.description]
        .into_iter()
        .chain(doc.skills_text.iter())
        .chain(doc.certificate_codes.iter());
    let mut have: Vec<String> = Vec::new();
    for field in fields {
        have.extend(search_words(field));
    }
    words
        .iter()
        .all(|word| have.iter().any(|w| w.starts_with(word.as_str())))
}

/// One page of the eligible items, ordered by relevance band, then score,
/// then id (a stable order, so pages never repeat or skip an item), each
/// on the page with its full assessment (built only for these: ranking
/// uses the fast score).
fn rank_page<T>(
    mut scored: Vec<Scored<T>>,
    paging: Paging,
    id: impl Fn(&T) -> i64,
    assess: impl Fn(&T) -> Assessment,
) -> Page<T> {
    let order = |a: &Scored<T>, b: &Scored<T>| {
        b.band
            .cmp(&a.band)
            .then_with(|| {
                b.score
                    .partial_cmp(&a.score)
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .then_with(|| id(&a.item).cmp(&id(&b.item)))
    };
    let total = scored.len();
    let every_id = scored.iter().map(|s| id(&s.item)).collect();
    let start = paging.offset().min(total);
    let end = start.saturating_add(paging.per_page).min(total);
    if end < total && end > 0 {
        scored.select_nth_unstable_by(end - 1, order);
        scored.truncate(end);
    }
    scored.sort_by(order);
    let items = scored
        .drain(start..end)
        .map(|s| {
            let assessment = assess(&s.item);
            Ranked {
                item: s.item,
                assessment,
            }
        })
        .collect();
    Page {
        total,
        paging,
        items,
        every_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answer of `score_spread` over `n` numbered items: the items'
    /// numbers and scores, in order.
    async fn spread(n: u32) -> Vec<(u32, f64)> {
        let items: Vec<Arc<u32>> = (0..n).map(Arc::new).collect();
        // Every third item is not eligible; the score tells the rest apart.
        let scored = score_spread(&(), items, |(), i: &u32| {
            (!i.is_multiple_of(3)).then(|| f64::from(*i) / 7.0)
        })
        .await
        .expect("scored");
        scored.iter().map(|s| (*s.item, s.score)).collect()
    }

    fn one_by_one(n: u32) -> Vec<(u32, f64)> {
        (0..n)
            .filter(|i| !i.is_multiple_of(3))
            .map(|i| (i, f64::from(i) / 7.0))
            .collect()
    }

    /// Sizes around the threshold and the part boundaries, up to a
    /// vacancy's largest candidate sets.
    const SIZES: [u32; 9] = [0, 1, 511, 1_023, 1_024, 1_025, 1_537, 5_000, 40_001];

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn scores_spread_over_the_cores_keep_every_eligible_item_once_in_order() {
        for n in SIZES {
            assert_eq!(spread(n).await, one_by_one(n), "{n} items");
        }
    }

    #[tokio::test]
    async fn scores_spread_from_a_single_threaded_runtime_are_the_same() {
        for n in SIZES {
            assert_eq!(spread(n).await, one_by_one(n), "{n} items");
        }
    }
}
