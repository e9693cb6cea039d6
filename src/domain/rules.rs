//! The eligibility rules, each written once.
//!
//! [`RuleCode`] names the rules in the order they are checked. Each rule's
//! entry in the three exhaustive matches below decides everything about it:
//! - [`RuleCode::check`]: when it fails and with what detail (each arm
//!   calls the rule's own `check_*` function). `assess` collects every
//!   failure; `eligible_score` stops at the first. Both run this one
//!   function, so they cannot disagree.
//! - [`RuleCode::is_restricted`]: whether its failure reveals offence,
//!   licence or barred information (such a view is audited as restricted).
//! - [`RuleCode::narrowing`]: whether the search index narrows candidates
//!   by it, on which document fields, or why it is left to `assess`. The
//!   filters themselves are built in `search::narrowing`, again by an
//!   exhaustive match on the code.
//!
//! A new rule does not compile until each match has its arm: its code and
//! sentence (the enum and [`FailureDetail`] with its `describe` text), its
//! check, its narrowing decision, and its tests. The README says how.

use std::borrow::Cow;
use std::ops::ControlFlow;

use chrono::NaiveDate;

use super::geo::distance_km;
use super::matching::{
    effective_start, starts_too_early, FailureDetail, RuleCode, VulnerableGroup,
};
use super::offence::ExclusionStance;
use super::profile::{LicenceConditions, Profile, ProfileDetails, ReleaseArea};
use super::vacancy::{
    KindDetails, Start, TrialTiming, Vacancy, VacancyDetails, VacancyKind, Workplace,
};

/// One vacancy and one person, with the facts every rule shares worked out
/// once: the effective start and the distance.
pub struct Pair<'a> {
    pub vacancy: &'a Vacancy,
    pub job: &'a VacancyDetails,
    pub person: &'a ProfileDetails,
    /// The licence conditions in force on `today`
    /// ([`LicenceConditions::as_of`]): one that has ended no longer counts.
    pub conditions: Cow<'a, LicenceConditions>,
    pub today: NaiveDate,
    /// The day work would start for this person (see `effective_start`).
    pub starts: NaiveDate,
    /// Straight-line km from the release area to an on-site workplace, when
    /// both are known.
    pub distance: Option<f64>,
    /// Straight-line km from the prison to an on-site workplace, for work
    /// done on day release (a placement, or a trial before release) when
    /// the prison is known.
    pub prison_distance: Option<f64>,
    /// The licence conditions that count for the curfew and exclusion zone
    /// rules: those in force on `today` for a job; for a work trial or a
    /// placement, which happen on their own dates, those still in force on
    /// its first day (a curfew that ends before the trial starts does not
    /// clash with it).
    pub conditions_at_work: Cow<'a, LicenceConditions>,
}

impl<'a> Pair<'a> {
    pub fn new(vacancy: &'a Vacancy, profile: &'a Profile, today: NaiveDate) -> Self {
        let job = &vacancy.details;
        let person = &profile.details;
        let distance = match (job.workplace(), person.release_area()) {
            (Workplace::OnSite(work), ReleaseArea::Place(home)) => {
                Some(distance_km(work.point(), home.point()))
            }
            _ => None,
        };
        let prison_distance = match (job.workplace(), &profile.prison) {
            (Workplace::OnSite(work), Some(prison)) if job.kind_details().on_day_release() => {
                Some(distance_km(work.point(), prison.point()))
            }
            _ => None,
        };
        let starts = effective_start(job, person, today);
        let conditions = person.licence_conditions().as_of(today);
        // Work on its own later dates sees the conditions of its first day;
        // anything else, or a first day that is today, those of today (a
        // borrowed copy, so ranking thousands of pairs works them out once).
        let conditions_at_work = match job.kind() {
            VacancyKind::WorkTrial | VacancyKind::RotlPlacement if starts > today => {
                person.licence_conditions().as_of(starts)
            }
            _ => conditions.clone(),
        };
        Pair {
            vacancy,
            job,
            person,
            conditions,
            today,
            starts,
            distance,
            prison_distance,
            conditions_at_work,
        }
    }
}

/// Where a rule's failures go.
pub trait Outcome {
    /// Records a failure (built only when wanted); `Break` stops checking.
    fn fail(&mut self, detail: impl FnOnce() -> FailureDetail) -> ControlFlow<()>;
}

/// Every failure, in rule order: the "why not?" answer.
#[derive(Default)]
pub struct AllFailures(pub Vec<FailureDetail>);

impl Outcome for AllFailures {
    fn fail(&mut self, detail: impl FnOnce() -> FailureDetail) -> ControlFlow<()> {
        self.0.push(detail());
        ControlFlow::Continue(())
    }
}

/// Stops at the first failure and builds no detail: for ranking thousands
/// of candidates.
#[derive(Default)]
pub struct AnyFailure(pub bool);

impl Outcome for AnyFailure {
    fn fail(&mut self, _detail: impl FnOnce() -> FailureDetail) -> ControlFlow<()> {
        self.0 = true;
        ControlFlow::Break(())
    }
}

/// How the search index takes a rule into account when it narrows the
/// candidates of a person or a vacancy (always a superset of what `assess`
/// accepts; `assess` decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Narrowing {
    /// Filtered in both directions on these document fields.
    Indexed {
        vacancy_fields: &'static [&'static str],
        profile_fields: &'static [&'static str],
    },
    /// Filtered on these fields, but looser than the rule (the rest is left
    /// to `assess`), for the reason given.
    Partly {
        vacancy_fields: &'static [&'static str],
        profile_fields: &'static [&'static str],
        left_to_assess: &'static str,
    },
    /// Not filtered by the index, for the reason given.
    AssessOnly(&'static str),
}

impl RuleCode {
    /// Checks this rule for a pair, sending each failure to `out`.
    pub fn check<O: Outcome>(self, pair: &Pair, out: &mut O) -> ControlFlow<()> {
        match self {
            RuleCode::VacancyNotOpen => check_open(pair, out),
            RuleCode::NoRightToWork => check_right_to_work(pair, out),
            RuleCode::RegulatedActivityBarred => check_barred(pair, out),
            RuleCode::OffenceExclusion => check_offences(pair, out),
            RuleCode::DrivingRestriction => check_driving(pair, out),
            RuleCode::MissingCertificate => check_certificates(pair, out),
            RuleCode::StartsBeforeRelease => check_start(pair, out),
            RuleCode::RotlNotEligible => check_day_release(pair, out),
            RuleCode::TrialTiming => check_trial_timing(pair, out),
            RuleCode::BeyondTravelRadius => check_travel(pair, out),
            RuleCode::BeyondRotlTravel => check_rotl_travel(pair, out),
            RuleCode::ExclusionZone => check_exclusion_zones(pair, out),
            RuleCode::CurfewConflict => check_curfews(pair, out),
        }
    }

    /// Whether the rule reads offence, licence or barred information, so
    /// that its failure reveals some.
    pub fn is_restricted(self) -> bool {
        match self {
            RuleCode::VacancyNotOpen
            | RuleCode::NoRightToWork
            | RuleCode::MissingCertificate
            | RuleCode::StartsBeforeRelease
            | RuleCode::RotlNotEligible
            | RuleCode::TrialTiming
            | RuleCode::BeyondTravelRadius => false,
            // The day release travel limit is a condition of the person's
            // temporary licence.
            RuleCode::BeyondRotlTravel
            | RuleCode::RegulatedActivityBarred
            | RuleCode::OffenceExclusion
            | RuleCode::DrivingRestriction
            | RuleCode::ExclusionZone
            | RuleCode::CurfewConflict => true,
        }
    }

    /// How the search index narrows candidates by this rule.
    pub fn narrowing(self) -> Narrowing {
        match self {
            RuleCode::VacancyNotOpen => Narrowing::Partly {
                vacancy_fields: &["status", "closing_day"],
                profile_fields: &[],
                left_to_assess: "whether applications have opened yet (opens_on): a vacancy \
                                 not yet open is published, and becomes open by time alone",
            },
            RuleCode::NoRightToWork => Narrowing::Indexed {
                vacancy_fields: &[],
                profile_fields: &["right_to_work"],
            },
            RuleCode::RegulatedActivityBarred => Narrowing::Indexed {
                vacancy_fields: &["regulated_children", "regulated_adults"],
                profile_fields: &["barred_children", "barred_adults"],
            },
            RuleCode::OffenceExclusion => Narrowing::Indexed {
                vacancy_fields: &["excluded_offences"],
                profile_fields: &["offence_categories"],
            },
            RuleCode::DrivingRestriction => Narrowing::Indexed {
                vacancy_fields: &["needs_driving_licence"],
                profile_fields: &["can_drive"],
            },
            RuleCode::MissingCertificate => Narrowing::Partly {
                vacancy_fields: &["required_certificates"],
                profile_fields: &["certificates"],
                left_to_assess: "whether a held certificate is still valid on the start day",
            },
            RuleCode::StartsBeforeRelease => Narrowing::Indexed {
                vacancy_fields: &["start_asap", "start_day", "rotl_suitable"],
                profile_fields: &["release_day", "rotl_eligible_day"],
            },
            RuleCode::RotlNotEligible => Narrowing::AssessOnly(
                "the start filter of starts_before_release (on rotl_suitable, start_day and \
                 rotl_eligible_day) already keeps only people on day release by a placement's \
                 start: placements and trials before release are always rotl_suitable; \
                 a placement starting after release is left to assess",
            ),
            RuleCode::TrialTiming => Narrowing::AssessOnly(
                "the start filter of starts_before_release already drops trials after release \
                 that start before it (they are never rotl_suitable); a trial before release \
                 ending after it is left to assess",
            ),
            RuleCode::BeyondRotlTravel => Narrowing::AssessOnly(
                "the distance is from each person's prison with each person's own limit, \
                 and applies only to work on day release: few pairs, checked exactly by assess",
            ),
            RuleCode::BeyondTravelRadius => Narrowing::Partly {
                vacancy_fields: &["_geo", "remote"],
                profile_fields: &[
                    "no_fixed_abode",
                    "reach_south",
                    "reach_north",
                    "reach_west",
                    "reach_east",
                ],
                left_to_assess: "the exact distance: geo filters are padded, and on Meilisearch a vacancy finds people by the box around each one's reach",
            },
            RuleCode::ExclusionZone => Narrowing::AssessOnly(
                "zones are circles of the person's own, one set per person: no index filter can test a workplace against them",
            ),
            RuleCode::CurfewConflict => Narrowing::AssessOnly(
                "shifts and curfews are weekly time windows that may cross midnight: overlap is not a range filter",
            ),
        }
    }
}

/// [`RuleCode::VacancyNotOpen`]: the vacancy takes applications today.
fn check_open(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    if !pair.vacancy.is_open(pair.today) {
        let closed = pair.job.closing_date().is_some_and(|c| c < pair.today);
        let not_yet = pair.job.opens_on().filter(|&opens| opens > pair.today);
        out.fail(|| FailureDetail::VacancyNotOpen {
            status: pair.vacancy.status,
            closing_date: pair.job.closing_date(),
            opens_on: if closed { None } else { not_yet },
        })?;
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::NoRightToWork`]: the person may work in the UK.
fn check_right_to_work(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    if !pair.person.right_to_work() {
        out.fail(|| FailureDetail::NoRightToWork)?;
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::RegulatedActivityBarred`]: no regulated activity with a
/// group the person is barred from.
fn check_barred(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    let (job, person) = (pair.job, pair.person);
    if job.regulated_children() && person.barred_children() {
        out.fail(|| FailureDetail::RegulatedActivityBarred {
            group: VulnerableGroup::Children,
        })?;
    }
    if job.regulated_adults() && person.barred_adults() {
        out.fail(|| FailureDetail::RegulatedActivityBarred {
            group: VulnerableGroup::Adults,
        })?;
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::OffenceExclusion`]: none of the person's offence categories
/// is one the employer excludes.
fn check_offences(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    for &category in pair.person.offence_categories() {
        if let Some(exclusion) = pair.job.exclusion_for(category) {
            if exclusion.stance() == ExclusionStance::Excluded {
                out.fail(|| FailureDetail::OffenceExclusion {
                    category,
                    reason: exclusion.reason().to_owned(),
                })?;
            }
        }
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::DrivingRestriction`]: a role that needs a licence goes to
/// someone who holds one and may drive.
fn check_driving(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    let (job, person, conditions) = (pair.job, pair.person, &pair.conditions);
    if job.needs_driving_licence() && (!person.driving_licence() || conditions.no_driving()) {
        out.fail(|| FailureDetail::DrivingRestriction {
            has_licence: person.driving_licence(),
            no_driving_condition: conditions.no_driving(),
        })?;
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::MissingCertificate`]: every required certificate is held
/// on the start (one still being gained counts from its expected day) and
/// still valid then.
fn check_certificates(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    for slug in pair.job.required_certificates() {
        let held = pair.person.certificate(slug);
        if !held.is_some_and(|certificate| certificate.is_valid_on(pair.starts)) {
            out.fail(|| FailureDetail::MissingCertificate {
                slug: slug.to_string(),
                expires_on: held.and_then(|certificate| certificate.expires_on()),
                expected_on: held.and_then(|certificate| certificate.expected_on()),
                needed_on: pair.starts,
            })?;
        }
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::StartsBeforeRelease`]: work starts after release, or on day
/// release (ROTL) where both sides allow it. Work trials and placements
/// have their own timing rules ([`RuleCode::RotlNotEligible`],
/// [`RuleCode::TrialTiming`]).
fn check_start(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    let (job, person) = (pair.job, pair.person);
    let own_timing = matches!(
        job.kind(),
        VacancyKind::WorkTrial | VacancyKind::RotlPlacement
    );
    if !own_timing && starts_too_early(job, person, pair.starts) {
        out.fail(|| FailureDetail::StartsBeforeRelease {
            starts: pair.starts,
            release_date: person.release_date(),
            rotl_suitable: job.rotl_suitable(),
            rotl_eligible_from: person.rotl_eligible_from(),
        })?;
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::RotlNotEligible`]: work on day release (a placement, or a
/// trial before release) starts on a day the person may be out on day
/// release: eligible by then, and not yet released (a placement after
/// release is no placement; a trial before release that starts after it
/// is a [`RuleCode::TrialTiming`] failure).
fn check_day_release(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    let (job, person) = (pair.job, pair.person);
    if !job.kind_details().on_day_release() {
        return ControlFlow::Continue(());
    }
    let released = pair.starts >= person.release_date();
    let eligible = person
        .rotl_eligible_from()
        .is_some_and(|eligible| eligible <= pair.starts);
    let fails = match job.kind() {
        VacancyKind::RotlPlacement => released || !eligible,
        _ => !released && !eligible,
    };
    if fails {
        out.fail(|| FailureDetail::RotlNotEligible {
            starts: pair.starts,
            release_date: person.release_date(),
            rotl_eligible_from: person.rotl_eligible_from(),
        })?;
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::TrialTiming`]: a trial before release ends before the
/// release day; a trial after release starts on or after it (the release
/// day counts as after release, as for jobs).
fn check_trial_timing(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    let KindDetails::WorkTrial {
        ends_on, timing, ..
    } = pair.job.kind_details()
    else {
        return ControlFlow::Continue(());
    };
    let release = pair.person.release_date();
    // A trial runs on its own dates: one that began before release cannot
    // be joined later, so its start is not moved on to today.
    let first_day = match pair.job.start() {
        Start::On(date) => date,
        Start::Asap => pair.starts,
    };
    let fails = match timing {
        TrialTiming::BeforeRelease => *ends_on >= release,
        TrialTiming::AfterRelease => first_day < release,
    };
    if fails {
        out.fail(|| FailureDetail::TrialTiming {
            timing: *timing,
            starts: pair.starts,
            ends_on: *ends_on,
            release_date: release,
        })?;
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::BeyondRotlTravel`]: work on day release is within the
/// person's day release travel limit from the prison (the travel radius
/// when no limit is recorded; inclusive, as the travel radius is).
fn check_rotl_travel(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    if let Some(km) = pair.prison_distance {
        let limit = pair.person.rotl_travel_limit_km();
        if km > limit {
            out.fail(|| FailureDetail::BeyondRotlTravel {
                distance_km: km,
                limit_km: limit,
                recorded: pair.person.rotl_travel_km().is_some(),
            })?;
        }
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::BeyondTravelRadius`]: a known distance is within the
/// person's travel limit.
fn check_travel(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    if let Some(km) = pair.distance {
        if km > pair.person.travel_radius_km() {
            out.fail(|| FailureDetail::BeyondTravelRadius {
                distance_km: km,
                radius_km: pair.person.travel_radius_km(),
            })?;
        }
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::ExclusionZone`]: the workplace is outside every exclusion
/// zone of the licence.
fn check_exclusion_zones(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    if let Some(work) = pair.job.workplace().place() {
        for zone in pair.conditions_at_work.exclusion_zones() {
            if zone.contains(work.point()) {
                out.fail(|| FailureDetail::ExclusionZone {
                    zone: zone.name().to_owned(),
                })?;
            }
        }
    }
    ControlFlow::Continue(())
}

/// [`RuleCode::CurfewConflict`]: no shift overlaps a curfew.
fn check_curfews(pair: &Pair, out: &mut impl Outcome) -> ControlFlow<()> {
    for shift in pair.job.shifts() {
        for curfew in pair.conditions_at_work.curfews() {
            let curfew = curfew.window();
            if let Some(overlap) = shift.overlap(curfew) {
                out.fail(|| FailureDetail::CurfewConflict {
                    shift: shift.clone(),
                    curfew: curfew.clone(),
                    overlap,
                })?;
            }
        }
    }
    ControlFlow::Continue(())
}
