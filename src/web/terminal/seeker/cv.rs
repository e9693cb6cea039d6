//! "My CV": the CV as it stands (the parts from the person's record,
//! which only their officer changes, and their own words), three short
//! steps for their own words (about me, strengths, references), each saved
//! as a draft at once, and the officer's suggestions beside the part they
//! are about. `?print=1` is the plain view for printing on one A4 page.

use super::*;
use crate::app::cvs;
use crate::domain::cv::{
    clean_text, years_text, Cv, OwnWords, Section, Snapshot, ABOUT_ME_MAX, REFERENCES_NOTE_MAX,
    STRENGTHS_MAX,
};
use crate::domain::profile::SkillSource;

/// The CV in words of one language: what the terminal shows and prints,
/// and (in English) what staff and employers read.
pub struct CvLines {
    pub about_me: String,
    pub strengths: String,
    pub skills: Vec<String>,
    pub certificates: Vec<String>,
    pub work: Vec<String>,
    /// None until the person answers.
    pub references: Option<String>,
    pub references_note: String,
}

fn source_text(t: Messages, source: &str) -> &'static str {
    match SkillSource::parse(source) {
        Ok(SkillSource::PrisonCourse) => t.get("cv.source.prison_course"),
        Ok(SkillSource::PrisonWork) => t.get("cv.source.prison_work"),
        Ok(SkillSource::PastJob) => t.get("cv.source.past_job"),
        _ => t.get("cv.source.self_declared"),
    }
}

impl CvLines {
    pub fn of(t: Messages, s: &Snapshot) -> Self {
        let skills = s
            .skills
            .iter()
            .map(|k| {
                t.fill(
                    "cv.skill_line",
                    &[
                        ("skill", k.label.clone()),
                        ("source", source_text(t, &k.source).to_string()),
                    ],
                )
            })
            .collect();
        let certificates = s
            .certificates
            .iter()
            .map(|c| match c.expires_on {
                Some(d) => t.fill(
                    "cv.certificate_until",
                    &[("name", c.label.clone()), ("date", t.date(d))],
                ),
                None => c.label.clone(),
            })
            .collect();
        let work = s
            .work_history
            .iter()
            .map(|j| {
                let years = years_text(
                    j.from_year,
                    j.to_year,
                    t.get("cv.years_now"),
                    t.get("cv.years_to"),
                );
                if j.employer.trim().is_empty() {
                    t.fill(
                        "cv.job_line_no_employer",
                        &[("role", j.role.clone()), ("years", years)],
                    )
                } else {
                    t.fill(
                        "cv.job_line",
                        &[
                            ("role", j.role.clone()),
                            ("employer", j.employer.clone()),
                            ("years", years),
                        ],
                    )
                }
            })
            .collect();
        let references = s.words.references_available.map(|yes| {
            if yes {
                t.get("cv.references_yes").to_string()
            } else {
                t.get("cv.references_no").to_string()
            }
        });
        Self {
            about_me: s.words.about_me.clone(),
            strengths: s.words.strengths.clone(),
            skills,
            certificates,
            work,
            references,
            references_note: s.words.references_note.clone(),
        }
    }
}

/// One of the person's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CvStep {
    AboutMe,
    Strengths,
    References,
}

impl CvStep {
    fn section(self) -> Section {
        match self {
            CvStep::AboutMe => Section::AboutMe,
            CvStep::Strengths => Section::Strengths,
            CvStep::References => Section::References,
        }
    }

    /// Its address under /terminal/cv/.
    pub fn slug(self) -> &'static str {
        match self {
            CvStep::AboutMe => "about-me",
            CvStep::Strengths => "strengths",
            CvStep::References => "references",
        }
    }

    fn number(self) -> usize {
        match self {
            CvStep::AboutMe => 1,
            CvStep::Strengths => 2,
            CvStep::References => 3,
        }
    }

    /// Where saving this step leads.
    fn after(self) -> String {
        match self {
            CvStep::AboutMe => "/terminal/cv/strengths?saved=1".into(),
            CvStep::Strengths => "/terminal/cv/references?saved=1".into(),
            CvStep::References => "/terminal/cv?saved=1".into(),
        }
    }
}

/// A part of the overview the person writes.
pub struct OwnPart {
    pub title: String,
    pub text: String,
    pub suggestion: String,
    pub link: String,
    pub link_text: String,
}

#[derive(Template)]
#[template(path = "terminal/cv.html")]
struct CvPage {
    f: Frame,
    lines: CvLines,
    /// About me and strengths.
    own: Vec<OwnPart>,
    references: OwnPart,
    general: String,
    changed: String,
    saved: bool,
    full_name: String,
    printed: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct CvSavedQuery {
    #[serde(default)]
    saved: String,
}

fn own_part(t: Messages, cv: &Cv, step: CvStep, title: &str, text: String) -> OwnPart {
    let written = !text.trim().is_empty();
    OwnPart {
        title: t.get(title).to_string(),
        text,
        suggestion: cv.suggestions.of(step.section()).to_string(),
        link: format!("/terminal/cv/{}", step.slug()),
        link_text: if written {
            t.get("cv.change").to_string()
        } else {
            t.get("cv.write").to_string()
        },
    }
}

/// The CV as it stands, with the steps and the officer's suggestions.
pub async fn cv_page(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    query: web::Query<CvSavedQuery>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let t = f.t;
    let (profile, cv, snapshot) = cvs::for_seeker(&state, seeker.seeker.profile_id).await?;
    let lines = CvLines::of(t, &snapshot);
    let references_text = match &lines.references {
        Some(answer) => answer.clone(),
        None => String::new(),
    };
    let d = &profile.details;
    let page_data = CvPage {
        own: vec![
            own_part(
                t,
                &cv,
                CvStep::AboutMe,
                "cv.about_me",
                cv.words.about_me.clone(),
            ),
            own_part(
                t,
                &cv,
                CvStep::Strengths,
                "cv.strengths",
                cv.words.strengths.clone(),
            ),
        ],
        references: own_part(t, &cv, CvStep::References, "cv.references", references_text),
        general: cv.suggestions.general.clone(),
        changed: cv
            .changed_at
            .map(|at| t.with("cv.changed_on", "date", t.date(at.date())))
            .unwrap_or_default(),
        saved: query.saved == "1",
        full_name: format!("{} {}", d.given_name(), d.family_name()),
        printed: t.with("site.printed", "date", t.date(today())),
        lines,
        f,
    };
    Ok(page(StatusCode::OK, &page_data))
}

#[derive(Template)]
#[template(path = "terminal/cv_step.html")]
struct CvStepPage {
    f: Frame,
    errors: FieldErrors,
    slug: &'static str,
    /// The text field of "about me" or "strengths".
    field: &'static str,
    heading: String,
    step_text: String,
    suggestion: String,
    saved: bool,
    /// The text of "about me" or "strengths".
    text: String,
    hint: String,
    /// The references step: "yes", "no" or "".
    answer: String,
    note: String,
    note_hint: String,
    references_step: bool,
    last: bool,
}

impl CvStepPage {
    fn new(f: Frame, step: CvStep, cv: &Cv, typed: &CvForm, errors: FieldErrors) -> Self {
        let t = f.t;
        let (heading, hint) = match step {
            CvStep::AboutMe => (
                t.get("cv.about_me"),
                t.with("cv.about_me_hint", "max", ABOUT_ME_MAX),
            ),
            CvStep::Strengths => (
                t.get("cv.strengths"),
                t.with("cv.strengths_hint", "max", STRENGTHS_MAX),
            ),
            CvStep::References => (t.get("cv.references"), String::new()),
        };
        Self {
            errors,
            slug: step.slug(),
            field: match step {
                CvStep::AboutMe => "about_me",
                CvStep::Strengths => "strengths",
                CvStep::References => "references",
            },
            heading: heading.to_string(),
            step_text: t.with("cv.step", "n", step.number()),
            suggestion: cv.suggestions.of(step.section()).to_string(),
            saved: false,
            text: match step {
                CvStep::AboutMe => typed.about_me.clone(),
                CvStep::Strengths => typed.strengths.clone(),
                CvStep::References => String::new(),
            },
            hint,
            answer: typed.references.clone(),
            note: typed.references_note.clone(),
            note_hint: t.with("cv.references_note_hint", "max", REFERENCES_NOTE_MAX),
            references_step: step == CvStep::References,
            last: step == CvStep::References,
            f,
        }
    }
}

/// What a step's form sends (only the fields of that step).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CvForm {
    #[serde(default)]
    about_me: String,
    #[serde(default)]
    strengths: String,
    #[serde(default)]
    references: String,
    #[serde(default)]
    references_note: String,
}

impl CvForm {
    fn of(words: &OwnWords) -> Self {
        Self {
            about_me: words.about_me.clone(),
            strengths: words.strengths.clone(),
            references: match words.references_available {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            references_note: words.references_note.clone(),
        }
    }
}

/// The person's words with this step's fields changed, or the messages
/// beside the fields that are wrong (nothing is kept then).
pub fn apply_step(
    t: Messages,
    step: CvStep,
    words: &OwnWords,
    form: &CvForm,
) -> Result<OwnWords, FieldErrors> {
    let mut next = words.clone();
    let mut errors = FieldErrors::new();
    let too_long = |max: usize| t.with("cv.error.too_long", "max", max);
    match step {
        CvStep::AboutMe => match clean_text(&form.about_me, ABOUT_ME_MAX) {
            Ok(text) => next.about_me = text,
            Err(e) => errors.add("about_me", too_long(e.max)),
        },
        CvStep::Strengths => match clean_text(&form.strengths, STRENGTHS_MAX) {
            Ok(text) => next.strengths = text,
            Err(e) => errors.add("strengths", too_long(e.max)),
        },
        CvStep::References => {
            match form.references.as_str() {
                "yes" => next.references_available = Some(true),
                "no" => next.references_available = Some(false),
                _ => errors.add("references", t.get("cv.error.choose")),
            }
            match clean_text(&form.references_note, REFERENCES_NOTE_MAX) {
                // One line is enough for a note.
                Ok(text) => next.references_note = text.replace('\n', " "),
                Err(e) => errors.add("references_note", too_long(e.max)),
            }
        }
    }
    if errors.is_empty() {
        Ok(next)
    } else {
        Err(errors)
    }
}

async fn step_form(
    state: &AppState,
    seeker: &Seeker,
    req: &HttpRequest,
    step: CvStep,
    saved: bool,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(seeker, req);
    let (_, cv, _) = cvs::for_seeker(state, seeker.seeker.profile_id).await?;
    let typed = CvForm::of(&cv.words);
    let mut form = CvStepPage::new(f, step, &cv, &typed, FieldErrors::new());
    form.saved = saved;
    Ok(page(StatusCode::OK, &form))
}

async fn step_save(
    state: &AppState,
    seeker: &Seeker,
    req: &HttpRequest,
    step: CvStep,
    form: CvForm,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(seeker, req);
    let profile_id = seeker.seeker.profile_id;
    let (_, cv, _) = cvs::for_seeker(state, profile_id).await?;
    match apply_step(f.t, step, &cv.words, &form) {
        Ok(words) => {
            if words != cv.words {
                cvs::save_words(state, profile_id, words).await?;
            }
            Ok(redirect(&step.after()))
        }
        Err(errors) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &CvStepPage::new(f, step, &cv, &form, errors),
        )),
    }
}

macro_rules! cv_step_handlers {
    ($form:ident, $save:ident, $step:expr) => {
        pub async fn $form(
            state: web::Data<AppState>,
            seeker: Seeker,
            req: HttpRequest,
            query: web::Query<CvSavedQuery>,
        ) -> Result<HttpResponse, AppError> {
            step_form(&state, &seeker, &req, $step, query.saved == "1").await
        }

        pub async fn $save(
            state: web::Data<AppState>,
            seeker: Seeker,
            req: HttpRequest,
            form: web::Form<CvForm>,
        ) -> Result<HttpResponse, AppError> {
            step_save(&state, &seeker, &req, $step, form.into_inner()).await
        }
    };
}

cv_step_handlers!(cv_about_me_form, cv_about_me_save, CvStep::AboutMe);
cv_step_handlers!(cv_strengths_form, cv_strengths_save, CvStep::Strengths);
cv_step_handlers!(cv_references_form, cv_references_save, CvStep::References);

/// Whether the person's CV is worth sending with an application, for the
/// apply form's choice.
pub async fn cv_worth_sending(state: &AppState, profile_id: i64) -> Result<bool, AppError> {
    let (_, cv, _) = cvs::for_seeker(state, profile_id).await?;
    Ok(cv.words.worth_sending())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Lang;

    #[test]
    fn a_step_changes_only_its_own_part_and_refuses_long_text() {
        let t = Messages::new(Lang::En);
        let words = OwnWords {
            about_me: "Old".into(),
            strengths: "Kept".into(),
            ..OwnWords::default()
        };
        let form = CvForm {
            about_me: "New words".into(),
            strengths: "ignored".into(),
            ..CvForm::default()
        };
        let next = apply_step(t, CvStep::AboutMe, &words, &form).unwrap();
        assert_eq!(
            (next.about_me.as_str(), next.strengths.as_str()),
            ("New words", "Kept")
        );
        let long = CvForm {
            strengths: "x".repeat(STRENGTHS_MAX + 1),
            ..CvForm::default()
        };
        let errors = apply_step(t, CvStep::Strengths, &words, &long).unwrap_err();
        assert!(errors.has("strengths"));
        let unanswered = apply_step(t, CvStep::References, &words, &CvForm::default()).unwrap_err();
        assert!(unanswered.has("references"));
        let cy = Messages::new(Lang::Cy);
        let welsh = apply_step(cy, CvStep::References, &words, &CvForm::default()).unwrap_err();
        assert_ne!(welsh.first("references"), unanswered.first("references"));
    }
}
