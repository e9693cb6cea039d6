//! Data for demonstrations and benchmarks.

pub mod activity;
pub mod demo;
pub mod generator;
pub mod synthetic;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{0}")]
    Data(String),
    #[error("database error: {0}")]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for SeedError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::from(e))
    }
}
