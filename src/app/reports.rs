//! Use cases: reports.
