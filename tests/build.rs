//! Building fixture sites end to end: URLs, lists, taxonomies, archives, feeds, sitemap,
//! static files, bundles, aliases, sub-paths, determinism and atomic output.

mod common;

use common::{Site, attrs, texts, tree};

fn news_site() -> Site {
    Site::new()
        .page("news/_index.md", "title: 新闻\nsort_by: date\npaginate_by: 2", "")
        .page("news/2024-05-20-first.md", "title: 第一篇\ntags: [就业, AI]\nregions: [辽宁]", "正文一。")
        .page("news/2024-06-01-second.md", "title: 第二篇\ntags: [就业]", "正文二。")
        .page("news/2024-06-15-户外劳动者驿站.md", "title: 第三篇\ntags: [户外劳动者, 就业]", "正文三。")
        .page("news/2025-01-02-fourth.md", "title: 第四篇\ntags: [AI]", "正文四。")
}

#[test]
fn pages_get_pretty_urls_and_chinese_slugs_stay_chinese() {
    let site = news_site();
    site.build_clean();
    assert!(site.exists("news/first/index.html"));
    assert!(site.exists("news/户外劳动者驿站/index.html"));
    let doc = site.html("news/first/index.html");
    assert_eq!(texts(&doc, "main h1"), vec!["第一篇"]);
    let list = site.html("news/index.html");
    let hrefs = attrs(&list, "main a[href]", "href");
    assert!(hrefs.contains(&"/news/fourth/".to_string()), "{hrefs:?}");
}

#[test]
fn section_pagination_newest_first_with_page_one_redirect() {
    let site = news_site();
    site.build_clean();
    let p1 = site.read("news/index.html");
    let p2 = site.read("news/page/2/index.html");
    assert!(p1.find("第四篇").is_some() && p1.find("第三篇").is_some() && !p1.contains("第一篇"));
    assert!(p2.contains("第二篇") && p2.contains("第一篇"));
    assert!(!site.exists("news/page/3/index.html"));
    let redirect = site.read("news/page/1/index.html");
    assert!(redirect.contains("url=https://example.org/news/"), "{redirect}");
}

#[test]
fn taxonomy_terms_lists_and_feeds() {
    let site = news_site();
    site.build_clean();
    let term = site.html("tags/就业/index.html");
    let body = term.root_element().text().collect::<String>();
    assert!(body.contains("第三篇") && body.contains("第二篇"));
    assert!(!site.exists("tags/就业/page/2/index.html"), "3 pages fit on one page of 10");
    let list = site.read("tags/index.html");
    assert!(list.contains("就业") && list.contains("户外劳动者"));
}

#[test]
fn archives_by_year_and_month() {
    let site = news_site();
    site.build_clean();
    assert!(site.exists("archives/index.html"));
    assert!(site.exists("archives/2024/index.html"));
    assert!(site.exists("archives/2024/06/index.html"));
    assert!(site.exists("archives/2025/01/index.html"));
    let june = site.read("archives/2024/06/index.html");
    assert!(june.contains("第二篇") && june.contains("第三篇") && !june.contains("第一篇"));
}

#[test]
fn feeds_sitemap_robots_and_404() {
    let site = news_site();
    site.build_clean();
    let atom = site.read("atom.xml");
    assert!(atom.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert!(atom.contains("<link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/news/first/\"/>"));
    assert!(atom.contains("<published>2024-05-20T00:00:00+08:00</published>"));
    assert!(site.exists("news/atom.xml"));
    assert!(site.read("tags/就业/atom.xml").contains("<title>第二篇</title>"));
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://example.org/news/%E6%88%B7%E5%A4%96%E5%8A%B3%E5%8A%A8%E8%80%85%E9%A9%BF%E7%AB%99/</loc>"
    ));
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\nSitemap: https://example.org/news-sitemap.xml\n"
    );
    assert!(site.exists("404.html"));
}

#[test]
fn sitemap_splits_into_an_index_past_the_limit() {
    let site = news_site();
    let report = gazette::generate(&site.request());
    assert!(!report.diagnostics.has_errors());
    let cfg = gazette::config::Config::load(site.root(), &Default::default()).expect("config");
    let content = gazette::load::load(site.root()).0;
    let (model, _) = gazette::model::build(&cfg, content, &site.request().options);
    let maps = gazette::feeds::sitemaps(&model, &cfg, 3);
    let index = String::from_utf8(maps["sitemap.xml"].clone()).expect("utf8");
    assert!(index.contains("<sitemapindex"));
    assert!(index.contains("<loc>https://example.org/sitemap-1.xml</loc>"));
    assert!(maps.len() > 2);
}

#[test]
fn drafts_future_and_expired_pages() {
    let site = Site::new()
        .page("news/_index.md", "title: 新闻", "")
        .page("news/2024-01-01-draft.md", "title: 草稿\ndraft: true", "x")
        .page("news/2024-01-02-later.md", "title: 将来\npublish_date: 2030-01-01", "x")
        .page("news/2024-01-03-gone.md", "title: 过期\nexpiry_date: 2024-12-31", "x")
        .page("news/2024-01-04-live.md", "title: 正常", "x");
    site.build_clean();
    assert!(site.exists("news/live/index.html"));
    assert!(!site.exists("news/draft/index.html"));
    assert!(!site.exists("news/later/index.html"));
    assert!(!site.exists("news/gone/index.html"));
    let r = site.run(&["build", "--drafts", "--future"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site.exists("news/draft/index.html"));
    assert!(site.exists("news/later/index.html"));
    assert!(!site.exists("news/gone/index.html"));
}

#[test]
fn bundles_copy_their_files_beside_the_page() {
    let site = Site::new()
        .page("news/_index.md", "title: 新闻", "")
        .page("news/2024-05-20-bundle/index.md", "title: 图文\nimage: chart.svg", "![图表](chart.svg)")
        .file("content/news/2024-05-20-bundle/chart.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.build_clean();
    assert!(site.exists("news/bundle/chart.svg"));
    let doc = site.html("news/bundle/index.html");
    assert!(attrs(&doc, "main img", "src").contains(&"chart.svg".to_string()));
}

#[test]
fn site_static_overrides_theme_static() {
    let site = Site::new().file("static/css/style.css", "/* mine */").file("static/extra.txt", "hi");
    site.build_clean();
    assert_eq!(site.read("css/style.css"), "/* mine */");
    assert_eq!(site.read("extra.txt"), "hi");
}

#[test]
fn site_templates_override_the_theme_file_by_file() {
    let site = Site::new().file("templates/404.html", "<p>{{ site.title }} 找不到</p>");
    site.build_clean();
    assert_eq!(site.read("404.html"), "<p>测试站 找不到</p>");
    assert!(site.read("index.html").contains("<html"), "other templates still come from the theme");
}

#[test]
fn aliases_become_redirect_pages() {
    let site = Site::new().page("news/2024-05-20-x.md", "title: 新址\naliases: [/old/x/, /legacy.html]", "x");
    site.build_clean();
    assert!(site.read("old/x/index.html").contains("url=https://example.org/news/x/"));
    assert!(site.read("legacy.html").contains("rel=\"canonical\" href=\"https://example.org/news/x/\""));
}

#[test]
fn prev_next_and_related() {
    let site = news_site();
    site.build_clean();
    let doc = site.html("news/second/index.html");
    let hrefs = attrs(&doc, "main a[href]", "href");
    assert!(hrefs.contains(&"/news/first/".to_string()), "older neighbour: {hrefs:?}");
    assert!(hrefs.iter().any(|h| h.contains("%E6%88%B7")), "newer neighbour: {hrefs:?}");
}

#[test]
fn sub_path_base_url_prefixes_every_internal_link() {
    let site = news_site()
        .file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/bulletin/\n")
        .file("static/images/a.svg", "<svg/>")
        .page(
            "news/2024-07-01-links.md",
            "title: 链接\nimage: /images/a.svg",
            "[站内](@/news/2024-05-20-first.md) ![图](/images/a.svg)",
        );
    site.build_clean();
    let mut checked = 0;
    for (path, bytes) in tree(&site.path("public")) {
        if !path.ends_with(".html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
        for attr in ["href", "src"] {
            for url in attrs(&doc, &format!("[{attr}]"), attr) {
                if url.starts_with('/') {
                    assert!(url.starts_with("/bulletin/"), "{path}: {attr}={url}");
                    checked += 1;
                } else {
                    assert!(
                        url.starts_with("https://example.org/bulletin/")
                            || url.starts_with('#')
                            || !url.contains("://"),
                        "{path}: {attr}={url}"
                    );
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} links checked");
    assert!(site.read("atom.xml").contains("href=\"https://example.org/bulletin/news/first/\""));
}

#[test]
fn two_builds_are_byte_identical() {
    let site = news_site();
    site.build_clean();
    let first = tree(&site.path("public"));
    site.build_clean();
    assert_eq!(first, tree(&site.path("public")));
}

#[test]
fn case_only_collisions_name_both_files() {
    let site = Site::new().page("news/Report.md", "title: A", "x").page("news/report.md", "title: B", "x");
    let r = site.build();
    let msgs: Vec<String> = r.diagnostics.sorted().iter().map(|d| d.message.clone()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("content/news/Report.md") && m.contains("content/news/report.md")),
        "{msgs:?}"
    );
    assert!(!site.exists("index.html"));
}

#[test]
fn slug_override_collision_is_an_error() {
    let site =
        Site::new().page("news/a.md", "title: A\nslug: same", "x").page("news/b.md", "title: B\nslug: same", "x");
    let r = site.build();
    assert_eq!(r.diagnostics.error_count(), 1, "{}", r.diagnostics.render());
    let d = r.diagnostics.sorted()[0].clone();
    assert_eq!(
        d.message,
        "content/news/b.md and content/news/a.md both produce the same output path: `news/same/index.html`"
    );
}

#[test]
fn pinyin_slug_policy() {
    let site = Site::new().file("gazette.yaml", "title: t\nbase_url: https://example.org/\nslug: pinyin\n").page(
        "news/2024-05-20-辽宁就业.md",
        "title: 辽宁\ntags: [辽宁]",
        "x",
    );
    site.build_clean();
    assert!(site.exists("news/liao-ning-jiu-ye/index.html"));
    assert!(site.exists("tags/liao-ning/index.html"));
}

#[test]
fn kb_section_sorts_by_weight() {
    let site = Site::new()
        .page("kb/_index.md", "title: 知识库\nsort_by: weight", "")
        .page("kb/b.md", "title: 乙\nweight: 2", "x")
        .page("kb/a.md", "title: 甲\nweight: 1", "x")
        .page("kb/c.md", "title: 丙", "x");
    site.build_clean();
    let html = site.read("kb/index.html");
    let (a, b, c) = (html.find("甲"), html.find("乙"), html.find("丙"));
    assert!(a < b && b < c, "{a:?} {b:?} {c:?}");
}

#[test]
fn init_site_builds_with_the_embedded_theme() {
    let dir = Site::empty();
    let target = dir.path("newsite");
    gazette::scaffold::init(&target).expect("init");
    let mut req = gazette::Request::new(&target);
    req.options.now = common::now();
    let r = gazette::build(&req);
    assert!(r.diagnostics.is_empty(), "{}", r.diagnostics.render());
    assert!(target.join("public/css/style.css").exists());
    assert!(target.join("public/news/welcome/index.html").exists());
}

#[test]
fn links_to_a_page_with_bad_front_matter_are_not_reported_again() {
    let site = Site::new().page("news/a.md", "title: [未闭合", "x").page("news/b.md", "title: B", "[A](@/news/a.md)");
    let r = site.build();
    let msgs: Vec<String> = r.diagnostics.sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(r.diagnostics.error_count(), 1, "{msgs:?}");
    assert!(msgs[0].contains("content/news/a.md:2:"), "{msgs:?}");
}

#[test]
fn feed_html_carries_only_absolute_links() {
    // Many feed readers ignore xml:base: a bundle image, a relative link and a footnote must
    // reach the reader as absolute URLs.
    let site = Site::new()
        .page("news/_index.md", "title: 新闻", "")
        .page(
            "news/2024-05-20-bundle/index.md",
            "title: 图文",
            "见[另一篇](../other/)与脚注[^1]。\n\n![附图](chart.svg)\n\n[^1]: 注释。",
        )
        .bytes("content/news/2024-05-20-bundle/chart.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .page("news/2024-05-21-other.md", "title: 另一篇", "正文。");
    site.build_clean();
    let atom = site.read("news/atom.xml");
    assert!(atom.contains("src=&quot;https://example.org/news/bundle/chart.svg&quot;"), "{atom}");
    assert!(atom.contains("href=&quot;https://example.org/news/other/&quot;"), "{atom}");
    assert!(atom.contains("href=&quot;https://example.org/news/bundle/#1&quot;"), "{atom}");
    for (i, _) in atom.match_indices("href=&quot;").chain(atom.match_indices("src=&quot;")) {
        let value = &atom[i..];
        let value = &value[value.find("&quot;").map_or(0, |q| q + 6)..];
        assert!(value.starts_with("https://"), "a relative link in the feed: {}", &value[..40.min(value.len())]);
    }
}

#[test]
fn an_empty_taxonomy_page_is_noindex_and_a_site_without_dates_links_no_archives() {
    let site = Site::new()
        .file("gazette.yaml", "title: 知识库\nbase_url: https://example.org/\ntaxonomies:\n  - name: tags\n")
        .page("kb/_index.md", "title: 知识库\nsort_by: weight", "")
        .page("kb/a.md", "title: 条目\nweight: 1", "正文。");
    site.build_clean();
    assert!(site.read("tags/index.html").contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(!site.read("sitemap.xml").contains("/tags/"));
    assert!(!site.exists("archives/index.html"));
    let home = site.html("index.html");
    let hrefs = attrs(&home, "a[href]", "href");
    assert!(!hrefs.iter().any(|h| h.contains("archives")), "{hrefs:?}");
}
