//! Case officer pages. The caseload arrives with the officer workspace; this
//! is the landing page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::{caseworker, see_other};
use crate::app::profiles::{self, ProfileRecord};
use crate::domain::skills::Taxonomy;
use crate::web::auth::Officer;
use crate::web::errors::AppError;
use crate::web::officer::profiles::purpose;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "officer/home.html")]
struct Home {
    chrome: Chrome,
    service: String,
    name: String,
    counts: crate::store::caseload::Counts,
    /// Approved matches whose person has to-dos the job's documents need.
    todos: crate::app::matches::TodoLines,
    pager: super::matches::StaffPager,
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Officers' home page query: the page of the "to do before starting"
/// list.
#[derive(serde::Deserialize, Default)]
pub struct HomeQuery {
    #[serde(default)]
    pub todo_page: String,
}

/// Lines of the "to do before starting" list on a page.
pub const TODO_LINES_PER_PAGE: usize = 50;

pub async fn home(
    state: web::Data<AppState>,
    officer: Officer,
    query: web::Query<HomeQuery>,
) -> Result<HttpResponse, AppError> {
    let (service_id, user_id) = (officer.service_id, officer.actor.user_id);
    let (service, counts) = profiles::home(&state, service_id, user_id).await?;
    let paging = crate::matches::Paging {
        page: crate::web::seeker::page_number(&query.todo_page),
        per_page: TODO_LINES_PER_PAGE,
    };
    let todos = crate::app::matches::todos_before_starting(&state, service_id, paging).await?;
    let pager =
        super::matches::StaffPager::new(paging, todos.lines.len(), todos.total, "matches", |p| {
            format!("/officer?todo_page={p}#to-do")
        });
    Ok(page(
        StatusCode::OK,
        &Home {
            chrome: Chrome::of(&officer.ctx),
            service,
            name: officer.actor.name.clone(),
            counts,
            todos,
            pager,
        },
    ))
}

/// The caseload's query parameters, all optional; GET forms only.
#[derive(serde::Deserialize, Default)]
pub struct CaseloadQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    weeks: String,
    #[serde(default)]
    readiness: String,
    #[serde(default)]
    new_matches: String,
    #[serde(default)]
    checks_due: String,
    #[serde(default)]
    mine: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
}

pub struct CaseloadLine {
    pub id: i64,
    pub name: String,
    pub reference: String,
    pub release_date: String,
    pub readiness: &'static str,
    pub suggested: i64,
    pub checks_due: i64,
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "officer/caseload.html")]
struct CaseloadPage {
    chrome: Chrome,
    q: String,
    weeks: String,
    readiness: String,
    new_matches: bool,
    checks_due: bool,
    mine: bool,
    sort: &'static str,
    lines: Vec<CaseloadLine>,
    total: i64,
    page: i64,
    pages: i64,
    first: i64,
    last: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
    readiness_options: Vec<(&'static str, &'static str)>,
    errors: crate::domain::FieldErrors,
}

/// The caseload's filter as the query asks for it, with messages for the
/// parameters that could not be read, and the page wanted.
fn caseload_filter(
    officer: &Officer,
    q: &CaseloadQuery,
) -> (
    crate::store::caseload::Filter,
    crate::domain::FieldErrors,
    i64,
) {
    use crate::domain::profile::Readiness;
    use crate::store::caseload::{Filter, Sort};
    let mut errors = crate::domain::FieldErrors::new();
    let mut filter = Filter::new(officer.service_id, today());
    filter.search = Some(q.q.trim().to_string()).filter(|s| !s.is_empty());
    let weeks = q.weeks.trim();
    if !weeks.is_empty() {
        match weeks.parse::<u32>() {
            Ok(n @ 1..=520) => filter.release_within_weeks = Some(n),
            _ => errors.add("weeks", "Enter a number of weeks from 1 to 520"),
        }
    }
    if !q.readiness.is_empty() {
        match Readiness::parse(&q.readiness) {
            Ok(r) => filter.readiness = Some(r.as_str().to_string()),
            Err(_) => errors.add("readiness", "Choose a readiness from the list"),
        }
    }
    filter.new_matches = !q.new_matches.is_empty();
    filter.checks_due = !q.checks_due.is_empty();
    if !q.mine.is_empty() {
        filter.officer_id = Some(officer.actor.user_id);
    }
    filter.sort = Sort::parse(&q.sort).unwrap_or_else(|| {
        errors.add("sort", "Choose an order from the list");
        Sort::ReleaseDate
    });
    let page_no = if q.page.trim().is_empty() {
        1
    } else {
        match q.page.trim().parse::<i64>() {
            Ok(n) if (1..=100_000).contains(&n) => n,
            _ => {
                errors.add("page", "That page does not exist");
                1
            }
        }
    };
    (filter, errors, page_no)
}

/// The caseload's address for page `p` of the same filter.
fn caseload_link(filter: &crate::store::caseload::Filter, mine: bool, p: i64) -> String {
    let mut params: Vec<(&str, String)> = Vec::new();
    if let Some(s) = &filter.search {
        params.push(("q", s.clone()));
    }
    if let Some(w) = filter.release_within_weeks {
        params.push(("weeks", w.to_string()));
    }
    if let Some(r) = &filter.readiness {
        params.push(("readiness", r.clone()));
    }
    if filter.new_matches {
        params.push(("new_matches", "1".into()));
    }
    if filter.checks_due {
        params.push(("checks_due", "1".into()));
    }
    if mine {
        params.push(("mine", "1".into()));
    }
    params.push(("sort", filter.sort.as_str().into()));
    params.push(("page", p.to_string()));
    format!(
        "/officer/caseload?{}",
        serde_urlencoded::to_string(&params).unwrap_or_default()
    )
}

fn caseload_line(r: &crate::store::caseload::Row, user_id: i64) -> CaseloadLine {
    use crate::domain::profile::Readiness;
    CaseloadLine {
        id: r.id,
        name: format!("{} {}", r.given_name, r.family_name),
        reference: r.reference.clone(),
        release_date: r.release_date.format("%d %b %Y").to_string(),
        readiness: Readiness::parse(&r.readiness)
            .map(|x| x.label())
            .unwrap_or("Unknown"),
        suggested: r.suggested,
        checks_due: r.checks_due,
        mine: r.officer_id == Some(user_id),
    }
}

pub async fn caseload(
    state: web::Data<AppState>,
    officer: Officer,
    query: web::Query<CaseloadQuery>,
) -> Result<HttpResponse, AppError> {
    use crate::domain::profile::Readiness;
    use crate::store::caseload::PAGE_SIZE;
    let q = query.into_inner();
    let (filter, errors, page_no) = caseload_filter(&officer, &q);
    let mine = !q.mine.is_empty();
    let user_id = officer.actor.user_id;
    let result = profiles::caseload(&state, filter.clone(), page_no).await?;
    let pages = ((result.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let link = |p: i64| caseload_link(&filter, mine, p);
    if page_no > pages {
        // Past the end (an old link, or people moved since): the last
        // page there is, rather than "page 2 of 1".
        return Ok(see_other(link(pages)));
    }
    let lines = result
        .rows
        .iter()
        .map(|r| caseload_line(r, user_id))
        .collect::<Vec<_>>();
    let first = if lines.is_empty() {
        0
    } else {
        (page_no - 1) * PAGE_SIZE + 1
    };
    let last = (page_no - 1) * PAGE_SIZE + lines.len() as i64;
    Ok(page(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        },
        &CaseloadPage {
            chrome: Chrome::of(&officer.ctx),
            q: q.q.trim().to_string(),
            weeks: q.weeks.trim().to_string(),
            readiness: filter.readiness.clone().unwrap_or_default(),
            new_matches: filter.new_matches,
            checks_due: filter.checks_due,
            mine,
            sort: filter.sort.as_str(),
            lines,
            total: result.total,
            page: page_no,
            pages,
            first,
            last,
            prev_link: (page_no > 1).then(|| link(page_no - 1)),
            next_link: (page_no < pages).then(|| link(page_no + 1)),
            readiness_options: Readiness::ALL
                .iter()
                .map(|r| (r.as_str(), r.label()))
                .collect(),
            errors,
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

pub struct OutcomeView {
    pub id: i64,
    pub started_on: String,
    pub from_application: bool,
    /// (check slug, label, answer or due date text, due now)
    pub checks: Vec<(&'static str, &'static str, String, bool)>,
}

pub struct ApplicationView {
    pub id: i64,
    pub vacancy: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "officer/profile.html")]
struct ProfilePage {
    chrome: Chrome,
    view: ProfileView,
    access: Option<(String, bool)>,
    /// The person is on the signed-in officer's caseload.
    mine: bool,
    applications: Vec<ApplicationView>,
    outcomes: Vec<OutcomeView>,
    errors: crate::domain::FieldErrors,
    /// The confirmation of the change that led here.
    done: Option<&'static str>,
    cv: crate::web::officer::profiles::cv::CvSection,
    /// Where the person's disclosure letter is.
    letter_status: &'static str,
}

/// Where a profile change redirects with `?saved=…`, and what it says.
#[derive(serde::Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: String,
}

fn saved_message(saved: &str) -> Option<&'static str> {
    Some(match saved {
        "created" => "The profile is created. Matching starts at once.",
        "profile" => "Your changes to the profile are saved. Matches are updated.",
        "restricted" => "Your changes to the offence, licence and barred information are saved. Matches are updated.",
        "assigned" => "The person is now on your caseload.",
        "cv" => "Your suggestions for the CV are saved. The person sees them on the terminal.",
        _ => return None,
    })
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
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    profile_page_saying(
        &state,
        &officer,
        path.into_inner(),
        StatusCode::OK,
        crate::domain::FieldErrors::new(),
        saved_message(query.saved.trim()),
    )
    .await
}

/// The profile page, with messages from a failed outcome form when given.
pub async fn profile_page(
    state: &AppState,
    officer: &Officer,
    id: i64,
    status: StatusCode,
    errors: crate::domain::FieldErrors,
) -> Result<HttpResponse, AppError> {
    profile_page_saying(state, officer, id, status, errors, None).await
}

/// The profile page after the CV suggestions failed: their messages and
/// what was typed.
pub async fn profile_page_with_cv(
    state: &AppState,
    officer: &Officer,
    id: i64,
    status: StatusCode,
    errors: crate::domain::FieldErrors,
    typed: crate::web::officer::profiles::cv::SuggestionForm,
) -> Result<HttpResponse, AppError> {
    profile_page_in_full(state, officer, id, (status, errors, None), Some(typed)).await
}

/// The profile page, with a confirmation or messages from a failed form.
async fn profile_page_saying(
    state: &AppState,
    officer: &Officer,
    id: i64,
    status: StatusCode,
    errors: crate::domain::FieldErrors,
    done: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    profile_page_in_full(state, officer, id, (status, errors, done), None).await
}

type PageOutcome = (StatusCode, crate::domain::FieldErrors, Option<&'static str>);

async fn profile_page_in_full(
    state: &AppState,
    officer: &Officer,
    id: i64,
    (status, errors, done): PageOutcome,
    typed_cv: Option<crate::web::officer::profiles::cv::SuggestionForm>,
) -> Result<HttpResponse, AppError> {
    let record = profiles::view(state, caseworker(officer), id).await?;
    let cv = crate::web::officer::profiles::cv::section(state, officer, id, typed_cv).await?;
    let ProfileRecord {
        profile,
        access,
        applications,
        titles,
        outcomes,
    } = record;
    let view = profile_view(&profile, &state.taxonomy);
    let applications = applications
        .iter()
        .map(|a| ApplicationView {
            id: a.id,
            vacancy: titles
                .iter()
                .find(|(v, _, _)| *v == a.vacancy_id)
                .map(|(_, title, employer)| format!("{title}, {employer}"))
                .unwrap_or_default(),
            status: a.status.label(),
        })
        .collect();
    let today = today();
    let outcomes = outcomes.iter().map(|o| outcome_view(o, today)).collect();
    let letter_status = crate::app::disclosure::status_of(state, id)
        .await?
        .map_or("Not started", |s| s.label());
    Ok(page(
        status,
        &ProfilePage {
            chrome: Chrome::of(&officer.ctx),
            view,
            access: access
                .map(|(issued, locked)| (issued.format("%d %b %Y").to_string(), locked.is_some())),
            mine: profile.officer_id == Some(officer.actor.user_id),
            applications,
            outcomes,
            errors,
            done,
            cv,
            letter_status,
        },
    ))
}

fn profile_view(profile: &crate::domain::profile::Profile, t: &Taxonomy) -> ProfileView {
    let d = &profile.details;
    ProfileView {
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
            .map(|c| {
                let mut line = t.label(c.slug()).to_string();
                let mut notes = Vec::new();
                if let Some(date) = c.expected_on() {
                    notes.push(format!("expected {}", date.format("%d %b %Y")));
                }
                if let Some(date) = c.expires_on() {
                    notes.push(format!("expires {}", date.format("%d %b %Y")));
                }
                if !notes.is_empty() {
                    line = format!("{line} ({})", notes.join(", "));
                }
                line
            })
            .collect(),
        todos: d
            .todos()
            .iter()
            .map(|todo| {
                format!(
                    "{}{}{}",
                    todo.kind().label(),
                    if todo.note().is_empty() {
                        String::new()
                    } else {
                        format!(" – {}", todo.note())
                    },
                    if todo.done() { ": done" } else { "" }
                )
            })
            .collect(),
    }
}

fn outcome_view(o: &crate::store::outcomes::Outcome, today: chrono::NaiveDate) -> OutcomeView {
    OutcomeView {
        id: o.id,
        started_on: o.started_on.format("%d %B %Y").to_string(),
        from_application: o.application_id.is_some(),
        checks: crate::store::outcomes::Check::ALL
            .iter()
            .map(|c| {
                let due_on = c.due_on(o.started_on);
                let (text, due_now) = match o.answer(*c) {
                    Some(true) => ("In work".to_string(), false),
                    Some(false) => ("Not in work".to_string(), false),
                    None if due_on <= today => {
                        (format!("Due since {}", due_on.format("%d %b %Y")), true)
                    }
                    None => (format!("Due on {}", due_on.format("%d %b %Y")), false),
                };
                (c.as_str(), c.label(), text, due_now)
            })
            .collect(),
    }
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
    done: Option<&'static str>,
}

/// Offence categories, licence conditions and barred flags: shown to the
/// officers of the person's own service, and every view is audited.
pub async fn restricted(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let purpose = match purpose::gate(&state, &officer, id, purpose::Next::Page).await? {
        Ok(p) => p,
        Err(question) => return Ok(question),
    };
    let detail = "offence, licence and barred sections";
    let profile =
        profiles::view_restricted(&state, caseworker(&officer), id, detail, &purpose).await?;
    let d = &profile.details;
    // Each condition says until when it applies, or that it has ended.
    let lines = d.licence_conditions().lines(today());
    Ok(page(
        StatusCode::OK,
        &RestrictedPage {
            chrome: Chrome::of(&officer.ctx),
            done: saved_message(query.saved.trim()),
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
