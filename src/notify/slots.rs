//! Emails about slot bookings: each change goes to the other side (the
//! officer books: the employer hears; the employer confirms, moves or
//! cancels: the booking officer hears; the officer cancels: the employer
//! hears), and the booking officer is reminded before the slot. Call each
//! inside the transaction that makes the change. A change's key is its
//! timeline event, so each change queues exactly one email however often
//! it is called.

use chrono::NaiveDate;

use super::templates::{how_soon, long_date, SlotBooked, SlotBookingChanged, SlotReminder};
use super::{enqueue, link, paths, recipient_email, NotifyResult};
use crate::config::Config;
use crate::domain::slot::{PlaceKind, SlotPurpose};
use crate::store::notifications::{self, Recipient};
use crate::store::slots::{Booking, Slot};
use crate::store::{self, AsTx};

/// "Tuesday 9 March 2027 at 10:00".
pub fn when(slot: &Slot) -> String {
    format!(
        "{} at {}",
        long_date(slot.starts_at.date()),
        slot.starts_at.format("%H:%M")
    )
}

/// "In the prison: the education block".
pub fn place(slot: &Slot) -> String {
    let kind = match slot.place_kind {
        PlaceKind::InPrison => "In the prison",
        PlaceKind::VideoFromPrison => "By video from the prison",
        PlaceKind::AtWorkplace => "At the workplace",
    };
    format!("{kind}: {}", slot.place)
}

fn what(purpose: SlotPurpose) -> String {
    purpose.label().to_string()
}

/// Who hears the employer's answers: the officer who booked, while their
/// account is active, else the person's case officer.
fn booking_officer(
    tx: &mut impl AsTx,
    booking: &Booking,
    fallback: &Option<Recipient>,
) -> NotifyResult<Option<Recipient>> {
    Ok(notifications::active_officer(tx, booking.booked_by)?.or_else(|| fallback.clone()))
}

/// The officer booked a place: the employer is asked to confirm it.
pub fn booked(
    tx: &mut impl AsTx,
    config: &Config,
    booking: &Booking,
    slot: &Slot,
    event_id: i64,
) -> NotifyResult<Option<i64>> {
    let parties = notifications::application_parties(tx, booking.application_id)?;
    let parts = SlotBooked {
        contact_name: parties.employer_contact.name.clone(),
        employer_name: parties.employer_name.clone(),
        candidate: parties.pseudonym.clone(),
        vacancy_title: parties.vacancy_title.clone(),
        what: what(slot.purpose),
        when: when(slot),
        place: place(slot),
        link: link(config, paths::EMPLOYER_BOOKINGS),
    }
    .compose()?;
    let key = format!("slot-booking:{event_id}");
    enqueue(
        tx,
        &recipient_email(&parties.employer_contact, key, parts),
        store::now(),
    )
}

/// Which side a change is told to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Officer,
    Employer,
}

/// A booking was confirmed, moved or cancelled (`headline` says which and
/// by whom): `to` hears, about the booking as it is now in `slot`.
#[allow(clippy::too_many_arguments)]
pub fn changed(
    tx: &mut impl AsTx,
    config: &Config,
    to: Side,
    booking: &Booking,
    slot: &Slot,
    headline: &str,
    reason: Option<&str>,
    event_id: i64,
) -> NotifyResult<Option<i64>> {
    let parties = notifications::application_parties(tx, booking.application_id)?;
    let (recipient, person, path) = match to {
        Side::Officer => {
            let Some(officer) = booking_officer(tx, booking, &parties.officer)? else {
                return Ok(None);
            };
            let person = format!("{} ({})", parties.pseudonym, parties.reference);
            (
                officer,
                person,
                paths::officer_application(booking.application_id),
            )
        }
        Side::Employer => (
            parties.employer_contact.clone(),
            parties.pseudonym.clone(),
            paths::EMPLOYER_BOOKINGS.to_string(),
        ),
    };
    let parts = SlotBookingChanged {
        recipient_name: recipient.name.clone(),
        headline: headline.to_string(),
        person,
        vacancy_title: parties.vacancy_title.clone(),
        employer_name: parties.employer_name.clone(),
        what: what(slot.purpose),
        when: when(slot),
        place: place(slot),
        reason: reason.map(str::to_string),
        link: link(config, &path),
    }
    .compose()?;
    let key = format!("slot-booking:{event_id}");
    enqueue(tx, &recipient_email(&recipient, key, parts), store::now())
}

/// Reminds the booking officer of a live booking on `today`: once per
/// booking and slot (a booking moved to a new slot is reminded again).
pub fn reminder(
    tx: &mut impl AsTx,
    config: &Config,
    booking: &Booking,
    slot: &Slot,
    today: NaiveDate,
) -> NotifyResult<Option<i64>> {
    let parties = notifications::application_parties(tx, booking.application_id)?;
    let Some(officer) = booking_officer(tx, booking, &parties.officer)? else {
        return Ok(None);
    };
    let parts = SlotReminder {
        officer_name: officer.name.clone(),
        person: format!("{} ({})", parties.pseudonym, parties.reference),
        vacancy_title: parties.vacancy_title.clone(),
        employer_name: parties.employer_name.clone(),
        what: what(slot.purpose),
        when: when(slot),
        place: place(slot),
        how_soon: how_soon(today, slot.starts_at.date()),
        status: booking.status.label().to_string(),
        link: link(config, &paths::officer_application(booking.application_id)),
    }
    .compose()?;
    let key = format!("slot-reminder:{}:{}", booking.id, slot.id);
    enqueue(tx, &recipient_email(&officer, key, parts), store::now())
}
