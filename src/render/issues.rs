//! Rendering of print editions (see [`crate::editions`]): the edition index `/issues/`, one
//! front page per edition `/issues/<key>/`, and its print view `/issues/<key>/print/`.
//!
//! A child of the render module so it can use the shared job machinery (page values, the
//! fingerprint stand-ins) without widening it. Edition and index pages show list views only,
//! so the usual tracking of which job shows which page covers them; the print view shows
//! whole bodies, so [`showing_body`] tells a body-only patch to render it again.

use super::{Crumb, Ctx, Job, Shared, with};
use crate::editions::{self, DIR, Edition};
use crate::model::Site;
use crate::views::DateView;
use serde::Serialize;
use tera::Value;

/// One edition output file.
#[derive(Debug, Clone, Copy)]
pub(super) enum EditionJob {
    /// `/issues/`.
    List,
    /// `/issues/<key>/` of edition `.0`.
    Front(usize),
    /// `/issues/<key>/print/` of edition `.0`.
    Print(usize),
}

impl EditionJob {
    /// `page_kind` of its template.
    pub(super) fn kind(self) -> &'static str {
        match self {
            EditionJob::List => "issue_list",
            EditionJob::Front(_) => "issue",
            EditionJob::Print(_) => "issue_print",
        }
    }
}

/// The edition jobs of a site: none without editions.
pub(super) fn jobs(site: &Site) -> Vec<Job> {
    if site.editions.is_empty() {
        return Vec::new();
    }
    let mut jobs = vec![Job::Edition(EditionJob::List)];
    for e in 0..site.editions.len() {
        jobs.push(Job::Edition(EditionJob::Front(e)));
        jobs.push(Job::Edition(EditionJob::Print(e)));
    }
    jobs
}

/// Jobs (indexes into `jobs`) whose output holds page `i`'s body: the print view of its
/// edition. Editions depend on front matter only, so the ones of the last build still hold.
pub(super) fn showing_body<'a>(jobs: &'a [Job], site: &'a Site, i: usize) -> impl Iterator<Item = usize> + 'a {
    jobs.iter().enumerate().filter_map(move |(n, j)| match j {
        Job::Edition(EditionJob::Print(e)) if site.editions[*e].pages().any(|p| p == i) => Some(n),
        _ => None,
    })
}

/// The fields every edition view has.
#[derive(Serialize)]
struct Head {
    key: String,
    issue: String,
    label: String,
    url: String,
    permalink: String,
    print_url: String,
    date: Option<DateView>,
    count: usize,
    folio_count: usize,
}

/// A link to another edition.
#[derive(Serialize)]
struct EditionLink {
    label: String,
    url: String,
}

impl Shared<'_> {
    pub(super) fn edition_origin(&self, job: EditionJob) -> String {
        match job {
            EditionJob::List => "editions".into(),
            EditionJob::Front(e) | EditionJob::Print(e) => format!("edition `{}`", self.site.editions[e].issue),
        }
    }

    /// Output path and template of an edition job, with its values put into `ctx`.
    pub(super) fn edition(&self, job: EditionJob, ctx: &mut Ctx) -> (String, String) {
        match job {
            EditionJob::List => self.edition_list(ctx),
            EditionJob::Front(e) => self.edition_front(e, ctx),
            EditionJob::Print(e) => self.edition_print(e, ctx),
        }
    }

    fn index_url(&self) -> String {
        format!("{}{DIR}/", self.prep.base_path)
    }

    fn head(&self, e: &Edition) -> Value {
        let head = Head {
            key: e.key.clone(),
            issue: e.issue.clone(),
            label: e.label.clone(),
            url: e.url.clone(),
            permalink: e.permalink.clone(),
            print_url: format!("{}print/", e.url),
            date: e.date.map(DateView::new),
            count: e.count(),
            folio_count: e.folios.len(),
        };
        let lead = e.lead().map(|i| self.value(i)).unwrap_or_else(Value::none);
        with(Value::from_serializable(&head), vec![("lead", lead)])
    }

    fn crumbs(&self, e: Option<&Edition>) -> Value {
        let mut crumbs = vec![
            Crumb { title: self.site.sections[0].title.clone(), url: self.prep.base_path.clone() },
            Crumb { title: "往期".into(), url: self.index_url() },
        ];
        if let Some(e) = e {
            crumbs.push(Crumb { title: e.label.clone(), url: e.url.clone() });
        }
        Value::from_serializable(&crumbs)
    }

    fn edition_list(&self, ctx: &mut Ctx) -> (String, String) {
        let url = self.index_url();
        let list = Value::from(self.site.editions.iter().map(|e| self.head(e)).collect::<Vec<_>>());
        let view = vec![
            ("title", Value::from("往期")),
            ("feed_url", Value::from(format!("{url}atom.xml"))),
            ("url", Value::from(url)),
            ("breadcrumbs", self.crumbs(None)),
            ("issues", list),
        ];
        ctx.insert_value("issue_list", with(Value::from(tera::Map::new()), view));
        (format!("{DIR}/index.html"), "issue_list.html".into())
    }

    fn edition_front(&self, idx: usize, ctx: &mut Ctx) -> (String, String) {
        let e = &self.site.editions[idx];
        let folios: Vec<Value> = e
            .folios
            .iter()
            .enumerate()
            .map(|(n, f)| {
                let sections: Vec<Value> = f
                    .sections(self.site)
                    .into_iter()
                    .map(|(key, pages)| {
                        let s = self.site.section(key);
                        let crumb = Crumb {
                            title: s.map(|s| s.title.clone()).unwrap_or_default(),
                            url: s.map(|s| s.url.clone()).unwrap_or_else(|| self.prep.base_path.clone()),
                        };
                        with(Value::from_serializable(&crumb), vec![("pages", self.list(&pages))])
                    })
                    .collect();
                folio_value(f, n, vec![("lead", self.value(f.pages[0])), ("sections", Value::from(sections))])
            })
            .collect();
        let link = |e: Option<&Edition>| {
            e.map(|e| Value::from_serializable(&EditionLink { label: e.label.clone(), url: e.url.clone() }))
                .unwrap_or_else(Value::none)
        };
        let extra = vec![
            ("folios", Value::from(folios)),
            ("newer", link(idx.checked_sub(1).and_then(|n| self.site.editions.get(n)))),
            ("older", link(self.site.editions.get(idx + 1))),
            ("list_url", Value::from(self.index_url())),
            ("feed_url", Value::from(format!("{}atom.xml", self.index_url()))),
            ("breadcrumbs", self.crumbs(Some(e))),
        ];
        ctx.insert_value("issue", with(self.head(e), extra));
        (format!("{}index.html", e.path), "issue.html".into())
    }

    fn edition_print(&self, idx: usize, ctx: &mut Ctx) -> (String, String) {
        let e = &self.site.editions[idx];
        let origin = self.config.origin();
        let mut n = 0;
        let folios: Vec<Value> = e
            .folios
            .iter()
            .enumerate()
            .map(|(k, f)| {
                let articles: Vec<Value> = f
                    .pages
                    .iter()
                    .map(|&i| {
                        n += 1;
                        let p = &self.site.pages[i];
                        let content = match &self.marks {
                            // The body's stand-in: the rewrite below is a function of it, the
                            // article's URL (in its view) and `n` (its place in this list).
                            Some(m) => m.bodies[i].clone(),
                            None => Value::from(editions::print_body(&p.body.html, n, &p.permalink, &origin)),
                        };
                        with(self.value(i), vec![("content", content), ("anchor", Value::from(format!("art-{n}")))])
                    })
                    .collect();
                folio_value(f, k, vec![("articles", Value::from(articles))])
            })
            .collect();
        let extra = vec![("folios", Value::from(folios)), ("breadcrumbs", self.crumbs(Some(e)))];
        ctx.insert_value("issue", with(self.head(e), extra));
        // One page of the edition's articles in full: the edition page is the one to index.
        ctx.insert("canonical", &e.permalink);
        (format!("{}print/index.html", e.path), "issue_print.html".into())
    }
}

/// A 版 as a template value: `label`, `number`, `anchor` (`ban-1` …, by position) and `extra`.
fn folio_value(f: &editions::Folio, n: usize, extra: Vec<(&'static str, Value)>) -> Value {
    #[derive(Serialize)]
    struct FolioHead<'a> {
        label: &'a str,
        number: Option<u64>,
        anchor: String,
        count: usize,
    }
    let head = FolioHead { label: &f.label, number: f.number, anchor: format!("ban-{}", n + 1), count: f.pages.len() };
    with(Value::from_serializable(&head), extra)
}
