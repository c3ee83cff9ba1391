//! What `gazette serve` keeps between builds so a rebuild reads and renders only what
//! changed: sources by file size and modification time, and each Markdown body's rendering by
//! its text and everything its links can resolve to. A cache entry is used only when every
//! input of the work it saves is equal, so a cached build gives the same bytes as a fresh one.

use crate::diagnostics::Diagnostic;
use crate::load::Source;
use crate::markdown::Rendered;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

/// Cached entries by path: the key of the inputs they were made from, and what was made.
type Entries<T> = Mutex<HashMap<String, (u64, T)>>;

/// Caches shared by successive builds of one site.
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Sources by path, with the stamp they were read under; `None` when that stamp was too
    /// recent to be trusted ([`FileStamp::racy`]), so the file is read again.
    sources: Mutex<HashMap<PathBuf, (Option<FileStamp>, Source)>>,
    markdown: Entries<(std::sync::Arc<Rendered>, Vec<Diagnostic>)>,
    rendered: Entries<std::sync::Arc<[u8]>>,
    front: Entries<FrontMatter>,
    related: Mutex<Option<crate::related::State>>,
    /// With the build memo: the related state, encoded ([`crate::memo::Memo::related`]).
    related_bytes: Mutex<Vec<u8>>,
    /// Set for `gazette build` with its memo on disk ([`crate::memo`]): sources, front matter
    /// and HTML are not remembered, so the build holds no second copy of every source and
    /// every page.
    persistent: Option<crate::memo::Carried>,
}

/// Parsed front matter of one file.
#[derive(Debug, Clone)]
pub enum FrontMatter {
    /// A page's.
    Page(Box<crate::front_matter::PageFrontMatter>),
    /// A section's.
    Section(crate::front_matter::SectionFrontMatter),
}

impl BuildCache {
    /// A cache for one `gazette build`, seeded from the memo the last build left.
    pub fn persistent(memo: crate::memo::Memo) -> BuildCache {
        BuildCache {
            related_bytes: Mutex::new(memo.related),
            persistent: Some(crate::memo::Carried::new(memo.pages, memo.search)),
            ..BuildCache::default()
        }
    }

    /// What a persistent cache carries between builds besides the related-articles state
    /// (render fingerprints, the search stage); `None` for `gazette serve`'s in-memory cache.
    pub fn carried(&self) -> Option<&crate::memo::Carried> {
        self.persistent.as_ref()
    }

    /// The source read earlier from `path` when its stamp (size, times, inode) is unchanged
    /// and was old enough to be trusted when it was read.
    pub fn source(&self, path: &std::path::Path, meta: &std::fs::Metadata) -> Option<Source> {
        let stamp = FileStamp::of(meta)?;
        let map = self.sources.lock().ok()?;
        let (seen, src) = map.get(path)?;
        (seen.as_ref() == Some(&stamp)).then(|| src.clone())
    }

    /// Remembers the source read from `path`. A file changed within [`RACY`] of now may be
    /// changed again without its stamp moving (two saves in one tick of the file system's
    /// clock): its stamp is not kept, so the next build reads it again.
    pub fn keep_source(&self, path: PathBuf, meta: &std::fs::Metadata, src: &Source) {
        if self.persistent.is_some() {
            return;
        }
        let stamp = FileStamp::of(meta).filter(|s| !s.racy(SystemTime::now()));
        if let Ok(mut map) = self.sources.lock() {
            map.insert(path, (stamp, src.clone()));
        }
    }

    /// The rendering of the body of `rel` made under the same `key` (see [`key`]).
    pub fn markdown(&self, rel: &str, key: u64) -> Option<(std::sync::Arc<Rendered>, Vec<Diagnostic>)> {
        let map = self.markdown.lock().ok()?;
        map.get(rel).filter(|e| e.0 == key).map(|e| e.1.clone())
    }

    /// Remembers the rendering of the body of `rel`.
    pub fn keep_markdown(&self, rel: &str, key: u64, r: std::sync::Arc<Rendered>, ds: &[Diagnostic]) {
        if self.persistent.is_some() {
            return;
        }
        if let Ok(mut map) = self.markdown.lock() {
            map.insert(rel.to_string(), (key, (r, ds.to_vec())));
        }
    }

    /// The front matter parsed earlier from the file `rel` whose text hashed to `hash`.
    pub fn front(&self, rel: &str, hash: u64) -> Option<FrontMatter> {
        let map = self.front.lock().ok()?;
        map.get(rel).filter(|e| e.0 == hash).map(|e| e.1.clone())
    }

    /// Remembers the front matter parsed from `rel`.
    pub fn keep_front(&self, rel: &str, hash: u64, fm: FrontMatter) {
        if self.persistent.is_some() {
            return;
        }
        if let Ok(mut map) = self.front.lock() {
            map.insert(rel.to_string(), (hash, fm));
        }
    }

    /// The related-articles state of the last build, taken out to be brought up to date
    /// ([`crate::related::State::sync`]) and kept again.
    pub fn take_related(&self) -> Option<crate::related::State> {
        if self.persistent.is_some() {
            let bytes = std::mem::take(&mut *self.related_bytes.lock().ok()?);
            return crate::memo::decode_related(&bytes);
        }
        self.related.lock().ok()?.take()
    }

    /// Keeps the related-articles state for the next build (encoded, for the build memo).
    pub fn keep_related(&self, state: crate::related::State) {
        if self.persistent.is_some() {
            if let Ok(mut slot) = self.related_bytes.lock() {
                *slot = crate::memo::encode_related(&state);
            }
        } else if let Ok(mut slot) = self.related.lock() {
            *slot = Some(state);
        }
    }

    /// The encoded related state kept for the build memo (empty when there is none).
    pub fn take_related_bytes(&self) -> Vec<u8> {
        self.related_bytes.lock().map(|mut b| std::mem::take(&mut *b)).unwrap_or_default()
    }

    /// The HTML rendered earlier for output `path` from inputs with fingerprint `key`.
    pub fn rendered(&self, path: &str, key: u64) -> Option<std::sync::Arc<[u8]>> {
        let map = self.rendered.lock().ok()?;
        map.get(path).filter(|e| e.0 == key).map(|e| e.1.clone())
    }

    /// Remembers the HTML of output `path`.
    pub fn keep_rendered(&self, path: &str, key: u64, html: std::sync::Arc<[u8]>) {
        if self.persistent.is_some() {
            return;
        }
        if let Ok(mut map) = self.rendered.lock() {
            map.insert(path.to_string(), (key, html));
        }
    }

    /// Drops rendered pages no longer produced.
    pub fn retain_rendered(&self, present: &std::collections::HashSet<&str>) {
        if let Ok(mut map) = self.rendered.lock() {
            map.retain(|p, _| present.contains(p.as_str()));
        }
    }

    /// Drops entries for files that are gone.
    pub fn retain(&self, present: &std::collections::HashSet<&str>) {
        if let Ok(mut map) = self.markdown.lock() {
            map.retain(|rel, _| present.contains(rel.as_str()));
        }
        if let Ok(mut map) = self.front.lock() {
            map.retain(|rel, _| present.contains(rel.as_str()));
        }
    }
}

/// How recent a file's timestamps may be before its stamp stops telling versions apart:
/// clocks behind file timestamps tick in steps (a few milliseconds on Linux, one second on
/// HFS+ and many network file systems, two on FAT), and two saves within one step leave equal
/// stamps. Older than this, a later save is sure to move the stamp (the "racy git" rule).
pub const RACY: std::time::Duration = std::time::Duration::from_secs(3);

/// What identifies one version of a file without reading it: size and modification time to
/// the nanosecond, and on Unix the inode and change time too, so a file renamed over another
/// one of the same size and modification time (`mv`, `cp -p`, `rsync -t`), or given back its
/// old modification time, still counts as changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: SystemTime,
    /// Inode and change time (seconds, nanoseconds); the change time cannot be set by a program.
    inode: (u64, i64, i64),
}

impl FileStamp {
    /// The stamp of a file's metadata; `None` where the system keeps no modification time.
    pub fn of(meta: &std::fs::Metadata) -> Option<FileStamp> {
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let inode = (0, 0, 0);
        Some(FileStamp { len: meta.len(), modified: meta.modified().ok()?, inode })
    }

    /// True when the file was modified or changed within [`RACY`] of `at`, before or after:
    /// another save could still leave this same stamp, so only its contents can tell. A time
    /// further ahead (a file unpacked from an archive made where the clock was ahead) is no
    /// reason to distrust it: the next save writes today's time, which moves the stamp.
    pub fn racy(&self, at: SystemTime) -> bool {
        let near = |t: SystemTime| t.duration_since(at).unwrap_or_else(|behind| behind.duration()) < RACY;
        let changed = u64::try_from(self.inode.1).ok().and_then(|s| {
            SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::new(s, u32::try_from(self.inode.2).unwrap_or(0)))
        });
        near(self.modified) || changed.is_some_and(near)
    }
}

/// A 64-bit hash of `value`: std's `DefaultHasher` with its fixed keys, so equal in every
/// run of one binary but not promised across Rust releases or builds. That is all the
/// in-memory cache needs, and the build memo ([`crate::memo`]) may keep such keys on disk
/// only because it is discarded unless the very binary that wrote it reads it.
pub fn key(value: &impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_read_just_after_a_save_is_read_again_until_its_stamp_is_old() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.md");
        std::fs::write(&path, "---\ntitle: 甲\n---\n").expect("write");
        let meta = std::fs::metadata(&path).expect("meta");
        let src = Source {
            rel: "a.md".into(),
            display: "content/a.md".into(),
            kind: crate::load::SourceKind::Page,
            bundle: false,
            text: "---\ntitle: 甲\n---\n".into(),
            hash: key(&"甲"),
            warnings: Vec::new(),
        };
        let cache = BuildCache::default();
        cache.keep_source(path.clone(), &meta, &src);
        // A second save in the same clock tick would leave this very stamp: not trusted.
        assert!(cache.source(&path, &meta).is_none());
        let stamp = FileStamp::of(&meta).expect("stamp");
        assert!(stamp.racy(SystemTime::now()));
        assert!(!stamp.racy(SystemTime::now() + RACY + std::time::Duration::from_secs(1)));
    }

    /// A file dated in the future (unpacked from an archive made on a machine whose clock was
    /// ahead) is saved again with today's time, which moves its stamp: it is trusted, not
    /// read again by every build and every scan of the poller until its date comes.
    #[test]
    fn a_stamp_dated_in_the_future_is_trusted_once_its_change_time_is_old() {
        let now = SystemTime::now();
        let secs = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let day = std::time::Duration::from_secs(86_400);
        let changed = i64::try_from(secs(now - day)).unwrap_or(0);
        let future = FileStamp { len: 3, modified: now + day, inode: (7, changed, 0) };
        assert!(!future.racy(now));
        // Within RACY of the scan, in either direction, it is racy.
        let soon = FileStamp { modified: now + RACY / 2, ..future.clone() };
        assert!(soon.racy(now));
        let just_changed = FileStamp { inode: (7, i64::try_from(secs(now)).unwrap_or(0), 0), ..future };
        assert!(just_changed.racy(now));
    }
}
