//! Renderers: every view is made from the one [`Report`](crate::results::Report).
pub mod balance;
pub mod csv;
pub mod docx;
pub mod findings;
pub mod fmt;
pub mod grid;
pub mod html;
pub mod i18n;
pub mod json;
pub mod markdown;
pub mod planning;
pub mod reliability;
pub mod table;
pub mod untestable;
pub mod visits;
pub mod write;
