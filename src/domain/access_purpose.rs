//! Why someone opened a person's restricted sections (offence categories,
//! licence conditions, barred flags). An officer chooses a purpose once per
//! person in a session; the JSON API may pass one, and otherwise records
//! that the read came through the API or an integration. The purpose goes
//! into the audit row of every restricted read and change.

use serde_json::{json, Map, Value};

use super::FieldErrors;

slug_enum! {
    /// The reasons an officer may give.
    pub enum PurposeKind("access purpose") {
        MatchingReview => "matching_review", "Matching review",
        RiskCheck => "risk_check", "Risk check",
        PersonsRequest => "persons_request", "The person's request",
        Other => "other", "Other",
    }
}

/// Shortest and longest text for "Other", in characters (trimmed).
pub const DETAIL_MIN_CHARS: usize = 3;
pub const DETAIL_MAX_CHARS: usize = 200;

/// The form and API field names.
pub const PURPOSE_FIELD: &str = "purpose";
pub const DETAIL_FIELD: &str = "purpose_detail";

/// A reason given by a person: the kind, and the text for "Other".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purpose {
    kind: PurposeKind,
    detail: Option<String>,
}

impl Purpose {
    /// Reads a choice and its text. The text counts only for "Other"
    /// (it is dropped for the other choices).
    pub fn parse(kind: &str, detail: &str) -> Result<Self, FieldErrors> {
        let Ok(kind) = PurposeKind::parse(kind.trim()) else {
            return Err(FieldErrors::single(
                PURPOSE_FIELD,
                "Choose why you need to see this",
            ));
        };
        if kind != PurposeKind::Other {
            return Ok(Self { kind, detail: None });
        }
        let text = detail.trim();
        let n = text.chars().count();
        if !(DETAIL_MIN_CHARS..=DETAIL_MAX_CHARS).contains(&n) {
            return Err(FieldErrors::single(
                DETAIL_FIELD,
                "Say why, in 3 to 200 characters",
            ));
        }
        Ok(Self {
            kind,
            detail: Some(text.to_string()),
        })
    }

    /// The purpose of the matching pages (a person's matches, "why not?",
    /// a candidate list): what they show is there for reviewing matches,
    /// so their restricted rows record it without asking.
    pub fn matching_review() -> Self {
        Self {
            kind: PurposeKind::MatchingReview,
            detail: None,
        }
    }

    /// A purpose read back from storage (already checked when saved).
    pub fn stored(kind: &str, detail: Option<String>) -> Option<Self> {
        let kind = PurposeKind::parse(kind).ok()?;
        Some(Self { kind, detail })
    }

    pub fn kind(&self) -> PurposeKind {
        self.kind
    }

    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
}

/// The purpose an audit row records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Chosen by an officer, or passed to the API.
    Given(Purpose),
    /// An officer's API call that gave none.
    Api,
    /// An integration token's call that gave none; the token's label.
    Integration(String),
}

impl Recorded {
    /// The slug stored in the audit detail's `purpose`.
    pub fn slug(&self) -> &'static str {
        match self {
            Recorded::Given(p) => p.kind.as_str(),
            Recorded::Api => "api",
            Recorded::Integration(_) => "integration",
        }
    }

    /// The audit detail's `purpose_detail`: the text of "Other", or the
    /// integration token's label.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Recorded::Given(p) => p.detail(),
            Recorded::Api => None,
            Recorded::Integration(label) => Some(label),
        }
    }

    /// An audit detail with the purpose: `{"purpose": .., "purpose_detail":
    /// .., ...}`. A `before` that is a JSON object keeps its keys; other
    /// text is kept under `what`.
    pub fn audit_detail(&self, before: Option<&str>) -> String {
        let mut out = Map::new();
        out.insert(PURPOSE_FIELD.into(), json!(self.slug()));
        out.insert(DETAIL_FIELD.into(), json!(self.detail()));
        match before.map(|b| (b, serde_json::from_str::<Value>(b))) {
            Some((_, Ok(Value::Object(fields)))) => out.extend(fields),
            Some((text, _)) => {
                out.insert("what".into(), json!(text));
            }
            None => {}
        }
        Value::Object(out).to_string()
    }
}

/// The purpose an audit detail records, in words ("Risk check", "Other:
/// court report", "Through the API", "Integration: Nightly sync"), or None
/// when the detail holds none.
pub fn describe(detail: &str) -> Option<String> {
    let v: Value = serde_json::from_str(detail).ok()?;
    let slug = v.get(PURPOSE_FIELD)?.as_str()?;
    let text = v.get(DETAIL_FIELD).and_then(Value::as_str);
    let name = match slug {
        "api" => "Through the API",
        "integration" => "Integration",
        other => PurposeKind::parse(other).ok()?.label(),
    };
    Some(match text {
        Some(t) => format!("{name}: {t}"),
        None => name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_is_required() {
        let e = Purpose::parse("", "").unwrap_err();
        assert!(e.has(PURPOSE_FIELD));
        assert!(Purpose::parse("curiosity", "").is_err());
    }

    #[test]
    fn other_needs_three_to_two_hundred_characters() {
        assert!(Purpose::parse("other", "  ab ")
            .unwrap_err()
            .has(DETAIL_FIELD));
        assert!(Purpose::parse("other", &"x".repeat(201)).is_err());
        let p = Purpose::parse("other", "  court report ").unwrap();
        assert_eq!(p.detail(), Some("court report"));
        let q = Purpose::parse("risk_check", "ignored").unwrap();
        assert_eq!((q.kind(), q.detail()), (PurposeKind::RiskCheck, None));
    }

    #[test]
    fn the_audit_detail_keeps_what_was_there() {
        let p = Recorded::Given(Purpose::parse("risk_check", "").unwrap());
        let v: Value = serde_json::from_str(&p.audit_detail(Some("the page"))).unwrap();
        assert_eq!(v["purpose"], "risk_check");
        assert_eq!(v["purpose_detail"], Value::Null);
        assert_eq!(v["what"], "the page");
        let merged = Recorded::Api.audit_detail(Some(r#"{"restricted_changed":true}"#));
        let v: Value = serde_json::from_str(&merged).unwrap();
        assert_eq!(
            (v["purpose"].as_str(), v["restricted_changed"].as_bool()),
            (Some("api"), Some(true))
        );
        let t = Recorded::Integration("Nightly sync".into()).audit_detail(None);
        assert!(t.contains(r#""purpose_detail":"Nightly sync""#));
        assert_eq!(describe(&t).as_deref(), Some("Integration: Nightly sync"));
        let o = Recorded::Given(Purpose::parse("other", "court report").unwrap());
        assert_eq!(
            describe(&o.audit_detail(None)).as_deref(),
            Some("Other: court report")
        );
        assert_eq!(describe("to officer 4"), None);
    }
}
