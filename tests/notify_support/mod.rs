//! Shared by tests/email.rs and tests/worker.rs: rows for the emails to
//! talk about (written straight into the tables, offence data included so
//! that a leak would show), a real SMTP server on loopback, and readers for
//! what the queue and the server hold.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use fairchance::store::jobs::Job;
use fairchance::store::people::{
    self, EmployerStatus, Membership, NewEmployer, NewService, NewUser,
};
use fairchance::store::schema::{
    applications, jobs, matches, profile_curfews, profile_offences, profiles, sectors, users,
    vacancies, vacancy_offence_exclusions,
};
use fairchance::store::{self, Conn};
use fairchance::with_conn;

/// Words that must never appear in an email: every offence category slug
/// and label, and the licence and barring vocabulary. ("other" is a slug
/// too, but an everyday word, so its label stands for it.)
pub fn forbidden_words() -> Vec<String> {
    use fairchance::domain::offence::OffenceCategory;
    let mut words: Vec<String> = OffenceCategory::ALL
        .iter()
        .filter(|c| c.as_str() != "other")
        .map(|c| c.as_str().replace('_', " "))
        .chain(OffenceCategory::ALL.iter().map(|c| c.label().to_string()))
        .collect();
    words.extend(
        [
            "drugs_supply",
            "offence",
            "curfew",
            "licence condition",
            "barred",
            "exclusion zone",
            "conviction",
        ]
        .map(String::from),
    );
    words
}

/// Panics naming the first forbidden word found in `text`.
pub fn assert_no_offence_data(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for word in forbidden_words() {
        assert!(
            !lower.contains(&word.to_lowercase()),
            "{what} mentions {word:?}:\n{text}"
        );
    }
}

pub fn sector(conn: &mut Conn) -> String {
    with_conn!(conn, |c| sectors::table
        .select(sectors::slug)
        .order(sectors::slug)
        .first::<String>(c)
        .unwrap())
}

/// A prison, an officer there and an approved employer.
pub struct World {
    pub service_id: i64,
    pub officer_id: i64,
    pub employer_id: i64,
    pub sector: String,
}

pub fn world(conn: &mut Conn, tag: &str) -> World {
    let sector = sector(conn);
    let service_id = people::create_service(
        conn,
        &NewService {
            name: &format!("HMP Test {tag}"),
            kind: people::ServiceKind::Prison,
            place_name: "Leeds",
            lat: 53.8,
            lon: -1.55,
        },
    )
    .unwrap();
    let officer_id = officer(
        conn,
        service_id,
        &format!("officer-{tag}@example.org"),
        "Olive Officer",
    );
    let employer_id = employer(
        conn,
        &sector,
        &format!("Acme {tag}"),
        EmployerStatus::Approved,
    );
    World {
        service_id,
        officer_id,
        employer_id,
        sector,
    }
}

pub fn officer(conn: &mut Conn, service_id: i64, email: &str, name: &str) -> i64 {
    people::create_user(
        conn,
        &NewUser {
            email,
            display_name: name,
            password_hash: "not-a-real-hash",
            membership: Membership::Service(service_id),
        },
    )
    .unwrap()
}

pub fn employer(conn: &mut Conn, sector: &str, name: &str, status: EmployerStatus) -> i64 {
    people::create_employer(
        conn,
        &NewEmployer {
            name,
            sector_slug: sector,
            contact_name: "Erin Employer",
            contact_email: &format!(
                "{}@employer.example.org",
                name.to_lowercase().replace(' ', "-")
            ),
            contact_phone: None,
            address: "1 High Street, Leeds",
            website: None,
            status,
            decided_by: None,
        },
    )
    .unwrap()
}

/// A profile carrying everything an email must never show: every offence
/// category, a curfew, licence conditions and both barred flags.
pub fn profile(
    conn: &mut Conn,
    service_id: i64,
    officer_id: Option<i64>,
    reference: &str,
    release_date: NaiveDate,
    readiness: &str,
) -> i64 {
    let at = store::now();
    let id: i64 = with_conn!(conn, |c| diesel::insert_into(profiles::table)
        .values((
            profiles::service_id.eq(service_id),
            profiles::officer_id.eq(officer_id),
            profiles::reference.eq(reference),
            profiles::given_name.eq("Sam"),
            profiles::family_name.eq("Seeker"),
            profiles::pseudonym.eq(format!("Quiet Heron {reference}")),
            profiles::release_date.eq(release_date),
            profiles::no_fixed_abode.eq(true),
            profiles::travel_radius_km.eq(20.0),
            profiles::right_to_work.eq(true),
            profiles::driving_licence.eq(false),
            profiles::no_driving.eq(true),
            profiles::other_conditions.eq("Curfew 7pm to 7am; licence condition: no contact"),
            profiles::barred_children.eq(true),
            profiles::barred_adults.eq(true),
            profiles::readiness.eq(readiness),
            profiles::consent_to_share_name.eq(false),
            profiles::created_at.eq(at),
            profiles::updated_at.eq(at),
        ))
        .returning(profiles::id)
        .get_result(c)
        .unwrap());
    with_conn!(conn, |c| {
        for category in [
            "arson",
            "sexual",
            "violence",
            "driving",
            "dishonesty",
            "drugs_supply",
            "terrorism",
            "other",
        ] {
            diesel::insert_into(profile_offences::table)
                .values((
                    profile_offences::profile_id.eq(id),
                    profile_offences::category.eq(category),
                ))
                .execute(c)
                .unwrap();
        }
        diesel::insert_into(profile_curfews::table)
            .values((
                profile_curfews::profile_id.eq(id),
                profile_curfews::days.eq(127),
                profile_curfews::start_time.eq(NaiveTime::from_hms_opt(19, 0, 0).unwrap()),
                profile_curfews::end_time.eq(NaiveTime::from_hms_opt(7, 0, 0).unwrap()),
            ))
            .execute(c)
            .unwrap();
    });
    id
}

/// A published vacancy (with an offence exclusion, which must not leak).
pub fn vacancy(
    conn: &mut Conn,
    employer_id: i64,
    sector: &str,
    title: &str,
    closing_date: Option<NaiveDate>,
) -> i64 {
    let at = store::now();
    let today = at.date();
    let id: i64 = with_conn!(conn, |c| diesel::insert_into(vacancies::table)
        .values((
            vacancies::employer_id.eq(employer_id),
            vacancies::status.eq("published"),
            vacancies::title.eq(title),
            vacancies::description.eq("Picking and packing in a friendly team."),
            vacancies::sector_slug.eq(sector),
            vacancies::remote.eq(false),
            vacancies::place_name.eq("Leeds"),
            vacancies::lat.eq(53.8),
            vacancies::lon.eq(-1.55),
            vacancies::hours_per_week.eq(37.5),
            vacancies::contract_type.eq("permanent"),
            vacancies::pay_min_pence.eq(1200),
            vacancies::pay_max_pence.eq(1300),
            vacancies::pay_period.eq("hour"),
            vacancies::positions.eq(2),
            vacancies::start_date.eq(today + chrono::Days::new(30)),
            vacancies::closing_date.eq(closing_date),
            vacancies::needs_driving_licence.eq(false),
            vacancies::check_level.eq("basic"),
            vacancies::regulated_children.eq(false),
            vacancies::regulated_adults.eq(false),
            vacancies::rotl_suitable.eq(false),
            vacancies::ring_fenced.eq(true),
            vacancies::how_to_apply.eq("Through your case officer."),
            vacancies::published_at.eq(at),
            vacancies::created_at.eq(at),
            vacancies::updated_at.eq(at),
        ))
        .returning(vacancies::id)
        .get_result(c)
        .unwrap());
    with_conn!(conn, |c| diesel::insert_into(
        vacancy_offence_exclusions::table
    )
    .values((
        vacancy_offence_exclusions::vacancy_id.eq(id),
        vacancy_offence_exclusions::category.eq("arson"),
        vacancy_offence_exclusions::stance.eq("excluded"),
        vacancy_offence_exclusions::reason.eq("The site stores flammable goods."),
    ))
    .execute(c)
    .unwrap());
    id
}

pub fn suggested_match(conn: &mut Conn, profile_id: i64, vacancy_id: i64, score: f64) -> i64 {
    let at = store::now();
    with_conn!(conn, |c| diesel::insert_into(matches::table)
        .values((
            matches::profile_id.eq(profile_id),
            matches::vacancy_id.eq(vacancy_id),
            matches::status.eq("suggested"),
            matches::score.eq(score),
            matches::reasons.eq("[\"no curfew conflict\"]"),
            matches::created_at.eq(at),
            matches::updated_at.eq(at),
        ))
        .returning(matches::id)
        .get_result(c)
        .unwrap())
}

pub fn application(conn: &mut Conn, profile_id: i64, vacancy_id: i64, status: &str) -> i64 {
    let at = store::now();
    with_conn!(conn, |c| diesel::insert_into(applications::table)
        .values((
            applications::profile_id.eq(profile_id),
            applications::vacancy_id.eq(vacancy_id),
            applications::status.eq(status),
            applications::statement.eq("I worked in a warehouse for three years."),
            applications::created_at.eq(at),
            applications::updated_at.eq(at),
        ))
        .returning(applications::id)
        .get_result(c)
        .unwrap())
}

pub fn set_application_status(conn: &mut Conn, id: i64, status: &str) {
    with_conn!(conn, |c| diesel::update(applications::table.find(id))
        .set(applications::status.eq(status))
        .execute(c)
        .unwrap());
}

pub fn set_digest_interval(conn: &mut Conn, user_id: i64, interval: &str) {
    with_conn!(conn, |c| diesel::update(users::table.find(user_id))
        .set(users::digest_interval.eq(interval))
        .execute(c)
        .unwrap());
}

pub fn jobs_of_kind(conn: &mut Conn, kind: &str) -> Vec<Job> {
    with_conn!(conn, |c| jobs::table
        .filter(jobs::kind.eq(kind))
        .order(jobs::id)
        .select(Job::as_select())
        .load(c)
        .unwrap())
}

/// The queued emails, decoded.
pub fn queued_emails(conn: &mut Conn) -> Vec<fairchance::notify::Email> {
    jobs_of_kind(conn, fairchance::notify::JOB_KIND)
        .iter()
        .map(|j| serde_json::from_str(&j.payload).unwrap())
        .collect()
}

pub fn job(conn: &mut Conn, id: i64) -> Job {
    with_conn!(conn, |c| jobs::table
        .find(id)
        .select(Job::as_select())
        .first(c)
        .unwrap())
}

pub fn later(minutes: i64) -> NaiveDateTime {
    store::now() + chrono::Duration::minutes(minutes)
}

/// A real SMTP server (Debian's python3-aiosmtpd) on a loopback port,
/// writing every message it accepts to a maildir. Recipients whose local
/// part starts with "reject" get 550 (permanent), "busy" get 451
/// (transient).
pub struct SmtpServer {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

const HANDLER: &str = r#"
from aiosmtpd.handlers import Mailbox

class Handler(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split('@')[0]
        if local.startswith('reject'):
            return '550 5.1.1 No such mailbox'
        if local.startswith('busy'):
            return '451 4.3.0 Try again later'
        envelope.rcpt_tos.append(address)
        return '250 OK'
"#;

fn python() -> &'static str {
    // Debian's python3 has the package; a python3 earlier on PATH (pyenv)
    // may not.
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

impl SmtpServer {
    pub fn start(dir: &Path) -> Self {
        let mut server = Self {
            port: crate::common::free_port(),
            dir: dir.to_path_buf(),
            child: None,
        };
        std::fs::write(dir.join("fc_smtp_handler.py"), HANDLER).unwrap();
        server.resume();
        server
    }

    /// Starts (again) on the same port and maildir.
    pub fn resume(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = Command::new(python())
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "fc_smtp_handler.Handler",
            ])
            .arg(self.dir.join("maildir"))
            .env("PYTHONPATH", &self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start python3 -m aiosmtpd (Debian package python3-aiosmtpd)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                let mut err = String::new();
                if let Some(mut e) = self.child.take().and_then(|mut c| c.stderr.take()) {
                    use std::io::Read;
                    let _ = e.read_to_string(&mut err);
                }
                panic!("aiosmtpd exited with {status} (is python3-aiosmtpd installed?): {err}");
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server; connections are refused until `resume`.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, raw.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.dir.join("maildir").join(sub)) {
                let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
                paths.sort();
                out.extend(paths.iter().map(|p| std::fs::read(p).unwrap()));
            }
        }
        out
    }

    /// Waits until at least `n` messages arrived; returns them.
    pub fn wait_for(&self, n: usize) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} messages at the SMTP server, got {}",
                messages.len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Message-IDs of raw messages.
pub fn message_ids(messages: &[Vec<u8>]) -> Vec<String> {
    messages
        .iter()
        .map(|raw| {
            mail_parser::MessageParser::default()
                .parse(raw)
                .and_then(|m| m.message_id().map(str::to_string))
                .expect("a Message-ID")
        })
        .collect()
}
