//! The vacancy editor: create and edit forms, the vacancy page with its
//! preview and lifecycle buttons, and duplication. Every store call carries
//! the member's employer, so another organisation's vacancy is not found.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::vacancy_form::{FieldWarnings, FormValues, DAYS};
use super::{member_of, see_other, today};
use crate::app::employers::Member;
use crate::app::{self, vacancies, Failure};
use crate::domain::offence::ExclusionStance;
use crate::domain::skills::{Entry, Taxonomy};
use crate::domain::vacancy::{
    CheckLevel, ContractType, ConvictionsAsked, KindDetails, PayPeriod, Start, TrialTiming,
    Vacancy, VacancyDetails, VacancyKind, VacancyStatus,
};
use crate::domain::wording::{checklist, ChecklistItem, Warning, WordingList};
use crate::domain::FieldErrors;
use crate::store::Conn;
use crate::web::auth::EmployerMember;
use crate::web::errors::AppError;
use crate::web::extract::On;
use crate::web::pages::page;
use crate::web::view::Chrome;
use crate::web::AppState;

/// One sector's entries, for a checkbox group.
pub struct SkillGroup<'a> {
    pub slug: &'a str,
    pub label: &'a str,
    pub entries: Vec<&'a Entry>,
}

fn skill_groups(taxonomy: &Taxonomy, certificates_only: bool) -> Vec<SkillGroup<'_>> {
    taxonomy
        .sectors()
        .iter()
        .map(|s| SkillGroup {
            slug: s.slug(),
            label: s.label(),
            entries: taxonomy
                .entries()
                .iter()
                .filter(|e| e.sector() == s.slug())
                .filter(|e| !certificates_only || taxonomy.is_known_certificate(e.slug()))
                .collect(),
        })
        .filter(|g| !g.entries.is_empty())
        .collect()
}

#[derive(Template)]
#[template(path = "employer/vacancy_form.html")]
struct FormPage<'a> {
    chrome: Chrome,
    errors: FieldErrors,
    /// Fair-chance wording warnings, beside their fields.
    warnings: FieldWarnings,
    form: FormValues,
    /// None for a new vacancy.
    id: Option<i64>,
    taxonomy: &'a Taxonomy,
    skills: Vec<SkillGroup<'a>>,
    certificates: Vec<SkillGroup<'a>>,
    contracts: &'static [ContractType],
    periods: &'static [PayPeriod],
    levels: &'static [CheckLevel],
    asked: &'static [ConvictionsAsked],
    days: [(&'static str, &'static str); 7],
    kinds: &'static [VacancyKind],
    timings: &'static [TrialTiming],
}

impl FormPage<'_> {
    fn group_has(&self, list: &str, group: &SkillGroup) -> bool {
        group.entries.iter().any(|e| match list {
            "required" => self.form.has_required_skill(e.slug()),
            "desirable" => self.form.has_desirable_skill(e.slug()),
            _ => self.form.has_certificate(e.slug()),
        })
    }
}

fn form_page(
    state: &AppState,
    member: &EmployerMember,
    status: StatusCode,
    id: Option<i64>,
    form: FormValues,
    errors: FieldErrors,
) -> HttpResponse {
    let taxonomy = state.taxonomy.as_ref();
    page(
        status,
        &FormPage {
            chrome: Chrome::of(&member.ctx),
            errors,
            warnings: form.warnings(),
            form,
            id,
            taxonomy,
            skills: skill_groups(taxonomy, false),
            certificates: skill_groups(taxonomy, true),
            contracts: ContractType::ALL,
            periods: PayPeriod::ALL,
            levels: CheckLevel::ALL,
            asked: ConvictionsAsked::ALL,
            days: DAYS,
            kinds: VacancyKind::ALL,
            timings: TrialTiming::ALL,
        },
    )
}

pub async fn new_form(
    state: web::Data<AppState>,
    member: EmployerMember,
) -> Result<HttpResponse, AppError> {
    Ok(form_page(
        &state,
        &member,
        StatusCode::OK,
        None,
        FormValues::default(),
        FieldErrors::new(),
    ))
}

/// The submitted vacancy, or the form again with its errors (422).
fn parse_or_form(
    state: &AppState,
    member: &EmployerMember,
    id: Option<i64>,
    form: &[(String, String)],
    kept_start: Option<chrono::NaiveDate>,
) -> Result<VacancyDetails, Box<HttpResponse>> {
    let values = FormValues::from_pairs(form);
    match values.parse(&state.taxonomy, today(), kept_start) {
        Ok(details) => Ok(details),
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            Err(Box::new(form_page(
                state, member, status, id, values, errors,
            )))
        }
    }
}

pub async fn create(
    state: web::Data<AppState>,
    member: EmployerMember,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let details = match parse_or_form(&state, &member, None, &form, None) {
        Ok(details) => details,
        Err(form_again) => return Ok(*form_again),
    };
    let by = member_of(&member);
    let id = app::run(&state.store, move |conn| {
        vacancies::create(conn, &by, &details)
    })
    .await?;
    Ok(see_other(format!(
        "/employer/vacancies/{id}/preview?done=saved"
    )))
}

async fn load(state: &AppState, member: &EmployerMember, id: i64) -> Result<Vacancy, AppError> {
    let by = member_of(member);
    let taxonomy = state.taxonomy.clone();
    Ok(app::run(&state.store, move |conn| {
        vacancies::get(conn, &by, id, &taxonomy)
    })
    .await?)
}

pub async fn edit_form(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let vacancy = load(&state, &member, id).await?;
    if vacancy.status.is_final() {
        let message = final_message(vacancy.status);
        return vacancy_page(
            &state,
            &member,
            vacancy,
            false,
            StatusCode::CONFLICT,
            Some(message),
            None,
        )
        .await;
    }
    Ok(form_page(
        &state,
        &member,
        StatusCode::OK,
        Some(id),
        FormValues::from_input(&vacancy.details.to_input()),
        FieldErrors::new(),
    ))
}

fn final_message(status: VacancyStatus) -> String {
    format!(
        "This vacancy is {} and can no longer be changed. Duplicate it to advertise the job again",
        status.label().to_lowercase()
    )
}

pub async fn update(
    state: web::Data<AppState>,
    member: EmployerMember,
    path: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    // Out of scope is not found, before anything else is said.
    let current = load(&state, &member, id).await?;
    let kept_start = current.details.start().date();
    let details = match parse_or_form(&state, &member, Some(id), &form, kept_start) {
        Ok(details) => details,
        Err(form_again) => return Ok(*form_again),
    };
    let by = member_of(&member);
    let result = app::run(&state.store, move |conn| {
        vacancies::update(conn, &by, id, &details)
    })
    .await;
    match result {
        Ok(()) => Ok(see_other(format!(
            "/employer/vacancies/{id}/preview?done=saved"
        ))),
        Err(Failure::Conflict(message)) => {
            let status = StatusCode::CONFLICT;
            vacancy_page(&state, &member, current, false, status, Some(message), None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// A lifecycle button on the vacancy page.
pub struct Action {
    pub path: &'static str,
    pub label: &'static str,
    pub warning: bool,
}

fn actions(status: VacancyStatus) -> Vec<Action> {
    use VacancyStatus::*;
    let all = [
        (Published, "publish", "Publish", false),
        (Paused, "pause", "Pause applications", false),
        (Filled, "fill", "Mark as filled", false),
        (Closed, "close", "Close", true),
        (Withdrawn, "withdraw", "Withdraw", true),
    ];
    all.iter()
        .filter(|(to, ..)| VacancyStatus::can_transition(status, *to))
        // A draft was never advertised: nothing to withdraw. It stays a
        // draft until it is published (the API can still withdraw it).
        .filter(|(to, ..)| !(status == Draft && *to == Withdrawn))
        .map(|&(to, path, label, warning)| {
            if to == Published && status == Paused {
                Action {
                    path: "resume",
                    label: "Resume applications",
                    warning,
                }
            } else {
                Action {
                    path,
                    label,
                    warning,
                }
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "employer/vacancy.html")]
struct VacancyPage {
    chrome: Chrome,
    id: i64,
    title: String,
    status: &'static str,
    is_final: bool,
    preview: bool,
    description: String,
    facts: Vec<(&'static str, String)>,
    exclusions: Vec<(&'static str, &'static str, String)>,
    /// The "Check before publishing" panel, on the preview and on drafts.
    check: Option<BeforePublishing>,
    actions: Vec<Action>,
    problem: Option<String>,
    done: Option<&'static str>,
    applications: i64,
}

/// A vacancy's facts (label, value) and its offence exclusions (category,
/// treatment, reason).
pub type VacancyFacts = (
    Vec<(&'static str, String)>,
    Vec<(&'static str, &'static str, String)>,
);

/// What a vacancy says, as rows of facts, and its offence exclusions: the
/// employer's page and the case officer's page show the same.
pub fn vacancy_facts(
    vacancy: &crate::domain::vacancy::Vacancy,
    t: &crate::domain::skills::Taxonomy,
) -> VacancyFacts {
    let d = &vacancy.details;
    let labels = |slugs: &[crate::domain::slug::Slug]| -> String {
        if slugs.is_empty() {
            "None".into()
        } else {
            slugs
                .iter()
                .map(|s| t.label(s).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let yes_no = |b: bool| if b { "Yes" } else { "No" }.to_string();
    // The facts a job seeker reads on the terminal, in the terminal's own
    // words (English), so the preview shows exactly what they will see.
    let words = crate::web::i18n::Messages::new(crate::web::i18n::Lang::En);
    let shifts = if d.shifts().is_empty() {
        "Hours agreed with the person".to_string()
    } else {
        crate::web::seeker::shift_texts(words, vacancy).join("; ")
    };
    let mut facts = vec![
        (
            "What is offered",
            format!("{} {}", d.kind().label(), d.kind().meaning()),
        ),
        ("Sector", t.sector_label(d.sector()).to_string()),
        ("Where", crate::web::seeker::place_text(words, vacancy)),
        ("Hours", crate::web::seeker::hours_text(words, vacancy)),
        ("Shifts", shifts),
        (
            "Contract",
            crate::web::seeker::contract_text(words, d.contract()).to_string(),
        ),
        ("Pay", crate::web::seeker::pay_text(words, vacancy)),
        ("Number of jobs", d.positions().to_string()),
        (
            "Starts",
            match d.start() {
                Start::Asap => words.get("vacancy.starts_asap").to_string(),
                Start::On(date) => words.date(date),
            },
        ),
        (
            "Closing date",
            d.closing_date().map_or_else(
                || words.get("vacancy.rolling").to_string(),
                |c| words.date(c),
            ),
        ),
        (
            "Applications open",
            d.opens_on()
                .map_or_else(|| "When published".to_string(), |opens| words.date(opens)),
        ),
        ("Required skills", labels(d.required_skills())),
        ("Desirable skills", labels(d.desirable_skills())),
        ("Required certificates", labels(d.required_certificates())),
        ("Needs a driving licence", yes_no(d.needs_driving_licence())),
    ];
    facts.extend(check_facts(d));
    facts.extend([
        ("How to apply", d.how_to_apply().to_string()),
        (
            "Documents needed",
            if d.documents_needed().is_empty() {
                "None".into()
            } else {
                d.documents_needed().join("; ")
            },
        ),
    ]);
    facts.extend(kind_facts(d, words));
    (facts, exclusion_rows(vacancy))
}

/// The check, regulated activity and day release facts.
fn check_facts(d: &crate::domain::vacancy::VacancyDetails) -> Vec<(&'static str, String)> {
    let yes_no = |b: bool| if b { "Yes" } else { "No" }.to_string();
    vec![
        ("Criminal record check", d.check_level().label().to_string()),
        (
            "When convictions are asked about",
            d.convictions_asked().label().to_string(),
        ),
        (
            "Regulated activity with children",
            yes_no(d.regulated_children()),
        ),
        (
            "Regulated activity with vulnerable adults",
            yes_no(d.regulated_adults()),
        ),
        ("Suitable for day release (ROTL)", yes_no(d.rotl_suitable())),
        ("Only for people with convictions", yes_no(d.ring_fenced())),
    ]
}

/// The facts only a work trial or a day release placement has.
fn kind_facts(
    d: &crate::domain::vacancy::VacancyDetails,
    words: crate::web::i18n::Messages,
) -> Vec<(&'static str, String)> {
    match d.kind_details() {
        KindDetails::Job | KindDetails::GuaranteedInterview => Vec::new(),
        KindDetails::WorkTrial {
            ends_on,
            paid,
            timing,
        } => vec![
            ("Last day of the trial", words.date(*ends_on)),
            (
                "Trial days paid",
                if *paid { "Yes" } else { "No" }.to_string(),
            ),
            ("When the trial is", timing.label().to_string()),
        ],
        KindDetails::RotlPlacement { travel } => vec![
            (
                "Prison approval",
                "The prison must approve the placement for each person".to_string(),
            ),
            (
                "Travel from the prison",
                if travel.is_empty() {
                    "Not given".to_string()
                } else {
                    travel.clone()
                },
            ),
        ],
    }
}

/// A vacancy's offence exclusions: category, treatment and reason.
fn exclusion_rows(vacancy: &Vacancy) -> Vec<(&'static str, &'static str, String)> {
    vacancy
        .details
        .offence_exclusions()
        .iter()
        .map(|e| {
            (
                e.category().label(),
                match e.stance() {
                    ExclusionStance::Excluded => "Cannot be considered",
                    ExclusionStance::CaseByCase => "Considered case by case",
                },
                e.reason().to_string(),
            )
        })
        .collect()
}

/// One wording warning on the vacancy page: the field's label, the form
/// field to edit, and the warning.
pub struct PageWarning {
    pub label: String,
    pub anchor: String,
    pub warning: Warning,
}

/// The fair-chance checklist and the wording warnings.
pub struct BeforePublishing {
    pub checklist: Vec<ChecklistItem>,
    pub warnings: Vec<PageWarning>,
}

fn before_publishing(vacancy: &Vacancy) -> BeforePublishing {
    let d = &vacancy.details;
    let warnings = WordingList::embedded().check(&d.to_input());
    let checklist = checklist(
        d.check_level(),
        d.convictions_asked(),
        d.rotl_suitable(),
        &warnings,
    );
    let warnings = warnings
        .into_iter()
        .map(|warning| {
            let (label, anchor) = match warning.field.as_str() {
                "title" => ("Job title".to_string(), "title".to_string()),
                "description" => ("What the job involves".into(), "description".into()),
                "how_to_apply" => ("How to apply".into(), "how_to_apply".into()),
                field if field.starts_with("documents_needed") => {
                    ("Documents needed".into(), "documents_needed".into())
                }
                field => {
                    let category = field
                        .strip_prefix("offence_exclusions[")
                        .and_then(|rest| rest.split(']').next())
                        .and_then(|i| i.parse::<usize>().ok())
                        .and_then(|i| d.offence_exclusions().get(i))
                        .map(|e| e.category());
                    match category {
                        Some(c) => (
                            format!("Reason for {}", c.label().to_lowercase()),
                            format!("exclusion_{}_reason", c.as_str()),
                        ),
                        None => (field.to_string(), String::new()),
                    }
                }
            };
            PageWarning {
                label,
                anchor,
                warning,
            }
        })
        .collect();
    BeforePublishing {
        checklist,
        warnings,
    }
}

async fn vacancy_page(
    state: &AppState,
    member: &EmployerMember,
    vacancy: Vacancy,
    preview: bool,
    status: StatusCode,
    problem: Option<String>,
    done: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    let (by, vacancy_id) = (member_of(member), vacancy.id);
    let applications = app::run(&state.store, move |conn| {
        vacancies::forwarded_count(conn, &by, vacancy_id)
    })
    .await?;
    let d = &vacancy.details;
    let (facts, exclusions) = vacancy_facts(&vacancy, &state.taxonomy);
    Ok(page(
        status,
        &VacancyPage {
            chrome: Chrome::of(&member.ctx),
            id: vacancy.id,
            title: d.title().to_string(),
            status: vacancy.status.label(),
            is_final: vacancy.status.is_final(),
            preview,
            description: d.description().to_string(),
            facts,
            exclusions,
            check: (preview || vacancy.status == VacancyStatus::Draft)
                .then(|| before_publishing(&vacancy)),
            actions: actions(vacancy.status),
            problem,
            done,
            applications,
        },
    ))
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

fn done_message(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "saved" => "Your changes are saved.",
        "publish" => "The vacancy is published. Case officers can now match people to it.",
        "pause" => "Applications are paused.",
        "resume" => "Applications are open again.",
        "fill" => "The vacancy is marked as filled.",
        "close" => "The vacancy is closed.",
        "withdraw" => "The vacancy is withdrawn.",
        "duplicate" => "This is a new draft copy. Change what you need, then publish it.",
        _ => return None,
    })
}

pub async fn show(
    on: On<EmployerMember>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    shown(&on.state, &on.actor, on.id, &query, false).await
}

pub async fn preview(
    on: On<EmployerMember>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    shown(&on.state, &on.actor, on.id, &query, true).await
}

/// The vacancy page, or its preview in the terminal's words, with the
/// confirmation of what was just done.
async fn shown(
    state: &AppState,
    member: &EmployerMember,
    id: i64,
    query: &DoneQuery,
    preview: bool,
) -> Result<HttpResponse, AppError> {
    let vacancy = load(state, member, id).await?;
    let done = done_message(query.done.as_deref());
    vacancy_page(state, member, vacancy, preview, StatusCode::OK, None, done).await
}

/// A lifecycle move (`vacancies::publish`, `pause`...); `action` names it
/// in the confirmation. A move the lifecycle refuses shows the vacancy page
/// with the reason.
async fn move_to(
    state: web::Data<AppState>,
    member: EmployerMember,
    id: i64,
    change: fn(&mut Conn, &Member, i64) -> Result<(), Failure>,
    action: &'static str,
) -> Result<HttpResponse, AppError> {
    let by = member_of(&member);
    match app::run(&state.store, move |conn| change(conn, &by, id)).await {
        Ok(()) => Ok(see_other(format!("/employer/vacancies/{id}?done={action}"))),
        Err(Failure::Conflict(message)) => {
            let vacancy = load(&state, &member, id).await?;
            let status = StatusCode::CONFLICT;
            vacancy_page(&state, &member, vacancy, false, status, Some(message), None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// A lifecycle button's handler: the use case in `app::vacancies` it calls
/// and the `done` it confirms with.
macro_rules! lifecycle {
    ($(#[$doc:meta])* $name:ident => $use_case:path, $done:literal) => {
        $(#[$doc])*
        pub async fn $name(
            state: web::Data<AppState>,
            member: EmployerMember,
            path: web::Path<i64>,
        ) -> Result<HttpResponse, AppError> {
            move_to(state, member, path.into_inner(), $use_case, $done).await
        }
    };
}

lifecycle!(
    /// Publishes a draft.
    publish => vacancies::publish, "publish"
);
lifecycle!(pause => vacancies::pause, "pause");
lifecycle!(
    /// Opens a paused vacancy's applications again: it is published again.
    resume => vacancies::publish, "resume"
);
lifecycle!(fill => vacancies::fill, "fill");
lifecycle!(close => vacancies::close, "close");
lifecycle!(withdraw => vacancies::withdraw, "withdraw");

pub async fn duplicate(on: On<EmployerMember>) -> Result<HttpResponse, AppError> {
    let (by, id, taxonomy) = (member_of(&on.actor), on.id, on.state.taxonomy.clone());
    let copy = app::run(&on.state.store, move |conn| {
        vacancies::duplicate(conn, &by, id, &taxonomy)
    })
    .await?;
    Ok(see_other(format!("/employer/vacancies/{copy}/edit?copy=1")))
}
