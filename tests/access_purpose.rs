//! The purpose of access to a person's restricted sections: asked once per
//! person per staff session before anything restricted is shown, recorded
//! in the audit rows, the export and the API's rows.

mod common;

use chrono::Duration;
use common::{Backend, TestApp};
use diesel::prelude::*;
use fairchance::domain::geo::PlaceInput;
use fairchance::domain::profile::{ProfileDetails, ProfileInput, ProfileSkillInput};
use fairchance::store::people::Membership;
use fairchance::store::schema::{audit_log, session_purposes};
use fairchance::store::{self, now};
use serde_json::Value;

/// A service with two officers and one person with an offence category,
/// and an officer of another service.
struct World {
    app: TestApp,
    service: i64,
    officer: i64,
    colleague: i64,
    profile: i64,
}

/// A fictional person on the officer's caseload, with arson recorded.
fn person() -> ProfileInput {
    ProfileInput {
        given_name: "Quentin".into(),
        family_name: "Testperson".into(),
        reference: "Q1000AA".into(),
        release_date: Some(chrono::Utc::now().date_naive() + Duration::days(30)),
        release_area: Some(PlaceInput {
            name: "Leeds".into(),
            lat: 53.7965,
            lon: -1.5478,
        }),
        travel_radius_km: 20.0,
        skills: vec![ProfileSkillInput {
            slug: "pick-and-pack".into(),
            source: "prison_work".into(),
        }],
        right_to_work: true,
        readiness: "support_needed".into(),
        offence_categories: vec!["arson".into()],
        ..ProfileInput::default()
    }
}

impl World {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::spawn(backend).await;
        let mut conn = app.services.store.conn().unwrap();
        let service = common::service(&mut conn, "Service P");
        let officer = common::staff_user(
            &mut conn,
            "officer.p@example.org",
            Membership::Service(service),
        );
        let colleague = common::staff_user(
            &mut conn,
            "officer.q@example.org",
            Membership::Service(service),
        );
        let details = ProfileDetails::parse(&person(), &app.services.taxonomy).unwrap();
        let at = now();
        let profile = conn
            .write(|tx| {
                store::profiles::insert(tx, service, Some(officer), "Pseudo P", &details, at)
            })
            .unwrap();
        World {
            app,
            service,
            officer,
            colleague,
            profile,
        }
    }

    async fn get(&self, cookie: &str, path: &str) -> (u16, String) {
        let res = self
            .app
            .client
            .get(self.app.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// Posts the purpose form; the status, the Location and the body.
    async fn give(
        &self,
        session: &(String, String),
        fields: &[(&str, &str)],
    ) -> (u16, String, String) {
        let mut form = fields.to_vec();
        form.push(("csrf_token", &session.1));
        let path = format!("/officer/profiles/{}/restricted/purpose", self.profile);
        let res = self
            .app
            .client
            .post(self.app.url(&path))
            .header("cookie", &session.0)
            .form(&form)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (status, location, res.text().await.unwrap())
    }

    fn restricted_path(&self) -> String {
        format!("/officer/profiles/{}/restricted", self.profile)
    }

    /// The details of the person's restricted audit rows of `action`, in order.
    fn details(&self, action: &str) -> Vec<Value> {
        let mut conn = self.app.services.store.conn().unwrap();
        let (action, id) = (action.to_string(), self.profile);
        let rows: Vec<Option<String>> = fairchance::with_conn!(&mut conn, |c| audit_log::table
            .filter(audit_log::action.eq(&action))
            .filter(audit_log::subject_id.eq(id))
            .order(audit_log::id)
            .select(audit_log::detail)
            .load(c)
            .unwrap());
        rows.into_iter()
            .map(|d| serde_json::from_str(&d.unwrap_or_default()).unwrap_or(Value::Null))
            .collect()
    }

    fn remembered(&self) -> i64 {
        let mut conn = self.app.services.store.conn().unwrap();
        fairchance::with_conn!(&mut conn, |c| session_purposes::table
            .count()
            .get_result::<i64>(c)
            .unwrap())
    }
}

const VIEWED: &str = "profile.restricted_viewed";

on_both_backends!(
    the_restricted_page_asks_why_before_showing_anything,
    |backend| async move {
        let w = World::new(backend).await;
        let session = w.app.staff_session(w.officer);
        let (status, page) = w.get(&session.0, &w.restricted_path()).await;
        assert_eq!(status, 200);
        assert!(page.contains("Why do you need to see it?"), "{page}");
        assert!(page.contains("Quentin Testperson"));
        assert!(page.contains("name=\"csrf_token\""));
        assert!(!page.contains("Arson"), "no offence data before the answer");
        assert!(w.details(VIEWED).is_empty(), "nothing restricted was read");
        // The editor asks too, and says it leads back to the editor.
        let edit = format!("{}/edit", w.restricted_path());
        let (status, page) = w.get(&session.0, &edit).await;
        assert_eq!(status, 200);
        assert!(page.contains("name=\"next\" value=\"edit\"") && !page.contains("Arson"));
        assert!(w.details(VIEWED).is_empty());

        // No choice, and "other" without enough text: 422 beside the field.
        let (status, _, page) = w.give(&session, &[("next", "page")]).await;
        assert_eq!(status, 422);
        assert!(page.contains("Choose why you need to see this"), "{page}");
        assert!(page.contains("id=\"purpose-error\""));
        let (status, _, page) = w
            .give(
                &session,
                &[("purpose", "other"), ("purpose_detail", " ab ")],
            )
            .await;
        assert_eq!(status, 422);
        assert!(page.contains("Say why, in 3 to 200 characters"), "{page}");
        assert!(page.contains("id=\"purpose_detail-error\""));
        let (status, _, _) = w.give(&session, &[("purpose", "bogus")]).await;
        assert_eq!(status, 422);
        // Without the CSRF token the answer is refused.
        let res = w
            .app
            .client
            .post(w.app.url(&format!("{}/purpose", w.restricted_path())))
            .header("cookie", &session.0)
            .form(&[("purpose", "risk_check")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 403);
        assert_eq!(w.remembered(), 0, "nothing remembered from refused answers");
        assert!(w.details(VIEWED).is_empty());
    }
);

on_both_backends!(
    a_purpose_is_remembered_for_the_session_and_the_person_and_audited,
    |backend| async move {
        let w = World::new(backend).await;
        let session = w.app.staff_session(w.officer);
        let fields = [
            ("purpose", "other"),
            ("purpose_detail", "  Preparing a court report "),
            ("next", "page"),
        ];
        let (status, location, _) = w.give(&session, &fields).await;
        assert_eq!(status, 303);
        assert_eq!(location, w.restricted_path());
        let (status, page) = w.get(&session.0, &location).await;
        assert_eq!(status, 200);
        assert!(page.contains("Arson"), "{page}");
        let rows = w.details(VIEWED);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["purpose"], "other");
        assert_eq!(rows[0]["purpose_detail"], "Preparing a court report");
        assert_eq!(rows[0]["what"], "offence, licence and barred sections");
        // The audit page says why, in words.
        let mut conn = w.app.services.store.conn().unwrap();
        let admin = common::staff_user(&mut conn, "admin.p@example.org", Membership::Admin);
        let (admin_cookie, _) = w.app.staff_session(admin);
        let audit = format!("/admin/audit?action={VIEWED}");
        let (status, page) = w.get(&admin_cookie, &audit).await;
        assert_eq!(status, 200);
        assert!(
            page.contains("Purpose: Other: Preparing a court report"),
            "{page}"
        );
        // Asked once: the page and the editor open at once in this session.
        let (_, page) = w.get(&session.0, &w.restricted_path()).await;
        assert!(page.contains("Arson"));
        let (_, edit) = w
            .get(&session.0, &format!("{}/edit", w.restricted_path()))
            .await;
        assert!(!edit.contains("Why do you need to see it?"));
        assert_eq!(w.details(VIEWED).len(), 3);
        assert!(w.details(VIEWED).iter().all(|d| d["purpose"] == "other"));
        // `next` leads only to this person's restricted pages.
        let edit_next = [("purpose", "risk_check"), ("next", "edit")];
        let (_, location, _) = w.give(&session, &edit_next).await;
        assert_eq!(location, format!("{}/edit", w.restricted_path()));
        let elsewhere = [("purpose", "risk_check"), ("next", "https://example.com/")];
        let (_, location, _) = w.give(&session, &elsewhere).await;
        assert_eq!(location, w.restricted_path());
        let (_, page) = w.get(&session.0, &w.restricted_path()).await;
        assert!(page.contains("Arson"));
        assert_eq!(w.details(VIEWED).last().unwrap()["purpose"], "risk_check");

        // A new session asks again; so does a colleague's.
        for user in [w.officer, w.colleague] {
            let other = w.app.staff_session(user);
            let (status, page) = w.get(&other.0, &w.restricted_path()).await;
            assert_eq!(status, 200);
            assert!(page.contains("Why do you need to see it?") && !page.contains("Arson"));
        }
        // Signing out forgets it.
        assert_eq!(w.remembered(), 1);
        let res = w
            .app
            .client
            .post(w.app.url("/sign-out"))
            .header("cookie", &session.0)
            .form(&[("csrf_token", session.1.as_str())])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{}", res.status());
        assert_eq!(w.remembered(), 0, "the purpose went with the session");
    }
);

on_both_backends!(
    a_restricted_change_records_its_purpose_and_the_export_shows_it,
    |backend| async move {
        let w = World::new(backend).await;
        let session = w.app.staff_session(w.officer);
        let fields = [("purpose", "persons_request"), ("next", "edit")];
        assert_eq!(w.give(&session, &fields).await.0, 303);
        let res = w
            .app
            .client
            .post(w.app.url(&w.restricted_path()))
            .header("cookie", &session.0)
            .form(&[
                ("offence_categories", "driving"),
                ("csrf_token", session.1.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303);
        let updated = w.details("profile.restricted_updated");
        assert_eq!(updated.len(), 1);
        assert_eq!(updated[0]["purpose"], "persons_request");
        assert_eq!(
            updated[0]["restricted_changed"], true,
            "today's detail kept"
        );
        // The export: the page's audit section and the JSON say why.
        let export = format!("/officer/profiles/{}/export", w.profile);
        let (status, page) = w.get(&session.0, &export).await;
        assert_eq!(status, 200);
        assert!(page.contains("<th scope=\"col\">purpose</th>"), "{page}");
        assert!(page.contains("s request</td>"), "the purpose in words");
        let (_, json) = w.get(&session.0, &format!("{export}.json")).await;
        let body: Value = serde_json::from_str(&json).unwrap();
        let audit = body["tables"]["audit_log"].as_array().unwrap();
        assert!(audit
            .iter()
            .any(|r| r["action"] == "profile.restricted_updated"
                && r["purpose"] == "The person's request"));
    }
);

on_both_backends!(
    the_api_records_the_purpose_given_or_api,
    |backend| async move {
        let w = World::new(backend).await;
        let (cookie, _) = w.app.staff_session(w.officer);
        let path = format!("/api/v1/profiles/{}/restricted", w.profile);
        let call = |query: &'static str| {
            let (w, cookie, path) = (&w, cookie.clone(), path.clone());
            async move {
                let res = w
                    .app
                    .client
                    .get(w.app.url(&format!("{path}{query}")))
                    .header("cookie", cookie)
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                (status, res.json::<Value>().await.unwrap())
            }
        };
        let (status, body) = call("").await;
        assert_eq!(status, 200);
        assert_eq!(body["offence_categories"][0], "arson");
        assert_eq!(w.details(VIEWED).last().unwrap()["purpose"], "api");
        let (status, _) = call("?purpose=matching_review").await;
        assert_eq!(status, 200);
        assert_eq!(
            w.details(VIEWED).last().unwrap()["purpose"],
            "matching_review"
        );
        let (status, body) = call("?purpose=other&purpose_detail=Home%20visit%20plan").await;
        assert_eq!(status, 200, "{body}");
        let last = w.details(VIEWED).pop().unwrap();
        assert_eq!(
            (last["purpose"].as_str(), last["purpose_detail"].as_str()),
            (Some("other"), Some("Home visit plan"))
        );
        let before = w.details(VIEWED).len();
        let (status, body) = call("?purpose=nosiness").await;
        assert_eq!(status, 422);
        assert!(body["fields"]["purpose"].is_array(), "{body}");
        let (status, body) = call("?purpose=other").await;
        assert_eq!(status, 422);
        assert!(body["fields"]["purpose_detail"].is_array(), "{body}");
        assert_eq!(
            w.details(VIEWED).len(),
            before,
            "refused reads are not made"
        );
    }
);

on_both_backends!(
    api_writes_and_integration_reads_record_their_purpose,
    |backend| async move {
        let w = World::new(backend).await;
        let path = format!("/api/v1/profiles/{}/restricted", w.profile);
        // An officer's change with a purpose.
        let (cookie, csrf) = w.app.staff_session(w.officer);
        let res = w
            .app
            .client
            .put(w.app.url(&format!("{path}?purpose=risk_check")))
            .header("cookie", cookie)
            .header("x-csrf-token", csrf)
            .json(&serde_json::json!({ "offence_categories": ["drugs_supply"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
        let updated = w.details("profile.restricted_updated");
        assert_eq!(updated.last().unwrap()["purpose"], "risk_check");
        assert_eq!(w.details(VIEWED).last().unwrap()["purpose"], "risk_check");
        // An integration token that gives none: `integration` and its label.
        let at = now();
        let new = fairchance::store::integrations::NewIntegration {
            service_id: w.service,
            label: "Nightly sync (test)",
            scope: fairchance::access::IntegrationScope::ProfilesRead,
            created_by: None,
            expires_at: at + Duration::days(30),
        };
        let mut conn = w.app.services.store.conn().unwrap();
        let (_, secret) = fairchance::store::integrations::create(&mut conn, &new, at).unwrap();
        let res = w
            .app
            .client
            .get(w.app.url(&path))
            .bearer_auth(secret)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let last = w.details(VIEWED).pop().unwrap();
        assert_eq!(last["purpose"], "integration");
        assert_eq!(last["purpose_detail"], "Nightly sync (test)");
    }
);
