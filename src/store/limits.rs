//! Attempt limits on what anyone can try without signing in: staff
//! sign-in (per account and per address), terminal enrolment and employer
//! sign-up (per address).
//!
//! An attempt is charged before it is checked, in one atomic statement, so
//! parallel attempts are held to the limit exactly. Attempts within the
//! limit are audited one by one by their callers; once a key is over its
//! limit, further attempts are refused unchecked and only counted: the
//! audit log gets one row when the block starts and one summary row with
//! the count when the window ends, so a flood cannot grow the log.

use chrono::{Duration, NaiveDateTime};

use super::access::{self, Charge, RefusedWindow};
use super::audit::{self, Actor, Entry};
use super::{AsTx, StoreResult};

/// How many attempts a key may make in a window.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// The start of its keys (`ip:203.0.113.9`).
    pub prefix: &'static str,
    /// The audit action written when a block starts (the summary row adds
    /// `_summary`).
    pub blocked_action: &'static str,
    pub max: i32,
    pub window: Duration,
}

/// The one window every limit uses: ended windows are summarised by a
/// sweep that looks this far back.
pub const WINDOW: Duration = Duration::minutes(15);

/// Failed staff sign-ins per account.
pub const SIGN_IN_ACCOUNT: Limit = Limit {
    prefix: "account",
    blocked_action: "sign_in.blocked",
    max: 5,
    window: WINDOW,
};
/// Failed staff sign-ins per client address.
pub const SIGN_IN_ADDRESS: Limit = Limit {
    prefix: "ip",
    blocked_action: "sign_in.blocked",
    max: 20,
    window: WINDOW,
};
/// Wrong enrolment codes per client address.
pub const ENROL_ADDRESS: Limit = Limit {
    prefix: "enrol",
    blocked_action: "terminal.enrol_blocked",
    max: 10,
    window: WINDOW,
};
/// Employer sign-up requests per client address (each costs a password
/// hash and may send an email).
pub const JOIN_ADDRESS: Limit = Limit {
    prefix: "join",
    blocked_action: "employer.join_blocked",
    max: 10,
    window: WINDOW,
};

/// Every limit, to name the summary of a key's ended window.
pub const ALL: [Limit; 4] = [
    SIGN_IN_ACCOUNT,
    SIGN_IN_ADDRESS,
    ENROL_ADDRESS,
    JOIN_ADDRESS,
];

impl Limit {
    /// The key of a value (a client address) under this limit.
    pub fn key(&self, value: &str) -> String {
        format!("{}:{value}", self.prefix)
    }

    /// Seconds until the key may try again, when this charge is over the
    /// limit.
    pub fn blocked_for(&self, charge: &Charge, at: NaiveDateTime) -> Option<i64> {
        (charge.failures > self.max).then(|| {
            (charge.window_start + self.window - at)
                .num_seconds()
                .max(1)
        })
    }
}

/// Charges one attempt against `key`, after writing the summary of the
/// key's previous window if it ended with refusals.
pub fn charge(
    conn: &mut impl AsTx,
    limit: &Limit,
    key: &str,
    at: NaiveDateTime,
) -> StoreResult<Charge> {
    let since = at - limit.window;
    let ended = access::take_ended_refusals(conn, Some(key), since)?;
    summarise(conn, &ended, at)?;
    access::charge_attempt(conn, key, since, at)
}

/// An attempt over the limit, turned away unchecked: it does not count as
/// a failure (the count stays at the limit), it is counted as refused, and
/// only the first refusal of a window is written to the audit log.
pub fn refuse(
    conn: &mut impl AsTx,
    limit: &Limit,
    key: &str,
    charge: &Charge,
    actor: &Actor,
    at: NaiveDateTime,
) -> StoreResult<()> {
    access::refund_attempt(conn, key, charge.window_start)?;
    let refused = access::refuse_attempt(conn, key, charge.window_start)?;
    if refused == 1 {
        audit::record(
            conn,
            actor,
            Entry {
                action: limit.blocked_action,
                subject_kind: None,
                subject_id: None,
                detail: Some(format!(
                    "{} over {} attempts in {} minutes; further attempts until the window ends are counted, not logged",
                    describe_key(key),
                    limit.max,
                    limit.window.num_minutes()
                )),
            },
            at,
        )?;
    }
    Ok(())
}

/// Writes the summary rows of every ended window with refusals, and
/// deletes the rows of ended windows: run by the worker's scheduler.
/// Returns how many summaries were written.
pub fn sweep(conn: &mut impl AsTx, at: NaiveDateTime) -> StoreResult<usize> {
    let since = at - WINDOW;
    let ended = access::take_ended_refusals(conn, None, since)?;
    summarise(conn, &ended, at)?;
    access::delete_ended_limits(conn, since)?;
    Ok(ended.len())
}

fn summarise(conn: &mut impl AsTx, ended: &[RefusedWindow], at: NaiveDateTime) -> StoreResult<()> {
    for window in ended {
        let prefix = window.key.split(':').next().unwrap_or_default();
        let blocked = ALL
            .iter()
            .find(|l| l.prefix == prefix)
            .map_or("attempts.blocked", |l| l.blocked_action);
        let action = format!("{blocked}_summary");
        audit::record(
            conn,
            &Actor::system("attempt limits"),
            Entry {
                action: &action,
                subject_kind: None,
                subject_id: None,
                detail: Some(format!(
                    "{} attempts refused for {} in the window from {}",
                    window.refused,
                    describe_key(&window.key),
                    window.window_start.format("%Y-%m-%d %H:%M:%S")
                )),
            },
            at,
        )?;
    }
    Ok(())
}

/// A key as the audit log shows it: the address, or the account's digest.
fn describe_key(key: &str) -> String {
    match key.split_once(':') {
        Some(("account", digest)) => format!("account (keyed digest {digest})"),
        Some((_, address)) => format!("address {address}"),
        None => key.to_string(),
    }
}
