//! The profile editor (create and edit), the separate audited editor for
//! offence, licence and barred sections, and job-seeker sign-in slips.

use actix_web::{web, HttpResponse};

use super::see_other;
use crate::web::auth::Officer;
use crate::web::errors::AppError;
use crate::web::AppState;

pub mod csv;
pub mod cv;
mod cv_pdf;
mod editor;
pub mod export;
pub mod form;
mod import;
mod places;
pub mod purpose;
mod restricted;
pub mod restricted_form;
mod slips;

pub use editor::{create, edit_form, new_form, update};
pub use export::{json as export_json, page_of as export_page};
pub use import::{
    form as import_form, import, preview as import_preview, template as import_template,
};
pub use restricted::{restricted_edit_form, restricted_update};
pub use slips::issue_access;

/// Puts the person on the signed-in officer's own caseload.
pub async fn assign_to_me(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    crate::app::profiles::assign_to_me(&state, super::caseworker(&officer), id).await?;
    Ok(see_other(format!("/officer/profiles/{id}?saved=assigned")))
}

#[cfg(test)]
mod tests {
    use super::form::*;
    use super::restricted_form::*;
    use crate::domain::profile::ProfileDetails;
    use crate::web::officer::forms::Form;
    use actix_web::web;
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
        put("rotl_travel_km", &f.rotl_travel_km);
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
            put(&format!("certificates[{i}].expected_on"), &r.expected_on);
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
