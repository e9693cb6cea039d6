//! Set-up for the HTTP load benchmark (`benches/run.sh` runs it; it measures
//! nothing itself): `cargo bench --bench http_setup`.
//!
//! On the database named by the usual `FAIRCHANCE_*` variables (already
//! seeded with `fairchance seed --synthetic`), it creates what a load test
//! needs to reach the signed-in pages, the same way the sign-in handlers do:
//! - an officer in the service of the first profile, with a staff session;
//! - an enrolled terminal in that service and a job seeker (that profile)
//!   signed in on it;
//! - an employer API token for the employer with the most vacancies.
//!
//! It prints shell assignments (signed cookie values with
//! `FAIRCHANCE_SECRET_KEY`, the token, ids) for `run.sh` to `eval`.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use fairchance::access::{password, token};
use fairchance::config::Config;
use fairchance::store::access::{self as access_store, NewSession};
use fairchance::store::people::{self, Membership, NewUser};
use fairchance::web::auth;
use fairchance::{store, with_conn};

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

fn ids(conn: &mut store::Conn, sql: &str) -> Vec<i64> {
    with_conn!(conn, |c| diesel::sql_query(sql).load::<Id>(c))
        .expect("query")
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn main() {
    let config = Config::from_env().expect("config");
    let key = config.secret_key.clone();
    let services = fairchance::startup::open(config).expect("start-up");
    let mut conn = services.store.conn().expect("conn");
    let at = store::now();

    let profile_id = ids(&mut conn, "SELECT MIN(id) AS id FROM profiles")[0];
    let service_id = ids(
        &mut conn,
        &format!("SELECT service_id AS id FROM profiles WHERE id = {profile_id}"),
    )[0];
    // Profiles of that service whose matches the officer's page shows.
    let officer_profiles = ids(
        &mut conn,
        &format!("SELECT id FROM profiles WHERE service_id = {service_id} ORDER BY id LIMIT 64"),
    );
    let employer_id = ids(
        &mut conn,
        "SELECT employer_id AS id FROM vacancies GROUP BY employer_id ORDER BY COUNT(*) DESC, employer_id LIMIT 1",
    )[0];
    let employer_vacancies = ids(
        &mut conn,
        &format!("SELECT COUNT(*) AS id FROM vacancies WHERE employer_id = {employer_id}"),
    )[0];

    let suffix = token::new_alphanumeric(8).to_lowercase();
    let hash = password::hash("bench-password-not-used-to-sign-in").expect("hash");
    let officer_email = format!("bench-officer-{suffix}@example.invalid");
    let officer_id = people::create_user(
        &mut conn,
        &NewUser {
            email: &officer_email,
            display_name: "Benchmark officer",
            password_hash: &hash,
            membership: Membership::Service(service_id),
        },
    )
    .expect("officer");
    let staff_token = token::new_secret();
    access_store::create_session(
        &mut conn,
        &NewSession {
            token: &staff_token,
            user_id: Some(officer_id),
            seeker_id: None,
            terminal_id: None,
            expires_at: at + auth::STAFF_LIFETIME,
            ip: Some("127.0.0.1"),
            user_agent: Some("benchmark"),
        },
        at,
    )
    .expect("staff session");

    let (_, code) = access_store::create_terminal(&mut conn, service_id, "Benchmark", None, at)
        .expect("terminal");
    let (terminal_id, credential) = access_store::redeem_enrolment(&mut conn, &code, at)
        .expect("redeem")
        .expect("code redeemed");
    let (seeker_id, _) =
        access_store::issue_seeker_access(&mut conn, profile_id, &hash, Some(officer_id), at)
            .expect("seeker");
    let seeker_token = token::new_secret();
    access_store::create_session(
        &mut conn,
        &NewSession {
            token: &seeker_token,
            user_id: None,
            seeker_id: Some(seeker_id),
            terminal_id: Some(terminal_id),
            expires_at: at + auth::SEEKER_LIFETIME,
            ip: Some("127.0.0.1"),
            user_agent: Some("benchmark"),
        },
        at,
    )
    .expect("seeker session");

    let employer_email = format!("bench-employer-{suffix}@example.invalid");
    let employer_user = people::create_user(
        &mut conn,
        &NewUser {
            email: &employer_email,
            display_name: "Benchmark employer",
            password_hash: &hash,
            membership: Membership::Employer(employer_id),
        },
    )
    .expect("employer user");
    let (_, api_token) = access_store::create_api_token(
        &mut conn,
        employer_id,
        employer_user,
        "benchmark",
        at + chrono::Duration::days(365),
        at,
    )
    .expect("token");

    let list: Vec<String> = officer_profiles.iter().map(i64::to_string).collect();
    println!("BENCH_STAFF_COOKIE='{}'", auth::sign(&key, &staff_token));
    println!("BENCH_DEVICE_COOKIE='{}'", auth::sign(&key, &credential));
    println!("BENCH_SEEKER_COOKIE='{}'", auth::sign(&key, &seeker_token));
    println!("BENCH_API_TOKEN='{api_token}'");
    println!("BENCH_SERVICE_ID={service_id}");
    println!("BENCH_SEEKER_PROFILE_ID={profile_id}");
    println!("BENCH_OFFICER_PROFILES='{}'", list.join(" "));
    println!("BENCH_EMPLOYER_ID={employer_id}");
    println!("BENCH_EMPLOYER_VACANCIES={employer_vacancies}");
}
