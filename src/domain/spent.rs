//! When a conviction or caution becomes spent under the Rehabilitation of
//! Offenders Act 1974 (England and Wales), with the rules in force from
//! 28 October 2023: section 5 of the Act as amended by section 193 of the
//! Police, Crime, Sentencing and Courts Act 2022, and Schedule 2 for
//! cautions.
//!
//! Sources the periods were checked against: the Act's section 5 as
//! published on legislation.gov.uk; the Explanatory Notes to the Police,
//! Crime, Sentencing and Courts Act 2022, Part 11 (section 193); the
//! Disclosure and Barring Service's guidance "Rehabilitation periods"
//! (GOV.UK, the table aligned with the law in force from 28 October 2023);
//! and Unlock's "ROA: long list of sentences and disposals".
//!
//! The table (aged 18 or over / under 18 on the date of conviction):
//!
//! | sentence or disposal | 18 or over | under 18 |
//! |---|---|---|
//! | life; custody for life; detention at His Majesty's pleasure; preventive detention; public protection sentences (IPP, DPP, extended sentences) | never spent | never spent |
//! | custody of over 4 years for a Schedule 18 offence (serious violent, sexual or terrorism offences, Sentencing Code) | never spent | never spent |
//! | custody of over 4 years (other offences) | 7 years after the sentence, including licence, ends | 3 years 6 months after |
//! | custody of over 1 year and up to 4 years | 4 years after | 2 years after |
//! | custody of up to 1 year (including suspended sentences) | 1 year after | 6 months after |
//! | community order / youth rehabilitation order | the last day the order has effect | the same |
//! | conditional discharge (and other orders with an end date) | the last day the order has effect | the same |
//! | fine | 1 year from the date of conviction | 6 months from the date of conviction |
//! | absolute discharge | spent at once | spent at once |
//! | simple caution, youth caution | spent at once | spent at once |
//! | conditional caution | 3 months from the caution, or when its conditions end if earlier | the same |
//!
//! A rehabilitation period "of N beginning with" a day ends the day before
//! the same date N later, so the conviction is spent from that date: a
//! sentence completed on 10 March 2025 with a 1-year period is spent from
//! 10 March 2026. A period that ends on the last day an order has effect
//! makes the conviction spent from the next day. Dates that do not exist
//! (29 February in a common year) fall back to the last day of the month.
//!
//! Nothing here is stored: the officer's tool computes and forgets. The
//! answer is guidance; a further conviction during the period can extend
//! it (not modelled here), and the officer is told so.

use chrono::{Days, Months, NaiveDate};

use super::errors::FieldErrors;

slug_enum! {
    /// How old the person was on the date of conviction (or caution).
    pub enum AgeGroup("age group") {
        /// 18 or over.
        Adult => "adult", "18 or over",
        /// Under 18.
        UnderEighteen => "under_18", "Under 18",
    }
}

slug_enum! {
    /// The sentence or disposal given.
    pub enum Disposal("sentence or disposal") {
        /// Imprisonment, youth custody, detention in a young offender
        /// institution or a detention and training order, for a set term
        /// (suspended sentences included).
        Custodial => "custodial", "Prison or detention for a set time (including suspended)",
        /// Community order or youth rehabilitation order.
        CommunityOrder => "community_order", "Community order or youth rehabilitation order",
        /// Conditional discharge.
        ConditionalDischarge => "conditional_discharge", "Conditional discharge",
        /// Fine.
        Fine => "fine", "Fine",
        /// Absolute discharge.
        AbsoluteDischarge => "absolute_discharge", "Absolute discharge",
        /// Simple caution, youth caution, reprimand or warning.
        SimpleCaution => "simple_caution", "Simple caution or youth caution",
        /// Conditional caution or youth conditional caution.
        ConditionalCaution => "conditional_caution", "Conditional caution",
        /// Imprisonment or detention for life, custody for life, detention
        /// at His Majesty's pleasure.
        Life => "life", "Life sentence (or detention at His Majesty's pleasure)",
        /// Imprisonment or detention for public protection, extended
        /// sentences.
        PublicProtection => "public_protection", "IPP, DPP or an extended sentence",
    }
}

/// A sentence length as the court gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Term {
    /// Whole years.
    pub years: u32,
    /// Months.
    pub months: u32,
    /// Days (weeks given by the court count as 7 days each).
    pub days: u32,
}

impl Term {
    /// No length at all.
    pub fn is_zero(self) -> bool {
        self.years == 0 && self.months == 0 && self.days == 0
    }

    /// The day the term would end if it began on `from`, for comparing
    /// terms with the statute's thresholds on the calendar.
    fn end_from(self, from: NaiveDate) -> Option<NaiveDate> {
        from.checked_add_months(Months::new(self.years.checked_mul(12)? + self.months))?
            .checked_add_days(Days::new(u64::from(self.days)))
    }
}

/// What the officer tells the tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpentQuestion {
    /// Age on the date of conviction.
    pub age: AgeGroup,
    /// The sentence or disposal.
    pub disposal: Disposal,
    /// Date of conviction (or of the caution).
    pub convicted_on: NaiveDate,
    /// Custodial sentences: the term the court gave.
    pub term: Term,
    /// Custodial sentences, orders and conditional cautions: the last day
    /// of the sentence including licence, of the order, or of the
    /// caution's conditions.
    pub ends_on: Option<NaiveDate>,
    /// Custodial sentences over 4 years: whether the offence is in
    /// Schedule 18 to the Sentencing Code (serious violent, sexual or
    /// terrorism offences).
    pub schedule_18: Option<bool>,
}

/// When the conviction is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spent {
    /// Spent from this day on.
    On(NaiveDate),
    /// Excluded from rehabilitation: never spent.
    Never,
}

/// The answer: when, and the rule applied in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpentAnswer {
    /// When the conviction is spent.
    pub spent: Spent,
    /// The row of the table applied, in words.
    pub rule: String,
}

/// Which row of the table a question falls in (tests walk every row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// Life, public protection, or over 4 years for a Schedule 18 offence.
    Excluded,
    /// Custody over 4 years.
    CustodyOverFour,
    /// Custody over 1 year and up to 4 years.
    CustodyOneToFour,
    /// Custody up to 1 year.
    CustodyUpToOne,
    /// An order that lasts until a day (community order, conditional discharge).
    UntilOrderEnds,
    /// A fine.
    Fine,
    /// Spent at once.
    AtOnce,
    /// A conditional caution.
    ConditionalCaution,
}

/// Messages for the form, beside each field.
pub const NEED_END: &str = "Enter the date the sentence, including any time on licence, ends";
const NEED_ORDER_END: &str = "Enter the last day of the order";
const NEED_TERM: &str = "Enter how long the sentence is, in years, months and days";
const NEED_SCHEDULE_18: &str =
    "Say whether the offence is a serious violent, sexual or terrorism offence (Schedule 18)";
const END_BEFORE_CONVICTION: &str = "Enter an end date on or after the date of conviction";

impl SpentQuestion {
    /// Checks what only the rules between fields can tell (the form has
    /// already read each field), with errors under the form's names:
    /// `term`, `ends_on`, `schedule_18`.
    pub fn check(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let needs_end = matches!(
            self.disposal,
            Disposal::Custodial | Disposal::CommunityOrder | Disposal::ConditionalDischarge
        );
        if needs_end && self.ends_on.is_none() {
            let message = if self.disposal == Disposal::Custodial {
                NEED_END
            } else {
                NEED_ORDER_END
            };
            errors.add("ends_on", message);
        }
        if let Some(end) = self.ends_on {
            if end < self.convicted_on {
                errors.add("ends_on", END_BEFORE_CONVICTION);
            }
        }
        if self.disposal == Disposal::Custodial {
            if self.term.is_zero() || self.term.end_from(self.convicted_on).is_none() {
                errors.add("term", NEED_TERM);
            } else if self.row() == Some(Row::CustodyOverFour) && self.schedule_18.is_none() {
                errors.add("schedule_18", NEED_SCHEDULE_18);
            }
        }
        errors
    }

    /// The table row; `None` while a custodial term is missing.
    pub fn row(&self) -> Option<Row> {
        Some(match self.disposal {
            Disposal::Life | Disposal::PublicProtection => Row::Excluded,
            Disposal::Custodial => {
                let end = self.term.end_from(self.convicted_on)?;
                let year = self.convicted_on.checked_add_months(Months::new(12))?;
                let four = self.convicted_on.checked_add_months(Months::new(48))?;
                if end > four {
                    if self.schedule_18 == Some(true) {
                        Row::Excluded
                    } else {
                        Row::CustodyOverFour
                    }
                } else if end > year {
                    Row::CustodyOneToFour
                } else {
                    Row::CustodyUpToOne
                }
            }
            Disposal::CommunityOrder | Disposal::ConditionalDischarge => Row::UntilOrderEnds,
            Disposal::Fine => Row::Fine,
            Disposal::AbsoluteDischarge | Disposal::SimpleCaution => Row::AtOnce,
            Disposal::ConditionalCaution => Row::ConditionalCaution,
        })
    }

    /// The answer, or the field errors of [`Self::check`].
    pub fn answer(&self) -> Result<SpentAnswer, FieldErrors> {
        let errors = self.check();
        if !errors.is_empty() {
            return Err(errors);
        }
        let adult = self.age == AgeGroup::Adult;
        let who = if adult {
            "aged 18 or over"
        } else {
            "aged under 18"
        };
        let after = |months_adult: u32, months_young: u32| -> Option<(NaiveDate, u32)> {
            let months = if adult { months_adult } else { months_young };
            Some((
                self.ends_on?.checked_add_months(Months::new(months))?,
                months,
            ))
        };
        let custody = |what: &str, months_adult: u32, months_young: u32| {
            after(months_adult, months_young).map(|(date, months)| SpentAnswer {
                spent: Spent::On(date),
                rule: format!(
                    "{what}, {who}: spent {} after the sentence, including licence, ends",
                    period(months)
                ),
            })
        };
        let unreadable = || FieldErrors::single("ends_on", "Enter a date before the year 9999");
        let answer = match self
            .row()
            .ok_or_else(|| FieldErrors::single("term", NEED_TERM))?
        {
            Row::Excluded => SpentAnswer {
                spent: Spent::Never,
                rule: self.never_rule(who),
            },
            Row::CustodyOverFour => {
                custody("Custodial sentence of over 4 years", 84, 42).ok_or_else(unreadable)?
            }
            Row::CustodyOneToFour => custody(
                "Custodial sentence of over 1 year and up to 4 years",
                48,
                24,
            )
            .ok_or_else(unreadable)?,
            Row::CustodyUpToOne => {
                custody("Custodial sentence of up to 1 year", 12, 6).ok_or_else(unreadable)?
            }
            Row::UntilOrderEnds => self.until_order_ends().ok_or_else(unreadable)?,
            Row::Fine => {
                let months = if adult { 12 } else { 6 };
                SpentAnswer {
                    spent: Spent::On(
                        self.convicted_on
                            .checked_add_months(Months::new(months))
                            .ok_or_else(unreadable)?,
                    ),
                    rule: format!(
                        "Fine, {who}: spent {} after the date of conviction",
                        period(months)
                    ),
                }
            }
            Row::AtOnce => SpentAnswer {
                spent: Spent::On(self.convicted_on),
                rule: format!(
                    "{}, any age: spent straight away, on the day it was given",
                    self.disposal.label()
                ),
            },
            Row::ConditionalCaution => self.conditional_caution().ok_or_else(unreadable)?,
        };
        Ok(answer)
    }

    /// An order with an end date: spent the day after it ends.
    fn until_order_ends(&self) -> Option<SpentAnswer> {
        Some(SpentAnswer {
            spent: Spent::On(self.ends_on?.succ_opt()?),
            rule: format!(
                "{}, any age: the rehabilitation period ends on the last day the order \
                 has effect, so it is spent from the next day",
                self.disposal.label()
            ),
        })
    }

    /// The words for a sentence excluded from rehabilitation.
    fn never_rule(&self, who: &str) -> String {
        match self.disposal {
            Disposal::Life => {
                format!("Life sentence, {who}: excluded from rehabilitation, so never spent")
            }
            Disposal::PublicProtection => format!(
                "Public protection sentence (IPP, DPP or extended sentence), {who}: \
                 excluded from rehabilitation, so never spent"
            ),
            _ => format!(
                "Custodial sentence of over 4 years for a serious violent, sexual or \
                 terrorism offence (Schedule 18 to the Sentencing Code), {who}: \
                 excluded from rehabilitation, so never spent"
            ),
        }
    }

    /// A conditional caution: 3 months, or when its conditions end if
    /// sooner.
    fn conditional_caution(&self) -> Option<SpentAnswer> {
        let three = self.convicted_on.checked_add_months(Months::new(3))?;
        let (spent, rule) = match self.ends_on {
            Some(end) if end < three => (
                end,
                "Conditional caution, any age: spent when its conditions end, \
                 as that is sooner than 3 months after the caution",
            ),
            _ => (
                three,
                "Conditional caution, any age: spent 3 months after the caution \
                 (or when its conditions end, if sooner)",
            ),
        };
        Some(SpentAnswer {
            spent: Spent::On(spent),
            rule: rule.to_string(),
        })
    }
}

/// "1 year", "3 years and 6 months", "6 months".
fn period(months: u32) -> String {
    let (years, rest) = (months / 12, months % 12);
    let year_words = match years {
        0 => String::new(),
        1 => "1 year".to_string(),
        n => format!("{n} years"),
    };
    let month_words = match rest {
        0 => String::new(),
        1 => "1 month".to_string(),
        n => format!("{n} months"),
    };
    match (year_words.is_empty(), month_words.is_empty()) {
        (false, false) => format!("{year_words} and {month_words}"),
        (false, true) => year_words,
        _ => month_words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn term(years: u32, months: u32, days: u32) -> Term {
        Term {
            years,
            months,
            days,
        }
    }

    fn custody(age: AgeGroup, t: Term, ends: NaiveDate, sch18: Option<bool>) -> SpentQuestion {
        SpentQuestion {
            age,
            disposal: Disposal::Custodial,
            convicted_on: d(2024, 1, 15),
            term: t,
            ends_on: Some(ends),
            schedule_18: sch18,
        }
    }

    fn other(age: AgeGroup, disposal: Disposal, ends: Option<NaiveDate>) -> SpentQuestion {
        SpentQuestion {
            age,
            disposal,
            convicted_on: d(2024, 1, 15),
            term: Term::default(),
            ends_on: ends,
            schedule_18: None,
        }
    }

    use AgeGroup::{Adult, UnderEighteen as Young};

    /// Every row of the statutory table, for both age groups, with the
    /// boundary terms (exactly 1 year / a day more; exactly 4 years / a day
    /// more) and leap days.
    #[test]
    #[rustfmt::skip]
    fn the_statutory_table_row_by_row() {
        let end = d(2026, 3, 10);
        let cases: Vec<(&str, SpentQuestion, Row, Spent, &str)> = vec![
            // Never spent.
            ("life, adult", other(Adult, Disposal::Life, None), Row::Excluded, Spent::Never, "Life sentence, aged 18 or over"),
            ("life, young", other(Young, Disposal::Life, None), Row::Excluded, Spent::Never, "Life sentence, aged under 18"),
            ("IPP, adult", other(Adult, Disposal::PublicProtection, None), Row::Excluded, Spent::Never, "Public protection"),
            ("DPP, young", other(Young, Disposal::PublicProtection, None), Row::Excluded, Spent::Never, "Public protection"),
            ("over 4y sch 18, adult", custody(Adult, term(4, 0, 1), end, Some(true)), Row::Excluded, Spent::Never, "Schedule 18"),
            ("over 4y sch 18, young", custody(Young, term(6, 0, 0), end, Some(true)), Row::Excluded, Spent::Never, "Schedule 18"),
            // Over 4 years, other offences.
            ("4y+1d, adult", custody(Adult, term(4, 0, 1), end, Some(false)), Row::CustodyOverFour, Spent::On(d(2033, 3, 10)), "over 4 years, aged 18 or over: spent 7 years after"),
            ("4y+1d, young", custody(Young, term(4, 0, 1), end, Some(false)), Row::CustodyOverFour, Spent::On(d(2029, 9, 10)), "over 4 years, aged under 18: spent 3 years and 6 months after"),
            // Exactly 4 years: the 4-year row.
            ("4y, adult", custody(Adult, term(4, 0, 0), end, None), Row::CustodyOneToFour, Spent::On(d(2030, 3, 10)), "over 1 year and up to 4 years, aged 18 or over: spent 4 years after"),
            ("4y, young", custody(Young, term(4, 0, 0), end, None), Row::CustodyOneToFour, Spent::On(d(2028, 3, 10)), "aged under 18: spent 2 years after"),
            ("1y+1d, adult", custody(Adult, term(1, 0, 1), end, None), Row::CustodyOneToFour, Spent::On(d(2030, 3, 10)), "spent 4 years after"),
            ("1y+1d, young", custody(Young, term(0, 12, 1), end, None), Row::CustodyOneToFour, Spent::On(d(2028, 3, 10)), "spent 2 years after"),
            // Exactly 1 year, and 52 weeks: the 1-year row.
            ("1y, adult", custody(Adult, term(1, 0, 0), end, None), Row::CustodyUpToOne, Spent::On(d(2027, 3, 10)), "up to 1 year, aged 18 or over: spent 1 year after the sentence, including licence, ends"),
            ("1y, young", custody(Young, term(1, 0, 0), end, None), Row::CustodyUpToOne, Spent::On(d(2026, 9, 10)), "spent 6 months after"),
            ("52 weeks, adult", custody(Adult, term(0, 0, 364), end, None), Row::CustodyUpToOne, Spent::On(d(2027, 3, 10)), "spent 1 year after"),
            // Orders: the day after the last day.
            ("community, adult", other(Adult, Disposal::CommunityOrder, Some(end)), Row::UntilOrderEnds, Spent::On(d(2026, 3, 11)), "the last day the order has effect"),
            ("YRO, young", other(Young, Disposal::CommunityOrder, Some(end)), Row::UntilOrderEnds, Spent::On(d(2026, 3, 11)), "any age"),
            ("cond. discharge, adult", other(Adult, Disposal::ConditionalDischarge, Some(d(2026, 12, 31))), Row::UntilOrderEnds, Spent::On(d(2027, 1, 1)), "Conditional discharge"),
            ("cond. discharge, young", other(Young, Disposal::ConditionalDischarge, Some(end)), Row::UntilOrderEnds, Spent::On(d(2026, 3, 11)), "Conditional discharge"),
            // Fines: from the date of conviction.
            ("fine, adult", other(Adult, Disposal::Fine, None), Row::Fine, Spent::On(d(2025, 1, 15)), "Fine, aged 18 or over: spent 1 year after the date of conviction"),
            ("fine, young", other(Young, Disposal::Fine, None), Row::Fine, Spent::On(d(2024, 7, 15)), "Fine, aged under 18: spent 6 months after"),
            // At once.
            ("absolute discharge, adult", other(Adult, Disposal::AbsoluteDischarge, None), Row::AtOnce, Spent::On(d(2024, 1, 15)), "spent straight away"),
            ("absolute discharge, young", other(Young, Disposal::AbsoluteDischarge, None), Row::AtOnce, Spent::On(d(2024, 1, 15)), "spent straight away"),
            ("caution, adult", other(Adult, Disposal::SimpleCaution, None), Row::AtOnce, Spent::On(d(2024, 1, 15)), "spent straight away"),
            ("youth caution", other(Young, Disposal::SimpleCaution, None), Row::AtOnce, Spent::On(d(2024, 1, 15)), "spent straight away"),
            // Conditional cautions: 3 months, or the conditions' end if sooner.
            ("conditional caution, adult", other(Adult, Disposal::ConditionalCaution, None), Row::ConditionalCaution, Spent::On(d(2024, 4, 15)), "3 months after the caution"),
            ("conditional caution ends sooner", other(Young, Disposal::ConditionalCaution, Some(d(2024, 2, 20))), Row::ConditionalCaution, Spent::On(d(2024, 2, 20)), "when its conditions end"),
            ("conditional caution ends later", other(Adult, Disposal::ConditionalCaution, Some(d(2024, 6, 1))), Row::ConditionalCaution, Spent::On(d(2024, 4, 15)), "3 months after the caution"),
        ];
        for (name, question, row, spent, words) in cases {
            assert_eq!(question.row(), Some(row), "{name}: row");
            let answer = question.answer().unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(answer.spent, spent, "{name}: date");
            assert!(answer.rule.contains(words), "{name}: {:?} lacks {words:?}", answer.rule);
        }
    }

    #[test]
    fn leap_days() {
        // Convicted on 29 February 2024: a year later is 28 February 2025,
        // so a term of 1 year is exactly a year and a day more is over it.
        let mut q = custody(Adult, term(1, 0, 0), d(2025, 2, 28), None);
        q.convicted_on = d(2024, 2, 29);
        assert_eq!(q.row(), Some(Row::CustodyUpToOne));
        q.term = term(1, 0, 1);
        assert_eq!(q.row(), Some(Row::CustodyOneToFour));
        // Across 29 February 2024 a year from 1 March 2023 is 366 days:
        // 366 days is exactly a year, 367 is over it.
        q.convicted_on = d(2023, 3, 1);
        q.term = term(0, 0, 366);
        assert_eq!(q.row(), Some(Row::CustodyUpToOne));
        q.term = term(0, 0, 367);
        assert_eq!(q.row(), Some(Row::CustodyOneToFour));
        // A sentence ending on 29 February: spent on 28 February (1 year
        // later) or 29 February (4 years later, a leap year again).
        let q = custody(Adult, term(0, 6, 0), d(2028, 2, 29), None);
        assert_eq!(q.answer().unwrap().spent, Spent::On(d(2029, 2, 28)));
        let q = custody(Adult, term(2, 0, 0), d(2028, 2, 29), None);
        assert_eq!(q.answer().unwrap().spent, Spent::On(d(2032, 2, 29)));
        // Fines from 29 February, for the young: 6 months later is 29 August.
        let mut fine = other(Young, Disposal::Fine, None);
        fine.convicted_on = d(2024, 2, 29);
        assert_eq!(fine.answer().unwrap().spent, Spent::On(d(2024, 8, 29)));
        fine.age = Adult;
        assert_eq!(fine.answer().unwrap().spent, Spent::On(d(2025, 2, 28)));
    }

    #[test]
    fn missing_answers_are_errors_beside_the_field() {
        let mut q = custody(Adult, term(0, 0, 0), d(2026, 1, 1), None);
        assert!(q.answer().unwrap_err().has("term"));
        q.term = term(5, 0, 0);
        assert!(q.answer().unwrap_err().has("schedule_18"));
        q.schedule_18 = Some(false);
        q.ends_on = None;
        assert!(q.answer().unwrap_err().has("ends_on"));
        q.ends_on = Some(d(2020, 1, 1));
        assert!(q.answer().unwrap_err().has("ends_on"));
        let order = other(Adult, Disposal::CommunityOrder, None);
        assert!(order.answer().unwrap_err().has("ends_on"));
        // Schedule 18 is not asked for shorter sentences.
        let short = custody(Adult, term(2, 0, 0), d(2026, 1, 1), None);
        assert!(short.answer().is_ok());
    }

    #[test]
    fn periods_in_words() {
        assert_eq!(period(12), "1 year");
        assert_eq!(period(42), "3 years and 6 months");
        assert_eq!(period(6), "6 months");
        assert_eq!(period(84), "7 years");
    }
}
