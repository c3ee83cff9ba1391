//! The build memo: what `gazette build` keeps under `.gazette/` so that the next build of
//! the same site reuses work instead of starting from nothing.
//!
//! In: the site root and the memo file the last build left. Out: a [`Memo`] (empty when
//! there was none, or it could not be used, with one [`Loaded::note`] line saying why) and,
//! after a build that wrote its output, the memo file written anew.
//!
//! What is kept, by what it saves on a 10,000-article site (measured on 2 cores): the search
//! stage's key and the content hashes of the files it exported (an unchanged search index,
//! 5–8 s, is neither prepared nor exported again), each HTML page's render fingerprint and
//! content hash (an unchanged page whose file is still intact is not rendered; 3 s for all),
//! and the related-articles state (a body edit rescores only what it touches: 0.9 s → 0.05 s).
//! Not kept, because reading them back costs about what it saves: sources (0.2 s to read all
//! 10,000 files), front matter (YAML values, which a compact binary format cannot carry) and
//! Markdown renderings (58 MB of memo to save 0.16 s).
//!
//! The memo is never trusted unless it carries this very version key: a hash of the running
//! binary, the memo format and the config as written ([`VersionKey`]). Every key inside it
//! may therefore be a [`crate::cache::key`] hash, which is stable only within one binary. A
//! memo that is truncated, corrupt, foreign or from another binary or config is discarded
//! with one note; a missing one silently. It is written to a temporary file and renamed, so
//! it is always whole; a torn write after a crash fails its checksum and is discarded.
//! Nothing here panics on bad bytes.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where the memo lives, relative to the site root.
pub const MEMO_FILE: &str = ".gazette/memo";
/// The first bytes of a memo file.
const MAGIC: [u8; 8] = *b"GZMEMO\r\n";
/// The layout of [`Memo`]; bumped with any change to it. The binary hash already tells two
/// builds apart; the format number lets the note say "older format" rather than "another
/// binary" where that is the reason.
const FORMAT: u32 = 1;
/// Magic, format, binary hash, config hash, payload length, payload checksum. The payload
/// is the length of the encoded [`Rest`], the encoded [`Rest`], and the encoded related
/// state ([`Memo::related`]) to the end.
const HEADER: usize = 8 + 4 + 16 + 16 + 8 + 8;

/// What one build leaves for the next.
#[derive(Debug, Default)]
pub struct Memo {
    /// The related-articles state ([`crate::related::State`], whose `sync` is incremental),
    /// still encoded; empty when there is none. Kept encoded from the related stage to the
    /// memo's write: 80 MB at 10,000 articles, where the state itself holds 190 MB.
    pub related: Vec<u8>,
    /// Each rendered HTML file: output path, render fingerprint, content hash of its bytes.
    pub pages: Vec<(String, u64, u128)>,
    /// The search stage of the last build.
    pub search: Option<SearchMemo>,
}

/// The memo's fields but the related state, as encoded.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Rest {
    pages: Vec<(String, u64, u128)>,
    search: Option<SearchMemo>,
}

/// The related-articles state, encoded for [`Memo::related`].
pub fn encode_related(state: &crate::related::State) -> Vec<u8> {
    postcard::to_stdvec(state).unwrap_or_default()
}

/// The related-articles state of [`Memo::related`]; `None` when there is none (or its bytes,
/// which passed the memo's checksum, still do not decode: then it is computed afresh).
pub fn decode_related(bytes: &[u8]) -> Option<crate::related::State> {
    postcard::from_bytes(bytes).ok()
}

/// The search stage's inputs and outputs, as far as the next build needs them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SearchMemo {
    /// A key over the search documents ([`crate::search::index::SearchDoc`]).
    pub key: u64,
    /// Every exported file: output path and content hash.
    pub files: Vec<(String, u128)>,
}

/// What a build carries from the memo it loaded to the one it writes, besides the Markdown
/// renderings and the related state (which live in the [`crate::cache::BuildCache`]).
#[derive(Debug, Default)]
pub struct Carried {
    /// Render fingerprints and content hashes by output path, from the last build.
    old_pages: HashMap<String, (u64, u128)>,
    /// The same, for this build.
    new_pages: Mutex<Vec<(String, u64, u128)>>,
    /// The last build's search stage.
    old_search: Option<SearchMemo>,
    /// This build's.
    new_search: Mutex<Option<SearchMemo>>,
}

impl Carried {
    /// From a loaded memo's pages and search stage.
    pub fn new(pages: Vec<(String, u64, u128)>, search: Option<SearchMemo>) -> Carried {
        let old_pages = pages.into_iter().map(|(p, f, h)| (p, (f, h))).collect();
        Carried { old_pages, old_search: search, ..Carried::default() }
    }

    /// The content hash the last build wrote to `path` when it rendered it from inputs with
    /// fingerprint `fingerprint`.
    pub fn page(&self, path: &str, fingerprint: u64) -> Option<u128> {
        self.old_pages.get(path).filter(|(f, _)| *f == fingerprint).map(|(_, h)| *h)
    }

    /// Records what this build rendered to `path`.
    pub fn keep_page(&self, path: &str, fingerprint: u64, hash: u128) {
        if let Ok(mut v) = self.new_pages.lock() {
            v.push((path.to_string(), fingerprint, hash));
        }
    }

    /// The last build's search stage, when its documents had key `key`.
    pub fn search(&self, key: u64) -> Option<&SearchMemo> {
        self.old_search.as_ref().filter(|s| s.key == key)
    }

    /// Records this build's search stage.
    pub fn keep_search(&self, memo: SearchMemo) {
        if let Ok(mut slot) = self.new_search.lock() {
            *slot = Some(memo);
        }
    }
}

/// A key over everything of the search documents the search stage reads, so equal keys mean
/// an equal index and export. A [`crate::cache::key`]-style hash: stable only within one
/// binary, which is all the memo (keyed by the binary) needs.
pub fn docs_key(docs: &[crate::search::index::SearchDoc]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    docs.len().hash(&mut h);
    for d in docs {
        // Every field by name: a field added later fails to compile here until it is keyed.
        let crate::search::index::SearchDoc {
            num,
            url,
            title,
            body,
            tags,
            section,
            section_title,
            date,
            ymd,
            ancestors,
            boost,
        } = d;
        (num, url, title, body, tags, section, section_title, date, ymd, ancestors, boost.to_bits()).hash(&mut h);
    }
    h.finish()
}

/// What the memo must have been written under to be used: the running binary, the memo
/// format and the config as written (`gazette.yaml` bytes and command-line overrides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionKey {
    binary: u128,
    config: u128,
}

impl VersionKey {
    /// The key for a site whose config (`gazette.yaml` bytes and command-line overrides)
    /// hashed to `config` ([`crate::config::Config::source_hash`], taken from the very bytes
    /// the build parsed, so an edit between two reads cannot pair one config's memo with
    /// another's output). `Err` is the note saying why there is no memo: the running
    /// binary cannot be read, so no memo is used or written.
    pub fn of(config: u128) -> Result<VersionKey, String> {
        let binary = binary_hash().map_err(|e| {
            format!("no build memo: cannot read the gazette executable to key it ({e}); built without it")
        })?;
        Ok(VersionKey { binary, config })
    }
}

/// A hash of the running executable's bytes, read once per process. A build-time id would
/// miss a rebuild with another compiler, dependency or flag; the bytes cannot.
fn binary_hash() -> Result<u128, String> {
    static HASH: std::sync::OnceLock<Result<u128, String>> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        file_hash(&exe).map_err(|e| format!("{}: {e}", exe.display()))
    })
    .clone()
}

/// The xxh3-128 hash of the file at `path`, read in 1 MiB pieces: a release binary is over
/// 100 MB, which a build should not hold in memory just to hash it.
fn file_hash(path: &Path) -> std::io::Result<u128> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(hasher.digest128()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// A memo read from disk, and the note to print when one was there but could not be used.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The memo; empty when there was none or it was discarded.
    pub memo: Memo,
    /// One line for stderr, without a `note:` prefix.
    pub note: Option<String>,
}

/// Reads the memo of the site at `root`, if there is a usable one.
pub fn load(root: &Path, key: VersionKey) -> Loaded {
    let bytes = match std::fs::read(root.join(MEMO_FILE)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::default(),
        Err(e) => return discarded(&format!("it could not be read: {e}")),
    };
    match decode(&bytes, key) {
        Ok((rest, at)) => {
            // The related state is the file's tail: moved down in place, not copied.
            let mut related = bytes;
            related.drain(..at);
            Loaded { memo: Memo { related, pages: rest.pages, search: rest.search }, note: None }
        }
        Err(why) => discarded(why),
    }
}

fn discarded(why: &str) -> Loaded {
    Loaded {
        memo: Memo::default(),
        note: Some(format!("ignored the build memo {MEMO_FILE} ({why}); built without it")),
    }
}

/// The memo in `bytes` but its related state, with the offset where that starts; or why the
/// memo cannot be used.
fn decode(bytes: &[u8], key: VersionKey) -> Result<(Rest, usize), &'static str> {
    if bytes.len() < 8 || bytes[..8] != MAGIC {
        return Err(if MAGIC.starts_with(bytes) { "it is truncated" } else { "it is not a gazette build memo" });
    }
    if bytes.len() < HEADER {
        return Err("it is truncated");
    }
    let (format, rest) = take_u32(&bytes[8..]);
    if format != FORMAT {
        return Err("it was written in another memo format");
    }
    let (binary, rest) = take_u128(rest);
    if binary != key.binary {
        return Err("it was written by another gazette binary");
    }
    let (config, rest) = take_u128(rest);
    if config != key.config {
        return Err("gazette.yaml or the command-line options changed");
    }
    let (len, rest) = take_u64(rest);
    let (sum, payload) = take_u64(rest);
    if u64::try_from(payload.len()).ok() != Some(len) {
        return Err("it is truncated");
    }
    if xxhash_rust::xxh3::xxh3_64(payload) != sum || payload.len() < 8 {
        return Err("it is corrupt");
    }
    let (rest_len, payload) = take_u64(payload);
    let at = usize::try_from(rest_len).ok().filter(|n| *n <= payload.len()).ok_or("it is corrupt")?;
    let rest: Rest = postcard::from_bytes(&payload[..at]).map_err(|_| "it is corrupt")?;
    Ok((rest, bytes.len() - payload.len() + at))
}

fn take_u32(b: &[u8]) -> (u32, &[u8]) {
    let (head, rest) = b.split_at(4);
    (u32::from_le_bytes(head.try_into().unwrap_or_default()), rest)
}

fn take_u64(b: &[u8]) -> (u64, &[u8]) {
    let (head, rest) = b.split_at(8);
    (u64::from_le_bytes(head.try_into().unwrap_or_default()), rest)
}

fn take_u128(b: &[u8]) -> (u128, &[u8]) {
    let (head, rest) = b.split_at(16);
    (u128::from_le_bytes(head.try_into().unwrap_or_default()), rest)
}

/// Writes the memo of `cache` for the site at `root` (temporary file, then rename, so a
/// reader sees the old memo or the new one, whole). `Err` says what failed.
pub fn save(root: &Path, key: VersionKey, cache: &crate::cache::BuildCache) -> Result<(), String> {
    let Some(carried) = cache.carried() else { return Ok(()) };
    let t = std::time::Instant::now();
    let related = cache.take_related_bytes();
    let mut pages = carried.new_pages.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default();
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    let search = carried.new_search.lock().ok().and_then(|mut s| s.take());
    let rest =
        postcard::to_stdvec(&Rest { pages, search }).map_err(|e| format!("cannot encode the build memo: {e}"))?;
    let rest_len = (rest.len() as u64).to_le_bytes();
    let parts: [&[u8]; 3] = [&rest_len, &rest, &related];
    let mut sum = xxhash_rust::xxh3::Xxh3::new();
    parts.iter().for_each(|p| sum.update(p));
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if std::env::var_os("GAZETTE_TIMINGS").is_some() {
        eprintln!(
            "timing: memo {} kB (related {} kB, pages and search {} kB) encoded in {} ms",
            len / 1024,
            related.len() / 1024,
            rest.len() / 1024,
            t.elapsed().as_millis()
        );
    }
    let mut header = Vec::with_capacity(HEADER);
    header.extend(MAGIC);
    header.extend(FORMAT.to_le_bytes());
    header.extend(key.binary.to_le_bytes());
    header.extend(key.config.to_le_bytes());
    header.extend((len as u64).to_le_bytes());
    header.extend(sum.digest().to_le_bytes());
    // Written piece by piece: one buffer holding the whole memo would be a third copy of the
    // related state's 80 MB at the build's end.
    let pieces = [header.as_slice(), parts[0], parts[1], parts[2]];
    write_atomically(&root.join(MEMO_FILE), &pieces)
        .map_err(|e| format!("cannot write the build memo {MEMO_FILE}: {e}"))
}

/// The temporary file a memo is written to before it is renamed over the memo. One fixed
/// name: the build holds the site's build lock while it writes, and a write killed half way
/// leaves a file the next write truncates, not one more file per process id.
const MEMO_TMP: &str = ".memo.tmp";

fn write_atomically(file: &Path, pieces: &[&[u8]]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir)?;
    sweep_old_temporaries(&dir);
    let tmp = dir.join(MEMO_TMP);
    let write = || -> std::io::Result<()> {
        let mut out = std::fs::File::create(&tmp)?;
        pieces.iter().try_for_each(|p| out.write_all(p))?;
        drop(out);
        std::fs::rename(&tmp, file)
    };
    let written = write();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Removes `.memo.tmp-<pid>` files: earlier versions named the temporary file after the
/// process, so each killed write left one behind for good (82 MB at 10,000 articles).
fn sweep_old_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let old = name
            .to_str()
            .and_then(|n| n.strip_prefix(".memo.tmp-"))
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if old && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> VersionKey {
        VersionKey { binary: 7, config: 9 }
    }

    fn written(memo: &Memo) -> Vec<u8> {
        let dir = tempfile::tempdir().expect("tmp");
        let cache = crate::cache::BuildCache::persistent(Memo::default());
        if let Some(c) = cache.carried() {
            memo.pages.iter().for_each(|(p, f, h)| c.keep_page(p, *f, *h));
            c.keep_search(SearchMemo { key: 5, files: vec![("search/entry.json".into(), 6)] });
        }
        save(dir.path(), key(), &cache).expect("save");
        std::fs::read(dir.path().join(MEMO_FILE)).expect("read")
    }

    #[test]
    fn a_memo_reads_back_as_written() {
        let memo =
            Memo { pages: vec![("a/index.html".into(), 1, 2), ("b/index.html".into(), 3, 4)], ..Memo::default() };
        let bytes = written(&memo);
        let (back, at) = decode(&bytes, key()).expect("decode");
        assert_eq!(at, bytes.len(), "no related state");
        assert_eq!(back.pages, memo.pages);
        assert_eq!(back.search.map(|s| (s.key, s.files)), Some((5, vec![("search/entry.json".into(), 6)])));
    }

    #[test]
    fn every_damaged_memo_is_refused_with_its_reason() {
        let bytes = written(&Memo { pages: vec![("x".into(), 1, 2)], ..Memo::default() });
        let cut = &bytes[..bytes.len() - 1];
        assert_eq!(decode(cut, key()).err(), Some("it is truncated"));
        assert_eq!(decode(&bytes[..5], key()).err(), Some("it is truncated"));
        assert_eq!(decode(b"random bytes here", key()).err(), Some("it is not a gazette build memo"));
        let other = VersionKey { binary: 8, ..key() };
        assert_eq!(decode(&bytes, other).err(), Some("it was written by another gazette binary"));
        let config = VersionKey { config: 8, ..key() };
        assert_eq!(decode(&bytes, config).err(), Some("gazette.yaml or the command-line options changed"));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(decode(&flipped, key()).err(), Some("it is corrupt"));
        let mut old = bytes;
        old[8] = 0;
        assert_eq!(decode(&old, key()).err(), Some("it was written in another memo format"));
    }

    #[test]
    fn a_killed_write_leaves_no_temporary_file_behind_for_good() {
        let dir = tempfile::tempdir().expect("tmp");
        let state = dir.path().join(".gazette");
        std::fs::create_dir_all(&state).expect("mkdir");
        // What killed writes left: the fixed name, and the per-process names of before.
        for name in [".memo.tmp", ".memo.tmp-4242", ".memo.tmp-77"] {
            std::fs::write(state.join(name), b"half a memo").expect("write");
        }
        std::fs::write(state.join(".memo.tmp-notes"), b"not ours").expect("write");
        let cache = crate::cache::BuildCache::persistent(Memo::default());
        save(dir.path(), key(), &cache).expect("save");
        let mut left: Vec<String> = std::fs::read_dir(&state)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".memo.tmp-notes", "memo"]);
    }

    #[test]
    fn the_executable_is_hashed_in_pieces_as_one_whole() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("exe");
        let bytes: Vec<u8> = (0..(3u32 << 20) + 12_345).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
        std::fs::write(&file, &bytes).expect("write");
        assert_eq!(file_hash(&file).expect("hash"), xxhash_rust::xxh3::xxh3_128(&bytes));
        assert!(file_hash(&dir.path().join("missing")).is_err());
    }
}
