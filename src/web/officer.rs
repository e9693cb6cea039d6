//! Case officer pages. The caseload arrives with the officer workspace; this
//! is the landing page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use diesel::prelude::*;

use super::auth::Officer;
use super::errors::AppError;
use super::pages::page;
use super::view::Chrome;
use super::AppState;
use crate::store::schema::{profiles, services};
use crate::with_conn;

#[derive(Template)]
#[template(path = "officer/home.html")]
struct Home {
    chrome: Chrome,
    service: String,
    name: String,
    profiles: i64,
    mine: i64,
}

pub async fn home(state: web::Data<AppState>, officer: Officer) -> Result<HttpResponse, AppError> {
    let service_id = officer.service_id;
    let user_id = officer.actor.user_id;
    let (service, total, mine) = state
        .store
        .run(move |conn| {
            Ok(with_conn!(conn, |c| {
                let service: String = services::table
                    .find(service_id)
                    .select(services::name)
                    .first(c)?;
                let total: i64 = profiles::table
                    .filter(profiles::service_id.eq(service_id))
                    .count()
                    .get_result(c)?;
                let mine: i64 = profiles::table
                    .filter(profiles::service_id.eq(service_id))
                    .filter(profiles::officer_id.eq(user_id))
                    .count()
                    .get_result(c)?;
                (service, total, mine)
            }))
        })
        .await?;
    Ok(page(
        StatusCode::OK,
        &Home {
            chrome: Chrome::of(&officer.ctx),
            service,
            name: officer.actor.name.clone(),
            profiles: total,
            mine,
        },
    ))
}

/// The profile as an officer reads it, without the restricted sections.
struct ProfileView {
    id: i64,
    name: String,
    reference: String,
    release_date: String,
    release_area: String,
    travel_radius: String,
    readiness: String,
    right_to_work: &'static str,
    sectors: String,
    consent: &'static str,
    skills: Vec<String>,
    certificates: Vec<String>,
    todos: Vec<String>,
}

#[derive(Template)]
#[template(path = "officer/profile.html")]
struct ProfilePage {
    chrome: Chrome,
    view: ProfileView,
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "Yes"
    } else {
        "No"
    }
}

pub async fn profile(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let actor = officer.ctx.audit_actor();
    let profile = state
        .store
        .run(move |conn| {
            let profile = crate::store::profiles::load_in_service(conn, id, service_id, &taxonomy)?;
            crate::store::audit::record(
                conn,
                &actor,
                crate::store::audit::Entry {
                    action: "profile.viewed",
                    subject_kind: Some("profile"),
                    subject_id: Some(id),
                    detail: None,
                },
                crate::store::now(),
            )?;
            Ok(profile)
        })
        .await?;
    let d = &profile.details;
    let t = &state.taxonomy;
    let view = ProfileView {
        id: profile.id,
        name: format!("{} {}", d.given_name(), d.family_name()),
        reference: d.reference().to_string(),
        release_date: d.release_date().format("%d %B %Y").to_string(),
        release_area: match d.release_area() {
            crate::domain::profile::ReleaseArea::Place(p) => p.name().to_string(),
            crate::domain::profile::ReleaseArea::NoFixedAbode => "No fixed abode".to_string(),
        },
        travel_radius: format!("{:.0}", d.travel_radius_km()),
        readiness: d.readiness().label().to_string(),
        right_to_work: yes_no(d.right_to_work()),
        sectors: d
            .sectors_of_interest()
            .iter()
            .map(|s| t.sector_label(s).to_string())
            .collect::<Vec<_>>()
            .join(", "),
        consent: yes_no(d.consent_to_share_name()),
        skills: d
            .skills()
            .iter()
            .map(|s| format!("{} ({})", t.label(s.slug()), s.source().label()))
            .collect(),
        certificates: d
            .certificates()
            .iter()
            .map(|c| match c.expires_on() {
                Some(date) => format!(
                    "{} (expires {})",
                    t.label(c.slug()),
                    date.format("%d %b %Y")
                ),
                None => t.label(c.slug()).to_string(),
            })
            .collect(),
        todos: d
            .todos()
            .iter()
            .map(|todo| {
                format!(
                    "{}{}",
                    todo.kind().label(),
                    if todo.done() { ": done" } else { "" }
                )
            })
            .collect(),
    };
    Ok(page(
        StatusCode::OK,
        &ProfilePage {
            chrome: Chrome::of(&officer.ctx),
            view,
        },
    ))
}

#[derive(Template)]
#[template(path = "officer/restricted.html")]
struct RestrictedPage {
    chrome: Chrome,
    id: i64,
    name: String,
    offences: Vec<String>,
    conditions: Vec<String>,
    barred_children: &'static str,
    barred_adults: &'static str,
}

/// Offence categories, licence conditions and barred flags: shown to the
/// officers of the person's own service, and every view is audited.
pub async fn restricted(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let actor = officer.ctx.audit_actor();
    let profile = state
        .store
        .run(move |conn| {
            let profile = crate::store::profiles::load_in_service(conn, id, service_id, &taxonomy)?;
            crate::store::audit::record(
                conn,
                &actor,
                crate::store::audit::Entry {
                    action: "profile.restricted_viewed",
                    subject_kind: Some("profile"),
                    subject_id: Some(id),
                    detail: Some("offence, licence and barred sections".into()),
                },
                crate::store::now(),
            )?;
            Ok(profile)
        })
        .await?;
    let d = &profile.details;
    let conditions = d.licence_conditions();
    let mut lines: Vec<String> = conditions
        .curfews()
        .iter()
        .map(|w| {
            format!(
                "Curfew {} {}–{}",
                w.days(),
                w.start().format("%H:%M"),
                w.end().format("%H:%M")
            )
        })
        .collect();
    lines.extend(conditions.exclusion_zones().iter().map(|z| {
        format!(
            "Exclusion zone: {} (within {:.1} km)",
            z.name(),
            z.radius_km()
        )
    }));
    if conditions.no_driving() {
        lines.push("Must not drive".into());
    }
    if let Some(other) = conditions.other() {
        lines.push(other.to_string());
    }
    Ok(page(
        StatusCode::OK,
        &RestrictedPage {
            chrome: Chrome::of(&officer.ctx),
            id: profile.id,
            name: format!("{} {}", d.given_name(), d.family_name()),
            offences: d
                .offence_categories()
                .iter()
                .map(|o| o.label().to_string())
                .collect(),
            conditions: lines,
            barred_children: yes_no(d.barred_children()),
            barred_adults: yes_no(d.barred_adults()),
        },
    ))
}
