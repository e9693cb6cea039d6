//! Coarse offence categories and the exclusions an employer may state.
//!
//! Categories are deliberately coarse (never finer than this list) to keep
//! offence data minimal; who may see them is decided outside the domain.

use serde::{Deserialize, Serialize};
use validator::Validate;

use super::errors::FieldErrors;

slug_enum! {
    /// A coarse offence category.
    pub enum OffenceCategory("offence category") {
        /// Arson.
        Arson => "arson", "Arson",
        /// Sexual offences.
        Sexual => "sexual", "Sexual offences",
        /// Violence against the person.
        Violence => "violence", "Violence",
        /// Driving offences.
        Driving => "driving", "Driving offences",
        /// Fraud and theft.
        Dishonesty => "dishonesty", "Dishonesty (fraud or theft)",
        /// Supplying drugs.
        DrugsSupply => "drugs_supply", "Drugs supply",
        /// Terrorism.
        Terrorism => "terrorism", "Terrorism",
        /// Anything else.
        Other => "other", "Other offences",
    }
}

slug_enum! {
    /// How a vacancy treats people with convictions in a category.
    pub enum ExclusionStance("exclusion stance") {
        /// The role cannot be offered (for a stated reason).
        Excluded => "excluded", "Cannot be considered",
        /// Considered on the facts of each case; never excludes by itself.
        CaseByCase => "case_by_case", "Considered case by case",
    }
}

/// Shortest reason an employer may give for an exclusion.
pub const REASON_MIN_CHARS: usize = 10;
/// Longest reason an employer may give for an exclusion.
pub const REASON_MAX_CHARS: usize = 500;

/// What an exclusion without a good reason is told; it names the category,
/// since the form lists eight of them.
pub fn reason_message(category: Option<OffenceCategory>) -> String {
    match category {
        Some(category) => format!(
            "Explain why people with convictions for {} cannot be considered, in 10 to 500 characters, for example what the role involves",
            category.label().to_lowercase()
        ),
        None => "Explain why in 10 to 500 characters, for example what the role involves".into(),
    }
}

/// What a case-by-case note longer than the limit is told.
const NOTE_TOO_LONG: &str = "Keep the note for case officers to 500 characters or fewer";

/// An exclusion as typed on a form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct OffenceExclusionInput {
    /// Category slug, such as `"arson"`.
    pub category: String,
    /// `"excluded"` or `"case_by_case"`.
    pub stance: String,
    /// Why the role cannot accept this category (10 to 500 characters,
    /// required for an exclusion); for "case by case" an optional note of
    /// up to 500 characters. Checked by `OffenceExclusion::parse`, since
    /// the rule depends on the stance.
    pub reason: String,
}

/// An employer's statement about one offence category for one vacancy: an
/// exclusion always with a reason, "case by case" with an optional note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "OffenceExclusionInput", into = "OffenceExclusionInput")]
pub struct OffenceExclusion {
    category: OffenceCategory,
    stance: ExclusionStance,
    reason: String,
}

impl OffenceExclusion {
    /// Checks the category, stance and reason: an exclusion needs a reason
    /// of 10 to 500 characters once trimmed; "case by case" needs none (it
    /// is the default employers are steered to), and a note given with it
    /// is kept if it is at most 500 characters. Errors use the input's
    /// field names.
    pub fn parse(input: &OffenceExclusionInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let category = OffenceCategory::parse(input.category.trim());
        if category.is_err() {
            errors.add("category", "Choose an offence category from the list");
        }
        let stance = ExclusionStance::parse(input.stance.trim());
        if stance.is_err() {
            errors.add(
                "stance",
                "Choose whether the category cannot be considered or is considered case by case",
            );
        }
        let reason = input.reason.trim();
        let length = reason.chars().count();
        match stance {
            Ok(ExclusionStance::CaseByCase) => {
                if length > REASON_MAX_CHARS {
                    errors.add("reason", NOTE_TOO_LONG);
                }
            }
            _ => {
                if !(REASON_MIN_CHARS..=REASON_MAX_CHARS).contains(&length) {
                    errors.add("reason", reason_message(category.as_ref().ok().copied()));
                }
            }
        }
        match (category, stance) {
            (Ok(category), Ok(stance)) if errors.is_empty() => Ok(Self {
                category,
                stance,
                reason: reason.to_owned(),
            }),
            _ => Err(errors),
        }
    }

    /// The category concerned.
    pub fn category(&self) -> OffenceCategory {
        self.category
    }

    /// Whether it excludes or is considered case by case.
    pub fn stance(&self) -> ExclusionStance {
        self.stance
    }

    /// The employer's stated reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The input that parses back to this exclusion.
    pub fn to_input(&self) -> OffenceExclusionInput {
        OffenceExclusionInput {
            category: self.category.as_str().to_owned(),
            stance: self.stance.as_str().to_owned(),
            reason: self.reason.clone(),
        }
    }
}

impl TryFrom<OffenceExclusionInput> for OffenceExclusion {
    type Error = FieldErrors;

    fn try_from(input: OffenceExclusionInput) -> Result<Self, Self::Error> {
        OffenceExclusion::parse(&input)
    }
}

impl From<OffenceExclusion> for OffenceExclusionInput {
    fn from(exclusion: OffenceExclusion) -> Self {
        exclusion.to_input()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(category: &str, stance: &str, reason: &str) -> OffenceExclusionInput {
        OffenceExclusionInput {
            category: category.into(),
            stance: stance.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn slugs_round_trip_for_every_category() {
        assert_eq!(OffenceCategory::ALL.len(), 8);
        for category in OffenceCategory::ALL {
            assert_eq!(OffenceCategory::parse(category.as_str()), Ok(*category));
            assert_eq!(category.as_str().parse::<OffenceCategory>(), Ok(*category));
            let json = serde_json::to_string(category).unwrap();
            assert_eq!(json, format!("\"{category}\""));
            assert!(!category.label().is_empty());
        }
        assert_eq!(OffenceCategory::DrugsSupply.as_str(), "drugs_supply");
        assert!(OffenceCategory::parse("Arson").is_err());
        assert!(OffenceCategory::parse("burglary").is_err());
        assert_eq!(ExclusionStance::CaseByCase.as_str(), "case_by_case");
        assert_eq!(
            ExclusionStance::parse("excluded"),
            Ok(ExclusionStance::Excluded)
        );
    }

    #[test]
    fn parse_trims_and_keeps_the_reason() {
        let exclusion = OffenceExclusion::parse(&input(
            " arson ",
            "excluded",
            "  Work involves unsupervised access to fuel stores.  ",
        ))
        .unwrap();
        assert_eq!(exclusion.category(), OffenceCategory::Arson);
        assert_eq!(exclusion.stance(), ExclusionStance::Excluded);
        assert_eq!(
            exclusion.reason(),
            "Work involves unsupervised access to fuel stores."
        );
        assert_eq!(
            OffenceExclusion::parse(&exclusion.to_input()).unwrap(),
            exclusion
        );
    }

    #[test]
    fn reason_length_boundaries() {
        assert!(OffenceExclusion::parse(&input("arson", "excluded", &"x".repeat(10))).is_ok());
        assert!(OffenceExclusion::parse(&input("arson", "excluded", &"x".repeat(500))).is_ok());
        for reason in [
            "x".repeat(9),
            "x".repeat(501),
            format!("   {}   ", "x".repeat(9)),
        ] {
            let errors = OffenceExclusion::parse(&input("arson", "excluded", &reason)).unwrap_err();
            assert_eq!(
                errors.first("reason"),
                Some(reason_message(Some(OffenceCategory::Arson)).as_str())
            );
            assert!(errors.first("reason").unwrap().contains("arson"));
        }
    }

    #[test]
    fn unknown_category_and_stance_are_reported_together() {
        let errors = OffenceExclusion::parse(&input("burglary", "never", "short")).unwrap_err();
        assert!(errors.has("category") && errors.has("stance") && errors.has("reason"));
    }

    #[test]
    fn case_by_case_needs_no_reason_but_an_exclusion_does() {
        // The reason rule depends on the stance, so the derived validator
        // leaves it to `parse` (which every entry point calls).
        assert!(input("arson", "case_by_case", "").validate().is_ok());
        let exclusion = OffenceExclusion::parse(&input("arson", "case_by_case", "  ")).unwrap();
        assert_eq!(exclusion.reason(), "");
        assert!(OffenceExclusion::parse(&input("arson", "case_by_case", "Talk to us")).is_ok());
        let long =
            OffenceExclusion::parse(&input("arson", "case_by_case", &"x".repeat(501))).unwrap_err();
        assert_eq!(long.first("reason"), Some(NOTE_TOO_LONG));
        let errors = OffenceExclusion::parse(&input("violence", "excluded", "")).unwrap_err();
        assert_eq!(
            errors.first("reason"),
            Some(
                "Explain why people with convictions for violence cannot be considered, in 10 to 500 characters, for example what the role involves"
            )
        );
    }

    #[test]
    fn serde_is_validated() {
        let json = r#"{"category":"violence","stance":"case_by_case","reason":"Discussed at interview with the manager."}"#;
        let exclusion: OffenceExclusion = serde_json::from_str(json).unwrap();
        assert_eq!(exclusion.stance(), ExclusionStance::CaseByCase);
        assert_eq!(serde_json::to_string(&exclusion).unwrap(), json);
        // "Case by case" takes a short note or none; an exclusion does not.
        assert!(serde_json::from_str::<OffenceExclusion>(
            r#"{"category":"violence","stance":"case_by_case","reason":"no"}"#
        )
        .is_ok());
        assert!(serde_json::from_str::<OffenceExclusion>(
            r#"{"category":"violence","stance":"excluded","reason":"no"}"#
        )
        .is_err());
    }
}
