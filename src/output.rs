//! Stage 6: output. Collects every file the build produces into one [`Output`] (checking for
//! path collisions) and writes it atomically.
//!
//! The write goes into a staging folder beside the output folder, which is swapped in only
//! when every file is written; a failed build leaves the previous output byte-identical and
//! removes its staging folder. This stage refuses output folders it could destroy: the site
//! root or anything above it, `content/` and the other input folders, and any non-empty
//! folder that does not carry the marker a previous build left. It never deletes a folder it
//! did not create.

use crate::diagnostics::{Diagnostic, Location};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Written into every output folder so a later build knows it may replace it.
pub const MARKER: &str = ".gazette-build";
const MARKER_TEXT: &str = "This folder is written by `gazette build` and replaced on every build.\n";

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
}

/// One output file and the input it came from (for collision messages).
#[derive(Debug, Clone)]
pub struct OutFile {
    /// Contents.
    pub body: Body,
    /// The source file, as shown to users.
    pub origin: String,
}

/// Every file of a build, by output path (forward slashes, relative to the output root).
#[derive(Debug, Default, Clone)]
pub struct Output {
    /// Files by path.
    pub files: BTreeMap<String, OutFile>,
    lowercase: HashMap<String, String>,
}

impl Output {
    /// Adds a file. Two inputs producing the same path — or paths that differ only by case,
    /// which collide on macOS and Windows hosts — is an error naming both inputs.
    pub fn add(&mut self, path: String, body: Body, origin: &str) -> Result<(), Diagnostic> {
        let key = path.to_lowercase();
        if let Some(existing) = self.lowercase.get(&key) {
            let other = self.files.get(existing).map(|f| f.origin.clone()).unwrap_or_default();
            let same = existing == &path;
            let what = if same { "the same output path" } else { "output paths that differ only by case" };
            return Err(Diagnostic::error(format!("{origin} and {other} both produce {what}: `{path}`"))
                .at(Location::file(origin))
                .hint("change the `slug:` of one of them, or rename the file"));
        }
        self.lowercase.insert(key, path.clone());
        self.files.insert(path, OutFile { body, origin: origin.to_string() });
        Ok(())
    }

    /// Adds a file that may legitimately replace an earlier one (site static files override
    /// the theme's).
    pub fn replace(&mut self, path: String, body: Body, origin: &str) {
        if let Some(old) = self.lowercase.insert(path.to_lowercase(), path.clone()) {
            self.files.remove(&old);
        }
        self.files.insert(path, OutFile { body, origin: origin.to_string() });
    }

    /// The bytes of one file.
    pub fn read(&self, path: &str) -> Option<std::io::Result<Vec<u8>>> {
        self.files.get(path).map(|f| match &f.body {
            Body::Bytes(b) => Ok(b.clone()),
            Body::Static(b) => Ok(b.to_vec()),
            Body::Shared(b) => Ok(b.to_vec()),
            Body::File(p) => std::fs::read(p),
            Body::Written => Err(std::io::Error::other("already written to disk")),
        })
    }
}

/// Checks that `out` may be written for the site at `root`.
pub fn check_target(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root = absolute(root);
    let out_abs = absolute(out);
    let shown = out.display().to_string();
    if root.starts_with(&out_abs) {
        return Err(Diagnostic::error(format!("refusing to write into `{shown}`: it is the site root or contains it"))
            .hint("use an output folder inside the site, such as public/"));
    }
    for input in ["content", "themes", "templates", "static"] {
        if out_abs.starts_with(root.join(input)) {
            return Err(Diagnostic::error(format!("refusing to write into `{shown}`: it is inside {input}/"))
                .hint("use an output folder such as public/"));
        }
    }
    if out_abs.is_file() {
        return Err(Diagnostic::error(format!("output `{shown}` is a file, not a folder")));
    }
    if out_abs.is_dir() && !out_abs.join(MARKER).is_file() {
        let empty = std::fs::read_dir(&out_abs).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty {
            return Err(Diagnostic::error(format!(
                "refusing to replace `{shown}`: it is not empty and was not written by gazette"
            ))
            .hint(format!("empty it, or choose another --output; gazette's own output carries a {MARKER} file")));
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    // Canonicalise the longest existing prefix so `public/../x` and symlinks compare correctly.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|s| s.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

/// A staging folder beside the output folder. Files go in while the build runs; [`commit`]
/// swaps it into place. Dropped without a commit, it deletes itself, so a failed build leaves
/// no staging folder and the previous output untouched.
///
/// [`commit`]: Staging::commit
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    old: PathBuf,
    done: bool,
}

fn io_error(what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot {what} `{}`: {e}", p.display()))
}

impl Staging {
    /// Creates an empty staging folder for output folder `out`.
    pub fn create(out: &Path) -> Result<Staging, Diagnostic> {
        let out = absolute(out);
        let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.staging-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}"));
        std::fs::create_dir_all(&parent).map_err(|e| io_error("create", &parent, e))?;
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| io_error("remove", &dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| io_error("create", &dir, e))?;
        Ok(Staging { dir, out, old, done: false })
    }

    /// Writes one file, creating its folders. Safe to call from many threads.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let target = self.dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| io_error("write", &target, e))
    }

    /// Writes every file of `output` not written yet, then swaps the staging folder in.
    pub fn commit(mut self, output: &Output) -> Result<(), Diagnostic> {
        let timing = std::env::var_os("GAZETTE_TIMINGS").is_some();
        let t = std::time::Instant::now();
        write_tree(output, &self.dir)?;
        if timing {
            eprintln!("timing: write staging {} ms", t.elapsed().as_millis());
        }
        if self.out.exists() {
            std::fs::rename(&self.out, &self.old).map_err(|e| io_error("move aside", &self.out, e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.out) {
            // Put the previous output back before reporting.
            if self.old.exists() {
                let _ = std::fs::rename(&self.old, &self.out);
            }
            return Err(io_error("move into place", &self.out, e));
        }
        self.done = true;
        if self.old.exists() {
            let t = std::time::Instant::now();
            remove_tree(&self.old).map_err(|e| io_error("remove the previous output", &self.old, e))?;
            if timing {
                eprintln!("timing: remove previous output {} ms", t.elapsed().as_millis());
            }
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Writes `output` to `out` via a staging folder and a swap.
pub fn write(output: &Output, out: &Path) -> Result<(), Diagnostic> {
    Staging::create(out)?.commit(output)
}

/// Removes a folder we created, deleting files in parallel: on file systems mounted with
/// `discard`, unlinking tens of thousands of files one by one took longer than the build.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_type().is_dir() {
            dirs.push((entry.depth(), entry.into_path()));
        } else {
            files.push(entry.into_path());
        }
    }
    files.par_iter().try_for_each(std::fs::remove_file)?;
    // Deepest first, so each folder is empty when its turn comes.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    for (_, d) in dirs {
        std::fs::remove_dir(&d)?;
    }
    Ok(())
}

fn write_tree(output: &Output, dir: &Path) -> Result<(), Diagnostic> {
    std::fs::create_dir_all(dir).map_err(|e| Diagnostic::error(format!("cannot create `{}`: {e}", dir.display())))?;
    let mut dirs: Vec<PathBuf> =
        output.files.keys().filter_map(|p| Path::new(p).parent().map(|d| dir.join(d))).collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(|e| Diagnostic::error(format!("cannot create `{}`: {e}", d.display())))?;
    }
    std::fs::write(dir.join(MARKER), MARKER_TEXT)
        .map_err(|e| Diagnostic::error(format!("cannot write `{}`: {e}", dir.join(MARKER).display())))?;
    output.files.par_iter().try_for_each(|(path, file)| {
        let target = dir.join(path);
        let r = match &file.body {
            Body::Bytes(b) => std::fs::write(&target, b),
            Body::Static(b) => std::fs::write(&target, b),
            Body::Shared(b) => std::fs::write(&target, b),
            Body::File(src) => std::fs::copy(src, &target).map(|_| ()),
            Body::Written => Ok(()),
        };
        r.map_err(|e| Diagnostic::error(format!("cannot write `{path}` (from {}): {e}", file.origin)))
    })
}
