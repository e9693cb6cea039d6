//! Use cases: employers.
