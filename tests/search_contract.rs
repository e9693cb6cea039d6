//! The engine contract: one set of checks that every `MatchIndex` engine
//! must pass, each run on fresh, uniquely named indexes.
//!
//! The embedded engine always runs. The Meilisearch variants are marked
//! ignored, so a plain `cargo test` lists them as "ignored" rather than
//! passing without a server. Run them against a server with:
//!
//! ```sh
//! MEILISEARCH_URL=http://127.0.0.1:7700 MEILISEARCH_API_KEY=masterKey \
//!     cargo test --test search_contract -- --include-ignored
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::Arc;

use chrono::NaiveDate;
use fairchance::config::SearchEngineKind;
use fairchance::domain::matching::assess;
use fairchance::domain::profile::{Profile, ProfileDetails, ProfileInput};
use fairchance::domain::skills::Taxonomy;
use fairchance::domain::vacancy::{Vacancy, VacancyDetails, VacancyInput, VacancyStatus};
use fairchance::search::filter::{Filter, Number};
use fairchance::search::{
    self, CandidateOptions, IndexKind, MatchIndex, Near, Query, SearchError, ServiceScope,
    VacancyDoc, VacancySearch,
};
use fairchance::seed::generator::{self, Town, TEMPLATES};
use fairchance::startup::load_taxonomy;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// An engine on fresh indexes, removed afterwards where the engine keeps
/// them outside a temporary directory.
struct TestEngine {
    index: Arc<dyn MatchIndex>,
    taxonomy: Arc<Taxonomy>,
    _dir: tempfile::TempDir,
    meilisearch: Option<(meilisearch_sdk::client::Client, String)>,
}

fn unique_prefix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "fc_test_{}_{}_{}_",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

impl TestEngine {
    fn embedded() -> Self {
        let taxonomy = Arc::new(load_taxonomy().expect("taxonomy"));
        let dir = tempfile::tempdir().expect("temp dir");
        let index = search::open_engine(
            &SearchEngineKind::Embedded,
            dir.path(),
            &unique_prefix(),
            taxonomy.clone(),
        )
        .expect("open embedded engine");
        Self {
            index,
            taxonomy,
            _dir: dir,
            meilisearch: None,
        }
    }

    fn meilisearch() -> Self {
        let url = std::env::var("MEILISEARCH_URL")
            .expect("set MEILISEARCH_URL (and MEILISEARCH_API_KEY if needed) to run this test");
        let api_key = std::env::var("MEILISEARCH_API_KEY").ok();
        let taxonomy = Arc::new(load_taxonomy().expect("taxonomy"));
        let dir = tempfile::tempdir().expect("temp dir");
        let prefix = unique_prefix();
        let index = search::open_engine(
            &SearchEngineKind::Meilisearch {
                url: url.clone(),
                api_key: api_key.clone(),
            },
            dir.path(),
            &prefix,
            taxonomy.clone(),
        )
        .expect("open meilisearch engine");
        let client = meilisearch_sdk::client::Client::new(url, api_key).expect("client");
        Self {
            index,
            taxonomy,
            _dir: dir,
            meilisearch: Some((client, prefix)),
        }
    }

    async fn finish(self) {
        if let Some((client, prefix)) = &self.meilisearch {
            for kind in IndexKind::ALL {
                let _ = client
                    .delete_index(format!("{prefix}{}", kind.base_name()))
                    .await;
            }
        }
    }
}

/// Defines each contract check twice: `embedded::name` and the ignored
/// `meilisearch::name`.
macro_rules! contract {
    ($($name:ident),+ $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let engine = super::TestEngine::embedded();
                    super::$name(&engine).await;
                    engine.finish().await;
                }
            )+
        }

        mod meilisearch {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "needs MEILISEARCH_URL"]
                async fn $name() {
                    let engine = super::TestEngine::meilisearch();
                    super::$name(&engine).await;
                    engine.finish().await;
                }
            )+
        }
    };
}

contract!(
    settings_are_idempotent,
    upserts_replace_and_deletes_remove,
    batches_and_paging_cover_every_document,
    each_filter_operator_selects_the_right_documents,
    user_values_cannot_change_a_filter,
    invalid_documents_are_refused,
    keyword_search_tolerates_typos_and_knows_synonyms,
    keyword_search_filters_sector_hours_and_distance,
    keyword_search_without_a_limit_returns_every_match_past_the_hit_cap,
    candidates_come_back_both_ways,
    unions_and_radii_stay_right_through_every_kind_of_write,
    travel_reach_admits_each_person_by_their_own_radius,
);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 2).expect("date")
}

fn leeds() -> Town {
    Town {
        name: "Leeds".into(),
        lat: 53.8008,
        lon: -1.5491,
    }
}

fn template(title: &str) -> &'static generator::Template {
    TEMPLATES
        .iter()
        .find(|t| t.title == title)
        .expect("template")
}

/// A realistic vacancy from the generator, adjusted by `change`.
fn vacancy(
    taxonomy: &Taxonomy,
    id: i64,
    title: &str,
    change: impl FnOnce(&mut VacancyInput),
) -> Vacancy {
    let mut rng = ChaCha8Rng::seed_from_u64(id as u64);
    let mut input = generator::vacancy(&mut rng, template(title), &leeds(), "Acme (demo)", today());
    input.remote = false;
    input.workplace = Some(fairchance::domain::geo::PlaceInput {
        name: "Leeds".into(),
        lat: 53.8008,
        lon: -1.5491,
    });
    input.start = Some("date".into());
    input.start_date = Some(today());
    input.closing_date = None;
    input.offence_exclusions.clear();
    input.rotl_suitable = false;
    change(&mut input);
    Vacancy {
        id,
        employer_id: 1,
        status: VacancyStatus::Published,
        details: VacancyDetails::parse(&input, taxonomy).expect("valid vacancy"),
    }
}

fn profile(taxonomy: &Taxonomy, id: i64, change: impl FnOnce(&mut ProfileInput)) -> Profile {
    let mut rng = ChaCha8Rng::seed_from_u64(1000 + id as u64);
    let mut input = generator::profile(&mut rng, id as u64, &leeds(), today());
    input.release_date = Some(today());
    input.rotl_eligible_from = None;
    input.no_fixed_abode = false;
    input.release_area = Some(fairchance::domain::geo::PlaceInput {
        name: "Leeds".into(),
        lat: 53.8008,
        lon: -1.5491,
    });
    input.travel_radius_km = 20.0;
    input.right_to_work = true;
    input.readiness = "ready_to_work".into();
    input.offence_categories.clear();
    input.barred_adults = false;
    input.barred_children = false;
    input.curfews.clear();
    input.exclusion_zones.clear();
    change(&mut input);
    Profile {
        id,
        service_id: 1 + id % 2,
        officer_id: None,
        pseudonym: format!("Test {id}"),
        prison: None,
        details: ProfileDetails::parse(&input, taxonomy).expect("valid profile"),
    }
}

async fn ids(index: &dyn MatchIndex, kind: IndexKind, filter: Filter) -> BTreeSet<i64> {
    index
        .query(
            kind,
            &Query {
                filter,
                text: None,
                limit: None,
            },
        )
        .await
        .expect("query")
        .into_iter()
        .map(|hit| hit.id)
        .collect()
}

fn set(ids: &[i64]) -> BTreeSet<i64> {
    ids.iter().copied().collect()
}

async fn settings_are_idempotent(engine: &TestEngine) {
    let index = &engine.index;
    let first = index.apply_settings().await.expect("apply settings");
    assert!(first.reindex_needed, "fresh indexes need filling");
    index.apply_settings().await.expect("apply settings again");
    let counts = index.counts().await.expect("counts");
    assert_eq!((counts.vacancies, counts.profiles), (0, 0));
}

async fn upserts_replace_and_deletes_remove(engine: &TestEngine) {
    let (index, taxonomy) = (&engine.index, &engine.taxonomy);
    index.apply_settings().await.expect("settings");
    for id in 1..=3 {
        index
            .index_vacancy(&vacancy(taxonomy, id, "Warehouse operative", |_| {}))
            .await
            .expect("index vacancy");
    }
    index
        .index_profile(&profile(taxonomy, 1, |_| {}), today())
        .await
        .expect("index profile");
    let counts = index.counts().await.expect("counts");
    assert_eq!((counts.vacancies, counts.profiles), (3, 1));

    let mut paused = vacancy(taxonomy, 2, "Warehouse operative", |_| {});
    paused.status = VacancyStatus::Paused;
    index.index_vacancy(&paused).await.expect("replace");
    assert_eq!(index.counts().await.expect("counts").vacancies, 3);
    let published = ids(
        index.as_ref(),
        IndexKind::Vacancies,
        Filter::eq("status", "published"),
    )
    .await;
    assert_eq!(
        published,
        set(&[1, 3]),
        "the replaced document is the new one"
    );

    index
        .delete(IndexKind::Vacancies, &[1, 999])
        .await
        .expect("delete, unknown ids ignored");
    assert_eq!(
        ids(index.as_ref(), IndexKind::Vacancies, Filter::Always).await,
        set(&[2, 3])
    );
    index
        .delete(IndexKind::Vacancies, &[])
        .await
        .expect("nothing to delete");
    index.clear().await.expect("clear");
    let counts = index.counts().await.expect("counts");
    assert_eq!((counts.vacancies, counts.profiles), (0, 0));
}

/// Meilisearch answers a search with at most `maxTotalHits` (10,000) hits;
/// a keyword query without a limit must still return every match, best
/// first, each once.
async fn keyword_search_without_a_limit_returns_every_match_past_the_hit_cap(engine: &TestEngine) {
    let (index, taxonomy) = (&engine.index, &engine.taxonomy);
    index.apply_settings().await.expect("settings");
    let base = VacancyDoc::build(&vacancy(taxonomy, 1, "Barista", |_| {}), taxonomy);
    let total: i64 = 12_000;
    let docs: Vec<VacancyDoc> = (1..=total)
        .map(|id| VacancyDoc {
            id,
            // Every third document says the word twice, to vary relevance.
            title: if id % 3 == 0 {
                "Warehouse operative, warehouse nights".into()
            } else if id % 7 == 0 {
                "Kitchen porter".into()
            } else {
                "Warehouse operative".into()
            },
            description: "Picking and packing.".into(),
            hours_per_week: (id % 40) as f64 + 1.0,
            ..base.clone()
        })
        .collect();
    index.upsert_vacancies(&docs).await.expect("bulk upsert");
    let want: BTreeSet<i64> = docs
        .iter()
        .filter(|d| d.title.contains("Warehouse"))
        .map(|d| d.id)
        .collect();
    assert!(want.len() > 10_000, "more matches than one search returns");
    let hits = index
        .query(
            IndexKind::Vacancies,
            &Query {
                filter: Filter::Always,
                text: Some("warehouse".into()),
                limit: None,
            },
        )
        .await
        .expect("search");
    let found: BTreeSet<i64> = hits.iter().map(|h| h.id).collect();
    assert_eq!(found.len(), hits.len(), "each hit once");
    assert_eq!(found, want, "every match, however many");
    assert!(
        hits.windows(2)
            .all(|w| w[0].relevance.unwrap_or(0.0) >= w[1].relevance.unwrap_or(0.0)),
        "best first"
    );
    // Within a filter, too.
    let short = index
        .query(
            IndexKind::Vacancies,
            &Query {
                filter: Filter::at_most("hours_per_week", Number::Float(30.0)),
                text: Some("warehouse".into()),
                limit: None,
            },
        )
        .await
        .expect("search");
    let short: BTreeSet<i64> = short.iter().map(|h| h.id).collect();
    let want_short: BTreeSet<i64> = want
        .iter()
        .copied()
        .filter(|id| (id % 40) as f64 + 1.0 <= 30.0)
        .collect();
    assert_eq!(short, want_short);
    // An explicit limit is still a limit.
    let limited = index
        .query(
            IndexKind::Vacancies,
            &Query {
                filter: Filter::Always,
                text: Some("warehouse".into()),
                limit: Some(25),
            },
        )
        .await
        .expect("limited");
    assert_eq!(limited.len(), 25);
}

async fn batches_and_paging_cover_every_document(engine: &TestEngine) {
    let (index, taxonomy) = (&engine.index, &engine.taxonomy);
    index.apply_settings().await.expect("settings");
    let base = VacancyDoc::build(&vacancy(taxonomy, 1, "Barista", |_| {}), taxonomy);
    // More than one write batch and more than one page of results.
    let docs: Vec<VacancyDoc> = (1..=2_100)
        .map(|id| VacancyDoc {
            id,
            hours_per_week: (id % 40) as f64 + 1.0,
            ..base.clone()
        })
        .collect();
    index.upsert_vacancies(&docs).await.expect("bulk upsert");
    assert_eq!(index.counts().await.expect("counts").vacancies, 2_100);
    let all = ids(index.as_ref(), IndexKind::Vacancies, Filter::Always).await;
    assert_eq!(all.len(), 2_100);
    let short = ids(
        index.as_ref(),
        IndexKind::Vacancies,
        Filter::at_most("hours_per_week", Number::Float(10.0)),
    )
    .await;
    assert_eq!(short.len(), (1..=2_100).filter(|id| id % 40 < 10).count());
    let limited = index
        .query(
            IndexKind::Vacancies,
            &Query {
                filter: Filter::Always,
                text: None,
                limit: Some(1_500),
            },
        )
        .await
        .expect("limited");
    assert_eq!(limited.len(), 1_500);
    assert!(limited.iter().all(|hit| hit.relevance.is_none()));
}

async fn each_filter_operator_selects_the_right_documents(engine: &TestEngine) {
    let (index, taxonomy) = (&engine.index, &engine.taxonomy);
    index.apply_settings().await.expect("settings");
    let near = vacancy(taxonomy, 1, "Warehouse operative", |v| {
        v.hours_per_week = 20.0;
        v.offence_exclusions = vec![fairchance::domain::offence::OffenceExclusionInput {
            category: "arson".into(),
            stance: "excluded".into(),
            reason: "Flammable stock is kept on the site.".into(),
        }];
    });
    let remote = vacancy(taxonomy, 2, "Data entry clerk", |v| {
        v.remote = true;
        v.workplace = None;
        v.hours_per_week = 30.0;
    });
    // Wakefield, about 13 km from Leeds.
    let far = vacancy(taxonomy, 3, "Commis chef", |v| {
        v.workplace = Some(fairchance::domain::geo::PlaceInput {
            name: "Wakefield".into(),
            lat: 53.6833,
            lon: -1.4977,
        });
        v.hours_per_week = 37.5;
        v.closing_date = Some(today());
        v.start = Some("asap".into());
        v.start_date = None;
    });
    for job in [&near, &remote, &far] {
        index.index_vacancy(job).await.expect("index");
    }
    let q = |filter| ids(index.as_ref(), IndexKind::Vacancies, filter);
    assert_eq!(q(Filter::IsTrue("start_asap")).await, set(&[3]));
    assert_eq!(
        q(Filter::any([
            Filter::IsTrue("start_asap"),
            Filter::at_least(
                "start_day",
                Number::Int(fairchance::search::documents::day_number(today()))
            ),
        ]))
        .await,
        set(&[1, 2, 3])
    );
    assert_eq!(
        q(Filter::eq("sector", "WAREHOUSING")).await,
        set(&[1]),
        "case-insensitive"
    );
    assert_eq!(q(Filter::eq("id", 2i64)).await, set(&[2]));
    assert_eq!(
        q(Filter::any_of("sector", ["it", "hospitality"])).await,
        set(&[2, 3])
    );
    assert_eq!(q(Filter::IsTrue("remote")).await, set(&[2]));
    assert_eq!(q(Filter::eq("remote", false)).await, set(&[1, 3]));
    assert_eq!(
        q(Filter::any_of("excluded_offences", ["arson"])).await,
        set(&[1])
    );
    assert_eq!(
        q(Filter::any_of("excluded_offences", ["arson"]).negate()).await,
        set(&[2, 3]),
        "NOT includes documents with an empty list"
    );
    assert_eq!(
        q(Filter::Range {
            attribute: "hours_per_week",
            lower: Bound::Excluded(Number::Float(20.0)),
            upper: Bound::Included(Number::Int(30)),
        })
        .await,
        set(&[2])
    );
    let closing = fairchance::search::documents::day_number(today());
    assert_eq!(
        q(Filter::at_most("closing_day", Number::Int(closing))).await,
        set(&[3])
    );
    assert_eq!(
        q(Filter::GeoRadius {
            lat: 53.8008,
            lon: -1.5491,
            metres: 5_000
        })
        .await,
        set(&[1]),
        "remote work has no _geo"
    );
    assert_eq!(
        q(Filter::GeoRadius {
            lat: 53.8008,
            lon: -1.5491,
            metres: 20_000
        })
        .await,
        set(&[1, 3])
    );
    assert_eq!(
        q(Filter::any([
            Filter::all([Filter::IsTrue("remote"), Filter::eq("sector", "it")]),
            Filter::eq("id", 3i64),
        ]))
        .await,
        set(&[2, 3])
    );
    assert_eq!(q(Filter::Never).await, set(&[]));
    assert_eq!(
        q(Filter::any_of("sector", Vec::<String>::new())).await,
        set(&[])
    );
}

async fn user_values_cannot_change_a_filter(engine: &TestEngine) {
    let (index, taxonomy) = (&engine.index, &engine.taxonomy);
    index.apply_settings().await.expect("settings");
    index
        .index_vacancy(&vacancy(taxonomy, 1, "Barista", |_| {}))
        .await
        .expect("index");
    for hostile in [
        r#"x" OR id EXISTS OR sector = "y"#,
        r#"x\" OR id EXISTS OR sector = \"y"#,
        "hospitality OR id EXISTS",
        "AND",
        "NOT",
        "1 TO 9",
        "_geoRadius(0, 0, 1)",
        "hôtellerie – ☕",
        &"\"\\".repeat(2_000),
    ] {
        assert_eq!(
            ids(
                index.as_ref(),
                IndexKind::Vacancies,
                Filter::eq("sector", hostile)
            )
            .await,
            set(&[]),
            "{hostile:?} is only a value"
        );
    }
    assert_eq!(
        ids(
            index.as_ref(),
            IndexKind::Vacancies,
            Filter::eq("sector", "hospitality")
        )
        .await,
        set(&[1])
    );
}

async fn invalid_documents_are_refused(engine: &TestEngine) {
    let (index, taxonomy) = (&engine.index, &engine.taxonomy);
    index.apply_settings().await.expect("settings");
    let mut doc = VacancyDoc::build(&vacancy(taxonomy, 5, "Barista", |_| {}), taxonomy);
    if let Some(geo) = doc.geo.as_mut() {
        geo.lat = 123.0;
    }
    let error = index
        .upsert_vacancies(&[doc])
        .await
        .expect_err("a latitude of 123 is refused");
    if engine.meilisearch.is_some() {
        // A real Meilisearch stores a latitude of 123 (task succeeded), so
        // the adapter refuses it before sending.
        assert!(
            matches!(&error, SearchError::InvalidDocument { code, .. } if code.contains("geo")),
            "{error}"
        );
    }
    assert_eq!(index.counts().await.expect("counts").vacancies, 0);
}

async fn keyword_search_tolerates_typos_and_knows_synonyms(engine: &TestEngine) {
    let (index, taxonomy) = (&engine.index, &engine.taxonomy);
    index.apply_settings().await.expect("settings");
    // The forklift role names its certificate only through the taxonomy.
    let forklift = vacancy(taxonomy, 1, "Forklift driver (counterbalance)", |v| {
        v.title = "Warehouse driver".into();
        v.description = "Moving pallets between goods in and despatch.".into();
    });
    let chef = vacancy(taxonomy, 2, "Commis chef", |_| {});
    let cleaner = vacancy(taxonomy, 3, "Commercial cleaner", |_| {});
    let lorry = vacancy(taxonomy, 4, "HGV class 2 driver", |_| {});
    for job in [&forklift, &chef, &cleaner, &lorry] {
        index.index_vacancy(job).await.expect("index");
    }
    let search = |text: &str| {
        let request = VacancySearch {
            text: text.into(),
            limit: Some(10),
            ..VacancySearch::default()
        };
        let index = index.clone();
        async move {
            index
                .search_vacancies(&request, today())
                .await
                .expect("search")
        }
    };
    for text in [
        "fork lift",
        "forklfit",
        "FLT",
        "Forklift",
        "fork-lift truck",
        "flt",
    ] {
        let hits = search(text).await;
        assert_eq!(
            hits.first().map(|h| h.id),
            Some(1),
            "{text:?} finds forklift work first: {hits:?}"
        );
        assert!(hits
            .iter()
            .all(|h| h.relevance.is_some_and(|r| r > 0.0 && r <= 1.0)));
    }
    assert_eq!(search("chef").await.first().map(|h| h.id), Some(2));
    assert_eq!(
        search("cheff").await.first().map(|h| h.id),
        Some(2),
        "one typo"
    );
    assert!(search("zzyzx").await.is_empty());
    assert_eq!(
        search("class 2").await.first().map(|h| h.id),
        Some(4),
        "a code as a phrase"
    );
    // An empty search lists every open vacancy.
    assert_eq!(search("  ").await.len(), 4);
}

async fn keyword_search_filters_sector_hours_and_distance(engine: &TestEngine) {
    let (index, taxonomy) = (&engine.index, &engine.taxonomy);
    index.apply_settings().await.expect("settings");
    let leeds_job = vacancy(taxonomy, 1, "Commercial cleaner", |v| {
        v.hours_per_week = 20.0
    });
    let wakefield_job = vacancy(taxonomy, 2, "Deep clean operative", |v| {
        v.workplace = Some(fairchance::domain::geo::PlaceInput {
            name: "Wakefield".into(),
            lat: 53.6833,
            lon: -1.4977,
        });
        v.hours_per_week = 37.5;
    });
    let remote_job = vacancy(taxonomy, 3, "Data entry clerk", |v| {
        v.remote = true;
        v.workplace = None;
        v.description = "Cleaning up customer records on a laptop at home.".into();
    });
    let closed = vacancy(taxonomy, 4, "Commercial cleaner", |v| {
        v.closing_date = Some(today() - chrono::Days::new(1));
    });
    for job in [&leeds_job, &wakefield_job, &remote_job, &closed] {
        index.index_vacancy(job).await.expect("index");
    }
    let run = |request: VacancySearch| {
        let index = index.clone();
        async move {
            index
                .search_vacancies(&request, today())
                .await
                .expect("search")
                .into_iter()
                .map(|h| h.id)
                .collect::<BTreeSet<i64>>()
        }
    };
    let base = VacancySearch {
        text: "cleaning".into(),
        limit: Some(20),
        ..VacancySearch::default()
    };
    assert_eq!(
        run(base.clone()).await,
        set(&[1, 2, 3]),
        "closed vacancies never show"
    );
    assert_eq!(
        run(VacancySearch {
            sector: Some("cleaning".into()),
            ..base.clone()
        })
        .await,
        set(&[1, 2])
    );
    assert_eq!(
        run(VacancySearch {
            max_hours: Some(30.0),
            sector: Some("cleaning".into()),
            ..base.clone()
        })
        .await,
        set(&[1])
    );
    assert_eq!(
        run(VacancySearch {
            min_hours: Some(30.0),
            sector: Some("cleaning".into()),
            ..base.clone()
        })
        .await,
        set(&[2])
    );
    let leeds = fairchance::domain::geo::GeoPoint::parse(53.8008, -1.5491).expect("point");
    assert_eq!(
        run(VacancySearch {
            near: Some(Near {
                point: leeds,
                km: 5.0,
                include_remote: false
            }),
            ..base.clone()
        })
        .await,
        set(&[1])
    );
    assert_eq!(
        run(VacancySearch {
            near: Some(Near {
                point: leeds,
                km: 5.0,
                include_remote: true
            }),
            ..base
        })
        .await,
        set(&[1, 3])
    );
}

async fn candidates_come_back_both_ways(engine: &TestEngine) {
    let (index, taxonomy) = (&engine.index, &engine.taxonomy);
    index.apply_settings().await.expect("settings");
    let open_job = vacancy(taxonomy, 1, "Warehouse operative", |v| {
        v.offence_exclusions = vec![fairchance::domain::offence::OffenceExclusionInput {
            category: "arson".into(),
            stance: "excluded".into(),
            reason: "Flammable stock is kept on the site.".into(),
        }];
    });
    let driving_job = vacancy(taxonomy, 2, "Multi-drop van driver", |v| {
        v.required_certificates.clear();
    });
    let mut draft = vacancy(taxonomy, 3, "Warehouse operative", |_| {});
    draft.status = VacancyStatus::Draft;
    let jobs = [open_job, driving_job, draft];
    let people = [
        profile(taxonomy, 1, |p| p.driving_licence = false),
        profile(taxonomy, 2, |p| {
            p.offence_categories = vec!["arson".into()];
            p.driving_licence = true;
            p.no_driving = false;
        }),
        profile(taxonomy, 3, |p| {
            p.right_to_work = false;
            p.readiness = "no_right_to_work".into();
        }),
        profile(taxonomy, 4, |p| {
            p.no_fixed_abode = true;
            p.release_area = None;
            p.driving_licence = true;
            p.no_driving = false;
        }),
    ];
    for job in &jobs {
        index.index_vacancy(job).await.expect("index vacancy");
    }
    for person in &people {
        index
            .index_profile(person, today())
            .await
            .expect("index profile");
    }
    let options = CandidateOptions::default();
    for person in &people {
        let found: BTreeSet<i64> = index
            .candidate_vacancies(person, today(), &options)
            .await
            .expect("candidates")
            .into_iter()
            .map(|h| h.id)
            .collect();
        for job in &jobs {
            if assess(job, person, today()).eligible() {
                assert!(
                    found.contains(&job.id),
                    "profile {} misses vacancy {}",
                    person.id,
                    job.id
                );
            }
        }
        assert!(!found.contains(&3), "drafts are never candidates");
    }
    for job in &jobs {
        let found: BTreeSet<i64> = index
            .candidate_profiles(job, &ServiceScope::All, today(), &options)
            .await
            .expect("candidates")
            .into_iter()
            .map(|h| h.id)
            .collect();
        for person in &people {
            if assess(job, person, today()).eligible() {
                assert!(
                    found.contains(&person.id),
                    "vacancy {} misses profile {}",
                    job.id,
                    person.id
                );
            }
        }
        assert!(!found.contains(&3), "no right to work, no candidates");
    }
    // Exclusion and scope.
    let for_arson = index
        .candidate_vacancies(&people[1], today(), &options)
        .await
        .expect("candidates");
    assert!(
        for_arson.iter().all(|h| h.id != 1),
        "arson is excluded by vacancy 1"
    );
    let scoped: BTreeSet<i64> = index
        .candidate_profiles(&jobs[0], &ServiceScope::Only(vec![1]), today(), &options)
        .await
        .expect("scoped")
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert!(scoped.iter().all(|id| 1 + id % 2 == 1), "{scoped:?}");
    // Keywords narrow further.
    let keyword = index
        .candidate_vacancies(
            &people[3],
            today(),
            &CandidateOptions {
                keywords: Some("van".into()),
                limit: Some(5),
            },
        )
        .await
        .expect("keyword candidates");
    assert_eq!(keyword.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2]);
}

/// Where a test vacancy is, for [`unions_and_radii_stay_right_through_every_kind_of_write`].
#[derive(Clone, Copy, PartialEq)]
enum Spot {
    Remote,
    Leeds,
    Manchester,
}

/// The embedded engine keeps the documents of a filter's unions and radii
/// by segment; every kind of write (a replaced document, a status change,
/// a delete, a new document, a merge of segments) must still give the
/// answer worked out from the documents as they are now, asked twice each
/// time (the second answer comes from what the first kept), with and
/// without keywords.
async fn unions_and_radii_stay_right_through_every_kind_of_write(engine: &TestEngine) {
    let (index, taxonomy) = (&engine.index, &engine.taxonomy);
    index.apply_settings().await.expect("settings");
    let build = |id: i64, spot: Spot, status: VacancyStatus| {
        let mut v = vacancy(taxonomy, id, "Warehouse operative", |v| match spot {
            Spot::Remote => {
                v.remote = true;
                v.workplace = None;
            }
            Spot::Leeds => {}
            Spot::Manchester => {
                v.workplace = Some(fairchance::domain::geo::PlaceInput {
                    name: "Manchester".into(),
                    lat: 53.4808,
                    lon: -2.2426,
                });
            }
        });
        v.status = status;
        v
    };
    let near_leeds = || Filter::GeoRadius {
        lat: 53.8008,
        lon: -1.5491,
        metres: 10_000,
    };
    let listed: Vec<i64> = (1..=40).filter(|id| id % 4 != 1).collect();
    let filters = |listed: &[i64]| {
        vec![
            Filter::any([Filter::IsTrue("remote"), near_leeds()]),
            near_leeds(),
            Filter::any_of("id", listed.iter().copied()),
            Filter::all([
                Filter::eq("status", "published"),
                Filter::any([Filter::IsTrue("remote"), near_leeds()]),
                Filter::any_of("id", [7i64, 8, 9]).negate(),
            ]),
        ]
    };
    // What each filter admits, worked out from the documents.
    let expected = |docs: &BTreeMap<i64, (Spot, VacancyStatus)>| -> Vec<BTreeSet<i64>> {
        let pick = |keep: &dyn Fn(i64, Spot, VacancyStatus) -> bool| {
            docs.iter()
                .filter(|(&id, &(spot, status))| keep(id, spot, status))
                .map(|(&id, _)| id)
                .collect::<BTreeSet<i64>>()
        };
        vec![
            pick(&|_, spot, _| spot != Spot::Manchester),
            pick(&|_, spot, _| spot == Spot::Leeds),
            pick(&|id, _, _| id % 4 != 1 && id <= 40),
            pick(&|id, spot, status| {
                status == VacancyStatus::Published
                    && spot != Spot::Manchester
                    && ![7, 8, 9].contains(&id)
            }),
        ]
    };
    let check = |docs: BTreeMap<i64, (Spot, VacancyStatus)>, when: &'static str| {
        let listed = listed.clone();
        async move {
            let want = expected(&docs);
            for round in 0..2 {
                for (filter, want) in filters(&listed).into_iter().zip(&want) {
                    let found = ids(index.as_ref(), IndexKind::Vacancies, filter.clone()).await;
                    assert_eq!(&found, want, "{when}, round {round}: {filter:?}");
                    let ranked: BTreeSet<i64> = index
                        .query(
                            IndexKind::Vacancies,
                            &Query {
                                filter: filter.clone(),
                                text: Some("warehouse".into()),
                                limit: None,
                            },
                        )
                        .await
                        .expect("keyword query")
                        .into_iter()
                        .map(|hit| hit.id)
                        .collect();
                    assert_eq!(
                        &ranked, want,
                        "{when}, round {round}, with words: {filter:?}"
                    );
                }
            }
        }
    };

    let mut docs = BTreeMap::new();
    let spots = [Spot::Remote, Spot::Leeds, Spot::Manchester];
    let first: Vec<VacancyDoc> = (1..=30)
        .map(|id| {
            let spot = spots[(id % 3) as usize];
            docs.insert(id, (spot, VacancyStatus::Published));
            VacancyDoc::build(&build(id, spot, VacancyStatus::Published), taxonomy)
        })
        .collect();
    index.upsert_vacancies(&first).await.expect("first batch");
    check(docs.clone(), "first batch").await;

    // One document moves out of the radius, one leaves by status, one is
    // deleted and one arrives: each in its own write.
    let moved = 4; // Leeds -> Manchester
    docs.insert(moved, (Spot::Manchester, VacancyStatus::Published));
    index
        .index_vacancy(&build(moved, Spot::Manchester, VacancyStatus::Published))
        .await
        .expect("move");
    check(docs.clone(), "after a move").await;
    docs.insert(3, (Spot::Remote, VacancyStatus::Paused));
    index
        .index_vacancy(&build(3, Spot::Remote, VacancyStatus::Paused))
        .await
        .expect("pause");
    docs.remove(&10);
    index
        .delete(IndexKind::Vacancies, &[10])
        .await
        .expect("delete");
    check(docs.clone(), "after a pause and a delete").await;
    docs.insert(31, (Spot::Leeds, VacancyStatus::Published));
    docs.insert(2, (Spot::Leeds, VacancyStatus::Published)); // Manchester -> Leeds
    index
        .upsert_vacancies(&[
            VacancyDoc::build(&build(31, Spot::Leeds, VacancyStatus::Published), taxonomy),
            VacancyDoc::build(&build(2, Spot::Leeds, VacancyStatus::Published), taxonomy),
        ])
        .await
        .expect("arrivals");
    check(docs.clone(), "after arrivals").await;
    index.compact().await.expect("merge");
    check(docs.clone(), "after a merge").await;
}

/// `Filter::WithinOwnReach` (how a vacancy finds the people who could
/// travel to it), on radii from 0 to 200 km, on the edges of the usual
/// choices and just either side, and with no fixed abode. The embedded
/// engine admits exactly the profiles whose point is within their own
/// padded radius; Meilisearch those whose reach box holds the workplace.
/// Either way every person within their own radius is found.
async fn travel_reach_admits_each_person_by_their_own_radius(engine: &TestEngine) {
    use fairchance::domain::geo::{distance_km, GeoPoint};
    use fairchance::search::narrowing::{padded_metres, ReachBox};
    use rand::Rng;
    let (index, taxonomy) = (&engine.index, &engine.taxonomy);
    index.apply_settings().await.expect("settings");
    let mut rng = ChaCha8Rng::seed_from_u64(31);
    let mut radii: Vec<f64> = vec![0.0, 0.5, 200.0, 199.99];
    for edge in [1.0, 5.0, 8.0, 10.0, 15.0, 25.0, 40.0, 50.0, 100.0] {
        radii.extend([edge, edge + 0.01, edge - 0.01]);
    }
    let people: Vec<Profile> = (1..=400)
        .map(|id| {
            let radius = radii
                .get(id as usize - 1)
                .copied()
                .unwrap_or_else(|| rng.gen_range(0.0..=200.0_f64).round());
            let (lat, lon) = (
                53.8 + rng.gen_range(-2.5..2.5),
                -1.55 + rng.gen_range(-4.0..4.0),
            );
            let homeless = id % 37 == 0;
            profile(taxonomy, id, |p| {
                p.travel_radius_km = radius;
                p.no_fixed_abode = homeless;
                p.release_area = (!homeless).then(|| fairchance::domain::geo::PlaceInput {
                    name: "Somewhere".into(),
                    lat,
                    lon,
                });
            })
        })
        .collect();
    let docs: Vec<search::ProfileDoc> = people
        .iter()
        .map(|p| search::ProfileDoc::build(p, taxonomy, today()))
        .collect();
    index.upsert_profiles(&docs).await.expect("index profiles");
    for (lat, lon) in [
        (53.8008, -1.5491),
        (53.4808, -2.2426),
        (55.95, -3.19),
        (51.5, -0.12),
    ] {
        let centre = GeoPoint::parse(lat, lon).expect("centre");
        let pick = |keep: &dyn Fn(GeoPoint, f64) -> bool| -> BTreeSet<i64> {
            people
                .iter()
                .filter_map(|p| {
                    let home = p.details.release_area().place()?.point();
                    keep(home, p.details.travel_radius_km()).then_some(p.id)
                })
                .collect()
        };
        let own = pick(&|home, radius| {
            distance_km(centre, home) * 1000.0 <= padded_metres(radius) as f64
        });
        let boxed = pick(&|home, radius| ReachBox::around(home, radius).holds(lat, lon));
        assert!(
            own.len() > 20,
            "{lat},{lon}: only {} within reach",
            own.len()
        );
        assert!(
            boxed.is_superset(&own),
            "{lat},{lon}: the box holds the circle"
        );
        let reach = ids(
            index.as_ref(),
            IndexKind::Profiles,
            Filter::WithinOwnReach { lat, lon },
        )
        .await;
        if engine.meilisearch.is_none() {
            assert_eq!(reach, own, "{lat},{lon}");
        } else {
            assert_eq!(reach, boxed, "{lat},{lon}");
        }
    }
}
