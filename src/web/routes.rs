//! The route table: every route the service answers, who may call it, and
//! the handler. The app is built from this table, and the authorization
//! matrix test walks it, so a route cannot be added without saying who may
//! use it.

use actix_web::web;

use super::api::reference as api_reference;
use super::employer::slots as employer_slots;
use super::employer::vacancies as employer_vacancies;
use super::employer::{applications as employer_applications, home as employer_home};
use super::employer::{import as vacancy_import, signup as employer_signup};
use super::officer::{self, disclosure as officer_disclosure, reports};
use super::officer::{
    applications as officer_applications, matches as officer_matches, outcomes as officer_outcomes,
    profiles as officer_profiles, slots as officer_slots, vacancy as officer_vacancy,
};
use super::terminal::{self, api as terminal_api, seeker};
use super::{account, admin, api, health, pages};

/// Who a route is for. The handler's extractor enforces it; this records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in staff member.
    Staff,
    Admin,
    Officer,
    /// A case officer or an administrator.
    Casework,
    Employer,
    /// An enrolled terminal, before a job seeker signs in.
    Device,
    /// A job seeker signed in on an enrolled terminal.
    Seeker,
    /// The profile API: a case officer, or an integration token of the
    /// officer's service (which reaches nothing else).
    Profiles,
}

pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    /// Adds the handler at a path: the route's own, or the rest of it
    /// inside its scope (see [`register`]).
    register: fn(&mut web::ServiceConfig, &str),
}

macro_rules! route {
    ($method:ident $path:literal, $access:ident => $handler:path) => {
        Route {
            method: stringify!($method),
            path: $path,
            access: Access::$access,
            register: |cfg, path| {
                cfg.route(path, route!(@method $method).to($handler));
            },
        }
    };
    (@method GET) => { web::get() };
    (@method POST) => { web::post() };
    (@method PUT) => { web::put() };
    (@method PATCH) => { web::patch() };
    (@method DELETE) => { web::delete() };
}

/// Every route, by audience, in the order they are matched.
pub fn table() -> Vec<Route> {
    [
        public_routes(),
        admin_routes(),
        officer_routes(),
        employer_routes(),
        terminal_routes(),
        api_routes(),
        reports_routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Public pages, health, and staff sign-in and accounts.
fn public_routes() -> Vec<Route> {
    vec![
        route!(GET "/", Public => pages::home),
        route!(GET "/static/app.css", Public => pages::stylesheet),
        route!(GET "/privacy", Public => pages::privacy),
        route!(GET "/healthz", Public => health::healthz),
        route!(GET "/readyz", Public => health::readyz),
        // Staff sign-in and accounts.
        route!(GET "/sign-in", Public => account::sign_in_form),
        route!(POST "/sign-in", Public => account::sign_in),
        route!(POST "/sign-out", Staff => account::sign_out),
        route!(GET "/account", Staff => account::home),
        route!(GET "/account/password", Staff => account::password_form),
        route!(POST "/account/password", Staff => account::change_password),
        route!(POST "/account/sign-out-everywhere", Staff => account::sign_out_everywhere),
        route!(POST "/account/email-digest", Staff => account::set_digest),
    ]
}

/// Administrators' pages.
fn admin_routes() -> Vec<Route> {
    vec![
        // Administrators.
        route!(GET "/admin", Admin => admin::dashboard),
        route!(GET "/admin/users", Admin => admin::users),
        route!(GET "/admin/users/new", Admin => admin::new_user_form),
        route!(POST "/admin/users", Admin => admin::create_user),
        route!(POST "/admin/users/{id}/reset-password", Admin => admin::reset_password),
        route!(POST "/admin/users/{id}/disable", Admin => admin::disable_user),
        route!(POST "/admin/users/{id}/enable", Admin => admin::enable_user),
        route!(GET "/admin/terminals", Admin => admin::terminals),
        route!(POST "/admin/terminals", Admin => admin::enrol_terminal),
        route!(POST "/admin/terminals/{id}/revoke", Admin => admin::revoke_terminal),
        route!(GET "/admin/audit", Admin => admin::audit),
        route!(GET "/admin/processing", Admin => admin::processing),
        route!(GET "/admin/queue", Admin => admin::queue),
        route!(GET "/admin/integrations", Admin => admin::integrations),
        route!(POST "/admin/integrations", Admin => admin::create_integration),
        route!(POST "/admin/integrations/{id}/revoke", Admin => admin::revoke_integration),
        route!(POST "/admin/queue/{id}/retry", Admin => admin::retry_job),
    ]
}

/// Case officers' pages.
fn officer_routes() -> Vec<Route> {
    vec![
        // Case officers.
        route!(GET "/officer", Officer => officer::home),
        // Case officer workspace: caseload, profile editor, sign-in slips,
        // matches, applications and outcomes. Before /officer/profiles/{id},
        // so that /officer/profiles/new is not read as an id.
        route!(GET "/officer/caseload", Officer => officer::caseload),
        // The spent-date helper: nothing entered is stored.
        route!(GET "/officer/tools/spent", Casework => officer::spent::form),
        route!(POST "/officer/tools/spent", Casework => officer::spent::answer),
        route!(GET "/officer/profiles/new", Officer => officer_profiles::new_form),
        route!(GET "/officer/profiles/import", Casework => officer_profiles::import_form),
        route!(GET "/officer/profiles/import/template.csv", Casework => officer_profiles::import_template),
        route!(POST "/officer/profiles/import/preview", Casework => officer_profiles::import_preview),
        route!(POST "/officer/profiles/import", Casework => officer_profiles::import),
        route!(POST "/officer/profiles", Officer => officer_profiles::create),
        route!(GET "/officer/profiles/{id}/edit", Officer => officer_profiles::edit_form),
        route!(POST "/officer/profiles/{id}", Officer => officer_profiles::update),
        route!(GET "/officer/profiles/{id}/restricted/edit", Officer => officer_profiles::restricted_edit_form),
        route!(POST "/officer/profiles/{id}/restricted", Officer => officer_profiles::restricted_update),
        route!(POST "/officer/profiles/{id}/restricted/purpose", Officer => officer_profiles::purpose::give),
        route!(POST "/officer/profiles/{id}/access", Officer => officer_profiles::issue_access),
        route!(POST "/officer/profiles/{id}/assign", Officer => officer_profiles::assign_to_me),
        route!(GET "/officer/profiles/{id}/matches", Officer => officer_matches::profile_matches),
        route!(POST "/officer/profiles/{id}/watches", Officer => officer_matches::watch),
        route!(POST "/officer/profiles/{id}/watches/stop", Officer => officer_matches::stop_watching),
        route!(GET "/officer/profiles/{id}/export", Casework => officer_profiles::export_page),
        route!(GET "/officer/profiles/{id}/export.json", Casework => officer_profiles::export_json),
        route!(GET "/officer/profiles/{id}/cv.pdf", Casework => officer_profiles::cv::pdf),
        route!(POST "/officer/profiles/{id}/cv/suggestions", Officer => officer_profiles::cv::suggest),
        route!(GET "/officer/matches", Officer => officer_matches::waiting),
        route!(GET "/officer/matches/soon", Officer => officer_matches::soon_eligible),
        route!(POST "/officer/matches/{id}/approve", Officer => officer_matches::approve),
        route!(POST "/officer/matches/{id}/dismiss", Officer => officer_matches::dismiss),
        route!(GET "/officer/vacancies/{id}", Officer => officer_vacancy::show),
        route!(GET "/officer/vacancies/{id}/candidates", Officer => officer_matches::candidates),
        route!(GET "/officer/applications", Officer => officer_applications::list),
        route!(GET "/officer/applications/{id}", Officer => officer_applications::detail),
        route!(POST "/officer/applications/{id}/review", Officer => officer_applications::review),
        route!(POST "/officer/applications/{id}/statement", Officer => officer_applications::edit_statement),
        route!(POST "/officer/applications/{id}/forward", Officer => officer_applications::forward),
        route!(POST "/officer/applications/{id}/decline", Officer => officer_applications::decline),
        route!(POST "/officer/applications/{id}/withdraw", Officer => officer_applications::withdraw),
        route!(POST "/officer/applications/{id}/start", Officer => officer_applications::record_start),
        route!(GET "/officer/applications/{id}/slots", Officer => officer_slots::show),
        route!(POST "/officer/applications/{id}/slots", Officer => officer_slots::book),
        route!(POST "/officer/applications/{id}/bookings/{booking}/cancel", Officer => officer_slots::cancel),
        route!(GET "/officer/bookings", Officer => officer_slots::upcoming),
        route!(POST "/officer/profiles/{id}/outcomes", Officer => officer_outcomes::record_start),
        route!(POST "/officer/outcomes/{id}/check", Officer => officer_outcomes::record_check),
        route!(GET "/officer/profiles/{id}/disclosure", Officer => officer_disclosure::show),
        route!(POST "/officer/profiles/{id}/disclosure/approve", Officer => officer_disclosure::approve),
        route!(POST "/officer/profiles/{id}/disclosure/changes", Officer => officer_disclosure::ask_changes),
        route!(GET "/officer/profiles/{id}", Officer => officer::profile),
        route!(GET "/officer/profiles/{id}/restricted", Officer => officer::restricted),
    ]
}

/// Employers' pages.
fn employer_routes() -> Vec<Route> {
    vec![
        // Employers.
        route!(GET "/employer", Employer => employer_home::home),
        route!(GET "/employer/vacancies", Employer => employer_home::vacancies),
        // Employer portal: the vacancy editor (before "/employer/vacancies/{id}").
        route!(GET "/employer/vacancies/new", Employer => employer_vacancies::new_form),
        route!(POST "/employer/vacancies", Employer => employer_vacancies::create),
        route!(GET "/employer/vacancies/import", Employer => vacancy_import::form),
        route!(POST "/employer/vacancies/import", Employer => vacancy_import::import),
        route!(POST "/employer/vacancies/import/upload", Employer => vacancy_import::upload),
        route!(GET "/employer/vacancies/import/template.csv", Employer => vacancy_import::template),
        route!(GET "/employer/vacancies/{id}", Employer => employer_vacancies::show),
        route!(GET "/employer/vacancies/{id}/preview", Employer => employer_vacancies::preview),
        route!(GET "/employer/vacancies/{id}/edit", Employer => employer_vacancies::edit_form),
        route!(POST "/employer/vacancies/{id}", Employer => employer_vacancies::update),
        route!(POST "/employer/vacancies/{id}/publish", Employer => employer_vacancies::publish),
        route!(POST "/employer/vacancies/{id}/pause", Employer => employer_vacancies::pause),
        route!(POST "/employer/vacancies/{id}/resume", Employer => employer_vacancies::resume),
        route!(POST "/employer/vacancies/{id}/fill", Employer => employer_vacancies::fill),
        route!(POST "/employer/vacancies/{id}/close", Employer => employer_vacancies::close),
        route!(POST "/employer/vacancies/{id}/withdraw", Employer => employer_vacancies::withdraw),
        route!(POST "/employer/vacancies/{id}/duplicate", Employer => employer_vacancies::duplicate),
        route!(GET "/employer/vacancies/{id}/applications", Employer => employer_applications::inbox),
        route!(GET "/employer/applications", Employer => employer_applications::all),
        route!(GET "/employer/applications/{id}", Employer => employer_applications::show),
        route!(POST "/employer/applications/{id}/status", Employer => employer_applications::change_status),
        route!(GET "/employer/vacancies/{id}/slots", Employer => employer_slots::list),
        route!(POST "/employer/vacancies/{id}/slots", Employer => employer_slots::create),
        route!(GET "/employer/slots/{id}/edit", Employer => employer_slots::edit_form),
        route!(POST "/employer/slots/{id}", Employer => employer_slots::update),
        route!(POST "/employer/slots/{id}/cancel", Employer => employer_slots::cancel),
        route!(GET "/employer/bookings", Employer => employer_slots::bookings),
        route!(POST "/employer/bookings/{id}/confirm", Employer => employer_slots::confirm),
        route!(GET "/employer/bookings/{id}/move", Employer => employer_slots::move_page),
        route!(POST "/employer/bookings/{id}/move", Employer => employer_slots::move_booking),
        route!(POST "/employer/bookings/{id}/cancel", Employer => employer_slots::cancel_booking),
        route!(POST "/employer/bookings/{id}/attendance", Employer => employer_slots::attendance),
        // Employer portal: accounts (sign-up, review, invitations).
        route!(GET "/employers/join", Public => employer_signup::sign_up_form),
        route!(POST "/employers/join", Public => employer_signup::sign_up),
        route!(GET "/admin/employers", Admin => employer_signup::review),
        route!(POST "/admin/employers/{id}/approve", Admin => employer_signup::approve),
        route!(POST "/admin/employers/{id}/decline", Admin => employer_signup::decline),
        route!(GET "/employer/team", Employer => employer_signup::team),
        route!(POST "/employer/invitations", Employer => employer_signup::invite),
        route!(GET "/invitations/accept", Public => employer_signup::join_form),
        route!(POST "/invitations/accept", Public => employer_signup::join),
        route!(GET "/employer/tokens", Employer => employer_home::tokens),
        route!(POST "/employer/tokens", Employer => employer_home::create_token),
        route!(POST "/employer/tokens/{id}/revoke", Employer => employer_home::revoke_token),
    ]
}

/// Terminals, job seekers, and the terminal vendors' JSON.
fn terminal_routes() -> Vec<Route> {
    vec![
        // Supported terminals and job seekers.
        route!(GET "/terminal/enrol", Public => terminal::enrol_form),
        route!(POST "/terminal/enrol", Public => terminal::enrol),
        route!(GET "/terminal/timed-out", Public => terminal::timed_out),
        route!(GET "/terminal", Device => terminal::sign_in_form),
        route!(POST "/terminal/sign-in", Device => terminal::sign_in),
        route!(GET "/terminal/home", Seeker => terminal::home),
        route!(GET "/terminal/still-there", Seeker => terminal::still_there),
        route!(POST "/terminal/keep-alive", Seeker => terminal::keep_alive),
        route!(POST "/terminal/sign-out", Seeker => terminal::sign_out),
        // Job-seeker terminal pages: language, jobs, search, applying.
        route!(GET "/static/terminal.css", Public => terminal::stylesheet),
        route!(POST "/terminal/language", Device => terminal::set_language),
        route!(GET "/terminal/jobs-for-you", Seeker => seeker::jobs_for_you),
        route!(GET "/terminal/find", Seeker => seeker::find),
        route!(GET "/terminal/vacancies/{id}", Seeker => seeker::vacancy),
        route!(GET "/terminal/vacancies/{id}/interested", Seeker => seeker::apply_form),
        route!(POST "/terminal/vacancies/{id}/interested", Seeker => seeker::apply),
        route!(GET "/terminal/applications", Seeker => seeker::applications),
        route!(GET "/terminal/applications/{id}", Seeker => seeker::application),
        route!(POST "/terminal/applications/{id}/withdraw", Seeker => seeker::withdraw),
        // My CV: the overview and its three steps.
        route!(GET "/terminal/cv", Seeker => seeker::cv_page),
        route!(GET "/terminal/cv/about-me", Seeker => seeker::cv_about_me_form),
        route!(POST "/terminal/cv/about-me", Seeker => seeker::cv_about_me_save),
        route!(GET "/terminal/cv/strengths", Seeker => seeker::cv_strengths_form),
        route!(POST "/terminal/cv/strengths", Seeker => seeker::cv_strengths_save),
        route!(GET "/terminal/cv/references", Seeker => seeker::cv_references_form),
        route!(POST "/terminal/cv/references", Seeker => seeker::cv_references_save),
        // The disclosure letter (before "/terminal/disclosure/{part}" pages).
        route!(GET "/terminal/disclosure", Seeker => seeker::letter_overview),
        route!(GET "/terminal/disclosure/preview", Seeker => seeker::letter_preview),
        route!(POST "/terminal/disclosure/send", Seeker => seeker::letter_send),
        route!(GET "/terminal/disclosure/happened", Seeker => seeker::letter_happened),
        route!(POST "/terminal/disclosure/happened", Seeker => seeker::save_happened),
        route!(GET "/terminal/disclosure/changed", Seeker => seeker::letter_changed),
        route!(POST "/terminal/disclosure/changed", Seeker => seeker::save_changed),
        route!(GET "/terminal/disclosure/offer", Seeker => seeker::letter_offer),
        route!(POST "/terminal/disclosure/offer", Seeker => seeker::save_offer),
        // JSON for terminal vendors' apps.
        route!(POST "/api/v1/terminal/session", Device => terminal_api::create_session),
        route!(DELETE "/api/v1/terminal/session", Seeker => terminal_api::delete_session),
        route!(GET "/api/v1/terminal/matches", Seeker => terminal_api::matches),
        route!(GET "/api/v1/terminal/vacancies", Seeker => terminal_api::search),
        route!(GET "/api/v1/terminal/vacancies/{id}", Seeker => terminal_api::vacancy),
        route!(POST "/api/v1/terminal/vacancies/{id}/application", Seeker => terminal_api::apply),
        route!(GET "/api/v1/terminal/applications", Seeker => terminal_api::applications),
        route!(POST "/api/v1/terminal/applications/{id}/withdraw", Seeker => terminal_api::withdraw),
    ]
}

/// The JSON API for staff.
fn api_routes() -> Vec<Route> {
    vec![
        // JSON API v1.
        route!(GET "/api/v1/openapi.json", Public => api::openapi),
        route!(GET "/api-reference", Public => api_reference::reference),
        route!(POST "/api/v1/session", Public => api::create_session),
        route!(DELETE "/api/v1/session", Staff => api::delete_session),
        route!(GET "/api/v1/me", Staff => api::me),
        // Employer portal: the vacancy API.
        route!(GET "/api/v1/vacancies", Employer => api::vacancies::list),
        route!(POST "/api/v1/vacancies", Employer => api::vacancies::create),
        route!(GET "/api/v1/vacancies/{id}", Employer => api::vacancies::get),
        route!(PUT "/api/v1/vacancies/{id}", Employer => api::vacancies::update),
        route!(POST "/api/v1/vacancies/{id}/publish", Employer => api::vacancies::publish),
        route!(POST "/api/v1/vacancies/{id}/pause", Employer => api::vacancies::pause),
        route!(POST "/api/v1/vacancies/{id}/close", Employer => api::vacancies::close),
        route!(GET "/api/v1/vacancies/{id}/candidates", Officer => api::matches::vacancy_candidates),
        // Employer portal: the slot and booking API.
        route!(GET "/api/v1/vacancies/{id}/slots", Employer => api::slots::list),
        route!(POST "/api/v1/vacancies/{id}/slots", Employer => api::slots::create),
        route!(GET "/api/v1/slots/{id}", Employer => api::slots::get),
        route!(PUT "/api/v1/slots/{id}", Employer => api::slots::update),
        route!(POST "/api/v1/slots/{id}/cancel", Employer => api::slots::cancel),
        route!(GET "/api/v1/bookings", Employer => api::slots::bookings),
        route!(POST "/api/v1/bookings/{id}/confirm", Employer => api::slots::confirm),
        route!(POST "/api/v1/bookings/{id}/move", Employer => api::slots::move_booking),
        route!(POST "/api/v1/bookings/{id}/cancel", Employer => api::slots::cancel_booking),
        route!(POST "/api/v1/bookings/{id}/attendance", Employer => api::slots::attendance),
        // Officers' watches and the soon-eligible list.
        route!(POST "/api/v1/watches", Officer => api::watches::create),
        route!(DELETE "/api/v1/watches/{id}", Officer => api::watches::delete),
        route!(GET "/api/v1/matches/soon", Officer => api::watches::soon),
        // Profiles of the officer's service, for officers and integration
        // tokens (before "/api/v1/profiles/{id}").
        route!(GET "/api/v1/profiles", Profiles => api::profiles::list),
        route!(POST "/api/v1/profiles", Profiles => api::profiles::create),
        route!(PUT "/api/v1/profiles/by-reference/{reference}", Profiles => api::profiles::upsert_by_reference),
        route!(GET "/api/v1/profiles/{id}", Profiles => api::profiles::get),
        route!(PUT "/api/v1/profiles/{id}", Profiles => api::profiles::update),
        route!(GET "/api/v1/profiles/{id}/restricted", Profiles => api::profiles::get_restricted),
        route!(PUT "/api/v1/profiles/{id}/restricted", Profiles => api::profiles::update_restricted),
        route!(GET "/api/v1/profiles/{id}/matches", Officer => api::matches::profile_matches),
        route!(GET "/api/v1/profiles/{id}/export", Casework => api::profiles::export),
        route!(GET "/api/v1/profiles/{id}/matches/{vacancy_id}", Officer => api::matches::profile_match),
    ]
}

/// Outcome reports.
fn reports_routes() -> Vec<Route> {
    vec![
        // Outcome reports.
        route!(GET "/officer/reports", Officer => reports::officer_page),
        route!(GET "/officer/reports/export.csv", Officer => reports::officer_export),
        route!(GET "/admin/reports", Admin => reports::admin_page),
        route!(GET "/admin/reports/export.csv", Admin => reports::admin_export),
    ]
}

/// The path prefixes whose routes are registered inside one scope each.
/// A request is then matched against one audience's routes only, after a
/// plain comparison of its prefix, instead of trying every pattern of the
/// table in turn (each pattern with a `{segment}` is a regular expression).
const SCOPES: &[&str] = &["/admin", "/officer", "/employer", "/terminal", "/api/v1"];

/// The scope a route's path belongs to, if any.
fn scope_of(path: &str) -> Option<&'static str> {
    SCOPES.iter().copied().find(|scope| {
        path.strip_prefix(scope)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Registers every route of the table.
pub fn register(cfg: &mut web::ServiceConfig) {
    let routes = table();
    for route in routes.iter().filter(|r| scope_of(r.path).is_none()) {
        (route.register)(cfg, route.path);
    }
    for &scope in SCOPES {
        let inside: Vec<&Route> = routes
            .iter()
            .filter(|r| scope_of(r.path) == Some(scope))
            .collect();
        cfg.service(web::scope(scope).configure(|cfg| {
            for route in inside {
                (route.register)(cfg, &route.path[scope.len()..]);
            }
        }));
    }
}

/// One segment of a route's path: a literal, or `{name}` (any non-empty
/// segment, as the router's default pattern `[^/]+`).
#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Literal(&'static str),
    Any,
}

fn segments(pattern: &'static str) -> Vec<Segment> {
    pattern
        .split('/')
        .map(|s| match s.starts_with('{') && s.ends_with('}') {
            true => Segment::Any,
            false => Segment::Literal(s),
        })
        .collect()
}

/// Whether a request path fits a route's segments.
fn fits(pattern: &[Segment], path: &str) -> bool {
    let mut parts = path.split('/');
    pattern.iter().all(|segment| match (segment, parts.next()) {
        (Segment::Literal(literal), Some(part)) => *literal == part,
        (Segment::Any, Some(part)) => !part.is_empty(),
        (_, None) => false,
    }) && parts.next().is_none()
}

/// When `path` is a route of the table but `method` is none of its methods
/// (HEAD counts as GET): the methods it has, for a 405's `Allow`.
pub fn undeclared_method(method: &actix_web::http::Method, path: &str) -> Option<String> {
    use std::sync::OnceLock;
    static PATHS: OnceLock<Vec<(Vec<Segment>, &'static str)>> = OnceLock::new();
    let paths = PATHS.get_or_init(|| {
        table()
            .iter()
            .map(|r| (segments(r.path), r.method))
            .collect()
    });
    let mut allowed: Vec<&'static str> = Vec::new();
    for (pattern, m) in paths {
        if fits(pattern, path) && !allowed.contains(m) {
            allowed.push(m);
        }
    }
    let asked = match method.as_str() {
        "HEAD" => "GET",
        other => other,
    };
    (!allowed.is_empty() && !allowed.contains(&asked)).then(|| allowed.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paths near every route: the route itself, with a segment more or
    /// less, a trailing slash, and each literal changed.
    fn paths_near(pattern: &str) -> Vec<String> {
        let filled = pattern.replace("{id}", "7");
        let filled: String = filled
            .split('/')
            .map(|s| match s.starts_with('{') {
                true => "x1",
                false => s,
            })
            .collect::<Vec<_>>()
            .join("/");
        let mut near = vec![
            filled.clone(),
            format!("{filled}/"),
            format!("{filled}/more"),
            filled
                .rsplit_once('/')
                .map_or(String::new(), |(a, _)| a.to_string()),
            filled.replace("/7", "//"),
        ];
        let parts: Vec<&str> = filled.split('/').collect();
        for i in 1..parts.len() {
            let mut changed = parts.clone();
            changed[i] = "zz";
            near.push(changed.join("/"));
        }
        near
    }

    #[test]
    fn the_405_check_matches_paths_as_the_router_does() {
        let routes = table();
        let defs: Vec<_> = routes
            .iter()
            .map(|r| (actix_web::dev::ResourceDef::new(r.path), segments(r.path)))
            .collect();
        let mut compared = 0;
        for route in &routes {
            for path in paths_near(route.path) {
                for (def, pattern) in &defs {
                    assert_eq!(
                        fits(pattern, &path),
                        def.is_match(&path),
                        "{path} against {}",
                        def.pattern().unwrap_or_default()
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 10_000, "{compared} comparisons");
    }

    #[test]
    fn scopes_take_whole_segments_only() {
        assert_eq!(scope_of("/admin"), Some("/admin"));
        assert_eq!(scope_of("/admin/users/{id}"), Some("/admin"));
        assert_eq!(scope_of("/administrators"), None);
        assert_eq!(scope_of("/api/v1/vacancies"), Some("/api/v1"));
        assert_eq!(scope_of("/"), None);
        // Every scope holds routes, and every route keeps its place.
        let routes = table();
        for scope in SCOPES {
            assert!(
                routes.iter().any(|r| scope_of(r.path) == Some(*scope)),
                "{scope}"
            );
        }
    }
}
