//! The Meilisearch adapter's HTTP conversation, without a Meilisearch
//! server: a small server on 127.0.0.1 records every request and answers
//! with response bodies recorded from a real Meilisearch 1.50 in
//! `tests/fixtures/meilisearch/` (see the README there for how each was
//! made). The behaviour only a real server shows is checked by the
//! contract suite against one (`tests/search_contract.rs`).

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use chrono::NaiveDate;
use fairchance::search::documents::GeoDoc;
use fairchance::search::filter::Filter;
use fairchance::search::meilisearch::MeilisearchIndex;
use fairchance::search::{CandidateOptions, IndexKind, MatchIndex, Query, SearchError, VacancyDoc};
use fairchance::startup::load_taxonomy;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/meilisearch/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    query: String,
    authorization: Option<String>,
    /// The `Content-Length` and `Transfer-Encoding` headers as sent.
    content_length: Option<usize>,
    transfer_encoding: Option<String>,
    /// The body's size as received.
    body_bytes: usize,
    body: Value,
}

/// What the fake server knows and how it should answer.
#[derive(Default)]
struct Mock {
    requests: Mutex<Vec<Recorded>>,
    /// Task uid -> (type, index uid, times polled).
    tasks: Mutex<HashMap<u32, (String, String, u32)>>,
    next_task: AtomicU32,
    fail_documents: AtomicBool,
    index_exists: AtomicBool,
    documents_total: AtomicUsize,
}

impl Mock {
    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    fn matching(&self, method: &str, path_end: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path.ends_with(path_end))
            .collect()
    }

    fn enqueue(&self, kind: &str, index: &str) -> HttpResponse {
        let uid = self.next_task.fetch_add(1, Ordering::SeqCst);
        self.tasks
            .lock()
            .expect("lock")
            .insert(uid, (kind.to_owned(), index.to_owned(), 0));
        let mut body = fixture("task_enqueued.json");
        body["taskUid"] = json!(uid);
        body["indexUid"] = json!(index);
        body["type"] = json!(kind);
        HttpResponse::Accepted().json(body)
    }

    /// The first poll finds the task still enqueued, later ones finished.
    fn task(&self, uid: u32) -> HttpResponse {
        let mut tasks = self.tasks.lock().expect("lock");
        let Some((kind, index, polls)) = tasks.get_mut(&uid) else {
            return HttpResponse::NotFound().json(json!({
                "message": format!("Task `{uid}` not found."),
                "code": "task_not_found",
                "type": "invalid_request",
                "link": "https://docs.meilisearch.com/errors#task_not_found"
            }));
        };
        *polls += 1;
        let mut body =
            if kind == "documentAdditionOrUpdate" && self.fail_documents.load(Ordering::SeqCst) {
                fixture("task_failed.json")
            } else if kind == "indexCreation" && self.index_exists.load(Ordering::SeqCst) {
                fixture("task_failed_index_exists.json")
            } else {
                fixture("task_succeeded.json")
            };
        body["uid"] = json!(uid);
        body["indexUid"] = json!(index);
        body["type"] = json!(kind);
        if *polls == 1 {
            body["status"] = json!("enqueued");
            body["error"] = Value::Null;
            for field in ["startedAt", "finishedAt", "duration"] {
                body[field] = Value::Null;
            }
        }
        HttpResponse::Ok().json(body)
    }
}

async fn answer(req: HttpRequest, body: web::Bytes, mock: web::Data<Arc<Mock>>) -> HttpResponse {
    let method = req.method().as_str().to_owned();
    let path = req.path().to_owned();
    mock.requests.lock().expect("lock").push(Recorded {
        method: method.clone(),
        path: path.clone(),
        query: req.query_string().to_owned(),
        authorization: req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        content_length: req
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok()),
        transfer_encoding: req
            .headers()
            .get("transfer-encoding")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body_bytes: body.len(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let request_body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match (method.as_str(), parts.as_slice()) {
        ("POST", ["indexes"]) => {
            let uid = request_body["uid"].as_str().unwrap_or_default().to_owned();
            mock.enqueue("indexCreation", &uid)
        }
        ("GET", ["indexes", uid]) => {
            let mut index = fixture("index.json");
            index["uid"] = json!(uid);
            HttpResponse::Ok().json(index)
        }
        ("PATCH", ["indexes", uid, "settings"]) => mock.enqueue("settingsUpdate", uid),
        ("POST", ["indexes", uid, "documents"]) => mock.enqueue("documentAdditionOrUpdate", uid),
        ("POST", ["indexes", uid, "documents", "delete-batch"])
        | ("DELETE", ["indexes", uid, "documents"]) => mock.enqueue("documentDeletion", uid),
        ("POST", ["indexes", _, "documents", "fetch"]) => {
            let total = mock.documents_total.load(Ordering::SeqCst);
            let offset = request_body["offset"].as_u64().unwrap_or(0) as usize;
            let limit = request_body["limit"].as_u64().unwrap_or(20) as usize;
            let mut page = fixture("documents_fetch.json");
            page["results"] = json!((offset..total.min(offset + limit))
                .map(|i| json!({"id": i + 1}))
                .collect::<Vec<_>>());
            page["offset"] = json!(offset);
            page["limit"] = json!(limit);
            page["total"] = json!(total);
            HttpResponse::Ok().json(page)
        }
        ("POST", ["indexes", _, "search"]) => {
            HttpResponse::Ok().json(fixture("search_response.json"))
        }
        ("GET", ["indexes", _, "stats"]) => HttpResponse::Ok().json(fixture("index_stats.json")),
        ("GET", ["tasks", uid]) => mock.task(uid.parse().unwrap_or(u32::MAX)),
        _ => HttpResponse::NotFound().finish(),
    }
}

struct Server {
    mock: Arc<Mock>,
    index: MeilisearchIndex,
}

async fn server() -> Server {
    let mock = Arc::new(Mock::default());
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let data = web::Data::new(mock.clone());
    let running = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            // Meilisearch accepts payloads of up to 100 MB by default.
            .app_data(web::PayloadConfig::new(100 * 1024 * 1024))
            .default_service(web::to(answer))
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    tokio::spawn(running);
    let taxonomy = Arc::new(load_taxonomy().expect("taxonomy"));
    let index = MeilisearchIndex::new(
        &format!("http://127.0.0.1:{port}"),
        Some("test-key"),
        "t_",
        taxonomy,
    )
    .expect("client")
    .with_task_wait(Duration::from_millis(1), Duration::from_secs(10));
    Server { mock, index }
}

fn doc(id: i64) -> VacancyDoc {
    VacancyDoc {
        id,
        employer_id: 1,
        status: "published".into(),
        closing_day: 20_300,
        rolling: false,
        start_day: 20_250,
        start_asap: false,
        sector: "warehousing".into(),
        remote: false,
        geo: Some(GeoDoc {
            lat: 53.8,
            lng: -1.55,
        }),
        hours_per_week: 37.5,
        rotl_suitable: false,
        needs_driving_licence: false,
        regulated_children: false,
        regulated_adults: false,
        excluded_offences: vec!["arson".into()],
        required_certificates: vec!["forklift-counterbalance".into()],
        required_skills: vec![],
        title: "Forklift driver".into(),
        skills_text: vec!["fork lift".into()],
        certificate_codes: vec!["FLT".into()],
        sector_label: "Warehousing and logistics".into(),
        place: "Leeds".into(),
        description: "Moving pallets.".into(),
        version: 0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_create_indexes_with_id_and_send_the_taxonomy() {
    let server = server().await;
    let outcome = server.index.apply_settings().await.expect("apply settings");
    assert!(outcome.reindex_needed, "new indexes need filling");

    let created = server.mock.matching("POST", "/indexes");
    assert_eq!(created.len(), 2);
    assert_eq!(
        created[0].body,
        json!({"uid": "t_vacancies", "primaryKey": "id"})
    );
    assert_eq!(
        created[1].body,
        json!({"uid": "t_profiles", "primaryKey": "id"})
    );

    let settings = server.mock.matching("PATCH", "/settings");
    assert_eq!(settings[0].path, "/indexes/t_vacancies/settings");
    let body = &settings[0].body;
    assert_eq!(body["searchableAttributes"][0], "title");
    assert!(body["filterableAttributes"]
        .as_array()
        .expect("array")
        .contains(&json!("_geo")));
    assert_eq!(
        body["typoTolerance"]["disableOnAttributes"],
        json!(["certificate_codes"])
    );
    assert!(body["typoTolerance"]["disableOnWords"]
        .as_array()
        .expect("array")
        .contains(&json!("sssts")));
    assert_eq!(body["nonSeparatorTokens"], json!(["+"]));
    assert_eq!(body["pagination"], json!({"maxTotalHits": 10000}));
    assert!(body["synonyms"]["FLT"]
        .as_array()
        .expect("synonyms generated from the taxonomy")
        .contains(&json!("fork lift")));
    assert_eq!(settings[1].path, "/indexes/t_profiles/settings");

    // Every task was polled until it finished (enqueued first, then done).
    let polls = server.mock.matching("GET", "");
    assert!(
        polls
            .iter()
            .filter(|r| r.path.starts_with("/tasks/"))
            .count()
            >= 8
    );
    assert!(server
        .mock
        .tasks
        .lock()
        .expect("lock")
        .values()
        .all(|(_, _, polled)| *polled >= 2));
    assert!(server
        .mock
        .requests()
        .iter()
        .all(|r| r.authorization.as_deref() == Some("Bearer test-key")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn existing_indexes_are_kept() {
    let server = server().await;
    server.mock.index_exists.store(true, Ordering::SeqCst);
    let outcome = server.index.apply_settings().await.expect("apply settings");
    assert!(!outcome.reindex_needed);
    let looked_up = server.mock.matching("GET", "/indexes/t_vacancies");
    assert_eq!(
        looked_up.len(),
        1,
        "the primary key of the existing index is checked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_written_in_batches_with_the_primary_key() {
    let server = server().await;
    let docs: Vec<VacancyDoc> = (1..=1_500).map(doc).collect();
    server.index.upsert_vacancies(&docs).await.expect("upsert");
    let writes = server
        .mock
        .matching("POST", "/indexes/t_vacancies/documents");
    assert_eq!(writes.len(), 2, "1,500 documents in two batches");
    assert_eq!(writes[0].query, "primaryKey=id");
    assert_eq!(writes[0].body.as_array().expect("array").len(), 1_000);
    assert_eq!(writes[1].body.as_array().expect("array").len(), 500);
    let first = &writes[0].body[0];
    assert_eq!(first["id"], 1);
    assert_eq!(first["_geo"], json!({"lat": 53.8, "lng": -1.55}));
    assert_eq!(first["excluded_offences"], json!(["arson"]));
    let polled: Vec<String> = server
        .mock
        .matching("GET", "")
        .into_iter()
        .map(|r| r.path)
        .filter(|p| p.starts_with("/tasks/"))
        .collect();
    assert!(polled.contains(&"/tasks/0".to_owned()) && polled.contains(&"/tasks/1".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_task_is_an_error() {
    let server = server().await;
    server.mock.fail_documents.store(true, Ordering::SeqCst);
    let error = server
        .index
        .upsert_vacancies(&[doc(5)])
        .await
        .expect_err("the task failed");
    match error {
        SearchError::TaskFailed {
            task_uid,
            code,
            message,
        } => {
            assert_eq!(task_uid, 0);
            assert_eq!(code, "invalid_document_geo_field");
            assert!(message.contains("latitude"), "{message}");
        }
        other => panic!("expected TaskFailed, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyword_queries_send_the_filter_and_read_the_scores() {
    let server = server().await;
    let taxonomy = load_taxonomy().expect("taxonomy");
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(1);
    let town = fairchance::seed::generator::Town {
        name: "Leeds".into(),
        lat: 53.8,
        lon: -1.55,
    };
    let today = NaiveDate::from_ymd_opt(2025, 6, 2).expect("date");
    let mut input = fairchance::seed::generator::profile(&mut rng, 1, &town, today);
    input.right_to_work = true;
    input.readiness = "ready_to_work".into();
    let profile = fairchance::domain::profile::Profile {
        id: 1,
        service_id: 1,
        officer_id: None,
        pseudonym: "Test".into(),
        prison: None,
        details: fairchance::domain::profile::ProfileDetails::parse(&input, &taxonomy)
            .expect("profile"),
    };
    let hits = server
        .index
        .candidate_vacancies(
            &profile,
            today,
            &CandidateOptions {
                keywords: Some("forklift".into()),
                limit: Some(20),
            },
        )
        .await
        .expect("search");
    // The hits and their scores as the recorded answer gives them, in its
    // order.
    let recorded = fixture("search_response.json");
    let expected: Vec<(i64, Option<f64>)> = recorded["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| (h["id"].as_i64().unwrap(), h["_rankingScore"].as_f64()))
        .collect();
    assert_eq!(expected.len(), 2);
    assert_eq!(
        hits.iter().map(|h| (h.id, h.relevance)).collect::<Vec<_>>(),
        expected
    );
    let searches = server.mock.matching("POST", "/indexes/t_vacancies/search");
    assert_eq!(searches.len(), 1);
    let body = &searches[0].body;
    assert_eq!(body["q"], "forklift");
    assert_eq!(body["limit"], 20);
    assert_eq!(body["showRankingScore"], true);
    assert_eq!(body["attributesToRetrieve"], json!(["id"]));
    let filter = body["filter"].as_str().expect("a filter string");
    assert!(
        filter.starts_with("status = \"published\" AND closing_day >= "),
        "{filter}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_only_queries_page_through_documents() {
    let server = server().await;
    let page = fairchance::search::meilisearch::PAGE_SIZE;
    server
        .mock
        .documents_total
        .store(2 * page + 500, Ordering::SeqCst);
    let hits = server
        .index
        .query(
            IndexKind::Profiles,
            &Query {
                filter: Filter::eq("sector", r#"x" OR id EXISTS"#),
                text: None,
                limit: None,
            },
        )
        .await
        .expect("query");
    assert_eq!(hits.len(), 2 * page + 500);
    assert!(hits.iter().all(|h| h.relevance.is_none()));
    let pages = server
        .mock
        .matching("POST", "/indexes/t_profiles/documents/fetch");
    assert_eq!(
        pages
            .iter()
            .map(|p| p.body["offset"].clone())
            .collect::<Vec<_>>(),
        vec![json!(0), json!(page), json!(2 * page)]
    );
    assert_eq!(pages[0].body["filter"], r#"sector = "x\" OR id EXISTS""#);
    assert_eq!(pages[0].body["fields"], json!(["id"]));
    assert_eq!(pages[0].body["limit"], page);

    // A filter that can match nothing sends nothing.
    let before = server.mock.requests().len();
    let none = server
        .index
        .query(
            IndexKind::Profiles,
            &Query {
                filter: Filter::Never,
                text: None,
                limit: None,
            },
        )
        .await
        .expect("query");
    assert!(none.is_empty());
    assert_eq!(server.mock.requests().len(), before);
}

/// Every body goes in one piece with its length: the SDK's own client
/// streamed each one chunked through a fresh 8 MiB buffer it zeroed first,
/// about a millisecond of every narrowing query on the full synthetic set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_body_is_sent_whole_with_its_length_and_the_key() {
    let server = server().await;
    server.index.apply_settings().await.expect("apply settings");
    let docs: Vec<VacancyDoc> = (1..=1_200).map(doc).collect();
    server.index.upsert_vacancies(&docs).await.expect("upsert");
    server.mock.documents_total.store(30, Ordering::SeqCst);
    let hits = server
        .index
        .query(
            IndexKind::Profiles,
            &Query {
                filter: Filter::eq("sector", "warehousing"),
                text: None,
                limit: None,
            },
        )
        .await
        .expect("query");
    assert_eq!(hits.len(), 30);
    let requests = server.mock.requests();
    let with_body: Vec<&Recorded> = requests
        .iter()
        .filter(|r| matches!(r.method.as_str(), "POST" | "PATCH" | "PUT"))
        .collect();
    for kind in ["/settings", "/documents", "/documents/fetch"] {
        assert!(
            with_body.iter().any(|r| r.path.ends_with(kind)),
            "a request to {kind} was made: {with_body:?}"
        );
    }
    for request in &with_body {
        assert!(request.body_bytes > 0, "{request:?}");
        assert_eq!(
            request.content_length,
            Some(request.body_bytes),
            "{request:?}"
        );
        assert_eq!(request.transfer_encoding, None, "{request:?}");
    }
    for request in &requests {
        assert_eq!(
            request.authorization.as_deref(),
            Some("Bearer test-key"),
            "{} {}",
            request.method,
            request.path
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_clear_and_counts() {
    let server = server().await;
    server
        .index
        .delete(IndexKind::Vacancies, &[3, 4])
        .await
        .expect("delete");
    let deletes = server
        .mock
        .matching("POST", "/indexes/t_vacancies/documents/delete-batch");
    assert_eq!(deletes[0].body, json!([3, 4]));
    server.index.clear().await.expect("clear");
    assert_eq!(server.mock.matching("DELETE", "/documents").len(), 2);
    let counts = server.index.counts().await.expect("counts");
    let recorded = fixture("index_stats.json")["numberOfDocuments"]
        .as_u64()
        .expect("numberOfDocuments");
    assert_eq!((counts.vacancies, counts.profiles), (recorded, recorded));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_does_not_answer_is_reported_unreachable() {
    // A port nothing listens on: bound, then released.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let taxonomy = Arc::new(load_taxonomy().expect("taxonomy"));
    let index = MeilisearchIndex::new(
        &format!("http://127.0.0.1:{port}"),
        None,
        "fc_probe_",
        taxonomy,
    )
    .expect("client");
    assert!(matches!(
        index.reachable().await,
        Err(SearchError::Meilisearch(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_accepts_but_never_answers_fails_the_write_in_time() {
    // Connections are accepted (by the kernel's backlog) and never read.
    let hung = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = hung.local_addr().expect("addr").port();
    let taxonomy = Arc::new(load_taxonomy().expect("taxonomy"));
    let index = MeilisearchIndex::new(&format!("http://127.0.0.1:{port}"), None, "t_", taxonomy)
        .expect("client")
        .with_request_timeout(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let written = index.upsert_vacancies(&[doc(1)]).await;
    assert!(
        matches!(written, Err(SearchError::Meilisearch(_))),
        "{written:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(index.reachable().await.is_err());
    drop(hung);
}
