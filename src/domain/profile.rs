//! Skill profiles of people in custody or recently released: their skills,
//! circumstances and licence conditions, validated from form input.
//!
//! Offence categories, licence conditions and barred-list flags are held
//! here because matching needs them; they must never reach an employer.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::errors::FieldErrors;
use super::geo::{ExclusionZone, ExclusionZoneInput, Place, PlaceInput};
use super::licence::EndDates;
pub use super::licence::{Curfew, CurfewInput, LicenceConditions};
use super::offence::OffenceCategory;
use super::skills::Taxonomy;
use super::slug::{self, Slug};
use super::vacancy::{check_slugs, clean_list, parse_place};

slug_enum! {
    /// Where a skill was gained or shown.
    pub enum SkillSource("skill source") {
        /// A course taken in prison.
        PrisonCourse => "prison_course", "Prison course",
        /// Work done in prison.
        PrisonWork => "prison_work", "Prison work",
        /// A job before custody.
        PastJob => "past_job", "Past job",
        /// Said by the person, not yet evidenced.
        SelfDeclared => "self_declared", "Self-declared",
    }
}

slug_enum! {
    /// How ready the person is to start work.
    pub enum Readiness("readiness") {
        /// Not yet discussed.
        NotStarted => "not_started", "Not started",
        /// Wants work but needs support first.
        SupportNeeded => "support_needed", "Support needed",
        /// Offered support and declined it.
        SupportDeclined => "support_declined", "Support declined",
        /// Ready to work.
        ReadyToWork => "ready_to_work", "Ready to work",
        /// Has no right to work in the UK.
        NoRightToWork => "no_right_to_work", "No right to work",
    }
}

slug_enum! {
    /// Something to sort out before starting work.
    pub enum TodoKind("to-do kind") {
        /// Proof of identity.
        Id => "id", "Proof of identity",
        /// A bank account.
        BankAccount => "bank_account", "Bank account",
        /// A CV.
        Cv => "cv", "CV",
        /// A disclosure letter.
        DisclosureLetter => "disclosure_letter", "Disclosure letter",
        /// Somewhere to live.
        Housing => "housing", "Housing",
        /// Anything else (described in the note).
        Other => "other", "Other",
    }
}

slug_enum! {
    /// Gender, optional and used only for equality reporting.
    pub enum Gender("gender") {
        /// Female.
        Female => "female", "Female",
        /// Male.
        Male => "male", "Male",
        /// Non-binary.
        NonBinary => "non_binary", "Non-binary",
        /// Prefers not to say.
        PreferNotToSay => "prefer_not_to_say", "Prefer not to say",
    }
}

/// A skill the person has, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileSkill {
    slug: Slug,
    source: SkillSource,
}

impl ProfileSkill {
    /// Taxonomy slug.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    /// Where the skill came from.
    pub fn source(&self) -> SkillSource {
        self.source
    }
}

/// A certificate or licence the person holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldCertificate {
    slug: Slug,
    expires_on: Option<NaiveDate>,
    expected_on: Option<NaiveDate>,
}

impl HeldCertificate {
    /// Taxonomy slug.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    /// The last day it is valid; `None` when it does not expire.
    pub fn expires_on(&self) -> Option<NaiveDate> {
        self.expires_on
    }

    /// The day a certificate still being gained (a course in progress) is
    /// expected; `None` when it is held already.
    pub fn expected_on(&self) -> Option<NaiveDate> {
        self.expected_on
    }

    /// Whether it is held and still valid on `day`: from its expected day
    /// (when it is still being gained) up to and including its expiry date.
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.expected_on.is_none_or(|expected| expected <= day)
            && self.expires_on.is_none_or(|expiry| expiry >= day)
    }
}

/// A past job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkHistoryEntry {
    role: String,
    employer_name: String,
    sector: Option<Slug>,
    from_year: i32,
    to_year: Option<i32>,
}

impl WorkHistoryEntry {
    /// The job title or role.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// The employer's name; may be empty.
    pub fn employer_name(&self) -> &str {
        &self.employer_name
    }

    /// Sector slug, when known.
    pub fn sector(&self) -> Option<&str> {
        self.sector.as_deref()
    }

    /// First year in the job.
    pub fn from_year(&self) -> i32 {
        self.from_year
    }

    /// Last year in the job; `None` when it has not ended.
    pub fn to_year(&self) -> Option<i32> {
        self.to_year
    }
}

/// Where the person will live on release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReleaseArea {
    /// A known place.
    Place(Place),
    /// No fixed abode: distances cannot be worked out.
    NoFixedAbode,
}

impl ReleaseArea {
    /// The place, when there is one.
    pub fn place(&self) -> Option<&Place> {
        match self {
            ReleaseArea::Place(place) => Some(place),
            ReleaseArea::NoFixedAbode => None,
        }
    }
}

/// A to-do before starting work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Todo {
    kind: TodoKind,
    note: String,
    done: bool,
}

impl Todo {
    /// What needs sorting out.
    pub fn kind(&self) -> TodoKind {
        self.kind
    }

    /// The officer's note; may be empty except for `Other`.
    pub fn note(&self) -> &str {
        &self.note
    }

    /// Whether it is done.
    pub fn done(&self) -> bool {
        self.done
    }
}

/// The range of hours a week the person would like to work.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HoursPreference {
    min: f64,
    max: f64,
}

/// Most hours a week a preference may state.
pub const MAX_PREFERRED_HOURS: f64 = 60.0;

impl HoursPreference {
    /// Both ends from 1 to 60 hours, the fewest not above the most. Errors use
    /// the fields `preferred_hours_min` and `preferred_hours_max`.
    pub fn parse(min: f64, max: f64) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let in_range =
            |hours: f64| hours.is_finite() && (1.0..=MAX_PREFERRED_HOURS).contains(&hours);
        if !in_range(min) {
            errors.add(
                "preferred_hours_min",
                "Enter the fewest hours a week, from 1 to 60",
            );
        }
        if !in_range(max) {
            errors.add(
                "preferred_hours_max",
                "Enter the most hours a week, from 1 to 60",
            );
        }
        if errors.is_empty() && min > max {
            errors.add(
                "preferred_hours_max",
                "Enter most hours that are the same as or more than the fewest hours",
            );
        }
        errors.into_result(Self { min, max })
    }

    /// The fewest hours a week.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// The most hours a week.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// How many hours `hours` lies outside the range (0 when inside).
    pub fn gap(&self, hours: f64) -> f64 {
        if hours < self.min {
            self.min - hours
        } else if hours > self.max {
            hours - self.max
        } else {
            0.0
        }
    }
}

/// A skill as typed on a form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct ProfileSkillInput {
    /// Taxonomy slug.
    pub slug: String,
    /// Skill source slug.
    pub source: String,
}

/// A held certificate as typed on a form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct CertificateInput {
    /// Taxonomy slug of a certificate.
    pub slug: String,
    /// Last valid day, if it expires.
    pub expires_on: Option<NaiveDate>,
    /// The day it is expected to be gained, when it is still being gained
    /// (a course in progress); it counts only from that day.
    pub expected_on: Option<NaiveDate>,
}

/// A past job as typed on a form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct WorkHistoryInput {
    /// Job title or role.
    #[validate(length(
        min = 1,
        max = 120,
        message = "Enter the job title, using no more than 120 characters"
    ))]
    pub role: String,
    /// Employer name (may be left blank).
    #[validate(length(
        max = 120,
        message = "Enter the employer's name using no more than 120 characters"
    ))]
    pub employer_name: String,
    /// Sector slug, or blank.
    pub sector: String,
    /// First year.
    #[validate(range(
        min = 1950,
        max = 2100,
        message = "Enter the year the job started, like 2019"
    ))]
    pub from_year: i32,
    /// Last year, or none if it has not ended.
    pub to_year: Option<i32>,
}

/// A to-do as typed on a form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct TodoInput {
    /// To-do kind slug.
    pub kind: String,
    /// Note.
    #[validate(length(max = 500, message = "Enter a note of no more than 500 characters"))]
    pub note: String,
    /// Whether it is done.
    pub done: bool,
}

/// A profile as a form or JSON body carries it, after the web layer has
/// looked up the release area's coordinates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct ProfileInput {
    /// Given name.
    #[validate(length(
        min = 1,
        max = 80,
        message = "Enter the given name, using no more than 80 characters"
    ))]
    pub given_name: String,
    /// Family name.
    #[validate(length(
        min = 1,
        max = 80,
        message = "Enter the family name, using no more than 80 characters"
    ))]
    pub family_name: String,
    /// Prison number or similar reference (upper-cased when parsed).
    #[validate(length(
        min = 1,
        max = 20,
        message = "Enter the prison number, using no more than 20 characters"
    ))]
    pub reference: String,
    /// Release date.
    pub release_date: Option<NaiveDate>,
    /// No fixed abode on release; `release_area` is then ignored.
    pub no_fixed_abode: bool,
    /// Where the person will live.
    #[validate(nested)]
    pub release_area: Option<PlaceInput>,
    /// How far the person can travel to work, in km.
    #[validate(range(
        min = 0.0,
        max = 200.0,
        message = "Enter how far the person can travel, from 0 to 200 km"
    ))]
    pub travel_radius_km: f64,
    /// Skills.
    #[validate(length(max = 50, message = "List no more than 50 skills"), nested)]
    pub skills: Vec<ProfileSkillInput>,
    /// Certificates and licences held.
    #[validate(
        length(max = 30, message = "List no more than 30 certificates"),
        nested
    )]
    pub certificates: Vec<CertificateInput>,
    /// Past jobs.
    #[validate(length(max = 20, message = "List no more than 20 past jobs"), nested)]
    pub work_history: Vec<WorkHistoryInput>,
    /// Sector slugs the person is interested in.
    pub sectors_of_interest: Vec<String>,
    /// Fewest hours a week wanted (give both or neither).
    pub preferred_hours_min: Option<f64>,
    /// Most hours a week wanted (give both or neither).
    pub preferred_hours_max: Option<f64>,
    /// Has the right to work in the UK.
    pub right_to_work: bool,
    /// Holds a driving licence.
    pub driving_licence: bool,
    /// First day the person may work on day release.
    pub rotl_eligible_from: Option<NaiveDate>,
    /// How far from the prison the person may travel on day release, in
    /// km; absent means the ordinary travel radius.
    pub rotl_travel_km: Option<f64>,
    /// The last day of the licence period, if known: no condition applies
    /// after it.
    pub licence_ends_on: Option<NaiveDate>,
    /// Curfews, each with an optional last day.
    #[validate(length(max = 14, message = "List no more than 14 curfews"), nested)]
    pub curfews: Vec<CurfewInput>,
    /// Exclusion zones.
    #[validate(
        length(max = 20, message = "List no more than 20 exclusion zones"),
        nested
    )]
    pub exclusion_zones: Vec<ExclusionZoneInput>,
    /// Licence forbids driving.
    pub no_driving: bool,
    /// The driving ban's last day, if it ends before the licence does
    /// (ignored without `no_driving`).
    pub no_driving_until: Option<NaiveDate>,
    /// Any other licence condition.
    #[validate(length(
        max = 1000,
        message = "Describe other conditions in no more than 1,000 characters"
    ))]
    pub other_conditions: String,
    /// Offence category slugs.
    pub offence_categories: Vec<String>,
    /// Barred from regulated activity with children.
    pub barred_children: bool,
    /// Barred from regulated activity with vulnerable adults.
    pub barred_adults: bool,
    /// Readiness slug.
    pub readiness: String,
    /// To-dos.
    #[validate(length(max = 30, message = "List no more than 30 to-dos"), nested)]
    pub todos: Vec<TodoInput>,
    /// Agrees to an employer seeing their name before an offer.
    pub consent_to_share_name: bool,
    /// Gender slug, or blank.
    pub gender: String,
    /// Languages spoken.
    #[validate(length(max = 10, message = "List no more than 10 languages"))]
    pub languages: Vec<String>,
}

/// Input fields in form order, for sorting error summaries.
pub const PROFILE_FIELDS: &[&str] = &[
    "given_name",
    "family_name",
    "reference",
    "release_date",
    "no_fixed_abode",
    "release_area",
    "travel_radius_km",
    "skills",
    "certificates",
    "work_history",
    "sectors_of_interest",
    "preferred_hours_min",
    "preferred_hours_max",
    "right_to_work",
    "driving_licence",
    "rotl_eligible_from",
    "rotl_travel_km",
    "licence_ends_on",
    "curfews",
    "exclusion_zones",
    "no_driving",
    "no_driving_until",
    "other_conditions",
    "offence_categories",
    "barred_children",
    "barred_adults",
    "readiness",
    "todos",
    "consent_to_share_name",
    "gender",
    "languages",
];

/// The fields of the offence, licence and barred sections: edited on their
/// own page, whose every view is audited, and never shown elsewhere.
pub const RESTRICTED_FIELDS: &[&str] = &[
    "licence_ends_on",
    "curfews",
    "exclusion_zones",
    "no_driving",
    "no_driving_until",
    "other_conditions",
    "offence_categories",
    "barred_children",
    "barred_adults",
];

/// The offence, licence and barred sections of a profile's input: what
/// the restricted editor and `/api/v1/profiles/{id}/restricted` read and
/// write, and nothing else.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RestrictedInput {
    pub licence_ends_on: Option<NaiveDate>,
    pub curfews: Vec<CurfewInput>,
    pub exclusion_zones: Vec<ExclusionZoneInput>,
    pub no_driving: bool,
    pub no_driving_until: Option<NaiveDate>,
    pub other_conditions: String,
    pub offence_categories: Vec<String>,
    pub barred_children: bool,
    pub barred_adults: bool,
}

impl RestrictedInput {
    /// The restricted sections of `input`.
    pub fn of(input: &ProfileInput) -> Self {
        Self {
            licence_ends_on: input.licence_ends_on,
            curfews: input.curfews.clone(),
            exclusion_zones: input.exclusion_zones.clone(),
            no_driving: input.no_driving,
            no_driving_until: input.no_driving_until,
            other_conditions: input.other_conditions.clone(),
            offence_categories: input.offence_categories.clone(),
            barred_children: input.barred_children,
            barred_adults: input.barred_adults,
        }
    }

    /// `input` with these restricted sections in place of its own (the
    /// other fields untouched).
    pub fn applied_to(self, mut input: ProfileInput) -> ProfileInput {
        input.licence_ends_on = self.licence_ends_on;
        input.curfews = self.curfews;
        input.exclusion_zones = self.exclusion_zones;
        input.no_driving = self.no_driving;
        input.no_driving_until = self.no_driving_until;
        input.other_conditions = self.other_conditions;
        input.offence_categories = self.offence_categories;
        input.barred_children = self.barred_children;
        input.barred_adults = self.barred_adults;
        input
    }
}

/// Whether an error key (such as `curfews[1].start`) belongs to a
/// restricted section.
pub fn is_restricted_field(key: &str) -> bool {
    let head = key.split(['[', '.']).next().unwrap_or(key);
    RESTRICTED_FIELDS.contains(&head)
}

/// Lists the store keeps as sets and reads back sorted: their order is no
/// change.
const UNORDERED: [&str; 5] = [
    "skills",
    "certificates",
    "sectors_of_interest",
    "languages",
    "offence_categories",
];

/// A profile's fields as JSON values by name, the unordered lists sorted.
fn comparable(details: &ProfileDetails) -> serde_json::Map<String, serde_json::Value> {
    let mut fields = match serde_json::to_value(details.to_input()) {
        Ok(serde_json::Value::Object(fields)) => fields,
        _ => serde_json::Map::new(),
    };
    for name in UNORDERED {
        if let Some(serde_json::Value::Array(items)) = fields.get_mut(name) {
            items.sort_by_key(|item| item.to_string());
        }
    }
    fields
}

/// The fields that differ between two versions of a profile, in form order.
pub fn changed_fields(old: &ProfileDetails, new: &ProfileDetails) -> Vec<&'static str> {
    let (old, new) = (comparable(old), comparable(new));
    PROFILE_FIELDS
        .iter()
        .copied()
        .filter(|field| old.get(*field) != new.get(*field))
        .collect()
}

/// What a correction changed, for its audit row (as JSON): each general
/// field's value before and after, and only the fact that the offence,
/// licence or barred sections changed, never their values. None when
/// nothing changed.
pub fn rectification(old: &ProfileDetails, new: &ProfileDetails) -> Option<String> {
    rectification_json(old, new).map(|detail| detail.to_string())
}

/// A correction that came another way (a CSV import, say): the same as
/// [`rectification`], saying `via` what.
pub fn rectification_via(old: &ProfileDetails, new: &ProfileDetails, via: &str) -> Option<String> {
    rectification_json(old, new).map(|mut detail| {
        detail["via"] = serde_json::Value::from(via);
        detail.to_string()
    })
}

fn rectification_json(old: &ProfileDetails, new: &ProfileDetails) -> Option<serde_json::Value> {
    let changed = changed_fields(old, new);
    if changed.is_empty() {
        return None;
    }
    let (before, after) = (comparable(old), comparable(new));
    let general: serde_json::Map<String, serde_json::Value> = changed
        .iter()
        .filter(|f| !is_restricted_field(f))
        .map(|f| {
            let pair = serde_json::json!({ "before": before.get(*f), "after": after.get(*f) });
            (f.to_string(), pair)
        })
        .collect();
    let restricted = changed.iter().any(|f| is_restricted_field(f));
    Some(serde_json::json!({ "changed": general, "restricted_changed": restricted }))
}

/// Longest language name accepted.
pub const LANGUAGE_MAX_CHARS: usize = 60;

/// The validated content of a skill profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileDetails {
    given_name: String,
    family_name: String,
    reference: String,
    release_date: NaiveDate,
    release_area: ReleaseArea,
    travel_radius_km: f64,
    skills: Vec<ProfileSkill>,
    certificates: Vec<HeldCertificate>,
    work_history: Vec<WorkHistoryEntry>,
    sectors_of_interest: Vec<Slug>,
    preferred_hours: Option<HoursPreference>,
    right_to_work: bool,
    driving_licence: bool,
    rotl_eligible_from: Option<NaiveDate>,
    rotl_travel_km: Option<f64>,
    licence_conditions: LicenceConditions,
    offence_categories: Vec<OffenceCategory>,
    barred_children: bool,
    barred_adults: bool,
    readiness: Readiness,
    todos: Vec<Todo>,
    consent_to_share_name: bool,
    gender: Option<Gender>,
    languages: Vec<String>,
}

impl ProfileDetails {
    /// Checks every field and every rule between fields, reporting all
    /// problems at once (in form order) with messages for the officer.
    ///
    /// Text is trimmed, the reference upper-cased, blank list items dropped
    /// and the release area ignored for no fixed abode. Skills may be any
    /// taxonomy entry; certificates must be certificates.
    pub fn parse(raw: &ProfileInput, taxonomy: &Taxonomy) -> Result<Self, FieldErrors> {
        let input = normalise(raw);
        let mut errors = match input.validate() {
            Ok(()) => FieldErrors::new(),
            Err(validation) => FieldErrors::from_validation(&validation),
        };
        check_no_nul(&mut errors, &input);
        let release_area = parse_release(&mut errors, &input);
        let skills = parse_skills(&mut errors, &input.skills, taxonomy);
        let certificates = parse_certificates(&mut errors, &input.certificates, taxonomy);
        let work_history = parse_work_history(&mut errors, &input.work_history, taxonomy);
        check_slugs(
            &mut errors,
            "sectors_of_interest",
            &input.sectors_of_interest,
            taxonomy,
            |slug| taxonomy.is_known_sector(slug),
            "Choose sectors from the list",
        );
        let preferred_hours = parse_preferred_hours(&mut errors, &input);
        check_rotl_date(&mut errors, &input);
        check_rotl_travel(&mut errors, &input);
        let curfews = errors.parse_each("curfews", &input.curfews, Curfew::parse);
        let exclusion_zones = errors.parse_each(
            "exclusion_zones",
            &input.exclusion_zones,
            ExclusionZone::parse,
        );
        check_end_dates(&mut errors, &input);
        let offence_categories = parse_offence_categories(&mut errors, &input.offence_categories);
        let readiness = parse_readiness(&mut errors, &input);
        let todos = parse_todos(&mut errors, &input.todos);
        let gender = parse_gender(&mut errors, &input.gender);
        check_languages(&mut errors, &input.languages);

        let (Some(release_date), Some(release_area), Some(readiness)) =
            (input.release_date, release_area, readiness)
        else {
            errors.sort_by_form_order(PROFILE_FIELDS);
            return Err(errors);
        };
        if !errors.is_empty() {
            errors.sort_by_form_order(PROFILE_FIELDS);
            return Err(errors);
        }
        let other = (!input.other_conditions.is_empty()).then_some(input.other_conditions);
        Ok(Self {
            given_name: input.given_name,
            family_name: input.family_name,
            reference: input.reference,
            release_date,
            release_area,
            travel_radius_km: input.travel_radius_km,
            skills,
            certificates,
            work_history,
            sectors_of_interest: slug::shared(&input.sectors_of_interest),
            preferred_hours,
            right_to_work: input.right_to_work,
            driving_licence: input.driving_licence,
            rotl_eligible_from: input.rotl_eligible_from,
            rotl_travel_km: input.rotl_travel_km,
            licence_conditions: LicenceConditions {
                curfews,
                exclusion_zones,
                no_driving: input.no_driving,
                no_driving_until: input.no_driving_until,
                other,
                licence_ends_on: input.licence_ends_on,
            },
            offence_categories,
            barred_children: input.barred_children,
            barred_adults: input.barred_adults,
            readiness,
            todos,
            consent_to_share_name: input.consent_to_share_name,
            gender,
            languages: input.languages,
        })
    }

    /// The input that parses back to these details.
    pub fn to_input(&self) -> ProfileInput {
        let conditions = &self.licence_conditions;
        ProfileInput {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            reference: self.reference.clone(),
            release_date: Some(self.release_date),
            no_fixed_abode: self.release_area == ReleaseArea::NoFixedAbode,
            release_area: self.release_area.place().map(Place::to_input),
            travel_radius_km: self.travel_radius_km,
            skills: self
                .skills
                .iter()
                .map(|skill| ProfileSkillInput {
                    slug: skill.slug.to_string(),
                    source: skill.source.as_str().to_owned(),
                })
                .collect(),
            certificates: self
                .certificates
                .iter()
                .map(|certificate| CertificateInput {
                    slug: certificate.slug.to_string(),
                    expires_on: certificate.expires_on,
                    expected_on: certificate.expected_on,
                })
                .collect(),
            work_history: self.work_history.iter().map(work_history_input).collect(),
            sectors_of_interest: slug::texts(&self.sectors_of_interest),
            preferred_hours_min: self.preferred_hours.map(|hours| hours.min),
            preferred_hours_max: self.preferred_hours.map(|hours| hours.max),
            right_to_work: self.right_to_work,
            driving_licence: self.driving_licence,
            rotl_eligible_from: self.rotl_eligible_from,
            rotl_travel_km: self.rotl_travel_km,
            licence_ends_on: conditions.licence_ends_on,
            curfews: conditions.curfews.iter().map(Curfew::to_input).collect(),
            exclusion_zones: conditions
                .exclusion_zones
                .iter()
                .map(ExclusionZone::to_input)
                .collect(),
            no_driving: conditions.no_driving,
            no_driving_until: conditions.no_driving_until,
            other_conditions: conditions.other.clone().unwrap_or_default(),
            offence_categories: self
                .offence_categories
                .iter()
                .map(|category| category.as_str().to_owned())
                .collect(),
            barred_children: self.barred_children,
            barred_adults: self.barred_adults,
            readiness: self.readiness.as_str().to_owned(),
            todos: self.todos.iter().map(todo_input).collect(),
            consent_to_share_name: self.consent_to_share_name,
            gender: self
                .gender
                .map(|gender| gender.as_str().to_owned())
                .unwrap_or_default(),
            languages: self.languages.clone(),
        }
    }

    /// These details with the offence, licence and barred sections of
    /// `other`: an edit that does not touch those sections keeps them as
    /// stored. No rule links those sections to the rest, so the result is as
    /// valid as both halves.
    pub fn with_restricted_of(&self, other: &ProfileDetails) -> ProfileDetails {
        ProfileDetails {
            licence_conditions: other.licence_conditions.clone(),
            offence_categories: other.offence_categories.clone(),
            barred_children: other.barred_children,
            barred_adults: other.barred_adults,
            ..self.clone()
        }
    }

    /// These details with `other`'s day-release travel limit (an import
    /// whose file has no such column keeps the one held).
    pub fn with_rotl_travel_of(&self, other: &ProfileDetails) -> ProfileDetails {
        ProfileDetails {
            rotl_travel_km: other.rotl_travel_km,
            ..self.clone()
        }
    }

    /// These details with other licence conditions, unchecked (for tests
    /// of conditions the parser would refuse).
    #[cfg(test)]
    pub(crate) fn with_licence_conditions(self, licence_conditions: LicenceConditions) -> Self {
        Self {
            licence_conditions,
            ..self
        }
    }

    /// Given name.
    pub fn given_name(&self) -> &str {
        &self.given_name
    }

    /// Family name.
    pub fn family_name(&self) -> &str {
        &self.family_name
    }

    /// Prison number or similar reference, upper case.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// Release date.
    pub fn release_date(&self) -> NaiveDate {
        self.release_date
    }

    /// Where the person will live on release.
    pub fn release_area(&self) -> &ReleaseArea {
        &self.release_area
    }

    /// How far the person can travel to work, in km.
    pub fn travel_radius_km(&self) -> f64 {
        self.travel_radius_km
    }

    /// Skills with their sources.
    pub fn skills(&self) -> &[ProfileSkill] {
        &self.skills
    }

    /// Whether the person has the skill (by slug).
    pub fn has_skill(&self, slug: &str) -> bool {
        self.skills.iter().any(|skill| skill.slug == slug)
    }

    /// Certificates and licences held.
    pub fn certificates(&self) -> &[HeldCertificate] {
        &self.certificates
    }

    /// The held certificate with this slug.
    pub fn certificate(&self, slug: &str) -> Option<&HeldCertificate> {
        self.certificates
            .iter()
            .find(|certificate| certificate.slug == slug)
    }

    /// Past jobs.
    pub fn work_history(&self) -> &[WorkHistoryEntry] {
        &self.work_history
    }

    /// Sector slugs of interest; empty when none were stated.
    pub fn sectors_of_interest(&self) -> &[Slug] {
        &self.sectors_of_interest
    }

    /// Preferred hours a week, if stated.
    pub fn preferred_hours(&self) -> Option<HoursPreference> {
        self.preferred_hours
    }

    /// Has the right to work in the UK.
    pub fn right_to_work(&self) -> bool {
        self.right_to_work
    }

    /// Holds a driving licence.
    pub fn driving_licence(&self) -> bool {
        self.driving_licence
    }

    /// First day the person may work on day release, if eligible at all.
    pub fn rotl_eligible_from(&self) -> Option<NaiveDate> {
        self.rotl_eligible_from
    }

    /// How far from the prison the person may travel on day release, as
    /// recorded; `None` when not recorded.
    pub fn rotl_travel_km(&self) -> Option<f64> {
        self.rotl_travel_km
    }

    /// The limit the day release travel rule uses: the recorded ROTL
    /// travel limit, or else the ordinary travel radius (measured from the
    /// prison rather than the release area).
    pub fn rotl_travel_limit_km(&self) -> f64 {
        self.rotl_travel_km.unwrap_or(self.travel_radius_km)
    }

    /// Licence conditions.
    pub fn licence_conditions(&self) -> &LicenceConditions {
        &self.licence_conditions
    }

    /// Coarse offence categories.
    pub fn offence_categories(&self) -> &[OffenceCategory] {
        &self.offence_categories
    }

    /// Barred from regulated activity with children.
    pub fn barred_children(&self) -> bool {
        self.barred_children
    }

    /// Barred from regulated activity with vulnerable adults.
    pub fn barred_adults(&self) -> bool {
        self.barred_adults
    }

    /// Readiness to work.
    pub fn readiness(&self) -> Readiness {
        self.readiness
    }

    /// To-dos before starting work.
    pub fn todos(&self) -> &[Todo] {
        &self.todos
    }

    /// Agrees to an employer seeing their name before an offer.
    pub fn consent_to_share_name(&self) -> bool {
        self.consent_to_share_name
    }

    /// Gender, if given (equality reporting only).
    pub fn gender(&self) -> Option<Gender> {
        self.gender
    }

    /// Languages spoken.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }
}

/// The prison number, the release date, where the person will live and how
/// far they can travel.
fn parse_release(errors: &mut FieldErrors, input: &ProfileInput) -> Option<ReleaseArea> {
    if !input
        .reference
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        errors.add(
            "reference",
            "Enter the prison number using letters and numbers only, like A1234BC",
        );
    }
    if input.release_date.is_none() {
        errors.add("release_date", "Enter the release date");
    }
    let release_area = if input.no_fixed_abode {
        Some(ReleaseArea::NoFixedAbode)
    } else {
        parse_place(
            errors,
            "release_area",
            input.release_area.as_ref(),
            "Enter where the person will live, or say they have no fixed abode",
        )
        .map(ReleaseArea::Place)
    };
    if !input.travel_radius_km.is_finite() {
        errors.add(
            "travel_radius_km",
            "Enter how far the person can travel, from 0 to 200 km",
        );
    }
    release_area
}

/// The hours a week the person would like, both ends or neither.
fn parse_preferred_hours(
    errors: &mut FieldErrors,
    input: &ProfileInput,
) -> Option<HoursPreference> {
    match (input.preferred_hours_min, input.preferred_hours_max) {
        (None, None) => None,
        (Some(min), Some(max)) => match HoursPreference::parse(min, max) {
            Ok(hours) => Some(hours),
            Err(hours_errors) => {
                errors.absorb("", hours_errors);
                None
            }
        },
        (None, Some(_)) => {
            errors.add(
                "preferred_hours_min",
                "Enter the fewest hours a week as well as the most",
            );
            None
        }
        (Some(_), None) => {
            errors.add(
                "preferred_hours_max",
                "Enter the most hours a week as well as the fewest",
            );
            None
        }
    }
}

/// A day release travel limit, when given, is 0 to 200 km like the
/// travel radius.
fn check_rotl_travel(errors: &mut FieldErrors, input: &ProfileInput) {
    if let Some(km) = input.rotl_travel_km {
        if !(km.is_finite() && (0.0..=200.0).contains(&km)) {
            errors.add(
                "rotl_travel_km",
                "Enter how far the person can travel on day release, from 0 to 200 km, or leave it blank",
            );
        }
    }
}

/// Day release (ROTL) cannot begin after release.
fn check_rotl_date(errors: &mut FieldErrors, input: &ProfileInput) {
    if let (Some(rotl), Some(release)) = (input.rotl_eligible_from, input.release_date) {
        if rotl > release {
            errors.add(
                "rotl_eligible_from",
                "Enter a day release (ROTL) date that is on or before the release date",
            );
        }
    }
}

/// The licence's end dates: real dates, none after the licence ends.
fn check_end_dates(errors: &mut FieldErrors, input: &ProfileInput) {
    EndDates {
        licence: input.licence_ends_on,
        no_driving: input.no_driving_until,
        curfews: &input.curfews,
        zones: &input.exclusion_zones,
    }
    .check(errors);
}

/// The person's offence categories, each from the list and listed once.
fn parse_offence_categories(errors: &mut FieldErrors, slugs: &[String]) -> Vec<OffenceCategory> {
    let mut offence_categories = Vec::with_capacity(slugs.len());
    for slug in slugs {
        match OffenceCategory::parse(slug) {
            Ok(category) if offence_categories.contains(&category) => errors.add(
                "offence_categories",
                format!("{} is listed more than once", category.label()),
            ),
            Ok(category) => offence_categories.push(category),
            Err(_) => errors.add(
                "offence_categories",
                "Choose offence categories from the list",
            ),
        }
    }
    offence_categories
}

/// How ready the person is to work, which needs the right to work.
fn parse_readiness(errors: &mut FieldErrors, input: &ProfileInput) -> Option<Readiness> {
    let readiness = Readiness::parse(&input.readiness).ok();
    match readiness {
        None => errors.add("readiness", "Choose how ready the person is to work"),
        Some(Readiness::ReadyToWork) if !input.right_to_work => errors.add(
            "readiness",
            "A person without the right to work cannot be ready to work. \
             Choose another answer, or check the right to work answer",
        ),
        Some(_) => {}
    }
    readiness
}

/// The gender, which may be left blank.
fn parse_gender(errors: &mut FieldErrors, gender: &str) -> Option<Gender> {
    if gender.is_empty() {
        return None;
    }
    let parsed = Gender::parse(gender).ok();
    if parsed.is_none() {
        errors.add(
            "gender",
            "Choose an answer from the list, or leave it blank",
        );
    }
    parsed
}

/// Languages are short and each listed once (ignoring case).
fn check_languages(errors: &mut FieldErrors, languages: &[String]) {
    let mut seen_languages = HashSet::new();
    for language in languages {
        if language.chars().count() > LANGUAGE_MAX_CHARS {
            errors.add(
                "languages",
                "Enter each language using no more than 60 characters",
            );
        } else if !seen_languages.insert(language.to_lowercase()) {
            errors.add("languages", format!("{language} is listed more than once"));
        }
    }
}

/// The input that parses back to a past job.
fn work_history_input(job: &WorkHistoryEntry) -> WorkHistoryInput {
    WorkHistoryInput {
        role: job.role.clone(),
        employer_name: job.employer_name.clone(),
        sector: job.sector.as_ref().map(Slug::to_string).unwrap_or_default(),
        from_year: job.from_year,
        to_year: job.to_year,
    }
}

/// The input that parses back to a to-do.
fn todo_input(todo: &Todo) -> TodoInput {
    TodoInput {
        kind: todo.kind.as_str().to_owned(),
        note: todo.note.clone(),
        done: todo.done,
    }
}

/// Free text with a NUL character is refused: no database keeps one in
/// text (PostgreSQL refuses the row), and nobody types it.
fn check_no_nul(errors: &mut FieldErrors, input: &ProfileInput) {
    let mut texts: Vec<(String, &str)> = vec![
        ("given_name".into(), &input.given_name),
        ("family_name".into(), &input.family_name),
        ("reference".into(), &input.reference),
        ("other_conditions".into(), &input.other_conditions),
    ];
    if let Some(place) = &input.release_area {
        texts.push(("release_area.name".into(), &place.name));
    }
    for (i, zone) in input.exclusion_zones.iter().enumerate() {
        texts.push((format!("exclusion_zones[{i}].name"), &zone.name));
    }
    for (i, job) in input.work_history.iter().enumerate() {
        texts.push((format!("work_history[{i}].role"), &job.role));
        texts.push((
            format!("work_history[{i}].employer_name"),
            &job.employer_name,
        ));
    }
    for (i, todo) in input.todos.iter().enumerate() {
        texts.push((format!("todos[{i}].note"), &todo.note));
    }
    for (i, language) in input.languages.iter().enumerate() {
        texts.push((format!("languages[{i}]"), language));
    }
    for (field, text) in texts {
        if text.contains('\0') {
            errors.add(field, "Remove the null character (\\0) from this text");
        }
    }
}

/// A prison number as it is stored and looked up: trimmed, in capitals.
pub fn normal_reference(raw: &str) -> String {
    raw.trim().to_uppercase()
}

fn normalise(raw: &ProfileInput) -> ProfileInput {
    let mut input = raw.clone();
    for text in [
        &mut input.given_name,
        &mut input.family_name,
        &mut input.other_conditions,
        &mut input.readiness,
        &mut input.gender,
    ] {
        *text = text.trim().to_owned();
    }
    input.reference = normal_reference(&input.reference);
    input.sectors_of_interest = clean_list(&input.sectors_of_interest);
    input.offence_categories = clean_list(&input.offence_categories);
    input.languages = clean_list(&input.languages);
    input.skills.retain(|skill| !skill.slug.trim().is_empty());
    for skill in &mut input.skills {
        skill.slug = skill.slug.trim().to_owned();
        skill.source = skill.source.trim().to_owned();
    }
    input
        .certificates
        .retain(|certificate| !certificate.slug.trim().is_empty());
    for certificate in &mut input.certificates {
        certificate.slug = certificate.slug.trim().to_owned();
    }
    for job in &mut input.work_history {
        job.role = job.role.trim().to_owned();
        job.employer_name = job.employer_name.trim().to_owned();
        job.sector = job.sector.trim().to_owned();
    }
    for todo in &mut input.todos {
        todo.kind = todo.kind.trim().to_owned();
        todo.note = todo.note.trim().to_owned();
    }
    if input.no_fixed_abode {
        input.release_area = None;
    }
    if !input.no_driving {
        input.no_driving_until = None;
    }
    if let Some(place) = &mut input.release_area {
        place.name = place.name.trim().to_owned();
    }
    input
}

fn parse_skills(
    errors: &mut FieldErrors,
    inputs: &[ProfileSkillInput],
    taxonomy: &Taxonomy,
) -> Vec<ProfileSkill> {
    let mut skills: Vec<ProfileSkill> = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let source = SkillSource::parse(&input.source).ok();
        if source.is_none() {
            errors.add(
                format!("skills[{i}].source"),
                "Choose where the skill came from",
            );
        }
        if !taxonomy.is_known_entry(&input.slug) {
            errors.add(format!("skills[{i}].slug"), "Choose a skill from the list");
        } else if skills.iter().any(|skill| skill.slug == input.slug) {
            errors.add(
                format!("skills[{i}].slug"),
                format!("{} is listed more than once", taxonomy.label(&input.slug)),
            );
        } else if let Some(source) = source {
            skills.push(ProfileSkill {
                slug: Slug::new(&input.slug),
                source,
            });
        }
    }
    skills
}

fn parse_certificates(
    errors: &mut FieldErrors,
    inputs: &[CertificateInput],
    taxonomy: &Taxonomy,
) -> Vec<HeldCertificate> {
    let mut certificates: Vec<HeldCertificate> = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        if !taxonomy.is_known_certificate(&input.slug) {
            errors.add(
                format!("certificates[{i}].slug"),
                "Choose a certificate from the list",
            );
        } else if certificates.iter().any(|held| held.slug == input.slug) {
            errors.add(
                format!("certificates[{i}].slug"),
                format!("{} is listed more than once", taxonomy.label(&input.slug)),
            );
        } else if input
            .expected_on
            .zip(input.expires_on)
            .is_some_and(|(expected, expires)| expected >= expires)
        {
            errors.add(
                format!("certificates[{i}].expected_on"),
                "The date it is expected must be before the date it expires",
            );
        } else {
            certificates.push(HeldCertificate {
                slug: Slug::new(&input.slug),
                expires_on: input.expires_on,
                expected_on: input.expected_on,
            });
        }
    }
    certificates
}

fn parse_work_history(
    errors: &mut FieldErrors,
    inputs: &[WorkHistoryInput],
    taxonomy: &Taxonomy,
) -> Vec<WorkHistoryEntry> {
    let mut jobs = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let sector = (!input.sector.is_empty()).then(|| Slug::new(&input.sector));
        if sector
            .as_deref()
            .is_some_and(|slug| !taxonomy.is_known_sector(slug))
        {
            errors.add(
                format!("work_history[{i}].sector"),
                "Choose a sector from the list",
            );
        }
        match input.to_year {
            Some(to) if to > 2100 => errors.add(
                format!("work_history[{i}].to_year"),
                "Enter the year the job ended, like 2021, or leave it blank",
            ),
            Some(to) if to < input.from_year => errors.add(
                format!("work_history[{i}].to_year"),
                "Enter an end year that is the same as or after the start year",
            ),
            _ => {}
        }
        jobs.push(WorkHistoryEntry {
            role: input.role.clone(),
            employer_name: input.employer_name.clone(),
            sector,
            from_year: input.from_year,
            to_year: input.to_year,
        });
    }
    jobs
}

fn parse_todos(errors: &mut FieldErrors, inputs: &[TodoInput]) -> Vec<Todo> {
    let mut todos = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        match TodoKind::parse(&input.kind) {
            Err(_) => errors.add(format!("todos[{i}].kind"), "Choose what needs doing"),
            Ok(TodoKind::Other) if input.note.is_empty() => {
                errors.add(format!("todos[{i}].note"), "Say what needs doing")
            }
            Ok(kind) => todos.push(Todo {
                kind,
                note: input.note.clone(),
                done: input.done,
            }),
        }
    }
    todos
}

/// A stored profile. The details are already validated, so the fields are
/// public.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// Database id.
    pub id: i64,
    /// The prison or probation service holding the profile.
    pub service_id: i64,
    /// The case officer responsible, if one is assigned.
    pub officer_id: Option<i64>,
    /// What employers see instead of the name (without consent).
    pub pseudonym: String,
    /// Where the person's prison is (the service's place), from which day
    /// release travel is measured; `None` for a probation service.
    pub prison: Option<Place>,
    /// The profile content.
    pub details: ProfileDetails,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::skills::tests::sample;
    use crate::domain::vacancy::tests::date;

    /// A complete, valid profile: released 2025-05-20 to Leeds, 25 km radius.
    pub(crate) fn valid_input() -> ProfileInput {
        ProfileInput {
            given_name: "Sam".into(),
            family_name: "Jones".into(),
            reference: "a1234bc".into(),
            release_date: Some(date(2025, 5, 20)),
            no_fixed_abode: false,
            release_area: Some(PlaceInput {
                name: "Leeds".into(),
                lat: 53.8008,
                lon: -1.5491,
            }),
            travel_radius_km: 25.0,
            skills: vec![
                ProfileSkillInput {
                    slug: "stock-control".into(),
                    source: "prison_work".into(),
                },
                ProfileSkillInput {
                    slug: "manual-handling".into(),
                    source: "prison_course".into(),
                },
            ],
            certificates: vec![CertificateInput {
                slug: "forklift-counterbalance".into(),
                expires_on: Some(date(2027, 1, 1)),
                expected_on: None,
            }],
            work_history: vec![WorkHistoryInput {
                role: "Delivery driver".into(),
                employer_name: "Parcels Ltd".into(),
                sector: "warehousing".into(),
                from_year: 2018,
                to_year: Some(2021),
            }],
            sectors_of_interest: vec!["warehousing".into()],
            preferred_hours_min: Some(30.0),
            preferred_hours_max: Some(40.0),
            right_to_work: true,
            driving_licence: true,
            rotl_eligible_from: Some(date(2025, 3, 1)),
            rotl_travel_km: None,
            licence_ends_on: None,
            curfews: vec![],
            exclusion_zones: vec![],
            no_driving: false,
            no_driving_until: None,
            other_conditions: String::new(),
            offence_categories: vec!["dishonesty".into()],
            barred_children: false,
            barred_adults: false,
            readiness: "ready_to_work".into(),
            todos: vec![TodoInput {
                kind: "bank_account".into(),
                note: "Appointment booked".into(),
                done: false,
            }],
            consent_to_share_name: false,
            gender: "female".into(),
            languages: vec!["English".into(), "Polish".into()],
        }
    }

    pub(crate) fn details(input: &ProfileInput) -> ProfileDetails {
        ProfileDetails::parse(input, &sample()).unwrap()
    }

    fn errors(input: &ProfileInput) -> FieldErrors {
        ProfileDetails::parse(input, &sample()).unwrap_err()
    }

    #[test]
    fn a_null_character_in_free_text_is_a_field_error() {
        let mut input = valid_input();
        input.given_name = "Sa\0m".into();
        input.exclusion_zones = vec![ExclusionZoneInput {
            name: "Leeds\0".into(),
            lat: 53.8,
            lon: -1.5,
            radius_km: 2.0,
            ends_on: None,
        }];
        let errors = ProfileDetails::parse(&input, &sample()).unwrap_err();
        assert!(errors.has("given_name"), "{errors:?}");
        assert!(errors.has("exclusion_zones[0].name"), "{errors:?}");
    }

    #[test]
    fn restricted_input_holds_exactly_the_restricted_fields() {
        let json = serde_json::to_value(RestrictedInput::default()).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        let mut restricted = RESTRICTED_FIELDS.to_vec();
        restricted.sort_unstable();
        assert_eq!(keys, restricted);
        // Applying a profile's own sections gives it back; applying them
        // to another input changes only those sections.
        let mut input = valid_input();
        input.offence_categories = vec!["drugs_supply".into()];
        input.no_driving = true;
        let sections = RestrictedInput::of(&input);
        assert_eq!(sections.clone().applied_to(input.clone()), input);
        let other = sections.applied_to(ProfileInput::default());
        assert_eq!(other.offence_categories, input.offence_categories);
        assert!(other.no_driving && other.given_name.is_empty());
    }

    #[test]
    fn valid_input_parses_and_round_trips() {
        let parsed = details(&valid_input());
        assert_eq!(parsed.given_name(), "Sam");
        assert_eq!(parsed.family_name(), "Jones");
        assert_eq!(parsed.reference(), "A1234BC");
        assert_eq!(parsed.release_date(), date(2025, 5, 20));
        assert_eq!(
            parsed.release_area().place().map(Place::name),
            Some("Leeds")
        );
        assert_eq!(parsed.travel_radius_km(), 25.0);
        assert_eq!(parsed.skills().len(), 2);
        assert_eq!(parsed.skills()[0].source(), SkillSource::PrisonWork);
        assert!(parsed.has_skill("manual-handling") && !parsed.has_skill("cooking"));
        let flt = parsed.certificate("forklift-counterbalance").unwrap();
        assert_eq!(flt.expires_on(), Some(date(2027, 1, 1)));
        assert_eq!(parsed.certificates().len(), 1);
        let job = &parsed.work_history()[0];
        assert_eq!(
            (
                job.role(),
                job.employer_name(),
                job.sector(),
                job.from_year(),
                job.to_year()
            ),
            (
                "Delivery driver",
                "Parcels Ltd",
                Some("warehousing"),
                2018,
                Some(2021)
            )
        );
        assert_eq!(parsed.sectors_of_interest(), ["warehousing"]);
        let hours = parsed.preferred_hours().unwrap();
        assert_eq!((hours.min(), hours.max()), (30.0, 40.0));
        assert!(parsed.right_to_work() && parsed.driving_licence());
        assert_eq!(parsed.rotl_eligible_from(), Some(date(2025, 3, 1)));
        assert!(parsed.licence_conditions().curfews().is_empty());
        assert!(parsed.licence_conditions().exclusion_zones().is_empty());
        assert!(!parsed.licence_conditions().no_driving());
        assert_eq!(parsed.licence_conditions().other(), None);
        assert_eq!(parsed.offence_categories(), [OffenceCategory::Dishonesty]);
        assert!(!parsed.barred_children() && !parsed.barred_adults());
        assert_eq!(parsed.readiness(), Readiness::ReadyToWork);
        assert_eq!(parsed.todos()[0].kind(), TodoKind::BankAccount);
        assert_eq!(parsed.todos()[0].note(), "Appointment booked");
        assert!(!parsed.todos()[0].done());
        assert!(!parsed.consent_to_share_name());
        assert_eq!(parsed.gender(), Some(Gender::Female));
        assert_eq!(parsed.languages(), ["English", "Polish"]);

        let input = parsed.to_input();
        assert_eq!(input.reference, "A1234BC");
        assert_eq!(details(&input), parsed);
    }

    #[test]
    fn round_trip_with_conditions_and_no_fixed_abode() {
        let mut input = valid_input();
        input.no_fixed_abode = true;
        input.licence_ends_on = Some(date(2026, 6, 30));
        input.curfews = vec![CurfewInput {
            days: vec!["mon".into(), "sun".into()],
            start: "19:00".into(),
            end: "07:00".into(),
            ends_on: Some(date(2026, 1, 31)),
        }];
        input.exclusion_zones = vec![ExclusionZoneInput {
            name: "Bradford".into(),
            lat: 53.795,
            lon: -1.759,
            radius_km: 3.0,
            ends_on: None,
        }];
        input.no_driving = true;
        input.other_conditions = "  Report weekly  ".into();
        input.gender = String::new();
        input.preferred_hours_min = None;
        input.preferred_hours_max = None;
        let parsed = details(&input);
        assert_eq!(parsed.release_area(), &ReleaseArea::NoFixedAbode);
        assert_eq!(parsed.licence_conditions().curfews().len(), 1);
        assert_eq!(
            parsed.licence_conditions().exclusion_zones()[0].name(),
            "Bradford"
        );
        assert!(parsed.licence_conditions().no_driving());
        assert_eq!(parsed.licence_conditions().other(), Some("Report weekly"));
        let conditions = parsed.licence_conditions();
        assert_eq!(conditions.licence_ends_on(), Some(date(2026, 6, 30)));
        assert_eq!(conditions.curfews()[0].ends_on(), Some(date(2026, 1, 31)));
        assert_eq!(conditions.ends_on(), Some(date(2026, 6, 30)));
        assert_eq!(parsed.gender(), None);
        assert_eq!(parsed.preferred_hours(), None);
        assert_eq!(details(&parsed.to_input()), parsed);
    }

    #[test]
    fn with_restricted_of_takes_only_the_restricted_sections() {
        let mut held = valid_input();
        held.no_driving = true;
        held.offence_categories = vec!["dishonesty".into()];
        held.barred_adults = true;
        held.other_conditions = "Report weekly".into();
        let held = details(&held);
        let mut edited = valid_input();
        edited.family_name = "Renamed".into();
        edited.offence_categories = vec!["violence".into()];
        let edited = details(&edited);
        let merged = edited.with_restricted_of(&held);
        assert_eq!(merged.family_name(), "Renamed");
        assert_eq!(merged.licence_conditions(), held.licence_conditions());
        assert_eq!(merged.offence_categories(), held.offence_categories());
        assert!(merged.barred_adults() && !merged.barred_children());
        // As valid as a parse: it parses back to itself.
        assert_eq!(details(&merged.to_input()), merged);
    }

    #[test]
    fn empty_input_reports_required_fields_in_form_order() {
        let errors = errors(&ProfileInput::default());
        let fields: Vec<&str> = errors.iter().map(|(field, _)| field).collect();
        assert_eq!(
            fields,
            vec![
                "given_name",
                "family_name",
                "reference",
                "release_date",
                "release_area",
                "readiness"
            ]
        );
    }

    #[test]
    fn reference_must_be_letters_and_digits() {
        let mut input = valid_input();
        input.reference = " a1234bc ".into();
        assert_eq!(details(&input).reference(), "A1234BC");
        for bad in ["A1234 BC", "A-1234", "É1234"] {
            input.reference = bad.into();
            assert!(errors(&input).has("reference"), "{bad}");
        }
        input.reference = "A".repeat(21);
        assert_eq!(errors(&input).messages("reference").len(), 1);
    }

    #[test]
    fn travel_radius_limits() {
        for (radius, ok) in [
            (0.0, true),
            (200.0, true),
            (-0.1, false),
            (200.1, false),
            (f64::NAN, false),
        ] {
            let mut input = valid_input();
            input.travel_radius_km = radius;
            assert_eq!(
                ProfileDetails::parse(&input, &sample()).is_ok(),
                ok,
                "{radius}"
            );
        }
    }

    #[test]
    fn skills_and_certificates_must_be_known_and_unique() {
        let mut input = valid_input();
        input.skills.push(ProfileSkillInput {
            slug: "stock-control".into(),
            source: "past_job".into(),
        });
        input.skills.push(ProfileSkillInput {
            slug: "juggling".into(),
            source: "hobby".into(),
        });
        input.skills.push(ProfileSkillInput {
            slug: "  ".into(),
            source: String::new(),
        });
        input.certificates.push(CertificateInput {
            slug: "cooking".into(),
            expires_on: None,
            expected_on: None,
        });
        input.certificates.push(CertificateInput {
            slug: "forklift-counterbalance".into(),
            expires_on: None,
            expected_on: None,
        });
        let errors = errors(&input);
        assert_eq!(
            errors.messages("skills[2].slug"),
            ["Stock control is listed more than once"]
        );
        assert_eq!(
            errors.first("skills[3].slug"),
            Some("Choose a skill from the list")
        );
        assert_eq!(
            errors.first("skills[3].source"),
            Some("Choose where the skill came from")
        );
        assert!(!errors.has("skills[4].slug"), "blank rows are dropped");
        assert_eq!(
            errors.first("certificates[1].slug"),
            Some("Choose a certificate from the list")
        );
        assert_eq!(
            errors.first("certificates[2].slug"),
            Some("Forklift truck (counterbalance) is listed more than once")
        );
    }

    #[test]
    fn a_certificate_being_gained_counts_from_its_expected_day() {
        let mut input = valid_input();
        input.certificates[0].expected_on = Some(date(2026, 6, 1));
        let parsed = details(&input);
        let flt = parsed.certificate("forklift-counterbalance").unwrap();
        assert_eq!(flt.expected_on(), Some(date(2026, 6, 1)));
        assert!(!flt.is_valid_on(date(2026, 5, 31)));
        assert!(flt.is_valid_on(date(2026, 6, 1)));
        assert_eq!(
            parsed.to_input().certificates[0].expected_on,
            Some(date(2026, 6, 1))
        );
        // A date in the past is kept: the course has finished.
        input.certificates[0].expected_on = Some(date(2020, 1, 1));
        assert!(ProfileDetails::parse(&input, &sample()).is_ok());
        // It must come before the expiry.
        input.certificates[0].expected_on = Some(date(2027, 1, 1));
        assert_eq!(
            errors(&input).first("certificates[0].expected_on"),
            Some("The date it is expected must be before the date it expires")
        );
    }

    #[test]
    fn certificate_validity_includes_its_expiry_day() {
        let parsed = details(&valid_input());
        let flt = parsed.certificate("forklift-counterbalance").unwrap();
        assert!(flt.is_valid_on(date(2026, 12, 31)));
        assert!(flt.is_valid_on(date(2027, 1, 1)));
        assert!(!flt.is_valid_on(date(2027, 1, 2)));
    }

    #[test]
    fn work_history_rules() {
        let mut input = valid_input();
        input.work_history.push(WorkHistoryInput {
            role: String::new(),
            employer_name: String::new(),
            sector: "mining".into(),
            from_year: 1900,
            to_year: Some(1899),
        });
        input.work_history.push(WorkHistoryInput {
            role: "Cook".into(),
            employer_name: String::new(),
            sector: String::new(),
            from_year: 2020,
            to_year: Some(2019),
        });
        let errors = errors(&input);
        assert!(errors.has("work_history[1].role"));
        assert!(errors.has("work_history[1].sector"));
        assert!(errors.has("work_history[1].from_year"));
        assert_eq!(
            errors.first("work_history[2].to_year"),
            Some("Enter an end year that is the same as or after the start year")
        );
        assert!(!errors.has("work_history[0].role"));
    }

    #[test]
    fn preferred_hours_need_both_ends_in_order() {
        let mut input = valid_input();
        input.preferred_hours_max = None;
        assert!(errors(&input).has("preferred_hours_max"));
        input.preferred_hours_min = None;
        input.preferred_hours_max = Some(20.0);
        assert!(errors(&input).has("preferred_hours_min"));
        input.preferred_hours_min = Some(30.0);
        assert_eq!(
            errors(&input).first("preferred_hours_max"),
            Some("Enter most hours that are the same as or more than the fewest hours")
        );
        input.preferred_hours_min = Some(0.0);
        assert!(errors(&input).has("preferred_hours_min"));
        let hours = HoursPreference::parse(16.0, 30.0).unwrap();
        assert_eq!(hours.gap(20.0), 0.0);
        assert_eq!(hours.gap(10.0), 6.0);
        assert_eq!(hours.gap(37.5), 7.5);
    }

    #[test]
    fn rotl_date_must_not_be_after_release() {
        let mut input = valid_input();
        input.rotl_eligible_from = Some(date(2025, 5, 20));
        assert!(ProfileDetails::parse(&input, &sample()).is_ok());
        input.rotl_eligible_from = Some(date(2025, 5, 21));
        assert!(errors(&input).has("rotl_eligible_from"));
    }

    #[test]
    fn ready_to_work_needs_right_to_work() {
        let mut input = valid_input();
        input.right_to_work = false;
        assert!(errors(&input)
            .first("readiness")
            .unwrap()
            .contains("right to work"));
        input.readiness = "no_right_to_work".into();
        assert!(ProfileDetails::parse(&input, &sample()).is_ok());
        input.readiness = "keen".into();
        assert_eq!(
            errors(&input).first("readiness"),
            Some("Choose how ready the person is to work")
        );
    }

    #[test]
    fn licence_condition_errors_are_nested() {
        let mut input = valid_input();
        input.curfews = vec![CurfewInput {
            days: vec!["mon".into()],
            start: "19:00".into(),
            end: "19:00".into(),
            ends_on: None,
        }];
        input.exclusion_zones = vec![ExclusionZoneInput {
            name: "Zone".into(),
            lat: 53.0,
            lon: -1.0,
            radius_km: 0.0,
            ends_on: None,
        }];
        input.other_conditions = "x".repeat(1001);
        let errors = errors(&input);
        assert!(errors.has("curfews[0].end"));
        assert_eq!(errors.messages("exclusion_zones[0].radius_km").len(), 1);
        assert!(errors.has("other_conditions"));
    }

    #[test]
    fn end_dates_are_real_and_not_after_the_licence() {
        let mut input = valid_input();
        input.licence_ends_on = Some(date(2027, 3, 14));
        input.curfews = vec![CurfewInput {
            days: vec!["mon".into()],
            start: "19:00".into(),
            end: "07:00".into(),
            ends_on: Some(date(2027, 3, 15)),
        }];
        input.no_driving = true;
        input.no_driving_until = Some(date(2127, 1, 1));
        let errors = errors(&input);
        assert!(errors
            .first("curfews[0].ends_on")
            .unwrap()
            .contains("ends after the licence ends (14 March 2027)"));
        assert!(errors.has("no_driving_until"));
        input.curfews[0].ends_on = Some(date(2027, 3, 14));
        input.no_driving_until = Some(date(2027, 1, 1));
        let parsed = details(&input);
        assert_eq!(
            parsed.licence_conditions().no_driving_until(),
            Some(date(2027, 1, 1))
        );
        assert_eq!(details(&parsed.to_input()), parsed);
        // A ban's end date without the ban is dropped.
        input.no_driving = false;
        assert_eq!(
            details(&input).licence_conditions().no_driving_until(),
            None
        );
    }

    #[test]
    fn offences_sectors_todos_gender_and_languages() {
        let mut input = valid_input();
        input.offence_categories = vec!["arson".into(), "arson".into(), "murder".into()];
        input.sectors_of_interest = vec!["mining".into()];
        input.todos = vec![
            TodoInput {
                kind: "other".into(),
                note: " ".into(),
                done: false,
            },
            TodoInput {
                kind: "passport".into(),
                note: String::new(),
                done: false,
            },
        ];
        input.gender = "unknown".into();
        input.languages = vec!["Welsh".into(), "welsh".into(), "x".repeat(61)];
        let errors = errors(&input);
        assert_eq!(
            errors.messages("offence_categories"),
            [
                "Arson is listed more than once",
                "Choose offence categories from the list"
            ]
        );
        assert_eq!(
            errors.first("sectors_of_interest"),
            Some("Choose sectors from the list")
        );
        assert_eq!(errors.first("todos[0].note"), Some("Say what needs doing"));
        assert_eq!(
            errors.first("todos[1].kind"),
            Some("Choose what needs doing")
        );
        assert!(errors.has("gender"));
        assert_eq!(errors.messages("languages").len(), 2);
    }

    #[test]
    fn enum_slugs_round_trip() {
        for source in SkillSource::ALL {
            assert_eq!(SkillSource::parse(source.as_str()), Ok(*source));
        }
        for readiness in Readiness::ALL {
            assert_eq!(Readiness::parse(readiness.as_str()), Ok(*readiness));
        }
        for kind in TodoKind::ALL {
            assert_eq!(TodoKind::parse(kind.as_str()), Ok(*kind));
        }
        for gender in Gender::ALL {
            assert_eq!(Gender::parse(gender.as_str()), Ok(*gender));
        }
        assert_eq!(Readiness::NoRightToWork.as_str(), "no_right_to_work");
        assert_eq!(TodoKind::DisclosureLetter.as_str(), "disclosure_letter");
    }

    #[test]
    fn release_area_serde() {
        assert_eq!(
            serde_json::to_string(&ReleaseArea::NoFixedAbode).unwrap(),
            r#"{"type":"no_fixed_abode"}"#
        );
        let parsed = details(&valid_input());
        let json = serde_json::to_string(parsed.release_area()).unwrap();
        assert_eq!(
            &serde_json::from_str::<ReleaseArea>(&json).unwrap(),
            parsed.release_area()
        );
    }
}
