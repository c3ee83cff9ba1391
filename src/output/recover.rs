//! Sorting out what a killed build left beside the output folder, before the next build.
//!
//! A build writes `.NAME.staging-PID` and, while swapping, renames the output to
//! `.NAME.old-PID`. Killed at any moment, it leaves one of these states, which the next build
//! (holding the build lock, so no other build is writing) resolves:
//!
//! - a staging folder, the output in place: kept files the staging folder took (listed in its
//!   journal, [`super::keep::JOURNAL`]) go back into the output, then the folder is removed;
//! - both folders and no output (killed between the two renames): the old output is renamed
//!   back — the interrupted build never finished, so the last good output is the one that
//!   stays — and the staging folder is dealt with as above;
//! - an old-output folder, the new output in place (killed while deleting it): it is removed.
//!
//! Only folders that are plainly gazette's are touched: the name pattern, and the output
//! marker inside (or no files at all: a removal cut short deletes the marker last). A build
//! holds an OS lock on the marker of each folder it uses ([`super::staging::hold_marker`]);
//! a marker nobody holds means the build is gone, even when its pid now belongs to another
//! process. Without a marker to ask, a folder is touched only when its pid is not running.
//! Each action is reported as a warning. A folder whose kept files cannot be put back is
//! left where it is, with a warning saying so.

use super::keep::{self, JOURNAL};
use super::staging::remove_tree;
use super::{MARKER, absolute};
use crate::diagnostics::Diagnostic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Resolves what killed builds left beside the output folder `out`.
pub fn recover(out: &Path) -> Vec<Diagnostic> {
    let shown = out.display().to_string();
    let out = absolute(out);
    let mut diags = Vec::new();
    let ours = |d: &Path| d.join(MARKER).is_file();
    for (pid, [staging, old]) in leftovers(&out, &["staging", "old"], ours, in_use) {
        let mut old = old;
        if let Some(o) = old.as_ref().filter(|_| !out.exists()) {
            match std::fs::rename(o, &out) {
                Ok(()) => {
                    diags.push(Diagnostic::warning(format!(
                        "restored `{shown}` from `{}`, where a build that was interrupted (pid {pid}) had moved it",
                        name(o)
                    )));
                    old = None;
                }
                Err(e) => {
                    // Both folders stay: nothing of the last good output may go.
                    diags.push(Diagnostic::warning(format!("cannot restore `{shown}` from `{}`: {e}", name(o))));
                    continue;
                }
            }
        }
        if let Some(s) = staging {
            diags.push(put_back(&s, &out, &shown, pid));
        }
        if let Some(o) = old {
            diags.push(removed(&o, pid, remove_tree(&o)));
        }
    }
    diags
}

/// Removes what a killed build left beside the search index folder `dir` (a cache: nothing
/// in it is the user's, so this is silent).
pub fn recover_index(dir: &Path) {
    let dir = absolute(dir);
    let tantivy = |d: &Path| d.join("meta.json").is_file();
    for (_, folders) in leftovers(&dir, &["tmp", "old"], tantivy, |_, pid| running(pid)) {
        for f in folders.into_iter().flatten() {
            let _ = std::fs::remove_dir_all(f);
        }
    }
}

/// Folders `.NAME.WHAT-PID` beside `target` that `ours` recognises (or that hold no file at
/// all) and that no live process uses (`live`), by pid, in the order of `what`.
fn leftovers(
    target: &Path,
    what: &[&str; 2],
    ours: impl Fn(&Path) -> bool,
    live: impl Fn(&Path, u32) -> bool,
) -> BTreeMap<u32, [Option<PathBuf>; 2]> {
    let mut found: BTreeMap<u32, [Option<PathBuf>; 2]> = BTreeMap::new();
    let (Some(parent), Some(name)) = (target.parent(), target.file_name().and_then(|n| n.to_str())) else {
        return found;
    };
    let Ok(entries) = std::fs::read_dir(parent) else { return found };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        for (k, w) in what.iter().enumerate() {
            let Some(pid) = file_name.strip_prefix(&format!(".{name}.{w}-")).and_then(parse_pid) else { continue };
            let path = entry.path();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && (ours(&path) || holds_no_file(&path)) && !live(&path, pid) {
                found.entry(pid).or_default()[k] = Some(path);
            }
        }
    }
    found
}

fn parse_pid(s: &str) -> Option<u32> {
    s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse().ok()).flatten()
}

/// Moves the kept files a staging folder took back into the output, then removes it.
fn put_back(staging: &Path, out: &Path, shown: &str, pid: u32) -> Diagnostic {
    let moves = keep::read_journal(&staging.join(JOURNAL));
    let mut left = Vec::new();
    match moves {
        Ok(moves) => {
            for rel in moves {
                let (from, to) = (staging.join(&rel), out.join(&rel));
                if std::fs::symlink_metadata(&from).is_err() {
                    continue;
                }
                let placed = match std::fs::symlink_metadata(&to) {
                    Ok(_) => Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists)),
                    Err(_) => {
                        to.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::rename(&from, &to))
                    }
                };
                if let Err(e) = placed {
                    left.push(format!("`{}`: {e}", rel.display()));
                }
            }
        }
        Err(e) => left.push(format!("`{JOURNAL}`: {e}")),
    }
    if left.is_empty() {
        return removed(staging, pid, remove_tree(staging));
    }
    Diagnostic::warning(format!(
        "left `{}` in place: it holds files kept from `{shown}` that could not be put back ({})",
        name(staging),
        left.join("; ")
    ))
    .hint(format!("move them back into `{shown}` by hand, then delete the folder"))
}

fn removed(dir: &Path, pid: u32, result: std::io::Result<()>) -> Diagnostic {
    match result {
        Ok(()) => Diagnostic::warning(format!(
            "removed `{}`, left behind by a build that was interrupted (pid {pid})",
            name(dir)
        )),
        Err(e) => {
            Diagnostic::warning(format!("cannot remove `{}`, left behind by an interrupted build: {e}", name(dir)))
        }
    }
}

fn name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// True when nothing under `dir` is a file (a removal cut short after the marker went).
fn holds_no_file(dir: &Path) -> bool {
    walkdir::WalkDir::new(dir).follow_links(false).into_iter().all(|e| e.is_ok_and(|e| e.file_type().is_dir()))
}

/// Whether the build that left the output-side folder `dir` may still be using it: its
/// marker is locked, or, where there is no marker lock to ask, its pid is running.
fn in_use(dir: &Path, pid: u32) -> bool {
    match marker_locked(dir) {
        Some(locked) => locked,
        None => running(pid),
    }
}

/// `Some(true)` when a process holds the lock on the marker in `dir`, `Some(false)` when
/// nobody does; `None` without a marker or a way to lock it.
fn marker_locked(dir: &Path) -> Option<bool> {
    if cfg!(not(unix)) {
        return None;
    }
    let file = std::fs::File::open(dir.join(MARKER)).ok()?;
    match file.try_lock() {
        // Released as `file` closes.
        Ok(()) => Some(false),
        Err(std::fs::TryLockError::WouldBlock) => Some(true),
        Err(std::fs::TryLockError::Error(_)) => None,
    }
}

/// Whether process `pid` is running. This process's own pid counts as not running: its
/// folders, if any, were left by an earlier process that had the same pid.
fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    #[cfg(unix)]
    {
        let Ok(p) = libc::pid_t::try_from(pid) else { return false };
        if p <= 0 {
            return false;
        }
        // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
        let r = unsafe { libc::kill(p, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        // No cheap way to ask: never touch another pid's folders.
        true
    }
}
