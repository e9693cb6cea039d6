//! What a person must sort out before starting a particular job: the
//! documents the vacancy asks for (free text) read against the person's
//! open to-dos. The reading is a small vocabulary in
//! `search-config/document_todos.json` from document wording to
//! [`TodoKind`]s; an open to-do of kind `other` is matched by its note.
//!
//! The answer is a note for the person and their officer, never a reason
//! to exclude, and never shown to an employer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;

use super::profile::{ProfileDetails, Todo, TodoKind};
use super::vacancy::VacancyDetails;

const VOCABULARY_JSON: &str = include_str!("../../search-config/document_todos.json");

/// Document wording by to-do kind.
#[derive(Debug, Clone, Deserialize)]
pub struct DocumentVocabulary {
    kinds: BTreeMap<String, Vec<String>>,
    /// The same wording split into words once, by kind, for
    /// [`Self::kinds_named`] (read for every line of a list of matches).
    #[serde(skip)]
    phrases: Vec<(TodoKind, Vec<Vec<String>>)>,
}

/// Lower-case words of letters and digits, everything else a space.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `phrase` (as words) appears in `text` (as words), whole words.
fn contains_phrase(text: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty() && text.windows(phrase.len()).any(|window| window == phrase)
}

/// Words of three letters or more: enough to recognise a note such as
/// "CSCS card" without matching on "a" or "of".
fn significant(text: &str) -> BTreeSet<String> {
    words(text)
        .into_iter()
        .filter(|w| w.chars().count() >= 3)
        .collect()
}

impl DocumentVocabulary {
    /// Parses a vocabulary file; every kind named must be a to-do kind
    /// other than `other`.
    pub fn parse(json: &str) -> Result<Self, String> {
        let mut vocabulary: DocumentVocabulary =
            serde_json::from_str(json).map_err(|e| e.to_string())?;
        for (kind, phrases) in &vocabulary.kinds {
            match TodoKind::parse(kind) {
                Ok(TodoKind::Other) | Err(_) => {
                    return Err(format!("{kind} is not a to-do kind a document can name"))
                }
                Ok(kind) => vocabulary
                    .phrases
                    .push((kind, phrases.iter().map(|p| words(p)).collect())),
            }
        }
        Ok(vocabulary)
    }

    /// The vocabulary shipped in `search-config/`.
    pub fn embedded() -> &'static DocumentVocabulary {
        static VOCABULARY: OnceLock<DocumentVocabulary> = OnceLock::new();
        VOCABULARY.get_or_init(|| {
            DocumentVocabulary::parse(VOCABULARY_JSON)
                .expect("search-config/document_todos.json is valid (a test checks it)")
        })
    }

    /// The to-do kinds one document names.
    pub fn kinds_named(&self, document: &str) -> BTreeSet<TodoKind> {
        let text = words(document);
        self.phrases
            .iter()
            .filter(|(_, phrases)| phrases.iter().any(|phrase| contains_phrase(&text, phrase)))
            .map(|(kind, _)| *kind)
            .collect()
    }

    /// The person's open to-dos that one of the vacancy's documents needs,
    /// in the profile's order, each once.
    pub fn todos_before_starting<'p>(
        &self,
        job: &VacancyDetails,
        person: &'p ProfileDetails,
    ) -> Vec<&'p Todo> {
        // Most people have no open to-do: then the documents need no reading.
        if person.todos().iter().all(|todo| todo.done()) {
            return Vec::new();
        }
        let needs = self.reader(job.documents_needed());
        person
            .todos()
            .iter()
            .filter(|todo| !todo.done() && needs.needs(todo.kind(), todo.note()))
            .collect()
    }

    /// The documents read once, to test many to-dos against them.
    pub fn reader<'d>(&self, documents: &'d [String]) -> DocumentsNeeded<'d> {
        DocumentsNeeded {
            named: documents
                .iter()
                .flat_map(|document| self.kinds_named(document))
                .collect(),
            documents,
        }
    }
}

/// A vacancy's documents, read as to-do kinds.
pub struct DocumentsNeeded<'d> {
    named: BTreeSet<TodoKind>,
    documents: &'d [String],
}

impl DocumentsNeeded<'_> {
    /// Whether a to-do of this kind (with this note, for an `other`) is
    /// one the documents need.
    pub fn needs(&self, kind: TodoKind, note: &str) -> bool {
        match kind {
            TodoKind::Other => self
                .documents
                .iter()
                .any(|document| other_matches(note, document)),
            kind => self.named.contains(&kind),
        }
    }
}

/// Whether an "other" to-do's note and a document name the same thing:
/// every significant word of one is in the other.
fn other_matches(note: &str, document: &str) -> bool {
    let (note, document) = (significant(note), significant(document));
    !note.is_empty()
        && !document.is_empty()
        && (note.is_subset(&document) || document.is_subset(&note))
}

/// How a to-do reads in "To do before starting: ...": the kind's label in
/// lower case, or the note of an "other".
pub fn todo_label(todo: &Todo) -> String {
    kind_label(todo.kind(), todo.note())
}

/// How a to-do of this kind and note reads in a list: the kind's label in
/// lower case, or the note of an "other".
pub fn kind_label(kind: TodoKind, note: &str) -> String {
    match kind {
        TodoKind::Other => note.to_owned(),
        kind => kind.label().to_lowercase(),
    }
}

/// "To do before starting: bank account, proof of identity", or `None`
/// when nothing is open (for officers).
pub fn before_starting_note(todos: &[&Todo]) -> Option<String> {
    if todos.is_empty() {
        return None;
    }
    let labels: Vec<String> = todos.iter().map(|todo| todo_label(todo)).collect();
    Some(format!("To do before starting: {}", labels.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::tests::valid_input as profile_input;
    use crate::domain::profile::TodoInput;
    use crate::domain::skills::tests::sample;
    use crate::domain::vacancy::tests::valid_input as vacancy_input;

    fn person(todos: &[(&str, &str, bool)]) -> ProfileDetails {
        let mut input = profile_input();
        input.todos = todos
            .iter()
            .map(|(kind, note, done)| TodoInput {
                kind: (*kind).into(),
                note: (*note).into(),
                done: *done,
            })
            .collect();
        ProfileDetails::parse(&input, &sample()).unwrap()
    }

    fn job(documents: &[&str]) -> VacancyDetails {
        let mut input = vacancy_input();
        input.documents_needed = documents.iter().map(|d| (*d).to_owned()).collect();
        VacancyDetails::parse(&input, &sample()).unwrap()
    }

    #[test]
    fn the_shipped_vocabulary_parses() {
        DocumentVocabulary::parse(VOCABULARY_JSON).unwrap();
        assert!(DocumentVocabulary::parse(r#"{"kinds":{"other":["x"]}}"#).is_err());
        assert!(DocumentVocabulary::parse(r#"{"kinds":{"pets":["x"]}}"#).is_err());
    }

    #[test]
    fn documents_name_kinds_by_whole_words() {
        let v = DocumentVocabulary::embedded();
        let kinds = |doc: &str| v.kinds_named(doc).into_iter().collect::<Vec<_>>();
        assert_eq!(kinds("Bank details for wages"), vec![TodoKind::BankAccount]);
        assert_eq!(kinds("Passport or photo ID"), vec![TodoKind::Id]);
        assert_eq!(kinds("Proof of address"), vec![TodoKind::Housing]);
        assert_eq!(kinds("Your CV"), vec![TodoKind::Cv]);
        // "Bankside" is not "bank"; "video" is not "id".
        assert!(kinds("Bankside safety video").is_empty());
        let both = kinds("Photo ID and bank card");
        assert_eq!(both, vec![TodoKind::Id, TodoKind::BankAccount]);
    }

    #[test]
    fn only_open_todos_the_documents_need_are_listed() {
        let v = DocumentVocabulary::embedded();
        let p = person(&[
            ("id", "", true),
            ("bank_account", "", false),
            ("housing", "", false),
            ("other", "CSCS card", false),
            ("other", "Glasses", false),
        ]);
        let j = job(&["Photo ID", "Bank details", "CSCS card (green)"]);
        let todos = v.todos_before_starting(&j, &p);
        let labels: Vec<String> = todos.iter().map(|t| todo_label(t)).collect();
        assert_eq!(labels, vec!["bank account", "CSCS card"]);
        assert_eq!(
            before_starting_note(&todos).unwrap(),
            "To do before starting: bank account, CSCS card"
        );
        assert!(v.todos_before_starting(&job(&[]), &p).is_empty());
        assert!(before_starting_note(&[]).is_none());
    }
}
