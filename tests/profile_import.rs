//! Importing profiles from CSV (issue #20 item 3), over HTTP and from the
//! command line, on both backends: all rows or none, every bad cell named
//! with the editor's message, upsert by prison number within the service,
//! a preview that writes nothing, restricted columns only for officers,
//! one matching job per row, CSRF and authorization.

mod common;

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use common::{Backend, TestApp, TestDb};
use diesel::prelude::*;
use fairchance::access::password;
use fairchance::domain::application::MatchStatus;
use fairchance::domain::vacancy::{VacancyDetails, VacancyStatus};
use fairchance::seed::generator::{self, Town, TEMPLATES};
use fairchance::store::people::{
    self, EmployerStatus, Membership, NewEmployer, NewService, NewUser, ServiceKind,
};
use fairchance::store::schema::{audit_log, jobs, profile_offences, profiles};
use fairchance::store::{self, now};
use fairchance::web::officer::profiles::csv::columns;
use rand::SeedableRng;

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn add_service(conn: &mut store::Conn, name: &str) -> i64 {
    people::create_service(
        conn,
        &NewService {
            name,
            kind: ServiceKind::Prison,
            place_name: "Leeds",
            lat: 53.8,
            lon: -1.5,
        },
    )
    .unwrap()
}

fn add_user(conn: &mut store::Conn, email: &str, membership: Membership) -> i64 {
    let hash = password::hash("correct horse battery staple").unwrap();
    people::create_user(
        conn,
        &NewUser {
            email,
            display_name: email,
            password_hash: &hash,
            membership,
        },
    )
    .unwrap()
}

/// Two services with an officer each, an administrator, an employer's
/// user and a published vacancy in Leeds whose required skills the rows
/// below have.
struct Office {
    app: TestApp,
    service_x: i64,
    service_y: i64,
    officer_x: i64,
    admin: i64,
    employer_user: i64,
    vacancy: i64,
    skills: String,
    certificates: String,
}

impl Office {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::spawn(backend).await;
        let mut conn = app.services.store.conn().unwrap();
        let service_x = add_service(&mut conn, "Service X");
        let service_y = add_service(&mut conn, "Service Y");
        let officer_x = add_user(
            &mut conn,
            "officer.x@example.org",
            Membership::Service(service_x),
        );
        add_user(
            &mut conn,
            "officer.y@example.org",
            Membership::Service(service_y),
        );
        let admin = add_user(&mut conn, "admin@example.org", Membership::Admin);
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
        let employer_user = add_user(
            &mut conn,
            "employer@example.org",
            Membership::Employer(employer),
        );
        let town = Town {
            name: "Leeds".into(),
            lat: 53.7965,
            lon: -1.5478,
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let input = generator::vacancy(&mut rng, &TEMPLATES[0], &town, "A", today());
        let v = VacancyDetails::parse(&input, &app.services.taxonomy).unwrap();
        let skills = v
            .required_skills()
            .iter()
            .map(|s| format!("{s}|past_job"))
            .collect::<Vec<_>>()
            .join(";");
        let certificates = v.required_certificates().join(";");
        let at = now();
        let vacancy = conn
            .write(|tx| {
                store::vacancies::insert(tx, employer, VacancyStatus::Published, None, &v, at)
            })
            .unwrap();
        drop(conn);
        Office {
            app,
            service_x,
            service_y,
            officer_x,
            admin,
            employer_user,
            vacancy,
            skills,
            certificates,
        }
    }

    fn conn(&self) -> store::Conn {
        self.app.services.store.conn().unwrap()
    }

    /// One person's cells (synthetic), by column.
    fn person(&self, n: usize) -> HashMap<String, String> {
        let mut cells: HashMap<String, String> = HashMap::new();
        let mut put = |k: &str, v: String| {
            cells.insert(k.to_string(), v);
        };
        put("given_name", format!("Testperson{n}"));
        put("family_name", "Example".into());
        put("reference", format!("T{n:05}X"));
        put("release_date", (today() - Duration::days(1)).to_string());
        put("no_fixed_abode", "no".into());
        put("release_area", "Leeds".into());
        put("travel_radius_km", "200".into());
        put("skills", self.skills.clone());
        put("certificates", self.certificates.clone());
        put(
            "work_history",
            "Kitchen porter|Example Cafe|hospitality|2019|2021".into(),
        );
        put("sectors_of_interest", "warehousing".into());
        put("right_to_work", "yes".into());
        put("driving_licence", "yes".into());
        put("readiness", "ready_to_work".into());
        put("todos", "cv||no".into());
        put("languages", "English".into());
        cells
    }

    /// A file of `people`, with the restricted columns when `restricted`.
    fn file(&self, people: &[HashMap<String, String>], restricted: bool) -> String {
        let columns = columns(restricted);
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&columns).unwrap();
        for p in people {
            w.write_record(
                columns
                    .iter()
                    .map(|c| p.get(c).cloned().unwrap_or_default()),
            )
            .unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    fn people(&self, count: usize) -> Vec<HashMap<String, String>> {
        (1..=count).map(|n| self.person(n)).collect()
    }

    async fn preview(&self, user: i64, file: &str) -> (u16, String) {
        let path = "/officer/profiles/import/preview";
        self.app
            .post_multipart(user, path, &[("file", file.as_bytes())], true)
            .await
    }

    async fn import(&self, user: i64, file: &str) -> (u16, String) {
        let path = "/officer/profiles/import";
        self.app
            .post_multipart(user, path, &[("csv", file.as_bytes())], true)
            .await
    }

    async fn get(&self, user: i64, path: &str) -> (u16, String) {
        let (cookie, _) = self.app.staff_session(user);
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

    fn profiles_in(&self, service: i64) -> i64 {
        let mut conn = self.conn();
        fairchance::with_conn!(&mut conn, |c| profiles::table
            .filter(profiles::service_id.eq(service))
            .count()
            .get_result::<i64>(c)
            .unwrap())
    }

    fn id_of(&self, service: i64, reference: &str) -> i64 {
        let mut conn = self.conn();
        let found =
            store::profiles::ids_by_reference(&mut conn, service, &[reference.into()]).unwrap();
        found[reference]
    }

    fn jobs(&self) -> i64 {
        let mut conn = self.conn();
        fairchance::with_conn!(&mut conn, |c| jobs::table
            .filter(jobs::kind.eq("profile.changed"))
            .count()
            .get_result::<i64>(c)
            .unwrap())
    }

    fn audit_rows(&self) -> i64 {
        let mut conn = self.conn();
        fairchance::with_conn!(&mut conn, |c| audit_log::table
            .count()
            .get_result::<i64>(c)
            .unwrap())
    }

    fn offences_of(&self, id: i64) -> Vec<String> {
        let mut conn = self.conn();
        fairchance::with_conn!(&mut conn, |c| profile_offences::table
            .filter(profile_offences::profile_id.eq(id))
            .select(profile_offences::category)
            .load::<String>(c)
            .unwrap())
    }
}

on_both_backends!(
    five_thousand_rows_import_in_one_transaction,
    |backend| async move {
        let o = Office::new(backend).await;
        let file = o.file(&o.people(5_000), false);
        let jobs_before = o.jobs();
        let started = std::time::Instant::now();
        let (status, body) = o.preview(o.officer_x, &file).await;
        let previewed = started.elapsed();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("<strong>5000</strong> new"), "{body}");
        let started = std::time::Instant::now();
        let (status, body) = o.import(o.officer_x, &file).await;
        let imported = started.elapsed();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("5000 new, 0 changed, 0 unchanged"), "{body}");
        eprintln!("{backend:?}: 5,000 rows previewed in {previewed:?}, imported in {imported:?}");
        assert_eq!(o.profiles_in(o.service_x), 5_000);
        assert_eq!(
            o.jobs(),
            jobs_before + 5_000,
            "one profile.changed job per row"
        );
        // One transaction: every row carries the same time of creation.
        let mut conn = o.conn();
        let times: Vec<chrono::NaiveDateTime> = fairchance::with_conn!(&mut conn, |c| {
            profiles::table
                .filter(profiles::service_id.eq(o.service_x))
                .select(profiles::created_at)
                .distinct()
                .load(c)
                .unwrap()
        });
        assert_eq!(times.len(), 1);
        // New people go onto the importing officer's caseload.
        let mine: i64 = fairchance::with_conn!(&mut conn, |c| profiles::table
            .filter(profiles::officer_id.eq(o.officer_x))
            .count()
            .get_result(c)
            .unwrap());
        assert_eq!(mine, 5_000);
        assert!(imported.as_secs() < 60, "import took {imported:?}");
    }
);

on_both_backends!(
    one_bad_cell_imports_nothing_and_names_the_cell,
    |backend| async move {
        let o = Office::new(backend).await;
        let mut people = o.people(10);
        people[6].insert("release_date".into(), "2027-02-30".into());
        people[8].insert(
            "skills".into(),
            format!("{};no-such-skill|past_job", o.skills),
        );
        let file = o.file(&people, false);
        let (jobs, audit) = (o.jobs(), o.audit_rows());
        for (status, body) in [
            o.preview(o.officer_x, &file).await,
            o.import(o.officer_x, &file).await,
        ] {
            assert_eq!(status, 422, "{body}");
            assert!(body.contains("Nothing was imported: 2 problems"), "{body}");
            // The editor's own messages, on spreadsheet rows (header is row 1).
            assert!(
                body.contains("Row 8, column release_date: Enter the release date as a real date, like 2027-03-14"),
                "{body}"
            );
            let item = o.skills.split(';').filter(|s| !s.is_empty()).count() + 1;
            assert!(
                body.contains(&format!(
                    "Row 10, column skills (item {item}): Choose a skill from the list"
                )),
                "{body}"
            );
        }
        assert_eq!(o.profiles_in(o.service_x), 0);
        assert_eq!((o.jobs(), o.audit_rows()), (jobs, audit));
        // The same prison number twice: refused on the second row.
        let mut people = o.people(3);
        people[2].insert("reference".into(), "t00001x".into());
        let (status, body) = o.import(o.officer_x, &o.file(&people, false)).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            body.contains("Row 4, column reference: The prison number T00001X is already on row 2"),
            "{body}"
        );
        assert_eq!(o.profiles_in(o.service_x), 0);
    }
);

on_both_backends!(
    reimporting_the_same_file_changes_nothing,
    |backend| async move {
        let o = Office::new(backend).await;
        // A person with the same prison number in another service is
        // someone else: the import adds one in this service.
        let other = o.file(&o.people(1), false);
        let (status, _) = o
            .app
            .post_multipart(
                o.admin,
                "/officer/profiles/import",
                &[
                    ("csv", other.as_bytes()),
                    ("service_id", o.service_y.to_string().as_bytes()),
                ],
                true,
            )
            .await;
        assert_eq!(status, 200);
        let file = o.file(&o.people(3), false);
        let (status, body) = o.import(o.officer_x, &file).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("3 new, 0 changed, 0 unchanged"), "{body}");
        let id = o.id_of(o.service_x, "T00002X");
        let mut conn = o.conn();
        let before = store::profiles::versions(&mut conn, &[id]).unwrap();
        let (jobs, audit) = (o.jobs(), o.audit_rows());
        let (status, body) = o.preview(o.officer_x, &file).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("<strong>0</strong> new"), "{body}");
        assert!(body.contains("<strong>3</strong> unchanged"), "{body}");
        assert!(body.contains("nothing to import"), "{body}");
        let (status, body) = o.import(o.officer_x, &file).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("0 new, 0 changed, 3 unchanged"), "{body}");
        assert_eq!((o.jobs(), o.audit_rows()), (jobs, audit));
        assert_eq!(store::profiles::versions(&mut conn, &[id]).unwrap(), before);
        assert_eq!(o.profiles_in(o.service_x), 3);
        assert_eq!(o.profiles_in(o.service_y), 1);
        // One change: that person is updated, in place, with its job.
        let mut people = o.people(3);
        people[1].insert("travel_radius_km".into(), "25".into());
        let (status, body) = o.import(o.officer_x, &o.file(&people, false)).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("0 new, 1 changed, 2 unchanged"), "{body}");
        assert!(body.contains("travel_radius_km"), "{body}");
        assert_eq!(o.id_of(o.service_x, "T00002X"), id);
        assert_eq!(o.jobs(), jobs + 1);
    }
);

on_both_backends!(
    the_preview_shows_new_and_changed_and_writes_nothing,
    |backend| async move {
        let o = Office::new(backend).await;
        o.import(o.officer_x, &o.file(&o.people(2), false)).await;
        let mut people = o.people(4);
        people[0].insert("family_name".into(), "Renamed".into());
        let file = o.file(&people, false);
        let (jobs, audit, count) = (o.jobs(), o.audit_rows(), o.profiles_in(o.service_x));
        let (status, body) = o.preview(o.officer_x, &file).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Nothing has been saved yet"), "{body}");
        assert!(body.contains("<strong>2</strong> new"), "{body}");
        assert!(body.contains("<strong>1</strong> changed"), "{body}");
        assert!(body.contains("<strong>1</strong> unchanged"), "{body}");
        assert!(
            body.contains(
                "<td>T00001X</td><td>Testperson1 Renamed</td><td>Changed</td><td>family_name</td>"
            ),
            "{body}"
        );
        assert!(body.contains("<td>T00004X</td><td>Testperson4 Example</td><td>New</td>"));
        // The confirmation carries the file back.
        assert!(body.contains("name=\"csv\""), "{body}");
        assert!(body.contains("Import 3 people"), "{body}");
        assert_eq!(
            (o.jobs(), o.audit_rows(), o.profiles_in(o.service_x)),
            (jobs, audit, count)
        );
    }
);

on_both_backends!(
    restricted_columns_only_from_those_who_may_write_them,
    |backend| async move {
        let o = Office::new(backend).await;
        let mut people = o.people(2);
        people[0].insert("offence_categories".into(), "dishonesty".into());
        people[0].insert("curfews".into(), "mon tue|19:00|07:00".into());
        let restricted = o.file(&people, true);
        let y = o.service_y.to_string();
        // An administrator may not write them: refused, nothing stored.
        let (status, body) = o
            .app
            .post_multipart(
                o.admin,
                "/officer/profiles/import/preview",
                &[
                    ("service_id", y.as_bytes()),
                    ("file", restricted.as_bytes()),
                ],
                true,
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert!(
            body.contains("Row 1, column offence_categories: Your account may not write offence, licence or barred information"),
            "{body}"
        );
        let (_, template) = o
            .get(o.admin, "/officer/profiles/import/template.csv")
            .await;
        assert!(!template.contains("offence_categories"), "{template}");
        assert_eq!(o.profiles_in(o.service_y), 0);
        // The service's officer may.
        let (_, template) = o
            .get(o.officer_x, "/officer/profiles/import/template.csv")
            .await;
        assert!(template
            .lines()
            .next()
            .unwrap()
            .ends_with("barred_children,barred_adults"));
        let (status, body) = o.import(o.officer_x, &restricted).await;
        assert_eq!(status, 200, "{body}");
        let id = o.id_of(o.service_x, "T00001X");
        assert_eq!(o.offences_of(id), ["dishonesty"]);
        // A file without those columns keeps them; the administrator's
        // import of the main columns into that service updates the rest.
        let mut people = o.people(2);
        people[0].insert("travel_radius_km".into(), "30".into());
        let main = o.file(&people, false);
        let x = o.service_x.to_string();
        let (status, body) = o
            .app
            .post_multipart(
                o.admin,
                "/officer/profiles/import",
                &[("service_id", x.as_bytes()), ("csv", main.as_bytes())],
                true,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("0 new, 1 changed, 1 unchanged"), "{body}");
        assert_eq!(o.offences_of(id), ["dishonesty"]);
        // The correction's audit row keeps what changed, before and after,
        // as the editor's does, and says how it came.
        let detail: String = {
            let mut conn = o.conn();
            fairchance::with_conn!(&mut conn, |c| audit_log::table
                .filter(audit_log::action.eq("profile.updated"))
                .filter(audit_log::subject_id.eq(id))
                .order(audit_log::id.desc())
                .select(audit_log::detail)
                .first::<Option<String>>(c)
                .unwrap()
                .unwrap())
        };
        let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
        assert_eq!(detail["via"], "CSV import", "{detail}");
        assert_eq!(
            detail["changed"]["travel_radius_km"]["after"], 30.0,
            "{detail}"
        );
        assert!(
            detail["changed"]["travel_radius_km"]["before"].is_number(),
            "{detail}"
        );
        assert_eq!(detail["restricted_changed"], false, "{detail}");
        assert_eq!(detail["changed"].as_object().unwrap().len(), 1, "{detail}");
        // Some restricted columns but not all: refused (a missing one would
        // clear what is held).
        // (barred_adults is the last column: cut it from every line.)
        let partial: String = restricted
            .lines()
            .map(|l| format!("{}\n", l.rsplit_once(',').unwrap().0))
            .collect();
        let (status, body) = o.preview(o.officer_x, &partial).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            body.contains("all the offence, licence and barred columns or none"),
            "{body}"
        );
    }
);

on_both_backends!(
    the_matcher_matches_every_imported_profile_once_the_queue_drains,
    |backend| async move {
        use fairchance::jobs::Worker;
        let o = Office::new(backend).await;
        o.app.matcher.reindex(|_, _, _| {}).await.unwrap();
        let (status, body) = o.import(o.officer_x, &o.file(&o.people(25), false)).await;
        assert_eq!(status, 200, "{body}");
        let worker = Worker::new(o.app.services.clone())
            .unwrap()
            .matcher(o.app.matcher.clone());
        while worker.work(now()).await.unwrap() > 0 {}
        let mut conn = o.conn();
        let pending: i64 = fairchance::with_conn!(&mut conn, |c| jobs::table
            .filter(jobs::kind.eq("profile.changed"))
            .filter(jobs::status.ne("done"))
            .count()
            .get_result(c)
            .unwrap());
        assert_eq!(pending, 0);
        for n in 1..=25 {
            let id = o.id_of(o.service_x, &format!("T{n:05}X"));
            let found =
                store::matches::records_for_profile(&mut conn, id, &[MatchStatus::Suggested])
                    .unwrap();
            assert!(
                found.iter().any(|m| m.vacancy_id == o.vacancy),
                "profile {n} was not matched"
            );
        }
    }
);

on_both_backends!(csrf_and_authorization, |backend| async move {
    let o = Office::new(backend).await;
    let file = o.file(&o.people(2), false);
    // An employer is refused every step.
    for path in [
        "/officer/profiles/import",
        "/officer/profiles/import/template.csv",
    ] {
        assert_eq!(o.get(o.employer_user, path).await.0, 403, "{path}");
    }
    assert_eq!(o.preview(o.employer_user, &file).await.0, 403);
    assert_eq!(o.import(o.employer_user, &file).await.0, 403);
    // Without the CSRF token nothing happens.
    let path = "/officer/profiles/import";
    let (status, _) = o
        .app
        .post_multipart(o.officer_x, path, &[("csv", file.as_bytes())], false)
        .await;
    assert_eq!(status, 403);
    assert_eq!(o.profiles_in(o.service_x), 0);
    // An officer imports into their own service, whatever the form says.
    let y = o.service_y.to_string();
    let fields: [(&str, &[u8]); 2] = [("service_id", y.as_bytes()), ("csv", file.as_bytes())];
    let (status, body) = o.app.post_multipart(o.officer_x, path, &fields, true).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("imported into Service X"), "{body}");
    assert_eq!(
        (o.profiles_in(o.service_x), o.profiles_in(o.service_y)),
        (2, 0)
    );
    // An administrator chooses the service, and must choose one.
    let (status, body) = o.get(o.admin, "/officer/profiles/import").await;
    assert_eq!(status, 200);
    assert!(body.contains("Service to import into"), "{body}");
    let (status, body) = o
        .app
        .post_multipart(o.admin, path, &[("csv", file.as_bytes())], true)
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Choose the service to import into"), "{body}");
    let (status, body) = o.app.post_multipart(o.admin, path, &fields, true).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("imported into Service Y"), "{body}");
    assert_eq!(o.profiles_in(o.service_y), 2);
    let missing: [(&str, &[u8]); 2] = [("service_id", b"999999"), ("csv", file.as_bytes())];
    assert_eq!(
        o.app.post_multipart(o.admin, path, &missing, true).await.0,
        404
    );
});

on_both_backends!(
    files_that_cannot_be_imported_get_clear_messages,
    |backend| async move {
        let o = Office::new(backend).await;
        let cases: Vec<(Vec<u8>, u16, &str)> = vec![
            (
                vec![0xff, 0xfe, 0x00, 0x41],
                422,
                "save it as &#34;CSV UTF-8&#34;",
            ),
            (Vec::new(), 422, "Choose a CSV file to import"),
            (
                b"name,prison\nA,B\n".to_vec(),
                422,
                "Column 1 (&#34;name&#34;) is not one we know",
            ),
            (
                o.file(&[], false).into_bytes(),
                422,
                "The file has no people in it",
            ),
            (vec![b'a'; 9 * 1024 * 1024], 413, "larger than 8 MB"),
        ];
        for (bytes, status, message) in cases {
            let path = "/officer/profiles/import/preview";
            let (got, body) = o
                .app
                .post_multipart(o.officer_x, path, &[("file", &bytes)], true)
                .await;
            assert_eq!(got, status, "{message}: {body}");
            assert!(body.contains(message), "{message}: {body}");
        }
        let headers = "given_name,reference\nSam,A1\n";
        let (status, body) = o.preview(o.officer_x, headers).await;
        assert_eq!(status, 422);
        assert!(
            body.contains("The file has no family_name column"),
            "{body}"
        );
        assert_eq!(o.profiles_in(o.service_x), 0);
    }
);

on_both_backends!(
    the_command_line_imports_a_file_into_a_named_service,
    |backend| async move {
        let db = TestDb::new(backend);
        let services = db.services(&[]);
        let mut conn = services.store.conn().unwrap();
        let service = add_service(&mut conn, "Service Z");
        let mut people: Vec<HashMap<String, String>> = Vec::new();
        for n in 1..=3 {
            let mut p = HashMap::new();
            for (k, v) in [
                ("given_name", format!("Cliperson{n}")),
                ("family_name", "Example".into()),
                ("reference", format!("C{n:05}Z")),
                ("release_date", "2027-05-01".into()),
                ("release_area", "Leeds".into()),
                ("travel_radius_km", "15".into()),
                ("right_to_work", "yes".into()),
                ("readiness", "support_needed".into()),
                ("offence_categories", "drugs_supply".into()),
            ] {
                p.insert(k.to_string(), v);
            }
            people.push(p);
        }
        let columns = columns(true);
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&columns).unwrap();
        for p in &people {
            w.write_record(
                columns
                    .iter()
                    .map(|c| p.get(c).cloned().unwrap_or_default()),
            )
            .unwrap();
        }
        let file = db.dir.path().join("people.csv");
        std::fs::write(&file, w.into_inner().unwrap()).unwrap();
        let run = |extra: &[&str]| common::import_profiles(&db, &file, "Service Z", extra);
        let out = run(&["--dry-run"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("would import into Service Z: 3 new"));
        let out = run(&[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("imported into Service Z: 3 new, 0 changed, 0 unchanged"),
            "{stdout}"
        );
        let ids = store::profiles::ids_by_reference(
            &mut conn,
            service,
            &["C00001Z".into(), "C00002Z".into(), "C00003Z".into()],
        )
        .unwrap();
        assert_eq!(ids.len(), 3);
        let out = run(&[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("0 new, 0 changed, 3 unchanged"), "{stdout}");
        // A bad cell: every problem on standard error, nothing imported.
        std::fs::write(
            &file,
            std::fs::read_to_string(&file)
                .unwrap()
                .replace("2027-05-01", "soon"),
        )
        .unwrap();
        let out = run(&[]);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("row 2, column release_date: Enter the release date as a real date"),
            "{stderr}"
        );
        assert!(
            stderr.contains("nothing was imported: 3 problem(s)"),
            "{stderr}"
        );
        let out = common::command_line(&db)
            .args([
                "import",
                "profiles",
                file.to_str().unwrap(),
                "--service",
                "Nowhere",
            ])
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("no service is named"));
    }
);

on_both_backends!(
    a_file_without_the_day_release_travel_column_keeps_the_limit_held,
    |backend| async move {
        let o = Office::new(backend).await;
        let travel_of = |o: &Office| -> Option<f64> {
            let id = o.id_of(o.service_x, "T00001X");
            let mut conn = o.conn();
            fairchance::with_conn!(&mut conn, |c| profiles::table
                .find(id)
                .select(profiles::rotl_travel_km)
                .first(c)
                .unwrap())
        };
        let mut people = o.people(1);
        people[0].insert("rotl_travel_km".into(), "35".into());
        let (status, body) = o.import(o.officer_x, &o.file(&people, false)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(travel_of(&o), Some(35.0));
        // A file made from an older template, without the column, changes
        // the name and keeps the limit.
        people[0].insert("family_name".into(), "Renamed".into());
        let full = o.file(&people, false);
        let mut lines = full.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let at = header.iter().position(|c| *c == "rotl_travel_km").unwrap();
        let drop_column = |line: &str| {
            let mut cells: Vec<String> = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes())
                .records()
                .next()
                .unwrap()
                .unwrap()
                .iter()
                .map(String::from)
                .collect();
            cells.remove(at);
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&cells).unwrap();
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        };
        let older: String = full.lines().map(drop_column).collect();
        assert!(!older.contains("rotl_travel_km"));
        let (status, body) = o.import(o.officer_x, &older).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("0 new, 1 changed"), "{body}");
        assert_eq!(travel_of(&o), Some(35.0));
        // With the column there and blank, the limit is cleared.
        people[0].insert("rotl_travel_km".into(), String::new());
        let (status, body) = o.import(o.officer_x, &o.file(&people, false)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(travel_of(&o), None);
    }
);
