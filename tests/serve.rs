//! `gazette serve` end to end: the real binary on port 0, spoken to over raw HTTP/1.1 so
//! malformed paths reach the server exactly as sent. Every wait polls a condition against a
//! deadline.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(20);

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
    bytes: Vec<u8>,
}

impl Server {
    fn start(root: &Path) -> Server {
        Server::start_env(root, &[])
    }

    /// Starts the server with extra environment variables.
    fn start_env(root: &Path, env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn gazette serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = rx.recv_timeout(DEADLINE).expect("serve prints its address");
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server { child, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Sends one request as raw bytes (the path goes out exactly as given).
    fn raw(&self, method: &str, path: &[u8], host: &str) -> Reply {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(DEADLINE)).expect("timeout");
        let mut req = format!("{method} ").into_bytes();
        req.extend_from_slice(path);
        req.extend_from_slice(format!(" HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
        s.write_all(&req).expect("send");
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).expect("read");
        let split = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4).unwrap_or(buf.len());
        let head = String::from_utf8_lossy(&buf[..split]).into_owned();
        let bytes = buf[split..].to_vec();
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        Reply { status, headers: head.to_ascii_lowercase(), body: String::from_utf8_lossy(&bytes).into_owned(), bytes }
    }

    /// Opens a live-reload WebSocket with `origin`; returns the status line and, on 101, the
    /// open connection.
    fn websocket(&self, origin: &str) -> (String, Option<TcpStream>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(DEADLINE)).expect("timeout");
        let req = format!(
            "GET /__gazette/ws HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: {origin}\r\n\r\n",
            self.port
        );
        s.write_all(req.as_bytes()).expect("send");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).map(|n| n == 1).unwrap_or(false) {
            head.push(byte[0]);
        }
        let status = String::from_utf8_lossy(&head).lines().next().unwrap_or("").to_string();
        let open = status.contains(" 101 ");
        (status, open.then_some(s))
    }

    fn get(&self, path: &str) -> Reply {
        self.raw("GET", path.as_bytes(), &format!("127.0.0.1:{}", self.port))
    }

    /// Polls `path` until `ok` holds for the reply.
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(&Reply) -> bool) -> Reply {
        let start = Instant::now();
        loop {
            let r = self.get(path);
            if ok(&r) {
                return r;
            }
            assert!(start.elapsed() < DEADLINE, "timed out waiting for {what} at {path}: {} {}", r.status, r.body);
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

/// Reads one WebSocket frame from the server (unmasked, as servers send them): its opcode
/// and payload.
fn frame(s: &mut TcpStream) -> std::io::Result<(u8, Vec<u8>)> {
    let mut head = [0u8; 2];
    s.read_exact(&mut head)?;
    let len = match head[1] & 0x7f {
        126 => {
            let mut n = [0u8; 2];
            s.read_exact(&mut n)?;
            u64::from(u16::from_be_bytes(n))
        }
        127 => {
            let mut n = [0u8; 8];
            s.read_exact(&mut n)?;
            u64::from_be_bytes(n)
        }
        n => u64::from(n),
    };
    let mut payload = vec![0u8; usize::try_from(len).expect("frame length")];
    s.read_exact(&mut payload)?;
    Ok((head[0] & 0x0f, payload))
}

/// The next text message, answering pings on the way when `pong`.
fn next_text(s: &mut TcpStream, pong: bool) -> String {
    loop {
        match frame(s).expect("a message") {
            (1, text) => return String::from_utf8(text).expect("utf-8"),
            (9, payload) if pong => send_pong(s, &payload),
            (9 | 10, _) => {}
            (op, _) => panic!("unexpected frame, opcode {op}"),
        }
    }
}

/// Answers a ping, as a browser does (client frames are masked; a zero mask keeps the bytes).
fn send_pong(s: &mut TcpStream, payload: &[u8]) {
    let mut f = vec![0x8a, 0x80 | u8::try_from(payload.len()).expect("short ping"), 0, 0, 0, 0];
    f.extend_from_slice(payload);
    s.write_all(&f).expect("pong");
}

fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2024-05-20\ntags: [工会]\n---\n{body}\n")
}

fn site() -> common::Site {
    common::Site::new()
        .file("content/news/_index.md", "---\ntitle: 新闻\n---\n")
        .file("content/news/2024-05-20-first.md", &article("第一篇", "户外劳动者服务站点开放。"))
        .file(
            "content/news/2024-05-21-draft.md",
            "---\ntitle: 草稿文章\ndate: 2024-05-21\ndraft: true\n---\n草稿正文。\n",
        )
        .file("static/图片/说明.txt", "说明文件")
}

#[test]
fn serves_pages_with_live_reload_and_refuses_unsafe_requests() {
    let site = site();
    let s = Server::start(site.root());
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("/__gazette/live.js"), "live reload script injected");
    assert!(!home.headers.contains("access-control-allow-origin"));
    // Drafts are shown, with their banner.
    let draft = s.get("/news/draft/");
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert!(draft.body.contains("banner-draft"));
    assert_eq!(s.get("/__gazette/live.js").status, 200);
    assert_eq!(s.get("/news").status, 301);
    assert_eq!(s.get("/%E5%9B%BE%E7%89%87/%E8%AF%B4%E6%98%8E.txt").body, "说明文件");
    assert_eq!(s.get("/search/entry.json").status, 200, "search works in serve");
    assert!(s.get("/no-such-page/").status == 404);

    for path in
        ["/../Cargo.toml", "/news/../../gazette.yaml", "/%2e%2e/gazette.yaml", "/%2E%2E%2Fgazette.yaml", "/news%2fx"]
    {
        assert_eq!(s.get(path).status, 404, "{path}");
    }
    for path in [&b"/a%00b"[..], b"/a\\b", b"/%ff%fe/", b"/%zz", b"/\xff\xfe/"] {
        let r = s.raw("GET", path, &format!("127.0.0.1:{}", s.port));
        assert!(r.status == 400 || r.status == 404, "{} for {}", r.status, String::from_utf8_lossy(path));
    }
    assert_eq!(s.raw("POST", b"/", &format!("127.0.0.1:{}", s.port)).status, 405);
    assert_eq!(s.raw("DELETE", b"/", &format!("localhost:{}", s.port)).status, 405);
    assert_eq!(s.raw("GET", b"/", "evil.example").status, 403);
    assert_eq!(s.raw("GET", b"/", &format!("evil.example:{}", s.port)).status, 403);
    let head = s.raw("HEAD", b"/", &format!("localhost:{}", s.port));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    // Live reload refuses pages from other origins.
    let (status, _) = s.websocket("http://evil.example");
    assert!(status.contains(" 403 "), "{status}");
    let (status, open) = s.websocket(&format!("http://localhost:{}", s.port));
    assert!(status.contains(" 101 ") && open.is_some(), "{status}");
    // Still serving after all that.
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn edits_creations_and_deletions_show_up() {
    let site = site();
    let s = Server::start(site.root());
    let page = "/news/first/";
    assert!(s.get(page).body.contains("户外劳动者服务站点开放"));

    let (status, socket) = s.websocket(s.url().trim_end_matches('/'));
    let mut socket = socket.unwrap_or_else(|| panic!("live reload: {status}"));
    std::fs::write(site.path("content/news/2024-05-20-first.md"), article("第一篇", "新的正文：高温补贴发放。"))
        .expect("edit");
    // The open page is told to reload (a text frame "reload"), and the new page is served.
    assert_eq!(next_text(&mut socket, false), "reload");
    s.wait_for(page, "the edited body", |r| r.body.contains("高温补贴发放"));

    std::fs::write(site.path("content/news/2024-05-22-second.md"), article("第二篇新文章", "零工市场。")).expect("new");
    s.wait_for("/news/second/", "the new article", |r| r.status == 200);
    s.wait_for("/news/", "the new article in the list", |r| r.body.contains("第二篇新文章"));

    std::fs::remove_file(site.path("content/news/2024-05-22-second.md")).expect("delete");
    s.wait_for("/news/second/", "the deleted article to go", |r| r.status == 404);
    s.wait_for("/news/", "the deleted article to leave the list", |r| !r.body.contains("第二篇新文章"));

    // A section folder renamed: its pages move.
    std::fs::rename(site.path("content/news"), site.path("content/bulletin")).expect("rename section");
    s.wait_for("/bulletin/first/", "the moved article", |r| r.status == 200);
    s.wait_for(page, "the old URL to go", |r| r.status == 404);

    // content/ replaced by a new folder: it is watched anew.
    std::fs::remove_dir_all(site.path("content")).expect("remove content");
    s.wait_for("/", "the error for a missing content folder", |r| r.body.contains("gazette-errors"));
    std::fs::create_dir_all(site.path("content/news")).expect("new content");
    std::fs::write(site.path("content/_index.md"), "---\ntitle: 首页\n---\n").expect("home");
    std::fs::write(site.path("content/news/_index.md"), "---\ntitle: 新闻\n---\n").expect("section");
    s.wait_for("/", "the rebuilt site", |r| !r.body.contains("gazette-errors"));
    std::fs::write(site.path("content/news/2024-06-01-later.md"), article("之后写的", "新文件夹里的文章。"))
        .expect("later");
    s.wait_for("/news/later/", "an article written into the new folder", |r| r.status == 200);
}

#[test]
fn editor_save_styles_are_picked_up_and_temp_files_ignored() {
    let site = site();
    let s = Server::start(site.root());
    let file = site.path("content/news/2024-05-20-first.md");
    let page = "/news/first/";

    // vim: probe file 4913, move the original to a backup, write anew, delete the backup.
    std::fs::write(site.path("content/news/4913"), "").expect("probe");
    std::fs::remove_file(site.path("content/news/4913")).expect("probe gone");
    let backup = site.path("content/news/2024-05-20-first.md~");
    std::fs::rename(&file, &backup).expect("backup");
    std::fs::write(&file, article("第一篇", "维姆保存的正文。")).expect("write");
    std::fs::remove_file(&backup).expect("drop backup");
    s.wait_for(page, "the vim-style save", |r| r.body.contains("维姆保存的正文"));

    // Truncate, then write.
    std::fs::write(&file, "").expect("truncate");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .and_then(|mut f| f.write_all(article("第一篇", "截断后写入的正文。").as_bytes()))
        .expect("write after truncate");
    s.wait_for(page, "the truncate-then-write save", |r| r.body.contains("截断后写入的正文"));

    // JetBrains: write a temp file beside it, then rename it over the original.
    let tmp = site.path("content/news/2024-05-20-first.md___jb_tmp___");
    std::fs::write(&tmp, article("第一篇", "重命名保存的正文。")).expect("temp");
    std::fs::rename(&tmp, &file).expect("rename over");
    s.wait_for(page, "the rename-over save", |r| r.body.contains("重命名保存的正文"));
    assert!(!site.exists("news/first.md___jb_tmp___/index.html"));

    // A file of the same size and modification time renamed over it (`mv`, `rsync -t`).
    let other = site.path("content/news/other.md.in");
    let same_len = |body: &str| article("第一篇", body);
    std::fs::write(&file, same_len("甲甲甲甲")).expect("a");
    s.wait_for(page, "the first version", |r| r.body.contains("甲甲甲甲"));
    std::fs::write(&other, same_len("乙乙乙乙")).expect("b");
    let touched = Command::new("touch").args(["-d", "2024-01-01 00:00:00"]).arg(&file).arg(&other).status();
    assert!(touched.is_ok_and(|s| s.success()), "touch");
    s.wait_for(page, "the touched file", |r| r.body.contains("甲甲甲甲"));
    std::fs::rename(&other, &file).expect("rename over");
    s.wait_for(page, "the renamed-over file", |r| r.body.contains("乙乙乙乙"));

    // A folder named like an output folder, inside content/, is content.
    std::fs::write(site.path("content/news/public.md"), article("公告", "旧公告。")).expect("notice");
    s.wait_for("/news/public/", "the notice", |r| r.body.contains("旧公告"));
    std::fs::create_dir_all(site.path("content/public")).expect("dir");
    std::fs::write(site.path("content/public/notice.md"), article("通知", "第一版通知。")).expect("notice 1");
    s.wait_for("/public/notice/", "content/public", |r| r.body.contains("第一版通知"));
    std::fs::write(site.path("content/public/notice.md"), article("通知", "第二版通知。")).expect("notice 2");
    s.wait_for("/public/notice/", "an edit under content/public", |r| r.body.contains("第二版通知"));
}

#[test]
fn polling_picks_up_a_same_size_rewrite_within_the_same_modification_time() {
    // The watcher polls when the system's watch limit is reached; forced here.
    let site = site();
    let s = Server::start_env(site.root(), &[("GAZETTE_WATCH", "poll"), ("GAZETTE_POLL_MS", "50")]);
    let file = site.path("content/news/2024-05-25-same.md");
    let page = "/news/same/";
    // A new file is seen by any poller.
    std::fs::write(&file, article("同秒", "甲甲甲甲")).expect("first version");
    s.wait_for(page, "the first version", |r| r.body.contains("甲甲甲甲"));
    let first = std::fs::metadata(&file).and_then(|m| m.modified()).expect("mtime");
    // The second save: same size, and the same modification time to the nanosecond (two saves
    // within one tick of a coarse clock, or `rsync -t`).
    let second = article("同秒", "乙乙乙乙");
    assert_eq!(second.len(), article("同秒", "甲甲甲甲").len());
    std::fs::write(&file, &second).expect("second version");
    std::fs::File::options().write(true).open(&file).and_then(|f| f.set_modified(first)).expect("set mtime");
    assert_eq!(std::fs::metadata(&file).and_then(|m| m.modified()).expect("mtime"), first);
    s.wait_for(page, "the second version", |r| r.body.contains("乙乙乙乙"));
}

#[test]
fn a_failed_first_build_still_serves_the_errors_and_a_fix_clears_them() {
    let site = common::Site::new()
        .file("content/news/_index.md", "---\ntitle: 新闻\n---\n")
        .file("content/news/2024-05-20-bad.md", "---\ntitle: [<b>未闭合\n---\n正文<script>\n")
        .file("content/news/2024-05-21-bad2.md", "---\ntitle: 第二\nauthor: 某人\n---\n正文\n");
    let s = Server::start(site.root());
    let r = s.wait_for("/", "the error overlay", |r| r.body.contains("gazette-errors"));
    assert!(r.body.contains("2024-05-20-bad.md:"), "location in the overlay: {}", r.body);
    assert!(r.body.contains("2024-05-21-bad2.md:"), "every error listed");
    assert!(r.body.contains("&lt;b&gt;"), "source line escaped");
    assert!(!r.body.contains("[<b>"), "nothing unescaped");
    assert!(r.body.contains("/__gazette/live.js"), "the error page reloads itself when fixed");

    std::fs::write(site.path("content/news/2024-05-20-bad.md"), article("已修正", "修正后的正文。")).expect("fix 1");
    std::fs::write(site.path("content/news/2024-05-21-bad2.md"), article("第二", "正文")).expect("fix 2");
    let fixed = s.wait_for("/news/bad/", "the fixed page", |r| r.status == 200);
    assert!(!fixed.body.contains("gazette-errors"));
    assert!(fixed.body.contains("修正后的正文"));

    // A later failure keeps the last good pages, with the overlay on top.
    std::fs::write(site.path("content/news/2024-05-21-bad2.md"), "---\ntitle: [\n---\n").expect("break again");
    let r = s.wait_for("/news/bad/", "the overlay over the last good page", |r| r.body.contains("gazette-errors"));
    assert!(r.body.contains("修正后的正文"));
}

#[test]
fn a_checkout_of_300_articles_costs_at_most_two_rebuilds() {
    let site = site();
    let s = Server::start(site.root());
    let (status, socket) = s.websocket(s.url().trim_end_matches('/'));
    let mut socket = socket.unwrap_or_else(|| panic!("live reload: {status}"));
    // As fast as `git checkout` writes them.
    for n in 0..300 {
        let text = article(&format!("检出{n}"), &format!("第{n}篇检出的文章。"));
        std::fs::write(site.path(&format!("content/news/2024-06-01-c{n}.md")), text).expect("write");
    }
    s.wait_for("/news/c299/", "the last article", |r| r.status == 200);
    s.wait_for("/news/c0/", "the first article", |r| r.status == 200);
    // Every rebuild sends one "reload"; count them until the server has been quiet for 3 s.
    socket.set_read_timeout(Some(Duration::from_secs(3))).expect("timeout");
    let mut reloads = 0;
    while let Ok((op, text)) = frame(&mut socket) {
        match (op, text.as_slice()) {
            (1, b"reload") => reloads += 1,
            (1, b"search") | (9, _) => {}
            other => panic!("unexpected frame {other:?}"),
        }
    }
    assert!((1..=2).contains(&reloads), "{reloads} rebuilds for one checkout");
}

#[test]
fn after_edits_the_served_site_equals_a_clean_build() {
    let site = site();
    let s = Server::start(site.root());
    std::fs::write(site.path("content/news/2024-05-20-first.md"), article("第一篇改", "改过的正文。")).expect("edit");
    std::fs::write(site.path("content/news/2024-05-23-third.md"), article("第三篇", "第三篇的正文。")).expect("new");
    std::fs::remove_file(site.path("content/news/2024-05-21-draft.md")).expect("delete");
    s.wait_for("/news/third/", "the new article", |r| r.status == 200);
    s.wait_for("/news/draft/", "the deleted draft to go", |r| r.status == 404);
    s.wait_for("/news/first/", "the edit", |r| r.body.contains("改过的正文"));
    // A change every page shows (the site title) and one that moves a page between terms.
    std::fs::write(site.path("gazette.yaml"), common::CONFIG.replace("测试站", "改名的测试站")).expect("config");
    s.wait_for("/news/third/", "the new site title", |r| r.body.contains("改名的测试站"));
    std::fs::write(
        site.path("content/news/2024-05-23-third.md"),
        "---\ntitle: 第三篇\ndate: 2024-05-23\ntags: [安全生产]\n---\n第三篇的正文。\n",
    )
    .expect("retag");
    s.wait_for("/news/third/", "the new tag", |r| r.body.contains("安全生产"));
    // Last, a body-only edit: patched into the pages, the search index updated in place.
    std::fs::write(
        site.path("content/news/2024-05-23-third.md"),
        "---\ntitle: 第三篇\ndate: 2024-05-23\ntags: [安全生产]\n---\n第三篇改过的正文，鼹鼠。\n",
    )
    .expect("body edit");
    s.wait_for("/news/third/", "the body edit", |r| r.body.contains("鼹鼠"));

    let out = site.path("clean");
    let built = site.run(&["build", "--drafts", "--base-url", &s.url(), "--output", out.to_str().expect("utf-8")]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let injected = "<script src=\"/__gazette/live.js\"></script>";
    let mut compared = 0;
    for (rel, bytes) in common::tree(&out) {
        if rel == ".gazette-build" {
            continue;
        }
        let path: String = rel.split('/').map(percent).collect::<Vec<_>>().join("/");
        // The search index follows the pages shortly after a rebuild.
        let served = |r: &Reply| {
            if rel.ends_with(".html") { r.body.replacen(injected, "", 1).into_bytes() } else { r.bytes.clone() }
        };
        let r = s.wait_for(&format!("/{path}"), &format!("{rel} as in a clean build"), |r| {
            r.status == 200 && served(r) == bytes
        });
        assert_eq!(served(&r), bytes);
        compared += 1;
    }
    assert!(compared > 20, "{compared} files compared");
}

fn percent(seg: &str) -> String {
    seg.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Pages left open in 64 stalled tabs (their sockets never read nor answer) cannot lock a new
/// page out of live reload: once their answer to the first ping is overdue, it takes the place
/// of the one heard from least recently (until then it is refused, and the page retries).
#[test]
fn stalled_live_reload_sockets_cannot_lock_out_a_new_page() {
    let site = site();
    // Pings every 3 s: an answer is overdue after 1 s, a silent page is closed after 6 s.
    let s = Server::start_env(site.root(), &[("GAZETTE_LIVE_PING_MS", "3000")]);
    let origin = s.url().trim_end_matches('/').to_string();
    let mut stalled = Vec::new();
    for n in 0..64 {
        let (status, socket) = s.websocket(&origin);
        assert!(status.contains(" 101 "), "socket {n}: {status}");
        stalled.push(socket);
    }
    let start = Instant::now();
    let mut socket = loop {
        let (status, socket) = s.websocket(&origin);
        if let Some(socket) = socket {
            break socket;
        }
        assert!(status.contains(" 503 "), "{status}");
        assert!(start.elapsed() < DEADLINE, "a new page is still refused after 64 stalled ones: {status}");
        std::thread::sleep(Duration::from_millis(100));
    };
    std::fs::write(site.path("content/news/2024-05-20-first.md"), article("第一篇", "改过的正文。")).expect("edit");
    assert_eq!(next_text(&mut socket, true), "reload");
}

/// The server pings each page; one that stops answering is closed, one that answers stays.
#[test]
fn live_reload_sockets_that_stop_answering_pings_are_closed() {
    let site = site();
    let s = Server::start_env(site.root(), &[("GAZETTE_LIVE_PING_MS", "100")]);
    let origin = s.url().trim_end_matches('/').to_string();
    let (status, live) = s.websocket(&origin);
    let mut live = live.unwrap_or_else(|| panic!("live reload: {status}"));
    let (status, silent) = s.websocket(&origin);
    let mut silent = silent.unwrap_or_else(|| panic!("live reload: {status}"));
    // The answering page, on its own thread, until a reload comes.
    let answering = std::thread::spawn(move || next_text(&mut live, true));
    let mut pings = 0;
    loop {
        match frame(&mut silent) {
            Ok((9, _)) => pings += 1,
            Ok((8, _)) => break,
            Ok((op, _)) => panic!("unexpected frame, opcode {op}"),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset) => {
                break;
            }
            Err(e) => panic!("the silent page was not closed ({pings} pings): {e}"),
        }
    }
    assert!(pings >= 1, "closed after {pings} pings");
    std::fs::write(site.path("content/news/2024-05-20-first.md"), article("第一篇", "改过的正文。")).expect("edit");
    assert_eq!(answering.join().expect("the answering page"), "reload");
}

/// A template saved with a loop that would run for hours: the rebuild ends at the budget with
/// the error over the last good pages, and saving the fixed template applies it, without a
/// restart.
#[test]
fn a_runaway_template_is_reported_and_its_fix_applied_without_a_restart() {
    let config = "title: 测试站\nbase_url: https://example.org/\ntemplates:\n  max_iterations: 5000\n";
    let site = site().file("gazette.yaml", config).file("templates/page.html", "<p>{{ page.title }}</p>");
    let s = Server::start(site.root());
    s.wait_for("/news/first/", "the first build", |r| r.body.contains("<p>第一篇</p>"));
    let runaway = "{% set r = range(end=100000) %}\n{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}";
    std::fs::write(site.path("templates/page.html"), runaway).expect("save the runaway template");
    let r = s.wait_for("/news/first/", "the budget error", |r| r.body.contains("gazette-errors"));
    assert!(r.body.contains("<code>templates/page.html:2:17</code>"), "{}", r.body);
    assert!(r.body.contains("templates.max_iterations"), "{}", r.body);
    assert!(r.body.contains("<p>第一篇</p>"), "the last good page under the overlay");
    std::fs::write(site.path("templates/page.html"), "<p>修正：{{ page.title }}</p>").expect("save the fix");
    let r = s.wait_for("/news/first/", "the fixed template", |r| r.body.contains("<p>修正：第一篇</p>"));
    assert!(!r.body.contains("gazette-errors"), "{}", r.body);
}
