//! Stage 4b (part of structure): related articles, scored from what the pages say.
//!
//! In: the linked [`Site`] (pages, taxonomies) and [`RelatedConfig`]. Out: for each page, the
//! indexes of up to `limit` other pages, best first. Reads no files, renders nothing.
//!
//! Each page's title and body go through the search tokenizer ([`crate::search::tokenize`]),
//! so related articles agree with what a search would match: for Chinese text the terms are
//! the same overlapping bigrams. Terms are weighted like search scores them (BM25: k1 = 1.2,
//! b = 0.75, title terms counted [`TITLE_BOOST`] times), and each page keeps only its
//! [`TOP_TERMS`] heaviest terms as a unit-length sparse vector. Pairs are found through an
//! inverted list over those top terms, never by comparing all pairs (10,000 pages would be
//! 50 million pairs), and scored by cosine similarity plus [`TAXONOMY_BONUS`] for each shared
//! tag or topic, so an editor's tagging still counts.
//!
//! Deterministic: every float is summed in one fixed order, and ties go to the newer page,
//! then the source path. Drafts are never candidates, and do not count in the statistics, so
//! `--drafts` does not change a published page's list.

use crate::config::RelatedConfig;
use crate::model::{Page, Site, by_date_desc};
use crate::search::query::TITLE_BOOST;
use crate::search::tokenize::{Cursor, next_token, normalize};
use rayon::prelude::*;
use std::collections::HashMap;

/// Terms kept per page. Enough to describe a news article's subject (names, places, the
/// trade), few enough that the inverted lists stay short.
pub const TOP_TERMS: usize = 24;
/// Added to a pair's score for each term of a bonus taxonomy (tags, topics) the two share. A
/// cosine of 0.1 is a weak textual link, so one shared tag counts as much as that.
pub const TAXONOMY_BONUS: f32 = 0.1;
/// Similarities below this are noise: two articles always share a few bigrams, and a list
/// padded with noise is worse than a short one.
const MIN_SCORE: f32 = 0.04;
/// A term in more than this share of the pages says little about any of them (工作, 劳动 on
/// a labour site), and its inverted list would be the longest; it gets no weight at all.
const COMMON_SHARE: f32 = 0.25;
/// …but only once it is in more pages than this, so a small site keeps its shared terms.
const COMMON_MIN_PAGES: u32 = 8;
/// BM25 parameters, as tantivy and the search export use them.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// How far (in date order) to look within one tag for pages that share it but no top term.
/// Popular tags hold thousands of pages; readers want related stories from around the same
/// time anyway.
const TAXONOMY_WINDOW: usize = 40;

/// A page's weighted term counts: (term id, count), sorted by id. Title tokens count
/// [`TITLE_BOOST`] times, as search boosts a title match.
pub type Counts = Vec<(u64, f32)>;

/// A page's top terms as (term id, weight), unit length, sorted by term id.
type Vector = Vec<(u64, f32)>;

/// For each term id, the pages having it among their top terms, in page order, with its
/// weight there.
type Postings = HashMap<u64, Vec<(u32, f32)>, Prehashed>;

/// Candidate pages of one page with their scores so far.
type Scores = HashMap<usize, f32, Prehashed>;

/// Up to `config.limit` related pages for each page of `site`.
pub fn related(site: &Site, config: &RelatedConfig) -> Vec<Vec<usize>> {
    if config.limit == 0 {
        return vec![Vec::new(); site.pages.len()];
    }
    let counts: Vec<Counts> = site.pages.par_iter().map(|p| counts(&p.title, &p.body.text)).collect();
    let vectors = vectors(&site.pages, &counts);
    drop(counts);
    let postings = postings(&vectors, &site.pages);
    let shared = Shared::new(site, config);
    let rank = date_rank(&site.pages);
    (0..site.pages.len())
        .into_par_iter()
        .map(|me| {
            let mut scores = similar(me, &vectors, &postings);
            shared.add_bonus(me, &mut scores);
            best(&rank, scores, config.limit)
        })
        .collect()
}

/// The weighted term counts of a page with this title and body text.
pub fn counts(title: &str, body: &str) -> Counts {
    let mut map: HashMap<u64, f32, Prehashed> = HashMap::default();
    for (text, weight) in [(title, TITLE_BOOST), (body, 1.0)] {
        let norm = normalize(text);
        let mut cur = Cursor::default();
        while let Some((from, to, _)) = next_token(&norm, &mut cur) {
            *map.entry(term_id(&norm[from..to])).or_insert(0.0) += weight;
        }
    }
    let mut v: Counts = map.into_iter().collect();
    // Sorted, so everything summed from these goes in one order whatever the map did.
    v.sort_unstable_by_key(|e| e.0);
    v
}

/// A term's id: its 64-bit FNV-1a hash, the same in every build and on every toolchain.
/// Two terms of one site sharing an id (odds about 1 in 10^7 at a million distinct terms)
/// would only count as one term.
fn term_id(term: &str) -> u64 {
    term.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A hasher for keys that are already hashes ([`term_id`]) or small numbers: SipHash was a
/// large share of the time spent here.
type Prehashed = std::hash::BuildHasherDefault<Identity>;

/// See [`Prehashed`].
#[derive(Default)]
struct Identity(u64);

impl std::hash::Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in so it still works.
        self.0 = bytes.iter().fold(self.0, |h, b| h.rotate_left(8) ^ u64::from(*b));
    }
    fn write_u64(&mut self, n: u64) {
        // Fibonacci hashing: the table picks buckets by the high bits, which a small page
        // index alone would leave all zero.
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// Each page's top terms, weighted by BM25 against the published pages.
fn vectors(pages: &[Page], counts: &[Counts]) -> Vec<Vector> {
    let published = || pages.par_iter().zip(counts).filter(|(p, _)| !p.draft).map(|(_, c)| c);
    let df: HashMap<u64, u32, Prehashed> = published()
        .fold(HashMap::default, |mut df: HashMap<u64, u32, Prehashed>, c| {
            c.iter().for_each(|(id, _)| *df.entry(*id).or_insert(0) += 1);
            df
        })
        .reduce(HashMap::default, |mut a, b| {
            b.into_iter().for_each(|(id, k)| *a.entry(id).or_insert(0) += k);
            a
        });
    let n = published().count() as f32;
    // Lengths are whole numbers of (boosted) tokens, so the sum is exact in any order.
    let total: f64 = published().map(|c| c.iter().map(|(_, k)| f64::from(*k)).sum::<f64>()).sum();
    let avg_len = if n == 0.0 { 1.0 } else { (total / f64::from(n)).max(1.0) as f32 };
    let common = (COMMON_SHARE * n).max(COMMON_MIN_PAGES as f32);
    pages
        .par_iter()
        .zip(counts)
        .map(|(page, c)| {
            let len: f32 = c.iter().map(|(_, k)| k).sum();
            let norm = K1 * (1.0 - B + B * len / avg_len);
            // In how many published pages besides this one a term must be to relate it to any.
            let own = if page.draft { 0.0 } else { 1.0 };
            let mut v: Vector = c
                .iter()
                .filter_map(|(id, tf)| {
                    let df = df.get(id).copied().unwrap_or(0) as f32;
                    // A term no other page has relates this one to none: kept, it would only
                    // push shared terms out of the top ones (names and numbers are often
                    // unique, and weigh the most). Very common terms say nothing.
                    if df <= own || df > common {
                        return None;
                    }
                    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                    Some((*id, idf * tf * (K1 + 1.0) / (tf + norm)))
                })
                .collect();
            top(&mut v);
            v
        })
        .collect()
}

/// Keeps the [`TOP_TERMS`] heaviest of `v` (ties by term id), scaled to unit length and sorted
/// by term id.
fn top(v: &mut Vector) {
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(TOP_TERMS);
    v.sort_by_key(|e| e.0);
    let len = v.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt();
    if len > 0.0 {
        v.iter_mut().for_each(|e| e.1 /= len);
    }
}

/// The inverted list of the published pages' `vectors`.
fn postings(vectors: &[Vector], pages: &[Page]) -> Postings {
    let mut out = Postings::default();
    // Drafts are left out here, so they are never found as candidates.
    for (page, v) in vectors.iter().enumerate().filter(|(i, _)| !pages[*i].draft) {
        for (id, w) in v {
            out.entry(*id).or_default().push((page as u32, *w));
        }
    }
    out
}

/// Cosine similarity of page `me` with the published pages sharing its top terms, where at
/// least [`MIN_SCORE`].
fn similar(me: usize, vectors: &[Vector], postings: &Postings) -> Scores {
    let mut scores = Scores::default();
    // My terms in id order, each list in page order: each sum is made in one fixed order.
    for (id, w) in &vectors[me] {
        for (other, w2) in postings.get(id).into_iter().flatten() {
            let other = *other as usize;
            if other != me {
                *scores.entry(other).or_insert(0.0) += w * w2;
            }
        }
    }
    // Below the floor a similarity is noise (every two articles share some bigrams): it
    // counts as none, and the pair gets a tag bonus only if it is near in date (see
    // [`Shared::add_bonus`]). This also keeps the bonus work to a few candidates.
    scores.retain(|_, s| *s >= MIN_SCORE);
    scores
}

/// The bonus taxonomies' terms of each page, for counting what two pages share.
struct Shared<'a> {
    /// Per page: its bonus terms, numbered across the bonus taxonomies, sorted.
    terms: Vec<Vec<u32>>,
    /// Per page: (page list of a term, the page's position in it).
    lists: Vec<Vec<(&'a [usize], usize)>>,
    /// Per page: whether it is a draft (read here for every candidate; a [`Page`] is large).
    draft: Vec<bool>,
}

impl<'a> Shared<'a> {
    fn new(site: &'a Site, config: &RelatedConfig) -> Shared<'a> {
        let mut terms = vec![Vec::new(); site.pages.len()];
        let mut lists = vec![Vec::new(); site.pages.len()];
        let bonus = site.taxonomies.iter().filter(|t| config.taxonomies.contains(&t.name));
        for (n, term) in bonus.flat_map(|t| t.terms.values()).enumerate() {
            for (pos, &p) in term.pages.iter().enumerate() {
                terms[p].push(n as u32);
                lists[p].push((term.pages.as_slice(), pos));
            }
        }
        terms.iter_mut().for_each(|v| v.sort_unstable());
        Shared { terms, lists, draft: site.pages.iter().map(|p| p.draft).collect() }
    }

    /// How many bonus terms pages `a` and `b` share.
    fn count(&self, a: usize, b: usize) -> usize {
        let (x, y) = (&self.terms[a], &self.terms[b]);
        if x.len() <= y.len() {
            x.iter().filter(|t| y.binary_search(t).is_ok()).count()
        } else {
            y.iter().filter(|t| x.binary_search(t).is_ok()).count()
        }
    }

    /// Adds the bonus to every scored pair, and brings in pages near `me` in date order that
    /// share a tag but no top term (short notices with little text to go on).
    fn add_bonus(&self, me: usize, scores: &mut Scores) {
        for (list, pos) in &self.lists[me] {
            let lo = pos.saturating_sub(TAXONOMY_WINDOW / 2);
            let hi = (pos + TAXONOMY_WINDOW / 2 + 1).min(list.len());
            for &other in &list[lo..hi] {
                if other != me && !self.draft[other] {
                    scores.entry(other).or_insert(0.0);
                }
            }
        }
        if self.terms[me].is_empty() {
            return;
        }
        for (other, score) in scores.iter_mut() {
            *score += TAXONOMY_BONUS * self.count(me, *other) as f32;
        }
    }
}

/// The `limit` best of `scores`: highest score, then newest, then by source path (`rank`).
fn best(rank: &[u32], scores: Scores, limit: usize) -> Vec<usize> {
    let mut v: Vec<(usize, f32)> = scores.into_iter().filter(|(_, s)| *s >= MIN_SCORE).collect();
    let order = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(rank[a.0].cmp(&rank[b.0]));
    if v.len() > limit {
        v.select_nth_unstable_by(limit, order);
        v.truncate(limit);
    }
    v.sort_unstable_by(order);
    v.into_iter().map(|(i, _)| i).collect()
}

/// Each page's place in newest-first order, ties by source path ([`by_date_desc`]): the
/// tie-break of [`best`] as one number, so it reads no [`Page`].
fn date_rank(pages: &[Page]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by(|a, b| by_date_desc(pages, *a, *b));
    let mut rank = vec![0; pages.len()];
    for (r, i) in order.into_iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

/// A key of everything [`related`] reads: the options, each page's path, date, draft flag,
/// title and body text, and the bonus taxonomies' page lists. A body edit changes the key, so
/// a cached list is never used for text it was not computed from.
pub fn inputs(site: &Site, config: &RelatedConfig) -> u64 {
    let pages: Vec<_> =
        site.pages.iter().map(|p| (p.rel.as_str(), p.date, p.draft, p.title.as_str(), p.body.text.as_str())).collect();
    let lists: Vec<_> = site
        .taxonomies
        .iter()
        .filter(|t| config.taxonomies.contains(&t.name))
        .map(|t| (&t.name, t.terms.values().map(|term| (&term.slug, &term.pages)).collect::<Vec<_>>()))
        .collect();
    crate::cache::key(&(config, pages, lists))
}
