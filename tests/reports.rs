//! Outcome reports over HTTP on both backends: figures against a small
//! dataset computed by hand, small-number suppression (including that no
//! hidden cell can be recovered from a total and its parts), scope, the CSV
//! export and its audit entry, and date-range errors.

mod common;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Utc};
use common::{Backend, TestApp};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use fairchance::store::people::{
    self, EmployerStatus, Membership, NewEmployer, NewService, NewUser, ServiceKind,
};
use fairchance::with_conn;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Slug {
    #[diesel(sql_type = Text)]
    slug: String,
}

struct World {
    app: TestApp,
    service_a: i64,
    service_b: i64,
    officer_a1: i64,
    officer_a2: i64,
    officer_b1: i64,
    admin: i64,
}

fn day(offset: i64) -> NaiveDate {
    Utc::now().date_naive() - Duration::days(offset)
}

/// `'YYYY-MM-DD'` for `offset` days before today.
fn d(offset: i64) -> String {
    format!("'{}'", day(offset).format("%Y-%m-%d"))
}

/// `'YYYY-MM-DD 10:00:00'` for `offset` days before today.
fn t(offset: i64) -> String {
    format!("'{} 10:00:00'", day(offset).format("%Y-%m-%d"))
}

impl World {
    fn exec(&self, sql: &str) {
        let mut conn = self.app.services.store.conn().unwrap();
        with_conn!(&mut conn, |c| diesel::sql_query(sql).execute(c))
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    fn insert(&self, sql: &str) -> i64 {
        let mut conn = self.app.services.store.conn().unwrap();
        let sql = format!("{sql} RETURNING id");
        with_conn!(&mut conn, |c| diesel::sql_query(&sql).get_result::<Id>(c))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .id
    }

    fn profile(
        &self,
        n: usize,
        service: i64,
        officer: i64,
        gender: Option<&str>,
        release: i64,
    ) -> i64 {
        let gender = gender.map_or("NULL".to_string(), |g| format!("'{g}'"));
        self.insert(&format!(
            "INSERT INTO profiles (service_id, officer_id, reference, given_name, family_name, pseudonym, \
             release_date, no_fixed_abode, travel_radius_km, right_to_work, driving_licence, no_driving, \
             barred_children, barred_adults, readiness, consent_to_share_name, gender, created_at, updated_at) \
             VALUES ({service}, {officer}, 'R{n}', 'Given{n}', 'Family{n}', 'Pseudonym {n}', {}, TRUE, 10, TRUE, \
             FALSE, FALSE, FALSE, FALSE, 'ready_to_work', FALSE, {gender}, {}, {})",
            d(release),
            t(400),
            t(400)
        ))
    }

    fn vacancy(&self, employer: i64, sector: &str) -> i64 {
        self.insert(&format!(
            "INSERT INTO vacancies (employer_id, status, title, description, sector_slug, remote, hours_per_week, \
             contract_type, pay_min_pence, pay_max_pence, pay_period, positions, start_date, needs_driving_licence, \
             check_level, regulated_children, regulated_adults, rotl_suitable, ring_fenced, how_to_apply, \
             created_at, updated_at) VALUES ({employer}, 'published', 'Role', 'A role', '{sector}', TRUE, 37.5, \
             'permanent', 1100, 1300, 'hour', 5, {}, FALSE, 'basic', FALSE, FALSE, FALSE, FALSE, 'Apply here', {}, {})",
            d(300),
            t(300),
            t(300)
        ))
    }

    fn matched(&self, profile: i64, vacancy: i64, created: i64, approved: Option<i64>) {
        let (status, decided) = match approved {
            Some(at) => ("approved", t(at)),
            None => ("suggested", "NULL".to_string()),
        };
        self.exec(&format!(
            "INSERT INTO matches (profile_id, vacancy_id, status, score, reasons, decided_at, created_at, updated_at) \
             VALUES ({profile}, {vacancy}, '{status}', 0.5, '[]', {decided}, {}, {})",
            t(created),
            t(created)
        ));
    }

    /// An application moved through `steps` (status, days ago) after being
    /// made `made` days ago.
    fn application(&self, profile: i64, vacancy: i64, made: i64, steps: &[(&str, i64)]) -> i64 {
        let status = steps.last().map_or("interested", |s| s.0);
        let id = self.insert(&format!(
            "INSERT INTO applications (profile_id, vacancy_id, status, statement, created_at, updated_at) \
             VALUES ({profile}, {vacancy}, '{status}', 'I would like this job', {}, {})",
            t(made),
            t(made)
        ));
        self.exec(&format!(
            "INSERT INTO application_events (application_id, from_status, to_status, actor_kind, at) \
             VALUES ({id}, NULL, 'interested', 'seeker', {})",
            t(made)
        ));
        let mut from = "interested";
        for (to, at) in steps {
            self.exec(&format!(
                "INSERT INTO application_events (application_id, from_status, to_status, actor_kind, at) \
                 VALUES ({id}, '{from}', '{to}', 'officer', {})",
                t(*at)
            ));
            from = to;
        }
        id
    }

    fn outcome(&self, profile: i64, application: i64, started: i64, checks: [Option<bool>; 3]) {
        let flag = |b: Option<bool>| b.map_or("NULL", |b| if b { "TRUE" } else { "FALSE" });
        self.exec(&format!(
            "INSERT INTO outcomes (profile_id, application_id, started_on, in_work_6_weeks, in_work_13_weeks, \
             in_work_6_months, created_at, updated_at) VALUES ({profile}, {application}, {}, {}, {}, {}, {}, {})",
            d(started),
            flag(checks[0]),
            flag(checks[1]),
            flag(checks[2]),
            t(started),
            t(started)
        ));
    }

    /// Service A: officer A1 has 8 people released 200 days ago (5 female,
    /// 3 male), officer A2 has 4 released 100 days ago (2 male, 2 not
    /// recorded). Service B: officer B1 has 6 men released 200 days ago.
    async fn new(backend: Backend) -> Self {
        let app = TestApp::spawn(backend).await;
        let mut conn = app.services.store.conn().unwrap();
        let sectors: Vec<Slug> = with_conn!(&mut conn, |c| diesel::sql_query(
            "SELECT slug FROM sectors ORDER BY slug LIMIT 2"
        )
        .load(c))
        .unwrap();
        let service = |name| NewService {
            name,
            kind: ServiceKind::Prison,
            place_name: "Leeds",
            lat: 53.8,
            lon: -1.55,
        };
        let service_a = people::create_service(&mut conn, &service("HMP Alpha (test)")).unwrap();
        let service_b = people::create_service(&mut conn, &service("HMP Beta (test)")).unwrap();
        let user = |conn: &mut fairchance::store::Conn, email: &str, membership| {
            people::create_user(
                conn,
                &NewUser {
                    email,
                    display_name: email,
                    password_hash: "not-a-real-hash",
                    membership,
                },
            )
            .unwrap()
        };
        let officer_a1 = user(
            &mut conn,
            "a1@example.invalid",
            Membership::Service(service_a),
        );
        let officer_a2 = user(
            &mut conn,
            "a2@example.invalid",
            Membership::Service(service_a),
        );
        let officer_b1 = user(
            &mut conn,
            "b1@example.invalid",
            Membership::Service(service_b),
        );
        let admin = user(&mut conn, "admin@example.invalid", Membership::Admin);
        let employer = |conn: &mut fairchance::store::Conn, name: &str, sector: &str| {
            people::create_employer(
                conn,
                &NewEmployer {
                    name,
                    sector_slug: sector,
                    contact_name: "Contact",
                    contact_email: &format!("{}@example.invalid", name.len()),
                    contact_phone: None,
                    address: "1 Test Street",
                    website: None,
                    status: EmployerStatus::Approved,
                    decided_by: None,
                },
            )
            .unwrap()
        };
        let e1 = employer(&mut conn, "Bakery & Co (test)", &sectors[0].slug);
        let e2 = employer(&mut conn, "Builders (test)", &sectors[1].slug);
        drop(conn);
        let w = Self {
            app,
            service_a,
            service_b,
            officer_a1,
            officer_a2,
            officer_b1,
            admin,
        };
        let v1 = w.vacancy(e1, &sectors[0].slug);
        let v2 = w.vacancy(e2, &sectors[1].slug);
        let v3 = w.vacancy(e1, &sectors[0].slug);

        // Officer A1's caseload.
        let genders = [
            "female", "female", "female", "female", "female", "male", "male", "male",
        ];
        // Days from release (200 days ago) to the start, and the checks.
        let starts: [(i64, [Option<bool>; 3]); 6] = [
            (10, [Some(false), None, None]),
            (20, [Some(true), None, None]),
            (30, [Some(true), Some(true), None]),
            (40, [None, None, None]),
            (50, [Some(true), None, None]),
            (100, [Some(true), Some(false), None]),
        ];
        for (i, gender) in genders.iter().enumerate() {
            let p = w.profile(i + 1, service_a, officer_a1, Some(gender), 200);
            w.matched(p, v1, 150, Some(140));
            w.matched(p, v2, 150, None);
            if i == 0 {
                // Outside the range: counts nowhere.
                w.matched(p, v3, 400, Some(400));
            }
            let steps: Vec<(&str, i64)> = match i {
                0..=5 => vec![
                    ("under_review", 128),
                    ("forwarded", 125),
                    ("interview", 120),
                    ("offer", 115),
                    ("started", 110),
                ],
                6 => vec![("under_review", 128), ("forwarded", 125)],
                _ => vec![("under_review", 128)],
            };
            let a = w.application(p, v1, 130, &steps);
            if let Some((days, checks)) = starts.get(i) {
                w.outcome(p, a, 200 - days, *checks);
            }
        }
        // Officer A2's caseload: matches only.
        for (i, gender) in [Some("male"), Some("male"), None, None].iter().enumerate() {
            let p = w.profile(100 + i, service_a, officer_a2, *gender, 100);
            w.matched(p, v1, 150, None);
            w.matched(p, v2, 150, None);
        }
        // Service B: six men, five of whom start within 5 to 9 days.
        for i in 0..6 {
            let p = w.profile(200 + i, service_b, officer_b1, Some("male"), 200);
            w.matched(p, v1, 150, Some(140));
            w.matched(p, v2, 150, None);
            let steps: Vec<(&str, i64)> = if i < 5 {
                vec![
                    ("under_review", 128),
                    ("forwarded", 125),
                    ("interview", 120),
                    ("offer", 115),
                    ("started", 110),
                ]
            } else {
                vec![("under_review", 128), ("forwarded", 125)]
            };
            let a = w.application(p, v2, 130, &steps);
            if i < 5 {
                w.outcome(p, a, 200 - (5 + i as i64), [Some(true), None, None]);
            }
        }
        w
    }

    async fn get(&self, user: i64, path: &str) -> reqwest::Response {
        let (cookie, _) = self.app.staff_session(user);
        self.app
            .client
            .get(self.app.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
    }

    async fn page(&self, user: i64, path: &str) -> String {
        let res = self.get(user, path).await;
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }

    /// A table's CSV export as rows (header first).
    async fn csv(&self, user: i64, path: &str) -> Vec<Vec<String>> {
        let res = self.get(user, path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let body = res.text().await.unwrap();
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(body.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }
}

/// First column -> the rest, for the data rows.
fn by_label(rows: &[Vec<String>]) -> BTreeMap<String, Vec<String>> {
    rows.iter()
        .skip(1)
        .map(|r| (r[0].clone(), r[1..].to_vec()))
        .collect()
}

fn hidden(cell: &str) -> bool {
    cell == "fewer than 5" || cell == "withheld"
}

/// A column (or row) of parts and their total never has exactly one hidden
/// cell: one unknown in `total = sum(parts)` could be solved for.
fn assert_no_single_hidden(rows: &[Vec<String>], columns: std::ops::Range<usize>, what: &str) {
    for c in columns {
        let hidden_count = rows.iter().skip(1).filter(|r| hidden(&r[c])).count();
        assert_ne!(
            hidden_count, 1,
            "{what}: column {c} can be recovered: {rows:?}"
        );
    }
}

on_both_backends!(
    caseload_figures_match_the_hand_count,
    |backend| async move {
        let w = World::new(backend).await;
        let funnel = w
            .csv(w.officer_a1, "/officer/reports/export.csv?table=funnel")
            .await;
        assert_eq!(funnel[0], ["Stage", "Count", "What is counted"]);
        let counts: Vec<&str> = funnel[1..].iter().map(|r| r[1].as_str()).collect();
        // 16 matches (8 people x 2) in range, 8 approved, 8 applications,
        // 7 forwarded, 6 interviews, offers and starts.
        assert_eq!(counts, ["16", "8", "8", "7", "6", "6", "6"]);

        let summary = by_label(
            &w.csv(w.officer_a1, "/officer/reports/export.csv?table=summary")
                .await,
        );
        assert_eq!(
            summary["People released in the range with a recorded job start"][0],
            "6"
        );
        // Days to start 10, 20, 30, 40, 50, 100: median 35.
        assert_eq!(
            summary["Median days from release to first day at work"][0],
            "35 days"
        );
        // One vacancy filled, one applied to: both under 5.
        assert_eq!(
            summary["Vacancies filled (a start recorded in the range)"][0],
            "fewer than 5"
        );
        assert_eq!(summary["Applications made in the range"][0], "8");
        assert_eq!(summary["Applications per vacancy"][0], "not shown");

        let employment = by_label(
            &w.csv(w.officer_a1, "/officer/reports/export.csv?table=employment")
                .await,
        );
        // 6 weeks: 8 due; in work: started by day 42 and not ended at the
        // 6-week check = days 20, 30, 40 -> 3 (small), so "not in work" (5)
        // is withheld and the rate is not shown.
        assert_eq!(
            employment["6 weeks after release"],
            ["8", "fewer than 5", "withheld", "not shown"]
        );
        // 6 months: 8 due; in work = 20, 30, 40, 50 (10 and 100 ended) -> 4.
        assert_eq!(
            employment["6 months after release"],
            ["8", "fewer than 5", "fewer than 5", "not shown"]
        );

        // Gender: 5 women and 3 men. Where men's count is small the women's is
        // withheld, so neither can be had from the total.
        let gender = w
            .csv(
                w.officer_a1,
                "/officer/reports/export.csv?table=funnel_by_gender",
            )
            .await;
        let rows = by_label(&gender);
        assert_eq!(
            rows["Female"],
            ["10", "withheld", "withheld", "withheld", "withheld", "withheld", "withheld"]
        );
        assert_eq!(
            rows["Male"],
            [
                "6",
                "fewer than 5",
                "fewer than 5",
                "fewer than 5",
                "fewer than 5",
                "fewer than 5",
                "fewer than 5"
            ]
        );
        assert_eq!(rows["Total"], ["16", "8", "8", "7", "6", "6", "6"]);
        assert_no_single_hidden(&gender, 1..8, "funnel by gender");
        w.app.stop().await;
    }
);

on_both_backends!(starts_are_counted_by_route, |backend| async move {
    let w = World::new(backend).await;
    // Service B's five starts were on the second vacancy; make it a day
    // release placement. Service A's six were on an ordinary job.
    w.exec(
        "UPDATE vacancies SET kind = 'rotl_placement', rotl_suitable = TRUE, remote = FALSE, \
         place_name = 'Leeds', lat = 53.8, lon = -1.55 WHERE id = (SELECT vacancy_id FROM applications a JOIN profiles p ON p.id = a.profile_id \
         WHERE p.reference = 'R200')",
    );
    let routes = by_label(
        &w.csv(w.admin, "/admin/reports/export.csv?table=starts_by_route")
            .await,
    );
    assert_eq!(routes["Job"], ["6", "55%"]);
    assert_eq!(routes["Day release (ROTL) placement"], ["5", "45%"]);
    assert_eq!(
        routes["Guaranteed interview"],
        ["fewer than 5", "not shown"]
    );
    assert_eq!(routes["All starts"], ["11", "100%"]);
    let summary = by_label(
        &w.csv(w.admin, "/admin/reports/export.csv?table=summary")
            .await,
    );
    assert_eq!(
        summary["Day release placements started (a start recorded in the range)"][0],
        "5"
    );
    // Officer A1's caseload: six starts, all through jobs; the empty
    // routes are small, and the total then says nothing more.
    let routes = by_label(
        &w.csv(
            w.officer_a1,
            "/officer/reports/export.csv?table=starts_by_route",
        )
        .await,
    );
    assert_eq!(routes["Job"], ["6", "100%"]);
    assert_eq!(routes["Day release (ROTL) placement"][0], "fewer than 5");
    w.app.stop().await;
});

on_both_backends!(all_services_for_an_administrator, |backend| async move {
    let w = World::new(backend).await;
    let funnel = w
        .csv(w.admin, "/admin/reports/export.csv?table=funnel")
        .await;
    let counts: Vec<&str> = funnel[1..].iter().map(|r| r[1].as_str()).collect();
    // A: 24 matches, 8 approved, 8 applications, 7, 6, 6, 6.
    // B: 12 matches, 6 approved, 6 applications, 6, 5, 5, 5.
    assert_eq!(counts, ["36", "14", "14", "13", "11", "11", "11"]);

    let employment = w
        .csv(
            w.admin,
            "/admin/reports/export.csv?table=employment_by_service",
        )
        .await;
    let rows = by_label(&employment);
    // 6 weeks: A 12 due (A2's people too), 3 in work; B 6 due, 5 in work.
    assert_eq!(rows["Total"][..4], ["18", "8", "10", "44.4%"]);
    assert_eq!(
        rows["HMP Alpha (test)"][..4],
        ["12", "fewer than 5", "withheld", "not shown"]
    );
    assert_eq!(
        rows["HMP Beta (test)"][..4],
        ["6", "withheld", "fewer than 5", "not shown"]
    );
    // No hidden cell is alone in its column (all 6-week and 6-month
    // columns) or in its row (due = in work + not in work).
    assert_no_single_hidden(&employment, 1..4, "employment by service");
    assert_no_single_hidden(&employment, 5..8, "employment by service");
    for row in &employment[1..] {
        for cells in [&row[1..4], &row[5..8]] {
            assert_ne!(cells.iter().filter(|c| hidden(c)).count(), 1, "row {row:?}");
        }
    }

    let summary = by_label(
        &w.csv(w.admin, "/admin/reports/export.csv?table=summary")
            .await,
    );
    // Days to start: 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 100 -> 10.
    assert_eq!(
        summary["Median days from release to first day at work"][0],
        "10 days"
    );
    assert_eq!(
        summary["People released in the range with a recorded job start"][0],
        "11"
    );

    // Every breakdown: no column (groups and their total) has a single
    // hidden cell.
    for table in [
        "funnel_by_service",
        "funnel_by_sector",
        "funnel_by_employer",
        "funnel_by_gender",
    ] {
        let rows = w
            .csv(w.admin, &format!("/admin/reports/export.csv?table={table}"))
            .await;
        assert_eq!(
            rows.last().unwrap()[1..],
            funnel[1..].iter().map(|r| r[1].clone()).collect::<Vec<_>>()[..],
            "{table} total row"
        );
        assert_no_single_hidden(&rows, 1..8, table);
    }
    let gender = w
        .csv(
            w.admin,
            "/admin/reports/export.csv?table=employment_by_gender",
        )
        .await;
    assert_no_single_hidden(&gender, 1..4, "employment by gender");
    assert_no_single_hidden(&gender, 5..8, "employment by gender");

    // One service picked.
    let b = w
        .csv(
            w.admin,
            &format!(
                "/admin/reports/export.csv?table=funnel&service={}",
                w.service_b
            ),
        )
        .await;
    let counts: Vec<&str> = b[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(counts, ["12", "6", "6", "6", "5", "5", "5"]);
    w.app.stop().await;
});

on_both_backends!(
    an_officer_only_counts_their_own_service,
    |backend| async move {
        let w = World::new(backend).await;
        // The whole of service A: B's 12 matches and 6 applications are absent.
        let a = w
            .csv(
                w.officer_a1,
                "/officer/reports/export.csv?table=funnel&scope=service",
            )
            .await;
        let counts: Vec<&str> = a[1..].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(counts, ["24", "8", "8", "7", "6", "6", "6"]);
        // A service id in the address does not widen an officer's scope.
        let sneaky = w
            .csv(
                w.officer_a1,
                &format!(
                    "/officer/reports/export.csv?table=funnel&scope=service&service={}",
                    w.service_b
                ),
            )
            .await;
        assert_eq!(sneaky, a);
        let by_service = by_label(
            &w.csv(
                w.officer_a1,
                "/officer/reports/export.csv?table=funnel_by_service&scope=service",
            )
            .await,
        );
        assert!(by_service.contains_key("HMP Alpha (test)"));
        assert!(
            !by_service.contains_key("HMP Beta (test)"),
            "{by_service:?}"
        );
        // B's officer sees only B.
        let b = w
            .csv(
                w.officer_b1,
                "/officer/reports/export.csv?table=funnel&scope=service",
            )
            .await;
        let counts: Vec<&str> = b[1..].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(counts, ["12", "6", "6", "6", "5", "5", "5"]);
        // A2's caseload: 8 matches, nothing else.
        let a2 = w
            .csv(w.officer_a2, "/officer/reports/export.csv?table=funnel")
            .await;
        let counts: Vec<&str> = a2[1..].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(
            counts,
            [
                "8",
                "fewer than 5",
                "fewer than 5",
                "fewer than 5",
                "fewer than 5",
                "fewer than 5",
                "fewer than 5"
            ]
        );
        // Officers cannot reach the administrators' report.
        assert_eq!(w.get(w.officer_a1, "/admin/reports").await.status(), 403);
        w.app.stop().await;
    }
);

on_both_backends!(
    the_export_matches_the_page_and_is_audited,
    |backend| async move {
        let w = World::new(backend).await;
        let page = w.page(w.officer_a1, "/officer/reports").await;
        assert!(
            page.contains("<svg class=\"chart\" role=\"img\""),
            "charts are inline SVG"
        );
        assert!(page.contains("<title id=\"chart-funnel-title\">"));
        assert!(!page.contains("<script"));
        assert!(
            page.contains("href=\"/officer/reports\">Reports</a>"),
            "navigation link"
        );
        for table in ["funnel", "funnel_by_gender", "employment", "summary"] {
            let rows = w
                .csv(
                    w.officer_a1,
                    &format!("/officer/reports/export.csv?table={table}"),
                )
                .await;
            let start = page
                .find(&format!("id=\"table-{table}\""))
                .expect("table on the page");
            let html = &page[start..start + page[start..].find("</table>").unwrap()];
            let header: String = rows[0]
                .iter()
                .map(|h| format!("<th scope=\"col\">{h}</th>"))
                .collect();
            assert!(html.contains(&header), "{table} header");
            for row in &rows[1..] {
                let cells: String = row
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if i == 0 {
                            format!("<th scope=\"row\">{c}</th>")
                        } else {
                            format!("<td>{c}</td>")
                        }
                    })
                    .collect();
                assert!(
                    html.contains(&format!("<tr>{cells}</tr>")),
                    "{table}: {row:?} not on the page"
                );
            }
        }
        // The export wrote an audit entry naming who, scope and range.
        let mut conn = w.app.services.store.conn().unwrap();
        #[derive(QueryableByName)]
        struct Detail {
            #[diesel(sql_type = Text)]
            detail: String,
        }
        let sql = format!(
        "SELECT detail FROM audit_log WHERE action = 'report.exported' AND actor_user_id = {} AND subject_id = {} ORDER BY id",
        w.officer_a1, w.service_a
    );
        let details: Vec<Detail> =
            with_conn!(&mut conn, |c| diesel::sql_query(&sql).load(c)).unwrap();
        let range = fairchance::reports::DateRange::default_for(day(0));
        assert_eq!(details.len(), 4);
        assert_eq!(
            details[0].detail,
            format!(
                "table=funnel scope=caseload from={} to={}",
                range.from, range.to
            )
        );
        w.app.stop().await;
    }
);

on_both_backends!(
    bad_ranges_are_explained_beside_the_field,
    |backend| async move {
        let w = World::new(backend).await;
        for (query, field, message) in [
            ("from=2026-02-30", "from", "must be a real date"),
            ("from=yesterday", "from", "must be a real date"),
            ("to=2026-13-01", "to", "must be a real date"),
            (
                "from=2026-05-01&to=2026-04-01",
                "to",
                "must be the same as or after the start date",
            ),
            (
                "from=1999-01-01&to=2000-06-01",
                "from",
                "between the years 2000 and 2100",
            ),
            (
                "scope=everyone",
                "scope",
                "Choose your caseload or your whole service",
            ),
        ] {
            let res = w
                .get(w.officer_a1, &format!("/officer/reports?{query}"))
                .await;
            assert_eq!(res.status(), 422, "{query}");
            let body = res.text().await.unwrap();
            assert!(
                body.contains("There is a problem"),
                "{query}: error summary"
            );
            let beside = format!("id=\"{field}-error\"");
            let at = body
                .find(&beside)
                .unwrap_or_else(|| panic!("{query}: no error beside {field}"));
            assert!(body[at..].contains(message), "{query}: {message}");
            assert!(
                !body.contains("id=\"table-funnel\""),
                "{query}: no figures on an error"
            );
            // The export refuses the same input without a server error.
            let res = w
                .get(
                    w.officer_a1,
                    &format!("/officer/reports/export.csv?table=funnel&{query}"),
                )
                .await;
            assert_eq!(res.status(), 400, "export {query}");
        }
        let res = w.get(w.admin, "/admin/reports?service=abc").await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("id=\"service-error\""));
        let res = w.get(w.admin, "/admin/reports?service=987654321").await;
        assert_eq!(res.status(), 422);
        let res = w
            .get(w.admin, "/admin/reports/export.csv?table=nonsense")
            .await;
        assert_eq!(res.status(), 400);
        // The form keeps what was typed.
        let body = w
            .page(w.admin, "/admin/reports?from=2026-01-01&to=2026-01-31")
            .await;
        assert!(body.contains("value=\"2026-01-01\"") && body.contains("value=\"2026-01-31\""));
        let _ = (w.service_b, w.officer_b1);
        w.app.stop().await;
    }
);

/// Timings on a seeded database, not part of the normal run:
/// `fairchance seed --synthetic --activity` into a database, then
/// `FAIRCHANCE_REPORT_TIMING_URL=sqlite:///path/fairchance.sqlite3 cargo test
/// --test reports report_timings -- --ignored --nocapture`.
#[test]
#[ignore = "needs a database seeded with the synthetic set"]
fn report_timings() {
    use fairchance::config::DatabaseUrl;
    use fairchance::reports::{DateRange, Scope};
    let url = std::env::var("FAIRCHANCE_REPORT_TIMING_URL").expect("FAIRCHANCE_REPORT_TIMING_URL");
    let url = match url.strip_prefix("sqlite://") {
        Some(path) => DatabaseUrl::Sqlite(path.into()),
        None => DatabaseUrl::Postgres(url),
    };
    let store = fairchance::store::Store::open(&url, 2).expect("open");
    let mut conn = store.conn().unwrap();
    #[derive(QueryableByName)]
    struct Pick {
        #[diesel(sql_type = BigInt)]
        service_id: i64,
        #[diesel(sql_type = BigInt)]
        officer_id: i64,
        #[diesel(sql_type = BigInt)]
        people: i64,
    }
    let pick: Pick = with_conn!(&mut conn, |c| diesel::sql_query(
        "SELECT service_id, officer_id, COUNT(*) AS people FROM profiles WHERE officer_id IS NOT NULL \
         GROUP BY service_id, officer_id ORDER BY COUNT(*) DESC, officer_id LIMIT 1"
    )
    .get_result(c))
    .expect("a seeded database with caseloads");
    let today = Utc::now().date_naive();
    let range = DateRange::default_for(today);
    for (name, scope) in [
        (
            "caseload",
            Scope::Caseload {
                service_id: pick.service_id,
                officer_id: pick.officer_id,
            },
        ),
        (
            "service",
            Scope::Service {
                service_id: pick.service_id,
            },
        ),
        ("all services", Scope::All),
    ] {
        let started = std::time::Instant::now();
        let figures =
            fairchance::store::reports::figures(&mut conn, &scope, &range, today).unwrap();
        let tables = fairchance::reports::tables(&figures);
        let elapsed = started.elapsed();
        println!(
            "{} {name} ({} people in the caseload): {:.0} ms, {} applications, {} tables",
            store.backend_name(),
            pick.people,
            elapsed.as_secs_f64() * 1000.0,
            figures.applications,
            tables.len()
        );
        assert!(elapsed.as_secs() < 30, "{name} took {elapsed:?}");
    }
}
