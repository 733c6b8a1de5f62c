//! Input: reading files (encoding, delimiter), column roles, values and the spec file.
pub mod blocks;
pub mod read;
pub mod roles;
pub mod spec;
pub mod spss;
pub mod stata;
pub mod survey;
pub mod values;
pub mod workbook;
