//! Watching the site's sources and rebuilding: file events are debounced, filtered (editor
//! temp files, output and cache folders never count) and coalesced, so a burst such as a
//! `git checkout` of hundreds of files costs one or two rebuilds.

use super::{Session, Shared};
use notify::RecursiveMode;
use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

/// Quiet time on one path before its events count as one change.
const DEBOUNCE: Duration = Duration::from_millis(10);
/// Quiet time across all paths before a rebuild starts: the debouncer hands a burst such as a
/// checkout over in many small batches as its files go quiet one by one.
const SETTLE: Duration = Duration::from_millis(20);
/// Longest a rebuild waits for a burst to end.
const SETTLE_MAX: Duration = Duration::from_millis(1000);
/// Poll interval when the system watcher is unavailable.
const POLL: Duration = Duration::from_millis(500);

/// Folders under the site root that hold sources.
const WATCHED: [&str; 4] = ["content", "themes", "templates", "static"];

/// True for paths whose changes never trigger a rebuild: anything under output, build or
/// cache folders at the root, and whatever the build itself skips (editor temp and backup
/// files, hidden files and folders: [`crate::load::is_ignored_name`]).
pub fn ignored(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // Only at the root: `content/public/notice.md` is content like any other.
    let first = rel.components().next().and_then(|c| c.as_os_str().to_str());
    if matches!(first, Some("public" | "target" | "node_modules")) {
        return true;
    }
    rel.components().any(|c| c.as_os_str().to_str().is_none_or(crate::load::is_ignored_name))
}

/// True for events that can change what a build reads: not reads themselves (the build
/// opening every source would otherwise trigger the next build) nor access-time updates.
fn changes_content(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Other | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// A watcher that has started collecting changes, and their queue.
pub struct Started {
    watcher: Watcher,
    rx: mpsc::Receiver<Vec<PathBuf>>,
}

/// Starts watching `root`. Changes queue up until [`spawn`] starts rebuilding, so an edit
/// saved during the first build is not lost.
pub fn start(root: &Path) -> Result<Started, String> {
    let root = root.to_path_buf();
    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let filter_root = root.clone();
    let handler = move |result: DebounceEventResult| {
        // Lost events (an overflowing queue, a watcher error): rebuild everything.
        let Ok(events) = result else {
            let _ = tx.send(vec![filter_root.clone()]);
            return;
        };
        if events.iter().any(|e| e.event.need_rescan()) {
            let _ = tx.send(vec![filter_root.clone()]);
            return;
        }
        let paths: Vec<PathBuf> = events
            .into_iter()
            .filter(|e| changes_content(&e.event.kind))
            .flat_map(|e| e.event.paths)
            .filter(|p| !ignored(&filter_root, p))
            .filter(|p| p.parent() != Some(filter_root.as_path()) || is_root_input(p))
            .collect();
        if !paths.is_empty() {
            let _ = tx.send(paths);
        }
    };
    let watcher = start_watcher(&root, handler)?;
    Ok(Started { watcher, rx })
}

/// Starts the rebuild thread for changes seen by `started`.
pub fn spawn(started: Started, session: Session, shared: Arc<Shared>) -> Result<(), String> {
    let Started { watcher, rx } = started;
    std::thread::Builder::new()
        .name("gazette-rebuild".into())
        .spawn(move || {
            rebuild_loop(session, &shared, &rx, watcher);
        })
        .map_err(|e| format!("cannot start the rebuild thread: {e}"))?;
    Ok(())
}

/// The running watcher; it keeps watching until dropped.
enum Watcher {
    System(notify_debouncer_full::Debouncer<notify::RecommendedWatcher, notify_debouncer_full::RecommendedCache>),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, notify_debouncer_full::RecommendedCache>),
}

impl Watcher {
    /// Watches `dir` recursively (again, when it was replaced).
    fn watch(&mut self, dir: &Path) -> notify::Result<()> {
        match self {
            Watcher::System(d) => d.watch(dir, RecursiveMode::Recursive),
            Watcher::Poll(d) => d.watch(dir, RecursiveMode::Recursive),
        }
    }
}

/// `GAZETTE_WATCH=poll` forces the polling watcher (for tests, and for file systems whose
/// events never arrive, such as some network and container mounts); `GAZETTE_POLL_MS` sets its
/// interval.
fn forced_poll() -> bool {
    std::env::var("GAZETTE_WATCH").is_ok_and(|v| v.trim().eq_ignore_ascii_case("poll"))
}

/// The poll interval: [`POLL`], or `GAZETTE_POLL_MS` milliseconds (at least 10).
fn poll_interval() -> Duration {
    std::env::var("GAZETTE_POLL_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(POLL, |ms| Duration::from_millis(ms.max(10)))
}

fn start_watcher<F>(root: &Path, handler: F) -> Result<Watcher, String>
where
    F: notify_debouncer_full::DebounceEventHandler + Clone,
{
    if forced_poll() {
        return start_poll(root, handler);
    }
    match new_debouncer(DEBOUNCE, None, handler.clone()) {
        Ok(mut d) => match watch_all(root, |p, m| d.watch(p, m)) {
            Ok(()) => return Ok(Watcher::System(d)),
            Err(e) => eprintln!(
                "warning: cannot watch with the system watcher ({e}); polling every {} ms instead",
                POLL.as_millis()
            ),
        },
        Err(e) => eprintln!("warning: no system file watcher ({e}); polling every {} ms instead", POLL.as_millis()),
    }
    start_poll(root, handler)
}

fn start_poll<F>(root: &Path, handler: F) -> Result<Watcher, String>
where
    F: notify_debouncer_full::DebounceEventHandler + Clone,
{
    let config = notify::Config::default().with_poll_interval(poll_interval());
    let mut d = new_debouncer_opt::<_, notify::PollWatcher, notify_debouncer_full::RecommendedCache>(
        DEBOUNCE,
        None,
        handler,
        notify_debouncer_full::RecommendedCache::new(),
        config,
    )
    .map_err(|e| format!("cannot watch the site for changes: {e}"))?;
    watch_all(root, |p, m| d.watch(p, m)).map_err(|e| format!("cannot watch the site for changes: {e}"))?;
    Ok(Watcher::Poll(d))
}

/// Watches the source folders recursively and the root itself (for gazette.yaml and for
/// source folders created later).
fn watch_all(root: &Path, mut watch: impl FnMut(&Path, RecursiveMode) -> notify::Result<()>) -> notify::Result<()> {
    watch(root, RecursiveMode::NonRecursive)?;
    for dir in WATCHED {
        let p = root.join(dir);
        if p.is_dir() {
            watch(&p, RecursiveMode::Recursive)?;
        }
    }
    Ok(())
}

/// Rebuilds after each change; changes that arrive during a rebuild are folded into the next.
/// Owns the watcher: a source folder created (or replaced) after the start is watched anew.
fn rebuild_loop(mut session: Session, shared: &Shared, rx: &mpsc::Receiver<Vec<PathBuf>>, mut watcher: Watcher) {
    while let Ok(mut paths) = rx.recv() {
        let deadline = std::time::Instant::now() + SETTLE_MAX;
        while let Ok(more) = rx.recv_timeout(SETTLE.min(deadline.saturating_duration_since(std::time::Instant::now())))
        {
            paths.extend(more);
        }
        for p in paths.iter().filter(|p| p.parent() == Some(session.root()) && p.is_dir()) {
            if let Err(e) = watcher.watch(p) {
                eprintln!("warning: cannot watch {}: {e}", p.display());
            }
        }
        session.rebuild(shared, &paths);
    }
}

/// True for the entries of the site root whose changes count: gazette.yaml and the source
/// folders themselves (created, removed or renamed).
fn is_root_input(p: &Path) -> bool {
    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n == "gazette.yaml" || WATCHED.contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_and_output_folders_are_ignored() {
        let root = Path::new("/site");
        for p in [
            "/site/content/a.md.swp",
            "/site/content/a.md~",
            "/site/content/4913",
            "/site/content/.#a.md",
            "/site/content/a.md___jb_tmp___",
            "/site/content/a.md.bak",
            "/site/public/index.html",
            "/site/target/debug/x",
            "/site/.git/index",
            "/site/.gazette/index/meta.json",
        ] {
            assert!(ignored(root, Path::new(p)), "{p}");
        }
        for p in ["/site/content/news/a.md", "/site/gazette.yaml", "/site/themes/default/static/css/style.css"] {
            assert!(!ignored(root, Path::new(p)), "{p}");
        }
    }
}
