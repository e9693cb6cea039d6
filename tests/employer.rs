//! The employer portal over HTTP on both backends: the vacancy editor and
//! its lifecycle, the vacancy API, the applications inbox, the dashboard,
//! tenant isolation and the line never crossed (no offence, licence or
//! barred information reaches an employer).

mod common;

use chrono::{Duration, NaiveDate};
use common::{Backend, TestApp};
use diesel::prelude::*;
use fairchance::access::password;
use fairchance::domain::application::ApplicationStatus;
use fairchance::domain::geo::ExclusionZoneInput;
use fairchance::domain::profile::ProfileDetails;
use fairchance::domain::schedule::TimeWindowInput;
use fairchance::domain::vacancy::{VacancyDetails, VacancyStatus};
use fairchance::seed::generator::{self, Town, TEMPLATES};
use fairchance::store::applications::{self as app_store, Actor, Change};
use fairchance::store::people::{
    self, EmployerStatus, Membership, NewEmployer, NewService, NewUser, ServiceKind,
};
use fairchance::store::schema::{jobs, vacancies};
use fairchance::store::{self, access as access_store, now};
use rand::SeedableRng;
use reqwest::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery staple";
const LICENCE_TEXT: &str = "Must not contact the family at Quarry Lane";
const ZONE_NAME: &str = "Roundhay exclusion area";

struct Fixture {
    app: TestApp,
    service: i64,
    employer_a: i64,
    user_a: i64,
    user_b: i64,
    officer: i64,
    admin: i64,
    vacancy_a: i64,
    vacancy_b: i64,
    application: i64,
    token_a: String,
    token_b: String,
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

impl Fixture {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::spawn(backend).await;
        let services = app.services.clone();
        let hash = password::hash(PASSWORD).unwrap();
        let mut conn = services.store.conn().unwrap();
        let at = now();
        let service = people::create_service(
            &mut conn,
            &NewService {
                name: "HMP Example",
                kind: ServiceKind::Prison,
                place_name: "Leeds",
                lat: 53.8,
                lon: -1.5,
            },
        )
        .unwrap();
        let employer = |c: &mut store::Conn, name: &str| {
            people::create_employer(
                c,
                &NewEmployer {
                    name,
                    sector_slug: "warehousing",
                    contact_name: "Contact Person",
                    contact_email: &format!("{}@example.org", name.replace(' ', ".")),
                    contact_phone: None,
                    address: "1 Example Road",
                    website: None,
                    status: EmployerStatus::Approved,
                    decided_by: None,
                },
            )
            .unwrap()
        };
        let employer_a = employer(&mut conn, "Employer A");
        let employer_b = employer(&mut conn, "Employer B");
        let user = |c: &mut store::Conn, email: &str, membership: Membership| {
            people::create_user(
                c,
                &NewUser {
                    email,
                    display_name: email,
                    password_hash: &hash,
                    membership,
                },
            )
            .unwrap()
        };
        let user_a = user(
            &mut conn,
            "a@employer.example",
            Membership::Employer(employer_a),
        );
        let user_b = user(
            &mut conn,
            "b@employer.example",
            Membership::Employer(employer_b),
        );
        let officer = user(
            &mut conn,
            "officer@prison.example",
            Membership::Service(service),
        );
        let admin = user(&mut conn, "admin@fairchance.example", Membership::Admin);

        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let town = Town {
            name: "Leeds".into(),
            lat: 53.7965,
            lon: -1.5478,
        };
        let t = &services.taxonomy;
        // A's vacancy states no exclusions, so any offence word on A's pages
        // could only have come from the candidate.
        let mut v1_input = generator::vacancy(&mut rng, &TEMPLATES[0], &town, "A", today());
        v1_input.offence_exclusions.clear();
        v1_input.check_level = "basic".into();
        v1_input.regulated_children = false;
        v1_input.regulated_adults = false;
        let v1 = VacancyDetails::parse(&v1_input, t).unwrap();
        let v2 = VacancyDetails::parse(
            &generator::vacancy(&mut rng, &TEMPLATES[1], &town, "B", today()),
            t,
        )
        .unwrap();
        let vacancy_a = conn
            .write(|tx| {
                store::vacancies::insert(tx, employer_a, VacancyStatus::Published, None, &v1, at)
            })
            .unwrap();
        let vacancy_b = conn
            .write(|tx| {
                store::vacancies::insert(tx, employer_b, VacancyStatus::Published, None, &v2, at)
            })
            .unwrap();

        // A person with everything an employer must never see.
        let mut input = generator::profile(&mut rng, 1, &town, today());
        input.offence_categories = vec!["violence".into(), "dishonesty".into()];
        input.barred_children = true;
        input.barred_adults = true;
        input.other_conditions = LICENCE_TEXT.into();
        input.curfews = vec![TimeWindowInput {
            days: vec!["mon".into(), "tue".into()],
            start: "21:00".into(),
            end: "06:00".into(),
        }
        .into()];
        input.exclusion_zones = vec![ExclusionZoneInput {
            name: ZONE_NAME.into(),
            lat: 53.83,
            lon: -1.5,
            radius_km: 1.0,
            ends_on: None,
        }];
        let profile_details = ProfileDetails::parse(&input, t).unwrap();
        let profile = conn
            .write(|tx| {
                store::profiles::insert(
                    tx,
                    service,
                    Some(officer),
                    "Candidate Kestrel",
                    &profile_details,
                    at,
                )
            })
            .unwrap();
        // The officer forwards an application (the store, as the officer's
        // pages would).
        let submitted = app_store::submit(
            &mut conn,
            profile,
            vacancy_a,
            "I have done this work before and want to do it again.",
            at,
        )
        .unwrap();
        let application = submitted.application.id;
        for to in [ApplicationStatus::UnderReview, ApplicationStatus::Forwarded] {
            conn.write(|tx| {
                app_store::change_status(
                    tx,
                    application,
                    &Change::to(to),
                    Actor::officer(officer),
                    at,
                )
            })
            .unwrap();
        }
        let (_, token_a) = access_store::create_api_token(
            &mut conn,
            employer_a,
            user_a,
            "ATS A",
            at + chrono::Duration::days(365),
            at,
        )
        .unwrap();
        let (_, token_b) = access_store::create_api_token(
            &mut conn,
            employer_b,
            user_b,
            "ATS B",
            at + chrono::Duration::days(365),
            at,
        )
        .unwrap();
        Fixture {
            app,
            service,
            employer_a,
            user_a,
            user_b,
            officer,
            admin,
            vacancy_a,
            vacancy_b,
            application,
            token_a,
            token_b,
        }
    }

    fn conn(&self) -> store::Conn {
        self.app.services.store.conn().unwrap()
    }

    async fn get_as(&self, user: i64, path: &str) -> reqwest::Response {
        let (cookie, _) = self.app.staff_session(user);
        self.app
            .client
            .get(self.app.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
    }

    async fn post_as(
        &self,
        user: i64,
        path: &str,
        fields: &[(String, String)],
    ) -> reqwest::Response {
        let (cookie, csrf) = self.app.staff_session(user);
        let mut fields = fields.to_vec();
        fields.push(("csrf_token".into(), csrf));
        self.app
            .client
            .post(self.app.url(path))
            .header("cookie", cookie)
            .form(&fields)
            .send()
            .await
            .unwrap()
    }

    async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut req = self
            .app
            .client
            .request(method, self.app.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.unwrap()
    }

    fn vacancy_count(&self) -> i64 {
        let mut conn = self.conn();
        store::vacancies::count(&mut conn).unwrap()
    }

    fn jobs_of_kind(&self, kind: &str) -> i64 {
        let mut conn = self.conn();
        let kind = kind.to_string();
        fairchance::with_conn!(&mut conn, |c| jobs::table
            .filter(jobs::kind.eq(&kind))
            .count()
            .get_result::<i64>(c)
            .unwrap())
    }

    /// Queued emails, opened as the worker opens them (an invitation's is
    /// sealed with the secret key).
    fn emails(&self) -> Vec<Value> {
        let mut conn = self.conn();
        let payloads: Vec<String> = fairchance::with_conn!(&mut conn, |c| jobs::table
            .filter(jobs::kind.eq("email.send"))
            .order(jobs::id)
            .select(jobs::payload)
            .load(c)
            .unwrap());
        let key = &self.app.services.config.secret_key;
        payloads
            .iter()
            .map(|p| {
                serde_json::to_value(fairchance::notify::open_payload(key, p).unwrap()).unwrap()
            })
            .collect()
    }

    fn status_of(&self, id: i64) -> String {
        let mut conn = self.conn();
        fairchance::with_conn!(&mut conn, |c| vacancies::table
            .find(id)
            .select(vacancies::status)
            .first::<String>(c)
            .unwrap())
    }
}

/// Form fields in order (names repeat for lists).
type Form = Vec<(String, String)>;

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Every field of the editor, filled in correctly.
fn valid_form() -> Vec<(String, String)> {
    let start = (today() + Duration::days(40)).to_string();
    let closing = (today() + Duration::days(20)).to_string();
    let mut form = pairs(&[
        ("title", "Warehouse operative"),
        (
            "description",
            "Picking and packing orders for delivery in a busy, friendly warehouse.",
        ),
        ("sector", "warehousing"),
        ("place", "Leeds"),
        ("hours_per_week", "37.5"),
        ("shift0_days", "mon"),
        ("shift0_days", "tue"),
        ("shift0_start", "08:00"),
        ("shift0_end", "16:00"),
        ("contract", "permanent"),
        ("pay_min", "11.44"),
        ("pay_max", "12.50"),
        ("pay_period", "hour"),
        ("positions", "2"),
        ("required_skills", "pick-and-pack"),
        ("desirable_skills", "order-picking"),
        ("required_certificates", "forklift-counterbalance"),
        ("check_level", "basic"),
        ("exclusion_arson", "case_by_case"),
        (
            "exclusion_arson_reason",
            "We store flammable packaging and would talk it through.",
        ),
        ("rotl_suitable", "on"),
        (
            "how_to_apply",
            "Your case officer forwards your application.",
        ),
        ("documents_needed", "Proof of identity\nBank details"),
    ]);
    form.push(("start_date".into(), start));
    form.push(("closing_date".into(), closing));
    form
}

fn with(form: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = form.iter().filter(|(k, _)| k != name).cloned().collect();
    out.push((name.into(), value.into()));
    out
}

fn created_id(res: &reqwest::Response) -> i64 {
    let location = res.headers()["location"].to_str().unwrap().to_string();
    location
        .trim_start_matches("/employer/vacancies/")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no id in {location}"))
}

fn valid_json() -> Value {
    json!({
        "title": "Kitchen porter",
        "description": "Washing up, keeping the kitchen clean and helping the chefs prepare food.",
        "sector": "hospitality",
        "place": "LS1 4AP",
        "hours_per_week": 30,
        "shifts": [{ "days": ["fri", "sat"], "start": "17:00", "end": "23:30" }],
        "contract": "temporary",
        "pay_min": 11.5,
        "pay_max": 11.5,
        "pay_period": "hour",
        "positions": 1,
        "start_date": (today() + Duration::days(30)).to_string(),
        "check_level": "none",
        "offence_exclusions": [{ "category": "other", "stance": "case_by_case", "reason": "We look at each person individually." }]
    })
}

on_both_backends!(
    the_editor_creates_edits_previews_and_moves_a_vacancy,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let before = f.jobs_of_kind("vacancy.changed");
        let page = f.get_as(f.user_a, "/employer/vacancies/new").await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(
            html.contains("case by case") && html.contains("name=\"exclusion_violence_reason\"")
        );
        assert!(!html.contains("<script"), "no JavaScript on the editor");

        let res = f
            .post_as(f.user_a, "/employer/vacancies", &valid_form())
            .await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{}",
            res.text().await.unwrap()
        );
        let id = created_id(&res);
        assert_eq!(f.status_of(id), "draft");
        assert_eq!(f.jobs_of_kind("vacancy.changed"), before + 1);
        let preview = f
            .get_as(f.user_a, &format!("/employer/vacancies/{id}/preview"))
            .await;
        let html = preview.text().await.unwrap();
        assert!(html.contains("Warehouse operative") && html.contains("Preview"));
        assert!(html.contains("Leeds") && html.contains("£11.44 to £12.50 an hour"));
        assert!(html.contains("We store flammable packaging"));

        // Edit form is filled from the stored vacancy, and saving changes it.
        let edit = f
            .get_as(f.user_a, &format!("/employer/vacancies/{id}/edit"))
            .await;
        let html = edit.text().await.unwrap();
        assert!(html.contains("value=\"Warehouse operative\""));
        assert!(html.contains("value=\"pick-and-pack\" checked"));
        let changed = with(&valid_form(), "title", "Senior warehouse operative");
        let res = f
            .post_as(f.user_a, &format!("/employer/vacancies/{id}"), &changed)
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let mut conn = f.conn();
        let stored = store::vacancies::load(&mut conn, id, &f.app.services.taxonomy).unwrap();
        assert_eq!(stored.details.title(), "Senior warehouse operative");
        assert_eq!(stored.details.shifts().len(), 1);
        assert_eq!(stored.details.documents_needed().len(), 2);
        assert_eq!(f.jobs_of_kind("vacancy.changed"), before + 2);

        // Lifecycle: publish, pause, resume, fill; then everything is refused.
        for (action, status) in [
            ("publish", "published"),
            ("pause", "paused"),
            ("resume", "published"),
            ("fill", "filled"),
        ] {
            let res = f
                .post_as(f.user_a, &format!("/employer/vacancies/{id}/{action}"), &[])
                .await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{action}");
            assert_eq!(f.status_of(id), status, "{action}");
        }
        assert_eq!(f.jobs_of_kind("vacancy.changed"), before + 6);
        for action in ["publish", "pause", "close", "withdraw"] {
            let res = f
                .post_as(f.user_a, &format!("/employer/vacancies/{id}/{action}"), &[])
                .await;
            assert_eq!(res.status(), StatusCode::CONFLICT, "{action}");
            let html = res.text().await.unwrap();
            assert!(html.contains("cannot be moved"), "{html}");
        }
        assert_eq!(f.status_of(id), "filled");
        // A filled vacancy cannot be edited...
        let res = f
            .post_as(f.user_a, &format!("/employer/vacancies/{id}"), &changed)
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        // ...but can be duplicated as a new draft.
        let res = f
            .post_as(
                f.user_a,
                &format!("/employer/vacancies/{id}/duplicate"),
                &[],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let copy = created_id(&res);
        assert_ne!(copy, id);
        assert_eq!(f.status_of(copy), "draft");
        let stored_copy =
            store::vacancies::load(&mut conn, copy, &f.app.services.taxonomy).unwrap();
        assert_eq!(stored_copy.details, stored.details);
        assert_eq!(stored_copy.employer_id, f.employer_a);

        // Draft -> withdrawn, and a withdrawn one is final.
        let res = f
            .post_as(
                f.user_a,
                &format!("/employer/vacancies/{copy}/withdraw"),
                &[],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(f.status_of(copy), "withdrawn");
        f.app.stop().await;
    }
);

on_both_backends!(
    every_bad_field_gets_its_message_and_nothing_is_written,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let count = f.vacancy_count();
        let jobs_before = f.jobs_of_kind("vacancy.changed");
        let past = (today() - Duration::days(1)).to_string();
        let cases: Vec<(Form, &str, &str)> = vec![
            (
                with(&valid_form(), "title", "ab"),
                "title",
                "Enter a job title of 3 to 120 characters",
            ),
            (
                with(&valid_form(), "description", "short"),
                "description",
                "Describe the job in 20 to 5,000 characters",
            ),
            (
                with(&valid_form(), "sector", ""),
                "sector",
                "Choose a sector",
            ),
            (
                with(&valid_form(), "sector", "astronomy"),
                "sector",
                "Choose a sector from the list",
            ),
            (
                with(&valid_form(), "place", "Nowhereville Upon Nothing"),
                "place",
                "We could not find",
            ),
            (
                with(&valid_form(), "place", ""),
                "place",
                "Enter where the job is, or say that it is done from home",
            ),
            (
                with(
                    &with(&with(&valid_form(), "place", ""), "lat", "95"),
                    "lon",
                    "0",
                ),
                "lat",
                "Enter a latitude between -90 and 90",
            ),
            (
                with(
                    &with(&with(&valid_form(), "place", ""), "lat", "53.8"),
                    "lon",
                    "west",
                ),
                "lon",
                "Enter a longitude between -180 and 180",
            ),
            (
                with(&valid_form(), "hours_per_week", "lots"),
                "hours_per_week",
                "Enter the hours per week as a number",
            ),
            (
                with(&valid_form(), "hours_per_week", "70"),
                "hours_per_week",
                "Enter the hours per week, from 1 to 60",
            ),
            (
                with(&valid_form(), "shift0_start", "7am"),
                "shift0_start",
                "24-hour clock",
            ),
            (
                with(&valid_form(), "contract", ""),
                "contract",
                "Choose the type of contract",
            ),
            (
                with(&valid_form(), "pay_min", "abc"),
                "pay_min",
                "Enter the lowest pay as a number of pounds",
            ),
            (
                with(&valid_form(), "pay_max", "5"),
                "pay_max",
                "Enter highest pay that is the same as or more than the lowest pay",
            ),
            (
                with(&valid_form(), "pay_period", "fortnight"),
                "pay_period",
                "Choose whether the pay is per hour, week, month or year",
            ),
            (
                with(&valid_form(), "positions", "0"),
                "positions",
                "Enter the number of jobs, from 1 to 500",
            ),
            (
                with(&valid_form(), "start_date", ""),
                "start_date",
                "Enter the start date",
            ),
            (
                with(&valid_form(), "start_date", "31/02/2027"),
                "start_date",
                "Enter a real date",
            ),
            (
                with(&valid_form(), "closing_date", &past),
                "closing_date",
                "Enter a closing date that is today or later",
            ),
            (
                with(&valid_form(), "required_skills", "juggling"),
                "required_skills",
                "Choose required skills from the list",
            ),
            (
                with(&valid_form(), "desirable_skills", "pick-and-pack"),
                "desirable_skills",
                "is already a required skill",
            ),
            (
                with(&valid_form(), "required_certificates", "pick-and-pack"),
                "required_certificates",
                "Choose required certificates from the list",
            ),
            (
                with(&valid_form(), "check_level", ""),
                "check_level",
                "Choose the level of criminal record check",
            ),
            (
                with(&valid_form(), "regulated_children", "on"),
                "check_level",
                "Regulated activity needs an enhanced DBS check with barred lists",
            ),
            (
                with(
                    &with(&valid_form(), "exclusion_arson", "excluded"),
                    "exclusion_arson_reason",
                    "short",
                ),
                "exclusion_arson_reason",
                "Explain why people with convictions for arson cannot be considered, in 10 to 500 characters",
            ),
            (
                with(&valid_form(), "exclusion_violence", "banned"),
                "exclusion_violence",
                "Choose whether people with these convictions",
            ),
            (
                with(&valid_form(), "how_to_apply", &"x".repeat(2001)),
                "how_to_apply",
                "Explain how to apply in no more than 2,000 characters",
            ),
            (
                with(&valid_form(), "documents_needed", &"x".repeat(201)),
                "documents_needed",
                "Describe each document in no more than 200 characters",
            ),
        ];
        for (form, field, message) in cases {
            let res = f.post_as(f.user_a, "/employer/vacancies", &form).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            let html = res.text().await.unwrap();
            let anchor = format!("<a href=\"#{field}\">");
            assert!(
                html.contains(&anchor),
                "{field}: no summary link in the error summary"
            );
            let beside = format!("id=\"{field}-error\"");
            let at = html
                .find(&beside)
                .unwrap_or_else(|| panic!("{field}: no message beside the field"));
            let shown = &html[at..(at + 400).min(html.len())];
            assert!(
                shown.contains(message),
                "{field}: expected {message:?} in {shown}"
            );
        }
        // Remote work needs no place; coordinates may be given directly.
        let remote = with(&with(&valid_form(), "place", ""), "remote", "on");
        let res = f.post_as(f.user_a, "/employer/vacancies", &remote).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let coords = with(
            &with(&with(&valid_form(), "place", "Depot"), "lat", "53.8"),
            "lon",
            "-1.55",
        );
        let res = f.post_as(f.user_a, "/employer/vacancies", &coords).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            f.vacancy_count(),
            count + 2,
            "only the two valid forms were stored"
        );
        assert_eq!(f.jobs_of_kind("vacancy.changed"), jobs_before + 2);

        // An invalid edit changes nothing either.
        let mut conn = f.conn();
        let before =
            store::vacancies::load(&mut conn, f.vacancy_a, &f.app.services.taxonomy).unwrap();
        let res = f
            .post_as(
                f.user_a,
                &format!("/employer/vacancies/{}", f.vacancy_a),
                &with(&valid_form(), "title", ""),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let after =
            store::vacancies::load(&mut conn, f.vacancy_a, &f.app.services.taxonomy).unwrap();
        assert_eq!(before.details, after.details);
        f.app.stop().await;
    }
);

on_both_backends!(
    the_api_creates_updates_and_moves_vacancies,
    |backend| async move {
        use reqwest::Method;
        let f = Fixture::new(backend).await;
        let count = f.vacancy_count();
        // 422 with fields, nothing written.
        let mut bad = valid_json();
        bad["title"] = json!("");
        bad["place"] = json!("Nowhereville Upon Nothing");
        bad["shifts"][0]["start"] = json!("nine");
        bad["regulated_adults"] = json!(true);
        let res = f
            .api(Method::POST, "/api/v1/vacancies", &f.token_a, Some(&bad))
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body["fields"]["title"][0],
            "Enter a job title of 3 to 120 characters"
        );
        assert!(body["fields"]["place"][0]
            .as_str()
            .unwrap()
            .contains("We could not find"));
        assert!(body["fields"]["shifts[0].start"].is_array());
        assert!(body["fields"]["check_level"][0]
            .as_str()
            .unwrap()
            .starts_with("Regulated activity"));
        assert!(body["fields"].get("workplace").is_none());
        assert_eq!(f.vacancy_count(), count);
        // Not JSON of the shape: 400.
        let res = f
            .api(
                Method::POST,
                "/api/v1/vacancies",
                &f.token_a,
                Some(&json!({"positions": "two"})),
            )
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);

        // Create, read, update.
        let res = f
            .api(
                Method::POST,
                "/api/v1/vacancies",
                &f.token_a,
                Some(&valid_json()),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let created: Value = res.json().await.unwrap();
        let id = created["id"].as_i64().unwrap();
        assert_eq!(created["status"], "draft");
        assert!(created["workplace"]["name"]
            .as_str()
            .unwrap()
            .contains("LS1"));
        let res = f
            .api(
                Method::GET,
                &format!("/api/v1/vacancies/{id}"),
                &f.token_a,
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let mut update = valid_json();
        update["title"] = json!("Kitchen porter (evenings)");
        update["remote"] = json!(false);
        let res = f
            .api(
                Method::PUT,
                &format!("/api/v1/vacancies/{id}"),
                &f.token_a,
                Some(&update),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["title"], "Kitchen porter (evenings)");
        let mut bad_update = update.clone();
        bad_update["pay_min"] = json!(0);
        let res = f
            .api(
                Method::PUT,
                &format!("/api/v1/vacancies/{id}"),
                &f.token_a,
                Some(&bad_update),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.unwrap();
        assert!(body["fields"]["pay_min"].is_array());

        // Lifecycle, and 409 for an illegal move.
        let res = f
            .api(
                Method::POST,
                &format!("/api/v1/vacancies/{id}/pause"),
                &f.token_a,
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        for (action, status) in [
            ("publish", "published"),
            ("pause", "paused"),
            ("publish", "published"),
            ("close", "closed"),
        ] {
            let res = f
                .api(
                    Method::POST,
                    &format!("/api/v1/vacancies/{id}/{action}"),
                    &f.token_a,
                    None,
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK, "{action}");
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["status"], status);
        }
        for action in ["publish", "pause", "close"] {
            let res = f
                .api(
                    Method::POST,
                    &format!("/api/v1/vacancies/{id}/{action}"),
                    &f.token_a,
                    None,
                )
                .await;
            assert_eq!(res.status(), StatusCode::CONFLICT, "{action}");
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["error"], "conflict");
        }
        let res = f
            .api(
                Method::PUT,
                &format!("/api/v1/vacancies/{id}"),
                &f.token_a,
                Some(&update),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);

        // Another employer: 404 for every call on A's vacancy.
        for (method, path, body) in [
            (Method::GET, format!("/api/v1/vacancies/{id}"), None),
            (
                Method::PUT,
                format!("/api/v1/vacancies/{id}"),
                Some(valid_json()),
            ),
            (
                Method::POST,
                format!("/api/v1/vacancies/{}/publish", f.vacancy_a),
                None,
            ),
            (
                Method::POST,
                format!("/api/v1/vacancies/{}/pause", f.vacancy_a),
                None,
            ),
            (
                Method::POST,
                format!("/api/v1/vacancies/{}/close", f.vacancy_a),
                None,
            ),
        ] {
            let res = f
                .api(method.clone(), &path, &f.token_b, body.as_ref())
                .await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {path}");
        }
        assert_eq!(f.status_of(f.vacancy_a), "published");

        // 401 without credentials; 403 for an officer and for a session without CSRF.
        let res = f
            .app
            .client
            .post(f.app.url("/api/v1/vacancies"))
            .json(&valid_json())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let (officer_cookie, officer_csrf) = f.app.staff_session(f.officer);
        let res = f
            .app
            .client
            .post(f.app.url("/api/v1/vacancies"))
            .header("cookie", officer_cookie)
            .header("x-csrf-token", officer_csrf)
            .json(&valid_json())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let (cookie, csrf) = f.app.staff_session(f.user_a);
        let res = f
            .app
            .client
            .post(f.app.url("/api/v1/vacancies"))
            .header("cookie", cookie.clone())
            .json(&valid_json())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = f
            .app
            .client
            .post(f.app.url("/api/v1/vacancies"))
            .header("cookie", cookie)
            .header("x-csrf-token", csrf)
            .json(&valid_json())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);

        // Paging with the total: A now has the fixture's vacancy and two more.
        let page = |n: u32| {
            let f = &f;
            async move {
                f.api(
                    Method::GET,
                    &format!("/api/v1/vacancies?page={n}&per_page=2"),
                    &f.token_a,
                    None,
                )
                .await
                .json::<Value>()
                .await
                .unwrap()
            }
        };
        let page1 = page(1).await;
        assert_eq!(page1["total"], 3);
        assert_eq!(page1["items"].as_array().unwrap().len(), 2);
        let page2 = page(2).await;
        assert_eq!(page2["items"].as_array().unwrap().len(), 1);
        assert_eq!(page2["total"], 3);
        // A page past the end has no row to carry the total: it is still there.
        let past = page(3).await;
        assert_eq!(past["items"].as_array().unwrap().len(), 0);
        assert_eq!(past["total"], 3);
        let mut ids: Vec<i64> = page1["items"]
            .as_array()
            .unwrap()
            .iter()
            .chain(page2["items"].as_array().unwrap())
            .map(|v| v["id"].as_i64().unwrap())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 3);
        assert!(!ids.contains(&f.vacancy_b));
        let res = f
            .api(
                Method::GET,
                "/api/v1/vacancies?per_page=0",
                &f.token_a,
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The OpenAPI document describes the new routes with schemas.
        let doc: Value = f
            .app
            .get("/api/v1/openapi.json")
            .await
            .json()
            .await
            .unwrap();
        assert!(doc["paths"]["/api/v1/vacancies"]["post"]["requestBody"].is_object());
        assert!(doc["paths"]["/api/v1/vacancies/{id}"]["put"]["responses"]["422"].is_object());
        assert!(
            doc["paths"]["/api/v1/vacancies/{id}/close"]["post"]["responses"]["409"].is_object()
        );
        f.app.stop().await;
    }
);

on_both_backends!(
    the_inbox_shows_forwarded_applications_and_records_what_happened,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let inbox = f
            .get_as(
                f.user_a,
                &format!("/employer/vacancies/{}/applications", f.vacancy_a),
            )
            .await;
        assert_eq!(inbox.status(), StatusCode::OK);
        let html = inbox.text().await.unwrap();
        assert!(html.contains("Candidate Kestrel"));
        assert!(html.contains("I have done this work before"));
        assert!(html.contains("officer@prison.example"));
        let path = format!("/employer/applications/{}", f.application);
        let status_path = format!("{path}/status");
        let emails_before = f.jobs_of_kind("email.send");

        // Missing details are field errors; nothing changes.
        for (form, field) in [
            (pairs(&[]), "status"),
            (pairs(&[("status", "interview")]), "interview_at"),
            (
                pairs(&[
                    ("status", "interview"),
                    ("interview_date", "2027-02-30"),
                    ("interview_time", "10:00"),
                ]),
                "interview_at",
            ),
            (pairs(&[("status", "unsuccessful")]), "reason"),
            (
                pairs(&[
                    ("status", "unsuccessful"),
                    ("reason", "declined_by_officer"),
                ]),
                "reason",
            ),
            (
                pairs(&[("status", "unsuccessful"), ("reason", "other")]),
                "note",
            ),
        ] {
            let res = f.post_as(f.user_a, &status_path, &form).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
            let html = res.text().await.unwrap();
            assert!(
                html.contains(&format!("id=\"{field}-error\"")),
                "{field}: {form:?}"
            );
        }
        // Forwarded -> started is not a move the employer can make.
        let res = f
            .post_as(
                f.user_a,
                &status_path,
                &pairs(&[("status", "started"), ("start_date", "2027-01-04")]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("This change is not possible"));
        assert_eq!(f.jobs_of_kind("email.send"), emails_before);

        // Interview, offer, started: each change tells the officer.
        let res = f
            .post_as(
                f.user_a,
                &status_path,
                &pairs(&[
                    ("status", "interview"),
                    ("interview_date", "2027-01-04"),
                    ("interview_time", "10:30"),
                ]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let html = f.get_as(f.user_a, &path).await.text().await.unwrap();
        assert!(html.contains("04 January 2027 at 10:30"));
        let res = f
            .post_as(f.user_a, &status_path, &pairs(&[("status", "offer")]))
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = f
            .post_as(
                f.user_a,
                &status_path,
                &pairs(&[("status", "started"), ("start_date", "2027-01-18")]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(f.jobs_of_kind("email.send"), emails_before + 3);
        let mut conn = f.conn();
        let app = app_store::load(&mut conn, f.application).unwrap().unwrap();
        assert_eq!(app.status, ApplicationStatus::Started);
        // Final: nothing more.
        let res = f
            .post_as(
                f.user_a,
                &status_path,
                &pairs(&[("status", "unsuccessful"), ("reason", "did_not_attend")]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);

        // Another employer reaches none of it.
        for p in [
            path.clone(),
            format!("/employer/vacancies/{}/applications", f.vacancy_a),
        ] {
            assert_eq!(
                f.get_as(f.user_b, &p).await.status(),
                StatusCode::NOT_FOUND,
                "{p}"
            );
        }
        let res = f
            .post_as(f.user_b, &status_path, &pairs(&[("status", "offer")]))
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        // The dashboard counts it.
        let html = f.get_as(f.user_a, "/employer").await.text().await.unwrap();
        assert!(html.contains("Started work</a></th><td>1"), "{html}");
        f.app.stop().await;
    }
);

on_both_backends!(
    an_application_not_yet_forwarded_is_not_found,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let mut conn = f.conn();
        // A second person's application, still with the officer.
        let (other, total) =
            app_store::for_vacancy_employer(&mut conn, f.vacancy_a, 50, 0).unwrap();
        assert_eq!((other.len(), total), (1, 1));
        let t = &f.app.services.taxonomy;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(99);
        let town = Town {
            name: "Leeds".into(),
            lat: 53.79,
            lon: -1.54,
        };
        let details =
            ProfileDetails::parse(&generator::profile(&mut rng, 2, &town, today()), t).unwrap();
        let service = people::list_services(&mut conn).unwrap()[0].id;
        let profile = conn
            .write(|tx| {
                store::profiles::insert(
                    tx,
                    service,
                    Some(f.officer),
                    "Candidate Wren",
                    &details,
                    now(),
                )
            })
            .unwrap();
        let pending = app_store::submit(
            &mut conn,
            profile,
            f.vacancy_a,
            "I would like this job please.",
            now(),
        )
        .unwrap();
        let res = f
            .get_as(
                f.user_a,
                &format!("/employer/applications/{}", pending.application.id),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let html = f
            .get_as(
                f.user_a,
                &format!("/employer/vacancies/{}/applications", f.vacancy_a),
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(!html.contains("Candidate Wren"));
        f.app.stop().await;
    }
);

on_both_backends!(
    every_employer_route_keeps_to_its_own_organisation,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let b = f.vacancy_b;
        for path in [
            format!("/employer/vacancies/{b}"),
            format!("/employer/vacancies/{b}/preview"),
            format!("/employer/vacancies/{b}/edit"),
            format!("/employer/vacancies/{b}/applications"),
        ] {
            assert_eq!(
                f.get_as(f.user_a, &path).await.status(),
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        for action in [
            "",
            "/publish",
            "/pause",
            "/resume",
            "/fill",
            "/close",
            "/withdraw",
            "/duplicate",
        ] {
            let path = format!("/employer/vacancies/{b}{action}");
            let form = if action.is_empty() {
                valid_form()
            } else {
                vec![]
            };
            assert_eq!(
                f.post_as(f.user_a, &path, &form).await.status(),
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        assert_eq!(f.status_of(b), "published");
        let html = f
            .get_as(f.user_a, "/employer/vacancies")
            .await
            .text()
            .await
            .unwrap();
        assert!(!html.contains(&format!("/employer/vacancies/{b}\"")));
        f.app.stop().await;
    }
);

/// What the person wrote in the CV they sent.
const CV_WORDS: &str = "I keep the stores tidy and count stock carefully.";

/// Gives the application's person a CV and sends it with the application.
fn attach_cv(f: &Fixture, application: i64) {
    let mut conn = f.conn();
    let profile = app_store::load(&mut conn, application)
        .unwrap()
        .unwrap()
        .profile_id;
    let words = fairchance::domain::cv::OwnWords {
        about_me: CV_WORDS.into(),
        strengths: "On time.".into(),
        references_available: Some(true),
        references_note: String::new(),
    };
    let taxonomy = f.app.services.taxonomy.clone();
    conn.write(|tx| {
        store::cvs::save_words(tx, profile, &words, now())?;
        fairchance::app::cvs::attach_in_tx(tx, &taxonomy, profile, application, now())
    })
    .unwrap();
}

/// Words that would show offence, licence or barred information.
fn forbidden() -> Vec<String> {
    let mut words: Vec<String> = vec![
        LICENCE_TEXT.into(),
        ZONE_NAME.into(),
        "barred".into(),
        "curfew".into(),
        "licence condition".into(),
        "exclusion zone".into(),
    ];
    for category in ["violence", "dishonesty"] {
        let c = fairchance::domain::offence::OffenceCategory::parse(category).unwrap();
        words.push(c.as_str().into());
        words.push(c.label().into());
    }
    words
}

/// The words of a disclosure letter written without any category word.
const LETTER: [&str; 3] = [
    "A few years ago I was convicted and I served my sentence.",
    "I trained as a baker and I help at a food bank every week.",
    "I am punctual, friendly and keen to learn new things.",
];

/// Gives the person an approved disclosure letter and sends a copy with
/// the application (as the terminal does when the person ticks the box).
fn attach_letter(conn: &mut store::Conn, profile: i64, application: i64) {
    use fairchance::domain::disclosure::{LetterStatus, Part};
    use fairchance::store::disclosure as letters;
    let at = now();
    conn.write(|tx| {
        for (part, text) in Part::ALL.iter().zip(LETTER) {
            letters::save_part(tx, profile, *part, text, at)?;
        }
        letters::set_status(tx, profile, LetterStatus::Approved, None, at)?;
        let letter = letters::load(tx, profile)?.unwrap();
        letters::attach(tx, application, &letter, "en", at)
    })
    .unwrap();
}

on_both_backends!(
    no_employer_page_or_answer_shows_offence_licence_or_barred_information,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let a = f.vacancy_a;
        let app = f.application;
        // The person sent their CV with the application: it shows on the
        // card, and still nothing restricted does.
        attach_cv(&f, app);
        {
            // The candidate chose to send their disclosure letter.
            let mut conn = f.conn();
            let profile = app_store::load(&mut conn, app).unwrap().unwrap().profile_id;
            attach_letter(&mut conn, profile, app);
        }
        let mut bodies = Vec::new();
        for path in [
            "/employer".to_string(),
            "/employer/vacancies".to_string(),
            format!("/employer/vacancies/{a}"),
            format!("/employer/vacancies/{a}/preview"),
            format!("/employer/vacancies/{a}/applications"),
            format!("/employer/applications/{app}"),
        ] {
            let res = f.get_as(f.user_a, &path).await;
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            bodies.push((path, res.text().await.unwrap()));
        }
        // After an interview is recorded the pages still show nothing more.
        let res = f
            .post_as(
                f.user_a,
                &format!("/employer/applications/{app}/status"),
                &pairs(&[
                    ("status", "interview"),
                    ("interview_date", "2027-01-04"),
                    ("interview_time", "10:30"),
                ]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = f
            .get_as(f.user_a, &format!("/employer/applications/{app}"))
            .await;
        bodies.push((
            "application after interview".into(),
            res.text().await.unwrap(),
        ));
        for path in [
            "/api/v1/vacancies".to_string(),
            format!("/api/v1/vacancies/{a}"),
        ] {
            let res = f.api(reqwest::Method::GET, &path, &f.token_a, None).await;
            assert_eq!(res.status(), StatusCode::OK);
            bodies.push((path, res.text().await.unwrap()));
        }
        // The candidate is there, under the pseudonym, with their CV...
        assert!(bodies.iter().any(|(_, b)| b.contains("Candidate Kestrel")));
        assert!(bodies
            .iter()
            .any(|(_, b)| b.contains("Their CV") && b.contains(CV_WORDS)));
        // ... and their letter.
        for path in [
            format!("/employer/applications/{app}"),
            format!("/employer/vacancies/{a}/applications"),
        ] {
            let body = &bodies.iter().find(|(p, _)| *p == path).unwrap().1;
            for words in LETTER {
                assert!(body.contains(words), "{path} shows the letter");
            }
        }
        // ...and nothing of what only their officers may see.
        for (path, body) in &bodies {
            let lower = body.to_lowercase();
            for word in forbidden() {
                assert!(
                    !lower.contains(&word.to_lowercase()),
                    "{path} shows {word:?}"
                );
            }
        }
        // The person's name appears only with their consent (not given here).
        let mut conn = f.conn();
        let profile = app_store::load(&mut conn, app).unwrap().unwrap().profile_id;
        let full = store::profiles::load(&mut conn, profile, &f.app.services.taxonomy).unwrap();
        let name = format!(
            "{} {}",
            full.details.given_name(),
            full.details.family_name()
        );
        for (path, body) in &bodies {
            assert!(
                !body.contains(&name),
                "{path} shows the name without consent"
            );
        }
        let _ = f.user_b;
        f.app.stop().await;
    }
);

fn sign_up_form() -> Vec<(String, String)> {
    pairs(&[
        ("organisation", "Harbour Bakery Co-operative"),
        ("contact_name", "Morgan Baker"),
        ("contact_email", "morgan@harbour-bakery.example"),
        ("contact_phone", "0113 496 0000"),
        ("sector", "hospitality"),
        ("address", "2 Quay Street, Leeds"),
        ("website", "https://harbour-bakery.example"),
        ("pledge", "accepted"),
        ("password", "flour water salt yeast"),
        ("password_confirm", "flour water salt yeast"),
    ])
}

/// A POST before sign-in, with the double-submit CSRF cookie.
async fn post_anonymous(
    app: &TestApp,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let csrf = fairchance::access::token::new_secret();
    let mut fields = fields.to_vec();
    fields.push(("csrf_token".into(), csrf.clone()));
    app.client
        .post(app.url(path))
        .header(
            "cookie",
            format!("{}={csrf}", fairchance::web::auth::ANON_CSRF_COOKIE),
        )
        .form(&fields)
        .send()
        .await
        .unwrap()
}

async fn api_sign_in(app: &TestApp, email: &str, password: &str) -> StatusCode {
    reqwest::Client::new()
        .post(app.url("/api/v1/session"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
}

type EmployerRow = (
    String,
    Option<i64>,
    Option<chrono::NaiveDateTime>,
    Option<String>,
);

fn employer_row(f: &Fixture, name: &str) -> Option<(i64, EmployerRow)> {
    use fairchance::store::schema::employers;
    let mut conn = f.conn();
    let name = name.to_string();
    fairchance::with_conn!(&mut conn, |c| employers::table
        .filter(employers::name.eq(&name))
        .select((
            employers::id,
            (
                employers::status,
                employers::decided_by,
                employers::decided_at,
                employers::decline_reason
            )
        ))
        .first::<(i64, EmployerRow)>(c)
        .optional()
        .unwrap())
}

on_both_backends!(
    sign_up_is_reviewed_and_approval_is_emailed,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let page = f.app.get("/employers/join").await;
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("fair-chance pledge"));
        // Each bad field gets its message; nothing is written.
        for (field, value, message) in [
            ("organisation", "", "Enter your organisation"),
            ("contact_name", "", "full name, up to 120 characters"),
            (
                "contact_email",
                "not-an-email",
                "Enter an email address in the right format",
            ),
            ("contact_phone", "call me", "Enter a phone number"),
            ("sector", "astronomy", "Choose your sector"),
            ("address", "", "address, up to 500 characters"),
            (
                "website",
                "harbour dot example",
                "Enter the website address, like www.example.org",
            ),
            ("pledge", "", "Accept the fair-chance pledge"),
            ("password", "short", "Use at least 12 characters"),
            (
                "password_confirm",
                "something else entirely",
                "Enter the same password twice",
            ),
        ] {
            let res = post_anonymous(
                &f.app,
                "/employers/join",
                &with(&sign_up_form(), field, value),
            )
            .await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            let html = res.text().await.unwrap();
            let at = html
                .find(&format!("id=\"{field}-error\""))
                .unwrap_or_else(|| panic!("{field}: no message"));
            assert!(html[at..].contains(message), "{field}");
            assert!(
                html.contains(&format!("<a href=\"#{field}\">")),
                "{field}: not in the summary"
            );
            assert!(
                !html.contains("flour water salt yeast"),
                "passwords are not echoed"
            );
        }
        assert!(employer_row(&f, "Harbour Bakery Co-operative").is_none());

        let res = post_anonymous(&f.app, "/employers/join", &sign_up_form()).await;
        assert_eq!(res.status(), StatusCode::OK);
        let (id, (status, decided_by, _, _)) =
            employer_row(&f, "Harbour Bakery Co-operative").unwrap();
        assert_eq!((status.as_str(), decided_by), ("pending", None));
        // The same organisation again is refused beside the field.
        let res = post_anonymous(
            &f.app,
            "/employers/join",
            &with(
                &sign_up_form(),
                "contact_email",
                "other@harbour-bakery.example",
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("id=\"organisation-error\""));
        // Pending: the member cannot sign in.
        assert_eq!(
            api_sign_in(
                &f.app,
                "morgan@harbour-bakery.example",
                "flour water salt yeast"
            )
            .await,
            StatusCode::FORBIDDEN
        );

        // The administrator sees it and approves it; the contact is emailed.
        let html = f
            .get_as(f.admin, "/admin/employers")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Harbour Bakery Co-operative")
                && html.contains("morgan@harbour-bakery.example")
        );
        assert_eq!(
            f.get_as(f.user_a, "/admin/employers").await.status(),
            StatusCode::FORBIDDEN
        );
        let emails_before = f.emails().len();
        let res = f
            .post_as(f.admin, &format!("/admin/employers/{id}/approve"), &[])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let (_, (status, decided_by, decided_at, _)) =
            employer_row(&f, "Harbour Bakery Co-operative").unwrap();
        assert_eq!((status.as_str(), decided_by), ("approved", Some(f.admin)));
        assert!(decided_at.is_some());
        let emails = f.emails();
        assert_eq!(emails.len(), emails_before + 1);
        let email = emails.last().unwrap();
        assert_eq!(email["to_address"], "morgan@harbour-bakery.example");
        assert!(email["subject"].as_str().unwrap().contains("approved"));
        assert_eq!(
            api_sign_in(
                &f.app,
                "morgan@harbour-bakery.example",
                "flour water salt yeast"
            )
            .await,
            StatusCode::OK
        );
        // A decided employer cannot be decided again.
        let res = f
            .post_as(
                f.admin,
                &format!("/admin/employers/{id}/decline"),
                &pairs(&[("reason", "Changed our mind about this one.")]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert_eq!(
            f.post_as(f.admin, "/admin/employers/987654321/approve", &[])
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        f.app.stop().await;
    }
);

on_both_backends!(a_declined_request_gets_the_reason, |backend| async move {
    let f = Fixture::new(backend).await;
    let res = post_anonymous(&f.app, "/employers/join", &sign_up_form()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (id, _) = employer_row(&f, "Harbour Bakery Co-operative").unwrap();
    let emails_before = f.emails().len();
    let res = f
        .post_as(
            f.admin,
            &format!("/admin/employers/{id}/decline"),
            &pairs(&[("reason", "short")]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains(&format!("id=\"reason_{id}-error\"")));
    assert_eq!(
        employer_row(&f, "Harbour Bakery Co-operative")
            .unwrap()
            .1
             .0,
        "pending"
    );
    let reason = "We could not confirm the organisation's address; please write to us.";
    let res = f
        .post_as(
            f.admin,
            &format!("/admin/employers/{id}/decline"),
            &pairs(&[("reason", reason)]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, (status, decided_by, _, stored_reason)) =
        employer_row(&f, "Harbour Bakery Co-operative").unwrap();
    assert_eq!((status.as_str(), decided_by), ("declined", Some(f.admin)));
    assert_eq!(stored_reason.as_deref(), Some(reason));
    let emails = f.emails();
    assert_eq!(emails.len(), emails_before + 1);
    assert!(emails.last().unwrap()["text"]
        .as_str()
        .unwrap()
        .contains("could not confirm the organisation"));
    assert_eq!(
        api_sign_in(
            &f.app,
            "morgan@harbour-bakery.example",
            "flour water salt yeast"
        )
        .await,
        StatusCode::FORBIDDEN
    );
    f.app.stop().await;
});

fn token_in(email: &Value) -> String {
    let text = email["text"].as_str().unwrap();
    let at = text.find("token=").expect("a link with a token") + "token=".len();
    text[at..at + 64].to_string()
}

on_both_backends!(
    a_colleague_joins_through_a_one_time_invitation,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let res = f
            .post_as(
                f.user_a,
                "/employer/invitations",
                &pairs(&[("email", "nope")]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains("id=\"email-error\""));
        let res = f
            .post_as(
                f.user_a,
                "/employer/invitations",
                &pairs(&[("email", "b@employer.example")]),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "an existing account cannot be invited"
        );
        let res = f
            .post_as(
                f.user_a,
                "/employer/invitations",
                &pairs(&[("email", "Sam.Colleague@Employer-A.example")]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("sam.colleague@employer-a.example"));
        let email = f.emails().last().unwrap().clone();
        assert_eq!(email["to_address"], "sam.colleague@employer-a.example");
        let token = token_in(&email);
        let link = format!("/invitations/accept?token={token}");
        let page = f.app.get(&link).await;
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("Employer A"));
        // Bad name and password are refused beside the fields; the link still works.
        let join = |name: &str, password: &str, confirm: &str| {
            pairs(&[
                ("token", token.as_str()),
                ("name", name),
                ("password", password),
                ("password_confirm", confirm),
            ])
        };
        let res = post_anonymous(&f.app, "/invitations/accept", &join("", "short", "short")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(html.contains("id=\"name-error\"") && html.contains("id=\"password-error\""));
        let res = post_anonymous(
            &f.app,
            "/invitations/accept",
            &join(
                "Sam Colleague",
                "a long enough password",
                "a long enough password",
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let mut conn = f.conn();
        let joined = people::find_user_by_email(&mut conn, "sam.colleague@employer-a.example")
            .unwrap()
            .unwrap();
        assert_eq!(joined.employer_id, Some(f.employer_a));
        assert_eq!(joined.display_name, "Sam Colleague");
        assert_eq!(
            api_sign_in(
                &f.app,
                "sam.colleague@employer-a.example",
                "a long enough password"
            )
            .await,
            StatusCode::OK
        );
        // Used once: the link is refused now.
        assert_eq!(f.app.get(&link).await.status(), StatusCode::GONE);
        let res = post_anonymous(
            &f.app,
            "/invitations/accept",
            &join(
                "Someone Else",
                "another long password",
                "another long password",
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::GONE);
        // An expired link is refused; so is a made-up one.
        let (_, expired) = store::employer_accounts::invite(
            &mut conn,
            f.employer_a,
            "late@employer-a.example",
            f.user_a,
            now() - Duration::days(8),
        )
        .unwrap();
        assert_eq!(
            f.app
                .get(&format!("/invitations/accept?token={expired}"))
                .await
                .status(),
            StatusCode::GONE
        );
        let res = post_anonymous(
            &f.app,
            "/invitations/accept",
            &pairs(&[
                ("token", &expired),
                ("name", "Late Person"),
                ("password", "a long enough password"),
                ("password_confirm", "a long enough password"),
            ]),
        )
        .await;
        assert_eq!(res.status(), StatusCode::GONE);
        assert!(
            people::find_user_by_email(&mut conn, "late@employer-a.example")
                .unwrap()
                .is_none()
        );
        assert_eq!(
            f.app.get("/invitations/accept?token=0000").await.status(),
            StatusCode::GONE
        );
        // The team page lists members; B's team page does not show A's people.
        let html = f
            .get_as(f.user_a, "/employer/team")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("Sam Colleague"));
        let html = f
            .get_as(f.user_b, "/employer/team")
            .await
            .text()
            .await
            .unwrap();
        assert!(!html.contains("Sam Colleague") && !html.contains("a@employer.example"));
        f.app.stop().await;
    }
);

on_both_backends!(
    a_vacancy_can_start_as_soon_as_possible_from_the_api_the_form_and_a_file,
    |backend| async move {
        use fairchance::domain::vacancy::Start;
        use reqwest::Method;
        let f = Fixture::new(backend).await;
        let taxonomy = f.app.services.taxonomy.clone();
        let stored_start = |id: i64| {
            let mut conn = f.conn();
            store::vacancies::load(&mut conn, id, &taxonomy)
                .unwrap()
                .details
                .start()
        };

        // API: created and read back as "asap" with no date.
        let mut body = valid_json();
        body["start"] = json!("asap");
        body["start_date"] = Value::Null;
        let res = f
            .api(Method::POST, "/api/v1/vacancies", &f.token_a, Some(&body))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let created: Value = res.json().await.unwrap();
        let id = created["id"].as_i64().unwrap();
        let res = f
            .api(
                Method::GET,
                &format!("/api/v1/vacancies/{id}"),
                &f.token_a,
                None,
            )
            .await;
        let read: Value = res.json().await.unwrap();
        assert_eq!(read["start"], "asap");
        assert!(read["start_date"].is_null());
        assert_eq!(stored_start(id), Start::Asap);
        // A body with only a date still means a set date.
        let res = f
            .api(
                Method::PUT,
                &format!("/api/v1/vacancies/{id}"),
                &f.token_a,
                Some(&valid_json()),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let read: Value = res.json().await.unwrap();
        assert_eq!(read["start"], "date");
        assert!(matches!(stored_start(id), Start::On(_)));
        // A start that is neither, or ASAP with a date: 422 on the field.
        let count = f.vacancy_count();
        let mut bad = valid_json();
        bad["start"] = json!("next spring");
        let res = f
            .api(Method::POST, "/api/v1/vacancies", &f.token_a, Some(&bad))
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let errors: Value = res.json().await.unwrap();
        assert_eq!(
            errors["fields"]["start"][0],
            "Choose whether the job starts on a set date or as soon as possible"
        );
        bad["start"] = json!("asap");
        let res = f
            .api(Method::POST, "/api/v1/vacancies", &f.token_a, Some(&bad))
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let errors: Value = res.json().await.unwrap();
        assert!(errors["fields"]["start_date"][0]
            .as_str()
            .unwrap()
            .starts_with("Leave the start date out"));
        assert_eq!(f.vacancy_count(), count);
        let doc: Value = f
            .app
            .client
            .get(f.app.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let schema = &doc["paths"]["/api/v1/vacancies"]["post"]["requestBody"]["content"]
            ["application/json"]["schema"];
        assert_eq!(
            schema["properties"]["start"]["enum"],
            json!(["date", "asap"])
        );

        // The form: "as soon as possible" needs no date, and a date left in
        // the field is not read.
        let new_form = f
            .get_as(f.user_a, "/employer/vacancies/new")
            .await
            .text()
            .await
            .unwrap();
        assert!(new_form.contains("value=\"asap\"") && new_form.contains("As soon as possible"));
        let form = with(&with(&valid_form(), "start", "asap"), "start_date", "");
        let res = f.post_as(f.user_a, "/employer/vacancies", &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let id = created_id(&res);
        assert_eq!(stored_start(id), Start::Asap);
        let page = f
            .get_as(f.user_a, &format!("/employer/vacancies/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("As soon as possible"), "{page}");
        let edit = f
            .get_as(f.user_a, &format!("/employer/vacancies/{id}/edit"))
            .await
            .text()
            .await
            .unwrap();
        assert!(edit.contains("value=\"asap\" checked"));
        let form = with(&valid_form(), "start", "asap");
        let res = f.post_as(f.user_a, "/employer/vacancies", &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(stored_start(created_id(&res)), Start::Asap);
        // A set date chosen without a date is explained beside the field.
        let form = with(&with(&valid_form(), "start", "date"), "start_date", "");
        let res = f.post_as(f.user_a, "/employer/vacancies", &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(html.contains("Enter the start date") && html.contains("href=\"#start_date\""));

        // A file: "asap" in the start_date column.
        let help = f
            .get_as(f.user_a, "/employer/vacancies/import")
            .await
            .text()
            .await
            .unwrap();
        assert!(help.contains("<code>asap</code>"));
        let mut asap_row = good_row("Night cleaner");
        asap_row.retain(|(k, _)| *k != "start_date");
        asap_row.push(("start_date", "ASAP"));
        let file = csv_file(&[good_row("Office cleaner"), asap_row]);
        let res = f
            .post_as(
                f.user_a,
                "/employer/vacancies/import",
                &pairs(&[("csv", &file)]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let (rows, _) = {
            let mut conn = f.conn();
            store::vacancies::list_for_employer(&mut conn, f.employer_a, 20, 0).unwrap()
        };
        let id_of = |title: &str| rows.iter().find(|r| r.title == title).unwrap().id;
        assert_eq!(stored_start(id_of("Night cleaner")), Start::Asap);
        assert_eq!(
            stored_start(id_of("Office cleaner")),
            Start::On(NaiveDate::from_ymd_opt(2027, 6, 1).unwrap())
        );
        f.app.stop().await;
    }
);

/// A CSV file from rows of (column, value), in the template's columns.
fn csv_file(rows: &[Vec<(&str, &str)>]) -> String {
    let columns = fairchance::web::employer::import::columns();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&columns).unwrap();
    for row in rows {
        let record: Vec<String> = columns
            .iter()
            .map(|c| {
                row.iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            })
            .collect();
        writer.write_record(&record).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

fn good_row(title: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("title", title),
        (
            "description",
            "Cleaning offices in the evening with a small, friendly team.",
        ),
        ("sector", "cleaning"),
        ("place", "Bradford"),
        ("hours_per_week", "20"),
        ("shift_days", "mon;wed;fri"),
        ("shift_start", "18:00"),
        ("shift_end", "22:00"),
        ("contract", "casual"),
        ("pay_min", "11.44"),
        ("pay_max", "11.44"),
        ("pay_period", "hour"),
        ("positions", "3"),
        ("start_date", "2027-06-01"),
        ("check_level", "none"),
        ("exclusion_violence", "case_by_case"),
        (
            "exclusion_violence_reason",
            "Lone working at night; we would talk it through.",
        ),
        (
            "documents_needed",
            "Proof of identity;National Insurance number",
        ),
    ]
}

on_both_backends!(
    csv_import_checks_every_cell_and_imports_all_or_nothing,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let res = f
            .get_as(f.user_a, "/employer/vacancies/import/template.csv")
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let template = res.text().await.unwrap();
        assert!(template.starts_with("title,description,sector,remote,place"));
        let count = f.vacancy_count();

        let mut bad_sector = good_row("Office cleaner (mornings)");
        bad_sector.retain(|(k, _)| *k != "sector" && *k != "pay_min");
        bad_sector.push(("sector", "astronomy"));
        bad_sector.push(("pay_min", "lots"));
        let mut bad_date = good_row("Office cleaner (weekends)");
        bad_date.retain(|(k, _)| *k != "start_date" && *k != "shift_start");
        bad_date.push(("start_date", "next week"));
        bad_date.push(("shift_start", "6pm"));
        bad_date.push(("required_skills", "juggling"));
        let file = csv_file(&[good_row("Office cleaner"), bad_sector, bad_date]);
        let res = f
            .post_as(
                f.user_a,
                "/employer/vacancies/import",
                &pairs(&[("csv", &file)]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        for expected in [
            "Row 3, column sector: Choose a sector from the list",
            "Row 3, column pay_min: Enter the lowest pay as a number of pounds",
            "Row 4, column start_date: Enter a real date",
            "Row 4, column shift_start: Enter a time in the 24-hour clock",
            "Row 4, column required_skills: Choose required skills from the list",
        ] {
            assert!(html.contains(expected), "missing {expected:?}");
        }
        assert!(!html.contains("Row 2,"), "the good row has no problems");
        assert_eq!(
            f.vacancy_count(),
            count,
            "nothing imported when any row fails"
        );

        // Columns that are not the template's are refused by name.
        let odd = "title,favourite_colour\nCleaner,blue\n";
        let res = f
            .post_as(
                f.user_a,
                "/employer/vacancies/import",
                &pairs(&[("csv", odd)]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("Row 1, column favourite_colour"));
        let res = f
            .post_as(
                f.user_a,
                "/employer/vacancies/import",
                &pairs(&[("csv", "")]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(f.vacancy_count(), count);

        // A good file: every row becomes a draft of this employer.
        let jobs_before = f.jobs_of_kind("vacancy.changed");
        let file = csv_file(&[
            good_row("Office cleaner"),
            good_row("Office cleaner (weekends)"),
        ]);
        let res = f
            .post_as(
                f.user_a,
                "/employer/vacancies/import",
                &pairs(&[("csv", &file)]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("2 vacancies were imported"));
        assert_eq!(f.vacancy_count(), count + 2);
        assert_eq!(f.jobs_of_kind("vacancy.changed"), jobs_before + 2);
        let (rows, total) = {
            let mut conn = f.conn();
            store::vacancies::list_for_employer(&mut conn, f.employer_a, 10, 0).unwrap()
        };
        assert_eq!(total, 3);
        assert!(rows
            .iter()
            .filter(|r| r.title.starts_with("Office cleaner"))
            .all(|r| r.status.as_str() == "draft"));
        let imported = rows
            .iter()
            .find(|r| r.title == "Office cleaner")
            .unwrap()
            .id;
        let mut conn = f.conn();
        let v = store::vacancies::load(&mut conn, imported, &f.app.services.taxonomy).unwrap();
        assert_eq!(v.details.shifts().len(), 1);
        assert_eq!(v.details.documents_needed().len(), 2);
        assert_eq!(v.details.offence_exclusions().len(), 1);
        // The template's own example row imports.
        let res = f
            .post_as(
                f.user_a,
                "/employer/vacancies/import",
                &pairs(&[("csv", &template)]),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        f.app.stop().await;
    }
);

/// A multipart body with one file field.
fn multipart(file: &str) -> (String, Vec<u8>) {
    let boundary = "fairchance-test-boundary-7d3a";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"vacancies.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

on_both_backends!(
    a_csv_file_can_be_uploaded_with_the_form_token,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let count = f.vacancy_count();
        let (cookie, csrf) = f.app.staff_session(f.user_a);
        let page = f
            .get_as(f.user_a, "/employer/vacancies/import")
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("enctype=\"multipart/form-data\""));
        let upload = |file: String, token: Option<String>| {
            let (content_type, body) = multipart(&file);
            let path = match token {
                Some(t) => format!("/employer/vacancies/import/upload?csrf_token={t}"),
                None => "/employer/vacancies/import/upload".to_string(),
            };
            f.app
                .client
                .post(f.app.url(&path))
                .header("cookie", cookie.clone())
                .header("content-type", content_type)
                .body(body)
                .send()
        };
        let good = csv_file(&[good_row("Office cleaner")]);
        // Without the token the upload is refused and nothing is stored.
        let res = upload(good.clone(), None).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = upload(good.clone(), Some("0".repeat(64))).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(f.vacancy_count(), count);
        // A bad row: row and column, nothing stored.
        let mut bad = good_row("Office cleaner (late)");
        bad.retain(|(k, _)| *k != "contract");
        bad.push(("contract", "forever"));
        let res = upload(
            csv_file(&[good_row("Office cleaner"), bad]),
            Some(csrf.clone()),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("Row 3, column contract: Choose the type of contract"));
        assert_eq!(f.vacancy_count(), count);
        // Not text: refused with a clear message.
        let (content_type, mut body) = multipart("");
        // The file's bytes sit just before the closing "\r\n--boundary--\r\n".
        let file_end = body.len() - (4 + "fairchance-test-boundary-7d3a".len() + 4);
        body.splice(file_end..file_end, [0xff, 0xfe, 0x00, 0x41]);
        let res = f
            .app
            .client
            .post(f.app.url(&format!(
                "/employer/vacancies/import/upload?csrf_token={csrf}"
            )))
            .header("cookie", cookie.clone())
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains("save it as"));
        // The good file imports.
        let res = upload(good, Some(csrf.clone())).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(f.vacancy_count(), count + 1);
        f.app.stop().await;
    }
);

on_both_backends!(the_name_is_shown_only_with_consent, |backend| async move {
    let f = Fixture::new(backend).await;
    let mut conn = f.conn();
    let t = &f.app.services.taxonomy;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let town = Town {
        name: "Leeds".into(),
        lat: 53.79,
        lon: -1.54,
    };
    let mut input = generator::profile(&mut rng, 3, &town, today());
    // The profile records the person's consent; the application says it
    // holds for this employer.
    input.consent_to_share_name = true;
    let details = ProfileDetails::parse(&input, t).unwrap();
    let name = format!("{} {}", details.given_name(), details.family_name());
    let service = people::list_services(&mut conn).unwrap()[0].id;
    let profile = conn
        .write(|tx| {
            store::profiles::insert(
                tx,
                service,
                Some(f.officer),
                "Candidate Plover",
                &details,
                now(),
            )
        })
        .unwrap();
    let id = app_store::submit(
        &mut conn,
        profile,
        f.vacancy_a,
        "I can start straight away.",
        now(),
    )
    .unwrap()
    .application
    .id;
    app_store::edit_before_forwarding(&mut conn, id, "I can start straight away.", true, now())
        .unwrap();
    for to in [ApplicationStatus::UnderReview, ApplicationStatus::Forwarded] {
        conn.write(|tx| {
            app_store::change_status(tx, id, &Change::to(to), Actor::officer(f.officer), now())
        })
        .unwrap();
    }
    let html = f
        .get_as(f.user_a, &format!("/employer/applications/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&name), "the name is shown with consent");
    assert!(html.contains("Candidate Plover"));
    f.app.stop().await;
});

on_both_backends!(
    the_dashboard_lists_vacancies_closing_within_a_week,
    |backend| async move {
        use reqwest::Method;
        let f = Fixture::new(backend).await;
        for (title, days) in [("Closes soon porter", 3), ("Closes later porter", 20)] {
            let mut body = valid_json();
            body["title"] = json!(title);
            body["closing_date"] = json!((today() + Duration::days(days)).to_string());
            let res = f
                .api(Method::POST, "/api/v1/vacancies", &f.token_a, Some(&body))
                .await;
            assert_eq!(res.status(), StatusCode::CREATED);
            let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
            let res = f
                .api(
                    Method::POST,
                    &format!("/api/v1/vacancies/{id}/publish"),
                    &f.token_a,
                    None,
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
        }
        let html = f.get_as(f.user_a, "/employer").await.text().await.unwrap();
        assert!(html.contains("Closes soon porter"));
        assert!(!html.contains("Closes later porter"));
        assert!(html.contains("Forwarded to employer</a></th><td>1"));
        let html_b = f.get_as(f.user_b, "/employer").await.text().await.unwrap();
        assert!(!html_b.contains("Closes soon porter"));
        assert!(html_b.contains("Forwarded to employer</a></th><td>0"));
        f.app.stop().await;
    }
);

on_both_backends!(
    demo_candidates_with_offence_licence_and_barred_data_show_none_of_it_to_employers,
    |backend| async move {
        use fairchance::domain::offence::OffenceCategory;
        use fairchance::store::schema::users;
        let app = TestApp::spawn(backend).await;
        fairchance::seed::demo::seed(&app.services).unwrap();
        let taxonomy = app.services.taxonomy.clone();
        let mut conn = app.services.store.conn().unwrap();
        // Demo people whose records hold what only their officers may see.
        let ids = store::profiles::all_ids(&mut conn).unwrap();
        let people: Vec<_> = store::profiles::load_many(&mut conn, &ids, &taxonomy)
            .unwrap()
            .into_iter()
            .filter(|p| {
                let d = &p.details;
                let c = d.licence_conditions();
                !d.offence_categories().is_empty()
                    && (c.other().is_some()
                        || !c.exclusion_zones().is_empty()
                        || !c.curfews().is_empty()
                        || d.barred_children()
                        || d.barred_adults())
            })
            .take(6)
            .collect();
        assert!(people.len() >= 3, "the demo has people with such data");
        // Each is forwarded, by their own officer, to a published demo
        // vacancy of one of three employers.
        let published: Vec<(i64, i64)> = fairchance::with_conn!(&mut conn, |c| vacancies::table
            .filter(vacancies::status.eq("published"))
            .order(vacancies::id)
            .select((vacancies::id, vacancies::employer_id))
            .load(c)
            .unwrap());
        let mut employers: Vec<i64> = published.iter().map(|(_, e)| *e).collect();
        employers.dedup();
        employers.truncate(3);
        let mut forwarded: Vec<(i64, i64, i64, usize)> = Vec::new(); // employer, vacancy, application, person
        for (n, person) in people.iter().enumerate() {
            let employer = employers[n % employers.len()];
            let vacancy = published.iter().find(|(_, e)| *e == employer).unwrap().0;
            let officer = person.officer_id.expect("demo people have officers");
            let id = app_store::submit(
                &mut conn,
                person.id,
                vacancy,
                "I would like this job.",
                now(),
            )
            .unwrap()
            .application
            .id;
            // They send their CV with it (the parts from their record and
            // their own words).
            let words = fairchance::domain::cv::OwnWords {
                about_me: "I like steady work and I learn fast.".into(),
                strengths: "Reliable.".into(),
                references_available: Some(true),
                references_note: "A workshop instructor".into(),
            };
            let (pid, taxonomy) = (person.id, taxonomy.clone());
            conn.write(|tx| {
                store::cvs::save_words(tx, pid, &words, now())?;
                fairchance::app::cvs::attach_in_tx(tx, &taxonomy, pid, id, now())
            })
            .unwrap();
            for to in [ApplicationStatus::UnderReview, ApplicationStatus::Forwarded] {
                conn.write(|tx| {
                    app_store::change_status(
                        tx,
                        id,
                        &Change::to(to),
                        Actor::officer(officer),
                        now(),
                    )
                })
                .unwrap();
            }
            attach_letter(&mut conn, person.id, id);
            forwarded.push((employer, vacancy, id, n));
        }
        for &employer in &employers {
            let member: i64 = fairchance::with_conn!(&mut conn, |c| users::table
                .filter(users::employer_id.eq(employer))
                .order(users::id)
                .select(users::id)
                .first(c)
                .unwrap());
            let (_, token) = access_store::create_api_token(
                &mut conn,
                employer,
                member,
                "check",
                now() + chrono::Duration::days(365),
                now(),
            )
            .unwrap();
            let (cookie, _) = app.staff_session(member);
            for (_, vacancy, application, n) in forwarded.iter().filter(|f| f.0 == employer) {
                let person = &people[*n].details;
                let job = store::vacancies::load(&mut conn, *vacancy, &taxonomy).unwrap();
                // The vacancy's own exclusions are the employer's words and
                // may appear; nothing of the person's may.
                let own: Vec<OffenceCategory> = job
                    .details
                    .offence_exclusions()
                    .iter()
                    .map(|e| e.category())
                    .collect();
                let mut words: Vec<String> = Vec::new();
                for category in person.offence_categories() {
                    if own.contains(category)
                        || matches!(category, OffenceCategory::Other | OffenceCategory::Driving)
                    {
                        continue;
                    }
                    words.push(category.as_str().to_string());
                    words.push(category.label().to_string());
                }
                let conditions = person.licence_conditions();
                words.extend(conditions.other().map(str::to_string));
                words.extend(
                    conditions
                        .exclusion_zones()
                        .iter()
                        .map(|z| z.name().to_string()),
                );
                words.extend(["curfew", "licence condition", "exclusion zone"].map(String::from));
                let mut bodies = Vec::new();
                for path in [
                    "/employer".to_string(),
                    "/employer/vacancies".to_string(),
                    format!("/employer/vacancies/{vacancy}"),
                    format!("/employer/vacancies/{vacancy}/applications"),
                    format!("/employer/applications/{application}"),
                ] {
                    let res = app
                        .client
                        .get(app.url(&path))
                        .header("cookie", &cookie)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), StatusCode::OK, "{path}");
                    bodies.push((path, res.text().await.unwrap()));
                }
                for path in [
                    "/api/v1/vacancies".to_string(),
                    format!("/api/v1/vacancies/{vacancy}"),
                ] {
                    let res = app
                        .client
                        .get(app.url(&path))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), StatusCode::OK, "{path}");
                    bodies.push((path, res.text().await.unwrap()));
                }
                let pseudonym = &people[*n].pseudonym;
                assert!(
                    bodies.iter().any(|(_, b)| b.contains(pseudonym.as_str())),
                    "the card shows {pseudonym}"
                );
                assert!(
                    bodies
                        .iter()
                        .any(|(_, b)| b.contains("Their CV") && b.contains("I learn fast")),
                    "the card shows the CV sent"
                );
                let card = &bodies
                    .iter()
                    .find(|(p, _)| *p == format!("/employer/applications/{application}"))
                    .unwrap()
                    .1;
                assert!(card.contains(LETTER[1]), "the card shows the letter sent");
                for (path, body) in &bodies {
                    let lower = body.to_lowercase();
                    for word in &words {
                        assert!(
                            !lower.contains(&word.to_lowercase()),
                            "{path} shows {word:?}"
                        );
                    }
                    if path.contains("/applications") {
                        // Barred wording may appear on a vacancy (its check
                        // level), never about a candidate.
                        assert!(!lower.contains("barred"), "{path} shows barred information");
                        let name = format!("{} {}", person.given_name(), person.family_name());
                        assert!(
                            !body.contains(&name),
                            "{path} shows the name without consent"
                        );
                    }
                }
            }
        }
        drop(conn);
        app.stop().await;
    }
);

on_both_backends!(
    joining_tells_no_one_which_addresses_have_accounts,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let users_before = {
            use fairchance::store::schema::users;
            let mut conn = f.conn();
            fairchance::with_conn!(&mut conn, |c| users::table
                .count()
                .get_result::<i64>(c)
                .unwrap())
        };
        // An address with an account (the officer's) and a new one get the
        // same answer.
        let taken = with(
            &with(&sign_up_form(), "contact_email", "officer@prison.example"),
            "organisation",
            "Quayside Joinery",
        );
        let fresh = with(
            &with(&sign_up_form(), "contact_email", "sam@quayside.example"),
            "organisation",
            "Quayside Ropeworks",
        );
        let a = post_anonymous(&f.app, "/employers/join", &taken).await;
        let (a_status, a_body) = (a.status(), a.text().await.unwrap());
        let b = post_anonymous(&f.app, "/employers/join", &fresh).await;
        let (b_status, b_body) = (b.status(), b.text().await.unwrap());
        assert_eq!(a_status, StatusCode::OK);
        assert_eq!((a_status, &a_body), (b_status, &b_body));
        assert!(!a_body.contains("already exists"));
        // The existing account was not touched, and no employer was made
        // for it; its owner is told by email instead.
        assert!(employer_row(&f, "Quayside Joinery").is_none());
        assert!(employer_row(&f, "Quayside Ropeworks").is_some());
        let users_after = {
            use fairchance::store::schema::users;
            let mut conn = f.conn();
            fairchance::with_conn!(&mut conn, |c| users::table
                .count()
                .get_result::<i64>(c)
                .unwrap())
        };
        assert_eq!(users_after, users_before + 1, "only the new address");
        let told: Vec<Value> = f
            .emails()
            .into_iter()
            .filter(|e| e["to_address"] == "officer@prison.example")
            .collect();
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(told[0]["text"]
            .as_str()
            .unwrap()
            .contains("You already have an account"));
        // Asking again the same day emails no one twice.
        let again = post_anonymous(&f.app, "/employers/join", &taken).await;
        assert_eq!(again.status(), StatusCode::OK);
        assert_eq!(
            f.emails()
                .iter()
                .filter(|e| e["to_address"] == "officer@prison.example")
                .count(),
            1
        );

        // Rate limited per address like sign-in: 10 requests in the window,
        // then 429 with Retry-After, and nothing is written.
        for i in 4..=10 {
            let form = with(
                &with(
                    &sign_up_form(),
                    "contact_email",
                    &format!("x{i}@quayside.example"),
                ),
                "organisation",
                &format!("Quayside Firm {i}"),
            );
            let res = post_anonymous(&f.app, "/employers/join", &form).await;
            assert_eq!(res.status(), StatusCode::OK, "request {i}");
        }
        let form = with(
            &with(&sign_up_form(), "contact_email", "late@quayside.example"),
            "organisation",
            "Quayside Latecomers",
        );
        let res = post_anonymous(&f.app, "/employers/join", &form).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(res.headers().contains_key("retry-after"));
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("Too many requests to join"));
        assert!(employer_row(&f, "Quayside Latecomers").is_none());
    }
);

on_both_backends!(
    a_database_copy_holds_no_redeemable_invitation,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let res = f
            .post_as(
                f.user_a,
                "/employer/invitations",
                &pairs(&[("email", "sam.colleague@employer-a.example")]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        // Everything a copy of the database holds about the email.
        let mut conn = f.conn();
        let rows: Vec<(String, Option<String>)> =
            fairchance::with_conn!(&mut conn, |c| jobs::table
                .filter(jobs::kind.eq("email.send"))
                .select((jobs::payload, jobs::idempotency_key))
                .load(c)
                .unwrap());
        drop(conn);
        assert_eq!(rows.len(), 1);
        let (payload, key) = &rows[0];
        assert!(!payload.contains("token="), "{payload}");
        assert!(!payload.contains("/invitations/accept"), "{payload}");
        assert!(!key.clone().unwrap_or_default().contains("token"));
        // The queue page can still say who it is for.
        assert!(fairchance::notify::describe(payload)
            .unwrap()
            .contains("sam.colleague@employer-a.example"));
        // Without the secret key it opens to nothing; with it, the link
        // works.
        assert!(fairchance::notify::open_payload(&[7u8; 64], payload).is_err());
        let email =
            fairchance::notify::open_payload(&f.app.services.config.secret_key, payload).unwrap();
        let start = email.text.find("token=").unwrap() + "token=".len();
        let token: String = email.text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let page = f
            .app
            .get(&format!("/invitations/accept?token={token}"))
            .await;
        assert_eq!(page.status(), StatusCode::OK);
    }
);

// ---------------------------------------------------------------------------
// Issue 19 (usability): the employer's inbox, the vacancy form, the import
// page, the status forms and the administrator's pages.

/// Adds `n` more people whose applications to `vacancy` were forwarded.
fn forward_more(f: &Fixture, vacancy: i64, n: u64) {
    let mut conn = f.conn();
    let services = f.app.services.clone();
    let town = Town {
        name: "Leeds".into(),
        lat: 53.7965,
        lon: -1.5478,
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(99);
    for i in 0..n {
        let input = generator::profile(&mut rng, 100 + i, &town, today());
        let details = ProfileDetails::parse(&input, &services.taxonomy).unwrap();
        let at = now();
        let profile = conn
            .write(|tx| {
                store::profiles::insert(
                    tx,
                    f.service,
                    Some(f.officer),
                    &format!("Person {i}"),
                    &details,
                    at,
                )
            })
            .unwrap();
        let submitted =
            app_store::submit(&mut conn, profile, vacancy, "I would like this job.", at).unwrap();
        for to in [ApplicationStatus::UnderReview, ApplicationStatus::Forwarded] {
            conn.write(|tx| {
                app_store::change_status(
                    tx,
                    submitted.application.id,
                    &Change::to(to),
                    Actor::officer(f.officer),
                    at,
                )
            })
            .unwrap();
        }
    }
}

fn count_links(html: &str, prefix: &str) -> usize {
    html.match_indices(prefix)
        .filter(|(i, _)| {
            html[i + prefix.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
        .count()
}

on_both_backends!(
    the_inbox_lists_every_forwarded_application_of_the_employer_only,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let link = format!("href=\"/employer/applications/{}\"", f.application);

        let res = f.get_as(f.user_a, "/employer/applications").await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = res.text().await.unwrap();
        assert!(html.contains(&link), "{html}");
        assert!(html.contains("1 application."), "{html}");
        for secret in [
            "Violence",
            "violence",
            "Dishonesty",
            LICENCE_TEXT,
            ZONE_NAME,
        ] {
            assert!(!html.contains(secret), "{secret} reached the employer");
        }
        // The pseudonym, since the person did not share their name.
        assert!(html.contains("Candidate Kestrel</a>"));

        // Another organisation sees none of it.
        let html = f
            .get_as(f.user_b, "/employer/applications")
            .await
            .text()
            .await
            .unwrap();
        assert!(!html.contains(&link) && html.contains("0 applications."));

        // Filters by status and vacancy.
        let html = f
            .get_as(f.user_a, "/employer/applications?status=interview")
            .await
            .text()
            .await
            .unwrap();
        assert!(!html.contains(&link) && html.contains("0 applications."));
        let html = f
            .get_as(
                f.user_a,
                &format!(
                    "/employer/applications?status=forwarded&vacancy={}",
                    f.vacancy_a
                ),
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains(&link));
        // Another employer's vacancy is not a filter this one may use.
        let res = f
            .get_as(
                f.user_a,
                &format!("/employer/applications?vacancy={}", f.vacancy_b),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("Choose one of your vacancies from the list"));
        let res = f
            .get_as(f.user_a, "/employer/applications?status=hired&page=x")
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(html.contains("Choose a status from the list") && html.contains("id=\"page\""));

        // Every application is reachable, page by page, with the total.
        forward_more(&f, f.vacancy_a, 21);
        let first = f
            .get_as(f.user_a, "/employer/applications")
            .await
            .text()
            .await
            .unwrap();
        assert!(first.contains("22 applications, page 1 of 2."), "{first}");
        assert_eq!(count_links(&first, "href=\"/employer/applications/"), 20);
        assert!(first.contains("page=2"));
        // Newest first: the fixture's application is the oldest.
        assert!(!first.contains(&link));
        let second = f
            .get_as(f.user_a, "/employer/applications?page=2")
            .await
            .text()
            .await
            .unwrap();
        assert!(second.contains("22 applications, page 2 of 2."));
        assert_eq!(count_links(&second, "href=\"/employer/applications/"), 2);
        assert!(second.contains(&link));

        // The vacancy's own card page reaches every one too, 20 a page, and
        // the pages together are exactly the forwarded applications.
        let expected: std::collections::BTreeSet<i64> = {
            let mut conn = f.conn();
            fairchance::with_conn!(&mut conn, |c| {
                use fairchance::store::schema::{application_events, applications};
                applications::table
                    .filter(applications::vacancy_id.eq(f.vacancy_a))
                    .filter(
                        applications::id.eq_any(
                            application_events::table
                                .filter(application_events::to_status.eq("forwarded"))
                                .select(application_events::application_id),
                        ),
                    )
                    .select(applications::id)
                    .load::<i64>(c)
                    .unwrap()
            })
            .into_iter()
            .collect()
        };
        assert_eq!(expected.len(), 22);
        let cards = |p: i64| format!("/employer/vacancies/{}/applications?page={p}", f.vacancy_a);
        let mut seen = std::collections::BTreeSet::new();
        for (p, on_page) in [(1, 20), (2, 2)] {
            let html = f.get_as(f.user_a, &cards(p)).await.text().await.unwrap();
            assert!(
                html.contains(&format!("22 applications, oldest first, page {p} of 2.")),
                "{html}"
            );
            let ids: Vec<i64> = html
                .match_indices("href=\"/employer/applications/")
                .filter_map(|(i, m)| {
                    let rest = &html[i + m.len()..];
                    rest[..rest.find('"')?].parse().ok()
                })
                .collect();
            assert_eq!(ids.len(), on_page, "{html}");
            seen.extend(ids);
        }
        assert_eq!(seen, expected, "every forwarded application, once");
        let past = f.get_as(f.user_a, &cards(9)).await;
        assert_eq!(past.status(), StatusCode::SEE_OTHER);
        assert!(past.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("page=2"));
        let bad = f
            .get_as(
                f.user_a,
                &format!("/employer/vacancies/{}/applications?page=x", f.vacancy_a),
            )
            .await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        assert!(bad
            .text()
            .await
            .unwrap()
            .contains("whole number of 1 or more"));

        // The dashboard and the vacancy list count and link them.
        let home = f.get_as(f.user_a, "/employer").await.text().await.unwrap();
        assert!(home.contains("href=\"/employer/applications?status=forwarded\""));
        assert!(home.contains("All applications (22)"), "{home}");
        let list = f
            .get_as(f.user_a, "/employer/vacancies")
            .await
            .text()
            .await
            .unwrap();
        assert!(list.contains(&format!(
            "href=\"/employer/applications?vacancy={}\">22<",
            f.vacancy_a
        )));
        let list_b = f
            .get_as(f.user_b, "/employer/vacancies")
            .await
            .text()
            .await
            .unwrap();
        assert!(!list_b.contains("/employer/applications?vacancy="));
        f.app.stop().await;
    }
);

/// The valid form with its dates typed into the day, month and year boxes.
fn with_date_parts(form: &[(String, String)], field: &str, date: NaiveDate) -> Form {
    use chrono::Datelike;
    let mut out: Form = form.iter().filter(|(k, _)| k != field).cloned().collect();
    out.push((format!("{field}_day"), date.day().to_string()));
    out.push((format!("{field}_month"), date.month().to_string()));
    out.push((format!("{field}_year"), date.year().to_string()));
    out
}

on_both_backends!(
    the_vacancy_form_reads_day_month_year_and_refuses_a_past_start,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let html = f
            .get_as(f.user_a, "/employer/vacancies/new")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("name=\"start_date_day\"") && html.contains("name=\"closing_date_year\"")
        );
        assert!(
            !html.contains("type=\"date\""),
            "one date pattern, no browser date picker"
        );
        assert!(!html.contains("2027-03-31"));
        // Labels sit beside their boxes; a shift's days share one row.
        assert!(html.contains("<div class=\"choice-row\"><div class=\"choice\"><input type=\"checkbox\" id=\"shift0_days_mon\""));

        let start = today() + Duration::days(40);
        let form = with_date_parts(&valid_form(), "start_date", start);
        let form = with_date_parts(&form, "closing_date", today() + Duration::days(20));
        let res = f.post_as(f.user_a, "/employer/vacancies", &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let id = created_id(&res);
        let edit = f
            .get_as(f.user_a, &format!("/employer/vacancies/{id}/edit"))
            .await
            .text()
            .await
            .unwrap();
        use chrono::Datelike;
        assert!(edit.contains(&format!(
            "name=\"start_date_year\" value=\"{}\"",
            start.year()
        )));

        let cases: Vec<(Form, &str)> = vec![
            (
                with_date_parts(
                    &valid_form(),
                    "start_date",
                    NaiveDate::from_ymd_opt(2020, 6, 1).unwrap(),
                ),
                "Enter a start date that is today or later",
            ),
            (
                with_date_parts(&valid_form(), "start_date", today() - Duration::days(1)),
                "Enter a start date that is today or later",
            ),
            (
                with(
                    &with(
                        &with(&valid_form(), "start_date_day", "31"),
                        "start_date_month",
                        "2",
                    ),
                    "start_date_year",
                    "2027",
                ),
                "The start date must be a real date",
            ),
            (
                with(
                    &with(&valid_form(), "closing_date_day", "3"),
                    "closing_date_month",
                    "4",
                ),
                "The closing date must include a year",
            ),
        ];
        for (form, message) in cases {
            let res = f.post_as(f.user_a, "/employer/vacancies", &form).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{message}");
            let html = res.text().await.unwrap();
            assert!(html.contains(message), "{message}: {html}");
            // A start in 2020 is not blamed on the closing date.
            assert!(!html.contains("2 years after the start date"));
        }

        // A published vacancy whose start has passed stays editable as
        // long as the start is kept; a new past start is refused.
        let t = &f.app.services.taxonomy;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let town = Town {
            name: "Leeds".into(),
            lat: 53.7965,
            lon: -1.5478,
        };
        let mut input = generator::vacancy(&mut rng, &TEMPLATES[0], &town, "A", today());
        let started = today() - Duration::days(10);
        input.start = None;
        input.start_date = Some(started);
        input.closing_date = None;
        let details = VacancyDetails::parse(&input, t).unwrap();
        let old = {
            let mut conn = f.conn();
            conn.write(|tx| {
                store::vacancies::insert(
                    tx,
                    f.employer_a,
                    VacancyStatus::Published,
                    None,
                    &details,
                    now(),
                )
            })
            .unwrap()
        };
        let mut keep = with(&valid_form(), "start_date", &started.to_string());
        keep = with(&keep, "closing_date", "");
        let res = f
            .post_as(f.user_a, &format!("/employer/vacancies/{old}"), &keep)
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let moved = with(
            &keep,
            "start_date",
            &(started - Duration::days(1)).to_string(),
        );
        let res = f
            .post_as(f.user_a, &format!("/employer/vacancies/{old}"), &moved)
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // The API keeps the same rule.
        let mut body = valid_json();
        body["start_date"] = json!((today() - Duration::days(3)).to_string());
        let res = f
            .api(
                reqwest::Method::POST,
                "/api/v1/vacancies",
                &f.token_a,
                Some(&body),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains("today or later"));
        f.app.stop().await;
    }
);

on_both_backends!(
    case_by_case_needs_no_reason_and_an_exclusion_names_its_category,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let form = with(
            &with(&valid_form(), "exclusion_violence", "case_by_case"),
            "exclusion_arson_reason",
            "",
        );
        let res = f.post_as(f.user_a, "/employer/vacancies", &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        let form = with(&valid_form(), "exclusion_drugs_supply", "excluded");
        let res = f.post_as(f.user_a, "/employer/vacancies", &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(html
            .contains("Explain why people with convictions for drugs supply cannot be considered"));
        assert!(html.contains("id=\"exclusion_drugs_supply_reason-error\""));

        // The API and the CSV import share the rule.
        let mut body = valid_json();
        body["offence_exclusions"] = json!([{ "category": "other", "stance": "case_by_case" }]);
        let res = f
            .api(
                reqwest::Method::POST,
                "/api/v1/vacancies",
                &f.token_a,
                Some(&body),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        body["offence_exclusions"] =
            json!([{ "category": "arson", "stance": "excluded", "reason": "" }]);
        let res = f
            .api(
                reqwest::Method::POST,
                "/api/v1/vacancies",
                &f.token_a,
                Some(&body),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("people with convictions for arson cannot be considered"));
        f.app.stop().await;
    }
);

on_both_backends!(
    the_preview_uses_the_terminal_words_and_offers_only_valid_actions,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let res = f
            .post_as(f.user_a, "/employer/vacancies", &valid_form())
            .await;
        let id = created_id(&res);
        let html = f
            .get_as(f.user_a, &format!("/employer/vacancies/{id}/preview"))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("Monday, Tuesday, 08:00 to 16:00"), "{html}");
        assert!(!html.contains("mon, tue"));
        assert!(html.contains(&format!("/employer/vacancies/{id}/publish")));
        assert!(!html.contains(&format!("/employer/vacancies/{id}/withdraw")));
        f.post_as(f.user_a, &format!("/employer/vacancies/{id}/publish"), &[])
            .await;
        let html = f
            .get_as(f.user_a, &format!("/employer/vacancies/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains(&format!("/employer/vacancies/{id}/withdraw")));
        assert!(!html.contains(&format!("/employer/vacancies/{id}/publish\"")));
        f.app.stop().await;
    }
);

on_both_backends!(
    the_import_page_lists_sectors_marks_the_pasted_field_and_links_the_drafts,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let html = f
            .get_as(f.user_a, "/employer/vacancies/import")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("<code>warehousing</code>") && html.contains("Warehousing"));

        let mut bad = good_row("Bad row");
        for cell in bad.iter_mut() {
            if cell.0 == "sector" {
                cell.1 = "astronomy";
            }
        }
        let res = f
            .post_as(
                f.user_a,
                "/employer/vacancies/import",
                &pairs(&[("csv", &csv_file(&[bad]))]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(html.contains("href=\"#csv\"") && html.contains("id=\"csv-error\""));
        assert!(!html.contains("href=\"#file\"") && !html.contains("id=\"file-error\""));

        let res = f
            .post_as(
                f.user_a,
                "/employer/vacancies/import",
                &pairs(&[("csv", &csv_file(&[good_row("Baker's assistant")]))]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("1 vacancy was imported as a draft."),
            "{html}"
        );
        let newest: i64 = {
            let mut conn = f.conn();
            fairchance::with_conn!(&mut conn, |c| vacancies::table
                .select(diesel::dsl::max(vacancies::id))
                .first::<Option<i64>>(c)
                .unwrap()
                .unwrap())
        };
        assert!(html.contains(&format!("href=\"/employer/vacancies/{newest}/preview\"")));
        f.app.stop().await;
    }
);

/// The HTML of each form on a page.
fn forms(html: &str) -> Vec<&str> {
    html.split("<form")
        .skip(1)
        .map(|s| s.split("</form>").next().unwrap())
        .collect()
}

on_both_backends!(
    each_next_status_has_its_own_small_form,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let path = format!("/employer/applications/{}", f.application);
        let html = f.get_as(f.user_a, &path).await.text().await.unwrap();
        let status_forms: Vec<&str> = forms(&html)
            .into_iter()
            .filter(|s| s.contains("/status\""))
            .collect();
        assert!(status_forms.len() >= 2, "{html}");
        for form in &status_forms {
            let interview = form.contains("value=\"interview\"");
            let unsuccessful = form.contains("value=\"unsuccessful\"");
            assert_eq!(form.contains("interview_date_day"), interview);
            assert_eq!(form.contains("name=\"reason\""), unsuccessful);
            assert!(!form.contains("start_date_day") || form.contains("value=\"started\""));
            assert!(form.contains("csrf_token"));
        }
        let res = f
            .post_as(
                f.user_a,
                &format!("{path}/status"),
                &pairs(&[
                    ("status", "interview"),
                    ("interview_date_day", "31"),
                    ("interview_date_month", "2"),
                    ("interview_date_year", "2027"),
                    ("interview_time", "10:00"),
                ]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("id=\"interview_at-error\"")
                && html.contains("The interview date must be a real date")
        );
        let day = today() + Duration::days(5);
        use chrono::Datelike;
        let res = f
            .post_as(
                f.user_a,
                &format!("{path}/status"),
                &pairs(&[
                    ("status", "interview"),
                    ("interview_date_day", &day.day().to_string()),
                    ("interview_date_month", &day.month().to_string()),
                    ("interview_date_year", &day.year().to_string()),
                    ("interview_time", "10:00"),
                ]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        f.app.stop().await;
    }
);

async fn sign_in_form(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    post_anonymous(
        app,
        "/sign-in",
        &pairs(&[("email", email), ("password", password)]),
    )
    .await
}

on_both_backends!(
    a_pending_employer_is_counted_labelled_and_told_it_awaits_approval,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let form = with(&sign_up_form(), "website", "www.harbour-bakery.example");
        let res = post_anonymous(&f.app, "/employers/join", &form).await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "{}",
            res.status()
        );
        let (id, _) = employer_row(&f, "Harbour Bakery Co-operative").unwrap();
        let website: Option<String> = {
            use fairchance::store::schema::employers;
            let mut conn = f.conn();
            fairchance::with_conn!(&mut conn, |c| employers::table
                .find(id)
                .select(employers::website)
                .first(c)
                .unwrap())
        };
        assert_eq!(
            website.as_deref(),
            Some("https://www.harbour-bakery.example")
        );

        let home = f.get_as(f.admin, "/admin").await.text().await.unwrap();
        assert!(home.contains("<a href=\"/admin/employers\">Employers waiting for approval</a>: <strong>1</strong>"), "{home}");
        let users = f
            .get_as(f.admin, "/admin/users?q=harbour")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            users.contains("Awaiting approval") && users.contains("1 user matching"),
            "{users}"
        );
        let review = f
            .get_as(f.admin, "/admin/employers")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            review.contains("<td>Hospitality and catering</td>"),
            "{review}"
        );
        assert!(!review.contains("<td>hospitality</td>"));

        let res = sign_in_form(
            &f.app,
            "morgan@harbour-bakery.example",
            "flour water salt yeast",
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("waiting for approval") && html.contains("no-reply@fairchance.invalid"),
            "{html}"
        );
        f.app.stop().await;
    }
);

on_both_backends!(
    the_users_list_searches_pages_and_refuses_self_disable,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let html = f
            .get_as(f.admin, "/admin/users?q=EMPLOYER.example")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("2 users matching"), "{html}");
        assert!(html.contains("a@employer.example") && !html.contains("officer@prison.example"));
        let all = f
            .get_as(f.admin, "/admin/users")
            .await
            .text()
            .await
            .unwrap();
        assert!(all.contains("4 users."));
        assert!(!all.contains(&format!("/admin/users/{}/disable", f.admin)));
        assert!(all.contains(&format!("/admin/users/{}/disable", f.user_a)));
        let res = f
            .post_as(f.admin, &format!("/admin/users/{}/disable", f.admin), &[])
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("You cannot disable your own account"));
        f.app.stop().await;
    }
);

on_both_backends!(
    the_audit_log_filters_by_person_and_partial_action_and_hides_own_views,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let res = f
            .post_as(f.user_a, "/employer/tokens", &pairs(&[("name", "Payroll")]))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        for _ in 0..3 {
            f.get_as(f.admin, "/admin/audit").await;
        }
        let html = f
            .get_as(f.admin, "/admin/audit")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            !html.contains("<td class=\"break\">audit.viewed</td>"),
            "{html}"
        );
        let html = f
            .get_as(f.admin, "/admin/audit?show_own_views=on")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("<td class=\"break\">audit.viewed</td>"));
        let html = f
            .get_as(f.admin, "/admin/audit?actor=A%40Employer&action=TOKEN")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("api_token.created") && html.contains("1 entry."),
            "{html}"
        );
        let html = f
            .get_as(f.admin, "/admin/audit?actor=b%40employer&action=token")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("0 entries."));
        let res = f
            .get_as(
                f.admin,
                "/admin/audit?from_day=2&from_month=12&from_year=2026&until_day=1&until_month=11&until_year=2026",
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("id=\"until-error\"")
                && html.contains("The end date must be the same as or after the start date")
        );
        let res = f
            .get_as(
                f.admin,
                "/admin/audit?from_day=40&from_month=1&from_year=2026",
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains("id=\"from-error\""));
        f.app.stop().await;
    }
);

on_both_backends!(
    the_tokens_page_leads_to_a_readable_api_reference,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let html = f
            .get_as(f.user_a, "/employer/tokens")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!("<code>{}/api/v1/</code>", f.app.address)),
            "{html}"
        );
        assert!(html.contains("href=\"/api-reference\""));
        // The reference is public, plain HTML, and describes every
        // operation of the OpenAPI document with its fields.
        let res = f.app.get("/api-reference").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let page = res.text().await.unwrap();
        let doc: Value = f
            .app
            .get("/api/v1/openapi.json")
            .await
            .json()
            .await
            .unwrap();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in ["get", "post", "put", "delete"] {
                if !item[method].is_null() {
                    let heading = format!("<code>{} {}</code>", method.to_uppercase(), path);
                    assert!(page.contains(&heading), "{heading} missing");
                }
            }
        }
        assert!(page.contains("Request body (JSON)"));
        assert!(!page.contains("<script"));
    }
);

// ------------------------------------------------- after an application ends

/// A fictional person (with `consent` to share their name on the profile)
/// whose application to vacancy A was forwarded with their name agreed on
/// it; the application's id, the person's name and their pseudonym.
fn forwarded_candidate(f: &Fixture, seed: u64, consent: bool) -> (i64, String, String) {
    let mut conn = f.conn();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let town = Town {
        name: "Leeds".into(),
        lat: 53.79,
        lon: -1.54,
    };
    let mut input = generator::profile(&mut rng, seed, &town, today());
    input.consent_to_share_name = consent;
    let details = ProfileDetails::parse(&input, &f.app.services.taxonomy).unwrap();
    assert!(
        !details.skills().is_empty(),
        "the person has skills to hide"
    );
    let name = format!("{} {}", details.given_name(), details.family_name());
    let pseudonym = format!("Candidate Ended {seed}");
    let service = f.service;
    let profile = conn
        .write(|tx| {
            store::profiles::insert(tx, service, Some(f.officer), &pseudonym, &details, now())
        })
        .unwrap();
    let statement = format!("I packed orders on {} for two years.", statement_mark(seed));
    let statement = statement.as_str();
    let id = app_store::submit(&mut conn, profile, f.vacancy_a, statement, now())
        .unwrap()
        .application
        .id;
    app_store::edit_before_forwarding(&mut conn, id, statement, true, now()).unwrap();
    for to in [ApplicationStatus::UnderReview, ApplicationStatus::Forwarded] {
        conn.write(|tx| {
            app_store::change_status(tx, id, &Change::to(to), Actor::officer(f.officer), now())
        })
        .unwrap();
    }
    (id, name, pseudonym)
}

/// Moves every step of the application's timeline to `on` (noon), as if it
/// had been forwarded then.
fn forwarded_on(f: &Fixture, id: i64, on: NaiveDate) {
    use fairchance::store::schema::application_events;
    let at = on.and_hms_opt(12, 0, 0).unwrap();
    let mut conn = f.conn();
    fairchance::with_conn!(&mut conn, |c| diesel::update(
        application_events::table.filter(application_events::application_id.eq(id))
    )
    .set(application_events::at.eq(at))
    .execute(c)
    .unwrap());
}

/// Words only this person's statement holds.
fn statement_mark(seed: u64) -> String {
    format!("workshop line {seed}")
}

const SKILLS_ROW: &str = "<th scope=\"row\">Skills</th>";

/// The employer's three views of applications: the application's page,
/// the vacancy's cards and the inbox.
async fn employer_views(f: &Fixture, id: i64) -> [String; 3] {
    let mut out = Vec::new();
    for path in [
        format!("/employer/applications/{id}"),
        format!("/employer/vacancies/{}/applications", f.vacancy_a),
        "/employer/applications".to_string(),
    ] {
        let res = f.get_as(f.user_a, &path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        out.push(res.text().await.unwrap());
    }
    out.try_into().unwrap()
}

/// The application's own page and its card show only the pseudonym and the
/// outcome; the inbox line names it by pseudonym.
async fn assert_ended(f: &Fixture, id: i64, who: (&str, &str, u64), outcome: &str) {
    let (name, pseudonym, seed) = who;
    let [page, cards, inbox] = employer_views(f, id).await;
    for html in [&page, &cards, &inbox] {
        assert!(html.contains(pseudonym), "{html}");
        assert!(!html.contains(name), "no name once ended: {html}");
        assert!(
            !html.contains(&statement_mark(seed)),
            "no statement once ended"
        );
        assert!(html.contains(outcome), "the outcome is shown: {outcome}");
    }
    assert!(!page.contains(SKILLS_ROW) && !page.contains("Case officer</th>"));
    assert!(!page.contains("Interview</th>") && !page.contains("What has happened"));
    assert!(page.contains("This application has ended"));
    assert!(
        !page.contains("Record what happened next"),
        "nothing more to record"
    );
}

on_both_backends!(
    an_unsuccessful_or_withdrawn_application_shows_only_pseudonym_and_outcome,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let (id, name, pseudonym) = forwarded_candidate(&f, 31, true);
        let [page, _, inbox] = employer_views(&f, id).await;
        assert!(page.contains(&name) && page.contains(&statement_mark(31)));
        assert!(page.contains(SKILLS_ROW));
        assert!(inbox.contains(&name), "open: the name, with consent");
        let reason = fairchance::domain::application::UnsuccessfulReason::ALL
            .iter()
            .copied()
            .find(|r| r.can_be_given_by(fairchance::domain::application::Role::Employer))
            .unwrap();
        let change = Change {
            reason: Some(reason),
            ..Change::to(ApplicationStatus::Unsuccessful)
        };
        f.conn()
            .write(|tx| app_store::change_status(tx, id, &change, Actor::employer(f.user_a), now()))
            .unwrap();
        assert_ended(&f, id, (&name, &pseudonym, 31), "Unsuccessful").await;

        let (id, name, pseudonym) = forwarded_candidate(&f, 32, true);
        let withdraw = Change::to(ApplicationStatus::Withdrawn);
        f.conn()
            .write(|tx| {
                app_store::change_status(tx, id, &withdraw, Actor::officer(f.officer), now())
            })
            .unwrap();
        assert_ended(&f, id, (&name, &pseudonym, 32), "Withdrawn").await;
        f.app.stop().await;
    }
);

on_both_backends!(
    six_months_after_forwarding_an_application_ends_for_the_employer,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let six_months_ago = today().checked_sub_months(chrono::Months::new(6)).unwrap();
        // One day short of six months: still in full.
        let (open, name, _) = forwarded_candidate(&f, 41, true);
        forwarded_on(&f, open, six_months_ago + Duration::days(1));
        let [page, _, _] = employer_views(&f, open).await;
        assert!(page.contains(&name) && page.contains(&statement_mark(41)));
        assert!(page.contains(SKILLS_ROW) && page.contains("Record what happened next"));
        // Six months and a day: only the pseudonym and the outcome.
        let (old, name, pseudonym) = forwarded_candidate(&f, 42, true);
        forwarded_on(&f, old, six_months_ago - Duration::days(1));
        assert_ended(&f, old, (&name, &pseudonym, 42), "Forwarded to employer").await;
        // And the employer can record nothing more on it.
        let fields = vec![
            ("status".to_string(), "interview".to_string()),
            (
                "interview_date".to_string(),
                (today() + Duration::days(3)).to_string(),
            ),
            ("interview_time".to_string(), "10:00".to_string()),
        ];
        let res = f
            .post_as(
                f.user_a,
                &format!("/employer/applications/{old}/status"),
                &fields,
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let body = res.text().await.unwrap();
        assert!(
            body.contains("ended for you 6 months after it was forwarded"),
            "{body}"
        );
        let now_status = app_store::load(&mut f.conn(), old).unwrap().unwrap().status;
        assert_eq!(now_status, ApplicationStatus::Forwarded);
        f.app.stop().await;
    }
);

on_both_backends!(
    without_consent_on_the_profile_the_name_is_never_shown,
    |backend| async move {
        let f = Fixture::new(backend).await;
        // Agreed on the application, but the profile holds no consent.
        let (id, name, pseudonym) = forwarded_candidate(&f, 51, false);
        let [page, cards, inbox] = employer_views(&f, id).await;
        for html in [&page, &cards, &inbox] {
            assert!(html.contains(&pseudonym) && !html.contains(&name), "{html}");
        }
        assert!(
            page.contains(&statement_mark(51)),
            "the rest of the card is there"
        );
        f.app.stop().await;
    }
);

on_both_backends!(
    convictions_asked_through_editor_api_and_csv,
    |backend| async move {
        let f = Fixture::new(backend).await;
        // Editor: "never" with a basic check is refused beside the field.
        let form = with(&valid_form(), "convictions_asked", "never");
        let res = f.post_as(f.user_a, "/employer/vacancies", &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(html.contains("id=\"convictions_asked-error\""));
        assert!(html.contains("Choose never only when there is no criminal record check"));
        let form = with(&valid_form(), "convictions_asked", "at_application");
        let res = f.post_as(f.user_a, "/employer/vacancies", &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let id = created_id(&res);
        let got = f
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/vacancies/{id}"),
                &f.token_a,
                None,
            )
            .await;
        let body: Value = got.json().await.unwrap();
        assert_eq!(body["convictions_asked"], "at_application");
        let page = f
            .get_as(f.user_a, &format!("/employer/vacancies/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("When convictions are asked about")
                && page.contains("With the application")
        );
        let edit = f
            .get_as(f.user_a, &format!("/employer/vacancies/{id}/edit"))
            .await
            .text()
            .await
            .unwrap();
        assert!(edit.contains("<option value=\"at_application\" selected>"));

        // API: absent means the default for the check level; "never" with
        // a check is a 422 on the field.
        let res = f
            .api(
                reqwest::Method::POST,
                "/api/v1/vacancies",
                &f.token_a,
                Some(&valid_json()),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["convictions_asked"], "never");
        assert_eq!(body["warnings"], json!([]));
        let mut basic = valid_json();
        basic["check_level"] = json!("basic");
        let res = f
            .api(
                reqwest::Method::POST,
                "/api/v1/vacancies",
                &f.token_a,
                Some(&basic),
            )
            .await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["convictions_asked"], "at_offer");
        basic["check_level"] = json!("standard");
        basic["convictions_asked"] = json!("never");
        let res = f
            .api(
                reqwest::Method::POST,
                "/api/v1/vacancies",
                &f.token_a,
                Some(&basic),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.unwrap();
        assert!(body["fields"]["convictions_asked"].is_array(), "{body}");

        // CSV: an empty cell takes the default; "never" with a check is
        // refused by row and column, and nothing is imported.
        let count = f.vacancy_count();
        let mut checked = good_row("Night cleaner");
        checked.retain(|(k, _)| *k != "check_level");
        checked.push(("check_level", "basic"));
        checked.push(("convictions_asked", "never"));
        let file = csv_file(&[good_row("Office cleaner"), checked]);
        let res = f
            .post_as(
                f.user_a,
                "/employer/vacancies/import",
                &pairs(&[("csv", &file)]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("Row 3, column convictions_asked: A criminal record check tells you"),
            "{html}"
        );
        assert_eq!(f.vacancy_count(), count);
        let file = csv_file(&[good_row("Office cleaner")]);
        let res = f
            .post_as(
                f.user_a,
                "/employer/vacancies/import",
                &pairs(&[("csv", &file)]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let stored: Vec<String> = {
            let mut conn = f.conn();
            fairchance::with_conn!(&mut conn, |c| vacancies::table
                .filter(vacancies::title.eq("Office cleaner"))
                .select(vacancies::convictions_asked)
                .load::<String>(c))
            .unwrap()
        };
        assert_eq!(stored, ["never"]);
        assert!(fairchance::web::employer::import::template_csv().contains("convictions_asked"));
        f.app.stop().await;
    }
);

on_both_backends!(
    wording_warnings_beside_the_field_in_the_checklist_and_the_api,
    |backend| async move {
        let f = Fixture::new(backend).await;
        let form = with(
            &valid_form(),
            "description",
            "Picking and packing orders. Applicants must have a Clean  Record.",
        );
        let form = with(&form, "exclusion_violence", "excluded");
        let form = with(&form, "exclusion_violence_reason", "Company policy");
        let res = f.post_as(f.user_a, "/employer/vacancies", &form).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "a warning, not a refusal"
        );
        let id = created_id(&res);
        let preview = f
            .get_as(f.user_a, &format!("/employer/vacancies/{id}/preview"))
            .await
            .text()
            .await
            .unwrap();
        assert!(preview.contains("Check before publishing"));
        assert!(preview.contains("To do: Every exclusion has a reason"));
        assert!(preview.contains("To do: No wording that puts people off"));
        assert!(preview.contains("Done: ROTL or work trial offered"));
        assert!(preview.contains("Clean  Record"));
        assert!(preview.contains(&format!(
            "/employer/vacancies/{id}/edit#exclusion_violence_reason"
        )));
        let edit = f
            .get_as(f.user_a, &format!("/employer/vacancies/{id}/edit"))
            .await
            .text()
            .await
            .unwrap();
        let beside = |field: &str| {
            let at = edit
                .find(&format!("id=\"{field}-warning-1\""))
                .unwrap_or_else(|| panic!("{field}"));
            let input = edit
                .find(&format!("id=\"{field}\" name=\"{field}\""))
                .unwrap();
            assert!(
                at < input && input - at < 1500,
                "{field}: the warning is beside the field"
            );
        };
        beside("description");
        beside("exclusion_violence_reason");
        assert!(edit.contains("Suggested wording:"));
        // Publishing still works.
        let res = f
            .post_as(f.user_a, &format!("/employer/vacancies/{id}/publish"), &[])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(f.status_of(id), "published");

        // The API answers the same warnings as `warnings`.
        let mut body = valid_json();
        body["how_to_apply"] = json!("You must pass a background check.");
        let res = f
            .api(
                reqwest::Method::POST,
                "/api/v1/vacancies",
                &f.token_a,
                Some(&body),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let answer: Value = res.json().await.unwrap();
        let warnings = answer["warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), 1, "{answer}");
        assert_eq!(warnings[0]["field"], "how_to_apply");
        assert_eq!(warnings[0]["phrase"], "must pass a background check");
        assert!(warnings[0]["suggestion"].as_str().unwrap().len() > 10);
        let vid = answer["id"].as_i64().unwrap();
        body["how_to_apply"] = json!("Your officer sends your details to us.");
        let res = f
            .api(
                reqwest::Method::PUT,
                &format!("/api/v1/vacancies/{vid}"),
                &f.token_a,
                Some(&body),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let answer: Value = res.json().await.unwrap();
        assert_eq!(answer["warnings"], json!([]));
        f.app.stop().await;
    }
);

on_both_backends!(
    the_api_carries_kinds_with_field_errors_and_no_leaks,
    |backend| async move {
        use reqwest::Method;
        let f = Fixture::new(backend).await;
        let count = f.vacancy_count();
        // A work trial without its fields, and a kind that does not exist:
        // 422 beside each field, nothing written.
        let mut trial = valid_json();
        trial["kind"] = json!("work_trial");
        let res = f
            .api(Method::POST, "/api/v1/vacancies", &f.token_a, Some(&trial))
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.unwrap();
        for field in ["trial_ends_on", "trial_paid", "trial_timing"] {
            assert!(body["fields"][field].is_array(), "{field}: {body}");
        }
        let mut unknown = valid_json();
        unknown["kind"] = json!("internship");
        unknown["opens_on"] = json!((today() + Duration::days(31)).to_string());
        let res = f
            .api(
                Method::POST,
                "/api/v1/vacancies",
                &f.token_a,
                Some(&unknown),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.unwrap();
        assert!(body["fields"]["kind"].is_array(), "{body}");
        assert!(body["fields"]["opens_on"].is_array(), "{body}");
        assert_eq!(f.vacancy_count(), count);

        // A good trial is stored and read back with its fields.
        let start = today() + Duration::days(30);
        trial["trial_ends_on"] = json!((start + Duration::days(2)).to_string());
        trial["trial_paid"] = json!(true);
        trial["trial_timing"] = json!("after_release");
        let res = f
            .api(Method::POST, "/api/v1/vacancies", &f.token_a, Some(&trial))
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
        let created: Value = res.json().await.unwrap();
        assert_eq!(created["kind"], "work_trial");
        assert_eq!(created["trial_timing"], "after_release");
        assert_eq!(created["rotl_suitable"], false);
        let id = created["id"].as_i64().unwrap();

        // Nothing an employer reads mentions day release travel, the new
        // rule codes or a person's to-dos.
        let answers = [
            f.api(
                Method::GET,
                &format!("/api/v1/vacancies/{id}"),
                &f.token_a,
                None,
            )
            .await
            .text()
            .await
            .unwrap(),
            f.api(Method::GET, "/api/v1/vacancies", &f.token_a, None)
                .await
                .text()
                .await
                .unwrap(),
            f.get_as(f.user_a, &format!("/employer/vacancies/{id}"))
                .await
                .text()
                .await
                .unwrap(),
            f.get_as(f.user_a, "/employer/applications")
                .await
                .text()
                .await
                .unwrap(),
        ];
        for text in &answers {
            for secret in [
                "rotl_travel",
                "rotl_not_eligible",
                "beyond_rotl_travel",
                "To do before starting",
                "from the prison;",
            ] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
        f.app.stop().await;
    }
);
