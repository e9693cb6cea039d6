//! Offline place lookup: a place name or a UK postcode becomes coordinates
//! from open data shipped in `search-config/` (see PLACES-LICENCE.md there).
//! Nothing is fetched at run time.

use std::collections::HashMap;

const PLACES_TSV: &str = include_str!("../search-config/places-gb.tsv");
const POSTCODES_TSV: &str = include_str!("../search-config/postcodes-gb.tsv");

/// A resolved place: what to show, and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    /// The name to store and show, e.g. "Newport, Wales" or "LS1 (Leeds)".
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Lookup {
    Found(Located),
    /// Several places share the name; the person picks one.
    Ambiguous(Vec<Located>),
    NotFound,
}

#[derive(Clone, Debug)]
struct PlaceRow {
    name: String,
    region: String,
    lat: f64,
    lon: f64,
    population: u64,
}

pub struct Gazetteer {
    places: Vec<PlaceRow>,
    by_name: HashMap<String, Vec<usize>>,
    outcodes: HashMap<String, Located>,
}

#[derive(Debug, thiserror::Error)]
#[error("{file} line {line}: {message}")]
pub struct GazetteerError {
    file: &'static str,
    line: usize,
    message: String,
}

/// Lowercase, letters and digits only, single spaces: "St. Helens" and
/// "st helens" meet.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(ch);
        } else if ch != '.' && ch != '\'' {
            pending_space = true;
        }
    }
    out
}

fn parse_coordinate(
    value: &str,
    file: &'static str,
    line: usize,
    max: f64,
) -> Result<f64, GazetteerError> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && v.abs() <= max)
        .ok_or_else(|| GazetteerError {
            file,
            line,
            message: format!("bad coordinate {value:?}"),
        })
}

/// The outward part of a UK postcode ("LS1 4AP" -> "LS1", "ls14ap" -> "LS1"),
/// or None when the text is not shaped like a postcode or an outward code.
pub fn outward_code(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if !compact.chars().all(|c| c.is_ascii_alphanumeric()) || compact.len() < 2 || compact.len() > 7
    {
        return None;
    }
    let is_outward = |s: &str| {
        let bytes = s.as_bytes();
        let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        (1..=2).contains(&letters)
            && bytes.len() > letters
            && bytes[letters].is_ascii_digit()
            && bytes.len() - letters <= 2
            && bytes[letters..].iter().enumerate().all(|(i, b)| {
                if i == 0 {
                    b.is_ascii_digit()
                } else {
                    b.is_ascii_alphanumeric()
                }
            })
    };
    // A full postcode ends in digit + two letters (the inward code).
    if compact.len() >= 5 {
        let (outward, inward) = compact.split_at(compact.len() - 3);
        let inward_ok = inward.as_bytes()[0].is_ascii_digit()
            && inward.as_bytes()[1..].iter().all(u8::is_ascii_alphabetic);
        if inward_ok && is_outward(outward) {
            return Some(outward.to_string());
        }
    }
    is_outward(&compact).then_some(compact)
}

impl Gazetteer {
    /// The gazetteer shipped with the binary.
    pub fn embedded() -> Result<Self, GazetteerError> {
        Self::from_tsv(PLACES_TSV, POSTCODES_TSV)
    }

    pub fn from_tsv(places_tsv: &str, postcodes_tsv: &str) -> Result<Self, GazetteerError> {
        let mut places = Vec::new();
        for (i, line) in places_tsv.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let error = |message: &str| GazetteerError {
                file: "places-gb.tsv",
                line: i + 1,
                message: message.to_string(),
            };
            if cols.len() < 6 {
                return Err(error(
                    "expected 6 columns: name, kind, lat, lon, region, population",
                ));
            }
            if cols[0].trim().is_empty() {
                return Err(error("empty name"));
            }
            places.push(PlaceRow {
                name: cols[0].trim().to_string(),
                region: cols[4].trim().to_string(),
                lat: parse_coordinate(cols[2], "places-gb.tsv", i + 1, 90.0)?,
                lon: parse_coordinate(cols[3], "places-gb.tsv", i + 1, 180.0)?,
                population: cols[5].trim().parse().unwrap_or(0),
            });
        }
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, place) in places.iter().enumerate() {
            by_name.entry(fold(&place.name)).or_default().push(index);
        }
        // Larger places first, so an ambiguous list starts with the likeliest.
        for indexes in by_name.values_mut() {
            indexes.sort_by(|a, b| places[*b].population.cmp(&places[*a].population));
        }
        let mut outcodes = HashMap::new();
        for (i, line) in postcodes_tsv.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 3 {
                return Err(GazetteerError {
                    file: "postcodes-gb.tsv",
                    line: i + 1,
                    message: "expected columns: outcode, lat, lon, place".into(),
                });
            }
            let code = cols[0].trim().to_uppercase();
            let place = cols.get(3).map(|s| s.trim()).filter(|s| !s.is_empty());
            outcodes.insert(
                code.clone(),
                Located {
                    name: match place {
                        Some(p) => format!("{code} ({p})"),
                        None => code.clone(),
                    },
                    lat: parse_coordinate(cols[1], "postcodes-gb.tsv", i + 1, 90.0)?,
                    lon: parse_coordinate(cols[2], "postcodes-gb.tsv", i + 1, 180.0)?,
                },
            );
        }
        Ok(Self {
            places,
            by_name,
            outcodes,
        })
    }

    pub fn place_count(&self) -> usize {
        self.places.len()
    }

    pub fn postcode_district_count(&self) -> usize {
        self.outcodes.len()
    }

    /// The `n` most populous places, largest first.
    pub fn largest(&self, n: usize) -> Vec<Located> {
        let mut order: Vec<usize> = (0..self.places.len()).collect();
        order.sort_by(|a, b| self.places[*b].population.cmp(&self.places[*a].population));
        order
            .into_iter()
            .take(n)
            .map(|i| self.located(i, false))
            .collect()
    }

    fn located(&self, index: usize, qualified: bool) -> Located {
        let place = &self.places[index];
        Located {
            name: if qualified && !place.region.is_empty() {
                format!("{}, {}", place.name, place.region)
            } else {
                place.name.clone()
            },
            lat: place.lat,
            lon: place.lon,
        }
    }

    /// Resolves a place name ("Leeds", "Newport, Wales") or a postcode
    /// ("CF10 1AA", "CF10").
    pub fn resolve(&self, text: &str) -> Lookup {
        let text = text.trim();
        if text.is_empty() {
            return Lookup::NotFound;
        }
        if let Some(code) = outward_code(text) {
            if let Some(found) = self.outcodes.get(&code) {
                return Lookup::Found(found.clone());
            }
        }
        let (name_part, region_part) = match text.split_once(',') {
            Some((name, region)) => (name, Some(fold(region))),
            None => (text, None),
        };
        let Some(indexes) = self.by_name.get(&fold(name_part)) else {
            return Lookup::NotFound;
        };
        let candidates: Vec<usize> = match &region_part {
            Some(region) => indexes
                .iter()
                .copied()
                .filter(|i| {
                    // "Newport, Wales" matches the region "Newport, Wales" or any
                    // of its comma-separated parts (county or nation).
                    let stored = &self.places[*i].region;
                    fold(stored) == *region || stored.split(',').any(|part| fold(part) == *region)
                })
                .collect(),
            None => indexes.clone(),
        };
        match candidates.as_slice() {
            [] => Lookup::NotFound,
            [only] => {
                Lookup::Found(self.located(*only, region_part.is_some() || indexes.len() > 1))
            }
            many => Lookup::Ambiguous(many.iter().map(|i| self.located(*i, true)).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLACES: &str = "name\tkind\tlat\tlon\tregion\tpopulation\n\
        Leeds\tplace\t53.7965\t-1.5478\tEngland\t455123\n\
        Newport\tplace\t51.5877\t-2.9984\tNewport, Wales\t128060\n\
        Newport\tplace\t50.7008\t-1.2883\tEngland\t25000\n\
        St. Helens\tplace\t53.4500\t-2.7333\tEngland\t102629\n";
    const POSTCODES: &str = "outcode\tlat\tlon\tplace\nLS1\t53.7970\t-1.5490\tLeeds\n";

    fn gazetteer() -> Gazetteer {
        Gazetteer::from_tsv(PLACES, POSTCODES).unwrap()
    }

    #[test]
    fn finds_places_by_folded_name() {
        let g = gazetteer();
        assert!(matches!(g.resolve("leeds"), Lookup::Found(p) if p.name == "Leeds"));
        assert!(matches!(g.resolve("  ST HELENS "), Lookup::Found(p) if p.name == "St. Helens"));
        assert_eq!(g.resolve("Atlantis"), Lookup::NotFound);
        assert_eq!(g.resolve(""), Lookup::NotFound);
    }

    #[test]
    fn shared_names_are_ambiguous_until_a_region_is_given() {
        let g = gazetteer();
        match g.resolve("Newport") {
            Lookup::Ambiguous(list) => {
                assert_eq!(list.len(), 2);
                assert_eq!(list[0].name, "Newport, Newport, Wales", "largest first");
            }
            other => panic!("expected ambiguous, got {other:?}"),
        }
        assert!(
            matches!(g.resolve("Newport, england"), Lookup::Found(p) if p.name == "Newport, England")
        );
        assert!(matches!(g.resolve("Newport, Wales"), Lookup::Found(p) if p.lat > 51.5));
    }

    #[test]
    fn postcodes_resolve_by_outward_code() {
        let g = gazetteer();
        assert!(matches!(g.resolve("ls1 4ap"), Lookup::Found(p) if p.name == "LS1 (Leeds)"));
        assert!(matches!(g.resolve("LS1"), Lookup::Found(_)));
        assert_eq!(outward_code("CF10 1AA").as_deref(), Some("CF10"));
        assert_eq!(outward_code("SW1A 1AA").as_deref(), Some("SW1A"));
        assert_eq!(outward_code("M1 1AE").as_deref(), Some("M1"));
        assert_eq!(outward_code("Leeds"), None);
        assert_eq!(outward_code("12345"), None);
    }

    #[test]
    fn rejects_malformed_rows_with_their_line() {
        let bad = "name\tkind\tlat\tlon\tregion\tpopulation\nX\tplace\t95\t0\tEngland\t1\n";
        let err = Gazetteer::from_tsv(bad, "outcode\tlat\tlon\tplace\n")
            .err()
            .unwrap();
        assert!(err.to_string().contains("line 2"));
    }
}
