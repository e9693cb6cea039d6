//! Errors shared by the domain: per-field messages for forms and JSON bodies.

use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

/// A slug that names none of the values of a closed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} \"{value}\"")]
pub struct UnknownValue {
    kind: &'static str,
    value: String,
}

impl UnknownValue {
    /// `kind` names the set ("contract type"), `value` is what was given.
    pub fn new(kind: &'static str, value: &str) -> Self {
        Self {
            kind,
            value: value.to_owned(),
        }
    }

    /// The name of the set the value was meant to belong to.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The value that was given.
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// Messages for the fields of an input that failed validation, in the order
/// they were found (which callers can rearrange into form order).
///
/// Field names are the input struct's serde names, nested like
/// `shifts[0].start` or `offence_exclusions[2].reason`; messages are plain
/// English for the person filling in the form. Serializes as
/// `{"field": ["message", ...]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    fields: Vec<(String, Vec<String>)>,
}

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// One message for one field.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// Adds a message to a field; the same message twice is kept once.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        let message = message.into();
        match self.fields.iter_mut().find(|(name, _)| *name == field) {
            Some((_, messages)) => {
                if !messages.contains(&message) {
                    messages.push(message);
                }
            }
            None => self.fields.push((field, vec![message])),
        }
    }

    /// Adds the errors of a nested part under `prefix` (`"workplace"`,
    /// `"shifts[2]"`), skipping fields that already have a message.
    ///
    /// Checked constructors repeat the length and range checks the
    /// validator attributes already made, so that invalid values can never
    /// exist; skipping keeps one message per problem on the form.
    pub fn absorb(&mut self, prefix: &str, nested: FieldErrors) {
        for (field, messages) in nested.fields {
            let name = join_path(prefix, &field);
            if self.has(&name) {
                continue;
            }
            for message in messages {
                self.add(name.clone(), message);
            }
        }
    }

    /// Parses each item of a list with `parse`, keeping those that parse
    /// and adding the errors of the others under `field[i]`.
    pub fn parse_each<I, T>(
        &mut self,
        field: &str,
        items: &[I],
        parse: impl Fn(&I) -> Result<T, FieldErrors>,
    ) -> Vec<T> {
        let mut parsed = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match parse(item) {
                Ok(value) => parsed.push(value),
                Err(nested) => self.absorb(&format!("{field}[{i}]"), nested),
            }
        }
        parsed
    }

    /// Whether the field has at least one message.
    pub fn has(&self, field: &str) -> bool {
        self.fields.iter().any(|(name, _)| name == field)
    }

    /// The messages for a field (empty when it has none).
    pub fn messages(&self, field: &str) -> &[String] {
        self.fields
            .iter()
            .find(|(name, _)| name == field)
            .map_or(&[], |(_, messages)| messages.as_slice())
    }

    /// The first message for a field, for showing beside it.
    pub fn first(&self, field: &str) -> Option<&str> {
        self.messages(field).first().map(String::as_str)
    }

    /// Every field with its messages, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.fields
            .iter()
            .map(|(name, messages)| (name.as_str(), messages.as_slice()))
    }

    /// Whether there are no errors at all.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// How many fields have errors.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// `Ok(value)` when there are no errors, otherwise `Err(self)`.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Rearranges fields into form order: by the position of their top-level
    /// name in `order` (names not listed go last), then by list index.
    /// Messages within a field keep their order.
    pub fn sort_by_form_order(&mut self, order: &[&str]) {
        self.fields.sort_by_cached_key(|(name, _)| {
            let (root, index) = split_root(name);
            let position = order.iter().position(|o| *o == root).unwrap_or(order.len());
            (position, index, name.clone())
        });
    }

    /// Converts the errors from a `validator::Validate` derive, using each
    /// attribute's `message` (or a plain fallback when one was not set).
    pub fn from_validation(errors: &ValidationErrors) -> Self {
        let mut out = Self::new();
        collect_validation(&mut out, "", errors);
        out
    }
}

impl From<ValidationErrors> for FieldErrors {
    fn from(errors: ValidationErrors) -> Self {
        Self::from_validation(&errors)
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (field, messages) in &self.fields {
            for message in messages {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                write!(f, "{field}: {message}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

impl Serialize for FieldErrors {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        for (field, messages) in &self.fields {
            map.serialize_entry(field, messages)?;
        }
        map.end()
    }
}

fn join_path(prefix: &str, field: &str) -> String {
    match (prefix.is_empty(), field.is_empty()) {
        (true, _) => field.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) => format!("{prefix}.{field}"),
    }
}

/// `"shifts[2].start"` -> `("shifts", 2)`; names without an index get 0.
fn split_root(name: &str) -> (&str, usize) {
    let end = name.find(['.', '[']).unwrap_or(name.len());
    let root = &name[..end];
    let index = name[end..]
        .strip_prefix('[')
        .and_then(|rest| rest.split(']').next())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0);
    (root, index)
}

fn collect_validation(out: &mut FieldErrors, prefix: &str, errors: &ValidationErrors) {
    // validator keeps errors in a HashMap; sort so the result is deterministic.
    let mut entries: Vec<_> = errors.errors().iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (field, kind) in entries {
        let path = join_path(prefix, field);
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    out.add(path.clone(), validation_message(error));
                }
            }
            ValidationErrorsKind::Struct(nested) => collect_validation(out, &path, nested),
            ValidationErrorsKind::List(items) => {
                for (index, nested) in items {
                    collect_validation(out, &format!("{path}[{index}]"), nested);
                }
            }
        }
    }
}

fn validation_message(error: &ValidationError) -> String {
    if let Some(message) = &error.message {
        return message.to_string();
    }
    let param = |name: &str| error.params.get(name).map(|value| value.to_string());
    match (error.code.as_ref(), param("min"), param("max")) {
        ("length", Some(min), Some(max)) => format!("Enter between {min} and {max} characters"),
        ("length", None, Some(max)) => format!("Enter no more than {max} characters"),
        ("length", Some(min), None) => format!("Enter at least {min} characters"),
        ("range", Some(min), Some(max)) => format!("Enter a number between {min} and {max}"),
        ("range", None, Some(max)) => format!("Enter a number no bigger than {max}"),
        ("range", Some(min), None) => format!("Enter a number of at least {min}"),
        ("required", _, _) => "Enter an answer".to_owned(),
        _ => "Check this answer".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    #[derive(Validate)]
    struct Item {
        #[validate(length(min = 10, message = "Give a reason of at least 10 characters"))]
        reason: String,
    }

    #[derive(Validate)]
    struct Form {
        #[validate(length(min = 3, max = 5))]
        title: String,
        #[validate(range(min = 1, max = 9, message = "Enter a number from 1 to 9"))]
        count: u32,
        #[validate(nested)]
        items: Vec<Item>,
    }

    #[test]
    fn add_keeps_order_and_drops_duplicate_messages() {
        let mut errors = FieldErrors::new();
        errors.add("b", "one");
        errors.add("a", "two");
        errors.add("b", "one");
        errors.add("b", "three");
        let fields: Vec<_> = errors.iter().map(|(f, m)| (f, m.len())).collect();
        assert_eq!(fields, vec![("b", 2), ("a", 1)]);
        assert_eq!(errors.first("b"), Some("one"));
        assert!(errors.messages("c").is_empty());
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn serializes_as_field_to_messages() {
        let mut errors = FieldErrors::single("shifts[0].start", "Enter a start time");
        errors.add("title", "Enter a title");
        let json = serde_json::to_string(&errors).unwrap();
        assert_eq!(
            json,
            r#"{"shifts[0].start":["Enter a start time"],"title":["Enter a title"]}"#
        );
    }

    #[test]
    fn absorb_prefixes_and_skips_fields_already_reported() {
        let mut errors = FieldErrors::single("workplace.name", "Enter the place name");
        let mut nested = FieldErrors::new();
        nested.add("name", "Another message");
        nested.add("lat", "Enter a latitude");
        errors.absorb("workplace", nested);
        assert_eq!(errors.messages("workplace.name").len(), 1);
        assert_eq!(errors.first("workplace.lat"), Some("Enter a latitude"));
        errors.absorb("", FieldErrors::single("x", "y"));
        assert!(errors.has("x"));
    }

    #[test]
    fn converts_validator_errors_with_nested_paths_and_messages() {
        let form = Form {
            title: "ab".into(),
            count: 0,
            items: vec![
                Item {
                    reason: "long enough reason".into(),
                },
                Item {
                    reason: "short".into(),
                },
            ],
        };
        let errors = FieldErrors::from(form.validate().unwrap_err());
        assert_eq!(
            errors.first("title"),
            Some("Enter between 3 and 5 characters")
        );
        assert_eq!(errors.first("count"), Some("Enter a number from 1 to 9"));
        assert_eq!(
            errors.first("items[1].reason"),
            Some("Give a reason of at least 10 characters")
        );
        assert!(!errors.has("items[0].reason"));
    }

    #[test]
    fn sorts_into_form_order() {
        let mut errors = FieldErrors::new();
        errors.add("zeta", "z");
        errors.add("shifts[10].end", "x");
        errors.add("shifts[2].start", "x");
        errors.add("title", "x");
        errors.sort_by_form_order(&["title", "shifts"]);
        let names: Vec<_> = errors.iter().map(|(f, _)| f).collect();
        assert_eq!(
            names,
            vec!["title", "shifts[2].start", "shifts[10].end", "zeta"]
        );
    }

    #[test]
    fn into_result_and_display() {
        assert_eq!(FieldErrors::new().into_result(5), Ok(5));
        let errors = FieldErrors::single("title", "Enter a title");
        assert_eq!(errors.to_string(), "title: Enter a title");
        assert!(errors.into_result(()).is_err());
    }

    #[test]
    fn unknown_value_names_the_set() {
        let error = UnknownValue::new("contract type", "forever");
        assert_eq!(error.to_string(), "unknown contract type \"forever\"");
        assert_eq!(error.kind(), "contract type");
        assert_eq!(error.value(), "forever");
    }
}
