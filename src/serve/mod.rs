//! `gazette serve`: builds the site into memory, serves it on a loopback address, rebuilds
//! when a source file changes and tells open pages to reload over a WebSocket.
//!
//! The served site is an immutable [`Snapshot`] swapped whole after each rebuild, so a request
//! never sees half a build. A build with errors keeps the last good snapshot (or an empty one
//! when the first build failed) and shows its diagnostics as an overlay on every page.

mod http;
mod snapshot;
mod watch;

pub use snapshot::{Lookup, Snapshot, resolve};

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
    let root = opts.request.root.clone();
    opts.request.memory_search_dir = Some(serve_index_dir(&root));

    let (reload, _) = tokio::sync::broadcast::channel(16);
    let first = build_snapshot(&opts.request, None);
    let shared = Arc::new(Shared { snapshot: RwLock::new(Arc::new(first)), reload, addr });
    watch::spawn(opts.request.clone(), shared.clone())?;
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

/// Builds the site into memory. With errors, the previous snapshot's files stay and the
/// diagnostics go on top; the terminal gets them too.
pub fn build_snapshot(req: &Request, previous: Option<&Snapshot>) -> Snapshot {
    let mut report = pipeline::generate(req);
    if let Some((dir, tmp)) = report.search.take() {
        if report.diagnostics.has_errors() {
            crate::search::index::discard(&tmp);
        } else if let Err(e) = crate::search::index::install(&dir, &tmp) {
            report.diagnostics.push(crate::diagnostics::Diagnostic::warning(e));
        }
    }
    let text = report.diagnostics.render();
    if !text.is_empty() {
        eprint!("{text}");
    }
    if report.diagnostics.has_errors() {
        let files = previous.map(|p| p.files.clone()).unwrap_or_default();
        eprintln!("build failed: serving the last good pages with the errors on top");
        return Snapshot::new(files, report.diagnostics.sorted().into_iter().cloned().collect());
    }
    eprintln!("built {} pages in {} ms", report.pages, report.millis);
    Snapshot::new(Arc::new(report.output), Vec::new())
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("warning: could not open a browser; visit {url}");
    }
}
