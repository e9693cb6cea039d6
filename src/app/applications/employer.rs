//! Application use cases of the employer.
