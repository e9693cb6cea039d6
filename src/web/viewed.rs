//! Audit rows for reads of a person's matches, candidates and restricted
//! facts: one place for the HTML pages and their JSON twins, so the two
//! cannot drift. Every row of one answer is written in one transaction.

use super::AppState;
use crate::store::audit::{self, Actor, Entry};
use crate::store::{self, StoreError};

/// One audit row for something an officer was shown.
pub struct Viewed {
    action: &'static str,
    kind: &'static str,
    id: i64,
    detail: String,
}

impl Viewed {
    /// A person's matches or a "why not?" answer; restricted when what was
    /// shown reveals offence, licence or barred information.
    pub fn profile(profile_id: i64, restricted: bool, detail: String) -> Self {
        Self {
            action: if restricted {
                "profile.restricted_viewed"
            } else {
                "profile.matches_viewed"
            },
            kind: "profile",
            id: profile_id,
            detail,
        }
    }

    /// A vacancy's list of candidates.
    pub fn candidates(vacancy_id: i64, restricted: bool, detail: String) -> Self {
        Self {
            action: if restricted {
                "vacancy.candidates_restricted_viewed"
            } else {
                "vacancy.candidates_viewed"
            },
            kind: "vacancy",
            id: vacancy_id,
            detail,
        }
    }

    /// One person in a candidate list whose line shows restricted
    /// information: audited against the person, not only the vacancy, so
    /// "who saw this person's record?" finds it.
    pub fn candidate(profile_id: i64, vacancy_id: i64) -> Self {
        Self {
            action: "profile.restricted_viewed",
            kind: "profile",
            id: profile_id,
            detail: format!("candidate for vacancy {vacancy_id}"),
        }
    }

    /// Any other read of a record.
    pub fn other(action: &'static str, kind: &'static str, id: i64, detail: String) -> Self {
        Self {
            action,
            kind,
            id,
            detail,
        }
    }
}

/// Writes the rows of one answer, all or none.
pub async fn record(state: &AppState, actor: Actor, views: Vec<Viewed>) -> Result<(), StoreError> {
    if views.is_empty() {
        return Ok(());
    }
    state
        .store
        .run(move |conn| {
            let at = store::now();
            crate::write_tx!(conn, |c| {
                for v in &views {
                    audit::record(
                        c,
                        &actor,
                        Entry {
                            action: v.action,
                            subject_kind: Some(v.kind),
                            subject_id: Some(v.id),
                            detail: Some(v.detail.clone()),
                        },
                        at,
                    )?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
}
