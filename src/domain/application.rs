//! Applications and matches: who may move them between states.
//!
//! No decision is solely automated: nothing reaches an employer until a case
//! officer has reviewed and forwarded it.

use chrono::{Months, NaiveDate};

slug_enum! {
    /// Where an application is.
    pub enum ApplicationStatus("application status") {
        /// The person said they are interested.
        Interested => "interested", "Interested",
        /// A case officer is reviewing it.
        UnderReview => "under_review", "Under review",
        /// Forwarded to the employer by the officer.
        Forwarded => "forwarded", "Forwarded to employer",
        /// The employer invited the person to interview.
        Interview => "interview", "Interview",
        /// The employer made an offer.
        Offer => "offer", "Offer",
        /// The person started work.
        Started => "started", "Started work",
        /// It did not work out (with a reason).
        Unsuccessful => "unsuccessful", "Unsuccessful",
        /// The person (or their officer on their behalf) withdrew.
        Withdrawn => "withdrawn", "Withdrawn",
    }
}

impl ApplicationStatus {
    /// Whether the application can move no further.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Started
                | ApplicationStatus::Unsuccessful
                | ApplicationStatus::Withdrawn
        )
    }
}

slug_enum! {
    /// The party acting on an application.
    pub enum Role("role") {
        /// The person applying.
        Seeker => "seeker", "Job seeker",
        /// Their case officer.
        Officer => "officer", "Case officer",
        /// The employer.
        Employer => "employer", "Employer",
        /// An administrator.
        Admin => "admin", "Administrator",
    }
}

slug_enum! {
    /// Why an application was unsuccessful, picked from a list.
    pub enum UnsuccessfulReason("unsuccessful reason") {
        /// All positions were filled.
        PositionFilled => "position_filled", "The position was filled",
        /// Not chosen for interview.
        NotShortlisted => "not_shortlisted", "Not shortlisted",
        /// Did not come to the interview or first day.
        DidNotAttend => "did_not_attend", "Did not attend",
        /// A required check was not passed.
        FailedCheck => "failed_check", "Did not pass a required check",
        /// The person turned the offer down.
        OfferDeclined => "offer_declined", "Offer declined",
        /// The case officer decided not to forward it.
        DeclinedByOfficer => "declined_by_officer", "Not forwarded by the case officer",
        /// Something else (explained in a note).
        Other => "other", "Other reason",
    }
}

impl UnsuccessfulReason {
    /// Whether `role` may give this reason: an employer cannot claim the
    /// officer declined, and an officer cannot claim employer outcomes
    /// such as a failed interview. `other` is open to both; seekers and
    /// administrators record no unsuccessful outcomes.
    pub fn can_be_given_by(self, role: Role) -> bool {
        match role {
            Role::Officer => matches!(
                self,
                UnsuccessfulReason::DeclinedByOfficer | UnsuccessfulReason::Other
            ),
            Role::Employer => self != UnsuccessfulReason::DeclinedByOfficer,
            Role::Seeker | Role::Admin => false,
        }
    }
}

/// Why a transition was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The application has already ended.
    #[error("the application has ended ({}) and cannot change", .0.label().to_lowercase())]
    Final(ApplicationStatus),
    /// The move is not one this party may make.
    #[error("{} cannot move an application from {} to {}", .by.label(), .from.label().to_lowercase(), .to.label().to_lowercase())]
    NotAllowed {
        /// Current status.
        from: ApplicationStatus,
        /// Requested status.
        to: ApplicationStatus,
        /// Who asked.
        by: Role,
    },
}

/// Checks that `by` may move an application from `from` to `to`.
///
/// - The seeker may withdraw at any point before the application ends.
/// - The officer moves interested -> under review, then forwards or declines
///   (unsuccessful) it, and may withdraw it on the person's behalf.
/// - The employer records forwarded -> interview | unsuccessful,
///   interview -> offer | unsuccessful, and offer -> started | unsuccessful.
/// - An administrator makes no decisions: every decision needs an officer
///   or the employer.
///
/// Started, unsuccessful and withdrawn are final.
pub fn transition(
    from: ApplicationStatus,
    to: ApplicationStatus,
    by: Role,
) -> Result<(), TransitionError> {
    use ApplicationStatus::*;
    if from.is_final() {
        return Err(TransitionError::Final(from));
    }
    let allowed = match by {
        Role::Seeker => to == Withdrawn,
        Role::Officer => matches!(
            (from, to),
            (Interested, UnderReview) | (UnderReview, Forwarded | Unsuccessful) | (_, Withdrawn)
        ),
        Role::Employer => matches!(
            (from, to),
            (Forwarded, Interview | Unsuccessful)
                | (Interview, Offer | Unsuccessful)
                | (Offer, Started | Unsuccessful)
        ),
        Role::Admin => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(TransitionError::NotAllowed { from, to, by })
    }
}

slug_enum! {
    /// Where a suggested match (profile x vacancy) is.
    pub enum MatchStatus("match status") {
        /// Found by matching; waiting for the officer.
        Suggested => "suggested", "Suggested",
        /// The officer approved it; the person can see it.
        Approved => "approved", "Approved",
        /// The officer dismissed it (with a reason).
        Dismissed => "dismissed", "Dismissed",
        /// It no longer holds because the vacancy or profile changed.
        Expired => "expired", "Expired",
    }
}

impl ApplicationStatus {
    /// The statuses an application can have once it was forwarded to the
    /// employer, in pipeline order.
    pub const FORWARDED_ONWARDS: [ApplicationStatus; 6] = [
        ApplicationStatus::Forwarded,
        ApplicationStatus::Interview,
        ApplicationStatus::Offer,
        ApplicationStatus::Started,
        ApplicationStatus::Unsuccessful,
        ApplicationStatus::Withdrawn,
    ];
}

impl MatchStatus {
    /// Whether a match may move from `from` to `to`: suggested -> approved |
    /// dismissed | expired; approved -> expired; expired -> suggested when the
    /// pair holds again. Dismissed is final, so an officer's decision is not
    /// undone by a later matching run.
    pub fn can_transition(from: MatchStatus, to: MatchStatus) -> bool {
        use MatchStatus::*;
        matches!(
            (from, to),
            (Suggested, Approved | Dismissed | Expired)
                | (Approved, Expired)
                | (Expired, Suggested)
        )
    }
}

/// How long after an application's start an employer still sees it in
/// full (calendar months).
pub const EMPLOYER_FULL_VIEW_MONTHS: u32 = 6;

/// Whether an application forwarded to an employer has ended for them:
/// after that they see only the person's pseudonym and the outcome, and
/// record nothing more. It ends when it is unsuccessful or withdrawn, or
/// [`EMPLOYER_FULL_VIEW_MONTHS`] calendar months after its start, on that
/// day: the start is the person's first day at work once they started
/// (the forwarding date if none is recorded), else the day it was
/// forwarded to the employer. Never forwarded (`forwarded_on` None) and
/// not started: not ended.
pub fn ended_for_employer(
    status: ApplicationStatus,
    forwarded_on: Option<NaiveDate>,
    start_date: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    if matches!(
        status,
        ApplicationStatus::Unsuccessful | ApplicationStatus::Withdrawn
    ) {
        return true;
    }
    let start = match status {
        ApplicationStatus::Started => start_date.or(forwarded_on),
        _ => forwarded_on,
    };
    start
        .and_then(|d| d.checked_add_months(Months::new(EMPLOYER_FULL_VIEW_MONTHS)))
        .is_some_and(|end| today >= end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationStatus::*;

    /// The whole table, written out independently of `transition`.
    const ALLOWED: &[(ApplicationStatus, ApplicationStatus, Role)] = &[
        (Interested, Withdrawn, Role::Seeker),
        (UnderReview, Withdrawn, Role::Seeker),
        (Forwarded, Withdrawn, Role::Seeker),
        (Interview, Withdrawn, Role::Seeker),
        (Offer, Withdrawn, Role::Seeker),
        (Interested, UnderReview, Role::Officer),
        (UnderReview, Forwarded, Role::Officer),
        (UnderReview, Unsuccessful, Role::Officer),
        (Interested, Withdrawn, Role::Officer),
        (UnderReview, Withdrawn, Role::Officer),
        (Forwarded, Withdrawn, Role::Officer),
        (Interview, Withdrawn, Role::Officer),
        (Offer, Withdrawn, Role::Officer),
        (Forwarded, Interview, Role::Employer),
        (Forwarded, Unsuccessful, Role::Employer),
        (Interview, Offer, Role::Employer),
        (Interview, Unsuccessful, Role::Employer),
        (Offer, Started, Role::Employer),
        (Offer, Unsuccessful, Role::Employer),
    ];

    #[test]
    fn every_from_to_role_combination() {
        let mut checked = 0;
        for &from in ApplicationStatus::ALL {
            for &to in ApplicationStatus::ALL {
                for &by in Role::ALL {
                    let expected = ALLOWED.contains(&(from, to, by));
                    let result = transition(from, to, by);
                    assert_eq!(result.is_ok(), expected, "{from} -> {to} by {by}");
                    if from.is_final() {
                        assert_eq!(result, Err(TransitionError::Final(from)));
                    } else if !expected {
                        assert_eq!(result, Err(TransitionError::NotAllowed { from, to, by }));
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 8 * 8 * 4);
    }

    #[test]
    fn admin_can_do_nothing_and_nobody_skips_the_officer() {
        for &from in ApplicationStatus::ALL {
            for &to in ApplicationStatus::ALL {
                assert!(transition(from, to, Role::Admin).is_err());
            }
        }
        assert!(transition(Interested, Forwarded, Role::Officer).is_err());
        assert!(transition(Interested, Forwarded, Role::Employer).is_err());
        assert!(transition(UnderReview, Forwarded, Role::Employer).is_err());
    }

    #[test]
    fn final_states_are_final() {
        let finals: Vec<_> = ApplicationStatus::ALL
            .iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(finals, vec![&Started, &Unsuccessful, &Withdrawn]);
        assert!(transition(Started, Withdrawn, Role::Seeker).is_err());
    }

    #[test]
    fn errors_read_plainly() {
        assert_eq!(
            transition(Started, Withdrawn, Role::Seeker)
                .unwrap_err()
                .to_string(),
            "the application has ended (started work) and cannot change"
        );
        assert_eq!(
            transition(Interested, Offer, Role::Employer)
                .unwrap_err()
                .to_string(),
            "Employer cannot move an application from interested to offer"
        );
    }

    #[test]
    fn unsuccessful_reasons_by_role() {
        use UnsuccessfulReason::*;
        for &reason in UnsuccessfulReason::ALL {
            assert!(!reason.can_be_given_by(Role::Seeker));
            assert!(!reason.can_be_given_by(Role::Admin));
            assert_eq!(
                reason.can_be_given_by(Role::Officer),
                matches!(reason, DeclinedByOfficer | Other),
                "{reason}"
            );
            assert_eq!(
                reason.can_be_given_by(Role::Employer),
                reason != DeclinedByOfficer,
                "{reason}"
            );
        }
        assert_eq!(UnsuccessfulReason::ALL.len(), 7);
        assert_eq!(DeclinedByOfficer.as_str(), "declined_by_officer");
    }

    #[test]
    fn match_status_table_exhaustive() {
        use MatchStatus::*;
        let allowed = [
            (Suggested, Approved),
            (Suggested, Dismissed),
            (Suggested, Expired),
            (Approved, Expired),
            (Expired, Suggested),
        ];
        for &from in MatchStatus::ALL {
            for &to in MatchStatus::ALL {
                assert_eq!(
                    MatchStatus::can_transition(from, to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn slugs_round_trip() {
        for status in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(status.as_str()), Ok(*status));
        }
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(*role));
        }
        for status in MatchStatus::ALL {
            assert_eq!(MatchStatus::parse(status.as_str()), Ok(*status));
        }
        assert_eq!(UnderReview.as_str(), "under_review");
        assert_eq!(
            serde_json::to_string(&UnderReview).unwrap(),
            "\"under_review\""
        );
    }

    #[test]
    fn an_application_ends_for_the_employer_on_its_outcome_or_after_six_months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let forwarded = Some(d(2026, 1, 31));
        for status in [Unsuccessful, Withdrawn] {
            assert!(ended_for_employer(status, forwarded, None, d(2026, 2, 1)));
        }
        // Calendar months: 31 January + 6 months is 31 July.
        assert!(!ended_for_employer(
            Interview,
            forwarded,
            None,
            d(2026, 7, 30)
        ));
        assert!(ended_for_employer(
            Interview,
            forwarded,
            None,
            d(2026, 7, 31)
        ));
        // A start counts from the first day at work.
        let start = Some(d(2026, 3, 2));
        assert!(!ended_for_employer(
            Started,
            forwarded,
            start,
            d(2026, 9, 1)
        ));
        assert!(ended_for_employer(Started, forwarded, start, d(2026, 9, 2)));
        assert!(!ended_for_employer(Offer, None, None, d(2030, 1, 1)));
    }
}
