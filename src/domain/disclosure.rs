//! The disclosure letter: a short letter in the person's own words, in
//! three parts (what happened, in general terms; what has changed since;
//! what they offer an employer), that their officer reviews. Only an
//! approved letter can go with an application, only when the person
//! chooses, and only for a vacancy whose check level means convictions
//! will be asked about.
//!
//! An approval belongs to the exact words the officer read: every change
//! to the words raises the letter's version and takes it back to a draft,
//! and an approval names the version it was given for.

use super::errors::FieldErrors;
use super::vacancy::CheckLevel;

/// The longest a part may be, in characters.
pub const PART_MAX: usize = 1_200;
/// The longest note an officer may write when asking for changes.
pub const NOTE_MAX: usize = 1_000;

slug_enum! {
    /// Where the letter is in its review.
    pub enum LetterStatus("letter status") {
        /// Being written; not with the officer.
        Draft => "draft", "Draft",
        /// Sent to the officer, waiting for them to read it.
        AwaitingReview => "awaiting_review", "Waiting for the officer",
        /// The officer approved these words.
        Approved => "approved", "Approved",
        /// The officer asked for changes, with a note.
        ChangesAsked => "changes_asked", "Changes asked",
    }
}

slug_enum! {
    /// One part of the letter: each is a step of its own on the terminal.
    pub enum Part("letter part") {
        /// What happened, in general terms.
        WhatHappened => "happened", "What happened",
        /// What has changed since.
        WhatChanged => "changed", "What has changed",
        /// What the person offers an employer.
        WhatIOffer => "offer", "What I offer",
    }
}

slug_enum! {
    /// A step of the review history.
    pub enum ReviewAction("review action") {
        Sent => "sent", "Sent for review",
        Approved => "approved", "Approved",
        ChangesAsked => "changes_asked", "Changes asked",
    }
}

impl Part {
    /// The step number, from 1.
    pub fn step(self) -> usize {
        match self {
            Part::WhatHappened => 1,
            Part::WhatChanged => 2,
            Part::WhatIOffer => 3,
        }
    }

    /// The step after this one, if any.
    pub fn next(self) -> Option<Part> {
        match self {
            Part::WhatHappened => Some(Part::WhatChanged),
            Part::WhatChanged => Some(Part::WhatIOffer),
            Part::WhatIOffer => None,
        }
    }
}

/// The three parts' words.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Words {
    pub what_happened: String,
    pub what_changed: String,
    pub what_i_offer: String,
}

impl Words {
    pub fn part(&self, part: Part) -> &str {
        match part {
            Part::WhatHappened => &self.what_happened,
            Part::WhatChanged => &self.what_changed,
            Part::WhatIOffer => &self.what_i_offer,
        }
    }

    pub fn set(&mut self, part: Part, text: String) {
        match part {
            Part::WhatHappened => self.what_happened = text,
            Part::WhatChanged => self.what_changed = text,
            Part::WhatIOffer => self.what_i_offer = text,
        }
    }

    /// Parts with nothing written yet.
    pub fn missing(&self) -> Vec<Part> {
        Part::ALL
            .iter()
            .copied()
            .filter(|p| self.part(*p).trim().is_empty())
            .collect()
    }
}

/// A person's letter as stored.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Letter {
    pub profile_id: i64,
    pub words: Words,
    pub status: LetterStatus,
    pub version: i64,
    pub approved_version: Option<i64>,
    /// What the officer asked to change (kept until the officer next
    /// decides).
    pub officer_note: Option<String>,
    pub updated_at: chrono::NaiveDateTime,
}

impl Letter {
    /// Approved, and the words are still the ones the officer read.
    pub fn is_approved(&self) -> bool {
        self.status == LetterStatus::Approved && self.approved_version == Some(self.version)
    }
}

/// Why a part's words are refused (the web layer says it in the person's
/// language).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartProblem {
    TooLong,
}

/// Tidies a part's words: line endings made plain and the ends trimmed.
/// Longer than [`PART_MAX`] is refused, so nothing is cut silently.
pub fn check_part(text: &str) -> Result<String, PartProblem> {
    let text = text.replace("\r\n", "\n").trim().to_string();
    if text.chars().count() > PART_MAX {
        return Err(PartProblem::TooLong);
    }
    Ok(text)
}

/// Why a move on the letter is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    /// Some parts are empty: the letter cannot be sent yet.
    #[error("some parts of the letter are empty")]
    Incomplete(Vec<Part>),
    /// The officer may decide only on a letter waiting for them.
    #[error("the letter is not waiting for a review")]
    NotAwaitingReview,
    /// The letter changed after the officer opened it.
    #[error("the letter has changed since you opened it: read it again")]
    Changed,
    /// A note is needed to ask for changes, of at most [`NOTE_MAX`].
    #[error("{0}")]
    Note(FieldErrors),
}

/// What sending the letter to the officer does from `status`: None when it
/// is already with the officer or approved (nothing changes).
pub fn send(status: LetterStatus, words: &Words) -> Result<Option<LetterStatus>, MoveError> {
    let missing = words.missing();
    if !missing.is_empty() {
        return Err(MoveError::Incomplete(missing));
    }
    Ok(match status {
        LetterStatus::Draft | LetterStatus::ChangesAsked => Some(LetterStatus::AwaitingReview),
        LetterStatus::AwaitingReview | LetterStatus::Approved => None,
    })
}

/// Checks an officer's decision on the version they read.
pub fn decide(letter: &Letter, read_version: i64) -> Result<(), MoveError> {
    if letter.status != LetterStatus::AwaitingReview {
        return Err(MoveError::NotAwaitingReview);
    }
    if letter.version != read_version {
        return Err(MoveError::Changed);
    }
    Ok(())
}

/// Checks the note of a request for changes.
pub fn check_note(note: &str) -> Result<String, MoveError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(MoveError::Note(FieldErrors::single(
            "note",
            "Say what the person should change",
        )));
    }
    if note.chars().count() > NOTE_MAX {
        return Err(MoveError::Note(FieldErrors::single(
            "note",
            format!("Write {NOTE_MAX} characters or fewer"),
        )));
    }
    Ok(note.to_string())
}

/// Whether a vacancy's check level means the employer will ask about
/// convictions (any check at all).
pub fn convictions_asked(level: CheckLevel) -> bool {
    level != CheckLevel::None
}

/// Whether a letter may go with an application for a vacancy of `level`.
pub fn may_attach(letter: Option<&Letter>, level: CheckLevel) -> bool {
    convictions_asked(level) && letter.is_some_and(Letter::is_approved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(a: &str, b: &str, c: &str) -> Words {
        Words {
            what_happened: a.into(),
            what_changed: b.into(),
            what_i_offer: c.into(),
        }
    }

    fn letter(status: LetterStatus, version: i64, approved: Option<i64>) -> Letter {
        Letter {
            profile_id: 1,
            words: words("a", "b", "c"),
            status,
            version,
            approved_version: approved,
            officer_note: None,
            updated_at: chrono::NaiveDateTime::default(),
        }
    }

    #[test]
    fn a_letter_is_sent_only_when_every_part_is_written() {
        assert_eq!(
            send(LetterStatus::Draft, &words("a", " ", "")),
            Err(MoveError::Incomplete(vec![
                Part::WhatChanged,
                Part::WhatIOffer
            ]))
        );
        assert_eq!(
            send(LetterStatus::Draft, &words("a", "b", "c")),
            Ok(Some(LetterStatus::AwaitingReview))
        );
        assert_eq!(
            send(LetterStatus::ChangesAsked, &words("a", "b", "c")),
            Ok(Some(LetterStatus::AwaitingReview))
        );
        assert_eq!(
            send(LetterStatus::Approved, &words("a", "b", "c")),
            Ok(None)
        );
    }

    #[test]
    fn a_decision_is_on_the_version_read_and_only_when_waiting() {
        let waiting = letter(LetterStatus::AwaitingReview, 3, None);
        assert_eq!(decide(&waiting, 3), Ok(()));
        assert_eq!(decide(&waiting, 2), Err(MoveError::Changed));
        let draft = letter(LetterStatus::Draft, 3, None);
        assert_eq!(decide(&draft, 3), Err(MoveError::NotAwaitingReview));
    }

    #[test]
    fn only_an_approved_letter_goes_and_only_when_convictions_are_asked() {
        let approved = letter(LetterStatus::Approved, 2, Some(2));
        assert!(may_attach(Some(&approved), CheckLevel::Basic));
        assert!(may_attach(Some(&approved), CheckLevel::EnhancedBarred));
        assert!(!may_attach(Some(&approved), CheckLevel::None));
        assert!(!may_attach(None, CheckLevel::Basic));
        let stale = letter(LetterStatus::Approved, 3, Some(2));
        assert!(!may_attach(Some(&stale), CheckLevel::Basic));
        let waiting = letter(LetterStatus::AwaitingReview, 2, Some(1));
        assert!(!may_attach(Some(&waiting), CheckLevel::Standard));
    }

    #[test]
    fn parts_and_notes_have_limits() {
        assert_eq!(check_part("  hello\r\nthere "), Ok("hello\nthere".into()));
        assert_eq!(
            check_part(&"x".repeat(PART_MAX + 1)),
            Err(PartProblem::TooLong)
        );
        assert!(check_part(&"é".repeat(PART_MAX)).is_ok());
        assert!(check_note("  ").is_err());
        assert!(check_note(&"n".repeat(NOTE_MAX + 1)).is_err());
        assert_eq!(
            check_note(" Shorter, please "),
            Ok("Shorter, please".into())
        );
    }
}
