//! A large generated data set for benchmarks: `seed --synthetic --profiles N
//! --vacancies M --seed S`. The same seed gives the same data. Rows are
//! written in batches of one transaction each, with a progress bar.

use std::fmt;
use std::time::{Duration, Instant};

use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::generator::{self, Town, TEMPLATES};
use super::SeedError;
use crate::domain::profile::ProfileDetails;
use crate::domain::vacancy::{VacancyDetails, VacancyStatus};
use crate::gazetteer::Gazetteer;
use crate::startup::Services;
use crate::store::people::{self, EmployerStatus, NewEmployer, NewService, ServiceKind};
use crate::store::{self, now, Conn, InTx, StoreError};

pub struct Options {
    pub profiles: u32,
    pub vacancies: u32,
    pub seed: u64,
    pub progress: bool,
}

pub struct Report {
    pub backend: &'static str,
    pub services: usize,
    pub employers: usize,
    pub profiles: u32,
    pub vacancies: u32,
    pub elapsed: Duration,
    pub database_bytes: Option<u64>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seeded {} profiles, {} vacancies, {} services and {} employers on {} in {:.1} s",
            self.profiles,
            self.vacancies,
            self.services,
            self.employers,
            self.backend,
            self.elapsed.as_secs_f64()
        )?;
        if let Some(bytes) = self.database_bytes {
            write!(
                f,
                "; database size {:.1} MiB",
                bytes as f64 / (1024.0 * 1024.0)
            )?;
        }
        Ok(())
    }
}

const BATCH: usize = 2_000;

fn bar(total: u64, label: &'static str, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label);
    bar
}

fn database_bytes(services: &Services) -> Result<Option<u64>, StoreError> {
    let mut conn = services.store.conn()?;
    Ok(Some(store::history::database_bytes(&mut conn)?))
}

/// Adds the synthetic set to whatever the database already holds.
pub fn seed(services: &Services, options: &Options) -> Result<Report, SeedError> {
    let started = Instant::now();
    let gazetteer = Gazetteer::embedded().map_err(|e| SeedError::Data(e.to_string()))?;
    let towns: Vec<Town> = gazetteer
        .largest(200)
        .into_iter()
        .map(|p| Town {
            name: p.name,
            lat: p.lat,
            lon: p.lon,
        })
        .collect();
    if towns.is_empty() {
        return Err(SeedError::Data("the gazetteer is empty".into()));
    }
    let set = Set {
        towns,
        taxonomy: services.taxonomy.clone(),
        today: Utc::now().date_naive(),
        tag: format!("s{}", options.seed),
        at: now(),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut conn = services.store.conn()?;
    // One service per 2,500 people and one employer per 100 vacancies, spread
    // over the largest towns.
    let service_count = (options.profiles as usize / 2_500).clamp(1, set.towns.len());
    let employer_count = (options.vacancies as usize / 100).clamp(1, 5_000);
    let (service_ids, employer_ids) =
        conn.write(|tx| add_organisations(tx, &set, service_count, employer_count))?;
    add_vacancies(&mut conn, &set, &mut rng, options, &employer_ids)?;
    add_profiles(&mut conn, &set, &mut rng, options, &service_ids)?;
    // Planner statistics after a bulk load.
    store::history::analyze(&mut conn)?;
    Ok(Report {
        backend: services.store.backend_name(),
        services: service_ids.len(),
        employers: employer_ids.len(),
        profiles: options.profiles,
        vacancies: options.vacancies,
        elapsed: started.elapsed(),
        database_bytes: database_bytes(services)?,
    })
}

/// What every part of one synthetic set shares.
struct Set {
    towns: Vec<Town>,
    taxonomy: std::sync::Arc<crate::domain::skills::Taxonomy>,
    today: chrono::NaiveDate,
    /// Marks this set's names, so two sets with other seeds can coexist.
    tag: String,
    at: chrono::NaiveDateTime,
}

/// The services, each with the index of its town, and the employers.
#[allow(clippy::type_complexity)]
fn add_organisations(
    c: &mut InTx,
    set: &Set,
    service_count: usize,
    employer_count: usize,
) -> Result<(Vec<(i64, usize)>, Vec<i64>), StoreError> {
    let (towns, tag) = (&set.towns, &set.tag);
    let mut service_ids = Vec::new();
    for i in 0..service_count {
        let town = &towns[i % towns.len()];
        service_ids.push((
            people::create_service(
                c,
                &NewService {
                    name: &format!("Synthetic service {tag}-{i:03} ({})", town.name),
                    kind: if i % 5 == 4 {
                        ServiceKind::Probation
                    } else {
                        ServiceKind::Prison
                    },
                    place_name: &town.name,
                    lat: town.lat,
                    lon: town.lon,
                },
            )?,
            i % towns.len(),
        ));
    }
    let mut employer_ids = Vec::new();
    for i in 0..employer_count {
        let sector = TEMPLATES[i % TEMPLATES.len()].sector;
        employer_ids.push(people::create_employer(
            c,
            &NewEmployer {
                name: &format!("Synthetic employer {tag}-{i:05}"),
                sector_slug: sector,
                contact_name: "Synthetic contact",
                contact_email: &format!("employer-{tag}-{i}@synthetic.invalid"),
                contact_phone: None,
                address: "Synthetic address",
                website: None,
                status: EmployerStatus::Approved,
                decided_by: None,
            },
        )?);
    }
    Ok((service_ids, employer_ids))
}

fn add_vacancies(
    conn: &mut Conn,
    set: &Set,
    rng: &mut ChaCha8Rng,
    options: &Options,
    employer_ids: &[i64],
) -> Result<(), SeedError> {
    let (towns, taxonomy, today, at) = (&set.towns, &set.taxonomy, set.today, set.at);
    let progress = bar(u64::from(options.vacancies), "vacancies", options.progress);
    let mut done = 0usize;
    while done < options.vacancies as usize {
        let n = BATCH.min(options.vacancies as usize - done);
        let mut batch = Vec::with_capacity(n);
        for i in 0..n {
            let template = TEMPLATES
                .choose(rng)
                .ok_or_else(|| SeedError::Data("no templates".into()))?;
            let town = &towns[rng.gen_range(0..towns.len())];
            let employer = employer_ids[rng.gen_range(0..employer_ids.len())];
            let mut input = generator::vacancy(rng, template, town, "This employer", today);
            generator::vary_kind(&mut input, (done + i) as u64, today);
            let details = VacancyDetails::parse(&input, taxonomy)
                .map_err(|e| SeedError::Data(format!("generated vacancy is invalid: {e}")))?;
            let status = if rng.gen_bool(0.9) {
                VacancyStatus::Published
            } else {
                VacancyStatus::Draft
            };
            batch.push((employer, status, details));
        }
        let items: Vec<store::vacancies::NewVacancy> = batch
            .iter()
            .map(
                |(employer_id, status, details)| store::vacancies::NewVacancy {
                    employer_id: *employer_id,
                    status: *status,
                    created_by: None,
                    details,
                },
            )
            .collect();
        conn.write(|c| store::vacancies::insert_many(c, &items, at))?;
        done += n;
        progress.set_position(done as u64);
    }
    progress.finish();

    Ok(())
}

fn add_profiles(
    conn: &mut Conn,
    set: &Set,
    rng: &mut ChaCha8Rng,
    options: &Options,
    service_ids: &[(i64, usize)],
) -> Result<(), SeedError> {
    let (towns, taxonomy, today, at, tag) =
        (&set.towns, &set.taxonomy, set.today, set.at, &set.tag);
    let progress = bar(u64::from(options.profiles), "profiles", options.progress);
    let mut done = 0usize;
    while done < options.profiles as usize {
        let n = BATCH.min(options.profiles as usize - done);
        let mut batch = Vec::with_capacity(n);
        for k in 0..n {
            let (service, home) = service_ids[rng.gen_range(0..service_ids.len())];
            // Most people are released near the service, some further away.
            let town = if rng.gen_bool(0.7) {
                &towns[home]
            } else {
                &towns[rng.gen_range(0..towns.len())]
            };
            let number = (done + k) as u64 + 1;
            let input = generator::profile(rng, number, town, today);
            let details = ProfileDetails::parse(&input, taxonomy)
                .map_err(|e| SeedError::Data(format!("generated profile is invalid: {e}")))?;
            let pseudonym = format!("{} {tag}", generator::pseudonym(rng, number));
            batch.push((service, pseudonym, details));
        }
        let items: Vec<store::profiles::NewProfile> = batch
            .iter()
            .map(
                |(service_id, pseudonym, details)| store::profiles::NewProfile {
                    service_id: *service_id,
                    officer_id: None,
                    pseudonym,
                    details,
                },
            )
            .collect();
        conn.write(|c| store::profiles::insert_many(c, &items, at))?;
        done += n;
        progress.set_position(done as u64);
    }
    progress.finish();

    Ok(())
}
