//! Stage 6: output. Collects every file the build produces into one [`Output`], checking
//! that each path can be written — no two inputs on one path, no file where another input
//! needs a folder, no name or path too long for the file system — and writes it
//! incrementally through a [`Staging`] folder.
//!
//! Only files whose bytes differ from what the previous build wrote ([`manifest`]) are
//! written, each into the staging folder beside the output and then renamed into place
//! ([`commit`]), so unchanged files keep their mtime and every file is whole however the
//! build ends; a failed build leaves the previous output byte-identical. This stage refuses
//! output folders it could destroy: the site root or anything above it, `content/` and the
//! other input folders, and any non-empty folder that neither carries the marker a previous
//! build left nor holds only files on the keep-list. It never deletes what it did not write:
//! it removes only files an earlier build wrote (and never one on the keep-list, [`keep`]), a
//! build waits while another build of the site runs ([`lock`]), and what a killed build left
//! beside the output is removed by the next one ([`recover`]).

mod commit;
pub mod keep;
pub mod lock;
pub mod manifest;
pub mod recover;
mod staging;

pub use commit::{Committed, PAUSE_VAR};
pub use manifest::{Previous, content_hash};
pub use staging::Staging;

use crate::diagnostics::{Diagnostic, Location, Spot};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Written into every output folder so a later build knows it may replace it.
pub const MARKER: &str = ".gazette-build";
const MARKER_TEXT: &str =
    "This folder is written by `gazette build`, which updates the files it wrote on every build.\n";

/// The longest path, in bytes, Linux accepts in a system call (`PATH_MAX` less its NUL).
const MAX_PATH: usize = 4095;
/// The longest file or folder name, in bytes, of every common file system.
const MAX_NAME: usize = 255;

/// The bytes of one output file.
#[derive(Debug, Clone)]
pub enum Body {
    /// Rendered in memory.
    Bytes(Vec<u8>),
    /// Copied from a file on disk.
    File(PathBuf),
    /// Compiled into the binary (the embedded theme's static files).
    Static(&'static [u8]),
    /// Shared with a cache (`gazette serve` reuses unchanged pages without copying them).
    Shared(std::sync::Arc<[u8]>),
    /// Already written into the staging folder while rendering (large sites never hold all
    /// their HTML in memory); listed here only so collisions are still detected.
    Written,
    /// Keep the file already at this path in the output: [`Previous::intact`] vouched that it
    /// holds exactly these bytes. The commit leaves it alone (its mtime stays) and the new
    /// manifest carries its old entry.
    Unchanged,
}

/// One output file and the input it came from (for collision messages).
#[derive(Debug, Clone)]
pub struct OutFile {
    /// Contents.
    pub body: Body,
    /// The source file, as shown to users.
    pub origin: String,
    /// Where in a source the path was asked for (a `slug:` or `aliases:` entry, or the file),
    /// so a problem with the path points there; `None` for generated files.
    pub at: Option<Spot>,
}

/// Every file of a build, by output path (forward slashes, relative to the output root).
#[derive(Debug, Clone)]
pub struct Output {
    /// Files by path.
    pub files: BTreeMap<String, OutFile>,
    /// Files by [`fold`]ed path.
    folded: HashMap<String, String>,
    /// Every folder the files need ([`fold`]ed) → one file inside it.
    folders: HashMap<String, String>,
    /// Bytes a path may have below the output folder.
    room: usize,
    /// Problems found by [`Output::replace`], which cannot refuse a file.
    problems: Vec<Diagnostic>,
}

impl Default for Output {
    fn default() -> Self {
        Output::with_room(MAX_PATH)
    }
}

impl Output {
    /// An empty output whose paths may have `room` bytes (see [`path_room`]).
    pub fn with_room(room: usize) -> Output {
        Output { files: BTreeMap::new(), folded: HashMap::new(), folders: HashMap::new(), room, problems: Vec::new() }
    }

    /// Adds a file. Two inputs producing the same path — or paths that differ only by case
    /// or Unicode form ([`fold`]), which collide on macOS and Windows hosts — is an error
    /// naming both inputs, and so is a file where another input needs a folder, or a path no
    /// file system can hold.
    pub fn add(&mut self, path: String, body: Body, origin: &str) -> Result<(), Diagnostic> {
        self.add_at(path, body, origin, None)
    }

    /// [`Output::add`], for a path asked for at `at` in a source file (errors point there).
    pub fn add_at(&mut self, path: String, body: Body, origin: &str, at: Option<Spot>) -> Result<(), Diagnostic> {
        self.check(&path, origin, at.as_ref())?;
        let key = fold(&path);
        if let Some((existing, other)) = self.folded.get(&key).and_then(|p| self.files.get_key_value(p)) {
            let same = existing == &path;
            let what =
                if same { "the same output path" } else { "output paths that differ only by case or Unicode form" };
            let d = Diagnostic::error(format!("{origin} and {} both produce {what}: `{}`", other.origin, shown(&path)))
                .hint("change the `slug:` or the alias of one of them, or rename a file");
            return Err(locate(d, at.as_ref(), other.at.as_ref(), origin));
        }
        self.folder_clash(&path, origin, at.as_ref())?;
        self.insert(path, body, origin, at);
        Ok(())
    }

    /// Adds a file that may legitimately replace an earlier one (site static files override
    /// the theme's). Other problems with its path are kept for [`Output::take_problems`].
    pub fn replace(&mut self, path: String, body: Body, origin: &str) {
        let at = Some(Spot::file(origin));
        if let Err(d) =
            self.check(&path, origin, at.as_ref()).and_then(|()| self.folder_clash(&path, origin, at.as_ref()))
        {
            self.problems.push(d);
            return;
        }
        if let Some(old) = self.folded.get(&fold(&path)).cloned() {
            self.files.remove(&old);
        }
        self.insert(path, body, origin, at);
    }

    /// Problems [`Output::replace`] found.
    pub fn take_problems(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.problems)
    }

    fn insert(&mut self, path: String, body: Body, origin: &str, at: Option<Spot>) {
        let key = fold(&path);
        for (i, _) in key.match_indices('/') {
            match self.folders.get_mut(&key[..i]) {
                // A file [`Output::replace`] dropped no longer vouches for its folders.
                Some(f) if !self.files.contains_key(f.as_str()) => f.clone_from(&path),
                Some(_) => {}
                None => {
                    self.folders.insert(key[..i].to_string(), path.clone());
                }
            }
        }
        self.folded.insert(key, path.clone());
        self.files.insert(path, OutFile { body, origin: origin.to_string(), at });
    }

    /// A name longer than file systems allow, a path longer than the kernel accepts, or a
    /// NUL (which no file name can hold).
    fn check(&self, path: &str, origin: &str, at: Option<&Spot>) -> Result<(), Diagnostic> {
        let hint = "shorten the `slug:`, the alias or the file name";
        let fail = |d: Diagnostic| Err(locate(d, at, None, origin));
        if path.contains('\0') {
            return fail(Diagnostic::error(format!("output path `{}` (from {origin}) contains a NUL", shown(path))));
        }
        if let Some(name) = path.split('/').find(|n| n.len() > MAX_NAME) {
            let d = Diagnostic::error(format!(
                "output path `{}` (from {origin}) has a name of {} bytes; file systems allow at most {MAX_NAME}",
                shown(path),
                name.len()
            ));
            return fail(d.hint(hint));
        }
        // A host's own files live in `.git/`; a page written there would change the repository
        // the site is deployed from (`aliases: [/.git/hooks/]`).
        if path.split('/').any(|n| n.eq_ignore_ascii_case(".git")) {
            let d = Diagnostic::error(format!(
                "output path `{}` (from {origin}) is inside a `.git` folder, which belongs to the deployment, not the site",
                shown(path)
            ));
            return fail(d.hint(
                "change the `slug:`, the alias or the folder name; no URL of the site may pass through `.git/`",
            ));
        }
        if path.len() > self.room {
            let d = Diagnostic::error(format!(
                "output path `{}` (from {origin}) is {} bytes long; inside the output folder a path may have {}",
                shown(path),
                path.len(),
                self.room
            ));
            return fail(d.hint(hint));
        }
        Ok(())
    }

    /// A file where another file needs a folder, or the other way round.
    fn folder_clash(&self, path: &str, origin: &str, at: Option<&Spot>) -> Result<(), Diagnostic> {
        let key = fold(path);
        let hint = "change the `slug:` or the alias, or rename the file, so that no output file takes the name of a folder another one needs";
        if let Some((inside, other)) = self.folders.get(&key).and_then(|p| self.files.get_key_value(p)) {
            let d = Diagnostic::error(format!(
                "`{}` cannot be both a file (from {origin}) and a folder (for `{}` from {})",
                shown(path),
                shown(inside),
                other.origin
            ));
            return Err(locate(d.hint(hint), at, other.at.as_ref(), origin));
        }
        for (i, _) in key.match_indices('/') {
            if let Some((file, other)) = self.folded.get(&key[..i]).and_then(|p| self.files.get_key_value(p)) {
                let d = Diagnostic::error(format!(
                    "`{}` cannot be both a file (from {}) and a folder (for `{}` from {origin})",
                    shown(file),
                    other.origin,
                    shown(path)
                ));
                return Err(locate(d.hint(hint), at, other.at.as_ref(), origin));
            }
        }
        Ok(())
    }

    /// The bytes of one file.
    pub fn read(&self, path: &str) -> Option<std::io::Result<Vec<u8>>> {
        self.files.get(path).map(|f| match &f.body {
            Body::Bytes(b) => Ok(b.clone()),
            Body::Static(b) => Ok(b.to_vec()),
            Body::Shared(b) => Ok(b.to_vec()),
            Body::File(p) => std::fs::read(p),
            Body::Written => Err(std::io::Error::other("already written to disk")),
            Body::Unchanged => Err(std::io::Error::other("left as the previous build wrote it")),
        })
    }
}

/// `path` as a case-insensitive, normalisation-insensitive file system compares names
/// (macOS by default, Windows): in NFC, each letter case-folded. Lowercasing alone missed
/// pairs such as `µ`/`μ`, `ſ`/`s` or `ς`/`σ`, whose pages would overwrite each other there.
/// The Turkish dotless `ı` stays apart from `i`, as in Unicode's default folding.
fn fold(path: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(path.len());
    for c in path.nfc() {
        let mut upper = c.to_uppercase();
        match (upper.next(), upper.next()) {
            // The upper case of one letter, lowercased, is the one form its variants share.
            (Some(u), None) if c != 'ı' => out.extend(u.to_lowercase()),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Points `d` at the first of the spots that names a line (a `slug:` or `aliases:` entry),
/// else at the first known, else at the file `origin`.
fn locate(d: Diagnostic, first: Option<&Spot>, second: Option<&Spot>, origin: &str) -> Diagnostic {
    let line = |s: &&Spot| s.location.line > 0;
    match first.filter(line).or(second.filter(line)).or(first).or(second) {
        Some(spot) => d.at_spot(spot),
        None => d.at(Location::file(origin)),
    }
}

/// An output path for a message: control characters escaped, very long names shortened.
pub fn shown(path: &str) -> String {
    path.split('/')
        .map(|name| {
            let escaped = name.escape_debug().to_string();
            match escaped.char_indices().nth(40) {
                Some((i, _)) => format!("{}…", &escaped[..i]),
                None => escaped,
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The bytes a path below the output folder `out` may have, so that the same path inside its
/// staging folder still fits in [`MAX_PATH`].
pub fn path_room(out: &Path) -> usize {
    let abs = absolute(out);
    let name = abs.file_name().map_or(6, |n| n.len());
    let parent = abs.parent().map_or(0, |p| p.as_os_str().len());
    // `/.{name}.staging-{pid}/`, with room for any pid.
    MAX_PATH.saturating_sub(parent + name + ".staging-".len() + 10 + 3)
}

/// Checks that `out` may be written for the site at `root`: a folder holding anything but
/// gazette's own output and files on the keep-list is refused.
pub fn check_target(root: &Path, out: &Path, keep: &keep::Keep) -> Result<(), Diagnostic> {
    let root = absolute(root);
    let out_abs = absolute(out);
    let shown = out.display().to_string();
    if root.starts_with(&out_abs) {
        return Err(Diagnostic::error(format!("refusing to write into `{shown}`: it is the site root or contains it"))
            .hint("use an output folder inside the site, such as public/"));
    }
    for input in ["content", "themes", "templates", "static"] {
        // Resolved, so that a `content` link to a folder elsewhere still covers that folder.
        if out_abs.starts_with(absolute(&root.join(input))) {
            return Err(Diagnostic::error(format!("refusing to write into `{shown}`: it is inside {input}/"))
                .hint("use an output folder such as public/"));
        }
    }
    if out_abs.is_file() {
        return Err(Diagnostic::error(format!("output `{shown}` is a file, not a folder")));
    }
    if out_abs.is_dir() && !out_abs.join(MARKER).is_file() && !keep.holds_only_kept(&out_abs) {
        return Err(Diagnostic::error(format!(
            "refusing to replace `{shown}`: it is not empty and was not written by gazette"
        ))
        .hint(format!("empty it, or choose another --output; gazette's own output carries a {MARKER} file")));
    }
    Ok(())
}

/// `p` made absolute and resolved one component at a time: symlinks and `..` in the part that
/// exists as the kernel resolves them, `.` and `..` in the part still to be created as they will
/// resolve once it is. `nothere/..` is the folder holding `nothere`, never a path whose last
/// name is `..` (that once let a build plan the site root's `.git` as a kept file of the
/// output, and move it, before a rename refused the root).
pub(crate) fn absolute(p: &Path) -> PathBuf {
    use std::path::Component;
    let abs = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    let mut out = PathBuf::new();
    for part in abs.components() {
        match part {
            Component::CurDir => {}
            // `out` is canonical, or lies below a folder that does not exist yet: either way
            // its parent is what `..` names.
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
            Component::Prefix(_) | Component::RootDir => out.push(part),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(out: &mut Output, path: &str, origin: &str) -> Result<(), String> {
        out.add(path.into(), Body::Bytes(Vec::new()), origin).map_err(|d| d.message)
    }

    #[test]
    fn a_file_where_another_needs_a_folder_is_refused_in_either_order() {
        let mut out = Output::default();
        add(&mut out, "news/atom.xml", "feeds").unwrap();
        assert_eq!(
            add(&mut out, "News/atom.xml/index.html", "content/news/a.md").unwrap_err(),
            "`news/atom.xml` cannot be both a file (from feeds) and a folder (for `News/atom.xml/index.html` from content/news/a.md)"
        );
        add(&mut out, "kb/x/index.html", "content/kb/x.md").unwrap();
        assert_eq!(
            add(&mut out, "kb/x", "content/kb/x").unwrap_err(),
            "`kb/x` cannot be both a file (from content/kb/x) and a folder (for `kb/x/index.html` from content/kb/x.md)"
        );
        out.replace("css/style.css".into(), Body::Bytes(Vec::new()), "themes/default/static/css/style.css");
        out.replace("css".into(), Body::Bytes(Vec::new()), "static/css");
        let problems: Vec<String> = out.take_problems().into_iter().map(|d| d.message).collect();
        assert_eq!(
            problems,
            [
                "`css` cannot be both a file (from static/css) and a folder (for `css/style.css` from themes/default/static/css/style.css)"
            ]
        );
        assert!(!out.files.contains_key("css"));
    }

    #[test]
    fn paths_one_on_case_insensitive_file_systems_collide_and_dotless_i_does_not() {
        let nfd = "cafe\u{301}/index.html";
        for (a, b) in [
            ("5µm.html", "5μm.html"),
            ("ſ/index.html", "S/index.html"),
            ("λόγος", "ΛΌΓΟΣ"),
            ("ǅ", "ǆ"),
            ("café/index.html", nfd),
        ] {
            let mut out = Output::default();
            add(&mut out, a, "content/a.md").unwrap();
            let err = add(&mut out, b, "content/b.md").unwrap_err();
            assert!(err.ends_with(&format!("differ only by case or Unicode form: `{}`", shown(b))), "{a} {b}: {err}");
        }
        let mut out = Output::default();
        add(&mut out, "sınır/index.html", "content/a.md").unwrap();
        assert_eq!(add(&mut out, "sinir/index.html", "content/b.md"), Ok(()));
    }

    #[test]
    fn names_and_paths_too_long_are_refused() {
        let mut out = Output::with_room(300);
        assert!(add(&mut out, &format!("{}/index.html", "x".repeat(255)), "a").is_ok());
        let long = add(&mut out, &format!("{}/index.html", "y".repeat(256)), "b").unwrap_err();
        assert!(long.ends_with("has a name of 256 bytes; file systems allow at most 255"), "{long}");
        let deep = add(&mut out, &format!("{0}/{0}/i.html", "z".repeat(150)), "c").unwrap_err();
        assert!(deep.ends_with("is 308 bytes long; inside the output folder a path may have 300"), "{deep}");
    }
}
