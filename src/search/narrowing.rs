//! The filters that narrow the candidates of a profile or a vacancy.
//!
//! Each filter is a superset of what `domain::matching::assess` accepts: an
//! engine may return pairs that `assess` then refuses, never miss one it
//! would accept. Each rule below says which `assess` rule it mirrors and why
//! it cannot drop an eligible pair. Rules that need the full data (curfews,
//! exclusion zones, certificate expiry) are left to `assess`.

use chrono::NaiveDate;

use super::documents::day_number;
use super::filter::{Filter, Number};
use crate::domain::geo::{distance_km, GeoPoint, EARTH_RADIUS_KM};
use crate::domain::matching::RuleCode;
use crate::domain::profile::{Profile, ProfileDetails, ReleaseArea};
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::{Start, Vacancy, VacancyDetails, VacancyStatus, Workplace};

/// Extra share of a radius that geo filters allow, so that an engine whose
/// distance differs slightly from `domain::geo::distance_km` (another Earth
/// radius, another formula, rounding) still includes every workplace the
/// domain finds within reach.
pub const RADIUS_SLACK_RATIO: f64 = 0.005;
/// Extra metres on top of [`RADIUS_SLACK_RATIO`], for radii near zero.
pub const RADIUS_SLACK_METRES: f64 = 10.0;

/// Which services' profiles a vacancy may be matched with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceScope {
    /// Every service (administrators, the matching worker).
    All,
    /// Only these services (a case officer's).
    Only(Vec<i64>),
}

/// Metres a geo filter uses for a radius in km, padded by the slack.
pub fn padded_metres(radius_km: f64) -> u64 {
    let metres = radius_km.max(0.0) * 1000.0 * (1.0 + RADIUS_SLACK_RATIO) + RADIUS_SLACK_METRES;
    // Finite and non-negative here; `as` saturates rather than wrapping.
    metres.ceil() as u64
}

fn geo_radius(centre: GeoPoint, metres: u64) -> Filter {
    Filter::GeoRadius {
        lat: centre.lat(),
        lon: centre.lon(),
        metres,
    }
}

fn day(date: NaiveDate) -> Number {
    Number::Int(day_number(date))
}

/// Published and not past its closing date (`vacancy_not_open`): the closing
/// date is the last day to apply, so closing today is still open. A vacancy
/// with no closing date (rolling) has [`FAR_FUTURE_DAY`] as its closing day,
/// so one range covers both, with no union to run on every search.
///
/// [`FAR_FUTURE_DAY`]: super::documents::FAR_FUTURE_DAY
pub fn open_vacancies(today: NaiveDate) -> Filter {
    Filter::all([
        Filter::eq("status", VacancyStatus::Published.as_str()),
        Filter::at_least("closing_day", day(today)),
    ])
}

/// Vacancies that might suit the person today: every rule's part (see
/// [`vacancy_part`]) together.
pub fn vacancies_for_profile(profile: &Profile, today: NaiveDate, taxonomy: &Taxonomy) -> Filter {
    let mut parts = Vec::new();
    for &rule in RuleCode::ALL {
        match vacancy_part(rule, profile, today, taxonomy) {
            Part::Never => return Filter::Never,
            Part::Filter(filter) => parts.push(filter),
            Part::None => {}
        }
    }
    Filter::all(parts)
}

/// Vacancies that might suit the person on some day after `today` up to
/// `until` (the "soon eligible" list): a superset of the pairs that pass on
/// any of those days. The vacancy must be open today (it closes, it never
/// reopens by date; one that opens later is kept, since no part asks that
/// it has opened); every other part is taken on `until`, the day the
/// rules that change with time are loosest: a driving ban or a start
/// before release that no longer holds by then narrows nothing, and the
/// parts that do not change with time are the same on every day. Curfews,
/// exclusion zones and certificate dates are left to `assess`.
pub fn vacancies_soon_for_profile(
    profile: &Profile,
    today: NaiveDate,
    until: NaiveDate,
    taxonomy: &Taxonomy,
) -> Filter {
    let mut parts = Vec::new();
    for &rule in RuleCode::ALL {
        let part = match rule {
            RuleCode::VacancyNotOpen => Part::Filter(open_vacancies(today)),
            _ => vacancy_part(rule, profile, until, taxonomy),
        };
        match part {
            Part::Never => return Filter::Never,
            Part::Filter(filter) => parts.push(filter),
            Part::None => {}
        }
    }
    Filter::all(parts)
}

/// Profiles, within `scope`, that might suit the vacancy today: every
/// rule's part (see [`profile_part`]) together.
pub fn profiles_for_vacancy(vacancy: &Vacancy, scope: &ServiceScope, today: NaiveDate) -> Filter {
    let mut parts = Vec::new();
    if let ServiceScope::Only(services) = scope {
        parts.push(Filter::any_of("service_id", services.iter().copied()));
    }
    for &rule in RuleCode::ALL {
        match profile_part(rule, vacancy, today) {
            Part::Never => return Filter::Never,
            Part::Filter(filter) => parts.push(filter),
            Part::None => {}
        }
    }
    Filter::all(parts)
}

/// What one rule adds to a narrowing filter.
enum Part {
    /// The rule fails every candidate.
    Never,
    Filter(Filter),
    /// Nothing to narrow by (the rule is left to `assess`, or passes for
    /// everyone here).
    None,
}

impl Part {
    fn when(condition: bool, filter: Filter) -> Self {
        if condition {
            Part::Filter(filter)
        } else {
            Part::None
        }
    }
}

/// One rule's part of the filter of a person's candidate vacancies. Each
/// arm is a superset of what the rule accepts (see the module's note), and
/// uses the fields [`RuleCode::narrowing`] names; a test holds the two
/// together.
fn vacancy_part(rule: RuleCode, profile: &Profile, today: NaiveDate, taxonomy: &Taxonomy) -> Part {
    let person = &profile.details;
    match rule {
        RuleCode::VacancyNotOpen => Part::Filter(open_vacancies(today)),
        RuleCode::NoRightToWork => {
            if person.right_to_work() {
                Part::None
            } else {
                Part::Never
            }
        }
        RuleCode::RegulatedActivityBarred => not_both(
            ("regulated_children", person.barred_children()),
            ("regulated_adults", person.barred_adults()),
        ),
        // The document lists only "excluded" categories.
        RuleCode::OffenceExclusion => {
            let categories: Vec<&str> = person
                .offence_categories()
                .iter()
                .map(|c| c.as_str())
                .collect();
            Part::Filter(Filter::any_of("excluded_offences", categories).negate())
        }
        RuleCode::DrivingRestriction => Part::when(
            !person.driving_licence() || person.licence_conditions().as_of(today).no_driving(),
            Filter::eq("needs_driving_licence", false),
        ),
        // Every required certificate must at least be held (whether it is
        // still valid on the start day is left to assess). Written as
        // "requires none of the certificates not held"; a slug unknown to
        // the taxonomy is not in that list, so it can only let more through.
        RuleCode::MissingCertificate => {
            let not_held: Vec<&str> = taxonomy
                .certificates()
                .map(|entry| entry.slug())
                .filter(|slug| person.certificate(slug).is_none())
                .collect();
            Part::Filter(Filter::any_of("required_certificates", not_held).negate())
        }
        // A start as soon as possible never fails it. For a set date the
        // effective start is max(start, today). When release <= today it is
        // never before release. Otherwise it is before release exactly when
        // the start is, and ROTL covers it when the role is ROTL-suitable
        // and eligibility (<= max(start, today)) has begun.
        RuleCode::StartsBeforeRelease => starts_after_release(person, today),
        // Remote passes, no fixed abode passes.
        RuleCode::BeyondTravelRadius => match person.release_area() {
            ReleaseArea::Place(home) => Part::Filter(Filter::any([
                Filter::IsTrue("remote"),
                geo_radius(home.point(), padded_metres(person.travel_radius_km())),
            ])),
            _ => Part::None,
        },
        RuleCode::RotlNotEligible
        | RuleCode::TrialTiming
        | RuleCode::BeyondRotlTravel
        | RuleCode::ExclusionZone
        | RuleCode::CurfewConflict => Part::None,
    }
}

/// One rule's part of the filter of a vacancy's candidate profiles (see
/// [`vacancy_part`]).
fn profile_part(rule: RuleCode, vacancy: &Vacancy, today: NaiveDate) -> Part {
    let job = &vacancy.details;
    match rule {
        RuleCode::VacancyNotOpen => {
            if vacancy.is_open(today) {
                Part::None
            } else {
                Part::Never
            }
        }
        RuleCode::NoRightToWork => Part::Filter(Filter::IsTrue("right_to_work")),
        RuleCode::RegulatedActivityBarred => not_both(
            ("barred_children", job.regulated_children()),
            ("barred_adults", job.regulated_adults()),
        ),
        // Only the "excluded" stance excludes.
        RuleCode::OffenceExclusion => {
            let excluded: Vec<&str> = job
                .offence_exclusions()
                .iter()
                .filter(|e| e.stance() == crate::domain::offence::ExclusionStance::Excluded)
                .map(|e| e.category().as_str())
                .collect();
            Part::Filter(Filter::any_of("offence_categories", excluded).negate())
        }
        RuleCode::DrivingRestriction => {
            Part::when(job.needs_driving_licence(), Filter::IsTrue("can_drive"))
        }
        // Each required certificate is held (expiry is checked by assess).
        RuleCode::MissingCertificate => {
            let held: Vec<Filter> = job
                .required_certificates()
                .iter()
                .map(|slug| Filter::eq("certificates", slug.as_str()))
                .collect();
            Part::when(!held.is_empty(), Filter::all(held))
        }
        // A start as soon as possible waits for each person, so it never
        // fails and nobody is left out on that ground. For a set date it
        // passes when release <= effective start (max(start, today)), or
        // the role is ROTL-suitable and eligibility began by then
        // (rotl_eligible_day is far in the future for people never
        // eligible).
        RuleCode::StartsBeforeRelease => released_by_start(job, today),
        // Each person's own padded radius around their home (on
        // Meilisearch, the box around it) holds every workplace `assess`
        // finds within reach (see `Filter::WithinOwnReach`).
        RuleCode::BeyondTravelRadius => match job.workplace() {
            Workplace::OnSite(work) => Part::Filter(within_reach(work.point())),
            Workplace::Remote => Part::None,
        },
        RuleCode::RotlNotEligible
        | RuleCode::TrialTiming
        | RuleCode::BeyondRotlTravel
        | RuleCode::ExclusionZone
        | RuleCode::CurfewConflict => Part::None,
    }
}

/// Regulated activity: for each group that applies, the other side must
/// have `false` in the named field.
fn not_both(children: (&'static str, bool), adults: (&'static str, bool)) -> Part {
    let parts: Vec<Filter> = [children, adults]
        .into_iter()
        .filter(|(_, applies)| *applies)
        .map(|(field, _)| Filter::eq(field, false))
        .collect();
    Part::when(!parts.is_empty(), Filter::all(parts))
}

/// Vacancies a person can start without starting before release; see
/// [`vacancy_part`].
fn starts_after_release(person: &ProfileDetails, today: NaiveDate) -> Part {
    let release = person.release_date();
    if release <= today {
        return Part::None;
    }
    let rotl = match person.rotl_eligible_from() {
        None => Filter::Never,
        Some(eligible) if eligible <= today => Filter::IsTrue("rotl_suitable"),
        Some(eligible) => Filter::all([
            Filter::IsTrue("rotl_suitable"),
            Filter::at_least("start_day", day(eligible)),
        ]),
    };
    Part::Filter(Filter::any([
        Filter::IsTrue("start_asap"),
        Filter::at_least("start_day", day(release)),
        rotl,
    ]))
}

/// People released (or on day release) by a vacancy's set start; see
/// [`profile_part`].
fn released_by_start(job: &VacancyDetails, today: NaiveDate) -> Part {
    match job.start() {
        Start::On(date) => {
            let starts = date.max(today);
            Part::Filter(Filter::any([
                Filter::at_most("release_day", day(starts)),
                if job.rotl_suitable() {
                    Filter::at_most("rotl_eligible_day", day(starts))
                } else {
                    Filter::Never
                },
            ]))
        }
        Start::Asap => Part::None,
    }
}

/// People who could travel to a workplace at `work` (see
/// [`Filter::WithinOwnReach`]), and everyone with no fixed abode.
fn within_reach(work: GeoPoint) -> Filter {
    Filter::any([
        Filter::IsTrue("no_fixed_abode"),
        Filter::WithinOwnReach {
            lat: work.lat(),
            lon: work.lon(),
        },
    ])
}

/// The most degrees of latitude a point within `metres` of a centre can be
/// from it: a degree of latitude is at least 110.5 km anywhere, and the band
/// is widened a little so rounding can never cut a point `distance_km`
/// admits.
pub fn latitude_band(metres: f64) -> f64 {
    metres / 110_000.0 + 1e-6
}

/// The most degrees of longitude a point within `metres` of `centre` can be
/// from it, a little widened so rounding never cuts a point
/// `distance_km` admits; None when the circle reaches a pole (every
/// longitude may be within reach). On a sphere, the points at angular
/// distance d from a centre at latitude phi span asin(sin d / cos phi)
/// either side of its meridian.
pub fn longitude_reach(centre: GeoPoint, metres: f64) -> Option<f64> {
    let angle = metres / (EARTH_RADIUS_KM * 1000.0) * 1.001 + 1e-9;
    let ratio = angle.sin() / centre.lat().to_radians().cos();
    (angle < std::f64::consts::FRAC_PI_2 && ratio.is_finite() && ratio < 1.0)
        .then(|| ratio.asin().to_degrees() * 1.001 + 1e-9)
}

/// The box of latitudes and longitudes that holds every point within a
/// person's padded travel radius of their home: what a profile document
/// carries so that Meilisearch can find the people who could travel to a
/// workplace with four number comparisons (see [`Filter::WithinOwnReach`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReachBox {
    /// Southmost latitude.
    pub south: f64,
    /// Northmost latitude.
    pub north: f64,
    /// Westmost longitude (-180 when the reach wraps or takes in a pole).
    pub west: f64,
    /// Eastmost longitude (180 when the reach wraps or takes in a pole).
    pub east: f64,
}

impl ReachBox {
    /// The box around `home` for a travel radius of `radius_km`, padded as
    /// a geo radius is ([`padded_metres`]).
    pub fn around(home: GeoPoint, radius_km: f64) -> Self {
        let metres = padded_metres(radius_km) as f64;
        let band = latitude_band(metres);
        let (west, east) = match longitude_reach(home, metres) {
            Some(reach) if home.lon() - reach >= -180.0 && home.lon() + reach <= 180.0 => {
                (home.lon() - reach, home.lon() + reach)
            }
            // Across the antimeridian or over a pole: every longitude.
            _ => (-180.0, 180.0),
        };
        ReachBox {
            south: (home.lat() - band).max(-90.0),
            north: (home.lat() + band).min(90.0),
            west,
            east,
        }
    }

    /// Whether the point lies in the box (edges included), as the filter
    /// asks it.
    pub fn holds(&self, lat: f64, lon: f64) -> bool {
        self.south <= lat && lat <= self.north && self.west <= lon && lon <= self.east
    }
}

/// What a job seeker asks for when searching vacancies by keyword.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VacancySearch {
    /// Words typed; empty lists every open vacancy.
    pub text: String,
    /// Only this sector (slug).
    pub sector: Option<String>,
    /// At least this many hours a week.
    pub min_hours: Option<f64>,
    /// At most this many hours a week.
    pub max_hours: Option<f64>,
    /// Only workplaces within this many km of a point.
    pub near: Option<Near>,
    /// How many results at most; `None` for every one (the matcher pages
    /// through the whole set itself).
    pub limit: Option<usize>,
}

impl VacancySearch {
    /// Whether the vacancy meets the choices exactly (sector, hours, and
    /// the distance as `domain::geo` measures it). The engine's filter is a
    /// superset of this; the matcher decides with this.
    pub fn admits(&self, vacancy: &Vacancy) -> bool {
        let job = &vacancy.details;
        let sector = self.sector.as_deref().is_none_or(|s| job.sector() == s);
        let hours = job.hours_per_week();
        let hours_fit = self.min_hours.is_none_or(|min| hours >= min)
            && self.max_hours.is_none_or(|max| hours <= max);
        sector && hours_fit && self.near.is_none_or(|near| near.reaches(job.workplace()))
    }
}

/// A distance limit for [`VacancySearch`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    /// The point, such as the release area.
    pub point: GeoPoint,
    /// Kilometres.
    pub km: f64,
    /// Whether remote work counts as near.
    pub include_remote: bool,
}

impl Near {
    /// Whether a workplace is within reach, measured by `domain::geo`.
    pub fn reaches(&self, workplace: &Workplace) -> bool {
        match workplace {
            Workplace::Remote => self.include_remote,
            Workplace::OnSite(place) => distance_km(self.point, place.point()) <= self.km,
        }
    }
}

/// The filter of a keyword search: open vacancies with the chosen sector,
/// hours and distance. The distance is padded like the travel radius, so an
/// engine that measures a little differently still returns every workplace
/// in reach; [`VacancySearch::admits`] then decides exactly.
pub fn keyword_filter(search: &VacancySearch, today: NaiveDate) -> Filter {
    Filter::all([open_vacancies(today), choices_filter(search)])
}

/// The person's own choices (sector, hours, distance) as a filter.
fn choices_filter(search: &VacancySearch) -> Filter {
    let mut parts = Vec::new();
    if let Some(sector) = &search.sector {
        parts.push(Filter::eq("sector", sector.as_str()));
    }
    if let Some(min) = search.min_hours {
        parts.push(Filter::at_least("hours_per_week", Number::Float(min)));
    }
    if let Some(max) = search.max_hours {
        parts.push(Filter::at_most("hours_per_week", Number::Float(max)));
    }
    if let Some(near) = search.near {
        parts.push(Filter::any([
            if near.include_remote {
                Filter::IsTrue("remote")
            } else {
                Filter::Never
            },
            geo_radius(near.point, padded_metres(near.km)),
        ]));
    }
    Filter::all(parts)
}

/// A job seeker's search: the same eligibility narrowing the matcher uses
/// for the person ([`vacancies_for_profile`]: travel radius, offences,
/// barred lists, driving, certificates, dates, remote roles) combined with
/// the words' companions they chose (sector, hours, distance). The smaller
/// of their travel radius and a chosen distance wins because both apply.
pub fn seeker_filter(
    profile: &Profile,
    search: &VacancySearch,
    today: NaiveDate,
    taxonomy: &Taxonomy,
) -> Filter {
    Filter::all([
        vacancies_for_profile(profile, today, taxonomy),
        choices_filter(search),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::ProfileDetails;
    use crate::domain::rules::Narrowing;
    use crate::domain::skills::tests::sample;
    use crate::domain::vacancy::tests::{date, valid_input};
    use crate::domain::vacancy::VacancyDetails;
    use crate::search::filter::MeilisearchFilter;

    fn render(filter: &Filter) -> String {
        match filter.to_meilisearch().unwrap() {
            MeilisearchFilter::Expression(text) => text,
            other => format!("{other:?}"),
        }
    }

    fn profile(change: impl FnOnce(&mut crate::domain::profile::ProfileInput)) -> Profile {
        let mut input = crate::domain::profile::tests::valid_input();
        change(&mut input);
        Profile {
            id: 1,
            service_id: 2,
            officer_id: None,
            pseudonym: "Wren Sage 0001".into(),
            prison: None,
            details: ProfileDetails::parse(&input, &sample()).unwrap(),
        }
    }

    fn vacancy(change: impl FnOnce(&mut crate::domain::vacancy::VacancyInput)) -> Vacancy {
        let mut input = valid_input();
        change(&mut input);
        Vacancy {
            id: 1,
            employer_id: 1,
            status: VacancyStatus::Published,
            details: VacancyDetails::parse(&input, &sample()).unwrap(),
        }
    }

    /// Every attribute a filter reads.
    fn attributes(filter: &Filter, out: &mut std::collections::BTreeSet<&'static str>) {
        match filter {
            Filter::Always | Filter::Never => {}
            Filter::Eq(a, _) | Filter::In(a, _) | Filter::IsTrue(a) => {
                out.insert(a);
            }
            Filter::Range { attribute, .. } => {
                out.insert(attribute);
            }
            Filter::GeoRadius { .. } => {
                out.insert("_geo");
            }
            // What Meilisearch is asked; the embedded engine reads the
            // point and radius, which every profile document carries.
            Filter::WithinOwnReach { .. } => {
                out.extend(["reach_south", "reach_north", "reach_west", "reach_east"]);
            }
            Filter::Not(inner) => attributes(inner, out),
            Filter::And(parts) | Filter::Or(parts) => {
                for part in parts {
                    attributes(part, out);
                }
            }
        }
    }

    fn fields_of(narrowing: Narrowing) -> (&'static [&'static str], &'static [&'static str]) {
        match narrowing {
            Narrowing::Indexed {
                vacancy_fields,
                profile_fields,
            }
            | Narrowing::Partly {
                vacancy_fields,
                profile_fields,
                ..
            } => (vacancy_fields, profile_fields),
            Narrowing::AssessOnly(_) => (&[], &[]),
        }
    }

    /// The rule table, in one view: each rule, whether its failure reveals
    /// restricted information, and how the index narrows by it. A new rule
    /// must be added here, decided in each column.
    #[test]
    fn every_rule_has_its_narrowing_and_restricted_flag() {
        use RuleCode::*;
        let expected: [(RuleCode, bool, &str); 13] = [
            (VacancyNotOpen, false, "partly"),
            (NoRightToWork, false, "indexed"),
            (RegulatedActivityBarred, true, "indexed"),
            (OffenceExclusion, true, "indexed"),
            (DrivingRestriction, true, "indexed"),
            (MissingCertificate, false, "partly"),
            (StartsBeforeRelease, false, "indexed"),
            (RotlNotEligible, false, "assess only"),
            (TrialTiming, false, "assess only"),
            (BeyondTravelRadius, false, "partly"),
            (BeyondRotlTravel, true, "assess only"),
            (ExclusionZone, true, "assess only"),
            (CurfewConflict, true, "assess only"),
        ];
        let actual: Vec<(RuleCode, bool, &str)> = RuleCode::ALL
            .iter()
            .map(|&rule| {
                let kind = match rule.narrowing() {
                    Narrowing::Indexed { .. } => "indexed",
                    Narrowing::Partly { .. } => "partly",
                    Narrowing::AssessOnly(_) => "assess only",
                };
                (rule, rule.is_restricted(), kind)
            })
            .collect();
        assert_eq!(actual, expected.to_vec());
    }

    /// The fields a rule's narrowing names are filterable in the shipped
    /// Meilisearch settings of the right index (the embedded engine indexes
    /// the same document fields).
    #[test]
    fn narrowing_fields_are_filterable_in_the_shipped_settings() {
        use crate::search::IndexKind;
        let filterable = |kind: IndexKind| -> Vec<String> {
            let settings: serde_json::Value = serde_json::from_str(kind.shipped_json()).unwrap();
            serde_json::from_value(settings["filterableAttributes"].clone()).unwrap()
        };
        let (vacancies, profiles) = (
            filterable(IndexKind::Vacancies),
            filterable(IndexKind::Profiles),
        );
        for &rule in RuleCode::ALL {
            let (vacancy_fields, profile_fields) = fields_of(rule.narrowing());
            for field in vacancy_fields {
                assert!(vacancies.iter().any(|f| f == field), "{rule}: {field}");
            }
            for field in profile_fields {
                assert!(profiles.iter().any(|f| f == field), "{rule}: {field}");
            }
        }
    }

    /// Each rule's filters read only the fields its narrowing names, and a
    /// rule left to assess adds no filter, over a spread of people and
    /// vacancies.
    #[test]
    fn each_rule_filters_only_on_the_fields_it_names() {
        let today = date(2025, 5, 1);
        let people = [
            profile(|_| {}),
            profile(|p| {
                p.barred_children = true;
                p.barred_adults = true;
                p.offence_categories = vec!["arson".into()];
                p.driving_licence = false;
                p.rotl_eligible_from = Some(date(2025, 5, 10));
            }),
            profile(|p| p.no_fixed_abode = true),
            profile(|p| {
                p.right_to_work = false;
                p.readiness = "no_right_to_work".into();
            }),
        ];
        let jobs = [
            vacancy(|_| {}),
            vacancy(|v| {
                v.needs_driving_licence = true;
                v.regulated_adults = true;
                v.regulated_children = true;
                v.check_level = "enhanced_barred".into();
                v.rotl_suitable = true;
                v.required_certificates = vec!["forklift-counterbalance".into()];
            }),
        ];
        for &rule in RuleCode::ALL {
            let (vacancy_fields, profile_fields) = fields_of(rule.narrowing());
            for person in &people {
                let mut read = std::collections::BTreeSet::new();
                if let Part::Filter(f) = vacancy_part(rule, person, today, &sample()) {
                    attributes(&f, &mut read);
                }
                for field in &read {
                    assert!(vacancy_fields.contains(field), "{rule} reads {field}");
                }
            }
            for job in &jobs {
                let mut read = std::collections::BTreeSet::new();
                if let Part::Filter(f) = profile_part(rule, job, today) {
                    attributes(&f, &mut read);
                }
                for field in &read {
                    assert!(profile_fields.contains(field), "{rule} reads {field}");
                }
            }
        }
    }

    /// Every point within a person's padded radius lies in their reach box,
    /// near the poles and across the antimeridian too, and the box is no
    /// wider than it needs to be in the usual case.
    #[test]
    fn a_reach_box_holds_every_point_within_reach() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for (lat, lon) in [
            (53.8, -1.55),
            (0.0, 179.9),
            (-45.0, -179.5),
            (89.0, 10.0),
            (-88.5, 0.0),
        ] {
            let home = GeoPoint::parse(lat, lon).unwrap();
            for radius in [0.0, 1.0, 25.0, 200.0] {
                let reach = ReachBox::around(home, radius);
                let metres = padded_metres(radius) as f64;
                for _ in 0..2_000 {
                    let (a, b) = (
                        (lat + rng.gen_range(-2.0..2.0_f64)).clamp(-90.0, 90.0),
                        lon + rng.gen_range(-8.0..8.0_f64),
                    );
                    let b = if b > 180.0 {
                        b - 360.0
                    } else if b < -180.0 {
                        b + 360.0
                    } else {
                        b
                    };
                    let point = GeoPoint::parse(a, b).unwrap();
                    if distance_km(home, point) * 1000.0 <= metres {
                        assert!(reach.holds(a, b), "{lat},{lon} {radius} km: {a},{b}");
                    }
                }
            }
        }
        let leeds = ReachBox::around(GeoPoint::parse(53.8, -1.55).unwrap(), 25.0);
        assert!(leeds.north - leeds.south < 0.46, "{leeds:?}");
        assert!(leeds.east - leeds.west < 0.77, "{leeds:?}");
        let wrapping = ReachBox::around(GeoPoint::parse(0.0, 179.9).unwrap(), 25.0);
        assert_eq!((wrapping.west, wrapping.east), (-180.0, 180.0));
    }

    #[test]
    fn padding_is_never_below_the_radius() {
        for km in [0.0, 0.001, 1.0, 25.0, 200.0] {
            assert!(padded_metres(km) as f64 >= km * 1000.0 * 1.005);
        }
        assert_eq!(padded_metres(10.0), 10_060);
    }

    #[test]
    fn profile_filter_reads_as_expected() {
        let today = date(2025, 5, 1);
        let person = profile(|p| {
            p.barred_children = true;
            p.offence_categories = vec!["arson".into()];
            p.driving_licence = false;
            p.rotl_eligible_from = Some(date(2025, 5, 10));
        });
        let text = render(&vacancies_for_profile(&person, today, &sample()));
        assert_eq!(
            text,
            format!(
                "status = \"published\" AND closing_day >= {t} \
                 AND regulated_children = false AND NOT excluded_offences IN [\"arson\"] \
                 AND needs_driving_licence = false \
                 AND NOT required_certificates IN [\"cscs-card\", \"food-hygiene-2\"] \
                 AND (start_asap = true OR start_day >= {r} OR (rotl_suitable = true AND start_day >= {e})) \
                 AND (remote = true OR _geoRadius(53.8008, -1.5491, 25135))",
                t = day_number(today),
                r = day_number(date(2025, 5, 20)),
                e = day_number(date(2025, 5, 10)),
            )
        );
    }

    #[test]
    fn no_right_to_work_means_no_candidates_and_nfa_has_no_geo() {
        let today = date(2025, 5, 1);
        let none = profile(|p| {
            p.right_to_work = false;
            p.readiness = "no_right_to_work".into();
        });
        assert_eq!(
            vacancies_for_profile(&none, today, &sample()),
            Filter::Never
        );
        let nfa = profile(|p| p.no_fixed_abode = true);
        assert!(!render(&vacancies_for_profile(&nfa, today, &sample())).contains("_geo"));
        let released = profile(|p| p.release_date = Some(date(2025, 4, 1)));
        let text = render(&vacancies_for_profile(&released, today, &sample()));
        assert!(!text.contains("start_day") && !text.contains("start_asap"));
    }

    #[test]
    fn vacancy_filter_reads_as_expected() {
        let today = date(2025, 5, 1);
        let job = vacancy(|v| {
            v.needs_driving_licence = true;
            v.regulated_adults = true;
            v.check_level = "enhanced_barred".into();
            v.rotl_suitable = true;
            v.required_certificates = vec!["forklift-counterbalance".into()];
        });
        let filter = profiles_for_vacancy(&job, &ServiceScope::Only(vec![4, 5]), today);
        let text = render(&filter);
        let starts = day_number(date(2025, 6, 2).max(today));
        assert!(text.starts_with(&format!(
            "service_id IN [4, 5] AND right_to_work = true AND barred_adults = false \
             AND NOT offence_categories IN [\"arson\"] AND can_drive = true AND certificates = \"forklift-counterbalance\" \
             AND (release_day <= {starts} OR rotl_eligible_day <= {starts}) \
             AND (no_fixed_abode = true OR (reach_south <= 53.6833 AND reach_north >= 53.6833 \
             AND reach_west <= -1.4977 AND reach_east >= -1.4977))"
        )), "{text}");
        assert!(
            !render(&profiles_for_vacancy(&job, &ServiceScope::All, today)).contains("service_id")
        );
        assert_eq!(
            profiles_for_vacancy(&job, &ServiceScope::Only(vec![]), today),
            Filter::Never
        );
    }

    #[test]
    fn a_start_as_soon_as_possible_leaves_nobody_out_for_timing() {
        let today = date(2025, 5, 1);
        let job = vacancy(|v| {
            v.start = Some("asap".into());
            v.start_date = None;
            v.rotl_suitable = false;
        });
        let text = render(&profiles_for_vacancy(&job, &ServiceScope::All, today));
        assert!(
            !text.contains("release_day") && !text.contains("rotl_eligible_day"),
            "{text}"
        );
        assert!(
            text.starts_with(
                "right_to_work = true AND NOT offence_categories IN [\"arson\"] \
             AND certificates = \"forklift-counterbalance\" AND (no_fixed_abode = true OR "
            ),
            "{text}"
        );
    }

    #[test]
    fn closed_vacancies_have_no_candidates() {
        let today = date(2025, 5, 1);
        let mut job = vacancy(|_| {});
        job.status = VacancyStatus::Paused;
        assert_eq!(
            profiles_for_vacancy(&job, &ServiceScope::All, today),
            Filter::Never
        );
        let job = vacancy(|v| v.closing_date = Some(date(2025, 4, 30)));
        assert_eq!(
            profiles_for_vacancy(&job, &ServiceScope::All, today),
            Filter::Never
        );
    }

    #[test]
    fn keyword_filter_combines_choices() {
        let today = date(2025, 5, 1);
        let search = VacancySearch {
            text: "forklift".into(),
            sector: Some("warehousing".into()),
            min_hours: Some(16.0),
            max_hours: Some(37.5),
            near: Some(Near {
                point: GeoPoint::parse(53.8, -1.55).unwrap(),
                km: 10.0,
                include_remote: false,
            }),
            limit: Some(20),
        };
        let text = render(&keyword_filter(&search, today));
        assert!(
            text.ends_with(
                "AND sector = \"warehousing\" AND hours_per_week >= 16 AND hours_per_week <= 37.5 \
             AND _geoRadius(53.8, -1.55, 10060)"
            ),
            "{text}"
        );
    }
}
