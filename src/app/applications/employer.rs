//! The employer's side of an application: the applications forwarded to
//! it, read as pseudonymous candidate cards (`store::candidates`, never
//! offence, licence or barred information), and its answers (interview,
//! offer, started, unsuccessful). An answer stores the move, queues the
//! officer's email and writes the audit row in one transaction.

use crate::app::employers::Member;
use crate::app::Failure;
use crate::config::Config;
use crate::domain::application::ApplicationStatus;
use crate::store::applications::{
    self as app_store, Actor, Application, ApplicationError, Change, Event, InboxFilter,
};
use crate::store::audit::{self, Entry};
use crate::store::candidates::{self, Candidate};
use crate::store::{now, AsTx, Conn, StoreError};

/// An application with the candidate card the employer sees.
pub type Carded = (Application, Candidate);

/// What the employer's page of one application shows.
pub struct Detail {
    pub application: Application,
    pub candidate: Candidate,
    /// The vacancy's title (never the prison number).
    pub vacancy_title: String,
    pub events: Vec<Event>,
}

fn failure(e: ApplicationError) -> Failure {
    match e {
        ApplicationError::NotFound => Failure::NotFound,
        ApplicationError::Invalid(errors) => Failure::Invalid(errors),
        ApplicationError::Refused(refused) => Failure::Conflict(refused.to_string()),
        ApplicationError::Store(e) => e.into(),
    }
}

/// An application forwarded to this employer; another employer's, or one
/// never forwarded, is not found.
pub fn get(conn: &mut impl AsTx, member: &Member, id: i64) -> Result<Application, Failure> {
    app_store::load_for_employer(conn, id, member.employer_id)?.ok_or(Failure::NotFound)
}

/// An application forwarded to this employer, with its card, the vacancy's
/// title and its timeline.
pub fn detail(conn: &mut impl AsTx, member: &Member, id: i64) -> Result<Detail, Failure> {
    let application = get(conn, member, id)?;
    let candidate = candidates::card(conn, application.profile_id, application.share_name)?;
    let vacancy_title = crate::store::caseload::vacancy_titles(conn, &[application.vacancy_id])?
        .into_iter()
        .next()
        .map(|(_, title, _)| title)
        .unwrap_or_default();
    let events = app_store::events(conn, id)?;
    Ok(Detail {
        application,
        candidate,
        vacancy_title,
        events,
    })
}

/// The applications forwarded to one of this employer's vacancies, with
/// the vacancy's title.
pub fn for_vacancy(
    conn: &mut impl AsTx,
    member: &Member,
    vacancy_id: i64,
    taxonomy: &crate::domain::skills::Taxonomy,
) -> Result<(String, Vec<Carded>), Failure> {
    let vacancy = super::super::vacancies::get(conn, member, vacancy_id, taxonomy)?;
    let mut rows = Vec::new();
    for application in app_store::for_vacancy_employer(conn, vacancy.id)? {
        let candidate = candidates::card(conn, application.profile_id, application.share_name)?;
        rows.push((application, candidate));
    }
    Ok((vacancy.details.title().to_string(), rows))
}

/// A page of the applications forwarded to this employer across its
/// vacancies, newest first, with each vacancy's title, and the total.
pub fn inbox(
    conn: &mut impl AsTx,
    member: &Member,
    filter: &InboxFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(Carded, String)>, i64), Failure> {
    let (apps, total) =
        app_store::inbox_for_employer(conn, member.employer_id, filter, limit, offset)?;
    let mut rows = Vec::with_capacity(apps.len());
    for (application, title) in apps {
        let candidate = candidates::card(conn, application.profile_id, application.share_name)?;
        rows.push(((application, candidate), title));
    }
    Ok((rows, total))
}

/// The employer's answer: moves the application, queues the officer's
/// email and records it. Details that do not fit the move are
/// `Failure::Invalid`; a move the employer may not make from where the
/// application is now is `Failure::Conflict`.
pub fn answer(
    conn: &mut Conn,
    config: &Config,
    member: &Member,
    id: i64,
    change: &Change,
) -> Result<ApplicationStatus, Failure> {
    let at = now();
    conn.write(|tx| {
        let changed = app_store::change_status(tx, id, change, Actor::employer(member.user_id), at)
            .map_err(failure)?;
        crate::notify::officer::application_status_changed(tx, config, id).map_err(
            |e| match e {
                crate::notify::NotifyError::Store(s) => Failure::from(s),
                other => Failure::from(StoreError::Task(other.to_string())),
            },
        )?;
        let entry = Entry {
            action: "application.status_changed",
            subject_kind: Some("application"),
            subject_id: Some(id),
            detail: Some(changed.status.as_str().to_string()),
        };
        audit::record(tx, &member.audit, entry, at)?;
        Ok(changed.status)
    })
}
