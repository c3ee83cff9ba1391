//! The static search index exported under `public/search/`: present, deterministic, small
//! in file count, and holding exactly tantivy's postings.

mod common;
mod fixture_articles;

use gazette::search::export::{CHAR_KEY, VERSION, decode_positions, decode_shard, idf, read_shard_list};
use gazette::search::index::open;
use std::collections::BTreeMap;
use tantivy::postings::Postings;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, TERMINATED};

const N: usize = 200;

fn entry(site: &common::Site) -> serde_json::Value {
    serde_json::from_str(&site.read("search/entry.json")).expect("entry.json")
}

#[test]
fn files_exist_and_are_few() {
    let site = fixture_articles::site(N);
    site.build_clean();
    let e = entry(&site);
    assert_eq!(e["version"], VERSION);
    let docs = e["docs"].as_u64().expect("docs") as usize;
    assert_eq!(docs, N, "one doc per article");
    let ranges = e["ranges"].as_array().expect("ranges");
    let shards = read_shard_list(&site.path("public/search")).expect("shard list");
    assert!(!shards.is_empty());
    assert!(ranges.len() > 1 && ranges.len() < shards.len(), "{} ranges for {} shards", ranges.len(), shards.len());
    assert!(shards.windows(2).all(|w| w[0].0.as_bytes() < w[1].0.as_bytes()), "shards sorted by term");
    let n = docs as u64;
    let mut with_positions = 0;
    for (_, file) in &shards {
        let bytes = std::fs::read(site.path(&format!("public/search/{file}"))).expect("shard");
        assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip'd");
        // A shard of real terms names its positions file, gzip'd and named by its content.
        let Some(pos) = decode_shard(&bytes, n).expect("decode").positions else { continue };
        with_positions += 1;
        let pos_bytes = std::fs::read(site.path(&format!("public/search/{pos}"))).expect("positions file");
        assert_eq!(&pos_bytes[..2], &[0x1f, 0x8b], "gzip'd");
        let hash = gazette::search::export::fnv1a(&pos_bytes);
        assert_eq!(pos, format!("p/{hash:016x}.bin"));
    }
    assert!(with_positions > 0 && with_positions <= shards.len());
    assert!(site.exists(&format!("search/{}", e["facets"].as_str().expect("facets"))));
    let blocks: Vec<String> = serde_json::from_value(e["blocks"].clone()).expect("blocks");
    assert_eq!(e["fragment"], "f/{block}/{num}.json");
    for num in 0..docs {
        let path = format!("search/f/{}/{num}.json", blocks[num / 1024]);
        let f: serde_json::Value = serde_json::from_str(&site.read(&path)).expect("fragment");
        assert_eq!(f["num"], num);
        assert!(f["text"].as_str().expect("text").chars().count() <= 160);
        assert!(f["url"].as_str().expect("url").starts_with('/'));
    }
    // Body files (for excerpts) exist exactly for the pages whose opening is full; apart from
    // them, few files.
    let body_dir = site.path("public/search/b");
    assert_eq!(e["body"], "b/{block}/{num}.json");
    for num in 0..docs {
        let block = &blocks[num / 1024];
        let f: serde_json::Value =
            serde_json::from_str(&site.read(&format!("search/f/{block}/{num}.json"))).expect("fragment");
        let full = f["text"].as_str().expect("text").chars().count() == 160;
        assert_eq!(body_dir.join(format!("{block}/{num}.json")).is_file(), full, "body file of {num}");
    }
    let files = walkdir::WalkDir::new(site.path("public/search")).into_iter().filter_map(Result::ok);
    let count = files.filter(|f| f.file_type().is_file() && !f.path().starts_with(&body_dir)).count();
    // One fragment per article, plus shards and their positions files: small shards keep a
    // query's bytes down (see `SHARD_BYTES`). 1.49 files per article here; 2.48 at 10,000
    // articles, whose vocabulary of trigrams and numbers is larger.
    assert!(count as f64 <= 1.6 * N as f64 + 10.0, "{count} files for {N} articles");
}

#[test]
fn two_builds_give_identical_bytes() {
    let site = fixture_articles::site(60);
    site.build_clean();
    let first = common::tree(&site.path("public/search"));
    site.build_clean();
    assert_eq!(first, common::tree(&site.path("public/search")));
    assert!(first.len() > 60);
}

#[test]
fn search_disabled_exports_nothing() {
    let site =
        fixture_articles::site(5).file("gazette.yaml", &format!("{}search:\n  enabled: false\n", common::CONFIG));
    site.build_clean();
    assert!(!site.exists("search/entry.json"));
}

type Postings3 = BTreeMap<(usize, String), Vec<(u32, u8, Vec<u32>)>>;

/// Every (field, term) → postings (doc number, fieldnorm id, positions), read with tantivy.
fn tantivy_postings(site: &common::Site) -> (Postings3, u64) {
    let (index, f) = open(&site.path(".gazette/index")).expect("open index");
    let searcher = index.reader().expect("reader").searcher();
    let mut out = Postings3::new();
    let mut n = 0;
    for seg in searcher.segment_readers() {
        n += u64::from(seg.max_doc());
        let nums = seg.fast_fields().u64("num").expect("num").first_or_default_col(0);
        for (fi, field) in [f.title, f.body, f.tags].into_iter().enumerate() {
            let inv = seg.inverted_index(field).expect("inverted index");
            let norms = seg.get_fieldnorms_reader(field).expect("norms");
            let mut stream = inv.terms().stream().expect("stream");
            while stream.advance() {
                let term = String::from_utf8(stream.key().to_vec()).expect("utf8");
                let mut p = inv
                    .read_postings_from_terminfo(stream.value(), IndexRecordOption::WithFreqsAndPositions)
                    .expect("postings");
                let list = out.entry((fi, term)).or_default();
                while p.doc() != TERMINATED {
                    let mut pos = Vec::new();
                    p.positions(&mut pos);
                    assert_eq!(pos.len() as u32, p.term_freq());
                    list.push((nums.get_val(p.doc()) as u32, norms.fieldnorm_id(p.doc()), pos));
                    p.advance();
                }
                list.sort_by_key(|x| x.0);
            }
        }
    }
    (out, n)
}

#[test]
fn shards_hold_exactly_tantivys_postings() {
    let site = fixture_articles::site(N);
    site.build_clean();
    let e = entry(&site);
    let n = e["docs"].as_u64().expect("docs");
    let (expected, total) = tantivy_postings(&site);
    assert_eq!(n, total);
    let mut got = Postings3::new();
    let mut chars = 0;
    // Character keys: per field, the docs of every 1–2 character term holding the character.
    let mut want_chars: BTreeMap<(usize, String), Vec<u32>> = BTreeMap::new();
    for ((fi, term), list) in &expected {
        if term.chars().count() > 2 {
            continue;
        }
        for c in term.chars().filter(|c| gazette::paths::is_han(*c)) {
            want_chars.entry((*fi, format!("{CHAR_KEY}{c}"))).or_default().extend(list.iter().map(|p| p.0));
        }
    }
    for docs in want_chars.values_mut() {
        docs.sort_unstable();
        docs.dedup();
    }
    let mut got_chars = BTreeMap::new();
    for (first, file) in read_shard_list(&site.path("public/search")).expect("shard list") {
        let bytes = std::fs::read(site.path(&format!("public/search/{file}"))).expect("shard");
        let shard = decode_shard(&bytes, n).expect("decode");
        let mut terms = shard.terms;
        assert_eq!(terms[0].term, first);
        // The shard alone holds no positions; its positions file fills them in exactly.
        assert!(terms.iter().flat_map(|t| t.fields.iter().flatten()).all(|fp| fp.positions.is_empty()));
        if let Some(pos) = &shard.positions {
            let pos_bytes = std::fs::read(site.path(&format!("public/search/{pos}"))).expect("positions file");
            decode_positions(&mut terms, &pos_bytes).expect("decode positions");
            // A positions file that does not fit the shard's tfs is an error, not a panic.
            let raw = gazette::search::export::gunzip(&pos_bytes).expect("gunzip");
            assert!(decode_positions(&mut terms.clone(), &raw[..raw.len() - 1]).is_err(), "short");
            assert!(decode_positions(&mut terms.clone(), &[raw.as_slice(), &[0]].concat()).is_err(), "long");
        }
        for t in terms {
            if t.term.starts_with(CHAR_KEY) {
                chars += 1;
                for (fi, fp) in t.fields.iter().enumerate() {
                    if let Some(fp) = fp {
                        got_chars.insert((fi, t.term.clone()), fp.docs.clone());
                    }
                }
                continue;
            }
            for (fi, fp) in t.fields.iter().enumerate() {
                let Some(fp) = fp else { continue };
                assert_eq!(fp.idf.to_bits(), idf(fp.docs.len() as u64, n).to_bits());
                assert_eq!(fp.tf, fp.positions.iter().map(|p| p.len() as u32).collect::<Vec<_>>());
                let list: Vec<(u32, u8, Vec<u32>)> =
                    fp.docs.iter().zip(&fp.norms).zip(&fp.positions).map(|((d, m), p)| (*d, *m, p.clone())).collect();
                got.insert((fi, t.term.clone()), list);
            }
        }
    }
    assert!(chars > 20, "{chars} character keys");
    assert_eq!(got_chars, want_chars, "character keys");
    assert_eq!(got.len(), expected.len());
    for (k, v) in &expected {
        assert_eq!(got.get(k), Some(v), "postings of {k:?}");
    }
}
