//! "My disclosure letter": an overview of the letter and where it is in
//! its review, one guided step per part (help, an example, a draft kept on
//! the server), a preview of the whole letter with its fixed opening and
//! closing in the person's language, and sending it to the officer.

use super::*;
use crate::app::disclosure::{self as letters, Sent};
use crate::app::Failure;
use crate::domain::disclosure::{Letter, LetterStatus, Part, Words, PART_MAX};
use crate::web::i18n::{Lang, Messages};

/// The catalogue keys of a part's texts.
fn key(part: Part, what: &str) -> String {
    format!("letter.{}.{what}", part.as_str())
}

/// The text of a key built from a part (the keys are listed in
/// `PART_KEYS`, so the catalogue test finds them).
fn part_text(t: Messages, part: Part, what: &str) -> String {
    t.lookup(&key(part, what)).unwrap_or_default().to_string()
}

/// Every key `part_text` builds, named for the catalogue test.
pub const PART_KEYS: [&str; 12] = [
    super::super::msg("letter.happened.title"),
    super::super::msg("letter.happened.help"),
    super::super::msg("letter.happened.example"),
    super::super::msg("letter.happened.label"),
    super::super::msg("letter.changed.title"),
    super::super::msg("letter.changed.help"),
    super::super::msg("letter.changed.example"),
    super::super::msg("letter.changed.label"),
    super::super::msg("letter.offer.title"),
    super::super::msg("letter.offer.help"),
    super::super::msg("letter.offer.example"),
    super::super::msg("letter.offer.label"),
];

/// A part on the overview.
pub struct PartLine {
    pub slug: &'static str,
    pub title: String,
    pub written: bool,
}

/// The letter as a reader sees it: the fixed opening and closing in the
/// letter's language around the person's words.
pub struct LetterView {
    pub lang: &'static str,
    pub greeting: String,
    pub opening: String,
    pub paragraphs: Vec<String>,
    pub closing: String,
    pub sign_off: String,
}

impl LetterView {
    /// `lang` decides the fixed words; the person's words are as written,
    /// one paragraph per blank-line-separated block.
    pub fn of(words: &Words, lang: Lang) -> Self {
        let t = Messages::new(lang);
        let paragraphs = Part::ALL
            .iter()
            .flat_map(|p| {
                words
                    .part(*p)
                    .split("\n\n")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        Self {
            lang: lang.code(),
            greeting: t.get("letter.fixed.greeting").to_string(),
            opening: t.get("letter.fixed.opening").to_string(),
            paragraphs,
            closing: t.get("letter.fixed.closing").to_string(),
            sign_off: t.get("letter.fixed.sign_off").to_string(),
        }
    }
}

impl LetterView {
    /// The copy of a letter sent with an application, in the language it
    /// was written in.
    pub fn attached(a: &crate::store::disclosure::Attached) -> Self {
        Self::of(&a.words, Lang::parse(&a.language).unwrap_or_default())
    }
}

/// What the overview says about where the letter is.
fn status_text(t: Messages, letter: Option<&Letter>) -> &'static str {
    match letter.map(|l| l.status) {
        None => t.get("letter.status.none"),
        Some(LetterStatus::Draft) => t.get("letter.status.draft"),
        Some(LetterStatus::AwaitingReview) => t.get("letter.status.awaiting_review"),
        Some(LetterStatus::Approved) => t.get("letter.status.approved"),
        Some(LetterStatus::ChangesAsked) => t.get("letter.status.changes_asked"),
    }
}

#[derive(Template)]
#[template(path = "terminal/disclosure.html")]
struct OverviewPage {
    f: Frame,
    errors: FieldErrors,
    sent: bool,
    status: &'static str,
    note: Option<String>,
    parts: Vec<PartLine>,
    can_send: bool,
    started: bool,
}

#[derive(Deserialize)]
pub struct SentQuery {
    #[serde(default)]
    sent: String,
}

fn overview_page(
    f: Frame,
    letter: Option<&Letter>,
    errors: FieldErrors,
    sent: bool,
) -> OverviewPage {
    let t = f.t;
    let words = letter.map(|l| l.words.clone()).unwrap_or_default();
    let parts = Part::ALL
        .iter()
        .map(|p| PartLine {
            slug: p.as_str(),
            title: t.fill(
                "letter.step_title",
                &[
                    ("step", p.step().to_string()),
                    ("title", part_text(t, *p, "title")),
                ],
            ),
            written: !words.part(*p).trim().is_empty(),
        })
        .collect();
    let status = letter.map(|l| l.status);
    OverviewPage {
        errors,
        sent,
        status: status_text(t, letter),
        // The officer's note shows until they decide again.
        note: letter
            .filter(|l| l.status != LetterStatus::Approved)
            .and_then(|l| l.officer_note.clone()),
        parts,
        can_send: matches!(
            status,
            Some(LetterStatus::Draft | LetterStatus::ChangesAsked)
        ),
        started: letter.is_some(),
        f,
    }
}

/// The overview of the letter.
pub async fn letter_overview(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    query: web::Query<SentQuery>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let letter = letters::mine(&state, seeker.seeker.profile_id).await?;
    let sent = query.sent == "1";
    let body = overview_page(f, letter.as_ref(), FieldErrors::new(), sent);
    Ok(page(StatusCode::OK, &body))
}

/// Sends the letter to the officer; empty parts are named beside their
/// line of the overview.
pub async fn letter_send(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let t = f.t;
    let profile_id = seeker.seeker.profile_id;
    match letters::send(&state, profile_id).await? {
        Sent::Sent | Sent::Already => Ok(redirect("/terminal/disclosure?sent=1")),
        Sent::Incomplete(parts) => {
            let mut errors = FieldErrors::new();
            for p in parts {
                let title = part_text(t, p, "title");
                errors.add(
                    format!("part-{}", p.as_str()),
                    t.with("letter.error.missing", "title", title),
                );
            }
            let letter = letters::mine(&state, profile_id).await?;
            let body = overview_page(f, letter.as_ref(), errors, false);
            Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &body))
        }
    }
}

#[derive(Template)]
#[template(path = "terminal/disclosure_step.html")]
struct StepPage {
    f: Frame,
    errors: FieldErrors,
    saved: bool,
    slug: &'static str,
    step_line: String,
    title: String,
    help: String,
    example: String,
    label: String,
    hint: String,
    text: String,
    /// The letter is approved: a change needs the officer again.
    approved: bool,
    spent_help: bool,
}

impl StepPage {
    fn new(f: Frame, part: Part, text: String, letter: Option<&Letter>) -> Self {
        let t = f.t;
        Self {
            errors: FieldErrors::new(),
            saved: false,
            slug: part.as_str(),
            step_line: t.with("letter.step_of", "step", part.step()),
            title: part_text(t, part, "title"),
            help: part_text(t, part, "help"),
            example: part_text(t, part, "example"),
            label: part_text(t, part, "label"),
            hint: t.with("letter.hint", "max", PART_MAX),
            text,
            approved: letter.is_some_and(|l| l.status == LetterStatus::Approved),
            spent_help: part == Part::WhatHappened,
            f,
        }
    }
}

async fn step_page(
    state: &AppState,
    seeker: &Seeker,
    req: &HttpRequest,
    part: Part,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(seeker, req);
    let letter = letters::mine(state, seeker.seeker.profile_id).await?;
    let text = letter
        .as_ref()
        .map(|l| l.words.part(part).to_string())
        .unwrap_or_default();
    let body = StepPage::new(f, part, text, letter.as_ref());
    Ok(page(StatusCode::OK, &body))
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    action: String,
}

async fn save_step(
    state: &AppState,
    seeker: &Seeker,
    req: &HttpRequest,
    part: Part,
    form: StepForm,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(seeker, req);
    let t = f.t;
    let profile_id = seeker.seeker.profile_id;
    match letters::save_part(state, profile_id, part, form.text.clone()).await {
        Ok(letter) => {
            if form.action == "next" {
                let to = match part.next() {
                    Some(next) => format!("/terminal/disclosure/{}", next.as_str()),
                    None => "/terminal/disclosure/preview".to_string(),
                };
                return Ok(redirect(&to));
            }
            let text = letter.words.part(part).to_string();
            let mut body = StepPage::new(f, part, text, Some(&letter));
            body.saved = true;
            Ok(page(StatusCode::OK, &body))
        }
        Err(Failure::Invalid(_)) => {
            let letter = letters::mine(state, profile_id).await?;
            let mut body = StepPage::new(f, part, form.text, letter.as_ref());
            body.errors =
                FieldErrors::single("text", t.with("letter.error.too_long", "max", PART_MAX));
            Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &body))
        }
        Err(e) => Err(e.into()),
    }
}

macro_rules! step_handlers {
    ($show:ident, $save:ident, $part:expr) => {
        pub async fn $show(
            state: web::Data<AppState>,
            seeker: Seeker,
            req: HttpRequest,
        ) -> Result<HttpResponse, AppError> {
            step_page(&state, &seeker, &req, $part).await
        }

        pub async fn $save(
            state: web::Data<AppState>,
            seeker: Seeker,
            req: HttpRequest,
            form: web::Form<StepForm>,
        ) -> Result<HttpResponse, AppError> {
            save_step(&state, &seeker, &req, $part, form.into_inner()).await
        }
    };
}

step_handlers!(letter_happened, save_happened, Part::WhatHappened);
step_handlers!(letter_changed, save_changed, Part::WhatChanged);
step_handlers!(letter_offer, save_offer, Part::WhatIOffer);

#[derive(Template)]
#[template(path = "terminal/disclosure_preview.html")]
struct PreviewPage {
    f: Frame,
    letter: LetterView,
    missing: Vec<PartLine>,
    can_send: bool,
}

/// The whole letter as an employer would read it.
pub async fn letter_preview(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let t = f.t;
    let letter = letters::mine(&state, seeker.seeker.profile_id).await?;
    let words = letter.as_ref().map(|l| l.words.clone()).unwrap_or_default();
    let missing = words
        .missing()
        .into_iter()
        .map(|p| PartLine {
            slug: p.as_str(),
            title: part_text(t, p, "title"),
            written: false,
        })
        .collect::<Vec<_>>();
    let can_send = missing.is_empty()
        && letter
            .as_ref()
            .is_some_and(|l| matches!(l.status, LetterStatus::Draft | LetterStatus::ChangesAsked));
    Ok(page(
        StatusCode::OK,
        &PreviewPage {
            letter: LetterView::of(&words, t.lang),
            missing,
            can_send,
            f,
        },
    ))
}
