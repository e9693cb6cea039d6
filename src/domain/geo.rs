//! Points on the Earth, straight-line distances, places and exclusion zones.

use std::fmt;

use serde::{Deserialize, Serialize};
use validator::Validate;

use super::errors::FieldErrors;

/// Mean Earth radius (IUGG), the usual choice for haversine distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// How far outside an exclusion zone's radius a point may lie and still count
/// as inside: a workplace "on the edge" is treated as inside, and floating
/// point must not decide which side of the line it falls.
pub const EDGE_TOLERANCE_KM: f64 = 0.001;

/// Why a latitude or longitude was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GeoError {
    /// Not a number between -90 and 90.
    #[error("Enter a latitude between -90 and 90")]
    Latitude,
    /// Not a number between -180 and 180.
    #[error("Enter a longitude between -180 and 180")]
    Longitude,
}

impl GeoError {
    /// The input field the error belongs to.
    pub fn field(self) -> &'static str {
        match self {
            GeoError::Latitude => "lat",
            GeoError::Longitude => "lon",
        }
    }
}

/// A WGS84 latitude/longitude in degrees, always finite and in range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawPoint")]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct RawPoint {
    lat: f64,
    lon: f64,
}

impl TryFrom<RawPoint> for GeoPoint {
    type Error = GeoError;

    fn try_from(raw: RawPoint) -> Result<Self, Self::Error> {
        GeoPoint::parse(raw.lat, raw.lon)
    }
}

impl GeoPoint {
    /// Accepts latitude -90..=90 and longitude -180..=180; NaN and infinity
    /// are refused.
    pub fn parse(lat: f64, lon: f64) -> Result<Self, GeoError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(GeoError::Latitude);
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(GeoError::Longitude);
        }
        Ok(Self { lat, lon })
    }

    /// Like [`Self::parse`], reporting both coordinates as field errors.
    pub fn parse_fields(lat: f64, lon: f64) -> Result<Self, FieldErrors> {
        GeoPoint::parse(lat, lon).map_err(|_| {
            // Probe each coordinate with a valid partner so both mistakes
            // are shown at once.
            let mut errors = FieldErrors::new();
            for probe in [GeoPoint::parse(lat, 0.0), GeoPoint::parse(0.0, lon)] {
                if let Err(error) = probe {
                    errors.add(error.field(), error.to_string());
                }
            }
            errors
        })
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Longitude in degrees.
    pub fn lon(self) -> f64 {
        self.lon
    }
}

impl fmt::Display for GeoPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.5}, {:.5}", self.lat, self.lon)
    }
}

/// Great-circle (haversine) distance in kilometres.
pub fn distance_km(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let d_lat = lat2 - lat1;
    let d_lon = (b.lon - a.lon).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
    // Rounding can push h a hair above 1 for near-antipodal points.
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// A place as typed on a form after the web layer has looked up its
/// coordinates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct PlaceInput {
    /// The place name people recognise, such as a town or an address.
    #[validate(length(
        min = 1,
        max = 120,
        message = "Enter the name of the place, using no more than 120 characters"
    ))]
    pub name: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

/// A named place with coordinates (a workplace or a release area).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PlaceInput", into = "PlaceInput")]
pub struct Place {
    name: String,
    point: GeoPoint,
}

impl Place {
    /// Checks the name (1 to 120 characters once trimmed) and coordinates.
    /// Errors use the input's field names: `name`, `lat`, `lon`.
    pub fn parse(input: &PlaceInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = input.name.trim();
        check_name(
            &mut errors,
            name,
            "Enter the name of the place, using no more than 120 characters",
        );
        let point = GeoPoint::parse_fields(input.lat, input.lon);
        if let Err(point_errors) = &point {
            errors.absorb("", point_errors.clone());
        }
        match point {
            Ok(point) if errors.is_empty() => Ok(Self {
                name: name.to_owned(),
                point,
            }),
            _ => Err(errors),
        }
    }

    /// The place name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The coordinates.
    pub fn point(&self) -> GeoPoint {
        self.point
    }

    /// The input that parses back to this place.
    pub fn to_input(&self) -> PlaceInput {
        PlaceInput {
            name: self.name.clone(),
            lat: self.point.lat,
            lon: self.point.lon,
        }
    }
}

impl TryFrom<PlaceInput> for Place {
    type Error = FieldErrors;

    fn try_from(input: PlaceInput) -> Result<Self, Self::Error> {
        Place::parse(&input)
    }
}

impl From<Place> for PlaceInput {
    fn from(place: Place) -> Self {
        place.to_input()
    }
}

/// Largest exclusion zone radius accepted; licence zones cover a town or a
/// county at most, so anything bigger is a typing mistake.
pub const MAX_ZONE_RADIUS_KM: f64 = 500.0;

/// An exclusion zone as typed on a form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct ExclusionZoneInput {
    /// What the licence calls the zone.
    #[validate(length(
        min = 1,
        max = 120,
        message = "Enter a name for the zone, using no more than 120 characters"
    ))]
    pub name: String,
    /// Latitude of the centre in degrees.
    pub lat: f64,
    /// Longitude of the centre in degrees.
    pub lon: f64,
    /// Radius in kilometres.
    #[validate(range(
        exclusive_min = 0.0,
        max = 500.0,
        message = "Enter a radius more than 0 and no more than 500 km"
    ))]
    pub radius_km: f64,
    /// The last day the zone applies; none when it lasts as long as the
    /// licence (see `domain::licence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_on: Option<chrono::NaiveDate>,
}

/// A licence condition: an area (circle) the person must not enter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ExclusionZoneInput", into = "ExclusionZoneInput")]
pub struct ExclusionZone {
    name: String,
    centre: GeoPoint,
    radius_km: f64,
    ends_on: Option<chrono::NaiveDate>,
}

impl ExclusionZone {
    /// Checks the name, centre and radius (more than 0, at most
    /// [`MAX_ZONE_RADIUS_KM`]). Errors use the input's field names.
    pub fn parse(input: &ExclusionZoneInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = input.name.trim();
        check_name(
            &mut errors,
            name,
            "Enter a name for the zone, using no more than 120 characters",
        );
        let radius_ok = input.radius_km.is_finite()
            && input.radius_km > 0.0
            && input.radius_km <= MAX_ZONE_RADIUS_KM;
        if !radius_ok {
            errors.add(
                "radius_km",
                "Enter a radius more than 0 and no more than 500 km",
            );
        }
        let centre = GeoPoint::parse_fields(input.lat, input.lon);
        if let Err(point_errors) = &centre {
            errors.absorb("", point_errors.clone());
        }
        match centre {
            Ok(centre) if errors.is_empty() => Ok(Self {
                name: name.to_owned(),
                centre,
                radius_km: input.radius_km,
                ends_on: input.ends_on,
            }),
            _ => Err(errors),
        }
    }

    /// What the licence calls the zone.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The centre of the zone.
    pub fn centre(&self) -> GeoPoint {
        self.centre
    }

    /// The radius in kilometres.
    pub fn radius_km(&self) -> f64 {
        self.radius_km
    }

    /// Whether the point is inside the zone; a point on the edge (within
    /// [`EDGE_TOLERANCE_KM`]) counts as inside, because a licence condition
    /// must be respected rather than argued about by the metre.
    pub fn contains(&self, point: GeoPoint) -> bool {
        distance_km(self.centre, point) <= self.radius_km + EDGE_TOLERANCE_KM
    }

    /// The input that parses back to this zone.
    pub fn to_input(&self) -> ExclusionZoneInput {
        ExclusionZoneInput {
            name: self.name.clone(),
            lat: self.centre.lat,
            lon: self.centre.lon,
            radius_km: self.radius_km,
            ends_on: self.ends_on,
        }
    }

    /// The zone's own last day, if it ends before the licence does (the
    /// end date is checked with the rest of the licence).
    pub fn ends_on(&self) -> Option<chrono::NaiveDate> {
        self.ends_on
    }
}

impl TryFrom<ExclusionZoneInput> for ExclusionZone {
    type Error = FieldErrors;

    fn try_from(input: ExclusionZoneInput) -> Result<Self, Self::Error> {
        ExclusionZone::parse(&input)
    }
}

impl From<ExclusionZone> for ExclusionZoneInput {
    fn from(zone: ExclusionZone) -> Self {
        zone.to_input()
    }
}

fn check_name(errors: &mut FieldErrors, name: &str, message: &str) {
    let length = name.chars().count();
    if length == 0 || length > 120 {
        errors.add("name", message);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn point(lat: f64, lon: f64) -> GeoPoint {
        GeoPoint::parse(lat, lon).unwrap()
    }

    /// The point `km` from `start` on the given bearing (degrees), by the
    /// standard spherical destination formula.
    pub(crate) fn destination(start: GeoPoint, bearing_deg: f64, km: f64) -> GeoPoint {
        let delta = km / EARTH_RADIUS_KM;
        let theta = bearing_deg.to_radians();
        let lat1 = start.lat().to_radians();
        let lon1 = start.lon().to_radians();
        let lat2 = (lat1.sin() * delta.cos() + lat1.cos() * delta.sin() * theta.cos()).asin();
        let lon2 = lon1
            + (theta.sin() * delta.sin() * lat1.cos()).atan2(delta.cos() - lat1.sin() * lat2.sin());
        point(lat2.to_degrees(), lon2.to_degrees())
    }

    fn zone(radius_km: f64) -> ExclusionZone {
        ExclusionZone::parse(&ExclusionZoneInput {
            name: "Leeds city centre".into(),
            lat: 53.7997,
            lon: -1.5492,
            radius_km,
            ends_on: None,
        })
        .unwrap()
    }

    #[test]
    fn parse_accepts_the_full_range() {
        for (lat, lon) in [(90.0, 180.0), (-90.0, -180.0), (0.0, 0.0)] {
            assert!(GeoPoint::parse(lat, lon).is_ok());
        }
    }

    #[test]
    fn parse_refuses_out_of_range_and_non_finite() {
        assert_eq!(GeoPoint::parse(90.01, 0.0), Err(GeoError::Latitude));
        assert_eq!(GeoPoint::parse(f64::NAN, 0.0), Err(GeoError::Latitude));
        assert_eq!(GeoPoint::parse(0.0, -180.5), Err(GeoError::Longitude));
        assert_eq!(
            GeoPoint::parse(0.0, f64::INFINITY),
            Err(GeoError::Longitude)
        );
        let errors = GeoPoint::parse_fields(f64::NAN, 200.0).unwrap_err();
        assert_eq!(
            errors.first("lat"),
            Some("Enter a latitude between -90 and 90")
        );
        assert_eq!(
            errors.first("lon"),
            Some("Enter a longitude between -180 and 180")
        );
    }

    #[test]
    fn deserializing_a_point_validates_it() {
        let ok: GeoPoint = serde_json::from_str(r#"{"lat":51.5,"lon":-0.1}"#).unwrap();
        assert_eq!((ok.lat(), ok.lon()), (51.5, -0.1));
        assert!(serde_json::from_str::<GeoPoint>(r#"{"lat":91,"lon":0}"#).is_err());
    }

    #[test]
    fn haversine_distances() {
        let london = point(51.5074, -0.1278);
        let paris = point(48.8566, 2.3522);
        let d = distance_km(london, paris);
        assert!((d - 343.5).abs() < 1.0, "{d}");
        assert_eq!(distance_km(london, london), 0.0);
        assert!((distance_km(paris, london) - d).abs() < 1e-9);
        let antipode = distance_km(point(0.0, 0.0), point(0.0, 180.0));
        assert!((antipode - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 1e-6);
    }

    #[test]
    fn destination_helper_is_accurate() {
        let start = point(53.8, -1.55);
        for bearing in [0.0, 45.0, 137.0, 270.0] {
            let d = distance_km(start, destination(start, bearing, 12.5));
            assert!((d - 12.5).abs() < 1e-6, "{bearing}: {d}");
        }
    }

    #[test]
    fn zone_contains_inside_and_edge_but_not_beyond() {
        let zone = zone(5.0);
        assert!(zone.contains(zone.centre()));
        assert!(zone.contains(destination(zone.centre(), 90.0, 4.9)));
        for bearing in [0.0, 90.0, 180.0, 270.0, 33.0] {
            let edge = destination(zone.centre(), bearing, 5.0);
            assert!(zone.contains(edge), "edge on bearing {bearing}");
        }
        assert!(zone.contains(destination(zone.centre(), 0.0, 5.0005)));
        assert!(!zone.contains(destination(zone.centre(), 0.0, 5.002)));
        assert!(!zone.contains(destination(zone.centre(), 0.0, 6.0)));
    }

    #[test]
    fn place_parse_trims_and_reports_fields() {
        let place = Place::parse(&PlaceInput {
            name: "  Wakefield ".into(),
            lat: 53.68,
            lon: -1.49,
        })
        .unwrap();
        assert_eq!(place.name(), "Wakefield");
        assert_eq!(place.point().lat(), 53.68);
        assert_eq!(Place::parse(&place.to_input()).unwrap(), place);

        let errors = Place::parse(&PlaceInput {
            name: "   ".into(),
            lat: 100.0,
            lon: 0.0,
        })
        .unwrap_err();
        assert!(errors.has("name"));
        assert!(errors.has("lat"));
        assert!(!errors.has("lon"));
    }

    #[test]
    fn place_serde_round_trip_is_validated() {
        let place = Place::parse(&PlaceInput {
            name: "Hull".into(),
            lat: 53.74,
            lon: -0.33,
        })
        .unwrap();
        let json = serde_json::to_string(&place).unwrap();
        assert_eq!(json, r#"{"name":"Hull","lat":53.74,"lon":-0.33}"#);
        assert_eq!(serde_json::from_str::<Place>(&json).unwrap(), place);
        assert!(serde_json::from_str::<Place>(r#"{"name":"","lat":0,"lon":0}"#).is_err());
    }

    #[test]
    fn zone_parse_checks_radius_and_name() {
        for radius in [0.0, -1.0, 500.5, f64::NAN] {
            let errors = ExclusionZone::parse(&ExclusionZoneInput {
                name: "Zone".into(),
                lat: 0.0,
                lon: 0.0,
                radius_km: radius,
                ends_on: None,
            })
            .unwrap_err();
            assert!(errors.has("radius_km"), "{radius}");
        }
        let zone = zone(500.0);
        assert_eq!(zone.radius_km(), 500.0);
        assert_eq!(zone.name(), "Leeds city centre");
        assert_eq!(ExclusionZone::parse(&zone.to_input()).unwrap(), zone);
        let json = serde_json::to_string(&zone).unwrap();
        assert_eq!(serde_json::from_str::<ExclusionZone>(&json).unwrap(), zone);
    }

    #[test]
    fn validator_attributes_match_parse_messages() {
        let input = ExclusionZoneInput {
            name: String::new(),
            lat: 0.0,
            lon: 0.0,
            radius_km: 0.0,
            ends_on: None,
        };
        let from_validator = FieldErrors::from(input.validate().unwrap_err());
        let from_parse = ExclusionZone::parse(&input).unwrap_err();
        for field in ["name", "radius_km"] {
            assert_eq!(
                from_validator.first(field),
                from_parse.first(field),
                "{field}"
            );
        }
        assert!(GeoError::Latitude.to_string().contains("latitude"));
    }
}
