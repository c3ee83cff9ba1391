//! The knowledge-base navigation tree shown beside a knowledge-base page (`page.kb_nav`).
//!
//! Part of the view layer, beside [`crate::views`]: plain data from the linked [`Site`],
//! nothing rendered here. A knowledge-base page is one whose section is sorted by weight
//! (`sort_by: weight`, like `content/kb/`); its tree starts at the highest weight-sorted
//! section above it below the home page, and lists that section's pages and subsections in
//! their own order, with the page being shown marked current. Pages of date-sorted sections
//! (news) get no tree: `null` in templates.

use crate::front_matter::SortBy;
use crate::model::Site;
use serde::Serialize;

/// A section of the tree, with its pages and subsections in section order.
#[derive(Debug, Clone, Serialize)]
pub struct KbNav {
    /// Section title.
    pub title: String,
    /// Section URL.
    pub url: String,
    /// True when the current page is in this section or below it (templates open it).
    pub open: bool,
    /// Its pages.
    pub pages: Vec<KbNavPage>,
    /// Its subsections.
    pub sections: Vec<KbNav>,
}

/// A page in the tree.
#[derive(Debug, Clone, Serialize)]
pub struct KbNavPage {
    /// Title.
    pub title: String,
    /// URL.
    pub url: String,
    /// The page being rendered (templates mark it `aria-current="page"`).
    pub current: bool,
}

/// The tree for page `page`, or `None` when it is not a knowledge-base page.
pub fn tree(site: &Site, page: usize) -> Option<KbNav> {
    let p = site.pages.get(page)?;
    let mut top = site.sections.iter().position(|s| s.key == p.section)?;
    if !is_kb(site, top) {
        return None;
    }
    while let Some(parent) = site.sections[top].parent.filter(|up| is_kb(site, *up)) {
        top = parent;
    }
    Some(section(site, top, page))
}

/// Weight-sorted and not the home page.
fn is_kb(site: &Site, idx: usize) -> bool {
    let s = &site.sections[idx];
    s.parent.is_some() && s.fm.sort_by == SortBy::Weight
}

fn section(site: &Site, idx: usize, current: usize) -> KbNav {
    let s = &site.sections[idx];
    let pages: Vec<KbNavPage> = s
        .pages
        .iter()
        .map(|&i| KbNavPage {
            title: site.pages[i].title.clone(),
            url: site.pages[i].url.clone(),
            current: i == current,
        })
        .collect();
    let sections: Vec<KbNav> = s.children.iter().map(|c| section(site, *c, current)).collect();
    let open = pages.iter().any(|p| p.current) || sections.iter().any(|s| s.open);
    KbNav { title: s.title.clone(), url: s.url.clone(), open, pages, sections }
}
