//! Use cases: profiles.
