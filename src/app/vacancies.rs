//! Use cases: vacancies.
