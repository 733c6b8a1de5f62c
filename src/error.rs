//! User-facing errors: a mistake in the input or the command line (exit code 2).

use std::fmt;

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
}

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        UserError(Box::new(Details {
            file: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            line_word: "line",
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
        let mut place = Vec::new();
        if let Some(file) = &self.file {
            place.push(file.clone());
        }
        if let Some(line) = self.line {
            place.push(format!("{} {line}", self.line_word));
        }
        if let Some(col) = &self.column {
            place.push(format!("column \"{col}\""));
        }
        if place.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{}: {}", place.join(", "), self.message)?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  fix: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UserError {}

/// Shorthand for a `Result` whose error is a [`UserError`].
pub type UResult<T> = Result<T, UserError>;
