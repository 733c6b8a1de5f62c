//! The clustered models of every level of a categorical domain at once: one
//! pass over the participants for the cell-fitted models of all the levels,
//! and one per row-fitted model ([`cr2_levels`]); the results are those of
//! [`Models::add_tests`] with each level's 0/1 values.

use super::{CELLS_MAX, Fitted, Model, Models, Terms};
use crate::results::TestRow;
use crate::stats::robust::{cr2_levels, level_code};
use crate::warning::Warning;

impl Models<'_> {
    /// [`Self::add_tests`] for every level of a categorical domain at once
    /// (`tests[l]`: level l's tests), from the domain's level codes `values`:
    /// one pass over the participants for the cell-fitted models of every
    /// level, and one per row-fitted model for every level
    /// ([`cr2_levels`]). The results are those of `add_tests` with each
    /// level's 0/1 values.
    pub(in crate::analysis) fn add_level_tests(
        &self,
        values: [&[f64]; 2],
        tests: &mut [&mut Vec<TestRow>],
        notes: &mut Vec<Warning>,
    ) {
        let levels = tests.len();
        let raw = |i: u32, w: usize| values[w][i as usize];
        let level_value = |l: usize| {
            move |i: u32, w: usize| {
                let v = values[w][i as usize];
                if v.is_nan() {
                    v
                } else {
                    f64::from(u8::from(v == l as f64))
                }
            }
        };
        let models = self.models();
        let cell_models: Vec<usize> = (0..models.len())
            .filter(|&j| self.by_cells(&models[j].1))
            .collect();
        let room = 2 * cell_models.len() * (levels + 1);
        if levels == 0 || self.cluster_bound().saturating_mul(room) > CELLS_MAX {
            for (l, t) in tests.iter_mut().enumerate() {
                self.add_tests(level_value(l), t, notes);
            }
            return;
        }
        let mut fits: Vec<Vec<Fitted>> = vec![models.iter().map(|_| None).collect(); levels];
        let mut counted: Vec<Option<usize>> = models.iter().map(|_| None).collect();
        if !cell_models.is_empty() {
            let list: Vec<&Model<'_>> = cell_models.iter().map(|&j| &models[j].1).collect();
            let cells = self.level_cells(&list, &raw, levels);
            let width = levels + 1;
            for (l, level_fits) in fits.iter_mut().enumerate() {
                let out = self.fit_cells(&list, |j, c| {
                    let cell = &cells[j][c * width..(c + 1) * width];
                    (cell[0], cell[1 + l])
                });
                for (&j, f) in cell_models.iter().zip(out) {
                    level_fits[j] = Some(f);
                }
            }
            for (&j, c) in cell_models.iter().zip(&cells) {
                if models[j].1.per == 1 {
                    counted[j] = Some(c.iter().step_by(width).map(|&n| n as usize).sum());
                }
            }
        }
        // Row-fitted models: all levels in one pass, but for the paired change
        // (its outcome, a difference of two indicators, is no level's code).
        for (j, (_, m)) in models.iter().enumerate() {
            if fits[0][j].is_some() || matches!(m.terms, Terms::ChangePaired) {
                continue;
            }
            let column = matches!(m.terms, Terms::DidPaired).then_some(2);
            let p = m.terms.width() + self.ncov(m);
            let out = cr2_levels(
                m.candidates(),
                p,
                column,
                levels,
                self.cluster_bound(),
                |r, buf| self.pick(m, &raw, r, buf),
            );
            for (level_fits, f) in fits.iter_mut().zip(out) {
                level_fits[j] = Some(f);
            }
        }
        for (l, (t, mut f)) in tests.iter_mut().zip(fits).enumerate() {
            let value = level_value(l);
            self.fit_rows(&models, &value, &mut f);
            self.place(&models, f, counted.clone(), &value, t, notes);
        }
    }

    /// [`Self::cells`] for every level of a categorical domain at once, from
    /// its level codes `raw`: per model, per cell, the rows then each level's
    /// sum of y (`levels` + 1 numbers a cell). A row is in a cell for every
    /// level or for none (its code known or not), and its y for level l is an
    /// indicator of its code (the paired change: the difference of two).
    fn level_cells(
        &self,
        list: &[&Model<'_>],
        raw: &impl Fn(u32, usize) -> f64,
        levels: usize,
    ) -> Vec<Vec<f64>> {
        let width = levels + 1;
        let bound = self.cluster_bound();
        let mut cells = vec![vec![0.0; bound * 2 * width]; list.len()];
        let level = |v: f64| level_code(v, levels).checked_add(1);
        self.for_cells(list, raw, |j, c, y, v| {
            let Some(cell) = cells[j].get_mut(c * width..(c + 1) * width) else {
                return;
            };
            cell[0] += 1.0;
            if let Terms::ChangePaired = list[j].terms {
                if let Some(l) = level(v[1]) {
                    cell[l] += 1.0;
                }
                if let Some(l) = level(v[0]) {
                    cell[l] -= 1.0;
                }
            } else if let Some(l) = level(y) {
                cell[l] += 1.0;
            }
        });
        cells
    }
}
