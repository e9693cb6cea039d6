//! A typed filter over index documents.
//!
//! Narrowing rules are written once as a [`Filter`] tree. Meilisearch gets it
//! as a filter string from [`Filter::to_meilisearch`], where every value is
//! quoted and escaped, so a value can never change the shape of the
//! expression; the embedded engine translates the same tree into tantivy
//! queries (see `embedded.rs`).

use std::fmt::Write as _;
use std::ops::Bound;

/// A value compared with a document attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, matched case-insensitively (as Meilisearch does).
    Str(String),
    /// A whole number (ids, day numbers).
    Int(i64),
    /// A decimal number (hours, kilometres).
    Float(f64),
    /// A boolean.
    Bool(bool),
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Str(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Str(value)
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Int(value)
    }
}

impl From<f64> for Value {
    fn from(value: f64) -> Self {
        Value::Float(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}

/// A number bounding a [`Filter::Range`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A whole number.
    Int(i64),
    /// A decimal number.
    Float(f64),
}

/// A filter expression. Attribute names are `&'static str` on purpose: they
/// come from this code, never from a user, and only values are escaped.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Every document.
    Always,
    /// No document.
    Never,
    /// The attribute (or, for an array, one of its elements) equals the value.
    Eq(&'static str, Value),
    /// The attribute (or one of its elements) equals one of the values.
    In(&'static str, Vec<Value>),
    /// The attribute lies within the bounds (a missing attribute does not).
    Range {
        /// The attribute.
        attribute: &'static str,
        /// Lower bound.
        lower: Bound<Number>,
        /// Upper bound.
        upper: Bound<Number>,
    },
    /// The document's `_geo` point lies within `metres` of the centre.
    GeoRadius {
        /// Latitude of the centre.
        lat: f64,
        /// Longitude of the centre.
        lon: f64,
        /// Radius in metres.
        metres: u64,
    },
    /// The document's `_geo` point lies within its own travel radius
    /// (`radius_km`, padded as a geo radius is) of the centre: how a
    /// vacancy finds the people who could travel to it. Each engine answers
    /// a superset of exactly that. The embedded engine answers it exactly,
    /// measuring each point once against its own radius. Meilisearch is
    /// asked whether the centre lies in the document's reach box
    /// (`reach_south` ... `reach_east`, see
    /// [`ReachBox`](super::narrowing::ReachBox)): four number comparisons,
    /// where a union of circles walks its geo tree once a circle. Documents
    /// with no point are not included.
    WithinOwnReach {
        /// Latitude of the centre.
        lat: f64,
        /// Longitude of the centre.
        lon: f64,
    },
    /// The boolean attribute is true.
    IsTrue(&'static str),
    /// The inner filter does not hold (documents missing the attribute
    /// included).
    Not(Box<Filter>),
    /// Every inner filter holds.
    And(Vec<Filter>),
    /// At least one inner filter holds.
    Or(Vec<Filter>),
}

/// Why a filter cannot be rendered or translated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FilterError {
    /// NaN or infinity cannot be expressed in a filter.
    #[error("the filter on {attribute} has a number that is not finite")]
    NotFinite {
        /// The attribute concerned.
        attribute: &'static str,
    },
    /// An attribute name that is not a plain identifier.
    #[error("{0:?} is not a valid attribute name")]
    InvalidAttribute(&'static str),
    /// The engine has no such filterable attribute.
    #[error("{0} is not a filterable attribute of this index")]
    UnknownAttribute(&'static str),
    /// The value's type does not suit the attribute.
    #[error("the filter on {attribute} compares it with a value of the wrong type")]
    TypeMismatch {
        /// The attribute concerned.
        attribute: &'static str,
    },
}

/// What a filter amounts to for Meilisearch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeilisearchFilter {
    /// No filter: every document.
    All,
    /// Nothing can match, so there is no need to ask.
    Nothing,
    /// A filter expression to send.
    Expression(String),
}

impl Filter {
    /// `attribute = value`.
    pub fn eq(attribute: &'static str, value: impl Into<Value>) -> Self {
        Filter::Eq(attribute, value.into())
    }

    /// `attribute IN [values]`.
    pub fn any_of<V: Into<Value>>(
        attribute: &'static str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Filter::In(attribute, values.into_iter().map(Into::into).collect())
    }

    /// `attribute >= value`.
    pub fn at_least(attribute: &'static str, value: Number) -> Self {
        Filter::Range {
            attribute,
            lower: Bound::Included(value),
            upper: Bound::Unbounded,
        }
    }

    /// `attribute <= value`.
    pub fn at_most(attribute: &'static str, value: Number) -> Self {
        Filter::Range {
            attribute,
            lower: Bound::Unbounded,
            upper: Bound::Included(value),
        }
    }

    /// Negation, simplified where it is trivial.
    pub fn negate(self) -> Self {
        match self {
            Filter::Always => Filter::Never,
            Filter::Never => Filter::Always,
            Filter::Not(inner) => *inner,
            other => Filter::Not(Box::new(other)),
        }
    }

    /// Conjunction, flattened: `Always` parts are dropped and one `Never`
    /// makes the whole `Never`.
    pub fn all(parts: impl IntoIterator<Item = Filter>) -> Self {
        let mut kept = Vec::new();
        for part in parts {
            match part.simplify() {
                Filter::Always => {}
                Filter::Never => return Filter::Never,
                Filter::And(inner) => kept.extend(inner),
                other => kept.push(other),
            }
        }
        match kept.len() {
            0 => Filter::Always,
            1 => kept.pop().unwrap_or(Filter::Always),
            _ => Filter::And(kept),
        }
    }

    /// Disjunction, flattened: `Never` parts are dropped and one `Always`
    /// makes the whole `Always`.
    pub fn any(parts: impl IntoIterator<Item = Filter>) -> Self {
        let mut kept = Vec::new();
        for part in parts {
            match part.simplify() {
                Filter::Never => {}
                Filter::Always => return Filter::Always,
                Filter::Or(inner) => kept.extend(inner),
                other => kept.push(other),
            }
        }
        match kept.len() {
            0 => Filter::Never,
            1 => kept.pop().unwrap_or(Filter::Never),
            _ => Filter::Or(kept),
        }
    }

    /// The same filter with `Always`, `Never`, empty lists and nested
    /// groups folded away, so that neither engine meets an empty group.
    pub fn simplify(self) -> Self {
        match self {
            Filter::And(parts) => Filter::all(parts),
            Filter::Or(parts) => Filter::any(parts),
            Filter::Not(inner) => inner.simplify().negate(),
            Filter::In(_, values) if values.is_empty() => Filter::Never,
            other => other,
        }
    }

    /// Renders the filter in Meilisearch's filter syntax.
    ///
    /// Every string is double-quoted with `\` and `"` escaped, so reserved
    /// words (AND, OR, NOT, TO, ...), brackets and quotes inside a value stay
    /// part of that value. Numbers are written in plain decimal notation.
    pub fn to_meilisearch(&self) -> Result<MeilisearchFilter, FilterError> {
        match self.clone().simplify() {
            Filter::Always => Ok(MeilisearchFilter::All),
            Filter::Never => Ok(MeilisearchFilter::Nothing),
            simplified => {
                let mut out = String::new();
                simplified.render(&mut out)?;
                Ok(MeilisearchFilter::Expression(out))
            }
        }
    }

    /// The filter's text in Meilisearch's syntax, which names exactly one
    /// meaning (numbers are written so they read back the same): a key for
    /// a part already simplified. None when it cannot be written.
    pub(crate) fn cache_key(&self) -> Option<String> {
        let mut out = String::new();
        self.render(&mut out).ok().map(|()| out)
    }

    /// Renders a simplified filter; `Always`/`Never` only occur at the top
    /// after simplification, where [`Self::to_meilisearch`] handles them.
    fn render(&self, out: &mut String) -> Result<(), FilterError> {
        match self {
            // Unreachable after `simplify`, but rendered as tautology and
            // contradiction over the primary key rather than panicking.
            Filter::Always => out.push_str("(id EXISTS)"),
            Filter::Never => out.push_str("(NOT id EXISTS)"),
            Filter::Eq(attribute, value) => {
                push_attribute(out, attribute)?;
                out.push_str(" = ");
                push_value(out, attribute, value)?;
            }
            Filter::In(attribute, values) => {
                push_attribute(out, attribute)?;
                out.push_str(" IN [");
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    push_value(out, attribute, value)?;
                }
                out.push(']');
            }
            Filter::Range {
                attribute,
                lower,
                upper,
            } => render_range(out, attribute, *lower, *upper)?,
            Filter::GeoRadius { lat, lon, metres } => {
                if !lat.is_finite() || !lon.is_finite() {
                    return Err(FilterError::NotFinite { attribute: "_geo" });
                }
                let _ = write!(out, "_geoRadius({lat}, {lon}, {metres})");
            }
            Filter::WithinOwnReach { lat, lon } => {
                if !lat.is_finite() || !lon.is_finite() {
                    return Err(FilterError::NotFinite { attribute: "_geo" });
                }
                reach_box_holds(*lat, *lon).render(out)?;
            }
            Filter::IsTrue(attribute) => {
                push_attribute(out, attribute)?;
                out.push_str(" = true");
            }
            Filter::Not(inner) => {
                out.push_str("NOT ");
                render_grouped(out, inner, Context::Not)?;
            }
            Filter::And(parts) => render_joined(out, parts, Context::And)?,
            Filter::Or(parts) => render_joined(out, parts, Context::Or)?,
        }
        Ok(())
    }
}

/// How Meilisearch is asked [`Filter::WithinOwnReach`]: the document's
/// reach box holds the centre.
fn reach_box_holds(lat: f64, lon: f64) -> Filter {
    let float = Number::Float;
    Filter::all([
        Filter::at_most("reach_south", float(lat)),
        Filter::at_least("reach_north", float(lat)),
        Filter::at_most("reach_west", float(lon)),
        Filter::at_least("reach_east", float(lon)),
    ])
}

/// Where a sub-filter is written, which decides whether it needs brackets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    And,
    Or,
    Not,
}

/// Brackets only where precedence (NOT, then AND, then OR) would otherwise
/// change the meaning, so the string stays readable.
fn render_grouped(out: &mut String, filter: &Filter, context: Context) -> Result<(), FilterError> {
    let bracket = match filter {
        Filter::Or(_) => true,
        // A reach is written as a conjunction.
        Filter::And(_) | Filter::WithinOwnReach { .. } => context != Context::And,
        Filter::Not(_) => context == Context::Not,
        Filter::Range { lower, upper, .. } => {
            context != Context::And && renders_as_two_comparisons(*lower, *upper)
        }
        _ => false,
    };
    if bracket {
        out.push('(');
        filter.render(out)?;
        out.push(')');
    } else {
        filter.render(out)?;
    }
    Ok(())
}

/// Whether a range is written `a > x AND a < y` rather than as one
/// condition (`a >= x`, `a x TO y`).
fn renders_as_two_comparisons(lower: Bound<Number>, upper: Bound<Number>) -> bool {
    !matches!(
        (lower, upper),
        (Bound::Included(_), Bound::Included(_)) | (Bound::Unbounded, _) | (_, Bound::Unbounded)
    )
}

fn render_joined(out: &mut String, parts: &[Filter], context: Context) -> Result<(), FilterError> {
    let joiner = if context == Context::And {
        " AND "
    } else {
        " OR "
    };
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(joiner);
        }
        render_grouped(out, part, context)?;
    }
    Ok(())
}

fn render_range(
    out: &mut String,
    attribute: &'static str,
    lower: Bound<Number>,
    upper: Bound<Number>,
) -> Result<(), FilterError> {
    push_attribute(out, attribute)?;
    match (lower, upper) {
        (Bound::Included(low), Bound::Included(high)) => {
            out.push(' ');
            push_number(out, attribute, low)?;
            out.push_str(" TO ");
            push_number(out, attribute, high)?;
        }
        (Bound::Unbounded, Bound::Unbounded) => out.push_str(" EXISTS"),
        (lower, Bound::Unbounded) => push_bound(out, attribute, lower, ">")?,
        (Bound::Unbounded, upper) => push_bound(out, attribute, upper, "<")?,
        (lower, upper) => {
            push_bound(out, attribute, lower, ">")?;
            out.push_str(" AND ");
            push_attribute(out, attribute)?;
            push_bound(out, attribute, upper, "<")?;
        }
    }
    Ok(())
}

/// Writes ` >= n` / ` > n` (or the `<` forms) for one bound.
fn push_bound(
    out: &mut String,
    attribute: &'static str,
    bound: Bound<Number>,
    direction: &str,
) -> Result<(), FilterError> {
    let (operator, number) = match bound {
        Bound::Included(n) => (format!("{direction}="), n),
        Bound::Excluded(n) => (direction.to_owned(), n),
        Bound::Unbounded => return Ok(()),
    };
    let _ = write!(out, " {operator} ");
    push_number(out, attribute, number)
}

fn push_attribute(out: &mut String, attribute: &'static str) -> Result<(), FilterError> {
    let valid = !attribute.is_empty()
        && attribute
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    if !valid {
        return Err(FilterError::InvalidAttribute(attribute));
    }
    out.push_str(attribute);
    Ok(())
}

fn push_number(out: &mut String, attribute: &'static str, n: Number) -> Result<(), FilterError> {
    match n {
        Number::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Number::Float(f) if f.is_finite() => {
            // `Display` for f64 never uses exponent notation, which the
            // filter parser would not read as one number.
            let _ = write!(out, "{f}");
        }
        Number::Float(_) => return Err(FilterError::NotFinite { attribute }),
    }
    Ok(())
}

fn push_value(out: &mut String, attribute: &'static str, value: &Value) -> Result<(), FilterError> {
    match value {
        Value::Str(text) => push_quoted(out, text),
        Value::Int(i) => push_number(out, attribute, Number::Int(*i))?,
        Value::Float(f) => push_number(out, attribute, Number::Float(*f))?,
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
    }
    Ok(())
}

/// Double-quotes a string for Meilisearch: the parser ends a quoted value at
/// the first `"` not preceded by `\`, then unescapes `\"` and `\\`, so those
/// two are the characters to escape. Everything else (unicode, newlines,
/// brackets, reserved words) is literal inside the quotes.
fn push_quoted(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            other => out.push(other),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(filter: Filter) -> String {
        match filter.to_meilisearch().unwrap() {
            MeilisearchFilter::Expression(text) => text,
            other => panic!("expected an expression, got {other:?}"),
        }
    }

    #[test]
    fn strings_are_always_quoted() {
        assert_eq!(render(Filter::eq("sector", "care")), r#"sector = "care""#);
        assert_eq!(
            render(Filter::eq("sector", "health and care")),
            r#"sector = "health and care""#
        );
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(
            render(Filter::eq("sector", r#"say "hi""#)),
            r#"sector = "say \"hi\"""#
        );
        assert_eq!(
            render(Filter::eq("sector", r"C:\jobs\")),
            r#"sector = "C:\\jobs\\""#
        );
        // A value trying to close the quote and add its own condition.
        assert_eq!(
            render(Filter::eq("sector", r#"x\" OR id EXISTS OR sector = \"y"#)),
            r#"sector = "x\\\" OR id EXISTS OR sector = \\\"y""#
        );
        assert_eq!(
            render(Filter::eq("sector", r#"a" OR "1" = "1"#)),
            r#"sector = "a\" OR \"1\" = \"1""#
        );
    }

    #[test]
    fn reserved_words_stay_values() {
        for word in [
            "AND",
            "OR",
            "NOT",
            "TO",
            "IN",
            "EXISTS",
            "NULL",
            "EMPTY",
            "_geoRadius(0, 0, 1)",
        ] {
            assert_eq!(
                render(Filter::eq("sector", word)),
                format!("sector = \"{word}\"")
            );
        }
        assert_eq!(
            render(Filter::any_of("sector", ["AND", "x OR y", "1 TO 5"])),
            r#"sector IN ["AND", "x OR y", "1 TO 5"]"#
        );
    }

    #[test]
    fn unicode_and_control_characters_are_kept_literally() {
        assert_eq!(
            render(Filter::eq("place", "Ystradgynlais – Cwm Tawe 🏭")),
            "place = \"Ystradgynlais – Cwm Tawe 🏭\""
        );
        assert_eq!(
            render(Filter::eq("place", "line\nbreak\ttab")),
            "place = \"line\nbreak\ttab\""
        );
        assert_eq!(render(Filter::eq("place", "it's")), r#"place = "it's""#);
    }

    #[test]
    fn very_long_values_are_escaped_in_full() {
        let long = "\"\\".repeat(5_000);
        let text = render(Filter::eq("sector", long.as_str()));
        assert_eq!(text.len(), "sector = \"\"".len() + 4 * 5_000);
        assert!(text.starts_with(r#"sector = "\"\\\"\\"#));
        assert!(text.ends_with(r#"\"\\""#));
    }

    #[test]
    fn numbers_booleans_and_ranges() {
        assert_eq!(render(Filter::eq("id", 42i64)), "id = 42");
        assert_eq!(render(Filter::eq("id", -7i64)), "id = -7");
        assert_eq!(render(Filter::eq("remote", false)), "remote = false");
        assert_eq!(render(Filter::IsTrue("remote")), "remote = true");
        assert_eq!(
            render(Filter::at_least("closing_day", Number::Int(20_000))),
            "closing_day >= 20000"
        );
        assert_eq!(
            render(Filter::at_most("hours_per_week", Number::Float(37.5))),
            "hours_per_week <= 37.5"
        );
        assert_eq!(
            render(Filter::Range {
                attribute: "hours_per_week",
                lower: Bound::Included(Number::Float(16.0)),
                upper: Bound::Included(Number::Float(30.0)),
            }),
            "hours_per_week 16 TO 30"
        );
        assert_eq!(
            render(Filter::Range {
                attribute: "start_day",
                lower: Bound::Excluded(Number::Int(1)),
                upper: Bound::Excluded(Number::Int(9)),
            }),
            "start_day > 1 AND start_day < 9"
        );
        assert_eq!(
            render(Filter::eq("hours_per_week", 1e21)),
            "hours_per_week = 1000000000000000000000"
        );
    }

    #[test]
    fn non_finite_numbers_are_refused() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(
                Filter::eq("radius_km", bad).to_meilisearch(),
                Err(FilterError::NotFinite {
                    attribute: "radius_km"
                })
            );
            assert!(Filter::GeoRadius {
                lat: bad,
                lon: 0.0,
                metres: 1
            }
            .to_meilisearch()
            .is_err());
        }
    }

    #[test]
    fn attribute_names_are_checked() {
        assert_eq!(
            Filter::eq("bad name", "x").to_meilisearch(),
            Err(FilterError::InvalidAttribute("bad name"))
        );
        assert_eq!(
            Filter::IsTrue("x = 1 OR y").to_meilisearch(),
            Err(FilterError::InvalidAttribute("x = 1 OR y"))
        );
    }

    #[test]
    fn geo_radius() {
        assert_eq!(
            render(Filter::GeoRadius {
                lat: 53.6833,
                lon: -1.4977,
                metres: 25_126
            }),
            "_geoRadius(53.6833, -1.4977, 25126)"
        );
    }

    #[test]
    fn groups_are_parenthesised() {
        let filter = Filter::all([
            Filter::eq("status", "published"),
            Filter::any([
                Filter::at_least("closing_day", Number::Int(100)),
                Filter::IsTrue("rolling"),
            ]),
            Filter::any_of("excluded_offences", ["arson", "sexual"]).negate(),
            Filter::any([
                Filter::IsTrue("remote"),
                Filter::GeoRadius {
                    lat: 1.5,
                    lon: 2.0,
                    metres: 1000,
                },
            ]),
        ]);
        assert_eq!(
            render(filter),
            "status = \"published\" AND (closing_day >= 100 OR rolling = true) \
             AND NOT excluded_offences IN [\"arson\", \"sexual\"] \
             AND (remote = true OR _geoRadius(1.5, 2, 1000))"
        );
        assert_eq!(
            render(Filter::Not(Box::new(Filter::Range {
                attribute: "id",
                lower: Bound::Included(Number::Int(1)),
                upper: Bound::Unbounded
            }))),
            "NOT id >= 1"
        );
        let between = Filter::Range {
            attribute: "id",
            lower: Bound::Excluded(Number::Int(1)),
            upper: Bound::Included(Number::Int(5)),
        };
        assert_eq!(
            render(Filter::any([between.clone(), Filter::IsTrue("remote")])),
            "(id > 1 AND id <= 5) OR remote = true"
        );
        assert_eq!(render(between.negate()), "NOT (id > 1 AND id <= 5)");
        assert_eq!(
            render(Filter::any([Filter::IsTrue("a"), Filter::IsTrue("b")]).negate()),
            "NOT (a = true OR b = true)"
        );
    }

    #[test]
    fn trivial_filters_simplify() {
        assert_eq!(Filter::all([]).to_meilisearch(), Ok(MeilisearchFilter::All));
        assert_eq!(
            Filter::any([]).to_meilisearch(),
            Ok(MeilisearchFilter::Nothing)
        );
        assert_eq!(
            Filter::all([Filter::IsTrue("remote"), Filter::Never]),
            Filter::Never
        );
        assert_eq!(
            Filter::any([Filter::IsTrue("remote"), Filter::Always]),
            Filter::Always
        );
        assert_eq!(
            Filter::any_of("sector", Vec::<String>::new()).to_meilisearch(),
            Ok(MeilisearchFilter::Nothing)
        );
        assert_eq!(
            Filter::Not(Box::new(Filter::In("sector", vec![]))).to_meilisearch(),
            Ok(MeilisearchFilter::All)
        );
        assert_eq!(
            render(Filter::And(vec![
                Filter::Always,
                Filter::And(vec![Filter::IsTrue("a"), Filter::IsTrue("b")]),
                Filter::Or(vec![Filter::IsTrue("c")]),
            ])),
            "a = true AND b = true AND c = true"
        );
        assert_eq!(Filter::IsTrue("a").negate().negate(), Filter::IsTrue("a"));
    }
}
