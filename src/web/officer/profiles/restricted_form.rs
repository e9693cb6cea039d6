//! The form of the offence, licence and barred sections, read from and
//! mapped onto a profile's input.

use super::form::{fmt_num, SPARE_ROWS};
use super::places::resolve_place;
use crate::domain::geo::{ExclusionZoneInput, PlaceInput};
use crate::domain::profile::{CurfewInput, ProfileInput};
use crate::domain::FieldErrors;
use crate::web::officer::forms::{self as forms, Form};

/// A curfew as typed; `ends_on` is the optional last day (`YYYY-MM-DD`).
pub struct CurfewRow {
    pub days: Vec<String>,
    pub start: String,
    pub end: String,
    pub ends_on: String,
}
/// An exclusion zone as typed; `ends_on` is the optional last day.
pub struct ZoneRow {
    pub place: String,
    pub radius_km: String,
    pub ends_on: String,
}

pub struct RestrictedForm {
    /// The last day of the licence, as typed (blank when not known).
    pub licence_ends_on: String,
    pub curfews: Vec<CurfewRow>,
    pub zones: Vec<ZoneRow>,
    pub no_driving: bool,
    /// The driving ban's last day, as typed (blank: as long as the licence).
    pub no_driving_until: String,
    pub other_conditions: String,
    pub offences: Vec<String>,
    pub barred_children: bool,
    pub barred_adults: bool,
}

/// Days offered for curfews (value, label).
pub const DAYS: [(&str, &str); 7] = [
    ("mon", "Mon"),
    ("tue", "Tue"),
    ("wed", "Wed"),
    ("thu", "Thu"),
    ("fri", "Fri"),
    ("sat", "Sat"),
    ("sun", "Sun"),
];

impl CurfewRow {
    pub fn has_day(&self, day: &str) -> bool {
        self.days.iter().any(|d| d == day)
    }
}

impl RestrictedForm {
    pub fn has_offence(&self, slug: &str) -> bool {
        self.offences.iter().any(|o| o == slug)
    }

    pub fn of(input: &ProfileInput) -> Self {
        let mut form = Self {
            licence_ends_on: typed_date(input.licence_ends_on),
            curfews: input
                .curfews
                .iter()
                .map(|w| CurfewRow {
                    days: w
                        .days
                        .iter()
                        .map(|d| d.to_lowercase().chars().take(3).collect())
                        .collect(),
                    start: w.start.clone(),
                    end: w.end.clone(),
                    ends_on: typed_date(w.ends_on),
                })
                .collect(),
            zones: input
                .exclusion_zones
                .iter()
                .map(|z| ZoneRow {
                    place: z.name.clone(),
                    radius_km: fmt_num(z.radius_km),
                    ends_on: typed_date(z.ends_on),
                })
                .collect(),
            no_driving: input.no_driving,
            no_driving_until: typed_date(input.no_driving_until),
            other_conditions: input.other_conditions.clone(),
            offences: input.offence_categories.clone(),
            barred_children: input.barred_children,
            barred_adults: input.barred_adults,
        };
        form.pad();
        form
    }

    pub fn pad(&mut self) {
        for _ in 0..SPARE_ROWS {
            self.curfews.push(CurfewRow {
                days: Vec::new(),
                start: String::new(),
                end: String::new(),
                ends_on: String::new(),
            });
            self.zones.push(ZoneRow {
                place: String::new(),
                radius_km: String::new(),
                ends_on: String::new(),
            });
        }
    }

    pub fn read(form: &Form) -> Self {
        Self {
            licence_ends_on: form.text("licence_ends_on"),
            curfews: (0..form.rows("curfews"))
                .map(|i| CurfewRow {
                    days: form.all(&format!("curfews[{i}].days")),
                    start: form.text(&format!("curfews[{i}].start")),
                    end: form.text(&format!("curfews[{i}].end")),
                    ends_on: form.text(&format!("curfews[{i}].ends_on")),
                })
                .filter(|r| {
                    !(r.days.is_empty()
                        && r.start.is_empty()
                        && r.end.is_empty()
                        && r.ends_on.is_empty())
                })
                .collect(),
            zones: (0..form.rows("exclusion_zones"))
                .map(|i| ZoneRow {
                    place: form.text(&format!("exclusion_zones[{i}].name")),
                    radius_km: form.text(&format!("exclusion_zones[{i}].radius_km")),
                    ends_on: form.text(&format!("exclusion_zones[{i}].ends_on")),
                })
                .filter(|r| !(r.place.is_empty() && r.radius_km.is_empty() && r.ends_on.is_empty()))
                .collect(),
            no_driving: form.checked("no_driving"),
            no_driving_until: form.text("no_driving_until"),
            other_conditions: form.text("other_conditions"),
            offences: form.all("offence_categories"),
            barred_children: form.checked("barred_children"),
            barred_adults: form.checked("barred_adults"),
        }
    }

    pub fn apply(&self, base: &ProfileInput) -> (ProfileInput, FieldErrors) {
        let mut e = FieldErrors::new();
        let mut input = base.clone();
        input.licence_ends_on = end_date(&mut e, "licence_ends_on", &self.licence_ends_on);
        input.curfews = self
            .curfews
            .iter()
            .enumerate()
            .map(|(i, r)| CurfewInput {
                days: r.days.clone(),
                start: r.start.clone(),
                end: r.end.clone(),
                ends_on: end_date(&mut e, &format!("curfews[{i}].ends_on"), &r.ends_on),
            })
            .collect();
        input.exclusion_zones = self
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| zone_input(&mut e, base, i, z))
            .collect();
        input.no_driving = self.no_driving;
        input.no_driving_until = end_date(&mut e, "no_driving_until", &self.no_driving_until);
        input.other_conditions = self.other_conditions.clone();
        input.offence_categories = self.offences.clone();
        input.barred_children = self.barred_children;
        input.barred_adults = self.barred_adults;
        (input, e)
    }
}

/// A date as the form shows it (`YYYY-MM-DD`, blank for none).
fn typed_date(day: Option<chrono::NaiveDate>) -> String {
    day.map(|d| d.to_string()).unwrap_or_default()
}

/// A typed end date: blank is none; anything but a real date is an error
/// beside the field.
fn end_date(errors: &mut FieldErrors, field: &str, text: &str) -> Option<chrono::NaiveDate> {
    forms::date(
        errors,
        field,
        text.trim(),
        "Enter a real date, like 2027-03-14, or leave it blank",
    )
}

/// One typed exclusion zone as the domain's input: a place kept from the
/// held zones by name, or looked up; errors go beside its fields.
fn zone_input(
    e: &mut FieldErrors,
    base: &ProfileInput,
    i: usize,
    z: &ZoneRow,
) -> ExclusionZoneInput {
    let name_field = format!("exclusion_zones[{i}].name");
    let kept = base.exclusion_zones.iter().find(|k| k.name == z.place);
    let place = if z.place.is_empty() {
        e.add(
            name_field.clone(),
            "Enter the place at the centre of the zone",
        );
        None
    } else if let Some(k) = kept {
        Some(PlaceInput {
            name: k.name.clone(),
            lat: k.lat,
            lon: k.lon,
        })
    } else {
        resolve_place(e, &name_field, &z.place)
    };
    let radius_field = format!("exclusion_zones[{i}].radius_km");
    let radius = if z.radius_km.is_empty() {
        e.add(
            radius_field.clone(),
            "Enter the radius of the zone in km, like 2",
        );
        0.0
    } else {
        forms::number(
            e,
            &radius_field,
            &z.radius_km,
            "Enter the radius of the zone in km, like 2",
        )
        .unwrap_or(0.0)
    };
    let place = place.unwrap_or(PlaceInput {
        name: z.place.clone(),
        lat: 0.0,
        lon: 0.0,
    });
    let ends_on = end_date(e, &format!("exclusion_zones[{i}].ends_on"), &z.ends_on);
    ExclusionZoneInput {
        name: place.name,
        lat: place.lat,
        lon: place.lon,
        radius_km: radius,
        ends_on,
    }
}
