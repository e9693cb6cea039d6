//! The words of the job-seeker terminal pages, in English and Welsh.
//!
//! Every string a job seeker reads lives in a catalogue file under
//! `templates/terminal/messages/` (`key = text`, one a line), built into the
//! binary. Pages ask for a key in the person's language; a test checks that
//! both catalogues hold exactly the same keys and that every key a template
//! or handler asks for exists.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};

const EN: &str = include_str!("../../templates/terminal/messages/en.txt");
const CY: &str = include_str!("../../templates/terminal/messages/cy.txt");

/// A language the terminal pages speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Cy,
}

impl Lang {
    /// A stored or submitted code; anything unknown is English.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim() {
            "en" => Some(Lang::En),
            "cy" => Some(Lang::Cy),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Cy => "cy",
        }
    }
}

type Catalogue = BTreeMap<&'static str, &'static str>;

/// Reads `key = text` lines; `#` starts a comment line.
pub fn parse_catalogue(source: &'static str) -> Catalogue {
    source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, text)| (key.trim(), text.trim()))
        .collect()
}

fn catalogues() -> &'static (Catalogue, Catalogue) {
    static BOTH: OnceLock<(Catalogue, Catalogue)> = OnceLock::new();
    BOTH.get_or_init(|| (parse_catalogue(EN), parse_catalogue(CY)))
}

/// The messages of one language, handed to every terminal template as `t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Messages {
    pub lang: Lang,
}

impl Messages {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The text of `key`; a missing key shows as itself (and a test keeps
    /// that from happening).
    pub fn get<'a>(&self, key: &'a str) -> &'a str {
        let (en, cy) = catalogues();
        let catalogue = match self.lang {
            Lang::En => en,
            Lang::Cy => cy,
        };
        match catalogue.get(key) {
            Some(text) => text,
            None => {
                tracing::warn!(key, lang = self.lang.code(), "missing terminal message");
                key
            }
        }
    }

    /// The text of a key made at run time (such as `sector.<slug>`), if the
    /// catalogue has it.
    pub fn lookup(&self, key: &str) -> Option<&'static str> {
        let (en, cy) = catalogues();
        match self.lang {
            Lang::En => en.get(key).copied(),
            Lang::Cy => cy.get(key).copied(),
        }
    }

    /// The text of `key` with `{name}` filled in.
    pub fn with(&self, key: &str, name: &str, value: impl Display) -> String {
        self.get(key)
            .replace(&format!("{{{name}}}"), &value.to_string())
    }

    /// The text of `key` with several words filled in.
    pub fn fill(&self, key: &str, values: &[(&str, String)]) -> String {
        let mut text = self.get(key).to_string();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// A date in words: "9 December 2026", "9 Rhagfyr 2026".
    pub fn date(&self, date: NaiveDate) -> String {
        format!(
            "{} {} {}",
            date.day(),
            self.get(MONTHS[date.month0() as usize]),
            date.year()
        )
    }

    pub fn day(&self, day: Weekday) -> &'static str {
        self.get(match day {
            Weekday::Mon => "day.mon",
            Weekday::Tue => "day.tue",
            Weekday::Wed => "day.wed",
            Weekday::Thu => "day.thu",
            Weekday::Fri => "day.fri",
            Weekday::Sat => "day.sat",
            Weekday::Sun => "day.sun",
        })
    }
}

const MONTHS: [&str; 12] = [
    "month.1", "month.2", "month.3", "month.4", "month.5", "month.6", "month.7", "month.8",
    "month.9", "month.10", "month.11", "month.12",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn keys(source: &'static str) -> BTreeSet<&'static str> {
        parse_catalogue(source).keys().copied().collect()
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let en = keys(EN);
        let cy = keys(CY);
        let only_en: Vec<_> = en.difference(&cy).collect();
        let only_cy: Vec<_> = cy.difference(&en).collect();
        assert!(only_en.is_empty(), "only in en.txt: {only_en:?}");
        assert!(only_cy.is_empty(), "only in cy.txt: {only_cy:?}");
        assert!(en.len() > 100, "the catalogue is read");
    }

    #[test]
    fn no_message_is_empty_or_duplicated() {
        for (name, source) in [("en", EN), ("cy", CY)] {
            let mut seen = BTreeSet::new();
            for line in source.lines().map(str::trim) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (key, text) = line
                    .split_once('=')
                    .unwrap_or_else(|| panic!("{name}: a line without '=': {line}"));
                assert!(seen.insert(key.trim()), "{name}: {} twice", key.trim());
                assert!(!text.trim().is_empty(), "{name}: {} is empty", key.trim());
            }
        }
    }

    #[test]
    fn placeholders_agree_between_languages() {
        let placeholders = |text: &str| -> BTreeSet<String> {
            text.split('{')
                .skip(1)
                .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
                .collect()
        };
        let (en, cy) = (parse_catalogue(EN), parse_catalogue(CY));
        for (key, text) in &en {
            assert_eq!(
                placeholders(text),
                placeholders(cy.get(key).copied().unwrap_or_default()),
                "{key}"
            );
        }
    }

    /// Keys named in a source text as `get("key")`, `with("key"`,
    /// `fill("key"` or `msg("key"`.
    fn used_keys(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for call in ["get(\"", "with(\"", "fill(\"", "msg(\""] {
            for part in text.split(call).skip(1) {
                if let Some((key, _)) = part.split_once('"') {
                    if key.contains('.') && !key.contains(' ') {
                        found.push(key.to_string());
                    }
                }
            }
        }
        found
    }

    fn files_under(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files_under(&path, ext, out);
            } else if path.extension().and_then(|e| e.to_str()) == Some(ext) {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_key_the_pages_use_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        files_under(&root.join("templates/terminal"), "html", &mut files);
        files_under(&root.join("src/web/terminal"), "rs", &mut files);
        files.push(root.join("src/web/i18n.rs"));
        let en = parse_catalogue(EN);
        let mut missing = Vec::new();
        let mut used = 0;
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for key in used_keys(&text) {
                used += 1;
                if !en.contains_key(key.as_str()) {
                    missing.push(format!("{}: {key}", file.display()));
                }
            }
        }
        assert!(missing.is_empty(), "keys not in the catalogue: {missing:?}");
        assert!(used > 100, "the scan finds the keys the pages use ({used})");
    }

    #[test]
    fn terminal_templates_hold_no_untranslated_words() {
        // Text between tags in a terminal template must come from the
        // catalogue: any run of letters outside `{{ }}`/`{% %}` is a string
        // that would not be translated.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        files_under(&root.join("templates/terminal"), "html", &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let mut rest = text.as_str();
            let mut words = Vec::new();
            while let Some(start) = rest.find('>') {
                rest = &rest[start + 1..];
                let end = rest.find('<').unwrap_or(rest.len());
                let mut between = rest[..end].to_string();
                for (open, close) in [("{{", "}}"), ("{%", "%}"), ("{#", "#}")] {
                    while let Some(a) = between.find(open) {
                        let b = between[a..]
                            .find(close)
                            .map(|b| a + b + 2)
                            .unwrap_or(between.len());
                        between.replace_range(a..b, " ");
                    }
                }
                if between.chars().any(|c| c.is_alphabetic()) {
                    words.push(between.trim().to_string());
                }
            }
            assert!(
                words.is_empty(),
                "{}: words not from the catalogue: {words:?}",
                file.display()
            );
        }
    }

    #[test]
    fn every_sector_has_a_type_of_work_in_both_languages() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let taxonomy: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("search-config/taxonomy.json")).unwrap(),
        )
        .unwrap();
        let sectors = taxonomy["sectors"].as_array().unwrap();
        assert!(!sectors.is_empty());
        for sector in sectors {
            let key = format!("sector.{}", sector["slug"].as_str().unwrap());
            for lang in [Lang::En, Lang::Cy] {
                assert!(
                    Messages::new(lang).lookup(&key).is_some(),
                    "{key} ({lang:?})"
                );
            }
        }
    }

    #[test]
    fn dates_and_placeholders_are_filled() {
        let cy = Messages::new(Lang::Cy);
        let en = Messages::new(Lang::En);
        let d = NaiveDate::from_ymd_opt(2026, 12, 9).unwrap();
        assert_eq!(en.date(d), "9 December 2026");
        assert_eq!(cy.date(d), "9 Rhagfyr 2026");
        assert_eq!(en.with("home.hello", "name", "Ana"), "Hello Ana");
        assert_eq!(cy.with("home.hello", "name", "Ana"), "Helo Ana");
        assert_eq!(Lang::parse("cy"), Some(Lang::Cy));
        assert_eq!(Lang::parse("fr"), None);
    }
}
