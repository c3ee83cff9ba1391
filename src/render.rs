//! Stage 5: render. Turns the site model into HTML files with Tera, in parallel.
//!
//! In: the [`Site`], the resolved [`Theme`] and the config. Out: rendered files (output path →
//! bytes) and diagnostics. Templates are checked one by one first so a site with three broken
//! templates hears about all three; render errors name the template file, line and column, and
//! the same template error hit by a thousand pages is reported once. Content HTML is passed to
//! templates as data and never evaluated as a template.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location};
use crate::model::Site;
use crate::output::Staging;
use crate::paths;
use crate::theme::Theme;
use crate::views::{self, Crumb, DateView, paginate, total_pages};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;
use tera::{Context, ErrorKind, Kwargs, State, Tera, Value};

mod budget;
mod instrument;
mod issues;

/// `base` (a map) with `extra` keys set. Tera values share maps and arrays through `Arc`, so
/// page views are converted to values once and reused by every list they appear in; this is
/// what keeps rendering a 10k-article site from being dominated by re-serialising them.
fn with(base: Value, extra: Vec<(&'static str, Value)>) -> Value {
    let mut map = base.into_map().unwrap_or_default();
    for (k, v) in extra {
        map.insert(k.into(), v);
    }
    Value::from(map)
}

/// Templates every theme must have (the embedded default supplies them).
const REQUIRED: &[&str] = &[
    "index.html",
    "page.html",
    "section.html",
    "taxonomy_list.html",
    "taxonomy_term.html",
    "archive.html",
    "404.html",
];

/// The site's templates, loaded into Tera with the render budget checks of [`budget`].
pub struct Templates {
    tera: Tera,
    /// The static files `get_url(…, cachebust=true)` hashes.
    pub assets: std::sync::Arc<crate::assets::Assets>,
    /// For each template given to Tera rewritten, where text was inserted, to map the
    /// positions Tera reports back to the file as written.
    inserted: BTreeMap<String, Vec<(usize, usize)>>,
    limits: budget::Limits,
}

/// Loads all templates into Tera, reporting every template with a syntax error.
pub fn load_templates(
    theme: &Theme,
    config: &Config,
    assets: std::sync::Arc<crate::assets::Assets>,
) -> (Option<Templates>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut texts: BTreeMap<&str, instrument::Instrumented> = BTreeMap::new();
    let none = BTreeMap::new();
    // Alone, a template may miss its parent or components; only syntax errors count here.
    let syntax_error = |name: &str, text: &str| match new_tera(config, &assets).add_raw_template(name, text) {
        Err(e) if matches!(e.kind(), ErrorKind::SyntaxError(_)) => Some(e),
        _ => None,
    };
    for (name, src) in &theme.templates {
        if let Some(e) = syntax_error(name, &src.text) {
            diags.push(template_error(&e, theme, &none));
            continue;
        }
        let rewritten = instrument::instrument(&src.text);
        // A rewrite that breaks a valid template would be a bug here: that one goes unchecked.
        if syntax_error(name, &rewritten.text).is_none() {
            texts.insert(name, rewritten);
        }
    }
    if !diags.is_empty() {
        return (None, diags);
    }
    let inserted: BTreeMap<String, Vec<(usize, usize)>> =
        texts.iter().map(|(name, t)| (name.to_string(), t.inserted.clone())).collect();
    let mut tera = new_tera(config, &assets);
    let sources = theme.templates.iter().map(|(n, s)| (n.as_str(), texts.get(n.as_str()).map_or(&s.text, |t| &t.text)));
    if let Err(e) = tera.add_raw_templates(sources) {
        diags.push(template_error(&e, theme, &inserted));
        return (None, diags);
    }
    for name in REQUIRED {
        if !theme.templates.contains_key(*name) {
            diags
                .push(Diagnostic::error(format!("the theme has no `{name}` template")).at(Location::file("templates")));
        }
    }
    let limits = budget::Limits {
        iterations: config.templates.max_iterations,
        time: std::time::Duration::from_millis(config.templates.max_render_ms),
        bytes: usize::try_from(config.templates.max_page_mb.saturating_mul(1 << 20)).unwrap_or(usize::MAX),
    };
    (Some(Templates { tera, assets, inserted, limits }), diags)
}

/// `get_url(path=…)`: the site path of `path` under the base path; with `cachebust=true`,
/// followed by `?h=` and a hash of the static file's published bytes ([`crate::assets`]).
fn new_tera(config: &Config, assets: &std::sync::Arc<crate::assets::Assets>) -> Tera {
    let mut tera = Tera::new();
    let base_path = config.base_path();
    let assets = assets.clone();
    tera.register_function("get_url", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
        let path: String = kwargs.must_get("path")?;
        let url = format!("{base_path}{}", paths::encode_path(path.trim_start_matches('/')));
        if kwargs.get::<bool>("cachebust")? != Some(true) {
            return Ok(url);
        }
        Ok(url + &assets.query(&path).map_err(tera::Error::message)?)
    });
    tera.register_test(instrument::TICK, |at: u64, _: Kwargs, _: &State| -> tera::TeraResult<bool> {
        budget::tick(usize::try_from(at).unwrap_or(usize::MAX)).map(|()| true).map_err(tera::Error::message)
    });
    tera
}

/// A Tera error as a diagnostic at the template's file, line and column (positions in a
/// rewritten template, see `inserted` in [`Templates`], are mapped back to the file).
fn template_error(e: &tera::Error, theme: &Theme, inserted: &BTreeMap<String, Vec<(usize, usize)>>) -> Diagnostic {
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let (display, text) = match theme.templates.get(r.filename()) {
                Some(t) => (t.display.clone(), t.text.as_str()),
                None => (r.filename().to_string(), ""),
            };
            let span = r.span();
            let (line, col) = inserted
                .get(r.filename())
                .and_then(|ins| budget::line_col(text, instrument::Instrumented::original(ins, span.range.start)))
                .unwrap_or((span.start_line, span.start_col + 1));
            let what = if matches!(e.kind(), ErrorKind::SyntaxError(_)) { "template syntax" } else { "template" };
            Diagnostic::error(format!("{what} error: {}", r.message()))
                .at_source(Location::at(display, line, col), text)
        }
        other => budget::chain_error(other, theme)
            .unwrap_or_else(|| Diagnostic::error(format!("template error: {other}")).at(Location::file("templates"))),
    }
}

/// Globals every template sees.
#[derive(Serialize, Clone)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: String,
    origin: String,
    language: &'a str,
    feed_url: String,
    nav: Vec<NavItem>,
    taxonomies: Vec<TaxonomyRef>,
    archives_url: Option<String>,
    /// The edition index, when some article has `issue:`.
    issues_url: Option<String>,
    /// The search page, when search is enabled (the header's search box submits to it).
    search_url: Option<String>,
    extra: &'a serde_yaml::Value,
    drafts: bool,
}

#[derive(Serialize, Clone)]
struct NavItem {
    title: String,
    url: String,
    active: bool,
}

#[derive(Serialize, Clone)]
struct TaxonomyRef {
    name: String,
    title: String,
    url: String,
}

/// One rendered HTML file: output path, bytes, and the input it came from.
pub struct Rendered {
    /// Output path.
    pub path: String,
    /// HTML.
    pub html: Vec<u8>,
    /// Source shown in collision messages.
    pub origin: String,
    /// Where the HTML went when it was handed to the staging folder as it was rendered
    /// ([`crate::output::Body::Written`], or [`crate::output::Body::Unchanged`] when the
    /// output already held these bytes); `html` is empty then.
    pub staged: Option<crate::output::Body>,
    /// The HTML, when it came from the render cache (then `html` is empty).
    pub cached: Option<std::sync::Arc<[u8]>>,
}

/// One HTML file to produce.
enum Job {
    Home,
    Page(usize),
    Section(usize, usize),
    TaxonomyList(usize),
    Term(usize, String, usize),
    Archive(Option<i32>, Option<u8>),
    NotFound,
    Search,
    /// The edition index, an edition page or its print view.
    Edition(issues::EditionJob),
}

/// What every job reads besides the site: page views and the `site` values.
struct Prepared {
    views: Vec<views::PageView>,
    /// `site` with no nav entry active (index 0) and with entry i active (index i + 1).
    site_values: Vec<Value>,
    nav_urls: Vec<String>,
    base_path: String,
}

/// Everything the jobs share.
struct Shared<'a> {
    site: &'a Site,
    config: &'a Config,
    templates: &'a Templates,
    theme: &'a Theme,
    prep: &'a Prepared,
    /// Each page's view as a template value, made when a job first needs it.
    values: Vec<OnceLock<Value>>,
    /// Set when building contexts only to fingerprint them: page views, the site value and
    /// page bodies are then stood in for by hashes of themselves (see [`Marks`]).
    marks: Option<Marks>,
    /// Set when a render runs out of budget: the others then stop (see [`budget::run`]).
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// What a `gazette serve` build keeps of its rendering, so that after a body-only edit
/// [`rerender`] renders just the files that show the edited page.
pub struct Kept {
    prep: Prepared,
    jobs: Vec<Job>,
    /// For each page, the jobs (indexes into `jobs`) whose context holds its list view.
    shown_in: Vec<Vec<u32>>,
}

thread_local! {
    /// Pages whose views the job being fingerprinted on this thread asked for.
    static SHOWN: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Stand-ins used when fingerprinting: a small value per page view, per site value, per
/// page body, each holding a hash of what it stands for. Any other input of a job goes into
/// its context as it is, so the fingerprint covers everything the template can see.
struct Marks {
    pages: Vec<Value>,
    site: Vec<Value>,
    bodies: Vec<Value>,
}

/// The context of one job, kept as plain values so it can be rendered or fingerprinted.
#[derive(Default)]
struct Ctx(BTreeMap<&'static str, Value>);

impl Ctx {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, val: &T) {
        self.0.insert(key, Value::from_serializable(val));
    }

    fn insert_value(&mut self, key: &'static str, val: Value) {
        self.0.insert(key, val);
    }

    fn into_context(self) -> Context {
        let mut c = Context::new();
        for (k, v) in self.0 {
            c.insert_value(k, v);
        }
        c
    }
}

/// Hashes a template value as a template sees it: map entries in their order, and whether a
/// string is marked safe.
fn hash_value(v: &Value, h: &mut impl Hasher) {
    use tera::value::ValueKind as K;
    v.kind().hash(h);
    match v.kind() {
        K::String => (v.as_str(), v.is_safe()).hash(h),
        K::Bool => v.as_bool().hash(h),
        K::U64 | K::U128 => v.as_u128().hash(h),
        K::I64 | K::I128 => v.as_i128().hash(h),
        K::F64 => v.as_f64().map(f64::to_bits).hash(h),
        K::Bytes => v.as_bytes().hash(h),
        K::Array => {
            let items = v.as_array().unwrap_or_default();
            items.len().hash(h);
            items.iter().for_each(|x| hash_value(x, h));
        }
        // Maps keep the order they were written in (Tera's `preserve_order`; without it they
        // iterate in a hash order that differs from run to run), and a template shows them in
        // that order, so reordered keys make a different page.
        K::Map => {
            let map = v.as_map();
            map.map_or(0, |m| m.len()).hash(h);
            for (k, x) in map.into_iter().flatten() {
                k.hash(h);
                hash_value(x, h);
            }
        }
        _ => {}
    }
}

fn mark(h: u64) -> Value {
    let mut m = tera::Map::new();
    m.insert("#".into(), Value::from(format!("{h:016x}")));
    Value::from(m)
}

/// What [`render_all`] made.
pub struct Rendering {
    /// The files.
    pub files: Vec<Rendered>,
    /// Template errors, each once.
    pub diagnostics: Vec<Diagnostic>,
    /// With a memo: what [`rerender`] needs.
    pub kept: Option<Kept>,
    /// Pages not rendered because the build memo vouched for their files.
    pub reused: usize,
}

/// Renders every HTML page. Returns output path → HTML.
pub fn render_all(
    site: &Site,
    config: &Config,
    tera: &Templates,
    theme: &Theme,
    drafts: bool,
    sink: Option<&Staging>,
    memo: Option<&crate::cache::BuildCache>,
) -> Rendering {
    let prep = prepare(site, config, drafts);
    let shared = Shared::new(site, config, tera, theme, &prep);
    let carried = memo.and_then(crate::cache::BuildCache::carried);
    let jobs = jobs(site, config);
    // With a memo (`gazette serve`), a job whose fingerprint is unchanged reuses its HTML.
    let fingerprints = memo.map(|_| {
        let value_key = |v: &Value| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            hash_value(v, &mut h);
            h.finish()
        };
        let marks = Marks {
            pages: prep
                .views
                .par_iter()
                // Debug, not JSON: JSON writes NaN and both infinities as `null`.
                .map(|v| mark(crate::cache::key(&format!("{v:?}"))))
                .collect(),
            site: prep.site_values.iter().map(|v| mark(value_key(v))).collect(),
            bodies: site.pages.par_iter().map(|p| mark(crate::cache::key(&p.body.html))).collect(),
        };
        let sources: Vec<(&String, &String)> = theme.templates.iter().map(|(k, t)| (k, &t.text)).collect();
        let inputs = crate::cache::key(&(sources, format!("{config:?}"), tera.assets.key()));
        let marked = Shared { marks: Some(marks), values: Vec::new(), ..Shared::new(site, config, tera, theme, &prep) };
        (marked, inputs)
    });
    // Written into staging as soon as rendered, when building. A file that cannot be written
    // now (its path may clash with another output file) keeps its bytes: the output checks
    // every path first, then the commit writes it or reports the failure with its origin.
    let finish = |mut r: Rendered| -> Result<Rendered, Diagnostic> {
        // The staging folder compares the bytes with what the output holds first, and writes
        // nothing when they are the same.
        if let Some(staging) = sink
            && let Ok(body) = staging.write(&r.path, r.cached.as_deref().unwrap_or(&r.html))
        {
            r.html = Vec::new();
            r.cached = None;
            r.staged = Some(body);
        }
        Ok(r)
    };
    let reused = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(Result<Rendered, Diagnostic>, Vec<usize>)> = jobs
        .par_iter()
        .map(|j| {
            let fp = fingerprints.as_ref().map(|(fs, inputs)| fs.fingerprint(j, *inputs));
            let shown = fp.as_ref().map(|f| f.2.clone()).unwrap_or_default();
            // With the build memo: a page whose inputs and file are as the last build left
            // them is not rendered, and its file is left alone.
            if let (Some(c), Some(staging), Some((path, key, _))) = (carried, sink, &fp)
                && let Some(hash) = c.page(path, *key)
                && staging.intact(path) == Some(hash)
            {
                c.keep_page(path, *key, hash);
                reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let origin = shared.origin(j);
                let unchanged = Some(crate::output::Body::Unchanged);
                let r = Rendered { path: path.clone(), html: Vec::new(), origin, staged: unchanged, cached: None };
                return (Ok(r), shown);
            }
            if let (Some(m), Some((path, key, _))) = (memo.filter(|_| carried.is_none()), &fp)
                && let Some(html) = m.rendered(path, *key)
            {
                let origin = shared.origin(j);
                let r = Rendered { path: path.clone(), html: Vec::new(), origin, staged: None, cached: Some(html) };
                return (finish(r), shown);
            }
            let r = shared.run(j).and_then(|mut r| {
                if let (Some(c), Some((_, key, _))) = (carried, &fp) {
                    c.keep_page(&r.path, *key, crate::output::manifest::content_hash(&r.html));
                } else if let (Some(m), Some((_, key, _))) = (memo, &fp) {
                    // One copy, shared by the cache and the output.
                    let html: std::sync::Arc<[u8]> = std::mem::take(&mut r.html).into();
                    m.keep_rendered(&r.path, *key, html.clone());
                    r.cached = Some(html);
                }
                finish(r)
            });
            (r, shown)
        })
        .collect();
    if let Some(m) = memo.filter(|_| carried.is_none()) {
        m.retain_rendered(&results.iter().filter_map(|r| r.0.as_ref().ok()).map(|r| r.path.as_str()).collect());
    }
    let mut files = Vec::with_capacity(results.len());
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut shown_in: Vec<Vec<u32>> = vec![Vec::new(); site.pages.len()];
    // Renders stopped because another ran out of budget: that one is reported.
    let stopped = budget::stopped_diagnostic();
    for (j, (r, shown)) in results.into_iter().enumerate() {
        for p in shown {
            if shown_in[p].last() != Some(&(j as u32)) {
                shown_in[p].push(j as u32);
            }
        }
        match r {
            Ok(file) => files.push(file),
            Err(d) => {
                if d != stopped && !diagnostics.contains(&d) {
                    diagnostics.push(d);
                }
            }
        }
    }
    drop(shared);
    drop(fingerprints);
    // Only `gazette serve` patches later edits in.
    let kept = memo.filter(|_| carried.is_none()).map(|_| Kept { prep, jobs, shown_in });
    Rendering { files, diagnostics, kept, reused: reused.into_inner() }
}

/// Renders again, after the bodies of `pages` changed (and nothing else), each of those
/// pages and every file that lists one whose list view (summary, reading time …) changed,
/// and the pages `relisted`, whose related articles changed. `site` is the site of the build
/// that made `kept`, with those pages replaced. An error (the first) means the caller should
/// run a full build, which reports them all.
pub fn rerender(
    kept: &mut Kept,
    site: &Site,
    config: &Config,
    tera: &Templates,
    theme: &Theme,
    pages: &[usize],
    relisted: &[usize],
) -> Result<Vec<Rendered>, Diagnostic> {
    let mut todo = Vec::new();
    for &x in relisted {
        let Some(j) = kept.jobs.iter().position(|j| matches!(j, Job::Page(p) if *p == x)) else { continue };
        todo.push(j);
        // The page now shows these pages' views: a later edit of one renders it again.
        for &c in &site.related[x] {
            if !kept.shown_in[c].contains(&(j as u32)) {
                kept.shown_in[c].push(j as u32);
            }
        }
    }
    for &i in pages {
        let view = views::page_view(site, config, &kept.prep.base_path, &site.pages[i]);
        if format!("{view:?}") != format!("{:?}", kept.prep.views[i]) {
            todo.extend(kept.shown_in[i].iter().map(|j| *j as usize));
        }
        kept.prep.views[i] = view;
        todo.extend(kept.jobs.iter().position(|j| matches!(j, Job::Page(p) if *p == i)));
        todo.extend(issues::showing_body(&kept.jobs, site, i));
    }
    todo.sort_unstable();
    todo.dedup();
    let shared = Shared::new(site, config, tera, theme, &kept.prep);
    todo.par_iter().map(|j| shared.run(&kept.jobs[*j])).collect()
}

/// Page views and `site` values for one render.
fn prepare(site: &Site, config: &Config, drafts: bool) -> Prepared {
    let base_path = config.base_path();
    let nav = nav(site);
    let site_view = SiteView {
        title: &config.title,
        description: &config.description,
        base_url: &config.base_url,
        base_path: base_path.clone(),
        origin: config.origin(),
        language: &config.language,
        feed_url: format!("{base_path}atom.xml"),
        nav: nav.clone(),
        taxonomies: config
            .taxonomies
            .iter()
            .map(|t| TaxonomyRef {
                name: t.name.clone(),
                title: t.display_title(),
                url: format!("{base_path}{}/", t.name),
            })
            .collect(),
        // No archive pages are written for a site without dated pages: no link to them either.
        archives_url: (config.archives && !site.by_date.is_empty()).then(|| format!("{base_path}archives/")),
        search_url: config.search.enabled.then(|| format!("{base_path}search/")),
        issues_url: (!site.editions.is_empty()).then(|| format!("{base_path}{}/", crate::editions::DIR)),
        extra: &config.extra,
        drafts,
    };
    let views = views::page_views(site, config);
    let site_values = (0..=site_view.nav.len())
        .map(|active| {
            let mut v = site_view.clone();
            if active > 0 {
                v.nav[active - 1].active = true;
            }
            Value::from_serializable(&v)
        })
        .collect();
    let nav_urls = site_view.nav.iter().map(|n| n.url.clone()).collect();
    Prepared { views, site_values, nav_urls, base_path }
}

fn nav(site: &Site) -> Vec<NavItem> {
    let root = &site.sections[0];
    let mut items = Vec::new();
    for &c in &root.children {
        let s = &site.sections[c];
        if s.fm.in_nav == Some(false) {
            continue;
        }
        items.push(NavItem { title: s.title.clone(), url: s.url.clone(), active: false });
        // A newsroom's desks (要闻, 就业 …) live one level down; readers expect them in the bar.
        if s.fm.include_subsections {
            for &g in &s.children {
                let g = &site.sections[g];
                if g.fm.in_nav != Some(false) {
                    items.push(NavItem { title: g.title.clone(), url: g.url.clone(), active: false });
                }
            }
        }
    }
    items
}

fn jobs(site: &Site, config: &Config) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::NotFound];
    jobs.extend((0..site.pages.len()).map(Job::Page));
    if config.search.enabled {
        jobs.push(Job::Search);
    }
    for (i, s) in site.sections.iter().enumerate().skip(1) {
        let per = s.fm.paginate_by.unwrap_or(config.paginate_by);
        jobs.extend((1..=total_pages(s.listed.len(), per)).map(|n| Job::Section(i, n)));
    }
    for (t, tax) in site.taxonomies.iter().enumerate() {
        jobs.push(Job::TaxonomyList(t));
        let per = config.taxonomies[t].paginate_by.unwrap_or(config.paginate_by);
        for term in tax.terms.values() {
            jobs.extend((1..=total_pages(term.pages.len(), per)).map(|n| Job::Term(t, term.slug.clone(), n)));
        }
    }
    if config.archives && !site.by_date.is_empty() {
        jobs.push(Job::Archive(None, None));
        for (y, months) in archive_index(site) {
            jobs.push(Job::Archive(Some(y), None));
            jobs.extend(months.into_iter().map(|(m, _)| Job::Archive(Some(y), Some(m))));
        }
    }
    jobs.extend(issues::jobs(site));
    jobs
}

/// Month → pages of one year, newest first.
pub type Months = Vec<(u8, Vec<usize>)>;

/// Year → month → pages (newest first), newest year first.
pub fn archive_index(site: &Site) -> Vec<(i32, Months)> {
    let mut map: BTreeMap<i32, BTreeMap<u8, Vec<usize>>> = BTreeMap::new();
    for &i in &site.by_date {
        if let Some(d) = site.pages[i].date {
            map.entry(d.year()).or_default().entry(u8::from(d.month())).or_default().push(i);
        }
    }
    map.into_iter().rev().map(|(y, ms)| (y, ms.into_iter().rev().collect())).collect()
}

#[derive(Serialize)]
struct ArchiveMonth {
    month: u8,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct ArchiveYear {
    year: i32,
    url: String,
    count: usize,
    months: Vec<ArchiveMonth>,
}

#[derive(Serialize)]
struct ArchiveView {
    kind: &'static str,
    title: String,
    url: String,
    year: Option<i32>,
    month: Option<u8>,
    years: Vec<ArchiveYear>,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct TermView {
    name: String,
    url: String,
    count: usize,
    feed_url: Option<String>,
}

impl<'a> Shared<'a> {
    fn new(
        site: &'a Site,
        config: &'a Config,
        templates: &'a Templates,
        theme: &'a Theme,
        prep: &'a Prepared,
    ) -> Shared<'a> {
        let values = prep.views.iter().map(|_| OnceLock::new()).collect();
        Shared { site, config, templates, theme, prep, values, marks: None, stop: Default::default() }
    }
}

impl Shared<'_> {
    /// Page `i`'s view as a template value (its stand-in when fingerprinting).
    fn value(&self, i: usize) -> Value {
        match &self.marks {
            Some(m) => {
                SHOWN.with(|s| s.borrow_mut().push(i));
                m.pages[i].clone()
            }
            None => self.values[i].get_or_init(|| Value::from_serializable(&self.prep.views[i])).clone(),
        }
    }

    fn list(&self, items: &[usize]) -> Value {
        Value::from(items.iter().map(|i| self.value(*i)).collect::<Vec<_>>())
    }

    fn paginator(&self, items: &[usize], per: usize, n: usize, base: &str) -> Value {
        let p = paginate(items, per, n, base);
        let pages = self.list(&items[p.range.clone()]);
        with(Value::from_serializable(&p), vec![("pages", pages)])
    }

    fn origin(&self, job: &Job) -> String {
        match job {
            Job::Page(i) => self.site.pages[*i].display.clone(),
            Job::Home => self.site.sections[0].display.clone(),
            Job::Section(i, _) => self.site.sections[*i].display.clone(),
            Job::TaxonomyList(t) | Job::Term(t, ..) => format!("taxonomy `{}`", self.site.taxonomies[*t].name),
            Job::Archive(..) => "archives".into(),
            Job::NotFound => "404.html".into(),
            Job::Search => "search.html".into(),
            Job::Edition(j) => self.edition_origin(*j),
        }
    }

    fn run(&self, job: &Job) -> Result<Rendered, Diagnostic> {
        let (path, template, ctx) = self.context(job);
        if !self.theme.templates.contains_key(&template) {
            return Err(Diagnostic::error(format!("template `{template}` not found"))
                .at(Location::file(self.origin(job)))
                .hint("templates live in templates/ or themes/<name>/templates/"));
        }
        if budget::stopped(&self.stop) {
            return Err(budget::stopped_diagnostic());
        }
        let templates = self.templates;
        let context = ctx.into_context();
        let mut out = budget::Capped::new(templates.limits.bytes);
        match budget::run(templates.limits, &self.stop, || templates.tera.render_to(&template, &context, &mut out)) {
            (Ok(()), _) => {
                Ok(Rendered { path, html: out.into_bytes(), origin: self.origin(job), staged: None, cached: None })
            }
            (Err(_), _) if out.overflowed() => {
                let origin = self.origin(job);
                let rendering = if origin == path { path } else { format!("{path} ({origin})") };
                let file = self.theme.templates.get(&template).map_or(template.as_str(), |t| t.display.as_str());
                Err(budget::too_large(templates.limits, &rendering, file))
            }
            (Err(e), Some(trip)) => {
                let source = match e.kind() {
                    ErrorKind::RenderingError(r) => self.theme.templates.get(r.filename()),
                    _ => None,
                };
                let origin = self.origin(job);
                let rendering = if origin == path { path } else { format!("{path} ({origin})") };
                Err(budget::diagnostic(trip, source, templates.limits, &rendering))
            }
            (Err(e), None) => Err(template_error(&e, self.theme, &templates.inserted)),
        }
    }

    /// A hash of everything `job` renders from (with [`Marks`] standing in for the large
    /// parts), its output path and the pages whose views it shows.
    fn fingerprint(&self, job: &Job, templates: u64) -> (String, u64, Vec<usize>) {
        SHOWN.with(|s| s.borrow_mut().clear());
        let (path, template, ctx) = self.context(job);
        let mut shown = SHOWN.with(|s| std::mem::take(&mut *s.borrow_mut()));
        shown.sort_unstable();
        shown.dedup();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (templates, &template, &path).hash(&mut h);
        for (k, v) in &ctx.0 {
            k.hash(&mut h);
            hash_value(v, &mut h);
        }
        (path, h.finish(), shown)
    }

    /// Output path, template name and context of one job.
    fn context(&self, job: &Job) -> (String, String, Ctx) {
        let mut ctx = Ctx::default();
        let (path, template) = match job {
            Job::Home => self.home(&mut ctx),
            Job::NotFound => ("404.html".to_string(), "404.html".to_string()),
            Job::Page(i) => self.page(*i, &mut ctx),
            Job::Section(i, n) => self.section(*i, *n, &mut ctx),
            Job::TaxonomyList(t) => self.taxonomy_list(*t, &mut ctx),
            Job::Term(t, slug, n) => self.term(*t, slug, *n, &mut ctx),
            Job::Archive(y, m) => self.archive(*y, *m, &mut ctx),
            Job::Search => self.search(&mut ctx),
            Job::Edition(j) => self.edition(*j, &mut ctx),
        };
        let kind = match job {
            Job::Home => "home",
            Job::NotFound => "404",
            Job::Page(_) => "page",
            Job::Section(..) => "section",
            Job::TaxonomyList(_) => "taxonomy_list",
            Job::Term(..) => "taxonomy_term",
            Job::Archive(..) => "archive",
            Job::Search => "search",
            Job::Edition(j) => j.kind(),
        };
        let current_url = format!("{}{}", self.prep.base_path, paths::encode_path(path.trim_end_matches("index.html")));
        // The most specific nav entry containing this page is the active one.
        let active = self
            .prep
            .nav_urls
            .iter()
            .enumerate()
            .filter(|(_, u)| current_url.starts_with(u.as_str()))
            .max_by_key(|(_, u)| u.len())
            .map(|(i, _)| i + 1)
            .unwrap_or(0);
        let site = match &self.marks {
            Some(m) => m.site[active].clone(),
            None => self.prep.site_values[active].clone(),
        };
        ctx.insert_value("site", site);
        // A job may name another page as canonical (an edition's print view names the edition).
        if !ctx.0.contains_key("canonical") {
            ctx.insert("canonical", &format!("{}{current_url}", self.config.origin()));
        }
        ctx.insert("current_url", &current_url);
        ctx.insert("page_kind", kind);
        (path, template, ctx)
    }

    fn home(&self, ctx: &mut Ctx) -> (String, String) {
        let site = self.site;
        ctx.insert("section", &views::section_view(site, 0, Some(format!("{}atom.xml", self.prep.base_path))));
        let latest: Vec<usize> = site.by_date.iter().take(10).copied().collect();
        ctx.insert_value("lead", latest.first().map(|i| self.value(*i)).unwrap_or_else(Value::none));
        ctx.insert_value("latest", self.list(&latest));
        let blocks: Vec<Value> = tree_order(site)
            .into_iter()
            .map(|i| &site.sections[i])
            .filter(|s| s.fm.sort_by == crate::front_matter::SortBy::Date && !s.pages.is_empty())
            .map(|s| {
                let section = Value::from_serializable(&Crumb { title: s.title.clone(), url: s.url.clone() });
                let pages = self.list(&s.pages[..s.pages.len().min(5)]);
                with(Value::from(tera::Map::new()), vec![("section", section), ("pages", pages)])
            })
            .collect();
        ctx.insert_value("latest_by_section", Value::from(blocks));
        ("index.html".into(), template_or(&site.sections[0].fm.template, "index.html"))
    }

    /// The search page: `search` = {entry_url, script_url}; the results are the client's job.
    fn search(&self, ctx: &mut Ctx) -> (String, String) {
        #[derive(Serialize)]
        struct SearchView {
            entry_url: String,
            script_url: String,
        }
        let bp = &self.prep.base_path;
        // Cache-busted, like the modules it imports; a theme without the script gets its plain URL.
        let script = "js/search-ui.js";
        let busted = self.templates.assets.query(script).unwrap_or_default();
        ctx.insert(
            "search",
            &SearchView { entry_url: format!("{bp}search/entry.json"), script_url: format!("{bp}{script}{busted}") },
        );
        ("search/index.html".into(), "search.html".into())
    }

    fn page(&self, i: usize, ctx: &mut Ctx) -> (String, String) {
        let site = self.site;
        let p = &site.pages[i];
        let (prev, next) = site.prev_next[i];
        let sec_idx = site.sections.iter().position(|s| s.key == p.section).unwrap_or(0);
        let mut breadcrumbs = views::section_crumbs(site, sec_idx);
        breadcrumbs.push(Crumb { title: p.title.clone(), url: p.url.clone() });
        let one = |j: Option<usize>| j.map(|j| self.value(j)).unwrap_or_else(Value::none);
        let article = with(
            self.value(i),
            vec![
                (
                    "content",
                    self.marks
                        .as_ref()
                        .map(|m| m.bodies[i].clone())
                        .unwrap_or_else(|| Value::from(p.body.html.as_str())),
                ),
                ("toc", Value::from_serializable(&p.body.toc)),
                ("show_toc", Value::from(p.body.heading_count >= self.config.markdown.toc_min_headings)),
                ("prev", one(prev)),
                ("next", one(next)),
                ("related", self.list(&site.related[i])),
                ("backlinks", self.list(site.backlinks.get(i).map_or(&[][..], Vec::as_slice))),
                ("kb_nav", Value::from_serializable(&crate::kb_nav::tree(site, i))),
                ("breadcrumbs", Value::from_serializable(&breadcrumbs)),
                ("json_ld", Value::from(crate::structured::article_json_ld(site, self.config, i))),
            ],
        );
        ctx.insert_value("page", article);
        let section_default = site.sections[sec_idx].fm.page_template.clone();
        let template = p.fm.template.clone().or(section_default).unwrap_or_else(|| "page.html".into());
        (format!("{}index.html", p.path), template)
    }

    fn section(&self, i: usize, n: usize, ctx: &mut Ctx) -> (String, String) {
        let s = &self.site.sections[i];
        let feed = crate::feeds::section_has_feed(self.site, self.config, i).then(|| format!("{}atom.xml", s.url));
        ctx.insert("section", &views::section_view(self.site, i, feed));
        let per = s.fm.paginate_by.unwrap_or(self.config.paginate_by);
        ctx.insert_value("paginator", self.paginator(&s.listed, per, n, &s.url));
        let path = if n == 1 { format!("{}index.html", s.path) } else { format!("{}page/{n}/index.html", s.path) };
        (path, template_or(&s.fm.template, "section.html"))
    }

    fn taxonomy_list(&self, t: usize, ctx: &mut Ctx) -> (String, String) {
        let tax = &self.site.taxonomies[t];
        let conf = &self.config.taxonomies[t];
        let mut terms: Vec<TermView> = tax.terms.values().map(|term| self.term_view(t, term)).collect();
        terms.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        #[derive(Serialize)]
        struct ListView {
            name: String,
            title: String,
            url: String,
            terms: Vec<TermView>,
        }
        let url = format!("{}{}/", self.prep.base_path, tax.name);
        ctx.insert("taxonomy", &ListView { name: tax.name.clone(), title: conf.display_title(), url, terms });
        (format!("{}/index.html", tax.name), "taxonomy_list.html".into())
    }

    fn term_view(&self, t: usize, term: &crate::model::Term) -> TermView {
        let url = views::term_url(&self.prep.base_path, &self.site.taxonomies[t].name, &term.slug);
        TermView {
            name: term.name.clone(),
            feed_url: self.config.taxonomies[t].feed.then(|| format!("{url}atom.xml")),
            url,
            count: term.pages.len(),
        }
    }

    fn term(&self, t: usize, slug: &str, n: usize, ctx: &mut Ctx) -> (String, String) {
        let tax = &self.site.taxonomies[t];
        let conf = &self.config.taxonomies[t];
        let Some(term) = tax.terms.get(slug) else {
            return ("404.html".into(), "404.html".into());
        };
        let view = self.term_view(t, term);
        #[derive(Serialize)]
        struct Head {
            name: String,
            title: String,
            url: String,
        }
        let head = Head {
            name: tax.name.clone(),
            title: conf.display_title(),
            url: format!("{}{}/", self.prep.base_path, tax.name),
        };
        ctx.insert("taxonomy", &head);
        let per = conf.paginate_by.unwrap_or(self.config.paginate_by);
        ctx.insert_value("paginator", self.paginator(&term.pages, per, n, &view.url));
        ctx.insert("term", &view);
        let dir = format!("{}/{}/", tax.name, term.slug);
        let path = if n == 1 { format!("{dir}index.html") } else { format!("{dir}page/{n}/index.html") };
        (path, "taxonomy_term.html".into())
    }

    fn archive(&self, year: Option<i32>, month: Option<u8>, ctx: &mut Ctx) -> (String, String) {
        let index = archive_index(self.site);
        let bp = &self.prep.base_path;
        let years: Vec<ArchiveYear> = index
            .iter()
            .map(|(y, ms)| ArchiveYear {
                year: *y,
                url: format!("{bp}archives/{y}/"),
                count: ms.iter().map(|(_, v)| v.len()).sum(),
                months: ms
                    .iter()
                    .map(|(m, v)| ArchiveMonth { month: *m, url: format!("{bp}archives/{y}/{m:02}/"), count: v.len() })
                    .collect(),
            })
            .collect();
        let mut crumbs = vec![Crumb { title: self.site.sections[0].title.clone(), url: bp.clone() }];
        crumbs.push(Crumb { title: "归档".into(), url: format!("{bp}archives/") });
        let (kind, title, rel, pages): (&str, String, String, Vec<usize>) = match (year, month) {
            (Some(y), Some(m)) => {
                crumbs.push(Crumb { title: format!("{y}年"), url: format!("{bp}archives/{y}/") });
                let pages =
                    index.iter().find(|(yy, _)| *yy == y).and_then(|(_, ms)| ms.iter().find(|(mm, _)| *mm == m));
                (
                    "month",
                    format!("{y}年{m}月"),
                    format!("archives/{y}/{m:02}/"),
                    pages.map(|p| p.1.clone()).unwrap_or_default(),
                )
            }
            (Some(y), None) => {
                let pages: Vec<usize> = index
                    .iter()
                    .find(|(yy, _)| *yy == y)
                    .map(|(_, ms)| ms.iter().flat_map(|(_, v)| v.clone()).collect())
                    .unwrap_or_default();
                ("year", format!("{y}年"), format!("archives/{y}/"), pages)
            }
            _ => ("index", "归档".to_string(), "archives/".to_string(), Vec::new()),
        };
        let url = format!("{bp}{rel}");
        if kind != "index" {
            crumbs.push(Crumb { title: title.clone(), url: url.clone() });
        }
        let view = ArchiveView { kind, title, url, year, month, years, breadcrumbs: crumbs };
        ctx.insert_value("archive", with(Value::from_serializable(&view), vec![("pages", self.list(&pages))]));
        (format!("{rel}index.html"), "archive.html".into())
    }
}

/// Section indexes below the root in navigation order: depth first, children by weight.
fn tree_order(site: &Site) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack: Vec<usize> = site.sections[0].children.iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        out.push(i);
        stack.extend(site.sections[i].children.iter().rev());
    }
    out
}

fn template_or(t: &Option<String>, default: &str) -> String {
    t.clone().unwrap_or_else(|| default.to_string())
}

/// Date view helper re-exported for feeds.
pub fn date_view(d: time::OffsetDateTime) -> DateView {
    DateView::new(d)
}
