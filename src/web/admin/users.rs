//! Staff accounts: the list, adding one, resetting a password, disabling.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::access::token;
use crate::app::accounts;
use crate::app::Failure;
use crate::domain::FieldErrors;
use crate::store::access::{self as access_store, UserListing};
use crate::store::people::{self, Employer, EmployerStatus, Membership, Service};
use crate::web::auth::Admin;
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

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
        .filter(|e| e.status == EmployerStatus::Approved)
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
    let new = accounts::NewAccount {
        name,
        email: email.clone(),
        membership,
    };
    let created =
        accounts::create_user(&state, admin.ctx.audit_actor(), new, temporary.clone()).await;
    match created {
        Ok(()) => {
            let feedback = UsersFeedback {
                notice: Some(format!("Added {email}.")),
                secret: Some((email, temporary)),
                ..UsersFeedback::default()
            };
            users_page(
                &state,
                &admin,
                StatusCode::OK,
                UsersQuery::default(),
                feedback,
            )
            .await
        }
        Err(Failure::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            new_user_page(&state, &admin, status, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn reset_password(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let user_id = path.into_inner();
    let temporary = temporary_password();
    let actor = admin.ctx.audit_actor();
    let email = accounts::reset_password(&state, actor, user_id, temporary.clone()).await?;
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
    let email = accounts::set_disabled(state, actor, user_id, disabled).await?;
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
