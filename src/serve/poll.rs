//! The polling watcher, used when the system watcher cannot start or runs out of watches
//! (Linux's `fs.inotify.max_user_watches`), or when `GAZETTE_WATCH=poll` asks for it.
//!
//! Each scan stats every file under the watched folders and compares its [`FileStamp`] (size,
//! modification time to the nanosecond, inode and change time) with the last scan's. notify's
//! own poller compares whole seconds of modification time only, so a second save within the
//! same second, or a file given back its old time, was never seen. A stamp cannot tell two
//! saves apart within one tick of the file system's clock either, so a file whose times fall
//! within [`crate::cache::RACY`] of a scan is also hashed, and hashed again at the next scan
//! (the "racy git" rule): only recently changed files (up to 16 MiB) are ever read, so a scan of 10,000
//! files costs their `stat` calls. This module never writes anything.

use crate::cache::FileStamp;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};
use walkdir::WalkDir;

/// What one scan knows about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    stamp: FileStamp,
    /// A hash of the contents, kept while the stamp is too recent to be trusted.
    hash: Option<u64>,
}

/// The files under the watched folders, as last seen.
pub struct Scanner {
    root: PathBuf,
    dirs: Vec<PathBuf>,
    relevant: Box<dyn Fn(&Path) -> bool + Send>,
    seen: HashMap<PathBuf, Seen>,
}

impl Scanner {
    /// A scanner of `dirs` (recursively) and the files directly in `root`, keeping the paths
    /// `relevant` accepts; the first scan is taken now, as the baseline.
    pub fn new(root: &Path, dirs: Vec<PathBuf>, relevant: impl Fn(&Path) -> bool + Send + 'static) -> Scanner {
        let mut s = Scanner { root: root.to_path_buf(), dirs, relevant: Box::new(relevant), seen: HashMap::new() };
        s.scan();
        s
    }

    /// Scans again; returns the files created, changed or removed since the last scan, sorted.
    pub fn scan(&mut self) -> Vec<PathBuf> {
        let at = SystemTime::now();
        let mut before = std::mem::take(&mut self.seen);
        let mut changed = Vec::new();
        for path in self.files() {
            // Following links, so an edit of a linked file's target is seen.
            let Some(stamp) = std::fs::metadata(&path).ok().and_then(|m| FileStamp::of(&m)) else { continue };
            let (differs, seen) = compare(before.remove(&path).as_ref(), stamp, at, || hash_file(&path));
            if differs {
                changed.push(path.clone());
            }
            self.seen.insert(path, seen);
        }
        changed.extend(before.into_keys());
        changed.sort();
        changed
    }

    /// Every relevant file under the watched folders, and in the root itself.
    fn files(&self) -> Vec<PathBuf> {
        let relevant = &self.relevant;
        let top = WalkDir::new(&self.root).min_depth(1).max_depth(1).into_iter();
        let deep = self.dirs.iter().flat_map(|d| {
            WalkDir::new(d).min_depth(1).follow_links(false).into_iter().filter_entry(|e| relevant(e.path()))
        });
        top.chain(deep)
            .filter_map(Result::ok)
            .filter(|e| !e.file_type().is_dir())
            .map(walkdir::DirEntry::into_path)
            .filter(|p| (self.relevant)(p))
            .collect()
    }
}

/// Compares a file's stamp with what the last scan saw (`None`: it did not exist): whether it
/// changed, and what to keep. `hash` reads the file; it is called only for racy stamps.
fn compare(old: Option<&Seen>, stamp: FileStamp, at: SystemTime, hash: impl FnOnce() -> Option<u64>) -> (bool, Seen) {
    let racy = stamp.racy(at);
    let differs = match old {
        None => true,
        Some(old) if old.stamp != stamp => true,
        // Same stamp, but it was too recent to be trusted: only the contents can tell.
        Some(Seen { hash: Some(h), .. }) => {
            let now = hash();
            let differs = now != Some(*h);
            return (differs, Seen { stamp, hash: now.filter(|_| racy) });
        }
        Some(_) => false,
    };
    let hash = if racy { hash() } else { None };
    (differs, Seen { stamp, hash })
}

/// Files larger than this are never hashed: a video copied into `static/` would be read on
/// every scan for three seconds, and a same-size rewrite of one within a clock tick is not an
/// editor's save.
const HASH_LIMIT: u64 = 16 << 20;

/// A hash of the file's contents; `None` when it cannot be read (it is reported as changed
/// by the stamp when it comes back) or is larger than [`HASH_LIMIT`].
fn hash_file(path: &Path) -> Option<u64> {
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= HASH_LIMIT);
    small.then(|| std::fs::read(path).ok().map(|bytes| crate::cache::key(&bytes))).flatten()
}

/// A scanner running on its own thread; it stops when dropped.
pub struct Poller {
    stop: Arc<AtomicBool>,
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Scans every `interval` and hands each non-empty list of changes to `send`, until the
/// [`Poller`] is dropped or `send` returns false.
pub fn spawn(
    mut scanner: Scanner,
    interval: Duration,
    send: impl Fn(Vec<PathBuf>) -> bool + Send + 'static,
) -> Result<Poller, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    std::thread::Builder::new()
        .name("gazette-poll".into())
        .spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                std::thread::sleep(interval);
                let changed = scanner.scan();
                if !changed.is_empty() && !send(changed) {
                    return;
                }
            }
        })
        .map_err(|e| format!("cannot start the polling thread: {e}"))?;
    Ok(Poller { stop })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp_of(path: &Path) -> FileStamp {
        std::fs::metadata(path).ok().and_then(|m| FileStamp::of(&m)).expect("stamp")
    }

    #[test]
    fn an_equal_stamp_is_trusted_only_once_it_is_old_enough() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a.md");
        std::fs::write(&file, "甲").expect("write");
        let stamp = stamp_of(&file);
        let now = SystemTime::now();
        // First seen just now: racy, so hashed.
        let (differs, seen) = compare(None, stamp.clone(), now, || Some(1));
        assert!(differs);
        assert_eq!(seen.hash, Some(1));
        // The same stamp at the next scan, other contents (a save within one clock tick).
        let (differs, seen) = compare(Some(&seen), stamp.clone(), now, || Some(2));
        assert!(differs, "a same-stamp rewrite is seen by its contents");
        let (differs, seen) = compare(Some(&seen), stamp.clone(), now, || Some(2));
        assert!(!differs);
        // Once the stamp is old, it is trusted without reading the file.
        let later = now + crate::cache::RACY + Duration::from_secs(1);
        let (differs, seen) = compare(Some(&seen), stamp.clone(), later, || Some(2));
        assert!(!differs);
        assert_eq!(seen.hash, None);
        let (differs, _) = compare(Some(&seen), stamp, later, || panic!("an old stamp is not read"));
        assert!(!differs);
    }

    #[test]
    fn scans_report_creations_rewrites_and_removals() {
        let dir = tempfile::tempdir().expect("temp dir");
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).expect("mkdir");
        let a = content.join("a.md");
        std::fs::write(&a, "甲甲").expect("write");
        let mut s = Scanner::new(dir.path(), vec![content.clone()], |p| !p.ends_with("skip.md"));
        assert!(s.scan().is_empty());
        let mtime = std::fs::metadata(&a).and_then(|m| m.modified()).expect("mtime");
        std::fs::write(&a, "乙乙").expect("rewrite");
        std::fs::File::options().write(true).open(&a).and_then(|f| f.set_modified(mtime)).expect("set mtime");
        assert_eq!(s.scan(), vec![a.clone()]);
        std::fs::write(content.join("skip.md"), "x").expect("skipped");
        let b = content.join("b.md");
        std::fs::write(&b, "丙").expect("new");
        assert_eq!(s.scan(), vec![b.clone()]);
        std::fs::remove_file(&a).expect("remove");
        assert_eq!(s.scan(), vec![a]);
    }
}
