//! Plain words: pay, hours, places, reasons and statuses in the person's
//! language (shared with the employer's preview of a vacancy).

use super::*;

/// "1,204": a count with thousands separated, as people read it.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------
// Plain words.

pub(super) fn number(value: f64) -> String {
    if (value - value.round()).abs() < 0.005 {
        format!("{}", value.round() as i64)
    } else {
        format!("{value:.1}")
    }
}

pub(super) fn pounds(pence: u64) -> String {
    if pence.is_multiple_of(100) {
        format!("{}", pence / 100)
    } else {
        format!("{}.{:02}", pence / 100, pence % 100)
    }
}

pub fn miles(km: f64) -> f64 {
    km / KM_PER_MILE
}

/// Why a job fits, in the person's words: "You have 3 of the 4 skills they
/// need", "12 miles from where you will live", "Starts 9 days after your
/// release". Nothing about offences or licence conditions is ever said.
pub fn plain_reasons(t: Messages, assessment: &Assessment) -> Vec<String> {
    let mut out = Vec::new();
    for reason in &assessment.reasons {
        let text = match reason {
            // Only a reason to apply: "0 of 3 skills" is not said.
            Reason::RequiredSkills { matched, total, .. } if matched.len() == *total => {
                t.get("reason.skills_all").to_string()
            }
            Reason::RequiredSkills { matched, total, .. } if !matched.is_empty() => t.fill(
                "reason.skills",
                &[
                    ("n", matched.len().to_string()),
                    ("total", total.to_string()),
                ],
            ),
            Reason::Distance { km } => distance_text(t, *km),
            Reason::Remote => t.get("reason.remote").to_string(),
            Reason::StartsAfterRelease { days } => match days {
                0 => t.get("reason.starts_release_day").to_string(),
                1 => t.get("reason.starts_after_one").to_string(),
                d => t.with("reason.starts_after", "days", d),
            },
            Reason::AlreadyReleased { starts_in_days } => match starts_in_days {
                0 => t.get("reason.start_now").to_string(),
                1 => t.get("reason.start_tomorrow").to_string(),
                d => t.with("reason.start_in", "days", d),
            },
            Reason::RotlBeforeRelease { .. } => t.get("reason.rotl").to_string(),
            Reason::CouldStartOnRelease { date } => {
                t.with("reason.could_start_release", "date", t.date(*date))
            }
            Reason::CouldStartOnDayRelease { date, .. } => {
                t.with("reason.could_start_rotl", "date", t.date(*date))
            }
            Reason::CouldStartNow => t.get("reason.could_start_now").to_string(),
            Reason::SectorInterest { .. } => t.get("reason.sector").to_string(),
            Reason::HoursFit {
                hours_per_week,
                preferred_min,
                preferred_max,
            } if (*preferred_min..=*preferred_max).contains(hours_per_week) => {
                t.with("reason.hours_fit", "hours", number(*hours_per_week))
            }
            Reason::ShiftTimesUnknown => t.get("reason.shift_times").to_string(),
            // Desirable skills, unknown distances and anything that touches
            // offences are not shown to the person on a shared screen.
            _ => continue,
        };
        out.push(text);
    }
    out
}

/// "12 miles from where you will live", rounded to whole miles.
pub fn distance_text(t: Messages, km: f64) -> String {
    let m = miles(km);
    if m < 0.5 {
        t.get("reason.distance_near").to_string()
    } else if m < 1.5 {
        t.get("reason.distance_one").to_string()
    } else {
        t.with("reason.distance", "miles", m.round() as i64)
    }
}

pub fn pay_text(t: Messages, vacancy: &Vacancy) -> String {
    let pay = vacancy.details.pay();
    let period = t.get(match pay.period() {
        PayPeriod::Hour => "vacancy.period.hour",
        PayPeriod::Week => "vacancy.period.week",
        PayPeriod::Month => "vacancy.period.month",
        PayPeriod::Year => "vacancy.period.year",
    });
    if pay.min_pence() == pay.max_pence() {
        t.fill(
            "vacancy.pay_single",
            &[
                ("min", pounds(pay.min_pence())),
                ("period", period.to_string()),
            ],
        )
    } else {
        t.fill(
            "vacancy.pay_range",
            &[
                ("min", pounds(pay.min_pence())),
                ("max", pounds(pay.max_pence())),
                ("period", period.to_string()),
            ],
        )
    }
}

pub fn hours_text(t: Messages, vacancy: &Vacancy) -> String {
    t.with(
        "vacancy.hours_week",
        "hours",
        number(vacancy.details.hours_per_week()),
    )
}

pub fn place_text(t: Messages, vacancy: &Vacancy) -> String {
    match vacancy.details.workplace() {
        Workplace::OnSite(place) => place.name().to_string(),
        Workplace::Remote => t.get("vacancy.from_home").to_string(),
    }
}

pub fn contract_text(t: Messages, contract: ContractType) -> &'static str {
    t.get(match contract {
        ContractType::Permanent => "vacancy.contract.permanent",
        ContractType::FixedTerm => "vacancy.contract.fixed_term",
        ContractType::Temporary => "vacancy.contract.temporary",
        ContractType::Apprenticeship => "vacancy.contract.apprenticeship",
        ContractType::Casual => "vacancy.contract.casual",
    })
}

pub(super) fn time_text(time: chrono::NaiveTime) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

pub fn shift_texts(t: Messages, vacancy: &Vacancy) -> Vec<String> {
    vacancy
        .details
        .shifts()
        .iter()
        .map(|shift| {
            let days: Vec<&str> = shift.days().days().map(|d| t.day(d)).collect();
            t.fill(
                "vacancy.shift",
                &[
                    ("days", days.join(", ")),
                    ("start", time_text(shift.start())),
                    ("end", time_text(shift.end())),
                ],
            )
        })
        .collect()
}

pub fn status_text(t: Messages, status: ApplicationStatus) -> &'static str {
    t.get(match status {
        ApplicationStatus::Interested => "status.interested",
        ApplicationStatus::UnderReview => "status.under_review",
        ApplicationStatus::Forwarded => "status.forwarded",
        ApplicationStatus::Interview => "status.interview",
        ApplicationStatus::Offer => "status.offer",
        ApplicationStatus::Started => "status.started",
        ApplicationStatus::Unsuccessful => "status.unsuccessful",
        ApplicationStatus::Withdrawn => "status.withdrawn",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::offence::OffenceCategory;
    use crate::web::i18n::Lang;

    fn assessment(reasons: Vec<Reason>) -> Assessment {
        Assessment {
            failures: Vec::new(),
            score: 0.5,
            reasons,
            distance_km: None,
            case_by_case: Vec::new(),
        }
    }

    #[test]
    fn reasons_are_plain_words_and_never_about_offences() {
        let a = assessment(vec![
            Reason::RequiredSkills {
                matched: vec!["a".into(), "b".into(), "c".into()],
                missing: vec!["d".into()],
                total: 4,
            },
            Reason::Distance { km: 19.3 },
            Reason::StartsAfterRelease { days: 9 },
            Reason::CaseByCase {
                categories: vec![OffenceCategory::Violence],
            },
            Reason::NoFixedAbode,
        ]);
        assert_eq!(
            plain_reasons(Messages::new(Lang::En), &a),
            [
                "You have 3 of the 4 skills they need.",
                "12 miles from where you will live.",
                "Starts 9 days after your release.",
            ]
        );
        assert_eq!(
            plain_reasons(Messages::new(Lang::Cy), &a),
            [
                "Mae gennych 3 o'r 4 sgil sydd eu hangen arnynt.",
                "12 milltir o'r lle byddwch yn byw.",
                "Yn dechrau 9 diwrnod ar ôl i chi gael eich rhyddhau.",
            ]
        );
    }

    #[test]
    fn no_skills_and_near_distances_read_well() {
        let t = Messages::new(Lang::En);
        let none = assessment(vec![Reason::RequiredSkills {
            matched: Vec::new(),
            missing: vec!["a".into()],
            total: 1,
        }]);
        assert!(plain_reasons(t, &none).is_empty(), "0 of 1 is not a reason");
        let all = assessment(vec![Reason::RequiredSkills {
            matched: vec!["a".into()],
            missing: Vec::new(),
            total: 1,
        }]);
        assert_eq!(
            plain_reasons(t, &all),
            ["You have all the skills they need."]
        );
        assert_eq!(
            distance_text(t, 0.3),
            "Less than half a mile from where you will live."
        );
        assert_eq!(distance_text(t, 1.7), "1 mile from where you will live.");
        assert_eq!(distance_text(t, 3.3), "2 miles from where you will live.");
    }

    #[test]
    fn pay_is_in_pounds() {
        assert_eq!(pounds(1150), "11.50");
        assert_eq!(pounds(1200), "12");
        assert_eq!(number(37.5), "37.5");
        assert_eq!(number(40.0), "40");
    }
}
