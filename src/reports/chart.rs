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

/// Characters per line of a bar's label.
const LABEL_CHARS: usize = 22;
/// Height of one line of a label.
const LINE: f64 = 15.0;

/// Breaks a label into lines of at most `max` characters at spaces (a word
/// longer than a line is split), so that no label is cut short.
fn wrap(label: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in label.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let room = if used == 0 {
                max
            } else {
                max.saturating_sub(used + 1)
            };
            if word.len() <= room {
                if used > 0 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word longer than a whole line.
            let rest = word.split_off(max);
            lines.push(word.iter().collect());
            word = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Height of the row for a label of `lines` lines.
fn row_height(lines: usize) -> f64 {
    ROW.max(LINE * lines as f64 + 10.0)
}

/// An SVG bar chart. `id` must be unique on the page; `max` fixes the scale
/// (100 for percentages), otherwise the largest shown value fills the width.
pub fn bars(id: &str, title: &str, bars: &[Bar], max: Option<f64>) -> String {
    let largest =
        max.unwrap_or_else(|| bars.iter().filter_map(|b| b.value).fold(0.0_f64, f64::max));
    let wrapped: Vec<Vec<String>> = bars.iter().map(|b| wrap(&b.label, LABEL_CHARS)).collect();
    let rows: f64 = if bars.is_empty() {
        ROW
    } else {
        wrapped.iter().map(|l| row_height(l.len())).sum()
    };
    let height = TOP * 2.0 + rows;
    let id = escape(id);
    let mut svg = String::new();
    write_frame(&mut svg, &id, title, bars, height);
    let mut y = TOP;
    for (bar, lines) in bars.iter().zip(&wrapped) {
        y += write_bar(&mut svg, &id, bar, lines, y, largest);
    }
    svg.push_str("</svg>");
    svg
}

/// The opening of the chart: its title and description (every bar's label
/// and text), the hatch pattern and the axis.
fn write_frame(svg: &mut String, id: &str, title: &str, bars: &[Bar], height: f64) {
    let description = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect::<Vec<_>>()
        .join("; ");
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
}

/// One bar's row from `y` down: its wrapped label, the bar (scaled so that
/// `largest` fills the width) and its text. Returns the row's height.
fn write_bar(svg: &mut String, id: &str, bar: &Bar, lines: &[String], y: f64, largest: f64) -> f64 {
    let scale = WIDTH - LABEL_WIDTH - VALUE_SPACE;
    let row = row_height(lines.len());
    let middle = y + row / 2.0 + 5.0;
    let label = escape(&bar.label);
    let _ = write!(svg, r#"<g aria-label="{label}: {}">"#, escape(&bar.text));
    // The label's lines, centred on the bar, ending at the axis.
    let first = middle - LINE * (lines.len() as f64 - 1.0) / 2.0;
    let _ = write!(
        svg,
        r##"<text x="{x}" y="{first}" text-anchor="end" font-size="13" fill="#0b0c0c">"##,
        x = LABEL_WIDTH - 8.0,
    );
    for (n, line) in lines.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<tspan x="{x}" dy="{dy}">{}</tspan>"#,
            escape(line),
            x = LABEL_WIDTH - 8.0,
            dy = if n == 0 { 0.0 } else { LINE },
        );
    }
    svg.push_str("</text>");
    let length = match (bar.value, largest > 0.0) {
        (Some(v), true) => (v / largest * scale).clamp(0.0, scale),
        _ => 0.0,
    };
    if bar.value.is_some() && length > 0.0 {
        let _ = write!(
            svg,
            r##"<rect x="{LABEL_WIDTH}" y="{}" width="{length:.1}" height="{BAR}" fill="url(#{id}-hatch)" stroke="#0b0c0c" stroke-width="1"/>"##,
            y + (row - BAR) / 2.0
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
    row
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

    #[test]
    fn long_labels_wrap_onto_lines_and_are_never_cut() {
        assert_eq!(
            wrap("Grounds, gardening and landscaping", 22),
            vec!["Grounds, gardening and", "landscaping"]
        );
        assert_eq!(wrap("Retail", 22), vec!["Retail"]);
        assert_eq!(
            wrap("Abcdefghijklmnopqrstuvwxyz", 10),
            vec!["Abcdefghij", "klmnopqrst", "uvwxyz"]
        );
        assert_eq!(wrap("", 22), vec![""]);
        let svg = bars(
            "c2",
            "By sector",
            &[Bar {
                label: "Grounds, gardening and landscaping".into(),
                value: Some(12.0),
                text: "12".into(),
            }],
            None,
        );
        assert!(svg.contains(">Grounds, gardening and</tspan>"));
        assert!(svg.contains(">landscaping</tspan>"));
        assert!(!svg.contains('…'), "no label is shortened");
    }
}
