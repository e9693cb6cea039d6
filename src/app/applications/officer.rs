//! Application use cases of the officer.
