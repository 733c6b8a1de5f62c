//! The look shared by every chart (Okabe–Ito palette, sizes, the embedded font) and the
//! scene: charts lay themselves out as shapes in logical pixels, measured with the
//! embedded font, and one painter draws a scene on any plotters backend at any scale.
//! Laying out first keeps text boxes inspectable, so tests can assert that no label
//! overlaps another or leaves the canvas.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::Once;

/// Logical width of every chart: about 105 mm at half an A4 page, so 15 px text
/// prints at about 7 pt.
pub const WIDTH: f64 = 640.0;
pub const MARGIN: f64 = 24.0;
pub const TITLE: f64 = 20.0;
pub const SUBTITLE: f64 = 14.0;
pub const BODY: f64 = 15.0;
pub const SMALL: f64 = 13.0;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Mix with white: `t` = 0 keeps the colour, 1 gives white.
    pub fn tint(self, t: f64) -> Rgb {
        let m = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * t).round() as u8;
        Rgb(m(self.0), m(self.1), m(self.2))
    }
    /// Relative luminance, to pick dark or light text on a fill.
    pub fn luminance(self) -> f64 {
        let l = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * l(self.0) + 0.7152 * l(self.1) + 0.0722 * l(self.2)
    }
    /// Text colour readable on this fill.
    pub fn on(self) -> Rgb {
        if self.luminance() > 0.35 {
            INK
        } else {
            WHITE_C
        }
    }
    fn plotters(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }
}

// Okabe & Ito (2008), "Color Universal Design".
pub const ORANGE: Rgb = Rgb(0xE6, 0x9F, 0x00);
pub const SKY_BLUE: Rgb = Rgb(0x56, 0xB4, 0xE9);
pub const BLUISH_GREEN: Rgb = Rgb(0x00, 0x9E, 0x73);
pub const YELLOW: Rgb = Rgb(0xF0, 0xE4, 0x42);
pub const BLUE: Rgb = Rgb(0x00, 0x72, 0xB2);
pub const VERMILLION: Rgb = Rgb(0xD5, 0x5E, 0x00);
pub const REDDISH_PURPLE: Rgb = Rgb(0xCC, 0x79, 0xA7);

pub const INK: Rgb = Rgb(0x22, 0x22, 0x22);
pub const MUTED: Rgb = Rgb(0x55, 0x55, 0x55);
pub const AXIS: Rgb = Rgb(0x88, 0x88, 0x88);
pub const GRID: Rgb = Rgb(0xE2, 0xE2, 0xE2);
pub const WHITE_C: Rgb = Rgb(0xFF, 0xFF, 0xFF);
/// Fill and lines of a withheld bar (`--min-cell`).
pub const HATCH_FILL: Rgb = Rgb(0xF4, 0xF4, 0xF4);
pub const HATCH: Rgb = Rgb(0xB0, 0xB0, 0xB0);

/// Program arm, control arm; "before" is the arm's colour lightened.
pub const PROGRAM: Rgb = BLUE;
pub const CONTROL: Rgb = ORANGE;
pub const BEFORE_TINT: f64 = 0.55;

/// Colours for the ordered levels of a categorical domain (first level = first colour).
pub fn level_colours(n: usize) -> Vec<Rgb> {
    let ramp = [
        VERMILLION,
        ORANGE,
        YELLOW,
        BLUISH_GREEN,
        SKY_BLUE,
        BLUE,
        REDDISH_PURPLE,
    ];
    match n {
        0 => vec![],
        1 => vec![BLUE],
        2 => vec![VERMILLION, BLUE],
        3 => vec![VERMILLION, YELLOW, BLUE],
        4 => vec![VERMILLION, YELLOW, SKY_BLUE, BLUE],
        5 => vec![VERMILLION, ORANGE, YELLOW, SKY_BLUE, BLUE],
        _ => (0..n)
            .map(|i| {
                let c = ramp[i % ramp.len()];
                // Past seven levels, repeat the ramp lighter.
                c.tint(0.45 * (i / ramp.len()) as f64)
            })
            .collect(),
    }
}

/// The font family the SVG names: DejaVu Sans, the font every chart is laid out
/// with, then Verdana (close metrics), then the viewer's sans-serif.
pub const SVG_FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

/// Register DejaVu Sans (regular and bold) under the family the SVG text names, for
/// plotters' text elements. No system font is needed.
pub fn ensure_fonts() {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        // The bundled fonts are valid TrueType files; a failure would only leave
        // text undrawn, so it is not worth a panic.
        let _ =
            plotters::style::register_font(SVG_FAMILY, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(SVG_FAMILY, FontStyle::Bold, dejavu::sans::bold());
    });
}

fn font(size: f64, bold: bool) -> FontDesc<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(
        FontFamily::Name(SVG_FAMILY),
        size * super::glyphs::PLOTTERS_SIZE,
        style,
    )
}

/// The width of `text` at `size` (em, logical px) in DejaVu Sans: advances and
/// kerning, as drawn (`glyphs`).
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    // Unmeasurable (font missing): a generous estimate.
    super::glyphs::width(text, size, bold).unwrap_or(text.chars().count() as f64 * size * 0.62)
}

/// The words of `text` for wrapping, with a comparison kept whole: "p = 0.04",
/// "p < 0.001" and "n ≥ 5" never break at their inner spaces.
fn unbreakable_words(text: &str) -> Vec<String> {
    let relation = |w: &str| matches!(w, "=" | "<" | ">" | "≤" | "≥" | "≠");
    let mut out: Vec<String> = Vec::new();
    let mut glue_next = false;
    for w in text.split_whitespace() {
        match out.last_mut() {
            Some(last) if glue_next || relation(w) => {
                last.push(' ');
                last.push_str(w);
            }
            _ => out.push(w.to_string()),
        }
        glue_next = relation(w);
    }
    out
}

/// Break `text` into lines no wider than `max`.
pub fn wrap(text: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in unbreakable_words(text) {
        let word = word.as_str();
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || text_width(&candidate, size, bold) <= max {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Shorten `text` with an ellipsis to fit `max`.
pub fn fit(text: &str, size: f64, bold: bool, max: f64) -> String {
    if text_width(text, size, bold) <= max {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    for n in (1..chars.len()).rev() {
        let s: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if text_width(&s, size, bold) <= max {
            return s;
        }
    }
    "…".to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One drawn thing, in logical pixels (y grows downwards).
#[derive(Debug, Clone)]
pub enum Shape {
    Rect {
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        fill: Rgb,
    },
    Line {
        points: Vec<(f64, f64)>,
        color: Rgb,
        width: f64,
    },
    Circle {
        x: f64,
        y: f64,
        r: f64,
        color: Rgb,
        filled: bool,
        width: f64,
    },
    /// Text whose vertical middle is at `y`.
    Text {
        x: f64,
        y: f64,
        text: String,
        size: f64,
        bold: bool,
        color: Rgb,
        align: Align,
    },
}

/// The box a text shape covers, for overlap and clipping checks.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub text: String,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl TextBox {
    pub fn overlaps(&self, o: &TextBox) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

/// A laid-out chart.
#[derive(Debug, Clone, Default)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    pub shapes: Vec<Shape>,
}

impl Scene {
    pub fn new(width: f64) -> Self {
        Scene {
            width,
            height: 0.0,
            shapes: Vec::new(),
        }
    }

    pub fn rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, fill: Rgb) {
        self.shapes.push(Shape::Rect {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
            fill,
        });
    }

    pub fn line(&mut self, points: Vec<(f64, f64)>, color: Rgb, width: f64) {
        self.shapes.push(Shape::Line {
            points,
            color,
            width,
        });
    }

    pub fn circle(&mut self, x: f64, y: f64, r: f64, color: Rgb, filled: bool) {
        self.shapes.push(Shape::Circle {
            x,
            y,
            r,
            color,
            filled,
            width: 2.0,
        });
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        x: f64,
        y: f64,
        text: impl Into<String>,
        size: f64,
        bold: bool,
        color: Rgb,
        align: Align,
    ) {
        self.shapes.push(Shape::Text {
            x,
            y,
            text: text.into(),
            size,
            bold,
            color,
            align,
        });
    }

    /// Text on a white patch, so grid lines behind it do not cross it.
    #[allow(clippy::too_many_arguments)]
    pub fn text_on_white(
        &mut self,
        x: f64,
        y: f64,
        text: impl Into<String>,
        size: f64,
        bold: bool,
        color: Rgb,
        align: Align,
    ) {
        let text = text.into();
        let w = text_width(&text, size, bold);
        let x0 = match align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        self.rect(
            x0 - 4.0,
            y - 0.62 * size,
            x0 + w + 4.0,
            y + 0.62 * size,
            WHITE_C,
        );
        self.text(x, y, text, size, bold, color, align);
    }

    /// A withheld bar (`--min-cell`): a pale box hatched with 45° lines, so that it
    /// reads as "no value shown" and not as a value.
    pub fn hatched(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: Rgb) {
        let (x0, x1) = (x0.min(x1), x0.max(x1));
        let (y0, y1) = (y0.min(y1), y0.max(y1));
        self.rect(x0, y0, x1, y1, HATCH_FILL);
        let step = 7.0;
        // Lines x − y = k, from the top-left corner to the bottom-right one.
        let mut k = x0 - y1 + step;
        while k < x1 - y0 {
            // Clip the line to the box.
            let (ax, ay) = if k + y0 >= x0 {
                (k + y0, y0)
            } else {
                (x0, x0 - k)
            };
            let (bx, by) = if k + y1 <= x1 {
                (k + y1, y1)
            } else {
                (x1, x1 - k)
            };
            self.line(vec![(ax, ay), (bx, by)], color, 1.0);
            k += step;
        }
        self.line(
            vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
            color,
            1.0,
        );
    }

    /// A horizontal CI whisker with end caps.
    pub fn hwhisker(&mut self, x0: f64, x1: f64, y: f64, cap: f64, color: Rgb) {
        self.line(vec![(x0, y), (x1, y)], color, 1.5);
        self.line(vec![(x0, y - cap), (x0, y + cap)], color, 1.5);
        self.line(vec![(x1, y - cap), (x1, y + cap)], color, 1.5);
    }

    /// A vertical CI whisker with end caps.
    pub fn vwhisker(&mut self, x: f64, y0: f64, y1: f64, cap: f64, color: Rgb) {
        self.line(vec![(x, y0), (x, y1)], color, 1.5);
        self.line(vec![(x - cap, y0), (x + cap, y0)], color, 1.5);
        self.line(vec![(x - cap, y1), (x + cap, y1)], color, 1.5);
    }

    /// Wrapped text from `y` (top of the first line); returns the y below it.
    #[allow(clippy::too_many_arguments)]
    pub fn paragraph(
        &mut self,
        x: f64,
        y: f64,
        text: &str,
        size: f64,
        bold: bool,
        color: Rgb,
        max: f64,
    ) -> f64 {
        let lh = line_height(size);
        let mut y = y;
        for l in wrap(text, size, bold, max) {
            self.text(x, y + lh / 2.0, l, size, bold, color, Align::Left);
            y += lh;
        }
        y
    }

    /// Every text's box (approximate: the font's advance width × 1.2 em).
    pub fn text_boxes(&self) -> Vec<TextBox> {
        self.shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text {
                    x,
                    y,
                    text,
                    size,
                    bold,
                    align,
                    ..
                } => {
                    let w = text_width(text, *size, *bold);
                    let x0 = match align {
                        Align::Left => *x,
                        Align::Center => x - w / 2.0,
                        Align::Right => x - w,
                    };
                    Some(TextBox {
                        text: text.clone(),
                        x0,
                        y0: y - 0.6 * size,
                        x1: x0 + w,
                        y1: y + 0.6 * size,
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// Pairs of texts that overlap, and texts that leave the canvas.
    pub fn layout_problems(&self) -> Vec<String> {
        let boxes = self.text_boxes();
        let mut out = Vec::new();
        for (i, a) in boxes.iter().enumerate() {
            if a.x0 < -0.5 || a.y0 < -0.5 || a.x1 > self.width + 0.5 || a.y1 > self.height + 0.5 {
                out.push(format!("clipped: {:?}", a.text));
            }
            for b in &boxes[i + 1..] {
                if a.overlaps(b) {
                    out.push(format!("overlap: {:?} and {:?}", a.text, b.text));
                }
            }
        }
        out
    }
}

pub fn line_height(size: f64) -> f64 {
    (size * 1.35).round()
}

/// The chart's heading: title and, when the spec has one, the evaluation's title.
/// Returns the y below it.
pub fn heading(scene: &mut Scene, title: &str, subtitle: Option<&str>) -> f64 {
    let max = scene.width - 2.0 * MARGIN;
    let mut y = scene.paragraph(MARGIN, MARGIN - 4.0, title, TITLE, true, INK, max);
    if let Some(s) = subtitle {
        y = scene.paragraph(MARGIN, y + 2.0, s, SUBTITLE, false, MUTED, max);
    }
    y + 10.0
}

/// A row of colour swatches with labels, wrapping as needed. Returns the y below it.
pub fn legend(scene: &mut Scene, y: f64, items: &[(String, Rgb)]) -> f64 {
    let sw = 14.0;
    let gap = 18.0;
    let lh = line_height(BODY) + 2.0;
    let mut x = MARGIN;
    let mut y = y;
    for (label, colour) in items {
        let w = sw + 6.0 + text_width(label, BODY, false);
        if x > MARGIN && x + w > scene.width - MARGIN {
            x = MARGIN;
            y += lh;
        }
        let mid = y + lh / 2.0;
        scene.rect(x, mid - sw / 2.0, x + sw, mid + sw / 2.0, *colour);
        scene.text(
            x + sw + 6.0,
            mid,
            label.clone(),
            BODY,
            false,
            INK,
            Align::Left,
        );
        x += w + gap;
    }
    y + lh + 6.0
}

/// A legend of named groups of swatches ("Program ■ before ■ after   Control ■ …"),
/// a group never split across lines. Returns the y below it.
pub fn legend_groups(scene: &mut Scene, y: f64, groups: &[(String, Vec<(String, Rgb)>)]) -> f64 {
    let sw = 14.0;
    let lh = line_height(BODY) + 2.0;
    let mut x = MARGIN;
    let mut y = y;
    for (name, items) in groups {
        let name_w = if name.is_empty() {
            0.0
        } else {
            text_width(name, BODY, true) + 10.0
        };
        let w = name_w
            + items
                .iter()
                .map(|(l, _)| sw + 5.0 + text_width(l, BODY, false) + 12.0)
                .sum::<f64>();
        if x > MARGIN && x + w > scene.width - MARGIN {
            x = MARGIN;
            y += lh;
        }
        let mid = y + lh / 2.0;
        if !name.is_empty() {
            scene.text(x, mid, name.clone(), BODY, true, INK, Align::Left);
        }
        x += name_w;
        for (label, colour) in items {
            scene.rect(x, mid - sw / 2.0, x + sw, mid + sw / 2.0, *colour);
            scene.text(
                x + sw + 5.0,
                mid,
                label.clone(),
                BODY,
                false,
                INK,
                Align::Left,
            );
            x += sw + 5.0 + text_width(label, BODY, false) + 12.0;
        }
        x += 16.0;
    }
    y + lh + 6.0
}

/// The caption under the chart (n, p-values, notes). Sets the scene's height.
pub fn caption(scene: &mut Scene, y: f64, lines: &[String]) {
    let max = scene.width - 2.0 * MARGIN;
    let mut y = y + 8.0;
    for l in lines.iter().filter(|l| !l.is_empty()) {
        y = scene.paragraph(MARGIN, y, l, SMALL, false, MUTED, max);
    }
    scene.height = (y + MARGIN - 6.0).ceil();
}

/// Round "nice" tick values covering [lo, hi].
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let start = (lo / step).floor() * step;
    let mut v = Vec::new();
    let mut t = start;
    while t <= hi + step * 0.999 {
        // Avoid -0 and float dust.
        let r = (t / step).round() * step;
        v.push(if r.abs() < step * 1e-9 { 0.0 } else { r });
        t += step;
        if v.len() > 50 {
            break;
        }
    }
    v
}

/// How text reaches the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextMode {
    /// `<text>` elements holding whole strings, for the viewer to set (SVG).
    Elements,
    /// Glyphs rasterised here, with their bearings and kerning (bitmaps).
    Glyphs,
}

/// Where a bitmap text's baseline sits below its vertical middle, in em: where the
/// SVG's `dy="0.5ex"` puts it in DejaVu Sans (x-height 0.547 em).
const BASELINE_DY: f64 = 0.26;

/// Paint a scene at `scale` (1 for SVG, 2 for PNG).
pub fn paint<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    scale: f64,
    text_mode: TextMode,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    ensure_fonts();
    let p = |x: f64, y: f64| ((x * scale).round() as i32, (y * scale).round() as i32);
    area.fill(&WHITE)?;
    for s in &scene.shapes {
        match s {
            Shape::Rect {
                x0,
                y0,
                x1,
                y1,
                fill,
            } => {
                area.draw(&Rectangle::new(
                    [p(*x0, *y0), p(*x1, *y1)],
                    fill.plotters().filled(),
                ))?;
            }
            Shape::Line {
                points,
                color,
                width,
            } => {
                let pts: Vec<(i32, i32)> = points.iter().map(|(x, y)| p(*x, *y)).collect();
                let w = (width * scale).round().max(1.0) as u32;
                area.draw(&PathElement::new(pts, color.plotters().stroke_width(w)))?;
            }
            Shape::Circle {
                x,
                y,
                r,
                color,
                filled,
                width,
            } => {
                let r = (r * scale).round() as i32;
                let style = if *filled {
                    color.plotters().filled()
                } else {
                    color
                        .plotters()
                        .stroke_width((width * scale).round().max(1.0) as u32)
                };
                if !filled {
                    // A hollow marker hides the line behind it.
                    area.draw(&Circle::new(p(*x, *y), r, WHITE.filled()))?;
                }
                area.draw(&Circle::new(p(*x, *y), r, style))?;
            }
            Shape::Text {
                x,
                y,
                text,
                size,
                bold,
                color,
                align,
            } => {
                if text_mode == TextMode::Glyphs {
                    draw_glyphs(
                        area,
                        *x,
                        *y,
                        text,
                        *size * scale,
                        *bold,
                        *color,
                        *align,
                        scale,
                    )?;
                    continue;
                }
                let h = match align {
                    Align::Left => HPos::Left,
                    Align::Center => HPos::Center,
                    Align::Right => HPos::Right,
                };
                let c = color.plotters();
                let style = TextStyle::from(font(size * scale, *bold))
                    .color(&c)
                    .pos(Pos::new(h, VPos::Center));
                area.draw(&Text::new(text.clone(), p(*x, *y), style))?;
            }
        }
    }
    Ok(())
}

/// Text as glyph coverage, blended into the bitmap pixel by pixel (`glyphs`): `x`,
/// `y` in logical pixels (aligned point, vertical middle), `px` the em in pixels.
#[allow(clippy::too_many_arguments)]
fn draw_glyphs<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x: f64,
    y: f64,
    text: &str,
    px: f64,
    bold: bool,
    color: Rgb,
    align: Align,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let w = super::glyphs::width(text, px, bold).unwrap_or(0.0);
    let x0 = x * scale
        - match align {
            Align::Left => 0.0,
            Align::Center => w / 2.0,
            Align::Right => w,
        };
    let baseline = y * scale + BASELINE_DY * px;
    let c = color.plotters();
    for (gx, gy, cov) in super::glyphs::raster(text, px, bold, x0, baseline) {
        area.draw_pixel((gx, gy), &c.mix(f64::from(cov)))?;
    }
    Ok(())
}
