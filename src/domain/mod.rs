//! The pure domain layer: types that cannot hold invalid data once parsed,
//! the vacancy, match and application lifecycles, and the matching rules.
//!
//! Nothing here performs I/O or knows about the web, the database or the
//! search engine, so every rule can be unit-tested on plain values.

/// Declares a closed set of values with stable snake_case slugs (used in the
/// database, JSON and forms) and a plain label for screens.
macro_rules! slug_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($kind:literal) {
            $( $(#[$vmeta:meta])* $variant:ident => $slug:literal, $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $slug)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable slug stored in the database and used in forms and JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $slug),+
                }
            }

            /// Parses a slug as produced by [`Self::as_str`].
            pub fn parse(value: &str) -> Result<Self, $crate::domain::errors::UnknownValue> {
                match value {
                    $($slug => Ok($name::$variant),)+
                    _ => Err($crate::domain::errors::UnknownValue::new($kind, value)),
                }
            }

            /// A short plain-English label for screens.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Reads a stored slug (the store loads a status column this way).
        impl TryFrom<String> for $name {
            type Error = $crate::domain::errors::UnknownValue;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::errors::UnknownValue;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::parse(value)
            }
        }
    };
}

pub mod access_purpose;
pub mod application;
pub mod cv;
pub mod disclosure;
pub mod documents;
pub mod eligible;
pub mod errors;
pub mod geo;
pub mod licence;
pub mod matching;
pub mod offence;
pub mod processing;
pub mod profile;
pub mod reports;
pub mod retention;
pub mod rules;
pub mod schedule;
pub mod skills;
pub mod slot;
pub mod slug;
pub mod spent;
pub mod vacancy;
pub mod wording;

pub use errors::{FieldErrors, UnknownValue};
