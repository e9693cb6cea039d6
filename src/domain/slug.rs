//! Taxonomy slugs (skills, certificates, sectors) held once per process.
//!
//! The matcher keeps every profile and vacancy in memory (see
//! `matches::Matcher::warm`): about nine slugs a profile and five a vacancy,
//! drawn from a taxonomy of a few hundred. As a `String` each is a heap block
//! of its own; as a [`Slug`] each is a shared pointer to one copy, which
//! saves about 50 MB at 100,000 profiles and 50,000 vacancies.

use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// How many distinct slugs are shared at most. Slugs are checked against
/// the taxonomy when written, so a process sees a few hundred; past this
/// bound (never reached in practice) a slug is simply not shared, which
/// keeps the table's memory bounded whatever the stored rows hold.
const SHARED_AT_MOST: usize = 20_000;

/// The longest text that is shared, in bytes. The taxonomy's longest slug
/// is 35; a longer text (a value typed into a form before it is checked
/// against the taxonomy) gets a copy of its own, so the table that is never
/// emptied cannot be filled with large texts.
const SHARED_LONGEST: usize = 64;

fn table() -> &'static Mutex<HashSet<Arc<str>>> {
    static TABLE: OnceLock<Mutex<HashSet<Arc<str>>>> = OnceLock::new();
    TABLE.get_or_init(|| Mutex::new(HashSet::new()))
}

/// A taxonomy slug: compares, hashes, orders, prints and serialises as the
/// text it holds.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(Arc<str>);

impl Slug {
    /// The shared copy of `text`.
    pub fn new(text: &str) -> Self {
        if text.len() > SHARED_LONGEST {
            return Slug(Arc::from(text));
        }
        let mut table = table().lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(shared) = table.get(text) {
            return Slug(shared.clone());
        }
        let slug: Arc<str> = Arc::from(text);
        if table.len() < SHARED_AT_MOST {
            table.insert(slug.clone());
        }
        Slug(slug)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Shared copies of `texts` (see [`Slug::new`]).
pub fn shared(texts: &[String]) -> Vec<Slug> {
    texts.iter().map(Slug::from).collect()
}

/// The slugs as plain strings (for inputs, documents and reasons).
pub fn texts<'a>(slugs: impl IntoIterator<Item = &'a Slug>) -> Vec<String> {
    slugs.into_iter().map(Slug::to_string).collect()
}

impl Deref for Slug {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Slug {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Slug {
    fn from(text: &str) -> Self {
        Slug::new(text)
    }
}

impl From<&String> for Slug {
    fn from(text: &String) -> Self {
        Slug::new(text)
    }
}

impl From<String> for Slug {
    fn from(text: String) -> Self {
        Slug::new(&text)
    }
}

impl PartialEq<str> for Slug {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Slug {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Slug {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl fmt::Debug for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Slug {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_slugs_share_one_copy_and_read_as_their_text() {
        let a = Slug::new("forklift-counterbalance");
        let b = Slug::from(String::from("forklift-counterbalance"));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, b);
        assert_eq!(a, "forklift-counterbalance");
        assert_eq!(a.to_string(), "forklift-counterbalance");
        assert_eq!(format!("{a:?}"), "\"forklift-counterbalance\"");
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            "\"forklift-counterbalance\""
        );
        assert_ne!(Slug::new("stock-control"), a);
        let set: HashSet<Slug> = [a.clone()].into_iter().collect();
        assert!(set.contains("forklift-counterbalance"));
    }

    #[test]
    fn a_text_longer_than_any_slug_is_not_shared() {
        let long = "x".repeat(SHARED_LONGEST + 1);
        let (a, b) = (Slug::new(&long), Slug::new(&long));
        assert_eq!(a, b);
        assert!(!Arc::ptr_eq(&a.0, &b.0));
        assert!(!table().lock().unwrap().contains(long.as_str()));
    }
}
