//! A person's CV: the parts taken from their profile (skills with where
//! they were gained, certificates, work history), which only their officer
//! records, and the parts the person writes on the terminal (about me,
//! strengths, whether references are available), with their officer's
//! suggestions beside each part.
//!
//! Nothing here reads the offence, licence or barred sections of a
//! profile, and a [`Snapshot`] (what goes with an application) holds no
//! name: whoever shows it adds the name or pseudonym they may show.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::profile::{ProfileDetails, SkillSource};
use super::skills::Taxonomy;

/// Longest "about me", in characters.
pub const ABOUT_ME_MAX: usize = 600;
/// Longest "strengths", in characters.
pub const STRENGTHS_MAX: usize = 600;
/// Longest note about references, in characters.
pub const REFERENCES_NOTE_MAX: usize = 200;
/// Longest officer's suggestion for one part, in characters.
pub const SUGGESTION_MAX: usize = 500;

slug_enum! {
    /// A part of the CV the person writes, or the CV as a whole (for an
    /// officer's suggestion).
    pub enum Section("CV section") {
        /// A few sentences about the person.
        AboutMe => "about_me", "About me",
        /// What the person is good at.
        Strengths => "strengths", "Strengths",
        /// Whether references are available.
        References => "references", "References",
        /// The CV as a whole (a suggestion only).
        General => "general", "The whole CV",
    }
}

/// The parts of the CV the person writes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnWords {
    pub about_me: String,
    pub strengths: String,
    /// None until the person answers.
    pub references_available: Option<bool>,
    pub references_note: String,
}

impl OwnWords {
    /// Whether the person has written enough for the CV to go with an
    /// application: an "about me" or their strengths.
    pub fn worth_sending(&self) -> bool {
        !self.about_me.trim().is_empty() || !self.strengths.trim().is_empty()
    }
}

/// The officer's suggestions, one for each part (empty when none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestions {
    pub about_me: String,
    pub strengths: String,
    pub references: String,
    pub general: String,
}

impl Suggestions {
    /// The suggestion for one part.
    pub fn of(&self, section: Section) -> &str {
        match section {
            Section::AboutMe => &self.about_me,
            Section::Strengths => &self.strengths,
            Section::References => &self.references,
            Section::General => &self.general,
        }
    }

    pub fn is_empty(&self) -> bool {
        Section::ALL.iter().all(|s| self.of(*s).is_empty())
    }
}

/// A stored CV: the person's words and their officer's suggestions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cv {
    pub words: OwnWords,
    /// When the person last changed their words.
    pub changed_at: Option<NaiveDateTime>,
    pub suggestions: Suggestions,
    /// When an officer last saved suggestions, and who.
    pub suggested_at: Option<NaiveDateTime>,
    pub suggested_by: Option<i64>,
}

/// A text longer than its part allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("use {max} characters or fewer")]
pub struct TooLong {
    pub max: usize,
}

/// A person's or officer's text made tidy: line ends made plain, control
/// characters (other than line ends and tabs) taken out, blank lines at
/// either end trimmed. Refused, never cut, when longer than `max`
/// characters.
pub fn clean_text(raw: &str, max: usize) -> Result<String, TooLong> {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = unified
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let trimmed = kept.trim().to_string();
    if trimmed.chars().count() > max {
        return Err(TooLong { max });
    }
    Ok(trimmed)
}

/// A skill as the CV shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvSkill {
    pub label: String,
    /// Where it was gained (`SkillSource` slug).
    pub source: String,
}

/// A certificate as the CV shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvCertificate {
    pub label: String,
    pub expires_on: Option<NaiveDate>,
}

/// A past job as the CV shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvJob {
    pub role: String,
    pub employer: String,
    pub from_year: i32,
    pub to_year: Option<i32>,
}

/// The whole CV as text: what is shown, printed, made into a PDF and sent
/// with an application (where it is kept as it was when sent). It holds
/// no name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub words: OwnWords,
    pub skills: Vec<CvSkill>,
    pub certificates: Vec<CvCertificate>,
    pub work_history: Vec<CvJob>,
}

impl Snapshot {
    /// The CV from the person's words and the parts of their profile a CV
    /// shows, on `today` (certificates that have expired are left out).
    pub fn of(
        words: &OwnWords,
        details: &ProfileDetails,
        taxonomy: &Taxonomy,
        today: NaiveDate,
    ) -> Self {
        // Skills gained in prison and in past jobs first, then the rest.
        let mut skills: Vec<CvSkill> = details
            .skills()
            .iter()
            .map(|s| CvSkill {
                label: taxonomy.label(s.slug()).to_string(),
                source: s.source().as_str().to_string(),
            })
            .collect();
        skills.sort_by_key(|s| source_rank(&s.source));
        let certificates = details
            .certificates()
            .iter()
            .filter(|c| c.is_valid_on(today))
            .map(|c| CvCertificate {
                label: taxonomy.label(c.slug()).to_string(),
                expires_on: c.expires_on(),
            })
            .collect();
        let mut work_history: Vec<CvJob> = details
            .work_history()
            .iter()
            .map(|w| CvJob {
                role: w.role().to_string(),
                employer: w.employer_name().to_string(),
                from_year: w.from_year(),
                to_year: w.to_year(),
            })
            .collect();
        // Newest first, as CVs are read.
        work_history
            .sort_by_key(|j| std::cmp::Reverse((j.to_year.unwrap_or(i32::MAX), j.from_year)));
        Self {
            words: words.clone(),
            skills,
            certificates,
            work_history,
        }
    }

    /// The snapshot as stored with an application.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// A stored snapshot; None when it cannot be read.
    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }
}

fn source_rank(source: &str) -> u8 {
    match SkillSource::parse(source) {
        Ok(SkillSource::PrisonCourse) => 0,
        Ok(SkillSource::PrisonWork) => 1,
        Ok(SkillSource::PastJob) => 2,
        _ => 3,
    }
}

/// "2015 to 2019", "2021 to now", "2018".
pub fn years_text(from: i32, to: Option<i32>, now_word: &str, to_word: &str) -> String {
    match to {
        Some(to) if to == from => from.to_string(),
        Some(to) => format!("{from} {to_word} {to}"),
        None => format!("{from} {to_word} {now_word}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::tests::valid_input;
    use crate::domain::skills::tests::sample;
    use crate::domain::vacancy::tests::date;

    #[test]
    fn text_is_tidied_and_refused_when_too_long() {
        assert_eq!(clean_text("  hi\r\nthere\u{7} ", 10).unwrap(), "hi\nthere");
        assert_eq!(clean_text(&"é".repeat(10), 10).unwrap().chars().count(), 10);
        assert_eq!(clean_text(&"é".repeat(11), 10), Err(TooLong { max: 10 }));
    }

    #[test]
    fn worth_sending_needs_the_persons_own_words() {
        let mut words = OwnWords::default();
        assert!(!words.worth_sending());
        words.references_available = Some(true);
        assert!(!words.worth_sending());
        words.strengths = "Hard working".into();
        assert!(words.worth_sending());
    }

    #[test]
    fn a_snapshot_has_the_record_and_no_name_or_restricted_data() {
        let taxonomy = sample();
        let mut input = valid_input();
        input.offence_categories = vec!["arson".into()];
        input.other_conditions = "Report weekly".into();
        let details = ProfileDetails::parse(&input, &taxonomy).unwrap();
        let words = OwnWords {
            about_me: "I like to keep busy.".into(),
            ..OwnWords::default()
        };
        let snap = Snapshot::of(&words, &details, &taxonomy, date(2025, 1, 1));
        assert!(!snap.skills.is_empty());
        let json = snap.to_json();
        for word in ["Sam", "Jones", "arson", "Report weekly", "A1234BC"] {
            assert!(!json.contains(word), "{word} in {json}");
        }
        assert_eq!(Snapshot::from_json(&json), Some(snap));
    }

    #[test]
    fn years_read_plainly() {
        assert_eq!(years_text(2015, Some(2019), "now", "to"), "2015 to 2019");
        assert_eq!(years_text(2018, Some(2018), "now", "to"), "2018");
        assert_eq!(years_text(2021, None, "now", "to"), "2021 to now");
    }
}
