//! One served state of the site, and the mapping from request paths to its files. Paths are
//! only ever looked up in the snapshot's file list, never joined onto the file system.

use crate::diagnostics::Diagnostic;
use crate::output::Output;
use std::sync::Arc;

/// The site as served: every output file and, when the last build failed, its diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Pages, feeds and static files by path (the last good build's when this one failed).
    pub pages: Arc<Output>,
    /// The static search index, updated after the pages (see `serve::watch`).
    pub search: Arc<Output>,
    /// Errors and warnings of a failed build, shown as an overlay; empty after a good build.
    pub diagnostics: Vec<Diagnostic>,
}

impl Snapshot {
    /// True when `path` is a file of the snapshot.
    pub fn has(&self, path: &str) -> bool {
        self.pages.files.contains_key(path) || self.search.files.contains_key(path)
    }

    /// The bytes of one file.
    pub fn read(&self, path: &str) -> Option<std::io::Result<Vec<u8>>> {
        self.pages.read(path).or_else(|| self.search.read(path))
    }
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// An output file, by its path in the snapshot.
    File(String),
    /// A folder asked for without its trailing slash: redirect to this path.
    Redirect(String),
    /// Nothing there.
    NotFound,
    /// Not a path: not UTF-8 once decoded, or holding NUL or a backslash.
    BadRequest,
}

/// Resolves the raw (still percent-encoded) path of a request against the files `has`
/// knows.
pub fn resolve(raw: &str, has: impl Fn(&str) -> bool) -> Lookup {
    let Some(rest) = raw.strip_prefix('/') else { return Lookup::BadRequest };
    // An encoded slash would let one segment pose as two; no output path needs it.
    if rest.to_ascii_lowercase().contains("%2f") {
        return Lookup::NotFound;
    }
    // A `%` not followed by two hex digits stays as it is, and then names no file.
    let Ok(path) = percent_encoding::percent_decode_str(rest).decode_utf8() else { return Lookup::BadRequest };
    let path = path.into_owned();
    if path.contains(['\0', '\\']) {
        return Lookup::BadRequest;
    }
    if path.split('/').any(|seg| seg == "." || seg == "..") {
        return Lookup::NotFound;
    }
    if path.is_empty() || path.ends_with('/') {
        let index = format!("{path}index.html");
        return if has(&index) { Lookup::File(index) } else { Lookup::NotFound };
    }
    if has(&path) {
        return Lookup::File(path);
    }
    if has(&format!("{path}/index.html")) {
        return Lookup::Redirect(format!("/{rest}/"));
    }
    Lookup::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Body;

    fn files() -> Snapshot {
        let mut o = Output::default();
        for p in ["index.html", "news/index.html", "news/户外/index.html", "css/style.css"] {
            o.add(p.to_string(), Body::Bytes(Vec::new()), "test").ok();
        }
        Snapshot { pages: Arc::new(o), ..Snapshot::default() }
    }

    #[test]
    fn paths_resolve_only_inside_the_snapshot() {
        let snap = files();
        let f = |p: &str| snap.has(p);
        assert_eq!(resolve("/", f), Lookup::File("index.html".into()));
        assert_eq!(resolve("/news/", f), Lookup::File("news/index.html".into()));
        assert_eq!(resolve("/news", f), Lookup::Redirect("/news/".into()));
        assert_eq!(resolve("/news/%E6%88%B7%E5%A4%96/", f), Lookup::File("news/户外/index.html".into()));
        assert_eq!(resolve("/css/style.css", f), Lookup::File("css/style.css".into()));
        for bad in [
            "/../Cargo.toml",
            "/news/../index.html",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/",
            "/news%2findex.html",
            "/%zz",
            "/%4",
        ] {
            assert_eq!(resolve(bad, f), Lookup::NotFound, "{bad}");
        }
        for bad in ["/a%00b", "/a%5cb", "/%ff%fe", "x"] {
            assert_eq!(resolve(bad, f), Lookup::BadRequest, "{bad}");
        }
    }
}
