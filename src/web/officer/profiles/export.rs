//! Subject access: everything held about a person, as a printable page and
//! as one JSON file. Both are audited by the use case.

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use askama::Template;
use serde_json::Value;

use crate::app::profiles;
use crate::app::profiles::{Caseworker, Exporter};
use crate::web::auth::Casework;
use crate::web::errors::AppError;
use crate::web::extract::On;
use crate::web::pages::page;
use crate::web::view::Chrome;

/// One table's rows as the page shows them.
struct Section {
    table: String,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Template)]
#[template(path = "officer/export.html")]
struct ExportPage {
    chrome: Chrome,
    id: i64,
    generated: String,
    sections: Vec<Section>,
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn section(table: String, rows: &[Value]) -> Section {
    let columns: Vec<String> = rows
        .first()
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let rows = rows
        .iter()
        .map(|r| columns.iter().map(|c| cell(&r[c.as_str()])).collect())
        .collect();
    Section {
        table,
        columns,
        rows,
    }
}

/// The exporter the signed-in officer or administrator is.
pub fn exporter(who: &Casework) -> Exporter {
    match who.service_id {
        Some(service_id) => Exporter::from(Caseworker {
            actor: who.ctx.audit_actor(),
            service_id,
            user_id: who.actor.user_id,
        }),
        None => Exporter::Admin(who.ctx.audit_actor()),
    }
}

pub async fn page_of(on: On<Casework>) -> Result<HttpResponse, AppError> {
    let held = profiles::export(&on.state, exporter(&on.actor), on.id).await?;
    Ok(page(
        StatusCode::OK,
        &ExportPage {
            chrome: Chrome::of(&on.actor.ctx),
            id: on.id,
            generated: crate::store::now().format("%Y-%m-%d %H:%M").to_string(),
            // The profile first, then the other tables by name.
            sections: held
                .get_key_value("profiles")
                .into_iter()
                .chain(held.iter().filter(|(table, _)| *table != "profiles"))
                .map(|(table, rows)| section(table.clone(), rows))
                .collect(),
        },
    ))
}

/// The export as one JSON document (the page's download and the API's
/// answer).
pub fn document(profile_id: i64, held: &crate::store::export::Held) -> Value {
    serde_json::json!({
        "profile_id": profile_id,
        "generated_at": crate::store::now(),
        "tables": held,
    })
}

pub async fn json(on: On<Casework>) -> Result<HttpResponse, AppError> {
    let held = profiles::export(&on.state, exporter(&on.actor), on.id).await?;
    let file = format!("attachment; filename=\"person-{}.json\"", on.id);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_DISPOSITION, file))
        .json(document(on.id, &held)))
}
