//! API: reference.
