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
    sources: Mutex<HashMap<PathBuf, (FileStamp, Source)>>,
    markdown: Entries<(std::sync::Arc<Rendered>, Vec<Diagnostic>)>,
    rendered: Entries<std::sync::Arc<[u8]>>,
    front: Entries<FrontMatter>,
    related: Mutex<Option<crate::related::State>>,
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
    /// The source read earlier from `path` when its size and modification time are unchanged.
    pub fn source(&self, path: &std::path::Path, meta: &std::fs::Metadata) -> Option<Source> {
        let stamp = FileStamp::of(meta)?;
        let map = self.sources.lock().ok()?;
        let (seen, src) = map.get(path)?;
        (*seen == stamp).then(|| src.clone())
    }

    /// Remembers the source read from `path`.
    pub fn keep_source(&self, path: PathBuf, meta: &std::fs::Metadata, src: &Source) {
        if let (Some(stamp), Ok(mut map)) = (FileStamp::of(meta), self.sources.lock()) {
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
        if let Ok(mut map) = self.front.lock() {
            map.insert(rel.to_string(), (hash, fm));
        }
    }

    /// The related-articles state of the last build, taken out to be brought up to date
    /// ([`crate::related::State::sync`]) and kept again.
    pub fn take_related(&self) -> Option<crate::related::State> {
        self.related.lock().ok()?.take()
    }

    /// Keeps the related-articles state for the next build.
    pub fn keep_related(&self, state: crate::related::State) {
        if let Ok(mut slot) = self.related.lock() {
            *slot = Some(state);
        }
    }

    /// The HTML rendered earlier for output `path` from inputs with fingerprint `key`.
    pub fn rendered(&self, path: &str, key: u64) -> Option<std::sync::Arc<[u8]>> {
        let map = self.rendered.lock().ok()?;
        map.get(path).filter(|e| e.0 == key).map(|e| e.1.clone())
    }

    /// Remembers the HTML of output `path`.
    pub fn keep_rendered(&self, path: &str, key: u64, html: std::sync::Arc<[u8]>) {
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

/// What identifies one version of a file without reading it: size and modification time,
/// and on Unix the inode and change time too, so a file renamed over another one of the same
/// size and modification time (`mv`, `cp -p`, `rsync -t`) still counts as changed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: SystemTime,
    inode: (u64, i64, i64),
}

impl FileStamp {
    fn of(meta: &std::fs::Metadata) -> Option<FileStamp> {
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let inode = (0, 0, 0);
        Some(FileStamp { len: meta.len(), modified: meta.modified().ok()?, inode })
    }
}

/// A 64-bit hash of `value`; equal within one process, which is all a cache needs.
pub fn key(value: &impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}
