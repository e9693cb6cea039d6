//! The demo data set: fictional prisons, a probation office, officers,
//! employers, 120+ vacancies and 300 profiles, the same every time (dates
//! are relative to the day it is loaded). It goes into an empty database in
//! one transaction, so an interrupted load leaves nothing behind.

use std::fmt::Write as _;

use chrono::Utc;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::generator::{self, Town, TEMPLATES};
use super::SeedError;
use crate::access::{password, token};
use crate::domain::application::MatchStatus;
use crate::domain::profile::ProfileDetails;
use crate::domain::vacancy::{VacancyDetails, VacancyStatus};
use crate::gazetteer::{Gazetteer, Lookup};
use crate::startup::Services;
use crate::store::people::{
    self, EmployerStatus, Membership, NewEmployer, NewService, NewUser, ServiceKind,
};
use crate::store::{self, meta, now, InTx, StoreError};

/// A region: the service based there and the towns people are released to.
struct Region {
    service: &'static str,
    kind: ServiceKind,
    base: &'static str,
    towns: &'static [&'static str],
    officers: &'static [&'static str],
}

const REGIONS: &[Region] = &[
    Region {
        service: "HMP Northmoor",
        kind: ServiceKind::Prison,
        base: "Wakefield",
        towns: &[
            "Leeds",
            "Bradford",
            "Wakefield",
            "Huddersfield",
            "Halifax",
            "Dewsbury",
            "York",
        ],
        officers: &["Robin Hale", "Sam Okoro"],
    },
    Region {
        service: "HMP Castlemere",
        kind: ServiceKind::Prison,
        base: "Bolton",
        towns: &[
            "Manchester",
            "Salford",
            "Bolton",
            "Stockport",
            "Oldham",
            "Wigan",
            "Warrington",
        ],
        officers: &["Jo Whitfield", "Alex Mensah"],
    },
    Region {
        service: "HMP Greyfriars Vale",
        kind: ServiceKind::Prison,
        base: "Bristol",
        towns: &[
            "Bristol",
            "Bath",
            "Gloucester",
            "Swindon",
            "Weston-super-Mare",
        ],
        officers: &["Chris Lawton", "Pat Severn"],
    },
    Region {
        service: "HMP Saltmarsh",
        kind: ServiceKind::Prison,
        base: "Cardiff",
        towns: &[
            "Cardiff",
            "Swansea",
            "Bridgend",
            "Barry",
            "Pontypridd",
            "Caerphilly",
        ],
        officers: &["Ceri Pugh", "Morgan Bevan"],
    },
    Region {
        service: "Riverside Probation Office",
        kind: ServiceKind::Probation,
        base: "Sheffield",
        towns: &[
            "Sheffield",
            "Rotherham",
            "Doncaster",
            "Barnsley",
            "Chesterfield",
        ],
        officers: &["Lee Ashworth", "Dana Firth"],
    },
];

/// Fictional employers: name, sector, the region index they hire in, contact.
const EMPLOYERS: &[(&str, &str, usize, &str)] = &[
    (
        "Brightwell Logistics (demo)",
        "warehousing",
        0,
        "Toni Marsh",
    ),
    (
        "Northern Freight Co-operative (demo)",
        "driving",
        0,
        "Vic Hollis",
    ),
    (
        "Oakframe Construction (demo)",
        "construction",
        0,
        "Jan Kettle",
    ),
    (
        "Harbour Kitchen Group (demo)",
        "hospitality",
        1,
        "Sol Adeyemi",
    ),
    ("Clearview Facilities (demo)", "cleaning", 1, "Bryn Carver"),
    (
        "Ironbridge Fabrication (demo)",
        "manufacturing",
        1,
        "Kit Lomas",
    ),
    ("Circuit Recycling (demo)", "waste", 1, "Rae Dunmore"),
    ("Greenway Grounds (demo)", "grounds", 2, "Lou Penhale"),
    ("Cornerstone Support (demo)", "care", 2, "Ash Tremayne"),
    (
        "Keystone Site Services (demo)",
        "construction",
        2,
        "Mo Farrant",
    ),
    ("Redbrick Bakery (demo)", "manufacturing", 3, "Eirlys Rowe"),
    ("Dragon Coast Cleaning (demo)", "cleaning", 3, "Gwyn Tudor"),
    ("Second Byte Workshop (demo)", "it", 3, "Nia Prosser"),
    (
        "Steel Valley Warehousing (demo)",
        "warehousing",
        4,
        "Drew Staniforth",
    ),
    (
        "Crucible Stadium Events (demo)",
        "security",
        4,
        "Frankie Moss",
    ),
    ("Bluepeak Retail (demo)", "retail", 4, "Jess Oakes"),
];

const VACANCIES: usize = 128;
const PROFILES: usize = 300;

/// A sign-in created for the demo, printed once.
pub struct DemoLogin {
    pub role: &'static str,
    pub email: String,
    pub password: String,
    pub organisation: String,
}

fn demo_email(name: &str, domain: &str) -> String {
    let local: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '.' })
        .collect();
    format!("{}@{domain}.demo.invalid", local.trim_matches('.'))
}

fn domain_of(name: &str) -> String {
    name.split(" (")
        .next()
        .unwrap_or(name)
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

fn town(gazetteer: &Gazetteer, name: &str) -> Result<Town, SeedError> {
    match gazetteer.resolve(name) {
        Lookup::Found(p) => Ok(Town {
            name: p.name,
            lat: p.lat,
            lon: p.lon,
        }),
        Lookup::Ambiguous(list) => {
            let first = list
                .into_iter()
                .next()
                .ok_or_else(|| SeedError::Data(format!("no place {name}")))?;
            Ok(Town {
                name: name.to_string(),
                lat: first.lat,
                lon: first.lon,
            })
        }
        Lookup::NotFound => Err(SeedError::Data(format!(
            "the gazetteer has no place named {name}"
        ))),
    }
}

/// True when the database holds no organisations yet.
fn is_empty(services: &Services) -> Result<bool, SeedError> {
    let mut conn = services.store.conn()?;
    if meta::get(&mut conn, "demo_seeded_at")?.is_some() {
        return Ok(false);
    }
    Ok(people::list_services(&mut conn)?.is_empty() && people::count_users(&mut conn)? == 0)
}

/// Loads the demo set when the database is empty; returns whether it did.
/// With `print`, the sign-ins are written to standard output and to
/// `<data dir>/demo-logins.txt`.
pub fn seed_if_empty(services: &Services, print: bool) -> Result<bool, SeedError> {
    if !is_empty(services)? {
        return Ok(false);
    }
    let logins = seed(services)?;
    if print {
        let path = services.config.data_dir.join("demo-logins.txt");
        let text = format_logins(&logins, &path);
        println!("{text}");
        if let Err(e) = write_owner_only(&path, &text) {
            tracing::warn!(error = %e, path = %path.display(), "could not save the demo sign-ins");
        }
    }
    Ok(true)
}

/// Writes a file only its owner can read (0600), replacing any earlier one.
fn write_owner_only(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(text.as_bytes())
    }
    #[cfg(not(unix))]
    {
        options.open(path)?.write_all(text.as_bytes())
    }
}

pub fn format_logins(logins: &[DemoLogin], saved_in: &std::path::Path) -> String {
    let mut out = format!(
        "\nDemo data loaded. These sign-ins are shown once. Their passwords are also saved in {} (readable by this user only): delete it when you no longer need it, and never run the demo data on an address others can reach.\n\n",
        saved_in.display()
    );
    for login in logins {
        let _ = writeln!(
            out,
            "  {:<9} {:<52} {}   ({})",
            login.role, login.email, login.password, login.organisation
        );
    }
    out
}

/// A demo sign-in with its password hash and where it belongs (a region's
/// service or an employer; neither for the administrator).
type Account = (DemoLogin, String, Option<usize>, Option<usize>);

/// Everything the demo writes, built and validated before anything is.
struct Plan {
    accounts: Vec<Account>,
    /// (PIN, hash) of each demo job seeker.
    seekers: Vec<(String, String)>,
    /// Each region's base town and the towns its people and jobs are in.
    region_towns: Vec<(Town, Vec<Town>)>,
    /// (employer, status, details).
    vacancies: Vec<(usize, VacancyStatus, VacancyDetails)>,
    /// (region, officer within it, pseudonym, details).
    profiles: Vec<(usize, usize, String, ProfileDetails)>,
}

/// Builds the demo set; fails without writing anything if any part is invalid.
pub fn seed(services: &Services) -> Result<Vec<DemoLogin>, SeedError> {
    let gazetteer = Gazetteer::embedded().map_err(|e| SeedError::Data(e.to_string()))?;
    let taxonomy = services.taxonomy.clone();
    let today = Utc::now().date_naive();
    let mut rng = ChaCha8Rng::seed_from_u64(77_232);
    let accounts = demo_accounts()?;
    // Three job seekers at the first prison, and a terminal there to sign in on.
    let mut seekers = Vec::new();
    for _ in 0..3 {
        let pin = token::new_pin();
        let hash = password::hash(&pin).map_err(|e| SeedError::Data(e.to_string()))?;
        seekers.push((pin, hash));
    }
    let mut region_towns = Vec::new();
    for region in REGIONS {
        let towns = region
            .towns
            .iter()
            .map(|t| town(&gazetteer, t))
            .collect::<Result<Vec<_>, _>>()?;
        region_towns.push((town(&gazetteer, region.base)?, towns));
    }
    let vacancies = plan_vacancies(&mut rng, &region_towns, &taxonomy, today)?;
    let profiles = plan_profiles(&mut rng, &region_towns, &taxonomy, today)?;
    let plan = Plan {
        accounts,
        seekers,
        region_towns,
        vacancies,
        profiles,
    };
    let at = now();
    let mut conn = services.store.conn()?;
    let seeker_logins = conn.write(|tx| write_plan(tx, &plan, &taxonomy, today, at))?;
    // A year of matches, applications and outcomes, so that the reports
    // and the officers' lists show real figures.
    let history = super::activity::demo_history(services, today, 77_232)?;
    conn.write(|tx| attach_demo_cvs(tx, &taxonomy, at))?;
    let slots = conn.write(|tx| demo_slots(tx, at))?;
    tracing::info!(
        vacancies = plan.vacancies.len(),
        profiles = plan.profiles.len(),
        matches = history.matches,
        applications = history.applications,
        outcomes = history.outcomes,
        slots = slots.0,
        bookings = slots.1,
        "demo data loaded"
    );
    let mut logins: Vec<DemoLogin> = plan.accounts.into_iter().map(|(login, ..)| login).collect();
    logins.extend(seeker_logins);
    Ok(logins)
}

/// The administrator, every officer and every employer's contact, with a
/// random password each. Passwords are random per installation; argon2 runs
/// before the transaction so the write lock is held briefly.
fn demo_accounts() -> Result<Vec<Account>, SeedError> {
    let mut accounts: Vec<Account> = Vec::new();
    let mut add = |role: &'static str,
                   name: &str,
                   domain: &str,
                   organisation: &str,
                   region: Option<usize>,
                   employer: Option<usize>|
     -> Result<(), SeedError> {
        let password = format!("demo-{}-{}", role, token::new_alphanumeric(10));
        let hash = password::hash(&password).map_err(|e| SeedError::Data(e.to_string()))?;
        let login = DemoLogin {
            role,
            email: demo_email(name, domain),
            password,
            organisation: organisation.to_string(),
        };
        accounts.push((login, hash, region, employer));
        Ok(())
    };
    add(
        "admin",
        "Admin",
        "fairchance",
        "Fair Chance Jobs",
        None,
        None,
    )?;
    for (r, region) in REGIONS.iter().enumerate() {
        for officer in region.officers {
            let domain = domain_of(region.service);
            add("officer", officer, &domain, region.service, Some(r), None)?;
        }
    }
    for (e, (name, _, _, contact)) in EMPLOYERS.iter().enumerate() {
        add("employer", contact, &domain_of(name), name, None, Some(e))?;
    }
    Ok(accounts)
}

/// The demo's vacancies, each parsed as an employer's would be.
fn plan_vacancies(
    rng: &mut ChaCha8Rng,
    region_towns: &[(Town, Vec<Town>)],
    taxonomy: &crate::domain::skills::Taxonomy,
    today: chrono::NaiveDate,
) -> Result<Vec<(usize, VacancyStatus, VacancyDetails)>, SeedError> {
    let mut vacancies = Vec::new();
    for i in 0..VACANCIES {
        let e = i % EMPLOYERS.len();
        let (employer_name, sector, region, _) = EMPLOYERS[e];
        let own: Vec<_> = TEMPLATES.iter().filter(|t| t.sector == sector).collect();
        let template = if rng.gen_bool(0.75) {
            own.choose(rng)
        } else {
            None
        }
        .copied()
        .or_else(|| TEMPLATES.choose(rng))
        .ok_or_else(|| SeedError::Data("no vacancy templates".into()))?;
        let region = if rng.gen_bool(0.85) {
            region
        } else {
            rng.gen_range(0..REGIONS.len())
        };
        let place = region_towns[region]
            .1
            .choose(rng)
            .cloned()
            .ok_or_else(|| SeedError::Data("no towns".into()))?;
        let mut input = generator::vacancy(rng, template, &place, employer_name, today);
        // Guaranteed interviews, work trials and day release placements
        // among the jobs, and a few not open for applications yet.
        generator::vary_kind(&mut input, i as u64, today);
        let details = VacancyDetails::parse(&input, taxonomy)
            .map_err(|errors| SeedError::Data(format!("demo vacancy {i} is invalid: {errors}")))?;
        let status = match i % 20 {
            0 => VacancyStatus::Draft,
            1 => VacancyStatus::Paused,
            2 => VacancyStatus::Closed,
            3 => VacancyStatus::Filled,
            _ => VacancyStatus::Published,
        };
        vacancies.push((e, status, details));
    }
    Ok(vacancies)
}

/// The demo's people, each parsed as an officer's profile would be.
fn plan_profiles(
    rng: &mut ChaCha8Rng,
    region_towns: &[(Town, Vec<Town>)],
    taxonomy: &crate::domain::skills::Taxonomy,
    today: chrono::NaiveDate,
) -> Result<Vec<(usize, usize, String, ProfileDetails)>, SeedError> {
    let mut profiles = Vec::new();
    for i in 0..PROFILES {
        let r = i % REGIONS.len();
        let place = region_towns[r]
            .1
            .choose(rng)
            .cloned()
            .ok_or_else(|| SeedError::Data("no towns".into()))?;
        let input = generator::profile(rng, i as u64 + 1, &place, today);
        let details = ProfileDetails::parse(&input, taxonomy)
            .map_err(|errors| SeedError::Data(format!("demo profile {i} is invalid: {errors}")))?;
        let pseudonym = generator::pseudonym(rng, i as u64 + 1);
        let officer = rng.gen_range(0..REGIONS[r].officers.len());
        profiles.push((r, officer, pseudonym, details));
    }
    Ok(profiles)
}

/// The ids the demo's organisations and accounts were stored under.
struct Stored {
    service_ids: Vec<i64>,
    employer_ids: Vec<i64>,
    officer_ids: Vec<Vec<i64>>,
    admin_id: Option<i64>,
}

/// Writes the whole plan in the caller's transaction; returns the job
/// seekers' and the terminal's sign-ins.
fn write_plan(
    tx: &mut InTx,
    plan: &Plan,
    taxonomy: &crate::domain::skills::Taxonomy,
    today: chrono::NaiveDate,
    at: chrono::NaiveDateTime,
) -> Result<Vec<DemoLogin>, StoreError> {
    let stored = write_organisations(tx, plan)?;
    let mut vacancy_ids = Vec::new();
    for (e, status, details) in &plan.vacancies {
        let employer = stored.employer_ids[*e];
        let id = store::vacancies::insert(tx, employer, *status, stored.admin_id, details, at)?;
        vacancy_ids.push(id);
        // The worker indexes it and stores its matches, as for any new vacancy.
        crate::matches::vacancy_changed(tx, id, at)?;
    }
    let mut first_prison_profiles = Vec::new();
    for (r, officer, pseudonym, details) in &plan.profiles {
        let officer = stored.officer_ids[*r].get(*officer).copied();
        let service = stored.service_ids[*r];
        let id = store::profiles::insert(tx, service, officer, pseudonym, details, at)?;
        if *r == 0 {
            first_prison_profiles.push((id, details.given_name().to_string(), officer));
        }
    }
    // The demo job seekers are the first people at the first prison who
    // have jobs to see: their officer approved the best few of their matches.
    let demo_vacancies = store::vacancies::load_many(tx, &vacancy_ids, taxonomy)?;
    let mut demo_seekers = Vec::new();
    for (profile_id, given_name, officer) in &first_prison_profiles {
        if demo_seekers.len() == plan.seekers.len() {
            break;
        }
        let Some(officer) = officer else { continue };
        let approved = approve_demo_matches(
            tx,
            &demo_vacancies,
            *profile_id,
            *officer,
            taxonomy,
            today,
            at,
        )?;
        if approved > 0 {
            demo_seekers.push((*profile_id, given_name.clone(), Some(*officer)));
        }
    }
    let logins = write_seeker_access(tx, plan, &stored, &demo_seekers, at)?;
    write_demo_cvs(tx, &demo_seekers, at)?;
    demo_letters(tx, &demo_seekers, at)?;
    meta::set(tx, "demo_seeded_at", &at.to_string())?;
    Ok(logins)
}

/// Fictional disclosure letters, approved by the person's officer, for the
/// first two demo job seekers (so the apply form offers to send one).
const DEMO_LETTERS: [[&str; 3]; 2] = [
    [
        "In 2022 I was convicted of an offence and sent to prison. I am not proud of what I did.",
        "In prison I finished a level 2 course in warehouse work and I ran the wing stores for a year. I go to a support group every week and I have learned to plan ahead.",
        "I am reliable, I learn fast and I get on with people. I can drive a forklift and I am happy to work early shifts.",
    ],
    [
        "A few years ago I made some bad choices and I was convicted. I served my sentence.",
        "I have worked in the prison kitchen for two years and gained my food hygiene certificate. My family and my officer have helped me to stay on track.",
        "I work hard, I keep things clean and tidy, and I am calm when it gets busy. I want to build a steady life through work.",
    ],
];

fn demo_letters(
    tx: &mut InTx,
    seekers: &[(i64, String, Option<i64>)],
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    use crate::domain::disclosure::{LetterStatus, Part, ReviewAction};
    use store::disclosure::{self as letters, Review};
    for ((profile_id, _, officer), parts) in seekers.iter().zip(DEMO_LETTERS) {
        for (part, text) in Part::ALL.iter().zip(parts) {
            letters::save_part(tx, *profile_id, *part, text, at)?;
        }
        let version = letters::load(tx, *profile_id)?
            .ok_or(StoreError::NotFound)?
            .version;
        for (action, by) in [
            (ReviewAction::Sent, None),
            (ReviewAction::Approved, *officer),
        ] {
            let review = Review {
                version,
                action,
                officer_user_id: by,
                note: None,
                at,
            };
            letters::add_review(tx, *profile_id, &review)?;
        }
        letters::set_status(tx, *profile_id, LetterStatus::Approved, None, at)?;
    }
    Ok(())
}

/// The services, employers and staff accounts.
fn write_organisations(tx: &mut InTx, plan: &Plan) -> Result<Stored, StoreError> {
    let mut stored = Stored {
        service_ids: Vec::new(),
        employer_ids: Vec::new(),
        officer_ids: vec![Vec::new(); REGIONS.len()],
        admin_id: None,
    };
    for (region, (base, _)) in REGIONS.iter().zip(&plan.region_towns) {
        stored.service_ids.push(people::create_service(
            tx,
            &NewService {
                name: region.service,
                kind: region.kind.clone(),
                place_name: &base.name,
                lat: base.lat,
                lon: base.lon,
            },
        )?);
    }
    for (name, sector, region, contact) in EMPLOYERS {
        let base = &plan.region_towns[*region].0;
        stored.employer_ids.push(people::create_employer(
            tx,
            &NewEmployer {
                name,
                sector_slug: sector,
                contact_name: contact,
                contact_email: &demo_email(contact, &domain_of(name)),
                contact_phone: Some("01632 960000"),
                address: &format!("Unit 1, Demo Business Park, {}", base.name),
                website: None,
                status: EmployerStatus::Approved,
                decided_by: None,
            },
        )?);
    }
    for (login, hash, region, employer) in &plan.accounts {
        let membership = match (region, employer) {
            (Some(r), _) => Membership::Service(stored.service_ids[*r]),
            (_, Some(e)) => Membership::Employer(stored.employer_ids[*e]),
            _ => Membership::Admin,
        };
        let display_name = match (region, employer) {
            (Some(_), _) | (_, Some(_)) => login
                .email
                .split('@')
                .next()
                .unwrap_or("")
                .replace('.', " "),
            _ => "Demo administrator".to_string(),
        };
        let id = people::create_user(
            tx,
            &NewUser {
                email: &login.email,
                display_name: &title_case(&display_name),
                password_hash: hash,
                membership,
            },
        )?;
        match region {
            Some(r) => stored.officer_ids[*r].push(id),
            None if employer.is_none() => stored.admin_id = Some(id),
            None => {}
        }
    }
    Ok(stored)
}

/// Sign-in codes for the demo job seekers and an enrolment code for a
/// kiosk at the first prison.
fn write_seeker_access(
    tx: &mut InTx,
    plan: &Plan,
    stored: &Stored,
    demo_seekers: &[(i64, String, Option<i64>)],
    at: chrono::NaiveDateTime,
) -> Result<Vec<DemoLogin>, StoreError> {
    let mut logins = Vec::new();
    for ((profile_id, given_name, officer), (pin, hash)) in demo_seekers.iter().zip(&plan.seekers) {
        let (_, code) = store::access::issue_seeker_access(tx, *profile_id, hash, *officer, at)?;
        logins.push(DemoLogin {
            role: "seeker",
            email: format!("code {code}"),
            password: format!("PIN {pin}"),
            organisation: format!("{given_name}, {}", REGIONS[0].service),
        });
    }
    let (_, enrolment) = store::access::create_terminal(
        tx,
        stored.service_ids[0],
        "Demo kiosk",
        stored.admin_id,
        at,
    )?;
    logins.push(DemoLogin {
        role: "terminal",
        email: format!("enrolment code {enrolment}"),
        password: "type it at /terminal/enrol".to_string(),
        organisation: REGIONS[0].service.to_string(),
    });
    Ok(logins)
}

/// Fictional CV words: about me, strengths, and a note on references.
const DEMO_CVS: [(&str, &str, &str); 3] = [
    (
        "I like practical work and I want a steady job near home. In prison I worked in the stores and ran the stock checks.",
        "I am on time every day.\nI count carefully and keep things tidy.\nI work well in a team.",
        "The stores instructor",
    ),
    (
        "I enjoy cooking for a lot of people. I want to work in a busy kitchen and keep learning.",
        "I stay calm when it is busy.\nI follow food safety rules.",
        "",
    ),
    (
        "I have worked outdoors most of my life and I like to finish a job properly.",
        "Strong and fit.\nHappy to start early.",
        "A past site supervisor",
    ),
];

/// The demo job seekers' own CV words, and a suggestion from the officer
/// for the first of them, so the terminal shows both.
fn write_demo_cvs(
    tx: &mut InTx,
    demo_seekers: &[(i64, String, Option<i64>)],
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    use crate::domain::cv::{OwnWords, Suggestions};
    for ((profile_id, _, officer), (about_me, strengths, note)) in demo_seekers.iter().zip(DEMO_CVS)
    {
        let words = OwnWords {
            about_me: about_me.into(),
            strengths: strengths.into(),
            references_available: Some(!note.is_empty()),
            references_note: note.into(),
        };
        store::cvs::save_words(tx, *profile_id, &words, at)?;
        if let (Some(officer), true) = (officer, *profile_id == demo_seekers[0].0) {
            let suggestions = Suggestions {
                strengths: "Say how many years you ran the stock checks.".into(),
                ..Suggestions::default()
            };
            store::cvs::save_suggestions(tx, *profile_id, &suggestions, *officer, at)?;
        }
    }
    Ok(())
}

/// Gives the people behind the first few forwarded applications a CV and
/// sends it with that application, so employers' cards show one.
fn attach_demo_cvs(
    tx: &mut InTx,
    taxonomy: &crate::domain::skills::Taxonomy,
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    use crate::domain::cv::OwnWords;
    use crate::store::schema::applications;
    use diesel::prelude::*;
    let statuses = ["forwarded", "interview"];
    let picked: Vec<(i64, i64)> = crate::with_conn!(tx, |c| applications::table
        .filter(applications::status.eq_any(statuses))
        .order(applications::id)
        .select((applications::id, applications::profile_id))
        .limit(DEMO_CVS.len() as i64)
        .load(c)?);
    for ((application_id, profile_id), (about_me, strengths, note)) in
        picked.into_iter().zip(DEMO_CVS)
    {
        if store::cvs::load(tx, profile_id)?.words.worth_sending() {
            continue;
        }
        let words = OwnWords {
            about_me: about_me.into(),
            strengths: strengths.into(),
            references_available: Some(!note.is_empty()),
            references_note: note.into(),
        };
        store::cvs::save_words(tx, profile_id, &words, at)?;
        crate::app::cvs::attach_in_tx(tx, taxonomy, profile_id, application_id, at)?;
    }
    Ok(())
}

/// How many of each demo job seeker's matches their officer approves.
const DEMO_APPROVED: usize = 3;

/// Stores a demo job seeker's matches (every vacancy `assess` accepts, as a
/// matching run would) and approves the best few as their officer; returns
/// how many were approved. Nothing is stored for a person with no match.
fn approve_demo_matches(
    c: &mut InTx,
    vacancies: &[crate::domain::vacancy::Vacancy],
    profile_id: i64,
    officer: i64,
    taxonomy: &crate::domain::skills::Taxonomy,
    today: chrono::NaiveDate,
    at: chrono::NaiveDateTime,
) -> Result<usize, StoreError> {
    let profile = store::profiles::load(c, profile_id, taxonomy)?;
    let mut eligible: Vec<(i64, crate::domain::matching::Assessment)> = vacancies
        .iter()
        .map(|v| (v.id, crate::domain::matching::assess(v, &profile, today)))
        .filter(|(_, a)| a.eligible())
        .collect();
    eligible.sort_by(|(a_id, a), (b_id, b)| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a_id.cmp(b_id))
    });
    let found: Vec<store::matches::Found> = eligible
        .iter()
        .map(|(vacancy_id, a)| store::matches::Found::assessed(profile_id, *vacancy_id, a))
        .collect();
    if found.is_empty() {
        return Ok(0);
    }
    store::matches::apply_run(c, store::matches::RunScope::Profile(profile_id), &found, at)?;
    let records = store::matches::records_for_profile(c, profile_id, &[MatchStatus::Suggested])?;
    let mut approved = 0;
    for (vacancy_id, _) in eligible.iter().take(DEMO_APPROVED) {
        if let Some(record) = records.iter().find(|r| r.vacancy_id == *vacancy_id) {
            store::matches::decide(c, record.id, true, None, officer, at).map_err(|e| match e {
                store::matches::DecisionError::Store(e) => e,
                other => StoreError::Corrupt(other.to_string()),
            })?;
            approved += 1;
        }
    }
    Ok(approved)
}

/// Interview slots on the demo's published guaranteed interviews and work
/// trials (one in the prison's education block in a week, one by video in
/// two weeks), a trial day at the workplace on each work trial, and a
/// booking by the person's officer for each application forwarded to one
/// of them that the person can attend, so the slot pages, the bookings and
/// the terminal's "Interview on ..." have something to show. Returns the
/// slots and the bookings written.
fn demo_slots(tx: &mut InTx, at: chrono::NaiveDateTime) -> Result<(usize, usize), StoreError> {
    use crate::domain::slot::{PlaceKind, SlotDraft, SlotPurpose};
    use crate::store::slots as slot_store;
    let day = at.date();
    let time = |days: u64, hour: u32| {
        (day + chrono::Days::new(days))
            .and_time(chrono::NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default())
    };
    let draft = |purpose, starts_at, minutes, place_kind, place: &str, capacity| SlotDraft {
        purpose,
        starts_at,
        minutes,
        place_kind,
        place: place.to_string(),
        capacity,
    };
    let (mut written, mut booked) = (0, 0);
    for (vacancy_id, employer_id, kind) in demo_slot_vacancies(tx)? {
        let mut drafts = vec![
            draft(
                SlotPurpose::Interview,
                time(7, 10),
                45,
                PlaceKind::InPrison,
                "the education block",
                3,
            ),
            draft(
                SlotPurpose::Interview,
                time(14, 14),
                45,
                PlaceKind::VideoFromPrison,
                "the video room in the education block",
                3,
            ),
        ];
        if kind == "work_trial" {
            drafts.push(draft(
                SlotPurpose::Trial,
                time(21, 9),
                420,
                PlaceKind::AtWorkplace,
                "the main site; ask for the shift supervisor",
                2,
            ));
        }
        let mut slots = Vec::new();
        for d in &drafts {
            let id = slot_store::create(tx, employer_id, vacancy_id, d, at)?;
            written += 1;
            slots.extend(slot_store::load(tx, id)?);
        }
        booked += demo_bookings(tx, vacancy_id, &mut slots, at)?;
    }
    Ok((written, booked))
}

/// The published guaranteed interviews and work trials: id, employer and
/// kind.
fn demo_slot_vacancies(tx: &mut InTx) -> Result<Vec<(i64, i64, String)>, StoreError> {
    use crate::store::schema::{vacancies, vacancy_kinds};
    use crate::with_conn;
    use diesel::prelude::*;
    let kinds: Vec<(i64, String)> = with_conn!(tx, |c| vacancy_kinds::table
        .filter(vacancy_kinds::status.eq(VacancyStatus::Published.as_str()))
        .filter(vacancy_kinds::kind.eq_any(["guaranteed_interview", "work_trial"]))
        .order(vacancy_kinds::id)
        .select((vacancy_kinds::id, vacancy_kinds::kind))
        .load(c)?);
    let ids: Vec<i64> = kinds.iter().map(|(id, _)| *id).collect();
    let employers: std::collections::HashMap<i64, i64> = with_conn!(tx, |c| vacancies::table
        .filter(vacancies::id.eq_any(&ids))
        .select((vacancies::id, vacancies::employer_id))
        .load::<(i64, i64)>(c)?)
    .into_iter()
    .collect();
    Ok(kinds
        .into_iter()
        .filter_map(|(id, kind)| employers.get(&id).map(|e| (id, *e, kind)))
        .collect())
}

/// Books each application forwarded to the vacancy into the first of its
/// interview `slots` with room that the person can attend, as their
/// officer; returns how many were booked.
fn demo_bookings(
    tx: &mut InTx,
    vacancy_id: i64,
    slots: &mut [crate::store::slots::Slot],
    at: chrono::NaiveDateTime,
) -> Result<usize, StoreError> {
    use crate::domain::application::Role;
    use crate::domain::slot::{suits, SlotPurpose};
    use crate::store::schema::{applications, profiles};
    use crate::store::slots as slot_store;
    use crate::with_conn;
    use diesel::prelude::*;
    let forwarded: Vec<(i64, Option<i64>)> = with_conn!(tx, |c| applications::table
        .inner_join(profiles::table)
        .filter(applications::vacancy_id.eq(vacancy_id))
        .filter(applications::status.eq("forwarded"))
        .order(applications::id)
        .select((applications::id, profiles::officer_id))
        .load(c)?);
    let mut booked = 0;
    for (application_id, officer) in forwarded {
        let Some(officer) = officer else { continue };
        let (release, rotl) = slot_store::person_dates(tx, application_id)?;
        let Some(slot) = slots.iter_mut().find(|s| {
            s.purpose == SlotPurpose::Interview
                && s.booked < s.capacity
                && suits(s.place_kind, s.starts_at, release, rotl, at).is_ok()
        }) else {
            continue;
        };
        if !slot_store::take_place(tx, slot.id, at)? {
            continue;
        }
        slot.booked += 1;
        let booking = slot_store::insert_booking(tx, slot, application_id, officer, at)?;
        slot_store::write_event(
            tx,
            booking,
            "booked",
            Role::Officer,
            Some(officer),
            slot.id,
            None,
            at,
        )?;
        booked += 1;
    }
    Ok(booked)
}

fn title_case(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}
