//! Markdown in content, end to end: GFM extensions, heading ids and the table of contents,
//! Chinese line breaks, internal links, raw HTML and script URLs, template syntax in
//! content, summaries and reading time — asserted on the built HTML and on exact
//! diagnostics (message, file, line, column).

mod common;

use common::{Site, attrs, diags, inner, raw_content, texts};
use scraper::Html;

/// The element of `page.html` holding the rendered article body.
const BODY: &str = "main article .content";

/// A site with a `news` section, ready for pages.
fn site() -> Site {
    Site::new().page("news/_index.md", "title: 新闻\nsort_by: date", "")
}

/// Builds `site` with one article `news/2024-05-20-a.md` holding `body`, expecting no
/// diagnostics, and returns the article's HTML.
fn article(body: &str) -> Html {
    let s = site().page("news/2024-05-20-a.md", "title: 甲", body);
    s.build_clean();
    s.html("news/a/index.html")
}

// ---------------------------------------------------------------- GFM extensions

#[test]
fn gfm_table_renders_header_and_body_cells() {
    let doc = article("| 工种 | 人数 |\n|---|--:|\n| 焊工 | 12 |\n| 电工 | 7 |\n");
    assert_eq!(texts(&doc, &format!("{BODY} table")).len(), 1);
    assert_eq!(texts(&doc, &format!("{BODY} table thead th")), vec!["工种", "人数"]);
    assert_eq!(texts(&doc, &format!("{BODY} table tbody td")), vec!["焊工", "12", "电工", "7"]);
    assert_eq!(attrs(&doc, &format!("{BODY} table tbody td"), "style"), vec!["text-align: right", "text-align: right"]);
}

#[test]
fn footnote_reference_links_to_its_definition() {
    let doc = article("全国总工会发布通知[^tz]。\n\n[^tz]: 见《工人日报》2024年5月20日第1版。\n");
    let refs = attrs(&doc, &format!("{BODY} sup.footnote-reference a"), "href");
    assert_eq!(refs, vec!["#tz"]);
    assert_eq!(texts(&doc, &format!("{BODY} sup.footnote-reference")), vec!["1"]);
    assert_eq!(attrs(&doc, &format!("{BODY} .footnote-definition"), "id"), vec!["tz"]);
    assert_eq!(texts(&doc, &format!("{BODY} .footnote-definition p")), vec!["见《工人日报》2024年5月20日第1版。"]);
}

#[test]
fn strikethrough_renders_del() {
    let doc = article("工资~~按季度~~按月发放。\n");
    assert_eq!(texts(&doc, &format!("{BODY} del")), vec!["按季度"]);
    assert_eq!(texts(&doc, &format!("{BODY} p")), vec!["工资按季度按月发放。"]);
}

#[test]
fn task_list_renders_disabled_checkboxes_with_checked_state_and_names() {
    let doc = article("- [ ] 签订劳动合同\n- [x] 缴纳社保\n- [X] 领取工资条\n");
    let boxes = format!("{BODY} li input[type=checkbox]");
    assert_eq!(attrs(&doc, &boxes, "aria-label"), vec!["未完成", "已完成", "已完成"]);
    assert_eq!(attrs(&doc, &format!("{boxes}[disabled]"), "aria-label").len(), 3);
    assert_eq!(attrs(&doc, &format!("{boxes}[checked]"), "aria-label"), vec!["已完成", "已完成"]);
    assert_eq!(texts(&doc, &format!("{BODY} li")), vec!["签订劳动合同", "缴纳社保", "领取工资条"]);
}

// ---------------------------------------------------------------- headings and TOC

#[test]
fn heading_attribute_sets_custom_id_and_class() {
    let doc = article("## 政策解读 {#custom .wide}\n\n正文。\n\n## Another Heading {#custom}\n");
    assert_eq!(attrs(&doc, &format!("{BODY} h2"), "id"), vec!["custom", "custom-1"]);
    assert_eq!(attrs(&doc, &format!("{BODY} h2"), "class"), vec!["wide"]);
    assert_eq!(texts(&doc, &format!("{BODY} h2")), vec!["政策解读", "Another Heading"]);
}

#[test]
fn chinese_heading_ids_are_kept_and_deduplicated() {
    let doc = article("## 就业\n\n一。\n\n## 就业\n\n二。\n\n## Job Fair 2024!\n");
    assert_eq!(attrs(&doc, &format!("{BODY} h2"), "id"), vec!["就业", "就业-1", "job-fair-2024"]);
}

#[test]
fn toc_is_shown_for_three_headings_with_nesting_and_links_to_ids() {
    let doc = article("## 背景\n\n一。\n\n### 数据\n\n二。\n\n## 措施\n\n三。\n");
    assert_eq!(texts(&doc, "main nav.toc[aria-label=\"目录\"]").len(), 1);
    assert_eq!(attrs(&doc, "main nav.toc a", "href"), vec!["#背景", "#数据", "#措施"]);
    assert_eq!(texts(&doc, "main nav.toc > ol > li > a"), vec!["背景", "措施"]);
    assert_eq!(texts(&doc, "main nav.toc > ol > li > ol > li > a"), vec!["数据"]);
    assert_eq!(attrs(&doc, &format!("{BODY} h2, {BODY} h3"), "id"), vec!["背景", "数据", "措施"]);
}

#[test]
fn toc_is_not_shown_for_two_headings() {
    let doc = article("## 背景\n\n一。\n\n## 措施\n\n二。\n");
    assert_eq!(texts(&doc, "nav.toc"), Vec::<String>::new());
    assert_eq!(texts(&doc, "nav[aria-label=\"目录\"]"), Vec::<String>::new());
    assert_eq!(attrs(&doc, &format!("{BODY} h2"), "id"), vec!["背景", "措施"]);
}

#[test]
fn toc_threshold_follows_markdown_toc_min_headings() {
    let s = site()
        .file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/\nmarkdown: {toc_min_headings: 2}\n")
        .page("news/2024-05-20-a.md", "title: 甲", "## 背景\n\n一。\n\n## 措施\n\n二。\n");
    s.build_clean();
    let doc = s.html("news/a/index.html");
    assert_eq!(attrs(&doc, "main nav.toc[aria-label=\"目录\"] a", "href"), vec!["#背景", "#措施"]);
}

// ---------------------------------------------------------------- line breaks

#[test]
fn soft_break_between_chinese_characters_renders_no_space() {
    let doc = article("工人\n日报\n");
    assert_eq!(texts(&doc, &format!("{BODY} p")), vec!["工人日报"]);
    assert_eq!(inner(&doc, BODY).trim(), "<p>工人日报</p>");
}

#[test]
fn soft_break_after_chinese_punctuation_renders_no_space() {
    let doc = article("会议指出，\n要加强保障。\n下一步工作\n“三个到位”。\n");
    assert_eq!(texts(&doc, &format!("{BODY} p")), vec!["会议指出，要加强保障。下一步工作“三个到位”。"]);
}

#[test]
fn soft_break_between_latin_words_keeps_a_space() {
    let doc = article("hello\nworld\n\n中文\nEnglish\n");
    assert_eq!(texts(&doc, &format!("{BODY} p")), vec!["hello world", "中文 English"]);
}

#[test]
fn soft_break_next_to_emphasis_in_chinese_renders_no_space() {
    // A newline inside a Chinese sentence must not become a space even when the line ends
    // (or the next one starts) with emphasised text.
    let doc = article("这是**重点**\n内容，\n*强调*部分。\n");
    assert_eq!(texts(&doc, &format!("{BODY} p")), vec!["这是重点内容，强调部分。"]);
}

#[test]
fn soft_break_joins_only_cjk_text_not_curly_quotes_or_ellipses_in_latin_text() {
    let doc = article(
        "“yes”\n“no”\n\nwait…\nwhat\n\n“工人”\n日报\n\n“工人”\n“日报”\n\n\
         你好……\n世界\n\nこんにちは\n世界\n\n한국\n사람\n",
    );
    assert_eq!(
        texts(&doc, &format!("{BODY} p")),
        vec!["“yes” “no”", "wait… what", "“工人”日报", "“工人”“日报”", "你好……世界", "こんにちは世界", "한국 사람"]
    );
}

// ---------------------------------------------------------------- internal links

fn link_site(config: &str) -> Site {
    site()
        .file("gazette.yaml", config)
        .page("kb/_index.md", "title: 知识库\nsort_by: weight", "")
        .page("kb/hotline.md", "title: 12351 热线\nweight: 1", "## 受理范围\n\n维权。\n")
        .page("news/2024-05-19-户外劳动者驿站.md", "title: 驿站", "正文。")
        .page(
            "news/2024-05-20-links.md",
            "title: 链接",
            "[甲](@/kb/hotline.md) [乙](../kb/hotline.md) [丙](@/kb/hotline.md#受理范围) \
             [丁](@/news/2024-05-19-户外劳动者驿站.md) [戊](./2024-05-19-户外劳动者驿站.md) \
             [己](@/news/_index.md) [庚](/about/) [辛](https://example.com/x) [壬](#本文)\n",
        )
}

/// `户外劳动者驿站`, percent-encoded.
const STATION: &str = "%E6%88%B7%E5%A4%96%E5%8A%B3%E5%8A%A8%E8%80%85%E9%A9%BF%E7%AB%99";
/// `受理范围`, percent-encoded: fragments are encoded in hrefs and match the raw heading id.
const SCOPE: &str = "%E5%8F%97%E7%90%86%E8%8C%83%E5%9B%B4";

#[test]
fn internal_and_relative_md_links_resolve_to_final_urls() {
    let s = link_site(common::CONFIG);
    s.build_clean();
    let doc = s.html("news/links/index.html");
    assert_eq!(
        attrs(&doc, &format!("{BODY} a"), "href"),
        vec![
            "/kb/hotline/".to_string(),
            "/kb/hotline/".to_string(),
            format!("/kb/hotline/#{SCOPE}"),
            format!("/news/{STATION}/"),
            format!("/news/{STATION}/"),
            "/news/".to_string(),
            "/about/".to_string(),
            "https://example.com/x".to_string(),
            "#%E6%9C%AC%E6%96%87".to_string(),
        ]
    );
    assert_eq!(texts(&doc, &format!("{BODY} a")), vec!["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬"]);
    let target = s.html("kb/hotline/index.html");
    assert_eq!(attrs(&target, &format!("{BODY} h2"), "id"), vec!["受理范围"]);
}

#[test]
fn internal_links_carry_a_sub_path_base_url() {
    let s = link_site("title: 测试站\nbase_url: https://example.org/bulletin/\n");
    s.build_clean();
    let doc = s.html("news/links/index.html");
    assert_eq!(
        attrs(&doc, &format!("{BODY} a"), "href"),
        vec![
            "/bulletin/kb/hotline/".to_string(),
            "/bulletin/kb/hotline/".to_string(),
            format!("/bulletin/kb/hotline/#{SCOPE}"),
            format!("/bulletin/news/{STATION}/"),
            format!("/bulletin/news/{STATION}/"),
            "/bulletin/news/".to_string(),
            "/bulletin/about/".to_string(),
            "https://example.com/x".to_string(),
            "#%E6%9C%AC%E6%96%87".to_string(),
        ]
    );
}

#[test]
fn broken_internal_link_is_an_error_at_its_file_line_and_column() {
    let s = site().page("news/2024-05-20-a.md", "title: 甲", "第一行。\n\n见[这里](@/news/missing.md)。\n");
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            "error content/news/2024-05-20-a.md:6:2: broken internal link `@/news/missing.md`: content/news/missing.md does not exist"
        ]
    );
    let d = r.diagnostics.sorted()[0].clone();
    assert_eq!(
        d.to_string(),
        "error: broken internal link `@/news/missing.md`: content/news/missing.md does not exist\n \
         --> content/news/2024-05-20-a.md:6:2\n  |\n6 | 见[这里](@/news/missing.md)。\n  |   ^\n  \
         = hint: `@/` paths are relative to content/, e.g. `@/news/jiuye/2024-05-20-slug.md`\n"
    );
    assert!(!s.exists("index.html"), "a build with errors writes nothing");
}

#[test]
fn broken_relative_md_links_are_errors_naming_the_resolved_path() {
    let s = site().page(
        "news/2024-05-20-a.md",
        "title: 甲",
        "[一](../kb/nope.md)\n[二](nope.md#x)\n[三](../../outside.md)\n",
    );
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            "error content/news/2024-05-20-a.md:4:1: broken internal link `../kb/nope.md`: content/kb/nope.md does not exist",
            "error content/news/2024-05-20-a.md:5:1: broken internal link `nope.md#x`: content/news/nope.md does not exist",
            "error content/news/2024-05-20-a.md:6:1: broken internal link `../../outside.md`: it points outside content/",
        ]
    );
}

#[test]
fn link_to_a_draft_says_it_exists_but_is_not_published() {
    let s = site()
        .page("news/2024-05-01-draft.md", "title: 草稿\ndraft: true", "未完成。")
        .page("news/2024-05-02-later.md", "title: 将来\npublish_date: 2030-01-01", "未发布。")
        .page(
            "news/2024-05-20-a.md",
            "title: 甲",
            "见[草稿](@/news/2024-05-01-draft.md)。\n\n[将来](2024-05-02-later.md)\n",
        );
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            "error content/news/2024-05-20-a.md:4:2: broken internal link `@/news/2024-05-01-draft.md`: content/news/2024-05-01-draft.md exists but is not published (draft, scheduled or expired)",
            "error content/news/2024-05-20-a.md:6:1: broken internal link `2024-05-02-later.md`: content/news/2024-05-02-later.md exists but is not published (draft, scheduled or expired)",
        ]
    );
}

#[test]
fn link_to_a_draft_resolves_when_drafts_are_built() {
    let s = site().page("news/2024-05-01-draft.md", "title: 草稿\ndraft: true", "未完成。").page(
        "news/2024-05-20-a.md",
        "title: 甲",
        "见[草稿](@/news/2024-05-01-draft.md)。\n",
    );
    let mut req = s.request();
    req.options.drafts = true;
    let r = gazette::build(&req);
    assert_eq!(diags(&r), Vec::<String>::new());
    let doc = s.html("news/a/index.html");
    assert_eq!(attrs(&doc, &format!("{BODY} a"), "href"), vec!["/news/draft/"]);
}

/// Relative destinations of every kind, for a page at `news/` (`up` climbs to `content/`).
fn relative_links(up: &str) -> String {
    format!(
        "[a](foo%20b&auml;) [b](report.pdf?page=2) [c](report.pdf?page=2&x=1#p3) [d](img/图.png) \
         [e]({up}kb/hotline.md?x=1#受理范围) [f](@/kb/hotline.md?y=2) [g](?tab=2) [h](sub/) [i](<a b.pdf>)\n"
    )
}

#[test]
fn relative_link_destinations_keep_escapes_query_and_fragment() {
    let s = site()
        .page("kb/_index.md", "title: 知识库", "")
        .page("kb/hotline.md", "title: 热线", "")
        .page("news/2024-05-20-plain.md", "title: 甲", &relative_links("../"))
        .page("news/2024-05-21-bundle/index.md", "title: 乙", &relative_links("../../"));
    s.build_clean();
    let page = |q: &str| format!("/kb/hotline/{q}");
    // A plain page's output is a folder deeper than its source: re-anchored to `/news/`.
    assert_eq!(
        raw_content(&s.read("news/plain/index.html")),
        format!(
            "<p><a href=\"/news/foo%20b%C3%A4\">a</a> <a href=\"/news/report.pdf?page=2\">b</a> \
             <a href=\"/news/report.pdf?page=2&amp;x=1#p3\">c</a> <a href=\"/news/img/%E5%9B%BE.png\">d</a> \
             <a href=\"{}\">e</a> <a href=\"{}\">f</a> <a href=\"?tab=2\">g</a> <a href=\"/news/sub/\">h</a> \
             <a href=\"/news/a%20b.pdf\">i</a></p>",
            page(&format!("?x=1#{SCOPE}")),
            page("?y=2")
        )
    );
    // A bundle's files sit beside its page: kept as written, escaped as pulldown-cmark escapes.
    assert_eq!(
        raw_content(&s.read("news/bundle/index.html")),
        format!(
            "<p><a href=\"foo%20b%C3%A4\">a</a> <a href=\"report.pdf?page=2\">b</a> \
             <a href=\"report.pdf?page=2&amp;x=1#p3\">c</a> <a href=\"img/%E5%9B%BE.png\">d</a> \
             <a href=\"{}\">e</a> <a href=\"{}\">f</a> <a href=\"?tab=2\">g</a> <a href=\"sub/\">h</a> \
             <a href=\"a%20b.pdf\">i</a></p>",
            page(&format!("?x=1#{SCOPE}")),
            page("?y=2")
        )
    );
}

// ---------------------------------------------------------------- raw HTML

const RAW: &str = "<div class=\"box\">x</div>\n\n段落<b>粗</b>。\n";

#[test]
fn raw_html_is_dropped_with_located_warnings() {
    let s = site().page("news/2024-05-20-a.md", "title: 甲", RAW);
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            "warning content/news/2024-05-20-a.md:4:1: raw HTML dropped: `<div class=\"box\">x</div>`",
            // One warning per element: `</b>` goes with its `<b>`.
            "warning content/news/2024-05-20-a.md:6:3: raw HTML dropped: `<b>`",
        ]
    );
    let hint = r.diagnostics.sorted()[0].hint.clone();
    assert_eq!(hint.as_deref(), Some("write it in Markdown, or set `markdown: {unsafe_html: true}` in gazette.yaml"));
    let doc = s.html("news/a/index.html");
    assert_eq!(inner(&doc, BODY).trim(), "<p>段落粗。</p>");
}

#[test]
fn raw_html_is_kept_when_unsafe_html_is_on() {
    let s = site()
        .file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/\nmarkdown: {unsafe_html: true}\n")
        .page("news/2024-05-20-a.md", "title: 甲", RAW);
    s.build_clean();
    let doc = s.html("news/a/index.html");
    assert_eq!(texts(&doc, &format!("{BODY} div.box")), vec!["x"]);
    assert_eq!(texts(&doc, &format!("{BODY} p b")), vec!["粗"]);
}

#[test]
fn html_comments_are_dropped_silently() {
    let doc = article("<!-- 编辑备注：待核实 -->\n\n正文。\n");
    assert_eq!(inner(&doc, BODY).trim(), "<p>正文。</p>");
}

/// Comments over several lines, after or before text, in a list and a quote, and the
/// shortest forms CommonMark allows.
const COMMENTS: &str = "导语。\n\n<!--\n编辑备注：不要发布\n-->\n\n正文<!-- 行内\n备注 -->*强调*。\n\n\
                        - 要点一\n  <!-- 列表\n  备注 -->\n- 要点二\n\n> 引语\n>\n> <!-- 引文\n> 备注 -->\n\n\
                        空注释<!---->和<!-->也去掉。\n";

#[test]
fn html_comments_vanish_whole_whatever_their_line_breaks() {
    let doc = article(COMMENTS);
    assert_eq!(
        inner(&doc, BODY).trim(),
        "<p>导语。</p>\n<p>正文<em>强调</em>。</p>\n<ul>\n<li>要点一</li>\n<li>要点二</li>\n</ul>\n\
         <blockquote>\n<p>引语</p>\n</blockquote>\n<p>空注释和也去掉。</p>"
    );
}

/// Text and markup beside a comment on the same line.
const BESIDE: &str = "<!-- 注 -->*bar*\n\n<!-- a --> <b>x</b>\n\n段<!-- c --><i>y</i>。\n";

#[test]
fn what_stands_beside_a_comment_is_kept_or_dropped_on_its_own() {
    let s = site().page("news/2024-05-20-a.md", "title: 甲", BESIDE);
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            "warning content/news/2024-05-20-a.md:6:12: raw HTML dropped: `<b>x</b>`",
            "warning content/news/2024-05-20-a.md:8:12: raw HTML dropped: `<i>`",
        ]
    );
    // Text after a comment is no markup: it shows as CommonMark shows it, asterisks and all.
    assert_eq!(raw_content(&s.read("news/a/index.html")), "*bar*\n<p>段y。</p>");
    let s = site()
        .file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/\nmarkdown: {unsafe_html: true}\n")
        .page("news/2024-05-20-a.md", "title: 甲", BESIDE);
    s.build_clean();
    assert_eq!(raw_content(&s.read("news/a/index.html")), "*bar*\n <b>x</b>\n<p>段<i>y</i>。</p>");
}

#[test]
fn unclosed_html_comment_hides_the_rest_of_its_block_with_a_warning() {
    let body = "正文。\n\n段落 <!-- 没有结尾\n\n<!-- 编辑备注：未写完\n\n后面全部隐藏。\n";
    let s = site().page("news/2024-05-20-a.md", "title: 甲", body);
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            "warning content/news/2024-05-20-a.md:6:4: `<!--` starts no comment here: the text after it is published",
            "warning content/news/2024-05-20-a.md:8:1: HTML comment `<!--` is never closed, so everything after it \
             is left out (to the end of the page, or of the list item or quote it is in)",
        ]
    );
    // Inside a paragraph CommonMark shows an unclosed `<!--` as text; a block hides the rest.
    assert_eq!(raw_content(&s.read("news/a/index.html")), "<p>正文。</p>\n<p>段落 &lt;!-- 没有结尾</p>");
}

// ---------------------------------------------------------------- script URLs

#[test]
fn script_urls_never_reach_href_or_src() {
    let body = "[a](javascript:alert(1)) [b]( JaVaScRiPt:alert(2)) [c](<java\tscript:alert(3)>) \
                [d](jav&#x61;script:alert(4)) [e](javascript&colon;alert(5)) <javascript:alert(6)> \
                [f](VBScript:msgbox(7)) ![g](javascript:alert(8)) [h][ref]\n\n[ref]: javascript:alert(9)\n";
    let s = site().page("news/2024-05-20-a.md", "title: 甲", body);
    let r = s.build();
    let expected: Vec<String> = [1, 26, 52, 80, 110, 141, 163, 187, 213]
        .iter()
        .map(|c| format!("warning content/news/2024-05-20-a.md:4:{c}: script URL removed from link"))
        .collect();
    assert_eq!(diags(&r), expected);
    for d in r.diagnostics.sorted() {
        assert_eq!(d.hint.as_deref(), Some("links may not run code"));
    }
    let html = s.read("news/a/index.html");
    let doc = Html::parse_document(&html);
    for attr in ["href", "src"] {
        for url in attrs(&doc, &format!("[{attr}]"), attr) {
            let probe: String =
                url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
            assert!(!probe.contains("script:"), "{attr}={url:?}");
        }
    }
    // The links' text stays; an autolink's text is its URL, shown as inert text.
    assert_eq!(texts(&doc, &format!("{BODY} p")), vec!["a b c d e javascript:alert(6) f g h"]);
    assert_eq!(attrs(&doc, &format!("{BODY} a"), "href"), Vec::<String>::new());
    assert_eq!(attrs(&doc, &format!("{BODY} img"), "src"), Vec::<String>::new());
}

// ---------------------------------------------------------------- template syntax

#[test]
fn template_syntax_in_content_appears_literally() {
    let s = site().page(
        "news/2024-05-20-a.md",
        "title: \"{{ site.title }} 标题\"\nsummary: \"{% raw %}摘要{{ 1 + 1 }}\"",
        "本站名为 {{ site.title }}，{% if true %}是{% endif %}{# 注释 #}。\n\n`{{ page.content }}`\n",
    );
    s.build_clean();
    let doc = s.html("news/a/index.html");
    assert_eq!(texts(&doc, "main h1"), vec!["{{ site.title }} 标题"]);
    assert_eq!(
        texts(&doc, &format!("{BODY} p")),
        vec!["本站名为 {{ site.title }}，{% if true %}是{% endif %}{# 注释 #}。", "{{ page.content }}"]
    );
    let list = s.html("news/index.html");
    assert_eq!(texts(&list, "main .card-summary"), vec!["{% raw %}摘要{{ 1 + 1 }}"]);
    assert!(!s.read("news/a/index.html").contains("测试站 标题"));
}

// ---------------------------------------------------------------- summaries

#[test]
fn more_marker_ends_the_summary_on_home_and_section_lists() {
    let s = site().page(
        "news/2024-05-20-a.md",
        "title: 甲",
        "导语第一段。\n\n导语第二段。\n\n<!-- more -->\n\n正文后半部分。\n",
    );
    s.build_clean();
    let home = s.html("index.html");
    assert_eq!(texts(&home, "main .lead-summary p"), vec!["导语第一段。", "导语第二段。"]);
    let list = s.html("news/index.html");
    let cards = texts(&list, "main .card-summary");
    assert_eq!(cards.len(), 1);
    assert!(cards[0].contains("导语第一段。"), "{cards:?}");
    assert!(!cards[0].contains("正文后半部分"), "{cards:?}");
    // The article itself still has everything, without the marker.
    let doc = s.html("news/a/index.html");
    assert_eq!(texts(&doc, &format!("{BODY} p")), vec!["导语第一段。", "导语第二段。", "正文后半部分。"]);
    assert!(!inner(&doc, BODY).contains("more"));
}

#[test]
fn more_marker_summary_text_includes_every_paragraph_before_the_marker() {
    let s = site().page(
        "news/2024-05-20-a.md",
        "title: 甲",
        "导语第一段。\n\n导语第二段。\n\n<!-- more -->\n\n正文后半部分。\n",
    );
    s.build_clean();
    let list = s.html("news/index.html");
    let cards = texts(&list, "main .card-summary");
    assert_eq!(cards.len(), 1);
    assert!(
        cards[0].contains("导语第二段。"),
        "summary_text stops before the marker, not after one paragraph: {cards:?}"
    );
}

/// The HTML of every `<summary type="html">` in an Atom feed, unescaped.
fn feed_summaries(atom: &str) -> Vec<String> {
    atom.split("<summary type=\"html\">")
        .skip(1)
        .map(|rest| {
            let escaped = rest.split("</summary>").next().unwrap_or("");
            escaped
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

#[test]
fn more_marker_inside_a_paragraph_list_or_quote_gives_balanced_summary_html() {
    let s = site()
        .page("news/2024-05-20-inline.md", "title: 行内", "导语。<!-- more -->正文。\n")
        .page("news/2024-05-21-list.md", "title: 列表", "- 要点一\n\n  <!-- more -->\n- 要点二\n")
        .page("news/2024-05-22-quote.md", "title: 引文", "> 引语\n>\n> <!-- more -->\n>\n> 后文\n");
    s.build_clean();
    let summaries = feed_summaries(&s.read("news/atom.xml"));
    assert_eq!(summaries.len(), 3);
    for html in &summaries {
        for tag in ["p", "ul", "li", "blockquote"] {
            let opens = html.matches(&format!("<{tag}>")).count();
            let closes = html.matches(&format!("</{tag}>")).count();
            assert_eq!(opens, closes, "unbalanced <{tag}> in summary {html:?}");
        }
        assert!(!html.contains("正文") && !html.contains("要点二") && !html.contains("后文"), "{html:?}");
    }
}

#[test]
fn automatic_summary_cuts_after_the_last_full_stop_that_fits() {
    let a = format!("{}。", "甲".repeat(49));
    let b = format!("{}。", "乙".repeat(49));
    let c = format!("{}。", "丙".repeat(59));
    let s = site().page("news/2024-05-20-a.md", "title: 甲", &format!("{a}{b}{c}\n\n第二段。\n"));
    s.build_clean();
    let list = s.html("news/index.html");
    assert_eq!(texts(&list, "main .card-summary"), vec![format!("{a}{b}")]);
    let home = s.html("index.html");
    assert_eq!(texts(&home, "main .lead-summary p"), vec![format!("{a}{b}")]);
}

#[test]
fn short_first_paragraph_is_the_whole_automatic_summary() {
    let s = site().page("news/2024-05-20-a.md", "title: 甲", "第一段很短。\n\n第二段不进入摘要。\n");
    s.build_clean();
    let list = s.html("news/index.html");
    assert_eq!(texts(&list, "main .card-summary"), vec!["第一段很短。"]);
}

#[test]
fn front_matter_summary_wins_over_the_body() {
    let s = site().page(
        "news/2024-05-20-a.md",
        "title: 甲\nsummary: 编辑写的摘要",
        "正文第一段。\n\n<!-- more -->\n\n后文。\n",
    );
    s.build_clean();
    let list = s.html("news/index.html");
    assert_eq!(texts(&list, "main .card-summary"), vec!["编辑写的摘要"]);
    let home = s.html("index.html");
    assert_eq!(texts(&home, "main .lead-summary"), vec!["编辑写的摘要"]);
    let doc = s.html("news/a/index.html");
    assert_eq!(attrs(&doc, "meta[name=description]", "content"), vec!["编辑写的摘要"]);
}

// ---------------------------------------------------------------- reading time

#[test]
fn reading_time_and_character_count_are_shown_on_the_article() {
    let s = site()
        .page(
            "news/2024-05-20-long.md",
            "title: 长文",
            &format!("{}\n\n[^1]\n\n[^1]: 脚注不计入。\n", "字".repeat(401)),
        )
        .page("news/2024-05-21-short.md", "title: 短文", "十个字的一篇短文章。\n")
        .page("news/2024-05-22-latin.md", "title: Latin", "three English words\n");
    s.build_clean();
    let long = s.html("news/long/index.html");
    assert_eq!(texts(&long, "main .dateline .reading-time"), vec!["全文约 401 字，阅读约 2 分钟"]);
    let short = s.html("news/short/index.html");
    assert_eq!(texts(&short, "main .dateline .reading-time"), vec!["全文约 9 字，阅读约 1 分钟"]);
    let latin = s.html("news/latin/index.html");
    assert_eq!(texts(&latin, "main .dateline .reading-time"), vec!["阅读约 1 分钟"]);
}
