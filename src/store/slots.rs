//! Interview and trial slots, and the bookings in them. Every query that
//! an employer or officer reaches carries its tenant (the slot's employer,
//! the booking officer's service) in the query itself.
//!
//! A place is taken with one conditional update (`booked = booked + 1 WHERE
//! booked < capacity`) inside the booking's transaction: on PostgreSQL a
//! second writer waits for the row and then sees the new count, and on
//! SQLite the write transaction holds the database, so two bookings for the
//! last place cannot both succeed on either backend.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    applications, profiles, slot_booking_events, slot_bookings, vacancies, vacancy_slots,
};
use super::{AsTx, StoreError, StoreResult, Tx};
use crate::domain::application::Role;
use crate::domain::geo::GeoPoint;
use crate::domain::slot::{BookingStatus, PlaceKind, SlotDraft, SlotPurpose};
use crate::with_conn;

/// A slot as stored.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Slot {
    pub id: i64,
    pub vacancy_id: i64,
    pub employer_id: i64,
    pub purpose: SlotPurpose,
    pub starts_at: NaiveDateTime,
    pub minutes: i32,
    pub place_kind: PlaceKind,
    pub place: String,
    pub capacity: i32,
    pub booked: i32,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
}

impl Slot {
    /// The slot's fields as a draft (to compare an edit with).
    pub fn draft(&self) -> SlotDraft {
        SlotDraft {
            purpose: self.purpose,
            starts_at: self.starts_at,
            minutes: self.minutes,
            place_kind: self.place_kind,
            place: self.place.clone(),
            capacity: self.capacity,
        }
    }

    /// Places still free.
    pub fn free(&self) -> i32 {
        if self.cancelled_at.is_some() {
            0
        } else {
            self.capacity - self.booked
        }
    }
}

type SlotRow = (
    i64,
    i64,
    i64,
    String,
    NaiveDateTime,
    i32,
    String,
    String,
    i32,
    i32,
    Option<NaiveDateTime>,
    Option<String>,
);

macro_rules! slot_columns {
    () => {
        (
            vacancy_slots::id,
            vacancy_slots::vacancy_id,
            vacancy_slots::employer_id,
            vacancy_slots::purpose,
            vacancy_slots::starts_at,
            vacancy_slots::minutes,
            vacancy_slots::place_kind,
            vacancy_slots::place,
            vacancy_slots::capacity,
            vacancy_slots::booked,
            vacancy_slots::cancelled_at,
            vacancy_slots::cancel_reason,
        )
    };
}

fn corrupt(e: crate::domain::errors::UnknownValue) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn slot_from(row: SlotRow) -> StoreResult<Slot> {
    Ok(Slot {
        id: row.0,
        vacancy_id: row.1,
        employer_id: row.2,
        purpose: SlotPurpose::parse(&row.3).map_err(corrupt)?,
        starts_at: row.4,
        minutes: row.5,
        place_kind: PlaceKind::parse(&row.6).map_err(corrupt)?,
        place: row.7,
        capacity: row.8,
        booked: row.9,
        cancelled_at: row.10,
        cancel_reason: row.11,
    })
}

/// A booking as stored.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Booking {
    pub id: i64,
    pub slot_id: i64,
    pub application_id: i64,
    pub purpose: SlotPurpose,
    pub status: BookingStatus,
    pub booked_by: i64,
    pub cancel_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

type BookingRow = (
    i64,
    i64,
    i64,
    String,
    String,
    i64,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
);

macro_rules! booking_columns {
    () => {
        (
            slot_bookings::id,
            slot_bookings::slot_id,
            slot_bookings::application_id,
            slot_bookings::purpose,
            slot_bookings::status,
            slot_bookings::booked_by,
            slot_bookings::cancel_reason,
            slot_bookings::created_at,
            slot_bookings::updated_at,
        )
    };
}

/// A page of slots and the total for the query `scoped!()` builds (a
/// macro, as each backend needs the query built for it), soonest first.
macro_rules! slot_page {
    ($conn:expr, $limit:expr, $offset:expr) => {{
        let (rows, total): (Vec<SlotRow>, i64) = with_conn!($conn, |c| {
            let total = scoped!().count().get_result(c)?;
            let rows = scoped!()
                .order((vacancy_slots::starts_at, vacancy_slots::id))
                .limit($limit)
                .offset($offset)
                .select(slot_columns!())
                .load(c)?;
            (rows, total)
        });
        Ok((
            rows.into_iter()
                .map(slot_from)
                .collect::<StoreResult<_>>()?,
            total,
        ))
    }};
}

/// A [`BookingPage`] for the query `scoped!()` builds (bookings joined to
/// their slot and its vacancy), soonest slot first.
macro_rules! booking_page {
    ($conn:expr, $limit:expr, $offset:expr) => {{
        let (rows, total): (Vec<(BookingRow, SlotRow, String)>, i64) = with_conn!($conn, |c| {
            let total = scoped!().count().get_result(c)?;
            let rows = scoped!()
                .order((vacancy_slots::starts_at, slot_bookings::id))
                .limit($limit)
                .offset($offset)
                .select((booking_columns!(), slot_columns!(), vacancies::title))
                .load(c)?;
            (rows, total)
        });
        let rows = rows
            .into_iter()
            .map(|(b, s, t)| Ok((booking_from(b)?, slot_from(s)?, t)))
            .collect::<StoreResult<_>>()?;
        Ok((rows, total))
    }};
}

fn booking_from(row: BookingRow) -> StoreResult<Booking> {
    Ok(Booking {
        id: row.0,
        slot_id: row.1,
        application_id: row.2,
        purpose: SlotPurpose::parse(&row.3).map_err(corrupt)?,
        status: BookingStatus::parse(&row.4).map_err(corrupt)?,
        booked_by: row.5,
        cancel_reason: row.6,
        created_at: row.7,
        updated_at: row.8,
    })
}

fn pairs(rows: Vec<(BookingRow, SlotRow)>) -> StoreResult<Vec<(Booking, Slot)>> {
    rows.into_iter()
        .map(|(b, s)| Ok((booking_from(b)?, slot_from(s)?)))
        .collect()
}

/// Stores a new slot on `vacancy_id` of `employer_id` (the caller checked
/// that the vacancy is the employer's).
pub fn create(
    conn: &mut impl AsTx,
    employer_id: i64,
    vacancy_id: i64,
    draft: &SlotDraft,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| diesel::insert_into(
        vacancy_slots::table
    )
    .values((
        vacancy_slots::vacancy_id.eq(vacancy_id),
        vacancy_slots::employer_id.eq(employer_id),
        vacancy_slots::purpose.eq(draft.purpose.as_str()),
        vacancy_slots::starts_at.eq(draft.starts_at),
        vacancy_slots::minutes.eq(draft.minutes),
        vacancy_slots::place_kind.eq(draft.place_kind.as_str()),
        vacancy_slots::place.eq(&draft.place),
        vacancy_slots::capacity.eq(draft.capacity),
        vacancy_slots::created_at.eq(at),
        vacancy_slots::updated_at.eq(at),
    ))
    .returning(vacancy_slots::id)
    .get_result(c)?))
}

/// Replaces a slot's fields (the caller checked the edit against its
/// bookings, with the slot locked).
pub fn update(
    conn: &mut impl AsTx,
    id: i64,
    draft: &SlotDraft,
    at: NaiveDateTime,
) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::update(vacancy_slots::table.find(id))
        .set((
            vacancy_slots::purpose.eq(draft.purpose.as_str()),
            vacancy_slots::starts_at.eq(draft.starts_at),
            vacancy_slots::minutes.eq(draft.minutes),
            vacancy_slots::place_kind.eq(draft.place_kind.as_str()),
            vacancy_slots::place.eq(&draft.place),
            vacancy_slots::capacity.eq(draft.capacity),
            vacancy_slots::updated_at.eq(at),
        ))
        .execute(c)?);
    Ok(())
}

/// Marks a slot cancelled (its live bookings must be cancelled first, so
/// that no place is held in it).
pub fn cancel(conn: &mut impl AsTx, id: i64, reason: &str, at: NaiveDateTime) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::update(vacancy_slots::table.find(id))
        .set((
            vacancy_slots::cancelled_at.eq(Some(at)),
            vacancy_slots::cancel_reason.eq(Some(reason)),
            vacancy_slots::updated_at.eq(at),
        ))
        .execute(c)?);
    Ok(())
}

/// One slot, only if it is `employer_id`'s.
pub fn for_employer(conn: &mut impl AsTx, id: i64, employer_id: i64) -> StoreResult<Option<Slot>> {
    let row: Option<SlotRow> = with_conn!(conn, |c| vacancy_slots::table
        .filter(vacancy_slots::id.eq(id))
        .filter(vacancy_slots::employer_id.eq(employer_id))
        .select(slot_columns!())
        .first(c)
        .optional()?);
    row.map(slot_from).transpose()
}

/// One slot, locked on PostgreSQL for the rest of the transaction (SQLite's
/// write transaction holds the database already), only if it is
/// `employer_id`'s.
pub fn lock_for_employer(
    conn: &mut impl AsTx,
    id: i64,
    employer_id: i64,
) -> StoreResult<Option<Slot>> {
    let row: Option<SlotRow> = match conn.tx() {
        Tx::Postgres(c) => vacancy_slots::table
            .filter(vacancy_slots::id.eq(id))
            .filter(vacancy_slots::employer_id.eq(employer_id))
            .select(slot_columns!())
            .for_update()
            .first(c)
            .optional()?,
        Tx::Sqlite(c) => vacancy_slots::table
            .filter(vacancy_slots::id.eq(id))
            .filter(vacancy_slots::employer_id.eq(employer_id))
            .select(slot_columns!())
            .first(c)
            .optional()?,
    };
    row.map(slot_from).transpose()
}

/// One slot by id (the caller has already scoped the booking it belongs to).
pub fn load(conn: &mut impl AsTx, id: i64) -> StoreResult<Option<Slot>> {
    let row: Option<SlotRow> = with_conn!(conn, |c| vacancy_slots::table
        .find(id)
        .select(slot_columns!())
        .first(c)
        .optional()?);
    row.map(slot_from).transpose()
}

/// A page of `employer_id`'s slots (one vacancy's, or all), soonest first,
/// cancelled ones included, and how many there are in all.
pub fn page_for_employer(
    conn: &mut impl AsTx,
    employer_id: i64,
    vacancy_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Slot>, i64)> {
    macro_rules! scoped {
        () => {{
            let mut q = vacancy_slots::table
                .filter(vacancy_slots::employer_id.eq(employer_id))
                .into_boxed();
            if let Some(v) = vacancy_id {
                q = q.filter(vacancy_slots::vacancy_id.eq(v));
            }
            q
        }};
    }
    slot_page!(conn, limit, offset)
}

/// A page of the slots of one vacancy an officer can book into at `now`:
/// not cancelled and not started (full ones too, shown as full), soonest
/// first, and how many there are in all.
pub fn page_bookable(
    conn: &mut impl AsTx,
    vacancy_id: i64,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Slot>, i64)> {
    macro_rules! scoped {
        () => {
            vacancy_slots::table
                .filter(vacancy_slots::vacancy_id.eq(vacancy_id))
                .filter(vacancy_slots::cancelled_at.is_null())
                .filter(vacancy_slots::starts_at.gt(now))
        };
    }
    slot_page!(conn, limit, offset)
}

/// A page of the slots a booking in `from` could move to: the same
/// vacancy and purpose, another slot, not cancelled, not started at `now`
/// and with room; soonest first, and the total.
pub fn page_move_targets(
    conn: &mut impl AsTx,
    from: &Slot,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Slot>, i64)> {
    let (vacancy_id, purpose, except) = (from.vacancy_id, from.purpose.as_str(), from.id);
    macro_rules! scoped {
        () => {
            vacancy_slots::table
                .filter(vacancy_slots::vacancy_id.eq(vacancy_id))
                .filter(vacancy_slots::purpose.eq(purpose))
                .filter(vacancy_slots::id.ne(except))
                .filter(vacancy_slots::cancelled_at.is_null())
                .filter(vacancy_slots::starts_at.gt(now))
                .filter(vacancy_slots::booked.lt(vacancy_slots::capacity))
        };
    }
    slot_page!(conn, limit, offset)
}

/// Where a vacancy's workplace is, when it has one.
pub fn vacancy_point(conn: &mut impl AsTx, vacancy_id: i64) -> StoreResult<Option<GeoPoint>> {
    let (lat, lon): (Option<f64>, Option<f64>) = with_conn!(conn, |c| vacancies::table
        .find(vacancy_id)
        .select((vacancies::lat, vacancies::lon))
        .first(c)?);
    Ok(lat
        .zip(lon)
        .and_then(|(lat, lon)| GeoPoint::parse(lat, lon).ok()))
}

/// Takes one place in the slot if it has room, is not cancelled and has
/// not started at `now`; false when it could not. One statement, so it
/// holds under concurrency (see the module's comment).
pub fn take_place(conn: &mut impl AsTx, slot_id: i64, now: NaiveDateTime) -> StoreResult<bool> {
    let n = with_conn!(conn, |c| diesel::update(
        vacancy_slots::table
            .filter(vacancy_slots::id.eq(slot_id))
            .filter(vacancy_slots::booked.lt(vacancy_slots::capacity))
            .filter(vacancy_slots::cancelled_at.is_null())
            .filter(vacancy_slots::starts_at.gt(now))
    )
    .set((
        vacancy_slots::booked.eq(vacancy_slots::booked + 1),
        vacancy_slots::updated_at.eq(now),
    ))
    .execute(c)?);
    Ok(n == 1)
}

/// Gives a place back to the slot.
pub fn give_back(conn: &mut impl AsTx, slot_id: i64, at: NaiveDateTime) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::update(
        vacancy_slots::table
            .filter(vacancy_slots::id.eq(slot_id))
            .filter(vacancy_slots::booked.gt(0))
    )
    .set((
        vacancy_slots::booked.eq(vacancy_slots::booked - 1),
        vacancy_slots::updated_at.eq(at),
    ))
    .execute(c)?);
    Ok(())
}

/// Stores a booking (after [`take_place`]); a second live booking of the
/// application for the same purpose is a conflict.
pub fn insert_booking(
    conn: &mut impl AsTx,
    slot: &Slot,
    application_id: i64,
    booked_by: i64,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    with_conn!(conn, |c| diesel::insert_into(slot_bookings::table)
        .values((
            slot_bookings::slot_id.eq(slot.id),
            slot_bookings::application_id.eq(application_id),
            slot_bookings::purpose.eq(slot.purpose.as_str()),
            slot_bookings::status.eq(BookingStatus::Booked.as_str()),
            slot_bookings::booked_by.eq(booked_by),
            slot_bookings::created_at.eq(at),
            slot_bookings::updated_at.eq(at),
        ))
        .returning(slot_bookings::id)
        .get_result(c)
        .map_err(|e| StoreError::from_write(e, "booking")))
}

/// Sets a booking's status, slot and cancellation reason.
pub fn set_booking(
    conn: &mut impl AsTx,
    id: i64,
    status: BookingStatus,
    slot_id: i64,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> StoreResult<()> {
    with_conn!(conn, |c| diesel::update(slot_bookings::table.find(id))
        .set((
            slot_bookings::status.eq(status.as_str()),
            slot_bookings::slot_id.eq(slot_id),
            slot_bookings::cancel_reason.eq(reason),
            slot_bookings::updated_at.eq(at),
        ))
        .execute(c)?);
    Ok(())
}

/// Records one change on a booking's timeline; returns the event's id
/// (which names the change's email).
#[allow(clippy::too_many_arguments)]
pub fn write_event(
    conn: &mut impl AsTx,
    booking_id: i64,
    action: &str,
    role: Role,
    user_id: Option<i64>,
    slot_id: i64,
    note: Option<&str>,
    at: NaiveDateTime,
) -> StoreResult<i64> {
    let kind = match role {
        Role::Officer => "officer",
        Role::Employer => "employer",
        Role::Seeker => "seeker",
        Role::Admin => "system",
    };
    Ok(with_conn!(conn, |c| diesel::insert_into(
        slot_booking_events::table
    )
    .values((
        slot_booking_events::booking_id.eq(booking_id),
        slot_booking_events::action.eq(action),
        slot_booking_events::actor_kind.eq(kind),
        slot_booking_events::actor_user_id.eq(user_id),
        slot_booking_events::slot_id.eq(slot_id),
        slot_booking_events::note.eq(note),
        slot_booking_events::at.eq(at),
    ))
    .returning(slot_booking_events::id)
    .get_result(c)?))
}

/// One step of a booking's timeline.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BookingEvent {
    pub action: String,
    pub actor_kind: String,
    pub actor_user_id: Option<i64>,
    pub slot_id: i64,
    pub note: Option<String>,
    pub at: NaiveDateTime,
}

/// A booking's timeline, oldest first.
pub fn events(conn: &mut impl AsTx, booking_id: i64) -> StoreResult<Vec<BookingEvent>> {
    type Row = (
        String,
        String,
        Option<i64>,
        i64,
        Option<String>,
        NaiveDateTime,
    );
    let rows: Vec<Row> = with_conn!(conn, |c| slot_booking_events::table
        .filter(slot_booking_events::booking_id.eq(booking_id))
        .order((slot_booking_events::at, slot_booking_events::id))
        .select((
            slot_booking_events::action,
            slot_booking_events::actor_kind,
            slot_booking_events::actor_user_id,
            slot_booking_events::slot_id,
            slot_booking_events::note,
            slot_booking_events::at,
        ))
        .load(c)?);
    Ok(rows
        .into_iter()
        .map(
            |(action, actor_kind, actor_user_id, slot_id, note, at)| BookingEvent {
                action,
                actor_kind,
                actor_user_id,
                slot_id,
                note,
                at,
            },
        )
        .collect())
}

/// A booking with its slot, only if the slot is `employer_id`'s; the
/// booking row is locked on PostgreSQL.
pub fn lock_booking_for_employer(
    conn: &mut impl AsTx,
    id: i64,
    employer_id: i64,
) -> StoreResult<Option<(Booking, Slot)>> {
    let row: Option<(BookingRow, SlotRow)> = match conn.tx() {
        Tx::Postgres(c) => slot_bookings::table
            .inner_join(vacancy_slots::table)
            .filter(slot_bookings::id.eq(id))
            .filter(vacancy_slots::employer_id.eq(employer_id))
            .select((booking_columns!(), slot_columns!()))
            .for_update()
            .first(c)
            .optional()?,
        Tx::Sqlite(c) => slot_bookings::table
            .inner_join(vacancy_slots::table)
            .filter(slot_bookings::id.eq(id))
            .filter(vacancy_slots::employer_id.eq(employer_id))
            .select((booking_columns!(), slot_columns!()))
            .first(c)
            .optional()?,
    };
    row.map(|(b, s)| Ok((booking_from(b)?, slot_from(s)?)))
        .transpose()
}

/// A booking with its slot, only if the person is in `service_id`; the
/// booking row is locked on PostgreSQL.
pub fn lock_in_service(
    conn: &mut impl AsTx,
    id: i64,
    service_id: i64,
) -> StoreResult<Option<(Booking, Slot)>> {
    let in_service = applications::table
        .inner_join(profiles::table)
        .filter(profiles::service_id.eq(service_id))
        .select(applications::id);
    let row: Option<(BookingRow, SlotRow)> = match conn.tx() {
        Tx::Postgres(c) => slot_bookings::table
            .inner_join(vacancy_slots::table)
            .filter(slot_bookings::id.eq(id))
            .filter(slot_bookings::application_id.eq_any(in_service))
            .select((booking_columns!(), slot_columns!()))
            .for_update()
            .first(c)
            .optional()?,
        Tx::Sqlite(c) => slot_bookings::table
            .inner_join(vacancy_slots::table)
            .filter(slot_bookings::id.eq(id))
            .filter(slot_bookings::application_id.eq_any(in_service))
            .select((booking_columns!(), slot_columns!()))
            .first(c)
            .optional()?,
    };
    row.map(|(b, s)| Ok((booking_from(b)?, slot_from(s)?)))
        .transpose()
}

/// The live bookings in one slot, oldest first.
pub fn live_in_slot(conn: &mut impl AsTx, slot_id: i64) -> StoreResult<Vec<Booking>> {
    let live = [
        BookingStatus::Booked.as_str(),
        BookingStatus::Confirmed.as_str(),
    ];
    let rows: Vec<BookingRow> = with_conn!(conn, |c| slot_bookings::table
        .filter(slot_bookings::slot_id.eq(slot_id))
        .filter(slot_bookings::status.eq_any(live))
        .order(slot_bookings::id)
        .select(booking_columns!())
        .load(c)?);
    rows.into_iter().map(booking_from).collect()
}

/// The live bookings of one application (at most one per purpose).
pub fn live_for_application(
    conn: &mut impl AsTx,
    application_id: i64,
) -> StoreResult<Vec<Booking>> {
    let live = [
        BookingStatus::Booked.as_str(),
        BookingStatus::Confirmed.as_str(),
    ];
    let rows: Vec<BookingRow> = with_conn!(conn, |c| slot_bookings::table
        .filter(slot_bookings::application_id.eq(application_id))
        .filter(slot_bookings::status.eq_any(live))
        .order(slot_bookings::id)
        .select(booking_columns!())
        .load(c)?);
    rows.into_iter().map(booking_from).collect()
}

/// Every booking of these applications with its slot, newest first (an
/// application has a handful at most).
pub fn for_applications(
    conn: &mut impl AsTx,
    application_ids: &[i64],
) -> StoreResult<Vec<(Booking, Slot)>> {
    let mut all = Vec::new();
    for chunk in application_ids.chunks(1_000) {
        let rows: Vec<(BookingRow, SlotRow)> = with_conn!(conn, |c| slot_bookings::table
            .inner_join(vacancy_slots::table)
            .filter(slot_bookings::application_id.eq_any(chunk))
            .order((slot_bookings::created_at.desc(), slot_bookings::id.desc()))
            .select((booking_columns!(), slot_columns!()))
            .load(c)?);
        all.extend(pairs(rows)?);
    }
    Ok(all)
}

/// A page of bookings, each with its slot and the vacancy's title, and the
/// total.
pub type BookingPage = (Vec<(Booking, Slot, String)>, i64);

/// A page of the bookings in `employer_id`'s slots, soonest slot first,
/// with the vacancy's title, and how many there are in all. `live_only`
/// leaves out cancelled and held ones. People anonymised by the retention
/// pass are left out, as from the employer's applications.
pub fn page_for_employer_bookings(
    conn: &mut impl AsTx,
    employer_id: i64,
    live_only: bool,
    limit: i64,
    offset: i64,
) -> StoreResult<BookingPage> {
    let live = [
        BookingStatus::Booked.as_str(),
        BookingStatus::Confirmed.as_str(),
    ];
    macro_rules! scoped {
        () => {{
            let mut q = slot_bookings::table
                .inner_join(vacancy_slots::table.inner_join(vacancies::table))
                .filter(vacancy_slots::employer_id.eq(employer_id))
                .filter(
                    slot_bookings::application_id.ne_all(
                        applications::table
                            .inner_join(profiles::table)
                            .filter(profiles::anonymised_at.is_not_null())
                            .select(applications::id),
                    ),
                )
                .into_boxed();
            if live_only {
                q = q.filter(slot_bookings::status.eq_any(live));
            }
            q
        }};
    }
    booking_page!(conn, limit, offset)
}

/// A page of the live bookings of people in `service_id` whose slot starts
/// after `now`, soonest first, with the vacancy's title, and the total.
pub fn page_upcoming_in_service(
    conn: &mut impl AsTx,
    service_id: i64,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> StoreResult<BookingPage> {
    let live = [
        BookingStatus::Booked.as_str(),
        BookingStatus::Confirmed.as_str(),
    ];
    macro_rules! scoped {
        () => {{
            let in_service = applications::table
                .inner_join(profiles::table)
                .filter(profiles::service_id.eq(service_id))
                .select(applications::id);
            slot_bookings::table
                .inner_join(vacancy_slots::table.inner_join(vacancies::table))
                .filter(slot_bookings::application_id.eq_any(in_service))
                .filter(slot_bookings::status.eq_any(live))
                .filter(vacancy_slots::starts_at.gt(now))
        }};
    }
    booking_page!(conn, limit, offset)
}

/// The live bookings whose slot falls on a day from `from` to `to`
/// (inclusive), for the reminders.
pub fn live_between(
    conn: &mut impl AsTx,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<(Booking, Slot)>> {
    let live = [
        BookingStatus::Booked.as_str(),
        BookingStatus::Confirmed.as_str(),
    ];
    let start = from.and_time(chrono::NaiveTime::MIN);
    let end = (to + chrono::Days::new(1)).and_time(chrono::NaiveTime::MIN);
    let rows: Vec<(BookingRow, SlotRow)> = with_conn!(conn, |c| slot_bookings::table
        .inner_join(vacancy_slots::table)
        .filter(slot_bookings::status.eq_any(live))
        .filter(vacancy_slots::starts_at.ge(start))
        .filter(vacancy_slots::starts_at.lt(end))
        .order((vacancy_slots::starts_at, slot_bookings::id))
        .select((booking_columns!(), slot_columns!()))
        .load(c)?);
    pairs(rows)
}

/// The person's release date and day-release eligibility, for an
/// application.
pub fn person_dates(
    conn: &mut impl AsTx,
    application_id: i64,
) -> StoreResult<(NaiveDate, Option<NaiveDate>)> {
    Ok(with_conn!(conn, |c| applications::table
        .inner_join(profiles::table)
        .filter(applications::id.eq(application_id))
        .select((profiles::release_date, profiles::rotl_eligible_from))
        .first(c)?))
}

/// Whether the vacancy is `employer_id`'s.
pub fn vacancy_of_employer(
    conn: &mut impl AsTx,
    vacancy_id: i64,
    employer_id: i64,
) -> StoreResult<bool> {
    let n: i64 = with_conn!(conn, |c| vacancies::table
        .filter(vacancies::id.eq(vacancy_id))
        .filter(vacancies::employer_id.eq(employer_id))
        .count()
        .get_result(c)?);
    Ok(n > 0)
}

/// Cancels every live booking of an application that has ended, giving
/// their places back; returns how many. Called by
/// `applications::change_status` in its transaction.
pub fn cancel_live_for_application(
    conn: &mut impl AsTx,
    application_id: i64,
    role: Role,
    user_id: Option<i64>,
    at: NaiveDateTime,
) -> StoreResult<usize> {
    let live = live_for_application(conn, application_id)?;
    let reason = "The application ended";
    for booking in &live {
        set_booking(
            conn,
            booking.id,
            BookingStatus::Cancelled,
            booking.slot_id,
            Some(reason),
            at,
        )?;
        give_back(conn, booking.slot_id, at)?;
        write_event(
            conn,
            booking.id,
            "cancelled",
            role,
            user_id,
            booking.slot_id,
            Some(reason),
            at,
        )?;
    }
    Ok(live.len())
}
