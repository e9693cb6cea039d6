//! Argon2 work on a bounded pool, away from database connections.
//!
//! A hash takes tens of milliseconds of one core and 19 MiB. Left unbounded,
//! a flood of anonymous sign-ins would take every core (and, while a pooled
//! connection was held, every connection). At most one hash per core runs
//! at a time; a request that cannot start one within a short wait is told
//! to come back later instead of queueing without end.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::password;

/// How long a request waits for a free hashing slot before it is refused.
pub const DEFAULT_WAIT: Duration = Duration::from_millis(1500);
/// What a refused request is told to wait, in seconds.
pub const RETRY_AFTER_SECONDS: i64 = 2;

#[derive(Debug, thiserror::Error)]
pub enum HashingError {
    #[error("every hashing slot is busy")]
    Busy,
    #[error("hashing failed: {0}")]
    Failed(String),
}

#[derive(Clone, Debug)]
pub struct HashPool {
    slots: Arc<Semaphore>,
    wait: Duration,
}

impl HashPool {
    pub fn new(slots: usize, wait: Duration) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(slots.max(1))),
            wait,
        }
    }

    /// One slot per core of this machine.
    pub fn per_core() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores, DEFAULT_WAIT)
    }

    async fn run<T, F>(&self, work: F) -> Result<T, HashingError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = tokio::time::timeout(self.wait, Arc::clone(&self.slots).acquire_owned())
            .await
            .map_err(|_| HashingError::Busy)?
            .map_err(|_| HashingError::Busy)?;
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await
        .map_err(|e| HashingError::Failed(e.to_string()))
    }

    /// Checks a typed secret against a stored argon2 string.
    pub async fn verify(&self, secret: String, stored: String) -> Result<bool, HashingError> {
        self.run(move || password::verify(&secret, &stored)).await
    }

    /// Hashes a new secret.
    pub async fn hash(&self, secret: String) -> Result<String, HashingError> {
        self.run(move || password::hash(&secret))
            .await?
            .map_err(|e| HashingError::Failed(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_pool_refuses_after_the_wait() {
        let pool = HashPool::new(1, Duration::from_millis(50));
        let held = Arc::clone(&pool.slots).acquire_owned().await.unwrap();
        assert!(matches!(
            pool.verify("x".into(), "y".into()).await,
            Err(HashingError::Busy)
        ));
        drop(held);
        assert!(!pool.verify("x".into(), "not a hash".into()).await.unwrap());
    }
}
