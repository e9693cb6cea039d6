//! Who a request acts for, once `web::auth` has resolved it: a staff member
//! with the scope they may reach, a job seeker signed in on a terminal, a
//! service's integration token, or an enrolled terminal. The use cases in
//! `app` take these; the web layer makes them.

use chrono::Duration;

use super::{IntegrationScope, StaffRole};

pub const STAFF_IDLE: Duration = Duration::minutes(30);
pub const STAFF_LIFETIME: Duration = Duration::hours(12);
pub const SEEKER_IDLE: Duration = Duration::minutes(10);
pub const SEEKER_LIFETIME: Duration = Duration::hours(2);
/// What a staff member may reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Admin,
    Service(i64),
    Employer(i64),
}

#[derive(Clone, Debug)]
pub struct StaffActor {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub role: StaffRole,
    pub scope: Scope,
    /// None when the request came with an API token.
    pub session_id: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct SeekerActor {
    pub seeker_id: i64,
    pub profile_id: i64,
    pub service_id: i64,
    pub terminal_id: i64,
    pub session_id: i64,
    pub language: String,
    pub given_name: String,
}

/// A service's own system, by its integration token (no person): it
/// reaches only that service's profile API.
#[derive(Clone, Debug)]
pub struct IntegrationActor {
    pub token_id: i64,
    pub service_id: i64,
    /// What the administrator called the token; the audit log names it.
    pub label: String,
    pub scope: IntegrationScope,
}

#[derive(Clone, Debug)]
pub enum Actor {
    Staff(StaffActor),
    Seeker(SeekerActor),
    Integration(IntegrationActor),
}

/// An enrolled, unrevoked terminal.
#[derive(Clone, Copy, Debug)]
pub struct TerminalDevice {
    pub id: i64,
    pub service_id: i64,
}
