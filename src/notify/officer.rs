//! Emails to case officers. Call each inside the transaction that causes it.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::templates::{
    how_soon, long_date, ApplicationAwaitingReview, ApplicationStatusChanged, DigestLine,
    OfficerDigest, Parts, ReleaseReadiness, WatchedMatchEligible,
};
use super::{enqueue, link, paths, recipient_email, NotifyResult};
use crate::config::Config;
use crate::domain::profile::Readiness;
use crate::store::notifications::{self, ApplicationParties, Officer, Recipient, ReleaseDue};
use crate::store::watches::{Watch, WatchParties};
use crate::store::{self, AsTx};

/// How officers see a person in an email: the pseudonym and their own
/// reference, enough to find the person and nothing more.
fn person(pseudonym: &str, reference: &str) -> String {
    format!("{pseudonym} ({reference})")
}

/// A person on the officer's caseload applied: the application waits for
/// review. Queues nothing (returns None) when the person has no active
/// officer, or when this application was already announced.
pub fn application_awaiting_review(
    tx: &mut impl AsTx,
    config: &Config,
    application_id: i64,
) -> NotifyResult<Option<i64>> {
    to_officer(tx, application_id, |parties, officer| {
        let parts = ApplicationAwaitingReview {
            officer_name: officer.name.clone(),
            person: person(&parties.pseudonym, &parties.reference),
            vacancy_title: parties.vacancy_title.clone(),
            employer_name: parties.employer_name.clone(),
            link: link(config, &paths::officer_application(application_id)),
        }
        .compose()?;
        Ok((
            format!("application-awaiting-review:{application_id}"),
            parts,
        ))
    })
}

/// The employer moved an application to a new status (call after storing
/// it): the officer hears once per status reached.
pub fn application_status_changed(
    tx: &mut impl AsTx,
    config: &Config,
    application_id: i64,
) -> NotifyResult<Option<i64>> {
    to_officer(tx, application_id, |parties, officer| {
        let status = parties.status.label().to_string();
        let parts = ApplicationStatusChanged {
            officer_name: officer.name.clone(),
            person: person(&parties.pseudonym, &parties.reference),
            vacancy_title: parties.vacancy_title.clone(),
            employer_name: parties.employer_name.clone(),
            status,
            link: link(config, &paths::officer_application(application_id)),
        }
        .compose()?;
        let key = format!("application-status:{application_id}:{}", parties.status);
        Ok((key, parts))
    })
}

/// Queues the email `compose` makes (its key and parts) from an
/// application's parties to the person's case officer; None when the person
/// has no active officer, or when the key was already queued.
fn to_officer(
    tx: &mut impl AsTx,
    application_id: i64,
    compose: impl FnOnce(&ApplicationParties, &Recipient) -> NotifyResult<(String, Parts)>,
) -> NotifyResult<Option<i64>> {
    let parties = notifications::application_parties(tx, application_id)?;
    let Some(officer) = &parties.officer else {
        return Ok(None);
    };
    let (key, parts) = compose(&parties, officer)?;
    enqueue(tx, &recipient_email(officer, key, parts), store::now())
}

/// The digest of new matches for one officer, when one is due and something
/// is new: marks the matches notified, records the digest time and queues
/// the email, all in the caller's transaction (run it in its own
/// `Conn::write`). Returns None when nothing was sent: nothing new, not due,
/// or another worker took this digest.
pub fn digest(
    tx: &mut impl AsTx,
    config: &Config,
    officer: &Officer,
    at: NaiveDateTime,
) -> NotifyResult<Option<i64>> {
    let new = notifications::new_matches_for_officer(tx, officer.id)?;
    if new.is_empty() || !notifications::take_digest_turn(tx, officer.id, at)? {
        return Ok(None);
    }
    let ids: Vec<i64> = new.iter().map(|m| m.match_id).collect();
    notifications::mark_matches_notified(tx, &ids, at)?;
    let lines = new
        .iter()
        .take(OfficerDigest::SHOWN)
        .map(|m| DigestLine {
            person: person(&m.pseudonym, &m.reference),
            vacancy_title: m.vacancy_title.clone(),
            employer_name: m.employer_name.clone(),
            place: match (&m.place_name, m.remote) {
                (_, true) | (None, _) => "Remote".to_string(),
                (Some(place), false) => place.clone(),
            },
        })
        .collect::<Vec<_>>();
    let parts = OfficerDigest {
        officer_name: officer.name.clone(),
        total: new.len(),
        more: new.len() - lines.len(),
        lines,
        link: link(config, paths::OFFICER_MATCHES),
    }
    .compose()?;
    // The digest time is unique per officer: one key per digest.
    let key = format!("digest:{}:{}", officer.id, at.and_utc().timestamp_micros());
    enqueue(tx, &recipient_email(&officer.recipient(), key, parts), at)
}

/// A person due for release within 12 weeks who is not ready to work. The
/// key names the ISO week, so the daily scan reminds the officer at most
/// once a week per person.
pub fn release_readiness(
    tx: &mut impl AsTx,
    config: &Config,
    due: &ReleaseDue,
    today: NaiveDate,
    at: NaiveDateTime,
) -> NotifyResult<Option<i64>> {
    let readiness = Readiness::parse(&due.readiness)
        .map(|r| r.label().to_string())
        .unwrap_or_else(|_| due.readiness.replace('_', " "));
    let parts = ReleaseReadiness {
        officer_name: due.officer.name.clone(),
        person: person(&due.pseudonym, &due.reference),
        release_date: long_date(due.release_date),
        when: how_soon(today, due.release_date),
        readiness,
        link: link(config, &paths::officer_profile(due.profile_id)),
    }
    .compose()?;
    let week = today.iso_week();
    let key = format!(
        "release-readiness:{}:{}-W{:02}",
        due.profile_id,
        week.year(),
        week.week()
    );
    enqueue(tx, &recipient_email(&due.officer, key, parts), at)
}

/// A watched pair is eligible on `day`: one email per watch (the key names
/// the watch), so a rerun of the daily pass queues nothing more.
pub fn watched_match_eligible(
    tx: &mut impl AsTx,
    config: &Config,
    watch: &Watch,
    parties: &WatchParties,
    day: NaiveDate,
    at: NaiveDateTime,
) -> NotifyResult<Option<i64>> {
    let parts = WatchedMatchEligible {
        officer_name: parties.officer_name.clone(),
        person: person(&parties.pseudonym, &parties.reference),
        vacancy_title: parties.vacancy_title.clone(),
        employer_name: parties.employer_name.clone(),
        eligible_from: long_date(day),
        link: link(
            config,
            &paths::officer_why_not(watch.profile_id, watch.vacancy_id),
        ),
    }
    .compose()?;
    let to = Recipient {
        name: parties.officer_name.clone(),
        email: parties.officer_email.clone(),
    };
    let key = format!("match-watch:{}", watch.id);
    enqueue(tx, &recipient_email(&to, key, parts), at)
}
