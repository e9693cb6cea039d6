//! Application use cases of the officer: reading one application (audited:
//! the statement can disclose a conviction), the moves (review, forward
//! with the employer's email, decline, withdraw) and editing the statement
//! with the person. Each move commits with its audit row and email.

use chrono::NaiveDateTime;

use crate::app::profiles::Caseworker;
use crate::app::AppState;
use crate::app::Failure;
use crate::domain::application::ApplicationStatus;
use crate::matches::Paging;
use crate::store::applications::{
    self as apps, Actor, Application, ApplicationError, Change, Event,
};
use crate::store::audit::{self, Entry};
use crate::store::caseload::ApplicationLine;
use crate::store::outcomes::Outcome;
use crate::store::{self, AsTx, StoreError};

/// An application with the person and the vacancy it is for.
pub struct Summary {
    pub application: Application,
    /// (profile id, given name, family name, reference) of the person.
    pub names: Vec<(i64, String, String, String)>,
    pub pseudonym: String,
    /// (vacancy id, title, employer) of the vacancy.
    pub titles: Vec<(i64, String, String)>,
}

/// One application as the officer's page shows it.
pub struct ApplicationRecord {
    pub summary: Summary,
    pub events: Vec<Event>,
    /// (user id, name) of the staff in the timeline.
    pub users: Vec<(i64, String)>,
    pub outcome: Option<Outcome>,
}

/// An application of the service with the person and the vacancy; None
/// outside the service.
fn load(conn: &mut impl AsTx, id: i64, service_id: i64) -> Result<Option<Summary>, StoreError> {
    let Some(app) = apps::load_in_service(conn, id, service_id)? else {
        return Ok(None);
    };
    let names = store::caseload::names(conn, service_id, &[app.profile_id])?;
    let pseudonym = store::caseload::pseudonym(conn, app.profile_id)?;
    let titles = store::caseload::vacancy_titles(conn, &[app.vacancy_id])?;
    Ok(Some(Summary {
        application: app,
        names,
        pseudonym,
        titles,
    }))
}

/// One application of the officer's service with its whole timeline.
/// Every view is audited against the application and the person.
pub async fn view(
    state: &AppState,
    officer: Caseworker,
    id: i64,
) -> Result<ApplicationRecord, Failure> {
    super::super::run(&state.store, move |c| {
        let summary = load(c, id, officer.service_id)?.ok_or(Failure::NotFound)?;
        let events = apps::events(c, id)?;
        let user_ids: Vec<i64> = events.iter().filter_map(|e| e.actor_user_id).collect();
        let users = store::caseload::user_names(c, &user_ids)?;
        let outcome = store::outcomes::for_application(c, id)?;
        let entry = Entry {
            action: "application.viewed",
            subject_kind: Some("application"),
            subject_id: Some(id),
            detail: Some(format!("profile {}", summary.application.profile_id)),
        };
        audit::record(c, &officer.actor, entry, store::now())?;
        Ok(ApplicationRecord {
            summary,
            events,
            users,
            outcome,
        })
    })
    .await
}

/// What the officer is asked to confirm before forwarding: the
/// application, the person's names and pseudonym, the vacancy's title.
pub async fn before_forwarding(
    state: &AppState,
    service_id: i64,
    id: i64,
) -> Result<Summary, Failure> {
    super::super::run(&state.store, move |c| {
        load(c, id, service_id)?.ok_or(Failure::NotFound)
    })
    .await
}

fn audit_application(
    conn: &mut impl AsTx,
    actor: &crate::store::audit::Actor,
    action: &'static str,
    id: i64,
    detail: String,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    let entry = Entry {
        action,
        subject_kind: Some("application"),
        subject_id: Some(id),
        detail: Some(detail),
    };
    audit::record(conn, actor, entry, at)
}

/// One officer move on an application of the officer's service, with its
/// audit row and, when forwarding, the employer's email, in one
/// transaction.
pub async fn change(
    state: &AppState,
    officer: Caseworker,
    id: i64,
    change: Change,
) -> Result<(), ApplicationError> {
    let config = state.config.clone();
    let to = change.to.map(|s| s.as_str()).unwrap_or("");
    let forwarded = to == "forwarded";
    super::super::run(&state.store, move |conn| {
        if apps::load_in_service(conn, id, officer.service_id)?.is_none() {
            return Err(ApplicationError::NotFound);
        }
        let at = store::now();
        conn.write(|tx| {
            apps::change_status(tx, id, &change, Actor::officer(officer.user_id), at)?;
            if forwarded {
                crate::notify::employer::application_forwarded(tx, &config, id).map_err(|e| {
                    ApplicationError::Store(StoreError::Task(format!("email: {e}")))
                })?;
            }
            let action = "application.status_changed";
            audit_application(tx, &officer.actor, action, id, format!("to {to}"), at)?;
            Ok(())
        })
    })
    .await
}

/// The officer edits the statement with the person and records whether
/// the person agrees to share their name with the employer.
pub async fn edit_statement(
    state: &AppState,
    officer: Caseworker,
    id: i64,
    statement: String,
    share_name: bool,
) -> Result<(), ApplicationError> {
    super::super::run(&state.store, move |conn| {
        if apps::load_in_service(conn, id, officer.service_id)?.is_none() {
            return Err(ApplicationError::NotFound);
        }
        let at = store::now();
        conn.write(|tx| {
            apps::edit_before_forwarding(tx, id, &statement, share_name, at)?;
            let action = "application.statement_edited";
            let detail = format!("share name: {share_name}");
            audit_application(tx, &officer.actor, action, id, detail, at)?;
            Ok(())
        })
    })
    .await
}

/// A page of applications with the number in the whole list.
pub type Lines = (Vec<ApplicationLine>, i64);

/// The service's applications: those waiting for the officer (oldest
/// first) and the others (newest change first), a page of each.
pub async fn queue(
    state: &AppState,
    service_id: i64,
    awaiting: Paging,
    others: Paging,
) -> Result<(Lines, Lines), Failure> {
    super::super::run(&state.store, move |c| {
        let (limit, offset) = sql_window(awaiting);
        let awaiting = store::caseload::applications(
            c,
            service_id,
            &[
                ApplicationStatus::Interested,
                ApplicationStatus::UnderReview,
            ],
            true,
            limit,
            offset,
        )?;
        let (limit, offset) = sql_window(others);
        let others = store::caseload::applications(
            c,
            service_id,
            &ApplicationStatus::FORWARDED_ONWARDS,
            false,
            limit,
            offset,
        )?;
        Ok((awaiting, others))
    })
    .await
}

/// LIMIT and OFFSET for a page.
pub fn sql_window(paging: Paging) -> (i64, i64) {
    (
        i64::try_from(paging.per_page).unwrap_or(i64::MAX),
        i64::try_from(paging.offset()).unwrap_or(i64::MAX),
    )
}
