//! Forgiving search on built fixture sites: the vocabulary suggestions come from, "did you
//! mean" for pinyin and for Chinese one character off, partial matches (部分匹配) kept apart
//! from exact results, and excerpts around the first match, in `gazette search` and in the
//! files the browser reads. The browser's side of the same answers is checked by
//! `tests/search_forgive_parity.rs`.

mod common;

use common::Site;
use gazette::search::export::gunzip;
use gazette::search::index::SearchDoc;
use gazette::search::suggest::{MAX_ENTRIES, Vocab};
use serde_json::Value;

/// Body of the service-station article: its opening (the first 160 characters) says nothing
/// of the microwave, which comes in the third paragraph.
const STATION_BODY: &str = "入冬以后，市总工会组织各基层工会走进街道和园区，逐一走访环卫、快递、外卖等一线岗位，\
了解大家在工作和生活中遇到的具体困难。走访中，不少职工提到冬天户外作业时间长、休息地点少，希望就近有个能避风取暖的地方。\
工会随后汇总意见，和街道、物业一起挑选位置合适的门面，改建成可以长期开放的休息点。\n\n\
改建由工会出资、社区出场地，施工队在半个月内完成了水电改造和墙面翻新，室内按统一标准配齐了桌椅、储物柜和急救药箱。\n\n\
站里还添置了一台微波炉，骑手们午间可以热一热自带的饭菜。不少人说，过去只能在路边匆匆吃几口冷饭，现在总算有了落脚的地方。\
下一步，市总工会还将在新建小区和商圈继续布点，让更多一线职工在十分钟内找到休息点。";

fn site() -> Site {
    let pages: &[(&str, &str, &str)] = &[
        (
            "news/jiuye/2024-01-01-a.md",
            "title: 户外劳动者服务站点提质扩面\ntags: [户外劳动者]",
            "全市推进服务站点提质扩面，今年计划新增站点五十个。",
        ),
        (
            "news/yaowen/2024-01-02-b.md",
            "title: 户外劳动者驿站开放夜间服务\ntags: [户外劳动者]",
            "驿站每天开放到晚上十点，夜间也有值班人员。",
        ),
        (
            "news/jiuye/2024-01-03-c.md",
            "title: 新就业形态劳动者入会\ntags: [就业]",
            "平台骑手可以在手机上办理入会手续。",
        ),
        ("news/yaowen/2024-01-04-d.md", "title: 亮牌管理升级\ntags: [安全生产]", "企业在醒目位置公示风险等级。"),
        ("news/yaowen/2024-01-05-e.md", "title: 矿山推行亮牌管理\ntags: [安全生产]", "每个班组每天检查一次。"),
        ("news/jiuye/2024-01-06-f.md", "title: 易地扶贫搬迁群众就近就业\ntags: [就业]", "安置区周边新开了三家工厂。"),
        ("news/jiuye/2024-01-07-g.md", "title: 易地扶贫搬迁安置区建起扶贫车间", "车间招工优先考虑搬迁群众。"),
        ("news/yaowen/2024-01-08-h.md", "title: 工会服务暖人心", STATION_BODY),
        (
            "news/yaowen/2024-01-09-i.md",
            "title: 劳模进校园\ntags: [\"<b>劳模</b>\"]",
            "劳模给学生讲`<script>alert(1)</script>`的故事。",
        ),
        ("news/yaowen/2024-01-10-j.md", "title: 劳模座谈会\ntags: [\"<b>劳模</b>\"]", "座谈会在市工人文化宫举行。"),
    ];
    let mut s = Site::new()
        .file("gazette.yaml", &format!("{}taxonomies:\n  - name: tags\n", common::CONFIG))
        .page("news/_index.md", "title: 新闻", "")
        .page("news/jiuye/_index.md", "title: 就业", "")
        .page("news/yaowen/_index.md", "title: 要闻", "");
    for (path, front, body) in pages {
        s = s.page(path, front, body);
    }
    s.build_clean();
    s
}

fn search(site: &Site, args: &[&str]) -> Value {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    all.push("--json");
    let r = site.run(&all);
    assert_eq!(r.code, 0, "gazette {all:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).expect("json")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().expect("array").iter().map(|s| s.as_str().expect("string").to_string()).collect()
}

fn titles(v: &Value) -> Vec<String> {
    v.as_array().expect("array").iter().map(|h| h["title"].as_str().expect("title").to_string()).collect()
}

fn exported_vocab(site: &Site) -> (String, Vocab) {
    let entry: Value = serde_json::from_str(&site.read("search/entry.json")).expect("entry");
    let name = entry["vocab"].as_str().expect("vocab in the entry").to_string();
    let bytes = std::fs::read(site.path(&format!("public/search/{name}"))).expect("vocab file");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip'd");
    (name, Vocab::from_json(&gunzip(&bytes).expect("gunzip")).expect("vocab json"))
}

#[test]
fn the_vocabulary_holds_tags_sections_and_repeated_title_runs() {
    let site = site();
    let (name, vocab) = exported_vocab(&site);
    assert!(name.starts_with("vocab.") && name.ends_with(".json") && name.len() == "vocab.0123456789abcdef.json".len());
    let index = std::fs::read(site.path(".gazette/index/vocab.json")).expect("vocab beside the index");
    assert_eq!(Vocab::from_json(&index).expect("index vocab"), vocab, "the CLI and the browser share one vocabulary");
    let weight = |t: &str| vocab.entries.iter().find(|e| e.0 == t).map(|e| e.1);
    // Tags and section titles, by pages; runs in at least two titles, by titles.
    assert_eq!(weight("户外劳动者"), Some(2));
    assert_eq!(weight("安全生产"), Some(2));
    assert_eq!(weight("<b>劳模</b>"), Some(2));
    assert_eq!(weight("要闻"), Some(6));
    assert_eq!(weight("就业"), Some(4), "the section title outweighs the tag and the title run");
    assert_eq!(weight("劳动者"), Some(3));
    assert_eq!(weight("亮牌管理"), Some(2));
    assert_eq!(weight("易地扶贫搬迁"), Some(2));
    assert_eq!(weight("劳模"), Some(2));
    // Fragments of a longer run seen only inside it, and runs of a single title, are left out.
    for gone in ["户外劳", "外劳动", "牌管", "扶贫搬", "地扶贫搬迁", "提质扩面", "劳动者服"] {
        assert_eq!(weight(gone), None, "{gone}");
    }
    assert_eq!(vocab.pinyin.get(&'劳').map(String::as_str), Some("lao"));
    assert!(vocab.entries.windows(2).all(|w| w[0].0 < w[1].0), "entries in code-point order");
}

#[test]
fn the_vocabulary_is_capped_heaviest_then_shortest_then_in_order() {
    let doc = |num: u64, tag: String| SearchDoc {
        num,
        url: format!("/a/{num}/"),
        title: String::new(),
        body: String::new(),
        tags: vec![tag],
        section: "news".into(),
        section_title: String::new(),
        date: 0,
        ymd: String::new(),
        ancestors: Vec::new(),
        boost: 1.0,
    };
    let mut docs = Vec::new();
    for j in 0..5200 {
        docs.push(doc(docs.len() as u64, format!("标签{j}")));
        if j < 2000 {
            docs.push(doc(docs.len() as u64, format!("标签{j}")));
        }
    }
    let vocab = Vocab::build(&docs);
    assert_eq!(vocab.entries.len(), MAX_ENTRIES);
    let has = |t: &str| vocab.entries.iter().any(|e| e.0 == t);
    // Every tag on two pages is kept; of those on one, the 3,000 first in code-point order.
    assert!((0..2000).all(|j| has(&format!("标签{j}"))));
    assert!(has("标签2000") && has("标签4999"));
    assert!(!has("标签5000") && !has("标签5199"));
    let gz = gazette::search::export::gzip(&vocab.to_json());
    assert!(gz.len() < 40_000, "{} bytes gzip'd", gz.len());
}

#[test]
fn pinyin_and_one_character_off_suggest_the_sites_words() {
    let site = site();
    for (q, first) in [
        ("laodongzhe", "劳动者"),
        ("jiuye", "就业"),
        ("JiuYe", "就业"),
        ("户外劳者", "户外劳动者"),
        ("亮派管理", "亮牌管理"),
        ("易地扶贫般迁", "易地扶贫搬迁"),
    ] {
        let v = search(&site, &[q]);
        assert_eq!(v["results"], Value::Array(vec![]), "{q} has no exact result");
        let s = strings(&v["suggestions"]);
        assert_eq!(s.first().map(String::as_str), Some(first), "{q}: {s:?}");
        assert!(s.len() <= 3);
        // The suggestion finds what was meant.
        assert!(!search(&site, &[first])["results"].as_array().expect("results").is_empty(), "{first}");
    }
    // The clauses that match are kept, the others replaced; exclusions stay as typed.
    assert_eq!(strings(&search(&site, &["laodongzhe 入会 -扩面"])["suggestions"]), ["劳动者 入会 -扩面"]);
    // Nothing to suggest: no entry one edit away, or a clause nothing can replace.
    assert!(strings(&search(&site, &["微波炉烤箱"])["suggestions"]).is_empty());
    assert!(strings(&search(&site, &["xyzzy 亮牌管理"])["suggestions"]).is_empty());
    // Exact results come without suggestions or partial matches.
    let v = search(&site, &["劳动者"]);
    assert_eq!(titles(&v["results"]).len(), 3);
    assert_eq!(v["suggestions"], Value::Array(vec![]));
    assert_eq!(v["partial"], Value::Array(vec![]));
}

#[test]
fn partial_matches_rank_by_pairs_held_and_stay_apart() {
    let site = site();
    let v = search(&site, &["户外劳动者夜间驿站"]);
    assert_eq!(v["results"], Value::Array(vec![]));
    let partial = v["partial"].as_array().expect("partial");
    // Eight pairs: the night-service article holds six, the station article four; the new-
    // employment article only two (劳动, 动者), under half.
    assert_eq!(titles(&v["partial"]), ["户外劳动者驿站开放夜间服务", "户外劳动者服务站点提质扩面"]);
    assert_eq!(partial.iter().map(|h| h["matched"].as_u64().expect("matched")).collect::<Vec<_>>(), [6, 4]);
    assert!(partial[0]["score"].as_f64().expect("score") > 0.0);
    // Exclusions and the section filter apply to partial matches too.
    assert_eq!(titles(&search(&site, &["户外劳动者夜间驿站 -扩面"])["partial"]), ["户外劳动者驿站开放夜间服务"]);
    let v = search(&site, &["户外劳动者夜间驿站", "--section", "news/jiuye"]);
    assert_eq!(titles(&v["partial"]), ["户外劳动者服务站点提质扩面"]);
    // Equal pairs: the higher score (here the shorter title) first.
    let v = search(&site, &["亮牌管理制度"]);
    assert_eq!(titles(&v["partial"]), ["亮牌管理升级", "矿山推行亮牌管理"]);
    // The text output labels them.
    let r = site.run(&["search", "户外劳动者夜间驿站"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("no exact match\npartial matches (部分匹配"), "{}", r.stdout);
    let r = site.run(&["search", "亮派管理"]);
    assert!(r.stdout.starts_with("no exact match; did you mean: 亮牌管理\n"), "{}", r.stdout);
}

#[test]
fn excerpts_show_the_first_match_even_beyond_the_opening() {
    let site = site();
    let v = search(&site, &["微波炉"]);
    let hit = &v["results"][0];
    assert_eq!(hit["title"], "工会服务暖人心");
    let num = hit["id"].as_u64().expect("id");
    let fragment: Value = serde_json::from_str(&site.read(&site.search_doc("fragment", num))).expect("fragment");
    let opening = fragment["text"].as_str().expect("opening");
    assert_eq!(opening.chars().count(), 160);
    assert!(!opening.contains("微波炉"), "the match lies beyond the opening");
    // The window starts at the sentence holding the match and ends at a sentence end.
    assert_eq!(
        hit["excerpt"],
        "站里还添置了一台微波炉，骑手们午间可以热一热自带的饭菜。不少人说，过去只能在路边匆匆吃几口冷饭，现在总算有了落脚的地方。\
下一步，市总工会还将在新建小区和商圈继续布点，让更多一线职工在十分钟内找到休息点。"
    );
    // The browser reads the same text from the page's body file.
    let bytes = std::fs::read(site.path(&format!("public/{}", site.search_doc("body", num)))).expect("body file");
    let body: Value = serde_json::from_slice(&gunzip(&bytes).expect("gunzip")).expect("body json");
    assert_eq!(body["num"], num);
    // It holds what follows the opening, which the fragment already has.
    let rest = body["text"].as_str().expect("text");
    assert!(rest.contains("站里还添置了一台微波炉") && !rest.contains("入冬以后"), "{rest}");
    let whole = STATION_BODY.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(format!("{opening}{rest}"), whole);
    // A match in the title or the opening shows the opening; a page with a short body has
    // no body file.
    let v = search(&site, &["工会服务"]);
    assert_eq!(v["results"][0]["excerpt"], format!("{opening}…"));
    let short = search(&site, &["亮牌管理升级"])["results"][0]["id"].as_u64().expect("id");
    assert!(!site.exists(&site.search_doc("body", short)));
    // The text output prints the excerpt under the result.
    let r = site.run(&["search", "微波炉"]);
    assert!(r.stdout.contains("\n     站里还添置了一台微波炉，"), "{}", r.stdout);
}

#[test]
fn suggestion_and_excerpt_text_is_data_not_markup() {
    let site = site();
    // A tag written as markup is suggested as that text, in JSON that parses back to it.
    let v = search(&site, &["<b>劳摸</b>"]);
    assert_eq!(strings(&v["suggestions"]), ["<b>劳模</b>"]);
    let v = search(&site, &["alert"]);
    assert_eq!(v["results"][0]["excerpt"], "劳模给学生讲<script>alert(1)</script>的故事。");
    // Neither reaches the search page's HTML: the client inserts them as text at run time.
    let page = site.read("search/index.html");
    assert!(!page.contains("<b>劳模</b>") && !page.contains("<script>alert"), "{page}");
}
