//! Parity of the forgiving answers between `gazette search` and the browser client: for
//! queries that match and queries that do not, the same excerpts, the same suggestions and the
//! same partial matches (doc numbers, pairs held, 32-bit scores, excerpts). The Rust side
//! records what the CLI answers on a generated site; `tests/js/search_forgive_parity.test.mjs`
//! runs the JS client over `public/search/` and compares. Needs `node` (20+) on PATH.

mod common;
mod fixture_articles;

use std::path::Path;
use std::process::Command;

/// (query, section filter).
const CASES: &[(&str, Option<&str>)] = &[
    // Exact results: excerpts.
    ("仲裁", None),
    ("算法", None),
    ("春节 慰问", None),
    ("AI", None),
    ("job", None),
    ("劳模 -表彰", None),
    ("12351", None),
    ("职业病", Some("news/jineng")),
    ("法律援助", None),
    ("送温暖", None),
    ("困难职工", None),
    ("数字化 平台", None),
    ("fair", None),
    // Nothing exact: suggestions and partial matches.
    ("laodongzhe", None),
    ("jiuye", None),
    ("gongjiang", None),
    ("zhigong", None),
    ("户外劳者", None),
    ("外卖骑首", None),
    ("快递骑手", None),
    ("工匠热线大赛", None),
    ("技能补贴 欠薪仲裁", None),
    ("劳模 xyzzy", None),
    ("laodongzhe -工会", None),
    ("职业病调解仲裁", None),
    ("快递骑手", Some("news/jiuye")),
    ("工匠热线大赛", Some("/news/weiquan/")),
    ("高温补贴 -快递员 驿站工匠", None),
    ("xyzzy", None),
];

#[test]
fn cli_and_js_client_forgive_alike() {
    // The generated articles are short; a few long ones (several generated bodies each) put
    // matches beyond the opening, where excerpts come from body files.
    let mut site = fixture_articles::site(60);
    let more = fixture_articles::articles(108);
    for (k, group) in more[60..].chunks(6).enumerate() {
        let body = group.iter().map(|a| a.2.as_str()).collect::<Vec<_>>().join("\n\n");
        let front = group[0].1.replace("date: 20", "date: 19");
        site = site.page(&format!("news/weiquan/long{k}.md"), &front, &body);
    }
    site.build_clean();
    let mut cases = Vec::new();
    let (mut suggested, mut partial, mut windows) = (0, 0, 0);
    for (q, section) in CASES {
        let mut args = vec!["search", q, "--json", "--limit", "30"];
        args.extend(section.iter().flat_map(|s| ["--section", *s]));
        let r = site.run(&args);
        assert_eq!(r.code, 0, "gazette search {q}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
        let shown = |list: &serde_json::Value| -> Vec<serde_json::Value> {
            list.as_array()
                .expect("array")
                .iter()
                .map(|h| {
                    serde_json::json!({
                        "id": h["id"], "excerpt": h["excerpt"], "score": h["score"], "matched": h.get("matched"),
                    })
                })
                .collect()
        };
        let results = shown(&v["results"]);
        let partial_hits = shown(&v["partial"]);
        suggested += usize::from(!v["suggestions"].as_array().expect("suggestions").is_empty());
        partial += usize::from(!partial_hits.is_empty());
        // Excerpts other than the fragment's opening: windows from a body file.
        windows += results
            .iter()
            .filter(|h| {
                let f: serde_json::Value =
                    serde_json::from_str(&site.read(&site.search_doc("fragment", h["id"].as_u64().expect("id"))))
                        .expect("fragment");
                let opening = f["text"].as_str().expect("text");
                let excerpt = h["excerpt"].as_str().expect("excerpt");
                excerpt != opening && excerpt != format!("{opening}…")
            })
            .count();
        cases.push(serde_json::json!({
            "query": q, "section": section, "results": results,
            "suggestions": v["suggestions"], "partial": partial_hits,
        }));
    }
    assert!(suggested >= 6, "only {suggested} queries get suggestions");
    assert!(partial >= 6, "only {partial} queries get partial matches");
    assert!(windows >= 10, "only {windows} excerpts are windows around a match beyond the opening");
    let expect = site.path("forgive-parity.json");
    std::fs::write(&expect, serde_json::to_vec_pretty(&cases).expect("json")).expect("write expectations");

    let test = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js/search_forgive_parity.test.mjs");
    let out = Command::new("node")
        .arg("--test")
        .arg(&test)
        .env("GAZETTE_PARITY_PUBLIC", site.path("public"))
        .env("GAZETTE_FORGIVE_EXPECT", &expect)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): this parity test needs Node.js 20 or later on PATH"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "node parity test failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("# pass 1") && stdout.contains("# fail 0"), "parity test did not run:\n{stdout}");
}
