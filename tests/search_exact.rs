//! Exact matches where readers type them: dates and numbers next to Han characters
//! (2024年, 第30批, 9月4日上午), long phrases matched through their covers, and Traditional
//! characters folded to Simplified. `gazette search` must return exactly the articles whose
//! text holds the query, and the browser client (`tests/js/search_exact.test.mjs`, run here
//! through `node`) the same top 10 with the same scores and the same total.

mod common;

use common::Site;
use gazette::paths::is_han;
use gazette::search::query::search;
use gazette::search::tokenize::normalize;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// A letter or digit outside the Han ranges: what the tokenizer's words are made of.
fn word(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// Whether the words at the start and the end of `q` must be whole words of the text. The
/// first and the last clause of `q` (its parts between spaces) that are single words match
/// whole words, and so does a word without a digit at an end of a longer clause; a word with
/// a digit there may be part of a longer word (72个 is in 172个, 第30 in 第300批; 72 is not in
/// 172, ai专家 not in openai专家).
fn whole_ends(q: &str) -> (bool, bool) {
    let whole = |part: Option<&str>, end: Vec<char>| {
        !end.is_empty() && (part.is_some_and(|p| p.chars().all(word)) || !end.iter().any(|c| c.is_numeric()))
    };
    let (first, last) = (q.split_whitespace().next(), q.split_whitespace().next_back());
    let lead: Vec<char> = first.unwrap_or_default().chars().take_while(|c| word(*c)).collect();
    let trail: Vec<char> = last.unwrap_or_default().chars().rev().take_while(|c| word(*c)).collect();
    (whole(first, lead), whole(last, trail))
}

/// True when `text` holds `q` where the tokenizer can see it (see [`whole_ends`]).
fn holds(text: &str, q: &str) -> bool {
    let (lead, trail) = whole_ends(q);
    text.char_indices().any(|(i, _)| {
        text[i..].starts_with(q)
            && !(lead && text[..i].chars().next_back().is_some_and(word))
            && !(trail && text[i + q.len()..].chars().next().is_some_and(word))
    })
}

/// `text` as its runs of Han characters and words, with one space where separators stood
/// between two of them (whatever and however many) and U+0001 where one touches the next:
/// the documented leniency is that a match may differ from the query only in which
/// separators lie between two runs or words.
fn skeleton(text: &str) -> String {
    let mut out = String::new();
    let mut prev: Option<bool> = None;
    let mut gap = false;
    for c in text.chars() {
        let han = is_han(c);
        if !han && !word(c) {
            gap = true;
            continue;
        }
        if prev.is_some() && gap {
            out.push(' ');
        } else if prev.is_some_and(|p| p != han) {
            out.push('\u{1}');
        }
        out.push(c);
        (prev, gap) = (Some(han), false);
    }
    out
}

/// True when `text` holds `q` up to the leniency: a word at either end of the query matches
/// a whole word, a Han run at either end may be part of a longer run.
fn holds_leniently(text: &str, q: &str) -> bool {
    let pattern = skeleton(q);
    let (lead, trail) = whole_ends(q);
    let text = format!(" {} ", skeleton(text));
    // A whole word at an end of the query must be a whole word of the text: a boundary of
    // either kind.
    let ends = |whole: bool| if whole { vec![" ", "\u{1}"] } else { vec![""] };
    ends(lead).iter().any(|a| ends(trail).iter().any(|b| text.contains(&format!("{a}{pattern}{b}"))))
}

/// One article of a fixture: path under content/news/, title, body.
type Article = (String, String, String);

fn build(articles: &[Article]) -> Site {
    let mut site = Site::new().page("news/_index.md", "title: 新闻", "");
    for (i, (path, title, body)) in articles.iter().enumerate() {
        let front = format!("title: \"{title}\"\ndate: 2024-05-{:02}T08:{:02}:00+08:00", 1 + i % 28, i % 60);
        site = site.page(&format!("news/{path}"), &front, body);
    }
    site.build_clean();
    site
}

/// What a search must find: the titles of the articles whose normalised title or text holds
/// the normalised query.
fn expected(articles: &[Article], q: &str) -> BTreeSet<String> {
    let q = normalize(q);
    articles
        .iter()
        .filter(|(_, t, b)| holds(&normalize(t), &q) || holds(&normalize(b), &q))
        .map(|(_, t, _)| t.clone())
        .collect()
}

fn found(site: &Site, q: &str) -> BTreeSet<String> {
    let hits = search(&site.path(".gazette/index"), q, None, 1000).expect("search");
    hits.into_iter().map(|h| h.title).collect()
}

/// Runs the JS client over `site`'s output for `queries` and checks it against the CLI:
/// same top 10 (doc numbers and f32 scores) and same total.
fn js_agrees(site: &Site, queries: &[String]) {
    let mut cases = Vec::new();
    for q in queries {
        let all = search(&site.path(".gazette/index"), q, None, 100_000).expect("search");
        let top = &all[..all.len().min(10)];
        let ids: Vec<u64> = top.iter().map(|h| h.id).collect();
        let scores: Vec<f32> = top.iter().map(|h| h.score).collect();
        cases.push(serde_json::json!({ "query": q, "ids": ids, "scores": scores, "total": all.len() }));
    }
    let expect = site.path("exact.json");
    std::fs::write(&expect, serde_json::to_vec(&cases).expect("json")).expect("write expectations");
    let test = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js/search_exact.test.mjs");
    let out = Command::new("node")
        .arg("--test")
        .arg(&test)
        .env("GAZETTE_EXACT_PUBLIC", site.path("public"))
        .env("GAZETTE_EXACT_EXPECT", &expect)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): this test needs Node.js 20 or later on PATH"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "node test failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("# pass 1") && stdout.contains("# fail 0"), "node test did not run:\n{stdout}");
}

fn article(i: usize, title: &str, body: &str) -> Article {
    (format!("a{i:03}.md"), title.to_string(), body.to_string())
}

/// Each string a reader may type sits between other Han characters, beside articles holding
/// near misses (2024，年底; 第30期; 9月份4日; 约3000元; 12351 alone; “12351”热线 and
/// 2024 年初, where a separator stands between the word and the run), longer numbers that a
/// query's end word is part of (124名, 172个, 19.8亿元, 第300批) and one that a whole-word
/// query must not match (72 in 172), nor a query whose end number stands behind punctuation
/// (《72》个 in 第《172》个, .5万元 in 1.25万元) or whose end word has no digit (ai专家 in
/// openai专家), covers' broken
/// phrases (户外，劳动者; 户外2劳动者; 户外劳。动者; 户外。外劳动者) and Traditional text.
fn dates_and_numbers() -> Vec<Article> {
    let texts = [
        ("年度回顾", "回顾2024年的工作，总结经验。"),
        ("培训开班", "本市举办第30批次技能培训。"),
        ("大会开幕", "大会定于9月4日上午开幕。"),
        ("活动举行", "活动吸引了大约3000人参加。"),
        ("获奖名单", "共有24名职工获奖。"),
        ("管理升级", "全面推行亮牌管理2.0版本。"),
        ("颁奖仪式", "颁奖仪式于5月20日举行。"),
        ("热线电话", "职工可拨打12351热线电话反映问题。"),
        ("简报刊登", "刊登于第12期简报上。"),
        ("补贴发放", "每人补贴3.5万元整。"),
        ("驿站开放", "全市户外劳动者服务站点开放，环卫工人可以歇脚。"),
        ("技能竞赛", "全市职工技能竞赛圆满结束，劳动者权益得到保障。"),
        ("勞動節報道", "勞動者權益保障，職工技能競賽於2024年舉行。"),
        ("年底安排", "截至2024，年底前完成。"),
        ("培训班", "第30期培训班结业。"),
        ("时间安排", "安排在9月份4日前后。"),
        ("费用说明", "报名费约3000元。"),
        ("选手名单", "共有124名选手参赛。"),
        ("制度修订", "亮牌管理制度2.0发布。"),
        ("号码公布", "热线号码是12351。"),
        ("标点一", "户外，劳动者休息。"),
        ("标点二", "户外2劳动者休息。"),
        ("标点三", "户外劳。动者休息。"),
        ("标点四", "户外。外劳动者休息。"),
        ("日期五", "会议于5月份20日召开。"),
        ("引号热线", "请拨打“12351”热线咨询。"),
        ("空格年份", "发布于2024 年初。"),
        ("春节统计", "回顾2024年春节全国客流。"),
        ("全国统计", "截至2024年，全国新增岗位。"),
        ("会议代表", "出席G20中华民国3号文件讨论。"),
        ("型号说明", "代号A中，国B型设备。"),
        ("站点数量", "全省建成172个站点，位列第172个。"),
        ("单位数量", "共72个单位参加。"),
        ("资金投入", "累计投入19.8亿元资金。"),
        ("批次说明", "这是第300批名单。"),
        ("排名", "本市位列第72个。"),
        ("书名号", "位列第《172》个。"),
        ("书名号二", "案例见《72》个。"),
        ("小数", "投入1.25万元。"),
        ("小数二", "补贴0.5万元。"),
        ("专家一", "openai专家出席。"),
        ("专家二", "ai专家出席。"),
    ];
    texts.iter().enumerate().map(|(i, (t, b))| article(i, t, b)).collect()
}

const QUERIES: &[&str] = &[
    "2024年，全国",
    "年，全国",
    "中，国",
    "2024年",
    "第30批",
    "9月4日",
    "约3000人",
    "24名",
    "亮牌管理2.0版",
    "5月20日",
    "12351热线",
    "第12期",
    "3.5万元",
    "年的工作",
    "举办第30",
    "日上午",
    "户外劳动者",
    "户外劳动",
    "户外劳动者服务站点",
    "技能竞赛",
    "全市职工技能竞赛圆满结束",
    "劳动者权益得到保障",
    "勞動者",
    "職工",
    "技能競賽",
    "勞動者權益",
    "劳动者权益保障",
    "於2024年舉行",
    "72个",
    "72",
    "9.8亿元",
    "第30",
    "第72个",
    "2个站点",
    "《72》个",
    ".5万元",
    "ai专家",
];

#[test]
fn dates_and_numbers_between_han_characters_are_found_exactly_by_cli_and_js() {
    let articles = dates_and_numbers();
    let site = build(&articles);
    for q in QUERIES {
        let want = expected(&articles, q);
        assert!(!want.is_empty(), "{q} is in some article");
        assert_eq!(found(&site, q), want, "query {q}");
    }
    let queries: Vec<String> = QUERIES.iter().map(|q| q.to_string()).collect();
    js_agrees(&site, &queries);
}

#[test]
fn covers_do_not_match_texts_where_the_skipped_part_is_broken() {
    let site = build(&dates_and_numbers());
    let titles = |q: &str| found(&site, q).into_iter().collect::<Vec<_>>();
    assert_eq!(titles("户外劳动者"), ["驿站开放"]);
    // Runs sharing characters across punctuation (户外。外劳动) do not join.
    assert_eq!(titles("户外劳动"), ["驿站开放"]);
    assert_eq!(titles("外劳动者"), ["标点四", "驿站开放"]);
    // Two characters of a run between digits: each boundary unigram at its own position.
    assert_eq!(titles("9月4日"), ["大会开幕"]);
    assert_eq!(titles("5月20日"), ["颁奖仪式"]);
}

#[test]
fn a_phrase_never_spans_two_tags() {
    let site = Site::new()
        .page("news/_index.md", "title: 新闻", "")
        .page("news/a.md", "title: 甲\ndate: 2024-05-01\ntags: [户外, 劳动]", "正文。")
        .page("news/b.md", "title: 乙\ndate: 2024-05-02\ntags: [\"2024\", 年会]", "正文。")
        .page("news/c.md", "title: 丙\ndate: 2024-05-03\ntags: [户外劳动, 2024年会]", "正文。");
    site.build_clean();
    for q in ["户外劳动", "2024年会"] {
        assert_eq!(found(&site, q).into_iter().collect::<Vec<_>>(), ["丙"], "{q}");
    }
    assert_eq!(found(&site, "户外").len(), 2);
    js_agrees(&site, &["户外劳动".to_string(), "2024年会".to_string(), "年会".to_string()]);
}

#[test]
fn traditional_and_simplified_find_each_other() {
    let site = build(&dates_and_numbers());
    assert_eq!(found(&site, "勞動者權益"), found(&site, "劳动者权益"));
    assert_eq!(found(&site, "职工技能竞赛").into_iter().collect::<Vec<_>>(), ["勞動節報道", "技能竞赛"]);
    assert_eq!(found(&site, "職工技能競賽"), found(&site, "职工技能竞赛"));
}

/// splitmix64, for a text generator that is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// News-like text dense in digit/Han boundaries: counts with units, dates, ordinals, short
/// and long Han words (two-character runs between numbers included), a few Latin words.
fn generated(n: usize) -> Vec<Article> {
    const HAN: &[&str] = &[
        "职工",
        "技能",
        "培训",
        "户外",
        "劳动者",
        "服务站点",
        "热线",
        "工会",
        "补贴",
        "年度",
        "月份",
        "批次",
        "人次",
        "名单",
        "万元",
        "季度",
        "版本",
        "活动",
        "举办",
        "参加",
        "上午",
        "下午",
        "全市",
        "共有",
        "约",
        "第",
        "年",
        "月",
        "日",
        "期",
        "批",
        "届",
        "名",
        "人",
        "版",
        "号",
        "元",
        "项",
        "的",
        "于",
    ];
    const SEP: &[&str] = &["，", "。", "、", " ", "：", ""];
    const LATIN: &[&str] = &["AI", "GDP", "app"];
    let mut rng = Rng(20240520);
    (0..n)
        .map(|i| {
            let mut body = String::from("本报讯");
            for _ in 0..60 {
                match rng.below(10) {
                    0..=3 => {
                        let max = if rng.below(3) == 0 { 10000 } else { 40 };
                        body.push_str(&rng.below(max).to_string());
                    }
                    4 if rng.below(4) == 0 => {
                        let (a, b) = (rng.below(10), rng.below(10));
                        body.push_str(&format!("{a}.{b}"));
                    }
                    4 => body.push_str(rng.pick(LATIN)),
                    _ => body.push_str(rng.pick(HAN)),
                }
                if rng.below(4) == 0 {
                    body.push_str(rng.pick(SEP));
                }
            }
            body.push('。');
            article(i, &format!("第{}号通知", i + 1), &body)
        })
        .collect()
}

/// Substrings of 2–10 characters of the bodies that a reader could type: no separator at
/// either end and none inside except between two words (2.0), a word cut at either end
/// (72个 out of 172个) unless the word is a whole clause (see [`whole_ends`]); three in four
/// cross a digit/Han boundary.
fn samples(articles: &[Article], per_article: usize) -> Vec<String> {
    let mut rng = Rng(7);
    let mut out = BTreeSet::new();
    for (_, _, body) in articles {
        let chars: Vec<char> = normalize(body).chars().collect();
        let mut tries = 0;
        let mut taken = 0;
        while taken < per_article && tries < 10_000 {
            tries += 1;
            let len = 2 + rng.below(9);
            let Some(start) = chars.len().checked_sub(len).map(|m| rng.below(m + 1)) else { continue };
            let s = &chars[start..start + len];
            let kept = |c: &char| is_han(*c) || word(*c);
            let cut = |a: Option<&char>, b: &char| word(*b) && a.is_some_and(|a| word(*a));
            let inner_ok = (1..len - 1).all(|k| kept(&s[k]) || (word(s[k - 1]) && word(s[k + 1])));
            let crossing = s.iter().any(|c| is_han(*c)) && s.iter().any(|c| word(*c));
            let (lead, trail) = whole_ends(&s.iter().collect::<String>());
            if !kept(&s[0])
                || !kept(&s[len - 1])
                || !inner_ok
                || (lead && cut(start.checked_sub(1).map(|k| &chars[k]), &s[0]))
                || (trail && cut(chars.get(start + len), &s[len - 1]))
                || (!crossing && rng.below(4) != 0)
            {
                continue;
            }
            if out.insert(s.iter().collect::<String>()) {
                taken += 1;
            }
        }
    }
    out.into_iter().collect()
}

#[test]
fn every_sampled_substring_finds_exactly_the_articles_holding_it() {
    let articles = generated(60);
    let site = build(&articles);
    let queries = samples(&articles, 8);
    assert!(queries.len() >= 400, "{} queries", queries.len());
    let (mut exact, mut lenient) = (0, 0);
    for q in &queries {
        let want = expected(&articles, q);
        let got = found(&site, q);
        assert!(
            want.is_subset(&got),
            "{q}: missing {:?} {:?}",
            want.difference(&got).collect::<Vec<_>>(),
            articles.iter().filter(|a| want.contains(&a.1)).map(|a| &a.2).collect::<Vec<_>>()
        );
        for title in got.difference(&want) {
            let (_, _, body) = articles.iter().find(|a| &a.1 == title).expect("article");
            let text = format!("{}\n{}", normalize(title), normalize(body));
            assert!(holds_leniently(&text, &normalize(q)), "{q}: {title} does not hold it: {body}");
            lenient += 1;
        }
        exact += usize::from(got == want);
    }
    // Leniency is the exception: a separator in the text where the query has none.
    assert!(exact * 10 >= queries.len() * 9, "{exact} of {} exact, {lenient} lenient extras", queries.len());
    js_agrees(&site, &queries);
}
