//! `/api-reference`: the JSON API described for people, rendered on the
//! server from the same OpenAPI document that `/api/v1/openapi.json`
//! serves, so the two cannot disagree. Every operation with its address,
//! who may call it, its parameters, its request body and its answers, each
//! body flattened into a table of fields with their types and limits.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;
use serde_json::Value;

use crate::web::pages::page;

/// One field of a body, flattened: `items[].reasons[].text`.
pub struct FieldRow {
    pub name: String,
    pub kind: String,
    pub required: bool,
    pub notes: String,
}

pub struct Param {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub kind: String,
    pub notes: String,
}

pub struct Answer {
    pub status: String,
    pub description: String,
    pub fields: Vec<FieldRow>,
}

pub struct Operation {
    pub anchor: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub auth: String,
    pub params: Vec<Param>,
    pub body: Vec<FieldRow>,
    pub answers: Vec<Answer>,
}

#[derive(Template)]
#[template(path = "api_reference.html")]
struct ReferencePage {
    title: String,
    intro: String,
    operations: Vec<Operation>,
}

pub async fn reference(state: actix_web::web::Data<crate::web::AppState>) -> HttpResponse {
    let doc = super::openapi::openapi_document(&state.taxonomy);
    page(StatusCode::OK, &reference_of(&doc))
}

fn reference_of(doc: &Value) -> ReferencePage {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut operations = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        let mut paths: Vec<(&String, &Value)> = paths.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        for (path, item) in paths {
            for method in ["get", "post", "put", "patch", "delete"] {
                let op = &item[method];
                if op.is_null() {
                    continue;
                }
                let mut params = Vec::new();
                let shared = item["parameters"].as_array().cloned().unwrap_or_default();
                let own = op["parameters"].as_array().cloned().unwrap_or_default();
                for p in shared.iter().chain(own.iter()) {
                    let p = resolve(doc, p);
                    let schema = resolve(doc, &p["schema"]);
                    params.push(Param {
                        name: text(&p["name"]),
                        location: text(&p["in"]),
                        required: p["required"].as_bool().unwrap_or(false),
                        kind: kind_of(doc, schema),
                        notes: join_notes(&text(&p["description"]), &limits_of(schema)),
                    });
                }
                let mut body = Vec::new();
                if let Some(schema) = json_schema(&op["requestBody"]) {
                    flatten(doc, schema, "", true, 0, &mut body);
                }
                let mut answers = Vec::new();
                if let Some(responses) = op["responses"].as_object() {
                    let mut responses: Vec<(&String, &Value)> = responses.iter().collect();
                    responses.sort_by(|a, b| a.0.cmp(b.0));
                    for (status, response) in responses {
                        let response = resolve(doc, response);
                        let mut fields = Vec::new();
                        if let Some(schema) = json_schema(response) {
                            flatten(doc, schema, "", true, 0, &mut fields);
                        }
                        answers.push(Answer {
                            status: status.clone(),
                            description: text(&response["description"]),
                            fields,
                        });
                    }
                }
                let security = op.get("security").unwrap_or(&doc["security"]);
                operations.push(Operation {
                    anchor: format!(
                        "{method}-{}",
                        path.trim_matches('/')
                            .replace(['/', '{', '}', '.'], "-")
                            .replace("--", "-")
                    ),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: text(&op["summary"]),
                    description: text(&op["description"]),
                    auth: auth_of(security),
                    params,
                    body,
                    answers,
                });
            }
        }
    }
    ReferencePage {
        title: text(&doc["info"]["title"]),
        intro: text(&doc["info"]["description"]),
        operations,
    }
}

/// The JSON schema of a request body or response, if it has one.
fn json_schema(with_content: &Value) -> Option<&Value> {
    let schema = &with_content["content"]["application/json"]["schema"];
    (!schema.is_null()).then_some(schema)
}

/// Follows a `$ref` into `#/components/...`.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..8 {
        match current["$ref"].as_str() {
            Some(reference) => {
                let pointer = reference.trim_start_matches('#');
                match doc.pointer(pointer) {
                    Some(target) => current = target,
                    None => return current,
                }
            }
            None => return current,
        }
    }
    current
}

fn auth_of(security: &Value) -> String {
    let schemes: Vec<String> = security
        .as_array()
        .map(|alternatives| {
            alternatives
                .iter()
                .filter_map(|a| a.as_object())
                .flat_map(|a| a.keys().cloned())
                .collect()
        })
        .unwrap_or_default();
    if schemes.is_empty() {
        "None: anyone may call it".to_string()
    } else {
        schemes
            .iter()
            .map(|s| match s.as_str() {
                "session" => "a staff session (cookie, with X-CSRF-Token on changes)".to_string(),
                "bearer" => "an employer API token (Authorization: Bearer)".to_string(),
                "device" | "deviceHeader" => "an enrolled terminal".to_string(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", or ")
    }
}

fn kind_of(doc: &Value, schema: &Value) -> String {
    let schema = resolve(doc, schema);
    let base = match schema["type"].as_str() {
        Some("array") => format!("list of {}", kind_of(doc, &schema["items"])),
        Some(t) => match schema["format"].as_str() {
            Some(f) => format!("{t} ({f})"),
            None => t.to_string(),
        },
        None if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() => {
            "one of several shapes".to_string()
        }
        None => "any".to_string(),
    };
    if schema["nullable"].as_bool() == Some(true) {
        format!("{base} or null")
    } else {
        base
    }
}

/// The limits a schema sets, in words.
fn limits_of(schema: &Value) -> String {
    let mut notes = Vec::new();
    let num = |k: &str| schema[k].as_f64().map(|n| format!("{n}"));
    if let (Some(min), Some(max)) = (num("minLength"), num("maxLength")) {
        notes.push(format!("{min} to {max} characters"));
    } else if let Some(max) = num("maxLength") {
        notes.push(format!("up to {max} characters"));
    } else if let Some(min) = num("minLength") {
        notes.push(format!("at least {min} characters"));
    }
    match (num("minimum"), num("maximum")) {
        (Some(min), Some(max)) => notes.push(format!("from {min} to {max}")),
        (Some(min), None) => notes.push(format!("at least {min}")),
        (None, Some(max)) => notes.push(format!("at most {max}")),
        _ => {}
    }
    if let Some(n) = num("exclusiveMinimum") {
        notes.push(format!("more than {n}"));
    }
    if let Some(n) = num("minItems") {
        notes.push(format!("at least {n} item(s)"));
    }
    if let Some(n) = num("maxItems") {
        notes.push(format!("at most {n} items"));
    }
    if let Some(values) = schema["enum"].as_array() {
        let shown: Vec<String> = values
            .iter()
            .take(40)
            .map(|v| match v.as_str() {
                Some(s) => s.to_string(),
                None => v.to_string(),
            })
            .collect();
        let more = values.len().saturating_sub(shown.len());
        notes.push(if more > 0 {
            format!("one of: {} and {more} more", shown.join(", "))
        } else {
            format!("one of: {}", shown.join(", "))
        });
    }
    if let Some(pattern) = schema["pattern"].as_str() {
        notes.push(format!("matches {pattern}"));
    }
    if let Some(default) = schema.get("default") {
        notes.push(format!("default {default}"));
    }
    notes.join("; ")
}

fn join_notes(description: &str, limits: &str) -> String {
    match (description.is_empty(), limits.is_empty()) {
        (true, _) => limits.to_string(),
        (false, true) => description.to_string(),
        (false, false) => format!("{description} ({limits})"),
    }
}

/// Flattens a schema into rows, objects by their properties and lists by
/// their items, to a sensible depth.
fn flatten(
    doc: &Value,
    schema: &Value,
    prefix: &str,
    required: bool,
    depth: usize,
    out: &mut Vec<FieldRow>,
) {
    let schema = resolve(doc, schema);
    if depth > 6 {
        return;
    }
    // A shape made of alternatives: list each alternative's fields.
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema[key].as_array() {
            for part in parts {
                flatten(
                    doc,
                    part,
                    prefix,
                    required && key == "allOf",
                    depth + 1,
                    out,
                );
            }
            return;
        }
    }
    match schema["type"].as_str() {
        Some("object") | None if schema["properties"].is_object() => {
            flatten_properties(doc, schema, prefix, depth, out)
        }
        Some("array") => {
            let items = resolve(doc, &schema["items"]);
            let path = format!("{prefix}[]");
            out.push(FieldRow {
                name: path.clone(),
                kind: kind_of(doc, items),
                required,
                notes: limits_of(schema),
            });
            flatten(doc, items, &path, true, depth + 1, out);
        }
        _ => {}
    }
}

/// The rows of an object's properties, and of what each holds.
fn flatten_properties(
    doc: &Value,
    schema: &Value,
    prefix: &str,
    depth: usize,
    out: &mut Vec<FieldRow>,
) {
    let needed: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    if let Some(properties) = schema["properties"].as_object() {
        for (name, property) in properties {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            let resolved = resolve(doc, property);
            let is_required = needed.contains(&name.as_str());
            out.push(FieldRow {
                name: path.clone(),
                kind: kind_of(doc, resolved),
                required: is_required,
                notes: join_notes(
                    resolved["description"].as_str().unwrap_or_default(),
                    &limits_of(resolved),
                ),
            });
            match resolved["type"].as_str() {
                Some("object") => flatten(doc, resolved, &path, is_required, depth + 1, out),
                Some("array") => {
                    let items = resolve(doc, &resolved["items"]);
                    if items["type"].as_str() == Some("object")
                        || items["properties"].is_object()
                        || items.get("oneOf").is_some()
                        || items.get("allOf").is_some()
                    {
                        flatten(doc, items, &format!("{path}[]"), true, depth + 1, out);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_document_is_described() {
        let doc =
            crate::web::api::openapi::openapi_document(&crate::domain::skills::tests::sample());
        let page = reference_of(&doc);
        let count: usize = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| {
                ["get", "post", "put", "patch", "delete"]
                    .iter()
                    .filter(|m| !item[**m].is_null())
                    .count()
            })
            .sum();
        assert_eq!(page.operations.len(), count);
        assert!(page.operations.iter().all(|o| !o.answers.is_empty()));
        let html = page.render().unwrap();
        assert!(html.contains("/api/v1/vacancies"));
    }
}
