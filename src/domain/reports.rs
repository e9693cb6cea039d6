//! What a report is about (its scope, range, stages and dimensions) and the
//! counts the store gathers for it. The `reports` module turns these counts into
//! published tables; the store fills them without depending on that module.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::FieldErrors;

/// Days after release at which employment is measured.
pub const SIX_WEEKS_DAYS: i64 = 42;
pub const SIX_MONTHS_DAYS: i64 = 182;
/// The employer breakdown lists this many employers by applications; the
/// rest are one "all other employers" row.
pub const EMPLOYER_ROWS: usize = 20;
/// The longest range a report covers.
const MAX_RANGE_YEARS: u32 = 10;

/// Whose people a report counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Profiles of one officer's caseload (in their own service).
    Caseload { service_id: i64, officer_id: i64 },
    /// Every profile of one service.
    Service { service_id: i64 },
    /// Every service.
    All,
}

impl Scope {
    pub fn service_id(&self) -> Option<i64> {
        match self {
            Self::Caseload { service_id, .. } | Self::Service { service_id } => Some(*service_id),
            Self::All => None,
        }
    }

    /// A short name for audit entries and file names.
    pub fn slug(&self) -> &'static str {
        match self {
            Self::Caseload { .. } => "caseload",
            Self::Service { .. } => "service",
            Self::All => "all",
        }
    }
}

/// An inclusive range of days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn year_before(day: NaiveDate) -> NaiveDate {
    day.checked_sub_months(Months::new(12)).unwrap_or(day) + Duration::days(1)
}

impl DateRange {
    /// The last 12 months up to and including `today`.
    pub fn default_for(today: NaiveDate) -> Self {
        Self {
            from: year_before(today),
            to: today,
        }
    }

    /// Reads the form's `from` and `to` (YYYY-MM-DD). An empty `to` is
    /// today; an empty `from` is 12 months before `to`.
    pub fn parse(from: &str, to: &str, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let read = |field: &str, label: &str, value: &str, errors: &mut FieldErrors| {
            let value = value.trim();
            if value.is_empty() {
                return None;
            }
            match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Ok(day) if (2000..=2100).contains(&day.year()) => Some(day),
                Ok(_) => {
                    errors.add(
                        field,
                        format!("{label} must be between the years 2000 and 2100"),
                    );
                    None
                }
                Err(_) => {
                    errors.add(
                        field,
                        format!("{label} must be a real date, written like 2026-01-31"),
                    );
                    None
                }
            }
        };
        let from_day = read("from", "The start date", from, &mut errors);
        let to_day = read("to", "The end date", to, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let to_day = to_day.unwrap_or(today);
        let from_day = from_day.unwrap_or_else(|| year_before(to_day));
        if from_day > to_day {
            errors.add(
                "to",
                "The end date must be the same as or after the start date",
            );
        } else if from_day > today {
            errors.add("from", "The start date must be today or earlier");
        } else if to_day
            .checked_sub_months(Months::new(12 * MAX_RANGE_YEARS))
            .is_some_and(|limit| from_day < limit)
        {
            errors.add(
                "from",
                format!("The range can be at most {MAX_RANGE_YEARS} years long"),
            );
        }
        errors.into_result(Self {
            from: from_day,
            to: to_day,
        })
    }

    /// The first moment of the range.
    pub fn start(&self) -> NaiveDateTime {
        self.from.and_time(NaiveTime::MIN)
    }

    /// The first moment after the range.
    pub fn end(&self) -> NaiveDateTime {
        (self.to + Duration::days(1)).and_time(NaiveTime::MIN)
    }
}

/// The funnel's stages, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Matches,
    Approved,
    Applications,
    Forwarded,
    Interviews,
    Offers,
    Starts,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Matches,
        Stage::Approved,
        Stage::Applications,
        Stage::Forwarded,
        Stage::Interviews,
        Stage::Offers,
        Stage::Starts,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Matches => "Matches",
            Self::Approved => "Approved by an officer",
            Self::Applications => "Applications",
            Self::Forwarded => "Forwarded to employer",
            Self::Interviews => "Interviews",
            Self::Offers => "Offers",
            Self::Starts => "Starts",
        }
    }

    /// What is counted, as the page explains it.
    pub fn definition(self) -> &'static str {
        match self {
            Self::Matches => "matches the service suggested in the range (any status now)",
            Self::Approved => {
                "matches an officer approved in the range and that are still approved"
            }
            Self::Applications => "applications made in the range",
            Self::Forwarded => "applications an officer forwarded to the employer in the range",
            Self::Interviews => "applications moved to interview in the range",
            Self::Offers => "applications moved to offer in the range",
            Self::Starts => "applications marked as started work in the range",
        }
    }

    /// The application status whose event marks this stage.
    pub fn event_status(self) -> Option<&'static str> {
        match self {
            Self::Matches | Self::Approved | Self::Applications => None,
            Self::Forwarded => Some("forwarded"),
            Self::Interviews => Some("interview"),
            Self::Offers => Some("offer"),
            Self::Starts => Some("started"),
        }
    }
}

/// A breakdown's grouping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dimension {
    Service,
    Sector,
    Employer,
    Gender,
}

impl Dimension {
    pub fn label(self) -> &'static str {
        match self {
            Self::Service => "Service",
            Self::Sector => "Sector",
            Self::Employer => "Employer",
            Self::Gender => "Gender",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Sector => "sector",
            Self::Employer => "employer",
            Self::Gender => "gender",
        }
    }
}

/// The label of a stored gender value ("" when none was recorded).
pub fn gender_label(value: &str) -> &'static str {
    match value {
        "female" => "Female",
        "male" => "Male",
        "non_binary" => "Non-binary",
        "prefer_not_to_say" => "Prefers not to say",
        _ => "Not recorded",
    }
}

/// Employment after release for one group: people whose measure is due
/// (released long enough ago) and how many of them were in work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Employment {
    pub due_6_weeks: i64,
    pub in_work_6_weeks: i64,
    pub due_6_months: i64,
    pub in_work_6_months: i64,
}

/// What the database counted for one scope and range.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    /// Per dimension: (group label, count per stage in [`Stage::ALL`] order).
    pub funnel: BTreeMap<&'static str, Vec<(String, [i64; 7])>>,
    /// Per dimension (service and gender): employment per group.
    pub employment: BTreeMap<&'static str, Vec<(String, Employment)>>,
    /// (days from release to first start, people).
    pub start_delays: Vec<(i64, i64)>,
    pub applications: i64,
    pub vacancies_applied_to: i64,
    pub vacancies_filled: i64,
    /// Interview bookings the employer recorded as attended in the range.
    pub interviews_held: i64,
    /// Work-trial bookings the employer recorded as attended in the range.
    pub trials_done: i64,
    /// Applications that reached a start in the range, by the kind of the
    /// vacancy they were for (its slug): the route into work.
    pub starts_by_kind: Vec<(String, i64)>,
}
