//! The static search index under `search/` of the output, exported from the tantivy index
//! so the browser client (`themes/default/static/js/search.js`) ranks exactly like
//! `gazette search`.
//!
//! Files, all with deterministic bytes:
//!
//! - `search/entry.json`, the manifest and the only file with a fixed name (clients revalidate
//!   it): format version, doc count, per-field token totals and average lengths, BM25
//!   parameters, the title boost, the range list as `[first_term, file]` sorted by term, the
//!   block size and block ids, the fragment URL pattern, the facet file name, the folding
//!   table's name (`fold`) and the recency factors as runs `[first_doc, factor]`
//!   ([`super::recency`]). Every other file's name carries its content's identity, so files of
//!   two builds never mix.
//! - `search/r/<fnv64>.bin`: the shard list in about √(shards) ranges of about √(shards)
//!   shards each, gzip'd JSON `[[first_term, file], …]`. A flat list in the entry cost 125 KB
//!   at 10,000 articles, more than everything else a first query loads; two levels keep
//!   both files a few KB and cost one extra request.
//! - `search/s/<fnv64>.bin`: range-partitioned postings shards, about [`SHARD_BYTES`] raw
//!   each (positions apart, below), gzip'd (level 6, zero mtime, OS byte 255) and named by the
//!   FNV-1a 64-bit hash of their bytes. A term never spans two shards, so a shard holding one
//!   very common term can be larger. A shard holds what a one-term clause needs: docs,
//!   impact bytes and term frequencies.
//! - `search/p/<fnv64>.bin`: the positions of all terms of one shard, gzip'd and named like
//!   the shards; the shard names its positions file, so the shard's own name covers it. The
//!   client fetches it only for a clause matched as a phrase (more than one term) whose terms
//!   share a document in the field. Positions were most of a common term's bytes (the shard
//!   of 职工 was 152 KB gzip'd at 10,000 articles), and a fifth of realistic queries are one
//!   term per clause; a phrase still costs one file per term's shard plus its companion, not
//!   a file per term.
//! - `search/f/<block>/<num>.json`: one small fragment per document (url, title, date,
//!   section, tags, opening text), fetched only for the results shown. Doc numbers shift when
//!   a back-dated or undated page is added, so fragments live in folders of [`BLOCK`] doc
//!   numbers named by a hash of the block's place and its documents' URLs ([`blocks`]): a
//!   reader holding an older entry asks for the fragment its shards mean, or for a path that
//!   is gone (and reloads the entry), never for another document's fragment.
//! - `search/facets.<fnv64>.json`: sections (with their parents, counts including
//!   sub-sections), tags and years with counts, and per doc number its section, year and tag
//!   ids; gzip'd like the shards (136 KB raw at 10,000 articles).
//! - `search/fold.<fnv64>.json`: the Traditional → Simplified folding table as
//!   `{"pairs": "勞劳動动…"}`, gzip'd (about 14 KB); the client fetches it only for a query
//!   holding a character the table maps (see `mayFold` in `gazette-tokenize.js`).
//! - `search/b/<block>/<num>.json`: the body text for query-aware excerpts, gzip'd JSON `{num, text}`
//!   with the text after the fragment's opening, up to [`super::excerpt::BODY_CHARS`]
//!   characters in all, only for pages whose opening is full; fetched only for shown results
//!   whose title and opening hold no match (URL pattern `body` in the entry, in the
//!   fragments' block folders).
//! - `search/vocab.<fnv64>.json`: the vocabulary suggestions are drawn from
//!   ([`super::suggest`]), gzip'd; fetched only when a query finds nothing.
//!
//! # Shard format (before gzip)
//!
//! Integers are LEB128 varints unless noted. Terms are in UTF-8 byte order (the order of
//! tantivy's term dictionary).
//!
//! ```text
//! shard  := "GZS2" plen:varint pfile:utf8 count:varint term*
//!   pfile: the positions file's path under `search/` (`p/<fnv64>.bin`); empty (plen 0) for
//!   a shard of character keys only.
//! term   := len:varint utf8-bytes mask:u8 field*          (one field per set bit of mask;
//!                                                           bit 0 title, 1 body, 2 tags)
//! field  := kind:u8 df:varint [idf:f32le] docs [norms tfs]
//!   kind bit 0: docs are a bitset of ceil(docs/8) bytes (bit d%8 of byte d/8, LSB first),
//!               used when df > docs/8; otherwise df varints of doc-number deltas
//!               (the first absolute).
//!   kind bit 1: docs only (no idf, norms or payload) — see "character keys".
//!   norms   := df bytes: the impact byte of each posting, in doc order.
//!   tfs     := per posting, in doc order: tf:varint.
//!
//! positions := "GZP1" (per term of the shard in order, per scored field in order, per
//!              posting in doc order: tf position deltas, first absolute, as varints)*
//! ```
//!
//! A positions file holds no counts: the shard that names it gives every tf.
//!
//! **Positions** are the tokenizer's (`tokenize.rs`): a slot per Han character, one per word,
//! one empty slot between runs and words; the index also holds the boundary unigrams of runs
//! next to letters or digits, every trigram of a run and the marked suffixes and prefixes of
//! words holding a digit. The client matches a clause's covered terms (`query.rs`) at their
//! query positions, like tantivy's phrase query with offsets. Version 3 introduced these
//! positions, the boundary unigrams and folding; version 4 added the trigrams (which a
//! version 3 client would not use and a version 4 client needs) and moved positions into the
//! positions files, version 5 the word affixes. A client for another version refuses the index.
//!
//! **The impact byte** is tantivy's own one-byte quantisation of the field length, the
//! fieldnorm id (lengths 0–40 exact, then steps of about 12%; the table is copied into the
//! client). Together with the term frequency (the number of positions) and the idf stored per
//! term it determines tantivy's BM25 score exactly: `w · tf / (tf + k1 · (1 − b + b · len / avg))`
//! with `w = idf · (1 + k1) · boost`, computed in `f32` like tantivy. A pre-multiplied impact
//! could not serve phrases (tantivy scores a phrase with its phrase frequency and the summed idf
//! of its terms) and would break ties differently from `gazette search`, so the browser
//! computes the impact from these inputs instead.
//!
//! **Character keys.** A single Han character as a query matches every term of one or two
//! characters containing it (a regex query in tantivy, constant score). Terms ending in the
//! character are spread over the whole dictionary, so the export adds one key per Han
//! character, `"\u{1}" + char`, holding per field the docs of all such terms (kind bit 1).
//! They sort before every real term.

use super::index::{SearchDoc, open};
use crate::paths::is_han;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::InvertedIndexReader;
use tantivy::postings::{Postings, TermInfo};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, TERMINATED};

/// Format version written to `entry.json`.
pub const VERSION: u32 = 5;
/// Doc numbers per fragment folder ([`blocks`]).
pub const BLOCK: u64 = 1024;
/// Where a document's fragment lives, under `search/`: `{block}` is the id of its block
/// ([`blocks`]), `{num}` its doc number. Another per-document file takes a pattern of its own
/// beside this one and the same blocks.
pub const FRAGMENT: &str = "f/{block}/{num}.json";
/// Where a page's body file lives, in the same block folders as its fragment.
pub const BODY: &str = "b/{block}/{num}.json";
/// Target raw size of one shard (positions are in their own files).
/// With positions inside the shards, 12 KB gave 0.27 shard files per article at 10,000
/// articles and 8 KB 0.36 for the same bytes per query. Without them a shard holds many more
/// terms, and with trigrams and word affixes most query terms are rare: at 6 KB (0.82 shard
/// files per article) the median second query fetched 28.3 KB against 30.8 KB at 12 KB
/// (62 bench queries).
pub const SHARD_BYTES: usize = 6144;
/// Longest opening text in a fragment, in characters.
pub const OPENING_CHARS: usize = super::excerpt::OPENING_CHARS;
/// Prefix of character keys.
pub const CHAR_KEY: char = '\u{1}';
/// Field names, in shard order.
pub const FIELDS: [&str; 3] = ["title", "body", "tags"];

const KIND_BITSET: u8 = 1;
const KIND_DOCS_ONLY: u8 = 2;

/// The postings of one term in one field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldPostings {
    /// tantivy's idf of the term (0 for character keys).
    pub idf: f32,
    /// Doc numbers, ascending.
    pub docs: Vec<u32>,
    /// Impact byte (fieldnorm id) per doc; empty for character keys.
    pub norms: Vec<u8>,
    /// Term frequency per doc; empty for character keys.
    pub tf: Vec<u32>,
    /// Positions per doc, from the shard's positions file ([`decode_positions`]); empty for
    /// character keys and until read.
    pub positions: Vec<Vec<u32>>,
}

/// A decoded shard: its terms and the path under `search/` of its positions file (`None` for
/// a shard of character keys only).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shard {
    /// The positions file, such as `p/0123456789abcdef.bin`.
    pub positions: Option<String>,
    /// The terms, in byte order.
    pub terms: Vec<TermEntry>,
}

/// One term of a shard.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TermEntry {
    /// The term (character keys start with [`CHAR_KEY`]).
    pub term: String,
    /// Title, body, tags.
    pub fields: [Option<FieldPostings>; 3],
}

/// tantivy's idf, `ln(1 + (N − n + 0.5) / (n + 0.5))` in `f32`.
pub fn idf(doc_freq: u64, doc_count: u64) -> f32 {
    let x = ((doc_count - doc_freq) as f32 + 0.5) / (doc_freq as f32 + 0.5);
    (1.0 + x).ln()
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Gzip with fixed settings, so equal input gives equal bytes. Level 6: with zlib-rs, level
/// 9 took 1.7× as long for 0.3% smaller shards.
pub fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::with_capacity(raw.len() / 2), flate2::Compression::new(6));
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(raw);
    enc.finish().unwrap_or_default()
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads the tantivy index in `dir` and returns the files to write, as (output path, bytes).
pub fn export(dir: &Path, docs: &[SearchDoc]) -> Result<Files, String> {
    Ok(export_state(dir, docs)?.0)
}

/// [`export`], also returning what [`State::update`] needs to export again after a few
/// documents changed (`gazette serve`).
pub fn export_state(dir: &Path, docs: &[SearchDoc]) -> Result<(Files, State), String> {
    let err = |e: tantivy::TantivyError| format!("cannot export the search index: {e}");
    let (index, f) = open(dir).map_err(err)?;
    let reader = index.reader().map_err(err)?;
    let searcher = reader.searcher();
    let fields: [Field; 3] = [f.title, f.body, f.tags];
    let segs = load_segments(&searcher, &fields, docs.len())?;
    let n = docs.len() as u64;
    let mut tokens = [0u64; 3];
    for seg in &segs {
        for (fi, inv) in seg.inverted.iter().enumerate() {
            tokens[fi] += inv.total_num_tokens();
        }
    }
    let (terms, chars) = encode_all(&segs, n)?;
    let char_keys = chars.iter().map(|(c, docs)| (*c, char_key(*c, docs, n))).collect();
    let mut state = State {
        n,
        tokens,
        terms,
        chars,
        char_keys,
        fragments: docs.iter().map(|d| (d.num, fragment(d).into())).collect(),
        shards: HashMap::new(),
        bodies: docs.iter().filter_map(|d| Some((d.num, body_file(d)?.into()))).collect(),
        vocab: vocab_file(dir, docs).into(),
    };
    let files = state.files(docs);
    Ok((files, state))
}

/// The tokens of a document's title, body and tags, as the index splits them (index tokens:
/// the boundary unigrams count in the field lengths like every other token).
fn doc_terms(d: &SearchDoc) -> [Vec<String>; 3] {
    use super::tokenize::tokenize_index as tokenize;
    // tantivy drops tokens longer than it can store; they count in neither the postings nor
    // the token totals.
    let kept = |ts: Vec<String>| ts.into_iter().filter(|t| t.len() <= tantivy::tokenizer::MAX_TOKEN_LEN);
    [
        kept(tokenize(&d.title)).collect(),
        kept(tokenize(&d.body)).collect(),
        d.tags.iter().flat_map(|t| kept(tokenize(t))).collect(),
    ]
}

/// The segments of `searcher`, checked to hold each doc number below `count` exactly once
/// among their live documents.
fn load_segments(searcher: &tantivy::Searcher, fields: &[Field; 3], count: usize) -> Result<Vec<Segment>, String> {
    let segs =
        searcher.segment_readers().iter().map(|seg| Segment::load(seg, fields)).collect::<Result<Vec<_>, _>>()?;
    let alive: u64 = searcher.segment_readers().iter().map(|s| u64::from(s.num_docs())).sum();
    if alive != count as u64 {
        return Err(format!("the search index holds {alive} documents but the site has {count}"));
    }
    check_numbers(&segs, count)?;
    Ok(segs)
}

/// Per Han character and field, the docs holding a 1–2 character term with it.
type CharSets = BTreeMap<char, [Vec<u32>; 3]>;

/// One term (or character key) in shard format and its positions in positions-file format,
/// with a hash of both: shards whose terms all hash the same as before are not compressed
/// again.
#[derive(Debug, Clone)]
pub struct Encoded {
    term: String,
    hash: u64,
    bytes: Vec<u8>,
    pos: Vec<u8>,
}

impl Encoded {
    fn new(term: String, bytes: Vec<u8>, pos: Vec<u8>) -> Encoded {
        Encoded { term, hash: crate::cache::key(&(&bytes, &pos)), bytes, pos }
    }
}

/// A compressed shard: its file name and bytes, and those of its positions file if any.
type Stored = (String, Arc<[u8]>, Option<(String, Arc<[u8]>)>);

/// What an export keeps to be updated in place: every encoded term, the character keys and
/// the sets behind them, the fragments and the compressed shards by content.
pub struct State {
    n: u64,
    tokens: [u64; 3],
    /// Real terms, in byte order.
    terms: Vec<Encoded>,
    chars: CharSets,
    /// The character keys (they sort before every real term).
    char_keys: BTreeMap<char, Encoded>,
    fragments: BTreeMap<u64, Arc<[u8]>>,
    /// Compressed shards and their positions files by [`shard_key`].
    shards: HashMap<u64, Stored>,
    /// Gzip'd body files of the pages that have one.
    bodies: BTreeMap<u64, Arc<[u8]>>,
    /// The gzip'd vocabulary (titles and tags, which in-place updates do not change).
    vocab: Arc<[u8]>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State").field("docs", &self.n).field("terms", &self.terms.len()).finish_non_exhaustive()
    }
}

impl State {
    /// Exports again after the documents in `changed` (old, new; same numbers) were deleted
    /// and added again in the index `searcher` reads: only the terms either version holds
    /// are read and encoded, only the character keys of their characters rebuilt, and only
    /// shards whose terms changed compressed. `docs` are all documents, new versions included.
    pub fn update(
        &mut self,
        searcher: &tantivy::Searcher,
        fields: [Field; 3],
        changed: &[(&SearchDoc, &SearchDoc)],
        docs: &[SearchDoc],
    ) -> Result<Files, String> {
        let segs = load_segments(searcher, &fields, docs.len())?;
        let n = self.n;
        let mut touched: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for (old, new) in changed {
            let (before, after) = (doc_terms(old), doc_terms(new));
            for fi in 0..3 {
                self.tokens[fi] = self.tokens[fi] + after[fi].len() as u64 - before[fi].len() as u64;
                self.update_chars(new.num as u32, fi, &before[fi], &after[fi]);
            }
            touched.extend(before.into_iter().chain(after).flatten());
            self.fragments.insert(new.num, fragment(new).into());
            match body_file(new) {
                Some(b) => self.bodies.insert(new.num, b.into()),
                None => self.bodies.remove(&new.num),
            };
        }
        let mut scratch = Scratch::default();
        let mut fresh = Vec::with_capacity(touched.len());
        for term in &touched {
            let mut infos = Vec::with_capacity(segs.len() * 3);
            for seg in &segs {
                for (fi, inv) in seg.inverted.iter().enumerate() {
                    let t = tantivy::Term::from_field_text(fields[fi], term);
                    infos.push(inv.get_term_info(&t).map_err(|e| format!("cannot read the term dictionary: {e}"))?);
                }
            }
            fresh.push((term, encode_one(&segs, term, &infos, n, &mut scratch, None)?));
        }
        // Merge the fresh encodings into the sorted list: replaced, added or gone.
        let old = std::mem::take(&mut self.terms);
        let mut fresh = fresh.into_iter().peekable();
        for e in old {
            while fresh.peek().is_some_and(|(t, _)| t.as_str() < e.term.as_str()) {
                if let Some((_, Some(added))) = fresh.next() {
                    self.terms.push(added);
                }
            }
            match fresh.peek() {
                Some((t, _)) if t.as_str() == e.term.as_str() => {
                    if let Some((_, Some(replaced))) = fresh.next() {
                        self.terms.push(replaced);
                    }
                }
                _ => self.terms.push(e),
            }
        }
        self.terms.extend(fresh.filter_map(|(_, e)| e));
        Ok(self.files(docs))
    }

    /// Puts doc `num` into or out of field `fi`'s set of each character its short terms held
    /// before or hold now, and encodes those character keys again.
    fn update_chars(&mut self, num: u32, fi: usize, before: &[String], after: &[String]) {
        let han = |terms: &[String]| -> std::collections::BTreeSet<char> {
            terms.iter().filter(|t| t.chars().count() <= 2).flat_map(|t| t.chars().filter(|c| is_han(*c))).collect()
        };
        let (was, is) = (han(before), han(after));
        for c in was.union(&is) {
            let sets = self.chars.entry(*c).or_default();
            let set = &mut sets[fi];
            match (set.binary_search(&num), is.contains(c)) {
                (Ok(at), false) => {
                    set.remove(at);
                }
                (Err(at), true) => set.insert(at, num),
                _ => {}
            }
            if sets.iter().all(Vec::is_empty) {
                self.chars.remove(c);
                self.char_keys.remove(c);
            } else {
                self.char_keys.insert(*c, char_key(*c, sets, self.n));
            }
        }
    }

    /// Every file of the export: shards (compressing only those not made before), range
    /// files, fragments, facets and the entry.
    fn files(&mut self, docs: &[SearchDoc]) -> Files {
        let all: Vec<&Encoded> = self.char_keys.values().chain(&self.terms).collect();
        let cuts = partition(all.iter().map(|e| e.bytes.len() + e.pos.len()));
        let keys: Vec<u64> = cuts.iter().map(|r| shard_key(&all[r.clone()])).collect();
        let missing: Vec<usize> = (0..cuts.len()).filter(|i| !self.shards.contains_key(&keys[*i])).collect();
        let made: Vec<(u64, Stored)> = {
            use rayon::prelude::*;
            missing.par_iter().map(|i| (keys[*i], store_shard(&all[cuts[*i].clone()]))).collect()
        };
        self.shards.extend(made);
        let mut files = Files::new();
        let mut shards = Vec::with_capacity(cuts.len());
        // Positions files hold no terms, so two shards can share one (same name, same bytes).
        let mut positions = std::collections::HashSet::new();
        for (r, key) in cuts.iter().zip(&keys) {
            if let Some((name, gz, pos)) = self.shards.get(key) {
                shards.push((all[r.start].term.clone(), name.clone()));
                files.push((format!("search/{name}"), gz.clone()));
                if let Some((pos_name, pos_gz)) = pos.as_ref().filter(|p| positions.insert(p.0.clone())) {
                    files.push((format!("search/{pos_name}"), pos_gz.clone()));
                }
            }
        }
        let current: std::collections::HashSet<u64> = keys.into_iter().collect();
        self.shards.retain(|k, _| current.contains(k));
        let ranges = ranges(&shards, &mut files);
        let blocks = blocks(docs);
        for (num, bytes) in &self.fragments {
            files.push((format!("search/{}", doc_path(FRAGMENT, &blocks, *num)), bytes.clone()));
        }
        for (num, bytes) in &self.bodies {
            files.push((format!("search/{}", doc_path(BODY, &blocks, *num)), bytes.clone()));
        }
        let vocab_name = format!("vocab.{:016x}.json", fnv1a(&self.vocab));
        files.push((format!("search/{vocab_name}"), self.vocab.clone()));
        let facets = gzip(&facets(docs));
        let facets_name = format!("facets.{:016x}.json", fnv1a(&facets));
        files.push((format!("search/{facets_name}"), facets.into()));
        let (fold_name, fold_bytes) = fold_file();
        files.push((format!("search/{fold_name}"), fold_bytes));
        let n = self.n;
        let avg: Vec<f64> = self.tokens.iter().map(|t| if n == 0 { 0.0 } else { *t as f64 / n as f64 }).collect();
        let entry = serde_json::json!({
            "version": VERSION,
            "docs": n,
            "fields": FIELDS,
            "tokens": self.tokens,
            "avg_len": avg,
            "k1": 1.2,
            "b": 0.75,
            "title_boost": super::query::TITLE_BOOST,
            "ranges": ranges,
            "block_size": BLOCK,
            "blocks": blocks,
            "fragment": FRAGMENT,
            "facets": facets_name,
            "fold": fold_name,
            "recency": super::recency::table(docs),
            "body": BODY,
            "vocab": vocab_name,
        });
        files.push(("search/entry.json".to_string(), to_json(&entry).into()));
        files
    }
}

/// The folding table for the browser, `{"pairs": "勞劳動动…"}` gzip'd like the shards, and its
/// name: the same table the tokenizer folds with ([`super::fold`]), fetched by the client only
/// for a query holding a character it maps.
fn fold_file() -> (String, Arc<[u8]>) {
    static FILE: std::sync::OnceLock<(String, Arc<[u8]>)> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let pairs: String = super::fold::pairs().iter().flat_map(|(s, t)| [*s, *t]).collect();
        let gz = gzip(&to_json(&serde_json::json!({ "pairs": pairs })));
        (format!("fold.{:016x}.json", fnv1a(&gz)), gz.into())
    })
    .clone()
}

/// The id of each block of [`BLOCK`] doc numbers: 12 hex digits of a hash of the format
/// version, the block's index and its documents' URLs in doc order. Appending articles
/// changes only the last block's id; inserting a back-dated one changes the ids of the
/// blocks from its number on, whose numbering shifted.
pub fn blocks(docs: &[SearchDoc]) -> Vec<String> {
    let mut urls: Vec<(u64, &str)> = docs.iter().map(|d| (d.num, d.url.as_str())).collect();
    urls.sort_unstable();
    urls.chunks(BLOCK as usize)
        .enumerate()
        .map(|(i, chunk)| {
            let mut key = format!("gazette search v{VERSION} block {i}\n").into_bytes();
            for (_, url) in chunk {
                key.extend_from_slice(url.as_bytes());
                key.push(b'\n');
            }
            format!("{:012x}", fnv1a(&key) >> 16)
        })
        .collect()
}

/// The path under `search/` of doc `num`'s file by `pattern` (such as [`FRAGMENT`]).
pub fn doc_path(pattern: &str, blocks: &[String], num: u64) -> String {
    let block = blocks.get((num / BLOCK) as usize).map(String::as_str).unwrap_or("");
    pattern.replace("{block}", block).replace("{num}", &num.to_string())
}

/// Cuts a sequence of encoded terms (given by their lengths) into shards of about
/// [`SHARD_BYTES`]: a term goes into a new shard when it would overflow the current one,
/// unless that shard is under a quarter full — a long posting list then joins it rather than
/// leave a near-empty shard behind.
fn partition(lens: impl Iterator<Item = usize>) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut raw, mut end) = (0, 0, 0);
    for (i, len) in lens.enumerate() {
        if i > start && raw + len > SHARD_BYTES && raw >= SHARD_BYTES / 4 {
            out.push(start..i);
            (start, raw) = (i, 0);
        }
        raw += len;
        end = i + 1;
    }
    if end > start {
        out.push(start..end);
    }
    out
}

/// A key of a shard's contents: the hashes of its terms, in order.
fn shard_key(terms: &[&Encoded]) -> u64 {
    crate::cache::key(&terms.iter().map(|e| e.hash).collect::<Vec<_>>())
}

/// Compresses a shard and its positions file (none when no term has positions), each named
/// by the hash of its compressed bytes.
fn store_shard(terms: &[&Encoded]) -> Stored {
    let pos = terms.iter().any(|e| !e.pos.is_empty()).then(|| {
        let mut raw = b"GZP1".to_vec();
        terms.iter().for_each(|e| raw.extend_from_slice(&e.pos));
        let gz: Arc<[u8]> = gzip(&raw).into();
        (format!("p/{:016x}.bin", fnv1a(&gz)), gz)
    });
    let gz: Arc<[u8]> = gzip(&shard_bytes(terms, pos.as_ref().map_or("", |p| p.0.as_str()))).into();
    (format!("s/{:016x}.bin", fnv1a(&gz)), gz, pos)
}

/// A shard's raw bytes: magic, positions file, term count, terms.
fn shard_bytes(terms: &[&Encoded], positions: &str) -> Vec<u8> {
    let mut bytes = b"GZS2".to_vec();
    varint(&mut bytes, positions.len() as u64);
    bytes.extend_from_slice(positions.as_bytes());
    varint(&mut bytes, terms.len() as u64);
    for e in terms {
        bytes.extend_from_slice(&e.bytes);
    }
    bytes
}

/// Groups the shard list into range files (pushed onto `files`); returns the entry's list of
/// `[first_term, range_file]`.
fn ranges(shards: &[(String, String)], files: &mut Files) -> Vec<(String, String)> {
    let per = (shards.len() as f64).sqrt().ceil().max(1.0) as usize;
    let mut out = Vec::new();
    for group in shards.chunks(per) {
        let gz = gzip(&to_json(&group));
        let name = format!("r/{:016x}.bin", fnv1a(&gz));
        out.push((group[0].0.clone(), name.clone()));
        files.push((format!("search/{name}"), gz.into()));
    }
    out
}

/// The whole shard list of an exported index, read back from `entry.json` and the range files
/// under `search_dir` (the output's `search/` folder): `(first_term, file)` in term order.
pub fn read_shard_list(search_dir: &Path) -> Result<Vec<(String, String)>, String> {
    let read = |name: &str| std::fs::read(search_dir.join(name)).map_err(|e| format!("cannot read {name}: {e}"));
    let entry: serde_json::Value =
        serde_json::from_slice(&read("entry.json")?).map_err(|e| format!("entry.json: {e}"))?;
    let ranges: Vec<(String, String)> =
        serde_json::from_value(entry["ranges"].clone()).map_err(|e| format!("entry.json ranges: {e}"))?;
    let mut out = Vec::new();
    for (first, file) in ranges {
        let group: Vec<(String, String)> =
            serde_json::from_slice(&gunzip(&read(&file)?)?).map_err(|e| format!("{file}: {e}"))?;
        if group.first().map(|g| &g.0) != Some(&first) {
            return Err(format!("{file} does not start at {first:?}"));
        }
        out.extend(group);
    }
    Ok(out)
}

/// Gunzips `bytes`, or returns them as they are when they are not gzip'd.
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes.to_vec());
    }
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

fn to_json(v: &impl serde::Serialize) -> Vec<u8> {
    let mut out = serde_json::to_vec(v).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Output files as (path under the output folder, bytes).
pub type Files = Vec<(String, Arc<[u8]>)>;
/// A term range `[lo, hi)`; `None` is open.
type Bounds<'a> = (Option<&'a [u8]>, Option<&'a [u8]>);

/// One segment's readers, and the doc number of each of its doc ids.
struct Segment {
    inverted: Vec<Arc<InvertedIndexReader>>,
    norms: Vec<FieldNormReader>,
    num_of: Vec<u32>,
    /// Which doc ids are live, when some were deleted (an index updated in place).
    alive: Option<tantivy::fastfield::AliveBitSet>,
}

impl Segment {
    fn load(seg: &tantivy::SegmentReader, fields: &[Field; 3]) -> Result<Segment, String> {
        let err = |e: tantivy::TantivyError| format!("cannot export the search index: {e}");
        let nums = seg.fast_fields().u64("num").map_err(err)?.first_or_default_col(u64::MAX);
        let num_of = (0..seg.max_doc()).map(|d| u32::try_from(nums.get_val(d)).unwrap_or(u32::MAX)).collect();
        let mut inverted = Vec::new();
        let mut norms = Vec::new();
        for &field in fields {
            inverted.push(seg.inverted_index(field).map_err(err)?);
            norms.push(seg.get_fieldnorms_reader(field).map_err(err)?);
        }
        Ok(Segment { inverted, norms, num_of, alive: seg.alive_bitset().cloned() })
    }
}

/// Every doc number below `count` appears exactly once across the segments.
fn check_numbers(segs: &[Segment], count: usize) -> Result<(), String> {
    let mut seen = vec![false; count];
    let live = segs.iter().flat_map(|s| {
        s.num_of.iter().enumerate().filter(|(d, _)| s.alive.as_ref().is_none_or(|a| a.is_alive(*d as u32))).map(|x| x.1)
    });
    for &num in live {
        match seen.get_mut(num as usize) {
            Some(s) if !*s => *s = true,
            _ => return Err(format!("the search index has a bad or repeated doc number {num}")),
        }
    }
    Ok(())
}

/// Term ranges encoded in parallel. More ranges than cores, so a range full of long posting
/// lists does not leave the other core idle at the end.
const PARTS: usize = 16;

/// What one term range produced: its encoded terms in order and, for character keys, the
/// docs of its 1–2 character Han terms per character and field.
#[derive(Default)]
struct Part {
    terms: Vec<Encoded>,
    chars: BTreeMap<char, [CharDocs; 3]>,
}

/// A set of doc numbers that turns from a list into a bitset once the bitset is smaller: a
/// common character's key gathers the postings of hundreds of terms, and sorting those lists
/// took a fifth of the export.
#[derive(Debug, Clone, Default)]
enum CharDocs {
    #[default]
    Empty,
    List(Vec<u32>),
    Bits(Vec<u64>),
}

impl CharDocs {
    fn add(&mut self, docs: &[u32], n: u64) {
        match self {
            CharDocs::Bits(bits) => docs.iter().for_each(|&d| bits[(d / 64) as usize] |= 1 << (d % 64)),
            CharDocs::Empty => *self = CharDocs::List(docs.to_vec()),
            CharDocs::List(list) => list.extend_from_slice(docs),
        }
        if let CharDocs::List(list) = self
            && list.len() as u64 > n / 32
        {
            let mut bits = vec![0u64; n.div_ceil(64) as usize];
            list.iter().for_each(|&d| bits[(d / 64) as usize] |= 1 << (d % 64));
            *self = CharDocs::Bits(bits);
        }
    }

    fn union(&mut self, other: CharDocs, n: u64) {
        match other {
            CharDocs::Empty => {}
            CharDocs::List(list) => self.add(&list, n),
            CharDocs::Bits(other) => match self {
                CharDocs::Bits(bits) => bits.iter_mut().zip(other).for_each(|(a, b)| *a |= b),
                _ => {
                    let mine = std::mem::replace(self, CharDocs::Bits(other));
                    self.union(mine, n);
                }
            },
        }
    }

    /// The doc numbers, ascending.
    fn into_sorted(self) -> Vec<u32> {
        match self {
            CharDocs::Empty => Vec::new(),
            CharDocs::List(mut list) => {
                list.sort_unstable();
                list.dedup();
                list
            }
            CharDocs::Bits(bits) => {
                (0..bits.len() as u32 * 64).filter(|d| bits[(d / 64) as usize] & (1 << (d % 64)) != 0).collect()
            }
        }
    }
}

/// Encodes every term: the dictionary is cut into [`PARTS`] ranges at evenly spaced terms,
/// encoded in parallel; the character keys' doc sets are collected on the way.
fn encode_all(segs: &[Segment], n: u64) -> Result<(Vec<Encoded>, CharSets), String> {
    use rayon::prelude::*;
    let mut keys = Vec::new();
    merged_terms(segs, None, None, |key, _| {
        keys.push(key.to_vec());
        Ok(())
    })?;
    let cuts: Vec<Vec<u8>> = (1..PARTS).filter_map(|i| keys.get(i * keys.len() / PARTS).cloned()).collect();
    drop(keys);
    let ranges: Vec<Bounds> = (0..=cuts.len())
        .map(|i| (i.checked_sub(1).map(|j| cuts[j].as_slice()), cuts.get(i).map(Vec::as_slice)))
        .collect();
    let parts: Vec<Part> =
        ranges.into_par_iter().map(|(lo, hi)| encode_range(segs, lo, hi, n)).collect::<Result<_, _>>()?;
    let mut chars: BTreeMap<char, [CharDocs; 3]> = BTreeMap::new();
    let mut terms = Vec::new();
    for part in parts {
        for (c, per_field) in part.chars {
            let slot = chars.entry(c).or_default();
            for (all, docs) in slot.iter_mut().zip(per_field) {
                all.union(docs, n);
            }
        }
        terms.extend(part.terms);
    }
    let chars = chars.into_iter().collect::<Vec<_>>().into_par_iter().map(|(c, f)| (c, f.map(CharDocs::into_sorted)));
    Ok((terms, chars.collect::<Vec<_>>().into_iter().collect()))
}

/// The character key of `c`: per field, the docs of the 1–2 character terms holding it.
fn char_key(c: char, per_field: &[Vec<u32>; 3], n: u64) -> Encoded {
    let mut e = TermEntry { term: format!("{CHAR_KEY}{c}"), ..Default::default() };
    for (slot, docs) in e.fields.iter_mut().zip(per_field) {
        if !docs.is_empty() {
            *slot = Some(FieldPostings { docs: docs.clone(), ..Default::default() });
        }
    }
    let (mut bytes, mut pos) = (Vec::new(), Vec::new());
    encode_term(&mut bytes, &mut pos, &e, n);
    Encoded::new(e.term, bytes, pos)
}

/// Buffers reused from term to term: a vector per posting was a tenth of the export's time.
#[derive(Default)]
struct Scratch {
    list: Vec<(u32, u8, usize, usize)>,
    flat: Vec<u32>,
    docs: Vec<u32>,
    norms: Vec<u8>,
}

/// Encodes the terms in `[lo, hi)`, straight from tantivy's postings.
fn encode_range(segs: &[Segment], lo: Option<&[u8]>, hi: Option<&[u8]>, n: u64) -> Result<Part, String> {
    let mut part = Part::default();
    let mut scratch = Scratch::default();
    merged_terms(segs, lo, hi, |key, infos| {
        let term =
            std::str::from_utf8(key).map_err(|_| "the search index holds a term that is not UTF-8".to_string())?;
        if let Some(e) = encode_one(segs, term, infos, n, &mut scratch, Some(&mut part.chars))? {
            part.terms.push(e);
        }
        Ok(())
    })?;
    Ok(part)
}

/// Encodes one term from its term info in each (segment, field) (index `segment * 3 +
/// field`), skipping deleted documents; `None` when no live document has it. With `chars`,
/// adds the term's docs to the sets of the Han characters of a 1–2 character term.
fn encode_one(
    segs: &[Segment],
    term: &str,
    infos: &[Option<TermInfo>],
    n: u64,
    s: &mut Scratch,
    mut chars: Option<&mut BTreeMap<char, [CharDocs; 3]>>,
) -> Result<Option<Encoded>, String> {
    // A single Han character as a query matches every 1–2 character term holding it.
    let mut han: Vec<char> = Vec::new();
    if chars.is_some() && term.chars().count() <= 2 {
        han = term.chars().filter(|c| is_han(*c)).collect();
        han.dedup();
    }
    let (mut buf, mut pos) = (Vec::new(), Vec::new());
    let mask_at = encode_head(&mut buf, term);
    for fi in 0..3 {
        s.list.clear();
        s.flat.clear();
        for (seg, info) in segs.iter().zip(infos.iter().skip(fi).step_by(3)) {
            if let Some(info) = info {
                read_postings(seg, fi, info, &mut s.list, &mut s.flat)?;
            }
        }
        if s.list.is_empty() {
            continue;
        }
        s.list.sort_unstable_by_key(|p| p.0);
        s.docs.clear();
        s.norms.clear();
        s.docs.extend(s.list.iter().map(|p| p.0));
        s.norms.extend(s.list.iter().map(|p| p.1));
        let positions = s.list.iter().map(|&(_, _, from, len)| &s.flat[from..from + len]);
        buf[mask_at] |= 1 << fi;
        encode_field(&mut buf, &mut pos, n, &s.docs, Some((idf(s.docs.len() as u64, n), &s.norms, positions)));
        if let Some(chars) = chars.as_deref_mut() {
            for c in &han {
                chars.entry(*c).or_default()[fi].add(&s.docs, n);
            }
        }
    }
    Ok((buf[mask_at] != 0).then(|| Encoded::new(term.to_string(), buf, pos)))
}

/// Calls `f` for every term in `[lo, hi)` of the three fields of every segment, in byte
/// order, with each (segment, field)'s term info at index `segment * 3 + field` (`None` where
/// that field of that segment lacks the term).
fn merged_terms(
    segs: &[Segment],
    lo: Option<&[u8]>,
    hi: Option<&[u8]>,
    mut f: impl FnMut(&[u8], &[Option<TermInfo>]) -> Result<(), String>,
) -> Result<(), String> {
    let mut streams = Vec::new();
    let mut live = Vec::new();
    for inv in segs.iter().flat_map(|s| &s.inverted) {
        let mut b = inv.terms().range();
        if let Some(lo) = lo {
            b = b.ge(lo);
        }
        if let Some(hi) = hi {
            b = b.lt(hi);
        }
        let mut s = b.into_stream().map_err(|e| format!("cannot read the term dictionary: {e}"))?;
        live.push(s.advance());
        streams.push(s);
    }
    let mut infos: Vec<Option<TermInfo>> = vec![None; streams.len()];
    let mut key = Vec::new();
    loop {
        let mut min: Option<&[u8]> = None;
        for (s, _) in streams.iter().zip(&live).filter(|(_, l)| **l) {
            if min.is_none_or(|m| s.key() < m) {
                min = Some(s.key());
            }
        }
        let Some(min) = min else { return Ok(()) };
        key.clear();
        key.extend_from_slice(min);
        for (i, s) in streams.iter_mut().enumerate() {
            infos[i] = None;
            if live[i] && s.key() == key.as_slice() {
                infos[i] = Some(s.value().clone());
                live[i] = s.advance();
            }
        }
        f(&key, &infos)?;
    }
}

/// Appends (doc number, fieldnorm id, start and count of its positions in `flat`) of one
/// term in field `fi` of `seg`.
fn read_postings(
    seg: &Segment,
    fi: usize,
    info: &TermInfo,
    out: &mut Vec<(u32, u8, usize, usize)>,
    flat: &mut Vec<u32>,
) -> Result<(), String> {
    let mut postings = seg.inverted[fi]
        .read_postings_from_terminfo(info, IndexRecordOption::WithFreqsAndPositions)
        .map_err(|e| format!("cannot read postings: {e}"))?;
    let mut doc = postings.doc();
    while doc != TERMINATED {
        if seg.alive.as_ref().is_some_and(|a| !a.is_alive(doc)) {
            doc = postings.advance();
            continue;
        }
        let from = flat.len();
        postings.append_positions_with_offset(0, flat);
        out.push((seg.num_of[doc as usize], seg.norms[fi].fieldnorm_id(doc), from, flat.len() - from));
        doc = postings.advance();
    }
    Ok(())
}

/// Writes a term's length and bytes and a zero field mask; returns the mask's index.
fn encode_head(out: &mut Vec<u8>, term: &str) -> usize {
    varint(out, term.len() as u64);
    out.extend_from_slice(term.as_bytes());
    out.push(0);
    out.len() - 1
}

fn encode_term(out: &mut Vec<u8>, pos: &mut Vec<u8>, e: &TermEntry, n: u64) {
    let mask_at = encode_head(out, &e.term);
    for (fi, fp) in e.fields.iter().enumerate() {
        let Some(fp) = fp else { continue };
        out[mask_at] |= 1 << fi;
        let scored =
            (!fp.norms.is_empty()).then(|| (fp.idf, fp.norms.as_slice(), fp.positions.iter().map(Vec::as_slice)));
        encode_field(out, pos, n, &fp.docs, scored);
    }
}

/// One field of a term: kind, df, then for scored postings (`Some((idf, norms, positions per
/// doc))`) the idf, the docs, the norms and the tfs, with the positions onto `pos`; for
/// character keys the docs alone.
fn encode_field<'a>(
    out: &mut Vec<u8>,
    pos: &mut Vec<u8>,
    n: u64,
    docs: &[u32],
    scored: Option<(f32, &[u8], impl Iterator<Item = &'a [u32]>)>,
) {
    let bitset = (docs.len() as u64) * 8 > n;
    let kind = if bitset { KIND_BITSET } else { 0 } | if scored.is_none() { KIND_DOCS_ONLY } else { 0 };
    out.push(kind);
    varint(out, docs.len() as u64);
    if let Some((idf, ..)) = &scored {
        out.extend_from_slice(&idf.to_le_bytes());
    }
    if bitset {
        let mut bits = vec![0u8; n.div_ceil(8) as usize];
        for &d in docs {
            bits[(d / 8) as usize] |= 1 << (d % 8);
        }
        out.extend_from_slice(&bits);
    } else {
        let mut prev = 0;
        for &d in docs {
            varint(out, u64::from(d - prev));
            prev = d;
        }
    }
    let Some((_, norms, positions)) = scored else { return };
    out.extend_from_slice(norms);
    for list in positions {
        varint(out, list.len() as u64);
        let mut prev = 0;
        for &p in list {
            varint(pos, u64::from(p - prev));
            prev = p;
        }
    }
}

/// Decodes a shard as written by [`export`] (gzip'd or not), without positions
/// ([`decode_positions`]); `n` is the doc count.
pub fn decode_shard(bytes: &[u8], n: u64) -> Result<Shard, String> {
    let raw = gunzip(bytes)?;
    let mut r = Reader { b: &raw, at: 0 };
    if r.take(4)? != b"GZS2" {
        return Err("not a shard".into());
    }
    let len = r.varint()? as usize;
    let positions = String::from_utf8(r.take(len)?.to_vec()).map_err(|e| e.to_string())?;
    let positions = (!positions.is_empty()).then_some(positions);
    let count = r.varint()?;
    let mut out = Vec::new();
    for _ in 0..count {
        let len = r.varint()? as usize;
        let term = String::from_utf8(r.take(len)?.to_vec()).map_err(|e| e.to_string())?;
        let mask = r.take(1)?[0];
        let mut e = TermEntry { term, ..Default::default() };
        for fi in 0..3 {
            if mask & (1 << fi) == 0 {
                continue;
            }
            let kind = r.take(1)?[0];
            let df = r.varint()? as usize;
            let docs_only = kind & KIND_DOCS_ONLY != 0;
            let mut fp = FieldPostings::default();
            if !docs_only {
                let b = r.take(4)?;
                fp.idf = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
            if kind & KIND_BITSET != 0 {
                let bits = r.take(n.div_ceil(8) as usize)?;
                fp.docs = (0..n as u32).filter(|d| bits[(d / 8) as usize] & (1 << (d % 8)) != 0).collect();
            } else {
                let mut prev = 0u32;
                for _ in 0..df {
                    prev += r.varint()? as u32;
                    fp.docs.push(prev);
                }
            }
            if fp.docs.len() != df {
                return Err("doc count mismatch".into());
            }
            if !docs_only {
                fp.norms = r.take(df)?.to_vec();
                for _ in 0..df {
                    fp.tf.push(u32::try_from(r.varint()?).map_err(|_| "bad tf")?);
                }
            }
            e.fields[fi] = Some(fp);
        }
        out.push(e);
    }
    Ok(Shard { positions, terms: out })
}

/// Reads the positions file a shard names (gzip'd or not) into its terms' `positions`; fails
/// when the file does not hold exactly the positions the shard's tfs call for.
pub fn decode_positions(terms: &mut [TermEntry], bytes: &[u8]) -> Result<(), String> {
    let raw = gunzip(bytes)?;
    let mut r = Reader { b: &raw, at: 0 };
    if r.take(4)? != b"GZP1" {
        return Err("not a positions file".into());
    }
    for fp in terms.iter_mut().flat_map(|e| e.fields.iter_mut().flatten()) {
        fp.positions = Vec::with_capacity(fp.tf.len());
        for &tf in &fp.tf {
            let mut list = Vec::with_capacity(tf as usize);
            let mut prev = 0u32;
            for _ in 0..tf {
                prev =
                    prev.checked_add(u32::try_from(r.varint()?).map_err(|_| "bad position")?).ok_or("bad position")?;
                list.push(prev);
            }
            fp.positions.push(list);
        }
    }
    if r.at != raw.len() {
        return Err("positions file longer than its shard's tfs".into());
    }
    Ok(())
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(len).filter(|e| *e <= self.b.len()).ok_or("truncated shard")?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.take(1)?[0];
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err("bad varint".into());
            }
        }
    }
}

#[derive(serde::Serialize)]
struct Fragment<'a> {
    num: u64,
    url: &'a str,
    title: &'a str,
    date: &'a str,
    section: &'a str,
    section_title: &'a str,
    tags: &'a [String],
    text: String,
}

fn fragment(d: &SearchDoc) -> Vec<u8> {
    let text = super::excerpt::opening(&super::excerpt::collapse(&d.body));
    to_json(&Fragment {
        num: d.num,
        url: &d.url,
        title: &d.title,
        date: &d.ymd,
        section: &d.section,
        section_title: &d.section_title,
        tags: &d.tags,
        text,
    })
}

/// The gzip'd body file of a page whose opening is full, else `None`: the text after the
/// opening (the fragment has that).
fn body_file(d: &SearchDoc) -> Option<Vec<u8>> {
    let text = super::excerpt::body_rest(&super::excerpt::collapse(&d.body))?;
    Some(gzip(&to_json(&serde_json::json!({ "num": d.num, "text": text }))))
}

/// The gzip'd vocabulary: the one the index in `dir` holds (written by
/// [`super::index::prepare`] from the same documents), or made from `docs`.
fn vocab_file(dir: &Path, docs: &[SearchDoc]) -> Vec<u8> {
    let raw =
        std::fs::read(dir.join(super::suggest::FILE)).unwrap_or_else(|_| super::suggest::Vocab::build(docs).to_json());
    gzip(&raw)
}

/// The facet file: `sections` as `[key, title, count, parent]` in tree order ([`sections`]),
/// `tags` as `[name, count]` by count then name, `years` as `[year, count]` newest first, and
/// per doc number `section` and `year` ids (−1 when undated) and `tags` id lists.
fn facets(docs: &[SearchDoc]) -> Vec<u8> {
    let (section_list, section_ids) = sections(docs);
    let mut tags: BTreeMap<&str, u64> = BTreeMap::new();
    let mut years: BTreeMap<std::cmp::Reverse<&str>, u64> = BTreeMap::new();
    let year_of = |d: &SearchDoc| d.ymd.get(..4).filter(|_| !d.ymd.is_empty()).map(|y| y.to_string());
    for d in docs {
        for t in &d.tags {
            *tags.entry(t).or_default() += 1;
        }
        if let Some(y) = d.ymd.get(..4).filter(|_| d.ymd.len() >= 4) {
            *years.entry(std::cmp::Reverse(y)).or_default() += 1;
        }
    }
    let mut tag_list: Vec<(&str, u64)> = tags.into_iter().collect();
    tag_list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let tag_ids: BTreeMap<&str, usize> = tag_list.iter().enumerate().map(|(i, t)| (t.0, i)).collect();
    let year_list: Vec<(String, u64)> = years.into_iter().map(|(y, c)| (y.0.to_string(), c)).collect();
    let year_ids: BTreeMap<&str, i64> = year_list.iter().enumerate().map(|(i, y)| (y.0.as_str(), i as i64)).collect();
    let mut by_num: Vec<&SearchDoc> = docs.iter().collect();
    by_num.sort_by_key(|d| d.num);
    let json = serde_json::json!({
        "sections": section_list,
        "tags": tag_list.iter().map(|(t, c)| serde_json::json!([t, c])).collect::<Vec<_>>(),
        "years": year_list.iter().map(|(y, c)| serde_json::json!([y, c])).collect::<Vec<_>>(),
        "section": by_num.iter().map(|d| section_ids.get(d.section.as_str()).copied().unwrap_or(0)).collect::<Vec<_>>(),
        "year": by_num.iter().map(|d| year_of(d).and_then(|y| year_ids.get(y.as_str()).copied()).unwrap_or(-1)).collect::<Vec<_>>(),
        "tags_of": by_num.iter().map(|d| d.tags.iter().filter_map(|t| tag_ids.get(t.as_str()).copied()).collect::<Vec<_>>()).collect::<Vec<_>>(),
    });
    to_json(&json)
}

/// The section facet: every section holding a document or enclosing one's section, in tree
/// order (parents before their sub-sections, siblings by key), as `[key, title, count,
/// parent]` where the count includes the sub-sections' documents and `parent` is the id of
/// the enclosing section (−1 for a top-level one); with the id of each key.
fn sections(docs: &[SearchDoc]) -> (Vec<serde_json::Value>, BTreeMap<&str, usize>) {
    // Keyed by path components, so `news/jiuye` follows `news` and precedes `news-x`.
    let mut found: BTreeMap<Vec<&str>, (&str, &str, u64)> = BTreeMap::new();
    for d in docs {
        let own = std::iter::once((d.section.as_str(), d.section_title.as_str()));
        for (key, title) in d.ancestors.iter().map(|(k, t)| (k.as_str(), t.as_str())).chain(own) {
            found.entry(key.split('/').collect()).or_insert((key, title, 0)).2 += 1;
        }
    }
    let ids: BTreeMap<&str, usize> = found.values().enumerate().map(|(i, (k, ..))| (*k, i)).collect();
    let mut parents: BTreeMap<&str, &str> = BTreeMap::new();
    for d in docs {
        let chain: Vec<&str> = d.section_keys().collect();
        for pair in chain.windows(2) {
            parents.insert(pair[1], pair[0]);
        }
    }
    let list = found
        .values()
        .map(|(key, title, count)| {
            let parent = parents.get(key).and_then(|p| ids.get(p)).map_or(-1, |i| *i as i64);
            serde_json::json!([key, title, count, parent])
        })
        .collect();
    (list, ids)
}
