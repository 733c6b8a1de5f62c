//! One run of the command: read, build the cohort, analyse, render, write.

use crate::analysis::{Settings, analyse};
use crate::cli::{Cli, Format, Lang};
use crate::cohort::{Options, build_with_progress};
use crate::error::UserError;
use crate::input::{read::read_path, spec::read_spec};
use crate::output;
use crate::progress::Progress;
use crate::results::Report;
use crate::stats::adjust::Adjust;
use std::io::Write;

/// Read the inputs and compute the report.
pub fn report(cli: &Cli) -> anyhow::Result<Report> {
    if cli.files.iter().filter(|f| f.as_str() == "-").count() > 1 {
        return Err(UserError::new("stdin (-) can be read only once")
            .es("la entrada estándar (-) solo se puede leer una vez", None)
            .into());
    }
    let spec = match &cli.spec {
        Some(p) => Some(read_spec(p)?),
        None => None,
    };
    // Errors from here on speak the spec's language unless --lang said otherwise.
    if cli.lang.is_none()
        && let Some(l) = spec.as_ref().and_then(|s| s.lang.as_deref())
    {
        crate::error::set_lang(l);
    }
    let mut tables = cli
        .files
        .iter()
        .map(|f| read_path(f, cli.sheet.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    let opts = Options {
        id: cli.id.clone(),
        group: cli.group.clone(),
        wave: cli.wave.clone(),
        intervention: cli.intervention.clone(),
        control: cli.control.clone(),
        pre: cli.pre.clone(),
        post: cli.post.clone(),
        ignore: cli
            .ignore
            .iter()
            .chain(spec.iter().flat_map(|s| &s.ignore))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        by: cli.by.clone(),
        cluster: cli.cluster.clone(),
        lower_is_better: cli
            .lower_is_better
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        covariates: cli
            .covariates
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    };
    let t0 = std::time::Instant::now();
    let mut progress = Progress::new(tables.iter().map(|t| t.size).sum(), cli.quiet);
    let cohort = build_with_progress(&mut tables, &opts, spec.as_ref(), &mut |done| {
        progress.update(done)
    });
    let cohort = match cohort {
        Ok(c) => c,
        Err(e) => {
            progress.finish();
            return Err(e.into());
        }
    };
    progress.analysing();
    crate::timing::report(|| format!("read and pair {:.3} s", t0.elapsed().as_secs_f64()));
    let adjust: Adjust = cli.adjust.parse().map_err(|_| {
        UserError::new(format!("unknown --adjust {}", cli.adjust))
            .es(format!("--adjust {} desconocido", cli.adjust), None)
    })?;
    let lang = match cli.lang {
        Some(Lang::Es) => "es".to_string(),
        Some(Lang::En) => "en".to_string(),
        None => cohort.lang.clone().unwrap_or_else(|| "en".into()),
    };
    let t1 = std::time::Instant::now();
    let mut report = analyse(
        &cohort,
        Settings {
            conf_level: cli.conf_level,
            adjust,
        },
        &lang,
    );
    crate::units::attach(&mut report, spec.as_ref());
    progress.finish();
    crate::timing::report(|| format!("analyse {:.3} s", t1.elapsed().as_secs_f64()));
    if cli.power {
        let (rows, warnings) = crate::planning::plan_next_round(&cohort, &report, cli.target_power);
        report.warnings.extend(warnings);
        report.power = Some(rows);
    }
    // Small-cell suppression on the one results model, before any renderer.
    if let Some(n) = cli.min_cell {
        crate::privacy::suppress(&mut report, n);
    }
    // The JSON's `text`: each warning in the report's language.
    for w in &mut report.warnings {
        w.localise(&lang);
    }
    Ok(report)
}

/// Render in the chosen format.
pub fn render(report: &Report, format: Format) -> anyhow::Result<String> {
    match format {
        Format::Table => {
            let findings = output::findings::render_text(&output::readable::readable(report));
            let table = output::table::render(report);
            Ok(if findings.is_empty() {
                table
            } else {
                format!("{table}\n{findings}")
            })
        }
        Format::Json => output::findings::render_json(report),
        Format::Csv => output::csv::render(report),
        Format::CsvSummary => output::csv::render_summary(report),
        Format::Markdown => Ok(output::markdown::render(report)),
        Format::Html => output::html::render(report),
    }
}

/// The whole command.
pub fn run(cli: &Cli) -> anyhow::Result<()> {
    // Errors speak --lang as soon as it is known (docs/warnings.md, "Errors").
    if let Some(l) = cli.lang {
        crate::error::set_lang(if l == Lang::Es { "es" } else { "en" });
    }
    if let Some(out) = &cli.output {
        output::write::check_not_input(out, &cli.files)?;
    }
    if let Some(out) = &cli.report {
        output::write::check_not_input(out, &cli.files)?;
    }
    let report = report(cli)?;
    if let Some(dir) = &cli.charts {
        crate::charts::write_all(&report, dir, &cli.files)?;
        // A chart not drawn is told, with why (issue 21), never silently missing.
        if !cli.quiet {
            for note in crate::charts::notices::not_drawn(&report) {
                eprintln!("{note}");
            }
        }
    }
    if let Some(out) = &cli.report {
        // `--report FILE.docx` writes the Word report, any other name the HTML one.
        let is_docx = out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("docx"));
        let bytes = if is_docx {
            output::docx::render(&report)?
        } else {
            output::html::render(&report)?.into_bytes()
        };
        output::write::write_atomic(out, &bytes, &cli.files)?;
    }
    let text = render(&report, cli.format)?;
    if !cli.quiet && cli.format != Format::Table {
        let lang = &report.settings.lang;
        let prefix = output::i18n::words(output::fmt::Lang::from_code(lang)).w_prefix;
        for l in output::warnings::lines(&report.warnings, lang) {
            eprintln!("{prefix}: {}", l.plain());
        }
    }
    match &cli.output {
        Some(out) => output::write::write_atomic(out, text.as_bytes(), &cli.files)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e.into());
            }
        }
    }
    Ok(())
}
