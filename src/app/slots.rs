//! Interview and trial slots: the employer offers them on its vacancies,
//! the person's case officer books one for a forwarded application, the
//! employer confirms or moves the booking, either side cancels it with a
//! reason, and after the slot the employer records whether the person came.
//! Each change commits with its timeline row, its audit row and the email
//! to the other side, in one transaction.
//!
//! How bookings meet the application's states: only applications the
//! employer has (forwarded or interview) can be booked. When the employer
//! confirms (or moves) an interview booking of a forwarded application,
//! the application moves to interview with the slot's time, recorded on
//! its timeline as the employer's move; the booking's own email tells the
//! officer, so no second email is sent. A trial changes no application
//! state. When an application ends (unsuccessful, withdrawn, started) its
//! live bookings are cancelled and their places freed
//! (`store::applications::change_status`).
//!
//! What the employer is told never goes beyond the forwarded application:
//! the pseudonym, the vacancy and the slot. A move into a slot that does
//! not suit the person is refused without saying why.

use chrono::{Days, NaiveDate, NaiveDateTime};

use crate::app::employers::Member;
use crate::app::profiles::Caseworker;
use crate::app::Failure;
use crate::config::Config;
use crate::domain::application::{ApplicationStatus, Role};
use crate::domain::skills::Taxonomy;
use crate::domain::slot::{
    self, booking_transition, check_edit, check_reason, suits, BookingAction, BookingStatus,
    PlaceKind, SlotDraft, SlotInput, SlotPurpose, Unsuitable, NOT_SUITABLE_FOR_EMPLOYER,
    REMINDER_DAYS,
};
use crate::domain::FieldErrors;
use crate::notify::slots::{self as mail, Side};
use crate::notify::NotifyError;
use crate::store::applications::{self as app_store, Actor, Change};
use crate::store::audit::{self, Entry};
use crate::store::slots::{self as store, Booking, BookingEvent, Slot};
use crate::store::{now, AsTx, Conn, InTx, StoreError};

fn notify_failure(e: NotifyError) -> Failure {
    match e {
        NotifyError::Store(s) => s.into(),
        other => StoreError::Task(other.to_string()).into(),
    }
}

fn audited(
    tx: &mut InTx<'_>,
    actor: &audit::Actor,
    action: &'static str,
    kind: &'static str,
    id: i64,
    detail: String,
    at: NaiveDateTime,
) -> Result<(), Failure> {
    let entry = Entry {
        action,
        subject_kind: Some(kind),
        subject_id: Some(id),
        detail: Some(detail),
    };
    Ok(audit::record(tx, actor, entry, at)?)
}

// ---------------------------------------------------------------- employer

/// Adds a slot to one of the employer's vacancies; returns its id.
pub fn create(
    conn: &mut Conn,
    member: &Member,
    vacancy_id: i64,
    input: &SlotInput,
) -> Result<i64, Failure> {
    let at = now();
    conn.write(|tx| {
        if !store::vacancy_of_employer(tx, vacancy_id, member.employer_id)? {
            return Err(Failure::NotFound);
        }
        // Judged only once the vacancy is known to be theirs.
        let draft = SlotDraft::parse(input, at).map_err(Failure::Invalid)?;
        let id = store::create(tx, member.employer_id, vacancy_id, &draft, at)?;
        let detail = format!(
            "vacancy {vacancy_id}: {} {} for {}",
            draft.purpose, draft.starts_at, draft.capacity
        );
        audited(tx, &member.audit, "slot.created", "slot", id, detail, at)?;
        Ok(id)
    })
}

/// One of the employer's slots.
pub fn get(conn: &mut impl AsTx, member: &Member, id: i64) -> Result<Slot, Failure> {
    store::for_employer(conn, id, member.employer_id)?.ok_or(Failure::NotFound)
}

/// Changes a slot: anything while nobody is booked; with bookings, only
/// what keeps them (the place's description, the length, more room).
pub fn update(conn: &mut Conn, member: &Member, id: i64, input: &SlotInput) -> Result<(), Failure> {
    let at = now();
    conn.write(|tx| {
        let slot =
            store::lock_for_employer(tx, id, member.employer_id)?.ok_or(Failure::NotFound)?;
        // Looked at only once the row is known to be theirs: another
        // tenant gets 404 whatever it sent.
        let draft = SlotDraft::parse(input, at).map_err(Failure::Invalid)?;
        if slot.cancelled_at.is_some() {
            return Err(Failure::Conflict("This slot was cancelled".into()));
        }
        check_edit(&slot.draft(), slot.booked, &draft).map_err(Failure::Invalid)?;
        store::update(tx, id, &draft, at)?;
        let detail = format!(
            "{} {} for {}",
            draft.purpose, draft.starts_at, draft.capacity
        );
        audited(tx, &member.audit, "slot.updated", "slot", id, detail, at)
    })
}

/// Cancels a slot with a reason: every live booking in it is cancelled
/// too and each booking officer is emailed.
pub fn cancel(
    conn: &mut Conn,
    config: &Config,
    member: &Member,
    id: i64,
    reason: &str,
) -> Result<usize, Failure> {
    let at = now();
    conn.write(|tx| {
        let slot =
            store::lock_for_employer(tx, id, member.employer_id)?.ok_or(Failure::NotFound)?;
        // Looked at only once the row is known to be theirs: another
        // tenant gets 404 whatever it sent.
        let reason = check_reason(reason).map_err(Failure::Invalid)?;
        if slot.cancelled_at.is_some() {
            return Err(Failure::Conflict("This slot is already cancelled".into()));
        }
        let live = store::live_in_slot(tx, id)?;
        for booking in &live {
            employer_cancels(tx, config, member, booking, &slot, &reason, at)?;
        }
        store::cancel(tx, id, &reason, at)?;
        let detail = format!("{} bookings cancelled: {reason}", live.len());
        audited(tx, &member.audit, "slot.cancelled", "slot", id, detail, at)?;
        Ok(live.len())
    })
}

/// A page of the employer's slots (one vacancy's, or all) and the total.
pub fn slots(
    conn: &mut impl AsTx,
    member: &Member,
    vacancy_id: Option<i64>,
    (limit, offset): (i64, i64),
) -> Result<(Vec<Slot>, i64), Failure> {
    if let Some(v) = vacancy_id {
        if !store::vacancy_of_employer(conn, v, member.employer_id)? {
            return Err(Failure::NotFound);
        }
    }
    Ok(store::page_for_employer(
        conn,
        member.employer_id,
        vacancy_id,
        limit,
        offset,
    )?)
}

/// A booking as the employer sees it: the slot, the vacancy's title and
/// the person's pseudonym (as on the forwarded application), nothing more.
#[derive(Clone, Debug, serde::Serialize)]
pub struct EmployerBooking {
    pub booking: Booking,
    pub slot: Slot,
    pub vacancy_title: String,
    pub pseudonym: String,
}

/// A page of the bookings in the employer's slots (live ones only, or all),
/// soonest first, and the total.
pub fn bookings(
    conn: &mut impl AsTx,
    member: &Member,
    live_only: bool,
    (limit, offset): (i64, i64),
) -> Result<(Vec<EmployerBooking>, i64), Failure> {
    let (rows, total) =
        store::page_for_employer_bookings(conn, member.employer_id, live_only, limit, offset)?;
    let mut out = Vec::with_capacity(rows.len());
    for (booking, slot, vacancy_title) in rows {
        out.push(employer_view(conn, booking, slot, vacancy_title)?);
    }
    Ok((out, total))
}

/// One booking in the employer's slots, as [`bookings`] lists it.
pub fn booking(
    conn: &mut impl AsTx,
    member: &Member,
    booking_id: i64,
) -> Result<EmployerBooking, Failure> {
    let (booking, slot) = store::lock_booking_for_employer(conn, booking_id, member.employer_id)?
        .ok_or(Failure::NotFound)?;
    let vacancy_title = crate::store::caseload::vacancy_titles(conn, &[slot.vacancy_id])?
        .pop()
        .map(|(_, title, _)| title)
        .ok_or(Failure::NotFound)?;
    employer_view(conn, booking, slot, vacancy_title)
}

/// A booking with what the employer may know of the person: the
/// pseudonym of the forwarded application.
fn employer_view(
    conn: &mut impl AsTx,
    booking: Booking,
    slot: Slot,
    vacancy_title: String,
) -> Result<EmployerBooking, Failure> {
    let application = app_store::load(conn, booking.application_id)?.ok_or(Failure::NotFound)?;
    let pseudonym = crate::store::candidates::pseudonym(conn, application.profile_id)?;
    Ok(EmployerBooking {
        booking,
        slot,
        vacancy_title,
        pseudonym,
    })
}

/// How many slots a booking's line offers to move to; the rest are paged
/// on the booking's own move page ([`move_targets`]).
pub const MOVES_INLINE: i64 = 20;

/// One of the employer's live bookings with its slot and a page of the
/// slots it could move to ([`store::page_move_targets`]), and their total.
pub struct MoveTargets {
    pub booking: EmployerBooking,
    pub targets: Vec<Slot>,
    pub total: i64,
}

/// The slots one of the employer's bookings could move to, a page at a
/// time; not found for another employer's booking.
pub fn move_targets(
    conn: &mut impl AsTx,
    member: &Member,
    booking_id: i64,
    (limit, offset): (i64, i64),
) -> Result<MoveTargets, Failure> {
    let booking = booking(conn, member, booking_id)?;
    let (targets, total) = store::page_move_targets(conn, &booking.slot, now(), limit, offset)?;
    Ok(MoveTargets {
        booking,
        targets,
        total,
    })
}

/// Whether the person of `application_id` can attend `slot` at `at`: in
/// prison or out by then ([`suits`]), and, for a slot at the workplace
/// from the release date, clear of the curfews and exclusion zones of
/// their licence ([`slot::licence_clash`]), as the matching rules keep the
/// job's shifts and workplace clear of them.
fn attendable(
    tx: &mut InTx<'_>,
    taxonomy: &Taxonomy,
    application_id: i64,
    slot: &Slot,
    at: NaiveDateTime,
) -> Result<Result<(), Unsuitable>, Failure> {
    let (release, rotl) = store::person_dates(tx, application_id)?;
    if let Err(why) = suits(slot.place_kind, slot.starts_at, release, rotl, at) {
        return Ok(Err(why));
    }
    if slot.place_kind != PlaceKind::AtWorkplace || slot.starts_at.date() < release {
        return Ok(Ok(()));
    }
    let application = app_store::load(tx, application_id)?.ok_or(Failure::NotFound)?;
    let person = crate::store::profiles::load(tx, application.profile_id, taxonomy)?;
    let workplace = store::vacancy_point(tx, slot.vacancy_id)?;
    Ok(slot::licence_clash(
        person.details.licence_conditions(),
        slot.starts_at,
        slot.minutes,
        workplace,
    ))
}

fn what(purpose: SlotPurpose) -> &'static str {
    match purpose {
        SlotPurpose::Interview => "interview",
        SlotPurpose::Trial => "work trial",
    }
}

fn refused(e: slot::BookingRefused) -> Failure {
    Failure::Conflict(format!("Refused: {e}"))
}

/// Moves a forwarded application to interview when its interview booking
/// is confirmed (see the module's comment).
fn interview_confirmed(
    tx: &mut InTx<'_>,
    booking: &Booking,
    slot: &Slot,
    user_id: i64,
    at: NaiveDateTime,
) -> Result<(), Failure> {
    if slot.purpose != SlotPurpose::Interview {
        return Ok(());
    }
    let application = app_store::load(tx, booking.application_id)?.ok_or(Failure::NotFound)?;
    if application.status == ApplicationStatus::Forwarded {
        let change = Change {
            to: Some(ApplicationStatus::Interview),
            interview_at: Some(slot.starts_at),
            ..Change::default()
        };
        app_store::change_status(tx, application.id, &change, Actor::employer(user_id), at)
            .map_err(|e| Failure::Conflict(e.to_string()))?;
    }
    Ok(())
}

/// The employer confirms a booking; the booking officer is emailed.
pub fn confirm(
    conn: &mut Conn,
    config: &Config,
    member: &Member,
    booking_id: i64,
) -> Result<(), Failure> {
    let at = now();
    conn.write(|tx| {
        let (booking, slot) = store::lock_booking_for_employer(tx, booking_id, member.employer_id)?
            .ok_or(Failure::NotFound)?;
        let to = booking_transition(
            booking.status,
            BookingAction::Confirm,
            Role::Employer,
            slot.starts_at,
            at,
        )
        .map_err(refused)?;
        store::set_booking(tx, booking.id, to, slot.id, None, at)?;
        interview_confirmed(tx, &booking, &slot, member.user_id, at)?;
        let event = store::write_event(
            tx,
            booking.id,
            BookingAction::Confirm.as_str(),
            Role::Employer,
            Some(member.user_id),
            slot.id,
            None,
            at,
        )?;
        let headline = format!("The employer confirmed the {}", what(slot.purpose));
        mail::changed(
            tx,
            config,
            Side::Officer,
            &booking,
            &slot,
            &headline,
            None,
            event,
        )
        .map_err(notify_failure)?;
        audited(
            tx,
            &member.audit,
            "booking.confirmed",
            "booking",
            booking.id,
            format!("slot {}", slot.id),
            at,
        )
    })
}

/// The employer moves a live booking to another of its slots with room
/// (same vacancy and purpose); it is then confirmed at the new time and
/// the booking officer is emailed.
pub fn move_to(
    conn: &mut Conn,
    config: &Config,
    taxonomy: &Taxonomy,
    member: &Member,
    booking_id: i64,
    to_slot_id: i64,
) -> Result<(), Failure> {
    let at = now();
    conn.write(|tx| {
        let (booking, from) = store::lock_booking_for_employer(tx, booking_id, member.employer_id)?
            .ok_or(Failure::NotFound)?;
        let status = booking_transition(
            booking.status,
            BookingAction::Move,
            Role::Employer,
            from.starts_at,
            at,
        )
        .map_err(refused)?;
        let field = |m: &str| Failure::Invalid(FieldErrors::single("slot_id", m));
        let Some(target) = store::for_employer(tx, to_slot_id, member.employer_id)? else {
            return Err(field("Choose one of your slots"));
        };
        if target.id == from.id {
            return Err(field("Choose a different slot"));
        }
        if target.vacancy_id != from.vacancy_id || target.purpose != from.purpose {
            return Err(field("Choose a slot of the same vacancy and kind"));
        }
        if attendable(tx, taxonomy, booking.application_id, &target, at)?.is_err() {
            return Err(field(NOT_SUITABLE_FOR_EMPLOYER));
        }
        if !store::take_place(tx, target.id, at)? {
            return Err(field("That slot is full, cancelled or has started"));
        }
        store::give_back(tx, from.id, at)?;
        store::set_booking(tx, booking.id, status, target.id, None, at)?;
        let target = store::load(tx, target.id)?.ok_or(Failure::NotFound)?;
        interview_confirmed(tx, &booking, &target, member.user_id, at)?;
        let event = store::write_event(
            tx,
            booking.id,
            BookingAction::Move.as_str(),
            Role::Employer,
            Some(member.user_id),
            target.id,
            None,
            at,
        )?;
        let headline = format!(
            "The employer moved the {} to a new time",
            what(target.purpose)
        );
        mail::changed(
            tx,
            config,
            Side::Officer,
            &booking,
            &target,
            &headline,
            None,
            event,
        )
        .map_err(notify_failure)?;
        let detail = format!("slot {} -> slot {}", from.id, target.id);
        audited(
            tx,
            &member.audit,
            "booking.moved",
            "booking",
            booking.id,
            detail,
            at,
        )
    })
}

/// The employer ends a booking: its place is given back, the change is
/// recorded, and the officer is emailed with the reason. Cancelling a slot
/// does this for each live booking in it.
fn employer_cancels(
    tx: &mut InTx<'_>,
    config: &Config,
    member: &Member,
    booking: &Booking,
    slot: &Slot,
    reason: &str,
    at: NaiveDateTime,
) -> Result<(), Failure> {
    end_booking(tx, booking, slot, reason, at)?;
    let event = store::write_event(
        tx,
        booking.id,
        BookingAction::Cancel.as_str(),
        Role::Employer,
        Some(member.user_id),
        slot.id,
        Some(reason),
        at,
    )?;
    let headline = format!("The employer cancelled the {}", what(slot.purpose));
    mail::changed(
        tx,
        config,
        Side::Officer,
        booking,
        slot,
        &headline,
        Some(reason),
        event,
    )
    .map_err(notify_failure)?;
    Ok(())
}

/// Cancels a booking's place: status, reason, the place given back.
fn end_booking(
    tx: &mut InTx<'_>,
    booking: &Booking,
    slot: &Slot,
    reason: &str,
    at: NaiveDateTime,
) -> Result<(), Failure> {
    store::set_booking(
        tx,
        booking.id,
        BookingStatus::Cancelled,
        slot.id,
        Some(reason),
        at,
    )?;
    store::give_back(tx, slot.id, at)?;
    Ok(())
}

/// The employer cancels a booking with a reason; the booking officer is
/// emailed.
pub fn cancel_booking_as_employer(
    conn: &mut Conn,
    config: &Config,
    member: &Member,
    booking_id: i64,
    reason: &str,
) -> Result<(), Failure> {
    let at = now();
    conn.write(|tx| {
        let (booking, slot) = store::lock_booking_for_employer(tx, booking_id, member.employer_id)?
            .ok_or(Failure::NotFound)?;
        // Looked at only once the row is known to be theirs: another
        // tenant gets 404 whatever it sent.
        let reason = check_reason(reason).map_err(Failure::Invalid)?;
        booking_transition(
            booking.status,
            BookingAction::Cancel,
            Role::Employer,
            slot.starts_at,
            at,
        )
        .map_err(refused)?;
        employer_cancels(tx, config, member, &booking, &slot, &reason, at)?;
        audited(
            tx,
            &member.audit,
            "booking.cancelled",
            "booking",
            booking.id,
            reason.clone(),
            at,
        )
    })
}

/// The employer records, once the slot has started, whether the person
/// came. No email: the officer sees it on the application.
pub fn record_attendance(
    conn: &mut Conn,
    member: &Member,
    booking_id: i64,
    attended: bool,
) -> Result<BookingStatus, Failure> {
    let at = now();
    let action = if attended {
        BookingAction::Attended
    } else {
        BookingAction::DidNotAttend
    };
    conn.write(|tx| {
        let (booking, slot) = store::lock_booking_for_employer(tx, booking_id, member.employer_id)?
            .ok_or(Failure::NotFound)?;
        let to = booking_transition(booking.status, action, Role::Employer, slot.starts_at, at)
            .map_err(refused)?;
        store::set_booking(tx, booking.id, to, slot.id, None, at)?;
        store::write_event(
            tx,
            booking.id,
            action.as_str(),
            Role::Employer,
            Some(member.user_id),
            slot.id,
            None,
            at,
        )?;
        audited(
            tx,
            &member.audit,
            "booking.attendance",
            "booking",
            booking.id,
            to.as_str().into(),
            at,
        )?;
        Ok(to)
    })
}

// ----------------------------------------------------------------- officer

/// What the officer's application page shows about slots: the bookings
/// (with their timelines) and a page of the vacancy's slots open to book.
pub struct ForApplication {
    pub bookings: Vec<(Booking, Slot, Vec<BookingEvent>)>,
    pub open: Vec<Slot>,
    pub open_total: i64,
    /// Whether the application's state lets the officer book.
    pub can_book: bool,
}

/// The slots side of one application of the officer's service.
pub fn for_application(
    conn: &mut impl AsTx,
    officer: &Caseworker,
    application_id: i64,
    (limit, offset): (i64, i64),
) -> Result<ForApplication, Failure> {
    let application = app_store::load_in_service(conn, application_id, officer.service_id)?
        .ok_or(Failure::NotFound)?;
    let mut bookings = Vec::new();
    for (booking, slot) in store::for_applications(conn, &[application_id])? {
        let events = store::events(conn, booking.id)?;
        bookings.push((booking, slot, events));
    }
    let (open, open_total) =
        store::page_bookable(conn, application.vacancy_id, now(), limit, offset)?;
    Ok(ForApplication {
        bookings,
        open,
        open_total,
        can_book: slot::can_book(application.status),
    })
}

/// The officer books a place in a slot of the application's vacancy for an
/// application of their service in the forwarded or interview state; the
/// employer is emailed. Returns the booking's id.
pub fn book(
    conn: &mut Conn,
    config: &Config,
    taxonomy: &Taxonomy,
    officer: &Caseworker,
    application_id: i64,
    slot_id: i64,
) -> Result<i64, Failure> {
    let at = now();
    conn.write(|tx| {
        let application = app_store::load_in_service(tx, application_id, officer.service_id)?
            .ok_or(Failure::NotFound)?;
        if !slot::can_book(application.status) {
            return Err(Failure::Conflict(format!(
                "A slot can be booked only once the application is with the employer (it is {})",
                application.status.label().to_lowercase()
            )));
        }
        let field = |m: String| Failure::Invalid(FieldErrors::single("slot_id", m));
        let slot = match store::load(tx, slot_id)? {
            Some(s) if s.vacancy_id == application.vacancy_id => s,
            _ => return Err(field("Choose one of this vacancy's slots".into())),
        };
        attendable(tx, taxonomy, application_id, &slot, at)?.map_err(|e| field(e.to_string()))?;
        if !store::live_for_application(tx, application_id)?
            .iter()
            .all(|b| b.purpose != slot.purpose)
        {
            return Err(field(format!(
                "This application already has a {} booked: cancel it first",
                what(slot.purpose)
            )));
        }
        if !store::take_place(tx, slot.id, at)? {
            return Err(field("That slot is full, cancelled or has started".into()));
        }
        let id =
            store::insert_booking(tx, &slot, application_id, officer.user_id, at).map_err(|e| {
                match e {
                    StoreError::Conflict(_) => field(format!(
                        "This application already has a {} booked",
                        what(slot.purpose)
                    )),
                    other => other.into(),
                }
            })?;
        let event = store::write_event(
            tx,
            id,
            "booked",
            Role::Officer,
            Some(officer.user_id),
            slot.id,
            None,
            at,
        )?;
        let booking = Booking {
            id,
            slot_id: slot.id,
            application_id,
            purpose: slot.purpose,
            status: BookingStatus::Booked,
            booked_by: officer.user_id,
            cancel_reason: None,
            created_at: at,
            updated_at: at,
        };
        mail::booked(tx, config, &booking, &slot, event).map_err(notify_failure)?;
        let detail = format!("application {application_id}, slot {}", slot.id);
        audited(
            tx,
            &officer.actor,
            "booking.created",
            "booking",
            id,
            detail,
            at,
        )?;
        Ok(id)
    })
}

/// The officer cancels a booking of their service with a reason; the
/// employer is emailed.
pub fn cancel_booking_as_officer(
    conn: &mut Conn,
    config: &Config,
    officer: &Caseworker,
    booking_id: i64,
    reason: &str,
) -> Result<i64, Failure> {
    let at = now();
    conn.write(|tx| {
        let (booking, slot) =
            store::lock_in_service(tx, booking_id, officer.service_id)?.ok_or(Failure::NotFound)?;
        // Looked at only once the row is known to be theirs: another
        // tenant gets 404 whatever it sent.
        let reason = check_reason(reason).map_err(Failure::Invalid)?;
        booking_transition(
            booking.status,
            BookingAction::Cancel,
            Role::Officer,
            slot.starts_at,
            at,
        )
        .map_err(refused)?;
        end_booking(tx, &booking, &slot, &reason, at)?;
        let event = store::write_event(
            tx,
            booking.id,
            BookingAction::Cancel.as_str(),
            Role::Officer,
            Some(officer.user_id),
            slot.id,
            Some(&reason),
            at,
        )?;
        let headline = format!("The case officer cancelled the {}", what(slot.purpose));
        mail::changed(
            tx,
            config,
            Side::Employer,
            &booking,
            &slot,
            &headline,
            Some(&reason),
            event,
        )
        .map_err(notify_failure)?;
        audited(
            tx,
            &officer.actor,
            "booking.cancelled",
            "booking",
            booking.id,
            reason.clone(),
            at,
        )?;
        Ok(booking.application_id)
    })
}

/// A page of the live bookings of the officer's service still to come,
/// soonest first, with the vacancy's title, and the total.
pub fn upcoming(
    conn: &mut impl AsTx,
    officer: &Caseworker,
    (limit, offset): (i64, i64),
) -> Result<store::BookingPage, Failure> {
    Ok(store::page_upcoming_in_service(
        conn,
        officer.service_id,
        now(),
        limit,
        offset,
    )?)
}

// ------------------------------------------------------------ job seeker

/// The person's bookings that are not cancelled, by vacancy id: what the
/// terminal shows on their applications.
pub fn for_person(
    conn: &mut impl AsTx,
    profile_id: i64,
) -> Result<Vec<(i64, Booking, Slot)>, StoreError> {
    let applications = app_store::for_profile(conn, profile_id)?;
    let ids: Vec<i64> = applications.iter().map(|a| a.id).collect();
    let mut out = Vec::new();
    for (booking, slot) in store::for_applications(conn, &ids)? {
        if booking.status == BookingStatus::Cancelled {
            continue;
        }
        if let Some(a) = applications.iter().find(|a| a.id == booking.application_id) {
            out.push((a.vacancy_id, booking, slot));
        }
    }
    Ok(out)
}

// --------------------------------------------------------------- schedule

/// The daily reminders for `today`: every live booking whose slot is from
/// tomorrow to [`REMINDER_DAYS`] days ahead gets its booking officer one
/// email (once per booking and slot, so a later pass, or a booking made
/// inside the window, sends no second one). Returns how many were queued.
pub fn remind(conn: &mut Conn, config: &Config, today: NaiveDate) -> Result<usize, NotifyError> {
    let (Some(from), Some(to)) = (
        today.checked_add_days(Days::new(1)),
        today.checked_add_days(Days::new(REMINDER_DAYS as u64)),
    ) else {
        return Ok(0);
    };
    let due = store::live_between(conn, from, to)?;
    conn.write(|tx| {
        let mut queued = 0;
        for (booking, slot) in &due {
            queued += usize::from(mail::reminder(tx, config, booking, slot, today)?.is_some());
        }
        Ok(queued)
    })
}
