//! Relative link and image destinations (`report.pdf?page=2`, `../kb/hotline.md#受理范围`).
//!
//! A link to a Markdown file becomes the URL of the page built from it. Any other relative
//! destination on a bundle page (`slug/index.md`) is kept as written, since the bundle's files
//! sit beside its `index.html`. On a plain page (`news/slug.md` → `news/slug/index.html`) the
//! output is one folder deeper than the source, so the destination is re-anchored to the
//! source's folder, site-absolute with the base path: `chart.svg` → `/news/chart.svg`.
//!
//! The author's text is a URL, not a file name: percent escapes stay as written, `?query` and
//! `#fragment` are carried over untouched, and whatever still needs escaping (spaces, Chinese)
//! is left to pulldown-cmark's `escape_href`, which escapes it when the HTML is written and
//! never escapes `%` again. Only the folder taken from the source's own path is a file name,
//! and is percent-encoded here.

use super::Rewriter;
use crate::paths;
use std::ops::Range;

/// Splits a destination before its query or fragment: (`path`, `?query#fragment`).
pub(super) fn split_path(dest: &str) -> (&str, &str) {
    dest.split_at(dest.find(['?', '#']).unwrap_or(dest.len()))
}

impl<'c> Rewriter<'c> {
    /// The final URL for a relative destination, or `None` to drop a broken link to a page.
    pub(super) fn relative(&mut self, dest: &str, range: &Range<usize>) -> Option<String> {
        let (path, suffix) = split_path(dest);
        if path.ends_with(".md") {
            let joined = paths::join(paths::parent(self.ctx.source_rel), &paths::decode_path(path));
            return match paths::normalize(&joined) {
                Some(target) => self.resolve(&target, suffix, dest, range),
                None => {
                    self.broken(dest, "it points outside content/", range);
                    None
                }
            };
        }
        if self.ctx.bundle || path.is_empty() {
            // Bundle files are copied beside the page's index.html; `?tab=2` is the page itself.
            return Some(dest.to_string());
        }
        // A path that climbs out of the site is left as written for the browser to resolve.
        let anchored = self.anchored(path).unwrap_or_else(|| path.to_string());
        Some(format!("{anchored}{suffix}"))
    }

    /// `path` (as written in a URL) joined to the source's folder, with the base path.
    fn anchored(&self, path: &str) -> Option<String> {
        let folder = paths::encode_path(paths::parent(self.ctx.source_rel));
        let mut joined = paths::normalize(&paths::join(&folder, path))?;
        // `sub/`, `.` and `..` name folders: keep the slash that says so.
        let last = path.rsplit('/').next().unwrap_or("");
        if !joined.is_empty() && matches!(last, "" | "." | "..") {
            joined.push('/');
        }
        Some(format!("{}{joined}", self.ctx.base_path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_split_before_query_or_fragment() {
        assert_eq!(split_path("a.md?x=1#y"), ("a.md", "?x=1#y"));
        assert_eq!(split_path("a.md#y?z"), ("a.md", "#y?z"));
        assert_eq!(split_path("?tab=2"), ("", "?tab=2"));
        assert_eq!(split_path("foo%20b"), ("foo%20b", ""));
    }
}
