//! Eligibility and ranking of a (vacancy, profile) pair.
//!
//! [`assess`] is the only place eligibility is decided. A search engine may
//! narrow the candidates; it never decides. Every rule is evaluated, so an
//! officer asking "why is this job not shown?" sees every reason at once.
//!
//! An [`Assessment`] holds offence, licence and barred-list information: it
//! is for the person's own case officers only and must never be shown to an
//! employer. Job seekers see reasons re-worded by the web layer.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::offence::{ExclusionStance, OffenceCategory};
use super::profile::{Profile, ProfileDetails};
use super::rules::{AllFailures, AnyFailure, Pair};
use super::schedule::{Overlap, TimeWindow};
use super::skills::Taxonomy;
use super::slug::{self, Slug};
use super::vacancy::{Start, TrialTiming, Vacancy, VacancyDetails, VacancyStatus, Workplace};

slug_enum! {
    /// The stable code of each eligibility rule, in the order they are checked.
    pub enum RuleCode("rule code") {
        /// Not published, or the closing date has passed.
        VacancyNotOpen => "vacancy_not_open", "Vacancy not open",
        /// The person has no right to work.
        NoRightToWork => "no_right_to_work", "No right to work",
        /// Regulated activity with a group the person is barred from.
        RegulatedActivityBarred => "regulated_activity_barred", "Barred from regulated activity",
        /// One of the person's offence categories is excluded.
        OffenceExclusion => "offence_exclusion", "Offence category excluded",
        /// The role needs driving and the person cannot drive.
        DrivingRestriction => "driving_restriction", "Cannot drive",
        /// A required certificate is missing or expires before the start.
        MissingCertificate => "missing_certificate", "Missing certificate",
        /// The role starts before release (and day release does not cover it).
        StartsBeforeRelease => "starts_before_release", "Starts before release",
        /// A day release (ROTL) placement or a trial before release, and the
        /// person is not on day release on its start day.
        RotlNotEligible => "rotl_not_eligible", "Not on day release by the start",
        /// A work trial's dates do not fall before or after release as it says.
        TrialTiming => "trial_timing", "Trial dates do not fit release",
        /// The workplace is beyond the person's travel radius.
        BeyondTravelRadius => "beyond_travel_radius", "Too far to travel",
        /// Work on day release is beyond the person's day release travel
        /// limit from the prison.
        BeyondRotlTravel => "beyond_rotl_travel", "Too far from the prison",
        /// The workplace is inside an exclusion zone.
        ExclusionZone => "exclusion_zone", "Inside an exclusion zone",
        /// A shift overlaps a curfew.
        CurfewConflict => "curfew_conflict", "Clashes with curfew",
    }
}

/// A group that regulated activity involves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VulnerableGroup {
    /// Children.
    Children,
    /// Vulnerable adults.
    Adults,
}

/// What a failed rule found, with the data needed to explain it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FailureDetail {
    /// The vacancy is not published, or its closing date has passed.
    VacancyNotOpen {
        /// Its status.
        status: VacancyStatus,
        /// Its closing date, if any.
        closing_date: Option<NaiveDate>,
        /// The day applications open, when that is why it is not open (a
        /// published vacancy not yet open): time alone resolves it.
        opens_on: Option<NaiveDate>,
    },
    /// The person has no right to work.
    NoRightToWork,
    /// Regulated activity with a group the person is barred from.
    RegulatedActivityBarred {
        /// The group concerned.
        group: VulnerableGroup,
    },
    /// The employer cannot consider this offence category.
    OffenceExclusion {
        /// The category.
        category: OffenceCategory,
        /// The employer's stated reason.
        reason: String,
    },
    /// The role needs a driving licence.
    DrivingRestriction {
        /// Whether the person holds a licence.
        has_licence: bool,
        /// Whether licence conditions forbid driving.
        no_driving_condition: bool,
    },
    /// A required certificate is not held, or not valid on the start date.
    MissingCertificate {
        /// The certificate's slug.
        slug: String,
        /// When the held certificate expires; `None` when not held at all.
        expires_on: Option<NaiveDate>,
        /// When a certificate still being gained is expected; `None` when
        /// it is held already or not at all.
        expected_on: Option<NaiveDate>,
        /// The (effective) start date it must be valid on.
        needed_on: NaiveDate,
    },
    /// The role starts before release.
    StartsBeforeRelease {
        /// The effective start date.
        starts: NaiveDate,
        /// The release date.
        release_date: NaiveDate,
        /// Whether the role is suitable for day release.
        rotl_suitable: bool,
        /// When the person becomes eligible for day release, if ever.
        rotl_eligible_from: Option<NaiveDate>,
    },
    /// Day release does not cover the start of a placement or of a trial
    /// before release.
    RotlNotEligible {
        /// The (effective) start date.
        starts: NaiveDate,
        /// The release date.
        release_date: NaiveDate,
        /// When the person becomes eligible for day release, if ever.
        rotl_eligible_from: Option<NaiveDate>,
    },
    /// A work trial's dates are on the wrong side of release.
    TrialTiming {
        /// Whether the trial is before or after release.
        timing: TrialTiming,
        /// Its (effective) first day.
        starts: NaiveDate,
        /// Its last day.
        ends_on: NaiveDate,
        /// The release date.
        release_date: NaiveDate,
    },
    /// The workplace is farther than the person can travel.
    BeyondTravelRadius {
        /// Straight-line distance from the release area.
        distance_km: f64,
        /// The person's travel radius.
        radius_km: f64,
    },
    /// Work on day release is farther from the prison than the person may
    /// travel on day release.
    BeyondRotlTravel {
        /// Straight-line distance from the prison.
        distance_km: f64,
        /// The limit used.
        limit_km: f64,
        /// Whether the limit is the recorded day release limit (`false`:
        /// none is recorded, so the travel radius is used).
        recorded: bool,
    },
    /// The workplace is inside (or on the edge of) an exclusion zone.
    ExclusionZone {
        /// The zone's name.
        zone: String,
    },
    /// A shift overlaps a curfew.
    CurfewConflict {
        /// The vacancy's shift.
        shift: TimeWindow,
        /// The person's curfew.
        curfew: TimeWindow,
        /// Where they first overlap in the week.
        overlap: Overlap,
    },
}

impl FailureDetail {
    /// The rule this detail belongs to.
    pub fn code(&self) -> RuleCode {
        match self {
            FailureDetail::VacancyNotOpen { .. } => RuleCode::VacancyNotOpen,
            FailureDetail::NoRightToWork => RuleCode::NoRightToWork,
            FailureDetail::RegulatedActivityBarred { .. } => RuleCode::RegulatedActivityBarred,
            FailureDetail::OffenceExclusion { .. } => RuleCode::OffenceExclusion,
            FailureDetail::DrivingRestriction { .. } => RuleCode::DrivingRestriction,
            FailureDetail::MissingCertificate { .. } => RuleCode::MissingCertificate,
            FailureDetail::StartsBeforeRelease { .. } => RuleCode::StartsBeforeRelease,
            FailureDetail::RotlNotEligible { .. } => RuleCode::RotlNotEligible,
            FailureDetail::TrialTiming { .. } => RuleCode::TrialTiming,
            FailureDetail::BeyondTravelRadius { .. } => RuleCode::BeyondTravelRadius,
            FailureDetail::BeyondRotlTravel { .. } => RuleCode::BeyondRotlTravel,
            FailureDetail::ExclusionZone { .. } => RuleCode::ExclusionZone,
            FailureDetail::CurfewConflict { .. } => RuleCode::CurfewConflict,
        }
    }
}

/// One failed rule. A rule can fail more than once for a pair (two missing
/// certificates, two clashing shifts): each is its own failure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    #[serde(skip)]
    code: RuleCode,
    #[serde(flatten)]
    detail: FailureDetail,
}

impl Failure {
    fn new(detail: FailureDetail) -> Self {
        Self {
            code: detail.code(),
            detail,
        }
    }

    /// The rule's stable code.
    pub fn code(&self) -> RuleCode {
        self.code
    }

    /// What the rule found.
    pub fn detail(&self) -> &FailureDetail {
        &self.detail
    }

    /// A sentence for case officers, such as "Workplace is 31 km from the
    /// release area; travel limit is 25 km".
    pub fn describe(&self, taxonomy: &Taxonomy) -> String {
        match &self.detail {
            FailureDetail::VacancyNotOpen {
                status,
                closing_date,
                opens_on,
            } => describe_not_open(*status, *closing_date, *opens_on),
            FailureDetail::NoRightToWork => "The person has no right to work in the UK".to_owned(),
            FailureDetail::RegulatedActivityBarred { group } => describe_barred(*group).to_owned(),
            FailureDetail::OffenceExclusion { category, reason } => format!(
                "The employer cannot consider {}: \"{reason}\"",
                lower_first(category.label())
            ),
            FailureDetail::DrivingRestriction {
                has_licence,
                no_driving_condition,
            } => describe_driving(*has_licence, *no_driving_condition),
            FailureDetail::MissingCertificate {
                slug,
                expires_on,
                expected_on,
                needed_on,
            } => describe_missing_certificate(
                taxonomy.label(slug),
                *expires_on,
                *expected_on,
                *needed_on,
            ),
            FailureDetail::StartsBeforeRelease {
                starts,
                release_date,
                rotl_suitable,
                rotl_eligible_from,
            } => describe_start_before_release(
                *starts,
                *release_date,
                *rotl_suitable,
                *rotl_eligible_from,
            ),
            FailureDetail::BeyondTravelRadius {
                distance_km,
                radius_km,
            } => {
                let (distance, radius) = km_pair(*distance_km, *radius_km);
                format!(
                    "Workplace is {distance} km from the release area; travel limit is {radius} km"
                )
            }
            FailureDetail::RotlNotEligible {
                starts,
                release_date,
                rotl_eligible_from,
            } => describe_rotl_not_eligible(*starts, *release_date, *rotl_eligible_from),
            FailureDetail::TrialTiming {
                timing,
                starts,
                ends_on,
                release_date,
            } => describe_trial_timing(*timing, *starts, *ends_on, *release_date),
            FailureDetail::BeyondRotlTravel {
                distance_km,
                limit_km,
                recorded,
            } => describe_beyond_rotl_travel(*distance_km, *limit_km, *recorded),
            FailureDetail::ExclusionZone { zone } => {
                format!("Workplace is inside the exclusion zone \"{zone}\"")
            }
            FailureDetail::CurfewConflict {
                shift,
                curfew,
                overlap,
            } => {
                let kind = if shift.crosses_midnight() {
                    "Night shift"
                } else {
                    "Shift"
                };
                format!("{kind} {shift} overlaps the curfew {curfew} (first clash {overlap})")
            }
        }
    }
}

/// Why a vacancy that is not open cannot be applied to.
fn describe_not_open(
    status: VacancyStatus,
    closing_date: Option<NaiveDate>,
    opens_on: Option<NaiveDate>,
) -> String {
    match (status, closing_date, opens_on) {
        (VacancyStatus::Published, _, Some(opens)) => {
            format!("Not open yet: applications open on {}", format_date(opens))
        }
        (VacancyStatus::Published, Some(closing), None) => {
            format!("Applications closed on {}", format_date(closing))
        }
        _ => format!(
            "The vacancy is {}, not published",
            status.label().to_lowercase()
        ),
    }
}

/// A certificate the person lacks, gains only after the start, or holds
/// only until before the start.
fn describe_missing_certificate(
    label: &str,
    expires_on: Option<NaiveDate>,
    expected_on: Option<NaiveDate>,
    needed_on: NaiveDate,
) -> String {
    let name = lower_first(label);
    match (expected_on, expires_on) {
        (Some(expected), _) if expected > needed_on => format!(
            "Needs {name}, which the person is expected to gain on {}, after the start on {}",
            format_date(expected),
            format_date(needed_on)
        ),
        (_, None) => format!("Needs {name}, which the person does not hold"),
        (_, Some(expiry)) => format!(
            "Needs {name}, which expires on {}, before the start on {}",
            format_date(expiry),
            format_date(needed_on)
        ),
    }
}

fn describe_barred(group: VulnerableGroup) -> &'static str {
    match group {
        VulnerableGroup::Children => {
            "The role is regulated activity with children and the person is barred from \
             working with children"
        }
        VulnerableGroup::Adults => {
            "The role is regulated activity with vulnerable adults and the person is barred \
             from working with them"
        }
    }
}

fn describe_driving(has_licence: bool, no_driving_condition: bool) -> String {
    let why = match (has_licence, no_driving_condition) {
        (false, true) => "has no licence and licence conditions forbid driving",
        (false, false) => "has no licence",
        (true, _) => "is forbidden to drive by licence conditions",
    };
    format!("The role needs a driving licence; the person {why}")
}

fn describe_trial_timing(
    timing: TrialTiming,
    starts: NaiveDate,
    ends_on: NaiveDate,
    release_date: NaiveDate,
) -> String {
    match timing {
        TrialTiming::BeforeRelease => format!(
            "The trial is on day release before release, but its last day, {}, \
             is on or after release on {}",
            format_date(ends_on),
            format_date(release_date)
        ),
        TrialTiming::AfterRelease => format!(
            "The trial is after release, but starts on {}, before release on {}",
            format_date(starts),
            format_date(release_date)
        ),
    }
}

fn describe_beyond_rotl_travel(distance_km: f64, limit_km: f64, recorded: bool) -> String {
    let (distance, limit) = km_pair(distance_km, limit_km);
    let which = if recorded {
        "day release travel limit"
    } else {
        "no day release travel limit is recorded, so the travel radius applies"
    };
    format!("Workplace is {distance} km from the prison; {which}: {limit} km")
}

/// Why day release does not cover a placement or a trial before release.
fn describe_rotl_not_eligible(
    starts: NaiveDate,
    release_date: NaiveDate,
    rotl_eligible_from: Option<NaiveDate>,
) -> String {
    let starts_text = format_date(starts);
    if starts >= release_date {
        return format!(
            "Day release placement starts on {starts_text}, on or after release on {}: \
             day release is only before release",
            format_date(release_date)
        );
    }
    match rotl_eligible_from {
        None => format!(
            "Starts on {starts_text} on day release (ROTL); the person is not eligible for day release"
        ),
        Some(from) => format!(
            "Starts on {starts_text} on day release (ROTL); the person is eligible for day release only from {}",
            format_date(from)
        ),
    }
}

/// A start before release, and why day release (ROTL) does not cover it.
fn describe_start_before_release(
    starts: NaiveDate,
    release_date: NaiveDate,
    rotl_suitable: bool,
    rotl_eligible_from: Option<NaiveDate>,
) -> String {
    let rotl = match (rotl_suitable, rotl_eligible_from) {
        (false, _) => "the role is not suitable for day release (ROTL)".to_owned(),
        (true, None) => "the person is not eligible for day release (ROTL)".to_owned(),
        (true, Some(from)) => format!(
            "the person is eligible for day release (ROTL) only from {}",
            format_date(from)
        ),
    };
    format!(
        "Starts on {}, before release on {}; {rotl}",
        format_date(starts),
        format_date(release_date)
    )
}

/// Why a pair ranks as it does, as data: the web layer words it for
/// officers (see [`Reason::describe`]) and, in plain English and Welsh, for
/// job seekers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Required skills the person has (slugs), the ones missing, out of all.
    RequiredSkills {
        /// Slugs the person has.
        matched: Vec<String>,
        /// Slugs the person lacks.
        missing: Vec<String>,
        /// How many are required.
        total: usize,
    },
    /// Desirable skills the person has, out of all.
    DesirableSkills {
        /// Slugs the person has.
        matched: Vec<String>,
        /// How many are listed.
        total: usize,
    },
    /// The vacancy is in a sector the person is interested in.
    SectorInterest {
        /// Sector slug.
        sector: String,
    },
    /// Straight-line distance from the release area.
    Distance {
        /// Kilometres.
        km: f64,
    },
    /// The job is done from home.
    Remote,
    /// No fixed abode, so the distance to the workplace is unknown.
    NoFixedAbode,
    /// How the hours compare with the person's preference.
    HoursFit {
        /// The vacancy's hours per week.
        hours_per_week: f64,
        /// Fewest hours wanted.
        preferred_min: f64,
        /// Most hours wanted.
        preferred_max: f64,
    },
    /// Days from release to the (effective) start.
    StartsAfterRelease {
        /// Days; 0 means the day of release.
        days: i64,
    },
    /// The person is already released; days from today to the start.
    AlreadyReleased {
        /// Days until the start; 0 means it can start now.
        starts_in_days: i64,
    },
    /// Starts before release, on day release (ROTL).
    RotlBeforeRelease {
        /// Days before release that the work starts.
        days_before_release: i64,
    },
    /// A start as soon as possible: the person could start on the day of
    /// release.
    CouldStartOnRelease {
        /// The release date.
        date: NaiveDate,
    },
    /// A start as soon as possible: the person could start on day release
    /// (ROTL) before the release date.
    CouldStartOnDayRelease {
        /// The first day they could start.
        date: NaiveDate,
        /// Days from then to release.
        days_before_release: i64,
    },
    /// A start as soon as possible, and the person is already released.
    CouldStartNow,
    /// Offence categories the employer considers case by case.
    CaseByCase {
        /// The person's categories concerned.
        categories: Vec<OffenceCategory>,
    },
    /// The vacancy gives no shift times but the person has a curfew.
    ShiftTimesUnknown,
}

/// Whether any of these reasons (as stored with a match, or given with an
/// assessment) gives away offence, licence or barred information.
pub fn reveals_restricted(reasons: &[Reason]) -> bool {
    reasons.iter().any(Reason::is_restricted)
}

impl Reason {
    /// Whether this reason gives away offence, licence or barred
    /// information: the case-by-case categories, or a curfew behind "no
    /// shift times".
    pub fn is_restricted(&self) -> bool {
        matches!(self, Reason::CaseByCase { .. } | Reason::ShiftTimesUnknown)
    }

    /// A phrase for case officers, such as "3 of 4 required skills:
    /// forklift truck (counterbalance), stock control, manual handling".
    pub fn describe(&self, taxonomy: &Taxonomy) -> String {
        let labels = |slugs: &[String]| {
            slugs
                .iter()
                .map(|slug| lower_first(taxonomy.label(slug)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Reason::RequiredSkills {
                matched,
                missing,
                total,
            } => {
                let mut text = skills_held("required", matched.len(), *total, &labels(matched));
                if !missing.is_empty() {
                    text.push_str(&format!("; missing: {}", labels(missing)));
                }
                text
            }
            Reason::DesirableSkills { matched, total } => {
                skills_held("desirable", matched.len(), *total, &labels(matched))
            }
            Reason::SectorInterest { sector } => {
                format!(
                    "Interested in {}",
                    lower_first(taxonomy.sector_label(sector))
                )
            }
            Reason::Distance { km } => format!("{} km from release area", format_km(*km)),
            Reason::Remote => "Remote work: no travel needed".to_owned(),
            Reason::NoFixedAbode => {
                "No fixed abode: distance to the workplace is unknown".to_owned()
            }
            Reason::HoursFit {
                hours_per_week,
                preferred_min,
                preferred_max,
            } => describe_hours_fit(*hours_per_week, *preferred_min, *preferred_max),
            Reason::StartsAfterRelease { days } => match days {
                0 => "Starts on the day of release".to_owned(),
                1 => "Starts 1 day after release".to_owned(),
                _ => format!("Starts {days} days after release"),
            },
            Reason::AlreadyReleased { starts_in_days } => match starts_in_days {
                0 => "Already released; can start now".to_owned(),
                1 => "Already released; starts tomorrow".to_owned(),
                _ => format!("Already released; starts in {starts_in_days} days"),
            },
            Reason::RotlBeforeRelease {
                days_before_release,
            } => format!(
                "Starts {days_before_release} day{} before release, on day release (ROTL)",
                if *days_before_release == 1 { "" } else { "s" }
            ),
            Reason::CouldStartOnRelease { date } => {
                format!("Could start on release, {}", format_date(*date))
            }
            Reason::CouldStartOnDayRelease {
                date,
                days_before_release,
            } => format!(
                "Could start on day release (ROTL) from {}, {days_before_release} day{} before release",
                format_date(*date),
                if *days_before_release == 1 { "" } else { "s" }
            ),
            Reason::CouldStartNow => "Already released; could start now".to_owned(),
            Reason::CaseByCase { categories } => format!(
                "The employer considers case by case: {}",
                category_labels(categories)
            ),
            Reason::ShiftTimesUnknown => {
                "Shift times are not given; check them against the curfew".to_owned()
            }
        }
    }
}

/// How many of the required or desirable skills the person has, naming
/// them (`labels`) when there are any.
fn skills_held(kind: &str, matched: usize, total: usize, labels: &str) -> String {
    if matched == 0 {
        format!("None of the {total} {kind} skills")
    } else {
        format!("{matched} of {total} {kind} skills: {labels}")
    }
}

/// Offence category labels joined for a sentence, each with `lower_first`.
fn category_labels(categories: &[OffenceCategory]) -> String {
    categories
        .iter()
        .map(|category| lower_first(category.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How the hours compare with the preferred range.
fn describe_hours_fit(hours_per_week: f64, preferred_min: f64, preferred_max: f64) -> String {
    let range = format!(
        "{}–{}",
        format_number(preferred_min),
        format_number(preferred_max)
    );
    let fits = (preferred_min..=preferred_max).contains(&hours_per_week);
    let hours = format_number(hours_per_week);
    if fits {
        format!("{hours} hours a week, within the preferred {range}")
    } else {
        format!("{hours} hours a week; prefers {range}")
    }
}

/// The result of assessing one pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// Every failed rule, in rule order; empty when eligible.
    pub failures: Vec<Failure>,
    /// 0 to 1; 0 when ineligible. See [`assess`] for the weights.
    pub score: f64,
    /// Why it ranks as it does (given even when ineligible, for officers).
    pub reasons: Vec<Reason>,
    /// Straight-line distance, when both places are known.
    pub distance_km: Option<f64>,
    /// The person's offence categories the employer considers case by case.
    pub case_by_case: Vec<OffenceCategory>,
}

impl Assessment {
    /// Whether no rule failed.
    pub fn eligible(&self) -> bool {
        self.failures.is_empty()
    }

    /// Whether showing this answer reveals offence, licence or barred
    /// information: a failure of a rule that reads them, a case-by-case
    /// category, or a reason that gives one away (no shift times for a
    /// person with a curfew). Such a view is audited as restricted.
    pub fn shows_restricted(&self) -> bool {
        !self.case_by_case.is_empty()
            || self.failures.iter().any(|f| f.code().is_restricted())
            || reveals_restricted(&self.reasons)
    }

    /// The codes of the failed rules, each once, in rule order.
    pub fn codes(&self) -> Vec<RuleCode> {
        let mut codes: Vec<RuleCode> = Vec::new();
        for failure in &self.failures {
            if !codes.contains(&failure.code) {
                codes.push(failure.code);
            }
        }
        codes
    }

    /// Whether a particular rule failed.
    pub fn fails(&self, code: RuleCode) -> bool {
        self.failures.iter().any(|failure| failure.code == code)
    }
}

/// Score weights; they add up to 1.
pub const WEIGHT_REQUIRED_SKILLS: f64 = 0.40;
/// Weight of desirable-skill coverage.
pub const WEIGHT_DESIRABLE_SKILLS: f64 = 0.15;
/// Weight of sector interest.
pub const WEIGHT_SECTOR: f64 = 0.15;
/// Weight of distance.
pub const WEIGHT_DISTANCE: f64 = 0.15;
/// Weight of hours fit.
pub const WEIGHT_HOURS: f64 = 0.10;
/// Weight of start timing.
pub const WEIGHT_START: f64 = 0.05;

/// Hours outside the preferred range at which the hours component reaches 0.
pub const HOURS_GAP_FOR_ZERO: f64 = 20.0;
/// Starting up to this many days after the person is available earns full
/// marks for timing.
pub const START_FULL_MARKS_DAYS: i64 = 28;
/// Starting this many days or more after the person is available earns none.
pub const START_ZERO_DAYS: i64 = 180;

/// The day the start-related rules use for this person, never before today.
///
/// - A set date: that date, or today when it has passed. A vacancy still
///   open after its start date (rolling recruitment) in effect starts as
///   soon as someone is found, so a certificate must be valid, and the
///   person released, from today.
/// - As soon as possible: the person's [`earliest_start`].
pub fn effective_start(
    job: &VacancyDetails,
    person: &ProfileDetails,
    today: NaiveDate,
) -> NaiveDate {
    match job.start() {
        Start::On(date) => date.max(today),
        Start::Asap => earliest_start(job, person, today),
    }
}

/// The first day the person could be at work in this job, when it starts
/// as soon as possible: their release date, or the day their day release
/// (ROTL) eligibility begins when that is earlier and the role is
/// ROTL-suitable; never before today.
pub fn earliest_start(
    job: &VacancyDetails,
    person: &ProfileDetails,
    today: NaiveDate,
) -> NaiveDate {
    let release = person.release_date();
    let first = match person.rotl_eligible_from() {
        Some(eligible) if job.rotl_suitable() => eligible.min(release),
        _ => release,
    };
    first.max(today)
}

/// Whether `starts_before_release` fails: the role starts on a set date
/// before release, and day release does not cover it (the role is not
/// ROTL-suitable, or the person is not eligible by then). A start as soon
/// as possible waits for the person, so it never fails on this ground.
pub(crate) fn starts_too_early(
    job: &VacancyDetails,
    person: &ProfileDetails,
    starts: NaiveDate,
) -> bool {
    let rotl_covers = job.rotl_suitable()
        && person
            .rotl_eligible_from()
            .is_some_and(|eligible| eligible <= starts);
    matches!(job.start(), Start::On(_)) && starts < person.release_date() && !rotl_covers
}

/// Decides whether the person can be matched with the vacancy and how well
/// they fit. Pure and deterministic.
///
/// Every rule of the domain's table is evaluated, in [`RuleCode`] order.
/// Where the domain is silent:
/// - the closing date is the last day to apply, so closing today is open;
/// - start-related rules use [`effective_start`]: for a vacancy that starts
///   as soon as possible, the person's [`earliest_start`], so certificates
///   must be valid on the day that person could begin and
///   `starts_before_release` never fails;
/// - a certificate is valid on its expiry date, so one expiring on the start
///   day passes; required certificates are checked only from
///   `required_certificates`;
/// - day release (ROTL) covers a start before release when the role is
///   ROTL-suitable and the person is eligible on or before the start;
/// - the travel limit is inclusive (exactly on the radius passes); remote
///   roles pass; with no fixed abode the distance is unknown, so the rule
///   passes and a [`Reason::NoFixedAbode`] tells the officer to check;
/// - curfews, exclusion zones and the driving ban count only while in force
///   on `today` (see `domain::licence`): a condition still applies on its
///   last day, and never after the licence ends;
/// - a workplace on the edge of an exclusion zone is inside it;
/// - a vacancy without shift times passes the curfew rule (its hours are
///   unknown); when the person has a curfew in force, [`Reason::ShiftTimesUnknown`]
///   asks the officer to check. Windows that only touch do not clash.
///
/// The score, 0 when ineligible, is a weighted sum of components in 0..=1:
/// - required skills 0.40: share held (a skill counts when the person lists
///   it as a skill or holds it as a certificate); none required = 1;
/// - desirable skills 0.15: likewise; none listed = 1;
/// - sector 0.15: 1 when the vacancy's sector is among the person's
///   interests, 0.5 when they stated none, else 0;
/// - distance 0.15: 1 at 0 km falling linearly to 0 at the travel radius;
///   remote = 1; no fixed abode = 0.5;
/// - hours 0.10: 1 inside the preferred range, falling linearly to 0 at
///   [`HOURS_GAP_FOR_ZERO`] hours outside it; no preference = 1;
/// - start timing 0.05: 1 when work starts within [`START_FULL_MARKS_DAYS`]
///   days of the person being available (release, or today if already
///   released) or before release on ROTL, falling linearly to 0 at
///   [`START_ZERO_DAYS`]; a start as soon as possible begins when the
///   person is available, so it earns full marks.
///
/// Keyword relevance is added by the search layer, not here.
pub fn assess(vacancy: &Vacancy, profile: &Profile, today: NaiveDate) -> Assessment {
    let pair = Pair::new(vacancy, profile, today);
    let mut failures = AllFailures::default();
    for rule in RuleCode::ALL {
        // Collecting never stops early.
        let _ = rule.check(&pair, &mut failures);
    }
    let (job, starts, distance) = (pair.job, pair.starts, pair.distance);
    // Categories the employer considers case by case: not a failure, but
    // the officer must see them.
    let case_by_case: Vec<OffenceCategory> = profile
        .details
        .offence_categories()
        .iter()
        .copied()
        .filter(|&category| {
            job.exclusion_for(category)
                .is_some_and(|e| e.stance() == ExclusionStance::CaseByCase)
        })
        .collect();
    let curfew_in_force = !pair.conditions.curfews().is_empty();
    let ranking = rank(job, profile, today, starts, distance, &case_by_case);
    let failures: Vec<Failure> = failures.0.into_iter().map(Failure::new).collect();
    let score = if failures.is_empty() {
        ranking.score
    } else {
        0.0
    };
    let mut reasons = ranking.reasons;
    if job.shifts().is_empty() && curfew_in_force {
        reasons.push(Reason::ShiftTimesUnknown);
    }
    Assessment {
        failures,
        score,
        reasons,
        distance_km: distance,
        case_by_case,
    }
}

/// `Some(score)` exactly when [`assess`] finds the pair eligible, with the
/// same score, but without building failures or reasons: matching ranks
/// thousands of candidates with this, then calls `assess` only for the
/// ones it shows. A test holds the two together over generated pairs.
pub fn eligible_score(vacancy: &Vacancy, profile: &Profile, today: NaiveDate) -> Option<f64> {
    let pair = Pair::new(vacancy, profile, today);
    let mut failed = AnyFailure::default();
    for rule in RuleCode::ALL {
        if rule.check(&pair, &mut failed).is_break() {
            return None;
        }
    }
    let (job, starts, distance) = (pair.job, pair.starts, pair.distance);
    Some(score_of(job, &profile.details, today, starts, distance))
}

/// The weighted score of a pair (see [`assess`] for the weights), before
/// eligibility zeroes it.
fn score_of(
    job: &VacancyDetails,
    person: &ProfileDetails,
    today: NaiveDate,
    starts: NaiveDate,
    distance: Option<f64>,
) -> f64 {
    let has = |slug: &Slug| person.has_skill(slug) || person.certificate(slug).is_some();
    let required = coverage(
        job.required_skills().iter().filter(|s| has(s)).count(),
        job.required_skills().len(),
    );
    let desirable = coverage(
        job.desirable_skills().iter().filter(|s| has(s)).count(),
        job.desirable_skills().len(),
    );
    let interests = person.sectors_of_interest();
    let sector = if interests.iter().any(|s| s == job.sector()) {
        1.0
    } else if interests.is_empty() {
        0.5
    } else {
        0.0
    };
    let nearness = match (job.workplace(), distance) {
        (Workplace::Remote, _) => 1.0,
        (Workplace::OnSite(_), Some(km)) => {
            let radius = person.travel_radius_km();
            if radius > 0.0 {
                (1.0 - km / radius).clamp(0.0, 1.0)
            } else if km <= 0.0 {
                1.0
            } else {
                0.0
            }
        }
        (Workplace::OnSite(_), None) => 0.5,
    };
    let hours = match person.preferred_hours() {
        None => 1.0,
        Some(preferred) => {
            (1.0 - preferred.gap(job.hours_per_week()) / HOURS_GAP_FOR_ZERO).clamp(0.0, 1.0)
        }
    };
    let available = person.release_date().max(today);
    let wait = (starts - available).num_days();
    let timing = if wait <= START_FULL_MARKS_DAYS {
        1.0
    } else {
        let span = (START_ZERO_DAYS - START_FULL_MARKS_DAYS) as f64;
        (1.0 - (wait - START_FULL_MARKS_DAYS) as f64 / span).clamp(0.0, 1.0)
    };
    let score = WEIGHT_REQUIRED_SKILLS * required
        + WEIGHT_DESIRABLE_SKILLS * desirable
        + WEIGHT_SECTOR * sector
        + WEIGHT_DISTANCE * nearness
        + WEIGHT_HOURS * hours
        + WEIGHT_START * timing;
    score.clamp(0.0, 1.0)
}

struct Ranking {
    score: f64,
    reasons: Vec<Reason>,
}

fn rank(
    job: &VacancyDetails,
    profile: &Profile,
    today: NaiveDate,
    starts: NaiveDate,
    distance: Option<f64>,
    case_by_case: &[OffenceCategory],
) -> Ranking {
    let person = &profile.details;
    let mut reasons = skill_reasons(job, person);

    if person
        .sectors_of_interest()
        .iter()
        .any(|s| s == job.sector())
    {
        reasons.push(Reason::SectorInterest {
            sector: job.sector().to_owned(),
        });
    }

    reasons.push(match (job.workplace(), distance) {
        (Workplace::Remote, _) => Reason::Remote,
        (Workplace::OnSite(_), Some(km)) => Reason::Distance { km },
        (Workplace::OnSite(_), None) => Reason::NoFixedAbode,
    });

    if let Some(preferred) = person.preferred_hours() {
        reasons.push(Reason::HoursFit {
            hours_per_week: job.hours_per_week(),
            preferred_min: preferred.min(),
            preferred_max: preferred.max(),
        });
    }

    reasons.extend(start_reason(job, person, today, starts));
    if !case_by_case.is_empty() {
        reasons.push(Reason::CaseByCase {
            categories: case_by_case.to_vec(),
        });
    }

    // The reasons above explain the score; `score_of` computes it, so the
    // fast path (`eligible_score`) and `assess` cannot drift apart.
    Ranking {
        score: score_of(job, person, today, starts, distance),
        reasons,
    }
}

/// The required and desirable skills the person has, for a vacancy that
/// lists any.
fn skill_reasons(job: &VacancyDetails, person: &ProfileDetails) -> Vec<Reason> {
    let mut reasons = Vec::new();
    let has = |slug: &Slug| person.has_skill(slug) || person.certificate(slug).is_some();

    let (matched, missing): (Vec<&Slug>, Vec<&Slug>) =
        job.required_skills().iter().partition(|slug| has(slug));
    let (matched, missing) = (slug::texts(matched), slug::texts(missing));
    if !job.required_skills().is_empty() {
        reasons.push(Reason::RequiredSkills {
            matched,
            missing,
            total: job.required_skills().len(),
        });
    }

    let matched = slug::texts(job.desirable_skills().iter().filter(|s| has(s)));
    if !job.desirable_skills().is_empty() {
        reasons.push(Reason::DesirableSkills {
            matched,
            total: job.desirable_skills().len(),
        });
    }
    reasons
}

/// When the person could start, relative to release and today.
fn start_reason(
    job: &VacancyDetails,
    person: &ProfileDetails,
    today: NaiveDate,
    starts: NaiveDate,
) -> Option<Reason> {
    let release = person.release_date();
    if job.start() == Start::Asap {
        // The earliest start is the release date, an earlier start on day
        // release, or today for someone already out.
        Some(if starts < release {
            Reason::CouldStartOnDayRelease {
                date: starts,
                days_before_release: (release - starts).num_days(),
            }
        } else if release >= today {
            Reason::CouldStartOnRelease { date: release }
        } else {
            Reason::CouldStartNow
        })
    } else if starts < release {
        // Only reachable for an eligible pair through ROTL; for an
        // ineligible one the failure already explains it.
        (job.rotl_suitable()
            && person
                .rotl_eligible_from()
                .is_some_and(|eligible| eligible <= starts))
        .then(|| Reason::RotlBeforeRelease {
            days_before_release: (release - starts).num_days(),
        })
    } else if release >= today {
        Some(Reason::StartsAfterRelease {
            days: (starts - release).num_days(),
        })
    } else {
        Some(Reason::AlreadyReleased {
            starts_in_days: (starts - today).num_days(),
        })
    }
}

/// Share of `total` that is `matched`; nothing asked for counts as full.
fn coverage(matched: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        matched as f64 / total as f64
    }
}

/// "1 June 2025".
pub(crate) fn format_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// Whole kilometres from 10 km up, one decimal below.
fn format_km(km: f64) -> String {
    if km >= 10.0 {
        format!("{km:.0}")
    } else {
        format_number((km * 10.0).round() / 10.0)
    }
}

/// A distance and a limit, with a decimal place when rounding would make
/// them look equal ("25.3 km; travel limit is 25 km" rather than "25; 25").
fn km_pair(distance: f64, radius: f64) -> (String, String) {
    let (d, r) = (format_km(distance), format_km(radius));
    if d == r {
        (format!("{distance:.1}"), format_number(radius))
    } else {
        (d, r)
    }
}

/// "37.5", "40" (no trailing ".0").
fn format_number(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

/// First words of taxonomy labels that are names, not ordinary words: a
/// label starting with one keeps its capital mid-sentence ("Python
/// programming", "Welsh speaking").
const PROPER_FIRST_WORDS: &[&str] = &[
    "British",
    "Cisco",
    "English",
    "Excel",
    "Google",
    "Irish",
    "JavaScript",
    "Linux",
    "Microsoft",
    "Polish",
    "Python",
    "Sage",
    "Scottish",
    "Welsh",
    "Windows",
    "Xero",
];

/// Lower-cases the first letter of a label for use mid-sentence, only when
/// the label starts with an ordinary word. It is kept when the first word
/// has a capital after its first letter (an acronym or brand: "CSCS card",
/// "CompTIA A+", "IT, office and contact centre"), when the second word
/// starts with a capital (a name: "Microsoft Office", "Gas Safe
/// registration", "Care Certificate"), or when the first word is a known
/// proper noun ([`PROPER_FIRST_WORDS`]).
pub(crate) fn lower_first(label: &str) -> String {
    let mut words = label.split_whitespace();
    let first = words.next().unwrap_or("");
    let name: String = first.chars().filter(|c| c.is_alphanumeric()).collect();
    let keep = first.chars().skip(1).any(char::is_uppercase)
        || words
            .next()
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase)
        || PROPER_FIRST_WORDS.contains(&name.as_str());
    if keep {
        return label.to_owned();
    }
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::geo::tests::destination;
    use crate::domain::geo::{ExclusionZoneInput, PlaceInput};
    use crate::domain::offence::OffenceExclusionInput;
    use crate::domain::profile::tests as profile_fixtures;
    use crate::domain::profile::{
        CertificateInput, CurfewInput, ProfileDetails, ProfileInput, ProfileSkillInput,
    };
    use crate::domain::schedule::TimeWindowInput;
    use crate::domain::skills::tests::sample;
    use crate::domain::vacancy::tests::{self as vacancy_fixtures, date};
    use crate::domain::vacancy::VacancyInput;

    /// Before the closing date (23 May) and the release (20 May).
    fn today() -> NaiveDate {
        date(2025, 5, 1)
    }

    fn vacancy_with(change: impl FnOnce(&mut VacancyInput)) -> Vacancy {
        let mut input = vacancy_fixtures::valid_input();
        change(&mut input);
        Vacancy {
            id: 10,
            employer_id: 20,
            status: VacancyStatus::Published,
            details: vacancy_fixtures::details(&input),
        }
    }

    fn profile_with(change: impl FnOnce(&mut ProfileInput)) -> Profile {
        let mut input = profile_fixtures::valid_input();
        change(&mut input);
        Profile {
            id: 30,
            service_id: 40,
            officer_id: Some(50),
            pseudonym: "Candidate 7F3K".into(),
            prison: None,
            details: ProfileDetails::parse(&input, &sample()).unwrap(),
        }
    }

    fn vacancy() -> Vacancy {
        vacancy_with(|_| {})
    }

    fn profile() -> Profile {
        profile_with(|_| {})
    }

    fn shift(days: &[&str], start: &str, end: &str) -> TimeWindowInput {
        TimeWindowInput {
            days: days.iter().map(|d| (*d).to_owned()).collect(),
            start: start.into(),
            end: end.into(),
        }
    }

    fn every_day() -> Vec<&'static str> {
        vec!["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    }

    fn descriptions(assessment: &Assessment) -> Vec<String> {
        let taxonomy = sample();
        assessment
            .failures
            .iter()
            .map(|f| f.describe(&taxonomy))
            .collect()
    }

    #[test]
    fn rule_codes_match_the_domain_table() {
        let slugs: Vec<_> = RuleCode::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(
            slugs,
            vec![
                "vacancy_not_open",
                "no_right_to_work",
                "regulated_activity_barred",
                "offence_exclusion",
                "driving_restriction",
                "missing_certificate",
                "starts_before_release",
                "rotl_not_eligible",
                "trial_timing",
                "beyond_travel_radius",
                "beyond_rotl_travel",
                "exclusion_zone",
                "curfew_conflict",
            ]
        );
        for code in RuleCode::ALL {
            assert_eq!(RuleCode::parse(code.as_str()), Ok(*code));
        }
        assert!(RuleCode::parse("too_far").is_err());
    }

    #[test]
    fn a_good_pair_is_eligible_with_reasons() {
        let assessment = assess(&vacancy(), &profile(), today());
        assert!(assessment.eligible(), "{:?}", descriptions(&assessment));
        assert!(assessment.codes().is_empty());
        let km = assessment.distance_km.unwrap();
        assert!((12.0..16.0).contains(&km), "Leeds to Wakefield: {km}");
        // All required skills, no desirable one, sector of interest, hours
        // and timing fit; distance scaled against the 25 km radius.
        let expected = 0.40 + 0.0 + 0.15 + 0.15 * (1.0 - km / 25.0) + 0.10 + 0.05;
        assert!(
            (assessment.score - expected).abs() < 1e-9,
            "{}",
            assessment.score
        );
        let taxonomy = sample();
        let text: Vec<String> = assessment
            .reasons
            .iter()
            .map(|r| r.describe(&taxonomy))
            .collect();
        assert_eq!(
            text,
            vec![
                "2 of 2 required skills: stock control, manual handling".to_owned(),
                "None of the 1 desirable skills".to_owned(),
                "Interested in warehousing and logistics".to_owned(),
                format!("{} km from release area", format_km(km)),
                "37.5 hours a week, within the preferred 30–40".to_owned(),
                "Starts 13 days after release".to_owned(),
            ]
        );
        assert_eq!(
            assess(&vacancy(), &profile(), today()),
            assessment,
            "deterministic"
        );
    }

    #[test]
    fn vacancy_closing_today_is_open_but_not_yesterday() {
        let closing = date(2025, 5, 23);
        assert!(assess(&vacancy(), &profile(), closing).eligible());
        let after = assess(&vacancy(), &profile(), closing.succ_opt().unwrap());
        assert_eq!(after.codes(), vec![RuleCode::VacancyNotOpen]);
        assert_eq!(after.score, 0.0);
        assert_eq!(
            descriptions(&after),
            vec!["Applications closed on 23 May 2025"]
        );
    }

    #[test]
    fn vacancy_not_published_is_not_open() {
        for status in [
            VacancyStatus::Draft,
            VacancyStatus::Paused,
            VacancyStatus::Filled,
            VacancyStatus::Closed,
            VacancyStatus::Withdrawn,
        ] {
            let mut vacancy = vacancy();
            vacancy.status = status;
            let assessment = assess(&vacancy, &profile(), today());
            assert_eq!(
                assessment.codes(),
                vec![RuleCode::VacancyNotOpen],
                "{status}"
            );
        }
        let mut paused = vacancy();
        paused.status = VacancyStatus::Paused;
        assert_eq!(
            descriptions(&assess(&paused, &profile(), today())),
            vec!["The vacancy is paused, not published"]
        );
    }

    #[test]
    fn no_right_to_work() {
        let person = profile_with(|p| {
            p.right_to_work = false;
            p.readiness = "no_right_to_work".into();
        });
        let assessment = assess(&vacancy(), &person, today());
        assert_eq!(assessment.codes(), vec![RuleCode::NoRightToWork]);
        assert_eq!(
            descriptions(&assessment),
            vec!["The person has no right to work in the UK"]
        );
    }

    #[test]
    fn regulated_activity_and_barred_lists() {
        let regulated = |children: bool, adults: bool| {
            vacancy_with(|v| {
                v.regulated_children = children;
                v.regulated_adults = adults;
                v.check_level = "enhanced_barred".into();
            })
        };
        let barred = |children: bool, adults: bool| {
            profile_with(|p| {
                p.barred_children = children;
                p.barred_adults = adults;
            })
        };
        let fails = |v: &Vacancy, p: &Profile| {
            assess(v, p, today()).fails(RuleCode::RegulatedActivityBarred)
        };
        assert!(fails(&regulated(true, false), &barred(true, false)));
        assert!(fails(&regulated(false, true), &barred(false, true)));
        assert!(!fails(&regulated(true, false), &barred(false, true)));
        assert!(!fails(&regulated(false, true), &barred(true, false)));
        assert!(!fails(&regulated(false, false), &barred(true, true)));
        assert!(!fails(&regulated(true, true), &barred(false, false)));
        let both = assess(&regulated(true, true), &barred(true, true), today());
        assert_eq!(both.failures.len(), 2);
        assert_eq!(
            both.failures
                .iter()
                .map(|f| f.detail().clone())
                .collect::<Vec<_>>(),
            vec![
                FailureDetail::RegulatedActivityBarred {
                    group: VulnerableGroup::Children
                },
                FailureDetail::RegulatedActivityBarred {
                    group: VulnerableGroup::Adults
                },
            ]
        );
    }

    #[test]
    fn excluded_offence_category_fails_with_the_employers_reason() {
        let person =
            profile_with(|p| p.offence_categories = vec!["arson".into(), "dishonesty".into()]);
        let assessment = assess(&vacancy(), &person, today());
        assert_eq!(assessment.codes(), vec![RuleCode::OffenceExclusion]);
        assert_eq!(
            descriptions(&assessment),
            vec![
                "The employer cannot consider arson: \"The site stores large amounts of flammable packaging.\""
            ]
        );
        assert!(assessment.case_by_case.is_empty());
    }

    #[test]
    fn case_by_case_never_excludes_but_is_shown() {
        let job = vacancy_with(|v| {
            v.offence_exclusions.push(OffenceExclusionInput {
                category: "violence".into(),
                stance: "case_by_case".into(),
                reason: "Discussed with the site manager before interview.".into(),
            });
        });
        let person =
            profile_with(|p| p.offence_categories = vec!["violence".into(), "dishonesty".into()]);
        let assessment = assess(&job, &person, today());
        assert!(assessment.eligible());
        assert!(assessment.score > 0.0);
        assert_eq!(assessment.case_by_case, vec![OffenceCategory::Violence]);
        let reason = Reason::CaseByCase {
            categories: vec![OffenceCategory::Violence],
        };
        assert!(assessment.reasons.contains(&reason));
        assert_eq!(
            reason.describe(&sample()),
            "The employer considers case by case: violence"
        );
    }

    #[test]
    fn driving_restrictions() {
        let driving_job = vacancy_with(|v| v.needs_driving_licence = true);
        let check = |licence: bool, banned: bool| {
            let person = profile_with(|p| {
                p.driving_licence = licence;
                p.no_driving = banned;
            });
            assess(&driving_job, &person, today())
        };
        assert!(check(true, false).eligible());
        let no_licence = check(false, false);
        assert_eq!(no_licence.codes(), vec![RuleCode::DrivingRestriction]);
        assert_eq!(
            descriptions(&no_licence),
            vec!["The role needs a driving licence; the person has no licence"]
        );
        assert_eq!(
            descriptions(&check(true, true)),
            vec!["The role needs a driving licence; the person is forbidden to drive by licence conditions"]
        );
        assert!(check(false, true).fails(RuleCode::DrivingRestriction));
        let person = profile_with(|p| {
            p.driving_licence = false;
            p.no_driving = true;
        });
        assert!(
            assess(&vacancy(), &person, today()).eligible(),
            "no driving needed"
        );
    }

    fn with_forklift_expiry(expires_on: Option<NaiveDate>) -> Profile {
        profile_with(|p| {
            p.certificates = vec![CertificateInput {
                slug: "forklift-counterbalance".into(),
                expires_on,
                expected_on: None,
            }]
        })
    }

    #[test]
    fn certificate_expiring_around_the_start_date() {
        let start = date(2025, 6, 2);
        let day_before = assess(&vacancy(), &with_forklift_expiry(start.pred_opt()), today());
        assert_eq!(day_before.codes(), vec![RuleCode::MissingCertificate]);
        assert_eq!(
            day_before.failures[0].detail(),
            &FailureDetail::MissingCertificate {
                slug: "forklift-counterbalance".into(),
                expires_on: Some(date(2025, 6, 1)),
                expected_on: None,
                needed_on: start,
            }
        );
        assert_eq!(
            descriptions(&day_before),
            vec!["Needs forklift truck (counterbalance), which expires on 1 June 2025, before the start on 2 June 2025"]
        );
        assert!(assess(&vacancy(), &with_forklift_expiry(Some(start)), today()).eligible());
        assert!(assess(&vacancy(), &with_forklift_expiry(start.succ_opt()), today()).eligible());
        assert!(assess(&vacancy(), &with_forklift_expiry(None), today()).eligible());
    }

    #[test]
    fn certificate_not_held() {
        let job = vacancy_with(|v| {
            v.required_certificates = vec!["forklift-counterbalance".into(), "cscs-card".into()];
        });
        let assessment = assess(&job, &profile(), today());
        assert_eq!(assessment.failures.len(), 1);
        assert_eq!(
            descriptions(&assessment),
            vec!["Needs CSCS card, which the person does not hold"]
        );
        let none = profile_with(|p| p.certificates.clear());
        assert_eq!(assess(&job, &none, today()).failures.len(), 2);
    }

    #[test]
    fn certificates_listed_as_skills_count_for_skills_only() {
        // A certificate named as a required *skill* counts towards coverage
        // but is not checked for expiry; only required_certificates are.
        let job = vacancy_with(|v| {
            v.required_certificates.clear();
            v.required_skills = vec!["forklift-counterbalance".into()];
        });
        let person = with_forklift_expiry(Some(date(2020, 1, 1)));
        let assessment = assess(&job, &person, today());
        assert!(assessment.eligible());
        assert!(matches!(
            &assessment.reasons[0],
            Reason::RequiredSkills { matched, .. } if matched == &["forklift-counterbalance"]
        ));
    }

    #[test]
    fn past_start_date_on_a_rolling_vacancy_means_from_today() {
        let job = vacancy_with(|v| {
            v.start_date = Some(date(2025, 4, 1));
            v.closing_date = None;
        });
        let released = profile_with(|p| {
            p.release_date = Some(date(2025, 4, 20));
            p.rotl_eligible_from = None;
            p.certificates = vec![CertificateInput {
                slug: "forklift-counterbalance".into(),
                expires_on: Some(date(2025, 4, 15)),
                expected_on: None,
            }];
        });
        // Released already, so not "starts before release"; but the
        // certificate has lapsed by today, the effective start.
        let assessment = assess(&job, &released, today());
        assert_eq!(assessment.codes(), vec![RuleCode::MissingCertificate]);
        assert_eq!(
            assessment.failures[0].detail(),
            &FailureDetail::MissingCertificate {
                slug: "forklift-counterbalance".into(),
                expires_on: Some(date(2025, 4, 15)),
                expected_on: None,
                needed_on: today(),
            }
        );
        assert!(assessment
            .reasons
            .contains(&Reason::AlreadyReleased { starts_in_days: 0 }));
        assert_eq!(
            effective_start(&job.details, &released.details, today()),
            today()
        );
        assert_eq!(
            effective_start(&vacancy().details, &released.details, today()),
            date(2025, 6, 2)
        );
    }

    fn asap_with(change: impl FnOnce(&mut VacancyInput)) -> Vacancy {
        vacancy_with(|v| {
            v.start = Some("asap".into());
            v.start_date = None;
            v.closing_date = None;
            change(v);
        })
    }

    fn released_on(release: NaiveDate, rotl_from: Option<NaiveDate>) -> Profile {
        profile_with(|p| {
            p.release_date = Some(release);
            p.rotl_eligible_from = rotl_from;
        })
    }

    #[test]
    fn earliest_start_is_release_or_day_release_never_before_today() {
        let release = date(2025, 5, 20);
        let earliest = |rotl_suitable: bool, rotl_from: Option<NaiveDate>, release: NaiveDate| {
            let job = asap_with(|v| v.rotl_suitable = rotl_suitable);
            earliest_start(
                &job.details,
                &released_on(release, rotl_from).details,
                today(),
            )
        };
        // Not suitable for day release, or not eligible: the release date.
        assert_eq!(earliest(false, Some(date(2025, 5, 10)), release), release);
        assert_eq!(earliest(true, None, release), release);
        // Day release from before the release date: from then.
        assert_eq!(
            earliest(true, Some(date(2025, 5, 10)), release),
            date(2025, 5, 10)
        );
        // Eligibility that begins on the release day changes nothing.
        assert_eq!(earliest(true, Some(release), release), release);
        // Never before today: eligible since March, or released already.
        assert_eq!(earliest(true, Some(date(2025, 3, 1)), release), today());
        assert_eq!(earliest(false, None, date(2025, 4, 1)), today());
        // A set date is unchanged by any of this.
        let person = released_on(release, None);
        assert_eq!(
            effective_start(&vacancy().details, &person.details, today()),
            date(2025, 6, 2)
        );
    }

    #[test]
    fn a_start_as_soon_as_possible_waits_for_release() {
        let release = today() + chrono::Days::new(90);
        let rolling = asap_with(|v| v.rotl_suitable = false);
        let assessment = assess(&rolling, &released_on(release, None), today());
        assert!(assessment.eligible(), "{:?}", assessment.failures);
        assert!(assessment
            .reasons
            .contains(&Reason::CouldStartOnRelease { date: release }));
        assert_eq!(
            Reason::CouldStartOnRelease { date: release }.describe(&sample()),
            "Could start on release, 30 July 2025"
        );

        let tomorrow = today() + chrono::Days::new(1);
        let assessment = assess(&rolling, &released_on(tomorrow, None), today());
        assert!(assessment.eligible());
        assert!(assessment
            .reasons
            .contains(&Reason::CouldStartOnRelease { date: tomorrow }));

        // The same role on a set date before release is still excluded.
        let fixed = vacancy_with(|v| {
            v.rotl_suitable = false;
            v.start_date = Some(today() + chrono::Days::new(30));
            v.closing_date = None;
        });
        assert_eq!(
            assess(&fixed, &released_on(release, None), today()).codes(),
            vec![RuleCode::StartsBeforeRelease]
        );
    }

    #[test]
    fn a_start_as_soon_as_possible_on_day_release_or_now() {
        let rolling = asap_with(|_| {});
        let person = released_on(date(2025, 5, 20), Some(date(2025, 5, 10)));
        let assessment = assess(&rolling, &person, today());
        assert!(assessment.eligible());
        let reason = Reason::CouldStartOnDayRelease {
            date: date(2025, 5, 10),
            days_before_release: 10,
        };
        assert!(assessment.reasons.contains(&reason));
        assert_eq!(
            reason.describe(&sample()),
            "Could start on day release (ROTL) from 10 May 2025, 10 days before release"
        );

        let out = released_on(date(2025, 4, 1), None);
        let assessment = assess(&rolling, &out, today());
        assert!(assessment.eligible());
        assert!(assessment.reasons.contains(&Reason::CouldStartNow));
        assert_eq!(
            Reason::CouldStartNow.describe(&sample()),
            "Already released; could start now"
        );
    }

    #[test]
    fn certificates_must_be_valid_when_the_person_could_start() {
        let release = date(2025, 5, 20);
        let with_expiry = |expires: NaiveDate, rotl_from: Option<NaiveDate>| {
            profile_with(|p| {
                p.release_date = Some(release);
                p.rotl_eligible_from = rotl_from;
                p.certificates = vec![CertificateInput {
                    slug: "forklift-counterbalance".into(),
                    expires_on: Some(expires),
                    expected_on: None,
                }];
            })
        };
        let rolling = asap_with(|_| {});
        // Starts on release: a card lapsing the day before does not do.
        let lapsed = assess(&rolling, &with_expiry(date(2025, 5, 19), None), today());
        assert_eq!(lapsed.codes(), vec![RuleCode::MissingCertificate]);
        assert_eq!(
            lapsed.failures[0].detail(),
            &FailureDetail::MissingCertificate {
                slug: "forklift-counterbalance".into(),
                expires_on: Some(date(2025, 5, 19)),
                expected_on: None,
                needed_on: release,
            }
        );
        assert!(assess(&rolling, &with_expiry(release, None), today()).eligible());
        // On day release from 10 May, the same card is valid then.
        let early = with_expiry(date(2025, 5, 19), Some(date(2025, 5, 10)));
        assert!(assess(&rolling, &early, today()).eligible());
        let too_early = with_expiry(date(2025, 5, 9), Some(date(2025, 5, 10)));
        assert_eq!(
            assess(&rolling, &too_early, today()).codes(),
            vec![RuleCode::MissingCertificate]
        );
    }

    #[test]
    fn a_start_as_soon_as_possible_scores_as_on_time() {
        let person = released_on(date(2025, 5, 20), None);
        let rolling = asap_with(|v| v.rotl_suitable = false);
        let on_release = vacancy_with(|v| {
            v.rotl_suitable = false;
            v.start_date = Some(date(2025, 5, 20));
            v.closing_date = None;
        });
        let asap = assess(&rolling, &person, today()).score;
        assert!((asap - assess(&on_release, &person, today()).score).abs() < 1e-12);
        for p in [
            &person,
            &released_on(date(2025, 4, 1), None),
            &released_on(date(2025, 9, 1), Some(date(2025, 6, 1))),
            &with_forklift_expiry(Some(date(2025, 5, 2))),
        ] {
            for job in [&rolling, &asap_with(|_| {})] {
                let full = assess(job, p, today());
                let fast = eligible_score(job, p, today());
                assert_eq!(fast.is_some(), full.eligible());
                if let Some(score) = fast {
                    assert!((score - full.score).abs() < 1e-12);
                }
            }
        }
    }

    fn release_after_start(rotl_suitable: bool, rotl_from: Option<NaiveDate>) -> Assessment {
        let job = vacancy_with(|v| v.rotl_suitable = rotl_suitable);
        let person = profile_with(|p| {
            p.release_date = Some(date(2025, 6, 20));
            p.rotl_eligible_from = rotl_from;
        });
        assess(&job, &person, today())
    }

    #[test]
    fn rotl_covers_a_start_before_release_only_when_eligible_by_then() {
        let start = date(2025, 6, 2);
        let eligible = release_after_start(true, Some(start));
        assert!(eligible.eligible());
        assert!(eligible.reasons.contains(&Reason::RotlBeforeRelease {
            days_before_release: 18
        }));
        assert_eq!(
            Reason::RotlBeforeRelease {
                days_before_release: 18
            }
            .describe(&sample()),
            "Starts 18 days before release, on day release (ROTL)"
        );
        assert!(release_after_start(true, Some(date(2025, 5, 1))).eligible());

        let not_yet = release_after_start(true, start.succ_opt());
        assert_eq!(not_yet.codes(), vec![RuleCode::StartsBeforeRelease]);
        assert_eq!(
            descriptions(&not_yet),
            vec!["Starts on 2 June 2025, before release on 20 June 2025; the person is eligible for day release (ROTL) only from 3 June 2025"]
        );
        let never = release_after_start(true, None);
        assert_eq!(
            descriptions(&never),
            vec!["Starts on 2 June 2025, before release on 20 June 2025; the person is not eligible for day release (ROTL)"]
        );
        let unsuitable = release_after_start(false, Some(date(2025, 5, 1)));
        assert_eq!(
            descriptions(&unsuitable),
            vec!["Starts on 2 June 2025, before release on 20 June 2025; the role is not suitable for day release (ROTL)"]
        );
    }

    #[test]
    fn starting_on_release_day_is_fine() {
        let person = profile_with(|p| {
            p.release_date = Some(date(2025, 6, 2));
            p.rotl_eligible_from = None;
        });
        let assessment = assess(&vacancy(), &person, today());
        assert!(assessment.eligible());
        assert!(assessment
            .reasons
            .contains(&Reason::StartsAfterRelease { days: 0 }));
    }

    #[test]
    fn travel_radius_boundary_and_description() {
        let km = assess(&vacancy(), &profile(), today()).distance_km.unwrap();
        let within = profile_with(|p| p.travel_radius_km = km);
        assert!(
            assess(&vacancy(), &within, today()).eligible(),
            "exactly on the limit passes"
        );
        let short = profile_with(|p| p.travel_radius_km = km - 0.5);
        let assessment = assess(&vacancy(), &short, today());
        assert_eq!(assessment.codes(), vec![RuleCode::BeyondTravelRadius]);
        assert_eq!(
            assessment.failures[0].detail(),
            &FailureDetail::BeyondTravelRadius {
                distance_km: km,
                radius_km: km - 0.5
            }
        );

        let far = Failure::new(FailureDetail::BeyondTravelRadius {
            distance_km: 31.2,
            radius_km: 25.0,
        });
        assert_eq!(
            far.describe(&sample()),
            "Workplace is 31 km from the release area; travel limit is 25 km"
        );
        let close_call = Failure::new(FailureDetail::BeyondTravelRadius {
            distance_km: 25.3,
            radius_km: 25.0,
        });
        assert_eq!(
            close_call.describe(&sample()),
            "Workplace is 25.3 km from the release area; travel limit is 25 km"
        );
    }

    #[test]
    fn remote_roles_pass_distance_and_zones() {
        let job = vacancy_with(|v| v.remote = true);
        let person = profile_with(|p| {
            p.travel_radius_km = 0.0;
            p.exclusion_zones = vec![ExclusionZoneInput {
                name: "Wakefield".into(),
                lat: 53.6833,
                lon: -1.4977,
                radius_km: 50.0,
                ends_on: None,
            }];
        });
        let assessment = assess(&job, &person, today());
        assert!(assessment.eligible());
        assert_eq!(assessment.distance_km, None);
        assert!(assessment.reasons.contains(&Reason::Remote));
    }

    #[test]
    fn no_fixed_abode_passes_distance_but_says_it_is_unknown() {
        let person = profile_with(|p| {
            p.no_fixed_abode = true;
            p.travel_radius_km = 1.0;
        });
        let assessment = assess(&vacancy(), &person, today());
        assert!(assessment.eligible());
        assert_eq!(assessment.distance_km, None);
        assert!(assessment.reasons.contains(&Reason::NoFixedAbode));
        assert_eq!(
            Reason::NoFixedAbode.describe(&sample()),
            "No fixed abode: distance to the workplace is unknown"
        );
        // Exclusion zones still apply without a release area.
        let zoned = profile_with(|p| {
            p.no_fixed_abode = true;
            p.exclusion_zones = vec![ExclusionZoneInput {
                name: "Wakefield centre".into(),
                lat: 53.6833,
                lon: -1.4977,
                radius_km: 1.0,
                ends_on: None,
            }];
        });
        assert_eq!(
            assess(&vacancy(), &zoned, today()).codes(),
            vec![RuleCode::ExclusionZone]
        );
    }

    fn zone_around_workplace(bearing: f64, centre_km: f64, radius_km: f64) -> Profile {
        let job = vacancy();
        let workplace = job.details.workplace().place().unwrap().point();
        let centre = destination(workplace, bearing, centre_km);
        profile_with(|p| {
            p.exclusion_zones = vec![ExclusionZoneInput {
                name: "Victim's home area".into(),
                lat: centre.lat(),
                lon: centre.lon(),
                radius_km,
                ends_on: None,
            }];
        })
    }

    #[test]
    fn workplace_inside_or_on_the_edge_of_a_zone_fails() {
        let inside = assess(&vacancy(), &zone_around_workplace(45.0, 1.0, 2.0), today());
        assert_eq!(inside.codes(), vec![RuleCode::ExclusionZone]);
        assert_eq!(
            descriptions(&inside),
            vec!["Workplace is inside the exclusion zone \"Victim's home area\""]
        );
        for bearing in [0.0, 90.0, 200.0] {
            let edge = assess(
                &vacancy(),
                &zone_around_workplace(bearing, 3.0, 3.0),
                today(),
            );
            assert_eq!(
                edge.codes(),
                vec![RuleCode::ExclusionZone],
                "edge at {bearing}"
            );
        }
        let outside = assess(&vacancy(), &zone_around_workplace(0.0, 3.01, 3.0), today());
        assert!(outside.eligible());
    }

    fn with_curfew(curfew: TimeWindowInput) -> Profile {
        profile_with(|p| p.curfews = vec![curfew.into()])
    }

    fn with_shifts(shifts: Vec<TimeWindowInput>) -> Vacancy {
        vacancy_with(|v| v.shifts = shifts)
    }

    /// A night curfew every day ending on `ends_on`, on a licence ending
    /// on `licence`, against a night shift.
    fn curfew_ending(ends_on: Option<NaiveDate>, licence: Option<NaiveDate>) -> Assessment {
        let job = with_shifts(vec![shift(&["fri"], "22:00", "06:00")]);
        let person = profile_with(|p| {
            p.curfews = vec![CurfewInput {
                ends_on,
                ..shift(&every_day(), "19:00", "07:00").into()
            }];
            p.licence_ends_on = licence;
        });
        assess(&job, &person, today())
    }

    #[test]
    fn a_curfew_counts_up_to_and_including_its_last_day() {
        let yesterday = today().pred_opt().unwrap();
        let tomorrow = today().succ_opt().unwrap();
        let ended = curfew_ending(Some(yesterday), None);
        assert!(ended.eligible(), "{:?}", ended.codes());
        assert!(!ended.reasons.contains(&Reason::ShiftTimesUnknown));
        let last_day = curfew_ending(Some(today()), None);
        assert_eq!(last_day.codes(), vec![RuleCode::CurfewConflict]);
        let running = curfew_ending(Some(tomorrow), Some(tomorrow));
        assert_eq!(running.codes(), vec![RuleCode::CurfewConflict]);
        // The description of a condition in force is unchanged by its end.
        assert_eq!(
            descriptions(&running),
            vec!["Night shift Fri 22:00–06:00 overlaps the curfew 19:00–07:00 every day (first clash Fri 22:00–06:00)"]
        );
        // A licence that ended yesterday ends a curfew with no end of its own.
        assert!(curfew_ending(None, Some(yesterday)).eligible());
    }

    #[test]
    fn the_licence_end_wins_over_a_later_end_of_the_condition() {
        let yesterday = today().pred_opt().unwrap();
        let tomorrow = today().succ_opt().unwrap();
        // The parser refuses a condition ending after the licence, so build
        // the conditions directly: the earlier (licence) end counts.
        let job = with_shifts(vec![shift(&["fri"], "22:00", "06:00")]);
        let mut person = profile();
        let conditions = crate::domain::licence::LicenceConditions {
            curfews: vec![crate::domain::licence::Curfew::parse(&CurfewInput {
                ends_on: Some(tomorrow),
                ..shift(&every_day(), "19:00", "07:00").into()
            })
            .unwrap()],
            no_driving: true,
            no_driving_until: Some(tomorrow),
            licence_ends_on: Some(yesterday),
            ..Default::default()
        };
        person.details = person.details.with_licence_conditions(conditions);
        assert!(assess(&job, &person, today()).eligible());
        let driving = vacancy_with(|v| v.needs_driving_licence = true);
        assert!(assess(&driving, &person, today()).eligible());
    }

    #[test]
    fn an_ended_zone_or_driving_ban_no_longer_excludes() {
        let yesterday = today().pred_opt().unwrap();
        let job = vacancy();
        let workplace = job.details.workplace().place().unwrap().point();
        let person = |zone_end: Option<NaiveDate>, ban_end: Option<NaiveDate>| {
            profile_with(|p| {
                p.exclusion_zones = vec![ExclusionZoneInput {
                    name: "Wakefield".into(),
                    lat: workplace.lat(),
                    lon: workplace.lon(),
                    radius_km: 1.0,
                    ends_on: zone_end,
                }];
                p.no_driving = true;
                p.no_driving_until = ban_end;
            })
        };
        let driving = vacancy_with(|v| v.needs_driving_licence = true);
        let ended = person(Some(yesterday), Some(yesterday));
        assert!(assess(&job, &ended, today()).eligible());
        assert!(assess(&driving, &ended, today()).eligible());
        let running = person(Some(today()), Some(today()));
        assert_eq!(
            assess(&job, &running, today()).codes(),
            vec![RuleCode::ExclusionZone]
        );
        assert!(assess(&driving, &running, today()).fails(RuleCode::DrivingRestriction));
        assert_eq!(
            eligible_score(&driving, &ended, today()).is_some(),
            assess(&driving, &ended, today()).eligible()
        );
    }

    #[test]
    fn night_shift_crossing_midnight_clashes_with_curfew() {
        let job = with_shifts(vec![shift(&["fri"], "22:00", "06:00")]);
        let person = with_curfew(shift(&every_day(), "19:00", "07:00"));
        let assessment = assess(&job, &person, today());
        assert_eq!(assessment.codes(), vec![RuleCode::CurfewConflict]);
        assert_eq!(
            descriptions(&assessment),
            vec!["Night shift Fri 22:00–06:00 overlaps the curfew 19:00–07:00 every day (first clash Fri 22:00–06:00)"]
        );
        let saturday_only = with_curfew(shift(&["sat"], "01:00", "05:00"));
        assert!(assess(&job, &saturday_only, today()).fails(RuleCode::CurfewConflict));
    }

    #[test]
    fn shifts_outside_the_curfew_pass() {
        let person = with_curfew(shift(&every_day(), "19:00", "07:00"));
        let early = with_shifts(vec![shift(&["mon"], "07:00", "15:00")]);
        assert!(
            assess(&early, &person, today()).eligible(),
            "touching at 07:00"
        );
        let day = with_shifts(vec![shift(
            &["mon", "tue", "wed", "thu", "fri"],
            "08:00",
            "16:00",
        )]);
        assert!(assess(&day, &person, today()).eligible());
        let late = with_shifts(vec![shift(&["mon"], "12:00", "19:01")]);
        assert!(assess(&late, &person, today()).fails(RuleCode::CurfewConflict));
    }

    #[test]
    fn sunday_night_shift_against_monday_curfew() {
        let job = with_shifts(vec![shift(&["sun"], "23:00", "02:00")]);
        let person = with_curfew(shift(&["mon"], "00:00", "06:00"));
        let assessment = assess(&job, &person, today());
        assert_eq!(assessment.codes(), vec![RuleCode::CurfewConflict]);
        assert!(descriptions(&assessment)[0].ends_with("(first clash Mon 00:00–02:00)"));
    }

    #[test]
    fn each_clashing_shift_is_reported() {
        let job = with_shifts(vec![
            shift(&["sat"], "18:00", "23:00"),
            shift(&["mon"], "09:00", "17:00"),
            shift(&["sun"], "20:00", "23:30"),
        ]);
        let person = with_curfew(shift(&["sat", "sun"], "21:00", "06:00"));
        let assessment = assess(&job, &person, today());
        assert_eq!(assessment.failures.len(), 2);
        assert_eq!(assessment.codes(), vec![RuleCode::CurfewConflict]);
    }

    #[test]
    fn no_shift_times_pass_the_curfew_rule_with_a_warning() {
        let job = with_shifts(vec![]);
        let person = with_curfew(shift(&every_day(), "19:00", "07:00"));
        let assessment = assess(&job, &person, today());
        assert!(assessment.eligible());
        assert!(assessment.reasons.contains(&Reason::ShiftTimesUnknown));
        assert!(!assess(&job, &profile(), today())
            .reasons
            .contains(&Reason::ShiftTimesUnknown));
    }

    #[test]
    fn every_failing_rule_is_reported_together() {
        let job = vacancy_with(|v| {
            v.needs_driving_licence = true;
            v.regulated_children = true;
            v.check_level = "enhanced_barred".into();
            v.rotl_suitable = false;
            v.required_certificates = vec!["cscs-card".into()];
            v.shifts = vec![shift(&["fri"], "22:00", "06:00")];
        });
        let workplace = job.details.workplace().place().unwrap().point();
        let mut job = job;
        job.status = VacancyStatus::Paused;
        let person = profile_with(|p| {
            p.right_to_work = false;
            p.readiness = "no_right_to_work".into();
            p.barred_children = true;
            p.offence_categories = vec!["arson".into()];
            p.driving_licence = false;
            p.release_date = Some(date(2025, 7, 1));
            p.rotl_eligible_from = None;
            p.travel_radius_km = 2.0;
            p.exclusion_zones = vec![ExclusionZoneInput {
                name: "Wakefield".into(),
                lat: workplace.lat(),
                lon: workplace.lon(),
                radius_km: 1.0,
                ends_on: None,
            }];
            p.curfews = vec![shift(&every_day(), "20:00", "06:00").into()];
        });
        let assessment = assess(&job, &person, today());
        // The day release and trial rules apply only to trials and
        // placements (their own tests fail them).
        let for_a_job: Vec<RuleCode> = RuleCode::ALL
            .iter()
            .copied()
            .filter(|code| {
                !matches!(
                    code,
                    RuleCode::RotlNotEligible | RuleCode::TrialTiming | RuleCode::BeyondRotlTravel
                )
            })
            .collect();
        assert_eq!(assessment.codes(), for_a_job);
        assert_eq!(assessment.score, 0.0);
        assert!(!assessment.eligible());
        assert!(
            !assessment.reasons.is_empty(),
            "reasons are kept for officers"
        );
        assert_eq!(descriptions(&assessment).len(), assessment.failures.len());
    }

    #[test]
    fn score_weights_add_up_and_follow_the_documented_formula() {
        let total = WEIGHT_REQUIRED_SKILLS
            + WEIGHT_DESIRABLE_SKILLS
            + WEIGHT_SECTOR
            + WEIGHT_DISTANCE
            + WEIGHT_HOURS
            + WEIGHT_START;
        assert!((total - 1.0).abs() < 1e-12);

        // Remote, nothing required or desirable, no interests stated (half
        // marks), no hours preference, starting within four weeks.
        let job = vacancy_with(|v| {
            v.remote = true;
            v.required_skills.clear();
            v.desirable_skills.clear();
            v.required_certificates.clear();
        });
        let person = profile_with(|p| {
            p.sectors_of_interest.clear();
            p.preferred_hours_min = None;
            p.preferred_hours_max = None;
        });
        let score = assess(&job, &person, today()).score;
        assert!((score - 0.925).abs() < 1e-9, "{score}");

        // Half the required skills, interested elsewhere, 20 hours outside
        // the preference, starting 180+ days after release.
        let job = vacancy_with(|v| {
            v.remote = true;
            v.desirable_skills.clear();
            v.required_certificates.clear();
            v.hours_per_week = 60.0;
            v.start_date = Some(date(2025, 12, 1));
            v.closing_date = None;
        });
        let person = profile_with(|p| {
            p.skills = vec![ProfileSkillInput {
                slug: "stock-control".into(),
                source: "past_job".into(),
            }];
            p.sectors_of_interest = vec!["construction".into()];
        });
        let assessment = assess(&job, &person, today());
        assert!(assessment.eligible());
        let expected = 0.40 * 0.5 + 0.15 + 0.0 + 0.15 + 0.0 + 0.0;
        assert!(
            (assessment.score - expected).abs() < 1e-9,
            "{}",
            assessment.score
        );
    }

    #[test]
    fn better_fitting_profiles_score_higher() {
        let job = vacancy();
        let best = profile_with(|p| {
            p.skills.push(ProfileSkillInput {
                slug: "picking-packing".into(),
                source: "prison_work".into(),
            });
        });
        let good = profile();
        let weaker = profile_with(|p| {
            p.skills.truncate(1);
            p.sectors_of_interest = vec!["hospitality".into()];
            p.preferred_hours_min = Some(10.0);
            p.preferred_hours_max = Some(16.0);
        });
        let farther = profile_with(|p| {
            p.release_area = Some(PlaceInput {
                name: "Harrogate".into(),
                lat: 53.9921,
                lon: -1.5418,
            });
            p.travel_radius_km = 50.0;
        });
        let score = |p: &Profile| assess(&job, p, today()).score;
        assert!(score(&best) > score(&good));
        assert!(score(&good) > score(&weaker));
        assert!(score(&good) > score(&farther));
        for p in [&best, &good, &weaker, &farther] {
            assert!((0.0..=1.0).contains(&score(p)));
            assert!(assess(&job, p, today()).eligible());
        }
    }

    #[test]
    fn start_timing_decays_after_four_weeks() {
        let starting = |start: NaiveDate| {
            let job = vacancy_with(|v| {
                v.start_date = Some(start);
                v.closing_date = None;
            });
            assess(&job, &profile(), today()).score
        };
        let release = date(2025, 5, 20);
        let on_time = starting(release + chrono::Days::new(28));
        let later = starting(release + chrono::Days::new(60));
        let much_later = starting(release + chrono::Days::new(200));
        assert!((on_time - starting(release)).abs() < 1e-12);
        assert!(on_time > later && later > much_later);
        assert!((on_time - much_later - WEIGHT_START).abs() < 1e-9);
    }

    #[test]
    fn reason_descriptions_for_officers() {
        let taxonomy = sample();
        let skills = Reason::RequiredSkills {
            matched: vec![
                "forklift-counterbalance".into(),
                "stock-control".into(),
                "manual-handling".into(),
            ],
            missing: vec!["cscs-card".into()],
            total: 4,
        };
        assert_eq!(
            skills.describe(&taxonomy),
            "3 of 4 required skills: forklift truck (counterbalance), stock control, manual handling; missing: CSCS card"
        );
        let none = Reason::RequiredSkills {
            matched: vec![],
            missing: vec!["cooking".into()],
            total: 1,
        };
        assert_eq!(
            none.describe(&taxonomy),
            "None of the 1 required skills; missing: cooking"
        );
        let desirable = Reason::DesirableSkills {
            matched: vec!["picking-packing".into()],
            total: 2,
        };
        assert_eq!(
            desirable.describe(&taxonomy),
            "1 of 2 desirable skills: picking and packing"
        );
        assert_eq!(
            Reason::Distance { km: 6.04 }.describe(&taxonomy),
            "6 km from release area"
        );
        assert_eq!(
            Reason::Distance { km: 0.44 }.describe(&taxonomy),
            "0.4 km from release area"
        );
        assert_eq!(
            Reason::Distance { km: 31.6 }.describe(&taxonomy),
            "32 km from release area"
        );
        assert_eq!(
            Reason::Remote.describe(&taxonomy),
            "Remote work: no travel needed"
        );
        let hours = Reason::HoursFit {
            hours_per_week: 45.0,
            preferred_min: 16.0,
            preferred_max: 30.0,
        };
        assert_eq!(hours.describe(&taxonomy), "45 hours a week; prefers 16–30");
        assert_eq!(
            Reason::StartsAfterRelease { days: 9 }.describe(&taxonomy),
            "Starts 9 days after release"
        );
        assert_eq!(
            Reason::StartsAfterRelease { days: 1 }.describe(&taxonomy),
            "Starts 1 day after release"
        );
        assert_eq!(
            Reason::AlreadyReleased { starts_in_days: 5 }.describe(&taxonomy),
            "Already released; starts in 5 days"
        );
        assert_eq!(
            Reason::AlreadyReleased { starts_in_days: 1 }.describe(&taxonomy),
            "Already released; starts tomorrow"
        );
        assert_eq!(
            Reason::RotlBeforeRelease {
                days_before_release: 1
            }
            .describe(&taxonomy),
            "Starts 1 day before release, on day release (ROTL)"
        );
        assert_eq!(
            Reason::SectorInterest {
                sector: "construction".into()
            }
            .describe(&taxonomy),
            "Interested in construction"
        );
        assert_eq!(
            Reason::ShiftTimesUnknown.describe(&taxonomy),
            "Shift times are not given; check them against the curfew"
        );
    }

    #[test]
    fn other_failure_descriptions() {
        let taxonomy = sample();
        let describe = |detail: FailureDetail| Failure::new(detail).describe(&taxonomy);
        assert_eq!(
            describe(FailureDetail::RegulatedActivityBarred { group: VulnerableGroup::Adults }),
            "The role is regulated activity with vulnerable adults and the person is barred from working with them"
        );
        assert_eq!(
            describe(FailureDetail::DrivingRestriction {
                has_licence: false,
                no_driving_condition: true
            }),
            "The role needs a driving licence; the person has no licence and licence conditions forbid driving"
        );
        assert_eq!(
            describe(FailureDetail::VacancyNotOpen {
                status: VacancyStatus::Draft,
                closing_date: None,
                opens_on: None,
            }),
            "The vacancy is draft, not published"
        );
    }

    /// A placement from `start`, for a person released on 20 June 2025
    /// and on day release from `rotl_from`.
    fn placement(start: NaiveDate, rotl_from: Option<NaiveDate>) -> Assessment {
        let job = vacancy_with(|v| {
            v.kind = Some("rotl_placement".into());
            v.start_date = Some(start);
            v.rotl_suitable = false;
        });
        let person = profile_with(|p| {
            p.release_date = Some(date(2025, 6, 20));
            p.rotl_eligible_from = rotl_from;
        });
        assess(&job, &person, today())
    }

    #[test]
    fn a_placement_needs_day_release_on_its_start_day() {
        let start = date(2025, 6, 2);
        // Eligible from the start day: fine, and it reads as day release.
        let on_the_day = placement(start, Some(start));
        assert!(on_the_day.eligible(), "{:?}", descriptions(&on_the_day));
        assert!(on_the_day.reasons.contains(&Reason::RotlBeforeRelease {
            days_before_release: 18
        }));
        // Eligible only from the day after: excluded by the placement rule,
        // not by starts_before_release.
        let day_before = placement(start, start.succ_opt());
        assert_eq!(day_before.codes(), vec![RuleCode::RotlNotEligible]);
        assert_eq!(
            descriptions(&day_before),
            vec!["Starts on 2 June 2025 on day release (ROTL); the person is eligible for day release only from 3 June 2025"]
        );
        let never = placement(start, None);
        assert_eq!(never.codes(), vec![RuleCode::RotlNotEligible]);
        // A placement starting on release day is no placement.
        let released = placement(date(2025, 6, 20), Some(date(2025, 5, 1)));
        assert_eq!(released.codes(), vec![RuleCode::RotlNotEligible]);
        assert!(descriptions(&released)[0].contains("day release is only before release"));
    }

    /// A trial from `start` to `ends` for a person released on 20 June 2025,
    /// on day release from 10 May 2025.
    fn trial(start: NaiveDate, ends: NaiveDate, timing: &str) -> Assessment {
        let job = vacancy_with(|v| {
            v.kind = Some("work_trial".into());
            v.start_date = Some(start);
            v.trial_ends_on = Some(ends);
            v.trial_paid = Some(false);
            v.trial_timing = Some(timing.into());
        });
        let person = profile_with(|p| {
            p.release_date = Some(date(2025, 6, 20));
            p.rotl_eligible_from = Some(date(2025, 5, 10));
        });
        assess(&job, &person, today())
    }

    #[test]
    fn a_trial_falls_before_or_after_release_as_it_says() {
        let release = date(2025, 6, 20);
        // After release: one that ends on release day started before it.
        let ends_on_release = trial(date(2025, 6, 18), release, "after_release");
        assert_eq!(ends_on_release.codes(), vec![RuleCode::TrialTiming]);
        assert_eq!(
            descriptions(&ends_on_release),
            vec!["The trial is after release, but starts on 18 June 2025, before release on 20 June 2025"]
        );
        // A one-day trial on release day is after release.
        assert!(trial(release, release, "after_release").eligible());
        // Before release, on day release: every day before release.
        let before = trial(date(2025, 6, 9), date(2025, 6, 13), "before_release");
        assert!(before.eligible(), "{:?}", descriptions(&before));
        let to_release_day = trial(date(2025, 6, 16), release, "before_release");
        assert_eq!(to_release_day.codes(), vec![RuleCode::TrialTiming]);
        assert!(descriptions(&to_release_day)[0].contains("is on or after release on 20 June 2025"));
        // Before release needs day release by the first day.
        let too_early = trial(date(2025, 5, 5), date(2025, 5, 7), "before_release");
        assert_eq!(too_early.codes(), vec![RuleCode::RotlNotEligible]);
    }

    #[test]
    fn a_trial_that_began_before_release_is_not_joined_after_it() {
        let release = date(2025, 6, 20);
        let job = vacancy_with(|v| {
            v.kind = Some("work_trial".into());
            v.start_date = Some(date(2025, 6, 18));
            v.trial_ends_on = Some(date(2025, 6, 24));
            v.trial_paid = Some(false);
            v.trial_timing = Some("after_release".into());
        });
        let person = profile_with(|p| p.release_date = Some(release));
        // Seen on release day the trial has run for two days: its own
        // first day counts, not today.
        let on_release_day = assess(&job, &person, release);
        assert!(on_release_day.codes().contains(&RuleCode::TrialTiming));
        // So time never cures it: no "eligible from" date.
        assert_eq!(
            crate::domain::eligible::eligible_from(&job, &person, today()),
            crate::domain::eligible::Eligibility::NotWithin
        );
    }

    #[test]
    fn a_curfew_that_ends_before_a_trial_starts_does_not_clash() {
        // A daytime curfew, to clash with the 08:00 to 16:00 shifts.
        let night = |ends_on: NaiveDate| CurfewInput {
            ends_on: Some(ends_on),
            ..shift(&every_day(), "07:00", "19:00").into()
        };
        let start = date(2025, 6, 23);
        let job = vacancy_with(|v| {
            v.kind = Some("work_trial".into());
            v.start_date = Some(start);
            v.trial_ends_on = Some(date(2025, 6, 25));
            v.trial_paid = Some(true);
            v.trial_timing = Some("after_release".into());
        });
        let ended = profile_with(|p| p.curfews = vec![night(start.pred_opt().unwrap())]);
        let a = assess(&job, &ended, today());
        assert!(a.eligible(), "{:?}", descriptions(&a));
        // Still in force on the first day: it clashes.
        let on_start = profile_with(|p| p.curfews = vec![night(start)]);
        assert_eq!(
            assess(&job, &on_start, today()).codes(),
            vec![RuleCode::CurfewConflict]
        );
        // The same curfew ending before an ordinary job's start still
        // counts: a job is judged on the conditions in force today.
        let as_job = vacancy_with(|v| v.start_date = Some(start));
        assert_eq!(
            assess(&as_job, &ended, today()).codes(),
            vec![RuleCode::CurfewConflict]
        );
    }

    #[test]
    fn day_release_work_is_within_the_limit_from_the_prison() {
        let job = vacancy_with(|v| {
            v.kind = Some("rotl_placement".into());
            v.start_date = Some(date(2025, 6, 2));
        });
        // The prison 30 km north of the workplace (Wakefield).
        let prison = |limit: Option<f64>| {
            let mut p = profile_with(|p| {
                p.release_date = Some(date(2025, 6, 20));
                p.rotl_travel_km = limit;
                p.travel_radius_km = 25.0;
            });
            p.prison = Some(
                crate::domain::geo::Place::parse(&crate::domain::geo::PlaceInput {
                    name: "Prison".into(),
                    lat: 53.6833 + 30.0 / 111.2,
                    lon: -1.4977,
                })
                .unwrap(),
            );
            p
        };
        let near = assess(&job, &prison(Some(35.0)), today());
        assert!(near.eligible(), "{:?}", descriptions(&near));
        let far = assess(&job, &prison(Some(20.0)), today());
        assert_eq!(far.codes(), vec![RuleCode::BeyondRotlTravel]);
        assert!(far.shows_restricted());
        assert!(descriptions(&far)[0].contains("from the prison; day release travel limit: 20 km"));
        // No limit recorded: the travel radius (25 km) applies from the prison.
        let unset = assess(&job, &prison(None), today());
        assert_eq!(unset.codes(), vec![RuleCode::BeyondRotlTravel]);
        assert!(descriptions(&unset)[0].contains("the travel radius applies"));
        // A job is not on day release: the prison does not matter.
        let plain = vacancy_with(|_| {});
        assert!(assess(&plain, &prison(Some(1.0)), today()).eligible());
    }

    #[test]
    fn a_vacancy_not_yet_open_says_from_when() {
        let job = vacancy_with(|v| v.opens_on = today().succ_opt());
        let a = assess(&job, &profile(), today());
        assert_eq!(a.codes(), vec![RuleCode::VacancyNotOpen]);
        let day = today().succ_opt().unwrap().format("%-d %B %Y").to_string();
        assert_eq!(
            descriptions(&a),
            vec![format!("Not open yet: applications open on {day}")]
        );
        let open = vacancy_with(|v| v.opens_on = Some(today()));
        assert!(assess(&open, &profile(), today()).eligible());
        assert_eq!(eligible_score(&job, &profile(), today()), None);
    }

    #[test]
    fn failures_and_reasons_serialize_with_their_codes() {
        let failure = Failure::new(FailureDetail::BeyondTravelRadius {
            distance_km: 31.0,
            radius_km: 25.0,
        });
        assert_eq!(failure.code(), RuleCode::BeyondTravelRadius);
        assert_eq!(
            serde_json::to_value(&failure).unwrap(),
            serde_json::json!({"code": "beyond_travel_radius", "distance_km": 31.0, "radius_km": 25.0})
        );
        let reason = Reason::StartsAfterRelease { days: 9 };
        let json = serde_json::to_string(&reason).unwrap();
        assert_eq!(json, r#"{"kind":"starts_after_release","days":9}"#);
        assert_eq!(serde_json::from_str::<Reason>(&json).unwrap(), reason);
        let assessment = assess(&vacancy(), &profile(), today());
        assert!(serde_json::to_value(&assessment).is_ok());
    }

    #[test]
    fn text_helpers() {
        assert_eq!(lower_first("Forklift truck"), "forklift truck");
        assert_eq!(lower_first("CSCS card"), "CSCS card");
        assert_eq!(lower_first(""), "");
        assert_eq!(lower_first("A"), "a");
        // Names keep their capitals; ordinary words do not.
        assert_eq!(lower_first("Microsoft Office"), "Microsoft Office");
        assert_eq!(
            lower_first("Gas Safe registration"),
            "Gas Safe registration"
        );
        assert_eq!(lower_first("CompTIA A+"), "CompTIA A+");
        assert_eq!(
            lower_first("IT, office and contact centre"),
            "IT, office and contact centre"
        );
        assert_eq!(lower_first("Python programming"), "Python programming");
        assert_eq!(lower_first("Welsh speaking"), "Welsh speaking");
        assert_eq!(
            lower_first("Driving licence category B (car)"),
            "driving licence category B (car)"
        );
        assert_eq!(
            lower_first("Grounds, gardening and landscaping"),
            "grounds, gardening and landscaping"
        );
        assert_eq!(format_number(37.5), "37.5");
        assert_eq!(format_number(40.0), "40");
        assert_eq!(format_date(date(2025, 6, 2)), "2 June 2025");
    }
}
