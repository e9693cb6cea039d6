//! API: matches.
