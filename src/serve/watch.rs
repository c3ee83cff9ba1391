//! Watching the site's sources and rebuilding: file events are debounced, filtered (editor
//! temp files, output and cache folders never count) and coalesced, so a burst such as a
//! `git checkout` of hundreds of files costs one or two rebuilds.
//!
//! When the system watcher cannot start, or reaches the system's limit on watches while
//! running (a folder created later cannot be watched), the site is polled instead
//! ([`super::poll`]) and the warning names the setting to raise; no edit is lost either way.

use super::poll;
use super::{Session, Shared};
use crate::diagnostics::Diagnostic;
use notify::RecursiveMode;
use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
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

/// What the watcher tells the rebuild thread.
enum Msg {
    /// Files or folders changed (the root itself: anything may have).
    Changed(Vec<PathBuf>),
    /// The system watcher reached the system's limit: poll from now on.
    Limit(Diagnostic),
}

/// A watcher that has started collecting changes, and their queue.
pub struct Started {
    watcher: Watcher,
    rx: mpsc::Receiver<Msg>,
    tx: mpsc::Sender<Msg>,
}

/// Starts watching `root`. Changes queue up until [`spawn`] starts rebuilding, so an edit
/// saved during the first build is not lost.
pub fn start(root: &Path) -> Result<Started, String> {
    let (tx, rx) = mpsc::channel::<Msg>();
    let watcher = start_watcher(root, &tx)?;
    Ok(Started { watcher, rx, tx })
}

/// Starts the rebuild thread for changes seen by `started`.
pub fn spawn(started: Started, session: Session, shared: Arc<Shared>) -> Result<(), String> {
    std::thread::Builder::new()
        .name("gazette-rebuild".into())
        .spawn(move || rebuild_loop(session, &shared, started))
        .map_err(|e| format!("cannot start the rebuild thread: {e}"))?;
    Ok(())
}

/// True for the paths under `root` whose changes count: not [`ignored`], and at the root only
/// gazette.yaml and the source folders.
fn relevant(root: &Path, p: &Path) -> bool {
    !ignored(root, p) && (p.parent() != Some(root) || is_root_input(p))
}

/// The system watcher's event handler: relevant paths go to the rebuild thread.
fn handler(root: PathBuf, tx: mpsc::Sender<Msg>) -> impl notify_debouncer_full::DebounceEventHandler {
    move |result: DebounceEventResult| {
        let msg = match result {
            Err(errors) => match errors.iter().find_map(|e| limit_warning(e, poll_interval())) {
                Some(d) => Msg::Limit(d),
                // Lost events (an overflowing queue, a watcher error): rebuild everything.
                None => Msg::Changed(vec![root.clone()]),
            },
            Ok(events) if events.iter().any(|e| e.event.need_rescan()) => Msg::Changed(vec![root.clone()]),
            Ok(events) => {
                let paths: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| changes_content(&e.event.kind))
                    .flat_map(|e| e.event.paths)
                    .filter(|p| relevant(&root, p))
                    .collect();
                if paths.is_empty() {
                    return;
                }
                Msg::Changed(paths)
            }
        };
        let _ = tx.send(msg);
    }
}

/// The running watcher; it keeps watching until dropped.
enum Watcher {
    System(notify_debouncer_full::Debouncer<notify::RecommendedWatcher, notify_debouncer_full::RecommendedCache>),
    /// Held for its `Drop`, which stops the polling thread.
    Poll(#[expect(dead_code, reason = "held only to be dropped")] poll::Poller),
}

impl Watcher {
    /// Watches `dir` recursively (again, when it was replaced). The poller walks the source
    /// folders afresh on every scan, so it has nothing to do.
    fn watch(&mut self, dir: &Path) -> notify::Result<()> {
        match self {
            Watcher::System(d) => d.watch(dir, RecursiveMode::Recursive),
            Watcher::Poll(_) => Ok(()),
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

fn start_watcher(root: &Path, tx: &mpsc::Sender<Msg>) -> Result<Watcher, String> {
    let interval = poll_interval();
    if forced_poll() {
        eprintln!("watching by polling every {} ms (GAZETTE_WATCH=poll)", interval.as_millis());
        return start_poll(root, tx);
    }
    let failed = match new_debouncer(DEBOUNCE, None, handler(root.to_path_buf(), tx.clone())) {
        Ok(mut d) => match watch_all(root, |p, m| d.watch(p, m)) {
            Ok(()) => return Ok(Watcher::System(d)),
            Err(e) => e,
        },
        Err(e) => e,
    };
    eprint!("{}", fallback_warning(&failed, interval));
    start_poll(root, tx)
}

/// Starts polling the site's sources.
fn start_poll(root: &Path, tx: &mpsc::Sender<Msg>) -> Result<Watcher, String> {
    let dirs = WATCHED.iter().map(|d| root.join(d)).collect();
    let filter_root = root.to_path_buf();
    let scanner = poll::Scanner::new(root, dirs, move |p| relevant(&filter_root, p));
    let tx = tx.clone();
    let poller = poll::spawn(scanner, poll_interval(), move |paths| tx.send(Msg::Changed(paths)).is_ok())?;
    Ok(Watcher::Poll(poller))
}

/// The warning for a system watcher that could not start, saying what to raise when it was a
/// system limit.
fn fallback_warning(e: &notify::Error, interval: Duration) -> Diagnostic {
    limit_warning(e, interval).unwrap_or_else(|| {
        Diagnostic::warning(format!(
            "cannot watch with the system watcher ({e}); polling every {} ms instead",
            interval.as_millis()
        ))
    })
}

/// The warning for an error that means a system limit on watching was reached (Linux's
/// inotify watches, or its instances); `None` for other errors.
fn limit_warning(e: &notify::Error, interval: Duration) -> Option<Diagnostic> {
    let ms = interval.as_millis();
    let (what, setting, value) = match &e.kind {
        notify::ErrorKind::MaxFilesWatch => ("watched folders", "fs.inotify.max_user_watches", 524288),
        notify::ErrorKind::Io(io) if cfg!(target_os = "linux") && io.raw_os_error() == Some(libc::EMFILE) => {
            ("file watchers", "fs.inotify.max_user_instances", 1024)
        }
        _ => return None,
    };
    Some(
        Diagnostic::warning(format!(
            "the system's limit on {what} is reached ({setting}); polling every {ms} ms instead, which notices every save but later"
        ))
        .hint(format!(
            "raise the limit with `sudo sysctl {setting}={value}` (add `{setting}={value}` to /etc/sysctl.conf to keep it), then restart `gazette serve`"
        )),
    )
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
/// Owns the watcher: a source folder created (or replaced) after the start is watched anew,
/// and a system watcher that reaches the system's limit is replaced by polling.
fn rebuild_loop(mut session: Session, shared: &Shared, started: Started) {
    let Started { mut watcher, rx, tx } = started;
    let root = session.root().to_path_buf();
    let take = |msg: Msg, watcher: &mut Watcher| match msg {
        Msg::Changed(paths) => paths,
        Msg::Limit(warning) => {
            if matches!(watcher, Watcher::System(_)) {
                eprint!("{warning}");
                match start_poll(&root, &tx) {
                    Ok(poller) => *watcher = poller,
                    Err(e) => eprintln!("warning: {e}"),
                }
            }
            // Events were lost before the switch: rebuild everything.
            vec![root.clone()]
        }
    };
    while let Ok(msg) = rx.recv() {
        let mut paths = take(msg, &mut watcher);
        let deadline = std::time::Instant::now() + SETTLE_MAX;
        while let Ok(more) = rx.recv_timeout(SETTLE.min(deadline.saturating_duration_since(std::time::Instant::now())))
        {
            paths.extend(take(more, &mut watcher));
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

    #[test]
    fn the_watch_limit_warning_names_the_setting_and_the_command() {
        let e = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        let d = fallback_warning(&e, POLL);
        assert_eq!(
            d.message,
            "the system's limit on watched folders is reached (fs.inotify.max_user_watches); polling every 500 ms \
             instead, which notices every save but later"
        );
        assert_eq!(
            d.hint.as_deref(),
            Some(
                "raise the limit with `sudo sysctl fs.inotify.max_user_watches=524288` (add \
                 `fs.inotify.max_user_watches=524288` to /etc/sysctl.conf to keep it), then restart `gazette serve`"
            )
        );
        let other = notify::Error::generic("no inotify here");
        assert_eq!(
            fallback_warning(&other, POLL).message,
            "cannot watch with the system watcher (no inotify here); polling every 500 ms instead"
        );
    }
}
