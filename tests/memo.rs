//! The build memo under `.gazette/`: a build that reuses it gives byte for byte the output of
//! a build from nothing, after every kind of edit, and a memo that cannot be used is
//! discarded with one note and never trusted.

mod common;

use common::{Site, tree};
use gazette::MemoUse;
use std::path::Path;

/// A small deterministic generator (xorshift64*), so a failing step can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &["劳动", "工资", "快递员", "安全", "培训", "工匠", "就业", "社保", "维权", "职工"];

/// One article's front matter fields and body, so edits change one thing at a time.
#[derive(Clone)]
struct Article {
    n: usize,
    section: &'static str,
    title: String,
    day: u32,
    tags: Vec<String>,
    draft: bool,
    body: String,
}

impl Article {
    fn new(n: usize, rng: &mut Rng) -> Article {
        Article {
            n,
            section: SECTIONS[rng.below(SECTIONS.len())],
            title: format!("第{n}篇{}", WORDS[rng.below(WORDS.len())]),
            day: 1 + rng.below(28) as u32,
            tags: vec![format!("t{}", rng.below(4))],
            draft: false,
            body: text(rng, 30),
        }
    }

    fn file(&self) -> String {
        format!("{}/a{}.md", self.section, self.n)
    }

    fn source(&self) -> String {
        format!(
            "---\ntitle: {}\ndate: 2024-05-{:02}\ntags: [{}]\ndraft: {}\n---\n{}\n",
            self.title,
            self.day,
            self.tags.join(", "),
            self.draft,
            self.body
        )
    }
}

const SECTIONS: &[&str] = &["news", "kb"];

fn text(rng: &mut Rng, words: usize) -> String {
    (0..words).map(|_| WORDS[rng.below(WORDS.len())]).collect::<Vec<_>>().join("")
}

const CONFIG: &str = "title: 测试站\nbase_url: https://example.org/\npaginate_by: 4\ntaxonomies:\n  - name: tags\n";

/// The site's own `static/css/style.css`, which every page links cache-busted (`?h=`); each
/// edit keeps its length, and the test puts its modification time back, as `cp -p`,
/// `rsync -t` or two saves in one clock tick would.
fn style(version: u64) -> String {
    format!("body{{color:#{:06x}}}\n", version % 0x100_0000)
}

/// The site as the test keeps it: articles, config, a page template and a style sheet.
struct Model {
    articles: Vec<Article>,
    next: usize,
    config: String,
    template: String,
    style: u64,
}

/// How one step builds: plainly, with `--base-url`, or with `--drafts`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Flags {
    Plain,
    BaseUrl,
    Drafts,
}

impl Flags {
    fn apply(self, req: &mut gazette::Request) {
        req.overrides.base_url = (self == Flags::BaseUrl).then(|| "https://mirror.example.net/报/".to_string());
        req.options.drafts = self == Flags::Drafts;
    }
}

impl Model {
    fn write(&self, root: &Path) {
        let content = root.join("content");
        let _ = std::fs::remove_dir_all(&content);
        let put = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        };
        put("gazette.yaml", &self.config);
        put("templates/page.html", &self.template);
        put("content/_index.md", "---\ntitle: 首页\n---\n");
        put("content/news/_index.md", "---\ntitle: 新闻\n---\n");
        put("content/kb/_index.md", "---\ntitle: 知识库\n---\n");
        for a in &self.articles {
            put(&format!("content/{}", a.file()), &a.source());
        }
        // Same length each time, and the modification time of the file it replaces.
        let css = root.join("static/css/style.css");
        let old = std::fs::metadata(&css).and_then(|m| m.modified()).ok();
        put("static/css/style.css", &style(self.style));
        if let Some(t) = old {
            std::fs::File::options().write(true).open(&css).and_then(|f| f.set_modified(t)).expect("set mtime");
        }
    }

    /// One random edit; returns what it was, for the failure message.
    fn edit(&mut self, rng: &mut Rng) -> String {
        let n = self.articles.len();
        let i = rng.below(n);
        let kind = rng.below(12);
        let a = &mut self.articles[i];
        match kind {
            0 | 1 => {
                let words = 20 + rng.below(40);
                a.body = text(rng, words);
            }
            2 => a.title = format!("{}{}", a.title, WORDS[rng.below(WORDS.len())]),
            3 => a.day = 1 + rng.below(28) as u32,
            4 => a.tags = vec![format!("t{}", rng.below(4)), format!("t{}", 4 + rng.below(2))],
            5 => a.draft = !a.draft,
            6 if n > 4 => {
                self.articles.remove(i);
            }
            6 | 7 => {
                self.next += 1;
                self.articles.push(Article::new(self.next, rng));
            }
            8 => self.template = self.template.replacen("</body>", &format!("<!-- v{} --></body>", rng.next() % 97), 1),
            9 => self.config = format!("{CONFIG}description: 第{}版\n", rng.next() % 97),
            10 => a.section = if a.section == "news" { "kb" } else { "news" },
            _ => self.style = rng.next(),
        }
        format!("edit kind {kind} on article {i}")
    }
}

/// The output of a build from nothing of the site as `model` describes it, in a fresh folder.
fn fresh_build(model: &Model, flags: Flags) -> Vec<(String, Vec<u8>)> {
    let site = Site::empty();
    model.write(site.root());
    let mut req = site.request();
    flags.apply(&mut req);
    let report = gazette::build(&req);
    assert!(!report.diagnostics.has_errors(), "{}", report.diagnostics.render());
    tree(&site.path("public"))
}

/// Every output file's modification time, by path.
fn mtimes(dir: &Path) -> std::collections::BTreeMap<String, std::time::SystemTime> {
    tree(dir)
        .into_iter()
        .map(|(p, _)| {
            let t = std::fs::metadata(dir.join(&p)).and_then(|m| m.modified()).expect("mtime");
            (p, t)
        })
        .collect()
}

/// How many edits the randomized test makes: `GAZETTE_RANDOM_EDITS`, or what runs in well
/// under a minute in a debug build on two cores (150 edits: about 45 s; 200: 61 s).
fn edits() -> usize {
    std::env::var("GAZETTE_RANDOM_EDITS").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_EDITS)
}

const DEFAULT_EDITS: usize = 150;

#[test]
fn a_build_with_the_memo_equals_a_build_from_nothing_after_every_edit() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let template =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html"))
            .expect("theme page template");
    let mut model = Model { articles: Vec::new(), next: 0, config: CONFIG.into(), template, style: 1 };
    for _ in 0..10 {
        model.next += 1;
        let a = Article::new(model.next, &mut rng);
        model.articles.push(a);
    }
    let site = Site::empty();
    let mut reused = 0;
    let mut last_key = None;
    for step in 0..=edits() {
        let mut what = if step == 0 { "first build".to_string() } else { model.edit(&mut rng) };
        // Now and then a preview with drafts, or a build for another address, in between.
        let flags = match rng.below(8) {
            0 if step > 0 => Flags::BaseUrl,
            1 if step > 0 => Flags::Drafts,
            _ => Flags::Plain,
        };
        what.push_str(&format!(", {flags:?} build"));
        model.write(site.root());
        let mut req = site.request();
        req.memo = MemoUse::Use;
        flags.apply(&mut req);
        let public = site.path("public");
        let before: std::collections::BTreeMap<String, Vec<u8>> = tree(&public).into_iter().collect();
        let before_times = mtimes(&public);
        let report = gazette::build(&req);
        assert!(!report.diagnostics.has_errors(), "step {step} ({what}): {}", report.diagnostics.render());
        // A memo made by this binary is only refused after the config or `--base-url` changed.
        let key = (model.config.clone(), flags == Flags::BaseUrl);
        if last_key.as_ref() == Some(&key) {
            assert!(report.notes.is_empty(), "step {step} ({what}): {:?}", report.notes);
        }
        last_key = Some(key);
        reused += report.reused;
        let with_memo = tree(&public);
        let fresh = fresh_build(&model, flags);
        let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(names(&with_memo), names(&fresh), "step {step} ({what}): other files");
        for ((path, a), (_, b)) in with_memo.iter().zip(&fresh) {
            assert!(a == b, "step {step} ({what}): {path} differs from a build from nothing");
        }
        // A file whose bytes did not change was not written again.
        let after_times = mtimes(&public);
        for (path, bytes) in &with_memo {
            if before.get(path) == Some(bytes) {
                assert_eq!(before_times.get(path), after_times.get(path), "step {step} ({what}): {path} rewritten");
            }
        }
    }
    assert!(reused > 100, "only {reused} pages were reused from the memo");
    assert!(site.path(".gazette/memo").is_file());
}

/// Runs the real binary's `gazette build`, with a fixed build time.
fn build_cli(site: &Site) -> common::Run {
    let r = site.run_env(&["build"], &[("SOURCE_DATE_EPOCH", "1780243200")]);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    r
}

#[test]
fn a_damaged_or_foreign_memo_gives_one_note_and_a_correct_build() {
    let site = Site::new()
        .page("news/_index.md", "title: 新闻", "")
        .page("news/2024-05-01-a.md", "title: 甲\ntags: [t]", "劳动者权益。")
        .page("news/2024-05-02-b.md", "title: 乙\ntags: [t]", "劳动者工资。");
    let first = build_cli(&site);
    assert_eq!(first.stderr, "");
    let memo = site.path(".gazette/memo");
    let good = std::fs::read(&memo).expect("memo written");
    let expected = tree(&site.path("public"));
    // Same binary, same config: used silently.
    assert_eq!(build_cli(&site).stderr, "");

    let mut other_format = good.clone();
    other_format[8] ^= 0xff;
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x55;
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("truncated", good[..good.len() / 2].to_vec(), "it is truncated"),
        ("empty", Vec::new(), "it is truncated"),
        (
            "random bytes",
            (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect(),
            "it is not a gazette build memo",
        ),
        ("another format", other_format, "it was written in another memo format"),
        ("flipped byte", flipped, "it is corrupt"),
    ];
    for (what, bytes, why) in cases {
        std::fs::write(&memo, &bytes).expect("damage the memo");
        // The article changes too, so a trusted memo would show in the output.
        std::fs::write(
            site.path("content/news/2024-05-01-a.md"),
            format!("---\ntitle: 甲\ntags: [t]\n---\n劳动者权益，{what}。\n"),
        )
        .expect("edit");
        let r = build_cli(&site);
        assert_eq!(
            r.stderr,
            format!("note: ignored the build memo .gazette/memo ({why}); built without it\n"),
            "{what}"
        );
        let fresh = Site::empty();
        for rel in [
            "gazette.yaml",
            "content/_index.md",
            "content/news/_index.md",
            "content/news/2024-05-01-a.md",
            "content/news/2024-05-02-b.md",
        ] {
            let p = fresh.path(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::copy(site.path(rel), p).expect("copy");
        }
        let clean = fresh.run_env(&["build", "--clean"], &[("SOURCE_DATE_EPOCH", "1780243200")]);
        assert_eq!(clean.code, 0, "{}", clean.stderr);
        assert!(tree(&site.path("public")) == tree(&fresh.path("public")), "{what}: output differs from a clean build");
        assert!(tree(&site.path("public")) != expected, "{what}: the edit is in the output");
        // The memo was written anew and is used silently again.
        assert_eq!(build_cli(&site).stderr, "", "{what}");
    }

    // A memo this test's own binary wrote is another binary's to the command.
    let mut req = site.request();
    req.memo = MemoUse::Use;
    let by_library = gazette::build(&req);
    let foreign = "ignored the build memo .gazette/memo (it was written by another gazette binary); built without it";
    assert_eq!(by_library.notes, vec![foreign.to_string()]);
    let r = build_cli(&site);
    assert_eq!(
        r.stderr,
        "note: ignored the build memo .gazette/memo (it was written by another gazette binary); built without it\n"
    );

    // `--clean` ignores even a damaged memo, without a note.
    std::fs::write(&memo, b"GZMEMO").expect("damage");
    let r = site.run_env(&["build", "--clean"], &[("SOURCE_DATE_EPOCH", "1780243200")]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
}

/// A static file copied with `cp -p`, `rsync -t` or `tar x`, or saved twice in one clock
/// tick, has new bytes under its old size and modification time: the pages the memo vouches
/// for must still carry the new `?h=` of the site's `static/css/style.css`, which every page
/// links cache-busted.
#[test]
fn a_static_file_edited_keeping_its_size_and_mtime_gives_the_clean_output() {
    let site = Site::new()
        .file("static/css/style.css", "body{color:red}\n")
        .page("news/_index.md", "title: 新闻", "")
        .page("news/2024-05-01-a.md", "title: 甲", "劳动者权益。");
    assert_eq!(build_cli(&site).stderr, "");
    let css = site.path("static/css/style.css");
    let mtime = std::fs::metadata(&css).and_then(|m| m.modified()).expect("mtime");
    std::fs::write(&css, "body{color:tan}\n").expect("edit");
    // What `touch -d` does: the old modification time back.
    std::fs::File::options().write(true).open(&css).and_then(|f| f.set_modified(mtime)).expect("set mtime");
    assert_eq!(build_cli(&site).stderr, "");

    let fresh = Site::empty();
    for rel in ["gazette.yaml", "content/_index.md", "content/news/_index.md", "content/news/2024-05-01-a.md"] {
        let p = fresh.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::copy(site.path(rel), p).expect("copy");
    }
    let fresh = fresh.file("static/css/style.css", "body{color:tan}\n");
    let clean = fresh.run_env(&["build", "--clean"], &[("SOURCE_DATE_EPOCH", "1780243200")]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    let (ours, theirs) = (tree(&site.path("public")), tree(&fresh.path("public")));
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&ours), names(&theirs));
    for ((path, a), (_, b)) in ours.iter().zip(&theirs) {
        assert!(a == b, "{path} differs from a clean build");
    }
}
