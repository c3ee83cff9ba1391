//! `gazette serve`: builds the site into memory, serves it on a loopback address, rebuilds
//! when a source file changes and tells open pages to reload over a WebSocket.
//!
//! The served site is an immutable [`Snapshot`] swapped whole after each rebuild, so a request
//! never sees half a build. A build with errors keeps the last good snapshot (or an empty one
//! when the first build failed) and shows its diagnostics as an overlay on every page.

mod http;
mod live_socket;
mod poll;
mod snapshot;
mod watch;

pub use snapshot::{Lookup, Snapshot, resolve};
pub use watch::ignored;

use crate::pipeline::{self, Request};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// What `gazette serve` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site and build options (drafts are on unless `--no-drafts`).
    pub request: Request,
    /// Address to listen on; loopback by default.
    pub bind: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// The snapshot being served and the live-reload channel, shared by the server and the
/// rebuild thread.
pub struct Shared {
    /// The current site.
    pub snapshot: RwLock<Arc<Snapshot>>,
    /// Reload messages to open pages: `reload` or `css`.
    pub reload: tokio::sync::broadcast::Sender<&'static str>,
    /// The address pages are served from, for the Host and Origin checks.
    pub addr: SocketAddr,
}

impl Shared {
    /// The snapshot to answer one request from.
    pub fn current(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn swap(&self, next: Snapshot) {
        let next = Arc::new(next);
        match self.snapshot.write() {
            Ok(mut s) => *s = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }
}

/// Runs the server until the process is stopped. Errors only when it cannot listen.
pub fn run(mut opts: Options) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server runtime: {e}"))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind((opts.bind, opts.port)))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?;
    let addr = listener.local_addr().map_err(|e| format!("cannot read the listening address: {e}"))?;
    let host = if addr.ip().is_loopback() && addr.is_ipv4() { "127.0.0.1".to_string() } else { host_of(addr.ip()) };
    let url = format!("http://{host}:{}/", addr.port());
    // Links in the served pages point at this server, whatever base_url the site deploys to.
    opts.request.overrides.base_url = Some(url.clone());
    opts.request.output = None;
    // Absolute, so the watcher's paths compare equal to it.
    if let Ok(abs) = opts.request.root.canonicalize() {
        opts.request.root = abs;
    }
    let root = opts.request.root.clone();
    // The search index is built after the pages (see `rebuild`), never inside `generate`.
    opts.request.memory_search_dir = None;
    opts.request.cache = Some(Arc::new(crate::cache::BuildCache::default()));
    let search_dir = serve_index_dir(&root);

    let (reload, _) = tokio::sync::broadcast::channel(16);
    let shared = Arc::new(Shared { snapshot: RwLock::new(Arc::new(Snapshot::default())), reload, addr });
    let watching = watch::start(&root)?;
    let mut session = Session::new(opts.request.clone(), search_dir);
    session.rebuild(&shared, &[]);
    watch::spawn(watching, session, shared.clone())?;
    println!("serving {} at {url} (Ctrl+C to stop)", root.display());
    if opts.open {
        open_browser(&url);
    }
    runtime.block_on(http::serve(listener, shared)).map_err(|e| format!("the server stopped: {e}"))
}

fn host_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// The tantivy folder `serve` uses: beside the build's, so a preview with drafts never
/// replaces the index `gazette search` reads.
fn serve_index_dir(root: &std::path::Path) -> PathBuf {
    let index_dir = crate::config::Config::load(root, &crate::config::Overrides::default())
        .map(|c| PathBuf::from(c.search.index_dir))
        .unwrap_or_else(|_| PathBuf::from(".gazette/index"));
    let name = index_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "index".into());
    root.join(index_dir.with_file_name(format!("{name}-serve")))
}

/// The rebuild side of the server: the request it builds and what the last good build
/// left for patching the next edit in.
pub struct Session {
    req: Request,
    search_dir: PathBuf,
    last: Option<crate::patch::Last>,
    /// The search index of the last good build, open for in-place updates.
    search: Option<crate::search::live::Live>,
}

impl Session {
    /// A session for `req`, keeping its search index in `search_dir`.
    pub fn new(req: Request, search_dir: PathBuf) -> Session {
        Session { req, search_dir, last: None, search: None }
    }

    /// The site root.
    pub fn root(&self) -> &std::path::Path {
        &self.req.root
    }

    /// Rebuilds the site into memory and swaps it in, in two steps: the pages first (open
    /// pages are told to reload, or to swap styles when only `.css` files changed), then the
    /// search index (pages showing search results are told to refresh). An edit of article
    /// bodies alone is patched into the last build ([`crate::patch`]); anything else is a
    /// full build. A failed build keeps the last good files and puts its diagnostics on top;
    /// the terminal gets them too.
    pub fn rebuild(&mut self, shared: &Shared, changed: &[PathBuf]) {
        let previous = shared.current();
        // "Now" moves on: a page whose publish or expiry date passes while serving changes.
        let mut req = self.req.clone();
        req.options.now = time::OffsetDateTime::now_utc();
        let start = std::time::Instant::now();
        if let Some(last) = self.last.as_mut().filter(|_| previous.diagnostics.is_empty())
            && let Some(p) =
                crate::patch::patch(last, &req.root, &req.options, req.cache.as_deref(), changed, &previous.pages)
        {
            eprintln!("updated {} files in {} ms", p.files.len(), start.elapsed().as_millis());
            let pages = Arc::new(p.output);
            shared.swap(Snapshot { pages: pages.clone(), search: previous.search.clone(), diagnostics: Vec::new() });
            let _ = shared.reload.send("reload");
            self.update_search(shared, pages);
            return;
        }
        self.last = None;
        let mut report = pipeline::generate(&req);
        let text = report.diagnostics.render();
        if !text.is_empty() {
            eprint!("{text}");
        }
        if report.diagnostics.has_errors() {
            eprintln!("build failed: serving the last good pages with the errors on top");
            let diagnostics = report.diagnostics.sorted().into_iter().cloned().collect();
            shared.swap(Snapshot { diagnostics, ..(*previous).clone() });
            let _ = shared.reload.send("reload");
            return;
        }
        eprintln!("built {} pages in {} ms", report.pages, report.millis);
        let pages = Arc::new(report.output);
        shared.swap(Snapshot { pages: pages.clone(), search: previous.search.clone(), diagnostics: Vec::new() });
        let css_only = previous.diagnostics.is_empty()
            && !changed.is_empty()
            && changed.iter().all(|p| p.extension().is_some_and(|e| e == "css"));
        let _ = shared.reload.send(if css_only { "css" } else { "reload" });
        self.last = report.last.take();
        self.refresh_search(shared, pages);
    }

    /// Updates the search index in place after a patch; exports from scratch when that
    /// cannot be done.
    fn update_search(&mut self, shared: &Shared, pages: Arc<crate::output::Output>) {
        let (Some(live), Some(last)) = (self.search.as_mut(), &self.last) else {
            return self.refresh_search(shared, pages);
        };
        let start = std::time::Instant::now();
        match live.update(&last.site) {
            Some(Ok(files)) => {
                let files = files.into_iter().map(|(path, bytes)| (path, crate::output::Body::Shared(bytes)));
                self.swap_search(shared, pages, files.collect(), Vec::new());
                eprintln!("updated the search index in {} ms", start.elapsed().as_millis());
            }
            Some(Err(e)) => {
                eprintln!("warning: {e}; building the search index again");
                self.refresh_search(shared, pages);
            }
            None => self.refresh_search(shared, pages),
        }
    }

    /// Builds the search index of the last good build and swaps it in beside `pages`.
    fn refresh_search(&mut self, shared: &Shared, pages: Arc<crate::output::Output>) {
        // The open index is about to be replaced: its merges must not write into it then.
        if let Some(live) = self.search.take() {
            live.close();
        }
        let Some(last) = &self.last else { return };
        let pipeline::SearchStage { files, index, mut diagnostics, kept } =
            pipeline::search_in_memory(&self.search_dir, &last.config, &last.site);
        if let Some((dir, tmp)) = index {
            if diagnostics.is_empty() {
                if let Err(e) = crate::search::index::install(&dir, &tmp) {
                    diagnostics.push(crate::diagnostics::Diagnostic::warning(e));
                } else if let Some((state, docs)) = kept {
                    match crate::search::live::Live::open(&dir, docs, state) {
                        Ok(live) => self.search = Some(live),
                        Err(e) => eprintln!("warning: {e}; each edit will rebuild the search index"),
                    }
                }
            } else {
                crate::search::index::discard(&tmp);
            }
        }
        self.swap_search(shared, pages, files, diagnostics);
    }

    fn swap_search(
        &self,
        shared: &Shared,
        pages: Arc<crate::output::Output>,
        files: Vec<(String, crate::output::Body)>,
        mut diagnostics: Vec<crate::diagnostics::Diagnostic>,
    ) {
        let mut search = crate::output::Output::default();
        for (path, body) in files {
            if pages.files.contains_key(&path) {
                diagnostics.push(crate::diagnostics::Diagnostic::error(format!(
                    "a page and the search index both produce `{path}`"
                )));
            } else if let Err(d) = search.add(path, body, "search index") {
                diagnostics.push(d);
            }
        }
        for d in &diagnostics {
            eprint!("{d}");
        }
        shared.swap(Snapshot { pages, search: Arc::new(search), diagnostics });
        let _ = shared.reload.send("search");
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("warning: could not open a browser; visit {url}");
    }
}
