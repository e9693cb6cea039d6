//! "Eligible from": the first day a pair that fails only on time passes.
//!
//! Many rules are true only for a time: a curfew ends, day release (ROTL)
//! begins, the person is released, a certificate being gained is expected,
//! a vacancy opens. The facts that change with time are a finite set of
//! dates, and between two of them every rule gives the same answer (the
//! effective start moves with the day only after a set start has passed,
//! and then it only reaches release, day release or an expected
//! certificate on one of those dates). So [`eligible_from`] runs the one
//! rule function, `rules`, on `today` and then on each of those dates in
//! order up to a horizon, and reports the first date on which the pair
//! passes, with the events that happen on it. There is no second copy of
//! the rules here: a new rule that changes with time needs only its dates
//! in [`candidates`].
//!
//! A pair that also fails for a reason time does not cure (an offence
//! exclusion, the distance, a certificate not held and not expected, a
//! closed vacancy, one that closes before the pair could pass) never
//! passes on any of the dates, so it has no date.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::matching::{format_date, lower_first, RuleCode};
use super::profile::Profile;
use super::rules::{AllFailures, Pair};
use super::skills::Taxonomy;
use super::vacancy::Vacancy;

/// How far ahead a pair is looked at when the vacancy has no closing date.
pub const HORIZON_DAYS: u64 = 366;

/// Something that happens on a day and can make a pair pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimeEvent {
    /// The person is released.
    Release,
    /// The person becomes eligible for day release (ROTL).
    DayRelease,
    /// A certificate being gained is expected.
    CertificateGained {
        /// The certificate's slug.
        slug: String,
    },
    /// A curfew no longer applies (its last day was the day before).
    CurfewEnds,
    /// An exclusion zone no longer applies.
    ExclusionZoneEnds {
        /// The zone's name.
        zone: String,
    },
    /// The driving ban no longer applies.
    DrivingBanEnds,
    /// The licence ends, and with it every condition still in force.
    LicenceEnds,
    /// The vacancy's applications open (its `opens_on`).
    VacancyOpens,
}

impl TimeEvent {
    /// The rule whose answer the event can change.
    fn rule(&self) -> &'static [RuleCode] {
        match self {
            TimeEvent::Release => &[RuleCode::StartsBeforeRelease],
            TimeEvent::DayRelease => &[RuleCode::StartsBeforeRelease, RuleCode::RotlNotEligible],
            TimeEvent::VacancyOpens => &[RuleCode::VacancyNotOpen],
            TimeEvent::CertificateGained { .. } => &[RuleCode::MissingCertificate],
            TimeEvent::CurfewEnds => &[RuleCode::CurfewConflict],
            TimeEvent::ExclusionZoneEnds { .. } => &[RuleCode::ExclusionZone],
            TimeEvent::DrivingBanEnds => &[RuleCode::DrivingRestriction],
            TimeEvent::LicenceEnds => &[
                RuleCode::CurfewConflict,
                RuleCode::ExclusionZone,
                RuleCode::DrivingRestriction,
            ],
        }
    }

    /// Whether naming the event reveals licence conditions.
    pub fn is_restricted(&self) -> bool {
        match self {
            TimeEvent::Release
            | TimeEvent::DayRelease
            | TimeEvent::CertificateGained { .. }
            | TimeEvent::VacancyOpens => false,
            TimeEvent::CurfewEnds
            | TimeEvent::ExclusionZoneEnds { .. }
            | TimeEvent::DrivingBanEnds
            | TimeEvent::LicenceEnds => true,
        }
    }

    /// "when the curfew ends", "on release".
    pub fn describe(&self, taxonomy: &Taxonomy) -> String {
        match self {
            TimeEvent::Release => "on release".to_owned(),
            TimeEvent::DayRelease => "when day release (ROTL) begins".to_owned(),
            TimeEvent::CertificateGained { slug } => {
                format!("when {} is gained", lower_first(taxonomy.label(slug)))
            }
            TimeEvent::CurfewEnds => "when the curfew ends".to_owned(),
            TimeEvent::ExclusionZoneEnds { zone } => {
                format!("when the exclusion zone \"{zone}\" ends")
            }
            TimeEvent::DrivingBanEnds => "when the driving ban ends".to_owned(),
            TimeEvent::LicenceEnds => "when the licence ends".to_owned(),
            TimeEvent::VacancyOpens => "when applications open".to_owned(),
        }
    }
}

/// The first day a pair passes, and why then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EligibleFrom {
    /// The first day every rule passes.
    pub date: NaiveDate,
    /// What happens that day that the pair was waiting for (each once).
    pub events: Vec<TimeEvent>,
}

impl EligibleFrom {
    /// Whether showing it reveals licence conditions (an audited view).
    pub fn is_restricted(&self) -> bool {
        self.events.iter().any(TimeEvent::is_restricted)
    }

    /// "Eligible from 14 March 2027, when the curfew ends".
    pub fn describe(&self, taxonomy: &Taxonomy) -> String {
        let events: Vec<String> = self.events.iter().map(|e| e.describe(taxonomy)).collect();
        let date = format_date(self.date);
        if events.is_empty() {
            format!("Eligible from {date}")
        } else {
            format!("Eligible from {date}, {}", events.join(" and "))
        }
    }
}

/// What time does for a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "eligibility", rename_all = "snake_case")]
pub enum Eligibility {
    /// Every rule passes today.
    Now,
    /// Every rule passes from this day, within the horizon.
    From(EligibleFrom),
    /// No day within the horizon: a rule that time does not cure fails, or
    /// the vacancy closes first.
    NotWithin,
}

impl Eligibility {
    /// The future date, when there is one.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Eligibility::From(from) => Some(from.date),
            Eligibility::Now | Eligibility::NotWithin => None,
        }
    }
}

/// The last day [`eligible_from`] looks at: the vacancy's closing date
/// (the last day to apply) or [`HORIZON_DAYS`] ahead, whichever is first.
pub fn horizon(vacancy: &Vacancy, today: NaiveDate) -> NaiveDate {
    let year = today + Days::new(HORIZON_DAYS);
    vacancy
        .details
        .closing_date()
        .map_or(year, |closing| closing.min(year))
}

/// When the pair first passes, looking no later than [`horizon`].
pub fn eligible_from(vacancy: &Vacancy, profile: &Profile, today: NaiveDate) -> Eligibility {
    eligible_by(vacancy, profile, today, horizon(vacancy, today))
}

/// When the pair first passes, looking no later than `until` (the "soon
/// eligible" list asks 12 weeks ahead).
pub fn eligible_by(
    vacancy: &Vacancy,
    profile: &Profile,
    today: NaiveDate,
    until: NaiveDate,
) -> Eligibility {
    let mut failing = failing_rules(vacancy, profile, today);
    if failing.is_empty() {
        return Eligibility::Now;
    }
    let dates = candidates(vacancy, profile);
    let mut days: Vec<NaiveDate> = dates
        .iter()
        .map(|(day, _)| *day)
        .filter(|day| *day > today && *day <= until)
        .collect();
    days.sort_unstable();
    days.dedup();
    for day in days {
        let now = failing_rules(vacancy, profile, day);
        if now.is_empty() {
            let on_the_day: Vec<&TimeEvent> = dates
                .iter()
                .filter(|(d, _)| *d == day)
                .map(|(_, event)| event)
                .collect();
            let mut events: Vec<TimeEvent> = Vec::new();
            for event in &on_the_day {
                let relevant = event.rule().iter().any(|rule| failing.contains(rule));
                if relevant && !events.contains(event) {
                    events.push((*event).clone());
                }
            }
            // Something that day cured the pair even if no rule names it
            // (the day is a candidate only because of its events): say what.
            if events.is_empty() {
                for event in on_the_day {
                    if !events.contains(event) {
                        events.push(event.clone());
                    }
                }
            }
            return Eligibility::From(EligibleFrom { date: day, events });
        }
        failing = now;
    }
    Eligibility::NotWithin
}

/// The rules the pair fails on `day`, each once, by the rule function
/// `assess` uses.
fn failing_rules(vacancy: &Vacancy, profile: &Profile, day: NaiveDate) -> Vec<RuleCode> {
    let pair = Pair::new(vacancy, profile, day);
    let mut failures = AllFailures::default();
    for rule in RuleCode::ALL {
        // Collecting never stops early.
        let _ = rule.check(&pair, &mut failures);
    }
    let mut codes: Vec<RuleCode> = failures.0.iter().map(|f| f.code()).collect();
    codes.dedup();
    codes
}

/// Every date on which a fact of the pair changes, with what happens.
/// Conditions end the day after their last day in force.
fn candidates(vacancy: &Vacancy, profile: &Profile) -> Vec<(NaiveDate, TimeEvent)> {
    let person = &profile.details;
    let mut dates = vec![(person.release_date(), TimeEvent::Release)];
    if let Some(opens) = vacancy.details.opens_on() {
        dates.push((opens, TimeEvent::VacancyOpens));
    }
    if let Some(rotl) = person.rotl_eligible_from() {
        dates.push((rotl, TimeEvent::DayRelease));
    }
    for slug in vacancy.details.required_certificates() {
        if let Some(expected) = person.certificate(slug).and_then(|c| c.expected_on()) {
            let slug = slug.to_string();
            dates.push((expected, TimeEvent::CertificateGained { slug }));
        }
    }
    let conditions = person.licence_conditions();
    let licence_end = conditions.licence_ends_on();
    // The day after a condition's last day, and whether its own end or the
    // licence's decides it.
    let ends = |own: Option<NaiveDate>, event: TimeEvent| {
        conditions.effective_end(own).and_then(|last| {
            let event = if own.is_some_and(|own| licence_end.is_none_or(|l| own <= l)) {
                event
            } else {
                TimeEvent::LicenceEnds
            };
            last.succ_opt().map(|day| (day, event))
        })
    };
    dates.extend(
        conditions
            .curfews()
            .iter()
            .filter_map(|c| ends(c.ends_on(), TimeEvent::CurfewEnds)),
    );
    dates.extend(conditions.exclusion_zones().iter().filter_map(|z| {
        let zone = z.name().to_owned();
        ends(z.ends_on(), TimeEvent::ExclusionZoneEnds { zone })
    }));
    if conditions.no_driving() {
        dates.extend(ends(
            conditions.no_driving_until(),
            TimeEvent::DrivingBanEnds,
        ));
    }
    if let Some(day) = licence_end.and_then(|l| l.succ_opt()) {
        dates.push((day, TimeEvent::LicenceEnds));
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::geo::tests::{destination, point};
    use crate::domain::geo::ExclusionZoneInput;
    use crate::domain::matching::assess;
    use crate::domain::profile::tests as profile_fixtures;
    use crate::domain::profile::{CurfewInput, ProfileDetails, ProfileInput};
    use crate::domain::schedule::TimeWindowInput;
    use crate::domain::skills::tests::sample;
    use crate::domain::vacancy::tests::{self as vacancy_fixtures, date};
    use crate::domain::vacancy::{VacancyInput, VacancyStatus};

    /// The fixtures' vacancy starts on 2 June 2025 in Wakefield; the person
    /// is released on 20 May 2025 and could go on day release from 1 March.
    fn today() -> NaiveDate {
        date(2025, 5, 1)
    }

    /// The fixture vacancy with rolling recruitment (no closing date), so
    /// the horizon is a year.
    fn vacancy_with(change: impl FnOnce(&mut VacancyInput)) -> Vacancy {
        let mut input = vacancy_fixtures::valid_input();
        input.closing_date = None;
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

    fn every_day_curfew(ends_on: Option<NaiveDate>) -> CurfewInput {
        CurfewInput {
            ends_on,
            ..TimeWindowInput {
                days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                    .iter()
                    .map(|d| (*d).to_owned())
                    .collect(),
                start: "07:00".into(),
                end: "09:00".into(),
            }
            .into()
        }
    }

    fn from(day: NaiveDate, events: Vec<TimeEvent>) -> Eligibility {
        Eligibility::From(EligibleFrom { date: day, events })
    }

    fn forklift() -> TimeEvent {
        TimeEvent::CertificateGained {
            slug: "forklift-counterbalance".into(),
        }
    }

    /// One case per time-based rule, and the cases around them. Each row:
    /// what it shows, the vacancy, the person, the answer.
    #[test]
    fn the_first_day_a_pair_passes_and_why() {
        let start = date(2025, 6, 2);
        let zone_centre = destination(point(53.6833, -1.4977), 0.0, 1.0);
        let cases: Vec<(&str, Vacancy, Profile, Eligibility)> = vec![
            (
                "already eligible",
                vacancy_with(|_| {}),
                profile_with(|_| {}),
                Eligibility::Now,
            ),
            (
                "released after the start, not on day release",
                vacancy_with(|v| v.rotl_suitable = false),
                profile_with(|p| p.release_date = Some(date(2025, 7, 14))),
                from(date(2025, 7, 14), vec![TimeEvent::Release]),
            ),
            (
                "on day release from a day after the start",
                vacancy_with(|_| {}),
                profile_with(|p| {
                    p.release_date = Some(date(2025, 9, 1));
                    p.rotl_eligible_from = Some(date(2025, 6, 20));
                }),
                from(date(2025, 6, 20), vec![TimeEvent::DayRelease]),
            ),
            (
                "a vacancy whose applications open later",
                vacancy_with(|v| v.opens_on = Some(date(2025, 5, 20))),
                profile_with(|_| {}),
                from(date(2025, 5, 20), vec![TimeEvent::VacancyOpens]),
            ),
            (
                "a curfew that ends",
                vacancy_with(|_| {}),
                profile_with(|p| p.curfews = vec![every_day_curfew(Some(date(2026, 3, 13)))]),
                from(date(2026, 3, 14), vec![TimeEvent::CurfewEnds]),
            ),
            (
                "a curfew that ends with the licence",
                vacancy_with(|_| {}),
                profile_with(|p| {
                    p.curfews = vec![every_day_curfew(None)];
                    p.licence_ends_on = Some(date(2025, 8, 31));
                }),
                from(date(2025, 9, 1), vec![TimeEvent::LicenceEnds]),
            ),
            (
                "a curfew that never ends",
                vacancy_with(|_| {}),
                profile_with(|p| p.curfews = vec![every_day_curfew(None)]),
                Eligibility::NotWithin,
            ),
            (
                "an exclusion zone that ends",
                vacancy_with(|_| {}),
                profile_with(|p| {
                    p.exclusion_zones = vec![ExclusionZoneInput {
                        name: "Wakefield centre".into(),
                        lat: zone_centre.lat(),
                        lon: zone_centre.lon(),
                        radius_km: 3.0,
                        ends_on: Some(date(2025, 10, 1)),
                    }];
                }),
                from(
                    date(2025, 10, 2),
                    vec![TimeEvent::ExclusionZoneEnds {
                        zone: "Wakefield centre".into(),
                    }],
                ),
            ),
            (
                "a driving ban that ends",
                vacancy_with(|v| v.needs_driving_licence = true),
                profile_with(|p| {
                    p.no_driving = true;
                    p.no_driving_until = Some(date(2025, 11, 30));
                }),
                from(date(2025, 12, 1), vec![TimeEvent::DrivingBanEnds]),
            ),
            (
                "a certificate being gained after the start",
                vacancy_with(|_| {}),
                profile_with(|p| p.certificates[0].expected_on = Some(date(2025, 6, 16))),
                from(date(2025, 6, 16), vec![forklift()]),
            ),
            (
                "a certificate gained before the start is no wait at all",
                vacancy_with(|_| {}),
                profile_with(|p| p.certificates[0].expected_on = Some(date(2025, 5, 30))),
                Eligibility::Now,
            ),
            (
                "two time-based rules: the later date wins",
                vacancy_with(|_| {}),
                profile_with(|p| {
                    p.certificates[0].expected_on = Some(date(2025, 6, 16));
                    p.curfews = vec![every_day_curfew(Some(date(2025, 8, 4)))];
                }),
                from(date(2025, 8, 5), vec![TimeEvent::CurfewEnds]),
            ),
            (
                "two events on one day are both named",
                vacancy_with(|_| {}),
                profile_with(|p| {
                    p.certificates[0].expected_on = Some(date(2025, 8, 5));
                    p.curfews = vec![every_day_curfew(Some(date(2025, 8, 4)))];
                }),
                from(date(2025, 8, 5), vec![forklift(), TimeEvent::CurfewEnds]),
            ),
            (
                "a condition whose last day was yesterday: eligible today",
                vacancy_with(|_| {}),
                profile_with(|p| p.curfews = vec![every_day_curfew(today().pred_opt())]),
                Eligibility::Now,
            ),
            (
                "a condition whose last day is today: eligible tomorrow",
                vacancy_with(|_| {}),
                profile_with(|p| p.curfews = vec![every_day_curfew(Some(today()))]),
                from(today().succ_opt().unwrap(), vec![TimeEvent::CurfewEnds]),
            ),
            (
                "a curfew ending the day before the start",
                vacancy_with(|_| {}),
                profile_with(|p| p.curfews = vec![every_day_curfew(start.pred_opt())]),
                from(start, vec![TimeEvent::CurfewEnds]),
            ),
            (
                "a certificate that expires before the start never passes",
                vacancy_with(|_| {}),
                profile_with(|p| p.certificates[0].expires_on = Some(date(2025, 5, 31))),
                Eligibility::NotWithin,
            ),
            (
                "a certificate not held and not expected never passes",
                vacancy_with(|_| {}),
                profile_with(|p| p.certificates.clear()),
                Eligibility::NotWithin,
            ),
            (
                "time does not cure an offence exclusion",
                vacancy_with(|_| {}),
                profile_with(|p| {
                    p.offence_categories = vec!["arson".into()];
                    p.curfews = vec![every_day_curfew(Some(date(2025, 6, 30)))];
                }),
                Eligibility::NotWithin,
            ),
            (
                "the vacancy closes before the curfew ends",
                vacancy_with(|v| v.closing_date = Some(date(2025, 6, 30))),
                profile_with(|p| p.curfews = vec![every_day_curfew(Some(date(2025, 6, 30)))]),
                Eligibility::NotWithin,
            ),
            (
                "the curfew ends on the closing date's eve",
                vacancy_with(|v| v.closing_date = Some(date(2025, 6, 30))),
                profile_with(|p| p.curfews = vec![every_day_curfew(Some(date(2025, 6, 29)))]),
                from(date(2025, 6, 30), vec![TimeEvent::CurfewEnds]),
            ),
            (
                "beyond the horizon of a year",
                vacancy_with(|_| {}),
                profile_with(|p| p.curfews = vec![every_day_curfew(Some(date(2026, 5, 2)))]),
                Eligibility::NotWithin,
            ),
        ];
        for (what, vacancy, profile, expected) in cases {
            let found = eligible_from(&vacancy, &profile, today());
            assert_eq!(found, expected, "{what}");
            // The answer agrees with assess on the day and the day before.
            if let Some(day) = found.date() {
                assert!(assess(&vacancy, &profile, day).eligible(), "{what}");
                let eve = day.pred_opt().unwrap();
                assert!(!assess(&vacancy, &profile, eve).eligible(), "{what}");
            }
        }
    }

    #[test]
    fn a_closed_vacancy_has_no_date() {
        let mut vacancy = vacancy_with(|_| {});
        vacancy.status = VacancyStatus::Closed;
        let person = profile_with(|p| p.curfews = vec![every_day_curfew(Some(date(2025, 6, 1)))]);
        assert_eq!(
            eligible_from(&vacancy, &person, today()),
            Eligibility::NotWithin
        );
    }

    #[test]
    fn a_nearer_limit_cuts_the_look_ahead() {
        let vacancy = vacancy_with(|_| {});
        let person = profile_with(|p| p.curfews = vec![every_day_curfew(Some(date(2025, 8, 4)))]);
        assert_eq!(
            eligible_by(&vacancy, &person, today(), date(2025, 8, 4)),
            Eligibility::NotWithin
        );
        assert_eq!(
            eligible_by(&vacancy, &person, today(), date(2025, 8, 5)).date(),
            Some(date(2025, 8, 5))
        );
    }

    #[test]
    fn described_for_officers_with_restricted_events_flagged() {
        let t = sample();
        let curfew = EligibleFrom {
            date: date(2027, 3, 14),
            events: vec![TimeEvent::CurfewEnds],
        };
        assert_eq!(
            curfew.describe(&t),
            "Eligible from 14 March 2027, when the curfew ends"
        );
        assert!(curfew.is_restricted());
        let gained = EligibleFrom {
            date: date(2027, 3, 14),
            events: vec![TimeEvent::Release, forklift()],
        };
        assert_eq!(
            gained.describe(&t),
            "Eligible from 14 March 2027, on release and when forklift truck (counterbalance) is gained"
        );
        assert!(!gained.is_restricted());
        assert_eq!(
            serde_json::to_value(Eligibility::From(gained)).unwrap(),
            serde_json::json!({
                "eligibility": "from",
                "date": "2027-03-14",
                "events": [
                    { "kind": "release" },
                    { "kind": "certificate_gained", "slug": "forklift-counterbalance" }
                ]
            })
        );
    }
}
