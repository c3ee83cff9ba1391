//! Section filters include sub-sections: `gazette search --section news` finds the articles
//! of `news/jiuye`, and the facet file lists every section, parents included, with counts
//! that include their sub-sections.

mod common;

use common::Site;
use gazette::search::export::gunzip;

fn site() -> Site {
    let site = Site::new()
        .page("news/_index.md", "title: 新闻", "")
        .page("news/jiuye/_index.md", "title: 就业", "")
        .page("news/weiquan/_index.md", "title: 维权", "")
        .page("news-digest/_index.md", "title: 简报", "")
        .page("kb/_index.md", "title: 知识库\nsort_by: weight", "")
        .page("kb/zhinan/_index.md", "title: 指南", "")
        .page("news/2024-01-01-top.md", "title: 工会年终总结", "工会一年的工作。")
        .page("news/jiuye/2024-02-01-a.md", "title: 招聘会", "工会举办招聘会。")
        .page("news/weiquan/2024-03-01-b.md", "title: 讨薪", "工会帮助职工讨薪。")
        .page("news-digest/2024-04-01-c.md", "title: 一周简报", "工会简报。")
        .page("kb/intro.md", "title: 入会须知\nweight: 1", "如何加入工会。")
        .page("kb/zhinan/join.md", "title: 入会指南\nweight: 2", "加入工会的步骤。");
    site.build_clean();
    site
}

fn urls(site: &Site, section: &str) -> Vec<String> {
    let r = site.run(&["search", "工会", "--json", "--section", section]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hits: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let mut urls: Vec<String> = hits["results"]
        .as_array()
        .expect("array")
        .iter()
        .map(|h| h["url"].as_str().expect("url").to_string())
        .collect();
    urls.sort();
    urls
}

#[test]
fn a_parent_section_includes_its_sub_sections_in_the_cli() {
    let site = site();
    assert_eq!(urls(&site, "news"), ["/news/jiuye/a/", "/news/top/", "/news/weiquan/b/"]);
    assert_eq!(urls(&site, "/news/"), urls(&site, "news"));
    assert_eq!(urls(&site, "news/jiuye"), ["/news/jiuye/a/"]);
    assert_eq!(urls(&site, "kb"), ["/kb/intro/", "/kb/zhinan/join/"]);
    assert_eq!(urls(&site, "news-digest"), ["/news-digest/c/"]);
    assert_eq!(urls(&site, "new"), Vec::<String>::new(), "a key prefix is not a parent");
}

#[test]
fn the_facet_file_lists_parents_with_counts_that_include_sub_sections() {
    let site = site();
    let entry: serde_json::Value = serde_json::from_str(&site.read("search/entry.json")).expect("entry");
    let name = entry["facets"].as_str().expect("facets");
    let bytes = gunzip(&std::fs::read(site.path(&format!("public/search/{name}"))).expect("facets")).expect("gzip");
    let facets: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    // Tree order: a parent before its sub-sections, `news/…` before `news-digest`.
    assert_eq!(
        facets["sections"],
        serde_json::json!([
            ["kb", "知识库", 2, -1],
            ["kb/zhinan", "指南", 1, 0],
            ["news", "新闻", 3, -1],
            ["news/jiuye", "就业", 1, 2],
            ["news/weiquan", "维权", 1, 2],
            ["news-digest", "简报", 1, -1],
        ])
    );
    // Each doc's own section id.
    let section: Vec<u64> =
        facets["section"].as_array().expect("section").iter().map(|v| v.as_u64().expect("id")).collect();
    assert_eq!(section.len(), 6);
    assert!(section.contains(&1) && section.contains(&3) && section.contains(&4));
}
