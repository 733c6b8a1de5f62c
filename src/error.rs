//! User-facing errors: a mistake in the input or the command line (exit code 2).

use crate::warning::{MAX_VALUE_CHARS, cut, cut_quoted};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

/// A mistake the user can fix: names the file, line and column, and what to do.
/// Boxed, so that `Result`s carrying it stay small; its fields read through `Deref`.
#[derive(Debug, Clone, PartialEq)]
pub struct UserError(Box<Details>);

/// What a [`UserError`] says.
#[derive(Debug, Clone, PartialEq)]
pub struct Details {
    pub file: Option<String>,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
    pub hint: Option<String>,
    /// "line" for text files, "row" for spreadsheets.
    pub line_word: &'static str,
    /// The message and the hint in Spanish, where written (shown when the
    /// language is Spanish, see [`set_lang`]).
    pub es: Option<(String, Option<String>)>,
}

/// Whether errors are shown in Spanish: set as soon as the language is known
/// (`--lang`, then the spec's `lang`). Errors before that (command-line parsing,
/// reading the spec itself without `--lang`) are in English.
static SPANISH: AtomicBool = AtomicBool::new(false);

/// Show errors in `lang` ("en" or "es") from now on.
pub fn set_lang(lang: &str) {
    SPANISH.store(lang == "es", Ordering::Relaxed);
}

/// How long a message may grow with the values inside it.
const MAX_MESSAGE_CHARS: usize = 600;

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        UserError(Box::new(Details {
            file: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            line_word: "line",
            es: None,
        }))
    }
    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
    pub fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
    /// A spreadsheet row (shown as "row N").
    pub fn row(mut self, row: u64) -> Self {
        self.line = Some(row);
        self.line_word = "row";
        self
    }
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// The message (and the hint, if any) in Spanish.
    pub fn es(mut self, message: impl Into<String>, hint: Option<&str>) -> Self {
        self.es = Some((message.into(), hint.map(str::to_string)));
        self
    }
}

impl std::ops::Deref for UserError {
    type Target = Details;
    fn deref(&self) -> &Details {
        &self.0
    }
}

impl std::ops::DerefMut for UserError {
    fn deref_mut(&mut self) -> &mut Details {
        &mut self.0
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let es = SPANISH.load(Ordering::Relaxed);
        let (message, hint) = match (&self.es, es) {
            (Some((m, h)), true) => (m.as_str(), h.as_deref().or(self.hint.as_deref())),
            _ => (self.message.as_str(), self.hint.as_deref()),
        };
        let mut place = Vec::new();
        if let Some(file) = &self.file {
            let file = if es {
                file.replace(" [sheet ", " [hoja ")
            } else {
                file.clone()
            };
            place.push(file);
        }
        if let Some(line) = self.line {
            let word = match (self.line_word, es) {
                ("row", true) => "fila",
                (_, true) => "línea",
                (w, false) => w,
            };
            place.push(format!("{word} {line}"));
        }
        if let Some(col) = &self.column {
            let word = if es { "columna" } else { "column" };
            place.push(format!("{word} \"{}\"", cut(col, MAX_VALUE_CHARS)));
        }
        // Values inside the message are cut (a 1 MB cell is not echoed whole).
        let message = cut_quoted(message, MAX_MESSAGE_CHARS);
        if place.is_empty() {
            write!(f, "{message}")?;
        } else {
            write!(f, "{}: {message}", place.join(", "))?;
        }
        if let Some(h) = hint {
            let word = if es { "solución" } else { "fix" };
            write!(f, "\n  {word}: {}", cut_quoted(h, MAX_MESSAGE_CHARS))?;
        }
        Ok(())
    }
}

impl std::error::Error for UserError {}

/// Shorthand for a `Result` whose error is a [`UserError`].
pub type UResult<T> = Result<T, UserError>;
