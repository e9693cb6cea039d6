//! Days of the week and daily time windows (shifts and curfews), including
//! windows that cross midnight, compared on the minutes of a repeating week.

use std::fmt;

use chrono::{NaiveTime, TimeDelta, Timelike, Weekday};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::errors::FieldErrors;

const MINUTES_PER_DAY: i64 = 24 * 60;
const MINUTES_PER_WEEK: i64 = 7 * MINUTES_PER_DAY;

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Why a day list, time or window was refused. The messages are written for
/// the person filling in the form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The list of days is empty.
    #[error("Choose at least one day")]
    NoDays,
    /// A day name was not recognised.
    #[error("Choose days from Monday to Sunday")]
    UnknownDay(String),
    /// A time was not written as hours and minutes.
    #[error("Enter a time in the 24-hour clock, like 09:00 or 17:30")]
    BadTime(String),
    /// A time had seconds; windows are kept to the minute.
    #[error("Enter a time in hours and minutes, without seconds")]
    NotWholeMinute,
    /// A window starts and ends at the same time, so its length is unclear.
    #[error("Enter an end time that is different from the start time")]
    SameStartAndEnd,
}

/// A set of weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct DaySet(u8);

impl DaySet {
    /// Monday to Friday.
    pub const WEEKDAYS: DaySet = DaySet(0b001_1111);
    /// All seven days.
    pub const EVERY_DAY: DaySet = DaySet(0b111_1111);

    /// The set of the given days; at least one is needed (repeats are fine).
    pub fn parse(days: &[Weekday]) -> Result<Self, ScheduleError> {
        let bits = days
            .iter()
            .fold(0u8, |bits, day| bits | 1 << day.num_days_from_monday());
        if bits == 0 {
            return Err(ScheduleError::NoDays);
        }
        Ok(Self(bits))
    }

    /// Parses day names such as `"mon"` or `"Monday"` (any case).
    pub fn parse_names<S: AsRef<str>>(names: &[S]) -> Result<Self, ScheduleError> {
        let days = names
            .iter()
            .map(|name| {
                let name = name.as_ref().trim();
                name.parse::<Weekday>()
                    .map_err(|_| ScheduleError::UnknownDay(name.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::parse(&days)
    }

    /// Whether the day is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// The days in the set, Monday first.
    pub fn days(self) -> impl Iterator<Item = Weekday> {
        WEEK.into_iter().filter(move |day| self.contains(*day))
    }

    /// How many days are in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty (only possible for `DaySet::default()`).
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Lower-case three-letter names (`"mon"`), as used in forms and JSON.
    pub fn names(self) -> Vec<String> {
        self.days().map(day_name).collect()
    }
}

impl TryFrom<Vec<String>> for DaySet {
    type Error = ScheduleError;

    fn try_from(names: Vec<String>) -> Result<Self, Self::Error> {
        DaySet::parse_names(&names)
    }
}

impl From<DaySet> for Vec<String> {
    fn from(days: DaySet) -> Self {
        days.names()
    }
}

/// Runs of three or more consecutive days are shown with an en dash and may
/// wrap over the weekend ("Fri–Mon"); shorter runs are listed ("Mon, Wed").
impl fmt::Display for DaySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == DaySet::EVERY_DAY {
            return f.write_str("every day");
        }
        if self.is_empty() {
            return f.write_str("no days");
        }
        // Start at a day whose predecessor is not in the set, so that a run
        // wrapping from Sunday to Monday is shown as one run.
        let first = (0..7)
            .find(|&i| self.contains(WEEK[i]) && !self.contains(WEEK[(i + 6) % 7]))
            .unwrap_or(0);
        let mut parts = Vec::new();
        let mut offset = 0;
        while offset < 7 {
            let day = WEEK[(first + offset) % 7];
            if !self.contains(day) {
                offset += 1;
                continue;
            }
            let mut length = 1;
            while offset + length < 7 && self.contains(WEEK[(first + offset + length) % 7]) {
                length += 1;
            }
            let last = WEEK[(first + offset + length - 1) % 7];
            match length {
                1 => parts.push(day.to_string()),
                2 => parts.push(format!("{day}, {last}")),
                _ => parts.push(format!("{day}–{last}")),
            }
            offset += length;
        }
        f.write_str(&parts.join(", "))
    }
}

fn day_name(day: Weekday) -> String {
    day.to_string().to_lowercase()
}

/// Parses a 24-hour time such as `"9:00"`, `"09:00"` or `"17:30"`.
pub fn parse_time(text: &str) -> Result<NaiveTime, ScheduleError> {
    let text = text.trim();
    let bad = || ScheduleError::BadTime(text.to_owned());
    let (hours, minutes) = text.split_once(':').ok_or_else(bad)?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(hours) || hours.len() > 2 || !all_digits(minutes) || minutes.len() != 2 {
        return Err(bad());
    }
    let hours: u32 = hours.parse().map_err(|_| bad())?;
    let minutes: u32 = minutes.parse().map_err(|_| bad())?;
    NaiveTime::from_hms_opt(hours, minutes, 0).ok_or_else(bad)
}

fn minute_of_day(time: NaiveTime) -> i64 {
    i64::from(time.hour() * 60 + time.minute())
}

fn time_at(minute_of_day: i64) -> NaiveTime {
    NaiveTime::default() + TimeDelta::minutes(minute_of_day.rem_euclid(MINUTES_PER_DAY))
}

fn format_time(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// A window as typed on a form: day names and `"HH:MM"` times.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct TimeWindowInput {
    /// Day names such as `"mon"`; for a window crossing midnight, the days
    /// on which it starts.
    #[validate(length(min = 1, message = "Choose at least one day"))]
    pub days: Vec<String>,
    /// Start time, `"HH:MM"`.
    pub start: String,
    /// End time, `"HH:MM"`; at or before the start means the next day.
    pub end: String,
}

/// A weekly window such as a shift (Mon–Fri 09:00–17:00) or a curfew
/// (every day 19:00–07:00).
///
/// An end at or before the start means the window runs past midnight into
/// the next day; the days are the days on which the window *starts*. Times
/// are whole minutes, and a window never has zero length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TimeWindowInput", into = "TimeWindowInput")]
pub struct TimeWindow {
    days: DaySet,
    start: NaiveTime,
    end: NaiveTime,
}

/// Where two windows first overlap in the week: the day the overlap begins
/// and its start and end times (the end may be on the next day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overlap {
    /// The day on which the overlap begins.
    pub day: Weekday,
    /// When the overlap begins.
    pub start: NaiveTime,
    /// When the overlap ends.
    pub end: NaiveTime,
}

impl fmt::Display for Overlap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}–{}",
            self.day,
            format_time(self.start),
            format_time(self.end)
        )
    }
}

impl TimeWindow {
    /// A window on `days` from `start` to `end` (next day when `end <= start`).
    /// Refuses an empty day set, times with seconds, and `start == end`.
    pub fn parse(days: DaySet, start: NaiveTime, end: NaiveTime) -> Result<Self, ScheduleError> {
        if days.is_empty() {
            return Err(ScheduleError::NoDays);
        }
        for time in [start, end] {
            if time.second() != 0 || time.nanosecond() != 0 {
                return Err(ScheduleError::NotWholeMinute);
            }
        }
        if start == end {
            return Err(ScheduleError::SameStartAndEnd);
        }
        Ok(Self { days, start, end })
    }

    /// Parses form input, reporting `days`, `start` and `end` separately.
    pub fn from_input(input: &TimeWindowInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let days = DaySet::parse_names(&input.days);
        let start = parse_time(&input.start);
        let end = parse_time(&input.end);
        for (field, result) in [("start", &start), ("end", &end)] {
            if let Err(error) = result {
                errors.add(field, error.to_string());
            }
        }
        if let Err(error) = &days {
            errors.add("days", error.to_string());
        }
        match (days, start, end) {
            (Ok(days), Ok(start), Ok(end)) => {
                TimeWindow::parse(days, start, end).map_err(|error| {
                    // Only a zero-length window can fail here: the days and
                    // times were checked above and parsed times have no seconds.
                    FieldErrors::single("end", error.to_string())
                })
            }
            _ => Err(errors),
        }
    }

    /// The input that parses back to this window.
    pub fn to_input(&self) -> TimeWindowInput {
        TimeWindowInput {
            days: self.days.names(),
            start: format_time(self.start),
            end: format_time(self.end),
        }
    }

    /// The days on which the window starts.
    pub fn days(&self) -> DaySet {
        self.days
    }

    /// The start time.
    pub fn start(&self) -> NaiveTime {
        self.start
    }

    /// The end time (on the next day when it is not after the start).
    pub fn end(&self) -> NaiveTime {
        self.end
    }

    /// Whether each occurrence runs past midnight.
    pub fn crosses_midnight(&self) -> bool {
        self.end <= self.start
    }

    /// Length of one occurrence in minutes (1 to 1439).
    pub fn duration_minutes(&self) -> i64 {
        (minute_of_day(self.end) - minute_of_day(self.start)).rem_euclid(MINUTES_PER_DAY)
    }

    /// Whether the windows share at least one minute of the week. Windows
    /// that only touch (one ends at 07:00, the other starts at 07:00) do not
    /// overlap.
    ///
    /// Each window is cut at midnight into at most two parts that stay
    /// within a day (the part after midnight falls on the next days, Sunday
    /// into Monday), and two parts overlap when they share a day and their
    /// times of day intersect: at most four comparisons. Matching asks this
    /// of every shift and curfew of thousands of pairs, and nearly always
    /// the answer is no.
    pub fn overlaps(&self, other: &TimeWindow) -> bool {
        self.day_parts().iter().flatten().any(|(days, from, to)| {
            other
                .day_parts()
                .iter()
                .flatten()
                .any(|(other_days, other_from, other_to)| {
                    days & other_days != 0 && from.max(other_from) < to.min(other_to)
                })
        })
    }

    /// The window as parts within a day: (the days as bits, Monday the
    /// lowest; the first minute; the minute after the last).
    fn day_parts(&self) -> [Option<(u8, i64, i64)>; 2] {
        let start = minute_of_day(self.start);
        let end = start + self.duration_minutes();
        if end <= MINUTES_PER_DAY {
            return [Some((self.days.0, start, end)), None];
        }
        let next_days = ((self.days.0 << 1) | (self.days.0 >> 6)) & DaySet::EVERY_DAY.0;
        [
            Some((self.days.0, start, MINUTES_PER_DAY)),
            Some((next_days, 0, end - MINUTES_PER_DAY)),
        ]
    }

    /// The earliest overlap in the week (Monday 00:00 first), for explaining
    /// a clash in words. Sunday night running into Monday morning is handled.
    pub fn overlap(&self, other: &TimeWindow) -> Option<Overlap> {
        if !self.overlaps(other) {
            return None;
        }
        self.earliest_overlap(other)
    }

    /// [`Self::overlap`] by comparing every occurrence of each window.
    fn earliest_overlap(&self, other: &TimeWindow) -> Option<Overlap> {
        let mut best: Option<(i64, i64)> = None;
        for (a_start, a_end) in self.occurrences() {
            for (b_start, b_end) in other.occurrences() {
                // Shifting by a whole week compares a window that wraps past
                // Sunday midnight with the start of the next week.
                for shift in [-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK] {
                    let start = a_start.max(b_start + shift);
                    let end = a_end.min(b_end + shift);
                    if start >= end {
                        continue;
                    }
                    let candidate = (start.rem_euclid(MINUTES_PER_WEEK), end - start);
                    let better = match best {
                        None => true,
                        Some((s, len)) => {
                            candidate.0 < s || (candidate.0 == s && candidate.1 > len)
                        }
                    };
                    if better {
                        best = Some(candidate);
                    }
                }
            }
        }
        best.map(|(start, length)| Overlap {
            day: WEEK[usize::try_from(start / MINUTES_PER_DAY).unwrap_or(0) % 7],
            start: time_at(start),
            end: time_at(start + length),
        })
    }

    /// Each occurrence as [start, end) in minutes from Monday 00:00; the end
    /// may pass the end of the week.
    fn occurrences(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        let length = self.duration_minutes();
        self.days.days().map(move |day| {
            let start =
                i64::from(day.num_days_from_monday()) * MINUTES_PER_DAY + minute_of_day(self.start);
            (start, start + length)
        })
    }
}

impl TryFrom<TimeWindowInput> for TimeWindow {
    type Error = FieldErrors;

    fn try_from(input: TimeWindowInput) -> Result<Self, Self::Error> {
        TimeWindow::from_input(&input)
    }
}

impl From<TimeWindow> for TimeWindowInput {
    fn from(window: TimeWindow) -> Self {
        window.to_input()
    }
}

/// "Fri 22:00–06:00", "Mon–Fri 09:00–17:00", "19:00–07:00 every day".
impl fmt::Display for TimeWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let times = format!("{}–{}", format_time(self.start), format_time(self.end));
        if self.days == DaySet::EVERY_DAY {
            write!(f, "{times} every day")
        } else {
            write!(f, "{} {times}", self.days)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use Weekday::*;

    /// The quick answer of `overlaps` (parts within a day) equals the full
    /// comparison of every occurrence, over random windows on the quarter
    /// hour: crossing midnight, ending on Sunday night, touching, empty.
    #[test]
    fn overlaps_agrees_with_comparing_every_occurrence() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
        let random_window = |rng: &mut rand_chacha::ChaCha8Rng| {
            let days: Vec<Weekday> = WEEK.into_iter().filter(|_| rng.gen_bool(0.4)).collect();
            let days = if days.is_empty() { vec![Sun] } else { days };
            let at = |q: u32| NaiveTime::from_hms_opt(q / 4, (q % 4) * 15, 0).unwrap();
            TimeWindow {
                days: DaySet::parse(&days).unwrap(),
                start: at(rng.gen_range(0..96)),
                end: at(rng.gen_range(0..96)),
            }
        };
        let (mut yes, mut no) = (0, 0);
        for _ in 0..200_000 {
            let (a, b) = (random_window(&mut rng), random_window(&mut rng));
            let full = a.earliest_overlap(&b);
            assert_eq!(a.overlaps(&b), full.is_some(), "{a:?} and {b:?}");
            assert_eq!(a.overlap(&b), full);
            if full.is_some() {
                yes += 1;
            } else {
                no += 1;
            }
        }
        assert!(
            yes > 10_000 && no > 10_000,
            "both answers are tried: {yes} / {no}"
        );
    }

    pub(crate) fn window(days: &[Weekday], start: &str, end: &str) -> TimeWindow {
        TimeWindow::parse(
            DaySet::parse(days).unwrap(),
            parse_time(start).unwrap(),
            parse_time(end).unwrap(),
        )
        .unwrap()
    }

    fn daily(start: &str, end: &str) -> TimeWindow {
        window(&[Mon, Tue, Wed, Thu, Fri, Sat, Sun], start, end)
    }

    fn t(text: &str) -> NaiveTime {
        parse_time(text).unwrap()
    }

    #[test]
    fn day_set_parse_and_contains() {
        let set = DaySet::parse(&[Wed, Mon, Wed]).unwrap();
        assert!(set.contains(Mon) && set.contains(Wed) && !set.contains(Tue));
        assert_eq!(set.len(), 2);
        assert_eq!(set.days().collect::<Vec<_>>(), vec![Mon, Wed]);
        assert_eq!(set.names(), vec!["mon", "wed"]);
        assert_eq!(DaySet::parse(&[]), Err(ScheduleError::NoDays));
        assert!(DaySet::default().is_empty());
    }

    #[test]
    fn day_set_parse_names() {
        let set = DaySet::parse_names(&["MON", " tuesday ", "Sun"]).unwrap();
        assert_eq!(set, DaySet::parse(&[Mon, Tue, Sun]).unwrap());
        assert_eq!(
            DaySet::parse_names(&["mon", "funday"]),
            Err(ScheduleError::UnknownDay("funday".into()))
        );
        assert_eq!(DaySet::parse_names::<&str>(&[]), Err(ScheduleError::NoDays));
    }

    #[test]
    fn day_set_display() {
        let show = |days: &[Weekday]| DaySet::parse(days).unwrap().to_string();
        assert_eq!(show(&[Mon, Tue, Wed, Thu, Fri]), "Mon–Fri");
        assert_eq!(show(&[Mon, Wed]), "Mon, Wed");
        assert_eq!(show(&[Mon, Tue]), "Mon, Tue");
        assert_eq!(show(&[Fri]), "Fri");
        assert_eq!(show(&[Mon, Tue, Wed, Fri]), "Mon–Wed, Fri");
        assert_eq!(show(&[Sat, Sun, Mon]), "Sat–Mon");
        assert_eq!(show(&[Fri, Sat, Sun, Mon, Wed]), "Wed, Fri–Mon");
        assert_eq!(DaySet::EVERY_DAY.to_string(), "every day");
        assert_eq!(DaySet::WEEKDAYS.to_string(), "Mon–Fri");
        assert_eq!(DaySet::default().to_string(), "no days");
    }

    #[test]
    fn day_set_serde_uses_names() {
        let set = DaySet::parse(&[Mon, Sat]).unwrap();
        assert_eq!(serde_json::to_string(&set).unwrap(), r#"["mon","sat"]"#);
        assert_eq!(
            serde_json::from_str::<DaySet>(r#"["mon","sat"]"#).unwrap(),
            set
        );
        assert!(serde_json::from_str::<DaySet>("[]").is_err());
    }

    #[test]
    fn parse_time_accepts_24_hour_clock_only() {
        assert_eq!(t("9:05"), NaiveTime::from_hms_opt(9, 5, 0).unwrap());
        assert_eq!(t(" 23:59 "), NaiveTime::from_hms_opt(23, 59, 0).unwrap());
        assert_eq!(t("00:00"), NaiveTime::default());
        for bad in [
            "24:00", "12:60", "12", "12:5", "1200", "", "ab:cd", "-1:00", "12:00:00", "123:00",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn window_parse_rules() {
        let days = DaySet::WEEKDAYS;
        assert_eq!(
            TimeWindow::parse(days, t("09:00"), t("09:00")),
            Err(ScheduleError::SameStartAndEnd)
        );
        assert_eq!(
            TimeWindow::parse(DaySet::default(), t("09:00"), t("10:00")),
            Err(ScheduleError::NoDays)
        );
        let with_seconds = NaiveTime::from_hms_opt(9, 0, 30).unwrap();
        assert_eq!(
            TimeWindow::parse(days, with_seconds, t("10:00")),
            Err(ScheduleError::NotWholeMinute)
        );
        let night = TimeWindow::parse(days, t("22:00"), t("06:00")).unwrap();
        assert!(night.crosses_midnight());
        assert_eq!(night.duration_minutes(), 8 * 60);
        let late = TimeWindow::parse(days, t("16:00"), t("00:00")).unwrap();
        assert!(late.crosses_midnight());
        assert_eq!(late.duration_minutes(), 8 * 60);
        assert_eq!(daily("00:00", "23:59").duration_minutes(), 1439);
    }

    #[test]
    fn window_from_input_reports_each_field() {
        let errors = TimeWindow::from_input(&TimeWindowInput {
            days: vec![],
            start: "25:00".into(),
            end: "07:00".into(),
        })
        .unwrap_err();
        assert_eq!(errors.first("days"), Some("Choose at least one day"));
        assert!(errors.has("start"));
        assert!(!errors.has("end"));

        let errors = TimeWindow::from_input(&TimeWindowInput {
            days: vec!["mon".into()],
            start: "07:00".into(),
            end: "07:00".into(),
        })
        .unwrap_err();
        assert_eq!(
            errors.first("end"),
            Some("Enter an end time that is different from the start time")
        );

        let shift = window(&[Mon, Tue, Wed], "22:00", "06:00");
        assert_eq!(TimeWindow::from_input(&shift.to_input()).unwrap(), shift);
        let json = serde_json::to_string(&shift).unwrap();
        assert_eq!(
            json,
            r#"{"days":["mon","tue","wed"],"start":"22:00","end":"06:00"}"#
        );
        assert_eq!(serde_json::from_str::<TimeWindow>(&json).unwrap(), shift);
    }

    #[test]
    fn window_display() {
        assert_eq!(
            window(&[Fri], "22:00", "06:00").to_string(),
            "Fri 22:00–06:00"
        );
        assert_eq!(
            window(&[Mon, Tue, Wed, Thu, Fri], "09:00", "17:30").to_string(),
            "Mon–Fri 09:00–17:30"
        );
        assert_eq!(daily("19:00", "07:00").to_string(), "19:00–07:00 every day");
    }

    #[test]
    fn night_shift_overlaps_saturday_morning_curfew() {
        let shift = window(&[Fri], "22:00", "06:00");
        let curfew = window(&[Sat], "01:00", "05:00");
        assert!(shift.overlaps(&curfew));
        assert!(curfew.overlaps(&shift));
        assert_eq!(
            shift.overlap(&curfew),
            Some(Overlap {
                day: Sat,
                start: t("01:00"),
                end: t("05:00")
            })
        );
    }

    #[test]
    fn early_shift_touching_curfew_end_does_not_overlap() {
        let shift = window(&[Mon], "07:00", "15:00");
        let curfew = daily("19:00", "07:00");
        assert!(!shift.overlaps(&curfew));
        assert!(!curfew.overlaps(&shift));
        let evening = window(&[Mon], "15:00", "19:00");
        assert!(!evening.overlaps(&curfew));
        let one_minute_late = window(&[Mon], "15:00", "19:01");
        assert_eq!(
            one_minute_late.overlap(&curfew).map(|o| o.to_string()),
            Some("Mon 19:00–19:01".into())
        );
    }

    #[test]
    fn sunday_night_wraps_into_monday() {
        let shift = window(&[Sun], "23:00", "02:00");
        let curfew = window(&[Mon], "00:00", "06:00");
        assert!(shift.overlaps(&curfew));
        assert!(curfew.overlaps(&shift));
        assert_eq!(
            shift.overlap(&curfew).map(|o| o.to_string()),
            Some("Mon 00:00–02:00".into())
        );
        let sunday_curfew = window(&[Sun], "22:00", "23:00");
        assert!(!shift.overlaps(&sunday_curfew));
    }

    #[test]
    fn night_shift_against_daily_curfew() {
        let shift = window(&[Fri], "22:00", "06:00");
        let curfew = daily("19:00", "07:00");
        assert_eq!(
            shift.overlap(&curfew).map(|o| o.to_string()),
            Some("Fri 22:00–06:00".into())
        );
    }

    #[test]
    fn curfew_on_other_days_does_not_clash() {
        let shift = window(&[Mon, Tue], "18:00", "23:00");
        let weekend_curfew = window(&[Sat, Sun], "20:00", "06:00");
        assert!(!shift.overlaps(&weekend_curfew));
        // The Sunday curfew runs into Monday morning, well before the shift.
        let monday_early = window(&[Mon], "05:00", "09:00");
        assert_eq!(
            monday_early.overlap(&weekend_curfew).map(|o| o.to_string()),
            Some("Mon 05:00–06:00".into())
        );
    }

    #[test]
    fn earliest_overlap_in_the_week_is_reported() {
        let shift = window(&[Wed, Mon], "20:00", "22:00");
        let curfew = daily("21:00", "06:00");
        assert_eq!(
            shift.overlap(&curfew).map(|o| o.to_string()),
            Some("Mon 21:00–22:00".into())
        );
        // Both cross midnight: the overlap itself crosses midnight.
        let night = window(&[Thu], "23:00", "03:00");
        assert_eq!(
            night.overlap(&curfew).map(|o| o.to_string()),
            Some("Thu 23:00–03:00".into())
        );
    }

    #[test]
    fn identical_and_contained_windows_overlap() {
        let a = window(&[Tue], "09:00", "17:00");
        assert!(a.overlaps(&a));
        assert!(a.overlaps(&window(&[Tue], "12:00", "12:01")));
        assert!(!a.overlaps(&window(&[Wed], "09:00", "17:00")));
    }

    #[test]
    fn overlap_is_symmetric_for_many_windows() {
        let windows = [
            window(&[Fri], "22:00", "06:00"),
            window(&[Sat], "01:00", "05:00"),
            window(&[Sun], "23:00", "02:00"),
            window(&[Mon], "00:00", "06:00"),
            daily("19:00", "07:00"),
            window(&[Mon, Tue, Wed, Thu, Fri], "07:00", "15:00"),
            window(&[Sat, Sun], "12:00", "11:59"),
        ];
        for a in &windows {
            for b in &windows {
                assert_eq!(a.overlaps(b), b.overlaps(a), "{a} / {b}");
            }
        }
    }
}
