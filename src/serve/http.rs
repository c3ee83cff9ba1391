//! The HTTP side of `gazette serve`: GET and HEAD of snapshot files, the live-reload
//! WebSocket and script under the reserved `/__gazette/` prefix, and the error overlay.

use super::Shared;
use super::live_socket;
use super::snapshot::{Lookup, Snapshot, resolve};
use crate::diagnostics::{Diagnostic, Severity};
use crate::markdown::escape_html;
use axum::body::Body;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::{Arc, Mutex};

/// Reserved path prefix for the server's own files.
pub const RESERVED: &str = "/__gazette/";

const LIVE_JS: &str = include_str!("live.js");

struct App {
    shared: Arc<Shared>,
    sockets: Arc<Mutex<live_socket::Sockets>>,
    timing: live_socket::Timing,
}

/// Serves until the listener fails.
pub async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    let timing = live_socket::Timing::from_env();
    let app = Arc::new(App { shared, sockets: Arc::new(Mutex::new(live_socket::Sockets::new(timing))), timing });
    let router = axum::Router::new().fallback(handle).with_state(app);
    axum::serve(listener, router).await
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    if !host_allowed(req.headers(), &app) {
        return plain(StatusCode::FORBIDDEN, "forbidden: this server answers only to its own address\n");
    }
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let path = req.uri().path().to_string();
    let response = match path.strip_prefix(RESERVED) {
        Some("live.js") => bytes(StatusCode::OK, "text/javascript; charset=utf-8", LIVE_JS.as_bytes().to_vec()),
        Some("ws") => websocket(app, req).await,
        Some(_) => plain(StatusCode::NOT_FOUND, "not found\n"),
        None => page(&app.shared.current(), &path),
    };
    if head { strip_body(response) } else { response }
}

/// Requests must name this server (the bound address or localhost): a page on another site
/// cannot reach it through a DNS name that resolves to 127.0.0.1.
fn host_allowed(headers: &HeaderMap, app: &App) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return false };
    allowed_authorities(app).iter().any(|a| a.eq_ignore_ascii_case(host))
}

fn allowed_authorities(app: &App) -> Vec<String> {
    let addr = app.shared.addr;
    let port = addr.port();
    let mut out = vec![format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")];
    out.push(match addr.ip() {
        std::net::IpAddr::V4(ip) => format!("{ip}:{port}"),
        std::net::IpAddr::V6(ip) => format!("[{ip}]:{port}"),
    });
    out
}

async fn websocket(app: Arc<App>, req: Request) -> Response {
    let origin = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_string);
    if let Some(origin) = origin
        && !allowed_authorities(&app).iter().any(|a| origin.eq_ignore_ascii_case(&format!("http://{a}")))
    {
        return plain(StatusCode::FORBIDDEN, "forbidden origin\n");
    }
    let (mut parts, _) = req.into_parts();
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let Some(conn) = live_socket::Sockets::admit(&app.sockets) else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "too many live-reload connections\n");
    };
    let rx = app.shared.reload.subscribe();
    let timing = app.timing;
    // An upgrade that fails drops the callback, and `conn` with it: that removes it too.
    upgrade.on_upgrade(move |socket| live_socket::run(socket, rx, conn, timing))
}

/// A page of the snapshot: the file, a redirect, or the site's 404 page; HTML gets the
/// live-reload script and, after a failed build, the error overlay.
fn page(snap: &Snapshot, path: &str) -> Response {
    let (status, file) = match resolve(path, |p| snap.has(p)) {
        Lookup::File(f) => (StatusCode::OK, Some(f)),
        Lookup::Redirect(to) => {
            let mut r = plain(StatusCode::MOVED_PERMANENTLY, "");
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        Lookup::BadRequest => return plain(StatusCode::BAD_REQUEST, "bad request path\n"),
        Lookup::NotFound => (StatusCode::NOT_FOUND, snap.has("404.html").then(|| "404.html".to_string())),
    };
    let body = file.as_deref().and_then(|f| snap.read(f)).and_then(Result::ok);
    let Some(body) = body else {
        // No such file (or the first build failed and there is nothing to serve yet).
        let status = if snap.diagnostics.is_empty() { status } else { StatusCode::INTERNAL_SERVER_ERROR };
        let html = format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title></head><body><p>{}</p></body></html>",
            status.as_u16(),
            if snap.diagnostics.is_empty() {
                "没有这个页面。"
            } else {
                "构建失败，修正下面的错误后页面会自动刷新。"
            }
        );
        return bytes(status, "text/html; charset=utf-8", inject(html.into_bytes(), &snap.diagnostics));
    };
    let name = file.unwrap_or_default();
    let kind = content_type(&name);
    let body = if kind.starts_with("text/html") { inject(body, &snap.diagnostics) } else { body };
    bytes(status, kind, body)
}

/// Adds the live-reload script and, when there are diagnostics, the overlay before `</body>`.
fn inject(html: Vec<u8>, diagnostics: &[Diagnostic]) -> Vec<u8> {
    let mut extra = format!("<script src=\"{RESERVED}live.js\"></script>");
    if !diagnostics.is_empty() {
        extra.push_str(&overlay(diagnostics));
    }
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The error overlay: every diagnostic with its location, message, source line and hint,
/// all HTML-escaped.
pub fn overlay(diagnostics: &[Diagnostic]) -> String {
    let mut items = String::new();
    for d in diagnostics {
        let kind = if d.severity == Severity::Error { "error" } else { "warning" };
        let at = d.location.as_ref().map(|l| {
            let mut s = l.file.clone();
            if l.line > 0 {
                s.push_str(&format!(":{}", l.line));
                if l.col > 0 {
                    s.push_str(&format!(":{}", l.col));
                }
            }
            s
        });
        items.push_str(&format!("<li class=\"gz-{kind}\"><strong>{kind}</strong>"));
        if let Some(at) = at {
            items.push_str(&format!(" <code>{}</code>", escape_html(&at)));
        }
        items.push_str(&format!(": {}", escape_html(&d.message)));
        if let Some(src) = &d.source_line {
            items.push_str(&format!("<pre>{}</pre>", escape_html(src)));
        }
        if let Some(h) = &d.hint {
            items.push_str(&format!("<p>hint: {}</p>", escape_html(h)));
        }
        items.push_str("</li>");
    }
    format!(
        "<div id=\"gazette-errors\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;\
background:rgba(20,20,20,.94);color:#fff;font:15px/1.5 ui-monospace,monospace;padding:2em\">\
<h2 style=\"color:#ff8a80;margin-top:0\">gazette: the build failed ({} problem{})</h2><ol>{items}</ol>\
<p>Showing the last good pages underneath. Save a fix and this page reloads.</p></div>",
        diagnostics.len(),
        if diagnostics.len() == 1 { "" } else { "s" }
    )
}

/// The media type of an output path, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn bytes(status: StatusCode, kind: &'static str, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    bytes(status, "text/plain; charset=utf-8", text.as_bytes().to_vec())
}

/// HEAD: the same status and headers with no body.
fn strip_body(r: Response) -> Response {
    let (mut parts, body) = r.into_parts();
    if let Some(len) = axum::body::HttpBody::size_hint(&body).exact() {
        parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    Response::from_parts(parts, Body::empty())
}
