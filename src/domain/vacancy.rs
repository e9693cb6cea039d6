//! Vacancies: their lifecycle, their validated content and the form input
//! they are parsed from.

use std::collections::HashSet;
use std::fmt;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::errors::FieldErrors;
use super::geo::{Place, PlaceInput};
use super::offence::{OffenceCategory, OffenceExclusion, OffenceExclusionInput};
use super::schedule::{TimeWindow, TimeWindowInput};
use super::skills::Taxonomy;
use super::slug::{self, Slug};

slug_enum! {
    /// Where a vacancy is in its lifecycle.
    pub enum VacancyStatus("vacancy status") {
        /// Being written; not visible to anyone but the employer.
        Draft => "draft", "Draft",
        /// Open for matching and applications.
        Published => "published", "Published",
        /// Temporarily not taking applications.
        Paused => "paused", "Paused",
        /// All positions filled.
        Filled => "filled", "Filled",
        /// Closed, for example because the closing date passed.
        Closed => "closed", "Closed",
        /// Taken down by the employer.
        Withdrawn => "withdrawn", "Withdrawn",
    }
}

impl VacancyStatus {
    /// Whether a vacancy may move from `from` to `to`:
    /// draft -> published | withdrawn; published -> paused | filled | closed |
    /// withdrawn; paused -> published | filled | closed | withdrawn. Filled,
    /// closed and withdrawn are final. Staying put is not a transition.
    pub fn can_transition(from: VacancyStatus, to: VacancyStatus) -> bool {
        use VacancyStatus::*;
        matches!(
            (from, to),
            (Draft, Published | Withdrawn)
                | (Published, Paused | Filled | Closed | Withdrawn)
                | (Paused, Published | Filled | Closed | Withdrawn)
        )
    }

    /// Whether no further transition is possible.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            VacancyStatus::Filled | VacancyStatus::Closed | VacancyStatus::Withdrawn
        )
    }
}

slug_enum! {
    /// The kind of contract offered.
    pub enum ContractType("contract type") {
        /// Permanent.
        Permanent => "permanent", "Permanent",
        /// Fixed term.
        FixedTerm => "fixed_term", "Fixed term",
        /// Temporary.
        Temporary => "temporary", "Temporary",
        /// Apprenticeship.
        Apprenticeship => "apprenticeship", "Apprenticeship",
        /// Casual or zero-hours.
        Casual => "casual", "Casual",
    }
}

slug_enum! {
    /// What a pay figure is per.
    pub enum PayPeriod("pay period") {
        /// Per hour.
        Hour => "hour", "Per hour",
        /// Per week.
        Week => "week", "Per week",
        /// Per month.
        Month => "month", "Per month",
        /// Per year.
        Year => "year", "Per year",
    }
}

slug_enum! {
    /// The criminal record check the role needs.
    pub enum CheckLevel("check level") {
        /// No check.
        None => "none", "No criminal record check",
        /// Basic DBS check.
        Basic => "basic", "Basic DBS check",
        /// Standard DBS check.
        Standard => "standard", "Standard DBS check",
        /// Enhanced DBS check.
        Enhanced => "enhanced", "Enhanced DBS check",
        /// Enhanced DBS check with barred list checks (regulated activity).
        EnhancedBarred => "enhanced_barred", "Enhanced DBS check with barred lists",
    }
}

slug_enum! {
    /// When the employer asks the person about convictions.
    pub enum ConvictionsAsked("when convictions are asked") {
        /// Never: only with no criminal record check.
        Never => "never", "Never",
        /// After offering the job (the fair-chance practice).
        AtOffer => "at_offer", "After offering the job",
        /// With the application.
        AtApplication => "at_application", "With the application",
    }
}

impl ConvictionsAsked {
    /// What an absent answer means: never with no check, else after the
    /// offer (a check is done once a job is offered).
    pub fn default_for(check_level: CheckLevel) -> Self {
        if check_level == CheckLevel::None {
            ConvictionsAsked::Never
        } else {
            ConvictionsAsked::AtOffer
        }
    }
}

/// What contradicting the check level is told.
pub const NEVER_WITH_A_CHECK: &str =
    "A criminal record check tells you about convictions, so the person will be asked about them. \
     Choose when you ask: after offering the job, or with the application. \
     Choose never only when there is no criminal record check";

slug_enum! {
    /// How a vacancy says when work starts.
    pub enum StartKind("start") {
        /// On a set date.
        OnDate => "date", "On a set date",
        /// As soon as possible: whenever the person taken on can begin
        /// (usual with rolling recruitment).
        Asap => "asap", "As soon as possible",
    }
}

/// When work starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// As soon as the person taken on can begin.
    Asap,
    /// On this date.
    On(NaiveDate),
}

impl Start {
    /// Which kind of start this is.
    pub fn kind(self) -> StartKind {
        match self {
            Start::Asap => StartKind::Asap,
            Start::On(_) => StartKind::OnDate,
        }
    }

    /// The set date, if there is one.
    pub fn date(self) -> Option<NaiveDate> {
        match self {
            Start::Asap => None,
            Start::On(date) => Some(date),
        }
    }
}

slug_enum! {
    /// What a vacancy offers: a job, or a route into one before release.
    pub enum VacancyKind("vacancy kind") {
        /// An ordinary job (every vacancy before kinds existed).
        Job => "job", "Job",
        /// A job where every forwarded person who meets the essentials is
        /// interviewed.
        GuaranteedInterview => "guaranteed_interview", "Guaranteed interview",
        /// A short trial of the work, 1 to 10 days on set dates, before
        /// release (on day release) or after it.
        WorkTrial => "work_trial", "Work trial",
        /// Work on day release (release on temporary licence, ROTL) before
        /// the release date, on set days of the week; the prison must
        /// approve each placement.
        RotlPlacement => "rotl_placement", "Day release (ROTL) placement",
    }
}

impl VacancyKind {
    /// What the kind means, in plain words for employers and officers.
    pub fn meaning(self) -> &'static str {
        match self {
            VacancyKind::Job => "A job.",
            VacancyKind::GuaranteedInterview => {
                "A job with a guaranteed interview: everyone forwarded who meets the essential \
                 needs is interviewed."
            }
            VacancyKind::WorkTrial => {
                "A work trial: a few days trying the work on set dates, before or after release."
            }
            VacancyKind::RotlPlacement => {
                "A day release (ROTL) placement: work on set days before the release date. \
                 The prison must approve the placement for each person."
            }
        }
    }
}

slug_enum! {
    /// When a work trial runs, relative to the person's release.
    pub enum TrialTiming("trial timing") {
        /// Before release, on day release (ROTL): every trial day falls
        /// before the release date.
        BeforeRelease => "before_release", "Before release, on day release",
        /// After release: the first trial day is on or after release.
        AfterRelease => "after_release", "After release",
    }
}

/// Fewest and most days a work trial lasts, counting both ends.
pub const TRIAL_MIN_DAYS: i64 = 1;
/// See [`TRIAL_MIN_DAYS`].
pub const TRIAL_MAX_DAYS: i64 = 10;
/// Longest description of how a person travels to a day release placement.
pub const TRAVEL_MAX_CHARS: usize = 300;

/// The kind of a vacancy with the fields only that kind has. The start date,
/// shifts, pay and `rotl_suitable` are the vacancy's own fields, shared by
/// every kind:
/// - a work trial starts on `start_date` and ends on `ends_on`; its pay
///   range is the job's pay, and `paid` says whether the trial days are paid;
/// - a ROTL placement's days of the week are its shift windows, and it
///   starts on `start_date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KindDetails {
    /// An ordinary job.
    Job,
    /// A job with a guaranteed interview.
    GuaranteedInterview,
    /// A work trial.
    WorkTrial {
        /// The last trial day.
        ends_on: NaiveDate,
        /// Whether the trial days are paid.
        paid: bool,
        /// Before or after release.
        timing: TrialTiming,
    },
    /// A day release placement.
    RotlPlacement {
        /// How the person gets there from the prison (may be blank).
        travel: String,
    },
}

impl KindDetails {
    /// The kind.
    pub fn kind(&self) -> VacancyKind {
        match self {
            KindDetails::Job => VacancyKind::Job,
            KindDetails::GuaranteedInterview => VacancyKind::GuaranteedInterview,
            KindDetails::WorkTrial { .. } => VacancyKind::WorkTrial,
            KindDetails::RotlPlacement { .. } => VacancyKind::RotlPlacement,
        }
    }

    /// Whether the person is on day release (ROTL) while doing it: a
    /// placement, or a trial before release. Such a vacancy is always
    /// `rotl_suitable`, and the ROTL rules (eligibility on the start day,
    /// travel from the prison) apply to it.
    pub fn on_day_release(&self) -> bool {
        matches!(
            self,
            KindDetails::RotlPlacement { .. }
                | KindDetails::WorkTrial {
                    timing: TrialTiming::BeforeRelease,
                    ..
                }
        )
    }
}

/// Highest pay figure accepted, in pence (£1,000,000): anything above is a
/// typing mistake, and the cap keeps pound-to-pence conversion exact.
pub const MAX_PAY_PENCE: u64 = 100_000_000;

/// A pay range in whole pence per period; both ends are positive and the
/// minimum is not above the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PayRange {
    min_pence: u64,
    max_pence: u64,
    period: PayPeriod,
}

impl PayRange {
    /// Checks the range; errors use the fields `pay_min` and `pay_max`.
    pub fn parse(min_pence: u64, max_pence: u64, period: PayPeriod) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        if min_pence == 0 || min_pence > MAX_PAY_PENCE {
            errors.add("pay_min", PAY_MIN_MESSAGE);
        }
        if max_pence == 0 || max_pence > MAX_PAY_PENCE {
            errors.add("pay_max", PAY_MAX_MESSAGE);
        }
        if errors.is_empty() && min_pence > max_pence {
            errors.add(
                "pay_max",
                "Enter highest pay that is the same as or more than the lowest pay",
            );
        }
        errors.into_result(Self {
            min_pence,
            max_pence,
            period,
        })
    }

    /// Converts pounds to pence (rounded to the nearest penny) and checks
    /// the range.
    pub fn from_pounds(min: f64, max: f64, period: PayPeriod) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let min_pence = pounds_to_pence(min);
        let max_pence = pounds_to_pence(max);
        if min_pence.is_none() {
            errors.add("pay_min", PAY_MIN_MESSAGE);
        }
        if max_pence.is_none() {
            errors.add("pay_max", PAY_MAX_MESSAGE);
        }
        match (min_pence, max_pence) {
            (Some(min), Some(max)) => Self::parse(min, max, period),
            _ => Err(errors),
        }
    }

    /// The lowest pay in pence.
    pub fn min_pence(&self) -> u64 {
        self.min_pence
    }

    /// The highest pay in pence.
    pub fn max_pence(&self) -> u64 {
        self.max_pence
    }

    /// What the figures are per.
    pub fn period(&self) -> PayPeriod {
        self.period
    }
}

const PAY_MIN_MESSAGE: &str =
    "Enter the lowest pay in pounds, more than £0 and less than £1,000,000";
const PAY_MAX_MESSAGE: &str =
    "Enter the highest pay in pounds, more than £0 and less than £1,000,000";

fn pounds_to_pence(pounds: f64) -> Option<u64> {
    let pence = (pounds * 100.0).round();
    // The range check makes the cast exact: the value is a whole number
    // between 1 and MAX_PAY_PENCE.
    (pence.is_finite() && pence >= 1.0 && pence <= MAX_PAY_PENCE as f64).then_some(pence as u64)
}

fn pence_to_pounds(pence: u64) -> f64 {
    pence as f64 / 100.0
}

/// "£1,234.50", or "£25,000" for whole pounds.
pub fn format_pence(pence: u64) -> String {
    let pounds = (pence / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in pounds.chars().enumerate() {
        if i > 0 && (pounds.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match pence % 100 {
        0 => format!("£{grouped}"),
        p => format!("£{grouped}.{p:02}"),
    }
}

/// "£11.44 to £12.50 an hour", "£25,000 a year".
impl fmt::Display for PayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per = match self.period {
            PayPeriod::Hour => "an hour",
            PayPeriod::Week => "a week",
            PayPeriod::Month => "a month",
            PayPeriod::Year => "a year",
        };
        if self.min_pence == self.max_pence {
            write!(f, "{} {per}", format_pence(self.min_pence))
        } else {
            write!(
                f,
                "{} to {} {per}",
                format_pence(self.min_pence),
                format_pence(self.max_pence)
            )
        }
    }
}

/// Where the work is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Workplace {
    /// At a place (its distance from the release area matters).
    OnSite(Place),
    /// From home: distance and exclusion zones do not apply.
    Remote,
}

impl Workplace {
    /// The place, for on-site work.
    pub fn place(&self) -> Option<&Place> {
        match self {
            Workplace::OnSite(place) => Some(place),
            Workplace::Remote => None,
        }
    }
}

/// A vacancy as a form or JSON body carries it, after the web layer has
/// looked up the workplace's coordinates. Missing fields take their
/// defaults (an unticked checkbox is `false`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct VacancyInput {
    /// Job title.
    #[validate(length(
        min = 3,
        max = 120,
        message = "Enter a job title of 3 to 120 characters"
    ))]
    pub title: String,
    /// What the job involves.
    #[validate(length(
        min = 20,
        max = 5000,
        message = "Describe the job in 20 to 5,000 characters"
    ))]
    pub description: String,
    /// Sector slug from the taxonomy.
    pub sector: String,
    /// The job is done from home; `workplace` is then ignored.
    pub remote: bool,
    /// Where the job is, for on-site work.
    #[validate(nested)]
    pub workplace: Option<PlaceInput>,
    /// Hours per week.
    #[validate(range(
        min = 1.0,
        max = 60.0,
        message = "Enter the hours per week, from 1 to 60"
    ))]
    pub hours_per_week: f64,
    /// Shift patterns; empty when the hours are not fixed.
    #[validate(
        length(max = 14, message = "List no more than 14 shift patterns"),
        nested
    )]
    pub shifts: Vec<TimeWindowInput>,
    /// Contract type slug.
    pub contract: String,
    /// Lowest pay in pounds.
    pub pay_min: f64,
    /// Highest pay in pounds.
    pub pay_max: f64,
    /// Pay period slug.
    pub pay_period: String,
    /// Number of people wanted.
    #[validate(range(
        min = 1,
        max = 500,
        message = "Enter the number of jobs, from 1 to 500"
    ))]
    pub positions: u32,
    /// How the start is given: "date" (a set `start_date`) or "asap" (as
    /// soon as possible, with no `start_date`). Absent or empty means a
    /// set date, so bodies that only give `start_date` keep working.
    pub start: Option<String>,
    /// First day of work, for a start on a set date.
    pub start_date: Option<NaiveDate>,
    /// Last day to apply; none for rolling recruitment.
    pub closing_date: Option<NaiveDate>,
    /// Skill (or certificate) slugs a person must have to do the job well.
    #[validate(length(max = 20, message = "List no more than 20 required skills"))]
    pub required_skills: Vec<String>,
    /// Skill (or certificate) slugs that help.
    #[validate(length(max = 20, message = "List no more than 20 desirable skills"))]
    pub desirable_skills: Vec<String>,
    /// Certificate slugs a person must hold, valid on the start date.
    #[validate(length(max = 10, message = "List no more than 10 required certificates"))]
    pub required_certificates: Vec<String>,
    /// The job needs a driving licence.
    pub needs_driving_licence: bool,
    /// Check level slug.
    pub check_level: String,
    /// When convictions are asked about: "never", "at_offer" or
    /// "at_application". Absent or empty means "never" with no check and
    /// "at_offer" with one, so bodies written before the field keep
    /// working.
    pub convictions_asked: Option<String>,
    /// Regulated activity with children.
    pub regulated_children: bool,
    /// Regulated activity with vulnerable adults.
    pub regulated_adults: bool,
    /// Offence categories the employer cannot accept or considers case by case.
    #[validate(nested)]
    pub offence_exclusions: Vec<OffenceExclusionInput>,
    /// Suitable for release on temporary licence (day release).
    pub rotl_suitable: bool,
    /// Only for people with convictions.
    pub ring_fenced: bool,
    /// How to apply, in the employer's words.
    #[validate(length(
        max = 2000,
        message = "Explain how to apply in no more than 2,000 characters"
    ))]
    pub how_to_apply: String,
    /// Documents the person must bring.
    #[validate(length(max = 10, message = "List no more than 10 documents"))]
    pub documents_needed: Vec<String>,
    /// Applications open from this day; absent means open once published.
    pub opens_on: Option<NaiveDate>,
    /// Kind slug ("job", "guaranteed_interview", "work_trial",
    /// "rotl_placement"); absent or empty means "job".
    pub kind: Option<String>,
    /// A work trial's last day (its first is `start_date`).
    pub trial_ends_on: Option<NaiveDate>,
    /// Whether a work trial's days are paid.
    pub trial_paid: Option<bool>,
    /// When a work trial runs: "before_release" or "after_release".
    pub trial_timing: Option<String>,
    /// How a person on a day release placement gets there.
    pub travel: Option<String>,
}

/// Input fields in form order, for sorting error summaries.
pub const VACANCY_FIELDS: &[&str] = &[
    "title",
    "description",
    "sector",
    "remote",
    "workplace",
    "hours_per_week",
    "shifts",
    "contract",
    "pay_min",
    "pay_max",
    "pay_period",
    "positions",
    "start",
    "start_date",
    "closing_date",
    "required_skills",
    "desirable_skills",
    "required_certificates",
    "needs_driving_licence",
    "check_level",
    "convictions_asked",
    "regulated_children",
    "regulated_adults",
    "offence_exclusions",
    "rotl_suitable",
    "ring_fenced",
    "how_to_apply",
    "documents_needed",
    "opens_on",
    "kind",
    "trial_ends_on",
    "trial_paid",
    "trial_timing",
    "travel",
];

/// Longest description of one needed document.
pub const DOCUMENT_MAX_CHARS: usize = 200;

/// What a start date in the past is told (form, CSV import and API alike).
pub const START_IN_PAST: &str =
    "Enter a start date that is today or later, or say that the job starts as soon as possible";

/// Whether a start date given now is refused for being in the past. Like
/// the closing date this is the caller's check, since stored vacancies
/// legitimately have one: `kept` is the start the vacancy already has,
/// which an edit may keep (a published job that has started stays
/// editable).
pub fn start_in_past(start: Option<NaiveDate>, today: NaiveDate, kept: Option<NaiveDate>) -> bool {
    start.is_some_and(|start| start < today && Some(start) != kept)
}

/// How long after the start date a closing date may be: a vacancy still
/// recruiting two years after work began is a mistake or a stale advert.
pub const CLOSING_AFTER_START_MONTHS: u32 = 24;

/// The validated content of a vacancy (everything the employer writes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VacancyDetails {
    title: String,
    description: String,
    sector: Slug,
    workplace: Workplace,
    hours_per_week: f64,
    shifts: Vec<TimeWindow>,
    contract: ContractType,
    pay: PayRange,
    positions: u32,
    start: Start,
    closing_date: Option<NaiveDate>,
    required_skills: Vec<Slug>,
    desirable_skills: Vec<Slug>,
    required_certificates: Vec<Slug>,
    needs_driving_licence: bool,
    check_level: CheckLevel,
    convictions_asked: ConvictionsAsked,
    regulated_children: bool,
    regulated_adults: bool,
    offence_exclusions: Vec<OffenceExclusion>,
    rotl_suitable: bool,
    ring_fenced: bool,
    how_to_apply: String,
    documents_needed: Vec<String>,
    opens_on: Option<NaiveDate>,
    kind: KindDetails,
}

impl VacancyDetails {
    /// Checks every field and every rule between fields, reporting all
    /// problems at once (in form order) with messages for the employer.
    ///
    /// Text is trimmed, blank list items are dropped, and the workplace is
    /// ignored for remote work. Skill lists hold taxonomy slugs: required
    /// and desirable skills may name skills or certificates, required
    /// certificates only certificates. Whether a closing date is in the past
    /// is left to the caller, since stored vacancies legitimately have one.
    pub fn parse(raw: &VacancyInput, taxonomy: &Taxonomy) -> Result<Self, FieldErrors> {
        let input = normalise(raw);
        let mut errors = match input.validate() {
            Ok(()) => FieldErrors::new(),
            Err(validation) => FieldErrors::from_validation(&validation),
        };
        check_sector(&mut errors, &input, taxonomy);
        let workplace = parse_workplace(&mut errors, &input);
        let shifts = parse_hours_and_shifts(&mut errors, &input);
        let contract = ContractType::parse(&input.contract).ok();
        if contract.is_none() {
            errors.add("contract", "Choose the type of contract");
        }
        let pay = parse_pay(&mut errors, &input);
        let start = parse_start(&mut errors, &input);
        check_closing_date(&mut errors, start, input.closing_date);
        check_skills(&mut errors, &input, taxonomy);
        let check_level = parse_check_level(&mut errors, &input);
        let convictions_asked = parse_convictions_asked(&mut errors, &input, check_level);
        let exclusions = parse_offence_exclusions(&mut errors, &input.offence_exclusions);
        check_documents(&mut errors, &input.documents_needed);
        check_no_nul(&mut errors, &input);
        check_opens_on(&mut errors, &input, start);
        let kind = parse_kind(&mut errors, &input, start);

        let (
            Some(workplace),
            Some(contract),
            Some(pay),
            Some(start),
            Some(check_level),
            Some(convictions_asked),
            Some(kind),
        ) = (
            workplace,
            contract,
            pay,
            start,
            check_level,
            convictions_asked,
            kind,
        )
        else {
            errors.sort_by_form_order(VACANCY_FIELDS);
            return Err(errors);
        };
        if !errors.is_empty() {
            errors.sort_by_form_order(VACANCY_FIELDS);
            return Err(errors);
        }
        Ok(Self {
            title: input.title,
            description: input.description,
            sector: Slug::new(&input.sector),
            workplace,
            hours_per_week: input.hours_per_week,
            shifts,
            contract,
            pay,
            positions: input.positions,
            start,
            closing_date: input.closing_date,
            required_skills: slug::shared(&input.required_skills),
            desirable_skills: slug::shared(&input.desirable_skills),
            required_certificates: slug::shared(&input.required_certificates),
            needs_driving_licence: input.needs_driving_licence,
            check_level,
            convictions_asked,
            regulated_children: input.regulated_children,
            regulated_adults: input.regulated_adults,
            offence_exclusions: exclusions,
            rotl_suitable: rotl_suitable_for(&kind, input.rotl_suitable),
            ring_fenced: input.ring_fenced,
            how_to_apply: input.how_to_apply,
            documents_needed: input.documents_needed,
            opens_on: input.opens_on,
            kind,
        })
    }

    /// The input that parses back to these details (to refill an edit form
    /// or to store).
    pub fn to_input(&self) -> VacancyInput {
        VacancyInput {
            title: self.title.clone(),
            description: self.description.clone(),
            sector: self.sector.to_string(),
            remote: self.workplace == Workplace::Remote,
            workplace: self.workplace.place().map(Place::to_input),
            hours_per_week: self.hours_per_week,
            shifts: self.shifts.iter().map(TimeWindow::to_input).collect(),
            contract: self.contract.as_str().to_owned(),
            pay_min: pence_to_pounds(self.pay.min_pence),
            pay_max: pence_to_pounds(self.pay.max_pence),
            pay_period: self.pay.period.as_str().to_owned(),
            positions: self.positions,
            start: Some(self.start.kind().as_str().to_owned()),
            start_date: self.start.date(),
            closing_date: self.closing_date,
            required_skills: slug::texts(&self.required_skills),
            desirable_skills: slug::texts(&self.desirable_skills),
            required_certificates: slug::texts(&self.required_certificates),
            needs_driving_licence: self.needs_driving_licence,
            check_level: self.check_level.as_str().to_owned(),
            convictions_asked: Some(self.convictions_asked.as_str().to_owned()),
            regulated_children: self.regulated_children,
            regulated_adults: self.regulated_adults,
            offence_exclusions: self
                .offence_exclusions
                .iter()
                .map(OffenceExclusion::to_input)
                .collect(),
            rotl_suitable: self.rotl_suitable,
            ring_fenced: self.ring_fenced,
            how_to_apply: self.how_to_apply.clone(),
            documents_needed: self.documents_needed.clone(),
            opens_on: self.opens_on,
            kind: Some(self.kind.kind().as_str().to_owned()),
            trial_ends_on: match &self.kind {
                KindDetails::WorkTrial { ends_on, .. } => Some(*ends_on),
                _ => None,
            },
            trial_paid: match &self.kind {
                KindDetails::WorkTrial { paid, .. } => Some(*paid),
                _ => None,
            },
            trial_timing: match &self.kind {
                KindDetails::WorkTrial { timing, .. } => Some(timing.as_str().to_owned()),
                _ => None,
            },
            travel: match &self.kind {
                KindDetails::RotlPlacement { travel } => Some(travel.clone()),
                _ => None,
            },
        }
    }

    /// Job title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// What the job involves.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Sector slug.
    pub fn sector(&self) -> &str {
        &self.sector
    }

    /// Where the work is done.
    pub fn workplace(&self) -> &Workplace {
        &self.workplace
    }

    /// Hours per week (1 to 60).
    pub fn hours_per_week(&self) -> f64 {
        self.hours_per_week
    }

    /// Shift patterns; empty when the hours are not fixed.
    pub fn shifts(&self) -> &[TimeWindow] {
        &self.shifts
    }

    /// Contract type.
    pub fn contract(&self) -> ContractType {
        self.contract
    }

    /// Pay range.
    pub fn pay(&self) -> PayRange {
        self.pay
    }

    /// Number of people wanted.
    pub fn positions(&self) -> u32 {
        self.positions
    }

    /// When work starts.
    pub fn start(&self) -> Start {
        self.start
    }

    /// Last day to apply; `None` for rolling recruitment.
    pub fn closing_date(&self) -> Option<NaiveDate> {
        self.closing_date
    }

    /// Required skill (or certificate) slugs.
    pub fn required_skills(&self) -> &[Slug] {
        &self.required_skills
    }

    /// Desirable skill (or certificate) slugs.
    pub fn desirable_skills(&self) -> &[Slug] {
        &self.desirable_skills
    }

    /// Required certificate slugs.
    pub fn required_certificates(&self) -> &[Slug] {
        &self.required_certificates
    }

    /// Whether the job needs a driving licence.
    pub fn needs_driving_licence(&self) -> bool {
        self.needs_driving_licence
    }

    /// Criminal record check level.
    pub fn check_level(&self) -> CheckLevel {
        self.check_level
    }

    /// When convictions are asked about.
    pub fn convictions_asked(&self) -> ConvictionsAsked {
        self.convictions_asked
    }

    /// Regulated activity with children.
    pub fn regulated_children(&self) -> bool {
        self.regulated_children
    }

    /// Regulated activity with vulnerable adults.
    pub fn regulated_adults(&self) -> bool {
        self.regulated_adults
    }

    /// The employer's statements about offence categories.
    pub fn offence_exclusions(&self) -> &[OffenceExclusion] {
        &self.offence_exclusions
    }

    /// The statement about one category, if there is one.
    pub fn exclusion_for(&self, category: OffenceCategory) -> Option<&OffenceExclusion> {
        self.offence_exclusions
            .iter()
            .find(|exclusion| exclusion.category() == category)
    }

    /// Suitable for release on temporary licence.
    pub fn rotl_suitable(&self) -> bool {
        self.rotl_suitable
    }

    /// Only for people with convictions.
    pub fn ring_fenced(&self) -> bool {
        self.ring_fenced
    }

    /// How to apply.
    pub fn how_to_apply(&self) -> &str {
        &self.how_to_apply
    }

    /// Documents the person must bring.
    pub fn documents_needed(&self) -> &[String] {
        &self.documents_needed
    }

    /// The first day applications are taken, if later than publication.
    pub fn opens_on(&self) -> Option<NaiveDate> {
        self.opens_on
    }

    /// The kind.
    pub fn kind(&self) -> VacancyKind {
        self.kind.kind()
    }

    /// The kind with its own fields.
    pub fn kind_details(&self) -> &KindDetails {
        &self.kind
    }
}

/// `rotl_suitable` as stored: a day release placement and a trial before
/// release are done on day release, so they are always suitable; a trial
/// after release never is; a job or guaranteed interview keeps the
/// employer's choice (it may start before release on day release).
fn rotl_suitable_for(kind: &KindDetails, chosen: bool) -> bool {
    match kind {
        KindDetails::Job | KindDetails::GuaranteedInterview => chosen,
        KindDetails::WorkTrial { .. } | KindDetails::RotlPlacement { .. } => kind.on_day_release(),
    }
}

/// Applications may open later than publication, but not after they close
/// nor after work starts.
fn check_opens_on(errors: &mut FieldErrors, input: &VacancyInput, start: Option<Start>) {
    let Some(opens) = input.opens_on else {
        return;
    };
    if input.closing_date.is_some_and(|closing| opens > closing) {
        errors.add(
            "opens_on",
            "Enter a day applications open that is on or before the closing date",
        );
    } else if let Some(Start::On(start)) = start {
        if opens > start {
            errors.add(
                "opens_on",
                "Enter a day applications open that is on or before the start date",
            );
        }
    }
}

/// The kind and the fields it needs; fields of another kind must be left
/// out.
fn parse_kind(
    errors: &mut FieldErrors,
    input: &VacancyInput,
    start: Option<Start>,
) -> Option<KindDetails> {
    let kind = match input.kind.as_deref() {
        None => VacancyKind::Job,
        Some(text) => match VacancyKind::parse(text) {
            Ok(kind) => kind,
            Err(_) => {
                errors.add(
                    "kind",
                    "Choose what you offer: a job, a guaranteed interview, a work trial \
                     or a day release (ROTL) placement",
                );
                return None;
            }
        },
    };
    if kind != VacancyKind::WorkTrial {
        for (field, given) in [
            ("trial_ends_on", input.trial_ends_on.is_some()),
            ("trial_paid", input.trial_paid.is_some()),
            ("trial_timing", input.trial_timing.is_some()),
        ] {
            if given {
                errors.add(field, "Leave this out unless you offer a work trial");
            }
        }
    }
    if kind != VacancyKind::RotlPlacement && input.travel.is_some() {
        errors.add(
            "travel",
            "Leave travel out unless you offer a day release (ROTL) placement",
        );
    }
    let needs_date = matches!(kind, VacancyKind::WorkTrial | VacancyKind::RotlPlacement);
    if needs_date && matches!(start, Some(Start::Asap)) {
        errors.add(
            "start",
            "A work trial or day release placement starts on a set date. Enter the first day",
        );
    }
    match kind {
        VacancyKind::Job => Some(KindDetails::Job),
        VacancyKind::GuaranteedInterview => Some(KindDetails::GuaranteedInterview),
        VacancyKind::WorkTrial => parse_trial(errors, input, start),
        VacancyKind::RotlPlacement => {
            if input.remote {
                errors.add(
                    "remote",
                    "A day release placement is done at a workplace. Enter where it is",
                );
            }
            if input.shifts.is_empty() {
                errors.add(
                    "shifts",
                    "Enter the days of the week and the times of the placement",
                );
            }
            let travel = input.travel.clone().unwrap_or_default();
            if travel.chars().count() > TRAVEL_MAX_CHARS {
                errors.add(
                    "travel",
                    "Describe the travel in no more than 300 characters",
                );
            }
            Some(KindDetails::RotlPlacement { travel })
        }
    }
}

/// A work trial: its last day (1 to 10 days from the start, counting
/// both), whether it is paid, and whether it runs before or after release.
fn parse_trial(
    errors: &mut FieldErrors,
    input: &VacancyInput,
    start: Option<Start>,
) -> Option<KindDetails> {
    let ends_on = match (input.trial_ends_on, start) {
        (None, _) => {
            errors.add("trial_ends_on", "Enter the last day of the work trial");
            None
        }
        (Some(ends), Some(Start::On(first))) => {
            let days = (ends - first).num_days() + 1;
            if days < TRIAL_MIN_DAYS {
                errors.add(
                    "trial_ends_on",
                    "Enter a last day of the trial that is on or after the first day",
                );
                None
            } else if days > TRIAL_MAX_DAYS {
                errors.add(
                    "trial_ends_on",
                    "A work trial lasts 1 to 10 days. Enter a last day no more than 9 days after the first",
                );
                None
            } else {
                Some(ends)
            }
        }
        // The start's own error is already given.
        (Some(_), _) => None,
    };
    let paid = input.trial_paid;
    if paid.is_none() {
        errors.add("trial_paid", "Say whether the trial days are paid");
    }
    let timing = match input.trial_timing.as_deref() {
        None => {
            errors.add(
                "trial_timing",
                "Say whether the trial is before release (on day release) or after release",
            );
            None
        }
        Some(text) => {
            let timing = TrialTiming::parse(text).ok();
            if timing.is_none() {
                errors.add(
                    "trial_timing",
                    "Choose before release (on day release) or after release",
                );
            }
            timing
        }
    };
    Some(KindDetails::WorkTrial {
        ends_on: ends_on?,
        paid: paid?,
        timing: timing?,
    })
}

/// The sector must be given and be one the taxonomy knows.
fn check_sector(errors: &mut FieldErrors, input: &VacancyInput, taxonomy: &Taxonomy) {
    if input.sector.is_empty() {
        errors.add("sector", "Choose a sector");
    } else if !taxonomy.is_known_sector(&input.sector) {
        errors.add("sector", "Choose a sector from the list");
    }
}

/// Where the job is done: from home, or at a place that must be given.
fn parse_workplace(errors: &mut FieldErrors, input: &VacancyInput) -> Option<Workplace> {
    if input.remote {
        return Some(Workplace::Remote);
    }
    parse_place(
        errors,
        "workplace",
        input.workplace.as_ref(),
        "Enter where the job is, or say that it is done from home",
    )
    .map(Workplace::OnSite)
}

/// A place that must be given, with its errors under `field`. Shared by
/// the vacancy's workplace and the profile's release area.
pub(crate) fn parse_place(
    errors: &mut FieldErrors,
    field: &str,
    place: Option<&PlaceInput>,
    missing: &str,
) -> Option<Place> {
    match place {
        None => {
            errors.add(field, missing);
            None
        }
        Some(place) => match Place::parse(place) {
            Ok(place) => Some(place),
            Err(place_errors) => {
                errors.absorb(field, place_errors);
                None
            }
        },
    }
}

/// The weekly hours and the shifts worked.
fn parse_hours_and_shifts(errors: &mut FieldErrors, input: &VacancyInput) -> Vec<TimeWindow> {
    if !input.hours_per_week.is_finite() {
        errors.add("hours_per_week", "Enter the hours per week, from 1 to 60");
    }
    errors.parse_each("shifts", &input.shifts, TimeWindow::from_input)
}

/// The pay period and the range of pay in it.
fn parse_pay(errors: &mut FieldErrors, input: &VacancyInput) -> Option<PayRange> {
    let period = PayPeriod::parse(&input.pay_period).ok();
    if period.is_none() {
        errors.add(
            "pay_period",
            "Choose whether the pay is per hour, week, month or year",
        );
    }
    match PayRange::from_pounds(
        input.pay_min,
        input.pay_max,
        period.unwrap_or(PayPeriod::Hour),
    ) {
        Ok(pay) => Some(pay),
        Err(pay_errors) => {
            errors.absorb("", pay_errors);
            None
        }
    }
}

/// When the job starts: as soon as possible, or on a date that must then
/// be given (a date alone, without the choice, means that date).
fn parse_start(errors: &mut FieldErrors, input: &VacancyInput) -> Option<Start> {
    match StartKind::parse(input.start.as_deref().unwrap_or_default()) {
        Ok(StartKind::Asap) => match input.start_date {
            None => Some(Start::Asap),
            Some(_) => {
                errors.add(
                    "start_date",
                    "Leave the start date out when the job starts as soon as possible, \
                     or say that it starts on a set date",
                );
                None
            }
        },
        Ok(StartKind::OnDate) => {
            if input.start_date.is_none() {
                errors.add("start_date", "Enter the start date");
            }
            input.start_date.map(Start::On)
        }
        Err(_) if input.start.is_none() => {
            if input.start_date.is_none() {
                errors.add(
                    "start_date",
                    "Enter the start date, or say that the job starts as soon as possible",
                );
            }
            input.start_date.map(Start::On)
        }
        Err(_) => {
            errors.add(
                "start",
                "Choose whether the job starts on a set date or as soon as possible",
            );
            None
        }
    }
}

/// A closing date may be at most [`CLOSING_AFTER_START_MONTHS`] after a
/// set start date.
fn check_closing_date(errors: &mut FieldErrors, start: Option<Start>, closing: Option<NaiveDate>) {
    if let (Some(Start::On(start)), Some(closing)) = (start, closing) {
        let latest = start.checked_add_months(Months::new(CLOSING_AFTER_START_MONTHS));
        if latest.is_some_and(|latest| closing > latest) {
            errors.add(
                "closing_date",
                "Enter a closing date no more than 2 years after the start date",
            );
        }
    }
}

/// Required and desirable skills and required certificates come from the
/// taxonomy, and a skill is not both required and desirable.
fn check_skills(errors: &mut FieldErrors, input: &VacancyInput, taxonomy: &Taxonomy) {
    check_slugs(
        errors,
        "required_skills",
        &input.required_skills,
        taxonomy,
        |slug| taxonomy.is_known_entry(slug),
        "Choose required skills from the list",
    );
    check_slugs(
        errors,
        "desirable_skills",
        &input.desirable_skills,
        taxonomy,
        |slug| taxonomy.is_known_entry(slug),
        "Choose desirable skills from the list",
    );
    let required: HashSet<&str> = input.required_skills.iter().map(String::as_str).collect();
    for slug in &input.desirable_skills {
        if required.contains(slug.as_str()) && taxonomy.is_known_entry(slug) {
            errors.add(
                "desirable_skills",
                format!(
                    "{} is already a required skill. Remove it from desirable skills",
                    taxonomy.label(slug)
                ),
            );
        }
    }
    check_slugs(
        errors,
        "required_certificates",
        &input.required_certificates,
        taxonomy,
        |slug| taxonomy.is_known_certificate(slug),
        "Choose required certificates from the list",
    );
}

/// The criminal record check, which regulated activity requires to be an
/// enhanced check with barred lists.
fn parse_check_level(errors: &mut FieldErrors, input: &VacancyInput) -> Option<CheckLevel> {
    let check_level = CheckLevel::parse(&input.check_level).ok();
    match check_level {
        None => errors.add("check_level", "Choose the level of criminal record check"),
        Some(level) => {
            if (input.regulated_children || input.regulated_adults)
                && level != CheckLevel::EnhancedBarred
            {
                errors.add(
                    "check_level",
                    "Regulated activity needs an enhanced DBS check with barred lists. \
                     Choose that check, or untick regulated activity",
                );
            }
        }
    }
    check_level
}

/// When convictions are asked: absent means the default for the check
/// level; "never" contradicts any criminal record check.
fn parse_convictions_asked(
    errors: &mut FieldErrors,
    input: &VacancyInput,
    check_level: Option<CheckLevel>,
) -> Option<ConvictionsAsked> {
    let asked = match input.convictions_asked.as_deref() {
        None => return check_level.map(ConvictionsAsked::default_for),
        Some(text) => match ConvictionsAsked::parse(text) {
            Ok(asked) => asked,
            Err(_) => {
                errors.add(
                    "convictions_asked",
                    "Choose when you ask about convictions: never, after offering the job, \
                     or with the application",
                );
                return None;
            }
        },
    };
    if asked == ConvictionsAsked::Never && check_level.is_some_and(|l| l != CheckLevel::None) {
        errors.add("convictions_asked", NEVER_WITH_A_CHECK);
    }
    Some(asked)
}

/// The offences the employer excludes, each category listed once.
fn parse_offence_exclusions(
    errors: &mut FieldErrors,
    input: &[OffenceExclusionInput],
) -> Vec<OffenceExclusion> {
    let mut exclusions = Vec::with_capacity(input.len());
    let mut seen = HashSet::new();
    for (i, exclusion) in input.iter().enumerate() {
        let prefix = format!("offence_exclusions[{i}]");
        if let Ok(category) = OffenceCategory::parse(&exclusion.category) {
            if !seen.insert(category) {
                errors.add(
                    format!("{prefix}.category"),
                    format!(
                        "{} is already listed. List each offence category once",
                        category.label()
                    ),
                );
            }
        }
        match OffenceExclusion::parse(exclusion) {
            Ok(parsed) => exclusions.push(parsed),
            Err(exclusion_errors) => errors.absorb(&prefix, exclusion_errors),
        }
    }
    exclusions
}

/// Each needed document is described briefly.
fn check_documents(errors: &mut FieldErrors, documents: &[String]) {
    for (i, document) in documents.iter().enumerate() {
        if document.chars().count() > DOCUMENT_MAX_CHARS {
            errors.add(
                format!("documents_needed[{i}]"),
                "Describe each document in no more than 200 characters",
            );
        }
    }
}

/// Free text with a NUL character is refused: no database keeps one in
/// text (PostgreSQL refuses the row), and nobody types it.
fn check_no_nul(errors: &mut FieldErrors, input: &VacancyInput) {
    let mut texts: Vec<(String, &str)> = vec![
        ("title".into(), &input.title),
        ("description".into(), &input.description),
        ("how_to_apply".into(), &input.how_to_apply),
    ];
    if let Some(place) = &input.workplace {
        texts.push(("workplace.name".into(), &place.name));
    }
    if let Some(travel) = &input.travel {
        texts.push(("travel".into(), travel));
    }
    for (i, document) in input.documents_needed.iter().enumerate() {
        texts.push((format!("documents_needed[{i}]"), document));
    }
    for (i, exclusion) in input.offence_exclusions.iter().enumerate() {
        texts.push((format!("offence_exclusions[{i}].reason"), &exclusion.reason));
    }
    for (field, text) in texts {
        if text.contains('\0') {
            errors.add(field, "Remove the null character (\\0) from this text");
        }
    }
}

/// Trims text, drops blank list items and the workplace of remote jobs, so
/// that the validator attributes see what will be stored.
fn normalise(raw: &VacancyInput) -> VacancyInput {
    let mut input = raw.clone();
    for text in [
        &mut input.title,
        &mut input.description,
        &mut input.sector,
        &mut input.contract,
        &mut input.pay_period,
        &mut input.check_level,
        &mut input.how_to_apply,
    ] {
        *text = text.trim().to_owned();
    }
    for list in [
        &mut input.required_skills,
        &mut input.desirable_skills,
        &mut input.required_certificates,
        &mut input.documents_needed,
    ] {
        *list = clean_list(list);
    }
    input.convictions_asked = input
        .convictions_asked
        .as_deref()
        .map(|asked| asked.trim().to_ascii_lowercase())
        .filter(|asked| !asked.is_empty());
    for text in [&mut input.kind, &mut input.trial_timing] {
        *text = text
            .as_deref()
            .map(|value| value.trim().to_ascii_lowercase())
            .filter(|value| !value.is_empty());
    }
    input.travel = input
        .travel
        .as_deref()
        .map(|travel| travel.trim().to_owned())
        .filter(|travel| !travel.is_empty());
    input.start = input
        .start
        .as_deref()
        .map(|start| start.trim().to_ascii_lowercase())
        .filter(|start| !start.is_empty());
    if input.remote {
        input.workplace = None;
    }
    if let Some(place) = &mut input.workplace {
        place.name = place.name.trim().to_owned();
    }
    for exclusion in &mut input.offence_exclusions {
        exclusion.category = exclusion.category.trim().to_owned();
        exclusion.stance = exclusion.stance.trim().to_owned();
        exclusion.reason = exclusion.reason.trim().to_owned();
    }
    input
}

/// Trims items and drops blank ones (empty text boxes on a form).
pub(crate) fn clean_list(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

/// Reports slugs the taxonomy does not know (for `is_allowed`) and repeats.
pub(crate) fn check_slugs(
    errors: &mut FieldErrors,
    field: &str,
    slugs: &[String],
    taxonomy: &Taxonomy,
    is_allowed: impl Fn(&str) -> bool,
    unknown_message: &str,
) {
    let mut seen = HashSet::new();
    for slug in slugs {
        if !is_allowed(slug) {
            errors.add(field, unknown_message);
        } else if !seen.insert(slug.as_str()) {
            errors.add(
                field,
                format!("{} is listed more than once", taxonomy.label(slug)),
            );
        }
    }
}

/// A stored vacancy. The details are already validated, so the fields are
/// public.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vacancy {
    /// Database id.
    pub id: i64,
    /// The employer that owns it.
    pub employer_id: i64,
    /// Lifecycle status.
    pub status: VacancyStatus,
    /// What the employer wrote.
    pub details: VacancyDetails,
}

impl Vacancy {
    /// Whether people can be matched and apply today: published, the
    /// closing date (the last day to apply) is today or later, or rolling,
    /// and applications have opened (`opens_on` is today or earlier, or
    /// not set).
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.status == VacancyStatus::Published
            && self
                .details
                .closing_date
                .is_none_or(|closing| closing >= today)
            && self.details.opens_on.is_none_or(|opens| opens <= today)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::skills::tests::sample;

    pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A complete, valid warehouse vacancy in Wakefield.
    pub(crate) fn valid_input() -> VacancyInput {
        VacancyInput {
            title: "Warehouse operative".into(),
            description: "Picking, packing and loading orders in a busy warehouse.".into(),
            sector: "warehousing".into(),
            remote: false,
            workplace: Some(PlaceInput {
                name: "Wakefield".into(),
                lat: 53.6833,
                lon: -1.4977,
            }),
            hours_per_week: 37.5,
            shifts: vec![TimeWindowInput {
                days: vec![
                    "mon".into(),
                    "tue".into(),
                    "wed".into(),
                    "thu".into(),
                    "fri".into(),
                ],
                start: "08:00".into(),
                end: "16:00".into(),
            }],
            contract: "permanent".into(),
            pay_min: 12.21,
            pay_max: 13.0,
            pay_period: "hour".into(),
            positions: 3,
            start: Some("date".into()),
            start_date: Some(date(2025, 6, 2)),
            closing_date: Some(date(2025, 5, 23)),
            required_skills: vec!["stock-control".into(), "manual-handling".into()],
            desirable_skills: vec!["picking-packing".into()],
            required_certificates: vec!["forklift-counterbalance".into()],
            needs_driving_licence: false,
            check_level: "basic".into(),
            convictions_asked: Some("at_offer".into()),
            regulated_children: false,
            regulated_adults: false,
            offence_exclusions: vec![OffenceExclusionInput {
                category: "arson".into(),
                stance: "excluded".into(),
                reason: "The site stores large amounts of flammable packaging.".into(),
            }],
            rotl_suitable: true,
            ring_fenced: false,
            how_to_apply: "Your officer will send your details.".into(),
            documents_needed: vec!["Proof of identity".into()],
            opens_on: None,
            kind: Some("job".into()),
            trial_ends_on: None,
            trial_paid: None,
            trial_timing: None,
            travel: None,
        }
    }

    fn trial_input() -> VacancyInput {
        VacancyInput {
            kind: Some("work_trial".into()),
            trial_ends_on: Some(date(2025, 6, 6)),
            trial_paid: Some(true),
            trial_timing: Some("before_release".into()),
            rotl_suitable: false,
            ..valid_input()
        }
    }

    #[test]
    fn kinds_default_to_job_and_keep_their_fields() {
        let job = VacancyDetails::parse(&valid_input(), &sample()).unwrap();
        assert_eq!(job.kind(), VacancyKind::Job);
        assert!(job.rotl_suitable(), "a job keeps the employer's choice");
        let trial = VacancyDetails::parse(&trial_input(), &sample()).unwrap();
        assert_eq!(
            trial.kind_details(),
            &KindDetails::WorkTrial {
                ends_on: date(2025, 6, 6),
                paid: true,
                timing: TrialTiming::BeforeRelease
            }
        );
        assert!(
            trial.rotl_suitable(),
            "a trial before release is on day release"
        );
        assert_eq!(
            VacancyDetails::parse(&trial.to_input(), &sample()).unwrap(),
            trial
        );
        let after = VacancyInput {
            trial_timing: Some("after_release".into()),
            rotl_suitable: true,
            ..trial_input()
        };
        assert!(!VacancyDetails::parse(&after, &sample())
            .unwrap()
            .rotl_suitable());
        let placement = VacancyInput {
            kind: Some(" ROTL_Placement ".into()),
            travel: Some("Minibus from the gate".into()),
            rotl_suitable: false,
            ..valid_input()
        };
        let parsed = VacancyDetails::parse(&placement, &sample()).unwrap();
        assert_eq!(parsed.kind(), VacancyKind::RotlPlacement);
        assert!(parsed.rotl_suitable());
        assert_eq!(
            VacancyDetails::parse(&parsed.to_input(), &sample()).unwrap(),
            parsed
        );
    }

    #[test]
    fn a_trial_needs_its_fields_and_lasts_one_to_ten_days() {
        let errors = |input: VacancyInput| VacancyDetails::parse(&input, &sample()).unwrap_err();
        let bare = errors(VacancyInput {
            trial_ends_on: None,
            trial_paid: None,
            trial_timing: None,
            ..trial_input()
        });
        for field in ["trial_ends_on", "trial_paid", "trial_timing"] {
            assert!(bare.has(field), "{field}");
        }
        let ten = VacancyInput {
            trial_ends_on: Some(date(2025, 6, 11)),
            ..trial_input()
        };
        assert!(VacancyDetails::parse(&ten, &sample()).is_ok());
        assert!(errors(VacancyInput {
            trial_ends_on: Some(date(2025, 6, 12)),
            ..trial_input()
        })
        .has("trial_ends_on"));
        assert!(errors(VacancyInput {
            trial_ends_on: Some(date(2025, 6, 1)),
            ..trial_input()
        })
        .has("trial_ends_on"));
        assert!(errors(VacancyInput {
            trial_timing: Some("during".into()),
            ..trial_input()
        })
        .has("trial_timing"));
        let asap = errors(VacancyInput {
            start: Some("asap".into()),
            start_date: None,
            ..trial_input()
        });
        assert!(asap.has("start"));
        // Trial fields on a job are refused.
        let job = errors(VacancyInput {
            kind: None,
            ..trial_input()
        });
        assert!(job.has("trial_ends_on") && job.has("trial_paid") && job.has("trial_timing"));
        assert!(errors(VacancyInput {
            kind: Some("internship".into()),
            ..valid_input()
        })
        .has("kind"));
    }

    #[test]
    fn a_placement_is_on_site_on_set_days() {
        let errors = |input: VacancyInput| VacancyDetails::parse(&input, &sample()).unwrap_err();
        let placement = || VacancyInput {
            kind: Some("rotl_placement".into()),
            ..valid_input()
        };
        assert!(errors(VacancyInput {
            remote: true,
            ..placement()
        })
        .has("remote"));
        assert!(errors(VacancyInput {
            shifts: Vec::new(),
            ..placement()
        })
        .has("shifts"));
        assert!(errors(VacancyInput {
            travel: Some("x".repeat(301)),
            ..placement()
        })
        .has("travel"));
        assert!(errors(VacancyInput {
            travel: Some("Bus".into()),
            ..valid_input()
        })
        .has("travel"));
    }

    #[test]
    fn applications_open_before_they_close_and_work_starts() {
        let errors = |input: VacancyInput| VacancyDetails::parse(&input, &sample()).unwrap_err();
        assert!(errors(VacancyInput {
            opens_on: Some(date(2025, 5, 24)),
            ..valid_input()
        })
        .has("opens_on"));
        assert!(errors(VacancyInput {
            opens_on: Some(date(2025, 6, 3)),
            closing_date: None,
            ..valid_input()
        })
        .has("opens_on"));
        let fine = VacancyInput {
            opens_on: Some(date(2025, 5, 23)),
            ..valid_input()
        };
        let parsed = VacancyDetails::parse(&fine, &sample()).unwrap();
        assert_eq!(parsed.opens_on(), Some(date(2025, 5, 23)));
        let vacancy = Vacancy {
            id: 1,
            employer_id: 1,
            status: VacancyStatus::Published,
            details: parsed,
        };
        assert!(!vacancy.is_open(date(2025, 5, 22)));
        assert!(vacancy.is_open(date(2025, 5, 23)));
    }

    pub(crate) fn details(input: &VacancyInput) -> VacancyDetails {
        VacancyDetails::parse(input, &sample()).unwrap()
    }

    fn errors(input: &VacancyInput) -> FieldErrors {
        VacancyDetails::parse(input, &sample()).unwrap_err()
    }

    #[test]
    fn text_with_a_nul_character_is_refused_by_field() {
        let mut input = valid_input();
        input.title = "Warehouse\0 operative".into();
        input.documents_needed = vec!["Passport".into(), "Bank\0 card".into()];
        let errors = errors(&input);
        assert!(errors.has("title"), "{errors:?}");
        assert!(errors.has("documents_needed[1]"), "{errors:?}");
        assert!(!errors.has("documents_needed[0]"));
    }

    #[test]
    fn valid_input_parses_and_round_trips() {
        let parsed = details(&valid_input());
        assert_eq!(parsed.title(), "Warehouse operative");
        assert_eq!(parsed.sector(), "warehousing");
        assert_eq!(
            parsed.workplace().place().map(Place::name),
            Some("Wakefield")
        );
        assert_eq!(parsed.hours_per_week(), 37.5);
        assert_eq!(parsed.shifts()[0].to_string(), "Mon–Fri 08:00–16:00");
        assert_eq!(parsed.contract(), ContractType::Permanent);
        assert_eq!(parsed.pay().min_pence(), 1221);
        assert_eq!(parsed.pay().max_pence(), 1300);
        assert_eq!(parsed.pay().period(), PayPeriod::Hour);
        assert_eq!(parsed.positions(), 3);
        assert_eq!(parsed.start(), Start::On(date(2025, 6, 2)));
        assert_eq!(parsed.closing_date(), Some(date(2025, 5, 23)));
        assert_eq!(
            parsed.required_skills(),
            ["stock-control", "manual-handling"]
        );
        assert_eq!(parsed.desirable_skills(), ["picking-packing"]);
        assert_eq!(parsed.required_certificates(), ["forklift-counterbalance"]);
        assert!(!parsed.needs_driving_licence());
        assert_eq!(parsed.check_level(), CheckLevel::Basic);
        assert!(!parsed.regulated_children() && !parsed.regulated_adults());
        assert_eq!(parsed.offence_exclusions().len(), 1);
        assert!(parsed.exclusion_for(OffenceCategory::Arson).is_some());
        assert!(parsed.exclusion_for(OffenceCategory::Violence).is_none());
        assert!(parsed.rotl_suitable() && !parsed.ring_fenced());
        assert_eq!(
            parsed.how_to_apply(),
            "Your officer will send your details."
        );
        assert_eq!(parsed.documents_needed(), ["Proof of identity"]);

        let input = parsed.to_input();
        assert_eq!(input, valid_input());
        assert_eq!(details(&input), parsed);
    }

    #[test]
    fn input_deserializes_from_json_with_defaults() {
        let json = r#"{"title":"Cook","remote":true,"start_date":"2025-06-02"}"#;
        let input: VacancyInput = serde_json::from_str(json).unwrap();
        assert!(input.remote && input.shifts.is_empty() && !input.rotl_suitable);
        assert_eq!(input.start_date, Some(date(2025, 6, 2)));
    }

    #[test]
    fn a_start_as_soon_as_possible_has_no_date() {
        let mut input = valid_input();
        input.start = Some(" ASAP ".into());
        input.start_date = None;
        let parsed = details(&input);
        assert_eq!(parsed.start(), Start::Asap);
        let stored = parsed.to_input();
        assert_eq!(
            (stored.start.as_deref(), stored.start_date),
            (Some("asap"), None)
        );
        assert_eq!(details(&stored), parsed);

        // No two-year limit to measure from: the closing date is free.
        input.closing_date = Some(date(2030, 1, 1));
        assert!(VacancyDetails::parse(&input, &sample()).is_ok());

        input.start_date = Some(date(2025, 6, 2));
        assert_eq!(
            errors(&input).messages("start_date"),
            [
                "Leave the start date out when the job starts as soon as possible, \
              or say that it starts on a set date"
            ]
        );
    }

    #[test]
    fn how_the_start_is_given_decides_what_is_needed() {
        // A set date needs the date, with a message for that choice.
        let mut input = valid_input();
        input.start_date = None;
        assert_eq!(
            errors(&input).messages("start_date"),
            ["Enter the start date"]
        );
        // Bodies from before the choice existed give only the date.
        let mut input = valid_input();
        input.start = None;
        assert_eq!(details(&input).start(), Start::On(date(2025, 6, 2)));
        input.start = Some("  ".into());
        assert_eq!(details(&input).start(), Start::On(date(2025, 6, 2)));
        // Anything else is refused on its own field.
        input.start = Some("tomorrow".into());
        let errors = errors(&input);
        assert_eq!(
            errors.messages("start"),
            ["Choose whether the job starts on a set date or as soon as possible"]
        );
        assert!(!errors.has("start_date"));
        // The set date keeps its own rules.
        let mut input = valid_input();
        input.closing_date = Some(date(2027, 6, 3));
        assert!(self::errors(&input).has("closing_date"));
    }

    #[test]
    fn start_slugs_and_json() {
        for kind in StartKind::ALL {
            assert_eq!(StartKind::parse(kind.as_str()), Ok(*kind));
        }
        let json = r#"{"start":"asap","start_date":null}"#;
        let input: VacancyInput = serde_json::from_str(json).unwrap();
        assert_eq!(
            (input.start.as_deref(), input.start_date),
            (Some("asap"), None)
        );
        assert_eq!(Start::On(date(2027, 3, 2)).date(), Some(date(2027, 3, 2)));
        assert_eq!(Start::Asap.date(), None);
    }

    #[test]
    fn text_is_trimmed_and_blank_items_dropped() {
        let mut input = valid_input();
        input.title = "   Warehouse operative  ".into();
        input.required_skills = vec![" stock-control ".into(), "".into(), "  ".into()];
        input.documents_needed = vec!["".into()];
        let parsed = details(&input);
        assert_eq!(parsed.title(), "Warehouse operative");
        assert_eq!(parsed.required_skills(), ["stock-control"]);
        assert!(parsed.documents_needed().is_empty());

        input.title = "  ab  ".into();
        assert_eq!(
            errors(&input).first("title"),
            Some("Enter a job title of 3 to 120 characters")
        );
    }

    #[test]
    fn empty_input_reports_every_required_field_in_form_order() {
        let errors = errors(&VacancyInput::default());
        let fields: Vec<&str> = errors.iter().map(|(field, _)| field).collect();
        assert_eq!(
            fields,
            vec![
                "title",
                "description",
                "sector",
                "workplace",
                "hours_per_week",
                "contract",
                "pay_min",
                "pay_max",
                "pay_period",
                "positions",
                "start_date",
                "check_level",
            ]
        );
        assert_eq!(
            errors.first("start_date"),
            Some("Enter the start date, or say that the job starts as soon as possible")
        );
        assert_eq!(
            errors.first("positions"),
            Some("Enter the number of jobs, from 1 to 500")
        );
    }

    #[test]
    fn remote_work_needs_no_workplace_and_ignores_one_given() {
        let mut input = valid_input();
        input.remote = true;
        input.workplace = Some(PlaceInput {
            name: String::new(),
            lat: 999.0,
            lon: 0.0,
        });
        let parsed = details(&input);
        assert_eq!(parsed.workplace(), &Workplace::Remote);
        assert_eq!(parsed.to_input().workplace, None);
        assert!(parsed.to_input().remote);
    }

    #[test]
    fn workplace_errors_are_nested_once() {
        let mut input = valid_input();
        input.workplace = Some(PlaceInput {
            name: " ".into(),
            lat: 95.0,
            lon: 0.0,
        });
        let errors = errors(&input);
        assert_eq!(errors.messages("workplace.name").len(), 1);
        assert_eq!(
            errors.first("workplace.lat"),
            Some("Enter a latitude between -90 and 90")
        );
    }

    #[test]
    fn hours_per_week_range_and_nan() {
        for (hours, ok) in [
            (1.0, true),
            (60.0, true),
            (0.5, false),
            (60.5, false),
            (f64::NAN, false),
        ] {
            let mut input = valid_input();
            input.hours_per_week = hours;
            let result = VacancyDetails::parse(&input, &sample());
            assert_eq!(result.is_ok(), ok, "{hours}");
            if let Err(errors) = result {
                assert_eq!(errors.messages("hours_per_week").len(), 1);
            }
        }
    }

    #[test]
    fn shift_errors_name_the_shift_and_part() {
        let mut input = valid_input();
        input.shifts.push(TimeWindowInput {
            days: vec![],
            start: "7am".into(),
            end: "15:00".into(),
        });
        input.shifts.push(TimeWindowInput {
            days: vec!["sat".into()],
            start: "09:00".into(),
            end: "09:00".into(),
        });
        let errors = errors(&input);
        assert_eq!(
            errors.messages("shifts[1].days"),
            ["Choose at least one day"]
        );
        assert!(errors.has("shifts[1].start"));
        assert!(errors.has("shifts[2].end"));
        assert!(!errors.has("shifts[0].start"));

        let mut input = valid_input();
        input.shifts = vec![valid_input().shifts[0].clone(); 15];
        assert_eq!(
            self::errors(&input).first("shifts"),
            Some("List no more than 14 shift patterns")
        );
        input.shifts.truncate(14);
        assert!(VacancyDetails::parse(&input, &sample()).is_ok());
    }

    #[test]
    fn night_shifts_are_accepted() {
        let mut input = valid_input();
        input.shifts = vec![TimeWindowInput {
            days: vec!["fri".into()],
            start: "22:00".into(),
            end: "06:00".into(),
        }];
        assert!(details(&input).shifts()[0].crosses_midnight());
    }

    #[test]
    fn pay_rules() {
        let mut input = valid_input();
        input.pay_min = 14.0;
        input.pay_max = 13.0;
        assert_eq!(
            errors(&input).first("pay_max"),
            Some("Enter highest pay that is the same as or more than the lowest pay")
        );
        input.pay_min = 0.0;
        input.pay_max = f64::INFINITY;
        let errors = errors(&input);
        assert!(errors.has("pay_min") && errors.has("pay_max"));

        let mut input = valid_input();
        input.pay_min = 25_000.004;
        input.pay_max = 25_000.0;
        input.pay_period = "year".into();
        let pay = details(&input).pay();
        assert_eq!((pay.min_pence(), pay.max_pence()), (2_500_000, 2_500_000));
        input.pay_period = "fortnight".into();
        assert!(self::errors(&input).has("pay_period"));
    }

    #[test]
    fn pay_range_parse_and_display() {
        assert!(PayRange::parse(0, 100, PayPeriod::Hour).is_err());
        assert!(PayRange::parse(100, MAX_PAY_PENCE + 1, PayPeriod::Hour).is_err());
        assert!(PayRange::parse(1, MAX_PAY_PENCE, PayPeriod::Hour).is_ok());
        let hourly = PayRange::parse(1144, 1250, PayPeriod::Hour).unwrap();
        assert_eq!(hourly.to_string(), "£11.44 to £12.50 an hour");
        let yearly = PayRange::from_pounds(25_000.0, 25_000.0, PayPeriod::Year).unwrap();
        assert_eq!(yearly.to_string(), "£25,000 a year");
        assert_eq!(format_pence(123_456_789), "£1,234,567.89");
        assert_eq!(format_pence(5), "£0.05");
        assert_eq!(format_pence(100_000), "£1,000");
        assert_eq!(
            PayRange::parse(200_000, 250_000, PayPeriod::Month)
                .unwrap()
                .to_string(),
            "£2,000 to £2,500 a month"
        );
        assert_eq!(
            PayRange::parse(50_000, 50_000, PayPeriod::Week)
                .unwrap()
                .to_string(),
            "£500 a week"
        );
    }

    #[test]
    fn closing_date_may_be_at_most_two_years_after_start() {
        let mut input = valid_input();
        input.closing_date = Some(date(2027, 6, 2));
        assert!(VacancyDetails::parse(&input, &sample()).is_ok());
        input.closing_date = Some(date(2027, 6, 3));
        assert_eq!(
            errors(&input).first("closing_date"),
            Some("Enter a closing date no more than 2 years after the start date")
        );
        input.closing_date = None;
        assert_eq!(details(&input).closing_date(), None);
    }

    #[test]
    fn skill_lists_must_be_known_unique_and_separate() {
        let mut input = valid_input();
        input.required_skills = vec![
            "stock-control".into(),
            "welding".into(),
            "stock-control".into(),
        ];
        input.desirable_skills = vec!["stock-control".into(), "cscs-card".into()];
        input.required_certificates =
            vec!["cooking".into(), "cscs-card".into(), "cscs-card".into()];
        let errors = errors(&input);
        assert_eq!(
            errors.messages("required_skills"),
            [
                "Choose required skills from the list",
                "Stock control is listed more than once"
            ]
        );
        assert_eq!(
            errors.messages("desirable_skills"),
            ["Stock control is already a required skill. Remove it from desirable skills"]
        );
        assert_eq!(
            errors.messages("required_certificates"),
            [
                "Choose required certificates from the list",
                "CSCS card is listed more than once"
            ]
        );
    }

    #[test]
    fn certificates_may_be_listed_as_skills() {
        let mut input = valid_input();
        input.desirable_skills = vec!["food-hygiene-2".into()];
        assert!(VacancyDetails::parse(&input, &sample()).is_ok());
    }

    #[test]
    fn regulated_activity_needs_enhanced_barred_check() {
        for (children, adults, level, ok) in [
            (true, false, "enhanced", false),
            (false, true, "standard", false),
            (true, true, "enhanced_barred", true),
            (false, false, "enhanced_barred", true),
            (false, false, "none", true),
        ] {
            let mut input = valid_input();
            input.regulated_children = children;
            input.regulated_adults = adults;
            input.check_level = level.into();
            let result = VacancyDetails::parse(&input, &sample());
            assert_eq!(result.is_ok(), ok, "{children} {adults} {level}");
            if let Err(errors) = result {
                assert!(errors
                    .first("check_level")
                    .unwrap()
                    .starts_with("Regulated activity"));
            }
        }
    }

    #[test]
    fn offence_exclusions_each_once_with_reason() {
        let mut input = valid_input();
        input.offence_exclusions.push(OffenceExclusionInput {
            category: "arson".into(),
            stance: "case_by_case".into(),
            reason: "We would discuss it with the person.".into(),
        });
        input.offence_exclusions.push(OffenceExclusionInput {
            category: "violence".into(),
            stance: "excluded".into(),
            reason: "short".into(),
        });
        input.offence_exclusions.push(OffenceExclusionInput {
            category: "murder".into(),
            stance: "excluded".into(),
            reason: "Not a category we accept here.".into(),
        });
        let errors = errors(&input);
        assert_eq!(
            errors.messages("offence_exclusions[1].category"),
            ["Arson is already listed. List each offence category once"]
        );
        assert_eq!(
            errors.messages("offence_exclusions[2].reason"),
            ["Explain why people with convictions for violence cannot be considered, in 10 to 500 characters, for example what the role involves"]
        );
        assert_eq!(
            errors.first("offence_exclusions[3].category"),
            Some("Choose an offence category from the list")
        );
        assert!(!errors.has("offence_exclusions[0].category"));
    }

    #[test]
    fn documents_and_how_to_apply_limits() {
        let mut input = valid_input();
        input.documents_needed = vec!["ok".into(), "x".repeat(201)];
        input.how_to_apply = "x".repeat(2001);
        let errors = errors(&input);
        assert!(errors.has("documents_needed[1]") && !errors.has("documents_needed[0]"));
        assert!(errors.has("how_to_apply"));
        let mut input = valid_input();
        input.documents_needed = vec!["doc".into(); 11];
        assert!(self::errors(&input).has("documents_needed"));
    }

    #[test]
    fn errors_serialize_for_json_clients() {
        let mut input = valid_input();
        input.title = String::new();
        input.shifts[0].start = "nine".into();
        let json = serde_json::to_value(errors(&input)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "title": ["Enter a job title of 3 to 120 characters"],
                "shifts[0].start": ["Enter a time in the 24-hour clock, like 09:00 or 17:30"],
            })
        );
    }

    #[test]
    fn vacancy_status_lifecycle_exhaustive() {
        use VacancyStatus::*;
        let allowed = [
            (Draft, Published),
            (Draft, Withdrawn),
            (Published, Paused),
            (Published, Filled),
            (Published, Closed),
            (Published, Withdrawn),
            (Paused, Published),
            (Paused, Filled),
            (Paused, Closed),
            (Paused, Withdrawn),
        ];
        for &from in VacancyStatus::ALL {
            for &to in VacancyStatus::ALL {
                assert_eq!(
                    VacancyStatus::can_transition(from, to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
            let has_exit = VacancyStatus::ALL
                .iter()
                .any(|&to| VacancyStatus::can_transition(from, to));
            assert_eq!(from.is_final(), !has_exit, "{from}");
        }
    }

    #[test]
    fn enum_slugs_round_trip() {
        for status in VacancyStatus::ALL {
            assert_eq!(VacancyStatus::parse(status.as_str()), Ok(*status));
        }
        for contract in ContractType::ALL {
            assert_eq!(ContractType::parse(contract.as_str()), Ok(*contract));
        }
        for period in PayPeriod::ALL {
            assert_eq!(PayPeriod::parse(period.as_str()), Ok(*period));
        }
        for level in CheckLevel::ALL {
            assert_eq!(CheckLevel::parse(level.as_str()), Ok(*level));
        }
        assert_eq!(ContractType::FixedTerm.as_str(), "fixed_term");
        assert_eq!(CheckLevel::EnhancedBarred.as_str(), "enhanced_barred");
        assert_eq!(
            serde_json::to_string(&CheckLevel::EnhancedBarred).unwrap(),
            "\"enhanced_barred\""
        );
    }

    #[test]
    fn workplace_serde_round_trip() {
        let parsed = details(&valid_input());
        let json = serde_json::to_string(parsed.workplace()).unwrap();
        assert_eq!(
            json,
            r#"{"type":"on_site","name":"Wakefield","lat":53.6833,"lon":-1.4977}"#
        );
        assert_eq!(
            &serde_json::from_str::<Workplace>(&json).unwrap(),
            parsed.workplace()
        );
        assert_eq!(
            serde_json::to_string(&Workplace::Remote).unwrap(),
            r#"{"type":"remote"}"#
        );
    }

    #[test]
    fn vacancy_open_until_the_end_of_its_closing_date() {
        let mut vacancy = Vacancy {
            id: 1,
            employer_id: 2,
            status: VacancyStatus::Published,
            details: details(&valid_input()),
        };
        let closing = date(2025, 5, 23);
        assert!(vacancy.is_open(closing.pred_opt().unwrap()));
        assert!(vacancy.is_open(closing));
        assert!(!vacancy.is_open(closing.succ_opt().unwrap()));
        vacancy.status = VacancyStatus::Paused;
        assert!(!vacancy.is_open(closing));
        let mut rolling = valid_input();
        rolling.closing_date = None;
        vacancy.details = details(&rolling);
        vacancy.status = VacancyStatus::Published;
        assert!(vacancy.is_open(date(2030, 1, 1)));
    }

    #[test]
    fn convictions_asked_defaults_by_check_level_and_never_needs_no_check() {
        let mut input = valid_input();
        input.convictions_asked = None;
        assert_eq!(
            details(&input).convictions_asked(),
            ConvictionsAsked::AtOffer
        );
        input.check_level = "none".into();
        assert_eq!(details(&input).convictions_asked(), ConvictionsAsked::Never);
        input.convictions_asked = Some("  ".into());
        assert_eq!(details(&input).convictions_asked(), ConvictionsAsked::Never);
        input.convictions_asked = Some("At_Application".into());
        let parsed = details(&input);
        assert_eq!(parsed.convictions_asked(), ConvictionsAsked::AtApplication);
        assert_eq!(
            parsed.to_input().convictions_asked.as_deref(),
            Some("at_application")
        );
        for level in ["basic", "standard", "enhanced"] {
            input.check_level = level.into();
            input.convictions_asked = Some("never".into());
            let errors = errors(&input);
            assert!(errors.has("convictions_asked"), "{level}");
            assert!(format!("{errors:?}").contains("only when there is no criminal record check"));
        }
        input.convictions_asked = Some("sometimes".into());
        assert!(errors(&input).has("convictions_asked"));
    }
}
