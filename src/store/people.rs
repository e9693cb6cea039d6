//! Services (prisons, probation offices), employers and staff accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{employers, services, users};
use super::{now, AsTx, StoreError, StoreResult};
use crate::access::StaffRole;
use crate::with_conn;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Prison,
    Probation,
}

impl ServiceKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Prison => "prison",
            Self::Probation => "probation",
        }
    }
}

#[derive(Clone, Debug, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = services)]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub place_name: String,
    pub lat: f64,
    pub lon: f64,
}

pub struct NewService<'a> {
    pub name: &'a str,
    pub kind: ServiceKind,
    pub place_name: &'a str,
    pub lat: f64,
    pub lon: f64,
}

pub fn create_service(conn: &mut impl AsTx, new: &NewService) -> StoreResult<i64> {
    let at = now();
    with_conn!(conn, |c| diesel::insert_into(services::table)
        .values((
            services::name.eq(new.name),
            services::kind.eq(new.kind.as_str()),
            services::place_name.eq(new.place_name),
            services::lat.eq(new.lat),
            services::lon.eq(new.lon),
            services::created_at.eq(at),
        ))
        .returning(services::id)
        .get_result(c)
        .map_err(|e| StoreError::from_write(
            e,
            "a service with this name already exists"
        )))
}

pub fn list_services(conn: &mut impl AsTx) -> StoreResult<Vec<Service>> {
    Ok(with_conn!(conn, |c| services::table
        .order(services::name)
        .select(Service::as_select())
        .load(c)?))
}

pub fn find_service_by_name(conn: &mut impl AsTx, name: &str) -> StoreResult<Option<Service>> {
    Ok(with_conn!(conn, |c| services::table
        .filter(services::name.eq(name))
        .select(Service::as_select())
        .first(c)
        .optional()?))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmployerStatus {
    Pending,
    Approved,
    Declined,
    Suspended,
}

impl EmployerStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Declined => "declined",
            Self::Suspended => "suspended",
        }
    }
}

/// Reads a stored status.
impl TryFrom<String> for EmployerStatus {
    type Error = crate::domain::UnknownValue;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        [
            Self::Pending,
            Self::Approved,
            Self::Declined,
            Self::Suspended,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
        .ok_or_else(|| crate::domain::UnknownValue::new("employer status", &value))
    }
}

#[derive(Clone, Debug, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = employers)]
pub struct Employer {
    pub id: i64,
    pub name: String,
    pub sector_slug: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: Option<String>,
    pub address: String,
    pub website: Option<String>,
    #[diesel(deserialize_as = String)]
    pub status: EmployerStatus,
    pub decline_reason: Option<String>,
}

pub struct NewEmployer<'a> {
    pub name: &'a str,
    pub sector_slug: &'a str,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub contact_phone: Option<&'a str>,
    pub address: &'a str,
    pub website: Option<&'a str>,
    pub status: EmployerStatus,
    /// Who approved it, when it is created already approved (seeding, admin).
    pub decided_by: Option<i64>,
}

pub fn create_employer(conn: &mut impl AsTx, new: &NewEmployer) -> StoreResult<i64> {
    let at = now();
    let decided_at = (new.status != EmployerStatus::Pending).then_some(at);
    with_conn!(conn, |c| diesel::insert_into(employers::table)
        .values((
            employers::name.eq(new.name),
            employers::sector_slug.eq(new.sector_slug),
            employers::contact_name.eq(new.contact_name),
            employers::contact_email.eq(new.contact_email.to_lowercase()),
            employers::contact_phone.eq(new.contact_phone),
            employers::address.eq(new.address),
            employers::website.eq(new.website),
            employers::status.eq(new.status.as_str()),
            employers::pledge_accepted_at.eq(at),
            employers::decided_by.eq(new.decided_by),
            employers::decided_at.eq(decided_at),
            employers::created_at.eq(at),
            employers::updated_at.eq(at),
        ))
        .returning(employers::id)
        .get_result(c)
        .map_err(|e| StoreError::from_write(
            e,
            "an employer with this name already exists"
        )))
}

pub fn find_employer_by_name(conn: &mut impl AsTx, name: &str) -> StoreResult<Option<Employer>> {
    Ok(with_conn!(conn, |c| employers::table
        .filter(employers::name.eq(name))
        .select(Employer::as_select())
        .first(c)
        .optional()?))
}

pub fn list_employers(conn: &mut impl AsTx) -> StoreResult<Vec<Employer>> {
    Ok(with_conn!(conn, |c| employers::table
        .order(employers::name)
        .select(Employer::as_select())
        .load(c)?))
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub service_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub digest_interval: String,
    pub disabled_at: Option<NaiveDateTime>,
}

/// Which organisation a new account belongs to; fixed by its role.
#[derive(Clone, Copy, Debug)]
pub enum Membership {
    Admin,
    Service(i64),
    Employer(i64),
}

impl Membership {
    pub fn role(self) -> StaffRole {
        match self {
            Self::Admin => StaffRole::Admin,
            Self::Service(_) => StaffRole::Officer,
            Self::Employer(_) => StaffRole::Employer,
        }
    }
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub membership: Membership,
}

pub fn create_user(conn: &mut impl AsTx, new: &NewUser) -> StoreResult<i64> {
    let at = now();
    let (service_id, employer_id) = match new.membership {
        Membership::Admin => (None, None),
        Membership::Service(id) => (Some(id), None),
        Membership::Employer(id) => (None, Some(id)),
    };
    let email = new.email.trim().to_lowercase();
    with_conn!(conn, |c| diesel::insert_into(users::table)
        .values((
            users::email.eq(&email),
            users::display_name.eq(new.display_name),
            users::password_hash.eq(new.password_hash),
            users::role.eq(new.membership.role().as_str()),
            users::service_id.eq(service_id),
            users::employer_id.eq(employer_id),
            users::password_changed_at.eq(at),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .returning(users::id)
        .get_result::<i64>(c)
        .map_err(|e| StoreError::from_write(
            e,
            "an account with this email address already exists"
        )))
}

pub fn find_user_by_email(conn: &mut impl AsTx, email: &str) -> StoreResult<Option<UserRow>> {
    let email = email.trim().to_lowercase();
    Ok(with_conn!(conn, |c| users::table
        .filter(users::email.eq(&email))
        .select(UserRow::as_select())
        .first(c)
        .optional()?))
}

pub fn count_users(conn: &mut impl AsTx) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| users::table.count().get_result(c)?))
}

/// A person found by prison number, for an administrator answering a
/// subject access request: only what it takes to open the export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonFound {
    pub profile_id: i64,
    pub pseudonym: String,
    pub service_name: String,
}

/// Everyone with this prison number, in any service (a number is unique
/// within a service, so at most one per service), by service name.
pub fn by_reference(conn: &mut impl AsTx, reference: &str) -> StoreResult<Vec<PersonFound>> {
    use super::schema::profiles;
    let rows: Vec<(i64, String, String)> = with_conn!(conn, |c| profiles::table
        .inner_join(services::table)
        .filter(profiles::reference.eq(reference))
        .order((services::name, profiles::id))
        .select((profiles::id, profiles::pseudonym, services::name))
        .load(c)?);
    Ok(rows
        .into_iter()
        .map(|(profile_id, pseudonym, service_name)| PersonFound {
            profile_id,
            pseudonym,
            service_name,
        })
        .collect())
}
