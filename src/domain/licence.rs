//! Licence conditions and when they end.
//!
//! A licence runs until its end date (the end of the period on licence),
//! and each condition (a curfew, an exclusion zone, the driving ban) may
//! have an end date of its own. The semantics, used everywhere:
//!
//! - A condition's *effective end* is the earlier of its own end date and
//!   the licence end date, when either is set; with neither it does not
//!   end.
//! - A condition is *in force* on a day when its effective end is none or
//!   on or after that day: it still applies on its end date itself, and a
//!   condition that ended yesterday no longer counts.
//! - The free-text "other conditions" have no end of their own but are no
//!   longer in force after the licence ends.
//!
//! `assess` judges a pair on [`LicenceConditions::in_force_on`] (`today`),
//! and the search documents are built on the same view, so narrowing never
//! drops a pair `assess` would accept. The daily worker pass re-runs the
//! matching of a person on the first day one of their conditions no longer
//! applies (see `jobs::schedule::daily`).

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::errors::FieldErrors;
use super::geo::{ExclusionZone, ExclusionZoneInput};
use super::schedule::{TimeWindow, TimeWindowInput};

/// The earliest year an end date may be in.
pub const FIRST_END_YEAR: i32 = 2000;
/// The latest year an end date may be in.
pub const LAST_END_YEAR: i32 = 2100;

/// A curfew as typed on a form: the weekly window and, optionally, the last
/// day it applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct CurfewInput {
    /// Day names such as `"mon"`; for a curfew crossing midnight, the days
    /// on which it starts.
    #[validate(length(min = 1, message = "Choose at least one day"))]
    pub days: Vec<String>,
    /// Start time, `"HH:MM"`.
    pub start: String,
    /// End time, `"HH:MM"`; at or before the start means the next day.
    pub end: String,
    /// The last day the curfew applies; none when it lasts as long as the
    /// licence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_on: Option<NaiveDate>,
}

impl CurfewInput {
    /// The weekly window part.
    pub fn window(&self) -> TimeWindowInput {
        TimeWindowInput {
            days: self.days.clone(),
            start: self.start.clone(),
            end: self.end.clone(),
        }
    }
}

/// A curfew with no end date of its own.
impl From<TimeWindowInput> for CurfewInput {
    fn from(window: TimeWindowInput) -> Self {
        Self {
            days: window.days,
            start: window.start,
            end: window.end,
            ends_on: None,
        }
    }
}

/// A curfew: a weekly window, and the last day it applies when it ends
/// before the licence does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Curfew {
    window: TimeWindow,
    ends_on: Option<NaiveDate>,
}

impl Curfew {
    /// Checks the window (errors use the input's field names); the end date
    /// is checked with the rest of the licence.
    pub fn parse(input: &CurfewInput) -> Result<Self, FieldErrors> {
        Ok(Self {
            window: TimeWindow::from_input(&input.window())?,
            ends_on: input.ends_on,
        })
    }

    /// The weekly window.
    pub fn window(&self) -> &TimeWindow {
        &self.window
    }

    /// Its own last day, if it has one (see
    /// [`LicenceConditions::effective_end`] for the one that counts).
    pub fn ends_on(&self) -> Option<NaiveDate> {
        self.ends_on
    }

    /// The input that parses back to this curfew.
    pub fn to_input(&self) -> CurfewInput {
        CurfewInput {
            ends_on: self.ends_on,
            ..self.window.to_input().into()
        }
    }
}

/// Licence conditions that decide which jobs are possible, with their end
/// dates (see the module's documentation for what an end date means).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LicenceConditions {
    pub(super) curfews: Vec<Curfew>,
    pub(super) exclusion_zones: Vec<ExclusionZone>,
    pub(super) no_driving: bool,
    pub(super) no_driving_until: Option<NaiveDate>,
    pub(super) other: Option<String>,
    pub(super) licence_ends_on: Option<NaiveDate>,
}

impl LicenceConditions {
    /// Curfews (see [`Self::in_force_on`] for those that count on a day).
    pub fn curfews(&self) -> &[Curfew] {
        &self.curfews
    }

    /// Areas the person must not enter.
    pub fn exclusion_zones(&self) -> &[ExclusionZone] {
        &self.exclusion_zones
    }

    /// Whether the licence forbids driving (at all, whatever the day).
    pub fn no_driving(&self) -> bool {
        self.no_driving
    }

    /// The driving ban's own last day, if it has one.
    pub fn no_driving_until(&self) -> Option<NaiveDate> {
        self.no_driving_until
    }

    /// Any other condition, in the officer's words.
    pub fn other(&self) -> Option<&str> {
        self.other.as_deref()
    }

    /// The last day of the licence period, if known.
    pub fn licence_ends_on(&self) -> Option<NaiveDate> {
        self.licence_ends_on
    }

    /// Whether nothing is recorded (no condition and no licence end).
    pub fn is_empty(&self) -> bool {
        self.curfews.is_empty()
            && self.exclusion_zones.is_empty()
            && !self.no_driving
            && self.other.is_none()
            && self.licence_ends_on.is_none()
    }

    /// The last day a condition with its own end date `own` applies: the
    /// earlier of `own` and the licence end, when either is set.
    pub fn effective_end(&self, own: Option<NaiveDate>) -> Option<NaiveDate> {
        match (own, self.licence_ends_on) {
            (Some(own), Some(licence)) => Some(own.min(licence)),
            (own, licence) => own.or(licence),
        }
    }

    /// Whether a condition with its own end date `own` is in force on `day`
    /// (it is on its last day itself).
    pub fn applies_on(&self, own: Option<NaiveDate>, day: NaiveDate) -> bool {
        self.effective_end(own).is_none_or(|end| end >= day)
    }

    /// Whether every condition recorded is in force on `day`.
    fn all_in_force_on(&self, day: NaiveDate) -> bool {
        self.licence_ends_on.is_none_or(|end| end >= day)
            && self.curfews.iter().all(|c| self.applies_on(c.ends_on, day))
            && self
                .exclusion_zones
                .iter()
                .all(|z| self.applies_on(z.ends_on(), day))
            && (!self.no_driving || self.applies_on(self.no_driving_until, day))
    }

    /// The conditions in force on `day`: those that have ended are left
    /// out, and the other conditions too once the licence has ended. This
    /// is the view `assess` and the search documents use.
    pub fn in_force_on(&self, day: NaiveDate) -> LicenceConditions {
        let licence_runs = self.licence_ends_on.is_none_or(|end| end >= day);
        LicenceConditions {
            curfews: self
                .curfews
                .iter()
                .filter(|c| self.applies_on(c.ends_on, day))
                .cloned()
                .collect(),
            exclusion_zones: self
                .exclusion_zones
                .iter()
                .filter(|z| self.applies_on(z.ends_on(), day))
                .cloned()
                .collect(),
            no_driving: self.no_driving && self.applies_on(self.no_driving_until, day),
            no_driving_until: self.no_driving_until,
            other: self.other.clone().filter(|_| licence_runs),
            licence_ends_on: self.licence_ends_on,
        }
    }

    /// [`Self::in_force_on`] without a copy when nothing has ended (the
    /// usual case, and the one ranking thousands of pairs meets).
    pub fn as_of(&self, day: NaiveDate) -> Cow<'_, LicenceConditions> {
        if self.all_in_force_on(day) {
            Cow::Borrowed(self)
        } else {
            Cow::Owned(self.in_force_on(day))
        }
    }

    /// The last day any condition applies, after which none does (see
    /// [`last_day`]); none when nothing is recorded.
    pub fn ends_on(&self) -> Option<NaiveDate> {
        let driving = self.no_driving.then_some(self.no_driving_until);
        let other = self.other.is_some().then_some(None);
        let ends: Vec<Option<NaiveDate>> = self
            .curfews
            .iter()
            .map(Curfew::ends_on)
            .chain(self.exclusion_zones.iter().map(ExclusionZone::ends_on))
            .chain(driving)
            .chain(other)
            .collect();
        last_day(self.licence_ends_on, &ends)
    }

    /// One line per condition for the officer's page, saying until when it
    /// applies or that it has ended (as of `today`).
    pub fn lines(&self, today: NaiveDate) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(end) = self.licence_ends_on {
            lines.push(if end >= today {
                format!("The licence runs until {}", long_date(end))
            } else {
                format!(
                    "The licence ended {} — its conditions no longer apply",
                    long_date(end)
                )
            });
        }
        let when = |own: Option<NaiveDate>| self.when(own, today);
        for c in &self.curfews {
            let w = c.window();
            lines.push(format!(
                "Curfew {} {}–{}{}",
                w.days(),
                w.start().format("%H:%M"),
                w.end().format("%H:%M"),
                when(c.ends_on)
            ));
        }
        for z in &self.exclusion_zones {
            lines.push(format!(
                "Exclusion zone: {} (within {:.1} km){}",
                z.name(),
                z.radius_km(),
                when(z.ends_on())
            ));
        }
        if self.no_driving {
            lines.push(format!("Must not drive{}", when(self.no_driving_until)));
        }
        if let Some(other) = &self.other {
            lines.push(format!("{other}{}", when(None)));
        }
        lines
    }

    /// ", until 14 March 2027", ", ended 3 March 2027 — no longer
    /// applies", or nothing for a condition without an end.
    fn when(&self, own: Option<NaiveDate>, today: NaiveDate) -> String {
        match self.effective_end(own) {
            None => String::new(),
            Some(end) if end >= today => format!(", until {}", long_date(end)),
            Some(end) => format!(", ended {} — no longer applies", long_date(end)),
        }
    }
}

/// "14 March 2027".
fn long_date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// The end dates of a profile's input as one place checks them.
pub(super) struct EndDates<'a> {
    pub licence: Option<NaiveDate>,
    pub no_driving: Option<NaiveDate>,
    pub curfews: &'a [CurfewInput],
    pub zones: &'a [ExclusionZoneInput],
}

impl EndDates<'_> {
    /// Every end date is in a sane range, and no condition ends after the
    /// licence does.
    pub fn check(&self, errors: &mut FieldErrors) {
        if let Some(licence) = self.licence {
            if !(FIRST_END_YEAR..=LAST_END_YEAR).contains(&licence.year()) {
                errors.add(
                    "licence_ends_on",
                    format!(
                        "Enter a real date between the years {FIRST_END_YEAR} and \
                         {LAST_END_YEAR}, like 2027-03-14"
                    ),
                );
            }
        }
        let mut check = |field: String, day: Option<NaiveDate>, what: &str| {
            let Some(day) = day else { return };
            if !(FIRST_END_YEAR..=LAST_END_YEAR).contains(&day.year()) {
                errors.add(
                    field,
                    format!(
                        "Enter a real date between the years {FIRST_END_YEAR} and \
                         {LAST_END_YEAR}, like 2027-03-14"
                    ),
                );
            } else if let Some(licence) = self.licence.filter(|licence| day > *licence) {
                errors.add(
                    field,
                    format!(
                        "{what} ends after the licence ends ({}). Enter a date on or \
                         before it, or leave it blank",
                        long_date(licence)
                    ),
                );
            }
        };
        for (i, c) in self.curfews.iter().enumerate() {
            check(format!("curfews[{i}].ends_on"), c.ends_on, "The curfew");
        }
        for (i, z) in self.zones.iter().enumerate() {
            check(
                format!("exclusion_zones[{i}].ends_on"),
                z.ends_on,
                "The exclusion zone",
            );
        }
        check(
            "no_driving_until".into(),
            self.no_driving,
            "The driving ban",
        );
    }
}

/// The last day a licence binds, as far as the record tells: the licence
/// end date when one is recorded; otherwise, when there is at least one
/// condition and every condition has an end date, the latest of them;
/// otherwise unknown (None). `conditions` holds one entry per condition
/// (each curfew, each exclusion zone, the driving ban, and the free-text
/// other conditions, which never have an end of their own): its end date,
/// or None when it has none.
///
/// The one rule for both matching (when conditions stop applying) and
/// retention (when restricted data may go), so the two never disagree.
pub fn last_day(
    recorded: Option<NaiveDate>,
    conditions: &[Option<NaiveDate>],
) -> Option<NaiveDate> {
    if recorded.is_some() {
        return recorded;
    }
    if conditions.is_empty() {
        return None;
    }
    conditions
        .iter()
        .try_fold(NaiveDate::MIN, |latest, end| end.map(|e| latest.max(e)))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::domain::vacancy::tests::date;

    #[test]
    fn last_day_prefers_the_recorded_date() {
        assert_eq!(
            last_day(Some(date(2026, 1, 1)), &[None]),
            Some(date(2026, 1, 1))
        );
        let ends = [Some(date(2026, 3, 1)), Some(date(2026, 5, 1))];
        assert_eq!(last_day(None, &ends), Some(date(2026, 5, 1)));
        assert_eq!(last_day(None, &[Some(date(2026, 3, 1)), None]), None);
        assert_eq!(last_day(None, &[]), None);
    }

    fn curfew(ends_on: Option<NaiveDate>) -> Curfew {
        Curfew::parse(&CurfewInput {
            days: vec!["mon".into()],
            start: "19:00".into(),
            end: "07:00".into(),
            ends_on,
        })
        .unwrap()
    }

    fn zone(ends_on: Option<NaiveDate>) -> ExclusionZone {
        ExclusionZone::parse(&ExclusionZoneInput {
            name: "Zone".into(),
            lat: 53.8,
            lon: -1.5,
            radius_km: 2.0,
            ends_on,
        })
        .unwrap()
    }

    fn conditions(licence: Option<NaiveDate>) -> LicenceConditions {
        LicenceConditions {
            curfews: vec![curfew(Some(date(2027, 3, 3))), curfew(None)],
            exclusion_zones: vec![zone(Some(date(2027, 6, 1)))],
            no_driving: true,
            no_driving_until: Some(date(2027, 1, 1)),
            other: Some("Report weekly".into()),
            licence_ends_on: licence,
        }
    }

    #[test]
    fn a_condition_applies_on_its_end_day_and_not_after() {
        let c = conditions(None);
        let on = |day| c.in_force_on(day);
        assert_eq!(on(date(2027, 1, 1)).curfews().len(), 2);
        assert!(on(date(2027, 1, 1)).no_driving());
        assert!(!on(date(2027, 1, 2)).no_driving());
        assert_eq!(on(date(2027, 3, 3)).curfews().len(), 2);
        assert_eq!(on(date(2027, 3, 4)).curfews().len(), 1);
        assert_eq!(on(date(2027, 6, 2)).exclusion_zones().len(), 0);
        assert_eq!(on(date(2030, 1, 1)).other(), Some("Report weekly"));
        assert!(matches!(c.as_of(date(2026, 12, 1)), Cow::Borrowed(_)));
        assert!(matches!(c.as_of(date(2027, 1, 2)), Cow::Owned(_)));
    }

    #[test]
    fn the_licence_end_cuts_every_condition_short() {
        let c = conditions(Some(date(2027, 2, 1)));
        assert_eq!(
            c.effective_end(Some(date(2027, 3, 3))),
            Some(date(2027, 2, 1))
        );
        assert_eq!(c.effective_end(None), Some(date(2027, 2, 1)));
        let after = c.in_force_on(date(2027, 2, 2));
        assert!(after.curfews().is_empty() && after.exclusion_zones().is_empty());
        assert!(!after.no_driving() && after.other().is_none());
        assert_eq!(c.in_force_on(date(2027, 2, 1)).curfews().len(), 2);
        assert_eq!(c.ends_on(), Some(date(2027, 2, 1)));
    }

    #[test]
    fn ends_on_is_the_day_after_which_nothing_applies() {
        let mut c = conditions(None);
        assert_eq!(c.ends_on(), None, "other conditions never end");
        c.other = None;
        assert_eq!(c.ends_on(), None, "a curfew without an end");
        c.curfews.pop();
        assert_eq!(c.ends_on(), Some(date(2027, 6, 1)));
        c.no_driving_until = None;
        assert_eq!(c.ends_on(), None, "a driving ban without an end");
        c.no_driving = false;
        assert_eq!(c.ends_on(), Some(date(2027, 6, 1)));
        assert_eq!(LicenceConditions::default().ends_on(), None);
    }

    #[test]
    fn lines_say_until_when_or_that_it_ended() {
        let c = conditions(Some(date(2027, 3, 14)));
        let lines = c.lines(date(2027, 3, 10));
        assert_eq!(lines[0], "The licence runs until 14 March 2027");
        assert_eq!(
            lines[1],
            "Curfew Mon 19:00–07:00, ended 3 March 2027 — no longer applies"
        );
        assert_eq!(lines[2], "Curfew Mon 19:00–07:00, until 14 March 2027");
        assert_eq!(
            lines[4],
            "Must not drive, ended 1 January 2027 — no longer applies"
        );
        assert_eq!(lines[5], "Report weekly, until 14 March 2027");
        let later = c.lines(date(2027, 3, 15));
        assert!(later[0].starts_with("The licence ended 14 March 2027"));
        assert!(conditions(None).lines(date(2026, 1, 1))[1].ends_with("19:00–07:00"));
    }

    #[test]
    fn end_dates_are_checked_against_the_licence() {
        let curfews = [CurfewInput {
            ends_on: Some(date(2027, 5, 1)),
            ..CurfewInput::default()
        }];
        let zones = [ExclusionZoneInput {
            ends_on: Some(date(1999, 5, 1)),
            ..ExclusionZoneInput::default()
        }];
        let mut errors = FieldErrors::new();
        EndDates {
            licence: Some(date(2027, 4, 30)),
            no_driving: Some(date(2027, 4, 30)),
            curfews: &curfews,
            zones: &zones,
        }
        .check(&mut errors);
        assert!(errors
            .first("curfews[0].ends_on")
            .unwrap()
            .contains("ends after the licence ends (30 April 2027)"));
        assert!(errors
            .first("exclusion_zones[0].ends_on")
            .unwrap()
            .contains("between the years 2000 and 2100"));
        assert!(
            !errors.has("no_driving_until"),
            "the last day of the licence is fine"
        );
    }
}
