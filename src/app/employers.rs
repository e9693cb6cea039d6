//! Use cases on employer accounts: the public request to join (rate limited
//! per network address), the administrator's decision, invitations for a
//! member's colleagues and accepting one, and the API tokens of
//! applicant-tracking systems. Each write runs in one transaction with its
//! audit row and the email it queues.

use chrono::Duration;

use super::Failure;
use crate::config::Config;
use crate::domain::FieldErrors;
use crate::notify::NotifyError;
use crate::store::audit::{self, Entry};
use crate::store::employer_accounts::{self as accounts, Invitation};
use crate::store::notifications::Recipient;
use crate::store::people::{EmployerStatus, NewEmployer};
use crate::store::{limits, now, Conn, InTx, StoreError};

/// An employer's member acting: the organisation every change is scoped by,
/// the person, and who the audit log names.
#[derive(Clone, Debug)]
pub struct Member {
    pub employer_id: i64,
    pub user_id: i64,
    pub audit: audit::Actor,
}

fn notify_failure(e: NotifyError) -> Failure {
    match e {
        NotifyError::Store(s) => s.into(),
        other => StoreError::Task(other.to_string()).into(),
    }
}

fn record(
    tx: &mut InTx<'_>,
    actor: &audit::Actor,
    entry: Entry,
    at: chrono::NaiveDateTime,
) -> Result<(), Failure> {
    Ok(audit::record(tx, actor, entry, at)?)
}

// ------------------------------------------------------------ joining

/// A request to join, as the sign-up form gives it (trimmed; the optional
/// fields are None when blank).
#[derive(Clone, Debug)]
pub struct JoinRequest {
    pub organisation: String,
    pub sector: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: Option<String>,
    pub address: String,
    pub website: Option<String>,
}

/// Charges one request to join against the limit for this network address
/// (each costs a password hash and may send an email); over the limit is
/// `Failure::TooMany`, recorded as refused.
pub fn charge_join(conn: &mut Conn, ip: &str, actor: &audit::Actor) -> Result<(), Failure> {
    let at = now();
    let limit = &limits::JOIN_ADDRESS;
    let key = limit.key(ip);
    let charge = limits::charge(conn, limit, &key, at)?;
    let Some(retry_after) = limit.blocked_for(&charge, at) else {
        return Ok(());
    };
    limits::refuse(conn, limit, &key, &charge, actor, at)?;
    let minutes = (retry_after + 59) / 60;
    Err(Failure::TooMany {
        retry_after,
        message: format!(
            "Too many requests to join came from your network. Wait {minutes} minutes and try again."
        ),
    })
}

/// Stores a pending employer and its first member. An organisation name
/// already used is `Failure::Invalid` on `organisation`. An address that
/// already has an account answers as a new one does (so no one learns
/// which addresses have accounts) and its owner is emailed instead.
pub fn request_to_join(
    conn: &mut Conn,
    config: &Config,
    actor: &audit::Actor,
    request: &JoinRequest,
    password_hash: &str,
) -> Result<(), Failure> {
    let at = now();
    let stored = conn.write(|tx| {
        let employer = NewEmployer {
            name: &request.organisation,
            sector_slug: &request.sector,
            contact_name: &request.contact_name,
            contact_email: &request.contact_email,
            contact_phone: request.contact_phone.as_deref(),
            address: &request.address,
            website: request.website.as_deref(),
            status: EmployerStatus::Pending,
            decided_by: None,
        };
        let (employer_id, _) = accounts::request(tx, employer, password_hash)?;
        let entry = Entry::about("employer.requested", "employer", Some(employer_id))
            .with_detail(Some(request.organisation.clone()));
        audit::record(tx, actor, entry, at)?;
        Ok::<_, StoreError>(())
    });
    match stored {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict(message)) if message.contains("employer") => {
            Err(Failure::Invalid(FieldErrors::single(
                "organisation",
                "An organisation with this name has already asked to join. Contact us if this is yours",
            )))
        }
        Err(StoreError::Conflict(_)) => tell_owner(conn, config, actor, &request.contact_email),
        Err(e) => Err(e.into()),
    }
}

/// Emails the owner of an address that asked to join again.
fn tell_owner(
    conn: &mut Conn,
    config: &Config,
    actor: &audit::Actor,
    email: &str,
) -> Result<(), Failure> {
    let at = now();
    let Some(owner) = crate::store::people::find_user_by_email(conn, email)? else {
        return Ok(());
    };
    conn.write(|tx| {
        let recipient = Recipient {
            name: owner.display_name.clone(),
            email: owner.email.clone(),
        };
        crate::notify::employer::account_exists(tx, config, &recipient, owner.id, at)
            .map_err(notify_failure)?;
        let entry = Entry {
            action: "employer.join_existing_address",
            subject_kind: Some("user"),
            subject_id: Some(owner.id),
            detail: None,
        };
        record(tx, actor, entry, at)
    })
}

/// Whether this employer waits for a decision.
pub fn is_pending(conn: &mut Conn, id: i64) -> Result<bool, Failure> {
    Ok(accounts::pending(conn)?.iter().any(|e| e.id == id))
}

/// The administrator approves (`reason` None) or declines a pending
/// employer; its contact is emailed the decision.
pub fn decide(
    conn: &mut Conn,
    config: &Config,
    admin_id: i64,
    actor: &audit::Actor,
    id: i64,
    reason: Option<String>,
) -> Result<(), Failure> {
    let approve = reason.is_none();
    let at = now();
    conn.write(|tx| {
        accounts::decide(tx, id, approve, reason.as_deref(), admin_id, at)?;
        if approve {
            crate::notify::employer::account_approved(tx, config, id, None)
        } else {
            crate::notify::employer::account_declined(tx, config, id)
        }
        .map_err(notify_failure)?;
        let entry = Entry {
            action: if approve {
                "employer.approved"
            } else {
                "employer.declined"
            },
            subject_kind: Some("employer"),
            subject_id: Some(id),
            detail: reason.clone(),
        };
        record(tx, actor, entry, at)
    })
}

// ------------------------------------------------------------ invitations

/// Invites a colleague to join the member's employer by email. An address
/// that already has an account is `Failure::Invalid` on `email`.
pub fn invite(
    conn: &mut Conn,
    config: &Config,
    member: &Member,
    inviter: &str,
    email: &str,
) -> Result<(), Failure> {
    if crate::store::people::find_user_by_email(conn, email)?.is_some() {
        return Err(Failure::Invalid(FieldErrors::single(
            "email",
            "This person already has an account",
        )));
    }
    let at = now();
    conn.write(|tx| {
        let (id, secret) = accounts::invite(tx, member.employer_id, email, member.user_id, at)?;
        let employer_name = crate::store::seekers::employer_name(tx, member.employer_id)?;
        crate::notify::employer::invitation(
            tx,
            config,
            id,
            email,
            &employer_name,
            inviter,
            &format!("/invitations/accept?token={secret}"),
        )
        .map_err(notify_failure)?;
        let entry = Entry {
            action: "employer.invited",
            subject_kind: Some("invitation"),
            subject_id: Some(id),
            detail: Some(email.to_string()),
        };
        record(tx, &member.audit, entry, at)
    })
}

/// Creates the invited colleague's account and uses the link up; returns
/// the new user's id. A link used meanwhile is `Failure::Conflict`.
pub fn join(
    conn: &mut Conn,
    actor: &audit::Actor,
    invitation: &Invitation,
    name: &str,
    password_hash: &str,
) -> Result<i64, Failure> {
    let at = now();
    conn.write(|tx| {
        let user_id = accounts::accept(tx, invitation, name, password_hash, at)?;
        let entry = Entry {
            action: "employer.invitation_accepted",
            subject_kind: Some("user"),
            subject_id: Some(user_id),
            detail: Some(format!("invitation {}", invitation.id)),
        };
        record(tx, actor, entry, at)?;
        Ok(user_id)
    })
}

// ------------------------------------------------------------ API tokens

/// Creates an API token for the member's employer that works for `days`
/// days; returns the secret, shown once.
pub fn create_token(
    conn: &mut Conn,
    member: &Member,
    name: &str,
    days: i64,
) -> Result<String, Failure> {
    let at = now();
    conn.write(|tx| {
        let expires_at = at + Duration::days(days);
        let (id, secret) = crate::store::access::create_api_token(
            tx,
            member.employer_id,
            member.user_id,
            name,
            expires_at,
            at,
        )?;
        let entry = Entry {
            action: "api_token.created",
            subject_kind: Some("api_token"),
            subject_id: Some(id),
            detail: Some(format!("{name}; expires in {days} days")),
        };
        record(tx, &member.audit, entry, at)?;
        Ok(secret)
    })
}

/// Revokes one of the employer's live tokens; another's is not found.
pub fn revoke_token(conn: &mut Conn, member: &Member, id: i64) -> Result<(), Failure> {
    let at = now();
    conn.write(|tx| {
        crate::store::access::revoke_api_token(tx, member.employer_id, id, at)?;
        let entry = Entry {
            action: "api_token.revoked",
            subject_kind: Some("api_token"),
            subject_id: Some(id),
            detail: None,
        };
        record(tx, &member.audit, entry, at)
    })
}
