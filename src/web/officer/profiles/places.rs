//! Places typed by the officer, looked up in the embedded gazetteer.

use std::sync::OnceLock;

use crate::domain::geo::PlaceInput;
use crate::domain::FieldErrors;
use crate::gazetteer::{Gazetteer, Lookup};

fn gazetteer() -> Option<&'static Gazetteer> {
    static GAZETTEER: OnceLock<Option<Gazetteer>> = OnceLock::new();
    GAZETTEER
        .get_or_init(|| match Gazetteer::embedded() {
            Ok(g) => Some(g),
            Err(e) => {
                tracing::error!(error = %e, "the embedded gazetteer did not load");
                None
            }
        })
        .as_ref()
}

/// A place typed by the officer, looked up in the gazetteer.
pub fn resolve_place(errors: &mut FieldErrors, field: &str, text: &str) -> Option<PlaceInput> {
    if text.is_empty() {
        return None;
    }
    let Some(g) = gazetteer() else {
        errors.add(
            field,
            "Places cannot be looked up just now. Try again later",
        );
        return None;
    };
    match g.resolve(text) {
        Lookup::Found(place) => Some(PlaceInput {
            name: place.name,
            lat: place.lat,
            lon: place.lon,
        }),
        Lookup::Ambiguous(options) => {
            let names: Vec<String> = options.into_iter().take(5).map(|p| p.name).collect();
            errors.add(
                field,
                format!(
                    "There is more than one place called {text}. Enter one of: {}",
                    names.join("; ")
                ),
            );
            None
        }
        Lookup::NotFound => {
            errors.add(
                field,
                format!(
                    "{text} was not found. Check the spelling, or enter a town or a postcode district such as LS1"
                ),
            );
            None
        }
    }
}
