//! One struct per email, holding exactly what its templates show. Each has
//! a subject, a plain-text and an HTML template under `templates/email/`.
//!
//! The structs carry no offence categories, licence conditions or barred
//! flags, and none can be added without a field here: an email shows a
//! person by reference and pseudonym and points to the service for the rest.

use askama::Template;

/// A rendered email's three parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parts {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Declares the three templates of one email and its `compose` method.
macro_rules! email_templates {
    ($data:ident, $subject:literal, $text:literal, $html:literal) => {
        impl $data {
            pub fn compose(&self) -> Result<Parts, askama::Error> {
                #[derive(Template)]
                #[template(path = $subject)]
                // A subject may name none of the email's fields.
                #[allow(dead_code)]
                struct Subject<'a> {
                    e: &'a $data,
                }
                #[derive(Template)]
                #[template(path = $text)]
                struct Text<'a> {
                    e: &'a $data,
                }
                #[derive(Template)]
                #[template(path = $html)]
                struct Html<'a> {
                    e: &'a $data,
                }
                Ok(Parts {
                    // A subject is one line however the template is laid out.
                    subject: Subject { e: self }
                        .render()?
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    // Askama drops the template's final newline; a text
                    // body ends with one.
                    text: Text { e: self }.render()? + "\n",
                    html: Html { e: self }.render()?,
                })
            }
        }
    };
}

/// One line of an officer's digest.
#[derive(Clone, Debug)]
pub struct DigestLine {
    /// Pseudonym and reference, e.g. "Quiet Heron 41 (A1234BC)".
    pub person: String,
    pub vacancy_title: String,
    pub employer_name: String,
    /// The workplace, or "Remote".
    pub place: String,
}

/// New matches on an officer's caseload since the last digest.
#[derive(Clone, Debug)]
pub struct OfficerDigest {
    pub officer_name: String,
    pub total: usize,
    /// The best matches, at most [`OfficerDigest::SHOWN`].
    pub lines: Vec<DigestLine>,
    /// How many more there are than the lines shown.
    pub more: usize,
    pub link: String,
}

impl OfficerDigest {
    /// Lines listed in one digest; the rest are counted.
    pub const SHOWN: usize = 20;
}

email_templates!(
    OfficerDigest,
    "email/officer_digest.subject.txt",
    "email/officer_digest.txt",
    "email/officer_digest.html"
);

/// A person on the officer's caseload applied and the application waits for
/// the officer's review.
#[derive(Clone, Debug)]
pub struct ApplicationAwaitingReview {
    pub officer_name: String,
    pub person: String,
    pub vacancy_title: String,
    pub employer_name: String,
    pub link: String,
}

email_templates!(
    ApplicationAwaitingReview,
    "email/application_awaiting_review.subject.txt",
    "email/application_awaiting_review.txt",
    "email/application_awaiting_review.html"
);

/// An employer moved an application on (interview, offer, start, unsuccessful).
#[derive(Clone, Debug)]
pub struct ApplicationStatusChanged {
    pub officer_name: String,
    pub person: String,
    pub vacancy_title: String,
    pub employer_name: String,
    /// Plain words, e.g. "Interview".
    pub status: String,
    pub link: String,
}

email_templates!(
    ApplicationStatusChanged,
    "email/application_status_changed.subject.txt",
    "email/application_status_changed.txt",
    "email/application_status_changed.html"
);

/// A person on the caseload is due for release within 12 weeks and is not
/// yet ready to work.
#[derive(Clone, Debug)]
pub struct ReleaseReadiness {
    pub officer_name: String,
    pub person: String,
    /// e.g. "Friday 12 March 2027".
    pub release_date: String,
    /// e.g. "in 5 weeks", "in 3 days", "today".
    pub when: String,
    /// Plain words, e.g. "Support needed".
    pub readiness: String,
    pub link: String,
}

email_templates!(
    ReleaseReadiness,
    "email/release_readiness.subject.txt",
    "email/release_readiness.txt",
    "email/release_readiness.html"
);

/// A pair an officer watched is eligible today: the day it was waiting for
/// has come and the vacancy is still open. Says nothing of why it waited
/// (that may be a licence condition): the link leads to the why-not page.
#[derive(Clone, Debug)]
pub struct WatchedMatchEligible {
    pub officer_name: String,
    pub person: String,
    pub vacancy_title: String,
    pub employer_name: String,
    /// e.g. "Friday 12 March 2027".
    pub eligible_from: String,
    pub link: String,
}

email_templates!(
    WatchedMatchEligible,
    "email/watched_match_eligible.subject.txt",
    "email/watched_match_eligible.txt",
    "email/watched_match_eligible.html"
);

/// An employer's account was approved.
#[derive(Clone, Debug)]
pub struct EmployerApproved {
    pub contact_name: String,
    pub employer_name: String,
    /// Where to set up the account or sign in.
    pub link: String,
}

email_templates!(
    EmployerApproved,
    "email/employer_approved.subject.txt",
    "email/employer_approved.txt",
    "email/employer_approved.html"
);

/// An employer's account was declined, with the administrator's reason.
#[derive(Clone, Debug)]
pub struct EmployerDeclined {
    pub contact_name: String,
    pub employer_name: String,
    pub reason: String,
    pub link: String,
}

email_templates!(
    EmployerDeclined,
    "email/employer_declined.subject.txt",
    "email/employer_declined.txt",
    "email/employer_declined.html"
);

/// A case officer forwarded an application to the employer.
#[derive(Clone, Debug)]
pub struct ApplicationForwarded {
    pub contact_name: String,
    pub employer_name: String,
    /// The candidate's pseudonym: an employer sees no name before an offer.
    pub candidate: String,
    pub vacancy_title: String,
    pub link: String,
}

email_templates!(
    ApplicationForwarded,
    "email/application_forwarded.subject.txt",
    "email/application_forwarded.txt",
    "email/application_forwarded.html"
);

/// A published vacancy closes within 3 days and has no applications.
#[derive(Clone, Debug)]
pub struct VacancyClosingSoon {
    pub contact_name: String,
    pub employer_name: String,
    pub vacancy_title: String,
    /// e.g. "Monday 1 March 2027".
    pub closing_date: String,
    pub link: String,
}

email_templates!(
    VacancyClosingSoon,
    "email/vacancy_closing_soon.subject.txt",
    "email/vacancy_closing_soon.txt",
    "email/vacancy_closing_soon.html"
);

/// A date as the emails write it: "Friday 12 March 2027".
pub fn long_date(date: chrono::NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// How far away a date is, in plain words.
pub fn how_soon(today: chrono::NaiveDate, date: chrono::NaiveDate) -> String {
    let days = (date - today).num_days();
    match days {
        i64::MIN..=0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        2..=13 => format!("in {days} days"),
        _ => format!("in {} weeks", days / 7),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn dates_read_as_plain_words() {
        let today = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let days = |n| today + chrono::Days::new(n);
        assert_eq!(long_date(today), "Monday 1 March 2027");
        assert_eq!(how_soon(today, today), "today");
        assert_eq!(how_soon(today, days(1)), "tomorrow");
        assert_eq!(how_soon(today, days(9)), "in 9 days");
        assert_eq!(how_soon(today, days(35)), "in 5 weeks");
    }
}

/// A member of an approved employer invited a colleague (employer portal).
#[derive(Clone, Debug)]
pub struct EmployerInvitation {
    pub employer_name: String,
    pub inviter_name: String,
    /// The one-time link; it works for 7 days.
    pub link: String,
}

email_templates!(
    EmployerInvitation,
    "email/employer_invitation.subject.txt",
    "email/employer_invitation.txt",
    "email/employer_invitation.html"
);

/// Someone asked to join with an address that already has an account: the
/// sign-up page answers as for a new address (so it tells no one which
/// addresses have accounts), and the owner is told instead.
#[derive(Clone, Debug)]
pub struct AccountExists {
    pub name: String,
    /// The sign-in page.
    pub link: String,
}

email_templates!(
    AccountExists,
    "email/account_exists.subject.txt",
    "email/account_exists.txt",
    "email/account_exists.html"
);

/// An officer booked a person into one of the employer's slots.
#[derive(Clone, Debug)]
pub struct SlotBooked {
    pub contact_name: String,
    pub employer_name: String,
    /// The person's pseudonym, as on the forwarded application.
    pub candidate: String,
    pub vacancy_title: String,
    /// "Interview" or "Work trial".
    pub what: String,
    /// e.g. "Tuesday 9 March 2027 at 10:00".
    pub when: String,
    /// e.g. "In the prison: the education block".
    pub place: String,
    pub link: String,
}

email_templates!(
    SlotBooked,
    "email/slot_booked.subject.txt",
    "email/slot_booked.txt",
    "email/slot_booked.html"
);

/// A booking was confirmed, moved or cancelled: told to the other side.
#[derive(Clone, Debug)]
pub struct SlotBookingChanged {
    pub recipient_name: String,
    /// What happened, as a sentence start: "Acme confirmed the interview".
    pub headline: String,
    /// The officer sees pseudonym and reference; the employer the pseudonym.
    pub person: String,
    pub vacancy_title: String,
    pub employer_name: String,
    pub what: String,
    pub when: String,
    pub place: String,
    /// Why it was cancelled.
    pub reason: Option<String>,
    pub link: String,
}

email_templates!(
    SlotBookingChanged,
    "email/slot_booking_changed.subject.txt",
    "email/slot_booking_changed.txt",
    "email/slot_booking_changed.html"
);

/// The booking officer's reminder before a slot.
#[derive(Clone, Debug)]
pub struct SlotReminder {
    pub officer_name: String,
    pub person: String,
    pub vacancy_title: String,
    pub employer_name: String,
    pub what: String,
    pub when: String,
    pub place: String,
    /// "in 2 days", "tomorrow".
    pub how_soon: String,
    /// "Confirmed" or "Booked, waiting for the employer".
    pub status: String,
    pub link: String,
}

email_templates!(
    SlotReminder,
    "email/slot_reminder.subject.txt",
    "email/slot_reminder.txt",
    "email/slot_reminder.html"
);
