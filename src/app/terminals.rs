//! Use cases: terminals.
