//! Wikilinks (`[[标题]]`, `[[path]]`, `[[path|text]]`), their errors, backlinks
//! (提及本页的文章) and the knowledge-base navigation, on fixture sites built end to end.

mod common;

use common::{Site, attrs, diags, texts};

const BODY: &str = "main article .content";
const BACKLINKS: &str = "main section.backlinks li a";

/// A news section, a weight-sorted knowledge base with a subsection, and a hotline page whose
/// content path (`kb/policy/hotline-12351`) and URL path (`kb/policy/hotline-12351`) agree,
/// plus a dated article whose two path forms differ (`news/2024-05-20-station`, `news/station`).
fn site() -> Site {
    Site::new()
        .page("news/_index.md", "title: 新闻\nsort_by: date", "")
        .page("kb/_index.md", "title: 知识库\nsort_by: weight", "")
        .page("kb/policy/_index.md", "title: 政策解读\nsort_by: weight\nweight: 2", "")
        .page("kb/policy/hotline-12351.md", "title: 12351 职工服务热线\nweight: 1", "热线介绍。")
        .page("kb/glossary.md", "title: 常用术语\nweight: 1", "术语。")
        .page("news/2024-05-20-station.md", "title: 户外劳动者驿站开放", "驿站开放。")
}

#[test]
fn title_path_and_pothole_forms_link_to_the_page() {
    let s = site().page(
        "news/2024-05-21-a.md",
        "title: 甲",
        "见[[12351 职工服务热线]]。\n\n见[[kb/policy/hotline-12351]]。\n\n见[[news/station|驿站报道]]。\n\n\
         见[[news/2024-05-20-station#开放]]。\n\n见[[ 常用术语 |**术语**表]]。\n",
    );
    s.build_clean();
    let doc = s.html("news/a/index.html");
    assert_eq!(
        attrs(&doc, &format!("{BODY} a"), "href"),
        vec![
            "/kb/policy/hotline-12351/",
            "/kb/policy/hotline-12351/",
            "/news/station/",
            "/news/station/#%E5%BC%80%E6%94%BE",
            "/kb/glossary/",
        ]
    );
    // The fragment is percent-encoded like every `@/` link's; browsers match it to `id="开放"`.
    // Without `|text` the link shows the target's title, not the path written.
    assert_eq!(
        texts(&doc, &format!("{BODY} a")),
        vec!["12351 职工服务热线", "12351 职工服务热线", "驿站报道", "户外劳动者驿站开放", "术语表"]
    );
    assert_eq!(texts(&doc, &format!("{BODY} a strong")), vec!["术语"], "display text keeps its Markdown");
}

#[test]
fn wikilinks_in_code_spans_and_blocks_stay_literal_text() {
    let s = site().page(
        "news/2024-05-21-a.md",
        "title: 甲",
        "写作 `[[没有这页]]` 即可。\n\n```\n[[kb/nope|不存在]]\n```\n",
    );
    s.build_clean();
    let doc = s.html("news/a/index.html");
    assert!(attrs(&doc, &format!("{BODY} a"), "href").is_empty());
    assert_eq!(texts(&doc, &format!("{BODY} code")), vec!["[[没有这页]]", "[[kb/nope|不存在]]"]);
}

#[test]
fn an_unresolved_wikilink_is_an_error_at_its_brackets_naming_close_candidates() {
    let s = site().page("news/2024-05-21-a.md", "title: 甲", "第一行。\n\n请拨打[[12351热线]]。\n");
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            "error content/news/2024-05-21-a.md:6:4: unresolved wikilink `[[12351热线]]`: no page has the title or path `12351热线`"
        ]
    );
    let d = r.diagnostics.sorted()[0].clone();
    assert_eq!(
        d.hint.as_deref(),
        Some(
            "did you mean `[[12351 职工服务热线]]` (content/kb/policy/hotline-12351.md)? a wikilink names a page by \
             its exact title (`[[12351 职工服务热线]]`), its path under content/ without `.md` \
             (`[[kb/hotline-12351]]`) or its URL path; add `|text` to choose the link text"
        )
    );
    assert!(d.to_string().contains("6 | 请拨打[[12351热线]]。\n  |       ^"), "{d}");
    assert!(!s.exists("index.html"), "a build with errors writes nothing");
}

#[test]
fn candidates_are_at_most_three_and_absent_when_nothing_is_close() {
    let s = site()
        .page("kb/a.md", "title: 驿站一", "")
        .page("kb/b.md", "title: 驿站二", "")
        .page("kb/c.md", "title: 驿站三", "")
        .page("kb/d.md", "title: 驿站四", "")
        .page("news/2024-05-21-a.md", "title: 甲", "[[驿站]] [[毫不相干]]\n");
    let r = s.build();
    let sorted = r.diagnostics.sorted();
    let hints: Vec<&str> = sorted.iter().filter_map(|d| d.hint.as_deref()).collect();
    assert_eq!(hints.len(), 2);
    assert!(
        hints[0].starts_with(
            "did you mean `[[驿站一]]` (content/kb/a.md), `[[驿站二]]` (content/kb/b.md), `[[驿站三]]` (content/kb/c.md)? "
        ),
        "{}",
        hints[0]
    );
    assert!(hints[1].starts_with("a wikilink names a page"), "{}", hints[1]);
}

#[test]
fn an_ambiguous_title_is_an_error_naming_every_file_and_the_path_form() {
    let s = site()
        .page("kb/one.md", "title: 同名条目", "一。")
        .page("news/2024-05-19-two.md", "title: 同名条目", "二。")
        .page("news/2024-05-21-a.md", "title: 甲", "见[[同名条目]]。\n");
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            "error content/news/2024-05-21-a.md:4:2: ambiguous wikilink `[[同名条目]]`: 2 pages have the title `同名条目`: content/kb/one.md, content/news/2024-05-19-two.md"
        ]
    );
    let d = r.diagnostics.sorted()[0].clone();
    assert_eq!(d.hint.as_deref(), Some("write the path form instead, e.g. `[[kb/one|同名条目]]`"));
}

#[test]
fn every_bad_wikilink_in_every_file_is_reported() {
    let s = site().page("news/2024-05-21-a.md", "title: 甲", "[[缺一]]\n\n[[kb/缺二|二]]\n\n[[缺三]]\n").page(
        "kb/other.md",
        "title: 乙",
        "见[[缺四]]。\n",
    );
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            "error content/kb/other.md:4:2: unresolved wikilink `[[缺四]]`: no page has the title or path `缺四`",
            "error content/news/2024-05-21-a.md:4:1: unresolved wikilink `[[缺一]]`: no page has the title or path `缺一`",
            "error content/news/2024-05-21-a.md:6:1: unresolved wikilink `[[kb/缺二|二]]`: no page has the title or path `kb/缺二`",
            "error content/news/2024-05-21-a.md:8:1: unresolved wikilink `[[缺三]]`: no page has the title or path `缺三`",
        ]
    );
}

#[test]
fn a_wikilink_to_a_draft_says_it_exists_but_is_not_published() {
    let s = site().page("news/2024-05-01-draft.md", "title: 草稿条目\ndraft: true", "未完成。").page(
        "news/2024-05-21-a.md",
        "title: 甲",
        "见[[草稿条目]]和[[news/draft|它]]。\n",
    );
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            "error content/news/2024-05-21-a.md:4:2: broken wikilink `[[草稿条目]]`: content/news/2024-05-01-draft.md exists but is not published (draft, scheduled or expired)",
            "error content/news/2024-05-21-a.md:4:11: broken wikilink `[[news/draft|它]]`: content/news/2024-05-01-draft.md exists but is not published (draft, scheduled or expired)",
        ]
    );
    // With drafts built, the same links resolve.
    let mut req = s.request();
    req.options.drafts = true;
    let r = gazette::build(&req);
    assert!(r.diagnostics.is_empty(), "{}", r.diagnostics.render());
    assert_eq!(attrs(&s.html("news/a/index.html"), &format!("{BODY} a"), "href"), vec!["/news/draft/", "/news/draft/"]);
}

#[test]
fn backlinks_list_each_linking_page_once_newest_first_then_by_title_on_the_target_only() {
    let s = site()
        .page(
            "news/2024-05-21-wiki.md",
            "title: 维基链接的新闻",
            "见[[12351 职工服务热线]]，再见[[kb/policy/hotline-12351]]。",
        )
        .page("news/2024-05-22-at.md", "title: 普通链接的新闻", "见[热线](@/kb/policy/hotline-12351.md)。")
        .page("kb/zz.md", "title: 乙条目", "见[[12351 职工服务热线]]。")
        .page("kb/aa.md", "title: 甲条目", "见[[kb/policy/hotline-12351|热线]]。")
        // Links to itself: never its own backlink.
        .page("kb/policy/self.md", "title: 自指", "见[[自指]]和[[12351 职工服务热线]]。");
    s.build_clean();
    let target = s.html("kb/policy/hotline-12351/index.html");
    assert_eq!(texts(&target, "main section.backlinks h2"), vec!["提及本页的文章"]);
    assert_eq!(texts(&target, BACKLINKS), vec!["普通链接的新闻", "维基链接的新闻", "乙条目", "甲条目", "自指"]);
    assert_eq!(
        attrs(&target, BACKLINKS, "href"),
        vec!["/news/at/", "/news/wiki/", "/kb/zz/", "/kb/aa/", "/kb/policy/self/"]
    );
    for other in ["kb/policy/self/index.html", "kb/glossary/index.html", "news/wiki/index.html"] {
        assert!(texts(&s.html(other), BACKLINKS).is_empty(), "{other} is linked by nobody else");
    }
}

#[test]
fn knowledge_base_pages_get_a_navigation_tree_and_news_pages_do_not() {
    let s = site();
    s.build_clean();
    let doc = s.html("kb/policy/hotline-12351/index.html");
    let nav = r#"main nav[aria-label="知识库导航"]"#;
    assert_eq!(texts(&doc, &format!("{nav} h2")), vec!["知识库"]);
    assert_eq!(texts(&doc, &format!("{nav} a")), vec!["知识库", "常用术语", "政策解读", "12351 职工服务热线"]);
    assert_eq!(attrs(&doc, &format!("{nav} a[aria-current=page]"), "href"), vec!["/kb/policy/hotline-12351/"]);
    assert_eq!(
        texts(&doc, r#"main nav[aria-label="面包屑"] a"#),
        vec!["首页", "知识库", "政策解读", "12351 职工服务热线"]
    );
    assert!(texts(&s.html("news/station/index.html"), nav).is_empty());
}

#[test]
fn a_wikilink_with_display_text_works_inside_a_table() {
    let s = site().page(
        "news/2024-06-01-table.md",
        "title: 表格",
        "| 事项 | 去处 |\n|---|---|\n| 维权 | [[kb/policy/hotline-12351\\|热线]] |\n",
    );
    s.build_clean();
    let doc = s.html("news/table/index.html");
    assert_eq!(attrs(&doc, "main td a", "href"), ["/kb/policy/hotline-12351/"]);
    assert_eq!(texts(&doc, "main td a"), ["热线"]);
}
