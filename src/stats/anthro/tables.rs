//! The eight WHO LMS tables (`data/who/`, PROVENANCE.md there): embedded,
//! parsed once, and read by whole day, month or tenth of a cm, with WHO's
//! interpolation between two rows.

use std::sync::OnceLock;

use super::Sex;

/// L, M, S rows of one table for both sexes, indexed from `start` by whole
/// days, months, or tenths of a cm.
#[derive(Debug, Default)]
pub(super) struct Table {
    start: i64,
    rows: [Vec<[f64; 3]>; 2],
}

impl Table {
    fn parse(text: &str, tenths: bool) -> Table {
        let mut t = Table {
            start: i64::MAX,
            rows: [Vec::new(), Vec::new()],
        };
        let mut entries: Vec<(usize, i64, [f64; 3])> = Vec::new();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 5 {
                continue;
            }
            let num = |i: usize| f[i].parse::<f64>().ok();
            let (Some(sex), Some(x), Some(l), Some(m), Some(s)) =
                (num(0), num(1), num(2), num(3), num(4))
            else {
                continue;
            };
            let key = if tenths {
                (x * 10.0).round() as i64
            } else {
                x as i64
            };
            let sex = if sex == 1.0 { 0 } else { 1 };
            t.start = t.start.min(key);
            entries.push((sex, key, [l, m, s]));
        }
        for (sex, key, lms) in entries {
            let i = (key - t.start) as usize;
            let v = &mut t.rows[sex];
            if v.len() <= i {
                v.resize(i + 1, [f64::NAN; 3]);
            }
            v[i] = lms;
        }
        t
    }

    pub(super) fn get(&self, sex: Sex, key: i64) -> Option<[f64; 3]> {
        let v = &self.rows[sex as usize];
        let i = usize::try_from(key.checked_sub(self.start)?).ok()?;
        v.get(i)
            .copied()
            .filter(|r| r.iter().all(|x| x.is_finite()))
    }

    /// Rows `key` and, when `diff > 0`, `upper`, interpolated as WHO does:
    /// `a + diff · (b − a)`.
    pub(super) fn interpolated(
        &self,
        sex: Sex,
        key: i64,
        upper: i64,
        diff: f64,
    ) -> Option<[f64; 3]> {
        let lo = self.get(sex, key)?;
        if diff > 0.0 {
            let up = self.get(sex, upper)?;
            Some([0, 1, 2].map(|i| lo[i] + diff * (up[i] - lo[i])))
        } else {
            Some(lo)
        }
    }
}

/// The embedded files, by name (also read by the checksum test).
pub(crate) const FILES: [(&str, &str); 8] = [
    (
        "weianthro.txt",
        include_str!("../../../data/who/weianthro.txt"),
    ),
    (
        "lenanthro.txt",
        include_str!("../../../data/who/lenanthro.txt"),
    ),
    (
        "bmianthro.txt",
        include_str!("../../../data/who/bmianthro.txt"),
    ),
    (
        "wflanthro.txt",
        include_str!("../../../data/who/wflanthro.txt"),
    ),
    (
        "wfhanthro.txt",
        include_str!("../../../data/who/wfhanthro.txt"),
    ),
    (
        "hfawho2007.txt",
        include_str!("../../../data/who/hfawho2007.txt"),
    ),
    (
        "wfawho2007.txt",
        include_str!("../../../data/who/wfawho2007.txt"),
    ),
    (
        "bfawho2007.txt",
        include_str!("../../../data/who/bfawho2007.txt"),
    ),
];

pub(super) struct Tables {
    pub(super) wei: Table,
    pub(super) len: Table,
    pub(super) bmi: Table,
    pub(super) wfl: Table,
    pub(super) wfh: Table,
    pub(super) hfa7: Table,
    pub(super) wfa7: Table,
    pub(super) bfa7: Table,
}

pub(super) fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let p = |i: usize| Table::parse(FILES[i].1, i == 3 || i == 4);
        Tables {
            wei: p(0),
            len: p(1),
            bmi: p(2),
            wfl: p(3),
            wfh: p(4),
            hfa7: p(5),
            wfa7: p(6),
            bfa7: p(7),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_complete() {
        let t = tables();
        for sex in [Sex::Male, Sex::Female] {
            for (tab, lo, hi) in [
                (&t.wei, 0, 1826),
                (&t.len, 0, 1826),
                (&t.bmi, 0, 1826),
                (&t.wfl, 450, 1100),
                (&t.wfh, 650, 1200),
                (&t.hfa7, 60, 229),
                (&t.wfa7, 60, 121),
                (&t.bfa7, 60, 229),
            ] {
                assert_eq!(tab.start, lo);
                assert_eq!(tab.rows[sex as usize].len() as i64, hi - lo + 1);
                assert!((lo..=hi).all(|k| tab.get(sex, k).is_some()));
            }
        }
        assert_eq!(
            t.wfl.get(Sex::Female, 803),
            Some([-0.3833, 10.1503, 0.08936])
        );
        assert_eq!(t.wfl.get(Sex::Female, 1101), None);
        assert_eq!(t.wei.get(Sex::Male, -1), None);
    }

    /// MD5 (RFC 1321), enough to check the embedded tables against MD5SUMS.
    fn md5(data: &[u8]) -> String {
        const S: [u32; 64] = [
            7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20,
            5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
            6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
        ];
        let k: Vec<u32> = (0..64)
            .map(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32)
            .collect();
        let mut h: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
        let mut msg = data.to_vec();
        msg.push(0x80);
        while msg.len() % 64 != 56 {
            msg.push(0);
        }
        msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_le_bytes());
        for chunk in msg.chunks(64) {
            let w: Vec<u32> = chunk
                .chunks(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            let [mut a, mut b, mut c, mut d] = h;
            for i in 0..64 {
                let (f, g) = match i / 16 {
                    0 => ((b & c) | (!b & d), i),
                    1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                    2 => (b ^ c ^ d, (3 * i + 5) % 16),
                    _ => (c ^ (b | !d), (7 * i) % 16),
                };
                let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(w[g]);
                a = d;
                d = c;
                c = b;
                b = b.wrapping_add(f.rotate_left(S[i]));
            }
            for (x, y) in h.iter_mut().zip([a, b, c, d]) {
                *x = x.wrapping_add(y);
            }
        }
        h.iter()
            .flat_map(|x| x.to_le_bytes())
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn embedded_tables_match_md5sums() {
        assert_eq!(md5(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        let sums = include_str!("../../../data/who/MD5SUMS");
        let mut checked = 0;
        for line in sums.lines() {
            let mut it = line.split_whitespace();
            let (Some(sum), Some(name)) = (it.next(), it.next()) else {
                continue;
            };
            let (_, text) = FILES
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap_or_else(|| panic!("{name} in MD5SUMS is not embedded"));
            assert_eq!(md5(text.as_bytes()), sum, "{name}");
            checked += 1;
        }
        assert_eq!(checked, FILES.len());
    }
}
