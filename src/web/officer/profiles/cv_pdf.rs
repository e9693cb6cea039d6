//! The CV as a one-page A4 PDF, for the officer to print and hand over on
//! release day. Written with pdf-writer in the standard Helvetica fonts
//! (every PDF reader has them, so nothing is embedded and the file stays a
//! few kilobytes). The text is laid out here: lines are broken by the
//! fonts' widths, and a CV that would not fit is set smaller, then cut
//! with a note, so it is always exactly one page.

use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::web::terminal::seeker::CvLines;

/// A4 in points.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN_X: f32 = 56.0;
const MARGIN_TOP: f32 = 60.0;
const MARGIN_BOTTOM: f32 = 56.0;
const TITLE_SIZE: f32 = 20.0;
const HEADING_SIZE: f32 = 12.0;
/// Body text starts at this size and is set smaller, down to the least,
/// until the CV fits.
const BODY_SIZES: [f32; 6] = [10.5, 10.0, 9.5, 9.0, 8.5, 8.0];
const BULLET_INDENT: f32 = 12.0;
const SHORTENED: &str = "(Shortened to fit on one page.)";

/// Widths of the Helvetica glyphs for the printable ASCII characters
/// (space to tilde), in thousandths of the font size.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 to 9
    278, 278, 584, 584, 584, 556, 1015, // : to @
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
    611, 722, 667, 944, 667, 667, 611, // A to Z
    278, 278, 278, 469, 556, 333, // [ to `
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
    278, 556, 500, 722, 500, 500, 500, // a to z
    334, 260, 334, 584, // { to ~
];

/// Bold glyphs are a little wider; headings are measured with this margin.
const BOLD_FACTOR: f32 = 1.08;

/// A character in the fonts' WinAnsi encoding: Latin-1 as it is, typographic
/// quotes, dashes, bullet, ellipsis and euro by their codes, Welsh w and y
/// with a circumflex as plain letters, anything else as '?'.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        'ŵ' => b'w',
        'Ŵ' => b'W',
        'ŷ' => b'y',
        'Ŷ' => b'Y',
        '\t' => b' ',
        _ => b'?',
    }
}

/// The width of one encoded character in thousandths of the font size.
fn glyph_width(b: u8) -> u16 {
    match b {
        0x20..=0x7e => HELVETICA[(b - 0x20) as usize],
        0x85 | 0x97 | 0x80 => 1000,
        0x91 | 0x92 => 222,
        0x93 | 0x94 => 333,
        0x95 => 350,
        0x96 => 556,
        0xc0..=0xdf => 722,
        // Other Latin-1 letters and signs: as wide as most lower-case.
        _ => 556,
    }
}

fn encode(text: &str) -> Vec<u8> {
    text.chars().map(win_ansi).collect()
}

fn width(text: &[u8], size: f32) -> f32 {
    text.iter().map(|b| f32::from(glyph_width(*b))).sum::<f32>() * size / 1000.0
}

/// Breaks encoded text into lines no wider than `max` at `size`, at spaces
/// where it can, inside a word longer than a line where it must.
fn wrap(text: &[u8], size: f32, max: f32) -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in text.split(|b| *b == b' ').filter(|w| !w.is_empty()) {
        let mut word = word.to_vec();
        loop {
            let candidate_width = if line.is_empty() {
                width(&word, size)
            } else {
                width(&line, size) + width(b" ", size) + width(&word, size)
            };
            if candidate_width <= max {
                if !line.is_empty() {
                    line.push(b' ');
                }
                line.extend_from_slice(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word wider than the whole line: as much as fits.
            let mut cut = word.len();
            while cut > 1 && width(&word[..cut], size) > max {
                cut -= 1;
            }
            lines.push(word[..cut].to_vec());
            word = word[cut..].to_vec();
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// One thing to draw, top to bottom.
#[derive(Clone, Debug)]
enum Block {
    Heading(String),
    Paragraph(String),
    Bullet(String),
}

fn blocks(lines: &CvLines) -> Vec<Block> {
    let mut out = Vec::new();
    let paragraphs = |text: &str, out: &mut Vec<Block>| {
        for p in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
            out.push(Block::Paragraph(p.to_string()));
        }
    };
    if !lines.about_me.trim().is_empty() {
        out.push(Block::Heading("About me".into()));
        paragraphs(&lines.about_me, &mut out);
    }
    if !lines.strengths.trim().is_empty() {
        out.push(Block::Heading("What I am good at".into()));
        paragraphs(&lines.strengths, &mut out);
    }
    for (title, items) in [
        ("Skills", &lines.skills),
        ("Cards and certificates", &lines.certificates),
        ("Work history", &lines.work),
    ] {
        if !items.is_empty() {
            out.push(Block::Heading(title.into()));
            out.extend(items.iter().map(|i| Block::Bullet(i.clone())));
        }
    }
    if let Some(answer) = &lines.references {
        out.push(Block::Heading("References".into()));
        let note = lines.references_note.trim();
        out.push(Block::Paragraph(if note.is_empty() {
            answer.clone()
        } else {
            format!("{answer} {note}")
        }));
    }
    out
}

/// A line placed on the page.
struct Placed {
    bold: bool,
    size: f32,
    x: f32,
    /// Distance of the baseline below the top margin.
    y: f32,
    text: Vec<u8>,
    bullet: bool,
}

/// Lays the blocks out at one body size: the lines, and the depth they
/// reach below the top margin.
fn lay_out(blocks: &[Block], size: f32) -> (Vec<Placed>, f32) {
    let text_width = PAGE_WIDTH - 2.0 * MARGIN_X;
    let leading = size * 1.35;
    let heading_leading = HEADING_SIZE * 1.3;
    let mut placed = Vec::new();
    let mut y = TITLE_SIZE * 1.6;
    for block in blocks {
        match block {
            Block::Heading(text) => {
                y += size * 0.9 + heading_leading;
                placed.push(Placed {
                    bold: true,
                    size: HEADING_SIZE,
                    x: MARGIN_X,
                    y,
                    text: encode(text),
                    bullet: false,
                });
                y += size * 0.25;
            }
            Block::Paragraph(text) | Block::Bullet(text) => {
                let bullet = matches!(block, Block::Bullet(_));
                let indent = if bullet { BULLET_INDENT } else { 0.0 };
                let lines = wrap(&encode(text), size, text_width - indent);
                for (i, line) in lines.into_iter().enumerate() {
                    y += leading;
                    placed.push(Placed {
                        bold: false,
                        size,
                        x: MARGIN_X + indent,
                        y,
                        text: line,
                        bullet: bullet && i == 0,
                    });
                }
                if !bullet {
                    y += size * 0.3;
                }
            }
        }
    }
    (placed, y)
}

/// The lines that fit on the page: at the largest body size that fits
/// everything, else at the least size cut short with a note.
fn fit(blocks: &[Block]) -> Vec<Placed> {
    let room = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
    for size in BODY_SIZES {
        let (placed, depth) = lay_out(blocks, size);
        if depth <= room {
            return placed;
        }
    }
    let size = BODY_SIZES[BODY_SIZES.len() - 1];
    let (mut placed, _) = lay_out(blocks, size);
    let note_room = room - size * 1.35 * 1.5;
    placed.retain(|p| p.y <= note_room);
    // A heading left with nothing under it goes too.
    while placed.last().is_some_and(|p| p.bold) {
        placed.pop();
    }
    let y = placed.last().map_or(TITLE_SIZE * 1.6, |p| p.y) + size * 1.35 * 1.5;
    placed.push(Placed {
        bold: false,
        size,
        x: MARGIN_X,
        y,
        text: encode(SHORTENED),
        bullet: false,
    });
    placed
}

/// The CV of `name` as a PDF of exactly one A4 page.
pub fn render(name: &str, lines: &CvLines) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let page = Ref::new(3);
    let regular = Ref::new(4);
    let bold = Ref::new(5);
    let contents = Ref::new(6);
    let info = Ref::new(7);
    let (f_regular, f_bold) = (Name(b"F1"), Name(b"F2"));

    let mut content = Content::new();
    let top = PAGE_HEIGHT - MARGIN_TOP;
    // The name, shrunk to fit one line, and a rule under it.
    let title = encode(name);
    let title_width = width(&title, TITLE_SIZE) * BOLD_FACTOR;
    let text_width = PAGE_WIDTH - 2.0 * MARGIN_X;
    let title_size = if title_width > text_width {
        (TITLE_SIZE * text_width / title_width).max(8.0)
    } else {
        TITLE_SIZE
    };
    content.begin_text();
    content.set_font(f_bold, title_size);
    content.next_line(MARGIN_X, top);
    content.show(Str(&title));
    content.end_text();
    content.set_line_width(0.8);
    content.set_stroke_gray(0.3);
    let rule_y = top - TITLE_SIZE * 0.6;
    content.move_to(MARGIN_X, rule_y);
    content.line_to(PAGE_WIDTH - MARGIN_X, rule_y);
    content.stroke();

    for line in fit(&blocks(lines)) {
        let y = top - line.y + TITLE_SIZE * 0.2;
        content.begin_text();
        let font = if line.bold { f_bold } else { f_regular };
        content.set_font(font, line.size);
        if line.bullet {
            content.next_line(line.x - BULLET_INDENT + 2.0, y);
            content.show(Str(&[0x95]));
            content.end_text();
            content.begin_text();
            content.set_font(font, line.size);
        }
        content.next_line(line.x, y);
        content.show(Str(&line.text));
        content.end_text();
    }

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    {
        let mut p = pdf.page(page);
        p.parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(contents);
        p.resources()
            .fonts()
            .pair(f_regular, regular)
            .pair(f_bold, bold);
    }
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.stream(contents, &content.finish());
    pdf.document_info(info)
        .title(TextStr(&format!("CV: {name}")));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> CvLines {
        CvLines {
            about_me: "I like to keep busy and learn new things. ".repeat(14),
            strengths: "On time every day.\nGood with people.".into(),
            skills: (0..n)
                .map(|i| format!("Skill number {i} (from work in prison)"))
                .collect(),
            certificates: vec!["Forklift licence, until 1 March 2029".into()],
            work: (0..n)
                .map(|i| format!("Warehouse operative {i}, Example Ltd, 2015 to 2019"))
                .collect(),
            references: Some("I can give references.".into()),
            references_note: "A workshop instructor.".into(),
        }
    }

    #[test]
    fn lines_are_broken_to_the_width() {
        let text = encode(&"word ".repeat(200));
        let wrapped = wrap(&text, 10.0, 300.0);
        assert!(wrapped.len() > 5);
        assert!(wrapped.iter().all(|l| width(l, 10.0) <= 300.0));
        let long = encode(&"x".repeat(400));
        assert!(wrap(&long, 10.0, 100.0)
            .iter()
            .all(|l| width(l, 10.0) <= 100.0));
    }

    #[test]
    fn a_long_cv_is_cut_with_a_note_and_stays_on_the_page() {
        let placed = fit(&blocks(&lines(80)));
        let room = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
        assert!(placed.iter().all(|p| p.y <= room));
        assert_eq!(placed.last().unwrap().text, encode(SHORTENED));
        let short = fit(&blocks(&lines(5)));
        assert!(short.iter().all(|p| p.text != encode(SHORTENED)));
        assert!(short.iter().all(|p| p.size == BODY_SIZES[0] || p.bold));
    }

    #[test]
    fn text_outside_the_fonts_is_replaced() {
        assert_eq!(
            encode("Dŵr – café “ok”"),
            b"Dwr \x96 caf\xe9 \x93ok\x94".to_vec()
        );
        assert_eq!(encode("日本"), b"??".to_vec());
    }
}
