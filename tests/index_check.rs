//! The search index converges by content (issue #17): every document
//! carries a content version, and `Matcher::check` (`fairchance reindex
//! --check`, and the start-up check) writes only the documents that are
//! missing or stale and deletes only those whose rows are gone. Runs on
//! the embedded engine on both databases; with `MEILISEARCH_URL` set, the
//! ignored variant runs the same against a real Meilisearch.

mod common;

use std::collections::HashMap;

use common::{Backend, RealMeilisearch, TestApp};
use diesel::prelude::*;
use fairchance::matches::Paging;
use fairchance::search::{IndexKind, ProfileDoc, ServiceScope, VacancyDoc};
use fairchance::store;

/// The version of each row's document as built from the database today.
fn built(app: &TestApp) -> (HashMap<i64, i64>, HashMap<i64, i64>) {
    let taxonomy = app.services.taxonomy.clone();
    let today = chrono::Utc::now().date_naive();
    let mut conn = app.services.store.conn().expect("conn");
    let vacancy_ids = store::vacancies::all_ids(&mut conn).expect("ids");
    let profile_ids = store::profiles::all_ids(&mut conn).expect("ids");
    let vacancies = store::vacancies::load_many(&mut conn, &vacancy_ids, &taxonomy)
        .expect("vacancies")
        .iter()
        .map(|v| VacancyDoc::build(v, &taxonomy))
        .map(|d| (d.id, d.version))
        .collect();
    let profiles = store::profiles::load_many(&mut conn, &profile_ids, &taxonomy)
        .expect("profiles")
        .iter()
        .map(|p| ProfileDoc::build(p, &taxonomy, today))
        .map(|d| (d.id, d.version))
        .collect();
    (vacancies, profiles)
}

async fn run(backend: Backend, extra: &[(&str, &str)]) {
    let app = TestApp::spawn_with(backend, extra).await;
    let index = app.matcher.index().clone();
    // The demo data, written straight to the database: the index knows
    // nothing of it yet.
    fairchance::seed::demo::seed(&app.services).expect("demo data");
    let (vacancies, profiles) = built(&app);
    assert!(vacancies.len() > 100 && profiles.len() > 100);

    // Everything is missing, and is written.
    let first = app.matcher.check(|_, _, _| {}).await.expect("check");
    assert_eq!(first.vacancies.rows, vacancies.len());
    assert_eq!(first.vacancies.missing, vacancies.len());
    assert_eq!(first.profiles.missing, profiles.len());
    assert_eq!(
        (first.vacancies.stale, first.vacancies.extra),
        (0, 0),
        "{first:?}"
    );
    assert_eq!(
        index.versions(IndexKind::Vacancies).await.unwrap(),
        vacancies
    );
    assert_eq!(index.versions(IndexKind::Profiles).await.unwrap(), profiles);

    // In step: a second check writes nothing.
    let again = app.matcher.check(|_, _, _| {}).await.expect("check");
    assert_eq!(
        (again.vacancies.repaired(), again.profiles.repaired()),
        (0, 0),
        "{again:?}"
    );

    // Now out of step in every way: three documents lost, one written from
    // other content, one row changed behind the index's back, one
    // document whose row is gone, one profile document lost.
    let mut ids: Vec<i64> = vacancies.keys().copied().collect();
    ids.sort_unstable();
    index
        .delete(IndexKind::Vacancies, &ids[..3])
        .await
        .expect("delete");
    let taxonomy = app.services.taxonomy.clone();
    let mut conn = app.services.store.conn().expect("conn");
    let odd = store::vacancies::load(&mut conn, ids[3], &taxonomy).expect("load");
    let mut stale = VacancyDoc::build(&odd, &taxonomy);
    stale.title = "Something else entirely".into();
    stale.version = fairchance::search::documents::content_version(&VacancyDoc {
        version: 0,
        ..stale.clone()
    });
    let mut gone = VacancyDoc::build(&odd, &taxonomy);
    gone.id = 9_999_999;
    index
        .upsert_vacancies(&[stale, gone])
        .await
        .expect("write odd documents");
    fairchance::with_conn!(&mut conn, |c| diesel::update(
        store::schema::vacancies::table.find(ids[4])
    )
    .set(store::schema::vacancies::title.eq("Renamed behind the index's back"))
    .execute(c)
    .expect("rename"));
    let mut people: Vec<i64> = profiles.keys().copied().collect();
    people.sort_unstable();
    index
        .delete(IndexKind::Profiles, &people[..1])
        .await
        .expect("delete");
    drop(conn);

    let repaired = app.matcher.check(|_, _, _| {}).await.expect("check");
    assert_eq!(
        (
            repaired.vacancies.missing,
            repaired.vacancies.stale,
            repaired.vacancies.extra
        ),
        (3, 2, 1),
        "{repaired:?}"
    );
    assert_eq!(
        (
            repaired.profiles.missing,
            repaired.profiles.stale,
            repaired.profiles.extra
        ),
        (1, 0, 0),
        "{repaired:?}"
    );
    let (vacancies, profiles) = built(&app);
    assert_eq!(
        index.versions(IndexKind::Vacancies).await.unwrap(),
        vacancies
    );
    assert_eq!(index.versions(IndexKind::Profiles).await.unwrap(), profiles);
    let quiet = app.matcher.check(|_, _, _| {}).await.expect("check");
    assert_eq!(
        (quiet.vacancies.repaired(), quiet.profiles.repaired()),
        (0, 0)
    );
    app.stop().await;
}

on_both_backends!(
    a_check_writes_only_missing_and_stale_documents_and_drops_extra_ones,
    |backend| async move { run(backend, &[]).await }
);

/// Every eligible vacancy id for each profile and profile id for each
/// vacancy, as the matcher answers now.
async fn answers(
    matcher: &fairchance::matches::Matcher,
    people: &[i64],
    jobs: &[i64],
) -> Vec<(i64, Vec<i64>)> {
    let today = chrono::Utc::now().date_naive();
    let taxonomy = matcher.taxonomy.clone();
    let mut conn = matcher.store.conn().expect("conn");
    let profiles = store::profiles::load_many(&mut conn, people, &taxonomy).expect("profiles");
    let vacancies = store::vacancies::load_many(&mut conn, jobs, &taxonomy).expect("vacancies");
    drop(conn);
    let mut out = Vec::new();
    for p in &profiles {
        let page = matcher
            .vacancies_page(p, today, Paging::ALL)
            .await
            .expect("vacancies");
        let mut ids: Vec<i64> = page.items.iter().map(|r| r.item.id).collect();
        ids.sort_unstable();
        assert_eq!(ids.len(), page.total);
        out.push((p.id, ids));
        let search = fairchance::search::VacancySearch::default();
        let page = matcher
            .search_page(p, &search, today, Paging::ALL)
            .await
            .expect("search");
        let mut ids: Vec<i64> = page.items.iter().map(|r| r.item.id).collect();
        ids.sort_unstable();
        out.push((-p.id, ids));
    }
    for v in &vacancies {
        for scope in [
            ServiceScope::All,
            ServiceScope::Only(vec![profiles[0].service_id]),
        ] {
            let page = matcher
                .profiles_page(v, &scope, today, Paging::ALL)
                .await
                .expect("profiles");
            let mut ids: Vec<i64> = page.items.iter().map(|r| r.item.id).collect();
            ids.sort_unstable();
            out.push((v.id, ids));
        }
    }
    out
}

/// Issue #17, "never blank": while the index is filled from nothing the
/// matcher answers from every row (exact, complete); a full rebuild
/// replaces documents without ever emptying what answers; the rows changed
/// while it ran end up in the index; and the start-up plan rebuilds in
/// full when the recorded settings fingerprint is another (or a rebuild
/// never finished), else only checks.
async fn run_rebuild(backend: Backend, extra: &[(&str, &str)]) {
    let app = TestApp::spawn_with(backend, extra).await;
    let index = app.matcher.index().clone();
    fairchance::seed::demo::seed(&app.services).expect("demo data");
    app.matcher.reindex(|_, _, _| {}).await.expect("reindex");
    let (vacancies, profiles) = built(&app);
    let mut people: Vec<i64> = profiles.keys().copied().collect();
    people.sort_unstable();
    let people: Vec<i64> = people.into_iter().step_by(9).take(12).collect();
    let mut jobs: Vec<i64> = vacancies.keys().copied().collect();
    jobs.sort_unstable();
    let jobs: Vec<i64> = jobs.into_iter().step_by(11).take(12).collect();
    let truth = answers(&app.matcher, &people, &jobs).await;
    let found: usize = truth.iter().map(|(_, ids)| ids.len()).sum();
    assert!(
        found > 50,
        "the demo data gives these people matches: {found}"
    );

    // An index with nothing in it, marked as being filled: every answer
    // still comes out whole, from the database.
    app.matcher.set_index_complete(false);
    index.clear().await.expect("clear");
    assert_eq!(answers(&app.matcher, &people, &jobs).await, truth);
    // Words are matched by their beginnings meanwhile.
    let today = chrono::Utc::now().date_naive();
    let taxonomy = app.services.taxonomy.clone();
    let mut conn = app.services.store.conn().expect("conn");
    let person = store::profiles::load(&mut conn, people[0], &taxonomy).expect("person");
    drop(conn);
    let (_, fits) = truth
        .iter()
        .find(|(id, _)| *id == -people[0])
        .expect("listed");
    let first = app
        .matcher
        .vacancies_for(&person, today, 1)
        .await
        .expect("first");
    if let Some(top) = first.first() {
        let word: String = top.item.details.title().chars().take(5).collect();
        let search = fairchance::search::VacancySearch {
            text: word.to_lowercase(),
            ..Default::default()
        };
        let page = app
            .matcher
            .search_page(&person, &search, today, Paging::ALL)
            .await
            .expect("words");
        assert!(page.items.iter().any(|r| r.item.id == top.item.id));
        assert!(page.items.iter().all(|r| fits.contains(&r.item.id)));
    }
    app.matcher.set_index_complete(true);
    let blank = answers(&app.matcher, &people, &jobs).await;
    assert!(
        blank.iter().all(|(_, ids)| ids.is_empty()),
        "the emptied index answers nothing, so the answers above came from the rows"
    );

    // A full rebuild, watched the whole time: nothing is ever answered
    // short of what fitted before. A vacancy renamed while it runs (after
    // the vacancies were written) is in the index at the end.
    app.matcher.reindex(|_, _, _| {}).await.expect("refill");
    assert_eq!(answers(&app.matcher, &people, &jobs).await, truth);
    let watching = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let watcher = {
        let matcher = app.matcher.clone();
        let (people, jobs, truth) = (people.clone(), jobs.clone(), truth.clone());
        let watching = watching.clone();
        tokio::spawn(async move {
            let mut rounds = 0;
            while watching.load(std::sync::atomic::Ordering::Acquire) || rounds == 0 {
                let now = answers(&matcher, &people, &jobs).await;
                assert_eq!(now, truth, "an answer during the rebuild differs");
                rounds += 1;
            }
            rounds
        })
    };
    let renamed = jobs[1];
    let store_for_change = app.services.store.clone();
    let mut changed = false;
    app.matcher
        .reindex(move |kind, _, _| {
            if kind == IndexKind::Profiles && !changed {
                changed = true;
                let mut conn = store_for_change.conn().expect("conn");
                fairchance::with_conn!(&mut conn, |c| diesel::update(
                    store::schema::vacancies::table.find(renamed)
                )
                .set(store::schema::vacancies::title.eq("Renamed while the index was rebuilt"))
                .execute(c)
                .expect("rename"));
            }
        })
        .await
        .expect("rebuild");
    watching.store(false, std::sync::atomic::Ordering::Release);
    let rounds = watcher.await.expect("watcher");
    assert!(rounds >= 1);
    let (vacancies, profiles) = built(&app);
    assert_eq!(
        index.versions(IndexKind::Vacancies).await.unwrap(),
        vacancies,
        "the vacancy renamed during the rebuild is in the index"
    );
    assert_eq!(index.versions(IndexKind::Profiles).await.unwrap(), profiles);

    // The start-up plan: the fingerprint recorded after the last full
    // rebuild decides between a check and a full rebuild.
    let plan = fairchance::startup::plan_index(&app.services, &app.matcher)
        .await
        .expect("plan");
    assert!(!plan.full, "the index was rebuilt under these settings");
    let key = format!(
        "search_index:{}:{}",
        index.engine_name(),
        app.services.config.search_prefix
    );
    for recorded in ["rebuilding", "0123456789abcdef"] {
        let mut conn = app.services.store.conn().expect("conn");
        store::meta::set(&mut conn, &key, recorded).expect("set");
        drop(conn);
        let plan = fairchance::startup::plan_index(&app.services, &app.matcher)
            .await
            .expect("plan");
        assert!(plan.full, "recorded {recorded:?}: a full rebuild");
        fairchance::startup::rebuild_index(
            &app.services,
            &app.matcher,
            &plan,
            &fairchance::startup::IndexStatus::default(),
        )
        .await
        .expect("rebuild");
        assert!(app.matcher.index_complete());
        let mut conn = app.services.store.conn().expect("conn");
        assert_eq!(
            store::meta::get(&mut conn, &key).expect("get").as_deref(),
            Some(plan.fingerprint.as_str())
        );
    }
    assert_eq!(
        answers(&app.matcher, &people, &jobs).await,
        truth_after(&app, &people, &jobs).await
    );
    app.stop().await;
}

/// What the matcher answers now, from the rows alone (the index marked as
/// being filled), to compare with the index's answers.
async fn truth_after(app: &TestApp, people: &[i64], jobs: &[i64]) -> Vec<(i64, Vec<i64>)> {
    app.matcher.set_index_complete(false);
    let rows = answers(&app.matcher, people, jobs).await;
    app.matcher.set_index_complete(true);
    rows
}

on_both_backends!(
    a_full_rebuild_never_answers_from_a_half_filled_index,
    |backend| async move { run_rebuild(backend, &[]).await }
);

/// The same against a real Meilisearch; run with `MEILISEARCH_URL` set.
mod meilisearch {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs a Meilisearch server: set MEILISEARCH_URL"]
    async fn sqlite() {
        let meili = RealMeilisearch::from_env("check");
        run(Backend::Sqlite, &meili.settings()).await;
        meili.delete_indexes().await;
    }

    /// Every index uid on the server that starts with `prefix`.
    async fn uids_with(client: &meilisearch_sdk::client::Client, prefix: &str) -> Vec<String> {
        let mut query = meilisearch_sdk::indexes::IndexesQuery::new(client);
        query.with_limit(1_000);
        let listed = client
            .list_all_indexes_raw_with(&query)
            .await
            .expect("list indexes");
        let mut uids: Vec<String> = listed["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|i| i["uid"].as_str())
            .filter(|uid| uid.starts_with(prefix))
            .map(str::to_owned)
            .collect();
        uids.sort();
        uids
    }

    /// The full rebuild on Meilisearch fills staging indexes and swaps
    /// them in: the same checks, and no staging index is left behind.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs a Meilisearch server: set MEILISEARCH_URL"]
    async fn rebuild_postgres() {
        let meili = RealMeilisearch::from_env("rebuild");
        run_rebuild(Backend::Postgres, &meili.settings()).await;
        let prefix = &meili.prefix;
        assert_eq!(
            uids_with(&meili.client(), prefix).await,
            vec![format!("{prefix}profiles"), format!("{prefix}vacancies")],
            "only the live indexes remain"
        );
        meili.delete_indexes().await;
    }
}
