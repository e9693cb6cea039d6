//! The application layer: one function per use case. Each owns its
//! transaction, its audit rows and the jobs and emails it queues, and returns
//! its area's error. The web pages, the JSON API, the CSV imports, the
//! terminal and the command line only read their input, call one of these and
//! render the answer, so the twins of a use case cannot drift apart.
//!
//! Each area's error converts into [`Failure`], which `web::errors` maps to an
//! HTTP answer (a page or JSON) in one place.

use std::sync::Arc;

use crate::access::hashing::HashPool;
use crate::config::Config;
use crate::domain::skills::Taxonomy;
use crate::domain::FieldErrors;
use crate::matches::Matcher;
use crate::startup::Services;
use crate::store::Store;
use crate::store::StoreError;

pub mod accounts;
pub mod admin;
pub mod applications;
pub mod cvs;
pub mod disclosure;
pub mod employers;
pub mod integrations;
pub mod matches;
pub mod outcomes;
pub mod profile_import;
pub mod profiles;
pub mod reports;
pub mod retention;
pub mod seekers;
pub mod slots;
pub mod terminals;
pub mod vacancies;
pub mod watches;

/// One bad cell (or row) of an imported table: the spreadsheet row number
/// (the header is row 1; 0 for the file as a whole), the column (blank for
/// the whole row) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// How a use case failed, in terms every interface can render.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Input that does not pass validation: the fields and what is wrong.
    #[error("the request is invalid")]
    Invalid(FieldErrors),
    /// Nothing by that id within the caller's reach (also used where telling
    /// "exists but not yours" apart would leak that it exists).
    #[error("not found")]
    NotFound,
    /// The caller is known but may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The request clashes with the current state (a duplicate, a move the
    /// lifecycle does not allow).
    #[error("{0}")]
    Conflict(String),
    /// A request that cannot be read as it stands.
    #[error("{0}")]
    BadRequest(String),
    /// Over a rate limit, or every hashing slot busy: try again later.
    #[error("{message}")]
    TooMany { retry_after: i64, message: String },
    /// A fault of ours: logged, never shown in detail.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(m) => Self::Conflict(m),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}

impl From<crate::access::hashing::HashingError> for Failure {
    fn from(e: crate::access::hashing::HashingError) -> Self {
        use crate::access::hashing::{HashingError, RETRY_AFTER_SECONDS};
        match e {
            HashingError::Busy => Self::TooMany {
                retry_after: RETRY_AFTER_SECONDS,
                message: "The service is busy. Try again in a moment.".into(),
            },
            HashingError::Failed(m) => Self::Internal(m),
        }
    }
}

/// Runs blocking database work off the async executor, like
/// [`crate::store::Store::run`], but in the use case's own error type, so a
/// transaction's error comes back as it is (no `Result` in a `Result`).
pub async fn run<T, E, F>(store: &crate::store::Store, work: F) -> Result<T, E>
where
    F: FnOnce(&mut crate::store::Conn) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = store.conn()?;
        work(&mut conn)
    })
    .await
    .map_err(|e| StoreError::Task(e.to_string()))?
}

/// Runs `work` in one write transaction off the async executor: the use
/// case's statements commit together or not at all.
pub async fn write<T, F>(store: &crate::store::Store, work: F) -> Result<T, Failure>
where
    F: FnOnce(&mut crate::store::InTx<'_>) -> Result<T, Failure> + Send + 'static,
    T: Send + 'static,
{
    run(store, move |conn| conn.write(work)).await
}

/// Checks a typed secret against its hash on the hashing pool. A busy pool
/// turns the attempt away unchecked, so `refund` takes back what was
/// counted against the limits before it, and the caller gets `TooMany`.
pub async fn verify_or_refund<F>(
    state: &AppState,
    typed: String,
    stored: String,
    refund: F,
) -> Result<bool, Failure>
where
    F: FnOnce(&mut crate::store::Conn) -> crate::store::StoreResult<()> + Send + 'static,
{
    use crate::access::hashing::HashingError;
    match state.hashing.verify(typed, stored).await {
        Err(HashingError::Busy) => {
            state.store.run(refund).await?;
            Err(HashingError::Busy.into())
        }
        verified => Ok(verified?),
    }
}

/// What every use case and request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub taxonomy: Arc<Taxonomy>,
    pub matcher: Matcher,
    /// Where every password and PIN hash runs (never on a connection).
    pub hashing: HashPool,
    /// Whether the search index is in step or being rebuilt (`/readyz`).
    pub index_status: crate::startup::IndexStatus,
}

impl AppState {
    pub fn new(services: Services, matcher: Matcher) -> Self {
        Self {
            config: services.config,
            store: services.store,
            taxonomy: services.taxonomy,
            matcher,
            hashing: HashPool::per_core(),
            index_status: crate::startup::IndexStatus::default(),
        }
    }

    /// The same state, reporting `status` for the search index.
    pub fn with_index_status(mut self, status: crate::startup::IndexStatus) -> Self {
        self.index_status = status;
        self
    }
}
