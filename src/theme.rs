//! Theme resolution: which template and static file wins.
//!
//! Three layers, later ones overriding earlier ones file by file: the default theme embedded
//! in the binary, the site's `themes/<name>/`, then the site's own `templates/` (templates
//! only; the site's `static/` is copied by the output stage after the theme's). A site that
//! names a theme it does not have is an error, not a silent fallback. This module reads files
//! but never writes any.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location, display_path};
use crate::load::{decode, is_ignored_name};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));

/// Where a theme file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into the binary.
    Embedded(&'static [u8]),
    /// A file on disk.
    Disk(PathBuf),
}

/// One file of the resolved theme.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Path shown in messages: `themes/default/templates/page.html`, or
    /// `<built-in>/templates/page.html` for the embedded copy.
    pub display: String,
    /// Bytes or path.
    pub origin: Origin,
}

/// A template, read.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Path shown in messages.
    pub display: String,
    /// The template text.
    pub text: String,
}

/// The resolved theme.
#[derive(Debug, Default, Clone)]
pub struct Theme {
    /// Template name (`page.html`, `partials/card.html`) → source.
    pub templates: BTreeMap<String, TemplateSource>,
    /// Static files: output path → file.
    pub statics: BTreeMap<String, ThemeFile>,
}

/// Resolves the theme for `config` at `root`.
pub fn resolve(root: &Path, config: &Config) -> (Theme, Vec<Diagnostic>) {
    let mut files: BTreeMap<String, ThemeFile> = BTreeMap::new();
    for (rel, bytes) in EMBEDDED_THEME {
        files.insert(
            rel.to_string(),
            ThemeFile { display: format!("<built-in>/{rel}"), origin: Origin::Embedded(bytes) },
        );
    }
    let mut diags = Vec::new();
    let theme_dir = root.join("themes").join(&config.theme);
    if theme_dir.is_dir() {
        overlay(root, &theme_dir, "", &mut files);
    } else if config.theme != "default" {
        diags.push(
            Diagnostic::error(format!("theme `{}` not found at themes/{}/", config.theme, config.theme))
                .at(Location::file(crate::config::CONFIG_FILE))
                .hint("use `theme: default` (built in), or create the theme folder"),
        );
    }
    overlay(root, &root.join("templates"), "templates/", &mut files);

    let mut theme = Theme::default();
    for (rel, file) in files {
        if let Some(name) = rel.strip_prefix("templates/") {
            match read_text(&file) {
                Ok(text) => {
                    theme.templates.insert(name.to_string(), TemplateSource { display: file.display, text });
                }
                Err(d) => diags.push(d),
            }
        } else if let Some(out) = rel.strip_prefix("static/") {
            theme.statics.insert(out.to_string(), file);
        }
    }
    (theme, diags)
}

/// Adds every file under `dir` to `files` as `prefix + relative path`, replacing entries.
fn overlay(root: &Path, dir: &Path, prefix: &str, files: &mut BTreeMap<String, ThemeFile>) {
    if !dir.is_dir() {
        return;
    }
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker.flatten() {
        if entry.file_type().is_file() {
            let rel = format!("{prefix}{}", display_path(dir, entry.path()));
            let display = display_path(root, entry.path());
            files.insert(rel, ThemeFile { display, origin: Origin::Disk(entry.path().to_path_buf()) });
        }
    }
}

fn read_text(file: &ThemeFile) -> Result<String, Diagnostic> {
    let bytes = match &file.origin {
        Origin::Embedded(b) => b.to_vec(),
        Origin::Disk(p) => std::fs::read(p)
            .map_err(|e| Diagnostic::error(format!("cannot read template: {e}")).at(Location::file(&file.display)))?,
    };
    decode(bytes, &file.display)
}

/// Static files under the site's `static/`, as output path → file on disk.
pub fn site_statics(root: &Path) -> BTreeMap<String, ThemeFile> {
    let mut files = BTreeMap::new();
    overlay(root, &root.join("static"), "", &mut files);
    files
}
