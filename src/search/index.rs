//! The tantivy index written at build time: the source of truth for `gazette search` and,
//! later, for the static shards the browser reads.
//!
//! One document per published page, numbered oldest first (undated knowledge-base pages
//! first, by path) so that posting order is date order and two builds number identically.
//! Title, body and tags go through the shared bigram tokenizer with positions (its index
//! tokens, boundary unigrams included), so a Chinese query of any length is an exact phrase
//! match. The index is rebuilt from scratch into a
//! fresh folder and swapped in, so a crash never leaves a half-written index in place.

use super::tokenize::{Cursor, next_token, normalize, write_token};
use crate::model::Site;
use std::path::{Path, PathBuf};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexWriter, TantivyDocument, doc};

/// Name the tokenizer is registered under in every index.
pub const TOKENIZER: &str = "gazette";

/// One searchable page.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchDoc {
    /// Stable doc number: position in oldest-first order.
    pub num: u64,
    /// Root-relative URL.
    pub url: String,
    /// Title.
    pub title: String,
    /// Plain text of the body.
    pub body: String,
    /// Tag names.
    pub tags: Vec<String>,
    /// Section key (`news/jiuye`, `kb`).
    pub section: String,
    /// Section title.
    pub section_title: String,
    /// Publication time, Unix seconds; 0 for undated pages.
    pub date: i64,
    /// `2024-05-20`, or empty.
    pub ymd: String,
    /// The sections enclosing `section`, outermost first, as (key, title); the root is left
    /// out. `--section news` and the section filter include sub-sections through these.
    pub ancestors: Vec<(String, String)>,
    /// The recency factor its BM25 score is multiplied by ([`super::recency`]); 1 until
    /// [`super::recency::apply`] sets it.
    pub boost: f32,
}

impl SearchDoc {
    /// The keys of its section and every enclosing section but the root, outermost first.
    pub fn section_keys(&self) -> impl Iterator<Item = &str> {
        self.ancestors.iter().map(|(k, _)| k.as_str()).chain(std::iter::once(self.section.as_str()))
    }
}

/// The sections enclosing the section `key` of `site`, outermost first, without the root.
fn ancestors(site: &Site, key: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut at = site.sections.iter().position(|s| s.key == key).and_then(|i| site.sections[i].parent);
    // A parent chain is a tree's; the bound only guards against a cycle in a broken model.
    while let Some(i) = at.filter(|_| out.len() < site.sections.len()) {
        let s = &site.sections[i];
        if s.parent.is_none() {
            break;
        }
        out.push((s.key.clone(), s.title.clone()));
        at = s.parent;
    }
    out.reverse();
    out
}

/// The documents of a site, numbered oldest first.
pub fn documents(site: &Site) -> Vec<SearchDoc> {
    let mut order: Vec<usize> = (0..site.pages.len()).collect();
    let key = |i: &usize| (site.pages[*i].date.map(|d| d.unix_timestamp()).unwrap_or(0), site.pages[*i].rel.clone());
    order.sort_by_key(key);
    order
        .into_iter()
        .enumerate()
        .map(|(num, i)| {
            let p = &site.pages[i];
            let section = site.section(&p.section);
            SearchDoc {
                num: num as u64,
                url: p.url.clone(),
                title: p.title.clone(),
                body: p.body.text.clone(),
                tags: p.terms.get("tags").into_iter().flatten().map(|(n, _)| n.clone()).collect(),
                section: p.section.clone(),
                section_title: section.map(|s| s.title.clone()).unwrap_or_default(),
                date: p.date.map(|d| d.unix_timestamp()).unwrap_or(0),
                ymd: p.date.map(|d| crate::views::DateView::new(d).ymd).unwrap_or_default(),
                ancestors: ancestors(site, &p.section),
                boost: 1.0,
            }
        })
        .collect()
}

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Doc number (fast, stored).
    pub num: Field,
    /// URL (stored).
    pub url: Field,
    /// Title (tokenized, stored).
    pub title: Field,
    /// Body (tokenized).
    pub body: Field,
    /// Tags (tokenized, stored).
    pub tags: Field,
    /// Section key (exact, stored).
    pub section: Field,
    /// Date (fast, stored).
    pub date: Field,
    /// The keys of the page's section and of every enclosing one (exact, multi-valued), for
    /// `--section`; `None` in an index written before the field existed.
    pub sections: Option<Field>,
    /// The recency factor (fast), read by `gazette search`.
    pub boost: Field,
}

/// Builds the schema.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Positions are required: a Chinese query is a phrase of overlapping bigrams.
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default().set_indexing_options(indexing);
    let fields = Fields {
        num: b.add_u64_field("num", INDEXED | STORED | FAST),
        url: b.add_text_field("url", STORED),
        title: b.add_text_field("title", text.clone().set_stored()),
        // Stored for the excerpts of `gazette search` (`super::forgive`).
        body: b.add_text_field("body", text.clone().set_stored()),
        tags: b.add_text_field("tags", text.set_stored()),
        section: b.add_text_field("section", STRING | STORED),
        date: b.add_i64_field("date", STORED | FAST),
        sections: Some(b.add_text_field("sections", STRING)),
        boost: b.add_f64_field("boost", FAST),
    };
    (b.build(), fields)
}

/// Registers the shared tokenizer on `index`.
pub fn register(index: &Index) {
    index.tokenizers().register(TOKENIZER, TextAnalyzer::from(GazetteTokenizer));
}

/// Writes a fresh index of `docs` into `dir`, replacing what was there.
pub fn write(dir: &Path, docs: &[SearchDoc]) -> Result<(), String> {
    let tmp = prepare(dir, docs)?;
    install(dir, &tmp)
}

/// Writes a fresh index of `docs` into a hidden folder beside `dir` and returns it; the build
/// calls [`install`] once the site output is in place, or [`discard`] when it failed.
pub fn prepare(dir: &Path, docs: &[SearchDoc]) -> Result<PathBuf, String> {
    let tmp = sibling(dir, "tmp");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| format!("cannot remove `{}`: {e}", tmp.display()))?;
    }
    std::fs::create_dir_all(&tmp).map_err(|e| format!("cannot create `{}`: {e}", tmp.display()))?;
    let t = std::time::Instant::now();
    if let Err(e) = fill(&tmp, docs) {
        discard(&tmp);
        return Err(format!("cannot write the search index: {e}"));
    }
    // The vocabulary `gazette search` suggests from, the same as the browser's.
    let vocab = super::suggest::Vocab::build(docs).to_json();
    if let Err(e) = std::fs::write(tmp.join(super::suggest::FILE), vocab) {
        discard(&tmp);
        return Err(format!("cannot write the search index: {e}"));
    }
    if let Err(e) = std::fs::write(tmp.join(MARKER), "This folder is the search index written by gazette.\n") {
        discard(&tmp);
        return Err(format!("cannot write the search index: {e}"));
    }
    if std::env::var_os("GAZETTE_TIMINGS").is_some() {
        eprintln!("timing: search index {} ms", t.elapsed().as_millis());
    }
    Ok(tmp)
}

/// Written into every index folder gazette makes: `search.index_dir` may name any folder, and
/// only one that carries this file (or tantivy's own `.managed.json`, from builds before the
/// marker) is ever replaced, so a mistyped setting cannot delete a folder of the user's.
const MARKER: &str = ".gazette-index";

/// True when `dir` is missing, empty, or an index gazette wrote.
pub fn replaceable(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Err(_) => !dir.exists(),
        Ok(mut entries) => {
            entries.next().is_none() || dir.join(MARKER).is_file() || dir.join(".managed.json").is_file()
        }
    }
}

/// True when `dir` holds a search index a build installed (its marker file is there).
pub fn installed(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// The refusal to replace a folder gazette did not write.
pub fn foreign(dir: &Path) -> String {
    format!("refusing to replace `{}` with the search index: it holds files gazette did not write", dir.display())
}

/// Swaps a prepared index into `dir`; refuses, touching nothing, when `dir` holds anything
/// gazette did not write.
pub fn install(dir: &Path, tmp: &Path) -> Result<(), String> {
    if !replaceable(dir) {
        discard(tmp);
        return Err(foreign(dir));
    }
    let old = sibling(dir, "old");
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(|e| format!("cannot remove `{}`: {e}", old.display()))?;
    }
    if dir.exists() {
        std::fs::rename(dir, &old).map_err(|e| format!("cannot move `{}` aside: {e}", dir.display()))?;
    }
    std::fs::rename(tmp, dir).map_err(|e| format!("cannot move the search index into place: {e}"))?;
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(|e| format!("cannot remove `{}`: {e}", old.display()))?;
    }
    Ok(())
}

/// Removes a prepared index that will not be installed.
pub fn discard(tmp: &Path) {
    let _ = std::fs::remove_dir_all(tmp);
}

fn sibling(dir: &Path, what: &str) -> PathBuf {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "index".into());
    dir.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

fn fill(dir: &Path, docs: &[SearchDoc]) -> tantivy::Result<()> {
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    register(&index);
    // Two indexing threads (one segment each, never merged: the export and `gazette search`
    // read any number of segments) and 30 MB of arena per thread.
    let mut writer: IndexWriter = index.writer_with_num_threads(2, 60_000_000)?;
    for d in docs {
        writer.add_document(document(&f, d))?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// The tantivy document of `d`.
pub fn document(f: &Fields, d: &SearchDoc) -> TantivyDocument {
    let mut document = doc!(
        f.num => d.num,
        f.url => d.url.as_str(),
        f.title => d.title.as_str(),
        f.body => d.body.as_str(),
        f.section => d.section.as_str(),
        f.date => d.date,
        f.boost => f64::from(d.boost),
    );
    for t in &d.tags {
        document.add_text(f.tags, t);
    }
    if let Some(sections) = f.sections {
        for key in d.section_keys() {
            document.add_text(sections, key);
        }
    }
    document
}

/// Opens the index in `dir`.
pub fn open(dir: &Path) -> tantivy::Result<(Index, Fields)> {
    let index = Index::open_in_dir(dir)?;
    register(&index);
    let (_, fields) = schema();
    let schema = index.schema();
    let get = |name: &str| schema.get_field(name);
    let fields = Fields {
        num: get("num").unwrap_or(fields.num),
        url: get("url").unwrap_or(fields.url),
        title: get("title").unwrap_or(fields.title),
        body: get("body").unwrap_or(fields.body),
        tags: get("tags").unwrap_or(fields.tags),
        section: get("section").unwrap_or(fields.section),
        date: get("date").unwrap_or(fields.date),
        sections: get("sections").ok(),
        boost: get("boost").unwrap_or(fields.boost),
    };
    Ok((index, fields))
}

/// Reads a stored text field.
pub fn stored_text(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string()
}

/// The shared tokenizer as a tantivy [`Tokenizer`].
#[derive(Clone, Default)]
pub struct GazetteTokenizer;

/// The tokens of one text, produced one at a time into one reused [`Token`].
pub struct GazetteStream {
    text_len: usize,
    norm: String,
    cursor: Cursor,
    token: Token,
}

impl Tokenizer for GazetteTokenizer {
    type TokenStream<'a> = GazetteStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GazetteStream {
        GazetteStream { text_len: text.len(), norm: normalize(text), cursor: Cursor::index(), token: Token::default() }
    }
}

impl TokenStream for GazetteStream {
    fn advance(&mut self) -> bool {
        let Some((from, to, position, kind)) = next_token(&self.norm, &mut self.cursor) else { return false };
        let t = &mut self.token;
        t.text.clear();
        write_token(&self.norm, from, to, kind, &mut t.text);
        // Offsets are into the normalised text; clamp so they never exceed the original
        // (tantivy only uses them for snippets, which we do not use).
        t.offset_from = from.min(self.text_len);
        t.offset_to = to.min(self.text_len);
        t.position = position;
        // tantivy starts the next value of a multi-valued field (the next tag) at the largest
        // `position + position_length` so far plus one: beyond the widest gap of a phrase, so
        // 户外劳动 does not match the tags 户外 and 劳动.
        t.position_length = super::tokenize::WIDEST_GAP + 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
