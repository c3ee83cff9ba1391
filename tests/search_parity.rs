//! Parity between `gazette search` (tantivy) and the browser client
//! (`themes/default/static/js/search.js`) over the exported static index: the same 30
//! queries must give the same top-10 doc numbers in the same order, with the same 32-bit
//! scores. The Rust side builds a
//! generated site and records what the CLI returns; `node --test tests/js/search_parity.test.mjs`
//! then runs the JS client over `public/search/` and compares. Needs `node` (20+) on PATH.

mod common;
mod fixture_articles;

use std::path::Path;
use std::process::Command;

const QUERIES: &[&str] = &[
    "户外劳动者",
    "劳动者",
    "工会",
    "职工",
    "热线",
    "欠薪",
    "快递员",
    "外卖骑手",
    "技能大赛",
    "工匠",
    "服务圈",
    "人工智能",
    "环卫工人",
    "劳动保护",
    "高温补贴",
    "社会保险",
    "新就业形态",
    "法律援助",
    "农民工工资",
    "女职工",
    "12351",
    "AI",
    "job",
    "fair",
    "\"job fair\"",
    "户外 -快递",
    "工会 职工",
    "劳",
    "技能 -培训",
    "不存在的词语",
];

/// Queries run again restricted to one section (`--section` / the section filter); `news`
/// includes its sub-sections.
const SECTION_QUERIES: &[(&str, &str)] = &[
    ("工会", "news/jiuye"),
    ("职工", "news/weiquan"),
    ("劳", "news/jineng"),
    ("户外劳动者", "/news/jiuye/"),
    ("工会", "news"),
    ("劳动者", "/news/"),
];

#[test]
fn cli_and_js_client_rank_alike() {
    assert_eq!(QUERIES.len(), 30);
    // A short half-life, so the recency factors of the 20 days of articles differ widely; an
    // undated page keeps the factor 1.
    let site = fixture_articles::site(60)
        .file("gazette.yaml", &format!("{}search:\n  recency_half_life_days: 3\n", common::CONFIG))
        .page("kb/_index.md", "title: 知识库", "")
        .page("kb/guide.md", "title: 工会服务指南", "职工可以拨打12351热线，户外劳动者可以到驿站歇脚。");
    site.build_clean();
    let mut cases = Vec::new();
    let mut nonempty = 0;
    let all = QUERIES.iter().map(|q| (*q, None)).chain(SECTION_QUERIES.iter().map(|(q, s)| (*q, Some(*s))));
    for (q, section) in all {
        let mut args = vec!["search", q, "--json", "--limit", "10"];
        args.extend(section.iter().flat_map(|s| ["--section", *s]));
        let r = site.run(&args);
        assert_eq!(r.code, 0, "gazette search {q}: {}", r.stderr);
        let hits: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
        let hits = hits["results"].as_array().expect("array");
        if let Some(s) = section {
            let key = s.trim_matches('/');
            assert!(!hits.is_empty(), "{q} in {s} finds nothing");
            let inside = |h: &serde_json::Value| {
                h["section"].as_str().is_some_and(|k| k == key || k.starts_with(&format!("{key}/")))
            };
            assert!(hits.iter().all(inside), "{q} in {s}: {hits:?}");
        }
        let ids: Vec<u64> = hits.iter().map(|h| h["id"].as_u64().expect("id")).collect();
        if !ids.is_empty() {
            nonempty += 1;
        }
        let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().expect("score")).collect();
        cases.push(serde_json::json!({ "query": q, "section": section, "ids": ids, "scores": scores }));
    }
    assert!(nonempty >= 29, "only {nonempty} queries find anything");
    let expect = site.path("parity.json");
    std::fs::write(&expect, serde_json::to_vec_pretty(&cases).expect("json")).expect("write expectations");

    let test = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js/search_parity.test.mjs");
    let out = Command::new("node")
        .arg("--test")
        .arg(&test)
        .env("GAZETTE_PARITY_PUBLIC", site.path("public"))
        .env("GAZETTE_PARITY_EXPECT", &expect)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `node` ({e}): the search parity test needs Node.js 20 or later on PATH")
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "node parity test failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("# pass 1") && stdout.contains("# fail 0"), "parity test did not run:\n{stdout}");
}
