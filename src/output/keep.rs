//! The keep-list: files in the output folder that Gazette did not write and must not delete.
//!
//! People put things into `public/` by hand or by other tools: a git checkout of the
//! published branch (`.git`, a folder or a file), GitHub Pages' `CNAME` and `.nojekyll`,
//! `.well-known/` for certificates and app links. A build removes only files an earlier build
//! wrote ([`super::manifest`]), so these stay anyway; the list still matters where Gazette
//! cannot tell what it wrote: an output folder without a manifest (written by an older
//! Gazette, which replaced everything but these) and a folder without the output marker,
//! which is built into only when it holds nothing else ([`Keep::holds_only_kept`]). A file on
//! the list is never removed, even where an earlier build wrote it.
//!
//! Patterns are `/`-separated paths relative to the output root: `*` matches any part of one
//! name, `?` one character, `**` (a whole segment) any number of folders; a trailing `/`
//! matches only folders. A matched folder is kept with everything in it. Where the build
//! writes a kept path itself, the build's file wins (with a warning when the bytes differ);
//! a kept file where the build writes a folder, or the other way round, stops the build.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Kept in every output folder, whatever gazette.yaml says.
pub const BUILT_IN: [&str; 4] = [".git", "CNAME", ".nojekyll", ".well-known/"];

/// Written by older builds into their staging folder before moving kept files in: the list
/// of what was moved, so that recovery can put it back after such a build was killed.
pub const JOURNAL: &str = ".gazette-kept";

/// One keep pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    segments: Vec<String>,
    dir_only: bool,
}

impl Pattern {
    /// Parses a pattern, or says in words what is wrong with it.
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("is empty".into());
        }
        if t.chars().any(char::is_control) {
            return Err("contains a control character".into());
        }
        if t.starts_with('/') || t.contains('\\') || t.as_bytes().get(1) == Some(&b':') {
            return Err("is not a path relative to the output folder".into());
        }
        let dir_only = t.ends_with('/');
        let segments: Vec<String> = t.trim_end_matches('/').split('/').map(str::to_string).collect();
        for s in &segments {
            if s.is_empty() || s == "." || s == ".." {
                return Err("has an empty, `.` or `..` segment".into());
            }
            if s.contains("**") && s != "**" {
                return Err("uses `**` inside a name; `**` stands for whole folders, as in `**/*.pdf`".into());
            }
        }
        if segments.iter().all(|s| s == "*" || s == "**") {
            return Err("matches every file, so no page could ever be removed from the output".into());
        }
        Ok(Pattern { segments, dir_only })
    }

    /// `(matches path, may match something below it)`.
    fn test(&self, path: &[&str], is_dir: bool) -> (bool, bool) {
        let p = &self.segments;
        let (m, n) = (p.len(), path.len());
        // f[i][j]: the first i segments of the pattern match the first j of the path.
        let mut f = vec![vec![false; n + 1]; m + 1];
        f[0][0] = true;
        for i in 1..=m {
            for j in 0..=n {
                f[i][j] = if p[i - 1] == "**" {
                    f[i - 1][j] || (j > 0 && f[i][j - 1])
                } else {
                    j > 0 && f[i - 1][j - 1] && glob(&p[i - 1], path[j - 1])
                };
            }
        }
        let matches = f[m][n] && (is_dir || !self.dir_only);
        let below = (0..m).any(|i| f[i][n]) || (m > 0 && p[m - 1] == "**" && f[m][n]);
        (matches, below)
    }
}

/// `*` and `?` within one name, in time linear in the name times the pattern.
fn glob(pattern: &str, name: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < s.len() {
        if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if i < p.len() && (p[i] == '?' || p[i] == s[j]) {
            i += 1;
            j += 1;
        } else if let Some(st) = star {
            i = st + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// The built-in patterns and those of `keep:`.
#[derive(Debug, Clone)]
pub struct Keep {
    patterns: Vec<Pattern>,
}

impl Keep {
    /// The built-in list plus `extra` (entries that do not parse were reported by the config
    /// stage and are skipped).
    pub fn new(extra: &[String]) -> Keep {
        let patterns = BUILT_IN.iter().copied().chain(extra.iter().map(String::as_str));
        Keep { patterns: patterns.filter_map(|p| Pattern::parse(p).ok()).collect() }
    }

    /// `(rel is kept, something below rel may be)` for a path relative to the output root.
    fn test(&self, rel: &Path, is_dir: bool) -> (bool, bool) {
        let text = rel.to_string_lossy();
        let segments: Vec<&str> = text.split(['/', std::path::MAIN_SEPARATOR]).filter(|s| !s.is_empty()).collect();
        self.patterns.iter().map(|p| p.test(&segments, is_dir)).fold((false, false), |a, b| (a.0 || b.0, a.1 || b.1))
    }

    /// True when output path `rel` (a file) is on the list: a build never removes it.
    pub fn holds(&self, rel: &str) -> bool {
        self.test(Path::new(rel), false).0
    }

    /// Every file (or link) under `dir` not on the list, as `/`-separated paths relative to
    /// `dir`, sorted. Links are never followed.
    pub fn unkept_files(&self, dir: &Path) -> std::io::Result<Vec<String>> {
        let mut out = Vec::new();
        let mut stack = vec![PathBuf::new()];
        while let Some(rel) = stack.pop() {
            for name in sorted_names(&dir.join(&rel))? {
                let child = rel.join(&name);
                let kind = Kind::of(&dir.join(&child))?;
                match self.test(&child, kind.folder_like) {
                    (true, _) => {}
                    _ if kind.folder => stack.push(child),
                    _ => out.push(child.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/")),
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// True when every file under `dir` is on the list, so replacing `dir` loses nothing.
    pub fn holds_only_kept(&self, dir: &Path) -> bool {
        let mut stack = vec![PathBuf::new()];
        while let Some(rel) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(dir.join(&rel)) else { return false };
            for entry in entries {
                let Ok(entry) = entry else { return false };
                let child = rel.join(entry.file_name());
                let Ok(kind) = Kind::of(&dir.join(&child)) else { return false };
                match self.test(&child, kind.folder_like) {
                    (true, _) => {}
                    (false, true) if kind.folder => stack.push(child),
                    _ => return false,
                }
            }
        }
        true
    }
}

/// What an entry of the output folder is, for matching and for walking.
struct Kind {
    /// A folder itself, to be looked into.
    folder: bool,
    /// A folder or a symlink to one: `.well-known/` matches a `.well-known` link to a folder
    /// kept elsewhere, which is carried over as a link and never looked into, so nothing of
    /// the folder it points to is moved or deleted.
    folder_like: bool,
}

impl Kind {
    fn of(path: &Path) -> std::io::Result<Kind> {
        let t = std::fs::symlink_metadata(path)?.file_type();
        let link_to_folder = t.is_symlink() && std::fs::metadata(path).is_ok_and(|m| m.is_dir());
        Ok(Kind { folder: t.is_dir(), folder_like: t.is_dir() || link_to_folder })
    }
}

fn sorted_names(dir: &Path) -> std::io::Result<Vec<std::ffi::OsString>> {
    let mut names = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.file_name())).collect::<Result<Vec<_>, _>>()?;
    names.sort();
    Ok(names)
}

/// True when files `a` and `b` hold the same bytes.
pub(super) fn same_bytes(a: &Path, b: &Path) -> std::io::Result<bool> {
    if std::fs::metadata(a)?.len() != std::fs::metadata(b)?.len() {
        return Ok(false);
    }
    let (mut fa, mut fb) = (std::fs::File::open(a)?, std::fs::File::open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = fa.read(&mut ba)?;
        if n == 0 {
            return Ok(true);
        }
        fb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}

/// The paths a journal lists (empty when there is none).
pub fn read_journal(file: &Path) -> std::io::Result<Vec<PathBuf>> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(bytes.split(|b| *b == 0).filter(|p| !p.is_empty()).map(path_from_bytes).collect())
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(pattern: &str, path: &str, is_dir: bool) -> (bool, bool) {
        let segments: Vec<&str> = path.split('/').collect();
        Pattern::parse(pattern).unwrap().test(&segments, is_dir)
    }

    #[test]
    fn patterns_match_names_folders_and_depths() {
        assert_eq!(kept("CNAME", "CNAME", false), (true, false));
        assert_eq!(kept("CNAME", "news", true), (false, false));
        assert_eq!(kept(".well-known/", ".well-known", true), (true, false));
        assert_eq!(kept(".well-known/", ".well-known", false), (false, false));
        assert_eq!(kept("downloads/*.pdf", "downloads", true), (false, true));
        assert_eq!(kept("downloads/*.pdf", "downloads/a.pdf", false), (true, false));
        assert_eq!(kept("downloads/*.pdf", "downloads/a.pdfx", false), (false, false));
        assert_eq!(kept("**/*.pdf", "a/b/c.pdf", false), (true, true));
        assert_eq!(kept("**/*.pdf", "a/b", true), (false, true));
        assert_eq!(kept("google?.html", "google1.html", false), (true, false));
        assert!(glob("a*b*c", "axxbyyc") && !glob("a*b*c", "axxbyy") && glob("*", ""));
    }

    #[test]
    fn bad_patterns_say_why() {
        assert_eq!(Pattern::parse("/CNAME").unwrap_err(), "is not a path relative to the output folder");
        assert_eq!(Pattern::parse("a/../b").unwrap_err(), "has an empty, `.` or `..` segment");
        assert!(Pattern::parse("**").unwrap_err().starts_with("matches every file"));
        assert!(Pattern::parse("a**").unwrap_err().starts_with("uses `**` inside a name"));
        assert_eq!(Pattern::parse("").unwrap_err(), "is empty");
    }
}
