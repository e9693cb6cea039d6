//! The skills taxonomy: sectors, skills and certificates with their
//! synonyms, loaded from `search-config/taxonomy.json`.
//!
//! Profiles and vacancies store slugs only; labels come from here, and the
//! same synonyms feed both search engines.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

slug_enum! {
    /// Whether an entry is something a person can do or a document they hold.
    pub enum EntryKind("entry kind") {
        /// Something a person can do, such as stock control.
        Skill => "skill", "Skill",
        /// A card, licence or certificate that can expire, such as a CSCS card.
        Certificate => "certificate", "Certificate or licence",
    }
}

/// The only taxonomy file format this code understands.
pub const TAXONOMY_VERSION: u32 = 1;

/// Why a taxonomy file was refused; each error names the offending slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxonomyError {
    /// The text is not JSON of the expected shape.
    #[error("taxonomy is not valid JSON of the expected shape: {0}")]
    Json(String),
    /// The `version` field is not one this code understands.
    #[error("taxonomy version {0} is not supported (expected {TAXONOMY_VERSION})")]
    UnsupportedVersion(u32),
    /// A slug is not 2 to 60 lower-case letters, digits or hyphens.
    #[error("slug \"{slug}\" must be 2 to 60 lower-case letters, digits or hyphens")]
    InvalidSlug {
        /// The offending slug.
        slug: String,
    },
    /// Two sectors, or two entries, share a slug.
    #[error("slug \"{slug}\" is used more than once")]
    DuplicateSlug {
        /// The repeated slug.
        slug: String,
    },
    /// An entry names a sector that is not listed.
    #[error("entry \"{slug}\" names unknown sector \"{sector}\"")]
    UnknownSector {
        /// The entry.
        slug: String,
        /// The sector it names.
        sector: String,
    },
    /// An entry's kind is neither `skill` nor `certificate`.
    #[error("entry \"{slug}\" has unknown kind \"{kind}\" (expected skill or certificate)")]
    UnknownKind {
        /// The entry.
        slug: String,
        /// The kind it gives.
        kind: String,
    },
    /// A sector or entry has a blank label.
    #[error("\"{slug}\" has an empty label")]
    EmptyLabel {
        /// The sector or entry.
        slug: String,
    },
    /// A synonym is blank once folded.
    #[error("entry \"{slug}\" has an empty synonym")]
    EmptySynonym {
        /// The entry.
        slug: String,
    },
    /// A slug, label or synonym of one entry folds to the same text as one of
    /// another entry's, so free text could not be resolved to one entry.
    #[error("entry \"{slug}\" and entry \"{other}\" both use the term \"{term}\"")]
    Collision {
        /// The entry found second.
        slug: String,
        /// The entry that already uses the term.
        other: String,
        /// The folded term.
        term: String,
    },
}

/// A sector of work, such as warehousing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sector {
    slug: String,
    label: String,
}

impl Sector {
    /// The stable slug.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    /// The label shown on screens.
    pub fn label(&self) -> &str {
        &self.label
    }
}

/// A skill or certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    slug: String,
    label: String,
    kind: EntryKind,
    sector: String,
    synonyms: Vec<String>,
}

impl Entry {
    /// The stable slug.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    /// The label shown on screens.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Skill or certificate.
    pub fn kind(&self) -> EntryKind {
        self.kind
    }

    /// The slug of the sector it belongs to.
    pub fn sector(&self) -> &str {
        &self.sector
    }

    /// Other names people use for it.
    pub fn synonyms(&self) -> &[String] {
        &self.synonyms
    }
}

#[derive(Deserialize)]
struct RawTaxonomy {
    version: u32,
    sectors: Vec<RawSector>,
    entries: Vec<RawEntry>,
}

#[derive(Deserialize)]
struct RawSector {
    slug: String,
    label: String,
}

#[derive(Deserialize)]
struct RawEntry {
    slug: String,
    label: String,
    kind: String,
    sector: String,
    #[serde(default)]
    synonyms: Vec<String>,
}

/// Whether `slug` is 2 to 60 characters of lower-case ASCII letters, digits
/// and hyphens.
pub fn is_valid_slug(slug: &str) -> bool {
    (2..=60).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Folds free text for comparison: lower case, with runs of spaces, hyphens
/// and underscores made one space, so "Fork-lift", "fork lift" and
/// "FORK_LIFT" compare equal.
pub fn fold_term(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The validated taxonomy with lookups by slug and by folded term.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    version: u32,
    sectors: Vec<Sector>,
    entries: Vec<Entry>,
    sector_index: HashMap<String, usize>,
    entry_index: HashMap<String, usize>,
    terms: HashMap<String, usize>,
}

impl Taxonomy {
    /// Parses and checks the taxonomy file: the version, slug format, unique
    /// slugs, known sectors, non-empty labels, and that no two entries share
    /// a term after folding.
    pub fn from_json(text: &str) -> Result<Self, TaxonomyError> {
        let raw: RawTaxonomy =
            serde_json::from_str(text).map_err(|error| TaxonomyError::Json(error.to_string()))?;
        if raw.version != TAXONOMY_VERSION {
            return Err(TaxonomyError::UnsupportedVersion(raw.version));
        }
        let (sectors, sector_index) = parse_sectors(raw.sectors)?;
        let mut taxonomy = Self {
            version: raw.version,
            sectors,
            entries: Vec::with_capacity(raw.entries.len()),
            sector_index,
            entry_index: HashMap::new(),
            terms: HashMap::new(),
        };
        for raw_entry in raw.entries {
            taxonomy.add_entry(raw_entry)?;
        }
        Ok(taxonomy)
    }

    /// Checks one entry against the sectors and the entries before it, and
    /// adds it with its folded terms.
    fn add_entry(&mut self, raw_entry: RawEntry) -> Result<(), TaxonomyError> {
        let slug = raw_entry.slug;
        check_slug_and_label(&slug, &raw_entry.label)?;
        if self.entry_index.contains_key(&slug) {
            return Err(TaxonomyError::DuplicateSlug { slug });
        }
        let kind = EntryKind::parse(&raw_entry.kind).map_err(|_| TaxonomyError::UnknownKind {
            slug: slug.clone(),
            kind: raw_entry.kind.clone(),
        })?;
        if !self.sector_index.contains_key(&raw_entry.sector) {
            return Err(TaxonomyError::UnknownSector {
                slug,
                sector: raw_entry.sector,
            });
        }
        let index = self.entries.len();
        let synonyms: Vec<String> = raw_entry
            .synonyms
            .iter()
            .map(|synonym| synonym.trim().to_owned())
            .collect();
        let folded: Vec<String> = [slug.as_str(), raw_entry.label.as_str()]
            .into_iter()
            .chain(synonyms.iter().map(String::as_str))
            .map(fold_term)
            .collect();
        for term in folded {
            if term.is_empty() {
                return Err(TaxonomyError::EmptySynonym { slug });
            }
            match self.terms.get(&term) {
                Some(&other) if other != index => {
                    return Err(TaxonomyError::Collision {
                        slug,
                        other: entries_slug(&self.entries, other),
                        term,
                    });
                }
                Some(_) => {}
                None => {
                    self.terms.insert(term, index);
                }
            }
        }
        self.entry_index.insert(slug.clone(), index);
        self.entries.push(Entry {
            slug,
            label: raw_entry.label.trim().to_owned(),
            kind,
            sector: raw_entry.sector,
            synonyms,
        });
        Ok(())
    }

    /// The file format version.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Every sector, in file order.
    pub fn sectors(&self) -> &[Sector] {
        &self.sectors
    }

    /// The sector with this slug.
    pub fn sector(&self, slug: &str) -> Option<&Sector> {
        self.sector_index.get(slug).map(|&i| &self.sectors[i])
    }

    /// A sector's label, or the slug itself when it is not known (so a
    /// screen never goes blank after an entry is retired).
    pub fn sector_label<'a>(&'a self, slug: &'a str) -> &'a str {
        self.sector(slug).map_or(slug, Sector::label)
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this slug.
    pub fn entry(&self, slug: &str) -> Option<&Entry> {
        self.entry_index.get(slug).map(|&i| &self.entries[i])
    }

    /// An entry's label, or the slug itself when it is not known.
    pub fn label<'a>(&'a self, slug: &'a str) -> &'a str {
        self.entry(slug).map_or(slug, Entry::label)
    }

    /// The entries that are skills.
    pub fn skills(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.kind == EntryKind::Skill)
    }

    /// The entries that are certificates or licences.
    pub fn certificates(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(|e| e.kind == EntryKind::Certificate)
    }

    /// Finds an entry by slug, label or synonym, ignoring case and treating
    /// runs of spaces, hyphens and underscores alike.
    pub fn resolve(&self, text: &str) -> Option<&Entry> {
        self.entry(text.trim())
            .or_else(|| self.terms.get(&fold_term(text)).map(|&i| &self.entries[i]))
    }

    /// Whether the slug names a skill.
    pub fn is_known_skill(&self, slug: &str) -> bool {
        self.entry(slug).is_some_and(|e| e.kind == EntryKind::Skill)
    }

    /// Whether the slug names a certificate.
    pub fn is_known_certificate(&self, slug: &str) -> bool {
        self.entry(slug)
            .is_some_and(|e| e.kind == EntryKind::Certificate)
    }

    /// Whether the slug names a skill or a certificate.
    pub fn is_known_entry(&self, slug: &str) -> bool {
        self.entry(slug).is_some()
    }

    /// Whether the slug names a sector.
    pub fn is_known_sector(&self, slug: &str) -> bool {
        self.sector_index.contains_key(slug)
    }

    /// For search engines: for each entry with synonyms, its label followed
    /// by its synonyms. Entries without synonyms are left out, since a
    /// group of one term says nothing.
    pub fn synonym_groups(&self) -> Vec<Vec<String>> {
        self.entries
            .iter()
            .filter(|e| !e.synonyms.is_empty())
            .map(|e| {
                std::iter::once(e.label.clone())
                    .chain(e.synonyms.iter().cloned())
                    .collect()
            })
            .collect()
    }
}

/// The sectors in file order, each slug once, with their positions.
fn parse_sectors(
    raw: Vec<RawSector>,
) -> Result<(Vec<Sector>, HashMap<String, usize>), TaxonomyError> {
    let mut sectors = Vec::with_capacity(raw.len());
    let mut sector_index = HashMap::new();
    for sector in raw {
        check_slug_and_label(&sector.slug, &sector.label)?;
        if sector_index
            .insert(sector.slug.clone(), sectors.len())
            .is_some()
        {
            return Err(TaxonomyError::DuplicateSlug { slug: sector.slug });
        }
        sectors.push(Sector {
            slug: sector.slug,
            label: sector.label.trim().to_owned(),
        });
    }
    Ok((sectors, sector_index))
}

fn entries_slug(entries: &[Entry], index: usize) -> String {
    entries
        .get(index)
        .map_or_else(String::new, |e| e.slug.clone())
}

fn check_slug_and_label(slug: &str, label: &str) -> Result<(), TaxonomyError> {
    if !is_valid_slug(slug) {
        return Err(TaxonomyError::InvalidSlug {
            slug: slug.to_owned(),
        });
    }
    if label.trim().is_empty() {
        return Err(TaxonomyError::EmptyLabel {
            slug: slug.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const SAMPLE: &str = r#"{
        "version": 1,
        "sectors": [
            {"slug": "warehousing", "label": "Warehousing and logistics"},
            {"slug": "construction", "label": "Construction"},
            {"slug": "hospitality", "label": "Hospitality and catering"}
        ],
        "entries": [
            {"slug": "forklift-counterbalance", "label": "Forklift truck (counterbalance)",
             "kind": "certificate", "sector": "warehousing", "synonyms": ["FLT", "fork lift"]},
            {"slug": "stock-control", "label": "Stock control", "kind": "skill",
             "sector": "warehousing", "synonyms": ["inventory"]},
            {"slug": "manual-handling", "label": "Manual handling", "kind": "skill",
             "sector": "warehousing", "synonyms": []},
            {"slug": "picking-packing", "label": "Picking and packing", "kind": "skill",
             "sector": "warehousing"},
            {"slug": "cscs-card", "label": "CSCS card", "kind": "certificate",
             "sector": "construction", "synonyms": ["construction skills certification scheme"]},
            {"slug": "bricklaying", "label": "Bricklaying", "kind": "skill",
             "sector": "construction", "synonyms": ["brick laying"]},
            {"slug": "food-hygiene-2", "label": "Food hygiene level 2", "kind": "certificate",
             "sector": "hospitality", "synonyms": ["food safety level 2"]},
            {"slug": "cooking", "label": "Cooking", "kind": "skill",
             "sector": "hospitality", "synonyms": ["chef", "commis chef"]}
        ]
    }"#;

    pub(crate) fn sample() -> Taxonomy {
        Taxonomy::from_json(SAMPLE).unwrap()
    }

    fn with_entries(entries: &str) -> Result<Taxonomy, TaxonomyError> {
        Taxonomy::from_json(&format!(
            r#"{{"version":1,"sectors":[{{"slug":"warehousing","label":"Warehousing"}}],"entries":[{entries}]}}"#
        ))
    }

    fn entry(slug: &str, label: &str, synonyms: &str) -> String {
        format!(
            r#"{{"slug":"{slug}","label":"{label}","kind":"skill","sector":"warehousing","synonyms":[{synonyms}]}}"#
        )
    }

    #[test]
    fn loads_and_looks_up() {
        let taxonomy = sample();
        assert_eq!(taxonomy.version(), 1);
        assert_eq!(taxonomy.sectors().len(), 3);
        assert_eq!(taxonomy.entries().len(), 8);
        assert_eq!(taxonomy.skills().count(), 5);
        assert_eq!(taxonomy.certificates().count(), 3);
        let flt = taxonomy.entry("forklift-counterbalance").unwrap();
        assert_eq!(flt.label(), "Forklift truck (counterbalance)");
        assert_eq!(flt.kind(), EntryKind::Certificate);
        assert_eq!(flt.sector(), "warehousing");
        assert_eq!(flt.synonyms(), ["FLT", "fork lift"]);
        assert_eq!(taxonomy.label("stock-control"), "Stock control");
        assert_eq!(taxonomy.label("retired-skill"), "retired-skill");
        assert_eq!(
            taxonomy.sector("construction").unwrap().label(),
            "Construction"
        );
        assert_eq!(
            taxonomy.sector_label("warehousing"),
            "Warehousing and logistics"
        );
        assert_eq!(taxonomy.sector_label("mining"), "mining");
        assert!(taxonomy.is_known_skill("stock-control"));
        assert!(!taxonomy.is_known_skill("cscs-card"));
        assert!(taxonomy.is_known_certificate("cscs-card"));
        assert!(!taxonomy.is_known_certificate("stock-control"));
        assert!(taxonomy.is_known_entry("cooking") && !taxonomy.is_known_entry("x"));
        assert!(taxonomy.is_known_sector("hospitality") && !taxonomy.is_known_sector("cooking"));
    }

    #[test]
    fn resolves_slug_label_and_synonyms_after_folding() {
        let taxonomy = sample();
        let slug_of = |text: &str| taxonomy.resolve(text).map(Entry::slug);
        assert_eq!(
            slug_of("forklift-counterbalance"),
            Some("forklift-counterbalance")
        );
        assert_eq!(slug_of("flt"), Some("forklift-counterbalance"));
        assert_eq!(slug_of("  Fork-Lift "), Some("forklift-counterbalance"));
        assert_eq!(slug_of("FORK__LIFT"), Some("forklift-counterbalance"));
        assert_eq!(
            slug_of("forklift counterbalance"),
            Some("forklift-counterbalance")
        );
        assert_eq!(slug_of("stock CONTROL"), Some("stock-control"));
        assert_eq!(slug_of("Commis  chef"), Some("cooking"));
        assert_eq!(slug_of("welding"), None);
        assert_eq!(slug_of(""), None);
    }

    #[test]
    fn synonym_groups_have_label_first() {
        let groups = sample().synonym_groups();
        assert!(groups.contains(&vec![
            "Forklift truck (counterbalance)".to_owned(),
            "FLT".to_owned(),
            "fork lift".to_owned()
        ]));
        assert!(groups.iter().all(|g| g.len() >= 2));
        assert_eq!(groups.len(), 6);
    }

    #[test]
    fn fold_and_slug_rules() {
        assert_eq!(fold_term("  Fork - lift__Truck "), "fork lift truck");
        assert_eq!(fold_term("---"), "");
        assert!(is_valid_slug("ab") && is_valid_slug("food-hygiene-2"));
        assert!(is_valid_slug(&"a".repeat(60)));
        for bad in ["a", "Ab", "a_b", "a b", "é1", &"a".repeat(61)] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
    }

    #[test]
    fn refuses_bad_json_and_versions() {
        assert!(matches!(
            Taxonomy::from_json("{"),
            Err(TaxonomyError::Json(_))
        ));
        assert!(matches!(
            Taxonomy::from_json(r#"{"version":1,"sectors":[]}"#),
            Err(TaxonomyError::Json(_))
        ));
        assert_eq!(
            Taxonomy::from_json(r#"{"version":2,"sectors":[],"entries":[]}"#).unwrap_err(),
            TaxonomyError::UnsupportedVersion(2)
        );
    }

    #[test]
    fn errors_name_the_offending_slug() {
        assert_eq!(
            with_entries(&entry("Bad_Slug", "Bad", "")).unwrap_err(),
            TaxonomyError::InvalidSlug {
                slug: "Bad_Slug".into()
            }
        );
        assert_eq!(
            with_entries(&format!(
                "{},{}",
                entry("aa", "A", ""),
                entry("aa", "B", "")
            ))
            .unwrap_err(),
            TaxonomyError::DuplicateSlug { slug: "aa".into() }
        );
        assert_eq!(
            with_entries(&entry("aa", "  ", "")).unwrap_err(),
            TaxonomyError::EmptyLabel { slug: "aa".into() }
        );
        assert_eq!(
            with_entries(&entry("aa", "A", r#"" - ""#)).unwrap_err(),
            TaxonomyError::EmptySynonym { slug: "aa".into() }
        );
        assert_eq!(
            with_entries(r#"{"slug":"aa","label":"A","kind":"skill","sector":"mining"}"#)
                .unwrap_err(),
            TaxonomyError::UnknownSector {
                slug: "aa".into(),
                sector: "mining".into()
            }
        );
        assert_eq!(
            with_entries(r#"{"slug":"aa","label":"A","kind":"talent","sector":"warehousing"}"#)
                .unwrap_err(),
            TaxonomyError::UnknownKind {
                slug: "aa".into(),
                kind: "talent".into()
            }
        );
        let duplicate_sector = Taxonomy::from_json(
            r#"{"version":1,"sectors":[{"slug":"ss","label":"S"},{"slug":"ss","label":"T"}],"entries":[]}"#,
        );
        assert_eq!(
            duplicate_sector.unwrap_err(),
            TaxonomyError::DuplicateSlug { slug: "ss".into() }
        );
    }

    #[test]
    fn collisions_across_entries_are_refused() {
        let exact = with_entries(&format!(
            "{},{}",
            entry("forklift", "Forklift", r#""FLT""#),
            entry("flatbed", "Flatbed lorry", r#""flt""#)
        ))
        .unwrap_err();
        assert_eq!(
            exact,
            TaxonomyError::Collision {
                slug: "flatbed".into(),
                other: "forklift".into(),
                term: "flt".into(),
            }
        );
        let folded = with_entries(&format!(
            "{},{}",
            entry("fork-lift", "Forklift truck", ""),
            entry("lift", "Lifting", r#""Fork_Lift""#)
        ));
        assert!(
            matches!(folded, Err(TaxonomyError::Collision { ref term, .. }) if term == "fork lift")
        );
        // Letters separated by hyphens are a different term from the word.
        assert!(with_entries(&format!(
            "{},{}",
            entry("forklift", "Forklift", r#""FLT""#),
            entry("flatbed", "Flatbed lorry", r#""f-l-t""#)
        ))
        .is_ok());
        let label_vs_slug = with_entries(&format!(
            "{},{}",
            entry("stock-control", "Stock control", ""),
            entry("stock", "Stock Control", "")
        ));
        assert!(matches!(
            label_vs_slug,
            Err(TaxonomyError::Collision { .. })
        ));
        // Repeating a term within one entry is harmless.
        assert!(with_entries(&entry("aa", "Forklift", r#""forklift","FORKLIFT""#)).is_ok());
    }
}
