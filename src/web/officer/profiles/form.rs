//! The main editor's form: the profile's fields as the officer types them,
//! read from and mapped onto a profile's input.

use super::places::resolve_place;
use crate::domain::geo::PlaceInput;
use crate::domain::profile::{
    CertificateInput, Gender, ProfileInput, ProfileSkillInput, Readiness, SkillSource, TodoInput,
    TodoKind, WorkHistoryInput,
};
use crate::domain::skills::Taxonomy;
use crate::domain::FieldErrors;
use crate::web::officer::forms::{self as forms, Form};

/// Blank rows offered beyond those filled in.
pub const SPARE_ROWS: usize = 3;

pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

pub struct SkillRow {
    pub slug: String,
    pub source: String,
}
pub struct CertRow {
    pub slug: String,
    pub expires_on: String,
    pub expected_on: String,
}
pub struct JobRow {
    pub role: String,
    pub employer_name: String,
    pub sector: String,
    pub from_year: String,
    pub to_year: String,
}
pub struct TodoRow {
    pub kind: String,
    pub note: String,
    pub done: bool,
}

/// What the editor shows: the fields as text, as typed or as stored.
pub struct ProfileForm {
    pub given_name: String,
    pub family_name: String,
    pub reference: String,
    pub release_date: String,
    pub no_fixed_abode: bool,
    pub release_area: String,
    pub travel_radius_km: String,
    pub skills: Vec<SkillRow>,
    pub certificates: Vec<CertRow>,
    pub work_history: Vec<JobRow>,
    pub sectors: Vec<String>,
    pub hours_min: String,
    pub hours_max: String,
    pub right_to_work: bool,
    pub driving_licence: bool,
    pub rotl_eligible_from: String,
    pub rotl_travel_km: String,
    pub readiness: String,
    pub todos: Vec<TodoRow>,
    pub consent_to_share_name: bool,
    pub gender: String,
    pub languages: String,
}

impl ProfileForm {
    pub fn has_sector(&self, slug: &str) -> bool {
        self.sectors.iter().any(|s| s == slug)
    }

    pub fn blank() -> Self {
        let mut form = Self::of(&ProfileInput {
            travel_radius_km: 15.0,
            right_to_work: true,
            readiness: "not_started".into(),
            ..ProfileInput::default()
        });
        form.release_date.clear();
        form
    }

    pub fn of(input: &ProfileInput) -> Self {
        let mut form = Self {
            given_name: input.given_name.clone(),
            family_name: input.family_name.clone(),
            reference: input.reference.clone(),
            release_date: input
                .release_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            no_fixed_abode: input.no_fixed_abode,
            release_area: input
                .release_area
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            travel_radius_km: fmt_num(input.travel_radius_km),
            skills: input
                .skills
                .iter()
                .map(|s| SkillRow {
                    slug: s.slug.clone(),
                    source: s.source.clone(),
                })
                .collect(),
            certificates: input
                .certificates
                .iter()
                .map(|c| CertRow {
                    slug: c.slug.clone(),
                    expires_on: c.expires_on.map(|d| d.to_string()).unwrap_or_default(),
                    expected_on: c.expected_on.map(|d| d.to_string()).unwrap_or_default(),
                })
                .collect(),
            work_history: input
                .work_history
                .iter()
                .map(|w| JobRow {
                    role: w.role.clone(),
                    employer_name: w.employer_name.clone(),
                    sector: w.sector.clone(),
                    from_year: w.from_year.to_string(),
                    to_year: w.to_year.map(|y| y.to_string()).unwrap_or_default(),
                })
                .collect(),
            sectors: input.sectors_of_interest.clone(),
            hours_min: input.preferred_hours_min.map(fmt_num).unwrap_or_default(),
            hours_max: input.preferred_hours_max.map(fmt_num).unwrap_or_default(),
            right_to_work: input.right_to_work,
            driving_licence: input.driving_licence,
            rotl_eligible_from: input
                .rotl_eligible_from
                .map(|d| d.to_string())
                .unwrap_or_default(),
            rotl_travel_km: input.rotl_travel_km.map(fmt_num).unwrap_or_default(),
            readiness: input.readiness.clone(),
            todos: input
                .todos
                .iter()
                .map(|t| TodoRow {
                    kind: t.kind.clone(),
                    note: t.note.clone(),
                    done: t.done,
                })
                .collect(),
            consent_to_share_name: input.consent_to_share_name,
            gender: input.gender.clone(),
            languages: input.languages.join(", "),
        };
        form.pad();
        form
    }

    /// Blank rows to fill in, so no script is needed to add one.
    pub fn pad(&mut self) {
        for _ in 0..SPARE_ROWS.max(8usize.saturating_sub(self.skills.len())) {
            self.skills.push(SkillRow {
                slug: String::new(),
                source: String::new(),
            });
        }
        for _ in 0..SPARE_ROWS {
            self.certificates.push(CertRow {
                slug: String::new(),
                expires_on: String::new(),
                expected_on: String::new(),
            });
            self.work_history.push(JobRow {
                role: String::new(),
                employer_name: String::new(),
                sector: String::new(),
                from_year: String::new(),
                to_year: String::new(),
            });
            self.todos.push(TodoRow {
                kind: String::new(),
                note: String::new(),
                done: false,
            });
        }
    }

    /// Reads the posted form. Blank rows are dropped before anything else,
    /// so the row numbers of error messages match the rows shown again.
    pub fn read(form: &Form) -> Self {
        let skills = (0..form.rows("skills"))
            .map(|i| SkillRow {
                slug: form.text(&format!("skills[{i}].slug")),
                source: form.text(&format!("skills[{i}].source")),
            })
            .filter(|r| !r.slug.is_empty())
            .collect();
        let certificates = (0..form.rows("certificates"))
            .map(|i| CertRow {
                slug: form.text(&format!("certificates[{i}].slug")),
                expires_on: form.text(&format!("certificates[{i}].expires_on")),
                expected_on: form.text(&format!("certificates[{i}].expected_on")),
            })
            .filter(|r| !r.slug.is_empty())
            .collect();
        let work_history = (0..form.rows("work_history"))
            .map(|i| JobRow {
                role: form.text(&format!("work_history[{i}].role")),
                employer_name: form.text(&format!("work_history[{i}].employer_name")),
                sector: form.text(&format!("work_history[{i}].sector")),
                from_year: form.text(&format!("work_history[{i}].from_year")),
                to_year: form.text(&format!("work_history[{i}].to_year")),
            })
            .filter(|r| {
                !(r.role.is_empty()
                    && r.employer_name.is_empty()
                    && r.sector.is_empty()
                    && r.from_year.is_empty()
                    && r.to_year.is_empty())
            })
            .collect();
        let todos = (0..form.rows("todos"))
            .map(|i| TodoRow {
                kind: form.text(&format!("todos[{i}].kind")),
                note: form.text(&format!("todos[{i}].note")),
                done: form.checked(&format!("todos[{i}].done")),
            })
            .filter(|r| !(r.kind.is_empty() && r.note.is_empty()))
            .collect();
        Self {
            given_name: form.text("given_name"),
            family_name: form.text("family_name"),
            reference: form.text("reference"),
            release_date: form.text("release_date"),
            no_fixed_abode: form.checked("no_fixed_abode"),
            release_area: form.text("release_area"),
            travel_radius_km: form.text("travel_radius_km"),
            skills,
            certificates,
            work_history,
            sectors: form.all("sectors_of_interest"),
            hours_min: form.text("preferred_hours_min"),
            hours_max: form.text("preferred_hours_max"),
            right_to_work: form.checked("right_to_work"),
            driving_licence: form.checked("driving_licence"),
            rotl_eligible_from: form.text("rotl_eligible_from"),
            rotl_travel_km: form.text("rotl_travel_km"),
            readiness: form.text("readiness"),
            todos,
            consent_to_share_name: form.checked("consent_to_share_name"),
            gender: form.text("gender"),
            languages: form.text("languages"),
        }
    }

    /// The form's fields written over `base` (which keeps the restricted
    /// sections), with the errors found while reading text as dates,
    /// numbers and places.
    pub fn apply(&self, base: &ProfileInput) -> (ProfileInput, FieldErrors) {
        let mut e = FieldErrors::new();
        let mut input = base.clone();
        input.given_name = self.given_name.clone();
        input.family_name = self.family_name.clone();
        input.reference = self.reference.clone();
        input.release_date = forms::date(
            &mut e,
            "release_date",
            &self.release_date,
            "Enter the release date as a real date, like 2027-03-14",
        );
        input.no_fixed_abode = self.no_fixed_abode;
        input.release_area = self.release_area_input(base, &mut e);
        input.travel_radius_km = self.travel_radius(&mut e);
        input.skills = self
            .skills
            .iter()
            .map(|s| ProfileSkillInput {
                slug: s.slug.clone(),
                source: s.source.clone(),
            })
            .collect();
        input.certificates = self.certificate_inputs(&mut e);
        input.work_history = self.work_history_inputs(&mut e);
        input.sectors_of_interest = self.sectors.clone();
        input.preferred_hours_min = forms::number(
            &mut e,
            "preferred_hours_min",
            &self.hours_min,
            "Enter the fewest hours a week as a number, like 16",
        );
        input.preferred_hours_max = forms::number(
            &mut e,
            "preferred_hours_max",
            &self.hours_max,
            "Enter the most hours a week as a number, like 37.5",
        );
        input.right_to_work = self.right_to_work;
        input.driving_licence = self.driving_licence;
        input.rotl_eligible_from = forms::date(
            &mut e,
            "rotl_eligible_from",
            &self.rotl_eligible_from,
            "Enter the day release (ROTL) date as a real date, like 2027-01-10, or leave it blank",
        );
        input.rotl_travel_km = forms::number(
            &mut e,
            "rotl_travel_km",
            self.rotl_travel_km.trim(),
            "Enter how far the person can travel on day release as a number of km, like 20, or leave it blank",
        );
        input.readiness = self.readiness.clone();
        input.todos = self
            .todos
            .iter()
            .map(|t| TodoInput {
                kind: t.kind.clone(),
                note: t.note.clone(),
                done: t.done,
            })
            .collect();
        input.consent_to_share_name = self.consent_to_share_name;
        input.gender = self.gender.clone();
        input.languages = self
            .languages
            .split(',')
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        (input, e)
    }

    fn release_area_input(&self, base: &ProfileInput, e: &mut FieldErrors) -> Option<PlaceInput> {
        if self.no_fixed_abode {
            None
        } else if let Some(kept) = base
            .release_area
            .as_ref()
            .filter(|p| p.name == self.release_area)
        {
            // Unchanged: the stored place keeps its coordinates, even when
            // its name is not one the gazetteer knows.
            Some(kept.clone())
        } else {
            resolve_place(e, "release_area", &self.release_area)
        }
    }

    fn travel_radius(&self, e: &mut FieldErrors) -> f64 {
        if self.travel_radius_km.is_empty() {
            e.add(
                "travel_radius_km",
                "Enter how far the person can travel, from 0 to 200 km",
            );
            0.0
        } else {
            forms::number(
                e,
                "travel_radius_km",
                &self.travel_radius_km,
                "Enter how far the person can travel as a number of km, like 15",
            )
            .unwrap_or(0.0)
        }
    }

    pub fn certificate_inputs(&self, e: &mut FieldErrors) -> Vec<CertificateInput> {
        self.certificates
            .iter()
            .enumerate()
            .map(|(i, c)| CertificateInput {
                slug: c.slug.clone(),
                expires_on: forms::date(
                    e,
                    &format!("certificates[{i}].expires_on"),
                    &c.expires_on,
                    "Enter the expiry date as a real date, like 2028-01-31, or leave it blank",
                ),
                expected_on: forms::date(
                    e,
                    &format!("certificates[{i}].expected_on"),
                    &c.expected_on,
                    "Enter the date it is expected as a real date, like 2027-02-28, or leave it blank",
                ),
            })
            .collect()
    }

    pub fn work_history_inputs(&self, e: &mut FieldErrors) -> Vec<WorkHistoryInput> {
        self.work_history
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let from_field = format!("work_history[{i}].from_year");
                let from_year = if w.from_year.is_empty() {
                    e.add(
                        from_field.clone(),
                        "Enter the year the job started, like 2019",
                    );
                    0
                } else {
                    forms::whole(
                        e,
                        &from_field,
                        &w.from_year,
                        "Enter the year the job started, like 2019",
                    )
                    .unwrap_or(0)
                };
                WorkHistoryInput {
                    role: w.role.clone(),
                    employer_name: w.employer_name.clone(),
                    sector: w.sector.clone(),
                    from_year,
                    to_year: forms::whole(
                        e,
                        &format!("work_history[{i}].to_year"),
                        &w.to_year,
                        "Enter the year the job ended, like 2021, or leave it blank",
                    ),
                }
            })
            .collect()
    }
}

/// Choices offered by the editor.
pub struct Options {
    /// Sector label with its skills and certificates (slug, label).
    pub skill_groups: Vec<(String, Vec<(String, String)>)>,
    pub certificates: Vec<(String, String)>,
    pub sectors: Vec<(String, String)>,
    pub sources: Vec<(&'static str, &'static str)>,
    pub readiness: Vec<(&'static str, &'static str)>,
    pub todo_kinds: Vec<(&'static str, &'static str)>,
    pub genders: Vec<(&'static str, &'static str)>,
}

pub fn options(t: &Taxonomy) -> Options {
    Options {
        skill_groups: t
            .sectors()
            .iter()
            .map(|s| {
                (
                    s.label().to_string(),
                    t.entries()
                        .iter()
                        .filter(|e| e.sector() == s.slug())
                        .map(|e| (e.slug().to_string(), e.label().to_string()))
                        .collect(),
                )
            })
            .collect(),
        certificates: t
            .certificates()
            .map(|e| (e.slug().to_string(), e.label().to_string()))
            .collect(),
        sectors: t
            .sectors()
            .iter()
            .map(|s| (s.slug().to_string(), s.label().to_string()))
            .collect(),
        sources: SkillSource::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        readiness: Readiness::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        todo_kinds: TodoKind::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        genders: Gender::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
    }
}
