//! Matches for the officer: a person's ranked vacancies with reasons,
//! approve or dismiss (with a reason), "why not?" for any open vacancy,
//! the service's waiting matches, and the candidates for a vacancy.

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;

use super::auth::Officer;
use super::errors::AppError;
use super::officer_forms::Form;
use super::pages::page;
use super::seeker::{grouped, page_number};
use super::view::Chrome;
use super::viewed::{self, Viewed};
use super::AppState;
use crate::domain::matching::{reveals_restricted, Reason};
use crate::domain::vacancy::VacancyStatus;
use crate::domain::FieldErrors;
use crate::store::audit::{self, Entry};
use crate::store::matches::DecisionError;
use crate::store::{self, StoreError};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

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
}

pub struct WhyNot {
    pub vacancy_id: i64,
    pub title: String,
    pub employer: String,
    pub eligible: bool,
    pub failures: Vec<(&'static str, String)>,
    pub reasons: Vec<String>,
    pub case_by_case: Vec<&'static str>,
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

fn status_label(status: &str) -> String {
    match status {
        "suggested" => "Waiting for your decision",
        "approved" => "Approved: shown to the person",
        "dismissed" => "Dismissed",
        "expired" => "No longer matches",
        other => other,
    }
    .to_string()
}

pub async fn profile_matches(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<MatchesQuery>,
) -> Result<HttpResponse, AppError> {
    let (id, service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let query = query.into_inner();
    let find = query.find.trim().to_string();
    let find_run = find.clone();
    let (profile, records, found) = state
        .store
        .run(move |c| {
            let profile = store::profiles::load_in_service(c, id, service_id, &taxonomy)?;
            let records = store::matches::records_for_profile(c, id, &[])?;
            let found = if find_run.is_empty() {
                Vec::new()
            } else {
                store::caseload::search_open_vacancies(c, &find_run, 25)?
            };
            Ok((profile, records, found))
        })
        .await?;
    let paging = crate::matches::Paging {
        page: page_number(&query.page),
        per_page: RANKED_PER_PAGE,
    };
    let found_page = state
        .matcher
        .vacancies_page(&profile, today(), paging)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let pager = StaffPager::of(&found_page, "vacancies", |p| {
        format!("/officer/profiles/{id}/matches?page={p}")
    });
    let ranked = &found_page.items;
    let t = &state.taxonomy;
    let by_vacancy: HashMap<i64, &store::matches::MatchRecord> =
        records.iter().map(|r| (r.vacancy_id, r)).collect();
    let mut restricted = ranked.iter().any(|r| r.assessment.shows_restricted());
    let ranked_ids: Vec<i64> = ranked.iter().map(|r| r.item.id).collect();
    // Stored matches whose vacancy no longer fits; those that fit are in
    // the ranked list, on this page or another.
    let eligible: std::collections::HashSet<i64> = found_page.every_id.iter().copied().collect();
    let other_ids: Vec<i64> = records
        .iter()
        .filter(|r| !eligible.contains(&r.vacancy_id))
        .map(|r| r.vacancy_id)
        .collect();
    let all_ids: Vec<i64> = ranked_ids.iter().chain(other_ids.iter()).copied().collect();
    let titles: HashMap<i64, (String, String)> = state
        .store
        .run(move |c| store::caseload::vacancy_titles(c, &all_ids))
        .await?
        .into_iter()
        .map(|(id, title, employer)| (id, (title, employer)))
        .collect();
    let title_of = |vid: i64| {
        titles
            .get(&vid)
            .cloned()
            .unwrap_or_else(|| ("(vacancy)".to_string(), String::new()))
    };
    let ranked_lines: Vec<MatchLine> = ranked
        .iter()
        .map(|r| {
            let stored = by_vacancy.get(&r.item.id);
            let (title, employer) = title_of(r.item.id);
            MatchLine {
                vacancy_id: r.item.id,
                title,
                employer,
                score: format!("{:.0}%", r.assessment.score * 100.0),
                reasons: r.assessment.reasons.iter().map(|x| x.describe(t)).collect(),
                case_by_case: r
                    .assessment
                    .case_by_case
                    .iter()
                    .map(|c| c.label())
                    .collect(),
                match_id: stored.map(|m| m.id),
                status: stored
                    .map(|m| status_label(&m.status))
                    .unwrap_or_else(|| "Not yet stored (the next matching run adds it)".into()),
                dismiss_reason: stored.and_then(|m| m.dismiss_reason.clone()),
            }
        })
        .collect();
    let decided: Vec<MatchLine> = records
        .iter()
        .filter(|r| !eligible.contains(&r.vacancy_id))
        .map(|r| {
            let (title, employer) = title_of(r.vacancy_id);
            let reasons: Vec<Reason> = serde_json::from_str(&r.reasons).unwrap_or_default();
            // Stored reasons can name case-by-case categories or a curfew.
            restricted |= reveals_restricted(&reasons);
            MatchLine {
                vacancy_id: r.vacancy_id,
                title,
                employer,
                score: format!("{:.0}%", r.score * 100.0),
                reasons: reasons.iter().map(|x| x.describe(t)).collect(),
                case_by_case: Vec::new(),
                match_id: Some(r.id),
                status: status_label(&r.status),
                dismiss_reason: r.dismiss_reason.clone(),
            }
        })
        .collect();
    let mut why_not = None;
    let mut why_not_error = None;
    let wanted = query.why_not.trim();
    if !wanted.is_empty() {
        match wanted.parse::<i64>() {
            Err(_) => why_not_error = Some("Choose a vacancy from the search results".to_string()),
            Ok(vid) => {
                let taxonomy = state.taxonomy.clone();
                let vacancy = state
                    .store
                    .run(move |c| match store::vacancies::load(c, vid, &taxonomy) {
                        Ok(v) => Ok(Some(v)),
                        Err(StoreError::NotFound) => Ok(None),
                        Err(e) => Err(e),
                    })
                    .await?;
                match vacancy {
                    Some(v) if v.status == VacancyStatus::Published => {
                        let a = crate::domain::matching::assess(&v, &profile, today());
                        restricted |= a.shows_restricted();
                        let (title, employer) = {
                            let vid = v.id;
                            state
                                .store
                                .run(move |c| store::caseload::vacancy_titles(c, &[vid]))
                                .await?
                                .pop()
                                .map(|(_, t, e)| (t, e))
                                .unwrap_or_default()
                        };
                        why_not = Some(WhyNot {
                            vacancy_id: v.id,
                            title,
                            employer,
                            eligible: a.eligible(),
                            failures: a
                                .failures
                                .iter()
                                .map(|f| (f.code().as_str(), f.describe(t)))
                                .collect(),
                            reasons: a.reasons.iter().map(|x| x.describe(t)).collect(),
                            case_by_case: a.case_by_case.iter().map(|c| c.label()).collect(),
                        });
                    }
                    _ => {
                        why_not_error =
                            Some("That vacancy is not open. Search for an open vacancy".to_string())
                    }
                }
            }
        }
    }
    viewed::record(
        &state,
        officer.ctx.audit_actor(),
        vec![Viewed::profile(
            id,
            restricted,
            match &why_not {
                Some(w) => format!(
                    "{} matches; assessment against vacancy {}",
                    ranked_lines.len(),
                    w.vacancy_id
                ),
                None => format!(
                    "{} matches (page {} of {} in all)",
                    ranked_lines.len(),
                    paging.page,
                    found_page.total
                ),
            },
        )],
    )
    .await?;
    let d = &profile.details;
    Ok(page(
        StatusCode::OK,
        &MatchesPage {
            chrome: Chrome::of(&officer.ctx),
            id,
            name: format!("{} {}", d.given_name(), d.family_name()),
            pager,
            ranked: ranked_lines,
            decided,
            searched: !find.is_empty(),
            asked: !find.is_empty() || why_not.is_some() || why_not_error.is_some(),
            find,
            found,
            why_not,
            why_not_error,
        },
    ))
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
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
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = Form::parse(&body)?;
    let reason = form.text("dismiss_reason");
    decide(&state, &officer, path.into_inner(), false, Some(reason)).await
}

async fn decide(
    state: &AppState,
    officer: &Officer,
    match_id: i64,
    approve: bool,
    reason: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (service_id, user_id) = (officer.service_id, officer.actor.user_id);
    let actor = officer.ctx.audit_actor();
    let reason_run = reason.clone();
    let result = state
        .store
        .run(move |conn| {
            let Some((profile_id, vacancy_id)) =
                store::caseload::match_in_service(conn, match_id, service_id)?
            else {
                return Ok(Err(DecisionError::NotFound));
            };
            let at = store::now();
            let decided = crate::write_tx!(conn, |c| {
                let record = store::matches::decide(
                    c,
                    match_id,
                    approve,
                    reason_run.as_deref(),
                    user_id,
                    at,
                )?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: if approve {
                            "match.approved"
                        } else {
                            "match.dismissed"
                        },
                        subject_kind: Some("match"),
                        subject_id: Some(match_id),
                        detail: Some(format!("profile {profile_id}, vacancy {vacancy_id}")),
                    },
                    at,
                )?;
                Ok::<_, DecisionError>(record)
            });
            Ok(decided.map(|r| r.profile_id))
        })
        .await?;
    match result {
        Ok(profile_id) => Ok(see_other(format!("/officer/profiles/{profile_id}/matches"))),
        Err(DecisionError::NotFound) => Err(AppError::NotFound),
        Err(DecisionError::Invalid(errors)) => {
            let service_id = officer.service_id;
            let profile_id = state
                .store
                .run(move |c| store::caseload::match_in_service(c, match_id, service_id))
                .await?
                .map(|(p, _)| p)
                .ok_or(AppError::NotFound)?;
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
    use crate::store::caseload::{Floor, WaitingSort};
    let form = query.into_inner();
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
    let wanted_page = page_number(&form.page);
    let filter = store::caseload::WaitingQuery {
        service_id: officer.service_id,
        officer_id: mine.then_some(officer.actor.user_id),
        text: Some(text.clone()).filter(|t| !t.is_empty()),
        floor,
        sort,
    };
    let link = |page: usize, floor: &str| {
        let mut params: Vec<(&str, String)> = Vec::new();
        if !text.is_empty() {
            params.push(("q", text.clone()));
        }
        if mine {
            params.push(("mine", "1".into()));
        }
        params.push(("sort", sort.as_str().into()));
        params.push(("floor", floor.to_string()));
        params.push(("page", page.to_string()));
        format!(
            "/officer/matches?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    };
    let paging = crate::matches::Paging {
        page: wanted_page,
        per_page: RANKED_PER_PAGE,
    };
    let (limit, offset) = sql_window(paging);
    let run = filter.clone();
    let found = state
        .store
        .run(move |c| store::caseload::waiting_matches(c, &run, limit, offset))
        .await?;
    let total = usize::try_from(found.total).unwrap_or(0);
    let pages = total.div_ceil(RANKED_PER_PAGE).max(1);
    if wanted_page > pages {
        // A page past the end (an old link, or matches decided since):
        // the last page that exists.
        return Ok(see_other(link(pages, &floor.as_str())));
    }
    let floor_str = floor.as_str();
    let pager = StaffPager::new(paging, found.lines.len(), total, "matches", |p| {
        link(p, &floor_str)
    });
    let lines = found
        .lines
        .into_iter()
        .map(|l| WaitingLine {
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
        })
        .collect();
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
            q: text.clone(),
            mine,
            sort: sort.as_str(),
            floor: floor_str.clone(),
            sorts: WaitingSort::ALL
                .iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            floors: Floor::CHOICES
                .iter()
                .map(|f| (f.as_str(), f.label()))
                .collect(),
            below_floor: found.below_floor,
            show_all_link: link(1, "all"),
            errors,
        },
    ))
}

/// LIMIT and OFFSET for a page.
pub fn sql_window(paging: crate::matches::Paging) -> (i64, i64) {
    (
        i64::try_from(paging.per_page).unwrap_or(i64::MAX),
        i64::try_from(paging.offset()).unwrap_or(i64::MAX),
    )
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
    let (vacancy_id, service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let (vacancy, stored, titles) = state
        .store
        .run(move |c| {
            let vacancy = store::vacancies::load(c, vacancy_id, &taxonomy)?;
            let stored = store::matches::for_vacancy(c, vacancy_id)?;
            let titles = store::caseload::vacancy_titles(c, &[vacancy_id])?;
            Ok((vacancy, stored, titles))
        })
        .await?;
    // Officers see candidates for vacancies open to applicants only.
    if vacancy.status != VacancyStatus::Published {
        return Err(AppError::NotFound);
    }
    let paging = crate::matches::Paging {
        page: page_number(&query.page),
        per_page: RANKED_PER_PAGE,
    };
    let found_page = state
        .matcher
        .profiles_page(
            &vacancy,
            &crate::search::ServiceScope::Only(vec![service_id]),
            today(),
            paging,
        )
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let pager = StaffPager::of(&found_page, "people", |p| {
        format!("/officer/vacancies/{vacancy_id}/candidates?page={p}")
    });
    let ranked = &found_page.items;
    let t = &state.taxonomy;
    let restricted = ranked.iter().any(|r| r.assessment.shows_restricted());
    let lines: Vec<CandidateLine> = ranked
        .iter()
        .filter(|r| r.item.service_id == service_id)
        .map(|r| {
            let d = &r.item.details;
            CandidateLine {
                profile_id: r.item.id,
                name: format!("{} {}", d.given_name(), d.family_name()),
                reference: d.reference().to_string(),
                release_date: d.release_date().format("%d %b %Y").to_string(),
                score: format!("{:.0}%", r.assessment.score * 100.0),
                reasons: r.assessment.reasons.iter().map(|x| x.describe(t)).collect(),
                case_by_case: r
                    .assessment
                    .case_by_case
                    .iter()
                    .map(|c| c.label())
                    .collect(),
                status: stored
                    .get(&r.item.id)
                    .map(|m| status_label(&m.status))
                    .unwrap_or_else(|| "Not yet stored".into()),
            }
        })
        .collect();
    let mut views = vec![Viewed::candidates(
        vacancy_id,
        restricted,
        format!(
            "{} candidates in service {service_id} (page {} of {} in all)",
            lines.len(),
            paging.page,
            found_page.total
        ),
    )];
    views.extend(
        ranked
            .iter()
            .filter(|r| r.item.service_id == service_id && r.assessment.shows_restricted())
            .map(|r| Viewed::candidate(r.item.id, vacancy_id)),
    );
    viewed::record(&state, officer.ctx.audit_actor(), views).await?;
    let (title, employer) = titles
        .into_iter()
        .next()
        .map(|(_, t, e)| (t, e))
        .unwrap_or_default();
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
