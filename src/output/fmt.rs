//! Number formatting for human-readable views, in English or Spanish
//! (Spanish: decimal comma, `58,3 %`, thousands separated by a thin space).

/// The language of human-readable output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    pub fn from_code(code: &str) -> Lang {
        if code == "es" { Lang::Es } else { Lang::En }
    }
}

/// Decimals for means of a domain whose spread is `sd`: about three significant digits.
pub fn decimals_for(sd: Option<f64>) -> usize {
    match sd {
        Some(s) if s > 0.0 => (2.0 - s.log10().floor()).clamp(0.0, 4.0) as usize,
        _ => 2,
    }
}

/// Formats numbers for one language.
#[derive(Debug, Clone, Copy)]
pub struct Fmt {
    pub lang: Lang,
}

pub const DASH: &str = "–";

impl Fmt {
    pub fn new(lang: Lang) -> Self {
        Fmt { lang }
    }

    fn localise(&self, s: String) -> String {
        match self.lang {
            Lang::En => s,
            Lang::Es => s.replace('.', ","),
        }
    }

    pub fn number(&self, x: Option<f64>, decimals: usize) -> String {
        let Some(v) = x else {
            return DASH.to_string();
        };
        let s = format!("{v:.decimals$}");
        // "-0.0" reads as a sign error.
        let s = if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s[1..].to_string()
        } else {
            s
        };
        self.localise(s)
    }

    pub fn signed(&self, x: Option<f64>, decimals: usize) -> String {
        let s = self.number(x, decimals);
        if x.is_none() || s.starts_with('-') || s.chars().all(|c| matches!(c, '0' | '.' | ',')) {
            s
        } else {
            format!("+{s}")
        }
    }

    /// A proportion as a percentage: 0.4709 → "47.1%" (es: "47,1 %").
    pub fn percent(&self, p: Option<f64>) -> String {
        match p {
            Some(v) => match self.lang {
                Lang::En => format!("{}%", self.number(Some(v * 100.0), 1)),
                Lang::Es => format!("{} %", self.number(Some(v * 100.0), 1)),
            },
            None => DASH.to_string(),
        }
    }

    /// A difference in proportions in percentage points: 0.112 → "+11.2 pp".
    pub fn points(&self, d: Option<f64>) -> String {
        match d {
            Some(v) => format!("{} pp", self.signed(Some(v * 100.0), 1)),
            None => DASH.to_string(),
        }
    }

    /// "[42.3, 51.9]" (es: "[42,3; 51,9]"), empty when undefined.
    pub fn interval(
        &self,
        lo: Option<f64>,
        hi: Option<f64>,
        scale: f64,
        decimals: usize,
    ) -> String {
        match (lo, hi) {
            (Some(a), Some(b)) => {
                let sep = if self.lang == Lang::Es { "; " } else { ", " };
                format!(
                    "[{}{sep}{}]",
                    self.number(Some(a * scale), decimals),
                    self.number(Some(b * scale), decimals)
                )
            }
            _ => String::new(),
        }
    }

    /// A p-value for people: "p < 0.001", "p = 0.042", "p = 0.71".
    pub fn p_value(&self, p: Option<f64>) -> String {
        match p {
            None => format!("p {DASH}"),
            Some(v) if v < 0.001 => format!("p < {}", self.number(Some(0.001), 3)),
            Some(v) if v < 0.1 => format!("p = {}", self.number(Some(v), 3)),
            Some(v) => format!("p = {}", self.number(Some(v), 2)),
        }
    }

    /// A count with thousands separators: 12345 → "12,345" (es: "12 345").
    pub fn count(&self, n: usize) -> String {
        let s = n.to_string();
        let sep = if self.lang == Lang::Es {
            '\u{202f}'
        } else {
            ','
        };
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english() {
        let f = Fmt::new(Lang::En);
        assert_eq!(f.percent(Some(0.4709)), "47.1%");
        assert_eq!(f.points(Some(0.112)), "+11.2 pp");
        assert_eq!(f.points(Some(-0.0001)), "0.0 pp");
        assert_eq!(f.p_value(Some(0.0004)), "p < 0.001");
        assert_eq!(f.p_value(Some(0.04199)), "p = 0.042");
        assert_eq!(f.p_value(Some(0.7123)), "p = 0.71");
        assert_eq!(f.p_value(None), "p –");
        assert_eq!(f.count(1860), "1,860");
        assert_eq!(f.count(999), "999");
        assert_eq!(
            f.interval(Some(0.423), Some(0.519), 100.0, 1),
            "[42.3, 51.9]"
        );
        assert_eq!(f.signed(Some(-0.0), 1), "0.0");
        assert_eq!(f.signed(Some(-1.25), 1), "-1.2");
        assert_eq!(decimals_for(Some(15.0)), 1);
        assert_eq!(decimals_for(Some(1.7)), 2);
    }

    #[test]
    fn spanish_decimal_comma() {
        let f = Fmt::new(Lang::Es);
        assert_eq!(f.percent(Some(0.583)), "58,3 %");
        assert_eq!(f.points(Some(0.31)), "+31,0 pp");
        assert_eq!(f.interval(Some(0.25), Some(0.37), 100.0, 1), "[25,0; 37,0]");
        assert_eq!(f.p_value(Some(0.0004)), "p < 0,001");
        assert_eq!(f.count(1860), "1\u{202f}860");
    }
}
