//! Outcome reports: the funnel from match to start, employment after release,
//! time to the first day at work, vacancies filled, with breakdowns by
//! service, sector, employer and gender. The database aggregates
//! ([`crate::store::reports`]); this module turns those counts into
//! published tables with small numbers suppressed ([`suppress`]) and draws
//! the charts ([`chart`]).

pub mod chart;
pub mod suppress;

use suppress::{protect, Additive, Cell};

use crate::domain::vacancy::VacancyKind;

pub use crate::domain::reports::*;

/// One published table: the page and the CSV export both render it.
#[derive(Clone, Debug)]
pub struct Table {
    pub key: String,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The SVG chart beside it, if any.
    pub chart: Option<String>,
    /// Definitions shown under it.
    pub notes: Vec<String>,
}

impl Table {
    /// The table as CSV text (header first).
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&self.header)?;
        for row in &self.rows {
            writer.write_record(row.iter().map(|cell| spreadsheet_safe(cell)))?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// A cell that a spreadsheet would read as a formula (an employer's name
/// starting with "=", say) gets a leading apostrophe in the CSV.
fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn rate(part: Cell, whole: Cell) -> String {
    match (part.shown(), whole.shown()) {
        (Some(p), Some(w)) if w > 0 => format!("{:.1}%", p as f64 * 100.0 / w as f64),
        _ => "not shown".to_string(),
    }
}

fn rate_value(part: Cell, whole: Cell) -> Option<f64> {
    match (part.shown(), whole.shown()) {
        (Some(p), Some(w)) if w > 0 => Some(p as f64 * 100.0 / w as f64),
        _ => None,
    }
}

/// The median of a histogram of (value, how many), negative values counted
/// as 0; the mean of the two middle values for an even count.
pub fn median(histogram: &[(i64, i64)]) -> Option<f64> {
    let mut sorted: Vec<(i64, i64)> = histogram
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|&(v, n)| (v.max(0), n))
        .collect();
    sorted.sort_unstable();
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let nth = |k: i64| {
        let mut seen = 0;
        for &(v, n) in &sorted {
            seen += n;
            if seen > k {
                return v;
            }
        }
        0
    };
    let (a, b) = (nth((total - 1) / 2), nth(total / 2));
    Some((a + b) as f64 / 2.0)
}

fn cell_bar(label: &str, cell: Cell) -> chart::Bar {
    chart::Bar {
        label: label.to_string(),
        value: cell.shown().map(|n| n as f64),
        text: cell.to_string(),
    }
}

/// The rows of a breakdown, with employers beyond the first
/// [`EMPLOYER_ROWS`] (by applications) folded into one row.
fn fold_employers(mut rows: Vec<(String, [i64; 7])>) -> Vec<(String, [i64; 7])> {
    rows.sort_by(|a, b| b.1[2].cmp(&a.1[2]).then_with(|| a.0.cmp(&b.0)));
    if rows.len() <= EMPLOYER_ROWS + 1 {
        return rows;
    }
    let rest = rows.split_off(EMPLOYER_ROWS);
    let mut other = [0i64; 7];
    for (_, counts) in rest {
        for (o, c) in other.iter_mut().zip(counts) {
            *o += c;
        }
    }
    rows.push(("All other employers".to_string(), other));
    rows
}

/// Builds every published table from the counts.
pub fn tables(figures: &Figures) -> Vec<Table> {
    let total = service_total(figures);
    let mut out = vec![funnel_table(&total)];
    out.extend(employment_table(figures));
    out.push(summary_table(figures));
    out.push(routes_table(figures));
    for dim in [
        Dimension::Service,
        Dimension::Sector,
        Dimension::Employer,
        Dimension::Gender,
    ] {
        out.push(funnel_breakdown_table(figures, dim, &total));
    }
    for dim in [Dimension::Service, Dimension::Gender] {
        out.push(employment_breakdown_table(figures, dim));
    }
    out
}

/// The service breakdown covers everyone once, so its sum is the total.
fn service_total(figures: &Figures) -> [i64; 7] {
    figures
        .funnel
        .get("service")
        .map(|rows| {
            rows.iter().fold([0i64; 7], |mut acc, (_, counts)| {
                for (a, c) in acc.iter_mut().zip(counts) {
                    *a += c;
                }
                acc
            })
        })
        .unwrap_or_default()
}

/// The rows of one employment breakdown as counted.
fn employment_rows(figures: &Figures, dim: &str) -> Vec<(String, Employment)> {
    figures.employment.get(dim).cloned().unwrap_or_default()
}

/// Funnel: the count at each stage.
fn funnel_table(total: &[i64; 7]) -> Table {
    let cells: Vec<Cell> = total.iter().map(|&n| Cell::of(n)).collect();
    Table {
        key: "funnel".into(),
        title: "From match to start".into(),
        header: vec!["Stage".into(), "Count".into(), "What is counted".into()],
        rows: Stage::ALL
            .iter()
            .zip(&cells)
            .map(|(s, c)| vec![s.label().into(), c.to_string(), s.definition().into()])
            .collect(),
        chart: Some(chart::bars(
            "chart-funnel",
            "From match to start: counts at each stage",
            &Stage::ALL
                .iter()
                .zip(&cells)
                .map(|(s, c)| cell_bar(s.label(), *c))
                .collect::<Vec<_>>(),
            None,
        )),
        notes: vec![],
    }
}

/// Employment after release, total row of the service grid.
fn employment_table(figures: &Figures) -> Option<Table> {
    let service_employment = employment_rows(figures, "service");
    let (_, total_grid) = employment_grids(&service_employment);
    let total_cells = total_grid.last().cloned().unwrap_or_default();
    let [w_in, w_out, w_due, m_in, m_out, m_due] = total_cells[..] else {
        return None;
    };
    Some(Table {
        key: "employment".into(),
        title: "In work after release".into(),
        header: vec![
            "Measure".into(),
            "Released, due the measure".into(),
            "In work".into(),
            "Not in work".into(),
            "Rate".into(),
        ],
        rows: vec![
            vec![
                "6 weeks after release".into(),
                w_due.to_string(),
                w_in.to_string(),
                w_out.to_string(),
                rate(w_in, w_due),
            ],
            vec![
                "6 months after release".into(),
                m_due.to_string(),
                m_in.to_string(),
                m_out.to_string(),
                rate(m_in, m_due),
            ],
        ],
        chart: Some(chart::bars(
            "chart-employment",
            "Share of people in work after release (per cent)",
            &[
                rate_bar("6 weeks after release", w_in, w_due),
                rate_bar("6 months after release", m_in, m_due),
            ],
            Some(100.0),
        )),
        notes: vec![
            format!(
                "People released in the range whose release was at least 6 weeks ({SIX_WEEKS_DAYS} days) before today are due the 6-week measure; \
                 they count as in work when a job start is recorded on or before release + {SIX_WEEKS_DAYS} days and that job was not recorded as ended at its 6-week check."
            ),
            format!(
                "People released at least 6 months ({SIX_MONTHS_DAYS} days) before today are due the 6-month measure; \
                 they count as in work when a job start is recorded on or before release + {SIX_MONTHS_DAYS} days and that job was not recorded as ended at any of its checks (6 weeks, 13 weeks, 6 months)."
            ),
        ],
    })
}

/// Time to work, vacancies filled, applications per vacancy.
fn summary_table(figures: &Figures) -> Table {
    let delays: i64 = figures.start_delays.iter().map(|(_, n)| n).sum();
    let people_started = Cell::of(delays);
    let median_text = match (people_started, median(&figures.start_delays)) {
        (Cell::Shown(_), Some(m)) => format!("{m} days"),
        _ => "not shown (fewer than 5 people)".into(),
    };
    let applications = Cell::of(figures.applications);
    let vacancies_applied = Cell::of(figures.vacancies_applied_to);
    let per_vacancy = match (applications.shown(), vacancies_applied.shown()) {
        (Some(a), Some(v)) if v > 0 => format!("{:.1}", a as f64 / v as f64),
        _ => "not shown".into(),
    };
    Table {
        key: "summary".into(),
        title: "Time to work and vacancies".into(),
        header: vec!["Measure".into(), "Figure".into()],
        rows: vec![
            vec![
                "People released in the range with a recorded job start".into(),
                people_started.to_string(),
            ],
            vec![
                "Median days from release to first day at work".into(),
                median_text,
            ],
            vec![
                "Vacancies filled (a start recorded in the range)".into(),
                Cell::of(figures.vacancies_filled).to_string(),
            ],
            vec![
                "Applications made in the range".into(),
                applications.to_string(),
            ],
            vec![
                "Vacancies those applications were for".into(),
                vacancies_applied.to_string(),
            ],
            vec!["Applications per vacancy".into(), per_vacancy],
            vec![
                "Interviews held (recorded as attended in the range)".into(),
                Cell::of(figures.interviews_held).to_string(),
            ],
            vec![
                "Work trials done (recorded as attended in the range)".into(),
                Cell::of(figures.trials_done).to_string(),
            ],
            vec![
                "Day release placements started (a start recorded in the range)".into(),
                placements_started(figures).to_string(),
            ],
        ],
        chart: None,
        notes: vec![
            "Days to work count from the release date to the first recorded job start; a start on or before release day counts as 0 days.".into(),
        ],
    }
}

/// Starts in the range per route (vacancy kind, in [`VacancyKind::ALL`]
/// order) and their total last, protected together: a placement count shown
/// in the summary is the same cell as in the routes table.
fn route_cells(figures: &Figures) -> Vec<Cell> {
    let counts: Vec<i64> = VacancyKind::ALL
        .iter()
        .map(|kind| {
            figures
                .starts_by_kind
                .iter()
                .filter(|(slug, _)| slug == kind.as_str())
                .map(|(_, n)| n)
                .sum()
        })
        .collect();
    let total: i64 = counts.iter().sum();
    let grid: Vec<Vec<i64>> = counts
        .iter()
        .chain(std::iter::once(&total))
        .map(|&n| vec![n])
        .collect();
    protect(&grid, Additive::Columns)
        .into_iter()
        .map(|row| row[0])
        .collect()
}

/// The day release placements cell of [`route_cells`].
fn placements_started(figures: &Figures) -> Cell {
    VacancyKind::ALL
        .iter()
        .zip(route_cells(figures))
        .find(|(kind, _)| matches!(kind, VacancyKind::RotlPlacement))
        .map_or(Cell::Small, |(_, cell)| cell)
}

/// Starts by route: an ordinary job, a guaranteed interview, a work trial or
/// a day release placement, with each route's share of all starts.
fn routes_table(figures: &Figures) -> Table {
    let cells = route_cells(figures);
    let total = cells[VacancyKind::ALL.len()];
    let share = |cell: Cell| match (cell.shown(), total.shown()) {
        (Some(n), Some(all)) if all > 0 => format!("{:.0}%", 100.0 * n as f64 / all as f64),
        _ => "not shown".into(),
    };
    let mut rows: Vec<Vec<String>> = VacancyKind::ALL
        .iter()
        .zip(&cells)
        .map(|(kind, &cell)| vec![kind.label().to_string(), cell.to_string(), share(cell)])
        .collect();
    rows.push(vec!["All starts".into(), total.to_string(), share(total)]);
    Table {
        key: "starts_by_route".into(),
        title: "Starts by route into work".into(),
        header: vec!["Route".into(), "Starts".into(), "Share of starts".into()],
        rows,
        chart: None,
        notes: vec![
            "A start counts under the kind of vacancy its application was for: a job, a guaranteed interview, a work trial or a day release (ROTL) placement.".into(),
        ],
    }
}

/// The funnel broken down by one dimension, with a total row.
fn funnel_breakdown_table(figures: &Figures, dim: Dimension, total: &[i64; 7]) -> Table {
    let mut rows = figures.funnel.get(dim.slug()).cloned().unwrap_or_default();
    if dim == Dimension::Employer {
        rows = fold_employers(rows);
    } else {
        rows.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let mut grid: Vec<Vec<i64>> = rows.iter().map(|(_, c)| c.to_vec()).collect();
    grid.push(total.to_vec());
    let cells = protect(&grid, Additive::Columns);
    let mut header = vec![dim.label().to_string()];
    header.extend(Stage::ALL.iter().map(|s| s.label().to_string()));
    let labels: Vec<String> = rows
        .iter()
        .map(|(l, _)| l.clone())
        .chain(std::iter::once("Total".to_string()))
        .collect();
    let table_rows: Vec<Vec<String>> = labels
        .iter()
        .zip(&cells)
        .map(|(label, row)| {
            std::iter::once(label.clone())
                .chain(row.iter().map(Cell::to_string))
                .collect()
        })
        .collect();
    let bars: Vec<chart::Bar> = labels
        .iter()
        .zip(&cells)
        .take(rows.len())
        .map(|(label, row)| cell_bar(label, row[2]))
        .collect();
    Table {
        key: format!("funnel_by_{}", dim.slug()),
        title: format!("From match to start by {}", dim.label().to_lowercase()),
        header,
        rows: table_rows,
        chart: Some(chart::bars(
            &format!("chart-funnel-{}", dim.slug()),
            &format!("Applications by {}", dim.label().to_lowercase()),
            &bars,
            None,
        )),
        notes: if dim == Dimension::Employer {
            vec![format!(
                "The {EMPLOYER_ROWS} employers with most applications are listed; the rest are one row."
            )]
        } else {
            vec![]
        },
    }
}

/// Employment after release broken down by one dimension, with a total row.
fn employment_breakdown_table(figures: &Figures, dim: Dimension) -> Table {
    let mut rows = employment_rows(figures, dim.slug());
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let (labels, grid) = employment_grids(&rows);
    let table_rows: Vec<Vec<String>> = labels
        .iter()
        .zip(&grid)
        .map(|(label, c)| {
            vec![
                label.clone(),
                c[2].to_string(),
                c[0].to_string(),
                c[1].to_string(),
                rate(c[0], c[2]),
                c[5].to_string(),
                c[3].to_string(),
                c[4].to_string(),
                rate(c[3], c[5]),
            ]
        })
        .collect();
    let bars: Vec<chart::Bar> = labels
        .iter()
        .zip(&grid)
        .take(rows.len())
        .map(|(label, c)| rate_bar(label, c[0], c[2]))
        .collect();
    Table {
        key: format!("employment_by_{}", dim.slug()),
        title: format!("In work after release by {}", dim.label().to_lowercase()),
        header: vec![
            dim.label().to_string(),
            "Due the 6-week measure".into(),
            "In work at 6 weeks".into(),
            "Not in work at 6 weeks".into(),
            "Rate at 6 weeks".into(),
            "Due the 6-month measure".into(),
            "In work at 6 months".into(),
            "Not in work at 6 months".into(),
            "Rate at 6 months".into(),
        ],
        rows: table_rows,
        chart: Some(chart::bars(
            &format!("chart-employment-{}", dim.slug()),
            &format!(
                "Share in work 6 weeks after release by {} (per cent)",
                dim.label().to_lowercase()
            ),
            &bars,
            Some(100.0),
        )),
        notes: vec![],
    }
}

fn rate_bar(label: &str, part: Cell, whole: Cell) -> chart::Bar {
    let value = rate_value(part, whole);
    chart::Bar {
        label: label.to_string(),
        value,
        text: value.map_or_else(|| "not shown".to_string(), |v| format!("{v:.1}%")),
    }
}

/// Labels (with "Total" last) and protected cells per group: in work, not
/// in work, due at 6 weeks, then the same at 6 months. Each measure is its
/// own grid in which rows (in work + not in work = due) and columns (groups
/// + total) add up.
fn employment_grids(rows: &[(String, Employment)]) -> (Vec<String>, Vec<Vec<Cell>>) {
    let sum = rows
        .iter()
        .fold(Employment::default(), |acc, (_, e)| Employment {
            due_6_weeks: acc.due_6_weeks + e.due_6_weeks,
            in_work_6_weeks: acc.in_work_6_weeks + e.in_work_6_weeks,
            due_6_months: acc.due_6_months + e.due_6_months,
            in_work_6_months: acc.in_work_6_months + e.in_work_6_months,
        });
    let all: Vec<&Employment> = rows
        .iter()
        .map(|(_, e)| e)
        .chain(std::iter::once(&sum))
        .collect();
    let weeks: Vec<Vec<i64>> = all
        .iter()
        .map(|e| {
            vec![
                e.in_work_6_weeks,
                e.due_6_weeks - e.in_work_6_weeks,
                e.due_6_weeks,
            ]
        })
        .collect();
    let months: Vec<Vec<i64>> = all
        .iter()
        .map(|e| {
            vec![
                e.in_work_6_months,
                e.due_6_months - e.in_work_6_months,
                e.due_6_months,
            ]
        })
        .collect();
    let weeks = protect(&weeks, Additive::Both);
    let months = protect(&months, Additive::Both);
    let labels = rows
        .iter()
        .map(|(l, _)| l.clone())
        .chain(std::iter::once("Total".to_string()))
        .collect();
    let grid = weeks
        .into_iter()
        .zip(months)
        .map(|(mut w, m)| {
            w.extend(m);
            w
        })
        .collect();
    (labels, grid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_default_range_is_the_last_twelve_months() {
        let range = DateRange::parse("", "", day("2026-11-27")).unwrap();
        assert_eq!(range.from, day("2025-11-28"));
        assert_eq!(range.to, day("2026-11-27"));
        assert_eq!(range, DateRange::default_for(day("2026-11-27")));
    }

    #[test]
    fn bad_and_reversed_dates_get_messages_on_their_fields() {
        let today = day("2026-11-27");
        let e = DateRange::parse("2026-02-30", "", today).unwrap_err();
        assert!(e.first("from").unwrap().contains("real date"));
        let e = DateRange::parse("2026-05-01", "2026-04-01", today).unwrap_err();
        assert!(e.first("to").unwrap().contains("after the start date"));
        let e = DateRange::parse("1999-05-01", "2026-04-01", today).unwrap_err();
        assert!(e.first("from").unwrap().contains("2000"));
        let e = DateRange::parse("2027-01-01", "2027-02-01", today).unwrap_err();
        assert!(e.first("from").unwrap().contains("today or earlier"));
        let e = DateRange::parse("2001-01-01", "2026-01-01", today).unwrap_err();
        assert!(e.first("from").unwrap().contains("at most"));
        assert!(DateRange::parse("2026-01-01", "2026-01-01", today).is_ok());
    }

    #[test]
    fn the_median_of_a_histogram() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[(10, 1)]), Some(10.0));
        assert_eq!(median(&[(3, 2), (10, 1)]), Some(3.0));
        assert_eq!(median(&[(3, 1), (10, 1)]), Some(6.5));
        assert_eq!(median(&[(-4, 2), (8, 1)]), Some(0.0));
    }

    #[test]
    fn csv_cells_cannot_become_spreadsheet_formulas() {
        let table = Table {
            key: "t".into(),
            title: "T".into(),
            header: vec!["Employer".into(), "Count".into()],
            rows: vec![vec!["=HYPERLINK(\"x\")".into(), "fewer than 5".into()]],
            chart: None,
            notes: vec![],
        };
        let csv = table.to_csv().unwrap();
        assert_eq!(
            csv,
            "Employer,Count\n\"'=HYPERLINK(\"\"x\"\")\",fewer than 5\n"
        );
    }

    #[test]
    fn employers_beyond_the_first_twenty_are_one_row() {
        let rows: Vec<(String, [i64; 7])> = (0..30)
            .map(|i| (format!("E{i:02}"), [0, 0, i, 0, 0, 0, 0]))
            .collect();
        let folded = fold_employers(rows);
        assert_eq!(folded.len(), EMPLOYER_ROWS + 1);
        assert_eq!(folded[0].0, "E29");
        assert_eq!(folded[EMPLOYER_ROWS].0, "All other employers");
        assert_eq!(folded[EMPLOYER_ROWS].1[2], (0..10).sum::<i64>());
    }
}
