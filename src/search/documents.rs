//! The documents both engines index, built from domain vacancies and
//! profiles. They carry everything the narrowing filters need (dates as day
//! numbers) plus text for keyword search, with taxonomy labels and synonyms
//! so "FLT" finds a vacancy that asks for a forklift licence.
//!
//! Profile documents hold no names: officers find people by name in the
//! database. They do hold coarse offence categories and barred flags, which
//! the filters need; the Meilisearch settings display only `id`.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::offence::ExclusionStance;
use crate::domain::profile::{Profile, ReleaseArea};
use crate::domain::skills::Taxonomy;
use crate::domain::slug;
use crate::domain::vacancy::{Start, Vacancy, Workplace};
use crate::search::narrowing::ReachBox;

/// Days from 0001-01-01 (day 1 in chrono's count) to 1970-01-01.
const DAYS_BEFORE_UNIX_EPOCH: i64 = 719_163;

/// A day number standing for "never" / "no closing date": far beyond any
/// real date, and exactly representable as the f64 Meilisearch stores.
pub const FAR_FUTURE_DAY: i64 = 99_999_999;

/// The `start_day` of a vacancy that starts as soon as possible: a day long
/// past, as a set start that has passed in effect also means "from today".
/// Filters that must keep such vacancies test `start_asap`, not this.
pub const ASAP_START_DAY: i64 = 0;

/// Days since 1970-01-01 (negative before), the form dates take in
/// documents so that engines compare them as numbers.
pub fn day_number(day: NaiveDate) -> i64 {
    i64::from(day.num_days_from_ce()) - DAYS_BEFORE_UNIX_EPOCH
}

/// A point as Meilisearch's `_geo` field expects it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoDoc {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lng: f64,
}

/// A document the index can take: the checks Meilisearch would not make
/// itself (it stores a `_geo` latitude of 123 without complaint, and any
/// positive or negative id), made before anything is sent.
pub trait IndexDocument {
    /// The document's primary key.
    fn id(&self) -> i64;
    /// Its content version (see [`content_version`]).
    fn version(&self) -> i64;
    /// Its point, if any.
    fn geo(&self) -> Option<GeoDoc>;

    /// Why the document must not be indexed, as (code, message); codes
    /// follow Meilisearch's own (`invalid_document_geo_field`, ...).
    fn problem(&self) -> Option<(&'static str, String)> {
        if self.id() <= 0 {
            return Some((
                "invalid_document_id",
                format!("document id {} is not a positive number", self.id()),
            ));
        }
        let geo = self.geo()?;
        crate::domain::geo::GeoPoint::parse(geo.lat, geo.lng)
            .err()
            .map(|_| {
                (
                    "invalid_document_geo_field",
                    format!(
                        "document {}: _geo ({}, {}) is not a point on Earth",
                        self.id(),
                        geo.lat,
                        geo.lng
                    ),
                )
            })
    }
}

impl IndexDocument for VacancyDoc {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn geo(&self) -> Option<GeoDoc> {
        self.geo
    }
}

impl IndexDocument for ProfileDoc {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn geo(&self) -> Option<GeoDoc> {
        self.geo
    }
}

/// What a vacancy looks like in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VacancyDoc {
    /// Database id, the primary key.
    pub id: i64,
    /// The employer's id.
    pub employer_id: i64,
    /// Lifecycle status slug.
    pub status: String,
    /// Last day to apply, or [`FAR_FUTURE_DAY`] when rolling.
    pub closing_day: i64,
    /// No closing date.
    pub rolling: bool,
    /// Start date as a day number; [`ASAP_START_DAY`] when the start is as
    /// soon as possible (see `start_asap`).
    pub start_day: i64,
    /// Starts as soon as possible: whenever the person can begin, so the
    /// start never falls before their release.
    pub start_asap: bool,
    /// Sector slug.
    pub sector: String,
    /// Done from home.
    pub remote: bool,
    /// The workplace; absent for remote work.
    #[serde(rename = "_geo", default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoDoc>,
    /// Hours a week.
    pub hours_per_week: f64,
    /// Suitable for day release (ROTL).
    pub rotl_suitable: bool,
    /// Needs a driving licence.
    pub needs_driving_licence: bool,
    /// Regulated activity with children.
    pub regulated_children: bool,
    /// Regulated activity with vulnerable adults.
    pub regulated_adults: bool,
    /// Offence categories with the stance "excluded" (never case by case).
    pub excluded_offences: Vec<String>,
    /// Required certificate slugs.
    pub required_certificates: Vec<String>,
    /// Required skill slugs.
    pub required_skills: Vec<String>,
    /// The job title.
    pub title: String,
    /// Labels and word synonyms of the skills and certificates named.
    pub skills_text: Vec<String>,
    /// Certificate codes such as "FLT", "CPCS A09" or "C+E" (no typos).
    pub certificate_codes: Vec<String>,
    /// The sector's label.
    pub sector_label: String,
    /// The workplace's name, or "Remote".
    pub place: String,
    /// The advert's text.
    pub description: String,
    /// The document's content version ([`content_version`]): what
    /// `reindex --check` compares with a document built from the database.
    #[serde(default)]
    pub version: i64,
}

/// What a skill profile looks like in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileDoc {
    /// Database id, the primary key.
    pub id: i64,
    /// The prison or probation service holding the profile.
    pub service_id: i64,
    /// Has the right to work.
    pub right_to_work: bool,
    /// Release date as a day number.
    pub release_day: i64,
    /// First day of ROTL eligibility, or [`FAR_FUTURE_DAY`] when never.
    pub rotl_eligible_day: i64,
    /// No fixed abode: distances unknown.
    pub no_fixed_abode: bool,
    /// The release area; absent for no fixed abode.
    #[serde(rename = "_geo", default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoDoc>,
    /// Travel radius in kilometres.
    pub radius_km: f64,
    /// The box of latitudes and longitudes within the travel radius of the
    /// release area ([`ReachBox`]); absent for no fixed abode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach_south: Option<f64>,
    /// See `reach_south`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach_north: Option<f64>,
    /// See `reach_south`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach_west: Option<f64>,
    /// See `reach_south`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach_east: Option<f64>,
    /// Holds a licence and no driving ban is in force on the day the
    /// document was built (a ban that ends gets the document rebuilt the
    /// next day: see `jobs::schedule::daily`).
    pub can_drive: bool,
    /// Barred from work with children.
    pub barred_children: bool,
    /// Barred from work with vulnerable adults.
    pub barred_adults: bool,
    /// Coarse offence category slugs.
    pub offence_categories: Vec<String>,
    /// Held certificate slugs (expiry is left to `assess`).
    pub certificates: Vec<String>,
    /// Skill slugs.
    pub skills: Vec<String>,
    /// Sector slugs of interest.
    pub sectors_of_interest: Vec<String>,
    /// Labels and word synonyms of skills and certificates.
    pub skills_text: Vec<String>,
    /// Certificate codes (no typos).
    pub certificate_codes: Vec<String>,
    /// Past roles.
    pub work_history: Vec<String>,
    /// Labels of the sectors of interest.
    pub sectors_text: Vec<String>,
    /// The document's content version ([`content_version`]).
    #[serde(default)]
    pub version: i64,
}

/// How a document field is stored and matched by the embedded engine; the
/// Meilisearch settings files list the same names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Whole number, filterable and sortable.
    Int,
    /// Decimal number, filterable.
    Float,
    /// Boolean, filterable.
    Bool,
    /// Exact string or array of strings, filterable, case-insensitive.
    Keyword,
    /// Free text or array of texts, searchable.
    Text,
    /// `_geo` point.
    Geo,
}

/// One field of a document type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The name in JSON, filters and settings.
    pub name: &'static str,
    /// How it is indexed.
    pub kind: FieldKind,
}

const fn field(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec { name, kind }
}

/// Every field of [`VacancyDoc`].
pub const VACANCY_FIELDS: &[FieldSpec] = &[
    field("id", FieldKind::Int),
    field("employer_id", FieldKind::Int),
    field("status", FieldKind::Keyword),
    field("closing_day", FieldKind::Int),
    field("rolling", FieldKind::Bool),
    field("start_day", FieldKind::Int),
    field("start_asap", FieldKind::Bool),
    field("sector", FieldKind::Keyword),
    field("remote", FieldKind::Bool),
    field("_geo", FieldKind::Geo),
    field("hours_per_week", FieldKind::Float),
    field("rotl_suitable", FieldKind::Bool),
    field("needs_driving_licence", FieldKind::Bool),
    field("regulated_children", FieldKind::Bool),
    field("regulated_adults", FieldKind::Bool),
    field("excluded_offences", FieldKind::Keyword),
    field("required_certificates", FieldKind::Keyword),
    field("required_skills", FieldKind::Keyword),
    field("title", FieldKind::Text),
    field("skills_text", FieldKind::Text),
    field("certificate_codes", FieldKind::Text),
    field("sector_label", FieldKind::Text),
    field("place", FieldKind::Text),
    field("description", FieldKind::Text),
    field("version", FieldKind::Int),
];

/// Every field of [`ProfileDoc`].
pub const PROFILE_FIELDS: &[FieldSpec] = &[
    field("id", FieldKind::Int),
    field("service_id", FieldKind::Int),
    field("right_to_work", FieldKind::Bool),
    field("release_day", FieldKind::Int),
    field("rotl_eligible_day", FieldKind::Int),
    field("no_fixed_abode", FieldKind::Bool),
    field("_geo", FieldKind::Geo),
    field("radius_km", FieldKind::Float),
    field("reach_south", FieldKind::Float),
    field("reach_north", FieldKind::Float),
    field("reach_west", FieldKind::Float),
    field("reach_east", FieldKind::Float),
    field("can_drive", FieldKind::Bool),
    field("barred_children", FieldKind::Bool),
    field("barred_adults", FieldKind::Bool),
    field("offence_categories", FieldKind::Keyword),
    field("certificates", FieldKind::Keyword),
    field("skills", FieldKind::Keyword),
    field("sectors_of_interest", FieldKind::Keyword),
    field("skills_text", FieldKind::Text),
    field("certificate_codes", FieldKind::Text),
    field("work_history", FieldKind::Text),
    field("sectors_text", FieldKind::Text),
    field("version", FieldKind::Int),
];

/// Whether a taxonomy term is a code ("FLT", "CPCS A09", "C+E", "12D")
/// rather than words: capitals, digits and `+` only, with at least one
/// capital or `+`. Codes go to `certificate_codes`, where typos are off.
pub fn is_code(term: &str) -> bool {
    let mut signal = false;
    for c in term.chars() {
        match c {
            'A'..='Z' | '+' => signal = true,
            '0'..='9' | ' ' | '&' | '-' | '/' => {}
            _ => return false,
        }
    }
    signal
}

/// Labels and word synonyms, and separately the codes, of taxonomy entries.
#[derive(Default)]
struct EntryTexts {
    words: Vec<String>,
    codes: Vec<String>,
}

impl EntryTexts {
    fn add(&mut self, taxonomy: &Taxonomy, slug: &str) {
        let Some(entry) = taxonomy.entry(slug) else {
            return;
        };
        for term in
            std::iter::once(entry.label()).chain(entry.synonyms().iter().map(String::as_str))
        {
            let list = if is_code(term) {
                &mut self.codes
            } else {
                &mut self.words
            };
            if !list.iter().any(|t| t == term) {
                list.push(term.to_owned());
            }
        }
    }
}

impl VacancyDoc {
    /// The document for a vacancy, whatever its status (the filters leave
    /// out what is not open).
    pub fn build(vacancy: &Vacancy, taxonomy: &Taxonomy) -> Self {
        let job = &vacancy.details;
        let mut texts = EntryTexts::default();
        for slug in job
            .required_skills()
            .iter()
            .chain(job.desirable_skills())
            .chain(job.required_certificates())
        {
            texts.add(taxonomy, slug);
        }
        let (remote, geo, place) = match job.workplace() {
            Workplace::Remote => (true, None, "Remote".to_owned()),
            Workplace::OnSite(place) => (
                false,
                Some(GeoDoc {
                    lat: place.point().lat(),
                    lng: place.point().lon(),
                }),
                place.name().to_owned(),
            ),
        };
        let closing = job.closing_date();
        let mut doc = VacancyDoc {
            id: vacancy.id,
            employer_id: vacancy.employer_id,
            status: vacancy.status.as_str().to_owned(),
            closing_day: closing.map_or(FAR_FUTURE_DAY, day_number),
            rolling: closing.is_none(),
            start_day: job.start().date().map_or(ASAP_START_DAY, day_number),
            start_asap: job.start() == Start::Asap,
            sector: job.sector().to_owned(),
            remote,
            geo,
            hours_per_week: job.hours_per_week(),
            rotl_suitable: job.rotl_suitable(),
            needs_driving_licence: job.needs_driving_licence(),
            regulated_children: job.regulated_children(),
            regulated_adults: job.regulated_adults(),
            excluded_offences: job
                .offence_exclusions()
                .iter()
                .filter(|e| e.stance() == ExclusionStance::Excluded)
                .map(|e| e.category().as_str().to_owned())
                .collect(),
            required_certificates: slug::texts(job.required_certificates()),
            required_skills: slug::texts(job.required_skills()),
            title: job.title().to_owned(),
            skills_text: texts.words,
            certificate_codes: texts.codes,
            sector_label: taxonomy.sector_label(job.sector()).to_owned(),
            place,
            description: job.description().to_owned(),
            version: 0,
        };
        doc.version = content_version(&doc);
        doc
    }
}

/// A version of a document taken from its content: 52 bits of the SHA-256
/// of its JSON with `version` at 0 (52 bits, so the number is exact in any
/// engine that keeps numbers as doubles). A document built today from the
/// database differs from the indexed one exactly when the row changed, the
/// way documents are built changed, or (for a profile) the licence
/// conditions in force changed: convergence by content, not by counts or
/// timestamps.
pub fn content_version<T: Serialize>(doc: &T) -> i64 {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(doc).unwrap_or_default();
    let digest = Sha256::digest(&json);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first) & ((1_i64 << 52) - 1)
}

impl ProfileDoc {
    /// The document for a profile, with its licence conditions as in force
    /// on the day after `today` (see `can_drive`).
    pub fn build(profile: &Profile, taxonomy: &Taxonomy, today: NaiveDate) -> Self {
        let person = &profile.details;
        let mut texts = EntryTexts::default();
        for slug in person
            .skills()
            .iter()
            .map(|s| s.slug())
            .chain(person.certificates().iter().map(|c| c.slug()))
        {
            texts.add(taxonomy, slug);
        }
        let (no_fixed_abode, geo) = match person.release_area() {
            ReleaseArea::NoFixedAbode => (true, None),
            ReleaseArea::Place(place) => (
                false,
                Some(GeoDoc {
                    lat: place.point().lat(),
                    lng: place.point().lon(),
                }),
            ),
        };
        let reach = person
            .release_area()
            .place()
            .map(|place| ReachBox::around(place.point(), person.travel_radius_km()));
        let mut doc = ProfileDoc {
            id: profile.id,
            service_id: profile.service_id,
            right_to_work: person.right_to_work(),
            release_day: day_number(person.release_date()),
            rotl_eligible_day: person
                .rotl_eligible_from()
                .map_or(FAR_FUTURE_DAY, day_number),
            no_fixed_abode,
            geo,
            radius_km: person.travel_radius_km(),
            reach_south: reach.map(|b| b.south),
            reach_north: reach.map(|b| b.north),
            reach_west: reach.map(|b| b.west),
            reach_east: reach.map(|b| b.east),
            // As of the day after `today`: a ban still in force then was in
            // force today too, so the document stays a superset of what
            // `assess` accepts on both days, and a ban that ends today does
            // not hide the person between midnight and the daily pass that
            // re-indexes them.
            can_drive: person.driving_licence()
                && !person
                    .licence_conditions()
                    .as_of(today.succ_opt().unwrap_or(today))
                    .no_driving(),
            barred_children: person.barred_children(),
            barred_adults: person.barred_adults(),
            offence_categories: person
                .offence_categories()
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            certificates: person
                .certificates()
                .iter()
                .map(|c| c.slug().to_owned())
                .collect(),
            skills: person
                .skills()
                .iter()
                .map(|s| s.slug().to_owned())
                .collect(),
            sectors_of_interest: slug::texts(person.sectors_of_interest()),
            skills_text: texts.words,
            certificate_codes: texts.codes,
            work_history: person
                .work_history()
                .iter()
                .map(|w| w.role().to_owned())
                .collect(),
            sectors_text: person
                .sectors_of_interest()
                .iter()
                .map(|s| taxonomy.sector_label(s).to_owned())
                .collect(),
            version: 0,
        };
        doc.version = content_version(&doc);
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::ProfileDetails;
    use crate::domain::skills::tests::sample;
    use crate::domain::vacancy::tests::{date, valid_input};
    use crate::domain::vacancy::{VacancyDetails, VacancyStatus};

    fn vacancy() -> Vacancy {
        let mut input = valid_input();
        input.required_certificates = vec!["forklift-counterbalance".into()];
        input.offence_exclusions = vec![
            crate::domain::offence::OffenceExclusionInput {
                category: "arson".into(),
                stance: "excluded".into(),
                reason: "Flammable stock is stored on site.".into(),
            },
            crate::domain::offence::OffenceExclusionInput {
                category: "dishonesty".into(),
                stance: "case_by_case".into(),
                reason: "The role handles cash; we talk it through.".into(),
            },
        ];
        Vacancy {
            id: 7,
            employer_id: 3,
            status: VacancyStatus::Published,
            details: VacancyDetails::parse(&input, &sample()).unwrap(),
        }
    }

    #[test]
    fn day_numbers_count_from_the_unix_epoch() {
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        assert_eq!(day_number(date(1970, 1, 2)), 1);
        assert_eq!(day_number(date(1969, 12, 31)), -1);
        assert_eq!(day_number(date(2025, 5, 1)), 20_209);
        assert!(day_number(date(9999, 12, 31)) < FAR_FUTURE_DAY);
    }

    #[test]
    fn codes_are_told_from_words() {
        for code in ["FLT", "CPCS A09", "C+E", "12D", "HS&E", "B+E", "VNA"] {
            assert!(is_code(code), "{code}");
        }
        for words in [
            "fork lift",
            "Forklift truck (counterbalance)",
            "HGV class 2",
            "MiDAS",
            "18",
            "",
        ] {
            assert!(!is_code(words), "{words}");
        }
    }

    #[test]
    fn vacancy_document_carries_the_filter_facts() {
        let taxonomy = sample();
        let doc = VacancyDoc::build(&vacancy(), &taxonomy);
        assert_eq!(doc.id, 7);
        assert_eq!(doc.employer_id, 3);
        assert_eq!(doc.status, "published");
        assert_eq!(
            doc.excluded_offences,
            vec!["arson"],
            "case by case never excludes"
        );
        assert_eq!(doc.required_certificates, vec!["forklift-counterbalance"]);
        assert!(!doc.remote);
        let geo = doc.geo.unwrap();
        assert_eq!((geo.lat, geo.lng), (53.6833, -1.4977));
        assert_eq!(doc.place, "Wakefield");
        assert!(doc.certificate_codes.contains(&"FLT".to_owned()));
        assert!(doc.skills_text.contains(&"fork lift".to_owned()));
        assert!(doc
            .skills_text
            .contains(&"Forklift truck (counterbalance)".to_owned()));
        assert!(!doc.skills_text.contains(&"FLT".to_owned()));
        assert_eq!(doc.sector_label, "Warehousing and logistics");
        assert_eq!(doc.start_day, day_number(date(2025, 6, 2)));
        assert!(!doc.start_asap);
        assert!(!doc.rolling);
        assert_eq!(
            doc.closing_day,
            day_number(vacancy().details.closing_date().unwrap())
        );

        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(
            json["_geo"],
            serde_json::json!({"lat": 53.6833, "lng": -1.4977})
        );
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected: Vec<&str> = VACANCY_FIELDS.iter().map(|f| f.name).collect();
        let mut keys = keys;
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(
            keys, expected,
            "VACANCY_FIELDS lists exactly the JSON fields"
        );
    }

    #[test]
    fn remote_and_rolling_vacancies() {
        let taxonomy = sample();
        let mut input = valid_input();
        input.remote = true;
        input.closing_date = None;
        let job = Vacancy {
            id: 1,
            employer_id: 1,
            status: VacancyStatus::Draft,
            details: VacancyDetails::parse(&input, &taxonomy).unwrap(),
        };
        let doc = VacancyDoc::build(&job, &taxonomy);
        assert!(doc.remote && doc.geo.is_none() && doc.rolling);
        assert_eq!(doc.closing_day, FAR_FUTURE_DAY);
        assert_eq!(doc.status, "draft");
        assert!(serde_json::to_value(&doc).unwrap().get("_geo").is_none());
    }

    #[test]
    fn a_start_as_soon_as_possible_is_flagged() {
        let taxonomy = sample();
        let mut input = valid_input();
        input.start = Some("asap".into());
        input.start_date = None;
        let job = Vacancy {
            id: 1,
            employer_id: 1,
            status: VacancyStatus::Published,
            details: VacancyDetails::parse(&input, &taxonomy).unwrap(),
        };
        let doc = VacancyDoc::build(&job, &taxonomy);
        assert!(doc.start_asap);
        assert_eq!(doc.start_day, ASAP_START_DAY);
    }

    #[test]
    fn profile_document_carries_the_filter_facts() {
        let taxonomy = sample();
        let mut input = crate::domain::profile::tests::valid_input();
        input.driving_licence = true;
        input.no_driving = true;
        input.offence_categories = vec!["arson".into(), "violence".into()];
        input.barred_adults = true;
        input.rotl_eligible_from = Some(date(2025, 4, 1));
        let profile = Profile {
            id: 9,
            service_id: 4,
            officer_id: None,
            pseudonym: "Amber Fern 0009".into(),
            prison: None,
            details: ProfileDetails::parse(&input, &taxonomy).unwrap(),
        };
        let doc = ProfileDoc::build(&profile, &taxonomy, date(2025, 5, 1));
        assert_eq!((doc.id, doc.service_id), (9, 4));
        assert!(
            !doc.can_drive,
            "a no-driving condition overrides the licence"
        );
        // A ban that ended is not in force: the document lets driving jobs
        // through, as `assess` would.
        input.no_driving_until = Some(date(2025, 4, 30));
        let ended = Profile {
            details: ProfileDetails::parse(&input, &taxonomy).unwrap(),
            ..profile.clone()
        };
        assert!(ProfileDoc::build(&ended, &taxonomy, date(2025, 5, 1)).can_drive);
        // Built on its last day, the document already lets driving jobs
        // through (a superset: `assess` still refuses them that day), so
        // the person is not hidden between midnight and the daily pass.
        assert!(ProfileDoc::build(&ended, &taxonomy, date(2025, 4, 30)).can_drive);
        assert!(!ProfileDoc::build(&ended, &taxonomy, date(2025, 4, 29)).can_drive);
        assert!(doc.barred_adults && !doc.barred_children);
        assert_eq!(doc.offence_categories, vec!["arson", "violence"]);
        assert_eq!(doc.release_day, day_number(date(2025, 5, 20)));
        assert_eq!(doc.rotl_eligible_day, day_number(date(2025, 4, 1)));
        assert_eq!(doc.radius_km, 25.0);
        assert!(!doc.no_fixed_abode && doc.geo.is_some());
        let json = serde_json::to_value(&doc).unwrap();
        let text = json.to_string();
        assert!(!text.contains("Sam") && !text.contains("Jones"), "no names");
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected: Vec<&str> = PROFILE_FIELDS.iter().map(|f| f.name).collect();
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(
            keys, expected,
            "PROFILE_FIELDS lists exactly the JSON fields"
        );

        input.no_fixed_abode = true;
        input.rotl_eligible_from = None;
        let nfa = Profile {
            details: ProfileDetails::parse(&input, &taxonomy).unwrap(),
            ..profile
        };
        let doc = ProfileDoc::build(&nfa, &taxonomy, date(2025, 5, 1));
        assert!(doc.no_fixed_abode && doc.geo.is_none());
        assert_eq!(doc.rotl_eligible_day, FAR_FUTURE_DAY);
    }
}
