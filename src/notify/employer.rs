//! Emails to an employer's contact. Call each inside the transaction that
//! causes it.

use chrono::NaiveDateTime;

use super::templates::{
    long_date, AccountExists, ApplicationForwarded, EmployerApproved, EmployerDeclined,
    EmployerInvitation, VacancyClosingSoon,
};
use super::{enqueue, enqueue_sealed, link, paths, recipient_email, NotifyResult};
use crate::config::Config;
use crate::store::notifications::{self, ClosingVacancy, Recipient};
use crate::store::people::EmployerStatus;
use crate::store::{self, AsTx};

/// The employer's account was approved (call after storing the decision).
/// `invitation_path` is where the contact sets up their sign-in, such as an
/// invitation link; without it the email points to the sign-in page.
/// Queues nothing when the employer is not approved.
pub fn account_approved(
    tx: &mut impl AsTx,
    config: &Config,
    employer_id: i64,
    invitation_path: Option<&str>,
) -> NotifyResult<Option<i64>> {
    let decision = notifications::employer_decision(tx, employer_id)?;
    if decision.status != EmployerStatus::Approved {
        return Ok(None);
    }
    let parts = EmployerApproved {
        contact_name: decision.contact.name.clone(),
        employer_name: decision.employer_name.clone(),
        link: link(config, invitation_path.unwrap_or(paths::EMPLOYER_SIGN_IN)),
    }
    .compose()?;
    let email = recipient_email(
        &decision.contact,
        decision_key(employer_id, "approved", decision.decided_at),
        parts,
    );
    match invitation_path {
        // A one-time link: sealed while it waits in the queue.
        Some(_) => enqueue_sealed(tx, &config.secret_key, &email, store::now()),
        None => enqueue(tx, &email, store::now()),
    }
}

/// The employer's account was declined (call after storing the decision
/// and its reason). Queues nothing when the employer is not declined.
pub fn account_declined(
    tx: &mut impl AsTx,
    config: &Config,
    employer_id: i64,
) -> NotifyResult<Option<i64>> {
    let decision = notifications::employer_decision(tx, employer_id)?;
    if decision.status != EmployerStatus::Declined {
        return Ok(None);
    }
    let parts = EmployerDeclined {
        contact_name: decision.contact.name.clone(),
        employer_name: decision.employer_name.clone(),
        reason: decision.decline_reason.clone().unwrap_or_default(),
        link: link(config, "/"),
    }
    .compose()?;
    enqueue(
        tx,
        &recipient_email(
            &decision.contact,
            decision_key(employer_id, "declined", decision.decided_at),
            parts,
        ),
        store::now(),
    )
}

/// One key per decision: a later decision (declined, then approved on a new
/// request) has a new time and so its own email.
fn decision_key(employer_id: i64, status: &str, decided_at: Option<NaiveDateTime>) -> String {
    let when = decided_at.map_or(0, |t| t.and_utc().timestamp_micros());
    format!("employer-decision:{employer_id}:{status}:{when}")
}

/// A case officer forwarded an application to the employer (call after
/// storing the transition). The employer sees the candidate's pseudonym.
pub fn application_forwarded(
    tx: &mut impl AsTx,
    config: &Config,
    application_id: i64,
) -> NotifyResult<Option<i64>> {
    let parties = notifications::application_parties(tx, application_id)?;
    let parts = ApplicationForwarded {
        contact_name: parties.employer_contact.name.clone(),
        employer_name: parties.employer_name.clone(),
        candidate: parties.pseudonym.clone(),
        vacancy_title: parties.vacancy_title.clone(),
        link: link(config, &paths::employer_application(application_id)),
    }
    .compose()?;
    let key = format!("application-forwarded:{application_id}");
    enqueue(
        tx,
        &recipient_email(&parties.employer_contact, key, parts),
        store::now(),
    )
}

/// A published vacancy closes within 3 days with no applications: sent
/// once per vacancy.
pub fn vacancy_closing_soon(
    tx: &mut impl AsTx,
    config: &Config,
    vacancy: &ClosingVacancy,
    at: NaiveDateTime,
) -> NotifyResult<Option<i64>> {
    let parts = VacancyClosingSoon {
        contact_name: vacancy.contact.name.clone(),
        employer_name: vacancy.employer_name.clone(),
        vacancy_title: vacancy.title.clone(),
        closing_date: long_date(vacancy.closing_date),
        link: link(config, &paths::employer_vacancy(vacancy.vacancy_id)),
    }
    .compose()?;
    let key = format!("vacancy-closing:{}", vacancy.vacancy_id);
    enqueue(tx, &recipient_email(&vacancy.contact, key, parts), at)
}

/// A member invited a colleague to their employer's account (call after
/// storing the invitation). `invitation_id` makes the key: one email per
/// invitation.
pub fn invitation(
    tx: &mut impl AsTx,
    config: &Config,
    invitation_id: i64,
    to_email: &str,
    employer_name: &str,
    inviter_name: &str,
    path: &str,
) -> NotifyResult<Option<i64>> {
    let parts = EmployerInvitation {
        employer_name: employer_name.to_string(),
        inviter_name: inviter_name.to_string(),
        link: link(config, path),
    }
    .compose()?;
    let to = crate::store::notifications::Recipient {
        name: String::new(),
        email: to_email.to_string(),
    };
    let key = format!("employer-invitation:{invitation_id}");
    // The link redeems the invitation: sealed while it waits in the queue.
    enqueue_sealed(
        tx,
        &config.secret_key,
        &recipient_email(&to, key, parts),
        store::now(),
    )
}

/// Someone asked to join with an address that already has an account: its
/// owner is told (at most once a day, so the form cannot be used to flood
/// an inbox), and the sign-up page answers as for a new address.
pub fn account_exists(
    tx: &mut impl AsTx,
    config: &Config,
    owner: &Recipient,
    user_id: i64,
    at: NaiveDateTime,
) -> NotifyResult<Option<i64>> {
    let parts = AccountExists {
        name: owner.name.clone(),
        link: link(config, paths::EMPLOYER_SIGN_IN),
    }
    .compose()?;
    let key = format!("account-exists:{user_id}:{}", at.date());
    enqueue(tx, &recipient_email(owner, key, parts), at)
}
