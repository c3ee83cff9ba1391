//! One build of a site at a time.
//!
//! `gazette build` holds an exclusive lock on `.gazette/build.lock` (an OS file lock, so it is
//! released however the process ends) from before it reads anything until its output and
//! search index are in place. A second build started meanwhile — two cron jobs overlapping,
//! or a person building by hand — prints which process it waits for, then runs once the first
//! is done, so the output always ends up built from the latest sources. `gazette check` and
//! `gazette serve` write neither the output nor the build's search index and take no lock.
//!
//! The file holds the pid of the build that has it, and is removed when that build ends (a
//! failed build leaves nothing in the site). Removing a lock file races with a build that has
//! just opened it, so a build that gets the lock checks that the file it locked is still the
//! one at the path, and tries again when it is not.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The lock file, relative to the site root.
pub const LOCK_FILE: &str = ".gazette/build.lock";

/// Held while a build runs; dropping it removes the lock file and releases the lock.
#[derive(Debug)]
pub struct BuildLock {
    _file: std::fs::File,
    path: PathBuf,
    /// The folder created for the lock file, removed again when it is left empty.
    made: Option<PathBuf>,
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        // Unlinked while still locked; the lock goes when `_file` closes, after this.
        let _ = std::fs::remove_file(&self.path);
        if let Some(dir) = &self.made {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Takes the build lock of the site at `root`. When another build holds it, calls `waiting`
/// once with a line naming that build's process, then waits for it.
pub fn acquire(root: &Path, waiting: impl FnOnce(String)) -> Result<BuildLock, String> {
    let path = root.join(LOCK_FILE);
    let fail = |e: std::io::Error| format!("cannot lock {LOCK_FILE}: {e}");
    let mut waiting = Some(waiting);
    loop {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let made = (!dir.exists()).then(|| dir.clone());
        // Only `.gazette` itself: a missing site root is not created.
        match std::fs::create_dir(&dir) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(fail(e)),
            _ => {}
        }
        let mut file = match std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)
        {
            Ok(f) => f,
            // The folder went away with the last build's lock file: make it again.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(fail(e)),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                if let Some(tell) = waiting.take() {
                    let mut text = String::new();
                    let holder = file.read_to_string(&mut text).ok().and_then(|_| text.trim().parse::<u32>().ok());
                    tell(match holder {
                        Some(pid) => {
                            format!("waiting for another build of this site to finish (pid {pid} holds {LOCK_FILE})")
                        }
                        None => format!("waiting for another build of this site to finish (it holds {LOCK_FILE})"),
                    });
                }
                file.lock().map_err(fail)?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(fail(e)),
        }
        if !still_at(&file, &path) {
            continue;
        }
        let pid = format!("{}\n", std::process::id());
        file.set_len(0).and_then(|()| file.rewind()).and_then(|()| file.write_all(pid.as_bytes())).map_err(fail)?;
        return Ok(BuildLock { _file: file, path, made });
    }
}

/// True when `path` still names the file `file` has open (the build that held the lock
/// before may have removed it).
#[cfg(unix)]
fn still_at(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_at(_: &std::fs::File, path: &Path) -> bool {
    path.exists()
}
