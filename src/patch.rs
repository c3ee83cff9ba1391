//! Stage 7 (`gazette serve` only): patching. Most saves in an editor change one article's
//! body and nothing else; rebuilding the whole site for that costs close to a second at
//! 10,000 articles. A patch re-renders that article, the pages that list it when its list
//! view (summary, reading time …) changed, the pages whose related articles changed (they are
//! scored from every body's text), and the feeds that carry it, and changes those files in the
//! last output.
//!
//! A patch is taken only when it is sure to give the bytes a full build would: every changed
//! path is an existing article whose front matter, place, links and terms are unchanged, whose
//! body renders without a diagnostic, and no publish or expiry date has passed since the last
//! full build. Anything else (and any error) falls back to the full build, which reports it.

use crate::config::Config;
use crate::feeds::{self, Feed};
use crate::model::{BuildOptions, Site};
use crate::output::{Body, Output};
use crate::render::{self, Kept};
use crate::theme::Theme;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What a `gazette serve` build keeps so the next change can be patched into it.
pub struct Last {
    /// The config it was built with.
    pub config: Config,
    /// The site model, with patched pages replaced.
    pub site: Site,
    theme: Theme,
    tera: render::Templates,
    kept: Kept,
    feeds: Vec<Feed>,
}

impl std::fmt::Debug for Last {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Last").field("pages", &self.site.pages.len()).finish_non_exhaustive()
    }
}

impl Last {
    /// Keeps what a successful build used.
    pub fn new(
        config: Config,
        site: Site,
        theme: Theme,
        tera: render::Templates,
        kept: Kept,
        feeds: Vec<Feed>,
    ) -> Last {
        Last { config, site, theme, tera, kept, feeds }
    }
}

/// A patched output and what it touched.
pub struct Patched {
    /// The whole output with the changed files replaced.
    pub output: Output,
    /// Indexes of the pages whose bodies changed.
    pub pages: Vec<usize>,
    /// Output paths written again.
    pub files: Vec<String>,
}

/// Patches the edits at `changed` (absolute paths under `root`) into `previous`, the output
/// of the build `last` came from. `None` when the change needs a full build; `last` may then
/// be partly updated and must be replaced by that build's.
pub fn patch(
    last: &mut Last,
    root: &Path,
    opts: &BuildOptions,
    cache: Option<&crate::cache::BuildCache>,
    changed: &[PathBuf],
    previous: &Output,
) -> Option<Patched> {
    if changed.is_empty() || last.site.next_due.as_ref().is_some_and(|due| due.at <= opts.now) {
        return None;
    }
    let unique: BTreeSet<&PathBuf> = changed.iter().collect();
    let mut pages = Vec::new();
    for path in unique {
        let src = crate::load::read_one(root, path, cache)?;
        if src.kind != crate::load::SourceKind::Page {
            return None;
        }
        pages.push(crate::model::rebody(&last.site, &last.config, opts, &src)?);
    }
    // A missing image is a warning, which a full build reports.
    if pages.iter().any(|(_, p)| !p.body.images.is_empty() || p.fm.image.is_some()) {
        let published = crate::images::published(root, &last.site, &last.theme);
        let base_path = last.config.base_path();
        if pages.iter().any(|(_, p)| !crate::images::missing_in(root, p, &published, &base_path).is_empty()) {
            return None;
        }
    }
    let touched: Vec<usize> = pages.iter().map(|(i, _)| *i).collect();
    for (i, page) in pages {
        last.site.pages[i] = page;
    }
    // Related lists are scored from every body's text: one edit can reorder other pages' lists.
    let relisted = crate::related::update(&mut last.site, &last.config.related, cache, Some(&touched));
    let html = render::rerender(&mut last.kept, &last.site, &last.config, &last.tera, &last.theme, &touched, &relisted)
        .ok()?;
    let mut output = previous.clone();
    let mut files = Vec::with_capacity(html.len());
    for r in html {
        files.push(r.path.clone());
        output.replace(r.path, Body::Bytes(r.html), &r.origin);
    }
    for feed in last.feeds.iter().filter(|f| f.pages.iter().any(|p| touched.contains(p))) {
        files.push(feed.path.clone());
        output.replace(feed.path.clone(), Body::Bytes(feeds::atom(&last.site, &last.config, feed)), "feeds");
    }
    Some(Patched { output, pages: touched, files })
}
