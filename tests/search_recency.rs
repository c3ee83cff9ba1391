//! Recency in ranking: BM25 times 1 + weight × 0.5^(age / half-life), the age counted from
//! the newest dated page; configurable and validated in `gazette.yaml`.

mod common;

use common::Site;
use gazette::search::query::search;

/// Twelve articles two months apart whose titles are the same and whose bodies mention the
/// query once each, the newest with the longest body (so the weakest BM25 score), plus an
/// undated knowledge-base page.
fn equally_good(config: &str) -> Site {
    let mut site = Site::new()
        .file("gazette.yaml", &format!("{}{config}", common::CONFIG))
        .page("news/_index.md", "title: 新闻", "")
        .page("kb/_index.md", "title: 知识库", "")
        .page("kb/guide.md", "title: 技能培训指南", "技能培训的报名办法。");
    for i in 0..12 {
        let (year, month) = (2022 + i / 6, 1 + 2 * (i % 6));
        let filler = "各地工会组织职工参加活动。".repeat(2 + i);
        site = site.page(
            &format!("news/{year}-{month:02}-01-a{i:02}.md"),
            &format!("title: 第{}期技能培训开班", ["一", "二", "三", "四", "五", "六"][i % 6]),
            &format!("本期技能培训面向全体职工。{filler}"),
        );
    }
    site.build_clean();
    site
}

fn titles_dates(site: &Site, q: &str) -> Vec<(String, i64)> {
    let hits = search(&site.path(".gazette/index"), q, None, 100).expect("search");
    hits.into_iter().map(|h| (h.title, h.date)).collect()
}

#[test]
fn the_newest_of_equally_good_title_matches_ranks_first() {
    let site = equally_good("");
    let hits = titles_dates(&site, "技能培训");
    assert_eq!(hits.len(), 13);
    let newest = hits.iter().map(|h| h.1).max().expect("dated");
    assert_eq!(hits[0].1, newest, "newest first: {hits:?}");
    // Newer articles first through the last year: two months of age outweigh the body
    // lengths there (further back the factors flatten out, as they should).
    assert!(hits[..6].windows(2).all(|w| w[0].1 > w[1].1), "{hits:?}");

    // Without recency the newest, with the longest body, ranks last of the articles.
    let off = equally_good("search:\n  recency_weight: 0\n");
    let hits = titles_dates(&off, "技能培训");
    let at = hits.iter().position(|h| h.1 == newest).expect("newest found");
    assert!(at >= 10, "without recency the newest is at {at}: {hits:?}");
    let off = equally_good("search:\n  recency_half_life_days: 0\n");
    assert_eq!(titles_dates(&off, "技能培训"), hits, "a half-life of 0 turns recency off too");
}

#[test]
fn an_old_article_that_is_clearly_more_relevant_still_wins() {
    let site = Site::new()
        .page("news/_index.md", "title: 新闻", "")
        .page(
            "news/2021-03-01-old.md",
            "title: 户外劳动者驿站建设指引",
            "户外劳动者驿站为户外劳动者提供歇脚、饮水和充电服务。",
        )
        .page(
            "news/2024-05-01-new.md",
            "title: 五一假期出行提示",
            "假期里，交警、环卫等户外劳动者仍在岗位上。各地出游人数创新高。",
        )
        .page("news/2024-05-02-other.md", "title: 工会慰问一线职工", "工会走访慰问坚守岗位的职工。");
    site.build_clean();
    let hits = titles_dates(&site, "户外劳动者");
    let titles: Vec<&str> = hits.iter().map(|h| h.0.as_str()).collect();
    assert_eq!(titles, ["户外劳动者驿站建设指引", "五一假期出行提示"]);
}

#[test]
fn scores_are_bm25_times_the_factor_in_the_json_output() {
    let site = equally_good("search:\n  recency_half_life_days: 30\n  recency_weight: 3\n");
    let r = site.run(&["search", "技能培训", "--json", "--limit", "20"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hits: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let hits = hits["results"].as_array().expect("array");
    let plain = equally_good("search:\n  recency_weight: 0\n");
    let base = plain.run(&["search", "技能培训", "--json", "--limit", "20"]);
    let base: serde_json::Value = serde_json::from_str(&base.stdout).expect("json");
    let base: std::collections::HashMap<String, f32> = base["results"]
        .as_array()
        .expect("array")
        .iter()
        .map(|h| (h["url"].as_str().unwrap_or("").to_string(), h["score"].as_f64().unwrap_or(0.0) as f32))
        .collect();
    let newest = hits.iter().map(|h| h["date"].as_i64().unwrap_or(0)).max().unwrap_or(0);
    for h in hits {
        let (url, score, date) = (
            h["url"].as_str().expect("url"),
            h["score"].as_f64().expect("score") as f32,
            h["date"].as_i64().expect("date"),
        );
        let expected = if date == 0 {
            1.0
        } else {
            gazette::search::recency::factor((newest - date) as f64 / 86_400.0, 30.0, 3.0)
        };
        assert_eq!(score, base[url] * expected, "{url}");
    }
    // The browser's copy: runs of equal factors by doc number, the undated page first at 1.
    let entry: serde_json::Value = serde_json::from_str(&site.read("search/entry.json")).expect("entry");
    assert_eq!(entry["recency"]["steps"], 256);
    let flat: Vec<i64> =
        entry["recency"]["runs"].as_array().expect("runs").iter().map(|v| v.as_i64().expect("int")).collect();
    // Back from differences to [first doc, steps] runs.
    let runs: Vec<(i64, i64)> = flat
        .chunks(2)
        .scan((0, 0), |at, d| {
            *at = (at.0 + d[0], at.1 + d[1]);
            Some(*at)
        })
        .collect();
    assert_eq!(runs[0], (0, 256), "factor 1 from doc 0");
    assert!(runs.len() >= 6, "{runs:?}");
    assert!(runs.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1), "oldest first: {runs:?}");
    assert_eq!(runs[runs.len() - 1], (12, 1024), "the newest counts 1 + weight");
}

#[test]
fn recency_settings_out_of_range_are_located_config_errors() {
    for (setting, line, message) in [
        (
            "  recency_weight: -1\n",
            "gazette.yaml:5:19",
            "search.recency_weight must be a number from 0 to 100, found -1",
        ),
        (
            "  recency_weight: 1000\n",
            "gazette.yaml:5:19",
            "search.recency_weight must be a number from 0 to 100, found 1000",
        ),
        (
            "  recency_half_life_days: -30\n",
            "gazette.yaml:5:27",
            "search.recency_half_life_days must be a number from 0 to 365000, found -30",
        ),
        (
            "  recency_half_life_days: .nan\n",
            "gazette.yaml:5:27",
            "search.recency_half_life_days must be a number from 0 to 365000, found NaN",
        ),
    ] {
        let config = format!("{}search:\n  enabled: true\n{setting}", common::CONFIG);
        let r = Site::new().file("gazette.yaml", &config).build();
        assert_eq!(common::diags(&r), vec![format!("error {line}: {message}")], "{setting}");
    }
    let config = format!("{}search:\n  recency_weight: much\n", common::CONFIG);
    let r = Site::new().file("gazette.yaml", &config).build();
    let d = common::diags(&r);
    assert!(d.len() == 1 && d[0].starts_with("error gazette.yaml:4:"), "{d:?}");
}
