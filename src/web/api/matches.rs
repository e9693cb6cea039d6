//! The officer's matches in JSON: a person's ranked vacancies, the full
//! assessment of one pair ("why not?"), and a vacancy's candidates. They
//! call the same use cases as the officer's pages (`app::matches`), so the
//! scope checks and audit rows are the same.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::matches::{self, today, MatchesAsk};
use crate::domain::matching::{Assessment, Reason};
use crate::domain::skills::Taxonomy;
use crate::domain::FieldErrors;
use crate::matches::{Page, Paging, Ranked};
use crate::web::auth::Officer;
use crate::web::errors::ApiError;
use crate::web::officer::caseworker;
use crate::web::AppState;

/// `page` and `per_page` of a ranked list; `limit` is the older name of
/// `per_page`.
#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    per_page: Option<u32>,
    #[serde(default)]
    limit: Option<u32>,
}

/// Most items on one page of a ranked list.
pub const PER_PAGE_MAX: u32 = 500;

fn paging_of(query: &PageQuery) -> Result<Paging, ApiError> {
    let mut errors = FieldErrors::new();
    let page = query.page.unwrap_or(1);
    let (field, per_page) = match (query.per_page, query.limit) {
        (Some(n), _) => ("per_page", n),
        (None, Some(n)) => ("limit", n),
        (None, None) => ("per_page", 20),
    };
    super::check_paging(&mut errors, page, (field, per_page), PER_PAGE_MAX);
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    Ok(Paging {
        page: page as usize,
        per_page: per_page as usize,
    })
}

/// One page of a ranked list: the paging fields, `today` and the items,
/// with the fields that say whose list it is.
fn page_body<T>(page: &Page<T>, mut body: Value, items: Vec<Value>) -> Value {
    if let Some(object) = body.as_object_mut() {
        object.insert("today".into(), json!(today()));
        object.insert("items".into(), Value::Array(items));
        object.insert("total".into(), json!(page.total));
        object.insert("page".into(), json!(page.paging.page));
        object.insert("per_page".into(), json!(page.paging.per_page));
        object.insert("pages".into(), json!(page.pages()));
    }
    body
}

fn reasons_json(reasons: &[Reason], taxonomy: &Taxonomy) -> Vec<Value> {
    reasons
        .iter()
        .map(|r| {
            let mut value = serde_json::to_value(r).unwrap_or(Value::Null);
            if let Some(object) = value.as_object_mut() {
                object.insert("text".into(), Value::String(r.describe(taxonomy)));
            }
            value
        })
        .collect()
}

fn case_by_case(a: &Assessment) -> Vec<&'static str> {
    a.case_by_case.iter().map(|c| c.as_str()).collect()
}

fn assessment_json(a: &Assessment, taxonomy: &Taxonomy) -> Value {
    json!({
        "eligible": a.eligible(),
        "score": a.score,
        "distance_km": a.distance_km,
        "failures": a.failures.iter().map(|f| json!({
            "code": f.code().as_str(),
            "message": f.describe(taxonomy),
            "detail": f,
        })).collect::<Vec<_>>(),
        "reasons": reasons_json(&a.reasons, taxonomy),
        "case_by_case": case_by_case(a),
    })
}

/// A profile's eligible vacancies, ranked, with reasons (officers).
pub async fn profile_matches(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let ask = MatchesAsk {
        paging: paging_of(&query)?,
        decided: false,
        find: None,
        why_not: None,
    };
    let answer =
        matches::profile_matches(&state, caseworker(&officer), path.into_inner(), ask).await?;
    let t = &state.taxonomy;
    let items: Vec<Value> = answer
        .ranked
        .items
        .iter()
        .map(|r| {
            let d = &r.item.details;
            json!({
                "vacancy_id": r.item.id,
                "title": d.title(),
                "employer_id": r.item.employer_id,
                "workplace": d.workplace().place().map(|p| p.name()),
                "score": r.assessment.score,
                "distance_km": r.assessment.distance_km,
                "reasons": reasons_json(&r.assessment.reasons, t),
                "case_by_case": case_by_case(&r.assessment),
                "match": answer.stored.get(&r.item.id).map(|m| json!({ "id": m.id, "status": m.status })),
            })
        })
        .collect();
    let owner = json!({ "profile_id": answer.profile.id });
    Ok(HttpResponse::Ok().json(page_body(&answer.ranked, owner, items)))
}

/// The full assessment of one pair, including every rule that fails: the
/// answer to "why is this job not shown?" (officers).
pub async fn profile_match(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, vacancy_id) = path.into_inner();
    let answer = matches::profile_match(&state, caseworker(&officer), id, vacancy_id).await?;
    let t = &state.taxonomy;
    let mut body = assessment_json(&answer.assessment, t);
    if let Some(object) = body.as_object_mut() {
        object.insert("profile_id".into(), json!(answer.profile.id));
        object.insert("vacancy_id".into(), json!(answer.vacancy.id));
        object.insert(
            "vacancy_status".into(),
            json!(answer.vacancy.status.as_str()),
        );
        let eligible_from = answer.eligible_from.as_ref().map(|from| {
            json!({
                "date": from.date,
                "events": from.events,
                "text": from.describe(t),
            })
        });
        object.insert("eligible_from".into(), json!(eligible_from));
    }
    Ok(HttpResponse::Ok().json(body))
}

fn candidate_json(r: &Ranked<crate::domain::profile::Profile>, taxonomy: &Taxonomy) -> Value {
    let d = &r.item.details;
    json!({
        "profile_id": r.item.id,
        "name": format!("{} {}", d.given_name(), d.family_name()),
        "reference": d.reference(),
        "release_date": d.release_date(),
        "score": r.assessment.score,
        "distance_km": r.assessment.distance_km,
        "reasons": reasons_json(&r.assessment.reasons, taxonomy),
        "case_by_case": case_by_case(&r.assessment),
    })
}

/// Eligible people of the officer's service for a vacancy, ranked.
pub async fn vacancy_candidates(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = paging_of(&query)?;
    let found =
        matches::candidates(&state, caseworker(&officer), path.into_inner(), paging).await?;
    let items: Vec<Value> = found
        .ranked
        .items
        .iter()
        .map(|r| candidate_json(r, &state.taxonomy))
        .collect();
    let owner = json!({ "vacancy_id": found.vacancy.id });
    Ok(HttpResponse::Ok().json(page_body(&found.ranked, owner, items)))
}
