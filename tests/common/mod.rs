//! Fixture builder for integration tests: a site in a temp dir, built by the library or by the
//! real binary, with helpers to read the output as parsed HTML.
#![allow(dead_code)]

use gazette::model::BuildOptions;
use gazette::{Report, Request};
use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// The instant tests treat as "now": 2026-06-01T00:00:00+08:00.
pub fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-06-01 00:00 +08:00)
}

/// The smallest valid config.
pub const CONFIG: &str = "title: 测试站\nbase_url: https://example.org/\n";

/// A site under construction.
pub struct Site {
    dir: TempDir,
}

/// What running the binary printed.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Site {
    /// An empty folder.
    pub fn empty() -> Site {
        Site { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// A folder with `gazette.yaml` and `content/_index.md`.
    pub fn new() -> Site {
        Site::empty().file("gazette.yaml", CONFIG).file("content/_index.md", "---\ntitle: 首页\n---\n")
    }

    /// Writes a text file (parents created).
    pub fn file(self, rel: &str, text: &str) -> Site {
        self.bytes(rel, text.as_bytes())
    }

    /// Writes a file of raw bytes.
    pub fn bytes(self, rel: &str, bytes: &[u8]) -> Site {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, bytes).expect("write");
        self
    }

    /// Adds a page with the given front matter lines and body.
    pub fn page(self, rel: &str, front: &str, body: &str) -> Site {
        self.file(&format!("content/{rel}"), &format!("---\n{front}\n---\n{body}"))
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the site.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// A request with the fixed "now".
    pub fn request(&self) -> Request {
        let mut r = Request::new(self.root());
        r.options = BuildOptions { now: now(), ..BuildOptions::default() };
        r
    }

    /// Builds into `public/` through the library.
    pub fn build(&self) -> Report {
        gazette::build(&self.request())
    }

    /// Builds and fails the test on any diagnostic.
    pub fn build_clean(&self) -> Report {
        let r = self.build();
        assert!(r.diagnostics.is_empty(), "unexpected diagnostics:\n{}", r.diagnostics.render());
        r
    }

    /// Runs the real binary in the site root.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// Runs the real binary in the site root with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args(args)
            .envs(env.iter().copied())
            .current_dir(self.root())
            .output()
            .expect("spawn gazette");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// A file of the output, as text.
    pub fn read(&self, rel: &str) -> String {
        let p = self.path(&format!("public/{rel}"));
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    }

    /// The path under `public/` of doc `num`'s per-document search file, by the entry's URL
    /// pattern `key` (`fragment`, `body`) and its block folders.
    pub fn search_doc(&self, key: &str, num: u64) -> String {
        let e: serde_json::Value = serde_json::from_str(&self.read("search/entry.json")).expect("entry.json");
        let size = e["block_size"].as_u64().unwrap_or(1024).max(1);
        let block = e["blocks"][(num / size) as usize].as_str().unwrap_or("");
        let pattern = e[key].as_str().expect("pattern");
        format!("search/{}", pattern.replace("{block}", block).replace("{num}", &num.to_string()))
    }

    /// True when the output has this file.
    pub fn exists(&self, rel: &str) -> bool {
        self.path(&format!("public/{rel}")).exists()
    }

    /// A page of the output, parsed.
    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }
}

/// Texts of all elements matching `css`, trimmed, whitespace collapsed.
pub fn texts(doc: &Html, css: &str) -> Vec<String> {
    let sel = Selector::parse(css).expect("selector");
    doc.select(&sel).map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// Values of attribute `attr` on elements matching `css`.
pub fn attrs(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(css).expect("selector");
    doc.select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
}

/// Inner HTML of the first element matching `css`.
pub fn inner(doc: &Html, css: &str) -> String {
    let sel = Selector::parse(css).expect("selector");
    doc.select(&sel).next().map(|e| e.inner_html()).unwrap_or_default()
}

/// The article body exactly as the build wrote it: the text between the theme's
/// `<div class="content">` and its closing tag, without re-serialising (so the test sees
/// the bytes a reader gets, comments and entities included), trimmed.
pub fn raw_content(page: &str) -> String {
    let open = "<div class=\"content\">\n";
    let start = page.find(open).map(|i| i + open.len()).expect("page has a content div");
    let end = page[start..].find("\n  </div>").map(|i| start + i).expect("content div is closed");
    page[start..end].trim().to_string()
}

/// Every file under `dir` with its bytes, sorted, for byte-for-byte tree comparisons.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("prefix").to_string_lossy().into_owned();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    out.sort();
    out
}

/// Every diagnostic as `severity location: message`, in the report's sorted order.
pub fn diags(r: &Report) -> Vec<String> {
    r.diagnostics
        .sorted()
        .iter()
        .map(|d| {
            let sev = if d.is_error() { "error" } else { "warning" };
            let loc = d.location.as_ref().map(|l| l.to_string()).unwrap_or_else(|| "-".into());
            format!("{sev} {loc}: {}", d.message)
        })
        .collect()
}
