//! Employer accounts: sign-up requests (a pending employer and its first,
//! not yet usable, member), the administrator's decision, and invitations
//! for colleagues (one-time, expiring links stored as SHA-256 digests).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::people::{self, EmployerStatus, Membership, NewEmployer, NewUser};
use super::schema::{employers, invitations, users};
use super::{AsTx, StoreError, StoreResult};
use crate::access::token;
use crate::with_conn;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// Stores an employer as pending, whatever `new` says (the pledge accepted
/// now), and its first member, the contact, who cannot sign in until the
/// employer is approved. Call inside a transaction. Returns (employer id,
/// user id).
pub fn request(
    conn: &mut impl AsTx,
    new: NewEmployer,
    password_hash: &str,
) -> StoreResult<(i64, i64)> {
    let new = NewEmployer {
        status: EmployerStatus::Pending,
        decided_by: None,
        ..new
    };
    let employer_id = people::create_employer(conn, &new)?;
    let user_id = people::create_user(
        conn,
        &NewUser {
            email: new.contact_email,
            display_name: new.contact_name,
            password_hash,
            membership: Membership::Employer(employer_id),
        },
    )?;
    Ok((employer_id, user_id))
}

/// Employers waiting for a decision, oldest first.
pub fn pending(conn: &mut impl AsTx) -> StoreResult<Vec<people::Employer>> {
    Ok(with_conn!(conn, |c| employers::table
        .filter(employers::status.eq(EmployerStatus::Pending.as_str()))
        .order((employers::created_at, employers::id))
        .select(people::Employer::as_select())
        .load(c)?))
}

/// Approves or declines a pending employer, recording who decided and when
/// (and the reason for a decline). Anything but a pending employer is a
/// conflict; an unknown id is NotFound.
pub fn decide(
    conn: &mut impl AsTx,
    employer_id: i64,
    approve: bool,
    reason: Option<&str>,
    decided_by: i64,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let status: Option<String> = with_conn!(conn, |c| employers::table
        .find(employer_id)
        .select(employers::status)
        .first(c)
        .optional()?);
    match status.as_deref() {
        None => return Err(StoreError::NotFound),
        Some("pending") => {}
        Some(other) => {
            return Err(StoreError::Conflict(format!(
                "This employer was already decided ({other})"
            )))
        }
    }
    let to = if approve {
        EmployerStatus::Approved
    } else {
        EmployerStatus::Declined
    };
    let reason = if approve { None } else { reason };
    with_conn!(conn, |c| diesel::update(
        employers::table
            .find(employer_id)
            .filter(employers::status.eq("pending"))
    )
    .set((
        employers::status.eq(to.as_str()),
        employers::decided_by.eq(Some(decided_by)),
        employers::decided_at.eq(Some(at)),
        employers::decline_reason.eq(reason),
        employers::updated_at.eq(at),
    ))
    .execute(c)?);
    Ok(())
}

/// A member's name and email, for the team page.
pub fn members(conn: &mut impl AsTx, employer_id: i64) -> StoreResult<Vec<(String, String)>> {
    Ok(with_conn!(conn, |c| users::table
        .filter(users::employer_id.eq(employer_id))
        .filter(users::disabled_at.is_null())
        .order(users::display_name)
        .select((users::display_name, users::email))
        .load(c)?))
}

/// Invitations of this employer not yet used: email and expiry.
pub fn open_invitations(
    conn: &mut impl AsTx,
    employer_id: i64,
    at: NaiveDateTime,
) -> StoreResult<Vec<(String, NaiveDateTime)>> {
    Ok(with_conn!(conn, |c| invitations::table
        .filter(invitations::employer_id.eq(employer_id))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(at))
        .order(invitations::created_at)
        .select((invitations::email, invitations::expires_at))
        .load(c)?))
}

/// Stores an invitation and returns its id and the secret for the link
/// (shown once; only its digest is kept).
pub fn invite(
    conn: &mut impl AsTx,
    employer_id: i64,
    email: &str,
    invited_by: i64,
    at: NaiveDateTime,
) -> StoreResult<(i64, String)> {
    let secret = token::new_secret();
    let id = with_conn!(conn, |c| diesel::insert_into(invitations::table)
        .values((
            invitations::employer_id.eq(employer_id),
            invitations::email.eq(email.trim().to_lowercase()),
            invitations::token_hash.eq(token::digest(&secret)),
            invitations::invited_by.eq(Some(invited_by)),
            invitations::expires_at.eq(at + Duration::days(INVITATION_DAYS)),
            invitations::created_at.eq(at),
        ))
        .returning(invitations::id)
        .get_result::<i64>(c)?);
    Ok((id, secret))
}

/// A usable invitation: not accepted, not expired, of an approved employer.
#[derive(Clone, Debug)]
pub struct Invitation {
    pub id: i64,
    pub employer_id: i64,
    pub employer_name: String,
    pub email: String,
}

pub fn find_invitation(
    conn: &mut impl AsTx,
    secret: &str,
    at: NaiveDateTime,
) -> StoreResult<Option<Invitation>> {
    let digest = token::digest(secret.trim());
    let row: Option<(i64, i64, String, String)> = with_conn!(conn, |c| invitations::table
        .inner_join(employers::table)
        .filter(invitations::token_hash.eq(&digest))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(at))
        .filter(employers::status.eq("approved"))
        .select((
            invitations::id,
            invitations::employer_id,
            employers::name,
            invitations::email,
        ))
        .first(c)
        .optional()?);
    Ok(
        row.map(|(id, employer_id, employer_name, email)| Invitation {
            id,
            employer_id,
            employer_name,
            email,
        }),
    )
}

/// Uses an invitation: creates the member and marks the link used, once.
/// Call inside a transaction; a link used meanwhile is a conflict.
pub fn accept(
    conn: &mut impl AsTx,
    invitation: &Invitation,
    display_name: &str,
    password_hash: &str,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    let used = with_conn!(conn, |c| diesel::update(
        invitations::table
            .find(invitation.id)
            .filter(invitations::accepted_at.is_null())
    )
    .set(invitations::accepted_at.eq(Some(at)))
    .execute(c)?);
    if used != 1 {
        return Err(StoreError::Conflict(
            "This invitation has already been used".into(),
        ));
    }
    people::create_user(
        conn,
        &NewUser {
            email: &invitation.email,
            display_name,
            password_hash,
            membership: Membership::Employer(invitation.employer_id),
        },
    )
}
