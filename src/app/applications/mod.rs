//! Use cases on applications, by the side that acts: the person applying
//! (seeker), the officer who forwards and decides, the employer who answers.

pub mod employer;
pub mod officer;
pub mod seeker;
