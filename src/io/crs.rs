//! Coordinate reference systems of imported files, and reprojection to EPSG:4326.
//!
//! Pure Rust (proj4rs, with proj4wkt for WKT and crs-definitions for EPSG codes), so the
//! planner needs no PROJ installation and works offline. WKT from a Shapefile `.prj` (often
//! ESRI's dialect, without authority codes) or from `gpkg_spatial_ref_sys` is used as written;
//! an EPSG authority code, when the WKT has one at its top level, is preferred.

use geo_types::Coord;
use proj4rs::Proj;

/// Why a CRS cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CrsError {
    /// The CRS could not be understood.
    #[error("unknown or unsupported coordinate reference system ({detail}): {definition}")]
    Unknown {
        /// The definition as given (WKT, EPSG code, URN).
        definition: String,
        /// What the parser said.
        detail: String,
    },
    /// A point could not be reprojected.
    #[error("coordinate ({x}, {y}) could not be reprojected from {crs} ({detail})")]
    Transform {
        /// The source CRS label.
        crs: String,
        /// The x found.
        x: f64,
        /// The y found.
        y: f64,
        /// What proj4rs said.
        detail: String,
    },
}

/// The CRS of a source file, able to bring its coordinates to EPSG:4326.
#[derive(Debug)]
pub struct Crs {
    label: String,
    /// `None` when the source already is longitude/latitude on WGS 84.
    transform: Option<(Proj, Proj)>,
}

impl Crs {
    /// EPSG:4326 (and OGC CRS84): coordinates are used as they are.
    #[must_use]
    pub fn wgs84() -> Self {
        Self {
            label: "EPSG:4326".to_owned(),
            transform: None,
        }
    }

    /// A CRS from its EPSG code.
    pub fn from_epsg(code: i64) -> Result<Self, CrsError> {
        if code == 4326 {
            return Ok(Self::wgs84());
        }
        let unknown = |detail: String| CrsError::Unknown {
            definition: format!("EPSG:{code}"),
            detail,
        };
        let short = u16::try_from(code).map_err(|_| unknown("not in the EPSG table".to_owned()))?;
        let source = Proj::from_epsg_code(short).map_err(|e| unknown(e.to_string()))?;
        Self::with_source(format!("EPSG:{code}"), source)
    }

    /// A CRS from OGC WKT (version 1, ESRI's dialect, or 2).
    pub fn from_wkt(wkt: &str) -> Result<Self, CrsError> {
        let wkt = wkt.trim();
        if let Some(code) = top_level_epsg(wkt)
            && let Ok(crs) = Self::from_epsg(code)
        {
            return Ok(crs);
        }
        let unknown = |detail: String| CrsError::Unknown {
            definition: shorten(wkt),
            detail,
        };
        // The WKT parser recurses per bracket: a hostile `.prj` of thousands would overflow
        // the stack. Real definitions nest about six deep.
        let depth = wkt_depth(wkt);
        if depth > MAX_WKT_DEPTH {
            return Err(unknown(format!(
                "brackets nested {depth} deep; a coordinate system nests at most {MAX_WKT_DEPTH}"
            )));
        }
        let projstring = proj4wkt::wkt_to_projstring(wkt).map_err(|e| unknown(e.to_string()))?;
        let source = Proj::from_proj_string(&projstring).map_err(|e| unknown(e.to_string()))?;
        let label = wkt_name(wkt).unwrap_or_else(|| projstring.clone());
        Self::with_source(label, source)
    }

    /// A CRS named the way GeoJSON files did before RFC 7946 (`"crs": {"properties": {"name":
    /// "urn:ogc:def:crs:EPSG::2154"}}`), or as `EPSG:2154`.
    pub fn from_name(name: &str) -> Result<Self, CrsError> {
        let n = name.trim();
        let upper = n.to_ascii_uppercase();
        if upper.ends_with("CRS84") || upper.ends_with("CRS:84") {
            return Ok(Self::wgs84());
        }
        let code = upper
            .rsplit([':', '/'])
            .find(|s| !s.is_empty())
            .and_then(|s| s.parse::<i64>().ok());
        match code {
            Some(code) if upper.contains("EPSG") => Self::from_epsg(code),
            _ => Err(CrsError::Unknown {
                definition: n.to_owned(),
                detail: "expected an EPSG code or CRS84".to_owned(),
            }),
        }
    }

    fn with_source(label: String, source: Proj) -> Result<Self, CrsError> {
        let target =
            Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs").map_err(|e| {
                CrsError::Unknown {
                    definition: "EPSG:4326".to_owned(),
                    detail: e.to_string(),
                }
            })?;
        Ok(Self {
            label,
            transform: Some((source, target)),
        })
    }

    /// A short human name: `EPSG:2154`, or the WKT's own name.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Whether coordinates are already longitude/latitude on WGS 84.
    #[must_use]
    pub fn is_wgs84(&self) -> bool {
        self.transform.is_none()
    }

    /// Reprojects `coords` to EPSG:4326 longitude/latitude degrees, in place.
    pub fn to_wgs84(&self, coords: &mut [Coord<f64>]) -> Result<(), CrsError> {
        let Some((source, target)) = &self.transform else {
            return Ok(());
        };
        let angular_in = source.is_latlong();
        for c in coords.iter_mut() {
            let (x, y) = if angular_in {
                (c.x.to_radians(), c.y.to_radians())
            } else {
                (c.x, c.y)
            };
            let mut point = (x, y, 0.0);
            proj4rs::transform::transform(source, target, &mut point).map_err(|e| {
                CrsError::Transform {
                    crs: self.label.clone(),
                    x: c.x,
                    y: c.y,
                    detail: e.to_string(),
                }
            })?;
            c.x = point.0.to_degrees();
            c.y = point.1.to_degrees();
        }
        Ok(())
    }
}

/// The EPSG code in a WKT's top-level `AUTHORITY["EPSG","…"]` (WKT1) or `ID["EPSG",…]` (WKT2).
fn top_level_epsg(wkt: &str) -> Option<i64> {
    let body = wkt.strip_suffix(']')?.trim_end();
    let tail_start = body.rfind("AUTHORITY[").or_else(|| body.rfind("ID["))?;
    let tail = &body[tail_start..];
    // Only the authority that closes the whole WKT is the CRS's own.
    if !tail.trim_end().ends_with(']') || tail[..tail.len() - 1].contains(']') {
        return None;
    }
    let inner = tail.split_once('[')?.1.trim_end_matches(']');
    let mut parts = inner.split(',').map(|p| p.trim().trim_matches('"'));
    if !parts.next()?.eq_ignore_ascii_case("EPSG") {
        return None;
    }
    parts.next()?.parse().ok()
}

/// The deepest nesting of WKT brackets (`[` or `(`) allowed.
const MAX_WKT_DEPTH: usize = 32;

/// How deep the brackets of a WKT nest, quoted names aside.
fn wkt_depth(wkt: &str) -> usize {
    let (mut depth, mut deepest, mut quoted) = (0_usize, 0, false);
    for c in wkt.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' | '(' if !quoted => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ']' | ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The name of a WKT CRS: the first quoted string.
fn wkt_name(wkt: &str) -> Option<String> {
    let start = wkt.find('"')? + 1;
    let len = wkt[start..].find('"')?;
    Some(wkt[start..start + len].to_owned())
}

/// A definition as an error quotes it: at most 120 characters, on one line, with what is not
/// printable (a binary `.prj`) shown as `�` rather than sent to the terminal.
fn shorten(s: &str) -> String {
    let printable = |c: char| {
        if c.is_control() {
            if c.is_whitespace() { ' ' } else { '\u{FFFD}' }
        } else {
            c
        }
    };
    let mut out: String = s.chars().take(120).map(printable).collect();
    if s.chars().count() > 120 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn lambert_93_in_esri_wkt_reprojects_paris() {
        let wkt = r#"PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;
        let crs = Crs::from_wkt(wkt).unwrap();
        // Near Notre-Dame de Paris; the reference is PROJ 9.1:
        // `echo 652469 6861681 | cs2cs -f %.6f EPSG:2154 EPSG:4326` → 48.853414 2.352239.
        let mut c = [Coord {
            x: 652_469.0,
            y: 6_861_681.0,
        }];
        crs.to_wgs84(&mut c).unwrap();
        assert!(
            close(c[0].x, 2.352_239, 1e-6) && close(c[0].y, 48.853_414, 1e-6),
            "{:?}",
            c[0]
        );
    }

    #[test]
    fn an_epsg_authority_at_the_top_level_is_preferred() {
        let wkt = r#"PROJCS["WGS 84 / UTM zone 18N",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],AUTHORITY["EPSG","32618"]]"#;
        assert_eq!(top_level_epsg(wkt), Some(32_618));
        assert_eq!(Crs::from_wkt(wkt).unwrap().label(), "EPSG:32618");
    }

    #[test]
    fn an_inner_authority_is_not_taken_for_the_crs() {
        let wkt = r#"PROJCS["x",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"]]"#;
        assert_eq!(top_level_epsg(wkt), None);
    }

    #[test]
    fn geojson_crs_names_are_understood() {
        assert!(
            Crs::from_name("urn:ogc:def:crs:OGC:1.3:CRS84")
                .unwrap()
                .is_wgs84()
        );
        assert!(
            Crs::from_name("urn:ogc:def:crs:EPSG::4326")
                .unwrap()
                .is_wgs84()
        );
        assert_eq!(Crs::from_name("EPSG:2154").unwrap().label(), "EPSG:2154");
        assert!(Crs::from_name("urn:x:nonsense").is_err());
    }

    #[test]
    fn a_wkt_nested_thousands_deep_is_refused_not_a_stack_overflow() {
        let err = Crs::from_wkt(&"GEOGCS[".repeat(100_000))
            .unwrap_err()
            .to_string();
        assert!(err.contains("nested 100000 deep"), "{err}");
        assert_eq!(
            wkt_depth(r#"GEOGCS["a[(b",DATUM["D",SPHEROID["S",1,2]]]"#),
            3
        );
    }

    #[test]
    fn an_unknown_wkt_is_refused_with_its_text() {
        let err = Crs::from_wkt("PROJCS[\"Mystery\",PROJECTION[\"Nope\"]]").unwrap_err();
        assert!(err.to_string().contains("Mystery"), "{err}");
    }
}
