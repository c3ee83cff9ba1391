//! Related articles: scored from the search tokenizer's terms of title and body, with a bonus
//! for shared tags and topics; limited by `related.limit`; deterministic; never the page
//! itself, a draft or an unpublished page.

mod common;

use common::{Site, attrs, tree};

/// Two reports on rest stations for outdoor workers and one knowledge-base entry on them, two
/// on mine safety, and one on a book fair: no tags anywhere, so only the text relates them.
fn topical_site() -> Site {
    Site::new()
        .file("content/news/_index.md", "---\ntitle: 新闻\n---\n")
        .file("content/kb/_index.md", "---\ntitle: 知识库\n---\n")
        .page(
            "news/2024-05-01-yizhan-jiedao.md",
            "title: 街道户外劳动者驿站正式开放\ndate: 2024-05-01",
            "朝阳街道的户外劳动者驿站今天开放，环卫工人、快递员和外卖骑手可以在驿站里饮水、\
             热饭、给手机充电、歇脚。驿站配有微波炉、冰箱和药箱，冬天有暖气，夏天有空调。",
        )
        .page(
            "news/2024-05-08-yizhan-gonghui.md",
            "title: 工会建成百家户外劳动者服务驿站\ndate: 2024-05-08",
            "市总工会今年在商圈和路口建成一百家户外劳动者服务驿站，快递员、外卖骑手和环卫工人\
             累了可以进驿站歇脚、饮水、热饭，手机没电也能充电。",
        )
        .page(
            "kb/yizhan.md",
            "title: 户外劳动者驿站",
            "户外劳动者驿站是工会为环卫工人、快递员、外卖骑手等户外劳动者设立的服务站点，\
             提供饮水、热饭、充电和歇脚。",
        )
        .page(
            "news/2024-05-03-kuangshan-jiancha.md",
            "title: 煤矿井下通风和瓦斯检查\ndate: 2024-05-03",
            "应急管理局对辖区煤矿开展安全检查，重点查看井下通风系统、瓦斯监测和采掘工作面，\
             对发现的隐患责令限期整改，整改不到位的停产整顿。",
        )
        .page(
            "news/2024-05-05-kuangshan-zhenggai.md",
            "title: 煤矿瓦斯隐患限期整改\ndate: 2024-05-05",
            "煤矿安全监察部门通报瓦斯超限和通风不畅问题，要求矿井限期整改隐患，\
             井下采掘作业一律停止，整改完成后复查。",
        )
        .page(
            "news/2024-05-06-shuzhan.md",
            "title: 社区读书会\ndate: 2024-05-06",
            "图书馆周末举办读书会和书法展览，欢迎居民参加。",
        )
}

/// The related articles' links on the page at `rel` (an output path).
fn related(site: &Site, rel: &str) -> Vec<String> {
    attrs(&site.html(rel), "section.related a", "href")
}

#[test]
fn articles_on_one_subject_are_related_without_shared_tags() {
    let site = topical_site();
    site.build_clean();
    let list = related(&site, "news/yizhan-jiedao/index.html");
    let mut first_two = list[..2].to_vec();
    first_two.sort();
    assert_eq!(first_two, ["/kb/yizhan/", "/news/yizhan-gonghui/"], "{list:?}");
    assert!(!list.iter().any(|h| h.contains("kuangshan")), "mine safety is another subject: {list:?}");
    let mine = related(&site, "news/kuangshan-jiancha/index.html");
    assert_eq!(mine[0], "/news/kuangshan-zhenggai/", "{mine:?}");
    assert!(!mine.iter().any(|h| h.contains("yizhan")), "{mine:?}");
    // Nothing in common with anything: no list at all rather than a padded one.
    assert!(related(&site, "news/shuzhan/index.html").is_empty());
    assert!(!site.read("news/shuzhan/index.html").contains("相关文章"));
}

#[test]
fn knowledge_base_pages_list_related_news_and_entries() {
    let site = topical_site().page(
        "kb/gonghui-fuwu.md",
        "title: 工会服务户外劳动者",
        "工会为户外劳动者建驿站：环卫工人、快递员、外卖骑手可以饮水、热饭、充电、歇脚。",
    );
    site.build_clean();
    let list = related(&site, "kb/yizhan/index.html");
    assert!(list.contains(&"/kb/gonghui-fuwu/".to_string()), "{list:?}");
    assert!(list.contains(&"/news/yizhan-jiedao/".to_string()), "{list:?}");
    let doc = site.html("kb/yizhan/index.html");
    assert_eq!(common::texts(&doc, "section.related[aria-labelledby=gz-related] h2#gz-related"), ["相关文章"]);
}

/// A page `x` and two candidates with the same text (so the same similarity to `x`); only
/// `z` shares a tag with `x`, and without the bonus `a` would come first by path.
fn tagged_site(x_tags: &str) -> Site {
    let body = "户外劳动者驿站为环卫工人和快递员提供饮水、热饭和充电。";
    Site::new()
        .page("news/x.md", &format!("title: 驿站\ndate: 2024-05-01\ntags: [{x_tags}]"), body)
        .page("news/a.md", "title: 驿站开放\ndate: 2024-05-02\ntags: [民生]", body)
        .page("news/z.md", "title: 驿站开放\ndate: 2024-05-02\ntags: [工会]", body)
        .page("news/t.md", "title: 读书会\ndate: 2024-04-01\ntags: [工会]", "图书馆周末举办读书会和书法展览。")
}

#[test]
fn a_shared_tag_raises_a_page_and_relates_pages_with_little_text_in_common() {
    let site = tagged_site("其他");
    site.build_clean();
    assert_eq!(related(&site, "news/x/index.html"), ["/news/a/", "/news/z/"], "a tie goes by path");
    let site = tagged_site("工会");
    site.build_clean();
    // z shares 工会; t shares only the tag, nothing of the text.
    assert_eq!(related(&site, "news/x/index.html"), ["/news/z/", "/news/a/", "/news/t/"]);
}

/// [`tagged_site`]'s three pages with other front matter lines.
fn classified_site(x: &str, a: &str, z: &str) -> Site {
    let body = "户外劳动者驿站为环卫工人和快递员提供饮水、热饭和充电。";
    Site::new()
        .page("news/x.md", &format!("title: 驿站\ndate: 2024-05-01\n{x}"), body)
        .page("news/a.md", &format!("title: 驿站开放\ndate: 2024-05-02\n{a}"), body)
        .page("news/z.md", &format!("title: 驿站开放\ndate: 2024-05-02\n{z}"), body)
}

#[test]
fn topics_give_the_bonus_too_and_the_bonus_taxonomies_are_configurable() {
    let site = classified_site("topics: [关爱]", "topics: [其他]", "topics: [关爱]");
    site.build_clean();
    assert_eq!(related(&site, "news/x/index.html"), ["/news/z/", "/news/a/"]);
    let site = classified_site("regions: [北京]", "regions: [上海]", "regions: [北京]");
    site.build_clean();
    assert_eq!(related(&site, "news/x/index.html"), ["/news/a/", "/news/z/"], "regions give no bonus by default");
    let site = site.file("gazette.yaml", &format!("{}related:\n  taxonomies: [regions]\n", common::CONFIG));
    site.build_clean();
    assert_eq!(related(&site, "news/x/index.html"), ["/news/z/", "/news/a/"], "now they do");
}

#[test]
fn the_limit_comes_from_the_config_and_zero_turns_the_lists_off() {
    let site = topical_site();
    site.build_clean();
    assert_eq!(related(&site, "news/yizhan-jiedao/index.html").len(), 2, "default 5, two related");
    let site = site.file("gazette.yaml", &format!("{}related:\n  limit: 1\n", common::CONFIG));
    site.build_clean();
    assert_eq!(related(&site, "news/yizhan-jiedao/index.html"), ["/kb/yizhan/"], "the best one");
    let site = site.file("gazette.yaml", &format!("{}related:\n  limit: 0\n", common::CONFIG));
    site.build_clean();
    for (path, bytes) in tree(&site.path("public")) {
        assert!(!String::from_utf8_lossy(&bytes).contains("class=\"related\""), "{path} lists related articles");
    }
}

#[test]
fn equal_scores_go_newest_first_then_by_path_and_two_builds_are_identical() {
    let body = "户外劳动者驿站为环卫工人和快递员提供饮水、热饭和充电。";
    let site = Site::new()
        .page("news/x.md", "title: 驿站\ndate: 2024-06-01", body)
        .page("news/p1.md", "title: 驿站开放\ndate: 2024-05-01", body)
        .page("news/p2.md", "title: 驿站开放\ndate: 2024-05-03", body)
        .page("news/p3b.md", "title: 驿站开放\ndate: 2024-05-02", body)
        .page("news/p3a.md", "title: 驿站开放\ndate: 2024-05-02", body);
    site.build_clean();
    assert_eq!(related(&site, "news/x/index.html"), ["/news/p2/", "/news/p3a/", "/news/p3b/", "/news/p1/"]);
    let first = tree(&site.path("public"));
    std::fs::remove_dir_all(site.path("public")).expect("remove output");
    site.build_clean();
    assert!(first == tree(&site.path("public")), "two builds differ");
}

#[test]
fn a_page_is_never_related_to_itself_nor_to_drafts_or_unpublished_pages() {
    let body = "户外劳动者驿站为环卫工人和快递员提供饮水、热饭和充电。";
    let site = topical_site()
        .page("news/2024-05-09-draft.md", "title: 驿站草稿\ndate: 2024-05-09\ndraft: true", body)
        .page("news/2030-01-01-future.md", "title: 驿站将来\ndate: 2030-01-01", body);
    let mut request = site.request();
    request.options.drafts = true;
    let report = gazette::build(&request);
    assert!(!report.diagnostics.has_errors(), "{}", report.diagnostics.render());
    let mut checked = 0;
    for (path, bytes) in tree(&site.path("public")) {
        if !path.ends_with("index.html") || !String::from_utf8_lossy(&bytes).contains("class=\"related\"") {
            continue;
        }
        let own = format!("/{}", path.trim_end_matches("index.html"));
        let list = related(&site, &path);
        assert!(!list.contains(&own), "{path} lists itself");
        assert!(!list.iter().any(|h| h.contains("draft") || h.contains("future")), "{path}: {list:?}");
        checked += 1;
    }
    assert!(checked >= 4, "{checked}");
    // The draft itself is shown with --drafts and gets a list of published pages.
    assert!(related(&site, "news/draft/index.html").contains(&"/news/yizhan-jiedao/".to_string()));
}

/// Thirty short notices sharing only the tag 工会, one a day, and a draft among them: the
/// oldest notice's list is its newest neighbours within the tag's date window, and the draft,
/// shown by `--drafts`, takes no published page's place in that window.
#[test]
fn a_draft_shown_in_a_preview_changes_no_published_page_s_list() {
    let mut site = Site::new();
    for day in 1..=30 {
        site = site.page(
            &format!("news/2024-05-{day:02}-n{day}.md"),
            &format!("title: 第{day}号通知\ndate: 2024-05-{day:02}\ntags: [工会]"),
            &format!("notice{day} text{day}"),
        );
    }
    let site = site.page(
        "news/2024-05-20-draft.md",
        "title: 第99号通知\ndate: 2024-05-20T12:00:00+08:00\ndraft: true\ntags: [工会]",
        "notice99 text99",
    );
    site.build_clean();
    let published = related(&site, "news/n1/index.html");
    // Pages 2..=21 are within 20 places of page 1; the newest five of them come first.
    assert_eq!(published, ["/news/n21/", "/news/n20/", "/news/n19/", "/news/n18/", "/news/n17/"]);
    let mut request = site.request();
    request.options.drafts = true;
    let report = gazette::build(&request);
    assert!(!report.diagnostics.has_errors(), "{}", report.diagnostics.render());
    assert_eq!(related(&site, "news/n1/index.html"), published, "the same with --drafts");
    // The draft's own list: its neighbours where it will stand once published.
    assert_eq!(related(&site, "news/draft/index.html")[0], "/news/n30/");
}
