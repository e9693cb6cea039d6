//! Use cases: supported terminals. A device is enrolled with a one-time code;
//! a job seeker signs in on it with their login code and PIN (the sign-in
//! page and the terminal API call the same function), and signs out or is
//! timed out. Every attempt is audited and limited as before.

use crate::access::actor::{self as auth, SeekerActor, TerminalDevice};
use crate::access::token;
use crate::app::AppState;
use crate::app::Failure;
use crate::store::access::{self as access_store, SeekerAccount, PIN_ATTEMPTS};
use crate::store::audit::{self, Entry};
use crate::store::{limits, now, AsTx, StoreResult};

/// How a login code and PIN fared.
pub enum PinOutcome {
    /// The session's token (for the cookie) and its CSRF token.
    SignedIn {
        token: String,
        csrf: String,
    },
    Wrong {
        left: i32,
    },
    Locked,
    Unknown,
}

/// Who the terminal is in the audit log before a person is known.
fn terminal_actor(terminal: &TerminalDevice, ip: &str) -> audit::Actor {
    audit::Actor {
        kind: "terminal",
        label: format!("terminal {}", terminal.id),
        ip: Some(ip.to_string()),
        ..Default::default()
    }
}

/// A job seeker as the audit log names them.
fn seeker_actor(id: i64, ip: &str) -> audit::Actor {
    audit::Actor {
        kind: "seeker",
        seeker_id: Some(id),
        label: format!("job seeker {id}"),
        ip: Some(ip.to_string()),
        ..Default::default()
    }
}

fn record(
    conn: &mut impl AsTx,
    actor: &audit::Actor,
    action: &'static str,
    subject: (&'static str, i64),
    detail: Option<String>,
) -> StoreResult<()> {
    let entry = Entry::about(action, subject.0, Some(subject.1)).with_detail(detail);
    audit::record(conn, actor, entry, now())
}

/// A sign-in attempt after the code is looked up.
enum Attempt {
    /// The seeker, and their wrong PINs so far with this one.
    Charged(SeekerAccount, i32),
    /// The attempt ends here (unknown code, locked account).
    Ended(PinOutcome),
}

/// Finds the seeker for a code on this terminal and charges one PIN attempt,
/// or says why the attempt ends here (unknown code, locked account).
fn charge_attempt(
    conn: &mut impl AsTx,
    terminal: &TerminalDevice,
    lookup_code: &str,
    ip: &str,
) -> StoreResult<Attempt> {
    let seeker = access_store::seeker_by_code(conn, lookup_code)?;
    // A seeker only signs in on a terminal of their own service.
    let Some(seeker) = seeker.filter(|s| s.service_id == terminal.service_id) else {
        record(
            conn,
            &terminal_actor(terminal, ip),
            "seeker.sign_in_failure",
            ("terminal", terminal.id),
            Some("unknown code".into()),
        )?;
        return Ok(Attempt::Ended(PinOutcome::Unknown));
    };
    let actor = seeker_actor(seeker.id, ip);
    if seeker.locked_at.is_some() {
        let subject = ("job_seeker", seeker.id);
        record(conn, &actor, "seeker.sign_in_locked", subject, None)?;
        return Ok(Attempt::Ended(PinOutcome::Locked));
    }
    match access_store::charge_pin(conn, seeker.id)? {
        Some(wrong_so_far) => Ok(Attempt::Charged(seeker, wrong_so_far)),
        None => {
            // Out of guesses (a parallel attempt used the last).
            access_store::lock_seeker(conn, seeker.id, now())?;
            let subject = ("job_seeker", seeker.id);
            record(conn, &actor, "seeker.sign_in_locked", subject, None)?;
            Ok(Attempt::Ended(PinOutcome::Locked))
        }
    }
}

/// The seeker whose PIN was checked.
struct Checked {
    seeker_id: i64,
    wrong_so_far: i32,
    verified: bool,
}

/// Records a checked PIN: a wrong one counts (and may lock the account), a
/// right one gives its attempt back and opens the session.
fn settle_attempt(
    conn: &mut impl AsTx,
    terminal: &TerminalDevice,
    checked: Checked,
    ip: &str,
    ua: Option<&str>,
) -> StoreResult<PinOutcome> {
    let Checked {
        seeker_id,
        wrong_so_far,
        verified,
    } = checked;
    let at = now();
    let actor = seeker_actor(seeker_id, ip);
    let subject = ("job_seeker", seeker_id);
    if !verified {
        let locked =
            wrong_so_far >= PIN_ATTEMPTS && access_store::lock_seeker(conn, seeker_id, at)?;
        let action = if locked {
            "seeker.locked"
        } else {
            "seeker.sign_in_failure"
        };
        record(conn, &actor, action, subject, None)?;
        return Ok(if wrong_so_far >= PIN_ATTEMPTS {
            PinOutcome::Locked
        } else {
            PinOutcome::Wrong {
                left: PIN_ATTEMPTS - wrong_so_far,
            }
        });
    }
    access_store::refund_pin(conn, seeker_id)?;
    let session_token = token::new_secret();
    let csrf = access_store::create_session(
        conn,
        &access_store::NewSession {
            token: &session_token,
            user_id: None,
            seeker_id: Some(seeker_id),
            terminal_id: Some(terminal.id),
            expires_at: at + auth::SEEKER_LIFETIME,
            ip: Some(ip),
            user_agent: ua,
        },
        at,
    )?;
    record(conn, &actor, "seeker.sign_in_success", subject, None)?;
    Ok(PinOutcome::SignedIn {
        token: session_token,
        csrf,
    })
}

/// Checks a login code and PIN typed on `terminal`; on success opens the
/// job seeker's session. Every attempt is audited; wrong PINs since the PIN
/// was issued count towards the lock, and an attempt is counted before the
/// PIN is checked (argon2 on the hashing pool, no connection held). The
/// sign-in page and the terminal API both sign in here.
pub async fn sign_in(
    state: &AppState,
    terminal: TerminalDevice,
    lookup_code: String,
    pin: String,
    ip: String,
    ua: Option<String>,
) -> Result<PinOutcome, Failure> {
    let charged = state
        .store
        .run({
            let ip = ip.clone();
            move |conn| charge_attempt(conn, &terminal, &lookup_code, &ip)
        })
        .await?;
    let (seeker, wrong_so_far) = match charged {
        Attempt::Charged(seeker, wrong_so_far) => (seeker, wrong_so_far),
        Attempt::Ended(outcome) => return Ok(outcome),
    };
    let seeker_id = seeker.id;
    let verified = super::verify_or_refund(state, pin, seeker.pin_hash.clone(), move |conn| {
        access_store::refund_pin(conn, seeker_id)
    })
    .await?;
    let checked = Checked {
        seeker_id,
        wrong_so_far,
        verified,
    };
    Ok(state
        .store
        .run(move |conn| settle_attempt(conn, &terminal, checked, &ip, ua.as_deref()))
        .await?)
}

/// What an enrolment code did.
pub enum Enrolment {
    /// The device is enrolled with this credential.
    Enrolled(String),
    /// No unused, unexpired code like this.
    Wrong,
    /// Too many wrong codes from this address: wait this many seconds.
    TooMany { retry_after: i64 },
}

/// Redeems an enrolment code typed at `ip`; returns the device credential.
/// Anyone can reach this: wrong codes are limited per address (the attempt
/// is charged before the code is checked), and a right code gives its
/// attempt back.
pub async fn enrol(
    state: &AppState,
    code: String,
    actor: audit::Actor,
    ip: &str,
) -> Result<Enrolment, Failure> {
    let key = limits::ENROL_ADDRESS.key(ip);
    let redeemed = state
        .store
        .run(move |conn| {
            let at = now();
            let limit = &limits::ENROL_ADDRESS;
            let charge = limits::charge(conn, limit, &key, at)?;
            if let Some(retry_after) = limit.blocked_for(&charge, at) {
                limits::refuse(conn, limit, &key, &charge, &actor, at)?;
                return Ok(Enrolment::TooMany { retry_after });
            }
            let redeemed = access_store::redeem_enrolment(conn, &code, at)?;
            if redeemed.is_some() {
                access_store::refund_attempt(conn, &key, charge.window_start)?;
            }
            audit::record(
                conn,
                &actor,
                Entry {
                    action: if redeemed.is_some() {
                        "terminal.enrolled"
                    } else {
                        "terminal.enrol_failed"
                    },
                    subject_kind: Some("terminal"),
                    subject_id: redeemed.as_ref().map(|(id, _)| *id),
                    detail: None,
                },
                at,
            )?;
            Ok(match redeemed {
                Some((_, credential)) => Enrolment::Enrolled(credential),
                None => Enrolment::Wrong,
            })
        })
        .await?;
    Ok(redeemed)
}

/// How a job seeker's session ends, and what the audit log says of it.
#[derive(Clone, Copy)]
pub enum Ending {
    /// "Switch user" on the pages.
    SignOut,
    /// The idle warning ran out.
    TimedOut,
    /// The terminal API's sign-out (not audited, as before).
    Api,
}

/// Ends the job seeker's session.
pub async fn sign_out(
    state: &AppState,
    seeker: &SeekerActor,
    ending: Ending,
    ip: String,
) -> Result<(), Failure> {
    let (session_id, seeker_id) = (seeker.session_id, seeker.seeker_id);
    let action = match ending {
        Ending::SignOut => Some("seeker.sign_out"),
        Ending::TimedOut => Some("seeker.timed_out"),
        Ending::Api => None,
    };
    state
        .store
        .run(move |conn| {
            access_store::revoke_session(conn, session_id, now())?;
            match action {
                Some(action) => record(
                    conn,
                    &seeker_actor(seeker_id, &ip),
                    action,
                    ("job_seeker", seeker_id),
                    None,
                ),
                None => Ok(()),
            }
        })
        .await?;
    Ok(())
}

/// Keeps a signed-in person's language with their account.
pub async fn set_language(
    state: &AppState,
    seeker_id: i64,
    lang: &'static str,
) -> Result<(), Failure> {
    state
        .store
        .run(move |conn| crate::store::seekers::set_language(conn, seeker_id, lang))
        .await?;
    Ok(())
}

/// Creates a terminal for a service and returns its one-time enrolment
/// code; `None` when there is no such service.
pub async fn create(
    state: &AppState,
    actor: audit::Actor,
    user_id: i64,
    service_id: i64,
    label: String,
) -> Result<Option<String>, Failure> {
    crate::app::run(&state.store, move |conn| {
        let services = crate::store::people::list_services(conn)?;
        if !services.iter().any(|s| s.id == service_id) {
            return Ok(None);
        }
        conn.write(|tx| {
            let at = now();
            let (id, code) =
                access_store::create_terminal(tx, service_id, &label, Some(user_id), at)?;
            let entry = Entry {
                action: "terminal.created",
                subject_kind: Some("terminal"),
                subject_id: Some(id),
                detail: Some(label.clone()),
            };
            audit::record(tx, &actor, entry, at)?;
            Ok::<_, Failure>(Some(code))
        })
    })
    .await
}

/// Revokes a terminal: anyone using it is signed out.
pub async fn revoke(state: &AppState, actor: audit::Actor, id: i64) -> Result<(), Failure> {
    crate::app::write(&state.store, move |tx| {
        let at = now();
        access_store::revoke_terminal(tx, id, at)?;
        let entry = Entry {
            action: "terminal.revoked",
            subject_kind: Some("terminal"),
            subject_id: Some(id),
            detail: None,
        };
        audit::record(tx, &actor, entry, at)?;
        Ok(())
    })
    .await
}
