//! The manifest: what the last build wrote into the output folder, so the next one writes only
//! what changed.
//!
//! For every file it wrote, a build records the output path, a hash of the bytes
//! ([`content_hash`]) and the file's size, modification time, inode and change time as they
//! were once the file was in place. The next build trusts an entry only while all of them
//! still match the file at that path ([`Previous::check`]), and reads the bytes when the
//! stat was taken so soon after a write that another write could have left it equal
//! ([`Entry::racy`]): a file edited, replaced or restored by hand no longer matches and is
//! written again. Unchanged files are never touched, so their mtimes stay and `rsync` or
//! `rclone sync` upload only what changed.
//!
//! A manifest ends with a checksum line; one that is cut short, edited, of another format or
//! names a path outside the output owns nothing: a build removes a file only on the word of a
//! record it can trust, and only while the file is still the one recorded.
//!
//! The manifest lives beside the output folder, in `.NAME.gazette/` ([`state_dir`]), not in
//! it: it holds mtimes and inodes, which differ from one build to the next, so inside the
//! output it would make the published tree differ between two builds of the same sources and
//! be uploaded again by every deploy (a few MB at 10,000 articles). Beside the output it sits
//! on the same file system as the staging folder and is found from the output folder alone.
//!
//! Before a build changes anything in the output it writes the new manifest as `pending`
//! (temp file + rename, so it is whole or absent); only when every file is in place does the
//! final `manifest`, with change times taken after the renames, replace it. A build killed in
//! between leaves both: the next one owns the paths of either (so it removes files the killed
//! build created and no longer produces) and trusts an entry of either only where the file on
//! disk matches it.

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
const HEADER: &str = "gazette-manifest 2";
/// The start of a manifest's last line, followed by the [`content_hash`] of every line before
/// it: a manifest cut short or edited by hand is not trusted.
const SUM: &str = "sum ";
/// How near a file's modification or change time may be to the moment its entry was taken
/// before the entry stops telling versions apart: two writes within one tick of the file
/// system's clock leave equal stamps. The same rule as `cache::RACY` (the "racy git" rule).
const RACY_NS: i128 = 3_000_000_000;

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

/// One file as a build left it: its bytes' hash and what `stat` said about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// [`content_hash`] of the bytes.
    pub hash: u128,
    /// Length in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since 1970 (negative before).
    pub mtime_ns: i128,
    /// Change time, nanoseconds since 1970, as it was once the file was in place in the
    /// output; `None` for a file still in the staging folder (the rename into place moves it).
    /// No program can set it back, so an edit that restores the mtime still shows here.
    pub ctime_ns: Option<i128>,
    /// Inode number (0 where the platform has none).
    pub ino: u64,
    /// When this stat was taken, nanoseconds since 1970 ([`Entry::racy`]).
    pub seen_ns: i128,
}

impl Entry {
    /// The entry for a file with bytes hashing to `hash` whose metadata is `meta`, taken
    /// before the file is in place (its change time is not known yet).
    pub fn new(hash: u128, meta: &std::fs::Metadata) -> Entry {
        Entry { ctime_ns: None, ..Entry::placed(hash, meta) }
    }

    /// The entry for a file in place in the output, with bytes hashing to `hash`, whose
    /// metadata (taken just now) is `meta`.
    pub fn placed(hash: u128, meta: &std::fs::Metadata) -> Entry {
        let s = stamp(meta);
        Entry { hash, size: meta.len(), mtime_ns: s.mtime_ns, ctime_ns: s.ctime_ns, ino: s.ino, seen_ns: now_ns() }
    }

    /// True when `meta` (from `symlink_metadata`) is a plain file with this size, mtime,
    /// inode and (where recorded) change time: the file may still be the one the build wrote.
    pub fn matches(&self, meta: &std::fs::Metadata) -> bool {
        let s = stamp(meta);
        meta.file_type().is_file()
            && meta.len() == self.size
            && (s.mtime_ns, s.ino) == (self.mtime_ns, self.ino)
            && self.ctime_ns.is_none_or(|c| s.ctime_ns == Some(c))
    }

    /// True when the stat alone cannot vouch for the bytes: the change time is unknown, or
    /// the file was modified or changed within [`RACY_NS`] of the moment the entry was taken,
    /// so a later write in the same clock tick could have left the same stat. Such an entry
    /// is checked against the file's bytes.
    pub fn racy(&self) -> bool {
        let near = |t: i128| (t - self.seen_ns).abs() < RACY_NS;
        self.ctime_ns.is_none_or(near) || near(self.mtime_ns)
    }

    /// True when `other` records the same version of the file (the moment of the stat aside).
    pub fn same_version(&self, other: &Entry) -> bool {
        (self.hash, self.size, self.mtime_ns, self.ino) == (other.hash, other.size, other.mtime_ns, other.ino)
    }
}

/// What `stat` says of a file, in the units of an [`Entry`].
struct Stamp {
    mtime_ns: i128,
    ctime_ns: Option<i128>,
    ino: u64,
}

#[cfg(unix)]
fn stamp(meta: &std::fs::Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
    Stamp {
        mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
        ctime_ns: Some(ns(meta.ctime(), meta.ctime_nsec())),
        ino: meta.ino(),
    }
}

#[cfg(not(unix))]
fn stamp(meta: &std::fs::Metadata) -> Stamp {
    let mtime_ns = meta.modified().ok().map_or(0, since_epoch);
    // No change time here: every entry is racy and checked against the bytes.
    Stamp { mtime_ns, ctime_ns: None, ino: 0 }
}

fn since_epoch(t: std::time::SystemTime) -> i128 {
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i128::try_from(d.as_nanos()).unwrap_or(i128::MAX),
        Err(e) => -i128::try_from(e.duration().as_nanos()).unwrap_or(i128::MAX),
    }
}

fn now_ns() -> i128 {
    since_epoch(std::time::SystemTime::now())
}

/// The old marker text of a Gazette that replaced its whole output on every build and kept
/// no manifest: such an output is adopted as a whole ([`Previous::legacy`]).
const LEGACY_MARKER_TEXT: &str = "This folder is written by `gazette build` and replaced on every build.\n";

/// The previous build's record of the output folder it wrote: the last completed manifest and
/// the pending one of a build that was interrupted.
#[derive(Debug, Default)]
pub struct Previous {
    out: PathBuf,
    committed: HashMap<String, Entry>,
    pending: HashMap<String, Entry>,
    /// An output an older Gazette wrote (its marker, and no state folder beside it): every
    /// file in it not on the keep-list is that Gazette's.
    legacy: bool,
    /// `gazette build --clean`: no entry vouches for a file, all are written again.
    distrusted: bool,
    /// Why a record was not trusted, one line each, for the build's notes.
    notes: Vec<String>,
    /// Entries [`Previous::intact`] vouched for, by path, for the new manifest.
    vouched: Mutex<HashMap<String, Entry>>,
}

impl Previous {
    /// The manifests beside output folder `out`. A manifest that is absent, unreadable,
    /// of another format, cut short, changed by hand or naming a path outside the output
    /// vouches for nothing and owns nothing (a [`Previous::notes`] line says so), so a build
    /// never removes a file on the word of a record it cannot trust.
    pub fn load(out_dir: &Path) -> Previous {
        let out = super::absolute(out_dir);
        let dir = state_dir(&out);
        let mut notes = Vec::new();
        let mut take = |name: &str| match read(&dir.join(name)) {
            Ok(m) => m,
            Err(why) => {
                notes.push(distrusted_note(out_dir, &format!("`{}` {why}", dir.join(name).display())));
                Some(HashMap::new())
            }
        };
        let (committed, pending) = (take(MANIFEST), take(PENDING));
        let mut legacy = false;
        if committed.is_none() && pending.is_none() {
            match std::fs::read_to_string(out.join(super::MARKER)) {
                Ok(text) if text == LEGACY_MARKER_TEXT && !dir.exists() => legacy = true,
                _ if dir.exists() => notes.push(distrusted_note(
                    out_dir,
                    &format!("`{}` holds no manifest of the last build", dir.display()),
                )),
                Ok(_) => notes.push(distrusted_note(
                    out_dir,
                    &format!("`{}`, the record of what the last build wrote, is missing", dir.display()),
                )),
                Err(_) => {}
            }
        }
        Previous {
            out,
            committed: committed.unwrap_or_default(),
            pending: pending.unwrap_or_default(),
            legacy,
            distrusted: false,
            notes,
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
    /// there ([`Previous::check`]), with that build's hash of its bytes.
    pub fn intact(&self, path: &str) -> Option<u128> {
        self.intact_entry(path).map(|e| e.hash)
    }

    /// [`Previous::intact`], with the whole entry; remembered for [`Previous::vouched`].
    pub fn intact_entry(&self, path: &str) -> Option<Entry> {
        if self.distrusted {
            return None;
        }
        let entry = self.check(path)?;
        if let Ok(mut v) = self.vouched.lock() {
            v.insert(path.to_string(), entry);
        }
        Some(entry)
    }

    /// The entry, as of now, of the file at output path `path` when it is exactly what a
    /// previous build wrote there: no folder on the way is a link, and its stat (size, mtime,
    /// inode, change time) matches an entry — and, for a [racy](Entry::racy) entry, its bytes
    /// hash to the entry's hash too. Used to skip writes and to allow removals alike, so a
    /// file edited, replaced or reached through a link is neither trusted nor deleted.
    pub fn check(&self, path: &str) -> Option<Entry> {
        let candidates = [self.committed.get(path), self.pending.get(path)];
        if candidates.iter().all(Option::is_none) || linked_folder(&self.out, path).is_some() {
            return None;
        }
        let file = self.out.join(path);
        let meta = std::fs::symlink_metadata(&file).ok()?;
        let entry = candidates.into_iter().flatten().find(|e| e.matches(&meta)).copied()?;
        if !entry.racy() {
            return Some(entry);
        }
        let bytes = std::fs::read(&file).ok()?;
        let after = std::fs::symlink_metadata(&file).ok()?;
        (content_hash(&bytes) == entry.hash && entry.matches(&after)).then(|| Entry::placed(entry.hash, &after))
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

    /// Whether the output is one an older Gazette wrote, without a manifest: every file in
    /// it (but kept ones) is Gazette's. Only where no state folder exists at all: a missing
    /// or damaged manifest of this Gazette owns nothing instead.
    pub fn legacy(&self) -> bool {
        self.legacy
    }

    /// Lines for the build's notes: records that were not trusted.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
}

/// The first folder on the way from `out` to output path `rel` that is not a plain folder
/// (a link, most often): nothing below it is read, trusted or removed, as it may lead out
/// of the output folder.
pub fn linked_folder(out: &Path, rel: &str) -> Option<String> {
    rel.match_indices('/')
        .map(|(i, _)| &rel[..i])
        .find(|folder| std::fs::symlink_metadata(out.join(folder)).is_ok_and(|m| !m.is_dir()))
        .map(str::to_string)
}

fn distrusted_note(out_dir: &Path, why: &str) -> String {
    format!(
        "{why}, so this build removes nothing from `{}`: files earlier builds wrote there and this one no longer produces may remain",
        out_dir.display()
    )
}

/// Reads a manifest: `Ok(None)` when there is none, an error (saying why) when it cannot be
/// trusted as a whole.
fn read(file: &Path) -> Result<Option<HashMap<String, Entry>>, String> {
    let text = match std::fs::read(file) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| "is not text".to_string())?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot be read ({e})")),
    };
    if text.split('\n').next() != Some(HEADER) {
        return Err(format!("does not start with `{HEADER}`"));
    }
    let body_end = text.trim_end_matches('\n').rfind('\n').map_or(0, |i| i + 1);
    let sum = text[body_end..].strip_suffix('\n').and_then(|l| l.strip_prefix(SUM));
    if sum.and_then(|s| u128::from_str_radix(s, 16).ok()) != Some(content_hash(&text.as_bytes()[..body_end])) {
        return Err("is cut short or was changed by hand (its checksum does not match)".into());
    }
    let mut out = HashMap::new();
    for (n, line) in text[..body_end].split('\n').enumerate().skip(1).filter(|(_, l)| !l.is_empty()) {
        let (path, entry) = parse_line(line).ok_or_else(|| format!("line {}: cannot be read", n + 1))?;
        if !inside(&path) {
            return Err(format!("line {}: `{}` is not a path inside the output folder", n + 1, super::shown(&path)));
        }
        out.insert(path, entry);
    }
    Ok(Some(out))
}

/// One entry line: `hash size mtime ctime|- ino seen path`.
fn parse_line(line: &str) -> Option<(String, Entry)> {
    let mut f = line.splitn(7, ' ');
    let hash = u128::from_str_radix(f.next()?, 16).ok()?;
    let size = f.next()?.parse().ok()?;
    let mtime_ns = f.next()?.parse().ok()?;
    let ctime_ns = match f.next()? {
        "-" => None,
        c => Some(c.parse().ok()?),
    };
    let ino = f.next()?.parse().ok()?;
    let seen_ns = f.next()?.parse().ok()?;
    let path = unescape(f.next()?)?;
    Some((path, Entry { hash, size, mtime_ns, ctime_ns, ino, seen_ns }))
}

/// True for a relative path that stays inside the folder it is joined to: not empty, no
/// leading `/`, no empty, `.` or `..` name, no NUL (and, on Windows, no `\` or `:`).
fn inside(path: &str) -> bool {
    let odd = |c: char| c == '\0' || (cfg!(windows) && (c == '\\' || c == ':'));
    !path.contains(odd) && path.split('/').all(|n| !n.is_empty() && n != "." && n != "..")
}

/// Writes `entries` as a manifest to `file`, through a temporary file and a rename, so the
/// file is whole or absent however the process ends. Sorted by path: deterministic bytes.
pub fn write(file: &Path, entries: &BTreeMap<String, Entry>) -> std::io::Result<()> {
    let mut text = String::with_capacity(entries.len() * 96);
    text.push_str(HEADER);
    text.push('\n');
    for (path, e) in entries {
        use std::fmt::Write as _;
        let ctime = e.ctime_ns.map_or_else(|| "-".to_string(), |c| c.to_string());
        let (size, mtime, ino, seen) = (e.size, e.mtime_ns, e.ino, e.seen_ns);
        let _ = writeln!(text, "{:032x} {size} {mtime} {ctime} {ino} {seen} {}", e.hash, escape(path));
    }
    let sum = content_hash(text.as_bytes());
    text.push_str(&format!("{SUM}{sum:032x}\n"));
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
        assert!(prev.notes().is_empty() && !prev.legacy());
        assert_eq!(prev.intact("a/index.html"), Some(content_hash("页".as_bytes())));
        assert_eq!(prev.intact("odd\\name\nx"), None, "no file there");
        assert_eq!(prev.owned().len(), 2);
        std::fs::write(out.join("a/index.html"), "改过的页").expect("write");
        assert_eq!(Previous::load(&out).intact("a/index.html"), None);
        assert_eq!(Previous::load(&dir.path().join("other")).owned().len(), 0);
    }

    #[test]
    fn paths_that_could_leave_the_output_are_not_inside() {
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/.", "a/", "a\0b"] {
            assert!(!inside(bad), "{bad:?}");
        }
        assert!(inside("a/b..c/.well-known/index.html"));
    }

    #[test]
    fn an_entry_old_enough_is_trusted_by_its_stat_and_an_edit_keeping_the_mtime_shows_in_the_ctime() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a.html");
        std::fs::write(&file, "原文").expect("write");
        let meta = std::fs::symlink_metadata(&file).expect("stat");
        // As if the stat had been taken long after the write.
        let entry =
            Entry { seen_ns: now_ns() + 10 * RACY_NS, ..Entry::placed(content_hash("原文".as_bytes()), &meta) };
        assert!(!entry.racy() && entry.matches(&meta));
        assert!(Entry::new(entry.hash, &meta).racy(), "no change time yet: checked by content");
        let mtime = meta.modified().expect("mtime");
        std::thread::sleep(std::time::Duration::from_millis(20));
        let f = std::fs::OpenOptions::new().write(true).open(&file).expect("open");
        std::io::Write::write_all(&mut &f, "改文".as_bytes()).expect("write");
        f.set_modified(mtime).expect("set mtime");
        drop(f);
        assert!(!entry.matches(&std::fs::symlink_metadata(&file).expect("stat")));
    }
}
