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
    file: String,
    title: String,
    day: u32,
    tags: Vec<String>,
    draft: bool,
    body: String,
}

impl Article {
    fn new(n: usize, rng: &mut Rng) -> Article {
        Article {
            file: format!("news/a{n}.md"),
            title: format!("第{n}篇{}", WORDS[rng.below(WORDS.len())]),
            day: 1 + rng.below(28) as u32,
            tags: vec![format!("t{}", rng.below(4))],
            draft: false,
            body: text(rng, 30),
        }
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

fn text(rng: &mut Rng, words: usize) -> String {
    (0..words).map(|_| WORDS[rng.below(WORDS.len())]).collect::<Vec<_>>().join("")
}

const CONFIG: &str = "title: 测试站\nbase_url: https://example.org/\npaginate_by: 4\ntaxonomies:\n  - name: tags\n";

/// The site as the test keeps it: articles, config and a page template of its own.
struct Model {
    articles: Vec<Article>,
    next: usize,
    config: String,
    template: String,
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
        for a in &self.articles {
            put(&format!("content/{}", a.file), &a.source());
        }
    }

    /// One random edit; returns what it was, for the failure message.
    fn edit(&mut self, rng: &mut Rng) -> String {
        let n = self.articles.len();
        let i = rng.below(n);
        let kind = rng.below(10);
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
            _ => self.config = format!("{CONFIG}description: 第{}版\n", rng.next() % 97),
        }
        format!("edit kind {kind} on article {i}")
    }
}

/// The output of a build from nothing of the site as `model` describes it, in a fresh folder.
fn fresh_build(model: &Model) -> Vec<(String, Vec<u8>)> {
    let site = Site::empty();
    model.write(site.root());
    let report = site.build();
    assert!(!report.diagnostics.has_errors(), "{}", report.diagnostics.render());
    tree(&site.path("public"))
}

#[test]
fn a_build_with_the_memo_equals_a_build_from_nothing_after_every_edit() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let template =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html"))
            .expect("theme page template");
    let mut model = Model { articles: Vec::new(), next: 0, config: CONFIG.into(), template };
    for _ in 0..10 {
        model.next += 1;
        let a = Article::new(model.next, &mut rng);
        model.articles.push(a);
    }
    let site = Site::empty();
    let mut req = site.request();
    req.memo = MemoUse::Use;
    let mut reused = 0;
    for step in 0..30 {
        let what = if step == 0 { "first build".to_string() } else { model.edit(&mut rng) };
        model.write(site.root());
        let report = gazette::build(&req);
        assert!(!report.diagnostics.has_errors(), "step {step} ({what}): {}", report.diagnostics.render());
        // A memo made by this binary is only refused after the config changed.
        if step > 0 && !what.starts_with("edit kind 9") {
            assert!(report.notes.is_empty(), "step {step} ({what}): {:?}", report.notes);
        }
        reused += report.reused;
        let with_memo = tree(&site.path("public"));
        let fresh = fresh_build(&model);
        let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(names(&with_memo), names(&fresh), "step {step} ({what}): other files");
        for ((path, a), (_, b)) in with_memo.iter().zip(&fresh) {
            assert!(a == b, "step {step} ({what}): {path} differs from a build from nothing");
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
