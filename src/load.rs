//! Stage 2: load. Walks `content/` and reads every file into memory as plain data.
//!
//! In: the site root. Out: [`Content`] — Markdown sources (pages and section indexes) as UTF-8
//! text, and the paths of other files to copy (bundle assets, section assets) — plus
//! diagnostics for files that cannot be read or are not UTF-8. Walk order is sorted by file
//! name so everything downstream is deterministic. This stage never parses Markdown or YAML
//! and never writes anything.

use crate::cache::BuildCache;
use crate::diagnostics::{Diagnostic, Location, display_path, line_col};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The content folder name, at the site root.
pub const CONTENT_DIR: &str = "content";

/// What a Markdown file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// `_index.md`: a section's own page.
    Section,
    /// Any other `.md`, including a bundle's `index.md`.
    Page,
}

/// One Markdown file, read.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to `content/`, forward slashes: `news/jiuye/2024-05-20-x.md`.
    pub rel: String,
    /// Path for messages: relative to the site root, `content/news/…`.
    pub display: String,
    /// Section or page.
    pub kind: SourceKind,
    /// True for `slug/index.md` bundles.
    pub bundle: bool,
    /// The whole file, BOM removed.
    pub text: String,
    /// A hash of `text`, so caches compare a number instead of the file.
    pub hash: u64,
    /// Warnings about the file as read (control characters dropped from `text`), reported
    /// by every build that reads it, from the cache too.
    pub warnings: Vec<Diagnostic>,
}

/// A non-Markdown file under `content/`, copied to the output next to its page or section.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path relative to `content/`.
    pub rel: String,
    /// Absolute path on disk.
    pub path: PathBuf,
}

/// Everything under `content/`.
#[derive(Debug, Default, Clone)]
pub struct Content {
    /// Markdown files, sorted by `rel`.
    pub sources: Vec<Source>,
    /// Other files, sorted by `rel`.
    pub assets: Vec<Asset>,
}

/// True for files editors and operating systems leave behind; they are never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".bak")
        || name.ends_with(".tmp")
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || name == "4913"
        || name == "Thumbs.db"
}

/// Reads `root/content`. A missing folder is an error; unreadable files become diagnostics.
pub fn load(root: &Path) -> (Content, Vec<Diagnostic>) {
    load_with(root, None)
}

/// [`load`], taking unchanged files (same size and modification time) from `cache`.
pub fn load_with(root: &Path, cache: Option<&BuildCache>) -> (Content, Vec<Diagnostic>) {
    let dir = root.join(CONTENT_DIR);
    let mut content = Content::default();
    let mut diags = Vec::new();
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error("the site has no content/ folder")
                .at(Location::file(CONTENT_DIR))
                .hint("create content/_index.md, or run `gazette init DIR` for a starter site"),
        );
        return (content, diags);
    }
    let walker = WalkDir::new(&dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let file = e.path().map(|p| display_path(root, p)).unwrap_or_else(|| CONTENT_DIR.into());
                diags.push(Diagnostic::error(format!("cannot read: {e}")).at(Location::file(file)));
                continue;
            }
        };
        if entry.file_name().to_str().is_none() {
            diags.push(non_utf8_name(root, entry.path()));
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = display_path(&dir, path);
        if path.extension().and_then(|e| e.to_str()) == Some("md") {
            let meta = cache.and_then(|_| entry.metadata().ok());
            if let (Some(c), Some(m)) = (cache, &meta)
                && let Some(src) = c.source(path, m)
            {
                diags.extend(src.warnings.iter().cloned());
                content.sources.push(src);
                continue;
            }
            match read_source(root, path, rel) {
                Ok(src) => {
                    if let (Some(c), Some(m)) = (cache, &meta) {
                        c.keep_source(path.to_path_buf(), m, &src);
                    }
                    diags.extend(src.warnings.iter().cloned());
                    content.sources.push(src)
                }
                Err(d) => diags.push(d),
            }
        } else {
            content.assets.push(Asset { rel, path: path.to_path_buf() });
        }
    }
    (content, diags)
}

/// Reads one Markdown file under `root/content` again (a patched rebuild of one edit),
/// remembering it in `cache` as a full load would. `None` for anything a load would skip or
/// could not read; the full build that follows reports it.
pub fn read_one(root: &Path, path: &Path, cache: Option<&BuildCache>) -> Option<Source> {
    let rel = path.strip_prefix(root.join(CONTENT_DIR)).ok()?;
    let names: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    if names?.iter().any(|n| is_ignored_name(n)) || path.extension().and_then(|e| e.to_str()) != Some("md") {
        return None;
    }
    let meta = std::fs::symlink_metadata(path).ok().filter(|m| m.is_file())?;
    let src = read_source(root, path, display_path(&root.join(CONTENT_DIR), path)).ok()?;
    if let Some(c) = cache {
        c.keep_source(path.to_path_buf(), &meta, &src);
    }
    Some(src)
}

fn read_source(root: &Path, path: &Path, rel: String) -> Result<Source, Diagnostic> {
    let display = display_path(root, path);
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(format!("cannot read file: {e}")).at(Location::file(&display)))?;
    let (text, controls) = crate::controls::strip_source(decode(bytes, &display)?, &display);
    let name = rel.rsplit('/').next().unwrap_or(&rel);
    let kind = if name == "_index.md" { SourceKind::Section } else { SourceKind::Page };
    let bundle = name == "index.md";
    let hash = crate::cache::key(&text);
    Ok(Source { rel, display, kind, bundle, text, hash, warnings: controls.into_iter().collect() })
}

/// The warning for a file or folder whose name is not valid UTF-8: it is still read and
/// published, under the name shown, with U+FFFD (�) for the bytes that could not be read.
fn non_utf8_name(root: &Path, path: &Path) -> Diagnostic {
    let shown = display_path(root, path);
    Diagnostic::warning(format!(
        "the name `{shown}` is not valid UTF-8 (� marks the bytes that are not); the file is used under that name"
    ))
    .at(Location::file(shown))
    .hint("rename it in UTF-8 (`convmv -f GBK -t UTF-8 --notest` renames names written in GBK)")
}

/// Warnings for every file or folder under `root/dir` whose name is not valid UTF-8 (the
/// walk of `content/` reports its own as it reads).
pub fn non_utf8_names(root: &Path, dir: &str) -> Vec<Diagnostic> {
    WalkDir::new(root.join(dir))
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || e.file_name().to_str().is_none_or(|n| !is_ignored_name(n)))
        .filter_map(Result::ok)
        .filter(|e| e.depth() > 0 && e.file_name().to_str().is_none())
        .map(|e| non_utf8_name(root, e.path()))
        .collect()
}

/// UTF-8 text with a leading BOM removed; anything else is an error that says which encoding
/// the bytes look like, since a GBK file from an older newsroom system is the usual cause.
pub fn decode(bytes: Vec<u8>, display: &str) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&bytes[..at]);
            let (line, col) = line_col(&prefix, prefix.len());
            let mut d = Diagnostic::error("file is not valid UTF-8").at(Location::at(display, line, col));
            let hint = match guess_encoding(bytes) {
                Some(enc) => format!(
                    "the bytes look like {enc}; convert the file to UTF-8, e.g. `iconv -f {} -t UTF-8`",
                    if enc == "UTF-16" { "UTF-16" } else { "GB18030" }
                ),
                None => "save the file as UTF-8".to_string(),
            };
            d = d.hint(hint);
            Err(d)
        }
    }
}

/// A guess at a legacy encoding, from byte patterns alone.
fn guess_encoding(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Some("UTF-16");
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let zeros = sample.iter().filter(|b| **b == 0).count();
    if sample.len() >= 4 && zeros * 4 >= sample.len() {
        return Some("UTF-16");
    }
    if looks_like_gb18030(sample) {
        return Some("GB18030/GBK");
    }
    None
}

/// True when every non-ASCII byte forms a valid GB18030 two- or four-byte sequence.
fn looks_like_gb18030(b: &[u8]) -> bool {
    let mut i = 0;
    let mut multibyte = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            i += 1;
            continue;
        }
        if !(0x81..=0xFE).contains(&c) || i + 1 >= b.len() {
            // A sequence cut by the sample window is fine at the very end.
            return i + 1 >= b.len() && multibyte > 0;
        }
        let d = b[i + 1];
        if (0x40..=0xFE).contains(&d) && d != 0x7F {
            i += 2;
        } else if (0x30..=0x39).contains(&d)
            && i + 3 < b.len()
            && (0x81..=0xFE).contains(&b[i + 2])
            && (0x30..=0x39).contains(&b[i + 3])
        {
            i += 4;
        } else {
            return false;
        }
        multibyte += 1;
    }
    multibyte > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_bytes_get_a_gbk_hint_and_a_line() {
        // "标题" in GBK is B1 EA CC E2.
        let d = decode(b"---\ntitle: \xB1\xEA\xCC\xE2\n".to_vec(), "content/a.md").unwrap_err();
        assert_eq!(d.location, Some(Location::at("content/a.md", 2, 8)));
        assert!(d.hint.unwrap_or_default().contains("GB18030/GBK"));
    }

    #[test]
    fn utf16_gets_a_utf16_hint() {
        let d = decode(vec![0xFF, 0xFE, b'-', 0, b'-', 0], "a.md").unwrap_err();
        assert!(d.hint.unwrap_or_default().contains("UTF-16"));
    }

    #[test]
    fn bom_is_removed() {
        assert_eq!(decode("\u{feff}---".as_bytes().to_vec(), "a").unwrap(), "---");
    }
}
