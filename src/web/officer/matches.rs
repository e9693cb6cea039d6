//! Matches for the officer: a person's ranked vacancies with reasons,
//! approve or dismiss (with a reason), "why not?" for any open vacancy,
//! the service's waiting matches, and the candidates for a vacancy.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::forms::Posted;
use super::{caseworker, see_other};
use crate::app::matches::{self, Candidates, MatchesAsk, ProfileMatches, Titles};
use crate::domain::application::MatchStatus;
use crate::domain::matching::{Assessment, Reason};
use crate::domain::profile::Profile;
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::Vacancy;
use crate::domain::FieldErrors;
use crate::matches::Ranked;
use crate::store;
use crate::store::caseload::{Floor, WaitingSort};
use crate::store::matches::{DecisionError, MatchRecord};
use crate::web::auth::Officer;
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::seeker::{grouped, page_number};
use crate::web::view::Chrome;
use crate::web::AppState;

pub struct MatchLine {
    pub vacancy_id: i64,
    pub title: String,
    pub employer: String,
    pub score: String,
    pub reasons: Vec<String>,
    pub case_by_case: Vec<&'static str>,
    pub match_id: Option<i64>,
    pub status: String,
    pub dismiss_reason: Option<String>,
    /// "To do before starting: ..." for a decided match (the ranked lines
    /// carry it among their reasons).
    pub todo_note: Option<String>,
}

pub struct WhyNot {
    pub vacancy_id: i64,
    pub title: String,
    pub employer: String,
    pub eligible: bool,
    pub failures: Vec<(&'static str, String)>,
    pub reasons: Vec<String>,
    pub case_by_case: Vec<&'static str>,
    /// "Eligible from 14 March 2027, when the curfew ends", when the pair
    /// fails only on time.
    pub eligible_from: Option<String>,
    /// The officer's watch on the pair: the day they will hear.
    pub watching: Option<String>,
}

/// Officers' ranked lists show this many a page.
pub const RANKED_PER_PAGE: usize = 50;

/// "Showing 51 to 100 of 1,204", with links to the pages either side.
pub struct StaffPager {
    pub showing: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl StaffPager {
    /// For page `paging.page` showing `shown` items of `total`.
    pub fn new(
        paging: crate::matches::Paging,
        shown: usize,
        total: usize,
        noun: &str,
        link: impl Fn(usize) -> String,
    ) -> Self {
        let page = paging.page;
        let pages = total.div_ceil(paging.per_page.max(1)).max(1);
        let showing = if shown == 0 {
            format!("{} {noun} in all.", grouped(total))
        } else {
            format!(
                "Showing {} to {} of {} {noun}.",
                grouped(paging.offset() + 1),
                grouped(paging.offset() + shown),
                grouped(total)
            )
        };
        StaffPager {
            showing,
            previous: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    fn of<T>(found: &crate::matches::Page<T>, noun: &str, link: impl Fn(usize) -> String) -> Self {
        Self::new(found.paging, found.items.len(), found.total, noun, link)
    }
}

#[derive(Template)]
#[template(path = "officer/matches.html")]
struct MatchesPage {
    chrome: Chrome,
    id: i64,
    name: String,
    pager: StaffPager,
    ranked: Vec<MatchLine>,
    decided: Vec<MatchLine>,
    find: String,
    found: Vec<store::caseload::VacancyHit>,
    searched: bool,
    why_not: Option<WhyNot>,
    why_not_error: Option<String>,
    /// A why-not question was asked: its answer comes first on the page.
    asked: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct MatchesQuery {
    #[serde(default)]
    find: String,
    #[serde(default)]
    why_not: String,
    #[serde(default)]
    page: String,
}

fn status_label(status: &MatchStatus) -> String {
    match status {
        MatchStatus::Suggested => "Waiting for your decision",
        MatchStatus::Approved => "Approved: shown to the person",
        MatchStatus::Dismissed => "Dismissed",
        MatchStatus::Expired => "No longer matches",
    }
    .to_string()
}

pub async fn profile_matches(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<MatchesQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let query = query.into_inner();
    let find = query.find.trim().to_string();
    let wanted = query.why_not.trim();
    // A why-not value that is not a vacancy id is answered on the page.
    let (why_not, why_not_unread) = match wanted.parse::<i64>() {
        _ if wanted.is_empty() => (None, false),
        Ok(vid) => (Some(vid), false),
        Err(_) => (None, true),
    };
    let ask = MatchesAsk {
        paging: crate::matches::Paging {
            page: page_number(&query.page),
            per_page: RANKED_PER_PAGE,
        },
        decided: true,
        find: Some(find.clone()),
        why_not,
    };
    let answer = matches::profile_matches(&state, caseworker(&officer), id, ask).await?;
    let why_not_error = if why_not_unread {
        Some("Choose a vacancy from the search results".to_string())
    } else if matches!(answer.why_not, Some(None)) {
        Some("That vacancy is not open. Search for an open vacancy".to_string())
    } else {
        None
    };
    Ok(render_matches(
        &state,
        &officer,
        answer,
        find,
        why_not_error,
    ))
}

fn title_of(titles: &Titles, vid: i64) -> (String, String) {
    titles
        .get(&vid)
        .cloned()
        .unwrap_or_else(|| ("(vacancy)".to_string(), String::new()))
}

/// How an assessment reads on a line: the score, the reasons and the
/// case-by-case categories.
fn assessment_words(t: &Taxonomy, a: &Assessment) -> (String, Vec<String>, Vec<&'static str>) {
    (
        format!("{:.0}%", a.score * 100.0),
        a.reasons.iter().map(|x| x.describe(t)).collect(),
        a.case_by_case.iter().map(|c| c.label()).collect(),
    )
}

/// The reasons with "To do before starting: ..." added when the person has
/// open to-dos that the vacancy's documents need (a note, never a reason
/// to exclude).
fn with_todo_note(mut reasons: Vec<String>, vacancy: &Vacancy, profile: &Profile) -> Vec<String> {
    use crate::domain::documents::{before_starting_note, DocumentVocabulary};
    let todos =
        DocumentVocabulary::embedded().todos_before_starting(&vacancy.details, &profile.details);
    reasons.extend(before_starting_note(&todos));
    reasons
}

fn ranked_line(t: &Taxonomy, answer: &ProfileMatches, r: &Ranked<Vacancy>) -> MatchLine {
    let stored = answer.stored.get(&r.item.id);
    let (title, employer) = title_of(&answer.titles, r.item.id);
    let (score, reasons, case_by_case) = assessment_words(t, &r.assessment);
    let reasons = with_todo_note(reasons, &r.item, &answer.profile);
    MatchLine {
        vacancy_id: r.item.id,
        title,
        employer,
        score,
        reasons,
        case_by_case,
        match_id: stored.map(|m| m.id),
        status: stored
            .map(|m| status_label(&m.status))
            .unwrap_or_else(|| "Not yet stored (the next matching run adds it)".into()),
        dismiss_reason: stored.and_then(|m| m.dismiss_reason.clone()),
        todo_note: None,
    }
}

fn decided_line(t: &Taxonomy, answer: &ProfileMatches, r: &MatchRecord) -> MatchLine {
    let (title, employer) = title_of(&answer.titles, r.vacancy_id);
    let reasons: Vec<Reason> = serde_json::from_str(&r.reasons).unwrap_or_default();
    let reasons: Vec<String> = reasons.iter().map(|x| x.describe(t)).collect();
    MatchLine {
        vacancy_id: r.vacancy_id,
        title,
        employer,
        score: format!("{:.0}%", r.score * 100.0),
        reasons,
        case_by_case: Vec::new(),
        match_id: Some(r.id),
        status: status_label(&r.status),
        dismiss_reason: r.dismiss_reason.clone(),
        todo_note: answer.decided_todos.get(&r.vacancy_id).cloned(),
    }
}

fn why_not_of(t: &Taxonomy, answer: &ProfileMatches, v: &Vacancy, a: &Assessment) -> WhyNot {
    let (title, employer) = answer.titles.get(&v.id).cloned().unwrap_or_default();
    let (_, reasons, case_by_case) = assessment_words(t, a);
    let reasons = with_todo_note(reasons, v, &answer.profile);
    WhyNot {
        vacancy_id: v.id,
        title,
        employer,
        eligible: a.eligible(),
        failures: a
            .failures
            .iter()
            .map(|f| (f.code().as_str(), f.describe(t)))
            .collect(),
        reasons,
        case_by_case,
        eligible_from: answer.eligible_from.as_ref().map(|from| from.describe(t)),
        watching: answer
            .watching
            .map(|day| day.format("%-d %B %Y").to_string()),
    }
}

fn render_matches(
    state: &AppState,
    officer: &Officer,
    answer: ProfileMatches,
    find: String,
    why_not_error: Option<String>,
) -> HttpResponse {
    let t = &state.taxonomy;
    let id = answer.profile.id;
    let pager = StaffPager::of(&answer.ranked, "vacancies", |p| {
        format!("/officer/profiles/{id}/matches?page={p}")
    });
    let ranked = answer
        .ranked
        .items
        .iter()
        .map(|r| ranked_line(t, &answer, r))
        .collect();
    let decided = answer
        .decided
        .iter()
        .map(|r| decided_line(t, &answer, r))
        .collect();
    let why_not = match &answer.why_not {
        Some(Some((v, a))) => Some(why_not_of(t, &answer, v, a)),
        _ => None,
    };
    let d = &answer.profile.details;
    page(
        StatusCode::OK,
        &MatchesPage {
            chrome: Chrome::of(&officer.ctx),
            id,
            name: format!("{} {}", d.given_name(), d.family_name()),
            pager,
            ranked,
            decided,
            searched: !find.is_empty(),
            asked: !find.is_empty() || why_not.is_some() || why_not_error.is_some(),
            find,
            found: answer.found,
            why_not,
            why_not_error,
        },
    )
}

/// The vacancy a watch form is about, when it says.
fn watched_vacancy(form: &super::forms::Form) -> Option<i64> {
    form.text("vacancy_id").parse().ok()
}

/// Back to the why-not answer (both functions refuse a form without a
/// vacancy first).
fn why_not_link(profile_id: i64, vacancy_id: Option<i64>) -> String {
    let vacancy_id = vacancy_id.unwrap_or_default();
    format!("/officer/profiles/{profile_id}/matches?why_not={vacancy_id}#why-not")
}

/// Watch a pair from its why-not answer: the officer is emailed on the day
/// it becomes eligible.
pub async fn watch(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    let vacancy_id = watched_vacancy(&form);
    crate::app::watches::watch(&state, caseworker(&officer), id, vacancy_id).await?;
    Ok(see_other(why_not_link(id, vacancy_id)))
}

/// Stop watching a pair.
pub async fn stop_watching(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    let vacancy_id = watched_vacancy(&form);
    crate::app::watches::stop(&state, caseworker(&officer), id, vacancy_id).await?;
    Ok(see_other(why_not_link(id, vacancy_id)))
}

pub async fn approve(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    decide(&state, &officer, path.into_inner(), true, None).await
}

#[derive(Template)]
#[template(path = "officer/dismiss.html")]
struct DismissPage {
    chrome: Chrome,
    match_id: i64,
    profile_id: i64,
    reason: String,
    errors: FieldErrors,
}

pub async fn dismiss(
    Posted {
        state,
        officer,
        id,
        form,
    }: Posted,
) -> Result<HttpResponse, AppError> {
    let reason = form.text("dismiss_reason");
    decide(&state, &officer, id, false, Some(reason)).await
}

async fn decide(
    state: &AppState,
    officer: &Officer,
    match_id: i64,
    approve: bool,
    reason: Option<String>,
) -> Result<HttpResponse, AppError> {
    let result = matches::decide(
        state,
        caseworker(officer),
        match_id,
        approve,
        reason.clone(),
    )
    .await;
    match result {
        Ok(profile_id) => Ok(see_other(format!("/officer/profiles/{profile_id}/matches"))),
        Err(DecisionError::NotFound) => Err(AppError::NotFound),
        Err(DecisionError::Invalid(errors)) => {
            let profile_id = matches::match_profile(state, officer.service_id, match_id).await?;
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &DismissPage {
                    chrome: Chrome::of(&officer.ctx),
                    match_id,
                    profile_id,
                    reason: reason.unwrap_or_default(),
                    errors,
                },
            ))
        }
        Err(DecisionError::NotAllowed { from, to }) => Err(AppError::Conflict(format!(
            "This match could not become {to}: it is {from} now. Go back and reload the page."
        ))),
        Err(DecisionError::Store(e)) => Err(e.into()),
    }
}

pub struct WaitingLine {
    pub match_id: i64,
    pub profile_id: i64,
    pub name: String,
    pub reference: String,
    pub release_date: String,
    pub vacancy_id: i64,
    pub title: String,
    pub employer: String,
    pub town: String,
    pub score: String,
    pub skills: String,
    pub found: String,
}

#[derive(Template)]
#[template(path = "officer/waiting_matches.html")]
struct WaitingPage {
    chrome: Chrome,
    pager: StaffPager,
    lines: Vec<WaitingLine>,
    q: String,
    mine: bool,
    sort: &'static str,
    floor: String,
    sorts: Vec<(&'static str, &'static str)>,
    floors: Vec<(String, String)>,
    below_floor: i64,
    show_all_link: String,
    errors: FieldErrors,
}

#[derive(serde::Deserialize, Default)]
pub struct WaitingQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    mine: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    floor: String,
    #[serde(default)]
    page: String,
}

/// Longest text the officer can filter the waiting matches by.
const FILTER_TEXT_MAX: usize = 100;

/// New matches across the service waiting for a decision, 50 a page:
/// where the digest email points. Filtered by person, vacancy or employer,
/// sorted, and above a floor that hides weak matches (saying how many);
/// all of it in the database.
pub async fn waiting(
    state: web::Data<AppState>,
    officer: Officer,
    query: web::Query<WaitingQuery>,
) -> Result<HttpResponse, AppError> {
    let form = query.into_inner();
    let (filter, errors) = waiting_filter(&officer, &form);
    let wanted_page = page_number(&form.page);
    let paging = crate::matches::Paging {
        page: wanted_page,
        per_page: RANKED_PER_PAGE,
    };
    let found = matches::waiting(&state, filter.clone(), paging).await?;
    let total = usize::try_from(found.total).unwrap_or(0);
    let pages = total.div_ceil(RANKED_PER_PAGE).max(1);
    let floor_str = filter.floor.as_str();
    if wanted_page > pages {
        // A page past the end (an old link, or matches decided since):
        // the last page that exists.
        return Ok(see_other(waiting_link(&filter, pages, &floor_str)));
    }
    let pager = StaffPager::new(paging, found.lines.len(), total, "matches", |p| {
        waiting_link(&filter, p, &floor_str)
    });
    let below_floor = found.below_floor;
    let lines = found.lines.into_iter().map(waiting_line).collect();
    Ok(page(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        },
        &WaitingPage {
            chrome: Chrome::of(&officer.ctx),
            pager,
            lines,
            q: filter.text.clone().unwrap_or_default(),
            mine: filter.officer_id.is_some(),
            sort: filter.sort.as_str(),
            floor: floor_str.clone(),
            sorts: WaitingSort::ALL
                .iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            floors: Floor::CHOICES
                .iter()
                .map(|f| (f.as_str(), f.label()))
                .collect(),
            below_floor,
            show_all_link: waiting_link(&filter, 1, "all"),
            errors,
        },
    ))
}

/// The waiting matches' filter as the query asks for it, with messages for
/// what could not be read.
fn waiting_filter(
    officer: &Officer,
    form: &WaitingQuery,
) -> (store::caseload::WaitingQuery, FieldErrors) {
    let mut errors = FieldErrors::new();
    let mut text = form.q.trim().to_string();
    if text.chars().count() > FILTER_TEXT_MAX {
        errors.add("q", format!("Write {FILTER_TEXT_MAX} characters or fewer"));
        text = text.chars().take(FILTER_TEXT_MAX).collect();
    }
    let sort = WaitingSort::parse(form.sort.trim()).unwrap_or_else(|| {
        errors.add("sort", "Choose an order from the list");
        WaitingSort::Newest
    });
    let floor = Floor::parse(form.floor.trim()).unwrap_or_else(|| {
        errors.add("floor", "Choose which matches to show from the list");
        Floor::Useful
    });
    let mine = !form.mine.is_empty();
    let filter = store::caseload::WaitingQuery {
        service_id: officer.service_id,
        officer_id: mine.then_some(officer.actor.user_id),
        text: Some(text).filter(|t| !t.is_empty()),
        floor,
        sort,
    };
    (filter, errors)
}

/// The waiting matches' address for a page of the same filter, with the
/// floor given.
fn waiting_link(filter: &store::caseload::WaitingQuery, page: usize, floor: &str) -> String {
    let mut params: Vec<(&str, String)> = Vec::new();
    if let Some(text) = &filter.text {
        params.push(("q", text.clone()));
    }
    if filter.officer_id.is_some() {
        params.push(("mine", "1".into()));
    }
    params.push(("sort", filter.sort.as_str().into()));
    params.push(("floor", floor.to_string()));
    params.push(("page", page.to_string()));
    format!(
        "/officer/matches?{}",
        serde_urlencoded::to_string(&params).unwrap_or_default()
    )
}

fn waiting_line(l: store::caseload::WaitingMatch) -> WaitingLine {
    WaitingLine {
        match_id: l.match_id,
        profile_id: l.profile_id,
        name: format!("{} {}", l.given_name, l.family_name),
        reference: l.reference,
        release_date: l.release_date.format("%d %b %Y").to_string(),
        vacancy_id: l.vacancy_id,
        title: l.title,
        employer: l.employer_name,
        town: if l.remote {
            "Remote".to_string()
        } else {
            l.place_name.unwrap_or_else(|| "Not given".to_string())
        },
        score: format!("{:.0}%", l.score * 100.0),
        skills: if l.required_total == 0 {
            "None required".to_string()
        } else {
            format!("{} of {}", l.required_met, l.required_total)
        },
        found: l.created_at.format("%d %b %Y").to_string(),
    }
}

pub struct CandidateLine {
    pub profile_id: i64,
    pub name: String,
    pub reference: String,
    pub release_date: String,
    pub score: String,
    pub reasons: Vec<String>,
    pub case_by_case: Vec<&'static str>,
    pub status: String,
}

#[derive(Template)]
#[template(path = "officer/candidates.html")]
struct CandidatesPage {
    chrome: Chrome,
    vacancy_id: i64,
    title: String,
    employer: String,
    pager: StaffPager,
    lines: Vec<CandidateLine>,
}

#[derive(serde::Deserialize, Default)]
pub struct CandidatesQuery {
    #[serde(default)]
    page: String,
}

/// The people of the officer's service who fit a published vacancy, ranked.
pub async fn candidates(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<CandidatesQuery>,
) -> Result<HttpResponse, AppError> {
    let vacancy_id = path.into_inner();
    let paging = crate::matches::Paging {
        page: page_number(&query.page),
        per_page: RANKED_PER_PAGE,
    };
    let found = matches::candidates(&state, caseworker(&officer), vacancy_id, paging).await?;
    let pager = StaffPager::of(&found.ranked, "people", |p| {
        format!("/officer/vacancies/{vacancy_id}/candidates?page={p}")
    });
    let t = &state.taxonomy;
    let lines: Vec<CandidateLine> = found
        .ranked
        .items
        .iter()
        .map(|r| candidate_line(t, &found, r))
        .collect();
    let (title, employer) = found.title;
    Ok(page(
        StatusCode::OK,
        &CandidatesPage {
            chrome: Chrome::of(&officer.ctx),
            vacancy_id,
            title,
            employer,
            pager,
            lines,
        },
    ))
}

fn candidate_line(t: &Taxonomy, found: &Candidates, r: &Ranked<Profile>) -> CandidateLine {
    let d = &r.item.details;
    let (score, reasons, case_by_case) = assessment_words(t, &r.assessment);
    let reasons = with_todo_note(reasons, &found.vacancy, &r.item);
    CandidateLine {
        profile_id: r.item.id,
        name: format!("{} {}", d.given_name(), d.family_name()),
        reference: d.reference().to_string(),
        release_date: d.release_date().format("%d %b %Y").to_string(),
        score,
        reasons,
        case_by_case,
        status: found
            .stored
            .get(&r.item.id)
            .map(|m| status_label(&m.status))
            .unwrap_or_else(|| "Not yet stored".into()),
    }
}

#[derive(Template)]
#[template(path = "officer/soon_eligible.html")]
struct SoonPage {
    chrome: Chrome,
    pager: StaffPager,
    lines: Vec<crate::app::watches::SoonLine>,
    until: String,
}

#[derive(serde::Deserialize, Default)]
pub struct SoonQuery {
    #[serde(default)]
    page: String,
}

/// Pairs of the officer's caseload that become eligible within 12 weeks,
/// soonest first, 50 a page with the total.
pub async fn soon_eligible(
    state: web::Data<AppState>,
    officer: Officer,
    query: web::Query<SoonQuery>,
) -> Result<HttpResponse, AppError> {
    let wanted = page_number(&query.page);
    let paging = crate::matches::Paging {
        page: wanted,
        per_page: RANKED_PER_PAGE,
    };
    let found = crate::app::watches::soon_eligible(&state, caseworker(&officer), paging).await?;
    let pages = found.total.div_ceil(RANKED_PER_PAGE).max(1);
    let link = |p: usize| format!("/officer/matches/soon?page={p}");
    if wanted > pages {
        return Ok(see_other(link(pages)));
    }
    let pager = StaffPager::new(paging, found.lines.len(), found.total, "pairs", link);
    Ok(page(
        StatusCode::OK,
        &SoonPage {
            chrome: Chrome::of(&officer.ctx),
            pager,
            lines: found.lines,
            until: found.until.format("%-d %B %Y").to_string(),
        },
    ))
}
