//! Statements kept as drafts and not sent.

use super::*;
use crate::app::seekers;

/// A statement saved for later and not sent.
pub struct DraftView {
    pub vacancy_id: i64,
    pub title: String,
    pub saved_on: String,
    /// False when the job is no longer open: the draft can only be read.
    pub can_finish: bool,
}

/// The person's unsent statements, newest first.
pub async fn my_drafts(
    state: &AppState,
    profile_id: i64,
    t: Messages,
) -> Result<Vec<DraftView>, SeekerError> {
    let (drafts, vacancies) = seekers::drafts_with_vacancies(state, profile_id).await?;
    Ok(drafts
        .iter()
        .map(|(vacancy_id, saved)| {
            let vacancy = vacancies.iter().find(|v| v.id == *vacancy_id);
            let open = vacancy.is_some_and(|v| v.status == VacancyStatus::Published);
            DraftView {
                vacancy_id: *vacancy_id,
                title: match vacancy {
                    Some(v) if open => v.details.title().to_string(),
                    _ => t.get("apps.job_gone").to_string(),
                },
                saved_on: t.with("apps.saved_on", "date", t.date(saved.date())),
                can_finish: open,
            }
        })
        .collect())
}
