//! Newsroom outputs: schema.org JSON-LD and link-preview meta on article pages, and the
//! Google News sitemap.

mod common;

use common::{Site, attrs};
use serde_json::Value;

/// The JSON-LD object of a built page (exactly one block).
fn json_ld(site: &Site, rel: &str) -> Value {
    let doc = site.html(rel);
    let blocks = common::texts(&doc, r#"script[type="application/ld+json"]"#);
    assert_eq!(blocks.len(), 1, "one JSON-LD block on {rel}");
    serde_json::from_str(&blocks[0]).expect("JSON-LD parses")
}

fn newsroom() -> Site {
    Site::new()
        .file(
            "gazette.yaml",
            "title: 劳动资讯\nbase_url: https://example.org/bulletin/\nlanguage: zh-CN\n\
             publisher:\n  name: 劳动资讯编辑部\n  logo: images/logo.svg\n",
        )
        .page("news/_index.md", "title: 要闻", "")
        .file("static/images/station.svg", "<svg/>")
        .page(
            "news/2026-05-31-hot.md",
            "title: 户外劳动者服务站点提质\nsubtitle: 全省新建驿站三百个\nreporters: [王敏, 李强]\nupdated: 2026-05-31T18:00:00+08:00\n\
             tags: [户外劳动者]\ntopics: [民生实事]\nimage: /images/station.svg\nimage_alt: 驿站示意图",
            "夏季高温来临前，驿站配齐了饮水和药品。",
        )
        .page("news/2026-05-20-old.md", "title: 较早的消息\nsource: 新华社", "正文。")
        .page("news/2026-06-05-later.md", "title: 定时发布\npublish_date: 2026-06-05", "正文。")
        .page("kb/_index.md", "title: 知识库\nsort_by: weight", "")
        .page("kb/hotline.md", "title: 12351 热线\nweight: 1", "职工服务热线。")
}

#[test]
fn articles_carry_news_article_json_ld_with_every_field() {
    let site = newsroom();
    site.build_clean();
    let ld = json_ld(&site, "news/hot/index.html");
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "户外劳动者服务站点提质");
    assert_eq!(ld["alternativeHeadline"], "全省新建驿站三百个");
    assert_eq!(ld["datePublished"], "2026-05-31T00:00:00+08:00");
    assert_eq!(ld["dateModified"], "2026-05-31T18:00:00+08:00");
    assert_eq!(ld["author"][0], serde_json::json!({"@type": "Person", "name": "王敏"}));
    assert_eq!(ld["author"][1]["name"], "李强");
    assert_eq!(ld["publisher"]["name"], "劳动资讯编辑部");
    assert_eq!(ld["publisher"]["logo"]["url"], "https://example.org/bulletin/images/logo.svg");
    assert_eq!(ld["image"][0], "https://example.org/bulletin/images/station.svg");
    assert_eq!(ld["articleSection"], "要闻");
    assert_eq!(ld["keywords"], serde_json::json!(["户外劳动者", "民生实事"]));
    assert_eq!(ld["inLanguage"], "zh-CN");
    assert_eq!(ld["mainEntityOfPage"]["@id"], "https://example.org/bulletin/news/hot/");
    // A wire story without reporters is credited to its source; a KB entry is an Article.
    assert_eq!(json_ld(&site, "news/old/index.html")["author"][0]["name"], "新华社");
    let kb = json_ld(&site, "kb/hotline/index.html");
    assert_eq!(kb["@type"], "Article");
    assert!(kb.get("datePublished").is_none());
}

#[test]
fn link_previews_and_canonical() {
    let site = newsroom();
    site.build_clean();
    let doc = site.html("news/hot/index.html");
    let meta = |sel: &str| attrs(&doc, sel, "content");
    assert_eq!(attrs(&doc, r#"link[rel="canonical"]"#, "href"), vec!["https://example.org/bulletin/news/hot/"]);
    assert_eq!(meta(r#"meta[property="og:type"]"#), vec!["article"]);
    assert_eq!(meta(r#"meta[property="og:image"]"#), vec!["https://example.org/bulletin/images/station.svg"]);
    assert_eq!(meta(r#"meta[property="og:image:alt"]"#), vec!["驿站示意图"]);
    assert_eq!(meta(r#"meta[property="article:tag"]"#), vec!["户外劳动者"]);
    assert_eq!(meta(r#"meta[property="article:modified_time"]"#), vec!["2026-05-31T18:00:00+08:00"]);
    assert_eq!(meta(r#"meta[name="twitter:card"]"#), vec!["summary_large_image"]);
    assert_eq!(meta(r#"meta[name="twitter:title"]"#), vec!["户外劳动者服务站点提质"]);
}

#[test]
fn hostile_titles_and_summaries_cannot_leave_the_json_ld_script() {
    let evil = r#"</script><script>alert(1)</script><!--"#;
    let site = Site::new().page("news/_index.md", "title: 新闻", "").page(
        "news/2026-05-01-evil.md",
        &format!("title: '{evil}'\nsummary: '{evil} & </SCRIPT >'"),
        "正文。",
    );
    site.build_clean();
    let html = site.read("news/evil/index.html");
    let start = html.find(r#"<script type="application/ld+json">"#).expect("JSON-LD") + 35;
    let end = start + html[start..].find("</script>").expect("closed");
    let block = &html[start..end];
    assert!(!block.contains('<') && !block.contains('>'), "{block}");
    let ld: Value = serde_json::from_str(block).expect("parses");
    assert_eq!(ld["headline"], evil);
    assert_eq!(ld["description"], format!("{evil} & </SCRIPT >"));
    // Nowhere on the page (title, meta, headline, JSON-LD) did the markup survive as markup.
    assert!(!html.contains("<script>alert"), "{html}");
}

#[test]
fn news_sitemap_lists_only_articles_of_the_last_two_days() {
    let site = newsroom();
    site.build_clean(); // now = 2026-06-01T00:00+08:00
    let xml = site.read("news-sitemap.xml");
    assert!(xml.contains("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\""), "{xml}");
    assert_eq!(xml.matches("<url>").count(), 1, "{xml}");
    assert!(xml.contains("<loc>https://example.org/bulletin/news/hot/</loc>"));
    assert!(xml.contains("<news:name>劳动资讯编辑部</news:name><news:language>zh-cn</news:language>"));
    assert!(xml.contains("<news:publication_date>2026-05-31T00:00:00+08:00</news:publication_date>"));
    assert!(xml.contains("<news:title>户外劳动者服务站点提质</news:title>"));
    assert!(!xml.contains("old/") && !xml.contains("later/") && !xml.contains("hotline"), "{xml}");
    assert!(site.read("robots.txt").ends_with("Sitemap: https://example.org/bulletin/news-sitemap.xml\n"));
}

#[test]
fn news_sitemap_window_and_language_are_configurable_and_it_can_be_turned_off() {
    let site = newsroom().file(
        "gazette.yaml",
        "title: 劳动资讯\nbase_url: https://example.org/\nnews_sitemap:\n  days: 14\n  language: zh-tw\n",
    );
    site.build_clean();
    let xml = site.read("news-sitemap.xml");
    assert_eq!(xml.matches("<url>").count(), 2, "{xml}");
    assert!(xml.find("news/hot/").expect("hot") < xml.find("news/old/").expect("old"), "newest first");
    assert!(xml.contains("<news:language>zh-tw</news:language>"));
    let off =
        newsroom().file("gazette.yaml", "title: t\nbase_url: https://example.org/\nnews_sitemap:\n  enabled: false\n");
    off.build_clean();
    assert!(!off.exists("news-sitemap.xml"));
    assert!(!off.read("robots.txt").contains("news-sitemap"));
}

#[test]
fn source_date_epoch_sets_the_build_time() {
    let site = newsroom();
    let r = site.run_env(&["build"], &[("SOURCE_DATE_EPOCH", "1780156800")]); // 2026-05-31T00:00+08:00 is 1780156800
    assert_eq!(r.code, 0, "{}", r.stderr);
    let xml = site.read("news-sitemap.xml");
    assert!(xml.contains("news/hot/"), "{xml}");
    let bad = site.run_env(&["build"], &[("SOURCE_DATE_EPOCH", "yesterday")]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("SOURCE_DATE_EPOCH must be whole seconds"), "{}", bad.stderr);
}

#[test]
fn corrections_are_shown_dated_and_move_the_modified_date_everywhere() {
    let site = Site::new()
        .page("news/_index.md", "title: 新闻\nsort_by: date", "")
        .page(
            "news/2026-05-20-fixed.md",
            "title: 更正过的报道\ntags: [就业]\ncorrections:\n  - date: 2026-05-22T10:00:00+08:00\n    text: 更新：补充了报名电话。\n  \
             - date: 2026-05-21\n    text: 更正：人数应为1950人。",
            "正文。",
        )
        .page("news/2026-05-19-plain.md", "title: 未更正的报道", "正文。");
    site.build_clean();
    let doc = site.html("news/fixed/index.html");
    assert_eq!(common::texts(&doc, ".corrections h2"), vec!["更正与更新"]);
    // Oldest first, each with its date.
    assert_eq!(
        common::texts(&doc, ".corrections li"),
        vec!["2026年5月21日：更正：人数应为1950人。", "2026年5月22日：更新：补充了报名电话。"]
    );
    assert_eq!(attrs(&doc, ".corrections li time", "datetime")[1], "2026-05-22T10:00:00+08:00");
    assert_eq!(json_ld(&site, "news/fixed/index.html")["dateModified"], "2026-05-22T10:00:00+08:00");
    assert_eq!(attrs(&doc, r#"meta[property="article:modified_time"]"#, "content"), vec!["2026-05-22T10:00:00+08:00"]);
    let feed = site.read("news/atom.xml");
    let entry = &feed[feed.find("news/fixed/").expect("entry")..];
    assert!(entry.contains("<updated>2026-05-22T10:00:00+08:00</updated>"), "{feed}");
    // Lists mark it; the uncorrected article gets no mark and no note.
    let list = site.html("news/index.html");
    assert_eq!(common::texts(&list, ".badge-updated"), vec!["已更新"]);
    assert!(site.html("news/plain/index.html").root_element().html().find("corrections").is_none());
    assert!(json_ld(&site, "news/plain/index.html")["dateModified"] == "2026-05-19T00:00:00+08:00");
}

#[test]
fn a_correction_without_text_or_older_than_the_article_is_a_located_error() {
    let site = Site::new()
        .page("news/_index.md", "title: 新闻", "")
        .page("news/2026-05-20-empty.md", "title: 空更正\ncorrections:\n  - {date: 2026-05-21, text: ' '}", "正文。")
        .page(
            "news/2026-05-20-early.md",
            "title: 早更正\ncorrections:\n  - {date: 2026-05-01, text: 更正。}",
            "正文。",
        );
    let report = site.build();
    let errors: Vec<String> = report.diagnostics.sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    let all = errors.join("\n");
    assert!(all.contains("correction 1 has no text") && all.contains("2026-05-20-empty.md:3:1"), "{all}");
    assert!(all.contains("before the article itself") && all.contains("2026-05-20-early.md:3:1"), "{all}");
}

#[test]
fn a_same_day_correction_is_fine_a_future_one_is_an_error_and_a_huge_window_does_not_panic() {
    let site = Site::new()
        .file("gazette.yaml", "title: t\nbase_url: https://example.org/\nnews_sitemap:\n  days: 100000000\n")
        .page("news/_index.md", "title: 新闻", "")
        .page(
            "news/2026-05-20-same.md",
            "title: 同日更正\ndate: 2026-05-20T09:30:00+08:00\ncorrections:\n  - {date: 2026-05-20, text: 同日更正。}",
            "正文。",
        );
    site.build_clean();
    // The day-only correction is not dated before the article in feeds or JSON-LD.
    assert_eq!(json_ld(&site, "news/same/index.html")["dateModified"], "2026-05-20T09:30:00+08:00");
    assert!(site.read("news-sitemap.xml").contains("news/same/"), "every article is in a 100,000,000-day window");
    let future = Site::new().page("news/_index.md", "title: 新闻", "").page(
        "news/2026-05-20-future.md",
        "title: 未来更正\ncorrections:\n  - {date: 2030-01-01, text: 将来。}",
        "正文。",
    );
    let r = future.build(); // now = 2026-06-01
    let all = r.diagnostics.render();
    assert_eq!(r.diagnostics.error_count(), 1, "{all}");
    assert!(all.contains("correction 1 is dated in the future") && all.contains("2026-05-20-future.md:3:1"), "{all}");
}

#[test]
fn the_next_change_includes_an_article_leaving_the_news_sitemap() {
    // now = 2026-06-01T00:00+08:00; `hot` (2026-05-31) leaves the 2-day window on 2026-06-02,
    // before the scheduled page (2026-06-05) is published.
    let site = newsroom();
    let report = site.build_clean();
    let due = report.next_due.expect("a change is due");
    assert_eq!(due.at, time::macros::datetime!(2026-06-02 00:00 +08:00));
    assert_eq!(due.source, "content/news/2026-05-31-hot.md");
    assert_eq!(due.what, gazette::model::DueKind::LeaveNewsSitemap);
    // Without a news sitemap, the scheduled publication is next.
    let off =
        newsroom().file("gazette.yaml", "title: t\nbase_url: https://example.org/\nnews_sitemap:\n  enabled: false\n");
    let due = off.build_clean().next_due.expect("scheduled");
    assert_eq!((due.source.as_str(), due.what), ("content/news/2026-06-05-later.md", gazette::model::DueKind::Publish));
}
