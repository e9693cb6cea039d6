//! Application use cases of the seeker.
