//! Horizontal bar charts drawn on the server as inline SVG: no script, a
//! title and description for screen readers, a hatched fill and a direct
//! value label on every bar so a black-and-white print still reads.

use std::fmt::Write;

/// One bar: its label, its length (None when the figure is suppressed) and
/// the text written beside it.
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub text: String,
}

// Drawn at about the width it is shown at beside its table, so the text
// stays the size of the page's own small print.
const WIDTH: f64 = 420.0;
const LABEL_WIDTH: f64 = 170.0;
const VALUE_SPACE: f64 = 90.0;
const ROW: f64 = 30.0;
const BAR: f64 = 20.0;
const TOP: f64 = 8.0;

/// Escapes text for SVG content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut short: String = label.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}

/// An SVG bar chart. `id` must be unique on the page; `max` fixes the scale
/// (100 for percentages), otherwise the largest shown value fills the width.
pub fn bars(id: &str, title: &str, bars: &[Bar], max: Option<f64>) -> String {
    let largest =
        max.unwrap_or_else(|| bars.iter().filter_map(|b| b.value).fold(0.0_f64, f64::max));
    let scale = WIDTH - LABEL_WIDTH - VALUE_SPACE;
    let height = TOP * 2.0 + ROW * bars.len().max(1) as f64;
    let description = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect::<Vec<_>>()
        .join("; ");
    let id = escape(id);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">"#
    );
    let _ = write!(
        svg,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(if description.is_empty() {
            "No figures"
        } else {
            &description
        })
    );
    // Diagonal hatching over the fill: bars stay distinct from the
    // background when printed without colour.
    let _ = write!(
        svg,
        r##"<defs><pattern id="{id}-hatch" patternUnits="userSpaceOnUse" width="8" height="8"><rect width="8" height="8" fill="#1d70b8"/><path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#ffffff" stroke-width="1.5"/></pattern></defs>"##
    );
    let _ = write!(
        svg,
        r##"<line x1="{LABEL_WIDTH}" y1="{TOP}" x2="{LABEL_WIDTH}" y2="{}" stroke="#0b0c0c" stroke-width="1"/>"##,
        height - TOP
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let middle = y + ROW / 2.0 + 5.0;
        let label = escape(&bar.label);
        let _ = write!(svg, r#"<g aria-label="{label}: {}">"#, escape(&bar.text));
        let _ = write!(
            svg,
            r##"<text x="{}" y="{middle}" text-anchor="end" font-size="13" fill="#0b0c0c">{}</text>"##,
            LABEL_WIDTH - 8.0,
            escape(&shorten(&bar.label, 22))
        );
        let length = match (bar.value, largest > 0.0) {
            (Some(v), true) => (v / largest * scale).clamp(0.0, scale),
            _ => 0.0,
        };
        if bar.value.is_some() && length > 0.0 {
            let _ = write!(
                svg,
                r##"<rect x="{LABEL_WIDTH}" y="{}" width="{length:.1}" height="{BAR}" fill="url(#{id}-hatch)" stroke="#0b0c0c" stroke-width="1"/>"##,
                y + (ROW - BAR) / 2.0
            );
        }
        let style = if bar.value.is_some() {
            ""
        } else {
            r#" font-style="italic""#
        };
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{middle}" font-size="13" font-weight="bold" fill="#0b0c0c"{style}>{}</text></g>"##,
            LABEL_WIDTH + length + 6.0,
            escape(&bar.text)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_every_bar_is_labelled() {
        let svg = bars(
            "c1",
            "Applications <by> employer",
            &[
                Bar {
                    label: "Smith & Sons \"Ltd\"".into(),
                    value: Some(10.0),
                    text: "10".into(),
                },
                Bar {
                    label: "Other".into(),
                    value: None,
                    text: "fewer than 5".into(),
                },
            ],
            None,
        );
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"c1-title\">Applications &lt;by&gt; employer</title>"));
        assert!(svg.contains("Smith &amp; Sons &quot;Ltd&quot;"));
        assert!(!svg.contains("<by>"));
        assert_eq!(
            svg.matches("<rect x=").count(),
            1,
            "no bar for a suppressed figure"
        );
        assert!(svg.contains(">fewer than 5</text>"));
        assert!(svg.contains("<desc id=\"c1-desc\">"));
    }
}
