//! The commit: moving a build's new files into the output folder, one rename each.
//!
//! In order, so that a build killed at any moment leaves every file whole and the next build
//! converges on the clean-build output:
//!
//! 1. stage what is still in memory (skipping files whose bytes are unchanged);
//! 2. find what must go (files an earlier build wrote and this one no longer produces) and
//!    every clash with a file or folder Gazette did not write — an error here changes nothing;
//! 3. write the new manifest as `pending` ([`super::manifest`]): from now on the next build
//!    owns every path of either manifest;
//! 4. remove the stale files, then rename each new file into place (a first build, with no
//!    output folder yet, renames the whole staging folder instead);
//! 5. write the list of changes, then make `pending` the manifest.
//!
//! It never deletes a file no build wrote, nor one on the keep-list, nor a folder that still
//! holds anything.

use super::keep::Keep;
use super::manifest::{self, CHANGES, Entry, MANIFEST, PENDING, state_dir};
use super::staging::Staging;
use super::{Body, MARKER, MARKER_TEXT, Output, shown};
use crate::diagnostics::Diagnostic;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What a commit did to the output folder.
#[derive(Debug, Default, Clone)]
pub struct Committed {
    /// Warnings (files Gazette did not write, replaced by the build's).
    pub warnings: Vec<Diagnostic>,
    /// Files written (new or changed bytes).
    pub written: usize,
    /// Files left as they were: the same bytes were already there.
    pub unchanged: usize,
    /// Files an earlier build wrote that this one no longer produces, removed.
    pub removed: usize,
}

/// The environment variable that stops a debug build at a point of the commit, for the tests
/// that kill a build there: `staged`, `pending`, `commit:N` (after N renames) or `manifest`.
/// Release builds ignore it.
pub const PAUSE_VAR: &str = "GAZETTE_TEST_PAUSE_AT";

impl Staging {
    /// Stages every file of `output` not staged yet, then moves the new files into the output
    /// folder and removes those no build produces any more (see the module documentation).
    /// Errors found before the output changes leave it as it was.
    pub fn commit(mut self, output: &Output, keep: &Keep) -> Result<Committed, Diagnostic> {
        let timing = std::env::var_os("GAZETTE_TIMINGS").is_some();
        let t = std::time::Instant::now();
        let written = self.stage_rest(output)?;
        let entries = self.new_manifest(output, &written)?;
        if timing {
            eprintln!("timing: stage {} ms", t.elapsed().as_millis());
        }
        pause("staged");
        let owned = self.owned(keep).map_err(|e| io_error("read", &self.out, e))?;
        let mut done = Committed { unchanged: entries.len() - written.len(), ..Committed::default() };
        let stale = self.stale(&owned, &entries, keep, &mut done.warnings);
        done.warnings.extend(self.check_places(output, &written, &owned, &stale, keep)?);
        // From here on the output changes; the pending manifest says what it is becoming.
        let state = state_dir(&self.out);
        manifest::write(&state.join(PENDING), &entries).map_err(|e| io_error("write", &state.join(PENDING), e))?;
        pause("pending");
        if self.out.exists() {
            self.mark_output()?;
            done.removed = self.remove_stale(&stale)?;
            self.move_in(output, &written)?;
        } else {
            // A first build: the staging folder (marker and every file in it) becomes the
            // output in one rename, instead of one per file.
            std::fs::rename(&self.dir, &self.out).map_err(|e| io_error("move into place", &self.out, e))?;
            self.done = true;
        }
        pause("manifest");
        let changes = changes(&self.previous, &entries);
        manifest::write_whole(&state.join(CHANGES), changes.as_bytes())
            .map_err(|e| io_error("write", &state.join(CHANGES), e))?;
        let entries = self.placed(entries, &written);
        manifest::write(&state.join(MANIFEST), &entries).map_err(|e| io_error("write", &state.join(MANIFEST), e))?;
        match std::fs::remove_file(state.join(PENDING)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(io_error("remove", &state.join(PENDING), e));
            }
            _ => {}
        }
        done.written = written.len();
        if !self.done {
            self.finish().map_err(|e| io_error("remove", &self.dir, e))?;
        }
        if timing {
            eprintln!("timing: commit {} ms", t.elapsed().as_millis());
        }
        Ok(done)
    }

    /// Stages the files still in memory or on disk elsewhere; returns the paths staged (by
    /// this or earlier writes), the rest being unchanged.
    fn stage_rest(&self, output: &Output) -> Result<BTreeSet<String>, Diagnostic> {
        let placed: Vec<(&String, bool)> = output
            .files
            .par_iter()
            .map(|(path, file)| {
                let r = match &file.body {
                    Body::Bytes(b) => self.write(path, b),
                    Body::Static(b) => self.write(path, b),
                    Body::Shared(b) => self.write(path, b),
                    Body::File(src) => std::fs::read(src).and_then(|b| self.write(path, &b)),
                    Body::Written => Ok(Body::Written),
                    Body::Unchanged => Ok(Body::Unchanged),
                };
                match r {
                    Ok(body) => Ok((path, matches!(body, Body::Written))),
                    Err(e) => {
                        Err(Diagnostic::error(format!("cannot write `{}` (from {}): {e}", shown(path), file.origin)))
                    }
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(placed.into_iter().filter(|(_, w)| *w).map(|(p, _)| p.clone()).collect())
    }

    /// The manifest of the output as this commit leaves it: staged files as written, the
    /// others with the entry of the build that wrote them.
    fn new_manifest(&self, output: &Output, written: &BTreeSet<String>) -> Result<BTreeMap<String, Entry>, Diagnostic> {
        let staged = self.staged.lock().map_err(|_| Diagnostic::error("a writer of the staging folder panicked"))?;
        let mut entries = BTreeMap::new();
        for path in output.files.keys() {
            let entry = match written.contains(path) {
                true => staged.get(path).copied(),
                false => self.previous.vouched(path).or_else(|| self.previous.intact_entry(path)),
            };
            let Some(entry) = entry else {
                return Err(Diagnostic::error(format!(
                    "`{}/{}` changed on disk while the build ran",
                    self.shown,
                    shown(path)
                ))
                .hint("build again; the output was left as it was"));
            };
            entries.insert(path.clone(), entry);
        }
        Ok(entries)
    }

    /// The paths Gazette wrote into the output: those of the manifests, or, for an output an
    /// older Gazette wrote (its marker and no state folder), every file not on the keep-list,
    /// as that Gazette replaced them all on every build.
    fn owned(&self, keep: &Keep) -> std::io::Result<BTreeSet<String>> {
        if !self.previous.legacy() {
            return Ok(self.previous.owned().into_iter().map(str::to_string).collect());
        }
        Ok(keep.unkept_files(&self.out)?.into_iter().filter(|p| p != MARKER).collect())
    }

    /// The files to remove: owned, not produced by this build, not kept, and still exactly
    /// as the build that wrote them left them ([`super::Previous::check`]; an adopted older
    /// output has no entries, its files are all Gazette's). A file below a link, or changed
    /// since, stays, with a warning in `warnings`.
    fn stale(
        &self,
        owned: &BTreeSet<String>,
        entries: &BTreeMap<String, Entry>,
        keep: &Keep,
        warnings: &mut Vec<Diagnostic>,
    ) -> BTreeSet<String> {
        let mut stale = BTreeSet::new();
        for p in owned.iter().filter(|p| !entries.contains_key(p.as_str()) && !keep.holds(p)) {
            if let Some(link) = manifest::linked_folder(&self.out, p) {
                warnings.push(
                    self.left(p, &format!("`{}/{}` is a link, which is never followed", self.shown, shown(&link))),
                );
                continue;
            }
            match std::fs::symlink_metadata(self.out.join(p)) {
                Ok(m) if m.is_dir() => {}
                Ok(_) if self.previous.legacy() || self.previous.check(p).is_some() => {
                    stale.insert(p.clone());
                }
                Ok(_) => warnings.push(self.left(p, "it has changed since an earlier build wrote it")),
                Err(_) => {}
            }
        }
        stale
    }

    /// A file an earlier build wrote, which this one no longer produces, left in place.
    fn left(&self, rel: &str, why: &str) -> Diagnostic {
        let at = format!("{}/{}", self.shown, shown(rel));
        Diagnostic::warning(format!("`{at}` is no longer produced by the build but is left in place: {why}"))
            .hint("delete it by hand if it should go")
            .at(crate::diagnostics::Location::file(at))
    }

    /// `entries` with each file this build wrote stated again where it now lies: the rename
    /// into place moved its change time. A file that is no longer the one staged keeps its
    /// staged entry, which the next build will not trust.
    fn placed(&self, entries: BTreeMap<String, Entry>, written: &BTreeSet<String>) -> BTreeMap<String, Entry> {
        entries
            .into_par_iter()
            .map(|(path, e)| {
                if !written.contains(&path) || manifest::linked_folder(&self.out, &path).is_some() {
                    return (path, e);
                }
                match std::fs::symlink_metadata(self.out.join(&path)) {
                    Ok(m) if e.matches(&m) => (path, Entry::placed(e.hash, &m)),
                    _ => (path, e),
                }
            })
            .collect()
    }

    /// Finds, before anything changes, where a new file would replace a folder or need a
    /// folder where the output holds something Gazette did not write (an error), and files
    /// Gazette did not write that a new file replaces with other bytes (a warning).
    fn check_places(
        &self,
        output: &Output,
        written: &BTreeSet<String>,
        owned: &BTreeSet<String>,
        stale: &BTreeSet<String>,
        keep: &Keep,
    ) -> Result<Vec<Diagnostic>, Diagnostic> {
        let mut warnings = Vec::new();
        let mut folders: BTreeSet<&str> = BTreeSet::new();
        let origin = |p: &str| output.files.get(p).map(|f| format!(" (from {})", f.origin)).unwrap_or_default();
        for path in written {
            for (i, _) in path.match_indices('/') {
                let folder = &path[..i];
                if !folders.insert(folder) {
                    continue;
                }
                match std::fs::symlink_metadata(self.out.join(folder)) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) if stale.contains(folder) => break,
                    Ok(_) => return Err(self.clash(folder, false, &origin(path))),
                    Err(_) => break,
                }
            }
            let target = self.out.join(path);
            match std::fs::symlink_metadata(&target) {
                Ok(m) if m.is_dir() && !holds_only(&target, path, stale) => {
                    return Err(self.clash(path, true, &origin(path)));
                }
                Ok(m) if m.is_dir() => {}
                Ok(m) if m.is_file() && !owned.contains(path) => {
                    let same = super::keep::same_bytes(&self.staged_path(path), &target)
                        .map_err(|e| io_error("read", &target, e))?;
                    if !same {
                        warnings.push(self.replaced(output, path, keep.holds(path), false));
                    }
                }
                // Gazette never writes a link: whoever made it, the build's file replaces it.
                Ok(m) if m.file_type().is_symlink() => {
                    warnings.push(self.replaced(output, path, keep.holds(path), true));
                }
                _ => {}
            }
        }
        Ok(warnings)
    }

    /// A path Gazette did not write where the build needs the other kind (a file for a
    /// folder, or the reverse).
    fn clash(&self, rel: &str, folder: bool, origin: &str) -> Diagnostic {
        let (kind, other) = if folder { ("file", "folder") } else { ("folder", "file") };
        Diagnostic::error(format!(
            "cannot keep the {other} `{}/{}`: this build writes a {kind} there{origin}",
            self.shown,
            shown(rel)
        ))
        .hint("move it out of the output folder by hand, or stop the build writing that path; the previous output was left as it was")
    }

    /// A file Gazette did not write that the build replaces with different bytes.
    /// A link (`link`) counts as a file that differs.
    fn replaced(&self, output: &Output, rel: &str, kept: bool, link: bool) -> Diagnostic {
        let file = output.files.get(rel);
        let origin = file.map(|f| format!(" (from {})", f.origin)).unwrap_or_default();
        let what = if link { "is a link, not" } else { "differs from" };
        let d = Diagnostic::warning(format!(
            "`{}/{}` {what} the file this build writes there{origin}: the build's file replaces it",
            self.shown,
            shown(rel)
        ));
        let d = match kept {
            true => d.hint("a kept file is carried into the new output only where the build writes nothing"),
            false => d.hint("a file gazette did not write stays in the output only where the build writes nothing"),
        };
        match file.and_then(|f| f.at.as_ref()) {
            Some(spot) => d.at_spot(spot),
            None => d,
        }
    }

    /// Creates the output folder with its marker, so that a build killed from here on leaves
    /// a folder the next build knows as its own.
    fn mark_output(&self) -> Result<(), Diagnostic> {
        std::fs::create_dir_all(&self.out).map_err(|e| io_error("create", &self.out, e))?;
        let marker = self.out.join(MARKER);
        // An older Gazette's marker is replaced: from now on the output has a manifest, and
        // without one it is no longer adopted as a whole.
        if std::fs::read(&marker).ok().as_deref() != Some(MARKER_TEXT.as_bytes()) {
            std::fs::write(&marker, MARKER_TEXT).map_err(|e| io_error("write", &marker, e))?;
        }
        Ok(())
    }

    /// Removes the stale files, then each folder they leave empty (deepest first).
    fn remove_stale(&self, stale: &BTreeSet<String>) -> Result<usize, Diagnostic> {
        stale.par_iter().try_for_each(|p| {
            // Checked again just before: a folder on the way replaced by a link meanwhile
            // must not lead the removal out of the output.
            if manifest::linked_folder(&self.out, p).is_some() {
                return Ok(());
            }
            match std::fs::remove_file(self.out.join(p)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.interrupted("remove", p, e)),
                _ => Ok(()),
            }
        })?;
        let mut folders: BTreeSet<(std::cmp::Reverse<usize>, &str)> = BTreeSet::new();
        for p in stale {
            for (i, _) in p.match_indices('/') {
                folders.insert((std::cmp::Reverse(p[..i].matches('/').count()), &p[..i]));
            }
        }
        for (_, folder) in folders {
            // Fails, as it should, on a folder that still holds anything.
            let _ = std::fs::remove_dir(self.out.join(folder));
        }
        Ok(stale.len())
    }

    /// Renames every staged file into the output, creating folders first.
    fn move_in(&self, output: &Output, written: &BTreeSet<String>) -> Result<(), Diagnostic> {
        let folders: BTreeSet<&str> = written.iter().filter_map(|p| p.rfind('/').map(|i| &p[..i])).collect();
        for folder in folders {
            std::fs::create_dir_all(self.out.join(folder)).map_err(|e| self.interrupted("create", folder, e))?;
        }
        let rename = |p: &String| {
            std::fs::rename(self.staged_path(p), self.out.join(p)).map_err(|e| {
                let d = self.interrupted("write", p, e);
                match output.files.get(p) {
                    Some(f) => Diagnostic { message: format!("{} (from {})", d.message, f.origin), ..d },
                    None => d,
                }
            })
        };
        match pause_after_renames() {
            // Paused: one at a time, so the count is exact.
            Some(n) => {
                for (i, p) in written.iter().enumerate() {
                    if i == n {
                        pause(&format!("commit:{n}"));
                    }
                    rename(p)?;
                }
                Ok(())
            }
            None => written.par_iter().try_for_each(rename),
        }
    }

    /// An error once the output has started changing: every file is whole, and the next build
    /// finishes the job.
    fn interrupted(&self, what: &str, rel: &str, e: std::io::Error) -> Diagnostic {
        Diagnostic::error(format!("cannot {what} `{}/{}`: {e}", self.shown, shown(rel)))
            .hint("every file in the output is whole (old or new); build again to finish")
    }
}

/// True when every file under folder `dir` (output path `rel`) is stale, so removing those
/// leaves it empty for the file the build writes there.
fn holds_only(dir: &Path, rel: &str, stale: &BTreeSet<String>) -> bool {
    walkdir::WalkDir::new(dir).follow_links(false).into_iter().all(|e| {
        e.is_ok_and(|e| {
            e.file_type().is_dir()
                || e.path()
                    .strip_prefix(dir)
                    .is_ok_and(|p| stale.contains(&format!("{rel}/{}", p.to_string_lossy().replace('\\', "/"))))
        })
    })
}

/// The list of changes since the last completed build, for deploy scripts: `+ path` for
/// each file written (or rewritten), then `- path` for each removed, sorted by path. Counted
/// against the last completed manifest, so files a killed build already moved in are still
/// listed by the build that completes its work.
fn changes(previous: &super::Previous, entries: &BTreeMap<String, Entry>) -> String {
    let mut text = String::new();
    for (path, entry) in entries {
        if !previous.committed(path).is_some_and(|e| e.same_version(entry)) {
            text.push_str("+ ");
            text.push_str(&manifest::escape(path));
            text.push('\n');
        }
    }
    let mut gone: Vec<&str> = previous.committed_paths().filter(|p| !entries.contains_key(*p)).collect();
    gone.sort_unstable();
    for path in gone {
        text.push_str("- ");
        text.push_str(&manifest::escape(path));
        text.push('\n');
    }
    text
}

fn io_error(what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot {what} `{}`: {e}", p.display()))
}

/// The pause point asked for, in debug builds only.
fn pause_point() -> Option<String> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var(PAUSE_VAR).ok()
}

/// `N` of a `commit:N` pause point.
fn pause_after_renames() -> Option<usize> {
    pause_point()?.strip_prefix("commit:")?.parse().ok()
}

/// Stops at `point` when [`PAUSE_VAR`] names it: says so on stderr, then sleeps until
/// killed (at most ten minutes).
fn pause(point: &str) {
    if pause_point().as_deref() == Some(point) {
        eprintln!("paused at {point}");
        std::thread::sleep(std::time::Duration::from_secs(600));
    }
}
