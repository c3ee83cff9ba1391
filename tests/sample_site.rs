//! The repository root is the sample site: it must build cleanly and hold what the README
//! promises (30+ news articles across five desks, 10+ knowledge-base pages, a draft, a
//! scheduled article).

mod common;

use std::path::Path;

fn sample_request(out: &Path) -> gazette::Request {
    let mut req = gazette::Request::new(env!("CARGO_MANIFEST_DIR"));
    req.output = Some(out.to_path_buf());
    req.options.now = common::now();
    req
}

#[test]
fn sample_site_builds_without_errors_or_warnings() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("public");
    let report = gazette::build(&sample_request(&out));
    assert!(report.diagnostics.is_empty(), "{}", report.diagnostics.render());
    assert!(out.join("index.html").exists());
    assert!(out.join("kb/hotline-12351/index.html").exists());
}

#[test]
fn sample_site_has_the_promised_content() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = gazette::config::Config::load(root, &Default::default()).expect("config");
    let (content, diags) = gazette::load::load(root);
    assert!(diags.is_empty());
    let texts: Vec<&gazette::load::Source> =
        content.sources.iter().filter(|s| s.kind == gazette::load::SourceKind::Page).collect();
    let news = texts.iter().filter(|s| s.rel.starts_with("news/")).count();
    let kb = texts.iter().filter(|s| s.rel.starts_with("kb/")).count();
    assert!(news >= 30, "{news} news articles");
    assert!(kb >= 10, "{kb} knowledge-base pages");
    for desk in ["yaowen", "jiuye", "gongjiang", "laojiao", "anquan"] {
        let n = texts.iter().filter(|s| s.rel.starts_with(&format!("news/{desk}/"))).count();
        assert!(n >= 5, "{desk} has {n} articles");
    }
    let drafts = texts.iter().filter(|s| s.text.contains("\ndraft: true")).count();
    assert_eq!(drafts, 1, "exactly one draft");
    let (site, _) = gazette::model::build(
        &config,
        content.clone(),
        &gazette::model::BuildOptions { now: common::now(), ..Default::default() },
    );
    assert_eq!(site.pages.len(), news + kb - 2, "the draft and the scheduled article are not published");
    let (all, _) = gazette::model::build(
        &config,
        content,
        &gazette::model::BuildOptions { now: common::now(), drafts: true, future: true },
    );
    assert_eq!(all.pages.len(), news + kb);
}
