//! Command-line definitions.

use clap::{Parser, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    /// The descriptive rows (n, mean or proportion, CI by arm and wave) as CSV.
    CsvSummary,
    Markdown,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    En,
    Es,
}

/// Program-evaluation statistics: intervention vs control, before vs after, every
/// domain, with the right test, effect sizes and confidence intervals.
#[derive(Debug, Parser)]
#[command(name = "evaluate", version, about, long_about = None)]
pub struct Cli {
    /// Data files (CSV, TSV, `;`-separated; UTF-8 or Windows-1252; Excel/OpenDocument;
    /// SPSS .sav/.zsav; Stata .dta). `-` reads stdin.
    /// Several files are stacked; a file without an arm column takes its name as arm.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Write the output to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write charts (PNG at 2× and SVG: overview, effects, one per domain) into DIR.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,

    /// Write the report (findings, charts, tables, methods) to FILE: a self-contained
    /// HTML page, or a Word document when FILE ends in .docx.
    #[arg(long, value_name = "FILE.html|FILE.docx")]
    pub report: Option<PathBuf>,

    /// Confidence level of every interval.
    #[arg(long, default_value_t = 0.95, value_parser = parse_conf, value_name = "LEVEL")]
    pub conf_level: f64,

    /// Multiple-comparison adjustment across domains: holm, bh, bonferroni, none.
    #[arg(long, default_value = "holm", value_parser = ["holm", "bh", "bonferroni", "none"])]
    pub adjust: String,

    /// Participant id column (default: id, participant, participant_id, child_id, folio).
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// Arm column (default: group, arm, grupo, condition).
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,
    /// Wave column (default: wave, time, phase, period, round, momento, evaluacion).
    #[arg(long, value_name = "COL")]
    pub wave: Option<String>,
    /// The arm label meaning intervention.
    #[arg(long, value_name = "LABEL")]
    pub intervention: Option<String>,
    /// The arm label meaning control.
    #[arg(long, value_name = "LABEL")]
    pub control: Option<String>,
    /// The wave label meaning before (with --post, other waves are dropped).
    #[arg(long, value_name = "LABEL")]
    pub pre: Option<String>,
    /// The wave label meaning after.
    #[arg(long, value_name = "LABEL")]
    pub post: Option<String>,
    /// Columns that are not domains (comma-separated; repeatable).
    #[arg(long, value_delimiter = ',', value_name = "COL,...")]
    pub ignore: Vec<String>,
    /// Repeat the analysis within each value of COL (strata), plus pooled.
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
    /// The column of the clusters children are grouped in (centre, school,
    /// community); default: cluster, cluster_id, centre, center, centro, school,
    /// escuela, comunidad, community. `none` turns the recognition off.
    #[arg(long, value_name = "COL")]
    pub cluster: Option<String>,
    /// Outcomes where lower is better (anxiety, drop-out): findings call a fall an
    /// improvement. Without it (or the spec's higher_is_better) findings say only
    /// higher or lower.
    #[arg(long, value_delimiter = ',', value_name = "COL,...")]
    pub lower_is_better: Vec<String>,
    /// Baseline characteristics to adjust for (comma-separated; repeatable).
    #[arg(long, value_delimiter = ',', value_name = "COL,...")]
    pub covariates: Vec<String>,
    /// The sheet of an Excel/OpenDocument workbook to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Spec file (TOML): title, labels, domain names, pass thresholds, level order.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<String>,
    /// Language of the human-readable output, its warnings and errors (default: the
    /// spec's lang, else en).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Withhold every count or percentage resting on fewer than N children (and
    /// whatever would give one back), in every output. Off by default; 5 is usual
    /// for data on children. See docs/suppression.md.
    #[arg(long, value_name = "N", value_parser = parse_min_cell)]
    pub min_cell: Option<usize>,
    /// Plan the next round: per continuous and binary domain, the minimum detectable
    /// effect now and the children to enrol per arm to confirm the effect observed.
    #[arg(long)]
    pub power: bool,
    /// The power the next round should have (with --power).
    #[arg(long, default_value_t = 0.8, value_parser = parse_power, value_name = "POWER", requires = "power")]
    pub target_power: f64,
    /// No warnings and no progress bar on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

fn parse_conf(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("\"{s}\" is not a number; use e.g. 0.95"))?;
    if v > 0.0 && v < 1.0 {
        Ok(v)
    } else {
        Err(format!("{s} is not between 0 and 1; use e.g. 0.95 or 0.99"))
    }
}

fn parse_power(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v < 1.0 => Ok(v),
        Ok(_) => Err(format!("{s} is not between 0 and 1; use e.g. 0.8 or 0.9")),
        Err(_) => Err(format!("\"{s}\" is not a number; use e.g. 0.8")),
    }
}

fn parse_min_cell(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "\"{s}\" is not a whole number of children of 1 or more; use e.g. 5"
        )),
    }
}
