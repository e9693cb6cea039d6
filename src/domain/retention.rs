//! How long personal data is kept: who the daily retention pass anonymises,
//! whose offence, licence and barred-list data it deletes, and a table
//! describing, category by category, what it keeps, coarsens or deletes
//! (rendered by the privacy and processing pages).
//!
//! Everything here is a pure function of the settings
//! ([`crate::config::Retention`]) and a day.

use chrono::{Days, Months, NaiveDate};

use crate::config::Retention;

/// The first release date that is *not* yet due for anonymisation on
/// `today`: a person released before this day is due. With 24 months, on
/// 2026-12-09 that is 2024-12-09 (released 2024-12-08 or earlier: due).
/// At a month's end the day is clamped (31 March minus one month is the
/// last day of February).
pub fn anonymise_released_before(retention: &Retention, today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_months(Months::new(retention.months_after_release))
        .unwrap_or(NaiveDate::MIN)
}

/// Whether a person released on `release_date` is due for anonymisation
/// on `today` (released more than the configured months ago).
pub fn due_for_anonymisation(
    retention: &Retention,
    release_date: NaiveDate,
    today: NaiveDate,
) -> bool {
    release_date < anonymise_released_before(retention, today)
}

/// The last day restricted data is kept after a licence that ends on
/// `licence_end`: the end day itself plus the configured days.
pub fn restricted_kept_until(retention: &Retention, licence_end: NaiveDate) -> NaiveDate {
    licence_end
        .checked_add_days(Days::new(u64::from(
            retention.restricted_days_after_licence,
        )))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether the restricted sections of a person whose licence ends on
/// `licence_end` are due for deletion on `today`: from the day after the
/// end plus the configured days (the day after the end itself when the
/// setting is 0).
pub fn restricted_due(retention: &Retention, licence_end: NaiveDate, today: NaiveDate) -> bool {
    restricted_kept_until(retention, licence_end) < today
}

/// What the pass does to one category of data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Then {
    /// Kept as it is (the reports count by it).
    Kept,
    /// Kept in a coarser form.
    Coarsened,
    /// Removed.
    Deleted,
}

impl Then {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kept => "kept",
            Self::Coarsened => "coarsened",
            Self::Deleted => "deleted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Kept => "Kept",
            Self::Coarsened => "Made less exact",
            Self::Deleted => "Deleted",
        }
    }
}

/// One row of the retention table: a category of data, how long it is
/// held in full, what happens then and how, in plain words.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// The data, as a person would name it.
    pub category: &'static str,
    /// How long it is held in full, with the settings' numbers.
    pub held_for: String,
    /// What happens to it then.
    pub then: Then,
    /// What exactly happens, in plain words.
    pub how: &'static str,
}

/// "24 months" / "1 month".
fn months(n: u32) -> String {
    if n == 1 {
        "1 month".into()
    } else {
        format!("{n} months")
    }
}

/// When the restricted sections go, in words.
fn after_licence(days: u32) -> String {
    match days {
        0 => "until the day after the licence conditions end".into(),
        1 => "until 1 day after the licence conditions end".into(),
        n => format!("until {n} days after the licence conditions end"),
    }
}

/// What the retention pass does, category by category, with the numbers
/// of the settings in force. Every person is anonymised once their release
/// date is more than the configured months ago; their restricted sections
/// go earlier when their licence ends first.
pub fn steps(retention: &Retention) -> Vec<Step> {
    let release = format!(
        "until {} after the release date",
        months(retention.months_after_release)
    );
    let restricted = format!(
        "{}, or {} when the end is not known",
        after_licence(retention.restricted_days_after_licence),
        release
    );
    let step = |category, held_for: &String, then, how| Step {
        category,
        held_for: held_for.clone(),
        then,
        how,
    };
    vec![
        step("Name and prison number", &release, Then::Deleted,
            "The name becomes \"Anonymised person\" and the prison number a code that means nothing outside this service."),
        step("Pseudonym", &release, Then::Kept,
            "The made-up name (like \"Quiet Heron 41\") stays; it was never linked to the person outside this service."),
        step("Release date", &release, Then::Kept,
            "Kept, because the reports count employment 6 weeks and 6 months after release by it."),
        step("Where the person lives after release", &release, Then::Coarsened,
            "The place name is removed and the map position rounded to about 10 km."),
        step("Day-release date, hours wanted, consent to share the name", &release, Then::Deleted,
            "Removed."),
        step("Skills, certificates, past jobs, sectors of interest, languages", &release, Then::Deleted,
            "Removed, with the names of past employers."),
        step("Work-readiness to-dos and their notes", &release, Then::Deleted, "Removed."),
        step("Travel distance, right to work, driving licence, readiness", &release, Then::Kept,
            "Kept without anything that says who the person is; on their own they describe no one."),
        step("Gender", &release, Then::Kept,
            "Kept, because the reports break down by gender. It is never shown with a name."),
        step("Offence categories, licence conditions, barred-list flags", &restricted, Then::Deleted,
            "Removed completely, with the licence's other conditions and end dates."),
        step("Statements, drafts and notes on applications", &release, Then::Deleted,
            "Statements and notes are emptied; unsent drafts are removed."),
        step("Matches and applications", &release, Then::Coarsened,
            "Only what the reports count stays: which vacancy, the status, the score and when each changed. Reasons, distances, notes and an officer's words on a dismissed match are removed."),
        step("Work outcomes (started work, still in work)", &release, Then::Kept,
            "Kept, because the reports count them."),
        step("Terminal login code, PIN and sessions", &release, Then::Deleted,
            "Removed; the person can no longer sign in."),
        step("Emails to officers in the delivery queue", &release, Then::Coarsened,
            "The prison number in them is replaced by the code that means nothing outside this service."),
        step("Audit log", &release, Then::Coarsened,
            "Every entry stays, but values that named the person are removed; entries keep only ids, pseudonyms and which fields changed."),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn settings(months: u32, days: u32) -> Retention {
        Retention {
            months_after_release: months,
            restricted_days_after_licence: days,
        }
    }

    #[test]
    fn released_25_months_ago_is_due_and_23_is_not() {
        let r = settings(24, 0);
        let today = day("2026-12-09");
        assert!(due_for_anonymisation(&r, day("2024-11-09"), today));
        assert!(!due_for_anonymisation(&r, day("2025-01-09"), today));
    }

    #[test]
    fn the_boundary_is_exactly_the_months_before() {
        let r = settings(24, 0);
        let today = day("2026-12-09");
        assert_eq!(anonymise_released_before(&r, today), day("2024-12-09"));
        assert!(!due_for_anonymisation(&r, day("2024-12-09"), today));
        assert!(due_for_anonymisation(&r, day("2024-12-08"), today));
    }

    #[test]
    fn month_ends_are_clamped() {
        let r = settings(1, 0);
        // 31 March minus a month is 28 February (2027 is not a leap year).
        assert_eq!(
            anonymise_released_before(&r, day("2027-03-31")),
            day("2027-02-28")
        );
        assert!(due_for_anonymisation(
            &r,
            day("2027-02-27"),
            day("2027-03-31")
        ));
        assert!(!due_for_anonymisation(
            &r,
            day("2027-02-28"),
            day("2027-03-31")
        ));
        // In a leap year it is the 29th.
        assert_eq!(
            anonymise_released_before(&r, day("2028-03-31")),
            day("2028-02-29")
        );
    }

    #[test]
    fn leap_day_releases() {
        let r = settings(24, 0);
        // Released on a leap day: 24 months later is 28 February 2030...
        // the boundary on 2030-02-28 is 2028-02-28, so not yet due.
        assert!(!due_for_anonymisation(
            &r,
            day("2028-02-29"),
            day("2030-02-28")
        ));
        // ... and due from 1 March 2030 (boundary 2028-03-01).
        assert!(due_for_anonymisation(
            &r,
            day("2028-02-29"),
            day("2030-03-01")
        ));
        // From a leap day back 12 months is 28 February.
        assert_eq!(
            anonymise_released_before(&settings(12, 0), day("2028-02-29")),
            day("2027-02-28")
        );
    }

    #[test]
    fn restricted_data_goes_the_day_after_the_end_plus_the_days() {
        let end = day("2026-06-30");
        let r = settings(24, 0);
        assert!(!restricted_due(&r, end, day("2026-06-30")));
        assert!(restricted_due(&r, end, day("2026-07-01")));
        let r = settings(24, 30);
        assert!(!restricted_due(&r, end, day("2026-07-30")));
        assert!(restricted_due(&r, end, day("2026-07-31")));
    }

    #[test]
    fn restricted_boundary_over_a_leap_day() {
        let r = settings(24, 1);
        assert!(!restricted_due(&r, day("2028-02-28"), day("2028-02-29")));
        assert!(restricted_due(&r, day("2028-02-28"), day("2028-03-01")));
    }

    #[test]
    fn the_table_words_the_settings() {
        let table = steps(&settings(36, 14));
        assert!(table
            .iter()
            .any(|s| s.held_for == "until 36 months after the release date"));
        let restricted = table
            .iter()
            .find(|s| s.category.starts_with("Offence"))
            .unwrap();
        assert_eq!(restricted.then, Then::Deleted);
        assert!(restricted.held_for.contains("14 days after the licence"));
        let default = steps(&Retention::default());
        assert!(default.iter().any(|s| s
            .held_for
            .contains("the day after the licence conditions end")));
        assert!(steps(&settings(1, 1))
            .iter()
            .any(|s| s.held_for.contains("1 month after") && !s.held_for.contains("1 months")));
    }
}
