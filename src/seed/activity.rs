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
use diesel::prelude::*;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::SeedError;
use crate::startup::Services;
use crate::store::schema::{
    application_events, applications, matches, outcomes, profiles, users, vacancies,
};
use crate::store::{now, StoreError, CHILD_ROWS_PER_INSERT};
use crate::with_conn;

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

#[derive(Insertable)]
#[diesel(table_name = matches)]
struct NewMatch {
    profile_id: i64,
    vacancy_id: i64,
    status: &'static str,
    score: f64,
    reasons: &'static str,
    dismiss_reason: Option<&'static str>,
    decided_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = applications)]
struct NewApplication {
    profile_id: i64,
    vacancy_id: i64,
    status: &'static str,
    statement: &'static str,
    unsuccessful_reason: Option<&'static str>,
    start_date: Option<NaiveDate>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = application_events)]
struct NewEvent {
    application_id: i64,
    from_status: Option<&'static str>,
    to_status: &'static str,
    actor_kind: &'static str,
    at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = outcomes)]
struct NewOutcome {
    profile_id: i64,
    application_id: Option<i64>,
    employer_id: Option<i64>,
    started_on: NaiveDate,
    in_work_6_weeks: Option<bool>,
    in_work_13_weeks: Option<bool>,
    in_work_6_months: Option<bool>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// One application's path: (status, when), the first being the submission.
struct Path {
    steps: Vec<(&'static str, NaiveDateTime)>,
    start: Option<NaiveDate>,
}

fn path(rng: &mut ChaCha8Rng, applied: NaiveDateTime, until: NaiveDateTime) -> Path {
    let mut steps = vec![("interested", applied)];
    let mut at = applied;
    let mut start = None;
    let plan: [(&str, f64, i64); 5] = [
        ("under_review", 0.95, 2),
        ("forwarded", 0.7, 3),
        ("interview", 0.45, 10),
        ("offer", 0.55, 6),
        ("started", 0.85, 14),
    ];
    for (status, chance, days) in plan {
        let next =
            at + Duration::days(rng.gen_range(1..=days)) + Duration::minutes(rng.gen_range(0..600));
        if next > until {
            break;
        }
        if !rng.gen_bool(chance) {
            if steps.len() > 1 {
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
    let today = Utc::now().date_naive();
    let until = now();
    let mut conn = services.store.conn()?;
    let vacancy_rows: Vec<(i64, i64)> = with_conn!(&mut conn, |c| vacancies::table
        .filter(vacancies::status.eq("published"))
        .select((vacancies::id, vacancies::employer_id))
        .load(c)
        .map_err(StoreError::from)?);
    if vacancy_rows.is_empty() {
        return Err(SeedError::Data(
            "there are no published vacancies to match".into(),
        ));
    }
    let employer_of: HashMap<i64, i64> = vacancy_rows.iter().copied().collect();
    let vacancy_ids: Vec<i64> = vacancy_rows.iter().map(|(id, _)| *id).collect();
    let loaded: Vec<(i64, i64, NaiveDate, Option<NaiveDate>)> =
        with_conn!(&mut conn, |c| profiles::table
            .filter(diesel::dsl::not(diesel::dsl::exists(
                matches::table.filter(matches::profile_id.eq(profiles::id))
            )))
            .select((
                profiles::id,
                profiles::service_id,
                profiles::release_date,
                profiles::rotl_eligible_from,
            ))
            .order(profiles::id)
            .load(c)
            .map_err(StoreError::from)?);
    // The synthetic profiles are released around today; move most releases
    // back over the period so that the employment measures have people due.
    let mut moved: Vec<(i64, NaiveDate, Option<NaiveDate>)> = Vec::new();
    let people: Vec<(i64, i64, NaiveDate)> = loaded
        .into_iter()
        .map(|(id, service, release, rotl)| {
            if rng.gen_bool(0.6) {
                let back = Duration::days(rng.gen_range(60..DAYS_BACK));
                moved.push((id, release - back, rotl.map(|d| d - back)));
                (id, service, release - back)
            } else {
                (id, service, release)
            }
        })
        .collect();
    let at = now();
    for chunk in moved.chunks(PROFILES_PER_BATCH) {
        conn.write(|c| {
            with_conn!(c, |c| {
                for (id, release, rotl) in chunk {
                    diesel::update(profiles::table.find(id))
                        .set((
                            profiles::release_date.eq(release),
                            profiles::rotl_eligible_from.eq(rotl),
                            profiles::updated_at.eq(at),
                        ))
                        .execute(c)?;
                }
                Ok::<_, diesel::result::Error>(())
            })
        })
        .map_err(StoreError::from)?;
    }

    // Officers: one per CASELOAD people of a service, each given a slice.
    let mut by_service: HashMap<i64, Vec<i64>> = HashMap::new();
    for (id, service, _) in &people {
        by_service.entry(*service).or_default().push(*id);
    }
    let mut officers = 0usize;
    let tag = format!("s{seed}");
    let mut services_sorted: Vec<_> = by_service.into_iter().collect();
    services_sorted.sort_by_key(|(s, _)| *s);
    for (service, ids) in services_sorted {
        conn.write(|c| {
            with_conn!(c, |c| {
                for (n, caseload) in ids.chunks(CASELOAD as usize).enumerate() {
                    let officer: i64 = diesel::insert_into(users::table)
                        .values((
                            users::email
                                .eq(format!("officer-{tag}-{service}-{n}@synthetic.invalid")),
                            users::display_name.eq(format!("Synthetic officer {n}")),
                            // Not a valid hash: these accounts cannot sign in.
                            users::password_hash.eq("!synthetic"),
                            users::role.eq("officer"),
                            users::service_id.eq(Some(service)),
                            users::password_changed_at.eq(at),
                            users::created_at.eq(at),
                            users::updated_at.eq(at),
                        ))
                        .returning(users::id)
                        .get_result(c)?;
                    diesel::update(profiles::table.filter(profiles::id.eq_any(caseload)))
                        .set((
                            profiles::officer_id.eq(Some(officer)),
                            profiles::updated_at.eq(at),
                        ))
                        .execute(c)?;
                    officers += 1;
                }
                Ok::<_, diesel::result::Error>(())
            })
        })
        .map_err(StoreError::from)?;
    }

    let (mut match_count, mut application_count, mut event_count, mut outcome_count) = (0, 0, 0, 0);
    let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN);
    for batch in people.chunks(PROFILES_PER_BATCH) {
        let mut new_matches = Vec::new();
        let mut planned: Vec<(i64, i64, Path)> = Vec::new();
        for &(profile, _, release) in batch {
            let count = rng.gen_range(0..=8);
            let chosen: Vec<i64> = vacancy_ids
                .choose_multiple(&mut rng, count)
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
                new_matches.push(NewMatch {
                    profile_id: profile,
                    vacancy_id: vacancy,
                    status,
                    score: rng.gen_range(0.2..1.0),
                    reasons: "[]",
                    dismiss_reason: reason,
                    decided_at,
                    created_at: created,
                    updated_at: decided_at.unwrap_or(created),
                });
                if status == "approved" && rng.gen_bool(0.4) {
                    let applied = decided + Duration::days(rng.gen_range(1..14));
                    if applied <= until {
                        // People apply before release and start after it.
                        let p = path(&mut rng, applied, until);
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
        let counts = conn
            .write(|c| {
                with_conn!(c, |c| {
                    for chunk in new_matches.chunks(CHILD_ROWS_PER_INSERT) {
                        diesel::insert_into(matches::table)
                            .values(chunk)
                            .execute(c)?;
                    }
                    let rows: Vec<NewApplication> = planned
                        .iter()
                        .map(|(profile, vacancy, p)| {
                            let (status, last) = *p.steps.last().unwrap_or(&("interested", until));
                            NewApplication {
                                profile_id: *profile,
                                vacancy_id: *vacancy,
                                status,
                                statement:
                                    "I have done this kind of work before and I am keen to start.",
                                unsuccessful_reason: (status == "unsuccessful")
                                    .then_some("not_shortlisted"),
                                start_date: p.start,
                                created_at: p.steps[0].1,
                                updated_at: last,
                            }
                        })
                        .collect();
                    for chunk in rows.chunks(CHILD_ROWS_PER_INSERT) {
                        diesel::insert_into(applications::table)
                            .values(chunk)
                            .execute(c)?;
                    }
                    let batch_ids: Vec<i64> = batch.iter().map(|p| p.0).collect();
                    let ids: HashMap<(i64, i64), i64> = applications::table
                        .filter(applications::profile_id.eq_any(&batch_ids))
                        .select((
                            applications::profile_id,
                            applications::vacancy_id,
                            applications::id,
                        ))
                        .load::<(i64, i64, i64)>(c)?
                        .into_iter()
                        .map(|(p, v, id)| ((p, v), id))
                        .collect();
                    let mut events = Vec::new();
                    let mut results = Vec::new();
                    for (profile, vacancy, p) in &planned {
                        let Some(&id) = ids.get(&(*profile, *vacancy)) else {
                            continue;
                        };
                        let mut from = None;
                        for &(status, at) in &p.steps {
                            events.push(NewEvent {
                                application_id: id,
                                from_status: from,
                                to_status: status,
                                actor_kind: match status {
                                    "interested" => "seeker",
                                    "under_review" | "forwarded" => "officer",
                                    _ => "employer",
                                },
                                at,
                            });
                            from = Some(status);
                        }
                        // A start still to come has no outcome yet.
                        if let Some(start) = p.start.filter(|s| *s <= today) {
                            let due = |days: i64| start + Duration::days(days) <= today;
                            let mut still = true;
                            let mut check = |days: i64, chance: f64, rng: &mut ChaCha8Rng| {
                                if !due(days) {
                                    return None;
                                }
                                still = still && rng.gen_bool(chance);
                                Some(still)
                            };
                            let w6 = check(42, 0.8, &mut rng);
                            let w13 = check(91, 0.85, &mut rng);
                            let m6 = check(182, 0.85, &mut rng);
                            let at = midnight(start);
                            results.push(NewOutcome {
                                profile_id: *profile,
                                application_id: Some(id),
                                employer_id: employer_of.get(vacancy).copied(),
                                started_on: start,
                                in_work_6_weeks: w6,
                                in_work_13_weeks: w13,
                                in_work_6_months: m6,
                                created_at: at,
                                updated_at: at,
                            });
                        }
                    }
                    for chunk in events.chunks(CHILD_ROWS_PER_INSERT) {
                        diesel::insert_into(application_events::table)
                            .values(chunk)
                            .execute(c)?;
                    }
                    for chunk in results.chunks(CHILD_ROWS_PER_INSERT) {
                        diesel::insert_into(outcomes::table)
                            .values(chunk)
                            .execute(c)?;
                    }
                    Ok::<_, diesel::result::Error>((rows.len(), events.len(), results.len()))
                })
            })
            .map_err(StoreError::from)?;
        match_count += new_matches.len();
        application_count += counts.0;
        event_count += counts.1;
        outcome_count += counts.2;
    }
    with_conn!(&mut conn, |c| diesel::sql_query("ANALYZE").execute(c)).map_err(StoreError::from)?;
    Ok(ActivityReport {
        officers,
        matches: match_count,
        applications: application_count,
        events: event_count,
        outcomes: outcome_count,
        elapsed: started.elapsed(),
    })
}

#[derive(Insertable)]
#[diesel(table_name = matches)]
struct DemoMatch {
    profile_id: i64,
    vacancy_id: i64,
    status: &'static str,
    score: f64,
    distance_km: Option<f64>,
    reasons: String,
    required_met: i32,
    required_total: i32,
    dismiss_reason: Option<&'static str>,
    decided_by: Option<i64>,
    decided_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
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
    let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN);
    conn.write(|c| {
        with_conn!(c, |c| {
            let people: Vec<(i64, Option<i64>, NaiveDate, Option<NaiveDate>)> = profiles::table
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    matches::table.filter(matches::profile_id.eq(profiles::id)),
                )))
                .select((
                    profiles::id,
                    profiles::officer_id,
                    profiles::release_date,
                    profiles::rotl_eligible_from,
                ))
                .order(profiles::id)
                .load(c)?;
            // Two in three were released during the last year, at least 7
            // weeks ago, so that the employment measures have people due.
            for (id, _, release, rotl) in &people {
                if rng.gen_bool(0.67) {
                    let back = Duration::days(rng.gen_range(50..330)) + (*release - today);
                    diesel::update(profiles::table.find(id))
                        .set((
                            profiles::release_date.eq(*release - back),
                            profiles::rotl_eligible_from.eq(rotl.map(|d| d - back)),
                        ))
                        .execute(c)?;
                }
            }
            Ok::<_, diesel::result::Error>(())
        })
    })
    .map_err(StoreError::from)?;
    let vacancy_ids: Vec<i64> = with_conn!(&mut conn, |c| vacancies::table
        .filter(vacancies::status.eq("published"))
        .select(vacancies::id)
        .order(vacancies::id)
        .load(c)
        .map_err(StoreError::from)?);
    let employer_of: HashMap<i64, i64> = with_conn!(&mut conn, |c| vacancies::table
        .select((vacancies::id, vacancies::employer_id))
        .load::<(i64, i64)>(c)
        .map_err(StoreError::from)?)
    .into_iter()
    .collect();
    let person_ids: Vec<i64> = with_conn!(&mut conn, |c| profiles::table
        .filter(diesel::dsl::not(diesel::dsl::exists(
            matches::table.filter(matches::profile_id.eq(profiles::id)),
        )))
        .select(profiles::id)
        .order(profiles::id)
        .load(c)
        .map_err(StoreError::from)?);
    let open = crate::store::vacancies::load_many(&mut conn, &vacancy_ids, &taxonomy)?;
    let people = crate::store::profiles::load_many(&mut conn, &person_ids, &taxonomy)?;
    let mut new_matches = Vec::new();
    let mut planned: Vec<(i64, i64, Path)> = Vec::new();
    for person in &people {
        let release = person.details.release_date();
        let released = release <= today;
        let mut fits: Vec<(i64, crate::domain::matching::Assessment)> = open
            .iter()
            .map(|v| (v.id, crate::domain::matching::assess(v, person, today)))
            .filter(|(_, a)| a.eligible())
            .collect();
        fits.shuffle(&mut rng);
        fits.truncate(rng.gen_range(3..=6));
        let mut applied_to = 0;
        for (vacancy, a) in fits {
            // Found in the weeks around release (work is found before
            // release for most who find it), never more than a year ago;
            // for people still inside, in the last two months.
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
            let (required_met, required_total) =
                crate::store::matches::required_skill_counts(&reasons);
            new_matches.push(DemoMatch {
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
            if status == "approved" && applied_to < 2 && rng.gen_bool(0.9) {
                let applied = decided + Duration::days(rng.gen_range(1..7));
                if applied <= until {
                    applied_to += 1;
                    let mut p = demo_path(&mut rng, applied, until);
                    // The last fortnight's applications wait for the
                    // officer's review, so the demo has some to review.
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
                    planned.push((person.id, vacancy, p));
                }
            }
        }
    }
    let mut added = DemoHistory::default();
    conn.write(|c| {
        with_conn!(c, |c| {
            for chunk in new_matches.chunks(CHILD_ROWS_PER_INSERT) {
                diesel::insert_into(matches::table)
                    .values(chunk)
                    .execute(c)?;
            }
            added.matches = new_matches.len();
            for (profile, vacancy, p) in &planned {
                let (status, last) = *p.steps.last().unwrap_or(&("interested", until));
                let id: i64 = diesel::insert_into(applications::table)
                    .values(&NewApplication {
                        profile_id: *profile,
                        vacancy_id: *vacancy,
                        status,
                        statement: "I have done this kind of work before and I am keen to start.",
                        unsuccessful_reason: (status == "unsuccessful")
                            .then(|| demo_ending(&p.steps).1),
                        start_date: p.start,
                        created_at: p.steps[0].1,
                        updated_at: last,
                    })
                    .returning(applications::id)
                    .get_result(c)?;
                added.applications += 1;
                let mut from = None;
                let events: Vec<NewEvent> = p
                    .steps
                    .iter()
                    .map(|&(status, at)| {
                        let event = NewEvent {
                            application_id: id,
                            from_status: from,
                            to_status: status,
                            actor_kind: match status {
                                "interested" => "seeker",
                                "under_review" | "forwarded" => "officer",
                                "unsuccessful" => demo_ending(&p.steps).0,
                                _ => "employer",
                            },
                            at,
                        };
                        from = Some(status);
                        event
                    })
                    .collect();
                diesel::insert_into(application_events::table)
                    .values(&events)
                    .execute(c)?;
                if let Some(start) = p.start {
                    let due = |days: i64| start + Duration::days(days) <= today;
                    let mut still = true;
                    let mut check = |days: i64, chance: f64, rng: &mut ChaCha8Rng| {
                        if !due(days) {
                            return None;
                        }
                        still = still && rng.gen_bool(chance);
                        Some(still)
                    };
                    let w6 = check(42, 0.85, &mut rng);
                    let w13 = check(91, 0.9, &mut rng);
                    let m6 = check(182, 0.9, &mut rng);
                    diesel::insert_into(outcomes::table)
                        .values(&NewOutcome {
                            profile_id: *profile,
                            application_id: Some(id),
                            employer_id: employer_of.get(vacancy).copied(),
                            started_on: start,
                            in_work_6_weeks: w6,
                            in_work_13_weeks: w13,
                            in_work_6_months: m6,
                            created_at: midnight(start),
                            updated_at: midnight(start),
                        })
                        .execute(c)?;
                    added.outcomes += 1;
                }
            }
            Ok::<_, diesel::result::Error>(())
        })
    })
    .map_err(StoreError::from)?;
    Ok(added)
}

/// A demo application's path: like [`path`], with the better odds of
/// applications an officer has reviewed with the person.
fn demo_path(rng: &mut ChaCha8Rng, applied: NaiveDateTime, until: NaiveDateTime) -> Path {
    let mut steps = vec![("interested", applied)];
    let mut at = applied;
    let mut start = None;
    let plan: [(&str, f64, i64); 5] = [
        ("under_review", 1.0, 2),
        ("forwarded", 0.85, 3),
        ("interview", 0.75, 8),
        ("offer", 0.7, 5),
        ("started", 0.9, 10),
    ];
    for (status, chance, days) in plan {
        let next =
            at + Duration::days(rng.gen_range(1..=days)) + Duration::minutes(rng.gen_range(0..480));
        if next > until {
            break;
        }
        if !rng.gen_bool(chance) {
            // Not forwarded by the officer, or not taken further by the
            // employer: either way the application ends.
            steps.push(("unsuccessful", next));
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
