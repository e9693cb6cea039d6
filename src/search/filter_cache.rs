//! The embedded engine's cache of filter parts: the documents of one
//! segment that a union (`A OR B`, `x IN [...]`) or a geo radius admits,
//! kept by the part's text.
//!
//! These are the costly parts of a narrowing filter. A union is walked by
//! tantivy's buffered union in windows of 4,096 documents, building one
//! posting reader per term; a geo radius measures the distance to every
//! point in its band of latitudes. They also repeat: a person's own
//! narrowing ("starts after my release", "near my home or remote", "needs
//! none of the certificates I lack") is the same on every search they make
//! and on every page, and many people share a release day, a town or a set
//! of certificates; a vacancy's "within reach of the workplace" is the same
//! for every vacancy in one town.
//!
//! A segment never changes once written (a delete only marks documents,
//! and every collector skips marked documents), so an entry is right for as
//! long as its segment lives, and no write needs to invalidate anything.
//! Entries of segments that have left the index are dropped when a search
//! sees a new set of segments. The cache holds at most [`CACHE_BYTES`]:
//! two generations, the older dropped when the newer fills half of it, so
//! what was used recently stays (an entry found in the older generation
//! moves to the newer).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::index::SegmentId;
use tantivy::query::{
    ConstScorer, EnableScoring, Explanation, Query as TantivyQuery, Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

/// The most the cache holds, in bytes of document lists and keys.
pub const CACHE_BYTES: usize = 24 << 20;

/// The documents of one segment that a filter part admits, sorted: a list
/// when few, a bit per document of the segment when many (whichever is
/// smaller).
#[derive(Debug, PartialEq, Eq)]
pub enum DocList {
    Sorted(Vec<DocId>),
    Bits { words: Vec<u64>, len: u32 },
}

impl DocList {
    /// From documents in increasing order, in a segment of `max_doc`.
    pub fn from_sorted(docs: Vec<DocId>, max_doc: DocId) -> Self {
        let bits_bytes = (max_doc as usize).div_ceil(64) * 8;
        if docs.len() * std::mem::size_of::<DocId>() <= bits_bytes {
            return DocList::Sorted(docs);
        }
        let mut words = vec![0u64; (max_doc as usize).div_ceil(64)];
        for &doc in &docs {
            words[doc as usize / 64] |= 1 << (doc % 64);
        }
        DocList::Bits {
            words,
            len: u32::try_from(docs.len()).unwrap_or(u32::MAX),
        }
    }

    pub fn len(&self) -> u32 {
        match self {
            DocList::Sorted(docs) => u32::try_from(docs.len()).unwrap_or(u32::MAX),
            DocList::Bits { len, .. } => *len,
        }
    }

    fn bytes(&self) -> usize {
        match self {
            DocList::Sorted(docs) => docs.len() * std::mem::size_of::<DocId>(),
            DocList::Bits { words, .. } => words.len() * 8,
        }
    }

    /// The first document >= `target` (TERMINATED when none), and for a
    /// sorted list its position.
    fn first_from(&self, target: DocId, from: usize) -> (DocId, usize) {
        match self {
            DocList::Sorted(docs) => {
                let at = from + docs[from.min(docs.len())..].partition_point(|&d| d < target);
                (docs.get(at).copied().unwrap_or(TERMINATED), at)
            }
            DocList::Bits { words, .. } => {
                let mut index = target as usize / 64;
                let Some(&first) = words.get(index) else {
                    return (TERMINATED, 0);
                };
                let mut word = first & (u64::MAX << (target % 64));
                loop {
                    if word != 0 {
                        let doc = index * 64 + word.trailing_zeros() as usize;
                        return (DocId::try_from(doc).unwrap_or(TERMINATED), 0);
                    }
                    index += 1;
                    match words.get(index) {
                        Some(&next) => word = next,
                        None => return (TERMINATED, 0),
                    }
                }
            }
        }
    }
}

/// A [`DocList`] as a tantivy doc set.
pub struct ListDocs {
    list: Arc<DocList>,
    doc: DocId,
    /// Position in a sorted list.
    at: usize,
}

impl ListDocs {
    pub fn new(list: Arc<DocList>) -> Self {
        let (doc, at) = list.first_from(0, 0);
        ListDocs { list, doc, at }
    }
}

impl DocSet for ListDocs {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            (self.doc, self.at) = self.list.first_from(self.doc + 1, self.at);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            (self.doc, self.at) = self.list.first_from(target, self.at);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.list.len()
    }
}

type Key = (SegmentId, Arc<str>);

#[derive(Default)]
struct Generations {
    newer: HashMap<Key, Arc<DocList>>,
    older: HashMap<Key, Arc<DocList>>,
    newer_bytes: usize,
    /// The segments of the last searcher seen.
    segments: Vec<SegmentId>,
}

/// Document lists by segment and filter part; see the module's note.
#[derive(Default)]
pub struct FilterCache {
    inner: Mutex<Generations>,
}

impl FilterCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, key: &Key) -> Option<Arc<DocList>> {
        let mut g = self.lock();
        if let Some(found) = g.newer.get(key) {
            return Some(found.clone());
        }
        let found = g.older.remove(key)?;
        let cost = key.1.len() + found.bytes();
        g.newer_bytes += cost;
        g.newer.insert(key.clone(), found.clone());
        Some(found)
    }

    fn put(&self, key: Key, list: Arc<DocList>) {
        let cost = key.1.len() + list.bytes();
        // A list bigger than a generation is not kept.
        if cost > CACHE_BYTES / 2 {
            return;
        }
        let mut g = self.lock();
        if g.newer_bytes + cost > CACHE_BYTES / 2 {
            g.older = std::mem::take(&mut g.newer);
            g.newer_bytes = 0;
        }
        g.newer_bytes += cost;
        g.newer.insert(key, list);
    }

    /// Drops the entries of segments the searcher no longer has (only
    /// when its set of segments differs from the last one seen).
    pub fn retain(&self, searcher: &Searcher) {
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        let mut g = self.lock();
        if g.segments == live {
            return;
        }
        g.newer.retain(|(segment, _), _| live.contains(segment));
        g.older.retain(|(segment, _), _| live.contains(segment));
        g.newer_bytes = g.newer.iter().map(|(k, v)| k.1.len() + v.bytes()).sum();
        g.segments = live;
    }

    /// Entries held (for tests).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        let g = self.lock();
        g.newer.len() + g.older.len()
    }
}

/// A filter part whose documents are taken from the cache, or worked out
/// by `inner` and kept. It only decides membership: every document scores
/// the boost.
pub struct CachedQuery {
    key: Arc<str>,
    inner: Box<dyn TantivyQuery>,
    cache: Arc<FilterCache>,
}

impl CachedQuery {
    pub fn new(key: String, inner: Box<dyn TantivyQuery>, cache: Arc<FilterCache>) -> Self {
        CachedQuery {
            key: key.into(),
            inner,
            cache,
        }
    }
}

impl Clone for CachedQuery {
    fn clone(&self) -> Self {
        CachedQuery {
            key: self.key.clone(),
            inner: self.inner.box_clone(),
            cache: self.cache.clone(),
        }
    }
}

impl std::fmt::Debug for CachedQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedQuery")
            .field("key", &self.key)
            .finish()
    }
}

impl TantivyQuery for CachedQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(CachedWeight {
            key: self.key.clone(),
            // Membership only: no scores, so no statistics to gather.
            inner: self.inner.box_clone(),
            cache: self.cache.clone(),
        }))
    }
}

struct CachedWeight {
    key: Arc<str>,
    inner: Box<dyn TantivyQuery>,
    cache: Arc<FilterCache>,
}

impl CachedWeight {
    fn list(&self, reader: &SegmentReader) -> tantivy::Result<Arc<DocList>> {
        let key = (reader.segment_id(), self.key.clone());
        if let Some(found) = self.cache.get(&key) {
            return Ok(found);
        }
        let schema = reader.schema();
        let weight = self
            .inner
            .weight(EnableScoring::disabled_from_schema(schema))?;
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut docs = Vec::new();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            docs.push(doc);
            doc = scorer.advance();
        }
        let list = Arc::new(DocList::from_sorted(docs, reader.max_doc()));
        self.cache.put(key, list.clone());
        Ok(list)
    }
}

impl Weight for CachedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ConstScorer::new(
            ListDocs::new(self.list(reader)?),
            boost,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut docs = ListDocs::new(self.list(reader)?);
        if docs.seek(doc) == doc {
            Ok(Explanation::new("matches the filter part", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match {}",
                self.key
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(list: DocList) -> Vec<DocId> {
        let mut docs = ListDocs::new(Arc::new(list));
        let mut out = Vec::new();
        while docs.doc() != TERMINATED {
            out.push(docs.doc());
            docs.advance();
        }
        out
    }

    #[test]
    fn lists_and_bits_iterate_and_seek_alike() {
        // Sparse (a sorted list) and dense (bits) sets over segments whose
        // size is and is not a multiple of 64, against the plain list.
        let cases: Vec<(Vec<DocId>, DocId)> = vec![
            (vec![], 100),
            (vec![0], 1),
            (vec![3, 64, 65, 127, 128, 999], 1000),
            ((0..1000).filter(|d| d % 3 != 1).collect(), 1000),
            ((0..4096).collect(), 4096),
            (
                (0..5000).filter(|d| d % 7 == 0 || d % 64 == 63).collect(),
                5003,
            ),
        ];
        for (docs, max_doc) in cases {
            let list = DocList::from_sorted(docs.clone(), max_doc);
            let dense = docs.len() * 4 > (max_doc as usize).div_ceil(64) * 8;
            assert_eq!(matches!(list, DocList::Bits { .. }), dense, "{max_doc}");
            assert_eq!(list.len() as usize, docs.len());
            assert_eq!(walk(list), docs);
            // Seeking to every target answers the first document >= it.
            for list in [
                DocList::Sorted(docs.clone()),
                DocList::from_sorted(docs.clone(), max_doc),
            ] {
                let list = Arc::new(list);
                for start in [0, max_doc / 3] {
                    let mut set = ListDocs::new(list.clone());
                    set.seek(start);
                    for target in (start..=max_doc + 2).step_by(5) {
                        let want = docs.iter().copied().find(|&d| d >= target);
                        assert_eq!(
                            set.seek(target),
                            want.unwrap_or(TERMINATED),
                            "target {target} of {max_doc}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_cache_keeps_recent_entries_within_its_size() {
        let cache = FilterCache::default();
        let segment = SegmentId::generate_random();
        let list = || Arc::new(DocList::Sorted((0..1024).collect()));
        let per_entry = 4096 + "key-0000000".len();
        let fit = CACHE_BYTES / 2 / per_entry;
        // Fill more than both generations; "key-0" is read all along, so
        // it stays, while the oldest of the others are dropped.
        for i in 0..fit * 3 {
            cache.put((segment, format!("key-{i:07}").into()), list());
            assert!(cache.get(&(segment, "key-0000000".into())).is_some());
        }
        assert!(cache.len() <= fit * 2 + 1);
        assert!(cache.get(&(segment, "key-0000001".into())).is_none());
        assert!(cache
            .get(&(segment, format!("key-{:07}", fit * 3 - 1).into()))
            .is_some());
    }
}
