//! Use cases: staff accounts. Sign-in (the page and the JSON API call the
//! same function), sign-out, passwords, email settings, and the
//! administrator's management of users.

use chrono::NaiveDateTime;

use crate::access::actor::{self as auth, StaffActor};
use crate::access::{token, StaffRole};
use crate::app::AppState;
use crate::app::Failure;
use crate::store::access as access_store;
use crate::store::audit::{self, Entry};
use crate::store::people::EmployerStatus;
use crate::store::{limits, now, AsTx, StoreError, StoreResult};

/// A verifier that always fails, so an unknown email costs as much time as a
/// wrong password and does not reveal which accounts exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3W3eQ0pIWnmCw1cB7aTVs6Bd/2AHNrG2Ou6jK63QK3E";

pub enum SignInOutcome {
    SignedIn {
        token: String,
        csrf: String,
        actor: StaffActor,
    },
    Invalid,
    /// An employer's user whose organisation is not approved: still
    /// waiting for approval (`pending`) or suspended.
    Suspended {
        pending: bool,
    },
    /// Over a sign-in limit: wait this many seconds.
    Blocked {
        retry_after: i64,
    },
}

/// The attempt as charged against the account's and the address's limits.
struct Charged {
    account: access_store::Charge,
    address: access_store::Charge,
}

impl Charged {
    fn blocked_for(&self, at: chrono::NaiveDateTime) -> Option<i64> {
        [
            limits::SIGN_IN_ACCOUNT.blocked_for(&self.account, at),
            limits::SIGN_IN_ADDRESS.blocked_for(&self.address, at),
        ]
        .into_iter()
        .flatten()
        .max()
    }
}

/// Who a failed sign-in names in the audit log: the account when the email
/// belongs to one, otherwise a fixed label and a keyed digest of what was
/// typed (which may be a password typed in the wrong box), never the text.
fn sign_in_actor(
    secret_key: &[u8],
    email: &str,
    account: Option<&access_store::StaffAccount>,
    ip: &str,
) -> audit::Actor {
    audit::Actor {
        kind: "anonymous",
        user_id: account.map(|a| a.id),
        label: match account {
            Some(a) => a.email.clone(),
            None => format!(
                "unknown account {}",
                token::keyed_digest(secret_key, "sign-in typed", email)
            ),
        },
        ip: Some(ip.to_string()),
        ..Default::default()
    }
}

/// Charges the attempt against the account's and the address's limits
/// (one atomic statement each, so parallel guesses are held to the limit
/// exactly). Over a limit, the attempt is refused unchecked: not counted as
/// a failure (the block still holds), and logged once per window.
fn charge_sign_in(conn: &mut impl AsTx, keys: &Keys, at: NaiveDateTime) -> StoreResult<Charged> {
    let charged = Charged {
        account: limits::charge(conn, &limits::SIGN_IN_ACCOUNT, &keys.account, at)?,
        address: limits::charge(conn, &limits::SIGN_IN_ADDRESS, &keys.address, at)?,
    };
    if charged.blocked_for(at).is_some() {
        let over = [
            (&limits::SIGN_IN_ACCOUNT, &keys.account, &charged.account),
            (&limits::SIGN_IN_ADDRESS, &keys.address, &charged.address),
        ];
        for (limit, key, charge) in over {
            if limit.blocked_for(charge, at).is_some() {
                limits::refuse(conn, limit, key, charge, &keys.actor, at)?;
            } else {
                access_store::refund_attempt(conn, key, charge.window_start)?;
            }
        }
    }
    Ok(charged)
}

/// The keys an attempt is charged to, and who it names in the audit log.
struct Keys {
    account: String,
    address: String,
    actor: audit::Actor,
}

/// What the staff member may reach, from their account.
fn scope_of(account: &access_store::StaffAccount) -> StoreResult<(StaffRole, auth::Scope)> {
    let role = StaffRole::parse(&account.role)
        .ok_or_else(|| StoreError::Corrupt(format!("role {}", account.role)))?;
    let scope = match (role, account.service_id, account.employer_id) {
        (StaffRole::Admin, _, _) => auth::Scope::Admin,
        (StaffRole::Officer, Some(s), _) => auth::Scope::Service(s),
        (StaffRole::Employer, _, Some(e)) => auth::Scope::Employer(e),
        _ => {
            return Err(StoreError::Corrupt(format!(
                "user {} has no organisation",
                account.id
            )))
        }
    };
    Ok((role, scope))
}

fn record_sign_in(
    conn: &mut impl AsTx,
    actor: &audit::Actor,
    action: &'static str,
    user_id: Option<i64>,
    at: NaiveDateTime,
) -> StoreResult<()> {
    audit::record(conn, actor, Entry::about(action, "user", user_id), at)
}

/// The attempt whose password was checked.
struct Checked {
    keys: Keys,
    charged: Charged,
    account: Option<access_store::StaffAccount>,
    verified: bool,
    ip: String,
    user_agent: Option<String>,
    at: NaiveDateTime,
}

/// Records a checked attempt and, for a right password on a usable account,
/// opens the session.
fn settle_sign_in(conn: &mut impl AsTx, checked: Checked) -> StoreResult<SignInOutcome> {
    let (keys, account, at) = (&checked.keys, &checked.account, checked.at);
    let actor = keys.actor.clone();
    let usable = account
        .as_ref()
        .filter(|a| checked.verified && a.disabled_at.is_none());
    let Some(account) = usable else {
        let user_id = account.as_ref().map(|a| a.id);
        record_sign_in(conn, &actor, "sign_in.failure", user_id, at)?;
        return Ok(SignInOutcome::Invalid);
    };
    let (role, scope) = scope_of(account)?;
    if role == StaffRole::Employer && account.employer_status.as_deref() != Some("approved") {
        let actor = audit::Actor {
            user_id: Some(account.id),
            ..actor
        };
        record_sign_in(
            conn,
            &actor,
            "sign_in.refused_suspended",
            Some(account.id),
            at,
        )?;
        return Ok(SignInOutcome::Suspended {
            pending: account.employer_status.as_deref() == Some("pending"),
        });
    }
    let session_token = token::new_secret();
    let csrf = access_store::create_session(
        conn,
        &access_store::NewSession {
            token: &session_token,
            user_id: Some(account.id),
            seeker_id: None,
            terminal_id: None,
            expires_at: at + auth::STAFF_LIFETIME,
            ip: Some(&checked.ip),
            user_agent: checked.user_agent.as_deref(),
        },
        at,
    )?;
    // A right password is not a failure: the account starts again and the
    // address gets its attempt back.
    access_store::clear_attempts(conn, &keys.account)?;
    access_store::refund_attempt(conn, &keys.address, checked.charged.address.window_start)?;
    let actor = audit::Actor {
        kind: role.as_str(),
        user_id: Some(account.id),
        ..actor
    };
    record_sign_in(conn, &actor, "sign_in.success", Some(account.id), at)?;
    Ok(SignInOutcome::SignedIn {
        token: session_token,
        csrf,
        actor: StaffActor {
            user_id: account.id,
            email: account.email.clone(),
            name: account.display_name.clone(),
            role,
            scope,
            session_id: None,
        },
    })
}

/// Staff sign-in, for the sign-in page and `POST /api/v1/session` alike:
/// checks the limits, the password and the account, records the attempt and
/// the audit entry, and opens a session. The attempt is counted before the
/// password is checked; argon2 runs on the hashing pool with no database
/// connection held. Every hashing slot busy is `Failure::TooMany` (nothing
/// checked or counted).
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password_text: String,
    ip: &str,
    user_agent: Option<String>,
) -> Result<SignInOutcome, Failure> {
    let at = now();
    let email = email.trim().to_lowercase();
    let secret = state.config.secret_key.clone();
    let (ip, account_key) = (ip.to_string(), access_store::account_key(&secret, &email));
    let address_key = limits::SIGN_IN_ADDRESS.key(&ip);
    let (keys, charged, account) = state
        .store
        .run({
            let ip = ip.clone();
            move |conn| {
                let account = access_store::staff_by_email(conn, &email)?;
                let keys = Keys {
                    account: account_key,
                    address: address_key,
                    actor: sign_in_actor(&secret, &email, account.as_ref(), &ip),
                };
                let charged = charge_sign_in(conn, &keys, at)?;
                Ok((keys, charged, account))
            }
        })
        .await?;
    if let Some(retry_after) = charged.blocked_for(at) {
        return Ok(SignInOutcome::Blocked { retry_after });
    }
    let stored = account
        .as_ref()
        .map_or(DUMMY_HASH, |a| a.password_hash.as_str())
        .to_string();
    let window = (charged.account.window_start, charged.address.window_start);
    let refund = (keys.account.clone(), keys.address.clone());
    let verified = super::verify_or_refund(state, password_text, stored, move |conn| {
        access_store::refund_attempt(conn, &refund.0, window.0)?;
        access_store::refund_attempt(conn, &refund.1, window.1)
    })
    .await?;
    let checked = Checked {
        keys,
        charged,
        account,
        verified,
        ip,
        user_agent,
        at,
    };
    Ok(state
        .store
        .run(move |conn| settle_sign_in(conn, checked))
        .await?)
}

fn record_on_user(
    conn: &mut impl AsTx,
    actor: &audit::Actor,
    action: &'static str,
    user_id: Option<i64>,
    detail: Option<String>,
) -> StoreResult<()> {
    let entry = Entry {
        subject_kind: user_id.map(|_| "user"),
        ..Entry::about(action, "user", user_id)
    };
    audit::record(conn, actor, entry.with_detail(detail), now())
}

/// Ends this session (the sign-out button and `DELETE /api/v1/session`).
pub async fn sign_out(
    state: &AppState,
    actor: audit::Actor,
    session_id: Option<i64>,
) -> Result<(), Failure> {
    state
        .store
        .run(move |conn| {
            if let Some(id) = session_id {
                access_store::revoke_session(conn, id, now())?;
            }
            record_on_user(conn, &actor, "sign_out", None, None)
        })
        .await?;
    Ok(())
}

/// Ends every session of this person, and their API tokens: a token is a
/// sign-in too.
pub async fn sign_out_everywhere(
    state: &AppState,
    actor: audit::Actor,
    user_id: i64,
) -> Result<(), Failure> {
    crate::app::write(&state.store, move |tx| {
        let at = now();
        let n = access_store::revoke_user_sessions(tx, user_id, None, at)?;
        let tokens = access_store::revoke_user_api_tokens(tx, user_id, at)?;
        let detail = Some(format!("{n} sessions, {tokens} API tokens"));
        record_on_user(tx, &actor, "sign_out.everywhere", Some(user_id), detail)?;
        Ok(())
    })
    .await
}

/// What the account page shows: live sessions and the digest setting.
pub async fn summary(
    state: &AppState,
    user_id: i64,
    email: String,
) -> Result<(i64, String), Failure> {
    Ok(state
        .store
        .run(move |conn| {
            let sessions = access_store::count_live_sessions(conn, user_id, now())?;
            let digest = crate::store::people::find_user_by_email(conn, &email)?
                .map(|u| u.digest_interval)
                .unwrap_or_default();
            Ok((sessions, digest))
        })
        .await?)
}

/// How often an officer is emailed about new matches.
pub async fn set_digest(
    state: &AppState,
    actor: audit::Actor,
    user_id: i64,
    interval: crate::store::notifications::DigestInterval,
) -> Result<(), Failure> {
    state
        .store
        .run(move |conn| {
            crate::store::notifications::set_digest_interval(conn, user_id, interval, now())?;
            let detail = Some(interval.as_str().into());
            record_on_user(conn, &actor, "user.digest_interval", Some(user_id), detail)
        })
        .await?;
    Ok(())
}

/// Live API tokens this person made.
pub async fn live_tokens(state: &AppState, user_id: i64) -> Result<i64, Failure> {
    Ok(state
        .store
        .run(move |conn| access_store::count_user_api_tokens(conn, user_id, now()))
        .await?)
}

/// A password change as typed.
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub confirm: String,
    /// Revoke the API tokens this person made as well.
    pub revoke_tokens: bool,
}

/// Checks the current password and the new one; the field errors say what
/// is wrong. Argon2 runs on the hashing pool with no connection held.
async fn check_password_change(
    state: &AppState,
    user_id: i64,
    email: &str,
    change: &PasswordChange,
) -> Result<crate::domain::FieldErrors, Failure> {
    let stored = state
        .store
        .run(move |conn| {
            let account = access_store::staff_by_id(conn, user_id)?.ok_or(StoreError::NotFound)?;
            Ok(account.password_hash)
        })
        .await?;
    let mut errors = crate::domain::FieldErrors::new();
    if change.current.is_empty() {
        errors.add("current_password", "Enter your current password");
    } else if !state.hashing.verify(change.current.clone(), stored).await? {
        errors.add("current_password", "Your current password is not correct");
    }
    if let Err(message) = crate::access::password::check_strength(&change.new, email) {
        errors.add("new_password", message);
    } else if change.new == change.current {
        errors.add(
            "new_password",
            "Choose a password you have not used here before",
        );
    }
    if change.confirm != change.new {
        errors.add("confirm_password", "Enter the same new password twice");
    }
    Ok(errors)
}

/// Changes the signed-in person's password: other devices must sign in
/// again, and API tokens end only when the person said so (an integration
/// that is not compromised should not stop without warning).
pub async fn change_password(
    state: &AppState,
    actor: audit::Actor,
    staff: &StaffActor,
    change: PasswordChange,
) -> Result<(), Failure> {
    let (user_id, session_id) = (staff.user_id, staff.session_id);
    let errors = check_password_change(state, user_id, &staff.email, &change).await?;
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors));
    }
    let revoke_tokens = change.revoke_tokens;
    let hash = state.hashing.hash(change.new).await?;
    crate::app::write(&state.store, move |tx| {
        let at = now();
        access_store::set_password(tx, user_id, &hash, at)?;
        let revoked = access_store::revoke_user_sessions(tx, user_id, session_id, at)?;
        let tokens = if revoke_tokens {
            access_store::revoke_user_api_tokens(tx, user_id, at)?
        } else {
            0
        };
        let detail = Some(format!(
            "{revoked} other sessions ended, {tokens} API tokens revoked"
        ));
        record_on_user(tx, &actor, "password.changed", Some(user_id), detail).map_err(Failure::from)
    })
    .await
}

/// A new staff account as the administrator typed it (checked).
pub struct NewAccount {
    pub name: String,
    pub email: String,
    pub membership: crate::store::people::Membership,
}

/// Whether the organisation exists (and an employer is approved).
fn organisation_known(
    conn: &mut impl AsTx,
    membership: crate::store::people::Membership,
) -> StoreResult<bool> {
    use crate::store::people::{self, Membership};
    Ok(match membership {
        Membership::Admin => true,
        Membership::Service(id) => people::list_services(conn)?.iter().any(|s| s.id == id),
        Membership::Employer(id) => people::list_employers(conn)?
            .iter()
            .any(|e| e.id == id && e.status == EmployerStatus::Approved),
    })
}

/// Adds a staff account with a temporary password (hashed here). An unknown
/// organisation or a taken email address is `Failure::Invalid` on its field.
pub async fn create_user(
    state: &AppState,
    actor: audit::Actor,
    new: NewAccount,
    temporary: String,
) -> Result<(), Failure> {
    let hash = state.hashing.hash(temporary).await?;
    crate::app::run(&state.store, move |conn| {
        if !organisation_known(conn, new.membership)? {
            return Err(Failure::Invalid(crate::domain::FieldErrors::single(
                "organisation",
                "Choose the role and organisation",
            )));
        }
        let created = conn.write(|tx| {
            let id = crate::store::people::create_user(
                tx,
                &crate::store::people::NewUser {
                    email: &new.email,
                    display_name: &new.name,
                    password_hash: &hash,
                    membership: new.membership,
                },
            )?;
            let detail = Some(new.membership.role().as_str().to_string());
            record_on_user(tx, &actor, "user.created", Some(id), detail)?;
            Ok::<i64, StoreError>(id)
        });
        match created {
            Ok(_) => Ok(()),
            Err(StoreError::Conflict(_)) => {
                Err(Failure::Invalid(crate::domain::FieldErrors::single(
                    "email",
                    "An account with this email address already exists",
                )))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// Changes a staff account in one transaction with `work`, after reading
/// it; returns their email address.
async fn change_account<F>(state: &AppState, user_id: i64, work: F) -> Result<String, Failure>
where
    F: FnOnce(&mut crate::store::InTx<'_>, &access_store::StaffAccount) -> StoreResult<()>
        + Send
        + 'static,
{
    crate::app::run(&state.store, move |conn| {
        let account = access_store::staff_by_id(conn, user_id)?.ok_or(StoreError::NotFound)?;
        conn.write(|tx| work(tx, &account).map_err(Failure::from))?;
        Ok(account.email)
    })
    .await
}

/// Gives a staff account a new temporary password, signs them out
/// everywhere and lifts any sign-in block; returns their email address.
pub async fn reset_password(
    state: &AppState,
    actor: audit::Actor,
    user_id: i64,
    temporary: String,
) -> Result<String, Failure> {
    let hash = state.hashing.hash(temporary).await?;
    let secret = state.config.secret_key.clone();
    change_account(state, user_id, move |tx, account| {
        let at = now();
        access_store::set_password(tx, user_id, &hash, at)?;
        access_store::revoke_user_sessions(tx, user_id, None, at)?;
        access_store::clear_attempts(tx, &access_store::account_key(&secret, &account.email))?;
        record_on_user(tx, &actor, "password.reset", Some(user_id), None)
    })
    .await
}

/// Disables a staff account (ending their sessions and API tokens, which
/// re-enabling must not bring back) or enables it; returns their email.
pub async fn set_disabled(
    state: &AppState,
    actor: audit::Actor,
    user_id: i64,
    disabled: bool,
) -> Result<String, Failure> {
    change_account(state, user_id, move |tx, _| {
        let at = now();
        access_store::set_disabled(tx, user_id, disabled, at)?;
        if disabled {
            access_store::revoke_user_sessions(tx, user_id, None, at)?;
            access_store::revoke_user_api_tokens(tx, user_id, at)?;
        }
        let action = if disabled {
            "user.disabled"
        } else {
            "user.enabled"
        };
        record_on_user(tx, &actor, action, Some(user_id), None)
    })
    .await
}
