//! The search index converges by content (issue #17): every document
//! carries a content version, and `Matcher::check` (`fairchance reindex
//! --check`, and the start-up check) writes only the documents that are
//! missing or stale and deletes only those whose rows are gone. Runs on
//! the embedded engine on both databases; with `MEILISEARCH_URL` set, the
//! ignored variant runs the same against a real Meilisearch.

mod common;

use std::collections::HashMap;

use common::{Backend, TestApp};
use diesel::prelude::*;
use fairchance::search::{IndexKind, ProfileDoc, VacancyDoc};
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

/// The same against a real Meilisearch; run with `MEILISEARCH_URL` set.
mod meilisearch {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs a Meilisearch server: set MEILISEARCH_URL"]
    async fn sqlite() {
        let Ok(url) = std::env::var("MEILISEARCH_URL") else {
            panic!("MEILISEARCH_URL is not set: this test needs a Meilisearch server");
        };
        let key = std::env::var("MEILISEARCH_API_KEY").unwrap_or_default();
        let prefix = format!("fc_check_{}_", std::process::id());
        let mut extra = vec![
            ("FAIRCHANCE_SEARCH", "meilisearch"),
            ("MEILISEARCH_URL", url.as_str()),
            ("FAIRCHANCE_SEARCH_PREFIX", prefix.as_str()),
        ];
        if !key.is_empty() {
            extra.push(("MEILISEARCH_API_KEY", key.as_str()));
        }
        run(Backend::Sqlite, &extra).await;
        let client = meilisearch_sdk::client::Client::new(url, (!key.is_empty()).then_some(key))
            .expect("client");
        for kind in IndexKind::ALL {
            let _ = client
                .delete_index(format!("{prefix}{}", kind.base_name()))
                .await;
        }
    }
}
