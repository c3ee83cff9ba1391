//! Bad input never panics: hundreds of generated broken and odd files, built in one run.
//! Every error must still name a file.

mod common;

use common::Site;

/// A small deterministic generator (splitmix64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const FRONT: &[&str] = &[
    "title: 标题",
    "title: ''",
    "title: [a",
    "title: {a: 1}",
    "date: 2024-02-30",
    "date: 2024年5月20日",
    "date: 2024-05-20T25:00:00+08:00",
    "publish_date: 99999-01-01",
    "tags: 5",
    "tags: [就业, 就业, '', AI, ai]",
    "slug: ../../etc",
    "slug: ''",
    "aliases: [/, ../x, '%2e%2e/y']",
    "section: nowhere",
    "weight: 1e99",
    "issue: [1]",
    "extra: {a: [1, {b: 中}]}",
    "unknown: 1",
    "  bad indent: x",
    "image: ../../../x.svg",
    "template: missing.html",
    "draft: maybe",
    ":",
    "- list",
    "title: \"\\u0000\"",
];

const BODY: &[&str] = &[
    "正文\n",
    "[x](@/nowhere.md)",
    "[x](../../../../up.md)",
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    "{{ site.title }} {% for %}",
    "[^1]\n\n[^1]: 脚注",
    "| a | b |\n|---|---|\n| 1 |",
    "## 标题\n## 标题\n### {#}",
    "<!-- more -->",
    "![img](/a b c.svg)",
    "\u{0}\u{1}\u{feff}",
    "```\n未闭合代码块",
    "> 引用\n>> 嵌套",
    "- [ ] 任务\n- [x] 完成",
    "[a]: <> \"t\"\n[a]",
    "工人\n日报",
];

#[test]
fn hundreds_of_broken_files_never_panic_and_every_error_names_a_file() {
    let mut rng = Rng(7);
    let mut site = Site::new().page("news/_index.md", "title: 新闻", "");
    for i in 0..300 {
        let name = format!("content/news/2024-01-{:02}-f{i}.md", i % 28 + 1);
        let text = match rng.next() % 10 {
            0 => {
                let n = (rng.next() % 200) as usize;
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                site = site.bytes(&name, &bytes);
                continue;
            }
            1 => format!("---\n{}\n", rng.pick(FRONT)),
            2 => rng.pick(BODY).to_string(),
            _ => {
                let front: Vec<&str> = (0..rng.next() % 4).map(|_| rng.pick(FRONT)).collect();
                let body: Vec<&str> = (0..rng.next() % 5).map(|_| rng.pick(BODY)).collect();
                format!("---\ntitle: t{i}\n{}\n---\n{}", front.join("\n"), body.join("\n\n"))
            }
        };
        site = site.file(&name, &text);
    }
    let report = site.build();
    assert!(report.diagnostics.has_errors());
    for d in report.diagnostics.sorted() {
        let loc = d.location.as_ref().unwrap_or_else(|| panic!("no location: {d}"));
        assert!(!loc.file.is_empty(), "{d}");
    }
    assert!(!site.exists("index.html"), "a failed build writes nothing");
}
