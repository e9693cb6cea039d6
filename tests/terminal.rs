//! Job-seeker terminal pages over HTTP, on both database backends: every
//! page light, script-free, uncached and self-contained; only eligible
//! vacancies ever shown; applying, drafts, withdrawing; English and Welsh.

mod common;
#[path = "support/terminal.rs"]
mod support;

use std::collections::BTreeSet;

use common::TestApp;
use fairchance::store::{self, access as access_store};
use fairchance::web::auth;
use support::*;

async fn stylesheet_size(app: &TestApp) -> usize {
    let res = app.get("/static/terminal.css").await;
    assert_eq!(res.status(), 200);
    let css = res.text().await.unwrap();
    assert!(
        !css.contains("@import") && !css.contains("url("),
        "the stylesheet fetches nothing"
    );
    css.len()
}

on_both_backends!(
    every_terminal_page_is_light_plain_and_private,
    |backend| async move {
        let fx = Fixture::new(backend, 11, 24).await;
        let css = stylesheet_size(&fx.app).await;
        let eligible = fx.eligible();
        let vacancy = *eligible.iter().next().expect("some vacancy is eligible");

        // Before sign-in.
        let anon = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        for path in ["/terminal/enrol", "/terminal/timed-out"] {
            let res = anon.get(fx.app.url(path)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            check_page(res, css, path).await;
        }
        let device = fx.kiosk();
        let res = device.get(fx.app.url("/terminal")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let body = check_page(res, css, "/terminal").await;
        assert!(
            body.contains("action=\"/terminal/language\""),
            "the device page offers Welsh"
        );
        assert!(body.contains(">Cymraeg<"));
        let res = device
            .post(fx.app.url("/terminal/sign-in"))
            .form(&[
                ("login_code", ""),
                ("pin", "12"),
                ("csrf_token", &csrf_in(&body)),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let body = check_page(res, css, "sign-in errors").await;
        assert!(body.contains("Enter your code") && body.contains("Your PIN is 6 numbers"));

        // Signed in.
        let k = fx.signed_in().await;
        let mut pages = vec![
            "/terminal/home".to_string(),
            "/terminal/jobs-for-you".into(),
            "/terminal/find".into(),
            "/terminal/find?q=warehouse&hours=full&distance=25".into(),
            format!("/terminal/vacancies/{vacancy}"),
            format!("/terminal/vacancies/{vacancy}?print=1"),
            format!("/terminal/vacancies/{vacancy}/interested"),
            "/terminal/applications".into(),
        ];
        for path in &pages {
            let res = k.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            let body = check_page(res, css, path).await;
            assert_idle_refresh(&body, path);
            assert!(body.contains("<html lang=\"en\">"), "{path}");
        }
        let res = k
            .post(
                &format!("/terminal/vacancies/{vacancy}/interested"),
                &[("statement", ""), ("action", "send")],
            )
            .await;
        assert_eq!(res.status(), 422);
        let body = check_page(res, css, "apply errors").await;
        assert_idle_refresh(&body, "apply errors");
        let res = k
            .post(
                &format!("/terminal/vacancies/{vacancy}/interested"),
                &[
                    ("statement", "I have worked in a warehouse."),
                    ("action", "send"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        pages = vec![
            format!("/terminal/applications/{vacancy}"),
            format!("/terminal/applications/{vacancy}?print=1"),
            "/terminal/applications?print=1".into(),
            "/terminal/find?sector=nonsense".into(),
            "/terminal/vacancies/987654321".into(),
            "/terminal/still-there".into(),
        ];
        for path in &pages {
            let res = k.get(path).await;
            let status = res.status();
            let body = check_page(res, css, path).await;
            match path.as_str() {
                "/terminal/find?sector=nonsense" => assert_eq!(status, 422),
                "/terminal/vacancies/987654321" => assert_eq!(status, 404),
                _ => assert_eq!(status, 200, "{path}"),
            }
            if path == "/terminal/still-there" {
                assert!(body.contains("content=\"60;url=/terminal/timed-out\""));
            } else {
                assert_idle_refresh(&body, path);
            }
            if path.contains("print=1") {
                assert!(
                    !body.contains("<form"),
                    "{path}: the print view has no forms"
                );
                assert!(body.contains("Printed from Fair Chance Jobs on"), "{path}");
            }
        }
        fx.app.stop().await;
    }
);

on_both_backends!(
    a_seeker_sees_only_vacancies_assess_accepts,
    |backend| async move {
        let mut shown = 0;
        // A job seeker who can do most jobs, then generated ones as they come
        // (offences, licence conditions, barred lists).
        for (seed, open) in [(7, true), (3, false), (5, false), (8, false)] {
            let fx = if open {
                Fixture::new(backend, seed, 36).await
            } else {
                Fixture::generated(backend, seed, 36).await
            };
            shown += only_eligible_vacancies_are_shown(&fx).await;
            fx.app.stop().await;
        }
        assert!(shown > 0, "some vacancies were shown");
    }
);

/// Checks jobs for you, search and the vacancy pages against `assess`;
/// returns how many vacancies were eligible.
async fn only_eligible_vacancies_are_shown(fx: &Fixture) -> usize {
    let eligible = fx.eligible();
    let all: BTreeSet<i64> = fx.vacancies.iter().copied().collect();
    let excluded: BTreeSet<i64> = all.difference(&eligible).copied().collect();
    assert!(
        !excluded.is_empty(),
        "the generated set has excluded vacancies"
    );
    let k = fx.signed_in().await;

    // Jobs for you: every approved match that still holds, and no other,
    // ten a page.
    let mut listed = BTreeSet::new();
    for page in 1..=10 {
        let body = k
            .get(&format!("/terminal/jobs-for-you?page={page}"))
            .await
            .text()
            .await
            .unwrap();
        let links = vacancy_links(&body);
        assert!(links.len() <= 10, "ten a page");
        if page == 1 && !eligible.is_empty() {
            assert!(body.contains("class=\"reasons\""), "reasons are given");
        }
        listed.extend(links);
        if !body.contains(">Next page</a>") {
            break;
        }
    }
    assert_eq!(listed, eligible, "jobs for you");

    // Search with no words lists every open vacancy the person may see.
    let mut seen = BTreeSet::new();
    for page in 1..=10 {
        let body = k
            .get(&format!("/terminal/find?q=&page={page}"))
            .await
            .text()
            .await
            .unwrap();
        let ids = vacancy_links(&body);
        if ids.is_empty() || ids.iter().any(|id| seen.contains(id)) {
            break;
        }
        assert!(ids.len() <= 10, "ten results a page");
        seen.extend(ids);
    }
    assert_eq!(seen, eligible, "search results");
    // Keyword searches never widen it.
    for words in ["warehouse", "cleaner", "driver", "kitchen", "care"] {
        let body = k
            .get(&format!("/terminal/find?q={words}"))
            .await
            .text()
            .await
            .unwrap();
        let ids = vacancy_links(&body);
        assert!(ids.is_subset(&eligible), "search for {words}: {ids:?}");
    }

    // The vacancy page: eligible ones open, all others the same 404 as a
    // vacancy that does not exist.
    let missing = k.get("/terminal/vacancies/987654321").await;
    assert_eq!(missing.status(), 404);
    let missing = missing.text().await.unwrap();
    for id in &all {
        let res = k.get(&format!("/terminal/vacancies/{id}")).await;
        if eligible.contains(id) {
            assert_eq!(res.status(), 200, "vacancy {id}");
        } else {
            assert_eq!(res.status(), 404, "vacancy {id}");
            let body = res.text().await.unwrap();
            assert_eq!(
                main_of(&body),
                main_of(&missing),
                "vacancy {id}: the same page as a missing one"
            );
            let res = k.get(&format!("/terminal/vacancies/{id}/interested")).await;
            assert_eq!(res.status(), 404);
            let res = k
                .post(
                    &format!("/terminal/vacancies/{id}/interested"),
                    &[("statement", "Please"), ("action", "send")],
                )
                .await;
            assert_eq!(res.status(), 404, "cannot apply for excluded vacancy {id}");
        }
    }
    eligible.len()
}

on_both_backends!(
    applying_checks_the_statement_keeps_drafts_and_happens_once,
    |backend| async move {
        let fx = Fixture::new(backend, 11, 16).await;
        let vacancy = *fx.eligible().iter().next().unwrap();
        let k = fx.signed_in().await;
        let path = format!("/terminal/vacancies/{vacancy}/interested");

        let res = k
            .post(&path, &[("statement", "   "), ("action", "send")])
            .await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains("Write a few words about why you want this job"));
        assert!(
            body.contains("href=\"#statement\""),
            "the error summary links to the field"
        );

        let long = "a".repeat(2001);
        for action in ["send", "save"] {
            let res = k
                .post(&path, &[("statement", long.as_str()), ("action", action)])
                .await;
            assert_eq!(res.status(), 422, "{action}");
            assert!(res
                .text()
                .await
                .unwrap()
                .contains("Write 2000 characters or fewer"));
        }

        let res = k
            .post(
                &path,
                &[("statement", "I can drive a forklift."), ("action", "save")],
            )
            .await;
        assert_eq!(res.status(), 200);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("Saved. You can come back and finish it later."));
        let form = k.get(&path).await.text().await.unwrap();
        assert!(
            form.contains(">I can drive a forklift.</textarea>"),
            "the draft is kept on the server"
        );

        let mut conn = fx.app.services.store.conn().unwrap();
        assert!(
            store::applications::for_profile(&mut conn, fx.profile)
                .unwrap()
                .is_empty(),
            "a draft is not an application"
        );

        for _ in 0..2 {
            let res = k
                .post(
                    &path,
                    &[("statement", "I can drive a forklift."), ("action", "send")],
                )
                .await;
            assert_eq!(res.status(), 303);
            assert_eq!(
                res.headers()["location"],
                format!("/terminal/applications/{vacancy}")
            );
        }
        let mine = store::applications::for_profile(&mut conn, fx.profile).unwrap();
        assert_eq!(mine.len(), 1, "submitting twice makes one application");
        assert_eq!(
            store::applications::load_draft(&mut conn, fx.profile, vacancy).unwrap(),
            None
        );
        let queued: i64 = {
            use diesel::prelude::*;
            use fairchance::store::schema::jobs;
            fairchance::with_conn!(&mut conn, |c| jobs::table
                .filter(jobs::kind.eq(fairchance::notify::JOB_KIND))
                .count()
                .get_result(c))
            .unwrap()
        };
        assert_eq!(queued, 1, "the officer's email is queued once");

        // The form now leads to the application; the vacancy page says so.
        let res = k.get(&path).await;
        assert_eq!(res.status(), 303);
        let page = k
            .get(&format!("/terminal/vacancies/{vacancy}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("You said you were interested on"));

        let list = k.get("/terminal/applications").await.text().await.unwrap();
        assert!(list.contains("Sent. Your officer will read it soon."));
        assert!(list.contains(&format!("href=\"/terminal/applications/{vacancy}\"")));
        let one = k
            .get(&format!("/terminal/applications/{vacancy}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(one.contains("I can drive a forklift."));
        assert!(one.contains("Stop this application"));

        // Withdraw, twice: the second changes nothing.
        for _ in 0..2 {
            let res = k
                .post(&format!("/terminal/applications/{vacancy}/withdraw"), &[])
                .await;
            assert_eq!(res.status(), 303);
        }
        let one = k
            .get(&format!("/terminal/applications/{vacancy}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(one.contains("You stopped this application."));
        assert!(!one.contains("Stop this application"));
        let events = store::applications::events(&mut conn, mine[0].id).unwrap();
        assert_eq!(events.len(), 2, "interested, then withdrawn once");

        // Someone else's or a missing application is not found.
        assert_eq!(
            k.get("/terminal/applications/987654321").await.status(),
            404
        );
        assert_eq!(
            k.post("/terminal/applications/987654321/withdraw", &[])
                .await
                .status(),
            404
        );
        let _ = fx.officer;
        fx.app.stop().await;
    }
);

on_both_backends!(search_checks_its_filters_and_pages, |backend| async move {
    let fx = Fixture::new(backend, 11, 30).await;
    let k = fx.signed_in().await;
    let long = "x".repeat(101);
    let res = k.get(&format!("/terminal/find?q={long}")).await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Use 100 characters or fewer"));
    for (query, message) in [
        ("sector=nonsense", "Choose a type of work from the list"),
        ("hours=lots", "Choose hours from the list"),
        ("distance=7", "Choose a distance from the list"),
    ] {
        let res = k.get(&format!("/terminal/find?{query}")).await;
        assert_eq!(res.status(), 422, "{query}");
        let body = res.text().await.unwrap();
        assert!(body.contains(message), "{query}");
    }
    let eligible = fx.eligible();
    let body = k.get("/terminal/find").await.text().await.unwrap();
    if eligible.len() > 10 {
        assert!(
            body.contains("Next page"),
            "more than ten results are paged"
        );
        assert!(body.contains("page=2"));
    }
    assert!(body.contains(&format!("We found {} jobs.", eligible.len())) || eligible.len() == 1);
    // A page past the end shows the last page, not an error.
    assert_eq!(k.get("/terminal/find?page=99").await.status(), 200);
    assert_eq!(k.get("/terminal/find?page=abc").await.status(), 200);
    // Filters narrow: full time only shows 30 hours or more.
    let body = k
        .get("/terminal/find?hours=full")
        .await
        .text()
        .await
        .unwrap();
    let taxonomy = fx.app.services.taxonomy.clone();
    let mut conn = fx.app.services.store.conn().unwrap();
    for id in vacancy_links(&body) {
        let v = store::vacancies::load(&mut conn, id, &taxonomy).unwrap();
        assert!(v.details.hours_per_week() >= 30.0);
    }
    fx.app.stop().await;
});

on_both_backends!(
    welsh_or_english_is_chosen_per_person,
    |backend| async move {
        let fx = Fixture::new(backend, 11, 8).await;
        // Before sign-in, the device page offers both and keeps the choice.
        let device = fx.kiosk();
        let page = get_text(&device, &fx.app.url("/terminal")).await;
        let res = device
            .post(fx.app.url("/terminal/language"))
            .form(&[
                ("lang", "cy"),
                ("back", "/terminal"),
                ("csrf_token", &csrf_in(&page)),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/terminal");
        let page = get_text(&device, &fx.app.url("/terminal")).await;
        assert!(page.contains("<html lang=\"cy\">"));
        assert!(page.contains("Mewngofnodi i chwilio am waith"));
        assert!(page.contains(">English<"));

        // The person's own language (English) applies once they sign in.
        let k = fx.signed_in().await;
        let home = k.get("/terminal/home").await.text().await.unwrap();
        assert!(home.contains("<html lang=\"en\">") && home.contains("Jobs for you"));
        // A back address outside the terminal pages is not followed.
        let res = k
            .post(
                "/terminal/language",
                &[("lang", "cy"), ("back", "https://example.org/")],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/terminal/home");
        let home = k.get("/terminal/home").await.text().await.unwrap();
        assert!(home.contains("<html lang=\"cy\">") && home.contains("Swyddi i chi"));
        let mut conn = fx.app.services.store.conn().unwrap();
        let seeker = access_store::seeker_by_code(&mut conn, &fx.code)
            .unwrap()
            .unwrap();
        assert_eq!(seeker.language, "cy", "the choice is kept with the person");
        // A new session keeps it.
        let k2 = fx.signed_in().await;
        let page = k2.get("/terminal/applications").await.text().await.unwrap();
        assert!(page.contains("Fy ngheisiadau"));
        let res = k2
            .post(
                "/terminal/language",
                &[("lang", "en"), ("back", "/terminal/applications")],
            )
            .await;
        assert_eq!(res.headers()["location"], "/terminal/applications");
        let page = k2.get("/terminal/applications").await.text().await.unwrap();
        assert!(page.contains("My applications"));
        fx.app.stop().await;
    }
);

/// A vendor app: no cookie jar for the device (it sends the credential as a
/// header), but it keeps the session cookie.
fn vendor_app() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

on_both_backends!(
    the_terminal_api_offers_the_same_with_the_same_rules,
    |backend| async move {
        let fx = Fixture::new(backend, 7, 30).await;
        let credential = fx.device.split_once('=').unwrap().1;
        let credential =
            auth::verify_signed(&fx.app.services.config.secret_key, credential).unwrap();
        let app = vendor_app();
        let url = |p: &str| fx.app.url(p);

        // Without a device: refused; with it, sign-in checks its fields.
        let res = app
            .post(url("/api/v1/terminal/session"))
            .json(&serde_json::json!({ "login_code": fx.code, "pin": PIN }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "not an enrolled terminal");
        let res = app
            .post(url("/api/v1/terminal/session"))
            .header("x-device-credential", &credential)
            .json(&serde_json::json!({ "login_code": "", "pin": "12" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["fields"]["login_code"].is_array() && body["fields"]["pin"].is_array());
        let res = app
            .post(url("/api/v1/terminal/session"))
            .header("x-device-credential", &credential)
            .json(&serde_json::json!({ "login_code": fx.code, "pin": "654321" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        let res = app
            .post(url("/api/v1/terminal/session"))
            .header("x-device-credential", &credential)
            .json(&serde_json::json!({ "login_code": fx.code, "pin": PIN }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let csrf = res.json::<serde_json::Value>().await.unwrap()["csrf_token"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(csrf.len(), 64);
        let get = |p: &str| {
            app.get(url(p))
                .header("x-device-credential", &credential)
                .send()
        };
        let post = |p: &str, body: serde_json::Value| {
            app.post(url(p))
                .header("x-device-credential", &credential)
                .header("x-csrf-token", &csrf)
                .json(&body)
                .send()
        };

        let eligible = fx.eligible();
        let ids = |v: &serde_json::Value| -> BTreeSet<i64> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["vacancy_id"].as_i64().unwrap())
                .collect()
        };
        let res = get("/api/v1/terminal/matches").await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["items"][0]["reasons"]
            .as_array()
            .is_some_and(|r| !r.is_empty()));
        assert_eq!(body["total"].as_u64(), Some(eligible.len() as u64));
        let mut approved = ids(&body);
        for page in 2..=10 {
            let body: serde_json::Value = get(&format!("/api/v1/terminal/matches?page={page}"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if ids(&body).is_empty() {
                break;
            }
            approved.extend(ids(&body));
        }
        assert_eq!(approved, eligible, "approved matches that still hold");

        let mut found = BTreeSet::new();
        for page in 1..=10 {
            let body: serde_json::Value = get(&format!("/api/v1/terminal/vacancies?page={page}"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            found.extend(ids(&body));
            if body["page"] == body["pages"] || body["pages"] == 0 {
                break;
            }
        }
        assert_eq!(found, eligible, "search");
        let res = get("/api/v1/terminal/vacancies?distance=3").await.unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["fields"]["distance"].is_array());

        for id in &fx.vacancies {
            let res = get(&format!("/api/v1/terminal/vacancies/{id}"))
                .await
                .unwrap();
            let want = if eligible.contains(id) { 200 } else { 404 };
            assert_eq!(res.status(), want, "vacancy {id}");
            if want == 404 {
                let res = post(
                    &format!("/api/v1/terminal/vacancies/{id}/application"),
                    serde_json::json!({ "statement": "Hello" }),
                )
                .await
                .unwrap();
                assert_eq!(res.status(), 404, "apply for excluded {id}");
            }
        }
        let id = *eligible.iter().next().unwrap();
        let path = format!("/api/v1/terminal/vacancies/{id}/application");
        let res = post(&path, serde_json::json!({ "statement": " " }))
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let res = post(&path, serde_json::json!({ "statement": "a".repeat(2001) }))
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(
            body["fields"]["statement"][0],
            "Write 2000 characters or fewer"
        );
        // Without the CSRF token a cookie session cannot change anything.
        let res = app
            .post(url(&path))
            .header("x-device-credential", &credential)
            .json(&serde_json::json!({ "statement": "Hello" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let res = post(
            &path,
            serde_json::json!({ "statement": "Kept for later", "draft": true }),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = get(&format!("/api/v1/terminal/vacancies/{id}"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["draft"], "Kept for later");
        assert_eq!(body["applied"], false);
        // Sending a CV the person has not written, or a letter that is not
        // approved, is refused beside the choice and nothing is written.
        let res = post(
            &path,
            serde_json::json!({ "statement": "I want this job.", "send_cv": true, "send_disclosure_letter": true }),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["fields"]["send_cv"].is_array(), "{body}");
        assert!(
            body["fields"]["send_disclosure_letter"].is_array(),
            "{body}"
        );
        {
            let mut conn = fx.app.services.store.conn().unwrap();
            assert!(
                fairchance::store::applications::find(&mut conn, fx.profile, id)
                    .unwrap()
                    .is_none()
            );
        }
        // With a CV written, it goes with the application as it is now.
        {
            let mut conn = fx.app.services.store.conn().unwrap();
            let words = fairchance::domain::cv::OwnWords {
                about_me: "I like working with my hands.".into(),
                ..Default::default()
            };
            conn.write(|tx| {
                fairchance::store::cvs::save_words(tx, fx.profile, &words, fairchance::store::now())
            })
            .unwrap();
        }
        let res = post(
            &path,
            serde_json::json!({ "statement": "I want this job.", "send_cv": true }),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 201);
        {
            let mut conn = fx.app.services.store.conn().unwrap();
            let application = fairchance::store::applications::find(&mut conn, fx.profile, id)
                .unwrap()
                .unwrap();
            let sent = fairchance::store::cvs::attached(&mut conn, application.id)
                .unwrap()
                .expect("the CV went with it");
            assert_eq!(sent.words.about_me, "I like working with my hands.");
        }
        let res = post(
            &path,
            serde_json::json!({ "statement": "I want this job." }),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 200, "applying again changes nothing");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["status"], "interested");
        assert_eq!(body["status_text"], "Sent. Your officer will read it soon.");
        let mut conn = fx.app.services.store.conn().unwrap();
        assert_eq!(
            store::applications::for_profile(&mut conn, fx.profile)
                .unwrap()
                .len(),
            1
        );

        let body: serde_json::Value = get("/api/v1/terminal/applications")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["items"].as_array().unwrap().len(), 1);
        let res = post(
            &format!("/api/v1/terminal/applications/{id}/withdraw"),
            serde_json::json!({}),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["status"], "withdrawn");
        assert_eq!(body["can_withdraw"], false);
        let res = post(
            "/api/v1/terminal/applications/987654321/withdraw",
            serde_json::json!({}),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 404);

        let res = app
            .delete(url("/api/v1/terminal/session"))
            .header("x-device-credential", &credential)
            .header("x-csrf-token", &csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        assert_eq!(get("/api/v1/terminal/matches").await.unwrap().status(), 401);
        fx.app.stop().await;
    }
);

on_both_backends!(
    form_posts_with_a_null_origin_pass_only_from_the_same_site,
    |backend| async move {
        let fx = Fixture::new(backend, 11, 2).await;
        let k = fx.signed_in().await;
        for (site, want) in [
            ("same-origin", 303),
            ("cross-site", 403),
            ("same-site", 403),
        ] {
            let res = k
                .client
                .post(format!("{}/terminal/language", k.base))
                .header("origin", "null")
                .header("sec-fetch-site", site)
                .form(&[
                    ("lang", "en"),
                    ("back", "/terminal/home"),
                    ("csrf_token", k.csrf.as_str()),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), want, "Origin: null, Sec-Fetch-Site: {site}");
        }
        fx.app.stop().await;
    }
);

/// The demo job seekers' approved matches: (vacancy title, decided_by set).
fn demo_approved(app: &TestApp) -> Vec<(i64, Vec<String>)> {
    use diesel::prelude::*;
    use fairchance::store::schema::job_seekers;
    let taxonomy = app.services.taxonomy.clone();
    let mut conn = app.services.store.conn().unwrap();
    let profiles: Vec<i64> = fairchance::with_conn!(&mut conn, |c| job_seekers::table
        .select(job_seekers::profile_id)
        .order(job_seekers::id)
        .load(c))
    .unwrap();
    let today = store::now().date();
    profiles
        .into_iter()
        .map(|profile_id| {
            let profile = store::profiles::load(&mut conn, profile_id, &taxonomy).unwrap();
            let records = store::matches::records_for_profile(
                &mut conn,
                profile_id,
                &[fairchance::domain::application::MatchStatus::Approved],
            )
            .unwrap();
            let titles = records
                .iter()
                .map(|r| {
                    assert!(r.decided_by.is_some(), "an officer approved it");
                    let v = store::vacancies::load(&mut conn, r.vacancy_id, &taxonomy).unwrap();
                    assert!(
                        fairchance::domain::matching::assess(&v, &profile, today).eligible(),
                        "an approved demo match holds"
                    );
                    v.details.title().to_string()
                })
                .collect();
            (profile_id, titles)
        })
        .collect()
}

on_both_backends!(
    demo_job_seekers_have_approved_jobs_to_see,
    |backend| async move {
        let first = TestApp::spawn(backend).await;
        let logins = fairchance::seed::demo::seed(&first.services).unwrap();
        assert!(logins.iter().any(|l| l.role == "seeker"));
        let approved = demo_approved(&first);
        assert_eq!(approved.len(), 3, "three demo job seekers");
        for (profile, titles) in &approved {
            assert!(
                !titles.is_empty(),
                "demo profile {profile} has approved matches"
            );
            assert!(titles.len() <= 3);
        }
        // The same data set twice gives the same approvals.
        let second = TestApp::spawn(backend).await;
        fairchance::seed::demo::seed(&second.services).unwrap();
        assert_eq!(
            demo_approved(&second),
            approved,
            "the demo is deterministic"
        );
        first.stop().await;
        second.stop().await;
    }
);

on_both_backends!(
    a_vacancy_starting_as_soon_as_possible_says_when_the_person_could_start,
    |backend| async move {
        use chrono::{Datelike, Duration};
        use diesel::prelude::*;
        use fairchance::domain::vacancy::{VacancyDetails, VacancyStatus};
        use fairchance::seed::generator::{self, Town, TEMPLATES};
        use fairchance::store::schema::profiles;
        use rand::SeedableRng;
        let fx = Fixture::new(backend, 11, 2).await;
        let taxonomy = fx.app.services.taxonomy.clone();
        let today = store::now().date();
        let mut conn = fx.app.services.store.conn().unwrap();
        let employer = store::vacancies::load(&mut conn, fx.vacancies[0], &taxonomy)
            .unwrap()
            .employer_id;
        // Work from home that nothing about the person rules out.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let leeds = Town {
            name: "Leeds".into(),
            lat: 53.7965,
            lon: -1.5478,
        };
        let mut input = generator::vacancy(&mut rng, &TEMPLATES[0], &leeds, "Example", today);
        input.remote = true;
        input.workplace = None;
        input.required_certificates.clear();
        input.needs_driving_licence = false;
        input.regulated_adults = false;
        input.regulated_children = false;
        input.check_level = "none".into();
        input.offence_exclusions.clear();
        input.rotl_suitable = false;
        input.start = Some("asap".into());
        input.start_date = None;
        input.closing_date = None;
        let details = VacancyDetails::parse(&input, &taxonomy).unwrap();
        let id = conn
            .write(|tx| {
                store::vacancies::insert(
                    tx,
                    employer,
                    VacancyStatus::Published,
                    None,
                    &details,
                    store::now(),
                )
            })
            .unwrap();

        // Released three days ago: they could start now.
        let k = fx.signed_in().await;
        let path = format!("/terminal/vacancies/{id}");
        let page = k.get(&path).await.text().await.unwrap();
        assert!(page.contains("As soon as possible"), "{page}");
        assert!(page.contains("You could start now."), "{page}");

        // Still inside, released in 30 days: on the day of release.
        let release = today + Duration::days(30);
        fairchance::with_conn!(&mut conn, |c| diesel::update(
            profiles::table.find(fx.profile)
        )
        .set((
            profiles::release_date.eq(release),
            profiles::updated_at.eq(store::now()),
        ))
        .execute(c)
        .unwrap());
        let page = k.get(&path).await.text().await.unwrap();
        let months = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let on = format!(
            "{} {} {}",
            release.day(),
            months[release.month0() as usize],
            release.year()
        );
        assert!(
            page.contains(&format!("You could start when you are released, on {on}.")),
            "{page}"
        );
        let res = k.post("/terminal/language", &[("lang", "cy")]).await;
        assert_eq!(res.status(), 303);
        let page = k.get(&path).await.text().await.unwrap();
        assert!(page.contains("Cyn gynted â phosibl"), "{page}");
        assert!(
            page.contains("Gallech ddechrau pan gewch eich rhyddhau, ar "),
            "{page}"
        );
        fx.app.stop().await;
    }
);

on_both_backends!(
    the_seekers_pages_say_what_is_true_and_keep_drafts_in_view,
    |backend| async move {
        let fx = Fixture::new(backend, 11, 16).await;
        let eligible = fx.eligible();
        let vacancy = *eligible.iter().next().unwrap();
        let k = fx.signed_in().await;

        // A statement saved for later is listed, with a way back to it.
        let res = k
            .post(
                &format!("/terminal/vacancies/{vacancy}/interested"),
                &[("statement", "I can drive a forklift."), ("action", "save")],
            )
            .await;
        assert_eq!(res.status(), 200);
        let mine = k.get("/terminal/applications").await.text().await.unwrap();
        assert!(
            !mine.contains("You have not asked about any jobs yet"),
            "{mine}"
        );
        assert!(mine.contains("1 application is not sent yet."), "{mine}");
        assert!(mine.contains("Not sent yet."));
        assert!(mine.contains(&format!(
            "href=\"/terminal/vacancies/{vacancy}/interested\""
        )));
        assert!(mine.contains("You have not sent any applications yet."));
        // Sent, it moves to the applications.
        let res = k
            .post(
                &format!("/terminal/vacancies/{vacancy}/interested"),
                &[("statement", "I can drive a forklift."), ("action", "send")],
            )
            .await;
        assert_eq!(res.status(), 303);
        let mine = k.get("/terminal/applications").await.text().await.unwrap();
        assert!(!mine.contains("Not sent yet."));
        assert!(mine.contains("You have 1 application."));

        // Find jobs: the words and the button first, the other choices
        // folded away, one "any" choice for the type of work, and the
        // employer named on each result.
        let page = k.get("/terminal/find").await.text().await.unwrap();
        let main = main_of(&page);
        let details = main.find("<details").expect("the choices fold away");
        assert!(main.find("id=\"q\"").unwrap() < details);
        assert!(details < main.find("id=\"sector\"").unwrap());
        let any =
            main.matches(">Any type of work<").count() + main.matches(">Any kind of work<").count();
        assert_eq!(any, 1, "one way to say any type of work");
        let names: Vec<String> = {
            let ids: Vec<i64> = eligible.iter().copied().collect();
            let mut conn = fx.app.services.store.conn().unwrap();
            store::caseload::vacancy_titles(&mut conn, &ids)
                .unwrap()
                .into_iter()
                .map(|(_, _, employer)| employer)
                .collect()
        };
        assert!(main.contains("class=\"employer\""));
        assert!(names.iter().any(|n| main.contains(n.as_str())), "{main}");
        // A chosen type of work is named on the folded box.
        let page = k
            .get("/terminal/find?hours=part")
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("More choices: type of work, hours, distance: <strong>Part time"));

        // Nothing for these words: say so, and offer every job that fits.
        let page = k
            .get("/terminal/find?q=zzqqxxyy")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("We found no jobs for these words and choices."),
            "{page}"
        );
        assert!(page.contains("href=\"/terminal/find\""));
        assert!(page.contains("jobs that fit you</a>") || page.contains("job that fits you</a>"));

        // Nothing fits the person at all: say that, and point to Jobs for
        // you and their officer instead of "try other words".
        {
            use diesel::prelude::*;
            use fairchance::store::schema::vacancies;
            let mut conn = fx.app.services.store.conn().unwrap();
            fairchance::with_conn!(&mut conn, |c| diesel::update(vacancies::table)
                .set((
                    vacancies::status.eq("closed"),
                    vacancies::updated_at.eq(store::now())
                ))
                .execute(c)
                .unwrap());
        }
        for id in &fx.vacancies {
            fx.app.matcher.sync_vacancy(*id).await.unwrap();
        }
        let page = k
            .get("/terminal/find?q=forklift")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("We found no jobs that fit you at the moment."),
            "{page}"
        );
        assert!(page.contains("href=\"/terminal/jobs-for-you\""));
        assert!(!page.contains("Try other words"));

        // A computer that is not a terminal is told how to become one.
        let res = fx.app.get("/terminal").await;
        assert_eq!(res.status(), 403);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("href=\"/terminal/enrol\""));
    }
);

on_both_backends!(
    the_vacancy_page_says_when_they_ask_about_convictions,
    |backend| async move {
        use diesel::prelude::*;
        use fairchance::store::schema::vacancies;
        let fx = Fixture::new(backend, 11, 24).await;
        let eligible: Vec<i64> = fx.eligible().into_iter().collect();
        let id = {
            let mut conn = fx.app.services.store.conn().unwrap();
            let ids: Vec<i64> = fairchance::with_conn!(&mut conn, |c| vacancies::table
                .filter(vacancies::id.eq_any(&eligible))
                .filter(vacancies::regulated_children.eq(false))
                .filter(vacancies::regulated_adults.eq(false))
                .select(vacancies::id)
                .load::<i64>(c))
            .unwrap();
            let id = ids[0];
            fairchance::with_conn!(&mut conn, |c| diesel::update(
                vacancies::table.filter(vacancies::id.eq(id))
            )
            .set((
                vacancies::check_level.eq("basic"),
                vacancies::convictions_asked.eq("at_offer"),
            ))
            .execute(c))
            .unwrap();
            id
        };
        let k = fx.signed_in().await;
        let page = k
            .get(&format!("/terminal/vacancies/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Questions about convictions"));
        assert!(
            page.contains("They will ask about unspent convictions after offering you the job.")
        );
        assert!(page.contains("A basic check shows unspent convictions only."));
        let res = k
            .post(
                "/terminal/language",
                &[("lang", "cy"), ("back", "/terminal/home")],
            )
            .await;
        assert_eq!(res.status(), 303);
        let page = k
            .get(&format!("/terminal/vacancies/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Cwestiynau am euogfarnau"));
        assert!(
            page.contains(
                "Byddan nhw&#39;n gofyn am euogfarnau heb ddarfod ar ôl cynnig y swydd i chi."
            ) || page.contains(
                "Byddan nhw'n gofyn am euogfarnau heb ddarfod ar ôl cynnig y swydd i chi."
            ),
            "{page}"
        );
        assert!(page.contains("Mae gwiriad sylfaenol yn dangos euogfarnau heb ddarfod yn unig."));
        fx.app.stop().await;
    }
);
