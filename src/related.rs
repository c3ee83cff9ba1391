//! Stage 4b (part of structure): related articles, scored from what the pages say.
//!
//! In: the linked [`Site`] (pages, taxonomies) and [`RelatedConfig`], as plain [`Inputs`].
//! Out: for each page, the indexes of up to `limit` other pages, best first. Reads no files,
//! renders nothing.
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
//! Everything computed is kept in a [`State`], which `gazette serve` holds on to: after a body
//! edit it re-tokenizes only the edited pages and rescores only the pages whose top terms or
//! candidates the edit touched, and still gives exactly the lists a full build gives. For that
//! the statistics are kept exact (whole-number document frequencies and lengths) and the
//! average length is rounded to whole tokens, so one edit at 10,000 pages almost never moves
//! it; when it does, every page is rescored from the kept counts.
//!
//! Deterministic: every float is summed in one fixed order, and ties go to the newer page,
//! then the source path. Drafts are never candidates, do not count in the statistics and take
//! no place in a tag's date window, so `--drafts` does not change a published page's list.

use crate::cache::BuildCache;
use crate::config::RelatedConfig;
use crate::model::{Site, by_date_desc};
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

/// The weakest of a page's top terms as (raw weight, term id), when it has [`TOP_TERMS`]
/// of them: a term whose weight changes can enter the top only by beating it. `None` when
/// the page has fewer, so any term with a weight enters.
type Floor = Option<(f32, u64)>;

/// For each term id, the pages having it among their top terms, in page order, with its
/// weight there.
type Postings = HashMap<u64, Vec<(u32, f32)>, Prehashed>;

/// A page's related pages, best first, and the list's cutoff ([`State::cutoffs`]).
type List = (Vec<usize>, Option<f32>);

/// Candidate pages of one page with their scores so far.
type Scores = HashMap<usize, f32, Prehashed>;

/// Brings `site.related` up to date, and keeps the state in `cache` (`gazette serve`) for the
/// next build or patch, using the one kept there. `edited`: the pages whose texts alone
/// changed since `site.related` was computed (a patch), whose lists are updated in place;
/// `None` for a site model built afresh, whose lists are all written. Returns the pages whose
/// list changed (after a patch, the ones to render again).
pub fn update(
    site: &mut Site,
    config: &RelatedConfig,
    cache: Option<&BuildCache>,
    edited: Option<&[usize]>,
) -> Vec<usize> {
    let inputs = Inputs::of(site, config);
    let (mut state, changed) = match cache.and_then(BuildCache::take_related) {
        Some(mut state) => {
            let changed = match edited {
                Some(edited) => state.edit(&inputs, edited),
                None => state.sync(&inputs),
            };
            (state, changed)
        }
        None => {
            let state = State::new(&inputs);
            let changed = (0..state.lists.len()).filter(|i| site.related.get(*i) != Some(&state.lists[*i])).collect();
            (state, changed)
        }
    };
    match edited {
        Some(_) => changed.iter().for_each(|&i| site.related[i] = state.lists[i].clone()),
        None => site.related = state.lists.clone(),
    }
    if let Some(c) = cache {
        // Only `gazette serve` patches edits in; the build memo does not keep the sketch.
        if c.carried().is_none() {
            state.prepare_edits();
        }
        c.keep_related(state);
    }
    changed
}

/// Everything related lists are computed from, as plain data, indexed by page.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    /// Each page's title and body text.
    pub texts: Vec<(&'a str, &'a str)>,
    /// Whether each page is a draft.
    pub drafts: Vec<bool>,
    /// Each page's place in newest-first order, ties by source path: the final tie-break.
    pub rank: Vec<u32>,
    /// The page list of every term of the bonus taxonomies, in the term's (date) order.
    pub bonus: Vec<&'a [usize]>,
    /// Related pages per page; 0 computes nothing.
    pub limit: usize,
}

impl<'a> Inputs<'a> {
    /// The inputs of `site` under `config`.
    pub fn of(site: &'a Site, config: &RelatedConfig) -> Inputs<'a> {
        let pages = &site.pages;
        let mut order: Vec<usize> = (0..pages.len()).collect();
        order.sort_by(|a, b| by_date_desc(pages, *a, *b));
        let mut rank = vec![0; pages.len()];
        for (r, i) in order.into_iter().enumerate() {
            rank[i] = r as u32;
        }
        let bonus = site
            .taxonomies
            .iter()
            .filter(|t| config.taxonomies.contains(&t.name))
            .flat_map(|t| t.terms.values().map(|term| term.pages.as_slice()))
            .collect();
        Inputs {
            texts: pages.iter().map(|p| (p.title.as_str(), p.body.text.as_str())).collect(),
            drafts: pages.iter().map(|p| p.draft).collect(),
            rank,
            bonus,
            limit: config.limit,
        }
    }

    /// A key of everything but the texts: a [`State`] made from inputs with another key is
    /// computed again from scratch.
    fn structure(&self) -> u64 {
        crate::cache::key(&(self.limit, &self.drafts, &self.rank, &self.bonus))
    }
}

/// A key of one page's title and body, to find the pages whose text changed.
fn text_key(text: &(&str, &str)) -> u64 {
    crate::cache::key(text)
}

/// The corpus statistics BM25 weighs terms by, over the published pages.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Stats {
    /// In how many published pages each term is.
    df: HashMap<u64, u32, Prehashed>,
    /// Published pages.
    n: f32,
    /// Their summed lengths in (boosted) tokens: whole numbers, so exact in any order.
    total: f64,
    /// The average length, rounded to whole tokens (see the module docs).
    avg_len: f32,
    /// Pages a term may be in before it counts as common.
    common: f32,
}

impl Stats {
    fn of(counts: &[Counts], drafts: &[bool]) -> Stats {
        let published = || counts.par_iter().zip(drafts).filter(|(_, d)| !**d).map(|(c, _)| c);
        let df = published()
            .fold(HashMap::default, |mut df: HashMap<u64, u32, Prehashed>, c| {
                c.iter().for_each(|(id, _)| *df.entry(*id).or_insert(0) += 1);
                df
            })
            .reduce(HashMap::default, |mut a, b| {
                b.into_iter().for_each(|(id, k)| *a.entry(id).or_insert(0) += k);
                a
            });
        let n = published().count() as f32;
        let total = published().map(length).sum();
        let mut stats = Stats { df, n, total, avg_len: 0.0, common: (COMMON_SHARE * n).max(COMMON_MIN_PAGES as f32) };
        stats.avg_len = stats.average();
        stats
    }

    /// The average length as [`Stats::avg_len`] holds it.
    fn average(&self) -> f32 {
        if self.n == 0.0 { 1.0 } else { (self.total / f64::from(self.n)).round().max(1.0) as f32 }
    }

    /// The BM25 weight of a term counted `tf` times in a page with length factor `norm`;
    /// `None` for a term no other page has (`own` is 1 for a published page, whose own count
    /// is in the frequency) or too common to say anything.
    fn weight(&self, id: u64, tf: f32, own: f32, norm: f32) -> Option<f32> {
        let df = self.df.get(&id).copied().unwrap_or(0) as f32;
        // A term no other page has relates this one to none: kept, it would only push
        // shared terms out of the top ones (names and numbers are often unique, and weigh
        // the most). Very common terms say nothing.
        if df <= own || df > self.common {
            return None;
        }
        Some(self.idf(df) * tf * (K1 + 1.0) / (tf + norm))
    }

    /// The most term `id` can weigh in a published page, at any count and length (BM25's
    /// weight stays below idf · (k1 + 1)); `None` when it weighs nothing there.
    fn ceiling(&self, id: u64) -> Option<f32> {
        let df = self.df.get(&id).copied().unwrap_or(0) as f32;
        if df <= 1.0 || df > self.common {
            return None;
        }
        Some(self.idf(df) * (K1 + 1.0))
    }

    /// BM25's inverse document frequency of a term in `df` pages.
    fn idf(&self, df: f32) -> f32 {
        (1.0 + (self.n - df + 0.5) / (df + 0.5)).ln()
    }

    /// BM25's length factor for a page of length `len`.
    fn norm(&self, len: f32) -> f32 {
        K1 * (1.0 - B + B * len / self.avg_len)
    }
}

/// A page's length in (boosted) tokens.
fn length(c: &Counts) -> f64 {
    c.iter().map(|(_, k)| f64::from(*k)).sum()
}

/// Everything [`related`] computed, kept so an edit rescoring only what it touches
/// ([`State::edit`]) gives the lists a full computation would.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct State {
    /// [`Inputs::structure`] and each page's [`text_key`]: [`crate::cache::key`] hashes,
    /// equal only within one binary, which is why the build memo that keeps a `State` on
    /// disk is discarded when another binary reads it ([`crate::memo`]).
    structure: u64,
    texts: Vec<u64>,
    limit: usize,
    drafts: Vec<bool>,
    rank: Vec<u32>,
    shared: Shared,
    counts: Vec<Counts>,
    /// Each page's length in (boosted) tokens.
    lens: Vec<f32>,
    stats: Stats,
    vectors: Vec<Vector>,
    floors: Vec<Floor>,
    postings: Postings,
    lists: Vec<Vec<usize>>,
    /// Per page: the score of the last page of its list when the list is full (a page
    /// outscoring it would enter); `None` when shorter (any page scoring enough enters).
    cutoffs: Vec<Option<f32>>,
    /// Which pages may hold a term, for finding them without reading every page's counts;
    /// made for the first edit. Not kept in the build memo: 10 MB at 10,000 pages, made
    /// again in about 20 ms.
    #[serde(skip)]
    sketch: Option<Sketch>,
}

impl State {
    /// Computes every list of `inputs`.
    pub fn new(inputs: &Inputs) -> State {
        let n = inputs.texts.len();
        let mut state = State {
            structure: inputs.structure(),
            texts: inputs.texts.par_iter().map(text_key).collect(),
            limit: inputs.limit,
            drafts: inputs.drafts.clone(),
            rank: inputs.rank.clone(),
            shared: Shared::new(inputs),
            counts: Vec::new(),
            lens: Vec::new(),
            stats: Stats::default(),
            vectors: Vec::new(),
            floors: Vec::new(),
            postings: Postings::default(),
            lists: vec![Vec::new(); n],
            cutoffs: vec![None; n],
            sketch: None,
        };
        if inputs.limit > 0 {
            state.counts = inputs.texts.par_iter().map(|(title, body)| counts(title, body)).collect();
            state.lens = state.counts.iter().map(|c| length(c) as f32).collect();
            state.rescore_all();
        }
        state
    }

    /// Brings the state up to `inputs` and returns the pages whose list changed: when only
    /// texts changed, through [`State::edit`] of those pages; else from scratch.
    pub fn sync(&mut self, inputs: &Inputs) -> Vec<usize> {
        if inputs.structure() != self.structure {
            let old = std::mem::replace(self, State::new(inputs));
            return (0..self.lists.len()).filter(|i| old.lists.get(*i) != Some(&self.lists[*i])).collect();
        }
        let edited: Vec<usize> = inputs
            .texts
            .par_iter()
            .enumerate()
            .filter(|(i, t)| text_key(t) != self.texts[*i])
            .map(|(i, _)| i)
            .collect();
        self.edit(inputs, &edited)
    }

    /// Takes in new texts of the `edited` pages (everything else in `inputs` as before) and
    /// returns the pages whose list changed. Only the edited pages are tokenized again; a page
    /// is rescored when its top terms may have changed (it was edited, or holds a term whose
    /// document frequency changed where that term is or would be among its top ones) or when
    /// it shares a top term, before or after, with such a page.
    pub fn edit(&mut self, inputs: &Inputs, edited: &[usize]) -> Vec<usize> {
        if inputs.structure() != self.structure {
            return self.sync(inputs);
        }
        let mut edited = edited.to_vec();
        edited.sort_unstable();
        edited.dedup();
        for &e in &edited {
            self.texts[e] = text_key(&inputs.texts[e]);
        }
        if self.limit == 0 {
            return Vec::new();
        }
        let fresh: Vec<(usize, Counts)> =
            edited.par_iter().map(|&e| (e, counts(inputs.texts[e].0, inputs.texts[e].1))).collect();
        let mut dirty = Vec::new();
        let mut moved = Vec::new();
        for (e, new) in fresh {
            if new == self.counts[e] {
                continue;
            }
            let old = std::mem::replace(&mut self.counts[e], new);
            self.lens[e] = length(&self.counts[e]) as f32;
            if let Some(sketch) = &mut self.sketch {
                sketch.move_page(e, &old, &self.counts[e]);
            }
            if !self.drafts[e] {
                self.stats.total += length(&self.counts[e]) - length(&old);
                moved.extend(self.stats.retally(&old, &self.counts[e]));
            }
            dirty.push(e);
        }
        if dirty.is_empty() {
            return Vec::new();
        }
        // Many pages edited at once (a checkout, a change to every page): their terms reach
        // most pages anyway, and scoring all from the kept counts is quicker.
        if self.stats.average() != self.stats.avg_len || dirty.len() > self.counts.len() / 16 {
            self.stats.avg_len = self.stats.average();
            return self.rescore_all();
        }
        moved.sort_unstable();
        moved.dedup();
        self.prepare_edits();
        let Some(sketch) = &self.sketch else { return self.rescore_all() };
        // A moved term's weight changed where it is among the top terms; elsewhere it may now
        // enter them. Only the pages of its sketch row can hold it.
        let mut redo: Vec<usize> = dirty.clone();
        for id in &moved {
            redo.extend(self.postings.get(id).into_iter().flatten().map(|(p, _)| *p as usize));
        }
        redo.par_extend(
            moved
                .par_iter()
                .map(|id| (*id, self.stats.ceiling(*id)))
                .flat_map_iter(|(id, most)| sketch.pages(id).map(move |p| (p, id, most)))
                .filter(|(p, id, most)| dirty.binary_search(p).is_err() && self.enters(*p, *id, *most))
                .map(|(p, _, _)| p),
        );
        redo.sort_unstable();
        redo.dedup();
        let fresh: Vec<(usize, Vector, Floor)> = redo
            .par_iter()
            .map(|&p| {
                let (v, f) = self.vector(p);
                (p, v, f)
            })
            .collect();
        let mut changed = Vec::new();
        for (p, v, f) in fresh {
            self.floors[p] = f;
            if v != self.vectors[p] {
                let old = std::mem::replace(&mut self.vectors[p], v);
                changed.push((p, old));
            }
        }
        self.repost(&changed);
        // The changed pages are scored again, and so are drafts: they are in no inverted
        // list, so not found below, and there are few. Another page's list can change only
        // through its score against a changed page, so only when that page is on its list
        // or now outscores the list's last page; only the pages sharing a top term with a
        // changed page, before or after, have a score against it that moved.
        let mut relist: Vec<usize> = changed.iter().map(|(p, _)| *p).collect();
        if !changed.is_empty() {
            relist.extend((0..self.drafts.len()).filter(|p| self.drafts[*p]));
        }
        let mut near: Vec<(usize, usize)> = Vec::new();
        for (c, old) in changed.iter().filter(|(c, _)| !self.drafts[*c]) {
            for (id, _) in old.iter().chain(&self.vectors[*c]) {
                near.extend(self.postings.get(id).into_iter().flatten().map(|(x, _)| (*x as usize, *c)));
            }
        }
        near.sort_unstable();
        near.dedup();
        relist.par_extend(near.par_iter().filter(|(x, c)| x != c && self.moves(*x, *c)).map(|(x, _)| *x));
        relist.sort_unstable();
        relist.dedup();
        let lists: Vec<(usize, List)> = relist.par_iter().map(|&p| (p, self.list(p))).collect();
        let mut out = Vec::new();
        for (p, (list, cutoff)) in lists {
            self.cutoffs[p] = cutoff;
            if list != self.lists[p] {
                self.lists[p] = list;
                out.push(p);
            }
        }
        out
    }

    /// Whether page `x`'s list may change now that published page `c`'s top terms did.
    fn moves(&self, x: usize, c: usize) -> bool {
        if self.lists[x].contains(&c) {
            return true;
        }
        let Some(score) = self.pair(x, c).filter(|s| *s >= MIN_SCORE) else { return false };
        match (self.cutoffs[x], self.lists[x].last()) {
            (Some(cut), Some(&last)) => score.total_cmp(&cut).then(self.rank[last].cmp(&self.rank[c])).is_gt(),
            _ => true,
        }
    }

    /// The score page `x`'s list gives page `c` (which is not `x` and not a draft), computed
    /// as [`State::list`] does, float operation for float operation; `None` when `c` is no
    /// candidate.
    fn pair(&self, x: usize, c: usize) -> Option<f32> {
        let theirs = &self.vectors[c];
        let (mut sum, mut shared) = (0.0f32, false);
        for (id, w) in &self.vectors[x] {
            if let Ok(at) = theirs.binary_search_by_key(id, |e| e.0) {
                sum += w * theirs[at].1;
                shared = true;
            }
        }
        let text = Some(sum).filter(|s| shared && *s >= MIN_SCORE);
        let score = text.or_else(|| self.shared.near(x, c).then_some(0.0))?;
        Some(if self.shared.terms[x].is_empty() {
            score
        } else {
            score + TAXONOMY_BONUS * self.shared.count(x, c) as f32
        })
    }

    /// Makes what [`State::edit`] needs beyond the lists (about 20 ms at 10,000 pages), so
    /// a state kept for editing can have it before the first edit; else the first edit does.
    pub fn prepare_edits(&mut self) {
        if self.sketch.is_none() && self.limit > 0 {
            self.sketch = Some(Sketch::new(&self.counts));
        }
    }

    /// Scores every page from the kept counts; returns the pages whose list changed.
    fn rescore_all(&mut self) -> Vec<usize> {
        self.stats = Stats::of(&self.counts, &self.drafts);
        let (vectors, floors): (Vec<Vector>, Vec<Floor>) =
            (0..self.counts.len()).into_par_iter().map(|p| self.vector(p)).unzip();
        self.vectors = vectors;
        self.floors = floors;
        self.postings = Postings::default();
        // Drafts are left out here, so they are never found as candidates.
        for (page, v) in self.vectors.iter().enumerate().filter(|(i, _)| !self.drafts[*i]) {
            for (id, w) in v {
                self.postings.entry(*id).or_default().push((page as u32, *w));
            }
        }
        let (lists, cutoffs): (Vec<Vec<usize>>, Vec<Option<f32>>) =
            (0..self.counts.len()).into_par_iter().map(|p| self.list(p)).unzip();
        self.cutoffs = cutoffs;
        let old = std::mem::replace(&mut self.lists, lists);
        (0..self.lists.len()).filter(|i| old.get(*i) != Some(&self.lists[*i])).collect()
    }

    /// Page `p`'s top terms and their floor, from its counts and the statistics.
    fn vector(&self, p: usize) -> (Vector, Floor) {
        let c = &self.counts[p];
        let norm = self.stats.norm(self.lens[p]);
        let own = if self.drafts[p] { 0.0 } else { 1.0 };
        let mut v: Vector =
            c.iter().filter_map(|(id, tf)| Some((*id, self.stats.weight(*id, *tf, own, norm)?))).collect();
        // Heaviest first, ties by id: a total order, so the top ones are the same however
        // they are picked.
        let order = |a: &(u64, f32), b: &(u64, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let floor = (v.len() >= TOP_TERMS).then(|| {
            v.select_nth_unstable_by(TOP_TERMS - 1, order);
            (v[TOP_TERMS - 1].1, v[TOP_TERMS - 1].0)
        });
        v.truncate(TOP_TERMS);
        // Kept for the whole build (and by `serve`): without the room the other terms took.
        v.shrink_to_fit();
        v.sort_by_key(|e| e.0);
        let len = v.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt();
        if len > 0.0 {
            v.iter_mut().for_each(|e| e.1 /= len);
        }
        (v, floor)
    }

    /// Whether term `id`, now in more or fewer pages, may enter page `p`'s top terms, or
    /// for a draft (in no inverted list) also whether it is among them. `most` is the most
    /// the term can weigh in a published page ([`Stats::ceiling`]): a page whose weakest top
    /// term outweighs that is passed over without reading its counts.
    fn enters(&self, p: usize, id: u64, most: Option<f32>) -> bool {
        let draft = self.drafts[p];
        if !draft {
            let Some(most) = most else { return false };
            // Above the ceiling with room to spare for rounding: no count can reach it.
            if self.floors[p].is_some_and(|(w, _)| w > most * 1.001) {
                return false;
            }
        }
        let c = &self.counts[p];
        let Ok(at) = c.binary_search_by_key(&id, |e| e.0) else { return false };
        if draft && self.vectors[p].binary_search_by_key(&id, |e| e.0).is_ok() {
            return true;
        }
        let own = if draft { 0.0 } else { 1.0 };
        match (self.stats.weight(id, c[at].1, own, self.stats.norm(self.lens[p])), self.floors[p]) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(w), Some((fw, fid))) => w > fw || (w == fw && id < fid),
        }
    }

    /// Moves the `changed` pages (with their old vectors) to their new places in the
    /// inverted list, keeping each list in page order.
    fn repost(&mut self, changed: &[(usize, Vector)]) {
        for (p, old) in changed.iter().filter(|(p, _)| !self.drafts[*p]) {
            let page = *p as u32;
            for (id, _) in old {
                if let Some(list) = self.postings.get_mut(id)
                    && let Ok(at) = list.binary_search_by_key(&page, |e| e.0)
                {
                    list.remove(at);
                    if list.is_empty() {
                        self.postings.remove(id);
                    }
                }
            }
            for (id, w) in &self.vectors[*p] {
                let list = self.postings.entry(*id).or_default();
                match list.binary_search_by_key(&page, |e| e.0) {
                    Ok(at) => list[at].1 = *w,
                    Err(at) => list.insert(at, (page, *w)),
                }
            }
        }
    }

    /// Page `p`'s related pages, best first, and the list's cutoff ([`State::cutoffs`]).
    fn list(&self, p: usize) -> List {
        let mut scores = self.similar(p);
        self.shared.add_bonus(p, &self.drafts, &mut scores);
        let best = best(&self.rank, scores, self.limit);
        let cutoff = best.last().filter(|_| best.len() == self.limit).map(|e| e.1);
        (best.into_iter().map(|e| e.0).collect(), cutoff)
    }

    /// Cosine similarity of page `me` with the published pages sharing its top terms, where
    /// at least [`MIN_SCORE`].
    fn similar(&self, me: usize) -> Scores {
        let mut scores = Scores::default();
        // My terms in id order, each list in page order: each sum is made in one fixed order.
        for (id, w) in &self.vectors[me] {
            for (other, w2) in self.postings.get(id).into_iter().flatten() {
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
}

impl Stats {
    /// Moves the document frequencies from a page's `old` counts to its `new` ones (both
    /// sorted by id) and returns the terms whose frequency changed.
    fn retally(&mut self, old: &Counts, new: &Counts) -> Vec<u64> {
        let (mut i, mut j) = (0, 0);
        let mut moved = Vec::new();
        while i < old.len() || j < new.len() {
            let a = old.get(i).map(|e| e.0);
            let b = new.get(j).map(|e| e.0);
            match (a, b) {
                (Some(x), Some(y)) if x == y => {
                    i += 1;
                    j += 1;
                }
                (Some(x), y) if y.is_none_or(|y| x < y) => {
                    if let Some(df) = self.df.get_mut(&x) {
                        *df -= 1;
                        if *df == 0 {
                            self.df.remove(&x);
                        }
                    }
                    moved.push(x);
                    i += 1;
                }
                (_, Some(y)) => {
                    *self.df.entry(y).or_insert(0) += 1;
                    moved.push(y);
                    j += 1;
                }
                (_, None) => break,
            }
        }
        moved
    }
}

/// The weighted term counts of a page with this title and body text.
pub fn counts(title: &str, body: &str) -> Counts {
    let mut map: HashMap<u64, f32, Prehashed> = HashMap::default();
    for (text, weight) in [(title, TITLE_BOOST), (body, 1.0)] {
        let norm = normalize(text);
        let mut cur = Cursor::default();
        while let Some((from, to, _, _)) = next_token(&norm, &mut cur) {
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

/// Rows of a [`Sketch`]. More rows, fewer pages read in vain: at about 500 distinct terms a
/// page, a row marks about 6% of the pages that do not hold the term looked for.
const SKETCH_ROWS: usize = 8192;

/// For each of [`SKETCH_ROWS`] rows, a bit per page: set when the page holds a term whose id
/// falls in that row. The pages holding a term are among those marked in its row, so an edit
/// reads a few hundred pages' counts instead of all of them (10,000 pages' counts are far
/// larger than the caches; 10 MB of rows is not).
#[derive(Debug, Clone)]
struct Sketch {
    /// Words per row.
    words: usize,
    bits: Vec<u64>,
}

impl Sketch {
    fn new(counts: &[Counts]) -> Sketch {
        let words = counts.len().div_ceil(64);
        let mut sketch = Sketch { words, bits: vec![0; words * SKETCH_ROWS] };
        for (p, c) in counts.iter().enumerate() {
            c.iter().for_each(|(id, _)| sketch.set(*id, p));
        }
        sketch
    }

    fn at(&self, id: u64, page: usize) -> (usize, u64) {
        ((id >> 32) as usize % SKETCH_ROWS * self.words + page / 64, 1 << (page % 64))
    }

    fn set(&mut self, id: u64, page: usize) {
        let (word, bit) = self.at(id, page);
        self.bits[word] |= bit;
    }

    /// Page `page`'s terms went from `old` to `new`.
    fn move_page(&mut self, page: usize, old: &Counts, new: &Counts) {
        for (id, _) in old {
            let (word, bit) = self.at(*id, page);
            self.bits[word] &= !bit;
        }
        // After clearing: a row holding an old term may hold a kept one too.
        new.iter().for_each(|(id, _)| self.set(*id, page));
    }

    /// The pages that may hold term `id`, in page order.
    fn pages(&self, id: u64) -> impl Iterator<Item = usize> + '_ {
        let (start, _) = self.at(id, 0);
        self.bits[start..start + self.words].iter().enumerate().flat_map(|(w, bits)| {
            let mut bits = *bits;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let b = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    w * 64 + b
                })
            })
        })
    }
}

/// The bonus taxonomies' terms of each page, for counting what two pages share.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Shared {
    /// Per page: its bonus terms, numbered across the bonus taxonomies, sorted.
    terms: Vec<Vec<u32>>,
    /// Per page: (bonus term, the page's position among the term's published pages).
    places: Vec<Vec<(u32, usize)>>,
    /// Each bonus term's published pages.
    lists: Vec<Vec<usize>>,
}

impl Shared {
    fn new(inputs: &Inputs) -> Shared {
        let n = inputs.texts.len();
        let mut terms = vec![Vec::new(); n];
        let mut places = vec![Vec::new(); n];
        let mut lists = Vec::with_capacity(inputs.bonus.len());
        for (t, list) in inputs.bonus.iter().enumerate() {
            // Places among the published pages only, so a draft (shown by `--drafts`) takes
            // no published page's place near another; a draft's own place is where it will
            // stand once published.
            let mut published = Vec::with_capacity(list.len());
            for &p in list.iter() {
                terms[p].push(t as u32);
                places[p].push((t as u32, published.len()));
                if !inputs.drafts[p] {
                    published.push(p);
                }
            }
            lists.push(published);
        }
        terms.iter_mut().for_each(|v| v.sort_unstable());
        Shared { terms, places, lists }
    }

    /// Whether pages `a` and `b` are within [`TAXONOMY_WINDOW`] of each other in the list
    /// of a bonus term they share, as [`Shared::add_bonus`] looks for them.
    fn near(&self, a: usize, b: usize) -> bool {
        let theirs = &self.places[b];
        self.places[a]
            .iter()
            .any(|(t, pa)| theirs.iter().any(|(u, pb)| t == u && pa.abs_diff(*pb) <= TAXONOMY_WINDOW / 2))
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
    fn add_bonus(&self, me: usize, drafts: &[bool], scores: &mut Scores) {
        for (term, pos) in &self.places[me] {
            let list = &self.lists[*term as usize];
            let lo = pos.saturating_sub(TAXONOMY_WINDOW / 2);
            let hi = (pos + TAXONOMY_WINDOW / 2 + 1).min(list.len());
            for &other in &list[lo..hi] {
                if other != me && !drafts[other] {
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

/// The `limit` best of `scores` with their scores: highest score, then newest, then by source
/// path (`rank`).
fn best(rank: &[u32], scores: Scores, limit: usize) -> Vec<(usize, f32)> {
    let mut v: Vec<(usize, f32)> = scores.into_iter().filter(|(_, s)| *s >= MIN_SCORE).collect();
    let order = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(rank[a.0].cmp(&rank[b.0]));
    if v.len() > limit {
        v.select_nth_unstable_by(limit, order);
        v.truncate(limit);
    }
    v.sort_unstable_by(order);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so the test needs no crate and always
    /// makes the same corpus.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as usize
        }
    }

    /// Characters the test's words are made of: labour-news vocabulary, so the bigrams look
    /// like the site's.
    const CHARS: &str = "户外劳动者驿站环卫工人快递员卖骑手饮水热饭充电歇脚煤矿井下通风瓦斯隐患整改会技能培训就业招聘岗位匠模表彰安全生产应急检查社区读书法海盐辽宁十五分钟圈职等级认定补贴";

    /// A vocabulary of two- to four-character words, some much more frequent than others
    /// ([`Rng::word`]), so some terms are in most pages, many in a few and some in one.
    fn vocabulary(rng: &mut Rng) -> Vec<String> {
        let chars: Vec<char> = CHARS.chars().collect();
        (0..400).map(|_| (0..2 + rng.next() % 3).map(|_| chars[rng.next() % chars.len()]).collect()).collect()
    }

    impl Rng {
        /// A word of `vocab`, low indexes far more often than high ones.
        fn word<'a>(&mut self, vocab: &'a [String]) -> &'a str {
            let (a, b) = (self.next() % vocab.len(), self.next() % vocab.len());
            &vocab[a * b / vocab.len()]
        }
    }

    fn text(rng: &mut Rng, vocab: &[String], words: usize) -> String {
        (0..words).map(|_| rng.word(vocab)).collect::<Vec<_>>().join("，")
    }

    /// Every kept structure of `state` equals a fresh computation's.
    fn assert_fresh(state: &State, inputs: &Inputs, step: usize) {
        let fresh = State::new(inputs);
        assert_eq!(state.counts, fresh.counts, "step {step}: counts");
        assert_eq!(state.lens, fresh.lens, "step {step}: lengths");
        assert_eq!(state.stats.df, fresh.stats.df, "step {step}: document frequencies");
        assert_eq!(state.stats.total, fresh.stats.total, "step {step}: total length");
        assert_eq!(state.stats.avg_len, fresh.stats.avg_len, "step {step}: average length");
        assert_eq!(state.vectors, fresh.vectors, "step {step}: vectors");
        assert_eq!(state.floors, fresh.floors, "step {step}: floors");
        assert_eq!(state.postings, fresh.postings, "step {step}: inverted list");
        assert_eq!(state.lists, fresh.lists, "step {step}: lists");
        assert_eq!(state.cutoffs, fresh.cutoffs, "step {step}: cutoffs");
        assert_eq!(state.texts, fresh.texts, "step {step}: text keys");
    }

    /// Random edits, one or three pages at a time, small (a word swapped: the average length
    /// stays, so only the touched pages are rescored) and large (the average moves, so all
    /// are): after each, the state equals a fresh one, and the pages reported as changed are
    /// exactly those whose list differs. Short lists (most lists full, cutoffs high) and long
    /// ones (many lists short, tag neighbours entering on the bonus alone) take different
    /// paths through [`State::moves`].
    #[test]
    fn edits_give_what_a_fresh_computation_gives() {
        for (limit, seed) in [(2, 0x9e37_79b9_7f4a_7c15), (5, 0x2545_f491_4f6c_dd1d), (30, 0x1234_5678_9abc_def1)] {
            let (partial, whole) = walk(limit, seed, 100);
            assert!(partial > 50 && whole >= 3, "limit {limit}: {partial} partial, {whole} whole");
        }
    }

    fn inputs<'a>(
        titles: &'a [String],
        bodies: &'a [String],
        drafts: &[bool],
        tags: &'a [Vec<usize>],
        limit: usize,
    ) -> Inputs<'a> {
        Inputs {
            texts: titles.iter().zip(bodies).map(|(t, b)| (t.as_str(), b.as_str())).collect(),
            drafts: drafts.to_vec(),
            rank: (0..titles.len() as u32).rev().collect(),
            bonus: tags.iter().map(Vec::as_slice).collect(),
            limit,
        }
    }

    /// `steps` random edits of a 240-page corpus; returns how many were rescored in part and
    /// how many whole.
    fn walk(limit: usize, seed: u64, steps: usize) -> (usize, usize) {
        let mut rng = Rng(seed);
        let n = 240;
        let vocab = vocabulary(&mut rng);
        let mut titles: Vec<String> = (0..n).map(|_| text(&mut rng, &vocab, 2)).collect();
        // Every sixth page is a short notice with fewer than TOP_TERMS weighted terms.
        let mut bodies: Vec<String> = (0..n)
            .map(|i| {
                let words = if i % 6 == 0 { 2 + rng.next() % 6 } else { 20 + rng.next() % 40 };
                text(&mut rng, &vocab, words)
            })
            .collect();
        let drafts: Vec<bool> = (0..n).map(|i| i % 17 == 0).collect();
        // Two small tags, and a large one where only pages near in date get the bonus.
        let tags: Vec<Vec<usize>> = vec![
            (0..n).filter(|i| i % 5 == 0).collect(),
            (0..n).filter(|i| i % 7 == 3).collect(),
            (0..n).filter(|i| i % 2 == 1).collect(),
        ];
        let mut state = State::new(&inputs(&titles, &bodies, &drafts, &tags, limit));
        let (mut partial, mut whole) = (0, 0);
        for step in 0..steps {
            let before = state.lists.clone();
            let avg = state.stats.avg_len;
            let edited: Vec<usize> = (0..if step % 4 == 0 { 3 } else { 1 }).map(|_| rng.next() % n).collect();
            for &e in &edited {
                if step % 10 == 9 {
                    let words = if step % 20 == 9 { 400 } else { 5 };
                    bodies[e] = text(&mut rng, &vocab, words);
                } else {
                    // One word for another, or a word added: the length moves by a token or two.
                    let mut words: Vec<&str> = bodies[e].split('，').collect();
                    let at = rng.next() % words.len();
                    let word = rng.word(&vocab);
                    if rng.next().is_multiple_of(2) {
                        words[at] = word
                    } else {
                        words.insert(at, word)
                    }
                    bodies[e] = words.join("，");
                }
            }
            let current = inputs(&titles, &bodies, &drafts, &tags, limit);
            let mut changed = state.edit(&current, &edited);
            if state.stats.avg_len == avg {
                partial += 1
            } else {
                whole += 1
            }
            assert_fresh(&state, &current, step);
            let expected: Vec<usize> = (0..n).filter(|i| before[*i] != state.lists[*i]).collect();
            changed.sort_unstable();
            assert_eq!(changed, expected, "limit {limit}, step {step}: pages reported as changed");
        }
        // A title edit is a text edit too, and sync finds it without being told.
        titles[4] = "煤矿井下瓦斯通风".to_string();
        let current = inputs(&titles, &bodies, &drafts, &tags, limit);
        state.sync(&current);
        assert_fresh(&state, &current, steps);
        (partial, whole)
    }

    /// Anything but the texts (here one more draft) is computed from scratch.
    #[test]
    fn a_change_beyond_the_texts_starts_again() {
        let texts = ["户外劳动者驿站开放", "户外劳动者驿站建成", "煤矿井下通风检查"];
        let mut inputs = Inputs {
            texts: texts.iter().map(|t| (*t, *t)).collect(),
            drafts: vec![false; 3],
            rank: vec![0, 1, 2],
            bonus: Vec::new(),
            limit: 5,
        };
        let mut state = State::new(&inputs);
        assert_eq!(state.lists[0], [1]);
        inputs.drafts[1] = true;
        let changed = state.sync(&inputs);
        assert_eq!(changed, [0, 1]);
        assert_fresh(&state, &inputs, 0);
        assert!(state.lists[0].is_empty());
    }
}
