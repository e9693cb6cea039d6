//! The counts behind the outcome reports, aggregated in the database (GROUP
//! BY), never by loading rows. Each statement is written once; the few
//! places where SQLite and PostgreSQL spell date arithmetic differently go
//! through [`Sql`]. Every value reaches the SQL as a bound parameter.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text, Timestamp};

use super::schema::services;
use super::{AsTx, StoreResult, Tx};
use crate::domain::reports::{
    gender_label, DateRange, Dimension, Employment, Figures, Scope, Stage, SIX_MONTHS_DAYS,
    SIX_WEEKS_DAYS,
};
use crate::with_conn;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
}

enum Bind {
    Int(i64),
    Day(NaiveDate),
    At(NaiveDateTime),
}

/// A statement under construction: text with placeholders in the
/// backend's style, and the values bound to them in order.
struct Sql {
    dialect: Dialect,
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn new(dialect: Dialect) -> Self {
        Self {
            dialect,
            text: String::new(),
            binds: Vec::new(),
        }
    }

    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        match self.dialect {
            Dialect::Sqlite => self.text.push('?'),
            Dialect::Postgres => {
                let n = self.binds.len();
                self.text.push_str(&format!("${n}"));
            }
        }
        self
    }

    /// `column + days` as a date; `days` is one of this module's constants.
    fn plus_days(&self, column: &str, days: i64) -> String {
        match self.dialect {
            Dialect::Sqlite => format!("date({column}, '+{days} days')"),
            Dialect::Postgres => format!("({column} + {days})"),
        }
    }

    /// Whole days from `earlier` to `later`.
    fn days_between(&self, later: &str, earlier: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => {
                format!("CAST(julianday({later}) - julianday({earlier}) AS INTEGER)")
            }
            Dialect::Postgres => format!("CAST({later} - {earlier} AS BIGINT)"),
        }
    }

    /// True unless the nullable flag is recorded as false.
    fn not_false(&self, column: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => format!("COALESCE({column}, 1) <> 0"),
            Dialect::Postgres => format!("COALESCE({column}, TRUE)"),
        }
    }

    /// ` AND ...` limiting profiles `p` to the scope.
    fn scope(&mut self, scope: &Scope) -> &mut Self {
        match *scope {
            Scope::Caseload {
                service_id,
                officer_id,
            } => self
                .push(" AND p.service_id = ")
                .bind(Bind::Int(service_id))
                .push(" AND p.officer_id = ")
                .bind(Bind::Int(officer_id)),
            Scope::Service { service_id } => self
                .push(" AND p.service_id = ")
                .bind(Bind::Int(service_id)),
            Scope::All => self,
        }
    }

    fn range(&mut self, column: &str, range: &DateRange) -> &mut Self {
        self.push(&format!(" AND {column} >= "))
            .bind(Bind::At(range.start()))
            .push(&format!(" AND {column} < "))
            .bind(Bind::At(range.end()))
    }
}

/// A breakdown's grouping key and the joins it needs (profiles are `p`).
fn key(dim: Dimension) -> (&'static str, &'static str) {
    match dim {
        Dimension::Service => ("s.name", " JOIN services s ON s.id = p.service_id"),
        Dimension::Gender => ("COALESCE(p.gender, '')", ""),
        Dimension::Sector | Dimension::Employer => ("''", ""),
    }
}

/// The funnel is counted twice, once per side of the pair: by the person's
/// service and gender, and by the vacancy's sector and employer. Each
/// application or match belongs to exactly one group on each side, so the
/// groups' counts add up to the totals.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Person,
    Vacancy,
}

#[derive(QueryableByName)]
struct StageRow {
    #[diesel(sql_type = Text)]
    k1: String,
    #[diesel(sql_type = Text)]
    k2: String,
    #[diesel(sql_type = Text)]
    stage: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn funnel_sql(dialect: Dialect, scope: &Scope, range: &DateRange, side: Side) -> Sql {
    // Counted per person or per vacancy first, then summed into groups:
    // the join to the grouping tables then runs once per person or vacancy
    // instead of once per match or event.
    let (column, keys, outer) = match side {
        Side::Person => (
            "profile_id",
            "s.name, COALESCE(p.gender, '')",
            " JOIN profiles p ON p.id = x.g JOIN services s ON s.id = p.service_id",
        ),
        Side::Vacancy => (
            "vacancy_id",
            "sc.label, em.name",
            " JOIN vacancies v ON v.id = x.g JOIN sectors sc ON sc.slug = v.sector_slug \
             JOIN employers em ON em.id = v.employer_id",
        ),
    };
    // Profiles are joined inside only to apply the scope.
    let scoped = |via: &str| {
        if *scope == Scope::All {
            String::new()
        } else {
            format!(" JOIN profiles p ON p.id = {via}.profile_id")
        }
    };
    let mut sql = Sql::new(dialect);
    sql.push(&format!(
        "SELECT {keys_as}, x.stage AS stage, CAST(SUM(x.n) AS BIGINT) AS n FROM (\
         SELECT m.{column} AS g, 'matches' AS stage, COUNT(*) AS n FROM matches m{} WHERE 1 = 1",
        scoped("m"),
        keys_as = match side {
            Side::Person => "s.name AS k1, COALESCE(p.gender, '') AS k2",
            Side::Vacancy => "sc.label AS k1, em.name AS k2",
        }
    ))
    .range("m.created_at", range)
    .scope(scope)
    .push(&format!(" GROUP BY m.{column} UNION ALL "));
    sql.push(&format!(
        "SELECT m.{column}, 'approved', COUNT(*) FROM matches m{} WHERE m.status = 'approved'",
        scoped("m")
    ))
    .range("m.decided_at", range)
    .scope(scope)
    .push(&format!(" GROUP BY m.{column} UNION ALL "));
    let stage = "CASE WHEN e.from_status IS NULL THEN 'applications' ELSE e.to_status END";
    sql.push(&format!(
        "SELECT a.{column}, {stage}, COUNT(DISTINCT e.application_id) FROM application_events e \
         JOIN applications a ON a.id = e.application_id{} \
         WHERE (e.from_status IS NULL OR e.to_status IN ('forwarded', 'interview', 'offer', 'started'))",
        scoped("a")
    ))
    .range("e.at", range)
    .scope(scope)
    .push(&format!(" GROUP BY a.{column}, {stage}) x{outer} GROUP BY {keys}, x.stage"));
    sql
}

fn stage_index(name: &str) -> Option<usize> {
    Stage::ALL.iter().position(|s| match s {
        Stage::Matches => name == "matches",
        Stage::Approved => name == "approved",
        Stage::Applications => name == "applications",
        other => other.event_status() == Some(name),
    })
}

macro_rules! load_sql {
    ($conn:expr, $sql:expr, $row:ty) => {{
        let sql: Sql = $sql;
        with_conn!($conn, |c| {
            let mut query = diesel::sql_query(sql.text.as_str()).into_boxed();
            for value in &sql.binds {
                query = match value {
                    Bind::Int(n) => query.bind::<BigInt, _>(*n),
                    Bind::Day(d) => query.bind::<Date, _>(*d),
                    Bind::At(t) => query.bind::<Timestamp, _>(*t),
                };
            }
            query.load::<$row>(c)?
        })
    }};
}

fn dialect(conn: &mut impl AsTx) -> Dialect {
    match conn.tx() {
        Tx::Sqlite(_) => Dialect::Sqlite,
        Tx::Postgres(_) => Dialect::Postgres,
    }
}

#[derive(QueryableByName)]
struct EmploymentRow {
    #[diesel(sql_type = Text)]
    k: String,
    #[diesel(sql_type = BigInt)]
    due_w: i64,
    #[diesel(sql_type = BigInt)]
    in_w: i64,
    #[diesel(sql_type = BigInt)]
    due_m: i64,
    #[diesel(sql_type = BigInt)]
    in_m: i64,
}

fn employment_sql(
    dialect: Dialect,
    scope: &Scope,
    range: &DateRange,
    dim: Dimension,
    today: NaiveDate,
) -> Sql {
    let (key, join) = key(dim);
    let mut sql = Sql::new(dialect);
    let weeks_due = today - Duration::days(SIX_WEEKS_DAYS);
    let months_due = today - Duration::days(SIX_MONTHS_DAYS);
    let weeks_start = sql.plus_days("p.release_date", SIX_WEEKS_DAYS);
    let months_start = sql.plus_days("p.release_date", SIX_MONTHS_DAYS);
    let weeks_kept = sql.not_false("o.in_work_6_weeks");
    let months_kept = format!(
        "{} AND {} AND {}",
        sql.not_false("o.in_work_6_weeks"),
        sql.not_false("o.in_work_13_weeks"),
        sql.not_false("o.in_work_6_months")
    );
    sql.push(&format!(
        "SELECT {key} AS k, SUM(CASE WHEN p.release_date <= "
    ))
    .bind(Bind::Day(weeks_due))
    .push(" THEN 1 ELSE 0 END) AS due_w, SUM(CASE WHEN p.release_date <= ")
    .bind(Bind::Day(weeks_due))
    .push(&format!(
        " AND EXISTS (SELECT 1 FROM outcomes o WHERE o.profile_id = p.id \
             AND o.started_on <= {weeks_start} AND {weeks_kept}) THEN 1 ELSE 0 END) AS in_w, \
             SUM(CASE WHEN p.release_date <= "
    ))
    .bind(Bind::Day(months_due))
    .push(" THEN 1 ELSE 0 END) AS due_m, SUM(CASE WHEN p.release_date <= ")
    .bind(Bind::Day(months_due))
    .push(&format!(
        " AND EXISTS (SELECT 1 FROM outcomes o WHERE o.profile_id = p.id \
             AND o.started_on <= {months_start} AND {months_kept}) THEN 1 ELSE 0 END) AS in_m \
             FROM profiles p{join} WHERE p.release_date >= "
    ))
    .bind(Bind::Day(range.from))
    .push(" AND p.release_date <= ")
    .bind(Bind::Day(range.to))
    .scope(scope)
    .push(&format!(" GROUP BY {key}"));
    sql
}

#[derive(QueryableByName)]
struct DelayRow {
    #[diesel(sql_type = BigInt)]
    d: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn delays_sql(dialect: Dialect, scope: &Scope, range: &DateRange) -> Sql {
    let mut sql = Sql::new(dialect);
    let days = sql.days_between("MIN(o.started_on)", "p.release_date");
    sql.push(&format!(
        "SELECT d, COUNT(*) AS n FROM (SELECT {days} AS d FROM profiles p \
         JOIN outcomes o ON o.profile_id = p.id WHERE p.release_date >= "
    ))
    .bind(Bind::Day(range.from))
    .push(" AND p.release_date <= ")
    .bind(Bind::Day(range.to))
    .scope(scope)
    .push(" GROUP BY p.id, p.release_date) x GROUP BY d");
    sql
}

#[derive(QueryableByName)]
struct SummaryRow {
    #[diesel(sql_type = BigInt)]
    applications: i64,
    #[diesel(sql_type = BigInt)]
    applied: i64,
    #[diesel(sql_type = BigInt)]
    filled: i64,
}

fn summary_sql(dialect: Dialect, scope: &Scope, range: &DateRange) -> Sql {
    let mut sql = Sql::new(dialect);
    sql.push(
        "SELECT COUNT(DISTINCT CASE WHEN e.from_status IS NULL THEN e.application_id END) AS applications, \
         COUNT(DISTINCT CASE WHEN e.from_status IS NULL THEN a.vacancy_id END) AS applied, \
         COUNT(DISTINCT CASE WHEN e.to_status = 'started' THEN a.vacancy_id END) AS filled \
         FROM application_events e JOIN applications a ON a.id = e.application_id \
         JOIN profiles p ON p.id = a.profile_id \
         WHERE (e.from_status IS NULL OR e.to_status = 'started')",
    )
    .range("e.at", range)
    .scope(scope);
    sql
}

#[derive(QueryableByName)]
struct HeldRow {
    #[diesel(sql_type = Text)]
    purpose: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Interview and trial bookings recorded as attended in the range (by the
/// time the employer recorded it), by purpose.
fn held_sql(dialect: Dialect, scope: &Scope, range: &DateRange) -> Sql {
    let mut sql = Sql::new(dialect);
    sql.push(
        "SELECT b.purpose AS purpose, COUNT(DISTINCT b.id) AS n FROM slot_booking_events e \
         JOIN slot_bookings b ON b.id = e.booking_id \
         JOIN applications a ON a.id = b.application_id \
         JOIN profiles p ON p.id = a.profile_id \
         WHERE e.action = 'attended' AND b.status = 'attended'",
    )
    .range("e.at", range)
    .scope(scope)
    .push(" GROUP BY b.purpose");
    sql
}

#[derive(QueryableByName)]
struct KindRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Applications that reached a start in the range, by vacancy kind.
fn starts_by_kind_sql(dialect: Dialect, scope: &Scope, range: &DateRange) -> Sql {
    let mut sql = Sql::new(dialect);
    sql.push(
        "SELECT v.kind AS kind, COUNT(DISTINCT e.application_id) AS n \
         FROM application_events e JOIN applications a ON a.id = e.application_id \
         JOIN vacancies v ON v.id = a.vacancy_id \
         JOIN profiles p ON p.id = a.profile_id \
         WHERE e.to_status = 'started'",
    )
    .range("e.at", range)
    .scope(scope)
    .push(" GROUP BY v.kind");
    sql
}

/// Every count a report needs, for one scope and range. `today` decides
/// who is due the 6-week and 6-month employment measures.
pub fn figures(
    conn: &mut impl AsTx,
    scope: &Scope,
    range: &DateRange,
    today: NaiveDate,
) -> StoreResult<Figures> {
    let dialect = dialect(conn);
    let mut figures = Figures::default();
    for (side, first, second) in [
        (Side::Person, Dimension::Service, Dimension::Gender),
        (Side::Vacancy, Dimension::Sector, Dimension::Employer),
    ] {
        let rows = load_sql!(conn, funnel_sql(dialect, scope, range, side), StageRow);
        let mut by_first: BTreeMap<String, [i64; 7]> = BTreeMap::new();
        let mut by_second: BTreeMap<String, [i64; 7]> = BTreeMap::new();
        for row in rows {
            let Some(i) = stage_index(&row.stage) else {
                continue;
            };
            let second_label = if second == Dimension::Gender {
                gender_label(&row.k2).to_string()
            } else {
                row.k2
            };
            by_first.entry(row.k1).or_default()[i] += row.n;
            by_second.entry(second_label).or_default()[i] += row.n;
        }
        figures
            .funnel
            .insert(first.slug(), by_first.into_iter().collect());
        figures
            .funnel
            .insert(second.slug(), by_second.into_iter().collect());
    }
    for dim in [Dimension::Service, Dimension::Gender] {
        let rows = load_sql!(
            conn,
            employment_sql(dialect, scope, range, dim, today),
            EmploymentRow
        );
        let mut groups: BTreeMap<String, Employment> = BTreeMap::new();
        for row in rows {
            let label = if dim == Dimension::Gender {
                gender_label(&row.k).to_string()
            } else {
                row.k
            };
            let e = groups.entry(label).or_default();
            e.due_6_weeks += row.due_w;
            e.in_work_6_weeks += row.in_w;
            e.due_6_months += row.due_m;
            e.in_work_6_months += row.in_m;
        }
        figures
            .employment
            .insert(dim.slug(), groups.into_iter().collect());
    }
    figures.start_delays = load_sql!(conn, delays_sql(dialect, scope, range), DelayRow)
        .into_iter()
        .map(|r| (r.d, r.n))
        .collect();
    if let Some(summary) = load_sql!(conn, summary_sql(dialect, scope, range), SummaryRow)
        .into_iter()
        .next()
    {
        figures.applications = summary.applications;
        figures.vacancies_applied_to = summary.applied;
        figures.vacancies_filled = summary.filled;
    }
    figures.starts_by_kind = load_sql!(conn, starts_by_kind_sql(dialect, scope, range), KindRow)
        .into_iter()
        .map(|r| (r.kind, r.n))
        .collect();
    for row in load_sql!(conn, held_sql(dialect, scope, range), HeldRow) {
        match row.purpose.as_str() {
            "interview" => figures.interviews_held = row.n,
            "trial" => figures.trials_done = row.n,
            _ => {}
        }
    }
    Ok(figures)
}

/// Every service, by name, for the administrators' picker.
pub fn services(conn: &mut impl AsTx) -> StoreResult<Vec<(i64, String)>> {
    Ok(with_conn!(conn, |c| services::table
        .select((services::id, services::name))
        .order(services::name)
        .load(c)?))
}

/// A service's name, or None when there is no such service.
pub fn service_name(conn: &mut impl AsTx, id: i64) -> StoreResult<Option<String>> {
    Ok(with_conn!(conn, |c| services::table
        .find(id)
        .select(services::name)
        .first(c)
        .optional()?))
}
