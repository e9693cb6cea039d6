//! Index settings: the JSON files in `search-config/meilisearch/`, completed
//! at run time with what the taxonomy says (synonyms, code words without
//! typos). Both engines read them.

use std::collections::{BTreeMap, HashMap};

use meilisearch_sdk::settings::{MinWordSizeForTypos, Settings, TypoToleranceSettings};

use super::documents::is_code;
use super::SearchError;
use crate::domain::skills::{fold_term, Taxonomy};

/// The vacancies index settings, as shipped.
pub const VACANCIES_JSON: &str = include_str!("../../search-config/meilisearch/vacancies.json");
/// The profiles index settings, as shipped.
pub const PROFILES_JSON: &str = include_str!("../../search-config/meilisearch/profiles.json");

/// Meilisearch's defaults for the shortest words that may have one or two
/// typos, used when a settings file does not say.
const DEFAULT_ONE_TYPO: u8 = 5;
const DEFAULT_TWO_TYPOS: u8 = 9;

/// Which of the two indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexKind {
    /// Vacancies.
    Vacancies,
    /// Skill profiles.
    Profiles,
}

impl IndexKind {
    /// Both, vacancies first.
    pub const ALL: [IndexKind; 2] = [IndexKind::Vacancies, IndexKind::Profiles];

    /// The index name without prefix.
    pub fn base_name(self) -> &'static str {
        match self {
            IndexKind::Vacancies => "vacancies",
            IndexKind::Profiles => "profiles",
        }
    }

    pub(crate) fn shipped_json(self) -> &'static str {
        match self {
            IndexKind::Vacancies => VACANCIES_JSON,
            IndexKind::Profiles => PROFILES_JSON,
        }
    }
}

/// The settings of one index with the taxonomy applied.
pub fn index_settings(kind: IndexKind, taxonomy: &Taxonomy) -> Result<Settings, SearchError> {
    let mut settings: Settings = serde_json::from_str(kind.shipped_json())
        .map_err(|e| SearchError::Settings(format!("{}.json: {e}", kind.base_name())))?;
    settings.synonyms = Some(synonyms(taxonomy));
    let typo = settings
        .typo_tolerance
        .get_or_insert(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: None,
            disable_on_words: None,
            min_word_size_for_typos: None,
        });
    let words = typo.disable_on_words.get_or_insert_with(Vec::new);
    for code in code_words(taxonomy) {
        if !words.contains(&code) {
            words.push(code);
        }
    }
    Ok(settings)
}

/// The settings of one index as sent to Meilisearch: the shipped file with
/// what [`index_settings`] adds (synonyms, code words) laid over it. Keys
/// the SDK's typed settings do not know (such as `facetSearch`) are kept
/// as written, so the file can use any setting the server has.
pub fn settings_json(
    kind: IndexKind,
    taxonomy: &Taxonomy,
) -> Result<serde_json::Value, SearchError> {
    let mut shipped: serde_json::Value = serde_json::from_str(kind.shipped_json())
        .map_err(|e| SearchError::Settings(format!("{}.json: {e}", kind.base_name())))?;
    let typed = serde_json::to_value(index_settings(kind, taxonomy)?)
        .map_err(|e| SearchError::Settings(e.to_string()))?;
    if let (Some(shipped), serde_json::Value::Object(typed)) = (shipped.as_object_mut(), typed) {
        for (key, value) in typed {
            shipped.insert(key, value);
        }
    }
    Ok(shipped)
}

/// Every label and synonym of an entry is a synonym of every other, keyed
/// by the term as written. Sorted, so the settings are the same each time.
pub fn synonyms(taxonomy: &Taxonomy) -> HashMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for group in taxonomy.synonym_groups() {
        for term in &group {
            let others = map.entry(term.clone()).or_default();
            for other in &group {
                if other != term && !others.contains(other) {
                    others.push(other.clone());
                }
            }
        }
    }
    map.into_iter().collect()
}

/// Lower-case single-word codes of five characters or more ("sssts",
/// "smsts"): long enough that Meilisearch would allow a typo, and codes one
/// typo apart name different certificates.
pub fn code_words(taxonomy: &Taxonomy) -> Vec<String> {
    let mut words: Vec<String> = taxonomy
        .entries()
        .iter()
        .flat_map(|entry| entry.synonyms().iter())
        .filter(|term| is_code(term) && !term.contains(' '))
        .map(|term| term.to_lowercase())
        .filter(|term| term.chars().count() >= usize::from(DEFAULT_ONE_TYPO))
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// What the embedded engine takes from the settings.
#[derive(Debug, Clone)]
pub struct TextRules {
    /// Searchable fields, most important first.
    pub searchable: Vec<String>,
    /// Fields matched without typos.
    pub exact_fields: Vec<String>,
    /// Folded query words matched without typos.
    pub exact_words: Vec<String>,
    /// Shortest word allowed one typo.
    pub one_typo: usize,
    /// Shortest word allowed two typos.
    pub two_typos: usize,
    /// Whether typos are allowed at all.
    pub typos: bool,
    /// The most hits a keyword search returns.
    pub max_total_hits: usize,
    /// Synonym groups as folded terms.
    pub synonym_groups: Vec<Vec<String>>,
}

impl TextRules {
    /// Reads the rules from an index's settings.
    pub fn from_settings(settings: &Settings, taxonomy: &Taxonomy) -> Self {
        let typo = settings.typo_tolerance.as_ref();
        let sizes = typo.and_then(|t| t.min_word_size_for_typos.as_ref());
        let size = |pick: fn(&MinWordSizeForTypos) -> Option<u8>, default: u8| {
            usize::from(sizes.and_then(pick).unwrap_or(default))
        };
        TextRules {
            searchable: settings.searchable_attributes.clone().unwrap_or_default(),
            exact_fields: typo
                .and_then(|t| t.disable_on_attributes.clone())
                .unwrap_or_default(),
            exact_words: typo
                .and_then(|t| t.disable_on_words.as_ref())
                .map(|words| words.iter().map(|w| fold_term(w)).collect())
                .unwrap_or_default(),
            one_typo: size(|s| s.one_typo, DEFAULT_ONE_TYPO),
            two_typos: size(|s| s.two_typos, DEFAULT_TWO_TYPOS),
            typos: typo.and_then(|t| t.enabled).unwrap_or(true),
            max_total_hits: settings
                .pagination
                .as_ref()
                .map_or(1000, |p| p.max_total_hits),
            synonym_groups: taxonomy
                .synonym_groups()
                .into_iter()
                .map(|group| group.iter().map(|t| fold_term(t)).collect())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::skills::tests::sample;
    use crate::search::documents::{FieldKind, PROFILE_FIELDS, VACANCY_FIELDS};
    use crate::startup::load_taxonomy;

    /// Keys of the shipped files that the SDK's typed settings do not
    /// know: sent as written ([`settings_json`]), not read by the embedded
    /// engine.
    const PASSED_THROUGH: &[&str] = &["facetSearch"];

    #[test]
    fn shipped_files_survive_the_sdk_types_unchanged() {
        let taxonomy = load_taxonomy().unwrap();
        for kind in IndexKind::ALL {
            let mut raw: serde_json::Value = serde_json::from_str(kind.shipped_json()).unwrap();
            let typed: Settings = serde_json::from_str(kind.shipped_json()).unwrap();
            let sent = settings_json(kind, &taxonomy).unwrap();
            for key in PASSED_THROUGH {
                assert_eq!(sent[key], raw[key], "{key} is sent as written");
                raw.as_object_mut().unwrap().remove(*key);
            }
            assert_eq!(
                serde_json::to_value(&typed).unwrap(),
                raw,
                "every other key of {}.json is understood by meilisearch-sdk",
                kind.base_name()
            );
            assert!(sent["synonyms"].as_object().is_some_and(|m| !m.is_empty()));
        }
    }

    #[test]
    fn settings_name_only_document_fields() {
        for (kind, fields) in [
            (IndexKind::Vacancies, VACANCY_FIELDS),
            (IndexKind::Profiles, PROFILE_FIELDS),
        ] {
            let settings: Settings = serde_json::from_str(kind.shipped_json()).unwrap();
            let kind_of = |name: &str| fields.iter().find(|f| f.name == name).map(|f| f.kind);
            for name in settings.searchable_attributes.unwrap() {
                assert_eq!(kind_of(&name), Some(FieldKind::Text), "{name}");
            }
            for name in settings.filterable_attributes.unwrap() {
                assert!(
                    matches!(kind_of(&name), Some(k) if k != FieldKind::Text),
                    "{name} is a filterable field"
                );
            }
            for name in settings.sortable_attributes.unwrap() {
                assert!(kind_of(&name).is_some(), "{name}");
            }
            let typo = settings.typo_tolerance.unwrap();
            for name in typo.disable_on_attributes.unwrap() {
                assert_eq!(kind_of(&name), Some(FieldKind::Text), "{name}");
            }
            assert_eq!(settings.displayed_attributes, Some(vec!["id".to_owned()]));
            assert_eq!(settings.non_separator_tokens, Some(vec!["+".to_owned()]));
        }
    }

    #[test]
    fn synonyms_come_from_the_taxonomy() {
        let taxonomy = sample();
        let map = synonyms(&taxonomy);
        let flt = &map["FLT"];
        assert!(flt.contains(&"fork lift".to_owned()));
        assert!(flt.contains(&"Forklift truck (counterbalance)".to_owned()));
        assert!(!flt.contains(&"FLT".to_owned()));
        assert_eq!(map["inventory"], vec!["Stock control".to_owned()]);

        let settings = index_settings(IndexKind::Vacancies, &taxonomy).unwrap();
        assert_eq!(settings.synonyms, Some(map));
    }

    #[test]
    fn long_codes_lose_their_typos() {
        let taxonomy = load_taxonomy().unwrap();
        let words = code_words(&taxonomy);
        for code in ["sssts", "smsts", "coshh", "haccp"] {
            assert!(words.contains(&code.to_owned()), "{code}: {words:?}");
        }
        assert!(
            !words.contains(&"flt".to_owned()),
            "too short to get typos anyway"
        );
        let settings = index_settings(IndexKind::Profiles, &taxonomy).unwrap();
        let rules = TextRules::from_settings(&settings, &taxonomy);
        assert!(rules.exact_words.contains(&"sssts".to_owned()));
        assert_eq!(rules.exact_fields, vec!["certificate_codes".to_owned()]);
        assert_eq!((rules.one_typo, rules.two_typos), (5, 9));
        assert_eq!(rules.max_total_hits, 10_000);
        assert!(
            rules.searchable.is_empty(),
            "profiles are never searched by words"
        );
        let rules = TextRules::from_settings(
            &index_settings(IndexKind::Vacancies, &taxonomy).unwrap(),
            &taxonomy,
        );
        assert_eq!(rules.searchable[0], "title");
        assert!(rules
            .synonym_groups
            .iter()
            .any(|g| g.contains(&"flt".to_owned()) && g.contains(&"fork lift".to_owned())));
    }
}
