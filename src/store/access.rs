//! Sessions, sign-in attempts, employer API tokens, enrolled terminals and
//! job-seeker credentials. Secrets are stored only as digests.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    api_tokens, employers, job_seekers, profiles, services, sessions, sign_in_limits, terminals,
    users,
};
use super::{one_row, AsTx, StoreError, StoreResult};
use crate::access::token;
use crate::with_conn;

/// Revokes the unrevoked rows of `$table` whose `$owner` is `$id`, at `$at`;
/// evaluates to how many. A macro since the statement is compiled per
/// backend.
macro_rules! revoke_live {
    ($conn:expr, $table:ident, $owner:ident, $id:expr, $at:expr) => {
        with_conn!($conn, |c| diesel::update(
            $table::table
                .filter($table::$owner.eq($id))
                .filter($table::revoked_at.is_null())
        )
        .set($table::revoked_at.eq($at))
        .execute(c)?)
    };
}

/// Counts the rows of `$table` whose `$owner` is `$id` that are live at
/// `$at`: unrevoked and unexpired.
macro_rules! count_live {
    ($conn:expr, $table:ident, $owner:ident, $id:expr, $at:expr) => {
        with_conn!($conn, |c| $table::table
            .filter($table::$owner.eq($id))
            .filter($table::revoked_at.is_null())
            .filter($table::expires_at.gt($at))
            .count()
            .get_result(c)?)
    };
}

/// A live session joined with whoever it belongs to.
#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub id: i64,
    pub user_id: Option<i64>,
    pub seeker_id: Option<i64>,
    pub terminal_id: Option<i64>,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub struct NewSession<'a> {
    pub token: &'a str,
    pub user_id: Option<i64>,
    pub seeker_id: Option<i64>,
    pub terminal_id: Option<i64>,
    pub expires_at: NaiveDateTime,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// Creates a session and returns its CSRF token.
pub fn create_session(
    conn: &mut impl AsTx,
    new: &NewSession,
    at: NaiveDateTime,
) -> StoreResult<String> {
    let csrf = token::new_secret();
    let user_agent: Option<String> = new.user_agent.map(|ua| ua.chars().take(300).collect());
    with_conn!(conn, |c| diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token::digest(new.token)),
            sessions::user_id.eq(new.user_id),
            sessions::seeker_id.eq(new.seeker_id),
            sessions::terminal_id.eq(new.terminal_id),
            sessions::csrf_token.eq(&csrf),
            sessions::created_at.eq(at),
            sessions::last_seen_at.eq(at),
            sessions::expires_at.eq(new.expires_at),
            sessions::ip.eq(new.ip),
            sessions::user_agent.eq(&user_agent),
        ))
        .execute(c)?);
    Ok(csrf)
}

/// The staff account a session belongs to, as the session check needs it.
#[derive(Clone, Debug)]
pub struct SessionStaff {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub service_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub disabled_at: Option<NaiveDateTime>,
    pub employer_status: Option<String>,
}

/// The job seeker account a session belongs to, as the session check
/// needs it.
#[derive(Clone, Debug)]
pub struct SessionSeeker {
    pub profile_id: i64,
    pub service_id: i64,
    pub locked_at: Option<NaiveDateTime>,
    pub language: String,
    pub given_name: String,
}

/// The terminal a job seeker's session was started on.
#[derive(Clone, Debug)]
pub struct SessionTerminal {
    pub id: i64,
    pub service_id: i64,
    pub credential_hash: Option<String>,
    pub last_seen_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl SessionTerminal {
    /// The enrolled terminal, when `credential` is its live credential:
    /// what [`find_terminal`] would answer for it.
    pub fn enrolled_with(&self, credential: &str) -> Option<(i64, i64, Option<NaiveDateTime>)> {
        (self.revoked_at.is_none()
            && self.credential_hash.as_deref() == Some(token::digest(credential).as_str()))
        .then_some((self.id, self.service_id, self.last_seen_at))
    }
}

/// A live session with its holder's account and its terminal.
#[derive(Clone, Debug)]
pub struct SessionWithHolder {
    pub session: SessionRecord,
    pub staff: Option<SessionStaff>,
    pub seeker: Option<SessionSeeker>,
    pub terminal: Option<SessionTerminal>,
}

type SessionRow = (
    (
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        String,
        NaiveDateTime,
        NaiveDateTime,
        NaiveDateTime,
    ),
    (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<NaiveDateTime>,
        Option<String>,
    ),
    (
        Option<i64>,
        Option<i64>,
        Option<NaiveDateTime>,
        Option<String>,
        Option<String>,
    ),
    (
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    ),
);

/// The unrevoked, unexpired session for a cookie token, with its staff or
/// job seeker account and its terminal, in one statement: the check every
/// signed-in request makes.
pub fn find_session_with_holder(
    conn: &mut impl AsTx,
    token: &str,
    at: NaiveDateTime,
) -> StoreResult<Option<SessionWithHolder>> {
    let hash = token::digest(token);
    let row: Option<SessionRow> = with_conn!(conn, |c| sessions::table
        .left_join(users::table.on(users::id.nullable().eq(sessions::user_id)))
        .left_join(employers::table.on(employers::id.nullable().eq(users::employer_id)))
        .left_join(job_seekers::table.on(job_seekers::id.nullable().eq(sessions::seeker_id)))
        .left_join(profiles::table.on(profiles::id.eq(job_seekers::profile_id)))
        .left_join(terminals::table.on(terminals::id.nullable().eq(sessions::terminal_id)))
        .filter(sessions::token_hash.eq(&hash))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(at))
        .select((
            (
                sessions::id,
                sessions::user_id,
                sessions::seeker_id,
                sessions::terminal_id,
                sessions::csrf_token,
                sessions::created_at,
                sessions::last_seen_at,
                sessions::expires_at,
            ),
            (
                users::email.nullable(),
                users::display_name.nullable(),
                users::role.nullable(),
                users::service_id.nullable(),
                users::employer_id.nullable(),
                users::disabled_at.nullable(),
                employers::status.nullable(),
            ),
            (
                job_seekers::profile_id.nullable(),
                profiles::service_id.nullable(),
                job_seekers::locked_at.nullable(),
                job_seekers::language.nullable(),
                profiles::given_name.nullable(),
            ),
            (
                terminals::id.nullable(),
                terminals::service_id.nullable(),
                terminals::credential_hash.nullable(),
                terminals::last_seen_at.nullable(),
                terminals::revoked_at.nullable(),
            ),
        ))
        .first(c)
        .optional()?);
    Ok(row.map(SessionWithHolder::from_row))
}

impl SessionWithHolder {
    fn from_row((s, u, j, t): SessionRow) -> Self {
        SessionWithHolder {
            session: SessionRecord {
                id: s.0,
                user_id: s.1,
                seeker_id: s.2,
                terminal_id: s.3,
                csrf_token: s.4,
                created_at: s.5,
                last_seen_at: s.6,
                expires_at: s.7,
            },
            staff: match u {
                (
                    Some(email),
                    Some(display_name),
                    Some(role),
                    service_id,
                    employer_id,
                    disabled_at,
                    employer_status,
                ) => Some(SessionStaff {
                    email,
                    display_name,
                    role,
                    service_id,
                    employer_id,
                    disabled_at,
                    employer_status,
                }),
                _ => None,
            },
            seeker: match j {
                (
                    Some(profile_id),
                    Some(service_id),
                    locked_at,
                    Some(language),
                    Some(given_name),
                ) => Some(SessionSeeker {
                    profile_id,
                    service_id,
                    locked_at,
                    language,
                    given_name,
                }),
                _ => None,
            },
            terminal: match t {
                (Some(id), Some(service_id), credential_hash, last_seen_at, revoked_at) => {
                    Some(SessionTerminal {
                        id,
                        service_id,
                        credential_hash,
                        last_seen_at,
                        revoked_at,
                    })
                }
                _ => None,
            },
        }
    }
}

pub fn touch_session(conn: &mut impl AsTx, id: i64, at: NaiveDateTime) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::update(sessions::table.find(id))
        .set(sessions::last_seen_at.eq(at))
        .execute(c)?);
    Ok(())
}

pub fn revoke_session(conn: &mut impl AsTx, id: i64, at: NaiveDateTime) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::revoked_at.is_null())
    )
    .set(sessions::revoked_at.eq(at))
    .execute(c)?);
    super::purposes::forget_sessions(conn, &[id])?;
    Ok(())
}

/// Ends every session of a staff account, except `keep` if given; returns
/// how many were ended.
pub fn revoke_user_sessions(
    conn: &mut impl AsTx,
    user_id: i64,
    keep: Option<i64>,
    at: NaiveDateTime,
) -> StoreResult<usize> {
    let live = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::id.ne(keep.unwrap_or(-1)));
    let ids: Vec<i64> = with_conn!(conn, |c| live.select(sessions::id).load(c)?);
    super::purposes::forget_sessions(conn, &ids)?;
    Ok(with_conn!(conn, |c| diesel::update(live)
        .set(sessions::revoked_at.eq(at))
        .execute(c)?))
}

pub fn revoke_seeker_sessions(
    conn: &mut impl AsTx,
    seeker_id: i64,
    at: NaiveDateTime,
) -> StoreResult<usize> {
    Ok(revoke_live!(conn, sessions, seeker_id, seeker_id, at))
}

pub fn count_live_sessions(
    conn: &mut impl AsTx,
    user_id: i64,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    Ok(count_live!(conn, sessions, user_id, user_id, at))
}

/// A staff account as the session layer needs it, with its employer's status.
#[derive(Clone, Debug, Queryable)]
pub struct StaffAccount {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub service_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub disabled_at: Option<NaiveDateTime>,
    pub employer_status: Option<String>,
}

#[diesel::dsl::auto_type]
fn staff_query() -> _ {
    users::table.left_join(employers::table).select((
        users::id,
        users::email,
        users::display_name,
        users::password_hash,
        users::role,
        users::service_id,
        users::employer_id,
        users::disabled_at,
        employers::status.nullable(),
    ))
}

pub fn staff_by_id(conn: &mut impl AsTx, id: i64) -> StoreResult<Option<StaffAccount>> {
    Ok(with_conn!(conn, |c| staff_query()
        .filter(users::id.eq(id))
        .first(c)
        .optional()?))
}

pub fn staff_by_email(conn: &mut impl AsTx, email: &str) -> StoreResult<Option<StaffAccount>> {
    let email = email.trim().to_lowercase();
    Ok(with_conn!(conn, |c| staff_query()
        .filter(users::email.eq(&email))
        .first(c)
        .optional()?))
}

/// A key's failures in its current window, after charging this attempt.
#[derive(Clone, Copy, Debug, QueryableByName)]
pub struct Charge {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub failures: i32,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    pub window_start: NaiveDateTime,
}

/// Counts an attempt against a key before its secret is checked, and
/// returns the count including it: one upsert, so however many attempts
/// run in parallel, each sees a different count and exactly the first
/// `limit` are let through. A window older than `since` starts again.
pub fn charge_attempt(
    conn: &mut impl AsTx,
    key: &str,
    since: NaiveDateTime,
    at: NaiveDateTime,
) -> StoreResult<Charge> {
    use diesel::sql_types::{Text, Timestamp};
    // Numbered placeholders: `$n` on PostgreSQL, `?n` on SQLite.
    const SQL: &str = "INSERT INTO sign_in_limits (key, window_start, failures) VALUES ($1, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
         failures = CASE WHEN sign_in_limits.window_start < $3 THEN 1 ELSE sign_in_limits.failures + 1 END, \
         refused = CASE WHEN sign_in_limits.window_start < $3 THEN 0 ELSE sign_in_limits.refused END, \
         window_start = CASE WHEN sign_in_limits.window_start < $3 THEN $2 ELSE sign_in_limits.window_start END \
         RETURNING failures, window_start";
    let key: String = key.chars().take(400).collect();
    Ok(match conn.tx() {
        super::Tx::Postgres(c) => diesel::sql_query(SQL)
            .bind::<Text, _>(&key)
            .bind::<Timestamp, _>(at)
            .bind::<Timestamp, _>(since)
            .get_result(c)?,
        super::Tx::Sqlite(c) => diesel::sql_query(SQL.replace('$', "?"))
            .bind::<Text, _>(&key)
            .bind::<Timestamp, _>(at)
            .bind::<Timestamp, _>(since)
            .get_result(c)?,
    })
}

/// Gives back an attempt charged in `window_start`'s window that turned out
/// not to be a failure (a right password, or a request that was turned
/// away before anything was checked).
pub fn refund_attempt(
    conn: &mut impl AsTx,
    key: &str,
    window_start: NaiveDateTime,
) -> StoreResult<()> {
    let key: String = key.chars().take(400).collect();
    with_conn!(conn, |c| diesel::update(
        sign_in_limits::table
            .filter(sign_in_limits::key.eq(&key))
            .filter(sign_in_limits::window_start.eq(window_start))
            .filter(sign_in_limits::failures.gt(0))
    )
    .set(sign_in_limits::failures.eq(sign_in_limits::failures - 1))
    .execute(c)?);
    Ok(())
}

/// Clears a key's failures (an account after a successful sign-in or a
/// password reset).
pub fn clear_attempts(conn: &mut impl AsTx, key: &str) -> StoreResult<()> {
    let key: String = key.chars().take(400).collect();
    with_conn!(conn, |c| diesel::delete(
        sign_in_limits::table.filter(sign_in_limits::key.eq(&key))
    )
    .execute(c)?);
    Ok(())
}

/// The limit key of an account: a keyed digest of the email as typed,
/// normalised, so what was typed is never stored.
pub fn account_key(secret_key: &[u8], email: &str) -> String {
    format!(
        "account:{}",
        token::keyed_digest(secret_key, "sign-in account", &email.trim().to_lowercase())
    )
}

/// Counts an attempt refused unchecked because its key is over the limit,
/// in the window that started at `window_start`; returns how many have
/// been refused in that window, this one included (1 = the block starts).
pub fn refuse_attempt(
    conn: &mut impl AsTx,
    key: &str,
    window_start: NaiveDateTime,
) -> StoreResult<i32> {
    let key: String = key.chars().take(400).collect();
    let refused: Option<i32> = with_conn!(conn, |c| diesel::update(
        sign_in_limits::table
            .filter(sign_in_limits::key.eq(&key))
            .filter(sign_in_limits::window_start.eq(window_start))
    )
    .set(sign_in_limits::refused.eq(sign_in_limits::refused + 1))
    .returning(sign_in_limits::refused)
    .get_result(c)
    .optional()?);
    Ok(refused.unwrap_or(1))
}

/// A window that ended with attempts refused in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedWindow {
    pub key: String,
    pub window_start: NaiveDateTime,
    pub refused: i32,
}

/// Takes the refusal counts of windows that started before `since` (so
/// have ended), for `key` only or for every key: each count is claimed by
/// one compare-and-set, so two callers never both report it. The caller
/// writes one summary audit row per window returned.
pub fn take_ended_refusals(
    conn: &mut impl AsTx,
    key: Option<&str>,
    since: NaiveDateTime,
) -> StoreResult<Vec<RefusedWindow>> {
    let key: Option<String> = key.map(|k| k.chars().take(400).collect());
    let rows: Vec<(String, NaiveDateTime, i32)> = with_conn!(conn, |c| {
        let mut query = sign_in_limits::table
            .filter(sign_in_limits::window_start.lt(since))
            .filter(sign_in_limits::refused.gt(0))
            .select((
                sign_in_limits::key,
                sign_in_limits::window_start,
                sign_in_limits::refused,
            ))
            .into_boxed();
        if let Some(k) = &key {
            query = query.filter(sign_in_limits::key.eq(k));
        }
        query.load(c)?
    });
    let mut taken = Vec::new();
    for (key, window_start, refused) in rows {
        let claimed = with_conn!(conn, |c| diesel::update(
            sign_in_limits::table
                .filter(sign_in_limits::key.eq(&key))
                .filter(sign_in_limits::window_start.eq(window_start))
                .filter(sign_in_limits::refused.eq(refused))
        )
        .set(sign_in_limits::refused.eq(0))
        .execute(c)?);
        if claimed == 1 {
            taken.push(RefusedWindow {
                key,
                window_start,
                refused,
            });
        }
    }
    Ok(taken)
}

/// Deletes the rows of windows that started before `since` and have no
/// refusals left to report.
pub fn delete_ended_limits(conn: &mut impl AsTx, since: NaiveDateTime) -> StoreResult<usize> {
    Ok(with_conn!(conn, |c| diesel::delete(
        sign_in_limits::table
            .filter(sign_in_limits::window_start.lt(since))
            .filter(sign_in_limits::refused.eq(0))
    )
    .execute(c)?))
}

pub fn set_password(
    conn: &mut impl AsTx,
    user_id: i64,
    hash: &str,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let n = with_conn!(conn, |c| diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash),
            users::password_changed_at.eq(at),
            users::updated_at.eq(at)
        ))
        .execute(c)?);
    one_row(n)
}

pub fn set_disabled(
    conn: &mut impl AsTx,
    user_id: i64,
    disabled: bool,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let n = with_conn!(conn, |c| diesel::update(users::table.find(user_id))
        .set((
            users::disabled_at.eq(disabled.then_some(at)),
            users::updated_at.eq(at)
        ))
        .execute(c)?);
    one_row(n)
}

/// One row of the admin's list of accounts.
#[derive(Clone, Debug, Queryable)]
pub struct UserListing {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub organisation: Option<String>,
    pub disabled_at: Option<NaiveDateTime>,
    /// An employer's user whose organisation is still waiting for approval
    /// (they cannot sign in yet).
    pub awaiting_approval: bool,
}

type StaffRow = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<NaiveDateTime>,
);

pub fn list_users(conn: &mut impl AsTx) -> StoreResult<Vec<UserListing>> {
    let (staff, orgs) = with_conn!(conn, |c| {
        let staff: Vec<StaffRow> = users::table
            .order((users::role, users::email))
            .select((
                users::id,
                users::email,
                users::display_name,
                users::role,
                users::service_id,
                users::employer_id,
                users::disabled_at,
            ))
            .load(c)?;
        let service_names: Vec<(i64, String)> = services::table
            .select((services::id, services::name))
            .load(c)?;
        let employer_names: Vec<(i64, String, String)> = employers::table
            .select((employers::id, employers::name, employers::status))
            .load(c)?;
        (staff, (service_names, employer_names))
    });
    let (service_names, employer_names) = orgs;
    let name_of = |list: &[(i64, String)], id: Option<i64>| -> Option<String> {
        id.and_then(|id| list.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()))
    };
    let employer_of = |id: Option<i64>| id.and_then(|id| employer_names.iter().find(|e| e.0 == id));
    Ok(staff
        .into_iter()
        .map(
            |(id, email, display_name, role, service_id, employer_id, disabled_at)| UserListing {
                id,
                email,
                display_name,
                role,
                organisation: name_of(&service_names, service_id)
                    .or_else(|| employer_of(employer_id).map(|e| e.1.clone())),
                disabled_at,
                awaiting_approval: employer_of(employer_id).is_some_and(|e| e.2 == "pending"),
            },
        )
        .collect())
}

// --- Employer API tokens -------------------------------------------------

#[derive(Clone, Debug, Queryable)]
pub struct ApiTokenListing {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

impl ApiTokenListing {
    /// Still accepted at `at`: not revoked and not past its expiry.
    pub fn is_live(&self, at: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_some_and(|e| e > at)
    }
}

/// How long a new token lives unless its creator picks less, and the most
/// that can be picked.
pub const API_TOKEN_DAYS: i64 = 365;

/// Creates a token for an employer that expires at `expires_at` and returns
/// the secret, shown once.
pub fn create_api_token(
    conn: &mut impl AsTx,
    employer_id: i64,
    created_by: i64,
    name: &str,
    expires_at: NaiveDateTime,
    at: NaiveDateTime,
) -> StoreResult<(i64, String)> {
    let (secret, prefix) = token::new_api_secret(token::EMPLOYER_TOKEN_KIND);
    let id = with_conn!(conn, |c| diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::employer_id.eq(employer_id),
            api_tokens::created_by.eq(created_by),
            api_tokens::name.eq(name),
            api_tokens::prefix.eq(&prefix),
            api_tokens::token_hash.eq(token::digest(&secret)),
            api_tokens::created_at.eq(at),
            api_tokens::expires_at.eq(expires_at),
        ))
        .returning(api_tokens::id)
        .get_result::<i64>(c)?);
    Ok((id, secret))
}

pub fn list_api_tokens(
    conn: &mut impl AsTx,
    employer_id: i64,
) -> StoreResult<Vec<ApiTokenListing>> {
    Ok(with_conn!(conn, |c| api_tokens::table
        .filter(api_tokens::employer_id.eq(employer_id))
        .order(api_tokens::created_at.desc())
        .select((
            api_tokens::id,
            api_tokens::name,
            api_tokens::prefix,
            api_tokens::created_at,
            api_tokens::last_used_at,
            api_tokens::revoked_at,
            api_tokens::expires_at,
        ))
        .load(c)?))
}

/// Revokes a token of this employer; a token of another employer is not found.
pub fn revoke_api_token(
    conn: &mut impl AsTx,
    employer_id: i64,
    id: i64,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let n = with_conn!(conn, |c| diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::employer_id.eq(employer_id))
            .filter(api_tokens::revoked_at.is_null())
    )
    .set(api_tokens::revoked_at.eq(at))
    .execute(c)?);
    one_row(n)
}

/// Revokes every live token a staff member created (sign out everywhere,
/// password change, disabling the account); returns how many.
pub fn revoke_user_api_tokens(
    conn: &mut impl AsTx,
    user_id: i64,
    at: NaiveDateTime,
) -> StoreResult<usize> {
    Ok(revoke_live!(conn, api_tokens, created_by, user_id, at))
}

/// Live (unrevoked, unexpired) tokens a staff member created.
pub fn count_user_api_tokens(
    conn: &mut impl AsTx,
    user_id: i64,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    Ok(count_live!(conn, api_tokens, created_by, user_id, at))
}

/// Who a live API token acts for (one row of [`find_api_token`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenHolder {
    pub employer_id: i64,
    /// The staff member who created the token, and acts through it.
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
}

/// The employer and creating user behind a live token: unrevoked, unexpired,
/// its employer approved and its creator not disabled, read in one query
/// with the creator's name. Records its use (at most every [`TOUCH_EVERY`]).
pub fn find_api_token(
    conn: &mut impl AsTx,
    secret: &str,
    at: NaiveDateTime,
) -> StoreResult<Option<ApiTokenHolder>> {
    let hash = token::digest(secret);
    let found = with_conn!(conn, |c| api_tokens::table
        .inner_join(employers::table)
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(&hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(at))
        .filter(employers::status.eq("approved"))
        .filter(users::disabled_at.is_null())
        .filter(users::employer_id.eq(api_tokens::employer_id.nullable()))
        .select((
            api_tokens::id,
            api_tokens::employer_id,
            api_tokens::created_by,
            api_tokens::last_used_at,
            users::email,
            users::display_name,
        ))
        .first::<(i64, i64, i64, Option<NaiveDateTime>, String, String)>(c)
        .optional()?);
    let Some((token_id, employer_id, user_id, last_used, email, display_name)) = found else {
        return Ok(None);
    };
    if touch_due(last_used, at) {
        with_conn!(conn, |c| diesel::update(api_tokens::table.find(token_id))
            .set(api_tokens::last_used_at.eq(at))
            .execute(c)?);
    }
    Ok(Some(ApiTokenHolder {
        employer_id,
        user_id,
        email,
        display_name,
    }))
}

/// How often a session's or terminal's last sight and a token's last use
/// are written: at most once in this time, so a client calling many times a
/// second does not make every call a write (on SQLite a write also empties
/// every other connection's page cache).
pub const TOUCH_EVERY: Duration = Duration::seconds(30);

/// Whether a recorded last sight or use is old enough to be written again.
pub fn touch_due(last: Option<NaiveDateTime>, at: NaiveDateTime) -> bool {
    last.is_none_or(|seen| at - seen > TOUCH_EVERY)
}

// --- Terminals -----------------------------------------------------------

/// How long an enrolment code can be redeemed.
pub const ENROLMENT_VALID_FOR: Duration = Duration::days(7);

#[derive(Clone, Debug, Queryable)]
pub struct TerminalListing {
    pub id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub label: String,
    pub enrolled_at: Option<NaiveDateTime>,
    pub enrolment_expires_at: Option<NaiveDateTime>,
    pub last_seen_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Registers a terminal and returns (id, one-time enrolment code).
pub fn create_terminal(
    conn: &mut impl AsTx,
    service_id: i64,
    label: &str,
    created_by: Option<i64>,
    at: NaiveDateTime,
) -> StoreResult<(i64, String)> {
    let code = token::new_code(12);
    let id = with_conn!(conn, |c| diesel::insert_into(terminals::table)
        .values((
            terminals::service_id.eq(service_id),
            terminals::label.eq(label),
            terminals::enrolment_code_hash.eq(token::digest(&code)),
            terminals::enrolment_expires_at.eq(at + ENROLMENT_VALID_FOR),
            terminals::created_by.eq(created_by),
            terminals::created_at.eq(at),
        ))
        .returning(terminals::id)
        .get_result::<i64>(c)?);
    Ok((id, code))
}

/// Redeems an enrolment code once: returns (terminal id, device credential).
pub fn redeem_enrolment(
    conn: &mut impl AsTx,
    code: &str,
    at: NaiveDateTime,
) -> StoreResult<Option<(i64, String)>> {
    let normalised: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase();
    let hash = token::digest(&normalised);
    let credential = token::new_secret();
    let credential_hash = token::digest(&credential);
    let id = with_conn!(conn, |c| diesel::update(
        terminals::table
            .filter(terminals::enrolment_code_hash.eq(&hash))
            .filter(terminals::enrolment_expires_at.gt(at))
            .filter(terminals::revoked_at.is_null())
    )
    .set((
        terminals::enrolment_code_hash.eq(None::<String>),
        terminals::enrolment_expires_at.eq(None::<NaiveDateTime>),
        terminals::credential_hash.eq(&credential_hash),
        terminals::enrolled_at.eq(at),
        terminals::last_seen_at.eq(at),
    ))
    .returning(terminals::id)
    .get_result::<i64>(c)
    .optional()?);
    Ok(id.map(|id| (id, credential)))
}

/// The enrolled, unrevoked terminal for a device credential: (id, service id).
pub fn find_terminal(
    conn: &mut impl AsTx,
    credential: &str,
) -> StoreResult<Option<(i64, i64, Option<NaiveDateTime>)>> {
    let hash = token::digest(credential);
    Ok(with_conn!(conn, |c| terminals::table
        .filter(terminals::credential_hash.eq(&hash))
        .filter(terminals::revoked_at.is_null())
        .select((
            terminals::id,
            terminals::service_id,
            terminals::last_seen_at
        ))
        .first(c)
        .optional()?))
}

pub fn touch_terminal(conn: &mut impl AsTx, id: i64, at: NaiveDateTime) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::update(terminals::table.find(id))
        .set(terminals::last_seen_at.eq(at))
        .execute(c)?);
    Ok(())
}

pub fn list_terminals(conn: &mut impl AsTx) -> StoreResult<Vec<TerminalListing>> {
    Ok(with_conn!(conn, |c| terminals::table
        .inner_join(services::table)
        .order((services::name, terminals::label))
        .select((
            terminals::id,
            terminals::service_id,
            services::name,
            terminals::label,
            terminals::enrolled_at,
            terminals::enrolment_expires_at,
            terminals::last_seen_at,
            terminals::revoked_at,
        ))
        .load(c)?))
}

/// Revokes a terminal and ends every session started on it.
pub fn revoke_terminal(conn: &mut impl AsTx, id: i64, at: NaiveDateTime) -> StoreResult<()> {
    let n = with_conn!(conn, |c| diesel::update(
        terminals::table
            .find(id)
            .filter(terminals::revoked_at.is_null())
    )
    .set((
        terminals::revoked_at.eq(at),
        terminals::enrolment_code_hash.eq(None::<String>),
        terminals::credential_hash.eq(None::<String>),
    ))
    .execute(c)?);
    revoke_live!(conn, sessions, terminal_id, id, at);
    one_row(n)
}

// --- Job seekers ---------------------------------------------------------

/// Wrong PINs in a row that lock a job seeker's account.
pub const PIN_ATTEMPTS: i32 = 5;

#[derive(Clone, Debug, Queryable)]
pub struct SeekerAccount {
    pub id: i64,
    pub profile_id: i64,
    pub service_id: i64,
    pub login_code: String,
    pub pin_hash: String,
    pub failed_pin_attempts: i32,
    pub locked_at: Option<NaiveDateTime>,
    pub language: String,
    pub given_name: String,
}

#[diesel::dsl::auto_type]
fn seeker_query() -> _ {
    job_seekers::table.inner_join(profiles::table).select((
        job_seekers::id,
        job_seekers::profile_id,
        profiles::service_id,
        job_seekers::login_code,
        job_seekers::pin_hash,
        job_seekers::failed_pin_attempts,
        job_seekers::locked_at,
        job_seekers::language,
        profiles::given_name,
    ))
}

pub fn seeker_by_code(
    conn: &mut impl AsTx,
    login_code: &str,
) -> StoreResult<Option<SeekerAccount>> {
    let code = login_code.trim().to_uppercase();
    Ok(with_conn!(conn, |c| seeker_query()
        .filter(job_seekers::login_code.eq(&code))
        .first(c)
        .optional()?))
}

/// Issues (or re-issues) a login code and PIN for a profile: the PIN is
/// returned once, the account unlocked, and old sessions ended.
pub fn issue_seeker_access(
    conn: &mut impl AsTx,
    profile_id: i64,
    pin_hash: &str,
    issued_by: Option<i64>,
    at: NaiveDateTime,
) -> StoreResult<(i64, String)> {
    let existing: Option<(i64, String)> = with_conn!(conn, |c| job_seekers::table
        .filter(job_seekers::profile_id.eq(profile_id))
        .select((job_seekers::id, job_seekers::login_code))
        .first(c)
        .optional()?);
    match existing {
        Some((id, code)) => {
            with_conn!(conn, |c| diesel::update(job_seekers::table.find(id))
                .set((
                    job_seekers::pin_hash.eq(pin_hash),
                    job_seekers::failed_pin_attempts.eq(0),
                    job_seekers::locked_at.eq(None::<NaiveDateTime>),
                    job_seekers::issued_by.eq(issued_by),
                    job_seekers::issued_at.eq(at),
                ))
                .execute(c)?);
            revoke_seeker_sessions(conn, id, at)?;
            Ok((id, code))
        }
        None => {
            // Codes are random; a collision is retried rather than reported.
            for _ in 0..5 {
                let code = token::new_code(8);
                let inserted = with_conn!(conn, |c| diesel::insert_into(job_seekers::table)
                    .values((
                        job_seekers::profile_id.eq(profile_id),
                        job_seekers::login_code.eq(&code),
                        job_seekers::pin_hash.eq(pin_hash),
                        job_seekers::issued_by.eq(issued_by),
                        job_seekers::issued_at.eq(at),
                    ))
                    .on_conflict_do_nothing()
                    .returning(job_seekers::id)
                    .get_result::<i64>(c)
                    .optional()?);
                if let Some(id) = inserted {
                    return Ok((id, code));
                }
            }
            Err(StoreError::Conflict(
                "could not find a free login code".into(),
            ))
        }
    }
}

/// Counts a PIN attempt before the PIN is checked, in one statement:
/// returns the wrong PINs since the PIN was issued including this one, or
/// None when the account is locked or has no guesses left. Parallel
/// attempts each get their own count, so no more than `PIN_ATTEMPTS` are
/// ever checked per issued PIN.
pub fn charge_pin(conn: &mut impl AsTx, seeker_id: i64) -> StoreResult<Option<i32>> {
    Ok(with_conn!(conn, |c| diesel::update(
        job_seekers::table
            .find(seeker_id)
            .filter(job_seekers::locked_at.is_null())
            .filter(job_seekers::failed_pin_attempts.lt(PIN_ATTEMPTS))
    )
    .set(job_seekers::failed_pin_attempts.eq(job_seekers::failed_pin_attempts + 1))
    .returning(job_seekers::failed_pin_attempts)
    .get_result(c)
    .optional()?))
}

/// Gives back a charged attempt whose PIN was right (or was never checked).
/// A right PIN does not wipe earlier wrong ones: only a new PIN does.
pub fn refund_pin(conn: &mut impl AsTx, seeker_id: i64) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::update(
        job_seekers::table
            .find(seeker_id)
            .filter(job_seekers::failed_pin_attempts.gt(0))
    )
    .set(job_seekers::failed_pin_attempts.eq(job_seekers::failed_pin_attempts - 1))
    .execute(c)?);
    Ok(())
}

/// Locks a job seeker's account until the officer issues a new PIN;
/// returns true when this call locked it.
pub fn lock_seeker(conn: &mut impl AsTx, seeker_id: i64, at: NaiveDateTime) -> StoreResult<bool> {
    Ok(with_conn!(conn, |c| diesel::update(
        job_seekers::table
            .find(seeker_id)
            .filter(job_seekers::locked_at.is_null())
    )
    .set(job_seekers::locked_at.eq(at))
    .execute(c)?)
        == 1)
}
