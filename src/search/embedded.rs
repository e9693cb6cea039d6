//! The embedded engine: one tantivy index per document type, on disk in
//! `<data dir>/search/<prefix><vacancies|profiles>/`.
//!
//! Filters become tantivy queries (terms, ranges on fast fields, boolean
//! combinations, and a geo-radius query that checks the haversine distance
//! of `domain::geo` on the `_geo` fast fields). Keyword search uses the
//! settings files' searchable fields (in order of weight) and typo rules:
//! fuzzy terms (a transposition is one typo), taxonomy synonyms expanded at
//! query time, and no typos on certificate codes.
//!
//! One process owns the index at a time (tantivy's writer lock): run the
//! worker inside `serve` with this engine, or use Meilisearch.

use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, ConstScorer, EmptyQuery, EnableScoring,
    Explanation, FuzzyTermQuery, Occur, PhraseQuery, Query as TantivyQuery, RangeQuery, Scorer,
    TermQuery, Weight,
};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RegexTokenizer, RemoveLongFilter, TextAnalyzer,
};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, Searcher,
    SegmentReader, TantivyDocument, TantivyError, Term,
};

use super::documents::{
    FieldKind, FieldSpec, ProfileDoc, VacancyDoc, PROFILE_FIELDS, VACANCY_FIELDS,
};
use super::filter::{Filter, FilterError, Number, Value};
use super::filter_cache::{CachedQuery, DocList, FilterCache, ListDocs};
use super::narrowing::{latitude_band, longitude_reach, padded_metres};
use super::settings::{index_settings, IndexKind, TextRules};
use super::{DocumentCounts, Hit, MatchIndex, Query, SearchError, SettingsOutcome};
use crate::domain::geo::{distance_km, GeoPoint};
use crate::domain::skills::Taxonomy;

const WORDS_TOKENIZER: &str = "fairchance_words";
const KEYWORD_TOKENIZER: &str = "fairchance_keyword";
/// Letters and digits, with `+` kept inside a token so "C+E" is one word
/// (Meilisearch's `nonSeparatorTokens: ["+"]`).
const WORD_PATTERN: &str = r"[\p{L}\p{N}]+(?:\+[\p{L}\p{N}]*)*";
const GEO_LAT: &str = "geo_lat";
const GEO_LNG: &str = "geo_lng";
/// A profile's travel radius, which [`Filter::WithinOwnReach`] reads.
const RADIUS_KM: &str = "radius_km";
/// Writer memory; tantivy's minimum per thread is 15 MB.
const WRITER_MEMORY: usize = 32_000_000;
/// Weight of a typo match relative to an exact one, as Meilisearch's
/// `typo` ranking rule puts exact matches first.
const TYPO_WEIGHT: Score = 0.5;

fn embedded(error: impl std::fmt::Display) -> SearchError {
    SearchError::Embedded(error.to_string())
}

/// The tantivy-backed [`MatchIndex`].
pub struct EmbeddedIndex {
    vacancies: Arc<Engine>,
    profiles: Arc<Engine>,
    taxonomy: Arc<Taxonomy>,
    created: bool,
}

impl EmbeddedIndex {
    /// Opens (or creates) both indexes under `root`. An index whose schema
    /// differs from this version's is rebuilt empty; then
    /// [`MatchIndex::apply_settings`] reports that a reindex is needed.
    pub fn open(root: &Path, prefix: &str, taxonomy: Arc<Taxonomy>) -> Result<Self, SearchError> {
        let vacancies = Engine::open(root, prefix, IndexKind::Vacancies, &taxonomy)?;
        let profiles = Engine::open(root, prefix, IndexKind::Profiles, &taxonomy)?;
        let created = vacancies.created || profiles.created;
        Ok(Self {
            vacancies: Arc::new(vacancies),
            profiles: Arc::new(profiles),
            taxonomy,
            created,
        })
    }

    fn engine(&self, kind: IndexKind) -> &Arc<Engine> {
        match kind {
            IndexKind::Vacancies => &self.vacancies,
            IndexKind::Profiles => &self.profiles,
        }
    }

    /// Runs a write on a blocking thread: a commit flushes segments to disk.
    async fn write(
        &self,
        kind: IndexKind,
        change: impl FnOnce(&Engine, &IndexWriter) -> Result<(), SearchError> + Send + 'static,
    ) -> Result<(), SearchError> {
        let engine = Arc::clone(self.engine(kind));
        tokio::task::spawn_blocking(move || engine.write(change))
            .await
            .map_err(embedded)?
    }

    async fn upsert(
        &self,
        kind: IndexKind,
        docs: Vec<(i64, serde_json::Value)>,
    ) -> Result<(), SearchError> {
        let engine = Arc::clone(self.engine(kind));
        let prepared = docs
            .into_iter()
            .map(|(id, json)| Ok((id, engine.document(&json)?)))
            .collect::<Result<Vec<_>, SearchError>>()?;
        self.write(kind, move |engine, writer| {
            for (id, document) in prepared {
                // Deletes apply to documents added before them, so this
                // replaces the old version and keeps the new one.
                writer.delete_term(Term::from_field_i64(engine.id, id));
                writer.add_document(document).map_err(embedded)?;
            }
            Ok(())
        })
        .await
    }
}

fn to_json<T: serde::Serialize>(doc: &T, id: i64) -> Result<(i64, serde_json::Value), SearchError> {
    Ok((id, serde_json::to_value(doc).map_err(embedded)?))
}

#[async_trait]
impl MatchIndex for EmbeddedIndex {
    fn engine_name(&self) -> &'static str {
        "embedded"
    }

    fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    async fn apply_settings(&self) -> Result<SettingsOutcome, SearchError> {
        // The schema and text rules were applied when the index was opened;
        // an index created then is empty and needs filling from the database.
        let counts = self.counts().await?;
        Ok(SettingsOutcome {
            reindex_needed: self.created && counts == DocumentCounts::default(),
        })
    }

    async fn upsert_vacancies(&self, docs: &[VacancyDoc]) -> Result<(), SearchError> {
        let docs = docs
            .iter()
            .map(|d| to_json(d, d.id))
            .collect::<Result<Vec<_>, _>>()?;
        self.upsert(IndexKind::Vacancies, docs).await
    }

    async fn upsert_profiles(&self, docs: &[ProfileDoc]) -> Result<(), SearchError> {
        let docs = docs
            .iter()
            .map(|d| to_json(d, d.id))
            .collect::<Result<Vec<_>, _>>()?;
        self.upsert(IndexKind::Profiles, docs).await
    }

    async fn delete(&self, kind: IndexKind, ids: &[i64]) -> Result<(), SearchError> {
        let ids = ids.to_vec();
        self.write(kind, move |engine, writer| {
            for id in ids {
                writer.delete_term(Term::from_field_i64(engine.id, id));
            }
            Ok(())
        })
        .await
    }

    async fn clear(&self) -> Result<(), SearchError> {
        for kind in IndexKind::ALL {
            self.write(kind, |_, writer| {
                writer.delete_all_documents().map(|_| ()).map_err(embedded)
            })
            .await?;
        }
        Ok(())
    }

    async fn compact(&self) -> Result<(), SearchError> {
        let (vacancies, profiles) = (self.vacancies.clone(), self.profiles.clone());
        tokio::task::spawn_blocking(move || {
            vacancies.compact()?;
            profiles.compact()
        })
        .await
        .map_err(embedded)?
    }

    async fn counts(&self) -> Result<DocumentCounts, SearchError> {
        Ok(DocumentCounts {
            vacancies: self.vacancies.reader.searcher().num_docs(),
            profiles: self.profiles.reader.searcher().num_docs(),
        })
    }

    async fn versions(
        &self,
        kind: IndexKind,
    ) -> Result<std::collections::HashMap<i64, i64>, SearchError> {
        self.engine(kind).versions()
    }

    async fn query(&self, kind: IndexKind, query: &Query) -> Result<Vec<Hit>, SearchError> {
        self.engine(kind).run(query)
    }
}

/// A tantivy field of a document field.
#[derive(Debug, Clone, Copy)]
enum Mapped {
    Plain(Field, FieldKind),
    Geo { lat: Field, lng: Field },
}

/// A searchable field with its weight and whether typos are allowed.
struct TextField {
    field: Field,
    weight: Score,
    typos: bool,
}

/// Synonym groups as token sequences, looked up by their tokens.
struct Synonyms {
    groups: Vec<Vec<Vec<String>>>,
    lookup: HashMap<Vec<String>, usize>,
    longest: usize,
}

/// One index: schema, reader, writer and text rules.
struct Engine {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: HashMap<&'static str, Mapped>,
    id: Field,
    words: TextAnalyzer,
    text_fields: Vec<TextField>,
    rules: TextRules,
    synonyms: Synonyms,
    created: bool,
    /// Each live segment's points sorted by latitude, for radius queries.
    geo: Arc<GeoCache>,
    /// Documents of the filters' unions and radii, by segment.
    sets: Arc<FilterCache>,
}

fn words_analyzer() -> Result<TextAnalyzer, SearchError> {
    let tokenizer = RegexTokenizer::new(WORD_PATTERN).map_err(embedded)?;
    Ok(TextAnalyzer::builder(tokenizer)
        .filter(RemoveLongFilter::limit(100))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build())
}

fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

fn build_schema(specs: &[FieldSpec]) -> (Schema, HashMap<&'static str, Mapped>) {
    let mut builder = Schema::builder();
    let mut fields = HashMap::new();
    let numeric = || NumericOptions::default().set_indexed().set_fast();
    for spec in specs {
        let mapped = match spec.kind {
            FieldKind::Int => {
                let options = if spec.name == "id" {
                    numeric().set_stored()
                } else {
                    numeric()
                };
                Mapped::Plain(builder.add_i64_field(spec.name, options), spec.kind)
            }
            FieldKind::Float => {
                Mapped::Plain(builder.add_f64_field(spec.name, numeric()), spec.kind)
            }
            FieldKind::Bool => {
                Mapped::Plain(builder.add_bool_field(spec.name, numeric()), spec.kind)
            }
            FieldKind::Keyword => {
                let indexing = TextFieldIndexing::default()
                    .set_tokenizer(KEYWORD_TOKENIZER)
                    .set_index_option(IndexRecordOption::Basic);
                let options = TextOptions::default().set_indexing_options(indexing);
                Mapped::Plain(builder.add_text_field(spec.name, options), spec.kind)
            }
            FieldKind::Text => {
                let indexing = TextFieldIndexing::default()
                    .set_tokenizer(WORDS_TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions);
                let options = TextOptions::default().set_indexing_options(indexing);
                Mapped::Plain(builder.add_text_field(spec.name, options), spec.kind)
            }
            FieldKind::Geo => Mapped::Geo {
                lat: builder.add_f64_field(GEO_LAT, NumericOptions::default().set_fast()),
                lng: builder.add_f64_field(GEO_LNG, NumericOptions::default().set_fast()),
            },
        };
        fields.insert(spec.name, mapped);
    }
    (builder.build(), fields)
}

fn same_schema(a: &Schema, b: &Schema) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Opens the index in `dir`, or creates it (empty) when it is missing, has
/// another schema or cannot be read: it is derived data.
fn open_or_create(dir: &Path, schema: &Schema) -> Result<(Index, bool), SearchError> {
    if dir.join("meta.json").exists() {
        if let Ok(index) = Index::open_in_dir(dir) {
            if same_schema(&index.schema(), schema) {
                return Ok((index, false));
            }
        }
        tracing::warn!(dir = %dir.display(), "search index has another schema or is unreadable; rebuilding it empty");
        std::fs::remove_dir_all(dir).map_err(embedded)?;
    }
    std::fs::create_dir_all(dir).map_err(embedded)?;
    let index = Index::create_in_dir(dir, schema.clone()).map_err(embedded)?;
    Ok((index, true))
}

impl Engine {
    fn open(
        root: &Path,
        prefix: &str,
        kind: IndexKind,
        taxonomy: &Taxonomy,
    ) -> Result<Self, SearchError> {
        let specs = match kind {
            IndexKind::Vacancies => VACANCY_FIELDS,
            IndexKind::Profiles => PROFILE_FIELDS,
        };
        let (schema, fields) = build_schema(specs);
        let dir = root.join(format!("{prefix}{}", kind.base_name()));
        let (index, created) = open_or_create(&dir, &schema)?;
        let words = words_analyzer()?;
        index.tokenizers().register(WORDS_TOKENIZER, words.clone());
        index
            .tokenizers()
            .register(KEYWORD_TOKENIZER, keyword_analyzer());
        let writer = index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(|e| match e {
                TantivyError::LockFailure(..) => SearchError::Embedded(format!(
                    "{} is in use by another process; the embedded index serves one process",
                    dir.display()
                )),
                other => embedded(other),
            })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(embedded)?;

        let settings = index_settings(kind, taxonomy)?;
        let rules = TextRules::from_settings(&settings, taxonomy);
        let count = rules.searchable.len();
        let mut text_fields = Vec::new();
        for (rank, name) in rules.searchable.iter().enumerate() {
            let Some(Mapped::Plain(field, FieldKind::Text)) = fields.get(name.as_str()).copied()
            else {
                return Err(SearchError::Settings(format!(
                    "searchable attribute {name} is not a text field of {}",
                    kind.base_name()
                )));
            };
            text_fields.push(TextField {
                field,
                // Earlier attributes weigh more (Meilisearch's `attribute` rule).
                weight: 1.0 + (count - rank) as Score * 0.25,
                typos: rules.typos && !rules.exact_fields.contains(name),
            });
        }
        let mut engine = Engine {
            reader,
            writer: Mutex::new(writer),
            id: match fields.get("id") {
                Some(Mapped::Plain(field, _)) => *field,
                _ => return Err(SearchError::Settings("documents need an id".into())),
            },
            fields,
            words,
            text_fields,
            rules,
            synonyms: Synonyms {
                groups: Vec::new(),
                lookup: HashMap::new(),
                longest: 0,
            },
            created,
            geo: Arc::new(GeoCache::default()),
            sets: Arc::new(FilterCache::default()),
        };
        engine.synonyms = engine.synonyms_from(taxonomy);
        Ok(engine)
    }

    fn tokens(&self, text: &str) -> Vec<String> {
        let mut analyzer = self.words.clone();
        let mut stream = analyzer.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push(stream.token().text.clone());
        }
        tokens
    }

    fn synonyms_from(&self, taxonomy: &Taxonomy) -> Synonyms {
        let mut groups = Vec::new();
        let mut lookup = HashMap::new();
        let mut longest = 0;
        for group in taxonomy.synonym_groups() {
            let terms: Vec<Vec<String>> = group
                .iter()
                .map(|term| self.tokens(term))
                .filter(|tokens| !tokens.is_empty())
                .collect();
            for tokens in &terms {
                longest = longest.max(tokens.len());
                lookup.entry(tokens.clone()).or_insert(groups.len());
            }
            groups.push(terms);
        }
        Synonyms {
            groups,
            lookup,
            longest,
        }
    }

    fn write(
        &self,
        change: impl FnOnce(&Engine, &IndexWriter) -> Result<(), SearchError>,
    ) -> Result<(), SearchError> {
        let mut writer = self.writer()?;
        if let Err(error) = change(self, &writer) {
            writer.rollback().map_err(embedded)?;
            return Err(error);
        }
        writer.commit().map_err(embedded)?;
        // Reload now so callers read their own writes.
        self.reader.reload().map_err(embedded)
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter>, SearchError> {
        self.writer
            .lock()
            .map_err(|_| SearchError::Embedded("index writer poisoned".into()))
    }

    /// Merges every segment into one (a full rebuild leaves one per
    /// commit): a query then builds its scorers, and walks its posting
    /// lists, once instead of once per segment.
    fn compact(&self) -> Result<(), SearchError> {
        let mut writer = self.writer()?;
        let segments = writer.index().searchable_segment_ids().map_err(embedded)?;
        if segments.len() > 1 {
            writer.merge(&segments).wait().map_err(embedded)?;
            writer.commit().map_err(embedded)?;
        }
        self.reader.reload().map_err(embedded)
    }

    /// Builds the tantivy document from a document's JSON form.
    fn document(&self, json: &serde_json::Value) -> Result<TantivyDocument, SearchError> {
        let mut document = TantivyDocument::new();
        let Some(object) = json.as_object() else {
            return Err(SearchError::Embedded(
                "a document must be a JSON object".into(),
            ));
        };
        for (name, value) in object {
            let Some(mapped) = self.fields.get(name.as_str()) else {
                return Err(SearchError::Embedded(format!(
                    "unknown document field {name}"
                )));
            };
            let bad = || SearchError::Embedded(format!("document field {name} has the wrong type"));
            match *mapped {
                Mapped::Geo { lat, lng } => {
                    let (Some(a), Some(b)) = (
                        value.get("lat").and_then(|v| v.as_f64()),
                        value.get("lng").and_then(|v| v.as_f64()),
                    ) else {
                        return Err(bad());
                    };
                    // Meilisearch refuses such a document too.
                    let point = GeoPoint::parse(a, b).map_err(|_| bad())?;
                    document.add_f64(lat, point.lat());
                    document.add_f64(lng, point.lon());
                }
                Mapped::Plain(field, FieldKind::Int) => {
                    document.add_i64(field, value.as_i64().ok_or_else(bad)?)
                }
                Mapped::Plain(field, FieldKind::Float) => {
                    document.add_f64(field, value.as_f64().ok_or_else(bad)?)
                }
                Mapped::Plain(field, FieldKind::Bool) => {
                    document.add_bool(field, value.as_bool().ok_or_else(bad)?)
                }
                Mapped::Plain(field, FieldKind::Keyword | FieldKind::Text | FieldKind::Geo) => {
                    let texts: Vec<&str> = match value {
                        serde_json::Value::String(s) => vec![s.as_str()],
                        serde_json::Value::Array(items) => items
                            .iter()
                            .map(|item| item.as_str().ok_or_else(bad))
                            .collect::<Result<_, _>>()?,
                        _ => return Err(bad()),
                    };
                    for text in texts {
                        document.add_text(field, text);
                    }
                }
            }
        }
        Ok(document)
    }

    /// Every live document's id and content version, read from the fast
    /// fields.
    fn versions(&self) -> Result<HashMap<i64, i64>, SearchError> {
        let searcher = self.reader.searcher();
        let mut versions = HashMap::new();
        for reader in searcher.segment_readers() {
            let fast = reader.fast_fields();
            let ids = fast.i64("id").map_err(embedded)?;
            let stamps = fast.column_opt::<i64>("version").map_err(embedded)?;
            for doc in reader.doc_ids_alive() {
                if let Some(id) = ids.first(doc) {
                    let version = stamps.as_ref().and_then(|c| c.first(doc));
                    versions.insert(id, version.unwrap_or(-1));
                }
            }
        }
        Ok(versions)
    }

    fn run(&self, query: &Query) -> Result<Vec<Hit>, SearchError> {
        let filter = query.filter.clone().simplify();
        if filter == Filter::Never || query.limit == Some(0) {
            return Ok(Vec::new());
        }
        let filter = self.translate(&filter)?;
        let searcher = self.reader.searcher();
        self.geo.retain(&searcher);
        self.sets.retain(&searcher);
        match query
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            None => self.filtered(&searcher, filter, query.limit),
            Some(text) => self.ranked(&searcher, filter, text, query.limit),
        }
    }

    /// Every document the filter admits, by id.
    fn filtered(
        &self,
        searcher: &Searcher,
        filter: Box<dyn TantivyQuery>,
        limit: Option<usize>,
    ) -> Result<Vec<Hit>, SearchError> {
        let mut hits = searcher.search(&filter, &IdCollector).map_err(embedded)?;
        hits.sort_unstable();
        if let Some(limit) = limit {
            hits.truncate(limit);
        }
        Ok(hits.into_iter().map(Hit::unranked).collect())
    }

    /// Documents matching the keywords within the filter, best first; when
    /// no document matches every word, those matching any word.
    fn ranked(
        &self,
        searcher: &Searcher,
        filter: Box<dyn TantivyQuery>,
        text: &str,
        limit: Option<usize>,
    ) -> Result<Vec<Hit>, SearchError> {
        let clauses = self.text_clauses(text);
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        // A limit asked for is capped like Meilisearch's `maxTotalHits`;
        // without one every matching document comes back.
        let limit = match limit {
            Some(limit) => limit.min(self.rules.max_total_hits),
            None => usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX),
        };
        let several = clauses.len() > 1;
        let mut found = self.top(searcher, &filter, &clauses, Occur::Must, limit)?;
        if found.is_empty() && several {
            found = self.top(searcher, &filter, &clauses, Occur::Should, limit)?;
        }
        let best = found
            .first()
            .map_or(1.0, |(score, _)| *score)
            .max(Score::EPSILON);
        let ids = IdColumns::new(searcher)?;
        Ok(found
            .into_iter()
            .filter_map(|(score, address)| {
                ids.id(address).map(|id| Hit {
                    id,
                    relevance: Some(f64::from(score / best)),
                })
            })
            .collect())
    }

    fn top(
        &self,
        searcher: &Searcher,
        filter: &dyn TantivyQuery,
        clauses: &[Box<dyn TantivyQuery>],
        occur: Occur,
        limit: usize,
    ) -> Result<Vec<(Score, DocAddress)>, SearchError> {
        let words = BooleanQuery::new(clauses.iter().map(|c| (occur, c.box_clone())).collect());
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(words) as Box<dyn TantivyQuery>),
            // The filter decides membership only, not relevance.
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0)),
            ),
        ]);
        searcher
            .search(&query, &TopDocs::with_limit(limit.max(1)))
            .map_err(embedded)
    }

    /// One clause per query word, or per synonym phrase found in the query.
    fn text_clauses(&self, text: &str) -> Vec<Box<dyn TantivyQuery>> {
        let tokens = self.tokens(text);
        let mut clauses = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let longest = self.synonyms.longest.min(tokens.len() - i);
            let group = (1..=longest).rev().find_map(|len| {
                self.synonyms
                    .lookup
                    .get(&tokens[i..i + len])
                    .map(|&group| (group, len))
            });
            match group {
                Some((group, len)) => {
                    clauses.push(self.synonym_clause(group));
                    i += len;
                }
                None => {
                    let last = i + 1 == tokens.len();
                    clauses.push(self.word_clause(&tokens[i], last));
                    i += 1;
                }
            }
        }
        clauses
    }

    /// Any term of the synonym group, exactly, in any searchable field.
    fn synonym_clause(&self, group: usize) -> Box<dyn TantivyQuery> {
        let mut options: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for terms in self.synonyms.groups.get(group).into_iter().flatten() {
            for text_field in &self.text_fields {
                let field = text_field.field;
                let query: Box<dyn TantivyQuery> = match terms.as_slice() {
                    [single] => Box::new(TermQuery::new(
                        Term::from_field_text(field, single),
                        IndexRecordOption::WithFreqs,
                    )),
                    several => Box::new(PhraseQuery::new(
                        several
                            .iter()
                            .map(|t| Term::from_field_text(field, t))
                            .collect(),
                    )),
                };
                options.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(query, text_field.weight)),
                ));
            }
        }
        Box::new(BooleanQuery::new(options))
    }

    /// The word exactly, with typos when it is long enough and not a code,
    /// and as a prefix when it is the last word (search as you type).
    fn word_clause(&self, word: &str, last: bool) -> Box<dyn TantivyQuery> {
        let length = word.chars().count();
        let typos: u8 = if !self.rules.typos || self.rules.exact_words.iter().any(|w| w == word) {
            0
        } else if length >= self.rules.two_typos {
            2
        } else if length >= self.rules.one_typo {
            1
        } else {
            0
        };
        let mut options: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for text_field in &self.text_fields {
            let term = Term::from_field_text(text_field.field, word);
            let exact = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
            options.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(exact), text_field.weight)),
            ));
            let distance = if text_field.typos { typos } else { 0 };
            if distance > 0 {
                let fuzzy = FuzzyTermQuery::new(term.clone(), distance, true);
                options.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(fuzzy),
                        text_field.weight * TYPO_WEIGHT,
                    )),
                ));
            }
            if last && length >= 3 {
                let prefix = FuzzyTermQuery::new_prefix(term, 0, true);
                options.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(prefix),
                        text_field.weight * TYPO_WEIGHT,
                    )),
                ));
            }
        }
        Box::new(BooleanQuery::new(options))
    }

    fn plain(&self, attribute: &'static str) -> Result<(Field, FieldKind), FilterError> {
        match self.fields.get(attribute) {
            Some(Mapped::Plain(field, kind)) if *kind != FieldKind::Text => Ok((*field, *kind)),
            _ => Err(FilterError::UnknownAttribute(attribute)),
        }
    }

    fn term(&self, attribute: &'static str, value: &Value) -> Result<Term, FilterError> {
        let (field, kind) = self.plain(attribute)?;
        let mismatch = FilterError::TypeMismatch { attribute };
        Ok(match (kind, value) {
            (FieldKind::Int, Value::Int(i)) => Term::from_field_i64(field, *i),
            (FieldKind::Float, Value::Float(f)) if f.is_finite() => Term::from_field_f64(field, *f),
            (FieldKind::Float, Value::Float(_)) => {
                return Err(FilterError::NotFinite { attribute })
            }
            (FieldKind::Float, Value::Int(i)) => Term::from_field_f64(field, *i as f64),
            (FieldKind::Bool, Value::Bool(b)) => Term::from_field_bool(field, *b),
            // Meilisearch compares strings case-insensitively; the keyword
            // analyzer lower-cases what is indexed.
            (FieldKind::Keyword, Value::Str(s)) => Term::from_field_text(field, &s.to_lowercase()),
            _ => return Err(mismatch),
        })
    }

    fn bound(
        &self,
        attribute: &'static str,
        bound: Bound<Number>,
    ) -> Result<Bound<Term>, FilterError> {
        let (field, kind) = self.plain(attribute)?;
        let term = |n: Number| -> Result<Term, FilterError> {
            match (kind, n) {
                (FieldKind::Int, Number::Int(i)) => Ok(Term::from_field_i64(field, i)),
                (FieldKind::Float, Number::Float(f)) if f.is_finite() => {
                    Ok(Term::from_field_f64(field, f))
                }
                (FieldKind::Float, Number::Float(_)) => Err(FilterError::NotFinite { attribute }),
                (FieldKind::Float, Number::Int(i)) => Ok(Term::from_field_f64(field, i as f64)),
                _ => Err(FilterError::TypeMismatch { attribute }),
            }
        };
        Ok(match bound {
            Bound::Included(n) => Bound::Included(term(n)?),
            Bound::Excluded(n) => Bound::Excluded(term(n)?),
            Bound::Unbounded => Bound::Unbounded,
        })
    }

    /// The filter as a tantivy query with the same meaning. Its unions and
    /// geo radii take their documents from the filter cache (see
    /// [`filter_cache`](super::filter_cache)).
    fn translate(&self, filter: &Filter) -> Result<Box<dyn TantivyQuery>, SearchError> {
        self.translate_part(filter, true)
    }

    fn geo_query(
        &self,
        lat: f64,
        lon: f64,
        shape: GeoShape,
    ) -> Result<Box<dyn TantivyQuery>, FilterError> {
        let centre =
            GeoPoint::parse(lat, lon).map_err(|_| FilterError::NotFinite { attribute: "_geo" })?;
        Ok(Box::new(GeoQuery {
            centre,
            shape,
            cache: self.geo.clone(),
        }))
    }

    /// [`Self::translate`] of one part; `cached`: whether the part's unions
    /// and radii go through the cache (not inside a part that does already).
    fn translate_part(
        &self,
        filter: &Filter,
        cached: bool,
    ) -> Result<Box<dyn TantivyQuery>, SearchError> {
        let worth_keeping = match filter {
            Filter::Or(parts) => parts.len() > 1,
            Filter::In(_, values) => values.len() > 1,
            Filter::GeoRadius { .. } | Filter::WithinOwnReach { .. } => true,
            _ => false,
        };
        if cached && worth_keeping {
            if let Some(key) = filter.cache_key() {
                let inner = self.translate_part(filter, false)?;
                return Ok(Box::new(CachedQuery::new(key, inner, self.sets.clone())));
            }
        }
        let translate = |part: &Filter| self.translate_part(part, cached);
        let term_query = |term: Term| -> Box<dyn TantivyQuery> {
            Box::new(TermQuery::new(term, IndexRecordOption::Basic))
        };
        Ok(match filter {
            Filter::Always => Box::new(AllQuery),
            Filter::Never => Box::new(EmptyQuery),
            Filter::Eq(attribute, value) => term_query(self.term(attribute, value)?),
            Filter::IsTrue(attribute) => term_query(self.term(attribute, &Value::Bool(true))?),
            Filter::In(attribute, values) => Box::new(BooleanQuery::new(
                values
                    .iter()
                    .map(|v| Ok((Occur::Should, term_query(self.term(attribute, v)?))))
                    .collect::<Result<Vec<_>, FilterError>>()?,
            )),
            Filter::Range {
                attribute,
                lower,
                upper,
            } => {
                let (lower, upper) = (
                    self.bound(attribute, *lower)?,
                    self.bound(attribute, *upper)?,
                );
                if matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
                    // "attribute EXISTS": every document carries its numbers.
                    Box::new(AllQuery)
                } else {
                    Box::new(RangeQuery::new(lower, upper))
                }
            }
            Filter::GeoRadius { lat, lon, metres } => {
                self.geo_query(*lat, *lon, GeoShape::Radius(*metres as f64))?
            }
            Filter::WithinOwnReach { lat, lon } => {
                self.geo_query(*lat, *lon, GeoShape::OwnReach)?
            }
            Filter::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery) as Box<dyn TantivyQuery>),
                (Occur::MustNot, translate(inner)?),
            ])),
            // A negated part is a MustNot clause of the conjunction itself
            // (not a nested "everything but" query) when some part is
            // positive: one exclusion over the other parts' matches instead
            // of a walk over every document.
            Filter::And(parts) => {
                let positive = parts.iter().any(|p| !matches!(p, Filter::Not(_)));
                Box::new(BooleanQuery::new(
                    parts
                        .iter()
                        .map(|p| match p {
                            Filter::Not(inner) if positive => {
                                Ok((Occur::MustNot, translate(inner)?))
                            }
                            _ => Ok((Occur::Must, translate(p)?)),
                        })
                        .collect::<Result<Vec<_>, SearchError>>()?,
                ))
            }
            Filter::Or(parts) => Box::new(BooleanQuery::new(
                parts
                    .iter()
                    .map(|p| Ok((Occur::Should, translate(p)?)))
                    .collect::<Result<Vec<_>, SearchError>>()?,
            )),
        })
    }
}

/// Collects the `id` of every matching document straight from the fast
/// field, segment by segment: no set of addresses to build and map
/// afterwards (the filter-only queries return thousands of documents).
struct IdCollector;

struct SegmentIds {
    column: Column<i64>,
    ids: Vec<i64>,
}

impl Collector for IdCollector {
    type Fruit = Vec<i64>;
    type Child = SegmentIds;

    fn for_segment(
        &self,
        _segment_local_id: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentIds> {
        Ok(SegmentIds {
            column: segment.fast_fields().i64("id")?,
            ids: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<i64>>) -> tantivy::Result<Vec<i64>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for SegmentIds {
    type Fruit = Vec<i64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(id) = self.column.first(doc) {
            self.ids.push(id);
        }
    }

    fn harvest(self) -> Vec<i64> {
        self.ids
    }
}

/// The `id` fast field of every segment, to turn addresses into ids.
struct IdColumns(Vec<Column<i64>>);

impl IdColumns {
    fn new(searcher: &Searcher) -> Result<Self, SearchError> {
        searcher
            .segment_readers()
            .iter()
            .map(|reader| reader.fast_fields().i64("id").map_err(embedded))
            .collect::<Result<_, _>>()
            .map(IdColumns)
    }

    fn id(&self, address: DocAddress) -> Option<i64> {
        self.0
            .get(address.segment_ord as usize)
            .and_then(|column| column.first(address.doc_id))
    }
}

/// One segment's documents with a point, sorted by latitude: a radius query
/// looks only at the band of latitudes it can reach instead of every
/// document. For profiles, each point's padded travel radius is kept beside
/// it, so a "within their own reach" query measures each point once.
struct LatitudeOrder {
    lat: Vec<f64>,
    lon: Vec<f64>,
    doc: Vec<DocId>,
    /// Each point's travel radius in metres, padded as a geo radius is
    /// ([`padded_metres`]); NaN for a document with none; empty when the
    /// documents have no travel radius (vacancies).
    reach: Vec<f64>,
    /// The largest of `reach`.
    widest: f64,
}

/// One circle's reach, measured once per query: its radius, and the most
/// degrees of latitude and longitude a point inside it can be from the
/// centre (see [`longitude_reach`]).
#[derive(Clone, Copy)]
struct Circle {
    metres: f64,
    band: f64,
    lon_reach: Option<f64>,
}

impl Circle {
    fn new(centre: GeoPoint, metres: f64) -> Self {
        Circle {
            metres,
            band: latitude_band(metres),
            lon_reach: longitude_reach(centre, metres),
        }
    }
}

impl LatitudeOrder {
    fn build(reader: &SegmentReader) -> tantivy::Result<Self> {
        let fast = reader.fast_fields();
        let (Some(lat), Some(lng)) = (
            fast.column_opt::<f64>(GEO_LAT)?,
            fast.column_opt::<f64>(GEO_LNG)?,
        ) else {
            return Ok(Self::from_points(Vec::new(), false));
        };
        let radius = fast.column_opt::<f64>(RADIUS_KM)?;
        let points = (0..reader.max_doc())
            .filter_map(|doc| match (lat.first(doc), lng.first(doc)) {
                (Some(a), Some(b)) if GeoPoint::parse(a, b).is_ok() => {
                    let reach = radius
                        .as_ref()
                        .and_then(|radius| radius.first(doc))
                        .filter(|r| r.is_finite())
                        .map_or(f64::NAN, |r| padded_metres(r) as f64);
                    Some((a, b, doc, reach))
                }
                _ => None,
            })
            .collect();
        Ok(Self::from_points(points, radius.is_some()))
    }

    /// From (latitude, longitude, document, padded reach or NaN) in any
    /// order; `with_reach`: whether the documents have a travel radius.
    fn from_points(mut points: Vec<(f64, f64, DocId, f64)>, with_reach: bool) -> Self {
        points.sort_by(|x, y| x.0.total_cmp(&y.0));
        let reach: Vec<f64> = if with_reach {
            points.iter().map(|p| p.3).collect()
        } else {
            Vec::new()
        };
        Self {
            lat: points.iter().map(|p| p.0).collect(),
            lon: points.iter().map(|p| p.1).collect(),
            doc: points.iter().map(|p| p.2).collect(),
            widest: reach
                .iter()
                .copied()
                .filter(|r| !r.is_nan())
                .fold(0.0, f64::max),
            reach,
        }
    }

    /// The positions of the points whose latitude is within `band` degrees
    /// of the centre's.
    fn band(&self, centre: GeoPoint, band: f64) -> std::ops::Range<usize> {
        let low = self.lat.partition_point(|&l| l < centre.lat() - band);
        let high = self.lat.partition_point(|&l| l <= centre.lat() + band);
        low..high
    }

    /// Whether the point at position `i` is inside `circle` around
    /// `centre`, by `distance_km`.
    fn inside(&self, i: usize, centre: GeoPoint, circle: Circle) -> bool {
        // Subtractions first: most of a band of latitudes is too far east
        // or west, and needs no trigonometry to say so.
        (self.lat[i] - centre.lat()).abs() <= circle.band
            && circle.lon_reach.is_none_or(|reach| {
                let apart = (self.lon[i] - centre.lon()).abs();
                apart.min(360.0 - apart) <= reach
            })
            && GeoPoint::parse(self.lat[i], self.lon[i])
                .is_ok_and(|point| distance_km(centre, point) * 1000.0 <= circle.metres)
    }

    /// Documents within `metres` of `centre` by `distance_km`, sorted.
    fn within(&self, centre: GeoPoint, metres: f64) -> Vec<DocId> {
        let circle = Circle::new(centre, metres);
        let mut docs: Vec<DocId> = self
            .band(centre, circle.band)
            .filter(|&i| self.inside(i, centre, circle))
            .map(|i| self.doc[i])
            .collect();
        docs.sort_unstable();
        docs
    }

    /// Documents whose point is within their own padded travel radius of
    /// `centre` ([`Filter::WithinOwnReach`]), sorted: one pass over the band
    /// of the widest radius held, each point measured against its own
    /// circle (its own band of latitudes first, then the widest circle's
    /// longitudes, then the distance).
    fn within_own_reach(&self, centre: GeoPoint) -> Vec<DocId> {
        if self.reach.is_empty() {
            return Vec::new();
        }
        let outer = Circle::new(centre, self.widest);
        let mut docs: Vec<DocId> = self
            .band(centre, outer.band)
            .filter(|&i| {
                let metres = self.reach[i];
                // NaN fails every comparison, so a point with no radius is
                // never inside.
                metres >= 0.0
                    && self.inside(
                        i,
                        centre,
                        Circle {
                            metres,
                            band: latitude_band(metres),
                            lon_reach: outer.lon_reach,
                        },
                    )
            })
            .map(|i| self.doc[i])
            .collect();
        docs.sort_unstable();
        docs
    }
}

/// Latitude orders by segment, built on first use and dropped when their
/// segment leaves the index (segments are immutable, so an entry never goes
/// stale while its segment lives).
#[derive(Default)]
struct GeoCache {
    segments: Mutex<HashMap<SegmentId, Arc<LatitudeOrder>>>,
}

impl GeoCache {
    fn order(&self, reader: &SegmentReader) -> tantivy::Result<Arc<LatitudeOrder>> {
        let id = reader.segment_id();
        if let Some(order) = self.lock().get(&id) {
            return Ok(order.clone());
        }
        let order = Arc::new(LatitudeOrder::build(reader)?);
        self.lock().insert(id, order.clone());
        Ok(order)
    }

    /// Forgets segments the searcher no longer has.
    fn retain(&self, searcher: &Searcher) {
        let live: std::collections::HashSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        self.lock().retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<LatitudeOrder>>> {
        self.segments
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What a geo query admits around its centre.
#[derive(Debug, Clone, Copy)]
enum GeoShape {
    /// Points within so many metres.
    Radius(f64),
    /// Points within their own padded travel radius.
    OwnReach,
}

/// Documents whose `_geo` point is inside `shape` around `centre`, by
/// `domain::geo::distance_km` (the distance `assess` uses).
#[derive(Clone)]
struct GeoQuery {
    centre: GeoPoint,
    shape: GeoShape,
    cache: Arc<GeoCache>,
}

impl std::fmt::Debug for GeoQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeoQuery")
            .field("centre", &self.centre)
            .field("shape", &self.shape)
            .finish()
    }
}

impl GeoQuery {
    fn matching(&self, reader: &SegmentReader) -> tantivy::Result<Vec<DocId>> {
        let order = self.cache.order(reader)?;
        Ok(match self.shape {
            GeoShape::Radius(metres) => order.within(self.centre, metres),
            GeoShape::OwnReach => order.within_own_reach(self.centre),
        })
    }
}

impl TantivyQuery for GeoQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for GeoQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ConstScorer::new(
            ListDocs::new(Arc::new(DocList::Sorted(self.matching(reader)?))),
            boost,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.matching(reader)?.binary_search(&doc).is_ok() {
            Ok(Explanation::new("within the geo shape", 1.0))
        } else {
            Err(TantivyError::InvalidArgument(format!(
                "document {doc} is outside the geo shape"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::skills::tests::sample;
    use tantivy::{DocSet, TERMINATED};

    fn engine(dir: &Path) -> Engine {
        Engine::open(dir, "t_", IndexKind::Vacancies, &sample()).unwrap()
    }

    #[test]
    fn tokens_keep_plus_codes_whole_and_fold_case() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine(dir.path());
        assert_eq!(
            engine.tokens("C+E licence, Café"),
            vec!["c+e", "licence", "cafe"]
        );
        assert_eq!(engine.tokens("fork-lift"), vec!["fork", "lift"]);
    }

    #[test]
    fn synonym_phrases_are_found_in_queries() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine(dir.path());
        assert_eq!(engine.text_clauses("fork lift driver").len(), 2);
        assert_eq!(engine.text_clauses("FLT").len(), 1);
        assert!(engine.synonyms.lookup.contains_key(&vec!["flt".to_owned()]));
    }

    #[test]
    fn reopening_keeps_the_index_and_a_new_schema_rebuilds_it() {
        let dir = tempfile::tempdir().unwrap();
        assert!(engine(dir.path()).created);
        assert!(!engine(dir.path()).created, "second open finds it");
        let other = Schema::builder().build();
        let (_, created) = open_or_create(&dir.path().join("t_vacancies"), &other).unwrap();
        assert!(created, "a schema change rebuilds the index");
    }

    #[test]
    fn radius_queries_find_exactly_the_points_within_reach() {
        // Points everywhere, denser near a few centres (the date line, the
        // far north, the equator, a British city), against brute force.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let centres = [
            (53.48, -2.24),
            (0.0, 179.9),
            (70.0, -179.95),
            (-33.9, 18.4),
            (89.5, 10.0),
        ];
        let mut points = Vec::new();
        for _ in 0..20_000 {
            points.push((next() * 180.0 - 90.0, next() * 360.0 - 180.0));
        }
        for (lat, lon) in centres {
            for _ in 0..5_000 {
                let p_lat = (lat + (next() - 0.5) * 8.0).clamp(-90.0, 90.0);
                let mut p_lon = lon + (next() - 0.5) * 16.0;
                if p_lon > 180.0 {
                    p_lon -= 360.0;
                } else if p_lon < -180.0 {
                    p_lon += 360.0;
                }
                points.push((p_lat, p_lon));
            }
        }
        let order = LatitudeOrder::from_points(
            points
                .iter()
                .enumerate()
                .map(|(doc, &(a, b))| (a, b, doc as DocId, f64::NAN))
                .collect(),
            false,
        );
        let mut found_any = 0;
        for (lat, lon) in centres {
            let centre = GeoPoint::parse(lat, lon).unwrap();
            for metres in [500.0, 10_000.0, 40_234.0, 80_467.0, 250_000.0, 3_000_000.0] {
                let expected: Vec<DocId> = points
                    .iter()
                    .enumerate()
                    .filter(|(_, &(a, b))| {
                        distance_km(centre, GeoPoint::parse(a, b).unwrap()) * 1000.0 <= metres
                    })
                    .map(|(doc, _)| doc as DocId)
                    .collect();
                assert_eq!(
                    order.within(centre, metres),
                    expected,
                    "{lat},{lon} {metres} m"
                );
                found_any += expected.len();
            }
        }
        assert!(found_any > 10_000, "{found_any}");
    }

    /// Each point is measured against its own padded travel radius by
    /// `distance_km`, as a radius query is; a point with no radius is
    /// never in reach, and an index with no radii answers nothing.
    #[test]
    fn own_reach_measures_each_point_against_its_own_radius() {
        let mut seed = 0x5eed_u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let points: Vec<(f64, f64, DocId, f64)> = (0..30_000)
            .map(|doc| {
                let radius_km = (next() * 220.0).round() - 10.0;
                let reach = if radius_km < 0.0 {
                    f64::NAN
                } else {
                    padded_metres(radius_km) as f64
                };
                (
                    53.8 + (next() - 0.5) * 6.0,
                    -1.5 + (next() - 0.5) * 10.0,
                    doc,
                    reach,
                )
            })
            .collect();
        let order = LatitudeOrder::from_points(points.clone(), true);
        let mut found_any = 0;
        for (lat, lon) in [(53.8008, -1.5491), (51.5, -0.12), (58.0, 3.0)] {
            let centre = GeoPoint::parse(lat, lon).unwrap();
            let mut expected: Vec<DocId> = points
                .iter()
                .filter(|p| distance_km(centre, GeoPoint::parse(p.0, p.1).unwrap()) * 1000.0 <= p.3)
                .map(|p| p.2)
                .collect();
            expected.sort_unstable();
            let found = order.within_own_reach(centre);
            assert_eq!(found, expected, "{lat},{lon}");
            found_any += found.len();
        }
        assert!(found_any > 2_000, "{found_any}");
        let no_radius = LatitudeOrder::from_points(points, false);
        assert!(no_radius
            .within_own_reach(GeoPoint::parse(53.8, -1.5).unwrap())
            .is_empty());
    }

    #[test]
    fn sorted_docs_iterate_and_seek() {
        let mut docs = ListDocs::new(Arc::new(DocList::Sorted(vec![2, 5, 9])));
        assert_eq!(docs.doc(), 2);
        assert_eq!(docs.seek(6), 9);
        assert_eq!(docs.advance(), TERMINATED);
        assert_eq!(docs.advance(), TERMINATED);
        assert_eq!(docs.size_hint(), 3);
    }
}
