//! The staging folder: where a build writes, beside the output folder, before the swap.
//!
//! [`Staging::commit`] writes what is still in memory, carries the kept files of the old
//! output over ([`super::keep`]), then swaps: the output is renamed to `.NAME.old-PID`, the
//! staging folder to the output's name, and the old output is deleted. Every step that can
//! fail puts back what the steps before it moved, so a failed build leaves the previous
//! output as it was; a killed one leaves folders that the next build sorts out
//! ([`super::recover`]).

use super::keep::{self, Keep};
use super::{Body, MARKER, MARKER_TEXT, Output, absolute, shown};
use crate::diagnostics::Diagnostic;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// The output folder as the user named it, for messages.
    shown: String,
    done: bool,
    /// Kept files could not be moved back out of the staging folder: it must not be deleted.
    stranded: bool,
    /// Folders above the output that did not exist before this build, deepest first.
    made: Vec<PathBuf>,
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
    /// it, so that the next build can tell it is gazette's if this one is killed.
    pub fn create(out: &Path) -> Result<Staging, Diagnostic> {
        let shown = out.display().to_string();
        let out = absolute(out);
        let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let pid = std::process::id();
        let (dir, old) = (sibling(&out, "staging", pid), sibling(&out, "old", pid));
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
        let mut staging = Staging { dir, out, old, shown, done: false, stranded: false, made, _held: None };
        std::fs::write(staging.dir.join(MARKER), MARKER_TEXT).map_err(|e| io_error("write", &staging.dir, e))?;
        staging._held = hold_marker(&staging.dir);
        Ok(staging)
    }

    /// Writes one file, creating its folders. Safe to call from many threads. A caller that
    /// gets an error keeps the bytes: the path is checked against every other output path
    /// before the commit, which writes it again or reports the failure with its origin.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let target = self.dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, bytes)
    }

    /// Writes every file of `output` not written yet, carries the kept files of the previous
    /// output over, then swaps the staging folder in. Returns warnings about kept files the
    /// build replaced.
    pub fn commit(mut self, output: &Output, keep: &Keep) -> Result<Vec<Diagnostic>, Diagnostic> {
        let timing = std::env::var_os("GAZETTE_TIMINGS").is_some();
        let t = std::time::Instant::now();
        write_tree(output, &self.dir)?;
        if timing {
            eprintln!("timing: write staging {} ms", t.elapsed().as_millis());
        }
        let mut warnings = Vec::new();
        let mut moved = Vec::new();
        let mut old_held = None;
        if self.out.is_dir() {
            let plan = keep::plan(&self.out, &self.dir, keep)
                .map_err(|e| io_error("read the files to keep in", &self.out, e))?;
            if let Some(rel) = plan.clashes.first() {
                return Err(self.clash(output, rel));
            }
            warnings.extend(plan.replaced.iter().map(|rel| self.replaced(output, rel)));
            if let Err((message, back)) = keep::carry(&self.out, &self.dir, &plan.moves) {
                self.stranded = !back;
                return Err(self.failed(message));
            }
            moved = plan.moves;
            // The previous output becomes `.NAME.old-PID`: held like the staging folder until
            // it is deleted.
            old_held = hold_marker(&self.out);
            if let Err(e) = std::fs::rename(&self.out, &self.old) {
                self.undo(&moved);
                return Err(self.failed(format!("cannot move aside `{}`: {e}", self.out.display())));
            }
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.out) {
            // Put the previous output back before reporting.
            if self.old.exists() {
                let _ = std::fs::rename(&self.old, &self.out);
            }
            self.undo(&moved);
            return Err(self.failed(format!("cannot move into place `{}`: {e}", self.out.display())));
        }
        self.done = true;
        let _ = std::fs::remove_file(self.out.join(keep::JOURNAL));
        if self.old.exists() {
            let t = std::time::Instant::now();
            remove_tree(&self.old).map_err(|e| io_error("remove the previous output", &self.old, e))?;
            if timing {
                eprintln!("timing: remove previous output {} ms", t.elapsed().as_millis());
            }
        }
        drop(old_held);
        Ok(warnings)
    }

    fn undo(&mut self, moved: &[PathBuf]) {
        if keep::undo(&self.out, &self.dir, moved).is_err() {
            self.stranded = true;
        }
    }

    /// An error after kept files may have moved: says where they are when not back.
    fn failed(&self, message: String) -> Diagnostic {
        let d = Diagnostic::error(message);
        match self.stranded {
            true => d.hint(format!(
                "some kept files are still in `{}`: move them back into `{}` by hand",
                self.dir.display(),
                self.shown
            )),
            false => d.hint("the previous output was left as it was"),
        }
    }

    /// A kept path where the build writes the other kind (a file for a folder, or the reverse).
    fn clash(&self, output: &Output, rel: &Path) -> Diagnostic {
        let key = rel.to_string_lossy().replace('\\', "/");
        let folder = self.dir.join(rel).is_dir();
        let prefix = format!("{key}/");
        let origin = match folder {
            true => output.files.range(prefix.clone()..).next().filter(|(p, _)| p.starts_with(&prefix)),
            false => output.files.get_key_value(&key),
        }
        .map(|(_, f)| format!(" (from {})", f.origin))
        .unwrap_or_default();
        let (kind, other) = if folder { ("folder", "file") } else { ("file", "folder") };
        Diagnostic::error(format!(
            "cannot keep the {other} `{}/{}`: this build writes a {kind} there{origin}",
            self.shown,
            shown(&key)
        ))
        .hint("move it out of the output folder by hand, or stop the build writing that path; the previous output was left as it was")
    }

    /// A kept file the build replaces with different bytes.
    fn replaced(&self, output: &Output, rel: &Path) -> Diagnostic {
        let key = rel.to_string_lossy().replace('\\', "/");
        let file = output.files.get(&key);
        let origin = file.map(|f| format!(" (from {})", f.origin)).unwrap_or_default();
        let d = Diagnostic::warning(format!(
            "`{}/{}` differs from the file this build writes there{origin}: the build's file replaces it",
            self.shown,
            shown(&key)
        ))
        .hint("a kept file is carried into the new output only where the build writes nothing");
        match file.and_then(|f| f.at.as_ref()) {
            Some(spot) => d.at_spot(spot),
            None => d,
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done && !self.stranded {
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

/// Writes every file still in memory. A failure names the output path and where it came
/// from, not the staging folder.
fn write_tree(output: &Output, dir: &Path) -> Result<(), Diagnostic> {
    // One create per folder, each named by a file that needs it.
    let mut dirs: BTreeMap<&str, &str> = BTreeMap::new();
    for path in output.files.keys() {
        if let Some(i) = path.rfind('/') {
            dirs.entry(&path[..i]).or_insert(path);
        }
    }
    for (d, file) in dirs {
        std::fs::create_dir_all(dir.join(d)).map_err(|e| {
            let origin = output.files.get(file).map(|f| f.origin.as_str()).unwrap_or_default();
            Diagnostic::error(format!(
                "cannot create the folder `{}` (for `{}` from {origin}): {e}",
                shown(d),
                shown(file)
            ))
        })?;
    }
    output.files.par_iter().try_for_each(|(path, file)| {
        let target = dir.join(path);
        let r = match &file.body {
            Body::Bytes(b) => std::fs::write(&target, b),
            Body::Static(b) => std::fs::write(&target, b),
            Body::Shared(b) => std::fs::write(&target, b),
            Body::File(src) => std::fs::copy(src, &target).map(|_| ()),
            Body::Written => Ok(()),
        };
        r.map_err(|e| Diagnostic::error(format!("cannot write `{}` (from {}): {e}", shown(path), file.origin)))
    })
}
