//! The case officer workspace over HTTP, on both backends: caseload,
//! profile editor, restricted sections, sign-in slips, matches,
//! applications and outcomes.

mod common;

use chrono::{Duration, NaiveDate};
use common::{Backend, TestApp};
use diesel::prelude::*;
use fairchance::access::password;
use fairchance::domain::application::ApplicationStatus;
use fairchance::domain::geo::PlaceInput;
use fairchance::domain::profile::{ProfileDetails, ProfileInput, ProfileSkillInput};
use fairchance::domain::vacancy::{VacancyDetails, VacancyStatus};
use fairchance::seed::generator::{self, Town, TEMPLATES};
use fairchance::store::people::{
    self, EmployerStatus, Membership, NewEmployer, NewService, NewUser, ServiceKind,
};
use fairchance::store::schema::{audit_log, job_seekers, jobs, matches, outcomes, profiles};
use fairchance::store::{self, now};
use rand::SeedableRng;

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn leeds() -> Town {
    Town {
        name: "Leeds".into(),
        lat: 53.7965,
        lon: -1.5478,
    }
}

/// A plain profile input the tests control.
fn person(reference: &str, given: &str, family: &str, release_in_days: i64) -> ProfileInput {
    ProfileInput {
        given_name: given.into(),
        family_name: family.into(),
        reference: reference.into(),
        release_date: Some(today() + Duration::days(release_in_days)),
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
        ..ProfileInput::default()
    }
}

/// Two services with an officer each, an employer with a published
/// vacancy, and one person in each service.
struct Desk {
    app: TestApp,
    service_x: i64,
    officer_x: i64,
    officer_y: i64,
    profile_x: i64,
    profile_y: i64,
    vacancy: i64,
    vacancy_title: String,
}

impl Desk {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::spawn(backend).await;
        let services = app.services.clone();
        let mut conn = services.store.conn().unwrap();
        let hash = password::hash("correct horse battery staple").unwrap();
        let service = |c: &mut store::Conn, name: &str| {
            people::create_service(
                c,
                &NewService {
                    name,
                    kind: ServiceKind::Prison,
                    place_name: "Leeds",
                    lat: 53.8,
                    lon: -1.5,
                },
            )
            .unwrap()
        };
        let service_x = service(&mut conn, "Service X");
        let service_y = service(&mut conn, "Service Y");
        let user = |c: &mut store::Conn, email: &str, m: Membership| {
            people::create_user(
                c,
                &NewUser {
                    email,
                    display_name: email,
                    password_hash: &hash,
                    membership: m,
                },
            )
            .unwrap()
        };
        let officer_x = user(
            &mut conn,
            "officer.x@example.org",
            Membership::Service(service_x),
        );
        let officer_y = user(
            &mut conn,
            "officer.y@example.org",
            Membership::Service(service_y),
        );
        let employer = people::create_employer(
            &mut conn,
            &NewEmployer {
                name: "Employer A (test)",
                sector_slug: "warehousing",
                contact_name: "Contact A",
                contact_email: "contact.a@example.org",
                contact_phone: None,
                address: "Somewhere",
                website: None,
                status: EmployerStatus::Approved,
                decided_by: None,
            },
        )
        .unwrap();
        let t = &services.taxonomy;
        let px = ProfileDetails::parse(&person("X1000AA", "Xavier", "Exe", 30), t).unwrap();
        let py = ProfileDetails::parse(&person("Y1000AA", "Yusuf", "Wye", 30), t).unwrap();
        let at = now();
        let profile_x = conn
            .write(|tx| {
                store::profiles::insert(tx, service_x, Some(officer_x), "Pseudo X", &px, at)
            })
            .unwrap();
        let profile_y = conn
            .write(|tx| {
                store::profiles::insert(tx, service_y, Some(officer_y), "Pseudo Y", &py, at)
            })
            .unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let v = VacancyDetails::parse(
            &generator::vacancy(&mut rng, &TEMPLATES[0], &leeds(), "A", today()),
            t,
        )
        .unwrap();
        let vacancy_title = v.title().to_string();
        let vacancy = conn
            .write(|tx| {
                store::vacancies::insert(tx, employer, VacancyStatus::Published, None, &v, at)
            })
            .unwrap();
        Desk {
            app,
            service_x,
            officer_x,
            officer_y,
            profile_x,
            profile_y,
            vacancy,
            vacancy_title,
        }
    }

    fn conn(&self) -> store::Conn {
        self.app.services.store.conn().unwrap()
    }

    async fn get(&self, officer: i64, path: &str) -> (u16, String) {
        let (cookie, _) = self.app.staff_session_for(officer, path);
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

    /// Posts a form; answers the status, the Location header and the body.
    async fn post(
        &self,
        officer: i64,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String, String) {
        let (cookie, csrf) = self.app.staff_session_for(officer, path);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &csrf));
        let res = self
            .app
            .client
            .post(self.app.url(path))
            .header("cookie", cookie)
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

    fn audit_count(&self, action: &str, subject: i64) -> i64 {
        let action = action.to_string();
        let mut conn = self.conn();
        fairchance::with_conn!(&mut conn, |c| audit_log::table
            .filter(audit_log::action.eq(&action))
            .filter(audit_log::subject_id.eq(subject))
            .count()
            .get_result::<i64>(c)
            .unwrap())
    }

    fn job_count(&self, kind: &str) -> i64 {
        let kind = kind.to_string();
        let mut conn = self.conn();
        fairchance::with_conn!(&mut conn, |c| jobs::table
            .filter(jobs::kind.eq(&kind))
            .count()
            .get_result::<i64>(c)
            .unwrap())
    }

    fn profile_count(&self) -> i64 {
        let mut conn = self.conn();
        fairchance::with_conn!(&mut conn, |c| profiles::table
            .count()
            .get_result::<i64>(c)
            .unwrap())
    }

    /// A stored match in status `suggested` for a profile and the vacancy.
    fn suggest(&self, profile_id: i64, vacancy_id: i64) -> i64 {
        let mut conn = self.conn();
        let at = now();
        fairchance::with_conn!(&mut conn, |c| diesel::insert_into(matches::table)
            .values((
                matches::profile_id.eq(profile_id),
                matches::vacancy_id.eq(vacancy_id),
                matches::status.eq("suggested"),
                matches::score.eq(0.7),
                matches::reasons.eq("[]"),
                matches::created_at.eq(at),
                matches::updated_at.eq(at),
            ))
            .returning(matches::id)
            .get_result::<i64>(c)
            .unwrap())
    }

    fn match_status(&self, id: i64) -> String {
        let mut conn = self.conn();
        fairchance::with_conn!(&mut conn, |c| matches::table
            .find(id)
            .select(matches::status)
            .first::<String>(c)
            .unwrap())
    }

    fn apply(&self, profile_id: i64) -> i64 {
        let mut conn = self.conn();
        store::applications::submit(
            &mut conn,
            profile_id,
            self.vacancy,
            "I have packed orders in the prison workshop for a year.",
            now(),
        )
        .unwrap()
        .application
        .id
    }
}

/// The editor's fields for a valid new profile.
fn valid_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("given_name", "Nadia"),
        ("family_name", "Newcombe"),
        ("reference", "n4321ab"),
        ("release_date", "2031-05-20"),
        ("release_area", "Leeds"),
        ("travel_radius_km", "25"),
        ("skills[0].slug", "forklift-counterbalance"),
        ("skills[0].source", "prison_course"),
        ("skills[1].slug", ""),
        ("skills[1].source", ""),
        ("skills[2].slug", "pick-and-pack"),
        ("skills[2].source", "past_job"),
        ("certificates[0].slug", "forklift-counterbalance"),
        ("certificates[0].expires_on", "2032-01-31"),
        ("work_history[0].role", "Warehouse picker"),
        ("work_history[0].employer_name", "A depot"),
        ("work_history[0].sector", "warehousing"),
        ("work_history[0].from_year", "2015"),
        ("work_history[0].to_year", "2019"),
        ("sectors_of_interest", "warehousing"),
        ("sectors_of_interest", "retail"),
        ("preferred_hours_min", "20"),
        ("preferred_hours_max", "40"),
        ("right_to_work", "yes"),
        ("readiness", "support_needed"),
        ("todos[0].kind", "bank_account"),
        ("todos[0].note", "Appointment booked"),
        ("consent_to_share_name", "yes"),
        ("languages", "English, Polish"),
    ]
}

on_both_backends!(profile_editor_creates_and_updates, |backend| async move {
    let d = Desk::new(backend).await;
    let before = d.job_count("profile.changed");
    let (status, location, _) = d
        .post(d.officer_x, "/officer/profiles", &valid_form())
        .await;
    assert_eq!(status, 303, "create");
    let id: i64 = location
        .trim_start_matches("/officer/profiles/")
        .trim_end_matches("?saved=created")
        .parse()
        .expect("redirect to the new profile");
    let (_, page) = d.get(d.officer_x, &location).await;
    assert!(
        page.contains("role=\"status\" id=\"saved\"><p>The profile is created."),
        "the officer is told the profile was created"
    );
    assert_eq!(d.job_count("profile.changed"), before + 1);
    assert_eq!(d.audit_count("profile.created", id), 1);
    let taxonomy = d.app.services.taxonomy.clone();
    let mut conn = d.conn();
    let p = store::profiles::load(&mut conn, id, &taxonomy).unwrap();
    assert_eq!(p.service_id, d.service_x);
    assert_eq!(p.officer_id, Some(d.officer_x));
    assert_eq!(p.details.reference(), "N4321AB");
    assert_eq!(p.details.skills().len(), 2);
    assert_eq!(p.details.certificates().len(), 1);
    assert_eq!(p.details.work_history().len(), 1);
    assert_eq!(p.details.sectors_of_interest().len(), 2);
    assert_eq!(p.details.languages().len(), 2);
    assert!(p.details.consent_to_share_name());
    let (_, first_version) = store::profiles::versions(&mut conn, &[id]).unwrap()[0];
    drop(conn);
    let (status, page) = d.get(d.officer_x, &format!("/officer/profiles/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Nadia Newcombe"));

    // The restricted sections, set on their own page, survive an edit of
    // the main profile.
    let (status, _, body) = d
        .post(
            d.officer_x,
            &format!("/officer/profiles/{id}/restricted"),
            &[
                ("curfews[0].days", "mon"),
                ("curfews[0].days", "tue"),
                ("curfews[0].start", "19:00"),
                ("curfews[0].end", "07:00"),
                ("exclusion_zones[0].name", "Bradford"),
                ("exclusion_zones[0].radius_km", "2"),
                ("offence_categories", "drugs_supply"),
                ("barred_children", "yes"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    let (_, page) = d
        .get(
            d.officer_x,
            &format!("/officer/profiles/{id}/restricted?saved=restricted"),
        )
        .await;
    assert!(page.contains("offence, licence and barred information are saved"));
    let edit_page = d
        .get(d.officer_x, &format!("/officer/profiles/{id}/edit"))
        .await
        .1;
    assert!(edit_page.contains("value=\"Nadia\""));
    assert!(
        !edit_page.contains("offence_categories") && !edit_page.contains("barred_children"),
        "the main editor never shows restricted fields"
    );
    let mut form = valid_form();
    form.retain(|(k, _)| !k.starts_with("skills[2]") && *k != "travel_radius_km");
    form.push(("travel_radius_km", "8"));
    let (status, location, _) = d
        .post(d.officer_x, &format!("/officer/profiles/{id}"), &form)
        .await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("/officer/profiles/{id}?saved=profile"));
    let (_, page) = d.get(d.officer_x, &location).await;
    assert!(
        page.contains("Your changes to the profile are saved."),
        "saving says so after the redirect"
    );
    let (_, page) = d.get(d.officer_x, &format!("/officer/profiles/{id}")).await;
    assert!(!page.contains("id=\"saved\""), "only after a save");
    let (_, page) = d
        .get(
            d.officer_x,
            &format!("/officer/profiles/{id}?saved=<b>x</b>"),
        )
        .await;
    assert!(!page.contains("id=\"saved\"") && !page.contains("<b>x</b>"));
    let mut conn = d.conn();
    let p = store::profiles::load(&mut conn, id, &taxonomy).unwrap();
    assert_eq!(p.details.travel_radius_km(), 8.0);
    assert_eq!(p.details.skills().len(), 1);
    assert_eq!(p.details.licence_conditions().curfews().len(), 1);
    assert_eq!(p.details.licence_conditions().exclusion_zones().len(), 1);
    assert_eq!(p.details.offence_categories().len(), 1);
    assert!(p.details.barred_children());
    let (_, second_version) = store::profiles::versions(&mut conn, &[id]).unwrap()[0];
    assert!(second_version > first_version, "updated_at moves");
    assert_eq!(d.job_count("profile.changed"), before + 3);
    assert_eq!(d.audit_count("profile.updated", id), 1);
    assert_eq!(d.audit_count("profile.restricted_updated", id), 1);
    // Each correction is in its audit row: the general fields before and
    // after, a restricted change only as a fact, never its values.
    let details: Vec<Option<String>> = fairchance::with_conn!(&mut conn, |c| audit_log::table
        .filter(audit_log::subject_id.eq(id))
        .filter(audit_log::action.eq_any(["profile.restricted_updated", "profile.updated"]))
        .order(audit_log::id)
        .select(audit_log::detail)
        .load(c)
        .unwrap());
    let (restricted_text, general_text) =
        (details[0].clone().unwrap(), details[1].clone().unwrap());
    let restricted: serde_json::Value = serde_json::from_str(&restricted_text).unwrap();
    assert_eq!(restricted["restricted_changed"], true, "{restricted_text}");
    assert!(restricted["changed"].as_object().unwrap().is_empty());
    for secret in ["drugs_supply", "Bradford", "19:00"] {
        assert!(!restricted_text.contains(secret), "{restricted_text}");
    }
    let general: serde_json::Value = serde_json::from_str(&general_text).unwrap();
    assert_eq!(general["restricted_changed"], false, "{general_text}");
    assert_eq!(general["changed"]["travel_radius_km"]["after"], 8.0);
    assert_ne!(general["changed"]["travel_radius_km"]["before"], 8.0);
    assert_eq!(
        general["changed"]["skills"]["before"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        general["changed"].get("given_name").is_none(),
        "only what changed"
    );

    // Another service's officer reaches none of it.
    for path in [
        format!("/officer/profiles/{id}"),
        format!("/officer/profiles/{id}/edit"),
        format!("/officer/profiles/{id}/restricted"),
        format!("/officer/profiles/{id}/restricted/edit"),
        format!("/officer/profiles/{id}/matches"),
    ] {
        assert_eq!(d.get(d.officer_y, &path).await.0, 404, "{path}");
    }
    let (status, _, _) = d
        .post(
            d.officer_y,
            &format!("/officer/profiles/{id}"),
            &valid_form(),
        )
        .await;
    assert_eq!(status, 404);
});

on_both_backends!(
    profile_editor_reports_every_bad_field,
    |backend| async move {
        let d = Desk::new(backend).await;
        let profiles_before = d.profile_count();
        let jobs_before = d.job_count("profile.changed");
        let bad = vec![
            ("given_name", ""),
            ("family_name", "Newcombe"),
            ("reference", "N-12"),
            ("release_date", "2031-02-30"),
            ("release_area", "Nowhereville Under Sea"),
            ("travel_radius_km", "far"),
            ("skills[0].slug", "forklift-counterbalance"),
            ("skills[0].source", ""),
            ("skills[1].slug", "not-a-skill"),
            ("skills[1].source", "past_job"),
            ("certificates[0].slug", "pick-and-pack"),
            ("certificates[0].expires_on", "soon"),
            ("work_history[0].role", "Picker"),
            ("work_history[0].from_year", ""),
            ("work_history[0].to_year", "1990x"),
            ("sectors_of_interest", "space-travel"),
            ("preferred_hours_min", "40"),
            ("preferred_hours_max", ""),
            ("readiness", "ready_to_work"),
            ("todos[0].kind", "other"),
            ("todos[0].note", ""),
            ("gender", "robot"),
        ];
        let (status, _, page) = d.post(d.officer_x, "/officer/profiles", &bad).await;
        assert_eq!(status, 422);
        assert!(page.contains("There is a problem"));
        for message in [
            "Enter the given name",
            "Enter the prison number using letters and numbers only",
            "Enter the release date as a real date",
            "Nowhereville Under Sea was not found",
            "Enter how far the person can travel as a number of km",
            "Choose where the skill came from",
            "Choose a skill from the list",
            "Choose a certificate from the list",
            "Enter the expiry date as a real date",
            "Enter the year the job started, like 2019",
            "Enter the year the job ended, like 2021, or leave it blank",
            "Choose sectors from the list",
            "Enter the most hours a week as well as the fewest",
            "A person without the right to work cannot be ready to work",
            "Say what needs doing",
            "Choose an answer from the list, or leave it blank",
        ] {
            assert!(page.contains(message), "missing message: {message}");
        }
        // Each message sits beside its field.
        for id in [
            "given_name-error",
            "reference-error",
            "release_date-error",
            "release_area-error",
            "skills[0].source-error",
            "skills[1].slug-error",
            "work_history[0].from_year-error",
            "todos[0].note-error",
        ] {
            assert!(
                page.contains(&format!("id=\"{id}\"")),
                "no message beside {id}"
            );
        }
        // What was typed is shown again.
        assert!(page.contains("value=\"Nowhereville Under Sea\""));
        assert_eq!(d.profile_count(), profiles_before, "nothing written");
        assert_eq!(d.job_count("profile.changed"), jobs_before);

        // A taken prison number is refused beside its field.
        let mut form = valid_form();
        form.retain(|(k, _)| *k != "reference");
        form.push(("reference", "X1000AA"));
        let (status, _, page) = d.post(d.officer_x, "/officer/profiles", &form).await;
        assert_eq!(status, 422);
        assert!(page.contains("already has this prison number"));
        assert_eq!(d.profile_count(), profiles_before);

        // The restricted editor checks its fields too, and writes nothing.
        let path = format!("/officer/profiles/{}/restricted", d.profile_x);
        let (status, _, page) = d
            .post(
                d.officer_x,
                &path,
                &[
                    ("curfews[0].start", "19:00"),
                    ("curfews[0].end", "07:00"),
                    ("exclusion_zones[0].name", "Leeds"),
                    ("exclusion_zones[0].radius_km", "wide"),
                    ("offence_categories", "jaywalking"),
                ],
            )
            .await;
        assert_eq!(status, 422);
        for message in [
            "Enter the radius of the zone in km",
            "Choose offence categories from the list",
        ] {
            assert!(page.contains(message), "missing message: {message}");
        }
        assert!(
            page.contains("id=\"curfews[0].days-error\""),
            "days message"
        );
        assert_eq!(d.audit_count("profile.restricted_updated", d.profile_x), 0);
    }
);

on_both_backends!(
    every_view_of_restricted_data_is_audited,
    |backend| async move {
        let d = Desk::new(backend).await;
        let id = d.profile_x;
        assert_eq!(d.audit_count("profile.restricted_viewed", id), 0);
        let (status, _) = d
            .get(d.officer_x, &format!("/officer/profiles/{id}/restricted"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(d.audit_count("profile.restricted_viewed", id), 1);
        let (status, page) = d
            .get(
                d.officer_x,
                &format!("/officer/profiles/{id}/restricted/edit"),
            )
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("offence_categories"));
        assert_eq!(d.audit_count("profile.restricted_viewed", id), 2);
        // The main page and editor are not restricted views.
        d.get(d.officer_x, &format!("/officer/profiles/{id}")).await;
        d.get(d.officer_x, &format!("/officer/profiles/{id}/edit"))
            .await;
        assert_eq!(d.audit_count("profile.restricted_viewed", id), 2);
        assert!(d.audit_count("profile.viewed", id) >= 1);
        // Another service's officer leaves no trace on this person.
        d.get(d.officer_y, &format!("/officer/profiles/{id}/restricted"))
            .await;
        assert_eq!(d.audit_count("profile.restricted_viewed", id), 2);
    }
);

on_both_backends!(
    caseload_filters_sorts_searches_and_pages,
    |backend| async move {
        let d = Desk::new(backend).await;
        // 59 more people in service X (60 in all), 5 in service Y.
        let taxonomy = d.app.services.taxonomy.clone();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut conn = d.conn();
        let at = now();
        let mut ids = Vec::new();
        for n in 0..59u64 {
            let mut input = generator::profile(&mut rng, n + 1, &leeds(), today());
            input.release_date = Some(today() + Duration::days(200 + n as i64));
            input.readiness = if input.right_to_work {
                "not_started"
            } else {
                "no_right_to_work"
            }
            .into();
            let details = ProfileDetails::parse(&input, &taxonomy).unwrap();
            let officer = if n < 10 { None } else { Some(d.officer_x) };
            ids.push(
                conn.write(|tx| {
                    store::profiles::insert(
                        tx,
                        d.service_x,
                        officer,
                        &format!("Pseudo {n}"),
                        &details,
                        at,
                    )
                })
                .unwrap(),
            );
        }
        for n in 0..5u64 {
            let input = generator::profile(&mut rng, 900 + n, &leeds(), today());
            let details = ProfileDetails::parse(&input, &taxonomy).unwrap();
            conn.write(|tx| {
                store::profiles::insert(
                    tx,
                    d.service_x + 1,
                    None,
                    &format!("Other {n}"),
                    &details,
                    at,
                )
            })
            .unwrap();
        }
        drop(conn);
        let (status, page) = d.get(d.officer_x, "/officer/caseload").await;
        assert_eq!(status, 200);
        assert!(
            page.contains("Showing 1 to 50 of 60 people (page 1 of 2)"),
            "{page}"
        );
        assert!(page.contains("Next page"));
        assert!(!page.contains("Yusuf"), "another service's person");
        // Soonest release first: Xavier (30 days) leads.
        let first_row = page.find("<td><a href=\"/officer/profiles/").unwrap();
        assert!(page[first_row..first_row + 200].contains("Xavier Exe"));
        let (_, page2) = d
            .get(d.officer_x, "/officer/caseload?sort=release&page=2")
            .await;
        assert!(page2.contains("Showing 51 to 60 of 60 people (page 2 of 2)"));
        assert!(page2.contains("Previous page"));
        // Search by reference and by name, any case.
        let (_, found) = d.get(d.officer_x, "/officer/caseload?q=x1000").await;
        assert!(
            found.contains("of 1 people") && found.contains("Xavier Exe"),
            "{found}"
        );
        let (_, found) = d.get(d.officer_x, "/officer/caseload?q=xavier+exe").await;
        assert!(found.contains("of 1 people"));
        let (_, found) = d.get(d.officer_x, "/officer/caseload?q=%25").await;
        assert!(
            found.contains("No people match"),
            "a % is text, not a wildcard"
        );
        // Release within 12 weeks: only Xavier.
        let (_, soon) = d.get(d.officer_x, "/officer/caseload?weeks=12").await;
        assert!(soon.contains("of 1 people") && soon.contains("Xavier"));
        // Readiness.
        let (_, ready) = d
            .get(d.officer_x, "/officer/caseload?readiness=support_needed")
            .await;
        assert!(ready.contains("of 1 people"));
        // Assigned to me: 50 of X's 60 (10 have no officer).
        let (_, mine) = d.get(d.officer_x, "/officer/caseload?mine=1").await;
        assert!(mine.contains("of 50 people"), "{mine}");
        let (status, _, _) = d
            .post(
                d.officer_x,
                &format!("/officer/profiles/{}/assign", ids[0]),
                &[],
            )
            .await;
        assert_eq!(status, 303);
        assert_eq!(d.audit_count("profile.assigned", ids[0]), 1);
        let (_, mine) = d.get(d.officer_x, "/officer/caseload?mine=1").await;
        assert!(mine.contains("of 51 people"), "{mine}");
        let (status, _, _) = d
            .post(
                d.officer_y,
                &format!("/officer/profiles/{}/assign", ids[1]),
                &[],
            )
            .await;
        assert_eq!(status, 404);
        // New matches waiting; the newest-matches order puts them first.
        d.suggest(ids[40], d.vacancy);
        let (_, waiting) = d.get(d.officer_x, "/officer/caseload?new_matches=1").await;
        assert!(waiting.contains("of 1 people"));
        let (_, by_matches) = d.get(d.officer_x, "/officer/caseload?sort=matches").await;
        let first_row = by_matches.find("<td><a href=\"/officer/profiles/").unwrap();
        assert!(by_matches[first_row..]
            .starts_with(&format!("<td><a href=\"/officer/profiles/{}\"", ids[40])));
        // Sorted by name: family names in order.
        let (_, by_name) = d.get(d.officer_x, "/officer/caseload?sort=name").await;
        assert!(by_name.contains("of 60 people"));
        // Bad parameters get a message, not a failure.
        let (status, bad) = d
            .get(
                d.officer_x,
                "/officer/caseload?weeks=soon&readiness=maybe&sort=up",
            )
            .await;
        assert_eq!(status, 400);
        assert!(bad.contains("Enter a number of weeks from 1 to 520"));
        assert!(bad.contains("Choose a readiness from the list"));
        assert!(bad.contains("Choose an order from the list"));
        // The home page counts.
        let (_, home) = d.get(d.officer_x, "/officer").await;
        assert!(
            home.contains("<span id=\"count-new-matches\">1</span>"),
            "{home}"
        );
        assert!(home.contains("<span id=\"count-releases-not-ready\">1</span>"));
    }
);

on_both_backends!(seeker_slip_issues_and_resets_access, |backend| async move {
    let d = Desk::new(backend).await;
    let path = format!("/officer/profiles/{}/access", d.profile_x);
    let (status, _, slip) = d.post(d.officer_x, &path, &[]).await;
    assert_eq!(status, 200);
    assert!(slip.contains("How to use the jobs terminal"));
    // The slip names the terminal's own buttons.
    assert!(
        slip.contains("always press &quot;Switch user&quot;")
            || slip.contains("always press \"Switch user\""),
        "{slip}"
    );
    assert!(!slip.contains("press \"Sign out\"") && !slip.contains("press &quot;Sign out&quot;"));
    assert!(slip.contains("Press &quot;Sign in&quot;") || slip.contains("Press \"Sign in\""));
    let pin_of = |page: &str| {
        let start = page.find("id=\"pin\">").unwrap() + "id=\"pin\">".len();
        page[start..start + 6].to_string()
    };
    let code_of = |page: &str| {
        let start = page.find("id=\"login-code\">").unwrap() + "id=\"login-code\">".len();
        let end = page[start..].find('<').unwrap();
        page[start..start + end].to_string()
    };
    let first_pin = pin_of(&slip);
    let code = code_of(&slip);
    assert!(first_pin.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(d.audit_count("seeker.access_issued", d.profile_x), 1);
    let stored = |d: &Desk| {
        let mut conn = d.conn();
        let id = d.profile_x;
        fairchance::with_conn!(&mut conn, |c| job_seekers::table
            .filter(job_seekers::profile_id.eq(id))
            .select((
                job_seekers::login_code,
                job_seekers::pin_hash,
                job_seekers::locked_at
            ))
            .first::<(String, String, Option<chrono::NaiveDateTime>)>(c)
            .unwrap())
    };
    let (stored_code, hash, _) = stored(&d);
    assert_eq!(stored_code, code);
    assert!(password::verify(&first_pin, &hash));
    assert!(
        !hash.contains(&first_pin),
        "the PIN is stored only as a hash"
    );
    // Lock the account, then reset: new PIN, old one dead, unlocked.
    {
        let mut conn = d.conn();
        let id = d.profile_x;
        fairchance::with_conn!(&mut conn, |c| diesel::update(
            job_seekers::table.filter(job_seekers::profile_id.eq(id))
        )
        .set((
            job_seekers::locked_at.eq(Some(now())),
            job_seekers::failed_pin_attempts.eq(5)
        ))
        .execute(c)
        .unwrap());
    }
    let (_, page) = d
        .get(d.officer_x, &format!("/officer/profiles/{}", d.profile_x))
        .await;
    assert!(page.contains("Locked after too many wrong PINs"));
    let (status, _, slip) = d.post(d.officer_x, &path, &[]).await;
    assert_eq!(status, 200);
    assert!(slip.contains("The old PIN no longer works"));
    assert_eq!(code_of(&slip), code, "the login code stays");
    let second_pin = pin_of(&slip);
    let (_, hash, locked) = stored(&d);
    assert!(password::verify(&second_pin, &hash));
    if second_pin != first_pin {
        assert!(!password::verify(&first_pin, &hash));
    }
    assert!(locked.is_none(), "unlocked");
    assert_eq!(d.audit_count("seeker.pin_reset", d.profile_x), 1);
    // Not for another service's person.
    let (status, _, _) = d
        .post(
            d.officer_x,
            &format!("/officer/profiles/{}/access", d.profile_y),
            &[],
        )
        .await;
    assert_eq!(status, 404);
});

on_both_backends!(matches_approve_dismiss_and_why_not, |backend| async move {
    let d = Desk::new(backend).await;
    let m1 = d.suggest(d.profile_x, d.vacancy);
    let (status, page) = d
        .get(
            d.officer_x,
            &format!("/officer/profiles/{}/matches", d.profile_x),
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains(&d.vacancy_title));
    assert!(page.contains("Waiting for your decision"));
    let viewed = d.audit_count("profile.matches_viewed", d.profile_x)
        + d.audit_count("profile.restricted_viewed", d.profile_x);
    assert_eq!(viewed, 1, "the matches view is audited");
    // The digest's link lands on the waiting list.
    let (status, waiting) = d.get(d.officer_x, "/officer/matches").await;
    assert_eq!(status, 200);
    assert!(waiting.contains("Xavier Exe"));
    // Another service's officer can neither see nor decide it.
    let (status, _, _) = d
        .post(d.officer_y, &format!("/officer/matches/{m1}/approve"), &[])
        .await;
    assert_eq!(status, 404);
    assert_eq!(d.match_status(m1), "suggested");
    // Dismissing needs a reason.
    let (status, _, page) = d
        .post(
            d.officer_x,
            &format!("/officer/matches/{m1}/dismiss"),
            &[("dismiss_reason", "  ")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("Say why this match is dismissed"));
    assert!(page.contains("id=\"dismiss_reason-error\""));
    assert_eq!(d.match_status(m1), "suggested");
    // Approve, then dismiss with a reason.
    let (status, location, _) = d
        .post(d.officer_x, &format!("/officer/matches/{m1}/approve"), &[])
        .await;
    assert_eq!(status, 303);
    assert_eq!(
        location,
        format!("/officer/profiles/{}/matches", d.profile_x)
    );
    assert_eq!(d.match_status(m1), "approved");
    assert_eq!(d.audit_count("match.approved", m1), 1);
    let (status, _, _) = d
        .post(d.officer_x, &format!("/officer/matches/{m1}/approve"), &[])
        .await;
    assert_eq!(status, 409, "an approved match is not approved twice");
    let (status, _, _) = d
        .post(
            d.officer_x,
            &format!("/officer/matches/{m1}/dismiss"),
            &[("dismiss_reason", "Travel would be too hard with the curfew")],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(d.match_status(m1), "dismissed");
    assert_eq!(d.audit_count("match.dismissed", m1), 1);

    // Why not? The person has no right to work now.
    let mut input = person("X1000AA", "Xavier", "Exe", 30);
    input.right_to_work = false;
    input.readiness = "no_right_to_work".into();
    let details = ProfileDetails::parse(&input, &d.app.services.taxonomy).unwrap();
    let mut conn = d.conn();
    conn.write(|tx| store::profiles::update(tx, d.profile_x, d.service_x, &details, now()))
        .unwrap();
    drop(conn);
    let word = d
        .vacancy_title
        .split_whitespace()
        .next()
        .unwrap()
        .to_lowercase();
    let (status, page) = d
        .get(
            d.officer_x,
            &format!("/officer/profiles/{}/matches?find={word}", d.profile_x),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("why_not={}", d.vacancy)),
        "the search finds the vacancy"
    );
    let (status, page) = d
        .get(
            d.officer_x,
            &format!(
                "/officer/profiles/{}/matches?why_not={}",
                d.profile_x, d.vacancy
            ),
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("data-code=\"no_right_to_work\""), "{page}");
    let (status, page) = d
        .get(
            d.officer_x,
            &format!("/officer/profiles/{}/matches?why_not=987654", d.profile_x),
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("That vacancy is not open"));
    // Candidates for the vacancy: a page of the officer's own service.
    let (status, _) = d
        .get(
            d.officer_x,
            &format!("/officer/vacancies/{}/candidates", d.vacancy),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        d.audit_count("vacancy.candidates_viewed", d.vacancy)
            + d.audit_count("vacancy.candidates_restricted_viewed", d.vacancy)
            >= 1
    );
    assert_eq!(
        d.get(d.officer_x, "/officer/vacancies/987654/candidates")
            .await
            .0,
        404
    );
});

on_both_backends!(
    applications_review_forward_decline_withdraw,
    |backend| async move {
        let d = Desk::new(backend).await;
        let a = d.apply(d.profile_x);
        let (status, list) = d.get(d.officer_x, "/officer/applications").await;
        assert_eq!(status, 200);
        assert!(list.contains(&format!("/officer/applications/{a}")));
        assert_eq!(
            d.get(d.officer_y, &format!("/officer/applications/{a}"))
                .await
                .0,
            404
        );
        let (status, _, _) = d
            .post(
                d.officer_y,
                &format!("/officer/applications/{a}/review"),
                &[],
            )
            .await;
        assert_eq!(status, 404);
        // Forwarding before review is refused with a message.
        let (status, _, page) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/forward"),
                &[],
            )
            .await;
        assert_eq!(status, 409);
        assert!(page.contains("cannot move an application"));
        let (status, _, _) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/review"),
                &[],
            )
            .await;
        assert_eq!(status, 303);
        // The statement: required; edited with consent to share the name.
        let (status, _, page) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/statement"),
                &[("statement", " ")],
            )
            .await;
        assert_eq!(status, 422);
        assert!(page.contains("id=\"statement-error\""));
        let (status, _, _) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/statement"),
                &[
                    ("statement", "I packed 300 orders a day in the workshop."),
                    ("share_name", "yes"),
                ],
            )
            .await;
        assert_eq!(status, 303);
        // Declining needs a reason the officer may give, and a note for "other".
        let (status, _, page) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/decline"),
                &[],
            )
            .await;
        assert_eq!(status, 422);
        assert!(page.contains("Choose a reason"));
        let (status, _, page) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/decline"),
                &[("reason", "other")],
            )
            .await;
        assert_eq!(status, 422);
        assert!(page.contains("Say briefly what the reason was"));
        let (status, _, page) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/decline"),
                &[("reason", "not_shortlisted")],
            )
            .await;
        assert_eq!(status, 422);
        assert!(page.contains("Choose one of the reasons listed"));
        let (status, _, page) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/decline"),
                &[("reason", "because")],
            )
            .await;
        assert_eq!(status, 422);
        assert!(page.contains("Choose one of the reasons listed"));
        assert!(page.contains("id=\"reason-error\""));
        // Forward: the first press asks again and sends nothing.
        let (status, _, page) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/forward"),
                &[],
            )
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("Forward this application to Employer A (test)?"));
        assert!(page.contains("name=\"confirm\" value=\"yes\""));
        {
            let key = format!("email:application-forwarded:{a}");
            let mut conn = d.conn();
            let queued: i64 = fairchance::with_conn!(&mut conn, |c| jobs::table
                .filter(jobs::idempotency_key.eq(&key))
                .count()
                .get_result(c)
                .unwrap());
            assert_eq!(queued, 0, "nothing is sent before the officer confirms");
            let app = store::applications::load(&mut conn, a).unwrap().unwrap();
            assert_eq!(app.status, ApplicationStatus::UnderReview);
        }
        // Confirmed: the employer's email is queued with it, and the page
        // it returns to says so.
        let (status, location, _) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/forward"),
                &[("confirm", "yes")],
            )
            .await;
        assert_eq!(status, 303);
        assert_eq!(
            location,
            format!("/officer/applications/{a}?done=forwarded")
        );
        let (_, page) = d.get(d.officer_x, &location).await;
        assert!(page.contains("The application is forwarded. The employer has been emailed"));
        let key = format!("email:application-forwarded:{a}");
        let mut conn = d.conn();
        let queued: Vec<String> = fairchance::with_conn!(&mut conn, |c| jobs::table
            .filter(jobs::idempotency_key.eq(&key))
            .select(jobs::payload)
            .load(c)
            .unwrap());
        drop(conn);
        assert_eq!(queued.len(), 1, "the employer's email is in the outbox");
        assert!(queued[0].contains("contact.a@example.org"));
        assert!(queued[0].contains(&format!("/employer/applications/{a}")));
        let mut conn = d.conn();
        let app = store::applications::load(&mut conn, a).unwrap().unwrap();
        assert_eq!(app.status, ApplicationStatus::Forwarded);
        assert!(app.share_name);
        drop(conn);
        let (_, page) = d
            .get(d.officer_x, &format!("/officer/applications/{a}"))
            .await;
        for step in [
            "Interested",
            "Under review",
            "Forwarded to employer",
            "officer.x@example.org",
        ] {
            assert!(page.contains(step), "timeline lacks {step}");
        }
        // Withdraw on the person's behalf (a second person's application).
        let mut conn = d.conn();
        let taxonomy = d.app.services.taxonomy.clone();
        let other = ProfileDetails::parse(&person("X2000AA", "Zoe", "Zed", 40), &taxonomy).unwrap();
        let p2 = conn
            .write(|tx| {
                store::profiles::insert(
                    tx,
                    d.service_x,
                    Some(d.officer_x),
                    "Pseudo Z",
                    &other,
                    now(),
                )
            })
            .unwrap();
        drop(conn);
        let b = d.apply(p2);
        let (status, _, _) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{b}/withdraw"),
                &[("withdraw_note", "Took another job")],
            )
            .await;
        assert_eq!(status, 303);
        let mut conn = d.conn();
        assert_eq!(
            store::applications::load(&mut conn, b)
                .unwrap()
                .unwrap()
                .status,
            ApplicationStatus::Withdrawn
        );
        assert_eq!(d.audit_count("application.status_changed", a), 2);
    }
);

on_both_backends!(
    outcome_checks_fall_due_and_are_recorded_once,
    |backend| async move {
        let d = Desk::new(backend).await;
        let path = format!("/officer/profiles/{}/outcomes", d.profile_x);
        let (status, _, page) = d.post(d.officer_x, &path, &[("started_on", "")]).await;
        assert_eq!(status, 422);
        assert!(page.contains("Enter the date the person started work"));
        let future = (today() + Duration::days(3)).to_string();
        let (status, _, page) = d.post(d.officer_x, &path, &[("started_on", &future)]).await;
        assert_eq!(status, 422);
        assert!(page.contains("today or in the past"));
        let started = (today() - Duration::days(100)).to_string();
        let (status, _, _) = d
            .post(d.officer_x, &path, &[("started_on", &started)])
            .await;
        assert_eq!(status, 303);
        let mut conn = d.conn();
        let list = store::outcomes::for_profile(&mut conn, d.profile_x).unwrap();
        drop(conn);
        assert_eq!(list.len(), 1);
        let o = &list[0];
        use store::outcomes::Check;
        assert_eq!(o.due(today()), vec![Check::SixWeeks, Check::ThirteenWeeks]);
        assert_eq!(o.due(o.started_on + Duration::days(41)), vec![]);
        assert_eq!(
            o.due(o.started_on + Duration::days(42)),
            vec![Check::SixWeeks]
        );
        // The caseload and the home page show the checks due.
        let (_, due) = d.get(d.officer_x, "/officer/caseload?checks_due=1").await;
        assert!(
            due.contains("of 1 people") && due.contains("2 due"),
            "{due}"
        );
        let (_, home) = d.get(d.officer_x, "/officer").await;
        assert!(home.contains("<span id=\"count-checks-due\">1</span>"));
        let check = format!("/officer/outcomes/{}/check", o.id);
        let (status, _, _) = d
            .post(
                d.officer_x,
                &check,
                &[("check", "6_weeks"), ("in_work", "yes")],
            )
            .await;
        assert_eq!(status, 303);
        let (status, _, page) = d
            .post(
                d.officer_x,
                &check,
                &[("check", "6_weeks"), ("in_work", "no")],
            )
            .await;
        assert_eq!(status, 409);
        assert!(page.contains("The 6 weeks check has already been recorded"));
        let (status, _, page) = d
            .post(
                d.officer_x,
                &check,
                &[("check", "6_months"), ("in_work", "yes")],
            )
            .await;
        assert_eq!(status, 409);
        assert!(page.contains("The 6 months check is not due until"));
        let (status, _, page) = d
            .post(
                d.officer_x,
                &check,
                &[("check", "13_weeks"), ("in_work", "")],
            )
            .await;
        assert_eq!(status, 422);
        assert!(page.contains("Say whether the person is still in work"));
        let (status, _, _) = d
            .post(
                d.officer_x,
                &check,
                &[("check", "13_weeks"), ("in_work", "no")],
            )
            .await;
        assert_eq!(status, 303);
        let mut conn = d.conn();
        let o = store::outcomes::for_profile(&mut conn, d.profile_x)
            .unwrap()
            .remove(0);
        assert_eq!(
            (o.in_work_6_weeks, o.in_work_13_weeks, o.in_work_6_months),
            (Some(true), Some(false), None)
        );
        let id = o.id;
        let n: i64 = fairchance::with_conn!(&mut conn, |c| outcomes::table
            .filter(outcomes::id.eq(id))
            .count()
            .get_result(c)
            .unwrap());
        assert_eq!(n, 1);
        drop(conn);
        let (_, home) = d.get(d.officer_x, "/officer").await;
        assert!(home.contains("<span id=\"count-checks-due\">0</span>"));
        // Another service's officer cannot answer it.
        let (status, _, _) = d
            .post(
                d.officer_y,
                &check,
                &[("check", "6_months"), ("in_work", "yes")],
            )
            .await;
        assert_eq!(status, 404);

        // A start from a started application.
        let a = d.apply(d.profile_x);
        let mut conn = d.conn();
        let at = now();
        use store::applications::{change_status, Actor, Change};
        conn.write(|tx| {
            change_status(
                tx,
                a,
                &Change::to(ApplicationStatus::UnderReview),
                Actor::officer(d.officer_x),
                at,
            )
        })
        .unwrap();
        conn.write(|tx| {
            change_status(
                tx,
                a,
                &Change::to(ApplicationStatus::Forwarded),
                Actor::officer(d.officer_x),
                at,
            )
        })
        .unwrap();
        let mut interview = Change::to(ApplicationStatus::Interview);
        interview.interview_at = Some(at);
        conn.write(|tx| change_status(tx, a, &interview, Actor::employer(d.officer_x), at))
            .unwrap();
        conn.write(|tx| {
            change_status(
                tx,
                a,
                &Change::to(ApplicationStatus::Offer),
                Actor::employer(d.officer_x),
                at,
            )
        })
        .unwrap();
        let mut started = Change::to(ApplicationStatus::Started);
        started.start_date = Some(today() - Duration::days(7));
        conn.write(|tx| change_status(tx, a, &started, Actor::employer(d.officer_x), at))
            .unwrap();
        drop(conn);
        let (status, _, _) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/start"),
                &[],
            )
            .await;
        assert_eq!(status, 303);
        let (status, _, page) = d
            .post(
                d.officer_x,
                &format!("/officer/applications/{a}/start"),
                &[],
            )
            .await;
        assert_eq!(status, 409);
        assert!(page.contains("already been recorded"));
        let mut conn = d.conn();
        let from_app = store::outcomes::for_application(&mut conn, a)
            .unwrap()
            .unwrap();
        assert_eq!(from_app.started_on, today() - Duration::days(7));
        assert!(from_app.employer_id.is_some());
    }
);

/// The emails in the outbox (jobs table) whose key starts with `prefix`,
/// as their payloads.
fn emails(d: &Desk, prefix: &str) -> Vec<String> {
    let pattern = format!("email:{prefix}%");
    let mut conn = d.conn();
    fairchance::with_conn!(&mut conn, |c| jobs::table
        .filter(jobs::kind.eq(fairchance::notify::JOB_KIND))
        .filter(jobs::idempotency_key.like(&pattern))
        .select(jobs::payload)
        .load::<String>(c)
        .unwrap())
}

/// The first link into the service in an email's payload.
fn link_in(payload: &str, address: &str) -> String {
    let start = payload.find(address).expect("a link into the service") + address.len();
    let end = payload[start..]
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '\\')
        .unwrap();
    payload[start..start + end].to_string()
}

/// Runs the worker until no job is left.
async fn drain(w: &fairchance::jobs::Worker) {
    for _ in 0..50 {
        if w.work(now()).await.unwrap() == 0 {
            break;
        }
    }
}

on_both_backends!(
    end_to_end_from_vacancy_to_forwarded_application,
    |backend| async move {
        use fairchance::jobs::Worker;
        use fairchance::notify::transport::Transport;
        let d = Desk::new(backend).await;
        // The officer adds a person who fits the warehouse vacancy.
        let released = (today() - Duration::days(7)).to_string();
        let fields: Vec<(&str, &str)> = vec![
            ("given_name", "Maya"),
            ("family_name", "Marsh"),
            ("reference", "M5555MM"),
            ("release_date", &released),
            ("release_area", "Leeds"),
            ("travel_radius_km", "40"),
            ("skills[0].slug", "pick-and-pack"),
            ("skills[0].source", "prison_work"),
            ("skills[1].slug", "order-picking-scanner"),
            ("skills[1].source", "past_job"),
            ("skills[2].slug", "loading-unloading"),
            ("skills[2].source", "past_job"),
            ("sectors_of_interest", "warehousing"),
            ("right_to_work", "yes"),
            ("readiness", "ready_to_work"),
        ];
        let (status, location, body) = d.post(d.officer_x, "/officer/profiles", &fields).await;
        assert_eq!(status, 303, "{body}");
        let profile: i64 = location
            .trim_start_matches("/officer/profiles/")
            .trim_end_matches("?saved=created")
            .parse()
            .unwrap();
        // The vacancy is announced as published; the worker matches and emails.
        {
            let mut conn = d.conn();
            fairchance::matches::vacancy_changed(&mut conn, d.vacancy, now()).unwrap();
        }
        let mut worker = Worker::with_transport(d.app.services.clone(), Transport::memory())
            .matcher(d.app.matcher.clone());
        drain(&worker).await;
        let mut conn = d.conn();
        let records = store::matches::records_for_profile(
            &mut conn,
            profile,
            &[fairchance::domain::application::MatchStatus::Suggested],
        )
        .unwrap();
        drop(conn);
        let record = records
            .iter()
            .find(|m| m.vacancy_id == d.vacancy)
            .unwrap_or_else(|| {
                let mut conn = d.conn();
                let t = &d.app.services.taxonomy;
                let p = store::profiles::load(&mut conn, profile, t).unwrap();
                let v = store::vacancies::load(&mut conn, d.vacancy, t).unwrap();
                panic!(
                    "no match: {:?}",
                    fairchance::domain::matching::assess(&v, &p, today()).codes()
                )
            })
            .clone();
        // The digest and the daily scan: the officer hears of the new match and
        // of a release soon with readiness not ready.
        worker.schedule(now()).await.unwrap();
        drain(&worker).await;
        let digests = emails(&d, &format!("digest:{}:", d.officer_x));
        assert_eq!(digests.len(), 1, "one digest for officer X");
        assert_eq!(link_in(&digests[0], &d.app.address), "/officer/matches");
        let reminders = emails(&d, &format!("release-readiness:{}:", d.profile_x));
        assert_eq!(reminders.len(), 1);
        let reminder_link = link_in(&reminders[0], &d.app.address);
        assert_eq!(reminder_link, format!("/officer/profiles/{}", d.profile_x));
        for path in ["/officer/matches".to_string(), reminder_link] {
            assert_eq!(d.get(d.officer_x, &path).await.0, 200, "{path}");
        }
        // The officer approves; the person applies from the terminal.
        let (status, _, _) = d
            .post(
                d.officer_x,
                &format!("/officer/matches/{}/approve", record.id),
                &[],
            )
            .await;
        assert_eq!(status, 303);
        // The person signs in on an enrolled terminal of their prison with
        // the code and PIN from their slip, sees the approved match and
        // applies, through the terminal API a vendor's kiosk app uses.
        let pin = "482913";
        let credential = {
            let mut conn = d.conn();
            let pin_hash = password::hash(pin).unwrap();
            let (_, code) = store::access::issue_seeker_access(
                &mut conn,
                profile,
                &pin_hash,
                Some(d.officer_x),
                now(),
            )
            .unwrap();
            let (_, enrolment) =
                store::access::create_terminal(&mut conn, d.service_x, "Kiosk", None, now())
                    .unwrap();
            let (_, credential) = store::access::redeem_enrolment(&mut conn, &enrolment, now())
                .unwrap()
                .unwrap();
            (code, credential)
        };
        let (code, credential) = credential;
        let kiosk = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = kiosk
            .post(d.app.url("/api/v1/terminal/session"))
            .header("x-device-credential", &credential)
            .json(&serde_json::json!({ "login_code": code, "pin": pin }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let csrf = res.json::<serde_json::Value>().await.unwrap()["csrf_token"]
            .as_str()
            .unwrap()
            .to_string();
        let approved: serde_json::Value = kiosk
            .get(d.app.url("/api/v1/terminal/matches"))
            .header("x-device-credential", &credential)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            approved
                .to_string()
                .contains(&format!("\"vacancy_id\":{}", d.vacancy))
                || approved
                    .to_string()
                    .contains(&format!("\"id\":{}", d.vacancy)),
            "the approved match is on the terminal: {approved}"
        );
        for expected in [201, 200] {
            // Sending twice makes one application.
            let res = kiosk
                .post(d.app.url(&format!(
                    "/api/v1/terminal/vacancies/{}/application",
                    d.vacancy
                )))
                .header("x-device-credential", &credential)
                .header("x-csrf-token", &csrf)
                .json(&serde_json::json!({
                    "statement": "I picked and packed orders for two years."
                }))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), expected);
        }
        let mut conn = d.conn();
        let application = store::applications::find(&mut conn, profile, d.vacancy)
            .unwrap()
            .expect("one application")
            .id;
        drop(conn);
        let awaiting = emails(&d, &format!("application-awaiting-review:{application}"));
        assert_eq!(awaiting.len(), 1);
        let link = link_in(&awaiting[0], &d.app.address);
        assert_eq!(link, format!("/officer/applications/{application}"));
        let (status, page) = d.get(d.officer_x, &link).await;
        assert_eq!(status, 200);
        assert!(page.contains("Maya Marsh"));
        // Review and forward through the officer's pages.
        for (step, fields) in [("review", vec![]), ("forward", vec![("confirm", "yes")])] {
            let (status, _, _) = d
                .post(
                    d.officer_x,
                    &format!("/officer/applications/{application}/{step}"),
                    &fields,
                )
                .await;
            assert_eq!(status, 303, "{step}");
        }
        let mut conn = d.conn();
        let employer_id = store::caseload::vacancy_employer(&mut conn, d.vacancy)
            .unwrap()
            .unwrap();
        let seen =
            store::applications::load_for_employer(&mut conn, application, employer_id).unwrap();
        assert_eq!(seen.map(|a| a.status), Some(ApplicationStatus::Forwarded));
        drop(conn);
        let forwarded = emails(&d, &format!("application-forwarded:{application}"));
        assert_eq!(forwarded.len(), 1);
        assert!(forwarded[0].contains("contact.a@example.org"));
        assert!(!forwarded[0].contains("Marsh"), "no name without consent");
        // The employer opens the link and sees the pseudonymous card.
        let employer_user = {
            let mut conn = d.conn();
            let employer_id = store::caseload::vacancy_employer(&mut conn, d.vacancy)
                .unwrap()
                .unwrap();
            people::create_user(
                &mut conn,
                &NewUser {
                    email: "hiring.a@example.org",
                    display_name: "Hiring A",
                    password_hash: &password::hash("correct horse battery staple").unwrap(),
                    membership: Membership::Employer(employer_id),
                },
            )
            .unwrap()
        };
        let link = link_in(&forwarded[0], &d.app.address);
        assert_eq!(link, format!("/employer/applications/{application}"));
        let (status, card) = d.get(employer_user, &link).await;
        assert_eq!(status, 200, "{link}");
        assert!(card.contains("I picked and packed orders for two years."));
        assert!(
            !card.contains("Marsh") && !card.contains("Maya"),
            "no name without consent"
        );
        assert!(!card.contains("M5555MM"), "no prison reference");
        // The employer invites the person to interview: the officer hears,
        // and the link opens the application.
        let config = d.app.services.config.clone();
        let mut conn = d.conn();
        let user = d.officer_x;
        conn.write(|c| {
            let mut interview = store::applications::Change::to(ApplicationStatus::Interview);
            interview.interview_at = Some(now() + Duration::days(3));
            store::applications::change_status(
                c,
                application,
                &interview,
                store::applications::Actor::employer(user),
                now(),
            )?;
            fairchance::notify::officer::application_status_changed(c, &config, application)
                .map_err(|e| {
                    store::applications::ApplicationError::Store(store::StoreError::Task(
                        e.to_string(),
                    ))
                })?;
            Ok::<_, store::applications::ApplicationError>(())
        })
        .unwrap();
        drop(conn);
        let changed = emails(&d, &format!("application-status:{application}:interview"));
        assert_eq!(changed.len(), 1);
        let link = link_in(&changed[0], &d.app.address);
        let (status, page) = d.get(d.officer_x, &link).await;
        assert_eq!(status, 200, "{link}");
        assert!(page.contains("Interview"));
        // The worker sends them all.
        drain(&worker).await;
        let sent = worker.transport().sent();
        assert!(
            sent.len() >= 5,
            "digest, reminder, awaiting review, forwarded, status changed: {}",
            sent.len()
        );
    }
);

on_both_backends!(
    editing_keeps_places_the_gazetteer_does_not_know,
    |backend| async move {
        let d = Desk::new(backend).await;
        let t = d.app.services.taxonomy.clone();
        let mut input = person("K1000KK", "Kim", "Keep", 20);
        input.release_area = Some(PlaceInput {
            name: "A hostel near the station".into(),
            lat: 53.79,
            lon: -1.54,
        });
        input.exclusion_zones = vec![fairchance::domain::geo::ExclusionZoneInput {
            name: "Area around an address in Leeds".into(),
            lat: 53.80,
            lon: -1.55,
            radius_km: 1.0,
            ends_on: None,
        }];
        let details = ProfileDetails::parse(&input, &t).unwrap();
        let mut conn = d.conn();
        let id = conn
            .write(|tx| {
                store::profiles::insert(
                    tx,
                    d.service_x,
                    Some(d.officer_x),
                    "Pseudo K",
                    &details,
                    now(),
                )
            })
            .unwrap();
        drop(conn);
        // The main editor, saved as shown.
        let (_, page) = d
            .get(d.officer_x, &format!("/officer/profiles/{id}/edit"))
            .await;
        assert!(page.contains("value=\"A hostel near the station\""));
        let (status, _, body) = d
            .post(
                d.officer_x,
                &format!("/officer/profiles/{id}"),
                &[
                    ("given_name", "Kim"),
                    ("family_name", "Keep"),
                    ("reference", "K1000KK"),
                    ("release_date", &(today() + Duration::days(20)).to_string()),
                    ("release_area", "A hostel near the station"),
                    ("travel_radius_km", "12"),
                    ("right_to_work", "yes"),
                    ("readiness", "support_needed"),
                ],
            )
            .await;
        assert_eq!(status, 303, "{body}");
        // The restricted editor, saved as shown.
        let (status, _, body) = d
            .post(
                d.officer_x,
                &format!("/officer/profiles/{id}/restricted"),
                &[
                    ("exclusion_zones[0].name", "Area around an address in Leeds"),
                    ("exclusion_zones[0].radius_km", "1.5"),
                ],
            )
            .await;
        assert_eq!(status, 303, "{body}");
        let mut conn = d.conn();
        let p = store::profiles::load(&mut conn, id, &t).unwrap();
        let zone = &p.details.licence_conditions().exclusion_zones()[0];
        assert_eq!(zone.name(), "Area around an address in Leeds");
        assert_eq!(zone.radius_km(), 1.5);
        assert_eq!(p.details.travel_radius_km(), 12.0);
        match p.details.release_area() {
            fairchance::domain::profile::ReleaseArea::Place(place) => {
                assert_eq!(place.name(), "A hostel near the station")
            }
            other => panic!("{other:?}"),
        }
    }
);

on_both_backends!(
    a_why_not_that_shows_offence_data_is_a_restricted_view,
    |backend| async move {
        let d = Desk::new(backend).await;
        let t = d.app.services.taxonomy.clone();
        // The person has a drugs-supply category; the second vacancy cannot
        // accept it.
        let mut input = person("X1000AA", "Xavier", "Exe", 30);
        input.offence_categories = vec!["drugs_supply".into()];
        let details = ProfileDetails::parse(&input, &t).unwrap();
        let mut conn = d.conn();
        conn.write(|tx| store::profiles::update(tx, d.profile_x, d.service_x, &details, now()))
            .unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let mut v = generator::vacancy(&mut rng, &TEMPLATES[1], &leeds(), "A", today());
        v.offence_exclusions = vec![fairchance::domain::offence::OffenceExclusionInput {
            category: "drugs_supply".into(),
            stance: "excluded".into(),
            reason: "The role holds keys to the controlled medicines store".into(),
        }];
        let v = VacancyDetails::parse(&v, &t).unwrap();
        let employer = store::caseload::vacancy_employer(&mut conn, d.vacancy)
            .unwrap()
            .unwrap();
        let excluding = conn
            .write(|tx| {
                store::vacancies::insert(tx, employer, VacancyStatus::Published, None, &v, now())
            })
            .unwrap();
        drop(conn);
        let before = d.audit_count("profile.restricted_viewed", d.profile_x);
        let (status, page) = d
            .get(
                d.officer_x,
                &format!(
                    "/officer/profiles/{}/matches?why_not={excluding}",
                    d.profile_x
                ),
            )
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("data-code=\"offence_exclusion\""), "{page}");
        assert_eq!(
            d.audit_count("profile.restricted_viewed", d.profile_x),
            before + 1,
            "the answer shows offence data, so it is audited as a restricted view"
        );
        // Its purpose is the page's: reviewing matches.
        let detail: Option<String> = {
            let mut conn = d.conn();
            fairchance::with_conn!(&mut conn, |c| audit_log::table
                .filter(audit_log::action.eq("profile.restricted_viewed"))
                .filter(audit_log::subject_id.eq(d.profile_x))
                .order(audit_log::id.desc())
                .select(audit_log::detail)
                .first(c)
                .unwrap())
        };
        let detail: serde_json::Value = serde_json::from_str(&detail.unwrap()).unwrap();
        assert_eq!(detail["purpose"], "matching_review", "{detail}");
        assert!(detail["what"].is_string(), "{detail}");
    }
);

/// Rows of the first table on a page after its header row.
fn table_rows(html: &str, table_id: Option<&str>) -> usize {
    let start = match table_id {
        Some(id) => html
            .find(&format!("<table id=\"{id}\">"))
            .unwrap_or(html.len()),
        None => html.find("<table").unwrap_or(html.len()),
    };
    let end = html[start..]
        .find("</table>")
        .map_or(html.len(), |e| start + e);
    html[start..end].matches("<tr>").count().saturating_sub(1)
}

on_both_backends!(
    waiting_matches_and_applications_page_through_everything,
    |backend| async move {
        let d = Desk::new(backend).await;
        let t = d.app.services.taxonomy.clone();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(21);
        let employer = {
            let mut conn = d.conn();
            store::caseload::vacancy_employer(&mut conn, d.vacancy)
                .unwrap()
                .unwrap()
        };
        // 120 waiting matches and 60 applications for one person of service
        // X, and one of each for service Y's person, which X never sees.
        let mut vacancies = vec![d.vacancy];
        {
            let mut conn = d.conn();
            for i in 0..119 {
                let v = VacancyDetails::parse(
                    &generator::vacancy(
                        &mut rng,
                        &TEMPLATES[i % TEMPLATES.len()],
                        &leeds(),
                        "A",
                        today(),
                    ),
                    &t,
                )
                .unwrap();
                vacancies.push(
                    conn.write(|tx| {
                        store::vacancies::insert(
                            tx,
                            employer,
                            VacancyStatus::Published,
                            None,
                            &v,
                            now(),
                        )
                    })
                    .unwrap(),
                );
            }
        }
        for &v in &vacancies {
            d.suggest(d.profile_x, v);
        }
        d.suggest(d.profile_y, d.vacancy);
        {
            let mut conn = d.conn();
            for &v in vacancies.iter().take(60) {
                store::applications::submit(
                    &mut conn,
                    d.profile_x,
                    v,
                    "I can do this work.",
                    now(),
                )
                .unwrap();
            }
            store::applications::submit(&mut conn, d.profile_y, d.vacancy, "Me too.", now())
                .unwrap();
        }

        let mut rows = 0;
        for (page, first, last) in [(1, 1, 50), (2, 51, 100), (3, 101, 120)] {
            let (status, body) = d
                .get(d.officer_x, &format!("/officer/matches?page={page}"))
                .await;
            assert_eq!(status, 200);
            assert!(
                body.contains(&format!("Showing {first} to {last} of 120 matches.")),
                "page {page} says where it is"
            );
            assert!(!body.contains("Yusuf Wye"), "another service's person");
            rows += table_rows(&body, None);
            assert_eq!(body.contains(">Next page</a>"), page < 3);
            assert_eq!(body.contains(">Previous page</a>"), page > 1);
        }
        assert_eq!(rows, 120, "every waiting match on some page");

        let (status, body) = d.get(d.officer_x, "/officer/applications").await;
        assert_eq!(status, 200);
        assert!(body.contains("Showing 1 to 50 of 60 applications."));
        assert_eq!(table_rows(&body, Some("awaiting")), 50);
        assert!(!body.contains("Yusuf Wye"));
        let (_, body) = d
            .get(d.officer_x, "/officer/applications?awaiting_page=2")
            .await;
        assert!(body.contains("Showing 51 to 60 of 60 applications."));
        assert_eq!(table_rows(&body, Some("awaiting")), 10);
        // A page number that is not a number is page 1, never an error.
        let (status, _) = d
            .get(
                d.officer_x,
                "/officer/applications?awaiting_page=abc&others_page=-3",
            )
            .await;
        assert_eq!(status, 200);
    }
);

on_both_backends!(
    every_read_that_shows_restricted_facts_is_audited,
    |backend| async move {
        let d = Desk::new(backend).await;
        let t = d.app.services.taxonomy.clone();
        // Xavier, released last week, has a drugs-supply category, which a
        // second vacancy takes case by case: he is its candidate, with the
        // category shown.
        let mut input = person("X1000AA", "Xavier", "Exe", -7);
        input.offence_categories = vec!["drugs_supply".into()];
        let details = ProfileDetails::parse(&input, &t).unwrap();
        let mut conn = d.conn();
        conn.write(|tx| store::profiles::update(tx, d.profile_x, d.service_x, &details, now()))
            .unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let mut v = generator::vacancy(&mut rng, &TEMPLATES[0], &leeds(), "A", today());
        v.offence_exclusions = vec![fairchance::domain::offence::OffenceExclusionInput {
            category: "drugs_supply".into(),
            stance: "case_by_case".into(),
            reason: "The role handles the pharmacy delivery van".into(),
        }];
        let v = VacancyDetails::parse(&v, &t).unwrap();
        let employer = store::caseload::vacancy_employer(&mut conn, d.vacancy)
            .unwrap()
            .unwrap();
        let cbc = conn
            .write(|tx| {
                store::vacancies::insert(tx, employer, VacancyStatus::Published, None, &v, now())
            })
            .unwrap();
        drop(conn);
        d.app
            .matcher
            .sync_profile(d.profile_x, today())
            .await
            .unwrap();
        d.app.matcher.vacancy_changed(cbc, today()).await.unwrap();
        let restricted = |d: &Desk| d.audit_count("profile.restricted_viewed", d.profile_x);

        // A candidate list: audited against each person whose line shows
        // restricted facts, in the HTML page and in its JSON twin.
        let before = restricted(&d);
        let (status, page) = d
            .get(d.officer_x, &format!("/officer/vacancies/{cbc}/candidates"))
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("Xavier"), "{page}");
        assert_eq!(restricted(&d), before + 1, "the candidate's own row");
        assert_eq!(
            d.audit_count("vacancy.candidates_restricted_viewed", cbc),
            1
        );
        let (status, body) = d
            .get(d.officer_x, &format!("/api/v1/vacancies/{cbc}/candidates"))
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("drugs_supply"), "{body}");
        assert_eq!(restricted(&d), before + 2);

        // A decided match whose stored reasons name the category: once the
        // vacancy closes it is listed from the stored reasons alone.
        let match_id: i64 = {
            let mut conn = d.conn();
            fairchance::with_conn!(&mut conn, |c| matches::table
                .filter(matches::profile_id.eq(d.profile_x))
                .filter(matches::vacancy_id.eq(cbc))
                .select(matches::id)
                .first(c)
                .unwrap())
        };
        let (status, _, _) = d
            .post(
                d.officer_x,
                &format!("/officer/matches/{match_id}/approve"),
                &[],
            )
            .await;
        assert_eq!(status, 303);
        {
            use fairchance::store::schema::vacancies;
            let mut conn = d.conn();
            fairchance::with_conn!(&mut conn, |c| diesel::update(vacancies::table.find(cbc))
                .set(vacancies::status.eq("closed"))
                .execute(c)
                .unwrap());
        }
        d.app.matcher.sync_vacancy(cbc).await.unwrap();
        let before = restricted(&d);
        let plain_before = d.audit_count("profile.matches_viewed", d.profile_x);
        let (status, page) = d
            .get(
                d.officer_x,
                &format!("/officer/profiles/{}/matches", d.profile_x),
            )
            .await;
        assert_eq!(status, 200);
        assert!(
            page.contains("case by case") || page.contains("Case by case"),
            "{page}"
        );
        assert_eq!(
            restricted(&d),
            before + 1,
            "stored reasons naming a category make the view restricted"
        );
        assert_eq!(
            d.audit_count("profile.matches_viewed", d.profile_x),
            plain_before
        );

        // The general editor: every view audited; it never shows the
        // restricted sections.
        let viewed = d.audit_count("profile.viewed", d.profile_x);
        let (status, page) = d
            .get(
                d.officer_x,
                &format!("/officer/profiles/{}/edit", d.profile_x),
            )
            .await;
        assert_eq!(status, 200);
        assert!(!page.contains("drugs_supply"));
        assert_eq!(d.audit_count("profile.viewed", d.profile_x), viewed + 1);

        // The officer's application page (the statement can disclose a
        // conviction).
        let a = d.apply(d.profile_x);
        let (status, _) = d
            .get(d.officer_x, &format!("/officer/applications/{a}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(d.audit_count("application.viewed", a), 1);
        // Another service's officer sees nothing and leaves no view row.
        assert_eq!(
            d.get(d.officer_y, &format!("/officer/applications/{a}"))
                .await
                .0,
            404
        );
        assert_eq!(d.audit_count("application.viewed", a), 1);
    }
);

impl Desk {
    /// Another vacancy of the desk's employer, in the given status.
    fn add_vacancy(&self, seed: u64, title: &str, status: VacancyStatus) -> i64 {
        let t = self.app.services.taxonomy.clone();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut input = generator::vacancy(&mut rng, &TEMPLATES[0], &leeds(), "A", today());
        input.title = title.into();
        let v = VacancyDetails::parse(&input, &t).unwrap();
        let mut conn = self.conn();
        let employer = store::caseload::vacancy_employer(&mut conn, self.vacancy)
            .unwrap()
            .unwrap();
        conn.write(|tx| store::vacancies::insert(tx, employer, status, None, &v, now()))
            .unwrap()
    }

    /// A suggested match with a score and required-skill counts.
    fn suggest_scored(&self, profile_id: i64, vacancy_id: i64, score: f64, met: i32, of: i32) {
        let mut conn = self.conn();
        let at = now();
        fairchance::with_conn!(&mut conn, |c| diesel::insert_into(matches::table)
            .values((
                matches::profile_id.eq(profile_id),
                matches::vacancy_id.eq(vacancy_id),
                matches::status.eq("suggested"),
                matches::score.eq(score),
                matches::reasons.eq("[]"),
                matches::required_met.eq(met),
                matches::required_total.eq(of),
                matches::created_at.eq(at),
                matches::updated_at.eq(at),
            ))
            .execute(c)
            .unwrap());
    }
}

on_both_backends!(
    why_not_answer_is_the_first_thing_on_the_page,
    |backend| async move {
        let d = Desk::new(backend).await;
        d.suggest(d.profile_x, d.vacancy);
        let (status, page) = d
            .get(
                d.officer_x,
                &format!(
                    "/officer/profiles/{}/matches?why_not={}",
                    d.profile_x, d.vacancy
                ),
            )
            .await;
        assert_eq!(status, 200);
        let answer = page.find("id=\"why-not\"").expect("the answer is shown");
        let list = page.find("Vacancies that fit, best first").unwrap();
        assert!(answer < list, "the answer comes before every match card");
        // Asking nothing: the list first, with a link down to the question.
        let (_, page) = d
            .get(
                d.officer_x,
                &format!("/officer/profiles/{}/matches", d.profile_x),
            )
            .await;
        assert!(page.contains("<a href=\"#find\">Why is a job not shown?"));
        assert!(
            page.find("Vacancies that fit, best first").unwrap()
                < page.find("id=\"why-not-heading\"").unwrap()
        );
        // The vacancy title in the match links to the officer's vacancy page.
        assert!(page.contains(&format!("<a href=\"/officer/vacancies/{}\">", d.vacancy)));
    }
);

on_both_backends!(
    officers_open_vacancies_with_the_employers_conviction_settings,
    |backend| async move {
        let d = Desk::new(backend).await;
        let (status, page) = d
            .get(d.officer_x, &format!("/officer/vacancies/{}", d.vacancy))
            .await;
        assert_eq!(status, 200);
        assert!(page.contains(&format!("<h1>{}</h1>", d.vacancy_title)));
        assert!(page.contains("Employer A (test)"));
        assert!(page.contains("Convictions the employer has set out"));
        assert!(page.contains("Criminal record check"));
        assert!(page.contains(&format!(
            "href=\"/officer/vacancies/{}/candidates\"",
            d.vacancy
        )));
        // None of the employer's own tools.
        assert!(!page.contains("/edit\"") && !page.contains("Duplicate"));
        // Every service's officers may read a published vacancy: it holds no
        // person's data.
        let (status, _) = d
            .get(d.officer_y, &format!("/officer/vacancies/{}", d.vacancy))
            .await;
        assert_eq!(status, 200);
        // A draft is the employer's unfinished work; an unknown id is not
        // found either.
        let draft = d.add_vacancy(3, "Draft role", VacancyStatus::Draft);
        for path in [
            format!("/officer/vacancies/{draft}"),
            "/officer/vacancies/987654".to_string(),
            "/officer/vacancies/abc".to_string(),
        ] {
            let (status, _) = d.get(d.officer_x, &path).await;
            assert_eq!(status, 404, "{path}");
        }
        // A vacancy closed after publication still opens (applications made
        // to it link here), without candidates.
        let closed = d.add_vacancy(4, "Closed role", VacancyStatus::Closed);
        {
            use fairchance::store::schema::vacancies;
            let mut conn = d.conn();
            fairchance::with_conn!(&mut conn, |c| diesel::update(vacancies::table.find(closed))
                .set(vacancies::published_at.eq(Some(now())))
                .execute(c)
                .unwrap());
        }
        let (status, page) = d
            .get(d.officer_x, &format!("/officer/vacancies/{closed}"))
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("not open to applications"));
        assert!(!page.contains(&format!("/officer/vacancies/{closed}/candidates")));
        // Titles link to it from the waiting matches, the candidates and
        // the applications.
        d.suggest(d.profile_x, d.vacancy);
        let link = format!("<a href=\"/officer/vacancies/{}\">", d.vacancy);
        let (_, waiting) = d.get(d.officer_x, "/officer/matches").await;
        assert!(waiting.contains(&link), "{waiting}");
        let (_, candidates) = d
            .get(
                d.officer_x,
                &format!("/officer/vacancies/{}/candidates", d.vacancy),
            )
            .await;
        assert!(candidates.contains(&format!("href=\"/officer/vacancies/{}\"", d.vacancy)));
        let a = {
            let mut conn = d.conn();
            store::applications::submit(&mut conn, d.profile_x, d.vacancy, "Keen.", now())
                .unwrap()
                .application
                .id
        };
        let (_, list) = d.get(d.officer_x, "/officer/applications").await;
        assert!(list.contains(&link));
        let (_, detail) = d
            .get(d.officer_x, &format!("/officer/applications/{a}"))
            .await;
        assert!(detail.contains(&link));
        // The decline choice reads as the officer's own decision.
        d.post(
            d.officer_x,
            &format!("/officer/applications/{a}/review"),
            &[],
        )
        .await;
        let (_, detail) = d
            .get(d.officer_x, &format!("/officer/applications/{a}"))
            .await;
        assert!(detail
            .contains("This job is not right for the person now (my decision as their officer)"));
        assert!(!detail.contains("Not forwarded by the case officer"));
    }
);

on_both_backends!(
    waiting_matches_filter_sort_floor_and_page_in_the_database,
    |backend| async move {
        let d = Desk::new(backend).await;
        // Xavier: a strong match, a weak one (none of 2 required skills,
        // 20%) and one with no required skill but 55%.
        let strong = d.add_vacancy(11, "Aardvark keeper", VacancyStatus::Published);
        let weak = d.add_vacancy(12, "Weak fit role", VacancyStatus::Published);
        let half = d.add_vacancy(13, "Zebra groomer", VacancyStatus::Published);
        d.suggest_scored(d.profile_x, strong, 0.8, 1, 2);
        d.suggest_scored(d.profile_x, weak, 0.2, 0, 2);
        d.suggest_scored(d.profile_x, half, 0.55, 0, 2);
        let (status, page) = d.get(d.officer_x, "/officer/matches").await;
        assert_eq!(status, 200);
        assert_eq!(table_rows(&page, Some("waiting")), 2);
        assert!(!page.contains("Weak fit role"));
        assert!(page.contains("1 weaker match is hidden"), "{page}");
        assert!(page.contains("Showing 1 to 2 of 2 matches."));
        // Town and employer are columns; so are the required skills.
        assert!(page.contains("<td>Leeds</td>"));
        assert!(page.contains("<td>Employer A (test)</td>"));
        assert!(page.contains("<td>1 of 2</td>"));
        // Every match, or a score floor.
        let (_, all) = d.get(d.officer_x, "/officer/matches?floor=all").await;
        assert_eq!(table_rows(&all, Some("waiting")), 3);
        assert!(!all.contains("weaker match"));
        let (_, seventy) = d.get(d.officer_x, "/officer/matches?floor=70").await;
        assert_eq!(table_rows(&seventy, Some("waiting")), 1);
        assert!(seventy.contains("2 weaker matches are hidden"));
        // Sorted by score, by vacancy title.
        let (_, by_score) = d
            .get(d.officer_x, "/officer/matches?floor=all&sort=score")
            .await;
        let order =
            |page: &str, names: [&str; 3]| names.map(|n| page.find(n).unwrap_or(usize::MAX));
        let [a, b, c] = order(
            &by_score,
            ["Aardvark keeper", "Zebra groomer", "Weak fit role"],
        );
        assert!(a < b && b < c, "best score first");
        let (_, by_title) = d
            .get(d.officer_x, "/officer/matches?floor=all&sort=vacancy")
            .await;
        let [a, w, z] = order(
            &by_title,
            ["Aardvark keeper", "Weak fit role", "Zebra groomer"],
        );
        assert!(a < w && w < z, "by title");
        // Filtered by text: vacancy title, person, employer.
        let (_, zebra) = d.get(d.officer_x, "/officer/matches?q=zebra").await;
        assert_eq!(table_rows(&zebra, Some("waiting")), 1);
        let (_, nobody) = d.get(d.officer_x, "/officer/matches?q=Yusuf").await;
        assert_eq!(
            table_rows(&nobody, Some("waiting")),
            0,
            "another service's person"
        );
        // Only my people.
        let (_, mine) = d.get(d.officer_x, "/officer/matches?mine=1").await;
        assert_eq!(table_rows(&mine, Some("waiting")), 2);
        // Bad values get a message; a page past the end goes to the last.
        let (status, bad) = d
            .get(d.officer_x, "/officer/matches?sort=sideways&floor=lots")
            .await;
        assert_eq!(status, 400);
        assert!(bad.contains("Choose an order from the list"));
        assert!(bad.contains("Choose which matches to show from the list"));
        let (status, _) = d.get(d.officer_x, "/officer/matches?page=abc").await;
        assert_eq!(status, 200);
        let res = d
            .app
            .client
            .get(d.app.url("/officer/matches?page=999&sort=score"))
            .header("cookie", d.app.staff_session(d.officer_x).0)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303);
        assert_eq!(
            res.headers()["location"].to_str().unwrap(),
            "/officer/matches?sort=score&floor=useful&page=1"
        );
        // A matching run stores the required-skill counts it found.
        {
            use fairchance::domain::matching::Reason;
            let reasons = serde_json::to_string(&vec![Reason::RequiredSkills {
                matched: vec!["pick-and-pack".into()],
                missing: vec!["forklift".into(), "stock-control".into()],
                total: 3,
            }])
            .unwrap();
            let mut conn = d.conn();
            conn.write(|tx| {
                store::matches::apply_run(
                    tx,
                    store::matches::RunScope::Profile(d.profile_y),
                    &[store::matches::Found::from_json(
                        d.profile_y,
                        strong,
                        0.3,
                        None,
                        reasons,
                    )],
                    now(),
                )
            })
            .unwrap();
            let counts: (i32, i32) = fairchance::with_conn!(&mut conn, |c| matches::table
                .filter(matches::profile_id.eq(d.profile_y))
                .filter(matches::vacancy_id.eq(strong))
                .select((matches::required_met, matches::required_total))
                .first(c)
                .unwrap());
            assert_eq!(counts, (1, 3));
        }
    }
);

on_both_backends!(waiting_matches_query_uses_indexes, |backend| async move {
    let d = Desk::new(backend).await;
    let mut conn = d.conn();
    // The waiting list's statement reaches matches through an index on
    // both backends (here with sequential scans discouraged on
    // PostgreSQL, whose planner prefers them on a tiny table).
    let sql = "SELECT m.id FROM matches m \
             INNER JOIN profiles p ON p.id = m.profile_id \
             INNER JOIN vacancies v ON v.id = m.vacancy_id \
             WHERE p.service_id = 1 AND m.status = 'suggested' \
             AND (m.required_total = 0 OR m.required_met > 0 OR m.score >= 0.5) \
             ORDER BY m.score DESC, m.id DESC LIMIT 50";
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
        line: String,
    }
    let plan: String = match &mut conn {
        store::Conn::Sqlite(c) => {
            #[derive(QueryableByName)]
            struct Row {
                #[diesel(sql_type = diesel::sql_types::Text)]
                detail: String,
            }
            diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load::<Row>(&mut **c)
                .unwrap()
                .into_iter()
                .map(|r| r.detail)
                .collect::<Vec<_>>()
                .join("\n")
        }
        store::Conn::Postgres(c) => {
            diesel::sql_query("SET enable_seqscan = off")
                .execute(&mut **c)
                .unwrap();
            diesel::sql_query(format!("EXPLAIN {sql}"))
                .load::<Line>(&mut **c)
                .unwrap()
                .into_iter()
                .map(|r| r.line)
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    println!("{plan}");
    // Never a full scan of matches; one of its indexes leads to the
    // rows (which one depends on the planner's statistics: with them,
    // the service's people and (profile_id, status) win).
    assert!(
        !plan.lines().any(|l| l.trim() == "SCAN m") && !plan.contains("Seq Scan on matches"),
        "{plan}"
    );
    assert!(
        [
            "matches_profile_status",
            "sqlite_autoindex_matches",
            "matches_status"
        ]
        .iter()
        .any(|index| plan.contains(index)),
        "{plan}"
    );
});

on_both_backends!(
    caseload_search_forgives_typos_and_order_and_pages_truthfully,
    |backend| async move {
        let d = Desk::new(backend).await;
        {
            let t = d.app.services.taxonomy.clone();
            let p =
                ProfileDetails::parse(&person("K2000AA", "Nathan", "Kowalski", 40), &t).unwrap();
            let mut conn = d.conn();
            conn.write(|tx| {
                store::profiles::insert(tx, d.service_x, Some(d.officer_x), "Pseudo K", &p, now())
            })
            .unwrap();
        }
        for q in ["Nathen", "Kowalski+Nathan", "kowlaski", "nath", "K2000"] {
            let (status, page) = d
                .get(d.officer_x, &format!("/officer/caseload?q={q}"))
                .await;
            assert_eq!(status, 200);
            assert!(
                page.contains("Nathan Kowalski") && page.contains("of 1 people"),
                "{q}: {page}"
            );
        }
        let (_, page) = d.get(d.officer_x, "/officer/caseload?q=Zebedee").await;
        assert!(page.contains("No people match."));
        // Another service's people are never found.
        let (_, page) = d.get(d.officer_y, "/officer/caseload?q=Nathen").await;
        assert!(!page.contains("Kowalski"));
        // Past the end: to the last page, never "page 2 of 1".
        let res = d
            .app
            .client
            .get(d.app.url("/officer/caseload?q=Nathen&page=2"))
            .header("cookie", d.app.staff_session(d.officer_x).0)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303);
        let location = res.headers()["location"].to_str().unwrap().to_string();
        assert!(
            location.ends_with("page=1") && location.contains("q=Nathen"),
            "{location}"
        );
        let (_, page) = d.get(d.officer_x, &location).await;
        assert!(page.contains("Showing 1 to 1 of 1 people (page 1 of 1)."));
    }
);

on_both_backends!(
    demo_reports_show_real_figures_with_wrapped_labels_and_scrolling_tables,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let logins = fairchance::seed::demo::seed(&app.services).unwrap();
        let officer_email = logins
            .iter()
            .find(|l| l.role == "officer")
            .map(|l| l.email.clone())
            .unwrap();
        let officer: i64 = {
            use fairchance::store::schema::users;
            let mut conn = app.services.store.conn().unwrap();
            fairchance::with_conn!(&mut conn, |c| users::table
                .filter(users::email.eq(&officer_email))
                .select(users::id)
                .first(c)
                .unwrap())
        };
        let (cookie, _) = app.staff_session(officer);
        for (path, key) in [
            ("/officer/reports?scope=service", "funnel"),
            ("/officer/reports", "funnel"),
        ] {
            let res = app
                .client
                .get(app.url(path))
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200);
            let page = res.text().await.unwrap();
            let start = page.find(&format!("<table id=\"table-{key}\">")).unwrap();
            let end = start + page[start..].find("</table>").unwrap();
            let funnel = &page[start..end];
            assert!(
                !funnel.contains("fewer than 5") && !funnel.contains("withheld"),
                "{path}: every stage of the funnel has a real figure: {funnel}"
            );
            // Tables scroll in their own box; chart labels wrap, never cut.
            assert!(page.contains("<div class=\"report-table\" role=\"region\""));
            assert!(!page.contains('…'), "{path}: no label is shortened");
        }
        let res = app
            .client
            .get(app.url("/officer/reports?scope=service"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        let page = res.text().await.unwrap();
        // Every table's totals are real figures, and every chart has bars.
        let start = page.find("<table id=\"table-employment\">").unwrap();
        let end = start + page[start..].find("</table>").unwrap();
        assert!(
            !page[start..end].contains("fewer than 5") && !page[start..end].contains("withheld"),
            "in work after release, in real figures: {}",
            &page[start..end]
        );
        for key in [
            "funnel_by_service",
            "funnel_by_sector",
            "funnel_by_employer",
            "funnel_by_gender",
            "employment_by_service",
            "employment_by_gender",
        ] {
            let start = page
                .find(&format!("<table id=\"table-{key}\">"))
                .unwrap_or_else(|| panic!("{key}"));
            let end = start + page[start..].find("</table>").unwrap();
            let table = &page[start..end];
            let total = &table[table.rfind("<tr>").unwrap()..];
            assert!(
                total.contains("Total")
                    && !total.contains("fewer than 5")
                    && !total.contains("withheld"),
                "{key}: the total row is real: {total}"
            );
            let section = &page[page[..start].rfind("<section").unwrap()..start];
            if section.contains("<svg") {
                assert!(
                    section.contains("<rect x="),
                    "{key}: the chart has at least one bar: {section}"
                );
            }
        }
    }
);

on_both_backends!(
    the_spent_date_helper_answers_on_the_page_and_keeps_nothing,
    |backend| async move {
        let d = Desk::new(backend).await;
        let path = "/officer/tools/spent";
        let (status, html) = d.get(d.officer_x, "/officer").await;
        assert_eq!(status, 200);
        assert!(
            html.contains("href=\"/officer/tools/spent\""),
            "linked from the navigation"
        );
        let (status, html) = d.get(d.officer_x, path).await;
        assert_eq!(status, 200);
        assert!(html.contains("method=\"post\"") && html.contains("name=\"csrf_token\""));
        let audits_before: i64 = {
            let mut conn = d.conn();
            fairchance::with_conn!(&mut conn, |c| audit_log::table.count().get_result::<i64>(c))
                .unwrap()
        };
        let fields = [
            ("age", "adult"),
            ("disposal", "custodial"),
            ("convicted_on_day", "15"),
            ("convicted_on_month", "1"),
            ("convicted_on_year", "2024"),
            ("term_years", "2"),
            ("term_months", "6"),
            ("term_days", ""),
            ("ends_on_day", "10"),
            ("ends_on_month", "3"),
            ("ends_on_year", "2026"),
        ];
        let (status, _, html) = d.post(d.officer_x, path, &fields).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Spent on 10 March 2030"), "{html}");
        assert!(html.contains(
            "Custodial sentence of over 1 year and up to 4 years, aged 18 or over: spent 4 years after the sentence, including licence, ends"
        ));
        // Never spent: over 4 years for a Schedule 18 offence.
        let mut long = fields.to_vec();
        long.retain(|(k, _)| *k != "term_years");
        long.push(("term_years", "6"));
        let (status, _, html) = d.post(d.officer_x, path, &long).await;
        assert_eq!(status, 422, "the Schedule 18 question is asked");
        assert!(html.contains("id=\"schedule_18-error\""));
        long.push(("schedule_18", "yes"));
        let (status, _, html) = d.post(d.officer_x, path, &long).await;
        assert_eq!(status, 200);
        assert!(html.contains("Never spent"));
        // Errors beside the fields, 422, never a 500.
        let (status, _, html) = d
            .post(
                d.officer_x,
                path,
                &[
                    ("age", "old"),
                    ("disposal", "custodial"),
                    ("convicted_on_day", "31"),
                    ("convicted_on_month", "2"),
                    ("convicted_on_year", "2024"),
                    ("term_years", "x"),
                ],
            )
            .await;
        assert_eq!(status, 422);
        for field in ["age", "convicted_on", "term"] {
            assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}");
        }
        // Nothing is stored or audited.
        let audits_after: i64 = {
            let mut conn = d.conn();
            fairchance::with_conn!(&mut conn, |c| audit_log::table.count().get_result::<i64>(c))
                .unwrap()
        };
        assert_eq!(audits_after, audits_before);
        // Not for anyone signed out.
        let res = d.app.client.get(d.app.url(path)).send().await.unwrap();
        assert_ne!(res.status().as_u16(), 200);
        assert!(res.status().is_redirection() || res.status().as_u16() == 401);
        d.app.stop().await;
    }
);
