//! The employer's side of an application: the applications forwarded to
//! it, read as pseudonymous candidate cards (`store::candidates`, never
//! offence, licence or barred information), and its answers (interview,
//! offer, started, unsuccessful). An answer stores the move, queues the
//! officer's email and writes the audit row in one transaction.
//!
//! Once an application has ended for the employer (unsuccessful,
//! withdrawn, or six months after its start:
//! `domain::application::ended_for_employer`) the employer sees only the
//! pseudonym and the outcome (status and its date): nothing else of the
//! person is read, the application's statement, interview and start are
//! blanked before it leaves this module, and no answer is taken.

use crate::app::employers::Member;
use crate::app::Failure;
use crate::config::Config;
use chrono::NaiveDate;

use crate::domain::application::{ended_for_employer, ApplicationStatus};
use crate::store::applications::{
    self as app_store, Actor, Application, ApplicationError, Change, Event, InboxFilter,
};
use crate::store::audit::{self, Entry};
use crate::store::candidates::{self, Candidate};
use crate::store::{now, AsTx, Conn, StoreError};

/// What the employer sees of the person behind an application.
#[derive(Clone, Debug)]
pub enum Shown {
    /// The candidate card, under the person's consents.
    Card(Candidate),
    /// The application has ended: the pseudonym, and the day the outcome
    /// (the application's status) was reached.
    Ended {
        pseudonym: String,
        outcome_on: Option<NaiveDate>,
    },
}

/// An application with what the employer sees of the person (an ended
/// one's statement, interview and start blanked).
pub type Carded = (Application, Shown);

/// What the employer's page of one application shows.
pub struct Detail {
    pub application: Application,
    pub shown: Shown,
    /// The vacancy's title (never the prison number).
    pub vacancy_title: String,
    /// The timeline; empty once the application has ended.
    pub events: Vec<Event>,
}

/// Whether the application has ended for the employer on `today`, with
/// the day its current status was reached.
fn ended(
    conn: &mut impl AsTx,
    application: &Application,
    today: NaiveDate,
) -> Result<Option<Option<NaiveDate>>, Failure> {
    let dates = candidates::employer_dates(conn, application.id)?;
    let forwarded_on = dates.forwarded_at.map(|at| at.date());
    let (status, start) = (application.status, application.start_date);
    Ok(ended_for_employer(status, forwarded_on, start, today)
        .then(|| dates.status_since.map(|at| at.date())))
}

/// The application with what the employer may see of it on `today`.
fn carded(
    conn: &mut impl AsTx,
    mut application: Application,
    today: NaiveDate,
) -> Result<Carded, Failure> {
    let shown = match ended(conn, &application, today)? {
        None => Shown::Card(candidates::card(
            conn,
            application.profile_id,
            application.share_name,
        )?),
        Some(outcome_on) => {
            application.statement.clear();
            application.share_name = false;
            application.interview_at = None;
            application.start_date = None;
            application.unsuccessful_note = None;
            Shown::Ended {
                pseudonym: candidates::pseudonym(conn, application.profile_id)?,
                outcome_on,
            }
        }
    };
    Ok((application, shown))
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

/// An application forwarded to this employer, with what the employer may
/// see of it on `today`, the vacancy's title and its timeline.
pub fn detail(
    conn: &mut impl AsTx,
    member: &Member,
    id: i64,
    today: NaiveDate,
) -> Result<Detail, Failure> {
    let application = get(conn, member, id)?;
    let (application, shown) = carded(conn, application, today)?;
    let vacancy_title = crate::store::caseload::vacancy_titles(conn, &[application.vacancy_id])?
        .into_iter()
        .next()
        .map(|(_, title, _)| title)
        .unwrap_or_default();
    let events = match shown {
        Shown::Card(_) => app_store::events(conn, id)?,
        Shown::Ended { .. } => Vec::new(),
    };
    Ok(Detail {
        application,
        shown,
        vacancy_title,
        events,
    })
}

/// One of this employer's vacancies with a page of the applications
/// forwarded to it, as seen on `today`.
pub struct VacancyCards {
    pub title: String,
    pub rows: Vec<Carded>,
    /// How many applications the vacancy has in all.
    pub total: i64,
}

/// A page (`limit`, `offset`) of the applications forwarded to one of this
/// employer's vacancies as seen on `today`, with the vacancy's title and
/// the total.
pub fn for_vacancy(
    conn: &mut impl AsTx,
    member: &Member,
    vacancy_id: i64,
    (taxonomy, today): (&crate::domain::skills::Taxonomy, NaiveDate),
    (limit, offset): (i64, i64),
) -> Result<VacancyCards, Failure> {
    let vacancy = super::super::vacancies::get(conn, member, vacancy_id, taxonomy)?;
    let (applications, total) = app_store::for_vacancy_employer(conn, vacancy.id, limit, offset)?;
    let mut rows = Vec::with_capacity(applications.len());
    for application in applications {
        rows.push(carded(conn, application, today)?);
    }
    Ok(VacancyCards {
        title: vacancy.details.title().to_string(),
        rows,
        total,
    })
}

/// A page of the applications forwarded to this employer across its
/// vacancies, newest first, as seen on `today`, with each vacancy's title,
/// and the total.
pub fn inbox(
    conn: &mut impl AsTx,
    member: &Member,
    filter: &InboxFilter,
    (limit, offset): (i64, i64),
    today: NaiveDate,
) -> Result<(Vec<(Carded, String)>, i64), Failure> {
    let (apps, total) =
        app_store::inbox_for_employer(conn, member.employer_id, filter, limit, offset)?;
    let mut rows = Vec::with_capacity(apps.len());
    for (application, title) in apps {
        rows.push((carded(conn, application, today)?, title));
    }
    Ok((rows, total))
}

/// The employer's answer: moves the application, queues the officer's
/// email and records it. Details that do not fit the move are
/// `Failure::Invalid`; a move the employer may not make from where the
/// application is now, or any move once it has ended for the employer, is
/// `Failure::Conflict`.
pub fn answer(
    conn: &mut Conn,
    config: &Config,
    member: &Member,
    id: i64,
    change: &Change,
) -> Result<ApplicationStatus, Failure> {
    let at = now();
    conn.write(|tx| {
        let current = get(tx, member, id)?;
        if ended(tx, &current, at.date())?.is_some() && !current.status.is_final() {
            return Err(Failure::Conflict(format!(
                "the application ended for you {} months after it was forwarded",
                crate::domain::application::EMPLOYER_FULL_VIEW_MONTHS
            )));
        }
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
