//! The tantivy index written by `gazette build` and `gazette search` on top of it.

mod common;

use common::Site;
use gazette::search::query::search;
use gazette::search::tokenize::normalize;

fn articles() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (
            "news/2024-01-01-a.md",
            "title: 户外劳动者驿站开放\ntags: [户外劳动者]",
            "全市新建户外劳动者服务站点120个，环卫工人可以歇脚喝水。",
        ),
        ("news/2024-02-01-b.md", "title: 热线开通", "职工拨打12351热线反映欠薪问题，工会当天受理。"),
        ("news/2024-03-01-c.md", "title: 工匠评选", "今年评出十名工匠，其中三名来自户外作业一线。"),
        ("news/2024-04-01-d.md", "title: 快递员入会", "快递员和外卖骑手加入工会，户外劳动者有了“娘家”。"),
        ("kb/e.md", "title: 服务指南\nweight: 1", "本页介绍15分钟就业服务圈和12351职工服务热线。"),
        (
            "news/2024-05-01-f.md",
            "title: AI 培训 job fair",
            "The AI job fair in Dalian drew 3,000 people. 人工智能培训。",
        ),
    ]
}

fn site() -> Site {
    let mut s = Site::new().page("news/_index.md", "title: 新闻", "").page(
        "kb/_index.md",
        "title: 知识库\nsort_by: weight",
        "",
    );
    for (path, front, body) in articles() {
        s = s.page(path, front, body);
    }
    s.build_clean();
    s
}

fn titles(site: &Site, q: &str) -> Vec<String> {
    let hits = search(&site.path(".gazette/index"), q, None, 100).expect("search");
    hits.into_iter().map(|h| h.title).collect()
}

#[test]
fn every_article_containing_a_chinese_string_is_found_and_no_other() {
    let site = site();
    let texts: Vec<(String, String)> = articles()
        .iter()
        .map(|(_, front, body)| {
            let title = front.lines().next().unwrap_or("").trim_start_matches("title: ").to_string();
            (title.clone(), normalize(&format!("{title} {body}")))
        })
        .collect();
    let mut checked = 0;
    for (_, text) in &texts {
        let chars: Vec<char> = text.chars().collect();
        for len in 2..=6 {
            for start in (0..chars.len().saturating_sub(len)).step_by(3) {
                let needle: String = chars[start..start + len].iter().collect();
                if !needle.chars().all(gazette::paths::is_han) {
                    continue;
                }
                let mut expected: Vec<String> =
                    texts.iter().filter(|(_, t)| t.contains(&needle)).map(|(title, _)| title.clone()).collect();
                let mut got = titles(&site, &needle);
                expected.sort();
                got.sort();
                assert_eq!(got, expected, "query {needle}");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} queries");
}

#[test]
fn strings_in_no_article_find_nothing() {
    let site = site();
    for q in ["劳动者喝水", "户外快递", "热线工匠", "12352", "骑手劳动"] {
        assert_eq!(titles(&site, q), Vec::<String>::new(), "{q}");
    }
}

#[test]
fn numbers_latin_words_phrases_and_exclusions() {
    let site = site();
    let mut got = titles(&site, "12351");
    got.sort();
    assert_eq!(got, vec!["服务指南", "热线开通"]);
    assert_eq!(titles(&site, "AI"), vec!["AI 培训 job fair"]);
    assert_eq!(titles(&site, "\"job fair\""), vec!["AI 培训 job fair"]);
    assert_eq!(titles(&site, "\"fair job\""), Vec::<String>::new());
    let mut got = titles(&site, "户外 -快递");
    got.sort();
    assert_eq!(got, vec!["工匠评选", "户外劳动者驿站开放"]);
    assert_eq!(titles(&site, "工会 快递员"), vec!["快递员入会"]);
}

#[test]
fn title_matches_rank_first_and_ties_go_to_the_newest() {
    let site = Site::new()
        .page("news/2024-01-01-old.md", "title: 旧闻", "技能大赛")
        .page("news/2024-06-01-new.md", "title: 新闻", "技能大赛")
        .page("news/2023-01-01-title.md", "title: 技能大赛开幕", "正文");
    site.build_clean();
    assert_eq!(titles(&site, "技能大赛"), vec!["技能大赛开幕", "新闻", "旧闻"]);
}

#[test]
fn section_filter_and_cli_json() {
    let site = site();
    let hits = search(&site.path(".gazette/index"), "12351", Some("kb"), 10).expect("search");
    assert_eq!(hits.iter().map(|h| h.title.as_str()).collect::<Vec<_>>(), vec!["服务指南"]);
    let r = site.run(&["search", "户外劳动者", "--json", "--limit", "2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let arr = v["results"].as_array().expect("array");
    assert_eq!(arr.len(), 2);
    assert!(arr.iter().all(|h| h["url"].as_str().is_some_and(|u| u.starts_with("/news/"))));
}

#[test]
fn search_without_an_index_is_a_usage_error() {
    let site = Site::new();
    let r = site.run(&["search", "x"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error: no search index at"), "{}", r.stderr);
}

#[test]
fn index_numbers_are_stable_and_oldest_first() {
    let site = site();
    let hits = search(&site.path(".gazette/index"), "工会", None, 10).expect("search");
    let ids: Vec<u64> = hits.iter().map(|h| h.id).collect();
    let first = ids.clone();
    site.build_clean();
    let again: Vec<u64> =
        search(&site.path(".gazette/index"), "工会", None, 10).expect("search").iter().map(|h| h.id).collect();
    assert_eq!(first, again);
    // kb/e.md is undated and numbered first; the 2024-02-01 article comes after it.
    let kb = hits.iter().find(|h| h.title == "服务指南");
    assert!(kb.is_none() || kb.is_some_and(|h| h.id == 0));
}
