//! API: openapi.
