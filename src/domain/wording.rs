//! The fair-chance wording check: phrases in a vacancy that put off or
//! shut out people with convictions ("clean record", "no criminal
//! record", ...), and offence exclusions that give no real reason. It
//! warns and suggests; it never refuses a vacancy.
//!
//! The phrase list, with why each deters, a suggested wording and the
//! public guidance it follows, is `search-config/fair_chance_wording.json`,
//! embedded at build time so the binary and the tests read the same list.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::offence::{ExclusionStance, OffenceCategory};
use super::vacancy::{CheckLevel, ConvictionsAsked, VacancyInput};

const WORDING_JSON: &str = include_str!("../../search-config/fair_chance_wording.json");

/// One phrase of the list.
#[derive(Debug, Clone, Deserialize)]
pub struct Phrase {
    /// Stable id.
    pub id: String,
    /// The words matched (variants of one phrase).
    pub patterns: Vec<String>,
    /// Why it deters.
    pub why: String,
    /// Fairer wording.
    pub suggestion: String,
    /// Key into the list's `sources`.
    pub source: String,
}

/// What makes an exclusion's reason no reason.
#[derive(Debug, Clone, Deserialize)]
pub struct ExclusionReasons {
    /// Fewer words than this is not a reason.
    pub min_words: usize,
    /// Reasons that say nothing ("policy", "n/a"), normalised.
    pub non_reasons: Vec<String>,
    /// Why a bare exclusion deters.
    pub why: String,
    /// What to do instead.
    pub suggestion: String,
    /// Key into the list's `sources`.
    pub source: String,
}

/// The whole list.
#[derive(Debug, Clone, Deserialize)]
pub struct WordingList {
    /// The guidance followed, by key.
    pub sources: std::collections::BTreeMap<String, String>,
    /// The phrases.
    pub phrases: Vec<Phrase>,
    /// The rule for exclusion reasons.
    pub exclusion_reasons: ExclusionReasons,
}

/// One warning, beside one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The vacancy field (`description`, `offence_exclusions[0].reason`).
    pub field: String,
    /// The words found, as the employer wrote them.
    pub phrase: String,
    /// Why it puts people off.
    pub message: String,
    /// Fairer wording.
    pub suggestion: String,
}

impl WordingList {
    /// Reads a list; every phrase's source must be one of `sources`.
    pub fn parse(json: &str) -> Result<Self, String> {
        let list: WordingList = serde_json::from_str(json).map_err(|e| e.to_string())?;
        for source in list
            .phrases
            .iter()
            .map(|p| &p.source)
            .chain([&list.exclusion_reasons.source])
        {
            if !list.sources.contains_key(source) {
                return Err(format!("unknown source {source:?}"));
            }
        }
        Ok(list)
    }

    /// The list shipped with the service, read once.
    pub fn embedded() -> &'static WordingList {
        static LIST: OnceLock<WordingList> = OnceLock::new();
        LIST.get_or_init(|| {
            WordingList::parse(WORDING_JSON)
                .unwrap_or_else(|e| panic!("search-config/fair_chance_wording.json: {e}"))
        })
    }

    /// The phrases found in one text, in order, each once per place.
    pub fn phrases_in(&self, field: &str, text: &str) -> Vec<Warning> {
        let folded = Folded::of(text);
        // (start, end, phrase id, warning), folded byte offsets.
        let mut found: Vec<(usize, usize, &str, Warning)> = Vec::new();
        for phrase in &self.phrases {
            for pattern in &phrase.patterns {
                let needle = format!(" {} ", Folded::of(pattern).text.trim());
                let mut from = 0;
                while let Some(at) = folded.text[from..].find(&needle) {
                    let start = from + at + 1;
                    let end = start + needle.len() - 2;
                    from = start;
                    // Another pattern of the same phrase found here already
                    // (the list gives longer variants first).
                    if found
                        .iter()
                        .any(|(s, e, id, _)| *id == phrase.id && start < *e && *s < end)
                    {
                        continue;
                    }
                    found.push((
                        start,
                        end,
                        &phrase.id,
                        Warning {
                            field: field.to_string(),
                            phrase: folded.original(text, start, end),
                            message: phrase.why.clone(),
                            suggestion: phrase.suggestion.clone(),
                        },
                    ));
                }
            }
        }
        found.sort_by_key(|(start, ..)| *start);
        found.into_iter().map(|(.., w)| w).collect()
    }

    /// Whether an exclusion's reason is no reason at all.
    pub fn is_non_reason(&self, reason: &str) -> bool {
        let folded = Folded::of(reason);
        let words = folded.text.split_whitespace().count();
        let bare = folded.text.trim();
        words < self.exclusion_reasons.min_words
            || self
                .exclusion_reasons
                .non_reasons
                .iter()
                .any(|n| Folded::of(n).text.trim() == bare)
    }

    /// Every warning for a vacancy as written (parsed or not): the free text
    /// the employer writes, and each exclusion without a real reason.
    pub fn check(&self, input: &VacancyInput) -> Vec<Warning> {
        let mut warnings = Vec::new();
        for (field, text) in [
            ("title", &input.title),
            ("description", &input.description),
            ("how_to_apply", &input.how_to_apply),
        ] {
            warnings.extend(self.phrases_in(field, text));
        }
        for (i, document) in input.documents_needed.iter().enumerate() {
            warnings.extend(self.phrases_in(&format!("documents_needed[{i}]"), document));
        }
        for (i, exclusion) in input.offence_exclusions.iter().enumerate() {
            let field = format!("offence_exclusions[{i}].reason");
            warnings.extend(self.phrases_in(&field, &exclusion.reason));
            let excluded = ExclusionStance::parse(exclusion.stance.trim())
                .is_ok_and(|s| s == ExclusionStance::Excluded);
            if excluded && self.is_non_reason(&exclusion.reason) {
                let category = OffenceCategory::parse(exclusion.category.trim())
                    .map(|c| c.label())
                    .unwrap_or("These");
                warnings.push(Warning {
                    field,
                    phrase: exclusion.reason.trim().to_string(),
                    message: format!(
                        "{category} convictions cannot be considered, without a real reason. {}",
                        self.exclusion_reasons.why
                    ),
                    suggestion: self.exclusion_reasons.suggestion.clone(),
                });
            }
        }
        warnings
    }
}

/// Text folded for matching: lower case, every run of characters that are
/// not letters, digits or apostrophes one space, padded with a space at
/// each end; `starts[i]` is the byte in the original text where folded
/// character `i` came from.
struct Folded {
    text: String,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl Folded {
    fn of(original: &str) -> Self {
        let mut folded = Folded {
            text: " ".to_string(),
            starts: vec![0],
            ends: vec![0],
        };
        for (at, c) in original.char_indices() {
            let end = at + c.len_utf8();
            if c.is_alphanumeric() || c == '\'' || c == '’' {
                let c = if c == '’' { '\'' } else { c };
                for lower in c.to_lowercase() {
                    for _ in 0..lower.len_utf8() {
                        folded.starts.push(at);
                        folded.ends.push(end);
                    }
                    folded.text.push(lower);
                }
            } else if !folded.text.ends_with(' ') {
                folded.text.push(' ');
                folded.starts.push(at);
                folded.ends.push(end);
            }
        }
        if !folded.text.ends_with(' ') {
            folded.text.push(' ');
            folded.starts.push(original.len());
            folded.ends.push(original.len());
        }
        folded
    }

    /// The original text from folded byte `start` to `end` (exclusive).
    fn original(&self, text: &str, start: usize, end: usize) -> String {
        let from = self.starts[start];
        let to = self.ends[end - 1];
        text.get(from..to).unwrap_or_default().to_string()
    }
}

/// One line of the fair-chance checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    /// What is checked.
    pub label: &'static str,
    /// Whether it is done.
    pub done: bool,
    /// What the vacancy says, or what to do.
    pub detail: String,
}

/// The fair-chance checklist shown before publishing: every exclusion has
/// a reason, the check level and when convictions are asked are stated,
/// day release (ROTL) or a work trial is offered, and no wording puts
/// people off.
pub fn checklist(
    check_level: CheckLevel,
    asked: ConvictionsAsked,
    rotl_suitable: bool,
    warnings: &[Warning],
) -> Vec<ChecklistItem> {
    let bare = warnings
        .iter()
        .filter(|w| w.field.starts_with("offence_exclusions"))
        .filter(|w| w.message.contains("without a real reason"))
        .count();
    let wording = warnings.len() - bare;
    vec![
        ChecklistItem {
            label: "Every exclusion has a reason",
            done: bare == 0,
            detail: match bare {
                0 => "Each category that cannot be considered says why.".into(),
                n => format!("{n} exclusion(s) need a real reason, or \"case by case\"."),
            },
        },
        ChecklistItem {
            label: "Criminal record check stated",
            done: true,
            detail: check_level.label().to_string(),
        },
        ChecklistItem {
            label: "When convictions are asked stated",
            done: true,
            detail: asked.label().to_string(),
        },
        ChecklistItem {
            label: "ROTL or work trial offered",
            done: rotl_suitable,
            detail: if rotl_suitable {
                "Suitable for day release (ROTL).".into()
            } else {
                "Not offered. Day release lets people start before their release date.".into()
            },
        },
        ChecklistItem {
            label: "No wording that puts people off",
            done: wording == 0,
            detail: match wording {
                0 => "Nothing found.".into(),
                n => format!("{n} phrase(s) to look at, shown beside each field."),
            },
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::offence::OffenceExclusionInput;
    use crate::domain::vacancy::tests::valid_input;

    fn list() -> &'static WordingList {
        WordingList::embedded()
    }

    fn flagged(text: &str) -> Vec<String> {
        list()
            .phrases_in("description", text)
            .into_iter()
            .map(|w| w.phrase)
            .collect()
    }

    #[test]
    fn every_listed_phrase_is_flagged_with_its_variants() {
        for phrase in &list().phrases {
            assert!(list().sources.contains_key(&phrase.source));
            for pattern in &phrase.patterns {
                let upper = pattern.to_uppercase();
                let spaced = pattern.replace(' ', "  ");
                let hyphened = pattern.replace(' ', "-");
                let broken = pattern.replacen(' ', "\n", 1);
                let title: String = pattern
                    .split(' ')
                    .map(|w| {
                        let mut c = w.chars();
                        c.next()
                            .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                for variant in [pattern.clone(), upper, spaced, hyphened, broken, title] {
                    let text = format!("Applicants: {variant}. Thank you.");
                    let found = flagged(&text);
                    assert!(
                        found.iter().any(|f| f == &variant),
                        "{} / {variant:?}: found {found:?}",
                        phrase.id
                    );
                }
            }
        }
    }

    #[test]
    fn named_examples() {
        assert_eq!(flagged("You must have a Clean  Record."), ["Clean  Record"]);
        assert_eq!(flagged("clean-record essential"), ["clean-record"]);
        assert_eq!(
            flagged("no\ncriminal record please"),
            ["no\ncriminal record"]
        );
        assert_eq!(
            flagged("Must pass a background check"),
            ["Must pass a background check"]
        );
        assert_eq!(flagged("NO CONVICTIONS"), ["NO CONVICTIONS"]);
        // Whole words only.
        assert!(flagged("The cleaner recorded stock.").is_empty());
        assert!(flagged("We had no convictionsX").is_empty());
    }

    #[test]
    fn a_clean_ad_has_no_flags() {
        let input = valid_input();
        assert_eq!(list().check(&input), vec![]);
        let generous = "We welcome applications from people with convictions. \
            We run a basic DBS check after the offer and talk anything on it through with you. \
            Training and safety boots are provided; a clean, tidy warehouse.";
        assert!(flagged(generous).is_empty(), "{:?}", flagged(generous));
    }

    #[test]
    fn every_text_field_is_checked() {
        let mut input = valid_input();
        input.title = "Driver (clean record)".into();
        input.how_to_apply = "Must pass a DBS check".into();
        input.documents_needed = vec!["Proof of no criminal record".into()];
        input.offence_exclusions[0].reason =
            "No ex-offenders in this building at all, sorry.".into();
        let fields: Vec<String> = list().check(&input).into_iter().map(|w| w.field).collect();
        assert_eq!(
            fields,
            [
                "title",
                "how_to_apply",
                "documents_needed[0]",
                "offence_exclusions[0].reason"
            ]
        );
    }

    #[test]
    fn bare_exclusions_are_flagged_beside_the_exclusion() {
        let mut input = valid_input();
        for reason in [
            "Company policy",
            "n/a",
            "N / A",
            "None",
            "Insurance",
            "Not allowed here",
        ] {
            input.offence_exclusions = vec![OffenceExclusionInput {
                category: "violence".into(),
                stance: "excluded".into(),
                reason: reason.into(),
            }];
            let warnings = list().check(&input);
            assert_eq!(warnings.len(), 1, "{reason}");
            assert_eq!(warnings[0].field, "offence_exclusions[0].reason");
            assert!(warnings[0]
                .message
                .starts_with("Violence convictions cannot be considered"));
        }
        // Case by case needs no reason; a real reason is not flagged.
        input.offence_exclusions[0].stance = "case_by_case".into();
        input.offence_exclusions[0].reason = String::new();
        assert!(list().check(&input).is_empty());
        input.offence_exclusions[0].stance = "excluded".into();
        input.offence_exclusions[0].reason = "Door staff licence rules bar this category.".into();
        assert!(list().check(&input).is_empty());
    }

    #[test]
    fn the_demo_and_generated_ads_are_clean() {
        use crate::seed::generator::{vacancy, Town, TEMPLATES};
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(23);
        let town = Town {
            name: "Leeds".into(),
            lat: 53.7965,
            lon: -1.5478,
        };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        for _ in 0..20 {
            for template in TEMPLATES {
                let input = vacancy(&mut rng, template, &town, "Example Works", today);
                assert_eq!(list().check(&input), vec![], "{}", template.title);
            }
        }
    }

    #[test]
    fn the_checklist() {
        let items = checklist(CheckLevel::Basic, ConvictionsAsked::AtOffer, false, &[]);
        let done: Vec<bool> = items.iter().map(|i| i.done).collect();
        assert_eq!(done, [true, true, true, false, true]);
        assert_eq!(items[1].detail, "Basic DBS check");
    }
}
