//! The build pipeline: config → load → front matter + Markdown → site model → render →
//! output, each stage returning its values plus diagnostics.
//!
//! [`generate`] runs everything except writing and returns the complete site in memory, so
//! `check`, `build` and later `serve` share one code path. [`build`] writes only when no
//! stage reported an error.

use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Spot};
use crate::model::{BuildOptions, Site};
use crate::output::{self, Body, Output, Staging};
use crate::theme::{self, Origin};
use crate::{feeds, load, model, render};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct Request {
    /// Site root (the folder holding gazette.yaml).
    pub root: PathBuf,
    /// Output folder; defaults to `root/public`.
    pub output: Option<PathBuf>,
    /// Config overrides from the command line.
    pub overrides: Overrides,
    /// Drafts, future pages, "now".
    pub options: BuildOptions,
    /// Where `generate` keeps a search index and its export in memory (`gazette serve`):
    /// the tantivy folder to use instead of the configured one. `None`: only `build` writes a
    /// search index.
    pub memory_search_dir: Option<PathBuf>,
    /// Sources and renderings kept from earlier builds of the same site (`gazette serve`).
    pub cache: Option<std::sync::Arc<crate::cache::BuildCache>>,
    /// `gazette build --clean`: write every output file again, trusting nothing the previous
    /// build recorded (it still removes only files a build wrote).
    pub clean: bool,
    /// Whether [`build`] reads and writes the build memo under `.gazette/` (`--clean` does not
    /// read it either).
    pub memo: MemoUse,
}

/// Whether [`build`] uses the build memo ([`crate::memo`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MemoUse {
    /// Neither read nor written: every build starts from nothing (the library's default).
    #[default]
    Off,
    /// Read when usable, written again after a build that wrote its output (`gazette build`).
    Use,
    /// Not read, written after a build that wrote its output (`gazette build --clean`).
    Fresh,
}

impl Request {
    /// A request for the site at `root` with default options.
    pub fn new(root: impl Into<PathBuf>) -> Request {
        Request {
            root: root.into(),
            output: None,
            overrides: Overrides::default(),
            options: BuildOptions::default(),
            memory_search_dir: None,
            cache: None,
            clean: false,
            memo: MemoUse::Off,
        }
    }

    /// The output folder.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a build produced.
#[derive(Debug, Default)]
pub struct Report {
    /// Everything found, errors and warnings.
    pub diagnostics: Diagnostics,
    /// The files, in memory (empty when errors stopped the build).
    pub output: Output,
    /// Published pages.
    pub pages: usize,
    /// Sections.
    pub sections: usize,
    /// Wall time of the run, milliseconds.
    pub millis: u128,
    /// The search index folder and the prepared index waiting beside it, installed by
    /// `build` once the output is in place.
    pub search: Option<(PathBuf, PathBuf)>,
    /// With a cache (`gazette serve`) and no errors: the site model, config, templates and
    /// render state, for a search stage run afterwards ([`search_in_memory`]) and for
    /// patching the next edit in ([`crate::patch`]).
    pub last: Option<crate::patch::Last>,
    /// The next scheduled change readers will see (publish, expiry, leaving the news
    /// sitemap); `None` for builds with `--drafts` or `--future`.
    pub next_due: Option<model::Due>,
    /// What `build` did to the output folder (written, unchanged and removed files).
    pub committed: output::Committed,
    /// HTML pages not rendered because the build memo vouched for the file already in the
    /// output.
    pub reused: usize,
    /// HTML pages rendered (not reused).
    pub rendered: usize,
    /// Wall time of each stage in the order they ran (milliseconds), for the summary line.
    pub stages: Vec<(&'static str, u128)>,
    /// Lines for stderr that are no diagnostics (a build memo that could not be used, a record of the
    /// output folder that could not be trusted), each printed after `note: `.
    pub notes: Vec<String>,
}

/// The static search index of `site`, in memory, with its tantivy index prepared in a folder
/// beside `dir` (install it with [`crate::search::index::install`]). `gazette serve` runs this
/// after swapping in new pages, so a reload never waits for the search index.
pub fn search_in_memory(dir: &Path, config: &Config, site: &Site) -> SearchStage {
    if !config.search.enabled {
        return SearchStage::default();
    }
    search_stage(dir.to_path_buf(), &config.search, site, None, None, false, true)
}

/// Runs every stage but writing.
pub fn generate(req: &Request) -> Report {
    run(req, None, None)
}

/// The pipeline; with a staging folder, HTML is written as it is rendered. `loaded` is the
/// config [`build`] already read (so the build memo's key and the build come from the same
/// bytes); `None` reads it here.
fn run(req: &Request, sink: Option<&Staging>, loaded: Option<Config>) -> Report {
    let start = Instant::now();
    let mut report = Report::default();
    let loaded = match loaded {
        Some(c) => Ok(c),
        None => Config::load(&req.root, &req.overrides),
    };
    let config = match loaded {
        Ok(c) => c,
        Err(ds) => {
            report.diagnostics.extend(ds);
            return report;
        }
    };
    report.diagnostics.extend(config.warnings.iter().cloned());
    let (theme, ds) = theme::resolve(&req.root, &config);
    report.diagnostics.extend(ds);
    let assets = std::sync::Arc::new(crate::assets::Assets::new(&req.root, &theme, config.minify_js));
    let (tera, ds) = render::load_templates(&theme, &config, assets.clone());
    report.diagnostics.extend(ds);

    let t = Instant::now();
    let timing = std::env::var_os("GAZETTE_TIMINGS").is_some();
    let mut stages = Vec::new();
    let mut lap = |what: &'static str, t: &mut Instant| {
        if timing {
            eprintln!("timing: {what} {} ms (peak {} kB)", t.elapsed().as_millis(), peak_kb());
        }
        stages.push((what, t.elapsed().as_millis()));
        *t = Instant::now();
    };
    let mut t = t;
    let (content, ds) = load::load_with(&req.root, req.cache.as_deref());
    lap("load", &mut t);
    report.diagnostics.extend(ds);
    let (content, ds) = crate::active_files::withhold(content, config.markdown.unsafe_html);
    report.diagnostics.extend(ds);
    report.diagnostics.extend(load::non_utf8_names(&req.root, "static"));
    let (site, ds) = model::build_with(&config, content, &req.options, req.cache.as_deref());
    lap("model", &mut t);
    report.diagnostics.extend(ds);
    let published = crate::images::published(&req.root, &site, &theme);
    report.diagnostics.extend(crate::images::missing(&req.root, &site, &published, &config.base_path()));
    report.pages = site.pages.len();
    report.sections = site.sections.len();
    // A preview with drafts or future pages has no next change that readers will see.
    report.next_due = site.next_due.clone().filter(|_| !req.options.drafts && !req.options.future);

    let Some(tera) = tera else {
        report.millis = start.elapsed().as_millis();
        return report;
    };
    // The search stage (tantivy index, then the static export written into staging) runs
    // before rendering: each is parallel on its own, and running them side by side was no
    // faster but needed 90 MB more at 10,000 articles.
    let searching = (sink.is_some() || req.memory_search_dir.is_some())
        && config.search.enabled
        && !report.diagnostics.has_errors();
    let search = searching.then(|| {
        let dir = req.memory_search_dir.clone().unwrap_or_else(|| req.root.join(&config.search.index_dir));
        search_stage(
            dir,
            &config.search,
            &site,
            sink,
            req.cache.as_deref().and_then(crate::cache::BuildCache::carried),
            timing,
            false,
        )
    });
    if search.is_some() {
        lap("search", &mut t);
    }
    let rendering = render::render_all(
        &site,
        &config,
        &tera,
        &theme,
        req.options.drafts,
        sink.filter(|_| !report.diagnostics.has_errors()),
        req.cache.as_deref(),
    );
    lap("render", &mut t);
    report.reused = rendering.reused;
    report.rendered = rendering.files.len().saturating_sub(rendering.reused);
    report.diagnostics.extend(rendering.diagnostics);
    // Paths of the static search index files (already in staging), listed in the output
    // after assembly so collisions with pages are caught.
    let mut search_files = Vec::new();
    if let Some(stage) = search {
        report.diagnostics.extend(stage.diagnostics);
        report.search = stage.index;
        search_files = stage.files;
    }
    let feed_list = feeds::feed_list(&site, &config);
    if !report.diagnostics.has_errors() {
        let room = output::path_room(&req.output_dir());
        let parts = Parts { html: rendering.files, feeds: &feed_list, now: req.options.now, room, assets: &assets };
        let (out, ds) = assemble(&req.root, &site, &config, &theme, parts);
        lap("assemble", &mut t);
        report.diagnostics.extend(ds);
        report.output = out;
        for (path, body) in search_files {
            if let Err(d) = report.output.add(path, body, "search index") {
                report.diagnostics.push(d);
            }
        }
    }
    report.stages = stages;
    report.millis = start.elapsed().as_millis();
    if let Some(kept) = rendering.kept.filter(|_| !report.diagnostics.has_errors()) {
        report.last = Some(crate::patch::Last::new(config, site, theme, tera, kept, feed_list));
    }
    report
}

/// What the search stage left: its files (written into staging, or in memory), the prepared
/// index and its errors.
#[derive(Default)]
pub struct SearchStage {
    /// Output paths and bodies.
    pub files: Vec<(String, Body)>,
    /// The index folder and the prepared index beside it, to install or discard.
    pub index: Option<(PathBuf, PathBuf)>,
    /// Problems.
    pub diagnostics: Vec<Diagnostic>,
    /// When asked to keep it: the export's state and documents, to update the export in
    /// place after a body-only edit ([`crate::search::live`]).
    pub kept: Option<(crate::search::export::State, Vec<crate::search::index::SearchDoc>)>,
}

/// Writes the tantivy index beside its cache folder and exports the static index into
/// `sink`; with `keep`, keeps the export's state.
fn search_stage(
    dir: PathBuf,
    config: &crate::config::SearchConfig,
    site: &model::Site,
    sink: Option<&Staging>,
    carried: Option<&crate::memo::Carried>,
    timing: bool,
    keep: bool,
) -> SearchStage {
    let t = Instant::now();
    let mut out = SearchStage::default();
    if !crate::search::index::replaceable(&dir) {
        // Found before anything is written, so the previous output stays as it was.
        out.diagnostics.push(
            Diagnostic::error(crate::search::index::foreign(&dir))
                .at(Location::file(crate::config::CONFIG_FILE))
                .hint("set `search.index_dir` to a folder of its own, such as .gazette/index; every build replaces it"),
        );
        return out;
    }
    let mut docs = crate::search::index::documents(site);
    crate::search::recency::apply(&mut docs, config);
    let key = carried.map(|_| crate::memo::docs_key(&docs));
    if let (Some(c), Some(sink), Some(key)) = (carried, sink, key)
        && let Some(files) = unchanged_search(c, sink, key, &dir)
    {
        out.files = files;
        if timing {
            eprintln!("timing: search index unchanged {} ms", t.elapsed().as_millis());
        }
        return out;
    }
    match crate::search::index::prepare(&dir, &docs) {
        Ok(tmp) => {
            match crate::search::export::export_state(&tmp, &docs) {
                Ok((files, state)) => {
                    if let (Some(c), Some(key)) = (carried, key) {
                        let hashes = files.iter().map(|(p, b)| (p.clone(), output::manifest::content_hash(b)));
                        c.keep_search(crate::memo::SearchMemo { key, files: hashes.collect() });
                    }
                    write_search_files(files, sink, &mut out);
                    if keep {
                        out.kept = Some((state, docs));
                    }
                }
                Err(e) => out.diagnostics.push(Diagnostic::error(e)),
            }
            out.index = Some((dir, tmp));
        }
        Err(e) => {
            out.diagnostics.push(Diagnostic::error(e).hint("check that the folder can be written, then build again"))
        }
    }
    if timing {
        eprintln!("timing: search index {} ms (peak {} kB)", t.elapsed().as_millis(), peak_kb());
    }
    out
}

/// With the build memo: when the search documents are those of the last build (`key`), its
/// index is installed in `dir` and every file it exported is still intact in the output,
/// those files listed as [`Body::Unchanged`]; the index is neither prepared nor exported.
fn unchanged_search(
    carried: &crate::memo::Carried,
    sink: &Staging,
    key: u64,
    dir: &Path,
) -> Option<Vec<(String, Body)>> {
    let last = carried.search(key)?;
    if !crate::search::index::installed(dir) || !last.files.iter().all(|(path, hash)| sink.intact(path) == Some(*hash))
    {
        return None;
    }
    carried.keep_search(last.clone());
    Some(last.files.iter().map(|(path, _)| (path.clone(), Body::Unchanged)).collect())
}

/// Writes the exported files into staging in parallel (13,000 small files at 10,000
/// articles took a quarter of a second one by one); without staging they stay in memory.
fn write_search_files(files: crate::search::export::Files, sink: Option<&Staging>, out: &mut SearchStage) {
    use rayon::prelude::*;
    let Some(sink) = sink else {
        out.files.extend(files.into_iter().map(|(path, bytes)| (path, Body::Shared(bytes))));
        return;
    };
    // A file that cannot be written now stays in memory: the commit writes it again, or
    // reports the failure with its path, once every output path has been checked. A file
    // whose bytes the output already holds is not written at all.
    let staged: Vec<Option<Body>> = files.par_iter().map(|(path, bytes)| sink.write(path, bytes).ok()).collect();
    out.files.extend(files.into_iter().zip(staged).map(|((path, bytes), body)| match body {
        Some(body) => (path, body),
        None => (path, Body::Shared(bytes)),
    }));
}

/// Peak resident memory so far (`VmHWM`), for `GAZETTE_TIMINGS`.
fn peak_kb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string())
        })
        .unwrap_or_default()
}

/// Runs the pipeline and writes the output when there were no errors.
///
/// It first takes the site's build lock ([`output::lock`]), waiting while another build of
/// the site runs, then sorts out what an interrupted build left beside the output
/// ([`output::recover`]). Only files whose bytes changed are written; files an earlier
/// build wrote and this one no longer produces are removed, and nothing else
/// ([`output::Staging::commit`]).
pub fn build(req: &Request) -> Report {
    let start = Instant::now();
    let mut early = Diagnostics::new();
    let fail = |mut early: Diagnostics, d: Vec<Diagnostic>| {
        early.extend(d);
        Report { diagnostics: early, ..Report::default() }
    };
    // Not a site (no readable gazette.yaml): fail before the lock creates anything.
    if let Err(ds) = Config::load(&req.root, &req.overrides) {
        return fail(early, ds);
    }
    let _lock = match output::lock::acquire(&req.root, |line| eprintln!("{line}")) {
        Ok(lock) => Some(lock),
        Err(e) => {
            early.push(
                Diagnostic::warning(e).hint("builds started at the same time could overwrite each other's output"),
            );
            None
        }
    };
    // The keep-list and the index folder, from the config as it is now that this build runs.
    let config = match Config::load(&req.root, &req.overrides) {
        Ok(c) => c,
        Err(ds) => return fail(early, ds),
    };
    let keep = output::keep::Keep::new(&config.keep);
    let out_dir = req.output_dir();
    early.extend(output::recover::recover(&out_dir));
    output::recover::recover_index(&req.root.join(&config.search.index_dir));
    if let Err(d) = output::check_target(&req.root, &out_dir, &keep) {
        return fail(early, vec![d]);
    }
    let previous = match req.clean {
        true => output::Previous::load(&out_dir).distrust(),
        false => output::Previous::load(&out_dir),
    };
    // Said whether or not the build succeeds: a record that could not be trusted stays so.
    let output_notes = previous.notes().to_vec();
    let staging = match Staging::create(&out_dir, previous) {
        Ok(s) => s,
        Err(d) => return fail(early, vec![d]),
    };
    let (memo, notes) = open_memo(req, config.source_hash);
    let with_memo;
    let req = match &memo {
        Some((cache, _)) => {
            with_memo = Request { cache: Some(cache.clone()), ..req.clone() };
            &with_memo
        }
        None => req,
    };
    let mut report = run(req, Some(&staging), Some(config));
    report.notes = notes;
    report.notes.extend(output_notes);
    report.diagnostics.extend(early.sorted().into_iter().cloned());
    if report.diagnostics.has_errors() {
        if let Some((_, tmp)) = report.search.take() {
            crate::search::index::discard(&tmp);
        }
        // Dropping the staging folder deletes it; the previous output was never touched.
        report.output = Output::default();
        return report;
    }
    let writing = Instant::now();
    let committed = staging.commit(&report.output, &keep);
    report.stages.push(("write", writing.elapsed().as_millis()));
    match committed {
        Ok(mut done) => {
            report.diagnostics.extend(std::mem::take(&mut done.warnings));
            report.committed = done;
        }
        Err(d) => {
            // The previous output stays, and so does the index that goes with it.
            if let Some((_, tmp)) = report.search.take() {
                crate::search::index::discard(&tmp);
            }
            report.diagnostics.push(d);
            return report;
        }
    }
    if let Some((dir, tmp)) = report.search.take()
        && let Err(e) = crate::search::index::install(&dir, &tmp)
    {
        report.diagnostics.push(Diagnostic::error(e).hint("check that the folder can be written, then build again"));
    }
    // Only a build whose output and index are in place leaves a memo that describes them.
    if let Some((cache, key)) = memo.filter(|_| !report.diagnostics.has_errors())
        && let Err(e) = crate::memo::save(&req.root, key, &cache)
    {
        report.notes.push(e);
    }
    // Only a build of what readers see times the next cron rebuild (a preview must not
    // remove or rewrite the file either).
    if !req.options.drafts
        && !req.options.future
        && let Err(e) = write_next_due(&req.root, report.next_due.as_ref())
    {
        report.diagnostics.push(Diagnostic::warning(e));
    }
    // The whole build, the commit included.
    report.millis = start.elapsed().as_millis();
    report
}

/// The build memo `req` asks for ([`MemoUse`]) for a site whose config hashed to `config`
/// ([`Config::source_hash`]), as a persistent cache with the key to write it under, and the
/// note to print when a memo was there but could not be used (or none can be kept).
fn open_memo(
    req: &Request,
    config: u128,
) -> (Option<(std::sync::Arc<crate::cache::BuildCache>, crate::memo::VersionKey)>, Vec<String>) {
    let key = match req.memo {
        MemoUse::Off => return (None, Vec::new()),
        MemoUse::Use | MemoUse::Fresh => crate::memo::VersionKey::of(config),
    };
    let key = match key {
        Ok(key) => key,
        Err(note) => return (None, vec![note]),
    };
    let t = Instant::now();
    let loaded = match req.memo {
        MemoUse::Use => crate::memo::load(&req.root, key),
        _ => crate::memo::Loaded::default(),
    };
    if std::env::var_os("GAZETTE_TIMINGS").is_some() {
        eprintln!("timing: load memo {} ms (peak {} kB)", t.elapsed().as_millis(), peak_kb());
    }
    let cache = std::sync::Arc::new(crate::cache::BuildCache::persistent(loaded.memo));
    (Some((cache, key)), loaded.note.into_iter().collect())
}

/// Where `gazette build` leaves the instant of the next scheduled change, for cron.
pub const NEXT_DUE_FILE: &str = ".gazette/next-due";

/// Writes the next scheduled publish or expiry as one RFC 3339 line to [`NEXT_DUE_FILE`]
/// (so a cron job can time the next rebuild), or removes the file when nothing is scheduled.
fn write_next_due(root: &Path, due: Option<&model::Due>) -> Result<(), String> {
    let file = root.join(NEXT_DUE_FILE);
    let Some(due) = due else {
        return match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(format!("cannot remove {NEXT_DUE_FILE}: {e}")),
            _ => Ok(()),
        };
    };
    let write = || -> std::io::Result<()> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&file, format!("{}\n", crate::views::rfc3339(due.at)))
    };
    write().map_err(|e| format!("cannot write {NEXT_DUE_FILE}: {e}"))
}

/// What [`assemble`] puts together besides the site: the rendered HTML, the feeds, the build
/// time, and the bytes a path may have ([`output::path_room`]).
struct Parts<'a> {
    html: Vec<render::Rendered>,
    feeds: &'a [feeds::Feed],
    now: time::OffsetDateTime,
    room: usize,
    assets: &'a crate::assets::Assets,
}

/// Puts rendered pages, feeds, static files and assets into one [`Output`], reporting
/// collisions between any two of them — each at the `slug:` or `aliases:` entry, or the
/// file, that asked for the path.
fn assemble(
    root: &Path,
    site: &Site,
    config: &Config,
    theme: &theme::Theme,
    parts: Parts,
) -> (Output, Vec<Diagnostic>) {
    let mut out = Output::with_room(parts.room);
    let mut diags = Vec::new();
    let mut bad_aliases = Vec::new();
    let mut add = |out: &mut Output, path: String, body: Body, origin: &str, at: Option<Spot>| {
        if let Err(d) = out.add_at(path, body, origin, at) {
            diags.push(d);
        }
    };
    // Theme statics first; the site's static/ overrides them file by file.
    for (path, f) in &theme.statics {
        let body = match &f.origin {
            Origin::Embedded(b) => Body::Static(b),
            Origin::Disk(p) => Body::File(p.clone()),
        };
        out.replace(path.clone(), body, &f.display);
    }
    let mut shown: std::collections::BTreeMap<&str, String> =
        theme.statics.iter().map(|(p, f)| (p.as_str(), f.display.clone())).collect();
    for (path, f) in theme::site_statics(root) {
        if let Origin::Disk(p) = f.origin {
            out.replace(path.clone(), Body::File(p), &f.display);
            if let Some(entry) = shown.get_mut(path.as_str()) {
                *entry = f.display;
            }
        }
    }
    // ES modules whose relative imports were rewritten to cache-busted URLs.
    for (path, bytes) in parts.assets.rewritten() {
        let origin = shown.get(path.as_str()).cloned().unwrap_or_else(|| format!("static/{path}"));
        out.replace(path.clone(), Body::Shared(bytes.clone()), &origin);
    }
    // A page's own path was asked for by its `slug:` (or its file name).
    let spots: std::collections::HashMap<&str, Spot> = site
        .pages
        .iter()
        .map(|p| (p.display.as_str(), p.slug_at.clone()))
        .chain(site.sections.iter().map(|s| (s.display.as_str(), Spot::file(&s.display))))
        .collect();
    for r in parts.html {
        let body = match (r.staged, r.cached) {
            (Some(body), _) => body,
            (None, Some(shared)) => Body::Shared(shared),
            (None, None) => Body::Bytes(r.html),
        };
        let at = spots.get(r.origin.as_str()).cloned();
        add(&mut out, r.path, body, &r.origin, at);
    }
    for feed in parts.feeds {
        add(&mut out, feed.path.clone(), Body::Bytes(feeds::atom(site, config, feed)), "feeds", None);
    }
    if let Some(bytes) = crate::editions::atom(site, config) {
        add(&mut out, crate::editions::feed_path(), Body::Bytes(bytes), "feeds", None);
    }
    for (path, bytes) in feeds::sitemaps(site, config, feeds::SITEMAP_LIMIT) {
        add(&mut out, path, Body::Bytes(bytes), "the sitemap", None);
    }
    if config.news_sitemap.enabled {
        let bytes = feeds::news_sitemap(site, config, parts.now);
        add(&mut out, feeds::NEWS_SITEMAP.into(), Body::Bytes(bytes), "the news sitemap", None);
    }
    add(&mut out, "robots.txt".into(), Body::Bytes(feeds::robots(config)), "robots.txt", None);
    for p in &site.pages {
        for a in &p.assets {
            let inner = a.rel.strip_prefix(crate::paths::parent(&p.rel)).unwrap_or(&a.rel).trim_start_matches('/');
            let origin = format!("content/{}", a.rel);
            add(&mut out, format!("{}{inner}", p.path), Body::File(a.path.clone()), &origin, Some(Spot::file(&origin)));
        }
        for (i, alias) in p.fm.aliases.iter().enumerate() {
            let at = p.alias_at.get(i).cloned().unwrap_or_else(|| Spot::file(&p.display));
            match alias_problem(alias) {
                Some(d) => bad_aliases.push(d.at_spot(&at).hint("an alias is a site path such as `/2023/old-url/`")),
                None => {
                    let path = feeds::alias_path(alias).unwrap_or_default();
                    let origin = format!("{} (alias `{}`)", p.display, alias.escape_debug());
                    let page = Body::Bytes(feeds::redirect_page(&p.permalink, &config.language));
                    add(&mut out, path, page, &origin, Some(at));
                }
            }
        }
    }
    for a in &site.assets {
        let origin = format!("content/{}", a.rel);
        add(&mut out, a.rel.clone(), Body::File(a.path.clone()), &origin, Some(Spot::file(&origin)));
    }
    // `/news/page/1/` is a natural URL to type; send it to the first page.
    for s in &site.sections {
        let target = format!("{}{}", config.origin(), s.url);
        let page = Body::Bytes(feeds::redirect_page(&target, &config.language));
        add(&mut out, format!("{}page/1/index.html", s.path), page, &s.display, Some(Spot::file(&s.display)));
    }
    diags.extend(bad_aliases);
    diags.extend(out.take_problems());
    (out, diags)
}

/// Why an alias cannot become an output path, if it cannot: a control character (written,
/// or percent-encoded as `%00`), or a path that leaves the site or names its root.
fn alias_problem(alias: &str) -> Option<Diagnostic> {
    if let Some(c) = crate::paths::decode_path(alias).chars().find(|c| c.is_control()) {
        return Some(Diagnostic::error(format!(
            "alias `{}` contains a control character (U+{:04X})",
            alias.escape_debug(),
            u32::from(c)
        )));
    }
    match feeds::alias_path(alias) {
        Some(_) => None,
        None => Some(Diagnostic::error(format!("alias `{}` is not a usable path", alias.escape_debug()))),
    }
}
