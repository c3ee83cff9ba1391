//! Print editions (期): articles with `issue:` and `page:` grouped into an edition index, one
//! front page per edition, a print view and an Atom feed of editions.

mod common;

use common::{Site, attrs, texts};
use scraper::Html;

/// Edition 12 over four 版 (written three ways), two sections on 第2版, and edition 11 a
/// week older; one article has no issue.
fn site() -> Site {
    Site::new()
        .page("news/_index.md", "title: 新闻", "")
        .page("news/yaowen/_index.md", "title: 要闻", "")
        .page("news/jiuye/_index.md", "title: 就业", "")
        .page("news/yaowen/2024-05-20-top.md", "title: 头版头条\nissue: 12\npage: 1\nweight: 1", "头条正文。")
        .page("news/yaowen/2024-05-21-second.md", "title: 头版二条\nissue: 12\npage: 第1版", "二条正文。")
        .page("news/yaowen/2024-05-19-p2a.md", "title: 二版要闻\nissue: 12\npage: 2", "二版要闻正文。")
        .page("news/jiuye/2024-05-20-p2b.md", "title: 二版就业\nissue: 12\npage: 2", "二版就业正文。")
        .page("news/jiuye/2024-05-18-p2c.md", "title: 二版就业旧闻\nissue: 12\npage: 2", "旧闻正文。")
        .page("news/jiuye/2024-05-20-p10.md", "title: 十版文章\nissue: 12\npage: 第10版", "十版正文。")
        .page("news/jiuye/2024-05-20-loose.md", "title: 未标版次\nissue: 12", "未标正文。")
        .page("news/yaowen/2024-05-13-old.md", "title: 上期头条\nissue: 11\npage: 1", "上期正文。")
        .page("news/yaowen/2024-05-14-none.md", "title: 不在报上", "网络稿。")
}

#[test]
fn an_edition_groups_its_articles_by_page_in_numeric_order_then_by_section_lead_first() {
    let site = site();
    site.build_clean();
    let doc = site.html("issues/12/index.html");
    assert_eq!(texts(&doc, "main h1"), ["第12期"]);
    assert_eq!(texts(&doc, "main h2"), ["第1版", "第2版", "第10版", "未分版"]);
    // Weight beats date for the lead; then newest first.
    assert_eq!(texts(&doc, "main .folio-lead h3"), ["头版头条", "二版就业", "十版文章", "未标版次"]);
    let ban1 = Html::parse_fragment(&common::inner(&doc, "section[aria-labelledby=ban-1]"));
    assert_eq!(texts(&ban1, ".card-title"), ["头版二条"]);
    // 第2版: the lead (newest, 就业), then the sections in the order of their first article.
    let ban2 = Html::parse_fragment(&common::inner(&doc, "section[aria-labelledby=ban-2]"));
    assert_eq!(texts(&ban2, ".folio-section-title"), ["要闻", "就业"]);
    assert_eq!(texts(&ban2, ".card-title"), ["二版要闻", "二版就业旧闻"]);
    assert_eq!(texts(&doc, "main .description"), ["2024年5月21日 · 4 个版面 · 7 篇文章"]);
    assert_eq!(attrs(&doc, ".issue-print-link a", "href"), ["/issues/12/print/"]);
    assert_eq!(attrs(&doc, "main .prev-next a", "href"), ["/issues/11/"], "only an older edition");
}

#[test]
fn the_edition_index_lists_editions_newest_first_with_date_count_and_lead() {
    // Editions 9 and 10 share a date: the higher number comes first (9 < 10 by value).
    let site = site()
        .page("news/yaowen/2024-05-16-nine.md", "title: 九期头条\nissue: 9\npage: 1", "九。")
        .page("news/yaowen/2024-05-16-ten.md", "title: 十期头条\nissue: 10\npage: 1", "十。")
        .page("news/yaowen/2024-05-01-eight.md", "title: 八期头条\nissue: 第8期\npage: 1", "八。");
    site.build_clean();
    let doc = site.html("issues/index.html");
    assert_eq!(texts(&doc, "main h1"), ["往期"]);
    assert_eq!(texts(&doc, "main .issue-entry-title"), ["第12期", "第10期", "第9期", "第11期", "第8期"]);
    assert_eq!(
        attrs(&doc, "main .issue-entry-title a", "href"),
        ["/issues/12/", "/issues/10/", "/issues/9/", "/issues/11/", "/issues/8/"],
        "第8期 is issue 8: one spelling per edition"
    );
    let first = texts(&doc, "main .issue-entry")[0].clone();
    assert_eq!(first, "第12期 2024年5月21日 · 4 个版面 · 7 篇文章 头条 头版头条");
    assert!(site.exists("issues/8/index.html"));
    assert_eq!(attrs(&doc, "footer a[aria-current]", "href"), ["/issues/"], "the footer links 往期");
}

/// The elements of an XML document as `/`-joined paths, or why it is not well-formed: tags
/// balance, attributes are quoted, and `&` starts one of the five predefined entities.
fn xml_paths(xml: &str) -> Result<Vec<String>, String> {
    let body = xml.strip_prefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n").ok_or("no XML declaration")?;
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (n, part) in body.split('<').enumerate().skip(1) {
        let (tag, text) = part.split_once('>').ok_or(format!("tag {n} is not closed"))?;
        for amp in text.split('&').skip(1).chain(tag.split('&').skip(1)) {
            if !["amp;", "lt;", "gt;", "quot;", "apos;"].iter().any(|e| amp.starts_with(e)) {
                return Err(format!("bad entity in tag {n}: &{}", &amp[..amp.len().min(8)]));
            }
        }
        if text.contains('>') {
            return Err(format!("raw > after tag {n}"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or(format!("</{name}> closes nothing"))?;
            if open != name {
                return Err(format!("</{name}> closes <{open}>"));
            }
            continue;
        }
        let name = tag.split_whitespace().next().unwrap_or("").trim_end_matches('/').to_string();
        if tag.matches('"').count() % 2 != 0 {
            return Err(format!("unbalanced quotes in <{tag}>"));
        }
        out.push(format!("/{}", stack.iter().chain([&name]).cloned().collect::<Vec<_>>().join("/")));
        if !tag.ends_with('/') {
            stack.push(name);
        }
    }
    if stack.is_empty() { Ok(out) } else { Err(format!("unclosed {stack:?}")) }
}

#[test]
fn the_edition_feed_has_one_entry_per_edition_newest_first_with_absolute_links() {
    let site = site();
    site.build_clean();
    let atom = site.read("issues/atom.xml");
    let decl = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    for bad in ["<feed><entry></feed>", "<feed>a & b</feed>", "<feed><link href=\"x/></feed>"] {
        assert!(xml_paths(&format!("{decl}{bad}")).is_err(), "{bad} is caught");
    }
    let paths = xml_paths(&atom).unwrap_or_else(|e| panic!("not well-formed: {e}\n{atom}"));
    assert_eq!(paths.iter().filter(|p| *p == "/feed/entry").count(), 2, "{atom}");
    let feed = Html::parse_document(&atom);
    assert_eq!(texts(&feed, "entry > title"), ["第12期 · 头版头条", "第11期 · 上期头条"]);
    assert_eq!(
        attrs(&feed, "entry > link", "href"),
        ["https://example.org/issues/12/", "https://example.org/issues/11/"]
    );
    assert_eq!(texts(&feed, "entry > updated"), ["2024-05-21T00:00:00+08:00", "2024-05-13T00:00:00+08:00"]);
    assert!(atom.contains("<link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/issues/\"/>"));
    assert!(
        atom.contains(
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/issues/atom.xml\"/>"
        )
    );
    // The summary lists every headline by 版, linking to the articles absolutely.
    let summaries = texts(&feed, "entry > summary");
    let first = Html::parse_fragment(&summaries[0]);
    assert_eq!(texts(&first, "h3"), ["第1版", "第2版", "第10版", "未分版"]);
    let links = attrs(&first, "a", "href");
    assert_eq!(links.len(), 7);
    assert!(links.iter().all(|l| l.starts_with("https://example.org/news/")), "{links:?}");
    let index = site.html("issues/index.html");
    assert_eq!(attrs(&index, "link[rel=alternate][type='application/atom+xml']", "href")[1], "/issues/atom.xml");
}

#[test]
fn the_edition_feed_keeps_feed_limit_editions() {
    let mut site =
        Site::new().file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/\nfeed:\n  limit: 2\n");
    for n in 1..=3 {
        site = site.page(&format!("news/2024-05-0{n}-a{n}.md"), &format!("title: 第{n}篇\nissue: {n}"), "正文。");
    }
    site.build_clean();
    let feed = Html::parse_document(&site.read("issues/atom.xml"));
    assert_eq!(texts(&feed, "entry > title"), ["第3期 · 第3篇", "第2期 · 第2篇"]);
}

#[test]
fn the_print_view_holds_every_body_and_is_a_noindex_copy_of_the_edition() {
    let site = site()
        .page(
            "news/jiuye/2024-05-20-notes/index.md",
            "title: 带注释的文章\nissue: 12\npage: 3",
            "正文[^1]，见[上期](@/news/yaowen/2024-05-13-old.md)和![图](chart.svg)。\n\n## 背景\n\n[^1]: 注释。\n",
        )
        .file("content/news/jiuye/2024-05-20-notes/chart.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.build_clean();
    let doc = site.html("issues/12/print/index.html");
    assert_eq!(attrs(&doc, "meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(attrs(&doc, "link[rel=canonical]", "href"), ["https://example.org/issues/12/"]);
    assert_eq!(texts(&doc, "main h2"), ["第1版", "第2版", "第3版", "第10版", "未分版"]);
    assert_eq!(texts(&doc, "#art-6 h4"), ["背景"], "body headings sit below the headline");
    let bodies = texts(&doc, "main .print-article .content");
    for body in ["头条正文", "二条正文", "二版要闻正文", "二版就业正文", "旧闻正文", "十版正文", "未标正文", "注释"]
    {
        assert_eq!(bodies.iter().filter(|b| b.contains(body)).count(), 1, "{body} in {bodies:?}");
    }
    // Ids are unique on the page; in-page links follow them; other links are absolute.
    let ids = attrs(&doc, "[id]", "id");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
    let notes = Html::parse_fragment(&common::inner(&doc, "#art-6 .content"));
    let hrefs = attrs(&notes, "a", "href");
    assert!(hrefs.contains(&"https://example.org/news/yaowen/old/".to_string()), "{hrefs:?}");
    let note = hrefs.iter().find(|h| h.starts_with('#')).expect("a footnote link");
    assert!(ids.contains(&note[1..].to_string()), "{note} reaches its note: {ids:?}");
    assert_eq!(attrs(&notes, "img", "src"), ["https://example.org/news/jiuye/notes/chart.svg"]);
    assert_eq!(texts(&doc, "#art-6 h3"), ["带注释的文章"]);
    assert_eq!(attrs(&doc, ".print-actions a", "href"), ["/issues/12/"]);
    let sheets: Vec<String> = attrs(&doc, "link[rel=stylesheet]", "href")
        .iter()
        .map(|h| h.split('?').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(sheets, ["/css/style.css", "/css/editions.css"]);
}

#[test]
fn the_sitemap_lists_the_index_and_edition_pages_but_not_print_views() {
    let site = site();
    site.build_clean();
    let sitemap = site.read("sitemap.xml");
    for loc in ["https://example.org/issues/", "https://example.org/issues/12/", "https://example.org/issues/11/"] {
        assert!(sitemap.contains(&format!("<loc>{loc}</loc>")), "{loc} in\n{sitemap}");
    }
    assert!(sitemap.contains("<loc>https://example.org/issues/12/</loc><lastmod>2024-05-21T00:00:00+08:00</lastmod>"));
    assert!(!sitemap.contains("print"), "{sitemap}");
}

#[test]
fn an_article_links_to_its_edition_and_one_without_issue_does_not() {
    let site = site();
    site.build_clean();
    let doc = site.html("news/yaowen/second/index.html");
    assert_eq!(texts(&doc, ".dateline .edition"), ["第12期 · 第1版"]);
    assert_eq!(attrs(&doc, ".dateline .edition a", "href"), ["/issues/12/"]);
    let doc = site.html("news/jiuye/loose/index.html");
    assert_eq!(texts(&doc, ".dateline .edition a"), ["第12期"]);
    let doc = site.html("news/yaowen/none/index.html");
    assert!(texts(&doc, ".dateline .edition").is_empty());
}

#[test]
fn one_edition_in_any_spelling_and_named_issues_keep_their_chinese() {
    let site = Site::new()
        .page("news/2024-05-20-a.md", "title: 甲\nissue: 12\npage: A1", "x")
        .page("news/2024-05-21-b.md", "title: 乙\nissue: 第１２期\npage: B1", "x")
        .page("news/2024-05-22-c.md", "title: 丙\nissue: 春季特刊", "x");
    site.build_clean();
    let doc = site.html("issues/12/index.html");
    assert_eq!(texts(&doc, "main h1"), ["第12期"]);
    // A1 and B1 are named pages, not two spellings of page 1.
    assert_eq!(texts(&doc, "main h2"), ["A1", "B1"]);
    assert!(site.exists("issues/春季特刊/index.html"), "Chinese stays Chinese on disk");
}

#[test]
fn an_issue_that_would_clash_with_the_index_files_is_a_located_error() {
    let site = Site::new().page("news/2024-05-20-a.md", "title: 甲\nissue: atom.xml", "x").page(
        "news/2024-05-21-b.md",
        "title: 乙\nissue: index.html",
        "x",
    );
    let r = site.build();
    assert_eq!(r.diagnostics.error_count(), 2, "{}", r.diagnostics.render());
    let all = r.diagnostics.render();
    assert!(all.contains("2024-05-20-a.md:3:1") && all.contains("2024-05-21-b.md:3:1"), "{all}");
    assert!(all.contains("clash with a file"), "{all}");
}

#[test]
fn two_issue_values_that_make_one_key_are_an_error_naming_both_files() {
    let site = Site::new().page("news/2024-05-20-a.md", "title: 甲\nissue: 2024 05", "x").page(
        "news/2024-05-21-b.md",
        "title: 乙\ndate: 2024-05-21\nissue: 2024-05",
        "x",
    );
    let r = site.build();
    assert_eq!(r.diagnostics.error_count(), 1, "{}", r.diagnostics.render());
    let d = r.diagnostics.sorted()[0].clone();
    assert_eq!(
        d.message,
        "issue `2024-05` in content/news/2024-05-21-b.md and issue `2024 05` in content/news/2024-05-20-a.md both make the edition `/issues/2024-05/`"
    );
    assert_eq!(d.location.map(|l| l.to_string()).as_deref(), Some("content/news/2024-05-21-b.md:4:1"));
    assert!(!site.exists("index.html"), "an error writes nothing");
}

#[test]
fn a_site_without_issues_writes_no_edition_pages_feed_or_links() {
    let site = Site::new().page("news/2024-05-20-a.md", "title: 甲\npage: 3", "x");
    site.build_clean();
    assert!(!site.exists("issues"));
    assert!(!site.read("sitemap.xml").contains("/issues/"));
    let home = site.read("index.html");
    assert!(!home.contains("/issues/"), "{home}");
    // The 版 alone is still shown, without a link.
    let doc = site.html("news/a/index.html");
    assert_eq!(texts(&doc, ".dateline .edition"), ["第3版"]);
    assert!(attrs(&doc, ".dateline .edition a", "href").is_empty());
}

#[test]
fn drafts_join_their_edition_only_in_drafts_builds() {
    let site = site().page("news/2024-05-20-draft.md", "title: 草稿稿件\nissue: 12\npage: 1\ndraft: true", "草稿。");
    site.build_clean();
    assert!(!site.read("issues/12/index.html").contains("草稿稿件"));
    let mut r = site.request();
    r.options.drafts = true;
    let report = gazette::build(&r);
    assert!(report.diagnostics.is_empty(), "{}", report.diagnostics.render());
    assert!(site.read("issues/12/print/index.html").contains("草稿。"));
}
