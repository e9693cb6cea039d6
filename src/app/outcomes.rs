//! Use cases: outcomes.
