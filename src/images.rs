//! Missing images: a lead image (`image:` in front matter) or a Markdown image (`![](…)`)
//! that names a file the site does not publish is a warning at the line that names it, not a
//! broken picture found by a reader.
//!
//! An image's path is resolved as the page will resolve it: relative to a bundle's folder, to
//! a plain page's source folder, or to the site root for `/…` (with or without the base path).
//! The result is looked up among the files the build copies: bundle files, other files under
//! `content/`, the site's `static/` and the theme's static files. URLs with a scheme (`https:`,
//! `data:`), protocol-relative and `@/` links are not files of this site and are not checked.
//! The URL a page shows for its lead image is made here too ([`lead_url`]), by the same rules.
//! This module reads a source file again only to quote the line of a warning.

use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Page, Site};
use crate::paths;
use std::collections::BTreeSet;
use std::path::Path;

/// Output paths of the files a build copies rather than renders.
pub fn published(root: &Path, site: &Site, theme: &crate::theme::Theme) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = theme.statics.keys().cloned().collect();
    out.extend(crate::theme::site_statics(root).into_keys());
    out.extend(site.assets.iter().map(|a| a.rel.clone()));
    for p in &site.pages {
        for a in &p.assets {
            let inner = a.rel.strip_prefix(paths::parent(&p.rel)).unwrap_or(&a.rel).trim_start_matches('/');
            out.insert(format!("{}{inner}", p.path));
        }
    }
    out
}

/// A warning for each image of each page and section of `site` that is not among `published`.
pub fn missing(root: &Path, site: &Site, published: &BTreeSet<String>, base_path: &str) -> Vec<Diagnostic> {
    let pages = site.pages.iter().flat_map(|p| missing_in(root, p, published, base_path));
    let sections = site.sections.iter().flat_map(|s| {
        let owner = Owner { rel: format!("{}_index.md", s.path), display: &s.display, path: &s.path, bundle: false };
        let images = s.body.images.iter().map(|(dest, at)| (dest.clone(), Some(at.clone())));
        check(root, &owner, images, published, base_path)
    });
    pages.chain(sections).collect()
}

/// A warning for each image of page `p` that is not among `published`.
pub fn missing_in(root: &Path, p: &Page, published: &BTreeSet<String>, base_path: &str) -> Vec<Diagnostic> {
    let bundle = p.rel == "index.md" || p.rel.ends_with("/index.md");
    let owner = Owner { rel: p.rel.clone(), display: &p.display, path: &p.path, bundle };
    let lead = p.fm.image.as_deref().map(|img| (img.trim().to_string(), None));
    let body = p.body.images.iter().map(|(dest, at)| (dest.clone(), Some(at.clone())));
    check(root, &owner, lead.into_iter().chain(body), published, base_path)
}

/// The page or section whose images are checked.
struct Owner<'a> {
    /// Source path relative to `content/`.
    rel: String,
    /// Source path for messages.
    display: &'a str,
    /// Output folder, ending in `/` (empty for the home page).
    path: &'a str,
    /// A bundle's `index.md`: relative paths start from its folder, copied beside the page.
    bundle: bool,
}

/// Warnings for the `images` (destination as written; where, or `None` for the front
/// matter's `image:`) of `owner` that are not among `published`.
fn check(
    root: &Path,
    owner: &Owner,
    images: impl Iterator<Item = (String, Option<Location>)>,
    published: &BTreeSet<String>,
    base_path: &str,
) -> Vec<Diagnostic> {
    let found: Vec<(String, Option<Location>, Target)> = images
        .filter_map(|(dest, at)| {
            let target = target(&dest, owner, base_path)?;
            let ok = matches!(&target, Target::File(path) if published.contains(path));
            (!ok).then_some((dest, at, target))
        })
        .collect();
    if found.is_empty() {
        return Vec::new();
    }
    // Only now, to quote the lines: the site model keeps no copy of the source text.
    let text = std::fs::read_to_string(root.join(owner.display)).unwrap_or_default();
    found
        .into_iter()
        .map(|(dest, at, target)| {
            let at = at.unwrap_or_else(|| crate::front_matter::value_location(&text, owner.display, "image", &dest));
            warning(&dest, &target, owner).at_source(at, &text)
        })
        .collect()
}

/// The URL of a lead image (`image:` in front matter) of a page in folder `dir` whose URL is
/// `page_url`, by the rules Markdown images follow and [`target`] checks, so an image the check
/// finds is the one the page shows: escapes written in the path are kept (`a%20b.png` and
/// `a b.png` both name `a b.png`), `?query` and `#fragment` are carried over, and a site path
/// that already starts with the base path does not get it twice.
pub fn lead_url(img: &str, bundle: bool, dir: &str, base_path: &str, page_url: &str) -> String {
    let img = img.trim();
    if img.contains("://") || img.starts_with("//") {
        return img.to_string();
    }
    let split = img.find(['?', '#']).unwrap_or(img.len());
    let (path, suffix) = (paths::encode_written_path(&img[..split]), &img[split..]);
    let resolved = if let Some(abs) = path.strip_prefix('/') {
        if base_path != "/" && path.starts_with(base_path) { path.clone() } else { format!("{base_path}{abs}") }
    } else if bundle {
        format!("{page_url}{path}")
    } else {
        let folder = paths::encode_path(dir);
        format!("{base_path}{}", paths::normalize(&paths::join(&folder, &path)).unwrap_or_default())
    };
    format!("{resolved}{suffix}")
}

/// Where an image path leads.
enum Target {
    /// A file of the output, by its path there.
    File(String),
    /// Above the site root (`../../x.png` from a top-level page).
    Outside,
}

/// The output path image `dest` of `owner` names; `None` for what is not a file of this site.
fn target(dest: &str, owner: &Owner, base_path: &str) -> Option<Target> {
    let path = dest.split(['?', '#']).next().unwrap_or("");
    if path.is_empty() || dest.starts_with("//") || dest.starts_with("@/") || has_scheme(dest) {
        return None;
    }
    let path = paths::decode_path(path);
    // `base_path` is percent-encoded (`/%E5%8A%B3%E5%8A%A8/`); `path` no longer is.
    let base_path = paths::decode_path(base_path);
    let joined = match path.strip_prefix('/') {
        Some(abs) if base_path != "/" => path.strip_prefix(base_path.as_str()).unwrap_or(abs).to_string(),
        Some(abs) => abs.to_string(),
        None if owner.bundle => paths::join(owner.path, &path),
        None => paths::join(paths::parent(&owner.rel), &path),
    };
    Some(paths::normalize(&joined).map_or(Target::Outside, Target::File))
}

/// True for `https:`, `data:`, `mailto:` …: a scheme before any `/`.
fn has_scheme(dest: &str) -> bool {
    dest.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

fn warning(dest: &str, target: &Target, owner: &Owner) -> Diagnostic {
    let path = match target {
        Target::File(path) => path,
        Target::Outside => {
            return Diagnostic::warning(format!("image `{dest}` points outside the site"))
                .hint("a relative path starts from the article's folder; write a site path such as `/images/x.png`");
        }
    };
    let hint = if dest.starts_with('/') {
        format!("a path starting with `/` is looked up from the site root: put the file at static/{path}")
    } else if owner.bundle {
        let inner = path.strip_prefix(owner.path).unwrap_or(path);
        let dir = paths::parent(&owner.rel);
        format!("a relative path starts from the bundle's folder: put the file at content/{}", paths::join(dir, inner))
    } else {
        format!("a relative path starts from the article's folder: put the file at content/{path} or static/{path}")
    };
    Diagnostic::warning(format!("image `{dest}` not found: no file is published at /{path}")).hint(hint)
}
