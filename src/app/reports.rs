//! Outcome reports: the tables for a scope and a date range, and the CSV
//! export of one table, audited with who exported what.

use chrono::NaiveDate;

use super::Failure;
use crate::app::AppState;
use crate::reports::{self, DateRange, Scope, Table};
use crate::store;
use crate::store::audit::{self, Actor, Entry};

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// A service's name, or None when there is no such service.
pub async fn service_name(state: &AppState, service_id: i64) -> Result<Option<String>, Failure> {
    super::run(&state.store, move |c| {
        Ok(store::reports::service_name(c, service_id)?)
    })
    .await
}

/// Every service (id, name), for the administrator's choice.
pub async fn services(state: &AppState) -> Result<Vec<(i64, String)>, Failure> {
    super::run(&state.store, |c| Ok(store::reports::services(c)?)).await
}

/// The report's tables, suppressed for publication, for a scope the caller
/// has already checked.
pub async fn tables(
    state: &AppState,
    scope: Scope,
    range: DateRange,
) -> Result<Vec<Table>, Failure> {
    let today = today();
    let figures = super::run(&state.store, move |c| {
        Ok::<_, Failure>(store::reports::figures(c, &scope, &range, today)?)
    })
    .await?;
    Ok(reports::tables(&figures))
}

/// One table as CSV, suppressed exactly as on the page.
pub struct Export {
    pub key: String,
    pub csv: String,
}

/// The CSV of the table `wanted`, with an audit row naming who exported
/// what. A table the report does not have is a bad request.
pub async fn export(
    state: &AppState,
    actor: Actor,
    scope: Scope,
    range: DateRange,
    wanted: String,
) -> Result<Export, Failure> {
    let table = tables(state, scope.clone(), range)
        .await?
        .into_iter()
        .find(|t| t.key == wanted)
        .ok_or_else(|| {
            Failure::BadRequest(
                "There is no such table in this report; use a download link on the report page"
                    .into(),
            )
        })?;
    let csv = table
        .to_csv()
        .map_err(|e| Failure::Internal(format!("csv: {e}")))?;
    let detail = format!(
        "table={} scope={} from={} to={}",
        table.key,
        scope.slug(),
        range.from,
        range.to
    );
    let service_id = scope.service_id();
    super::run(&state.store, move |conn| {
        let entry = Entry {
            action: "report.exported",
            subject_kind: service_id.map(|_| "service"),
            subject_id: service_id,
            detail: Some(detail),
        };
        Ok::<_, Failure>(audit::record(conn, &actor, entry, store::now())?)
    })
    .await?;
    Ok(Export {
        key: table.key,
        csv,
    })
}
