//! Fair Chance Jobs: fair-chance vacancies matched with the skill profiles of
//! people leaving custody, reviewed by case officers.

// No function outside tests over 80 lines (clippy.toml sets the limit).
#![cfg_attr(not(test), warn(clippy::too_many_lines))]
// The OpenAPI document's vacancy schema is one large `json!`.
#![recursion_limit = "256"]

pub mod access;
pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod gazetteer;
pub mod jobs;
pub mod matches;
pub mod notify;
pub mod reports;
pub mod search;
pub mod seed;
pub mod startup;
pub mod store;
pub mod web;
