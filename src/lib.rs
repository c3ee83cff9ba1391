//! Gazette: a static-site generator for Chinese-language news bulletins and knowledge bases.
//!
//! The library holds the whole pipeline so tests can call it directly; `src/main.rs` is a thin
//! command-line wrapper. Stages, in order: [`config`], [`load`], [`front_matter`] and
//! [`markdown`], [`model`] and [`structure`], [`render`] and [`feeds`], [`output`]. Every stage
//! returns plain data plus [`diagnostics::Diagnostic`]s; [`pipeline`] strings them together.

#![warn(missing_docs)]

pub mod active_files;
pub mod assets;
pub mod cache;
pub mod config;
pub mod controls;
pub mod diagnostics;
pub mod editions;
pub mod feeds;
pub mod front_matter;
pub mod html_attrs;
pub mod images;
pub mod kb_nav;
pub mod load;
pub mod markdown;
pub mod memo;
pub mod model;
pub mod output;
pub mod patch;
pub mod paths;
pub mod pipeline;
pub mod related;
pub mod render;
pub mod sanitize;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod structure;
pub mod structured;
pub mod terms;
pub mod theme;
pub mod views;
pub mod wikilinks;
pub mod yaml;

pub use pipeline::{MemoUse, Report, Request, build, generate};
