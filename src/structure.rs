//! Stage 4b: site structure. Links the pages and sections of a [`Site`] together: section
//! tree, page order, prev/next, taxonomies, the date index and related articles.
//!
//! Pure data in, data out: this stage reads no files and renders nothing. Every ordering has
//! a total tie-break (source path), so two builds always list pages identically.

use crate::config::Config;
use crate::front_matter::{SectionFrontMatter, SortBy};
use crate::markdown::Rendered;
use crate::model::{Section, Site, Taxonomy, Term, by_date_desc, sort_pages};
use crate::paths;
use std::collections::{BTreeMap, HashMap};

/// Fills in the structural fields of `site`.
pub fn link(site: &mut Site, config: &Config) {
    link_with(site, config, None);
}

/// [`link`], bringing the related-articles state kept in `cache` up to date instead of
/// scoring every page again (see [`crate::related::State::sync`]).
pub fn link_with(site: &mut Site, config: &Config, cache: Option<&crate::cache::BuildCache>) {
    ensure_root(site, config);
    site.sections.sort_by(|a, b| a.key.cmp(&b.key));
    link_sections(site);
    assign_pages(site);
    order_sections(site);
    site.prev_next = prev_next(site);
    site.taxonomies = taxonomies(site, config);
    for page in &mut site.pages {
        crate::terms::show_as_named(page, &site.taxonomies);
    }
    site.by_date = {
        let mut v: Vec<usize> = (0..site.pages.len()).filter(|i| site.pages[*i].date.is_some()).collect();
        v.sort_by(|a, b| by_date_desc(&site.pages, *a, *b));
        v
    };
    site.backlinks = backlinks(site);
    let t = std::time::Instant::now();
    crate::related::update(site, &config.related, cache, None);
    if std::env::var_os("GAZETTE_TIMINGS").is_some() {
        eprintln!("timing: related {} ms", t.elapsed().as_millis());
    }
}

/// For each page, the other pages whose bodies link to it, each once: dated pages newest
/// first, then undated ones by title, ties broken by source path.
fn backlinks(site: &Site) -> Vec<Vec<usize>> {
    let index: HashMap<&str, usize> = site.pages.iter().enumerate().map(|(i, p)| (p.rel.as_str(), i)).collect();
    let mut out = vec![Vec::new(); site.pages.len()];
    for (from, page) in site.pages.iter().enumerate() {
        // `body.links` is a set, so each linking page is pushed once per target.
        for to in page.body.links.iter().filter_map(|rel| index.get(rel.as_str())) {
            if *to != from {
                out[*to].push(from);
            }
        }
    }
    for list in &mut out {
        list.sort_by(|a, b| {
            let (pa, pb) = (&site.pages[*a], &site.pages[*b]);
            match (pa.date, pb.date) {
                (None, None) => pa.title.cmp(&pb.title).then_with(|| pa.rel.cmp(&pb.rel)),
                _ => by_date_desc(&site.pages, *a, *b),
            }
        });
    }
    out
}

/// A site without `content/_index.md` still has a home page.
fn ensure_root(site: &mut Site, config: &Config) {
    if site.sections.iter().any(|s| s.key.is_empty()) {
        return;
    }
    let base_path = config.base_path();
    site.sections.push(Section {
        key: String::new(),
        display: "content/_index.md".into(),
        fm: SectionFrontMatter::default(),
        title: config.title.clone(),
        path: String::new(),
        url: base_path.clone(),
        permalink: config.base_url.clone(),
        body: Rendered::default(),
        pages: Vec::new(),
        listed: Vec::new(),
        children: Vec::new(),
        parent: None,
    });
}

/// The key of the nearest section at or above folder `dir`.
fn owning_section(keys: &HashMap<String, usize>, dir: &str) -> usize {
    let mut d = dir;
    loop {
        if let Some(i) = keys.get(d) {
            return *i;
        }
        if d.is_empty() {
            return 0;
        }
        d = paths::parent(d);
    }
}

fn section_keys(site: &Site) -> HashMap<String, usize> {
    site.sections.iter().enumerate().map(|(i, s)| (s.key.clone(), i)).collect()
}

fn link_sections(site: &mut Site) {
    let keys = section_keys(site);
    for i in 1..site.sections.len() {
        let parent = owning_section(&keys, paths::parent(&site.sections[i].key));
        site.sections[i].parent = Some(parent);
        site.sections[parent].children.push(i);
    }
    for i in 0..site.sections.len() {
        let mut children = std::mem::take(&mut site.sections[i].children);
        children.sort_by(|a, b| {
            let (x, y) = (&site.sections[*a], &site.sections[*b]);
            let wx = x.fm.weight.unwrap_or(i64::MAX);
            let wy = y.fm.weight.unwrap_or(i64::MAX);
            wx.cmp(&wy).then_with(|| x.title.cmp(&y.title)).then_with(|| x.key.cmp(&y.key))
        });
        site.sections[i].children = children;
    }
}

fn assign_pages(site: &mut Site) {
    let keys = section_keys(site);
    for i in 0..site.pages.len() {
        let page = &site.pages[i];
        let idx = match &page.fm.section {
            // Unknown names were reported when the front matter was parsed.
            Some(name) => {
                keys.get(name.trim_matches('/')).copied().unwrap_or_else(|| owning_section(&keys, &page.section))
            }
            None => owning_section(&keys, &page.section),
        };
        site.pages[i].section = site.sections[idx].key.clone();
        site.sections[idx].pages.push(i);
    }
}

fn order_sections(site: &mut Site) {
    for i in 0..site.sections.len() {
        let sort = site.sections[i].fm.sort_by;
        let mut pages = std::mem::take(&mut site.sections[i].pages);
        sort_pages(&site.pages, &mut pages, sort);
        site.sections[i].pages = pages;
    }
    for i in 0..site.sections.len() {
        let mut listed = site.sections[i].pages.clone();
        if site.sections[i].fm.include_subsections {
            let mut stack = site.sections[i].children.clone();
            while let Some(c) = stack.pop() {
                listed.extend(site.sections[c].pages.iter().copied());
                stack.extend(site.sections[c].children.iter().copied());
            }
            sort_pages(&site.pages, &mut listed, site.sections[i].fm.sort_by);
        }
        site.sections[i].listed = listed;
    }
}

/// (previous, next) for each page. In a date-sorted section the previous article is the older
/// one; in weight- and title-sorted sections it is the one before in reading order.
fn prev_next(site: &Site) -> Vec<(Option<usize>, Option<usize>)> {
    let mut out = vec![(None, None); site.pages.len()];
    for s in &site.sections {
        let list = &s.pages;
        for (pos, &p) in list.iter().enumerate() {
            let before = pos.checked_sub(1).map(|j| list[j]);
            let after = list.get(pos + 1).copied();
            out[p] = match s.fm.sort_by {
                SortBy::Date => (after, before),
                _ => (before, after),
            };
        }
    }
    out
}

fn taxonomies(site: &Site, config: &Config) -> Vec<Taxonomy> {
    config
        .taxonomies
        .iter()
        .map(|t| {
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            for (i, page) in site.pages.iter().enumerate() {
                for (name, slug) in page.terms.get(&t.name).into_iter().flatten() {
                    terms
                        .entry(slug.clone())
                        .or_insert_with(|| Term { name: name.clone(), slug: slug.clone(), pages: Vec::new() })
                        .pages
                        .push(i);
                }
            }
            for term in terms.values_mut() {
                term.pages.sort_by(|a, b| by_date_desc(&site.pages, *a, *b));
            }
            Taxonomy { name: t.name.clone(), terms }
        })
        .collect()
}
