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
    /// The "send my disclosure letter" choice shows, and whether it is
    /// ticked.
    letter: LetterOffer,
}

/// Whether the apply form offers the disclosure letter, and whether the
/// box is ticked.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct LetterOffer {
    pub shown: bool,
    pub ticked: bool,
}

/// The form offers the letter only when it is approved and the vacancy's
/// check means convictions will be asked about.
async fn letter_offer(
    state: &AppState,
    profile_id: i64,
    vacancy: &Vacancy,
    ticked: bool,
) -> Result<LetterOffer, AppError> {
    let level = vacancy.details.check_level();
    let shown = crate::app::disclosure::can_attach(state, profile_id, level).await?;
    Ok(LetterOffer {
        shown,
        ticked: shown && ticked,
    })
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
    let letter = letter_offer(state, visit.profile.id, &visit.vacancy, false).await?;
    let mut form = ApplyPage::new(visit.f, visit.id, &visit.vacancy, statement, errors, saved);
    form.cv_choice = cv_worth_sending(state, visit.profile.id).await?;
    form.letter = letter;
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
            letter: LetterOffer::default(),
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
    /// "yes": send the disclosure letter with the application.
    #[serde(default)]
    disclosure: String,
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
/// The disclosure letter goes only when the person ticked the box, the
/// letter is approved and the vacancy asks about convictions; a forged
/// choice is refused beside the box and nothing is written.
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
    let wants_letter = form.disclosure == "yes";
    let letter = letter_offer(state, profile_id, &vacancy, wants_letter).await?;
    let render = |status: StatusCode, errors: FieldErrors, saved: bool, f: Frame| {
        let statement = form.statement.clone();
        let mut body = ApplyPage::new(f, id, &vacancy, statement, errors, saved);
        (body.cv_choice, body.send_cv) = (cv_choice, send_cv);
        body.letter = letter;
        page(status, &body)
    };
    let refused_letter = || FieldErrors::single("disclosure", t.get("letter.apply.not_allowed"));
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
    if wants_letter && !letter.shown {
        return Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            refused_letter(),
            false,
            f,
        ));
    }
    let choice = wants_letter.then(|| {
        let level = vacancy.details.check_level();
        (level, t.lang.code().to_string())
    });
    let statement = form.statement.clone();
    let sent = seeker_app::Sent {
        cv: send_cv,
        letter: choice,
    };
    match seeker_app::submit_with(state, profile_id, id, statement, sent).await {
        Ok(_) => Ok(redirect(&format!("/terminal/applications/{id}"))),
        Err(SeekerError::Invalid(fields)) if fields.has("disclosure") => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            refused_letter(),
            false,
            f,
        )),
        Err(SeekerError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::single("statement", t.get("apply.error.empty")),
            false,
            f,
        )),
        Err(e) => seeker_page_error(f, e),
    }
}
