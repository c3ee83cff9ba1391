//! The staging folder: where a build writes, beside the output folder, before the commit.
//!
//! A file is written here only when its bytes differ from what the previous build left in the
//! output ([`super::manifest::Previous::intact`]); an unchanged file is not written at all.
//! [`Staging::commit`] ([`super::commit`]) then renames each new file into place. The staging
//! folder is on the same file system as the output (it sits beside it), so every rename is
//! atomic and every file in the output is whole, old or new, however the build ends. A failed
//! build never touches the output; a killed one leaves a folder that the next build removes
//! ([`super::recover`]).

use super::manifest::{Entry, Previous, content_hash};
use super::{Body, MARKER, MARKER_TEXT, absolute};
use crate::diagnostics::Diagnostic;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A staging folder beside the output folder. Files go in while the build runs; [`commit`]
/// moves them into place. Dropped without a commit, it deletes itself, so a failed build
/// leaves no staging folder and the previous output untouched.
///
/// [`commit`]: Staging::commit
#[derive(Debug)]
pub struct Staging {
    pub(super) dir: PathBuf,
    pub(super) out: PathBuf,
    /// The output folder as the user named it, for messages.
    pub(super) shown: String,
    pub(super) done: bool,
    /// Folders above the output that did not exist before this build, deepest first.
    made: Vec<PathBuf>,
    /// What the previous build wrote, to skip files whose bytes are unchanged.
    pub(super) previous: Previous,
    /// Files written into this folder, with their hash and metadata (kept by the rename).
    pub(super) staged: Mutex<HashMap<String, Entry>>,
    /// The staging folder's marker, locked while this build may use the folder
    /// ([`hold_marker`]).
    _held: Option<std::fs::File>,
}
/// Opens the marker in `dir` and locks it, so that recovery in another process leaves `dir`
/// alone while this one lives: the OS drops the lock however the process ends, where a pid
/// can be reused by any process and keep a dead build's folders from being recovered.
/// `None` where the lock cannot be had (a file system without locks): recovery then goes by
/// the pid alone.
pub(super) fn hold_marker(dir: &Path) -> Option<std::fs::File> {
    // Elsewhere an open file can stop its folder being renamed; there, recovery never touches
    // a folder whose pid it cannot check.
    if cfg!(not(unix)) {
        return None;
    }
    let file = std::fs::File::open(dir.join(MARKER)).ok()?;
    file.try_lock().ok()?;
    Some(file)
}

/// `.NAME.WHAT-PID` beside the output folder `out` (absolute).
pub(super) fn sibling(out: &Path, what: &str, pid: u32) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.{what}-{pid}"))
}

fn io_error(what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot {what} `{}`: {e}", p.display()))
}

impl Staging {
    /// Creates an empty staging folder for output folder `out`, with the marker already in
    /// it, so that the next build can tell it is gazette's if this one is killed. `previous`
    /// says which files of the output need not be written again.
    pub fn create(out: &Path, previous: Previous) -> Result<Staging, Diagnostic> {
        let shown = out.display().to_string();
        let out = absolute(out);
        let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let dir = sibling(&out, "staging", std::process::id());
        // The folders above the output that this build creates, deepest first: a failed
        // build removes them again, so that it leaves nothing behind.
        let made: Vec<PathBuf> = parent.ancestors().take_while(|a| !a.exists()).map(Path::to_path_buf).collect();
        std::fs::create_dir_all(&parent).map_err(|e| io_error("create", &parent, e))?;
        if dir.exists() {
            // Recovery removes every stale staging folder but one holding files it could not
            // put back; those must not be deleted here either.
            return Err(Diagnostic::error(format!(
                "`{}` is left from an interrupted build and holds files kept from the output",
                dir.display()
            ))
            .hint(format!("move what it holds back into `{shown}` by hand, then delete it")));
        }
        std::fs::create_dir(&dir).map_err(|e| io_error("create", &dir, e))?;
        let mut staging =
            Staging { dir, out, shown, done: false, made, previous, staged: Mutex::new(HashMap::new()), _held: None };
        std::fs::write(staging.dir.join(MARKER), MARKER_TEXT).map_err(|e| io_error("write", &staging.dir, e))?;
        staging._held = hold_marker(&staging.dir);
        Ok(staging)
    }

    /// Stages one file, unless the output already holds exactly these bytes there: returns
    /// [`Body::Unchanged`] then, else [`Body::Written`]. Safe to call from many threads. A
    /// caller that gets an error keeps the bytes: the path is checked against every other
    /// output path before the commit, which stages it again or reports the failure with its
    /// origin.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<Body> {
        let hash = content_hash(bytes);
        if self.previous.intact(rel) == Some(hash) {
            return Ok(Body::Unchanged);
        }
        let target = self.dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = std::fs::File::create(&target)?;
        file.write_all(bytes)?;
        // Taken from the open file after the last write: the rename into place keeps both
        // the inode and the mtime, so this is what the next build finds on disk.
        let entry = Entry::new(hash, &file.metadata()?);
        self.staged.lock().map_err(|_| std::io::Error::other("a writer panicked"))?.insert(rel.to_string(), entry);
        Ok(Body::Written)
    }

    /// `Some(hash)` when the output already holds, at `rel`, exactly the file the previous
    /// build wrote there ([`Previous::intact`]): a caller that knows those bytes are still
    /// right lists it as [`Body::Unchanged`] without making them again.
    pub fn intact(&self, rel: &str) -> Option<u128> {
        self.previous.intact(rel)
    }

    /// Where a staged file is.
    pub(super) fn staged_path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Removes the (by now empty) staging folder after a commit.
    pub(super) fn finish(&mut self) -> std::io::Result<()> {
        self.done = true;
        remove_tree(&self.dir)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
            // Only while empty: another process may have put something there meanwhile.
            for d in &self.made {
                let _ = std::fs::remove_dir(d);
            }
        }
    }
}

/// Removes a folder gazette wrote, deleting files in parallel: on file systems mounted with
/// `discard`, unlinking tens of thousands of files one by one took longer than the build.
/// The marker goes last, so a removal cut short leaves a folder the next build still
/// recognises as its own.
pub(super) fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_type().is_dir() {
            dirs.push((entry.depth(), entry.into_path()));
        } else if !(entry.depth() == 1 && entry.file_name() == MARKER) {
            files.push(entry.into_path());
        }
    }
    files.par_iter().try_for_each(std::fs::remove_file)?;
    match std::fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    // Deepest first, so each folder is empty when its turn comes.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    for (_, d) in dirs {
        std::fs::remove_dir(&d)?;
    }
    Ok(())
}
