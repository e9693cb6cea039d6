//! Employer accounts: the public sign-up request, the administrator's
//! review (approve, or decline with a reason), and invitations that let a
//! member's colleague join the same employer.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{member_of, see_other};
use crate::access::password;
use crate::app::employers::{self, JoinRequest};
use crate::app::{self, Failure};
use crate::domain::skills::Taxonomy;
use crate::domain::FieldErrors;
use crate::store::employer_accounts as accounts;
use crate::store::now;
use crate::store::people::Employer;
use crate::web::auth::{Admin, EmployerMember, Visitor};
use crate::web::errors::AppError;
use crate::web::pages::{page, render_status};
use crate::web::view::Chrome;
use crate::web::AppState;

fn looks_like_email(email: &str) -> bool {
    let email = email.trim();
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
                && email.chars().count() <= 254
        }
        None => false,
    }
}

fn check_new_password(
    errors: &mut FieldErrors,
    password: &str,
    confirm: &str,
    email: &str,
    field: &str,
) {
    if password.is_empty() {
        errors.add(field, "Enter a password");
    } else if let Err(message) = password::check_strength(password, email) {
        errors.add(field, message);
    } else if password != confirm {
        errors.add("password_confirm", "Enter the same password twice");
    }
}

// ------------------------------------------------------------ sign-up

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    pledge: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

#[derive(Template)]
#[template(path = "employer/sign_up.html")]
struct SignUpPage<'a> {
    chrome: Chrome,
    errors: FieldErrors,
    form: SignUpForm,
    taxonomy: &'a Taxonomy,
}

fn sign_up_page(
    state: &AppState,
    visitor: &Visitor,
    status: StatusCode,
    mut form: SignUpForm,
    errors: FieldErrors,
) -> HttpResponse {
    form.password.clear();
    form.password_confirm.clear();
    page(
        status,
        &SignUpPage {
            chrome: Chrome::of(&visitor.ctx),
            errors,
            form,
            taxonomy: &state.taxonomy,
        },
    )
}

pub async fn sign_up_form(state: web::Data<AppState>, visitor: Visitor) -> HttpResponse {
    sign_up_page(
        &state,
        &visitor,
        StatusCode::OK,
        SignUpForm::default(),
        FieldErrors::new(),
    )
}

fn check_sign_up(form: &SignUpForm, taxonomy: &Taxonomy) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let length = |text: &str| text.trim().chars().count();
    if !(2..=120).contains(&length(&form.organisation)) {
        errors.add(
            "organisation",
            "Enter your organisation's name, up to 120 characters",
        );
    }
    if !(2..=120).contains(&length(&form.contact_name)) {
        errors.add(
            "contact_name",
            "Enter the contact's full name, up to 120 characters",
        );
    }
    if !looks_like_email(&form.contact_email) {
        errors.add(
            "contact_email",
            "Enter an email address in the right format, like name@example.org",
        );
    }
    let phone = form.contact_phone.trim();
    if !phone.is_empty()
        && (phone.chars().filter(char::is_ascii_digit).count() < 7
            || phone.chars().count() > 30
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +()-".contains(c)))
    {
        errors.add("contact_phone", "Enter a phone number, like 0113 496 0000");
    }
    if form.sector.trim().is_empty() || !taxonomy.is_known_sector(form.sector.trim()) {
        errors.add("sector", "Choose your sector");
    }
    if !(5..=500).contains(&length(&form.address)) {
        errors.add(
            "address",
            "Enter your organisation's address, up to 500 characters",
        );
    }
    let website = normalise_website(&form.website);
    if !website.is_empty()
        && (url::Url::parse(&website)
            .ok()
            .and_then(|u| u.host_str().map(|h| h.contains('.')))
            != Some(true)
            || website.chars().count() > 200)
    {
        errors.add("website", "Enter the website address, like www.example.org");
    }
    if form.pledge != "accepted" {
        errors.add(
            "pledge",
            "Accept the fair-chance pledge to use Fair Chance Jobs",
        );
    }
    check_new_password(
        &mut errors,
        &form.password,
        &form.password_confirm,
        &form.contact_email,
        "password",
    );
    errors
}

/// A website as people write it ("www.example.org", "example.org/jobs")
/// made a full address: https:// is added when no scheme is given.
pub fn normalise_website(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        text.to_string()
    } else {
        format!("https://{}", text.trim_start_matches('/'))
    }
}

impl SignUpForm {
    /// The request as the use case takes it: trimmed, blanks left out.
    fn request(&self) -> JoinRequest {
        let optional = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
        JoinRequest {
            organisation: self.organisation.trim().to_string(),
            sector: self.sector.trim().to_string(),
            contact_name: self.contact_name.trim().to_string(),
            contact_email: self.contact_email.trim().to_string(),
            contact_phone: optional(&self.contact_phone),
            address: self.address.trim().to_string(),
            website: optional(&self.website),
        }
    }
}

pub async fn sign_up(
    state: web::Data<AppState>,
    visitor: Visitor,
    form: web::Form<SignUpForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    form.website = normalise_website(&form.website);
    let errors = check_sign_up(&form, &state.taxonomy);
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(sign_up_page(&state, &visitor, status, form, errors));
    }
    // Each request costs a password hash and may send an email: limited per
    // address like sign-in, charged before anything is checked.
    let actor = visitor.ctx.audit_actor();
    let (charged, ip) = (actor.clone(), visitor.ctx.ip.clone());
    let limited = app::run(&state.store, move |conn| {
        employers::charge_join(conn, &ip, &charged)
    })
    .await;
    if let Err(Failure::TooMany {
        retry_after,
        message,
    }) = limited
    {
        let status = StatusCode::TOO_MANY_REQUESTS;
        let errors = FieldErrors::single("organisation", message);
        let mut res = sign_up_page(&state, &visitor, status, form, errors);
        res.headers_mut()
            .insert(header::RETRY_AFTER, retry_after.into());
        return Ok(res);
    }
    limited?;
    let hash = state.hashing.hash(form.password.clone()).await?;
    let (request, config) = (form.request(), state.config.clone());
    let stored = app::run(&state.store, move |conn| {
        employers::request_to_join(conn, &config, &actor, &request, &hash)
    })
    .await;
    match stored {
        Ok(()) => Ok(render_status(
            StatusCode::OK,
            "Thank you: we have your request",
            "An administrator checks every new employer. We will email your contact address when your account is approved; you can sign in from then on.",
        )),
        Err(Failure::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(sign_up_page(&state, &visitor, status, form, errors))
        }
        Err(other) => Err(other.into()),
    }
}

// ------------------------------------------------------------ admin review

#[derive(Template)]
#[template(path = "admin/employers.html")]
struct ReviewPage {
    chrome: Chrome,
    errors: FieldErrors,
    pending: Vec<Employer>,
    /// The employer whose decline form has the error.
    failed: Option<i64>,
    reason: String,
    done: Option<String>,
    taxonomy: std::sync::Arc<crate::domain::skills::Taxonomy>,
}

impl ReviewPage {
    /// The sector's name from the taxonomy (the code if it is unknown).
    fn sector_label<'a>(&'a self, slug: &'a str) -> &'a str {
        self.taxonomy.sector_label(slug)
    }
}

async fn review_page(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    errors: FieldErrors,
    failed: Option<i64>,
    reason: String,
    done: Option<String>,
) -> Result<HttpResponse, AppError> {
    let pending = state.store.run(accounts::pending).await?;
    Ok(page(
        status,
        &ReviewPage {
            chrome: Chrome::of(&admin.ctx),
            errors,
            pending,
            failed,
            reason,
            done,
            taxonomy: state.taxonomy.clone(),
        },
    ))
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn review(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let done = match query.done.as_deref() {
        Some("approved") => Some("Approved. The employer's contact has been emailed.".to_string()),
        Some("declined") => {
            Some("Declined. The employer's contact has been emailed the reason.".to_string())
        }
        _ => None,
    };
    review_page(
        &state,
        &admin,
        StatusCode::OK,
        FieldErrors::new(),
        None,
        String::new(),
        done,
    )
    .await
}

async fn decide(
    state: &AppState,
    admin: &Admin,
    id: i64,
    reason: Option<String>,
) -> Result<(), AppError> {
    let admin_id = admin.actor.user_id;
    let actor = admin.ctx.audit_actor();
    let config = state.config.clone();
    app::run(&state.store, move |conn| {
        employers::decide(conn, &config, admin_id, &actor, id, reason)
    })
    .await?;
    Ok(())
}

pub async fn approve(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    decide(&state, &admin, path.into_inner(), None).await?;
    Ok(see_other("/admin/employers?done=approved"))
}

#[derive(Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
}

pub async fn decline(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    form: web::Form<DeclineForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let reason = form.into_inner().reason.trim().to_string();
    if !(10..=1000).contains(&reason.chars().count()) {
        // Unknown ids are not found before the form is judged.
        let exists = app::run(&state.store, move |conn| employers::is_pending(conn, id)).await?;
        if !exists {
            return Err(AppError::NotFound);
        }
        let field = format!("reason_{id}");
        return review_page(
            &state,
            &admin,
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::single(
                field,
                "Give the reason in 10 to 1,000 characters; the employer will read it",
            ),
            Some(id),
            reason,
            None,
        )
        .await;
    }
    decide(&state, &admin, id, Some(reason)).await?;
    Ok(see_other("/admin/employers?done=declined"))
}

// ------------------------------------------------------------ invitations

#[derive(Template)]
#[template(path = "employer/team.html")]
struct TeamPage {
    chrome: Chrome,
    errors: FieldErrors,
    members: Vec<(String, String)>,
    invitations: Vec<(String, chrono::NaiveDateTime)>,
    email: String,
    sent: Option<String>,
}

async fn team_page(
    state: &AppState,
    member: &EmployerMember,
    status: StatusCode,
    errors: FieldErrors,
    email: String,
    sent: Option<String>,
) -> Result<HttpResponse, AppError> {
    let employer_id = member.employer_id;
    let (members, invitations) = state
        .store
        .run(move |conn| {
            Ok((
                accounts::members(conn, employer_id)?,
                accounts::open_invitations(conn, employer_id, now())?,
            ))
        })
        .await?;
    Ok(page(
        status,
        &TeamPage {
            chrome: Chrome::of(&member.ctx),
            errors,
            members,
            invitations,
            email,
            sent,
        },
    ))
}

pub async fn team(
    state: web::Data<AppState>,
    member: EmployerMember,
) -> Result<HttpResponse, AppError> {
    team_page(
        &state,
        &member,
        StatusCode::OK,
        FieldErrors::new(),
        String::new(),
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
}

pub async fn invite(
    state: web::Data<AppState>,
    member: EmployerMember,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let email = form.into_inner().email.trim().to_lowercase();
    if !looks_like_email(&email) {
        return team_page(
            &state,
            &member,
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::single(
                "email",
                "Enter an email address in the right format, like name@example.org",
            ),
            email,
            None,
        )
        .await;
    }
    let by = member_of(&member);
    let inviter = member.actor.name.clone();
    let config = state.config.clone();
    let result = {
        let email = email.clone();
        app::run(&state.store, move |conn| {
            employers::invite(conn, &config, &by, &inviter, &email)
        })
        .await
    };
    let (status, errors, email, sent) = match result {
        Ok(()) => (
            StatusCode::OK,
            FieldErrors::new(),
            String::new(),
            Some(email),
        ),
        Err(Failure::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, email, None),
        Err(other) => return Err(other.into()),
    };
    team_page(&state, &member, status, errors, email, sent).await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

#[derive(Template)]
#[template(path = "employer/join.html")]
struct JoinPage {
    chrome: Chrome,
    errors: FieldErrors,
    token: String,
    name: String,
    email: String,
    employer: String,
}

fn unusable_link() -> HttpResponse {
    render_status(
        StatusCode::GONE,
        "This invitation link cannot be used",
        "The link has expired, has already been used, or is not complete. Ask your colleague to invite you again.",
    )
}

pub async fn join_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<JoinForm>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token;
    let lookup = token.clone();
    let found = state
        .store
        .run(move |conn| accounts::find_invitation(conn, &lookup, now()))
        .await?;
    let Some(invitation) = found else {
        return Ok(unusable_link());
    };
    Ok(page(
        StatusCode::OK,
        &JoinPage {
            chrome: Chrome::of(&visitor.ctx),
            errors: FieldErrors::new(),
            token,
            name: String::new(),
            email: invitation.email,
            employer: invitation.employer_name,
        },
    ))
}

pub async fn join(
    state: web::Data<AppState>,
    visitor: Visitor,
    form: web::Form<JoinForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let lookup = form.token.clone();
    let found = state
        .store
        .run(move |conn| accounts::find_invitation(conn, &lookup, now()))
        .await?;
    let Some(invitation) = found else {
        return Ok(unusable_link());
    };
    let mut errors = FieldErrors::new();
    let name = form.name.trim().to_string();
    if !(2..=120).contains(&name.chars().count()) {
        errors.add("name", "Enter your full name, up to 120 characters");
    }
    check_new_password(
        &mut errors,
        &form.password,
        &form.password_confirm,
        &invitation.email,
        "password",
    );
    if !errors.is_empty() {
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &JoinPage {
                chrome: Chrome::of(&visitor.ctx),
                errors,
                token: form.token,
                name,
                email: invitation.email,
                employer: invitation.employer_name,
            },
        ));
    }
    let hash = state.hashing.hash(form.password.clone()).await?;
    let actor = visitor.ctx.audit_actor();
    let result = app::run(&state.store, move |conn| {
        employers::join(conn, &actor, &invitation, &name, &hash)
    })
    .await;
    match result {
        Ok(_) => Ok(see_other("/sign-in?joined=1")),
        Err(Failure::Conflict(_)) => Ok(unusable_link()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_website;

    #[test]
    fn a_website_without_a_scheme_gets_https() {
        assert_eq!(
            normalise_website(" www.example.org "),
            "https://www.example.org"
        );
        assert_eq!(
            normalise_website("example.org/jobs"),
            "https://example.org/jobs"
        );
        assert_eq!(
            normalise_website("http://example.org"),
            "http://example.org"
        );
        assert_eq!(
            normalise_website("HTTPS://Example.org"),
            "HTTPS://Example.org"
        );
        assert_eq!(normalise_website(""), "");
    }
}
