//! API: vacancies.
