//! The manifest: what the last build wrote into the output folder, so the next one writes only
//! what changed.
//!
//! For every file it wrote, a build records the output path, a hash of the bytes
//! ([`content_hash`]) and the file's size, modification time and inode as they were on disk.
//! The next build trusts an entry only while all three still match the file at that path
//! ([`Previous::intact`]): a file edited, replaced or restored by hand no longer matches and
//! is written again. Unchanged files are never touched, so their mtimes stay and `rsync` or
//! `rclone sync` upload only what changed.
//!
//! The manifest lives beside the output folder, in `.NAME.gazette/` ([`state_dir`]), not in
//! it: it holds mtimes and inodes, which differ from one build to the next, so inside the
//! output it would make the published tree differ between two builds of the same sources and
//! be uploaded again by every deploy (a few MB at 10,000 articles). Beside the output it sits
//! on the same file system as the staging folder and is found from the output folder alone.
//!
//! Before a build changes anything in the output it writes the new manifest as `pending`
//! (temp file + rename, so it is whole or absent); only when every file is in place does
//! `pending` become `manifest`. A build killed in between leaves both: the next one owns the
//! paths of either (so it removes files the killed build created and no longer produces) and
//! trusts an entry of either only where the file on disk matches it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The manifest of the last completed build, inside [`state_dir`].
pub const MANIFEST: &str = "manifest";
/// The manifest of a build that has started changing the output, inside [`state_dir`].
pub const PENDING: &str = "pending";
/// What the last build changed, for deploy scripts, inside [`state_dir`].
pub const CHANGES: &str = "changes.txt";
/// The first line of a manifest; another first line (an older or newer format) is not trusted.
const HEADER: &str = "gazette-manifest 1";

/// A hash of an output file's bytes: xxh3-128, stable across runs, binaries and machines, so
/// a manifest written by one build can be compared by the next.
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// `.NAME.gazette` beside the output folder `out` (absolute): where the manifest, the pending
/// manifest and the list of changes are kept.
pub fn state_dir(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.gazette"))
}

/// One file as a build left it: its bytes' hash and what `stat` said right after writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// [`content_hash`] of the bytes.
    pub hash: u128,
    /// Length in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since 1970 (negative before).
    pub mtime_ns: i128,
    /// Inode number (0 where the platform has none).
    pub ino: u64,
}

impl Entry {
    /// The entry for a file with bytes hashing to `hash` whose metadata is `meta`.
    pub fn new(hash: u128, meta: &std::fs::Metadata) -> Entry {
        let (mtime_ns, ino) = stamp(meta);
        Entry { hash, size: meta.len(), mtime_ns, ino }
    }

    /// True when `meta` (from `symlink_metadata`) is a plain file with this size, mtime and
    /// inode: the file is still the one the build wrote.
    pub fn matches(&self, meta: &std::fs::Metadata) -> bool {
        meta.file_type().is_file() && meta.len() == self.size && stamp(meta) == (self.mtime_ns, self.ino)
    }
}

#[cfg(unix)]
fn stamp(meta: &std::fs::Metadata) -> (i128, u64) {
    use std::os::unix::fs::MetadataExt;
    (i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()), meta.ino())
}

#[cfg(not(unix))]
fn stamp(meta: &std::fs::Metadata) -> (i128, u64) {
    let ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX));
    (ns, 0)
}

/// The previous build's record of the output folder it wrote: the last completed manifest and
/// the pending one of a build that was interrupted.
#[derive(Debug, Default)]
pub struct Previous {
    out: PathBuf,
    committed: HashMap<String, Entry>,
    pending: HashMap<String, Entry>,
    /// Whether either manifest was found (without one, the output is adopted as a whole).
    found: bool,
    /// `gazette build --clean`: no entry vouches for a file, all are written again.
    distrusted: bool,
    /// Entries [`Previous::intact`] vouched for, by path, for the new manifest.
    vouched: Mutex<HashMap<String, Entry>>,
}

impl Previous {
    /// The manifests beside output folder `out`; empty when absent or unreadable (then
    /// nothing is skipped and every file is written).
    pub fn load(out_dir: &Path) -> Previous {
        let out = super::absolute(out_dir);
        let dir = state_dir(&out);
        let committed = read(&dir.join(MANIFEST));
        let pending = read(&dir.join(PENDING));
        let found = committed.is_some() || pending.is_some();
        Previous {
            out,
            committed: committed.unwrap_or_default(),
            pending: pending.unwrap_or_default(),
            found,
            distrusted: false,
            vouched: Mutex::new(HashMap::new()),
        }
    }

    /// The same record, trusted for no file: every file is written again (`--clean`), and
    /// still only files a build wrote are removed.
    pub fn distrust(mut self) -> Previous {
        self.distrusted = true;
        self
    }

    /// `Some(hash)` when the file at output path `path` is exactly what a previous build wrote
    /// there (recorded size, mtime and inode still match on disk), with that build's hash of
    /// its bytes.
    pub fn intact(&self, path: &str) -> Option<u128> {
        self.intact_entry(path).map(|e| e.hash)
    }

    /// [`Previous::intact`], with the whole entry; remembered for [`Previous::vouched`].
    pub fn intact_entry(&self, path: &str) -> Option<Entry> {
        if self.distrusted {
            return None;
        }
        let candidates = [self.committed.get(path), self.pending.get(path)];
        if candidates.iter().all(Option::is_none) {
            return None;
        }
        let meta = std::fs::symlink_metadata(self.out.join(path)).ok()?;
        let entry = candidates.into_iter().flatten().find(|e| e.matches(&meta)).copied()?;
        if let Ok(mut v) = self.vouched.lock() {
            v.insert(path.to_string(), entry);
        }
        Some(entry)
    }

    /// The entry [`Previous::intact`] vouched for at `path`, if it did.
    pub fn vouched(&self, path: &str) -> Option<Entry> {
        match self.vouched.lock() {
            Ok(v) => v.get(path).copied(),
            Err(_) => None,
        }
    }

    /// The last completed build's entry at `path`.
    pub fn committed(&self, path: &str) -> Option<&Entry> {
        self.committed.get(path)
    }

    /// Every path a build wrote (completed or interrupted): the files a build may remove.
    pub fn owned(&self) -> BTreeSet<&str> {
        self.committed.keys().chain(self.pending.keys()).map(String::as_str).collect()
    }

    /// The paths of the last completed build.
    pub fn committed_paths(&self) -> impl Iterator<Item = &str> {
        self.committed.keys().map(String::as_str)
    }

    /// Whether a manifest (completed or pending) was found.
    pub fn found(&self) -> bool {
        self.found
    }
}

/// Reads a manifest; `None` when it is absent or not one this binary wrote.
fn read(file: &Path) -> Option<HashMap<String, Entry>> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut lines = text.split('\n');
    if lines.next()? != HEADER {
        return None;
    }
    let mut out = HashMap::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let mut f = line.splitn(5, ' ');
        let hash = u128::from_str_radix(f.next()?, 16).ok()?;
        let size = f.next()?.parse().ok()?;
        let mtime_ns = f.next()?.parse().ok()?;
        let ino = f.next()?.parse().ok()?;
        let path = unescape(f.next()?)?;
        out.insert(path, Entry { hash, size, mtime_ns, ino });
    }
    Some(out)
}

/// Writes `entries` as a manifest to `file`, through a temporary file and a rename, so the
/// file is whole or absent however the process ends. Sorted by path: deterministic bytes.
pub fn write(file: &Path, entries: &BTreeMap<String, Entry>) -> std::io::Result<()> {
    let mut text = String::with_capacity(entries.len() * 96);
    text.push_str(HEADER);
    text.push('\n');
    for (path, e) in entries {
        use std::fmt::Write as _;
        let _ = writeln!(text, "{:032x} {} {} {} {}", e.hash, e.size, e.mtime_ns, e.ino, escape(path));
    }
    write_whole(file, text.as_bytes())
}

/// Writes `bytes` to `file` through `file.tmp` and a rename, creating the folder.
pub fn write_whole(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    drop(f);
    std::fs::rename(&tmp, file)
}

/// A path on one line: backslashes and line breaks escaped (output paths may hold any
/// character but NUL).
pub fn escape(path: &str) -> String {
    if !path.contains(['\\', '\n', '\r']) {
        return path.to_string();
    }
    path.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r")
}

fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                '\\' => out.push('\\'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_xxh3_128_and_stable() {
        assert_eq!(content_hash(b""), 0x99aa06d3014798d86001c324468d497f);
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
    }

    #[test]
    fn a_manifest_reads_back_what_was_written_and_trusts_only_matching_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("a")).expect("mkdir");
        std::fs::write(out.join("a/index.html"), "页").expect("write");
        let meta = std::fs::symlink_metadata(out.join("a/index.html")).expect("stat");
        let mut entries = BTreeMap::new();
        entries.insert("a/index.html".to_string(), Entry::new(content_hash("页".as_bytes()), &meta));
        entries.insert("odd\\name\nx".to_string(), Entry::new(7, &meta));
        write(&state_dir(&out).join(MANIFEST), &entries).expect("write manifest");
        let prev = Previous::load(&out);
        assert!(prev.found());
        assert_eq!(prev.intact("a/index.html"), Some(content_hash("页".as_bytes())));
        assert_eq!(prev.intact("odd\\name\nx"), None, "no file there");
        assert_eq!(prev.owned().len(), 2);
        std::fs::write(out.join("a/index.html"), "改过的页").expect("write");
        assert_eq!(Previous::load(&out).intact("a/index.html"), None);
        assert_eq!(Previous::load(&dir.path().join("other")).owned().len(), 0);
    }
}
