//! Interview and work-trial slots: what an employer offers on a vacancy
//! (when, how long, where, for how many people), and the rules of the
//! bookings case officers make in them.
//!
//! A booking follows its own small lifecycle next to the application's:
//! booked (by the officer) -> confirmed (by the employer) -> attended | did
//! not attend (by the employer, once the slot has started); the employer
//! may move a live booking to another of its slots, and either side may
//! cancel it with a reason. Only applications the employer already has
//! (forwarded or interview) can be booked.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::application::{ApplicationStatus, Role};
use super::errors::FieldErrors;
use super::geo::GeoPoint;
use super::licence::LicenceConditions;
use super::schedule::{DaySet, TimeWindow};

slug_enum! {
    /// What a slot is for.
    pub enum SlotPurpose("slot purpose") {
        /// An interview.
        Interview => "interview", "Interview",
        /// A work trial day.
        Trial => "trial", "Work trial",
    }
}

slug_enum! {
    /// Where a slot takes place.
    pub enum PlaceKind("place kind") {
        /// Inside the prison, in person.
        InPrison => "in_prison", "In the prison",
        /// By video, with the person in the prison.
        VideoFromPrison => "video_from_prison", "By video from the prison",
        /// At the workplace, after release (or on day release).
        AtWorkplace => "at_workplace", "At the workplace",
    }
}

slug_enum! {
    /// Where a booking is.
    pub enum BookingStatus("booking status") {
        /// The officer booked it; the employer has not confirmed it yet.
        Booked => "booked", "Booked, waiting for the employer",
        /// The employer confirmed it (or moved it to a new time).
        Confirmed => "confirmed", "Confirmed",
        /// The officer or the employer cancelled it (with a reason).
        Cancelled => "cancelled", "Cancelled",
        /// The person came.
        Attended => "attended", "Attended",
        /// The person did not come.
        DidNotAttend => "did_not_attend", "Did not attend",
    }
}

impl BookingStatus {
    /// Whether the booking still holds a place in its slot.
    pub fn is_live(self) -> bool {
        matches!(self, BookingStatus::Booked | BookingStatus::Confirmed)
    }
}

/// The most people one slot can take.
pub const CAPACITY_MAX: i32 = 20;
/// The shortest and longest slot, in minutes.
pub const MINUTES_MIN: i32 = 15;
pub const MINUTES_MAX: i32 = 480;
/// The longest place description and cancellation reason, in characters.
pub const PLACE_MAX: usize = 200;
pub const REASON_MAX: usize = 500;
/// Text with a NUL character is refused: no database keeps one in text
/// (PostgreSQL refuses the row), and nobody types it.
const NUL_IN_TEXT: &str = "Remove the null character (\\0) from this text";
/// How far ahead a slot may be offered.
pub const AHEAD_DAYS_MAX: i64 = 366;
/// Officers are reminded of a booking this many days before its slot.
pub const REMINDER_DAYS: i64 = 2;

/// A slot as typed on the form or sent to the API, before checking.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct SlotInput {
    #[serde(default)]
    pub purpose: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub date: String,
    /// HH:MM, 24-hour clock.
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub place_kind: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub capacity: String,
}

/// A checked slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotDraft {
    pub purpose: SlotPurpose,
    pub starts_at: NaiveDateTime,
    pub minutes: i32,
    pub place_kind: PlaceKind,
    pub place: String,
    pub capacity: i32,
}

/// The order of the form's fields, for the error summary.
pub const FIELDS: [&str; 7] = [
    "purpose",
    "date",
    "time",
    "minutes",
    "place_kind",
    "place",
    "capacity",
];

impl SlotDraft {
    /// Checks what was typed at `now`: every field, each with its own
    /// message; the slot must start after `now` and within a year.
    pub fn parse(input: &SlotInput, now: NaiveDateTime) -> Result<SlotDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let purpose = SlotPurpose::parse(input.purpose.trim()).ok();
        if purpose.is_none() {
            errors.add("purpose", "Choose interview or work trial");
        }
        let (date, time) = parse_date_time(input, &mut errors);
        let minutes = match input.minutes.trim().parse::<i32>() {
            Ok(m) if (MINUTES_MIN..=MINUTES_MAX).contains(&m) => Some(m),
            _ => {
                errors.add(
                    "minutes",
                    format!(
                        "Enter how long it lasts in minutes, from {MINUTES_MIN} to {MINUTES_MAX}"
                    ),
                );
                None
            }
        };
        let place_kind = PlaceKind::parse(input.place_kind.trim()).ok();
        if place_kind.is_none() {
            errors.add(
                "place_kind",
                "Choose in the prison, by video from the prison, or at the workplace",
            );
        }
        let place = input.place.trim().to_string();
        if place.is_empty() {
            errors.add("place", "Say where it is, like \"the education block\"");
        } else if place.chars().count() > PLACE_MAX {
            errors.add("place", format!("Write {PLACE_MAX} characters or fewer"));
        } else if place.contains('\0') {
            errors.add("place", NUL_IN_TEXT);
        }
        let capacity = parse_capacity(&input.capacity, &mut errors);
        let starts_at = match (date, time) {
            (Some(d), Some(t)) => {
                let at = d.and_time(t);
                if at <= now {
                    errors.add("date", "The slot must be in the future");
                    None
                } else if at > now + Duration::days(AHEAD_DAYS_MAX) {
                    errors.add("date", "The slot must be within a year from today");
                    None
                } else {
                    Some(at)
                }
            }
            _ => None,
        };
        match (purpose, starts_at, minutes, place_kind, capacity) {
            (Some(purpose), Some(starts_at), Some(minutes), Some(place_kind), Some(capacity))
                if errors.is_empty() =>
            {
                Ok(SlotDraft {
                    purpose,
                    starts_at,
                    minutes,
                    place_kind,
                    place,
                    capacity,
                })
            }
            _ => Err(errors),
        }
    }

    /// The form's values for this slot (to fill an edit form).
    pub fn input(&self) -> SlotInput {
        SlotInput {
            purpose: self.purpose.as_str().into(),
            date: self.starts_at.format("%Y-%m-%d").to_string(),
            time: self.starts_at.format("%H:%M").to_string(),
            minutes: self.minutes.to_string(),
            place_kind: self.place_kind.as_str().into(),
            place: self.place.clone(),
            capacity: self.capacity.to_string(),
        }
    }
}

/// The date and time fields, each with its own message.
fn parse_date_time(
    input: &SlotInput,
    errors: &mut FieldErrors,
) -> (Option<NaiveDate>, Option<NaiveTime>) {
    let date = match input.date.trim() {
        "" => {
            errors.add("date", "Enter the date");
            None
        }
        text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.add("date", "Enter a real date, written like 2027-03-09");
                None
            }
        },
    };
    let time = match input.time.trim() {
        "" => {
            errors.add("time", "Enter the start time");
            None
        }
        text => match NaiveTime::parse_from_str(text, "%H:%M") {
            Ok(t) => Some(t),
            Err(_) => {
                errors.add("time", "Enter a time on the 24-hour clock, like 09:30");
                None
            }
        },
    };
    (date, time)
}

/// The capacity field: 1 to [`CAPACITY_MAX`].
fn parse_capacity(text: &str, errors: &mut FieldErrors) -> Option<i32> {
    match text.trim().parse::<i32>() {
        Ok(c) if (1..=CAPACITY_MAX).contains(&c) => Some(c),
        Ok(c) if c < 1 => {
            errors.add("capacity", "A slot must take at least 1 person");
            None
        }
        Ok(_) => {
            errors.add(
                "capacity",
                format!("A slot can take at most {CAPACITY_MAX} people; add another slot for more"),
            );
            None
        }
        Err(_) => {
            errors.add(
                "capacity",
                "Enter how many people the slot takes, as a number",
            );
            None
        }
    }
}

/// Checks an edit of a slot that has `booked` live bookings: with none,
/// anything may change; with some, only the place description and the
/// length may, and the capacity may not fall below the bookings. A new
/// time or place kind for booked people is a move of each booking, so
/// that each officer is told.
pub fn check_edit(current: &SlotDraft, booked: i32, new: &SlotDraft) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if booked > 0 {
        let held = "People are booked into this slot: move their bookings to another slot first";
        if new.purpose != current.purpose {
            errors.add("purpose", held);
        }
        if new.starts_at.date() != current.starts_at.date() {
            errors.add("date", held);
        }
        if new.starts_at.time() != current.starts_at.time() {
            errors.add("time", held);
        }
        if new.place_kind != current.place_kind {
            errors.add("place_kind", held);
        }
        if new.capacity < booked {
            errors.add(
                "capacity",
                format!("{booked} people are booked; the slot must take at least {booked}"),
            );
        }
    }
    errors.into_result(())
}

/// Why a slot does not suit the person: for the officer only (the employer
/// is never told why; see [`NOT_SUITABLE_FOR_EMPLOYER`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unsuitable {
    #[error("This slot is in the prison, but the person is released by then")]
    ReleasedBy,
    #[error("This slot is at the workplace, but the person is still in prison then and not eligible for day release")]
    StillInPrison,
    #[error("This slot has already started")]
    Started,
    #[error("This slot at the workplace is during the person's curfew")]
    Curfew,
    #[error("This slot's workplace is inside one of the person's exclusion zones")]
    ExclusionZone,
}

/// What the employer is told when a booking cannot go into a slot for a
/// reason about the person: nothing about why.
pub const NOT_SUITABLE_FOR_EMPLOYER: &str =
    "This booking cannot move to that slot. Choose another slot, or ask the case officer.";

/// Whether a person with this release date (and day-release eligibility)
/// can attend a slot of `place_kind` starting at `starts_at`, seen at
/// `now`: a slot in the prison or by video from it is before release; one
/// at the workplace is on or after release, or on a day the person may be
/// out on day release (ROTL).
pub fn suits(
    place_kind: PlaceKind,
    starts_at: NaiveDateTime,
    release_date: NaiveDate,
    rotl_eligible_from: Option<NaiveDate>,
    now: NaiveDateTime,
) -> Result<(), Unsuitable> {
    if starts_at <= now {
        return Err(Unsuitable::Started);
    }
    let day = starts_at.date();
    match place_kind {
        PlaceKind::InPrison | PlaceKind::VideoFromPrison if day >= release_date => {
            Err(Unsuitable::ReleasedBy)
        }
        PlaceKind::AtWorkplace
            if day < release_date && rotl_eligible_from.is_none_or(|from| day < from) =>
        {
            Err(Unsuitable::StillInPrison)
        }
        _ => Ok(()),
    }
}

/// Whether a slot at the workplace clashes with the licence the person is
/// on that day: a curfew in force then overlapping the slot's time (a
/// curfew running overnight into the slot's morning counts), or the
/// workplace (when known) inside an exclusion zone in force then. The same
/// conditions the matching rules apply to the job's shifts and workplace;
/// checked only from the release date, when the licence starts.
pub fn licence_clash(
    conditions: &LicenceConditions,
    starts_at: NaiveDateTime,
    minutes: i32,
    workplace: Option<GeoPoint>,
) -> Result<(), Unsuitable> {
    let day = starts_at.date();
    let in_force = conditions.as_of(day);
    let start = starts_at.time().with_second(0).unwrap_or(starts_at.time());
    let end = start + Duration::minutes(i64::from(minutes.clamp(1, 1439)));
    let window = DaySet::parse(&[day.weekday()])
        .ok()
        .and_then(|days| TimeWindow::parse(days, start, end).ok());
    if let Some(window) = window {
        if in_force
            .curfews()
            .iter()
            .any(|c| c.window().overlaps(&window))
        {
            return Err(Unsuitable::Curfew);
        }
    }
    if let Some(point) = workplace {
        if in_force.exclusion_zones().iter().any(|z| z.contains(point)) {
            return Err(Unsuitable::ExclusionZone);
        }
    }
    Ok(())
}

/// Whether an application in `status` can have a slot booked: the
/// employer has it (forwarded) or is interviewing.
pub fn can_book(status: ApplicationStatus) -> bool {
    matches!(
        status,
        ApplicationStatus::Forwarded | ApplicationStatus::Interview
    )
}

/// A change to a booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingAction {
    Confirm,
    Move,
    Cancel,
    Attended,
    DidNotAttend,
}

impl BookingAction {
    /// The slug stored on the booking's timeline.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirmed",
            Self::Move => "moved",
            Self::Cancel => "cancelled",
            Self::Attended => "attended",
            Self::DidNotAttend => "did_not_attend",
        }
    }
}

/// Why a booking change was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BookingRefused {
    #[error("the booking is {} and cannot change", .0.label().to_lowercase())]
    Ended(BookingStatus),
    #[error("this booking is already confirmed")]
    AlreadyConfirmed,
    #[error("only the employer can do that")]
    EmployerOnly,
    #[error("attendance can be recorded only once the slot has started")]
    NotYet,
}

/// The status after `action` by `by` on a booking in `from`, with the slot
/// starting at `starts_at` and the time now `now`:
///
/// - the employer confirms a booked one, moves a live one (it is then
///   confirmed at the new time), and records attendance once the slot has
///   started;
/// - the officer or the employer cancels a live one;
/// - cancelled, attended and did-not-attend bookings change no more.
pub fn booking_transition(
    from: BookingStatus,
    action: BookingAction,
    by: Role,
    starts_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<BookingStatus, BookingRefused> {
    if !from.is_live() {
        return Err(BookingRefused::Ended(from));
    }
    let employer = by == Role::Employer;
    match action {
        BookingAction::Cancel if employer || by == Role::Officer => Ok(BookingStatus::Cancelled),
        BookingAction::Cancel => Err(BookingRefused::EmployerOnly),
        _ if !employer => Err(BookingRefused::EmployerOnly),
        BookingAction::Confirm if from == BookingStatus::Confirmed => {
            Err(BookingRefused::AlreadyConfirmed)
        }
        BookingAction::Confirm | BookingAction::Move => Ok(BookingStatus::Confirmed),
        BookingAction::Attended | BookingAction::DidNotAttend if starts_at > now => {
            Err(BookingRefused::NotYet)
        }
        BookingAction::Attended => Ok(BookingStatus::Attended),
        BookingAction::DidNotAttend => Ok(BookingStatus::DidNotAttend),
    }
}

/// Checks a cancellation reason: required, at most [`REASON_MAX`].
pub fn check_reason(reason: &str) -> Result<String, FieldErrors> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err(FieldErrors::single(
            "reason",
            "Say briefly why it is cancelled",
        ))
    } else if reason.chars().count() > REASON_MAX {
        Err(FieldErrors::single(
            "reason",
            format!("Write {REASON_MAX} characters or fewer"),
        ))
    } else if reason.contains('\0') {
        Err(FieldErrors::single("reason", NUL_IN_TEXT))
    } else {
        Ok(reason.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: &str, t: &str) -> NaiveDateTime {
        NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .unwrap()
            .and_time(NaiveTime::parse_from_str(t, "%H:%M").unwrap())
    }

    fn input() -> SlotInput {
        SlotInput {
            purpose: "interview".into(),
            date: "2027-03-09".into(),
            time: "10:00".into(),
            minutes: "45".into(),
            place_kind: "in_prison".into(),
            place: " the education block ".into(),
            capacity: "3".into(),
        }
    }

    #[test]
    fn a_good_slot_parses() {
        let draft = SlotDraft::parse(&input(), at("2027-03-01", "09:00")).unwrap();
        assert_eq!(draft.starts_at, at("2027-03-09", "10:00"));
        assert_eq!(draft.place, "the education block");
        assert_eq!(draft.capacity, 3);
        assert_eq!(
            SlotDraft::parse(&draft.input(), at("2027-03-01", "09:00")),
            Ok(draft)
        );
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let now = at("2027-03-01", "09:00");
        let bad = SlotInput {
            purpose: "party".into(),
            date: "2027-02-30".into(),
            time: "25:00".into(),
            minutes: "5".into(),
            place_kind: "moon".into(),
            place: "  ".into(),
            capacity: "0".into(),
        };
        let errors = SlotDraft::parse(&bad, now).unwrap_err();
        for field in FIELDS {
            assert!(errors.has(field), "{field}: {errors:?}");
        }
        let past = SlotInput {
            date: "2027-02-28".into(),
            ..input()
        };
        assert_eq!(
            SlotDraft::parse(&past, now).unwrap_err().first("date"),
            Some("The slot must be in the future")
        );
        let nul = SlotInput {
            place: "the hall\0".into(),
            ..input()
        };
        assert!(SlotDraft::parse(&nul, now).unwrap_err().has("place"));
        let big = SlotInput {
            capacity: "21".into(),
            ..input()
        };
        assert!(SlotDraft::parse(&big, now).unwrap_err().has("capacity"));
        let far = SlotInput {
            date: "2028-03-09".into(),
            ..input()
        };
        assert!(SlotDraft::parse(&far, now).unwrap_err().has("date"));
    }

    #[test]
    fn a_booked_slot_keeps_its_time_and_room() {
        let now = at("2027-03-01", "09:00");
        let current = SlotDraft::parse(&input(), now).unwrap();
        let later = SlotDraft {
            starts_at: at("2027-03-09", "11:00"),
            capacity: 1,
            ..current.clone()
        };
        assert_eq!(check_edit(&current, 0, &later), Ok(()));
        let errors = check_edit(&current, 2, &later).unwrap_err();
        assert!(errors.has("time") && errors.has("capacity"));
        let wordier = SlotDraft {
            place: "the education block, room 4".into(),
            minutes: 60,
            ..current.clone()
        };
        assert_eq!(check_edit(&current, 2, &wordier), Ok(()));
    }

    #[test]
    fn places_suit_people_by_release_and_day_release() {
        let now = at("2027-03-01", "09:00");
        let release = NaiveDate::from_ymd_opt(2027, 3, 20).unwrap();
        let before = at("2027-03-09", "10:00");
        let after = at("2027-03-22", "10:00");
        assert_eq!(
            suits(PlaceKind::InPrison, before, release, None, now),
            Ok(())
        );
        assert_eq!(
            suits(PlaceKind::VideoFromPrison, after, release, None, now),
            Err(Unsuitable::ReleasedBy)
        );
        assert_eq!(
            suits(PlaceKind::AtWorkplace, before, release, None, now),
            Err(Unsuitable::StillInPrison)
        );
        let rotl = NaiveDate::from_ymd_opt(2027, 3, 5);
        assert_eq!(
            suits(PlaceKind::AtWorkplace, before, release, rotl, now),
            Ok(())
        );
        assert_eq!(
            suits(PlaceKind::AtWorkplace, after, release, None, now),
            Ok(())
        );
        assert_eq!(
            suits(
                PlaceKind::InPrison,
                at("2027-03-01", "08:00"),
                release,
                None,
                now
            ),
            Err(Unsuitable::Started)
        );
    }

    /// A licence with a 19:00–07:00 curfew every day ending on 31 March
    /// 2027 and a 2 km exclusion zone around a point.
    fn licence() -> LicenceConditions {
        use crate::domain::geo::{ExclusionZone, ExclusionZoneInput};
        use crate::domain::licence::{Curfew, CurfewInput};
        let curfew = Curfew::parse(&CurfewInput {
            days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .map(String::from)
                .to_vec(),
            start: "19:00".into(),
            end: "07:00".into(),
            ends_on: NaiveDate::from_ymd_opt(2027, 3, 31),
        })
        .unwrap();
        let zone = ExclusionZone::parse(&ExclusionZoneInput {
            name: "Town centre".into(),
            lat: 53.80,
            lon: -1.55,
            radius_km: 2.0,
            ends_on: None,
        })
        .unwrap();
        LicenceConditions {
            curfews: vec![curfew],
            exclusion_zones: vec![zone],
            ..LicenceConditions::default()
        }
    }

    #[test]
    fn workplace_slots_keep_to_the_curfew_and_the_exclusion_zones() {
        let l = licence();
        let away = GeoPoint::parse(53.90, -1.55).ok();
        let inside = GeoPoint::parse(53.801, -1.551).ok();
        // 10:00 for an hour: clear of the night curfew.
        assert_eq!(
            licence_clash(&l, at("2027-03-22", "10:00"), 60, away),
            Ok(())
        );
        // 18:30 for an hour runs into 19:00.
        assert_eq!(
            licence_clash(&l, at("2027-03-22", "18:30"), 60, away),
            Err(Unsuitable::Curfew)
        );
        // 18:00 for an hour ends as the curfew starts: no clash.
        assert_eq!(
            licence_clash(&l, at("2027-03-22", "18:00"), 60, away),
            Ok(())
        );
        // 06:30 is still inside the curfew that began the night before.
        assert_eq!(
            licence_clash(&l, at("2027-03-23", "06:30"), 60, away),
            Err(Unsuitable::Curfew)
        );
        // The curfew's last day counts; the day after it has ended.
        assert_eq!(
            licence_clash(&l, at("2027-03-31", "18:30"), 60, away),
            Err(Unsuitable::Curfew)
        );
        assert_eq!(
            licence_clash(&l, at("2027-04-01", "18:30"), 60, away),
            Ok(())
        );
        assert_eq!(
            licence_clash(&l, at("2027-04-01", "10:00"), 60, inside),
            Err(Unsuitable::ExclusionZone)
        );
        assert_eq!(
            licence_clash(&l, at("2027-04-01", "10:00"), 60, None),
            Ok(())
        );
    }

    #[test]
    fn booking_moves_follow_the_table() {
        use BookingAction::{Cancel, Confirm, Move};
        use BookingStatus::{Booked, Cancelled, Confirmed};
        let now = at("2027-03-01", "09:00");
        let future = at("2027-03-09", "10:00");
        let past = at("2027-02-27", "10:00");
        let t = |from, action, by| booking_transition(from, action, by, future, now);
        assert_eq!(t(Booked, Confirm, Role::Employer), Ok(Confirmed));
        assert_eq!(
            t(Confirmed, Confirm, Role::Employer),
            Err(BookingRefused::AlreadyConfirmed)
        );
        assert_eq!(
            t(Booked, Confirm, Role::Officer),
            Err(BookingRefused::EmployerOnly)
        );
        assert_eq!(t(Booked, Move, Role::Employer), Ok(Confirmed));
        assert_eq!(
            t(Confirmed, Move, Role::Officer),
            Err(BookingRefused::EmployerOnly)
        );
        assert_eq!(t(Booked, Cancel, Role::Officer), Ok(Cancelled));
        assert_eq!(t(Confirmed, Cancel, Role::Employer), Ok(Cancelled));
        assert_eq!(
            t(Booked, Cancel, Role::Seeker),
            Err(BookingRefused::EmployerOnly)
        );
        assert_eq!(
            t(Cancelled, Cancel, Role::Officer),
            Err(BookingRefused::Ended(Cancelled))
        );
        assert_eq!(
            t(Confirmed, BookingAction::Attended, Role::Employer),
            Err(BookingRefused::NotYet)
        );
        let held = |from, action| booking_transition(from, action, Role::Employer, past, now);
        assert_eq!(
            held(Confirmed, BookingAction::Attended),
            Ok(BookingStatus::Attended)
        );
        assert_eq!(
            held(Booked, BookingAction::DidNotAttend),
            Ok(BookingStatus::DidNotAttend)
        );
        assert_eq!(
            held(BookingStatus::Attended, BookingAction::DidNotAttend),
            Err(BookingRefused::Ended(BookingStatus::Attended))
        );
    }

    #[test]
    fn only_applications_with_the_employer_are_booked() {
        for status in ApplicationStatus::ALL {
            assert_eq!(
                can_book(*status),
                matches!(
                    status,
                    ApplicationStatus::Forwarded | ApplicationStatus::Interview
                )
            );
        }
        assert!(check_reason(" ").is_err());
        assert!(check_reason("ill\0").is_err());
        assert_eq!(check_reason(" Illness ").unwrap(), "Illness");
    }
}
