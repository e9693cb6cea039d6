//! Activity for the synthetic set (`seed --synthetic --activity`): officers
//! with caseloads, matches, officer decisions, applications moving through
//! their states with an event per step, and work outcomes, over the last 18
//! months, so that report timings mean something. Proportions are rough
//! guesses at a working service, not data: about one match in three is
//! approved, two in five approved matches lead to an application, and about
//! one application in nine ends in a start.

use std::collections::HashMap;
use std::time::{Duration as Elapsed, Instant};

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::SeedError;
use crate::startup::Services;
use crate::store::history::{self, ApplicationRow, EventRow, MatchRow, OutcomeRow};
use crate::store::{now, Conn, InTx, StoreError};

/// People per officer's caseload.
const CASELOAD: i64 = 40;
const PROFILES_PER_BATCH: usize = 2_000;
const DAYS_BACK: i64 = 540;

pub struct ActivityReport {
    pub officers: usize,
    pub matches: usize,
    pub applications: usize,
    pub events: usize,
    pub outcomes: usize,
    pub elapsed: Elapsed,
}

impl std::fmt::Display for ActivityReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "added {} officers, {} matches, {} applications, {} application events and {} outcomes in {:.1} s",
            self.officers,
            self.matches,
            self.applications,
            self.events,
            self.outcomes,
            self.elapsed.as_secs_f64()
        )
    }
}

/// One application's path: (status, when), the first being the submission.
struct Path {
    steps: Vec<(&'static str, NaiveDateTime)>,
    start: Option<NaiveDate>,
}

fn path(rng: &mut ChaCha8Rng, applied: NaiveDateTime, until: NaiveDateTime) -> Path {
    let plan = [
        ("under_review", 0.95, 2),
        ("forwarded", 0.7, 3),
        ("interview", 0.45, 10),
        ("offer", 0.55, 6),
        ("started", 0.85, 14),
    ];
    walk(rng, applied, until, &plan, 600, false)
}

/// Walks an application from its submission through `plan`'s steps
/// (status, chance of reaching it, most days it takes), each step also
/// taking up to `minutes` minutes, until `until`, a refusal or the start.
/// A refusal at the first step ends the application as unsuccessful only
/// when `refuse_first` is set.
fn walk(
    rng: &mut ChaCha8Rng,
    applied: NaiveDateTime,
    until: NaiveDateTime,
    plan: &[(&'static str, f64, i64)],
    minutes: i64,
    refuse_first: bool,
) -> Path {
    let mut steps = vec![("interested", applied)];
    let mut at = applied;
    let mut start = None;
    for &(status, chance, days) in plan {
        let next = at
            + Duration::days(rng.gen_range(1..=days))
            + Duration::minutes(rng.gen_range(0..minutes));
        if next > until {
            break;
        }
        if !rng.gen_bool(chance) {
            if refuse_first || steps.len() > 1 {
                steps.push(("unsuccessful", next));
            }
            break;
        }
        at = next;
        steps.push((status, at));
        if status == "started" {
            start = Some(at.date());
        }
    }
    Path { steps, start }
}

/// Adds officers, matches, applications, events and outcomes for every
/// profile that has no matches yet.
pub fn seed(services: &Services, seed: u64) -> Result<ActivityReport, SeedError> {
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_acc7);
    let mut conn = services.store.conn()?;
    let vacancy_rows = history::published_vacancies(&mut conn)?;
    if vacancy_rows.is_empty() {
        return Err(SeedError::Data(
            "there are no published vacancies to match".into(),
        ));
    }
    let people = move_releases_back(&mut conn, &mut rng)?;
    let officers = add_officers(&mut conn, &people, seed)?;
    let mut report = ActivityReport {
        officers,
        matches: 0,
        applications: 0,
        events: 0,
        outcomes: 0,
        elapsed: started.elapsed(),
    };
    let world = World {
        today: Utc::now().date_naive(),
        until: now(),
        employer_of: vacancy_rows.iter().copied().collect(),
        vacancy_ids: vacancy_rows.iter().map(|(id, _)| *id).collect(),
    };
    for batch in people.chunks(PROFILES_PER_BATCH) {
        let (new_matches, planned) = plan_batch(&world, batch, &mut rng);
        let counts =
            conn.write(|tx| write_batch(tx, &world, batch, &new_matches, &planned, &mut rng))?;
        report.matches += new_matches.len();
        report.applications += counts.0;
        report.events += counts.1;
        report.outcomes += counts.2;
    }
    history::analyze(&mut conn)?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// What the synthetic activity is drawn from.
struct World {
    today: NaiveDate,
    until: NaiveDateTime,
    employer_of: HashMap<i64, i64>,
    vacancy_ids: Vec<i64>,
}

/// The synthetic profiles are released around today; moves most releases
/// back over the period so that the employment measures have people due.
/// Returns everyone without matches as (id, service, release).
fn move_releases_back(
    conn: &mut Conn,
    rng: &mut ChaCha8Rng,
) -> Result<Vec<(i64, i64, NaiveDate)>, SeedError> {
    let loaded = history::unmatched_people(conn)?;
    let mut moved: Vec<(i64, NaiveDate, Option<NaiveDate>)> = Vec::new();
    let people: Vec<(i64, i64, NaiveDate)> = loaded
        .into_iter()
        .map(|p| {
            let (id, service, release) = (p.id, p.service_id, p.release_date);
            if rng.gen_bool(0.6) {
                let back = Duration::days(rng.gen_range(60..DAYS_BACK));
                moved.push((id, release - back, p.rotl_eligible_from.map(|d| d - back)));
                (id, service, release - back)
            } else {
                (id, service, release)
            }
        })
        .collect();
    let at = now();
    for chunk in moved.chunks(PROFILES_PER_BATCH) {
        conn.write(|tx| {
            for (id, release, rotl) in chunk {
                history::move_release(tx, *id, *release, *rotl, Some(at))?;
            }
            Ok::<_, StoreError>(())
        })?;
    }
    Ok(people)
}

/// Officers: one per CASELOAD people of a service, each given a slice.
fn add_officers(
    conn: &mut Conn,
    people: &[(i64, i64, NaiveDate)],
    seed: u64,
) -> Result<usize, SeedError> {
    let mut by_service: HashMap<i64, Vec<i64>> = HashMap::new();
    for (id, service, _) in people {
        by_service.entry(*service).or_default().push(*id);
    }
    let mut officers = 0usize;
    let tag = format!("s{seed}");
    let mut services_sorted: Vec<_> = by_service.into_iter().collect();
    services_sorted.sort_by_key(|(s, _)| *s);
    let at = now();
    for (service, ids) in services_sorted {
        conn.write(|tx| {
            for (n, caseload) in ids.chunks(CASELOAD as usize).enumerate() {
                history::add_officer_with_caseload(
                    tx,
                    &format!("officer-{tag}-{service}-{n}@synthetic.invalid"),
                    &format!("Synthetic officer {n}"),
                    service,
                    caseload,
                    at,
                )?;
                officers += 1;
            }
            Ok::<_, StoreError>(())
        })?;
    }
    Ok(officers)
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// The matches of one batch of people, and the applications that follow
/// from some of the approved ones: (person, vacancy, path).
fn plan_batch(
    world: &World,
    batch: &[(i64, i64, NaiveDate)],
    rng: &mut ChaCha8Rng,
) -> (Vec<MatchRow>, Vec<(i64, i64, Path)>) {
    let (today, until) = (world.today, world.until);
    let mut new_matches = Vec::new();
    let mut planned: Vec<(i64, i64, Path)> = Vec::new();
    for &(profile, _, release) in batch {
        let count = rng.gen_range(0..=8);
        let chosen: Vec<i64> = world
            .vacancy_ids
            .choose_multiple(rng, count)
            .copied()
            .collect();
        for vacancy in chosen {
            let created = midnight(today - Duration::days(rng.gen_range(1..DAYS_BACK)))
                + Duration::minutes(rng.gen_range(0..1440));
            let decided = created + Duration::days(rng.gen_range(0..10));
            let roll: f64 = rng.gen();
            let (status, decided_at, reason) = if decided > until || roll < 0.4 {
                ("suggested", None, None)
            } else if roll < 0.75 {
                ("approved", Some(decided), None)
            } else if roll < 0.9 {
                (
                    "dismissed",
                    Some(decided),
                    Some("Not a good fit at the moment"),
                )
            } else {
                ("expired", None, None)
            };
            new_matches.push(MatchRow {
                profile_id: profile,
                vacancy_id: vacancy,
                status,
                score: rng.gen_range(0.2..1.0),
                distance_km: None,
                reasons: "[]".into(),
                required_met: 0,
                required_total: 0,
                dismiss_reason: reason,
                decided_by: None,
                decided_at,
                created_at: created,
                updated_at: decided_at.unwrap_or(created),
            });
            if status == "approved" && rng.gen_bool(0.4) {
                let applied = decided + Duration::days(rng.gen_range(1..14));
                if applied <= until {
                    // People apply before release and start after it.
                    let p = path(rng, applied, until);
                    let p = Path {
                        start: p
                            .start
                            .map(|s| s.max(release + Duration::days(rng.gen_range(0..60)))),
                        steps: p.steps,
                    };
                    planned.push((profile, vacancy, p));
                }
            }
        }
    }
    (new_matches, planned)
}

const STATEMENT: &str = "I have done this kind of work before and I am keen to start.";

/// Writes one batch: its matches, applications, their events and outcomes.
/// Returns (applications, events, outcomes) written.
fn write_batch(
    tx: &mut InTx,
    world: &World,
    batch: &[(i64, i64, NaiveDate)],
    new_matches: &[MatchRow],
    planned: &[(i64, i64, Path)],
    rng: &mut ChaCha8Rng,
) -> Result<(usize, usize, usize), StoreError> {
    history::insert_matches(tx, new_matches)?;
    let rows: Vec<ApplicationRow> = planned
        .iter()
        .map(|(profile, vacancy, p)| {
            let (status, last) = *p.steps.last().unwrap_or(&("interested", world.until));
            ApplicationRow {
                profile_id: *profile,
                vacancy_id: *vacancy,
                status,
                statement: STATEMENT,
                unsuccessful_reason: (status == "unsuccessful").then_some("not_shortlisted"),
                start_date: p.start,
                created_at: p.steps[0].1,
                updated_at: last,
            }
        })
        .collect();
    history::insert_applications(tx, &rows)?;
    let batch_ids: Vec<i64> = batch.iter().map(|p| p.0).collect();
    let ids = history::application_ids(tx, &batch_ids)?;
    let mut events = Vec::new();
    let mut results = Vec::new();
    for (profile, vacancy, p) in planned {
        let Some(&id) = ids.get(&(*profile, *vacancy)) else {
            continue;
        };
        events.extend(events_of(id, &p.steps, |_| "employer"));
        // A start still to come has no outcome yet.
        if let Some(start) = p.start.filter(|s| *s <= world.today) {
            let chances = [0.8, 0.85, 0.85];
            results.push(outcome(rng, world, *profile, id, *vacancy, start, chances));
        }
    }
    history::insert_events(tx, &events)?;
    history::insert_outcomes(tx, &results)?;
    Ok((rows.len(), events.len(), results.len()))
}

/// One event per step of an application's path. Who acted: the person
/// applied, the officer reviewed and forwarded, and `unsuccessful` says who
/// ended it; everything else is the employer's.
fn events_of(
    application_id: i64,
    steps: &[(&'static str, NaiveDateTime)],
    unsuccessful: impl Fn(&[(&'static str, NaiveDateTime)]) -> &'static str,
) -> Vec<EventRow> {
    let mut from = None;
    steps
        .iter()
        .map(|&(status, at)| {
            let event = EventRow {
                application_id,
                from_status: from,
                to_status: status,
                actor_kind: match status {
                    "interested" => "seeker",
                    "under_review" | "forwarded" => "officer",
                    "unsuccessful" => unsuccessful(steps),
                    _ => "employer",
                },
                at,
            };
            from = Some(status);
            event
        })
        .collect()
}

/// The outcome of an application that led to a start on `start`: whether
/// the person was still in work at 6 weeks, 13 weeks and 6 months (None
/// where not yet due). Each check passes with its chance, and once out of
/// work they stay out.
fn outcome(
    rng: &mut ChaCha8Rng,
    world: &World,
    profile_id: i64,
    application_id: i64,
    vacancy_id: i64,
    start: NaiveDate,
    chances: [f64; 3],
) -> OutcomeRow {
    let mut still = true;
    let mut check = |days: i64, chance: f64| {
        if start + Duration::days(days) > world.today {
            return None;
        }
        still = still && rng.gen_bool(chance);
        Some(still)
    };
    let in_work_6_weeks = check(42, chances[0]);
    let in_work_13_weeks = check(91, chances[1]);
    let in_work_6_months = check(182, chances[2]);
    OutcomeRow {
        profile_id,
        application_id: Some(application_id),
        employer_id: world.employer_of.get(&vacancy_id).copied(),
        started_on: start,
        in_work_6_weeks,
        in_work_13_weeks,
        in_work_6_months,
        created_at: midnight(start),
        updated_at: midnight(start),
    }
}

/// What [`demo_history`] added.
#[derive(Debug, Default)]
pub struct DemoHistory {
    pub matches: usize,
    pub applications: usize,
    pub outcomes: usize,
}

/// A year of history for the demo, so that every report shows real figures
/// (counts under 5 are still hidden; with 300 people in five services each
/// group has enough): about two in three people were released in the last
/// year; everyone without matches gets matches to vacancies that really fit
/// them (stored with their reasons, so a later matching run keeps them),
/// decided by their own officer; most approved matches lead to an
/// application that moves through its states, with an event per step, and
/// starts are followed up at 6 weeks, 13 weeks and 6 months. People still
/// to be released apply but do not start. Call once, after the demo's
/// people and vacancies are written and before anything else has matches.
pub fn demo_history(
    services: &Services,
    today: NaiveDate,
    seed: u64,
) -> Result<DemoHistory, SeedError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let until = now();
    let taxonomy = services.taxonomy.clone();
    let mut conn = services.store.conn()?;
    // Two in three were released during the last year, at least 7 weeks
    // ago, so that the employment measures have people due.
    let unmatched = history::unmatched_people(&mut conn)?;
    conn.write(|tx| {
        for p in &unmatched {
            if rng.gen_bool(0.67) {
                let back = Duration::days(rng.gen_range(50..330)) + (p.release_date - today);
                let rotl = p.rotl_eligible_from.map(|d| d - back);
                history::move_release(tx, p.id, p.release_date - back, rotl, None)?;
            }
        }
        Ok::<_, StoreError>(())
    })?;
    let vacancy_ids: Vec<i64> = history::published_vacancies(&mut conn)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let employer_of = history::employer_of_every_vacancy(&mut conn)?;
    let person_ids: Vec<i64> = unmatched.iter().map(|p| p.id).collect();
    let open = crate::store::vacancies::load_many(&mut conn, &vacancy_ids, &taxonomy)?;
    let people = crate::store::profiles::load_many(&mut conn, &person_ids, &taxonomy)?;
    let mut new_matches = Vec::new();
    let mut planned: Vec<(i64, i64, Path)> = Vec::new();
    for person in &people {
        let (matches, applications) = demo_person(person, &open, today, until, &mut rng);
        new_matches.extend(matches);
        planned.extend(applications);
    }
    let world = World {
        today,
        until,
        employer_of,
        vacancy_ids,
    };
    Ok(conn.write(|tx| write_demo(tx, &world, &new_matches, &planned, &mut rng))?)
}

/// One demo person's matches to vacancies that really fit them, and the
/// applications that follow from some of the approved ones.
fn demo_person(
    person: &crate::domain::profile::Profile,
    open: &[crate::domain::vacancy::Vacancy],
    today: NaiveDate,
    until: NaiveDateTime,
    rng: &mut ChaCha8Rng,
) -> (Vec<MatchRow>, Vec<(i64, i64, Path)>) {
    let release = person.details.release_date();
    let released = release <= today;
    let mut fits: Vec<(i64, crate::domain::matching::Assessment)> = open
        .iter()
        .map(|v| (v.id, crate::domain::matching::assess(v, person, today)))
        .filter(|(_, a)| a.eligible())
        .collect();
    fits.shuffle(rng);
    fits.truncate(rng.gen_range(3..=6));
    let mut new_matches = Vec::new();
    let mut planned = Vec::new();
    for (vacancy, a) in fits {
        // Found in the weeks around release (work is found before release
        // for most who find it), never more than a year ago; for people
        // still inside, in the last two months.
        let (earliest, latest) = if released {
            (release - Duration::days(45), release + Duration::days(14))
        } else {
            (today - Duration::days(60), today)
        };
        let earliest = earliest.max(today - Duration::days(340));
        let latest = latest.min(today).max(earliest);
        let span = (latest - earliest).num_days().max(1);
        let created = midnight(earliest + Duration::days(rng.gen_range(0..span)))
            + Duration::minutes(rng.gen_range(480..1080));
        let decided = created + Duration::days(rng.gen_range(1..6));
        let roll: f64 = rng.gen();
        let (status, decided_at, reason) = if decided > until || roll < 0.15 {
            ("suggested", None, None)
        } else if roll < 0.88 {
            ("approved", Some(decided), None)
        } else {
            (
                "dismissed",
                Some(decided),
                Some("Talked it through: not the right job for now"),
            )
        };
        let reasons = serde_json::to_string(&a.reasons).unwrap_or_else(|_| "[]".into());
        let (required_met, required_total) = crate::store::matches::required_skill_counts(&reasons);
        new_matches.push(MatchRow {
            profile_id: person.id,
            vacancy_id: vacancy,
            status,
            score: a.score.clamp(0.0, 1.0),
            distance_km: a.distance_km,
            reasons,
            required_met,
            required_total,
            dismiss_reason: reason,
            decided_by: decided_at.and(person.officer_id),
            decided_at,
            created_at: created,
            updated_at: decided_at.unwrap_or(created),
        });
        if status == "approved" && planned.len() < 2 && rng.gen_bool(0.9) {
            let applied = decided + Duration::days(rng.gen_range(1..7));
            if applied <= until {
                let p = demo_application(rng, applied, until, release, today);
                planned.push((person.id, vacancy, p));
            }
        }
    }
    (new_matches, planned)
}

/// The path of a demo application made at `applied` by someone released
/// (or to be released) on `release`.
fn demo_application(
    rng: &mut ChaCha8Rng,
    applied: NaiveDateTime,
    until: NaiveDateTime,
    release: NaiveDate,
    today: NaiveDate,
) -> Path {
    let released = release <= today;
    let mut p = demo_path(rng, applied, until);
    // The last fortnight's applications wait for the officer's review, so
    // the demo has some to review.
    if applied > until - Duration::days(14) {
        p.steps.truncate(1);
        p.start = None;
    }
    match p.start {
        // A start comes after release.
        Some(start) if released && start < release => {
            p.start = Some(release + Duration::days(rng.gen_range(0..21)));
            if p.start > Some(today) {
                p.start = None;
            }
        }
        Some(_) if !released => p.start = None,
        _ => {}
    }
    if p.start.is_none() {
        // No start: the path stops before it.
        if let Some(i) = p.steps.iter().position(|(s, _)| *s == "started") {
            p.steps.truncate(i);
        }
    } else if let (Some(start), Some(last)) = (p.start, p.steps.last_mut()) {
        last.1 = last.1.max(midnight(start) - Duration::days(1));
    }
    p
}

/// Writes the demo's matches, then each application with its events and
/// outcome.
fn write_demo(
    tx: &mut InTx,
    world: &World,
    new_matches: &[MatchRow],
    planned: &[(i64, i64, Path)],
    rng: &mut ChaCha8Rng,
) -> Result<DemoHistory, StoreError> {
    history::insert_matches(tx, new_matches)?;
    let mut added = DemoHistory {
        matches: new_matches.len(),
        ..DemoHistory::default()
    };
    for (profile, vacancy, p) in planned {
        let (status, last) = *p.steps.last().unwrap_or(&("interested", world.until));
        let id = history::insert_application(
            tx,
            &ApplicationRow {
                profile_id: *profile,
                vacancy_id: *vacancy,
                status,
                statement: STATEMENT,
                unsuccessful_reason: (status == "unsuccessful").then(|| demo_ending(&p.steps).1),
                start_date: p.start,
                created_at: p.steps[0].1,
                updated_at: last,
            },
        )?;
        added.applications += 1;
        history::insert_events(tx, &events_of(id, &p.steps, |s| demo_ending(s).0))?;
        if let Some(start) = p.start {
            let chances = [0.85, 0.9, 0.9];
            let row = outcome(rng, world, *profile, id, *vacancy, start, chances);
            history::insert_outcomes(tx, std::slice::from_ref(&row))?;
            added.outcomes += 1;
        }
    }
    Ok(added)
}

/// A demo application's path: like [`path`], with the better odds of
/// applications an officer has reviewed with the person.
fn demo_path(rng: &mut ChaCha8Rng, applied: NaiveDateTime, until: NaiveDateTime) -> Path {
    let plan = [
        ("under_review", 1.0, 2),
        ("forwarded", 0.85, 3),
        ("interview", 0.75, 8),
        ("offer", 0.7, 5),
        ("started", 0.9, 10),
    ];
    // A refusal, even at the first step, is the officer not forwarding it
    // or the employer not taking it further: either way it ends.
    walk(rng, applied, until, &plan, 480, true)
}

/// Who ended an unsuccessful demo application, and why: the officer when it
/// was never forwarded, else the employer.
fn demo_ending(steps: &[(&'static str, NaiveDateTime)]) -> (&'static str, &'static str) {
    let before = steps.len().checked_sub(2).map(|i| steps[i].0);
    if before == Some("under_review") {
        ("officer", "declined_by_officer")
    } else {
        ("employer", "not_shortlisted")
    }
}
