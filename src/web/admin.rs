//! Administrator pages: users, terminals and the audit log.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::auth::Admin;
use super::employer::vacancy_form::DateParts;
use super::errors::AppError;
use super::pages::page;
use super::view::Chrome;
use super::AppState;
use crate::access::token;
use crate::domain::FieldErrors;
use crate::store::access::{self as access_store, TerminalListing, UserListing};
use crate::store::audit::{self, AuditRow, Entry};
use crate::store::people::{self, Employer, Membership, NewUser, Service};
use crate::store::{now, StoreError};

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    users: usize,
    terminals: usize,
    /// Employers whose request to join waits for a decision.
    pending_employers: usize,
}

pub async fn dashboard(state: web::Data<AppState>, admin: Admin) -> Result<HttpResponse, AppError> {
    let (users, terminals, pending_employers) = state
        .store
        .run(|conn| {
            Ok((
                access_store::list_users(conn)?.len(),
                access_store::list_terminals(conn)?.len(),
                crate::store::employer_accounts::pending(conn)?.len(),
            ))
        })
        .await?;
    Ok(page(
        StatusCode::OK,
        &Dashboard {
            chrome: Chrome::of(&admin.ctx),
            users,
            terminals,
            pending_employers,
        },
    ))
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserListing>,
    notice: Option<String>,
    problem: Option<String>,
    secret: Option<(String, String)>,
    /// The administrator looking at the page (their own row has no
    /// Disable button).
    me: i64,
    q: String,
    total: usize,
    page: usize,
    pages: usize,
    prev_link: Option<String>,
    next_link: Option<String>,
}

/// Users a page of the list shows.
const USERS_PAGE: usize = 50;

#[derive(Default, Deserialize)]
pub struct UsersQuery {
    /// Part of a name or email address.
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

fn users_link(q: &str, page: usize) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        out.append_pair("q", q);
    }
    out.append_pair("page", &page.to_string());
    format!("/admin/users?{}", out.finish())
}

/// What the users page says after a request.
#[derive(Default)]
struct UsersFeedback {
    notice: Option<String>,
    problem: Option<String>,
    secret: Option<(String, String)>,
}

async fn users_page(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    query: UsersQuery,
    feedback: UsersFeedback,
) -> Result<HttpResponse, AppError> {
    let all = state.store.run(access_store::list_users).await?;
    let q = query.q.trim().to_string();
    let needle = q.to_lowercase();
    let matching: Vec<UserListing> = all
        .into_iter()
        .filter(|u| {
            needle.is_empty()
                || u.email.to_lowercase().contains(&needle)
                || u.display_name.to_lowercase().contains(&needle)
        })
        .collect();
    let total = matching.len();
    let pages = total.div_ceil(USERS_PAGE).max(1);
    let page_number = query
        .page
        .trim()
        .parse::<usize>()
        .unwrap_or(1)
        .clamp(1, pages);
    let users = matching
        .into_iter()
        .skip((page_number - 1) * USERS_PAGE)
        .take(USERS_PAGE)
        .collect();
    Ok(page(
        status,
        &UsersPage {
            chrome: Chrome::of(&admin.ctx),
            users,
            notice: feedback.notice,
            problem: feedback.problem,
            secret: feedback.secret,
            me: admin.actor.user_id,
            prev_link: (page_number > 1).then(|| users_link(&q, page_number - 1)),
            next_link: (page_number < pages).then(|| users_link(&q, page_number + 1)),
            q,
            total,
            page: page_number,
            pages,
        },
    ))
}

pub async fn users(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, AppError> {
    users_page(
        &state,
        &admin,
        StatusCode::OK,
        query.into_inner(),
        UsersFeedback::default(),
    )
    .await
}

#[derive(Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    /// "admin", "service:ID" or "employer:ID".
    #[serde(default)]
    organisation: String,
}

#[derive(Template)]
#[template(path = "admin/new_user.html")]
struct NewUserPage {
    chrome: Chrome,
    errors: FieldErrors,
    form: NewUserForm,
    services: Vec<Service>,
    employers: Vec<Employer>,
}

async fn new_user_page(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    form: NewUserForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (services, employers) = state
        .store
        .run(|conn| Ok((people::list_services(conn)?, people::list_employers(conn)?)))
        .await?;
    let employers = employers
        .into_iter()
        .filter(|e| e.status == "approved")
        .collect();
    Ok(page(
        status,
        &NewUserPage {
            chrome: Chrome::of(&admin.ctx),
            errors,
            form,
            services,
            employers,
        },
    ))
}

pub async fn new_user_form(
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    new_user_page(
        &state,
        &admin,
        StatusCode::OK,
        NewUserForm::default(),
        FieldErrors::new(),
    )
    .await
}

fn parse_membership(value: &str) -> Option<Membership> {
    if value == "admin" {
        return Some(Membership::Admin);
    }
    let (kind, id) = value.split_once(':')?;
    let id: i64 = id.parse().ok()?;
    match kind {
        "service" => Some(Membership::Service(id)),
        "employer" => Some(Membership::Employer(id)),
        _ => None,
    }
}

/// A temporary password an administrator reads out: four random words
/// would need a word list, so 16 characters from an unambiguous alphabet.
fn temporary_password() -> String {
    let code = token::new_code(16);
    format!(
        "{}-{}-{}-{}",
        &code[0..4],
        &code[4..8],
        &code[8..12],
        &code[12..16]
    )
}

pub async fn create_user(
    state: web::Data<AppState>,
    admin: Admin,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    let name = form.display_name.trim().to_string();
    let email = form.email.trim().to_lowercase();
    if name.is_empty() {
        errors.add("display_name", "Enter the person's full name");
    } else if name.chars().count() > 100 {
        errors.add("display_name", "Enter a name of 100 characters or fewer");
    }
    if email.is_empty() {
        errors.add("email", "Enter an email address");
    } else if !validator::ValidateEmail::validate_email(&email) {
        errors.add(
            "email",
            "Enter an email address in the correct format, like name@example.org",
        );
    }
    let membership = parse_membership(&form.organisation);
    if membership.is_none() {
        errors.add("organisation", "Choose the role and organisation");
    }
    let (Some(membership), true) = (membership, errors.is_empty()) else {
        return new_user_page(
            &state,
            &admin,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            errors,
        )
        .await;
    };
    let temporary = temporary_password();
    let hash = state.hashing.hash(temporary.clone()).await?;
    let actor = admin.ctx.audit_actor();
    let created = state
        .store
        .run({
            let (name, email) = (name.clone(), email.clone());
            move |conn| {
                // The organisation must exist (and an employer be approved).
                let known = match membership {
                    Membership::Admin => true,
                    Membership::Service(id) => {
                        people::list_services(conn)?.iter().any(|s| s.id == id)
                    }
                    Membership::Employer(id) => people::list_employers(conn)?
                        .iter()
                        .any(|e| e.id == id && e.status == "approved"),
                };
                if !known {
                    return Ok(Err(FieldErrors::single(
                        "organisation",
                        "Choose the role and organisation",
                    )));
                }
                let at = now();
                let result = crate::write_tx!(conn, |c| {
                    let id = people::create_user(
                        c,
                        &NewUser {
                            email: &email,
                            display_name: &name,
                            password_hash: &hash,
                            membership,
                        },
                    )?;
                    audit::record(
                        c,
                        &actor,
                        Entry {
                            action: "user.created",
                            subject_kind: Some("user"),
                            subject_id: Some(id),
                            detail: Some(membership.role().as_str().to_string()),
                        },
                        at,
                    )?;
                    Ok::<i64, StoreError>(id)
                });
                match result {
                    Ok(_) => Ok(Ok(())),
                    Err(StoreError::Conflict(_)) => Ok(Err(FieldErrors::single(
                        "email",
                        "An account with this email address already exists",
                    ))),
                    Err(e) => Err(e),
                }
            }
        })
        .await?;
    match created {
        Ok(()) => {
            users_page(
                &state,
                &admin,
                StatusCode::OK,
                UsersQuery::default(),
                UsersFeedback {
                    notice: Some(format!("Added {email}.")),
                    secret: Some((email, temporary)),
                    ..UsersFeedback::default()
                },
            )
            .await
        }
        Err(errors) => {
            new_user_page(
                &state,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                errors,
            )
            .await
        }
    }
}

pub async fn reset_password(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let user_id = path.into_inner();
    let temporary = temporary_password();
    let hash = state.hashing.hash(temporary.clone()).await?;
    let actor = admin.ctx.audit_actor();
    let secret = state.config.secret_key.clone();
    let email = state
        .store
        .run(move |conn| {
            let account = access_store::staff_by_id(conn, user_id)?.ok_or(StoreError::NotFound)?;
            let at = now();
            crate::write_tx!(conn, |c| {
                access_store::set_password(c, user_id, &hash, at)?;
                access_store::revoke_user_sessions(c, user_id, None, at)?;
                access_store::clear_attempts(
                    c,
                    &access_store::account_key(&secret, &account.email),
                )?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "password.reset",
                        subject_kind: Some("user"),
                        subject_id: Some(user_id),
                        detail: None,
                    },
                    at,
                )?;
                Ok::<_, StoreError>(())
            })?;
            Ok(account.email)
        })
        .await?;
    users_page(
        &state,
        &admin,
        StatusCode::OK,
        UsersQuery::default(),
        UsersFeedback {
            notice: Some(format!(
                "Reset the password of {email} and signed them out everywhere."
            )),
            secret: Some((email, temporary)),
            ..UsersFeedback::default()
        },
    )
    .await
}

async fn set_disabled(
    state: &AppState,
    admin: &Admin,
    user_id: i64,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    if disabled && user_id == admin.actor.user_id {
        return users_page(
            state,
            admin,
            StatusCode::CONFLICT,
            UsersQuery::default(),
            UsersFeedback {
                problem: Some(
                    "You cannot disable your own account: the service would have no way back in for you. Ask another administrator to do it."
                        .into(),
                ),
                ..UsersFeedback::default()
            },
        )
        .await;
    }
    let actor = admin.ctx.audit_actor();
    let email = state
        .store
        .run(move |conn| {
            let account = access_store::staff_by_id(conn, user_id)?.ok_or(StoreError::NotFound)?;
            let at = now();
            crate::write_tx!(conn, |c| {
                access_store::set_disabled(c, user_id, disabled, at)?;
                if disabled {
                    access_store::revoke_user_sessions(c, user_id, None, at)?;
                    // Re-enabling the account must not bring old tokens back.
                    access_store::revoke_user_api_tokens(c, user_id, at)?;
                }
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: if disabled {
                            "user.disabled"
                        } else {
                            "user.enabled"
                        },
                        subject_kind: Some("user"),
                        subject_id: Some(user_id),
                        detail: None,
                    },
                    at,
                )?;
                Ok::<_, StoreError>(())
            })?;
            Ok(account.email)
        })
        .await?;
    let notice = if disabled {
        format!("Disabled {email} and signed them out.")
    } else {
        format!("Enabled {email}.")
    };
    users_page(
        state,
        admin,
        StatusCode::OK,
        UsersQuery::default(),
        UsersFeedback {
            notice: Some(notice),
            ..UsersFeedback::default()
        },
    )
    .await
}

pub async fn disable_user(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_disabled(&state, &admin, path.into_inner(), true).await
}

pub async fn enable_user(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_disabled(&state, &admin, path.into_inner(), false).await
}

#[derive(Template)]
#[template(path = "admin/terminals.html")]
struct TerminalsPage {
    chrome: Chrome,
    errors: FieldErrors,
    terminals: Vec<TerminalListing>,
    services: Vec<Service>,
    notice: Option<String>,
    code: Option<(String, String)>,
    label: String,
}

async fn terminals_page(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    errors: FieldErrors,
    notice: Option<String>,
    code: Option<(String, String)>,
    label: String,
) -> Result<HttpResponse, AppError> {
    let (terminals, services) = state
        .store
        .run(|conn| {
            Ok((
                access_store::list_terminals(conn)?,
                people::list_services(conn)?,
            ))
        })
        .await?;
    Ok(page(
        status,
        &TerminalsPage {
            chrome: Chrome::of(&admin.ctx),
            errors,
            terminals,
            services,
            notice,
            code,
            label,
        },
    ))
}

pub async fn terminals(state: web::Data<AppState>, admin: Admin) -> Result<HttpResponse, AppError> {
    terminals_page(
        &state,
        &admin,
        StatusCode::OK,
        FieldErrors::new(),
        None,
        None,
        String::new(),
    )
    .await
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    label: String,
}

pub async fn enrol_terminal(
    state: web::Data<AppState>,
    admin: Admin,
    form: web::Form<EnrolForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let label = form.label.trim().to_string();
    let mut errors = FieldErrors::new();
    let service_id: Option<i64> = form.service_id.trim().parse().ok();
    if service_id.is_none() {
        errors.add("service_id", "Choose the service the terminal belongs to");
    }
    if label.is_empty() {
        errors.add("label", "Enter a name for the terminal");
    } else if label.chars().count() > 80 {
        errors.add("label", "Enter a name of 80 characters or fewer");
    }
    let (Some(service_id), true) = (service_id, errors.is_empty()) else {
        return terminals_page(
            &state,
            &admin,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            None,
            None,
            label,
        )
        .await;
    };
    let actor = admin.ctx.audit_actor();
    let user_id = admin.actor.user_id;
    let result = state
        .store
        .run({
            let label = label.clone();
            move |conn| {
                if !people::list_services(conn)?
                    .iter()
                    .any(|s| s.id == service_id)
                {
                    return Ok(None);
                }
                let at = now();
                crate::write_tx!(conn, |c| {
                    let (id, code) =
                        access_store::create_terminal(c, service_id, &label, Some(user_id), at)?;
                    audit::record(
                        c,
                        &actor,
                        Entry {
                            action: "terminal.created",
                            subject_kind: Some("terminal"),
                            subject_id: Some(id),
                            detail: Some(label.clone()),
                        },
                        at,
                    )?;
                    Ok::<_, StoreError>(Some(code))
                })
            }
        })
        .await?;
    match result {
        Some(code) => {
            terminals_page(
                &state,
                &admin,
                StatusCode::OK,
                FieldErrors::new(),
                None,
                Some((label, code)),
                String::new(),
            )
            .await
        }
        None => {
            terminals_page(
                &state,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                FieldErrors::single("service_id", "Choose the service the terminal belongs to"),
                None,
                None,
                label,
            )
            .await
        }
    }
}

pub async fn revoke_terminal(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = admin.ctx.audit_actor();
    state
        .store
        .run(move |conn| {
            let at = now();
            crate::write_tx!(conn, |c| {
                access_store::revoke_terminal(c, id, at)?;
                audit::record(
                    c,
                    &actor,
                    Entry {
                        action: "terminal.revoked",
                        subject_kind: Some("terminal"),
                        subject_id: Some(id),
                        detail: None,
                    },
                    at,
                )
            })
        })
        .await?;
    terminals_page(
        &state,
        &admin,
        StatusCode::OK,
        FieldErrors::new(),
        Some("The terminal is revoked. Anyone using it has been signed out.".into()),
        None,
        String::new(),
    )
    .await
}

#[derive(Default, Deserialize)]
pub struct AuditQuery {
    /// Part of a name or email address, or a user's number.
    #[serde(default)]
    actor: String,
    #[serde(default)]
    subject_kind: String,
    #[serde(default)]
    subject_id: String,
    #[serde(default)]
    action: String,
    /// A date as one text (YYYY-MM-DD), as links made before the day,
    /// month and year boxes carry it.
    #[serde(default)]
    from: String,
    #[serde(default)]
    from_day: String,
    #[serde(default)]
    from_month: String,
    #[serde(default)]
    from_year: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    until_day: String,
    #[serde(default)]
    until_month: String,
    #[serde(default)]
    until_year: String,
    /// "on" shows the viewer's own `audit.viewed` rows too.
    #[serde(default)]
    show_own_views: String,
    #[serde(default)]
    page: Option<u32>,
}

impl AuditQuery {
    fn start_parts(&self) -> DateParts {
        DateParts {
            day: self.from_day.clone(),
            month: self.from_month.clone(),
            year: self.from_year.clone(),
        }
    }

    fn until_parts(&self) -> DateParts {
        DateParts {
            day: self.until_day.clone(),
            month: self.until_month.clone(),
            year: self.until_year.clone(),
        }
    }

    fn shows_own_views(&self) -> bool {
        !self.show_own_views.trim().is_empty()
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    chrome: Chrome,
    errors: FieldErrors,
    query: AuditQuery,
    from_parts: DateParts,
    until_parts: DateParts,
    rows: Vec<AuditRow>,
    total: i64,
    page: u32,
    pages: i64,
    has_more: bool,
    prev_link: String,
    next_link: String,
}

const AUDIT_PAGE: i64 = 50;

fn link(query: &AuditQuery, from: &DateParts, until: &DateParts, page: u32) -> String {
    let pairs = [
        ("actor", query.actor.as_str()),
        ("subject_kind", query.subject_kind.as_str()),
        ("subject_id", query.subject_id.as_str()),
        ("action", query.action.as_str()),
        ("from_day", from.day.as_str()),
        ("from_month", from.month.as_str()),
        ("from_year", from.year.as_str()),
        ("until_day", until.day.as_str()),
        ("until_month", until.month.as_str()),
        ("until_year", until.year.as_str()),
        ("show_own_views", query.show_own_views.as_str()),
    ];
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.trim().is_empty()) {
        out.append_pair(k, v.trim());
    }
    out.append_pair("page", &page.to_string());
    format!("/admin/audit?{}", out.finish())
}

/// A date filter from its boxes, or from the one-text form older links
/// use; what is wrong goes beside the field.
fn audit_date(
    field: &str,
    what: &str,
    parts: &DateParts,
    text: &str,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    if !parts.is_empty() {
        return parts.read(what).map_err(|m| errors.add(field, m)).ok();
    }
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    if parsed.is_none() {
        errors.add(
            field,
            format!("The {what} must be a real date, like 27 11 2026"),
        );
    }
    parsed
}

pub async fn audit(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let mut errors = FieldErrors::new();
    let mut filter = audit::Filter::default();
    let actor_text = query.actor.trim();
    if !actor_text.is_empty() {
        match actor_text.parse::<i64>() {
            Ok(id) => filter.actor_user_id = Some(id),
            Err(_) => filter.actor_text = Some(actor_text.to_string()),
        }
    }
    let subject_id = query.subject_id.trim();
    if !subject_id.is_empty() {
        match subject_id.parse::<i64>() {
            Ok(id) => filter.subject_id = Some(id),
            Err(_) => errors.add(
                "subject_id",
                "Enter the subject number as a whole number, like 42",
            ),
        }
    }
    filter.subject_kind = Some(query.subject_kind.trim().to_string()).filter(|s| !s.is_empty());
    filter.action = Some(query.action.trim().to_string()).filter(|s| !s.is_empty());
    let from_parts = query.start_parts();
    let until_parts = query.until_parts();
    let from = audit_date("from", "start date", &from_parts, &query.from, &mut errors);
    let until = audit_date("until", "end date", &until_parts, &query.until, &mut errors);
    if let (Some(from), Some(until)) = (from, until) {
        if until < from {
            errors.add(
                "until",
                format!(
                    "The end date must be the same as or after the start date ({})",
                    from.format("%-d %B %Y")
                ),
            );
        }
    }
    // The boxes show what was asked for, however it came.
    let from_parts = match (from_parts.is_empty(), from) {
        (true, Some(d)) => DateParts::of(d),
        _ => from_parts,
    };
    let until_parts = match (until_parts.is_empty(), until) {
        (true, Some(d)) => DateParts::of(d),
        _ => until_parts,
    };
    filter.from = from.and_then(|d| d.and_hms_opt(0, 0, 0));
    filter.until = until.and_then(|d| (d + Duration::days(1)).and_hms_opt(0, 0, 0));
    if !query.shows_own_views() {
        filter.hide_views_by = Some(admin.actor.user_id);
    }
    let page_number = query.page.unwrap_or(1).clamp(1, 10_000);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let actor = admin.ctx.audit_actor();
    let (rows, total) = if errors.is_empty() {
        state
            .store
            .run(move |conn| {
                let total = audit::count(conn, &filter)?;
                let rows = audit::search(
                    conn,
                    &filter,
                    AUDIT_PAGE,
                    (i64::from(page_number) - 1) * AUDIT_PAGE,
                )?;
                // Every look at the log is itself logged (the log is
                // append-only); the viewer's own views are hidden by
                // default, not dropped.
                audit::record(
                    conn,
                    &actor,
                    Entry {
                        action: "audit.viewed",
                        subject_kind: None,
                        subject_id: None,
                        detail: None,
                    },
                    now(),
                )?;
                Ok((rows, total))
            })
            .await?
    } else {
        (Vec::new(), 0)
    };
    let pages = ((total + AUDIT_PAGE - 1) / AUDIT_PAGE).max(1);
    let has_more = i64::from(page_number) < pages;
    let prev_link = link(
        &query,
        &from_parts,
        &until_parts,
        page_number.saturating_sub(1).max(1),
    );
    let next_link = link(&query, &from_parts, &until_parts, page_number + 1);
    Ok(page(
        status,
        &AuditPage {
            chrome: Chrome::of(&admin.ctx),
            errors,
            query,
            from_parts,
            until_parts,
            rows,
            total,
            page: page_number,
            pages,
            has_more,
            prev_link,
            next_link,
        },
    ))
}

struct DeadLetter {
    id: i64,
    kind: String,
    what: String,
    attempts: i32,
    error: String,
    since: String,
}

#[derive(Template)]
#[template(path = "admin/queue.html")]
struct QueuePage {
    chrome: Chrome,
    counts: Vec<(String, i64)>,
    dead: Vec<DeadLetter>,
    notice: Option<String>,
}

async fn queue_page(
    state: &AppState,
    admin: &Admin,
    notice: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (counts, dead) = state
        .store
        .run(|conn| {
            Ok((
                crate::store::jobs::counts(conn)?,
                crate::store::jobs::list(conn, "dead", 200)?,
            ))
        })
        .await?;
    let dead = dead
        .into_iter()
        .map(|job| DeadLetter {
            id: job.id,
            what: crate::notify::describe(&job.payload).unwrap_or_else(|| job.kind.clone()),
            kind: job.kind,
            attempts: job.attempts,
            error: job.last_error.unwrap_or_default(),
            since: job.updated_at.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect();
    Ok(page(
        StatusCode::OK,
        &QueuePage {
            chrome: Chrome::of(&admin.ctx),
            counts,
            dead,
            notice,
        },
    ))
}

pub async fn queue(state: web::Data<AppState>, admin: Admin) -> Result<HttpResponse, AppError> {
    queue_page(&state, &admin, None).await
}

pub async fn retry_job(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = admin.ctx.audit_actor();
    state
        .store
        .run(move |conn| {
            let at = now();
            crate::store::jobs::retry_dead(conn, id, at)?;
            audit::record(
                conn,
                &actor,
                Entry {
                    action: "job.retried",
                    subject_kind: Some("job"),
                    subject_id: Some(id),
                    detail: None,
                },
                at,
            )
        })
        .await?;
    queue_page(
        &state,
        &admin,
        Some(format!("Job {id} is back in the queue.")),
    )
    .await
}
