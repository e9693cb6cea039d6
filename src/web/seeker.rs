//! A signed-in job seeker's pages on a terminal: the jobs their officer
//! approved for them, keyword search, a vacancy in plain words, saying "I'm
//! interested" with a statement (drafts kept on the server), and their
//! applications with the chance to withdraw.
//!
//! Only vacancies `domain::matching::assess` finds the person eligible for
//! are ever shown; any other vacancy id answers the same 404 as one that does
//! not exist. URLs carry vacancy ids only, never anything about the person.
//! The JSON twins of these pages (for terminal vendors' own apps) share the
//! same loading code (see `terminal_api`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, Timelike};
use serde::Deserialize;

use super::account::redirect;
use super::auth::Seeker;
use super::errors::AppError;
use super::i18n::Messages;
use super::pages::page;
use super::terminal::Frame;
use super::AppState;
use crate::domain::application::ApplicationStatus;
use crate::domain::matching::{assess, Assessment, Reason};
use crate::domain::profile::Profile;
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::{ContractType, PayPeriod, Vacancy, VacancyStatus, Workplace};
use crate::domain::FieldErrors;
use crate::matches::{Page, Paging};
use crate::search::{Near, VacancySearch};
use crate::store::applications::{self as apps, Application, ApplicationError, STATEMENT_MAX};
use crate::store::{self, StoreError};

/// Results on one page of "Find jobs", "Jobs for you" and "My
/// applications".
pub const PAGE_SIZE: usize = 10;
/// Longest search text.
pub const WORDS_MAX: usize = 100;
/// The distances a person may choose, in miles.
pub const DISTANCES_MILES: [u32; 4] = [5, 10, 25, 50];
const KM_PER_MILE: f64 = 1.609_344;
/// "Full time" is 30 hours a week or more; "part time" is anything less.
const FULL_TIME_HOURS: f64 = 30.0;
/// The most hours a "part time" job has: hours are whole or in hundredths.
const PART_TIME_MAX_HOURS: f64 = 29.99;

pub fn today() -> NaiveDate {
    store::now().date()
}

/// Names the employer of each listing on a page, in one query.
async fn name_employers(state: &AppState, listings: &mut [Listing]) -> Result<(), StoreError> {
    let ids: Vec<i64> = listings.iter().map(|l| l.id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let names = state
        .store
        .run(move |c| store::caseload::vacancy_titles(c, &ids))
        .await?;
    for listing in listings.iter_mut() {
        if let Some((_, _, employer)) = names.iter().find(|(id, _, _)| *id == listing.id) {
            listing.employer = employer.clone();
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Loading, shared with the JSON API.

/// Why a seeker's request found nothing or failed.
#[derive(Debug, thiserror::Error)]
pub enum SeekerError {
    #[error("not found")]
    NotFound,
    #[error("invalid")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for SeekerError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<crate::matches::MatchError> for SeekerError {
    fn from(e: crate::matches::MatchError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<SeekerError> for AppError {
    fn from(e: SeekerError) -> Self {
        match e {
            SeekerError::NotFound => AppError::NotFound,
            SeekerError::Invalid(fields) => AppError::BadRequest(fields.to_string()),
            SeekerError::Internal(m) => AppError::Internal(m),
        }
    }
}

impl From<SeekerError> for super::errors::ApiError {
    fn from(e: SeekerError) -> Self {
        match e {
            SeekerError::NotFound => Self::NotFound,
            SeekerError::Invalid(fields) => Self::Invalid(fields),
            SeekerError::Internal(m) => Self::Internal(m),
        }
    }
}

pub async fn load_profile(state: &AppState, profile_id: i64) -> Result<Profile, SeekerError> {
    let taxonomy = state.taxonomy.clone();
    Ok(state
        .store
        .run(move |c| store::profiles::load(c, profile_id, &taxonomy))
        .await?)
}

/// A vacancy the person is eligible for today, with its assessment; any
/// other id is simply not found.
pub async fn eligible_vacancy(
    state: &AppState,
    profile: &Profile,
    vacancy_id: i64,
) -> Result<(Vacancy, Assessment, String), SeekerError> {
    let taxonomy = state.taxonomy.clone();
    let (vacancy, employer) = state
        .store
        .run(move |c| {
            let vacancy = store::vacancies::load(c, vacancy_id, &taxonomy)?;
            let employer = store::seekers::employer_name(c, vacancy.employer_id)?;
            Ok((vacancy, employer))
        })
        .await?;
    let assessment = assess(&vacancy, profile, today());
    if !assessment.eligible() {
        return Err(SeekerError::NotFound);
    }
    Ok((vacancy, assessment, employer))
}

/// The approved matches that still hold, best first (score, then id).
pub async fn approved_matches(
    state: &AppState,
    profile: &Profile,
) -> Result<Vec<(Vacancy, Assessment)>, SeekerError> {
    let (profile_id, taxonomy) = (profile.id, state.taxonomy.clone());
    let vacancies = state
        .store
        .run(move |c| {
            let records = store::matches::records_for_profile(c, profile_id, &["approved"])?;
            let ids: Vec<i64> = records.iter().map(|r| r.vacancy_id).collect();
            store::vacancies::load_many(c, &ids, &taxonomy)
        })
        .await?;
    let today = today();
    let mut found: Vec<(Vacancy, Assessment)> = vacancies
        .into_iter()
        .filter_map(|v| {
            let a = assess(&v, profile, today);
            a.eligible().then_some((v, a))
        })
        .collect();
    found.sort_by(|(va, a), (vb, b)| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(va.id.cmp(&vb.id))
    });
    Ok(found)
}

/// The page number asked for in a query string: a whole number from 1;
/// anything else is page 1.
pub fn page_number(raw: &str) -> usize {
    raw.trim().parse::<usize>().unwrap_or(1).max(1)
}

/// Where page `page` (from 1) of a list of `len` items lies, ten a page;
/// empty past the end.
fn page_range(len: usize, page: usize) -> std::ops::Range<usize> {
    let start = page.saturating_sub(1).saturating_mul(PAGE_SIZE).min(len);
    start..start.saturating_add(PAGE_SIZE).min(len)
}

/// Page `page` (from 1) of a list, ten a page.
pub fn page_of<T>(items: &[T], page: usize) -> &[T] {
    &items[page_range(items.len(), page)]
}

/// How many pages of ten a list of `len` items fills (at least 1).
pub fn pages_of(len: usize) -> usize {
    len.div_ceil(PAGE_SIZE).max(1)
}

/// "1,204": a count with thousands separated, as people read it.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the person asked "Find jobs" for, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub words: String,
    pub sector: Option<String>,
    /// "part" or "full".
    pub hours: Option<String>,
    pub miles: Option<u32>,
    pub page: usize,
}

/// Raw search fields as typed.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub distance: String,
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub print: String,
}

impl Search {
    pub fn parse(
        raw: &SearchQuery,
        taxonomy: &Taxonomy,
        t: Messages,
    ) -> Result<Search, (Search, FieldErrors)> {
        let mut errors = FieldErrors::new();
        let words = raw.q.trim().to_string();
        if words.chars().count() > WORDS_MAX {
            errors.add("q", t.get("find.error.words_long"));
        }
        let sector = Some(raw.sector.trim().to_string()).filter(|s| !s.is_empty());
        if let Some(s) = &sector {
            if !taxonomy.is_known_sector(s) {
                errors.add("sector", t.get("find.error.sector"));
            }
        }
        let hours = match raw.hours.trim() {
            "" | "any" => None,
            h @ ("part" | "full") => Some(h.to_string()),
            _ => {
                errors.add("hours", t.get("find.error.hours"));
                None
            }
        };
        let miles = match raw.distance.trim() {
            "" | "any" => None,
            d => match d.parse::<u32>() {
                Ok(m) if DISTANCES_MILES.contains(&m) => Some(m),
                _ => {
                    errors.add("distance", t.get("find.error.distance"));
                    None
                }
            },
        };
        let page = page_number(&raw.page);
        let search = Search {
            words,
            sector,
            hours,
            miles,
            page,
        };
        if errors.is_empty() {
            Ok(search)
        } else {
            Err((search, errors))
        }
    }

    /// The query string for another page of the same search.
    /// Whether any choice beyond the words narrows the search.
    pub fn has_choices(&self) -> bool {
        self.sector.is_some() || self.hours.is_some() || self.miles.is_some()
    }

    pub fn link(&self, page: usize) -> String {
        let pairs = [
            ("q", self.words.clone()),
            ("sector", self.sector.clone().unwrap_or_default()),
            ("hours", self.hours.clone().unwrap_or_default()),
            (
                "distance",
                self.miles.map(|m| m.to_string()).unwrap_or_default(),
            ),
            ("page", page.to_string()),
        ];
        let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
        format!("/terminal/find?{query}")
    }
}

/// Runs a search and returns one page of it (ten results) with the number
/// of results in all: every vacancy the person is eligible for that meets
/// their choices, never cut short (see `Matcher::search_page`). A distance
/// they choose counts from their release area, and their own travel radius
/// still applies, so the smaller of the two wins; remote work is always in
/// reach. Everything else is left out without a word.
pub async fn search(
    state: &AppState,
    profile: &Profile,
    search: &Search,
) -> Result<Page<Vacancy>, SeekerError> {
    let near = match (search.miles, profile.details.release_area().place()) {
        (Some(miles), Some(place)) => Some(Near {
            point: place.point(),
            km: f64::from(miles) * KM_PER_MILE,
            include_remote: true,
        }),
        _ => None,
    };
    let query = VacancySearch {
        text: search.words.clone(),
        sector: search.sector.clone(),
        min_hours: (search.hours.as_deref() == Some("full")).then_some(FULL_TIME_HOURS),
        max_hours: (search.hours.as_deref() == Some("part")).then_some(PART_TIME_MAX_HOURS),
        near,
        limit: None,
    };
    let paging = Paging {
        page: search.page,
        per_page: PAGE_SIZE,
    };
    Ok(state
        .matcher
        .search_page(profile, &query, today(), paging)
        .await?)
}

// ---------------------------------------------------------------------------
// Plain words.

fn number(value: f64) -> String {
    if (value - value.round()).abs() < 0.005 {
        format!("{}", value.round() as i64)
    } else {
        format!("{value:.1}")
    }
}

fn pounds(pence: u64) -> String {
    if pence.is_multiple_of(100) {
        format!("{}", pence / 100)
    } else {
        format!("{}.{:02}", pence / 100, pence % 100)
    }
}

pub fn miles(km: f64) -> f64 {
    km / KM_PER_MILE
}

/// Why a job fits, in the person's words: "You have 3 of the 4 skills they
/// need", "12 miles from where you will live", "Starts 9 days after your
/// release". Nothing about offences or licence conditions is ever said.
pub fn plain_reasons(t: Messages, assessment: &Assessment) -> Vec<String> {
    let mut out = Vec::new();
    for reason in &assessment.reasons {
        let text = match reason {
            // Only a reason to apply: "0 of 3 skills" is not said.
            Reason::RequiredSkills { matched, total, .. } if matched.len() == *total => {
                t.get("reason.skills_all").to_string()
            }
            Reason::RequiredSkills { matched, total, .. } if !matched.is_empty() => t.fill(
                "reason.skills",
                &[
                    ("n", matched.len().to_string()),
                    ("total", total.to_string()),
                ],
            ),
            Reason::Distance { km } => distance_text(t, *km),
            Reason::Remote => t.get("reason.remote").to_string(),
            Reason::StartsAfterRelease { days } => match days {
                0 => t.get("reason.starts_release_day").to_string(),
                1 => t.get("reason.starts_after_one").to_string(),
                d => t.with("reason.starts_after", "days", d),
            },
            Reason::AlreadyReleased { starts_in_days } => match starts_in_days {
                0 => t.get("reason.start_now").to_string(),
                1 => t.get("reason.start_tomorrow").to_string(),
                d => t.with("reason.start_in", "days", d),
            },
            Reason::RotlBeforeRelease { .. } => t.get("reason.rotl").to_string(),
            Reason::CouldStartOnRelease { date } => {
                t.with("reason.could_start_release", "date", t.date(*date))
            }
            Reason::CouldStartOnDayRelease { date, .. } => {
                t.with("reason.could_start_rotl", "date", t.date(*date))
            }
            Reason::CouldStartNow => t.get("reason.could_start_now").to_string(),
            Reason::SectorInterest { .. } => t.get("reason.sector").to_string(),
            Reason::HoursFit {
                hours_per_week,
                preferred_min,
                preferred_max,
            } if (*preferred_min..=*preferred_max).contains(hours_per_week) => {
                t.with("reason.hours_fit", "hours", number(*hours_per_week))
            }
            Reason::ShiftTimesUnknown => t.get("reason.shift_times").to_string(),
            // Desirable skills, unknown distances and anything that touches
            // offences are not shown to the person on a shared screen.
            _ => continue,
        };
        out.push(text);
    }
    out
}

/// "12 miles from where you will live", rounded to whole miles.
pub fn distance_text(t: Messages, km: f64) -> String {
    let m = miles(km);
    if m < 0.5 {
        t.get("reason.distance_near").to_string()
    } else if m < 1.5 {
        t.get("reason.distance_one").to_string()
    } else {
        t.with("reason.distance", "miles", m.round() as i64)
    }
}

pub fn pay_text(t: Messages, vacancy: &Vacancy) -> String {
    let pay = vacancy.details.pay();
    let period = t.get(match pay.period() {
        PayPeriod::Hour => "vacancy.period.hour",
        PayPeriod::Week => "vacancy.period.week",
        PayPeriod::Month => "vacancy.period.month",
        PayPeriod::Year => "vacancy.period.year",
    });
    if pay.min_pence() == pay.max_pence() {
        t.fill(
            "vacancy.pay_single",
            &[
                ("min", pounds(pay.min_pence())),
                ("period", period.to_string()),
            ],
        )
    } else {
        t.fill(
            "vacancy.pay_range",
            &[
                ("min", pounds(pay.min_pence())),
                ("max", pounds(pay.max_pence())),
                ("period", period.to_string()),
            ],
        )
    }
}

pub fn hours_text(t: Messages, vacancy: &Vacancy) -> String {
    t.with(
        "vacancy.hours_week",
        "hours",
        number(vacancy.details.hours_per_week()),
    )
}

pub fn place_text(t: Messages, vacancy: &Vacancy) -> String {
    match vacancy.details.workplace() {
        Workplace::OnSite(place) => place.name().to_string(),
        Workplace::Remote => t.get("vacancy.from_home").to_string(),
    }
}

pub fn contract_text(t: Messages, contract: ContractType) -> &'static str {
    t.get(match contract {
        ContractType::Permanent => "vacancy.contract.permanent",
        ContractType::FixedTerm => "vacancy.contract.fixed_term",
        ContractType::Temporary => "vacancy.contract.temporary",
        ContractType::Apprenticeship => "vacancy.contract.apprenticeship",
        ContractType::Casual => "vacancy.contract.casual",
    })
}

fn time_text(time: chrono::NaiveTime) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

pub fn shift_texts(t: Messages, vacancy: &Vacancy) -> Vec<String> {
    vacancy
        .details
        .shifts()
        .iter()
        .map(|shift| {
            let days: Vec<&str> = shift.days().days().map(|d| t.day(d)).collect();
            t.fill(
                "vacancy.shift",
                &[
                    ("days", days.join(", ")),
                    ("start", time_text(shift.start())),
                    ("end", time_text(shift.end())),
                ],
            )
        })
        .collect()
}

pub fn status_text(t: Messages, status: ApplicationStatus) -> &'static str {
    t.get(match status {
        ApplicationStatus::Interested => "status.interested",
        ApplicationStatus::UnderReview => "status.under_review",
        ApplicationStatus::Forwarded => "status.forwarded",
        ApplicationStatus::Interview => "status.interview",
        ApplicationStatus::Offer => "status.offer",
        ApplicationStatus::Started => "status.started",
        ApplicationStatus::Unsuccessful => "status.unsuccessful",
        ApplicationStatus::Withdrawn => "status.withdrawn",
    })
}

/// One job in a list.
pub struct Listing {
    pub id: i64,
    pub title: String,
    /// The employer's name (filled in for the page shown).
    pub employer: String,
    pub place: String,
    pub pay: String,
    pub hours: String,
    pub reasons: Vec<String>,
}

fn listing(t: Messages, vacancy: &Vacancy, assessment: &Assessment) -> Listing {
    Listing {
        id: vacancy.id,
        title: vacancy.details.title().to_string(),
        employer: String::new(),
        place: place_text(t, vacancy),
        pay: pay_text(t, vacancy),
        hours: hours_text(t, vacancy),
        reasons: plain_reasons(t, assessment),
    }
}

// ---------------------------------------------------------------------------
// Pages.

fn not_found(f: Frame) -> HttpResponse {
    page(StatusCode::NOT_FOUND, &NotFoundPage { f })
}

#[derive(Template)]
#[template(path = "terminal/not_found.html")]
struct NotFoundPage {
    f: Frame,
}

/// Answers a seeker error as a terminal page (404 in the person's
/// language) or the shared error page.
fn seeker_page_error(f: Frame, e: SeekerError) -> Result<HttpResponse, AppError> {
    match e {
        SeekerError::NotFound => Ok(not_found(f)),
        other => Err(other.into()),
    }
}

/// Links to the pages before and after, and where this one is.
pub struct Pager {
    pub text: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// None when everything fits on one page. `link` makes the address of
    /// another page.
    fn of(t: Messages, page: usize, pages: usize, link: impl Fn(usize) -> String) -> Option<Pager> {
        (pages > 1).then(|| Pager {
            text: t.fill(
                "find.page",
                &[("page", grouped(page)), ("pages", grouped(pages))],
            ),
            previous: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        })
    }
}

/// The "page" field of a query string, for the short lists.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub page: String,
}

/// "1 job" / "12 jobs" with the catalogue's words.
fn count_text(t: Messages, n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        t.get(one).to_string()
    } else {
        t.with(many, "n", grouped(n))
    }
}

#[derive(Template)]
#[template(path = "terminal/jobs_for_you.html")]
struct JobsPage {
    f: Frame,
    jobs: Vec<Listing>,
    count: String,
    pager: Option<Pager>,
}

pub async fn jobs_for_you(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let profile = match load_profile(&state, seeker.seeker.profile_id).await {
        Ok(p) => p,
        Err(e) => return seeker_page_error(f, e),
    };
    let matches = approved_matches(&state, &profile).await?;
    let pages = pages_of(matches.len());
    let page_no = page_number(&query.page).min(pages);
    let mut jobs: Vec<Listing> = page_of(&matches, page_no)
        .iter()
        .map(|(v, a)| listing(f.t, v, a))
        .collect();
    name_employers(&state, &mut jobs).await?;
    let count = count_text(f.t, matches.len(), "jobs.count_one", "jobs.count");
    let pager = Pager::of(f.t, page_no, pages, |p| {
        format!("/terminal/jobs-for-you?page={p}")
    });
    Ok(page(
        StatusCode::OK,
        &JobsPage {
            f,
            jobs,
            count,
            pager,
        },
    ))
}

pub struct SectorOption {
    pub slug: String,
    pub label: String,
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "terminal/find.html")]
struct FindPage {
    f: Frame,
    errors: FieldErrors,
    search: Search,
    sectors: Vec<SectorOption>,
    distances: Vec<SelectOption>,
    results: Vec<Listing>,
    count_text: String,
    pager: Option<Pager>,
    /// The choices made, in words, for the closed "More choices" box.
    chosen: String,
    /// When nothing was found: where to go instead (address, words).
    instead: Option<(String, String)>,
}

pub async fn find(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let t = f.t;
    let sectors: Vec<SectorOption> = state
        .taxonomy
        .sectors()
        .iter()
        .map(|s| SectorOption {
            slug: s.slug().to_string(),
            label: t
                .lookup(&format!("sector.{}", s.slug()))
                .unwrap_or(s.label())
                .to_string(),
        })
        .collect();
    let parsed = Search::parse(&query, &state.taxonomy, t);
    let (search_terms, errors) = match parsed {
        Ok(s) => (s, FieldErrors::new()),
        Err((s, errors)) => (s, errors),
    };
    let distances: Vec<SelectOption> = DISTANCES_MILES
        .iter()
        .map(|m| SelectOption {
            value: m.to_string(),
            label: t.with("find.distance_miles", "miles", m),
            selected: search_terms.miles == Some(*m),
        })
        .collect();
    let chosen = chosen_text(t, &search_terms, &sectors, &distances);
    let mut view = FindPage {
        f,
        errors,
        search: search_terms,
        sectors,
        distances,
        results: Vec::new(),
        count_text: String::new(),
        pager: None,
        chosen,
        instead: None,
    };
    if !view.errors.is_empty() {
        return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &view));
    }
    let profile = load_profile(&state, seeker.seeker.profile_id).await?;
    let mut found = search(&state, &profile, &view.search).await?;
    // A page past the end (an old link after jobs closed) shows the last.
    if found.items.is_empty() && found.total > 0 {
        view.search.page = found.pages();
        found = search(&state, &profile, &view.search).await?;
    }
    view.results = found
        .items
        .iter()
        .map(|r| listing(t, &r.item, &r.assessment))
        .collect();
    name_employers(&state, &mut view.results).await?;
    view.count_text = count_text(t, found.total, "find.count_one", "find.count");
    if found.total == 0 {
        // Say what is true: nothing for these words and choices, or
        // nothing that fits the person at all today.
        let narrowed = !view.search.words.trim().is_empty() || view.search.has_choices();
        let everything = if narrowed {
            let all = Search {
                page: 1,
                ..Search::default()
            };
            search(&state, &profile, &all).await?.total
        } else {
            0
        };
        if everything > 0 {
            view.count_text = t.get("find.none_for_choices").to_string();
            view.instead = Some((
                "/terminal/find".to_string(),
                count_text(t, everything, "find.see_all_one", "find.see_all"),
            ));
        } else {
            view.count_text = t.get("find.none_at_all").to_string();
            view.instead = Some((
                "/terminal/jobs-for-you".to_string(),
                t.get("find.see_jobs_for_you").to_string(),
            ));
        }
    }
    let search_terms = view.search.clone();
    view.pager = Pager::of(t, view.search.page, found.pages(), |p| search_terms.link(p));
    Ok(page(StatusCode::OK, &view))
}

/// The choices made, in words ("Shops, part time, up to 10 miles"), or
/// empty when none.
fn chosen_text(
    t: Messages,
    search: &Search,
    sectors: &[SectorOption],
    distances: &[SelectOption],
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(sector) = &search.sector {
        if let Some(option) = sectors.iter().find(|o| &o.slug == sector) {
            parts.push(option.label.clone());
        }
    }
    match search.hours.as_deref() {
        Some("part") => parts.push(t.get("find.hours_part").to_string()),
        Some("full") => parts.push(t.get("find.hours_full").to_string()),
        _ => {}
    }
    if let Some(option) = distances.iter().find(|d| d.selected) {
        parts.push(option.label.clone());
    }
    parts.join("; ")
}

/// A vacancy in plain words.
pub struct VacancyView {
    pub id: i64,
    pub title: String,
    pub employer: String,
    pub description: String,
    pub pay: String,
    pub hours: String,
    pub shifts: Vec<String>,
    pub place: String,
    pub how_far: String,
    pub starts: String,
    pub contract: &'static str,
    pub documents: Vec<String>,
    pub certificates: Vec<String>,
    pub closing: String,
    pub reasons: Vec<String>,
}

pub fn vacancy_view(
    t: Messages,
    taxonomy: &Taxonomy,
    vacancy: &Vacancy,
    assessment: &Assessment,
    employer: String,
) -> VacancyView {
    let d = &vacancy.details;
    let how_far = match (d.workplace(), assessment.distance_km) {
        (Workplace::Remote, _) => t.get("reason.remote").to_string(),
        (_, Some(km)) => distance_text(t, km),
        (_, None) => t.get("vacancy.far_unknown").to_string(),
    };
    VacancyView {
        id: vacancy.id,
        title: d.title().to_string(),
        employer,
        description: d.description().to_string(),
        pay: pay_text(t, vacancy),
        hours: hours_text(t, vacancy),
        shifts: shift_texts(t, vacancy),
        place: place_text(t, vacancy),
        how_far,
        starts: match d.start() {
            crate::domain::vacancy::Start::Asap => t.get("vacancy.starts_asap").to_string(),
            crate::domain::vacancy::Start::On(start) if start <= today() => {
                t.get("reason.start_now").to_string()
            }
            crate::domain::vacancy::Start::On(start) => t.date(start),
        },
        contract: contract_text(t, d.contract()),
        documents: d.documents_needed().to_vec(),
        certificates: d
            .required_certificates()
            .iter()
            .map(|slug| taxonomy.label(slug).to_string())
            .collect(),
        closing: match d.closing_date() {
            Some(date) => t.date(date),
            None => t.get("vacancy.rolling").to_string(),
        },
        reasons: plain_reasons(t, assessment),
    }
}

#[derive(Template)]
#[template(path = "terminal/vacancy.html")]
struct VacancyPage {
    f: Frame,
    v: VacancyView,
    applied_on: Option<String>,
    printed: String,
}

pub async fn vacancy(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let t = f.t;
    let id = path.into_inner();
    let profile = load_profile(&state, seeker.seeker.profile_id).await?;
    let (vacancy, assessment, employer) = match eligible_vacancy(&state, &profile, id).await {
        Ok(found) => found,
        Err(e) => return seeker_page_error(f, e),
    };
    let profile_id = profile.id;
    let existing = state
        .store
        .run(move |c| apps::find(c, profile_id, id))
        .await?;
    let v = vacancy_view(t, &state.taxonomy, &vacancy, &assessment, employer);
    Ok(page(
        StatusCode::OK,
        &VacancyPage {
            v,
            applied_on: existing
                .map(|a| t.with("vacancy.already", "date", t.date(a.created_at.date()))),
            printed: t.with("site.printed", "date", t.date(today())),
            f,
        },
    ))
}

#[derive(Template)]
#[template(path = "terminal/apply.html")]
struct ApplyPage {
    f: Frame,
    errors: FieldErrors,
    vacancy_id: i64,
    title_line: String,
    statement: String,
    hint: String,
    saved: bool,
}

pub async fn apply_form(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let t = f.t;
    let id = path.into_inner();
    let profile = load_profile(&state, seeker.seeker.profile_id).await?;
    let (vacancy, _, _) = match eligible_vacancy(&state, &profile, id).await {
        Ok(found) => found,
        Err(e) => return seeker_page_error(f, e),
    };
    let profile_id = profile.id;
    let (existing, draft) = state
        .store
        .run(move |c| {
            Ok((
                apps::find(c, profile_id, id)?,
                apps::load_draft(c, profile_id, id)?,
            ))
        })
        .await?;
    if existing.is_some() {
        return Ok(redirect(&format!("/terminal/applications/{id}")));
    }
    Ok(page(
        StatusCode::OK,
        &ApplyPage {
            errors: FieldErrors::new(),
            vacancy_id: id,
            title_line: t.with("apply.for", "title", vacancy.details.title()),
            statement: draft.unwrap_or_default(),
            hint: t.with("apply.statement_hint", "max", STATEMENT_MAX),
            saved: false,
            f,
        },
    ))
}

#[derive(Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    statement: String,
    #[serde(default)]
    action: String,
}

/// Checks a statement, with messages in the person's language.
pub fn check_statement(t: Messages, statement: &str, sending: bool) -> Result<(), FieldErrors> {
    if statement.chars().count() > STATEMENT_MAX {
        return Err(FieldErrors::single(
            "statement",
            t.with("apply.error.too_long", "max", STATEMENT_MAX),
        ));
    }
    if sending && statement.trim().is_empty() {
        return Err(FieldErrors::single("statement", t.get("apply.error.empty")));
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
enum SubmitError {
    #[error(transparent)]
    Application(#[from] ApplicationError),
    #[error(transparent)]
    Notify(#[from] crate::notify::NotifyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for SubmitError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Application(e.into())
    }
}

/// Submits (idempotently) and, when this call created the application,
/// queues the officer's email in the same transaction.
pub async fn submit_application(
    state: &AppState,
    profile_id: i64,
    vacancy_id: i64,
    statement: String,
) -> Result<apps::Submitted, SeekerError> {
    let config = state.config.clone();
    let outcome = state
        .store
        .run(move |conn| {
            let at = store::now();
            let result = crate::write_tx!(conn, |tx| {
                let submitted = apps::submit(tx, profile_id, vacancy_id, &statement, at)?;
                if submitted.created {
                    crate::notify::officer::application_awaiting_review(
                        tx,
                        &config,
                        submitted.application.id,
                    )?;
                }
                Ok::<_, SubmitError>(submitted)
            });
            Ok(result)
        })
        .await?;
    match outcome {
        Ok(submitted) => Ok(submitted),
        Err(SubmitError::Application(ApplicationError::Invalid(fields))) => {
            Err(SeekerError::Invalid(fields))
        }
        Err(SubmitError::Application(ApplicationError::NotFound)) => Err(SeekerError::NotFound),
        Err(e) => Err(SeekerError::Internal(e.to_string())),
    }
}

pub async fn apply(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    path: web::Path<i64>,
    form: web::Form<ApplyForm>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let t = f.t;
    let id = path.into_inner();
    let form = form.into_inner();
    let profile = load_profile(&state, seeker.seeker.profile_id).await?;
    let (vacancy, _, _) = match eligible_vacancy(&state, &profile, id).await {
        Ok(found) => found,
        Err(e) => return seeker_page_error(f, e),
    };
    let saving = form.action == "save";
    let render = |status: StatusCode, errors: FieldErrors, saved: bool, f: Frame| {
        page(
            status,
            &ApplyPage {
                errors,
                vacancy_id: id,
                title_line: t.with("apply.for", "title", vacancy.details.title()),
                statement: form.statement.clone(),
                hint: t.with("apply.statement_hint", "max", STATEMENT_MAX),
                saved,
                f,
            },
        )
    };
    if let Err(errors) = check_statement(t, &form.statement, !saving) {
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, errors, false, f));
    }
    let profile_id = profile.id;
    if saving {
        let statement = form.statement.clone();
        let saved = state
            .store
            .run(move |conn| {
                let at = store::now();
                Ok(crate::write_tx!(conn, |tx| apps::save_draft(
                    tx, profile_id, id, &statement, at
                )))
            })
            .await?;
        return match saved {
            Ok(()) => Ok(render(StatusCode::OK, FieldErrors::new(), true, f)),
            Err(ApplicationError::Invalid(_)) => Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                FieldErrors::single(
                    "statement",
                    t.with("apply.error.too_long", "max", STATEMENT_MAX),
                ),
                false,
                f,
            )),
            Err(e) => Err(AppError::Internal(e.to_string())),
        };
    }
    match submit_application(&state, profile_id, id, form.statement.clone()).await {
        Ok(_) => Ok(redirect(&format!("/terminal/applications/{id}"))),
        Err(SeekerError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::single("statement", t.get("apply.error.empty")),
            false,
            f,
        )),
        Err(e) => seeker_page_error(f, e),
    }
}

/// One of the person's applications, in plain words.
pub struct ApplicationView {
    pub vacancy_id: i64,
    pub title: String,
    pub sent_on: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub statement: String,
    pub details: Vec<String>,
    pub can_withdraw: bool,
}

fn application_view(t: Messages, a: &Application, title: Option<&str>) -> ApplicationView {
    let mut details = Vec::new();
    if a.status == ApplicationStatus::Interview {
        if let Some(at) = a.interview_at {
            details.push(t.fill(
                "apps.interview",
                &[("date", t.date(at.date())), ("time", time_text(at.time()))],
            ));
        }
    }
    if let Some(start) = a.start_date {
        if matches!(
            a.status,
            ApplicationStatus::Offer | ApplicationStatus::Started
        ) {
            details.push(t.with("apps.start_date", "date", t.date(start)));
        }
    }
    ApplicationView {
        vacancy_id: a.vacancy_id,
        title: title
            .map(str::to_string)
            .unwrap_or_else(|| t.get("apps.job_gone").to_string()),
        sent_on: t.with("apps.sent_on", "date", t.date(a.created_at.date())),
        status: status_text(t, a.status),
        status_code: a.status.as_str(),
        statement: a.statement.clone(),
        details,
        can_withdraw: !a.status.is_final(),
    }
}

/// The person's applications with their vacancies' titles, newest first.
pub async fn my_applications(
    state: &AppState,
    profile_id: i64,
    t: Messages,
) -> Result<Vec<ApplicationView>, SeekerError> {
    let taxonomy = state.taxonomy.clone();
    let (list, vacancies) = state
        .store
        .run(move |c| {
            let list = apps::for_profile(c, profile_id)?;
            let ids: Vec<i64> = list.iter().map(|a| a.vacancy_id).collect();
            let vacancies = store::vacancies::load_many(c, &ids, &taxonomy)?;
            Ok((list, vacancies))
        })
        .await?;
    Ok(list
        .iter()
        .map(|a| {
            let title = vacancies
                .iter()
                .find(|v| v.id == a.vacancy_id)
                .map(|v| v.details.title());
            application_view(t, a, title)
        })
        .collect())
}

/// A statement saved for later and not sent.
pub struct DraftView {
    pub vacancy_id: i64,
    pub title: String,
    pub saved_on: String,
    /// False when the job is no longer open: the draft can only be read.
    pub can_finish: bool,
}

/// The person's unsent statements, newest first.
pub async fn my_drafts(
    state: &AppState,
    profile_id: i64,
    t: Messages,
) -> Result<Vec<DraftView>, SeekerError> {
    let taxonomy = state.taxonomy.clone();
    let (drafts, vacancies) = state
        .store
        .run(move |c| {
            let drafts = apps::drafts_for_profile(c, profile_id)?;
            let ids: Vec<i64> = drafts.iter().map(|(id, _)| *id).collect();
            let vacancies = store::vacancies::load_many(c, &ids, &taxonomy)?;
            Ok((drafts, vacancies))
        })
        .await?;
    Ok(drafts
        .iter()
        .map(|(vacancy_id, saved)| {
            let vacancy = vacancies.iter().find(|v| v.id == *vacancy_id);
            let open = vacancy.is_some_and(|v| v.status == VacancyStatus::Published);
            DraftView {
                vacancy_id: *vacancy_id,
                title: match vacancy {
                    Some(v) if open => v.details.title().to_string(),
                    _ => t.get("apps.job_gone").to_string(),
                },
                saved_on: t.with("apps.saved_on", "date", t.date(saved.date())),
                can_finish: open,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "terminal/applications.html")]
struct ApplicationsPage {
    f: Frame,
    items: Vec<ApplicationView>,
    count: String,
    pager: Option<Pager>,
    printed: String,
    drafts: Vec<DraftView>,
    drafts_count: String,
}

/// My applications, newest first, ten a page; the print view holds them
/// all.
pub async fn applications(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let mut items = my_applications(&state, seeker.seeker.profile_id, f.t).await?;
    let drafts = my_drafts(&state, seeker.seeker.profile_id, f.t).await?;
    let drafts_count = count_text(f.t, drafts.len(), "apps.drafts_one", "apps.drafts");
    let count = count_text(f.t, items.len(), "apps.count_one", "apps.count");
    let printed = f.t.with("site.printed", "date", f.t.date(today()));
    let mut pager = None;
    if !f.print {
        let pages = pages_of(items.len());
        let page_no = page_number(&query.page).min(pages);
        items = items.drain(page_range(items.len(), page_no)).collect();
        pager = Pager::of(f.t, page_no, pages, |p| {
            format!("/terminal/applications?page={p}")
        });
    }
    Ok(page(
        StatusCode::OK,
        &ApplicationsPage {
            f,
            items,
            count,
            pager,
            printed,
            drafts,
            drafts_count,
        },
    ))
}

#[derive(Template)]
#[template(path = "terminal/application.html")]
struct ApplicationPage {
    f: Frame,
    a: ApplicationView,
    printed: String,
}

pub async fn one_application(
    state: &AppState,
    profile_id: i64,
    vacancy_id: i64,
    t: Messages,
) -> Result<ApplicationView, SeekerError> {
    let taxonomy = state.taxonomy.clone();
    let (application, vacancy) = state
        .store
        .run(move |c| {
            let application = apps::find(c, profile_id, vacancy_id)?;
            let vacancy = store::vacancies::load_many(c, &[vacancy_id], &taxonomy)?.pop();
            Ok((application, vacancy))
        })
        .await?;
    let application = application.ok_or(SeekerError::NotFound)?;
    Ok(application_view(
        t,
        &application,
        vacancy.as_ref().map(|v| v.details.title()),
    ))
}

pub async fn application(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let t = f.t;
    match one_application(&state, seeker.seeker.profile_id, path.into_inner(), t).await {
        Ok(a) => Ok(page(
            StatusCode::OK,
            &ApplicationPage {
                a,
                printed: t.with("site.printed", "date", t.date(today())),
                f,
            },
        )),
        Err(e) => seeker_page_error(f, e),
    }
}

/// Withdraws the person's application for a vacancy. Withdrawing one that
/// has already ended changes nothing.
pub async fn withdraw_application(
    state: &AppState,
    profile_id: i64,
    vacancy_id: i64,
) -> Result<(), SeekerError> {
    let outcome = state
        .store
        .run(move |conn| {
            let at = store::now();
            Ok(crate::write_tx!(conn, |tx| {
                let Some(a) = apps::find(tx, profile_id, vacancy_id)? else {
                    return Err(ApplicationError::NotFound);
                };
                if a.status.is_final() {
                    return Ok(());
                }
                apps::change_status(
                    tx,
                    a.id,
                    &apps::Change::to(ApplicationStatus::Withdrawn),
                    apps::Actor::seeker(),
                    at,
                )?;
                Ok(())
            }))
        })
        .await?;
    match outcome {
        Ok(()) | Err(ApplicationError::Refused(_)) => Ok(()),
        Err(ApplicationError::NotFound) => Err(SeekerError::NotFound),
        Err(e) => Err(SeekerError::Internal(e.to_string())),
    }
}

pub async fn withdraw(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    match withdraw_application(&state, seeker.seeker.profile_id, id).await {
        Ok(()) => Ok(redirect(&format!("/terminal/applications/{id}"))),
        Err(e) => seeker_page_error(Frame::signed_in(&seeker, &req), e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::offence::OffenceCategory;
    use crate::web::i18n::Lang;

    fn assessment(reasons: Vec<Reason>) -> Assessment {
        Assessment {
            failures: Vec::new(),
            score: 0.5,
            reasons,
            distance_km: None,
            case_by_case: Vec::new(),
        }
    }

    #[test]
    fn reasons_are_plain_words_and_never_about_offences() {
        let a = assessment(vec![
            Reason::RequiredSkills {
                matched: vec!["a".into(), "b".into(), "c".into()],
                missing: vec!["d".into()],
                total: 4,
            },
            Reason::Distance { km: 19.3 },
            Reason::StartsAfterRelease { days: 9 },
            Reason::CaseByCase {
                categories: vec![OffenceCategory::Violence],
            },
            Reason::NoFixedAbode,
        ]);
        assert_eq!(
            plain_reasons(Messages::new(Lang::En), &a),
            [
                "You have 3 of the 4 skills they need.",
                "12 miles from where you will live.",
                "Starts 9 days after your release.",
            ]
        );
        assert_eq!(
            plain_reasons(Messages::new(Lang::Cy), &a),
            [
                "Mae gennych 3 o'r 4 sgil sydd eu hangen arnynt.",
                "12 milltir o'r lle byddwch yn byw.",
                "Yn dechrau 9 diwrnod ar ôl i chi gael eich rhyddhau.",
            ]
        );
    }

    #[test]
    fn no_skills_and_near_distances_read_well() {
        let t = Messages::new(Lang::En);
        let none = assessment(vec![Reason::RequiredSkills {
            matched: Vec::new(),
            missing: vec!["a".into()],
            total: 1,
        }]);
        assert!(plain_reasons(t, &none).is_empty(), "0 of 1 is not a reason");
        let all = assessment(vec![Reason::RequiredSkills {
            matched: vec!["a".into()],
            missing: Vec::new(),
            total: 1,
        }]);
        assert_eq!(
            plain_reasons(t, &all),
            ["You have all the skills they need."]
        );
        assert_eq!(
            distance_text(t, 0.3),
            "Less than half a mile from where you will live."
        );
        assert_eq!(distance_text(t, 1.7), "1 mile from where you will live.");
        assert_eq!(distance_text(t, 3.3), "2 miles from where you will live.");
    }

    #[test]
    fn pay_is_in_pounds() {
        assert_eq!(pounds(1150), "11.50");
        assert_eq!(pounds(1200), "12");
        assert_eq!(number(37.5), "37.5");
        assert_eq!(number(40.0), "40");
    }
}
