//! The case officer's caseload: the profiles of one service, filtered,
//! sorted, searched and paged in the database (a service may hold tens of
//! thousands of people; only one page is ever read), plus the officer's
//! search for open vacancies.

use chrono::{Duration, Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{employers, matches, outcomes, profiles, vacancies};
use super::{AsTx, StoreResult};
use crate::domain::application::ApplicationStatus;
use crate::with_conn;

diesel::define_sql_function! {
    /// Lower-cases text, on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Profiles per caseload page.
pub const PAGE_SIZE: i64 = 50;

/// How the caseload is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Soonest release first.
    #[default]
    ReleaseDate,
    /// Family name, then given name.
    Name,
    /// The person with the newest match first.
    NewestMatches,
}

impl Sort {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "" | "release" => Some(Self::ReleaseDate),
            "name" => Some(Self::Name),
            "matches" => Some(Self::NewestMatches),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReleaseDate => "release",
            Self::Name => "name",
            Self::NewestMatches => "matches",
        }
    }
}

/// What the officer asked for. The service is always part of the query;
/// anonymised people (`store::retention`) are never listed.
#[derive(Clone, Debug)]
pub struct Filter {
    pub service_id: i64,
    /// Only people assigned to this officer.
    pub officer_id: Option<i64>,
    /// Only people released from today to this many weeks ahead.
    pub release_within_weeks: Option<u32>,
    /// Only this readiness slug.
    pub readiness: Option<String>,
    /// Only people with suggested matches waiting for a decision.
    pub new_matches: bool,
    /// Only people with an outcome check due.
    pub checks_due: bool,
    /// A forgiving search by name (either order, small typos, the start
    /// of a name) or prison number; see [`name_matches`].
    pub search: Option<String>,
    pub sort: Sort,
    pub today: NaiveDate,
}

impl Filter {
    pub fn new(service_id: i64, today: NaiveDate) -> Self {
        Self {
            service_id,
            officer_id: None,
            release_within_weeks: None,
            readiness: None,
            new_matches: false,
            checks_due: false,
            search: None,
            sort: Sort::ReleaseDate,
            today,
        }
    }
}

/// One person on a caseload page.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: i64,
    pub reference: String,
    pub given_name: String,
    pub family_name: String,
    pub release_date: NaiveDate,
    pub readiness: String,
    pub officer_id: Option<i64>,
    /// Suggested matches waiting for a decision.
    pub suggested: i64,
    /// Outcome checks due now.
    pub checks_due: i64,
}

pub struct Page {
    pub rows: Vec<Row>,
    /// People matching the filter, over all pages.
    pub total: i64,
}

/// `%text%` for LIKE, with the wildcards in the text escaped.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// Outcome checks fall due 6 weeks, 13 weeks and 6 months after the start.
pub fn six_weeks_after(start: NaiveDate) -> NaiveDate {
    start + Duration::weeks(6)
}
pub fn thirteen_weeks_after(start: NaiveDate) -> NaiveDate {
    start + Duration::weeks(13)
}
pub fn six_months_after(start: NaiveDate) -> NaiveDate {
    start
        .checked_add_months(Months::new(6))
        .unwrap_or(start + Duration::days(183))
}

/// Starts on or before these dates have that check due.
fn due_cutoffs(today: NaiveDate) -> (NaiveDate, NaiveDate, NaiveDate) {
    (
        today - Duration::weeks(6),
        today - Duration::weeks(13),
        today
            .checked_sub_months(Months::new(6))
            .unwrap_or(today - Duration::days(183)),
    )
}

/// Outcomes with a check due and not yet answered (a query on `outcomes`
/// selecting `$select`).
macro_rules! outcomes_due {
    ($today:expr, $select:expr) => {{
        let (w6, w13, m6) = due_cutoffs($today);
        outcomes::table
            .filter(
                outcomes::in_work_6_weeks
                    .is_null()
                    .and(outcomes::started_on.le(w6))
                    .or(outcomes::in_work_13_weeks
                        .is_null()
                        .and(outcomes::started_on.le(w13)))
                    .or(outcomes::in_work_6_months
                        .is_null()
                        .and(outcomes::started_on.le(m6))),
            )
            .select($select)
    }};
}

macro_rules! filtered {
    ($f:expr) => {{
        let f: &Filter = $f;
        let mut q = profiles::table
            .filter(profiles::service_id.eq(f.service_id))
            .filter(profiles::anonymised_at.is_null())
            .into_boxed();
        if let Some(officer) = f.officer_id {
            q = q.filter(profiles::officer_id.eq(officer));
        }
        if let Some(weeks) = f.release_within_weeks {
            q = q
                .filter(profiles::release_date.ge(f.today))
                .filter(profiles::release_date.le(f.today + Duration::weeks(i64::from(weeks))));
        }
        if let Some(readiness) = &f.readiness {
            q = q.filter(profiles::readiness.eq(readiness.clone()));
        }
        if f.new_matches {
            q = q.filter(
                profiles::id.eq_any(
                    matches::table
                        .filter(matches::status.eq("suggested"))
                        .select(matches::profile_id),
                ),
            );
        }
        if f.checks_due {
            q = q.filter(profiles::id.eq_any(outcomes_due!(f.today, outcomes::profile_id)));
        }
        q
    }};
}

/// The words of a name or a search, lower-cased, split at spaces, hyphens,
/// apostrophes and punctuation.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Edit distance with adjacent swaps (optimal string alignment): "Nathen"
/// is 1 from "Nathan", "Kowlaski" 1 from "Kowalski".
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// Typos forgiven in a searched word of this many letters: none up to 3,
/// one up to 7, two from 8.
fn typos_allowed(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Whether a caseload search finds a person: the prison number contains
/// the text (spaces ignored), or the whole name contains it, or every
/// searched word fits one of the words of the name, in any order, where a
/// word fits when the name word starts with it, contains it (3 letters or
/// more), or is within [`typos_allowed`] edits of it.
pub fn name_matches(search: &str, given: &str, family: &str, reference: &str) -> bool {
    let text = search.trim().to_lowercase();
    if text.is_empty() {
        return true;
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if reference.to_lowercase().contains(&compact) {
        return true;
    }
    if format!("{given} {family}").to_lowercase().contains(&text) {
        return true;
    }
    let name: Vec<String> = words(given).into_iter().chain(words(family)).collect();
    let wanted = words(&text);
    !wanted.is_empty()
        && wanted.iter().all(|w| {
            let len = w.chars().count();
            name.iter().any(|n| {
                n.starts_with(w.as_str())
                    || (len >= 3 && n.contains(w.as_str()))
                    || edit_distance(w, n) <= typos_allowed(len)
            })
        })
}

const NEWEST_MATCH: &str = "(SELECT MAX(m.created_at) FROM matches m \
     WHERE m.profile_id = profiles.id AND m.status <> 'expired')";

type DueRow = (i64, NaiveDate, Option<bool>, Option<bool>, Option<bool>);

/// How many of an outcome's checks are due and unanswered.
fn checks_due_now(row: &DueRow, today: NaiveDate) -> i64 {
    let (_, start, w6, w13, m6) = *row;
    [
        (w6, six_weeks_after(start)),
        (w13, thirteen_weeks_after(start)),
        (m6, six_months_after(start)),
    ]
    .iter()
    .filter(|(answer, due)| answer.is_none() && *due <= today)
    .count() as i64
}

type HeadRow = (i64, String, String, String, NaiveDate, String, Option<i64>);

/// A searched caseload page. The database narrows to the service and the
/// other filters and reads only names, prison numbers and the sort keys;
/// the forgiving comparison ([`name_matches`]), the order (the same as the
/// unsearched query's) and the paging run here over that set, so the total
/// is exact and no list of ids is bound into a statement. Then one page of
/// rows is read.
fn searched_page(
    conn: &mut impl AsTx,
    filter: &Filter,
    search: &str,
    (offset, limit): (i64, i64),
) -> StoreResult<(i64, Vec<HeadRow>)> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Nullable, Timestamp};
    type Key = (
        i64,
        String,
        String,
        String,
        NaiveDate,
        Option<NaiveDateTime>,
    );
    let newest = filter.sort == Sort::NewestMatches;
    let mut people: Vec<Key> = with_conn!(conn, |c| {
        let q = filtered!(filter).select((
            profiles::id,
            profiles::given_name,
            profiles::family_name,
            profiles::reference,
            profiles::release_date,
            // Only read when it orders the list.
            sql::<Nullable<Timestamp>>(if newest { NEWEST_MATCH } else { "NULL" }),
        ));
        q.load(c)?
    });
    people
        .retain(|(_, given, family, reference, ..)| name_matches(search, given, family, reference));
    match filter.sort {
        Sort::ReleaseDate => people.sort_by_key(|a| (a.4, a.0)),
        Sort::Name => people.sort_by(|a, b| (&a.2, &a.1, a.0).cmp(&(&b.2, &b.1, b.0))),
        Sort::NewestMatches => people.sort_by(|a, b| {
            (a.5.is_none(), std::cmp::Reverse(a.5), a.0).cmp(&(
                b.5.is_none(),
                std::cmp::Reverse(b.5),
                b.0,
            ))
        }),
    }
    let total = i64::try_from(people.len()).unwrap_or(i64::MAX);
    let wanted: Vec<i64> = people
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|p| p.0)
        .collect();
    let mut heads: Vec<HeadRow> = with_conn!(conn, |c| filtered!(filter)
        .filter(profiles::id.eq_any(&wanted))
        .select((
            profiles::id,
            profiles::reference,
            profiles::given_name,
            profiles::family_name,
            profiles::release_date,
            profiles::readiness,
            profiles::officer_id,
        ))
        .load(c)?);
    heads.sort_by_key(|h| wanted.iter().position(|id| *id == h.0));
    Ok((total, heads))
}

/// One page (from 1) of the caseload, with the total.
pub fn page(conn: &mut impl AsTx, filter: &Filter, page: i64) -> StoreResult<Page> {
    sized_page(conn, filter, page, PAGE_SIZE)
}

/// One page (from 1) of `per_page` people of the caseload, with the total.
pub fn sized_page(
    conn: &mut impl AsTx,
    filter: &Filter,
    page: i64,
    per_page: i64,
) -> StoreResult<Page> {
    let per_page = per_page.max(1);
    let offset = (page.max(1) - 1).saturating_mul(per_page);
    let window = (offset, per_page);
    let search = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let (total, heads): (i64, Vec<HeadRow>) = match search {
        Some(search) => searched_page(conn, filter, search, window)?,
        None => listed_page(conn, filter, window)?,
    };
    let rows = with_counts(conn, heads, filter.today)?;
    Ok(Page { rows, total })
}

/// A page of the caseload in the filter's order (no search words).
fn listed_page(
    conn: &mut impl AsTx,
    filter: &Filter,
    (offset, limit): (i64, i64),
) -> StoreResult<(i64, Vec<HeadRow>)> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Nullable, Timestamp};
    Ok(with_conn!(conn, |c| {
        let total: i64 = filtered!(filter).count().get_result(c)?;
        let q = filtered!(filter).select((
            profiles::id,
            profiles::reference,
            profiles::given_name,
            profiles::family_name,
            profiles::release_date,
            profiles::readiness,
            profiles::officer_id,
        ));
        let q = match filter.sort {
            Sort::ReleaseDate => q.order((profiles::release_date, profiles::id)),
            Sort::Name => q.order((profiles::family_name, profiles::given_name, profiles::id)),
            Sort::NewestMatches => q
                .order(sql::<Bool>(&format!("{NEWEST_MATCH} IS NULL")))
                .then_order_by(sql::<Nullable<Timestamp>>(&format!("{NEWEST_MATCH} DESC")))
                .then_order_by(profiles::id),
        };
        let heads: Vec<HeadRow> = q.limit(limit).offset(offset).load(c)?;
        (total, heads)
    }))
}

/// The page's rows with each person's waiting matches and checks due.
fn with_counts(
    conn: &mut impl AsTx,
    heads: Vec<HeadRow>,
    today: NaiveDate,
) -> StoreResult<Vec<Row>> {
    let ids: Vec<i64> = heads.iter().map(|h| h.0).collect();
    let (suggested, due): (Vec<(i64, i64)>, Vec<DueRow>) = with_conn!(conn, |c| {
        let suggested: Vec<(i64, i64)> = matches::table
            .filter(matches::profile_id.eq_any(&ids))
            .filter(matches::status.eq("suggested"))
            .group_by(matches::profile_id)
            .select((matches::profile_id, diesel::dsl::count_star()))
            .load(c)?;
        let due: Vec<DueRow> = outcomes_due!(
            today,
            (
                outcomes::profile_id,
                outcomes::started_on,
                outcomes::in_work_6_weeks,
                outcomes::in_work_13_weeks,
                outcomes::in_work_6_months,
            )
        )
        .filter(outcomes::profile_id.eq_any(&ids))
        .load(c)?;
        (suggested, due)
    });
    Ok(heads
        .into_iter()
        .map(
            |(id, reference, given_name, family_name, release_date, readiness, officer_id)| Row {
                id,
                reference,
                given_name,
                family_name,
                release_date,
                readiness,
                officer_id,
                suggested: suggested
                    .iter()
                    .find(|(p, _)| *p == id)
                    .map_or(0, |(_, n)| *n),
                checks_due: due
                    .iter()
                    .filter(|d| d.0 == id)
                    .map(|d| checks_due_now(d, today))
                    .sum(),
            },
        )
        .collect())
}

/// Counts for the officer's home page.
#[derive(Clone, Debug, Default)]
pub struct Counts {
    pub profiles: i64,
    pub mine: i64,
    pub new_matches: i64,
    pub awaiting_review: i64,
    pub checks_due: i64,
    pub releases_soon_not_ready: i64,
}

/// The officer's home-page counts; anonymised people are not counted.
pub fn counts(
    conn: &mut impl AsTx,
    service_id: i64,
    officer_id: i64,
    today: NaiveDate,
) -> StoreResult<Counts> {
    use super::schema::applications;
    Ok(with_conn!(conn, |c| {
        let in_service = profiles::table
            .filter(profiles::service_id.eq(service_id))
            .filter(profiles::anonymised_at.is_null())
            .select(profiles::id);
        Counts {
            profiles: profiles::table
                .filter(profiles::service_id.eq(service_id))
                .filter(profiles::anonymised_at.is_null())
                .count()
                .get_result(c)?,
            mine: profiles::table
                .filter(profiles::service_id.eq(service_id))
                .filter(profiles::anonymised_at.is_null())
                .filter(profiles::officer_id.eq(officer_id))
                .count()
                .get_result(c)?,
            new_matches: matches::table
                .filter(matches::status.eq("suggested"))
                .filter(matches::profile_id.eq_any(in_service))
                .count()
                .get_result(c)?,
            awaiting_review: applications::table
                .filter(applications::status.eq_any(["interested", "under_review"]))
                .filter(
                    applications::profile_id.eq_any(
                        profiles::table
                            .filter(profiles::service_id.eq(service_id))
                            .filter(profiles::anonymised_at.is_null())
                            .select(profiles::id),
                    ),
                )
                .count()
                .get_result(c)?,
            checks_due: outcomes_due!(today, outcomes::id)
                .filter(
                    outcomes::profile_id.eq_any(
                        profiles::table
                            .filter(profiles::service_id.eq(service_id))
                            .filter(profiles::anonymised_at.is_null())
                            .select(profiles::id),
                    ),
                )
                .count()
                .get_result(c)?,
            releases_soon_not_ready: profiles::table
                .filter(profiles::service_id.eq(service_id))
                .filter(profiles::anonymised_at.is_null())
                .filter(profiles::release_date.ge(today))
                .filter(profiles::release_date.le(today + Duration::weeks(12)))
                .filter(profiles::readiness.ne("ready_to_work"))
                .count()
                .get_result(c)?,
        }
    }))
}

/// An open vacancy as the officer's search lists it.
#[derive(Clone, Debug)]
pub struct VacancyHit {
    pub id: i64,
    pub title: String,
    pub employer_name: String,
    pub place_name: Option<String>,
    pub closing_date: Option<NaiveDate>,
}

/// Published vacancies whose title or employer contains the text, newest
/// first (at most `limit`).
pub fn search_open_vacancies(
    conn: &mut impl AsTx,
    text: &str,
    limit: i64,
) -> StoreResult<Vec<VacancyHit>> {
    let pattern = like_pattern(text.trim());
    type HitRow = (i64, String, String, Option<String>, Option<NaiveDate>);
    let rows: Vec<HitRow> = with_conn!(conn, |c| vacancies::table
        .inner_join(employers::table)
        .filter(vacancies::status.eq("published"))
        .filter(
            lower(vacancies::title)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(employers::name).like(pattern).escape('\\')),
        )
        .order((vacancies::published_at.desc(), vacancies::id.desc()))
        .limit(limit)
        .select((
            vacancies::id,
            vacancies::title,
            employers::name,
            vacancies::place_name,
            vacancies::closing_date,
        ))
        .load(c)?);
    Ok(rows
        .into_iter()
        .map(
            |(id, title, employer_name, place_name, closing_date)| VacancyHit {
                id,
                title,
                employer_name,
                place_name,
                closing_date,
            },
        )
        .collect())
}

/// Titles and employer names of some vacancies, by id.
pub fn vacancy_titles(
    conn: &mut impl AsTx,
    ids: &[i64],
) -> StoreResult<Vec<(i64, String, String)>> {
    Ok(with_conn!(conn, |c| vacancies::table
        .inner_join(employers::table)
        .filter(vacancies::id.eq_any(ids))
        .select((vacancies::id, vacancies::title, employers::name))
        .load(c)?))
}

/// The names of the employers asked for, by id (unknown ids are left out).
pub fn employer_names(
    conn: &mut impl AsTx,
    ids: &[i64],
) -> StoreResult<std::collections::HashMap<i64, String>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, String)> = with_conn!(conn, |c| employers::table
        .filter(employers::id.eq_any(&ids))
        .select((employers::id, employers::name))
        .load(c)?);
    Ok(rows.into_iter().collect())
}

/// How the service's waiting matches are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WaitingSort {
    /// Newest first (where the digest email points).
    #[default]
    Newest,
    /// Best score first.
    Score,
    /// Soonest release first.
    Release,
    /// By family name, then given name.
    Person,
    /// By vacancy title, then employer.
    Vacancy,
}

impl WaitingSort {
    pub const ALL: [WaitingSort; 5] = [
        Self::Newest,
        Self::Score,
        Self::Release,
        Self::Person,
        Self::Vacancy,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .or((value.is_empty()).then_some(Self::Newest))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Score => "score",
            Self::Release => "release",
            Self::Person => "person",
            Self::Vacancy => "vacancy",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Newest => "Newest first",
            Self::Score => "Best score first",
            Self::Release => "Soonest release first",
            Self::Person => "Person (family name)",
            Self::Vacancy => "Vacancy title",
        }
    }
}

/// Which waiting matches are worth the officer's time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Floor {
    /// At least one of the required skills, or a score of 50% or more
    /// (a vacancy that requires no skill always passes).
    #[default]
    Useful,
    /// A score of at least this many per cent.
    Score(u8),
    /// Every waiting match.
    All,
}

impl Floor {
    pub const CHOICES: [Floor; 5] = [
        Self::Useful,
        Self::Score(30),
        Self::Score(50),
        Self::Score(70),
        Self::All,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::CHOICES
            .into_iter()
            .find(|f| f.as_str() == value)
            .or((value.is_empty()).then_some(Self::Useful))
    }

    pub fn as_str(self) -> String {
        match self {
            Self::Useful => "useful".into(),
            Self::Score(n) => n.to_string(),
            Self::All => "all".into(),
        }
    }

    pub fn label(self) -> String {
        match self {
            Self::Useful => "At least one required skill, or a score of 50% or more".into(),
            Self::Score(n) => format!("A score of {n}% or more"),
            Self::All => "Show every match".into(),
        }
    }
}

/// What the officer asked of the service's waiting matches. The service is
/// always part of the query.
#[derive(Clone, Debug, Default)]
pub struct WaitingQuery {
    pub service_id: i64,
    /// Only the people on this officer's caseload.
    pub officer_id: Option<i64>,
    /// The person's name or reference, the vacancy title or the employer
    /// contains this text (any case).
    pub text: Option<String>,
    pub floor: Floor,
    pub sort: WaitingSort,
}

/// Suggested matches across the service: the page the digest email links to.
#[derive(Clone, Debug)]
pub struct WaitingMatch {
    pub match_id: i64,
    pub profile_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub reference: String,
    pub release_date: NaiveDate,
    pub vacancy_id: i64,
    pub title: String,
    pub employer_name: String,
    pub place_name: Option<String>,
    pub remote: bool,
    pub score: f64,
    pub required_met: i32,
    pub required_total: i32,
    pub created_at: NaiveDateTime,
}

/// One page of waiting matches, how many pass the floor in all, and how
/// many the floor hides.
pub struct WaitingPage {
    pub lines: Vec<WaitingMatch>,
    pub total: i64,
    pub below_floor: i64,
}

/// The service's suggested matches joined to their person, vacancy and
/// employer, filtered by everything in the query except the floor.
macro_rules! waiting_filtered {
    ($q:expr) => {{
        let q: &WaitingQuery = $q;
        let mut query = matches::table
            .inner_join(profiles::table)
            .inner_join(vacancies::table.inner_join(employers::table))
            .filter(profiles::service_id.eq(q.service_id))
            .filter(profiles::anonymised_at.is_null())
            .filter(matches::status.eq("suggested"))
            .into_boxed();
        if let Some(officer) = q.officer_id {
            query = query.filter(profiles::officer_id.eq(officer));
        }
        if let Some(text) = q.text.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let pattern = like_pattern(text);
            query = query.filter(
                lower(
                    profiles::given_name
                        .concat(" ")
                        .concat(profiles::family_name),
                )
                .like(pattern.clone())
                .escape('\\')
                .or(lower(profiles::reference)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower(vacancies::title).like(pattern.clone()).escape('\\'))
                .or(lower(employers::name).like(pattern).escape('\\')),
            );
        }
        query
    }};
}

/// Adds the floor to a waiting-matches query.
macro_rules! above_floor {
    ($query:expr, $floor:expr) => {{
        let query = $query;
        match $floor {
            Floor::All => query,
            Floor::Score(n) => query.filter(matches::score.ge(f64::from(n) / 100.0 - 1e-9)),
            Floor::Useful => query.filter(
                matches::required_total
                    .eq(0)
                    .or(matches::required_met.gt(0))
                    .or(matches::score.ge(0.5 - 1e-9)),
            ),
        }
    }};
}

/// One page (`limit` from `offset`) of the service's suggested matches
/// that pass the floor, in the asked order, with the totals. Filtering,
/// the floor, ordering and paging all happen in the database.
pub fn waiting_matches(
    conn: &mut impl AsTx,
    query: &WaitingQuery,
    limit: i64,
    offset: i64,
) -> StoreResult<WaitingPage> {
    let (all, total): (i64, i64) = with_conn!(conn, |c| {
        let all: i64 = if query.floor == Floor::All {
            -1
        } else {
            waiting_filtered!(query).count().get_result(c)?
        };
        let total: i64 = above_floor!(waiting_filtered!(query), query.floor)
            .count()
            .get_result(c)?;
        (all, total)
    });
    let lines = waiting_rows(conn, query, limit, offset)?;
    Ok(WaitingPage {
        lines,
        total,
        below_floor: if all < 0 { 0 } else { all - total },
    })
}

/// One page of waiting matches in the query's order.
fn waiting_rows(
    conn: &mut impl AsTx,
    query: &WaitingQuery,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<WaitingMatch>> {
    let rows: Vec<WaitingLine> = with_conn!(conn, |c| {
        let q = above_floor!(waiting_filtered!(query), query.floor);
        let q = match query.sort {
            WaitingSort::Newest => q.order((matches::created_at.desc(), matches::id.desc())),
            WaitingSort::Score => q.order((matches::score.desc(), matches::id.desc())),
            WaitingSort::Release => q.order((
                profiles::release_date.asc(),
                matches::score.desc(),
                matches::id.desc(),
            )),
            WaitingSort::Person => q.order((
                profiles::family_name.asc(),
                profiles::given_name.asc(),
                profiles::id.asc(),
                matches::score.desc(),
                matches::id.desc(),
            )),
            WaitingSort::Vacancy => q.order((
                vacancies::title.asc(),
                employers::name.asc(),
                vacancies::id.asc(),
                matches::score.desc(),
                matches::id.desc(),
            )),
        };
        q.limit(limit)
            .offset(offset)
            .select((
                (
                    matches::id,
                    profiles::id,
                    profiles::given_name,
                    profiles::family_name,
                    profiles::reference,
                    profiles::release_date,
                ),
                (
                    vacancies::id,
                    vacancies::title,
                    employers::name,
                    vacancies::place_name,
                    vacancies::remote,
                ),
                (
                    matches::score,
                    matches::required_met,
                    matches::required_total,
                    matches::created_at,
                ),
            ))
            .load(c)?
    });
    Ok(rows.into_iter().map(waiting_match).collect())
}

/// The match, only if its person belongs to the service.
pub fn match_in_service(
    conn: &mut impl AsTx,
    match_id: i64,
    service_id: i64,
) -> StoreResult<Option<(i64, i64)>> {
    Ok(with_conn!(conn, |c| matches::table
        .inner_join(profiles::table)
        .filter(matches::id.eq(match_id))
        .filter(profiles::service_id.eq(service_id))
        .select((matches::profile_id, matches::vacancy_id))
        .first(c)
        .optional()?))
}

/// Names of the people of a service, by profile id (for lists).
pub fn names(
    conn: &mut impl AsTx,
    service_id: i64,
    ids: &[i64],
) -> StoreResult<Vec<(i64, String, String, String)>> {
    Ok(with_conn!(conn, |c| profiles::table
        .filter(profiles::service_id.eq(service_id))
        .filter(profiles::id.eq_any(ids))
        .select((
            profiles::id,
            profiles::given_name,
            profiles::family_name,
            profiles::reference
        ))
        .load(c)?))
}

/// Display names of users, by id (for timelines).
pub fn user_names(conn: &mut impl AsTx, ids: &[i64]) -> StoreResult<Vec<(i64, String)>> {
    use super::schema::users;
    Ok(with_conn!(conn, |c| users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(c)?))
}

/// An application as the officer's list shows it.
#[derive(Clone, Debug, Queryable)]
pub struct ApplicationLine {
    pub id: i64,
    pub profile_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub reference: String,
    pub vacancy_id: i64,
    pub title: String,
    pub employer_name: String,
    #[diesel(deserialize_as = String)]
    pub status: ApplicationStatus,
    pub updated_at: NaiveDateTime,
}

/// One page (`limit` from `offset`) of the applications of the service's
/// people with the given statuses (all when empty), oldest change first
/// when `oldest_first` (a review queue), else newest first; and how many
/// there are in all.
pub fn applications(
    conn: &mut impl AsTx,
    service_id: i64,
    statuses: &[ApplicationStatus],
    oldest_first: bool,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<ApplicationLine>, i64)> {
    use super::schema::applications;
    let statuses: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    let total: i64 = with_conn!(conn, |c| {
        let mut q = applications::table
            .inner_join(profiles::table)
            .filter(profiles::service_id.eq(service_id))
            .into_boxed();
        if !statuses.is_empty() {
            q = q.filter(applications::status.eq_any(statuses.clone()));
        }
        q.count().get_result(c)?
    });
    let rows: Vec<ApplicationLine> = with_conn!(conn, |c| {
        let mut q = applications::table
            .inner_join(profiles::table)
            .inner_join(vacancies::table.inner_join(employers::table))
            .filter(profiles::service_id.eq(service_id))
            .select((
                applications::id,
                profiles::id,
                profiles::given_name,
                profiles::family_name,
                profiles::reference,
                vacancies::id,
                vacancies::title,
                employers::name,
                applications::status,
                applications::updated_at,
            ))
            .limit(limit)
            .offset(offset)
            .into_boxed();
        if !statuses.is_empty() {
            q = q.filter(applications::status.eq_any(statuses.clone()));
        }
        q = if oldest_first {
            q.order((applications::updated_at.asc(), applications::id.asc()))
        } else {
            q.order((applications::updated_at.desc(), applications::id.desc()))
        };
        q.load(c)?
    });
    Ok((rows, total))
}

/// The employer of a vacancy.
pub fn vacancy_employer(conn: &mut impl AsTx, vacancy_id: i64) -> StoreResult<Option<i64>> {
    Ok(with_conn!(conn, |c| vacancies::table
        .find(vacancy_id)
        .select(vacancies::employer_id)
        .first(c)
        .optional()?))
}

/// Whether a person has terminal sign-in details, and whether they are
/// locked (issued at, locked at).
pub fn seeker_status(
    conn: &mut impl AsTx,
    profile_id: i64,
) -> StoreResult<Option<(NaiveDateTime, Option<NaiveDateTime>)>> {
    use super::schema::job_seekers;
    Ok(with_conn!(conn, |c| job_seekers::table
        .filter(job_seekers::profile_id.eq(profile_id))
        .select((job_seekers::issued_at, job_seekers::locked_at))
        .first(c)
        .optional()?))
}

/// Puts a person of the service on an officer's caseload (moving
/// `updated_at`, as every change to a profile row does). NotFound outside
/// the service.
pub fn assign(
    conn: &mut impl AsTx,
    profile_id: i64,
    service_id: i64,
    officer_id: i64,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let changed = with_conn!(conn, |c| diesel::update(
        profiles::table
            .filter(profiles::id.eq(profile_id))
            .filter(profiles::service_id.eq(service_id))
    )
    .set((
        profiles::officer_id.eq(Some(officer_id)),
        profiles::updated_at.eq(at)
    ))
    .execute(c)?);
    if changed == 0 {
        return Err(super::StoreError::NotFound);
    }
    Ok(())
}

/// A vacancy's employer name and when it was first published (None for a
/// draft that never was).
pub fn vacancy_publication(
    conn: &mut impl AsTx,
    vacancy_id: i64,
) -> StoreResult<Option<(String, Option<NaiveDateTime>)>> {
    Ok(with_conn!(conn, |c| vacancies::table
        .inner_join(employers::table)
        .filter(vacancies::id.eq(vacancy_id))
        .select((employers::name, vacancies::published_at))
        .first(c)
        .optional()?))
}

type WaitingLine = (
    (i64, i64, String, String, String, NaiveDate),
    (i64, String, String, Option<String>, bool),
    (f64, i32, i32, NaiveDateTime),
);

fn waiting_match((p, v, m): WaitingLine) -> WaitingMatch {
    WaitingMatch {
        match_id: p.0,
        profile_id: p.1,
        given_name: p.2,
        family_name: p.3,
        reference: p.4,
        release_date: p.5,
        vacancy_id: v.0,
        title: v.1,
        employer_name: v.2,
        place_name: v.3,
        remote: v.4,
        score: m.0,
        required_met: m.1,
        required_total: m.2,
        created_at: m.3,
    }
}

/// A person's pseudonym: what an employer sees when the name is not shared.
pub fn pseudonym(conn: &mut impl AsTx, profile_id: i64) -> StoreResult<String> {
    Ok(with_conn!(conn, |c| profiles::table
        .find(profile_id)
        .select(profiles::pseudonym)
        .first(c)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caseload_search_forgives_typos_order_and_partial_names() {
        let n = |q: &str| name_matches(q, "Nathan", "Kowalski", "A1234BC");
        // What the exact search already found.
        assert!(n("Nathan Kowalski"));
        assert!(n("nathan"));
        assert!(n("owal"));
        assert!(n("a1234bc"));
        assert!(n("A1234"));
        // Either order, a typo, a swapped pair of letters, a start.
        assert!(n("Kowalski Nathan"));
        assert!(n("Nathen"));
        assert!(n("Kowlaski"));
        assert!(n("Nath Kow"));
        assert!(n("kowalsky, nathen"));
        assert!(n("A 1234 BC"));
        // Not anybody.
        assert!(!n("Nathaniel"));
        assert!(!n("Martin"));
        assert!(!n("Nathan Smith"));
        assert!(n("Nat"), "the start of a name");
        assert!(!n("Kev"));
        assert!(!n("zz"));
        // Hyphens and apostrophes split names into words.
        assert!(name_matches("Reilly", "Sean", "O'Reilly-Smith", "X1"));
        assert!(name_matches("smith sean", "Sean", "O'Reilly-Smith", "X1"));
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance("nathen", "nathan"), 1);
        assert_eq!(edit_distance("kowlaski", "kowalski"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert!(edit_distance("martin", "nathan") > 2);
        assert_eq!(typos_allowed(3), 0);
        assert_eq!(typos_allowed(6), 1);
        assert_eq!(typos_allowed(8), 2);
    }
}

/// An approved match of the service whose person has open to-dos and whose
/// vacancy lists documents: what the officer's "to do before starting"
/// list is worked out from.
#[derive(Clone, Debug)]
pub struct ApprovedWithTodos {
    pub match_id: i64,
    pub profile_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub reference: String,
    pub vacancy_id: i64,
    pub title: String,
    /// The vacancy's documents, in its order.
    pub documents: Vec<String>,
    /// The person's open to-dos: kind slug and note, in the profile's order.
    pub open_todos: Vec<(String, String)>,
}

/// Every approved match of the service (people not anonymised) whose
/// person has an open to-do and whose vacancy lists a document, ordered by
/// family name, given name, person and match. Which to-dos a document
/// needs is the domain's reading, done by the caller; the rows are bounded
/// by the service's approved matches, never by a page.
pub fn approved_with_open_todos(
    conn: &mut impl AsTx,
    service_id: i64,
) -> StoreResult<Vec<ApprovedWithTodos>> {
    use super::schema::{profile_todos, vacancy_documents};
    use diesel::dsl::exists;
    type Head = (i64, i64, String, String, String, i64, String);
    let heads: Vec<Head> = with_conn!(conn, |c| matches::table
        .inner_join(profiles::table)
        .inner_join(vacancies::table)
        .filter(profiles::service_id.eq(service_id))
        .filter(profiles::anonymised_at.is_null())
        .filter(matches::status.eq("approved"))
        .filter(exists(
            profile_todos::table
                .filter(profile_todos::profile_id.eq(profiles::id))
                .filter(profile_todos::done.eq(false)),
        ))
        .filter(exists(
            vacancy_documents::table.filter(vacancy_documents::vacancy_id.eq(vacancies::id)),
        ))
        .order((
            profiles::family_name.asc(),
            profiles::given_name.asc(),
            profiles::id.asc(),
            matches::id.asc(),
        ))
        .select((
            matches::id,
            profiles::id,
            profiles::given_name,
            profiles::family_name,
            profiles::reference,
            vacancies::id,
            vacancies::title,
        ))
        .load(c)?);
    let mut profile_ids: Vec<i64> = heads.iter().map(|h| h.1).collect();
    profile_ids.sort_unstable();
    profile_ids.dedup();
    let mut vacancy_ids: Vec<i64> = heads.iter().map(|h| h.5).collect();
    vacancy_ids.sort_unstable();
    vacancy_ids.dedup();
    let todos = open_todos_of(conn, &profile_ids)?;
    let documents = documents_of(conn, &vacancy_ids)?;
    Ok(heads
        .into_iter()
        .map(
            |(match_id, profile_id, given_name, family_name, reference, vacancy_id, title)| {
                ApprovedWithTodos {
                    match_id,
                    profile_id,
                    given_name,
                    family_name,
                    reference,
                    vacancy_id,
                    title,
                    documents: documents.get(&vacancy_id).cloned().unwrap_or_default(),
                    open_todos: todos.get(&profile_id).cloned().unwrap_or_default(),
                }
            },
        )
        .collect())
}

/// The open to-dos (kind slug, note) of these people, by person.
fn open_todos_of(
    conn: &mut impl AsTx,
    profile_ids: &[i64],
) -> StoreResult<std::collections::HashMap<i64, Vec<(String, String)>>> {
    use super::schema::profile_todos;
    let mut todos: std::collections::HashMap<i64, Vec<(String, String)>> = Default::default();
    for chunk in profile_ids.chunks(5_000) {
        let rows: Vec<(i64, String, String)> = with_conn!(conn, |c| profile_todos::table
            .filter(profile_todos::profile_id.eq_any(chunk))
            .filter(profile_todos::done.eq(false))
            .order((profile_todos::profile_id, profile_todos::id))
            .select((
                profile_todos::profile_id,
                profile_todos::kind,
                profile_todos::note,
            ))
            .load(c)?);
        for (id, kind, note) in rows {
            todos.entry(id).or_default().push((kind, note));
        }
    }
    Ok(todos)
}

/// The documents needed of these vacancies, in order, by vacancy.
fn documents_of(
    conn: &mut impl AsTx,
    vacancy_ids: &[i64],
) -> StoreResult<std::collections::HashMap<i64, Vec<String>>> {
    use super::schema::vacancy_documents;
    let mut documents: std::collections::HashMap<i64, Vec<String>> = Default::default();
    for chunk in vacancy_ids.chunks(5_000) {
        let rows: Vec<(i64, String)> = with_conn!(conn, |c| vacancy_documents::table
            .filter(vacancy_documents::vacancy_id.eq_any(chunk))
            .order((vacancy_documents::vacancy_id, vacancy_documents::position))
            .select((vacancy_documents::vacancy_id, vacancy_documents::document))
            .load(c)?);
        for (id, document) in rows {
            documents.entry(id).or_default().push(document);
        }
    }
    Ok(documents)
}
