//! JSON API v1: what is left of it after the staff session moved to
//! `api::sessions` and the OpenAPI document to `api::openapi`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::FieldErrors;
use crate::matches::Paging;
use crate::web::auth::Officer;
use crate::web::errors::ApiError;
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
pub(crate) const PER_PAGE_MAX: u32 = 500;

fn paging_of(query: &PageQuery) -> Result<Paging, ApiError> {
    let mut errors = FieldErrors::new();
    let page = query.page.unwrap_or(1);
    if page == 0 || page > 1_000_000 {
        errors.add("page", "Use a page number of 1 or more");
    }
    let (field, per_page) = match (query.per_page, query.limit) {
        (Some(n), _) => ("per_page", n),
        (None, Some(n)) => ("limit", n),
        (None, None) => ("per_page", 20),
    };
    if per_page == 0 || per_page > PER_PAGE_MAX {
        errors.add(field, format!("Use 1 to {PER_PAGE_MAX} items a page"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    Ok(Paging {
        page: page as usize,
        per_page: per_page as usize,
    })
}

/// The paging part of a ranked list's answer.
fn page_fields<T>(page: &crate::matches::Page<T>) -> Value {
    json!({
        "total": page.total,
        "page": page.paging.page,
        "per_page": page.paging.per_page,
        "pages": page.pages(),
    })
}

/// A JSON object with more fields added.
fn with_fields(mut body: Value, more: Value) -> Value {
    if let (Some(object), Value::Object(more)) = (body.as_object_mut(), more) {
        object.extend(more);
    }
    body
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn reasons_json(
    reasons: &[crate::domain::matching::Reason],
    taxonomy: &crate::domain::skills::Taxonomy,
) -> Vec<Value> {
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

fn assessment_json(
    a: &crate::domain::matching::Assessment,
    taxonomy: &crate::domain::skills::Taxonomy,
) -> Value {
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
        "case_by_case": a.case_by_case.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
    })
}

/// A profile's eligible vacancies, ranked, with reasons (officers).
pub async fn profile_matches(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = paging_of(&query)?;
    let (id, service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let (profile, stored) = state
        .store
        .run(move |c| {
            let profile = crate::store::profiles::load_in_service(c, id, service_id, &taxonomy)?;
            let stored = crate::store::matches::for_profile(c, id)?;
            Ok((profile, stored))
        })
        .await?;
    let ranked = state
        .matcher
        .vacancies_page(&profile, today(), paging)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let restricted = ranked.items.iter().any(|r| r.assessment.shows_restricted());
    let items: Vec<Value> = ranked
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
                "reasons": reasons_json(&r.assessment.reasons, &state.taxonomy),
                "case_by_case": r.assessment.case_by_case.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                "match": stored.get(&r.item.id).map(|m| json!({ "id": m.id, "status": m.status })),
            })
        })
        .collect();
    crate::web::viewed::record(
        &state,
        officer.ctx.audit_actor(),
        vec![crate::web::viewed::Viewed::profile(
            profile.id,
            restricted,
            format!(
                "{} matches (page {} of {} in all)",
                items.len(),
                paging.page,
                ranked.total
            ),
        )],
    )
    .await?;
    Ok(HttpResponse::Ok().json(with_fields(
        json!({ "profile_id": profile.id, "today": today(), "items": items }),
        page_fields(&ranked),
    )))
}

/// The full assessment of one pair, including every rule that fails: the
/// answer to "why is this job not shown?" (officers).
pub async fn profile_match(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, vacancy_id), service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let (profile, vacancy) = state
        .store
        .run(move |c| {
            let profile = crate::store::profiles::load_in_service(c, id, service_id, &taxonomy)?;
            let vacancy = crate::store::vacancies::load(c, vacancy_id, &taxonomy)?;
            Ok((profile, vacancy))
        })
        .await?;
    // As on the officer's pages: only vacancies open to applicants.
    if vacancy.status != crate::domain::vacancy::VacancyStatus::Published {
        return Err(ApiError::NotFound);
    }
    let assessment = crate::domain::matching::assess(&vacancy, &profile, today());
    crate::web::viewed::record(
        &state,
        officer.ctx.audit_actor(),
        vec![crate::web::viewed::Viewed::profile(
            profile.id,
            assessment.shows_restricted(),
            format!("assessment against vacancy {vacancy_id}"),
        )],
    )
    .await?;
    let mut body = assessment_json(&assessment, &state.taxonomy);
    if let Some(object) = body.as_object_mut() {
        object.insert("profile_id".into(), json!(profile.id));
        object.insert("vacancy_id".into(), json!(vacancy.id));
        object.insert("vacancy_status".into(), json!(vacancy.status.as_str()));
    }
    Ok(HttpResponse::Ok().json(body))
}

/// Eligible people of the officer's service for a vacancy, ranked.
pub async fn vacancy_candidates(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = paging_of(&query)?;
    let (vacancy_id, service_id) = (path.into_inner(), officer.service_id);
    let taxonomy = state.taxonomy.clone();
    let vacancy = state
        .store
        .run(move |c| crate::store::vacancies::load(c, vacancy_id, &taxonomy))
        .await?;
    if vacancy.status != crate::domain::vacancy::VacancyStatus::Published {
        return Err(ApiError::NotFound);
    }
    let ranked = state
        .matcher
        .profiles_page(
            &vacancy,
            &crate::search::ServiceScope::Only(vec![service_id]),
            today(),
            paging,
        )
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let restricted = ranked.items.iter().any(|r| r.assessment.shows_restricted());
    let items: Vec<Value> = ranked
        .items
        .iter()
        .map(|r| {
            let d = &r.item.details;
            json!({
                "profile_id": r.item.id,
                "name": format!("{} {}", d.given_name(), d.family_name()),
                "reference": d.reference(),
                "release_date": d.release_date(),
                "score": r.assessment.score,
                "distance_km": r.assessment.distance_km,
                "reasons": reasons_json(&r.assessment.reasons, &state.taxonomy),
                "case_by_case": r.assessment.case_by_case.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut views = vec![crate::web::viewed::Viewed::candidates(
        vacancy.id,
        restricted,
        format!(
            "{} candidates in service {service_id} (page {} of {} in all)",
            items.len(),
            paging.page,
            ranked.total
        ),
    )];
    views.extend(
        ranked
            .items
            .iter()
            .filter(|r| r.assessment.shows_restricted())
            .map(|r| crate::web::viewed::Viewed::candidate(r.item.id, vacancy.id)),
    );
    crate::web::viewed::record(&state, officer.ctx.audit_actor(), views).await?;
    Ok(HttpResponse::Ok().json(with_fields(
        json!({ "vacancy_id": vacancy.id, "today": today(), "items": items }),
        page_fields(&ranked),
    )))
}
