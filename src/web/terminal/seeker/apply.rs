//! "I'm interested": the statement, sent or kept as a draft.

use super::*;
use crate::app::applications::seeker as seeker_app;

#[derive(Template)]
#[template(path = "terminal/apply.html")]
pub(super) struct ApplyPage {
    f: Frame,
    errors: FieldErrors,
    vacancy_id: i64,
    title_line: String,
    statement: String,
    hint: String,
    saved: bool,
    /// The person has a CV worth sending: the choice to send it shows.
    cv_choice: bool,
    send_cv: bool,
}

pub async fn apply_form(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    on_vacancy(&state, &seeker, &req, path, |v| apply_form_page(&state, v)).await
}

async fn apply_form_page(state: &AppState, visit: Visit) -> Result<HttpResponse, AppError> {
    let (existing, draft) = application_and_draft(state, visit.profile.id, visit.id).await?;
    if existing.is_some() {
        return Ok(redirect(&format!("/terminal/applications/{}", visit.id)));
    }
    let statement = draft.unwrap_or_default();
    let (errors, saved) = (FieldErrors::new(), false);
    let mut form = ApplyPage::new(visit.f, visit.id, &visit.vacancy, statement, errors, saved);
    form.cv_choice = cv_worth_sending(state, visit.profile.id).await?;
    Ok(page(StatusCode::OK, &form))
}

impl ApplyPage {
    fn new(
        f: Frame,
        vacancy_id: i64,
        vacancy: &Vacancy,
        statement: String,
        errors: FieldErrors,
        saved: bool,
    ) -> Self {
        let t = f.t;
        Self {
            errors,
            vacancy_id,
            title_line: t.with("apply.for", "title", vacancy.details.title()),
            statement,
            hint: t.with("apply.statement_hint", "max", STATEMENT_MAX),
            saved,
            cv_choice: false,
            send_cv: false,
            f,
        }
    }
}

#[derive(Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    statement: String,
    #[serde(default)]
    action: String,
    /// "yes" when the person ticked "Send my CV with this application".
    #[serde(default)]
    send_cv: String,
}

/// Checks a statement, with messages in the person's language.
pub fn check_statement(t: Messages, statement: &str, sending: bool) -> Result<(), FieldErrors> {
    if statement.chars().count() > STATEMENT_MAX {
        return Err(FieldErrors::single(
            "statement",
            t.with("apply.error.too_long", "max", STATEMENT_MAX),
        ));
    }
    if sending && statement.trim().is_empty() {
        return Err(FieldErrors::single("statement", t.get("apply.error.empty")));
    }
    Ok(())
}

pub async fn apply(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    path: web::Path<i64>,
    form: web::Form<ApplyForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    on_vacancy(&state, &seeker, &req, path, |v| {
        send_or_keep(&state, v, form)
    })
    .await
}

/// Sends the statement, or keeps it as a draft when the person asked to.
async fn send_or_keep(
    state: &AppState,
    visit: Visit,
    form: ApplyForm,
) -> Result<HttpResponse, AppError> {
    let (f, id, vacancy) = (visit.f, visit.id, visit.vacancy);
    let t = f.t;
    let saving = form.action == "save";
    let profile_id = visit.profile.id;
    let cv_choice = cv_worth_sending(state, profile_id).await?;
    let send_cv = form.send_cv == "yes";
    let render = |status: StatusCode, errors: FieldErrors, saved: bool, f: Frame| {
        let statement = form.statement.clone();
        let mut shown = ApplyPage::new(f, id, &vacancy, statement, errors, saved);
        (shown.cv_choice, shown.send_cv) = (cv_choice, send_cv);
        page(status, &shown)
    };
    if let Err(errors) = check_statement(t, &form.statement, !saving) {
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, errors, false, f));
    }
    if send_cv && !cv_choice && !saving {
        let errors = FieldErrors::single("send_cv", t.get("cv.error.no_cv"));
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, errors, false, f));
    }
    if saving {
        let statement = form.statement.clone();
        let saved = seeker_app::save_draft(state, profile_id, id, statement).await;
        return match saved {
            Ok(()) => Ok(render(StatusCode::OK, FieldErrors::new(), true, f)),
            Err(SeekerError::Invalid(_)) => Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                FieldErrors::single(
                    "statement",
                    t.with("apply.error.too_long", "max", STATEMENT_MAX),
                ),
                false,
                f,
            )),
            Err(e) => Err(e.into()),
        };
    }
    match seeker_app::submit(state, profile_id, id, form.statement.clone(), send_cv).await {
        Ok(_) => Ok(redirect(&format!("/terminal/applications/{id}"))),
        Err(SeekerError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::single("statement", t.get("apply.error.empty")),
            false,
            f,
        )),
        Err(e) => seeker_page_error(f, e),
    }
}
