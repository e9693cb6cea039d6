//! The vacancy editor's form: flat field values (as a browser or a CSV row
//! sends them) to the domain's `VacancyInput`, and the domain's field errors
//! back to the names of the form's fields. The HTML form, the CSV import and
//! the JSON API all end in `VacancyDetails::parse`, so they accept and
//! refuse exactly the same vacancies.

use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::domain::geo::PlaceInput;
use crate::domain::offence::{ExclusionStance, OffenceCategory, OffenceExclusionInput};
use crate::domain::schedule::TimeWindowInput;
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::{
    StartKind, VacancyDetails, VacancyInput, VacancyKind, VACANCY_FIELDS,
};
use crate::domain::wording::{Warning, WordingList};
use crate::domain::FieldErrors;
use crate::gazetteer::{Gazetteer, Lookup};

/// How many shift patterns the form offers.
pub const SHIFT_ROWS: usize = 3;

/// Most shift rows read from a form (the domain's limit is 14).
const MAX_SHIFT_ROWS: usize = 14;

pub const DAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

/// The shipped gazetteer, read once.
pub fn gazetteer() -> Option<&'static Gazetteer> {
    static GAZETTEER: OnceLock<Option<Gazetteer>> = OnceLock::new();
    GAZETTEER
        .get_or_init(|| match Gazetteer::embedded() {
            Ok(g) => Some(g),
            Err(e) => {
                tracing::error!(error = %e, "the embedded gazetteer could not be read");
                None
            }
        })
        .as_ref()
}

/// Looks a place name or postcode up; the message is for the `place` field.
pub fn resolve_place(text: &str) -> Result<PlaceInput, String> {
    let Some(g) = gazetteer() else {
        return Err("Place lookup is not available. Enter the latitude and longitude".into());
    };
    match g.resolve(text) {
        Lookup::Found(found) => Ok(PlaceInput {
            name: found.name,
            lat: found.lat,
            lon: found.lon,
        }),
        Lookup::Ambiguous(options) => {
            let names: Vec<String> = options.iter().take(4).map(|o| o.name.clone()).collect();
            Err(format!(
                "More than one place is called {}. Add the county or nation, for example {}, or enter a postcode",
                text.trim(),
                names.join(" or ")
            ))
        }
        Lookup::NotFound => Err(format!(
            "We could not find {:?}. Check the spelling, enter a postcode such as LS1 4AP, or enter the coordinates",
            text.trim()
        )),
    }
}

#[derive(Clone, Debug, Default)]
pub struct ShiftValues {
    pub days: Vec<String>,
    pub start: String,
    pub end: String,
}

impl ShiftValues {
    pub fn has_day(&self, day: &str) -> bool {
        self.days.iter().any(|d| d == day)
    }
}

/// A date typed as three boxes (day, month, year), GOV.UK style: it reads
/// the same in every browser, with or without JavaScript.
#[derive(Clone, Debug, Default)]
pub struct DateParts {
    pub day: String,
    pub month: String,
    pub year: String,
}

impl DateParts {
    pub fn of(date: NaiveDate) -> Self {
        use chrono::Datelike;
        Self {
            day: date.day().to_string(),
            month: date.month().to_string(),
            year: date.year().to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.day.trim().is_empty() && self.month.trim().is_empty() && self.year.trim().is_empty()
    }

    /// The date, or what is wrong with it; `what` is "start date" or
    /// "closing date".
    pub fn read(&self, what: &str) -> Result<NaiveDate, String> {
        let (day, month, year) = (self.day.trim(), self.month.trim(), self.year.trim());
        let mut missing = Vec::new();
        if day.is_empty() {
            missing.push("day");
        }
        if month.is_empty() {
            missing.push("month");
        }
        if year.is_empty() {
            missing.push("year");
        }
        if !missing.is_empty() {
            return Err(format!(
                "The {what} must include a {}",
                missing.join(" and a ")
            ));
        }
        let number = |text: &str| text.parse::<u32>().ok();
        let year_number = year.parse::<i32>().ok().filter(|_| year.len() == 4);
        match (number(day), number(month), year_number) {
            (Some(d), Some(m), Some(y)) => NaiveDate::from_ymd_opt(y, m, d)
                .ok_or_else(|| format!("The {what} must be a real date, like 31 3 2027")),
            (_, _, None) => Err(format!(
                "The year of the {what} must have 4 numbers, like 2027"
            )),
            _ => Err(format!(
                "The {what} must be a real date, written in numbers, like 31 3 2027"
            )),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ExclusionValues {
    pub category: &'static str,
    pub label: &'static str,
    /// "" (no statement), "case_by_case" or "excluded".
    pub stance: String,
    pub reason: String,
}

/// What the form holds, as typed.
#[derive(Clone, Debug)]
pub struct FormValues {
    pub title: String,
    pub description: String,
    pub sector: String,
    pub remote: bool,
    pub place: String,
    pub lat: String,
    pub lon: String,
    pub hours_per_week: String,
    pub shifts: Vec<ShiftValues>,
    pub contract: String,
    pub pay_min: String,
    pub pay_max: String,
    pub pay_period: String,
    pub positions: String,
    /// "date" (a set start date) or "asap" (as soon as possible).
    pub start: String,
    /// A date as one text (the CSV import, older forms): ISO or dd/mm/yyyy.
    pub start_date: String,
    pub closing_date: String,
    /// The date as the form's three boxes; read instead of the text when
    /// any box is filled in.
    pub start_parts: DateParts,
    pub closing_parts: DateParts,
    pub required_skills: Vec<String>,
    pub desirable_skills: Vec<String>,
    pub required_certificates: Vec<String>,
    pub needs_driving_licence: bool,
    pub check_level: String,
    /// "never", "at_offer" or "at_application"; empty takes the default
    /// for the check level (a CSV file without the column).
    pub convictions_asked: String,
    pub regulated_children: bool,
    pub regulated_adults: bool,
    pub exclusions: Vec<ExclusionValues>,
    pub rotl_suitable: bool,
    pub ring_fenced: bool,
    pub how_to_apply: String,
    pub documents_needed: String,
    /// The first day applications are taken; blank: once published.
    pub opens_on: String,
    pub opens_parts: DateParts,
    /// What is offered: a vacancy kind slug; blank means a job.
    pub kind: String,
    /// A work trial's last day.
    pub trial_ends_on: String,
    pub trial_ends_parts: DateParts,
    /// "yes" or "no": whether the trial days are paid.
    pub trial_paid: String,
    /// "before_release" or "after_release".
    pub trial_timing: String,
    /// How a person on a day release placement gets there.
    pub travel: String,
}

impl Default for FormValues {
    fn default() -> Self {
        Self {
            title: String::new(),
            description: String::new(),
            sector: String::new(),
            remote: false,
            place: String::new(),
            lat: String::new(),
            lon: String::new(),
            hours_per_week: String::new(),
            shifts: vec![ShiftValues::default(); SHIFT_ROWS],
            contract: String::new(),
            pay_min: String::new(),
            pay_max: String::new(),
            pay_period: String::new(),
            positions: "1".into(),
            start: StartKind::OnDate.as_str().into(),
            start_date: String::new(),
            closing_date: String::new(),
            start_parts: DateParts::default(),
            closing_parts: DateParts::default(),
            required_skills: Vec::new(),
            desirable_skills: Vec::new(),
            required_certificates: Vec::new(),
            needs_driving_licence: false,
            check_level: String::new(),
            convictions_asked: String::new(),
            regulated_children: false,
            regulated_adults: false,
            exclusions: OffenceCategory::ALL
                .iter()
                .map(|c| ExclusionValues {
                    category: c.as_str(),
                    label: c.label(),
                    stance: String::new(),
                    reason: String::new(),
                })
                .collect(),
            rotl_suitable: false,
            ring_fenced: false,
            how_to_apply: String::new(),
            documents_needed: String::new(),
            opens_on: String::new(),
            opens_parts: DateParts::default(),
            kind: VacancyKind::Job.as_str().into(),
            trial_ends_on: String::new(),
            trial_ends_parts: DateParts::default(),
            trial_paid: String::new(),
            trial_timing: String::new(),
            travel: String::new(),
        }
    }
}

fn truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "on" | "yes" | "true" | "1" | "y"
    )
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

fn money(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

impl FormValues {
    /// From the fields of a submitted form (repeated names for lists).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut v = Self::default();
        for (name, value) in pairs {
            let text = value.clone();
            match name.as_str() {
                "title" => v.title = text,
                "description" => v.description = text,
                "sector" => v.sector = text,
                "remote" => v.remote = truthy(&text),
                "place" => v.place = text,
                "lat" => v.lat = text,
                "lon" => v.lon = text,
                "hours_per_week" => v.hours_per_week = text,
                "contract" => v.contract = text,
                "pay_min" => v.pay_min = text,
                "pay_max" => v.pay_max = text,
                "pay_period" => v.pay_period = text,
                "positions" => v.positions = text,
                "start" => v.start = text,
                "start_date" => v.start_date = text,
                "closing_date" => v.closing_date = text,
                "start_date_day" => v.start_parts.day = text,
                "start_date_month" => v.start_parts.month = text,
                "start_date_year" => v.start_parts.year = text,
                "closing_date_day" => v.closing_parts.day = text,
                "closing_date_month" => v.closing_parts.month = text,
                "closing_date_year" => v.closing_parts.year = text,
                "required_skills" => v.required_skills.push(text),
                "desirable_skills" => v.desirable_skills.push(text),
                "required_certificates" => v.required_certificates.push(text),
                "needs_driving_licence" => v.needs_driving_licence = truthy(&text),
                "check_level" => v.check_level = text,
                "convictions_asked" => v.convictions_asked = text,
                "regulated_children" => v.regulated_children = truthy(&text),
                "regulated_adults" => v.regulated_adults = truthy(&text),
                "rotl_suitable" => v.rotl_suitable = truthy(&text),
                "ring_fenced" => v.ring_fenced = truthy(&text),
                "how_to_apply" => v.how_to_apply = text,
                "opens_on" => v.opens_on = text,
                "opens_on_day" => v.opens_parts.day = text,
                "opens_on_month" => v.opens_parts.month = text,
                "opens_on_year" => v.opens_parts.year = text,
                "kind" => v.kind = text,
                "trial_ends_on" => v.trial_ends_on = text,
                "trial_ends_on_day" => v.trial_ends_parts.day = text,
                "trial_ends_on_month" => v.trial_ends_parts.month = text,
                "trial_ends_on_year" => v.trial_ends_parts.year = text,
                "trial_paid" => v.trial_paid = text,
                "trial_timing" => v.trial_timing = text,
                "travel" => v.travel = text,
                "documents_needed" => {
                    if !v.documents_needed.is_empty() {
                        v.documents_needed.push('\n');
                    }
                    v.documents_needed.push_str(&text);
                }
                other => v.set_listed(other, text),
            }
        }
        v
    }

    /// A field of a repeated part: `shift{row}_{days|start|end}` or
    /// `exclusion_{category}[_reason]`; anything else is ignored.
    fn set_listed(&mut self, other: &str, text: String) {
        if let Some(rest) = other.strip_prefix("shift") {
            if let Some((row, part)) = rest.split_once('_') {
                if let Ok(row) = row.parse::<usize>() {
                    // A vacancy may hold up to 14 shift patterns
                    // (the API's limit); the form shows them all.
                    if row < MAX_SHIFT_ROWS && row >= self.shifts.len() {
                        self.shifts.resize(row + 1, ShiftValues::default());
                    }
                    if let Some(shift) = self.shifts.get_mut(row) {
                        match part {
                            "days" => shift.days.push(text.trim().to_lowercase()),
                            "start" => shift.start = text,
                            "end" => shift.end = text,
                            _ => {}
                        }
                    }
                }
            }
        } else if let Some(rest) = other.strip_prefix("exclusion_") {
            let (category, is_reason) = match rest.strip_suffix("_reason") {
                Some(c) => (c, true),
                None => (rest, false),
            };
            if let Some(e) = self.exclusions.iter_mut().find(|e| e.category == category) {
                if is_reason {
                    e.reason = text;
                } else {
                    e.stance = text.trim().to_string();
                }
            }
        }
    }

    /// The opening date and the kind's own fields, from a stored vacancy.
    fn fill_kind(&mut self, input: &VacancyInput) {
        self.opens_on = input.opens_on.map(|d| d.to_string()).unwrap_or_default();
        self.opens_parts = input.opens_on.map(DateParts::of).unwrap_or_default();
        self.kind = input
            .kind
            .clone()
            .unwrap_or_else(|| VacancyKind::Job.as_str().into());
        self.trial_ends_on = input
            .trial_ends_on
            .map(|d| d.to_string())
            .unwrap_or_default();
        self.trial_ends_parts = input.trial_ends_on.map(DateParts::of).unwrap_or_default();
        self.trial_paid = match input.trial_paid {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => String::new(),
        };
        self.trial_timing = input.trial_timing.clone().unwrap_or_default();
        self.travel = input.travel.clone().unwrap_or_default();
    }

    /// From a stored vacancy, to fill the edit form.
    pub fn from_input(input: &VacancyInput) -> Self {
        let mut v = Self {
            title: input.title.clone(),
            description: input.description.clone(),
            sector: input.sector.clone(),
            remote: input.remote,
            hours_per_week: number(input.hours_per_week),
            contract: input.contract.clone(),
            pay_min: money(input.pay_min),
            pay_max: money(input.pay_max),
            pay_period: input.pay_period.clone(),
            positions: input.positions.to_string(),
            start: match (input.start.as_deref(), input.start_date) {
                (Some(start), _) => start.to_string(),
                (None, Some(_)) => StartKind::OnDate.as_str().into(),
                (None, None) => String::new(),
            },
            start_date: input.start_date.map(|d| d.to_string()).unwrap_or_default(),
            closing_date: input
                .closing_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            required_skills: input.required_skills.clone(),
            desirable_skills: input.desirable_skills.clone(),
            required_certificates: input.required_certificates.clone(),
            needs_driving_licence: input.needs_driving_licence,
            check_level: input.check_level.clone(),
            convictions_asked: input.convictions_asked.clone().unwrap_or_default(),
            regulated_children: input.regulated_children,
            regulated_adults: input.regulated_adults,
            rotl_suitable: input.rotl_suitable,
            ring_fenced: input.ring_fenced,
            start_parts: input.start_date.map(DateParts::of).unwrap_or_default(),
            closing_parts: input.closing_date.map(DateParts::of).unwrap_or_default(),
            how_to_apply: input.how_to_apply.clone(),
            documents_needed: input.documents_needed.join("\n"),
            ..Self::default()
        };
        v.fill_kind(input);
        if let Some(place) = &input.workplace {
            v.place = place.name.clone();
            v.lat = place.lat.to_string();
            v.lon = place.lon.to_string();
        }
        v.shifts = input
            .shifts
            .iter()
            .map(|s| ShiftValues {
                days: s.days.iter().map(|d| d.to_lowercase()).collect(),
                start: s.start.clone(),
                end: s.end.clone(),
            })
            .collect();
        while v.shifts.len() < SHIFT_ROWS {
            v.shifts.push(ShiftValues::default());
        }
        for stated in &input.offence_exclusions {
            if let Some(e) = v
                .exclusions
                .iter_mut()
                .find(|e| e.category == stated.category)
            {
                e.stance = stated.stance.clone();
                e.reason = stated.reason.clone();
            }
        }
        v
    }

    pub fn has_required_skill(&self, slug: &str) -> bool {
        self.required_skills.iter().any(|s| s == slug)
    }

    pub fn has_desirable_skill(&self, slug: &str) -> bool {
        self.desirable_skills.iter().any(|s| s == slug)
    }

    pub fn has_certificate(&self, slug: &str) -> bool {
        self.required_certificates.iter().any(|s| s == slug)
    }

    /// Checks the form as the domain does, with the closing date no earlier
    /// than `today` and a start date no earlier than `today` unless it is
    /// `kept_start`, the start the vacancy being edited already has.
    /// Errors are keyed by the form's field names.
    pub fn parse(
        &self,
        taxonomy: &Taxonomy,
        today: NaiveDate,
        kept_start: Option<NaiveDate>,
    ) -> Result<VacancyDetails, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (input, shift_rows, exclusion_rows) = self.to_input(&mut errors);
        if crate::domain::vacancy::start_in_past(input.start_date, today, kept_start) {
            errors.add("start_date", crate::domain::vacancy::START_IN_PAST);
        }
        if let Some(closing) = input.closing_date {
            if closing < today {
                errors.add(
                    "closing_date",
                    "Enter a closing date that is today or later, or leave it empty for rolling recruitment",
                );
            }
        }
        match VacancyDetails::parse(&input, taxonomy) {
            Ok(details) if errors.is_empty() => Ok(details),
            Ok(_) => Err(errors),
            Err(domain) => {
                for (field, messages) in domain.iter() {
                    let name = form_field(field, &shift_rows, &exclusion_rows);
                    // A form-only message (a number or date that cannot be
                    // read, a place not found) already explains the field.
                    if errors.has(&name) {
                        continue;
                    }
                    // A closing date measured against a start date that is
                    // itself refused would blame the wrong field.
                    if name == "closing_date" && errors.has("start_date") {
                        continue;
                    }
                    for message in messages {
                        errors.add(name.clone(), message.clone());
                    }
                }
                let order = form_order();
                let order: Vec<&str> = order.iter().map(String::as_str).collect();
                errors.sort_by_form_order(&order);
                Err(errors)
            }
        }
    }

    /// The kind and its own fields. Fields of another kind are not read:
    /// without JavaScript they stay on the page whatever is chosen.
    #[allow(clippy::type_complexity)]
    fn kind_inputs(
        &self,
        errors: &mut FieldErrors,
    ) -> (
        Option<String>,
        Option<NaiveDate>,
        Option<bool>,
        Option<String>,
        Option<String>,
    ) {
        let kind = self.kind.trim().to_ascii_lowercase();
        let trial = kind == VacancyKind::WorkTrial.as_str();
        let placement = kind == VacancyKind::RotlPlacement.as_str();
        let trial_ends_on = if trial {
            read_date(
                "trial_ends_on",
                &self.trial_ends_parts,
                &self.trial_ends_on,
                errors,
            )
        } else {
            None
        };
        let trial_paid = if trial {
            match self.trial_paid.trim().to_ascii_lowercase().as_str() {
                "" => None,
                "yes" | "true" | "paid" | "on" => Some(true),
                "no" | "false" | "unpaid" => Some(false),
                _ => {
                    errors.add("trial_paid", "Say yes or no: are the trial days paid?");
                    None
                }
            }
        } else {
            None
        };
        let trial_timing = Some(self.trial_timing.trim().to_ascii_lowercase())
            .filter(|timing| trial && !timing.is_empty());
        let travel =
            Some(self.travel.trim().to_string()).filter(|travel| placement && !travel.is_empty());
        (
            (!kind.is_empty()).then_some(kind),
            trial_ends_on,
            trial_paid,
            trial_timing,
            travel,
        )
    }

    /// The domain input; problems only the form can have (a date or number
    /// that cannot be read, a place that cannot be found) go into `errors`.
    /// Also returns which form row each shift and exclusion came from.
    fn to_input(&self, errors: &mut FieldErrors) -> (VacancyInput, Vec<usize>, Vec<&'static str>) {
        let hours_per_week = read_decimal(
            "hours_per_week",
            &self.hours_per_week,
            "Enter the hours per week as a number, like 37.5",
            errors,
        );
        let pay_min = read_decimal(
            "pay_min",
            &self.pay_min,
            "Enter the lowest pay as a number of pounds, like 11.44",
            errors,
        );
        let pay_max = read_decimal(
            "pay_max",
            &self.pay_max,
            "Enter the highest pay as a number of pounds, like 12.50",
            errors,
        );
        let positions = self.positions(errors);
        // With "as soon as possible" chosen, a date left in the field below
        // the other choice is not read: without JavaScript it stays visible.
        let start = self.start.trim().to_ascii_lowercase();
        let start_date = if start == StartKind::Asap.as_str() {
            None
        } else {
            read_date("start_date", &self.start_parts, &self.start_date, errors)
        };
        let closing_date = read_date(
            "closing_date",
            &self.closing_parts,
            &self.closing_date,
            errors,
        );
        let opens_on = read_date("opens_on", &self.opens_parts, &self.opens_on, errors);
        let (kind, trial_ends_on, trial_paid, trial_timing, travel) = self.kind_inputs(errors);
        let workplace = self.workplace(errors);
        let (shift_rows, shifts) = self.shift_inputs();
        let (exclusion_rows, offence_exclusions) = self.exclusion_inputs(errors);
        let input = VacancyInput {
            title: self.title.clone(),
            description: self.description.clone(),
            sector: self.sector.trim().to_string(),
            remote: self.remote,
            workplace,
            hours_per_week,
            shifts,
            contract: self.contract.trim().to_string(),
            pay_min,
            pay_max,
            pay_period: self.pay_period.trim().to_string(),
            positions,
            start: (!start.is_empty()).then_some(start),
            start_date,
            closing_date,
            required_skills: self.required_skills.clone(),
            desirable_skills: self.desirable_skills.clone(),
            required_certificates: self.required_certificates.clone(),
            needs_driving_licence: self.needs_driving_licence,
            check_level: self.check_level.trim().to_string(),
            convictions_asked: Some(self.convictions_asked.trim().to_string())
                .filter(|asked| !asked.is_empty()),
            regulated_children: self.regulated_children,
            regulated_adults: self.regulated_adults,
            offence_exclusions,
            rotl_suitable: self.rotl_suitable,
            ring_fenced: self.ring_fenced,
            how_to_apply: self.how_to_apply.clone(),
            documents_needed: self
                .documents_needed
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            opens_on,
            kind,
            trial_ends_on,
            trial_paid,
            trial_timing,
            travel,
        };
        (input, shift_rows, exclusion_rows)
    }

    /// The fair-chance wording warnings for what the form holds, each
    /// under the name of the form field it is shown beside.
    pub fn warnings(&self) -> FieldWarnings {
        let mut unread = FieldErrors::new();
        let (input, shift_rows, exclusion_rows) = self.to_input(&mut unread);
        FieldWarnings(
            WordingList::embedded()
                .check(&input)
                .into_iter()
                .map(|w| (form_field(&w.field, &shift_rows, &exclusion_rows), w))
                .collect(),
        )
    }

    /// The number of jobs; 0 when blank or unreadable (the domain then says
    /// what is wrong).
    fn positions(&self, errors: &mut FieldErrors) -> u32 {
        match self.positions.trim() {
            "" => 0,
            text => text.parse::<u32>().unwrap_or_else(|_| {
                errors.add(
                    "positions",
                    "Enter the number of jobs as a whole number, like 2",
                );
                0
            }),
        }
    }

    /// Where the job is: none when remote; else the typed coordinates, or
    /// the place looked up by name or postcode.
    fn workplace(&self, errors: &mut FieldErrors) -> Option<PlaceInput> {
        if self.remote {
            return None;
        }
        let (lat, lon) = (self.lat.trim(), self.lon.trim());
        if !lat.is_empty() || !lon.is_empty() {
            let lat_n = lat.parse::<f64>();
            let lon_n = lon.parse::<f64>();
            if lat_n.is_err() {
                errors.add("lat", "Enter a latitude between -90 and 90, like 53.7965");
            }
            if lon_n.is_err() {
                errors.add(
                    "lon",
                    "Enter a longitude between -180 and 180, like -1.5478",
                );
            }
            match (lat_n, lon_n) {
                (Ok(lat), Ok(lon)) => Some(PlaceInput {
                    name: if self.place.trim().is_empty() {
                        format!("{lat}, {lon}")
                    } else {
                        self.place.trim().to_string()
                    },
                    lat,
                    lon,
                }),
                _ => None,
            }
        } else if self.place.trim().is_empty() {
            None
        } else {
            match resolve_place(&self.place) {
                Ok(place) => Some(place),
                Err(message) => {
                    errors.add("place", message);
                    None
                }
            }
        }
    }

    /// The shift rows filled in, with the form row each came from.
    fn shift_inputs(&self) -> (Vec<usize>, Vec<TimeWindowInput>) {
        let mut shift_rows = Vec::new();
        let mut shifts = Vec::new();
        for (row, shift) in self.shifts.iter().enumerate() {
            if shift.days.is_empty() && shift.start.trim().is_empty() && shift.end.trim().is_empty()
            {
                continue;
            }
            shift_rows.push(row);
            shifts.push(TimeWindowInput {
                days: shift.days.clone(),
                start: shift.start.trim().to_string(),
                end: shift.end.trim().to_string(),
            });
        }
        (shift_rows, shifts)
    }

    /// The offence categories given a stance, with the category of each.
    fn exclusion_inputs(
        &self,
        errors: &mut FieldErrors,
    ) -> (Vec<&'static str>, Vec<OffenceExclusionInput>) {
        let mut exclusion_rows = Vec::new();
        let mut offence_exclusions = Vec::new();
        for e in &self.exclusions {
            let stance = e.stance.trim();
            if stance.is_empty() || stance == "none" {
                continue;
            }
            if ExclusionStance::parse(stance).is_err() {
                errors.add(
                    format!("exclusion_{}", e.category),
                    "Choose whether people with these convictions cannot be considered or are considered case by case",
                );
                continue;
            }
            exclusion_rows.push(e.category);
            offence_exclusions.push(OffenceExclusionInput {
                category: e.category.to_string(),
                stance: stance.to_string(),
                reason: e.reason.clone(),
            });
        }
        (exclusion_rows, offence_exclusions)
    }
}

/// Wording warnings by form field.
#[derive(Clone, Debug, Default)]
pub struct FieldWarnings(pub Vec<(String, Warning)>);

impl FieldWarnings {
    /// The warnings shown beside one field.
    pub fn for_field(&self, name: &str) -> Vec<&Warning> {
        self.0
            .iter()
            .filter(|(field, _)| field == name)
            .map(|(_, w)| w)
            .collect()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A number as typed (a leading £ and thousands commas allowed); 0 when
/// blank, NaN with a message on `field` when it cannot be read.
fn read_decimal(field: &str, text: &str, message: &str, errors: &mut FieldErrors) -> f64 {
    let cleaned: String = text
        .trim()
        .trim_start_matches('£')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    if cleaned.is_empty() {
        return 0.0;
    }
    match cleaned.parse::<f64>() {
        Ok(n) if n.is_finite() => n,
        _ => {
            errors.add(field, message);
            f64::NAN
        }
    }
}

/// A date from the three boxes when any is filled in, else from one text
/// (ISO or dd/mm/yyyy); None when blank or unreadable (with a message).
fn read_date(
    field: &str,
    parts: &DateParts,
    text: &str,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    if !parts.is_empty() {
        let what = field.replace('_', " ");
        return parts.read(&what).map_err(|m| errors.add(field, m)).ok();
    }
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
    {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(
                field,
                "Enter a real date, like 2027-03-31 (year, month, day) or 31/03/2027",
            );
            None
        }
    }
}

/// The domain's vacancy fields from `first` to `last`, in its form order
/// (`VACANCY_FIELDS`), where the form and the CSV template agree with it.
pub(super) fn domain_fields(first: &str, last: &str) -> impl Iterator<Item = String> {
    let at = |name: &str| {
        VACANCY_FIELDS
            .iter()
            .position(|field| *field == name)
            .unwrap_or_else(|| panic!("{name} is not a vacancy field"))
    };
    VACANCY_FIELDS[at(first)..=at(last)]
        .iter()
        .map(|field| field.to_string())
}

/// The form's fields from top to bottom, for the error summary.
fn form_order() -> Vec<String> {
    let mut order: Vec<String> = [
        "kind",
        "trial_ends_on",
        "trial_paid",
        "trial_timing",
        "travel",
    ]
    .iter()
    .map(|name| name.to_string())
    .collect();
    order.extend(domain_fields("title", "remote"));
    for name in ["place", "lat", "lon", "hours_per_week"] {
        order.push(name.to_string());
    }
    for row in 0..MAX_SHIFT_ROWS {
        for part in ["days", "start", "end"] {
            order.push(format!("shift{row}_{part}"));
        }
    }
    order.extend(domain_fields("contract", "needs_driving_licence"));
    for name in [
        "regulated_children",
        "regulated_adults",
        "check_level",
        "convictions_asked",
    ] {
        order.push(name.to_string());
    }
    let rest: Vec<String> = last_fields()
        .into_iter()
        .filter(|f| !order.contains(f))
        .collect();
    order.extend(rest);
    order
}

/// The fields the form and the CSV template both end with: each offence
/// category's stance and reason, then day release, ring-fencing, how to
/// apply, the documents needed, the day applications open, and the kind
/// with its own fields.
pub fn last_fields() -> Vec<String> {
    let mut out = Vec::new();
    for category in OffenceCategory::ALL {
        out.push(format!("exclusion_{}", category.as_str()));
        out.push(format!("exclusion_{}_reason", category.as_str()));
    }
    out.extend(domain_fields("rotl_suitable", "travel"));
    out
}

/// The form field a domain error belongs to.
pub fn form_field(field: &str, shift_rows: &[usize], exclusion_rows: &[&str]) -> String {
    let index = |rest: &str| -> Option<(usize, String)> {
        let (i, tail) = rest.strip_prefix('[')?.split_once(']')?;
        Some((i.parse().ok()?, tail.trim_start_matches('.').to_string()))
    };
    if field == "workplace" || field == "workplace.name" {
        return "place".into();
    }
    if field == "workplace.lat" {
        return "lat".into();
    }
    if field == "workplace.lon" {
        return "lon".into();
    }
    if let Some(rest) = field.strip_prefix("shifts") {
        return match index(rest) {
            Some((i, part)) => {
                let row = shift_rows.get(i).copied().unwrap_or(0);
                let part = if part.is_empty() { "days".into() } else { part };
                format!("shift{row}_{part}")
            }
            None => "shift0_days".into(),
        };
    }
    if let Some(rest) = field.strip_prefix("offence_exclusions") {
        return match index(rest) {
            Some((i, part)) => {
                let category = exclusion_rows.get(i).copied().unwrap_or("other");
                if part == "reason" {
                    format!("exclusion_{category}_reason")
                } else {
                    format!("exclusion_{category}")
                }
            }
            None => "exclusion_arson".into(),
        };
    }
    if field.starts_with("documents_needed") {
        return "documents_needed".into();
    }
    field.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn errors_are_renamed_to_form_fields() {
        assert_eq!(form_field("workplace.name", &[], &[]), "place");
        assert_eq!(form_field("shifts[1].start", &[0, 2], &[]), "shift2_start");
        assert_eq!(
            form_field("offence_exclusions[0].reason", &[], &["violence"]),
            "exclusion_violence_reason"
        );
        assert_eq!(
            form_field("documents_needed[3]", &[], &[]),
            "documents_needed"
        );
        assert_eq!(form_field("pay_max", &[], &[]), "pay_max");
    }

    #[test]
    fn form_values_round_trip_through_pairs() {
        let v = FormValues::from_pairs(&pairs(&[
            ("title", "Cook"),
            ("remote", "on"),
            ("shift1_days", "mon"),
            ("shift1_days", "tue"),
            ("shift1_start", "09:00"),
            ("exclusion_arson", "excluded"),
            ("exclusion_arson_reason", "Kitchen with open flames"),
            ("required_skills", "a"),
            ("required_skills", "b"),
        ]));
        assert!(v.remote);
        assert_eq!(v.shifts[1].days, ["mon", "tue"]);
        assert_eq!(v.exclusions[0].stance, "excluded");
        assert_eq!(v.required_skills, ["a", "b"]);
        // Rows past the three offered are kept (a vacancy from the API may
        // have more), up to the limit.
        let v = FormValues::from_pairs(&pairs(&[
            ("shift5_start", "09:00"),
            ("shift40_start", "10:00"),
        ]));
        assert_eq!(v.shifts.len(), 6);
        assert_eq!(v.shifts[5].start, "09:00");
    }

    #[test]
    fn the_start_choice_decides_whether_the_date_is_read() {
        let asap =
            FormValues::from_pairs(&pairs(&[("start", "asap"), ("start_date", "not a date")]));
        let mut errors = FieldErrors::new();
        let (input, _, _) = asap.to_input(&mut errors);
        assert!(!errors.has("start_date"), "the date is not read");
        assert_eq!(
            (input.start.as_deref(), input.start_date),
            (Some("asap"), None)
        );
        let on = FormValues::from_pairs(&pairs(&[("start", "date"), ("start_date", "31/03/2027")]));
        let (input, _, _) = on.to_input(&mut errors);
        assert_eq!(input.start_date, NaiveDate::from_ymd_opt(2027, 3, 31));
        assert_eq!(FormValues::default().start, "date");
        let refilled = FormValues::from_input(&input);
        assert_eq!(
            (refilled.start.as_str(), refilled.start_date.as_str()),
            ("date", "2027-03-31")
        );
    }

    #[test]
    fn unknown_places_are_refused_beside_the_field() {
        assert!(resolve_place("Leeds").is_ok());
        assert!(resolve_place("Nowhereville Upon Nothing").is_err());
    }
}
