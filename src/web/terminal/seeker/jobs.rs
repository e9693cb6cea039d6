//! "Jobs for you" (the matches the officer approved) and one vacancy in
//! plain words.

use super::*;

#[derive(Template)]
#[template(path = "terminal/jobs_for_you.html")]
pub(super) struct JobsPage {
    f: Frame,
    jobs: Vec<Listing>,
    count: String,
    pager: Option<Pager>,
}

pub async fn jobs_for_you(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let f = Frame::signed_in(&seeker, &req);
    let profile = match load_profile(&state, seeker.seeker.profile_id).await {
        Ok(p) => p,
        Err(e) => return seeker_page_error(f, e),
    };
    let matches = approved_matches(&state, &profile).await?;
    let pages = pages_of(matches.len());
    let page_no = page_number(&query.page).min(pages);
    let mut jobs: Vec<Listing> = page_of(&matches, page_no)
        .iter()
        .map(|(v, a)| listing(f.t, v, a))
        .collect();
    name_employers(&state, &mut jobs).await?;
    let count = count_text(f.t, matches.len(), "jobs.count_one", "jobs.count");
    let pager = Pager::of(f.t, page_no, pages, |p| {
        format!("/terminal/jobs-for-you?page={p}")
    });
    Ok(page(
        StatusCode::OK,
        &JobsPage {
            f,
            jobs,
            count,
            pager,
        },
    ))
}

/// A vacancy in plain words.
pub struct VacancyView {
    pub id: i64,
    pub title: String,
    pub employer: String,
    pub description: String,
    pub pay: String,
    pub hours: String,
    pub shifts: Vec<String>,
    pub place: String,
    pub how_far: String,
    pub starts: String,
    pub contract: &'static str,
    pub documents: Vec<String>,
    pub certificates: Vec<String>,
    pub closing: String,
    pub reasons: Vec<String>,
    /// When they ask about convictions and what the check shows, in plain
    /// words.
    pub convictions: Vec<String>,
    /// What is offered, when it is not a plain job: a guaranteed
    /// interview, a work trial or a day release placement, in plain words.
    pub offer: Vec<String>,
    /// The person's open to-dos this job's documents need ("A bank
    /// account").
    pub todos: Vec<String>,
}

/// What a vacancy offers, in plain words, when it is not a plain job.
pub fn offer_text(t: Messages, vacancy: &Vacancy) -> Vec<String> {
    use crate::domain::vacancy::{KindDetails, TrialTiming};
    match vacancy.details.kind_details() {
        KindDetails::Job => Vec::new(),
        KindDetails::GuaranteedInterview => {
            vec![t.get("vacancy.kind.guaranteed_interview").to_string()]
        }
        KindDetails::WorkTrial {
            ends_on,
            paid,
            timing,
        } => {
            let from = vacancy.details.start().date().unwrap_or(*ends_on);
            vec![
                t.fill(
                    "vacancy.kind.work_trial",
                    &[("from", t.date(from)), ("to", t.date(*ends_on))],
                ),
                t.get(if *paid {
                    "vacancy.trial.paid"
                } else {
                    "vacancy.trial.unpaid"
                })
                .to_string(),
                t.get(match timing {
                    TrialTiming::BeforeRelease => "vacancy.trial.before_release",
                    TrialTiming::AfterRelease => "vacancy.trial.after_release",
                })
                .to_string(),
            ]
        }
        KindDetails::RotlPlacement { travel } => {
            let mut lines = vec![
                t.get("vacancy.kind.rotl_placement").to_string(),
                t.get("vacancy.placement.approval").to_string(),
            ];
            if !travel.is_empty() {
                lines.push(t.with("vacancy.placement.travel", "travel", travel));
            }
            lines
        }
    }
}

/// The person's open to-dos that the vacancy's documents need, in plain
/// words.
pub fn todo_texts(t: Messages, vacancy: &Vacancy, profile: &Profile) -> Vec<String> {
    use crate::domain::documents::DocumentVocabulary;
    use crate::domain::profile::TodoKind;
    DocumentVocabulary::embedded()
        .todos_before_starting(&vacancy.details, &profile.details)
        .into_iter()
        .map(|todo| match todo.kind() {
            TodoKind::Other => todo.note().to_string(),
            kind => t.get(&format!("todo.{}", kind.as_str())).to_string(),
        })
        .collect()
}

/// What the person will be asked about convictions, and when, then what
/// the check shows: "They will ask about unspent convictions after
/// offering you the job." "A basic check shows unspent convictions only."
pub fn convictions_text(t: Messages, vacancy: &Vacancy) -> Vec<String> {
    use crate::domain::vacancy::{CheckLevel, ConvictionsAsked};
    let d = &vacancy.details;
    // Without an eligible standard or enhanced check only unspent
    // convictions may be asked about.
    let more = !matches!(d.check_level(), CheckLevel::None | CheckLevel::Basic);
    let asked = match (d.convictions_asked(), more) {
        (ConvictionsAsked::Never, _) => "vacancy.asked.never",
        (ConvictionsAsked::AtOffer, false) => "vacancy.asked.at_offer.unspent",
        (ConvictionsAsked::AtOffer, true) => "vacancy.asked.at_offer.more",
        (ConvictionsAsked::AtApplication, false) => "vacancy.asked.at_application.unspent",
        (ConvictionsAsked::AtApplication, true) => "vacancy.asked.at_application.more",
    };
    let check = match d.check_level() {
        CheckLevel::None => "vacancy.check.none",
        CheckLevel::Basic => "vacancy.check.basic",
        CheckLevel::Standard => "vacancy.check.standard",
        CheckLevel::Enhanced => "vacancy.check.enhanced",
        CheckLevel::EnhancedBarred => "vacancy.check.enhanced_barred",
    };
    let mut words = vec![t.get(asked).to_string(), t.get(check).to_string()];
    if d.convictions_asked() != ConvictionsAsked::Never {
        words.push(t.get("vacancy.asked.help").to_string());
    }
    words
}

pub fn vacancy_view(
    t: Messages,
    taxonomy: &Taxonomy,
    vacancy: &Vacancy,
    profile: &Profile,
    assessment: &Assessment,
    employer: String,
) -> VacancyView {
    let d = &vacancy.details;
    let how_far = match (d.workplace(), assessment.distance_km) {
        (Workplace::Remote, _) => t.get("reason.remote").to_string(),
        (_, Some(km)) => distance_text(t, km),
        (_, None) => t.get("vacancy.far_unknown").to_string(),
    };
    VacancyView {
        id: vacancy.id,
        title: d.title().to_string(),
        employer,
        description: d.description().to_string(),
        pay: pay_text(t, vacancy),
        hours: hours_text(t, vacancy),
        shifts: shift_texts(t, vacancy),
        place: place_text(t, vacancy),
        how_far,
        starts: match d.start() {
            crate::domain::vacancy::Start::Asap => t.get("vacancy.starts_asap").to_string(),
            crate::domain::vacancy::Start::On(start) if start <= today() => {
                t.get("reason.start_now").to_string()
            }
            crate::domain::vacancy::Start::On(start) => t.date(start),
        },
        contract: contract_text(t, d.contract()),
        documents: d.documents_needed().to_vec(),
        certificates: d
            .required_certificates()
            .iter()
            .map(|slug| taxonomy.label(slug).to_string())
            .collect(),
        closing: match d.closing_date() {
            Some(date) => t.date(date),
            None => t.get("vacancy.rolling").to_string(),
        },
        reasons: plain_reasons(t, assessment),
        convictions: convictions_text(t, vacancy),
        offer: offer_text(t, vacancy),
        todos: todo_texts(t, vacancy, profile),
    }
}

#[derive(Template)]
#[template(path = "terminal/vacancy.html")]
pub(super) struct VacancyPage {
    f: Frame,
    v: VacancyView,
    applied_on: Option<String>,
    printed: String,
}

pub async fn vacancy(
    state: web::Data<AppState>,
    seeker: Seeker,
    req: HttpRequest,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    on_vacancy(&state, &seeker, &req, path, |v| vacancy_page(&state, v)).await
}

async fn vacancy_page(state: &AppState, visit: Visit) -> Result<HttpResponse, AppError> {
    let Visit {
        f,
        id,
        profile,
        vacancy,
        assessment,
        employer,
    } = visit;
    let t = f.t;
    let profile_id = profile.id;
    let existing = state
        .store
        .run(move |c| apps::find(c, profile_id, id))
        .await?;
    let v = vacancy_view(
        t,
        &state.taxonomy,
        &vacancy,
        &profile,
        &assessment,
        employer,
    );
    Ok(page(
        StatusCode::OK,
        &VacancyPage {
            v,
            applied_on: existing
                .map(|a| t.with("vacancy.already", "date", t.date(a.created_at.date()))),
            printed: t.with("site.printed", "date", t.date(today())),
            f,
        },
    ))
}
