//! What the service holds about people, why, who sees it and for how long:
//! the record of processing (`/admin/processing`) and the public privacy
//! notice (`/privacy`) are both rendered from [`record`], and the periods in
//! it come from the same [`Retention`] settings the daily retention pass
//! reads, so the pages cannot say something the code does not do.

use crate::config::Retention;

/// One kind of personal data the service holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// Short name, e.g. "Offence, licence and barred-list information".
    pub category: &'static str,
    /// Whose data it is.
    pub about: &'static str,
    /// What it includes, in plain words.
    pub includes: &'static str,
    /// Why it is held.
    pub why: &'static str,
    /// Who can see it.
    pub who_sees: &'static str,
    /// How long it is kept and what happens then (from the settings).
    pub kept: String,
    /// Whether it is special-category or criminal-offence data.
    pub sensitive: bool,
}

/// "1 month" / "24 months".
fn months(n: u32) -> String {
    if n == 1 {
        "1 month".to_string()
    } else {
        format!("{n} months")
    }
}

/// How long after release a person's record is kept, in words.
pub fn anonymised_after(retention: &Retention) -> String {
    format!(
        "{} after the release date",
        months(retention.months_after_release)
    )
}

/// When the restricted sections are deleted, in words.
pub fn restricted_deleted_after(retention: &Retention) -> String {
    match retention.restricted_days_after_licence {
        0 => "the day after the licence ends".to_string(),
        1 => "1 day after the licence ends".to_string(),
        n => format!("{n} days after the licence ends"),
    }
}

/// What the privacy notice and the record of processing both show, from
/// one set of settings.
#[derive(Debug, Clone)]
pub struct Notice {
    pub held: Vec<Held>,
    /// The retention pass's own step table.
    pub steps: Vec<crate::domain::retention::Step>,
    pub anonymised_after: String,
    pub restricted_deleted_after: String,
}

impl Notice {
    pub fn of(retention: &Retention) -> Self {
        Self {
            held: record(retention),
            steps: crate::domain::retention::steps(retention),
            anonymised_after: anonymised_after(retention),
            restricted_deleted_after: restricted_deleted_after(retention),
        }
    }
}

/// Everything held about the people the service is for, and about staff.
pub fn record(retention: &Retention) -> Vec<Held> {
    let mut held = profile_data(retention);
    held.extend(history_and_accounts(retention));
    held
}

/// The person's profile: who they are, their skills and plans, and the
/// restricted sections.
fn profile_data(retention: &Retention) -> Vec<Held> {
    let anonymised = anonymised_after(retention);
    let then = format!("Kept until {anonymised}; then");
    vec![
        Held {
            category: "Identity",
            about: "People in custody or on licence",
            includes: "Name, prison number, a made-up pseudonym",
            why: "So the case officer knows who they are helping",
            who_sees: "Case officers of the person's own service and administrators. An employer sees the name only if the person agreed, and only while the application is open; otherwise the pseudonym",
            kept: format!("{then} the name and prison number are removed for good; the pseudonym stays"),
            sensitive: false,
        },
        Held {
            category: "Skills and work plans",
            about: "People in custody or on licence",
            includes: "Skills, certificates, past jobs, sectors and languages, hours wanted, readiness for work, things to sort out before starting work",
            why: "To find vacancies that suit the person",
            who_sees: "Case officers of the person's service. Employers see skills and certificates on an application forwarded to them, while it is open",
            kept: format!("{then} skills, certificates, past jobs, sectors, languages and to-dos are removed; the travel distance, right to work, driving licence and readiness stay, describing no one on their own"),
            sensitive: false,
        },
        Held {
            category: "Release plans",
            about: "People in custody or on licence",
            includes: "Release date, the area the person will live in, how far they can travel, release on temporary licence",
            why: "To match jobs the person can reach and start in time",
            who_sees: "Case officers of the person's service. Employers never see the place or the date",
            kept: format!("{then} the place is made vague (rounded to about 10 km, no name); the release date stays, because the reports count employment after release from it"),
            sensitive: false,
        },
        Held {
            category: "Offence, licence and barred-list information",
            about: "People in custody or on licence",
            includes: "Categories of offence (never details), licence conditions such as curfews, exclusion zones and driving bans, and the barred lists for working with children or adults",
            why: "Only to rule out jobs the person may not legally or safely do. Every view is recorded with the reason given",
            who_sees: "Case officers of the person's service, after saying why they need it. Never employers: they only learn that a person was or was not put forward",
            kept: format!(
                "Deleted {}, or at {anonymised} if that is sooner or the licence's end is not known",
                restricted_deleted_after(retention)
            ),
            sensitive: true,
        },
    ]
}

/// What the person did on the service, and the accounts of staff.
fn history_and_accounts(retention: &Retention) -> Vec<Held> {
    let then = format!("Kept until {}; then", anonymised_after(retention));
    vec![
        Held {
            category: "Applications and outcomes",
            about: "People in custody or on licence",
            includes: "Matches, the officer's decisions, applications with the person's statement, the employer's replies, interviews, job starts and how long they lasted",
            why: "To forward applications, follow them up, and report how many people found work",
            who_sees: "Case officers of the person's service; the employer an application was forwarded to sees its own applications",
            kept: format!("{then} statements and notes are removed; only what the reports count is kept"),
            sensitive: false,
        },
        Held {
            category: "Equality information",
            about: "People in custody or on licence",
            includes: "Gender, if the person chose to give it",
            why: "Equality reports, as totals only",
            who_sees: "Nobody sees it for one person outside their own profile; reports show totals",
            kept: format!("{then} kept without the name, because the reports break down by gender"),
            sensitive: true,
        },
        Held {
            category: "Terminal sign-in",
            about: "People in custody or on licence",
            includes: "A login code, a PIN (stored only as a one-way hash) and when the person signed in",
            why: "So only the person can use their account on a terminal",
            who_sees: "Nobody sees the PIN; case officers see when the person last signed in",
            kept: format!("{then} the login code, PIN and sign-in sessions are deleted"),
            sensitive: false,
        },
        Held {
            category: "Audit log",
            about: "Everyone who uses the service",
            includes: "Who looked at or changed what, when, from which address, and why (for offence, licence and barred-list information)",
            why: "To show the data is used only as it should be, and to answer a person who asks who has seen their data",
            who_sees: "Administrators; a person's own entries are part of their copy of their data",
            kept: "The entries are kept; when a person's record is made anonymous, their name, prison number and the values that were changed are removed from the entries about them".to_string(),
            sensitive: false,
        },
        Held {
            category: "Staff and employer accounts",
            about: "Case officers, administrators and employers' staff",
            includes: "Name, work email address, organisation, a password (stored only as an Argon2 hash), sign-in sessions, email settings",
            why: "To sign in and to send the emails the service sends",
            who_sees: "Administrators; employers' own account holders see their team",
            kept: "While the account is in use; an administrator disables accounts that are no longer needed".to_string(),
            sensitive: false,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_periods_come_from_the_settings() {
        let custom = Retention {
            months_after_release: 18,
            restricted_days_after_licence: 30,
        };
        let held = record(&custom);
        let identity = &held[0];
        assert!(identity.kept.contains("18 months after the release date"));
        let restricted = held.iter().find(|h| h.sensitive).unwrap();
        assert!(restricted.kept.contains("30 days after the licence ends"));
        assert!(restricted.kept.contains("18 months after the release date"));
        let defaults = record(&Retention::default());
        assert!(defaults[0].kept.contains("24 months"));
        assert!(defaults
            .iter()
            .any(|h| h.kept.contains("the day after the licence ends")));
        assert_eq!(
            months(1)
                + " / "
                + &restricted_deleted_after(&Retention {
                    months_after_release: 1,
                    restricted_days_after_licence: 1
                }),
            "1 month / 1 day after the licence ends"
        );
    }

    #[test]
    fn employers_never_see_the_restricted_sections() {
        let held = record(&Retention::default());
        let restricted = held
            .iter()
            .find(|h| h.category.starts_with("Offence"))
            .unwrap();
        assert!(restricted.sensitive);
        assert!(restricted.who_sees.contains("Never employers"));
    }
}
