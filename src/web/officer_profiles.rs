//! The profile editor (create and edit), the separate audited editor for
//! offence, licence and barred sections, and job-seeker sign-in slips.

use std::sync::OnceLock;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use diesel::prelude::*;
use rand::Rng;

use super::auth::Officer;
use super::errors::AppError;
use super::officer_forms::{self as forms, Form};
use super::pages::page;
use super::view::Chrome;
use super::AppState;
use crate::domain::geo::{ExclusionZoneInput, PlaceInput};
use crate::domain::offence::OffenceCategory;
use crate::domain::profile::{
    is_restricted_field, CertificateInput, Gender, ProfileDetails, ProfileInput, ProfileSkillInput,
    Readiness, SkillSource, TodoInput, TodoKind, WorkHistoryInput, PROFILE_FIELDS,
};
use crate::domain::schedule::TimeWindowInput;
use crate::domain::skills::Taxonomy;
use crate::domain::FieldErrors;
use crate::gazetteer::{Gazetteer, Lookup};
use crate::store::audit::{self, Entry};
use crate::store::{self, StoreError};

/// Blank rows offered beyond those filled in.
const SPARE_ROWS: usize = 3;

fn gazetteer() -> Option<&'static Gazetteer> {
    static GAZETTEER: OnceLock<Option<Gazetteer>> = OnceLock::new();
    GAZETTEER
        .get_or_init(|| match Gazetteer::embedded() {
            Ok(g) => Some(g),
            Err(e) => {
                tracing::error!(error = %e, "the embedded gazetteer did not load");
                None
            }
        })
        .as_ref()
}

/// A place typed by the officer, looked up in the gazetteer.
fn resolve_place(errors: &mut FieldErrors, field: &str, text: &str) -> Option<PlaceInput> {
    if text.is_empty() {
        return None;
    }
    let Some(g) = gazetteer() else {
        errors.add(
            field,
            "Places cannot be looked up just now. Try again later",
        );
        return None;
    };
    match g.resolve(text) {
        Lookup::Found(place) => Some(PlaceInput {
            name: place.name,
            lat: place.lat,
            lon: place.lon,
        }),
        Lookup::Ambiguous(options) => {
            let names: Vec<String> = options.into_iter().take(5).map(|p| p.name).collect();
            errors.add(
                field,
                format!(
                    "There is more than one place called {text}. Enter one of: {}",
                    names.join("; ")
                ),
            );
            None
        }
        Lookup::NotFound => {
            errors.add(
                field,
                format!(
                    "{text} was not found. Check the spelling, or enter a town or a postcode district such as LS1"
                ),
            );
            None
        }
    }
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

// --- The main editor ------------------------------------------------------

pub struct SkillRow {
    pub slug: String,
    pub source: String,
}
pub struct CertRow {
    pub slug: String,
    pub expires_on: String,
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

    fn blank() -> Self {
        let mut form = Self::of(&ProfileInput {
            travel_radius_km: 15.0,
            right_to_work: true,
            readiness: "not_started".into(),
            ..ProfileInput::default()
        });
        form.release_date.clear();
        form
    }

    fn of(input: &ProfileInput) -> Self {
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
    fn pad(&mut self) {
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
    fn read(form: &Form) -> Self {
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
    fn apply(&self, base: &ProfileInput) -> (ProfileInput, FieldErrors) {
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
        input.release_area = if self.no_fixed_abode {
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
            resolve_place(&mut e, "release_area", &self.release_area)
        };
        input.travel_radius_km = if self.travel_radius_km.is_empty() {
            e.add(
                "travel_radius_km",
                "Enter how far the person can travel, from 0 to 200 km",
            );
            0.0
        } else {
            forms::number(
                &mut e,
                "travel_radius_km",
                &self.travel_radius_km,
                "Enter how far the person can travel as a number of km, like 15",
            )
            .unwrap_or(0.0)
        };
        input.skills = self
            .skills
            .iter()
            .map(|s| ProfileSkillInput {
                slug: s.slug.clone(),
                source: s.source.clone(),
            })
            .collect();
        input.certificates = self
            .certificates
            .iter()
            .enumerate()
            .map(|(i, c)| CertificateInput {
                slug: c.slug.clone(),
                expires_on: forms::date(
                    &mut e,
                    &format!("certificates[{i}].expires_on"),
                    &c.expires_on,
                    "Enter the expiry date as a real date, like 2028-01-31, or leave it blank",
                ),
            })
            .collect();
        input.work_history = self
            .work_history
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
                        &mut e,
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
                        &mut e,
                        &format!("work_history[{i}].to_year"),
                        &w.to_year,
                        "Enter the year the job ended, like 2021, or leave it blank",
                    ),
                }
            })
            .collect();
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

fn options(t: &Taxonomy) -> Options {
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

#[derive(Template)]
#[template(path = "officer/profile_form.html")]
struct EditorPage {
    chrome: Chrome,
    /// None for a new profile.
    id: Option<i64>,
    form: ProfileForm,
    errors: FieldErrors,
    opts: Options,
}

fn editor(
    status: StatusCode,
    officer: &Officer,
    state: &AppState,
    id: Option<i64>,
    form: ProfileForm,
    errors: FieldErrors,
) -> HttpResponse {
    page(
        status,
        &EditorPage {
            chrome: Chrome::of(&officer.ctx),
            id,
            form,
            errors,
            opts: options(&state.taxonomy),
        },
    )
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

pub async fn new_form(state: web::Data<AppState>, officer: Officer) -> HttpResponse {
    editor(
        StatusCode::OK,
        &officer,
        &state,
        None,
        ProfileForm::blank(),
        FieldErrors::new(),
    )
}

fn new_pseudonym() -> String {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::from_entropy();
    let n: u64 = rng.gen_range(10_000..100_000_000);
    crate::seed::generator::pseudonym(&mut rng, n)
}

/// Saving failed on a rule the database keeps (the reference is taken).
fn conflict_errors(e: StoreError) -> Result<FieldErrors, AppError> {
    match e {
        StoreError::Conflict(m) if m.contains("reference") => Ok(FieldErrors::single(
            "reference",
            "Another person in this service already has this prison number",
        )),
        other => Err(other.into()),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    officer: Officer,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = ProfileForm::read(&Form::parse(&body)?);
    let (input, mine) = form.apply(&ProfileInput::default());
    let details = match ProfileDetails::parse(&input, &state.taxonomy) {
        Ok(d) if mine.is_empty() => d,
        Ok(_) => return Ok(rerender(&officer, &state, None, form, mine)),
        Err(theirs) => {
            let errors = forms::merge(mine, theirs, PROFILE_FIELDS);
            return Ok(rerender(&officer, &state, None, form, errors));
        }
    };
    let (service_id, user_id) = (officer.service_id, officer.actor.user_id);
    let actor = officer.ctx.audit_actor();
    let saved = state
        .store
        .run(move |conn| {
            let at = store::now();
            crate::write_tx!(conn, |c| {
                let id = store::profiles::insert(
                    c,
                    service_id,
                    Some(user_id),
                    &new_pseudonym(),
                    &details,
                    at,
                )?;
                crate::matches::profile_changed(c, id, at)?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "profile.created",
                        subject_kind: Some("profile"),
                        subject_id: Some(id),
                        detail: None,
                    },
                    at,
                )?;
                Ok::<_, StoreError>(id)
            })
        })
        .await;
    match saved {
        Ok(id) => Ok(see_other(format!("/officer/profiles/{id}?saved=created"))),
        Err(e) => {
            let errors = conflict_errors(e)?;
            Ok(rerender(&officer, &state, None, form, errors))
        }
    }
}

fn rerender(
    officer: &Officer,
    state: &AppState,
    id: Option<i64>,
    mut form: ProfileForm,
    errors: FieldErrors,
) -> HttpResponse {
    form.pad();
    editor(
        StatusCode::UNPROCESSABLE_ENTITY,
        officer,
        state,
        id,
        form,
        errors,
    )
}

/// The general editor never shows what is wrong with a restricted section
/// (the message could reveal a curfew or an offence): it points to that
/// section's own page, where the view is audited.
fn without_restricted(errors: FieldErrors, id: i64) -> FieldErrors {
    let mut kept = FieldErrors::new();
    let mut hidden = false;
    for (field, messages) in errors.iter() {
        if is_restricted_field(field) {
            hidden = true;
            continue;
        }
        for message in messages {
            kept.add(field, message.clone());
        }
    }
    if hidden {
        kept.add(
            "restricted",
            format!("The offence, licence and barred information needs correcting first: open it from the profile page (/officer/profiles/{id}/restricted)"),
        );
    }
    kept
}

pub async fn edit_form(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let actor = officer.ctx.audit_actor();
    // Every read of a person's record is audited, as on the profile page;
    // the editor holds no restricted section.
    let profile = state
        .store
        .run(move |c| {
            let profile = store::profiles::load_in_service(c, id, service_id, &taxonomy)?;
            audit::record(
                c,
                &actor,
                Entry {
                    action: "profile.viewed",
                    subject_kind: Some("profile"),
                    subject_id: Some(id),
                    detail: Some("editor".into()),
                },
                store::now(),
            )?;
            Ok(profile)
        })
        .await?;
    Ok(editor(
        StatusCode::OK,
        &officer,
        &state,
        Some(id),
        ProfileForm::of(&profile.details.to_input()),
        FieldErrors::new(),
    ))
}

/// Stores new details for a profile of the officer's service, with the
/// matcher's job and an audit row, in one transaction.
async fn save(
    state: &AppState,
    officer: &Officer,
    id: i64,
    details: ProfileDetails,
    action: &'static str,
) -> Result<(), StoreError> {
    let service_id = officer.service_id;
    let actor = officer.ctx.audit_actor();
    state
        .store
        .run(move |conn| {
            let at = store::now();
            crate::write_tx!(conn, |c| {
                store::profiles::update(c, id, service_id, &details, at)?;
                crate::matches::profile_changed(c, id, at)?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action,
                        subject_kind: Some("profile"),
                        subject_id: Some(id),
                        detail: None,
                    },
                    at,
                )?;
                Ok::<_, StoreError>(())
            })
        })
        .await
}

pub async fn update(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (id, service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let current = state
        .store
        .run(move |c| store::profiles::load_in_service(c, id, service_id, &taxonomy))
        .await?;
    let form = ProfileForm::read(&Form::parse(&body)?);
    let (input, mine) = form.apply(&current.details.to_input());
    let details = match ProfileDetails::parse(&input, &state.taxonomy) {
        Ok(d) if mine.is_empty() => d,
        Ok(_) => return Ok(rerender(&officer, &state, Some(id), form, mine)),
        Err(theirs) => {
            let errors = forms::merge(mine, without_restricted(theirs, id), PROFILE_FIELDS);
            return Ok(rerender(&officer, &state, Some(id), form, errors));
        }
    };
    match save(&state, &officer, id, details, "profile.updated").await {
        Ok(()) => Ok(see_other(format!("/officer/profiles/{id}?saved=profile"))),
        Err(e) => {
            let errors = conflict_errors(e)?;
            Ok(rerender(&officer, &state, Some(id), form, errors))
        }
    }
}

// --- Offence, licence and barred sections -------------------------------

pub struct CurfewRow {
    pub days: Vec<String>,
    pub start: String,
    pub end: String,
}
pub struct ZoneRow {
    pub place: String,
    pub radius_km: String,
}

pub struct RestrictedForm {
    pub curfews: Vec<CurfewRow>,
    pub zones: Vec<ZoneRow>,
    pub no_driving: bool,
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

    fn of(input: &ProfileInput) -> Self {
        let mut form = Self {
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
                })
                .collect(),
            zones: input
                .exclusion_zones
                .iter()
                .map(|z| ZoneRow {
                    place: z.name.clone(),
                    radius_km: fmt_num(z.radius_km),
                })
                .collect(),
            no_driving: input.no_driving,
            other_conditions: input.other_conditions.clone(),
            offences: input.offence_categories.clone(),
            barred_children: input.barred_children,
            barred_adults: input.barred_adults,
        };
        form.pad();
        form
    }

    fn pad(&mut self) {
        for _ in 0..SPARE_ROWS {
            self.curfews.push(CurfewRow {
                days: Vec::new(),
                start: String::new(),
                end: String::new(),
            });
            self.zones.push(ZoneRow {
                place: String::new(),
                radius_km: String::new(),
            });
        }
    }

    fn read(form: &Form) -> Self {
        Self {
            curfews: (0..form.rows("curfews"))
                .map(|i| CurfewRow {
                    days: form.all(&format!("curfews[{i}].days")),
                    start: form.text(&format!("curfews[{i}].start")),
                    end: form.text(&format!("curfews[{i}].end")),
                })
                .filter(|r| !(r.days.is_empty() && r.start.is_empty() && r.end.is_empty()))
                .collect(),
            zones: (0..form.rows("exclusion_zones"))
                .map(|i| ZoneRow {
                    place: form.text(&format!("exclusion_zones[{i}].name")),
                    radius_km: form.text(&format!("exclusion_zones[{i}].radius_km")),
                })
                .filter(|r| !(r.place.is_empty() && r.radius_km.is_empty()))
                .collect(),
            no_driving: form.checked("no_driving"),
            other_conditions: form.text("other_conditions"),
            offences: form.all("offence_categories"),
            barred_children: form.checked("barred_children"),
            barred_adults: form.checked("barred_adults"),
        }
    }

    fn apply(&self, base: &ProfileInput) -> (ProfileInput, FieldErrors) {
        let mut e = FieldErrors::new();
        let mut input = base.clone();
        input.curfews = self
            .curfews
            .iter()
            .map(|r| TimeWindowInput {
                days: r.days.clone(),
                start: r.start.clone(),
                end: r.end.clone(),
            })
            .collect();
        input.exclusion_zones = self
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| {
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
                    resolve_place(&mut e, &name_field, &z.place)
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
                        &mut e,
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
                ExclusionZoneInput {
                    name: place.name,
                    lat: place.lat,
                    lon: place.lon,
                    radius_km: radius,
                }
            })
            .collect();
        input.no_driving = self.no_driving;
        input.other_conditions = self.other_conditions.clone();
        input.offence_categories = self.offences.clone();
        input.barred_children = self.barred_children;
        input.barred_adults = self.barred_adults;
        (input, e)
    }
}

#[derive(Template)]
#[template(path = "officer/restricted_form.html")]
struct RestrictedEditor {
    chrome: Chrome,
    id: i64,
    name: String,
    form: RestrictedForm,
    errors: FieldErrors,
    offences: Vec<(&'static str, &'static str)>,
    days: [(&'static str, &'static str); 7],
}

fn restricted_editor(
    status: StatusCode,
    officer: &Officer,
    id: i64,
    name: String,
    form: RestrictedForm,
    errors: FieldErrors,
) -> HttpResponse {
    page(
        status,
        &RestrictedEditor {
            chrome: Chrome::of(&officer.ctx),
            id,
            name,
            form,
            errors,
            offences: OffenceCategory::ALL
                .iter()
                .map(|o| (o.as_str(), o.label()))
                .collect(),
            days: DAYS,
        },
    )
}

/// Loads a profile and writes the audit row for seeing its restricted
/// sections, in one go.
async fn load_restricted(
    state: &AppState,
    officer: &Officer,
    id: i64,
    detail: &'static str,
) -> Result<crate::domain::profile::Profile, AppError> {
    let service_id = officer.service_id;
    let taxonomy = state.taxonomy.clone();
    let actor = officer.ctx.audit_actor();
    Ok(state
        .store
        .run(move |conn| {
            let profile = store::profiles::load_in_service(conn, id, service_id, &taxonomy)?;
            audit::record(
                conn,
                &actor,
                Entry {
                    action: "profile.restricted_viewed",
                    subject_kind: Some("profile"),
                    subject_id: Some(id),
                    detail: Some(detail.into()),
                },
                store::now(),
            )?;
            Ok(profile)
        })
        .await?)
}

pub async fn restricted_edit_form(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let profile = load_restricted(
        &state,
        &officer,
        id,
        "editor for offence, licence and barred sections",
    )
    .await?;
    let d = &profile.details;
    Ok(restricted_editor(
        StatusCode::OK,
        &officer,
        id,
        format!("{} {}", d.given_name(), d.family_name()),
        RestrictedForm::of(&d.to_input()),
        FieldErrors::new(),
    ))
}

pub async fn restricted_update(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let profile = load_restricted(
        &state,
        &officer,
        id,
        "saving offence, licence and barred sections",
    )
    .await?;
    let d = &profile.details;
    let name = format!("{} {}", d.given_name(), d.family_name());
    let form = RestrictedForm::read(&Form::parse(&body)?);
    let (input, mine) = form.apply(&d.to_input());
    let details = match ProfileDetails::parse(&input, &state.taxonomy) {
        Ok(d) if mine.is_empty() => d,
        result => {
            let errors = match result {
                Err(theirs) => forms::merge(mine, theirs, PROFILE_FIELDS),
                Ok(_) => mine,
            };
            let mut form = form;
            form.pad();
            return Ok(restricted_editor(
                StatusCode::UNPROCESSABLE_ENTITY,
                &officer,
                id,
                name,
                form,
                errors,
            ));
        }
    };
    save(&state, &officer, id, details, "profile.restricted_updated").await?;
    Ok(see_other(format!(
        "/officer/profiles/{id}/restricted?saved=restricted"
    )))
}

// --- Job-seeker sign-in slips --------------------------------------------

#[derive(Template)]
#[template(path = "officer/access_slip.html")]
struct Slip {
    chrome: Chrome,
    id: i64,
    given_name: String,
    login_code: String,
    pin: String,
    reset: bool,
    /// The terminal's own button labels, from its message catalogue, so the
    /// slip names the buttons the person will see.
    sign_in_button: &'static str,
    switch_user_button: &'static str,
}

/// Issues a login code and a new PIN (or a new PIN for the existing code,
/// which also unlocks the account and ends its sessions): shown once, on a
/// slip to print and hand over. Audited; the PIN itself is never stored.
pub async fn issue_access(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, service_id, user_id) = (path.into_inner(), officer.service_id, officer.actor.user_id);
    let pin: String = {
        let mut rng = rand::thread_rng();
        (0..6)
            .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
            .collect()
    };
    let pin_hash = state.hashing.hash(pin.clone()).await?;
    let actor = officer.ctx.audit_actor();
    let taxonomy = state.taxonomy.clone();
    let (given_name, code, reset) = state
        .store
        .run(move |conn| {
            let profile = store::profiles::load_in_service(conn, id, service_id, &taxonomy)?;
            let at = store::now();
            crate::write_tx!(conn, |c| {
                let existed = crate::store::schema::job_seekers::table
                    .filter(crate::store::schema::job_seekers::profile_id.eq(id))
                    .count()
                    .get_result::<i64>(c)?
                    > 0;
                let (seeker_id, code) =
                    store::access::issue_seeker_access(c, id, &pin_hash, Some(user_id), at)?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: if existed {
                            "seeker.pin_reset"
                        } else {
                            "seeker.access_issued"
                        },
                        subject_kind: Some("profile"),
                        subject_id: Some(id),
                        detail: Some(format!("job seeker {seeker_id}")),
                    },
                    at,
                )?;
                Ok::<_, StoreError>((profile.details.given_name().to_string(), code, existed))
            })
        })
        .await?;
    let terminal_words = super::i18n::Messages::new(super::i18n::Lang::En);
    Ok(page(
        StatusCode::OK,
        &Slip {
            chrome: Chrome::of(&officer.ctx),
            id,
            given_name,
            login_code: code,
            pin,
            reset,
            sign_in_button: terminal_words.get("sign_in.submit"),
            switch_user_button: terminal_words.get("site.switch_user"),
        },
    ))
}

/// Puts the person on the signed-in officer's own caseload.
pub async fn assign_to_me(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, service_id, user_id) = (path.into_inner(), officer.service_id, officer.actor.user_id);
    let actor = officer.ctx.audit_actor();
    state
        .store
        .run(move |conn| {
            let at = store::now();
            crate::write_tx!(conn, |c| {
                store::caseload::assign(c, id, service_id, user_id, at)?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "profile.assigned",
                        subject_kind: Some("profile"),
                        subject_id: Some(id),
                        detail: Some(format!("to officer {user_id}")),
                    },
                    at,
                )?;
                Ok::<_, StoreError>(())
            })
        })
        .await?;
    Ok(see_other(format!("/officer/profiles/{id}?saved=assigned")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// What a browser sends for the editor as shown: every text field and
    /// select (blank when empty), ticked checkboxes only.
    fn main_pairs(f: &ProfileForm) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: &str| out.push((k.to_string(), v.to_string()));
        put("given_name", &f.given_name);
        put("family_name", &f.family_name);
        put("reference", &f.reference);
        put("release_date", &f.release_date);
        put("release_area", &f.release_area);
        if f.no_fixed_abode {
            put("no_fixed_abode", "yes");
        }
        put("travel_radius_km", &f.travel_radius_km);
        put("rotl_eligible_from", &f.rotl_eligible_from);
        if f.right_to_work {
            put("right_to_work", "yes");
        }
        if f.driving_licence {
            put("driving_licence", "yes");
        }
        for s in &f.sectors {
            put("sectors_of_interest", s);
        }
        put("preferred_hours_min", &f.hours_min);
        put("preferred_hours_max", &f.hours_max);
        for (i, r) in f.skills.iter().enumerate() {
            put(&format!("skills[{i}].slug"), &r.slug);
            put(&format!("skills[{i}].source"), &r.source);
        }
        for (i, r) in f.certificates.iter().enumerate() {
            put(&format!("certificates[{i}].slug"), &r.slug);
            put(&format!("certificates[{i}].expires_on"), &r.expires_on);
        }
        for (i, r) in f.work_history.iter().enumerate() {
            put(&format!("work_history[{i}].role"), &r.role);
            put(
                &format!("work_history[{i}].employer_name"),
                &r.employer_name,
            );
            put(&format!("work_history[{i}].sector"), &r.sector);
            put(&format!("work_history[{i}].from_year"), &r.from_year);
            put(&format!("work_history[{i}].to_year"), &r.to_year);
        }
        put("readiness", &f.readiness);
        for (i, r) in f.todos.iter().enumerate() {
            put(&format!("todos[{i}].kind"), &r.kind);
            put(&format!("todos[{i}].note"), &r.note);
            if r.done {
                put(&format!("todos[{i}].done"), "yes");
            }
        }
        if f.consent_to_share_name {
            put("consent_to_share_name", "yes");
        }
        put("gender", &f.gender);
        put("languages", &f.languages);
        out
    }

    fn restricted_pairs(f: &RestrictedForm) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: &str| out.push((k.to_string(), v.to_string()));
        for (i, r) in f.curfews.iter().enumerate() {
            for d in &r.days {
                put(&format!("curfews[{i}].days"), d);
            }
            put(&format!("curfews[{i}].start"), &r.start);
            put(&format!("curfews[{i}].end"), &r.end);
        }
        for (i, z) in f.zones.iter().enumerate() {
            put(&format!("exclusion_zones[{i}].name"), &z.place);
            put(&format!("exclusion_zones[{i}].radius_km"), &z.radius_km);
        }
        if f.no_driving {
            put("no_driving", "yes");
        }
        put("other_conditions", &f.other_conditions);
        for o in &f.offences {
            put("offence_categories", o);
        }
        if f.barred_children {
            put("barred_children", "yes");
        }
        if f.barred_adults {
            put("barred_adults", "yes");
        }
        out
    }

    fn form_of(pairs: Vec<(String, String)>) -> Form {
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        Form::parse(&web::Bytes::from(body)).unwrap()
    }

    /// Saving either editor unchanged stores exactly what was there, for
    /// every kind of generated profile (curfews, zones, hours, to-dos,
    /// places the gazetteer does not know).
    #[test]
    fn both_editors_save_an_unchanged_profile_unchanged() {
        let taxonomy = crate::startup::load_taxonomy().unwrap();
        let town = crate::seed::generator::Town {
            name: "Leeds".into(),
            lat: 53.7965,
            lon: -1.5478,
        };
        let today = chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for n in 0..400 {
            let generated = crate::seed::generator::profile(&mut rng, n, &town, today);
            let original = ProfileDetails::parse(&generated, &taxonomy).unwrap();
            let base = original.to_input();

            let shown = ProfileForm::of(&base);
            let read = ProfileForm::read(&form_of(main_pairs(&shown)));
            let (input, errors) = read.apply(&base);
            assert!(errors.is_empty(), "profile {n}: {errors:?}");
            let saved = ProfileDetails::parse(&input, &taxonomy)
                .unwrap_or_else(|e| panic!("profile {n}: {e:?}"));
            assert_eq!(saved, original, "main editor, profile {n}");

            let shown = RestrictedForm::of(&base);
            let read = RestrictedForm::read(&form_of(restricted_pairs(&shown)));
            let (input, errors) = read.apply(&base);
            assert!(errors.is_empty(), "profile {n}: {errors:?}");
            let saved = ProfileDetails::parse(&input, &taxonomy)
                .unwrap_or_else(|e| panic!("profile {n}: {e:?}"));
            assert_eq!(saved, original, "restricted editor, profile {n}");
        }
    }
}
