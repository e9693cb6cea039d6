//! The spent-date helper (`/officer/tools/spent`): from a sentence or
//! disposal, the age at conviction and the dates, the day a conviction
//! becomes spent and the rule applied (`domain::spent`). The form is
//! posted so nothing lands in a URL or a log, the answer is shown on the
//! same page, and nothing entered is stored or audited: it names nobody.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

use super::super::employer::vacancy_form::DateParts;
use crate::domain::spent::{AgeGroup, Disposal, Spent, SpentQuestion, Term};
use crate::domain::FieldErrors;
use crate::web::auth::Casework;
use crate::web::errors::AppError;
use crate::web::pages::page;
use crate::web::view::Chrome;

/// The form as typed.
#[derive(Clone, Debug, Default)]
pub struct SpentForm {
    pub age: String,
    pub disposal: String,
    pub convicted: DateParts,
    pub years: String,
    pub months: String,
    pub days: String,
    pub ends: DateParts,
    pub schedule_18: String,
}

/// The answer as shown.
pub struct Shown {
    pub spent: String,
    pub rule: String,
}

#[derive(Template)]
#[template(path = "officer/spent.html")]
struct SpentPage {
    chrome: Chrome,
    form: SpentForm,
    errors: FieldErrors,
    answer: Option<Shown>,
    ages: &'static [AgeGroup],
    disposals: &'static [Disposal],
}

const FIELDS: &[&str] = &[
    "age",
    "disposal",
    "convicted_on",
    "term",
    "ends_on",
    "schedule_18",
];

impl SpentForm {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = Self::default();
        for (name, value) in pairs {
            let v = value.clone();
            match name.as_str() {
                "age" => f.age = v,
                "disposal" => f.disposal = v,
                "convicted_on_day" => f.convicted.day = v,
                "convicted_on_month" => f.convicted.month = v,
                "convicted_on_year" => f.convicted.year = v,
                "term_years" => f.years = v,
                "term_months" => f.months = v,
                "term_days" => f.days = v,
                "ends_on_day" => f.ends.day = v,
                "ends_on_month" => f.ends.month = v,
                "ends_on_year" => f.ends.year = v,
                "schedule_18" => f.schedule_18 = v,
                _ => {}
            }
        }
        f
    }

    /// The question, or every problem beside its field.
    fn question(&self) -> Result<SpentQuestion, FieldErrors> {
        let mut errors = FieldErrors::new();
        let age = AgeGroup::parse(self.age.trim()).ok();
        if age.is_none() {
            errors.add("age", "Choose how old the person was when convicted");
        }
        let disposal = Disposal::parse(self.disposal.trim()).ok();
        if disposal.is_none() {
            errors.add("disposal", "Choose the sentence or disposal");
        }
        let convicted = if self.convicted.is_empty() {
            errors.add(
                "convicted_on",
                "Enter the date of conviction (or of the caution)",
            );
            None
        } else {
            date(
                &mut errors,
                "convicted_on",
                &self.convicted,
                "date of conviction",
            )
        };
        let custodial = disposal == Some(Disposal::Custodial);
        let mut term = Term::default();
        if custodial {
            let mut number = |text: &str| -> u32 {
                match text.trim() {
                    "" => 0,
                    t => t.parse::<u32>().ok().filter(|n| *n <= 1200).unwrap_or_else(|| {
                        errors.add(
                            "term",
                            "Enter the years, months and days as whole numbers, like 2 years 6 months 0 days",
                        );
                        0
                    }),
                }
            };
            term = Term {
                years: number(&self.years),
                months: number(&self.months),
                days: number(&self.days),
            };
        }
        let ends_on = if self.ends.is_empty() {
            None
        } else {
            date(&mut errors, "ends_on", &self.ends, "end date")
        };
        let schedule_18 = match self.schedule_18.trim() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        match (age, disposal, convicted) {
            (Some(age), Some(disposal), Some(convicted_on)) if errors.is_empty() => {
                let question = SpentQuestion {
                    age,
                    disposal,
                    convicted_on,
                    term,
                    ends_on,
                    schedule_18,
                };
                let more = question.check();
                if more.is_empty() {
                    Ok(question)
                } else {
                    Err(more)
                }
            }
            _ => Err(errors),
        }
    }
}

fn date(errors: &mut FieldErrors, field: &str, parts: &DateParts, what: &str) -> Option<NaiveDate> {
    match parts.read(what) {
        Ok(d) => Some(d),
        Err(message) => {
            errors.add(field, message);
            None
        }
    }
}

fn spent_page(
    who: &Casework,
    status: StatusCode,
    form: SpentForm,
    mut errors: FieldErrors,
    answer: Option<Shown>,
) -> HttpResponse {
    errors.sort_by_form_order(FIELDS);
    let mut response = page(
        status,
        &SpentPage {
            chrome: Chrome::of(&who.ctx),
            form,
            errors,
            answer,
            ages: AgeGroup::ALL,
            disposals: Disposal::ALL,
        },
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// The empty form.
pub async fn form(who: Casework) -> Result<HttpResponse, AppError> {
    Ok(spent_page(
        &who,
        StatusCode::OK,
        SpentForm::default(),
        FieldErrors::new(),
        None,
    ))
}

/// The answer on the same page, or the form again with its errors (422).
pub async fn answer(
    who: Casework,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let values = SpentForm::from_pairs(&form);
    let result = values.question().and_then(|q| q.answer());
    Ok(match result {
        Ok(answer) => {
            let spent = match answer.spent {
                Spent::Never => "Never spent".to_string(),
                Spent::On(day) => format!("Spent on {}", day.format("%-d %B %Y")),
            };
            let shown = Shown {
                spent,
                rule: answer.rule,
            };
            spent_page(
                &who,
                StatusCode::OK,
                values,
                FieldErrors::new(),
                Some(shown),
            )
        }
        Err(errors) => spent_page(&who, StatusCode::UNPROCESSABLE_ENTITY, values, errors, None),
    })
}
