//! The CV on the officer's profile page: the CV as the person's record and
//! words make it today, when the person last changed it, the officer's
//! suggestions (one for each part the person writes, and one note about
//! the whole), and the CV as a one-page PDF to hand over on release day.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};

use super::export::exporter;
use crate::app::cvs;
use crate::domain::cv::{clean_text, Suggestions, SUGGESTION_MAX};
use crate::domain::FieldErrors;
use crate::web::auth::{Casework, Officer};
use crate::web::errors::AppError;
use crate::web::extract::On;
use crate::web::i18n::{Lang, Messages};
use crate::web::officer::{caseworker, see_other};
use crate::web::terminal::seeker::CvLines;
use crate::web::AppState;

/// The officer's suggestions as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct SuggestionForm {
    #[serde(default)]
    pub suggestion_about_me: String,
    #[serde(default)]
    pub suggestion_strengths: String,
    #[serde(default)]
    pub suggestion_references: String,
    #[serde(default)]
    pub suggestion_general: String,
}

impl SuggestionForm {
    fn of(s: &Suggestions) -> Self {
        Self {
            suggestion_about_me: s.about_me.clone(),
            suggestion_strengths: s.strengths.clone(),
            suggestion_references: s.references.clone(),
            suggestion_general: s.general.clone(),
        }
    }

    fn fields(self) -> Vec<(&'static str, &'static str, String)> {
        vec![
            ("suggestion_about_me", "About me", self.suggestion_about_me),
            (
                "suggestion_strengths",
                "What I am good at",
                self.suggestion_strengths,
            ),
            (
                "suggestion_references",
                "References",
                self.suggestion_references,
            ),
            (
                "suggestion_general",
                "A note about the whole CV",
                self.suggestion_general,
            ),
        ]
    }

    /// The suggestions, or a message beside each one that is too long.
    pub fn parse(&self) -> Result<Suggestions, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut check = |field: &str, text: &str| match clean_text(text, SUGGESTION_MAX) {
            Ok(clean) => clean,
            Err(e) => {
                errors.add(field, format!("Use {} characters or fewer", e.max));
                String::new()
            }
        };
        let suggestions = Suggestions {
            about_me: check("suggestion_about_me", &self.suggestion_about_me),
            strengths: check("suggestion_strengths", &self.suggestion_strengths),
            references: check("suggestion_references", &self.suggestion_references),
            general: check("suggestion_general", &self.suggestion_general),
        };
        errors.into_result(suggestions)
    }
}

/// What the profile page's CV section shows.
pub struct CvSection {
    pub lines: CvLines,
    /// The person has written something of their own.
    pub started: bool,
    /// "Last changed by the person on …", or that they have not started.
    pub changed: String,
    /// "Suggestions last saved by … on …", when there are any.
    pub suggested: String,
    /// Each suggestion's field, label and text.
    pub fields: Vec<(&'static str, &'static str, String)>,
}

/// The CV section of a person of the officer's service; `typed` are the
/// suggestions of a form that failed, shown again.
pub async fn section(
    state: &AppState,
    officer: &Officer,
    id: i64,
    typed: Option<SuggestionForm>,
) -> Result<CvSection, AppError> {
    let found = cvs::for_officer(state, officer.service_id, id).await?;
    let cv = &found.cv;
    let changed = match cv.changed_at {
        Some(at) => format!(
            "The person last changed their CV on {}.",
            at.format("%d %B %Y at %H:%M")
        ),
        None => "The person has not written any of their CV yet.".into(),
    };
    let suggested = match (cv.suggested_at, &found.suggested_by) {
        (Some(at), Some(name)) => format!(
            "Suggestions last saved by {name} on {}.",
            at.format("%d %B %Y")
        ),
        (Some(at), None) => format!("Suggestions last saved on {}.", at.format("%d %B %Y")),
        _ => String::new(),
    };
    Ok(CvSection {
        lines: CvLines::of(Messages::new(Lang::En), &found.snapshot),
        started: cv.changed_at.is_some(),
        changed,
        suggested,
        fields: typed
            .unwrap_or_else(|| SuggestionForm::of(&cv.suggestions))
            .fields(),
    })
}

/// Saves the officer's suggestions; the person sees them beside the parts
/// they are about. Too long a suggestion shows the page again with the
/// message beside it, and nothing is saved.
pub async fn suggest(
    state: web::Data<AppState>,
    officer: Officer,
    path: web::Path<i64>,
    form: web::Form<SuggestionForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form) = (path.into_inner(), form.into_inner());
    match form.parse() {
        Ok(suggestions) => {
            cvs::suggest(&state, caseworker(&officer), id, suggestions).await?;
            Ok(see_other(format!("/officer/profiles/{id}?saved=cv#cv")))
        }
        Err(errors) => {
            crate::web::officer::home::profile_page_with_cv(
                &state,
                &officer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                form,
            )
            .await
        }
    }
}

/// The CV as a one-page A4 PDF (an officer of the person's service, or an
/// administrator). Audited as a view of the profile.
pub async fn pdf(on: On<Casework>) -> Result<HttpResponse, AppError> {
    let (name, snapshot) = cvs::for_pdf(&on.state, exporter(&on.actor), on.id).await?;
    let lines = CvLines::of(Messages::new(Lang::En), &snapshot);
    let bytes = web::block(move || super::cv_pdf::render(&name, &lines))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let file = format!("inline; filename=\"cv-{}.pdf\"", on.id);
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, file))
        .body(bytes))
}
