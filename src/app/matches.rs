//! Use cases: matches.
