//! Text in the embedded DejaVu Sans, measured and rasterised glyph by glyph.
//!
//! plotters' own text path (its `ab_glyph` font backend, 0.3.7) draws each glyph's
//! ink at the pen position, dropping the glyph's left side bearing, and truncates
//! the pen position to a whole pixel. The gap between two letters then depends on
//! the first letter's bearings instead of the pair's, so "Centros" reads
//! "Cen tros" ("n" has a wide left bearing, "t" a narrow one). Here each glyph is
//! placed at its pen position plus kerning, at fractional pixels, and ab_glyph
//! rasterises its outline where it really is (bearings included, with sub-pixel
//! coverage). Measuring uses the same advances and kerning, so a laid-out box is
//! the box drawn.

use ab_glyph::{Font, FontRef, Glyph, PxScale, ScaleFont, point};
use std::sync::OnceLock;

/// plotters' size convention, kept so that every chart keeps its layout: a font
/// of `size` em is scaled so that its ascent − descent spans 1.24 × size pixels.
pub const PLOTTERS_SIZE: f64 = 1.24;

/// DejaVu Sans, regular or bold (None only if the bundled file were unreadable).
pub fn face(bold: bool) -> Option<&'static FontRef<'static>> {
    static REGULAR: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    static BOLD: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    let (cell, bytes): (_, fn() -> &'static [u8]) = if bold {
        (&BOLD, dejavu::sans::bold)
    } else {
        (&REGULAR, dejavu::sans::regular)
    };
    cell.get_or_init(|| FontRef::try_from_slice(bytes()).ok())
        .as_ref()
}

/// The glyphs of `text` at `size` em (pixels), pen from x = 0 on the baseline
/// y = 0, kerned, at fractional positions; and the advance width of the whole.
pub fn layout(text: &str, size: f64, bold: bool) -> Option<(Vec<Glyph>, f64)> {
    let font = face(bold)?;
    let scale = PxScale::from((size * PLOTTERS_SIZE) as f32);
    let scaled = font.as_scaled(scale);
    let mut glyphs = Vec::with_capacity(text.len());
    let mut x = 0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            x += scaled.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(scale, point(x, 0.0)));
        x += scaled.h_advance(id);
        prev = Some(id);
    }
    Some((glyphs, f64::from(x)))
}

/// The advance width of `text` at `size` em, kerning included.
pub fn width(text: &str, size: f64, bold: bool) -> Option<f64> {
    layout(text, size, bold).map(|(_, w)| w)
}

/// The coverage (0–1] of every pixel inked by `text` drawn with its pen starting
/// at `x` on the baseline `y` (pixels): `(px, py, coverage)`.
pub fn raster(text: &str, size: f64, bold: bool, x: f64, y: f64) -> Vec<(i32, i32, f32)> {
    let (Some(font), Some((glyphs, _))) = (face(bold), layout(text, size, bold)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for mut g in glyphs {
        g.position = point(g.position.x + x as f32, g.position.y + y as f32);
        if let Some(o) = font.outline_glyph(g) {
            let b = o.px_bounds();
            let (bx, by) = (b.min.x as i32, b.min.y as i32);
            o.draw(|gx, gy, c| {
                if c > 0.0 {
                    out.push((bx + gx as i32, by + gy as i32, c.min(1.0)));
                }
            });
        }
    }
    out
}
