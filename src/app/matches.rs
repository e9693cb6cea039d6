//! Matches for case officers: a person's ranked vacancies, the assessment of
//! one pair ("why not?"), a vacancy's candidates, and the officer's decision
//! on a suggested match. The HTML pages and their JSON twins call these, so
//! the scope checks and the audit rows for what an officer was shown are
//! the same for both.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;

use super::profiles::Caseworker;
use super::Failure;
use crate::app::AppState;
use crate::domain::access_purpose::{Purpose, Recorded};
use crate::domain::eligible::{eligible_from, Eligibility, EligibleFrom};
use crate::domain::matching::{assess, reveals_restricted, Assessment, Reason};
use crate::domain::profile::Profile;
use crate::domain::skills::Taxonomy;
use crate::domain::vacancy::{Vacancy, VacancyStatus};
use crate::matches::{Page, Paging};
use crate::search::ServiceScope;
use crate::store::audit::{self, Actor, Entry};
use crate::store::caseload::VacancyHit;
use crate::store::matches::{DecisionError, MatchRecord, StoredMatch};
use crate::store::{self, AsTx, StoreError, StoreResult};

/// The day eligibility is judged on.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// One audit row for something an officer was shown.
pub struct Viewed {
    action: &'static str,
    kind: &'static str,
    id: i64,
    detail: String,
}

impl Viewed {
    /// A person's matches or a "why not?" answer; restricted when what was
    /// shown reveals offence, licence or barred information.
    pub fn profile(profile_id: i64, restricted: bool, detail: String) -> Self {
        Self {
            action: if restricted {
                "profile.restricted_viewed"
            } else {
                "profile.matches_viewed"
            },
            kind: "profile",
            id: profile_id,
            detail,
        }
    }

    /// The id of the row's subject.
    pub fn subject_id(&self) -> i64 {
        self.id
    }

    /// A vacancy's list of candidates.
    pub fn candidates(vacancy_id: i64, restricted: bool, detail: String) -> Self {
        Self {
            action: if restricted {
                "vacancy.candidates_restricted_viewed"
            } else {
                "vacancy.candidates_viewed"
            },
            kind: "vacancy",
            id: vacancy_id,
            detail,
        }
    }

    /// One person in a candidate list whose line shows restricted
    /// information: audited against the person, not only the vacancy, so
    /// "who saw this person's record?" finds it.
    pub fn candidate(profile_id: i64, vacancy_id: i64) -> Self {
        Self {
            action: "profile.restricted_viewed",
            kind: "profile",
            id: profile_id,
            detail: format!("candidate for vacancy {vacancy_id}"),
        }
    }
}

/// Writes the rows of one answer, all or none.
pub(crate) fn record_views(
    conn: &mut store::Conn,
    actor: &Actor,
    views: Vec<Viewed>,
) -> Result<(), Failure> {
    if views.is_empty() {
        return Ok(());
    }
    let at = store::now();
    // A restricted row from these pages records why, like the restricted
    // page's: reviewing matches is what they are for.
    let review = Recorded::Given(Purpose::matching_review());
    let entries: Vec<Entry> = views
        .into_iter()
        .map(|v| {
            let detail = if v.action.contains("restricted_viewed") {
                review.audit_detail(Some(&v.detail))
            } else {
                v.detail
            };
            Entry {
                action: v.action,
                subject_kind: Some(v.kind),
                subject_id: Some(v.id),
                detail: Some(detail),
            }
        })
        .collect();
    // The rows go in one INSERT: one statement, atomic by itself.
    conn.write_statement(|tx| audit::record_many(tx, actor, &entries, at))?;
    Ok(())
}

fn matcher_failed(e: impl std::fmt::Display) -> Failure {
    Failure::Internal(e.to_string())
}

/// A vacancy open to applicants (officers see no other), or None.
fn open_vacancy(
    conn: &mut impl AsTx,
    vacancy_id: i64,
    taxonomy: &crate::domain::skills::Taxonomy,
) -> StoreResult<Option<Vacancy>> {
    match store::vacancies::load(conn, vacancy_id, taxonomy) {
        Ok(v) if v.status == VacancyStatus::Published => Ok(Some(v)),
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Vacancy titles and employer names by vacancy id.
pub type Titles = HashMap<i64, (String, String)>;

fn titles_of(conn: &mut impl AsTx, ids: &[i64]) -> StoreResult<Titles> {
    if ids.is_empty() {
        return Ok(Titles::new());
    }
    Ok(store::caseload::vacancy_titles(conn, ids)?
        .into_iter()
        .map(|(id, title, employer)| (id, (title, employer)))
        .collect())
}

/// What the officer asks of a person's matches.
#[derive(Clone, Debug)]
pub struct MatchesAsk {
    pub paging: Paging,
    /// Also the stored matches whose vacancy no longer fits.
    pub decided: bool,
    /// Open vacancies to search for by title or employer.
    pub find: Option<String>,
    /// The vacancy to assess against ("why not?").
    pub why_not: Option<i64>,
}

/// The "why not?" answer: the open vacancy and the full assessment, or
/// None when the vacancy is not open.
pub type WhyNot = Option<(Vacancy, Assessment)>;

/// The first day a pair that fails only on time passes, with what it waits
/// for; None when it passes today or time does not cure it (see
/// `domain::eligible`).
pub fn eligibility(
    vacancy: &Vacancy,
    profile: &Profile,
    assessment: &Assessment,
    today: NaiveDate,
) -> Option<EligibleFrom> {
    if assessment.eligible() {
        return None;
    }
    match eligible_from(vacancy, profile, today) {
        Eligibility::From(from) => Some(from),
        Eligibility::Now | Eligibility::NotWithin => None,
    }
}

/// A person's matches as an officer is shown them.
pub struct ProfileMatches {
    pub profile: Arc<Profile>,
    /// One page of the eligible vacancies, best first.
    pub ranked: Page<Vacancy>,
    /// The stored match of each vacancy, by vacancy id.
    pub stored: HashMap<i64, MatchRecord>,
    /// Stored matches whose vacancy no longer fits (when asked).
    pub decided: Vec<MatchRecord>,
    /// Titles of the ranked, decided and why-not vacancies.
    pub titles: Titles,
    /// Open vacancies found by `find`.
    pub found: Vec<VacancyHit>,
    /// Present when a why-not vacancy was asked about.
    pub why_not: Option<WhyNot>,
    /// When the why-not pair fails only on time: the day it passes.
    pub eligible_from: Option<EligibleFrom>,
    /// The officer's live watch on the why-not pair: its date.
    pub watching: Option<NaiveDate>,
    /// For the decided matches whose vacancy needs documents the person
    /// still has to get: "To do before starting: ...", by vacancy id.
    pub decided_todos: HashMap<i64, String>,
}

/// A profile of the officer's service as stored now, through the
/// matcher's in-memory copies (they follow the change feed, so this is the
/// row as committed, without parsing it again on every view); NotFound for
/// a profile of another service, as if it did not exist.
async fn profile_in_service(
    state: &AppState,
    profile_id: i64,
    service_id: i64,
) -> Result<Arc<Profile>, Failure> {
    match state
        .matcher
        .profile(profile_id)
        .await
        .map_err(matcher_failed)?
    {
        Some(profile) if profile.service_id == service_id => Ok(profile),
        _ => Err(Failure::NotFound),
    }
}

/// A person's eligible vacancies, ranked, for an officer of the person's
/// service; the stored match of each, and what else was asked. Audited,
/// as restricted when any of it reveals offence, licence or barred facts.
pub async fn profile_matches(
    state: &AppState,
    officer: Caseworker,
    profile_id: i64,
    ask: MatchesAsk,
) -> Result<ProfileMatches, Failure> {
    let profile = profile_in_service(state, profile_id, officer.service_id).await?;
    let find = ask.find.clone();
    let (records, found) = super::run(&state.store, move |c| {
        let records = store::matches::records_for_profile(c, profile_id, &[])?;
        let found = match find.filter(|f| !f.is_empty()) {
            Some(text) => store::caseload::search_open_vacancies(c, &text, 25)?,
            None => Vec::new(),
        };
        Ok::<_, Failure>((records, found))
    })
    .await?;
    let ranked = state
        .matcher
        .vacancies_page(&profile, today(), ask.paging)
        .await
        .map_err(matcher_failed)?;
    // Stored matches whose vacancy no longer fits; those that fit are in
    // the ranked list, on this page or another.
    let eligible: HashSet<i64> = ranked.every_id.iter().copied().collect();
    let (decided, stored): (Vec<MatchRecord>, Vec<MatchRecord>) = records
        .into_iter()
        .partition(|r| !eligible.contains(&r.vacancy_id));
    let decided = if ask.decided { decided } else { Vec::new() };
    let mut answer = ProfileMatches {
        profile,
        ranked,
        stored: stored.into_iter().map(|r| (r.vacancy_id, r)).collect(),
        decided,
        titles: Titles::new(),
        found,
        why_not: None,
        eligible_from: None,
        watching: None,
        decided_todos: HashMap::new(),
    };
    finish_matches(state, &officer, ask, &mut answer).await?;
    Ok(answer)
}

/// The second round trip of [`profile_matches`]: titles, the why-not
/// assessment (with its eligible-from date and the officer's watch) and
/// the audit row.
async fn finish_matches(
    state: &AppState,
    officer: &Caseworker,
    ask: MatchesAsk,
    answer: &mut ProfileMatches,
) -> Result<(), Failure> {
    let (actor, user_id) = (officer.actor.clone(), officer.user_id);
    // The ranked vacancies are in memory: only their employers' names are
    // read. The decided ones (and the why-not one) are read whole.
    let ranked: Vec<(i64, i64, String)> = answer
        .ranked
        .items
        .iter()
        .map(|r| {
            (
                r.item.id,
                r.item.employer_id,
                r.item.details.title().to_string(),
            )
        })
        .collect();
    let mut ids: Vec<i64> = answer.decided.iter().map(|r| r.vacancy_id).collect();
    let mut restricted = answer
        .ranked
        .items
        .iter()
        .any(|r| r.assessment.shows_restricted())
        || answer.decided.iter().any(|r| {
            // Stored reasons can name case-by-case categories or a curfew.
            let reasons: Vec<Reason> = serde_json::from_str(&r.reasons).unwrap_or_default();
            reveals_restricted(&reasons)
        });
    let shown = answer.ranked.items.len();
    let detail_total = (ask.paging.page, answer.ranked.total);
    let profile = answer.profile.clone();
    let taxonomy = state.taxonomy.clone();
    let decided_ids: Vec<i64> = answer.decided.iter().map(|r| r.vacancy_id).collect();
    let (titles, why_not, eligible_from, watching, decided_todos) =
        super::run(&state.store, move |conn| {
            let why_not = match ask.why_not {
                None => None,
                Some(vid) => Some(open_vacancy(conn, vid, &taxonomy)?.map(|v| {
                    let a = assess(&v, &profile, today());
                    (v, a)
                })),
            };
            let (mut eligible_from, mut watching) = (None, None);
            if let Some(Some((v, a))) = &why_not {
                eligible_from = eligibility(v, &profile, a, today());
                restricted |= a.shows_restricted()
                    || eligible_from
                        .as_ref()
                        .is_some_and(EligibleFrom::is_restricted);
                watching =
                    store::watches::live(conn, user_id, profile.id, v.id)?.map(|w| w.eligible_from);
                ids.push(v.id);
            }
            let mut titles = titles_of(conn, &ids)?;
            let employers: Vec<i64> = ranked.iter().map(|(_, e, _)| *e).collect();
            let names = store::caseload::employer_names(conn, &employers)?;
            for (id, employer, title) in ranked {
                let name = names.get(&employer).cloned().unwrap_or_default();
                titles.insert(id, (title, name));
            }
            let detail = match &why_not {
                Some(Some((v, _))) => {
                    format!("{shown} matches; assessment against vacancy {}", v.id)
                }
                _ => format!(
                    "{shown} matches (page {} of {} in all)",
                    detail_total.0, detail_total.1
                ),
            };
            let view = Viewed::profile(profile.id, restricted, detail);
            record_views(conn, &actor, vec![view])?;
            let decided_todos = todo_notes(conn, &decided_ids, &profile, &taxonomy)?;
            Ok::<_, Failure>((titles, why_not, eligible_from, watching, decided_todos))
        })
        .await?;
    answer.decided_todos = decided_todos;
    answer.titles = titles;
    answer.why_not = why_not;
    answer.eligible_from = eligible_from;
    answer.watching = watching;
    Ok(())
}

/// "To do before starting: ..." for each of `vacancy_ids` whose documents
/// need one of the person's open to-dos.
fn todo_notes(
    conn: &mut impl AsTx,
    vacancy_ids: &[i64],
    profile: &Profile,
    taxonomy: &Taxonomy,
) -> Result<HashMap<i64, String>, Failure> {
    use crate::domain::documents::{before_starting_note, DocumentVocabulary};
    if vacancy_ids.is_empty() || profile.details.todos().is_empty() {
        return Ok(HashMap::new());
    }
    let vocabulary = DocumentVocabulary::embedded();
    let mut notes = HashMap::new();
    for vacancy in store::vacancies::load_many(conn, vacancy_ids, taxonomy)? {
        let todos = vocabulary.todos_before_starting(&vacancy.details, &profile.details);
        if let Some(note) = before_starting_note(&todos) {
            notes.insert(vacancy.id, note);
        }
    }
    Ok(notes)
}

/// The "why not?" answer for one pair.
pub struct PairAnswer {
    pub profile: Profile,
    pub vacancy: Vacancy,
    pub assessment: Assessment,
    /// When it fails only on time: the day it passes.
    pub eligible_from: Option<EligibleFrom>,
}

/// The full assessment of one person against one open vacancy, every
/// failing rule included, and the day it passes when it fails only on
/// time: the answer to "why is this job not shown?". Audited.
pub async fn profile_match(
    state: &AppState,
    officer: Caseworker,
    profile_id: i64,
    vacancy_id: i64,
) -> Result<PairAnswer, Failure> {
    let taxonomy = state.taxonomy.clone();
    let Caseworker {
        actor, service_id, ..
    } = officer;
    super::run(&state.store, move |conn| {
        let profile = store::profiles::load_in_service(conn, profile_id, service_id, &taxonomy)?;
        let vacancy = open_vacancy(conn, vacancy_id, &taxonomy)?.ok_or(Failure::NotFound)?;
        let assessment = assess(&vacancy, &profile, today());
        let eligible_from = eligibility(&vacancy, &profile, &assessment, today());
        let restricted = assessment.shows_restricted()
            || eligible_from
                .as_ref()
                .is_some_and(EligibleFrom::is_restricted);
        let view = Viewed::profile(
            profile.id,
            restricted,
            format!("assessment against vacancy {vacancy_id}"),
        );
        record_views(conn, &actor, vec![view])?;
        Ok(PairAnswer {
            profile,
            vacancy,
            assessment,
            eligible_from,
        })
    })
    .await
}

/// The people of a service who fit an open vacancy.
pub struct Candidates {
    pub vacancy: Vacancy,
    /// The vacancy's title and employer's name.
    pub title: (String, String),
    /// One page of the eligible people of the service, best first.
    pub ranked: Page<Profile>,
    /// The stored match of each person, by profile id.
    pub stored: HashMap<i64, StoredMatch>,
}

/// The people of the officer's service who fit a published vacancy,
/// ranked. A vacancy that is not published is not found. Audited against
/// the vacancy, and against each person whose line shows restricted facts.
pub async fn candidates(
    state: &AppState,
    officer: Caseworker,
    vacancy_id: i64,
    paging: Paging,
) -> Result<Candidates, Failure> {
    let Caseworker {
        actor, service_id, ..
    } = officer;
    let taxonomy = state.taxonomy.clone();
    let (vacancy, stored, mut titles) = super::run(&state.store, move |c| {
        let vacancy = open_vacancy(c, vacancy_id, &taxonomy)?.ok_or(Failure::NotFound)?;
        let stored = store::matches::for_vacancy(c, vacancy_id)?;
        let titles = titles_of(c, &[vacancy_id])?;
        Ok::<_, Failure>((vacancy, stored, titles))
    })
    .await?;
    let scope = ServiceScope::Only(vec![service_id]);
    let mut ranked = state
        .matcher
        .profiles_page(&vacancy, &scope, today(), paging)
        .await
        .map_err(matcher_failed)?;
    let restricted = ranked.items.iter().any(|r| r.assessment.shows_restricted());
    ranked.items.retain(|r| r.item.service_id == service_id);
    let mut views = vec![Viewed::candidates(
        vacancy_id,
        restricted,
        format!(
            "{} candidates in service {service_id} (page {} of {} in all)",
            ranked.items.len(),
            paging.page,
            ranked.total
        ),
    )];
    views.extend(
        ranked
            .items
            .iter()
            .filter(|r| r.assessment.shows_restricted())
            .map(|r| Viewed::candidate(r.item.id, vacancy_id)),
    );
    super::run(&state.store, move |conn| record_views(conn, &actor, views)).await?;
    Ok(Candidates {
        vacancy,
        title: titles.remove(&vacancy_id).unwrap_or_default(),
        ranked,
        stored,
    })
}

/// The officer approves a suggested match (shown to the person from then
/// on) or dismisses it with a reason; audited. Answers the person's id.
pub async fn decide(
    state: &AppState,
    officer: Caseworker,
    match_id: i64,
    approve: bool,
    reason: Option<String>,
) -> Result<i64, DecisionError> {
    let Caseworker {
        actor,
        service_id,
        user_id,
    } = officer;
    super::run(&state.store, move |conn| {
        let Some((profile_id, vacancy_id)) =
            store::caseload::match_in_service(conn, match_id, service_id)?
        else {
            return Err(DecisionError::NotFound);
        };
        let at = store::now();
        conn.write(|tx| {
            let record =
                store::matches::decide(tx, match_id, approve, reason.as_deref(), user_id, at)?;
            audit::record(
                tx,
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
            Ok(record.profile_id)
        })
    })
    .await
}

/// The person a match of the service belongs to.
pub async fn match_profile(
    state: &AppState,
    service_id: i64,
    match_id: i64,
) -> Result<i64, Failure> {
    super::run(&state.store, move |c| {
        store::caseload::match_in_service(c, match_id, service_id)?
            .map(|(p, _)| p)
            .ok_or(Failure::NotFound)
    })
    .await
}

/// A page of the service's matches waiting for a decision, filtered and
/// sorted in the database.
pub async fn waiting(
    state: &AppState,
    filter: store::caseload::WaitingQuery,
    paging: Paging,
) -> Result<store::caseload::WaitingPage, Failure> {
    let (limit, offset) = super::applications::officer::sql_window(paging);
    super::run(&state.store, move |c| {
        Ok(store::caseload::waiting_matches(c, &filter, limit, offset)?)
    })
    .await
}

/// A vacancy that is or was published, with its employer's name, as the
/// officer reads it; a draft (or one never published) is not found.
pub async fn published_vacancy(state: &AppState, id: i64) -> Result<(Vacancy, String), Failure> {
    let taxonomy = state.taxonomy.clone();
    super::run(&state.store, move |c| {
        let (employer, published_at) =
            store::caseload::vacancy_publication(c, id)?.ok_or(Failure::NotFound)?;
        let vacancy = store::vacancies::load(c, id, &taxonomy)?;
        if vacancy.status == VacancyStatus::Draft || published_at.is_none() {
            return Err(Failure::NotFound);
        }
        Ok((vacancy, employer))
    })
    .await
}

/// One approved match whose person still has to-dos that the job's
/// documents need: for the officer's home page.
#[derive(Clone, Debug, PartialEq)]
pub struct TodoLine {
    pub match_id: i64,
    pub profile_id: i64,
    pub name: String,
    pub reference: String,
    pub vacancy_id: i64,
    pub title: String,
    /// "bank account", "CSCS card", in the profile's order.
    pub todos: Vec<String>,
}

/// One page of [`TodoLine`]s and how many there are in all.
#[derive(Clone, Debug, PartialEq)]
pub struct TodoLines {
    pub lines: Vec<TodoLine>,
    pub total: usize,
}

/// The service's approved matches whose person has open to-dos that the
/// vacancy's documents need (`domain::documents`), by family name, given
/// name, person and match, paged, with the total. Only the service's own
/// people are read.
pub fn todo_lines(
    conn: &mut impl crate::store::AsTx,
    service_id: i64,
    paging: Paging,
) -> Result<TodoLines, Failure> {
    use crate::domain::documents::{kind_label, DocumentVocabulary};
    use crate::domain::profile::TodoKind;
    let vocabulary = DocumentVocabulary::embedded();
    let all: Vec<TodoLine> = store::caseload::approved_with_open_todos(conn, service_id)?
        .into_iter()
        .filter_map(|row| {
            let needs = vocabulary.reader(&row.documents);
            let todos: Vec<String> = row
                .open_todos
                .iter()
                .filter_map(|(kind, note)| {
                    let kind = TodoKind::parse(kind).ok()?;
                    needs.needs(kind, note).then(|| kind_label(kind, note))
                })
                .collect();
            (!todos.is_empty()).then(|| TodoLine {
                match_id: row.match_id,
                profile_id: row.profile_id,
                name: format!("{} {}", row.given_name, row.family_name),
                reference: row.reference,
                vacancy_id: row.vacancy_id,
                title: row.title,
                todos,
            })
        })
        .collect();
    let total = all.len();
    let lines = all
        .into_iter()
        .skip(paging.offset())
        .take(paging.per_page)
        .collect();
    Ok(TodoLines { lines, total })
}

/// [`todo_lines`] on a pooled connection.
pub async fn todos_before_starting(
    state: &AppState,
    service_id: i64,
    paging: Paging,
) -> Result<TodoLines, Failure> {
    super::run(&state.store, move |c| todo_lines(c, service_id, paging)).await
}
