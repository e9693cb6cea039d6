//! The profile API over HTTP, on both backends: officers and integration
//! tokens create, read, replace, list and upsert profiles of their own
//! service; the restricted sections only at their own address, audited;
//! integration tokens made on the admin page reach nothing else, and
//! expiry and revocation take effect at once.

mod common;

use chrono::{Duration, NaiveDate};
use common::{Backend, TestApp};
use diesel::prelude::*;
use fairchance::access::IntegrationScope;
use fairchance::domain::profile::{ProfileDetails, ProfileInput};
use fairchance::seed::generator::{self, Town};
use fairchance::store::integrations::{self, NewIntegration};
use fairchance::store::people::Membership;
use fairchance::store::schema::{audit_log, integration_tokens, profiles};
use fairchance::store::{self, now};
use fairchance::web::routes::{self, Access};
use rand::SeedableRng;
use reqwest::Method;
use serde_json::{json, Value};

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// A profile body the tests control (no restricted sections).
fn body(reference: &str, given: &str, family: &str) -> Value {
    json!({
        "given_name": given,
        "family_name": family,
        "reference": reference,
        "release_date": today() + Duration::days(20),
        "release_area": { "name": "Leeds", "lat": 53.7965, "lon": -1.5478 },
        "travel_radius_km": 15.0,
        "skills": [{ "slug": "pick-and-pack", "source": "prison_work" }],
        "right_to_work": true,
        "readiness": "support_needed"
    })
}

/// How a request proves who it is.
#[derive(Clone)]
enum Auth {
    Nobody,
    /// A staff user's session (cookie and CSRF header).
    Staff(i64),
    Bearer(String),
}

/// Two services with an officer each, an administrator, an employer's
/// member, and one person in each service.
struct World {
    app: TestApp,
    service_x: i64,
    officer_x: i64,
    officer_y: i64,
    admin: i64,
    employer_user: i64,
    profile_y: i64,
}

impl World {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::spawn(backend).await;
        let services = app.services.clone();
        let mut conn = services.store.conn().unwrap();
        let service_x = common::service(&mut conn, "Service X");
        let service_y = common::service(&mut conn, "Service Y");
        let employer = common::approved_employer(&mut conn, "Employer A (test)");
        let mut user =
            |email: &str, membership: Membership| common::staff_user(&mut conn, email, membership);
        let officer_x = user("officer.x@example.org", Membership::Service(service_x));
        let officer_y = user("officer.y@example.org", Membership::Service(service_y));
        let admin = user("admin@example.org", Membership::Admin);
        let employer_user = user("employer@example.org", Membership::Employer(employer));
        let input: ProfileInput = serde_json::from_value(body("Y1000AA", "Yan", "Wye")).unwrap();
        let details = ProfileDetails::parse(&input, &services.taxonomy).unwrap();
        let profile_y = conn
            .write(|tx| {
                store::profiles::insert(tx, service_y, Some(officer_y), "Pseudo Y", &details, now())
            })
            .unwrap();
        World {
            app,
            service_x,
            officer_x,
            officer_y,
            admin,
            employer_user,
            profile_y,
        }
    }

    fn conn(&self) -> store::Conn {
        self.app.services.store.conn().unwrap()
    }

    /// Sends a request; answers the status and the JSON body (Null when
    /// the body is not JSON).
    async fn call(
        &self,
        method: &str,
        path: &str,
        auth: &Auth,
        body: Option<Value>,
    ) -> (u16, Value) {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.app.client.request(method, self.app.url(path));
        match auth {
            Auth::Nobody => {}
            Auth::Staff(user) => {
                let (cookie, csrf) = self.app.staff_session(*user);
                req = req.header("cookie", cookie).header("x-csrf-token", csrf);
            }
            Auth::Bearer(secret) => req = req.bearer_auth(secret),
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Posts a form as the administrator (with the session's CSRF token
    /// unless `csrf` is false); answers the status and the page.
    async fn admin_post(&self, path: &str, fields: &[(&str, &str)], csrf: bool) -> (u16, String) {
        let (cookie, token) = self.app.staff_session(self.admin);
        let mut form = fields.to_vec();
        if csrf {
            form.push(("csrf_token", &token));
        }
        let res = self
            .app
            .client
            .post(self.app.url(path))
            .header("cookie", cookie)
            .form(&form)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// A token for service X made straight in the store.
    fn token(&self, label: &str, scope: IntegrationScope) -> (i64, String) {
        let at = now();
        let new = NewIntegration {
            service_id: self.service_x,
            label,
            scope,
            created_by: Some(self.admin),
            expires_at: at + Duration::days(30),
        };
        integrations::create(&mut self.conn(), &new, at).unwrap()
    }

    /// Audit rows with this action (about `subject`, when given) by an
    /// actor with this label (when given).
    fn audit_count(&self, action: &str, subject: Option<i64>, label: Option<&str>) -> i64 {
        let (action, label) = (action.to_string(), label.map(str::to_string));
        let mut conn = self.conn();
        fairchance::with_conn!(&mut conn, |c| {
            let mut q = audit_log::table
                .filter(audit_log::action.eq(action.clone()))
                .into_boxed();
            if let Some(subject) = subject {
                q = q.filter(audit_log::subject_id.eq(subject));
            }
            if let Some(label) = label.clone() {
                q = q.filter(audit_log::actor_label.eq(label));
            }
            q.count().get_result::<i64>(c).unwrap()
        })
    }

    fn profiles_with_reference(&self, reference: &str) -> i64 {
        let reference = reference.to_string();
        let mut conn = self.conn();
        fairchance::with_conn!(&mut conn, |c| profiles::table
            .filter(profiles::reference.eq(reference.clone()))
            .count()
            .get_result::<i64>(c)
            .unwrap())
    }
}

on_both_backends!(
    officers_create_read_replace_and_are_kept_to_their_service,
    |backend| async move {
        let w = World::new(backend).await;
        let officer = Auth::Staff(w.officer_x);
        // Create: 201 with the id, on the officer's caseload.
        let (status, created) = w
            .call(
                "POST",
                "/api/v1/profiles",
                &officer,
                Some(body("a1234bc", "Ada", "Ash")),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["created"], true);
        let id = created["id"].as_i64().unwrap();
        // Read: the editor's fields, no restricted section.
        let (status, read) = w
            .call("GET", &format!("/api/v1/profiles/{id}"), &officer, None)
            .await;
        assert_eq!(status, 200, "{read}");
        assert_eq!(read["reference"], "A1234BC");
        assert_eq!(read["given_name"], "Ada");
        assert_eq!(read["officer_id"], w.officer_x);
        assert_eq!(read["skills"][0]["slug"], "pick-and-pack");
        for hidden in [
            "curfews",
            "exclusion_zones",
            "offence_categories",
            "barred_children",
        ] {
            assert!(read.get(hidden).is_none(), "{hidden} shown: {read}");
        }
        assert_eq!(w.audit_count("profile.viewed", Some(id), None), 1);
        // Replace: the answer read back changes (an answer sent back as it
        // is, with its read-only fields, is accepted).
        let mut changed = read.clone();
        changed["given_name"] = json!("Adaline");
        changed["travel_radius_km"] = json!(40.0);
        let path = format!("/api/v1/profiles/{id}");
        let (status, saved) = w.call("PUT", &path, &officer, Some(changed)).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(saved, json!({ "id": id, "created": false }));
        let (_, read) = w.call("GET", &path, &officer, None).await;
        assert_eq!(read["given_name"], "Adaline");
        assert_eq!(read["travel_radius_km"], 40.0);
        // 422 with the parser's field errors; restricted sections and
        // unknown fields are refused by name.
        let mut bad = body("B1", "", "Bee");
        bad["travel_radius_km"] = json!(900);
        bad["curfews"] = json!([]);
        bad["favourite_colour"] = json!("green");
        let (status, refused) = w
            .call("POST", "/api/v1/profiles", &officer, Some(bad))
            .await;
        assert_eq!(status, 422, "{refused}");
        assert_eq!(refused["error"], "invalid");
        for field in ["curfews", "favourite_colour"] {
            assert!(refused["fields"][field].is_array(), "{field}: {refused}");
        }
        let mut bad = body("B1", "", "Bee");
        bad["travel_radius_km"] = json!(900);
        let (status, refused) = w
            .call("POST", "/api/v1/profiles", &officer, Some(bad))
            .await;
        assert_eq!(status, 422, "{refused}");
        for field in ["given_name", "travel_radius_km"] {
            assert!(refused["fields"][field].is_array(), "{field}: {refused}");
        }
        // A prison number already in the service is a field error too.
        let (status, taken) = w
            .call(
                "POST",
                "/api/v1/profiles",
                &officer,
                Some(body("A1234BC", "Al", "Ash")),
            )
            .await;
        assert_eq!(status, 422, "{taken}");
        assert!(taken["fields"]["reference"].is_array(), "{taken}");
        // 400 for a body that is not JSON of this shape.
        let mut wrong = body("C1", "Cy", "Cee");
        wrong["release_date"] = json!("not a date");
        let (status, _) = w
            .call("POST", "/api/v1/profiles", &officer, Some(wrong))
            .await;
        assert_eq!(status, 400);
        // 401 anonymous, 403 for an employer and an administrator.
        for (who, expected) in [
            (Auth::Nobody, 401),
            (Auth::Staff(w.employer_user), 403),
            (Auth::Staff(w.admin), 403),
        ] {
            for (method, path) in [("GET", path.as_str()), ("GET", "/api/v1/profiles")] {
                let (status, answer) = w.call(method, path, &who, None).await;
                assert_eq!(status, expected, "{method} {path}: {answer}");
                assert!(answer["error"].is_string(), "{answer}");
            }
            let (status, _) = w
                .call(
                    "POST",
                    "/api/v1/profiles",
                    &who,
                    Some(body("E1", "Ed", "Eff")),
                )
                .await;
            assert_eq!(status, expected);
        }
        // 404 for another service's profile, on every profile route.
        let other = format!("/api/v1/profiles/{}", w.profile_y);
        for (method, path, body) in [
            ("GET", other.clone(), None),
            ("PUT", other.clone(), Some(body("Y1000AA", "Yan", "Wye"))),
            ("GET", format!("{other}/restricted"), None),
            ("PUT", format!("{other}/restricted"), Some(json!({}))),
        ] {
            let (status, answer) = w.call(method, &path, &officer, body).await;
            assert_eq!(status, 404, "{method} {path}: {answer}");
        }
        // Officer Y's profile is untouched and nothing of it was audited for X.
        assert_eq!(
            w.audit_count("profile.restricted_viewed", Some(w.profile_y), None),
            0
        );
        w.app.stop().await;
    }
);

/// The ids a brute-force pass finds for a list query over `people`
/// (id, given, family, reference, release date), in the API's order.
fn expected_ids(
    people: &[(i64, String, String, String, NaiveDate)],
    search: Option<&str>,
    weeks: Option<i64>,
) -> Vec<i64> {
    let today = today();
    let mut found: Vec<&(i64, String, String, String, NaiveDate)> = people
        .iter()
        .filter(|(_, given, family, reference, release)| {
            weeks.is_none_or(|w| *release >= today && *release <= today + Duration::weeks(w))
                && search.is_none_or(|s| store::caseload::name_matches(s, given, family, reference))
        })
        .collect();
    found.sort_by_key(|p| (p.4, p.0));
    found.iter().map(|p| p.0).collect()
}

on_both_backends!(
    the_paged_list_matches_a_brute_force_answer,
    |backend| async move {
        let w = World::new(backend).await;
        let taxonomy = w.app.services.taxonomy.clone();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20);
        let town = Town {
            name: "Leeds".into(),
            lat: 53.7965,
            lon: -1.5478,
        };
        let generated: Vec<ProfileDetails> = (0..57)
            .map(|n| {
                let input = generator::profile(&mut rng, n, &town, today());
                ProfileDetails::parse(&input, &taxonomy).unwrap()
            })
            .collect();
        let mut conn = w.conn();
        let items: Vec<store::profiles::NewProfile> = generated
            .iter()
            .map(|details| store::profiles::NewProfile {
                service_id: w.service_x,
                officer_id: None,
                pseudonym: "",
                details,
            })
            .collect();
        let pseudonyms: Vec<String> = (0..items.len()).map(|n| format!("Pseudo X{n}")).collect();
        let items: Vec<store::profiles::NewProfile> = items
            .into_iter()
            .zip(&pseudonyms)
            .map(|(item, pseudonym)| store::profiles::NewProfile { pseudonym, ..item })
            .collect();
        let ids = conn
            .write(|tx| store::profiles::insert_many(tx, &items, now()))
            .unwrap();
        drop(conn);
        let people: Vec<_> = ids
            .iter()
            .zip(&generated)
            .map(|(id, d)| {
                let name = (d.given_name().to_string(), d.family_name().to_string());
                (
                    *id,
                    name.0,
                    name.1,
                    d.reference().to_string(),
                    d.release_date(),
                )
            })
            .collect();
        let officer = Auth::Staff(w.officer_x);
        let some_family = people[3].2.clone();
        let some_given = people[10].1.clone();
        let queries: Vec<(Option<String>, Option<i64>, u32)> = vec![
            (None, None, 10),
            (None, None, 200),
            (None, Some(4), 7),
            (None, Some(0), 5),
            (Some(some_family.clone()), None, 3),
            (Some(some_given.to_lowercase()), Some(26), 2),
            (Some("D00001".into()), None, 4),
            (Some("Zzzzzz Qqqqq".into()), None, 5),
        ];
        for (search, weeks, per_page) in queries {
            let want = expected_ids(&people, search.as_deref(), weeks);
            let mut got = Vec::new();
            let mut page = 1;
            loop {
                let mut path = format!("/api/v1/profiles?page={page}&per_page={per_page}");
                if let Some(s) = &search {
                    path.push_str(&format!("&q={}", urlencoding(s)));
                }
                if let Some(weeks) = weeks {
                    path.push_str(&format!("&released_within_weeks={weeks}"));
                }
                let (status, answer) = w.call("GET", &path, &officer, None).await;
                assert_eq!(status, 200, "{path}: {answer}");
                assert_eq!(answer["total"], want.len(), "{path}");
                assert_eq!(answer["per_page"], per_page);
                let items = answer["items"].as_array().unwrap();
                assert!(items.len() <= per_page as usize);
                got.extend(items.iter().map(|i| i["id"].as_i64().unwrap()));
                if items.is_empty() || page >= answer["pages"].as_i64().unwrap() {
                    break;
                }
                page += 1;
            }
            assert_eq!(
                got, want,
                "q={search:?} weeks={weeks:?} per_page={per_page}"
            );
        }
        // Another service's people never appear; no silent caps: too big a
        // page is refused, not shortened.
        let (_, all) = w
            .call("GET", "/api/v1/profiles?per_page=200", &officer, None)
            .await;
        assert!(all["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != w.profile_y));
        for bad in [
            "per_page=201",
            "per_page=0",
            "page=0",
            "released_within_weeks=521",
        ] {
            let (status, answer) = w
                .call("GET", &format!("/api/v1/profiles?{bad}"), &officer, None)
                .await;
            assert_eq!(status, 422, "{bad}: {answer}");
        }
        let (status, _) = w
            .call("GET", "/api/v1/profiles?page=two", &officer, None)
            .await;
        assert_eq!(status, 400);
        assert!(w.audit_count("profile.listed", None, None) > 8);
        w.app.stop().await;
    }
);

/// Percent-encodes a query value.
fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

on_both_backends!(
    the_restricted_sections_are_read_and_written_only_at_their_address_and_audited,
    |backend| async move {
        let w = World::new(backend).await;
        let officer = Auth::Staff(w.officer_x);
        let (_, created) = w
            .call(
                "POST",
                "/api/v1/profiles",
                &officer,
                Some(body("R1", "Rae", "Arr")),
            )
            .await;
        let id = created["id"].as_i64().unwrap();
        let restricted = format!("/api/v1/profiles/{id}/restricted");
        let (status, empty) = w.call("GET", &restricted, &officer, None).await;
        assert_eq!(status, 200, "{empty}");
        assert_eq!(empty["offence_categories"], json!([]));
        assert_eq!(
            w.audit_count("profile.restricted_viewed", Some(id), None),
            1
        );
        let sections = json!({
            "curfews": [{ "days": ["mon", "tue"], "start": "19:00", "end": "07:00" }],
            "exclusion_zones": [{ "name": "Bradford", "lat": 53.795, "lon": -1.759, "radius_km": 2.0 }],
            "no_driving": true,
            "other_conditions": "Report weekly",
            "offence_categories": ["dishonesty"],
            "barred_children": true,
            "barred_adults": false
        });
        let (status, saved) = w
            .call("PUT", &restricted, &officer, Some(sections.clone()))
            .await;
        assert_eq!(status, 200, "{saved}");
        // The write is audited as restricted, and so is the read it rests on.
        assert_eq!(
            w.audit_count("profile.restricted_updated", Some(id), None),
            1
        );
        assert_eq!(
            w.audit_count("profile.restricted_viewed", Some(id), None),
            2
        );
        let (_, read) = w.call("GET", &restricted, &officer, None).await;
        assert_eq!(
            w.audit_count("profile.restricted_viewed", Some(id), None),
            3
        );
        for (key, value) in sections.as_object().unwrap() {
            assert_eq!(&read[key], value, "{key}");
        }
        // Bad sections: 422 with the parser's field errors, nothing saved.
        let bad = json!({ "curfews": [{ "days": [], "start": "25:00", "end": "07:00" }], "offence_categories": ["piracy"] });
        let (status, refused) = w.call("PUT", &restricted, &officer, Some(bad)).await;
        assert_eq!(status, 422, "{refused}");
        assert!(
            refused["fields"]["offence_categories"].is_array(),
            "{refused}"
        );
        assert_eq!(
            w.audit_count("profile.restricted_updated", Some(id), None),
            1
        );
        // The general routes neither show nor change them.
        let general = format!("/api/v1/profiles/{id}");
        let (_, read) = w.call("GET", &general, &officer, None).await;
        assert!(read.get("offence_categories").is_none());
        let (status, _) = w
            .call(
                "PUT",
                &general,
                &officer,
                Some(body("R1", "Raelynn", "Arr")),
            )
            .await;
        assert_eq!(status, 200);
        let (_, read) = w.call("GET", &restricted, &officer, None).await;
        assert_eq!(read["offence_categories"], json!(["dishonesty"]));
        assert_eq!(read["curfews"], sections["curfews"]);
        w.app.stop().await;
    }
);

on_both_backends!(
    upserting_by_prison_number_twice_or_at_once_gives_one_profile,
    |backend| async move {
        let w = World::new(backend).await;
        let officer = Auth::Staff(w.officer_x);
        let path = "/api/v1/profiles/by-reference/u1000aa";
        let (status, first) = w
            .call("PUT", path, &officer, Some(body("U1000AA", "Uma", "Yew")))
            .await;
        assert_eq!(status, 201, "{first}");
        let id = first["id"].as_i64().unwrap();
        // The restricted sections survive a replace by prison number.
        let sections = json!({ "offence_categories": ["drugs_supply"], "no_driving": true });
        let restricted = format!("/api/v1/profiles/{id}/restricted");
        let (status, _) = w.call("PUT", &restricted, &officer, Some(sections)).await;
        assert_eq!(status, 200);
        let mut again = body("U1000AA", "Uma", "Yew-Smith");
        again.as_object_mut().unwrap().remove("reference");
        let (status, second) = w.call("PUT", path, &officer, Some(again)).await;
        assert_eq!(status, 200, "{second}");
        assert_eq!(second, json!({ "id": id, "created": false }));
        assert_eq!(w.profiles_with_reference("U1000AA"), 1);
        let (_, read) = w
            .call("GET", &format!("/api/v1/profiles/{id}"), &officer, None)
            .await;
        assert_eq!(read["family_name"], "Yew-Smith");
        let (_, read) = w.call("GET", &restricted, &officer, None).await;
        assert_eq!(read["offence_categories"], json!(["drugs_supply"]));
        // Another service's same prison number is another person.
        let (status, _) = w
            .call(
                "PUT",
                "/api/v1/profiles/by-reference/Y1000AA",
                &officer,
                Some(body("Y1000AA", "Yan", "Wye")),
            )
            .await;
        assert_eq!(status, 201);
        // A body naming another prison number is refused.
        let (status, refused) = w
            .call("PUT", path, &officer, Some(body("OTHER1", "Uma", "Yew")))
            .await;
        assert_eq!(status, 422);
        assert!(refused["fields"]["reference"].is_array(), "{refused}");
        // Eight calls at once for a new prison number: one creates it,
        // the others replace it.
        let calls = (0..8).map(|n| {
            let w = &w;
            let officer = officer.clone();
            async move {
                w.call(
                    "PUT",
                    "/api/v1/profiles/by-reference/C2000CC",
                    &officer,
                    Some(body("C2000CC", "Cal", &format!("Sea{n}"))),
                )
                .await
            }
        });
        let answers = futures_util::future::join_all(calls).await;
        let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "{answers:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            7,
            "{answers:?}"
        );
        let ids: std::collections::BTreeSet<i64> = answers
            .iter()
            .map(|(_, a)| a["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 1);
        assert_eq!(w.profiles_with_reference("C2000CC"), 1);
        w.app.stop().await;
    }
);

/// Every route of the table other than the profile API, with ids in it.
fn other_routes() -> Vec<(&'static str, String)> {
    routes::table()
        .into_iter()
        .filter(|r| r.access != Access::Profiles)
        .map(|r| {
            let path = r.path.replace("{id}", "1").replace("{vacancy_id}", "1");
            (r.method, path)
        })
        .collect()
}

/// Makes a token for service X on the admin page; answers its secret.
async fn token_from_admin_page(w: &World, label: &str, scope: &str) -> String {
    let service = w.service_x.to_string();
    let form = [
        ("service_id", service.as_str()),
        ("name", label),
        ("scope", scope),
        ("expires_in_days", "30"),
    ];
    let (status, page) = w.admin_post("/admin/integrations", &form, true).await;
    assert_eq!(status, 200);
    let start = page.find("fci_").expect("the secret is shown once");
    page[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

on_both_backends!(
    integration_tokens_reach_their_services_profiles_only,
    |backend| async move {
        let w = World::new(backend).await;
        let secret = token_from_admin_page(&w, "Nightly sync", "profiles:write").await;
        let writer = Auth::Bearer(secret.clone());
        // Only the digest is stored.
        let mut conn = w.conn();
        let stored: Vec<(String, String)> = fairchance::with_conn!(&mut conn, |c| {
            integration_tokens::table
                .select((integration_tokens::token_hash, integration_tokens::prefix))
                .load(c)
                .unwrap()
        });
        drop(conn);
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0].0, secret);
        assert_eq!(stored[0].0, fairchance::access::token::digest(&secret));
        assert!(secret.starts_with(&stored[0].1));
        // It creates, reads, replaces and lists its service's people.
        let (status, created) = w
            .call(
                "POST",
                "/api/v1/profiles",
                &writer,
                Some(body("T1", "Tam", "Tee")),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_i64().unwrap();
        let path = format!("/api/v1/profiles/{id}");
        let (status, read) = w.call("GET", &path, &writer, None).await;
        assert_eq!(status, 200);
        assert_eq!(read["officer_id"], Value::Null);
        let (status, _) = w
            .call("PUT", &path, &writer, Some(body("T1", "Tamsin", "Tee")))
            .await;
        assert_eq!(status, 200);
        let (status, _) = w
            .call(
                "PUT",
                "/api/v1/profiles/by-reference/T2",
                &writer,
                Some(body("T2", "Tod", "Tee")),
            )
            .await;
        assert_eq!(status, 201);
        let (status, _) = w
            .call(
                "PUT",
                &format!("{path}/restricted"),
                &writer,
                Some(json!({ "no_driving": true })),
            )
            .await;
        assert_eq!(status, 200);
        let (_, list) = w.call("GET", "/api/v1/profiles", &writer, None).await;
        assert_eq!(list["total"], 2, "{list}");
        // Not another service's.
        let other = format!("/api/v1/profiles/{}", w.profile_y);
        let (status, _) = w.call("GET", &other, &writer, None).await;
        assert_eq!(status, 404);
        // Every use is audited under the token's label.
        for action in [
            "profile.created",
            "profile.viewed",
            "profile.updated",
            "profile.listed",
            "profile.restricted_updated",
        ] {
            assert!(
                w.audit_count(action, None, Some("Nightly sync")) >= 1,
                "{action}"
            );
        }
        // Every other route refuses it, in JSON.
        for (method, path) in other_routes() {
            let body = (method != "GET").then(|| json!({}));
            let (status, answer) = w.call(method, &path, &writer, body).await;
            assert_eq!(status, 403, "{method} {path}: {answer}");
            assert_eq!(answer["error"], "forbidden", "{method} {path}");
        }
        // A read token reads but cannot write.
        let (_, read_secret) = w.token("Reporting", IntegrationScope::ProfilesRead);
        let reader = Auth::Bearer(read_secret);
        let (status, _) = w.call("GET", &path, &reader, None).await;
        assert_eq!(status, 200);
        let (status, _) = w
            .call("GET", &format!("{path}/restricted"), &reader, None)
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            w.audit_count("profile.restricted_viewed", Some(id), Some("Reporting")),
            1
        );
        for (method, path, body) in [
            (
                "POST",
                "/api/v1/profiles".to_string(),
                body("T3", "Tia", "Tee"),
            ),
            ("PUT", path.clone(), body("T1", "Tamsin", "Tee")),
            (
                "PUT",
                "/api/v1/profiles/by-reference/T3".to_string(),
                body("T3", "Tia", "Tee"),
            ),
            ("PUT", format!("{path}/restricted"), json!({})),
        ] {
            let (status, answer) = w.call(method, &path, &reader, Some(body)).await;
            assert_eq!(status, 403, "{method} {path}: {answer}");
        }
        // The admin page shows its last use; revoking it there stops it at once.
        let (cookie, _) = w.app.staff_session(w.admin);
        let page = w
            .app
            .client
            .get(w.app.url("/admin/integrations"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Nightly sync") && page.contains("Reporting"));
        assert!(!page.contains(&secret), "the secret is shown only once");
        let token_id: i64 = {
            let mut conn = w.conn();
            fairchance::with_conn!(&mut conn, |c| integration_tokens::table
                .filter(integration_tokens::label.eq("Nightly sync"))
                .select(integration_tokens::id)
                .first(c)
                .unwrap())
        };
        let used: Option<chrono::NaiveDateTime> = {
            let mut conn = w.conn();
            fairchance::with_conn!(&mut conn, |c| integration_tokens::table
                .find(token_id)
                .select(integration_tokens::last_used_at)
                .first(c)
                .unwrap())
        };
        let used = used.expect("last use recorded");
        assert!(page.contains(&used.format("%d %b %Y %H:%M").to_string()));
        let revoke = format!("/admin/integrations/{token_id}/revoke");
        let (status, _) = w.admin_post(&revoke, &[], true).await;
        assert_eq!(status, 200);
        let (status, _) = w.call("GET", &path, &writer, None).await;
        assert_eq!(status, 401);
        assert_eq!(
            w.audit_count("integration_token.revoked", Some(token_id), None),
            1
        );
        // Expiry takes effect at once too.
        let (expiring, expiring_secret) = w.token("Short lived", IntegrationScope::ProfilesWrite);
        let short = Auth::Bearer(expiring_secret);
        let (status, _) = w.call("GET", &path, &short, None).await;
        assert_eq!(status, 200);
        {
            let past = now() - Duration::seconds(1);
            let mut conn = w.conn();
            fairchance::with_conn!(&mut conn, |c| diesel::update(
                integration_tokens::table.find(expiring)
            )
            .set(integration_tokens::expires_at.eq(past))
            .execute(c)
            .unwrap());
        }
        let (status, _) = w.call("GET", &path, &short, None).await;
        assert_eq!(status, 401);
        // An officer of another service cannot reach what the token made.
        let (status, _) = w.call("GET", &path, &Auth::Staff(w.officer_y), None).await;
        assert_eq!(status, 404);
        w.app.stop().await;
    }
);

/// The admin form refuses what it cannot make, field by field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_form_says_what_is_wrong() {
    let w = World::new(Backend::Sqlite).await;
    let form = [
        ("service_id", "999999"),
        ("name", ""),
        ("scope", "everything"),
        ("expires_in_days", "9000"),
    ];
    let (status, page) = w.admin_post("/admin/integrations", &form, true).await;
    assert_eq!(status, 422);
    for message in [
        "Enter what the token is for",
        "Choose what the token may do",
        "from 1 to 365",
    ] {
        assert!(page.contains(message), "{message}");
    }
    // A service that does not exist.
    let form = [
        ("service_id", "999999"),
        ("name", "Sync"),
        ("scope", "profiles:read"),
        ("expires_in_days", "10"),
    ];
    let (status, _) = w.admin_post("/admin/integrations", &form, true).await;
    assert_eq!(status, 422);
    // Without the CSRF token the form is refused.
    let (status, _) = w.admin_post("/admin/integrations", &form, false).await;
    assert_eq!(status, 403);
    w.app.stop().await;
}
